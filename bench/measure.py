#!/usr/bin/env python3
"""Runs a command N times and records its median wall time and peak RSS.

    bench/measure.py --out RESULTS.tsv --scenario S --tool T --files F
                     --bytes B [--runs N] [--warmup W] [--clear DIR]
                     [--phase NAME] [--baseline] [--stdin FILE] [--cwd DIR]
                     -- COMMAND ARGS...
    bench/measure.py --group GROUP.jsonl

`--group` measures several configurations together: each line of GROUP.jsonl
is the JSON list of one configuration's arguments (the first form's, `--out`
included), and their runs are interleaved, round by round, so that a busy
minute of a shared machine slows every configuration of a comparison alike.

Wall time is measured around fork/exec and wait (no shell, no Python start
in it); peak RSS is the child's ru_maxrss from wait4(2), which covers the
child's waited-for descendants too (xargs -> squawk). `--clear DIR` empties
DIR before every run, untimed (a cold compiled-plugin cache). `--phase`
reports the median of the command's `timing NAME <ms>` stderr lines
(`drift-host run --timings`, the native example) instead of the wall time
in the `ms` column; the wall time is kept too. Every `timing` phase seen is
recorded as well. Appends one tab-separated line to RESULTS.tsv:

    scenario tool ms wall_ms rss_mb files bytes runs baseline phases(json) exit_codes

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def clear(path: str) -> None:
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        p = os.path.join(path, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def run_once(cmd: list[str], stdin: str | None = None, cwd: str | None = None) -> tuple[float, float, dict[str, float], int]:
    with tempfile.TemporaryFile() as err, open(stdin or os.devnull, "rb") as inp:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=inp, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - t0) * 1e3
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        phases: dict[str, float] = {}
        for line in err.read().decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "timing":
                try:
                    phases[parts[1]] = float(parts[2])
                except ValueError:
                    pass
    # ru_maxrss is in KiB on Linux.
    return wall, usage.ru_maxrss / 1024, phases, proc.returncode


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--clear")
    ap.add_argument("--phase")
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--stdin", help="a file fed to the command's stdin on every run")
    ap.add_argument("--cwd", help="the command's working directory")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    return ap


class Measurement:
    """One configuration: its arguments and the runs taken so far."""

    def __init__(self, argv: list[str]):
        ap = parser()
        self.args = ap.parse_args(argv)
        cmd = self.args.cmd[1:] if self.args.cmd[:1] == ["--"] else self.args.cmd
        if not cmd:
            ap.error("no command")
        self.cmd = cmd
        self.walls: list[float] = []
        self.rss: list[float] = []
        self.codes: list[int] = []
        self.phases: dict[str, list[float]] = {}

    def warm(self) -> None:
        for _ in range(self.args.warmup):
            if self.args.clear:
                clear(self.args.clear)
            run_once(self.cmd, self.args.stdin, self.args.cwd)

    def run(self) -> None:
        if self.args.clear:
            clear(self.args.clear)
        wall, peak, ph, code = run_once(self.cmd, self.args.stdin, self.args.cwd)
        self.walls.append(wall)
        self.rss.append(peak)
        self.codes.append(code)
        for k, v in ph.items():
            self.phases.setdefault(k, []).append(v)

    def report(self) -> int:
        args = self.args
        med = {k: statistics.median(v) for k, v in self.phases.items()}
        wall = statistics.median(self.walls)
        if args.phase:
            if args.phase not in med:
                print(f"measure.py: no `timing {args.phase}` line from {' '.join(self.cmd)}", file=sys.stderr)
                return 1
            ms = med[args.phase]
        else:
            ms = wall
        with open(args.out, "a") as fh:
            fh.write("\t".join([
                args.scenario, args.tool, f"{ms:.1f}", f"{wall:.1f}", f"{max(self.rss):.1f}",
                str(args.files), str(args.bytes), str(args.runs), "1" if args.baseline else "0",
                json.dumps({k: round(v, 1) for k, v in med.items()}),
                ",".join(str(c) for c in sorted(set(self.codes))),
            ]) + "\n")
        print(f"  {args.scenario} | {args.tool}: {ms:.1f} ms (wall {wall:.1f} ms, runs {', '.join(f'{w:.0f}' for w in self.walls)}), "
              f"peak RSS {max(self.rss):.1f} MB, exit {sorted(set(self.codes))}", file=sys.stderr)
        return 0


def main() -> int:
    # `--group FILE`: every line a JSON list of the arguments above, one
    # configuration each; their runs are interleaved (run 1 of each, then
    # run 2 of each, ...) so that a slow minute of a shared machine slows
    # every configuration alike instead of skewing one ratio.
    if sys.argv[1:2] == ["--group"] and len(sys.argv) == 3:
        with open(sys.argv[2]) as fh:
            group = [Measurement(json.loads(line)) for line in fh if line.strip()]
    else:
        group = [Measurement(sys.argv[1:])]
    for m in group:
        m.warm()
    for i in range(max(m.args.runs for m in group)):
        for m in group:
            if i < m.args.runs:
                m.run()
    return max(m.report() for m in group)


if __name__ == "__main__":
    sys.exit(main())

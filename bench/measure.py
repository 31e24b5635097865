#!/usr/bin/env python3
"""Runs a command N times and records its median wall time and peak RSS.

    bench/measure.py --out RESULTS.tsv --scenario S --tool T --files F
                     --bytes B [--runs N] [--warmup W] [--clear DIR]
                     [--phase NAME] [--baseline] -- COMMAND ARGS...

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


def run_once(cmd: list[str]) -> tuple[float, float, dict[str, float], int]:
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
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


def main() -> int:
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
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command")

    for _ in range(args.warmup):
        if args.clear:
            clear(args.clear)
        run_once(cmd)
    walls, rss, codes = [], [], []
    phases: dict[str, list[float]] = {}
    for _ in range(args.runs):
        if args.clear:
            clear(args.clear)
        wall, peak, ph, code = run_once(cmd)
        walls.append(wall)
        rss.append(peak)
        codes.append(code)
        for k, v in ph.items():
            phases.setdefault(k, []).append(v)
    med = {k: statistics.median(v) for k, v in phases.items()}
    wall = statistics.median(walls)
    if args.phase:
        if args.phase not in med:
            print(f"measure.py: no `timing {args.phase}` line from {' '.join(cmd)}", file=sys.stderr)
            return 1
        ms = med[args.phase]
    else:
        ms = wall
    with open(args.out, "a") as fh:
        fh.write("\t".join([
            args.scenario, args.tool, f"{ms:.1f}", f"{wall:.1f}", f"{max(rss):.1f}",
            str(args.files), str(args.bytes), str(args.runs), "1" if args.baseline else "0",
            json.dumps({k: round(v, 1) for k, v in med.items()}),
            ",".join(str(c) for c in sorted(set(codes))),
        ]) + "\n")
    print(f"  {args.scenario} | {args.tool}: {ms:.1f} ms (wall {wall:.1f} ms, runs {', '.join(f'{w:.0f}' for w in walls)}), "
          f"peak RSS {max(rss):.1f} MB, exit {sorted(set(codes))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

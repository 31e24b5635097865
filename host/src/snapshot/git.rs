//! Reading snapshots from git: the index, HEAD, a merge-base, and blobs.
//!
//! We drive the `git` command rather than a library: it is on every machine
//! where these modes make sense, it honours the user's configuration
//! (`core.autocrlf`, alternates, partial clones) exactly, and its plumbing
//! output (`-z`) is stable. Every failure says what to do about it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::{Change, ChangeKind, Content, Source};

/// What a git-mode snapshot is made of.
#[derive(Debug)]
pub struct Tree {
    pub top: PathBuf,
    /// What could not be done as usual (rename detection given up), for
    /// the user to read.
    pub notes: Vec<String>,
    /// (path, blob id) of the snapshot.
    pub files: Vec<(String, String)>,
    /// (path, blob id) at the base.
    pub base_files: Vec<(String, String)>,
    pub changes: Vec<Change>,
}

/// A user-facing git failure (exit code 2, message says how to fix it).
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run `git`: is git installed and on PATH?")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}

fn git_str(dir: &Path, args: &[&str]) -> Result<String> {
    Ok(String::from_utf8_lossy(&git(dir, args)?).trim().to_owned())
}

/// The snapshot of `source`. `wanted` are the globs (relative to `root`)
/// of the files any rule reads: the diff, and its rename detection, which
/// reads blobs, look at those paths only.
pub fn read(root: &Path, source: &Source, wanted: &[String]) -> Result<Tree> {
    let top = git_str(root, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        anyhow::anyhow!(
            "{} is not inside a git repository: --staged and --base need git history \
             (run without them to check the working tree)",
            root.display()
        )
    })?;
    let top = PathBuf::from(top);
    // Paths are reported relative to the folder being checked.
    let prefix = git_str(root, &["rev-parse", "--show-prefix"])?;
    let has_head = git(root, &["rev-parse", "--verify", "-q", "HEAD^{commit}"]).is_ok();
    let pathspecs: Vec<String> = wanted
        .iter()
        .map(|glob| format!(":(glob){prefix}{glob}"))
        .collect();
    let mut notes = Vec::new();
    let (files, base_files, changes) = match source {
        Source::WorkingTree | Source::BaseTree => {
            unreachable!("working trees are walked, base trees are views")
        }
        Source::Staged => {
            let files = ls_files_stage(&top)?;
            let base_files = if has_head {
                ls_tree(&top, "HEAD")?
            } else {
                Vec::new()
            };
            let changes = if has_head {
                diff(
                    &top,
                    &[
                        "diff",
                        "--cached",
                        "--name-status",
                        "-z",
                        "--no-ext-diff",
                        "HEAD",
                    ],
                    &pathspecs,
                    &mut notes,
                )?
            } else {
                files
                    .iter()
                    .map(|(path, _)| Change {
                        kind: ChangeKind::Added,
                        path: path.clone(),
                        old_path: None,
                    })
                    .collect()
            };
            (files, base_files, changes)
        }
        Source::Base(reference) => {
            if !has_head {
                bail!(
                    "the repository has no commits yet: there is nothing to compare with `{reference}`"
                );
            }
            let shallow = git_str(&top, &["rev-parse", "--is-shallow-repository"])? == "true";
            let spec = format!("{reference}^{{commit}}");
            if git(&top, &["rev-parse", "--verify", "-q", &spec]).is_err() {
                if let Some(first) = parent_of_root(&top, reference) {
                    bail!(
                        "base ref `{reference}` names the parent of `{first}`, the repository's \
                         first commit, which has none: there is nothing before it to compare \
                         with. Run without --base to check every file, or pick a later commit."
                    );
                }
                let hint = if shallow {
                    " This is a shallow clone: fetch full history (actions/checkout: `fetch-depth: 0`) or fetch the base branch (`git fetch origin <branch>`)."
                } else {
                    " Fetch it first, e.g. `git fetch origin <branch>`, and pass `--base origin/<branch>`."
                };
                bail!("base ref `{reference}` was not found.{hint}");
            }
            let merge_base = match git_str(&top, &["merge-base", &spec, "HEAD"]) {
                Ok(mb) if !mb.is_empty() => mb,
                _ if shallow => bail!(
                    "cannot find the merge-base of `{reference}` and HEAD: this is a shallow clone. \
                     Fetch full history (actions/checkout: `fetch-depth: 0`, or `git fetch --unshallow`)."
                ),
                _ => bail!(
                    "`{reference}` and HEAD have no common ancestor: pick a base branch this branch was created from"
                ),
            };
            let files = ls_tree(&top, "HEAD")?;
            let base_files = ls_tree(&top, &merge_base)?;
            let changes = diff(
                &top,
                &[
                    "diff",
                    "--name-status",
                    "-z",
                    "--no-ext-diff",
                    &merge_base,
                    "HEAD",
                ],
                &pathspecs,
                &mut notes,
            )?;
            (files, base_files, changes)
        }
    };
    let strip = |path: String| -> Option<String> {
        if prefix.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(&prefix).map(str::to_owned)
        }
    };
    let strip_pairs = |v: Vec<(String, String)>| -> Vec<(String, String)> {
        v.into_iter()
            .filter_map(|(p, o)| Some((strip(p)?, o)))
            .collect()
    };
    Ok(Tree {
        top,
        notes,
        files: strip_pairs(files),
        base_files: strip_pairs(base_files),
        changes: changes
            .into_iter()
            .filter_map(|c| {
                let old_path = c.old_path.and_then(strip);
                match strip(c.path) {
                    Some(path) => Some(Change {
                        path,
                        old_path,
                        kind: c.kind,
                    }),
                    // Renamed out of the checked folder: from inside, a deletion.
                    None => old_path.map(|path| Change {
                        kind: ChangeKind::Deleted,
                        path,
                        old_path: None,
                    }),
                }
            })
            .collect(),
    })
}

/// When `reference` is `X^`, `X~` or `X~1` for a commit `X` without
/// parents, `X` as written: the base names a commit that cannot exist.
fn parent_of_root<'r>(top: &Path, reference: &'r str) -> Option<&'r str> {
    let stem = reference
        .strip_suffix('^')
        .or_else(|| reference.strip_suffix("~1"))
        .or_else(|| reference.strip_suffix('~'))
        .or_else(|| reference.strip_suffix("^1"))?;
    let spec = format!("{stem}^{{commit}}");
    let line = git_str(top, &["rev-list", "--parents", "-n", "1", &spec]).ok()?;
    (line.split_whitespace().count() == 1).then_some(stem)
}

/// Regular files only: symlinks (120000) and submodules (160000) carry no
/// content a rule could read.
fn is_regular(mode: &str) -> bool {
    mode == "100644" || mode == "100755"
}

/// Splits `-z` output of `ls-files -s` / `ls-tree -r` into (the three
/// space-separated metadata fields, path).
fn records(out: &[u8]) -> impl Iterator<Item = ([String; 3], String)> + '_ {
    out.split(|&b| b == 0).filter_map(|record| {
        let record = String::from_utf8_lossy(record);
        let (meta, path) = record.split_once('\t')?;
        let mut parts = meta.split(' ').map(str::to_owned);
        let fields = [parts.next()?, parts.next()?, parts.next()?];
        Some((fields, path.to_owned()))
    })
}

fn ls_files_stage(top: &Path) -> Result<Vec<(String, String)>> {
    let out = git(top, &["ls-files", "-s", "-z"])?;
    let mut files: Vec<(String, String)> = records(&out)
        // [mode, oid, stage]. During a merge conflict keep "ours" (stage 2).
        .filter(|([mode, _, stage], _)| is_regular(mode) && (stage == "0" || stage == "2"))
        .map(|([_, oid, _], path)| (path, oid))
        .collect();
    files.dedup_by(|a, b| a.0 == b.0);
    Ok(files)
}

fn ls_tree(top: &Path, treeish: &str) -> Result<Vec<(String, String)>> {
    let out = git(top, &["ls-tree", "-r", "-z", "--full-tree", treeish])?;
    // [mode, type, oid]
    Ok(records(&out)
        .filter(|([mode, _, _], _)| is_regular(mode))
        .map(|([_, _, oid], path)| (path, oid))
        .collect())
}

/// The changes `args` (a `git diff --name-status -z` without pathspecs)
/// lists under `pathspecs`, renames detected among them. Rename detection
/// reads the blobs of added and deleted files: when that fails (an object a
/// partial clone lacks), the changes are listed without it, and a note
/// says so, rather than the run failing.
fn diff(
    top: &Path,
    args: &[&str],
    pathspecs: &[String],
    notes: &mut Vec<String>,
) -> Result<Vec<Change>> {
    let with = |extra: &str| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        all.insert(1, extra.to_owned());
        if !pathspecs.is_empty() {
            all.push("--".to_owned());
            all.extend(pathspecs.iter().cloned());
        }
        all
    };
    let renames = with("-M");
    let renames: Vec<&str> = renames.iter().map(String::as_str).collect();
    let out = match git(top, &renames) {
        Ok(out) => out,
        Err(e) => {
            notes.push(format!(
                "rename detection failed ({e:#}): renamed files are seen as deleted and added"
            ));
            let plain = with("--no-renames");
            let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
            git(top, &plain)?
        }
    };
    let mut fields = out
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut changes = Vec::new();
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let Some(path) = fields.next() else { break };
        let change = match status.as_bytes()[0] {
            b'A' => Change {
                kind: ChangeKind::Added,
                path,
                old_path: None,
            },
            b'D' => Change {
                kind: ChangeKind::Deleted,
                path,
                old_path: None,
            },
            b'R' => {
                let Some(new) = fields.next() else { break };
                Change {
                    kind: ChangeKind::Renamed,
                    path: new,
                    old_path: Some(path),
                }
            }
            b'C' => {
                let Some(new) = fields.next() else { break };
                Change {
                    kind: ChangeKind::Added,
                    path: new,
                    old_path: None,
                }
            }
            // M, T (type change), U (unmerged): the content at this path changed.
            _ => Change {
                kind: ChangeKind::Modified,
                path,
                old_path: None,
            },
        };
        changes.push(change);
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

/// Reads blobs with one `git cat-file --batch` process.
pub fn cat_blobs<'a>(
    dir: &Path,
    oids: impl Iterator<Item = &'a str>,
    max_size: u64,
) -> Result<Vec<Content>> {
    let oids: Vec<String> = oids.map(str::to_owned).collect();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run `git cat-file`")?;
    let mut stdin = child.stdin.take().context("git cat-file: no stdin")?;
    let to_write = oids.clone();
    // Write on another thread: git answers while we ask, and a full pipe in
    // both directions would deadlock.
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for oid in to_write {
            writeln!(stdin, "{oid}")?;
        }
        Ok(())
    });
    let stdout = child.stdout.take().context("git cat-file: no stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut contents = Vec::with_capacity(oids.len());
    for oid in &oids {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let mut parts = header.split_whitespace();
        let (Some(_), Some(kind)) = (parts.next(), parts.next()) else {
            bail!(
                "git cat-file: unexpected answer for {oid}: {}",
                header.trim()
            );
        };
        if kind == "missing" {
            // A partial or shallow clone: that file cannot be read, the
            // others can.
            contents.push(Content::Missing(format!(
                "git object {oid} is not in this clone (a partial or shallow clone?)"
            )));
            continue;
        }
        let Some(size) = parts.next() else {
            bail!(
                "git cat-file: unexpected answer for {oid}: {}",
                header.trim()
            );
        };
        let size: u64 = size.parse().context("git cat-file: bad size")?;
        if kind != "blob" {
            bail!("git cat-file: object {oid} is a {kind}, not a file");
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size.min(max_size + 1)).unwrap_or(0));
        (&mut reader).take(size).read_to_end(&mut bytes)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        contents.push(if size > max_size {
            Content::TooLarge(size)
        } else {
            Content::classify(bytes, max_size)
        });
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("git cat-file writer panicked"))??;
    child.wait()?;
    Ok(contents)
}

/// The migrations a full scan counts as applied: the paths (relative to the
/// checked folder) of the tree at the applied ref.
#[derive(Debug)]
pub enum Applied {
    /// The ref resolved: its name as given or found, and its paths.
    At { name: String, paths: Vec<String> },
    /// Nothing resolved: the reason, to say once; nothing counts as applied.
    Unknown(String),
    /// Not a git repository: there is no history to have applied.
    NoHistory,
}

/// The tree at `reference`, or, without one, at the remote's default
/// branch (`origin/HEAD`, else `origin/main`, else `origin/master`). Never
/// HEAD: that would hide a pull request's own new migrations as applied.
pub fn applied(root: &Path, reference: Option<&str>) -> Result<Applied> {
    let Ok(top) = git_str(root, &["rev-parse", "--show-toplevel"]) else {
        return Ok(Applied::NoHistory);
    };
    let top = PathBuf::from(top);
    let resolves = |r: &str| {
        git(
            &top,
            &["rev-parse", "--verify", "-q", &format!("{r}^{{commit}}")],
        )
        .is_ok()
    };
    let name = match reference {
        Some(r) if resolves(r) => r.to_owned(),
        Some(r) => bail!(
            "applied-ref `{r}` (rules.toml) does not name a commit here: fetch it \
             (`git fetch origin <branch>`) or set `applied-ref` to the branch that is deployed"
        ),
        None => match ["origin/HEAD", "origin/main", "origin/master"]
            .into_iter()
            .find(|r| resolves(r))
        {
            Some(r) => r.to_owned(),
            None => {
                return Ok(Applied::Unknown(
                    "no applied ref: origin/HEAD, origin/main and origin/master do not resolve, \
                     so every migration is checked as new (set `applied-ref` in rules.toml to the \
                     branch that is deployed)"
                        .to_owned(),
                ));
            }
        },
    };
    let prefix = git_str(root, &["rev-parse", "--show-prefix"])?;
    let paths = ls_tree(&top, &name)?
        .into_iter()
        .filter_map(|(path, _)| path.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    Ok(Applied::At { name, paths })
}

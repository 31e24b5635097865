//! `drift-host init`: inspect a repository, write a commented starter
//! `rules.toml`, and optionally install a git pre-commit hook.
//!
//! Existing files are never overwritten silently: an existing `rules.toml`
//! or pre-commit hook makes `init` stop with a message (`--force` replaces
//! them), because a hook may already run other checks the user relies on.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::exit;
use crate::cli::InitArgs;
use crate::setup::resolve_root;
use crate::snapshot::{Filter, Snapshot, Source};

/// `drift-host init`.
pub fn init(args: &InitArgs, stdout: &mut dyn std::io::Write) -> Result<u8> {
    let root = resolve_root(&args.path)?;
    let survey = survey(&root)?;
    let config_path = root.join(crate::config::FILE_NAME);
    if config_path.exists() && !args.force && args.hook {
        writeln!(
            stdout,
            "drift-host: keeping the existing {}",
            config_path.display()
        )?;
    } else {
        let path = write_config(&root, &starter_config(&survey), args.force)?;
        writeln!(
            stdout,
            "drift-host: wrote {} ({} schema(s), {} migrations folder(s), {} agent instruction file(s) found)",
            path.display(),
            survey.schemas.len(),
            survey.migration_dirs.len(),
            survey.agent_files.len()
        )?;
    }
    if args.hook {
        let hook = install_hook(&root, args.force)?;
        writeln!(
            stdout,
            "drift-host: installed {} (runs `drift-host run --staged`)",
            hook.display()
        )?;
    }
    Ok(exit::CLEAN)
}

/// What `init` found in the repository.
#[derive(Debug, Default)]
pub struct Survey {
    pub schemas: Vec<String>,
    pub migration_dirs: Vec<String>,
    pub handwritten: usize,
    pub prisma_migrations: usize,
    pub agent_files: Vec<String>,
}

/// Finds the schemas, their migrations and the agent instruction files the
/// way the rules will (`drift_syntax::project`).
pub fn survey(root: &Path) -> Result<Survey> {
    use drift_syntax::project;
    let filter = Filter::new(&[], &[])?;
    let snapshot = Snapshot::take(root, &Source::WorkingTree, &filter, u64::MAX, &[])?;
    let mut survey = Survey::default();
    for found in snapshot.projects().iter().cloned() {
        if let Some(schema) = found.schema {
            survey.schemas.push(schema.path);
        }
        for dir in found.dirs {
            let contents = project::scan(&snapshot.paths, &dir);
            if contents.is_empty {
                continue;
            }
            survey.handwritten += contents.forward().count();
            survey.prisma_migrations += contents
                .prisma
                .iter()
                .filter(|f| f.has_migration_sql())
                .count();
            survey.migration_dirs.push(dir);
        }
    }
    survey.agent_files = snapshot
        .paths
        .iter()
        .filter(|p| project::agent_of(p).is_some())
        .cloned()
        .collect();
    Ok(survey)
}

/// The starter configuration for what `survey` found.
pub fn starter_config(survey: &Survey) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# drift-host configuration: docs/configuration.md in the drift-host repository."
    );
    let _ = writeln!(
        out,
        "# Written by `drift-host init`; every setting below is optional.\n#"
    );
    let _ = writeln!(out, "# Found:");
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    let _ = writeln!(out, "#   Prisma schemas:       {}", list(&survey.schemas));
    let _ = writeln!(
        out,
        "#   migrations folders:   {}",
        list(&survey.migration_dirs)
    );
    let _ = writeln!(
        out,
        "#   migrations:           {} Prisma, {} hand-written",
        survey.prisma_migrations, survey.handwritten
    );
    let _ = writeln!(
        out,
        "#   agent instructions:   {}",
        list(&survey.agent_files)
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "# Paths never handed to rules (in addition to .gitignore)."
    );
    let _ = writeln!(out, "exclude = []\n");
    let _ = writeln!(out, "[limits]\ntime-ms = 10000\nmemory-mib = 512\n");
    let _ = writeln!(out, "[rules.numbering]");
    let _ = writeln!(out, "enabled = true");
    if survey.migration_dirs.is_empty() {
        let _ = writeln!(out, "# migration-dirs = [\"server/prisma/migrations\"]");
    } else {
        let dirs: Vec<String> = survey
            .migration_dirs
            .iter()
            .map(|d| format!("{d:?}"))
            .collect();
        let _ = writeln!(
            out,
            "# Discovered next to each schema; list them to pin the set:"
        );
        let _ = writeln!(out, "# migration-dirs = [{}]", dirs.join(", "));
    }
    let _ = writeln!(
        out,
        "# letter-suffix = \"warning\" # 17b_fix.sql: off | info | warning | error"
    );
    let _ = writeln!(
        out,
        "# rollback = \"off\"          # 17_x_rollback.sql: off | info | warning | error"
    );
    let _ = writeln!(out, "# checks = {{ gap = \"off\" }}");
    out
}

/// Writes `rules.toml` into `root`; refuses to replace one unless `force`.
pub fn write_config(root: &Path, text: &str, force: bool) -> Result<PathBuf> {
    let path = root.join(crate::config::FILE_NAME);
    if path.exists() && !force {
        bail!(
            "{} already exists: not overwriting it (use --force to replace it)",
            path.display()
        );
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

pub const HOOK: &str = "#!/bin/sh\n\
# Installed by `drift-host init --hook`: checks what is about to be committed.\n\
if ! command -v drift-host >/dev/null 2>&1; then\n\
  echo \"drift-host is not on PATH: install it (cargo install --path host in its repository) or remove this hook\" >&2\n\
  exit 1\n\
fi\n\
exec drift-host run --staged\n";

/// Installs the pre-commit hook; refuses to replace an existing one unless
/// `force`.
pub fn install_hook(root: &Path, force: bool) -> Result<PathBuf> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--git-path", "hooks"])
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "{} is not a git repository: cannot install a pre-commit hook",
            root.display()
        );
    }
    let hooks = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let hooks = if hooks.is_absolute() {
        hooks
    } else {
        root.join(hooks)
    };
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create {}", hooks.display()))?;
    let path = hooks.join("pre-commit");
    if path.exists() && !force {
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        if existing == HOOK {
            return Ok(path);
        }
        bail!(
            "{} already exists: not replacing it. Add `drift-host run --staged` to it yourself \
             (or to your husky/lefthook configuration), or use --force to replace it",
            path.display()
        );
    }
    std::fs::write(&path, HOOK).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(path)
}

//! Judging one command line: each enabled rule's command check, its
//! findings resolved like file findings, then `[guard]` from rules.toml
//! (a `deny` pattern blocks whatever the rules say; findings inside a
//! simple command an `allow` pattern matches are dropped and listed).

use std::path::Path;

use anyhow::Result;
use drift_syntax::shell;
use rayon::prelude::*;

use super::follow::{Followed, Then};
use super::{COMMAND_PATH, Verdict};
use crate::config::guard::Pattern;
use crate::config::{Config, Decision, GuardPattern, Policy};
use crate::diagnostic::{Finding, HOST_RULE, RunError, Severity, Span, truncate};
use crate::setup::ActiveRule;
use crate::wire::{self, command as command_wire};

/// Largest file handed to a command check.
const MAX_NEEDED_FILE: u64 = 1024 * 1024;

/// How many files deep a command is followed (`npm run a` → a script →
/// `make b` → ...).
const MAX_FOLLOW_DEPTH: usize = 8;

/// Most texts followed for one command line (`turbo run x` in a large
/// monorepo runs many scripts).
const MAX_FOLLOWED: usize = 1024;

/// Judges `command` with the configuration of the repository at `root`,
/// from the working directory `cwd`.
pub fn judge(
    root: &Path,
    cwd: &Path,
    config: &Config,
    command: &str,
    overridden: Option<String>,
) -> Result<Verdict> {
    let cache_dir = crate::plugin::cache::default_dir();
    let runtime = crate::plugin::Runtime::new(cache_dir)?;
    let limits = config.limits;
    let (plugins, mut load_errors) = crate::setup::load_plugins(&runtime, config, limits);
    let rules = crate::setup::configure(config, &plugins, &mut load_errors, limits)?.rules;
    // What each command rule needs is asked once: the line and every text
    // it runs out of files are judged with the same rules.
    let mut needs_errors = Vec::new();
    let checking: Vec<(&ActiveRule, command_wire::CommandNeeds)> = rules
        .iter()
        .filter(|rule| rule.plugin.has_command_checks())
        .filter_map(
            |rule| match rule.plugin.command_needs(limits, &rule.options_json) {
                Ok(needs) => Some((rule, needs)),
                Err(e) => {
                    needs_errors.push(RunError::from(e));
                    None
                }
            },
        )
        .collect();
    let judge = Judge {
        root,
        config,
        rules: &checking,
        budget: std::cell::Cell::new(MAX_FOLLOWED),
        judged: std::cell::RefCell::new(std::collections::HashSet::new()),
        files: std::sync::Mutex::new(std::collections::HashMap::new()),
    };
    let mut part = judge.text(command, cwd, 0, 0, &mut Vec::new());
    part.errors
        .extend(load_errors.into_iter().map(RunError::from));
    part.errors.extend(needs_errors);
    part.errors.sort();
    part.errors.dedup();
    let Part {
        mut findings,
        mut allowed,
        errors,
    } = part;
    // A cell the policy allows lets its findings through, listed like an
    // `allow` pattern's.
    let policy = &config.guard.policy;
    findings.retain(|finding| {
        if super::decision_of(policy, finding) != Decision::Allow
            || finding.severity != Severity::Error
        {
            return true;
        }
        let cell = drift_syntax::hazard::cell(&finding.rule, &finding.check);
        allowed.push((
            finding.clone(),
            format!("[guard.policy] {} = \"allow\"", Policy::key(cell)),
        ));
        false
    });
    crate::diagnostic::sort_findings(&mut findings);
    dedup_findings(&mut findings);
    let mut verdict = Verdict::new(command.to_owned(), findings, errors, overridden, policy);
    verdict.allowed = allowed;
    Ok(verdict)
}

/// The rules and configuration a line and everything it runs are judged
/// with.
struct Judge<'a> {
    root: &'a Path,
    config: &'a Config,
    /// The rules with command checks, and what each declared it needs.
    rules: &'a [(&'a ActiveRule, command_wire::CommandNeeds)],
    /// Texts that may still be followed.
    budget: std::cell::Cell<usize>,
    /// Texts already judged for this line: one a script runs twice (a
    /// helper called in a loop) adds nothing the first time did not.
    judged: std::cell::RefCell<std::collections::HashSet<(String, String)>>,
    /// Files read for the rules, by repository path: the texts a line runs
    /// mostly need the same `.env` and schema.
    files: FileCache,
}

/// What judging one text found, spans in that text.
#[derive(Default)]
struct Part {
    findings: Vec<Finding>,
    allowed: Vec<(Finding, String)>,
    errors: Vec<RunError>,
}

impl Judge<'_> {
    /// Judges `text` (the command line, or text it runs out of a file) run
    /// from `cwd`; `stack` holds the files being followed, so a script
    /// that runs itself is read once.
    fn text(
        &self,
        text: &str,
        cwd: &Path,
        depth: usize,
        inherited: usize,
        stack: &mut Vec<String>,
    ) -> Part {
        let limits = self.config.limits;
        let root = self.root;
        let rel_cwd = cwd
            .strip_prefix(root)
            .ok()
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default();

        let cache = &self.files;
        let results: Vec<_> = self
            .rules
            .par_iter()
            .map(|(rule, needs)| {
                let input = command_wire::CommandInput {
                    command: text.to_owned(),
                    cwd: rel_cwd.clone(),
                    env: needed_env(&needs.env),
                    files: needed_files(root, cache, cwd, text, &needs.files),
                    options: rule.options_json.to_string(),
                };
                let found = rule.plugin.check_command(limits, &input)?;
                Ok::<_, crate::plugin::PluginError>((rule, found))
            })
            .collect();

        let mut found = Vec::new();
        let mut errors: Vec<RunError> = Vec::new();
        for result in results {
            match result {
                Ok((rule, list)) => {
                    for f in list {
                        match resolve(rule, text, f) {
                            Ok(Some(one)) => found.push(one),
                            Ok(None) => {}
                            Err(message) => {
                                errors.push(RunError {
                                    kind: "plugin",
                                    subject: rule.plugin.meta.id.clone(),
                                    message,
                                });
                                break;
                            }
                        }
                    }
                }
                Err(e) => errors.push(RunError::from(e)),
            }
        }

        let examined = shell::examine(text);
        let commands = &examined.commands;
        let followed = super::follow::follow(root, cwd, text, commands, inherited);
        // A `psql -f` whose file was read is judged again below as the
        // same command with the file's SQL on stdin, by every rule: what
        // the rules said about the command itself (SQL they could not
        // read, and where it goes) is answered there. Only for a command
        // whose range is its own (no other command shares it).
        let answered: Vec<&std::ops::Range<usize>> = followed
            .iter()
            .filter(|f| {
                matches!(
                    f.then,
                    Then::Text {
                        reads_unseen: true,
                        ..
                    }
                )
            })
            .map(|f| &f.range)
            .filter(|r| commands.iter().filter(|c| &c.range == *r).count() == 1)
            .collect();
        found.retain(|(_, range)| !answered.contains(&range));

        let allow = compile(&self.config.guard.allow);
        let mut allowed = Vec::new();
        let mut findings: Vec<Finding> = found
            .into_iter()
            .filter_map(
                |(finding, range)| match allowing(&allow, commands, &range) {
                    Some(pattern) => {
                        allowed.push((finding, pattern.at.clone()));
                        None
                    }
                    None => Some(finding),
                },
            )
            .collect();
        // No `allow` pattern lets a line rewrite the policy or pass unread.
        let mut host = super::policy::check_line(text, &examined);
        // In a file the line runs, what the guard cannot read asks only
        // when the file names a database: a build script's `$CC` is not
        // the user's business.
        if depth > 0 && !names_database(text) && !hides_program(text, &examined) {
            host.retain(|f| f.check != "guard-unexamined");
        }
        findings.extend(host);
        let deny = compile(&self.config.guard.deny);
        for simple in commands {
            if let Some((_, at)) = deny.iter().find(|(p, _)| p.matches(simple)) {
                findings.push(Finding {
                    rule: HOST_RULE.to_owned(),
                    check: "guard-deny".to_owned(),
                    severity: Severity::Error,
                    path: COMMAND_PATH.to_owned(),
                    span: Some(Span::of_range(text, simple.range.clone())),
                    message: format!(
                        "`{}` matches the deny pattern `{}` ({})",
                        one_line(text.get(simple.range.clone()).unwrap_or("")),
                        at.pattern,
                        at.at
                    ),
                    help: Some(
                        "this command is forbidden by the repository's rules.toml; ask a human"
                            .to_owned(),
                    ),
                });
            }
        }
        let mut part = Part {
            findings,
            allowed,
            errors,
        };
        for one in followed {
            self.follow(text, one, depth, stack, &mut part);
        }
        part
    }

    /// Judges what `followed` runs and reports it at the command that runs
    /// it.
    fn follow(
        &self,
        text: &str,
        followed: Followed,
        depth: usize,
        stack: &mut Vec<String>,
        part: &mut Part,
    ) {
        let span = Span::of_range(text, followed.range.clone());
        let shown = one_line(text.get(followed.range.clone()).unwrap_or(""));
        let via = &followed.via;
        let unexamined = |why: String| {
            Finding {
            rule: HOST_RULE.to_owned(),
            check: "guard-unexamined".to_owned(),
            severity: Severity::Error,
            path: COMMAND_PATH.to_owned(),
            span: Some(span),
            message: format!("`{shown}` runs {via}, but {why}"),
            help: Some(
                "run what it runs directly, so the guard can judge it; or ask the user to run this line"
                    .to_owned(),
            ),
        }
        };
        let (inner_text, cwd, key, origin, inherited) = match followed.then {
            // As for lines it cannot read through: in a followed file,
            // only when the file names a database (a build script's
            // missing artifact `./bundler` is not the user's business).
            Then::Unreadable(_) if depth > 0 && !names_database(text) => return,
            Then::Unreadable(why) => {
                part.findings.push(unexamined(why));
                return;
            }
            Then::Text {
                text,
                cwd,
                key,
                origin,
                inherited,
                ..
            } => (text, cwd, key, origin, inherited),
        };
        if stack.contains(&key)
            || !self
                .judged
                .borrow_mut()
                .insert((inner_text.clone(), cwd.to_string_lossy().into_owned()))
        {
            return;
        }
        if depth + 1 > MAX_FOLLOW_DEPTH || self.budget.get() == 0 {
            part.findings.push(unexamined(format!(
                "the guard follows at most {MAX_FOLLOW_DEPTH} files deep and {MAX_FOLLOWED} files per line"
            )));
            return;
        }
        self.budget.set(self.budget.get() - 1);
        stack.push(key);
        let inner = self.text(&inner_text, &cwd, depth + 1, inherited, stack);
        stack.pop();
        let lift = |finding: Finding| {
            let at = match (&origin, &finding.span) {
                (Some(origin), Some(inner)) => format!(" ({})", origin.at(inner.line)),
                _ => String::new(),
            };
            let mut message = format!("`{shown}` runs {via}{at}: {}", finding.message);
            truncate(&mut message);
            Finding {
                span: Some(span),
                message,
                ..finding
            }
        };
        part.findings.extend(inner.findings.into_iter().map(lift));
        part.allowed.extend(
            inner
                .allowed
                .into_iter()
                .map(|(finding, pattern)| (lift(finding), pattern)),
        );
        part.errors.extend(inner.errors);
    }
}

/// True when `text` names a database tool, a migration or a database URL,
/// as a word (`apply-migrations.js` names one; `sqlite` is not `sql`).
fn names_database(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "migrate",
        "migration",
        "migrations",
        "database",
        "database_url",
        "postgres",
        "postgresql",
        "prisma",
    ];
    text.to_ascii_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| WORDS.contains(&word) || drift_syntax::hazard::Family::PROGRAMS.contains(&word))
}

/// True when `text` runs a program held in a variable it assigned from a
/// command's output (`x=$(echo … | base64 -d); $x`): hiding a command,
/// unlike a build script's `$CC` from the environment.
fn hides_program(text: &str, examined: &shell::Examined) -> bool {
    examined.commands.iter().any(|command| {
        let Some(program) = command.program() else {
            return false;
        };
        let name = program
            .strip_prefix("${")
            .and_then(|p| p.strip_suffix('}'))
            .or_else(|| program.strip_prefix('$'))
            .unwrap_or("");
        !name.is_empty()
            && ["=$(", "=`", "=\"$(", "=\"`"]
                .iter()
                .any(|from| text.contains(&format!("{name}{from}")))
    })
}

/// Two followed paths can reach the same finding (`make a b` where both
/// depend on `c`): each is reported once.
fn dedup_findings(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.rule.clone(), f.check.clone(), f.span, f.message.clone())));
}

fn compile(patterns: &[GuardPattern]) -> Vec<(Pattern, &GuardPattern)> {
    patterns
        .iter()
        .filter_map(|p| Pattern::parse(&p.pattern).map(|compiled| (compiled, p)))
        .collect()
}

/// The `allow` pattern that covers a finding at `range`: one matching the
/// innermost simple command the range starts in.
///
/// The pattern names a command as it runs, so nothing else in the line may
/// change what it reaches: no earlier command that exports, loads or unsets
/// variables or changes directory, and no wrapper that loads an env file.
/// When the finding's position cannot tell one command from another (a
/// nested string whose commands share its range), nothing is lifted.
fn allowing<'a>(
    patterns: &'a [(Pattern, &'a GuardPattern)],
    commands: &[shell::Command],
    range: &std::ops::Range<usize>,
) -> Option<&'a GuardPattern> {
    let containing: Vec<(usize, &shell::Command)> = commands
        .iter()
        .enumerate()
        .filter(|(_, c)| c.range.start <= range.start && range.start <= c.range.end)
        .collect();
    let smallest = containing
        .iter()
        .map(|(_, c)| c.range.end - c.range.start)
        .min()?;
    let mut innermost = containing
        .iter()
        .filter(|(_, c)| c.range.end - c.range.start == smallest);
    let (index, command) = innermost.next()?;
    if innermost.next().is_some() {
        return None;
    }
    if commands
        .get(..*index)
        .unwrap_or(&[])
        .iter()
        .any(shell::Command::changes_environment)
        || command.env_file_loader().is_some()
    {
        return None;
    }
    patterns
        .iter()
        .find(|(pattern, _)| pattern.matches_exactly(command))
        .map(|(_, at)| *at)
}

/// Validates a plugin's command finding and applies configuration; the
/// finding comes back with its byte range.
fn resolve(
    rule: &ActiveRule,
    command: &str,
    finding: command_wire::CommandFinding,
) -> Result<Option<(Finding, std::ops::Range<usize>)>, String> {
    let meta = &rule.plugin.meta;
    let check = meta.check(&finding.check)?;
    let (start, end) = (finding.start as usize, finding.end as usize);
    if start > end
        || end > command.len()
        || !command.is_char_boundary(start)
        || !command.is_char_boundary(end)
    {
        return Err(format!(
            "returned a command finding with an invalid range {start}..{end} (the command is \
             {} bytes)",
            command.len()
        ));
    }
    let Some(severity) = rule.severity(check, finding.severity) else {
        return Ok(None);
    };
    let cut = |mut text: String| {
        truncate(&mut text);
        text
    };
    Ok(Some((
        Finding {
            rule: meta.id.clone(),
            check: check.id.clone(),
            severity,
            path: COMMAND_PATH.to_owned(),
            span: Some(Span::of_range(command, start..end)),
            message: cut(finding.message),
            help: finding.help.map(cut),
        },
        start..end,
    )))
}

fn needed_env(names: &[String]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = names
        .iter()
        .filter_map(|name| Some((name.clone(), std::env::var(name).ok()?)))
        .collect();
    env.sort();
    env.dedup();
    env
}

/// Read files by repository path, shared by the texts of one line.
type FileCache = std::sync::Mutex<std::collections::HashMap<String, Option<wire::File>>>;

/// Reads the declared files from the working tree, and with
/// [`drift_syntax::files::NAMED_FILES`] those the text names from
/// `cwd`. Paths must stay inside the repository: absolute paths and
/// `..` are refused (skipped), so a plugin cannot read outside what the
/// repository holds.
fn needed_files(
    root: &Path,
    cache: &FileCache,
    cwd: &Path,
    text: &str,
    declared: &[String],
) -> Vec<wire::File> {
    let named = drift_syntax::files::NAMED_FILES;
    let mut paths: Vec<String> = declared.iter().filter(|p| *p != named).cloned().collect();
    if declared.iter().any(|p| p == named) {
        paths.extend(super::follow::named_files(root, cwd, text, declared));
    }
    paths.sort();
    paths.dedup();
    let mut files: Vec<wire::File> = paths
        .iter()
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with('/')
                && !p.contains('\\')
                && p.split('/').all(|c| !c.is_empty() && c != "..")
        })
        .filter_map(|p| {
            // A poisoned lock still holds whole entries: reading on never
            // drops a file the rule asked for.
            let lock = || {
                cache
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            };
            let cached = lock().get(p).cloned();
            cached.unwrap_or_else(|| {
                let file = read_needed(root, p);
                lock().insert(p.clone(), file.clone());
                file
            })
        })
        .collect();
    if declared.iter().any(|p| p == named) {
        files.extend(service_files(text));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

/// The repository file `path`, classified as the snapshot classifies
/// files, so a command check and a file check see the same text; `None`
/// when it is not a regular file.
fn read_needed(root: &Path, path: &str) -> Option<wire::File> {
    let full = root.join(path);
    let meta = std::fs::symlink_metadata(&full).ok()?;
    if !meta.is_file() {
        return None;
    }
    use drift_syntax::files::Content as Plain;
    let content = if meta.len() > MAX_NEEDED_FILE {
        wire::Content::TooLarge(meta.len())
    } else {
        match Plain::classify(std::fs::read(&full).ok()?, MAX_NEEDED_FILE) {
            Plain::Text(text) => wire::Content::Text(text),
            Plain::Binary => wire::Content::Binary,
            Plain::InvalidUtf8(at) => wire::Content::InvalidUtf8(at),
            Plain::TooLarge(size) => wire::Content::TooLarge(size),
        }
    };
    Some(wire::File {
        path: path.to_owned(),
        content,
        sql: None,
    })
}

/// libpq's connection service files, under their names in
/// [`drift_syntax::files`], for a text that names a service: the user's
/// (`PGSERVICEFILE`, else `~/.pg_service.conf`) and the system's
/// (`$PGSYSCONFDIR/pg_service.conf`, else
/// `/etc/postgresql-common/pg_service.conf`).
fn service_files(text: &str) -> Vec<wire::File> {
    if !(text.contains("service") || text.contains("PGSERVICE"))
        && std::env::var_os("PGSERVICE").is_none()
    {
        return Vec::new();
    }
    let env = |name: &str| std::env::var_os(name).map(std::path::PathBuf::from);
    let user =
        env("PGSERVICEFILE").or_else(|| env("HOME").map(|home| home.join(".pg_service.conf")));
    let system = env("PGSYSCONFDIR")
        .map(|dir| dir.join("pg_service.conf"))
        .or_else(|| Some("/etc/postgresql-common/pg_service.conf".into()));
    [
        (drift_syntax::files::PG_SERVICE_FILE, user),
        (drift_syntax::files::PG_SYSTEM_SERVICE_FILE, system),
    ]
    .into_iter()
    .filter_map(|(name, path)| {
        let path = path?;
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_NEEDED_FILE {
            return None;
        }
        let text = String::from_utf8(std::fs::read(&path).ok()?).ok()?;
        Some(wire::File {
            path: name.to_owned(),
            content: wire::Content::Text(text),
            sql: None,
        })
    })
    .collect()
}

pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

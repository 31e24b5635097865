//! The folders numbering checks: each migrations folder of the
//! repository with the schema it belongs to. Discovery and the meaning of
//! each path are drift-syntax's (`drift_sdk::project`), shared with
//! schema-drift and the host; this module only flattens a schema's folders
//! into one check unit each, and holds the naming helpers of the messages.

pub use drift_sdk::migrations::{Direction, HandWritten, parse_handwritten};

pub use drift_sdk::project::{Contents, PrismaFolder, Schema, Stray, scan};

/// A migrations folder and the schema next to it.
#[derive(Debug, Clone)]
pub struct Project {
    pub dir: String,
    pub schema: Option<Schema>,
    /// True when the folder came from the `migration-dirs` option.
    pub configured: bool,
    /// A Prisma config (a config file, package.json, a script's
    /// `--schema`) places the schema: when it is not in the repository it
    /// is generated or outside it, not missing.
    pub placed: bool,
}

/// The migrations folders: the configured ones, or every one discovered
/// next to a schema or named by a Prisma config.
pub fn projects(
    paths: &[String],
    configured: Option<&[String]>,
    configs: &[drift_sdk::prisma_config::PrismaConfig],
) -> Vec<Project> {
    drift_sdk::project::discover_with(paths, configured, configs)
        .into_iter()
        .flat_map(|project| {
            let schema = project.schema;
            let configured = project.configured;
            let placed = project.config.is_some();
            project.dirs.into_iter().map(move |dir| Project {
                dir,
                schema: schema.clone(),
                configured,
                placed,
            })
        })
        .collect()
}

/// Makes a name safe for `<timestamp>_<name>` (letters, digits, `_`).
pub fn slugify(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let slug = slug.trim_matches(|c: char| c == '_' || c.is_ascii_digit());
    if slug.is_empty() {
        "migration".to_owned()
    } else {
        slug.to_owned()
    }
}

/// `` `a` `` / `` `a` and `b` `` / `` `a`, `b` and `c` ``.
pub fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

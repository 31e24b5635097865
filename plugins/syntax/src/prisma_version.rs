//! Which major version of Prisma a project runs, from its files.
//!
//! Prisma's migrations differ by version where the schema cannot say
//! (since 6.0 an implicit many-to-many table is keyed by a primary key, no
//! longer by a unique index), so schema-drift needs the version to know
//! what `prisma migrate dev` would build. It is read the way a developer
//! would read it: the lock file nearest the schema (what is installed),
//! else the nearest `package.json` that depends on `prisma` or
//! `@prisma/client` (its range, or the pnpm catalog entry it names).
//! Nothing here reads files: callers pass a lookup from path to text.

use crate::paths::join;

/// The packages whose version is Prisma's.
const PACKAGES: [&str; 2] = ["prisma", "@prisma/client"];

/// Lock files, in the order they are consulted within one folder.
const LOCK_FILES: [&str; 4] = [
    "pnpm-lock.yaml",
    "package-lock.json",
    "yarn.lock",
    "bun.lock",
];

/// The globs of the files [`major`] reads (package.json is a config
/// source already, see [`crate::prisma_config::GLOBS`]).
pub const GLOBS: &[&str] = &[
    "**/pnpm-lock.yaml",
    "**/package-lock.json",
    "**/yarn.lock",
    "**/bun.lock",
    "**/pnpm-workspace.yaml",
];

/// The Prisma major version of the project whose schema is at
/// `schema_path` (a file or folder, repository-relative), or `None` when
/// its files do not say. `text` returns a file's text by path.
pub fn major<'a>(schema_path: &str, text: impl Fn(&str) -> Option<&'a str>) -> Option<u32> {
    let folders = folders_up(schema_path);
    let declared = folders.iter().find_map(|folder| {
        let manifest = text(&join(folder, "package.json"))?;
        let range = declared_range(manifest)?;
        Some(match range.strip_prefix("catalog:") {
            Some(catalog) => folders
                .iter()
                .find_map(|f| text(&join(f, "pnpm-workspace.yaml")))
                .and_then(|workspace| catalog_range(workspace, catalog.trim()))
                .and_then(|range| range_major(&range)),
            None => range_major(&range),
        })
    });
    // A lock file that installs no Prisma says nothing (a nested package's
    // own lock, say): the search goes on upwards.
    let locked = folders.iter().find_map(|folder| {
        LOCK_FILES
            .iter()
            .filter_map(|name| text(&join(folder, name)))
            .map(locked_majors)
            .find(|majors| !majors.is_empty())
    });
    match (locked, declared.flatten()) {
        (Some(locked), _) if locked.len() == 1 => locked.first().copied(),
        // Several versions installed: the one the package asks for.
        (Some(locked), Some(declared)) if locked.contains(&declared) => Some(declared),
        (_, declared) => declared,
    }
}

/// Every file [`major`] may read for the schema at `schema_path`.
pub fn candidates(schema_path: &str) -> Vec<String> {
    folders_up(schema_path)
        .iter()
        .flat_map(|folder| {
            ["package.json", "pnpm-workspace.yaml"]
                .into_iter()
                .chain(LOCK_FILES)
                .map(move |name| join(folder, name))
        })
        .collect()
}

/// `a/b/schema.prisma` → `a/b`, `a`, `` (the repository root).
fn folders_up(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path.trim_end_matches('/');
    while let Some((parent, _)) = rest.rsplit_once('/') {
        out.push(parent.to_owned());
        rest = parent;
    }
    out.push(String::new());
    out
}

/// The version range a package.json gives `prisma` (else
/// `@prisma/client`) in any of its dependency lists.
fn declared_range(manifest: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(manifest).ok()?;
    PACKAGES.iter().find_map(|package| {
        [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ]
        .iter()
        .find_map(|list| json.get(list)?.get(package)?.as_str().map(str::to_owned))
    })
}

/// The major version a range pins: `^6.1.0`, `~5.22`, `6.14.0`, `>=6`,
/// `npm:prisma@6.2.0`. `None` for ranges that do not pin one (`*`,
/// `latest`, `workspace:*`, `5 || 6`).
pub fn range_major(range: &str) -> Option<u32> {
    let range = range.trim();
    if range.contains("||") || range.contains(" - ") {
        return None;
    }
    let range = range.rsplit_once('@').map_or(range, |(_, v)| v);
    // `>5.22` admits 6 as well.
    if range.starts_with('>') && !range.starts_with(">=") {
        return None;
    }
    let range = range.trim_start_matches(['^', '~', '=', '>', 'v', ' ']);
    let digits: String = range.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The range of `prisma` (else `@prisma/client`) in the pnpm catalog
/// `name` of a pnpm-workspace.yaml: `catalog:` for the default one (`""`
/// or `default`), else `catalogs: { name: … }`.
fn catalog_range(workspace: &str, name: &str) -> Option<String> {
    let wanted = if name.is_empty() { "default" } else { name };
    // The catalog the current line is in, and the indent of the names of
    // `catalogs:`.
    let mut catalog: Option<&str> = None;
    let mut in_catalogs = false;
    let mut names_indent = None;
    let mut found: Vec<(usize, String)> = Vec::new();
    for line in workspace.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let (key, value) = trimmed.split_once(':').unwrap_or((trimmed, ""));
        let key = key.trim().trim_matches(['\'', '"']);
        if indent == 0 {
            in_catalogs = key == "catalogs";
            catalog = (key == "catalog").then_some("default");
            names_indent = None;
            continue;
        }
        if in_catalogs && *names_indent.get_or_insert(indent) == indent {
            catalog = Some(key);
            continue;
        }
        if catalog == Some(wanted)
            && let Some(rank) = PACKAGES.iter().position(|p| *p == key)
        {
            found.push((rank, value.trim().trim_matches(['\'', '"']).to_owned()));
        }
    }
    found.sort();
    found.into_iter().next().map(|(_, range)| range)
}

/// Every major version of `prisma` a lock file installs, sorted.
fn locked_majors(lock: &str) -> Vec<u32> {
    let mut majors = Vec::new();
    let mut push = |version: &str| {
        let version = version.strip_prefix("npm:").unwrap_or(version);
        // Yarn 1 keys name the range (`prisma@^5.0.0:`): its major.
        let version = version.trim_start_matches(['^', '~', '=']);
        let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(major) = digits.parse() {
            majors.push(major);
        }
    };
    // pnpm, bun and yarn name installs `prisma@6.14.0` (as a key, or as a
    // peer in `(prisma@6.14.0)`), older pnpm `/prisma@5.22.0`; a letter,
    // `-` or `/` before it is another package (`nestjs-prisma@`,
    // `@scope/prisma@`) unless the `/` starts an older pnpm key.
    for (at, _) in lock.match_indices("prisma@") {
        let before = &lock[..at];
        // `_prisma@4.16.2` after a version is an older pnpm's peer suffix.
        let peer_suffix = before.ends_with('_')
            && before[..before.len() - 1].ends_with(|d: char| d.is_ascii_digit());
        let other_package = before.chars().next_back().is_some_and(|c| {
            c.is_ascii_alphanumeric()
                || c == '-'
                || (c == '_' && !peer_suffix)
                || (c == '/'
                    && !before
                        .trim_end_matches('/')
                        .ends_with(['\n', ' ', '\'', '"']))
        });
        if !other_package {
            push(&lock[at + "prisma@".len()..]);
        }
    }
    // pnpm 5: `/prisma/4.16.2:`.
    for (at, key) in lock.match_indices("/prisma/") {
        if lock[..at].ends_with(['\n', ' ']) {
            push(&lock[at + key.len()..]);
        }
    }
    // npm: `"node_modules/prisma": { "version": "6.2.1"`, nested installs
    // `"apps/x/node_modules/prisma"` alike.
    for (at, key) in lock.match_indices("node_modules/prisma\"") {
        let rest = &lock[at + key.len()..];
        if let Some(v) = rest.find("\"version\"") {
            push(rest[v + "\"version\"".len()..].trim_start_matches([':', ' ', '"']));
        }
    }
    majors.sort_unstable();
    majors.dedup();
    majors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(files: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |path| files.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
    }

    #[test]
    fn ranges() {
        for (range, major) in [
            ("^6.1.0", Some(6)),
            ("~5.22", Some(5)),
            ("6.14.0", Some(6)),
            (">=6", Some(6)),
            ("npm:prisma@6.2.0", Some(6)),
            (">5.22", None),
            ("*", None),
            ("latest", None),
            ("workspace:*", None),
            ("5 || 6", None),
        ] {
            assert_eq!(range_major(range), major, "{range}");
        }
    }

    #[test]
    fn the_lock_file_wins_over_the_range() {
        let files = [
            (
                "packages/db/package.json",
                r#"{"devDependencies": {"prisma": "^5.0.0"}}"#,
            ),
            (
                "pnpm-lock.yaml",
                "packages:\n\n  prisma@6.14.0:\n    resolution: {}\n  '@prisma/client@6.14.0(prisma@6.14.0)':\n",
            ),
        ];
        assert_eq!(
            major("packages/db/prisma/schema.prisma", lookup(&files)),
            Some(6)
        );
    }

    #[test]
    fn several_installed_versions_take_the_packages_range() {
        let lock = "{\n  \"packages\": {\n    \"node_modules/prisma\": {\n      \"version\": \"5.22.0\"\n    },\n    \"apps/new/node_modules/prisma\": {\n      \"version\": \"6.2.1\"\n    }\n  }\n}";
        let files = [
            (
                "apps/new/package.json",
                r#"{"dependencies": {"@prisma/client": "^6.2.0"}}"#,
            ),
            ("package-lock.json", lock),
        ];
        // npm nests the second install under its package, keyed by path.
        assert_eq!(locked_majors(lock), vec![5, 6]);
        assert_eq!(
            major("apps/new/prisma/schema.prisma", lookup(&files)),
            Some(6)
        );
        assert_eq!(
            locked_majors(
                "packages:\n  /prisma@5.22.0:\n  /nestjs-prisma@1.0.0:\n  /@scope/prisma@2.0.0:\n"
            ),
            vec![5]
        );
        let files = [
            (
                "apps/new/package.json",
                r#"{"dependencies": {"@prisma/client": "^6.2.0"}}"#,
            ),
            (
                "yarn.lock",
                "prisma@^5.0.0:\n  version \"5.22.0\"\n\nprisma@^6.2.0:\n  version \"6.2.1\"\n",
            ),
        ];
        assert_eq!(
            major("apps/new/prisma/schema.prisma", lookup(&files)),
            Some(6)
        );
    }

    #[test]
    fn a_lock_without_prisma_says_nothing() {
        let files = [
            ("apps/web/package-lock.json", "{\"packages\": {}}"),
            ("pnpm-lock.yaml", "packages:\n  prisma@6.1.0:\n"),
        ];
        assert_eq!(
            major("apps/web/prisma/schema.prisma", lookup(&files)),
            Some(6)
        );
    }

    #[test]
    fn older_lock_formats() {
        assert_eq!(
            locked_majors("packages:\n  /prisma/4.16.2:\n    resolution: {}\n"),
            vec![4]
        );
        assert_eq!(
            locked_majors("  /@prisma/client/4.16.2_prisma@4.16.2:\n"),
            vec![4]
        );
        assert_eq!(
            locked_majors("prisma@^5.0.0:\n  version \"5.22.0\"\n"),
            vec![5]
        );
        assert_eq!(locked_majors("nestjs_prisma@1.0.0:\n"), Vec::<u32>::new());
    }

    #[test]
    fn package_json_and_pnpm_catalogs() {
        let files = [(
            "package.json",
            r#"{"devDependencies": {"prisma": "6.14.0"}}"#,
        )];
        assert_eq!(major("prisma/schema.prisma", lookup(&files)), Some(6));
        let files = [
            (
                "packages/db/package.json",
                r#"{"dependencies": {"prisma": "catalog:"}}"#,
            ),
            (
                "pnpm-workspace.yaml",
                "packages:\n  - packages/*\ncatalog:\n  typescript: ^5.6.0\n  prisma: ^5.22.0\n",
            ),
        ];
        assert_eq!(major("packages/db/schema.prisma", lookup(&files)), Some(5));
        let files = [
            (
                "packages/db/package.json",
                r#"{"dependencies": {"prisma": "catalog:orm"}}"#,
            ),
            (
                "pnpm-workspace.yaml",
                "catalogs:\n  orm:\n    prisma: 6.3.0\n  react:\n    prisma: 4.0.0\n",
            ),
        ];
        assert_eq!(major("packages/db/schema.prisma", lookup(&files)), Some(6));
        // Nothing says: unknown.
        let files = [("package.json", r#"{"dependencies": {"next": "15.0.0"}}"#)];
        assert_eq!(major("prisma/schema.prisma", lookup(&files)), None);
    }
}

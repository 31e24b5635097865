//! Prisma's project configuration, read without running it: the `schema`
//! and `migrations.path` of a `prisma.config.{ts,mts,cts,js,mjs,cjs}` (at a
//! package root, or as `.config/prisma.*`).
//!
//! A config is a program, but the fields that move a project are nearly
//! always literals: `schema: "./schema"`, `path.join(__dirname, "prisma")`,
//! `path.resolve(__dirname, "prisma/migrations")`. Those are read; anything
//! else (a variable, an absolute path of a container, a template string)
//! leaves the field unknown, and discovery falls back to Prisma's defaults
//! for it. Paths are relative to the config file's folder, as Prisma
//! resolves them.

use crate::paths::{file_name, parent};

/// What a Prisma config says about where the project lives. Paths are
/// repository paths, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismaConfig {
    /// The config file.
    pub path: String,
    /// The schema file, or the folder of a multi-file schema.
    pub schema: Option<String>,
    /// The migrations folder.
    pub migrations: Option<String>,
}

const EXTENSIONS: &[&str] = &["ts", "mts", "cts", "js", "mjs", "cjs"];

/// True when `path` is a Prisma config file.
pub fn is_prisma_config(path: &str) -> bool {
    let name = file_name(path);
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !EXTENSIONS.contains(&ext) {
        return false;
    }
    stem == "prisma.config" || (stem == "prisma" && file_name(parent(path)) == ".config")
}

/// Reads every Prisma config among `files` (path, text), sorted by path.
pub fn read_all<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<PrismaConfig> {
    let mut configs: Vec<PrismaConfig> = files
        .into_iter()
        .filter(|(path, _)| is_prisma_config(path))
        .map(|(path, text)| read(path, text))
        .collect();
    configs.sort_by(|a, b| a.path.cmp(&b.path));
    configs
}

/// The folder a config's relative paths start from: its own, or the
/// package root for `.config/prisma.ts`.
fn base_dir(path: &str) -> &str {
    let dir = parent(path);
    if file_name(dir) == ".config" {
        parent(dir)
    } else {
        dir
    }
}

/// Reads the config at `path` with content `text`.
pub fn read(path: &str, text: &str) -> PrismaConfig {
    let code = strip_comments(text);
    let base = base_dir(path);
    let schema = value_of(&code, "schema", 0).and_then(|v| resolve(base, &v));
    let migrations = object_of(&code, "migrations")
        .and_then(|(start, end)| value_of(code.get(..end)?, "path", start))
        .and_then(|v| resolve(base, &v));
    PrismaConfig {
        path: path.to_owned(),
        schema,
        migrations,
    }
}

/// `text` with `//` and `/* */` comments blanked (strings kept).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => {
                quote = Some(c);
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// The offset just after `key:` as an object property (`key` not part of a
/// longer name, not inside a string), searching from `from`.
fn property(code: &str, key: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = code.get(at..)?.find(key) {
        let start = at + found;
        let end = start + key.len();
        at = end;
        let before = code.get(..start)?.chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
            continue;
        }
        let rest = code.get(end..)?;
        let trimmed = rest.trim_start();
        // `key:` or a quoted key `"key":`.
        let trimmed = trimmed
            .strip_prefix(['"', '\''])
            .unwrap_or(trimmed)
            .trim_start();
        if let Some(after) = trimmed.strip_prefix(':') {
            return Some(code.len() - after.len());
        }
    }
    None
}

/// The offsets inside the braces of `key: { … }` (strings are not
/// scanned for braces).
fn object_of(code: &str, key: &str) -> Option<(usize, usize)> {
    let at = property(code, key, 0)?;
    let rest = code.get(at..)?;
    let after = rest.trim_start().strip_prefix('{')?;
    let start = code.len() - after.len();
    let mut depth = 1usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in after.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((start, start + i));
                }
            }
            _ => {}
        }
    }
    None
}

/// The value of `key:` from `from` on, when it is a path Prisma would see
/// without running anything: a string literal, or `path.join`/
/// `path.resolve`/`join`/`resolve` of `__dirname`, `import.meta.dirname` or
/// `process.cwd()` and string literals. Relative to the config's folder.
fn value_of(code: &str, key: &str, from: usize) -> Option<String> {
    let at = property(code, key, from)?;
    let rest = code.get(at..)?.trim_start();
    if let Some(literal) = string_literal(rest) {
        return Some(literal);
    }
    let call = ["path.join(", "path.resolve(", "join(", "resolve("]
        .iter()
        .find_map(|f| rest.strip_prefix(f))?;
    // The CLI runs at the package root, where the config is.
    let call = call.replacen("process.cwd()", "__dirname", 1);
    let args = call.get(..call.find(')')?)?;
    let mut parts: Vec<String> = Vec::new();
    for (i, arg) in args.split(',').map(str::trim).enumerate() {
        if arg.is_empty() {
            continue;
        }
        if i == 0 && matches!(arg, "__dirname" | "import.meta.dirname") {
            continue;
        }
        parts.push(string_literal(arg)?);
    }
    Some(parts.join("/"))
}

/// The content of a `"…"`, `'…'` or backtick literal without `${`, at the
/// start of `text`.
fn string_literal(text: &str) -> Option<String> {
    let quote = text
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = text.get(1..)?;
    let end = body.find(quote)?;
    let value = body.get(..end)?;
    (!value.contains('\\') && !value.contains("${")).then(|| value.to_owned())
}

/// `target` relative to `base`, `.`/`..` resolved, without a trailing `/`;
/// `None` for an absolute path or one that leaves the repository.
fn resolve(base: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains(':') {
        return None;
    }
    crate::paths::resolve(base, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files() {
        for path in [
            "prisma.config.ts",
            "packages/db/prisma.config.mjs",
            "apps/web/.config/prisma.ts",
        ] {
            assert!(is_prisma_config(path), "{path}");
        }
        for path in [
            "prisma.ts",
            "prisma.config.json",
            "src/prisma.config.tsx",
            "prisma/config.ts",
        ] {
            assert!(!is_prisma_config(path), "{path}");
        }
    }

    #[test]
    fn reads_the_fields_that_move_a_project() {
        let formbricks = r#"
import path from "node:path";
const __dirname = path.dirname(fileURLToPath(import.meta.url));
export default defineConfig({
  schema: "./schema",
  migrations: {
    path: "./.prisma-migrations",
  },
  datasource: { url: env("DATABASE_URL") },
});"#;
        let c = read("packages/database/prisma.config.ts", formbricks);
        assert_eq!(c.schema.as_deref(), Some("packages/database/schema"));
        assert_eq!(
            c.migrations.as_deref(),
            Some("packages/database/.prisma-migrations")
        );

        let rallly = r#"
export default defineConfig({
  schema: path.join(__dirname, "prisma"),
  migrations: {
    path: path.join(__dirname, "prisma/migrations"),
    seed: "tsx prisma/seed.ts",
  },
});"#;
        let c = read("packages/database/prisma.config.ts", rallly);
        assert_eq!(c.schema.as_deref(), Some("packages/database/prisma"));
        assert_eq!(
            c.migrations.as_deref(),
            Some("packages/database/prisma/migrations")
        );

        let root = "export default { schema: 'packages/database/schema', migrations: { seed: 'x' }, other: { path: 'no' } };";
        let c = read("prisma.config.mjs", root);
        assert_eq!(c.schema.as_deref(), Some("packages/database/schema"));
        assert_eq!(c.migrations, None);

        // Dynamic or absolute values are unknown; comments say nothing.
        let docker = r#"
// schema: "wrong/schema.prisma",
/* migrations: { path: "wrong" } */
export default defineConfig({
  schema: "/app/apps/web/prisma/schema.prisma",
  migrations: { path: process.env.MIGRATIONS },
  datasource: { url: migrationUrl },
});"#;
        let c = read("docker/scripts/prisma.config.ts", docker);
        assert_eq!((c.schema, c.migrations), (None, None));

        let dot = read(
            ".config/prisma.ts",
            "export default { schema: `db/schema.prisma` }",
        );
        assert_eq!(dot.schema.as_deref(), Some("db/schema.prisma"));
        let resolved = read(
            "a/b/prisma.config.ts",
            "export default { schema: path.resolve(process.cwd(), '../shared', 'schema.prisma') }",
        );
        assert_eq!(resolved.schema.as_deref(), Some("a/shared/schema.prisma"));
        let none = read(
            "prisma.config.ts",
            "export default defineConfig({ datasource: { url: env('X') } })",
        );
        assert_eq!((none.schema, none.migrations), (None, None));
    }
}

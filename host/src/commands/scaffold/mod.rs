//! `drift-host new-rule`: a ready-to-build custom rule crate, and
//! `drift-host pin`: the rules.toml lines that enable a built rule.
//!
//! The templates live beside this file; the generated crate is standalone
//! (its own `[workspace]`), depends on the SDK by path when this drift-host
//! was built from a source tree that still exists, and by version otherwise.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

const CARGO_TOML: &str = include_str!("Cargo.toml.tmpl");
const LIB_RS: &str = include_str!("lib.rs.tmpl");
const README: &str = include_str!("README.md.tmpl");
/// The firing and the silent fixture of the template's one check.
const FIRES: &str = "CREATE TABLE IF NOT EXISTS t (id int);\n-- TODO: add the index\n";
const SILENT: &str =
    "CREATE TABLE IF NOT EXISTS t (id int);\nCREATE INDEX IF NOT EXISTS t_id ON t (id);\n";

fn type_name(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn sdk_dependency(features: &str) -> String {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/sdk");
    let extra = if features.is_empty() {
        String::new()
    } else {
        format!(", features = [{features}]")
    };
    match source.canonicalize() {
        Ok(path) if path.join("Cargo.toml").is_file() => {
            format!("{{ path = {:?}{extra} }}", path.display().to_string())
        }
        _ => format!("{{ version = \"{}\"{extra} }}", env!("CARGO_PKG_VERSION")),
    }
}

/// Writes the crate for rule `id` into `dir` (default `./<id>`).
pub fn new_rule(id: &str, dir: Option<&Path>) -> Result<PathBuf> {
    let valid = !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && id.as_bytes()[0].is_ascii_lowercase();
    if !valid {
        bail!(
            "rule id `{id}` must be kebab-case (lower-case letters, digits, single dashes), e.g. `require-tenant-column`"
        );
    }
    let dir = dir.map_or_else(|| PathBuf::from(id), Path::to_path_buf);
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} already exists and is not empty: choose another --path",
            dir.display()
        );
    }
    let crate_name = id.replace('-', "_");
    let fill = |template: &str| {
        template
            .replace("{{id}}", id)
            .replace("{{crate}}", &crate_name)
            .replace("{{type}}", &type_name(id))
            .replace("{{summary}}", "Migrations carry no TODO markers")
            .replace("{{sdk}}", &sdk_dependency(""))
            .replace(
                "{{sdk_dev}}",
                &sdk_dependency("\"parser\", \"conformance\""),
            )
    };
    let fixtures = dir.join("tests/checks/marker");
    for folder in [
        dir.join("src"),
        fixtures.join("fires/db/migrations"),
        fixtures.join("silent/db/migrations"),
    ] {
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    for (path, text) in [
        (dir.join("Cargo.toml"), fill(CARGO_TOML)),
        (dir.join("src/lib.rs"), fill(LIB_RS)),
        (dir.join("README.md"), fill(README)),
        (
            fixtures.join("fires/db/migrations/01_init.sql"),
            FIRES.to_owned(),
        ),
        (
            fixtures.join("silent/db/migrations/01_init.sql"),
            SILENT.to_owned(),
        ),
    ] {
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(dir)
}

/// The `[plugins.<id>]` table for a built component.
pub fn pin_lines(id: &str, wasm: &Path, bytes: &[u8]) -> String {
    format!(
        "[plugins.{id}]\npath = {:?}\nsha256 = \"{}\"\n",
        wasm.display().to_string(),
        crate::plugin::sha256_hex(bytes)
    )
}

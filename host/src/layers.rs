//! The layering test: no module imports from a layer above its own, or
//! from another module of its own layer. The layers are read from
//! docs/architecture.md (the fenced block after "## Layers"), so the
//! documentation and this check cannot drift apart.

use std::collections::BTreeMap;
use std::path::Path;

/// The `layers` block of docs/architecture.md: `N. module module ...` per
/// line, lowest first.
fn layers() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/architecture.md"),
    )
    .expect("docs/architecture.md");
    let block = doc
        .split_once("```layers\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("docs/architecture.md has a ```layers block");
    let mut out = BTreeMap::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let (number, modules) = line.split_once('.').expect("`N. modules`");
        let layer: usize = number.trim().parse().expect("a layer number");
        for module in modules.split_whitespace() {
            assert!(
                out.insert(module.to_owned(), layer).is_none(),
                "`{module}` is listed twice"
            );
        }
    }
    out
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn sources(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_dir() {
            sources(&path, Some(top.unwrap_or(&name)), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = top.map_or(name.clone(), str::to_owned);
            let text = std::fs::read_to_string(&path).expect("read");
            out.push((module, path.display().to_string(), text));
        }
    }
}

/// The top-level modules a file's code names as `crate::<module>`, in
/// paths and in `use crate::{a, b::c}` groups (comments left out).
fn imports(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        let after = &rest[at + "crate::".len()..];
        rest = after;
        // `$crate::` (a macro's own crate) and `x::crate::` are not ours.
        if before.ends_with('$')
            || before.ends_with("::")
            || before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            // The top-level items of the group, up to its closing brace.
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    _ if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if !name.is_empty() && name != "self" {
                            out.push(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn modules_import_only_from_lower_layers() {
    let layers = layers();
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        None,
        &mut files,
    );
    let mut problems = Vec::new();
    for (module, path, text) in &files {
        // The crate roots and this test are above (or outside) the layers.
        if ["lib", "main", "layers"].contains(&module.as_str()) {
            continue;
        }
        let Some(&own) = layers.get(module) else {
            problems.push(format!(
                "{path}: module `{module}` is in no layer of docs/architecture.md"
            ));
            continue;
        };
        for target in imports(text) {
            if target == *module {
                continue;
            }
            match layers.get(&target) {
                Some(&layer) if layer < own => {}
                Some(&layer) => problems.push(format!(
                    "{path}: `{module}` (layer {own}) imports `crate::{target}` (layer {layer})"
                )),
                None => problems.push(format!(
                    "{path}: `crate::{target}` is in no layer of docs/architecture.md"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(files.len() > 40, "only {} files found", files.len());
}

#[test]
fn the_import_scanner_sees_every_form() {
    let text = "use crate::config::{self, Config};\nuse crate::{diagnostic, wire::{a, b}};\n\
                use crate::{\n    engine::Report,\n    output,\n};\n\
                // crate::guard is in a comment\nlet x = crate::plugin::sha256_hex(b);\n\
                $crate::__private::x; drift_syntax::crate::nothing; mycrate::y;";
    assert_eq!(
        imports(text),
        ["config", "diagnostic", "wire", "engine", "output", "plugin"]
    );
}

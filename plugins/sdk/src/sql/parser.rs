//! Native parsing into the flattened tree (feature `parser`): the host's
//! SQL layer and the SDK's test helpers share this one implementation.
//!
//! The squawk parser is tolerant: any input yields a tree plus errors. On
//! top of its tree we splice PL/pgSQL bodies (`DO`, plpgsql functions and
//! procedures) and constant `EXECUTE '...'` strings, mapping every range
//! back to the file through the string's decoding (so `E'...'` escapes and
//! doubled quotes keep positions exact).

use std::collections::HashMap;

use rowan::{NodeOrToken, TextRange};
use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::decoded_text::DecodedText;
use squawk_syntax::{SourceFile, SyntaxKind, SyntaxNode};

use super::{RawNode, SqlTree, SyntaxError};

/// Nesting limit for spliced bodies (`EXECUTE` inside `DO` inside ...):
/// deeper strings stay plain literals, so hostile input cannot recurse
/// without bound.
const MAX_SPLICE_DEPTH: u32 = 4;

/// Parses `text` as PostgreSQL.
pub fn parse(text: &str) -> SqlTree {
    let mut builder = Builder::default();
    let parse = SourceFile::parse(text);
    for error in parse.errors() {
        let range = error.range();
        builder.errors.push(SyntaxError {
            message: error.message().to_owned(),
            start: u32::from(range.start()),
            end: u32::from(range.end()),
        });
    }
    builder.add(&parse.syntax_node(), 0, &|r| r, 0);
    SqlTree::new(builder.kinds, builder.nodes, builder.errors)
}

#[derive(Default)]
struct Builder {
    kinds: Vec<String>,
    index: HashMap<SyntaxKind, u16>,
    nodes: Vec<RawNode>,
    errors: Vec<SyntaxError>,
}

type Map<'a> = &'a dyn Fn(TextRange) -> TextRange;

impl Builder {
    fn kind(&mut self, kind: SyntaxKind) -> u16 {
        if let Some(&k) = self.index.get(&kind) {
            return k;
        }
        let k = u16::try_from(self.kinds.len()).unwrap_or(u16::MAX);
        self.kinds.push(format!("{kind:?}"));
        self.index.insert(kind, k);
        k
    }

    fn push(&mut self, kind: SyntaxKind, range: TextRange, parent: u32, token: bool) -> u32 {
        let kind = self.kind(kind);
        let index = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(RawNode {
            kind,
            start: u32::from(range.start()),
            end: u32::from(range.end()),
            parent: if index == 0 { 0 } else { parent },
            token,
        });
        index
    }

    fn add(&mut self, node: &SyntaxNode, parent: u32, map: Map<'_>, depth: u32) {
        let me = self.push(node.kind(), map(node.text_range()), parent, false);
        for child in node.children_with_tokens() {
            match child {
                NodeOrToken::Node(child) => self.add(&child, me, map, depth),
                NodeOrToken::Token(token) => {
                    if !token.kind().is_trivia() {
                        self.push(token.kind(), map(token.text_range()), me, true);
                    }
                }
            }
        }
        if depth >= MAX_SPLICE_DEPTH {
            return;
        }
        // PL/pgSQL bodies, spliced below the statement that holds them.
        let body = ast::Do::cast(node.clone())
            .and_then(|d| d.plpgsql())
            .or_else(|| ast::CreateFunction::cast(node.clone()).and_then(|f| f.plpgsql()))
            .or_else(|| ast::CreateProcedure::cast(node.clone()).and_then(|p| p.plpgsql()));
        if let Some(body) = body {
            for error in body.errors() {
                let range = map(error.range());
                self.errors.push(SyntaxError {
                    message: format!("in PL/pgSQL body: {}", error.message()),
                    start: u32::from(range.start()),
                    end: u32::from(range.end()),
                });
            }
            let inner = |r: TextRange| map(body.source_range(r));
            self.add(&body.syntax(), me, &inner, depth + 1);
        }
        // A constant EXECUTE string is SQL too.
        if node.kind() == SyntaxKind::PLPGSQL_DYN_EXECUTE_STMT
            && let Some(decoded) = constant_string(node)
        {
            let parse = SourceFile::parse(decoded.text());
            for error in parse.errors() {
                let range = map(decoded.source_range(error.range()));
                self.errors.push(SyntaxError {
                    message: format!("in EXECUTE string: {}", error.message()),
                    start: u32::from(range.start()),
                    end: u32::from(range.end()),
                });
            }
            let inner = |r: TextRange| map(decoded.source_range(r));
            self.add(&parse.syntax_node(), me, &inner, depth + 1);
        }
    }
}

/// The decoded text of `EXECUTE <single string literal>`, if that is what
/// the statement executes (concatenations and `format()` are dynamic).
fn constant_string(execute: &SyntaxNode) -> Option<DecodedText> {
    let expr = execute
        .children()
        .find(|n| n.kind() == SyntaxKind::PLPGSQL_EXPR)?;
    let mut literals = expr.descendants().filter_map(ast::Literal::cast);
    let literal = literals.next()?;
    if literals.next().is_some() {
        return None;
    }
    // The literal must be the whole expression, not part of `'a' || b`.
    if literal.syntax().text().to_string().trim() != expr.text().to_string().trim() {
        return None;
    }
    let decoded = literal.decoded_value()?;
    // An empty string or an unterminated literal has nothing to parse.
    (!decoded.text().trim().is_empty()).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Guard;

    fn statements(sql: &str) -> Vec<(String, String, Vec<Guard>)> {
        let tree = parse(sql);
        tree.statements()
            .map(|s| {
                (
                    s.kind().to_owned(),
                    s.node
                        .text(sql)
                        .split_whitespace()
                        .take(3)
                        .collect::<Vec<_>>()
                        .join(" "),
                    s.guards(sql),
                )
            })
            .collect()
    }

    #[test]
    fn comments_and_strings_are_not_statements() {
        let sql = "-- DROP TABLE x;\n/* TRUNCATE y; */\nSELECT 'DROP TABLE z';\nCREATE TABLE a (b int REFERENCES c ON DELETE CASCADE);\n";
        let kinds: Vec<String> = statements(sql).into_iter().map(|s| s.0).collect();
        assert_eq!(kinds, ["SELECT", "CREATE_TABLE"]);
    }

    #[test]
    fn do_block_statements_carry_their_guards() {
        let sql = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN\n    CREATE TYPE mood AS ENUM ('sad', 'ok');\n  END IF;\nEND\n$$;\n\nDO $$ BEGIN\n  CREATE TYPE status AS ENUM ('a');\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\n";
        let found = statements(sql);
        let nested: Vec<_> = found.iter().filter(|s| s.0 == "CREATE_TYPE").collect();
        assert_eq!(nested.len(), 2, "{found:?}");
        assert_eq!(nested[0].2, [Guard::IfNotExists]);
        assert_eq!(
            nested[1].2,
            [Guard::Handles(vec!["duplicate_object".to_owned()])]
        );
        // Positions inside the body are the file's.
        let tree = parse(sql);
        let create = tree
            .statements()
            .find(|s| s.kind() == "CREATE_TYPE")
            .unwrap();
        assert!(
            create.node.text(sql).starts_with("CREATE TYPE mood"),
            "{:?}",
            create.node.text(sql)
        );
    }

    #[test]
    fn execute_strings_are_parsed_in_place() {
        let sql = "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)';\nEND $$;\n";
        let tree = parse(sql);
        let alter = tree
            .statements()
            .find(|s| s.kind() == "ALTER_TABLE")
            .expect("parsed");
        assert_eq!(
            alter.node.text(sql),
            "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)"
        );
        assert!(alter.is_nested());
        // E'' escapes keep positions exact.
        let sql = "DO $$ BEGIN EXECUTE E'DROP TABLE\\tx'; END $$;";
        let tree = parse(sql);
        let drop = tree
            .statements()
            .find(|s| s.kind() == "DROP_TABLE")
            .expect("parsed");
        assert_eq!(drop.node.text(sql), "DROP TABLE\\tx");
    }

    #[test]
    fn garbage_never_panics() {
        for sql in [
            "",
            ";;;",
            "DO $$",
            "DO $$ BEGIN EXECUTE '",
            "CREATE TABLE (",
            "\u{0}\u{feff}$$$$",
            "E'\\",
        ] {
            let tree = parse(sql);
            let _ = tree.statements().count();
        }
    }
}

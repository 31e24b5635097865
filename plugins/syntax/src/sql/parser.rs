//! Native parsing into the flattened tree (feature `parser`): the host's
//! SQL layer and rules' native unit tests share this one implementation.
//!
//! The squawk parser is tolerant: any input yields a tree plus errors. On
//! top of its tree we splice PL/pgSQL bodies (`DO`, plpgsql functions and
//! procedures) and constant `EXECUTE '...'` strings, mapping every range
//! back to the file through the string's decoding (so `E'...'` escapes and
//! doubled quotes keep positions exact).

use rowan::{NodeOrToken, TextRange};
use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::decoded_text::DecodedText;
use squawk_syntax::{SourceFile, SyntaxKind, SyntaxNode};

use super::{KindNames, RawNode, SqlTree, SyntaxError};

/// Nesting limit for spliced bodies (`EXECUTE` inside `DO` inside ...):
/// deeper strings stay plain literals, so hostile input cannot recurse
/// without bound.
const MAX_SPLICE_DEPTH: u32 = 4;

/// Nesting limit for the whole parse (see [`parse`]). squawk's parser is
/// recursive descent and rowan hashes green nodes recursively, both with no
/// depth limit of their own: `SELECT ((((...1))))` 15,000 levels deep (or
/// as many `NOT`s or unary minuses, or 6,000 nested `CASE`s) overflowed an
/// 8 MiB stack, an abort no `catch_unwind` can stop, and 10,000 levels took
/// seconds (rowan's hashing is quadratic in depth); see
/// `tests/fuzz/regressions/sql/deep-*`. Real migrations nest a few dozen
/// levels at most.
pub const MAX_NESTING: usize = 256;

/// Parses `text` as PostgreSQL.
///
/// A file nested deeper than [`MAX_NESTING`] (brackets, `CASE`, PL/pgSQL
/// blocks, runs of prefix operators, in the file or in a string that would
/// be spliced) is not handed to the parser: its tree is the bare
/// `SOURCE_FILE` with one error saying why.
pub fn parse(text: &str) -> SqlTree {
    let built = build(text);
    SqlTree::new(kind_names(), built.nodes, built.errors)
}

/// [`parse`] in the wire form (four numbers per node, [`RawNode::pack`]):
/// what the host sends to plugins, without building the navigable tree it
/// would only pack again (the lift is the plugin's, on first navigation).
pub fn parse_packed(text: &str) -> (Vec<u32>, Vec<SyntaxError>) {
    let built = build(text);
    (
        built.nodes.iter().flat_map(RawNode::pack).collect(),
        built.errors,
    )
}

fn build(text: &str) -> Builder {
    let mut builder = Builder::default();
    if let Some(at) = too_deep(text, MAX_NESTING) {
        let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let kind = SyntaxKind::SOURCE_FILE as u16;
        builder.nodes.push(RawNode {
            kind,
            start: 0,
            end,
            parent: 0,
            token: false,
        });
        let at = u32::try_from(at).unwrap_or(end);
        builder.errors.push(SyntaxError {
            message: format!("nested more than {MAX_NESTING} levels deep: the file is not parsed"),
            start: at,
            end: at,
        });
        return builder;
    }
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
    builder
}

/// The SQL of a PL/pgSQL statement with `INTO` that squawk's body parser
/// rejected, with the INTO clause blanked out (same length, so offsets
/// hold); `None` for any other node.
///
/// squawk 2.68's PL/pgSQL grammar takes a statement with `INTO` outside
/// parentheses, other than `INSERT INTO`/`MERGE INTO`, for no statement at
/// all (an `ERROR` node: "expected a statement"), so `SELECT count(*) INTO
/// n FROM t` or `UPDATE t SET ... RETURNING id INTO v` in a `DO` block
/// were neither statements for rules nor valid: a `DELETE ... RETURNING
/// id INTO v` without `WHERE` went unseen. PostgreSQL itself reads the
/// `INTO` target list (`INTO [STRICT] name[.name...][, ...]`) and hands the
/// rest to the SQL parser; so do we.
fn into_statement(node: &SyntaxNode) -> Option<String> {
    if node.kind() != SyntaxKind::ERROR
        || node.parent().map(|p| p.kind()) != Some(SyntaxKind::PLPGSQL_BODY)
    {
        return None;
    }
    let tokens: Vec<_> = node
        .descendants_with_tokens()
        .filter_map(NodeOrToken::into_token)
        .filter(|t| !t.kind().is_trivia())
        .collect();
    let first = tokens.first()?.kind();
    if !matches!(
        first,
        SyntaxKind::SELECT_KW
            | SyntaxKind::INSERT_KW
            | SyntaxKind::UPDATE_KW
            | SyntaxKind::DELETE_KW
            | SyntaxKind::MERGE_KW
            | SyntaxKind::WITH_KW
    ) {
        return None;
    }
    // The INTO at parenthesis depth 0 that is not INSERT INTO / MERGE INTO.
    let mut depth = 0i32;
    let mut at = None;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind() {
            SyntaxKind::L_PAREN => depth += 1,
            SyntaxKind::R_PAREN => depth -= 1,
            SyntaxKind::INTO_KW
                if depth == 0
                    && !matches!(
                        tokens.get(i.wrapping_sub(1)).map(|t| t.kind()),
                        Some(SyntaxKind::INSERT_KW | SyntaxKind::MERGE_KW)
                    ) =>
            {
                at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let at = at?;
    // INTO [STRICT] target[, target ...], each target a name with optional
    // `.field` parts: one word per item, so `SELECT INTO y data FROM t`
    // targets `y` and selects `data`.
    let word = |i: usize| {
        tokens.get(i).is_some_and(|t| {
            t.text()
                .starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '"')
        })
    };
    let mut end = at + 1;
    if tokens
        .get(end)
        .is_some_and(|t| t.text().eq_ignore_ascii_case("strict"))
        && word(end + 1)
    {
        end += 1;
    }
    loop {
        if !word(end) {
            return None;
        }
        end += 1;
        while tokens.get(end).is_some_and(|t| t.kind() == SyntaxKind::DOT) && word(end + 1) {
            end += 2;
        }
        if tokens
            .get(end)
            .is_some_and(|t| t.kind() == SyntaxKind::COMMA)
            && word(end + 1)
        {
            end += 1;
            continue;
        }
        break;
    }
    let base = node.text_range().start();
    let blank_from = usize::from(tokens[at].text_range().start() - base);
    let blank_to = usize::from(tokens[end - 1].text_range().end() - base);
    let mut sql = node.text().to_string();
    let blanks = " ".repeat(blank_to - blank_from);
    sql.replace_range(blank_from..blank_to, &blanks);
    Some(sql)
}

/// The kind number of `SOURCE_FILE`, every tree's root.
pub const SOURCE_FILE_KIND: u32 = SyntaxKind::SOURCE_FILE as u32;

/// Every kind name of the parser, indexed by the kind's number: the table
/// all trees share (interface 0.4.0's `host.sql-kind-names`). Built once per
/// process; a tree's nodes carry the parser's own kind numbers.
pub fn kind_names() -> KindNames {
    static NAMES: std::sync::LazyLock<KindNames> = std::sync::LazyLock::new(|| {
        // Leaked once per process: the table lives as long as it.
        (0..SyntaxKind::__LAST as u16)
            .map(|k| &*Box::leak(format!("{:?}", SyntaxKind::from(k)).into_boxed_str()))
            .collect()
    });
    NAMES.clone()
}

#[derive(Default)]
struct Builder {
    nodes: Vec<RawNode>,
    errors: Vec<SyntaxError>,
    /// File ranges of PL/pgSQL statements with `INTO` that the body parser
    /// rejected and [`into_statement`] recovered: their body errors are
    /// dropped.
    recovered: Vec<TextRange>,
}

type Map<'a> = &'a dyn Fn(TextRange) -> TextRange;

impl Builder {
    fn push(&mut self, kind: SyntaxKind, range: TextRange, parent: u32, token: bool) -> u32 {
        // The parser's own number: it indexes [`kind_names`].
        let kind = kind as u16;
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
        if let Some(sql) = into_statement(node) {
            // What PostgreSQL does: the SQL without its INTO clause goes to
            // the SQL parser. The blanked clause keeps every offset.
            let range = map(node.text_range());
            let me = self.push(SyntaxKind::PLPGSQL_EXEC_SQL_STMT, range, parent, false);
            let parse = SourceFile::parse(&sql);
            let start = node.text_range().start();
            let inner = |r: TextRange| map(r + start);
            if parse.errors().is_empty() {
                self.recovered.push(range);
            }
            for error in parse.errors() {
                let range = inner(error.range());
                self.errors.push(SyntaxError {
                    message: format!("in PL/pgSQL body: {}", error.message()),
                    start: u32::from(range.start()),
                    end: u32::from(range.end()),
                });
            }
            for statement in parse.syntax_node().children() {
                self.add(&statement, me, &inner, depth);
            }
            return;
        }
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
            let inner = |r: TextRange| map(body.source_range(r));
            self.add(&body.syntax(), me, &inner, depth + 1);
            for error in body.errors() {
                let range = map(error.range());
                if self.recovered.iter().any(|r| r.contains_range(range)) {
                    continue;
                }
                self.errors.push(SyntaxError {
                    message: format!("in PL/pgSQL body: {}", error.message()),
                    start: u32::from(range.start()),
                    end: u32::from(range.end()),
                });
            }
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

/// The byte offset where `text` first nests deeper than `limit`, if it
/// does. A token-level estimate of how deep the parser will recurse: open
/// brackets, plus open `CASE`/`BEGIN`/`LOOP` blocks and `IF` statements
/// (closed by `END`, `END IF`, ...; an `IF` counts only where a PL/pgSQL
/// statement starts, never in `IF NOT EXISTS`), plus the current run of
/// prefix operators and `NOT`s. String literals (which may be `DO` bodies or
/// `EXECUTE` strings, parsed in turn) add their own nesting to the depth
/// they appear at. Blocks of the file itself end at each top-level `;`
/// (`BEGIN;` opens a transaction, not a block).
fn too_deep(text: &str, limit: usize) -> Option<usize> {
    nesting(text, 0, limit, 0)
}

fn nesting(text: &str, base: usize, limit: usize, level: u32) -> Option<usize> {
    use squawk_lexer::{LiteralKind as L, TokenKind as T};
    let mut brackets = 0usize;
    let mut blocks = 0usize;
    let mut run = 0usize;
    // The previous significant token (`None` at the start).
    let mut previous: Option<(T, usize, usize)> = None;
    let mut offset = 0usize;
    for token in squawk_lexer::tokenize(text) {
        let start = offset;
        offset += token.len as usize;
        let is = |range: Option<(T, usize, usize)>, words: &[&str]| {
            range.is_some_and(|(kind, from, to)| {
                kind == T::Ident
                    && text
                        .get(from..to)
                        .is_some_and(|t| words.iter().any(|w| t.eq_ignore_ascii_case(w)))
            })
        };
        let this = Some((token.kind, start, offset));
        match token.kind {
            T::Whitespace | T::LineComment | T::BlockComment { .. } => continue,
            T::OpenParen | T::OpenBracket => {
                brackets += 1;
                run = 0;
            }
            T::CloseParen | T::CloseBracket => {
                brackets = brackets.saturating_sub(1);
                run = 0;
            }
            T::Semi => {
                if level == 0 && brackets == 0 {
                    blocks = 0;
                }
                run = 0;
            }
            // `END IF`, `END LOOP`, `END CASE` close one block, not two.
            T::Ident if is(previous, &["end"]) && is(this, &["if", "loop", "case"]) => run = 0,
            T::Ident if is(this, &["end"]) => {
                blocks = blocks.saturating_sub(1);
                run = 0;
            }
            T::Ident
                if is(this, &["case", "begin", "loop"])
                    || (is(this, &["if"])
                        && (previous.is_none_or(|(kind, _, _)| kind == T::Semi)
                            || is(previous, &["then", "else", "loop", "begin"]))) =>
            {
                blocks += 1;
                run = 0;
            }
            T::Ident if is(this, &["not"]) => run += 1,
            T::Minus
            | T::Plus
            | T::Tilde
            | T::Bang
            | T::At
            | T::Pound
            | T::Question
            | T::Eq
            | T::Lt
            | T::Gt
            | T::Star
            | T::Slash
            | T::Percent
            | T::Caret
            | T::And
            | T::Or
            | T::Colon => run += 1,
            T::Literal {
                kind:
                    L::Str { .. }
                    | L::EscStr { .. }
                    | L::DollarQuotedString { .. }
                    | L::UnicodeEscStr { .. },
            } if level < MAX_SPLICE_DEPTH => {
                run = 0;
                let (skip, inner) = string_body(text.get(start..offset).unwrap_or(""));
                if let Some(at) = nesting(inner, base + brackets + blocks, limit, level + 1) {
                    return Some(start + skip + at);
                }
            }
            _ => run = 0,
        }
        previous = this;
        if base + brackets + blocks + run > limit {
            return Some(start);
        }
    }
    None
}

/// A string literal's contents without its quotes or dollar tags (escapes
/// left as written), and the length of the opening delimiter.
fn string_body(literal: &str) -> (usize, &str) {
    let open = if literal.starts_with('$') {
        literal
            .get(1..)
            .and_then(|rest| rest.find('$'))
            .map(|i| i + 2)
    } else {
        literal.find('\'').map(|i| i + 1)
    };
    let Some(open) = open else {
        return (0, "");
    };
    let (delimiter, rest) = literal.split_at(open);
    let close = if literal.starts_with('$') {
        delimiter
    } else {
        "'"
    };
    (open, rest.strip_suffix(close).unwrap_or(rest))
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

    /// The host's wire form is exactly the packed nodes of the tree rules
    /// navigate in their unit tests (DO bodies, EXECUTE strings, the INTO
    /// recovery and errors included).
    #[test]
    fn packed_parse_is_the_tree_packed() {
        for sql in [
            "CREATE TABLE a (b int);",
            "DO $$ DECLARE n int; BEGIN SELECT 1 INTO n; EXECUTE 'DROP TABLE x'; END $$;",
            "SELECT (1;\nDO $$ BEGIN IF THEN END IF; END $$;",
            &"(".repeat(MAX_NESTING + 1),
        ] {
            let tree = parse(sql);
            let (nodes, errors) = parse_packed(sql);
            let packed: Vec<u32> = tree.raw_nodes().iter().flat_map(RawNode::pack).collect();
            assert_eq!((nodes, errors.as_slice()), (packed, tree.errors()), "{sql}");
        }
    }

    /// squawk's PL/pgSQL grammar rejects statements with `INTO` (valid
    /// PostgreSQL, common in `DO` blocks); the SQL without the INTO clause
    /// is parsed in place, as PostgreSQL does, so rules see them.
    #[test]
    fn plpgsql_statements_with_into_are_parsed_as_sql() {
        let sql = "DO $$ DECLARE n int; r record; BEGIN\n  SELECT count(*) INTO n FROM pg_class;\n  SELECT INTO STRICT r.a, n relname FROM pg_class LIMIT 1;\n  WITH c AS (SELECT 1 AS x) SELECT x INTO n FROM c;\n  UPDATE users SET name = 'x' RETURNING id INTO n;\n  DELETE FROM sessions RETURNING id INTO n;\n  INSERT INTO t (a) VALUES ((SELECT 1)) RETURNING a INTO n;\nEND $$;\n";
        let tree = parse(sql);
        assert!(tree.errors().is_empty(), "{:?}", tree.errors());
        let found = statements(sql);
        let found: Vec<(&str, &str)> = found.iter().map(|s| (&*s.0, &*s.1)).collect();
        assert_eq!(
            found,
            [
                ("DO", "DO $$ DECLARE"),
                ("SELECT", "SELECT count(*) INTO"),
                ("SELECT", "SELECT INTO STRICT"),
                ("SELECT", "WITH c AS"),
                ("UPDATE", "UPDATE users SET"),
                ("DELETE", "DELETE FROM sessions"),
                ("INSERT", "INSERT INTO t"),
            ]
        );
        // Nested like any other PL/pgSQL SQL statement, at the file's offsets.
        let delete = tree.statements().find(|s| s.kind() == "DELETE").unwrap();
        assert!(delete.is_nested());
        assert_eq!(
            delete.node.text(sql),
            "DELETE FROM sessions RETURNING id INTO n;"
        );
        assert!(delete.node.find("WHERE_CLAUSE").is_none());
        // The selected column, not an INTO target.
        let select = tree.statements().nth(2).unwrap();
        assert!(select.has("NAME_REF"), "{select:?}");
        // A statement with INTO that is broken anyway still reports an error.
        let broken = parse("DO $$ BEGIN SELECT INTO n FROM (; END $$;");
        assert!(!broken.errors().is_empty());
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

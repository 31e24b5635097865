//! The recursive-descent parser behind [`super::parse`].
//!
//! It mirrors the grammar of Prisma's `schema-ast` (`datamodel.pest`): blocks
//! open with `{` at the end of their first line and close with a `}` that
//! starts a line; fields, enum values, block attributes and `key = value`
//! properties are one line each, so attribute arguments cannot span lines.
//! Where that grammar rejects a line, the line is reported and skipped and
//! parsing resumes on the next one; a block missing its `}` ends at the next
//! block header, so an error stays local.
//!
//! Documentation follows Prisma too: the `///` (and `/* */`) lines of the
//! comment run directly above a model, enum or composite type document it
//! (a blank line in between detaches them), and inside a block the last
//! comment run before a field documents the field even across blank lines
//! and block attributes, because that is what Prisma puts in the DMMF.

use super::lexer::{Tok, Token, tokenize};
use super::{
    Arg, Arity, Attribute, Datasource, Enum, EnumValue, Expr, Field, Generator, Model, ModelKind,
    Property, Schema, SchemaError,
};
use crate::text::{LineIndex, Span};

/// Parses `text` and appends its blocks and errors to `schema`.
pub(super) fn parse_into(schema: &mut Schema, path: &str, text: &str) {
    let mut parser = Parser {
        text,
        path,
        index: LineIndex::new(text),
        tokens: tokenize(text),
        pos: 0,
        prev_end: 0,
        line_stop: None,
        nesting: 0,
        schema,
    };
    let first_error = parser.schema.errors.len();
    parser.file();
    // Errors are found out of order (a block's missing `}` shows at the
    // next block); report them in reading order.
    if let Some(errors) = schema.errors.get_mut(first_error..) {
        errors.sort_by_key(|e| (e.span.line, e.span.column));
    }
}

/// Keywords that open a top-level block.
const BLOCK_KEYWORDS: [&str; 6] = ["model", "view", "type", "enum", "datasource", "generator"];

/// Nesting limit for values (`[[...]]`, `f(g(...))`): real schemas nest a
/// few levels. Deeper values are reported, not recursed into, so a hostile
/// schema cannot overflow the stack: 2,000 nested `[` aborted a debug test
/// thread and 25,000 the release fuzz target (see
/// `tests/fuzz/regressions/prisma/`); in a rule's component the overflow
/// is a trap.
const MAX_NESTING: u32 = 64;

/// A line failed to parse; the error is already recorded.
struct Reported;

type PResult<T> = Result<T, Reported>;

struct Parser<'a> {
    text: &'a str,
    path: &'a str,
    index: LineIndex,
    tokens: Vec<Token>,
    pos: usize,
    /// End byte of the last consumed token, for spans.
    prev_end: usize,
    /// The `}` of a one-line block (`model A { id Int }`, an error): the
    /// block's single content line ends there instead of at a newline.
    line_stop: Option<usize>,
    /// How many values enclose the one being parsed (see [`MAX_NESTING`]).
    nesting: u32,
    schema: &'a mut Schema,
}

/// The first line of a block: `model Name {`.
struct Header {
    start: usize,
    keyword: String,
    name: String,
    name_span: Span,
    name_end: usize,
}

impl Parser<'_> {
    // ----- token access -----

    fn token(&self, at: usize) -> Option<Token> {
        self.tokens.get(at).copied()
    }

    fn kind(&self) -> Option<Tok> {
        self.token(self.pos).map(|t| t.kind)
    }

    fn kind_at(&self, offset: usize) -> Option<Tok> {
        self.token(self.pos + offset).map(|t| t.kind)
    }

    fn text_of(&self, token: Token) -> &str {
        self.text.get(token.start..token.end).unwrap_or("")
    }

    /// The current token's text ("" at the end).
    fn current_text(&self) -> &str {
        self.token(self.pos).map_or("", |t| self.text_of(t))
    }

    /// Byte offset of the current token (the end of the text at the end).
    fn current_start(&self) -> usize {
        self.token(self.pos).map_or(self.text.len(), |t| t.start)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.token(self.pos)?;
        self.pos += 1;
        self.prev_end = token.end;
        Some(token)
    }

    /// True when the token `offset` ahead starts right where the one
    /// before it ends: `[]`, `Unsupported(` and dotted paths are single
    /// words in Prisma's grammar.
    fn glued(&self, offset: usize) -> bool {
        let at = self.pos + offset;
        match (
            at.checked_sub(1).and_then(|b| self.token(b)),
            self.token(at),
        ) {
            (Some(before), Some(token)) => before.end == token.start,
            _ => false,
        }
    }

    fn at_line_end(&self) -> bool {
        matches!(self.kind(), None | Some(Tok::Newline)) || self.line_stop == Some(self.pos)
    }

    fn skip_to_line_end(&mut self) {
        while !self.at_line_end() {
            self.bump();
        }
    }

    /// True when the current token starts a line.
    fn at_line_start(&self) -> bool {
        self.pos == 0
            || self
                .token(self.pos - 1)
                .is_some_and(|t| t.kind == Tok::Newline)
    }

    /// True at `keyword Name {` (a block header) at the start of a line.
    fn at_block_header(&self) -> bool {
        self.at_line_start()
            && self.kind() == Some(Tok::Ident)
            && BLOCK_KEYWORDS.contains(&self.current_text())
            && self.kind_at(1) == Some(Tok::Ident)
            && self.kind_at(2) == Some(Tok::LBrace)
    }

    // ----- positions and errors -----

    fn span(&self, start: usize, end: usize) -> Span {
        self.index.span(self.text, start..end)
    }

    fn error(&mut self, message: impl Into<String>, start: usize, end: usize) {
        let span = self.span(start, end);
        self.schema.errors.push(SchemaError {
            message: message.into(),
            path: self.path.to_owned(),
            span,
        });
    }

    /// Records an error at the current token (or at the end of the line when
    /// there is none) and returns [`Reported`].
    fn error_here(&mut self, message: impl Into<String>) -> Reported {
        let (start, end) = match self.token(self.pos) {
            Some(t) if !self.at_line_end() => (t.start, t.end),
            // At a newline or the end of the file: point just past the
            // previous token, where something was expected.
            _ => (self.prev_end, self.prev_end),
        };
        self.error(message, start, end);
        Reported
    }

    /// The byte range of the rest of the line's code (comments excluded).
    fn line_extent(&self) -> (usize, usize) {
        let start = self.current_start();
        let mut end = start;
        let mut at = self.pos;
        while let Some(t) = self.token(at) {
            if t.kind == Tok::Newline || self.line_stop == Some(at) {
                break;
            }
            if !t.kind.is_comment() {
                end = t.end;
            }
            at += 1;
        }
        (start, end)
    }

    /// Reports the rest of the line as invalid and skips it.
    fn invalid_line(&mut self, message: &str) {
        let (start, end) = self.line_extent();
        self.error(message, start, end);
        self.skip_to_line_end();
    }

    // ----- comments -----

    /// The documentation text of a comment token: `///` lines and block
    /// comments document, `//` lines do not.
    fn doc_text(&mut self, token: Token) -> Option<String> {
        let text = self.text_of(token);
        match token.kind {
            Tok::DocComment => Some(text.get(3..).unwrap_or("").trim_start().to_owned()),
            Tok::BlockComment => Some(
                text.get(2..text.len().saturating_sub(2))
                    .unwrap_or("")
                    .trim()
                    .to_owned(),
            ),
            Tok::UnterminatedBlockComment => {
                self.error(
                    "Unterminated block comment: `/*` has no closing `*/`.",
                    token.start,
                    token.start + 2,
                );
                None
            }
            _ => None,
        }
    }

    /// Consumes a run of comment lines (up to, not including, a blank line
    /// or the first code token) and returns their documentation.
    fn comment_run(&mut self) -> Option<String> {
        let mut lines = Vec::new();
        loop {
            match self.kind() {
                Some(k) if k.is_comment() => {
                    if let Some(token) = self.bump()
                        && let Some(line) = self.doc_text(token)
                    {
                        lines.push(line);
                    }
                }
                Some(Tok::Newline) if self.kind_at(1).is_some_and(Tok::is_comment) => {
                    self.bump();
                }
                Some(Tok::Newline) => {
                    // The newline ending the run's last line; what follows
                    // (a blank line or code) is the caller's.
                    self.bump();
                    break;
                }
                _ => break,
            }
        }
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    /// Consumes the comments ending a field or value line and the
    /// documentation they carry; anything else before the line end is an
    /// error.
    fn trailing(&mut self, what: &str) -> PResult<Option<String>> {
        let mut lines = Vec::new();
        while self.kind().is_some_and(Tok::is_comment) {
            if let Some(token) = self.bump()
                && let Some(line) = self.doc_text(token)
            {
                lines.push(line);
            }
        }
        if !self.at_line_end() {
            let found = self.current_text().to_owned();
            let error = self.error_here(format!("Unexpected `{found}` in {what}."));
            self.skip_to_line_end();
            return Err(error);
        }
        Ok((!lines.is_empty()).then(|| lines.join("\n")))
    }

    // ----- top level -----

    fn file(&mut self) {
        // The documentation waiting for the next model, enum or type.
        let mut pending: Option<String> = None;
        while let Some(kind) = self.kind() {
            match kind {
                Tok::Newline => {
                    self.bump();
                }
                k if k.is_comment() => {
                    let doc = self.comment_run();
                    // A blank line in between detaches the comment; Prisma
                    // keeps any earlier pending one then.
                    if self.kind() == Some(Tok::Ident)
                        && BLOCK_KEYWORDS.contains(&self.current_text())
                    {
                        pending = doc;
                    }
                }
                Tok::Ident => match self.current_text() {
                    "model" | "view" => {
                        let doc = pending.take();
                        self.model(doc);
                    }
                    "type" if self.kind_at(2) == Some(Tok::Equals) => {
                        self.invalid_line(
                            "Invalid type definition: type aliases are not supported; a composite type is `type Name { ... }`.",
                        );
                    }
                    "type" => {
                        let doc = pending.take();
                        self.model(doc);
                    }
                    "enum" => {
                        let doc = pending.take();
                        self.enumeration(doc);
                    }
                    // Prisma gives config blocks no documentation and
                    // leaves the pending comment to the next model.
                    "datasource" | "generator" => self.config(),
                    _ => self.unknown_top_level(),
                },
                _ => self.unknown_top_level(),
            }
        }
    }

    fn unknown_top_level(&mut self) {
        let first = self.token(self.pos);
        let (start, end) = self.line_extent();
        let mut at = self.pos;
        let mut last_code = None;
        while let Some(t) = self.token(at) {
            if t.kind == Tok::Newline {
                break;
            }
            if !t.kind.is_comment() {
                last_code = Some(t.kind);
            }
            at += 1;
        }
        match first {
            Some(word) if word.kind == Tok::Ident && last_code == Some(Tok::LBrace) => {
                let word = self.text_of(word).to_owned();
                self.error(
                    format!(
                        "Unknown block `{word}`: a block starts with model, view, type, enum, datasource or generator."
                    ),
                    start,
                    end,
                );
                self.skip_block();
            }
            _ => self.invalid_line(
                "This line is invalid. It does not start with any known Prisma schema keyword.",
            ),
        }
    }

    /// Recovery after a broken block header: skips to the `}` starting a
    /// line (consumed) or to the next block header.
    fn skip_block(&mut self) {
        self.skip_to_line_end();
        while let Some(kind) = self.kind() {
            if kind == Tok::RBrace && self.at_line_start() {
                self.bump();
                return;
            }
            if self.at_block_header() {
                return;
            }
            self.bump();
        }
    }

    /// `keyword Name {` and the rest of that line.
    fn header(&mut self) -> Option<Header> {
        let keyword_token = self.bump()?;
        let keyword = self.text_of(keyword_token).to_owned();
        if self.kind() != Some(Tok::Ident) {
            self.error_here(format!("Expected a name after `{keyword}`."));
            self.skip_block();
            return None;
        }
        let name_token = self.bump()?;
        let name = self.text_of(name_token).to_owned();
        if self.kind() != Some(Tok::LBrace) {
            self.error_here(format!("Expected `{{` after `{keyword} {name}`."));
            self.skip_block();
            return None;
        }
        self.bump();
        // Prisma ignores the rest of the `{` line, except that a block
        // cannot close on it: `model A { id Int }` is an error. Parse that
        // one-line body anyway, up to its `}`.
        let mut at = self.pos;
        let mut last_code = None;
        while let Some(t) = self.token(at) {
            if t.kind == Tok::Newline {
                break;
            }
            if !t.kind.is_comment() {
                last_code = Some(at);
            }
            at += 1;
        }
        match last_code {
            Some(close) if self.token(close).is_some_and(|t| t.kind == Tok::RBrace) => {
                let (start, end) = (keyword_token.start, self.token(close).map_or(0, |t| t.end));
                self.error(
                    format!(
                        "`{keyword} {name}` opens and closes on one line: put its contents and the closing `}}` on lines of their own."
                    ),
                    start,
                    end,
                );
                self.line_stop = Some(close);
            }
            _ => self.skip_to_line_end(),
        }
        Some(Header {
            start: keyword_token.start,
            keyword,
            name,
            name_span: self.span(name_token.start, name_token.end),
            name_end: name_token.end,
        })
    }

    /// Closes a block at its `}`, or reports it unterminated (at the end of
    /// the file or at the next block header). Returns the block's span.
    fn close_block(&mut self, header: &Header) -> Span {
        let closed = self.kind() == Some(Tok::RBrace);
        self.line_stop = None;
        if closed {
            self.bump();
        } else {
            self.error(
                format!(
                    "`{} {}` is missing its closing `}}`.",
                    header.keyword, header.name
                ),
                header.start,
                header.name_end,
            );
        }
        // An unclosed block ends at its last token, not at the newlines
        // before the next block.
        let end = self
            .tokens
            .get(..self.pos)
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|t| t.kind != Tok::Newline)
            .map_or(header.start, |t| t.end);
        self.span(header.start, end.max(header.start))
    }

    /// True where a block body ends: at its `}`, at the end of the file, or
    /// (its `}` missing) at the next block header.
    fn at_body_end(&self) -> bool {
        matches!(self.kind(), None | Some(Tok::RBrace)) || self.at_block_header()
    }

    // ----- block bodies -----

    /// The lines of a block up to its closing brace: blank lines, comment
    /// runs (the doc of the next item), `@@` attributes, and items read by
    /// `item` from a line that starts with a name. An item that fails has
    /// been reported (and its line skipped) by `item`; any other line is
    /// `invalid`.
    fn block_body<T>(
        &mut self,
        invalid: &str,
        mut item: impl FnMut(&mut Self, Option<String>) -> PResult<T>,
    ) -> (Vec<T>, Vec<Attribute>) {
        let mut items = Vec::new();
        let mut attributes = Vec::new();
        let mut pending: Option<String> = None;
        while !self.at_body_end() {
            match self.kind() {
                Some(Tok::Newline) => {
                    self.bump();
                }
                Some(k) if k.is_comment() => pending = self.comment_run(),
                Some(Tok::AtAt) => self.block_attribute(&mut attributes),
                Some(Tok::Ident) => {
                    let doc = pending.take();
                    if let Ok(found) = item(self, doc) {
                        items.push(found);
                    }
                }
                _ => self.invalid_line(invalid),
            }
        }
        (items, attributes)
    }

    // ----- models, views, composite types -----

    fn model(&mut self, doc: Option<String>) {
        let Some(header) = self.header() else {
            return;
        };
        let kind = match header.keyword.as_str() {
            "view" => ModelKind::View,
            "type" => ModelKind::CompositeType,
            _ => ModelKind::Model,
        };
        let (fields, attributes) = self.block_body(
            "This line is not a valid field or attribute definition.",
            |p, doc| p.field(doc),
        );
        let span = self.close_block(&header);
        let db_name = block_map(&attributes);
        let model = Model {
            name: header.name,
            name_span: header.name_span,
            kind,
            db_name,
            fields,
            attributes,
            doc,
            span,
            path: self.path.to_owned(),
        };
        match kind {
            ModelKind::Model => self.schema.models.push(model),
            ModelKind::View => self.schema.views.push(model),
            ModelKind::CompositeType => self.schema.types.push(model),
        }
    }

    fn field(&mut self, doc: Option<String>) -> PResult<Field> {
        let name_token = self.bump().ok_or(Reported)?;
        let name = self.text_of(name_token).to_owned();
        let result = self.field_rest(name_token, name, doc);
        if result.is_err() {
            self.skip_to_line_end();
        }
        result
    }

    fn field_rest(
        &mut self,
        name_token: Token,
        name: String,
        doc: Option<String>,
    ) -> PResult<Field> {
        if self.kind() == Some(Tok::Colon) {
            return Err(self.error_here("Field declarations don't require a `:`."));
        }
        let (type_name, unsupported) = match self.kind() {
            Some(Tok::Ident)
                if self.current_text() == "Unsupported"
                    && self.kind_at(1) == Some(Tok::LParen)
                    && self.glued(1) =>
            {
                self.bump();
                self.bump();
                let db_type = match self.token(self.pos) {
                    Some(t) if t.kind == Tok::Str => {
                        self.bump();
                        self.string_value(t)
                    }
                    _ => {
                        return Err(self.error_here(
                            "Expected the database type as a string: `Unsupported(\"...\")`.",
                        ));
                    }
                };
                if self.kind() != Some(Tok::RParen) {
                    return Err(self.error_here("Expected `)` to close `Unsupported(`."));
                }
                self.bump();
                ("Unsupported".to_owned(), Some(db_type))
            }
            Some(Tok::Ident) => {
                let token = self.bump().ok_or(Reported)?;
                (self.text_of(token).to_owned(), None)
            }
            Some(Tok::LBracket) => {
                let start = self.current_start();
                self.skip_to_line_end();
                self.error(
                    "To specify a list, please use `Type[]` instead of `[Type]`.",
                    start,
                    self.prev_end,
                );
                return Err(Reported);
            }
            _ => {
                self.error(
                    format!("Field `{name}` is missing a type."),
                    name_token.start,
                    name_token.end,
                );
                return Err(Reported);
            }
        };
        let arity = match self.kind() {
            Some(Tok::LBracket) if self.kind_at(1) == Some(Tok::RBracket) && self.glued(1) => {
                self.bump();
                self.bump();
                if self.kind() == Some(Tok::Question) {
                    return Err(self.error_here(
                        "Optional lists are not supported. Use either `Type[]` or `Type?`.",
                    ));
                }
                Arity::List
            }
            Some(Tok::Question) => {
                self.bump();
                Arity::Optional
            }
            Some(Tok::Bang) => {
                return Err(
                    self.error_here("Fields are required by default, `!` is no longer required.")
                );
            }
            _ => Arity::Required,
        };
        let mut attributes = Vec::new();
        while self.kind() == Some(Tok::At) {
            attributes.push(self.attribute()?);
        }
        let end = self.prev_end;
        let trailing = self.trailing("a field line")?;
        let db_name = field_map(&attributes);
        Ok(Field {
            name,
            db_name,
            type_name,
            arity,
            unsupported,
            attributes,
            doc: join_docs(doc, trailing),
            span: self.span(name_token.start, end),
        })
    }

    // ----- enums -----

    fn enumeration(&mut self, doc: Option<String>) {
        let Some(header) = self.header() else {
            return;
        };
        let (values, attributes) =
            self.block_body("This line is not an enum value definition.", |p, doc| {
                let value = p.enum_value(doc);
                if value.is_err() {
                    p.skip_to_line_end();
                }
                value
            });
        let span = self.close_block(&header);
        let db_name = block_map(&attributes);
        self.schema.enums.push(Enum {
            name: header.name,
            name_span: header.name_span,
            db_name,
            values,
            attributes,
            doc,
            span,
            path: self.path.to_owned(),
        });
    }

    fn enum_value(&mut self, doc: Option<String>) -> PResult<EnumValue> {
        let name_token = self.bump().ok_or(Reported)?;
        let mut attributes = Vec::new();
        while self.kind() == Some(Tok::At) {
            attributes.push(self.attribute()?);
        }
        let end = self.prev_end;
        let trailing = self.trailing("an enum value line")?;
        let db_name = field_map(&attributes);
        Ok(EnumValue {
            name: self.text_of(name_token).to_owned(),
            db_name,
            attributes,
            doc: join_docs(doc, trailing),
            span: self.span(name_token.start, end),
        })
    }

    // ----- datasource and generator -----

    fn config(&mut self) {
        let Some(header) = self.header() else {
            return;
        };
        let mut properties = Vec::new();
        while !self.at_body_end() {
            match self.kind() {
                Some(Tok::Newline) => {
                    self.bump();
                }
                Some(k) if k.is_comment() => {
                    self.comment_run();
                }
                Some(Tok::Ident) => {
                    if let Ok(property) = self.property(&header.keyword) {
                        properties.push(property);
                    } else {
                        self.skip_to_line_end();
                    }
                }
                _ => self.invalid_line(&format!(
                    "This line is not a valid definition within a {}.",
                    header.keyword
                )),
            }
        }
        let span = self.close_block(&header);
        let path = self.path.to_owned();
        let string = |key: &str| {
            properties
                .iter()
                .find(|p: &&Property| p.key == key)
                .and_then(|p| p.value.as_str())
                .map(str::to_owned)
        };
        let strings = |key: &str| {
            properties
                .iter()
                .find(|p: &&Property| p.key == key)
                .map(|p| p.value.strings())
                .unwrap_or_default()
        };
        if header.keyword == "datasource" {
            let url = properties
                .iter()
                .find(|p| p.key == "url")
                .map(|p| p.value.to_string());
            self.schema.datasources.push(Datasource {
                name: header.name,
                provider: string("provider"),
                url,
                schemas: strings("schemas"),
                properties,
                span,
                path,
            });
        } else {
            self.schema.generators.push(Generator {
                name: header.name,
                provider: string("provider"),
                preview_features: strings("previewFeatures"),
                properties,
                span,
                path,
            });
        }
    }

    fn property(&mut self, block: &str) -> PResult<Property> {
        let key_token = self.bump().ok_or(Reported)?;
        let key = self.text_of(key_token).to_owned();
        if self.kind() != Some(Tok::Equals) {
            return Err(self.error_here(format!(
                "Expected `=` after `{key}`: a {block} holds `key = value` lines."
            )));
        }
        self.bump();
        let value = self.expr()?;
        let end = self.prev_end;
        self.trailing(&format!("a {block} property line"))?;
        Ok(Property {
            key,
            value,
            span: self.span(key_token.start, end),
        })
    }

    // ----- attributes and expressions -----

    /// A `@@name(args)` line of a model or enum.
    fn block_attribute(&mut self, attributes: &mut Vec<Attribute>) {
        match self.attribute() {
            Ok(attribute) => {
                if self.trailing("a block attribute line").is_ok() {
                    attributes.push(attribute);
                }
            }
            Err(Reported) => self.skip_to_line_end(),
        }
    }

    /// `@name(args)` or `@@name(args)`; the name may be dotted
    /// (`@db.VarChar`).
    fn attribute(&mut self) -> PResult<Attribute> {
        let at = self.bump().ok_or(Reported)?;
        let sigil = if at.kind == Tok::AtAt { "@@" } else { "@" };
        if self.kind() != Some(Tok::Ident) {
            return Err(self.error_here(format!("Expected an attribute name after `{sigil}`.")));
        }
        let name = self.path()?;
        let args = if self.kind() == Some(Tok::LParen) {
            self.args()?
        } else {
            Vec::new()
        };
        Ok(Attribute {
            name,
            args,
            span: self.span(at.start, self.prev_end),
        })
    }

    /// `a` or `a.b.c`, at an identifier.
    fn path(&mut self) -> PResult<String> {
        let first = self.bump().ok_or(Reported)?;
        let mut path = self.text_of(first).to_owned();
        // A path is one word: `db.VarChar`, never `db. VarChar`.
        while self.kind() == Some(Tok::Dot) && self.glued(0) {
            self.bump();
            match self.token(self.pos) {
                Some(t) if t.kind == Tok::Ident && self.glued(0) => {
                    self.bump();
                    path.push('.');
                    path.push_str(self.text_of(t));
                }
                _ => {
                    return Err(self.error_here(format!(
                        "Expected a name right after `{path}.` (no spaces in dotted names)."
                    )));
                }
            }
        }
        Ok(path)
    }

    /// `( arg, name: arg, ... )` at the `(`; a trailing comma is allowed.
    fn args(&mut self) -> PResult<Vec<Arg>> {
        let open = self.bump().ok_or(Reported)?;
        let mut args = Vec::new();
        loop {
            if self.kind() == Some(Tok::RParen) {
                self.bump();
                return Ok(args);
            }
            if self.at_line_end() {
                self.error(
                    "Unclosed `(`: arguments must close on the same line.",
                    open.start,
                    open.end,
                );
                return Err(Reported);
            }
            args.push(self.arg()?);
            match self.kind() {
                Some(Tok::Comma) => {
                    self.bump();
                }
                Some(Tok::RParen) => {}
                _ if self.at_line_end() => {}
                _ => {
                    let found = self.current_text().to_owned();
                    return Err(self.error_here(format!(
                        "Expected `,` or `)` in arguments, found `{found}`."
                    )));
                }
            }
        }
    }

    fn arg(&mut self) -> PResult<Arg> {
        let start = self.current_start();
        let name = if self.kind() == Some(Tok::Ident) && self.kind_at(1) == Some(Tok::Colon) {
            let token = self.bump().ok_or(Reported)?;
            self.bump();
            let name = self.text_of(token).to_owned();
            if matches!(self.kind(), Some(Tok::Comma | Tok::RParen)) || self.at_line_end() {
                return Err(self.error_here(format!("Argument `{name}` has no value.")));
            }
            Some(name)
        } else {
            None
        };
        let value = self.expr()?;
        Ok(Arg {
            name,
            value,
            span: self.span(start, self.prev_end),
        })
    }

    fn expr(&mut self) -> PResult<Expr> {
        if self.nesting >= MAX_NESTING {
            return Err(self.error_here(format!(
                "Values nested more than {MAX_NESTING} levels deep."
            )));
        }
        self.nesting += 1;
        let expr = self.value();
        self.nesting -= 1;
        expr
    }

    /// A value, below [`Parser::expr`]'s nesting check.
    fn value(&mut self) -> PResult<Expr> {
        let Some(token) = self.token(self.pos).filter(|_| !self.at_line_end()) else {
            return Err(self.error_here("Expected a value."));
        };
        match token.kind {
            Tok::Str => {
                self.bump();
                Ok(Expr::String(self.string_value(token)))
            }
            Tok::UnterminatedStr => {
                self.error(
                    "Unterminated string: missing the closing `\"`.",
                    token.start,
                    token.end,
                );
                Err(Reported)
            }
            Tok::Number => {
                self.bump();
                Ok(Expr::Number(self.text_of(token).to_owned()))
            }
            Tok::LBracket => self.array(),
            // Prisma reads a number before a name, so `2-00` or `1abc`
            // is the number `2` or `1` followed by junk, never a name.
            Tok::Ident
                if self
                    .text_of(token)
                    .starts_with(|c: char| c.is_ascii_digit())
                    && self.kind_at(1) != Some(Tok::LParen) =>
            {
                let found = self.text_of(token).to_owned();
                Err(self.error_here(format!(
                    "`{found}` is not a value: a name cannot start with a digit."
                )))
            }
            Tok::Ident => {
                let path = self.path()?;
                if self.kind() == Some(Tok::LParen) {
                    let args = self.args()?;
                    Ok(Expr::Call { name: path, args })
                } else {
                    Ok(Expr::Ident(path))
                }
            }
            _ => {
                let found = self.text_of(token).to_owned();
                Err(self.error_here(format!(
                    "Expected a value (a string, number, name, list or function call), found `{found}`."
                )))
            }
        }
    }

    fn array(&mut self) -> PResult<Expr> {
        let open = self.bump().ok_or(Reported)?;
        let mut items = Vec::new();
        loop {
            if self.kind() == Some(Tok::RBracket) {
                self.bump();
                return Ok(Expr::Array(items));
            }
            if self.at_line_end() {
                self.error(
                    "Unclosed `[`: a list must close on the same line.",
                    open.start,
                    open.end,
                );
                return Err(Reported);
            }
            items.push(self.expr()?);
            match self.kind() {
                Some(Tok::Comma) => {
                    let comma = self.bump().ok_or(Reported)?;
                    if self.kind() == Some(Tok::RBracket) {
                        // Prisma rejects `[a, b,]`; the list is clear anyway.
                        self.error("Trailing comma in a list.", comma.start, comma.end);
                    }
                }
                Some(Tok::RBracket) => {}
                _ if self.at_line_end() => {}
                _ => {
                    let found = self.current_text().to_owned();
                    return Err(
                        self.error_here(format!("Expected `,` or `]` in a list, found `{found}`."))
                    );
                }
            }
        }
    }

    /// The value of a string token, JSON escapes decoded; bad escapes are
    /// reported and dropped.
    fn string_value(&mut self, token: Token) -> String {
        let start = token.start + 1;
        let raw = self
            .text
            .get(start..token.end.saturating_sub(1))
            .unwrap_or("");
        let (value, errors) = decode_string(raw);
        for (message, from, to) in errors {
            self.error(message, start + from, start + to);
        }
        value
    }
}

/// `@@map("name")` of a block.
fn block_map(attributes: &[Attribute]) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name == "map")
        .and_then(|a| a.arg_or_first("name"))
        .and_then(Expr::as_str)
        .map(str::to_owned)
}

/// `@map("name")` of a field or enum value.
fn field_map(attributes: &[Attribute]) -> Option<String> {
    block_map(attributes)
}

fn join_docs(above: Option<String>, trailing: Option<String>) -> Option<String> {
    match (above, trailing) {
        (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
        (a, b) => a.or(b),
    }
}

/// Decodes the JSON escapes of a string literal's contents (Prisma strings
/// follow JSON). Returns the value and errors with byte ranges in `raw`.
fn decode_string(raw: &str) -> (String, Vec<(&'static str, usize, usize)>) {
    let mut out = String::with_capacity(raw.len());
    let mut errors = Vec::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            if u32::from(c) < 0x20 {
                errors.push((
                    "Control characters must be escaped in strings.",
                    i,
                    i + c.len_utf8(),
                ));
            }
            out.push(c);
            continue;
        }
        let Some((_, escape)) = chars.next() else {
            break;
        };
        match escape {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let first = hex4(raw, i + 2);
                let decoded = first.and_then(|hi| {
                    if let Some(c) = char::from_u32(hi) {
                        return Some((c, 6));
                    }
                    // A UTF-16 surrogate pair: `\uD83D\uDE00`.
                    let lo = raw.get(i + 6..i + 8).filter(|s| *s == "\\u").and(hex4(raw, i + 8))?;
                    let hi = u16::try_from(hi).ok()?;
                    let lo = u16::try_from(lo).ok()?;
                    let c = char::decode_utf16([hi, lo]).next()?.ok()?;
                    Some((c, 12))
                });
                match decoded {
                    Some((c, len)) => {
                        out.push(c);
                        // Skip the rest of the escape (`\u` is consumed).
                        while chars.peek().is_some_and(|(j, _)| *j < i + len) {
                            chars.next();
                        }
                    }
                    None => errors.push(("Invalid unicode escape sequence.", i, i + 2)),
                }
            }
            other => errors.push((
                "Unknown escape sequence. If the value is a windows-style path, `\\` must be escaped as `\\\\`.",
                i,
                i + 1 + other.len_utf8(),
            )),
        }
    }
    (out, errors)
}

/// The four hex digits at `at`, as a code unit.
fn hex4(raw: &str, at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::super::{FieldKind, IndexKind, parse, parse_files};
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        parse(text).errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn model_fields_attributes_and_spans() {
        let schema = parse(
            "/// Users.\nmodel User {\n  id    Int     @id @default(autoincrement())\n  name  String? @db.VarChar(255)\n  tags  String[]\n  posts Post[]\n\n  @@index([name(sort: Desc)], map: \"by_name\")\n  @@map(\"users\")\n}\n\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n}\n",
        );
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        let user = &schema.models[0];
        assert_eq!(user.doc.as_deref(), Some("Users."));
        assert_eq!(user.db_name.as_deref(), Some("users"));
        assert_eq!(
            user.span,
            Span {
                line: 2,
                column: 1,
                end_line: 10,
                end_column: 1
            }
        );
        assert_eq!(user.name_span, Span::line(2, 7, 10));
        let id = &user.fields[0];
        assert!(id.is_id());
        assert_eq!(
            id.default_value().map(ToString::to_string).as_deref(),
            Some("autoincrement()")
        );
        assert_eq!(id.span, Span::line(3, 3, 45));
        let name = user.field("name").unwrap();
        assert_eq!(name.arity, Arity::Optional);
        assert_eq!(
            name.native_type(),
            Some(("VarChar", vec!["255".to_owned()]))
        );
        assert_eq!(user.field("tags").unwrap().arity, Arity::List);
        let index = user
            .indexes()
            .into_iter()
            .find(|i| i.kind == IndexKind::Normal)
            .unwrap();
        assert_eq!(index.map.as_deref(), Some("by_name"));
        assert_eq!(index.fields[0].sort.as_deref(), Some("Desc"));
        assert_eq!(index.span, Span::line(8, 3, 45));
        let post = &schema.models[1];
        let author = post.field("author").unwrap();
        let relation = author.relation().unwrap();
        assert_eq!(relation.fields, ["authorId"]);
        assert_eq!(relation.references, ["id"]);
        assert_eq!(relation.on_delete.as_deref(), Some("Cascade"));
        assert_eq!(schema.field_kind(author), FieldKind::Relation);
        assert_eq!(
            schema.relation_name(post, author).as_deref(),
            Some("PostToUser")
        );
        assert_eq!(schema.relation_name(post, &post.fields[0]), None);
    }

    #[test]
    fn config_blocks() {
        let schema = parse(
            "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\") // secret\n  schemas  = [\"a\", \"b\"]\n}\ngenerator client {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"views\"]\n}\n",
        );
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        let db = &schema.datasources[0];
        assert_eq!(db.provider.as_deref(), Some("postgresql"));
        assert_eq!(db.url.as_deref(), Some("env(\"DATABASE_URL\")"));
        assert_eq!(db.schemas, ["a", "b"]);
        assert_eq!(db.property("url").unwrap().span, Span::line(3, 3, 32));
        assert_eq!(schema.generators[0].preview_features, ["views"]);
    }

    #[test]
    fn enums_views_types_and_docs() {
        let schema = parse(
            "/// floating\n\n// plain\n/// Roles.\nenum Role {\n  /// Reads.\n  READER @map(\"reader\") /// only\n  ADMIN\n  @@map(\"role\")\n}\nview V {\n  id Int @unique\n}\ntype T {\n  a String\n}\n",
        );
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        let role = &schema.enums[0];
        assert_eq!(role.doc.as_deref(), Some("Roles."));
        assert_eq!(role.db_name.as_deref(), Some("role"));
        assert_eq!(role.values[0].db_name.as_deref(), Some("reader"));
        assert_eq!(role.values[0].doc.as_deref(), Some("Reads.\nonly"));
        assert_eq!(role.values[1].doc, None);
        assert!(schema.views[0].is_view());
        assert_eq!(schema.types[0].kind, ModelKind::CompositeType);
    }

    #[test]
    fn expressions() {
        let schema = parse(
            "model A {\n  a String @default(\"q\\\"\\u00e9\\n\") @db.Decimal(10, 2)\n  b Int    @default(-1)\n  c Json   @default(dbgenerated(\"x\"))\n  d Int[]  @default([1, 2])\n  e Unsupported(\"circle\")?\n}\n",
        );
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        let model = &schema.models[0];
        let value = |i: usize| model.fields[i].default_value().cloned();
        assert_eq!(value(0), Some(Expr::String("q\"é\n".to_owned())));
        assert_eq!(value(1), Some(Expr::Number("-1".to_owned())));
        assert_eq!(value(2).unwrap().to_string(), "dbgenerated(\"x\")");
        assert_eq!(value(3).unwrap().to_string(), "[1, 2]");
        assert_eq!(
            model.fields[0].native_type(),
            Some(("Decimal", vec!["10".to_owned(), "2".to_owned()]))
        );
        let e = &model.fields[4];
        assert_eq!(
            (e.type_name.as_str(), e.unsupported.as_deref()),
            ("Unsupported", Some("circle"))
        );
        assert_eq!(e.arity, Arity::Optional);
        assert_eq!(schema.field_kind(e), FieldKind::Unsupported);
    }

    #[test]
    fn errors_have_positions_and_parsing_resumes() {
        assert_eq!(
            messages(
                "model A {\n  id\n  ok Int\n  b String @default(\n}\nmodle B {\n  x Int\n}\nmodel C {\n  y Int\n"
            ),
            [
                "2:3: Field `id` is missing a type.",
                "4:20: Unclosed `(`: arguments must close on the same line.",
                "6:1: Unknown block `modle`: a block starts with model, view, type, enum, datasource or generator.",
                "9:1: `model C` is missing its closing `}`.",
            ]
        );
        let schema =
            parse("model A {\n  id\n  ok Int\n}\nmodel B {\n  x Int\nmodel C {\n  y Int\n}\n");
        let names: Vec<_> = schema.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(schema.models[0].fields.len(), 1);
        assert_eq!(schema.errors.len(), 2);
    }

    #[test]
    fn one_line_blocks_are_errors_but_parsed() {
        let schema = parse("model A { id Int @id }\nmodel B {}\n");
        assert_eq!(schema.errors.len(), 2);
        assert_eq!(schema.models[0].fields[0].name, "id");
        assert_eq!(schema.models[1].name, "B");
    }

    #[test]
    fn a_block_may_close_on_the_next_ones_first_line() {
        // Prisma accepts this (only `{` must end its line).
        let schema = parse("model A { // c\n  id Int @id\n} model B {\n  id Int @id\n}\n");
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        assert_eq!(schema.models.len(), 2);
    }

    #[test]
    fn dotted_names_and_list_brackets_are_single_words() {
        assert_eq!(
            messages("model A {\n  a String @db. Text\n  b Int[ ]\n  c Int @default(2-00)\n}\n"),
            [
                "2:17: Expected a name right after `db.` (no spaces in dotted names).",
                "3:8: Unexpected `[` in a field line.",
                "4:18: `2-00` is not a value: a name cannot start with a digit.",
            ]
        );
    }

    #[test]
    fn block_comments_crlf_and_tabs() {
        let schema =
            parse("/* The\r\n   users. */\r\nmodel U {\r\n\tid Int @id /* key */\r\n}\r\n");
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        let model = &schema.models[0];
        assert_eq!(model.doc.as_deref(), Some("The\r\n   users."));
        assert_eq!(model.fields[0].doc.as_deref(), Some("key"));
        assert_eq!(model.fields[0].span, Span::line(4, 2, 11));
    }

    #[test]
    fn files_keep_their_paths() {
        let schema = parse_files(&[
            ("a.prisma", "model A {\n  id Int @id\n}\n"),
            ("b.prisma", "enum E {\n  X\n}\noops\n"),
        ]);
        assert_eq!(schema.models[0].path, "a.prisma");
        assert_eq!(schema.enums[0].path, "b.prisma");
        assert_eq!(
            schema.errors[0].to_string(),
            "b.prisma:4:1: This line is invalid. It does not start with any known Prisma schema keyword."
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for text in [
            "",
            "{",
            "}",
            "@",
            "@@",
            "model",
            "model A",
            "model A {",
            "model A {\n a",
            "model A {\n a Int @",
            "model A {\n a Int @x(",
            "model A {\n a Int @x(b:",
            "model A {\n a Int @default(\"\\u12",
            "model A {\n a Int @default(\"\\uD83D\\u\")\n}",
            "\"",
            "/*",
            "é model ü {\n ä ö\n}",
            "\r\r\n\n",
            "datasource {\n}",
            "generator g {\n x\n y =\n z = [\n}",
            "enum E {\n A @\n @@\n 1\n}",
            "model A {\n a Int[]?\n b Int!\n c [Int]\n d: Int\n}",
            "type X = String",
        ] {
            let _ = parse(text);
        }
    }

    #[test]
    fn deep_nesting_is_reported_not_recursed() {
        let nested = |depth: usize| {
            format!(
                "model A {{\n  id Int @default({}1{})\n  b Int\n}}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        let ok = parse(&nested(MAX_NESTING as usize - 1));
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        let deep = parse(&nested(100_000));
        let messages: Vec<String> = deep.errors.iter().map(ToString::to_string).collect();
        // At the 65th `[`.
        assert_eq!(messages, ["2:83: Values nested more than 64 levels deep."]);
        // The line is left out; the rest of the model parses.
        assert_eq!(deep.models[0].fields.len(), 1);
    }
}

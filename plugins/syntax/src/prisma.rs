//! Prisma schemas (`schema.prisma`) as rules see them.
//!
//! Rules that compare a Prisma schema with the SQL migrations next to it
//! (schema drift, naming conventions, an organisation's own checks) need the
//! schema's models, columns, keys and indexes with positions to report at.
//! No maintained Rust crate parses the Prisma schema language (PSL) outside
//! Prisma's engines, so this module is a small hand-written parser: pure
//! `std`, so it runs inside a rule's WebAssembly component.
//!
//! The parser is *syntactic* and *tolerant*. It follows the grammar of
//! Prisma's own parser (`schema-ast`, checked against Prisma's DMMF output in
//! `tests/prisma_dmmf.rs`): it never panics, it collects syntax errors with
//! their positions in [`Schema::errors`], and it resumes at the next line or
//! block, so one typo does not hide the rest of the schema. A line Prisma
//! would reject is reported and left out (a field with a syntax error is not
//! in [`Model::fields`]). It does not validate meaning (unknown types,
//! relations without a back-relation, attribute arguments Prisma does not
//! know): those are Prisma's job, and a linter should not second-guess them.
//! The few semantic helpers rules need ([`Schema::field_kind`],
//! [`Schema::relation_name`], [`Model::indexes`]) follow Prisma's rules.
//!
//! Every block, field, value and attribute has a [`Span`] (1-based, columns
//! in characters) in its file, and blocks remember the file they came from,
//! so findings point at the schema line.
//!
//! Comments: `//` lines are ignored; `///` lines document the model, enum,
//! field or value below them (a `///` after a field documents it too), as
//! Prisma's DMMF `documentation` does. `/* */` comments are accepted and
//! document like `///`, as in Prisma 7 (Prisma 6 rejected them), so a
//! Prisma 7 schema parses without errors.
//!
//! ```
//! let schema = drift_syntax::prisma::parse(
//!     "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique @map(\"e_mail\")\n\n  @@map(\"users\")\n}\n",
//! );
//! assert!(schema.errors.is_empty());
//! let user = &schema.models[0];
//! assert_eq!(user.table_name(), "users");
//! let email = user.field("email").unwrap();
//! assert!(email.is_unique());
//! assert_eq!(email.column_name(), "e_mail");
//! assert_eq!(email.span.line, 3);
//! ```

use std::fmt;

use crate::text::Span;

mod lexer;
mod parser;
mod validate;

/// Parses one schema file. Never panics: syntax errors are in
/// [`Schema::errors`], and blocks' `path` is empty.
pub fn parse(text: &str) -> Schema {
    let mut schema = Schema::default();
    parser::parse_into(&mut schema, "", text);
    schema
}

/// Parses a multi-file schema (a `prisma/schema/` folder of `.prisma`
/// files), given as `(path, text)` pairs. Blocks and errors carry their
/// file's path; blocks are in the order of `files`, then of the text.
pub fn parse_files(files: &[(&str, &str)]) -> Schema {
    let mut schema = Schema::default();
    for (path, text) in files {
        parser::parse_into(&mut schema, path, text);
    }
    schema
}

/// A parsed schema: its blocks by kind, and the syntax errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub datasources: Vec<Datasource>,
    pub generators: Vec<Generator>,
    /// `model` blocks.
    pub models: Vec<Model>,
    /// `view` blocks (they parse like models; [`Model::kind`] is
    /// [`ModelKind::View`]).
    pub views: Vec<Model>,
    /// Composite `type` blocks (MongoDB); [`Model::kind`] is
    /// [`ModelKind::CompositeType`].
    pub types: Vec<Model>,
    pub enums: Vec<Enum>,
    pub errors: Vec<SchemaError>,
}

impl Schema {
    /// The model or view named `name`.
    pub fn find_model(&self, name: &str) -> Option<&Model> {
        self.models
            .iter()
            .chain(&self.views)
            .find(|m| m.name == name)
    }

    pub fn find_enum(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The composite type named `name`.
    pub fn find_type(&self, name: &str) -> Option<&Model> {
        self.types.iter().find(|t| t.name == name)
    }

    /// What `field`'s type refers to. Names the schema does not define are
    /// [`FieldKind::Scalar`] (the built-in types, or a typo Prisma reports).
    ///
    /// Each call scans the schema's blocks; for a field of every model, use
    /// [`Schema::type_index`] once instead.
    pub fn field_kind(&self, field: &Field) -> FieldKind {
        if field.unsupported.is_some() {
            FieldKind::Unsupported
        } else if self.find_model(&field.type_name).is_some() {
            FieldKind::Relation
        } else if self.find_enum(&field.type_name).is_some() {
            FieldKind::Enum
        } else if self.find_type(&field.type_name).is_some() {
            FieldKind::Composite
        } else {
            FieldKind::Scalar
        }
    }

    /// The name of the relation `field` (of `model`) belongs to: the name
    /// given in `@relation`, or the one Prisma generates from the two model
    /// names (`PostToUser`, alphabetical). `None` unless the field is a
    /// relation field.
    pub fn relation_name(&self, model: &Model, field: &Field) -> Option<String> {
        relation_name(self.field_kind(field), model, field)
    }

    /// The schema's type names indexed once, for looking up the kind of
    /// many fields: [`Schema::field_kind`] scans every model, view, enum and
    /// composite type per call, which is quadratic over a whole schema
    /// (a 1,000-model schema has about 10,000 fields).
    pub fn type_index(&self) -> TypeIndex<'_> {
        let mut kinds = rustc_hash::FxHashMap::default();
        let mut models = rustc_hash::FxHashMap::default();
        let mut enums = rustc_hash::FxHashMap::default();
        // Lowest precedence first, so that a model named like an enum is a
        // model, as in `field_kind`; the first block of a name wins, as in
        // the `find_*` methods.
        for t in self.types.iter().rev() {
            kinds.insert(t.name.as_str(), FieldKind::Composite);
        }
        for e in self.enums.iter().rev() {
            kinds.insert(e.name.as_str(), FieldKind::Enum);
            enums.insert(e.name.as_str(), e);
        }
        for m in self.models.iter().chain(&self.views).rev() {
            kinds.insert(m.name.as_str(), FieldKind::Relation);
            models.insert(m.name.as_str(), m);
        }
        TypeIndex {
            kinds,
            models,
            enums,
        }
    }
}

fn relation_name(kind: FieldKind, model: &Model, field: &Field) -> Option<String> {
    if kind != FieldKind::Relation {
        return None;
    }
    if let Some(name) = field.relation().and_then(|r| r.name) {
        return Some(name);
    }
    let (a, b) = (model.name.as_str(), field.type_name.as_str());
    Some(if a < b {
        format!("{a}To{b}")
    } else {
        format!("{b}To{a}")
    })
}

/// A schema's type names, indexed ([`Schema::type_index`]): the same
/// answers as the [`Schema`] methods of the same names, in constant time.
#[derive(Debug, Clone)]
pub struct TypeIndex<'s> {
    kinds: rustc_hash::FxHashMap<&'s str, FieldKind>,
    models: rustc_hash::FxHashMap<&'s str, &'s Model>,
    enums: rustc_hash::FxHashMap<&'s str, &'s Enum>,
}

impl<'s> TypeIndex<'s> {
    /// See [`Schema::field_kind`].
    pub fn field_kind(&self, field: &Field) -> FieldKind {
        if field.unsupported.is_some() {
            FieldKind::Unsupported
        } else {
            self.kinds
                .get(field.type_name.as_str())
                .copied()
                .unwrap_or(FieldKind::Scalar)
        }
    }

    /// See [`Schema::relation_name`].
    pub fn relation_name(&self, model: &Model, field: &Field) -> Option<String> {
        relation_name(self.field_kind(field), model, field)
    }

    /// See [`Schema::find_model`].
    pub fn find_model(&self, name: &str) -> Option<&'s Model> {
        self.models.get(name).copied()
    }

    /// See [`Schema::find_enum`].
    pub fn find_enum(&self, name: &str) -> Option<&'s Enum> {
        self.enums.get(name).copied()
    }
}

/// A syntax error, at its position in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub message: String,
    /// The file's path as given to [`parse_files`]; empty from [`parse`].
    pub path: String,
    pub span: Span,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}:", self.path)?;
        }
        write!(
            f,
            "{}:{}: {}",
            self.span.line, self.span.column, self.message
        )
    }
}

/// A `key = value` line of a `datasource` or `generator` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub value: Expr,
    pub span: Span,
}

/// A `datasource` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datasource {
    pub name: String,
    /// `provider`, e.g. `postgresql`.
    pub provider: Option<String>,
    /// `url` as written, e.g. `env("DATABASE_URL")` (Prisma 7 schemas have
    /// none: the URL moved to `prisma.config.ts`).
    pub url: Option<String>,
    /// `schemas` (multi-schema databases).
    pub schemas: Vec<String>,
    /// Every property, including the ones above.
    pub properties: Vec<Property>,
    pub span: Span,
    pub path: String,
}

impl Datasource {
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.key == key)
    }
}

/// A `generator` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    pub name: String,
    /// `provider`, e.g. `prisma-client-js`.
    pub provider: Option<String>,
    /// `previewFeatures`.
    pub preview_features: Vec<String>,
    /// Every property, including the ones above.
    pub properties: Vec<Property>,
    pub span: Span,
    pub path: String,
}

impl Generator {
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.key == key)
    }
}

/// Which keyword a [`Model`] block was declared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    Model,
    View,
    CompositeType,
}

/// A `model`, `view` or composite `type` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    /// The span of the name in the block's first line.
    pub name_span: Span,
    pub kind: ModelKind,
    /// `@@map("...")`: the table (or view) name in the database.
    pub db_name: Option<String>,
    /// The fields that parsed (a line with a syntax error is left out).
    pub fields: Vec<Field>,
    /// Block attributes (`@@id`, `@@unique`, `@@index`, `@@map`, ...).
    pub attributes: Vec<Attribute>,
    /// The `///` (or `/* */`) comment lines documenting the block.
    pub doc: Option<String>,
    /// From the keyword to the closing `}`.
    pub span: Span,
    pub path: String,
}

impl Model {
    pub fn is_view(&self) -> bool {
        self.kind == ModelKind::View
    }

    /// The database name: `@@map` or the model name.
    pub fn table_name(&self) -> &str {
        self.db_name.as_deref().unwrap_or(&self.name)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The first block attribute named `name` (without `@@`).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// `@@schema("...")` (multi-schema databases).
    pub fn schema(&self) -> Option<&str> {
        self.attribute("schema")
            .and_then(|a| a.arg_or_first("name"))
            .and_then(Expr::as_str)
    }

    /// `@@ignore`: Prisma Client leaves the model out.
    pub fn is_ignored(&self) -> bool {
        self.attribute("ignore").is_some()
    }

    /// The primary key, from `@@id` or a field's `@id`.
    pub fn primary_key(&self) -> Option<Index> {
        self.indexes()
            .into_iter()
            .find(|i| i.kind == IndexKind::Primary)
    }

    /// Primary key, unique constraints and indexes: the fields' `@id` and
    /// `@unique`, then `@@id`, `@@unique`, `@@index` and `@@fulltext` in
    /// source order.
    pub fn indexes(&self) -> Vec<Index> {
        let mut indexes = Vec::new();
        for field in &self.fields {
            for attribute in &field.attributes {
                let kind = match attribute.name.as_str() {
                    "id" => IndexKind::Primary,
                    "unique" => IndexKind::Unique,
                    _ => continue,
                };
                let index_field = IndexField {
                    name: field.name.clone(),
                    sort: attribute.arg("sort").map(Expr::to_string),
                    length: attribute.arg("length").map(Expr::to_string),
                    ops: None,
                };
                indexes.push(Index::from_attribute(
                    kind,
                    attribute,
                    vec![index_field],
                    true,
                ));
            }
        }
        for attribute in &self.attributes {
            let kind = match attribute.name.as_str() {
                "id" => IndexKind::Primary,
                "unique" => IndexKind::Unique,
                "index" => IndexKind::Normal,
                "fulltext" => IndexKind::Fulltext,
                _ => continue,
            };
            let fields = attribute
                .arg_or_first("fields")
                .map(index_fields)
                .unwrap_or_default();
            indexes.push(Index::from_attribute(kind, attribute, fields, false));
        }
        indexes
    }
}

/// `[a, b(sort: Desc)]` as index fields.
fn index_fields(expr: &Expr) -> Vec<IndexField> {
    let items = match expr {
        Expr::Array(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    items
        .iter()
        .filter_map(|item| match item {
            Expr::Ident(name) => Some(IndexField {
                name: name.clone(),
                sort: None,
                length: None,
                ops: None,
            }),
            Expr::Call { name, args } => {
                let named = |key: &str| {
                    args.iter()
                        .find(|a| a.name.as_deref() == Some(key))
                        .map(|a| &a.value)
                };
                Some(IndexField {
                    name: name.clone(),
                    sort: named("sort").map(Expr::to_string),
                    length: named("length").map(Expr::to_string),
                    ops: named("ops").map(|ops| match ops {
                        // `raw("gin_trgm_ops")` names the class verbatim.
                        Expr::Call { name, args } if name == "raw" => args
                            .first()
                            .and_then(|a| a.value.as_str())
                            .unwrap_or_default()
                            .to_owned(),
                        other => other.to_string(),
                    }),
                })
            }
            _ => None,
        })
        .collect()
}

/// The kind of an [`Index`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexKind {
    /// `@id` / `@@id`.
    Primary,
    /// `@unique` / `@@unique`.
    Unique,
    /// `@@index`.
    Normal,
    /// `@@fulltext` (MySQL, MongoDB).
    Fulltext,
}

/// A primary key, unique constraint or index of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub kind: IndexKind,
    pub fields: Vec<IndexField>,
    /// `name:`: the Prisma Client name of a compound key.
    pub name: Option<String>,
    /// `map:`: the constraint or index name in the database. `None` means
    /// Prisma's generated name.
    pub map: Option<String>,
    /// `type:` of `@@index`, e.g. `Gin` (Prisma calls it the algorithm).
    pub algorithm: Option<String>,
    /// `where:` of a partial index or unique constraint (the
    /// `partialIndexes` preview feature): `raw("...")` gives its SQL.
    pub predicate: Option<String>,
    /// True for a field's `@id` / `@unique`.
    pub defined_on_field: bool,
    /// The attribute's span.
    pub span: Span,
}

impl Index {
    fn from_attribute(
        kind: IndexKind,
        attribute: &Attribute,
        fields: Vec<IndexField>,
        defined_on_field: bool,
    ) -> Self {
        let string = |key: &str| attribute.arg(key).and_then(Expr::as_str).map(str::to_owned);
        Self {
            kind,
            fields,
            name: string("name"),
            map: string("map"),
            algorithm: attribute.arg("type").map(Expr::to_string),
            predicate: attribute.arg("where").map(Expr::to_string),
            defined_on_field,
            span: attribute.span,
        }
    }

    /// The field names, in key order.
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.name.as_str()).collect()
    }
}

/// A field of an [`Index`], with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexField {
    pub name: String,
    /// `sort: Asc|Desc`.
    pub sort: Option<String>,
    /// `length: n` (MySQL prefix indexes).
    pub length: Option<String>,
    /// `ops: ...`: the operator class (`raw("x")` gives `x`).
    pub ops: Option<String>,
}

/// `Type`, `Type?` or `Type[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arity {
    Required,
    Optional,
    List,
}

/// What a field's type refers to (see [`Schema::field_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// A built-in type (`String`, `Int`, ...).
    Scalar,
    Enum,
    /// A model or view: the field is a relation field, not a column.
    Relation,
    /// A composite type (MongoDB).
    Composite,
    /// `Unsupported("...")`.
    Unsupported,
}

/// A field of a model, view or composite type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `@map("...")`: the column name.
    pub db_name: Option<String>,
    /// The type as written; `Unsupported` for `Unsupported("...")`.
    pub type_name: String,
    pub arity: Arity,
    /// The database type of `Unsupported("tsvector")`: `tsvector`.
    pub unsupported: Option<String>,
    pub attributes: Vec<Attribute>,
    /// `///` lines above the field and a `///` comment after it.
    pub doc: Option<String>,
    /// From the name to the end of the last attribute.
    pub span: Span,
}

impl Field {
    /// The first attribute named `name` (without `@`, e.g. `default`).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The column name: `@map` or the field name.
    pub fn column_name(&self) -> &str {
        self.db_name.as_deref().unwrap_or(&self.name)
    }

    pub fn is_id(&self) -> bool {
        self.attribute("id").is_some()
    }

    pub fn is_unique(&self) -> bool {
        self.attribute("unique").is_some()
    }

    pub fn is_updated_at(&self) -> bool {
        self.attribute("updatedAt").is_some()
    }

    /// `@ignore`: Prisma Client leaves the field out.
    pub fn is_ignored(&self) -> bool {
        self.attribute("ignore").is_some()
    }

    pub fn is_optional(&self) -> bool {
        self.arity == Arity::Optional
    }

    pub fn is_list(&self) -> bool {
        self.arity == Arity::List
    }

    /// The `@default(...)` attribute.
    pub fn default(&self) -> Option<&Attribute> {
        self.attribute("default")
    }

    /// The value of `@default(...)`, e.g. `now()` or `"x"`.
    pub fn default_value(&self) -> Option<&Expr> {
        self.default().and_then(|a| a.arg_or_first("value"))
    }

    /// The native database type, `("VarChar", ["255"])` for
    /// `@db.VarChar(255)`. Native type attributes are the only dotted ones;
    /// their prefix is the datasource's name, usually `db`.
    pub fn native_type(&self) -> Option<(&str, Vec<String>)> {
        self.attributes.iter().find_map(|a| {
            let (_, ty) = a.name.split_once('.')?;
            let args = a.args.iter().map(|arg| arg.value.to_plain_string());
            Some((ty, args.collect()))
        })
    }

    /// `@relation(...)`, read into its parts.
    pub fn relation(&self) -> Option<Relation> {
        let attribute = self.attribute("relation")?;
        let string = |key: &str| attribute.arg(key).and_then(Expr::as_str).map(str::to_owned);
        let list = |key: &str| attribute.arg(key).map(Expr::names).unwrap_or_default();
        let ident = |key: &str| attribute.arg(key).map(Expr::to_string);
        Some(Relation {
            name: attribute
                .arg_or_first("name")
                .and_then(Expr::as_str)
                .map(str::to_owned),
            fields: list("fields"),
            references: list("references"),
            on_delete: ident("onDelete"),
            on_update: ident("onUpdate"),
            map: string("map"),
            span: attribute.span,
        })
    }
}

/// The parts of a field's `@relation(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The relation's name (`@relation("Name")` or `name: "Name"`).
    pub name: Option<String>,
    /// `fields: [...]`: the foreign key's fields in this model.
    pub fields: Vec<String>,
    /// `references: [...]`: the referenced fields.
    pub references: Vec<String>,
    /// `onDelete:`, e.g. `Cascade`.
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    /// `map:`: the foreign key constraint's name.
    pub map: Option<String>,
    pub span: Span,
}

/// An `enum` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub name: String,
    pub name_span: Span,
    /// `@@map("...")`: the type name in the database.
    pub db_name: Option<String>,
    pub values: Vec<EnumValue>,
    /// Block attributes (`@@map`, `@@schema`).
    pub attributes: Vec<Attribute>,
    pub doc: Option<String>,
    pub span: Span,
    pub path: String,
}

impl Enum {
    /// The database name: `@@map` or the enum name.
    pub fn type_name(&self) -> &str {
        self.db_name.as_deref().unwrap_or(&self.name)
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// `@@schema("...")`.
    pub fn schema(&self) -> Option<&str> {
        self.attribute("schema")
            .and_then(|a| a.arg_or_first("name"))
            .and_then(Expr::as_str)
    }
}

/// A value of an [`Enum`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    pub name: String,
    /// `@map("...")`: the label in the database.
    pub db_name: Option<String>,
    pub attributes: Vec<Attribute>,
    pub doc: Option<String>,
    pub span: Span,
}

/// A field attribute (`@id`, `@db.VarChar(255)`) or block attribute
/// (`@@index([a])`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The name without `@`/`@@`: `id`, `default`, `db.VarChar`, `index`.
    pub name: String,
    pub args: Vec<Arg>,
    /// From the `@` to the closing parenthesis.
    pub span: Span,
}

impl Attribute {
    /// The value of the named argument `name`.
    pub fn arg(&self, name: &str) -> Option<&Expr> {
        self.args
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .map(|a| &a.value)
    }

    /// The `index`-th unnamed argument.
    pub fn positional(&self, index: usize) -> Option<&Expr> {
        self.args
            .iter()
            .filter(|a| a.name.is_none())
            .nth(index)
            .map(|a| &a.value)
    }

    /// The named argument `name`, or else the first unnamed one: Prisma
    /// lets each attribute's main argument go unnamed (`@@index([a])` is
    /// `@@index(fields: [a])`, `@relation("R")` is `@relation(name: "R")`).
    pub fn arg_or_first(&self, name: &str) -> Option<&Expr> {
        self.arg(name).or_else(|| self.positional(0))
    }
}

/// An argument of an attribute or function call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// `Some("map")` for `map: "x"`; `None` for an unnamed argument.
    pub name: Option<String>,
    pub value: Expr,
    pub span: Span,
}

/// A value in an attribute argument or a `key = value` property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A string literal, escapes decoded.
    String(String),
    /// A number as written (`-1`, `10.50`).
    Number(String),
    /// A bare name: `true`, `Cascade`, `Desc`, an enum value, a field, or
    /// a dotted path.
    Ident(String),
    /// A function call: `now()`, `env("URL")`, `dbgenerated("...")`, or an
    /// index field with options, `b(sort: Desc)`.
    Call { name: String, args: Vec<Arg> },
    /// `[a, b]`.
    Array(Vec<Expr>),
}

impl Expr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_ident(&self) -> Option<&str> {
        match self {
            Expr::Ident(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Expr]> {
        match self {
            Expr::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The names of a field list: `[a, b(sort: Desc)]` gives `a`, `b`; a
    /// single name gives itself (Prisma accepts `fields: a`).
    pub fn names(&self) -> Vec<String> {
        let items = match self {
            Expr::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        items
            .iter()
            .filter_map(|item| match item {
                Expr::Ident(name) | Expr::Call { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    /// The strings of a string list: `["a", "b"]` (or a single string).
    pub fn strings(&self) -> Vec<String> {
        let items = match self {
            Expr::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        items
            .iter()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect()
    }

    /// The text of a literal without quotes (`"a"` gives `a`, `10` gives
    /// `10`); other expressions as PSL.
    pub fn to_plain_string(&self) -> String {
        match self {
            Expr::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// PSL syntax: strings quoted and escaped, lists in brackets.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::String(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Expr::Number(n) | Expr::Ident(n) => f.write_str(n),
            Expr::Call { name, args } => {
                write!(f, "{name}(")?;
                write_args(f, args)?;
                f.write_str(")")
            }
            Expr::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

fn write_args(f: &mut fmt::Formatter<'_>, args: &[Arg]) -> fmt::Result {
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        if let Some(name) = &arg.name {
            write!(f, "{name}: ")?;
        }
        write!(f, "{}", arg.value)?;
    }
    Ok(())
}

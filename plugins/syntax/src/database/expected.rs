//! What Prisma would build for a schema: tables, columns, keys, indexes and
//! enums, following Prisma Migrate's PostgreSQL mapping.

use super::model::{Action, DefaultValue, Shape};
use crate::Span;
use crate::prisma::{Arity, Expr, Field, FieldKind, IndexKind, Model, Schema, TypeIndex};
use crate::prisma_config::PrismaConfig;

/// A column Prisma creates for a field.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// Prisma's type family (`String`, `Int`, ...), or `enum:<type name>`;
    /// `None` when the type is not compared (`Unsupported`, native types
    /// outside the families).
    pub family: Option<String>,
    pub array: bool,
    /// `None` for list fields: Prisma does not make their columns NOT NULL
    /// consistently across versions.
    pub nullable: Option<bool>,
    /// The type Prisma writes, for suggested SQL.
    pub sql_type: String,
    pub default: Option<String>,
    /// Whether the database gives the column a default: `None` when the
    /// schema leaves it open (`dbgenerated()` without an expression).
    /// `uuid()`, `cuid()` and `@updatedAt` are filled in by Prisma Client:
    /// no default.
    pub has_default: Option<bool>,
    /// The default's value where Prisma's engine compares it
    /// ([`DefaultValue`]): a literal of a string, number, boolean or enum
    /// field, or `now()`. `None` for the rest (`dbgenerated(…)`, JSON,
    /// lists), compared by presence only.
    pub default_value: Option<DefaultValue>,
    pub path: String,
    pub span: Span,
}

/// A key or index Prisma creates, as column names.
#[derive(Debug, Clone)]
pub struct Key {
    pub columns: Vec<String>,
    pub kind: IndexKind,
    /// Its name in the database: `map:`, else Prisma's default
    /// ([`default_name`]). `None` where Prisma's name is not known (the keys
    /// of a join table, named differently by Prisma versions).
    pub name: Option<String>,
    /// A partial index (`where:`): only a partial index matches it.
    pub partial: bool,
    /// How Prisma builds it (`type:`, `sort:`, `ops:`); `None` for the keys
    /// of a join table, compared by columns alone.
    pub shape: Option<Shape>,
    pub span: Span,
}

/// A foreign key Prisma creates for a relation field with `fields:`.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    /// Its name in the database: `map:`, else Prisma's default; `None` for
    /// a join table's keys.
    pub name: Option<String>,
    /// The referenced table and its columns.
    pub table: String,
    pub references: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// `@@schema`, in a multi-schema database.
    pub schema: Option<String>,
    pub columns: Vec<Column>,
    pub keys: Vec<Key>,
    /// None under `relationMode = "prisma"`: Prisma emulates relations.
    pub foreign_keys: Vec<ForeignKey>,
    pub path: String,
    pub span: Span,
    /// True for an implicit many-to-many join table.
    pub join: bool,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    /// `@@schema`, in a multi-schema database.
    pub schema: Option<String>,
    pub values: Vec<EnumValue>,
    pub path: String,
    pub span: Span,
}

/// What the database should hold for one schema, and what it may hold
/// besides without that being drift.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    pub tables: Vec<Table>,
    pub enums: Vec<Enum>,
    /// Tables the database may have that no model maps to: the
    /// `ignore-tables` option, `@@ignore` models, views.
    pub ignore_tables: Vec<String>,
    /// The Prisma config's `tables.external` (`schema.table` or bare).
    pub external_tables: Vec<String>,
    /// The datasource's `schemas`: tables in other PostgreSQL schemas than
    /// these and `public` are not Prisma's.
    pub db_schemas: Vec<String>,
}

impl Expectation {
    /// The expectation for `schema` (parsed without errors), its project's
    /// Prisma `config`, the user's `ignore_tables`, and the project's Prisma
    /// major version when known ([`crate::prisma_version`]).
    pub fn new(
        schema: &Schema,
        config: Option<&PrismaConfig>,
        ignore_tables: &[String],
        prisma_major: Option<u32>,
    ) -> Self {
        let (mut tables, mut enums) = build(schema, prisma_major);
        let mut ignore = ignore_tables.to_vec();
        ignore.extend(known_elsewhere(schema));
        // Prisma Migrate neither creates nor compares what the config
        // calls external.
        if let Some(config) = config {
            tables.retain(|t| !config.is_external_table(t.schema.as_deref(), &t.name));
            enums.retain(|e| !config.is_external_enum(e.schema.as_deref(), &e.name));
        }
        let db_schemas = schema
            .datasources
            .iter()
            .flat_map(|d| d.schemas.iter().cloned())
            .collect();
        Self {
            tables,
            enums,
            ignore_tables: ignore,
            external_tables: config
                .map(|c| c.external_tables.clone())
                .unwrap_or_default(),
            db_schemas,
        }
    }
}

/// Only PostgreSQL schemas are compared (a schema without a datasource
/// block, e.g. one file of a multi-file schema, counts as PostgreSQL).
pub fn is_postgres(schema: &Schema) -> bool {
    schema.datasources.iter().all(|d| {
        d.provider
            .as_deref()
            .is_none_or(crate::dialect::is_postgres_provider)
    })
}

/// Tables the schema knows about without describing them: `@@ignore`
/// models (Prisma Migrate still creates them) and views.
fn known_elsewhere(schema: &Schema) -> Vec<String> {
    schema
        .models
        .iter()
        .filter(|m| m.is_ignored())
        .chain(&schema.views)
        .map(|m| m.table_name().to_owned())
        .collect()
}

/// The tables and enums of `schema`.
fn build(schema: &Schema, prisma_major: Option<u32>) -> (Vec<Table>, Vec<Enum>) {
    let mut tables = Vec::new();
    // Every field's kind is looked up: indexed once, not a scan of the
    // schema per field.
    let types = schema.type_index();
    let models = schema
        .models
        .iter()
        .filter(|m| !m.is_view() && !m.is_ignored());
    let emulated = relation_mode_prisma(schema);
    // Prisma 2 named keys otherwise (`User.email_unique`) and read `name:`
    // as the database name: names are compared from Prisma 3 on.
    let named = prisma_major.is_none_or(|major| major >= 3);
    for model in models.clone() {
        let mut table = table(&types, model, named);
        if !emulated {
            table.foreign_keys = foreign_keys(&types, model, named);
        }
        tables.push(table);
    }
    for model in models {
        for field in &model.fields {
            if let Some(mut join) = join_table(&types, model, field, prisma_major)
                && !tables.iter().any(|t: &Table| t.name == join.name)
            {
                if emulated {
                    join.foreign_keys.clear();
                }
                tables.push(join);
            }
        }
    }
    let enums = schema
        .enums
        .iter()
        .map(|e| Enum {
            name: e.type_name().to_owned(),
            schema: e.schema().map(str::to_owned),
            values: e
                .values
                .iter()
                .map(|v| EnumValue {
                    name: v.db_name.clone().unwrap_or_else(|| v.name.clone()),
                    span: v.span,
                })
                .collect(),
            path: e.path.clone(),
            span: e.name_span,
        })
        .collect();
    (tables, enums)
}

/// `model`'s table; its keys with their names when `named`.
fn table(types: &TypeIndex<'_>, model: &Model, named: bool) -> Table {
    let mut columns = Vec::new();
    for field in &model.fields {
        let kind = types.field_kind(field);
        let (family, sql_type) = match kind {
            FieldKind::Relation | FieldKind::Composite => continue,
            FieldKind::Unsupported => (None, field.unsupported.clone().unwrap_or_default()),
            FieldKind::Enum => {
                let name = types
                    .find_enum(&field.type_name)
                    .map_or(field.type_name.as_str(), |e| e.type_name());
                (Some(format!("enum:{name}")), format!("\"{name}\""))
            }
            FieldKind::Scalar => scalar(field),
        };
        let default = default_sql(field, &sql_type);
        let sql_type = match (&default, sql_type.as_str()) {
            (Some(d), "INTEGER") if d == "autoincrement" => "SERIAL".to_owned(),
            (Some(d), "BIGINT") if d == "autoincrement" => "BIGSERIAL".to_owned(),
            _ => sql_type,
        };
        let has_default = match field.default_value() {
            Some(Expr::Call { name, args }) if name == "dbgenerated" && args.is_empty() => None,
            _ => Some(default.is_some()),
        };
        let default = default.filter(|d| d != "autoincrement");
        let default_value = match (field.default_value(), family.as_deref()) {
            _ if field.arity == Arity::List => None,
            (Some(Expr::Call { name, args }), Some("DateTime"))
                if name == "now" && args.is_empty() =>
            {
                Some(DefaultValue::Now)
            }
            (Some(Expr::String(text)), Some("String")) => Some(DefaultValue::Literal(text.clone())),
            (Some(Expr::Number(n)), Some("Int" | "BigInt" | "Float" | "Decimal")) => {
                Some(DefaultValue::Literal(n.clone()))
            }
            (Some(Expr::Ident(b)), Some("Boolean")) if b == "true" || b == "false" => {
                Some(DefaultValue::Literal(b.clone()))
            }
            // An enum value, by its label in the database (`@map`).
            (Some(Expr::Ident(value)), Some(f)) if f.starts_with("enum:") => types
                .find_enum(&field.type_name)
                .and_then(|e| e.values.iter().find(|v| v.name == *value))
                .map(|v| {
                    DefaultValue::Literal(v.db_name.clone().unwrap_or_else(|| v.name.clone()))
                }),
            _ => None,
        };
        columns.push(Column {
            name: field.column_name().to_owned(),
            family,
            array: field.arity == Arity::List,
            nullable: match field.arity {
                Arity::Required => Some(false),
                Arity::Optional => Some(true),
                Arity::List => None,
            },
            sql_type,
            default,
            has_default,
            default_value,
            path: model.path.clone(),
            span: field.span,
        });
    }
    let column_of = |field: &str| {
        model
            .field(field)
            .map_or(field, |f| f.column_name())
            .to_owned()
    };
    let keys = model
        .indexes()
        .into_iter()
        .filter(|i| i.kind != IndexKind::Fulltext)
        .map(|i| {
            let columns: Vec<String> = i.fields.iter().map(|f| column_of(&f.name)).collect();
            // `name:` of an `@@index` names the index in the database (an
            // alias of `map:`); of `@@unique` and `@@id` it is Prisma
            // Client's name only.
            let written = match i.kind {
                IndexKind::Normal | IndexKind::Fulltext => i.map.as_ref().or(i.name.as_ref()),
                IndexKind::Primary | IndexKind::Unique => i.map.as_ref(),
            };
            let name = named.then(|| {
                written
                    .cloned()
                    .unwrap_or_else(|| default_name(model.table_name(), &columns, i.kind))
            });
            let shape = Shape {
                method: i
                    .algorithm
                    .as_deref()
                    .map_or("btree".to_owned(), str::to_ascii_lowercase),
                keys: i
                    .fields
                    .iter()
                    .map(|f| {
                        (
                            f.sort.as_deref() == Some("Desc"),
                            f.ops.as_deref().map(operator_class),
                        )
                    })
                    .collect(),
                include: false,
            };
            Key {
                columns,
                kind: i.kind,
                name,
                partial: i.predicate.is_some(),
                shape: Some(shape),
                span: i.span,
            }
        })
        .collect();
    Table {
        name: model.table_name().to_owned(),
        schema: model.schema().map(str::to_owned),
        columns,
        keys,
        foreign_keys: Vec::new(),
        path: model.path.clone(),
        span: model.name_span,
        join: false,
    }
}

/// `relationMode = "prisma"` (or the older `referentialIntegrity`) in a
/// datasource: no foreign keys in the database.
fn relation_mode_prisma(schema: &Schema) -> bool {
    schema.datasources.iter().any(|d| {
        ["relationMode", "referentialIntegrity"]
            .iter()
            .any(|key| d.property(key).and_then(|p| p.value.as_str()) == Some("prisma"))
    })
}

/// The foreign keys of `model`'s relation fields with `fields:`, with
/// Prisma's default actions: `onDelete` `Restrict` when a field of the
/// key is required, else `SetNull`; `onUpdate` `Cascade`.
fn foreign_keys(types: &TypeIndex<'_>, model: &Model, named: bool) -> Vec<ForeignKey> {
    let mut out = Vec::new();
    for field in &model.fields {
        if types.field_kind(field) != FieldKind::Relation {
            continue;
        }
        let Some(relation) = field.relation() else {
            continue;
        };
        if relation.fields.is_empty() {
            continue;
        }
        let Some(other) = types.find_model(&field.type_name) else {
            continue;
        };
        let column_of =
            |m: &Model, name: &str| m.field(name).map_or(name, |f| f.column_name()).to_owned();
        // Prisma's referential arity: required when any field of the
        // key is.
        let required = relation
            .fields
            .iter()
            .any(|f| model.field(f).is_some_and(|f| f.arity == Arity::Required));
        let action = |written: &Option<String>, default: Action| {
            written
                .as_deref()
                .and_then(Action::from_prisma)
                .unwrap_or(default)
        };
        let columns: Vec<String> = relation
            .fields
            .iter()
            .map(|f| column_of(model, f))
            .collect();
        let name = named.then(|| {
            relation.map.clone().unwrap_or_else(|| {
                prisma_name(
                    &format!("{}_{}", model.table_name(), columns.join("_")),
                    "_fkey",
                )
            })
        });
        out.push(ForeignKey {
            columns,
            name,
            table: other.table_name().to_owned(),
            references: relation
                .references
                .iter()
                .map(|f| column_of(other, f))
                .collect(),
            on_delete: action(
                &relation.on_delete,
                if required {
                    Action::Restrict
                } else {
                    Action::SetNull
                },
            ),
            on_update: action(&relation.on_update, Action::Cascade),
            span: relation.span,
        });
    }
    out
}

/// The family and PostgreSQL type of a scalar field (its native type when
/// it has one).
fn scalar(field: &Field) -> (Option<String>, String) {
    if let Some((native, args)) = field.native_type() {
        let sql = if args.is_empty() {
            native.to_uppercase()
        } else {
            format!("{}({})", native.to_uppercase(), args.join(","))
        };
        let family = super::compare::sql_family(&native.to_ascii_lowercase(), &[])
            .filter(|f| *f == field.type_name);
        return (family, sql);
    }
    let sql = match field.type_name.as_str() {
        "String" => "TEXT",
        "Int" => "INTEGER",
        "BigInt" => "BIGINT",
        "Boolean" => "BOOLEAN",
        "DateTime" => "TIMESTAMP(3)",
        "Json" => "JSONB",
        "Float" => "DOUBLE PRECISION",
        "Decimal" => "DECIMAL(65,30)",
        "Bytes" => "BYTEA",
        _ => return (None, field.type_name.clone()),
    };
    (Some(field.type_name.clone()), sql.to_owned())
}

/// The `DEFAULT` Prisma writes for a field (`autoincrement` for serial
/// columns), or `None` when the database gets no default (`uuid()`,
/// `cuid()`, `@updatedAt`: Prisma Client fills those in).
fn default_sql(field: &Field, sql_type: &str) -> Option<String> {
    let value = field.default_value()?;
    match value {
        Expr::Call { name, args } => match name.as_str() {
            "autoincrement" => Some("autoincrement".to_owned()),
            "now" => Some("CURRENT_TIMESTAMP".to_owned()),
            "dbgenerated" => args
                .first()
                .and_then(|a| a.value.as_str())
                .map(str::to_owned),
            "sequence" => Some("autoincrement".to_owned()),
            _ => None,
        },
        Expr::String(s) => Some(format!("'{}'", s.replace('\'', "''"))),
        Expr::Number(n) => Some(n.clone()),
        Expr::Ident(i) if sql_type.starts_with('"') => Some(format!("'{i}'")),
        Expr::Ident(i) => Some(i.clone()),
        Expr::Array(_) => Some(format!("ARRAY[]::{sql_type}[]")),
    }
}

/// The PostgreSQL operator class of an index field's `ops:`: `raw("x")`
/// is `x`, Prisma's names are snake case (`JsonbPathOps` is
/// `jsonb_path_ops`, `Int4MinMaxOps` is `int4_minmax_ops`).
fn operator_class(ops: &str) -> String {
    if ops.contains('_') || ops.chars().all(|c| !c.is_ascii_uppercase()) {
        return ops.to_ascii_lowercase();
    }
    let mut out = String::new();
    // PostgreSQL writes these type names as one word.
    let ops = ops
        .replace("MinMax", "Minmax")
        .replace("TimestampTz", "Timestamptz")
        .replace("TimeTz", "Timetz");
    for (i, c) in ops.char_indices() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The name Prisma gives a key of `table` on `columns` that its schema
/// does not name (`map:`): `<table>_pkey`, `<table>_<columns>_key` for a
/// unique constraint, `<table>_<columns>_idx` for an index.
pub fn default_name(table: &str, columns: &[String], kind: IndexKind) -> String {
    match kind {
        IndexKind::Primary => prisma_name(table, "_pkey"),
        IndexKind::Unique => prisma_name(&format!("{table}_{}", columns.join("_")), "_key"),
        IndexKind::Normal | IndexKind::Fulltext => {
            prisma_name(&format!("{table}_{}", columns.join("_")), "_idx")
        }
    }
}

/// The name of a key of the join table `_<relation>`: `None` past 63
/// bytes, where how Prisma shortens it is not known here.
fn join_name(relation: &str, suffix: &str) -> Option<String> {
    let name = format!("_{relation}{suffix}");
    (name.len() <= crate::sql::MAX_IDENTIFIER).then_some(name)
}

/// `stem` and `suffix` within PostgreSQL's 63 bytes, the way Prisma fits
/// them: a stem that leaves no room for the suffix is cut (at a character
/// boundary) to the room there is, the suffix is kept whole. (PostgreSQL's
/// own names shorten differently: see the catalog's naming.)
fn prisma_name(stem: &str, suffix: &str) -> String {
    let room = crate::sql::MAX_IDENTIFIER - suffix.len();
    format!("{}{suffix}", crate::sql::prefix_within(stem, room))
}

/// The join table of an implicit many-to-many relation `field` of `model`:
/// `_<RelationName>` with columns `A` and `B` (the models in alphabetical
/// order), keyed on (A, B) as the project's Prisma version keys it: by the
/// unique index `_<name>_AB_unique` before 6.0, by the primary key
/// `_<name>_AB_pkey` since; by either when the version is not known.
fn join_table(
    types: &TypeIndex<'_>,
    model: &Model,
    field: &Field,
    prisma_major: Option<u32>,
) -> Option<Table> {
    if field.arity != Arity::List || types.field_kind(field) != FieldKind::Relation {
        return None;
    }
    if field.relation().is_some_and(|r| !r.fields.is_empty()) {
        return None;
    }
    let name = types.relation_name(model, field)?;
    let other = types.find_model(&field.type_name)?;
    let back = other.fields.iter().find(|f| {
        f.type_name == model.name
            && !(other.name == model.name && f.name == field.name)
            && types.relation_name(other, f).as_deref() == Some(name.as_str())
    })?;
    if back.arity != Arity::List || back.relation().is_some_and(|r| !r.fields.is_empty()) {
        return None;
    }
    let (a, b) = if model.name <= other.name {
        (model, other)
    } else {
        (other, model)
    };
    let id_type = |m: &Model| {
        m.primary_key()
            .and_then(|pk| pk.fields.first().and_then(|f| m.field(&f.name)))
            .map(|f| {
                let (family, sql) = scalar(f);
                let sql = match sql.as_str() {
                    "SERIAL" => "INTEGER".to_owned(),
                    _ => sql,
                };
                (family, sql)
            })
            .unwrap_or((None, "TEXT".to_owned()))
    };
    let column = |col: &str, m: &Model| {
        let (family, sql_type) = id_type(m);
        Column {
            name: col.to_owned(),
            family,
            array: false,
            nullable: Some(false),
            sql_type,
            default: None,
            has_default: Some(false),
            default_value: None,
            path: model.path.clone(),
            span: field.span,
        }
    };
    // Each side references its model's id, both actions `Cascade`.
    let references = |col: &str, m: &Model| ForeignKey {
        columns: vec![col.to_owned()],
        name: prisma_major.and_then(|_| join_name(&name, &format!("_{col}_fkey"))),
        table: m.table_name().to_owned(),
        references: m
            .primary_key()
            .and_then(|pk| {
                pk.fields.first().map(|f| {
                    m.field(&f.name)
                        .map_or(f.name.as_str(), |f| f.column_name())
                        .to_owned()
                })
            })
            .into_iter()
            .collect(),
        on_delete: Action::Cascade,
        on_update: Action::Cascade,
        span: field.span,
    };
    Some(Table {
        name: format!("_{name}"),
        schema: a.schema().map(str::to_owned),
        columns: vec![column("A", a), column("B", b)],
        keys: vec![
            Key {
                columns: vec!["A".to_owned(), "B".to_owned()],
                kind: match prisma_major {
                    Some(major) if major >= 6 => IndexKind::Primary,
                    // Unknown: a unique index, which a primary key satisfies.
                    _ => IndexKind::Unique,
                },
                name: prisma_major.and_then(|major| {
                    join_name(&name, if major >= 6 { "_AB_pkey" } else { "_AB_unique" })
                }),
                partial: false,
                shape: None,
                span: field.span,
            },
            Key {
                columns: vec!["B".to_owned()],
                kind: IndexKind::Normal,
                name: prisma_major.and_then(|_| join_name(&name, "_B_index")),
                partial: false,
                shape: None,
                span: field.span,
            },
        ],
        foreign_keys: vec![references("A", a), references("B", b)],
        path: model.path.clone(),
        span: field.span,
        join: true,
    })
}

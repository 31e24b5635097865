//! What Prisma's validator rejects in a schema that parses, without a
//! database: fields an attribute names that the model lacks, relations
//! without their opposite field, types nothing defines, a name defined
//! twice (a block, or a field of one model), an enum default that is not a
//! value of its enum, and a model with no unique criterion of required
//! fields. `prisma migrate
//! dev` refuses such a schema (P1012), so comparing it with the migrations
//! would report drift nobody can generate a migration for.
//!
//! Deliberately narrow: each check here is one Prisma always makes, so a
//! schema Prisma accepts is never reported.

use super::{Arity, Expr, FieldKind, IndexKind, Model, Schema, SchemaError};

/// The scalar types Prisma knows for PostgreSQL.
const SCALARS: [&str; 9] = [
    "String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes",
];

impl Schema {
    /// The validation errors of a schema without syntax errors, in file
    /// order per model.
    pub fn validate(&self) -> Vec<SchemaError> {
        let types = self.type_index();
        let mut out = Vec::new();
        // A block name defined before in the same file, whatever the
        // blocks' kinds. Across files it may be a copy Prisma never reads
        // (`schema.backup.prisma` beside `schema.prisma`).
        let mut blocks: Vec<(&str, &str, &str)> = Vec::new();
        let named = self
            .models
            .iter()
            .chain(&self.views)
            .chain(&self.types)
            .map(|m| (m.name.as_str(), block_kind(m), &m.path, m.name_span))
            .chain(
                self.enums
                    .iter()
                    .map(|e| (e.name.as_str(), "enum", &e.path, e.name_span)),
            );
        for (name, kind, path, span) in named {
            if let Some((_, first, _)) = blocks.iter().find(|(n, _, p)| *n == name && *p == path) {
                out.push(SchemaError {
                    message: format!(
                        "{kind} `{name}` cannot be defined: {} {first} of that name is defined already",
                        if *first == "enum" { "an" } else { "a" }
                    ),
                    path: path.clone(),
                    span,
                });
            } else {
                blocks.push((name, kind, path));
            }
        }
        for model in self.models.iter().chain(&self.views) {
            let error = |message: String, span| SchemaError {
                message,
                path: model.path.clone(),
                span,
            };
            let has = |m: &Model, name: &str| m.fields.iter().any(|f| f.name == name);
            for (i, field) in model.fields.iter().enumerate() {
                if model.fields[..i].iter().any(|f| f.name == field.name) {
                    out.push(error(
                        format!(
                            "field `{}` is defined twice in model `{}`",
                            field.name, model.name
                        ),
                        field.span,
                    ));
                }
                let kind = types.field_kind(field);
                if kind == FieldKind::Enum
                    && let Some(e) = types.find_enum(&field.type_name)
                {
                    let values = match field.default_value() {
                        Some(Expr::Ident(value)) => vec![value],
                        Some(Expr::Array(items)) => items
                            .iter()
                            .filter_map(|item| match item {
                                Expr::Ident(value) => Some(value),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    for value in values {
                        if !e.values.iter().any(|v| v.name == *value) {
                            out.push(error(
                                format!(
                                    "the default `{value}` of field `{}` is not a value of enum `{}`",
                                    field.name, e.name
                                ),
                                field.span,
                            ));
                        }
                    }
                }
                if kind == FieldKind::Scalar && !SCALARS.contains(&field.type_name.as_str()) {
                    out.push(error(
                        format!(
                            "type `{}` of field `{}` is neither a built-in type nor a model, enum or composite type of the schema",
                            field.type_name, field.name
                        ),
                        field.span,
                    ));
                    continue;
                }
                if kind != FieldKind::Relation {
                    continue;
                }
                let Some(other) = types.find_model(&field.type_name) else {
                    continue;
                };
                let relation = field.relation();
                if let Some(relation) = &relation {
                    for name in &relation.fields {
                        if !has(model, name) {
                            out.push(error(
                                format!("the relation `{}` names the field `{name}`, which model `{}` does not have", field.name, model.name),
                                relation.span,
                            ));
                        }
                    }
                    for name in &relation.references {
                        if !has(other, name) {
                            out.push(error(
                                format!("the relation `{}` references the field `{name}`, which model `{}` does not have", field.name, other.name),
                                relation.span,
                            ));
                        }
                    }
                }
                // Views and ignored models are left to Prisma: their
                // relations follow other rules.
                if model.is_view() || other.is_view() || model.is_ignored() || other.is_ignored() {
                    continue;
                }
                let name = types.relation_name(model, field);
                let opposite = other.fields.iter().any(|f| {
                    f.type_name == model.name
                        && !(other.name == model.name && f.name == field.name)
                        && types.relation_name(other, f) == name
                });
                if !opposite {
                    out.push(error(
                        format!(
                            "the relation field `{}` of model `{}` has no opposite relation field on model `{}`",
                            field.name, model.name, other.name
                        ),
                        field.span,
                    ));
                }
            }
            // Prisma identifies rows by a unique criterion of required
            // fields; views and ignored models need none.
            let required =
                |name: &str| model.field(name).is_none_or(|f| f.arity == Arity::Required);
            let identified = model.indexes().iter().any(|index| {
                index.kind != IndexKind::Normal && index.field_names().into_iter().all(required)
            });
            if !identified && !model.is_view() && !model.is_ignored() {
                out.push(error(
                    format!(
                        "model `{}` has no unique criterion of required fields: mark one with `@id` or `@unique`, or add `@@id([…])` or `@@unique([…])`",
                        model.name
                    ),
                    model.name_span,
                ));
            }
            for index in model.indexes() {
                if index.defined_on_field {
                    continue;
                }
                for name in index.field_names() {
                    if !has(model, name) {
                        out.push(error(
                            format!("the attribute names the field `{name}`, which model `{}` does not have", model.name),
                            index.span,
                        ));
                    }
                }
            }
        }
        out
    }
}

/// How the validator's messages name a block's kind.
fn block_kind(model: &Model) -> &'static str {
    match model.kind {
        super::ModelKind::Model => "model",
        super::ModelKind::View => "view",
        super::ModelKind::CompositeType => "type",
    }
}

#[cfg(test)]
mod tests {
    use crate::prisma::parse;

    fn errors(schema: &str) -> Vec<String> {
        let schema = parse(schema);
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        schema.validate().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn valid_schemas_pass() {
        let schema = "model User {\n  id    Int    @id\n  posts Post[]\n  tags  Tag[]\n  boss  User?  @relation(\"Boss\", fields: [bossId], references: [id])\n  bossId Int?\n  staff User[] @relation(\"Boss\")\n  @@index([bossId])\n}\n\n\
            model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n  data     Json\n  kind     Kind\n  extra    Unsupported(\"tsvector\")?\n  @@unique([authorId, id])\n}\n\n\
            model Tag {\n  id    Int    @id\n  users User[]\n}\n\nenum Kind {\n  A\n}\n";
        assert_eq!(errors(schema), Vec::<String>::new());
    }

    #[test]
    fn prisma_rejects_these() {
        let schema = "model User {\n  id    Int    @id\n  name  Strin\n  @@index([email])\n}\n\n\
            model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [writerId], references: [uid])\n}\n";
        assert_eq!(
            errors(schema),
            [
                "3:3: type `Strin` of field `name` is neither a built-in type nor a model, enum or composite type of the schema",
                "4:3: the attribute names the field `email`, which model `User` does not have",
                "10:17: the relation `author` names the field `writerId`, which model `Post` does not have",
                "10:17: the relation `author` references the field `uid`, which model `User` does not have",
                "10:3: the relation field `author` of model `Post` has no opposite relation field on model `User`",
            ]
        );
    }

    /// A block defined again in another file is left alone: a copy beside
    /// `schema.prisma` is no file Prisma reads.
    #[test]
    fn a_block_in_two_files_is_not_reported() {
        let model = "model A {\n  id Int @id\n}\n";
        let schema = crate::prisma::parse_files(&[
            ("prisma/schema.prisma", model),
            ("prisma/schema.backup.prisma", model),
        ]);
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        assert!(schema.validate().is_empty(), "{:?}", schema.validate());
    }

    /// The second class of rejections: names defined twice, enum defaults
    /// outside the enum, models no required unique criterion identifies
    /// (`@@ignore` models and views need none; an optional field's
    /// `@unique` does not count).
    #[test]
    fn prisma_rejects_these_too() {
        let schema = "enum Role {\n  USER\n  ADMIN\n}\n\n\
            model A {\n  id   Int  @id\n  name String\n  name Int\n  role Role @default(OWNER)\n  roles Role[] @default([USER, GUEST])\n}\n\n\
            model B {\n  email String? @unique\n  code  Int\n}\n\n\
            model C {\n  x Int\n  @@ignore\n}\n\n\
            model D {\n  a Int\n  b Int?\n  @@unique([a, b])\n}\n\n\
            model E {\n  a Int\n  b Int\n  @@unique([a, b])\n}\n\n\
            enum E {\n  X\n}\n";
        assert_eq!(
            errors(schema),
            [
                "36:6: enum `E` cannot be defined: a model of that name is defined already",
                "9:3: field `name` is defined twice in model `A`",
                "10:3: the default `OWNER` of field `role` is not a value of enum `Role`",
                "11:3: the default `GUEST` of field `roles` is not a value of enum `Role`",
                "14:7: model `B` has no unique criterion of required fields: mark one with `@id` or `@unique`, or add `@@id([…])` or `@@unique([…])`",
                "24:7: model `D` has no unique criterion of required fields: mark one with `@id` or `@unique`, or add `@@id([…])` or `@@unique([…])`",
            ]
        );
    }
}

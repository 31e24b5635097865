//! What Prisma's validator rejects in a schema that parses, without a
//! database: fields an attribute names that the model lacks, relations
//! without their opposite field, types nothing defines. `prisma migrate
//! dev` refuses such a schema (P1012), so comparing it with the migrations
//! would report drift nobody can generate a migration for.
//!
//! Deliberately narrow: each check here is one Prisma always makes, so a
//! schema Prisma accepts is never reported.

use super::{FieldKind, Model, Schema, SchemaError};

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
        for model in self.models.iter().chain(&self.views) {
            let error = |message: String, span| SchemaError {
                message,
                path: model.path.clone(),
                span,
            };
            let has = |m: &Model, name: &str| m.fields.iter().any(|f| f.name == name);
            for field in &model.fields {
                let kind = types.field_kind(field);
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
}

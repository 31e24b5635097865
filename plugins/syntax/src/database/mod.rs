//! Schema drift, shared by the static rule and the real database: what
//! Prisma Migrate would build for a schema ([`expected`]), a database as
//! built ([`Database`], replayed from the migrations by schema-drift or
//! read from PostgreSQL by `drift-host verify`), and the differences
//! between the two ([`compare`]).
//!
//! One implementation, so a difference means the same thing, and carries
//! the same check id and message, whether the replay or PostgreSQL built
//! the database.

pub mod compare;
pub mod expected;
mod model;

pub use compare::{At, Difference, Drift, compare};
pub use expected::Expectation;
pub use model::{
    Action, Column, Database, DefaultValue, Enum, EnumValue, ForeignKey, Index, Shape, Table,
    native_sql, native_type, normalize_type, type_args,
};

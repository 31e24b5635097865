//! A database as built: what schema-drift's replay of the migrations
//! produces and what `drift-host verify` reads from a real PostgreSQL.
//!
//! Only what Prisma can express is modelled: tables, columns (type,
//! nullability, whether there is a default), primary keys, unique
//! constraints and indexes, plain indexes, foreign keys (replayed, or read
//! from a database), and enums with their values.
//! Each object that a finding can point at carries an origin `O`: the
//! replay's is a byte range of a migration, verify's the migration whose
//! transaction last wrote the object's catalog row.

use rustc_hash::FxHashMap;

#[derive(Debug, Clone)]
pub struct Column<O> {
    pub name: String,
    /// The type, normalised: unquoted identifiers lower-cased, quoted ones
    /// kept, without a modifier or array brackets (`timestamp`,
    /// `character varying`, `Role`).
    pub ty: String,
    /// The type's modifiers as PostgreSQL keeps them (`varchar(255)`: 255;
    /// `numeric(10,2)`: 10, 2; `char`: 1), empty when it has none.
    pub args: Vec<u32>,
    pub array: bool,
    pub nullable: bool,
    pub has_default: bool,
    /// The default's expression as written (the replay) or as PostgreSQL
    /// prints it (`pg_get_expr`); `None` without one, or for a serial or
    /// identity column's sequence.
    pub default: Option<String>,
    /// An identity column (`GENERATED … AS IDENTITY`), whose default
    /// `DROP IDENTITY` removes; `DROP IDENTITY IF EXISTS` leaves any other
    /// column's default alone.
    pub identity: bool,
    /// The column's type when its default was set: dropping that type
    /// (an enum) with `CASCADE` drops the default, which depends on it
    /// even after the column changed type. Only a replay tracks it.
    pub default_type: Option<String>,
    pub origin: O,
}

/// A primary key, unique constraint or index.
#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
    /// `CREATE INDEX … WHERE …`.
    pub partial: bool,
    /// A primary key's or unique constraint's index, which `DROP
    /// CONSTRAINT` drops and `DROP INDEX` cannot; not one `CREATE INDEX`
    /// made.
    pub constraint: bool,
    /// Columns the index uses besides its keys (`INCLUDE`, the predicate):
    /// dropping one drops the index. Only a replay tracks them.
    pub uses: Vec<String>,
    /// How it is built, where known; `None` compares it by its columns
    /// alone.
    pub shape: Option<Shape>,
}

/// How an index is built beyond its set of columns: what Prisma compares
/// too (its columns' order is [`Index::columns`]'s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// The access method, lower case: `btree`, `gin`, `gist`, `hash`,
    /// `brin`, `spgist`.
    pub method: String,
    /// Per key column, in order: descending, and the operator class when
    /// one is written (lower case).
    pub keys: Vec<(bool, Option<String>)>,
    /// `INCLUDE (…)` columns, which no Prisma schema can declare.
    pub include: bool,
}

impl Shape {
    /// A B-tree on `n` ascending columns with their default operator
    /// classes: what a key constraint builds.
    pub fn plain(n: usize) -> Self {
        Self {
            method: "btree".to_owned(),
            keys: vec![(false, None); n],
            include: false,
        }
    }
}

/// What a foreign key does when the referenced row is deleted or its key
/// updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl Action {
    /// Prisma's name (`onDelete: Cascade`).
    pub fn from_prisma(name: &str) -> Option<Self> {
        Some(match name {
            "NoAction" => Self::NoAction,
            "Restrict" => Self::Restrict,
            "Cascade" => Self::Cascade,
            "SetNull" => Self::SetNull,
            "SetDefault" => Self::SetDefault,
            _ => return None,
        })
    }

    /// PostgreSQL's code in `pg_constraint.confdeltype`/`confupdtype`.
    pub fn from_pg(code: &str) -> Option<Self> {
        Some(match code {
            "a" => Self::NoAction,
            "r" => Self::Restrict,
            "c" => Self::Cascade,
            "n" => Self::SetNull,
            "d" => Self::SetDefault,
            _ => return None,
        })
    }

    pub fn prisma(self) -> &'static str {
        match self {
            Self::NoAction => "NoAction",
            Self::Restrict => "Restrict",
            Self::Cascade => "Cascade",
            Self::SetNull => "SetNull",
            Self::SetDefault => "SetDefault",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone)]
pub struct ForeignKey<O> {
    pub name: String,
    pub columns: Vec<String>,
    /// The referenced table and its columns.
    pub table: String,
    pub references: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
    pub origin: O,
}

#[derive(Debug, Clone)]
pub struct Table<O> {
    pub name: String,
    /// The PostgreSQL schema it is in, when known.
    pub schema: Option<String>,
    pub columns: Vec<Column<O>>,
    pub indexes: Vec<Index>,
    /// Empty unless the database's [`Database::foreign_keys`] says they
    /// were read.
    pub foreign_keys: Vec<ForeignKey<O>>,
    pub origin: O,
}

impl<O> Table<O> {
    pub fn column(&self, name: &str) -> Option<&Column<O>> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column<O>> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn primary_key(&self) -> Option<&Index> {
        self.indexes.iter().find(|i| i.primary)
    }

    /// Adds `index` unless one of its name exists. A primary key replaces
    /// the table's earlier one and makes its columns `NOT NULL`, as a
    /// successful `ADD PRIMARY KEY` does.
    pub fn add_index(&mut self, index: Index) {
        if index.primary {
            self.indexes.retain(|i| !i.primary);
            for column in &index.columns {
                if let Some(c) = self.column_mut(column) {
                    c.nullable = false;
                }
            }
        }
        if !self.indexes.iter().any(|i| i.name == index.name) {
            self.indexes.push(index);
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnumValue<O> {
    pub name: String,
    pub origin: O,
}

#[derive(Debug, Clone)]
pub struct Enum<O> {
    pub name: String,
    /// Its PostgreSQL schema, where known (`None`: unqualified, the search
    /// path's `public`).
    pub schema: Option<String>,
    pub values: Vec<EnumValue<O>>,
}

/// Tables and enums, tables findable by name.
#[derive(Debug, Clone)]
pub struct Database<O> {
    /// In creation order, which is the order of `extra-table` findings.
    tables: Vec<Table<O>>,
    /// Each table's position in `tables`, by name: nearly every statement
    /// of a migration names a table, and a scan of 1,000 tables per
    /// statement made the replay quadratic. FxHash rather than std's
    /// SipHash: the keys are the repository's own names, nothing an
    /// attacker picks to collide.
    by_name: FxHashMap<String, usize>,
    pub enums: Vec<Enum<O>>,
    /// The tables' foreign keys were read or replayed, so they are
    /// compared.
    pub foreign_keys: bool,
    /// Whether columns have defaults is compared (a replay that could not
    /// follow them leaves this off).
    pub defaults: bool,
}

impl<O> Default for Database<O> {
    fn default() -> Self {
        Self {
            tables: Vec::new(),
            by_name: FxHashMap::default(),
            enums: Vec::new(),
            foreign_keys: false,
            defaults: false,
        }
    }
}

impl<O> Database<O> {
    /// The tables, in the order they were created.
    pub fn tables(&self) -> &[Table<O>] {
        &self.tables
    }

    /// Every table, to change its columns and indexes; renaming one here
    /// would lose it (use [`Database::rename_table`]).
    pub fn tables_mut(&mut self) -> impl Iterator<Item = &mut Table<O>> {
        self.tables.iter_mut()
    }

    pub fn table(&self, name: &str) -> Option<&Table<O>> {
        self.by_name.get(name).map(|&i| &self.tables[i])
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table<O>> {
        self.by_name.get(name).map(|&i| &mut self.tables[i])
    }

    /// Adds `table`, unless one of its name exists (the first wins).
    pub fn add_table(&mut self, table: Table<O>) {
        if self.by_name.contains_key(&table.name) {
            return;
        }
        self.by_name.insert(table.name.clone(), self.tables.len());
        self.tables.push(table);
    }

    pub fn drop_table(&mut self, name: &str) {
        if self.by_name.remove(name).is_some() {
            self.tables.retain(|t| t.name != name);
            for (i, table) in self.tables.iter().enumerate() {
                self.by_name.insert(table.name.clone(), i);
            }
        }
    }

    pub fn rename_table(&mut self, name: &str, new: String) {
        if let Some(i) = self.by_name.remove(name) {
            self.tables[i].name.clone_from(&new);
            self.by_name.insert(new, i);
        }
    }

    pub fn find_enum(&self, name: &str) -> Option<&Enum<O>> {
        self.enums.iter().find(|e| e.name == name)
    }
}

/// A type as a migration writes it or `format_type` names it, normalised
/// the way [`Column::ty`] holds it: `TIMESTAMP(3)` → `timestamp`,
/// `"Role"[]` → (`Role`, array), `public."Role"` → `Role`,
/// `character varying(20)` → `character varying`.
pub fn normalize_type(text: &str) -> (String, bool) {
    let text = text.trim();
    let (base, array) = match text.find('[') {
        Some(i) => (text.get(..i).unwrap_or(text), true),
        None => match text.to_ascii_lowercase().strip_suffix(" array") {
            Some(_) => (text.get(..text.len() - 6).unwrap_or(text), true),
            None => (text, false),
        },
    };
    if base.contains('"') {
        return (crate::sql::object_name(base), array);
    }
    let mut out = String::new();
    let mut depth = 0usize;
    for c in base.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = out.strip_prefix("pg_catalog.").unwrap_or(&out);
    let out = out.strip_prefix("public.").unwrap_or(out);
    (out.to_owned(), array)
}

/// A column default as Prisma's engine compares its value: a literal
/// (strings, numbers, booleans, enum values; casts and parentheses
/// around it do not count, `1.50` is `1.5`, `'7'::bigint` is `7`), or
/// the current time (`now()`, `CURRENT_TIMESTAMP`). Other expressions
/// are not compared by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    Literal(String),
    Now,
}

impl DefaultValue {
    /// The value of a default expression as SQL writes it, where it is
    /// one of the compared kinds.
    pub fn of_sql(expr: &str) -> Option<Self> {
        let mut expr = expr.trim();
        loop {
            let before = expr;
            // `( … )` around the whole expression.
            if let Some(inner) = expr.strip_prefix('(').and_then(|e| e.strip_suffix(')'))
                && balanced(inner)
            {
                expr = inner.trim();
            }
            // A trailing cast: `::text`, `::"Role"`, `::character varying`.
            if let Some(at) = last_cast(expr) {
                expr = expr[..at].trim();
            }
            if expr == before {
                break;
            }
        }
        let lower = expr.to_ascii_lowercase();
        if matches!(lower.as_str(), "now()" | "current_timestamp")
            || (lower.starts_with("current_timestamp(") && lower.ends_with(')'))
        {
            return Some(Self::Now);
        }
        // An escape string (`E'USER'`, as Prisma 2 and 3 wrote defaults).
        let unescaped;
        if let Some(inner) = expr
            .strip_prefix(['E', 'e'])
            .and_then(|e| e.strip_prefix('\''))
            .and_then(|e| e.strip_suffix('\''))
        {
            if inner.contains('\\') && !inner.replace("\\\\", "").replace("\\'", "").contains('\\')
            {
                unescaped = format!("'{}'", inner.replace("\\'", "''").replace("\\\\", "\\"));
            } else if inner.contains('\\') {
                return None;
            } else {
                unescaped = format!("'{inner}'");
            }
            expr = &unescaped;
        }
        if let Some(inner) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            if inner.replace("''", "").contains('\'') {
                return None;
            }
            return Some(Self::Literal(inner.replace("''", "'")));
        }
        if lower == "true" || lower == "false" || is_number(expr) {
            return Some(Self::Literal(expr.to_owned()));
        }
        None
    }

    /// The value as a field of `family` (Prisma's: `Int`, `Boolean`,
    /// `String`, `enum:<name>`, ...) reads it, as PostgreSQL stores it: a
    /// number in one spelling (`01.50` is `1.5`), a boolean from any of
    /// its spellings (`'t'`, `'yes'`, `TRUE`); strings and enum labels as
    /// they are.
    pub fn canonical(&self, family: &str) -> Self {
        let Self::Literal(text) = self else {
            return self.clone();
        };
        match family {
            "Int" | "BigInt" | "Float" | "Decimal" if is_number(text) => {
                Self::Literal(canonical_number(text))
            }
            "Boolean" => match text.to_ascii_lowercase().as_str() {
                "t" | "true" | "y" | "yes" | "on" | "1" => Self::Literal("true".to_owned()),
                "f" | "false" | "n" | "no" | "off" | "0" => Self::Literal("false".to_owned()),
                _ => self.clone(),
            },
            _ => self.clone(),
        }
    }

    /// As SQL for a field of `family`: `'x'`, `0`, `true`,
    /// `CURRENT_TIMESTAMP`.
    pub fn sql(&self, family: &str) -> String {
        match self {
            Self::Now => "CURRENT_TIMESTAMP".to_owned(),
            Self::Literal(text)
                if matches!(family, "Int" | "BigInt" | "Float" | "Decimal" | "Boolean") =>
            {
                text.clone()
            }
            Self::Literal(text) => format!("'{}'", text.replace('\'', "''")),
        }
    }
}

/// `+01.50` as `1.5`, `-0` as `0`.
fn canonical_number(text: &str) -> String {
    let negative = text.starts_with('-');
    let digits = text.trim_start_matches(['-', '+']);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::new();
    if negative && !(whole.is_empty() && fraction.is_empty()) {
        out.push('-');
    }
    out.push_str(if whole.is_empty() { "0" } else { whole });
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `(` and `)` pair up in `text` (outside string literals), so
/// stripping an outer pair kept one expression.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Where the last top-level `::` cast of `expr` starts, if the cast ends
/// the expression.
fn last_cast(expr: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quoted = false;
    let mut last = None;
    let bytes = expr.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b':' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b':') => last = Some(i),
            _ => {}
        }
    }
    let at = last?;
    // What follows is a type name: words, quotes, spaces, `[]`, `(n)`.
    let ty = &expr[at + 2..];
    ty.chars()
        .all(|c| c.is_alphanumeric() || " _\"[]().,".contains(c))
        .then_some(at)
}

/// The modifiers written after a type's name: `varchar(255)` gives 255,
/// `timestamp(3) with time zone` 3, `numeric(10, 2)` 10 and 2.
pub fn type_args(text: &str) -> Vec<u32> {
    let base = text.split('[').next().unwrap_or(text);
    let Some(open) = base.find('(') else {
        return Vec::new();
    };
    let inner = base.get(open + 1..).unwrap_or("");
    let inner = inner
        .get(..inner.find(')').unwrap_or(inner.len()))
        .unwrap_or("");
    inner
        .split(',')
        .filter_map(|arg| arg.trim().parse().ok())
        .collect()
}

/// A column type as Prisma's engine tells types apart: a canonical name
/// and its modifiers, where written and database types meet (`int4` is
/// `integer`, `timestamp` is `timestamp(6)`, PostgreSQL's default
/// precision). `ty` is a [`normalize_type`] name: as migrations write it,
/// as `format_type` prints it, or a Prisma native type (`VarChar`,
/// `DoublePrecision`). `None` for types not compared (enums, extension
/// types other than `citext`, bit strings).
pub fn native_type(ty: &str, args: &[u32]) -> Option<(&'static str, Vec<u32>)> {
    let with_precision = |name: &'static str| {
        Some((
            name,
            if args.is_empty() {
                vec![6]
            } else {
                args.to_vec()
            },
        ))
    };
    let name = match ty.to_ascii_lowercase().as_str() {
        "text" => "text",
        "varchar" | "character varying" => "varchar",
        "char" | "character" | "bpchar" => "char",
        "int" | "integer" | "int4" | "serial" | "serial4" => "integer",
        "smallint" | "int2" | "smallserial" | "serial2" => "smallint",
        "bigint" | "int8" | "bigserial" | "serial8" => "bigint",
        "double precision" | "doubleprecision" | "float8" => "double precision",
        "real" | "float4" => "real",
        "float" if args.first().is_some_and(|&p| p <= 24) => return Some(("real", Vec::new())),
        "float" => return Some(("double precision", Vec::new())),
        "numeric" | "decimal" => "decimal",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamp without time zone" => return with_precision("timestamp"),
        "timestamptz" | "timestamp with time zone" => return with_precision("timestamptz"),
        "time" | "time without time zone" => return with_precision("time"),
        "timetz" | "time with time zone" => return with_precision("timetz"),
        "date" => "date",
        "json" => "json",
        "jsonb" => "jsonb",
        "bytea" => "bytea",
        "uuid" => "uuid",
        "xml" => "xml",
        "inet" => "inet",
        "citext" => "citext",
        "money" => "money",
        "oid" => "oid",
        _ => return None,
    };
    // Modifiers of types that take none (`integer(4)` is not PostgreSQL).
    let args = match name {
        "varchar" | "char" | "decimal" => args.to_vec(),
        _ => Vec::new(),
    };
    Some((name, args))
}

/// A [`native_type`] as SQL: `varchar(255)`, `decimal(65,30)`,
/// `timestamp(3)`.
pub fn native_sql((name, args): &(&str, Vec<u32>)) -> String {
    if args.is_empty() {
        return (*name).to_owned();
    }
    let args: Vec<String> = args.iter().map(u32::to_string).collect();
    format!("{name}({})", args.join(","))
}

#[cfg(test)]
mod tests {
    use super::{native_type, normalize_type, type_args};

    /// Written and catalog spellings of one type meet; what Prisma's engine
    /// tells apart stays apart (`numeric` is not `numeric(65,30)`, `real`
    /// is not `double precision`, `varchar` is not `varchar(255)`).
    #[test]
    fn native_types_meet_as_the_engine_compares_them() {
        let native = |text: &str| native_type(&normalize_type(text).0, &type_args(text));
        assert_eq!(
            native("TIMESTAMP"),
            native("timestamp(6) without time zone")
        );
        assert_eq!(native("TIMESTAMP(3)"), Some(("timestamp", vec![3])));
        assert_ne!(native("TIMESTAMP(3)"), native("timestamp"));
        assert_eq!(native("TIMESTAMPTZ"), native("timestamp with time zone"));
        assert_eq!(native("int4"), native("INTEGER"));
        assert_eq!(native("SERIAL"), native("integer"));
        assert_eq!(native("DoublePrecision"), native("float8"));
        assert_ne!(native("real"), native("double precision"));
        assert_eq!(native("DECIMAL(65,30)"), native("numeric(65, 30)"));
        assert_ne!(native("numeric"), native("numeric(65,30)"));
        assert_eq!(native("VARCHAR(255)"), native("character varying(255)"));
        assert_ne!(native("varchar"), native("varchar(255)"));
        assert_eq!(native("text[]"), native("TEXT"));
        assert_eq!(native("\"Role\""), None);
        assert_eq!(type_args("numeric( 10 , 2 )[]"), [10, 2]);
    }

    /// Defaults as migrations write them and as `pg_get_expr` prints them
    /// meet where Prisma's engine finds them equal, read as the field's
    /// type reads them.
    #[test]
    fn default_values_meet_as_the_engine_compares_them() {
        use super::DefaultValue;
        let value =
            |sql: &str, family: &str| DefaultValue::of_sql(sql).map(|v| v.canonical(family));
        let literal = |text: &str| Some(DefaultValue::Literal(text.to_owned()));
        assert_eq!(value("'x'::text", "String"), value("'x'", "String"));
        assert_eq!(value("'USER'::\"Role\"", "enum:Role"), literal("USER"));
        assert_eq!(value("1.50", "Decimal"), value("1.5", "Decimal"));
        assert_eq!(value("2.0", "Float"), literal("2"));
        assert_eq!(value("'7'::bigint", "BigInt"), literal("7"));
        assert_eq!(value("'-1'::integer", "Int"), value("(-1)", "Int"));
        assert_eq!(value("'01'", "Int"), literal("1"));
        assert_eq!(value("TRUE", "Boolean"), literal("true"));
        assert_eq!(value("'t'::boolean", "Boolean"), literal("true"));
        assert_eq!(value("'yes'", "Boolean"), literal("true"));
        // Labels and strings that look like booleans or numbers stay as
        // they are.
        assert_eq!(value("'TRUE'::\"Answer\"", "enum:Answer"), literal("TRUE"));
        assert_eq!(value("'1.0'", "String"), literal("1.0"));
        assert_eq!(value("E'ANONYMOUS'", "enum:Provider"), literal("ANONYMOUS"));
        assert_eq!(value("E'it\\'s'", "String"), literal("it's"));
        assert_eq!(
            value("'it''s'::character varying", "String"),
            literal("it's")
        );
        assert_eq!(value("now()", "DateTime"), Some(DefaultValue::Now));
        assert_eq!(
            value("CURRENT_TIMESTAMP", "DateTime"),
            Some(DefaultValue::Now)
        );
        assert_ne!(value("1", "Int"), value("0", "Int"));
        assert_eq!(DefaultValue::of_sql("gen_random_uuid()"), None);
        assert_eq!(DefaultValue::of_sql("(now() + '1 day'::interval)"), None);
        assert_eq!(DefaultValue::of_sql("'a'::text || 'b'::text"), None);
        assert_eq!(DefaultValue::of_sql("ARRAY[]::text[]"), None);
    }

    /// As written in migrations, and as PostgreSQL's `format_type` (with
    /// `quote_ident` for enums) names them.
    #[test]
    fn types_are_normalised() {
        let ty = |text: &str| normalize_type(text);
        assert_eq!(ty("TIMESTAMP(3)"), ("timestamp".into(), false));
        assert_eq!(ty("\"Role\"[]"), ("Role".into(), true));
        assert_eq!(
            ty("CHARACTER  VARYING(20)"),
            ("character varying".into(), false)
        );
        assert_eq!(ty("text ARRAY"), ("text".into(), true));
        assert_eq!(
            ty("timestamp(3) with time zone"),
            ("timestamp with time zone".into(), false)
        );
        assert_eq!(
            ty("timestamp(3) without time zone"),
            ("timestamp without time zone".into(), false)
        );
        assert_eq!(ty("numeric(65,30)"), ("numeric".into(), false));
        assert_eq!(ty("status"), ("status".into(), false));
    }
}

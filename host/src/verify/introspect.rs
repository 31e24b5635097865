//! The database the migrations built, read from PostgreSQL's catalog into
//! the model schema-drift's replay fills ([`drift_syntax::database`]), so
//! the two are compared with schema.prisma by the same code.
//!
//! Each object's origin is the migration that wrote its catalog row: every
//! migration runs after a marker transaction ([`Marks`]), and a row's
//! `xmin` falls between the marks of the migration whose transaction wrote
//! it. A table's origin is its creation (the row of its system column
//! `ctid`, written once), a column's or enum value's its last change (a
//! table rewrite or an `ADD VALUE … BEFORE` can make that a later
//! migration than the one that added it).

use drift_syntax::database::{
    Action, Column, Database, Enum, EnumValue, ForeignKey, Index, Shape, Table, normalize_type,
    type_args,
};
use postgres::Client;

use super::state::USER_SCHEMA;

/// Not a table an extension owns (PostGIS's `spatial_ref_sys`): Prisma's
/// differ leaves those out, and no migration wrote them.
const NOT_EXTENSION_TABLE: &str = "NOT EXISTS (SELECT 1 FROM pg_depend d \
     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";

/// Transaction ids taken before each migration, in order.
#[derive(Debug, Default)]
pub struct Marks {
    xids: Vec<(u32, usize)>,
}

impl Marks {
    /// Marks the start of migration `index` (into the caller's list).
    pub fn mark(&mut self, client: &mut Client, index: usize) -> Result<(), postgres::Error> {
        // `txid_current()` is the 64-bit id with the epoch; catalog rows
        // carry the low 32 bits.
        let row = client.query_one("SELECT (txid_current() % 4294967296)::bigint", &[])?;
        let xid = u32::try_from(row.get::<_, i64>(0)).unwrap_or(u32::MAX);
        self.xids.push((xid, index));
        Ok(())
    }

    /// The migration whose transaction wrote a row with `xmin`: the last
    /// one marked before it. `None` before the first mark (the Prisma
    /// config's `initShadowDb`).
    fn origin(&self, xmin: u32) -> Option<usize> {
        // Transaction ids wrap around: "after" is modulo 2^32, as
        // PostgreSQL compares them.
        self.xids
            .iter()
            .rev()
            .find(|(xid, _)| (xmin.wrapping_sub(*xid) as i32) > 0)
            .map(|(_, index)| *index)
    }
}

/// Reads the tables, columns, keys, indexes and enums of the user's
/// schemas, `public` first (a table name in two schemas is `public`'s).
pub fn read(
    client: &mut Client,
    marks: &Marks,
) -> Result<Database<Option<usize>>, postgres::Error> {
    let mut db: Database<Option<usize>> = Database::default();
    let xmin = |text: String| text.parse::<u32>().ok().and_then(|x| marks.origin(x));
    let tables = client.query(
        &format!(
            "SELECT n.nspname::text, c.relname::text, \
               (SELECT a.xmin::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = -1) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {USER_SCHEMA} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
               AND {NOT_EXTENSION_TABLE} \
             ORDER BY n.nspname <> 'public', n.nspname, c.relname"
        ),
        &[],
    )?;
    let mut read: Vec<Table<Option<usize>>> = tables
        .iter()
        .map(|row| Table {
            schema: Some(row.get(0)),
            name: row.get(1),
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            origin: row.get::<_, Option<String>>(2).and_then(xmin),
        })
        .collect();
    // Tables in the order the migrations created them, as the replay has
    // them (the order of `extra-table` findings).
    read.sort_by_key(|t| (t.schema.as_deref() != Some("public"), t.origin));
    for table in read {
        db.add_table(table);
    }
    let columns = client.query(
        &format!(
            "SELECT n.nspname::text, c.relname::text, a.attname::text, \
               CASE WHEN e.typtype = 'e' THEN quote_ident(e.typname) ELSE format_type(e.oid, NULL) END, \
               format_type(e.oid, a.atttypmod), \
               t.typcategory = 'A', a.attnotnull, \
               (a.atthasdef AND pg_get_expr(d.adbin, d.adrelid) !~ '^NULL(::|$)') \
                 OR a.attidentity <> '' OR a.attgenerated <> '', \
               a.xmin::text, a.attidentity <> '', \
               CASE WHEN a.atthasdef THEN pg_get_expr(d.adbin, d.adrelid) END \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid \
             JOIN pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END \
             WHERE {USER_SCHEMA} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
               AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY n.nspname, c.relname, a.attnum"
        ),
        &[],
    )?;
    for row in &columns {
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let Some(table) = table_in(&mut db, &schema, &table) else {
            continue;
        };
        table.columns.push(Column {
            name: row.get(2),
            ty: normalize_type(&row.get::<_, String>(3)).0,
            args: type_args(&row.get::<_, String>(4)),
            array: row.get(5),
            nullable: !row.get::<_, bool>(6),
            // `DEFAULT NULL` on a type with a modifier (`varchar(40)`) is
            // stored as `NULL::character varying`; Prisma reads no default.
            has_default: row.get::<_, Option<bool>>(7).unwrap_or(false),
            default: row
                .get::<_, Option<String>>(10)
                .filter(|_| row.get::<_, Option<bool>>(7) == Some(true)),
            identity: row.get(9),
            default_type: None,
            origin: xmin(row.get(8)),
        });
    }
    // Key columns only (not `INCLUDE`); an expression makes the index one
    // Prisma cannot describe, as the replay skips it.
    let indexes = client.query(
        &format!(
            "SELECT n.nspname::text, c.relname::text, ic.relname::text, i.indisunique, \
               i.indisprimary, i.indpred IS NOT NULL, \
               array(SELECT coalesce(a.attname::text, '') \
                     FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) \
                     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                     WHERE k.ord <= i.indnkeyatts ORDER BY k.ord), \
               am.amname::text, i.indnatts > i.indnkeyatts, \
               array(SELECT (o.option & 1) = 1 \
                     FROM unnest(i.indoption::int2[]) WITH ORDINALITY o(option, ord) ORDER BY o.ord), \
               array(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END \
                     FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(class, ord) \
                     JOIN pg_opclass oc ON oc.oid = k.class ORDER BY k.ord) \
               , EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid \
                   AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_am am ON am.oid = ic.relam \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {USER_SCHEMA} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
             ORDER BY n.nspname, c.relname, ic.relname"
        ),
        &[],
    )?;
    for row in &indexes {
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let columns: Vec<String> = row.get(6);
        if columns.iter().any(String::is_empty) {
            continue;
        }
        let Some(table) = table_in(&mut db, &schema, &table) else {
            continue;
        };
        // A type's default operator class is written as none, as the
        // replay's comparison treats it.
        let descending: Vec<bool> = row.get(9);
        let classes: Vec<String> = row.get(10);
        let keys = descending
            .into_iter()
            .zip(classes)
            .map(|(desc, class)| (desc, Some(class).filter(|c| !c.is_empty())))
            .collect();
        table.add_index(Index {
            name: row.get(2),
            columns,
            unique: row.get(3),
            primary: row.get(4),
            partial: row.get(5),
            constraint: row.get(11),
            uses: Vec::new(),
            shape: Some(Shape {
                method: row.get(7),
                keys,
                include: row.get(8),
            }),
        });
    }
    let keys = client.query(
        &format!(
            "SELECT n.nspname::text, c.relname::text, co.conname::text, \
               array(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(attnum, ord) \
                     JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum ORDER BY k.ord), \
               r.relname::text, \
               array(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(attnum, ord) \
                     JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum ORDER BY k.ord), \
               co.confdeltype::text, co.confupdtype::text, co.xmin::text \
             FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid \
             JOIN pg_class r ON r.oid = co.confrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE co.contype = 'f' AND co.conparentid = 0 AND {USER_SCHEMA} \
               AND c.relkind IN ('r', 'p') \
               AND NOT c.relispartition \
             ORDER BY n.nspname, c.relname, co.conname"
        ),
        &[],
    )?;
    for row in &keys {
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let (Some(on_delete), Some(on_update)) = (
            Action::from_pg(&row.get::<_, String>(6)),
            Action::from_pg(&row.get::<_, String>(7)),
        ) else {
            continue;
        };
        let Some(table) = table_in(&mut db, &schema, &table) else {
            continue;
        };
        table.foreign_keys.push(ForeignKey {
            name: row.get(2),
            columns: row.get(3),
            table: row.get(4),
            references: row.get(5),
            on_delete,
            on_update,
            origin: xmin(row.get(8)),
        });
    }
    db.foreign_keys = true;
    db.defaults = true;
    let values = client.query(
        &format!(
            "SELECT t.typname::text, e.enumlabel::text, e.xmin::text, t.oid::int8, n.nspname::text \
             FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
             JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE {USER_SCHEMA} AND NOT EXISTS (SELECT 1 FROM pg_depend d \
               WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') \
             ORDER BY n.nspname <> 'public', n.nspname, t.typname, e.enumsortorder"
        ),
        &[],
    )?;
    let mut current: Option<(i64, usize)> = None;
    for row in &values {
        let name: String = row.get(0);
        let oid: i64 = row.get(3);
        let value = EnumValue {
            name: row.get(1),
            origin: xmin(row.get(2)),
        };
        // Rows come grouped by type; a second schema's enum of the same
        // name is not looked at, as a table's is not.
        match current {
            Some((type_oid, i)) if type_oid == oid => {
                if let Some(e) = db.enums.get_mut(i) {
                    e.values.push(value);
                }
            }
            _ if db.find_enum(&name).is_some() => current = Some((oid, usize::MAX)),
            _ => {
                current = Some((oid, db.enums.len()));
                db.enums.push(Enum {
                    name,
                    schema: Some(row.get(4)),
                    values: vec![value],
                });
            }
        }
    }
    Ok(db)
}

/// The table `name` of PostgreSQL schema `schema`, unless another schema's
/// table of that name took its place.
fn table_in<'d, O>(db: &'d mut Database<O>, schema: &str, name: &str) -> Option<&'d mut Table<O>> {
    db.table_mut(name)
        .filter(|t| t.schema.as_deref() == Some(schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_belongs_to_the_last_migration_marked_before_it() {
        let marks = Marks {
            xids: vec![(100, 0), (105, 1), (120, 3)],
        };
        assert_eq!(marks.origin(99), None);
        assert_eq!(marks.origin(101), Some(0));
        assert_eq!(marks.origin(106), Some(1));
        assert_eq!(marks.origin(500), Some(3));
    }
}

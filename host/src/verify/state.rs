//! What a database holds, as far as running a migration twice can change
//! it: the catalog of the user's schemas as text lines, and every table's
//! row count. Two states are compared line by line.

use std::collections::{BTreeMap, BTreeSet};

use postgres::{Client, SimpleQueryMessage};

/// The user's schemas: everything but PostgreSQL's own.
pub(super) const USER_SCHEMA: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

/// One line per object a migration can create, alter or drop. Sequence
/// values are left out: an `INSERT … ON CONFLICT DO NOTHING` run again
/// moves them without changing anything a user would call a change.
fn catalog_query() -> String {
    format!(
        "SELECT 'schema ' || quote_ident(n.nspname) FROM pg_namespace n WHERE {USER_SCHEMA} AND n.nspname <> 'public'
UNION ALL SELECT 'relation ' || c.oid::regclass::text || ' (' || c.relkind::text || ')'
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {USER_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
UNION ALL SELECT 'column ' || c.oid::regclass::text || '.' || quote_ident(a.attname) || ' '
    || format_type(a.atttypid, a.atttypmod)
    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
    || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE {USER_SCHEMA} AND a.attnum > 0 AND NOT a.attisdropped
    AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL SELECT 'constraint ' || quote_ident(co.conname) || ' on ' || co.conrelid::regclass::text
    || ' ' || pg_get_constraintdef(co.oid)
  FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
  WHERE {USER_SCHEMA} AND co.conrelid <> 0
UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {USER_SCHEMA}
UNION ALL SELECT 'type ' || t.oid::regtype::text || ' (' || t.typtype::text || ')'
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE {USER_SCHEMA} AND t.typtype IN ('e', 'd', 'r')
UNION ALL SELECT 'enum value ' || e.enumtypid::regtype::text || ' ' || quote_literal(e.enumlabel)
  FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
  JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {USER_SCHEMA}
UNION ALL SELECT 'routine ' || p.oid::regprocedure::text || ' ' || md5(coalesce(p.prosrc, ''))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE {USER_SCHEMA} AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e')
UNION ALL SELECT 'trigger ' || quote_ident(tg.tgname) || ' on ' || tg.tgrelid::regclass::text
  FROM pg_trigger tg WHERE NOT tg.tgisinternal
UNION ALL SELECT 'view ' || c.oid::regclass::text || ' ' || md5(pg_get_viewdef(c.oid))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {USER_SCHEMA} AND c.relkind IN ('v', 'm')
UNION ALL SELECT 'policy ' || quote_ident(po.polname) || ' on ' || po.polrelid::regclass::text
  FROM pg_policy po
UNION ALL SELECT 'extension ' || x.extname || ' ' || x.extversion FROM pg_extension x"
    )
}

/// The sequences' positions, to put back after a rolled-back re-run:
/// `nextval` is not transactional.
pub fn sequences(client: &mut Client) -> Result<Vec<String>, postgres::Error> {
    let rows = rows_of(client.simple_query(
        "SELECT format('SELECT setval(%L, %s, %s)', format('%I.%I', schemaname, sequencename), \
         coalesce(last_value, start_value), CASE WHEN last_value IS NULL THEN 'false' ELSE 'true' END) \
         FROM pg_sequences",
    )?);
    Ok(rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect())
}

/// A database's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub catalog: BTreeSet<String>,
    pub rows: BTreeMap<String, u64>,
}

fn rows_of(messages: Vec<SimpleQueryMessage>) -> Vec<Vec<Option<String>>> {
    messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

impl State {
    /// Reads the state of the database `client` is connected to, as the
    /// owner of the session and with `search_path = public`, whatever the
    /// migration set (names render relative to the search path, and a
    /// `SET ROLE` may not see every table). `in_transaction`: the session
    /// is inside a transaction, which the read leaves as it was.
    pub fn read(client: &mut Client, in_transaction: bool) -> Result<Self, postgres::Error> {
        let (open, close) = if in_transaction {
            (
                "SAVEPOINT drift_state",
                "ROLLBACK TO SAVEPOINT drift_state; RELEASE SAVEPOINT drift_state",
            )
        } else {
            ("BEGIN", "ROLLBACK")
        };
        client.batch_execute(open)?;
        client.batch_execute("RESET ROLE; SET LOCAL search_path = public")?;
        let state = Self::read_now(client);
        let closed = client.batch_execute(close);
        let state = state?;
        closed?;
        Ok(state)
    }

    fn read_now(client: &mut Client) -> Result<Self, postgres::Error> {
        let catalog: BTreeSet<String> = rows_of(client.simple_query(&catalog_query())?)
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        let tables: Vec<String> = rows_of(client.simple_query(&format!(
            "SELECT c.oid::regclass::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {USER_SCHEMA} AND c.relkind = 'r' ORDER BY 1"
        ))?)
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
        let mut rows = BTreeMap::new();
        // One query per hundred tables: counted in one round trip each.
        for chunk in tables.chunks(100) {
            let query: Vec<String> = chunk
                .iter()
                .map(|t| format!("SELECT {}, count(*) FROM {t}", quote_literal(t)))
                .collect();
            for row in rows_of(client.simple_query(&query.join(" UNION ALL "))?) {
                if let [Some(table), Some(count)] = row.as_slice() {
                    rows.insert(table.clone(), count.parse().unwrap_or(0));
                }
            }
        }
        Ok(Self { catalog, rows })
    }

    /// What changed from `self` to `after`, in words; empty when nothing.
    pub fn changes(&self, after: &State) -> Vec<String> {
        let mut out = Vec::new();
        for line in after.catalog.difference(&self.catalog) {
            out.push(format!("adds {line}"));
        }
        for line in self.catalog.difference(&after.catalog) {
            out.push(format!("removes {line}"));
        }
        for (table, before) in &self.rows {
            match after.rows.get(table) {
                Some(now) if now != before => {
                    out.push(format!(
                        "changes the row count of {table} from {before} to {now}"
                    ));
                }
                _ => {}
            }
        }
        out
    }
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

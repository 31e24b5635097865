//! Replay: the database the migrations build, statement by statement.
//!
//! Only what Prisma can express is tracked: tables, columns (type,
//! nullability, default), primary keys, unique constraints and indexes,
//! plain indexes, foreign keys (columns, referenced table and columns,
//! actions) and enums, partial indexes marked (only a schema index with
//! `where:` matches them). Everything else (policies, functions,
//! triggers, extensions, views, grants, comments, ...) is ignored, as are
//! expression indexes. Statements inside `DO` blocks and
//! `EXECUTE` strings count (they ran with the migration); statements in
//! function bodies do not.

use std::ops::Range;
use std::rc::Rc;

use drift_sdk::database::{self, Action, Database, Enum, EnumValue, Index, Shape, normalize_type};
use drift_sdk::sql::{Node, SqlTree};

/// Where a migration created something: its file and byte range. Turned
/// into a line and column only for a finding (`drift::Positions`): the replay
/// records one per table, column and enum value, and computing every one
/// up front (plus a copy of the path each) was a tenth of the replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: Rc<str>,
    pub range: Range<u32>,
}

pub type Column = database::Column<Origin>;
pub type Table = database::Table<Origin>;
pub type ForeignKey = database::ForeignKey<Origin>;

/// A foreign key as a statement declares it, and whether it is unnamed
/// (PostgreSQL then chooses a free name).
type NewKey = (ForeignKey, bool);

/// A key's or index's index as a statement declares it, and how PostgreSQL
/// names it when the statement does not.
type NewIndex = (Index, Option<Unnamed>);

/// The database built so far.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub db: Database<Origin>,
}

impl Default for Catalog {
    fn default() -> Self {
        let mut db = Database::default();
        // The replay tracks foreign keys and whether columns have a
        // default, so they are compared.
        db.foreign_keys = true;
        db.defaults = true;
        Self { db }
    }
}

impl Catalog {
    /// Applies every statement of one migration file.
    pub fn apply(&mut self, path: &str, source: &str, tree: &SqlTree) {
        let path: Rc<str> = Rc::from(path);
        for statement in tree.statements() {
            if statement.in_function_body() {
                continue;
            }
            let node = statement.node;
            let cx = Cx {
                path: &path,
                source,
                quoted: node
                    .ancestors()
                    .find(|a| a.kind() == "SOURCE_FILE" && a.parent().is_some())
                    .is_some_and(|f| source.get(..f.start()).is_some_and(|s| s.ends_with('\''))),
            };
            match statement.kind() {
                "CREATE_TABLE" => self.create_table(&cx, node),
                "ALTER_TABLE" => self.alter_table(&cx, node),
                "DROP_TABLE" => {
                    for name in node.children().filter(|n| n.kind() == "TABLE_NAME_REF") {
                        let name = ident(name.text(source));
                        self.db.drop_table(&name);
                        // Only `CASCADE` lets a referenced table go, and it
                        // takes the keys that reference it along.
                        for table in self.db.tables_mut() {
                            table.foreign_keys.retain(|k| k.table != name);
                        }
                    }
                }
                "CREATE_INDEX" => self.create_index(&cx, node),
                "DROP_INDEX" => {
                    let cascade = node.has_child("CASCADE");
                    for name in node.children().filter(|n| n.kind() == "INDEX_REF") {
                        let name = ident(name.text(source));
                        let mut dropped = Vec::new();
                        for table in self.db.tables_mut() {
                            // A constraint's index is the constraint's to
                            // drop: PostgreSQL refuses.
                            if let Some(index) = table
                                .indexes
                                .iter()
                                .find(|i| !i.constraint && i.name == name && serves_keys(table, i))
                            {
                                dropped.push((table.name.clone(), index.columns.clone()));
                            }
                            table.indexes.retain(|i| i.constraint || i.name != name);
                        }
                        // With CASCADE the keys that reference it go too.
                        for (table, columns) in dropped.into_iter().filter(|_| cascade) {
                            self.drop_referencing(&table, &columns);
                        }
                    }
                }
                "ALTER_INDEX" => {
                    let old = node.child("INDEX_REF").map(|n| ident(n.text(source)));
                    let new = node
                        .child("INDEX_RENAME_TO")
                        .and_then(|r| r.child("INDEX"))
                        .map(|n| ident(n.text(source)));
                    if let (Some(old), Some(new)) = (old, new) {
                        for table in self.db.tables_mut() {
                            for index in &mut table.indexes {
                                if index.name == old {
                                    index.name.clone_from(&new);
                                }
                            }
                        }
                    }
                }
                "CREATE_TYPE" => self.create_type(&cx, node),
                "ALTER_TYPE" => self.alter_type(&cx, node),
                "DROP_TYPE" => {
                    let cascade = node.has_child("CASCADE");
                    for name in node.children().filter(|n| n.kind() == "TYPE_NAME_REF") {
                        let name = ident(name.text(source));
                        if !self.db.enums.iter().any(|e| e.name == name) {
                            continue;
                        }
                        self.db.enums.retain(|e| e.name != name);
                        if cascade {
                            // What depends on the type goes with it: the
                            // columns of that type, and defaults of it.
                            let gone: Vec<(String, String)> = self
                                .db
                                .tables_mut()
                                .flat_map(|t| {
                                    t.columns
                                        .iter()
                                        .filter(|c| c.ty == name)
                                        .map(|c| (t.name.clone(), c.name.clone()))
                                        .collect::<Vec<_>>()
                                })
                                .collect();
                            for (table, column) in &gone {
                                self.drop_column(table, column);
                            }
                            for table in self.db.tables_mut() {
                                for column in &mut table.columns {
                                    if column.default_type.as_deref() == Some(name.as_str()) {
                                        column.has_default = false;
                                        column.default = None;
                                        column.default_type = None;
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn create_table(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        // Temporary tables are gone when the migration's session ends.
        if node.has_child("TEMP") {
            return;
        }
        let Some(name) = node.child("TABLE_NAME") else {
            return;
        };
        let mut parts = segments(name.text(cx.source));
        let name = parts.pop().unwrap_or_default();
        if self.db.table(&name).is_some() {
            return;
        }
        let mut table = Table {
            name: name.clone(),
            schema: parts.pop(),
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            origin: cx.origin(node),
        };
        let mut constraints = Vec::new();
        let mut keys = Vec::new();
        if let Some(args) = node.child("TABLE_ARG_LIST") {
            for item in args.children() {
                match item.kind() {
                    "COLUMN" => {
                        if let Some((column, inline, foreign)) = column(cx, item, &name) {
                            table.columns.push(column);
                            constraints.extend(inline);
                            keys.extend(foreign);
                        }
                    }
                    _ => {
                        constraints.extend(constraint(cx, item, &name, &[]));
                        keys.extend(foreign_key(cx, item, &name, &[]));
                    }
                }
            }
        }
        for (mut index, unnamed) in merge_alike(constraints) {
            if let Some(unnamed) = unnamed {
                index.name = self.choose_name(Some(&table), &name, &unnamed, Namespace::Keys);
            }
            table.add_index(index);
        }
        for key in keys {
            let own = (key.0.table == table.name).then_some(&table);
            if let Some(key) = self.resolve(key, own) {
                let key = self.name_key(Some(&table), &name, key);
                add_foreign_key(&mut table, key);
            }
        }
        self.db.add_table(table);
    }

    /// Whether an object of `namespace` may not take `name`: PostgreSQL
    /// keeps relation names (tables, indexes) and constraint names unique
    /// per schema. `extra` is a table being created, not yet in the
    /// catalog.
    fn name_used(&self, extra: Option<&Table>, name: &str, namespace: Namespace) -> bool {
        self.db.tables().iter().chain(extra).any(|t| {
            (namespace != Namespace::Constraints && t.name == name)
                // A constraint's name is taken by constraints only; an
                // index `CREATE INDEX` made is no constraint.
                || t.indexes
                    .iter()
                    .any(|i| i.name == name && (i.constraint || namespace != Namespace::Constraints))
                || (namespace != Namespace::Relations
                    && t.foreign_keys.iter().any(|k| k.name == name))
        })
    }

    /// The first free name of an unnamed key or index of `table`.
    fn choose_name(
        &self,
        extra: Option<&Table>,
        table: &str,
        unnamed: &Unnamed,
        namespace: Namespace,
    ) -> String {
        (0..)
            .map(|pass| unnamed.name(table, pass))
            .find(|name| !self.name_used(extra, name, namespace))
            .unwrap_or_default()
    }

    /// An unnamed foreign key of `table` with the name PostgreSQL gives it.
    fn name_key(&self, extra: Option<&Table>, table: &str, (mut key, unnamed): NewKey) -> NewKey {
        if unnamed {
            let base = Unnamed::new(&key.columns.join("_"), "fkey");
            key.name = self.choose_name(extra, table, &base, Namespace::Constraints);
        }
        (key, unnamed)
    }

    /// Adds primary keys and unique constraints to `table`, naming the
    /// unnamed ones.
    fn add_indexes(&mut self, table: &str, indexes: Vec<NewIndex>) {
        for (mut index, unnamed) in indexes {
            if let Some(unnamed) = unnamed {
                index.name = self.choose_name(None, table, &unnamed, Namespace::Keys);
            }
            if let Some(t) = self.db.table_mut(table) {
                t.add_index(index);
            }
        }
    }

    /// Drops `column` of `table` as PostgreSQL does: with the indexes and
    /// constraints that use it, and (with `CASCADE`, which a dropped type's
    /// columns always have) the keys of other tables that reference it.
    fn drop_column(&mut self, table: &str, column: &str) {
        let column = column.to_owned();
        if let Some(t) = self.db.table_mut(table) {
            t.columns.retain(|c| c.name != column);
            t.indexes
                .retain(|i| !i.columns.contains(&column) && !i.uses.contains(&column));
            t.foreign_keys.retain(|k| !k.columns.contains(&column));
        }
        for other in self.db.tables_mut() {
            other
                .foreign_keys
                .retain(|k| k.table != table || !k.references.contains(&column));
        }
    }

    /// Drops the foreign keys that reference `columns` of `table` (a key
    /// dropped with `CASCADE` takes them along).
    fn drop_referencing(&mut self, table: &str, columns: &[String]) {
        for other in self.db.tables_mut() {
            other.foreign_keys.retain(|k| {
                k.table != table
                    || k.references.len() != columns.len()
                    || !k.references.iter().all(|c| columns.contains(c))
            });
        }
    }

    /// `key` with its referenced columns: a `REFERENCES t` without columns
    /// references `t`'s primary key (`own`, the table being created, for a
    /// key to itself). `None` when there is none: PostgreSQL refuses the
    /// statement.
    fn resolve(&self, (mut key, unnamed): NewKey, own: Option<&Table>) -> Option<NewKey> {
        if key.references.is_empty() {
            let referenced = own.or_else(|| self.db.table(&key.table))?;
            key.references
                .clone_from(&referenced.primary_key()?.columns);
        }
        Some((key, unnamed))
    }

    fn alter_table(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let Some(name) = node
            .child("TABLE_RELATION_NAME")
            .and_then(|r| r.find("TABLE_NAME_REF"))
        else {
            return;
        };
        let name = ident(name.text(cx.source));
        for action in node.children() {
            // Foreign keys are resolved against the catalog (a key without
            // columns references a primary key), before the table is
            // borrowed to change it.
            let keys: Vec<NewKey> = match action.kind() {
                "ADD_CONSTRAINT" => action
                    .children()
                    .filter_map(|item| foreign_key(cx, item, &name, &[]))
                    .filter_map(|key| self.resolve(key, None))
                    .map(|key| self.name_key(None, &name, key))
                    .collect(),
                _ => Vec::new(),
            };
            let Some(table) = self.db.table_mut(&name) else {
                return;
            };
            match action.kind() {
                "ADD_COLUMN" => {
                    if let Some((column, inline, keys)) = column(cx, action, &name)
                        && table.column(&column.name).is_none()
                    {
                        table.columns.push(column);
                        self.add_indexes(&name, merge_alike(inline));
                        let keys: Vec<NewKey> = keys
                            .into_iter()
                            .filter_map(|key| self.resolve(key, None))
                            .collect();
                        for key in keys {
                            let key = self.name_key(None, &name, key);
                            if let Some(table) = self.db.table_mut(&name) {
                                add_foreign_key(table, key);
                            }
                        }
                    }
                }
                "DROP_COLUMN" => {
                    if let Some(column) = action.child("COLUMN_NAME_REF") {
                        self.drop_column(&name, &ident(column.text(cx.source)));
                    }
                }
                "RENAME_COLUMN" => {
                    let (Some(old), Some(new)) =
                        (action.child("COLUMN_NAME_REF"), action.child("COLUMN_NAME"))
                    else {
                        continue;
                    };
                    let (old, new) = (ident(old.text(cx.source)), ident(new.text(cx.source)));
                    if let Some(column) = table.column_mut(&old) {
                        column.name = new.clone();
                    }
                    for index in &mut table.indexes {
                        for column in index.columns.iter_mut().chain(&mut index.uses) {
                            if *column == old {
                                column.clone_from(&new);
                            }
                        }
                    }
                    for key in &mut table.foreign_keys {
                        for column in &mut key.columns {
                            if *column == old {
                                column.clone_from(&new);
                            }
                        }
                    }
                    // Keys that reference the column follow it, this
                    // table's own keys to itself included.
                    for other in self.db.tables_mut() {
                        for key in other.foreign_keys.iter_mut().filter(|k| k.table == name) {
                            for column in &mut key.references {
                                if *column == old {
                                    column.clone_from(&new);
                                }
                            }
                        }
                    }
                }
                "ALTER_COLUMN" => alter_column(cx, table, action),
                "SET_SCHEMA" => {
                    let text = action.text(cx.source);
                    if let Some(at) = text.to_ascii_lowercase().find("schema") {
                        table.schema = Some(ident(text[at + "schema".len()..].trim()));
                    }
                }
                "TABLE_RENAME_TO" => {
                    if let Some(new) = action.find("TABLE_NAME") {
                        let new = ident(new.text(cx.source));
                        if new != name && self.db.table(&new).is_none() {
                            for other in self.db.tables_mut() {
                                for key in other.foreign_keys.iter_mut().filter(|k| k.table == name)
                                {
                                    key.table.clone_from(&new);
                                }
                            }
                            self.db.rename_table(&name, new);
                        }
                    }
                    return;
                }
                "ADD_CONSTRAINT" => {
                    for key in keys {
                        add_foreign_key(table, key);
                    }
                    for item in action.children() {
                        let converted = self
                            .db
                            .table_mut(&name)
                            .is_some_and(|t| using_index(cx, item, t));
                        if !converted && let Some(index) = constraint(cx, item, &name, &[]) {
                            self.add_indexes(&name, vec![index]);
                        }
                    }
                }
                "RENAME_CONSTRAINT" => {
                    if let (Some(old), Some(new)) = (
                        action.child("CONSTRAINT_NAME_REF"),
                        action.child("CONSTRAINT_NAME"),
                    ) {
                        let (old, new) = (ident(old.text(cx.source)), ident(new.text(cx.source)));
                        for index in &mut table.indexes {
                            if index.name == old {
                                index.name.clone_from(&new);
                            }
                        }
                        for key in &mut table.foreign_keys {
                            if key.name == old {
                                key.name.clone_from(&new);
                            }
                        }
                    }
                }
                "DROP_CONSTRAINT" => {
                    if let Some(constraint) = action.child("CONSTRAINT_NAME_REF") {
                        let constraint = ident(constraint.text(cx.source));
                        let key = table
                            .indexes
                            .iter()
                            .find(|i| i.name == constraint && i.constraint && serves_keys(table, i))
                            .map(|i| i.columns.clone());
                        // An index `CREATE INDEX` made is no constraint.
                        table
                            .indexes
                            .retain(|i| i.name != constraint || !i.constraint);
                        table.foreign_keys.retain(|k| k.name != constraint);
                        // With CASCADE the keys that reference it go too.
                        if let Some(columns) = key.filter(|_| action.has_child("CASCADE")) {
                            self.drop_referencing(&name, &columns);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn create_index(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let Some(table) = node
            .child("TABLE_RELATION_NAME")
            .and_then(|r| r.find("TABLE_NAME_REF"))
        else {
            return;
        };
        let table_name = ident(table.text(cx.source));
        let Some(items) = node.child("PARTITION_ITEM_LIST") else {
            return;
        };
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        for item in items.children().filter(|n| n.kind() == "PARTITION_ITEM") {
            match item.children().next() {
                Some(first) if first.kind() == "NAME_REF" => {
                    columns.push(ident(first.text(cx.source)));
                    let class = item
                        .child("OP_CLASS_REF")
                        .map(|c| ident(c.text(cx.source)).to_ascii_lowercase());
                    keys.push((item.has_child("SORT_DESC"), class));
                }
                _ => return,
            }
        }
        let shape = Shape {
            method: node
                .child("USING_METHOD")
                .and_then(|m| m.child("ACCESS_METHOD_REF"))
                .map_or("btree".to_owned(), |m| {
                    m.text(cx.source).trim_matches('"').to_ascii_lowercase()
                }),
            keys,
            include: node.has_child("INDEX_INCLUDE_CLAUSE"),
        };
        if columns.is_empty() {
            return;
        }
        let name = match node.child("INDEX") {
            // `IF NOT EXISTS` skips a name in use. Without it PostgreSQL
            // refuses the statement, which the replay counts as run (a
            // migration's every `CREATE INDEX` would otherwise scan the
            // catalog).
            Some(name) => {
                let name = ident(name.text(cx.source));
                if node.has_child("IF_NOT_EXISTS")
                    && self.name_used(None, &name, Namespace::Relations)
                {
                    return;
                }
                name
            }
            // PostgreSQL names it after its key and `INCLUDE` columns.
            None => {
                let mut named = columns.clone();
                if let Some(include) = node.child("INDEX_INCLUDE_CLAUSE") {
                    named.extend(
                        include
                            .descendants()
                            .filter(|n| n.kind() == "NAME_REF")
                            .map(|n| ident(n.text(cx.source))),
                    );
                }
                let unnamed = Unnamed::new(&named.join("_"), "idx");
                self.choose_name(None, &table_name, &unnamed, Namespace::Relations)
            }
        };
        // Columns named by `INCLUDE` and the predicate.
        let uses: Vec<String> = self.db.table(&table_name).map_or_else(Vec::new, |table| {
            ["INDEX_INCLUDE_CLAUSE", "WHERE_CLAUSE"]
                .iter()
                .filter_map(|kind| node.child(kind))
                .flat_map(|clause| clause.descendants())
                .filter(|n| n.kind() == "NAME_REF")
                .map(|n| ident(n.text(cx.source)))
                .filter(|name| table.column(name).is_some() && !columns.contains(name))
                .collect()
        });
        if let Some(table) = self.db.table_mut(&table_name) {
            table.add_index(Index {
                name,
                columns,
                unique: node.has_child("UNIQUE_KW"),
                primary: false,
                partial: node.has_child("WHERE_CLAUSE"),
                constraint: false,
                uses,
                shape: Some(shape),
            });
        }
    }

    fn create_type(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let (Some(name), Some(variants)) = (node.child("TYPE_NAME"), node.find("VARIANT_LIST"))
        else {
            return;
        };
        let mut parts = segments(name.text(cx.source));
        let name = parts.pop().unwrap_or_default();
        let schema = parts.pop();
        if self.db.find_enum(&name).is_some() {
            return;
        }
        let values = variants
            .children()
            .filter(|n| n.kind() == "VARIANT")
            .map(|v| EnumValue {
                name: string_literal(&cx.text(v)),
                origin: cx.origin(v),
            })
            .collect();
        self.db.enums.push(Enum {
            name,
            schema,
            values,
        });
    }

    fn alter_type(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let Some(name) = node.child("TYPE_NAME_REF") else {
            return;
        };
        let name = ident(name.text(cx.source));
        let Some(index) = self.db.enums.iter().position(|e| e.name == name) else {
            return;
        };
        for action in node.children() {
            let literals: Vec<Node<'_>> = action
                .children()
                .filter(|n| n.kind() == "LITERAL")
                .collect();
            match action.kind() {
                "ADD_VALUE" => {
                    if let (Some(value), Some(e)) = (literals.first(), self.db.enums.get_mut(index))
                    {
                        let value = string_literal(&cx.text(*value));
                        // `BEFORE 'v'` / `AFTER 'v'` place it; else it goes last.
                        let place = action
                            .children()
                            .find(|n| matches!(n.kind(), "BEFORE_VALUE" | "AFTER_VALUE"));
                        let neighbour = place.and_then(|p| {
                            let n = string_literal(&cx.text(p.child("LITERAL")?));
                            e.values.iter().position(|v| v.name == n)
                        });
                        let at = match (neighbour, place.map(|p| p.kind())) {
                            (Some(i), Some("BEFORE_VALUE")) => i,
                            (Some(i), _) => i + 1,
                            (None, None) => e.values.len(),
                            // A neighbour the type lacks: PostgreSQL refuses.
                            (None, Some(_)) => continue,
                        };
                        if !e.values.iter().any(|v| v.name == value) {
                            e.values.insert(
                                at,
                                EnumValue {
                                    name: value,
                                    origin: cx.origin(node),
                                },
                            );
                        }
                    }
                }
                "RENAME_VALUE" => {
                    if let (Some(old), Some(new), Some(e)) = (
                        literals.first(),
                        literals.get(1),
                        self.db.enums.get_mut(index),
                    ) {
                        let old = string_literal(&cx.text(*old));
                        let new = string_literal(&cx.text(*new));
                        for value in &mut e.values {
                            if value.name == old {
                                value.name.clone_from(&new);
                            }
                        }
                        // A default of the type holds the value itself, so
                        // it reads as the new label.
                        let was = Some(database::DefaultValue::Literal(old.clone()));
                        for table in self.db.tables_mut() {
                            for column in &mut table.columns {
                                if column.default_type.as_deref() == Some(name.as_str())
                                    && column
                                        .default
                                        .as_deref()
                                        .and_then(database::DefaultValue::of_sql)
                                        == was
                                {
                                    column.default = Some(format!("'{}'", new.replace('\'', "''")));
                                }
                            }
                        }
                    }
                }
                "SET_SCHEMA" => {
                    let text = action.text(cx.source);
                    if let (Some(at), Some(e)) = (
                        text.to_ascii_lowercase().find("schema"),
                        self.db.enums.get_mut(index),
                    ) {
                        e.schema = Some(ident(text[at + "schema".len()..].trim()));
                    }
                }
                "TYPE_RENAME_TO" => {
                    if let Some(new) = action.find("TYPE_NAME") {
                        let new = ident(new.text(cx.source));
                        // Columns of the type follow the rename.
                        for table in self.db.tables_mut() {
                            for column in &mut table.columns {
                                if column.ty == name {
                                    column.ty.clone_from(&new);
                                }
                                if column.default_type.as_deref() == Some(name.as_str()) {
                                    column.default_type = Some(new.clone());
                                }
                            }
                        }
                        if let Some(e) = self.db.enums.get_mut(index) {
                            e.name = new;
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The file being replayed.
struct Cx<'s> {
    /// Shared by every origin in the file.
    path: &'s Rc<str>,
    source: &'s str,
    /// The statement is the text of an `EXECUTE '…'` string, where every
    /// quote it holds is written twice.
    quoted: bool,
}

impl Cx<'_> {
    /// A node's text as PostgreSQL reads it: inside an `EXECUTE '…'`
    /// string, with the string's doubled quotes made single.
    fn text(&self, node: Node<'_>) -> std::borrow::Cow<'_, str> {
        let text = node.text(self.source);
        if self.quoted {
            std::borrow::Cow::Owned(text.replace("''", "'"))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    fn origin(&self, node: Node<'_>) -> Origin {
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Origin {
            path: Rc::clone(self.path),
            range: offset(node.start())..offset(node.end()),
        }
    }
}

/// The parser's node and token kinds that name `GENERATED` or `IDENTITY`
/// (squawk 2.68; a column's own is `GENERATED_CONSTRAINT`): a column with
/// one gets its values from the database. Listed rather than searched for
/// in each kind name, which cost 4 % of the replay.
const GENERATED_OR_IDENTITY: [&str; 19] = [
    "ADD_GENERATED",
    "CONTINUE_IDENTITY",
    "DROP_IDENTITY",
    "GENERATED_ALWAYS",
    "GENERATED_BY_DEFAULT",
    "GENERATED_CONSTRAINT",
    "GENERATED_IDENTITY",
    "GENERATED_KW",
    "GENERATED_STORED",
    "IDENTITY_KW",
    "PROPERTY_GENERATED",
    "PROPERTY_IDENTITY",
    "REPLICA_IDENTITY",
    "REPLICA_IDENTITY_DEFAULT",
    "REPLICA_IDENTITY_FULL",
    "REPLICA_IDENTITY_NOTHING",
    "RESTART_IDENTITY",
    "SET_GENERATED",
    "SET_GENERATED_OPTIONS",
];

/// A column definition (`COLUMN` or `ADD_COLUMN`) and the keys declared
/// inline with it (primary and unique, foreign).
fn column(
    cx: &Cx<'_>,
    node: Node<'_>,
    table: &str,
) -> Option<(Column, Vec<NewIndex>, Vec<NewKey>)> {
    let name = ident(node.child("COLUMN_NAME")?.text(cx.source));
    let ty_node = node.children().find(|n| n.kind().ends_with("_TYPE"))?;
    let (ty, array) = normalize_type(ty_node.text(cx.source));
    let args = stored_args(&ty, ty_node.text(cx.source));
    let serial = matches!(
        ty.as_str(),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
    );
    let mut column = Column {
        name: name.clone(),
        ty,
        args,
        array: array || ty_node.kind() == "ARRAY_TYPE",
        nullable: true,
        has_default: serial,
        default: None,
        identity: false,
        default_type: None,
        origin: cx.origin(node),
    };
    let mut indexes = Vec::new();
    let mut keys = Vec::new();
    for item in node.children() {
        let kind = item.kind();
        match kind {
            "NOT_NULL_CONSTRAINT" => column.nullable = false,
            "NULL_CONSTRAINT" => column.nullable = true,
            // `DEFAULT NULL` stores no default.
            "DEFAULT_CONSTRAINT" if !null_default(item) => {
                column.has_default = true;
                column.default = default_expression(cx, item);
                column.default_type = Some(column.ty.clone());
            }
            "DEFAULT_CONSTRAINT" => {}
            "REFERENCES_CONSTRAINT" => {
                keys.extend(foreign_key(cx, item, table, std::slice::from_ref(&name)));
            }
            _ if GENERATED_OR_IDENTITY.contains(&kind) => {
                column.has_default = true;
                column.default = None;
                column.identity |= item.find("IDENTITY_KW").is_some();
            }
            _ => {
                let found = constraint(cx, item, table, std::slice::from_ref(&name));
                if found.iter().any(|(i, _)| i.primary) {
                    column.nullable = false;
                }
                indexes.extend(found);
            }
        }
    }
    Some((column, indexes, keys))
}

/// A type's modifiers as PostgreSQL stores them: `char` without a length
/// is `char(1)` (not the quoted one-byte `"char"`), `numeric(p)` is
/// `numeric(p,0)`.
fn stored_args(ty: &str, text: &str) -> Vec<u32> {
    let mut args = database::type_args(text);
    match ty {
        "char" | "character" if args.is_empty() && !text.contains('"') => args.push(1),
        "numeric" | "decimal" if args.len() == 1 => args.push(0),
        _ => {}
    }
    args
}

/// The expression of a `DEFAULT` clause (or `SET DEFAULT`), as written.
fn default_expression(cx: &Cx<'_>, clause: Node<'_>) -> Option<String> {
    let expr = clause
        .children()
        .find(|n| !n.is_token() && n.kind() != "DEFAULT_KW")?;
    Some(cx.text(expr).into_owned())
}

/// A `DEFAULT` clause whose value is the null constant (`NULL`,
/// `NULL::text`), which PostgreSQL does not store as a default.
fn null_default(clause: Node<'_>) -> bool {
    let mut value = clause
        .children()
        .filter(|n| n.kind() != "DEFAULT_KW" && !n.is_token());
    let Some(mut expr) = value.next() else {
        return false;
    };
    while expr.kind() == "CAST_EXPR" || expr.kind() == "PAREN_EXPR" {
        match expr.children().find(|n| !n.is_token()) {
            Some(inner) => expr = inner,
            None => return false,
        }
    }
    expr.kind() == "LITERAL" && expr.has_child("NULL_KW")
}

/// Adds `key` to `table`. A named key whose name another key of the
/// table has is refused (the statement fails); an unnamed one already has
/// PostgreSQL's next free name (`Catalog::name_key`: `…_fkey1`, `…_fkey2`).
fn add_foreign_key(table: &mut Table, (key, unnamed): NewKey) {
    if !unnamed && table.foreign_keys.iter().any(|k| k.name == key.name) {
        return;
    }
    table.foreign_keys.push(key);
}

/// The names an unnamed object must not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace {
    /// An index: no other relation's name.
    Relations,
    /// A primary key or unique constraint (an index and a constraint).
    Keys,
    /// A foreign key: no other constraint's name.
    Constraints,
}

/// A foreign key: table-level `FOREIGN KEY (…) REFERENCES t [(…)]`, or
/// `REFERENCES t [(…)]` inline on the column `inline`, with PostgreSQL's
/// default name when it has none. Referenced columns left out stay empty
/// here (the referenced table's primary key, resolved when it is added).
/// The key is unnamed when its name is PostgreSQL's to choose
/// ([`add_foreign_key`] picks the next free one).
fn foreign_key(cx: &Cx<'_>, node: Node<'_>, table: &str, inline: &[String]) -> Option<NewKey> {
    let column_refs = |list: Node<'_>| -> Vec<String> {
        list.children()
            .filter(|n| n.kind() == "COLUMN_NAME_REF")
            .map(|n| ident(n.text(cx.source)))
            .collect()
    };
    let (columns, references) = match node.kind() {
        "FOREIGN_KEY_CONSTRAINT" => {
            let mut lists = node
                .children()
                .filter(|n| n.kind() == "FOREIGN_KEY_COLUMN_LIST");
            let columns = column_refs(lists.next()?);
            (columns, lists.next().map(column_refs).unwrap_or_default())
        }
        "REFERENCES_CONSTRAINT" => (inline.to_vec(), column_refs(node)),
        _ => return None,
    };
    if columns.is_empty() {
        return None;
    }
    // The object name: models of every schema of a multi-schema project
    // are matched by it, as tables are.
    let referenced_table = segments(node.child("TABLE_NAME_REF")?.text(cx.source)).pop()?;
    let action = |kind: &str| {
        node.child(kind)
            .and_then(|a| {
                a.children().find_map(|n| match n.kind() {
                    "CASCADE" => Some(Action::Cascade),
                    "RESTRICT" => Some(Action::Restrict),
                    "NO_ACTION" => Some(Action::NoAction),
                    "SET_NULL_COLUMNS" => Some(Action::SetNull),
                    "SET_DEFAULT_COLUMNS" => Some(Action::SetDefault),
                    _ => None,
                })
            })
            .unwrap_or(Action::NoAction)
    };
    let named = node
        .child("CONSTRAINT_NAME_CLAUSE")
        .and_then(|c| c.child("CONSTRAINT_NAME"))
        .map(|name| ident(name.text(cx.source)));
    let unnamed = named.is_none();
    let name = named.unwrap_or_else(|| constraint_name(table, &columns.join("_"), "fkey"));
    let key = ForeignKey {
        name,
        columns,
        table: referenced_table,
        references,
        on_delete: action("ON_DELETE_ACTION"),
        on_update: action("ON_UPDATE_ACTION"),
        origin: cx.origin(node),
    };
    Some((key, unnamed))
}

/// `ADD [CONSTRAINT c] PRIMARY KEY | UNIQUE USING INDEX i`: the existing
/// unique index `i` becomes the constraint, with its columns, renamed to
/// `c` when a name is given (PostgreSQL keeps the index's name otherwise).
/// `None` when the node is not such a constraint or the index is unknown.
fn using_index(cx: &Cx<'_>, node: Node<'_>, table: &mut Table) -> bool {
    let primary = match node.kind() {
        "PRIMARY_KEY_CONSTRAINT" => true,
        "UNIQUE_CONSTRAINT" => false,
        _ => return false,
    };
    let Some(using) = node.child("USING_INDEX_NAME").map(|n| n.text(cx.source)) else {
        return false;
    };
    let Some(after) = using
        .to_ascii_lowercase()
        .find("index")
        .map(|at| at + "index".len())
    else {
        return false;
    };
    let index_name = ident(using.get(after..).unwrap_or("").trim());
    let Some(index) = table.indexes.iter_mut().find(|i| i.name == index_name) else {
        return false;
    };
    // The index stays where it was (foreign keys pick the oldest index
    // that fits, [`serves_keys`]); a primary key's columns become NOT NULL.
    if let Some(name) = node
        .child("CONSTRAINT_NAME_CLAUSE")
        .and_then(|c| c.child("CONSTRAINT_NAME"))
    {
        index.name = ident(name.text(cx.source));
    }
    index.unique = true;
    index.primary = primary;
    index.constraint = true;
    let columns = index.columns.clone();
    if primary {
        for column in &columns {
            if let Some(c) = table.column_mut(column) {
                c.nullable = false;
            }
        }
    }
    true
}

/// Whether foreign keys referencing `index`'s columns depend on `index`
/// (dropping it with `CASCADE` drops them): PostgreSQL ties a key to the
/// oldest unique, non-partial index on exactly its referenced columns, in
/// the order the replay keeps indexes. A key written without columns
/// depends on the primary key even where an older unique index fits too;
/// the replay does not tell the two apart.
fn serves_keys(table: &Table, index: &Index) -> bool {
    let same = |i: &Index| {
        i.columns.len() == index.columns.len()
            && i.columns.iter().all(|c| index.columns.contains(c))
    };
    index.unique
        && !index.partial
        && table
            .indexes
            .iter()
            .find(|i| i.unique && !i.partial && same(i))
            .is_some_and(|first| first.name == index.name)
}

/// A primary key or unique constraint (table-level, or inline on the
/// column `inline`), with PostgreSQL's default name when it has none.
fn constraint(cx: &Cx<'_>, node: Node<'_>, table: &str, inline: &[String]) -> Option<NewIndex> {
    let (primary, suffix) = match node.kind() {
        "PRIMARY_KEY_CONSTRAINT" => (true, "pkey"),
        "UNIQUE_CONSTRAINT" => (false, "key"),
        _ => return None,
    };
    let columns: Vec<String> = match node.find("CONSTRAINT_COLUMN_REF_LIST") {
        Some(list) => list
            .children()
            .filter(|n| n.kind() == "COLUMN_NAME_REF")
            .map(|n| ident(n.text(cx.source)))
            .collect(),
        None => inline.to_vec(),
    };
    if columns.is_empty() {
        return None;
    }
    let unnamed = match node
        .child("CONSTRAINT_NAME_CLAUSE")
        .and_then(|c| c.child("CONSTRAINT_NAME"))
    {
        Some(name) => return Some((index(ident(name.text(cx.source)), columns, primary), None)),
        None if primary => Unnamed::new("", "pkey"),
        None => Unnamed::new(&columns.join("_"), suffix),
    };
    let name = unnamed.name(table, 0);
    Some((index(name, columns, primary), Some(unnamed)))
}

/// A primary key or unique constraint's index.
fn index(name: String, columns: Vec<String>, primary: bool) -> Index {
    let shape = Some(Shape::plain(columns.len()));
    Index {
        name,
        columns,
        unique: true,
        primary,
        partial: false,
        constraint: true,
        uses: Vec::new(),
        shape,
    }
}

/// The keys of one statement as PostgreSQL builds them
/// (`transformIndexConstraints`): the primary key first, and a key on the
/// same columns as one before it is the same index (`UNIQUE PRIMARY KEY`,
/// an inline `UNIQUE` written again at table level), taking its name when
/// the first had none.
fn merge_alike(keys: Vec<NewIndex>) -> Vec<NewIndex> {
    let mut ordered: Vec<NewIndex> = Vec::with_capacity(keys.len());
    let (primary, others): (Vec<NewIndex>, Vec<NewIndex>) =
        keys.into_iter().partition(|(i, _)| i.primary);
    for (index, unnamed) in primary.into_iter().take(1).chain(others) {
        match ordered.iter_mut().find(|(i, _)| i.columns == index.columns) {
            Some(prior) => {
                if prior.1.is_some() && unnamed.is_none() {
                    prior.0.name = index.name;
                    prior.1 = None;
                }
            }
            None => ordered.push((index, unnamed)),
        }
    }
    ordered
}

/// How PostgreSQL names a key or index the statement leaves unnamed:
/// `<table>_<name2>_<label>`, and when that name is taken, `label1`,
/// `label2`, … (`ChooseRelationName`, `ChooseConstraintName`).
#[derive(Debug, Clone)]
struct Unnamed {
    name2: String,
    label: &'static str,
}

impl Unnamed {
    fn new(name2: &str, label: &'static str) -> Self {
        Self {
            name2: name2.to_owned(),
            label,
        }
    }

    /// The name of the `pass`th try.
    fn name(&self, table: &str, pass: u32) -> String {
        if pass == 0 {
            constraint_name(table, &self.name2, self.label)
        } else {
            constraint_name(table, &self.name2, &format!("{}{pass}", self.label))
        }
    }
}

fn alter_column(cx: &Cx<'_>, table: &mut Table, action: Node<'_>) {
    let Some(name) = action.child("COLUMN_NAME_REF") else {
        return;
    };
    let name = ident(name.text(cx.source));
    let Some(column) = table.column_mut(&name) else {
        return;
    };
    for change in action.children() {
        match change.kind() {
            "SET_NOT_NULL" => column.nullable = false,
            "DROP_NOT_NULL" => column.nullable = true,
            // `SET DEFAULT NULL` removes the default.
            "SET_DEFAULT" if !null_default(change) => {
                column.has_default = true;
                column.default = default_expression(cx, change);
                column.default_type = Some(column.ty.clone());
            }
            // An identity column's default is not a default to drop:
            // PostgreSQL refuses.
            "DROP_DEFAULT" if column.identity => {}
            "SET_DEFAULT" | "DROP_DEFAULT" => {
                column.has_default = false;
                column.default = None;
                column.default_type = None;
            }
            // Only an identity column's default goes (`IF EXISTS` on
            // another column does nothing).
            "DROP_IDENTITY" if column.identity => {
                column.has_default = false;
                column.default = None;
                column.identity = false;
                column.default_type = None;
            }
            // An identity column counts as having a default, as Prisma
            // reads it (`autoincrement()`).
            "ADD_GENERATED" => {
                column.has_default = true;
                column.default = None;
                column.identity = true;
                column.default_type = None;
            }
            "SET_TYPE" => {
                if let Some(ty) = change.children().find(|n| n.kind().ends_with("_TYPE")) {
                    let (ty_text, array) = normalize_type(ty.text(cx.source));
                    column.args = stored_args(&ty_text, ty.text(cx.source));
                    column.ty = ty_text;
                    column.array = array || ty.kind() == "ARRAY_TYPE";
                }
            }
            _ => {}
        }
    }
}

/// The segments of a possibly qualified name: quoted ones unquoted with
/// their case kept, unquoted ones folded to lower case.
fn segments(text: &str) -> Vec<String> {
    drift_sdk::sql::name_segments(text)
}

/// The object name of a possibly schema-qualified identifier.
pub fn ident(text: &str) -> String {
    drift_sdk::sql::object_name(text)
}

/// The name PostgreSQL gives an unnamed constraint (`makeObjectName`):
/// `<name1>_<name2>_<label>`, the longer of the first two cut until the
/// whole fits in 63 bytes (`orders_customer_id_fkey`).
fn constraint_name(name1: &str, name2: &str, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(!name2.is_empty());
    let avail = drift_sdk::sql::MAX_IDENTIFIER.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, n: usize| drift_sdk::sql::prefix_within(s, n).to_owned();
    let mut name = clip(name1, n1);
    if !name2.is_empty() {
        name.push('_');
        name.push_str(&clip(name2, n2));
    }
    name.push('_');
    name.push_str(label);
    name
}

/// A string literal's value: `'it''s'` as `it's` (its node's text from
/// [`Cx::text`], which removes an `EXECUTE` string's quoting first).
fn string_literal(text: &str) -> String {
    let text = text.trim();
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text);
    inner.replace("''", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_normalised() {
        assert_eq!(ident("public.\"User\""), "User");
        assert_eq!(ident("Users"), "users");
        assert_eq!(ident("\"a\"\"b\""), "a\"b");
    }

    /// The list is every kind of the parser whose name says GENERATED or
    /// IDENTITY: a parser upgrade that adds one fails here.
    #[test]
    fn generated_or_identity_lists_every_such_kind() {
        let mut kinds: Vec<&str> = drift_sdk::sql::kind_names()
            .iter()
            .copied()
            .filter(|k| k.contains("GENERATED") || k.contains("IDENTITY"))
            .collect();
        kinds.sort_unstable();
        assert_eq!(kinds, GENERATED_OR_IDENTITY);
    }

    /// Dropping and renaming tables keeps the name index in step with the
    /// list: statements after them reach the right table.
    #[test]
    fn tables_are_found_by_name_after_drops_and_renames() {
        let sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n\
                   DROP TABLE a;\nALTER TABLE c ADD COLUMN x text;\n\
                   ALTER TABLE b RENAME TO d;\nALTER TABLE d ADD COLUMN y text;\n\
                   ALTER TABLE c RENAME TO d;\nCREATE TABLE b (z int);\n";
        let tree = drift_sdk::sql::parse(sql);
        let mut catalog = Catalog::default();
        catalog.apply("m.sql", sql, &tree);
        let names: Vec<&str> = catalog
            .db
            .tables()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        // `c` cannot take `d`'s name; `b` is free again after its rename.
        assert_eq!(names, ["d", "c", "b"]);
        assert!(catalog.db.table("a").is_none());
        let columns = |name: &str| -> Vec<String> {
            let table = catalog.db.table(name).unwrap();
            table.columns.iter().map(|c| c.name.clone()).collect()
        };
        assert_eq!(columns("c"), ["id", "x"]);
        assert_eq!(columns("d"), ["id", "y"]);
        assert_eq!(columns("b"), ["z"]);
    }

    fn replay(sql: &str) -> Catalog {
        let tree = drift_sdk::sql::parse(sql);
        let mut catalog = Catalog::default();
        catalog.apply("m.sql", sql, &tree);
        catalog
    }

    fn index_names(catalog: &Catalog, table: &str) -> Vec<String> {
        let table = catalog.db.table(table).unwrap();
        table.indexes.iter().map(|i| i.name.clone()).collect()
    }

    /// Unnamed keys and indexes take the next free name of the schema, as
    /// `ChooseRelationName` picks it; an index's `INCLUDE` columns are part
    /// of its name; `IF NOT EXISTS` yields to any relation of that name.
    #[test]
    fn unnamed_indexes_take_the_next_free_name() {
        let catalog = replay(
            "CREATE TABLE t (id int, a int, b int);\n\
             ALTER TABLE t ADD UNIQUE (a);\nALTER TABLE t ADD UNIQUE (a);\n\
             CREATE INDEX ON t (b);\nCREATE INDEX ON t (b);\n\
             CREATE INDEX ON t (a) INCLUDE (b);\n\
             CREATE TABLE u (id int);\nCREATE INDEX IF NOT EXISTS t_b_idx ON u (id);\n\
             CREATE TABLE t_pkey (id int);\nALTER TABLE t ADD PRIMARY KEY (id);\n",
        );
        assert_eq!(
            index_names(&catalog, "t"),
            [
                "t_a_key",
                "t_a_key1",
                "t_b_idx",
                "t_b_idx1",
                "t_a_b_idx",
                "t_pkey1"
            ]
        );
        assert!(index_names(&catalog, "u").is_empty());
    }

    /// A table's or enum's PostgreSQL schema: qualified when created, moved
    /// by `SET SCHEMA`, `None` (the search path's `public`) otherwise.
    #[test]
    fn tables_keep_their_postgres_schema() {
        let catalog = replay(
            "CREATE TABLE auth.\"Account\" (id int);\nCREATE TABLE \"Post\" (id int);\n\
             CREATE TABLE \"Tag\" (id int);\nALTER TABLE public.\"Tag\" SET SCHEMA \"Blog\";\n\
             CREATE TYPE auth.\"Role\" AS ENUM ('A');\nCREATE TYPE \"Kind\" AS ENUM ('B');\n\
             ALTER TYPE \"Kind\" SET SCHEMA auth;\n",
        );
        let enum_schema = |name: &str| catalog.db.find_enum(name).unwrap().schema.clone();
        assert_eq!(enum_schema("Role").as_deref(), Some("auth"));
        assert_eq!(enum_schema("Kind").as_deref(), Some("auth"));
        let schema = |t: &str| catalog.db.table(t).unwrap().schema.clone();
        assert_eq!(schema("Account").as_deref(), Some("auth"));
        assert_eq!(schema("Post"), None);
        assert_eq!(schema("Tag").as_deref(), Some("Blog"));
    }

    /// Keys of one statement on the same columns are one index, as
    /// PostgreSQL builds them; an unnamed foreign key's name is free while
    /// only a plain index has it; `numeric(p)` is `numeric(p,0)`; what
    /// PostgreSQL refuses changes nothing (`ADD VALUE … BEFORE` a value the
    /// type lacks, `DROP DEFAULT` on an identity column).
    #[test]
    fn statements_replay_as_postgres_runs_them() {
        let catalog = replay(
            "CREATE TABLE t (a int UNIQUE, b int, UNIQUE (a), id int PRIMARY KEY UNIQUE, n numeric(10), \
             c int NOT NULL GENERATED ALWAYS AS IDENTITY);\n\
             CREATE TABLE q (pid int);\nCREATE INDEX q_pid_fkey ON q (pid);\n\
             ALTER TABLE q ADD FOREIGN KEY (pid) REFERENCES t (id);\n\
             ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n\
             CREATE TYPE e AS ENUM ('a');\nALTER TYPE e ADD VALUE 'b' BEFORE 'nope';\n",
        );
        assert_eq!(index_names(&catalog, "t"), ["t_pkey", "t_a_key"]);
        let t = catalog.db.table("t").unwrap();
        assert_eq!(t.column("n").unwrap().args, [10, 0]);
        assert!(t.column("c").unwrap().has_default);
        let q = catalog.db.table("q").unwrap();
        assert_eq!(q.foreign_keys[0].name, "q_pid_fkey");
        assert_eq!(catalog.db.enums[0].values.len(), 1);
    }

    /// `ADD VALUE … BEFORE` / `AFTER` put the value where PostgreSQL does.
    #[test]
    fn enum_values_are_placed_before_or_after() {
        let catalog = replay(
            "CREATE TYPE e AS ENUM ('b', 'd');\n\
             ALTER TYPE e ADD VALUE 'a' BEFORE 'b';\nALTER TYPE e ADD VALUE 'c' AFTER 'b';\n\
             ALTER TYPE e ADD VALUE IF NOT EXISTS 'e';\n",
        );
        let values: Vec<&str> = catalog.db.enums[0]
            .values
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(values, ["a", "b", "c", "d", "e"]);
    }

    /// `DROP IDENTITY IF EXISTS` removes an identity's default only.
    #[test]
    fn drop_identity_leaves_other_defaults() {
        let catalog = replay(
            "CREATE TABLE t (a serial, b int NOT NULL GENERATED ALWAYS AS IDENTITY, c int NOT NULL);\n\
             ALTER TABLE t ALTER COLUMN a DROP IDENTITY IF EXISTS;\n\
             ALTER TABLE t ALTER COLUMN b DROP IDENTITY;\n\
             ALTER TABLE t ALTER COLUMN c ADD GENERATED BY DEFAULT AS IDENTITY;\n",
        );
        let table = catalog.db.table("t").unwrap();
        let defaults: Vec<bool> = table.columns.iter().map(|c| c.has_default).collect();
        assert_eq!(defaults, [true, false, true]);
    }

    /// A foreign key depends on the oldest index that fits its referenced
    /// columns: dropping a younger one with `CASCADE` leaves it; a
    /// constraint made from an index keeps that index's age.
    #[test]
    fn cascades_drop_only_the_keys_an_index_serves() {
        let keys = keys_after(
            "CREATE TABLE p (id int PRIMARY KEY, x int);\n\
             ALTER TABLE p ADD CONSTRAINT p_id_unique UNIQUE (id);\n\
             CREATE TABLE c (p int REFERENCES p (id));\n\
             ALTER TABLE p DROP CONSTRAINT p_id_unique CASCADE;\n",
        );
        assert_eq!(keys.len(), 1, "{keys:?}");
        let keys = keys_after(
            "CREATE TABLE p (id int NOT NULL, x int);\n\
             CREATE UNIQUE INDEX p_x ON p (x);\nCREATE UNIQUE INDEX p_id ON p (id);\n\
             ALTER TABLE p ADD CONSTRAINT p_pk PRIMARY KEY USING INDEX p_id;\n\
             CREATE TABLE c (p int REFERENCES p);\n\
             ALTER TABLE p DROP CONSTRAINT p_pk CASCADE;\n",
        );
        assert!(keys.is_empty(), "{keys:?}");
    }

    fn keys_after(sql: &str) -> Vec<(String, String, Vec<String>, String)> {
        let tree = drift_sdk::sql::parse(sql);
        let mut catalog = Catalog::default();
        catalog.apply("m.sql", sql, &tree);
        let mut out = Vec::new();
        for table in catalog.db.tables() {
            for key in &table.foreign_keys {
                out.push((
                    table.name.clone(),
                    key.name.clone(),
                    key.columns.clone(),
                    format!("{:?}", key.on_delete),
                ));
            }
        }
        out
    }

    /// Unnamed keys get PostgreSQL's names: cut to 63 bytes as
    /// `makeObjectName` cuts them (so a migration can drop them by that
    /// name), the next free number when the name is taken.
    #[test]
    fn foreign_keys_are_named_as_postgres_names_them() {
        let long = "CREATE TABLE acct (id int PRIMARY KEY);\n\
            CREATE TABLE organization_membership_invitations (id int PRIMARY KEY, \
            invited_by_user_account_id int NOT NULL REFERENCES acct(id));\n";
        let keys = keys_after(long);
        assert_eq!(
            keys[0].1,
            "organization_membership_invitat_invited_by_user_account_id_fkey"
        );
        assert_eq!(keys[0].1.len(), 63);
        let dropped = format!(
            "{long}ALTER TABLE organization_membership_invitations DROP CONSTRAINT \
             organization_membership_invitat_invited_by_user_account_id_fkey;\n"
        );
        assert!(keys_after(&dropped).is_empty());
        // A second unnamed key on the same columns: `…_fkey1`.
        let twice = "CREATE TABLE u (id int PRIMARY KEY);\n\
            CREATE TABLE p (id int PRIMARY KEY, a int REFERENCES u ON DELETE RESTRICT);\n\
            ALTER TABLE p ADD FOREIGN KEY (a) REFERENCES u ON DELETE CASCADE;\n\
            ALTER TABLE p ADD CONSTRAINT p_a_fkey FOREIGN KEY (a) REFERENCES u;\n";
        let names: Vec<(String, String)> = keys_after(twice)
            .into_iter()
            .map(|(_, name, _, action)| (name, action))
            .collect();
        assert_eq!(
            names,
            [
                ("p_a_fkey".to_owned(), "Restrict".to_owned()),
                ("p_a_fkey1".to_owned(), "Cascade".to_owned())
            ]
        );
        // A key may share its name with a plain index.
        let index_named = "CREATE TABLE u (id int PRIMARY KEY);\nCREATE TABLE p (a int);\n\
            CREATE UNIQUE INDEX p_a_key ON p (a);\n\
            ALTER TABLE p ADD CONSTRAINT p_a_key FOREIGN KEY (a) REFERENCES u;\n";
        assert_eq!(keys_after(index_named).len(), 1);
    }

    /// Keys to another schema's tables are kept (a multi-schema project's
    /// relations); dropping a referenced key with CASCADE drops the keys
    /// that reference it, without CASCADE it does not.
    #[test]
    fn foreign_keys_across_schemas_and_cascading_drops() {
        let across = "CREATE TABLE base.\"User\" (id int PRIMARY KEY);\n\
            CREATE TABLE shop.\"Order\" (id int PRIMARY KEY, \"userId\" int);\n\
            ALTER TABLE shop.\"Order\" ADD CONSTRAINT \"Order_userId_fkey\" FOREIGN KEY (\"userId\") REFERENCES base.\"User\"(id);\n";
        assert_eq!(keys_after(across).len(), 1);
        let keyed = "CREATE TABLE u (id int, CONSTRAINT u_pkey PRIMARY KEY (id));\n\
            CREATE UNIQUE INDEX u_code ON u (id);\n\
            CREATE TABLE p (a int REFERENCES u (id));\n";
        assert_eq!(keys_after(keyed).len(), 1);
        let cascade = format!("{keyed}ALTER TABLE u DROP CONSTRAINT u_pkey CASCADE;\n");
        assert!(keys_after(&cascade).is_empty());
        // The key depends on the primary key, the older index: dropping
        // the younger leaves it, as PostgreSQL 15 does.
        let index_cascade = format!("{keyed}DROP INDEX u_code CASCADE;\n");
        assert_eq!(keys_after(&index_cascade).len(), 1);
        let younger_gone = "CREATE TABLE u (id int NOT NULL);\n\
            CREATE UNIQUE INDEX u_code ON u (id);\n\
            CREATE TABLE p (a int REFERENCES u (id));\n\
            DROP INDEX u_code CASCADE;\n";
        assert!(keys_after(younger_gone).is_empty());
        let restrict = format!("{keyed}ALTER TABLE u DROP CONSTRAINT u_pkey;\n");
        assert_eq!(keys_after(&restrict).len(), 1);
    }
}

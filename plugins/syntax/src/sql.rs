//! PostgreSQL syntax trees as rules see them, and the statement view rules
//! reason with.
//!
//! The host parses each `.sql` file once per run (with the `squawk` parser,
//! natively) and hands every rule that asked for SQL the same flattened tree:
//! nodes and tokens in pre-order with byte ranges, comments and whitespace
//! left out. The PL/pgSQL of `DO` blocks and plpgsql functions is parsed too
//! and spliced in below the statement, and a constant `EXECUTE '...'` string
//! is parsed as SQL below the `EXECUTE`, all with ranges in the file, so
//! rules find guarded statements where they really are.
//!
//! Because comments, string literals, quoted identifiers and dollar-quoted
//! bodies are tokens of the tree, never statements, `-- DROP TABLE x` or
//! `'TRUNCATE'` can never look like a statement to a rule.
//!
//! With the `parser` feature, [`parse`] builds the tree natively, the same
//! code the host runs, so rules are unit-tested on real SQL without wasm.

/// A node or token of the flattened tree, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawNode {
    pub kind: u16,
    pub start: u32,
    pub end: u32,
    pub parent: u32,
    pub token: bool,
}

impl RawNode {
    /// Bit 31 of a packed node's first number: the node is a token.
    pub const TOKEN_BIT: u32 = 1 << 31;

    /// The node as the four numbers interfaces 0.3.0 and later send (`sql-tree.nodes`):
    /// kind (with [`Self::TOKEN_BIT`] for a token), start, end, parent.
    pub fn pack(&self) -> [u32; 4] {
        let token = if self.token { Self::TOKEN_BIT } else { 0 };
        [
            u32::from(self.kind) | token,
            self.start,
            self.end,
            self.parent,
        ]
    }

    /// The nodes of a packed list (an incomplete last group is ignored).
    pub fn unpack(packed: &[u32]) -> impl Iterator<Item = RawNode> + '_ {
        packed.chunks_exact(4).map(|n| RawNode {
            kind: (n[0] & 0xffff) as u16,
            token: n[0] & Self::TOKEN_BIT != 0,
            start: n[1],
            end: n[2],
            parent: n[3],
        })
    }
}

/// A parse error, with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub start: u32,
    pub end: u32,
}

/// The kind-name table a tree's nodes index. One table serves every tree of
/// a run (interface 0.4.0): the parser's whole set of kinds, shared rather
/// than copied per tree. The names live as long as the process (natively)
/// or the instance (in a plugin, one call), so they are `'static` slices
/// of one string rather than 2,000 separate allocations.
pub type KindNames = std::sync::Arc<[&'static str]>;

/// A file's syntax tree.
///
/// A tree that came over the wire is kept in its packed form and lifted
/// (unpacked, repaired, indexed) the first time a rule navigates it: a rule
/// that skips a file by its path (idempotency skips Prisma's own
/// migrations by default) pays for copying the tree into its sandbox, but
/// not for lifting it, and a call that lifts no tree never asks the host
/// for the kind-name table.
pub struct SqlTree {
    lifted: std::sync::OnceLock<Lifted>,
    /// The wire form (four numbers per node) until the first navigation,
    /// which takes it (freed for the next tree's lift rather than kept
    /// beside its lifted copy); empty for trees built already lifted
    /// ([`SqlTree::new`]).
    packed: std::sync::Mutex<Vec<u32>>,
    /// Where a packed tree's kind-name table comes from.
    kinds: fn() -> KindNames,
    errors: Vec<SyntaxError>,
}

/// The navigable form of a tree: what [`Node`]s point into.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lifted {
    kinds: KindNames,
    nodes: Vec<RawNode>,
    /// Pre-order: the descendants of node `i` are `i + 1 .. subtree_end[i]`.
    subtree_end: Vec<u32>,
}

impl Lifted {
    /// Repairs malformed input (a parent index that does not precede its
    /// child is attached to the root, an unknown kind becomes kind 0, an
    /// inverted range is emptied), so navigation never panics.
    fn new(kinds: KindNames, mut nodes: Vec<RawNode>) -> Self {
        for (i, node) in nodes.iter_mut().enumerate() {
            if i == 0 || node.parent as usize >= i {
                node.parent = 0;
            }
            if usize::from(node.kind) >= kinds.len() {
                node.kind = 0;
            }
            if node.end < node.start {
                node.end = node.start;
            }
        }
        let len = nodes.len();
        let mut subtree_end: Vec<u32> = (0..len).map(|i| i as u32 + 1).collect();
        // Children come after parents, so a reverse sweep propagates ends up.
        for i in (1..len).rev() {
            let parent = nodes[i].parent as usize;
            if subtree_end[i] > subtree_end[parent] {
                subtree_end[parent] = subtree_end[i];
            }
        }
        Self {
            kinds,
            nodes,
            subtree_end,
        }
    }
}

impl Clone for SqlTree {
    fn clone(&self) -> Self {
        Self::new(
            self.lifted().kinds.clone(),
            self.lifted().nodes.clone(),
            self.errors.clone(),
        )
    }
}

impl std::fmt::Debug for SqlTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlTree")
            .field("nodes", &self.lifted().nodes.len())
            .field("errors", &self.errors)
            .finish()
    }
}

impl PartialEq for SqlTree {
    fn eq(&self, other: &Self) -> bool {
        self.errors == other.errors && self.lifted() == other.lifted()
    }
}

impl Eq for SqlTree {}

impl SqlTree {
    /// Builds a tree from its nodes, lifted at once. Malformed input (a
    /// parent index that does not precede its child) is repaired by
    /// attaching the node to the root, so navigation never panics. `kinds`
    /// is a table of its own (`Vec<&'static str>`) or a shared one
    /// ([`KindNames`]).
    pub fn new(kinds: impl Into<KindNames>, nodes: Vec<RawNode>, errors: Vec<SyntaxError>) -> Self {
        Self {
            lifted: std::sync::OnceLock::from(Lifted::new(kinds.into(), nodes)),
            packed: std::sync::Mutex::default(),
            kinds: || KindNames::from([]),
            errors,
        }
    }

    /// A tree in its wire form (four numbers per node, [`RawNode::pack`]),
    /// lifted on first navigation with the kind table `kinds` returns then,
    /// and repaired as [`SqlTree::new`] repairs.
    pub fn packed(packed: Vec<u32>, kinds: fn() -> KindNames, errors: Vec<SyntaxError>) -> Self {
        Self {
            lifted: std::sync::OnceLock::new(),
            packed: std::sync::Mutex::new(packed),
            kinds,
            errors,
        }
    }

    fn lifted(&self) -> &Lifted {
        self.lifted.get_or_init(|| {
            // The lock is held only for the take, which cannot panic, so
            // it is never poisoned; `into_inner` keeps that from being a
            // panic of ours.
            let packed =
                std::mem::take(&mut *self.packed.lock().unwrap_or_else(|e| e.into_inner()));
            Lifted::new((self.kinds)(), RawNode::unpack(&packed).collect())
        })
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The kind-name table (the wire form; rules use [`Node::kind`]).
    pub fn raw_kinds(&self) -> &[&'static str] {
        &self.lifted().kinds
    }

    /// The nodes in pre-order (the wire form).
    pub fn raw_nodes(&self) -> &[RawNode] {
        &self.lifted().nodes
    }

    pub fn len(&self) -> usize {
        self.lifted().nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lifted().nodes.is_empty()
    }

    /// The root (`SOURCE_FILE`), if the tree has nodes.
    pub fn root(&self) -> Option<Node<'_>> {
        let tree = self.lifted();
        (!tree.nodes.is_empty()).then_some(Node { tree, index: 0 })
    }

    /// Every node and token, in pre-order.
    pub fn nodes(&self) -> impl Iterator<Item = Node<'_>> {
        let tree = self.lifted();
        (0..tree.nodes.len() as u32).map(move |index| Node { tree, index })
    }

    /// The statements of the file, top level first-class and nested alike:
    /// children of a `SOURCE_FILE` (the file's, or one parsed from an
    /// `EXECUTE` string) and statements run by PL/pgSQL (`DO` bodies,
    /// functions), in source order.
    pub fn statements(&self) -> impl Iterator<Item = Statement<'_>> {
        self.nodes().filter_map(|node| {
            if node.is_token() {
                return None;
            }
            let parent = node.parent()?;
            match parent.kind() {
                "SOURCE_FILE" | "PLPGSQL_EXEC_SQL_STMT" => Some(Statement { node }),
                _ => None,
            }
        })
    }
}

/// A node or token of a [`SqlTree`].
/// Cheap to copy; the iterator methods take it by value so their results
/// can outlive the variable they were called on.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    tree: &'a Lifted,
    index: u32,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}..{}", self.kind(), self.start(), self.end())
    }
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.index == other.index
    }
}

impl<'a> Node<'a> {
    fn raw(&self) -> RawNode {
        self.tree.nodes[self.index as usize]
    }

    /// The parser's kind name, e.g. `CREATE_TABLE`, `IF_NOT_EXISTS`, `IDENT`.
    pub fn kind(&self) -> &'a str {
        self.tree
            .kinds
            .get(usize::from(self.raw().kind))
            .copied()
            .unwrap_or("")
    }

    /// True for tokens (keywords end in `_KW`; identifiers, literals and
    /// punctuation are tokens too): they have no descendants.
    pub fn is_token(&self) -> bool {
        self.raw().token
    }

    pub fn start(&self) -> usize {
        self.raw().start as usize
    }

    pub fn end(&self) -> usize {
        self.raw().end as usize
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The node's text in `source` (the file's text).
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.range()).unwrap_or("")
    }

    pub fn parent(&self) -> Option<Node<'a>> {
        (self.index != 0).then(|| Node {
            tree: self.tree,
            index: self.raw().parent,
        })
    }

    /// Parent, grandparent, ... up to the root.
    pub fn ancestors(self) -> impl Iterator<Item = Node<'a>> {
        std::iter::successors(self.parent(), |n| n.parent())
    }

    /// All nodes below this one, in pre-order.
    pub fn descendants(self) -> impl Iterator<Item = Node<'a>> {
        let tree = self.tree;
        (self.index + 1..tree.subtree_end[self.index as usize])
            .map(move |index| Node { tree, index })
    }

    /// Direct children, in source order.
    pub fn children(self) -> impl Iterator<Item = Node<'a>> {
        // Pre-order: the first child follows its parent, and each next
        // sibling follows the previous one's subtree. Hopping over subtrees
        // makes this O(children), not O(descendants); rules call `child()`
        // on every node they look at.
        let tree = self.tree;
        let end = tree.subtree_end[self.index as usize];
        std::iter::successors(Some(self.index + 1), move |&i| {
            tree.subtree_end.get(i as usize).copied()
        })
        .take_while(move |&i| i < end)
        .map(move |index| Node { tree, index })
    }

    /// The first direct child of `kind`.
    pub fn child(&self, kind: &str) -> Option<Node<'a>> {
        self.children().find(|n| n.kind() == kind)
    }

    pub fn has_child(&self, kind: &str) -> bool {
        self.child(kind).is_some()
    }

    /// The first descendant of `kind`.
    pub fn find(&self, kind: &str) -> Option<Node<'a>> {
        self.descendants().find(|n| n.kind() == kind)
    }

    /// True when `other` is this node or below it.
    pub fn contains(&self, other: &Node<'_>) -> bool {
        other.index >= self.index && other.index < self.tree.subtree_end[self.index as usize]
    }
}

/// Why a nested statement is safe to run twice (or not): the PL/pgSQL
/// around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// Inside `IF NOT EXISTS (...) THEN` (or `IF NOT FOUND`, or a negated
    /// existence test): runs only when the object is missing.
    IfNotExists,
    /// Inside `IF EXISTS (...) THEN`: runs only when the object is present.
    IfExists,
    /// Inside another `IF`/`ELSIF`/`ELSE` branch: conditional, but on what
    /// the parser cannot tell.
    Conditional,
    /// Inside a block whose `EXCEPTION WHEN` handler catches these
    /// conditions (lower-cased, e.g. `duplicate_object`, `others`).
    Handles(Vec<String>),
}

/// A statement of a [`SqlTree`], with helpers for the questions rules ask.
#[derive(Clone, Copy, Debug)]
pub struct Statement<'a> {
    pub node: Node<'a>,
}

impl<'a> Statement<'a> {
    /// The statement kind, e.g. `CREATE_TABLE`, `ALTER_TABLE`, `DO`.
    pub fn kind(&self) -> &'a str {
        self.node.kind()
    }

    /// True when any descendant of `kind` exists (e.g. `IF_NOT_EXISTS`,
    /// `CONCURRENTLY_KW`, `WHERE_CLAUSE`). Spliced sub-trees (a `DO` body)
    /// are descendants too: use [`Statement::has_own`] to exclude them.
    pub fn has(&self, kind: &str) -> bool {
        self.node.find(kind).is_some()
    }

    /// Like [`Statement::has`], but not looking into nested statements or
    /// spliced PL/pgSQL.
    pub fn has_own(&self, kind: &str) -> bool {
        self.own_nodes().any(|n| n.kind() == kind)
    }

    /// Descendants that belong to this statement itself, not to statements
    /// nested in it (a `DO` body, a function body, an `EXECUTE` string).
    pub fn own_nodes(&self) -> impl Iterator<Item = Node<'a>> {
        let mut skip_until = 0u32;
        self.node.descendants().filter(move |n| {
            if n.index < skip_until {
                return false;
            }
            if matches!(n.kind(), "PLPGSQL" | "SOURCE_FILE") {
                skip_until = n.tree.subtree_end[n.index as usize];
                return false;
            }
            true
        })
    }

    /// True when the statement runs inside PL/pgSQL (a `DO` block, a
    /// function) or from an `EXECUTE` string.
    pub fn is_nested(&self) -> bool {
        self.node.ancestors().any(|a| {
            matches!(
                a.kind(),
                "PLPGSQL_EXEC_SQL_STMT" | "PLPGSQL_DYN_EXECUTE_STMT"
            )
        })
    }

    /// True when the statement is inside a function or procedure body (it
    /// runs when the function is called, not when the migration runs).
    pub fn in_function_body(&self) -> bool {
        self.node
            .ancestors()
            .any(|a| matches!(a.kind(), "CREATE_FUNCTION" | "CREATE_PROCEDURE"))
    }

    /// The PL/pgSQL guards around this statement, innermost first. `source`
    /// is the file's text (conditions are read from it).
    pub fn guards(&self, source: &str) -> Vec<Guard> {
        let mut guards = Vec::new();
        let mut child = self.node;
        for ancestor in self.node.ancestors() {
            match ancestor.kind() {
                "PLPGSQL_IF_STMT" | "PLPGSQL_ELSIF_CLAUSE" => {
                    // Only the THEN body is guarded by the condition.
                    let condition = ancestor.child("PLPGSQL_EXPR");
                    let in_condition = condition.is_some_and(|c| c.contains(&child));
                    let in_then = ancestor
                        .children()
                        .find(|c| c.kind() == "PLPGSQL_BODY")
                        .is_some_and(|b| b.contains(&child));
                    if !in_condition {
                        guards.push(if in_then {
                            condition
                                .map_or(Guard::Conditional, |c| classify_condition(c.text(source)))
                        } else {
                            Guard::Conditional
                        });
                    }
                }
                "PLPGSQL_ELSE_CLAUSE" | "PLPGSQL_CASE_STMT" | "PLPGSQL_WHILE_STMT" => {
                    guards.push(Guard::Conditional);
                }
                "PLPGSQL_BLOCK" => {
                    let in_body = ancestor
                        .child("PLPGSQL_BODY")
                        .is_some_and(|b| b.contains(&child));
                    if in_body && let Some(section) = ancestor.child("PLPGSQL_EXCEPTION_SECTION") {
                        let conditions: Vec<String> = section
                            .descendants()
                            .filter(|n| n.kind() == "PLPGSQL_CONDITION")
                            .map(|n| n.text(source).trim().to_ascii_lowercase())
                            .collect();
                        guards.push(Guard::Handles(conditions));
                    }
                }
                _ => {}
            }
            child = ancestor;
        }
        guards
    }

    /// The first name-like node of this statement's own nodes, as written
    /// (e.g. the table of `CREATE TABLE`).
    pub fn name_text(&self, source: &'a str, kinds: &[&str]) -> Option<&'a str> {
        self.own_nodes()
            .find(|n| kinds.contains(&n.kind()))
            .map(|n| n.text(source).trim())
    }
}

/// The parts of a possibly schema-qualified SQL name, as PostgreSQL resolves
/// them: `public."User"` → `["public", "User"]`, `Users` → `["users"]`
/// (unquoted names fold to lower case; `""` inside quotes is one `"`; each
/// part keeps at most [`MAX_IDENTIFIER`] bytes, as PostgreSQL stores it).
pub fn name_segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(q) = chars.next() {
                    if q == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            current.push('"');
                        } else {
                            break;
                        }
                    } else {
                        current.push(q);
                    }
                }
            }
            '.' => out.push(truncate_identifier(std::mem::take(&mut current))),
            c if c.is_whitespace() => {}
            c => current.extend(c.to_lowercase()),
        }
    }
    out.push(truncate_identifier(current));
    out
}

/// The longest identifier PostgreSQL keeps, in bytes (`NAMEDATALEN` - 1);
/// longer ones are cut, with a notice.
pub const MAX_IDENTIFIER: usize = 63;

/// `name` cut to [`MAX_IDENTIFIER`] bytes at a character boundary.
pub fn truncate_identifier(mut name: String) -> String {
    name.truncate(prefix_within(&name, MAX_IDENTIFIER).len());
    name
}

/// The longest prefix of `text` of at most `max` bytes that ends at a
/// character boundary (identifiers are cut in bytes, never inside a
/// character).
pub fn prefix_within(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The object name of a possibly schema-qualified SQL name (the last of
/// [`name_segments`]): `public."User"` → `User`.
pub fn object_name(text: &str) -> String {
    name_segments(text).pop().unwrap_or_default()
}

fn classify_condition(condition: &str) -> Guard {
    let normalized: String = condition
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    if normalized.starts_with("not exists")
        || normalized.starts_with("not found")
        || normalized.contains("is null")
        || (normalized.starts_with("not ") && normalized.contains("exists"))
    {
        Guard::IfNotExists
    } else if normalized.starts_with("exists") || normalized == "found" {
        Guard::IfExists
    } else {
        Guard::Conditional
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_like_postgresql() {
        assert_eq!(name_segments("public.\"User\""), ["public", "User"]);
        assert_eq!(object_name("Users"), "users");
        // PostgreSQL keeps 63 bytes of a name, quoted or not.
        let long = "a".repeat(70);
        assert_eq!(object_name(&long), "a".repeat(63));
        assert_eq!(
            name_segments(&format!("s.\"{}\"", "é".repeat(40))),
            ["s".to_owned(), "é".repeat(31)]
        );
        assert_eq!(object_name("\"a\"\"b\""), "a\"b");
        assert_eq!(object_name(" \"Mixed\" "), "Mixed");
    }

    fn kinds() -> KindNames {
        KindNames::from(["SOURCE_FILE", "CREATE_TABLE", "IDENT"])
    }

    fn never() -> KindNames {
        panic!("a tree nobody navigates must not be lifted")
    }

    /// A packed tree is lifted only when navigated: reading its errors,
    /// moving or dropping it never asks for the kind table.
    #[test]
    fn packed_trees_are_lifted_on_first_navigation() {
        let error = SyntaxError {
            message: "oops".to_owned(),
            start: 0,
            end: 1,
        };
        let tree = SqlTree::packed(vec![0, 0, 9, 0], never, vec![error.clone()]);
        assert_eq!(tree.errors(), [error]);
        let moved = tree;
        drop(moved);
    }

    /// Lifting repairs what `SqlTree::new` repairs: a parent that does not
    /// precede its child, an unknown kind, an inverted range.
    #[test]
    fn packed_and_eager_trees_agree_even_on_malformed_input() {
        let nodes = vec![
            RawNode {
                kind: 0,
                start: 0,
                end: 20,
                parent: 0,
                token: false,
            },
            RawNode {
                kind: 1,
                start: 0,
                end: 20,
                parent: 0,
                token: false,
            },
            RawNode {
                kind: 2,
                start: 13,
                end: 14,
                parent: 1,
                token: true,
            },
            RawNode {
                kind: 99,
                start: 9,
                end: 3,
                parent: 7,
                token: true,
            },
        ];
        let packed: Vec<u32> = nodes.iter().flat_map(RawNode::pack).collect();
        let lazy = SqlTree::packed(packed, kinds, Vec::new());
        let eager = SqlTree::new(kinds(), nodes, Vec::new());
        assert_eq!(lazy, eager);
        assert_eq!(lazy.clone(), eager);
        let root = lazy.root().expect("root");
        let kinds: Vec<&str> = root.descendants().map(|n| n.kind()).collect();
        assert_eq!(kinds, ["CREATE_TABLE", "IDENT", "SOURCE_FILE"]);
        let repaired = lazy.nodes().last().expect("node");
        assert_eq!((repaired.range(), repaired.parent()), (9..9, Some(root)));
        assert_eq!(lazy.statements().count(), 1);
    }
}

#[cfg(feature = "parser")]
mod parser;
#[cfg(feature = "parser")]
pub use parser::{MAX_NESTING, SOURCE_FILE_KIND, kind_names, parse, parse_packed};

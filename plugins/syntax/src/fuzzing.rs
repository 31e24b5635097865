//! Invariant checks shared by the fuzz targets (`tests/fuzz/`) and their
//! regression tests (`tests/fuzz_regressions.rs`). Not part of this crate's
//! API: each function parses `text` the way the host or a rule does, walks
//! the result through the accessors rules call, and returns the first
//! broken invariant as an error (a panic inside the parser is a failure
//! too, of course).

use crate::text::Span;

/// Parses `text` as SQL ([`crate::sql::parse`], with its `DO`-body and
/// `EXECUTE`-string splicing) and checks what the host and the rules rely
/// on: the root is a `SOURCE_FILE` covering the whole text; every node's
/// range lies within the text, on character boundaries, and within its
/// parent's range; a parent precedes its children, is not a token, and the
/// nodes are in pre-order (each subtree is contiguous); `children()` agrees
/// with the parent indexes; error ranges lie within the text. The
/// statement helpers rules use (`statements`, `guards`, `own_nodes`,
/// `name_text`) run over every statement.
#[cfg(feature = "parser")]
pub fn check_sql(text: &str) -> Result<(), String> {
    let tree = crate::sql::parse(text);
    let nodes = tree.raw_nodes();
    let kinds = tree.raw_kinds();
    let root = tree.root().ok_or("the tree has no root")?;
    if root.kind() != "SOURCE_FILE" || root.start() != 0 || root.end() != text.len() {
        return Err(format!(
            "root is {root:?}, not SOURCE_FILE@0..{}",
            text.len()
        ));
    }
    let in_text = |start: usize, end: usize| {
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    // The path from the root to the previous node: pre-order means each
    // node's parent is on it.
    let mut path: Vec<usize> = Vec::new();
    let mut children = vec![0usize; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        let (start, end) = (node.start as usize, node.end as usize);
        if !in_text(start, end) {
            return Err(format!(
                "node {i} ({}) has range {start}..{end}, outside the text or off a char boundary (len {})",
                kinds.get(usize::from(node.kind)).copied().unwrap_or("?"),
                text.len()
            ));
        }
        if usize::from(node.kind) >= kinds.len() {
            return Err(format!(
                "node {i} has kind {} of {}",
                node.kind,
                kinds.len()
            ));
        }
        if i == 0 {
            path.push(0);
            continue;
        }
        let parent = node.parent as usize;
        if parent >= i {
            return Err(format!("node {i} has parent {parent}, not before it"));
        }
        let p = nodes[parent];
        if p.token {
            return Err(format!("node {i} has the token {parent} as parent"));
        }
        if start < p.start as usize || end > p.end as usize {
            return Err(format!(
                "node {i} ({start}..{end}) is outside its parent {parent} ({}..{})",
                p.start, p.end
            ));
        }
        while path.last().is_some_and(|&top| top != parent) {
            path.pop();
        }
        if path.is_empty() {
            return Err(format!(
                "node {i}: parent {parent} is not an ancestor of node {} (not pre-order)",
                i - 1
            ));
        }
        path.push(i);
        children[parent] += 1;
    }
    // `nodes()` yields in index order.
    for (node, &counted) in tree.nodes().zip(&children) {
        let walked = node.children().count();
        if counted != walked {
            return Err(format!(
                "{node:?}: children() yields {walked}, parent indexes say {counted}"
            ));
        }
    }
    for error in tree.errors() {
        let (start, end) = (error.start as usize, error.end as usize);
        if start > end || end > text.len() {
            return Err(format!(
                "error {:?} has range {start}..{end} outside the text (len {})",
                error.message,
                text.len()
            ));
        }
    }
    for statement in tree.statements() {
        let _ = statement.guards(text);
        let _ = statement.is_nested();
        let _ = statement.in_function_body();
        let _ = statement.has_own("IF_NOT_EXISTS");
        let _ = statement.name_text(text, &["PATH", "NAME", "NAME_REF"]);
        if statement.node.text(text).len() != statement.node.end() - statement.node.start() {
            return Err(format!("{:?}: text() is not its range", statement.node));
        }
    }
    Ok(())
}

/// Parses `text` as a Prisma schema and checks that every span (blocks,
/// names, fields, attributes, arguments, properties, enum values, errors)
/// is inside the text (1-based lines and columns, columns at most one past
/// the line's last character) and does not end before it starts; the
/// helpers rules call (`indexes`, `relation`, `field_kind`, `Display`) run
/// on everything.
pub fn check_prisma(text: &str) -> Result<(), String> {
    let schema = crate::prisma::parse(text);
    let lines: Vec<usize> = text.split('\n').map(|l| l.chars().count()).collect();
    let check = |what: &str, span: Span| -> Result<(), String> {
        let ok = |line: u32, column: u32| {
            line >= 1
                && column >= 1
                && lines
                    .get(line as usize - 1)
                    .is_some_and(|&len| column as usize <= len + 1)
        };
        if !ok(span.line, span.column)
            || !ok(span.end_line, span.end_column)
            || (span.end_line, span.end_column) < (span.line, span.column)
        {
            return Err(format!("{what}: span {span:?} is outside the text"));
        }
        Ok(())
    };
    fn expr(
        check: &dyn Fn(&str, Span) -> Result<(), String>,
        e: &crate::prisma::Expr,
    ) -> Result<(), String> {
        use crate::prisma::Expr;
        let _ = e.to_string();
        let _ = e.names();
        let _ = e.strings();
        match e {
            Expr::Call { args, .. } => args_ok(check, args),
            Expr::Array(items) => items.iter().try_for_each(|item| expr(check, item)),
            _ => Ok(()),
        }
    }
    fn args_ok(
        check: &dyn Fn(&str, Span) -> Result<(), String>,
        args: &[crate::prisma::Arg],
    ) -> Result<(), String> {
        for arg in args {
            check("argument", arg.span)?;
            expr(check, &arg.value)?;
        }
        Ok(())
    }
    let attributes = |attributes: &[crate::prisma::Attribute]| -> Result<(), String> {
        for attribute in attributes {
            check(&format!("attribute @{}", attribute.name), attribute.span)?;
            args_ok(&check, &attribute.args)?;
        }
        Ok(())
    };
    for error in &schema.errors {
        check(&format!("error {:?}", error.message), error.span)?;
        let _ = error.to_string();
    }
    for datasource in &schema.datasources {
        check("datasource", datasource.span)?;
        for property in &datasource.properties {
            check("property", property.span)?;
            expr(&check, &property.value)?;
        }
    }
    for generator in &schema.generators {
        check("generator", generator.span)?;
        for property in &generator.properties {
            check("property", property.span)?;
            expr(&check, &property.value)?;
        }
    }
    for model in schema
        .models
        .iter()
        .chain(&schema.views)
        .chain(&schema.types)
    {
        check(&format!("model {}", model.name), model.span)?;
        check(&format!("model name {}", model.name), model.name_span)?;
        attributes(&model.attributes)?;
        let _ = (model.schema(), model.table_name(), model.primary_key());
        for index in model.indexes() {
            check("index", index.span)?;
        }
        for field in &model.fields {
            check(&format!("field {}", field.name), field.span)?;
            attributes(&field.attributes)?;
            let _ = (
                field.native_type(),
                field.default_value(),
                field.column_name(),
            );
            let _ = schema.relation_name(model, field);
            if let Some(relation) = field.relation() {
                check("relation", relation.span)?;
            }
        }
    }
    for e in &schema.enums {
        check(&format!("enum {}", e.name), e.span)?;
        check(&format!("enum name {}", e.name), e.name_span)?;
        attributes(&e.attributes)?;
        let _ = (e.schema(), e.type_name());
        for value in &e.values {
            check(&format!("enum value {}", value.name), value.span)?;
            attributes(&value.attributes)?;
        }
    }
    Ok(())
}

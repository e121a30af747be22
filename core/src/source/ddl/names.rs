//! Names: words and qualified names of statement text, identifiers, name resolution on the
//! search path.

use super::*;

/// Words of a statement for hand-written recognisers: quoted strings and identifiers stay whole.
pub(super) fn sql_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                cur.push(c);
                quote = Some(c);
            }
            None if c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ';' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A statement's text as written, without its `;`.
pub(super) fn as_written(text: &str) -> String {
    text.trim().trim_end_matches(';').trim_end().to_string()
}

/// One identifier's stored text (`"Foo"` → `Foo`, `Foo` → `foo`).
pub(super) fn ident_text(text: &str) -> String {
    let t = text.trim();
    // An empty search path (pg_dump's) or `"$user"` leaves unqualified names in `public`.
    if t.is_empty() || t == "''" || t == "\"$user\"" || t.eq_ignore_ascii_case("pg_catalog") {
        return "public".to_string();
    }
    split_qualified(text.trim()).pop().unwrap_or_default()
}

/// An identifier as PostgreSQL stores it: unquoted ones folded to lower case (ASCII letters
/// only, as `downcase_identifier` does in a multibyte encoding), every one cut to 63 bytes.
pub(super) fn ident(i: &ast::Ident) -> String {
    crate::normalize::truncate_identifier(if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_ascii_lowercase()
    })
}

impl Cx<'_> {
    /// Warns where a name `st` wrote, cut to 63 bytes, is the same as another name written
    /// otherwise (in `cut`: each stored name's first spelling and line): PostgreSQL reads both
    /// as one, so the second refers to the first's object or clashes with it.
    pub(super) fn names_cut(
        &mut self,
        st: &RawStatement<'_>,
        cut: &mut BTreeMap<String, (String, u32)>,
    ) {
        let cuts = crate::normalize::take_truncated();
        if cuts.is_empty() {
            return;
        }
        let line = self.span(st.start, st.end).line;
        for (written, stored) in cuts {
            match cut.get(&stored) {
                Some((first, at)) if *first != written => {
                    let msg = format!(
                        "{} and {} (line {at}) are cut to the same 63 bytes by PostgreSQL, {}: where they name objects of one kind in one place, PostgreSQL takes them for one",
                        quote_ident(&written),
                        quote_ident(first),
                        quote_ident(&stored)
                    );
                    self.diag(Severity::Warning, DiagKind::Syntax, msg, st.start, st.end);
                }
                Some(_) => {}
                None => {
                    cut.insert(stored, (written, line));
                }
            }
        }
    }
}

pub(super) fn part_text(p: &ObjectNamePart) -> String {
    match p {
        ObjectNamePart::Identifier(i) => ident(i),
        ObjectNamePart::Function(f) => f.to_string(),
    }
}

pub(super) fn index_column_name(c: &ast::IndexColumn) -> String {
    match strip_nested(&c.column.expr) {
        ast::Expr::Identifier(i) => ident(i),
        other => other.to_string(),
    }
}

/// The columns an expression references, in first-seen order.
pub(super) fn referenced_columns(e: &ast::Expr) -> Vec<String> {
    // The canonical text lists identifiers; reparsing would be wasteful, so walk the common
    // shapes and fall back to none (PostgreSQL then names the check `<table>_check`).
    let mut out: Vec<String> = Vec::new();
    collect_idents(e, &mut out);
    out
}

pub(super) fn collect_idents(e: &ast::Expr, out: &mut Vec<String>) {
    use ast::Expr as E;
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    match e {
        E::Identifier(i) => push(ident(i)),
        E::CompoundIdentifier(ids) => {
            if let Some(i) = ids.last() {
                push(ident(i));
            }
        }
        E::Nested(x)
        | E::UnaryOp { expr: x, .. }
        | E::IsNull(x)
        | E::IsNotNull(x)
        | E::IsTrue(x)
        | E::IsFalse(x) => collect_idents(x, out),
        E::Cast { expr, .. } => collect_idents(expr, out),
        E::BinaryOp { left, right, .. }
        | E::AnyOp { left, right, .. }
        | E::AllOp { left, right, .. } => {
            collect_idents(left, out);
            collect_idents(right, out);
        }
        E::In { expr, target, .. } => {
            collect_idents(expr, out);
            if let ast::InTarget::List(list) = target {
                for x in list {
                    collect_idents(x, out);
                }
            }
        }
        E::Between {
            expr, low, high, ..
        } => {
            collect_idents(expr, out);
            collect_idents(low, out);
            collect_idents(high, out);
        }
        E::Like { expr, pattern, .. }
        | E::ILike { expr, pattern, .. }
        | E::SimilarTo { expr, pattern, .. } => {
            collect_idents(expr, out);
            collect_idents(pattern, out);
        }
        E::Function(f) => {
            if let FunctionArguments::List(l) = &f.args {
                for a in &l.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) = a {
                        collect_idents(x, out);
                    }
                }
            }
        }
        E::Array(a) => {
            for x in &a.elem {
                collect_idents(x, out);
            }
        }
        E::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            if let Some(o) = operand {
                collect_idents(o, out);
            }
            for c in conditions {
                collect_idents(&c.condition, out);
                collect_idents(&c.result, out);
            }
            if let Some(e) = else_result {
                collect_idents(e, out);
            }
        }
        _ => {}
    }
}

/// A column reference `[schema.]table.column`.
pub(super) fn resolve_column(parts: &[String], search_path: &str) -> Option<(QualName, String)> {
    let (column, table) = parts.split_last()?;
    if table.is_empty() {
        return None;
    }
    Some((resolve(table, search_path), column.clone()))
}

/// A collation's name as the IR keeps it: `pg_catalog."C"` and `public.x` are found by the
/// search path, so canonically unqualified, as psql shows them.
pub(super) fn collation_name(parts: &[String]) -> String {
    match parts {
        [s, n] if s == "pg_catalog" || s == "public" => n.clone(),
        _ => parts.join("."),
    }
}

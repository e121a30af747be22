//! Views: a view's query in the form PostgreSQL stores it, so that the text someone wrote and
//! the text `pg_get_viewdef` (and so `pg_dump`) prints compare equal.
//!
//! PostgreSQL keeps a view as its analysed query: `*` is expanded to the columns the relations
//! had then, every column reference is qualified with its relation, every output column that
//! is not a plain column of the same name gets `AS name` (the name PostgreSQL chose for it), and
//! the implicit casts are written out. The canonical form below does the same with the columns
//! the schema knows, and otherwise leans on the expression canonicalization of the DDL source.
//! What it cannot analyse (common table expressions, subqueries in expressions) is compared as
//! the parser prints it.

use sqlparser::ast::{self, Distinct, GroupByExpr, JoinConstraint, JoinOperator, SelectItem};

use super::{canon_in, ident, part_text, resolve, strip_nested};
use crate::normalize::canonical_type;
use crate::quote::{quote_ident, quote_idents};
use crate::schema::{QualName, Schema};

/// A view whose query waits for every relation to be known.
pub(super) struct Pending {
    pub name: QualName,
    pub query: Box<ast::Query>,
    /// The column list of `CREATE VIEW v (a, b)`.
    pub columns: Vec<String>,
    pub search_path: String,
}

/// The relations a query's column references can name, in `FROM` order; or one table's
/// columns with their types, for its own expressions (checks, generated columns).
pub(super) struct Cols {
    rels: Vec<Rel>,
    /// Qualify references with their relation (a query's), or leave them as they are (a table's).
    qualify: bool,
    /// Column types, for a table's own expressions.
    types: Vec<(String, String)>,
}

struct Rel {
    /// The name references use: the alias, or the relation's own name.
    refname: String,
    /// Its columns, when known.
    columns: Option<Vec<String>>,
}

impl Cols {
    fn query() -> Self {
        Cols {
            rels: Vec::new(),
            qualify: true,
            types: Vec::new(),
        }
    }

    /// One table's columns and their (canonical) types.
    pub(super) fn table(types: Vec<(String, String)>) -> Self {
        Cols {
            rels: Vec::new(),
            qualify: false,
            types,
        }
    }

    /// Does any relation in scope have this column?
    fn has_column(&self, name: &str) -> bool {
        self.rels.iter().any(|r| {
            r.columns
                .as_ref()
                .is_some_and(|cols| cols.iter().any(|c| c == name))
        })
    }

    /// The type of a plain column reference, when known.
    pub(super) fn type_of(&self, e: &ast::Expr) -> Option<&str> {
        let name = column_name(e)?;
        self.types
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.as_str())
    }

    /// A column reference, qualified as PostgreSQL prints it: `a` → `t.a` when exactly one
    /// relation has `a`; `s.t.a` → `t.a`.
    pub(super) fn column(&self, parts: &[String]) -> String {
        if !self.qualify {
            return parts
                .iter()
                .map(|p| quote_ident(p))
                .collect::<Vec<_>>()
                .join(".");
        }
        match parts {
            [c] => {
                let mut hits = self.rels.iter().filter(|r| {
                    r.columns
                        .as_ref()
                        .is_some_and(|cols| cols.iter().any(|x| x == c))
                });
                match (hits.next(), hits.next()) {
                    (Some(r), None) => format!("{}.{}", quote_ident(&r.refname), quote_ident(c)),
                    _ => quote_ident(c),
                }
            }
            [.., r, c] => format!("{}.{}", quote_ident(r), quote_ident(c)),
            [] => String::new(),
        }
    }
}

/// Fills in each view's canonical query, output columns and the relations it reads, in
/// dependency order (a view's columns are known once the views it reads are done).
pub(super) fn finish_views(schema: &mut Schema, pending: Vec<Pending>) {
    // Depth-first over what each view reads, with an explicit stack (a long chain of views
    // must not overflow the call stack); a cycle (PostgreSQL cannot create one) is cut.
    let index: std::collections::BTreeMap<&QualName, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (&p.name, i))
        .collect();
    let reads: Vec<Vec<usize>> = pending
        .iter()
        .map(|p| {
            let mut names = Vec::new();
            relations_of_query(&p.query, &p.search_path, &mut names);
            names.iter().filter_map(|n| index.get(n).copied()).collect()
        })
        .collect();
    let mut order = Vec::with_capacity(pending.len());
    let mut seen = vec![false; pending.len()];
    for start in 0..pending.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((v, k)) = stack.pop() {
            match reads[v].get(k) {
                Some(&r) => {
                    stack.push((v, k + 1));
                    if !seen[r] {
                        seen[r] = true;
                        stack.push((r, 0));
                    }
                }
                None => order.push(v),
            }
        }
    }
    let mut pending: Vec<Option<Pending>> = pending.into_iter().map(Some).collect();
    for i in order {
        let Some(p) = pending[i].take() else {
            continue;
        };
        let mut cx = Canon {
            schema,
            search_path: &p.search_path,
            reads: Vec::new(),
            ctes: Vec::new(),
        };
        let (canon, names) = cx.query_named(&p.query, &p.columns);
        let names = names.unwrap_or_default();
        let mut reads = cx.reads;
        reads.sort();
        reads.dedup();
        if let Some(v) = schema.views.get_mut(&p.name) {
            v.query.canon = canon;
            v.columns = names;
            v.reads = reads;
        }
    }
}

struct Canon<'a> {
    schema: &'a Schema,
    search_path: &'a str,
    reads: Vec<QualName>,
    /// Common table expressions in scope: name and output columns.
    ctes: Vec<(String, Option<Vec<String>>)>,
}

/// One output column: its text, the column name it is when a plain column reference, and its
/// name.
struct Item {
    text: String,
    var: Option<String>,
    name: String,
}

fn render_items(items: &[Item]) -> String {
    items
        .iter()
        .map(|i| {
            if i.var.as_deref() == Some(i.name.as_str()) {
                i.text.clone()
            } else {
                format!("{} AS {}", i.text, quote_ident(&i.name))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Canon<'_> {
    fn relation_columns(&self, name: &QualName) -> Option<Vec<String>> {
        if let Some(t) = self.schema.tables.get(name) {
            return Some(t.columns.iter().map(|c| c.name.clone()).collect());
        }
        self.schema
            .views
            .get(name)
            .filter(|v| !v.query.canon.is_empty())
            .map(|v| v.columns.clone())
    }

    /// The canonical text of a query and its output column names (`None` when unknown).
    fn query(&mut self, q: &ast::Query) -> (String, Option<Vec<String>>) {
        self.query_named(q, &[])
    }

    /// [`Self::query`], the first outputs renamed to `names`.
    fn query_named(&mut self, q: &ast::Query, names: &[String]) -> (String, Option<Vec<String>>) {
        let recursive = q.with.as_ref().is_some_and(|w| w.recursive);
        if recursive || q.fetch.is_some() || !q.locks.is_empty() {
            relations_of_query(q, self.search_path, &mut self.reads);
            return (q.to_string(), None);
        }
        // Each CTE is in scope for the ones after it and for the body.
        let mut prefix = String::new();
        let scoped = self.ctes.len();
        if let Some(w) = &q.with {
            let mut defs = Vec::new();
            for c in &w.cte_tables {
                let name = ident(&c.alias.name);
                let renamed: Vec<String> = c.alias.columns.iter().map(|x| ident(&x.name)).collect();
                let (text, out) = self.query_named(&c.query, &renamed);
                let materialized = match &c.materialized {
                    Some(m) => format!("{m} "),
                    None => String::new(),
                };
                let list = if renamed.is_empty() {
                    String::new()
                } else {
                    format!("({})", quote_idents(&renamed))
                };
                defs.push(format!(
                    "{}{list} AS {materialized}({text})",
                    quote_ident(&name)
                ));
                self.ctes.push((name, out));
            }
            prefix = format!("WITH {} ", defs.join(", "));
        }
        let (body, out, cols) = self.set_expr(&q.body, names);
        let mut text = format!("{prefix}{body}");
        if let Some(ob) = &q.order_by {
            match &ob.kind {
                ast::OrderByKind::Expressions(exprs) => {
                    let keys: Vec<String> = exprs
                        .iter()
                        .map(|o| super::canon_order_key(cols.as_ref(), o))
                        .collect();
                    text.push_str(" ORDER BY ");
                    text.push_str(&keys.join(", "));
                }
                ast::OrderByKind::All(_) => {
                    text.push(' ');
                    text.push_str(&ob.to_string());
                }
            }
        }
        if let Some(l) = &q.limit_clause {
            text.push(' ');
            text.push_str(&l.to_string());
        }
        self.ctes.truncate(scoped);
        (text, out)
    }

    /// A query body: its text, output names and (for a plain SELECT) its scope.
    fn set_expr(
        &mut self,
        body: &ast::SetExpr,
        names: &[String],
    ) -> (String, Option<Vec<String>>, Option<Cols>) {
        match body {
            ast::SetExpr::Select(s) => {
                let (text, out, cols) = self.select(s, names);
                (text, out, Some(cols))
            }
            ast::SetExpr::Query(q) => {
                let (text, out) = self.query_named(q, names);
                // PostgreSQL prints a bracketed operand without its brackets when nothing in
                // it needs them.
                let plain = q.with.is_none()
                    && q.order_by.is_none()
                    && q.limit_clause.is_none()
                    && q.fetch.is_none();
                if plain {
                    (text, out, None)
                } else {
                    (format!("({text})"), out, None)
                }
            }
            ast::SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                let (l, out, _) = self.set_expr(left, names);
                let (r, _, _) = self.set_expr(right, &[]);
                let quant = match set_quantifier {
                    ast::SetQuantifier::All => " ALL",
                    _ => "",
                };
                (format!("{l} {op}{quant} {r}"), out, None)
            }
            other => (other.to_string(), None, None),
        }
    }

    fn select(&mut self, s: &ast::Select, names: &[String]) -> (String, Option<Vec<String>>, Cols) {
        let mut cols = Cols::query();
        let mut from = Vec::new();
        for twj in &s.from {
            from.push(self.table_with_joins(twj, &mut cols));
        }
        let mut items: Vec<Item> = Vec::new();
        let mut known = true;
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => items.push(Item {
                    text: canon_in(Some(&cols), e),
                    var: column_name(e),
                    name: figure(e).0,
                }),
                SelectItem::ExprWithAlias { expr, alias } => items.push(Item {
                    text: canon_in(Some(&cols), expr),
                    var: column_name(expr),
                    name: ident(alias),
                }),
                SelectItem::Wildcard(_) => {
                    for r in &cols.rels {
                        known &= expand(r, &mut items);
                    }
                }
                SelectItem::QualifiedWildcard(
                    ast::SelectItemQualifiedWildcardKind::ObjectName(n),
                    _,
                ) => {
                    let refname = n.0.last().map(part_text).unwrap_or_default();
                    match cols.rels.iter().find(|r| r.refname == refname) {
                        Some(r) => known &= expand(r, &mut items),
                        None => known = false,
                    }
                }
                other => {
                    known = false;
                    items.push(Item {
                        text: other.to_string(),
                        var: None,
                        name: "?column?".into(),
                    })
                }
            }
        }
        for (i, n) in items.iter_mut().zip(names) {
            i.name = n.clone();
        }
        let mut text = String::from("SELECT ");
        match &s.distinct {
            Some(Distinct::Distinct) => text.push_str("DISTINCT "),
            Some(Distinct::On(exprs)) => {
                let keys: Vec<String> = exprs.iter().map(|e| canon_in(Some(&cols), e)).collect();
                text.push_str(&format!("DISTINCT ON ({}) ", keys.join(", ")));
            }
            _ => {}
        }
        text.push_str(&render_items(&items));
        if !from.is_empty() {
            text.push_str(" FROM ");
            text.push_str(&from.join(", "));
        }
        if let Some(w) = &s.selection {
            text.push_str(" WHERE ");
            text.push_str(&canon_in(Some(&cols), w));
        }
        match &s.group_by {
            GroupByExpr::Expressions(exprs, mods) if mods.is_empty() => {
                if !exprs.is_empty() {
                    // A name that is no input column is an output column: PostgreSQL groups
                    // by (and prints) its expression.
                    let keys: Vec<String> = exprs
                        .iter()
                        .map(|e| {
                            let output = match e {
                                ast::Expr::Identifier(i) if !cols.has_column(&ident(i)) => {
                                    let n = ident(i);
                                    items.iter().find(|it| it.name == n)
                                }
                                _ => None,
                            };
                            match output {
                                Some(it) => it.text.clone(),
                                None => canon_in(Some(&cols), e),
                            }
                        })
                        .collect();
                    text.push_str(" GROUP BY ");
                    text.push_str(&keys.join(", "));
                }
            }
            other => {
                text.push(' ');
                text.push_str(&other.to_string());
            }
        }
        if let Some(h) = &s.having {
            text.push_str(" HAVING ");
            text.push_str(&canon_in(Some(&cols), h));
        }
        let out = known.then(|| items.iter().map(|i| i.name.clone()).collect());
        (text, out, cols)
    }

    fn table_with_joins(&mut self, twj: &ast::TableWithJoins, cols: &mut Cols) -> String {
        let mut text = self.factor(&twj.relation, cols);
        for j in &twj.joins {
            let right = self.factor(&j.relation, cols);
            let (kind, constraint) = match &j.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) => ("JOIN", c),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => ("LEFT JOIN", c),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => ("RIGHT JOIN", c),
                JoinOperator::FullOuter(c) => ("FULL JOIN", c),
                JoinOperator::CrossJoin(c) => ("CROSS JOIN", c),
                other => {
                    text.push_str(&format!(" {other:?} {right}"));
                    continue;
                }
            };
            match constraint {
                JoinConstraint::On(e) => {
                    text = format!("{text} {kind} {right} ON {}", canon_in(Some(cols), e))
                }
                JoinConstraint::Using(names) => {
                    let names: Vec<String> = names
                        .iter()
                        .map(|n| quote_ident(&n.0.last().map(part_text).unwrap_or_default()))
                        .collect();
                    text = format!("{text} {kind} {right} USING ({})", names.join(", "))
                }
                JoinConstraint::Natural => text = format!("{text} NATURAL {kind} {right}"),
                _ => text = format!("{text} {kind} {right}"),
            }
        }
        text
    }

    fn factor(&mut self, f: &ast::TableFactor, cols: &mut Cols) -> String {
        match f {
            ast::TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let parts: Vec<String> = name.0.iter().map(part_text).collect();
                let cte = match parts.as_slice() {
                    [one] => self.ctes.iter().rev().find(|(n, _)| n == one).cloned(),
                    _ => None,
                };
                let q = resolve(&parts, self.search_path);
                let (mut columns, mut text) = match cte {
                    Some((n, cols)) => (cols, quote_ident(&n)),
                    None => {
                        self.reads.push(q.clone());
                        (self.relation_columns(&q), q.to_string())
                    }
                };
                let mut refname = q.name.clone();
                if let Some(a) = alias {
                    let a_name = ident(&a.name);
                    if a_name != q.name {
                        text.push(' ');
                        text.push_str(&quote_ident(&a_name));
                    }
                    refname = a_name;
                    if !a.columns.is_empty() {
                        let renamed: Vec<String> =
                            a.columns.iter().map(|c| ident(&c.name)).collect();
                        text.push_str(&format!("({})", quote_idents(&renamed)));
                        if let Some(cs) = &mut columns {
                            for (c, r) in cs.iter_mut().zip(renamed) {
                                *c = r;
                            }
                        }
                    }
                }
                cols.rels.push(Rel { refname, columns });
                text
            }
            ast::TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let (sub, out) = self.query(subquery);
                let refname = alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default();
                cols.rels.push(Rel {
                    refname: refname.clone(),
                    columns: out,
                });
                format!(
                    "{}({sub}) {}",
                    if *lateral { "LATERAL " } else { "" },
                    quote_ident(&refname)
                )
            }
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => self.table_with_joins(table_with_joins, cols),
            other => {
                cols.rels.push(Rel {
                    refname: String::new(),
                    columns: None,
                });
                other.to_string()
            }
        }
    }
}

/// Adds a relation's columns for `*`; false when they are not known.
fn expand(r: &Rel, items: &mut Vec<Item>) -> bool {
    match &r.columns {
        Some(cs) => {
            for c in cs {
                items.push(Item {
                    text: format!("{}.{}", quote_ident(&r.refname), quote_ident(c)),
                    var: Some(c.clone()),
                    name: c.clone(),
                });
            }
            true
        }
        None => {
            items.push(Item {
                text: format!("{}.*", quote_ident(&r.refname)),
                var: None,
                name: "?column?".into(),
            });
            false
        }
    }
}

/// The column a plain column reference names.
pub(super) fn column_name(e: &ast::Expr) -> Option<String> {
    match strip_nested(e) {
        ast::Expr::Identifier(i) => Some(ident(i)),
        ast::Expr::CompoundIdentifier(ids) => ids.last().map(ident),
        _ => None,
    }
}

/// The name PostgreSQL gives an output column written without `AS` (its `FigureColname`), with
/// how strongly it holds (a cast's type name gives way to the name of what is cast).
fn figure(e: &ast::Expr) -> (String, u8) {
    use ast::Expr as E;
    let weak = || ("?column?".to_string(), 0);
    match strip_nested(e) {
        E::Identifier(_) | E::CompoundIdentifier(_) => (column_name(e).unwrap_or_default(), 2),
        E::Function(f) => (
            f.name
                .0
                .last()
                .map(part_text)
                .unwrap_or_default()
                .to_lowercase(),
            2,
        ),
        E::Cast {
            expr, data_type, ..
        } => {
            let inner = figure(expr);
            if inner.1 > 1 {
                inner
            } else {
                (type_colname(&data_type.to_string()), 1)
            }
        }
        E::TypedString(ts) => (type_colname(&ts.data_type.to_string()), 1),
        E::Case { .. } => ("case".into(), 1),
        E::Array(_) => ("array".into(), 2),
        E::Exists { .. } => ("exists".into(), 2),
        E::Extract { .. } => ("extract".into(), 2),
        E::Substring { .. } => ("substring".into(), 2),
        E::Position { .. } => ("position".into(), 2),
        E::Interval(_) => ("interval".into(), 1),
        _ => weak(),
    }
}

/// The name of a type as the parser records it, which is what a cast's column is called.
fn type_colname(ty: &str) -> String {
    let canon = canonical_type(ty);
    let base = canon.trim_end_matches("[]");
    let base = base.split('(').next().unwrap_or(base).trim();
    let internal = match base {
        "integer" => "int4",
        "smallint" => "int2",
        "bigint" => "int8",
        "boolean" => "bool",
        "real" => "float4",
        "double precision" => "float8",
        "character varying" => "varchar",
        "character" => "bpchar",
        "timestamp without time zone" => "timestamp",
        "timestamp with time zone" => "timestamptz",
        "time without time zone" => "time",
        "time with time zone" => "timetz",
        "bit varying" => "varbit",
        other => other,
    };
    super::split_qualified(internal)
        .pop()
        .unwrap_or_else(|| internal.to_string())
}

/// Every relation a query names in a `FROM` (its own, its subqueries', its CTEs').
pub(super) fn relations_of_query(q: &ast::Query, search_path: &str, out: &mut Vec<QualName>) {
    let ctes: Vec<String> = q
        .with
        .iter()
        .flat_map(|w| w.cte_tables.iter().map(|c| ident(&c.alias.name)))
        .collect();
    if let Some(w) = &q.with {
        for c in &w.cte_tables {
            relations_of_query(&c.query, search_path, out);
        }
    }
    let before = out.len();
    relations_of_set_expr(&q.body, search_path, out);
    // A CTE's name is not a relation of the schema.
    let mut i = before;
    while i < out.len() {
        if ctes.contains(&out[i].name) && out[i].schema == search_path {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}

fn relations_of_set_expr(b: &ast::SetExpr, search_path: &str, out: &mut Vec<QualName>) {
    match b {
        ast::SetExpr::Select(s) => {
            for twj in &s.from {
                relations_of_factor(&twj.relation, search_path, out);
                for j in &twj.joins {
                    relations_of_factor(&j.relation, search_path, out);
                }
            }
            let mut exprs: Vec<&ast::Expr> = s.selection.iter().chain(s.having.iter()).collect();
            for item in &s.projection {
                if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item
                {
                    exprs.push(e);
                }
            }
            for e in exprs {
                relations_of_expr(e, search_path, out);
            }
        }
        ast::SetExpr::Query(q) => relations_of_query(q, search_path, out),
        ast::SetExpr::SetOperation { left, right, .. } => {
            relations_of_set_expr(left, search_path, out);
            relations_of_set_expr(right, search_path, out);
        }
        _ => {}
    }
}

fn relations_of_factor(f: &ast::TableFactor, search_path: &str, out: &mut Vec<QualName>) {
    match f {
        ast::TableFactor::Table { name, .. } => {
            let parts: Vec<String> = name.0.iter().map(part_text).collect();
            out.push(resolve(&parts, search_path));
        }
        ast::TableFactor::Derived { subquery, .. } => {
            relations_of_query(subquery, search_path, out)
        }
        ast::TableFactor::NestedJoin {
            table_with_joins, ..
        } => {
            relations_of_factor(&table_with_joins.relation, search_path, out);
            for j in &table_with_joins.joins {
                relations_of_factor(&j.relation, search_path, out);
            }
        }
        _ => {}
    }
}

/// Subqueries in the usual places of an expression.
fn relations_of_expr(e: &ast::Expr, search_path: &str, out: &mut Vec<QualName>) {
    use ast::Expr as E;
    match e {
        E::Subquery(q) | E::Exists { subquery: q, .. } => relations_of_query(q, search_path, out),
        E::In {
            expr,
            target: ast::InTarget::Subquery(subquery),
            ..
        } => {
            relations_of_expr(expr, search_path, out);
            relations_of_query(subquery, search_path, out);
        }
        E::Nested(x) | E::UnaryOp { expr: x, .. } | E::Cast { expr: x, .. } => {
            relations_of_expr(x, search_path, out)
        }
        E::IsNull(x) | E::IsNotNull(x) => relations_of_expr(x, search_path, out),
        E::BinaryOp { left, right, .. } => {
            relations_of_expr(left, search_path, out);
            relations_of_expr(right, search_path, out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::QualName;

    fn schema(sql: &str) -> crate::schema::Schema {
        let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        p.schema
    }

    /// What someone writes and what `pg_dump` prints for it (PostgreSQL 15's text).
    #[test]
    fn written_and_dumped_views_compare_equal() {
        let written = schema(
            "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
             CREATE VIEW v AS SELECT id, a, max(b) FROM t GROUP BY id;
             CREATE VIEW w AS SELECT *, 'x' AS x FROM v WHERE a LIKE 'a%';
             CREATE MATERIALIZED VIEW m (n) AS SELECT id FROM w;
             CREATE UNIQUE INDEX ON m (n);",
        );
        let dumped = schema(
            "SET search_path = '';
             CREATE TABLE public.t (id integer NOT NULL, a text, b integer);
             CREATE VIEW public.v AS\n SELECT t.id,\n    t.a,\n    max(t.b) AS max\n   FROM public.t\n  GROUP BY t.id;
             CREATE VIEW public.w AS\n SELECT v.id,\n    v.a,\n    v.max,\n    'x'::text AS x\n   FROM public.v\n  WHERE (v.a ~~ 'a%'::text);
             CREATE MATERIALIZED VIEW public.m AS\n SELECT w.id AS n\n   FROM public.w\n  WITH NO DATA;
             ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
             CREATE UNIQUE INDEX m_n_idx ON public.m USING btree (n);",
        );
        assert_eq!(written.views, dumped.views);
        let w = &written.views[&QualName::new("public", "w")];
        assert_eq!(w.columns, ["id", "a", "max", "x"]);
        assert_eq!(w.reads, [QualName::new("public", "v")]);
        let m = &written.views[&QualName::new("public", "m")];
        assert!(m.materialized);
        assert_eq!(m.indexes.len(), 1);
        // Another definition is another view.
        let other = schema(
            "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
             CREATE VIEW v AS SELECT id, a, min(b) FROM t GROUP BY id;",
        );
        assert_ne!(
            other.views[&QualName::new("public", "v")],
            written.views[&QualName::new("public", "v")]
        );
    }
}

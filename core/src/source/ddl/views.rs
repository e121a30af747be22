//! Views: a view's query in the form PostgreSQL stores it, so that the text someone wrote and
//! the text `pg_get_viewdef` (and so `pg_dump`) prints compare equal.
//!
//! PostgreSQL keeps a view as its analysed query: `*` is expanded to the columns the relations
//! had then, every column reference is qualified with its relation, every output column that
//! is not a plain column of the same name gets `AS name` (the name PostgreSQL chose for it), and
//! the implicit casts are written out, and a relation that an enclosing query already names is
//! given another name (`points points_1`). The canonical form below does the same with the
//! columns (and column types) the schema knows, and otherwise leans on the expression
//! canonicalization of the DDL source. What it cannot analyse (`FETCH`, locking clauses) is
//! compared as the parser prints it.

use std::cell::RefCell;
use std::collections::BTreeMap;

use sqlparser::ast::{self, Distinct, GroupByExpr, JoinConstraint, JoinOperator, SelectItem};

use super::{canon_in, expr_type, ident, part_text, resolve, strip_nested};
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
    /// The definition a `CREATE OR REPLACE` of a view that reads itself replaced: what its
    /// query's own name means.
    pub prior: Option<Box<Pending>>,
}

/// The relations a query's column references can name, in `FROM` order; or one table's
/// columns with their types, for its own expressions (checks, generated columns).
pub(super) struct Cols<'a> {
    rels: Vec<Rel>,
    /// Qualify references with their relation (a query's), or leave them as they are (a table's).
    qualify: bool,
    /// Column types, for a table's own expressions.
    types: Vec<(String, String)>,
    /// The enclosing query's scope: a subquery's references to the outer query's columns.
    outer: Option<&'a Cols<'a>>,
    /// The view being canonicalised, for the subqueries in expressions.
    canon: Option<&'a Canon<'a>>,
}

struct Rel {
    /// The name references use in the text: the alias, or the relation's own name.
    written: String,
    /// The name PostgreSQL prints: `written`, made unique among the query's relations and the
    /// relations of the queries around it (`points` in a subquery of a query on `points`
    /// becomes `points_1`).
    refname: String,
    /// Its columns, when known.
    columns: Option<Vec<String>>,
    /// Their canonical types, when known (a table's).
    types: Option<Vec<String>>,
}

impl<'a> Cols<'a> {
    fn query(outer: Option<&'a Cols<'a>>, canon: &'a Canon<'a>) -> Self {
        Cols {
            rels: Vec::new(),
            qualify: true,
            types: Vec::new(),
            outer,
            canon: Some(canon),
        }
    }

    /// One table's columns and their (canonical) types.
    pub(super) fn table(types: Vec<(String, String)>) -> Self {
        Cols {
            rels: Vec::new(),
            qualify: false,
            types,
            outer: None,
            canon: None,
        }
    }

    /// Does any relation in scope have this column?
    fn has_column(&self, name: &str) -> bool {
        self.rels.iter().any(|r| r.position(name).is_some())
    }

    /// The relation and the column position a reference names: in this query, else in the
    /// queries around it (innermost first). `None` when unknown or ambiguous.
    fn lookup(&self, parts: &[String]) -> Option<(&Rel, Option<usize>)> {
        let mut scope = Some(self);
        while let Some(s) = scope {
            match parts {
                [c] => {
                    let mut hits = s
                        .rels
                        .iter()
                        .filter_map(|r| r.position(c).map(|i| (r, Some(i))));
                    match (hits.next(), hits.next()) {
                        (Some(hit), None) => return Some(hit),
                        (Some(_), Some(_)) => return None,
                        _ => {}
                    }
                }
                [.., r, c] => {
                    if let Some(rel) = s.rels.iter().find(|x| x.written == *r) {
                        return Some((rel, rel.position(c)));
                    }
                }
                [] => return None,
            }
            scope = s.outer;
        }
        None
    }

    /// The type of a plain column reference, when known.
    pub(super) fn type_of(&self, e: &ast::Expr) -> Option<&str> {
        if !self.qualify {
            let name = column_name(e)?;
            return self
                .types
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.as_str());
        }
        let parts: Vec<String> = match strip_nested(e) {
            ast::Expr::Identifier(i) => vec![ident(i)],
            ast::Expr::CompoundIdentifier(ids) => ids.iter().map(ident).collect(),
            _ => return None,
        };
        let (rel, i) = self.lookup(&parts)?;
        rel.types
            .as_ref()?
            .get(i?)
            .map(String::as_str)
            .filter(|t| !t.is_empty())
    }

    /// A column reference, qualified as PostgreSQL prints it: `a` → `t.a` when exactly one
    /// relation in scope has `a`; `s.t.a` → `t.a`; a relation by the name it is printed with.
    pub(super) fn column(&self, parts: &[String]) -> String {
        if !self.qualify {
            return parts
                .iter()
                .map(|p| quote_ident(p))
                .collect::<Vec<_>>()
                .join(".");
        }
        let c = match parts.last() {
            Some(c) => c,
            None => return String::new(),
        };
        match self.lookup(parts) {
            Some((rel, _)) => format!("{}.{}", quote_ident(&rel.refname), quote_ident(c)),
            // The only relation a query reads, its columns not known (not among the relations
            // described, a paste of the view alone): a bare reference can only be to it, as
            // PostgreSQL 16 and later print it without the qualification.
            None if parts.len() == 1
                && self.outer.is_none()
                && self.rels.len() == 1
                && self.rels[0].columns.is_none() =>
            {
                format!("{}.{}", quote_ident(&self.rels[0].refname), quote_ident(c))
            }
            None if parts.len() > 1 => format!(
                "{}.{}",
                quote_ident(&parts[parts.len() - 2]),
                quote_ident(c)
            ),
            None => quote_ident(c),
        }
    }

    /// The canonical text of a subquery of one of this scope's expressions.
    pub(super) fn subquery(&self, q: &ast::Query) -> Option<String> {
        self.canon.map(|c| c.query_named(q, &[], Some(self)).0)
    }
}

impl Rel {
    fn position(&self, column: &str) -> Option<usize> {
        self.columns.as_ref()?.iter().position(|c| c == column)
    }
}

/// Fills in each view's canonical query, output columns and the relations it reads, in
/// dependency order (a view's columns are known once the views it reads are done).
pub(super) fn finish_views(schema: &mut Schema, pending: Vec<Pending>) {
    // Depth-first over what each view reads, with an explicit stack (a long chain of views
    // must not overflow the call stack); a cycle (PostgreSQL cannot create one) is cut.
    let index: BTreeMap<&QualName, usize> = pending
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
    let mut view_types = BTreeMap::new();
    for i in order {
        let Some(p) = pending[i].take() else {
            continue;
        };
        // The definitions a self-reading view replaced, oldest first.
        let mut chain = vec![p];
        while let Some(prior) = chain.last_mut().and_then(|p| p.prior.take()) {
            chain.push(*prior);
        }
        for p in chain.into_iter().rev() {
            finish_view(schema, &mut view_types, p);
        }
    }
}

/// One view's query canonicalised with what is known so far, its columns, types and reads set.
fn finish_view(schema: &mut Schema, view_types: &mut BTreeMap<QualName, Vec<String>>, p: Pending) {
    let cx = Canon {
        schema,
        search_path: &p.search_path,
        reads: RefCell::new(Vec::new()),
        ctes: RefCell::new(Vec::new()),
        // PostgreSQL before 16 keeps a view's `old` and `new` pseudo-relations in its
        // query, so a relation called `old` prints as `old old_1`: reserved on both sides.
        scopes: RefCell::new(vec![vec!["old".into(), "new".into()]]),
        view_types,
    };
    let (canon, out) = cx.query_named(&p.query, &p.columns, None);
    let (names, types) = split(out);
    let mut reads = cx.reads.into_inner();
    reads.sort();
    reads.dedup();
    if let Some(types) = types {
        view_types.insert(p.name.clone(), types);
    }
    if let Some(v) = schema.views.get_mut(&p.name) {
        v.query.canon = canon;
        v.columns = names.unwrap_or_default();
        v.reads = reads;
    }
}

struct Canon<'a> {
    schema: &'a Schema,
    search_path: &'a str,
    reads: RefCell<Vec<QualName>>,
    /// Common table expressions in scope: name and output columns.
    ctes: RefCell<Vec<(String, Outputs)>>,
    /// The output column types of the views done so far (empty where unknown).
    view_types: &'a BTreeMap<QualName, Vec<String>>,
    /// The names the relations of the enclosing queries print with, innermost last: a
    /// subquery's relations take other names (`set_rtable_names` in PostgreSQL's ruleutils).
    scopes: RefCell<Vec<Vec<String>>>,
}

/// One output column: its text, the column name it is when a plain column reference, and its
/// name.
struct Item {
    text: String,
    var: Option<String>,
    name: String,
    /// Its type, when known (else empty).
    ty: String,
}

/// A query's output columns, names and types (empty where unknown); `None` when not known.
type Outputs = Option<Vec<(String, String)>>;

/// Names and types apart.
fn split(out: Outputs) -> (Option<Vec<String>>, Option<Vec<String>>) {
    match out {
        Some(o) => {
            let (n, t) = o.into_iter().unzip();
            (Some(n), Some(t))
        }
        None => (None, None),
    }
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

/// The names a `SELECT`'s relations are referred to by, in the order [`Canon::factor`] meets
/// them (empty for one without a name).
fn level_names(s: &ast::Select) -> Vec<String> {
    fn twj(t: &ast::TableWithJoins, out: &mut Vec<String>) {
        factor(&t.relation, out);
        for j in &t.joins {
            factor(&j.relation, out);
        }
    }
    fn factor(f: &ast::TableFactor, out: &mut Vec<String>) {
        match f {
            ast::TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => out.push(match alias {
                Some(a) => ident(&a.name),
                None => name.0.last().map(part_text).unwrap_or_default(),
            }),
            ast::TableFactor::Derived { alias, .. } => {
                out.push(alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default())
            }
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => twj(table_with_joins, out),
            _ => out.push(String::new()),
        }
    }
    let mut out = Vec::new();
    for t in &s.from {
        twj(t, &mut out);
    }
    out
}

/// `name_k`, shortened to stay within PostgreSQL's 63-byte names.
fn suffixed(name: &str, k: usize) -> String {
    let mut base = name;
    loop {
        let candidate = format!("{base}_{k}");
        if candidate.len() < 64 || base.is_empty() {
            return candidate;
        }
        let mut cut = base.len() - 1;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base = &base[..cut];
    }
}

impl Canon<'_> {
    fn relation_columns(&self, name: &QualName) -> (Option<Vec<String>>, Option<Vec<String>>) {
        if let Some(t) = self.schema.tables.get(name) {
            return (
                Some(t.columns.iter().map(|c| c.name.to_string()).collect()),
                Some(t.columns.iter().map(|c| c.data_type.to_string()).collect()),
            );
        }
        let columns = self
            .schema
            .views
            .get(name)
            .filter(|v| !v.query.canon.is_empty())
            .map(|v| v.columns.clone());
        (columns, self.view_types.get(name).cloned())
    }

    /// The names one query level's relations print with: each its own, unless a relation of
    /// this level or of an enclosing one already has it; then `name_1`, `name_2`, …
    fn assign(&self, names: Vec<String>) -> Vec<String> {
        let scopes = self.scopes.borrow();
        let mut used: std::collections::BTreeSet<String> = scopes
            .iter()
            .flatten()
            .filter(|n| !n.is_empty())
            .cloned()
            .collect();
        let mut counters: BTreeMap<String, usize> = Default::default();
        names
            .into_iter()
            .map(|name| {
                if name.is_empty() {
                    return name;
                }
                let chosen = if used.contains(&name) {
                    let counter = counters.entry(name.clone()).or_insert(0);
                    loop {
                        *counter += 1;
                        let candidate = suffixed(&name, *counter);
                        if !used.contains(&candidate) {
                            break candidate;
                        }
                    }
                } else {
                    name
                };
                used.insert(chosen.clone());
                chosen
            })
            .collect()
    }

    /// The canonical text of a query and its output column names (`None` when unknown), the
    /// first outputs renamed to `names`; `outer` is the scope of the query around it.
    fn query_named<'b>(
        &'b self,
        q: &ast::Query,
        names: &[String],
        outer: Option<&'b Cols<'b>>,
    ) -> (String, Outputs) {
        if q.fetch.is_some() || !q.locks.is_empty() {
            relations_of_query(q, self.search_path, &mut self.reads.borrow_mut());
            return (q.to_string(), None);
        }
        // The relations of this level are named before its CTEs are printed: the CTEs must
        // name theirs around them.
        let level = match q.body.as_ref() {
            ast::SetExpr::Select(s) => self.assign(level_names(s)),
            _ => Vec::new(),
        };
        let scoped = self.ctes.borrow().len();
        let mut prefix = String::new();
        if let Some(w) = &q.with {
            self.scopes.borrow_mut().push(level.clone());
            let mut defs = Vec::new();
            for c in &w.cte_tables {
                let name = ident(&c.alias.name);
                let renamed: Vec<String> = c.alias.columns.iter().map(|x| ident(&x.name)).collect();
                if w.recursive {
                    // The CTE reads itself: its columns (its first term's) come first.
                    let known = (!renamed.is_empty())
                        .then(|| renamed.iter().map(|n| (n.clone(), String::new())).collect());
                    let at = self.ctes.borrow().len();
                    self.ctes.borrow_mut().push((name.clone(), known.clone()));
                    if known.is_none() {
                        let (_, out) = self.query_named(&c.query, &renamed, outer);
                        self.ctes.borrow_mut()[at].1 = out;
                    }
                }
                let (text, out) = self.query_named(&c.query, &renamed, outer);
                if w.recursive {
                    self.ctes.borrow_mut().pop();
                }
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
                self.ctes.borrow_mut().push((name, out));
            }
            self.scopes.borrow_mut().pop();
            let recursive = if w.recursive { "RECURSIVE " } else { "" };
            prefix = format!("WITH {recursive}{} ", defs.join(", "));
        }
        let (body, out, cols) = match q.body.as_ref() {
            ast::SetExpr::Select(s) => {
                let (text, out, cols) = self.select(s, names, outer, Some(level));
                (text, out, Some(cols))
            }
            other => self.set_expr(other, names, outer),
        };
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
        self.ctes.borrow_mut().truncate(scoped);
        (text, out)
    }

    /// A query body: its text, output names and (for a plain SELECT) its scope.
    fn set_expr<'b>(
        &'b self,
        body: &ast::SetExpr,
        names: &[String],
        outer: Option<&'b Cols<'b>>,
    ) -> (String, Outputs, Option<Cols<'b>>) {
        match body {
            ast::SetExpr::Select(s) => {
                let (text, out, cols) = self.select(s, names, outer, None);
                (text, out, Some(cols))
            }
            ast::SetExpr::Query(q) => {
                let (text, out) = self.query_named(q, names, outer);
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
                // The operands are subqueries of a level of their own.
                self.scopes.borrow_mut().push(Vec::new());
                let (l, out, _) = self.set_expr(left, names, outer);
                let (r, _, _) = self.set_expr(right, &[], outer);
                self.scopes.borrow_mut().pop();
                let quant = match set_quantifier {
                    ast::SetQuantifier::All => " ALL",
                    _ => "",
                };
                (format!("{l} {op}{quant} {r}"), out, None)
            }
            other => (other.to_string(), None, None),
        }
    }

    /// A `SELECT`; `level` holds its relations' names when already chosen.
    fn select<'b>(
        &'b self,
        s: &ast::Select,
        names: &[String],
        outer: Option<&'b Cols<'b>>,
        level: Option<Vec<String>>,
    ) -> (String, Outputs, Cols<'b>) {
        let level = level.unwrap_or_else(|| self.assign(level_names(s)));
        self.scopes.borrow_mut().push(level.clone());
        let mut refnames = level.into_iter();
        let mut cols = Cols::query(outer, self);
        let mut from = Vec::new();
        for twj in &s.from {
            from.push(self.table_with_joins(twj, &mut cols, &mut refnames, outer));
        }
        let mut items: Vec<Item> = Vec::new();
        let mut known = true;
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => items.push(Item {
                    text: canon_in(Some(&cols), e),
                    var: column_name(e),
                    name: figure(e).0,
                    ty: expr_type(&cols, e).unwrap_or_default(),
                }),
                SelectItem::ExprWithAlias { expr, alias } => items.push(Item {
                    text: canon_in(Some(&cols), expr),
                    var: column_name(expr),
                    name: ident(alias),
                    ty: expr_type(&cols, expr).unwrap_or_default(),
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
                        ty: String::new(),
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
        let out = known.then(|| {
            items
                .iter()
                .map(|i| (i.name.clone(), i.ty.clone()))
                .collect()
        });
        self.scopes.borrow_mut().pop();
        (text, out, cols)
    }

    fn table_with_joins<'b>(
        &'b self,
        twj: &ast::TableWithJoins,
        cols: &mut Cols<'b>,
        refnames: &mut std::vec::IntoIter<String>,
        outer: Option<&'b Cols<'b>>,
    ) -> String {
        let mut text = self.factor(&twj.relation, cols, refnames, outer);
        for j in &twj.joins {
            let right = self.factor(&j.relation, cols, refnames, outer);
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

    fn factor<'b>(
        &'b self,
        f: &ast::TableFactor,
        cols: &mut Cols<'b>,
        refnames: &mut std::vec::IntoIter<String>,
        outer: Option<&'b Cols<'b>>,
    ) -> String {
        match f {
            ast::TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let parts: Vec<String> = name.0.iter().map(part_text).collect();
                let cte = match parts.as_slice() {
                    [one] => self
                        .ctes
                        .borrow()
                        .iter()
                        .rev()
                        .find(|(n, _)| n == one)
                        .cloned(),
                    _ => None,
                };
                let q = resolve(&parts, self.search_path);
                let (mut columns, types, mut text) = match cte {
                    Some((n, out)) => {
                        let (columns, types) = split(out);
                        (columns, types, quote_ident(&n))
                    }
                    None => {
                        self.reads.borrow_mut().push(q.clone());
                        let (columns, types) = self.relation_columns(&q);
                        (columns, types, q.to_string())
                    }
                };
                let written = alias
                    .as_ref()
                    .map_or_else(|| q.name.clone(), |a| ident(&a.name));
                let refname = refnames.next().unwrap_or_else(|| written.clone());
                let renamed: Vec<String> = alias
                    .iter()
                    .flat_map(|a| a.columns.iter().map(|c| ident(&c.name)))
                    .collect();
                if refname != q.name || !renamed.is_empty() {
                    text.push(' ');
                    text.push_str(&quote_ident(&refname));
                }
                if !renamed.is_empty() {
                    text.push_str(&format!("({})", quote_idents(&renamed)));
                    if let Some(cs) = &mut columns {
                        for (c, r) in cs.iter_mut().zip(renamed) {
                            *c = r;
                        }
                    }
                }
                cols.rels.push(Rel {
                    written,
                    refname,
                    columns,
                    types,
                });
                text
            }
            ast::TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                // A LATERAL subquery sees the relations before it; any other only the
                // queries around this one.
                let (sub, out) = if *lateral {
                    self.query_named(subquery, &[], Some(&*cols))
                } else {
                    self.query_named(subquery, &[], outer)
                };
                let (mut out, types) = split(out);
                let written = alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default();
                let refname = refnames.next().unwrap_or_else(|| written.clone());
                let renamed: Vec<String> = alias
                    .iter()
                    .flat_map(|a| a.columns.iter().map(|c| ident(&c.name)))
                    .collect();
                let mut text = format!(
                    "{}({sub}) {}",
                    if *lateral { "LATERAL " } else { "" },
                    quote_ident(&refname)
                );
                if !renamed.is_empty() {
                    text.push_str(&format!("({})", quote_idents(&renamed)));
                    if let Some(cs) = &mut out {
                        for (c, r) in cs.iter_mut().zip(renamed) {
                            *c = r;
                        }
                    }
                }
                cols.rels.push(Rel {
                    written,
                    refname,
                    columns: out,
                    types,
                });
                text
            }
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => self.table_with_joins(table_with_joins, cols, refnames, outer),
            other => {
                refnames.next();
                cols.rels.push(Rel {
                    written: String::new(),
                    refname: String::new(),
                    columns: None,
                    types: None,
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
            for (i, c) in cs.iter().enumerate() {
                let ty = r.types.as_ref().and_then(|t| t.get(i)).cloned();
                items.push(Item {
                    text: format!("{}.{}", quote_ident(&r.refname), quote_ident(c)),
                    var: Some(c.clone()),
                    name: c.clone(),
                    ty: ty.unwrap_or_default(),
                });
            }
            true
        }
        None => {
            items.push(Item {
                text: format!("{}.*", quote_ident(&r.refname)),
                var: None,
                name: "?column?".into(),
                ty: String::new(),
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
pub(super) fn figure(e: &ast::Expr) -> (String, u8) {
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
        // A scalar subquery is called what its one output column is.
        E::Subquery(q) => match q.body.as_ref() {
            ast::SetExpr::Select(s) => match s.projection.first() {
                Some(SelectItem::ExprWithAlias { alias, .. }) => (ident(alias), 2),
                Some(SelectItem::UnnamedExpr(x)) => (figure(x).0, 2),
                _ => weak(),
            },
            _ => weak(),
        },
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
        // Subqueries, a recursive CTE, a derived table and a relation called `old` (PostgreSQL
        // 15's text): a relation named around a subquery is renamed inside it.
        let written2 = schema(
            "CREATE TABLE p2 (id integer, x integer); CREATE TABLE old (id integer);
             CREATE VIEW vx AS SELECT p.id, (SELECT max(x) FROM p2 WHERE p2.id = p.id) FROM p2 p
               WHERE EXISTS (SELECT 1 FROM p2 WHERE x > p.x) AND p.id NOT IN (SELECT id FROM p2 q)
               AND NOT EXISTS (SELECT 1 FROM old);
             CREATE VIEW vi AS SELECT * FROM p2 WHERE id IN (SELECT MAX(id) AS id FROM p2 GROUP BY x);
             CREATE VIEW vd AS SELECT * FROM p2, (SELECT id AS a FROM p2) s(b) WHERE p2.id = s.b;
             CREATE VIEW vo AS SELECT id FROM old;
             CREATE VIEW rv AS WITH RECURSIVE cte AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM cte WHERE n < 10) SELECT n FROM cte;",
        );
        let dumped2 = schema(
            "SET search_path = '';
             CREATE TABLE public.p2 (id integer, x integer); CREATE TABLE public.old (id integer);
             CREATE VIEW public.vx AS\n SELECT p.id,\n    ( SELECT max(p2.x) AS max\n           FROM public.p2\n          WHERE (p2.id = p.id)) AS max\n   FROM public.p2 p\n  WHERE ((EXISTS ( SELECT 1\n           FROM public.p2\n          WHERE (p2.x > p.x))) AND (NOT (p.id IN ( SELECT q.id\n           FROM public.p2 q))) AND (NOT (EXISTS ( SELECT 1\n           FROM public.old old_1))));
             CREATE VIEW public.vi AS\n SELECT p2.id,\n    p2.x\n   FROM public.p2\n  WHERE (p2.id IN ( SELECT max(p2_1.id) AS id\n           FROM public.p2 p2_1\n          GROUP BY p2_1.x));
             CREATE VIEW public.vd AS\n SELECT p2.id,\n    p2.x,\n    s.b\n   FROM public.p2,\n    ( SELECT p2_1.id AS a\n           FROM public.p2 p2_1) s(b)\n  WHERE (p2.id = s.b);
             CREATE VIEW public.vo AS\n SELECT old_1.id\n   FROM public.old old_1;
             CREATE VIEW public.rv AS\n WITH RECURSIVE cte AS (\n         SELECT 1 AS n\n        UNION ALL\n         SELECT (cte_1.n + 1)\n           FROM cte cte_1\n          WHERE (cte_1.n < 10)\n        )\n SELECT cte.n\n   FROM cte;",
        );
        for (name, view) in &written2.views {
            assert_eq!(view.query.canon, dumped2.views[name].query.canon, "{name}");
            assert_eq!(view.columns, dumped2.views[name].columns, "{name}");
        }
        assert!(written2.views[&QualName::new("public", "vi")]
            .query
            .canon
            .contains("FROM p2 p2_1"));
        assert_eq!(
            written2.views[&QualName::new("public", "vx")].columns,
            ["id", "max"]
        );
        // Casts PostgreSQL writes into calls and operators for the argument types it resolved
        // (PostgreSQL 15's text).
        let written3 = schema(
            "CREATE TABLE tt (i integer, b bigint, s smallint, n numeric, f real, d date, ts timestamp, p jsonb);
             CREATE VIEW r3 AS SELECT round(i) a1, round(b, 2) a2, round(n) a3, round(f) a4,
               power(i, 2) a9, age(d) a14, to_char(d, 'YYYY') a15, to_char(i, '999') a16,
               date_trunc('day', ts) a17, to_timestamp(s) a19, i / 2.0 a26, b + i a29,
               date_trunc('day', d)::date a34, mod(b, 2) a41, mod(s, b) a42, now() - d a43,
               to_timestamp(jsonb_extract_path_text(p, 'created')::bigint) a44,
               to_char(CURRENT_DATE, 'YYYY') a45
             FROM tt;",
        );
        let dumped3 = schema(
            "CREATE TABLE tt (i integer, b bigint, s smallint, n numeric, f real, d date, ts timestamp, p jsonb);
             CREATE VIEW r3 AS SELECT round((tt.i)::double precision) AS a1,
               round((tt.b)::numeric, 2) AS a2, round(tt.n) AS a3, round((tt.f)::double precision) AS a4,
               power((tt.i)::double precision, (2)::double precision) AS a9,
               age((tt.d)::timestamp with time zone) AS a14,
               to_char((tt.d)::timestamp with time zone, 'YYYY'::text) AS a15, to_char(tt.i, '999'::text) AS a16,
               date_trunc('day'::text, tt.ts) AS a17, to_timestamp((tt.s)::double precision) AS a19,
               ((tt.i)::numeric / 2.0) AS a26, (tt.b + tt.i) AS a29,
               (date_trunc('day'::text, (tt.d)::timestamp with time zone))::date AS a34,
               mod(tt.b, (2)::bigint) AS a41, mod((tt.s)::bigint, tt.b) AS a42,
               (now() - (tt.d)::timestamp with time zone) AS a43,
               to_timestamp(((jsonb_extract_path_text(tt.p, VARIADIC ARRAY['created'::text]))::bigint)::double precision) AS a44,
               to_char((CURRENT_DATE)::timestamp with time zone, 'YYYY'::text) AS a45
             FROM tt;",
        );
        let r3 = QualName::new("public", "r3");
        assert_eq!(
            written3.views[&r3].query.canon,
            dumped3.views[&r3].query.canon
        );
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

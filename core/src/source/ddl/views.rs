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

mod reads;
use crate::normalize::canonical_type;
use crate::quote::{quote_ident, quote_idents};
use crate::schema::{Domain, Function, QualName, Schema};
pub(super) use reads::relations_of_query;

/// A view whose query waits for every relation to be known.
pub(super) struct Pending {
    pub name: QualName,
    pub query: Box<ast::Query>,
    /// The column list of `CREATE VIEW v (a, b)`.
    pub columns: Vec<String>,
    pub search_path: String,
    /// The relations its query names (`relations_of_query`), for the order views are read in.
    pub reads: Vec<QualName>,
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
    /// The domains known, for a table's own expressions (a view's come with its schema).
    domains: Option<&'a BTreeMap<QualName, Domain>>,
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
            domains: Some(&canon.schema.domains),
        }
    }

    /// One table's columns and their (canonical) types, with the domains known.
    pub(super) fn table(
        types: Vec<(String, String)>,
        domains: &'a BTreeMap<QualName, Domain>,
    ) -> Self {
        Cols {
            rels: Vec::new(),
            qualify: false,
            types,
            outer: None,
            canon: None,
            domains: Some(domains),
        }
    }

    /// The type a column reference `e` is stored as, when its column's type is a domain: the
    /// domain's base type, followed through domains over domains, without modifiers (a
    /// domain's value is cast to it where an operator or function takes it, and PostgreSQL
    /// prints that cast: `(VALUE)::numeric`, `(t.color)::integer`).
    pub(super) fn domain_base(&self, e: &ast::Expr) -> Option<String> {
        let base = super::domains::stored_base(self.domains?, self.type_of(e)?)?;
        Some(crate::normalize::without_typmod(&base))
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

    /// A function a view calls without its schema, as PostgreSQL prints it: qualified when the
    /// search path's first schema (not `public`) defines a function of the name.
    pub(super) fn function_name(&self, parts: &[String]) -> Option<String> {
        let c = self.canon?;
        match parts {
            [name] => {
                let q = QualName::new(c.search_path, name.as_str());
                // Unquoted, as the canonical form writes a call's name.
                (q.schema != "public" && c.functions_named(&q).next().is_some())
                    .then(|| format!("{}.{}", q.schema, q.name))
            }
            _ => None,
        }
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
            p.reads
                .iter()
                .filter_map(|n| index.get(n).copied())
                .collect()
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
            ast::TableFactor::Table { name, alias, .. } => out.push(match alias {
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
    /// The functions (every overload) called `name`.
    fn functions_named<'s>(&'s self, name: &QualName) -> impl Iterator<Item = &'s Function> + 's {
        let prefix = format!("{name}(");
        self.schema
            .functions
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .map(|(_, f)| f)
    }

    /// The output columns (names and types, empty where unknown) of the function a `FROM`
    /// item calls with `args` arguments: a table's or view's row type (`SETOF projects`), a
    /// `TABLE (…)` or a scalar (one column, named `alias`). `None` when not known.
    fn function_columns(
        &self,
        parts: &[String],
        args: usize,
        alias: &str,
    ) -> Option<(Vec<String>, Vec<String>)> {
        let scalar = || Some((vec![alias.to_string()], vec![String::new()]));
        let q = resolve(parts, self.search_path);
        let mut found = self.functions_named(&q).filter(|f| {
            let n = if f.identity.is_empty() {
                0
            } else {
                f.identity.split(", ").count()
            };
            n == args && !f.procedure
        });
        let f = match (found.next(), found.next()) {
            (Some(f), None) => f,
            (Some(_), Some(_)) => return None,
            (None, _) if parts.len() == 1 || parts[0] == "pg_catalog" => {
                // The built-in set-returning functions views use most.
                return match parts.last().map(String::as_str) {
                    Some(
                        "generate_series"
                        | "generate_subscripts"
                        | "regexp_split_to_table"
                        | "string_to_table"
                        | "json_object_keys"
                        | "jsonb_object_keys",
                    ) => scalar(),
                    Some("unnest") if args == 1 => scalar(),
                    Some(
                        "json_array_elements"
                        | "jsonb_array_elements"
                        | "json_array_elements_text"
                        | "jsonb_array_elements_text",
                    ) => Some((vec!["value".into()], vec![String::new()])),
                    Some("json_each" | "jsonb_each" | "json_each_text" | "jsonb_each_text") => {
                        Some((
                            vec!["key".into(), "value".into()],
                            vec!["text".into(), String::new()],
                        ))
                    }
                    _ => None,
                };
            }
            (None, _) => return None,
        };
        let canon = &f.definition.canon;
        let at = canon.find(" RETURNS ")? + " RETURNS ".len();
        let end = canon[at..].find(" LANGUAGE ")? + at;
        let returns = canon[at..end]
            .strip_prefix("SETOF ")
            .unwrap_or(&canon[at..end]);
        if let Some(list) = returns
            .strip_prefix("TABLE(")
            .and_then(|r| r.strip_suffix(')'))
        {
            // `"name" type, …`: the names as `quote_ident` wrote them, types without commas.
            let mut names = Vec::new();
            let mut types = Vec::new();
            for col in list.split(", ") {
                let words = super::names::sql_words(col);
                let first = words.first()?;
                names.push(crate::normalize::split_qualified(first).pop()?);
                types.push(col[first.len()..].trim().to_string());
            }
            return Some((names, types));
        }
        let rel = resolve(&crate::normalize::split_qualified(returns), "public");
        match self.relation_columns(&rel) {
            (Some(names), types) => {
                let n = names.len();
                Some((names, types.unwrap_or_else(|| vec![String::new(); n])))
            }
            (None, _) if scalar_type(returns) || self.schema.enums.contains_key(&rel) => {
                Some((vec![alias.to_string()], vec![returns.to_string()]))
            }
            (None, _) => None,
        }
    }

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
                let renamed = alias_columns(alias.as_ref());
                if refname != q.name || !renamed.is_empty() {
                    text.push(' ');
                    text.push_str(&quote_ident(&refname));
                }
                if !renamed.is_empty() {
                    text.push_str(&format!("({})", quote_idents(&renamed)));
                    if let Some(cs) = &mut columns {
                        rename_columns(cs, &renamed);
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
                let renamed = alias_columns(alias.as_ref());
                let mut text = format!(
                    "{}({sub}) {}",
                    if *lateral { "LATERAL " } else { "" },
                    quote_ident(&refname)
                );
                if !renamed.is_empty() {
                    text.push_str(&format!("({})", quote_idents(&renamed)));
                    if let Some(cs) = &mut out {
                        rename_columns(cs, &renamed);
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
            ast::TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_ordinality: false,
                ..
            } if args.settings.is_none() => {
                // A function in `FROM`: printed with its alias (the function's name when not
                // given) and its output columns' names, as PostgreSQL keeps them.
                let parts: Vec<String> = name.0.iter().map(part_text).collect();
                let call = ast::Expr::Function(ast::Function {
                    name: name.clone(),
                    uses_odbc_syntax: false,
                    parameters: ast::FunctionArguments::None,
                    args: ast::FunctionArguments::List(ast::FunctionArgumentList {
                        duplicate_treatment: None,
                        args: args.args.clone(),
                        clauses: Vec::new(),
                    }),
                    within_group: Vec::new(),
                    filter: None,
                    null_treatment: None,
                    over: None,
                });
                let mut text = canon_in(Some(&*cols), &call);
                let written = alias.as_ref().map_or_else(
                    || parts.last().cloned().unwrap_or_default(),
                    |a| ident(&a.name),
                );
                let refname = refnames.next().unwrap_or_else(|| written.clone());
                let mut columns = self.function_columns(&parts, args.args.len(), &written);
                let renamed = alias_columns(alias.as_ref());
                if let Some((cs, _)) = &mut columns {
                    rename_columns(cs, &renamed);
                }
                text.push(' ');
                text.push_str(&quote_ident(&refname));
                match &columns {
                    Some((cs, _)) => text.push_str(&format!("({})", quote_idents(cs))),
                    None if !renamed.is_empty() => {
                        text.push_str(&format!("({})", quote_idents(&renamed)))
                    }
                    None => {}
                }
                let (columns, types) = columns.unzip();
                cols.rels.push(Rel {
                    written,
                    refname,
                    columns,
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

/// The column names a `FROM` item's alias gives (`AS s(a, b)`); empty without.
fn alias_columns(alias: Option<&ast::TableAlias>) -> Vec<String> {
    alias
        .iter()
        .flat_map(|a| a.columns.iter().map(|c| ident(&c.name)))
        .collect()
}

/// The first of a relation's `columns` renamed by its alias's `renamed`.
fn rename_columns(columns: &mut [String], renamed: &[String]) {
    for (c, r) in columns.iter_mut().zip(renamed) {
        c.clone_from(r);
    }
}

/// A built-in type of one value (a function returning it gives one column).
fn scalar_type(t: &str) -> bool {
    let base = t.strip_suffix("[]").unwrap_or(t);
    matches!(
        base,
        "integer"
            | "bigint"
            | "smallint"
            | "text"
            | "boolean"
            | "numeric"
            | "real"
            | "double precision"
            | "character varying"
            | "character"
            | "date"
            | "time without time zone"
            | "time with time zone"
            | "timestamp without time zone"
            | "timestamp with time zone"
            | "interval"
            | "uuid"
            | "json"
            | "jsonb"
            | "bytea"
            | "inet"
            | "cidr"
            | "xml"
            | "money"
            | "oid"
            | "name"
            | "tsvector"
            | "bit"
            | "bit varying"
    )
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

#[cfg(test)]
mod tests;

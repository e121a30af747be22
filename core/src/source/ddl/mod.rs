//! The SQL source: DDL files and `pg_dump --schema-only` output → `Schema`.
//!
//! The only module that sees sqlparser's AST. Each statement is split out first
//! (`split.rs`), classified by its leading words, then parsed on its own, so one statement the
//! parser rejects is reported with its line and never hides the rest.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, DataType, FunctionArg,
    FunctionArgExpr, FunctionArguments, GeneratedAs, ObjectName, ObjectNamePart, Statement,
    TableConstraint, UserDefinedTypeRepresentation, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

mod print;
mod routines;
mod views;

use super::split::{split_statements, RawStatement};
use super::Parsed;
use crate::error::{DiagKind, Diagnostic, LineIndex, Severity};
use crate::normalize::{
    canonical_type, canonical_type_name, finish, index_name_columns, is_serial_type,
    make_object_name, table_names_in_use, unique_name,
};
use crate::quote::{quote_ident, quote_literal};
use crate::schema::{
    clause_expr, push_lean, Check, Collation, Column, Deferrable, EnumType, Exclusion, Expr,
    Extension, FkAction, ForeignKey, Function, Identity, IdentityOptions, Index, IndexKey, Params,
    PartitionOf, Policy, PrimaryKey, QualName, Schema, Sequence, Span, Table, Trigger, Unique,
    View,
};

/// Parses DDL text (any mix of statements; a whole pg_dump file) into a schema.
pub fn parse_ddl(text: &str) -> Parsed {
    let statements = split_statements(text);
    let (mut schema, mut diagnostics) = apply_statements(Schema::default(), text, &statements);
    if statements.is_empty() {
        // Blank lines and comments only: an empty schema, as "create everything from nothing"
        // needs (what may then be dropped is the caller's to guard).
        let lines = LineIndex::new(text);
        diagnostics.push(Diagnostic::new(
            Severity::Note,
            DiagKind::Empty,
            "the input holds no SQL statement: read as an empty schema",
            lines.span(text, 0, 0),
        ));
    } else if let Some(end) = cut_off_end(text, &statements) {
        let lines = LineIndex::new(text);
        diagnostics.push(Diagnostic::new(
            Severity::Warning,
            DiagKind::Syntax,
            "the last statement does not end with `;` though the ones before it do: if the paste \
             was cut off here, the statement was read only as far as it goes",
            lines.span(text, end, end),
        ));
    }
    finish(&mut schema);
    Parsed {
        schema,
        diagnostics,
    }
}

/// Where the last SQL statement ends when it has no `;` while an earlier one has one: a paste cut
/// off inside its last statement can still parse (`… REFERENCES pub` names a table `pub`), so
/// the cut is pointed out rather than read silently. A lone statement without `;` is common in a
/// paste and says nothing of a cut.
fn cut_off_end(text: &str, statements: &[RawStatement<'_>]) -> Option<usize> {
    let mut sql = statements.iter().rev().filter(|st| !st.meta);
    let last = sql.next()?;
    let terminated = |st: &RawStatement<'_>| text[st.end..].trim_start().starts_with(';');
    (!terminated(last) && sql.next().is_some_and(terminated)).then_some(last.end)
}

/// Applies DDL statements to an existing schema (search path `public`), without the final
/// whole-schema fix-ups. Other sources use it for the parts of their input written in SQL.
pub(crate) fn apply_ddl(schema: Schema, text: &str) -> (Schema, Vec<Diagnostic>) {
    apply_statements(schema, text, &split_statements(text))
}

/// `apply_ddl` on statements already split from `text` (`parse_ddl` looks at them too).
fn apply_statements(
    schema: Schema,
    text: &str,
    statements: &[RawStatement<'_>],
) -> (Schema, Vec<Diagnostic>) {
    let mut cx = Cx {
        text,
        lines: LineIndex::new(text),
        schema,
        diagnostics: Vec::new(),
        search_path: "public".to_string(),
        owned: Vec::new(),
        defaults: Vec::new(),
        skipped_views: Vec::new(),
        pending_views: Vec::new(),
        inherited_alters: Vec::new(),
        constraint_names: Default::default(),
    };
    for st in statements {
        cx.statement(st);
    }
    cx.resolve_serials();
    inherit(&mut cx.schema);
    for (table, column, op, span, line) in std::mem::take(&mut cx.inherited_alters) {
        cx.alter_column(&table, &column, op, span, line);
    }
    views::finish_views(&mut cx.schema, std::mem::take(&mut cx.pending_views));
    // PostgreSQL refuses a table with more columns than this; a plan for one would fail.
    const MAX_COLUMNS: usize = 1600;
    for (name, t) in &cx.schema.tables {
        if let Some(c) = t.columns.get(MAX_COLUMNS) {
            cx.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::Syntax,
                format!(
                    "table {name} has {} columns; PostgreSQL allows at most {MAX_COLUMNS} (column {} is the first too many)",
                    t.columns.len(),
                    quote_ident(&c.name)
                ),
                c.span,
            ));
        }
    }
    (cx.schema, cx.diagnostics)
}

/// Applies DDL another source wrote from its own text, one statement per line, `origin[i]`
/// being where line i + 1 came from: diagnostics point there, and since each statement carries
/// a fact of that source, one the parser cannot read is an error (not a skipped warning).
pub(crate) fn apply_written_ddl(
    schema: Schema,
    ddl: &str,
    origin: &[Span],
) -> (Schema, Vec<Diagnostic>) {
    let (schema, mut diags) = apply_ddl(schema, ddl);
    for d in &mut diags {
        let from = origin_of(origin, d.span);
        if d.kind == DiagKind::Syntax {
            d.severity = Severity::Error;
        }
        d.message = d.message.replace(
            &format!("(line {})", d.span.line),
            &format!("(line {})", from.line),
        );
        d.span = from;
    }
    (schema, diags)
}

/// True when `table` has a unique index `name` that a constraint can take over (`ADD PRIMARY KEY
/// USING INDEX`): plain ascending columns, btree, no predicate.
fn promotable(table: &Table, name: &str) -> bool {
    table.indexes.iter().any(|i| {
        i.name == name
            && i.unique
            && i.method == "btree"
            && i.predicate.is_none()
            && i.keys
                .iter()
                .all(|k| k.is_column && !k.desc && k.nulls_first.is_none() && k.opclass.is_none())
    })
}

/// PostgreSQL keeps one of several identical key constraints declared in one CREATE TABLE
/// (`id int PRIMARY KEY UNIQUE`): the primary key, else the first unique one.
fn drop_redundant_keys(t: &mut Table) {
    let mut seen: Vec<(Vec<String>, Vec<String>, bool, Deferrable)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        seen.push((pk.columns.clone(), pk.include.clone(), false, pk.deferrable));
    }
    t.uniques.retain(|u| {
        let key = (
            u.columns.clone(),
            u.include.clone(),
            u.nulls_not_distinct,
            u.deferrable,
        );
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Where a span in written DDL (see [`apply_written_ddl`]) came from.
pub(crate) fn origin_of(origin: &[Span], s: Span) -> Span {
    origin
        .get(s.line.saturating_sub(1) as usize)
        .copied()
        .unwrap_or(s)
}

/// Gives inheritance children and partitions what PostgreSQL gives them from their parents:
/// the parents' columns (first, merged with the child's own), inheritable checks, and for
/// partitions clones of the parent's keys and indexes under PostgreSQL's names.
fn inherit(schema: &mut Schema) {
    let mut done: std::collections::BTreeSet<QualName> = Default::default();
    // Parents first: a child is expanded once all its parents are.
    for _ in 0..schema.tables.len() {
        let ready: Vec<QualName> = schema
            .tables
            .values()
            .filter(|t| !done.contains(&t.name))
            .filter(|t| {
                parents_of(t)
                    .iter()
                    .all(|p| done.contains(p) || !schema.tables.contains_key(p))
            })
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        for name in ready {
            // The parents' shared tables, not copies: the child is changed, they are not.
            let parents: Vec<std::sync::Arc<Table>> = schema
                .tables
                .get(&name)
                .map(|t| parents_of(t))
                .unwrap_or_default()
                .iter()
                .filter_map(|p| schema.tables.get(p).cloned())
                .collect();
            if let Some(t) = schema.table_mut(&name) {
                let partition = t.partition_of.is_some();
                for p in &parents {
                    take_from_parent(t, p, partition);
                }
            }
            done.insert(name);
        }
    }
}

fn parents_of(t: &Table) -> Vec<QualName> {
    let mut v = t.inherits.clone();
    if let Some(p) = &t.partition_of {
        v.push(p.parent.clone());
    }
    v
}

fn take_from_parent(t: &mut Table, p: &Table, partition: bool) {
    let mut columns: Vec<Column> = Vec::new();
    for pc in &p.columns {
        let mut c = pc.clone();
        c.span = t.span;
        c.comment = None;
        // NOT NULL is inherited, including what the parent's key and serial imply.
        c.not_null |= pc.serial
            || pc.identity.is_some()
            || p.primary_key
                .as_ref()
                .is_some_and(|k| k.columns.iter().any(|k| *k == pc.name));
        if c.serial {
            // The child shares the parent's sequence; it does not own one.
            c.serial = false;
            let seq = make_object_name(&p.name.name, Some(&pc.name), "seq");
            let seq = QualName::new(p.name.schema.clone(), seq);
            c.default = parse_expr(&format!("nextval({})", quote_literal(&seq.to_string())))
                .ok()
                .map(Box::new);
        }
        if !partition {
            c.identity = None;
            c.identity_options = Default::default();
        }
        if let Some(own) = t.columns.iter().find(|o| o.name == c.name) {
            c.not_null |= own.not_null;
            if own.default.is_some() {
                c.default = own.default.clone();
            }
            c.comment = own.comment.clone();
        }
        columns.push(c);
    }
    for own in &t.columns {
        if !columns.iter().any(|c| c.name == own.name) {
            columns.push(own.clone());
        }
    }
    t.columns = columns;
    for ch in p.checks.iter().filter(|c| !c.no_inherit) {
        if !t.checks.iter().any(|c| c.name == ch.name) {
            let mut ch = ch.clone();
            ch.span = t.span;
            t.checks.push(ch);
        }
    }
    if !partition {
        return;
    }
    let mut taken: Vec<String> = t.indexes.iter().map(|i| i.name.clone()).collect();
    if let (Some(pk), None) = (&p.primary_key, &t.primary_key) {
        let mut pk = pk.clone();
        let is_taken = |n: &str| taken.iter().any(|x| x == n);
        pk.name = unique_name(&t.name.name, None, "pkey", &is_taken);
        taken.push(pk.name.clone());
        pk.span = t.span;
        t.primary_key = Some(pk);
    }
    for u in &p.uniques {
        // A partition's own unique constraint of the same columns is the parent's, attached.
        if t.uniques.iter().any(|own| own.columns == u.columns) {
            continue;
        }
        let mut u = u.clone();
        let is_taken = |n: &str| taken.iter().any(|x| x == n);
        u.name = unique_name(&t.name.name, Some(&u.columns.join("_")), "key", &is_taken);
        taken.push(u.name.clone());
        u.span = t.span;
        t.uniques.push(u);
    }
    for i in &p.indexes {
        // An index of the same definition the partition has already is the parent's,
        // attached (`ALTER INDEX … ATTACH PARTITION`, or found by CREATE INDEX on the parent,
        // which attaches such an index rather than building another).
        if t.indexes.iter().any(|own| own.same_definition(i)) {
            continue;
        }
        let mut i = i.clone();
        let cols = index_name_columns(&i.keys);
        let is_taken = |n: &str| taken.iter().any(|x| x == n);
        i.name = unique_name(&t.name.name, Some(&cols), "idx", &is_taken);
        taken.push(i.name.clone());
        i.comment = None;
        i.span = t.span;
        t.indexes.push(i);
    }
}

/// Parses one SQL expression (a default or a check) into its text and canonical form.
pub fn parse_expr(text: &str) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    let text = spell_casts_for_parser(text);
    let mut parser = Parser::new(&dialect)
        .try_with_sql(&text)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    Ok(make_expr(&expr))
}

/// The name PostgreSQL gives an index column in a default index name (`FigureIndexColname`):
/// a column's name, a function's name, a cast's type, `expr` when nothing names it.
pub(crate) fn index_colname(k: &IndexKey) -> String {
    if k.is_column {
        return k.expr.canon.trim_matches('"').to_string();
    }
    let dialect = PostgreSqlDialect {};
    let text = spell_casts_for_parser(&k.expr.sql);
    Parser::new(&dialect)
        .try_with_sql(&text)
        .and_then(|mut p| p.parse_expr())
        .ok()
        .map(|e| views::figure(&e))
        .filter(|(_, strength)| *strength > 0)
        .map_or_else(|| "expr".to_string(), |(name, _)| name)
}

struct Cx<'a> {
    text: &'a str,
    lines: LineIndex,
    schema: Schema,
    diagnostics: Vec<Diagnostic>,
    search_path: String,
    /// `ALTER SEQUENCE s OWNED BY t.c` seen so far.
    owned: Vec<(QualName, QualName, String)>,
    /// Column defaults of the form `nextval('s')`: (table, column, sequence).
    defaults: Vec<(QualName, String, QualName)>,
    /// Views and materialized views skipped as out of scope (their indexes are skipped too).
    skipped_views: Vec<QualName>,
    /// Views whose canonical query is made once every relation is known.
    pending_views: Vec<views::Pending>,
    /// `ALTER COLUMN` of columns a table inherits, applied after inheritance.
    inherited_alters: Vec<(QualName, String, AlterColumnOperation, Span, u32)>,
    /// Check and foreign key names in use, per schema: PostgreSQL names an unnamed one so that
    /// it differs from every constraint of its schema.
    constraint_names: std::collections::BTreeSet<(String, String)>,
}

/// The first `limit` bytes of `text` (at a character boundary) with `--` and `/* */` comments
/// blanked out (a comment between the words must not hide what the statement is). Text in
/// quotes is kept as it is.
fn without_comments(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut chars = text
        .char_indices()
        .take_while(|(i, _)| *i < limit)
        .peekable();
    let mut quote: Option<char> = None;
    while let Some((_, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '-' && chars.peek().is_some_and(|(_, n)| *n == '-') => {
                for (_, x) in chars.by_ref() {
                    if x == '\n' {
                        break;
                    }
                }
                out.push(' ');
            }
            None if c == '/' && chars.peek().is_some_and(|(_, n)| *n == '*') => {
                chars.next();
                let mut depth = 1usize;
                while depth > 0 {
                    match chars.next() {
                        Some((_, '/')) if chars.peek().is_some_and(|(_, n)| *n == '*') => {
                            chars.next();
                            depth += 1;
                        }
                        Some((_, '*')) if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                            chars.next();
                            depth -= 1;
                        }
                        Some(_) => {}
                        None => break,
                    }
                }
                out.push(' ');
            }
            None => out.push(c),
        }
    }
    out
}

/// Why a statement of a DDL text is left out when the text is run on a server that has one role
/// (PGlite), or `None` when it runs: ownership, privileges and roles name roles that server lacks.
pub(crate) fn needs_other_roles(text: &str) -> Option<&'static str> {
    let words = leading_words(text, 4);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["GRANT" | "REVOKE", ..] => Some("a privilege"),
        ["ALTER", "DEFAULT", "PRIVILEGES", ..] => Some("default privileges"),
        ["CREATE" | "ALTER" | "DROP", "ROLE" | "USER" | "GROUP", ..] => Some("a role"),
        ["SET", "ROLE", ..] | ["SET", "SESSION", "AUTHORIZATION", ..] => Some("a role"),
        ["ALTER", ..] if text.to_ascii_uppercase().contains(" OWNER TO ") => Some("ownership"),
        _ => None,
    }
}

/// Whether `word` (upper-cased) starts a PostgreSQL statement: its SQL commands, and `(` or
/// `WITH` for a query.
fn is_sql_command(word: &str) -> bool {
    const COMMANDS: &[&str] = &[
        "ABORT",
        "ALTER",
        "ANALYSE",
        "ANALYZE",
        "BEGIN",
        "CALL",
        "CHECKPOINT",
        "CLOSE",
        "CLUSTER",
        "COMMENT",
        "COMMIT",
        "COPY",
        "CREATE",
        "DEALLOCATE",
        "DECLARE",
        "DELETE",
        "DISCARD",
        "DO",
        "DROP",
        "END",
        "EXECUTE",
        "EXPLAIN",
        "FETCH",
        "GRANT",
        "IMPORT",
        "INSERT",
        "LISTEN",
        "LOAD",
        "LOCK",
        "MERGE",
        "MOVE",
        "NOTIFY",
        "PREPARE",
        "REASSIGN",
        "REFRESH",
        "REINDEX",
        "RELEASE",
        "RESET",
        "REVOKE",
        "ROLLBACK",
        "SAVEPOINT",
        "SECURITY",
        "SELECT",
        "SET",
        "SHOW",
        "START",
        "TABLE",
        "TRUNCATE",
        "UNLISTEN",
        "UPDATE",
        "VACUUM",
        "VALUES",
        "WITH",
    ];
    word.starts_with('(') || COMMANDS.contains(&word.trim_end_matches(';'))
}

/// The leading words of a statement, upper-cased, for classification.
fn leading_words(text: &str, n: usize) -> Vec<String> {
    let words = |limit: usize| {
        // The characters that start before `limit`.
        let mut end = limit.min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let head = &text[..end];
        // Without quotes or comment marks, the text is its own comment-free form.
        let stripped;
        let head = if head.contains(['-', '/', '\'', '"']) {
            stripped = without_comments(text, limit);
            stripped.as_str()
        } else {
            head
        };
        head.split(|c: char| c.is_whitespace() || c == '(')
            .filter(|w| !w.is_empty())
            .take(n + 1)
            .map(str::to_ascii_uppercase)
            .collect::<Vec<_>>()
    };
    // The first 120 characters mostly hold them: when a word follows the n-th, none of the
    // first n was cut off there. Otherwise the first 400 are read.
    let mut w = words(120);
    if w.len() <= n && text.len() > 120 {
        w = words(400);
    }
    w.truncate(n);
    w
}

impl Cx<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.text, start, end)
    }

    fn diag(
        &mut self,
        severity: Severity,
        kind: DiagKind,
        msg: impl Into<String>,
        s: usize,
        e: usize,
    ) {
        let span = self.span(s, e);
        self.diagnostics
            .push(Diagnostic::new(severity, kind, msg, span));
    }

    fn statement(&mut self, st: &RawStatement<'_>) {
        let line = self.span(st.start, st.end).line;
        if st.meta {
            self.diag(
                Severity::Note,
                DiagKind::NoSchemaContent,
                format!("ignored: psql meta-command `{}` (line {line})", st.text),
                st.start,
                st.end,
            );
            return;
        }
        let words = leading_words(st.text, 6);
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        // Only a few statements need it: copied once, and not for the rest.
        let upper = std::cell::OnceCell::new();
        let upper = || upper.get_or_init(|| st.text.to_ascii_uppercase());
        let kind = statement_kind(&w);
        match w.as_slice() {
            ["SET", "SEARCH_PATH", ..] | ["SET", "SESSION", "SEARCH_PATH", ..] => {
                self.set_search_path(st.text);
            }
            ["SET" | "RESET" | "BEGIN" | "COMMIT" | "START" | "END" | "ROLLBACK", ..] => {
                self.note_no_content(st, &kind, line);
            }
            ["SELECT", ..] if upper().contains("SET_CONFIG") => {
                if upper().contains("'SEARCH_PATH'") {
                    self.set_search_path_from_set_config(st.text);
                }
                self.note_no_content(st, &kind, line);
            }
            ["GRANT" | "REVOKE", ..] => {
                self.out_of_scope(st, &kind, line, Severity::Warning);
            }
            ["ALTER", ..] if upper().contains(" OWNER TO ") => {
                self.note_no_content(st, &format!("{kind} … OWNER TO"), line);
            }
            ["COMMENT", "ON", "FUNCTION" | "PROCEDURE" | "TRIGGER", ..] => {
                self.routine_comment(st, &kind, line)
            }
            ["COMMENT", "ON", "CONSTRAINT", ..] => {
                match routines::constraint_comment(st.text, &self.search_path) {
                    Ok((name, table, comment)) => {
                        let known = self.schema.tables.get(&table).is_some_and(|t| {
                            crate::normalize::table_names_in_use(t).contains(&name)
                        });
                        match self.schema.table_mut(&table) {
                            Some(t) if known => match comment {
                                Some(c) => {
                                    t.constraint_comments.insert(name, c);
                                }
                                None => {
                                    t.constraint_comments.remove(&name);
                                }
                            },
                            _ => self.diag(
                                Severity::Warning,
                                DiagKind::UnknownObject,
                                format!(
                                    "COMMENT ON CONSTRAINT {} ON {table} (line {line}): no such constraint here",
                                    quote_ident(&name)
                                ),
                                st.start,
                                st.end,
                            ),
                        }
                    }
                    Err(e) => self.out_of_scope(st, &format!("{kind} ({e})"), line, Severity::Note),
                }
            }
            ["CREATE", "TABLE", ..]
            | ["CREATE", "UNLOGGED", "TABLE", ..]
            | ["CREATE", "UNIQUE", "INDEX", ..]
            | ["CREATE", "INDEX", ..]
            | ["CREATE", "TYPE", ..]
            | ["CREATE", "SEQUENCE", ..]
            | ["COMMENT", "ON", ..]
            | ["CREATE", "SCHEMA", ..]
            | ["ALTER", "TABLE", ..] => self.parsed(st, &kind, line),
            ["CREATE", "EXTENSION", ..]
            | ["CREATE", "POLICY", ..]
            | ["CREATE", "VIEW", ..]
            | ["CREATE", "OR", "REPLACE", "VIEW", ..]
            | ["CREATE", "MATERIALIZED", "VIEW", ..] => self.parsed(st, &kind, line),
            ["ALTER", "SEQUENCE", ..] => self.alter_sequence(st, line),
            ["CREATE", "COLLATION", ..] => match routines::collation(st.text, &self.search_path) {
                Ok((name, provider, lc_collate, lc_ctype, deterministic)) => {
                    let span = self.span(st.start, st.end);
                    self.schema.collations.insert(
                        name.clone(),
                        Collation {
                            name,
                            provider,
                            lc_collate,
                            lc_ctype,
                            deterministic,
                            span,
                        },
                    );
                }
                Err(e) => self.unreadable(st, "CREATE COLLATION", line, &e),
            },
            _ if kind == "CREATE FUNCTION" || kind == "CREATE PROCEDURE" => {
                self.create_routine(st, &kind, line)
            }
            _ if kind == "CREATE TRIGGER"
                || (kind == "CREATE CONSTRAINT" && upper().contains("TRIGGER")) =>
            {
                self.create_trigger(st, line)
            }
            ["ALTER", "TYPE", ..] => self.alter_type(st, &kind, line),
            // A partition's index (or key) attached to its parent's: a partition takes the
            // parent's index definitions, each matched by one of its own where it has one.
            ["ALTER", "INDEX", _, "ATTACH", "PARTITION", ..] => {
                self.note_no_content(st, "ALTER INDEX … ATTACH PARTITION", line)
            }
            [first, ..] if !is_sql_command(first) => self.not_sql(st),
            [] => self.not_sql(st),
            _ => {
                if let Some(view) = self.view_name(st.text) {
                    self.skipped_views.push(view);
                }
                self.out_of_scope(st, &kind, line, Severity::Warning)
            }
        }
    }

    /// Text that is no SQL statement at all (prose, a shell script, encoded data): an error,
    /// never an empty schema, which `apply` would take as "drop everything".
    fn not_sql(&mut self, st: &RawStatement<'_>) {
        let line = st.text.lines().next().unwrap_or_default();
        let shown: String = line.chars().take(60).collect();
        self.diag(
            Severity::Error,
            DiagKind::Syntax,
            format!(
                "not SQL: a statement must start with a command such as CREATE or ALTER, found `{}`",
                shown.trim()
            ),
            st.start,
            st.start + line.len(),
        );
    }

    /// The name a `CREATE [OR REPLACE] [MATERIALIZED] VIEW` statement creates.
    fn view_name(&self, text: &str) -> Option<QualName> {
        let toks = sql_words(text);
        let up: Vec<String> = toks
            .iter()
            .take(8)
            .map(|t| t.to_ascii_uppercase())
            .collect();
        if up.first().map(String::as_str) != Some("CREATE") {
            return None;
        }
        let mut i = up.iter().position(|w| w == "VIEW")? + 1;
        if up.get(i).map(String::as_str) == Some("IF") {
            i += 3;
        }
        let name = toks.get(i)?.split('(').next()?.to_string();
        Some(self.qual_text(&name))
    }

    fn note_no_content(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        self.diag(
            Severity::Note,
            DiagKind::NoSchemaContent,
            format!("ignored: {kind} (line {line}): no schema content"),
            st.start,
            st.end,
        );
    }

    fn out_of_scope(&mut self, st: &RawStatement<'_>, kind: &str, line: u32, sev: Severity) {
        self.diag(
            sev,
            DiagKind::OutOfScope,
            format!("ignored: {kind} (line {line}): not compared by schemafix"),
            st.start,
            st.end,
        );
    }

    fn set_search_path(&mut self, text: &str) {
        let rest = text
            .split_once('=')
            .map(|(_, r)| r)
            .or_else(|| {
                let up = text.to_ascii_uppercase();
                up.find(" TO ").map(|i| &text[i + 4..])
            })
            .unwrap_or("");
        if let Some(first) = rest.split(',').map(str::trim).find(|s| !s.is_empty()) {
            self.search_path = ident_text(first.trim_matches('\''));
        }
    }

    fn set_search_path_from_set_config(&mut self, text: &str) {
        // `SELECT pg_catalog.set_config('search_path', '', false)`: the second literal.
        let lits: Vec<&str> = text.split('\'').collect();
        if lits.len() >= 4 {
            let path = lits[3].trim();
            if let Some(first) = path.split(',').map(str::trim).find(|s| !s.is_empty()) {
                self.search_path = ident_text(first);
            }
        }
    }

    fn parsed(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let dialect = PostgreSqlDialect {};
        let mut text = spell_casts_for_parser(st.text).into_owned();
        if kind == "CREATE MATERIALIZED VIEW" {
            // pg_dump's `WITH NO DATA` (the parser lacks it): whether rows are there is data.
            strip_with_data(&mut text);
        }
        if kind == "CREATE INDEX" {
            // `ON ONLY parent` (pg_dump and pg_get_indexdef on a partitioned table, the parser
            // lacks it): the partitions' own indexes are attached to it later, and a partition
            // takes a clone of it unless it has an index of its definition (see
            // `take_from_parent`), which is what attaching amounts to.
            blank_on_only(&mut text);
        }
        let mut respelled = false;
        let parsed = loop {
            let parsed = Parser::new(&dialect)
                .try_with_sql(&text)
                .and_then(|mut p| p.parse_statement());
            // The parser takes only a standard string in some places PostgreSQL takes any
            // string (an enum's labels, a comment's text): escape and dollar-quoted strings are
            // spelled as standard ones, their values unchanged, and the statement read again.
            if parsed.is_err() && !respelled {
                respelled = true;
                if let Some(standard) = print::standard_strings(&text) {
                    text = standard;
                    continue;
                }
            }
            // The parser lacks a constraint's index storage parameters (`UNIQUE (a) WITH
            // (fillfactor = 70)`): blank them out, say so, and read the rest.
            if let Err(e) = &parsed {
                let msg = e.to_string();
                if msg.contains("found: WITH") {
                    let (l, c) = error_position(&msg);
                    if let Some(o) = offset_of(&text, l, c) {
                        if let Some(len) = with_clause_len(&text[o..]) {
                            let clause = text[o..o + len].to_string();
                            text.replace_range(o..o + len, &" ".repeat(len));
                            self.diag(
                                Severity::Warning,
                                DiagKind::IgnoredClause,
                                format!(
                                    "{kind} (line {line}): the constraint's index storage parameters `{}` are not compared",
                                    clause.split_whitespace().collect::<Vec<_>>().join(" ")
                                ),
                                st.start + o,
                                st.start + o + len,
                            );
                            continue;
                        }
                    }
                }
            }
            break parsed;
        };
        let stmt = match parsed {
            Ok(s) => s,
            Err(e) => {
                // pg_dump's identity form is written out by hand below; the parser lacks it.
                if self.alter_identity(st) {
                    return;
                }
                let msg = e.to_string();
                let offset = if msg.contains("Line:") {
                    let (l, c) = error_position(&msg);
                    offset_of(st.text, l, c).map_or(st.start, |o| st.start + o)
                } else if msg.contains("found: EOF") {
                    // A cut-off statement: the error is where the text ends.
                    st.start + st.text.trim_end().len()
                } else if msg.contains("recursion limit") {
                    st.start + too_deep_at(st.text)
                } else {
                    st.start
                };
                let clean = msg
                    .trim_start_matches("sql parser error: ")
                    .split(" at Line:")
                    .next()
                    .unwrap_or(&msg)
                    .replace(
                        "recursion limit exceeded",
                        "nested too deeply (the parser follows about 50 levels of brackets)",
                    );
                let sev = if kind.starts_with("ALTER TABLE")
                    || kind.starts_with("CREATE TYPE")
                    || kind.starts_with("COMMENT")
                    || kind.ends_with("VIEW")
                {
                    // Many ALTER TABLE forms (CLUSTER ON, SET (...), REPLICA IDENTITY …) and
                    // non-enum types are outside what schemafix compares.
                    Severity::Warning
                } else {
                    Severity::Error
                };
                self.diag(
                    sev,
                    DiagKind::Syntax,
                    format!("could not parse {kind} (line {line}): {clean}"),
                    offset,
                    st.end,
                );
                return;
            }
        };
        let span = self.span(st.start, st.end);
        match stmt {
            Statement::CreateTable(ct) => self.create_table(ct, span, st),
            Statement::CreateIndex(ci) => self.create_index(ci, span),
            Statement::CreateView(cv) if !cv.temporary => self.create_view(cv, span, st),
            Statement::CreatePolicy(cp) => self.create_policy(cp, span, st),
            Statement::CreateExtension(ce) => {
                let name = ident(&ce.name);
                let schema = ce
                    .schema
                    .as_ref()
                    .map_or_else(|| self.search_path.clone(), ident);
                let version = ce.version.as_ref().map(|v| v.value.clone());
                self.schema.extensions.insert(
                    name.clone(),
                    Extension {
                        name,
                        schema,
                        version,
                        span,
                    },
                );
            }
            Statement::AlterTable(at) => self.alter_table(at, span, st, line),
            Statement::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                let name = self.qual(&name);
                self.schema.enums.insert(
                    name.clone(),
                    EnumType {
                        name,
                        values: labels.iter().map(|l| l.value.clone()).collect(),
                        comment: None,
                        span,
                    },
                );
            }
            Statement::CreateSequence {
                name,
                sequence_options,
                if_not_exists,
                ..
            } => self.create_sequence(&name, &sequence_options, if_not_exists, span),
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(object_type, &object_name, comment, st, line),
            Statement::CreateSchema { schema_name, .. } => {
                let name = match schema_name {
                    ast::SchemaName::Simple(n) => n.0.last().map(part_text),
                    ast::SchemaName::UnnamedAuthorization(i) => Some(ident(&i)),
                    ast::SchemaName::NamedAuthorization(n, _) => n.0.last().map(part_text),
                };
                if let Some(n) = name {
                    if n != "public" {
                        self.schema.schemas.insert(n);
                    }
                }
            }
            _ => self.out_of_scope(st, kind, line, Severity::Warning),
        }
    }

    fn create_view(&mut self, cv: ast::CreateView, span: Span, st: &RawStatement<'_>) {
        let name = self.qual(&cv.name);
        let line = span.line;
        if !matches!(cv.options, ast::CreateTableOptions::None) {
            self.diag(
                Severity::Warning,
                DiagKind::IgnoredClause,
                format!(
                    "CREATE VIEW {name} (line {line}): its options `{}` are not compared",
                    cv.options
                ),
                st.start,
                st.end,
            );
        }
        let columns: Vec<String> = cv.columns.iter().map(|c| ident(&c.name)).collect();
        let list = if columns.is_empty() {
            String::new()
        } else {
            format!("({}) ", crate::quote::quote_idents(&columns))
        };
        let sql = format!("{list}AS {}", print::sql(&*cv.query));
        self.pending_views.retain(|p| p.name != name);
        self.schema.views.insert(
            name.clone(),
            View {
                name: name.clone(),
                materialized: cv.materialized,
                query: Expr {
                    sql,
                    canon: String::new(),
                },
                columns: Vec::new(),
                reads: Vec::new(),
                indexes: Vec::new(),
                comment: None,
                span,
            },
        );
        self.pending_views.push(views::Pending {
            name,
            query: cv.query,
            columns,
            search_path: self.search_path.clone(),
        });
    }

    fn alter_column(
        &mut self,
        name: &QualName,
        col_name: &str,
        op: AlterColumnOperation,
        span: Span,
        line: u32,
    ) {
        let sp = self.search_path.clone();
        let mut seq_default = None;
        let Some(col) = self
            .schema
            .table_mut(name)
            .and_then(|t| t.column_mut(col_name))
        else {
            self.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("ALTER COLUMN of unknown column {name}.{col_name} (line {line})"),
                span,
            ));
            return;
        };
        match op {
            AlterColumnOperation::SetNotNull => col.not_null = true,
            AlterColumnOperation::DropNotNull => col.not_null = false,
            AlterColumnOperation::SetDefault { value } => {
                let e = make_expr(&value);
                seq_default = nextval_target(&e.canon, &sp);
                col.default = Some(Box::new(e));
            }
            AlterColumnOperation::DropDefault => col.default = None,
            AlterColumnOperation::SetDataType { data_type, .. } => {
                col.data_type = canonical_type_name(&print::sql_type(&data_type));
            }
            AlterColumnOperation::AddGenerated {
                generated_as,
                sequence_options,
            } => {
                col.identity = Some(match generated_as {
                    Some(GeneratedAs::ByDefault) => Identity::ByDefault,
                    _ => Identity::Always,
                });
                col.identity_options =
                    identity_options(sequence_options.as_deref().unwrap_or(&[])).into();
            }
            other => {
                let text = other.to_string();
                self.diagnostics.push(Diagnostic::new(
                    Severity::Warning,
                    DiagKind::IgnoredClause,
                    format!("ignored: ALTER COLUMN … {text} (line {line})"),
                    span,
                ));
            }
        }
        if let Some(seq) = seq_default {
            self.defaults
                .push((name.clone(), col_name.to_string(), seq));
        }
    }

    /// A statement the routine reader could not read: a warning naming it, nothing compared.
    fn unreadable(&mut self, st: &RawStatement<'_>, kind: &str, line: u32, e: &str) {
        self.diag(
            Severity::Warning,
            DiagKind::Syntax,
            format!("could not read {kind} (line {line}), not compared: {e}"),
            st.start,
            st.end,
        )
    }

    fn create_routine(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        match routines::routine(st.text, &self.search_path) {
            Ok(r) => {
                let f = Function {
                    name: r.name,
                    procedure: r.procedure,
                    identity: r.identity,
                    language: r.language,
                    definition: Expr {
                        sql: as_written(st.text),
                        canon: r.canon,
                    },
                    comment: None,
                    span: self.span(st.start, st.end),
                };
                self.schema.functions.insert(f.signature(), f);
            }
            Err(e) => self.unreadable(st, kind, line, &e),
        }
    }

    fn routine_comment(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        use routines::CommentTarget;
        let (target, comment) = match routines::routine_comment(st.text, &self.search_path) {
            Ok(x) => x,
            Err(e) => {
                self.out_of_scope(st, &format!("{kind} ({e})"), line, Severity::Note);
                return;
            }
        };
        let found = match &target {
            CommentTarget::Function(name, identity) => {
                let mut matching = self.schema.functions.values_mut().filter(|f| {
                    f.name == *name && identity.as_ref().is_none_or(|i| *i == f.identity)
                });
                match (matching.next(), matching.next()) {
                    (Some(f), None) => {
                        f.comment = comment;
                        true
                    }
                    _ => false,
                }
            }
            CommentTarget::Trigger(name, table) => {
                let key = format!("{table}/{name}");
                match self.schema.triggers.get_mut(&key) {
                    Some(t) => {
                        t.comment = comment;
                        true
                    }
                    None => false,
                }
            }
        };
        if !found {
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!("{kind} (line {line}): no such object here (or more than one)"),
                st.start,
                st.end,
            );
        }
    }

    fn create_trigger(&mut self, st: &RawStatement<'_>, line: u32) {
        match routines::trigger(st.text, &self.search_path) {
            Ok(t) => {
                let t = Trigger {
                    name: t.name,
                    table: t.table,
                    function: t.function,
                    definition: Expr {
                        sql: as_written(st.text),
                        canon: t.canon,
                    },
                    comment: None,
                    span: self.span(st.start, st.end),
                };
                self.schema.triggers.insert(t.key(), t);
            }
            Err(e) => self.unreadable(st, "CREATE TRIGGER", line, &e),
        }
    }

    fn create_policy(&mut self, cp: ast::CreatePolicy, span: Span, st: &RawStatement<'_>) {
        let table = self.qual(&cp.table_name);
        let line = span.line;
        let Some(t) = self.schema.table_mut(&table) else {
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("CREATE POLICY on unknown table {table} (line {line})"),
                st.start,
                st.end,
            );
            return;
        };
        let mut roles: Vec<String> = cp
            .to
            .iter()
            .flatten()
            .map(|o| match o {
                ast::Owner::Ident(i) => ident(i),
                other => other.to_string().to_ascii_uppercase(),
            })
            .collect();
        if roles.is_empty() {
            roles.push("public".into());
        }
        roles.sort();
        roles.dedup();
        let name = ident(&cp.name);
        t.policies.retain(|p| p.name != name);
        push_lean(
            &mut t.policies,
            Policy {
                name,
                permissive: !matches!(cp.policy_type, Some(ast::CreatePolicyType::Restrictive)),
                command: match cp.command {
                    None | Some(ast::CreatePolicyCommand::All) => "ALL",
                    Some(ast::CreatePolicyCommand::Select) => "SELECT",
                    Some(ast::CreatePolicyCommand::Insert) => "INSERT",
                    Some(ast::CreatePolicyCommand::Update) => "UPDATE",
                    Some(ast::CreatePolicyCommand::Delete) => "DELETE",
                }
                .to_string(),
                roles,
                using: cp.using.as_ref().map(make_expr),
                check: cp.with_check.as_ref().map(make_expr),
                span,
            },
        );
        t.policies.sort_by(|a, b| a.name.cmp(&b.name));
    }

    fn qual(&self, name: &ObjectName) -> QualName {
        let parts: Vec<String> = name.0.iter().map(part_text).collect();
        resolve(&parts, &self.search_path)
    }

    fn create_table(&mut self, ct: ast::CreateTable, span: Span, st: &RawStatement<'_>) {
        let name = self.qual(&ct.name);
        let line = span.line;
        if ct.temporary {
            self.out_of_scope(st, "CREATE TEMPORARY TABLE", line, Severity::Warning);
            return;
        }
        if ct.query.is_some() || ct.like.is_some() {
            self.diag(
                Severity::Error,
                DiagKind::IgnoredClause,
                format!("CREATE TABLE {name} AS/LIKE (line {line}) is not supported: write its columns out"),
                st.start,
                st.end,
            );
            return;
        }
        if self.schema.tables.contains_key(&name) {
            if ct.if_not_exists {
                return;
            }
            self.diag(
                Severity::Warning,
                DiagKind::Syntax,
                format!("table {name} is created twice (line {line}); the later definition wins"),
                st.start,
                st.end,
            );
        }
        let mut table = Table::new(name.clone(), span);
        table.unlogged = ct.unlogged;
        table.inherits = ct.inherits.iter().flatten().map(|p| self.qual(p)).collect();
        if let Some(parent) = &ct.partition_of {
            let bound = ct
                .for_values
                .as_ref()
                .map_or("DEFAULT".to_string(), print::sql);
            table.partition_of = Some(PartitionOf {
                parent: self.qual(parent),
                bound: clause_expr(&bound),
            });
        }
        if let Some(by) = &ct.partition_by {
            table.partition_by = Some(clause_expr(&print::sql(by)));
        }
        let mut pending: Vec<(TableConstraint, Option<String>)> = Vec::new();
        // Column names' positions (the parser's line and column within the statement, in
        // increasing order), turned into offsets with one pass over the statement's lines.
        let mut cursor = (1u64, 0usize);
        let mut column_at = |loc: sqlparser::tokenizer::Location| -> Option<usize> {
            if loc.line == 0 || loc.line < cursor.0 {
                return None;
            }
            while cursor.0 < loc.line {
                match st.text[cursor.1..].find('\n') {
                    Some(n) => {
                        cursor.1 += n + 1;
                        cursor.0 += 1;
                    }
                    None => return None,
                }
            }
            let line_text = &st.text[cursor.1..];
            let at = line_text
                .char_indices()
                .nth(loc.column.saturating_sub(1) as usize)
                .map_or(line_text.len(), |(i, _)| i);
            Some(st.start + cursor.1 + at)
        };
        // The table's column types, for a generated column's expression: read once, when a
        // column is generated (most tables have none).
        let types = std::cell::OnceCell::new();
        let types = || {
            types
                .get_or_init(|| {
                    ct.columns
                        .iter()
                        .map(|c| {
                            let t = canonical_type_name(&print::sql_type(&c.data_type));
                            (ident(&c.name), t.to_string())
                        })
                        .collect::<Vec<_>>()
                })
                .clone()
        };
        // One allocation of the right size (pushing grows a list to up to twice its length).
        table.columns.reserve_exact(ct.columns.len());
        for col in &ct.columns {
            let raw_type = print::sql_type(&col.data_type);
            let col_span = column_at(col.name.span.start).map_or(span, |start| {
                self.span(start, (start + col.name.value.len()).min(st.end))
            });
            let mut column = Column {
                name: ident(&col.name).into(),
                data_type: canonical_type_name(&raw_type),
                not_null: false,
                serial: is_serial_type(&raw_type),
                default: None,
                identity: None,
                identity_options: Default::default(),
                model_default: Default::default(),
                generated: None,
                collation: None,
                comment: None,
                span: col_span,
            };
            for opt in &col.options {
                let cname = opt.name.as_ref().map(ident);
                match &opt.option {
                    ColumnOption::Null => column.not_null = false,
                    ColumnOption::NotNull => column.not_null = true,
                    ColumnOption::Default(e) => column.default = Some(Box::new(make_expr(e))),
                    ColumnOption::Collation(c) => {
                        // `pg_catalog."C"` and `public.x` are found by the search path:
                        // canonically unqualified, as psql shows them.
                        let parts: Vec<String> = c.0.iter().map(part_text).collect();
                        column.collation = Some(
                            match parts.as_slice() {
                                [s, n] if s == "pg_catalog" || s == "public" => n.clone(),
                                _ => parts.join("."),
                            }
                            .into(),
                        )
                    }
                    ColumnOption::Generated {
                        generated_as,
                        generation_expr,
                        sequence_options,
                        ..
                    } => match (generation_expr, generated_as) {
                        (Some(e), _) => {
                            column.generated = Some(Box::new(make_table_expr(e, types())))
                        }
                        (None, g) => {
                            column.identity = Some(if matches!(g, GeneratedAs::Always) {
                                Identity::Always
                            } else {
                                Identity::ByDefault
                            });
                            column.identity_options =
                                identity_options(sequence_options.as_deref().unwrap_or(&[])).into();
                        }
                    },
                    ColumnOption::PrimaryKey(pk) => {
                        let mut pk = pk.clone();
                        pk.columns = vec![col.name.clone().into()];
                        pending.push((TableConstraint::PrimaryKey(pk), cname));
                    }
                    ColumnOption::Unique(u) => {
                        let mut u = u.clone();
                        u.columns = vec![col.name.clone().into()];
                        pending.push((TableConstraint::Unique(u), cname));
                    }
                    ColumnOption::ForeignKey(fk) => {
                        let mut fk = fk.clone();
                        fk.columns = vec![col.name.clone()];
                        pending.push((TableConstraint::ForeignKey(fk), cname));
                    }
                    ColumnOption::Check(c) => {
                        pending.push((TableConstraint::Check(c.clone()), cname));
                    }
                    ColumnOption::Comment(c) => column.comment = Some(c.as_str().into()),
                    other => self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!(
                            "column {}.{} (line {line}): ignored `{other}`",
                            name, column.name
                        ),
                        st.start,
                        st.end,
                    ),
                }
            }
            if let Some(d) = &column.default {
                if let Some(seq) = nextval_target(&d.canon, &self.search_path) {
                    self.defaults
                        .push((name.clone(), column.name.to_string(), seq));
                }
            }
            table.columns.push(column);
        }
        for c in ct.constraints {
            pending.push((c, None));
        }
        self.schema
            .tables
            .insert(name.clone(), std::sync::Arc::new(table));
        for (c, cname) in pending {
            self.add_constraint(&name, c, cname, false, span, st);
        }
        if let Some(t) = self.schema.table_mut(&name) {
            drop_redundant_keys(t);
        }
    }

    fn add_constraint(
        &mut self,
        table: &QualName,
        c: TableConstraint,
        name_override: Option<String>,
        not_valid: bool,
        span: Span,
        st: &RawStatement<'_>,
    ) {
        let search_path = self.search_path.clone();
        let Some(t) = self.schema.table_mut(table) else {
            let line = span.line;
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("constraint on unknown table {table} (line {line})"),
                st.start,
                st.end,
            );
            return;
        };
        let taken = table_names_in_use(t);
        let is_taken = |n: &str| taken.iter().any(|t| t == n);
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let name = name_override
                    .or(pk.name.as_ref().map(ident))
                    .unwrap_or_else(|| unique_name(&t.name.name, None, "pkey", &is_taken));
                t.primary_key = Some(PrimaryKey {
                    name,
                    columns: pk.columns.iter().map(index_column_name).collect(),
                    include: pk.include.iter().map(ident).collect(),
                    deferrable: deferrable(pk.characteristics.as_ref()),
                    span,
                });
            }
            TableConstraint::Unique(u) => {
                let columns: Vec<String> = u.columns.iter().map(index_column_name).collect();
                let name = name_override
                    .or(u.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        unique_name(&t.name.name, Some(&columns.join("_")), "key", &is_taken)
                    });
                push_lean(
                    &mut t.uniques,
                    Unique {
                        name,
                        columns,
                        include: u.include.iter().map(ident).collect(),
                        nulls_not_distinct: matches!(
                            u.nulls_distinct,
                            ast::NullsDistinctOption::NotDistinct
                        ),
                        deferrable: deferrable(u.characteristics.as_ref()),
                        span,
                    },
                );
            }
            TableConstraint::Check(ch) => {
                let types = t
                    .columns
                    .iter()
                    .map(|c| (c.name.to_string(), c.data_type.to_string()))
                    .collect();
                let expr = make_table_expr(&ch.expr, types);
                let name = name_override
                    .or(ch.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        let cols = referenced_columns(&ch.expr);
                        let col = if cols.len() == 1 {
                            cols.first().map(String::as_str)
                        } else {
                            None
                        };
                        // PostgreSQL picks a free name among all constraints of the schema.
                        let ns = &self.constraint_names;
                        let schema_name = &t.name.schema;
                        unique_name(&t.name.name, col, "check", &|n| {
                            is_taken(n) || ns.contains(&(schema_name.clone(), n.to_string()))
                        })
                    });
                self.constraint_names
                    .insert((t.name.schema.clone(), name.clone()));
                push_lean(
                    &mut t.checks,
                    Check {
                        name,
                        expr,
                        no_inherit: ch.no_inherit,
                        not_valid,
                        span,
                    },
                );
            }
            TableConstraint::ForeignKey(fk) => {
                let columns: Vec<String> = fk.columns.iter().map(ident).collect();
                let name = name_override
                    .or(fk.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        let ns = &self.constraint_names;
                        let schema_name = &t.name.schema;
                        unique_name(&t.name.name, Some(&columns.join("_")), "fkey", &|n| {
                            is_taken(n) || ns.contains(&(schema_name.clone(), n.to_string()))
                        })
                    });
                self.constraint_names
                    .insert((t.name.schema.clone(), name.clone()));
                let parts: Vec<String> = fk.foreign_table.0.iter().map(part_text).collect();
                let ref_table = resolve(&parts, &search_path);
                push_lean(
                    &mut t.foreign_keys,
                    ForeignKey {
                        name,
                        columns,
                        ref_table,
                        ref_columns: fk.referred_columns.iter().map(ident).collect(),
                        on_delete: fk_action(fk.on_delete),
                        on_update: fk_action(fk.on_update),
                        match_full: matches!(
                            fk.match_kind,
                            Some(ast::ConstraintReferenceMatchKind::Full)
                        ),
                        deferrable: deferrable(fk.characteristics.as_ref()),
                        not_valid,
                        span,
                    },
                );
            }
            TableConstraint::Exclude(ex) => {
                let elements: Vec<(IndexKey, String)> = ex
                    .elements
                    .iter()
                    .map(|el| (index_key(&el.column), el.operator.to_string()))
                    .collect();
                let name = name_override
                    .or(ex.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        let cols = index_name_columns(elements.iter().map(|(k, _)| k));
                        unique_name(&t.name.name, Some(&cols), "excl", &is_taken)
                    });
                push_lean(
                    &mut t.exclusions,
                    Exclusion {
                        name,
                        method: ex
                            .index_method
                            .as_ref()
                            .map(ident)
                            .unwrap_or_else(|| "btree".to_string()),
                        elements,
                        include: ex.include.iter().map(ident).collect(),
                        predicate: ex.where_clause.as_deref().map(make_expr),
                        deferrable: deferrable(ex.characteristics.as_ref()),
                        span,
                    },
                );
            }
            TableConstraint::PrimaryKeyUsingIndex(ref u)
            | TableConstraint::UniqueUsingIndex(ref u)
                if promotable(t, &ident(&u.index_name)) =>
            {
                // The unique index becomes the constraint's own (renamed to the constraint's
                // name, as PostgreSQL does).
                let index_name = ident(&u.index_name);
                let pos = t.indexes.iter().position(|i| i.name == index_name);
                let Some(index) = pos.map(|p| t.indexes.remove(p)) else {
                    return;
                };
                let name = name_override
                    .or(u.name.as_ref().map(ident))
                    .unwrap_or(index_name);
                let columns: Vec<String> = index
                    .keys
                    .iter()
                    .map(|k| crate::quote::unquote_ident(&k.expr.sql))
                    .collect();
                let deferrable = deferrable(u.characteristics.as_ref());
                if matches!(c, TableConstraint::PrimaryKeyUsingIndex(_)) {
                    t.primary_key = Some(PrimaryKey {
                        name,
                        columns,
                        include: index.include,
                        deferrable,
                        span,
                    });
                } else {
                    push_lean(
                        &mut t.uniques,
                        Unique {
                            name,
                            columns,
                            include: index.include,
                            nulls_not_distinct: index.nulls_not_distinct,
                            deferrable,
                            span,
                        },
                    );
                }
            }
            other => {
                let line = span.line;
                let text = other.to_string();
                self.diag(
                    Severity::Warning,
                    DiagKind::OutOfScope,
                    format!("ignored: constraint `{text}` on {table} (line {line}): not compared by schemafix"),
                    st.start,
                    st.end,
                );
            }
        }
    }

    fn create_index(&mut self, ci: ast::CreateIndex, span: Span) {
        let table_name = self.qual(&ci.table_name);
        let line = span.line;
        if self.skipped_views.contains(&table_name) && !self.schema.tables.contains_key(&table_name)
        {
            self.diagnostics.push(Diagnostic::new(
                Severity::Warning,
                DiagKind::OutOfScope,
                format!("ignored: CREATE INDEX on view {table_name} (line {line}): views are not compared"),
                span,
            ));
            return;
        }
        let (taken, indexes) = if let Some(t) = self.schema.table_mut(&table_name) {
            (table_names_in_use(t), &mut t.indexes)
        } else if let Some(v) = self.schema.views.get_mut(&table_name) {
            (
                v.indexes.iter().map(|i| i.name.clone()).collect(),
                &mut v.indexes,
            )
        } else {
            self.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("CREATE INDEX on unknown table {table_name} (line {line})"),
                span,
            ));
            return;
        };
        let keys: Vec<IndexKey> = ci.columns.iter().map(index_key).collect();
        let name = match &ci.name {
            Some(n) => n.0.last().map(part_text).unwrap_or_default(),
            None => {
                let cols = index_name_columns(&keys);
                unique_name(&table_name.name, Some(&cols), "idx", &|n| {
                    taken.iter().any(|t| t == n)
                })
            }
        };
        if indexes.iter().any(|i| i.name == name) {
            if !ci.if_not_exists {
                self.diagnostics.push(Diagnostic::new(
                    Severity::Warning,
                    DiagKind::Syntax,
                    format!(
                        "index {name} is created twice (line {line}); the later definition wins"
                    ),
                    span,
                ));
            }
            indexes.retain(|i| i.name != name);
        }
        let method = ci
            .using
            .as_ref()
            .map(|u| print::sql(u).to_ascii_lowercase())
            .unwrap_or_else(|| "btree".to_string());
        push_lean(
            indexes,
            Index {
                name,
                unique: ci.unique,
                method,
                keys,
                include: ci.include.iter().map(ident).collect(),
                nulls_not_distinct: ci.nulls_distinct == Some(false),
                predicate: ci.predicate.as_ref().map(make_expr),
                with: Params(storage_params(&ci.with)),
                comment: None,
                invalid: false,
                span,
            },
        );
    }

    fn alter_table(&mut self, at: ast::AlterTable, span: Span, st: &RawStatement<'_>, line: u32) {
        let name = self.qual(&at.name);
        if !self.schema.tables.contains_key(&name) {
            if at.if_exists {
                return;
            }
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("ALTER TABLE on unknown table {name} (line {line})"),
                st.start,
                st.end,
            );
            return;
        }
        for op in at.operations {
            match op {
                AlterTableOperation::AddConstraint {
                    constraint,
                    not_valid,
                } => {
                    self.add_constraint(&name, constraint, None, not_valid, span, st);
                }
                AlterTableOperation::AttachPartitionOf {
                    partition,
                    for_values,
                } => {
                    // pg_dump creates a partition as a table and attaches it.
                    let child = self.qual(&partition);
                    match self.schema.table_mut(&child) {
                        Some(t) => {
                            t.partition_of = Some(PartitionOf {
                                parent: name.clone(),
                                bound: clause_expr(&print::sql(&for_values)),
                            })
                        }
                        None => self.diag(
                            Severity::Error,
                            DiagKind::UnknownObject,
                            format!("ATTACH PARTITION of unknown table {child} (line {line})"),
                            st.start,
                            st.end,
                        ),
                    }
                }
                AlterTableOperation::SetLogged => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        t.unlogged = false;
                    }
                }
                AlterTableOperation::SetUnlogged => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        t.unlogged = true;
                    }
                }
                AlterTableOperation::EnableRowLevelSecurity
                | AlterTableOperation::DisableRowLevelSecurity
                | AlterTableOperation::ForceRowLevelSecurity
                | AlterTableOperation::NoForceRowLevelSecurity => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        match op {
                            AlterTableOperation::EnableRowLevelSecurity => t.row_security = true,
                            AlterTableOperation::DisableRowLevelSecurity => t.row_security = false,
                            AlterTableOperation::ForceRowLevelSecurity => {
                                t.force_row_security = true
                            }
                            _ => t.force_row_security = false,
                        }
                    }
                }
                AlterTableOperation::AlterColumn { column_name, op } => {
                    let col_name = ident(&column_name);
                    let known = self
                        .schema
                        .tables
                        .get(&name)
                        .is_some_and(|t| t.column(&col_name).is_some());
                    let child = self
                        .schema
                        .tables
                        .get(&name)
                        .is_some_and(|t| !t.inherits.is_empty() || t.partition_of.is_some());
                    if !known && child {
                        // A column the table inherits (pg_dump sets an inherited column's own
                        // default on the child): applied once the parents' columns are in.
                        self.inherited_alters
                            .push((name.clone(), col_name, op, span, line));
                        continue;
                    }
                    self.alter_column(&name, &col_name, op, span, line);
                }
                AlterTableOperation::AddColumn { column_def, .. } => {
                    // Reuse the CREATE TABLE path for one column.
                    let sql = format!("CREATE TABLE x ({column_def})");
                    let dialect = PostgreSqlDialect {};
                    if let Ok(Statement::CreateTable(mut ct)) = Parser::new(&dialect)
                        .try_with_sql(&sql)
                        .and_then(|mut p| p.parse_statement())
                    {
                        ct.name = at.name.clone();
                        let saved = self.schema.tables.remove(&name);
                        self.create_table(ct, span, st);
                        if let (Some(mut old), Some(new)) =
                            (saved, self.schema.tables.remove(&name))
                        {
                            // Both were made here: neither is shared, nothing is copied.
                            let old_t = std::sync::Arc::make_mut(&mut old);
                            let new = std::sync::Arc::unwrap_or_clone(new);
                            old_t.columns.extend(new.columns);
                            old_t.uniques.extend(new.uniques);
                            old_t.checks.extend(new.checks);
                            old_t.foreign_keys.extend(new.foreign_keys);
                            if new.primary_key.is_some() {
                                old_t.primary_key = new.primary_key;
                            }
                            self.schema.tables.insert(name.clone(), old);
                        }
                    }
                }
                AlterTableOperation::DropColumn { column_names, .. } => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        for c in &column_names {
                            let c = ident(c);
                            t.columns.retain(|x| x.name != c);
                        }
                    }
                }
                AlterTableOperation::DropConstraint { name: cname, .. } => {
                    let cname = ident(&cname);
                    if let Some(t) = self.schema.table_mut(&name) {
                        if t.primary_key.as_ref().is_some_and(|p| p.name == cname) {
                            t.primary_key = None;
                        }
                        t.uniques.retain(|x| x.name != cname);
                        t.checks.retain(|x| x.name != cname);
                        t.foreign_keys.retain(|x| x.name != cname);
                        t.exclusions.retain(|x| x.name != cname);
                    }
                }
                AlterTableOperation::OwnerTo { .. } => {}
                other => {
                    let text = other.to_string();
                    self.diag(
                        Severity::Warning,
                        DiagKind::OutOfScope,
                        format!("ignored: ALTER TABLE {name} {text} (line {line}): not compared by schemafix"),
                        st.start,
                        st.end,
                    );
                }
            }
        }
    }

    /// `ALTER TABLE [ONLY] t ALTER COLUMN c ADD GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY (…)`,
    /// as pg_dump writes it (with `SEQUENCE NAME`, which the parser does not take).
    fn alter_identity(&mut self, st: &RawStatement<'_>) -> bool {
        let toks = sql_words(st.text);
        let up: Vec<String> = toks.iter().map(|t| t.to_ascii_uppercase()).collect();
        let Some(pos) = up
            .windows(2)
            .position(|w| w[0] == "ADD" && w[1] == "GENERATED")
        else {
            return false;
        };
        if up.first().map(String::as_str) != Some("ALTER")
            || up.get(1).map(String::as_str) != Some("TABLE")
        {
            return false;
        }
        let mut i = 2;
        if up.get(i).map(String::as_str) == Some("ONLY") {
            i += 1;
        }
        let Some(tname) = toks.get(i) else {
            return false;
        };
        let table = self.qual_text(tname);
        let Some(cpos) = up.iter().position(|w| w == "COLUMN") else {
            return false;
        };
        let Some(cname) = toks.get(cpos + 1).map(|c| ident_text(c)) else {
            return false;
        };
        let identity = if up.get(pos + 2).map(String::as_str) == Some("ALWAYS") {
            Identity::Always
        } else {
            Identity::ByDefault
        };
        match self
            .schema
            .table_mut(&table)
            .and_then(|t| t.column_mut(&cname))
        {
            Some(col) => {
                col.identity = Some(identity);
                col.identity_options = identity_options_from_words(&up[pos..]).into();
                true
            }
            None => false,
        }
    }

    fn qual_text(&self, text: &str) -> QualName {
        resolve(&split_qualified(text), &self.search_path)
    }

    fn create_sequence(
        &mut self,
        name: &ObjectName,
        options: &[ast::SequenceOptions],
        if_not_exists: bool,
        span: Span,
    ) {
        let name = self.qual(name);
        if if_not_exists && self.schema.sequences.contains_key(&name) {
            return;
        }
        let mut seq =
            Sequence::with_options(name.clone(), "bigint", &identity_options(options), span);
        for o in options {
            match o {
                ast::SequenceOptions::DataType(t) => {
                    seq.data_type = canonical_type(&print::sql_type(t))
                }
                ast::SequenceOptions::OwnedBy(Some(on)) => {
                    let parts: Vec<String> = on.0.iter().map(part_text).collect();
                    if let Some((table, column)) = resolve_column(&parts, &self.search_path) {
                        self.owned.push((name.clone(), table, column));
                    }
                }
                _ => {}
            }
        }
        normalize_sequence(&mut seq);
        self.schema.sequences.insert(name, seq);
    }

    /// `ALTER SEQUENCE s OWNED BY t.c` (pg_dump) and simple option changes.
    fn alter_sequence(&mut self, st: &RawStatement<'_>, line: u32) {
        let toks = sql_words(st.text);
        let up: Vec<String> = toks.iter().map(|t| t.to_ascii_uppercase()).collect();
        let mut i = 2;
        if up.get(i).map(String::as_str) == Some("IF") {
            i += 2;
        }
        let Some(sname) = toks.get(i) else { return };
        let seq = self.qual_text(sname);
        if let Some(p) = up.windows(2).position(|w| w[0] == "OWNED" && w[1] == "BY") {
            if let Some(target) = toks.get(p + 2) {
                let parts = split_qualified(target);
                if let Some((table, column)) = resolve_column(&parts, &self.search_path) {
                    self.owned.push((seq, table, column));
                }
            }
            return;
        }
        self.out_of_scope(st, "ALTER SEQUENCE", line, Severity::Warning);
    }

    /// `ALTER TYPE e ADD VALUE [IF NOT EXISTS] 'v' [BEFORE|AFTER 'w']`.
    fn alter_type(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let toks = sql_words(st.text);
        let up: Vec<String> = toks.iter().map(|t| t.to_ascii_uppercase()).collect();
        if up.get(3).map(String::as_str) == Some("ADD")
            && up.get(4).map(String::as_str) == Some("VALUE")
        {
            let name = self.qual_text(&toks[2]);
            let mut i = 5;
            if up.get(i).map(String::as_str) == Some("IF") {
                i += 3;
            }
            let lit = |s: &str| s.trim_matches('\'').replace("''", "'");
            let (Some(val), Some(e)) = (
                toks.get(i).map(|v| lit(v)),
                self.schema.enums.get_mut(&name),
            ) else {
                self.out_of_scope(st, kind, line, Severity::Warning);
                return;
            };
            if e.values.contains(&val) {
                return;
            }
            let anchor = toks.get(i + 2).map(|v| lit(v));
            let pos = match (up.get(i + 1).map(String::as_str), anchor) {
                (Some("BEFORE"), Some(a)) => e.values.iter().position(|v| *v == a),
                (Some("AFTER"), Some(a)) => e.values.iter().position(|v| *v == a).map(|p| p + 1),
                _ => None,
            };
            match pos {
                Some(p) => e.values.insert(p, val),
                None => e.values.push(val),
            }
            return;
        }
        self.out_of_scope(st, kind, line, Severity::Warning);
    }

    fn comment(
        &mut self,
        object_type: ast::CommentObject,
        object_name: &ObjectName,
        comment: Option<String>,
        st: &RawStatement<'_>,
        line: u32,
    ) {
        use ast::CommentObject as O;
        match object_type {
            O::Table => {
                let n = self.qual(object_name);
                if let Some(t) = self.schema.table_mut(&n) {
                    t.comment = comment;
                    return;
                }
            }
            O::Column => {
                let parts: Vec<String> = object_name.0.iter().map(part_text).collect();
                if let Some((t, col)) = resolve_column(&parts, &self.search_path) {
                    if let Some(c) = self.schema.table_mut(&t).and_then(|t| t.column_mut(&col)) {
                        c.comment = comment.map(Into::into);
                        return;
                    }
                }
            }
            O::Index => {
                let n = self.qual(object_name);
                // The tables' and the views' fields borrowed apart (`tables_mut` would take the
                // whole schema).
                if let Some(i) = self
                    .schema
                    .tables
                    .values_mut()
                    .map(std::sync::Arc::make_mut)
                    .filter(|t| t.name.schema == n.schema)
                    .flat_map(|t| t.indexes.iter_mut())
                    .chain(
                        self.schema
                            .views
                            .values_mut()
                            .filter(|v| v.name.schema == n.schema)
                            .flat_map(|v| v.indexes.iter_mut()),
                    )
                    .find(|i| i.name == n.name)
                {
                    i.comment = comment;
                    return;
                }
            }
            O::View | O::MaterializedView => {
                let n = self.qual(object_name);
                if let Some(v) = self.schema.views.get_mut(&n) {
                    v.comment = comment;
                    return;
                }
            }
            O::Type => {
                let n = self.qual(object_name);
                if let Some(e) = self.schema.enums.get_mut(&n) {
                    e.comment = comment;
                    return;
                }
            }
            _ => {
                let kind = format!("COMMENT ON {object_type}");
                self.out_of_scope(st, &kind, line, Severity::Note);
                return;
            }
        }
        self.diag(
            Severity::Warning,
            DiagKind::UnknownObject,
            format!("COMMENT ON {object_type} {object_name} (line {line}): no such object here"),
            st.start,
            st.end,
        );
    }

    /// A column whose default is `nextval` of a sequence the column owns is a serial column:
    /// its sequence and default fold into `serial = true`.
    fn resolve_serials(&mut self) {
        for (seq, table, col) in std::mem::take(&mut self.owned) {
            let has_default = self
                .defaults
                .iter()
                .any(|(t, c, s)| *t == table && *c == col && *s == seq);
            let Some(c) = self
                .schema
                .table_mut(&table)
                .and_then(|t| t.column_mut(&col))
            else {
                continue;
            };
            let default_matches = c
                .default
                .as_ref()
                .and_then(|d| nextval_target(&d.canon, &self.search_path))
                .is_some_and(|s| s == seq);
            if c.identity.is_some() {
                // pg_dump names the identity sequence; it is part of the identity.
                self.schema.sequences.remove(&seq);
            } else if has_default && default_matches {
                c.serial = true;
                c.default = None;
                self.schema.sequences.remove(&seq);
            } else if let Some(s) = self.schema.sequences.get_mut(&seq) {
                s.owned_by = Some((table, col));
            }
        }
        // Serial columns declared with the `serial` type carry no default text.
        for t in self.schema.tables_mut() {
            for c in &mut t.columns {
                if c.serial {
                    c.default = None;
                }
            }
        }
    }
}

/// Sequence options (of a sequence or an identity column) from the parser's, not yet
/// normalized.
fn identity_options(options: &[ast::SequenceOptions]) -> IdentityOptions {
    let mut o = IdentityOptions::default();
    let num = |e: &ast::Expr| -> Option<i64> { canon_expr(e).parse().ok() };
    for opt in options {
        match opt {
            ast::SequenceOptions::IncrementBy(e, _) => o.increment = num(e).unwrap_or(1),
            ast::SequenceOptions::MinValue(e) => o.min_value = e.as_ref().and_then(num),
            ast::SequenceOptions::MaxValue(e) => o.max_value = e.as_ref().and_then(num),
            ast::SequenceOptions::StartWith(e, _) => o.start = num(e),
            ast::SequenceOptions::Cache(e) => o.cache = num(e).unwrap_or(1),
            ast::SequenceOptions::Cycle(no) => o.cycle = !*no,
            _ => {}
        }
    }
    o
}

/// Identity options from pg_dump's hand-read `( SEQUENCE NAME s START WITH 1 … )` (upper-cased
/// words).
fn identity_options_from_words(up: &[String]) -> IdentityOptions {
    let mut o = IdentityOptions::default();
    let num = |i: usize| {
        up.get(i)
            .and_then(|w| w.trim_end_matches([')', ';']).parse::<i64>().ok())
    };
    let mut i = 0;
    while i < up.len() {
        let w = up[i].as_str();
        let prev_no = i > 0 && up[i - 1] == "NO";
        match w {
            "START" => o.start = num(i + 2).or(num(i + 1)),
            "INCREMENT" => o.increment = num(i + 2).or(num(i + 1)).unwrap_or(1),
            "MINVALUE" if !prev_no => o.min_value = num(i + 1),
            "MAXVALUE" if !prev_no => o.max_value = num(i + 1),
            "CACHE" => o.cache = num(i + 1).unwrap_or(1),
            "CYCLE" | "CYCLE)" => o.cycle = !prev_no,
            _ => {}
        }
        i += 1;
    }
    o
}

/// Brings a sequence's options to canonical form: values equal to PostgreSQL's defaults become
/// `None`, so `CREATE SEQUENCE s` and pg_dump's spelled-out form compare equal.
pub(crate) fn normalize_sequence(seq: &mut Sequence) {
    let type_max = match seq.data_type.as_str() {
        "smallint" => i64::from(i16::MAX),
        "integer" => i64::from(i32::MAX),
        _ => i64::MAX,
    };
    let type_min = match seq.data_type.as_str() {
        "smallint" => i64::from(i16::MIN),
        "integer" => i64::from(i32::MIN),
        _ => i64::MIN,
    };
    let (def_min, def_max) = if seq.increment > 0 {
        (1, type_max)
    } else {
        (type_min, -1)
    };
    if seq.min_value == Some(def_min) {
        seq.min_value = None;
    }
    if seq.max_value == Some(def_max) {
        seq.max_value = None;
    }
    let eff_start = if seq.increment > 0 {
        seq.min_value.unwrap_or(def_min)
    } else {
        seq.max_value.unwrap_or(def_max)
    };
    if seq.start == Some(eff_start) {
        seq.start = None;
    }
}

/// The length of a `WITH ( … )` clause at the start of `s`, if it is one.
fn with_clause_len(s: &str) -> Option<usize> {
    if !s.get(..4)?.eq_ignore_ascii_case("with") {
        return None;
    }
    let open = 4 + s[4..].find(|c: char| !c.is_whitespace())?;
    if !s[open..].starts_with('(') {
        return None;
    }
    let close = open + s[open..].find(')')?;
    Some(close + 1)
}

/// Rewrites casts to the SQL-standard time types that PostgreSQL prints (`::timestamp with time
/// zone`, `::time(3) without time zone`), which the parser cannot read after `::`, into their
/// short names (`::timestamptz`), padded with blanks so that every offset stays where it was.
fn spell_casts_for_parser(input: &str) -> std::borrow::Cow<'_, str> {
    // Once, not recursively: text with `VARIADIC` that is not `VARIADIC ARRAY[` stays as it is.
    let expanded = input
        .to_ascii_uppercase()
        .contains("VARIADIC")
        .then(|| expand_variadic_arrays(input));
    let text = expanded.as_deref().unwrap_or(input);
    if !text.contains("::") {
        return match expanded {
            Some(e) => std::borrow::Cow::Owned(e),
            None => std::borrow::Cow::Borrowed(input),
        };
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == b'\'' || c == b'"' {
            quote = Some(c);
        } else if c == b':' && b.get(i + 1) == Some(&b':') {
            if let Some((len, short)) = long_time_type(&text[i + 2..]) {
                out.push_str("::");
                out.push_str(&short);
                out.push_str(&" ".repeat(len - short.len()));
                i += 2 + len;
                continue;
            }
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    std::borrow::Cow::Owned(out)
}

/// `f(a, VARIADIC ARRAY[x, y])` is the call `f(a, x, y)` (PostgreSQL prints calls to variadic
/// functions that way; the parser lacks `VARIADIC`): blank out `VARIADIC ARRAY[` and its `]`,
/// keeping every offset.
fn expand_variadic_arrays(text: &str) -> String {
    let mut b: Vec<u8> = text.as_bytes().to_vec();
    let upper = text.to_ascii_uppercase();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'\'' || c == b'"' {
            quote = Some(c);
            i += 1;
            continue;
        }
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        // Byte comparisons: `i` may be inside a multi-byte character.
        if word_start && upper.as_bytes()[i..].starts_with(b"VARIADIC") {
            let after = i + "VARIADIC".len();
            let arr = after + upper[after..].len() - upper[after..].trim_start().len();
            if upper.as_bytes()[arr..].starts_with(b"ARRAY[") {
                let open = arr + "ARRAY".len();
                if let Some(close) = matching_bracket(&b, open) {
                    for x in &mut b[i..=open] {
                        *x = b' ';
                    }
                    b[close] = b' ';
                    i = open + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    String::from_utf8(b).unwrap_or_else(|_| text.to_string())
}

/// The index of the `]` closing the `[` at `open`, skipping quoted text.
fn matching_bracket(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (k, &c) in b.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'[' => depth += 1,
                b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(k);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// `timestamp(3) with time zone…` → (bytes matched, `timestamptz(3)`).
fn long_time_type(s: &str) -> Option<(usize, String)> {
    let lower = s.to_ascii_lowercase();
    let (base, rest) = if let Some(r) = lower.strip_prefix("timestamp") {
        ("timestamp", r)
    } else if let Some(r) = lower.strip_prefix("time") {
        ("time", r)
    } else {
        return None;
    };
    let mut pos = base.len();
    let mut typmod = String::new();
    let mut r = rest;
    if r.starts_with('(') {
        let close = r.find(')')?;
        typmod = r[..=close].to_string();
        pos += close + 1;
        r = &r[close + 1..];
    }
    let words: Vec<&str> = r.split_whitespace().take(3).collect();
    let with = match words.as_slice() {
        ["with", "time", "zone" | "zone)" | "zone,", ..] => true,
        ["without", "time", "zone" | "zone)" | "zone,", ..] => false,
        _ => return None,
    };
    let phrase = if with { "with" } else { "without" };
    let start = r.find(phrase)?;
    let zone = r.find("zone")? + 4;
    if start > 0 && !r[..start].trim().is_empty() {
        return None;
    }
    pos += zone;
    let short = match (base, with) {
        ("timestamp", true) => "timestamptz",
        ("time", true) => "timetz",
        (b, _) => b,
    };
    Some((pos, format!("{short}{typmod}")))
}

/// Words of a statement for hand-written recognisers: quoted strings and identifiers stay whole.
fn sql_words(text: &str) -> Vec<String> {
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
fn as_written(text: &str) -> String {
    text.trim().trim_end_matches(';').trim_end().to_string()
}

/// Splits `a."B".c` into its identifiers as PostgreSQL stores them.
pub(crate) fn split_qualified(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if in_q {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_q = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_q = true;
            quoted = true;
        } else if c == '.' {
            parts.push(if quoted {
                std::mem::take(&mut cur)
            } else {
                std::mem::take(&mut cur).to_ascii_lowercase()
            });
            quoted = false;
        } else {
            cur.push(c);
        }
    }
    parts.push(if quoted {
        cur
    } else {
        cur.to_ascii_lowercase()
    });
    parts
        .into_iter()
        .map(crate::normalize::truncate_identifier)
        .collect()
}

/// One identifier's stored text (`"Foo"` → `Foo`, `Foo` → `foo`).
fn ident_text(text: &str) -> String {
    let t = text.trim();
    // An empty search path (pg_dump's) or `"$user"` leaves unqualified names in `public`.
    if t.is_empty() || t == "''" || t == "\"$user\"" || t.eq_ignore_ascii_case("pg_catalog") {
        return "public".to_string();
    }
    split_qualified(text.trim()).pop().unwrap_or_default()
}

/// An identifier as PostgreSQL stores it: unquoted ones folded to lower case (ASCII letters
/// only, as `downcase_identifier` does in a multibyte encoding), every one cut to 63 bytes.
fn ident(i: &ast::Ident) -> String {
    crate::normalize::truncate_identifier(if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_ascii_lowercase()
    })
}

fn part_text(p: &ObjectNamePart) -> String {
    match p {
        ObjectNamePart::Identifier(i) => ident(i),
        ObjectNamePart::Function(f) => f.to_string(),
    }
}

fn index_column_name(c: &ast::IndexColumn) -> String {
    match strip_nested(&c.column.expr) {
        ast::Expr::Identifier(i) => ident(i),
        other => other.to_string(),
    }
}

fn deferrable(c: Option<&ast::ConstraintCharacteristics>) -> Deferrable {
    match c {
        Some(c) if c.deferrable == Some(true) => match c.initially {
            Some(ast::DeferrableInitial::Deferred) => Deferrable::Deferred,
            _ => Deferrable::Immediate,
        },
        Some(c) if c.initially == Some(ast::DeferrableInitial::Deferred) => Deferrable::Deferred,
        _ => Deferrable::No,
    }
}

fn fk_action(a: Option<ast::ReferentialAction>) -> FkAction {
    match a {
        Some(ast::ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ast::ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ast::ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ast::ReferentialAction::SetDefault) => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The columns an expression references, in first-seen order.
fn referenced_columns(e: &ast::Expr) -> Vec<String> {
    // The canonical text lists identifiers; reparsing would be wasteful, so walk the common
    // shapes and fall back to none (PostgreSQL then names the check `<table>_check`).
    let mut out: Vec<String> = Vec::new();
    collect_idents(e, &mut out);
    out
}

fn collect_idents(e: &ast::Expr, out: &mut Vec<String>) {
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

/// The sequence named by a canonical `nextval('…')` default.
pub(crate) fn nextval_target(canon: &str, search_path: &str) -> Option<QualName> {
    let inner = canon.strip_prefix("nextval('")?.strip_suffix("')")?;
    let inner = inner.replace("''", "'");
    let parts = split_qualified(&inner);
    (!parts.is_empty()).then(|| resolve(&parts, search_path))
}

/// A possibly qualified object name: the last part is the name, the one before it the schema
/// (a database part in front is ignored), `search_path` when unqualified.
pub(crate) fn resolve(parts: &[String], search_path: &str) -> QualName {
    match parts {
        [n] => QualName::new(search_path, n.clone()),
        [.., s, n] => QualName::new(s.clone(), n.clone()),
        [] => QualName::new(search_path, String::new()),
    }
}

/// A column reference `[schema.]table.column`.
fn resolve_column(parts: &[String], search_path: &str) -> Option<(QualName, String)> {
    let (column, table) = parts.split_last()?;
    if table.is_empty() {
        return None;
    }
    Some((resolve(table, search_path), column.clone()))
}

/// Removes a trailing `WITH [NO] DATA` from a `CREATE MATERIALIZED VIEW`.
/// `CREATE INDEX … ON ONLY t` with `ONLY` blanked out (offsets kept).
fn blank_on_only(text: &mut String) {
    let words = sql_words(text);
    let up: Vec<String> = words
        .iter()
        .take(12)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let Some(on) = up.iter().position(|w| w == "ON") else {
        return;
    };
    if up.get(on + 1).map(String::as_str) != Some("ONLY") {
        return;
    }
    // The first `ONLY` after the first ` ON ` outside quotes is that word.
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(i) = upper[from..].find(" ON ") {
        let at = from + i + 4;
        let rest = &upper[at..];
        let skipped = rest.len() - rest.trim_start().len();
        if rest.trim_start().starts_with("ONLY")
            && rest.trim_start()[4..].starts_with(char::is_whitespace)
        {
            let start = at + skipped;
            text.replace_range(start..start + 4, "    ");
            return;
        }
        from = at;
    }
}

fn strip_with_data(text: &mut String) {
    let body = text.trim_end().trim_end_matches(';').trim_end();
    let up = body.to_ascii_uppercase();
    let words: Vec<&str> = up.split_whitespace().rev().take(3).collect();
    let cut = match words.as_slice() {
        ["DATA", "NO", "WITH", ..] => Some(3),
        ["DATA", "WITH", ..] => Some(2),
        _ => None,
    };
    if let Some(n) = cut {
        let mut end = body.len();
        for _ in 0..n {
            end = body[..end]
                .trim_end()
                .rfind(char::is_whitespace)
                .unwrap_or(0);
        }
        text.truncate(end);
    }
}

/// Where the parser says an error is: (line, column) within the statement.
/// Where nesting in `text` first goes deeper than the parser follows (sqlparser's recursion
/// limit is 50 levels; brackets are counted, strings and comments are not looked into).
fn too_deep_at(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth > 40 {
                    return i;
                }
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    0
}

fn error_position(msg: &str) -> (usize, usize) {
    let num_after = |key: &str| -> Option<usize> {
        let i = msg.find(key)? + key.len();
        let digits: String = msg[i..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    (
        num_after("Line:").unwrap_or(1),
        num_after("Column:").unwrap_or(1),
    )
}

fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return Some(offset + col);
        }
        offset += l.len();
    }
    None
}

/// A short name for a statement's kind, for diagnostics (`CREATE VIEW`, `ALTER TABLE`).
fn statement_kind(w: &[&str]) -> String {
    let skip = [
        "OR",
        "REPLACE",
        "UNIQUE",
        "UNLOGGED",
        "TEMP",
        "TEMPORARY",
        "DEFAULT",
        "TRUSTED",
        "PROCEDURAL",
        "GLOBAL",
        "LOCAL",
        "RECURSIVE",
    ];
    let mut out: Vec<&str> = Vec::new();
    for (i, word) in w.iter().enumerate() {
        if i == 0 {
            out.push(word);
            if !matches!(*word, "CREATE" | "ALTER" | "DROP" | "COMMENT") {
                break;
            }
            continue;
        }
        if skip.contains(word) {
            continue;
        }
        out.push(word);
        if !matches!(
            *word,
            "MATERIALIZED"
                | "EVENT"
                | "FOREIGN"
                | "TEXT"
                | "SEARCH"
                | "ON"
                | "ACCESS"
                | "USER"
                | "DATA"
        ) {
            break;
        }
    }
    let k = out.join(" ");
    k.trim_end_matches(';').to_string()
}

/// One index (or exclusion constraint) key.
fn index_key(ic: &ast::IndexColumn) -> IndexKey {
    let e = strip_nested(&ic.column.expr);
    let is_column = matches!(e, ast::Expr::Identifier(_));
    let expr = if let ast::Expr::Identifier(i) = e {
        let n = ident(i);
        Expr {
            sql: quote_ident(&n),
            canon: quote_ident(&n),
        }
    } else {
        make_expr(e)
    };
    let desc = matches!(ic.column.options.sort, Some(ast::OrderBySort::Desc));
    // NULLS LAST is the default ascending, NULLS FIRST descending.
    let nulls_first = match ic.column.options.nulls_first {
        Some(nf) if nf != desc => Some(nf),
        _ => None,
    };
    IndexKey {
        expr,
        is_column,
        opclass: ic
            .operator_class
            .as_ref()
            .map(|o| {
                // `pg_dump` qualifies an extension's operator class (`public.gin_trgm_ops`);
                // the default search path finds it either way.
                let o = print::sql(o).to_ascii_lowercase();
                o.strip_prefix("pg_catalog.")
                    .or_else(|| o.strip_prefix("public."))
                    .map(str::to_string)
                    .unwrap_or(o)
            })
            .filter(|o| !is_default_opclass(o)),
        desc,
        nulls_first,
    }
}

/// Storage parameters as `name=value` with the value unquoted, sorted.
fn storage_params(with: &[ast::Expr]) -> Vec<String> {
    let out: Vec<String> = with
        .iter()
        .map(|e| match e {
            ast::Expr::BinaryOp { left, right, .. } => {
                let name = match strip_nested(left) {
                    ast::Expr::Identifier(i) => ident(i),
                    other => other.to_string().to_lowercase(),
                };
                let value = match strip_nested(right) {
                    ast::Expr::Value(v) => match &v.value {
                        Value::SingleQuotedString(s) => s.clone(),
                        Value::Boolean(b) => {
                            if *b {
                                "on".into()
                            } else {
                                "off".into()
                            }
                        }
                        other => other.to_string(),
                    },
                    other => other.to_string(),
                };
                let value = match value.to_ascii_lowercase().as_str() {
                    "true" => "on".to_string(),
                    "false" => "off".to_string(),
                    _ => value,
                };
                format!("{name}={value}")
            }
            other => other.to_string().to_lowercase(),
        })
        .collect();
    out
}

/// Operator classes that are the default for their type under btree, hash or GIN: naming one
/// changes nothing, and pg_dump leaves it out.
fn is_default_opclass(name: &str) -> bool {
    matches!(
        name,
        "int2_ops"
            | "int4_ops"
            | "int8_ops"
            | "text_ops"
            | "varchar_ops"
            | "bpchar_ops"
            | "numeric_ops"
            | "float4_ops"
            | "float8_ops"
            | "bool_ops"
            | "date_ops"
            | "timestamp_ops"
            | "timestamptz_ops"
            | "time_ops"
            | "timetz_ops"
            | "interval_ops"
            | "uuid_ops"
            | "bytea_ops"
            | "oid_ops"
            | "char_ops"
            | "name_ops"
            | "jsonb_ops"
            | "array_ops"
            | "inet_ops"
            | "enum_ops"
            | "money_ops"
            | "bit_ops"
            | "varbit_ops"
    )
}

fn strip_nested(e: &ast::Expr) -> &ast::Expr {
    match e {
        ast::Expr::Nested(x) => strip_nested(x),
        other => other,
    }
}

/// [`make_expr`] for an expression of a table (a check, a generated column), whose column
/// types are known.
fn make_table_expr(e: &ast::Expr, types: Vec<(String, String)>) -> Expr {
    Expr {
        sql: print::sql(e),
        canon: canon_in(Some(&views::Cols::table(types)), e),
    }
}

/// Is `e` an operand of type numeric: a numeric column, a cast to numeric, a decimal literal, or
/// arithmetic on one?
fn is_numeric_operand(s: &views::Cols, e: &ast::Expr) -> bool {
    match strip_nested(e) {
        ast::Expr::Cast { data_type, .. } => canon_data_type(data_type).starts_with("numeric"),
        ast::Expr::Value(v) => matches!(&v.value, Value::Number(n, _) if n.contains('.')),
        ast::Expr::BinaryOp { left, op, right } => {
            matches!(
                op,
                ast::BinaryOperator::Plus
                    | ast::BinaryOperator::Minus
                    | ast::BinaryOperator::Multiply
                    | ast::BinaryOperator::Divide
                    | ast::BinaryOperator::Modulo
            ) && (is_numeric_operand(s, left) || is_numeric_operand(s, right))
        }
        other => s.type_of(other).is_some_and(|t| t.starts_with("numeric")),
    }
}

fn is_integer_column(s: &views::Cols, e: &ast::Expr) -> bool {
    s.type_of(strip_nested(e))
        .is_some_and(|t| matches!(t, "smallint" | "integer" | "bigint"))
}

fn make_expr(e: &ast::Expr) -> Expr {
    Expr {
        sql: print::sql(e),
        canon: canon_expr(e),
    }
}

/// Types whose casts PostgreSQL inserts implicitly (string-like coercions) and that therefore
/// carry no meaning for comparison.
fn is_implicit_cast_target(ty: &str) -> bool {
    let base = ty.trim_end_matches("[]");
    base == "text"
        || base == "name"
        || base.starts_with("character varying")
        || base.starts_with("character(")
        || base.starts_with("bpchar")
        || base == "regclass"
}

fn is_numeric_type(ty: &str) -> bool {
    matches!(
        ty,
        "integer" | "bigint" | "smallint" | "real" | "double precision" | "oid"
    ) || ty.starts_with("numeric")
}

fn is_literal(e: &ast::Expr) -> bool {
    match strip_nested(e) {
        ast::Expr::Value(_) | ast::Expr::TypedString(_) => true,
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => is_literal(expr),
        ast::Expr::Array(a) => a.elem.iter().all(is_literal),
        ast::Expr::Cast { expr, .. } => is_literal(expr),
        _ => false,
    }
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|&c| c == '.').count() <= 1
        && t.chars().any(|c| c.is_ascii_digit())
}

/// Canonical text of an expression: fully parenthesised operators, implicit casts and casts of
/// literals removed, `IN` as `= ANY (ARRAY[…])`, `BETWEEN` expanded, `LIKE` as `~~`,
/// function names lower-cased without `pg_catalog.`. Equal for expressions PostgreSQL would
/// store identically (and, rarely, for some it would not: it is a comparison key).
fn canon_expr(e: &ast::Expr) -> String {
    canon_in(None, e)
}

/// [`canon_expr`] with column references resolved in a query's scope (`a` → `t.a`).
fn canon_in(s: Option<&views::Cols>, e: &ast::Expr) -> String {
    use ast::Expr as E;
    match e {
        E::Nested(x) => canon_in(s, x),
        E::Identifier(i) => match s {
            Some(s) => s.column(&[ident(i)]),
            None => quote_ident(&ident(i)),
        },
        E::CompoundIdentifier(ids) => {
            let parts: Vec<String> = ids.iter().map(ident).collect();
            match s {
                Some(s) => s.column(&parts),
                None => parts
                    .iter()
                    .map(|p| quote_ident(p))
                    .collect::<Vec<_>>()
                    .join("."),
            }
        }
        E::Value(v) => canon_value(&v.value),
        E::TypedString(ts) => {
            let v = canon_value(&ts.value.value);
            canon_typed_literal(&v, &canon_data_type(&ts.data_type))
        }
        E::Interval(iv) if iv.leading_field.is_none() && iv.last_field.is_none() => {
            canon_typed_literal(&canon_in(s, &iv.value), "interval")
        }
        E::Interval(iv) if iv.last_field.is_none() => {
            // `INTERVAL '90' MINUTE` as PostgreSQL stores it: '01:30:00'.
            let text = match (iv.value.as_ref(), &iv.leading_field) {
                (E::Value(v), Some(f)) => match &v.value {
                    Value::SingleQuotedString(t) => interval_text(t, f),
                    _ => None,
                },
                _ => None,
            };
            match text {
                Some(t) => quote_literal(&t),
                None => e.to_string(),
            }
        }
        E::Tuple(items) => format!(
            "ROW({})",
            items
                .iter()
                .map(|x| canon_in(s, x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        E::Cast {
            expr, data_type, ..
        } => {
            let ty = canon_data_type(data_type);
            let inner = canon_in(s, expr);
            if ty == "money" && is_literal(expr) {
                if let Some(m) = canon_money(&inner) {
                    return m;
                }
            }
            if is_literal(expr) || is_implicit_cast_target(&ty) {
                if ty == "boolean" || ty == "interval" {
                    return canon_typed_literal(&inner, &ty);
                }
                if is_numeric_type(&ty) {
                    let t = inner.trim_matches('\'');
                    if looks_numeric(t) {
                        return t.to_string();
                    }
                }
                return inner;
            }
            format!("({inner})::{ty}")
        }
        E::UnaryOp { op, expr } => {
            let inner = canon_in(s, expr);
            match op {
                ast::UnaryOperator::Minus if looks_numeric(&inner) => format!("-{inner}"),
                ast::UnaryOperator::Plus => inner,
                ast::UnaryOperator::Not => format!("(NOT {inner})"),
                _ => format!("({op} {inner})"),
            }
        }
        E::BinaryOp { left, op, right } => {
            let op = match op {
                ast::BinaryOperator::NotEq => "<>".to_string(),
                ast::BinaryOperator::PGLikeMatch => "~~".to_string(),
                ast::BinaryOperator::PGNotLikeMatch => "!~~".to_string(),
                ast::BinaryOperator::PGILikeMatch => "~~*".to_string(),
                ast::BinaryOperator::PGNotILikeMatch => "!~~*".to_string(),
                other => other.to_string().to_ascii_uppercase(),
            };
            let (mut l, mut r) = (canon_in(s, left), canon_in(s, right));
            if let Some(sc) = s.filter(|_| op == "-") {
                // There is no `timestamptz - date`: the date is cast.
                let (lt, rt) = (expr_type(sc, left), expr_type(sc, right));
                match (lt.as_deref(), rt.as_deref()) {
                    (Some(TIMESTAMPTZ), Some("date")) if !is_literal(right) => {
                        r = format!("({r})::{TIMESTAMPTZ}")
                    }
                    (Some("date"), Some(TIMESTAMPTZ)) if !is_literal(left) => {
                        l = format!("({l})::{TIMESTAMPTZ}")
                    }
                    _ => {}
                }
            }
            if let Some(sc) = s.filter(|_| {
                matches!(
                    op.as_str(),
                    "+" | "-" | "*" | "/" | "%" | "=" | "<>" | "<" | ">" | "<=" | ">="
                )
            }) {
                // An integer column meeting a numeric operand is cast by PostgreSQL, which
                // prints the cast: written out here too.
                if is_numeric_operand(sc, right) && is_integer_column(sc, left) {
                    l = format!("({l})::numeric");
                }
                if is_numeric_operand(sc, left) && is_integer_column(sc, right) {
                    r = format!("({r})::numeric");
                }
            }
            format!("({l} {op} {r})")
        }
        E::IsNull(x) => format!("({} IS NULL)", canon_in(s, x)),
        E::IsNotNull(x) => format!("({} IS NOT NULL)", canon_in(s, x)),
        E::IsTrue(x) => format!("({} IS TRUE)", canon_in(s, x)),
        E::IsFalse(x) => format!("({} IS FALSE)", canon_in(s, x)),
        E::IsNotTrue(x) => format!("({} IS NOT TRUE)", canon_in(s, x)),
        E::IsNotFalse(x) => format!("({} IS NOT FALSE)", canon_in(s, x)),
        E::IsDistinctFrom(a, b) => {
            format!("({} IS DISTINCT FROM {})", canon_in(s, a), canon_in(s, b))
        }
        E::IsNotDistinctFrom(a, b) => {
            format!(
                "({} IS NOT DISTINCT FROM {})",
                canon_in(s, a),
                canon_in(s, b)
            )
        }
        E::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            ..
        } if list.len() == 1 => {
            // PostgreSQL stores a one-element IN list as a plain comparison.
            let op = if *negated { "<>" } else { "=" };
            format!("({} {op} {})", canon_in(s, expr), canon_in(s, &list[0]))
        }
        E::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            ..
        } => {
            let items: Vec<String> = list.iter().map(|x| canon_in(s, x)).collect();
            let (op, q) = if *negated {
                ("<>", "ALL")
            } else {
                ("=", "ANY")
            };
            format!(
                "({} {op} {q} (ARRAY[{}]))",
                canon_in(s, expr),
                items.join(", ")
            )
        }
        E::AnyOp {
            left,
            compare_op,
            right,
            ..
        } => {
            format!(
                "({} {} ANY ({}))",
                canon_in(s, left),
                canon_op(compare_op),
                canon_in(s, right)
            )
        }
        E::AllOp {
            left,
            compare_op,
            right,
        } => {
            format!(
                "({} {} ALL ({}))",
                canon_in(s, left),
                canon_op(compare_op),
                canon_in(s, right)
            )
        }
        E::Array(a) => format!(
            "ARRAY[{}]",
            a.elem
                .iter()
                .map(|x| canon_in(s, x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        E::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (x, lo, hi) = (canon_in(s, expr), canon_in(s, low), canon_in(s, high));
            if *negated {
                format!("(({x} < {lo}) OR ({x} > {hi}))")
            } else {
                format!("(({x} >= {lo}) AND ({x} <= {hi}))")
            }
        }
        E::Like {
            negated,
            expr,
            pattern,
            ..
        } => {
            format!(
                "({} {} {})",
                canon_in(s, expr),
                if *negated { "!~~" } else { "~~" },
                canon_in(s, pattern)
            )
        }
        E::ILike {
            negated,
            expr,
            pattern,
            ..
        } => {
            format!(
                "({} {} {})",
                canon_in(s, expr),
                if *negated { "!~~*" } else { "~~*" },
                canon_in(s, pattern)
            )
        }
        E::Function(f) => {
            let name = f
                .name
                .0
                .iter()
                .map(part_text)
                // `pg_dump` qualifies functions of `public` (its search path is empty); the
                // default search path finds them either way.
                .filter(|p| p != "pg_catalog" && p != "public")
                .collect::<Vec<_>>()
                .join(".");
            match &f.args {
                FunctionArguments::None => name.to_ascii_uppercase(),
                FunctionArguments::List(l)
                    if l.clauses.is_empty()
                        && match &f.over {
                            None => true,
                            Some(ast::WindowType::WindowSpec(w)) => {
                                w.window_name.is_none() && w.window_frame.is_none()
                            }
                            Some(_) => false,
                        } =>
                {
                    let mut args: Vec<String> = l
                        .args
                        .iter()
                        .map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => {
                                let c = canon_in(s, x);
                                if name == "nextval" {
                                    // `'public.seq'` and `'seq'` name the same sequence.
                                    c.replacen("'public.", "'", 1)
                                } else {
                                    c
                                }
                            }
                            other => other.to_string(),
                        })
                        .collect();
                    if let Some(sc) = s {
                        let exprs: Option<Vec<&ast::Expr>> = l
                            .args
                            .iter()
                            .map(|a| match a {
                                FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(x),
                                _ => None,
                            })
                            .collect();
                        if let Some(exprs) = exprs {
                            implicit_arg_casts(sc, &name.to_ascii_lowercase(), &exprs, &mut args);
                        }
                    }
                    let distinct = match l.duplicate_treatment {
                        Some(ast::DuplicateTreatment::Distinct) => "DISTINCT ",
                        _ => "",
                    };
                    let mut out = if name == "row" {
                        // `ROW(a, b)` and `(a, b)` are one row constructor.
                        format!("ROW({})", args.join(", "))
                    } else {
                        format!("{name}({distinct}{})", args.join(", "))
                    };
                    if let Some(filter) = &f.filter {
                        out.push_str(&format!(" FILTER (WHERE {})", canon_in(s, filter)));
                    }
                    if let Some(ast::WindowType::WindowSpec(w)) = &f.over {
                        let mut spec = Vec::new();
                        if !w.partition_by.is_empty() {
                            let keys: Vec<String> =
                                w.partition_by.iter().map(|x| canon_in(s, x)).collect();
                            spec.push(format!("PARTITION BY {}", keys.join(", ")));
                        }
                        if !w.order_by.is_empty() {
                            let keys: Vec<String> =
                                w.order_by.iter().map(|o| canon_order_key(s, o)).collect();
                            spec.push(format!("ORDER BY {}", keys.join(", ")));
                        }
                        out.push_str(&format!(" OVER ({})", spec.join(" ")));
                    }
                    out
                }
                _ => e.to_string(),
            }
        }
        // Subqueries of a view's expressions, in the view's scope (a table's expressions
        // have none).
        E::Subquery(q) => match s.and_then(|s| s.subquery(q)) {
            Some(t) => format!("({t})"),
            None => e.to_string(),
        },
        E::Exists { subquery, negated } => match s.and_then(|s| s.subquery(subquery)) {
            Some(t) if *negated => format!("(NOT EXISTS ({t}))"),
            Some(t) => format!("EXISTS ({t})"),
            None => e.to_string(),
        },
        E::In {
            expr,
            target: ast::InTarget::Subquery(subquery),
            negated,
            ..
        } => match s.and_then(|s| s.subquery(subquery)) {
            // PostgreSQL prints `NOT IN` as `NOT (… IN …)`.
            Some(t) if *negated => format!("(NOT ({} IN ({t})))", canon_in(s, expr)),
            Some(t) => format!("({} IN ({t}))", canon_in(s, expr)),
            None => e.to_string(),
        },
        E::Extract { field, expr, .. } => format!("EXTRACT({field} FROM {})", canon_in(s, expr)),
        E::AtTimeZone {
            timestamp,
            time_zone,
        } => {
            format!(
                "({} AT TIME ZONE {})",
                canon_in(s, timestamp),
                canon_in(s, time_zone)
            )
        }
        E::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let mut out = String::from("CASE");
            if let Some(o) = operand {
                out.push(' ');
                out.push_str(&canon_in(s, o));
            }
            for c in conditions {
                out.push_str(&format!(
                    " WHEN {} THEN {}",
                    canon_in(s, &c.condition),
                    canon_in(s, &c.result)
                ));
            }
            // PostgreSQL prints a missing ELSE as `ELSE NULL`.
            if let Some(x) = else_result {
                let x = canon_in(s, x);
                if x != "NULL" {
                    out.push_str(&format!(" ELSE {x}"));
                }
            }
            out.push_str(" END");
            out
        }
        other => other.to_string(),
    }
}

const TIMESTAMPTZ: &str = "timestamp with time zone";
const FLOAT8: &str = "double precision";

/// The type of an expression where a view's stored form depends on it: a column's (when the
/// schema knows it), a cast's, a number's, and the result of a few date/time functions.
fn expr_type(s: &views::Cols, e: &ast::Expr) -> Option<String> {
    use ast::Expr as E;
    match strip_nested(e) {
        E::Cast { data_type, .. } => Some(canon_data_type(data_type)),
        E::Value(v) => match &v.value {
            Value::Number(n, _) if n.parse::<i32>().is_ok() => Some("integer".into()),
            Value::Number(n, _) if n.parse::<i64>().is_ok() => Some("bigint".into()),
            Value::Number(..) => Some("numeric".into()),
            _ => None,
        },
        E::Function(f) => {
            let name = f.name.0.last().map(part_text)?.to_ascii_lowercase();
            match name.as_str() {
                "now"
                | "current_timestamp"
                | "to_timestamp"
                | "statement_timestamp"
                | "transaction_timestamp"
                | "clock_timestamp" => Some(TIMESTAMPTZ.into()),
                "current_date" => Some("date".into()),
                "localtimestamp" => Some("timestamp without time zone".into()),
                "count" => Some("bigint".into()),
                _ => None,
            }
        }
        other => s.type_of(other).map(str::to_string),
    }
}

/// The casts PostgreSQL writes into a call's arguments when it resolves the call to a
/// built-in function of other argument types (`round(i)` is stored as
/// `round((i)::double precision)`, `date_trunc('day', d)` with `d` a date as
/// `date_trunc('day', (d)::timestamp with time zone)`): for the common numeric and date/time
/// functions. Literals are left alone (their casts are not compared).
fn implicit_arg_casts(s: &views::Cols, name: &str, exprs: &[&ast::Expr], args: &mut [String]) {
    let types: Vec<Option<String>> = exprs.iter().map(|x| expr_type(s, x)).collect();
    let t = |i: usize| types.get(i).and_then(|t| t.as_deref());
    let rank = |ty: Option<&str>| match ty {
        Some("smallint") => Some(1),
        Some("integer") => Some(2),
        Some("bigint") => Some(3),
        _ => None,
    };
    let float_or_int = |ty: Option<&str>| rank(ty).is_some() || ty == Some("real");
    let numeric = |ty: Option<&str>| ty.is_some_and(|t| t.starts_with("numeric"));
    let mut want: Vec<Option<&str>> = vec![None; args.len()];
    match (name, args.len()) {
        ("round" | "trunc", 2) if rank(t(0)).is_some() => want[0] = Some("numeric"),
        (
            "round" | "trunc" | "floor" | "ceil" | "ceiling" | "sqrt" | "cbrt" | "exp" | "ln"
            | "log" | "log10" | "sign" | "degrees" | "radians",
            1,
        ) if float_or_int(t(0)) => want[0] = Some(FLOAT8),
        ("sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "cot", 1)
            if float_or_int(t(0)) || numeric(t(0)) =>
        {
            want[0] = Some(FLOAT8)
        }
        ("power" | "pow", 2) => {
            let target = if numeric(t(0)) || numeric(t(1)) {
                "numeric"
            } else {
                FLOAT8
            };
            for (i, w) in want.iter_mut().enumerate() {
                if float_or_int(t(i)) {
                    *w = Some(target);
                }
            }
        }
        ("to_timestamp", 1) if float_or_int(t(0)) || numeric(t(0)) => want[0] = Some(FLOAT8),
        ("to_char", 2) | ("age", 1) if t(0) == Some("date") => want[0] = Some(TIMESTAMPTZ),
        ("date_trunc", 2 | 3) if t(1) == Some("date") => want[1] = Some(TIMESTAMPTZ),
        ("div", 2) => {
            for (i, w) in want.iter_mut().enumerate() {
                if rank(t(i)).is_some() {
                    *w = Some("numeric");
                }
            }
        }
        ("mod", 2) => {
            // The narrower integer is widened to the other's type.
            if let (Some(a), Some(b)) = (rank(t(0)), rank(t(1))) {
                if a < b {
                    want[0] = t(1);
                } else if b < a {
                    want[1] = t(0);
                }
            }
        }
        _ => {}
    }
    for (i, w) in want.into_iter().enumerate() {
        if let Some(w) = w {
            if t(i) != Some(w) && !is_literal(exprs[i]) {
                args[i] = format!("({})::{w}", args[i]);
            }
        }
    }
}

/// One `ORDER BY` key: the expression, `DESC`, and `NULLS FIRST/LAST` where not the default.
fn canon_order_key(s: Option<&views::Cols>, o: &ast::OrderByExpr) -> String {
    let mut k = canon_in(s, &o.expr);
    let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
    match &o.options.sort {
        Some(ast::OrderBySort::Desc) => k.push_str(" DESC"),
        Some(ast::OrderBySort::Using(op)) => k.push_str(&format!(" USING {op}")),
        _ => {}
    }
    match o.options.nulls_first {
        Some(true) if !desc => k.push_str(" NULLS FIRST"),
        Some(false) if desc => k.push_str(" NULLS LAST"),
        _ => {}
    }
    k
}

/// A literal of a known type as PostgreSQL stores it (`BOOLEAN 't'` → `true`).
fn canon_typed_literal(v: &str, ty: &str) -> String {
    if ty == "money" {
        if let Some(m) = canon_money(v) {
            return m;
        }
    }
    if ty == "interval" {
        if let Some(t) = v
            .strip_prefix('\'')
            .and_then(|x| x.strip_suffix('\''))
            .filter(|x| !x.contains('\''))
            .and_then(interval_literal)
        {
            return quote_literal(&t);
        }
    }
    if ty == "boolean" {
        match v.trim_matches('\'').to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => return "true".into(),
            "f" | "false" | "n" | "no" | "off" | "0" => return "false".into(),
            _ => {}
        }
    }
    v.to_string()
}

fn canon_op(op: &ast::BinaryOperator) -> String {
    match op {
        ast::BinaryOperator::NotEq => "<>".to_string(),
        other => other.to_string(),
    }
}

fn canon_data_type(t: &DataType) -> String {
    canonical_type(&print::sql_type(t))
}

fn canon_value(v: &Value) -> String {
    match v {
        Value::Number(n, _) => n.trim_start_matches('+').to_string(),
        Value::SingleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::UnicodeStringLiteral(s)
        | Value::NationalStringLiteral(s)
        | Value::DollarQuotedString(sqlparser::ast::DollarQuotedString { value: s, .. }) => {
            if looks_numeric(s) {
                s.clone()
            } else {
                quote_literal(s)
            }
        }
        // Bit strings as PostgreSQL prints them: `X'1F'` and `B'00011111'` are '00011111'.
        Value::HexStringLiteral(h) => {
            let bits: Option<String> = h
                .chars()
                .map(|c| c.to_digit(16).map(|d| format!("{d:04b}")))
                .collect();
            match bits {
                Some(b) => b,
                None => v.to_string(),
            }
        }
        Value::SingleQuotedByteStringLiteral(b) if b.chars().all(|c| c == '0' || c == '1') => {
            b.clone()
        }
        Value::Boolean(b) => b.to_string(),
        Value::Null => "NULL".to_string(),
        other => other.to_string(),
    }
}

/// A money literal as PostgreSQL prints it with an English-style `lc_monetary` (the C locale's
/// too): rounded to cents, `$`, thousands separated (`1999.999` → `'$2,000.00'`). `None` for
/// text that is not a plain amount.
fn canon_money(v: &str) -> Option<String> {
    let t = v.trim_matches('\'').trim();
    let negative = t.starts_with('-') || (t.starts_with('(') && t.ends_with(')'));
    let body: String = t
        .chars()
        .filter(|c| !matches!(c, '-' | '$' | ',' | '(' | ')' | ' '))
        .collect();
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let (int, frac) = body.split_once('.').unwrap_or((&body, ""));
    if frac.contains('.') || int.len() > 20 {
        return None;
    }
    let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let digit = |i: usize| frac.as_bytes().get(i).map_or(0, |b| u128::from(b - b'0'));
    let mut cents = int * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        cents += 1;
    }
    let dollars = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative && cents > 0 { "-" } else { "" };
    Some(quote_literal(&format!(
        "{sign}${grouped}.{:02}",
        cents % 100
    )))
}

/// The text PostgreSQL stores for `INTERVAL 'v' FIELD` with a plain number `v` (the style
/// `postgres`): fields above seconds keep the whole part only.
fn interval_text(v: &str, field: &ast::DateTimeField) -> Option<String> {
    use ast::DateTimeField as F;
    let x: f64 = v.trim().parse().ok()?;
    if !x.is_finite() || x.abs() > 1e12 {
        return None;
    }
    let whole = x.trunc() as i64;
    let (months, days, micros) = match field {
        F::Year | F::Years => (whole * 12, 0, 0),
        F::Month | F::Months => (whole, 0, 0),
        F::Day | F::Days => (0, whole, 0),
        F::Hour | F::Hours => (0, 0, whole * 3_600_000_000),
        F::Minute | F::Minutes => (0, 0, whole * 60_000_000),
        F::Second | F::Seconds => (0, 0, (x * 1e6).round() as i64),
        _ => return None,
    };
    Some(interval_output(months, days, micros))
}

/// An interval literal's text as PostgreSQL prints the value (`'1 YEAR'` → `'1 year'`,
/// `'90 minutes'` → `'01:30:00'`, `'2 weeks'` → `'14 days'`): whole numbers of units and an
/// `h:m[:s]` time; anything else (fractions of a day, ISO 8601 forms) stays as written.
fn interval_literal(v: &str) -> Option<String> {
    let words: Vec<&str> = v.split_whitespace().collect();
    let (words, sign) = match words.split_last() {
        Some((last, rest)) if last.eq_ignore_ascii_case("ago") => (rest, -1),
        _ => (words.as_slice(), 1),
    };
    if words.is_empty() {
        return None;
    }
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i64);
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w.contains(':') {
            let (neg, t) = match w.strip_prefix('-') {
                Some(t) => (true, t),
                None => (false, w.strip_prefix('+').unwrap_or(w)),
            };
            let f: Vec<&str> = t.split(':').collect();
            if f.len() > 3 || f[..f.len() - 1].iter().any(|x| x.parse::<u32>().is_err()) {
                return None;
            }
            let h: i64 = f[0].parse().ok()?;
            let m: i64 = f[1].parse().ok()?;
            let sec: f64 = f.get(2).map_or(Ok(0.0), |x| x.parse()).ok()?;
            if !sec.is_finite() || m >= 60 || !(0.0..60.0).contains(&sec) || h > 1_000_000 {
                return None;
            }
            let t = h * 3_600_000_000 + m * 60_000_000 + (sec * 1e6).round() as i64;
            micros += if neg { -t } else { t };
            i += 1;
            continue;
        }
        let n: i64 = w.parse().ok().filter(|n: &i64| n.abs() <= 1_000_000)?;
        let unit = words.get(i + 1)?.to_ascii_lowercase();
        match unit.as_str() {
            "year" | "years" | "yr" | "yrs" | "y" => months += n * 12,
            "month" | "months" | "mon" | "mons" => months += n,
            "week" | "weeks" | "w" => days += n * 7,
            "day" | "days" | "d" => days += n,
            "hour" | "hours" | "hr" | "hrs" | "h" => micros += n * 3_600_000_000,
            "minute" | "minutes" | "min" | "mins" | "m" => micros += n * 60_000_000,
            "second" | "seconds" | "sec" | "secs" | "s" => micros += n * 1_000_000,
            "millisecond" | "milliseconds" | "ms" => micros += n * 1_000,
            _ => return None,
        }
        i += 2;
    }
    Some(interval_output(months * sign, days * sign, micros * sign))
}

/// An interval value as PostgreSQL's default output style prints it.
fn interval_output(months: i64, days: i64, micros: i64) -> String {
    // After a negative field, a positive one carries its sign (`-1 days +01:00:00`).
    let mut before = false;
    let mut parts = Vec::new();
    let mut unit = |n: i64, one: &str, many: &str| {
        if n != 0 {
            let plus = if before && n > 0 { "+" } else { "" };
            parts.push(format!("{plus}{n} {}", if n == 1 { one } else { many }));
            before |= n < 0;
        }
    };
    unit(months / 12, "year", "years");
    unit(months % 12, "mon", "mons");
    unit(days, "day", "days");
    if micros != 0 || parts.is_empty() {
        let a = micros.unsigned_abs();
        let (h, m, sec, frac) = (
            a / 3_600_000_000,
            a / 60_000_000 % 60,
            a / 1_000_000 % 60,
            a % 1_000_000,
        );
        let sign = if micros < 0 {
            "-"
        } else if before {
            "+"
        } else {
            ""
        };
        let mut t = format!("{sign}{h:02}:{m:02}:{sec:02}");
        if frac != 0 {
            t.push_str(format!(".{frac:06}").trim_end_matches('0'));
        }
        parts.push(t);
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    /// Interval literals as PostgreSQL 15 prints them (`SELECT '…'::interval`).
    #[test]
    fn interval_literals_print_as_the_server_prints_them() {
        for (written, printed) in [
            ("1 YEAR", "1 year"),
            ("2 weeks", "14 days"),
            ("90 minutes", "01:30:00"),
            ("1 year 2 months 3 days", "1 year 2 mons 3 days"),
            ("14 months", "1 year 2 mons"),
            ("-1 day", "-1 days"),
            ("1 day ago", "-1 days"),
            ("1:30", "01:30:00"),
            ("10:00:00.5", "10:00:00.5"),
            ("25 hours", "25:00:00"),
            ("3 mons -2 days 01:00:00", "3 mons -2 days +01:00:00"),
            ("1 hour 30 minutes", "01:30:00"),
            ("0 days", "00:00:00"),
            ("500 ms", "00:00:00.5"),
            ("-01:00:00", "-01:00:00"),
        ] {
            assert_eq!(
                super::interval_literal(written).as_deref(),
                Some(printed),
                "{written}"
            );
            // The printed form is a fixed point.
            assert_eq!(
                super::interval_literal(printed).as_deref(),
                Some(printed),
                "{printed}"
            );
        }
        assert_eq!(super::interval_literal("1.5 days"), None);
        assert_eq!(super::interval_literal("P1D"), None);
    }

    /// Unnamed indexes get PostgreSQL 15's names (measured with `CREATE INDEX ON t (…)`).
    #[test]
    fn an_unnamed_expression_index_is_named_as_postgresql_names_it() {
        let keys = [
            ("lower(email)", "t_lower_idx"),
            ("(a + b)", "t_expr_idx"),
            ("lower(email), lower(c)", "t_lower_lower1_idx"),
            ("(email::varchar)", "t_email_idx"),
            ("((a + b)::text)", "t_text_idx"),
            ("coalesce(a, b)", "t_coalesce_idx"),
            ("(CASE WHEN a > 1 THEN 1 ELSE 0 END)", "t_case_idx"),
            ("a, (a + 1), (b * 2)", "t_a_expr_expr1_idx"),
        ];
        for (key, name) in keys {
            let parsed = super::parse_ddl(&format!(
                "CREATE TABLE t (a int, b int, email text, c varchar(10));\n\
                 CREATE INDEX ON t ({key});"
            ));
            assert!(
                parsed.diagnostics.is_empty(),
                "{key}: {:?}",
                parsed.diagnostics
            );
            let t = parsed.schema.tables.values().next().unwrap();
            assert_eq!(t.indexes[0].name, name, "{key}");
        }
    }

    #[test]
    fn a_unique_index_promoted_to_a_key_is_that_key() {
        let using = super::parse_ddl(
            "CREATE TABLE c (cc int NOT NULL, d int);\n\
             CREATE UNIQUE INDEX c_cc ON c (cc);\n\
             ALTER TABLE c ADD CONSTRAINT c_pkey PRIMARY KEY USING INDEX c_cc;\n\
             CREATE UNIQUE INDEX c_d ON c (d);\n\
             ALTER TABLE c ADD UNIQUE USING INDEX c_d;\n\
             CREATE INDEX c_plain ON c (d);\n\
             ALTER TABLE c ADD CONSTRAINT x UNIQUE USING INDEX c_plain;",
        );
        let inline = super::parse_ddl(
            "CREATE TABLE c (cc int NOT NULL, d int, CONSTRAINT c_pkey PRIMARY KEY (cc), \
             CONSTRAINT c_d UNIQUE (d)); CREATE INDEX c_plain ON c (d);",
        );
        assert_eq!(using.schema, inline.schema);
        // A non-unique index cannot become a key: said, not guessed.
        assert!(using
            .diagnostics
            .iter()
            .any(|d| d.message.contains("USING INDEX c_plain")));
    }

    use super::*;

    fn canon(s: &str) -> String {
        parse_expr(s).unwrap().canon
    }

    #[test]
    fn expressions_compare_as_postgresql_stores_them() {
        assert_eq!(
            canon("'personal_only'"),
            canon("'personal_only'::character varying")
        );
        assert_eq!(canon("price > 0"), canon("((price > (0)::numeric))"));
        assert_eq!(canon("status IN ('a','b')"), canon("((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"));
        assert_eq!(canon("-1"), canon("'-1'::integer"));
        assert_eq!(canon("x BETWEEN 1 AND 2"), canon("((x >= 1) AND (x <= 2))"));
        assert_eq!(
            canon("nextval('public.s'::regclass)"),
            canon("nextval('s')")
        );
        assert_ne!(canon("(a + b) * c"), canon("a + (b * c)"));
        assert_eq!(canon("NOW()"), canon("now()"));
        assert_eq!(
            canon("name LIKE 'a%'"),
            canon("((name)::text ~~ 'a%'::text)")
        );
        // Literals as PostgreSQL 15 prints them (lc_monetary C.UTF-8).
        assert_eq!(canon("money '1.999'"), canon("'$2.00'::money"));
        assert_eq!(
            canon("'1234567.891'::money"),
            canon("'$1,234,567.89'::money")
        );
        assert_ne!(canon("money '1.00'"), canon("'$1.01'::money"));
        assert_eq!(canon("interval '1.5' year"), canon("'1 year'::interval"));
        assert_eq!(canon("interval '90' minute"), canon("'01:30:00'::interval"));
        assert_eq!(
            canon("interval '14' month"),
            canon("'1 year 2 mons'::interval")
        );
        assert_eq!(
            canon("interval '1.25' second"),
            canon("'00:00:01.25'::interval")
        );
        assert_eq!(canon("interval '-1' day"), canon("'-1 days'::interval"));
        assert_eq!(canon("x'1F'"), canon("'00011111'::\"bit\""));
        assert_eq!(canon("b'1010'"), canon("'1010'::\"bit\""));
        assert_eq!(canon("(a, b) > (0, 0)"), canon("(ROW(a, b) > ROW(0, 0))"));
    }

    /// PostgreSQL casts an integer column meeting a numeric operand and prints the cast.
    #[test]
    fn implicit_numeric_casts_of_columns_compare_equal() {
        let written = super::parse_ddl(
            "CREATE TABLE o (q integer, p numeric(10,2), d numeric(5,2), \
             t numeric GENERATED ALWAYS AS (q * p * (1 - d / 100)) STORED, CHECK (q * p > 0.5));",
        );
        let dumped = super::parse_ddl(
            "CREATE TABLE o (q integer, p numeric(10,2), d numeric(5,2), \
             t numeric GENERATED ALWAYS AS ((((q)::numeric * p) * ((1)::numeric - (d / (100)::numeric)))) STORED, \
             CONSTRAINT o_check CHECK ((((q)::numeric * p) > 0.5)));",
        );
        assert_eq!(written.schema, dumped.schema);
        // Integer arithmetic stays integer arithmetic.
        let ints = super::parse_ddl("CREATE TABLE o (a integer, b integer, CHECK (a / b > 1));");
        let casted =
            super::parse_ddl("CREATE TABLE o (a integer, b integer, CHECK (a::numeric / b > 1));");
        assert_ne!(ints.schema, casted.schema);
    }

    #[test]
    fn a_comment_between_the_leading_words_does_not_hide_the_statement() {
        let p = super::parse_ddl(
            "CREATE /* @renamed from=a */ TYPE b AS ENUM ('x');\nCREATE -- t\n TABLE t (c b);",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.schema.enums.len(), 1);
        assert_eq!(p.schema.tables.len(), 1);
    }

    #[test]
    fn leading_words_skip_comments_and_read_past_a_long_one() {
        let w = |t: &str| super::leading_words(t, 3);
        assert_eq!(w("create table t (a int)"), ["CREATE", "TABLE", "T"]);
        assert_eq!(w("CREATE(x"), ["CREATE", "X"]);
        assert_eq!(w("CREATE -- a\n/* b */ INDEX i"), ["CREATE", "INDEX", "I"]);
        // A comment of more than 120 characters before the words: read from the first 400.
        let long = format!("/* {} */ ALTER TABLE t", "x".repeat(150));
        assert_eq!(w(&long), ["ALTER", "TABLE", "T"]);
        // A word the 120th character cuts is read whole.
        let cut = format!("{}CREATE TABLE verylongname", " ".repeat(110));
        assert_eq!(w(&cut), ["CREATE", "TABLE", "VERYLONGNAME"]);
        // Comment marks inside quotes are text.
        assert_eq!(w("COMMENT '--x' IS"), ["COMMENT", "'--X'", "IS"]);
        // A two-byte character across the 120th byte.
        let wide = format!("a{} CREATE TABLE", "é".repeat(60));
        assert_eq!(
            super::leading_words(&wide, 2),
            [format!("A{}", "é".repeat(60)), "CREATE".to_string()]
        );
    }

    #[test]
    fn serial_from_pg_dump_equals_serial_type() {
        let a = parse_ddl("CREATE TABLE users (id SERIAL PRIMARY KEY, n text);");
        let b = parse_ddl(
            "SET search_path = '';\n\
             CREATE TABLE public.users (id integer NOT NULL, n text);\n\
             CREATE SEQUENCE public.users_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\n\
             ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;\n\
             ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);\n\
             ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);",
        );
        assert_eq!(a.schema, b.schema, "{:#?}", b.diagnostics);
    }

    #[test]
    fn out_of_scope_statements_are_named_with_their_line() {
        let p = parse_ddl(
            "CREATE TABLE t (a int);\nCREATE RULE r AS ON INSERT TO t DO NOTHING;\nGRANT SELECT ON t TO x;",
        );
        assert_eq!(p.schema.tables.len(), 1);
        let msgs: Vec<String> = p.diagnostics.iter().map(|d| d.message.clone()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("CREATE RULE (line 2)")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("GRANT (line 3)")),
            "{msgs:?}"
        );
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let p = parse_ddl("CREATE TABLE a (x int);\nCREATE TABLE b (x int,, y int);");
        let err = p
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .unwrap();
        assert_eq!(err.span.line, 2);
        assert!(err.span.column > 1);
    }

    #[test]
    fn default_constraint_names() {
        let p = parse_ddl(
            "CREATE TABLE o (id int PRIMARY KEY, email text UNIQUE, n int CHECK (n > 0), u int REFERENCES o, CHECK (n > u));",
        );
        let t = &p.schema.tables[&QualName::new("public", "o")];
        assert_eq!(t.primary_key.as_ref().unwrap().name, "o_pkey");
        assert_eq!(t.uniques[0].name, "o_email_key");
        // Sorted by name: the order of declaration means nothing to PostgreSQL.
        let checks: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(checks, ["o_check", "o_n_check"]);
        assert_eq!(t.foreign_keys[0].name, "o_u_fkey");
        assert_eq!(t.foreign_keys[0].ref_columns, vec!["id"]);
    }
}

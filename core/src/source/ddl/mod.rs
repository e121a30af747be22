//! The SQL source: DDL files and `pg_dump --schema-only` output → `Schema`.
//!
//! The only module that sees sqlparser's AST. Each statement is split out first
//! (`split.rs`), classified by its leading words, then parsed on its own, so one statement the
//! parser rejects is reported with its line and never hides the rest.

use std::collections::BTreeMap;

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, DataType, FunctionArg,
    FunctionArgExpr, FunctionArguments, GeneratedAs, ObjectName, ObjectNamePart, Statement,
    TableConstraint, UserDefinedTypeRepresentation, Value,
};

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

mod alter;
mod canon;
mod composites;
mod domains;
mod forms;
mod grants;
mod inherit;
mod jsonb;
mod literals;
mod names;
mod print;
mod ranges;
mod rewrite;
mod routines;
mod settings;
mod statements;
mod statistics;
mod tables;
mod views;

use alter::*;
use canon::*;
use inherit::*;
use literals::{canon_money, interval_literal, interval_text};
use names::*;
use rewrite::*;

use super::split::{split_statements, RawStatement};
use super::Parsed;
use crate::error::{DiagKind, Diagnostic, LineIndex, Severity};
use crate::normalize::{
    canonical_type, canonical_type_name, finish, index_name_columns, is_serial_type,
    make_object_name, nextval_target, normalize_sequence, resolve, split_qualified,
    table_names_in_use, unique_name,
};

use crate::quote::{quote_ident, quote_literal};
use crate::schema::{
    clause_expr, push_lean, Check, Collation, Column, Deferrable, EnumType, Exclusion, Expr,
    Extension, FkAction, ForeignKey, Function, Identity, IdentityOptions, Index, IndexKey, Params,
    PartitionOf, Policy, PrimaryKey, QualName, Schema, Sequence, Span, Table, Trigger,
    TriggerFiring, Unique, View,
};

/// Parses DDL text (any mix of statements; a whole pg_dump file) into a schema.
#[cfg(test)]
pub fn parse_ddl(text: &str) -> Parsed {
    parse_ddl_in(text, "public")
}

/// [`parse_ddl`] for a text run in a session whose search path is `schema` (a schema that
/// exists): what it names unqualified is created there, as under `SET search_path = schema`.
pub fn parse_ddl_in(text: &str, schema: &str) -> Parsed {
    let statements = split_statements(text);
    let mut start = Schema::default();
    if schema != "public" {
        start.schemas.insert(schema.to_string());
    }
    let (mut schema, mut diagnostics) = apply_statements(start, text, &statements, schema);
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
    grants::prune(&mut schema);
    zoneless_warnings(&schema, &mut diagnostics);
    Parsed {
        schema,
        diagnostics,
        files: Vec::new(),
    }
}

/// A warning for each expression holding a `timestamptz` literal without an offset: its instant
/// depends on the time zone of the session that runs the statement, so it is not compared.
fn zoneless_warnings(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    let zoneless = |e: &Expr| e.canon.contains(Expr::ZONELESS);
    for t in schema.tables.values() {
        let mut objects: Vec<(String, Span)> = Vec::new();
        for c in &t.columns {
            if c.default.as_deref().is_some_and(zoneless)
                || c.generated.as_deref().is_some_and(zoneless)
            {
                objects.push((format!(".{}", quote_ident(&c.name)), c.span));
            }
        }
        for k in t.checks.iter().filter(|k| zoneless(&k.expr)) {
            objects.push((format!(", check {}", quote_ident(&k.name)), k.span));
        }
        for i in &t.indexes {
            if i.predicate.as_ref().is_some_and(zoneless)
                || i.keys.iter().any(|k| zoneless(&k.expr))
            {
                objects.push((format!(", index {}", quote_ident(&i.name)), i.span));
            }
        }
        for (object, span) in objects {
            diagnostics.push(Diagnostic::new(
                Severity::Warning,
                DiagKind::OutOfScope,
                format!(
                    "{}{object}: a timestamptz literal without an offset is read in the time zone of the session that runs the statement, which the text does not say, so that literal is not compared (write its offset, as pg_dump does: '2024-01-01 00:00:00+00')",
                    t.name
                ),
                span,
            ));
        }
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
    apply_statements(schema, text, &split_statements(text), "public")
}

/// `apply_ddl` on statements already split from `text` (`parse_ddl` looks at them too).
fn apply_statements(
    schema: Schema,
    text: &str,
    statements: &[RawStatement<'_>],
    search_path: &str,
) -> (Schema, Vec<Diagnostic>) {
    let mut cx = Cx {
        text,
        lines: LineIndex::new(text),
        schema,
        diagnostics: Vec::new(),
        search_path: "public".to_string(),
        written_path: None,
        owned: Vec::new(),
        defaults: Vec::new(),
        skipped_views: Vec::new(),
        pending_views: Vec::new(),
        types: Default::default(),
        inherited_alters: Vec::new(),
        settings_events: Vec::new(),
        constraint_names: Default::default(),
        fk_action_columns: Vec::new(),
        inline_settings: Vec::new(),
    };
    if search_path != "public" {
        cx.path_is(&[&quote_ident(search_path)]);
    }
    crate::normalize::take_truncated();
    let mut cut = BTreeMap::new();
    for st in statements {
        cx.statement(st);
        cx.names_cut(st, &mut cut);
    }
    cx.resolve_serials();
    inherit(&mut cx.schema);
    for (table, column, op, span, line) in std::mem::take(&mut cx.inherited_alters) {
        cx.alter_column(&table, &column, op, span, line);
    }
    cx.replay_settings();
    // A comment on an object the schema does not keep (a serial column's own sequence, folded
    // into the column; one dropped since) is not compared.
    let gone: Vec<_> = cx
        .schema
        .comments
        .iter()
        .filter(|c| !c.target.exists_in(&cx.schema))
        .map(|c| c.target.clone())
        .collect();
    for target in gone {
        cx.diagnostics.push(Diagnostic::new(
            Severity::Warning,
            DiagKind::OutOfScope,
            format!(
                "the comment on {} is not compared: the object is a serial column's own or gone",
                target.describe()
            ),
            Span::default(),
        ));
        cx.schema.set_comment(target, None);
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
        // A statement with no line of its own (a model's DDL listener) names none.
        let (written, line) = match from.line {
            0 => (format!(" (line {})", d.span.line), String::new()),
            n => (format!("(line {})", d.span.line), format!("(line {n})")),
        };
        d.message = d.message.replace(&written, &line);
        d.span = from;
    }
    (schema, diags)
}

/// Where a span in written DDL (see [`apply_written_ddl`]) came from.
pub(crate) fn origin_of(origin: &[Span], s: Span) -> Span {
    origin
        .get(s.line.saturating_sub(1) as usize)
        .copied()
        .unwrap_or(s)
}

/// Parses one SQL expression (a default or a check) into its text and canonical form.
pub fn parse_expr(text: &str) -> Result<Expr, String> {
    expr_ast(text).map(|e| make_expr(&e))
}

/// [`parse_expr`] for a default of a column of type `ty`, compared as the server stores it
/// (a bare literal read as the column's type; see `default_expr`).
pub fn parse_default(text: &str, ty: &str) -> Result<Expr, String> {
    expr_ast(text).map(|e| default_expr(&e, ty))
}

/// The parser's tree of one SQL expression.
fn expr_ast(text: &str) -> Result<ast::Expr, String> {
    let text = spell_casts_for_parser(text);
    let mut parser = parser_for(&text).map_err(|e| e.to_string())?;
    parser.parse_expr().map_err(|e| e.to_string())
}

struct Cx<'a> {
    text: &'a str,
    lines: LineIndex,
    schema: Schema,
    diagnostics: Vec<Diagnostic>,
    search_path: String,
    /// The search path as set, where it is not the default (see `path_is`).
    written_path: Option<String>,
    /// `ALTER SEQUENCE s OWNED BY t.c` seen so far.
    owned: Vec<(QualName, QualName, String)>,
    /// Column defaults of the form `nextval('s')`: (table, column, sequence).
    defaults: Vec<(QualName, String, QualName)>,
    /// Views and materialized views skipped as out of scope (their indexes are skipped too).
    skipped_views: Vec<QualName>,
    /// Views whose canonical query is made once every relation is known.
    pending_views: Vec<views::Pending>,
    /// Types the text creates that the schema does not hold (domains, composite, range and
    /// base types, foreign tables' row types): an unqualified name resolves to them.
    types: std::collections::BTreeSet<QualName>,
    /// `ALTER COLUMN` of columns a table inherits, applied after inheritance.
    inherited_alters: Vec<(QualName, String, AlterColumnOperation, Span, u32)>,
    /// Tables created and column settings, in order, replayed after inheritance.
    settings_events: Vec<settings::Event>,
    /// Check and foreign key names in use, per schema: PostgreSQL names an unnamed one so that
    /// it differs from every constraint of its schema.
    constraint_names: std::collections::BTreeSet<(String, String)>,
    /// The column lists of `ON DELETE SET NULL (…)` / `SET DEFAULT (…)` in the statement being
    /// read (the parser lacks them: blanked out, then given to its foreign keys in order).
    fk_action_columns: Vec<Vec<String>>,
    /// A column's `COMPRESSION`/`STORAGE` clauses in the statement being read (blanked out for
    /// the parser), set once its table is made.
    inline_settings: Vec<(String, settings::Setting)>,
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
        // `ALTER DEFAULT PRIVILEGES` (but `CREATE DEFAULT CONVERSION` is a conversion).
        if *word == "DEFAULT" && w.get(i + 1) == Some(&"PRIVILEGES") {
            out.push(word);
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

#[cfg(test)]
mod tests {
    /// Statements are named by their leading words, modifiers left out.
    #[test]
    fn statement_kinds_name_the_statement() {
        for (words, kind) in [
            (
                &["ALTER", "DEFAULT", "PRIVILEGES", "IN"][..],
                "ALTER DEFAULT PRIVILEGES",
            ),
            (
                &["CREATE", "DEFAULT", "CONVERSION", "c"][..],
                "CREATE CONVERSION",
            ),
            (&["CREATE", "OR", "REPLACE", "VIEW", "v"][..], "CREATE VIEW"),
            (
                &["CREATE", "EVENT", "TRIGGER", "e"][..],
                "CREATE EVENT TRIGGER",
            ),
        ] {
            assert_eq!(super::statement_kind(words), kind);
        }
    }

    /// A domain built up by `ALTER DOMAIN` and the same domain as `pg_dump` writes it (`NOT
    /// NULL` before `DEFAULT`, which sqlparser refuses) read alike; `DROP DOMAIN` removes one,
    /// and a form not read leaves it not compared (known to exist, never dropped).
    #[test]
    fn domains_read_alike_written_and_dumped() {
        let read = |sql: &str| {
            let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
            assert!(!p.has_errors(), "{:?}", p.diagnostics);
            p.schema
        };
        let written = read(
            "CREATE DOMAIN d integer CONSTRAINT c1 CHECK (VALUE > 0);
             ALTER DOMAIN d ADD CONSTRAINT c2 CHECK (VALUE < 10) NOT VALID;
             ALTER DOMAIN d RENAME CONSTRAINT c1 TO pos;
             ALTER DOMAIN d VALIDATE CONSTRAINT c2;
             ALTER DOMAIN d SET DEFAULT 3; ALTER DOMAIN d SET NOT NULL;
             COMMENT ON DOMAIN d IS 'x';
             CREATE DOMAIN gone AS text; DROP DOMAIN IF EXISTS gone;",
        );
        let dumped = read(
            "CREATE DOMAIN public.d AS integer NOT NULL DEFAULT 3
               CONSTRAINT c2 CHECK ((VALUE < 10)) CONSTRAINT pos CHECK ((VALUE > 0));
             COMMENT ON DOMAIN public.d IS 'x';",
        );
        assert_eq!(written.domains, dumped.domains);
        let d = &written.domains[&crate::schema::QualName::new("public", "d")];
        assert!(d.not_null && !d.checks.iter().any(|c| c.not_valid));
        let unread = read("CREATE DOMAIN e AS text; ALTER DOMAIN e SET SCHEMA other;");
        assert!(unread.domains.is_empty());
        assert!(unread
            .external
            .contains(&crate::schema::QualName::new("public", "e")));
    }

    /// Types on a search path as PostgreSQL resolves them (checked on PostgreSQL 15: a view
    /// `xml` and an enum `bit` in the path's schema): the path schema's domains, composite
    /// types and row types, but not a keyword type nor one written `pg_catalog.`; and
    /// `RENAME CONSTRAINT`.
    #[test]
    fn types_resolve_on_the_search_path_and_constraints_are_renamed() {
        let sql = "CREATE SCHEMA s; SET search_path = s, pg_catalog;
            CREATE DOMAIN d AS integer; CREATE TYPE pair AS (x integer, y integer);
            CREATE TYPE bit AS ENUM ('a'); CREATE VIEW xml AS SELECT 1 AS a;
            CREATE TABLE t (a d, b pair, c bit(3), e \"bit\", f xml, g pg_catalog.xml, h xml[],
              CONSTRAINT t_a_check CHECK (a > 0));
            ALTER TABLE t RENAME CONSTRAINT t_a_check TO positive;";
        let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        let t = &p.schema.tables[&crate::schema::QualName::new("s", "t")];
        let types: Vec<String> = t.columns.iter().map(|c| c.data_type.to_string()).collect();
        assert_eq!(
            types,
            [
                "s.d",
                "s.pair",
                "bit(3)",
                "s.\"bit\"",
                "s.xml",
                "xml",
                "s.xml[]"
            ]
        );
        assert_eq!(t.checks[0].name, "positive");
    }

    /// PostgreSQL 15's `ON DELETE SET NULL (columns)`, which the parser lacks: each list goes
    /// to its own key, in a table's definition, at the end of `ALTER TABLE … ADD CONSTRAINT`
    /// (where the parser would stop before it) and in a `\d` footer; a list naming columns
    /// its key lacks is an error, never dropped.
    #[test]
    fn foreign_key_action_column_lists_are_read() {
        let sql = "CREATE TABLE p (a int, b int, c int, PRIMARY KEY (a, b), UNIQUE (a, c));
            CREATE TABLE t (x int, y int, z int,
              FOREIGN KEY (x, y) REFERENCES p (a, b) ON DELETE SET NULL (y),
              FOREIGN KEY (x, z) REFERENCES p (a, c) ON DELETE SET DEFAULT (x, z));
            CREATE TABLE u (x int, y int);
            ALTER TABLE ONLY public.u
                ADD CONSTRAINT u_fk FOREIGN KEY (x, y) REFERENCES public.p(a, b) ON DELETE SET NULL (\"y\");";
        let (_, parsed) = crate::parse(sql, Some(crate::Format::Sql));
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let lists = |t: &str| -> Vec<Vec<String>> {
            parsed.schema.tables[&crate::schema::QualName::new("public", t)]
                .foreign_keys
                .iter()
                .map(|k| k.on_delete_columns.clone())
                .collect()
        };
        assert_eq!(lists("t"), [vec!["y"], vec!["x", "z"]]);
        assert_eq!(lists("u"), [vec!["y"]]);
        let paste = "                Table \"public.people\"
  Column   |  Type   | Collation | Nullable | Default 
-----------+---------+-----------+----------+---------
 id        | integer |           | not null | 
 mentor_id | integer |           |          | 
 team      | integer |           |          | 
Indexes:
    \"people_pkey\" PRIMARY KEY, btree (id)
Foreign-key constraints:
    \"people_team_mentor_id_fkey\" FOREIGN KEY (team, mentor_id) REFERENCES people2(a, b) ON DELETE SET NULL (mentor_id)
";
        let (_, parsed) = crate::parse(paste, None);
        let people = &parsed.schema.tables[&crate::schema::QualName::new("public", "people")];
        assert_eq!(people.foreign_keys[0].on_delete_columns, ["mentor_id"]);
        let (_, wrong) = crate::parse(
            "CREATE TABLE p (a int PRIMARY KEY); CREATE TABLE t (x int,
               FOREIGN KEY (x) REFERENCES p (a) ON DELETE SET NULL (nope));",
            Some(crate::Format::Sql),
        );
        assert!(
            wrong.diagnostics.iter().any(|d| d
                .message
                .contains("names columns its foreign key does not have")),
            "{:?}",
            wrong.diagnostics
        );
    }

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
        // ISO 8601's designators, checked against PostgreSQL 15.
        for (iso, printed) in [
            ("P1D", "1 day"),
            ("P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"),
            ("PT90M", "01:30:00"),
            ("P2W", "14 days"),
            ("PT0.5S", "00:00:00.5"),
        ] {
            assert_eq!(
                super::interval_literal(iso).as_deref(),
                Some(printed),
                "{iso}"
            );
        }
        assert_eq!(super::interval_literal("P1.5D"), None);
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
        // `%` across integer widths casts the narrower operand, as PostgreSQL stores it.
        let written = super::parse_ddl(
            "CREATE TABLE o (y smallint, b bigint, CHECK (y % 2 <> 0), CHECK (y % b = 0));",
        );
        let dumped = super::parse_ddl(
            "CREATE TABLE o (y smallint, b bigint, CONSTRAINT o_y_check CHECK ((((y)::integer % 2) <> 0)), \
             CONSTRAINT o_check CHECK ((((y)::bigint % b) = 0)));",
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
            "CREATE TABLE t (a int);\nCREATE RULE r AS ON INSERT TO t DO NOTHING;\nGRANT admin TO x;",
        );
        assert_eq!(p.schema.tables.len(), 1);
        let msgs: Vec<String> = p.diagnostics.iter().map(|d| d.message.clone()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("CREATE RULE (line 2)")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("ignored: GRANT") && m.contains("(line 3)")),
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
    fn a_view_one_side_cannot_read_is_neither_dropped_nor_created() {
        let readable = "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;\n";
        // As pg_dump prints postgrest's XMLTABLE view (LATERAL, and DEFAULT before PATH).
        let unreadable = "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT \"xmltable\".a \
             FROM ( SELECT ''::xml AS data) _, LATERAL XMLTABLE((''::text) PASSING (_.data) \
             COLUMNS a integer DEFAULT (1) PATH ('@a'::text));\n";
        let p = parse_ddl(unreadable);
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.message.contains("the view is not compared")));
        for (from, to) in [(readable, unreadable), (unreadable, readable)] {
            let m = crate::migrate(
                from,
                Some(crate::Format::Sql),
                to,
                Some(crate::Format::Sql),
                &crate::PlanOptions {
                    allow_destructive: true,
                    ..Default::default()
                },
            );
            assert!(m.plan.is_empty(), "{}", m.sql);
        }
    }

    #[test]
    fn a_view_column_default_as_pg_dump_writes_it_is_not_an_unknown_table() {
        let p = parse_ddl(
            "CREATE TABLE t (a text);\nCREATE VIEW v AS SELECT a FROM t;\n\
             ALTER TABLE ONLY public.v ALTER COLUMN a SET DEFAULT 'x'::text;\n\
             ALTER TABLE ONLY public.w ALTER COLUMN a SET DEFAULT 'x'::text;\n",
        );
        let on = |line: u32| p.diagnostics.iter().find(|d| d.span.line == line);
        let view = on(3).expect("a diagnostic on the view's default");
        assert_eq!(view.severity, Severity::Warning, "{view:?}");
        assert!(view.message.contains("not compared"), "{}", view.message);
        // A name that is nothing known is still an error.
        assert_eq!(on(4).map(|d| d.severity), Some(Severity::Error));
    }

    #[test]
    fn a_view_as_table_is_the_select_it_stands_for() {
        let short = parse_ddl(
            "CREATE TABLE b (c2 int, c1 text);\nCREATE VIEW v AS TABLE public.b;\n\
             CREATE VIEW w AS TABLE b UNION TABLE b;\n",
        );
        let long = parse_ddl(
            "CREATE TABLE b (c2 int, c1 text);\nCREATE VIEW v AS SELECT b.c2, b.c1 FROM b;\n\
             CREATE VIEW w AS SELECT b.c2, b.c1 FROM b UNION SELECT b.c2, b.c1 FROM b;\n",
        );
        for name in ["v", "w"] {
            let view = |p: &Parsed| p.schema.views[&QualName::new("public", name)].clone();
            assert_eq!(view(&short).query.canon, view(&long).query.canon, "{name}");
            assert_eq!(view(&short).columns, view(&long).columns, "{name}");
        }
    }

    #[test]
    fn date_and_time_partition_bounds_read_as_postgresql_stores_them() {
        let bound = |ddl: &str| {
            let p = parse_ddl(ddl);
            assert!(!p.has_errors(), "{:?}", p.diagnostics);
            p.schema.tables[&QualName::new("public", "p")]
                .partition_of
                .as_ref()
                .map(|x| x.bound.canon.clone())
                .unwrap()
        };
        let table = |ty: &str, from: &str, to: &str| {
            bound(&format!(
                "CREATE TABLE t (at {ty}) PARTITION BY RANGE (at);\n\
                 CREATE TABLE p PARTITION OF t FOR VALUES FROM ('{from}') TO ('{to}');"
            ))
        };
        // As pg_dump prints them (a UTC session): the same bound.
        assert_eq!(
            table("timestamp", "2024-01-01", "2024-02-01T12:30"),
            table("timestamp", "2024-01-01 00:00:00", "2024-02-01 12:30:00")
        );
        assert_eq!(
            table("timestamptz", "2022-04-01 01:00:00+01", "2023-01-01"),
            table(
                "timestamptz",
                "2022-04-01 00:00:00+00",
                "2023-01-01 00:00:00+00"
            )
        );
        // Across a day and a year, and a half-hour offset west of UTC.
        assert_eq!(
            table(
                "timestamptz",
                "2023-12-31 23:30:00-01:30",
                "2024-03-01 00:15:00+01"
            ),
            table(
                "timestamptz",
                "2024-01-01 01:00:00+00",
                "2024-02-29 23:15:00+00"
            )
        );
        // A date key, and MINVALUE, stay as written.
        assert_eq!(
            bound(
                "CREATE TABLE t (at date) PARTITION BY RANGE (at);\n\
                 CREATE TABLE p PARTITION OF t FOR VALUES FROM (MINVALUE) TO ('2024-01-01');"
            ),
            "FORVALUESFROM(MINVALUE)TO('2024-01-01')"
        );
    }

    #[test]
    fn names_that_become_one_when_cut_to_63_bytes_are_pointed_out() {
        let long = "a".repeat(63);
        let ddl = format!(
            "CREATE TABLE t ({long}_x int);\nALTER TABLE t ADD COLUMN {long}_y int;\n\
             CREATE INDEX ON t ({long}_x);\n"
        );
        let p = parse_ddl(&ddl);
        let clashes: Vec<_> = p
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("cut to the same 63 bytes"))
            .collect();
        // The same long name written again (the index) is no clash; another one cut alike is.
        assert_eq!(clashes.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(clashes[0].severity, Severity::Warning);
        assert_eq!(clashes[0].span.line, 2);
        assert!(
            clashes[0].message.contains("(line 1)"),
            "{}",
            clashes[0].message
        );
        assert!(clashes[0].message.contains(&format!("{long}_y")));
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

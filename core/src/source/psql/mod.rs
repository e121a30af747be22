//! psql `\d` / `\d+` source: what people paste from psql (aligned, wrapped or unaligned output
//! of psql 10–18, and the pre-10 `Modifiers` layout) → a schema scoped to the described tables.
//!
//! Column cells become columns directly. Footers that print SQL (indexes and constraints) are
//! rewritten into one DDL statement each and applied through the DDL source, so one reading of
//! that SQL serves both sources; what the DDL source reports is pointed back at the footer line.
//! Footers that carry nothing the IR holds (triggers, policies, partitions …) are named in a
//! diagnostic, never dropped silently.

mod rows;
mod table;

use rows::*;
use table::*;

use std::collections::BTreeSet;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::ddl::{apply_written_ddl, origin_of, parse_expr};

use super::Parsed;
use crate::error::{DiagKind, Diagnostic, LineIndex, Severity};
use crate::normalize::{
    canonical_type_name, finish, make_object_name, nextval_target, resolve, split_qualified,
};
use crate::schema::{
    clause_expr, Column, Identity, PartitionOf, QualName, Schema, Scope, Span, Table,
};

/// Parses a psql paste: one or more `\d`/`\d+` outputs, with or without prompts and banners.
pub fn parse_psql(text: &str) -> Parsed {
    let mut px = Px::new(text);
    px.run();
    px.finish()
}

/// The relation kinds psql prints in a title line, and whether they are tables.
const TITLE_KINDS: &[(&str, bool)] = &[
    ("Table", true),
    ("Unlogged table", true),
    ("Partitioned table", true),
    ("Unlogged partitioned table", true),
    ("View", false),
    ("Materialized view", false),
    ("Unlogged materialized view", false),
    ("Sequence", false),
    ("Unlogged sequence", false),
    ("Index", false),
    ("Unlogged index", false),
    ("Partitioned index", false),
    ("Unlogged partitioned index", false),
    ("Foreign table", false),
    ("Composite type", false),
    ("TOAST table", false),
    ("Special relation", false),
];

/// Footer headings psql prints under a table.
const FOOTERS: &[&str] = &[
    "Indexes",
    "Check constraints",
    "Foreign-key constraints",
    "Referenced by",
    "Triggers",
    "Disabled user triggers",
    "Disabled internal triggers",
    "Disabled triggers",
    "Triggers firing always",
    "Triggers firing on replica only",
    "Policies",
    "Statistics objects",
    "Publications",
    "Partition of",
    "Partition constraint",
    "Partition key",
    "Partitions",
    "Number of partitions",
    "Inherits",
    "Child tables",
    "Number of child tables",
    "Access method",
    "Options",
    "Replica Identity",
    "Not-null constraints",
    "Tablespace",
    "Typed table of type",
    "Rules",
    "Disabled rules",
    "Rules firing always",
    "Rules firing on replica only",
    "Has OIDs",
    "View definition",
    "Owned by",
    "Sequence for identity column",
    "Server",
    "FDW options",
];

/// Types built into PostgreSQL; any other column type is an enum, a domain or an extension's
/// type, which a paste names without defining.
const BUILTIN_TYPES: &[&str] = &[
    "\"char\"",
    "bigint",
    "bit",
    "bit varying",
    "boolean",
    "box",
    "bpchar",
    "bytea",
    "character",
    "character varying",
    "cidr",
    "circle",
    "date",
    "datemultirange",
    "daterange",
    "double precision",
    "inet",
    "int4multirange",
    "int4range",
    "int8multirange",
    "int8range",
    "integer",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "nummultirange",
    "numeric",
    "numrange",
    "oid",
    "path",
    "pg_lsn",
    "pg_snapshot",
    "point",
    "polygon",
    "real",
    "regclass",
    "regproc",
    "regtype",
    "smallint",
    "text",
    "time",
    "timestamp",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "uuid",
    "xml",
];

struct Line<'a> {
    text: &'a str,
    start: usize,
}

/// One cell of an aligned row: its text, and what its right margin says about the next line.
struct Cell {
    text: String,
    /// `+`: the value goes on with a newline; `.`: the value was wrapped and goes on as is.
    marker: Option<char>,
}

/// A logical row: one value per header column, and the line it starts on.
struct Row {
    values: Vec<String>,
    line: usize,
    /// Character column where each value starts on the first line (for diagnostics).
    columns: Vec<usize>,
}

/// A footer: its heading, the text after the colon, and its entries with their lines.
struct Footer {
    heading: String,
    inline: String,
    line: usize,
    entries: Vec<(usize, String)>,
}

struct Px<'a> {
    text: &'a str,
    index: LineIndex,
    lines: Vec<Line<'a>>,
    schema: Schema,
    scope: BTreeSet<QualName>,
    diagnostics: Vec<Diagnostic>,
    /// DDL written for footers, one statement per line, and where in the paste each came from.
    ddl: String,
    ddl_origin: Vec<Span>,
    /// A view's definition was read: views in the paste's scope are compared.
    views: bool,
    /// Some output is aligned: its tabs were printed as blanks.
    aligned: bool,
}

impl<'a> Px<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for raw in text.split('\n') {
            lines.push(Line {
                text: raw.strip_suffix('\r').unwrap_or(raw),
                start,
            });
            start += raw.len() + 1;
        }
        Px {
            text,
            index: LineIndex::new(text),
            lines,
            schema: Schema::default(),
            scope: BTreeSet::new(),
            diagnostics: Vec::new(),
            ddl: String::new(),
            ddl_origin: Vec::new(),
            views: false,
            aligned: false,
        }
    }

    /// The span of line `i` (0-based) from character column `col` (0-based) to its end.
    fn span_at(&self, i: usize, col: usize) -> Span {
        let Some(line) = self.lines.get(i) else {
            return self.index.span(self.text, self.text.len(), self.text.len());
        };
        let off = line
            .text
            .char_indices()
            .nth(col)
            .map_or(line.text.len(), |(b, _)| b);
        self.index
            .span(self.text, line.start + off, line.start + line.text.len())
    }

    fn diag(&mut self, severity: Severity, kind: DiagKind, msg: impl Into<String>, span: Span) {
        self.diagnostics
            .push(Diagnostic::new(severity, kind, msg, span));
    }

    fn line_diag(&mut self, severity: Severity, kind: DiagKind, msg: impl Into<String>, i: usize) {
        let span = self.span_at(i, indent_of(self.lines[i].text));
        self.diag(severity, kind, msg, span);
    }

    fn run(&mut self) {
        let mut i = 0;
        let mut stray = false;
        while i < self.lines.len() {
            let t = self.lines[i].text.trim();
            if t.is_empty() {
                stray = false;
                i += 1;
                continue;
            }
            if let Some((kind, name)) = title(t) {
                stray = false;
                i = self.block(i, kind, &name);
                continue;
            }
            if let Some(what) = chatter(t) {
                let msg = format!("ignored: {what} (line {})", i + 1);
                self.line_diag(Severity::Note, DiagKind::NoSchemaContent, msg, i);
            } else if let Some(arg) = not_found(t) {
                let name = resolve(&split_qualified(&arg), "public");
                let msg = format!(
                    "psql found no relation named {arg}: {name} is taken as absent, so it is created if the other side has it"
                );
                self.line_diag(Severity::Warning, DiagKind::UnknownObject, msg, i);
                self.scope.insert(name);
            } else if !stray {
                let msg = format!(
                    "line {} is not part of psql `\\d` output: `{}`",
                    i + 1,
                    shorten(t)
                );
                self.line_diag(Severity::Error, DiagKind::Syntax, msg, i);
                stray = true;
            }
            i += 1;
        }
        if self.scope.is_empty() && !self.has_errors() {
            let span = self.span_at(0, 0);
            self.diag(
                Severity::Error,
                DiagKind::Empty,
                "no `\\d` table description found (a title line like `Table \"public.users\"` followed by the column table)",
                span,
            );
        }
    }

    fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Reads one `\d` output starting at its title line `i`; returns the line after it.
    fn block(&mut self, i: usize, kind: &'static str, title_name: &str) -> usize {
        let name = title_qual_name(title_name);
        let is_table = TITLE_KINDS.iter().any(|(k, t)| *k == kind && *t);
        if !is_table && kind != "View" {
            let msg = format!(
                "{kind} {name} (line {}): only tables are compared; paste `\\d` of a table",
                i + 1
            );
            self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, i);
            return self.skip_block(i + 1);
        }
        let h = i + 1;
        if h >= self.lines.len() || self.lines[h].text.trim().is_empty() {
            let msg =
                format!("the paste ends after the title of {name}: the column table is missing");
            self.line_diag(Severity::Error, DiagKind::Syntax, msg, i);
            return h;
        }
        let sep = h + 1;
        let (indent, rows_and_next) = if sep < self.lines.len()
            && is_separator(self.lines[sep].text)
        {
            self.aligned = true;
            (indent_of(self.lines[sep].text), self.aligned_rows(h, sep))
        } else if self.lines[h].text.trim_start().starts_with("Column|") {
            let indent = indent_of(self.lines[h].text);
            (indent, self.unaligned_rows(h, indent))
        } else {
            let msg = format!(
                "the header of {name} is not followed by a `---+---` line: the paste is cut or was copied from a narrow terminal that broke its lines"
            );
            self.line_diag(Severity::Error, DiagKind::Syntax, msg, h);
            return self.skip_block(h);
        };
        let Some((headers, rows, next)) = rows_and_next else {
            return self.skip_block(h);
        };
        let (footers, next) = self.footers(next, indent);
        if self.scope.contains(&name) {
            let msg = format!("{name} is described twice; the later description is used");
            self.line_diag(Severity::Warning, DiagKind::IgnoredClause, msg, i);
        }
        if kind == "View" {
            self.view(i, name, &footers);
            return next;
        }

        let mut table = Table::new(name.clone(), self.span_at(i, indent_of(self.lines[i].text)));
        table.unlogged = kind.starts_with("Unlogged");
        self.columns(&mut table, &headers, &rows);
        self.schema
            .tables
            .insert(name.clone(), std::sync::Arc::new(table));
        self.scope.insert(name.clone());
        for f in &footers {
            self.footer(&name, f);
        }
        next
    }

    /// A view's `\d+` (title at line `i`): its definition, applied as `CREATE VIEW` through
    /// the DDL source; a `\d` without one leaves the view not compared (it exists).
    fn view(&mut self, i: usize, name: QualName, footers: &[Footer]) {
        self.scope.insert(name.clone());
        let shown = qualified(&name);
        let definition = footers.iter().find(|f| f.heading == "View definition");
        match definition {
            Some(f) if !f.entries.is_empty() => {
                let query: Vec<&str> = f.entries.iter().map(|(_, e)| e.as_str()).collect();
                let query = query.join("\n");
                let query = query.trim().trim_end_matches(';');
                let span = self.span_at(i, indent_of(self.lines[i].text));
                self.ddl.push_str(&crate::source::one_line(&format!(
                    "CREATE VIEW {} AS {query}",
                    qualified(&name)
                )));
                self.ddl.push_str(";\n");
                self.ddl_origin.push(span);
                self.views = true;
            }
            _ => {
                let msg = format!(
                    "view {name} (line {}): `\\d` does not show its query (`\\d+` does), so the view is not compared",
                    i + 1
                );
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, i);
                self.schema.external.insert(name);
            }
        }
        for f in footers {
            if matches!(f.heading.as_str(), "View definition" | "") {
                continue;
            }
            let msg = format!(
                "{} of view {} (line {}): not compared",
                f.heading.to_lowercase(),
                shown,
                f.line + 1
            );
            self.line_diag(Severity::Note, DiagKind::IgnoredClause, msg, f.line);
        }
    }

    /// Skips to the end of the current output: the next blank line or title.
    fn skip_block(&self, mut j: usize) -> usize {
        while j < self.lines.len() {
            let t = self.lines[j].text.trim();
            if t.is_empty() || title(t).is_some() {
                break;
            }
            j += 1;
        }
        j
    }

    fn finish(mut self) -> Parsed {
        let ddl = std::mem::take(&mut self.ddl);
        let (mut schema, diags) =
            apply_written_ddl(std::mem::take(&mut self.schema), &ddl, &self.ddl_origin);
        self.diagnostics.extend(diags);
        let origin = |s: Span| origin_of(&self.ddl_origin, s);
        for t in schema.tables_mut() {
            if let Some(pk) = &mut t.primary_key {
                pk.span = origin(pk.span);
            }
            for u in &mut t.uniques {
                u.span = origin(u.span);
            }
            for c in &mut t.checks {
                c.span = origin(c.span);
            }
            for fk in &mut t.foreign_keys {
                fk.span = origin(fk.span);
            }
            for x in &mut t.exclusions {
                x.span = origin(x.span);
            }
            for ix in &mut t.indexes {
                ix.span = origin(ix.span);
            }
        }
        finish(&mut schema);
        schema.hidden.table_comments = true;
        schema.hidden.index_comments = true;
        schema.hidden.identity_options = true;
        schema.hidden.sequence_options = true;
        schema.hidden.hide_all_but_tables();
        schema.hidden.views = !self.views;
        schema.hidden.tabs = self.aligned;
        schema.scope = Scope::Tables(self.scope);
        if !schema.tables.is_empty() {
            let which = if schema.hidden.column_comments {
                "table, column and index comments (`\\d+` shows column comments) or the options and owners of sequences (identity ones too)"
            } else {
                "table and index comments or the options and owners of sequences (identity ones too)"
            };
            let span = schema
                .tables
                .values()
                .next()
                .map_or(Span::default(), |t| t.span);
            self.diagnostics.push(Diagnostic::new(
                Severity::Note,
                DiagKind::IgnoredClause,
                format!("psql does not show {which} here; they are not compared"),
                span,
            ));
        }
        self.diagnostics.sort_by_key(|d| d.span.start);
        Parsed {
            schema,
            diagnostics: self.diagnostics,
            files: Vec::new(),
        }
    }
}

/// `Table "public.users"` → the kind and the name between the quotes.
fn title(t: &str) -> Option<(&'static str, String)> {
    let (kind, rest) = t.split_once(" \"")?;
    let name = rest.strip_suffix('"')?;
    let kind = TITLE_KINDS.iter().find(|(k, _)| *k == kind)?.0;
    (!name.is_empty()).then(|| (kind, name.to_string()))
}

/// psql joins schema and name with a dot inside one pair of quotes, with no escaping.
fn title_qual_name(text: &str) -> QualName {
    match text.split_once('.') {
        Some((s, n)) => QualName::new(s, n),
        None => QualName::new("public", text),
    }
}

/// Lines a terminal transcript adds around the outputs: prompts, the banner, warnings.
fn chatter(t: &str) -> Option<&'static str> {
    let first = t.split_whitespace().next().unwrap_or("");
    let prompt = first.len() >= 2
        && (first.ends_with('#') || first.ends_with('>'))
        && first[..first.len() - 1].ends_with(['=', '-', '(', '\'', '"', '*', '$']);
    if prompt {
        Some("a psql prompt")
    } else if t.starts_with("psql (") || t.starts_with("Type \"help\"") {
        Some("the psql banner")
    } else if t.starts_with("WARNING:")
        || t.starts_with("DETAIL:")
        || t.starts_with("HINT:")
        || t.starts_with("Some psql features might not work")
    {
        Some("a psql warning")
    } else if t.starts_with("```") {
        Some("a code fence")
    } else if [
        "SSL connection",
        "You are now connected",
        "Timing is",
        "Time: ",
        "Pager usage",
        "Output format is",
        "Border style",
        "Expanded display",
        "Null display",
        "Line style",
        "Tuples only",
    ]
    .iter()
    .any(|p| t.starts_with(p))
    {
        Some("a psql status line")
    } else {
        None
    }
}

/// `Did not find any relation named "users".`
fn not_found(t: &str) -> Option<String> {
    let rest = t.strip_prefix("Did not find any relation named \"")?;
    Some(rest.strip_suffix("\".")?.to_string())
}

/// `"schema"."name"`, always quoted.
fn qualified(n: &QualName) -> String {
    format!("{}.{}", quoted(&n.schema), quoted(&n.name))
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn shorten(t: &str) -> String {
    if t.chars().count() > 80 {
        format!("{}…", t.chars().take(80).collect::<String>())
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"                                         Table "public.users"
    Column     |           Type           | Collation | Nullable |              Default               
---------------+--------------------------+-----------+----------+------------------------------------
 id            | integer                  |           | not null | nextval('users_id_seq'::regclass)
 email         | character varying(255)   |           | not null | 
 password_hash | character varying(255)   |           | not null | 
 role          | character varying(50)    |           | not null | 'personal_only'::character varying
 is_active     | boolean                  |           | not null | true
 created_at    | timestamp with time zone |           |          | now()
Indexes:
    "users_pkey" PRIMARY KEY, btree (id)
    "ix_users_email" UNIQUE, btree (email)
    "ix_users_id" btree (id)
    "ix_users_is_active" btree (is_active)
    "ix_users_role" btree (role)
"#;

    #[test]
    fn seed_paste_reads_exactly() {
        let p = parse_psql(SEED);
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        let t = &p.schema.tables[&QualName::new("public", "users")];
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "id",
                "email",
                "password_hash",
                "role",
                "is_active",
                "created_at"
            ]
        );
        assert!(t.columns[0].serial && t.columns[0].default.is_none());
        assert_eq!(t.columns[1].data_type, "character varying(255)");
        assert!(t.columns[2].not_null);
        assert!(!t.columns[5].not_null);
        assert_eq!(
            t.primary_key.as_ref().map(|p| p.name.as_str()),
            Some("users_pkey")
        );
        assert_eq!(t.indexes.len(), 4);
        assert!(t
            .indexes
            .iter()
            .any(|i| i.name == "ix_users_email" && i.unique));
        assert_eq!(
            p.schema.scope,
            Scope::Tables([QualName::new("public", "users")].into())
        );
    }

    #[test]
    fn a_paste_compares_no_sequence_options_and_makes_sure_of_extensions() {
        let paste = r#"                 Table "public.tickets"
 Column |  Type  | Collation | Nullable |               Default
--------+--------+-----------+----------+-------------------------------------
 id     | bigint |           | not null | nextval('ticket_numbers'::regclass)
 note   | text   |           |          |
"#;
        let desired = |extra: &str| {
            format!(
                "CREATE EXTENSION pg_trgm;\nCREATE SEQUENCE ticket_numbers INCREMENT BY 5 START WITH 1000;\n\
                 CREATE TABLE tickets (id bigint NOT NULL DEFAULT nextval('ticket_numbers'), note text{extra});\n"
            )
        };
        let plan = |to: &str| {
            let m = crate::migrate(
                paste,
                Some(crate::Format::Psql),
                to,
                Some(crate::Format::Sql),
                &crate::PlanOptions::default(),
            );
            assert!(!m.has_errors(), "{:?}", m.from_diagnostics);
            m.sql
                .lines()
                .filter(|l| !l.starts_with("--"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        // The paste cannot show the sequence's options nor extensions: nothing to do.
        assert!(plan(&desired("")).is_empty(), "{:?}", plan(&desired("")));
        // Something to do: the desired extensions are made sure of first.
        assert_eq!(
            plan(&desired(", tag text")),
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;",
                "ALTER TABLE tickets ADD COLUMN tag text;"
            ]
        );
    }

    #[test]
    fn the_same_paste_trimmed_with_crlf_and_a_prompt() {
        let pasted: String = std::iter::once("mydb=# \\d users")
            .chain(SEED.lines())
            .map(|l| format!("{}\r\n", l.trim_end()))
            .collect();
        let a = parse_psql(SEED);
        let b = parse_psql(&pasted);
        assert!(!b.has_errors(), "{:?}", b.diagnostics);
        assert_eq!(a.schema, b.schema);
    }

    #[test]
    fn cut_rows_and_stray_text_are_errors_with_positions() {
        let cut = SEED.replace(" | not null | 'personal_only'::character varying", "");
        let p = parse_psql(&cut);
        let e = p
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .expect("an error");
        assert_eq!(e.span.line, 7, "{e}");
        assert!(e.message.contains("cut short"), "{e}");

        let p = parse_psql("hello\nworld");
        assert!(p.has_errors());
        assert_eq!(p.diagnostics[0].span.line, 1);
    }

    #[test]
    fn pre_10_modifiers_layout() {
        let paste = r#"           Table "public.users"
 Column |          Type          |                     Modifiers
--------+------------------------+----------------------------------------------------
 id     | integer                | not null default nextval('users_id_seq'::regclass)
 email  | character varying(255) | not null
 name   | text                   | collate C
 role   | text                   | not null default 'member'::text
Indexes:
    "users_pkey" PRIMARY KEY, btree (id)
"#;
        let p = parse_psql(paste);
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        let t = &p.schema.tables[&QualName::new("public", "users")];
        assert!(t.columns[0].serial && t.columns[0].not_null);
        assert!(t.columns[1].not_null && t.columns[1].default.is_none());
        assert_eq!(t.columns[2].collation.as_deref(), Some("C"));
        assert!(!t.columns[2].not_null);
        assert_eq!(
            t.columns[3].default.as_ref().map(|d| d.canon.as_str()),
            Some("'member'")
        );
    }

    #[test]
    fn index_names_with_quotes_and_psql_markers() {
        let e = r#""Order "Select" Index" btree ("select") CLUSTER"#;
        let (name, rest) = split_entry_name(e, |r| method_and_keys(r).is_some()).unwrap();
        assert_eq!(name, "Order \"Select\" Index");
        assert_eq!(rest, "btree (\"select\") CLUSTER");
    }

    #[test]
    fn unaligned_rows_split_around_free_text() {
        let h: Vec<String> = [
            "Column",
            "Type",
            "Collation",
            "Nullable",
            "Default",
            "Storage",
            "Compression",
            "Stats target",
            "Description",
        ]
        .map(String::from)
        .to_vec();
        let v = split_unaligned("notes|text|||'a|b'::text|extended|||Free | text", &h).unwrap();
        assert_eq!(v[4], "'a|b'::text");
        assert_eq!(v[8], "Free | text");
    }

    /// A view's `\d+` is its query, compared with the other side's (written otherwise, or
    /// without qualification as psql 16+ prints it); its `\d` is not compared.
    #[test]
    fn a_pasted_view_is_compared_by_its_query() {
        let plus = "                 View \"public.open_orders\"\n Column |  Type   | Collation | Nullable | Default | Storage | Description \n--------+---------+-----------+----------+---------+---------+-------------\n id     | integer |           |          |         | plain   | \nView definition:\n SELECT id\n   FROM orders\n  WHERE status = 'open'::text;\n";
        let bare = plus.split("View definition:").next().unwrap();
        let ddl = |q: &str| {
            crate::source::ddl::parse_ddl(&format!(
                "CREATE TABLE orders (id int, status text);\nCREATE VIEW open_orders AS {q};\nCOMMENT ON VIEW open_orders IS 'x';"
            ))
            .schema
        };
        let same = ddl("SELECT orders.id FROM orders WHERE orders.status = 'open'");
        let other = ddl("SELECT id FROM orders WHERE status = 'closed'");
        let steps = |from: &Schema, to: &Schema| crate::diff::diff(from, to).changes.len();
        let pasted = parse_psql(plus);
        assert!(!pasted
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error));
        assert_eq!(steps(&pasted.schema, &same), 0);
        // Dropped and created again.
        assert_eq!(steps(&pasted.schema, &other), 2);
        let bare = parse_psql(bare);
        assert_eq!(steps(&bare.schema, &other), 0);
        assert!(bare
            .diagnostics
            .iter()
            .any(|d| d.message.contains("does not show its query")));
    }

    /// A default as PostgreSQL stores it whatever the paste shows: a tab printed as blanks by
    /// psql's aligned output, a `timestamptz` in the session's zone.
    #[test]
    fn defaults_read_as_stored_through_tabs_and_time_zones() {
        let paste = "                                              Table \"public.esc\"\n Column |           Type           | Collation | Nullable |                      Default                       \n--------+--------------------------+-----------+----------+----------------------------------------------------\n id     | integer                  |           |          | \n a      | text                     |           |          | 'Welcome!       Tabbed\\backslash'::text\n b      | text                     |           |          | 'line1                                            +\n        |                          |           |          | line2'::text\n c      | timestamp with time zone |           |          | '2024-01-01 08:00:00+00'::timestamp with time zone\n d      | jsonb                    |           |          | '{\"a\": [1, 2], \"b\": 1}'::jsonb\n e      | text                     |           |          | \n f      | integer                  |           |          | \n";
        let ddl = |a: &str, c: &str| {
            crate::source::ddl::parse_ddl(&format!(
                "CREATE TABLE esc (id int, a text DEFAULT {a}, b text DEFAULT E'line1\\nline2', c timestamptz DEFAULT {c}, d jsonb DEFAULT '{{\"b\": 1, \"a\": [1, 2]}}', e text, f int);"
            ))
            .schema
        };
        let p = parse_psql(paste);
        assert!(!p.diagnostics.iter().any(|d| d.severity == Severity::Error));
        let steps = |to: &Schema| crate::diff::diff(&p.schema, to).changes.len();
        assert_eq!(
            steps(&ddl(
                "E'Welcome!\\tTabbed\\\\backslash'",
                "'2024-01-01 10:00:00+02'"
            )),
            0
        );
        // Another instant, or other text, is a change.
        assert_eq!(
            steps(&ddl(
                "E'Welcome!\\tTabbed\\\\backslash'",
                "'2024-01-01 10:00:00+00'"
            )),
            1
        );
        assert_eq!(
            steps(&ddl("E'Welcome!\\tTabbed'", "'2024-01-01 10:00:00+02'")),
            1
        );
    }

    /// psql 15's `\d` of a table whose index predicate, index key, check and generated column
    /// are pretty-printed CASEs, each starting a line of its own: read back equal to the DDL.
    #[test]
    fn pretty_printed_case_footers_continue_their_entry() {
        let paste = "                 Table \"public.cz\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n i      | integer |           |          | \n bo     | boolean |           |          | \n d      | date    |           |          | \n t      | text    |           |          | \nIndexes:\n    \"cz_p\" btree (i) WHERE \nCASE\n    WHEN bo THEN t\n    ELSE 'x'::text\nEND !~ '^a'::text\n    \"cz_q\" btree (i) WHERE i >=\nCASE\n    WHEN bo THEN 1\n    ELSE 2\nEND\n    \"cz_x\" btree ((\nCASE\n    WHEN bo THEN COALESCE(d, '2024-01-01'::date)\n    ELSE '2024-01-31'::date - 1\nEND))\nCheck constraints:\n    \"cz_k\" CHECK (\nCASE\n    WHEN bo THEN i > 1\n    ELSE i < 0\nEND)\n";
        let ddl = crate::source::ddl::parse_ddl(
            "CREATE TABLE cz (i int, bo bool, d date, t text, CONSTRAINT cz_k CHECK (CASE WHEN bo THEN i > 1 ELSE i < 0 END));
             CREATE INDEX cz_p ON cz (i) WHERE CASE WHEN bo THEN t ELSE 'x' END !~ '^a';
             CREATE INDEX cz_q ON cz (i) WHERE i >= CASE WHEN bo THEN 1 ELSE 2 END;
             CREATE INDEX cz_x ON cz ((CASE WHEN bo THEN COALESCE(d, '2024-01-01') ELSE '2024-01-31'::date - 1 END));",
        )
        .schema;
        let p = parse_psql(paste);
        let errors: Vec<&str> = p
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.as_str())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            p.schema.tables.values().next().map(|t| t.indexes.len()),
            Some(3)
        );
        assert!(crate::diff::diff(&p.schema, &ddl).changes.is_empty());
    }
}

//! psql `\d` / `\d+` source: what people paste from psql (aligned, wrapped or unaligned output
//! of psql 10–18, and the pre-10 `Modifiers` layout) → a schema scoped to the described tables.
//!
//! Column cells become columns directly. Footers that print SQL (indexes and constraints) are
//! rewritten into one DDL statement each and applied through the DDL source, so one reading of
//! that SQL serves both sources; what the DDL source reports is pointed back at the footer line.
//! Footers that carry nothing the IR holds (triggers, policies, partitions …) are named in a
//! diagnostic, never dropped silently.

use std::collections::BTreeSet;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::ddl::{
    apply_written_ddl, nextval_target, origin_of, parse_expr, resolve, split_qualified,
};
use super::Parsed;
use crate::error::{DiagKind, Diagnostic, LineIndex, Severity};
use crate::normalize::{canonical_type_name, finish, make_object_name};
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
        if !is_table {
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

        let mut table = Table::new(name.clone(), self.span_at(i, indent_of(self.lines[i].text)));
        table.unlogged = kind.starts_with("Unlogged");
        if self.scope.contains(&name) {
            let msg = format!("{name} is described twice; the later description is used");
            self.line_diag(Severity::Warning, DiagKind::IgnoredClause, msg, i);
        }
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

    /// Aligned (and wrapped) output: the separator line fixes every column's position.
    #[allow(clippy::type_complexity)]
    fn aligned_rows(&mut self, h: usize, sep: usize) -> Option<(Vec<String>, Vec<Row>, usize)> {
        let sep_text = self.lines[sep].text;
        let indent = indent_of(sep_text);
        let mut ranges = Vec::new();
        let mut start = 0;
        let mut col = 0;
        for c in sep_text.trim().chars() {
            if c == '+' {
                ranges.push((start, col));
                start = col + 1;
            }
            col += 1;
        }
        ranges.push((start, col));
        let header_cells = match split_aligned(self.lines[h].text, indent, &ranges) {
            Ok(c) => c,
            Err(_) => {
                self.line_diag(
                    Severity::Error,
                    DiagKind::Syntax,
                    "the header row does not line up with the `---+---` line below it",
                    h,
                );
                return None;
            }
        };
        let headers: Vec<String> = header_cells
            .iter()
            .map(|c| c.text.trim().to_string())
            .collect();
        if !self.check_headers(&headers, h) {
            return None;
        }
        let mut rows: Vec<Row> = Vec::new();
        let mut pending: Vec<Option<char>> = Vec::new();
        let mut j = sep + 1;
        while j < self.lines.len() {
            let l = self.lines[j].text;
            if l.trim().is_empty() || !starts_row(l, indent) {
                break;
            }
            let cells = match split_aligned(l, indent, &ranges) {
                Ok(c) => c,
                Err(at) => {
                    let msg = format!(
                        "line {} is cut short (no `|` where column {} starts): the paste is truncated or was copied from a narrow terminal that broke its lines",
                        j + 1,
                        at + 1
                    );
                    self.line_diag(Severity::Error, DiagKind::Syntax, msg, j);
                    return None;
                }
            };
            let continues = pending.iter().any(Option::is_some);
            if continues {
                if let Some(row) = rows.last_mut() {
                    for (k, cell) in cells.iter().enumerate() {
                        match pending.get(k).copied().flatten() {
                            Some('+') => {
                                row.values[k].push('\n');
                                row.values[k].push_str(&cell.text);
                            }
                            Some(_) => row.values[k].push_str(&cell.text),
                            None => {}
                        }
                    }
                }
            } else {
                rows.push(Row {
                    values: cells.iter().map(|c| c.text.clone()).collect(),
                    line: j,
                    columns: ranges.iter().map(|r| indent + r.0 + 1).collect(),
                });
            }
            pending = cells.iter().map(|c| c.marker).collect();
            j += 1;
        }
        // psql makes each column as wide as its widest cell (the heading's included): a column
        // wider than every cell shown lost its widest rows, as a paste from a terminal that
        // scrolled does. Said rather than read as a table with fewer columns.
        let width = |t: &str| t.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        for (k, r) in ranges.iter().enumerate() {
            let room = (r.1 - r.0).saturating_sub(2);
            let widest = rows
                .iter()
                .map(|row| row.values.get(k).map_or(0, |v| width(v)))
                .chain(std::iter::once(width(&headers[k])))
                .max()
                .unwrap_or(0);
            if widest < room {
                let msg = format!(
                    "the paste seems cut off: column `{}` is {room} characters wide in the `---+---` line, but no row shown is that wide, so rows are missing (was it copied from a terminal that had scrolled?); paste the whole output",
                    headers[k]
                );
                self.line_diag(Severity::Error, DiagKind::Syntax, msg, j.saturating_sub(1));
                return None;
            }
        }
        Some((headers, rows, j))
    }

    /// Unaligned output: `|`-separated cells with no escaping, so a cell's own `|` and newlines
    /// are told apart by what the other cells must look like.
    #[allow(clippy::type_complexity)]
    fn unaligned_rows(
        &mut self,
        h: usize,
        indent: usize,
    ) -> Option<(Vec<String>, Vec<Row>, usize)> {
        let headers: Vec<String> = self.lines[h]
            .text
            .trim()
            .split('|')
            .map(|s| s.trim().to_string())
            .collect();
        if !self.check_headers(&headers, h) {
            return None;
        }
        let n = headers.len();
        let mut records: Vec<(usize, String)> = Vec::new();
        let mut j = h + 1;
        while j < self.lines.len() {
            let l = dedent(self.lines[j].text, indent);
            if l.trim().is_empty() || footer_heading(l).is_some() || title(l.trim()).is_some() {
                break;
            }
            if unaligned_row_start(l, n) || records.is_empty() {
                records.push((j, l.to_string()));
            } else if let Some(last) = records.last_mut() {
                last.1.push('\n');
                last.1.push_str(l);
            }
            j += 1;
        }
        let mut rows = Vec::new();
        for (line, rec) in records {
            match split_unaligned(&rec, &headers) {
                Some(values) => rows.push(Row {
                    values,
                    line,
                    columns: vec![0; n],
                }),
                None => {
                    let msg = format!(
                        "line {} does not split into the {n} cells of the header ({})",
                        line + 1,
                        headers.join("|")
                    );
                    self.line_diag(Severity::Error, DiagKind::Syntax, msg, line);
                    return None;
                }
            }
        }
        Some((headers, rows, j))
    }

    fn check_headers(&mut self, headers: &[String], h: usize) -> bool {
        if headers.first().map(String::as_str) == Some("Column")
            && headers.get(1).map(String::as_str) == Some("Type")
        {
            return true;
        }
        let msg = format!(
            "expected a header starting `Column | Type`, found `{}`",
            shorten(self.lines[h].text.trim())
        );
        self.line_diag(Severity::Error, DiagKind::Syntax, msg, h);
        false
    }

    /// Footers from line `j` to the end of the output.
    fn footers(&mut self, mut j: usize, indent: usize) -> (Vec<Footer>, usize) {
        let mut out: Vec<Footer> = Vec::new();
        while j < self.lines.len() {
            let l = dedent(self.lines[j].text, indent);
            let t = l.trim();
            let indented = l.starts_with(' ') || l.starts_with('\t');
            // psql pretty-prints some expressions (CASE …) over several lines, starting at any
            // column, and prints a value's line breaks as they are: while an entry's
            // parentheses are open, every line belongs to it, a blank one too.
            if let Some(e) = out.last_mut().and_then(|f| f.entries.last_mut()) {
                if unfinished(&e.1) {
                    e.1.push('\n');
                    e.1.push_str(l);
                    j += 1;
                    continue;
                }
            }
            if t.is_empty() || title(t).is_some() || (!indented && chatter(t).is_some()) {
                break;
            }
            if indented {
                match out.last_mut() {
                    Some(f) => {
                        let deeper = f.entries.last().is_some_and(|(k, _)| {
                            indent_of(l) > indent_of(dedent(self.lines[*k].text, indent))
                        });
                        // Deeper lines go on with the entry above: a policy's TO/USING lines,
                        // and pretty-printed expressions (CASE …) that psql breaks over lines.
                        if deeper {
                            if let Some(e) = f.entries.last_mut() {
                                e.1.push('\n');
                                e.1.push_str(t);
                            }
                        } else if unfinished(l) {
                            // It goes on below: trailing blanks may be part of a value.
                            f.entries.push((j, l.trim_start().to_string()));
                        } else {
                            f.entries.push((j, t.to_string()));
                        }
                    }
                    None => {
                        let msg = format!(
                            "line {}: an indented line with no footer heading above it",
                            j + 1
                        );
                        self.line_diag(Severity::Error, DiagKind::Syntax, msg, j);
                    }
                }
            } else if let Some((heading, inline)) = footer_heading(l) {
                out.push(Footer {
                    heading,
                    inline,
                    line: j,
                    entries: Vec::new(),
                });
            } else if let Some((heading, _)) = t.split_once(':').filter(|(h, _)| {
                !h.is_empty() && h.chars().all(|c| c.is_alphanumeric() || " -()".contains(c))
            }) {
                let msg =
                    format!("footer `{heading}:` is not known to schemafix and is not compared");
                self.line_diag(Severity::Warning, DiagKind::IgnoredClause, msg, j);
                out.push(Footer {
                    heading: String::new(),
                    inline: String::new(),
                    line: j,
                    entries: Vec::new(),
                });
            } else {
                let msg = format!(
                    "line {} is not a footer line: `{}` (was the paste copied from a narrow terminal that broke its lines?)",
                    j + 1,
                    shorten(t)
                );
                self.line_diag(Severity::Error, DiagKind::Syntax, msg, j);
            }
            j += 1;
        }
        (out, j)
    }

    /// Builds the table's columns from the rows.
    fn columns(&mut self, table: &mut Table, headers: &[String], rows: &[Row]) {
        let at = |name: &str| headers.iter().position(|h| h == name);
        let (c_type, c_coll, c_null, c_def, c_mods, c_desc) = (
            at("Type"),
            at("Collation"),
            at("Nullable"),
            at("Default"),
            at("Modifiers"),
            at("Description"),
        );
        if c_desc.is_none() {
            // Plain `\d` has no Description column: column comments are unknown.
            self.schema.hidden.column_comments = true;
        } else {
            self.schema.hidden.comment_trailing_blanks = true;
        }
        let physical: Vec<&str> = ["Storage", "Compression", "Stats target"]
            .into_iter()
            .filter(|h| at(h).is_some())
            .collect();
        if !physical.is_empty() && !rows.is_empty() {
            let msg = format!(
                "{}: the {} column{} of `\\d+` {} not compared",
                table.name,
                physical.join(", "),
                if physical.len() > 1 { "s" } else { "" },
                if physical.len() > 1 { "are" } else { "is" }
            );
            let line = rows[0].line.saturating_sub(2);
            self.line_diag(Severity::Note, DiagKind::IgnoredClause, msg, line);
        }
        for row in rows {
            let cell =
                |k: Option<usize>| k.and_then(|k| row.values.get(k)).map_or("", |s| s.as_str());
            let col_at =
                |k: Option<usize>| k.and_then(|k| row.columns.get(k)).copied().unwrap_or(0);
            let name = row.values[0].trim_end();
            let raw_type = cell(c_type).trim();
            let mut column = Column {
                name: name.into(),
                data_type: canonical_type_name(raw_type),
                not_null: cell(c_null).trim() == "not null",
                serial: false,
                default: None,
                identity: None,
                identity_options: Default::default(),
                model_default: Default::default(),
                generated: None,
                collation: Some(cell(c_coll).trim())
                    .filter(|c| !c.is_empty())
                    .map(Into::into),
                comment: Some(cell(c_desc)).filter(|c| !c.is_empty()).map(Into::into),
                span: self.span_at(row.line, col_at(Some(0))),
            };
            let mut default = cell(c_def).trim().to_string();
            if c_mods.is_some() {
                default = self.modifiers(&mut column, cell(c_mods).trim());
            }
            self.external_type(&column.data_type);
            if !default.is_empty() {
                let at = self.span_at(row.line, col_at(c_def.or(c_mods)));
                self.default_cell(table, &mut column, &default, at);
            }
            if table.column(name).is_some() {
                let msg = format!("{}: column {name} appears twice", table.name);
                self.diag(Severity::Error, DiagKind::Syntax, msg, column.span);
            }
            table.columns.push(column);
        }
    }

    /// The pre-10 `Modifiers` cell: `collate C not null default expr`. Returns the default.
    fn modifiers(&mut self, column: &mut Column, mods: &str) -> String {
        let mut rest = mods;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("collate ") {
                let name_len = r.find(' ').unwrap_or(r.len());
                column.collation = Some(
                    rest["collate ".len().."collate ".len() + name_len]
                        .trim_matches('"')
                        .into(),
                );
                rest = rest["collate ".len() + name_len..].trim_start();
            } else if lower.starts_with("not null") {
                column.not_null = true;
                rest = rest["not null".len()..].trim_start();
            } else if lower.starts_with("default ") {
                return rest["default ".len()..].trim().to_string();
            } else {
                return String::new();
            }
        }
    }

    /// The Default cell: a default expression, an identity or a generated column.
    fn default_cell(&mut self, table: &Table, column: &mut Column, text: &str, at: Span) {
        let lower = text.to_ascii_lowercase();
        if lower == "generated always as identity" {
            column.identity = Some(Identity::Always);
            return;
        }
        if lower == "generated by default as identity" {
            column.identity = Some(Identity::ByDefault);
            return;
        }
        if let Some(inner) = lower
            .strip_prefix("generated always as (")
            .filter(|_| lower.ends_with(") stored"))
            .map(|_| &text["generated always as (".len()..text.len() - ") stored".len()])
        {
            match parse_expr(inner) {
                Ok(e) => column.generated = Some(Box::new(e)),
                Err(e) => self.bad_expr(table, column, "generation expression", &e, at),
            }
            return;
        }
        let expr = match parse_expr(text) {
            Ok(e) => e,
            Err(e) => return self.bad_expr(table, column, "default", &e, at),
        };
        if let Some(seq) = nextval_target(&expr.canon, "public") {
            let serial_name = QualName::new(
                table.name.schema.clone(),
                make_object_name(&table.name.name, Some(&column.name), "seq"),
            );
            if seq == serial_name
                && matches!(column.data_type.as_str(), "integer" | "bigint" | "smallint")
            {
                column.serial = true;
                return;
            }
            self.schema.external.insert(seq);
        }
        column.default = Some(Box::new(expr));
    }

    fn bad_expr(&mut self, table: &Table, column: &Column, what: &str, err: &str, at: Span) {
        let msg = format!(
            "{}.{}: cannot read the {what}: {err}",
            table.name,
            crate::quote::quote_ident(&column.name)
        );
        self.diag(Severity::Error, DiagKind::Syntax, msg, at);
    }

    /// Records a column type that is not built in (an enum, a domain, an extension's type).
    fn external_type(&mut self, data_type: &str) {
        let base = data_type.trim_end_matches("[]");
        let base = base.split('(').next().unwrap_or(base).trim();
        let builtin = BUILTIN_TYPES.contains(&base)
            || base.starts_with("timestamp")
            || base.starts_with("time ")
            || base.starts_with("interval");
        if !builtin {
            let name = resolve(&split_qualified(base), "public");
            self.schema.external.insert(name);
        }
    }

    fn footer(&mut self, table: &QualName, f: &Footer) {
        let n = f.entries.len();
        let names = |f: &Footer| {
            f.entries
                .iter()
                .map(|(_, e)| e.split_whitespace().next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let heading = f.heading.as_str();
        match heading {
            "" => {}
            "Indexes" => {
                for (line, e) in &f.entries {
                    self.index_entry(table, *line, e);
                }
            }
            "Check constraints" | "Foreign-key constraints" => {
                for (line, e) in &f.entries {
                    self.constraint_entry(table, *line, e);
                }
            }
            "Referenced by" => {
                let from: BTreeSet<String> = f
                    .entries
                    .iter()
                    .filter_map(|(_, e)| referencing_table(e))
                    .collect();
                let msg = format!(
                    "{table} is referenced by {} foreign key{} (from {}); those tables are not compared unless they are pasted too",
                    n,
                    if n == 1 { "" } else { "s" },
                    from.into_iter().collect::<Vec<_>>().join(", ")
                );
                self.line_diag(Severity::Note, DiagKind::OutOfScope, msg, f.line);
            }
            h if h.contains("riggers") => {
                let msg = format!("{table}: {h} not compared: {}", names(f));
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            h if h.starts_with("Policies") || h.contains("ules") => {
                let what: Vec<String> = f
                    .entries
                    .iter()
                    .filter(|(_, e)| {
                        !e.starts_with("TO ")
                            && !e.starts_with("USING")
                            && !e.starts_with("WITH CHECK")
                    })
                    .map(|(_, e)| e.lines().next().unwrap_or("").to_string())
                    .collect();
                let msg = format!(
                    "{table}: {h} not compared{}{}",
                    if what.is_empty() { "" } else { ": " },
                    what.join("; ")
                );
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            "Statistics objects"
            | "Publications"
            | "Typed table of type"
            | "Tablespace"
            | "Options" => {
                let detail = if f.inline.is_empty() {
                    names(f)
                } else {
                    f.inline.clone()
                };
                let msg = format!("{table}: {heading} not compared: {detail}");
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            "Inherits" => {
                let mut list = f.inline.clone();
                for (_, e) in &f.entries {
                    list.push(',');
                    list.push_str(e);
                }
                let parents: Vec<QualName> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| resolve(&split_qualified(p), "public"))
                    .collect();
                if let Some(t) = self.schema.table_mut(table) {
                    t.inherits = parents;
                }
            }
            "Partition of" => {
                let text = f.inline.as_str();
                let cut = text
                    .find(" FOR VALUES ")
                    .or_else(|| text.find(" DEFAULT"))
                    .unwrap_or(text.len());
                let parent = resolve(&split_qualified(text[..cut].trim()), "public");
                if let Some(t) = self.schema.table_mut(table) {
                    t.partition_of = Some(PartitionOf {
                        parent,
                        bound: clause_expr(text[cut..].trim()),
                    });
                }
            }
            "Partition key" => {
                if let Some(t) = self.schema.table_mut(table) {
                    t.partition_by = Some(clause_expr(&f.inline));
                }
            }
            "Replica Identity" => {
                let msg = format!("{table}: replica identity {} not compared", f.inline);
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            "Access method" if f.inline == "heap" => {
                let msg = format!("{table}: access method heap (the default)");
                self.line_diag(Severity::Note, DiagKind::NoSchemaContent, msg, f.line);
            }
            "Access method" => {
                let msg = format!("{table}: access method {} not compared", f.inline);
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            _ => {
                // Partition constraint, Partitions, Child tables, Not-null constraints and the
                // like restate facts shown elsewhere or belong to other tables.
                let msg =
                    format!("{table}: `{heading}` lists nothing schemafix compares for this table");
                self.line_diag(Severity::Note, DiagKind::NoSchemaContent, msg, f.line);
            }
        }
    }

    /// One `Indexes:` entry: a primary key, unique or exclusion constraint, or an index.
    fn index_entry(&mut self, table: &QualName, line: usize, entry: &str) {
        let Some((name, rest)) = split_entry_name(entry, |r| {
            r.starts_with("PRIMARY KEY, ")
                || r.starts_with("UNIQUE CONSTRAINT, ")
                || r.starts_with("UNIQUE, ")
                || r.starts_with("EXCLUDE USING ")
                || method_and_keys(r).is_some()
        }) else {
            return self.bad_entry(line, "an index");
        };
        let mut rest = rest.trim_end().to_string();
        for (suffix, what) in [
            (" REPLICA IDENTITY", "is the replica identity"),
            (
                " INVALID",
                "is INVALID (a failed CREATE INDEX CONCURRENTLY); it is compared as if valid",
            ),
            (" CLUSTER", "is the CLUSTER index"),
        ] {
            if let Some(r) = rest.strip_suffix(suffix) {
                let msg = format!(
                    "{table}: index {} {what}; that is not compared",
                    crate::quote::quote_ident(&name)
                );
                let sev = if suffix == " INVALID" {
                    Severity::Warning
                } else {
                    Severity::Note
                };
                self.line_diag(sev, DiagKind::IgnoredClause, msg, line);
                rest = r.to_string();
            }
        }
        let t = qualified(table);
        let n = quoted(&name);
        let sql = if let Some(r) = rest.strip_prefix("PRIMARY KEY, ") {
            let Some((_, keys, tail)) = method_and_keys(r) else {
                return self.bad_entry(line, "a primary key");
            };
            format!("ALTER TABLE ONLY {t} ADD CONSTRAINT {n} PRIMARY KEY {keys}{tail}")
        } else if let Some(r) = rest.strip_prefix("UNIQUE CONSTRAINT, ") {
            let Some((_, keys, tail)) = method_and_keys(r) else {
                return self.bad_entry(line, "a unique constraint");
            };
            let (nnd, tail) = match tail.strip_prefix(" NULLS NOT DISTINCT") {
                Some(t) => (" NULLS NOT DISTINCT", t),
                None => ("", tail),
            };
            format!("ALTER TABLE ONLY {t} ADD CONSTRAINT {n} UNIQUE{nnd} {keys}{tail}")
        } else if let Some(r) = rest.strip_prefix("UNIQUE, ") {
            format!("CREATE UNIQUE INDEX {n} ON {t} USING {r}")
        } else if rest.starts_with("EXCLUDE USING ") {
            format!("ALTER TABLE ONLY {t} ADD CONSTRAINT {n} {rest}")
        } else {
            format!("CREATE INDEX {n} ON {t} USING {rest}")
        };
        let span = self.span_at(line, indent_of(self.lines[line].text));
        self.emit(&sql, span);
    }

    /// One `Check constraints:` or `Foreign-key constraints:` entry.
    fn constraint_entry(&mut self, table: &QualName, line: usize, entry: &str) {
        // A partition's foreign key that its parent has (psql 15 and later name the parent):
        // the parent's, compared there.
        if let Some(parent) = referencing_table(entry) {
            if entry.contains("\" FOREIGN KEY (") {
                let msg = format!(
                    "{table}: foreign key {} is its parent {parent}'s, compared on {parent}",
                    entry
                        .split("CONSTRAINT ")
                        .nth(1)
                        .and_then(|r| r.split(" FOREIGN KEY").next())
                        .unwrap_or("")
                );
                self.line_diag(Severity::Note, DiagKind::OutOfScope, msg, line);
                return;
            }
        }
        let Some((name, rest)) = split_entry_name(entry, |r| {
            r.starts_with("CHECK (") || r.starts_with("FOREIGN KEY (")
        }) else {
            return self.bad_entry(line, "a constraint");
        };
        // `NOT VALID` stays in the statement: the state is compared.
        let rest = rest.trim_end();
        let sql = format!(
            "ALTER TABLE ONLY {} ADD CONSTRAINT {} {rest}",
            qualified(table),
            quoted(&name),
        );
        let span = self.span_at(line, indent_of(self.lines[line].text));
        self.emit(&sql, span);
    }

    fn bad_entry(&mut self, line: usize, what: &str) {
        let msg = format!(
            "line {}: cannot read this as {what}: `{}`",
            line + 1,
            shorten(self.lines[line].text.trim())
        );
        self.line_diag(Severity::Error, DiagKind::Syntax, msg, line);
    }

    fn emit(&mut self, sql: &str, origin: Span) {
        self.ddl.push_str(&super::one_line(sql));
        self.ddl.push_str(";\n");
        self.ddl_origin.push(origin);
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
        schema.hidden.hide_all_but_tables();
        schema.scope = Scope::Tables(self.scope);
        if !schema.tables.is_empty() {
            let which = if schema.hidden.column_comments {
                "table, column and index comments (`\\d+` shows column comments) or identity sequence options"
            } else {
                "table and index comments or identity sequence options"
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

fn is_separator(l: &str) -> bool {
    let t = l.trim();
    t.starts_with('-') && t.chars().all(|c| c == '-' || c == '+')
}

/// `l` without up to `n` leading blanks (the indentation of the whole output).
fn dedent(l: &str, n: usize) -> &str {
    let k = l
        .chars()
        .take(n)
        .take_while(|c| *c == ' ' || *c == '\t')
        .count();
    &l[k..]
}

fn indent_of(l: &str) -> usize {
    l.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// A data row of an aligned table starts with the first cell's left margin after the indent
/// (`.` when the first cell was wrapped onto this line).
fn starts_row(l: &str, indent: usize) -> bool {
    let mut chars = l.chars().skip(indent);
    matches!(chars.next(), Some(' ' | '.'))
}

/// Cuts an aligned line at the separator's column positions (display width). Returns the index
/// of the first column whose left `|` is missing when the line is cut short.
fn split_aligned(line: &str, indent: usize, ranges: &[(usize, usize)]) -> Result<Vec<Cell>, usize> {
    let mut cells: Vec<String> = vec![String::new(); ranges.len()];
    let mut bars = vec![false; ranges.len()];
    let mut col = 0;
    for c in line.chars().skip(indent) {
        let w = c.width().unwrap_or(0);
        if let Some(k) = ranges.iter().position(|r| col >= r.0 && col < r.1) {
            cells[k].push(c);
        } else if let Some(k) = ranges.iter().position(|r| col == r.1) {
            // The `|` between column k and k + 1.
            if c == '|' && k + 1 < ranges.len() {
                bars[k + 1] = true;
            }
        } else if let Some(last) = cells.last_mut() {
            // Past the separator's end: only the last column can run on.
            last.push(c);
        }
        col += w;
    }
    if let Some(k) = (1..ranges.len()).find(|&k| !bars[k]) {
        return Err(k);
    }
    Ok(ranges
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let width = r.1 - r.0;
            // Cell layout: left margin, content, right margin (`+` newline, `.` wrapped), in
            // display columns (a wide character takes two).
            let mut content = String::new();
            let mut marker = None;
            let mut at = 0;
            for c in cells[k].chars().skip(1) {
                if width >= 2 && at == width - 2 {
                    marker = match c {
                        '+' | '.' => Some(c),
                        _ => None,
                    };
                } else {
                    content.push(c);
                }
                at += c.width().unwrap_or(0);
            }
            // A wrapped segment fills the column exactly: its trailing blanks are content.
            let text = if marker == Some('.') {
                content
            } else {
                content.trim_end().to_string()
            };
            Cell { text, marker }
        })
        .collect())
}

/// Does an unaligned line start a new row (rather than continue a multi-line cell)?
fn unaligned_row_start(l: &str, n: usize) -> bool {
    if l.matches('|').count() + 1 < n {
        return false;
    }
    let f: Vec<&str> = l.splitn(5, '|').collect();
    if n >= 5 {
        matches!(f.get(3).copied(), Some("" | "not null"))
    } else {
        true
    }
}

/// Splits an unaligned record into the header's cells. `\d` has at most one free-text cell
/// (Default, last); `\d+` has two (Default and Description), told apart by the fixed-vocabulary
/// cells between them.
fn split_unaligned(rec: &str, headers: &[String]) -> Option<Vec<String>> {
    let n = headers.len();
    let def = headers
        .iter()
        .position(|h| h == "Default" || h == "Modifiers");
    let Some(def) = def.filter(|&d| d + 1 < n) else {
        let v: Vec<String> = rec.splitn(n, '|').map(str::to_string).collect();
        return (v.len() == n).then_some(v);
    };
    let mut left: Vec<String> = rec.splitn(def + 1, '|').map(str::to_string).collect();
    if left.len() != def + 1 {
        return None;
    }
    let rest = left.pop()?;
    let middle = &headers[def + 1..n - 1];
    // Find the first `|` after which the fixed cells fit.
    for (p, _) in rest.match_indices('|') {
        let tail: Vec<&str> = rest[p + 1..].splitn(middle.len() + 1, '|').collect();
        if tail.len() != middle.len() + 1 {
            continue;
        }
        let fits = middle.iter().zip(&tail).all(|(h, v)| match h.as_str() {
            "Storage" => matches!(*v, "plain" | "main" | "external" | "extended"),
            "Compression" => matches!(*v, "" | "pglz" | "lz4"),
            "Stats target" => {
                v.is_empty()
                    || v.trim_start_matches('-')
                        .chars()
                        .all(|c| c.is_ascii_digit())
            }
            _ => !v.contains('\n'),
        });
        if fits {
            left.push(rest[..p].to_string());
            left.extend(tail.iter().map(|s| s.to_string()));
            return Some(left);
        }
    }
    None
}

/// `Indexes:` → ("Indexes", ""); `Inherits: vehicles` → ("Inherits", "vehicles").
fn footer_heading(l: &str) -> Option<(String, String)> {
    if l.starts_with(' ') {
        return None;
    }
    let t = l.trim();
    let (h, rest) = t.split_once(':')?;
    let known =
        FOOTERS.contains(&h) || (h.starts_with("Policies") && FOOTERS.contains(&"Policies"));
    known.then(|| (h.to_string(), rest.trim().to_string()))
}

/// Splits `"name" REST` where the name is printed in quotes without escaping: the name ends at
/// the first `" ` after which `rest_ok` accepts the remainder.
fn split_entry_name(entry: &str, rest_ok: impl Fn(&str) -> bool) -> Option<(String, &str)> {
    let inner = entry.strip_prefix('"')?;
    for (p, _) in inner.match_indices("\" ") {
        let rest = &inner[p + 2..];
        if rest_ok(rest) {
            return Some((inner[..p].to_string(), rest));
        }
    }
    None
}

/// `btree (a, lower(b)) INCLUDE (c)` → ("btree", "(a, lower(b))", " INCLUDE (c)").
fn method_and_keys(r: &str) -> Option<(&str, &str, &str)> {
    let (method, rest) = r.split_once(' ')?;
    if method.is_empty()
        || !method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    if !rest.starts_with('(') {
        return None;
    }
    let end = balanced_end(rest)?;
    Some((method, &rest[..end], &rest[end..]))
}

/// The byte index just past the parenthesis that closes the one `s` starts with, skipping
/// quoted strings and identifiers.
fn balanced_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// How many parentheses are open at the end of `s` (outside quotes).
/// Whether a footer entry goes on on the next line: a parenthesis or a quote is still open.
fn unfinished(s: &str) -> bool {
    let mut depth = 0i64;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            },
        }
    }
    depth > 0 || quote.is_some()
}

/// `TABLE "orders" CONSTRAINT …` → `orders` (regclass text inside unescaped quotes).
fn referencing_table(e: &str) -> Option<String> {
    let inner = e.strip_prefix("TABLE \"")?;
    let end = inner.find("\" CONSTRAINT ")?;
    Some(inner[..end].to_string())
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
}

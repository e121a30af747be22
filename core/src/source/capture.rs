//! The exact model source: what SQLAlchemy itself said the models create, captured by running
//! them (the CLI's `--python`, Pyodide in the browser) with the helper `capture.py` beside this
//! file ([`CAPTURE_HELPER`]).
//! The capture is JSON: the DDL `create_all` ran through a mock engine, each statement with the
//! model file and line it came from, each table's and column's line, the Python-side scalar
//! defaults, and the text of every file cited. The DDL is read by the DDL source; nothing else
//! in the pipeline knows how the schema was read.

use serde::Deserialize;

use super::ddl::apply_written_ddl;
use super::sqlalchemy::python_default;
use super::{Parsed, SourceFile};
use crate::error::{DiagKind, Diagnostic, Severity};
use crate::normalize::finish;
use crate::schema::{QualName, Span};

/// The helper that captures what models create, run by the caller's Python (`python -c`, or
/// Pyodide's `run(request)`); it depends on SQLAlchemy only.
pub const CAPTURE_HELPER: &str = include_str!("capture.py");

/// The capture format this reader knows (the helper's `FORMAT`).
const FORMAT: u32 = 1;

#[derive(Deserialize)]
struct Capture {
    schemafix_capture: u32,
    #[serde(default)]
    error: Option<Failure>,
    #[serde(default)]
    python: String,
    #[serde(default)]
    sqlalchemy: String,
    #[serde(default)]
    metadata: Vec<Meta>,
    #[serde(default)]
    files: Vec<File>,
    #[serde(default)]
    statements: Vec<Statement>,
    #[serde(default)]
    tables: Vec<TableAt>,
}

#[derive(Deserialize)]
struct Failure {
    kind: String,
    message: String,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    trace: Option<String>,
}

#[derive(Deserialize)]
struct Meta {
    name: String,
    tables: usize,
}

#[derive(Deserialize)]
struct File {
    name: String,
    #[serde(default)]
    text: String,
}

/// Where something was declared: a 1-based index into `files` (0: unknown) and a line.
#[derive(Deserialize, Clone, Copy, Default)]
struct At {
    #[serde(default)]
    file: usize,
    #[serde(default)]
    line: u32,
}

#[derive(Deserialize)]
struct Statement {
    sql: String,
    #[serde(flatten)]
    at: At,
}

#[derive(Deserialize)]
struct TableAt {
    schema: Option<String>,
    name: String,
    #[serde(flatten)]
    at: At,
    #[serde(default)]
    columns: Vec<ColumnAt>,
}

#[derive(Deserialize)]
struct ColumnAt {
    name: String,
    #[serde(flatten)]
    at: At,
    python_default: Option<String>,
}

/// The files one after another, and the span of a file's line in that joined text.
struct Joined {
    text: String,
    files: Vec<SourceFile>,
    /// Per file, the offsets where its lines start (in the joined text).
    lines: Vec<Vec<u32>>,
}

impl Joined {
    fn new(files: &[File]) -> Joined {
        let mut j = Joined {
            text: String::new(),
            files: Vec::new(),
            lines: Vec::new(),
        };
        for f in files {
            let start = j.text.len() as u32;
            j.files.push(SourceFile {
                name: f.name.clone(),
                start,
            });
            let mut starts = vec![start];
            starts.extend(
                f.text
                    .match_indices('\n')
                    .map(|(i, _)| start + i as u32 + 1),
            );
            j.lines.push(starts);
            j.text.push_str(&f.text);
            if !f.text.ends_with('\n') {
                j.text.push('\n');
            }
        }
        j
    }

    fn span(&self, at: At) -> Span {
        let Some(starts) = at.file.checked_sub(1).and_then(|i| self.lines.get(i)) else {
            return Span::default();
        };
        let line = at.line.max(1);
        let start = starts
            .get(line as usize - 1)
            .copied()
            .unwrap_or(*starts.last().unwrap_or(&0));
        Span {
            start,
            end: start,
            line,
            column: 1,
        }
    }

    /// `span` (the start of a line) moved to its 1-based `column` (in characters), as far as
    /// the line goes.
    fn at_column(&self, span: Span, column: u32) -> Span {
        let from = span.start as usize;
        let line = self.text[from..].split('\n').next().unwrap_or("");
        let (bytes, chars) = line
            .char_indices()
            .take(column.saturating_sub(1) as usize)
            .fold((0, 0), |(_, n), (i, c)| (i + c.len_utf8(), n + 1));
        let start = span.start + bytes as u32;
        Span {
            start,
            end: start,
            line: span.line,
            column: chars + 1,
        }
    }
}

/// Reads a capture: the schema the models create, and the text its spans point into (the
/// cited files one after another, named in [`Parsed::files`]).
pub fn parse_capture(json: &str) -> (Parsed, String) {
    let error = |message: String, span: Span| Parsed {
        diagnostics: vec![Diagnostic::new(
            Severity::Error,
            DiagKind::Syntax,
            message,
            span,
        )],
        ..Default::default()
    };
    let capture: Capture = match serde_json::from_str(json) {
        Ok(c) => c,
        Err(e) => {
            return (
                error(
                    format!("the model capture is not what schemafix's helper writes: {e}"),
                    Span::default(),
                ),
                String::new(),
            )
        }
    };
    if capture.schemafix_capture != FORMAT {
        return (
            error(
                format!(
                    "the model capture is format {}; this schemafix reads format {FORMAT}",
                    capture.schemafix_capture
                ),
                Span::default(),
            ),
            String::new(),
        );
    }
    let joined = Joined::new(&capture.files);
    if let Some(f) = capture.error {
        // The user's error points at their file's line when the helper could tell it.
        let file = f
            .file
            .as_ref()
            .and_then(|name| capture.files.iter().position(|x| &x.name == name));
        let span = match (file, f.line) {
            (Some(i), Some(line)) => joined.span(At { file: i + 1, line }),
            _ => Span::default(),
        };
        let at = match (&f.file, f.line) {
            _ if span.line > 0 => String::new(),
            (Some(file), Some(line)) => format!("{file}:{line}: "),
            (Some(file), None) => format!("{file}: "),
            _ => String::new(),
        };
        let what = match f.kind.as_str() {
            "syntax" => "the models do not compile",
            "python" => "importing the models failed",
            "empty" => "no table found",
            "setup" => "cannot run the models",
            _ => "cannot read the models",
        };
        let trace = f
            .trace
            .filter(|t| !t.trim().is_empty())
            .map(|t| format!("\n{}", t.trim_end()))
            .unwrap_or_default();
        let span = match f.column {
            Some(column) if span.line > 0 => joined.at_column(span, column),
            _ => span,
        };
        let mut p = error(format!("{at}{what}: {}{trace}", f.message), span);
        if f.kind == "empty" {
            p.diagnostics[0].kind = DiagKind::Empty;
        }
        p.files = joined.files;
        return (p, joined.text);
    }
    let mut ddl = String::new();
    let mut origin = Vec::with_capacity(capture.statements.len());
    for s in &capture.statements {
        ddl.push_str(&super::one_line(&s.sql));
        ddl.push_str(";\n");
        origin.push(joined.span(s.at));
    }
    let (mut schema, mut diagnostics) = apply_written_ddl(Default::default(), &ddl, &origin);
    for t in &capture.tables {
        let name = QualName::new(
            t.schema.clone().unwrap_or_else(|| "public".into()),
            t.name.clone(),
        );
        let Some(table) = schema.table_mut(&name) else {
            continue;
        };
        table.span = joined.span(t.at);
        for c in &t.columns {
            let Some(column) = table.column_mut(&c.name) else {
                continue;
            };
            column.span = joined.span(c.at);
            if let Some(lit) = &c.python_default {
                diagnostics.extend(python_default(&name, column, lit));
            }
        }
    }
    let read: Vec<String> = capture
        .metadata
        .iter()
        .map(|m| format!("{} ({} tables)", m.name, m.tables))
        .collect();
    diagnostics.insert(
        0,
        Diagnostic::new(
            Severity::Note,
            DiagKind::IgnoredClause,
            format!(
                "read by running the models with SQLAlchemy {} on Python {}: {}",
                capture.sqlalchemy,
                capture.python,
                read.join(", ")
            ),
            Span::default(),
        ),
    );
    let routines = schema.functions.len() + schema.triggers.len();
    if routines > 0 {
        diagnostics.push(Diagnostic::new(
            Severity::Warning,
            DiagKind::IgnoredClause,
            format!(
                "{} function(s) and trigger(s) the models' DDL event listeners create are not compared (a model describes tables)",
                routines
            ),
            Span::default(),
        ));
    }
    finish(&mut schema);
    // A model maps tables; the database's views and functions are neither wanted nor unwanted.
    schema.hidden.hide_all_but_tables();
    schema.hidden.settings = true;
    (
        Parsed {
            schema,
            diagnostics,
            files: joined.files,
        },
        joined.text,
    )
}

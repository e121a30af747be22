//! Sources: text in some format → `Schema` plus diagnostics.

pub mod capture;
pub(crate) mod ddl;
pub(crate) mod detect;
pub(crate) mod psql;
pub(crate) mod split;
pub(crate) mod sqlalchemy;
pub use sqlalchemy::{module_name, parse_sqlalchemy_files, ModelFile};

use serde::{Deserialize, Serialize};

use crate::error::{DiagKind, Diagnostic, Severity};
use crate::schema::{Schema, Span};
use detect::Format;

/// What a source understood, and what it could not use.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parsed {
    /// The schema as far as it was understood.
    pub schema: Schema,
    /// Everything skipped, guessed or rejected, in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// For a source read from several files (models captured by running them): each file's
    /// name and the offset where its text starts in the text the spans point into (the
    /// files one after another). Empty for a single text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<SourceFile>,
}

/// The name of the file of `files` (a source read from several, [`Parsed::files`]) that `span`
/// points into; such spans count lines per file.
pub fn file_of(files: &[SourceFile], span: crate::schema::Span) -> Option<&str> {
    if span.line == 0 {
        return None;
    }
    let i = files.partition_point(|f| f.start <= span.start);
    files.get(i.checked_sub(1)?).map(|f| f.name.as_str())
}

/// One file of a source read from several (see [`Parsed::files`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SourceFile {
    /// The file's name as the user gave it (relative to where schemafix ran, when under it).
    pub name: String,
    /// The offset of its first byte in the joined text.
    pub start: u32,
}

impl Parsed {
    /// True when some diagnostic is an error: no SQL should be produced from this input.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Parses `text` in `format` (detected from the content when `None`). Detection refuses text
/// holding two formats (a `\d` paste followed by a model …): an error names both and where the
/// second begins; a format given explicitly is read as that format.
pub fn parse(text: &str, format: Option<Format>) -> (Format, Parsed) {
    parse_in(text, format, "public")
}

/// [`parse`] for SQL run in a session whose search path is `schema` (see
/// [`ddl::parse_ddl_in`]); other formats name their schemas themselves.
pub fn parse_in(text: &str, format: Option<Format>, schema: &str) -> (Format, Parsed) {
    // A UTF-8 byte-order mark is no part of the text (editors on Windows write one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // No schema text holds a NUL character; a file read as text that does is binary.
    if let Some(at) = text.find('\0') {
        let span = crate::error::LineIndex::new(text).span(text, at, at + 1);
        return (
            format.unwrap_or(Format::Sql),
            Parsed {
                schema: Schema::default(),
                diagnostics: vec![Diagnostic::new(
                    Severity::Error,
                    DiagKind::Syntax,
                    format!("binary data, not a schema (a NUL character at offset {at})"),
                    span,
                )],
                files: Vec::new(),
            },
        );
    }
    if format.is_none() {
        if let Some(m) = detect::mixed(text) {
            let (second, at, line) = m.second;
            let (first, _, first_line) = m.first;
            let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
            let span = crate::error::LineIndex::new(text).span(text, at, end);
            let message = format!(
                "the input mixes {} (from line {first_line}) and {} (from line {line}): give each side one format, or choose the format to read",
                detect::describe(first),
                detect::describe(second)
            );
            return (
                first,
                Parsed {
                    schema: Schema::default(),
                    diagnostics: vec![Diagnostic::new(
                        Severity::Error,
                        DiagKind::Syntax,
                        message,
                        span,
                    )],
                    files: Vec::new(),
                },
            );
        }
    }
    let format = format.unwrap_or_else(|| detect::detect(text));
    let parsed = match format {
        Format::Sql => ddl::parse_ddl_in(text, schema),
        Format::Psql => psql::parse_psql(text),
        Format::SqlAlchemy => sqlalchemy::parse_sqlalchemy(text),
        Format::Database => Parsed {
            schema: Schema::default(),
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                DiagKind::Empty,
                "a database is read with the catalog queries (decode_catalog), not from text",
                Span::default(),
            )],
            files: Vec::new(),
        },
    };
    let mut parsed = parsed;
    if matches!(format, Format::Psql | Format::Sql) {
        if let Some(hint) = localized_psql(text, &parsed) {
            parsed.diagnostics.push(hint);
        }
    }
    (format, parsed)
}

/// psql translates its headings (`Tabelle »public.users«`, `Spalte | Typ`): a paste that could
/// not be read and has an aligned table but no English heading gets the way to an English one.
fn localized_psql(text: &str, parsed: &Parsed) -> Option<Diagnostic> {
    let separator = |l: &str| {
        let t = l.trim();
        t.contains('+') && t.chars().all(|c| c == '-' || c == '+')
    };
    // psql's English headings: a `Column` or `Type` cell (tables, views, sequences, indexes,
    // composite types all have one).
    let english = text.lines().any(|l| {
        l.contains('|')
            && l.split('|')
                .any(|cell| matches!(cell.trim(), "Column" | "Type"))
    });
    (parsed.has_errors() && !english && text.lines().any(separator)).then(|| {
        Diagnostic::new(
            Severity::Error,
            DiagKind::Syntax,
            "this looks like psql `\\d` output with headings in another language, which schemafix cannot read: run psql with English messages and paste that (`LC_MESSAGES=C psql -c '\\d+ users'`)",
            crate::error::LineIndex::new(text).span(text, 0, 0),
        )
    })
}

/// `sql` on one line (the psql and SQLAlchemy sources write their DDL one statement a line): a
/// line break between tokens becomes a space, and one inside a string literal (psql prints a
/// value's line breaks as they are) an escape in an `E'…'` string, so the value stays exactly
/// what it was.
pub(crate) fn one_line(sql: &str) -> String {
    if !sql.contains(['\n', '\r']) {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // A string literal: an `E` just before it (not ending a word) makes it an
                // escape string.
                let escape = out.ends_with(['E', 'e'])
                    && !out[..out.len() - 1].ends_with(|p: char| p.is_alphanumeric() || p == '_');
                let mut value = String::new();
                let mut raw = String::from("'");
                while let Some(d) = chars.next() {
                    raw.push(d);
                    if escape && d == '\\' {
                        if let Some(e) = chars.next() {
                            raw.push(e);
                            value.push('\\');
                            value.push(e);
                        }
                        continue;
                    }
                    if d == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                            raw.push('\'');
                            value.push_str("''");
                            continue;
                        }
                        break;
                    }
                    value.push(d);
                }
                if !value.contains(['\n', '\r']) {
                    out.push_str(&raw);
                    continue;
                }
                let body = if escape {
                    value
                } else {
                    value.replace('\\', "\\\\")
                };
                let body = body.replace('\n', "\\n").replace('\r', "\\r");
                if !escape {
                    out.push('E');
                }
                out.push('\'');
                out.push_str(&body);
                out.push('\'');
            }
            '$' if !out.ends_with(|p: char| p.is_alphanumeric() || p == '_') => {
                // A dollar quote: `$tag$ … $tag$`, copied, or where its value holds a line
                // break, written as an escape string.
                let rest: String = chars.clone().collect();
                let tag_len = rest
                    .find(|t: char| !(t.is_alphanumeric() || t == '_'))
                    .filter(|&n| {
                        rest[n..].starts_with('$')
                            && !rest.starts_with(|d: char| d.is_ascii_digit())
                    });
                let Some(n) = tag_len else {
                    out.push('$');
                    continue;
                };
                let tag = format!("${}$", &rest[..n]);
                let body = &rest[n + 1..];
                let Some(end) = body.find(&tag) else {
                    out.push('$');
                    continue;
                };
                let value = &body[..end];
                if value.contains(['\n', '\r']) {
                    out.push_str("E'");
                    out.push_str(
                        &value
                            .replace('\\', "\\\\")
                            .replace('\'', "''")
                            .replace('\n', "\\n")
                            .replace('\r', "\\r"),
                    );
                    out.push('\'');
                } else {
                    out.push_str(&tag);
                    out.push_str(value);
                    out.push_str(&tag);
                }
                let consumed = rest[..n + 1 + end + tag.len()].chars().count();
                for _ in 0..consumed {
                    chars.next();
                }
            }
            '"' => {
                out.push('"');
                for d in chars.by_ref() {
                    out.push(if d == '\n' || d == '\r' { ' ' } else { d });
                    if d == '"' {
                        break;
                    }
                }
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_in_values_survive_one_line() {
        assert_eq!(one_line("SELECT 1,\n 2"), "SELECT 1,  2");
        assert_eq!(one_line("x = 'a\nb''\\'"), r"x = E'a\nb''\\'");
        assert_eq!(one_line("x = E'a\nb\\''"), r"x = E'a\nb\''");
        assert_eq!(
            one_line("x = $q$it's\r\n$q$ AND y"),
            r"x = E'it''s\r\n' AND y"
        );
        assert_eq!(one_line("x = $$it's$$\n"), "x = $$it's$$ ");
        assert_eq!(one_line("a$b$ = $1\n"), "a$b$ = $1 ");
    }
}

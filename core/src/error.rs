//! Diagnostics: what a source could not use, with where it was.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::schema::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Recognised and deliberately not compared (out of scope).
    Note,
    /// Something was ignored or guessed; the result may be incomplete.
    Warning,
    /// The input could not be understood there; no SQL is produced from it.
    Error,
}

/// What kind of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagKind {
    /// Text that is not valid SQL.
    Syntax,
    /// A statement for objects schemafix does not compare (domains, privileges, …).
    OutOfScope,
    /// A session or ownership statement with no schema content (SET, OWNER TO, GRANT).
    NoSchemaContent,
    /// A clause that is understood but not represented (e.g. storage parameters).
    IgnoredClause,
    /// A reference to something the input never defines.
    UnknownObject,
    /// The input is empty.
    Empty,
    /// schemafix itself failed a check of its own output (a bug to report); nothing is printed
    /// or applied.
    Internal,
}

/// One problem found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What kind of problem.
    pub kind: DiagKind,
    /// A sentence for people.
    pub message: String,
    /// Where in the input.
    pub span: Span,
}

impl Diagnostic {
    /// A new diagnostic.
    pub fn new(severity: Severity, kind: DiagKind, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity,
            kind,
            message: message.into(),
            span,
        }
    }

    /// The diagnostic with the offending line and a caret under its column.
    /// The line holding the span's start, found from its byte offset (the work of the line's
    /// length, not of the lines before it: a dump with thousands of warnings stays linear),
    /// when that offset agrees with the span's column.
    fn line_at_start<'t>(&self, text: &'t str) -> Option<&'t str> {
        let start = self.span.start as usize;
        if start > text.len() || !text.is_char_boundary(start) {
            return None;
        }
        let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let to = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let column = text[from..start].chars().count() + 1;
        (column == self.span.column as usize).then(|| text[from..to].trim_end_matches('\r'))
    }

    pub fn render(&self, source_name: &str, text: &str) -> String {
        /// The most characters of the offending line shown.
        const SHOWN: usize = 120;
        // About the input as a whole (line 0): no line to show.
        if self.span.line == 0 {
            return format!("{source_name}: {self}");
        }
        let line_text = self.line_at_start(text).unwrap_or_else(|| {
            text.lines()
                .nth(self.span.line.saturating_sub(1) as usize)
                .unwrap_or("")
        });
        // A long line is shown as a window around the column (a minified dump can put megabytes
        // on one line).
        let chars: Vec<char> = line_text.trim_end().chars().collect();
        let col = (self.span.column.saturating_sub(1) as usize).min(chars.len());
        let (from, to) = if chars.len() <= SHOWN {
            (0, chars.len())
        } else {
            let from = col.saturating_sub(SHOWN / 2).min(chars.len() - SHOWN);
            (from, from + SHOWN)
        };
        let mut shown: String = chars[from..to].iter().collect();
        let mut width = col - from;
        if from > 0 {
            shown.insert(0, '…');
            width += 1;
        }
        if to < chars.len() {
            shown.push('…');
        }
        format!(
            "{source_name}:{}:{}: {self}\n  | {shown}\n  | {}^",
            self.span.line,
            self.span.column,
            " ".repeat(width)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}", self.message)
    }
}

/// Maps byte offsets to 1-based lines and columns.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The span of `start..end` in `text`.
    pub(crate) fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let line = self.starts.partition_point(|&s| s <= start);
        let line_start = self.starts[line - 1];
        let column = text
            .get(line_start..start)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            line: line as u32,
            column: column as u32,
        }
    }
}

/// What a source left out of the comparison, by kind, with counts (`14 aggregates`,
/// `3 CREATE CAST statements`): the objects a database holds that are not compared, the
/// statements a file holds that were skipped, and the views and routines it could not read.
/// Empty when everything it holds was compared.
pub fn not_compared(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    for d in diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        let m = d.message.as_str();
        if let Some(rest) = m.strip_prefix("not compared: ") {
            // The live catalog's: `14 aggregates (names…)`.
            let (n, kind) = rest.split_once(' ').unwrap_or(("1", rest));
            let kind = kind.split(" (").next().unwrap_or(kind);
            *kinds.entry(kind.to_string()).or_default() += n.parse::<usize>().unwrap_or(1);
        } else if let Some(rest) = m.strip_prefix("ignored: ") {
            if !m.ends_with("not compared by schemafix") {
                continue;
            }
            // A statement skipped: named by its leading keywords (`CREATE AGGREGATE`).
            let words: Vec<&str> = rest
                .split_whitespace()
                .take_while(|w| {
                    w.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !w.is_empty()
                })
                .collect();
            let kind = if words.is_empty() {
                "statements".to_string()
            } else {
                format!("{} statements", words.join(" "))
            };
            *kinds.entry(kind).or_default() += 1;
        } else if m.starts_with("could not parse CREATE VIEW")
            || m.starts_with("could not parse CREATE MATERIALIZED VIEW")
        {
            *kinds.entry("views not read".into()).or_default() += 1;
        } else if let Some(rest) = m.strip_prefix("could not read ") {
            let kind = rest.split(" (line").next().unwrap_or(rest);
            *kinds
                .entry(format!("{kind} statements not read"))
                .or_default() += 1;
        }
    }
    kinds
        .into_iter()
        .map(|(kind, n)| {
            // `1 CREATE CAST statements` reads as one.
            let kind = if n == 1 {
                kind.replacen(" statements", " statement", 1).replacen(
                    "views not read",
                    "view not read",
                    1,
                )
            } else {
                kind
            };
            format!("{n} {kind}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_was_not_compared_is_counted_by_kind() {
        use super::*;
        let d = |sev, m: &str| Diagnostic::new(sev, DiagKind::OutOfScope, m, Span::default());
        let diags = [
            d(
                Severity::Warning,
                "not compared: 14 aggregates (a(int), b(int))",
            ),
            d(Severity::Warning, "not compared: 1 foreign table (t)"),
            d(
                Severity::Warning,
                "ignored: CREATE CAST (line 3): not compared by schemafix",
            ),
            d(
                Severity::Warning,
                "ignored: CREATE CAST (line 9): not compared by schemafix",
            ),
            d(
                Severity::Warning,
                "ignored: GRANT (line 4): not compared by schemafix",
            ),
            d(
                Severity::Warning,
                "could not parse CREATE VIEW (line 5): x; the view is not compared",
            ),
            d(Severity::Note, "ignored: SET (line 1): no schema content"),
        ];
        assert_eq!(
            not_compared(&diags),
            [
                "2 CREATE CAST statements",
                "1 GRANT statement",
                "14 aggregates",
                "1 foreign table",
                "1 view not read"
            ]
        );
        assert!(not_compared(&diags[6..]).is_empty());
    }

    use super::*;

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let text = format!(
            "CREATE TABLE t (x int CHECK ({}x > 0{}));",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let at = text.find("x >").unwrap();
        let span = LineIndex::new(&text).span(&text, at, at + 1);
        let d = Diagnostic::new(
            Severity::Error,
            DiagKind::Syntax,
            "recursion limit exceeded",
            span,
        );
        let r = d.render("deep.sql", &text);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(
            lines[0],
            format!("deep.sql:1:{}: error: recursion limit exceeded", at + 1)
        );
        assert!(
            lines[1].chars().count() < 130 && lines[1].contains("x > 0"),
            "{}",
            lines[1]
        );
        let caret = lines[2].chars().count() - 1;
        assert_eq!(lines[1].chars().nth(caret), Some('x'), "{r}");
        let span = LineIndex::new("ab").span("ab", 1, 2);
        let short = Diagnostic::new(Severity::Error, DiagKind::Syntax, "bad", span);
        assert_eq!(short.render("f", "ab"), "f:1:2: error: bad\n  | ab\n  |  ^");
    }

    #[test]
    fn the_offending_line_is_found_from_the_offset_or_from_the_line_number() {
        let text = "CREATE TABLE a (x int);\r\n-- é\nALTER INDEX i SET (fillfactor = 9);\n";
        let at = text.find("ALTER").unwrap() + 6;
        let span = LineIndex::new(text).span(text, at, at + 5);
        let d = Diagnostic::new(Severity::Warning, DiagKind::OutOfScope, "ignored", span);
        let by_offset = d.render("f", text);
        assert!(by_offset.contains("  | ALTER INDEX i SET"), "{by_offset}");
        // A span whose offset does not agree (mapped back from another text) uses its line.
        let mut moved = d.clone();
        moved.span.start = 0;
        assert_eq!(moved.render("f", text), by_offset);
    }
}

//! Sources: text in some format → `Schema` plus diagnostics.

pub(crate) mod ddl;
pub(crate) mod detect;
pub(crate) mod psql;
pub(crate) mod split;
pub(crate) mod sqlalchemy;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Severity};
use crate::schema::Schema;

/// What a source understood, and what it could not use.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parsed {
    /// The schema as far as it was understood.
    pub schema: Schema,
    /// Everything skipped, guessed or rejected, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True when some diagnostic is an error: no SQL should be produced from this input.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
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

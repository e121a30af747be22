//! Splits SQL text into statements, respecting quotes, dollar quotes and comments.
//!
//! A separate pass from the parser, so one statement the parser rejects never hides the rest of a
//! dump: each statement is parsed, skipped or reported on its own.

/// One statement's text and byte range (comments and blank lines before it excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawStatement<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// A psql meta-command line (`\connect db`), not SQL.
    pub meta: bool,
}

/// Splits `text` at top-level semicolons. Unterminated quotes or comments run to the end.
pub(crate) fn split_statements(text: &str) -> Vec<RawStatement<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    while i < bytes.len() {
        let c = bytes[i];
        // Skip whitespace and comments between statements without starting one.
        if start.is_none() {
            if c.is_ascii_whitespace() {
                i += 1;
                continue;
            }
            if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
                i = skip_line(bytes, i);
                continue;
            }
            if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
                i = skip_block_comment(bytes, i);
                continue;
            }
            if c == b'\\' {
                let end = skip_line(bytes, i);
                let end_trim = trim_end(text, i, end);
                out.push(RawStatement {
                    text: &text[i..end_trim],
                    start: i,
                    end: end_trim,
                    meta: true,
                });
                i = end;
                continue;
            }
            if c == b';' {
                i += 1;
                continue;
            }
            start = Some(i);
        }
        match c {
            b'\'' => i = skip_quoted(bytes, i, b'\'', is_escape_string(bytes, i)),
            b'"' => i = skip_quoted(bytes, i, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i),
            b'$' => i = skip_dollar(text, i),
            b';' => {
                let s = start.take().unwrap_or(i);
                let e = trim_end(text, s, i);
                out.push(RawStatement {
                    text: &text[s..e],
                    start: s,
                    end: e,
                    meta: false,
                });
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some(s) = start {
        let e = trim_end(text, s, text.len());
        if e > s {
            out.push(RawStatement {
                text: &text[s..e],
                start: s,
                end: e,
                meta: false,
            });
        }
    }
    out
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

fn skip_line(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| i + p + 1)
}

fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    // PostgreSQL block comments nest.
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

fn is_escape_string(bytes: &[u8], i: usize) -> bool {
    i > 0
        && matches!(bytes[i - 1], b'e' | b'E')
        && (i < 2 || !(bytes[i - 2].is_ascii_alphanumeric() || bytes[i - 2] == b'_'))
}

fn skip_quoted(bytes: &[u8], mut i: usize, quote: u8, backslash_escapes: bool) -> usize {
    i += 1;
    while i < bytes.len() {
        if backslash_escapes && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

fn skip_dollar(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    // `$1` parameters and identifiers containing `$` are not quotes.
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
        return i + 1;
    }
    let mut j = i + 1;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    if j >= bytes.len() || bytes[j] != b'$' || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return i + 1;
    }
    let tag = &text[i..=j];
    match text[j + 1..].find(tag) {
        Some(p) => j + 1 + p + tag.len(),
        None => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_respecting_quotes_and_bodies() {
        let sql = "-- c\nCREATE TABLE \"a;b\" (x text DEFAULT 'x;y');\n\
                   CREATE FUNCTION f() RETURNS int AS $f$ SELECT 1; $f$ LANGUAGE sql;\n\
                   /* a /* nested; */ */ SELECT E'\\';';\n\\connect db\nSELECT 2";
        assert_eq!(
            texts(sql),
            vec![
                "CREATE TABLE \"a;b\" (x text DEFAULT 'x;y')",
                "CREATE FUNCTION f() RETURNS int AS $f$ SELECT 1; $f$ LANGUAGE sql",
                "SELECT E'\\';'",
                "\\connect db",
                "SELECT 2",
            ]
        );
    }

    #[test]
    fn unterminated_runs_to_end() {
        assert_eq!(texts("SELECT 'abc; def"), vec!["SELECT 'abc; def"]);
        assert_eq!(texts("a $$ b; c"), vec!["a $$ b; c"]);
    }
}

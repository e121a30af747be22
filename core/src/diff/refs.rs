//! Names in SQL text, found by a scanner rather than a parser: the identifier chains of an
//! expression, a view's query or a function's definition, with how each is used (called, cast
//! to, named, quoted). The plan's dependency graph and the dependants rebuilt around a change
//! read them; a false match (a column named like a function) only costs an extra edge or a
//! rebuild, never a wrong statement.

/// How a name appears in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// `f(…)`.
    Call,
    /// `…::t`.
    Cast,
    /// Any other identifier chain.
    Name,
    /// Inside a string literal (`'s'::regclass`, a function body).
    Quoted,
}

/// The identifier chains in `sql` (lower-cased unless quoted), with how each is used; string
/// literals' and dollar-quoted bodies' contents are scanned too when `strings`, their chains
/// marked [`Use::Quoted`] (a SQL function's body, `nextval('s'::regclass)`).
pub(crate) fn scan(sql: &str, strings: bool, quoted: bool, out: &mut Vec<(Vec<String>, Use)>) {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut cast = false;
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = sql[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            continue;
        } else if c == b'\'' {
            let start = i + 1;
            i = start;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            if strings {
                scan(
                    &sql[start..i.min(b.len())].replace("''", "'"),
                    strings,
                    true,
                    out,
                );
            }
            i += 1;
            cast = false;
            continue;
        } else if c == b'$' && (i == 0 || !is_ident(b[i - 1])) {
            // `$tag$ … $tag$` (a positional parameter `$1` is skipped as it is).
            let tag_end = sql[i + 1..]
                .find('$')
                .map(|e| i + 1 + e)
                .filter(|&e| sql[i + 1..e].bytes().all(is_ident_start_or_digit_free));
            if let Some(e) = tag_end {
                let tag = &sql[i..=e];
                let body = e + 1;
                let end = sql[body..].find(tag).map_or(b.len(), |x| body + x);
                if strings {
                    scan(&sql[body..end], strings, true, out);
                }
                i = (end + tag.len()).min(b.len());
                cast = false;
                continue;
            }
        } else if c == b'"' || is_ident_start(c) {
            let mut parts = Vec::new();
            loop {
                let (part, next) = ident(sql, i);
                parts.push(part);
                i = next;
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b.get(j) == Some(&b'.')
                    && b.get(j + 1)
                        .is_some_and(|&n| n == b'"' || is_ident_start(n))
                {
                    i = j + 1;
                    continue;
                }
                break;
            }
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let how = if cast {
                Use::Cast
            } else if b.get(j) == Some(&b'(') {
                Use::Call
            } else if quoted {
                Use::Quoted
            } else {
                Use::Name
            };
            out.push((parts, how));
            cast = false;
            continue;
        } else if c == b':' && b.get(i + 1) == Some(&b':') {
            cast = true;
            i += 2;
            continue;
        } else if !c.is_ascii_whitespace() {
            cast = false;
        }
        // A whole character: `i` stays on character boundaries.
        i += sql[i..].chars().next().map_or(1, char::len_utf8);
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'$'
}

/// A dollar-quote tag's character (no `$`; a tag does not start with a digit, checked by the
/// caller's `find`: `$1` has no closing `$` right after an identifier).
fn is_ident_start_or_digit_free(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

/// The identifier at `i` (quoted or not) and where it ends.
fn ident(sql: &str, i: usize) -> (String, usize) {
    let b = sql.as_bytes();
    if b[i] == b'"' {
        let mut s = String::new();
        let mut j = i + 1;
        while j < b.len() {
            if b[j] == b'"' {
                if b.get(j + 1) == Some(&b'"') {
                    s.push('"');
                    j += 2;
                    continue;
                }
                return (s, j + 1);
            }
            let ch = sql[j..].chars().next().unwrap_or('"');
            s.push(ch);
            j += ch.len_utf8();
        }
        (s, j)
    } else {
        let mut j = i;
        while j < b.len() && is_ident(b[j]) {
            j += 1;
        }
        // Not on a char boundary only inside a multi-byte character, which `is_ident` takes whole.
        (sql[i..j].to_lowercase(), j)
    }
}

/// The first of `names` that `sql` calls (`f(…)` or `schema.f(…)`; an unqualified call is
/// taken to mean a function of that name in any schema). The text is scanned once.
pub(crate) fn calls_one_of<'a>(
    sql: &str,
    names: impl IntoIterator<Item = &'a crate::schema::QualName>,
) -> Option<&'a crate::schema::QualName> {
    let mut found = Vec::new();
    scan(sql, true, false, &mut found);
    let calls: Vec<&[String]> = found
        .iter()
        .filter(|(_, how)| *how == Use::Call)
        .map(|(parts, _)| parts.as_slice())
        .collect();
    names.into_iter().find(|name| {
        calls.iter().any(|parts| match parts {
            [f] => *f == name.name,
            [.., s, f] => *f == name.name && *s == name.schema,
            [] => false,
        })
    })
}

/// The first of `columns` that any of `texts` names (alone or as the last part of a chain),
/// outside string literals. Each text is scanned once.
pub(crate) fn names_one_of<'a>(
    texts: &[&str],
    columns: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut found = Vec::new();
    for sql in texts {
        scan(sql, false, false, &mut found);
    }
    let names: Vec<&String> = found
        .iter()
        .filter(|(_, how)| *how != Use::Call)
        .filter_map(|(parts, _)| parts.last())
        .collect();
    columns.into_iter().find(|c| names.iter().any(|n| n == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str, strings: bool) -> Vec<(String, Use)> {
        let mut out = Vec::new();
        scan(sql, strings, false, &mut out);
        out.into_iter().map(|(p, u)| (p.join("."), u)).collect()
    }

    #[test]
    fn scans_calls_casts_quoted_names_and_bodies() {
        assert_eq!(
            names("nextval('app.\"Seq\"'::regclass) + f (x)::Mood", true),
            vec![
                ("nextval".into(), Use::Call),
                ("app.Seq".into(), Use::Quoted),
                ("regclass".into(), Use::Cast),
                ("f".into(), Use::Call),
                ("x".into(), Use::Name),
                ("mood".into(), Use::Cast),
            ]
        );
        // Dollar-quoted bodies are scanned only when asked; `$1` is a parameter.
        let body =
            "CREATE FUNCTION f(int) RETURNS int AS $fn$ SELECT g($1) FROM t $fn$ LANGUAGE sql";
        let with = names(body, true);
        assert!(with.contains(&("t".into(), Use::Quoted)));
        assert!(with.contains(&("g".into(), Use::Call)));
        let without = names(body, false);
        assert!(!without.iter().any(|(n, _)| n == "t" || n == "g"));
        assert!(without.contains(&("sql".into(), Use::Name)));
        // Comments hide names.
        assert_eq!(names("a -- b\n/* c */ d", false).len(), 2);
        // Any text scans without a panic, multi-byte characters next to quotes and comments.
        for text in [
            "$é\"%s/*$tag$*/",
            "$é",
            "/*x*/é",
            "é$$é$$é",
            "'é''é'",
            "\"é",
            "$1é",
            "a.\"é",
            "--é",
            "/*",
            "$a$é",
        ] {
            names(text, true);
            names(text, false);
        }
    }
}

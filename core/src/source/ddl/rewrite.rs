//! Rewrites of statement text the parser cannot read but PostgreSQL prints, offsets kept.

use super::*;

/// The length of a `WITH ( … )` clause at the start of `s`, if it is one.
pub(super) fn with_clause_len(s: &str) -> Option<usize> {
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
pub(super) fn spell_casts_for_parser(input: &str) -> std::borrow::Cow<'_, str> {
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
pub(super) fn expand_variadic_arrays(text: &str) -> String {
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
pub(super) fn matching_bracket(b: &[u8], open: usize) -> Option<usize> {
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
pub(super) fn long_time_type(s: &str) -> Option<(usize, String)> {
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

/// Removes a trailing `WITH [NO] DATA` from a `CREATE MATERIALIZED VIEW`.
/// `CREATE INDEX … ON ONLY t` with `ONLY` blanked out (offsets kept).
pub(super) fn blank_on_only(text: &mut String) {
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

pub(super) fn strip_with_data(text: &mut String) {
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
pub(super) fn too_deep_at(text: &str) -> usize {
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

pub(super) fn error_position(msg: &str) -> (usize, usize) {
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

pub(super) fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
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

/// Where the parser stopped at PostgreSQL 15's `ON DELETE SET NULL (columns)` or `SET DEFAULT
/// (columns)`, which it lacks: the list's offset and length in `text`, and its columns as
/// PostgreSQL stores them.
pub(super) fn fk_action_columns_at(text: &str, msg: &str) -> Option<(usize, usize, Vec<String>)> {
    if !msg.contains("found: (") {
        return None;
    }
    let (l, c) = error_position(msg);
    let open = offset_of(text, l, c)?;
    if !text[open..].starts_with('(') {
        return None;
    }
    let before = text[..open].trim_end().to_ascii_uppercase();
    let words: Vec<&str> = before.split_whitespace().rev().take(4).collect();
    if !matches!(
        words.as_slice(),
        ["NULL", "SET", "DELETE", "ON"] | ["DEFAULT", "SET", "DELETE", "ON"]
    ) {
        return None;
    }
    // The list read by the parser, its names by the rule every identifier follows; it ends
    // where its `)` does.
    let rest = &text[open..];
    let mut p = parser_for(rest).ok()?;
    let names = p
        .parse_parenthesized_column_list(sqlparser::parser::IsOptional::Mandatory, false)
        .ok()?;
    p.prev_token();
    let close = p.peek_token().span.end;
    Some((
        open,
        offset_of(rest, close.line as usize, close.column as usize)?,
        names.iter().map(ident).collect(),
    ))
}

/// A parser over `text`, its tokens read as PostgreSQL's lexer reads them: an operator made of
/// several characters never ends in `+` or `-` unless it also holds one of `~ ! @ # % ^ & | `
/// ?` (so `rating>-1` is `rating > -1`, where the parser's tokenizer would see one operator
/// `>-`); the trailing signs are operators of their own.
pub(super) fn parser_for(text: &str) -> Result<Parser<'static>, sqlparser::parser::ParserError> {
    use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};
    static DIALECT: PostgreSqlDialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&DIALECT, text).tokenize_with_location()?;
    let split = |op: &str| -> Option<usize> {
        if !op.ends_with(['+', '-'])
            || op.contains(['~', '!', '@', '#', '%', '^', '&', '|', '`', '?'])
        {
            return None;
        }
        let keep = op.trim_end_matches(['+', '-']).len().max(1);
        (keep < op.len()).then_some(keep)
    };
    if !tokens
        .iter()
        .any(|t| matches!(&t.token, Token::CustomBinaryOperator(op) if split(op).is_some()))
    {
        return Ok(Parser::new(&DIALECT).with_tokens_with_locations(tokens));
    }
    let mut out = Vec::with_capacity(tokens.len() + 2);
    for t in tokens {
        let Token::CustomBinaryOperator(op) = &t.token else {
            out.push(t);
            continue;
        };
        let Some(keep) = split(op) else {
            out.push(t);
            continue;
        };
        let at = |i: usize| Location {
            line: t.span.start.line,
            column: t.span.start.column + i as u64,
        };
        let head = match &op[..keep] {
            ">" => Token::Gt,
            "<" => Token::Lt,
            "=" => Token::Eq,
            ">=" => Token::GtEq,
            "<=" => Token::LtEq,
            "<>" => Token::Neq,
            "*" => Token::Mul,
            "/" => Token::Div,
            "+" => Token::Plus,
            "-" => Token::Minus,
            other => Token::CustomBinaryOperator(other.to_string()),
        };
        out.push(TokenWithSpan::new(
            head,
            sqlparser::tokenizer::Span::new(at(0), at(keep)),
        ));
        for (i, c) in op.char_indices().skip(keep) {
            let sign = if c == '+' { Token::Plus } else { Token::Minus };
            out.push(TokenWithSpan::new(
                sign,
                sqlparser::tokenizer::Span::new(at(i), at(i + 1)),
            ));
        }
    }
    Ok(Parser::new(&DIALECT).with_tokens_with_locations(out))
}

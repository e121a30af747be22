//! Functions, procedures and triggers, read token by token (their grammar is wider than the
//! parser's), into a canonical form that is equal for the text someone wrote and the text
//! `pg_dump` or `pg_get_functiondef` / `pg_get_triggerdef` print: qualified names, canonical
//! types, defaults left out, the body compared by its value whatever its quoting.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::{parse_expr, resolve};
use crate::normalize::{canonical_type, without_typmod};
use crate::quote::quote_ident;
use crate::schema::{Collation, QualName, Span};

/// What a `CREATE FUNCTION` / `CREATE PROCEDURE` statement defines.
pub(super) struct RoutineDef {
    pub name: QualName,
    pub procedure: bool,
    /// Argument types of the call signature (`integer, text[]`).
    pub identity: String,
    pub language: String,
    pub canon: String,
}

/// What a `CREATE TRIGGER` statement defines.
pub(super) struct TriggerDef {
    pub name: String,
    pub table: QualName,
    pub function: QualName,
    pub canon: String,
}

pub(super) fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let dialect = PostgreSqlDialect {};
    let toks = Tokenizer::new(&dialect, text)
        .tokenize()
        .map_err(|e| e.to_string())?;
    Ok(toks
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_) | Token::EOF))
        .collect())
}

/// An unquoted word, upper-cased (None for anything else).
pub(super) fn kw(t: Option<&Token>) -> Option<String> {
    match t {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

pub(super) fn word_text(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
        Token::Word(w) => Some(w.value.to_lowercase()),
        _ => None,
    }
}

/// Tokens joined back into text: a space between two words, numbers or strings and after a
/// comma, none elsewhere.
pub(super) fn join(toks: &[Token]) -> String {
    let wordish = |t: &Token| {
        matches!(
            t,
            Token::Word(_)
                | Token::Number(..)
                | Token::SingleQuotedString(_)
                | Token::DollarQuotedString(_)
        )
    };
    let mut s = String::new();
    let mut prev: Option<&Token> = None;
    for t in toks {
        if let Some(p) = prev {
            if (wordish(p) && wordish(t)) || matches!(p, Token::Comma) {
                s.push(' ');
            }
        }
        s.push_str(&t.to_string());
        prev = Some(t);
    }
    s
}

/// A qualified name starting at `i`; returns it and the index after it.
pub(super) fn qualified(toks: &[Token], mut i: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = vec![word_text(toks.get(i)?)?];
    i += 1;
    while matches!(toks.get(i), Some(Token::Period)) {
        parts.push(word_text(toks.get(i + 1)?)?);
        i += 2;
    }
    Some((parts, i))
}

/// The index of the bracket closing the one at `open`.
pub(super) fn closing(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits on commas outside brackets.
pub(super) fn split_commas(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (j, t) in toks.iter().enumerate() {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            Token::Comma if depth == 0 => {
                out.push(&toks[start..j]);
                start = j + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// `SET name { TO | = } value, …` as `name=v1,v2` (names and values unquoted, as
/// `pg_get_functiondef` quotes each value and `pg_dump` writes them as given).
fn setting(toks: &[Token]) -> String {
    let Some(name) = toks.first().and_then(word_text) else {
        return join(toks).to_lowercase();
    };
    let rest = match toks.get(1) {
        Some(Token::Eq) => &toks[2..],
        Some(t) if kw(Some(t)).as_deref() == Some("TO") => &toks[2..],
        _ => return join(toks).to_lowercase(),
    };
    let values: Vec<String> = split_commas(rest)
        .into_iter()
        .map(|v| match v {
            [Token::SingleQuotedString(s)] => s.clone(),
            [t] => word_text(t).unwrap_or_else(|| t.to_string()),
            more => join(more),
        })
        .collect();
    format!("{}={}", name.to_lowercase(), values.join(","))
}

/// Words that begin a function attribute (or its body): where a `RETURNS` type or a `SET`
/// value ends.
const ATTRIBUTE_WORDS: &[&str] = &[
    "LANGUAGE",
    "AS",
    "IMMUTABLE",
    "STABLE",
    "VOLATILE",
    "STRICT",
    "CALLED",
    "RETURNS",
    "SECURITY",
    "EXTERNAL",
    "LEAKPROOF",
    "NOT",
    "PARALLEL",
    "COST",
    "ROWS",
    "SET",
    "WINDOW",
    "SUPPORT",
    "TRANSFORM",
    "RETURN",
    "BEGIN",
];

/// Words that begin a type name of more than one word, with the words that can follow them
/// in it.
const MULTIWORD_TYPES: &[(&str, &[&str])] = &[
    ("DOUBLE", &["PRECISION"]),
    ("CHARACTER", &["VARYING"]),
    ("CHAR", &["VARYING"]),
    ("NATIONAL", &["CHARACTER", "CHAR"]),
    ("BIT", &["VARYING"]),
    ("TIME", &["WITH", "WITHOUT"]),
    ("TIMESTAMP", &["WITH", "WITHOUT"]),
    (
        "INTERVAL",
        &["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"],
    ),
];

/// Whether the word `second` goes on a type begun by `first` (`double precision`), rather
/// than `first` naming an argument of type `second…` (`double double precision`).
fn continues_type(first: &Token, second: &Token) -> bool {
    let (Some(a), Some(b)) = (kw(Some(first)), kw(Some(second))) else {
        return false;
    };
    MULTIWORD_TYPES
        .iter()
        .any(|(start, next)| *start == a && next.contains(&b.as_str()))
}

/// Resolves a type as written and in canonical form on the search path.
pub(super) type Types<'a> = &'a dyn Fn(&str, String) -> String;

/// One argument of a signature: (mode, name, canonical type without modifiers, resolved by
/// `types`, default text).
fn signature_argument(
    toks: &[Token],
    types: Types,
) -> (String, Option<String>, String, Option<String>) {
    let (mode, name, ty, default) = argument(toks);
    let canonical = without_typmod(&canonical_type(&ty));
    (mode, name, types(&ty, canonical), default)
}

/// One argument: (mode, name, type as written, default text).
fn argument(toks: &[Token]) -> (String, Option<String>, String, Option<String>) {
    let mut i = 0;
    let mut mode = "IN".to_string();
    if let Some(m) = kw(toks.first()) {
        if matches!(m.as_str(), "IN" | "OUT" | "INOUT" | "VARIADIC") {
            mode = m;
            i = 1;
        }
    }
    let end = toks
        .iter()
        .position(|t| matches!(t, Token::Eq) || kw(Some(t)).as_deref() == Some("DEFAULT"))
        .unwrap_or(toks.len());
    let default = (end < toks.len()).then(|| join(&toks[end + 1..]));
    let rest = &toks[i.min(end)..end];
    // `name type` when a second word follows that does not go on a type the first begins.
    let named = rest.len() >= 2
        && matches!(rest[0], Token::Word(_))
        && matches!(rest[1], Token::Word(_))
        && !continues_type(&rest[0], &rest[1]);
    let (name, ty) = if named {
        (word_text(&rest[0]), &rest[1..])
    } else {
        (None, rest)
    };
    (mode, name, join(ty), default)
}

/// Parses a `CREATE [OR REPLACE] FUNCTION | PROCEDURE` statement.
///
/// Argument and result types are as PostgreSQL keeps them: without their modifiers
/// (`varchar(20)` is `character varying`), and resolved by `types` on the search path.
pub(super) fn routine(text: &str, search_path: &str, types: Types) -> Result<RoutineDef, String> {
    let toks = tokens(text)?;
    let at = toks
        .iter()
        .position(|t| matches!(kw(Some(t)).as_deref(), Some("FUNCTION" | "PROCEDURE")))
        .ok_or("no FUNCTION or PROCEDURE keyword")?;
    let procedure = kw(toks.get(at)).as_deref() == Some("PROCEDURE");
    let (parts, i) = qualified(&toks, at + 1).ok_or("no name")?;
    let name = resolve(&parts, search_path);
    if !matches!(toks.get(i), Some(Token::LParen)) {
        return Err("no argument list".into());
    }
    let close = closing(&toks, i).ok_or("unbalanced brackets in the arguments")?;
    let args: Vec<_> = split_commas(&toks[i + 1..close])
        .into_iter()
        .map(|a| signature_argument(a, types))
        .collect();
    let identity: Vec<String> = args
        .iter()
        .filter(|a| a.0 != "OUT")
        .map(|a| {
            if a.0 == "VARIADIC" {
                format!("VARIADIC {}", a.2)
            } else {
                a.2.clone()
            }
        })
        .collect();
    let arg_text: Vec<String> = args
        .iter()
        .map(|(mode, name, ty, default)| {
            let mut s = String::new();
            if mode != "IN" {
                s.push_str(mode);
                s.push(' ');
            }
            if let Some(n) = name {
                s.push_str(&quote_ident(n));
                s.push(' ');
            }
            s.push_str(ty);
            if let Some(d) = default {
                s.push_str(" DEFAULT ");
                s.push_str(&parse_expr(d).map_or_else(|_| d.clone(), |e| e.canon));
            }
            s
        })
        .collect();

    let mut returns = String::new();
    let mut language = String::new();
    let mut volatility = "VOLATILE".to_string();
    let mut strict = false;
    let mut definer = false;
    let mut leakproof = false;
    let mut parallel = "UNSAFE".to_string();
    let mut cost: Option<String> = None;
    let mut rows: Option<String> = None;
    let mut sets: Vec<String> = Vec::new();
    let mut window = false;
    let mut body: Vec<String> = Vec::new();
    let mut j = close + 1;
    while j < toks.len() {
        let k = kw(toks.get(j));
        match k.as_deref() {
            Some("RETURNS") if kw(toks.get(j + 1)).as_deref() == Some("NULL") => {
                // RETURNS NULL ON NULL INPUT
                strict = true;
                j += 5;
                continue;
            }
            Some("RETURNS") => {
                j += 1;
                if kw(toks.get(j)).as_deref() == Some("TABLE")
                    && matches!(toks.get(j + 1), Some(Token::LParen))
                {
                    let c = closing(&toks, j + 1).ok_or("unbalanced RETURNS TABLE")?;
                    let cols: Vec<String> = split_commas(&toks[j + 2..c])
                        .into_iter()
                        .map(|col| {
                            let (_, n, ty, _) = signature_argument(col, types);
                            match n {
                                Some(n) => format!("{} {ty}", quote_ident(&n)),
                                None => ty,
                            }
                        })
                        .collect();
                    returns = format!("TABLE({})", cols.join(", "));
                    j = c + 1;
                    continue;
                }
                let mut setof = false;
                if kw(toks.get(j)).as_deref() == Some("SETOF") {
                    setof = true;
                    j += 1;
                }
                let ty_start = j;
                while j < toks.len() {
                    let w = kw(toks.get(j));
                    if w.as_deref().is_some_and(|w| ATTRIBUTE_WORDS.contains(&w)) && j > ty_start {
                        break;
                    }
                    j += 1;
                }
                let ty = join(&toks[ty_start..j]);
                returns = format!(
                    "{}{}",
                    if setof { "SETOF " } else { "" },
                    types(&ty, without_typmod(&canonical_type(&ty)))
                );
                continue;
            }
            Some("LANGUAGE") => {
                language = toks
                    .get(j + 1)
                    .and_then(|t| match t {
                        Token::SingleQuotedString(s) => Some(s.to_lowercase()),
                        other => word_text(other),
                    })
                    .unwrap_or_default();
                j += 2;
                continue;
            }
            Some(v @ ("IMMUTABLE" | "STABLE" | "VOLATILE")) => volatility = v.to_string(),
            Some("STRICT") => strict = true,
            Some("CALLED") => {
                strict = false;
                j += 4;
                continue;
            }
            Some("EXTERNAL") => {}
            Some("SECURITY") => {
                definer = kw(toks.get(j + 1)).as_deref() == Some("DEFINER");
                j += 2;
                continue;
            }
            Some("LEAKPROOF") => leakproof = true,
            Some("NOT") if kw(toks.get(j + 1)).as_deref() == Some("LEAKPROOF") => {
                leakproof = false;
                j += 2;
                continue;
            }
            Some("PARALLEL") => {
                parallel = kw(toks.get(j + 1)).unwrap_or_default();
                j += 2;
                continue;
            }
            Some("COST") => {
                cost = toks.get(j + 1).map(|t| t.to_string());
                j += 2;
                continue;
            }
            Some("ROWS") => {
                rows = toks.get(j + 1).map(|t| t.to_string());
                j += 2;
                continue;
            }
            Some("WINDOW") => window = true,
            Some("SET") => {
                // SET name { TO | = } value [, …] | SET name FROM CURRENT
                let mut e = j + 1;
                while e < toks.len()
                    && !kw(toks.get(e))
                        .as_deref()
                        .is_some_and(|w| ATTRIBUTE_WORDS.contains(&w))
                {
                    e += 1;
                }
                sets.push(setting(&toks[j + 1..e]));
                j = e;
                continue;
            }
            Some("AS") => {
                j += 1;
                while let Some(t) = toks.get(j) {
                    match t {
                        Token::SingleQuotedString(s) => body.push(s.clone()),
                        Token::DollarQuotedString(d) => body.push(d.value.clone()),
                        Token::Comma => {}
                        _ => break,
                    }
                    j += 1;
                }
                continue;
            }
            Some("RETURN") | Some("BEGIN") => {
                // An SQL-standard body: compared as its tokens.
                body.push(join(&toks[j..]).trim_end_matches(';').to_string());
                break;
            }
            _ => {}
        }
        j += 1;
    }
    if returns.is_empty() && !procedure {
        // Without `RETURNS`, the output arguments say it: one's type, or a record of several.
        let mut out = args
            .iter()
            .filter(|a| matches!(a.0.as_str(), "OUT" | "INOUT"));
        returns = match (out.next(), out.next()) {
            (Some(one), None) => one.2.clone(),
            _ => "record".into(),
        };
    }
    let default_cost = if matches!(language.as_str(), "c" | "internal") {
        "1"
    } else {
        "100"
    };
    let mut canon = format!(
        "{} {}({})",
        if procedure { "PROCEDURE" } else { "FUNCTION" },
        name,
        arg_text.join(", ")
    );
    if !procedure {
        canon.push_str(&format!(" RETURNS {returns}"));
    }
    canon.push_str(&format!(" LANGUAGE {language}"));
    if window {
        canon.push_str(" WINDOW");
    }
    if volatility != "VOLATILE" {
        canon.push_str(&format!(" {volatility}"));
    }
    if strict {
        canon.push_str(" STRICT");
    }
    if definer {
        canon.push_str(" SECURITY DEFINER");
    }
    if leakproof {
        canon.push_str(" LEAKPROOF");
    }
    if parallel != "UNSAFE" {
        canon.push_str(&format!(" PARALLEL {parallel}"));
    }
    if let Some(c) = cost.filter(|c| c.trim_end_matches(".0") != default_cost) {
        canon.push_str(&format!(" COST {c}"));
    }
    let set_returning = returns.starts_with("SETOF") || returns.starts_with("TABLE");
    if let Some(r) = rows.filter(|r| !(set_returning && r == "1000") && r != "0") {
        canon.push_str(&format!(" ROWS {r}"));
    }
    sets.sort();
    for s in sets {
        canon.push_str(&format!(" SET {s}"));
    }
    canon.push_str(" AS ");
    canon.push_str(&body.join(", "));
    Ok(RoutineDef {
        name,
        procedure,
        identity: identity.join(", "),
        language,
        canon,
    })
}

/// What a `CREATE COLLATION` statement defines (its span left for the caller).
pub(super) fn collation(text: &str, search_path: &str) -> Result<Collation, String> {
    let toks = tokens(text)?;
    let mut i = toks
        .iter()
        .position(|t| kw(Some(t)).as_deref() == Some("COLLATION"))
        .ok_or("no COLLATION keyword")?
        + 1;
    if kw(toks.get(i)).as_deref() == Some("IF") {
        i += 3;
    }
    let (parts, i) = qualified(&toks, i).ok_or("no name")?;
    let name = resolve(&parts, search_path);
    let value = |t: Option<&Token>| match t {
        Some(Token::SingleQuotedString(s)) => Some(s.clone()),
        Some(Token::Word(w)) => Some(w.value.clone()),
        Some(Token::Number(n, _)) => Some(n.clone()),
        _ => None,
    };
    if kw(toks.get(i)).as_deref() == Some("FROM") {
        // A copy of an existing collation: the built-in ones are known by their names.
        let from = value(toks.get(i + 1)).ok_or("no collation after FROM")?;
        let (provider, locale) = match from.strip_suffix("-x-icu") {
            Some(l) => ("icu", l.to_string()),
            None => ("libc", from.clone()),
        };
        return Ok(Collation {
            name,
            provider: provider.into(),
            lc_collate: locale.clone(),
            lc_ctype: locale,
            deterministic: true,
            span: Span::default(),
        });
    }
    if !matches!(toks.get(i), Some(Token::LParen)) {
        return Err("no option list".into());
    }
    let close = closing(&toks, i).ok_or("unbalanced brackets")?;
    let (mut provider, mut locale, mut collate, mut ctype, mut deterministic) =
        ("libc".to_string(), None, None, None, true);
    for opt in split_commas(&toks[i + 1..close]) {
        let key = kw(opt.first()).unwrap_or_default();
        let v = value(opt.get(2)).unwrap_or_default();
        match key.as_str() {
            "PROVIDER" => provider = v.to_lowercase(),
            "LOCALE" => locale = Some(v),
            "LC_COLLATE" => collate = Some(v),
            "LC_CTYPE" => ctype = Some(v),
            "DETERMINISTIC" => {
                deterministic = !matches!(v.to_lowercase().as_str(), "false" | "off" | "no" | "0")
            }
            _ => {}
        }
    }
    let collate = collate.or(locale.clone()).unwrap_or_default();
    let ctype = ctype.or(locale).unwrap_or_default();
    Ok(Collation {
        name,
        provider,
        lc_collate: collate,
        lc_ctype: ctype,
        deterministic,
        span: Span::default(),
    })
}

/// Reads `COMMENT ON CONSTRAINT name ON table IS 'text' | NULL` (which the parser lacks):
/// (constraint, table, comment).
pub(super) fn constraint_comment(
    text: &str,
    search_path: &str,
) -> Result<(String, QualName, Option<String>), String> {
    let toks = tokens(text)?;
    let i = toks
        .iter()
        .position(|t| kw(Some(t)).as_deref() == Some("CONSTRAINT"))
        .ok_or("no CONSTRAINT keyword")?;
    let name = toks
        .get(i + 1)
        .and_then(word_text)
        .ok_or("no constraint name")?;
    let mut j = i + 2;
    if kw(toks.get(j)).as_deref() != Some("ON") {
        return Err("no ON after the constraint name".into());
    }
    j += 1;
    if kw(toks.get(j)).as_deref() == Some("DOMAIN") {
        return Err("a domain's constraint".into());
    }
    let (parts, j) = qualified(&toks, j).ok_or("no table name")?;
    let comment = comment_text(&toks, j)?;
    Ok((name, resolve(&parts, search_path), comment))
}

/// What a `COMMENT ON SCHEMA | SEQUENCE | COLLATION | POLICY` statement names, and the text.
pub(super) fn object_comment(
    text: &str,
    search_path: &str,
) -> Result<(crate::schema::CommentTarget, Option<String>), String> {
    use crate::schema::CommentTarget as T;
    let toks = tokens(text)?;
    let kind = kw(toks.get(2)).unwrap_or_default();
    let (parts, j) = qualified(&toks, 3).ok_or("no name")?;
    let (target, j) = match kind.as_str() {
        "SCHEMA" if parts.len() == 1 => (
            T::Schema {
                name: parts[0].clone(),
            },
            j,
        ),
        "SEQUENCE" => (
            T::Sequence {
                name: resolve(&parts, search_path),
            },
            j,
        ),
        "COLLATION" => (
            T::Collation {
                name: resolve(&parts, search_path),
            },
            j,
        ),
        "POLICY" if parts.len() == 1 && kw(toks.get(j)).as_deref() == Some("ON") => {
            let (table, j) = qualified(&toks, j + 1).ok_or("no table name")?;
            let table = resolve(&table, search_path);
            (
                T::Policy {
                    table,
                    name: parts[0].clone(),
                },
                j,
            )
        }
        _ => return Err("an object name of another form".into()),
    };
    Ok((target, comment_text(&toks, j)?))
}

/// `IS 'text'` (or `IS NULL`) at `j`: the comment.
fn comment_text(toks: &[Token], j: usize) -> Result<Option<String>, String> {
    if kw(toks.get(j)).as_deref() != Some("IS") {
        return Err("no IS".into());
    }
    match toks.get(j + 1) {
        Some(Token::SingleQuotedString(s)) => Ok(Some(s.clone())),
        Some(Token::EscapedStringLiteral(s)) => Ok(Some(s.clone())),
        Some(Token::DollarQuotedString(d)) => Ok(Some(d.value.clone())),
        Some(t) if kw(Some(t)).as_deref() == Some("NULL") => Ok(None),
        _ => Err("no comment text".into()),
    }
}

/// What a `COMMENT ON FUNCTION | PROCEDURE | TRIGGER` statement names.
pub(super) enum CommentTarget {
    /// A function: its name and, when the statement lists them, its argument types.
    Function(QualName, Option<String>),
    /// A trigger: its name and table.
    Trigger(String, QualName),
}

/// A function's argument list at `j` as its identity (`integer, VARIADIC text[]`: the input
/// arguments' types as PostgreSQL keeps them), or `None` when no list follows the name; and
/// the index after it.
pub(super) fn identity_at(
    toks: &[Token],
    j: usize,
    types: Types,
) -> Result<(Option<String>, usize), String> {
    if !matches!(toks.get(j), Some(Token::LParen)) {
        return Ok((None, j));
    }
    let close = closing(toks, j).ok_or("unbalanced brackets")?;
    let types: Vec<String> = split_commas(&toks[j + 1..close])
        .into_iter()
        .map(|a| signature_argument(a, types))
        .filter(|a| a.0 != "OUT")
        .map(|a| {
            if a.0 == "VARIADIC" {
                format!("VARIADIC {}", a.2)
            } else {
                a.2
            }
        })
        .collect();
    Ok((Some(types.join(", ")), close + 1))
}

/// Reads `COMMENT ON FUNCTION f(types) IS …` / `COMMENT ON TRIGGER t ON table IS …`.
pub(super) fn routine_comment(
    text: &str,
    search_path: &str,
    types: Types,
) -> Result<(CommentTarget, Option<String>), String> {
    let toks = tokens(text)?;
    let kind = kw(toks.get(2)).unwrap_or_default();
    let (target, j) = if kind == "TRIGGER" {
        let name = toks.get(3).and_then(word_text).ok_or("no trigger name")?;
        if kw(toks.get(4)).as_deref() != Some("ON") {
            return Err("no ON after the trigger name".into());
        }
        let (parts, j) = qualified(&toks, 5).ok_or("no table name")?;
        (
            CommentTarget::Trigger(name, resolve(&parts, search_path)),
            j,
        )
    } else {
        let (parts, j) = qualified(&toks, 3).ok_or("no function name")?;
        let (identity, j) = identity_at(&toks, j, types)?;
        (
            CommentTarget::Function(resolve(&parts, search_path), identity),
            j,
        )
    };
    let comment = comment_text(&toks, j)?;
    Ok((target, comment))
}

/// Parses a `CREATE [OR REPLACE] [CONSTRAINT] TRIGGER` statement.
pub(super) fn trigger(text: &str, search_path: &str) -> Result<TriggerDef, String> {
    let toks = tokens(text)?;
    let at = toks
        .iter()
        .position(|t| kw(Some(t)).as_deref() == Some("TRIGGER"))
        .ok_or("no TRIGGER keyword")?;
    let constraint = toks[..at]
        .iter()
        .any(|t| kw(Some(t)).as_deref() == Some("CONSTRAINT"));
    let name = toks
        .get(at + 1)
        .and_then(word_text)
        .ok_or("no trigger name")?;
    let mut j = at + 2;
    let timing = match kw(toks.get(j)).as_deref() {
        Some("BEFORE") => "BEFORE",
        Some("AFTER") => "AFTER",
        Some("INSTEAD") => {
            j += 1;
            "INSTEAD OF"
        }
        _ => return Err("no BEFORE, AFTER or INSTEAD OF".into()),
    };
    j += 1;
    // Events, up to ON.
    let mut events: Vec<(u8, String)> = Vec::new();
    while j < toks.len() && kw(toks.get(j)).as_deref() != Some("ON") {
        match kw(toks.get(j)).as_deref() {
            Some("INSERT") => events.push((0, "INSERT".into())),
            Some("DELETE") => events.push((1, "DELETE".into())),
            Some("TRUNCATE") => events.push((3, "TRUNCATE".into())),
            Some("UPDATE") => {
                let mut s = "UPDATE".to_string();
                if kw(toks.get(j + 1)).as_deref() == Some("OF") {
                    let mut cols = Vec::new();
                    j += 2;
                    while let Some(c) = toks.get(j).and_then(word_text) {
                        cols.push(quote_ident(&c));
                        if matches!(toks.get(j + 1), Some(Token::Comma)) {
                            j += 2;
                        } else {
                            break;
                        }
                    }
                    s.push_str(&format!(" OF {}", cols.join(", ")));
                }
                events.push((2, s));
            }
            _ => {}
        }
        j += 1;
    }
    events.sort();
    let (parts, mut j) = qualified(&toks, j + 1).ok_or("no table after ON")?;
    let table = resolve(&parts, search_path);
    let mut extra: Vec<String> = Vec::new();
    let mut each = "STATEMENT";
    let mut when = None;
    let mut function = None;
    let mut args = String::new();
    while j < toks.len() {
        match kw(toks.get(j)).as_deref() {
            Some("FOR") => {
                let mut k = j + 1;
                if kw(toks.get(k)).as_deref() == Some("EACH") {
                    k += 1;
                }
                if kw(toks.get(k)).as_deref() == Some("ROW") {
                    each = "ROW";
                }
                j = k + 1;
                continue;
            }
            Some("WHEN") if matches!(toks.get(j + 1), Some(Token::LParen)) => {
                let c = closing(&toks, j + 1).ok_or("unbalanced WHEN")?;
                let cond = join(&toks[j + 2..c]);
                when = Some(parse_expr(&cond).map_or(cond, |e| e.canon));
                j = c + 1;
                continue;
            }
            Some("EXECUTE") => {
                let (fparts, k) = qualified(&toks, j + 2).ok_or("no function after EXECUTE")?;
                function = Some(resolve(&fparts, search_path));
                if matches!(toks.get(k), Some(Token::LParen)) {
                    let c = closing(&toks, k).ok_or("unbalanced function arguments")?;
                    args = join(&toks[k + 1..c]);
                }
                break;
            }
            Some(w) => extra.push(w.to_string()),
            None => extra.push(toks[j].to_string()),
        }
        j += 1;
    }
    let function = function.ok_or("no EXECUTE FUNCTION")?;
    let mut canon = format!(
        "{}TRIGGER {} {timing} {} ON {table}",
        if constraint { "CONSTRAINT " } else { "" },
        quote_ident(&name),
        events
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>()
            .join(" OR "),
    );
    // FROM, DEFERRABLE, REFERENCING …: kept as their words (upper-cased).
    let extra: Vec<String> = extra
        .into_iter()
        .filter(|w| {
            w != "NOT" && w != "DEFERRABLE" && w != "INITIALLY" && w != "IMMEDIATE" || constraint
        })
        .collect();
    if !extra.is_empty() {
        canon.push(' ');
        canon.push_str(&extra.join(" "));
    }
    canon.push_str(&format!(" FOR EACH {each}"));
    if let Some(w) = when {
        canon.push_str(&format!(" WHEN {w}"));
    }
    canon.push_str(&format!(" EXECUTE FUNCTION {function}({args})"));
    Ok(TriggerDef {
        name,
        table,
        function,
        canon,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_dumped_functions_compare_equal() {
        let written = routine(
            "create or replace function any_function(i integer, t text[])\n\
             returns TABLE(a text, c int) as\n$$\n declare\n BEGIN\n select 'no', 1;\n END;\n\n$$\n\
             LANGUAGE PLPGSQL STABLE returns null on null input security definer",
            "public",
            &|_, t| t,
        )
        .unwrap();
        let dumped = routine(
            "CREATE FUNCTION public.any_function(i integer, t text[]) RETURNS TABLE(a text, c integer)\n\
             LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER\n\
             AS $_$\n declare\n BEGIN\n select 'no', 1;\n END;\n\n$_$",
            "",
            &|_, t| t,
        )
        .unwrap();
        assert_eq!(written.canon, dumped.canon);
        assert_eq!(written.identity, "integer, text[]");
        let changed = routine(
            "create function any_function(i integer, t text[]) returns TABLE(a text, c int) \
             language plpgsql as $$ begin end $$",
            "public",
            &|_, t| t,
        )
        .unwrap();
        assert_ne!(written.canon, changed.canon);
    }

    #[test]
    fn signatures_are_kept_as_postgresql_keeps_them() {
        // Modifiers go (PostgreSQL keeps a type's oid only), types resolve on the path, and
        // output arguments say what a function without `RETURNS` returns.
        let types = |_: &str, t: String| {
            if t == "fee" {
                "test.fee".to_string()
            } else {
                t
            }
        };
        let written = routine(
            "create function f(a bit(4), b varchar(20)[], c fee, out d numeric(10,2), out e int, \
             double double precision, time time with time zone) \
             as $$ select 1 $$ language sql",
            "test",
            &types,
        )
        .unwrap();
        let dumped = routine(
            "CREATE FUNCTION test.f(a bit, b character varying[], c test.fee, OUT d numeric, \
             OUT e integer, double double precision, \"time\" time with time zone) \
             RETURNS record LANGUAGE sql AS $$ select 1 $$",
            "",
            &types,
        )
        .unwrap();
        assert_eq!(written.canon, dumped.canon);
        assert_eq!(
            written.identity,
            "bit, character varying[], test.fee, double precision, time with time zone"
        );
        let one = routine(
            "create function g(out d varchar(3)) as $$ select 'x' $$ language sql",
            "public",
            &types,
        )
        .unwrap();
        assert!(
            one.canon.contains("RETURNS character varying LANGUAGE"),
            "{}",
            one.canon
        );
    }

    #[test]
    fn written_and_dumped_triggers_compare_equal() {
        let written = trigger(
            "CREATE TRIGGER emp_stamp BEFORE UPDATE OR INSERT ON emp\n FOR EACH ROW EXECUTE PROCEDURE emp_stamp()",
            "public",
        )
        .unwrap();
        let dumped = trigger(
            "CREATE TRIGGER emp_stamp BEFORE INSERT OR UPDATE ON public.emp FOR EACH ROW EXECUTE FUNCTION public.emp_stamp()",
            "public",
        )
        .unwrap();
        assert_eq!(written.canon, dumped.canon);
        let statement = trigger(
            "CREATE TRIGGER emp_stamp BEFORE INSERT OR UPDATE ON emp EXECUTE FUNCTION emp_stamp()",
            "public",
        )
        .unwrap();
        assert_ne!(written.canon, statement.canon);
    }
}

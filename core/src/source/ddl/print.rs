//! SQL text from sqlparser's AST, with every literal and quoted identifier printed from its
//! value.
//!
//! sqlparser's `Display` cannot tell an escaped quote from a quote to escape: it leaves a quote
//! that follows a backslash or another quote as it is, so the value `\'; DROP TABLE t; --` prints
//! as `'\'; DROP TABLE t; --'`, which PostgreSQL reads as a string `\` followed by a statement.
//! Every piece of AST that becomes SQL the plan renders goes through [`sql`] instead: a copy whose
//! strings and quoted names are replaced by their text from [`crate::quote`] before printing.

use std::fmt::Display;
use std::ops::ControlFlow;

use sqlparser::ast::{
    self, DataType, Ident, TypeModifier, Value, ValueWithSpan, Visit, VisitMut, Visitor, VisitorMut,
};

use crate::quote::{quote_literal, quote_name};

/// The SQL text of `node`: its `Display`, except that literals and quoted identifiers are
/// printed from their values. Nodes whose text could not be misprinted (no quote or backslash in
/// any literal or quoted name) print as they are, without a copy.
pub(crate) fn sql<T: Visit + VisitMut + Display + Clone>(node: &T) -> String {
    if Visit::visit(node, &mut Risky).is_continue() {
        return node.to_string();
    }
    let mut copy = node.clone();
    let _ = VisitMut::visit(&mut copy, &mut Safe);
    copy.to_string()
}

/// A data type's SQL text, its modifiers and quoted names printed from their values.
pub(crate) fn sql_type(t: &DataType) -> String {
    if !type_is_risky(t) && Visit::visit(t, &mut Risky).is_continue() {
        return t.to_string();
    }
    let mut copy = t.clone();
    let _ = VisitMut::visit(&mut copy, &mut Safe);
    fix_type(&mut copy);
    copy.to_string()
}

/// Finds the first literal or quoted name sqlparser could misprint.
struct Risky;

fn risky_text(s: &str, quote: char) -> bool {
    s.contains(quote) || s.contains('\\')
}

impl Visitor for Risky {
    type Break = ();

    fn pre_visit_ident(&mut self, i: &Ident) -> ControlFlow<()> {
        match i.quote_style {
            Some(q) if risky_text(&i.value, q) => ControlFlow::Break(()),
            None if !plain_word(&i.value) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_value(&mut self, v: &ValueWithSpan) -> ControlFlow<()> {
        if value_is_risky(&v.value) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn pre_visit_expr(&mut self, e: &ast::Expr) -> ControlFlow<()> {
        match e {
            ast::Expr::Cast { data_type, .. } if type_is_risky(data_type) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }
}

/// A word the tokenizer reads as one unquoted identifier.
fn plain_word(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn value_is_risky(v: &Value) -> bool {
    match v {
        Value::SingleQuotedString(s)
        | Value::NationalStringLiteral(s)
        | Value::HexStringLiteral(s)
        | Value::SingleQuotedByteStringLiteral(s) => risky_text(s, '\''),
        Value::Number(..) | Value::Boolean(_) | Value::Null => false,
        Value::DollarQuotedString(d) => d.value.contains('$'),
        // Every other spelling (escape strings, Unicode escapes, double-quoted strings, the
        // other dialects' strings) is printed from its value as a standard string.
        _ => true,
    }
}

fn type_is_risky(t: &DataType) -> bool {
    match t {
        DataType::Custom(_, mods) => mods.iter().any(|m| match m {
            TypeModifier::String(_) => true,
            TypeModifier::Identifier(i) => !plain_word(&i.value) || i.quote_style.is_some(),
            TypeModifier::Number(..) => false,
        }),
        DataType::Array(ast::ArrayElemTypeDef::SquareBracket(inner, _))
        | DataType::Array(ast::ArrayElemTypeDef::AngleBracket(inner))
        | DataType::Array(ast::ArrayElemTypeDef::Parenthesis(inner)) => type_is_risky(inner),
        _ => false,
    }
}

/// Rewrites a copy so that its `Display` is exact.
struct Safe;

impl VisitorMut for Safe {
    type Break = ();

    fn pre_visit_ident(&mut self, i: &mut Ident) -> ControlFlow<()> {
        fix_ident(i);
        ControlFlow::Continue(())
    }

    fn pre_visit_value(&mut self, v: &mut ValueWithSpan) -> ControlFlow<()> {
        fix_value(&mut v.value);
        ControlFlow::Continue(())
    }

    // After the children, whose names are fixed by then: the modifiers fixed here are not
    // visited again.
    fn post_visit_expr(&mut self, e: &mut ast::Expr) -> ControlFlow<()> {
        if let ast::Expr::Cast { data_type, .. } = e {
            fix_type(data_type);
        }
        ControlFlow::Continue(())
    }
}

fn fix_ident(i: &mut Ident) {
    let value = match i.quote_style {
        Some(_) => std::mem::take(&mut i.value),
        None if plain_word(&i.value) => return,
        // Not something the tokenizer makes; quoted as PostgreSQL would fold it (ASCII only).
        None => i.value.to_ascii_lowercase(),
    };
    i.value = quote_name(&value);
    i.quote_style = None;
}

fn fix_value(v: &mut Value) {
    let text = match v {
        Value::Number(..) | Value::Boolean(_) | Value::Null | Value::Placeholder(_) => return,
        Value::DollarQuotedString(d) => {
            let close = format!("${}$", d.tag.as_deref().unwrap_or(""));
            if !d.value.contains(&close) {
                return;
            }
            quote_literal(&d.value)
        }
        Value::NationalStringLiteral(s) => format!("N{}", quote_literal(s)),
        Value::HexStringLiteral(s) => format!("X{}", quote_literal(s)),
        Value::SingleQuotedByteStringLiteral(s) => format!("B{}", quote_literal(s)),
        Value::DoubleQuotedString(s) => quote_name(s),
        Value::SingleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::UnicodeStringLiteral(s)
        | Value::TripleSingleQuotedString(s)
        | Value::TripleDoubleQuotedString(s)
        | Value::DoubleQuotedByteStringLiteral(s)
        | Value::TripleSingleQuotedByteStringLiteral(s)
        | Value::TripleDoubleQuotedByteStringLiteral(s)
        | Value::SingleQuotedRawStringLiteral(s)
        | Value::DoubleQuotedRawStringLiteral(s)
        | Value::TripleSingleQuotedRawStringLiteral(s)
        | Value::TripleDoubleQuotedRawStringLiteral(s) => quote_literal(s),
        Value::QuoteDelimitedStringLiteral(q) | Value::NationalQuoteDelimitedStringLiteral(q) => {
            quote_literal(&q.value)
        }
    };
    *v = Value::Placeholder(text);
}

fn fix_type(t: &mut DataType) {
    match t {
        DataType::Custom(_, mods) => {
            for m in mods.iter_mut() {
                let text = match m {
                    TypeModifier::String(s) => quote_literal(s),
                    TypeModifier::Identifier(i) if i.quote_style.is_some() => quote_name(&i.value),
                    TypeModifier::Identifier(i) if !plain_word(&i.value) => {
                        quote_name(&i.value.to_ascii_lowercase())
                    }
                    _ => continue,
                };
                *m = TypeModifier::Identifier(Ident::new(text));
            }
        }
        DataType::Array(ast::ArrayElemTypeDef::SquareBracket(inner, _))
        | DataType::Array(ast::ArrayElemTypeDef::AngleBracket(inner))
        | DataType::Array(ast::ArrayElemTypeDef::Parenthesis(inner)) => fix_type(inner),
        _ => {}
    }
}

/// `text` with its escape strings (`E'…'`) and dollar-quoted strings spelled as standard
/// strings of the same values (the rest of the text as it is), or `None` when it has none or
/// cannot be tokenized.
pub(crate) fn standard_strings(text: &str) -> Option<String> {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    if !text.contains(['$', '\'']) {
        return None;
    }
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, text)
        .tokenize_with_location()
        .ok()?;
    // Byte offsets of line starts, for the tokens' line and column (in characters).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: u64, column: u64| -> Option<usize> {
        let start = *starts.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let col = usize::try_from(column).ok()?.checked_sub(1)?;
        Some(
            start
                + text[start..]
                    .chars()
                    .take(col)
                    .map(char::len_utf8)
                    .sum::<usize>(),
        )
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut changed = false;
    for t in &tokens {
        let value = match &t.token {
            Token::EscapedStringLiteral(v) => v.clone(),
            Token::DollarQuotedString(d) => d.value.clone(),
            _ => continue,
        };
        let start = offset(t.span.start.line, t.span.start.column)?;
        let end = offset(t.span.end.line, t.span.end.column)?;
        if start < at || end > text.len() || start > end {
            return None;
        }
        out.push_str(&text[at..start]);
        out.push('\'');
        out.push_str(&value.replace('\'', "''"));
        out.push('\'');
        at = end;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn expr(text: &str) -> ast::Expr {
        Parser::new(&PostgreSqlDialect {})
            .try_with_sql(text)
            .unwrap()
            .parse_expr()
            .unwrap()
    }

    #[test]
    fn literals_print_from_their_values() {
        // sqlparser's own Display leaves the quote after a backslash single.
        let e = expr(r"'\''; DROP TABLE sentinel; --'");
        assert_eq!(e.to_string(), r"'\'; DROP TABLE sentinel; --'");
        assert_eq!(sql(&e), r"E'\\''; DROP TABLE sentinel; --'");
        assert_eq!(sql(&expr("'a''''b'")), "'a''''b'");
        assert_eq!(sql(&expr("'plain'")), "'plain'");
        assert_eq!(sql(&expr(r#""x\""" = 1"#)), r#""x\""" = 1"#);
        assert_eq!(sql(&expr(r"E'tab\there'")), "'tab\there'");
        assert_eq!(sql(&expr("$q$it's$q$")), "$q$it's$q$");
        assert_eq!(sql(&expr(r"'\'::x('a''b')")), r"E'\\'::x('a''b')");
    }

    #[test]
    fn escape_and_dollar_strings_respelled_as_standard_ones() {
        assert_eq!(
            standard_strings("CREATE TYPE e AS ENUM (E'a\\\\b\\'c', $q$it's$q$, 'd')").as_deref(),
            Some("CREATE TYPE e AS ENUM ('a\\b''c', 'it''s', 'd')")
        );
        assert_eq!(standard_strings("COMMENT ON TABLE t IS 'x'"), None);
    }
}

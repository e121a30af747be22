//! The SQL-standard forms PostgreSQL's parser turns into function calls or operators, in one
//! canonical form whichever way they are written or printed (PostgreSQL 16 prints
//! `SUBSTRING(t FROM 2 FOR 3)` where 15 prints `"substring"(t, 2, 3)`), and string literals
//! typed by what they meet (`COALESCE(tm, '00:00')` stores `'00:00:00'::time`).

use super::*;

/// The canonical text of a special form, or `None` for an expression that is none of them.
pub(super) fn special(s: Option<&views::Cols>, e: &ast::Expr) -> Option<String> {
    use ast::Expr as E;
    let c = |x: &ast::Expr| canon_in(s, x);
    Some(match e {
        E::IsUnknown(x) => format!("({} IS UNKNOWN)", c(x)),
        E::IsNotUnknown(x) => format!("({} IS NOT UNKNOWN)", c(x)),
        // `x SIMILAR TO p` is `x ~ similar_to_escape(p)` (PostgreSQL 13 on).
        E::SimilarTo {
            negated,
            expr,
            pattern,
            escape_char,
        } => {
            let escape = escape_char.as_ref().map(|x| format!(", {}", c(x)));
            let op = if *negated { "!~" } else { "~" };
            format!(
                "({} {op} similar_to_escape({}{}))",
                c(expr),
                c(pattern),
                escape.unwrap_or_default()
            )
        }
        E::Substring {
            expr,
            substring_from,
            substring_for,
            shorthand,
            ..
        } => {
            let name = if *shorthand { "substr" } else { "substring" };
            let from = match (substring_from, substring_for) {
                (Some(f), _) => c(f),
                // `SUBSTRING(t FOR n)` starts at 1.
                (None, Some(_)) => "1".to_string(),
                (None, None) => return None,
            };
            match substring_for {
                Some(n) => format!("{name}({}, {from}, {})", c(expr), c(n)),
                None => format!("{name}({}, {from})", c(expr)),
            }
        }
        // `TRIM([BOTH|LEADING|TRAILING] [chars] FROM t)` is `btrim`, `ltrim`, `rtrim`.
        E::Trim {
            trim_where,
            trim_what,
            expr,
            trim_characters,
        } => {
            let name = match trim_where {
                Some(ast::TrimWhereField::Leading) => "ltrim",
                Some(ast::TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            };
            let mut args = vec![c(expr)];
            if let Some(w) = trim_what {
                args.push(c(w));
            }
            for x in trim_characters.iter().flatten() {
                args.push(c(x));
            }
            format!("{name}({})", args.join(", "))
        }
        // `POSITION(sub IN s)` is `position(s, sub)`.
        E::Position { expr, r#in } => format!("position({}, {})", c(r#in), c(expr)),
        E::Overlay {
            expr,
            overlay_what,
            overlay_from,
            overlay_for,
        } => {
            let mut args = vec![c(expr), c(overlay_what), c(overlay_from)];
            if let Some(n) = overlay_for {
                args.push(c(n));
            }
            format!("overlay({})", args.join(", "))
        }
        E::Ceil { expr, field } | E::Floor { expr, field } => {
            let name = if matches!(e, E::Ceil { .. }) {
                "ceil"
            } else {
                "floor"
            };
            match field {
                ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime) => {
                    let mut args = vec![c(expr)];
                    implicit_arg_casts(s, name, &[expr], &mut args);
                    format!("{name}({})", args[0])
                }
                ast::CeilFloorKind::Scale(v) => {
                    format!("{name}({}, {})", c(expr), canon_value(&v.value))
                }
                _ => return None,
            }
        }
        // `COLLATE` on a `COLLATE` is the outer one.
        E::Collate { expr, collation } if matches!(strip_nested(expr), E::Collate { .. }) => {
            let E::Collate { expr: inner, .. } = strip_nested(expr) else {
                return None;
            };
            let outer = E::Collate {
                expr: inner.clone(),
                collation: collation.clone(),
            };
            return special(s, &outer);
        }
        E::Collate { expr, collation } => {
            let name: Vec<String> = collation
                .0
                .iter()
                .map(|p| quote_ident(&part_text(p)))
                .filter(|p| p != "pg_catalog")
                .collect();
            format!("({} COLLATE {})", c(expr), name.join("."))
        }
        _ => return None,
    })
}

/// The pattern of a `LIKE` with an `ESCAPE`: `like_escape(pattern, escape)`, which PostgreSQL
/// stores in its place.
pub(super) fn like_pattern(
    s: Option<&views::Cols>,
    pattern: &ast::Expr,
    escape: Option<&ast::Expr>,
) -> String {
    match escape {
        Some(x) => format!("like_escape({}, {})", canon_in(s, pattern), canon_in(s, x)),
        None => canon_in(s, pattern),
    }
}

/// The type an operand shows, where it can be told: a cast's, a typed literal's, a number's,
/// a column's (in a scope that knows them), the result of the common functions and of
/// arithmetic on them.
pub(super) fn known_type(s: Option<&views::Cols>, e: &ast::Expr) -> Option<String> {
    use ast::BinaryOperator as B;
    let e = strip_nested(e);
    match e {
        ast::Expr::Cast { data_type, .. } => Some(canon_data_type(data_type)),
        ast::Expr::TypedString(ts) => Some(canon_data_type(&ts.data_type)),
        ast::Expr::Interval(_) => Some("interval".into()),
        ast::Expr::Value(v) => match &v.value {
            Value::Number(n, _) => Some(number_type(n).into()),
            _ => None,
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => known_type(s, expr),
        ast::Expr::Function(f) => function_type(s, f),
        ast::Expr::Position { .. } => Some("integer".into()),
        // `AT TIME ZONE` turns a timestamp into a `timestamptz` and back.
        ast::Expr::AtTimeZone { timestamp, .. } => match known_type(s, timestamp)?.as_str() {
            "timestamp without time zone" => Some(TIMESTAMPTZ.into()),
            TIMESTAMPTZ => Some("timestamp without time zone".into()),
            _ => None,
        },
        ast::Expr::Ceil { expr, .. } | ast::Expr::Floor { expr, .. } => {
            match known_type(s, expr)?.as_str() {
                t if t == "numeric" || t.starts_with("numeric(") => Some("numeric".into()),
                _ => Some("double precision".into()),
            }
        }
        ast::Expr::Array(a) => Some(format!(
            "{}[]",
            a.elem.iter().find_map(|x| known_type(s, x))?
        )),
        ast::Expr::Case {
            conditions,
            else_result,
            ..
        } => conditions
            .iter()
            .map(|c| &c.result)
            .chain(else_result.as_deref())
            .find_map(|r| known_type(s, r)),
        // Subscripts: an element of an array (a slice is an array).
        ast::Expr::CompoundFieldAccess { root, access_chain } => {
            let mut t = known_type(s, root)?;
            for access in access_chain {
                match access {
                    ast::AccessExpr::Subscript(ast::Subscript::Index { .. }) => {
                        t = t.strip_suffix("[]")?.to_string()
                    }
                    ast::AccessExpr::Subscript(ast::Subscript::Slice { .. }) => {}
                    _ => return None,
                }
            }
            Some(t)
        }
        ast::Expr::BinaryOp { left, op, right } => {
            let (l, r) = (known_type(s, left), known_type(s, right));
            let moment = |t: &str| {
                matches!(
                    t,
                    "time without time zone" | "timestamp without time zone" | TIMESTAMPTZ
                )
            };
            match (l.as_deref(), op, r.as_deref()) {
                // `||` on an array gives the array.
                (Some(a), B::StringConcat, _) if a.ends_with("[]") => l,
                (_, B::StringConcat, Some(b)) if b.ends_with("[]") => r,
                (Some(t), B::Plus | B::Minus, Some("interval")) if moment(t) => l,
                (Some("interval"), B::Plus, Some(t)) if moment(t) => r,
                (Some("date"), B::Plus | B::Minus, Some("integer")) => l,
                (Some("date"), B::Minus, Some("date")) => Some("integer".into()),
                (Some("date"), B::Plus, Some("time without time zone"))
                | (Some("time without time zone"), B::Plus, Some("date")) => {
                    Some("timestamp without time zone".into())
                }
                (Some(a), B::Minus, Some(b)) if a == b && moment(a) => Some("interval".into()),
                (Some("interval"), B::Plus | B::Minus, Some("interval")) => l,
                (Some("interval"), B::Multiply | B::Divide, _)
                | (_, B::Multiply, Some("interval")) => Some("interval".into()),
                (Some(a), B::Plus | B::Minus | B::Multiply | B::Divide | B::Modulo, Some(b)) => {
                    let (ra, rb) = (number_rank(a)?, number_rank(b)?);
                    Some(if ra >= rb { a } else { b }.to_string())
                }
                _ => None,
            }
        }
        other => s.and_then(|s| expr_type(s, other)),
    }
}

/// The result type of a call of a common built-in function.
fn function_type(s: Option<&views::Cols>, f: &ast::Function) -> Option<String> {
    let name = f.name.0.last().map(part_text)?.to_ascii_lowercase();
    let args: Vec<&ast::Expr> = match &f.args {
        ast::FunctionArguments::List(l) => l
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(x),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    // The first argument's type (unknown when it is unknown, whatever the others show).
    let first = || args.first().and_then(|x| known_type(s, x));
    Some(match name.as_str() {
        // The arguments meet as the widest number type among them, or as the first's type.
        "coalesce" | "greatest" | "least" => {
            let types: Vec<String> = args.iter().filter_map(|x| known_type(s, x)).collect();
            return types
                .iter()
                .filter(|t| number_rank(t).is_some())
                .max_by_key(|t| number_rank(t))
                .or(types.first())
                .cloned();
        }
        "nullif" | "abs" | "sign" | "array_append" | "array_remove" | "array_cat" => {
            return first()
        }
        "array_prepend" => return args.get(1).and_then(|x| known_type(s, x)),
        // A number rounded keeps a numeric; anything else is rounded as a double.
        "round" | "trunc" | "ceil" | "ceiling" | "floor" => match first().as_deref() {
            Some(t) if t == "numeric" || t.starts_with("numeric(") => "numeric".into(),
            Some(t) if number_rank(t).is_some() => "double precision".into(),
            _ => return None,
        },
        "length" | "char_length" | "character_length" | "octet_length" | "bit_length"
        | "cardinality" | "array_length" | "strpos" | "ascii" => "integer".into(),
        "make_interval" | "justify_days" | "justify_hours" | "justify_interval" | "age" => {
            "interval".into()
        }
        "make_date" => "date".into(),
        "make_time" | "localtime" => "time without time zone".into(),
        "make_timestamp" | "localtimestamp" => "timestamp without time zone".into(),
        "make_timestamptz"
        | "now"
        | "current_timestamp"
        | "to_timestamp"
        | "statement_timestamp"
        | "transaction_timestamp"
        | "clock_timestamp" => TIMESTAMPTZ.into(),
        "current_date" => "date".into(),
        // `timezone(zone, t)` is `t AT TIME ZONE zone`.
        "timezone" => match args.get(1).and_then(|x| known_type(s, x))?.as_str() {
            "timestamp without time zone" => TIMESTAMPTZ.into(),
            TIMESTAMPTZ => "timestamp without time zone".into(),
            _ => return None,
        },
        "current_time" => "time with time zone".into(),
        // A date is truncated as a `timestamptz`.
        "date_trunc" => match args.get(1).and_then(|x| known_type(s, x))?.as_str() {
            "date" => TIMESTAMPTZ.into(),
            other => other.to_string(),
        },
        "count" => "bigint".into(),
        _ => return None,
    })
}

/// The numeric types in the order PostgreSQL widens them to (`integer` meets `numeric` as
/// `numeric`).
fn number_rank(t: &str) -> Option<u8> {
    Some(match t {
        "smallint" => 1,
        "integer" => 2,
        "bigint" => 3,
        "real" => 5,
        "double precision" => 6,
        t if t == "numeric" || t.starts_with("numeric(") => 4,
        _ => return None,
    })
}

/// `COALESCE`'s, `GREATEST`'s and `LEAST`'s arguments (and a `CASE`'s results) meet as one
/// type: each argument of a narrower number type that is no constant is cast to the widest
/// (`COALESCE(i, b)` is stored as `COALESCE((i)::bigint, b)`).
pub(super) fn widen_numbers(
    s: Option<&views::Cols>,
    operands: &[&ast::Expr],
    canons: &mut [String],
) {
    widen_numbers_from(s, operands, 0, canons);
}

/// [`widen_numbers`] where the common type comes from all of `operands` but only those from
/// `first` on are cast (an `IN` list's array: its elements take the type they share with the
/// operand, which itself is not cast).
pub(super) fn widen_numbers_from(
    s: Option<&views::Cols>,
    operands: &[&ast::Expr],
    first: usize,
    canons: &mut [String],
) {
    let types: Vec<Option<String>> = operands.iter().map(|e| known_type(s, e)).collect();
    let Some(widest) = types
        .iter()
        .flatten()
        .filter(|t| number_rank(t).is_some())
        .max_by_key(|t| number_rank(t))
    else {
        return;
    };
    let rank = number_rank(widest);
    // A numeric's precision is not part of the common type.
    let target = if rank == Some(4) {
        "numeric"
    } else {
        widest.as_str()
    };
    let cast = operands
        .iter()
        .zip(&types)
        .zip(canons.iter_mut())
        .skip(first);
    for ((e, t), c) in cast {
        if let Some(r) = t.as_deref().and_then(number_rank) {
            if Some(r) < rank && !is_literal(e) {
                *c = format!("({c})::{target}");
            }
        }
    }
}

/// Does `e` read a column (a table's or a query's)? `IN` lists are stored by it.
pub(super) fn reads_column(e: &ast::Expr) -> bool {
    use std::ops::ControlFlow;
    // Names of named arguments (`make_interval(days => 1)`) are no columns.
    let (mut names, mut arguments) = (0usize, 0usize);
    let _ = sqlparser::ast::visit_expressions(e, |x| {
        match x {
            ast::Expr::Identifier(_) | ast::Expr::CompoundIdentifier(_) => names += 1,
            ast::Expr::Function(f) => {
                if let ast::FunctionArguments::List(l) = &f.args {
                    arguments += l
                        .args
                        .iter()
                        .filter(|a| matches!(a, FunctionArg::ExprNamed { .. }))
                        .count();
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    names > arguments
}

/// Is `e` a bare string literal, whose type comes from what it meets?
fn is_bare_string(e: &ast::Expr) -> bool {
    matches!(
        strip_nested(e),
        ast::Expr::Value(v) if matches!(
            v.value,
            Value::SingleQuotedString(_)
                | Value::EscapedStringLiteral(_)
                | Value::DollarQuotedString(_)
                | Value::UnicodeStringLiteral(_)
        )
    )
}

/// The canonical texts `canons` of `operands` that meet as one type (a comparison's sides,
/// `BETWEEN`'s three, an `IN` list with its operand, `COALESCE`'s arguments, a `CASE`'s
/// results): each bare string literal read as the type of the first operand that shows one.
pub(super) fn type_literals(
    s: Option<&views::Cols>,
    operands: &[&ast::Expr],
    canons: &mut [String],
) {
    if !operands.iter().any(|e| is_bare_string(e)) {
        return;
    }
    let Some(ty) = operands
        .iter()
        .filter(|e| !is_bare_string(e))
        .find_map(|e| known_type(s, e))
    else {
        return;
    };
    if is_implicit_cast_target(&ty) {
        return;
    }
    for (e, c) in operands.iter().zip(canons.iter_mut()) {
        if is_bare_string(e) {
            *c = literal_as(c, &ty);
        }
    }
}

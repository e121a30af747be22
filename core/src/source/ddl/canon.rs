//! Canonical expressions: an expression in the form PostgreSQL stores and prints it
//! (`canon_in` resolves column references in a query's scope).

use super::*;

pub(super) fn strip_nested(e: &ast::Expr) -> &ast::Expr {
    match e {
        ast::Expr::Nested(x) => strip_nested(x),
        other => other,
    }
}

/// [`make_expr`] for an expression of a table (a check, a generated column), whose column
/// types are known.
pub(super) fn make_table_expr(
    e: &ast::Expr,
    types: Vec<(String, String)>,
    domains: &std::collections::BTreeMap<crate::schema::QualName, crate::schema::Domain>,
) -> Expr {
    Expr {
        sql: print::sql(e),
        canon: canon_in(Some(&views::Cols::table(types, domains)), e),
    }
}

/// Is `e` an operand of type numeric: a numeric column, a cast to numeric, a decimal literal, or
/// arithmetic on one?
pub(super) fn is_numeric_operand(s: &views::Cols, e: &ast::Expr) -> bool {
    match strip_nested(e) {
        ast::Expr::Cast { data_type, .. } => canon_data_type(data_type).starts_with("numeric"),
        ast::Expr::Value(v) => matches!(&v.value, Value::Number(n, _) if n.contains('.')),
        ast::Expr::BinaryOp { left, op, right } => {
            matches!(
                op,
                ast::BinaryOperator::Plus
                    | ast::BinaryOperator::Minus
                    | ast::BinaryOperator::Multiply
                    | ast::BinaryOperator::Divide
                    | ast::BinaryOperator::Modulo
            ) && (is_numeric_operand(s, left) || is_numeric_operand(s, right))
        }
        other => s.type_of(other).is_some_and(|t| t.starts_with("numeric")),
    }
}

pub(super) fn is_integer_column(s: &views::Cols, e: &ast::Expr) -> bool {
    s.type_of(strip_nested(e))
        .is_some_and(|t| matches!(t, "smallint" | "integer" | "bigint"))
}

pub(super) fn make_expr(e: &ast::Expr) -> Expr {
    Expr {
        sql: print::sql(e),
        canon: canon_expr(e),
    }
}

/// A column's default, given the column's type `ty`: compared as the server stores it, which
/// reads a bare string literal as the column's type (`DEFAULT 'true'` on a boolean is `true`)
/// and a number at the column's scale (`0` and `0.00` on `numeric(12,2)` are one default).
pub(super) fn default_expr(e: &ast::Expr, ty: &str) -> Expr {
    let mut x = make_expr(e);
    x.canon = literal_as(&x.canon, ty);
    if let Some((_, scale)) = crate::normalize::numeric_typmod(ty) {
        if let Some(n) = at_scale(&x.canon, scale as usize) {
            x.canon = n;
        }
    }
    x
}

/// A column default calling `nextval` of an unqualified sequence, qualified with the
/// search path's first schema where that is not `public`: the statement that sets it runs
/// under another path.
pub(super) fn default_on_path(e: Expr, search_path: &str) -> Expr {
    if search_path == "public" {
        return e;
    }
    let Some(seq) = nextval_target(&e.canon, search_path) else {
        return e;
    };
    let written = e.canon["nextval('".len()..e.canon.len() - "')".len()].replace("''", "'");
    if split_qualified(&written).len() > 1 {
        return e;
    }
    let name = quote_literal(&format!(
        "{}.{}",
        quote_ident(&seq.schema),
        quote_ident(&seq.name)
    ));
    Expr {
        sql: format!("nextval({name}::regclass)"),
        canon: format!("nextval({name})"),
    }
}

/// A plain decimal number written with `scale` decimals (`0` → `0.00`), when that loses no
/// digit.
fn at_scale(n: &str, scale: usize) -> Option<String> {
    let body = n.strip_prefix('-').unwrap_or(n);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || frac.len() > scale || frac.contains('.') {
        return None;
    }
    let mut out = String::new();
    if n.starts_with('-') {
        out.push('-');
    }
    out.push_str(int);
    if scale > 0 {
        out.push('.');
        out.push_str(frac);
        out.push_str(&"0".repeat(scale - frac.len()));
    }
    Some(out)
}

/// Types whose casts PostgreSQL inserts implicitly (string-like coercions) and that therefore
/// carry no meaning for comparison.
pub(super) fn is_implicit_cast_target(ty: &str) -> bool {
    let base = ty.trim_end_matches("[]");
    base == "text"
        || base == "name"
        || base.starts_with("character varying")
        || base.starts_with("character(")
        || base.starts_with("bpchar")
        || base == "regclass"
}

pub(super) fn is_numeric_type(ty: &str) -> bool {
    matches!(
        ty,
        "integer" | "bigint" | "smallint" | "real" | "double precision" | "oid"
    ) || ty.starts_with("numeric")
}

pub(super) fn is_literal(e: &ast::Expr) -> bool {
    match strip_nested(e) {
        ast::Expr::Value(_) | ast::Expr::TypedString(_) => true,
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => is_literal(expr),
        ast::Expr::Array(a) => a.elem.iter().all(is_literal),
        ast::Expr::Cast { expr, .. } => is_literal(expr),
        _ => false,
    }
}

/// Functions built into every supported PostgreSQL that extensions (or projects, before the
/// built-in came) also define in `public` with the same arguments: pgcrypto's
/// `gen_random_uuid()` above all. `public.name(…)` is another function than `name(…)`, which
/// always resolves to `pg_catalog`'s.
fn shadows_builtin(name: &str) -> bool {
    matches!(
        name,
        "gen_random_uuid" | "bit_count" | "trim_array" | "date_bin" | "string_to_table"
    )
}

pub(super) fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|&c| c == '.').count() <= 1
        && t.chars().any(|c| c.is_ascii_digit())
}

/// Canonical text of an expression: fully parenthesised operators, implicit casts and casts of
/// literals removed, `IN` as `= ANY (ARRAY[…])`, `BETWEEN` expanded, `LIKE` as `~~`,
/// function names lower-cased without `pg_catalog.`. Equal for expressions PostgreSQL would
/// store identically (and, rarely, for some it would not: it is a comparison key).
pub(super) fn canon_expr(e: &ast::Expr) -> String {
    canon_in(None, e)
}

/// [`canon_expr`] with column references resolved in a query's scope (`a` → `t.a`).
pub(super) fn canon_in(s: Option<&views::Cols>, e: &ast::Expr) -> String {
    use ast::Expr as E;
    match e {
        E::Nested(x) => canon_in(s, x),
        E::Identifier(i) => match s {
            Some(s) => s.column(&[ident(i)]),
            None => quote_ident(&ident(i)),
        },
        E::CompoundIdentifier(ids) => {
            let parts: Vec<String> = ids.iter().map(ident).collect();
            match s {
                Some(s) => s.column(&parts),
                None => parts
                    .iter()
                    .map(|p| quote_ident(p))
                    .collect::<Vec<_>>()
                    .join("."),
            }
        }
        E::Value(v) => canon_value(&v.value),
        E::TypedString(ts) => {
            let ty = canon_data_type(&ts.data_type);
            literal_as(
                &canon_typed_literal(&canon_value(&ts.value.value), &ty),
                &ty,
            )
        }
        E::Interval(iv) if iv.leading_field.is_none() && iv.last_field.is_none() => {
            canon_typed_literal(&canon_in(s, &iv.value), "interval")
        }
        E::Interval(iv) if iv.last_field.is_none() => {
            // `INTERVAL '90' MINUTE` as PostgreSQL stores it: '01:30:00'.
            let text = match (iv.value.as_ref(), &iv.leading_field) {
                (E::Value(v), Some(f)) => match &v.value {
                    Value::SingleQuotedString(t) => interval_text(t, f),
                    _ => None,
                },
                _ => None,
            };
            match text {
                Some(t) => quote_literal(&t),
                None => e.to_string(),
            }
        }
        E::Tuple(items) => format!(
            "ROW({})",
            items
                .iter()
                .map(|x| canon_in(s, x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        E::Cast {
            expr, data_type, ..
        } => {
            let ty = canon_data_type(data_type);
            let inner = canon_in(s, expr);
            if ty == "money" && is_literal(expr) {
                if let Some(m) = canon_money(&inner) {
                    return m;
                }
            }
            if is_implicit_cast_target(&ty) {
                return inner;
            }
            if is_literal(expr) {
                // A string or number read as the type when the statement runs: stored as its
                // value. A constant that has a type already (`DATE '…'::timestamptz`) is
                // converted when the expression runs: its own canonical form stands.
                return match strip_nested(expr) {
                    E::Cast { .. } | E::TypedString(_) => inner,
                    _ => literal_as(&inner, &ty),
                };
            }
            // A cast to the type an expression already has is no cast (a type modifier is),
            // nor one of a domain's value to its base type (PostgreSQL writes it out).
            if !ty.contains('(') && forms::known_type(s, expr).is_some_and(|t| t == ty) {
                return inner;
            }
            if !ty.contains('(') && s.and_then(|s| s.domain_base(expr)).is_some_and(|b| b == ty) {
                return inner;
            }
            format!("({inner})::{ty}")
        }
        E::UnaryOp { op, expr } => {
            let inner = canon_in(s, expr);
            match op {
                // A negative constant is one number; minus zero is zero.
                ast::UnaryOperator::Minus if looks_numeric(&inner) => {
                    if let Some(positive) = inner.strip_prefix('-') {
                        positive.to_string()
                    } else if inner.bytes().all(|b| b == b'0' || b == b'.') {
                        inner
                    } else {
                        format!("-{inner}")
                    }
                }
                ast::UnaryOperator::Plus => inner,
                ast::UnaryOperator::Not => format!("(NOT {inner})"),
                _ => format!("({op} {inner})"),
            }
        }
        // A chain of ANDs (or of ORs) is one list, however it is grouped: the server's pretty
        // printer (`\d`) drops the parentheses that tell `a AND (b AND c)` from `(a AND b) AND c`,
        // and a BETWEEN is stored as an AND of its two comparisons.
        E::BinaryOp {
            op: op @ (ast::BinaryOperator::And | ast::BinaryOperator::Or),
            ..
        } => {
            let mut parts = Vec::new();
            junction_parts(s, e, op, &mut parts);
            let word = if *op == ast::BinaryOperator::And {
                " AND "
            } else {
                " OR "
            };
            format!("({})", parts.join(word))
        }
        E::BinaryOp { left, op, right } => {
            let op = match op {
                ast::BinaryOperator::NotEq => "<>".to_string(),
                ast::BinaryOperator::PGLikeMatch => "~~".to_string(),
                ast::BinaryOperator::PGNotLikeMatch => "!~~".to_string(),
                ast::BinaryOperator::PGILikeMatch => "~~*".to_string(),
                ast::BinaryOperator::PGNotILikeMatch => "!~~*".to_string(),
                other => other.to_string().to_ascii_uppercase(),
            };
            let (mut l, mut r) = (canon_in(s, left), canon_in(s, right));
            if matches!(op.as_str(), "=" | "<>" | "<" | ">" | "<=" | ">=") {
                let mut sides = [l, r];
                forms::type_literals(s, &[left, right], &mut sides);
                [l, r] = sides;
            }
            // `integer * interval` is `interval * double precision`: the integer is cast.
            if op == "*" || op == "/" {
                let (lt, rt) = (forms::known_type(s, left), forms::known_type(s, right));
                let number = |t: &Option<String>| {
                    t.as_deref().is_some_and(|t| {
                        matches!(t, "integer" | "smallint" | "bigint" | "real")
                            || t.starts_with("numeric")
                    })
                };
                if rt.as_deref() == Some("interval") && number(&lt) && !is_literal(left) {
                    l = format!("({l})::{FLOAT8}");
                }
                if lt.as_deref() == Some("interval") && number(&rt) && !is_literal(right) {
                    r = format!("({r})::{FLOAT8}");
                }
            }
            if let Some(sc) = s.filter(|_| op == "-") {
                // There is no `timestamptz - date`: the date is cast.
                let (lt, rt) = (expr_type(sc, left), expr_type(sc, right));
                match (lt.as_deref(), rt.as_deref()) {
                    (Some(TIMESTAMPTZ), Some("date")) if !is_literal(right) => {
                        r = format!("({r})::{TIMESTAMPTZ}")
                    }
                    (Some("date"), Some(TIMESTAMPTZ)) if !is_literal(left) => {
                        l = format!("({l})::{TIMESTAMPTZ}")
                    }
                    _ => {}
                }
            }
            if let Some(sc) = s.filter(|_| {
                matches!(
                    op.as_str(),
                    "+" | "-" | "*" | "/" | "%" | "=" | "<>" | "<" | ">" | "<=" | ">="
                )
            }) {
                // An integer column meeting a numeric operand is cast by PostgreSQL, which
                // prints the cast: written out here too.
                if is_numeric_operand(sc, right) && is_integer_column(sc, left) {
                    l = format!("({l})::numeric");
                }
                if is_numeric_operand(sc, left) && is_integer_column(sc, right) {
                    r = format!("({r})::numeric");
                }
                // `%` has no operator across integer widths (`+`, `=` … do): the narrower
                // operand is cast to the wider one's type, which PostgreSQL prints.
                if op == "%" {
                    let (lt, rt) = (expr_type(sc, left), expr_type(sc, right));
                    let rank = |t: &Option<String>| match t.as_deref() {
                        Some("smallint") => 1,
                        Some("integer") => 2,
                        Some("bigint") => 3,
                        _ => 0,
                    };
                    let (a, b) = (rank(&lt), rank(&rt));
                    if a > 0 && b > 0 {
                        if a < b && !is_literal(left) {
                            l = format!("({l})::{}", rt.unwrap_or_default());
                        } else if b < a && !is_literal(right) {
                            r = format!("({r})::{}", lt.unwrap_or_default());
                        }
                    }
                }
            }
            format!("({l} {op} {r})")
        }
        E::IsNull(x) => format!("({} IS NULL)", canon_in(s, x)),
        E::IsNotNull(x) => format!("({} IS NOT NULL)", canon_in(s, x)),
        E::IsTrue(x) => format!("({} IS TRUE)", canon_in(s, x)),
        E::IsFalse(x) => format!("({} IS FALSE)", canon_in(s, x)),
        E::IsNotTrue(x) => format!("({} IS NOT TRUE)", canon_in(s, x)),
        E::IsNotFalse(x) => format!("({} IS NOT FALSE)", canon_in(s, x)),
        E::IsDistinctFrom(a, b) | E::IsNotDistinctFrom(a, b) => {
            let mut sides = [canon_in(s, a), canon_in(s, b)];
            forms::type_literals(s, &[a, b], &mut sides);
            let [a, b] = sides;
            // `IS NOT DISTINCT FROM` is stored as `NOT (… IS DISTINCT FROM …)`.
            match e {
                E::IsDistinctFrom(..) => format!("({a} IS DISTINCT FROM {b})"),
                _ => format!("(NOT ({a} IS DISTINCT FROM {b}))"),
            }
        }
        E::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            ..
        } => {
            let parts = in_list(s, expr, list, *negated);
            let join = if *negated { " AND " } else { " OR " };
            match parts.as_slice() {
                [one] => one.clone(),
                _ => format!("({})", parts.join(join)),
            }
        }
        E::AnyOp {
            left,
            compare_op,
            right,
            ..
        } => {
            format!(
                "({} {} ANY ({}))",
                canon_in(s, left),
                canon_op(compare_op),
                canon_in(s, right)
            )
        }
        E::AllOp {
            left,
            compare_op,
            right,
        } => {
            format!(
                "({} {} ALL ({}))",
                canon_in(s, left),
                canon_op(compare_op),
                canon_in(s, right)
            )
        }
        E::Array(a) => {
            // The elements meet as one type.
            let elements: Vec<&ast::Expr> = a.elem.iter().collect();
            let mut texts: Vec<String> = elements.iter().map(|x| canon_in(s, x)).collect();
            forms::widen_numbers(s, &elements, &mut texts);
            format!("ARRAY[{}]", texts.join(", "))
        }
        E::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let [x, lo, hi] = between_parts(s, expr, low, high);
            if *negated {
                format!("(({x} < {lo}) OR ({x} > {hi}))")
            } else {
                format!("(({x} >= {lo}) AND ({x} <= {hi}))")
            }
        }
        E::Like {
            negated,
            expr,
            pattern,
            escape_char,
            ..
        } => {
            format!(
                "({} {} {})",
                canon_in(s, expr),
                if *negated { "!~~" } else { "~~" },
                forms::like_pattern(s, pattern, escape_char.as_deref())
            )
        }
        E::ILike {
            negated,
            expr,
            pattern,
            escape_char,
            ..
        } => {
            format!(
                "({} {} {})",
                canon_in(s, expr),
                if *negated { "!~~*" } else { "~~*" },
                forms::like_pattern(s, pattern, escape_char.as_deref())
            )
        }
        E::Function(f) => {
            let parts: Vec<String> = f.name.0.iter().map(part_text).collect();
            let name = parts
                .iter()
                .enumerate()
                // `pg_dump` qualifies functions of `public` (its search path is empty); the
                // default search path finds them either way, except one of the built-ins'
                // names, which an unqualified call always finds in `pg_catalog`.
                .filter(|(i, p)| {
                    *p != "pg_catalog"
                        && (*p != "public" || parts.get(i + 1).is_some_and(|n| shadows_builtin(n)))
                })
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join(".");
            let name = s.and_then(|s| s.function_name(&parts)).unwrap_or(name);
            match &f.args {
                FunctionArguments::None => name.to_ascii_uppercase(),
                FunctionArguments::List(l)
                    if l.clauses.is_empty()
                        && match &f.over {
                            None => true,
                            Some(ast::WindowType::WindowSpec(w)) => {
                                w.window_name.is_none() && w.window_frame.is_none()
                            }
                            Some(_) => false,
                        } =>
                {
                    let mut args: Vec<String> = l
                        .args
                        .iter()
                        .map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => {
                                let c = canon_in(s, x);
                                if name == "nextval" {
                                    // `'public.seq'` and `'seq'` name the same sequence.
                                    c.replacen("'public.", "'", 1)
                                } else {
                                    c
                                }
                            }
                            FunctionArg::Named {
                                name: n,
                                arg: FunctionArgExpr::Expr(x),
                                ..
                            } => format!("{} => {}", quote_ident(&ident(n)), canon_in(s, x)),
                            FunctionArg::ExprNamed {
                                name: ast::Expr::Identifier(n),
                                arg: FunctionArgExpr::Expr(x),
                                ..
                            } => format!("{} => {}", quote_ident(&ident(n)), canon_in(s, x)),
                            other => other.to_string(),
                        })
                        .collect();
                    // Positional arguments only: what PostgreSQL casts or types in them.
                    let exprs: Option<Vec<&ast::Expr>> = l
                        .args
                        .iter()
                        .map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(x),
                            _ => None,
                        })
                        .collect();
                    if let Some(exprs) = exprs {
                        if matches!(name.as_str(), "coalesce" | "greatest" | "least" | "nullif") {
                            forms::type_literals(s, &exprs, &mut args);
                            if name != "nullif" {
                                forms::widen_numbers(s, &exprs, &mut args);
                            }
                        }
                        implicit_arg_casts(s, &name.to_ascii_lowercase(), &exprs, &mut args);
                    }
                    let distinct = match l.duplicate_treatment {
                        Some(ast::DuplicateTreatment::Distinct) => "DISTINCT ",
                        _ => "",
                    };
                    let mut out = if name == "row" {
                        // `ROW(a, b)` and `(a, b)` are one row constructor.
                        format!("ROW({})", args.join(", "))
                    } else {
                        format!("{name}({distinct}{})", args.join(", "))
                    };
                    if let Some(filter) = &f.filter {
                        out.push_str(&format!(" FILTER (WHERE {})", canon_in(s, filter)));
                    }
                    if let Some(ast::WindowType::WindowSpec(w)) = &f.over {
                        let mut spec = Vec::new();
                        if !w.partition_by.is_empty() {
                            let keys: Vec<String> =
                                w.partition_by.iter().map(|x| canon_in(s, x)).collect();
                            spec.push(format!("PARTITION BY {}", keys.join(", ")));
                        }
                        if !w.order_by.is_empty() {
                            let keys: Vec<String> =
                                w.order_by.iter().map(|o| canon_order_key(s, o)).collect();
                            spec.push(format!("ORDER BY {}", keys.join(", ")));
                        }
                        out.push_str(&format!(" OVER ({})", spec.join(" ")));
                    }
                    out
                }
                _ => e.to_string(),
            }
        }
        // Subqueries of a view's expressions, in the view's scope (a table's expressions
        // have none).
        E::Subquery(q) => match s.and_then(|s| s.subquery(q)) {
            Some(t) => format!("({t})"),
            None => e.to_string(),
        },
        E::Exists { subquery, negated } => match s.and_then(|s| s.subquery(subquery)) {
            Some(t) if *negated => format!("(NOT EXISTS ({t}))"),
            Some(t) => format!("EXISTS ({t})"),
            None => e.to_string(),
        },
        E::In {
            expr,
            target: ast::InTarget::Subquery(subquery),
            negated,
            ..
        } => match s.and_then(|s| s.subquery(subquery)) {
            // PostgreSQL prints `NOT IN` as `NOT (… IN …)`.
            Some(t) if *negated => format!("(NOT ({} IN ({t})))", canon_in(s, expr)),
            Some(t) => format!("({} IN ({t}))", canon_in(s, expr)),
            None => e.to_string(),
        },
        E::Extract { field, expr, .. } => format!("EXTRACT({field} FROM {})", canon_in(s, expr)),
        E::AtTimeZone {
            timestamp,
            time_zone,
        } => {
            format!(
                "({} AT TIME ZONE {})",
                canon_in(s, timestamp),
                canon_in(s, time_zone)
            )
        }
        E::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let mut out = String::from("CASE");
            if let Some(o) = operand {
                out.push(' ');
                out.push_str(&canon_in(s, o));
            }
            // The results meet as one type, which types their string literals.
            let mut results: Vec<&ast::Expr> = conditions.iter().map(|c| &c.result).collect();
            results.extend(else_result.as_deref());
            let mut texts: Vec<String> = results.iter().map(|x| canon_in(s, x)).collect();
            forms::type_literals(s, &results, &mut texts);
            forms::widen_numbers(s, &results, &mut texts);
            for (c, result) in conditions.iter().zip(&texts) {
                out.push_str(&format!(
                    " WHEN {} THEN {result}",
                    canon_in(s, &c.condition)
                ));
            }
            // PostgreSQL prints a missing ELSE as `ELSE NULL`.
            if let Some(x) = texts.get(conditions.len()) {
                if x != "NULL" {
                    out.push_str(&format!(" ELSE {x}"));
                }
            }
            out.push_str(" END");
            out
        }
        // Array subscripts and slices: a column's as `t.tags[1]` (brackets around it dropped,
        // the column resolved like any other), anything else's in brackets, as PostgreSQL
        // prints them.
        E::CompoundFieldAccess { root, access_chain }
            if access_chain.iter().all(|a| {
                matches!(
                    a,
                    ast::AccessExpr::Subscript(
                        ast::Subscript::Index { .. } | ast::Subscript::Slice { stride: None, .. }
                    )
                )
            }) =>
        {
            let root = strip_nested(root);
            let mut out = match root {
                E::Identifier(_) | E::CompoundIdentifier(_) => canon_in(s, root),
                other => format!("({})", canon_in(s, other)),
            };
            let bound =
                |b: &Option<ast::Expr>| b.as_ref().map(|b| canon_in(s, b)).unwrap_or_default();
            for access in access_chain {
                match access {
                    ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => {
                        out.push_str(&format!("[{}]", canon_in(s, index)));
                    }
                    ast::AccessExpr::Subscript(ast::Subscript::Slice {
                        lower_bound,
                        upper_bound,
                        ..
                    }) => {
                        out.push_str(&format!("[{}:{}]", bound(lower_bound), bound(upper_bound)));
                    }
                    ast::AccessExpr::Dot(_) => {}
                }
            }
            out
        }
        other => forms::special(s, other).unwrap_or_else(|| other.to_string()),
    }
}

/// An `IN` list as PostgreSQL stores it: one comparison for one item; the items that read no
/// column as one `= ANY (ARRAY[…])` (`<> ALL` for `NOT IN`), then a comparison for each item
/// that reads one — or a comparison for every item when fewer than two read none. More than
/// one part are ORed (ANDed for `NOT IN`).
fn in_list(
    s: Option<&views::Cols>,
    expr: &ast::Expr,
    list: &[ast::Expr],
    negated: bool,
) -> Vec<String> {
    let mut operands: Vec<&ast::Expr> = vec![expr];
    operands.extend(list.iter());
    let mut items: Vec<String> = operands.iter().map(|x| canon_in(s, x)).collect();
    forms::type_literals(s, &operands, &mut items);
    let x = items.remove(0);
    let (op, q) = if negated { ("<>", "ALL") } else { ("=", "ANY") };
    let reads: Vec<bool> = list.iter().map(forms::reads_column).collect();
    let constants: Vec<&str> = items
        .iter()
        .zip(&reads)
        .filter(|(_, r)| !**r)
        .map(|(i, _)| i.as_str())
        .collect();
    let mut parts = Vec::new();
    if constants.len() > 1 {
        // The array's elements take the type they share with the operand.
        let mut typed: Vec<&ast::Expr> = vec![expr];
        typed.extend(
            list.iter()
                .zip(&reads)
                .filter(|(_, r)| !**r)
                .map(|(e, _)| e),
        );
        let mut texts: Vec<String> = std::iter::once(x.clone())
            .chain(constants.iter().map(|c| c.to_string()))
            .collect();
        forms::widen_numbers_from(s, &typed, 1, &mut texts);
        parts.push(format!("({x} {op} {q} (ARRAY[{}]))", texts[1..].join(", ")));
    }
    for (item, reads) in items.iter().zip(&reads) {
        if *reads || constants.len() <= 1 {
            parts.push(format!("({x} {op} {item})"));
        }
    }
    parts
}

/// `BETWEEN`'s operand and bounds, string literals read as the type they meet.
fn between_parts(
    s: Option<&views::Cols>,
    expr: &ast::Expr,
    low: &ast::Expr,
    high: &ast::Expr,
) -> [String; 3] {
    let mut parts = [canon_in(s, expr), canon_in(s, low), canon_in(s, high)];
    forms::type_literals(s, &[expr, low, high], &mut parts);
    parts
}

pub(super) const TIMESTAMPTZ: &str = "timestamp with time zone";
pub(super) const FLOAT8: &str = "double precision";

/// The type PostgreSQL gives a number constant: `integer` where it fits, else `bigint`, else
/// `numeric`.
pub(super) fn number_type(n: &str) -> &'static str {
    if n.parse::<i32>().is_ok() {
        "integer"
    } else if n.parse::<i64>().is_ok() {
        "bigint"
    } else {
        "numeric"
    }
}

/// The type of an expression where a view's stored form depends on it: a column's (when the
/// schema knows it), a cast's, a number's, and the result of a few date/time functions.
pub(super) fn expr_type(s: &views::Cols, e: &ast::Expr) -> Option<String> {
    use ast::Expr as E;
    match strip_nested(e) {
        E::Cast { data_type, .. } => Some(canon_data_type(data_type)),
        E::Value(v) => match &v.value {
            Value::Number(n, _) => Some(number_type(n).into()),
            _ => None,
        },
        E::Function(f) => {
            let name = f.name.0.last().map(part_text)?.to_ascii_lowercase();
            match name.as_str() {
                "now"
                | "current_timestamp"
                | "to_timestamp"
                | "statement_timestamp"
                | "transaction_timestamp"
                | "clock_timestamp" => Some(TIMESTAMPTZ.into()),
                "current_date" => Some("date".into()),
                "localtimestamp" => Some("timestamp without time zone".into()),
                "count" => Some("bigint".into()),
                _ => None,
            }
        }
        other => s.type_of(other).map(str::to_string),
    }
}

/// The casts PostgreSQL writes into a call's arguments when it resolves the call to a
/// built-in function of other argument types (`round(i)` is stored as
/// `round((i)::double precision)`, `date_trunc('day', d)` with `d` a date as
/// `date_trunc('day', (d)::timestamp with time zone)`): for the common numeric and date/time
/// functions. Literals are left alone (their casts are not compared).
pub(super) fn implicit_arg_casts(
    s: Option<&views::Cols>,
    name: &str,
    exprs: &[&ast::Expr],
    args: &mut [String],
) {
    let types: Vec<Option<String>> = exprs.iter().map(|x| forms::known_type(s, x)).collect();
    let t = |i: usize| types.get(i).and_then(|t| t.as_deref());
    let rank = |ty: Option<&str>| match ty {
        Some("smallint") => Some(1),
        Some("integer") => Some(2),
        Some("bigint") => Some(3),
        _ => None,
    };
    let float_or_int = |ty: Option<&str>| rank(ty).is_some() || ty == Some("real");
    let numeric = |ty: Option<&str>| ty.is_some_and(|t| t.starts_with("numeric"));
    let mut want: Vec<Option<&str>> = vec![None; args.len()];
    match (name, args.len()) {
        ("round" | "trunc", 2) if rank(t(0)).is_some() => want[0] = Some("numeric"),
        (
            "round" | "trunc" | "floor" | "ceil" | "ceiling" | "sqrt" | "cbrt" | "exp" | "ln"
            | "log" | "log10" | "sign" | "degrees" | "radians",
            1,
        ) if float_or_int(t(0)) => want[0] = Some(FLOAT8),
        ("sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "cot", 1)
            if float_or_int(t(0)) || numeric(t(0)) =>
        {
            want[0] = Some(FLOAT8)
        }
        ("power" | "pow", 2) => {
            let target = if numeric(t(0)) || numeric(t(1)) {
                "numeric"
            } else {
                FLOAT8
            };
            for (i, w) in want.iter_mut().enumerate() {
                if float_or_int(t(i)) {
                    *w = Some(target);
                }
            }
        }
        ("to_timestamp", 1) if float_or_int(t(0)) || numeric(t(0)) => want[0] = Some(FLOAT8),
        ("to_char", 2) | ("age", 1) if t(0) == Some("date") => want[0] = Some(TIMESTAMPTZ),
        ("date_trunc", 2 | 3) if t(1) == Some("date") => want[1] = Some(TIMESTAMPTZ),
        ("div", 2) => {
            for (i, w) in want.iter_mut().enumerate() {
                if rank(t(i)).is_some() {
                    *w = Some("numeric");
                }
            }
        }
        ("mod", 2) => {
            // The narrower integer is widened to the other's type.
            if let (Some(a), Some(b)) = (rank(t(0)), rank(t(1))) {
                if a < b {
                    want[0] = t(1);
                } else if b < a {
                    want[1] = t(0);
                }
            }
        }
        _ => {}
    }
    for (i, w) in want.into_iter().enumerate() {
        if let Some(w) = w {
            if t(i) != Some(w) && !is_literal(exprs[i]) {
                args[i] = format!("({})::{w}", args[i]);
            }
        }
    }
}

/// One `ORDER BY` key: the expression, `DESC`, and `NULLS FIRST/LAST` where not the default.
pub(super) fn canon_order_key(s: Option<&views::Cols>, o: &ast::OrderByExpr) -> String {
    let mut k = canon_in(s, &o.expr);
    let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
    match &o.options.sort {
        Some(ast::OrderBySort::Desc) => k.push_str(" DESC"),
        Some(ast::OrderBySort::Using(op)) => k.push_str(&format!(" USING {op}")),
        _ => {}
    }
    match o.options.nulls_first {
        Some(true) if !desc => k.push_str(" NULLS FIRST"),
        Some(false) if desc => k.push_str(" NULLS LAST"),
        _ => {}
    }
    k
}

/// A string literal (canonical: `'…'`) given a column of type `ty`, as the server stores it:
/// read as that type (`'true'` on a boolean → `true`, `'0'` on a number → `0`, a JSON text on
/// `jsonb` in jsonb's form). Anything else as it is.
pub(super) fn literal_as(canon: &str, ty: &str) -> String {
    // A quoted number's canonical form is the bare number: `'0'` for a boolean is false, for
    // an interval `00:00:00`.
    if matches!(ty, "boolean" | "interval") && looks_numeric(canon) {
        return canon_typed_literal(&format!("'{canon}'"), ty);
    }
    // `quote_literal`'s two forms: `'…'`, and `E'…'` with backslashes doubled; a number is
    // canonical without quotes.
    let (body, escaped) = match canon.strip_prefix("E'") {
        Some(rest) => (rest, true),
        None => (canon.strip_prefix('\'').unwrap_or(""), false),
    };
    let Some(text) = body
        .strip_suffix('\'')
        .filter(|x| !x.replace("''", "").contains('\''))
        .map(|x| x.replace("''", "'"))
        .map(|x| if escaped { x.replace("\\\\", "\\") } else { x })
        .or_else(|| looks_numeric(canon).then(|| canon.to_string()))
    else {
        return canon.to_string();
    };
    if let Some(t) = literals::stored_text(&text, ty) {
        return if looks_numeric(&t) {
            t
        } else {
            quote_literal(&t)
        };
    }
    match ty {
        // A number's canonical form is bare, as a quoted one's is.
        "jsonb" => super::jsonb::jsonb_text(&text).map_or_else(
            || canon.to_string(),
            |j| {
                if looks_numeric(&j) {
                    j
                } else {
                    quote_literal(&j)
                }
            },
        ),
        "boolean" | "interval" => canon_typed_literal(canon, ty),
        // A point in time as stored: a `timestamptz` with an offset is its instant (printed in
        // UTC here, in the session's zone by psql and pg_dump; one without an offset is in the
        // zone of the session that wrote it, not known, so it is marked not compared), a
        // `timestamp` drops an offset.
        TIMESTAMPTZ | "timestamp without time zone" => {
            let zone = ty == TIMESTAMPTZ;
            match text.trim().to_ascii_lowercase().as_str() {
                "infinity" | "+infinity" | "-infinity" => {
                    return quote_literal(text.trim().trim_start_matches('+'))
                }
                "epoch" if zone => return quote_literal("1970-01-01 00:00:00+00"),
                "epoch" => return quote_literal("1970-01-01 00:00:00"),
                _ => {}
            }
            let offset = text.trim().split_once([' ', 'T']).is_some_and(|(_, t)| {
                let t = t.to_ascii_lowercase();
                t.contains(['+', '-'])
                    || t.ends_with('z')
                    || t.ends_with("utc")
                    || t.ends_with("gmt")
            });
            match (
                zone && !offset,
                super::inherit::stored_timestamp(text.trim(), zone),
            ) {
                (false, Some(t)) => quote_literal(&t),
                // The session's zone decides the instant: not compared (see `Expr::ZONELESS`).
                (true, Some(_)) => format!("{canon}{}", Expr::ZONELESS),
                _ => canon.to_string(),
            }
        }
        _ if is_numeric_type(ty) && looks_numeric(text.trim()) => text.trim().to_string(),
        _ => canon.to_string(),
    }
}

/// The operands of a chain of `op` (AND or OR) in order, nested chains and parentheses
/// flattened; a BETWEEN (NOT BETWEEN) gives its two comparisons to an AND (OR) chain.
fn junction_parts(
    s: Option<&views::Cols>,
    e: &ast::Expr,
    op: &ast::BinaryOperator,
    out: &mut Vec<String>,
) {
    let e = strip_nested(e);
    match e {
        ast::Expr::BinaryOp {
            left,
            op: inner,
            right,
        } if inner == op => {
            junction_parts(s, left, op, out);
            junction_parts(s, right, op, out);
        }
        ast::Expr::Between {
            expr,
            negated,
            low,
            high,
        } if *negated == (*op == ast::BinaryOperator::Or) => {
            let [x, lo, hi] = between_parts(s, expr, low, high);
            if *negated {
                out.push(format!("({x} < {lo})"));
                out.push(format!("({x} > {hi})"));
            } else {
                out.push(format!("({x} >= {lo})"));
                out.push(format!("({x} <= {hi})"));
            }
        }
        // An `IN` list of several comparisons joins an OR chain (`NOT IN`, an AND chain).
        ast::Expr::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            ..
        } if *negated == (*op == ast::BinaryOperator::And) => {
            out.extend(in_list(s, expr, list, *negated))
        }
        _ => out.push(canon_in(s, e)),
    }
}

/// A literal of a known type as PostgreSQL stores it (`BOOLEAN 't'` → `true`).
pub(super) fn canon_typed_literal(v: &str, ty: &str) -> String {
    if ty == "money" {
        if let Some(m) = canon_money(v) {
            return m;
        }
    }
    if ty == "interval" {
        if let Some(t) = v
            .strip_prefix('\'')
            .and_then(|x| x.strip_suffix('\''))
            .filter(|x| !x.contains('\''))
            .and_then(interval_literal)
        {
            return quote_literal(&t);
        }
    }
    if ty == "boolean" {
        match v.trim_matches('\'').to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => return "true".into(),
            "f" | "false" | "n" | "no" | "off" | "0" => return "false".into(),
            _ => {}
        }
    }
    v.to_string()
}

pub(super) fn canon_op(op: &ast::BinaryOperator) -> String {
    match op {
        ast::BinaryOperator::NotEq => "<>".to_string(),
        other => other.to_string(),
    }
}

pub(super) fn canon_data_type(t: &DataType) -> String {
    canonical_type(&print::sql_type(t))
}

pub(super) fn canon_value(v: &Value) -> String {
    match v {
        // A number as PostgreSQL prints the constant: an exponent applied (`1e3` is 1000).
        Value::Number(n, _) => {
            let n = n.trim_start_matches('+');
            literals::numeric(n).unwrap_or_else(|| n.to_string())
        }
        Value::SingleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::UnicodeStringLiteral(s)
        | Value::NationalStringLiteral(s)
        | Value::DollarQuotedString(sqlparser::ast::DollarQuotedString { value: s, .. }) => {
            if looks_numeric(s) {
                s.clone()
            } else {
                quote_literal(s)
            }
        }
        // Bit strings as PostgreSQL prints them: `X'1F'` and `B'00011111'` are '00011111'.
        Value::HexStringLiteral(h) => {
            let bits: Option<String> = h
                .chars()
                .map(|c| c.to_digit(16).map(|d| format!("{d:04b}")))
                .collect();
            match bits {
                Some(b) => b,
                None => v.to_string(),
            }
        }
        Value::SingleQuotedByteStringLiteral(b) if b.chars().all(|c| c == '0' || c == '1') => {
            b.clone()
        }
        Value::Boolean(b) => b.to_string(),
        Value::Null => "NULL".to_string(),
        other => other.to_string(),
    }
}

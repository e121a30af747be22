//! Python values a model's statements hold (literals, keywords, names), and the bounds on what
//! the parser is given.

use super::*;

/// The most brackets a model may nest, the most operators (`+ - * / % | & ^ < > @ . ~`) one
/// statement may hold outside strings and comments, and the most code it may hold. The Python
/// AST nests as deeply as brackets and operator chains do, and building, walking and dropping it
/// recurses: these bounds keep that within the stack, natively and in the browser (where V8's
/// own stack limit stopped a chain of 9,000 `+` terms). No real model comes near them.
pub(super) const MAX_BRACKET_DEPTH: usize = 100;
pub(super) const MAX_OPERATORS: usize = 2_000;
pub(super) const MAX_STATEMENT_CODE: usize = 100_000;

/// Where and why `text` is beyond what the parser may be given, or `None`.
pub(super) fn too_big_to_parse(text: &str) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut statement_start = 0usize;
    let mut code = 0usize;
    let mut operators = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'<' | b'>' | b'@' | b'.'
            | b'~' => {
                operators += 1;
                if operators > MAX_OPERATORS {
                    return Some((
                        statement_start,
                        format!("a statement with more than {MAX_OPERATORS} operators: schemafix does not read a model expression this long"),
                    ));
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'\'' | b'"') => {
                let triple = b[i..].starts_with(&[q, q, q]);
                let close: &[u8] = if triple { &[q, q, q] } else { &[q] };
                i += close.len();
                while i < b.len() && !b[i..].starts_with(close) {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
                i += close.len();
                code += 2;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some((
                        i,
                        format!("brackets nested more than {MAX_BRACKET_DEPTH} deep: schemafix does not read a model this deep"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth == 0 && (i == 0 || b[i - 1] != b'\\') => {
                statement_start = i + 1;
                code = 0;
                operators = 0;
            }
            _ => {}
        }
        code += 1;
        if code > MAX_STATEMENT_CODE {
            return Some((
                statement_start,
                format!("a statement of more than {MAX_STATEMENT_CODE} characters of code: schemafix does not read a model statement this long"),
            ));
        }
        i += 1;
    }
    None
}

/// SQLAlchemy's `merge_lists_w_ordering`: walk `a` until an element both lists share, then
/// continue in `b` from there, and so on, so that `b`'s own elements keep their neighbours.
pub(super) fn merge_lists_w_ordering(a: &[String], b: &[String]) -> Vec<String> {
    let mut overlap: BTreeSet<&String> = a.iter().filter(|x| b.contains(x)).collect();
    let mut result: Vec<String> = Vec::new();
    let (mut current, mut other) = (a.iter(), b.iter());
    loop {
        let mut switched = false;
        for e in current.by_ref() {
            if overlap.remove(e) {
                std::mem::swap(&mut current, &mut other);
                switched = true;
                break;
            }
            result.push(e.clone());
        }
        if !switched {
            result.extend(other.cloned());
            break;
        }
    }
    let mut seen = BTreeSet::new();
    result.retain(|x| seen.insert(x.clone()));
    result
}

/// `"auth.users"` → `auth.users` quoted per part.
pub(super) fn qualified_target(t: &str) -> String {
    t.split('.')
        .map(crate::quote::quote_ident)
        .collect::<Vec<_>>()
        .join(".")
}

/// The name of a `@declared_attr`'s first parameter, when what it returns names the class
/// (`cls.__name__`, `cls.__tablename__`).
pub(super) fn names_class(f: &ast::StmtFunctionDef, value: &Expr) -> Option<String> {
    let param = f.args.posonlyargs.iter().chain(&f.args.args).next()?;
    let param = param.def.arg.as_str();
    any_inside(value, |e| {
        matches!(e, Expr::Attribute(a)
            if matches!(a.attr.as_str(), "__name__" | "__tablename__")
                && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == param))
    })
    .then(|| param.to_string())
}

/// Whether `e`, or an expression inside it (through calls, attributes, operators, f-strings,
/// lists and tuples), is one `hit` holds for.
pub(super) fn any_inside(e: &Expr, hit: impl Fn(&Expr) -> bool) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if hit(e) {
            return true;
        }
        match e {
            Expr::Attribute(a) => stack.push(&a.value),
            Expr::Call(c) => {
                stack.push(&c.func);
                stack.extend(&c.args);
                stack.extend(c.keywords.iter().map(|k| &k.value));
            }
            Expr::JoinedStr(j) => stack.extend(&j.values),
            Expr::FormattedValue(f) => stack.push(&f.value),
            Expr::BinOp(b) => stack.extend([b.left.as_ref(), b.right.as_ref()]),
            Expr::List(l) => stack.extend(&l.elts),
            Expr::Tuple(t) => stack.extend(&t.elts),
            _ => {}
        }
    }
    false
}

/// Whether every keyword `c` is given is one of `known` (none is `**kw`), or, with
/// `other_databases`, an option of another database's dialect (`sqlite_…`, `mysql_…`).
pub(super) fn keywords_among(c: &ast::ExprCall, known: &[&str], other_databases: bool) -> bool {
    const OTHERS: [&str; 5] = ["sqlite_", "mysql_", "mariadb_", "mssql_", "oracle_"];
    c.keywords.iter().all(|k| {
        k.arg.as_ref().is_some_and(|a| {
            known.contains(&a.as_str())
                || other_databases && OTHERS.iter().any(|p| a.as_str().starts_with(p))
        })
    })
}

/// A constraint's `deferrable=` and `initially=` as the SQL that follows it
/// (` DEFERRABLE INITIALLY DEFERRED`; empty when neither is given); `None` when one is not a
/// literal.
pub(super) fn deferral(c: &ast::ExprCall) -> Option<String> {
    let mut out = String::new();
    match kw(c, "deferrable") {
        None => {}
        Some(v) if is_none(v) => {}
        Some(v) => out.push_str(if bool_const(v)? {
            " DEFERRABLE"
        } else {
            " NOT DEFERRABLE"
        }),
    }
    match kw(c, "initially") {
        None => {}
        Some(v) if is_none(v) => {}
        Some(v) => {
            let when = str_const(v)?;
            if !when.eq_ignore_ascii_case("deferred") && !when.eq_ignore_ascii_case("immediate") {
                return None;
            }
            out.push_str(&format!(" INITIALLY {}", when.to_ascii_uppercase()));
        }
    }
    Some(out)
}

/// The value a function body only returns (a docstring aside).
pub(super) fn plain_return(body: &[Stmt]) -> Option<&Expr> {
    let body = match body.first() {
        Some(Stmt::Expr(e)) if matches!(e.value.as_ref(), Expr::Constant(_)) => &body[1..],
        _ => body,
    };
    match body {
        [Stmt::Return(r)] => r.value.as_deref(),
        _ => None,
    }
}

pub(super) fn kw<'e>(c: &'e ast::ExprCall, name: &str) -> Option<&'e Expr> {
    c.keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
}

pub(super) fn kw_bool(c: &ast::ExprCall, name: &str) -> Option<bool> {
    bool_const(kw(c, name)?)
}

pub(super) fn bool_const(e: &Expr) -> Option<bool> {
    match e {
        Expr::Constant(x) => match &x.value {
            Constant::Bool(b) => Some(*b),
            _ => None,
        },
        _ => None,
    }
}

/// A string literal's value; none for one holding a `\N{NAME}` escape (read as U+FFFD, see
/// `vendor/unicode_names2`), whose value is not known.
pub(super) fn str_const(e: &Expr) -> Option<String> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Str(s) if !s.contains(char::REPLACEMENT_CHARACTER) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn int_const(e: &Expr) -> Option<i64> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Int(i) => i.to_string().parse().ok(),
            _ => None,
        },
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => int_const(&u.operand).map(|v| -v),
        _ => None,
    }
}

pub(super) fn is_none(e: &Expr) -> bool {
    matches!(e, Expr::Constant(c) if matches!(c.value, Constant::None))
}

/// A Python literal as SQL (`"x"` → `'x'`, `True` → `true`, `5` → `5`), for Python-side defaults.
pub(super) fn literal_sql(e: &Expr) -> Option<String> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Str(s) => Some(quote_literal(s)),
            Constant::Bool(b) => Some(b.to_string()),
            Constant::Int(i) => Some(i.to_string()),
            Constant::Float(f) => Some(f.to_string()),
            _ => None,
        },
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            literal_sql(&u.operand).map(|v| format!("-{v}"))
        }
        _ => None,
    }
}

/// Flask-SQLAlchemy's default table name: `UserProfile` → `user_profile`.
pub(super) fn camel_to_snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// `d["key"]` or `d.get("key")` of a module-level dict literal `d`: the value's expression.
pub(super) fn dict_item<'d>(dicts: &'d BTreeMap<String, Expr>, e: &Expr) -> Option<&'d Expr> {
    let (dict, key) = match e {
        Expr::Subscript(s) => (s.value.as_ref(), s.slice.as_ref()),
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "get" && c.args.len() == 1 => {
                (a.value.as_ref(), &c.args[0])
            }
            _ => return None,
        },
        _ => return None,
    };
    let (Expr::Name(n), Some(key)) = (dict, str_const(key)) else {
        return None;
    };
    let Some(Expr::Dict(d)) = dicts.get(n.id.as_str()) else {
        return None;
    };
    d.keys
        .iter()
        .zip(&d.values)
        .find(|(k, _)| k.as_ref().and_then(str_const).as_deref() == Some(key.as_str()))
        .map(|(_, v)| v)
}

/// The database a `_create_rule=lambda compiler: compiler.dialect.name == "x"` makes its item
/// for; `None` for any other rule.
pub(super) fn only_for_dialect(rule: &Expr) -> Option<String> {
    let Expr::Lambda(l) = rule else { return None };
    let Expr::Compare(c) = l.body.as_ref() else {
        return None;
    };
    let ([ast::CmpOp::Eq], [right]) = (c.ops.as_slice(), c.comparators.as_slice()) else {
        return None;
    };
    let Expr::Attribute(name) = c.left.as_ref() else {
        return None;
    };
    let Expr::Attribute(dialect) = name.value.as_ref() else {
        return None;
    };
    (name.attr.as_str() == "name" && dialect.attr.as_str() == "dialect")
        .then(|| str_const(right))
        .flatten()
}

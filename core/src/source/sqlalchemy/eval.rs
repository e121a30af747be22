//! The little Python that computes a name: module-level constants (`PREFIX + "users"`,
//! f-strings, `"{}.id".format(T)`, tuples, `re.compile(…)`), a computed `__tablename__`
//! (`re.sub("(?<!^)(?=[A-Z])", "_", cls.__name__).lower()`, through `regex.rs`) and the
//! project's functions it calls — evaluated as Python would, over strings, integers, lists and
//! regular expressions.
//!
//! Anything else (a loop, a call of something not listed here, a value of another kind) is not
//! evaluated: the result is `None`, and what depended on it is not compared.

use std::collections::BTreeMap;

use super::*;

/// A Python value the evaluator knows.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Str(String),
    /// A list or a tuple.
    List(Vec<Value>),
    /// A compiled regular expression (its pattern).
    Pattern(String),
    /// A class (its name): `cls` in a `@declared_attr`.
    Class(String),
}

impl Value {
    fn truthy(&self) -> Option<bool> {
        Some(match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Pattern(_) | Value::Class(_) => true,
        })
    }

    /// `str(value)`, for the kinds whose text is plain.
    fn text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
            Value::None => Some("None".into()),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// What iterating it gives (a string's characters).
    fn items(&self) -> Option<Vec<Value>> {
        match self {
            Value::List(l) => Some(l.clone()),
            Value::Str(s) => Some(s.chars().map(|c| Value::Str(c.to_string())).collect()),
            _ => None,
        }
    }
}

/// A module-level function (or a `@declared_attr`) with the imports of the module it is
/// written in, to be called later.
#[derive(Debug, Clone)]
pub(super) struct Procedure {
    pub(super) def: ast::StmtFunctionDef,
    pub(super) aliases: BTreeMap<String, String>,
}

/// Calls nested deeper than this are not evaluated (a function calling itself).
const MAX_DEPTH: usize = 16;

/// Where evaluation stands: the names bound in the function being run and the imports of its
/// module.
struct Frame<'a> {
    locals: BTreeMap<String, Value>,
    aliases: &'a BTreeMap<String, String>,
    depth: usize,
    /// How deeply the expression being evaluated nests (see `MAX_NESTING`).
    nesting: std::cell::Cell<usize>,
}

/// Expressions nested deeper than this (a chain of a thousand `+`) are not evaluated: a
/// name is never computed so, and the stack stays small.
const MAX_NESTING: usize = 100;

impl Sx<'_> {
    /// The value of an expression at module or class level (the module being read).
    pub(super) fn value(&self, e: &Expr) -> Option<Value> {
        let mut frame = Frame {
            locals: BTreeMap::new(),
            aliases: &self.aliases,
            depth: 0,
            nesting: Default::default(),
        };
        // In a `@declared_attr` read for a class: `cls` is that class.
        if let Some((param, class)) = &self.cls_binding {
            frame
                .locals
                .insert(param.clone(), Value::Class(class.clone()));
        }
        self.eval(e, &frame)
    }

    /// What calling `p` with the class named `class` as its first argument returns (a
    /// `@declared_attr`'s value for that class).
    pub(super) fn call_with_class(&self, p: &Procedure, class: &str) -> Option<Value> {
        self.call(p, vec![Value::Class(class.to_string())], 0)
    }

    fn call(&self, p: &Procedure, args: Vec<Value>, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let a = &p.def.args;
        if a.vararg.is_some() || a.kwarg.is_some() || !a.kwonlyargs.is_empty() {
            return None;
        }
        let params: Vec<&ast::ArgWithDefault> = a.posonlyargs.iter().chain(&a.args).collect();
        if args.len() > params.len() {
            return None;
        }
        let mut frame = Frame {
            locals: BTreeMap::new(),
            aliases: &p.aliases,
            depth: depth + 1,
            nesting: Default::default(),
        };
        for (i, param) in params.iter().enumerate() {
            let v = match args.get(i) {
                Some(v) => v.clone(),
                None => self.eval(param.default.as_deref()?, &frame)?,
            };
            frame.locals.insert(param.def.arg.to_string(), v);
        }
        match self.run(&p.def.body, &mut frame)? {
            Some(v) => Some(v),
            None => Some(Value::None),
        }
    }

    /// Runs statements: `Some(Some(v))` when they return `v`, `Some(None)` when they end
    /// without returning, `None` when something is not evaluated.
    fn run(&self, body: &[Stmt], frame: &mut Frame) -> Option<Option<Value>> {
        for (i, st) in body.iter().enumerate() {
            match st {
                // A docstring.
                Stmt::Expr(e) if i == 0 && str_const(&e.value).is_some() => {}
                Stmt::Pass(_) => {}
                Stmt::Return(r) => {
                    return Some(Some(match &r.value {
                        Some(v) => self.eval(v, frame)?,
                        None => Value::None,
                    }))
                }
                Stmt::Assign(a) => {
                    let v = self.eval(&a.value, frame)?;
                    for t in &a.targets {
                        bind(t, v.clone(), &mut frame.locals)?;
                    }
                }
                Stmt::AnnAssign(a) => {
                    let v = self.eval(a.value.as_deref()?, frame)?;
                    bind(&a.target, v, &mut frame.locals)?;
                }
                Stmt::AugAssign(a) => {
                    let Expr::Name(n) = a.target.as_ref() else {
                        return None;
                    };
                    let old = frame.locals.get(n.id.as_str())?.clone();
                    let v = binop(a.op, old, self.eval(&a.value, frame)?)?;
                    frame.locals.insert(n.id.to_string(), v);
                }
                Stmt::If(s) => {
                    let branch = if self.eval(&s.test, frame)?.truthy()? {
                        &s.body
                    } else {
                        &s.orelse
                    };
                    if let Some(v) = self.run(branch, frame)? {
                        return Some(Some(v));
                    }
                }
                _ => return None,
            }
        }
        Some(None)
    }

    fn eval(&self, e: &Expr, frame: &Frame) -> Option<Value> {
        let nesting = frame.nesting.get();
        if nesting > MAX_NESTING {
            return None;
        }
        frame.nesting.set(nesting + 1);
        let v = self.eval_nested(e, frame);
        frame.nesting.set(nesting);
        v
    }

    fn eval_nested(&self, e: &Expr, frame: &Frame) -> Option<Value> {
        match e {
            Expr::Constant(c) => constant(&c.value),
            Expr::Name(n) => match frame.locals.get(n.id.as_str()) {
                Some(v) => Some(v.clone()),
                None => self.global(e, frame),
            },
            Expr::Attribute(a) => match frame.locals.get(root(e)?) {
                Some(_) => match (self.eval(&a.value, frame)?, a.attr.as_str()) {
                    (Value::Class(c), "__name__") => Some(Value::Str(c)),
                    (Value::Class(c), "__tablename__") => {
                        self.classes.get(&c)?.tablename.clone().map(Value::Str)
                    }
                    _ => None,
                },
                None => self.global(e, frame),
            },
            Expr::JoinedStr(j) => {
                let mut out = String::new();
                for part in &j.values {
                    match part {
                        Expr::Constant(c) => out.push_str(constant(&c.value)?.str()?),
                        Expr::FormattedValue(f) if f.format_spec.is_none() => {
                            let v = self.eval(&f.value, frame)?;
                            // No conversion, or `!s`.
                            if !matches!(f.conversion, ast::ConversionFlag::None)
                                && !matches!(f.conversion, ast::ConversionFlag::Str)
                            {
                                return None;
                            }
                            out.push_str(&v.text()?);
                        }
                        _ => return None,
                    }
                }
                Some(Value::Str(out))
            }
            Expr::BinOp(b) => binop(
                b.op,
                self.eval(&b.left, frame)?,
                self.eval(&b.right, frame)?,
            ),
            Expr::UnaryOp(u) => {
                let v = self.eval(&u.operand, frame)?;
                match (u.op, v) {
                    (ast::UnaryOp::Not, v) => Some(Value::Bool(!v.truthy()?)),
                    (ast::UnaryOp::USub, Value::Int(i)) => Some(Value::Int(i.checked_neg()?)),
                    _ => None,
                }
            }
            Expr::BoolOp(b) => {
                let and = matches!(b.op, ast::BoolOp::And);
                let mut last = None;
                for v in &b.values {
                    let v = self.eval(v, frame)?;
                    if v.truthy()? != and {
                        return Some(v);
                    }
                    last = Some(v);
                }
                last
            }
            Expr::Compare(c) => {
                let mut left = self.eval(&c.left, frame)?;
                for (op, right) in c.ops.iter().zip(&c.comparators) {
                    let right = self.eval(right, frame)?;
                    if !compare(*op, &left, &right)? {
                        return Some(Value::Bool(false));
                    }
                    left = right;
                }
                Some(Value::Bool(true))
            }
            Expr::IfExp(i) => {
                if self.eval(&i.test, frame)?.truthy()? {
                    self.eval(&i.body, frame)
                } else {
                    self.eval(&i.orelse, frame)
                }
            }
            Expr::List(l) => self.all(&l.elts, frame).map(Value::List),
            Expr::Tuple(t) => self.all(&t.elts, frame).map(Value::List),
            Expr::ListComp(l) => self.comprehension(&l.elt, &l.generators, frame),
            Expr::GeneratorExp(g) => self.comprehension(&g.elt, &g.generators, frame),
            Expr::Subscript(s) => subscript(self.eval(&s.value, frame)?, &s.slice, |e| {
                self.eval(e, frame)
            }),
            Expr::Call(c) => self.call_expr(c, frame),
            _ => None,
        }
    }

    fn all(&self, elts: &[Expr], frame: &Frame) -> Option<Vec<Value>> {
        elts.iter().map(|e| self.eval(e, frame)).collect()
    }

    /// A module-level name (or `module.NAME`), through the imports of the frame's module.
    fn global(&self, e: &Expr, frame: &Frame) -> Option<Value> {
        self.consts.get(&self.dotted_in(frame.aliases, e)?).cloned()
    }

    fn comprehension(
        &self,
        elt: &Expr,
        generators: &[ast::Comprehension],
        frame: &Frame,
    ) -> Option<Value> {
        let [g] = generators else { return None };
        if g.is_async {
            return None;
        }
        let mut out = Vec::new();
        for item in self.eval(&g.iter, frame)?.items()? {
            let mut inner = Frame {
                locals: frame.locals.clone(),
                aliases: frame.aliases,
                depth: frame.depth,
                nesting: frame.nesting.clone(),
            };
            bind(&g.target, item, &mut inner.locals)?;
            let mut keep = true;
            for cond in &g.ifs {
                keep &= self.eval(cond, &inner)?.truthy()?;
            }
            if keep {
                out.push(self.eval(elt, &inner)?);
            }
        }
        Some(Value::List(out))
    }

    fn call_expr(&self, c: &ast::ExprCall, frame: &Frame) -> Option<Value> {
        if c.args.iter().any(|a| matches!(a, Expr::Starred(_))) {
            return None;
        }
        // A method of a value: `name.lower()`, `PATTERN.sub(…)`, `"_".join(…)`.
        if let Expr::Attribute(m) = c.func.as_ref() {
            if let Some(obj) = self.eval(&m.value, frame) {
                let args = self.all(&c.args, frame)?;
                if m.attr.as_str() == "format" {
                    let mut named = BTreeMap::new();
                    for k in &c.keywords {
                        named.insert(k.arg.as_ref()?.to_string(), self.eval(&k.value, frame)?);
                    }
                    return format(obj.str()?, &args, &named);
                }
                if !c.keywords.is_empty() {
                    return None;
                }
                return method(obj, m.attr.as_str(), args);
            }
        }
        if !c.keywords.is_empty() {
            return None;
        }
        let callee = self.dotted_in(frame.aliases, &c.func)?;
        let args = self.all(&c.args, frame)?;
        match (callee.as_str(), args.as_slice()) {
            ("str", [v]) => v.text().map(Value::Str),
            ("len", [v]) => Some(Value::Int(match v {
                Value::Str(s) => s.chars().count(),
                Value::List(l) => l.len(),
                _ => return None,
            } as i64)),
            ("re.compile", [Value::Str(p)]) => {
                regex::Regex::new(p)?;
                Some(Value::Pattern(p.clone()))
            }
            ("re.sub", [Value::Str(p), repl, s]) => method(
                Value::Pattern(p.clone()),
                "sub",
                vec![repl.clone(), s.clone()],
            ),
            ("re.split", [Value::Str(p), s]) => {
                method(Value::Pattern(p.clone()), "split", vec![s.clone()])
            }
            (name, _) => self.call(self.procedures.get(name)?, args, frame.depth),
        }
    }
}

/// The name a dotted expression starts from.
fn root(e: &Expr) -> Option<&str> {
    match e {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => root(&a.value),
        _ => None,
    }
}

fn constant(c: &Constant) -> Option<Value> {
    match c {
        Constant::None => Some(Value::None),
        Constant::Bool(b) => Some(Value::Bool(*b)),
        Constant::Int(i) => i.to_string().parse().ok().map(Value::Int),
        // A `\N{…}` escape the parser could not name.
        Constant::Str(s) if !s.contains(char::REPLACEMENT_CHARACTER) => Some(Value::Str(s.clone())),
        _ => None,
    }
}

/// Binds an assignment's target: a name, or a tuple of names unpacking a list.
fn bind(target: &Expr, v: Value, locals: &mut BTreeMap<String, Value>) -> Option<()> {
    match target {
        Expr::Name(n) => {
            locals.insert(n.id.to_string(), v);
            Some(())
        }
        Expr::Tuple(t) => {
            let items = v.items()?;
            if items.len() != t.elts.len() {
                return None;
            }
            for (t, v) in t.elts.iter().zip(items) {
                bind(t, v, locals)?;
            }
            Some(())
        }
        _ => None,
    }
}

fn binop(op: ast::Operator, a: Value, b: Value) -> Option<Value> {
    use ast::Operator::*;
    match (op, a, b) {
        (Add, Value::Str(a), Value::Str(b)) => Some(Value::Str(a + &b)),
        (Add, Value::List(a), Value::List(b)) => Some(Value::List([a, b].concat())),
        (Add, Value::Int(a), Value::Int(b)) => a.checked_add(b).map(Value::Int),
        (Sub, Value::Int(a), Value::Int(b)) => a.checked_sub(b).map(Value::Int),
        (Mult, Value::Int(a), Value::Int(b)) => a.checked_mul(b).map(Value::Int),
        // `"%s_%s" % (a, b)`.
        (Mod, Value::Str(f), Value::List(args)) => percent(&f, &args),
        (Mod, Value::Str(f), arg) => percent(&f, &[arg]),
        _ => None,
    }
}

/// `format % args` with `%s`, `%d` and `%%` only.
fn percent(f: &str, args: &[Value]) -> Option<Value> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = f.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' => out.push_str(&args.next()?.text()?),
            'd' => match args.next()? {
                Value::Int(i) => out.push_str(&i.to_string()),
                _ => return None,
            },
            _ => return None,
        }
    }
    args.next().is_none().then_some(Value::Str(out))
}

fn compare(op: ast::CmpOp, a: &Value, b: &Value) -> Option<bool> {
    use ast::CmpOp::*;
    let order = match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        _ => None,
    };
    let contains = || match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(y.contains(x.as_str())),
        (x, Value::List(l)) => Some(l.contains(x)),
        _ => None,
    };
    Some(match op {
        Eq => a == b,
        NotEq => a != b,
        Is => matches!((a, b), (Value::None, Value::None)),
        IsNot => !matches!((a, b), (Value::None, Value::None)),
        Lt => order?.is_lt(),
        LtE => order?.is_le(),
        Gt => order?.is_gt(),
        GtE => order?.is_ge(),
        In => contains()?,
        NotIn => !contains()?,
    })
}

/// `v[i]` and `v[a:b]` of a string or a list.
fn subscript(v: Value, slice: &Expr, eval: impl Fn(&Expr) -> Option<Value>) -> Option<Value> {
    let items = match &v {
        Value::Str(s) => s.chars().map(|c| Value::Str(c.to_string())).collect(),
        Value::List(l) => l.clone(),
        _ => return None,
    };
    let n = items.len() as i64;
    let at = |i: i64| if i < 0 { i + n } else { i };
    let pick = match slice {
        Expr::Slice(s) => {
            if s.step.is_some() {
                return None;
            }
            let bound = |e: &Option<Box<Expr>>, default: i64| match e.as_deref() {
                None => Some(default),
                Some(e) => match eval(e)? {
                    Value::Int(i) => Some(at(i).clamp(0, n)),
                    Value::None => Some(default),
                    _ => None,
                },
            };
            let (a, b) = (bound(&s.lower, 0)?, bound(&s.upper, n)?);
            items[a as usize..b.max(a) as usize].to_vec()
        }
        e => match eval(e)? {
            Value::Int(i) if (0..n).contains(&at(i)) => return Some(items[at(i) as usize].clone()),
            _ => return None,
        },
    };
    Some(match v {
        Value::Str(_) => Value::Str(pick.iter().filter_map(Value::str).collect()),
        _ => Value::List(pick),
    })
}

/// `template.format(*args, **named)` with `{}`, `{0}`, `{name}` and doubled braces.
fn format(template: &str, args: &[Value], named: &BTreeMap<String, Value>) -> Option<Value> {
    let mut out = String::new();
    let mut auto = 0;
    let mut chars = template.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        // A conversion or a format spec: not evaluated.
                        '!' | ':' | '{' | '[' | '.' => return None,
                        c => field.push(c),
                    }
                }
                let v = if field.is_empty() {
                    auto += 1;
                    args.get(auto - 1)?
                } else if let Ok(i) = field.parse::<usize>() {
                    args.get(i)?
                } else {
                    named.get(&field)?
                };
                out.push_str(&v.text()?);
            }
            '}' => return None,
            c => out.push(c),
        }
    }
    Some(Value::Str(out))
}

/// A method of a string or a compiled pattern.
fn method(obj: Value, name: &str, args: Vec<Value>) -> Option<Value> {
    let strs: Option<Vec<&str>> = args.iter().map(Value::str).collect();
    match (obj, strs.as_deref()) {
        (Value::Str(s), Some(a)) => Some(match (name, a) {
            ("lower", []) => Value::Str(s.to_lowercase()),
            ("upper", []) => Value::Str(s.to_uppercase()),
            ("strip", []) => Value::Str(s.trim_matches(char::is_whitespace).into()),
            ("lstrip", []) => Value::Str(s.trim_start_matches(char::is_whitespace).into()),
            ("rstrip", []) => Value::Str(s.trim_end_matches(char::is_whitespace).into()),
            ("strip", [c]) => Value::Str(s.trim_matches(|x| c.contains(x)).into()),
            ("lstrip", [c]) => Value::Str(s.trim_start_matches(|x| c.contains(x)).into()),
            ("rstrip", [c]) => Value::Str(s.trim_end_matches(|x| c.contains(x)).into()),
            ("replace", [a, b]) if !a.is_empty() => Value::Str(s.replace(a, b)),
            ("removeprefix", [p]) => Value::Str(s.strip_prefix(p).unwrap_or(&s).into()),
            ("removesuffix", [p]) => Value::Str(s.strip_suffix(p).unwrap_or(&s).into()),
            ("startswith", [p]) => Value::Bool(s.starts_with(p)),
            ("endswith", [p]) => Value::Bool(s.ends_with(p)),
            ("split", []) => {
                Value::List(s.split_whitespace().map(|x| Value::Str(x.into())).collect())
            }
            ("split", [sep]) if !sep.is_empty() => {
                Value::List(s.split(sep).map(|x| Value::Str(x.into())).collect())
            }
            ("capitalize", []) => {
                let mut c = s.chars();
                Value::Str(match c.next() {
                    Some(f) => f
                        .to_uppercase()
                        .chain(c.as_str().to_lowercase().chars())
                        .collect(),
                    None => String::new(),
                })
            }
            _ => return None,
        }),
        (Value::Str(s), None) if name == "join" => {
            let [items] = args.as_slice() else {
                return None;
            };
            let parts: Option<Vec<String>> = items
                .items()?
                .iter()
                .map(|v| v.str().map(str::to_string))
                .collect();
            Some(Value::Str(parts?.join(&s)))
        }
        (Value::Pattern(p), _) => match (name, args.as_slice()) {
            ("sub", [Value::Str(repl), Value::Str(s)]) => sub(&p, repl, s).map(Value::Str),
            ("split", [Value::Str(s)]) => split(&p, s).map(Value::List),
            _ => None,
        },
        _ => None,
    }
}

/// Every match of `pattern` in `s` as Python finds them (see `regex.rs`).
fn matches(pattern: &str, s: &str) -> Option<Vec<regex::Match>> {
    regex::Regex::new(pattern)?.matches(s)
}

/// `pattern.sub(repl, s)`: `repl` with `\1`, `\g<1>`, `\g<name>`-free escapes only
/// (numbered groups, `\\`, `\n`, `\t`).
fn sub(pattern: &str, repl: &str, s: &str) -> Option<String> {
    enum Part {
        Text(String),
        Group(usize),
    }
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = repl.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            text.push(ch);
            continue;
        }
        match chars.next()? {
            '\\' => text.push('\\'),
            'n' => text.push('\n'),
            't' => text.push('\t'),
            d @ '1'..='9' => {
                let mut n = d.to_digit(10)? as usize;
                if let Some(e) = chars.peek().and_then(|c| c.to_digit(10)) {
                    n = n * 10 + e as usize;
                    chars.next();
                }
                parts.push(Part::Text(std::mem::take(&mut text)));
                parts.push(Part::Group(n));
            }
            'g' => {
                if chars.next()? != '<' {
                    return None;
                }
                let n: String = chars.by_ref().take_while(|c| *c != '>').collect();
                parts.push(Part::Text(std::mem::take(&mut text)));
                parts.push(Part::Group(n.parse().ok()?));
            }
            _ => return None,
        }
    }
    parts.push(Part::Text(text));
    let mut out = String::new();
    let mut at = 0;
    for (start, end, groups) in matches(pattern, s)? {
        out.push_str(&s[at..start]);
        for p in &parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Group(0) => out.push_str(&s[start..end]),
                // A group that took no part is empty (Python 3.5+).
                Part::Group(g) => {
                    if let Some((a, b)) = groups.get(g - 1)? {
                        out.push_str(&s[*a..*b]);
                    }
                }
            }
        }
        at = end;
    }
    out.push_str(&s[at..]);
    Some(out)
}

/// `pattern.split(s)`: the pieces between matches, each match's groups between them.
fn split(pattern: &str, s: &str) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, groups) in matches(pattern, s)? {
        out.push(Value::Str(s[at..start].into()));
        for g in groups {
            out.push(match g {
                Some((a, b)) => Value::Str(s[a..b].into()),
                None => Value::None,
            });
        }
        at = end;
    }
    out.push(Value::Str(s[at..].into()));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each expression's value with `cls` the class `FlowRunState`; the expected values are
    /// what CPython (3.11) prints for them.
    #[test]
    fn names_are_computed_as_python_computes_them() {
        let src = "import re\nCAMEL = re.compile(r'(?<!^)(?=[A-Z])')\nPREFIX = 'app'\nSEP = '_'\n\ndef resolve(name):\n    names = re.split('(?=[A-Z])', name)\n    return '_'.join([x.lower() for x in names if x])\n\ndef snake(name):\n    s1 = re.sub('(.)([A-Z][a-z]+)', r'\\1_\\2', name)\n    return re.sub('([a-z0-9])([A-Z])', r'\\1_\\2', s1).lower()\n";
        let cases = [
            (
                "CAMEL.sub('_', cls.__name__).lower()",
                Some("flow_run_state"),
            ),
            ("resolve(cls.__name__)", Some("flow_run_state")),
            ("snake('HTTPServerError')", Some("http_server_error")),
            (
                "f'{PREFIX}{SEP}{cls.__name__.lower()}s'",
                Some("app_flowrunstates"),
            ),
            (
                "'fk_{}_hidden_by'.format(cls.__name__)",
                Some("fk_FlowRunState_hidden_by"),
            ),
            ("'%s_%s' % (PREFIX, 'x')", Some("app_x")),
            ("PREFIX + '_' + 'users'", Some("app_users")),
            ("re.sub('x*', '-', 'abxd')", Some("-a-b--d-")),
            ("re.split('(-)', 'a-b')[1]", Some("-")),
            (
                "cls.__name__[:4].upper() if len(PREFIX) == 3 else 'no'",
                Some("FLOW"),
            ),
            ("re.sub('x*?', '-', 'ab')", Some("-a-b-")),
            // Not evaluated: an unknown name, a call not listed.
            ("UNKNOWN + 'x'", None),
            ("cls.__name__.title()", None),
        ];
        let suite = ast::Suite::parse(src, "m.py").unwrap();
        for (expr, want) in cases {
            let got = with_module(&suite, expr);
            assert_eq!(got.as_deref(), want, "{expr}");
        }
    }

    /// `re.sub` and `re.split` as CPython (3.11) computes them.
    #[test]
    fn regular_expressions_match_as_python_matches() {
        let subs = [
            ("(?<!^)(?=[A-Z])", "_", "FlowRunState", "Flow_Run_State"),
            (
                "(.)([A-Z][a-z]+)",
                r"\1_\2",
                "HTTPServerError",
                "HTTP_ServerError",
            ),
            (
                "([a-z0-9])([A-Z])",
                r"\1_\2",
                "HTTP_ServerError",
                "HTTP_Server_Error",
            ),
            ("x*", "-", "abxd", "-a-b--d-"),
            ("x*?", "-", "ab", "-a-b-"),
            ("a|ab", "X", "abab", "XbXb"),
            (r"\bfoo\b", "X", "foo foobar foo", "X foobar X"),
            ("[^a-z0-9]+", "_", "Hello World!", "_ello_orld_"),
            ("(a)|b", r"[\1]", "ab", "[a][]"),
            (r"(\d{2,3})", r"<\1>", "a1234b", "a<123>4b"),
            ("(?<=a)b+", "X", "abbbcab", "aXcaX"),
            (r"(?<![A-Z])(?=[A-Z])", "_", "HTTPLog", "_HTTPLog"),
            ("^", ">", "abc", ">abc"),
            ("$", "<", "abc", "abc<"),
            ("(a*)*", "X", "b", "XbX"),
            ("(?:ab)+?c", "X", "ababc", "X"),
            (r"[\w.]+@", "", "me.x@y", "y"),
            ("(?P<w>[a-z]+)", r"\g<1>!", "ab cd", "ab! cd!"),
            ("[-a]", "+", "a-b", "++b"),
            ("a{,2}", "X", "aaa", "XXX"),
        ];
        for (pattern, repl, s, want) in subs {
            assert_eq!(sub(pattern, repl, s).as_deref(), Some(want), "{pattern}");
        }
        let str_list = |v: &[Option<&str>]| -> Vec<Value> {
            v.iter()
                .map(|x| x.map_or(Value::None, |x| Value::Str(x.into())))
                .collect()
        };
        let splits: [(&str, &str, &[Option<&str>]); 4] = [
            (
                "(?=[A-Z])",
                "FlowRun",
                &[Some(""), Some("Flow"), Some("Run")],
            ),
            (
                r"(-)|(\+)",
                "a-b+c",
                &[
                    Some("a"),
                    Some("-"),
                    None,
                    Some("b"),
                    None,
                    Some("+"),
                    Some("c"),
                ],
            ),
            (
                "x*",
                "axbc",
                &[
                    Some(""),
                    Some("a"),
                    Some(""),
                    Some("b"),
                    Some("c"),
                    Some(""),
                ],
            ),
            ("_", "a__b", &[Some("a"), Some(""), Some("b")]),
        ];
        for (pattern, s, want) in splits {
            assert_eq!(split(pattern, s), Some(str_list(want)), "{pattern}");
        }
        // Not read: flags, back references, possessive repetition, Unicode text.
        assert_eq!(sub("(?i)a", "b", "A"), None);
        assert_eq!(sub(r"(a)\1", "b", "aa"), None);
        assert_eq!(sub("a*+", "b", "aa"), None);
        assert_eq!(sub("a", "b", "ä"), None);
    }

    /// Reads `suite` as a module, then evaluates `expr` with `cls` bound to `FlowRunState`.
    fn with_module(suite: &ast::Suite, expr: &str) -> Option<String> {
        let mut sx = package::blank("", LineIndex::new(""));
        sx.module(suite);
        let def = format!("def f(cls):\n    return {expr}\n");
        let Stmt::FunctionDef(f) = ast::Suite::parse(&def, "f.py").unwrap().remove(0) else {
            unreachable!()
        };
        let p = Procedure {
            def: f,
            aliases: sx.aliases.clone(),
        };
        match sx.call_with_class(&p, "FlowRunState")? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The longest chain of operators the reader takes is not evaluated (no name is computed
    /// so), and reading it needs no more than a test thread's stack.
    #[test]
    fn long_expressions_are_not_evaluated_and_need_a_small_stack() {
        let chain = vec!["'a'"; values::MAX_OPERATORS - 5].join(" + ");
        let src = format!("from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\nX = {chain}\nclass T(Base):\n    __tablename__ = X[:5]\n    id = Column(Integer, primary_key=True)\n");
        let names = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let p = crate::source::sqlalchemy::parse_sqlalchemy(&src);
                p.schema
                    .tables
                    .keys()
                    .map(|k| k.name.to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(names.is_empty(), "{names:?}");
    }
}

//! Types a model defines or imports: a `TypeDecorator` subclass (its `impl`) and the types of
//! sqlalchemy-utils, each read as the type SQLAlchemy emits for PostgreSQL, or not at all.

use super::*;

/// A `TypeDecorator` subclass of the model: what it stores as.
#[derive(Debug, Clone)]
pub(super) struct Decorator {
    /// `impl = X` (a type class or instance), when the class sets it.
    imp: Option<Expr>,
    /// The decorator it subclasses (one of the model's, or sqlalchemy-utils'), when not
    /// `TypeDecorator` itself.
    parent: Option<String>,
    /// An `__init__` that only keeps its own arguments and passes the rest on to
    /// `TypeDecorator.__init__` (which gives them to `impl`): its own positional and keyword
    /// parameters.
    init: Option<(usize, Vec<String>)>,
    /// It changes values bound to SQL (`process_bind_param`, `process_literal_param`): a
    /// literal compared with such a column is written otherwise than given.
    pub(super) binds: bool,
    /// What its `load_dialect_impl` returns on PostgreSQL, when that is read.
    postgresql: Option<Expr>,
    /// Why the type cannot be read without running it: `__init__` or `load_dialect_impl`
    /// choose what it stores as.
    opaque: Option<&'static str>,
}

/// The type a `load_dialect_impl(self, dialect)` returns on PostgreSQL, when its body only
/// tests `dialect.name` and returns (`if dialect.name == "postgresql": return
/// dialect.type_descriptor(JSONB())`, `elif`, `in (…)`, `!=`, a final `return`).
fn passing_init(f: &ast::StmtFunctionDef) -> Option<(usize, Vec<String>)> {
    let a = &f.args;
    let own: Vec<&ast::ArgWithDefault> = a.posonlyargs.iter().chain(&a.args).skip(1).collect();
    let (star, kwarg) = (a.vararg.as_ref(), a.kwarg.as_ref());
    let mut passed = false;
    for (i, st) in f.body.iter().enumerate() {
        match st {
            Stmt::Expr(e) if i == 0 && str_const(&e.value).is_some() => {}
            // `self.x = …`.
            Stmt::Assign(s)
                if s.targets.iter().all(|t| {
                    matches!(t, Expr::Attribute(x) if matches!(x.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self"))
                }) => {}
            // `super().__init__(*args, **kwargs)` (or `super(Cls, self)`), once.
            Stmt::Expr(e) if !passed => {
                let Expr::Call(c) = e.value.as_ref() else {
                    return None;
                };
                let Expr::Attribute(m) = c.func.as_ref() else {
                    return None;
                };
                let is_super = matches!(m.value.as_ref(), Expr::Call(s) if matches!(s.func.as_ref(), Expr::Name(n) if n.id.as_str() == "super"));
                if m.attr.as_str() != "__init__" || !is_super {
                    return None;
                }
                let args_ok = match (c.args.as_slice(), star) {
                    ([], _) => true,
                    ([Expr::Starred(s)], Some(v)) => {
                        matches!(s.value.as_ref(), Expr::Name(n) if n.id.as_str() == v.arg.as_str())
                    }
                    _ => false,
                };
                let kw_ok = match (c.keywords.as_slice(), kwarg) {
                    ([], _) => true,
                    ([k], Some(v)) => {
                        k.arg.is_none()
                            && matches!(&k.value, Expr::Name(n) if n.id.as_str() == v.arg.as_str())
                    }
                    _ => false,
                };
                if !(args_ok && kw_ok) {
                    return None;
                }
                passed = true;
            }
            _ => return None,
        }
    }
    let named = own
        .iter()
        .copied()
        .chain(&a.kwonlyargs)
        .map(|p| p.def.arg.to_string())
        .collect();
    passed.then_some((own.len(), named))
}

fn postgresql_impl(f: &ast::StmtFunctionDef) -> Option<Expr> {
    let dialect = f.args.args.get(1)?.def.arg.as_str();
    // Does `dialect.name <op> "…"` hold on PostgreSQL?
    let holds = |e: &Expr| -> Option<bool> {
        let Expr::Compare(c) = e else { return None };
        let ([op], [right]) = (c.ops.as_slice(), c.comparators.as_slice()) else {
            return None;
        };
        match c.left.as_ref() {
            Expr::Attribute(a)
                if a.attr.as_str() == "name"
                    && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == dialect) => {}
            _ => return None,
        }
        let names: Vec<String> = match right {
            Expr::Tuple(t) => t.elts.iter().map(str_const).collect::<Option<_>>()?,
            Expr::List(l) => l.elts.iter().map(str_const).collect::<Option<_>>()?,
            e => vec![str_const(e)?],
        };
        let pg = names.iter().any(|n| n == "postgresql");
        match op {
            ast::CmpOp::Eq | ast::CmpOp::In => Some(pg),
            ast::CmpOp::NotEq | ast::CmpOp::NotIn => Some(!pg),
            _ => None,
        }
    };
    fn walk(body: &[Stmt], holds: &dyn Fn(&Expr) -> Option<bool>) -> Option<Expr> {
        let body = match body.first() {
            Some(Stmt::Expr(e)) if str_const(&e.value).is_some() => &body[1..],
            _ => body,
        };
        match body.first()? {
            Stmt::Return(r) => {
                let v = r.value.as_deref()?;
                // `dialect.type_descriptor(T)` is `T`.
                Some(match v {
                    Expr::Call(c)
                        if matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "type_descriptor")
                            && c.args.len() == 1 =>
                    {
                        c.args[0].clone()
                    }
                    v => v.clone(),
                })
            }
            Stmt::If(i) => match holds(&i.test)? {
                true => walk(&i.body, holds),
                false if i.orelse.is_empty() => walk(&body[1..], holds),
                false => walk(&i.orelse, holds),
            },
            _ => None,
        }
    }
    let t = walk(&f.body, &holds)?;
    // One that uses the instance (`self.impl`, its arguments) is not read.
    let mentions_self = any_inside(
        &t,
        |e| matches!(e, Expr::Name(n) if n.id.as_str() == "self"),
    );
    (!mentions_self).then_some(t)
}

/// The PostgreSQL type of a sqlalchemy-utils type called with `call`'s arguments (as its
/// `load_dialect_impl` chooses on PostgreSQL, measured with sqlalchemy-utils 0.43); `None`
/// for one not in this table, or called in a way it does not follow.
fn utils_type(name: &str, call: Option<&ast::ExprCall>) -> Option<String> {
    let int_at = |i: usize, k: &str| {
        call.and_then(|c| c.args.get(i).or_else(|| kw(c, k)))
            .map(int_const)
    };
    let length = |i: usize, k: &str, default: i64| match int_at(i, k) {
        None => Some(format!("VARCHAR({default})")),
        Some(Some(n)) => Some(format!("VARCHAR({n})")),
        Some(None) => None,
    };
    match name {
        // Native on PostgreSQL unless `native=False` (then no type PostgreSQL has).
        "UUIDType" => match call.and_then(|c| kw(c, "native")) {
            None => Some("UUID".into()),
            Some(_) => {
                (call.and_then(|c| kw_bool(c, "native")) == Some(true)).then(|| "UUID".into())
            }
        },
        "EmailType" => length(0, "length", 255),
        "IPAddressType" => length(0, "max_length", 50),
        "CountryType" => Some("VARCHAR(2)".into()),
        "JSONType" => Some("JSON".into()),
        "TSVectorType" => Some("TSVECTOR".into()),
        "URLType" | "ScalarListType" => Some("TEXT".into()),
        // The encrypted types store text (`StringEncryptedType`) or bytes (`EncryptedType`),
        // whatever type they encrypt.
        "StringEncryptedType" => Some("VARCHAR".into()),
        "EncryptedType" => Some("BYTEA".into()),
        _ => None,
    }
}

impl Sx<'_> {
    /// The SQL type of type `name` called with `call` (the expression `e`) that is none of
    /// SQLAlchemy's own: the model's or sqlalchemy-utils', or a warning saying why not.
    pub(super) fn read_custom_type(
        &mut self,
        name: &str,
        call: Option<&ast::ExprCall>,
        e: &Expr,
    ) -> Option<(String, bool)> {
        let at = e.range().start().to_usize();
        // A decorator whose impl names itself, through any chain, is no type.
        self.type_depth += 1;
        let found = if self.type_depth > 10 {
            Some(Err(format!("`{}` is defined by itself", last(name))))
        } else {
            self.custom_type(name, call, 0)
        };
        self.type_depth -= 1;
        let why = match found {
            Some(Ok(t)) => return Some(t),
            Some(Err(why)) => why,
            None => format!(
                "type `{}` is not one schemafix knows (a TypeDecorator or a type from another module?)",
                last(name)
            ),
        };
        self.diag(
            Severity::Warning,
            DiagKind::UnknownObject,
            format!("line {}: {why}", self.line(at)),
            at,
        );
        None
    }

    /// `class X(TypeDecorator)` (or a subclass of one): remembered as a type, never a table.
    /// True when `c` is one.
    pub(super) fn type_decorator(&mut self, c: &ast::StmtClassDef, bases: &[String]) -> bool {
        let parent = bases.iter().find(|b| {
            self.decorators.contains_key(last(b))
                || b.starts_with("sqlalchemy_utils.") && last(b).ends_with("Type")
        });
        let direct = bases.iter().any(|b| last(b) == "TypeDecorator");
        if parent.is_none() && !direct {
            return false;
        }
        // What a parent decorator's methods choose is inherited, unless defined again.
        let inherited = parent.and_then(|p| self.decorators.get(last(p)));
        let mut d = Decorator {
            imp: None,
            parent: parent.cloned(),
            init: inherited.and_then(|p| p.init.clone()),
            binds: inherited.is_some_and(|p| p.binds),
            postgresql: inherited.and_then(|p| p.postgresql.clone()),
            opaque: inherited.and_then(|p| p.opaque),
        };
        for st in &c.body {
            match st {
                Stmt::Assign(a) => {
                    if matches!(a.targets.first(), Some(Expr::Name(n)) if n.id.as_str() == "impl") {
                        d.imp = Some(a.value.as_ref().clone());
                    }
                }
                Stmt::FunctionDef(f) => match f.name.as_str() {
                    "process_bind_param" | "process_literal_param" => d.binds = true,
                    "__init__" => match passing_init(f) {
                        Some(init) => d.init = Some(init),
                        None => d.opaque = Some("its __init__ chooses what it stores as"),
                    },
                    "load_dialect_impl" => match postgresql_impl(f) {
                        Some(t) => d.postgresql = Some(t),
                        None => {
                            d.opaque = Some("its load_dialect_impl chooses a type per database")
                        }
                    },
                    _ => {}
                },
                _ => {}
            }
        }
        self.decorators.insert(c.name.as_str().to_string(), d);
        true
    }

    /// The SQL type of a model's `TypeDecorator` or a sqlalchemy-utils type `name` called with
    /// `call`: `None` when `name` is neither; `Some(Err(why))` when it is one whose type cannot be
    /// read without running it.
    pub(super) fn custom_type(
        &mut self,
        name: &str,
        call: Option<&ast::ExprCall>,
        depth: usize,
    ) -> Option<Result<(String, bool), String>> {
        if let Some(d) = self.decorators.get(last(name)).cloned() {
            if let Some(why) = d.opaque {
                return Some(Err(format!("`{}`: {why}", last(name))));
            }
            if depth > 10 {
                return Some(Err(format!("`{}` derives from itself", last(name))));
            }
            if let Some(t) = &d.postgresql {
                return Some(self.type_expr(t).ok_or_else(|| {
                    format!(
                        "`{}`: the type its load_dialect_impl returns on PostgreSQL is not one schemafix reads",
                        last(name)
                    )
                }));
            }
            return Some(match (&d.imp, &d.parent) {
                (Some(imp), _) => {
                    // A class is instantiated with the decorator's own arguments; an instance
                    // is used as it is.
                    let typed = match (imp, call) {
                        (Expr::Call(_), _) | (_, None) => self.type_expr(imp),
                        (_, Some(c)) => {
                            let mut made = c.clone();
                            made.func = Box::new(imp.clone());
                            // Its `__init__`'s own arguments stay with it.
                            if let Some((n, named)) = &d.init {
                                made.args = made.args.iter().skip(*n).cloned().collect();
                                made.keywords.retain(|k| {
                                    k.arg
                                        .as_ref()
                                        .is_none_or(|a| !named.iter().any(|n| n == a.as_str()))
                                });
                            }
                            self.type_expr(&Expr::Call(made))
                        }
                    };
                    typed.ok_or_else(|| {
                        format!("`{}`: its impl is not a type schemafix reads", last(name))
                    })
                }
                (None, Some(p)) => self.custom_type(p, call, depth + 1).unwrap_or_else(|| {
                    Err(format!(
                        "`{}`: its base `{p}` is not a type schemafix reads",
                        last(name)
                    ))
                }),
                (None, None) => Err(format!("`{}` sets no impl", last(name))),
            });
        }
        if name.starts_with("sqlalchemy_utils") {
            return Some(
                utils_type(last(name), call)
                    .map(|t| (t, false))
                    .ok_or_else(|| format!("`{}` (sqlalchemy-utils) is not a type schemafix reads, or not with these arguments", last(name))),
            );
        }
        None
    }
}

//! Functions of the project that only return: `def text_column(field, **kw): return
//! Column(String(LENGTHS[field]), **kw)` called as a class attribute is read as the expression
//! it returns, its parameters replaced by the call's arguments (or their defaults). The
//! functions are kept as `eval::Procedure`s, which also compute names (`eval.rs`).

use rustpython_parser::ast::fold::Fold;
use rustpython_parser::text_size::TextRange;

use super::*;

/// Replaces parameter names by the call's arguments, every range by the call's.
struct Substitute<'a> {
    args: &'a BTreeMap<String, Expr>,
    site: TextRange,
}

impl Fold<TextRange> for Substitute<'_> {
    type TargetU = TextRange;
    type Error = std::convert::Infallible;
    type UserContext = ();

    fn will_map_user(&mut self, _user: &TextRange) {}

    fn map_user(&mut self, _user: TextRange, _context: ()) -> Result<TextRange, Self::Error> {
        Ok(self.site)
    }

    fn fold_expr(&mut self, node: Expr) -> Result<Expr, Self::Error> {
        if let Expr::Name(n) = &node {
            if let Some(e) = self.args.get(n.id.as_str()) {
                return Ok(e.clone());
            }
        }
        ast::fold::fold_expr(self, node)
    }
}

impl Sx<'_> {
    /// `def f(…): …` at module level: remembered to read its calls (one that only returns)
    /// and to compute names with (`eval.rs`). A decorated one is not what its body says.
    pub(super) fn function(&mut self, f: &ast::StmtFunctionDef) {
        let name = f.name.to_string();
        if f.decorator_list.is_empty() {
            self.procedures.insert(
                name,
                eval::Procedure {
                    def: f.clone(),
                    aliases: self.aliases.clone(),
                },
            );
        } else {
            self.procedures.remove(&name);
        }
    }

    /// What a call of one of the project's functions that only return makes: the body with the
    /// call's arguments in place; `None` for another call, or one it cannot bind (an argument
    /// missing, `*args`, too many).
    pub(super) fn inline_call(&self, e: &Expr) -> Option<Expr> {
        let Expr::Call(c) = e else { return None };
        if self.procedures.is_empty() {
            return None;
        }
        let f = &self.procedures.get(&self.dotted(&c.func)?)?.def;
        let (a, body) = (&f.args, plain_return(&f.body)?);
        if a.vararg.is_some() {
            return None;
        }
        // Positional-or-keyword parameters, then keyword-only ones.
        let params: Vec<&ast::ArgWithDefault> = a.posonlyargs.iter().chain(&a.args).collect();
        let kwarg = a.kwarg.as_ref().map(|k| k.arg.as_str());
        let mut bound: BTreeMap<String, Expr> = BTreeMap::new();
        if c.args.len() > params.len() || c.args.iter().any(|a| matches!(a, Expr::Starred(_))) {
            return None;
        }
        for (p, a) in params.iter().zip(&c.args) {
            bound.insert(p.def.arg.to_string(), a.clone());
        }
        let mut extra = Vec::new();
        for k in &c.keywords {
            let arg = k.arg.as_ref()?;
            let known = params
                .iter()
                .copied()
                .chain(&a.kwonlyargs)
                .any(|p| p.def.arg.as_str() == arg.as_str());
            if known {
                if bound.insert(arg.to_string(), k.value.clone()).is_some() {
                    return None;
                }
            } else if kwarg.is_some() {
                extra.push(k.clone());
            } else {
                return None;
            }
        }
        for p in params.iter().copied().chain(&a.kwonlyargs) {
            if !bound.contains_key(p.def.arg.as_str()) {
                bound.insert(p.def.arg.to_string(), p.default.as_deref()?.clone());
            }
        }
        let mut body = Substitute {
            args: &bound,
            site: c.range,
        }
        .fold_expr(body.clone())
        .ok()?;
        // `**kw` passed on in the body: the call's extra keywords there.
        if let (Some(kw), Expr::Call(inner)) = (kwarg, &mut body) {
            let at = inner.keywords.iter().position(|k| {
                k.arg.is_none() && matches!(&k.value, Expr::Name(n) if n.id.as_str() == kw)
            });
            match at {
                Some(i) => {
                    inner.keywords.remove(i);
                    inner.keywords.extend(extra);
                }
                None if extra.is_empty() => {}
                None => return None,
            }
        } else if !extra.is_empty() {
            return None;
        }
        Some(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_of_functions_that_only_return_are_read_in_place() {
        let src = "from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\ndef text(length=40, **kw):\n    return Column(String(length), **kw)\n\ndef computed(n):\n    n = n * 2\n    return Column(String(n))\n\ndef itself():\n    return itself()\n\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n    short = text(nullable=False)\n    long = text(200, index=True)\n    other = computed(3)\n    odd = itself()\n";
        let p = parse_sqlalchemy(src);
        let a = &p.schema.tables[&QualName::new("public", "a")];
        let ty = |c: &str| a.column(c).map(|c| (c.data_type.to_string(), c.not_null));
        assert_eq!(ty("short"), Some(("character varying(40)".into(), true)));
        assert_eq!(ty("long"), Some(("character varying(200)".into(), false)));
        assert!(a.indexes.iter().any(|i| i.name == "ix_a_long"));
        // A column at the line that calls the function.
        assert_eq!(a.column("long").unwrap().span.line, 20);
        // Not only a return, or a call of itself: not read, and said.
        assert!(a.column("other").is_none() && a.column("odd").is_none());
        assert!(p.schema.unread_columns.contains(&a.name));
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.span.line == 21 && d.message.contains("computed(…)")));
    }
}

//! SQLAlchemy column expressions as the SQL `create_all` writes for them on PostgreSQL: an
//! index's `postgresql_where=` written in Python (`deleted == false()`, `status.in_(["a",
//! "b"])`, `and_(…)`), or `None` for one not read.

use super::*;

impl Sx<'_> {
    /// An index predicate: a `text()` or what a column expression compiles to.
    pub(super) fn predicate(&self, e: &Expr) -> Option<String> {
        self.sql_text(e).or_else(|| self.condition(e, false))
    }

    /// A column the expression names (`deleted`, `cls.deleted`, `Model.deleted`).
    fn column_ref(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(_) | Expr::Attribute(_) => {
                Some(crate::quote::quote_ident(last(&self.dotted(e)?)))
            }
            _ => None,
        }
    }

    /// A value compared with a column: a literal, `true()`, `false()`, `null()`. A string is
    /// not read where a type of the model changes the values it binds (the column may be one).
    fn operand(&self, e: &Expr) -> Option<String> {
        if str_const(e).is_some() && self.decorators.values().any(|d| d.binds) {
            return None;
        }
        literal_sql(e).or_else(|| match e {
            Expr::Call(_) => self
                .sql_text(e)
                .filter(|s| matches!(s.as_str(), "true" | "false" | "NULL")),
            _ => None,
        })
    }

    /// A condition; `nested` when it is an operand of `AND`/`OR` (SQLAlchemy parenthesizes an
    /// `OR` inside an `AND`).
    fn condition(&self, e: &Expr, nested: bool) -> Option<String> {
        match e {
            Expr::Compare(c) => {
                let ([op], [right]) = (c.ops.as_slice(), c.comparators.as_slice()) else {
                    return None;
                };
                let col = self.column_ref(&c.left)?;
                if is_none(right) {
                    return match op {
                        ast::CmpOp::Eq => Some(format!("{col} IS NULL")),
                        ast::CmpOp::NotEq => Some(format!("{col} IS NOT NULL")),
                        _ => None,
                    };
                }
                let op = match op {
                    ast::CmpOp::Eq => "=",
                    ast::CmpOp::NotEq => "!=",
                    ast::CmpOp::Lt => "<",
                    ast::CmpOp::LtE => "<=",
                    ast::CmpOp::Gt => ">",
                    ast::CmpOp::GtE => ">=",
                    _ => return None,
                };
                Some(format!("{col} {op} {}", self.operand(right)?))
            }
            Expr::Call(c) => {
                // `col.is_(None)`, `col.in_([…])` and the like.
                if let Expr::Attribute(m) = c.func.as_ref() {
                    if let (Some(col), [arg]) = (self.column_ref(&m.value), c.args.as_slice()) {
                        if !c.keywords.is_empty() {
                            return None;
                        }
                        return match m.attr.as_str() {
                            "is_" if is_none(arg) => Some(format!("{col} IS NULL")),
                            "isnot" | "is_not" if is_none(arg) => {
                                Some(format!("{col} IS NOT NULL"))
                            }
                            "in_" | "not_in" | "notin_" => {
                                let items = match arg {
                                    Expr::List(l) => &l.elts,
                                    Expr::Tuple(t) => &t.elts,
                                    _ => return None,
                                };
                                let values: Option<Vec<String>> =
                                    items.iter().map(|v| self.operand(v)).collect();
                                let values = values?;
                                if values.is_empty() {
                                    return None;
                                }
                                let not = if m.attr.as_str() == "in_" { "" } else { "NOT " };
                                Some(format!("{col} {not}IN ({})", values.join(", ")))
                            }
                            _ => None,
                        };
                    }
                }
                let callee = self.dotted(&c.func)?;
                let joiner = match last(&callee) {
                    "and_" => " AND ",
                    "or_" => " OR ",
                    _ => return None,
                };
                if !callee.starts_with("sqlalchemy") || c.args.len() < 2 || !c.keywords.is_empty() {
                    return None;
                }
                let parts: Option<Vec<String>> =
                    c.args.iter().map(|a| self.condition(a, true)).collect();
                let joined = parts?.join(joiner);
                Some(if nested && joiner == " OR " {
                    format!("({joined})")
                } else {
                    joined
                })
            }
            _ => None,
        }
    }
}

//! A domain's statements.

use super::{collate, q};
use crate::diff::{alterations, Alteration};
use crate::quote::quote_literal;
use crate::schema::{Check, Domain};

/// `CREATE DOMAIN`, then its checks the desired schema has `NOT VALID` (a new domain holds no
/// value, so they are valid; added as declared) and its comment.
pub(super) fn create(d: &Domain) -> Vec<String> {
    let mut st = format!("CREATE DOMAIN {} AS {}", d.name, d.base);
    if let Some(c) = &d.collation {
        st.push_str(&collate(c));
    }
    if let Some(e) = &d.default {
        st.push_str(&format!(" DEFAULT {}", e.sql));
    }
    if d.not_null {
        st.push_str(" NOT NULL");
    }
    for c in d.checks.iter().filter(|c| !c.not_valid) {
        st.push_str(&format!(
            " CONSTRAINT {} CHECK ({})",
            q(&c.name),
            c.expr.sql
        ));
    }
    let mut out = vec![st];
    for c in d.checks.iter().filter(|c| c.not_valid) {
        out.push(add_check(d, c, false));
    }
    if let Some(c) = &d.comment {
        out.push(comment(d, Some(c)));
    }
    out
}

/// `ALTER DOMAIN … ADD CONSTRAINT`, `NOT VALID` when asked (or when the check is).
pub(super) fn add_check(d: &Domain, c: &Check, not_valid: bool) -> String {
    format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({}){}",
        d.name,
        q(&c.name),
        c.expr.sql,
        if not_valid || c.not_valid {
            " NOT VALID"
        } else {
            ""
        }
    )
}

fn comment(d: &Domain, c: Option<&String>) -> String {
    format!(
        "COMMENT ON DOMAIN {} IS {}",
        d.name,
        c.map_or_else(|| "NULL".to_string(), |c| quote_literal(c))
    )
}

/// The statements of `ALTER DOMAIN` from `from` to `to`; with `online`, a check is added
/// `NOT VALID` and validated by a statement of its own (`(statement, validates)` pairs).
pub(crate) fn alter(from: &Domain, to: &Domain, online: bool) -> Vec<(String, bool)> {
    let name = &to.name;
    let mut out = Vec::new();
    for a in alterations(from, to) {
        match a {
            Alteration::DropCheck(c) => out.push((
                format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", q(&c)),
                false,
            )),
            Alteration::Default(Some(e)) => {
                out.push((format!("ALTER DOMAIN {name} SET DEFAULT {}", e.sql), false))
            }
            Alteration::Default(None) => {
                out.push((format!("ALTER DOMAIN {name} DROP DEFAULT"), false))
            }
            Alteration::NotNull(n) => out.push((
                format!(
                    "ALTER DOMAIN {name} {} NOT NULL",
                    if n { "SET" } else { "DROP" }
                ),
                false,
            )),
            Alteration::AddCheck(c) => {
                out.push((add_check(to, &c, online), false));
                if online && !c.not_valid {
                    out.push((validate(to, &c.name), true));
                }
            }
            Alteration::Validate(c) => out.push((validate(to, &c), true)),
            Alteration::Comment(c) => out.push((comment(to, c.as_ref()), false)),
        }
    }
    out
}

fn validate(d: &Domain, check: &str) -> String {
    format!("ALTER DOMAIN {} VALIDATE CONSTRAINT {}", d.name, q(check))
}

/// `DROP DOMAIN` (without `CASCADE`: it fails while columns use it).
pub(super) fn drop(d: &Domain) -> String {
    format!("DROP DOMAIN {}", d.name)
}

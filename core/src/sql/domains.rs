//! A domain's statements. There is no online form: PostgreSQL reads every column of a domain
//! under a SHARE lock on its table whether a check is added validated or validated later
//! (measured on PostgreSQL 15), so splitting the two would only take the lock twice.

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
        out.push(add_check(d, c));
    }
    if let Some(c) = &d.comment {
        out.push(comment(d, Some(c)));
    }
    out
}

/// `ALTER DOMAIN … ADD CONSTRAINT`, `NOT VALID` when the check is.
fn add_check(d: &Domain, c: &Check) -> String {
    format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({}){}",
        d.name,
        q(&c.name),
        c.expr.sql,
        if c.not_valid { " NOT VALID" } else { "" }
    )
}

fn comment(d: &Domain, c: Option<&String>) -> String {
    format!(
        "COMMENT ON DOMAIN {} IS {}",
        d.name,
        c.map_or_else(|| "NULL".to_string(), |c| quote_literal(c))
    )
}

/// The statements of `ALTER DOMAIN` (and `COMMENT ON DOMAIN`) from `from` to `to`.
pub(super) fn alter(from: &Domain, to: &Domain) -> Vec<String> {
    let name = &to.name;
    alterations(from, to)
        .into_iter()
        .map(|a| match a {
            Alteration::DropCheck(c) => format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", q(&c)),
            Alteration::Default(Some(e)) => format!("ALTER DOMAIN {name} SET DEFAULT {}", e.sql),
            Alteration::Default(None) => format!("ALTER DOMAIN {name} DROP DEFAULT"),
            Alteration::NotNull(n) => format!(
                "ALTER DOMAIN {name} {} NOT NULL",
                if n { "SET" } else { "DROP" }
            ),
            Alteration::AddCheck(c) => add_check(to, &c),
            Alteration::Validate(c) => {
                format!("ALTER DOMAIN {name} VALIDATE CONSTRAINT {}", q(&c))
            }
            Alteration::Comment(c) => comment(to, c.as_ref()),
        })
        .collect()
}

/// `DROP DOMAIN` (without `CASCADE`: it fails while columns use it).
pub(super) fn drop(d: &Domain) -> String {
    format!("DROP DOMAIN {}", d.name)
}

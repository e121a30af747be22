//! Domains: created before the tables that use them, dropped after; their default,
//! `NOT NULL`, checks and comment changed in place (`ALTER DOMAIN`); a new base type or
//! collation makes them again (which PostgreSQL refuses while columns use them).

use super::Change;
use crate::schema::{Check, Domain, Expr, Schema};

/// One `ALTER DOMAIN` (or `COMMENT ON DOMAIN`) that takes a domain from one definition to
/// another.
#[derive(Debug, Clone, PartialEq)]
pub enum Alteration {
    /// `DROP CONSTRAINT` (a check gone or changed).
    DropCheck(String),
    /// `SET DEFAULT` / `DROP DEFAULT`.
    Default(Option<Expr>),
    /// `SET NOT NULL` / `DROP NOT NULL`.
    NotNull(bool),
    /// `ADD CONSTRAINT … CHECK` (`NOT VALID` when the desired one is).
    AddCheck(Check),
    /// `VALIDATE CONSTRAINT`: validated in the desired schema, not in the current one.
    Validate(String),
    /// `COMMENT ON DOMAIN`.
    Comment(Option<String>),
}

/// What takes `from` to `to`, in the order it runs; empty when they agree. A check the
/// desired schema has `NOT VALID` that the current one has validated agrees with it.
pub fn alterations(from: &Domain, to: &Domain) -> Vec<Alteration> {
    let mut out = Vec::new();
    let same = |a: &Check, b: &Check| a.name == b.name && a.expr == b.expr;
    for f in &from.checks {
        if !to.checks.iter().any(|t| same(f, t)) {
            out.push(Alteration::DropCheck(f.name.clone()));
        }
    }
    if from.default != to.default {
        out.push(Alteration::Default(to.default.clone()));
    }
    if from.not_null != to.not_null {
        out.push(Alteration::NotNull(to.not_null));
    }
    for t in &to.checks {
        match from.checks.iter().find(|f| same(f, t)) {
            None => out.push(Alteration::AddCheck(t.clone())),
            Some(f) if f.not_valid && !t.not_valid => {
                out.push(Alteration::Validate(t.name.clone()))
            }
            Some(_) => {}
        }
    }
    if from.comment != to.comment {
        out.push(Alteration::Comment(to.comment.clone()));
    }
    out
}

pub(super) fn diff_domains(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    if from.hidden.domains || to.hidden.domains {
        return;
    }
    // A domain a side could not read is known to exist: never created or dropped.
    let unread = |n| from.external.contains(n) || to.external.contains(n);
    for (name, t) in to.domains.iter().filter(|(n, _)| !unread(n)) {
        match from.domains.get(name) {
            None => out.push(Change::CreateDomain { domain: t.clone() }),
            Some(f) if f.base != t.base || f.collation != t.collation => {
                out.push(Change::DropDomain {
                    domain: f.clone(),
                    replaced: true,
                });
                out.push(Change::CreateDomain { domain: t.clone() });
            }
            Some(f) if !alterations(f, t).is_empty() => out.push(Change::AlterDomain {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    if whole {
        for (name, f) in from.domains.iter().filter(|(n, _)| !unread(n)) {
            if !to.domains.contains_key(name) {
                out.push(Change::DropDomain {
                    domain: f.clone(),
                    replaced: false,
                });
            }
        }
    }
}

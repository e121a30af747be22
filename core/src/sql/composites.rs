//! A composite or range type's statements.

use super::{collate, q};
use crate::diff::{attribute_changes, AttributeChange};
use crate::quote::quote_literal;
use crate::schema::{Attribute, CompositeType, QualName, RangeType};

/// The type's name as its own statements write it: qualified where a built-in type has the
/// name (`pg_catalog` comes first on the search path, so `DROP TYPE line` names its `line`).
fn type_name(n: &QualName) -> String {
    let canonical = crate::normalize::canonical_type_name(&q(&n.name));
    let builtin =
        canonical.as_str() != q(&n.name) || crate::schema::type_storage(&canonical).is_some();
    if n.schema == "public" && builtin {
        format!("public.{}", q(&n.name))
    } else {
        n.to_string()
    }
}

/// An attribute as `CREATE TYPE` and `ADD ATTRIBUTE` write it.
fn attribute(a: &Attribute) -> String {
    let mut s = format!("{} {}", q(&a.name), a.data_type);
    if let Some(c) = &a.collation {
        s.push_str(&collate(c));
    }
    s
}

fn comment_text(c: Option<&String>) -> String {
    c.map_or_else(|| "NULL".to_string(), |c| quote_literal(c))
}

fn type_comment(t: &CompositeType, c: Option<&String>) -> String {
    format!(
        "COMMENT ON TYPE {} IS {}",
        type_name(&t.name),
        comment_text(c)
    )
}

fn attribute_comment(t: &CompositeType, name: &str, c: Option<&String>) -> String {
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        type_name(&t.name),
        q(name),
        comment_text(c)
    )
}

/// `CREATE TYPE … AS (…)`, then its comments.
pub(super) fn create(t: &CompositeType) -> Vec<String> {
    let attributes: Vec<String> = t.attributes.iter().map(attribute).collect();
    let mut out = vec![format!(
        "CREATE TYPE {} AS ({})",
        type_name(&t.name),
        attributes.join(", ")
    )];
    if let Some(c) = &t.comment {
        out.push(type_comment(t, Some(c)));
    }
    for a in &t.attributes {
        if let Some(c) = &a.comment {
            out.push(attribute_comment(t, &a.name, Some(c)));
        }
    }
    out
}

/// One `ALTER TYPE` with every attribute dropped, retyped and added (PostgreSQL runs the drops
/// first), then the comments that differ.
pub(super) fn alter(from: &CompositeType, to: &CompositeType, used: bool) -> Vec<String> {
    let changes = attribute_changes(from, to, used);
    let mut actions = Vec::new();
    let mut out = Vec::new();
    for c in &changes {
        match c {
            AttributeChange::Drop(a) => actions.push(format!("DROP ATTRIBUTE {}", q(a))),
            AttributeChange::Retype(a) => {
                let mut s = format!("ALTER ATTRIBUTE {} TYPE {}", q(&a.name), a.data_type);
                if let Some(c) = &a.collation {
                    s.push_str(&collate(c));
                }
                actions.push(s);
            }
            AttributeChange::Add(a) => actions.push(format!("ADD ATTRIBUTE {}", attribute(a))),
            AttributeChange::Comment(a, c) => out.push(attribute_comment(to, a, c.as_ref())),
        }
    }
    if !actions.is_empty() {
        out.insert(
            0,
            format!("ALTER TYPE {} {}", type_name(&to.name), actions.join(", ")),
        );
    }
    if from.comment != to.comment {
        out.push(type_comment(to, to.comment.as_ref()));
    }
    out
}

/// `DROP TYPE` (without CASCADE: it fails rather than drop a column schemafix did not plan).
pub(super) fn drop(t: &CompositeType) -> String {
    format!("DROP TYPE {}", type_name(&t.name))
}

/// `CREATE TYPE … AS RANGE (…)` with the options that are not the subtype's defaults, then
/// its comment.
pub(super) fn create_range(r: &RangeType) -> Vec<String> {
    let mut options = vec![format!("subtype = {}", r.subtype)];
    if let Some(c) = &r.subtype_opclass {
        options.push(format!("subtype_opclass = {c}"));
    }
    if let Some(c) = &r.collation {
        options.push(format!(
            "collation = {}",
            collate(c).trim_start_matches(" COLLATE ")
        ));
    }
    if let Some(f) = &r.canonical {
        options.push(format!("canonical = {f}"));
    }
    if let Some(f) = &r.subtype_diff {
        options.push(format!("subtype_diff = {f}"));
    }
    if let Some(m) = &r.multirange {
        options.push(format!("multirange_type_name = {m}"));
    }
    let mut out = vec![format!(
        "CREATE TYPE {} AS RANGE ({})",
        type_name(&r.name),
        options.join(", ")
    )];
    if let Some(c) = &r.comment {
        out.push(format!(
            "COMMENT ON TYPE {} IS {}",
            type_name(&r.name),
            quote_literal(c)
        ));
    }
    out
}

/// `DROP TYPE` of a range type (its multirange type goes with it).
pub(super) fn drop_range(r: &RangeType) -> String {
    format!("DROP TYPE {}", type_name(&r.name))
}

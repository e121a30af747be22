//! Composite types: created before what uses them, dropped after; their attributes added,
//! dropped and retyped in place (`ALTER TYPE`). PostgreSQL keeps a type's attributes in the
//! order they were added and refuses to retype one while a column stores the type, so an
//! attribute out of place, or retyped under a column, is dropped and added again: its values
//! in those columns are lost, which makes the change destructive.

use std::collections::BTreeSet;

use super::Change;
use crate::schema::{Attribute, CompositeType, QualName, Schema};

/// One part of an `ALTER TYPE` (or a comment) that takes a composite type from one definition
/// to another.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeChange {
    /// `DROP ATTRIBUTE`.
    Drop(String),
    /// `ADD ATTRIBUTE` (at the end).
    Add(Attribute),
    /// `ALTER ATTRIBUTE … TYPE … [COLLATE …]`.
    Retype(Attribute),
    /// `COMMENT ON COLUMN type.attribute`.
    Comment(String, Option<String>),
}

/// What takes `from` to `to`, in the order it runs: drops, retypes, adds, then comments (the
/// type's own comment is the change's to compare). `used` says whether a column stores the
/// type, so that an attribute cannot be retyped in place.
pub fn attribute_changes(
    from: &CompositeType,
    to: &CompositeType,
    used: bool,
) -> Vec<AttributeChange> {
    let same_type =
        |a: &Attribute, b: &Attribute| a.data_type == b.data_type && a.collation == b.collation;
    // The desired attributes kept where they are: the longest start of the desired list that
    // the current one holds in the same order (and, under a column, of the same type).
    let mut kept = 0;
    let mut last = None;
    for t in &to.attributes {
        let Some(at) = from.attributes.iter().position(|f| f.name == t.name) else {
            break;
        };
        if last.is_some_and(|l| at < l) || (used && !same_type(&from.attributes[at], t)) {
            break;
        }
        last = Some(at);
        kept += 1;
    }
    let kept_names: BTreeSet<&str> = to.attributes[..kept]
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let mut out: Vec<AttributeChange> = from
        .attributes
        .iter()
        .filter(|f| !kept_names.contains(f.name.as_str()))
        .map(|f| AttributeChange::Drop(f.name.clone()))
        .collect();
    for t in &to.attributes[..kept] {
        if from.attribute(&t.name).is_some_and(|f| !same_type(f, t)) {
            out.push(AttributeChange::Retype(t.clone()));
        }
    }
    out.extend(
        to.attributes[kept..]
            .iter()
            .cloned()
            .map(AttributeChange::Add),
    );
    for (i, t) in to.attributes.iter().enumerate() {
        let before = if i < kept {
            from.attribute(&t.name).and_then(|f| f.comment.clone())
        } else {
            None
        };
        if before != t.comment {
            out.push(AttributeChange::Comment(t.name.clone(), t.comment.clone()));
        }
    }
    out
}

/// The columns (`table.column`) that store values of the type `name` in `schema`: of the type,
/// an array of it, a domain over it, or a composite type holding it.
pub fn columns_storing(schema: &Schema, name: &QualName) -> Vec<String> {
    let element = |t: &str| t.trim_end_matches("[]").to_string();
    let mut types: BTreeSet<String> = BTreeSet::from([name.to_string()]);
    // A type cannot hold itself; the bound only keeps a malformed schema from looping.
    for _ in 0..16 {
        let before = types.len();
        for d in schema.domains.values() {
            if types.contains(&element(&d.base)) {
                types.insert(d.name.to_string());
            }
        }
        for c in schema.composites.values() {
            if c.attributes
                .iter()
                .any(|a| types.contains(&element(&a.data_type)))
            {
                types.insert(c.name.to_string());
            }
        }
        if types.len() == before {
            break;
        }
    }
    let mut out = Vec::new();
    for t in schema.tables.values() {
        for c in &t.columns {
            if types.contains(&element(&c.data_type)) {
                out.push(format!("{}.{}", t.name, crate::quote::quote_ident(&c.name)));
            }
        }
    }
    out
}

pub(super) fn diff_composites(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    if from.hidden.composites || to.hidden.composites {
        return;
    }
    // A type a side could not read is known to exist: never created, altered or dropped.
    let unread = |n| from.external.contains(n) || to.external.contains(n);
    for (name, t) in to.composites.iter().filter(|(n, _)| !unread(n)) {
        match from.composites.get(name) {
            None => out.push(Change::CreateCompositeType { ty: t.clone() }),
            Some(f) if f != t => out.push(Change::AlterCompositeType {
                from: f.clone(),
                to: t.clone(),
                used_by: columns_storing(from, name),
            }),
            Some(_) => {}
        }
    }
    if whole {
        for (name, f) in from.composites.iter().filter(|(n, _)| !unread(n)) {
            if !to.composites.contains_key(name) {
                out.push(Change::DropCompositeType { ty: f.clone() });
            }
        }
    }
}

//! Range types: created before what uses them, dropped after; PostgreSQL alters none, so one
//! wanted with another definition is dropped and made again — unless a column that stays
//! stores it, which PostgreSQL refuses, and the type is then not compared ([`ranges_held`]).

use super::composites::columns_storing;
use super::Change;
use crate::schema::{QualName, Schema};

/// The range types both sides have with other definitions that columns the desired schema
/// keeps store, with those columns: PostgreSQL alters no range type and drops none a column
/// stores, so they are not compared.
pub fn ranges_held(from: &Schema, to: &Schema) -> Vec<(QualName, Vec<String>)> {
    if from.hidden.composites || to.hidden.composites {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, t) in &to.ranges {
        let Some(f) = from.ranges.get(name) else {
            continue;
        };
        if f.same_definition(t) {
            continue;
        }
        let kept = columns_storing(to, name);
        let held: Vec<String> = columns_storing(from, name)
            .into_iter()
            .filter(|c| kept.contains(c))
            .collect();
        if !held.is_empty() {
            out.push((name.clone(), held));
        }
    }
    out
}

pub(super) fn diff_ranges(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    if from.hidden.composites || to.hidden.composites {
        return;
    }
    let held: Vec<QualName> = ranges_held(from, to).into_iter().map(|(n, _)| n).collect();
    // A type a side could not read is known to exist: never created or dropped.
    let unread = |n| from.external.contains(n) || to.external.contains(n);
    for (name, t) in to.ranges.iter().filter(|(n, _)| !unread(n)) {
        // The comment it has once made or kept.
        let comment = match from.ranges.get(name) {
            // Made with its comment.
            None => {
                out.push(Change::CreateRangeType { ty: t.clone() });
                t.comment.clone()
            }
            Some(_) if held.contains(name) => continue,
            Some(f) if !f.same_definition(t) => {
                out.push(Change::DropRangeType {
                    ty: f.clone(),
                    replaced: true,
                });
                out.push(Change::CreateRangeType { ty: t.clone() });
                t.comment.clone()
            }
            Some(f) => f.comment.clone(),
        };
        if comment != t.comment {
            out.push(Change::CommentType {
                name: name.clone(),
                from: comment,
                to: t.comment.clone(),
            });
        }
    }
    if whole {
        for (name, f) in from.ranges.iter().filter(|(n, _)| !unread(n)) {
            if !to.ranges.contains_key(name) {
                out.push(Change::DropRangeType {
                    ty: f.clone(),
                    replaced: false,
                });
            }
        }
    }
}

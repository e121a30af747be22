//! Comments on schemas, sequences, collations and policies (`Schema::comments`).

use std::collections::BTreeSet;

use super::Change;
use crate::schema::{CommentTarget, Schema};

/// The comment changes from `from` to `to`, after the other changes (`out`): on every object
/// `to` has, an object `out` makes anew (a policy dropped and created again) starting without
/// one. A side that cannot show these comments (a model, a `\d` paste) changes none.
pub(crate) fn diff_all(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    if to.hidden.object_comments {
        return;
    }
    let anew: BTreeSet<CommentTarget> = out
        .iter()
        .filter_map(|c| match c {
            Change::CreateSchema { name, .. } => Some(CommentTarget::Schema { name: name.clone() }),
            Change::CreateSequence { seq } => Some(CommentTarget::Sequence {
                name: seq.name.clone(),
            }),
            Change::CreateCollation { collation } => Some(CommentTarget::Collation {
                name: collation.name.clone(),
            }),
            Change::CreatePolicy { table, policy } => Some(CommentTarget::Policy {
                table: table.clone(),
                name: policy.name.clone(),
            }),
            _ => None,
        })
        .collect();
    let mut targets: BTreeSet<&CommentTarget> = to.comments.iter().map(|c| &c.target).collect();
    targets.extend(from.comments.iter().map(|c| &c.target));
    let mut more = Vec::new();
    for target in targets {
        if !target.exists_in(to) {
            continue;
        }
        let made = anew.contains(target);
        if !made && (from.hidden.object_comments || !target.exists_in(from)) {
            continue;
        }
        let was = if made { None } else { from.comment_on(target) };
        let want = to.comment_on(target);
        if was != want {
            more.push(Change::CommentObject {
                target: target.clone(),
                from: was.map(str::to_string),
                to: want.map(str::to_string),
            });
        }
    }
    out.extend(more);
}

//! Indexes that do not back a constraint.

use super::{match_items, Change};
use crate::schema::{Index, QualName, Table};

/// A new index, with its comment.
pub(crate) fn create_index(table: &QualName, index: &Index, out: &mut Vec<Change>) {
    out.push(Change::CreateIndex {
        table: table.clone(),
        index: index.clone(),
    });
    if index.comment.is_some() {
        out.push(Change::CommentIndex {
            table: table.clone(),
            index: index.name.clone(),
            from: None,
            to: index.comment.clone(),
        });
    }
}

pub(super) fn diff_indexes(f: &Table, t: &Table, out: &mut Vec<Change>) {
    let m = match_items(
        &f.indexes,
        &t.indexes,
        |i: &Index| &i.name,
        // An invalid index (a failed concurrent build) matches nothing: built again.
        |a, b| !a.invalid && !b.invalid && a.same_definition(b),
    );
    for (a, b) in m.renamed {
        out.push(Change::RenameIndex {
            table: t.name.clone(),
            from: a.name.clone(),
            to: b.name.clone(),
        });
    }
    for i in m.dropped {
        out.push(Change::DropIndex {
            table: t.name.clone(),
            index: i.clone(),
        });
    }
    let added: Vec<String> = m.added.iter().map(|i| i.name.clone()).collect();
    for i in m.added {
        create_index(&t.name, i, out);
    }
    // Indexes kept (or renamed) whose comment changed.
    for ti in &t.indexes {
        let from = f.indexes.iter().find(|fi| fi.name == ti.name).or_else(|| {
            f.indexes
                .iter()
                .find(|fi| fi.keys == ti.keys && fi.unique == ti.unique && fi.method == ti.method)
        });
        if let Some(fi) = from {
            if fi.comment != ti.comment && !added.contains(&ti.name) {
                out.push(Change::CommentIndex {
                    table: t.name.clone(),
                    index: ti.name.clone(),
                    from: fi.comment.clone(),
                    to: ti.comment.clone(),
                });
            }
        }
    }
}

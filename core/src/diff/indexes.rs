//! Indexes that do not back a constraint.

use super::{match_items, Change};
use crate::schema::{Index, Table};

pub(super) fn diff_indexes(f: &Table, t: &Table, out: &mut Vec<Change>) {
    let m = match_items(
        &f.indexes,
        &t.indexes,
        |i: &Index| &i.name,
        |a, b| {
            a.unique == b.unique
                && a.method == b.method
                && a.keys == b.keys
                && a.include == b.include
                && a.nulls_not_distinct == b.nulls_not_distinct
                && a.predicate == b.predicate
        },
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
    for i in m.added {
        out.push(Change::CreateIndex {
            table: t.name.clone(),
            index: i.clone(),
        });
    }
}

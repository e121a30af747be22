//! Tables: create, drop, and the per-table comparison that delegates to the other kinds.

use super::{columns, constraints, indexes, Change};
use crate::normalize::{index_name_columns, make_object_name};
use crate::schema::{Schema, Table};

/// What a table declares itself, without what PostgreSQL gives it from its parents (`INHERITS`
/// columns and checks; a partition's columns and its clones of the parent's keys and indexes):
/// changes to those are made on the parent and reach the child from there.
pub(super) fn local_view(t: &Table, schema: &Schema) -> Table {
    let parents: Vec<&Table> = t
        .inherits
        .iter()
        .chain(t.partition_of.as_ref().map(|p| &p.parent))
        .filter_map(|p| schema.tables.get(p))
        .collect();
    let known = parents.len() == t.inherits.len() + usize::from(t.partition_of.is_some());
    if parents.is_empty() && t.partition_of.is_none() {
        return t.clone();
    }
    let mut local = t.clone();
    local
        .columns
        .retain(|c| !parents.iter().any(|p| p.column(&c.name).is_some()));
    local.checks.retain(|c| {
        !parents
            .iter()
            .any(|p| p.checks.iter().any(|x| x.name == c.name))
    });
    if t.partition_of.is_some() {
        // A partition's columns all come from its parent.
        local.columns.clear();
        let parent_has = |f: &dyn Fn(&Table) -> bool| !known || parents.iter().any(|p| f(p));
        if parent_has(&|p: &Table| p.primary_key.is_some()) {
            local.primary_key = None;
        }
        local
            .uniques
            .retain(|u| !parent_has(&|p: &Table| p.uniques.iter().any(|x| x.columns == u.columns)));
        local.indexes.retain(|i| {
            let cols = index_name_columns(&i.keys);
            let clone_name =
                i.name
                    .starts_with(&make_object_name(&t.name.name, Some(&cols), "idx"));
            let clone = if known {
                parents.iter().any(|p| {
                    p.indexes.iter().any(|x| {
                        x.keys == i.keys && x.unique == i.unique && x.predicate == i.predicate
                    })
                })
            } else {
                clone_name
            };
            !clone
        });
    }
    local
}

/// A new table: created without its foreign keys, which follow once every table exists.
pub(crate) fn create_table(t: &Table, out: &mut Vec<Change>) {
    let mut bare = t.clone();
    bare.foreign_keys.clear();
    bare.indexes.clear();
    out.push(Change::CreateTable { table: bare });
    for fk in &t.foreign_keys {
        out.push(Change::AddForeignKey {
            table: t.name.clone(),
            fk: fk.clone(),
        });
    }
    for index in &t.indexes {
        indexes::create_index(&t.name, index, out);
    }
    if t.comment.is_some() {
        out.push(Change::CommentTable {
            table: t.name.clone(),
            from: None,
            to: t.comment.clone(),
        });
    }
    for c in &t.columns {
        if c.comment.is_some() {
            out.push(Change::CommentColumn {
                table: t.name.clone(),
                column: c.name.clone(),
                from: None,
                to: c.comment.clone(),
            });
        }
    }
}

/// A table that is no longer wanted; its foreign keys go first so other drops can follow.
pub(super) fn drop_table(t: &Table, out: &mut Vec<Change>) {
    for fk in &t.foreign_keys {
        out.push(Change::DropForeignKey {
            table: t.name.clone(),
            fk: fk.clone(),
        });
    }
    out.push(Change::DropTable { table: t.clone() });
}

/// A table both sides have.
pub(super) fn diff_table(f: &Table, t: &Table, from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (f, t) = (&local_view(f, to), &local_view(t, to));
    columns::diff_columns(f, t, from, to, out);
    constraints::diff_constraints(f, t, out);
    indexes::diff_indexes(f, t, out);
    if f.comment != t.comment {
        out.push(Change::CommentTable {
            table: t.name.clone(),
            from: f.comment.clone(),
            to: t.comment.clone(),
        });
    }
}

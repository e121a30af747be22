//! Tables: create, drop, and the per-table comparison that delegates to the other kinds.

use super::{columns, constraints, indexes, Change};
use crate::schema::{Schema, Table};

/// A new table: created without its foreign keys, which follow once every table exists.
pub(super) fn create_table(t: &Table, out: &mut Vec<Change>) {
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

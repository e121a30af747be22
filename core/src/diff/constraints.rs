//! Constraints: primary key, unique, check and foreign key.

use super::{match_items, Change};
use crate::schema::{Check, ForeignKey, PrimaryKey, Table, Unique};

pub(super) fn diff_constraints(f: &Table, t: &Table, out: &mut Vec<Change>) {
    let table = &t.name;
    let rename = |out: &mut Vec<Change>, a: &str, b: &str| {
        out.push(Change::RenameConstraint {
            table: table.clone(),
            from: a.to_string(),
            to: b.to_string(),
        })
    };

    let fpk: Vec<PrimaryKey> = f.primary_key.iter().cloned().collect();
    let tpk: Vec<PrimaryKey> = t.primary_key.iter().cloned().collect();
    let m = match_items(
        &fpk,
        &tpk,
        |p| &p.name,
        |a, b| a.columns == b.columns && a.include == b.include && a.deferrable == b.deferrable,
    );
    for (a, b) in m.renamed {
        rename(out, &a.name, &b.name);
    }
    for p in m.dropped {
        out.push(Change::DropPrimaryKey {
            table: table.clone(),
            pk: p.clone(),
        });
    }
    for p in m.added {
        out.push(Change::AddPrimaryKey {
            table: table.clone(),
            pk: p.clone(),
        });
    }

    let m = match_items(
        &f.uniques,
        &t.uniques,
        |u: &Unique| &u.name,
        |a, b| {
            a.columns == b.columns
                && a.include == b.include
                && a.nulls_not_distinct == b.nulls_not_distinct
                && a.deferrable == b.deferrable
        },
    );
    for (a, b) in m.renamed {
        rename(out, &a.name, &b.name);
    }
    for u in m.dropped {
        out.push(Change::DropUnique {
            table: table.clone(),
            unique: u.clone(),
        });
    }
    for u in m.added {
        out.push(Change::AddUnique {
            table: table.clone(),
            unique: u.clone(),
        });
    }

    let m = match_items(
        &f.checks,
        &t.checks,
        |c: &Check| &c.name,
        |a, b| a.expr == b.expr && a.no_inherit == b.no_inherit,
    );
    for (a, b) in m.renamed {
        rename(out, &a.name, &b.name);
    }
    for c in m.dropped {
        out.push(Change::DropCheck {
            table: table.clone(),
            check: c.clone(),
        });
    }
    for c in m.added {
        out.push(Change::AddCheck {
            table: table.clone(),
            check: c.clone(),
        });
    }

    let m = match_items(
        &f.foreign_keys,
        &t.foreign_keys,
        |k: &ForeignKey| &k.name,
        |a, b| {
            a.columns == b.columns
                && a.ref_table == b.ref_table
                && a.ref_columns == b.ref_columns
                && a.on_delete == b.on_delete
                && a.on_update == b.on_update
                && a.match_full == b.match_full
                && a.deferrable == b.deferrable
        },
    );
    for (a, b) in m.renamed {
        rename(out, &a.name, &b.name);
    }
    for k in m.dropped {
        out.push(Change::DropForeignKey {
            table: table.clone(),
            fk: k.clone(),
        });
    }
    for k in m.added {
        out.push(Change::AddForeignKey {
            table: table.clone(),
            fk: k.clone(),
        });
    }
}

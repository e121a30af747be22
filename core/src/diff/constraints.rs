//! Constraints: primary key, unique, check, foreign key and exclusion.

use super::{match_items, Change};
use crate::schema::{Check, Exclusion, ForeignKey, PrimaryKey, QualName, Table, Unique};

/// Matches one kind of constraint and emits renames, drops and adds.
fn diff_kind<T: Clone>(
    table: &QualName,
    from: &[T],
    to: &[T],
    name: impl Fn(&T) -> &str,
    same_def: impl Fn(&T, &T) -> bool,
    drop: impl Fn(QualName, T) -> Change,
    add: impl Fn(QualName, T) -> Change,
) -> Vec<Change> {
    let mut out = Vec::new();
    let m = match_items(from, to, &name, same_def);
    for (a, b) in m.renamed {
        out.push(Change::RenameConstraint {
            table: table.clone(),
            from: name(a).to_string(),
            to: name(b).to_string(),
        });
    }
    out.extend(
        m.dropped
            .into_iter()
            .map(|x| drop(table.clone(), x.clone())),
    );
    out.extend(m.added.into_iter().map(|x| add(table.clone(), x.clone())));
    out
}

/// Two foreign keys with the same definition (their validity aside).
fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.match_full == b.match_full
        && a.deferrable == b.deferrable
}

pub(super) fn diff_constraints(f: &Table, t: &Table, out: &mut Vec<Change>) {
    let table = &t.name;
    let fpk: Vec<PrimaryKey> = f.primary_key.iter().cloned().collect();
    let tpk: Vec<PrimaryKey> = t.primary_key.iter().cloned().collect();
    out.extend(diff_kind(
        table,
        &fpk,
        &tpk,
        |p| &p.name,
        |a, b| a.columns == b.columns && a.include == b.include && a.deferrable == b.deferrable,
        |table, pk| Change::DropPrimaryKey { table, pk },
        |table, pk| Change::AddPrimaryKey { table, pk },
    ));
    out.extend(diff_kind(
        table,
        &f.uniques,
        &t.uniques,
        |u: &Unique| &u.name,
        |a, b| {
            a.columns == b.columns
                && a.include == b.include
                && a.nulls_not_distinct == b.nulls_not_distinct
                && a.deferrable == b.deferrable
        },
        |table, unique| Change::DropUnique { table, unique },
        |table, unique| Change::AddUnique { table, unique },
    ));
    out.extend(diff_kind(
        table,
        &f.checks,
        &t.checks,
        |c: &Check| &c.name,
        |a, b| a.expr == b.expr && a.no_inherit == b.no_inherit,
        |table, check| Change::DropCheck { table, check },
        |table, check| Change::AddCheck { table, check },
    ));
    out.extend(diff_kind(
        table,
        &f.foreign_keys,
        &t.foreign_keys,
        |k: &ForeignKey| &k.name,
        same_fk,
        |table, fk| Change::DropForeignKey { table, fk },
        |table, fk| Change::AddForeignKey { table, fk },
    ));
    // Kept checks and foreign keys the database holds NOT VALID where the desired schema has
    // them validated (a desired NOT VALID over a validated one asks for nothing: valid holds
    // more).
    let check_same = |a: &Check, b: &Check| a.expr == b.expr && a.no_inherit == b.no_inherit;
    for tc in t.checks.iter().filter(|c| !c.not_valid) {
        if f.checks
            .iter()
            .any(|fc| fc.name == tc.name && fc.not_valid && check_same(fc, tc))
        {
            out.push(Change::ValidateConstraint {
                table: table.clone(),
                name: tc.name.clone(),
            });
        }
    }
    for tk in t.foreign_keys.iter().filter(|k| !k.not_valid) {
        if f.foreign_keys
            .iter()
            .any(|fk| fk.name == tk.name && fk.not_valid && same_fk(fk, tk))
        {
            out.push(Change::ValidateConstraint {
                table: table.clone(),
                name: tk.name.clone(),
            });
        }
    }
    out.extend(diff_kind(
        table,
        &f.exclusions,
        &t.exclusions,
        |e: &Exclusion| &e.name,
        |a, b| {
            a.method == b.method
                && a.elements == b.elements
                && a.include == b.include
                && a.predicate == b.predicate
                && a.deferrable == b.deferrable
        },
        |table, exclusion| Change::DropExclusion { table, exclusion },
        |table, exclusion| Change::AddExclusion { table, exclusion },
    ));
}

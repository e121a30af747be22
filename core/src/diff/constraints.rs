//! Constraints: primary key, unique, check, foreign key and exclusion.

use super::{match_items, Change};
use crate::schema::{Check, Exclusion, ForeignKey, PrimaryKey, QualName, Schema, Table, Unique};

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

/// The constraints of `to` that `from` holds under the same name and definition but `NOT
/// VALID` while `to` has them validated: each a `VALIDATE CONSTRAINT` (a desired NOT VALID over
/// a validated one asks for nothing: valid holds more).
fn validations<T>(
    table: &QualName,
    from: &[T],
    to: &[T],
    name: impl Fn(&T) -> &str,
    not_valid: impl Fn(&T) -> bool,
    same_def: impl Fn(&T, &T) -> bool,
    out: &mut Vec<Change>,
) {
    for t in to.iter().filter(|t| !not_valid(t)) {
        if from
            .iter()
            .any(|f| name(f) == name(t) && not_valid(f) && same_def(f, t))
        {
            out.push(Change::ValidateConstraint {
                table: table.clone(),
                name: name(t).to_string(),
            });
        }
    }
}

pub(super) fn diff_constraints(
    f: &Table,
    t: &Table,
    (from, to): (&Schema, &Schema),
    out: &mut Vec<Change>,
) {
    // A check that differs only where a paste shows a tab as blanks is the same check.
    let same_check = |a: &Check, b: &Check| {
        a.same_definition(b)
            || (a.no_inherit == b.no_inherit
                && super::columns::exprs_alike_but_tabs(from, to, &a.expr, &b.expr))
    };
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
        same_check,
        |table, check| Change::DropCheck { table, check },
        |table, check| Change::AddCheck { table, check },
    ));
    out.extend(diff_kind(
        table,
        &f.foreign_keys,
        &t.foreign_keys,
        |k: &ForeignKey| &k.name,
        ForeignKey::same_definition,
        |table, fk| Change::DropForeignKey { table, fk },
        |table, fk| Change::AddForeignKey { table, fk },
    ));
    validations(
        table,
        &f.checks,
        &t.checks,
        |c| &c.name,
        |c| c.not_valid,
        same_check,
        out,
    );
    validations(
        table,
        &f.foreign_keys,
        &t.foreign_keys,
        |k| &k.name,
        |k| k.not_valid,
        ForeignKey::same_definition,
        out,
    );
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

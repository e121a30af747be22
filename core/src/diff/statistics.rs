//! Extended statistics objects, once the other changes are known: one on a table made anew is
//! created with it, one on a table or column the plan drops goes with it (PostgreSQL drops
//! it), one defined otherwise is dropped and created again (it holds only what `ANALYZE`
//! derives), and a target or comment is changed in place. Shared with the down plan.

use std::collections::BTreeSet;

use super::Change;
use crate::schema::{QualName, Schema, Statistics};

/// Whether `c` is a change of a statistics object.
pub(crate) fn is_statistics(c: &Change) -> bool {
    matches!(
        c,
        Change::CreateStatistics { .. }
            | Change::AlterStatistics { .. }
            | Change::DropStatistics { .. }
    )
}

/// Whether the statistics object `s` names the column `column`: as a key, or in an
/// expression (any name in it, so an unlikely false match only drops and creates it again).
fn names_column(s: &Statistics, column: &str) -> bool {
    let mut found = Vec::new();
    s.keys.iter().any(|k| match &k.column {
        Some(c) => c == column,
        None => {
            found.clear();
            super::refs::scan(&k.expr.sql, false, false, &mut found);
            found
                .iter()
                .any(|(parts, _)| parts.last().is_some_and(|p| p == column))
        }
    })
}

pub(crate) fn diff_all(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    if from.hidden.statistics || to.hidden.statistics {
        return;
    }
    let mut remade: BTreeSet<&QualName> = BTreeSet::new();
    let mut dropped_columns: BTreeSet<(QualName, String)> = BTreeSet::new();
    for c in out.iter() {
        match c {
            Change::CreateTable { table } | Change::DropTable { table } => {
                remade.insert(&table.name);
            }
            Change::RecreateTable { to, .. } => {
                remade.insert(&to.name);
            }
            Change::DropColumn { table, column } => {
                dropped_columns.insert((table.clone(), column.name.to_string()));
            }
            _ => {}
        }
    }
    // What the plan leaves of the current side's objects: none of a table made anew or
    // dropped, nor one on a column dropped.
    let kept = |t: &QualName, s: &Statistics| {
        !remade.contains(t)
            && !dropped_columns
                .iter()
                .any(|(dt, c)| dt == t && names_column(s, c))
    };
    let current: Vec<(&QualName, &Statistics)> = from
        .tables
        .iter()
        .flat_map(|(n, t)| t.statistics.iter().map(move |s| (n, s)))
        .filter(|(n, s)| kept(n, s))
        .collect();
    let mut more = Vec::new();
    let mut matched = BTreeSet::new();
    for (table, t) in &to.tables {
        // A table the plan neither has nor makes is not compared.
        if !remade.contains(table) && !from.tables.contains_key(table) {
            continue;
        }
        for s in &t.statistics {
            match current.iter().find(|(_, f)| f.name == s.name) {
                Some((ft, f)) if *ft == table && f.same_definition(s) => {
                    matched.insert(&f.name);
                    if f.target != s.target || f.comment != s.comment {
                        more.push(Change::AlterStatistics {
                            table: table.clone(),
                            from: (*f).clone(),
                            to: s.clone(),
                        });
                    }
                }
                Some((ft, f)) => {
                    matched.insert(&f.name);
                    more.push(Change::DropStatistics {
                        table: (*ft).clone(),
                        stats: (*f).clone(),
                        replaced: true,
                    });
                    more.push(Change::CreateStatistics {
                        table: table.clone(),
                        stats: s.clone(),
                    });
                }
                None => more.push(Change::CreateStatistics {
                    table: table.clone(),
                    stats: s.clone(),
                }),
            }
        }
    }
    for (table, f) in current {
        if !matched.contains(&f.name) {
            more.push(Change::DropStatistics {
                table: table.clone(),
                stats: f.clone(),
                replaced: false,
            });
        }
    }
    out.extend(more);
}

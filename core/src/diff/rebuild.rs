//! Dependants rebuilt around a change PostgreSQL refuses while they exist: a function dropped
//! and created again (its result changes) under a column default, a check, an index or a
//! policy calling it; a column whose type changes under a policy that reads it or a generated
//! column computed from it; a unique key or
//! primary key dropped under the foreign keys that reference it. Each such dependant that both
//! sides keep is dropped before the change and created again after it (the plan's dependency
//! graph orders them), with the reason. Views are rebuilt by `views.rs`, triggers by
//! `routines.rs`.

use std::collections::{BTreeMap, BTreeSet};

use super::refs::{calls_one_of, names_one_of};
use super::Change;
use crate::schema::{QualName, Schema, Table};

/// Adds the rebuilds to `out`; `rebuilt` gets the reason of each change added (or changed).
pub(crate) fn rebuild_dependants(
    from: &Schema,
    to: &Schema,
    out: &mut Vec<Change>,
    rebuilt: &mut Vec<(Change, String)>,
) {
    let mut refunctioned: BTreeMap<QualName, String> = BTreeMap::new();
    let mut retyped: BTreeSet<(QualName, String)> = BTreeSet::new();
    let mut keys_dropped: Vec<(QualName, BTreeSet<String>, String)> = Vec::new();
    let mut gone: BTreeSet<QualName> = BTreeSet::new();
    for c in out.iter() {
        match c {
            Change::DropFunction {
                function,
                replaced: true,
            } => {
                refunctioned.insert(
                    function.name.clone(),
                    format!(
                        "it calls {}, which is dropped and created again (its parameters or result change)",
                        function.signature()
                    ),
                );
            }
            Change::AlterColumnType { table, column, .. } => {
                retyped.insert((table.clone(), column.clone()));
            }
            Change::DropUnique { table, unique } => {
                keys_dropped.push((
                    table.clone(),
                    unique.columns.iter().cloned().collect(),
                    unique.name.clone(),
                ));
            }
            Change::DropPrimaryKey { table, pk } => {
                keys_dropped.push((
                    table.clone(),
                    pk.columns.iter().cloned().collect(),
                    pk.name.clone(),
                ));
            }
            Change::DropIndex { table, index }
                if index.unique
                    && index.predicate.is_none()
                    && index.keys.iter().all(|k| k.is_column) =>
            {
                keys_dropped.push((
                    table.clone(),
                    index.keys.iter().map(|k| k.expr.canon.clone()).collect(),
                    index.name.clone(),
                ));
            }
            Change::DropTable { table } => {
                gone.insert(table.name.clone());
            }
            Change::RecreateTable { to, .. } => {
                gone.insert(to.name.clone());
            }
            _ => {}
        }
    }
    // Functions dropped and created again unchanged (`routines.rs`: their parameters or result
    // are the row type of a relation made anew) say which relation.
    let mut add: Vec<(Change, String)> = Vec::new();
    let remade = super::routines::remade(out);
    for c in out.iter() {
        let (Change::DropFunction {
            function: f,
            replaced: true,
        }
        | Change::CreateFunction { function: f }) = c
        else {
            continue;
        };
        let sig = f.signature();
        let (Some(was), Some(will)) = (from.functions.get(&sig), to.functions.get(&sig)) else {
            continue;
        };
        if was.definition != will.definition {
            continue;
        }
        let Some(rel) = remade
            .iter()
            .find(|r| super::routines::row_type_in(super::routines::head(was), r))
        else {
            continue;
        };
        let what = if matches!(c, Change::DropFunction { .. }) {
            "dropped to be created again"
        } else {
            "created again"
        };
        rebuilt.push((
            c.clone(),
            format!(
                "{} {sig}: {what}: it takes or returns the row type of {rel}, which is dropped and created again",
                if f.procedure { "procedure" } else { "function" }
            ),
        ));
    }
    if refunctioned.is_empty() && retyped.is_empty() && keys_dropped.is_empty() {
        return;
    }
    let calls_any = |sql: &str| calls_one_of(sql, refunctioned.keys()).map(|f| &refunctioned[f]);
    for (name, ft) in &from.tables {
        let Some(tt) = to.tables.get(name) else {
            continue;
        };
        if gone.contains(name) {
            continue;
        }
        // Parts a partition or child takes from its parent go and come back with the parent's.
        let own = |n: &str| !inherited_check(from, ft, n);
        for c in &ft.columns {
            let Some(d) = &c.default else { continue };
            let Some(why) = calls_any(&d.sql) else {
                continue;
            };
            let Some(want) = tt.column(&c.name).and_then(|w| w.default.as_deref()) else {
                continue;
            };
            let col = c.name.to_string();
            let on = |x: &Change| match x {
                Change::DropDefault { table, column, .. }
                | Change::SetDefault { table, column, .. } => table == name && *column == col,
                Change::DropColumn { table, column } => table == name && *column.name == *col,
                _ => false,
            };
            if out
                .iter()
                .any(|x| on(x) && !matches!(x, Change::SetDefault { .. }))
            {
                continue;
            }
            out.retain(|x| !on(x));
            let at = format!("{name}.{}", crate::quote::quote_ident(&col));
            add.push((
                Change::DropDefault {
                    table: name.clone(),
                    column: col.clone(),
                    from: (**d).clone(),
                },
                format!("{at}: default {} dropped to be set again: {why}", d.sql),
            ));
            add.push((
                Change::SetDefault {
                    table: name.clone(),
                    column: col,
                    from: None,
                    to: want.clone(),
                },
                format!("{at}: default {} set again: {why}", want.sql),
            ));
        }
        // A generated column computed from a column whose type changes: PostgreSQL refuses
        // the change while it exists; it is dropped and added again (computed anew, nothing
        // lost), with the indexes on it.
        for g in &ft.columns {
            let Some(expr) = &g.generated else { continue };
            let columns = retyped
                .iter()
                .filter(|(t, _)| t == name)
                .map(|(_, c)| c.as_str());
            let Some(read) = names_one_of(&[expr.sql.as_str()], columns) else {
                continue;
            };
            let Some(want) = tt.column(&g.name).filter(|w| w.generated.is_some()) else {
                continue;
            };
            let dropped = out.iter().any(|x| {
                matches!(x, Change::DropColumn { table, column } if table == name && column.name == g.name)
            });
            if dropped {
                continue;
            }
            let why = format!(
                "it is computed from {name}.{}, whose type changes",
                crate::quote::quote_ident(read)
            );
            let at = format!("{name}.{}", crate::quote::quote_ident(&g.name));
            for i in ft.indexes.iter().filter(|i| index_names(i, &g.name)) {
                let Some(again) = tt.indexes.iter().find(|w| w.name == i.name) else {
                    continue;
                };
                index_again(
                    name,
                    i,
                    again,
                    &format!("it is on {at}, which is added again"),
                    out,
                    &mut add,
                );
            }
            add.push((
                Change::DropColumn {
                    table: name.clone(),
                    column: g.clone(),
                },
                format!("{at}: generated column dropped to be added again: {why}"),
            ));
            add.push((
                Change::AddColumn {
                    table: name.clone(),
                    column: want.clone(),
                },
                format!("{at}: generated column added again: {why}"),
            ));
        }
        for k in &ft.checks {
            let Some(why) = calls_any(&k.expr.sql) else {
                continue;
            };
            let Some(want) = tt.checks.iter().find(|w| w.name == k.name) else {
                continue;
            };
            let dropped = out.iter().any(
                |x| matches!(x, Change::DropCheck { table, check } if table == name && check.name == k.name),
            );
            if dropped || !own(&k.name) {
                continue;
            }
            add.push((
                Change::DropCheck {
                    table: name.clone(),
                    check: k.clone(),
                },
                format!(
                    "{name}: check {} dropped to be created again: {why}",
                    k.name
                ),
            ));
            add.push((
                Change::AddCheck {
                    table: name.clone(),
                    check: want.clone(),
                },
                format!("{name}: check {} created again: {why}", k.name),
            ));
        }
        if ft.partition_of.is_none() {
            for i in &ft.indexes {
                let exprs = i
                    .keys
                    .iter()
                    .filter(|k| !k.is_column)
                    .map(|k| &k.expr.sql)
                    .chain(i.predicate.iter().map(|p| &p.sql));
                let Some(why) = exprs.into_iter().find_map(|e| calls_any(e)) else {
                    continue;
                };
                let Some(want) = tt.indexes.iter().find(|w| w.name == i.name) else {
                    continue;
                };
                index_again(name, i, want, why, out, &mut add);
            }
        }
        for p in &ft.policies {
            let texts: Vec<&str> = p
                .using
                .iter()
                .chain(p.check.iter())
                .map(|e| e.sql.as_str())
                .collect();
            let why = texts
                .iter()
                .find_map(|e| calls_any(e).cloned())
                .or_else(|| {
                    let columns = retyped
                        .iter()
                        .filter(|(t, _)| t == name)
                        .map(|(_, c)| c.as_str());
                    names_one_of(&texts, columns).map(|c| {
                        format!(
                            "it reads {name}.{}, whose type changes",
                            crate::quote::quote_ident(c)
                        )
                    })
                });
            let Some(why) = why else { continue };
            // A side that hides policies keeps the current one.
            let want = if to.hidden.row_security {
                Some(p)
            } else {
                tt.policies.iter().find(|w| w.name == p.name)
            };
            let Some(want) = want else { continue };
            let dropped = out.iter().any(
                |x| matches!(x, Change::DropPolicy { table, policy } if table == name && policy.name == p.name),
            );
            if dropped {
                continue;
            }
            add.push((
                Change::DropPolicy {
                    table: name.clone(),
                    policy: p.clone(),
                },
                format!(
                    "table {name}: policy {} dropped to be created again: {why}",
                    crate::quote::quote_ident(&p.name)
                ),
            ));
            add.push((
                Change::CreatePolicy {
                    table: name.clone(),
                    policy: want.clone(),
                },
                format!(
                    "table {name}: policy {} created again: {why}",
                    crate::quote::quote_ident(&p.name)
                ),
            ));
        }
        // Foreign keys on a key that is dropped (a unique constraint becoming the primary key).
        if ft.partition_of.is_some() {
            continue;
        }
        for fk in &ft.foreign_keys {
            let cols: BTreeSet<String> = fk.ref_columns.iter().cloned().collect();
            let Some((_, _, key)) = keys_dropped
                .iter()
                .find(|(t, c, _)| *t == fk.ref_table && *c == cols)
            else {
                continue;
            };
            let Some(want) = tt.foreign_keys.iter().find(|w| w.name == fk.name) else {
                continue;
            };
            let dropped = out.iter().any(
                |x| matches!(x, Change::DropForeignKey { table, fk: f } if table == name && f.name == fk.name),
            );
            if dropped {
                continue;
            }
            let why = format!(
                "it references {} ({}), whose key {key} is dropped",
                fk.ref_table,
                fk.ref_columns.join(", ")
            );
            add.push((
                Change::DropForeignKey {
                    table: name.clone(),
                    fk: fk.clone(),
                },
                format!(
                    "{name}: foreign key {} dropped to be added again: {why}",
                    fk.name
                ),
            ));
            add.push((
                Change::AddForeignKey {
                    table: name.clone(),
                    fk: want.clone(),
                },
                format!("{name}: foreign key {} added again: {why}", fk.name),
            ));
        }
    }
    for (c, why) in add {
        out.push(c.clone());
        rebuilt.push((c, why));
    }
}

/// Whether check `name` of `table` comes from one of its parents (which carries its rebuild).
fn inherited_check(schema: &Schema, table: &Table, name: &str) -> bool {
    table
        .inherits
        .iter()
        .chain(table.partition_of.iter().map(|p| &p.parent))
        .filter_map(|p| schema.tables.get(p))
        .any(|p| p.checks.iter().any(|c| c.name == name))
}

/// Whether index `i` is on `column` (a key or its predicate names it).
fn index_names(i: &crate::schema::Index, column: &str) -> bool {
    i.keys
        .iter()
        .map(|k| &k.expr.sql)
        .chain(i.predicate.iter().map(|p| &p.sql))
        .any(|e| names_one_of(&[e.as_str()], [column]).is_some())
}

/// Index `i` of `table` dropped and `again` built after, for `why`, unless the plan drops it
/// already.
fn index_again(
    table: &QualName,
    i: &crate::schema::Index,
    again: &crate::schema::Index,
    why: &str,
    out: &[Change],
    add: &mut Vec<(Change, String)>,
) {
    let dropped = out.iter().any(
        |x| matches!(x, Change::DropIndex { table: t, index } if t == table && index.name == i.name),
    );
    if dropped {
        return;
    }
    add.push((
        Change::DropIndex {
            table: table.clone(),
            index: i.clone(),
        },
        format!("{table}: index {} dropped to be built again: {why}", i.name),
    ));
    add.push((
        Change::CreateIndex {
            table: table.clone(),
            index: again.clone(),
        },
        format!("{table}: index {} built again: {why}", i.name),
    ));
}

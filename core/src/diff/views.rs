//! Views and materialized views: created, dropped, redefined (dropped and created again), and
//! dropped and created again around the changes of the tables and views they read — PostgreSQL
//! refuses to drop or retype a column, or drop a relation, that a view uses.

use std::collections::{BTreeMap, BTreeSet};

use super::{indexes, Change};
use crate::schema::{QualName, Schema, View};

/// Adds the view changes, given the table and type changes already in `out`.
pub(crate) fn diff_views(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    // A paste describes only its relations: a view is compared where both sides cover it.
    let covered = |name: &QualName| super::in_scope(from, name) && super::in_scope(to, name);
    let pasted = !whole && !from.hidden.views && !to.hidden.views;
    if from.hidden.views || (from.views.is_empty() && (to.hidden.views || !whole) && !pasted) {
        return;
    }
    // A side that cannot show views (a model) leaves the existing ones as they are, except
    // that they are recreated around changes to what they read.
    let compare = whole && !to.hidden.views;
    let chosen: BTreeMap<QualName, View>;
    let wanted: &BTreeMap<QualName, View> = if compare {
        &to.views
    } else if pasted {
        // Each view as the side that covers it wants it; the others as they are.
        chosen = from
            .views
            .iter()
            .filter(|(n, _)| !covered(n))
            .chain(to.views.iter().filter(|(n, _)| covered(n)))
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        &chosen
    } else {
        &from.views
    };

    // Relations whose change a view reading them would block.
    let mut disturbed: BTreeMap<QualName, String> = BTreeMap::new();
    for c in out.iter() {
        let (t, what) = match c {
            Change::DropTable { table } => (table.name.clone(), "is dropped".to_string()),
            Change::RecreateTable { to, .. } => (to.name.clone(), "is created anew".to_string()),
            Change::DropColumn { table, column } => (
                table.clone(),
                format!("loses column {}", crate::quote::quote_ident(&column.name)),
            ),
            Change::AlterColumnType { table, column, .. } => (
                table.clone(),
                format!(
                    "changes the type of column {}",
                    crate::quote::quote_ident(column)
                ),
            ),
            Change::RebuildEnum { to, columns, .. } => {
                for (t, _, _) in columns {
                    disturbed
                        .entry(t.clone())
                        .or_insert_with(|| format!("has a column of type {}, rebuilt", to.name));
                }
                continue;
            }
            _ => continue,
        };
        disturbed.entry(t).or_insert(what);
    }

    // Functions dropped and created again: the views that call them go and come back too.
    let refunctioned = super::routines::recreated(from, to);
    // Views that go: gone from the desired schema, redefined, or in the way.
    let mut dropped: BTreeMap<QualName, Option<String>> = BTreeMap::new();
    for (name, v) in &from.views {
        match wanted.get(name) {
            // There, but the desired side could not read it: not compared, never dropped.
            None if to.external.contains(name) => {}
            None => {
                dropped.insert(name.clone(), None);
            }
            Some(w) if w.materialized != v.materialized || w.query != v.query => {
                dropped.insert(name.clone(), Some("its definition changes".to_string()));
            }
            Some(_) => {}
        }
    }
    loop {
        let mut more = Vec::new();
        for (name, v) in &from.views {
            if dropped.contains_key(name) {
                continue;
            }
            let calls = super::refs::calls_one_of(&v.query.sql, refunctioned.iter().copied())
                .map(|f| format!("it calls {f}, which is dropped and created again"));
            let why = calls.or_else(|| {
                v.reads.iter().find_map(|r| {
                    if let Some(what) = disturbed.get(r) {
                        Some(format!("it reads {r}, which {what}"))
                    } else if dropped.contains_key(r) && r != name {
                        Some(format!("it reads view {r}, which is dropped first"))
                    } else {
                        None
                    }
                })
            });
            if let Some(why) = why {
                more.push((name.clone(), why));
            }
        }
        if more.is_empty() {
            break;
        }
        for (n, why) in more {
            dropped.insert(n, Some(why));
        }
    }

    // Dependants first.
    for name in dependency_order(dropped.keys().cloned().collect(), &from.views)
        .into_iter()
        .rev()
    {
        let recreated = match (&dropped[&name], wanted.contains_key(&name)) {
            (Some(why), true) => Some(why.clone()),
            (_, true) => Some("its definition changes".to_string()),
            (_, false) => None,
        };
        out.push(Change::DropView {
            view: from.views[&name].clone(),
            recreated,
        });
    }
    // What they read first.
    let created: BTreeSet<QualName> = wanted
        .keys()
        .filter(|n| {
            (!from.views.contains_key(*n) && !from.external.contains(*n))
                || dropped.contains_key(*n)
        })
        .cloned()
        .collect();
    for name in dependency_order(created, wanted) {
        out.push(Change::CreateView {
            view: wanted[&name].clone(),
            recreated: dropped.get(&name).cloned().flatten(),
        });
    }
    // Views that stay: their indexes and comments.
    for (name, w) in wanted {
        let Some(v) = from.views.get(name) else {
            continue;
        };
        if dropped.contains_key(name) {
            continue;
        }
        for i in &v.indexes {
            if !w.indexes.iter().any(|x| x == i && x.name == i.name) {
                out.push(Change::DropIndex {
                    table: name.clone(),
                    index: i.clone(),
                });
            }
        }
        for i in &w.indexes {
            if !v.indexes.iter().any(|x| x == i && x.name == i.name) {
                indexes::create_index(name, i, out);
            }
        }
        // A paste (`\d+`) does not show a view's comment.
        let shown = !from.hidden.table_comments && !to.hidden.table_comments;
        if shown && v.comment != w.comment {
            out.push(Change::CommentView {
                name: name.clone(),
                materialized: w.materialized,
                from: v.comment.clone(),
                to: w.comment.clone(),
            });
        }
    }
}

/// `names` ordered so that a view comes after the views (of `views`) it reads (depth-first,
/// with an explicit stack: a long chain of views must not overflow the call stack).
fn dependency_order(names: BTreeSet<QualName>, views: &BTreeMap<QualName, View>) -> Vec<QualName> {
    let mut seen: BTreeSet<&QualName> = BTreeSet::new();
    let mut out = Vec::new();
    for start in &names {
        if !seen.insert(start) {
            continue;
        }
        // (view, index of the next of its reads to visit)
        let mut stack: Vec<(&QualName, usize)> = vec![(start, 0)];
        while let Some((n, i)) = stack.pop() {
            let reads = views.get(n).map_or(&[][..], |v| &v.reads[..]);
            match reads.get(i) {
                Some(r) => {
                    stack.push((n, i + 1));
                    if let Some(r) = names.get(r) {
                        if seen.insert(r) {
                            stack.push((r, 0));
                        }
                    }
                }
                None => out.push(n.clone()),
            }
        }
    }
    out
}

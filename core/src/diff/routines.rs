//! Functions, procedures and triggers. Functions are replaced in place (`CREATE OR REPLACE`)
//! unless their parameters or what they return change; triggers are dropped and created
//! again, and created again on a view that the plan drops and creates (a view's triggers go
//! with it).

use std::collections::{BTreeMap, BTreeSet};

use super::Change;
use crate::schema::{Function, QualName, Schema, Trigger};

/// A canonical definition up to `LANGUAGE`: the name, the parameters with their names, modes
/// and defaults, and what follows `RETURNS`.
pub(crate) fn head(f: &Function) -> &str {
    let c = &f.definition.canon;
    c.find(" LANGUAGE ").map_or(c.as_str(), |b| &c[..b])
}

/// Whether `CREATE OR REPLACE` can turn `f` into `t`: PostgreSQL refuses it when a parameter's
/// name, mode or default, or the result, changes (a parameter renamed, a default removed, OUT
/// parameters or a return type changed), or a function becomes a procedure.
fn replaceable(f: &Function, t: &Function) -> bool {
    head(f) == head(t) && f.procedure == t.procedure
}

/// Functions both sides have that are dropped and created again (their parameters or result
/// change), where both sides show functions.
pub(crate) fn recreated<'a>(from: &'a Schema, to: &Schema) -> Vec<&'a QualName> {
    if from.hidden.routines || to.hidden.routines {
        return Vec::new();
    }
    to.functions
        .iter()
        .filter_map(|(sig, t)| from.functions.get(sig).map(|f| (f, t)))
        .filter(|(f, t)| f.definition != t.definition && !replaceable(f, t))
        .map(|(f, _)| &f.name)
        .collect()
}

/// Adds function and trigger changes, given the table and view changes already in `out`.
pub(crate) fn diff_routines(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    if from.hidden.routines {
        return;
    }
    let compare = whole && !to.hidden.routines;
    // Function changes, kept aside: they go between the trigger drops and creations.
    let mut functions = Vec::new();
    // Functions whose parameters or result are the row type of a relation the plan drops and
    // creates again (`RETURNS SETOF t`): PostgreSQL refuses the drop under them, so they go
    // before it and come back after.
    let remade = remade(out);
    let on_remade = |f: &Function| remade.iter().any(|r| row_type_in(head(f), r));
    if compare {
        let out = &mut functions;
        for (sig, t) in &to.functions {
            match from.functions.get(sig) {
                None => {
                    out.push(Change::CreateFunction {
                        function: t.clone(),
                    });
                    if t.comment.is_some() {
                        out.push(Change::CommentFunction {
                            function: t.clone(),
                            from: None,
                            to: t.comment.clone(),
                        });
                    }
                }
                Some(f) if f.definition != t.definition => {
                    if replaceable(f, t) {
                        out.push(Change::ReplaceFunction {
                            from: Box::new(f.clone()),
                            to: Box::new(t.clone()),
                        });
                    } else {
                        out.push(Change::DropFunction {
                            function: f.clone(),
                            replaced: true,
                        });
                        out.push(Change::CreateFunction {
                            function: t.clone(),
                        });
                    }
                }
                Some(f) if on_remade(f) => {
                    out.push(Change::DropFunction {
                        function: f.clone(),
                        replaced: true,
                    });
                    out.push(Change::CreateFunction {
                        function: t.clone(),
                    });
                }
                Some(_) => {}
            }
            let had = from.functions.get(sig).and_then(|f| f.comment.clone());
            if from.functions.contains_key(sig) && had != t.comment {
                out.push(Change::CommentFunction {
                    function: t.clone(),
                    from: had,
                    to: t.comment.clone(),
                });
            }
        }
        for (sig, f) in &from.functions {
            if !to.functions.contains_key(sig) {
                out.push(Change::DropFunction {
                    function: f.clone(),
                    replaced: false,
                });
            }
        }
    } else {
        // A side that shows no functions keeps the current ones, made again where need be.
        for f in from.functions.values().filter(|f| on_remade(f)) {
            functions.push(Change::DropFunction {
                function: f.clone(),
                replaced: true,
            });
            functions.push(Change::CreateFunction {
                function: f.clone(),
            });
        }
    }

    // Relations the plan drops (their triggers go with them) and views it creates again.
    let mut gone: BTreeSet<QualName> = BTreeSet::new();
    let mut recreated: BTreeSet<QualName> = BTreeSet::new();
    for c in out.iter() {
        match c {
            Change::DropTable { table } => {
                gone.insert(table.name.clone());
            }
            Change::RecreateTable { to, .. } => {
                gone.insert(to.name.clone());
                recreated.insert(to.name.clone());
            }
            Change::DropView { view, recreated: r } => {
                gone.insert(view.name.clone());
                if r.is_some() {
                    recreated.insert(view.name.clone());
                }
            }
            _ => {}
        }
    }
    // A column whose type changes under a trigger naming it (in `WHEN` or `UPDATE OF`), which
    // PostgreSQL refuses: the trigger goes before and comes back after.
    let retyped: BTreeSet<(QualName, String)> = out
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumnType { table, column, .. } => Some((table.clone(), column.clone())),
            _ => None,
        })
        .collect();
    let reads_retyped = |t: &Trigger| {
        let columns = retyped
            .iter()
            .filter(|(table, _)| *table == t.table)
            .map(|(_, c)| c.as_str());
        super::refs::names_one_of(&[t.definition.sql.as_str()], columns).is_some()
    };
    // Functions dropped and created again take their triggers along too.
    let refunctioned: BTreeSet<QualName> = functions
        .iter()
        .filter_map(|c| match c {
            Change::DropFunction {
                function,
                replaced: true,
            } => Some(function.name.clone()),
            _ => None,
        })
        .collect();
    let wanted: &BTreeMap<String, Trigger> = if compare {
        &to.triggers
    } else {
        &from.triggers
    };
    for (key, f) in &from.triggers {
        let goes_anyway = gone.contains(&f.table);
        let kept = wanted
            .get(key)
            .is_some_and(|t| t.definition == f.definition && t.firing == f.firing);
        if !goes_anyway && (!kept || refunctioned.contains(&f.function) || reads_retyped(f)) {
            out.push(Change::DropTrigger {
                trigger: f.clone(),
                recreated: wanted.contains_key(key),
            });
        }
    }
    // Functions after the drops of the triggers that run them, before the creations.
    out.append(&mut functions);
    for (key, t) in wanted {
        let same = from
            .triggers
            .get(key)
            .is_some_and(|f| f.definition == t.definition && f.firing == t.firing);
        let again = recreated.contains(&t.table)
            || refunctioned.contains(&t.function)
            || from.triggers.get(key).is_some_and(reads_retyped);
        let created = !same || again;
        if created {
            out.push(Change::CreateTrigger {
                trigger: t.clone(),
                recreated: same && again,
            });
        }
        let had = if created {
            None
        } else {
            from.triggers.get(key).and_then(|f| f.comment.clone())
        };
        if had != t.comment {
            out.push(Change::CommentTrigger {
                trigger: t.clone(),
                from: had,
                to: t.comment.clone(),
            });
        }
    }
}

/// Whether a routine's head (its canonical definition up to `LANGUAGE`) names relation `rel`
/// as a type: qualified, or bare for one in `public`.
pub(super) fn row_type_in(head: &str, rel: &QualName) -> bool {
    let mut found = Vec::new();
    super::refs::scan(head, true, false, &mut found);
    found.iter().any(|(parts, _)| match parts.as_slice() {
        [schema, name] => *schema == rel.schema && *name == rel.name,
        [name] => rel.schema == "public" && *name == rel.name,
        _ => false,
    })
}

/// Relations the plan drops and creates again: a table created anew, a view redefined.
pub(super) fn remade(out: &[Change]) -> Vec<&QualName> {
    out.iter()
        .filter_map(|c| match c {
            Change::RecreateTable { to, .. } => Some(&to.name),
            Change::DropView {
                view,
                recreated: Some(_),
            } => Some(&view.name),
            _ => None,
        })
        .collect()
}

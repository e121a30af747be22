//! Columns: add, drop, and every attribute of a column both sides have.

use super::{Change, Swap};
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::schema::{Column, Expr, ForeignKey, Index, QualName, Schema, Table};

pub(super) fn diff_columns(
    f: &Table,
    t: &Table,
    from: &Schema,
    to: &Schema,
    out: &mut Vec<Change>,
) {
    let table = &t.name;
    // A side whose source could not read every attribute of this table cannot say a column is
    // missing: nothing is added or dropped for that.
    let (from_unread, to_unread) = (
        from.unread_columns.contains(&f.name),
        to.unread_columns.contains(table),
    );
    for tc in &t.columns {
        match f.column(&tc.name) {
            None if from_unread => {}
            None => {
                out.push(Change::AddColumn {
                    table: table.clone(),
                    column: tc.clone(),
                });
                if tc.comment.is_some() {
                    out.push(Change::CommentColumn {
                        table: table.clone(),
                        column: tc.name.to_string(),
                        from: None,
                        to: tc.comment.as_deref().map(String::from),
                    });
                }
            }
            Some(fc) => diff_column((f, t), fc, tc, (from, to), out),
        }
    }
    for fc in &f.columns {
        if t.column(&fc.name).is_none() && !to_unread {
            out.push(Change::DropColumn {
                table: table.clone(),
                column: fc.clone(),
            });
        }
    }
}

fn diff_column(
    tables: (&Table, &Table),
    f: &Column,
    t: &Column,
    (from, to): (&Schema, &Schema),
    out: &mut Vec<Change>,
) {
    let table = &tables.1.name;
    let col = || t.name.to_string();
    let tbl = || table.clone();
    // A generated column's expression cannot be altered in place: the column is re-created.
    let generated_alike = match (&f.generated, &t.generated) {
        (Some(a), Some(b)) => exprs_alike_but_tabs(from, to, a, b),
        _ => false,
    };
    if f.generated != t.generated && !generated_alike {
        out.push(Change::DropColumn {
            table: tbl(),
            column: f.clone(),
        });
        out.push(Change::AddColumn {
            table: tbl(),
            column: t.clone(),
        });
        return;
    }
    // Identity and serial come off before a type change and go on after it.
    match (f.identity, t.identity) {
        (Some(_), None) => out.push(Change::DropIdentity {
            table: tbl(),
            column: col(),
        }),
        (Some(a), Some(b)) => {
            if a != b {
                out.push(Change::SetIdentity {
                    table: tbl(),
                    column: col(),
                    from: a,
                    to: b,
                });
            }
            if f.identity_options != t.identity_options {
                out.push(Change::SetIdentityOptions {
                    table: tbl(),
                    column: col(),
                    from: crate::schema::IdentityOptions::clone(&f.identity_options),
                    to: crate::schema::IdentityOptions::clone(&t.identity_options),
                });
            }
        }
        _ => {}
    }
    // A serial column becoming an identity hands its sequence's value on.
    let handed_on = (f.serial && t.identity.is_some())
        .then(|| crate::normalize::make_object_name(&table.name, Some(&f.name), "serial_seq"));
    if f.serial && !t.serial {
        out.push(Change::DropSerial {
            table: tbl(),
            column: col(),
            keep_as: handed_on.clone(),
        });
    }
    let type_changed = f.data_type != t.data_type || f.collation != t.collation;
    if type_changed {
        let enum_target = to
            .enums
            .keys()
            .any(|n| n.to_string() == t.data_type.trim_end_matches("[]"))
            || from
                .enums
                .keys()
                .any(|n| n.to_string() == f.data_type.trim_end_matches("[]"));
        out.push(Change::AlterColumnType {
            table: tbl(),
            column: col(),
            from: f.data_type.to_string(),
            to: t.data_type.to_string(),
            from_collation: f.collation.as_deref().map(String::from),
            to_collation: t.collation.as_deref().map(String::from),
            using: if f.data_type == t.data_type {
                None
            } else if enum_target {
                // Enums convert only through text.
                Some(true)
            } else if needs_using(&f.data_type, &t.data_type) {
                Some(false)
            } else {
                None
            },
            serial: f.serial && t.serial,
            // Found by `online_swaps`, only for a plan in online mode.
            swap: None,
        });
    }
    let drop_default = |out: &mut Vec<Change>, from: &Option<Box<Expr>>| {
        if let Some(d) = from {
            out.push(Change::DropDefault {
                table: tbl(),
                column: col(),
                from: Expr::clone(d),
            });
        }
    };
    let set_default = |out: &mut Vec<Change>, from: Option<Expr>| {
        if let Some(d) = &t.default {
            out.push(Change::SetDefault {
                table: tbl(),
                column: col(),
                from,
                to: Expr::clone(d),
            });
        }
    };
    // A serial column's default is its sequence's: only the plain side's default is managed.
    match (f.serial, t.serial) {
        // A default may not convert to the new type on its own: it comes off, then back on.
        (false, false) if type_changed && f.default.is_some() => {
            drop_default(out, &f.default);
            set_default(out, None);
        }
        (false, false) if !defaults_alike(from, to, f, t) => {
            match &t.default {
                Some(_) => set_default(out, f.default.as_deref().cloned()),
                // The model's Python-side default equals the database's: the database keeps it.
                None if f.default.is_some() && t.model_default.0 == f.default => {}
                None => drop_default(out, &f.default),
            }
        }
        (false, true) => drop_default(out, &f.default),
        (true, false) => set_default(out, None),
        _ => {}
    }
    // Serial and identity imply NOT NULL; identity's own step sets it below.
    if t.identity.is_none() {
        if f.not_null && !t.not_null {
            out.push(Change::DropNotNull {
                table: tbl(),
                column: col(),
            });
        } else if !f.not_null && t.not_null {
            // The NULL rows get the value the desired side states for a missing one (its
            // default, or a model's Python-side scalar default) first, or SET NOT NULL fails
            // on them. A serial column's default needs its sequence, which comes later.
            let value = t.default.as_deref().or(t.model_default.0.as_deref());
            if let (Some(v), false) = (value, t.serial) {
                out.push(Change::Backfill {
                    table: tbl(),
                    column: col(),
                    value: Some(Expr::clone(v)),
                });
            }
            out.push(Change::SetNotNull {
                table: tbl(),
                column: col(),
            });
        }
    }
    if t.serial && !f.serial {
        out.push(Change::AddSerial {
            table: tbl(),
            column: col(),
            data_type: t.data_type.to_string(),
        });
    }
    if let (None, Some(b)) = (f.identity, t.identity) {
        if !f.not_null {
            out.push(Change::SetNotNull {
                table: tbl(),
                column: col(),
            });
        }
        out.push(Change::AddIdentity {
            table: tbl(),
            column: col(),
            identity: b,
            options: crate::schema::IdentityOptions::clone(&t.identity_options),
            continues: handed_on,
        });
    }
    if f.comment != t.comment {
        out.push(Change::CommentColumn {
            table: tbl(),
            column: col(),
            from: f.comment.as_deref().map(String::from),
            to: t.comment.as_deref().map(String::from),
        });
    }
}

/// Defaults that differ only where a paste (psql's aligned output) shows a tab of the other
/// side as blanks: not known to differ, so not changed.
fn tabs_alike(from: &Schema, to: &Schema, f: &Column, t: &Column) -> bool {
    let (Some(fd), Some(td)) = (&f.default, &t.default) else {
        return false;
    };
    exprs_alike_but_tabs(from, to, fd, td)
}

/// Expressions of `from` and `to` that differ only where one side (a paste of psql's aligned
/// output) shows a tab of the other as blanks.
pub(super) fn exprs_alike_but_tabs(from: &Schema, to: &Schema, f: &Expr, t: &Expr) -> bool {
    (from.hidden.tabs && crate::schema::Hidden::alike_but_tabs(&f.canon, &t.canon))
        || (to.hidden.tabs && crate::schema::Hidden::alike_but_tabs(&t.canon, &f.canon))
}

/// Defaults that are the same, or not known to differ: only a tab a paste shows as blanks, a
/// moment word against a constant, or no default against `DEFAULT NULL`.
fn defaults_alike(from: &Schema, to: &Schema, f: &Column, t: &Column) -> bool {
    f.default == t.default
        || tabs_alike(from, to, f, t)
        || moments_alike(f, t)
        || (null_default(f) && null_default(t))
}

/// No default, or `DEFAULT NULL`: the same for every row. PostgreSQL stores none for the
/// latter, or (on a type with a modifier, `varchar(20)`) a NULL cast to the type.
fn null_default(c: &Column) -> bool {
    c.default.as_ref().is_none_or(|d| d.canon == "NULL")
}

/// Defaults of which one is a moment word (`'now'` on a timestamp, stored as the moment the
/// statement ran) and the other a constant: not known to differ, so not changed (the source
/// that read the word said so).
fn moments_alike(f: &Column, t: &Column) -> bool {
    let (Some(fd), Some(td)) = (&f.default, &t.default) else {
        return false;
    };
    let ty = t.data_type.to_string();
    let constant = |e: &Expr| e.canon.starts_with('\'');
    (fd.moment_word(&ty) && constant(td)) || (td.moment_word(&ty) && constant(fd))
}

/// Whether changing `from` to `to` needs a `USING` clause (the type-pair table's answer).
pub(crate) fn needs_using(from: &str, to: &str) -> bool {
    super::convert::conversion(from, to).using != super::convert::Using::Assign
}

/// Fills in, for each type change of `diff`, the [`Swap`] online mode may make it through,
/// where one is possible: what it takes is looked up across both schemas, so it is done only
/// for a plan in online mode (`migrate` calls it then; a caller planning online from its own
/// diff calls it first).
pub fn online_swaps(diff: &mut super::Diff, from: &Schema, to: &Schema) {
    let relations = Relations::new(from, to);
    for c in &mut diff.changes {
        if let Change::AlterColumnType {
            table,
            column,
            swap: found,
            ..
        } = c
        {
            let (Some(ft), Some(tt)) = (from.tables.get(table), to.tables.get(table)) else {
                continue;
            };
            let (Some(f), Some(t)) = (ft.column(column), tt.column(column)) else {
                continue;
            };
            *found = swap((ft, tt), f, t, &relations).map(Box::new);
        }
    }
}

/// The expand and contract online mode may change `f`'s type through (see [`Swap`]), or
/// `None` when something else depends on the column on both sides (one the plan keeps, or
/// renames, would go with the old column) or the column cannot be copied into a plain one.
fn swap((ft, tt): (&Table, &Table), f: &Column, t: &Column, relations: &Relations) -> Option<Swap> {
    let (from, to) = (relations.from.schema, relations.to.schema);
    // A column serial on both sides hands its sequence to the new column; one that becomes or
    // stops being serial has steps of its own. Identity and generated columns fill
    // themselves; inheritance and partitions share the column.
    let special = |c: &Column| c.identity.is_some() || c.generated.is_some();
    if f.serial != t.serial {
        return None;
    }
    let family = |side: &Side, tb: &Table| {
        tb.partition_by.is_some()
            || tb.partition_of.is_some()
            || !tb.inherits.is_empty()
            || side.get().parents.contains(&tb.name)
    };
    if special(f) || special(t) || family(&relations.from, ft) || family(&relations.to, tt) {
        return None;
    }
    // Something on the current side that the desired side also has stays through the plan;
    // what only the current side has is dropped before the type change, what only the
    // desired side has is created after it, on the new column. Indexes, keys and foreign
    // keys alike on both sides are carried over (below).
    if depends_on(from, ft, &f.name) && depends_on(to, tt, &t.name) {
        return None;
    }
    // Indexes: one both sides have alike is built again on the new column and takes the old
    // one's name at the swap, when it names the column only as a plain key or included
    // column. Others that name it on one side only are dropped before or created after; on
    // both sides, they may be one index renamed (which would go with the old column).
    let naming = |tb: &Table| -> Vec<Index> {
        tb.indexes
            .iter()
            .filter(|i| index_names(i, &f.name))
            .cloned()
            .collect()
    };
    let (was, will) = (naming(ft), naming(tt));
    let kept: Vec<&Index> = was.iter().filter(|i| will.contains(i)).collect();
    if was.len() > kept.len() && will.len() > kept.len() {
        return None;
    }
    let taken = |n: &str| ft.column(n).is_some() || tt.column(n).is_some();
    let fresh = |base: &str, taken: &dyn Fn(&str) -> bool| {
        (1..)
            .map(|i: u32| {
                let label = if i == 1 {
                    "new".to_string()
                } else {
                    format!("new{i}")
                };
                crate::normalize::make_object_name(base, None, &label)
            })
            .find(|n| !taken(n))
    };
    let temp = fresh(&t.name, &taken)?;
    // Relation names are the schema's: its tables' and their indexes' on either side.
    let index_taken = |n: &str| {
        [&relations.from, &relations.to].iter().any(|side| {
            side.get()
                .relation_names
                .contains(&(ft.name.schema.as_str(), n.to_string()))
        })
    };
    let mut indexes = Vec::new();
    for i in kept {
        let plain = |k: &crate::schema::IndexKey| k.is_column || !mentions(&k.expr.sql, &f.name);
        let in_predicate = i
            .predicate
            .as_ref()
            .is_some_and(|p| mentions(&p.sql, &f.name));
        if in_predicate || !i.keys.iter().all(plain) {
            return None;
        }
        let mut built = i.clone();
        for k in &mut built.keys {
            if k.is_column && k.expr.canon == f.name.as_str() {
                k.expr = Expr {
                    sql: crate::quote::quote_ident(&temp),
                    canon: temp.clone(),
                };
            }
        }
        for c in &mut built.include {
            if *c == f.name.as_str() {
                c.clone_from(&temp);
            }
        }
        built.name = fresh(&i.name, &index_taken)?;
        indexes.push((built, i.name.clone()));
    }
    // Keys and foreign keys on the column, alike on both sides: unique indexes built again
    // and attached as the keys at the swap, the table's own foreign keys added anew NOT VALID
    // and validated, other tables' dropped at the swap and added again NOT VALID (validated
    // after). A comment on one, a foreign key of the table on itself, or one from a
    // partitioned table (no NOT VALID there) keeps the plain form.
    let name = f.name.as_str();
    let names = |c: &[String]| c.iter().any(|x| x == name);
    let pks = |tb: &Table| -> Vec<crate::schema::PrimaryKey> {
        tb.primary_key
            .iter()
            .filter(|k| names(&k.columns) || names(&k.include))
            .cloned()
            .collect()
    };
    let uniques = |tb: &Table| -> Vec<crate::schema::Unique> {
        tb.uniques
            .iter()
            .filter(|k| names(&k.columns) || names(&k.include))
            .cloned()
            .collect()
    };
    let fks = |tb: &Table| -> Vec<crate::schema::ForeignKey> {
        tb.foreign_keys
            .iter()
            .filter(|k| names(&k.columns))
            .cloned()
            .collect()
    };
    let referencing = |side: &Side| -> Vec<(QualName, crate::schema::ForeignKey)> {
        side.get()
            .referencing
            .get(&ft.name)
            .into_iter()
            .flatten()
            .filter(|(_, k)| names(&k.ref_columns))
            .map(|(o, k)| ((*o).clone(), (*k).clone()))
            .collect()
    };
    let pk = alike(&pks(ft), &pks(tt))?;
    let uq = alike(&uniques(ft), &uniques(tt))?;
    let own = alike(&fks(ft), &fks(tt))?;
    let refs = alike(&referencing(&relations.from), &referencing(&relations.to))?;
    let commented = |tb: &Table, n: &str| tb.constraint_comments.contains_key(n);
    if pk
        .iter()
        .map(|k| &k.name)
        .chain(uq.iter().map(|k| &k.name))
        .chain(own.iter().map(|k| &k.name))
        .any(|n| commented(ft, n))
        || own.iter().any(|k| k.ref_table == ft.name)
        || refs.iter().any(|(o, _)| *o == ft.name)
        || refs.iter().any(|(o, k)| {
            from.tables.get(o).is_none_or(|o| {
                o.partition_by.is_some() || o.partition_of.is_some() || commented(o, &k.name)
            })
        })
    {
        return None;
    }
    let constraint_taken = |n: &str| {
        [ft, tt].iter().any(|tb| {
            crate::normalize::table_names_in_use(tb)
                .iter()
                .any(|x| x == n)
        })
    };
    let mut primary_key = None;
    for mut k in pk {
        k.columns = renamed(&k.columns, name, &temp);
        k.include = renamed(&k.include, name, &temp);
        let index = fresh(&k.name, &index_taken)?;
        primary_key = Some((k, index));
    }
    let mut keys = Vec::new();
    for mut k in uq {
        k.columns = renamed(&k.columns, name, &temp);
        k.include = renamed(&k.include, name, &temp);
        let index = fresh(&k.name, &index_taken)?;
        keys.push((k, index));
    }
    let mut foreign_keys = Vec::new();
    for mut k in own {
        k.columns = renamed(&k.columns, name, &temp);
        let temp_name = fresh(&k.name, &constraint_taken)?;
        foreign_keys.push((k, temp_name));
    }
    Some(Swap {
        temp,
        sync: crate::normalize::make_object_name(&tt.name.name, Some(&t.name), "retype"),
        not_null: f.not_null,
        default: t.default.as_deref().cloned(),
        comment: t.comment.as_deref().map(String::from),
        indexes,
        primary_key,
        uniques: keys,
        foreign_keys,
        referencing: refs,
    })
}

/// Whether `sql` may name `column` (as text: a false alarm only costs the online form).
fn mentions(sql: &str, column: &str) -> bool {
    sql.to_lowercase().contains(&column.to_lowercase())
}

/// Whether index `i` names `column` anywhere.
fn index_names(i: &Index, column: &str) -> bool {
    i.include.iter().any(|c| c == column)
        || i.predicate
            .as_ref()
            .is_some_and(|p| mentions(&p.sql, column))
        || i.keys.iter().any(|k| {
            if k.is_column {
                k.expr.canon == column
            } else {
                mentions(&k.expr.sql, column)
            }
        })
}

/// Whether anything of `table` but its indexes, keys and foreign keys names `column`: a
/// check, exclusion constraint, policy, trigger, generated column, statistics object or
/// column privilege (which PostgreSQL drops with the old column). Expressions are searched
/// for the name as text, so an expression that only looks like it names the column counts too.
fn depends_on(schema: &Schema, table: &Table, column: &str) -> bool {
    let mentions = |sql: &str| mentions(sql, column);
    let in_expr = |e: &Option<Expr>| e.as_ref().is_some_and(|e| mentions(&e.sql));
    table.checks.iter().any(|c| mentions(&c.expr.sql))
        || !table.exclusions.is_empty()
        || table
            .policies
            .iter()
            .any(|p| in_expr(&p.using) || in_expr(&p.check))
        || table
            .columns
            .iter()
            .any(|c| c.generated.as_ref().is_some_and(|g| mentions(&g.sql)))
        || schema
            .triggers
            .values()
            .any(|tr| tr.table == table.name && mentions(&tr.definition.sql))
        || table.statistics.iter().any(|s| {
            s.keys.iter().any(|k| match &k.column {
                Some(c) => c == column,
                None => mentions(&k.expr.sql),
            })
        })
        || schema.privileges.keys().any(|p| {
            matches!(p, crate::schema::PrivilegeTarget::Column { table: t, column: c }
                if *t == table.name && c == column)
        })
}

/// What both sides have alike of `was` and `will`, or `None` when both also have something
/// else (which may be one thing renamed, kept by the plan, and lost with the old column).
fn alike<T: PartialEq + Clone>(was: &[T], will: &[T]) -> Option<Vec<T>> {
    let kept: Vec<T> = was.iter().filter(|x| will.contains(x)).cloned().collect();
    (was.len() == kept.len() || will.len() == kept.len()).then_some(kept)
}

/// `cols` with `column` named `temp`.
fn renamed(cols: &[String], column: &str, temp: &str) -> Vec<String> {
    cols.iter()
        .map(|c| {
            if c == column {
                temp.to_string()
            } else {
                c.clone()
            }
        })
        .collect()
}

/// What a type change's [`Swap`] looks up across each side's tables, gathered once per diff at
/// the first type change (a scan of every table for each type change made a diff of many of
/// them quadratic).
pub(super) struct Relations<'a> {
    from: Side<'a>,
    to: Side<'a>,
}

impl<'a> Relations<'a> {
    pub(super) fn new(from: &'a Schema, to: &'a Schema) -> Self {
        let side = |schema| Side {
            schema,
            gathered: OnceCell::new(),
        };
        Relations {
            from: side(from),
            to: side(to),
        }
    }
}

/// One side's [`Relations`].
struct Side<'a> {
    schema: &'a Schema,
    gathered: OnceCell<Gathered<'a>>,
}

struct Gathered<'a> {
    /// Tables another inherits from or is a partition of.
    parents: BTreeSet<&'a QualName>,
    /// Each table's foreign keys from tables (itself included), by the table they reference.
    referencing: BTreeMap<&'a QualName, Vec<(&'a QualName, &'a ForeignKey)>>,
    /// Relation names in use, by schema: tables, and their constraints' and indexes'.
    relation_names: BTreeSet<(&'a str, String)>,
}

impl<'a> Side<'a> {
    fn get(&self) -> &Gathered<'a> {
        self.gathered.get_or_init(|| {
            let mut g = Gathered {
                parents: BTreeSet::new(),
                referencing: BTreeMap::new(),
                relation_names: BTreeSet::new(),
            };
            for tb in self.schema.tables.values() {
                g.parents.extend(&tb.inherits);
                g.parents
                    .extend(tb.partition_of.as_ref().map(|p| &p.parent));
                for k in &tb.foreign_keys {
                    g.referencing
                        .entry(&k.ref_table)
                        .or_default()
                        .push((&tb.name, k));
                }
                let schema = tb.name.schema.as_str();
                g.relation_names.insert((schema, tb.name.name.clone()));
                g.relation_names.extend(
                    crate::normalize::table_names_in_use(tb)
                        .into_iter()
                        .map(|n| (schema, n)),
                );
            }
            g
        })
    }
}

//! Tables: create, drop, and the per-table comparison that delegates to the other kinds.

use super::{columns, constraints, indexes, Change};
use crate::normalize::{index_name_columns, make_object_name};
use std::borrow::Cow;
use std::sync::Arc;

use crate::schema::{QualName, Schema, Table};

/// What a table declares itself, without what PostgreSQL gives it from its parents (`INHERITS`
/// columns and checks; a partition's columns and its clones of the parent's keys and indexes):
/// changes to those are made on the parent and reach the child from there.
/// A table with no parents is its own local view, borrowed rather than copied.
pub(super) fn local_view<'a>(t: &'a Table, schema: &Schema) -> Cow<'a, Table> {
    local_view_in(t, schema, None)
}

/// [`local_view`] with each parent looked up in `schema`, or in `fallback` where `schema`
/// does not show it (a paste of the child alone).
fn local_view_in<'a>(t: &'a Table, schema: &Schema, fallback: Option<&Schema>) -> Cow<'a, Table> {
    let parents: Vec<&Table> = t
        .inherits
        .iter()
        .chain(t.partition_of.as_ref().map(|p| &p.parent))
        .filter_map(|p| {
            schema
                .tables
                .get(p)
                .or_else(|| fallback.and_then(|f| f.tables.get(p)))
                .map(|t| &**t)
        })
        .collect();
    let known = parents.len() == t.inherits.len() + usize::from(t.partition_of.is_some());
    if parents.is_empty() && t.partition_of.is_none() {
        return Cow::Borrowed(t);
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
            let cols = index_name_columns(&i.keys, &i.include);
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
    Cow::Owned(local)
}

/// [`local_view`] of a schema's own table: the same shared table when it is its own view.
pub(crate) fn local_shared(t: &Arc<Table>, schema: &Schema) -> Arc<Table> {
    match local_view(t, schema) {
        Cow::Borrowed(_) => Arc::clone(t),
        Cow::Owned(local) => Arc::new(local),
    }
}

/// The table a `CREATE TABLE` makes: without its foreign keys, indexes, policies and row
/// security, which are changes of their own.
pub(crate) fn bare(t: &Table) -> Table {
    Table {
        foreign_keys: Vec::new(),
        indexes: Vec::new(),
        policies: Vec::new(),
        row_security: false,
        force_row_security: false,
        ..t.clone()
    }
}

/// Writes a `CREATE TABLE` change's table as [`bare`].
pub(crate) fn serialize_bare<S: serde::Serializer>(
    t: &Arc<Table>,
    s: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&bare(t), s)
}

/// A new table: created without its foreign keys, which follow once every table exists. The
/// change shares the table (it reads as [`bare`]: see [`Change::CreateTable`]). Without
/// `foreign_keys`, those are left to whoever adds them (a down plan, from their own drops).
pub(crate) fn create_table(table: Arc<Table>, foreign_keys: bool, out: &mut Vec<Change>) {
    let t = &*table;
    out.push(Change::CreateTable {
        table: Arc::clone(&table),
    });
    row_security(&Table::new(t.name.clone(), t.span), t, out);
    for fk in t.foreign_keys.iter().filter(|_| foreign_keys) {
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
    constraint_comments(&Table::new(t.name.clone(), t.span), t, out);
    for c in &t.columns {
        if c.comment.is_some() {
            out.push(Change::CommentColumn {
                table: t.name.clone(),
                column: c.name.to_string(),
                from: None,
                to: c.comment.as_deref().map(String::from),
            });
        }
    }
}

/// A table that is no longer wanted; its foreign keys go first so other drops can follow.
pub(super) fn drop_table(t: &Arc<Table>, out: &mut Vec<Change>) {
    for fk in &t.foreign_keys {
        out.push(Change::DropForeignKey {
            table: t.name.clone(),
            fk: fk.clone(),
        });
    }
    out.push(Change::DropTable {
        table: Arc::clone(t),
    });
}

/// The CHECK PostgreSQL adds to a partition detached `CONCURRENTLY` (a copy of its bound,
/// named as an unnamed check on the key's column would be: the first free name among the
/// schema's constraints), or none when the partition cannot be detached that way (the parent
/// has a default partition) or the name is not certain (a key on an expression).
fn concurrent_detach_check(
    part: &Table,
    parent: &crate::schema::QualName,
    from: &Schema,
) -> Option<String> {
    let key = from.tables.get(parent)?.partition_by.as_ref()?;
    let has_default = from.tables.values().any(|t| {
        t.partition_of
            .as_ref()
            .is_some_and(|p| p.parent == *parent && p.bound.canon == "DEFAULT")
    });
    if has_default {
        return None;
    }
    // `RANGE (a, b)`: the columns, each a plain (or quoted) name.
    let inner = key.sql.split_once('(')?.1.trim_end().strip_suffix(')')?;
    let mut columns = Vec::new();
    for part in inner.split(',') {
        let name = crate::normalize::split_qualified(part.trim());
        match name.as_slice() {
            [c] if !c.is_empty()
                && (part.trim().starts_with('"')
                    || part
                        .trim()
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')) =>
            {
                columns.push(c.clone())
            }
            _ => return None,
        }
    }
    columns.dedup();
    let column = match columns.as_slice() {
        [c] => Some(c.as_str()),
        _ => None,
    };
    let schema = &part.name.schema;
    let taken = |n: &str| {
        from.tables
            .values()
            .filter(|t| t.name.schema == *schema)
            .any(|t| {
                t.primary_key.as_ref().is_some_and(|k| k.name == n)
                    || t.uniques.iter().any(|u| u.name == n)
                    || t.checks.iter().any(|c| c.name == n)
                    || t.foreign_keys.iter().any(|f| f.name == n)
                    || t.exclusions.iter().any(|x| x.name == n)
            })
    };
    Some(crate::normalize::unique_name(
        &part.name.name,
        column,
        "check",
        &taken,
    ))
}

/// A table both sides have.
pub(super) fn diff_table(
    f: &Table,
    t: &Arc<Table>,
    from: &Schema,
    to: &Schema,
    out: &mut Vec<Change>,
) {
    if f.partition_by != t.partition_by {
        // A table cannot become partitioned (or stop being so): it is created anew.
        let mut created = Vec::new();
        create_table(local_shared(t, to), true, &mut created);
        for c in created {
            match c {
                Change::CreateTable { table } => out.push(Change::RecreateTable {
                    from: Box::new(f.clone()),
                    to: Box::new(bare(&table)),
                }),
                other => out.push(other),
            }
        }
        return;
    }
    // The parent decides; a bound is compared as text, which PostgreSQL respells (a date bound
    // of a timestamp key gains its time), so a bound alone does not move a partition.
    let parent = |x: &Table| x.partition_of.as_ref().map(|p| p.parent.clone());
    if parent(f) != parent(t) {
        // Detached from its parent, it keeps the parent's columns as its own; to be attached,
        // it must first have exactly the parent's columns.
        if let Some(p) = &f.partition_of {
            out.push(Change::DetachPartition {
                table: f.name.clone(),
                parent: p.parent.clone(),
                online_check: concurrent_detach_check(f, &p.parent, from),
            });
        }
        let mut whole_f = f.clone();
        whole_f.partition_of = None;
        let mut whole_t = Table::clone(t);
        whole_t.partition_of = None;
        let whole_f = local_view(&whole_f, from);
        columns::diff_columns(&whole_f, &local_view(&whole_t, to), from, to, out);
        let own_t = local_view(t, to);
        constraints::diff_constraints(&whole_f, &own_t, (from, to), out);
        indexes::diff_indexes(&whole_f, &own_t, out);
        row_security(f, t, out);
        constraint_comments(f, t, out);
        if let Some(p) = &t.partition_of {
            out.push(Change::AttachPartition {
                table: t.name.clone(),
                parent: p.parent.clone(),
                bound: p.bound.clone(),
            });
        }
        if f.comment != t.comment {
            out.push(Change::CommentTable {
                table: t.name.clone(),
                from: f.comment.clone(),
                to: t.comment.clone(),
            });
        }
        return;
    }
    if f.unlogged != t.unlogged {
        out.push(Change::SetLogged {
            table: t.name.clone(),
            unlogged: t.unlogged,
        });
    }
    // Each side through its own parents (from the other side where it does not show them, as
    // a paste of the child alone does): what the current side inherits is not the child's to
    // drop, even where the desired parent no longer has it.
    let (f, t) = (
        &local_view_in(f, from, Some(to)),
        &local_view_in(t, to, Some(from)),
    );
    columns::diff_columns(f, t, from, to, out);
    let start = out.len();
    constraints::diff_constraints(f, t, (from, to), out);
    indexes::diff_indexes(f, t, out);
    // A model that could not read every attribute of this table may declare the keys and
    // indexes of the columns it did not read: none is dropped for being missing.
    if to.unread_columns.contains(&t.name) {
        let made = out.split_off(start);
        out.extend(made.into_iter().filter(|c| {
            !matches!(
                c,
                Change::DropIndex { .. }
                    | Change::DropUnique { .. }
                    | Change::DropCheck { .. }
                    | Change::DropForeignKey { .. }
                    | Change::DropPrimaryKey { .. }
            )
        }));
    }
    row_security(f, t, out);
    constraint_comments(f, t, out);
    if f.comment != t.comment {
        out.push(Change::CommentTable {
            table: t.name.clone(),
            from: f.comment.clone(),
            to: t.comment.clone(),
        });
    }
}

/// Row level security and policies (a changed policy is dropped and created again: its
/// command and kind cannot be altered).
fn row_security(f: &Table, t: &Table, out: &mut Vec<Change>) {
    if f.row_security != t.row_security {
        out.push(Change::SetRowSecurity {
            table: t.name.clone(),
            enable: t.row_security,
        });
    }
    if f.force_row_security != t.force_row_security {
        out.push(Change::SetForceRowSecurity {
            table: t.name.clone(),
            force: t.force_row_security,
        });
    }
    for p in &f.policies {
        if !t.policies.contains(p) {
            out.push(Change::DropPolicy {
                table: t.name.clone(),
                policy: p.clone(),
            });
        }
    }
    for p in &t.policies {
        if !f.policies.contains(p) {
            out.push(Change::CreatePolicy {
                table: t.name.clone(),
                policy: p.clone(),
            });
        }
    }
}

/// `COMMENT ON CONSTRAINT` (a dropped constraint's comment goes with it).
fn constraint_comments(f: &Table, t: &Table, out: &mut Vec<Change>) {
    for (name, c) in &t.constraint_comments {
        if f.constraint_comments.get(name) != Some(c) {
            out.push(Change::CommentConstraint {
                table: t.name.clone(),
                constraint: name.clone(),
                from: f.constraint_comments.get(name).cloned(),
                to: Some(c.clone()),
            });
        }
    }
    let in_t = crate::normalize::table_names_in_use(t);
    for (name, c) in &f.constraint_comments {
        if !t.constraint_comments.contains_key(name) && in_t.contains(name) {
            out.push(Change::CommentConstraint {
                table: t.name.clone(),
                constraint: name.clone(),
                from: Some(c.clone()),
                to: None,
            });
        }
    }
}

/// A new table's defaults and checks that call a new SQL function whose body reads the table:
/// a cycle (the table needs the function, the function's body the table), broken as `pg_dump`
/// breaks it. The table is created without them; they are set once the function exists. The
/// table to create, the changes that follow it, and why each follows.
pub(super) fn split_cycles(
    t: Arc<Table>,
    from: &Schema,
    to: &Schema,
) -> (Arc<Table>, Vec<(Change, String)>) {
    let readers: Vec<&QualName> = to
        .functions
        .iter()
        .filter(|(sig, f)| f.language == "sql" && !from.functions.contains_key(*sig))
        .filter(|(_, f)| {
            // The body is a string: its names are read too.
            let mut found = Vec::new();
            super::refs::scan(&f.definition.sql, true, false, &mut found);
            found
                .iter()
                .any(|(parts, _)| parts.last() == Some(&t.name.name))
        })
        .map(|(_, f)| &f.name)
        .collect();
    if readers.is_empty() {
        return (t, Vec::new());
    }
    let calls = |sql: &str| super::refs::calls_one_of(sql, readers.iter().copied());
    let why = |f: &QualName| format!("{f} reads table {}, so the table is created first", t.name);
    let mut later = Vec::new();
    let mut table = (*t).clone();
    for c in &mut table.columns {
        let Some(f) = c.default.as_ref().and_then(|d| calls(&d.sql)) else {
            continue;
        };
        let why = why(f);
        let Some(d) = c.default.take() else {
            continue;
        };
        later.push((
            Change::SetDefault {
                table: table.name.clone(),
                column: c.name.to_string(),
                from: None,
                to: *d,
            },
            format!(
                "{}: default set once the function it calls exists: {why}",
                format_args!("{}.{}", table.name, crate::quote::quote_ident(&c.name)),
            ),
        ));
    }
    let (checks, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut table.checks)
        .into_iter()
        .partition(|k| calls(&k.expr.sql).is_some());
    table.checks = kept;
    for k in checks {
        let Some(f) = calls(&k.expr.sql) else {
            continue;
        };
        later.push((
            Change::AddCheck {
                table: table.name.clone(),
                check: k.clone(),
            },
            format!(
                "{}: check {} added once the function it calls exists: {}",
                table.name,
                k.name,
                why(f)
            ),
        ));
    }
    if later.is_empty() {
        return (t, later);
    }
    (Arc::new(table), later)
}

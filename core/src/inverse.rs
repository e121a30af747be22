//! Down migrations: the inverse of each step a plan runs, planned in dependency order. A step
//! with no safe inverse is listed in the down plan's `irreversible`, saying why.

use std::collections::BTreeSet;

use crate::diff::columns::needs_using;
use crate::diff::{Change, Diff};
use crate::plan::{plan_owned, Plan, PlanOptions, Step};
use crate::schema::{QualName, Schema};

/// The changes that undo `c`, given the schema before it (`current`), or why there are none.
/// New enum labels are undone together, per type, by [`down_plan`].
fn inverse(c: &Change, current: &Schema) -> Result<Vec<Change>, String> {
    use Change::*;
    let mut out = Vec::new();
    match c {
        // What a drop takes along comes back with the object: comments, a table's indexes.
        DropTable { table } => {
            // Its foreign keys come back as the inverses of their own drops; a partition or
            // child comes back with what it declares itself (its parent gives it the rest).
            let table = crate::diff::tables::local_shared(table, current);
            crate::diff::tables::create_table(table, false, &mut out);
            return Ok(out);
        }
        DropColumn { table, column } => {
            out.push(AddColumn {
                table: table.clone(),
                column: column.clone(),
            });
            if column.comment.is_some() {
                out.push(CommentColumn {
                    table: table.clone(),
                    column: column.name.to_string(),
                    from: None,
                    to: column.comment.as_deref().map(String::from),
                });
            }
            return Ok(out);
        }
        DropIndex { table, index } => {
            crate::diff::indexes::create_index(table, index, &mut out);
            return Ok(out);
        }
        DropEnum { ty } => {
            out.push(CreateEnum { ty: ty.clone() });
            if ty.comment.is_some() {
                out.push(CommentType {
                    name: ty.name.clone(),
                    from: None,
                    to: ty.comment.clone(),
                });
            }
            return Ok(out);
        }
        AddEnumValue { .. } => return Ok(out),
        _ => {}
    }
    let lookup = |t: &crate::schema::QualName, name: &str| {
        current.tables.get(t).and_then(|t| t.column(name)).cloned()
    };
    Ok(vec![match c.clone() {
        // Whether it was there before is not known: left as it is.
        CreateSchema {
            if_not_exists: true,
            ..
        } => return Ok(Vec::new()),
        CreateSchema { name, .. } => DropSchema { name },
        DropSchema { name } => CreateSchema {
            name,
            if_not_exists: false,
        },
        CreateEnum { ty } => DropEnum { ty },
        RebuildEnum { from, to, columns } => RebuildEnum {
            from: to,
            to: from,
            columns,
        },
        CreateSequence { seq } => DropSequence {
            seq,
            owner_dropped: false,
        },
        DropSequence { seq, .. } => CreateSequence { seq },
        AlterSequence { from, to } => AlterSequence { from: to, to: from },
        CreateTable { table } => DropTable { table },
        AddColumn { table, column } => DropColumn { table, column },
        AlterColumnType {
            table,
            column,
            from,
            to,
            from_collation,
            to_collation,
            using: _,
            serial,
            swap: _,
        } => {
            let enum_target = current
                .enums
                .keys()
                .any(|n| n.to_string() == from.trim_end_matches("[]"));
            AlterColumnType {
                table,
                column,
                using: if enum_target {
                    Some(true)
                } else if needs_using(&to, &from) {
                    Some(false)
                } else {
                    None
                },
                from: to,
                to: from,
                from_collation: to_collation,
                to_collation: from_collation,
                serial,
                // A down plan changes the type back in place.
                swap: None,
            }
        }
        SetNotNull { table, column } => DropNotNull { table, column },
        // Nothing ran: nothing to undo.
        Backfill { .. } => return Ok(Vec::new()),
        // Validation changes no data and needs no undoing.
        ValidateConstraint { .. } => return Ok(Vec::new()),
        DropNotNull { table, column } => SetNotNull { table, column },
        SetDefault {
            table,
            column,
            from: Some(before),
            to,
        } => SetDefault {
            table,
            column,
            from: Some(to),
            to: before,
        },
        SetDefault {
            table,
            column,
            from: None,
            to,
        } => DropDefault {
            table,
            column,
            from: to,
        },
        DropDefault {
            table,
            column,
            from,
        } => SetDefault {
            table,
            column,
            from: None,
            to: from,
        },
        AddIdentity { table, column, .. } => DropIdentity { table, column },
        DropIdentity { table, column } => {
            let c = column_of(lookup(&table, &column), &table, &column)?;
            AddIdentity {
                table,
                column,
                identity: c
                    .identity
                    .ok_or_else(|| format!("{}: was not an identity", c.name))?,
                options: crate::schema::IdentityOptions::clone(&c.identity_options),
                continues: None,
            }
        }
        SetIdentity {
            table,
            column,
            from,
            to,
        } => SetIdentity {
            table,
            column,
            from: to,
            to: from,
        },
        SetIdentityOptions {
            table,
            column,
            from,
            to,
        } => SetIdentityOptions {
            table,
            column,
            from: to,
            to: from,
        },
        AddSerial { table, column, .. } => DropSerial {
            table,
            column,
            keep_as: None,
        },
        DropSerial { table, column, .. } => {
            let c = column_of(lookup(&table, &column), &table, &column)?;
            AddSerial {
                table,
                column,
                data_type: c.data_type.to_string(),
            }
        }
        AddPrimaryKey { table, pk } => DropPrimaryKey { table, pk },
        DropPrimaryKey { table, pk } => AddPrimaryKey { table, pk },
        AddUnique { table, unique } => DropUnique { table, unique },
        DropUnique { table, unique } => AddUnique { table, unique },
        AddCheck { table, check } => DropCheck { table, check },
        DropCheck { table, check } => AddCheck { table, check },
        AddForeignKey { table, fk } => DropForeignKey { table, fk },
        DropForeignKey { table, fk } => AddForeignKey { table, fk },
        AddExclusion { table, exclusion } => DropExclusion { table, exclusion },
        DropExclusion { table, exclusion } => AddExclusion { table, exclusion },
        CreateIndex { table, index } => DropIndex { table, index },
        RenameConstraint { table, from, to } => RenameConstraint {
            table,
            from: to,
            to: from,
        },
        RenameTable { from, to } => RenameTable {
            from: crate::schema::QualName::new(from.schema.clone(), to),
            to: from.name,
        },
        RenameColumn { table, from, to } => RenameColumn {
            table,
            from: to,
            to: from,
        },
        RenameEnumValue { name, from, to } => RenameEnumValue {
            name,
            from: to,
            to: from,
        },
        RenameIndex { table, from, to } => RenameIndex {
            table,
            from: to,
            to: from,
        },
        CommentTable { table, from, to } => CommentTable {
            table,
            from: to,
            to: from,
        },
        CommentColumn {
            table,
            column,
            from,
            to,
        } => CommentColumn {
            table,
            column,
            from: to,
            to: from,
        },
        CommentIndex {
            table,
            index,
            from,
            to,
        } => CommentIndex {
            table,
            index,
            from: to,
            to: from,
        },
        CommentConstraint {
            table,
            constraint,
            from,
            to,
        } => CommentConstraint {
            table,
            constraint,
            from: to,
            to: from,
        },
        CommentType { name, from, to } => CommentType {
            name,
            from: to,
            to: from,
        },
        CreateView { view, recreated } => DropView { view, recreated },
        // It may have been there before: nothing to undo.
        CreateExtension {
            if_missing: true, ..
        } => return Ok(Vec::new()),
        CreateExtension { ext, .. } => DropExtension {
            ext,
            replaced: false,
        },
        SetLogged { table, unlogged } => SetLogged {
            table,
            unlogged: !unlogged,
        },
        CommentObject { target, from, to } => CommentObject {
            target,
            from: to,
            to: from,
        },
        SetStorageParams { table, from, to } => SetStorageParams {
            table,
            from: to,
            to: from,
        },
        SetReplicaIdentity { table, from, to } => SetReplicaIdentity {
            table,
            from: to,
            to: from,
        },
        AlterColumnSettings {
            table,
            column,
            type_storage,
            from,
            to,
        } => AlterColumnSettings {
            table,
            column,
            type_storage,
            from: to,
            to: from,
        },
        RecreateTable { from, to } => RecreateTable { from: to, to: from },
        DetachPartition { table, parent, .. } => {
            let bound = current
                .tables
                .get(&table)
                .and_then(|t| t.partition_of.as_ref())
                .map(|p| p.bound.clone())
                .ok_or_else(|| format!("{table}: not a partition in the current schema"))?;
            AttachPartition {
                table,
                parent,
                bound,
            }
        }
        AttachPartition { table, parent, .. } => DetachPartition {
            table,
            parent,
            online_check: None,
        },
        CreateCollation { collation } => DropCollation {
            collation,
            replaced: false,
        },
        DropCollation { collation, .. } => CreateCollation { collation },
        CreateDomain { domain } => DropDomain {
            domain,
            replaced: false,
        },
        AlterDomain { from, to } => AlterDomain { from: to, to: from },
        // Worked out afresh for the down plan (see `down_plan`).
        SetOwner { .. } => return Ok(Vec::new()),
        Grant(g) => Revoke(g),
        Revoke(g) => Grant(g),
        DropDomain { domain, .. } => CreateDomain { domain },
        CreateCompositeType { ty } => DropCompositeType { ty },
        AlterCompositeType { from, to, used_by } => AlterCompositeType {
            from: to,
            to: from,
            used_by,
        },
        DropCompositeType { ty } => CreateCompositeType { ty },
        CreateStatistics { table, stats } => DropStatistics {
            table,
            stats,
            replaced: false,
        },
        AlterStatistics { table, from, to } => AlterStatistics {
            table,
            from: to,
            to: from,
        },
        DropStatistics { table, stats, .. } => CreateStatistics { table, stats },
        CreateRangeType { ty } => DropRangeType {
            ty,
            replaced: false,
        },
        DropRangeType { ty, .. } => CreateRangeType { ty },
        CreateFunction { function } => DropFunction {
            function,
            replaced: false,
        },
        DropFunction { function, .. } => CreateFunction { function },
        ReplaceFunction { from, to } => ReplaceFunction { from: to, to: from },
        CreateTrigger { trigger, recreated } => DropTrigger { trigger, recreated },
        CommentFunction { function, from, to } => CommentFunction {
            function,
            from: to,
            to: from,
        },
        CommentTrigger { trigger, from, to } => CommentTrigger {
            trigger,
            from: to,
            to: from,
        },
        DropTrigger { trigger, recreated } => CreateTrigger { trigger, recreated },
        SetRowSecurity { table, enable } => SetRowSecurity {
            table,
            enable: !enable,
        },
        SetForceRowSecurity { table, force } => SetForceRowSecurity {
            table,
            force: !force,
        },
        CreatePolicy { table, policy } => DropPolicy { table, policy },
        DropPolicy { table, policy } => CreatePolicy { table, policy },
        DropExtension { ext, .. } => CreateExtension {
            ext,
            if_missing: false,
        },
        AlterExtension { from, to } => AlterExtension { from: to, to: from },
        DropView { view, recreated } => CreateView { view, recreated },
        CommentView {
            name,
            materialized,
            from,
            to,
        } => CommentView {
            name,
            materialized,
            from: to,
            to: from,
        },
        DropTable { .. }
        | DropColumn { .. }
        | DropIndex { .. }
        | DropEnum { .. }
        | AddEnumValue { .. } => unreachable!("handled above"),
    }])
}

/// The table a table-scoped change is on.
fn on_table(c: &Change) -> Option<&crate::schema::QualName> {
    use Change::*;
    match c {
        AddColumn { table, .. }
        | DropColumn { table, .. }
        | AlterColumnType { table, .. }
        | SetNotNull { table, .. }
        | DropNotNull { table, .. }
        | SetDefault { table, .. }
        | DropDefault { table, .. }
        | AddIdentity { table, .. }
        | SetIdentityOptions { table, .. }
        | SetIdentity { table, .. }
        | DropIdentity { table, .. }
        | AddSerial { table, .. }
        | DropSerial { table, .. }
        | AddPrimaryKey { table, .. }
        | DropPrimaryKey { table, .. }
        | AddUnique { table, .. }
        | DropUnique { table, .. }
        | AddCheck { table, .. }
        | DropCheck { table, .. }
        | AddForeignKey { table, .. }
        | DropForeignKey { table, .. }
        | AddExclusion { table, .. }
        | DropExclusion { table, .. }
        | CreateIndex { table, .. }
        | DropIndex { table, .. }
        | RenameConstraint { table, .. }
        | RenameColumn { table, .. }
        | RenameIndex { table, .. }
        | CommentTable { table, .. }
        | CommentColumn { table, .. }
        | CommentIndex { table, .. }
        | CommentConstraint { table, .. }
        | SetRowSecurity { table, .. }
        | SetForceRowSecurity { table, .. }
        | CreatePolicy { table, .. }
        | DropPolicy { table, .. }
        | DetachPartition { table, .. }
        | SetLogged { table, .. }
        | SetStorageParams { table, .. }
        | SetReplicaIdentity { table, .. }
        | AlterColumnSettings { table, .. }
        | AttachPartition { table, .. } => Some(table),
        _ => None,
    }
}

fn column_of(
    c: Option<crate::schema::Column>,
    table: &crate::schema::QualName,
    column: &str,
) -> Result<crate::schema::Column, String> {
    c.ok_or_else(|| format!("{table}.{column}: not in the current schema"))
}

/// The down migration of `up` (a plan from `current` to `desired`): the inverse of every step
/// `up` runs (not of the steps it skipped), in dependency order. New enum labels are undone by
/// rebuilding the type without them (PostgreSQL cannot drop a label; the rebuild fails if rows
/// use one). Steps without a safe inverse are in the result's `irreversible`, with why; steps
/// whose inverse cannot bring data back (a dropped column re-added empty) say so in their reason.
pub fn down_plan(up: &Plan, current: &Schema, desired: &Schema) -> Plan {
    let mut changes = Vec::new();
    let mut irreversible = Vec::new();
    let mut labelled = Vec::new();
    for s in &up.steps {
        if let Change::AddEnumValue { name, .. } = &s.change {
            match (desired.enums.get(name), current.enums.get(name)) {
                (Some(from), Some(to)) => {
                    if !labelled.contains(name) {
                        labelled.push(name.clone());
                        let columns = crate::diff::enums::columns_of_type(name, desired, current);
                        changes.push(Change::RebuildEnum {
                            from: from.clone(),
                            to: to.clone(),
                            columns,
                        });
                    }
                }
                _ => irreversible.push(Step {
                    reason: format!(
                        "no safe inverse for “{}”: the type is not in both schemas",
                        s.reason
                    ),
                    ..s.clone()
                }),
            }
            continue;
        }
        match inverse(&s.change, current) {
            Ok(c) => changes.extend(c),
            Err(why) => irreversible.push(Step {
                reason: format!("no safe inverse for “{}”: {why}", s.reason),
                ..s.clone()
            }),
        }
    }
    // What goes with a table or type the down migration drops needs no undoing of its own
    // (and could not run after the drop).
    let dropped_tables: BTreeSet<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let dropped_types: BTreeSet<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropEnum { ty } => Some(ty.name.clone()),
            Change::DropRangeType { ty, .. } => Some(ty.name.clone()),
            _ => None,
        })
        .collect();
    // Likewise a column the down migration drops (a NOT NULL column added nullable and then
    // made NOT NULL is dropped, not made nullable first).
    let dropped_columns: BTreeSet<(QualName, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropColumn { table, column } => Some((table.clone(), column.name.to_string())),
            _ => None,
        })
        .collect();
    changes.retain(|c| match c {
        Change::DropNotNull { table, column }
        | Change::SetNotNull { table, column }
        | Change::DropDefault { table, column, .. }
        | Change::SetDefault { table, column, .. } => {
            !dropped_columns.contains(&(table.clone(), column.clone()))
        }
        _ => true,
    });
    changes.retain(|c| match c {
        Change::CommentType { name, .. } => !dropped_types.contains(name),
        // Foreign keys go first, so that tables referring to each other can be dropped.
        Change::DropTable { .. } | Change::DropForeignKey { .. } => true,
        _ => !on_table(c).is_some_and(|t| dropped_tables.contains(t)),
    });
    // Views (and privileges): what the down migration drops, creates and recreates around its
    // own changes is worked out afresh (the inverse of a view's drop must wait for what it reads, and views
    // in the way of undone column changes are recreated too).
    changes.retain(|c| {
        !matches!(
            c,
            Change::CreateView { .. }
                | Change::DropView { .. }
                | Change::CommentView { .. }
                | Change::CreateFunction { .. }
                | Change::ReplaceFunction { .. }
                | Change::DropFunction { .. }
                | Change::CreateTrigger { .. }
                | Change::DropTrigger { .. }
                | Change::CommentFunction { .. }
                | Change::CommentTrigger { .. }
                | Change::Grant { .. }
                | Change::Revoke { .. }
        )
    });
    let whole = desired.scope == crate::schema::Scope::Whole
        && current.scope == crate::schema::Scope::Whole;
    crate::diff::dependants(desired, current, whole, &mut changes);
    // A view, function or trigger whose drop the up migration held back is still there: it
    // is not created again.
    let held = |c: &Change| {
        up.skipped.iter().any(|s| match (&s.change, c) {
            (
                Change::DropView { view: a, .. },
                Change::CreateView {
                    view: b,
                    recreated: None,
                },
            ) => a.name == b.name,
            (Change::DropView { view, .. }, Change::CommentView { name, .. }) => view.name == *name,
            (
                Change::DropFunction { function: a, .. },
                Change::CreateFunction { function: b }
                | Change::CommentFunction { function: b, .. },
            ) => a.signature() == b.signature(),
            (
                Change::DropTrigger { trigger: a, .. },
                Change::CreateTrigger {
                    trigger: b,
                    recreated: false,
                }
                | Change::CommentTrigger { trigger: b, .. },
            ) => a.table == b.table && a.name == b.name,
            _ => false,
        })
    };
    changes.retain(|c| !held(c));
    // Settings, statistics objects and privileges likewise: a table or column the down
    // migration makes again gets its settings, statistics objects and grants back.
    changes.retain(|c| {
        !crate::diff::settings::is_setting(c)
            && !crate::diff::statistics::is_statistics(c)
            && !matches!(c, Change::CommentObject { .. })
    });
    crate::diff::settings::diff_all(desired, current, &mut changes);
    crate::diff::comments::diff_all(desired, current, &mut changes);
    crate::diff::statistics::diff_all(desired, current, &mut changes);
    crate::diff::privileges::diff_privileges(desired, current, &mut changes);
    crate::diff::owners::diff_owners(desired, current, &mut changes);
    // Confirmed renames are undone last, latest first: every other undo step names tables and
    // columns as the desired schema does.
    let (mut renames, changes): (Vec<Change>, Vec<Change>) = changes.into_iter().partition(|c| {
        matches!(
            c,
            Change::RenameTable { .. }
                | Change::RenameColumn { .. }
                | Change::RenameEnumValue { .. }
        )
    });
    renames.reverse();
    let options = PlanOptions {
        allow_destructive: true,
        online: up.online,
        pg_version: up.pg_version,
        ..Default::default()
    };
    let planned = |changes: Vec<Change>| {
        plan_owned(
            Diff {
                changes,
                not_compared: up.not_compared.clone(),
                partitioned: crate::diff::partitioned_tables(current, desired),
                rebuilt: Vec::new(),
            },
            &options,
        )
    };
    let mut down = planned(changes);
    if !renames.is_empty() {
        // Views, routines and triggers come back from the current schema's text, which names
        // tables and columns the old way: they are created once the renames are undone.
        let (after, before): (Vec<Step>, Vec<Step>) =
            std::mem::take(&mut down.steps).into_iter().partition(|s| {
                matches!(
                    s.change,
                    Change::CreateView { .. }
                        | Change::CommentView { .. }
                        | Change::CreateFunction { .. }
                        | Change::ReplaceFunction { .. }
                        | Change::CommentFunction { .. }
                        | Change::CreateTrigger { .. }
                        | Change::CommentTrigger { .. }
                )
            });
        down.steps = before;
        down.steps.extend(planned(renames).steps);
        down.steps.extend(after);
    }
    for s in &mut down.steps {
        if let Some(lost) = &s.loses {
            s.reason = format!("undo: {} (loses {lost})", s.reason);
        } else {
            s.reason = format!("undo: {}", s.reason);
        }
    }
    down.irreversible = irreversible;
    down
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{diff, parse, plan, render_sql};

    fn schema(sql: &str) -> Schema {
        parse(sql, None).1.schema
    }

    #[test]
    fn what_the_up_plan_held_back_is_not_made_again_by_the_down_plan() {
        let old = schema(
            "CREATE TABLE t (id int, a text); CREATE VIEW v AS SELECT id FROM t;\n\
             CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
        );
        let new = schema("CREATE TABLE t (id int, a text, b int);");
        let up = plan(&diff(&old, &new), &PlanOptions::default());
        assert_eq!(up.skipped.len(), 2, "{:#?}", up.skipped);
        let sql = render_sql(&down_plan(&up, &old, &new));
        assert!(sql.contains("DROP COLUMN b"), "{sql}");
        // The view and the function were never dropped: the down plan leaves them be.
        assert!(
            !sql.contains("CREATE VIEW") && !sql.contains("CREATE FUNCTION"),
            "{sql}"
        );
    }

    #[test]
    fn the_down_plan_of_the_seed_restores_it() {
        let old = schema(
            "CREATE TABLE users (id serial PRIMARY KEY, pw varchar(255) NOT NULL, n int DEFAULT 1);",
        );
        let new = schema(
            "CREATE TABLE users (id serial PRIMARY KEY, pw varchar(255), n bigint DEFAULT 2, \
             name text); CREATE INDEX users_name ON users (name);",
        );
        let up = plan(
            &diff(&old, &new),
            &PlanOptions {
                allow_destructive: true,
                ..Default::default()
            },
        );
        let down = down_plan(&up, &old, &new);
        let sql = render_sql(&down);
        assert!(sql.contains("DROP INDEX users_name;"), "{sql}");
        assert!(sql.contains("ALTER TABLE users DROP COLUMN name;"), "{sql}");
        assert!(sql.contains("ALTER COLUMN pw SET NOT NULL;"), "{sql}");
        assert!(sql.contains("ALTER COLUMN n TYPE integer"), "{sql}");
        assert!(sql.contains("ALTER COLUMN n SET DEFAULT 1;"), "{sql}");
        // Planning the inverse from the new schema gives the same changes as diffing back.
        let back = plan(
            &diff(&new, &old),
            &PlanOptions {
                allow_destructive: true,
                ..Default::default()
            },
        );
        let ids = |p: &Plan| {
            let mut v: Vec<String> = p.steps.iter().map(|s| s.id.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&down), ids(&back));
    }

    /// A created or dropped table is the schema's own, shared with the changes and the down
    /// plan (a dump's tables are not copied), while the plan's JSON and SQL show the created
    /// table without what follows as its own steps.
    #[test]
    fn created_and_dropped_tables_are_shared_not_copied() {
        let one = schema("CREATE TABLE a (id int PRIMARY KEY);");
        let two = schema(
            "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, \
             a int REFERENCES a (id)); CREATE INDEX b_a ON b (a);",
        );
        let opts = PlanOptions {
            allow_destructive: true,
            ..Default::default()
        };
        let up = plan(&diff(&one, &two), &opts);
        let b = &two.tables[&QualName::new("public", "b")];
        let created = up
            .steps
            .iter()
            .find_map(|s| match &s.change {
                Change::CreateTable { table } => Some(table),
                _ => None,
            })
            .expect("a create-table step");
        assert!(std::sync::Arc::ptr_eq(created, b));
        let down = down_plan(&up, &one, &two);
        assert!(down.steps.iter().any(|s| matches!(&s.change,
            Change::DropTable { table } if std::sync::Arc::ptr_eq(table, b))));
        let json = serde_json::to_value(&up.steps).unwrap();
        let step = json
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "create-table")
            .unwrap();
        assert_eq!(
            step["change"]["table"]["foreign_keys"],
            serde_json::json!([])
        );
        assert_eq!(step["change"]["table"]["indexes"], serde_json::json!([]));
        let sql = render_sql(&up);
        assert_eq!(sql.matches("REFERENCES").count(), 1, "{sql}");
        assert_eq!(sql.matches("CREATE INDEX").count(), 1, "{sql}");
        // Dropping it shares the current schema's table in the same way, and so does the down
        // plan that creates it again (its foreign key added once, as the inverse of its drop).
        let back = plan(&diff(&two, &one), &opts);
        assert!(back.steps.iter().any(|s| matches!(&s.change,
            Change::DropTable { table } if std::sync::Arc::ptr_eq(table, b))));
        let undo = down_plan(&back, &two, &one);
        assert!(undo.steps.iter().any(|s| matches!(&s.change,
            Change::CreateTable { table } if std::sync::Arc::ptr_eq(table, b))));
        let sql = render_sql(&undo);
        assert_eq!(sql.matches("REFERENCES").count(), 1, "{sql}");
        assert_eq!(sql.matches("CREATE INDEX").count(), 1, "{sql}");
    }

    #[test]
    fn new_enum_labels_are_undone_by_a_rebuild() {
        let old = schema("CREATE TYPE m AS ENUM ('a'); CREATE TABLE t (x m DEFAULT 'a');");
        let new =
            schema("CREATE TYPE m AS ENUM ('a', 'b', 'c'); CREATE TABLE t (x m DEFAULT 'a');");
        let up = plan(&diff(&old, &new), &PlanOptions::default());
        assert_eq!(up.steps.len(), 2);
        let down = down_plan(&up, &old, &new);
        assert_eq!(down.steps.len(), 1, "{down:?}");
        assert_eq!(down.steps[0].id, "rebuild-enum");
        assert!(down.irreversible.is_empty());
    }
}

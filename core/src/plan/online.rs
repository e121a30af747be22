//! The online forms of steps: the statements, each with the phase it runs in, that make a
//! change without a long lock (see [`online_sql`]).

use super::{OnlineStatement, Phase};
use crate::diff::Change;
use crate::normalize::{make_object_name, serial_sequence};
use crate::quote::quote_literal;
use crate::schema::{Column, Deferrable, IdentityOptions, QualName};
use crate::sql::{
    alter_col, check_clause, collate, cols, column_def, comment, converted, create_index_sql,
    create_view, deferrable, drop_constraint, fk_clause, identity_options_sql, in_schema, include,
    on_path, q, step_sql, validate, view_kind,
};

/// A step's online form, when it has one: an index built or dropped `CONCURRENTLY` (a unique
/// or primary key constraint then attached to it; a new materialized view's indexes), a check
/// or foreign key added `NOT VALID` and validated later, `SET NOT NULL` through a validated
/// check (PostgreSQL 12 and later skip the scan when one proves it), a partition detached
/// `CONCURRENTLY` (14 and later), a column whose default would be written into every row
/// added bare, its default set and its rows filled in a backfill phase, an identity column
/// filled the same way from a sequence of its own before it becomes the identity.
pub(crate) fn online_sql(c: &Change, pg_version: Option<u32>) -> Option<Vec<OnlineStatement>> {
    use Phase::NotTransactional as N;
    let st = |phase, sql: String| OnlineStatement { phase, sql };
    let forms = match c {
        Change::CreateIndex { table, index } => {
            vec![st(N, create_index_sql(table, index, true))]
        }
        Change::DropIndex { table, index } => vec![st(
            N,
            format!("DROP INDEX CONCURRENTLY {}", in_schema(table, &index.name)),
        )],
        Change::AddUnique { table, unique } => key_using_index(
            table,
            &unique.name,
            "UNIQUE",
            &unique.columns,
            &unique.include,
            unique.nulls_not_distinct,
            unique.deferrable,
        ),
        Change::AddPrimaryKey { table, pk } => key_using_index(
            table,
            &pk.name,
            "PRIMARY KEY",
            &pk.columns,
            &pk.include,
            false,
            pk.deferrable,
        ),
        Change::AddCheck { table, check } => {
            // Wanted NOT VALID: added so, and left so.
            not_valid_then_validate(table, &check.name, check_clause(check), !check.not_valid)
        }
        Change::AddForeignKey { table, fk } => {
            not_valid_then_validate(table, &fk.name, fk_clause(fk), !fk.not_valid)
        }
        // Reads every row without blocking writes: a phase of its own.
        Change::ValidateConstraint { table, name } => {
            vec![st(Phase::Validate, validate(table, name))]
        }
        // PostgreSQL 14 and later: the parent keeps taking reads and writes; the CHECK the
        // detach leaves on the partition goes (IF EXISTS: none is added when one implies it).
        Change::DetachPartition {
            table,
            parent,
            online_check: Some(check),
        } if pg_version.is_some_and(|v| v >= 14) => vec![
            st(
                N,
                format!("ALTER TABLE {parent} DETACH PARTITION {table} CONCURRENTLY"),
            ),
            st(
                Phase::Transactional,
                format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {}", q(check)),
            ),
        ],
        // A new materialized view, then its indexes built concurrently (a populated view is
        // read by the time its indexes are built).
        Change::CreateView { view, .. } if view.materialized && !view.indexes.is_empty() => {
            let mut forms: Vec<_> = on_path(&view.search_path, vec![create_view(view)])
                .into_iter()
                .map(|sql| st(Phase::Transactional, sql))
                .collect();
            if view.comment.is_some() {
                let kind = view_kind(true);
                forms.push(st(
                    Phase::Transactional,
                    comment(kind, &view.name.to_string(), &view.comment),
                ));
            }
            for i in &view.indexes {
                forms.push(st(N, create_index_sql(&view.name, i, true)));
            }
            forms
        }
        // The NULL rows filled in a transaction of their own (row locks only).
        Change::Backfill { value: Some(_), .. } => step_sql(c)
            .into_iter()
            .map(|sql| st(Phase::Backfill, sql))
            .collect(),
        Change::SetNotNull { table, column } if pg_version.is_none_or(|v| v >= 12) => {
            not_null_through_check(table, column)
        }
        // A default written into every existing row would rewrite the table under its lock:
        // the column is added bare, its default set for new rows, the existing rows filled in
        // a transaction of their own, and NOT NULL (when wanted) comes through a validated
        // check once they are filled (a NOT VALID check added earlier would refuse updates of
        // the rows still waiting for their value).
        Change::AddColumn { table, column } if crate::plan::fills_each_row(column, pg_version) => {
            let default = column.default.as_ref()?;
            let mut bare = column.clone();
            bare.default = None;
            bare.not_null = false;
            let mut forms = fill_new_column(table, &bare, &default.sql);
            if column.not_null {
                if pg_version.is_none_or(|v| v >= 12) {
                    forms.extend(not_null_through_check(table, &column.name));
                } else {
                    forms.push(st(
                        Phase::Transactional,
                        alter_col(table, &column.name, "SET NOT NULL"),
                    ));
                }
            }
            forms
        }
        // An identity column would fill every row under the lock: it is added bare, filled
        // from a sequence of its own (the identity's options, so the rows get the values it
        // would give them) as a default and a backfill, made NOT NULL through the validated
        // check, then turned into the identity, whose sequence goes on from the filling one.
        Change::AddColumn { table, column }
            if column.identity.is_some()
                && column.generated.is_none()
                && !column.serial
                && column.default.is_none()
                && pg_version.is_none_or(|v| v >= 12) =>
        {
            let identity = column.identity?;
            let fill = in_schema(
                table,
                &make_object_name(&table.name, Some(&column.name), "fill_seq"),
            );
            let mut bare = column.clone();
            bare.identity = None;
            bare.identity_options = Default::default();
            bare.not_null = false;
            let t = |sql| st(Phase::Transactional, sql);
            let mut forms = vec![t(format!(
                "CREATE SEQUENCE {fill} AS {} {}",
                column.data_type,
                identity_options_sql(&column.identity_options, "")
            )
            .trim_end()
            .to_string())];
            forms.extend(fill_new_column(
                table,
                &bare,
                &format!("nextval({}::regclass)", quote_literal(&fill)),
            ));
            forms.extend(not_null_through_check(table, &column.name));
            forms.push(t(alter_col(table, &column.name, "DROP DEFAULT")));
            forms.extend(
                step_sql(&Change::AddIdentity {
                    table: table.clone(),
                    column: column.name.to_string(),
                    identity,
                    options: IdentityOptions::clone(&column.identity_options),
                    continues: None,
                })
                .into_iter()
                .map(t),
            );
            forms.push(t(format!(
                "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({}, {}), s.last_value, s.is_called) FROM {fill} AS s",
                quote_literal(&table.to_string()),
                quote_literal(&column.name)
            )));
            forms.push(t(format!("DROP SEQUENCE {fill}")));
            forms
        }
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            to_collation,
            using,
            serial,
            ..
        } => {
            let swap = crate::plan::swap_of(c, pg_version)?;
            let mut forms = retype_through_swap(
                table,
                column,
                (from, to),
                to_collation.as_deref(),
                *using,
                swap,
                *serial,
            );
            if *serial {
                // The sequence changes type with the column (the plain form's second statement).
                forms.extend(
                    step_sql(c)
                        .into_iter()
                        .skip(1)
                        .map(|sql| st(Phase::Transactional, sql)),
                );
            }
            forms
        }
        Change::CreateSchema { .. }
        | Change::DropSchema { .. }
        | Change::CreateCollation { .. }
        | Change::DropCollation { .. }
        | Change::CreateDomain { .. }
        | Change::AlterDomain { .. }
        | Change::DropDomain { .. }
        | Change::CreateCompositeType { .. }
        | Change::AlterCompositeType { .. }
        | Change::DropCompositeType { .. }
        | Change::CreateRangeType { .. }
        | Change::CreateStatistics { .. }
        | Change::SetOwner { .. }
        | Change::AlterStatistics { .. }
        | Change::DropStatistics { .. }
        | Change::DropRangeType { .. }
        | Change::CreateExtension { .. }
        | Change::AlterExtension { .. }
        | Change::DropExtension { .. }
        | Change::CreateEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RenameEnumValue { .. }
        | Change::DropEnum { .. }
        | Change::RebuildEnum { .. }
        | Change::CreateSequence { .. }
        | Change::AlterSequence { .. }
        | Change::DropSequence { .. }
        | Change::CreateTable { .. }
        | Change::DropTable { .. }
        | Change::RecreateTable { .. }
        | Change::SetLogged { .. }
        | Change::SetStorageParams { .. }
        | Change::CommentObject { .. }
        | Change::SetReplicaIdentity { .. }
        | Change::AlterColumnSettings { .. }
        | Change::DetachPartition { .. }
        | Change::AttachPartition { .. }
        | Change::AddColumn { .. }
        | Change::DropColumn { .. }
        | Change::SetNotNull { .. }
        | Change::Backfill { .. }
        | Change::DropNotNull { .. }
        | Change::SetDefault { .. }
        | Change::DropDefault { .. }
        | Change::AddIdentity { .. }
        | Change::SetIdentityOptions { .. }
        | Change::SetIdentity { .. }
        | Change::DropIdentity { .. }
        | Change::AddSerial { .. }
        | Change::DropSerial { .. }
        | Change::DropPrimaryKey { .. }
        | Change::DropUnique { .. }
        | Change::DropCheck { .. }
        | Change::DropForeignKey { .. }
        | Change::AddExclusion { .. }
        | Change::DropExclusion { .. }
        | Change::RenameTable { .. }
        | Change::RenameColumn { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::CommentTable { .. }
        | Change::CommentColumn { .. }
        | Change::CommentIndex { .. }
        | Change::CommentConstraint { .. }
        | Change::CommentType { .. }
        | Change::SetRowSecurity { .. }
        | Change::SetForceRowSecurity { .. }
        | Change::CreatePolicy { .. }
        | Change::DropPolicy { .. }
        | Change::CreateFunction { .. }
        | Change::ReplaceFunction { .. }
        | Change::DropFunction { .. }
        | Change::CreateTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::CommentFunction { .. }
        | Change::CommentTrigger { .. }
        | Change::CreateView { .. }
        | Change::DropView { .. }
        | Change::CommentView { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. } => return None,
    };
    Some(forms)
}

/// A type change without a rewrite under the table's lock (expand and contract): the new
/// column added bare, a trigger setting it from the old one on each insert and update, an
/// `UPDATE` in a backfill phase for the rows already there, NOT NULL (when the column has it)
/// through a validated check, its indexes built again on it concurrently, then one
/// transaction that drops the trigger and the old column and gives the new one its name,
/// default and comment (and the new indexes theirs). The value is converted as the plain
/// `ALTER COLUMN … TYPE` would: by assignment, or through the same `USING` cast, with the
/// migration's `search_path` (the trigger runs in the writers' sessions).
fn retype_through_swap(
    table: &QualName,
    column: &str,
    (from, to): (&str, &str),
    collation: Option<&str>,
    using: Option<bool>,
    swap: &crate::diff::Swap,
    serial: bool,
) -> Vec<OnlineStatement> {
    let t = |sql| OnlineStatement {
        phase: Phase::Transactional,
        sql,
    };
    let (old, new) = (q(column), q(&swap.temp));
    let value = |row: &str| converted(&format!("{row}{old}"), from, to, using);
    let function = in_schema(table, &swap.sync);
    let body = format!("BEGIN NEW.{new} := {}; RETURN NEW; END;", value("NEW."));
    // A dollar-quote tag the body does not hold (names are quoted identifiers: they may hold
    // anything).
    let tag = (0..)
        .map(|i| match i {
            0 => "$sync$".to_string(),
            i => format!("$sync{i}$"),
        })
        .find(|tag| !body.contains(tag.as_str()))
        .expect("a tag the body does not hold");
    let mut add = format!("ALTER TABLE {table} ADD COLUMN {new} {to}");
    if let Some(coll) = collation {
        add.push_str(&collate(coll));
    }
    let trigger = q(&swap.sync);
    let mut forms = vec![
        t(add),
        t(format!(
            "CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS {tag}{body}{tag}"
        )),
        t(format!(
            "CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )),
    ];
    // The table's foreign keys on the column, on the new one: checked for each write from
    // now (the trigger fills it), for the rows already there once the backfill is done.
    for (fk, temp) in &swap.foreign_keys {
        forms.push(t(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {} NOT VALID",
            q(temp),
            fk_clause(fk)
        )));
    }
    forms.push(OnlineStatement {
        phase: Phase::Backfill,
        sql: format!(
            "UPDATE {table} SET {new} = {} WHERE {new} IS NULL AND {old} IS NOT NULL",
            value("")
        ),
    });
    if swap.not_null {
        forms.extend(not_null_through_check(table, &swap.temp));
    }
    for (_, temp) in &swap.foreign_keys {
        forms.push(OnlineStatement {
            phase: Phase::Validate,
            sql: validate(table, temp),
        });
    }
    // The column's indexes, and those of its keys, built again on the new column once it is
    // filled.
    let n = |sql| OnlineStatement {
        phase: Phase::NotTransactional,
        sql,
    };
    for (index, _) in &swap.indexes {
        forms.push(n(create_index_sql(table, index, true)));
    }
    let unique_index = |index: &str, columns: &[String], include_cols: &[String], nnd: bool| {
        format!(
            "CREATE UNIQUE INDEX CONCURRENTLY {} ON {table} ({}){}{}",
            q(index),
            cols(columns),
            include(include_cols),
            if nnd { " NULLS NOT DISTINCT" } else { "" }
        )
    };
    if let Some((pk, index)) = &swap.primary_key {
        forms.push(n(unique_index(index, &pk.columns, &pk.include, false)));
    }
    for (u, index) in &swap.uniques {
        forms.push(n(unique_index(
            index,
            &u.columns,
            &u.include,
            u.nulls_not_distinct,
        )));
    }
    // Other tables' foreign keys on the column would keep it from going.
    for (other, fk) in &swap.referencing {
        forms.push(t(drop_constraint(other, &fk.name)));
    }
    // A serial column's sequence would go with the old column: it passes to the new one,
    // whose default it becomes.
    let seq = serial_sequence(table, column);
    if serial {
        forms.push(t(format!("ALTER SEQUENCE {seq} OWNED BY {table}.{new}")));
    }
    forms.extend(
        [
            format!("DROP TRIGGER {trigger} ON {table}"),
            format!("DROP FUNCTION {function}()"),
            format!("ALTER TABLE {table} DROP COLUMN {old}"),
            format!("ALTER TABLE {table} RENAME COLUMN {new} TO {old}"),
        ]
        .into_iter()
        .map(t),
    );
    // The old column's indexes went with it: the new ones take their names.
    for (index, name) in &swap.indexes {
        forms.push(t(format!(
            "ALTER INDEX {} RENAME TO {}",
            in_schema(table, &index.name),
            q(name)
        )));
        if index.comment.is_some() {
            forms.push(t(comment("INDEX", &in_schema(table, name), &index.comment)));
        }
    }
    // The keys, on their new indexes (which take the keys' names).
    let keys = swap
        .primary_key
        .iter()
        .map(|(k, index)| ("PRIMARY KEY", &k.name, index, k.deferrable))
        .chain(
            swap.uniques
                .iter()
                .map(|(k, index)| ("UNIQUE", &k.name, index, k.deferrable)),
        );
    for (kind, name, index, d) in keys {
        forms.push(t(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {kind} USING INDEX {}{}",
            q(name),
            q(index),
            deferrable(d)
        )));
    }
    for (fk, temp) in &swap.foreign_keys {
        forms.push(t(format!(
            "ALTER TABLE {table} RENAME CONSTRAINT {} TO {}",
            q(temp),
            q(&fk.name)
        )));
    }
    for (other, fk) in &swap.referencing {
        forms.push(t(format!(
            "ALTER TABLE {other} ADD CONSTRAINT {} {} NOT VALID",
            q(&fk.name),
            fk_clause(fk)
        )));
    }
    let default = if serial {
        Some(format!(
            "nextval({}::regclass)",
            quote_literal(&seq.to_string())
        ))
    } else {
        swap.default.as_ref().map(|d| d.sql.clone())
    };
    if let Some(d) = default {
        forms.push(t(alter_col(table, column, &format!("SET DEFAULT {d}"))));
    }
    if swap.comment.is_some() {
        forms.push(t(comment(
            "COLUMN",
            &format!("{table}.{old}"),
            &swap.comment,
        )));
    }
    for (other, fk) in &swap.referencing {
        forms.push(OnlineStatement {
            phase: Phase::Validate,
            sql: validate(other, &fk.name),
        });
    }
    forms
}

/// A new column filled without rewriting the table: `bare` (no default, nullable) added, its
/// default `default` set for new rows, the existing rows given it by an `UPDATE` in a backfill
/// phase of its own.
fn fill_new_column(table: &QualName, bare: &Column, default: &str) -> Vec<OnlineStatement> {
    let name = q(&bare.name);
    vec![
        OnlineStatement {
            phase: Phase::Transactional,
            sql: format!("ALTER TABLE {table} ADD COLUMN {}", column_def(bare)),
        },
        OnlineStatement {
            phase: Phase::Transactional,
            sql: alter_col(table, &bare.name, &format!("SET DEFAULT {default}")),
        },
        OnlineStatement {
            phase: Phase::Backfill,
            sql: format!("UPDATE {table} SET {name} = DEFAULT WHERE {name} IS NULL"),
        },
    ]
}

/// `SET NOT NULL` without a scan under the lock: a `CHECK (column IS NOT NULL)` added `NOT
/// VALID` and validated (PostgreSQL 12 and later then skip the scan), then dropped.
fn not_null_through_check(table: &QualName, column: &str) -> Vec<OnlineStatement> {
    let check = make_object_name(&table.name, Some(column), "not_null_check");
    let mut forms = not_valid_then_validate(
        table,
        &check,
        format!("CHECK ({} IS NOT NULL)", q(column)),
        true,
    );
    for sql in [
        alter_col(table, column, "SET NOT NULL"),
        drop_constraint(table, &check),
    ] {
        forms.push(OnlineStatement {
            phase: Phase::Validate,
            sql,
        });
    }
    forms
}

/// A unique or primary key the online way: its index built concurrently, then attached
/// (a brief lock) as the constraint, under the constraint's name.
fn key_using_index(
    table: &QualName,
    name: &str,
    kind: &str,
    columns: &[String],
    include_cols: &[String],
    nulls_not_distinct: bool,
    d: Deferrable,
) -> Vec<OnlineStatement> {
    vec![
        OnlineStatement {
            phase: Phase::NotTransactional,
            sql: format!(
                "CREATE UNIQUE INDEX CONCURRENTLY {} ON {table} ({}){}{}",
                q(name),
                cols(columns),
                include(include_cols),
                if nulls_not_distinct {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                }
            ),
        },
        OnlineStatement {
            phase: Phase::Transactional,
            sql: format!(
                "ALTER TABLE {table} ADD CONSTRAINT {} {kind} USING INDEX {}{}",
                q(name),
                q(name),
                deferrable(d)
            ),
        },
    ]
}

/// A constraint added `NOT VALID` (no scan under the lock), then, when `validated`, validated
/// in a transaction of its own.
fn not_valid_then_validate(
    table: &QualName,
    name: &str,
    clause: String,
    validated: bool,
) -> Vec<OnlineStatement> {
    let mut forms = vec![OnlineStatement {
        phase: Phase::Transactional,
        sql: format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {clause} NOT VALID",
            q(name)
        ),
    }];
    if validated {
        forms.push(OnlineStatement {
            phase: Phase::Validate,
            sql: validate(table, name),
        });
    }
    forms
}

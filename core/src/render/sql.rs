//! The SQL renderer: one statement per step (a few steps need two or three), each preceded by a
//! `-- reason` comment. Identifiers and literals go through `quote.rs` only.

use crate::diff::Change;
use crate::normalize::{make_object_name, serial_sequence};
use crate::plan::{OnlineStatement, Phase, Plan, Step};
use crate::quote::{quote_ident, quote_literal};
use crate::schema::{
    Column, Deferrable, ForeignKey, Identity, IdentityOptions, Index, QualName, Sequence, Table,
};

/// The whole plan as a migration script.
/// True when `sql` is exactly one SQL statement (a `;` at its end allowed): what the
/// statement splitter, which follows PostgreSQL's lexical rules, finds in it.
pub fn is_one_statement(sql: &str) -> bool {
    let parts = crate::source::split::split_statements(sql);
    parts.len() == 1 && !parts[0].meta
}

/// Defence in depth against SQL smuggled through a value: every statement `plan` would run, in
/// its default and its online form, must be exactly one statement. An `Err` names the first one
/// that is not; nothing of such a plan may be printed or applied.
pub fn check_statements(plan: &Plan) -> Result<(), String> {
    for step in plan.steps.iter().chain(&plan.skipped) {
        let online = step.online.iter().flatten().map(|f| f.sql.clone());
        for sql in step_sql(&step.change).into_iter().chain(online) {
            if !is_one_statement(&sql) {
                return Err(format!(
                    "internal error: the statement generated for step {} ({}) is not exactly one SQL statement, so nothing is printed or applied: {}",
                    step.id,
                    step.reason.lines().next().unwrap_or_default(),
                    sql.lines().next().unwrap_or_default()
                ));
            }
        }
    }
    Ok(())
}

pub fn render_sql(plan: &Plan) -> String {
    let mut out = if plan.online {
        render_phases(&plan.steps)
    } else {
        let mut out = String::new();
        for step in &plan.steps {
            out.push_str(&comment_line(&step.reason));
            out.push_str(&backfill_hint(&step.change).unwrap_or_default());
            for s in step_sql(&step.change) {
                out.push_str(&s);
                out.push_str(";\n");
            }
        }
        out
    };
    for step in &plan.skipped {
        let why = step
            .loses
            .as_deref()
            .unwrap_or("it goes with a skipped step");
        out.push_str(&comment_line(&format!(
            "skipped (destructive, would lose {why}): {}",
            step.reason
        )));
        for s in step_sql(&step.change) {
            out.push_str(&comment_line(&format!("{s};")));
        }
    }
    for step in &plan.irreversible {
        out.push_str(&comment_line(&format!("no inverse: {}", step.reason)));
    }
    out
}

/// Online mode's lock timeout: a step waiting longer for its lock gives up instead of queueing
/// every query behind it.
pub const LOCK_TIMEOUT: &str = "5s";
/// Online mode's statement timeout for the transactional phases, whose heavy work has moved
/// to the other phases (builds and validations take as long as they need: they block no
/// writes).
pub const STATEMENT_TIMEOUT: &str = "1min";

/// One phase of an online plan: how it runs, and the statements of each step in it (its
/// reason and SQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseBlock {
    /// How it runs.
    pub phase: Phase,
    /// (the step's index in the plan, its reason, its statements in this phase), in order.
    pub steps: Vec<(usize, String, Vec<String>)>,
}

/// An online plan's phases, in the plan's order: consecutive statements that run the same
/// way share a phase. A step's validation is a transaction of its own after the phase that
/// added its constraint `NOT VALID`: consecutive such steps add theirs in one phase, then
/// validate one by one, before any other step runs (a later step, such as an identity that
/// needs the NOT NULL, finds it done).
pub fn online_phases(steps: &[Step]) -> Vec<PhaseBlock> {
    let mut phases: Vec<PhaseBlock> = Vec::new();
    let mut validations: Vec<PhaseBlock> = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let statements: Vec<(Phase, String)> = match &step.online {
            Some(forms) => forms.iter().map(|f| (f.phase, f.sql.clone())).collect(),
            None => step_sql(&step.change)
                .into_iter()
                .map(|s| (Phase::Transactional, s))
                .collect(),
        };
        let validates = statements.iter().any(|(p, _)| *p == Phase::Validate);
        if !validates && !statements.is_empty() {
            phases.append(&mut validations);
        }
        if statements.is_empty() {
            // A placeholder: where it stands, in a transactional phase.
            if phases
                .last()
                .is_none_or(|p| p.phase != Phase::Transactional)
            {
                phases.push(PhaseBlock {
                    phase: Phase::Transactional,
                    steps: Vec::new(),
                });
            }
            if let Some(block) = phases.last_mut() {
                block.steps.push((index, step.reason.clone(), Vec::new()));
            }
            continue;
        }
        let validation = |sqls| PhaseBlock {
            phase: Phase::Validate,
            steps: vec![(index, format!("validate: {}", step.reason), sqls)],
        };
        let mut validate = Vec::new();
        let mut fresh = true;
        for (phase, sql) in statements {
            if phase == Phase::Validate {
                validate.push(sql);
                continue;
            }
            // A statement after a validation of its own step needs it done: the validations
            // waiting so far run first.
            if !validate.is_empty() {
                phases.append(&mut validations);
                phases.push(validation(std::mem::take(&mut validate)));
            }
            // A backfill is a transaction of its own, where it stands.
            if phase == Phase::Backfill || phases.last().is_none_or(|p| p.phase != phase) {
                phases.push(PhaseBlock {
                    phase,
                    steps: Vec::new(),
                });
                fresh = true;
            }
            let block = phases.last_mut().expect("a phase was just ensured");
            if fresh {
                block.steps.push((index, step.reason.clone(), Vec::new()));
                fresh = false;
            }
            if let Some((_, _, sqls)) = block.steps.last_mut() {
                sqls.push(sql);
            }
        }
        if !validate.is_empty() {
            validations.push(validation(validate));
        }
    }
    phases.extend(validations);
    phases
}

/// What a phase's label says of it.
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Transactional => "transactional",
        Phase::NotTransactional => {
            "not transactional (CONCURRENTLY cannot run in a transaction block)"
        }
        Phase::Validate => {
            "validation in a transaction of its own (reads the table without blocking writes)"
        }
        Phase::Backfill => {
            "backfill in a transaction of its own (updates every existing row: row locks, no table lock; the table's UPDATE triggers fire)"
        }
    }
}

/// An online plan as a script of labelled phases, each its own transaction (or, not
/// transactional, statements in autocommit), with lock and statement timeouts.
fn render_phases(steps: &[Step]) -> String {
    let phases = online_phases(steps);
    let mut out = String::new();
    if phases.is_empty() {
        return out;
    }
    out.push_str(&comment_line(&format!(
        "online plan in {} phases: run it as a script (psql -f); each phase commits on its own, \
         a failed phase leaves the earlier ones applied",
        phases.len()
    )));
    out.push_str(&format!("SET lock_timeout = '{LOCK_TIMEOUT}';\n"));
    let total = phases.len();
    for (i, p) in phases.into_iter().enumerate() {
        out.push_str(&comment_line(&format!(
            "phase {} of {total}: {}",
            i + 1,
            phase_label(p.phase)
        )));
        match p.phase {
            Phase::Transactional => {
                out.push_str(&format!("SET statement_timeout = '{STATEMENT_TIMEOUT}';\n"));
            }
            Phase::NotTransactional | Phase::Validate | Phase::Backfill => {
                out.push_str("SET statement_timeout = 0;\n");
            }
        }
        let tx = p.phase != Phase::NotTransactional;
        if tx {
            out.push_str("BEGIN;\n");
        }
        for (index, reason, sqls) in p.steps {
            out.push_str(&comment_line(&reason));
            if let Some(step) = steps.get(index) {
                if let Some(why) = step.long_lock() {
                    out.push_str(&comment_line(&format!(
                        "no online form for this step: {why}"
                    )));
                }
                out.push_str(&backfill_hint(&step.change).unwrap_or_default());
            }
            for sql in sqls {
                out.push_str(&sql);
                out.push_str(";\n");
            }
        }
        if tx {
            out.push_str("COMMIT;\n");
        }
    }
    out
}

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
            let mut forms = vec![st(Phase::Transactional, create_view(view))];
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
                to,
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
        _ => return None,
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
    to: &str,
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
    let value = |row: &str| converted(&format!("{row}{old}"), to, using);
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

/// The statement a backfill placeholder suggests, as a comment.
pub fn backfill_hint(c: &Change) -> Option<String> {
    match c {
        Change::Backfill { table, column } => Some(comment_line(&format!(
            "UPDATE {table} SET {} = /* value */ WHERE {} IS NULL;",
            q(column),
            q(column)
        ))),
        _ => None,
    }
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

/// ` NOT VALID` for a constraint wanted so.
fn not_valid(wanted: bool) -> &'static str {
    if wanted {
        " NOT VALID"
    } else {
        ""
    }
}

fn validate(table: &QualName, name: &str) -> String {
    format!("ALTER TABLE {table} VALIDATE CONSTRAINT {}", q(name))
}

/// When a sequence's bound moves inward past where it stands (an ascending sequence's
/// `MINVALUE` raised, a descending one's `MAXVALUE` lowered), `ALTER SEQUENCE` fails while its
/// current value lies outside the new range: this statement first moves the value to the new
/// bound, never backwards (no value is handed out twice). A sequence never used starts at the
/// new `START`. `seq` is an SQL expression naming it (cast to `regclass`).
fn raise_below_new_min(seq: &str, from: &IdentityOptions, to: &IdentityOptions) -> Option<String> {
    let (bound, pick) = if to.increment > 0 {
        let new = to.min_value?;
        // The default MINVALUE of an ascending sequence is 1.
        (from.min_value.unwrap_or(1) < new).then_some((new, "GREATEST"))?
    } else {
        let new = to.max_value?;
        (from.max_value.unwrap_or(-1) > new).then_some((new, "LEAST"))?
    };
    let fresh = to.start.unwrap_or(bound);
    Some(format!(
        "SELECT pg_catalog.setval(s, CASE WHEN v IS NULL THEN {fresh} ELSE {pick}(v, {bound}) END, v IS NOT NULL) \
         FROM (SELECT s, pg_catalog.pg_sequence_last_value(s) AS v \
         FROM (SELECT CAST({seq} AS regclass) AS s) AS n) AS c"
    ))
}

/// A `--` comment on one line: line breaks in user text never end the comment early.
fn comment_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("-- {flat}\n")
}

fn q(s: &str) -> String {
    quote_ident(s)
}

fn cols(c: &[String]) -> String {
    crate::quote::quote_idents(c)
}

fn deferrable(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::Immediate => " DEFERRABLE",
        Deferrable::Deferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

/// The rendered SQL name of an object living in `table`'s schema.
fn in_schema(table: &QualName, name: &str) -> String {
    QualName::new(table.schema.clone(), name.to_string()).to_string()
}

fn serial_type(data_type: &str) -> &'static str {
    match data_type {
        "bigint" => "bigserial",
        "smallint" => "smallserial",
        _ => "serial",
    }
}

/// ` COLLATE name`, each part of a qualified name quoted as needed.
fn collate(coll: &str) -> String {
    format!(
        " COLLATE {}",
        coll.split('.').map(q).collect::<Vec<_>>().join(".")
    )
}

/// `value` converted to `to` as a type change does: by assignment (`None`), by a cast
/// (`Some(false)`), or through text (`Some(true)`, for enums).
fn converted(value: &str, to: &str, using: Option<bool>) -> String {
    match using {
        None => value.to_string(),
        Some(false) => format!("{value}::{to}"),
        Some(true) => format!("{value}::text::{to}"),
    }
}

fn column_def(c: &Column) -> String {
    let mut s = format!("{} ", q(&c.name));
    if c.serial {
        s.push_str(serial_type(&c.data_type));
    } else {
        s.push_str(&c.data_type);
    }
    if let Some(coll) = &c.collation {
        s.push_str(&collate(coll));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.sql));
    }
    if let Some(i) = c.identity {
        s.push_str(identity_clause(i));
        if !c.identity_options.is_default() {
            s.push_str(&format!(
                " ({})",
                identity_options_sql(&c.identity_options, "")
            ));
        }
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", d.sql));
    }
    if c.not_null && !c.serial && c.identity.is_none() {
        s.push_str(" NOT NULL");
    }
    s
}

/// The non-default options, as `CREATE SEQUENCE` words (`START WITH 5 INCREMENT BY 2`);
/// `empty` when all are defaults.
pub(crate) fn identity_options_sql(o: &IdentityOptions, empty: &str) -> String {
    let mut parts = Vec::new();
    if let Some(v) = o.start {
        parts.push(format!("START WITH {v}"));
    }
    if o.increment != 1 {
        parts.push(format!("INCREMENT BY {}", o.increment));
    }
    if let Some(v) = o.min_value {
        parts.push(format!("MINVALUE {v}"));
    }
    if let Some(v) = o.max_value {
        parts.push(format!("MAXVALUE {v}"));
    }
    if o.cache != 1 {
        parts.push(format!("CACHE {}", o.cache));
    }
    if o.cycle {
        parts.push("CYCLE".to_string());
    }
    if parts.is_empty() {
        empty.to_string()
    } else {
        parts.join(" ")
    }
}

/// `SET …` clauses that turn identity options `from` into `to`.
fn set_identity_options(from: &IdentityOptions, to: &IdentityOptions) -> String {
    let mut parts = Vec::new();
    if from.increment != to.increment {
        parts.push(format!("SET INCREMENT BY {}", to.increment));
    }
    if from.min_value != to.min_value {
        parts.push(
            to.min_value
                .map_or("SET NO MINVALUE".into(), |v| format!("SET MINVALUE {v}")),
        );
    }
    if from.max_value != to.max_value {
        parts.push(
            to.max_value
                .map_or("SET NO MAXVALUE".into(), |v| format!("SET MAXVALUE {v}")),
        );
    }
    // A bound that moves moves the default start with it.
    if from.effective_start() != to.effective_start() || from.start != to.start {
        if let Some(start) = to.effective_start() {
            parts.push(format!("SET START WITH {start}"));
        }
    }
    if from.cache != to.cache {
        parts.push(format!("SET CACHE {}", to.cache));
    }
    if from.cycle != to.cycle {
        parts.push(
            if to.cycle {
                "SET CYCLE"
            } else {
                "SET NO CYCLE"
            }
            .to_string(),
        );
    }
    parts.join(" ")
}

fn identity_clause(i: Identity) -> &'static str {
    match i {
        Identity::Always => " GENERATED ALWAYS AS IDENTITY",
        Identity::ByDefault => " GENERATED BY DEFAULT AS IDENTITY",
    }
}

fn fk_clause(fk: &ForeignKey) -> String {
    let mut s = format!(
        "FOREIGN KEY ({}) REFERENCES {}",
        cols(&fk.columns),
        fk.ref_table
    );
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", cols(&fk.ref_columns)));
    }
    if fk.match_full {
        s.push_str(" MATCH FULL");
    }
    if fk.on_update != crate::schema::FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.on_delete != crate::schema::FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    s.push_str(deferrable(fk.deferrable));
    s
}

fn include(c: &[String]) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!(" INCLUDE ({})", cols(c))
    }
}

fn create_table(t: &Table) -> String {
    let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
    // A partition takes its columns from its parent: only its own constraints are listed.
    let mut items: Vec<String> = if t.partition_of.is_some() {
        Vec::new()
    } else {
        t.columns.iter().map(column_def).collect()
    };
    if let Some(pk) = &t.primary_key {
        items.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({}){}{}",
            q(&pk.name),
            cols(&pk.columns),
            include(&pk.include),
            deferrable(pk.deferrable)
        ));
    }
    for u in &t.uniques {
        items.push(format!("CONSTRAINT {} {}", q(&u.name), unique_clause(u)));
    }
    for c in &t.checks {
        items.push(format!("CONSTRAINT {} {}", q(&c.name), check_clause(c)));
    }
    for e in &t.exclusions {
        items.push(format!("CONSTRAINT {} {}", q(&e.name), exclusion_clause(e)));
    }
    let body = items
        .iter()
        .map(|i| format!("    {i}"))
        .collect::<Vec<_>>()
        .join(",\n");
    let mut tail = String::new();
    if let Some(p) = &t.partition_of {
        let body = if body.is_empty() {
            String::new()
        } else {
            format!(" (\n{body}\n)")
        };
        tail = format!(" {}", p.bound.sql);
        if let Some(b) = &t.partition_by {
            tail.push_str(&format!(" PARTITION BY {}", b.sql));
        }
        return format!(
            "CREATE {unlogged}TABLE {} PARTITION OF {}{body}{tail}",
            t.name, p.parent
        );
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(ToString::to_string).collect();
        tail.push_str(&format!(" INHERITS ({})", parents.join(", ")));
    }
    if let Some(b) = &t.partition_by {
        tail.push_str(&format!(" PARTITION BY {}", b.sql));
    }
    if body.is_empty() {
        format!("CREATE {unlogged}TABLE {} (){tail}", t.name)
    } else {
        format!("CREATE {unlogged}TABLE {} (\n{body}\n){tail}", t.name)
    }
}

fn unique_clause(u: &crate::schema::Unique) -> String {
    format!(
        "UNIQUE{} ({}){}{}",
        if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        cols(&u.columns),
        include(&u.include),
        deferrable(u.deferrable)
    )
}

fn check_clause(c: &crate::schema::Check) -> String {
    format!(
        "CHECK ({}){}",
        c.expr.sql,
        if c.no_inherit { " NO INHERIT" } else { "" }
    )
}

fn exclusion_clause(e: &crate::schema::Exclusion) -> String {
    let elements: Vec<String> = e
        .elements
        .iter()
        .map(|(k, op)| format!("{} WITH {op}", key_sql(k)))
        .collect();
    let mut s = format!("EXCLUDE USING {} ({})", q(&e.method), elements.join(", "));
    s.push_str(&include(&e.include));
    if let Some(p) = &e.predicate {
        s.push_str(&format!(" WHERE ({})", p.sql));
    }
    s.push_str(deferrable(e.deferrable));
    s
}

pub(crate) fn key_sql(k: &crate::schema::IndexKey) -> String {
    let mut s = if k.is_column {
        k.expr.sql.clone()
    } else {
        format!("({})", k.expr.sql)
    };
    if let Some(o) = &k.opclass {
        s.push(' ');
        s.push_str(o);
    }
    if k.desc {
        s.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) => s.push_str(" NULLS FIRST"),
        Some(false) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

fn create_index(table: &QualName, i: &Index) -> String {
    create_index_sql(table, i, false)
}

fn create_index_sql(table: &QualName, i: &Index, concurrently: bool) -> String {
    let keys: Vec<String> = i.keys.iter().map(key_sql).collect();
    let mut s = format!(
        "CREATE {}INDEX {}{} ON {}",
        if i.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        q(&i.name),
        table
    );
    if i.method != "btree" {
        s.push_str(&format!(" USING {}", q(&i.method)));
    }
    s.push_str(&format!(" ({})", keys.join(", ")));
    s.push_str(&include(&i.include));
    if i.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if !i.with.0.is_empty() {
        let params: Vec<String> = i
            .with
            .0
            .iter()
            .map(|p| match p.split_once('=') {
                Some((k, v)) => format!("{}={}", q(k), quote_literal(v)),
                None => q(p),
            })
            .collect();
        s.push_str(&format!(" WITH ({})", params.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {}", p.sql));
    }
    s
}

fn sequence_options(s: &Sequence, alter: bool) -> String {
    let mut o = format!(" AS {} INCREMENT BY {}", s.data_type, s.increment);
    match s.min_value {
        Some(v) => o.push_str(&format!(" MINVALUE {v}")),
        None => o.push_str(" NO MINVALUE"),
    }
    match s.max_value {
        Some(v) => o.push_str(&format!(" MAXVALUE {v}")),
        None => o.push_str(" NO MAXVALUE"),
    }
    if let Some(v) = s.start {
        o.push_str(&format!(" START WITH {v}"));
    } else if alter {
        let start = if s.increment > 0 {
            s.min_value.unwrap_or(1)
        } else {
            s.max_value.unwrap_or(-1)
        };
        o.push_str(&format!(" START WITH {start}"));
    }
    o.push_str(&format!(" CACHE {}", s.cache));
    o.push_str(if s.cycle {
        " CYCLE"
    } else if alter {
        " NO CYCLE"
    } else {
        ""
    });
    match &s.owned_by {
        Some((t, c)) => o.push_str(&format!(" OWNED BY {t}.{}", q(c))),
        None if alter => o.push_str(" OWNED BY NONE"),
        None => {}
    }
    o
}

/// `CREATE VIEW` / `CREATE MATERIALIZED VIEW` with the view's query.
fn create_view(view: &crate::schema::View) -> String {
    format!(
        "CREATE {} {} {}",
        view_kind(view.materialized),
        view.name,
        view.query.sql
    )
}

fn comment(kind: &str, target: &str, text: &Option<String>) -> String {
    format!(
        "COMMENT ON {kind} {target} IS {}",
        text.as_deref().map_or("NULL".to_string(), quote_literal)
    )
}

/// A `CREATE FUNCTION` statement as `CREATE OR REPLACE FUNCTION`.
fn or_replace(sql: &str) -> String {
    let t = sql.trim_start();
    let words: Vec<String> = t
        .split_whitespace()
        .take(3)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    if words.first().map(String::as_str) == Some("CREATE")
        && words.get(1).map(String::as_str) != Some("OR")
    {
        format!("CREATE OR REPLACE{}", &t[6..])
    } else {
        t.to_string()
    }
}

fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

fn alter_col(table: &QualName, column: &str, what: &str) -> String {
    format!("ALTER TABLE {table} ALTER COLUMN {} {what}", q(column))
}

/// The statements (without the trailing semicolon) that carry out one change.
pub fn step_sql(c: &Change) -> Vec<String> {
    match c {
        Change::CommentConstraint {
            table,
            constraint,
            to,
            ..
        } => vec![comment(
            "CONSTRAINT",
            &format!("{} ON {table}", q(constraint)),
            to,
        )],
        Change::RecreateTable { from, to } => {
            vec![format!("DROP TABLE {}", from.name), create_table(to)]
        }
        Change::DetachPartition { table, parent, .. } => {
            vec![format!("ALTER TABLE {parent} DETACH PARTITION {table}")]
        }
        Change::AttachPartition {
            table,
            parent,
            bound,
        } => vec![format!(
            "ALTER TABLE {parent} ATTACH PARTITION {table} {}",
            bound.sql
        )],
        Change::CreateCollation { collation: c } => {
            let mut opts = vec![format!("provider = {}", q(&c.provider))];
            if !c.deterministic {
                opts.push("deterministic = false".into());
            }
            if c.lc_collate == c.lc_ctype {
                opts.push(format!("locale = {}", quote_literal(&c.lc_collate)));
            } else {
                opts.push(format!("lc_collate = {}", quote_literal(&c.lc_collate)));
                opts.push(format!("lc_ctype = {}", quote_literal(&c.lc_ctype)));
            }
            vec![format!("CREATE COLLATION {} ({})", c.name, opts.join(", "))]
        }
        Change::DropCollation { collation, .. } => {
            vec![format!("DROP COLLATION {}", collation.name)]
        }
        Change::CreateFunction { function } => vec![function.definition.sql.clone()],
        Change::ReplaceFunction { to, .. } => vec![or_replace(&to.definition.sql)],
        Change::DropFunction { function, .. } => vec![format!(
            "DROP {} {}({})",
            if function.procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            function.name,
            function.identity
        )],
        Change::CreateTrigger { trigger, .. } => vec![trigger.definition.sql.clone()],
        Change::CommentFunction { function, to, .. } => vec![comment(
            if function.procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            &format!("{}({})", function.name, function.identity),
            to,
        )],
        Change::CommentTrigger { trigger, to, .. } => vec![comment(
            "TRIGGER",
            &format!("{} ON {}", q(&trigger.name), trigger.table),
            to,
        )],
        Change::DropTrigger { trigger, .. } => vec![format!(
            "DROP TRIGGER {} ON {}",
            q(&trigger.name),
            trigger.table
        )],
        Change::SetRowSecurity { table, enable } => vec![format!(
            "ALTER TABLE {table} {} ROW LEVEL SECURITY",
            if *enable { "ENABLE" } else { "DISABLE" }
        )],
        Change::SetForceRowSecurity { table, force } => vec![format!(
            "ALTER TABLE {table} {}FORCE ROW LEVEL SECURITY",
            if *force { "" } else { "NO " }
        )],
        Change::CreatePolicy { table, policy } => {
            let mut s = format!("CREATE POLICY {} ON {table}", q(&policy.name));
            if !policy.permissive {
                s.push_str(" AS RESTRICTIVE");
            }
            if policy.command != "ALL" {
                s.push_str(&format!(" FOR {}", policy.command));
            }
            let roles: Vec<String> = policy
                .roles
                .iter()
                .map(|r| match r.as_str() {
                    "public" => "PUBLIC".to_string(),
                    "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER" => r.clone(),
                    other => q(other),
                })
                .collect();
            s.push_str(&format!(" TO {}", roles.join(", ")));
            if let Some(u) = &policy.using {
                s.push_str(&format!(" USING ({})", u.sql));
            }
            if let Some(c) = &policy.check {
                s.push_str(&format!(" WITH CHECK ({})", c.sql));
            }
            vec![s]
        }
        Change::DropPolicy { table, policy } => {
            vec![format!("DROP POLICY {} ON {table}", q(&policy.name))]
        }
        Change::CreateExtension { ext } => {
            let mut s = format!(
                "CREATE EXTENSION {} WITH SCHEMA {}",
                q(&ext.name),
                q(&ext.schema)
            );
            if let Some(v) = &ext.version {
                s.push_str(&format!(" VERSION {}", quote_literal(v)));
            }
            vec![s]
        }
        Change::AlterExtension { from, to } => {
            let mut v = Vec::new();
            if from.schema != to.schema {
                v.push(format!(
                    "ALTER EXTENSION {} SET SCHEMA {}",
                    q(&to.name),
                    q(&to.schema)
                ));
            }
            if let (Some(a), Some(b)) = (&from.version, &to.version) {
                if a != b {
                    v.push(format!(
                        "ALTER EXTENSION {} UPDATE TO {}",
                        q(&to.name),
                        quote_literal(b)
                    ));
                }
            }
            v
        }
        // Without CASCADE: it fails while columns or other objects use what it created.
        Change::DropExtension { ext, .. } => vec![format!("DROP EXTENSION {}", q(&ext.name))],
        Change::SetLogged { table, unlogged } => vec![format!(
            "ALTER TABLE {table} SET {}",
            if *unlogged { "UNLOGGED" } else { "LOGGED" }
        )],
        Change::CreateView { view, .. } => {
            let kind = view_kind(view.materialized);
            let mut v = vec![create_view(view)];
            for i in &view.indexes {
                v.push(create_index(&view.name, i));
            }
            if view.comment.is_some() {
                v.push(comment(kind, &view.name.to_string(), &view.comment));
            }
            v
        }
        // Without CASCADE: a view schemafix did not plan to drop makes it fail instead.
        Change::DropView { view, .. } => {
            vec![format!(
                "DROP {} {}",
                view_kind(view.materialized),
                view.name
            )]
        }
        Change::CommentView {
            name,
            materialized,
            to,
            ..
        } => vec![comment(view_kind(*materialized), &name.to_string(), to)],
        Change::CreateSchema {
            name,
            if_not_exists,
        } => vec![format!(
            "CREATE SCHEMA {}{}",
            if *if_not_exists { "IF NOT EXISTS " } else { "" },
            q(name)
        )],
        // Without CASCADE: it fails rather than drop anything schemafix did not plan.
        Change::DropSchema { name } => vec![format!("DROP SCHEMA {}", q(name))],
        Change::CreateEnum { ty } => vec![format!(
            "CREATE TYPE {} AS ENUM ({})",
            ty.name,
            ty.values
                .iter()
                .map(|v| quote_literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        Change::AddEnumValue {
            name,
            value,
            before,
            after,
        } => vec![match (before, after) {
            (Some(b), _) => format!(
                "ALTER TYPE {name} ADD VALUE {} BEFORE {}",
                quote_literal(value),
                quote_literal(b)
            ),
            (None, Some(a)) => format!(
                "ALTER TYPE {name} ADD VALUE {} AFTER {}",
                quote_literal(value),
                quote_literal(a)
            ),
            (None, None) => format!("ALTER TYPE {name} ADD VALUE {}", quote_literal(value)),
        }],
        Change::DropEnum { ty } => vec![format!("DROP TYPE {}", ty.name)],
        Change::RebuildEnum { from, to, columns } => {
            let old = make_object_name(&from.name.name, None, "old");
            let old_q = QualName::new(from.name.schema.clone(), old.clone());
            let mut v = vec![
                format!("ALTER TYPE {} RENAME TO {}", from.name, q(&old)),
                format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    to.name,
                    to.values
                        .iter()
                        .map(|v| quote_literal(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ];
            for (t, c, d) in columns {
                if d.is_some() {
                    v.push(alter_col(t, c, "DROP DEFAULT"));
                }
                v.push(alter_col(
                    t,
                    c,
                    &format!("TYPE {} USING {}::text::{}", to.name, q(c), to.name),
                ));
                if let Some(d) = d {
                    v.push(alter_col(t, c, &format!("SET DEFAULT {}", d.sql)));
                }
            }
            v.push(format!("DROP TYPE {old_q}"));
            v
        }
        Change::CreateSequence { seq } => vec![format!(
            "CREATE SEQUENCE {}{}",
            seq.name,
            sequence_options(seq, false)
        )],
        Change::AlterSequence { from, to } => {
            let mut out: Vec<String> = raise_below_new_min(
                &quote_literal(&to.name.to_string()),
                &from.options(),
                &to.options(),
            )
            .into_iter()
            .collect();
            out.push(format!(
                "ALTER SEQUENCE {}{}",
                to.name,
                sequence_options(to, true)
            ));
            out
        }
        Change::DropSequence { seq } => vec![format!("DROP SEQUENCE {}", seq.name)],
        Change::CreateTable { table } => vec![create_table(table)],
        Change::DropTable { table } => vec![format!("DROP TABLE {}", table.name)],
        Change::AddColumn { table, column } => vec![format!(
            "ALTER TABLE {table} ADD COLUMN {}",
            column_def(column)
        )],
        Change::DropColumn { table, column } => vec![format!(
            "ALTER TABLE {table} DROP COLUMN {}",
            q(&column.name)
        )],
        Change::AlterColumnType {
            table,
            column,
            to,
            to_collation,
            using,
            serial,
            ..
        } => {
            let mut what = format!("TYPE {to}");
            if let Some(coll) = to_collation {
                what.push_str(&collate(coll));
            }
            if using.is_some() {
                what.push_str(&format!(" USING {}", converted(&q(column), to, *using)));
            }
            let mut v = vec![alter_col(table, column, &what)];
            if *serial {
                v.push(format!(
                    "ALTER SEQUENCE {} AS {to}",
                    serial_sequence(table, column)
                ));
            }
            v
        }
        Change::SetNotNull { table, column } => vec![alter_col(table, column, "SET NOT NULL")],
        // A placeholder: the renderers print [`backfill_hint`] instead.
        Change::Backfill { .. } => vec![],
        Change::DropNotNull { table, column } => vec![alter_col(table, column, "DROP NOT NULL")],
        Change::SetDefault {
            table, column, to, ..
        } => vec![alter_col(table, column, &format!("SET DEFAULT {}", to.sql))],
        Change::DropDefault { table, column, .. } => vec![alter_col(table, column, "DROP DEFAULT")],
        Change::AddIdentity {
            table,
            column,
            identity,
            options,
        } => {
            let opts = if options.is_default() {
                String::new()
            } else {
                format!(" ({})", identity_options_sql(options, ""))
            };
            vec![alter_col(
                table,
                column,
                &format!("ADD{}{opts}", identity_clause(*identity)),
            )]
        }
        Change::SetIdentityOptions {
            table,
            column,
            from,
            to,
        } => {
            let seq = format!(
                "pg_catalog.pg_get_serial_sequence({}, {})",
                quote_literal(&table.to_string()),
                quote_literal(column)
            );
            let mut out: Vec<String> = raise_below_new_min(&seq, from, to).into_iter().collect();
            out.push(alter_col(table, column, &set_identity_options(from, to)));
            out
        }
        Change::SetIdentity {
            table, column, to, ..
        } => vec![alter_col(
            table,
            column,
            match to {
                Identity::Always => "SET GENERATED ALWAYS",
                Identity::ByDefault => "SET GENERATED BY DEFAULT",
            },
        )],
        Change::DropIdentity { table, column } => vec![alter_col(table, column, "DROP IDENTITY")],
        Change::AddSerial {
            table,
            column,
            data_type,
        } => {
            let seq = serial_sequence(table, column);
            vec![
                format!(
                    "CREATE SEQUENCE {seq} AS {data_type} OWNED BY {table}.{}",
                    q(column)
                ),
                format!(
                    "SELECT setval({}, COALESCE(max({}), 0) + 1, false) FROM {table}",
                    quote_literal(&seq.to_string()),
                    q(column)
                ),
                alter_col(
                    table,
                    column,
                    &format!(
                        "SET DEFAULT nextval({}::regclass)",
                        quote_literal(&seq.to_string())
                    ),
                ),
            ]
        }
        Change::DropSerial { table, column } => {
            let seq = serial_sequence(table, column);
            vec![
                alter_col(table, column, "DROP DEFAULT"),
                format!("DROP SEQUENCE IF EXISTS {seq}"),
            ]
        }
        Change::AddPrimaryKey { table, pk } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} PRIMARY KEY ({}){}{}",
            q(&pk.name),
            cols(&pk.columns),
            include(&pk.include),
            deferrable(pk.deferrable)
        )],
        Change::AddUnique { table, unique } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}",
            q(&unique.name),
            unique_clause(unique)
        )],
        Change::AddCheck { table, check } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}{}",
            q(&check.name),
            check_clause(check),
            not_valid(check.not_valid)
        )],
        Change::AddForeignKey { table, fk } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}{}",
            q(&fk.name),
            fk_clause(fk),
            not_valid(fk.not_valid)
        )],
        Change::ValidateConstraint { table, name } => vec![validate(table, name)],
        Change::DropPrimaryKey { table, pk } => vec![drop_constraint(table, &pk.name)],
        Change::DropUnique { table, unique } => vec![drop_constraint(table, &unique.name)],
        Change::DropCheck { table, check } => vec![drop_constraint(table, &check.name)],
        Change::DropForeignKey { table, fk } => vec![drop_constraint(table, &fk.name)],
        Change::DropExclusion { table, exclusion } => vec![drop_constraint(table, &exclusion.name)],
        Change::AddExclusion { table, exclusion } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}",
            q(&exclusion.name),
            exclusion_clause(exclusion)
        )],
        Change::CreateIndex { table, index } => vec![create_index(table, index)],
        Change::DropIndex { table, index } => {
            vec![format!("DROP INDEX {}", in_schema(table, &index.name))]
        }
        Change::RenameConstraint { table, from, to } => {
            vec![format!(
                "ALTER TABLE {table} RENAME CONSTRAINT {} TO {}",
                q(from),
                q(to)
            )]
        }
        Change::RenameTable { from, to } => {
            vec![format!("ALTER TABLE {from} RENAME TO {}", q(to))]
        }
        Change::RenameColumn { table, from, to } => {
            vec![format!(
                "ALTER TABLE {table} RENAME COLUMN {} TO {}",
                q(from),
                q(to)
            )]
        }
        Change::RenameIndex { table, from, to } => {
            vec![format!(
                "ALTER INDEX {} RENAME TO {}",
                in_schema(table, from),
                q(to)
            )]
        }
        Change::CommentTable { table, to, .. } => vec![comment("TABLE", &table.to_string(), to)],
        Change::CommentColumn {
            table, column, to, ..
        } => {
            vec![comment("COLUMN", &format!("{table}.{}", q(column)), to)]
        }
        Change::CommentIndex {
            table, index, to, ..
        } => vec![comment("INDEX", &in_schema(table, index), to)],
        Change::CommentType { name, to, .. } => vec![comment("TYPE", &name.to_string(), to)],
    }
}

fn drop_constraint(table: &QualName, name: &str) -> String {
    format!("ALTER TABLE {table} DROP CONSTRAINT {}", q(name))
}

//! The SQL renderer: a plan as a migration script, each step's statements (from `sql`) after a
//! `-- reason` comment; an online plan as a script of labelled phases.

use crate::diff::{diff, Change};
use crate::plan::{plan_owned, Phase, Plan, PlanOptions, Step};
use crate::schema::Schema;
use crate::sql::{q, step_sql};

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
                return Err(not_one_statement(step, &sql));
            }
        }
    }
    Ok(())
}

/// What [`check_statements`] says of `sql`, a statement of `step` that is not exactly one.
fn not_one_statement(step: &Step, sql: &str) -> String {
    format!(
        "internal error: the statement generated for step {} ({}) is not exactly one SQL statement, so nothing is printed or applied: {}",
        step.id,
        step.reason.lines().next().unwrap_or_default(),
        sql.lines().next().unwrap_or_default()
    )
}

/// The statements that create `schema` from nothing: the plan from an empty database, each
/// statement checked as [`check_statements`] checks every plan (an `Err` names the first that
/// is not one).
pub fn creation_statements(schema: &Schema) -> Result<Vec<String>, String> {
    let plan = plan_owned(
        diff(&Schema::default(), schema),
        &PlanOptions {
            allow_destructive: true,
            ..Default::default()
        },
    );
    let mut out = Vec::new();
    for step in &plan.steps {
        for sql in step_sql(&step.change) {
            if !is_one_statement(&sql) {
                return Err(not_one_statement(step, &sql));
            }
            out.push(sql);
        }
    }
    Ok(out)
}

/// The whole plan as a migration script.
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

/// The statement a backfill placeholder suggests, as a comment.
pub fn backfill_hint(c: &Change) -> Option<String> {
    match c {
        Change::Backfill {
            table,
            column,
            value: None,
        } => Some(comment_line(&format!(
            "UPDATE {table} SET {} = /* value */ WHERE {} IS NULL;",
            q(column),
            q(column)
        ))),
        _ => None,
    }
}

/// A `--` comment on one line: line breaks in user text never end the comment early.
fn comment_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("-- {flat}\n")
}

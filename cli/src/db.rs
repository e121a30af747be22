//! Running core's catalog queries on a live database, and applying a plan to it: one
//! transaction, timeouts, an advisory lock against concurrent applies, and a verification.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use postgres::{Client, GenericClient, IsolationLevel, SimpleQueryMessage};
use schemafix_core::{
    batches, decode_catalog, diff_filtered, migrate_parsed, plan, quote_ident, strip_leftovers,
    Batch, Change, Format, Parsed, Phase, Plan, PlanOptions, Row, ScriptStatement, Severity,
    CATALOG_QUERIES, CATALOG_SETUP, MIN_SERVER_VERSION,
};

use crate::connect::ConnSpec;

/// The `pg_advisory_lock` key every `schemafix apply` takes ("schemafx" in ASCII), so two
/// applies on one database never interleave.
pub const APPLY_LOCK_KEY: i64 = 0x7363_6865_6d61_6678;

/// A database error, as people read it (never with the password), and whose it is.
#[derive(Debug)]
pub struct DbError(pub String, pub Cause);

/// Whose an error is, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The input or the connection settings (exit 2): no connection, an unsupported server.
    Input,
    /// The database, once connected (exit 4): a lock or statement timeout, a server error.
    Database,
}

impl DbError {
    /// An error of the input or the connection settings.
    pub fn input(message: impl Into<String>) -> DbError {
        DbError(message.into(), Cause::Input)
    }

    /// An error of the database once connected.
    pub fn database(message: impl Into<String>) -> DbError {
        DbError(message.into(), Cause::Database)
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of a `postgres` error: the server's severity, message, detail and hint.
pub fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(d) = db.detail() {
                s.push_str(&format!(" (DETAIL: {d})"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!(" (HINT: {h})"));
            }
            s
        }
        None => match std::error::Error::source(e) {
            Some(src) => format!("{e}: {src}"),
            None => e.to_string(),
        },
    }
}

fn is_lock_timeout(e: &postgres::Error) -> bool {
    e.as_db_error().is_some_and(|d| d.code().code() == "55P03")
}

fn rows<C: GenericClient>(c: &mut C, sql: &str) -> Result<Vec<Row>, postgres::Error> {
    Ok(c.simple_query(sql)?
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .collect())
}

/// Reads the schema with core's catalog queries, inside the caller's transaction (the setup
/// changes the search path for the transaction only). `progress` shows each query on stderr.
/// Returns the schema and the server's major version.
pub fn introspect<C: GenericClient>(c: &mut C, progress: bool) -> Result<(Parsed, u32), DbError> {
    let err =
        |e: postgres::Error| DbError::database(format!("reading the catalog: {}", pg_message(&e)));
    let num = server_version_num(c).map_err(err)?;
    if num < MIN_SERVER_VERSION {
        return Err(DbError::input(format!(
            "PostgreSQL {} is not supported (12 or later is needed)",
            num / 10000
        )));
    }
    rows(c, CATALOG_SETUP).map_err(err)?;
    let mut results = Vec::with_capacity(CATALOG_QUERIES.len());
    for (i, q) in CATALOG_QUERIES.iter().enumerate() {
        if progress {
            eprint!(
                "\r\x1b[Kreading the catalog: {} ({}/{})",
                q.name,
                i + 1,
                CATALOG_QUERIES.len()
            );
        }
        results.push(rows(c, q.sql).map_err(err)?);
    }
    if progress {
        eprint!("\r\x1b[K");
    }
    Ok((decode_catalog(&results), num / 10000))
}

/// How long a read of the catalog may wait for a lock, and run.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// `lock_timeout`: catalog reads wait for a lock only behind DDL holding an ACCESS
    /// EXCLUSIVE lock, which may never end.
    pub lock: Duration,
    /// `statement_timeout` (zero for none).
    pub statement: Duration,
}

/// The session's `lock_timeout` and `statement_timeout`, for every transaction on `client`.
fn set_timeouts(client: &mut Client, t: &Timeouts) -> Result<(), postgres::Error> {
    client.batch_execute(&format!(
        "SET lock_timeout = '{}'; SET statement_timeout = '{}'",
        ms(t.lock),
        ms(t.statement)
    ))
}

/// `server_version_num` (150004 for 15.4; 0 when it cannot be read as a number).
fn server_version_num<C: GenericClient>(c: &mut C) -> Result<u32, postgres::Error> {
    Ok(rows(c, "SHOW server_version_num")?
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// The server's major version (what `--python` compiles the models' DDL for before `apply`).
pub fn server_major(spec: &ConnSpec) -> Result<u32, DbError> {
    let mut client = spec.connect().map_err(|e| DbError::input(e.0))?;
    server_version_num(&mut client)
        .map(|n| n / 10_000)
        .map_err(|e| DbError::database(spec.scrub(&pg_message(&e))))
}

/// Connects and reads the schema in one read-only, repeatable-read transaction, under
/// `timeouts`; with the server's major version.
pub fn read_schema(spec: &ConnSpec, timeouts: &Timeouts) -> Result<(Parsed, u32), DbError> {
    let mut client = spec.connect().map_err(|e| DbError::input(e.0))?;
    set_timeouts(&mut client, timeouts)
        .map_err(|e| DbError::database(spec.scrub(&pg_message(&e))))?;
    read_with(&mut client, spec)
}

fn read_with(client: &mut Client, spec: &ConnSpec) -> Result<(Parsed, u32), DbError> {
    read_inner(client, spec).map_err(|e| match e.1 {
        Cause::Database => DbError::database(format!("{}{}", e.0, timeout_hint(&e.0))),
        Cause::Input => e,
    })
}

/// What to do about a timeout named in `message`.
fn timeout_hint(message: &str) -> &'static str {
    if message.contains("lock timeout") {
        " (another session holds a lock on a relation being read, as a long ALTER TABLE does: wait for it, or raise --lock-timeout)"
    } else if message.contains("statement timeout") {
        " (raise --statement-timeout, or 0 for no limit)"
    } else {
        ""
    }
}

fn read_inner(client: &mut Client, spec: &ConnSpec) -> Result<(Parsed, u32), DbError> {
    let progress = std::io::stderr().is_terminal();
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| DbError::database(spec.scrub(&pg_message(&e))))?;
    let parsed = introspect(&mut tx, progress)?;
    tx.commit()
        .map_err(|e| DbError::database(spec.scrub(&pg_message(&e))))?;
    Ok(parsed)
}

/// How `apply` runs.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Emit destructive steps.
    pub allow_destructive: bool,
    /// Do not ask.
    pub yes: bool,
    /// Run the plan, then roll it back.
    pub dry_run: bool,
    /// `lock_timeout` for every statement (and for waiting on another apply).
    pub lock_timeout: Duration,
    /// `statement_timeout` for every statement.
    pub statement_timeout: Duration,
    /// Online mode: the plan's online forms, phase by phase (see `PlanOptions::online`).
    pub online: bool,
    /// Confirmed column renames.
    pub renames: Vec<schemafix_core::Rename>,
    /// Whose privileges are compared (see `PlanOptions::privileges`).
    pub privileges: Option<Vec<String>>,
    /// The schemas and tables compared.
    pub filter: schemafix_core::Filter,
    /// Compare owners.
    pub owners: bool,
}

/// What became of an apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The database already matched.
    NothingToDo,
    /// Applied, committed, and verified: nothing left to change.
    Converged,
    /// `--dry-run`: the plan ran and was rolled back.
    DryRun,
    /// The user said no.
    Declined,
    /// Another apply held the lock for longer than the lock timeout; nothing was changed.
    Busy,
    /// No confirmation possible (stdin not a terminal, no `--yes`).
    Refused,
    /// A step failed; everything was rolled back.
    RolledBack,
    /// Nothing ran: a NOT NULL column the plan adds has no value for the table's existing
    /// rows (no default, no scalar model default), so its `SET NOT NULL` would fail.
    NeedsValues,
    /// Committed, but re-reading the catalog still finds changes.
    NotConverged,
    /// The connection was lost at COMMIT (or after it) and schemafix could not find out what
    /// the database holds, or found it neither as it was nor as wanted.
    Unknown,
}

impl Applied {
    /// The exit code: 0 applied (or nothing to do), 2 not confirmed, 3 failed (rolled back) or
    /// not converged, 5 the outcome of a lost COMMIT could not be told.
    pub fn exit_code(self) -> u8 {
        match self {
            Applied::NothingToDo | Applied::Converged | Applied::DryRun => 0,
            Applied::Refused | Applied::Declined => 2,
            Applied::Busy | Applied::RolledBack | Applied::NeedsValues | Applied::NotConverged => 3,
            Applied::Unknown => 5,
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

/// A statement that failed, and how to say it.
struct Failed {
    step: usize,
    reason: String,
    sql: String,
    error: postgres::Error,
}

/// The reason of the plan step a statement belongs to (numbered from 1).
fn reason_of(plan: &Plan, s: &ScriptStatement) -> String {
    s.step
        .and_then(|n| plan.steps.get(n - 1))
        .map(|st| st.reason.clone())
        .unwrap_or_default()
}

/// Runs one statement of a plan with the extended query protocol, under which the server itself
/// refuses a text holding more than one statement (core has checked each is one already).
fn exec<C: GenericClient>(c: &mut C, sql: &str) -> Result<(), postgres::Error> {
    if crate::interrupt::interrupted() {
        // Interrupted between statements: the server raises what a cancel raises (SQLSTATE
        // 57014), so this statement never starts and the open transaction rolls back, as
        // when the cancel meets a running statement.
        return c
            .execute(
                "DO $$BEGIN RAISE EXCEPTION USING ERRCODE = 'query_canceled', \
                 MESSAGE = 'canceling statement due to user request'; END$$",
                &[],
            )
            .map(|_| ());
    }
    c.execute(sql, &[]).map(|_| ())
}

/// What to say after an interruption: what is committed, and how to finish.
fn interrupted_note(online: bool) -> &'static str {
    if online {
        "interrupted: the committed phases stay; run the same `schemafix apply --online` again to finish (it removes what the stopped phase left)"
    } else {
        "interrupted: run the same `schemafix apply` again to apply the plan"
    }
}

/// Runs `batch`'s statements in `tx`, in order.
fn run_batch(tx: &mut postgres::Transaction<'_>, batch: &Batch, plan: &Plan) -> Result<(), Failed> {
    for s in &batch.statements {
        if let Err(error) = exec(tx, &s.sql) {
            return Err(Failed {
                step: s.step.unwrap_or_default(),
                reason: reason_of(plan, s),
                sql: s.sql.clone(),
                error,
            });
        }
    }
    Ok(())
}

/// How many plan steps have statements in `batch`.
fn steps_in(batch: &Batch) -> usize {
    let mut steps: Vec<_> = batch.statements.iter().map(|s| s.step).collect();
    steps.dedup();
    steps.len()
}

/// PostgreSQL lets a transaction use an enum label only once the transaction that added it has
/// committed (SQLSTATE 55P04).
fn is_unsafe_new_enum_value(e: &postgres::Error) -> bool {
    e.as_db_error().is_some_and(|d| d.code().code() == "55P04")
}

/// Introspects `spec`'s database under the apply lock, plans the way to `desired`, shows it,
/// asks (unless `--yes`), runs it in one transaction, and verifies. Messages go to `err`, the
/// plan to `out`; `confirm` asks the question when stdin is a terminal.
///
/// New enum labels are the one exception to "one transaction": when other steps follow them,
/// they are added and committed first, since PostgreSQL refuses to use a label in the
/// transaction that adds it. Adding a label changes no data.
pub fn apply(
    spec: &ConnSpec,
    desired: &(Format, Parsed),
    opts: &ApplyOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
    confirm: &mut dyn FnMut(&str) -> Option<bool>,
) -> Result<Applied, DbError> {
    let io = |e: std::io::Error| DbError::input(format!("writing output: {e}"));
    let mut client = spec.connect().map_err(|e| DbError::input(e.0))?;
    // Ctrl-C and SIGTERM from here on cancel the running statement instead of ending the
    // process at once.
    let token = client.cancel_token();
    let canceller = spec.clone();
    let _interrupt = crate::interrupt::cancelling_with(move || canceller.cancel(&token));
    let scrub = |e: postgres::Error| DbError::database(spec.scrub(&pg_message(&e)));
    // Session settings: they hold for every transaction below. The advisory lock is the
    // session's too (released when the connection closes, however this process ends), so it
    // covers the enum-label transaction, the main one and the verification.
    set_timeouts(
        &mut client,
        &Timeouts {
            lock: opts.lock_timeout,
            statement: opts.statement_timeout,
        },
    )
    .map_err(scrub)?;
    if let Err(e) = client.simple_query(&format!(
        "SELECT pg_catalog.pg_advisory_lock({APPLY_LOCK_KEY})"
    )) {
        if is_lock_timeout(&e) {
            writeln!(
                err,
                "error: another schemafix apply is running on {spec} (waited {} for it); nothing was changed",
                ms(opts.lock_timeout)
            )
            .map_err(io)?;
            return Ok(Applied::Busy);
        }
        return Err(scrub(e));
    }
    let mut tx = client.transaction().map_err(scrub)?;
    let (mut current, version) = introspect(&mut tx, std::io::stderr().is_terminal())?;
    report_not_compared(err, &current).map_err(io)?;
    if current.has_errors() {
        let msgs: Vec<String> = current
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .collect();
        return Err(DbError::database(format!(
            "the catalog could not be read: {}",
            msgs.join("; ")
        )));
    }
    // Our SQL names objects of `public` without a schema.
    let public = "SELECT pg_catalog.set_config('search_path', 'public', true)";
    tx.simple_query(public).map_err(scrub)?;
    let options = PlanOptions {
        allow_destructive: opts.allow_destructive,
        online: opts.online && !opts.dry_run,
        pg_version: Some(version),
        renames: opts.renames.clone(),
        privileges: opts.privileges.clone(),
        filter: opts.filter.clone(),
        owners: opts.owners,
    };
    // What an online apply stopped part-way left is removed first, and planned without.
    let leftovers = strip_leftovers(&mut current.schema, &desired.1.schema);
    let cleanup: Vec<String> = leftovers
        .iter()
        .flat_map(|l| l.statements.iter().cloned())
        .collect();
    let m = migrate_parsed((Format::Database, current), desired.clone(), &options);
    if m.has_errors() {
        let msgs: Vec<String> = m
            .from_diagnostics
            .iter()
            .chain(&m.to_diagnostics)
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .collect();
        return Err(DbError::input(msgs.join("; ")));
    }
    let not_compared = m.not_compared_note();
    let p = m.plan;
    // A NOT NULL column added without any value for the rows already there: on a table with
    // rows its SET NOT NULL would fail, so nothing runs and the message names the column.
    let mut unfilled = Vec::new();
    for step in &p.steps {
        if let Change::Backfill {
            table,
            column,
            value: None,
        } = &step.change
        {
            let has_rows = rows(&mut tx, &format!("SELECT EXISTS (SELECT FROM {table})"))
                .map_err(scrub)?
                .first()
                .and_then(|r| r.first().cloned().flatten())
                .is_some_and(|v| v == "t");
            if has_rows {
                unfilled.push(format!("{table}.{}", quote_ident(column)));
            }
        }
    }
    if !unfilled.is_empty() {
        tx.rollback().map_err(scrub)?;
        write!(out, "{}", m.sql).map_err(io)?;
        writeln!(
            err,
            "error: not applying: {}: NOT NULL without a default, and the table has rows that would need a value; give the model a server_default or a scalar default=, or add the column nullable and fill it first. Nothing was changed.",
            unfilled.join(", ")
        )
        .map_err(io)?;
        return Ok(Applied::NeedsValues);
    }
    if p.steps.is_empty() && cleanup.is_empty() {
        tx.rollback().map_err(scrub)?;
        crate::report(err, &p).map_err(io)?;
        writeln!(
            err,
            "nothing to change: {} already matches{}{}",
            spec.dbname(),
            if p.skipped.is_empty() {
                ""
            } else {
                " (except the destructive steps above)"
            },
            // What the verdict does not cover is said with it.
            not_compared.map(|n| format!(" ({n})")).unwrap_or_default()
        )
        .map_err(io)?;
        return Ok(Applied::NothingToDo);
    }
    for l in &leftovers {
        writeln!(
            out,
            "-- left by an online apply that stopped part-way: {}",
            l.what
        )
        .map_err(io)?;
        for st in &l.statements {
            writeln!(out, "{st};").map_err(io)?;
        }
    }
    write!(out, "{}", m.sql).map_err(io)?;
    out.flush().map_err(io)?;
    crate::report(err, &p).map_err(io)?;
    if !opts.dry_run && !opts.yes {
        let question = format!(
            "Apply {} step(s) to {}? [y/N] ",
            p.steps.len() + leftovers.len(),
            spec.dbname()
        );
        match confirm(&question) {
            None => {
                tx.rollback().map_err(scrub)?;
                writeln!(
                    err,
                    "error: not applying: standard input is not a terminal, so nobody can confirm; pass --yes to apply without asking"
                )
                .map_err(io)?;
                return Ok(Applied::Refused);
            }
            Some(false) => {
                tx.rollback().map_err(scrub)?;
                writeln!(err, "not applied: nothing was changed").map_err(io)?;
                return Ok(Applied::Declined);
            }
            Some(true) => {}
        }
    }
    if options.online {
        // Phases commit one by one: the leftovers' removal first, on its own.
        if !cleanup.is_empty() {
            for st in &cleanup {
                exec(&mut tx, st).map_err(scrub)?;
            }
            tx.commit().map_err(scrub)?;
            writeln!(
                err,
                "removed what an online apply that stopped part-way left ({} statement(s))",
                cleanup.len()
            )
            .map_err(io)?;
        } else {
            tx.rollback().map_err(scrub)?;
        }
        return apply_phases(&mut client, spec, &p, err).and_then(|done| match done {
            Some(stopped) => Ok(stopped),
            None => verify(&mut client, spec, desired, &options, err),
        });
    }
    let total = p.steps.len();
    // Core's split, the one the browser's verification runs too: new enum labels in a
    // transaction of their own when other steps follow, then the main transaction.
    let mut transactions = batches(&p);
    if opts.dry_run && transactions.len() > 1 {
        // A dry run commits nothing: all of it in the one transaction it rolls back.
        let statements = transactions.drain(..).flat_map(|b| b.statements).collect();
        transactions.push(Batch {
            transactional: true,
            statements,
        });
    }
    let main = transactions.pop().unwrap_or(Batch {
        transactional: true,
        statements: Vec::new(),
    });
    // The leftovers' removal goes first, in the transaction of the plan.
    for st in &cleanup {
        exec(&mut tx, st).map_err(scrub)?;
    }
    let mut committed_labels = 0;
    if let Some(labels) = transactions.pop() {
        if let Err(f) = run_batch(&mut tx, &labels, &p) {
            drop(tx);
            return fail(err, spec, opts, total, &f, 0).map_err(io);
        }
        tx.commit().map_err(scrub)?;
        committed_labels = steps_in(&labels);
        writeln!(
            err,
            "committed {committed_labels} new enum label(s) first: PostgreSQL lets a transaction use a label only after the one that added it commits"
        )
        .map_err(io)?;
        tx = client.transaction().map_err(scrub)?;
        tx.simple_query(public).map_err(scrub)?;
    }
    if let Err(f) = run_batch(&mut tx, &main, &p) {
        drop(tx);
        if opts.dry_run && is_unsafe_new_enum_value(&f.error) {
            writeln!(
                err,
                "dry run: steps 1-{} ran; step {} uses an enum label this plan adds, which PostgreSQL allows only after the label is committed, so a dry run cannot run it (apply commits new labels first); rolled back, nothing was changed",
                f.step - 1,
                f.step
            )
            .map_err(io)?;
            return Ok(Applied::DryRun);
        }
        return fail(err, spec, opts, total, &f, committed_labels).map_err(io);
    }
    if opts.dry_run {
        tx.rollback().map_err(scrub)?;
        writeln!(
            err,
            "dry run: all {total} step(s) ran; rolled back, nothing was changed"
        )
        .map_err(io)?;
        return Ok(Applied::DryRun);
    }
    if let Err(e) = tx.commit() {
        if lost(&e) {
            // The server may have committed before the connection went: find out.
            return settle_lost_commit(spec, &m.from_schema, desired, &options, &e, err);
        }
        writeln!(
            err,
            "error: COMMIT failed: {}; {}",
            spec.scrub(&pg_message(&e)),
            unchanged(committed_labels)
        )
        .map_err(io)?;
        return Ok(Applied::RolledBack);
    }
    writeln!(
        err,
        "applied {} step(s) in one transaction",
        steps_in(&main)
    )
    .map_err(io)?;
    verify(&mut client, spec, desired, &options, err)
}

/// Whether step `index` of `p` is a type change made through a second column.
fn half_swapped(p: &schemafix_core::Plan, index: usize) -> bool {
    p.steps.get(index).is_some_and(|s| {
        s.online.is_some()
            && matches!(
                s.change,
                schemafix_core::Change::AlterColumnType { swap: Some(_), .. }
            )
    })
}

/// What an online type change stopped half-way leaves, and how to take it back.
fn swap_undo(c: &schemafix_core::Change) -> Option<String> {
    let schemafix_core::Change::AlterColumnType {
        table,
        column,
        swap: Some(swap),
        ..
    } = c
    else {
        return None;
    };
    let q = schemafix_core::quote_ident;
    let function = schemafix_core::QualName::new(table.schema.clone(), swap.sync.clone());
    Some(format!(
        "{table}.{col} stopped half-way: its second column {new} and the trigger {trigger} that keeps it in step stay (writes of values the new type cannot hold fail meanwhile); fix the rows and run `schemafix apply --online` again (it removes them and starts this type change over), or take it back by hand: DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {function}(); ALTER TABLE {table} DROP COLUMN {new};",
        col = q(column),
        new = q(&swap.temp),
        trigger = q(&swap.sync),
    ))
}

/// Online mode: runs the plan's phases in order, each transactional one in a transaction of
/// its own, the others statement by statement outside any. `Some` when a phase failed (the
/// earlier ones stay committed).
fn apply_phases(
    client: &mut Client,
    spec: &ConnSpec,
    p: &schemafix_core::Plan,
    err: &mut dyn Write,
) -> Result<Option<Applied>, DbError> {
    let io = |e: std::io::Error| DbError::input(format!("writing output: {e}"));
    let scrub = |e: postgres::Error| DbError::database(spec.scrub(&pg_message(&e)));
    // Our SQL names objects of `public` without a schema; for the whole session, since the
    // phases outside a transaction need it too.
    client
        .batch_execute("SELECT pg_catalog.set_config('search_path', 'public', false)")
        .map_err(scrub)?;
    let phases = schemafix_core::online_phases(&p.steps);
    let total = phases.len();
    for (i, block) in phases.iter().enumerate() {
        writeln!(
            err,
            "phase {}/{total}: {}",
            i + 1,
            schemafix_core::phase_label(block.phase)
        )
        .map_err(io)?;
        let transactional = block.phase != Phase::NotTransactional;
        let mut failed = None;
        if transactional {
            let mut tx = client.transaction().map_err(scrub)?;
            'run: for (_, reason, sqls) in &block.steps {
                for sql in sqls {
                    if let Err(e) = exec(&mut tx, sql) {
                        failed = Some((reason.clone(), sql.clone(), e));
                        break 'run;
                    }
                }
            }
            if failed.is_none() {
                if let Err(e) = tx.commit() {
                    if lost(&e) {
                        writeln!(
                            err,
                            "error: the connection was lost at the COMMIT of phase {}/{total} ({}): whether that phase committed is unknown{}; `schemafix apply --online` again plans from what the database then holds",
                            i + 1,
                            spec.scrub(&pg_message(&e)),
                            match i {
                                0 => String::new(),
                                1 => "; phase 1 is committed".to_string(),
                                i => format!("; phases 1-{i} are committed"),
                            }
                        )
                        .map_err(io)?;
                        return Ok(Some(Applied::Unknown));
                    }
                    failed = Some(("COMMIT".into(), "COMMIT".into(), e));
                }
            }
        } else {
            'each: for (_, reason, sqls) in &block.steps {
                for sql in sqls {
                    if let Err(e) = exec(client, sql) {
                        failed = Some((reason.clone(), sql.clone(), e));
                        break 'each;
                    }
                }
            }
        }
        if let Some((reason, sql, e)) = failed {
            let invalid = if !transactional
                && (sql.starts_with("CREATE INDEX CONCURRENTLY")
                    || sql.starts_with("CREATE UNIQUE INDEX CONCURRENTLY"))
            {
                "; a failed concurrent build leaves an INVALID index, which `schemafix apply --online` run again drops and builds again"
            } else if block.phase == Phase::Backfill
                && block.steps.iter().any(|(k, _, _)| half_swapped(p, *k))
            {
                ""
            } else if block.phase == Phase::Backfill {
                "; the column is there with its default for new rows, but its existing rows are not filled: run this phase's UPDATE again once it can succeed (a new plan sees no difference and would not)"
            } else if block.phase == Phase::Validate {
                "; constraints added NOT VALID by earlier phases stay unvalidated (they hold for new rows): fix the rows and apply again"
            } else {
                ""
            };
            writeln!(
                err,
                "error: phase {}/{total} failed: {}\n  step: {reason}\n  statement: {sql};\n{}{}{invalid}",
                i + 1,
                spec.scrub(&pg_message(&e)),
                if transactional {
                    "this phase was rolled back"
                } else {
                    "this statement did not complete"
                },
                match i {
                    0 => String::new(),
                    1 => "; phase 1 is committed".to_string(),
                    i => format!("; phases 1-{i} are committed"),
                }
            )
            .map_err(io)?;
            if crate::interrupt::interrupted() {
                writeln!(err, "{}", interrupted_note(true)).map_err(io)?;
            }
            // Type changes whose second column is in place and not yet swapped in.
            let committed = if transactional { i } else { i + 1 };
            let mut open: Vec<usize> = Vec::new();
            for b in phases.iter().take(committed) {
                for (index, _, sqls) in &b.steps {
                    if !half_swapped(p, *index) {
                        continue;
                    }
                    if sqls.iter().any(|q| q.contains(" RENAME COLUMN ")) {
                        open.retain(|x| x != index);
                    } else if !open.contains(index) {
                        open.push(*index);
                    }
                }
            }
            for index in open {
                if let Some(undo) = swap_undo(&p.steps[index].change) {
                    writeln!(err, "  the type change of {undo}",).map_err(io)?;
                }
            }
            return Ok(Some(if i == 0 && transactional {
                Applied::RolledBack
            } else {
                Applied::NotConverged
            }));
        }
    }
    writeln!(err, "applied {} step(s) in {total} phase(s)", p.steps.len()).map_err(io)?;
    Ok(None)
}

/// Whether `e` is a lost connection (no answer from the server), not the server's refusal.
fn lost(e: &postgres::Error) -> bool {
    e.is_closed() || e.as_db_error().is_none()
}

/// After a COMMIT whose answer was lost: reconnects, reads the catalog and says which it holds,
/// the desired schema (committed), the schema as it was (rolled back), or neither.
fn settle_lost_commit(
    spec: &ConnSpec,
    before: &schemafix_core::Schema,
    desired: &(Format, Parsed),
    options: &PlanOptions,
    e: &postgres::Error,
    err: &mut dyn Write,
) -> Result<Applied, DbError> {
    let io = |e: std::io::Error| DbError::input(format!("writing output: {e}"));
    writeln!(
        err,
        "the connection was lost at COMMIT ({}); reconnecting to find out whether it committed",
        spec.scrub(&pg_message(e))
    )
    .map_err(io)?;
    let read = spec
        .connect()
        .map_err(|e| DbError::input(e.0))
        .and_then(|mut c| read_with(&mut c, spec));
    let Some((after, left)) = read_again(
        read,
        desired,
        options,
        err,
        "the outcome is unknown: reading the database again failed",
        "run `schemafix check` against it to see whether the migration is there",
    )?
    else {
        return Ok(Applied::Unknown);
    };
    if left.steps.is_empty() {
        writeln!(
            err,
            "committed: a fresh read finds the desired schema; nothing left to change"
        )
        .map_err(io)?;
        return Ok(Applied::Converged);
    }
    if diff_filtered(
        &after.schema,
        before,
        &options.filter,
        options.privileges.as_deref(),
    )
    .changes
    .is_empty()
    {
        writeln!(
            err,
            "not committed: a fresh read finds the database as it was before; nothing was changed"
        )
        .map_err(io)?;
        return Ok(Applied::RolledBack);
    }
    writeln!(
        err,
        "error: the database now matches neither the schema before the apply nor the desired one ({} change(s) remain); something else changed it, or part of the migration is there: run `schemafix diff` against it",
        left.steps.len()
    )
    .map_err(io)?;
    Ok(Applied::Unknown)
}

/// A fresh read of the catalog and what is left from it to `desired` (the plain plan); `None`
/// when the read failed, after saying so (`failed` and what to do instead, `then`).
fn read_again(
    read: Result<(Parsed, u32), DbError>,
    desired: &(Format, Parsed),
    options: &PlanOptions,
    err: &mut dyn Write,
    failed: &str,
    then: &str,
) -> Result<Option<(Parsed, Plan)>, DbError> {
    let (mut after, _) = match read {
        Ok(read) => read,
        Err(e) => {
            writeln!(err, "error: {failed} ({e}); {then}")
                .map_err(|e| DbError::input(format!("writing output: {e}")))?;
            return Ok(None);
        }
    };
    after.schema.owners.compared = options.owners;
    let left = plan(
        &diff_filtered(
            &after.schema,
            &desired.1.schema,
            &options.filter,
            options.privileges.as_deref(),
        ),
        &PlanOptions {
            online: false,
            ..options.clone()
        },
    );
    Ok(Some((after, left)))
}

/// Reads the catalog again and plans once more: converged when nothing is left.
fn verify(
    client: &mut Client,
    spec: &ConnSpec,
    desired: &(Format, Parsed),
    options: &PlanOptions,
    err: &mut dyn Write,
) -> Result<Applied, DbError> {
    let io = |e: std::io::Error| DbError::input(format!("writing output: {e}"));
    // The changes are committed: a connection lost now is tried once more on a new one, and
    // otherwise said as it is (committed, not verified).
    let read = read_with(client, spec).or_else(|first| {
        if client.is_closed() {
            spec.connect()
                .map_err(|e| DbError::input(e.0))
                .and_then(|mut c| read_with(&mut c, spec))
        } else {
            Err(first)
        }
    });
    let Some((after, left)) = read_again(
        read,
        desired,
        options,
        err,
        "the changes are committed, but reading the catalog to verify them failed",
        "run `schemafix check` against the database to verify",
    )?
    else {
        return Ok(Applied::Unknown);
    };
    if left.steps.is_empty() {
        // What the verdict does not cover is said with it.
        let (a, b) = schemafix_core::left_out(&after.schema, &desired.1.schema, options);
        let from: Vec<_> = after.diagnostics.iter().cloned().chain(a).collect();
        let to: Vec<_> = desired.1.diagnostics.iter().cloned().chain(b).collect();
        let not_compared = schemafix_core::not_compared_note(&from, &to)
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        writeln!(
            err,
            "verified: {} now matches; nothing left to change{}{not_compared}",
            spec.dbname(),
            if left.skipped.is_empty() {
                String::new()
            } else {
                format!(
                    " except {} destructive step(s) not allowed",
                    left.skipped.len()
                )
            }
        )
        .map_err(io)?;
        Ok(Applied::Converged)
    } else {
        writeln!(
            err,
            "error: applied, but {} change(s) remain:",
            left.steps.len()
        )
        .map_err(io)?;
        for s in &left.steps {
            writeln!(err, "  {}: {}", s.id, s.reason).map_err(io)?;
        }
        Ok(Applied::NotConverged)
    }
}

/// What a rollback left: nothing, or only the enum labels committed before it.
fn unchanged(committed_labels: usize) -> String {
    if committed_labels == 0 {
        "nothing was changed".into()
    } else {
        format!(
            "nothing else was changed (the {committed_labels} enum label(s) committed first stay; they change no data)"
        )
    }
}

/// Reports a failed step; the transaction is gone, so PostgreSQL has rolled it back.
fn fail(
    err: &mut dyn Write,
    spec: &ConnSpec,
    opts: &ApplyOptions,
    total: usize,
    f: &Failed,
    committed_labels: usize,
) -> std::io::Result<Applied> {
    let msg = spec.scrub(&pg_message(&f.error));
    let killed = f.error.is_closed() || f.error.as_db_error().is_none();
    let lock = if is_lock_timeout(&f.error) {
        format!(
            " (a lock was not granted within {}; another session holds it)",
            ms(opts.lock_timeout)
        )
    } else {
        String::new()
    };
    writeln!(
        err,
        "error: step {}/{total} failed: {msg}{lock}\n  step: {}\n  statement: {};\n{}: {}",
        f.step,
        f.reason,
        f.sql,
        if killed {
            "the connection was lost before COMMIT, so PostgreSQL rolled the transaction back"
        } else {
            "the transaction was rolled back"
        },
        unchanged(committed_labels)
    )?;
    if crate::interrupt::interrupted() {
        writeln!(err, "{}", interrupted_note(false))?;
    }
    Ok(Applied::RolledBack)
}

fn report_not_compared(err: &mut dyn Write, p: &Parsed) -> std::io::Result<()> {
    for d in &p.diagnostics {
        if d.severity == Severity::Warning {
            writeln!(err, "warning: {}", d.message)?;
        }
    }
    Ok(())
}

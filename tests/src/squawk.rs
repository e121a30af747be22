//! squawk (PyPI `squawk-cli`, pinned, in the oracle's virtual environment) as a second opinion
//! on our plans: every violation of its lock- and safety-related rules must be a hazard the
//! step lists, and online plans must avoid the ones online mode exists to avoid.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use schemafix_core::{online_phases, step_sql, Hazard, Plan, Step};

/// The PostgreSQL version squawk judges for (the test server's).
pub const PG_VERSION: &str = "15";

/// squawk rules about the user's own schema or the script's style, not about the safety of
/// running a migration: left out of the check, each with why.
pub const EXCLUDED: &[(&str, &str)] = &[
    (
        "prefer-robust-stmts",
        "asks for re-runnable statements (IF NOT EXISTS): a plan is computed against the current catalog and applied once; `apply` runs it in one transaction and verifies",
    ),
    ("prefer-bigint-over-int", "column types are the model's choice"),
    ("prefer-bigint-over-smallint", "column types are the model's choice"),
    ("prefer-big-int", "column types are the model's choice"),
    ("prefer-identity", "serial or identity is the model's choice"),
    ("prefer-text-field", "varchar(n) is the model's choice"),
    ("prefer-timestamptz", "timestamp without time zone is the model's choice"),
    ("prefer-timestamp-tz", "timestamp without time zone is the model's choice"),
    ("ban-char-field", "char(n) is the model's choice"),
    (
        "ban-drop-not-null",
        "a nullable column is the requested change (a catalog-only change that scans nothing); it is about clients that assume the column is set",
    ),
    (
        "ban-drop-constraint",
        "dropping a constraint the desired schema lacks is the requested change (and online mode drops its own temporary NOT NULL check once SET NOT NULL holds); it is about clients relying on the guarantee",
    ),
    (
        "ban-drop-default",
        "a default the desired schema lacks (or that comes off around a type change and goes back on) is the requested change; it is about inserts relying on it",
    ),
    (
        "ban-drop-view",
        "about clients of the view: a view is dropped because the desired schema lacks it (destructive, held back unless allowed) or to be created again around a change to what it reads",
    ),
    (
        "ban-drop-function",
        "about callers: a function is dropped because the desired schema lacks it (destructive) or to be created again with another result type",
    ),
    (
        "ban-drop-type",
        "about clients of the type: an enum is dropped only when the desired schema lacks it or it is rebuilt (the columns move to the new type first)",
    ),
    (
        "ban-drop-domain",
        "about clients of the type: a domain is dropped only when the desired schema lacks it (destructive, held back unless allowed) or to be made again with another base type or collation",
    ),
    (
        "ban-create-domain-with-constraint",
        "the domain's constraints (and default) are the desired schema's design; the rule advises column constraints instead of domains",
    ),
    (
        "ban-drop-extension",
        "about users of the extension: dropped only when the desired schema lacks it (destructive) or to install an older version",
    ),
    (
        "ban-drop-sequence",
        "a sequence is dropped only when the desired schema lacks it (destructive, held back unless allowed), with a column that stops being serial (its counter, no rows), or when online mode has filled a new identity column from a sequence of its own",
    ),
    (
        "ban-drop-schema",
        "a schema is dropped only when the desired schema lacks it, after everything in it",
    ),
    (
        "renaming-object",
        "about clients naming the object: schemafix renames only constraints and indexes (to the names the desired schema gives them), which queries do not name",
    ),
];

/// Rules about the script's session settings: the default-mode script is run by
/// `schemafix apply`, which sets `lock_timeout` and `statement_timeout` for its session
/// (`--lock-timeout`, `--statement-timeout`); the online script sets them itself, and is
/// checked for them.
pub const SESSION_RULES: &[&str] = &["require-lock-timeout", "require-statement-timeout"];

/// The hazards that account for a violation of `rule` (any one of them on its step).
fn answers(rule: &str) -> &'static [Hazard] {
    use Hazard as H;
    match rule {
        "require-concurrent-index-creation" => &[H::ShareLock],
        "require-concurrent-index-deletion" => &[H::IndexDropped],
        "constraint-missing-not-valid" => &[H::FullTableScan, H::IndexBuild],
        "adding-foreign-key-constraint" => &[H::FullTableScan],
        "ban-alter-identity" => &[H::AccessExclusiveLock],
        "ban-alter-domain-with-add-constraint" => &[H::ShareLock, H::FullTableScan],
        "adding-not-nullable-field" => &[H::FullTableScan, H::FailsOnExistingRows],
        "adding-required-field" => &[H::FailsOnExistingRows],
        "adding-field-with-default" | "changing-column-type" => {
            &[H::TableRewrite, H::AccessExclusiveLock]
        }
        "adding-serial-primary-key-field"
        | "adding-primary-key-constraint"
        | "disallowed-unique-constraint" => &[H::IndexBuild],
        // A generated column's drop deletes nothing (its values are computed) but still
        // takes away what clients read, under its lock.
        "ban-drop-column" => &[H::DeletesData, H::AccessExclusiveLock],
        "ban-drop-table" | "ban-drop-database" | "ban-truncate-cascade" => &[H::DeletesData],
        "renaming-column" | "renaming-table" | "require-concurrent-partition-detach" => {
            &[H::AccessExclusiveLock]
        }
        "require-lock-timeout" => &[H::AccessExclusiveLock, H::ShareLock],
        "require-statement-timeout" => &[
            H::AccessExclusiveLock,
            H::ShareLock,
            H::FullTableScan,
            H::TableRewrite,
            H::IndexBuild,
        ],
        "ban-concurrent-index-creation-in-transaction" => &[H::NotTransactional],
        _ => &[],
    }
}

/// Rules about existing clients that fire on the change itself (a drop, a truncate, an
/// identity added or removed): in an online plan they stand where the desired schema asked
/// for that change, which no form of it avoids.
const REQUESTED: &[&str] = &[
    "ban-drop-column",
    "ban-drop-table",
    "ban-truncate-cascade",
    "ban-alter-identity",
];

/// Rules squawk applies to every non-constant default (`adding-field-with-default`) or every
/// type change (`changing-column-type`) on the grounds that they rewrite the table; where the
/// step lists no `table-rewrite`, PostgreSQL rewrites nothing (the hazard is checked against
/// the server's `relfilenode` in `live::a_rewrite_is_listed_exactly_when_postgresql_rewrites`)
/// and the statement holds its lock only briefly.
const REWRITE_RULES: &[&str] = &["adding-field-with-default", "changing-column-type"];

/// Rules about clients naming a column that fire on the contract of an online type change,
/// which drops the old column and renames the new one to its name in one transaction.
const SWAP_RULES: &[&str] = &["ban-drop-column", "renaming-column"];

/// Why [`SWAP_RULES`] stand on an online type change.
const SWAP_WHY: &str = "the type change's swap: the old column goes once the new one holds its values, and the new one takes its name in the same transaction (clients see one column of that name throughout)";

/// An online type change through a second column (expand and contract).
fn swapped(step: &Step) -> bool {
    matches!(step.change, schemafix_core::Change::AlterColumnType { .. }) && step.online.is_some()
}

/// Why online mode may leave `rule` on `step`: the change was asked for (a rule about
/// clients, see [`REQUESTED`]), squawk assumes a rewrite PostgreSQL does not do (see
/// [`REWRITE_RULES`]), or the step has no online form and the plan says so in
/// the script ([`schemafix_core::Step::long_lock`]). `None`: online mode should have avoided
/// it.
fn online_unavoidable(rule: &str, step: &Step) -> Option<String> {
    if REQUESTED.contains(&rule) {
        return Some("the requested change; the rule is about existing clients".into());
    }
    if REWRITE_RULES.contains(&rule) && !step.hazards.contains(&Hazard::TableRewrite) {
        return Some(
            "no rewrite: PostgreSQL stores a default it evaluates once, and changes a binary-compatible type or a collation, in the catalog (a brief lock)"
                .into(),
        );
    }
    step.long_lock()
        .map(|why| format!("no online form for this step: {why}"))
}

/// A violation online mode left, accepted because the plan could not avoid it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unavoidable {
    /// The squawk rule.
    pub rule: String,
    /// The step's change id (`alter-column-type`).
    pub step: String,
    /// Why it stands (see [`online_unavoidable`]).
    pub why: String,
}

/// The squawk binary, installed with the oracle's packages.
pub fn squawk() -> Result<PathBuf> {
    let py = crate::python::python()?;
    Ok(py.with_file_name("squawk"))
}

/// One violation squawk reported.
#[derive(Debug, serde::Deserialize)]
struct Violation {
    line: usize,
    rule_name: String,
}

/// Runs squawk over `plan`'s rendered SQL and fails, naming them, on violations that are not
/// excluded and not accounted for by their step's hazards (in online mode, only on a step
/// whose change was asked for, that rewrites nothing squawk thinks it rewrites, or that has
/// no online form, see [`online_unavoidable`], and [`SWAP_RULES`] on a type change's swap). The violations accepted that way in an
/// online plan.
pub fn check(plan: &Plan, sql: &str) -> Result<Vec<Unavoidable>> {
    if sql.trim().is_empty() {
        return Ok(Vec::new());
    }
    // Each statement's step, in the order the script has them.
    let statements: Vec<(usize, String)> = if plan.online {
        online_phases(&plan.steps)
            .into_iter()
            .flat_map(|b| b.steps)
            .flat_map(|(i, _, sqls)| sqls.into_iter().map(move |s| (i, s)))
            .collect()
    } else {
        plan.steps
            .iter()
            .enumerate()
            .flat_map(|(i, s)| step_sql(&s.change).into_iter().map(move |q| (i, q)))
            .collect()
    };
    // Their line ranges (0-based, as squawk counts).
    let mut ranges = Vec::with_capacity(statements.len());
    let mut at = 0;
    for (i, s) in &statements {
        let Some(found) = sql[at..].find(s.as_str()) else {
            bail!("statement not found in the script: {s}");
        };
        let start = at + found;
        let first = sql[..start].matches('\n').count();
        let last = first + s.matches('\n').count();
        ranges.push((first, last, *i, s));
        at = start + s.len();
    }
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "schemafix-squawk-{}-{}.sql",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, sql)?;
    let mut cmd = Command::new(squawk()?);
    cmd.args(["--reporter", "json", "--pg-version", PG_VERSION]);
    if !plan.online {
        // The default plan runs in one transaction (`apply`, psql -1).
        cmd.arg("--assume-in-transaction");
    }
    let out = cmd.arg(&path).output().context("running squawk");
    std::fs::remove_file(&path).ok();
    let out = out?;
    let found: Vec<Violation> = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "squawk's output: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let mut bad = Vec::new();
    let mut accepted = Vec::new();
    for v in found {
        if EXCLUDED.iter().any(|(r, _)| *r == v.rule_name)
            || (!plan.online && SESSION_RULES.contains(&v.rule_name.as_str()))
        {
            continue;
        }
        let step = ranges
            .iter()
            .find(|(first, last, _, _)| (*first..=*last).contains(&v.line));
        let accounted = step.is_some_and(|(_, _, i, _)| {
            let step = &plan.steps[*i];
            if plan.online && swapped(step) && SWAP_RULES.contains(&v.rule_name.as_str()) {
                accepted.push(Unavoidable {
                    rule: v.rule_name.clone(),
                    step: step.id.clone(),
                    why: SWAP_WHY.into(),
                });
                return true;
            }
            if !answers(&v.rule_name)
                .iter()
                .any(|h| step.hazards.contains(h))
            {
                return false;
            }
            if !plan.online {
                return true;
            }
            let Some(why) = online_unavoidable(&v.rule_name, step) else {
                return false;
            };
            accepted.push(Unavoidable {
                rule: v.rule_name.clone(),
                step: step.id.clone(),
                why,
            });
            true
        });
        if !accounted {
            let what = match step {
                Some((_, _, i, s)) => format!(
                    "{} on `{}` (hazards {:?})",
                    v.rule_name,
                    s.lines().next().unwrap_or_default(),
                    plan.steps[*i].hazards
                ),
                None => format!("{} at line {}", v.rule_name, v.line + 1),
            };
            bad.push(what);
        }
    }
    if !bad.is_empty() {
        bail!("squawk: {}", bad.join("; "));
    }
    accepted.sort();
    accepted.dedup();
    Ok(accepted)
}

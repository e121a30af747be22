//! "Verify on PostgreSQL": the migration run on PGlite (PostgreSQL compiled to WebAssembly) in a
//! web worker, `verify-worker.js`, which loads PGlite from `pglite/` beside the page only when
//! asked. Core says what to run (`schemafix_core::script`) and reads the catalog rows back
//! (`schemafix_core::outcome`); the worker only runs SQL. Both the page's button and the JS API's
//! `verify` come here.

use schemafix_core::{migrate, outcome, render_sql, script, Format, PlanOptions, Row, Step};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "export function worker_url() { \
    return new URL('../../verify-worker.js', import.meta.url).href; }")]
extern "C" {
    /// `verify-worker.js` at the bundle's root (this snippet sits in `snippets/<crate>/`), so
    /// docs pages that load the module from elsewhere find it too.
    fn worker_url() -> String;
}

/// What to verify.
#[derive(Debug, Clone)]
pub struct Request {
    pub from: String,
    pub from_format: Option<Format>,
    pub to: String,
    pub to_format: Option<Format>,
    pub options: PlanOptions,
    /// The migration already computed from the exact reading of the models, verified instead
    /// of the static reading's.
    pub exact: Option<schemafix_core::Migration>,
}

/// A PostgreSQL error and the statement it stopped at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PgError {
    pub message: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    /// 1-based character position in `sql`, when PostgreSQL gives one.
    #[serde(default)]
    pub position: Option<u32>,
    pub sql: String,
    /// The plan step the statement belongs to.
    #[serde(default)]
    pub step: Option<usize>,
    /// The current side's line the statement starts on (setup as written).
    #[serde(default)]
    pub line: Option<u32>,
}

/// How long each part took, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Timings {
    /// Importing PGlite and starting a fresh database (nothing when one was ready).
    pub start_ms: f64,
    pub setup_ms: f64,
    pub apply_ms: f64,
    pub catalog_ms: f64,
}

/// What the worker posts back.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reply {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    setup_error: Option<PgError>,
    #[serde(default)]
    apply_error: Option<PgError>,
    #[serde(default)]
    rows: Option<Vec<Vec<Row>>>,
    #[serde(default)]
    timings: Timings,
}

/// How a verification ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The migration ran and nothing is left to change.
    Converged,
    /// The migration ran, but planning again finds steps left.
    NotConverged,
    /// PostgreSQL refused a statement of the migration.
    MigrationFailed,
    /// The current schema could not be created.
    SetupFailed,
}

/// The result of a verification (the JS API's `verify` resolves to it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub status: Status,
    /// `SELECT version()` of the PGlite that ran it.
    pub version: String,
    /// Statements of the migration that ran.
    pub statements: usize,
    /// The current schema was generated from what schemafix read (a `\d` paste or a model)
    /// rather than run as written.
    pub setup_generated: bool,
    /// Statements of the current side's DDL left out, with why.
    pub left_out: Vec<String>,
    /// Types and sequences the paste only names, created as the desired side defines them.
    pub borrowed: Vec<String>,
    /// What PostgreSQL refused.
    pub error: Option<PgError>,
    /// The hazards the plan listed for the step PostgreSQL refused (`fails-on-existing-rows` …).
    pub error_hazards: Vec<String>,
    /// Steps still needed after the migration (not converged).
    pub left: Vec<Step>,
    /// Their SQL.
    pub left_sql: String,
    /// Destructive steps still held back (their absence is not convergence, nor a failure).
    pub held_back: usize,
    /// What reading the catalog back reported.
    pub notes: Vec<String>,
    /// What a converged verdict does not cover: the kinds of objects either side holds that
    /// were not compared, with counts (`not compared: 2 aggregates in the current schema`).
    pub not_compared: Option<String>,
    pub timings: Timings,
}

/// `sql` with a caret under the character at `position` (1-based, in characters) and the line
/// it is on, as psql shows an error's position.
pub fn with_caret(sql: &str, position: Option<u32>) -> String {
    let Some(pos) = position
        .and_then(|p| usize::try_from(p).ok())
        .filter(|p| *p > 0)
    else {
        return sql.to_string();
    };
    let mut out = String::new();
    let mut seen = 0;
    let mut placed = false;
    for line in sql.split('\n') {
        out.push_str(line);
        out.push('\n');
        let n = line.chars().count();
        if !placed && pos <= seen + n + 1 {
            out.push_str(&" ".repeat(pos - seen - 1));
            out.push_str("^\n");
            placed = true;
        }
        seen += n + 1;
    }
    out.trim_end().to_string()
}

#[derive(Serialize)]
struct Message<'a> {
    script: &'a schemafix_core::Script,
}

/// Runs the migration of `req` on a fresh PGlite database and checks it converged.
pub async fn verify(req: &Request) -> Result<Verification, String> {
    let m = match &req.exact {
        Some(m) => m.clone(),
        None => migrate(
            &req.from,
            req.from_format,
            &req.to,
            req.to_format,
            &req.options,
        ),
    };
    if m.has_errors() {
        return Err("no migration to verify: fix the errors in the inputs".into());
    }
    let s = script(&req.from, req.from_format, &m.plan, &m.to_schema);
    let message = Message { script: &s }
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())?;
    let reply = crate::worker::request(&worker_url(), "verification", message).await?;
    let reply: Reply = serde_wasm_bindgen::from_value(reply).map_err(|e| e.to_string())?;
    if let Some(f) = reply.failure {
        return Err(f);
    }
    let mut v = Verification {
        status: Status::Converged,
        version: reply.version.unwrap_or_default(),
        statements: s.batches.iter().map(|b| b.statements.len()).sum(),
        setup_generated: s.setup_generated,
        left_out: s.left_out,
        borrowed: s.borrowed,
        error: None,
        error_hazards: Vec::new(),
        left: Vec::new(),
        left_sql: String::new(),
        held_back: 0,
        notes: Vec::new(),
        not_compared: None,
        timings: reply.timings,
    };
    if let Some(e) = reply.setup_error {
        v.status = Status::SetupFailed;
        v.error = Some(e);
    } else if let Some(e) = reply.apply_error {
        v.status = Status::MigrationFailed;
        v.error_hazards = e
            .step
            .and_then(|i| m.plan.steps.get(i.wrapping_sub(1)))
            .map(|st| st.hazards.iter().map(|h| h.id().to_string()).collect())
            .unwrap_or_default();
        v.error = Some(e);
    } else {
        let rows = reply.rows.ok_or("the worker sent no catalog rows")?;
        let o = outcome(&rows, &m.to_schema, &req.options);
        v.notes = o.diagnostics.iter().map(|d| d.message.clone()).collect();
        v.not_compared = schemafix_core::not_compared_note(&o.diagnostics, &m.to_diagnostics);
        v.held_back = o.left.skipped.len();
        if !o.converged {
            v.status = Status::NotConverged;
            v.left_sql = render_sql(&o.left);
            v.left = o.left.steps;
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::with_caret;

    #[test]
    fn the_caret_stands_under_the_position_on_its_line() {
        let sql = "ALTER TABLE users\n    ALTER COLUMN x SET NOT NULL";
        assert_eq!(
            with_caret(sql, Some(1)),
            "ALTER TABLE users\n^\n    ALTER COLUMN x SET NOT NULL"
        );
        assert_eq!(
            with_caret(sql, Some(23)),
            "ALTER TABLE users\n    ALTER COLUMN x SET NOT NULL\n    ^"
        );
        assert_eq!(with_caret(sql, None), sql);
        assert_eq!(with_caret(sql, Some(0)), sql);
        // Past the end: no caret rather than a wrong one.
        assert_eq!(with_caret("SELECT", Some(99)), "SELECT");
    }
}

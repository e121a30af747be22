//! The JS API (wasm-bindgen exports): `diff(from, to, options)` (a promise with `exact: true`:
//! the models run by SQLAlchemy in Pyodide, see `exact.rs`), `parse(text, format)` and
//! `verify(from, to, options)` (a promise: the migration run on PGlite, see `verify.rs`),
//! returning plain JS objects through serde-wasm-bindgen — the same core and the same results
//! as the CLI. The page exposes them as `window.wasmBindings` (trunk's loader).

use schemafix_core::{migrate, parse as parse_text, Format, PlanOptions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `diff`: formats override detection ("sql", "psql", "sqlalchemy"). */
export interface DiffOptions {
    fromFormat?: string;
    toFormat?: string;
    allowDestructive?: boolean;
    /** Online mode: steps that hold no long lock, in labelled phases. */
    online?: boolean;
    /** The server's major version (hazards follow it). */
    pgVersion?: number;
    /** Confirmed renames (as `plan.renames` suggests them): a column (`from` its current name)
     *  or, without `from`, the table itself; RENAME COLUMN / RENAME TO, data kept. */
    renames?: { table: { schema: string; name: string }; from?: string; to: string }[];
    /** Compare privileges (GRANT/REVOKE): `true` for every role's, or only these roles'
     *  ("PUBLIC" for everyone); left out, they are listed as not compared. */
    privileges?: boolean | string[];
    /** Compare owners (ALTER … OWNER TO) where both sides state them. */
    owners?: boolean;
    /** Which schemas and tables are compared (psql-style patterns: `*`, `?`, a double-quoted
     *  part as written, `schema.table`); `tables` compares those relations and nothing else,
     *  as `pg_dump --table`. What it leaves out is listed as not compared. */
    filter?: {
        schemas?: string[];
        excludeSchemas?: string[];
        tables?: string[];
        excludeTables?: string[];
    };
    /** Read the desired side's models exactly: run them with real SQLAlchemy in Pyodide (loaded
     *  from this site into a worker on first use). `diff` then returns a promise. */
    exact?: boolean;
    /** The path `to` has in its project (default "models.py"), with `files`. */
    modelFile?: string;
    /** More files of the models' project by path ("app/db.py": text), read with `to` as one
     *  package (imports between them followed); with `exact`, each `.py` file is imported too,
     *  with the project's root on `sys.path`. */
    files?: Record<string, string>;
}
/** Every kind of change (`Step.change.kind`), as core names them. */
export type ChangeKind =
    "create-schema" |
    "drop-schema" |
    "create-collation" |
    "drop-collation" |
    "create-domain" |
    "alter-domain" |
    "drop-domain" |
    "create-composite-type" |
    "alter-composite-type" |
    "drop-composite-type" |
    "set-owner" |
    "create-statistics" |
    "alter-statistics" |
    "drop-statistics" |
    "create-range-type" |
    "drop-range-type" |
    "create-extension" |
    "alter-extension" |
    "drop-extension" |
    "create-enum" |
    "add-enum-value" |
    "rename-enum-value" |
    "drop-enum" |
    "rebuild-enum" |
    "create-sequence" |
    "alter-sequence" |
    "drop-sequence" |
    "create-table" |
    "drop-table" |
    "recreate-table" |
    "set-logged" |
    "detach-partition" |
    "attach-partition" |
    "add-column" |
    "drop-column" |
    "alter-column-type" |
    "set-not-null" |
    "backfill" |
    "drop-not-null" |
    "set-default" |
    "drop-default" |
    "add-identity" |
    "set-identity-options" |
    "set-identity" |
    "drop-identity" |
    "add-serial" |
    "drop-serial" |
    "add-primary-key" |
    "drop-primary-key" |
    "add-unique" |
    "drop-unique" |
    "add-check" |
    "drop-check" |
    "add-foreign-key" |
    "drop-foreign-key" |
    "validate-constraint" |
    "add-exclusion" |
    "drop-exclusion" |
    "create-index" |
    "drop-index" |
    "rename-table" |
    "rename-column" |
    "rename-constraint" |
    "rename-index" |
    "comment-table" |
    "comment-column" |
    "comment-index" |
    "comment-constraint" |
    "comment-type" |
    "comment-object" |
    "set-storage-params" |
    "set-replica-identity" |
    "alter-column-settings" |
    "set-row-security" |
    "set-force-row-security" |
    "create-policy" |
    "drop-policy" |
    "create-function" |
    "replace-function" |
    "drop-function" |
    "create-trigger" |
    "drop-trigger" |
    "comment-function" |
    "comment-trigger" |
    "create-view" |
    "drop-view" |
    "comment-view" |
    "grant" |
    "revoke";
/** A risk a step carries on a live database. */
export type Hazard =
    "deletes-data" |
    "table-rewrite" |
    "access-exclusive-lock" |
    "share-lock" |
    "full-table-scan" |
    "fails-on-existing-rows" |
    "index-build" |
    "index-dropped" |
    "not-transactional" |
    "authorization-change" |
    "changes-values";
/** What kind of problem a diagnostic reports. */
export type DiagnosticKind =
    "syntax" |
    "out-of-scope" |
    "no-schema-content" |
    "ignored-clause" |
    "unknown-object" |
    "empty" |
    "internal";
/** How a statement of an online plan runs. */
export type Phase =
    "transactional" |
    "not-transactional" |
    "validate" |
    "backfill";
/** A problem in an input, with its 1-based line and column. */
export interface Diagnostic {
    severity: "note" | "warning" | "error";
    kind: DiagnosticKind;
    message: string;
    span: { start: number; end: number; line: number; column: number };
}
/** One step of a plan: its kind, why, its risks, and what it would lose. */
export interface Step {
    id: string;
    change: { kind: ChangeKind; [field: string]: unknown };
    reason: string;
    hazards: Hazard[];
    loses: string | null;
    /** In online mode, when the step runs in another form: its statements and their phase. */
    online?: { phase: Phase; sql: string }[];
}
export interface Plan {
    steps: Step[];
    skipped: Step[];
    not_compared: { schema: string; name: string }[];
    irreversible?: Step[];
    /** Planned in online mode. */
    online?: boolean;
    /** Dropped and added columns (or tables: no `from`) that look like renames (confidence in percent). */
    renames?: { table: { schema: string; name: string }; from?: string; to: string; confidence: number }[];
    pg_version?: number;
}
/** Everything one comparison gives, as the CLI's `--format json`. */
export interface Migration {
    from_format: string;
    from_diagnostics: Diagnostic[];
    to_format: string;
    to_diagnostics: Diagnostic[];
    plan: Plan;
    sql: string;
    down: Plan;
    down_sql: string;
}
/** What PostgreSQL refused, and the statement (with its plan step, or its line in the input). */
export interface PgError {
    message: string;
    code: string | null;
    detail: string | null;
    hint: string | null;
    /** 1-based character position in `sql`. */
    position: number | null;
    sql: string;
    step: number | null;
    line: number | null;
}
/** The migration run on PGlite (PostgreSQL in WebAssembly) in a worker, and the catalog read back. */
export interface Verification {
    status: "converged" | "not-converged" | "migration-failed" | "setup-failed";
    /** PGlite's `SELECT version()`. */
    version: string;
    statements: number;
    /** The current schema was generated from a `\d` paste or a model, not run as written. */
    setupGenerated: boolean;
    leftOut: string[];
    /** Types and sequences a `\d` paste only names, created as the desired side defines them. */
    borrowed: string[];
    error: PgError | null;
    /** The hazards the plan listed for the refused step. */
    errorHazards: Hazard[];
    /** Steps still needed after the migration ran. */
    left: Step[];
    leftSql: string;
    heldBack: number;
    notes: string[];
    /** What a converged verdict does not cover: kinds of objects not compared, with counts. */
    notCompared: string | null;
    timings: { startMs: number; setupMs: number; applyMs: number; catalogMs: number };
}
export interface Parsed {
    format: string;
    schema: unknown;
    diagnostics: Diagnostic[];
}
"#;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DiffOptions {
    from_format: Option<String>,
    to_format: Option<String>,
    allow_destructive: bool,
    online: bool,
    pg_version: Option<u32>,
    renames: Vec<schemafix_core::Rename>,
    privileges: Option<Privileges>,
    filter: schemafix_core::Filter,
    owners: bool,
    exact: bool,
    model_file: Option<String>,
    files: std::collections::BTreeMap<String, String>,
}

/// `privileges`: `true` (every role's), `false`, or the roles whose privileges are compared.
#[derive(Deserialize)]
#[serde(untagged)]
enum Privileges {
    Every(bool),
    Roles(Vec<String>),
}

impl DiffOptions {
    fn read(options: JsValue) -> Result<Self, JsError> {
        if options.is_undefined() || options.is_null() {
            Ok(Self::default())
        } else {
            serde_wasm_bindgen::from_value(options).map_err(|e| JsError::new(&e.to_string()))
        }
    }

    fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            allow_destructive: self.allow_destructive,
            online: self.online,
            pg_version: self.pg_version,
            renames: self.renames.clone(),
            privileges: match &self.privileges {
                Some(Privileges::Every(true)) => Some(Vec::new()),
                Some(Privileges::Roles(r)) => Some(r.clone()),
                Some(Privileges::Every(false)) | None => None,
            },
            filter: self.filter.clone(),
            owners: self.owners,
        }
    }

    /// The models' project: `to` under its path (`modelFile`, else `models.py`) with `files`;
    /// and that path.
    fn project(&self, to: &str) -> (Vec<crate::state::File>, String) {
        let others = self
            .files
            .iter()
            .map(|(name, text)| crate::state::File {
                name: name.clone(),
                text: text.clone(),
            })
            .collect();
        let main = self
            .model_file
            .clone()
            .unwrap_or_else(|| crate::state::MODEL_FILE.into());
        let files = crate::state::project_files(others, Some(main.clone()), to.to_string());
        (files, main)
    }
}

fn format_of(name: Option<&str>) -> Result<Option<Format>, JsError> {
    match name {
        None | Some("") | Some("auto") => Ok(None),
        Some(n) => Format::from_name(n)
            .map(Some)
            .ok_or_else(|| JsError::new(&format!("unknown format {n:?} (sql, psql, sqlalchemy)"))),
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The migration from `from` (what exists) to `to` (what is wanted); with `exact`, a promise of
/// it, the models read by running them.
#[wasm_bindgen(unchecked_return_type = "Migration | Promise<Migration>")]
pub fn diff(
    from: &str,
    to: &str,
    #[wasm_bindgen(unchecked_param_type = "DiffOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let o = DiffOptions::read(options)?;
    if o.exact {
        let from_format = format_of(o.from_format.as_deref())?;
        let (files, _) = o.project(to);
        let (from, options) = (from.to_string(), o.plan_options());
        return Ok(wasm_bindgen_futures::future_to_promise(async move {
            let (m, _) = crate::exact::migrate_exact(&from, from_format, &files, &options)
                .await
                .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
            to_js(&m).map_err(JsValue::from)
        })
        .into());
    }
    let to_format = format_of(o.to_format.as_deref())?;
    // Models with more files of their project: read together, statically.
    if !o.files.is_empty()
        && to_format.unwrap_or_else(|| schemafix_core::detect(to)) == Format::SqlAlchemy
    {
        let (files, main) = o.project(to);
        let m = crate::state::migrate_project(
            from,
            format_of(o.from_format.as_deref())?,
            &files,
            &main,
            &o.plan_options(),
        );
        return to_js(&m);
    }
    let m = migrate(
        from,
        format_of(o.from_format.as_deref())?,
        to,
        to_format,
        &o.plan_options(),
    );
    to_js(&m)
}

/// Runs the migration from `from` to `to` on PGlite (PostgreSQL in WebAssembly, loaded on first
/// use into a worker) and reads the catalog back: resolves to what happened.
#[wasm_bindgen(unchecked_return_type = "Promise<Verification>")]
pub fn verify(
    from: String,
    to: String,
    #[wasm_bindgen(unchecked_param_type = "DiffOptions | undefined")] options: JsValue,
) -> Result<js_sys::Promise, JsError> {
    let o = DiffOptions::read(options)?;
    let req = crate::verify::Request {
        from,
        from_format: format_of(o.from_format.as_deref())?,
        to,
        to_format: format_of(o.to_format.as_deref())?,
        // PGlite has one role: privileges and owners are neither set there nor verified.
        options: PlanOptions {
            privileges: None,
            owners: false,
            ..o.plan_options()
        },
        exact: None,
    };
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let v = crate::verify::verify(&req)
            .await
            .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
        to_js(&v).map_err(JsValue::from)
    }))
}

#[derive(Serialize)]
struct ParsedOut {
    format: Format,
    schema: schemafix_core::Schema,
    diagnostics: Vec<schemafix_core::Diagnostic>,
}

/// What schemafix reads in `text` (format detected unless given).
#[wasm_bindgen(unchecked_return_type = "Parsed")]
pub fn parse(text: &str, format: Option<String>) -> Result<JsValue, JsError> {
    let (format, p) = parse_text(text, format_of(format.as_deref())?);
    to_js(&ParsedOut {
        format,
        schema: p.schema,
        diagnostics: p.diagnostics,
    })
}

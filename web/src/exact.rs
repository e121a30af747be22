//! The exact model reading in the browser: the model files run by real SQLAlchemy in Pyodide
//! (CPython in WebAssembly) in a web worker, `models-worker.js`, which loads Pyodide and
//! SQLAlchemy's wheels from `pyodide/` beside the page only when asked. The worker runs core's
//! helper (`CAPTURE_HELPER`, the same the CLI's `--python` runs); core reads its capture
//! (`parse_capture`) and plans as for any other input. Both the page's switch and the JS API's
//! `exact` come here.

use schemafix_core::{
    migrate_parsed, parse, parse_capture, Format, Migration, PlanOptions, CAPTURE_HELPER,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "export function models_worker_url() { \
    return new URL('../../models-worker.js', import.meta.url).href; }")]
extern "C" {
    /// `models-worker.js` at the bundle's root (this snippet sits in `snippets/<crate>/`).
    fn models_worker_url() -> String;
}

/// What the browser's Python can import (the wheels `cargo xtask` stages), and what to do
/// about the rest.
const AVAILABLE: &str = "the page's Python has SQLAlchemy 2.1.9, Flask-SQLAlchemy 3.1.1 and the standard library only (SQLModel needs pydantic's compiled core, which is not available here); models that import other packages read exactly with the command line's --python in the project's own environment";

use crate::state::File;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    helper: &'a str,
    files: &'a [File],
    models: Vec<&'a str>,
    pg_version: Option<u32>,
}

/// How long the worker took, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Timings {
    /// Loading Pyodide and the wheels (nothing when the worker was ready).
    pub start_ms: f64,
    /// Importing the models and capturing their DDL.
    pub run_ms: f64,
}

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    json: Option<String>,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    timings: Timings,
}

/// The capture of `files` (each `.py` file imported, in path order, with the project's root
/// on `sys.path`), for a server of `pg_version`.
pub async fn capture(files: &[File], pg_version: Option<u32>) -> Result<(String, Timings), String> {
    let mut models: Vec<&str> = files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| n.ends_with(".py"))
        .collect();
    models.sort();
    let message = Message {
        helper: CAPTURE_HELPER,
        files,
        models,
        pg_version,
    }
    .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
    .map_err(|e| e.to_string())?;
    let reply = crate::worker::request(&models_worker_url(), "Python", message).await?;
    let reply: Reply = serde_wasm_bindgen::from_value(reply).map_err(|e| e.to_string())?;
    match (reply.json, reply.failure) {
        (_, Some(f)) => Err(f),
        (Some(json), None) => Ok((json, reply.timings)),
        (None, None) => Err("the Python worker sent no capture".into()),
    }
}

/// The migration from `from` to the models `files` describe, read exactly.
pub async fn migrate_exact(
    from: &str,
    from_format: Option<Format>,
    files: &[File],
    options: &PlanOptions,
) -> Result<(Migration, Timings), String> {
    let (json, timings) = capture(files, options.pg_version).await?;
    let (mut to, _) = parse_capture(&json);
    // A package the browser's Python lacks: say what it has, and where the rest reads.
    for d in &mut to.diagnostics {
        if d.severity == schemafix_core::Severity::Error && d.message.contains("No module named") {
            d.message.push_str(&format!(" ({AVAILABLE})"));
        }
    }
    Ok((
        migrate_parsed(parse(from, from_format), (Format::SqlAlchemy, to), options),
        timings,
    ))
}

/// What the exact reading says it ran (`SQLAlchemy 2.1.9 on Python 3.14.0: …`), from its
/// first note.
pub fn reading_note(m: &Migration) -> Option<String> {
    m.to_diagnostics
        .iter()
        .find(|d| d.message.starts_with("read by running the models"))
        .map(|d| d.message.clone())
}

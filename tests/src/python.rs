//! Real SQLAlchemy as the oracle: a virtual environment with SQLAlchemy, Flask-SQLAlchemy and
//! SQLModel from PyPI (pinned), and a runner that executes a model file's `create_all`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};

/// The packages the oracle installs, pinned so results are reproducible.
pub const PACKAGES: &[&str] = &[
    "sqlalchemy==2.1.9",
    "psycopg2-binary==2.9.13",
    "flask-sqlalchemy==3.1.1",
    "sqlmodel==0.0.50",
];

/// Runs a model file and calls `create_all` on every `MetaData` it defines (a `MetaData`, or
/// anything with a `.metadata`: a declarative base, `db.Model`, `SQLModel`).
const CREATE_ALL: &str = r#"
import runpy, sys
from sqlalchemy import MetaData, create_engine
path, url = sys.argv[1], sys.argv[2]
ns = runpy.run_path(path, run_name="models")
metas = []
for value in list(ns.values()):
    try:
        meta = value if isinstance(value, MetaData) else getattr(value, "metadata", None)
    except Exception:
        meta = None
    if isinstance(meta, MetaData) and all(meta is not m for m in metas):
        metas.append(meta)
if not metas:
    sys.exit("no MetaData found in " + path)
engine = create_engine(url)
for meta in metas:
    meta.create_all(engine)
"#;

/// The virtual environment's python, created and filled on first use (under `target/`).
pub fn python() -> Result<PathBuf> {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PY.get_or_init(|| setup().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn setup() -> Result<PathBuf> {
    let dir = crate::workspace_root().join("target/sqlalchemy-venv");
    let py = dir.join("bin/python");
    let stamp = dir.join("installed.txt");
    let wanted = PACKAGES.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(py);
    }
    let status = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&dir)
        .status()
        .context("python3 -m venv")?;
    if !status.success() {
        bail!("python3 -m venv failed");
    }
    let out = Command::new(dir.join("bin/pip"))
        .args(["install", "-q", "--disable-pip-version-check"])
        .args(PACKAGES)
        .output()
        .context("pip install")?;
    if !out.status.success() {
        bail!(
            "pip install failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(&stamp, wanted)?;
    Ok(py)
}

/// Runs `metadata.create_all` of `model` against database `url` (an SQLAlchemy URL).
pub fn create_all(model: &std::path::Path, url: &str) -> Result<()> {
    let out = Command::new(python()?)
        .args(["-c", CREATE_ALL])
        .arg(model)
        .arg(url)
        .output()
        .context("python")?;
    if !out.status.success() {
        bail!(
            "create_all failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

//! Real SQLAlchemy as the oracle: a virtual environment with SQLAlchemy, Flask-SQLAlchemy,
//! SQLModel and Alembic (and the squawk linter) from PyPI (pinned), a runner that executes a model file's `create_all`,
//! and a scratch Alembic project that runs a revision up and down.

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
    "alembic==1.20.1",
    // Not Python: squawk, the migration linter, ships its binary as a wheel.
    "squawk-cli==2.70.0",
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
    Ok(venv("sqlalchemy-venv", PACKAGES)?.join("bin/python"))
}

/// A virtual environment under `target/<name>` holding `packages` from PyPI: created (or
/// recreated) and filled unless its stamp says it already holds exactly those. Its directory.
pub fn venv(name: &str, packages: &[&str]) -> Result<PathBuf> {
    let dir = crate::workspace_root().join("target").join(name);
    let stamp = dir.join("installed.txt");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(dir);
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
        .args(packages)
        .output()
        .context("pip install")?;
    if !out.status.success() {
        bail!(
            "pip install failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(&stamp, wanted)?;
    Ok(dir)
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

/// A scratch Alembic project holding one revision, against database `url` (an SQLAlchemy URL).
pub struct AlembicProject {
    dir: PathBuf,
}

const ENV_PY: &str = r#"
from alembic import context
from sqlalchemy import create_engine

engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"#;

impl AlembicProject {
    /// Writes the project under `target/` with `revision` as its only version file.
    pub fn new(name: &str, revision: &str, url: &str) -> Result<AlembicProject> {
        let dir = crate::workspace_root()
            .join("target/alembic-projects")
            .join(format!("{}-{name}", std::process::id()));
        let versions = dir.join("versions");
        std::fs::create_dir_all(&versions)?;
        std::fs::write(
            dir.join("alembic.ini"),
            format!(
                "[alembic]\nscript_location = {}\nsqlalchemy.url = {}\n",
                dir.display(),
                url.replace('%', "%%")
            ),
        )?;
        std::fs::write(dir.join("env.py"), ENV_PY)?;
        std::fs::write(versions.join("revision.py"), revision)?;
        Ok(AlembicProject { dir })
    }

    /// Runs `alembic <args>` (e.g. `upgrade head`).
    pub fn run(&self, args: &[&str]) -> Result<String> {
        let out = Command::new(python()?)
            .args(["-m", "alembic", "-c"])
            .arg(self.dir.join("alembic.ini"))
            .args(args)
            .output()
            .context("alembic")?;
        if !out.status.success() {
            bail!(
                "alembic {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

impl Drop for AlembicProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! Live databases side by side (`cargo xtask bench` runs it after the criterion benches): two
//! databases of 1,000 generated tables each on the throwaway cluster (current and desired, see
//! `schemafix_tests::generate`), then, several times each, `schemafix check` between them,
//! `migra` between them, `alembic check` of the same database against the equivalent generated
//! model, and the bare catalog queries `schemafix` runs on both (the floor). Medians go to
//! `target/bench-live.json`, which `cargo xtask bench` writes into `BENCHMARKS.md`.
//!
//! migra comes from PyPI into its own virtual environment (`target/bench-venv`, pinned);
//! Alembic from the tests' SQLAlchemy environment.

use std::path::{Path, PathBuf};
use std::process::Command;

use schemafix_core::{CATALOG_QUERIES, CATALOG_SETUP};
use schemafix_tests::bench::{self, run};
use schemafix_tests::{generate, python, workspace_root, Pg};

const TABLES: usize = 1_000;
const RUNS: usize = 5;

/// [`bench::time`], `RUNS` times.
fn time(what: &str, f: impl FnMut()) -> f64 {
    bench::time(what, RUNS, f)
}

const ENV_PY: &str = r#"
import runpy
from alembic import context
from sqlalchemy import create_engine

model = runpy.run_path(context.config.get_main_option("model"), run_name="model")
engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=model["Base"].metadata)
    with context.begin_transaction():
        context.run_migrations()
"#;

/// An Alembic project whose `env.py` compares `model` with the database at `url`.
fn alembic_project(dir: &Path, model: &str, url: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    std::fs::write(dir.join("model.py"), model).unwrap();
    std::fs::write(dir.join("env.py"), ENV_PY).unwrap();
    let ini = dir.join("alembic.ini");
    std::fs::write(
        &ini,
        format!(
            "[alembic]\nscript_location = {}\nmodel = {}\nsqlalchemy.url = {}\n",
            dir.display(),
            dir.join("model.py").display(),
            url.replace('%', "%%")
        ),
    )
    .unwrap();
    ini
}

fn main() {
    let pg = Pg::get().expect("a PostgreSQL cluster");
    let current = pg.create_db().unwrap();
    let desired = pg.create_db().unwrap();
    current.exec(&generate::ddl(TABLES, false)).unwrap();
    desired.exec(&generate::ddl(TABLES, true)).unwrap();
    let (a, b) = (current.url(), desired.url());

    let schemafix = workspace_root().join("target/release/schemafix");
    assert!(
        schemafix.exists(),
        "build the CLI first: cargo build --release -p schemafix-cli"
    );
    let check = time("schemafix check", || {
        run(
            Command::new(&schemafix).args(["check", &a, &b]),
            &[1],
            "extra",
        );
    });

    let catalog = time("catalog queries (both databases)", || {
        for url in [&a, &b] {
            let spec = schemafix_cli::connect::ConnSpec::resolve(Some(url), &|_| None).unwrap();
            let mut c = spec.connect().unwrap();
            let mut tx = c.transaction().unwrap();
            tx.simple_query(CATALOG_SETUP).unwrap();
            for q in CATALOG_QUERIES {
                tx.simple_query(q.sql).unwrap();
            }
            tx.rollback().unwrap();
        }
    });

    let migra_ms = bench::migra(&current, &desired, RUNS, "extra");

    let dir = workspace_root().join(format!("target/bench-alembic-{}", std::process::id()));
    let ini = alembic_project(
        &dir,
        &generate::sqlalchemy_model(TABLES, true),
        &current.sqlalchemy_url(),
    );
    let py = python::python().unwrap();
    let alembic = time("alembic check", || {
        run(
            Command::new(&py)
                .args(["-m", "alembic", "-c"])
                .arg(&ini)
                .arg("check"),
            &[1, 255],
            "New upgrade operations detected",
        );
    });
    let _ = std::fs::remove_dir_all(&dir);

    let results = serde_json::json!({
        "tables": TABLES,
        "runs": RUNS,
        "schemafix_check_ms": check,
        "catalog_queries_ms": catalog,
        "migra_ms": migra_ms,
        "alembic_check_ms": alembic,
    });
    let out = workspace_root().join("target/bench-live.json");
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("{results}");
}

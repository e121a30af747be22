//! The size of a real production dump (`cargo xtask bench` runs it after the live comparison):
//! the production-shaped drift of [`schemafix_tests::stress`] at 1,400 tables, each side loaded
//! into the throwaway cluster and written out by `pg_dump`. Timed, median of several runs after
//! one warm-up: `schemafix diff` of one dump file against itself (the file self-diff), `schemafix
//! check` between the two live databases, and `migra` between the same two. Medians go to
//! `target/bench-stress.json`, which `cargo xtask bench` writes into `BENCHMARKS.md`.

use std::process::Command;
use std::time::Instant;

use schemafix_tests::{python, stress, workspace_root, Pg};

const TABLES: usize = 1_400;
const RUNS: usize = 5;
const MIGRA: &[&str] = &["migra==3.0.1663481299", "psycopg2-binary==2.9.13"];

/// Runs `f` `RUNS` times after one warm-up; the median in milliseconds.
fn time(what: &str, mut f: impl FnMut()) -> f64 {
    f();
    let mut runs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    let m = runs[runs.len() / 2];
    eprintln!("{what}: median {m:.0} ms of {runs:.0?}");
    m
}

/// Runs `cmd`, which must exit with one of `codes` and print `says`: each tool must have found
/// the drift (or, for the self-diff, nothing), not failed.
fn run(cmd: &mut Command, codes: &[i32], says: &str) {
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        codes.contains(&code) && text.contains(says),
        "{cmd:?} exited {code}, expected {codes:?} and {says:?}: {}",
        text.chars().take(2000).collect::<String>()
    );
}

fn main() {
    let pg = Pg::get().expect("a PostgreSQL cluster");
    let current = pg.create_db().unwrap();
    let desired = pg.create_db().unwrap();
    current.exec(&stress::ddl(TABLES, false)).unwrap();
    desired.exec(&stress::ddl(TABLES, true)).unwrap();
    let dir = workspace_root().join("target/bench-stress");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("current.sql");
    let dump = current.dump().unwrap();
    std::fs::write(&file, &dump).unwrap();
    let count = |what: &str| dump.matches(what).count();
    // Each partition is attached with its bound; its indexes are attached without one.
    let partitions = count(" FOR VALUES ");
    let tables = count("\nCREATE TABLE ") - partitions;
    let indexes = count("\nCREATE INDEX ") + count("\nCREATE UNIQUE INDEX ");
    let (functions, triggers) = (count("\nCREATE FUNCTION "), count("\nCREATE TRIGGER "));

    let schemafix = workspace_root().join("target/release/schemafix");
    assert!(
        schemafix.exists(),
        "build the CLI first: cargo build --release -p schemafix-cli"
    );
    let f = file.to_str().unwrap();
    let self_diff = time("schemafix diff (file against itself)", || {
        run(
            Command::new(&schemafix).args(["diff", "--exit-code", f, f]),
            &[0],
            "",
        );
    });
    let (a, b) = (current.url(), desired.url());
    let check = time("schemafix check (two live databases)", || {
        run(
            Command::new(&schemafix).args(["check", &a, &b]),
            &[1],
            "note",
        );
    });
    let migra = python::venv("bench-venv", MIGRA)
        .expect("migra from PyPI")
        .join("bin/migra");
    let migra_ms = time("migra", || {
        run(
            Command::new(&migra).args([
                "--unsafe",
                &current.sqlalchemy_url(),
                &desired.sqlalchemy_url(),
            ]),
            &[0, 2],
            "add column \"note\"",
        );
    });
    let results = serde_json::json!({
        "tables": tables,
        "partitions": partitions,
        "indexes": indexes,
        "functions": functions,
        "triggers": triggers,
        "dump_bytes": dump.len(),
        "runs": RUNS,
        "self_diff_ms": self_diff,
        "check_ms": check,
        "migra_ms": migra_ms,
    });
    let out = workspace_root().join("target/bench-stress.json");
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("{results}");
}

//! The size of a real production dump (`cargo xtask bench` runs it after the live comparison):
//! the production-shaped drift of [`schemafix_tests::stress`] at 1,400 tables, each side loaded
//! into the throwaway cluster and written out by `pg_dump`. Timed, median of several runs after
//! one warm-up: `schemafix diff` of one dump file against itself (the file self-diff), `schemafix
//! check` between the two live databases, and `migra` between the same two. Medians go to
//! `target/bench-stress.json`, which `cargo xtask bench` writes into `BENCHMARKS.md`.

use std::process::Command;

use schemafix_tests::bench::{self, run};
use schemafix_tests::{stress, workspace_root, Pg};

const TABLES: usize = 1_400;
const RUNS: usize = 5;

/// [`bench::time`], `RUNS` times.
fn time(what: &str, f: impl FnMut()) -> f64 {
    bench::time(what, RUNS, f)
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
    let migra_ms = bench::migra(&current, &desired, RUNS, "note");
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

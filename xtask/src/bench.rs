//! `cargo xtask bench`: the criterion benches (`tests/benches/pipeline.rs`: each source and
//! diff + plan + render on generated schemas of 10 to 10,000 tables), then the live comparison
//! (`tests/benches/live.rs`: `schemafix check`, migra, `alembic check` and the bare catalog
//! queries on two 1,000-table databases), the production-sized schema (`tests/benches/stress.rs`:
//! a 1,400-table dump's self-diff, `check` and migra on it), and the results tables in
//! `BENCHMARKS.md` rewritten
//! between its markers; then `size` (the page's WebAssembly by crate, `size.rs`).

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::{cargo, rewrite_between, root, run, today, version_of};

const BEGIN: &str = "<!-- bench results: written by `cargo xtask bench` -->";
const END: &str = "<!-- end of bench results -->";
const SIZES: [u64; 4] = [10, 100, 1_000, 10_000];
const GROUPS: [(&str, &str); 4] = [
    ("source_ddl", "DDL source (`pg_dump`-style DDL)"),
    ("source_psql", "psql source (`\\d+` of every table)"),
    (
        "source_sqlalchemy",
        "SQLAlchemy source (a declarative model)",
    ),
    ("diff+plan+render", "diff + plan + render (parsed inputs)"),
];

fn json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    Ok(serde_json::from_str(&text)?)
}

/// A group's median (ms) and input size (bytes, when the bench counts bytes) at `n` tables.
fn criterion(group: &str, n: u64) -> Result<(f64, Option<u64>)> {
    let dir = root()
        .join("target/criterion")
        .join(group)
        .join(n.to_string())
        .join("new");
    let est = json(&dir.join("estimates.json"))?;
    let median = est["median"]["point_estimate"]
        .as_f64()
        .context("median in estimates.json")?
        / 1e6;
    let bytes = json(&dir.join("benchmark.json"))?["throughput"]["Bytes"].as_u64();
    Ok((median, bytes))
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.0}")
    }
}

pub fn bench() -> Result<()> {
    let mut cli = cargo();
    cli.args(["build", "--release", "-p", "schemafix-cli"]);
    run(cli, "cargo build --release -p schemafix-cli")?;
    let mut c = cargo();
    c.args(["bench", "-p", "schemafix-tests", "--bench", "pipeline"]);
    run(c, "criterion benches (tests/benches/pipeline.rs)")?;
    let mut l = cargo();
    l.args(["bench", "-p", "schemafix-tests", "--bench", "live"]);
    run(l, "live comparison (tests/benches/live.rs)")?;
    let mut st = cargo();
    st.args(["bench", "-p", "schemafix-tests", "--bench", "stress"]);
    run(st, "production-sized schema (tests/benches/stress.rs)")?;

    let date = today();
    let mut t = format!(
        "{BEGIN}\nLast run: {date}, {} core(s), rustc {}, release profile; criterion medians of 10 \
         samples.\n\n| tables | {} |\n|---|{}\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        version_of("rustc", "--version")
            .trim_start_matches("rustc ")
            .split(' ')
            .next()
            .unwrap_or("?"),
        GROUPS.map(|(_, label)| label).join(" | "),
        "---|".repeat(GROUPS.len()),
    );
    for n in SIZES {
        let mut row = format!("| {n} |");
        for (group, _) in GROUPS {
            let (median, bytes) = criterion(group, n)?;
            let rate = bytes.map_or(String::new(), |b| {
                let size = if b < 1_000_000 {
                    format!("{:.0} KB", b as f64 / 1e3)
                } else {
                    format!("{:.1} MB", b as f64 / 1e6)
                };
                format!(" ({size}, {:.1} MB/s)", b as f64 / 1e6 / (median / 1e3))
            });
            row.push_str(&format!(" {} ms{rate} |", ms(median)));
        }
        t.push_str(&row);
        t.push('\n');
    }
    let live = json(&root().join("target/bench-live.json"))?;
    let get = |k: &str| live[k].as_f64().unwrap_or(f64::NAN);
    let check = get("schemafix_check_ms");
    t.push_str(&format!(
        "\nLive, two databases of {} generated tables on the throwaway PostgreSQL 15 cluster (unix \
         socket), median of {} runs after one warm-up, each tool finding the same drift:\n\n\
         | command | ms | vs `schemafix check` |\n|---|---|---|\n\
         | `schemafix check` (both databases read, diffed, planned) | {} | 1× |\n\
         | bare catalog queries on both databases (the floor) | {} | {:.2}× |\n\
         | `migra --unsafe` (PyPI migra 3.0.1663481299) | {} | {:.1}× |\n\
         | `alembic check` (the desired model against the current database; Alembic 1.20.1, SQLAlchemy 2.1.9) | {} | {:.1}× |\n",
        live["tables"].as_u64().unwrap_or(0),
        live["runs"].as_u64().unwrap_or(0),
        ms(check),
        ms(get("catalog_queries_ms")),
        get("catalog_queries_ms") / check,
        ms(get("migra_ms")),
        get("migra_ms") / check,
        ms(get("alembic_check_ms")),
        get("alembic_check_ms") / check,
    ));
    let big = json(&root().join("target/bench-stress.json"))?;
    let get = |k: &str| big[k].as_f64().unwrap_or(f64::NAN);
    let count = |k: &str| big[k].as_u64().unwrap_or(0);
    t.push_str(&format!(
        "\nA production-sized schema (`tests/benches/stress.rs`: the drift of \
         `schemafix_tests::stress` at the size of issue 30's real dump, each side loaded and written \
         by `pg_dump`: {} tables and {} partitions, {} indexes, {} functions, {} triggers, a \
         {:.1} MB dump), median of {} runs after one warm-up:\n\n\
         | command | ms | vs `schemafix check` |\n|---|---|---|\n\
         | `schemafix diff --exit-code dump dump` (the file against itself) | {} | – |\n\
         | `schemafix check` (the two live databases) | {} | 1× |\n\
         | `migra --unsafe` (the same two) | {} | {:.1}× |\n",
        count("tables"),
        count("partitions"),
        count("indexes"),
        count("functions"),
        count("triggers"),
        get("dump_bytes") / 1e6,
        count("runs"),
        ms(get("self_diff_ms")),
        ms(get("check_ms")),
        ms(get("migra_ms")),
        get("migra_ms") / get("check_ms"),
    ));
    t.push_str(END);

    rewrite_between(&root().join("BENCHMARKS.md"), BEGIN, END, &t)?;
    eprintln!("xtask: BENCHMARKS.md updated");
    crate::size::size()
}

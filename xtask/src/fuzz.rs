//! `cargo xtask fuzz [SECONDS] [TARGET…]`: builds the cargo-fuzz targets in `fuzz/` (installing
//! cargo-fuzz when missing; libFuzzer's instrumentation flags are unstable, so the build sets
//! `RUSTC_BOOTSTRAP=1` on the stable toolchain, with no sanitizer), seeds each target's corpus
//! from the repository's fixtures and `../shared/conformance/` (into `target/fuzz-corpus/`,
//! nothing copied into the repository), runs the targets as many at a time as there are cores,
//! copies every crash, timeout and out-of-memory input into `tests/fuzz/<target>/` (where
//! `tests/it/fuzz.rs` replays them), and rewrites the results table in `RELIABILITY.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{cargo, rewrite_between, root, run, today, version_of};

/// `cargo fuzz --version`, or nothing when cargo-fuzz is missing.
fn cargo_fuzz_version() -> String {
    cargo()
        .args(["fuzz", "--version"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Every target, in the order of the table.
pub const TARGETS: &[&str] = &["detect", "ddl", "psql", "sqlalchemy", "pipeline"];

/// What one run of one target gave.
struct Outcome {
    target: String,
    seconds: u64,
    executions: u64,
    per_second: u64,
    coverage: String,
    peak_rss_mb: u64,
    corpus: usize,
    findings: Vec<String>,
}

fn files_under(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ext.contains(&e))
        {
            out.push(p);
        }
    }
}

/// Writes the seed inputs of `target` into `dir` (at most `limit` files per kind).
fn seed(target: &str, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let repo = root();
    let shared = repo.join("../shared");
    let mut sql = Vec::new();
    let mut psql = Vec::new();
    let mut py = Vec::new();
    files_under(&repo.join("tests/fixtures"), &["sql"], &mut sql);
    files_under(&shared.join("conformance"), &["sql"], &mut sql);
    files_under(&repo.join("tests/fixtures/psql"), &["txt"], &mut psql);
    files_under(&shared.join("conformance/psql"), &["txt"], &mut psql);
    files_under(&repo.join("examples/seed"), &["txt"], &mut psql);
    files_under(&repo.join("tests/fixtures/sqlalchemy"), &["py"], &mut py);
    files_under(&repo.join("examples/seed"), &["py"], &mut py);
    // Every 4th psql capture: 1,400 near-copies would only slow the first pass.
    let psql: Vec<PathBuf> = psql.into_iter().step_by(4).collect();
    let small = |p: &PathBuf| std::fs::metadata(p).is_ok_and(|m| m.len() <= 64 << 10);
    let chosen: Vec<&PathBuf> = match target {
        "ddl" => sql.iter().filter(|p| small(p)).collect(),
        "psql" => psql.iter().collect(),
        "sqlalchemy" => py.iter().collect(),
        _ => sql
            .iter()
            .filter(|p| small(p))
            .step_by(3)
            .chain(psql.iter().step_by(3))
            .chain(py.iter())
            .collect(),
    };
    for (i, p) in chosen.iter().enumerate() {
        std::fs::copy(p, dir.join(format!("seed-{i:04}")))?;
    }
    if target == "pipeline" {
        // Pairs: each text against the next, and the seed case itself.
        for (i, w) in chosen.windows(2).enumerate().step_by(2) {
            let mut pair = std::fs::read(w[0])?;
            pair.push(0);
            pair.extend(std::fs::read(w[1])?);
            std::fs::write(dir.join(format!("pair-{i:04}")), pair)?;
        }
    }
    Ok(())
}

fn stat(log: &str, key: &str) -> u64 {
    log.lines()
        .rev()
        .find_map(|l| l.strip_prefix(&format!("stat::{key}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn fuzz_command(args: &[&str]) -> Command {
    let mut c = cargo();
    c.arg("fuzz")
        .args(args)
        .current_dir(root())
        .env("RUSTC_BOOTSTRAP", "1");
    c
}

/// Runs `target` for `seconds`; its outcome, from libFuzzer's final statistics.
fn run_target(target: &str, seconds: u64) -> Result<std::process::Child> {
    let corpus = root().join("target/fuzz-corpus").join(target);
    let log = root().join(format!("target/fuzz-logs/{target}.log"));
    std::fs::create_dir_all(log.parent().unwrap())?;
    let artifacts = root().join("fuzz/artifacts").join(target);
    std::fs::create_dir_all(&artifacts)?;
    let child = fuzz_command(&["run", "-s", "none", "-O", target])
        .arg(&corpus)
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-max_len=65536",
            "-timeout=20",
            "-rss_limit_mb=4096",
            "-print_final_stats=1",
        ])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log)?)
        .spawn()
        .with_context(|| format!("cargo fuzz run {target}"))?;
    Ok(child)
}

fn outcome(target: &str, seconds: u64) -> Result<Outcome> {
    let log = std::fs::read_to_string(root().join(format!("target/fuzz-logs/{target}.log")))
        .unwrap_or_default();
    let coverage = log
        .lines()
        .rev()
        .find(|l| l.contains(" cov: "))
        .and_then(|l| l.split(" cov: ").nth(1))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("?")
        .to_string();
    let corpus = std::fs::read_dir(root().join("target/fuzz-corpus").join(target))
        .map(|d| d.count())
        .unwrap_or(0);
    let mut findings = Vec::new();
    let artifacts = root().join("fuzz/artifacts").join(target);
    let keep = root().join("tests/fuzz").join(target);
    if let Ok(dir) = std::fs::read_dir(&artifacts) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            std::fs::create_dir_all(&keep)?;
            std::fs::copy(e.path(), keep.join(&name))?;
            findings.push(name);
        }
    }
    findings.sort();
    Ok(Outcome {
        target: target.to_string(),
        seconds,
        executions: stat(&log, "number_of_executed_units"),
        per_second: stat(&log, "average_exec_per_sec"),
        coverage,
        peak_rss_mb: stat(&log, "peak_rss_mb"),
        corpus,
        findings,
    })
}

const BEGIN: &str = "<!-- fuzz results: written by `cargo xtask fuzz` -->";
const END: &str = "<!-- end of fuzz results -->";

fn write_report(outcomes: &[Outcome], parallel: usize) -> Result<()> {
    let date = today();
    let mut t = format!(
        "{BEGIN}\nLast run: {date}, {} core(s), {parallel} target(s) at a time, rustc {}, cargo-fuzz {}, \
         libFuzzer without sanitizer, `-max_len=65536 -timeout=20 -rss_limit_mb=4096`.\n\n\
         | target | seconds | executions | exec/s | coverage (edges) | corpus | peak RSS (MB) | crashes, timeouts, OOMs |\n\
         |---|---|---|---|---|---|---|---|\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        version_of("rustc", "--version").trim_start_matches("rustc ").split(' ').next().unwrap_or("?"),
        cargo_fuzz_version().trim_start_matches("cargo-fuzz ").trim(),
    );
    for o in outcomes {
        t.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            o.target,
            o.seconds,
            o.executions,
            o.per_second,
            o.coverage,
            o.corpus,
            o.peak_rss_mb,
            if o.findings.is_empty() {
                "none".to_string()
            } else {
                o.findings
                    .iter()
                    .map(|f| format!("`tests/fuzz/{}/{f}`", o.target))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    t.push_str(END);
    rewrite_between(&root().join("RELIABILITY.md"), BEGIN, END, &t)
}

/// `cargo xtask fuzz [SECONDS] [-jN] [TARGET…]` (default: 1,800 seconds, every target, as many
/// at a time as there are cores).
pub fn fuzz(args: &[String]) -> Result<()> {
    let seconds: u64 = match args.first() {
        Some(s) if s.parse::<u64>().is_ok() => s.parse()?,
        _ => 1800,
    };
    let jobs: Option<usize> = args
        .iter()
        .find_map(|a| a.strip_prefix("-j"))
        .map(|n| n.parse().context("-jN: a number of targets at a time"))
        .transpose()?;
    let targets: Vec<&str> = {
        let named: Vec<&str> = args
            .iter()
            .filter(|a| a.parse::<u64>().is_err() && !a.starts_with("-j"))
            .map(String::as_str)
            .collect();
        if named.is_empty() {
            TARGETS.to_vec()
        } else {
            for n in &named {
                if !TARGETS.contains(n) {
                    bail!("unknown fuzz target {n:?} ({})", TARGETS.join(", "));
                }
            }
            named
        }
    };
    if !cargo_fuzz_version().contains("cargo-fuzz") {
        let mut c = cargo();
        c.args(["install", "cargo-fuzz", "--locked"]);
        run(c, "cargo install cargo-fuzz")?;
    }
    run(
        fuzz_command(&["build", "-s", "none", "-O"]),
        "cargo fuzz build",
    )?;
    for t in &targets {
        let dir = root().join("target/fuzz-corpus").join(t);
        if !dir.exists() {
            seed(t, &dir)?;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parallel = jobs.unwrap_or(cores).max(1);
    let mut outcomes = Vec::new();
    for batch in targets.chunks(parallel) {
        let mut children = Vec::new();
        for t in batch {
            eprintln!("xtask: fuzzing {t} for {seconds} s");
            children.push((*t, run_target(t, seconds)?));
        }
        for (t, mut c) in children {
            // libFuzzer exits non-zero when it finds something; the artifacts say what.
            let _ = c.wait();
            outcomes.push(outcome(t, seconds)?);
        }
    }
    write_report(&outcomes, parallel)?;
    let found: usize = outcomes.iter().map(|o| o.findings.len()).sum();
    for o in &outcomes {
        eprintln!(
            "xtask: {}: {} executions, {} findings",
            o.target,
            o.executions,
            o.findings.len()
        );
    }
    if found > 0 {
        bail!("{found} finding(s), copied to tests/fuzz/ (see RELIABILITY.md)");
    }
    Ok(())
}

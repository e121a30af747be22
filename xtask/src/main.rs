//! `cargo xtask <task>`: the project's workflows, in Rust.
//!
//! - `test`: format check, clippy with `-D warnings`, then every test (unit, doc, end to end on a
//!   throwaway PostgreSQL, the convergence harness). This is the README's test command and what
//!   `.ci/run` calls.
//! - `bless`: re-run the convergence harness and rewrite `tests/conformance/{ratchet.tsv,results.md}`.

use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(mut cmd: Command, what: &str) -> Result<()> {
    eprintln!("xtask: {what}");
    let status = cmd.status().with_context(|| what.to_string())?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Installs what the tests need when missing (a fresh machine of this kind has PostgreSQL's
/// server binaries; rustfmt and clippy come with the toolchain's components).
fn ensure_tools() -> Result<()> {
    for component in ["rustfmt", "clippy"] {
        let have = Command::new("rustup")
            .args(["component", "list", "--installed"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains(component))
            .unwrap_or(true);
        if !have {
            run(
                {
                    let mut c = Command::new("rustup");
                    c.args(["component", "add", component]);
                    c
                },
                &format!("rustup component add {component}"),
            )?;
        }
    }
    let has_pg = std::fs::read_dir("/usr/lib/postgresql")
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if !has_pg && std::env::var_os("DATABASE_URL").is_none() {
        bail!("PostgreSQL server binaries are missing: apt-get install postgresql (or set DATABASE_URL)");
    }
    Ok(())
}

fn test() -> Result<()> {
    ensure_tools()?;
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run(fmt, "cargo fmt --all --check")?;
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run(
        clippy,
        "cargo clippy --workspace --all-targets -- -D warnings",
    )?;
    let mut t = cargo();
    t.args(["test", "--workspace"]);
    run(t, "cargo test --workspace")
}

fn bless() -> Result<()> {
    let mut t = cargo();
    t.args([
        "test",
        "-p",
        "schemafix-tests",
        "--test",
        "it",
        "conformance",
    ])
    .env("SCHEMAFIX_BLESS", "1");
    run(t, "conformance harness (bless)")
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "test" => test(),
        "bless" => bless(),
        _ => {
            eprintln!("usage: cargo xtask <test|bless>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

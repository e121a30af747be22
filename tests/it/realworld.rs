//! The real projects' schema files in `../shared/realworld/pgdump/` beyond what the conformance
//! harness runs (it runs every pair that loads on PostgreSQL 15 as its `realworld` corpus): the
//! pairs that need a newer server, whose plans, old to new and new to old, apply on PostgreSQL 18
//! in one transaction (and online, as a script), give the other file's catalog and plan nothing
//! more; and the CLI's `check` of a file alone against its own live database.

use anyhow::{bail, Context, Result};
use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::corpus::NEWER_SERVER;
use schemafix_tests::{same_catalog, shared_dir, Db, Pg};

fn load(pg: &'static Pg, name: &str, file: &str) -> Result<Db> {
    let dir = shared_dir().join("realworld/pgdump").join(name);
    let db = pg.create_db()?;
    if let Ok(prereq) = std::fs::read_to_string(dir.join("prereq.sql")) {
        db.exec(&prereq).context("prereq.sql")?;
    }
    let text = std::fs::read_to_string(dir.join(file))?;
    db.exec(&text)
        .with_context(|| format!("loading {name}/{file}"))?;
    Ok(db)
}

fn text(name: &str, file: &str) -> String {
    std::fs::read_to_string(shared_dir().join("realworld/pgdump").join(name).join(file))
        .unwrap_or_default()
}

fn direction(pg: &'static Pg, name: &str, from: &str, to: &str, online: bool) -> Result<usize> {
    let options = PlanOptions {
        allow_destructive: true,
        online,
        ..Default::default()
    };
    let m = migrate(
        &text(name, from),
        Some(Format::Sql),
        &text(name, to),
        Some(Format::Sql),
        &options,
    );
    if let Some(e) = m
        .from_diagnostics
        .iter()
        .chain(&m.to_diagnostics)
        .find(|d| d.severity == schemafix_core::Severity::Error)
    {
        bail!("{}:{}: {}", e.span.line, e.span.column, e.message);
    }
    // pg_dump 15 cannot dump a newer server: the catalogs are compared through the server's
    // own functions, and the result checked against the file through the live catalog.
    let want = load(pg, name, to)?.catalog()?;
    let db = load(pg, name, from)?;
    if online {
        // An online plan is a script of phases, each committing on its own.
        db.exec(&m.sql).context("applying the online plan")?;
    } else {
        db.exec_tx(&m.sql).context("applying the plan")?;
    }
    same_catalog(&db.catalog()?, &want)?;
    let file = shared_dir().join("realworld/pgdump").join(name).join(to);
    let out = crate::run_schemafix(&["check", &db.url(), &file.to_string_lossy()]);
    if !out.status.success() {
        bail!(
            "check against the live database: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    Ok(m.plan.steps.len())
}

/// Both directions, plain (one transaction) and online (the script of phases).
fn both_ways(pg: &'static Pg, name: &str) -> Result<(usize, usize)> {
    let up = direction(pg, name, "old.sql", "new.sql", false).context("old to new")?;
    let down = direction(pg, name, "new.sql", "old.sql", false).context("new to old")?;
    direction(pg, name, "old.sql", "new.sql", true).context("old to new, online")?;
    direction(pg, name, "new.sql", "old.sql", true).context("new to old, online")?;
    Ok((up, down))
}

#[test]
fn real_dump_pairs_on_a_newer_server_apply_both_ways() {
    let newer = Pg::newer().expect("PostgreSQL 18");
    let mut failed = Vec::new();
    for (name, why) in NEWER_SERVER {
        match both_ways(newer, name) {
            Ok((up, down)) => {
                assert!(up > 0 && down > 0, "{name}: the pair plans something");
                println!("{name} ({why}): {up} steps old to new, {down} new to old, both applied on PostgreSQL 18");
            }
            Err(e) => failed.push(format!("{name} (PostgreSQL 18): {e:#}")),
        }
    }
    assert!(!NEWER_SERVER.is_empty(), "a pair runs on the newer server");
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A real dump against the live database it makes: nothing to change (the partman-style
/// journal sequences shared by a parent and its children, 333 tables, 101 routines).
#[test]
fn a_real_dump_plans_nothing_against_its_own_database() {
    let pg = Pg::get().expect("PostgreSQL");
    let name = "flowcommerce-registry";
    let db = load(pg, name, "new.sql").unwrap();
    let file = shared_dir()
        .join("realworld/pgdump")
        .join(name)
        .join("new.sql");
    crate::assert_succeeds(&["check", &db.url(), file.to_str().unwrap()]);
}

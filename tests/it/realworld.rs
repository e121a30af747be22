//! The real projects' schema files in `../shared/realworld/pgdump/` (Rails and Ecto
//! `structure.sql`, graphile-migrate and plain `pg_dump` output): each drift pair's plan, old to
//! new and new to old, applies on PostgreSQL in one transaction (and its online plan as a
//! script), gives the other file's catalog and plans nothing more; a file alone plans nothing
//! against its own live database. Pairs
//! schemafix cannot do yet are listed with the reason they fail, and must still fail that way
//! (a fix moves them to the passing list).

use anyhow::{bail, Context, Result};
use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::{dump_difference, normalize_dump, shared_dir, Db, Pg};

/// Pairs that apply both ways.
const PAIRS: &[&str] = &[
    "danbooru",
    "graphile-starter",
    "lago",
    "openstreetmap",
    "pagila",
    "postgrest-fixtures",
];

/// Pairs that do not yet, and the text their failure holds (none today; a regression is not
/// listed here but fixed).
const KNOWN: &[(&str, &str)] = &[];

/// Pairs whose files need a newer server than Debian's PostgreSQL 15, with why: they run on
/// PostgreSQL 18 ([`Pg::newer`]), compared through [`Db::catalog`] (the installed pg_dump
/// cannot dump a newer server) and checked again through the live catalog.
const NEWER: &[(&str, &str)] = &[(
    "philomena",
    "PostgreSQL 17 or later (SET transaction_timeout)",
)];

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
    let (from_text, to_text) = (text(name, from), text(name, to));
    let m = migrate(
        &from_text,
        Some(Format::Sql),
        &to_text,
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
    let newer = NEWER.iter().any(|(n, _)| *n == name);
    let look = |db: &Db| -> Result<Vec<String>> {
        if newer {
            db.catalog()
        } else {
            Ok(normalize_dump(&db.dump()?))
        }
    };
    let mut want = look(&load(pg, name, to)?)?;
    let db = load(pg, name, from)?;
    if online {
        // An online plan is a script of phases, each committing on its own.
        db.exec(&m.sql).context("applying the online plan")?;
    } else {
        db.exec_tx(&m.sql).context("applying the plan")?;
    }
    let got = look(&db)?;
    // A constraint the wanted file has `NOT VALID` and the database has validated is as wanted:
    // validated holds more, and no plan takes a validation back.
    for w in &mut want {
        let validated = match (
            w.strip_suffix(" NOT VALID;\n"),
            w.strip_suffix(" NOT VALID"),
        ) {
            (Some(s), _) => format!("{s};\n"),
            (None, Some(s)) => s.to_string(),
            (None, None) => continue,
        };
        if got.contains(&validated) {
            *w = validated;
        }
    }
    want.sort();
    if got != want {
        bail!("catalogs differ: {}", dump_difference(&got, &want));
    }
    if newer {
        let file = shared_dir().join("realworld/pgdump").join(name).join(to);
        let out = crate::run_schemafix(&["check", &db.url(), &file.to_string_lossy()]);
        if !out.status.success() {
            bail!(
                "check against the live database: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    } else {
        crate::plans_nothing_more(&db.dump()?, &to_text, &options)?;
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
fn real_dump_pairs_apply_both_ways_in_one_transaction() {
    let pg = Pg::get().expect("PostgreSQL");
    let mut failed = Vec::new();
    for name in PAIRS {
        match both_ways(pg, name) {
            Ok((up, down)) => {
                assert!(up > 0 && down > 0, "{name}: the pair plans something");
                println!("{name}: {up} steps old to new, {down} new to old, both applied");
            }
            Err(e) => failed.push(format!("{name}: {e:#}")),
        }
    }
    for (name, why) in KNOWN {
        match both_ways(pg, name) {
            Ok(_) => failed.push(format!("{name} applies now: move it to PAIRS")),
            Err(e) if format!("{e:#}").contains(why) => println!("{name}: still fails ({why})"),
            Err(e) => failed.push(format!("{name} fails otherwise than known: {e:#}")),
        }
    }
    let newer = Pg::newer().expect("PostgreSQL 18");
    for (name, why) in NEWER {
        match both_ways(newer, name) {
            Ok((up, down)) => {
                assert!(up > 0 && down > 0, "{name}: the pair plans something");
                println!("{name} ({why}): {up} steps old to new, {down} new to old, both applied on PostgreSQL 18");
            }
            Err(e) => failed.push(format!("{name} (PostgreSQL 18): {e:#}")),
        }
    }
    // Every pair is in one list.
    let mut listed: Vec<&str> = PAIRS
        .iter()
        .copied()
        .chain(KNOWN.iter().map(|(n, _)| *n))
        .chain(NEWER.iter().map(|(n, _)| *n))
        .collect();
    listed.sort_unstable();
    let mut pairs: Vec<String> = std::fs::read_dir(shared_dir().join("realworld/pgdump"))
        .expect("the corpus")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("old.sql").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    pairs.sort();
    assert_eq!(listed, pairs, "every drift pair is listed");
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

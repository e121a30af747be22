//! Scenarios with rows (`tests/fixtures/rows/*.py`): a SQLAlchemy model, the current DDL with
//! seed rows, and what must hold of the rows after. Each is applied to a real PostgreSQL three
//! ways — `schemafix apply`, `schemafix apply --online`, and the Alembic revision `schemafix
//! diff --format alembic` writes, run by real Alembic — and each way must apply, leave a catalog
//! equal to the one SQLAlchemy's `create_all` makes from the model (compared by `schemafix
//! check` between the two live databases), and leave the rows as the scenario says.
//!
//! A scenario file is the model, headed by comments:
//!
//! ```text
//! # what: a smallint flag becomes boolean
//! # current:
//! #   CREATE TABLE t (id integer PRIMARY KEY, weekly smallint NOT NULL DEFAULT 0);
//! #   INSERT INTO t VALUES (1, 0), (2, 1);
//! # expect: SELECT id, weekly FROM t ORDER BY id
//! #   1|f
//! #   2|t
//! ```
//!
//! and optionally `# args: --rename mood.meh=neutral` (more arguments for every way).

use std::path::{Path, PathBuf};

use schemafix_tests::python::{create_all, AlembicProject};
use schemafix_tests::{workspace_root, Db, Pg};

use crate::run_schemafix;

struct Scenario {
    path: PathBuf,
    current: String,
    /// More arguments for `apply` and `diff`.
    args: Vec<String>,
    /// (query, its rows as psql prints them unaligned)
    expects: Vec<(String, String)>,
}

fn read(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    let mut current = String::new();
    let mut args = Vec::new();
    let mut expects: Vec<(String, String)> = Vec::new();
    let mut in_current = false;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if line == "# current:" {
            in_current = true;
        } else if let Some(more) = line.strip_prefix("# args: ") {
            args.extend(more.split_whitespace().map(String::from));
        } else if let Some(q) = line.strip_prefix("# expect: ") {
            in_current = false;
            expects.push((q.to_string(), String::new()));
        } else if let Some(body) = line.strip_prefix("#   ") {
            if in_current {
                current.push_str(body);
                current.push('\n');
            } else if let Some((_, rows)) = expects.last_mut() {
                if !rows.is_empty() {
                    rows.push('\n');
                }
                rows.push_str(body);
            }
        }
    }
    assert!(
        !current.is_empty() && !expects.is_empty(),
        "{}: a scenario needs `# current:` and `# expect:`",
        path.display()
    );
    Scenario {
        path: path.to_path_buf(),
        current,
        args,
        expects,
    }
}

fn scenarios() -> Vec<Scenario> {
    let dir = workspace_root().join("tests/fixtures/rows");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p)).collect()
}

/// Runs schemafix: its standard output, or `Err` with all it said unless it exits 0.
fn schemafix(args: &[&str]) -> Result<String, String> {
    let out = run_schemafix(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.code() == Some(0) {
        Ok(stdout)
    } else {
        Err(format!(
            "schemafix {}: {stdout}{}",
            args[0],
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The scenario's expectations on `db`.
fn rows_hold(s: &Scenario, db: &Db) -> Result<(), String> {
    for (query, want) in &s.expects {
        let got = db.query(query).map_err(|e| format!("{query}: {e}"))?;
        if got.trim() != want.trim() {
            return Err(format!("{query}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    Ok(())
}

/// One way of bringing the current database to the model, then the checks.
fn one_way(s: &Scenario, reference: &Db, way: &str) -> Result<(), String> {
    let pg = Pg::get().map_err(|e| e.to_string())?;
    let db = pg.create_db().map_err(|e| e.to_string())?;
    db.exec(&s.current).map_err(|e| format!("current: {e}"))?;
    let model = s.path.display().to_string();
    let url = db.url();
    let mut revision = String::new();
    let with = |mut args: Vec<&'static str>| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        let first = args.remove(0);
        v.push(first.to_string());
        if first == "apply" {
            v.extend([
                "--db".to_string(),
                url.clone(),
                model.clone(),
                "--yes".to_string(),
            ]);
        } else {
            v.extend([url.clone(), model.clone()]);
        }
        v.extend(args.into_iter().map(String::from));
        v.extend(s.args.iter().cloned());
        v
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        schemafix(&args)
    };
    match way {
        "apply" => run(with(vec!["apply"])).map(drop)?,
        "online" => run(with(vec!["apply", "--online"])).map(drop)?,
        _ => {
            revision = run(with(vec![
                "diff",
                "--format",
                "alembic",
                "--revision",
                "0123456789ab",
            ]))?;
            let name = s.path.file_stem().unwrap().to_string_lossy().to_string();
            let project =
                AlembicProject::new(&format!("rows-{name}"), &revision, &db.sqlalchemy_url())
                    .map_err(|e| format!("{e:#}"))?;
            project
                .run(&["upgrade", "head"])
                .map_err(|e| format!("{e:#}\n{revision}"))?;
        }
    }
    schemafix(&["check", &url, &reference.url()])
        .map_err(|e| format!("not the catalog create_all makes: {e}\n{revision}"))?;
    rows_hold(s, &db).map_err(|e| format!("{e}\n{revision}"))
}

#[test]
fn every_rows_scenario_applies_three_ways_and_keeps_its_rows() {
    let pg = Pg::get().expect("PostgreSQL");
    let all = scenarios();
    assert!(all.len() >= 40, "{} scenarios", all.len());
    let mut failures = Vec::new();
    for s in &all {
        let name = s.path.file_name().unwrap().to_string_lossy().to_string();
        let reference = pg.create_db().unwrap();
        if let Err(e) = create_all(&s.path, &reference.sqlalchemy_url()) {
            failures.push(format!("{name}: {e:#}"));
            continue;
        }
        for way in ["apply", "online", "alembic"] {
            if let Err(e) = one_way(s, &reference, way) {
                failures.push(format!("{name} ({way}): {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenario runs failed:\n{}",
        failures.len(),
        all.len() * 3,
        failures.join("\n\n")
    );
}

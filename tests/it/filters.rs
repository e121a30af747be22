//! Scope filters through the CLI: `--schema`, `--exclude-schema`, `--table`,
//! `--exclude-table` and `schemafix.toml` leave objects out of the comparison on both sides —
//! never created, changed or dropped — and every verdict names what they left out; on a live
//! database, `apply` leaves a filtered table alone and says so when it verifies.

use std::process::Command;

use schemafix_tests::Pg;

use crate::{run_schemafix as run, schemafix_bin, Scratch};

const CURRENT: &str = "\
CREATE SCHEMA app;
CREATE SCHEMA audit;
CREATE TABLE app.users (id int PRIMARY KEY, name text);
CREATE TABLE app.users_old (id int);
CREATE TABLE audit.log (id int, at timestamptz);
CREATE FUNCTION app.answer() RETURNS int LANGUAGE sql AS 'SELECT 42';
";

const DESIRED: &str = "\
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, name text, email text);
";

/// The statements of a plan (its SQL without comments).
fn statements(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn filters_leave_objects_out_of_both_sides_and_say_so() {
    let dir = Scratch::new("filters");
    let from = dir.file("current.sql", CURRENT);
    let to = dir.file("desired.sql", DESIRED);
    // Unfiltered, everything the desired side lacks goes.
    let all = run(&["diff", &from, &to, "--allow-destructive"]);
    assert_eq!(statements(&all).len(), 5, "{:?}", statements(&all));
    // audit and the old table left out: neither dropped; the function still is.
    let out = run(&[
        "diff",
        &from,
        &to,
        "--allow-destructive",
        "--exclude-schema=audit",
        "--exclude-table=app.*_old",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        statements(&out),
        [
            "ALTER TABLE app.users ADD COLUMN email text;",
            "DROP FUNCTION app.answer();"
        ]
    );
    assert!(
        stderr.contains(
            "warning: not compared: 2 tables (left out by the filter: app.users_old, audit.log)"
        ),
        "{stderr}"
    );
    // `--table` compares those relations and nothing else, as pg_dump --table.
    let out = run(&[
        "diff",
        &from,
        &to,
        "--allow-destructive",
        "--table",
        "APP.USER?",
    ]);
    assert_eq!(
        statements(&out),
        ["ALTER TABLE app.users ADD COLUMN email text;"]
    );
    // A pattern that cannot be read is an error, nothing planned.
    let out = run(&["diff", &from, &to, "--table", "\"app"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(statements(&out).is_empty());

    // The same from schemafix.toml in the current directory; check's verdict names it.
    std::fs::write(
        dir.path().join("schemafix.toml"),
        "[filter]\nexclude_schemas = [\"audit\"]\nexclude_tables = [\"*_old\"]\n",
    )
    .unwrap();
    let same = dir.file(
        "same.sql",
        CURRENT.replace(
            "audit.log (id int, at timestamptz)",
            "audit.log (id bigint)",
        ),
    );
    let out = Command::new(schemafix_bin())
        .args(["check", &from, &same])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "no drift (not compared: 1 schema, 2 tables in the current schema; 1 schema, 2 tables in the desired one)"
    );
    std::fs::write(
        dir.path().join("schemafix.toml"),
        "[filter]\nexclude = [\"x\"]\n",
    )
    .unwrap();
    let out = Command::new(schemafix_bin())
        .args(["check", &from, &same])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `exclude`"));
}

#[test]
fn apply_leaves_a_filtered_table_alone() {
    let dir = Scratch::new("filters-apply");
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    db.exec(CURRENT).unwrap();
    let to = dir.file("desired.sql", DESIRED);
    let url = db.url();
    let out = run(&[
        "apply",
        &to,
        "--db",
        &url,
        "--yes",
        "--allow-destructive",
        "--schema=app",
        "--exclude-table=users_old",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("verified:")
            && stderr.contains("not compared: 1 schema, 2 tables in the current schema"),
        "{stderr}"
    );
    let left = db
        .query("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' AND relnamespace::regnamespace::text IN ('app', 'audit')")
        .unwrap();
    assert_eq!(left.trim(), "log,users,users_old");
    let f = db
        .query("SELECT count(*) FROM pg_proc WHERE proname = 'answer'")
        .unwrap();
    assert_eq!(
        f.trim(),
        "0",
        "the function in app is compared, and dropped"
    );
}

//! Composite and range types on a live PostgreSQL, through the CLI: read alike from the DDL that
//! made them (built up by `ALTER TYPE`), from the catalog and from `pg_dump`; a change applied
//! and verified; a range type a column keeps from changing named in the verdict.

use schemafix_tests::Pg;

use crate::{plans_nothing, run_schemafix as run, Scratch};

const DDL: &str = "\
CREATE SCHEMA geo;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TYPE geo.point3 AS (x double precision, y double precision, gone integer);
ALTER TYPE geo.point3 ADD ATTRIBUTE z double precision, DROP ATTRIBUTE gone;
ALTER TYPE geo.point3 RENAME ATTRIBUTE x TO \"X\";
COMMENT ON TYPE geo.point3 IS 'a point';
COMMENT ON COLUMN geo.point3.z IS 'height';
CREATE TYPE label AS (name text COLLATE \"C\", moods mood[], at geo.point3);
CREATE TYPE public.line AS (a point, b point);
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TYPE shift AS RANGE (subtype = time, multirange_type_name = shifts);
COMMENT ON TYPE shift IS 'opening hours';
CREATE TABLE places (id int PRIMARY KEY, l label, ls label[], hours shift, week shifts, t floatrange);
";

#[test]
fn composite_and_range_types_read_alike_and_change() {
    let dir = Scratch::new("types");
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    db.exec(DDL).unwrap();
    let file = dir.file("types.sql", DDL);
    let url = db.url();
    plans_nothing(&file, &url);
    plans_nothing(&url, &file);
    let dump = dir.file("types-dump.sql", db.dump().unwrap());
    plans_nothing(&dump, &file);
    plans_nothing(&file, &dump);
    // No function of a range type's own is taken for the user's.
    let out = run(&["inspect", &url]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !json.contains("\"functions\""),
        "{json}"
    );

    // A change of each kind is planned, applied and verified.
    let changed =
        DDL.replace(
            "ALTER TYPE geo.point3 ADD ATTRIBUTE z double precision, DROP ATTRIBUTE gone;\n",
            "",
        )
        .replace("COMMENT ON COLUMN geo.point3.z IS 'height';\n", "")
        .replace("at geo.point3)", "at geo.point3, note text)")
        .replace("CREATE TYPE public.line AS (a point, b point);\n", "")
        .replace(
            "subtype = time, multirange",
            "subtype = time without time zone, multirange",
        ) + "CREATE TYPE daterange2 AS RANGE (subtype = date);\n";
    let changed = dir.file("types-changed.sql", &changed);
    let out = run(&[
        "apply",
        &changed,
        "--db",
        &url,
        "--yes",
        "--allow-destructive",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    for want in [
        // Columns store geo.point3 (through label): z's values go with it (allowed here).
        "ALTER TYPE geo.point3 DROP ATTRIBUTE z, ADD ATTRIBUTE gone integer;",
        "ALTER TYPE label ADD ATTRIBUTE note text;",
        "DROP TYPE public.line;",
        "CREATE TYPE daterange2 AS RANGE (subtype = date);",
    ] {
        assert!(stdout.contains(want), "{want} in {stdout}");
    }
    assert!(stderr.contains("verified"), "{stderr}");
    assert!(!stderr.contains("not compared"), "{stderr}");
    plans_nothing(&url, &changed);

    // A range type a column that stays stores cannot be made again: named, never dropped.
    let redefined = std::fs::read_to_string(&changed).unwrap().replace(
        "CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);",
        "CREATE TYPE floatrange AS RANGE (subtype = float8);",
    );
    let redefined = dir.file("types-redefined.sql", &redefined);
    let out = run(&["check", &url, &redefined]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("no drift (not compared: 1 range type in the desired one)"),
        "{stdout}{stderr}"
    );
    assert!(
        stderr.contains("floatrange") && stderr.contains("places.t"),
        "{stderr}"
    );
}

/// Statistics objects read alike from the DDL, the catalog and `pg_dump`.
#[test]
fn statistics_objects_read_alike() {
    const STATS: &str = "\
CREATE SCHEMA stats;
CREATE TABLE st (a int, b int, c text);
CREATE STATISTICS s1 (dependencies) ON a, b FROM st;
COMMENT ON STATISTICS s1 IS 'hi';
CREATE STATISTICS stats.s2 ON a, b, c FROM st;
ALTER STATISTICS stats.s2 SET STATISTICS 50;
CREATE STATISTICS s3 ON (a + b), (lower(c)) FROM st;
CREATE STATISTICS s4 ON (lower(c)) FROM st;
";
    let dir = Scratch::new("statistics");
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    db.exec(STATS).unwrap();
    let file = dir.file("stats.sql", STATS);
    let url = db.url();
    plans_nothing(&file, &url);
    plans_nothing(&url, &file);
    let dump = dir.file("stats-dump.sql", db.dump().unwrap());
    plans_nothing(&dump, &file);
    // A change is planned, applied and verified.
    let changed = dir.file(
        "stats-changed.sql",
        STATS
            .replace("(dependencies)", "(ndistinct)")
            .replace("SET STATISTICS 50", "SET STATISTICS 75"),
    );
    let out = run(&["apply", &changed, "--db", &url, "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("CREATE STATISTICS s1 (ndistinct) ON a, b FROM st;"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ALTER STATISTICS stats.s2 SET STATISTICS 75;"),
        "{stdout}"
    );
    assert!(stderr.contains("verified"), "{stderr}");
    plans_nothing(&url, &changed);
}

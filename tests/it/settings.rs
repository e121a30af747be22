//! Table and column settings on a live PostgreSQL, through the CLI: storage parameters, replica
//! identity, statistics targets, storage, compression and column options read alike from the
//! DDL that made them (statements in an order whose effects depend on it: a child taking its
//! parent's storage when created, `SET STATISTICS` reaching the partitions that exist, `SET
//! COMPRESSION` reaching none), from the catalog, from `pg_dump` and from `\d+`; a model, which
//! cannot declare them, leaves them alone; an injection through a parameter's value stays a
//! value. Comments on schemas, sequences, collations and policies read alike from the DDL, the
//! catalog and `pg_dump`.

use schemafix_tests::{Db, Pg};

use crate::{plans_nothing, run_schemafix as run, Scratch};

/// Each statement's effect depends on what exists when it runs.
const DDL: &str = "\
CREATE TABLE p (id int, body text, n numeric, j jsonb) WITH (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = off);
ALTER TABLE p ALTER COLUMN body SET STATISTICS 500;
ALTER TABLE p ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE p ALTER COLUMN j SET COMPRESSION lz4;
ALTER TABLE p ALTER COLUMN n SET (n_distinct = 100);
CREATE TABLE c () INHERITS (p);
CREATE TABLE q (id int PRIMARY KEY, body text, j jsonb) PARTITION BY RANGE (id);
CREATE TABLE q1 PARTITION OF q FOR VALUES FROM (0) TO (10);
ALTER TABLE q ALTER COLUMN body SET STATISTICS 300, ALTER COLUMN body SET STORAGE MAIN;
ALTER TABLE q ALTER COLUMN j SET COMPRESSION lz4;
CREATE TABLE q2 PARTITION OF q FOR VALUES FROM (10) TO (20);
CREATE TABLE c2 () INHERITS (p);
ALTER TABLE p ALTER COLUMN j SET COMPRESSION pglz;
ALTER TABLE ONLY c2 ALTER COLUMN body SET STORAGE EXTENDED;
ALTER TABLE q1 REPLICA IDENTITY USING INDEX q1_pkey;
ALTER TABLE c REPLICA IDENTITY FULL;
CREATE TABLE r (id int, doc text COMPRESSION lz4);
";

fn db_with(ddl: &str) -> Db {
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    db.exec(ddl).unwrap();
    db
}

#[test]
fn settings_read_alike_from_ddl_catalog_dump_and_psql() {
    let dir = Scratch::new("settings");
    let db = db_with(DDL);
    let file = dir.file("settings.sql", DDL);
    let url = db.url();
    // The catalog has what the statements did, in their order.
    let rows = db
        .query(
            "SELECT attrelid::regclass::text || '.' || attname || ':' || attstattarget::text \
             || attstorage::text || attcompression::text FROM pg_attribute WHERE attname IN ('body', 'j') \
             AND attrelid::regclass::text IN ('c', 'c2', 'q1', 'q2') ORDER BY 1",
        )
        .unwrap();
    assert_eq!(
        rows.split_whitespace().collect::<Vec<_>>(),
        [
            "c.body:-1e",
            "c.j:-1xl",
            "c2.body:-1x",
            "c2.j:-1xl",
            "q1.body:300m",
            "q1.j:-1x",
            "q2.body:-1m",
            "q2.j:-1xl"
        ],
        "the server's own reading of the statements"
    );
    plans_nothing(&file, &url);
    plans_nothing(&url, &file);
    // pg_dump writes no storage for a column that has its type's, so a child whose column has
    // its type's storage where the parent's differs is restored with the parent's: the dump
    // says so, and only that differs.
    let dump = dir.file("settings-dump.sql", db.dump().unwrap());
    let out = run(&["diff", &dump, &file]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let statements: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("--")).collect();
    assert_eq!(
        statements,
        ["ALTER TABLE ONLY c2 ALTER COLUMN body SET STORAGE EXTENDED;"],
        "{stdout}"
    );
    let mut paste = String::new();
    for t in ["p", "c", "c2", "q", "q1", "q2", "r"] {
        paste.push_str(&db.describe_any(&format!("\\d+ {t}")).unwrap());
    }
    let paste = dir.file("settings.d.txt", &paste);
    plans_nothing(&paste, &file);
    // A change of each is planned, applied and verified.
    let changed = DDL
        .replace("fillfactor = 70", "fillfactor = 60")
        .replace("SET STATISTICS 500", "SET STATISTICS 50")
        .replace("ALTER TABLE c REPLICA IDENTITY FULL;", "");
    let changed = dir.file("settings-changed.sql", &changed);
    let out = run(&["apply", &changed, "--db", &url, "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("SET (fillfactor = '60')"), "{stdout}");
    assert!(
        stdout.contains("ALTER COLUMN body SET STATISTICS 50"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ALTER TABLE ONLY c REPLICA IDENTITY DEFAULT"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("verified"), "{stderr}");
    plans_nothing(&url, &changed);
}

#[test]
fn a_model_leaves_the_settings_alone() {
    let dir = Scratch::new("settings-model");
    let db = db_with(
        "CREATE TABLE users (id serial PRIMARY KEY, name text) WITH (fillfactor = 80);
         ALTER TABLE users ALTER COLUMN name SET STORAGE EXTERNAL, REPLICA IDENTITY FULL;",
    );
    let model = dir.file(
        "models.py",
        "from sqlalchemy import Column, Integer, Text\n\
         from sqlalchemy.orm import declarative_base\n\
         Base = declarative_base()\n\
         class User(Base):\n    __tablename__ = 'users'\n    id = Column(Integer, primary_key=True)\n    name = Column(Text)\n",
    );
    plans_nothing(&db.url(), &model);
}

#[test]
fn a_parameter_value_cannot_inject_sql() {
    let dir = Scratch::new("settings-inject");
    // What reads as one value stays one literal: PostgreSQL refuses it as a fill factor, so
    // apply fails and changes nothing, the table still there.
    let db = db_with("CREATE TABLE t (id int);");
    let to = dir.file(
        "inject-to.sql",
        "CREATE TABLE t (id int) WITH (fillfactor = '70); DROP TABLE t; --');",
    );
    let out = run(&["apply", &to, "--db", &db.url(), "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("SET (fillfactor = '70); DROP TABLE t; --')"),
        "{stdout}"
    );
    assert!(!out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("fillfactor"), "{stderr}");
    assert_eq!(db.query("SELECT count(*) FROM t").unwrap().trim(), "0");
}

#[test]
fn comments_on_schemas_sequences_collations_and_policies_read_alike() {
    let dir = Scratch::new("settings-comments");
    let ddl = "CREATE SCHEMA app;
        COMMENT ON SCHEMA app IS 'the app';
        COMMENT ON SCHEMA public IS 'standard public schema';
        CREATE SEQUENCE app.s;
        COMMENT ON SEQUENCE app.s IS 'numbers';
        CREATE COLLATION app.c (provider = icu, locale = 'und');
        COMMENT ON COLLATION app.c IS 'any';
        CREATE TABLE app.t (id serial PRIMARY KEY, owner text);
        COMMENT ON SEQUENCE app.t_id_seq IS 'a serial column''s own';
        CREATE POLICY mine ON app.t USING (owner = current_user);
        COMMENT ON POLICY mine ON app.t IS 'yours';";
    let db = db_with(ddl);
    let file = dir.file("comments.sql", ddl);
    let url = db.url();
    plans_nothing(&file, &url);
    plans_nothing(&url, &file);
    let dump = dir.file("comments-dump.sql", db.dump().unwrap());
    plans_nothing(&dump, &file);
    plans_nothing(&file, &dump);
    // Without them, each is planned.
    let bare: String = ddl
        .lines()
        .filter(|l| !l.trim_start().starts_with("COMMENT"))
        .collect::<Vec<_>>()
        .join("\n");
    let bare = dir.file("comments-bare.sql", &bare);
    let out = run(&["diff", &url, &bare]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for st in [
        "COMMENT ON SCHEMA app IS NULL;",
        "COMMENT ON SEQUENCE app.s IS NULL;",
        "COMMENT ON COLLATION app.c IS NULL;",
        "COMMENT ON POLICY mine ON app.t IS NULL;",
    ] {
        assert!(stdout.contains(st), "{st}: {stdout}");
    }
    // The serial column's sequence is the column's: its comment is named as not compared.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sequence app.t_id_seq is not compared"),
        "{stderr}"
    );
}

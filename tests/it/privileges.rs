//! Privileges compared when asked (`--privileges[=ROLE,…]`): read from DDL, `pg_dump` and the
//! live catalog alike, granted and revoked through `apply` (converging, verified by a fresh
//! read), kept across a view made again, and otherwise named as not compared.

use std::process::Command;

use schemafix_tests::Pg;

use crate::schemafix_bin;

const ROLES: &[&str] = &["sf_reader", "sf_writer"];

const CURRENT: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, n serial);
CREATE VIEW active AS SELECT id, email FROM accounts;
CREATE FUNCTION touch(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
GRANT SELECT, INSERT ON accounts TO sf_writer;
GRANT SELECT ON active TO sf_reader;
";

/// The desired schema: the view retyped (so it is dropped and made again), other privileges.
const DESIRED: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(200), n serial);
CREATE VIEW active AS SELECT id, email FROM accounts;
CREATE FUNCTION touch(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
GRANT SELECT ON accounts TO sf_writer WITH GRANT OPTION;
GRANT UPDATE (email) ON accounts TO sf_reader;
GRANT SELECT ON active TO sf_reader;
GRANT USAGE ON SEQUENCE accounts_n_seq TO sf_writer;
REVOKE EXECUTE ON FUNCTION touch(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION touch(integer) TO sf_reader;
GRANT USAGE ON SCHEMA public TO sf_reader;
";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(schemafix_bin()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn privileges_are_compared_when_asked_and_converge() {
    let pg = Pg::get().expect("PostgreSQL");
    pg.ensure_roles(ROLES).expect("roles");
    let db = pg.create_db().unwrap();
    db.exec(CURRENT).unwrap();
    let dir = std::env::temp_dir().join(format!("schemafix-privileges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let desired = dir.join("desired.sql");
    std::fs::write(&desired, DESIRED).unwrap();
    let desired = desired.to_str().unwrap();
    let url = db.url();

    // Not asked: the verdict says what it left out.
    let (code, out, _) = run(&["check", &url, desired]);
    assert_eq!(code, 1, "{out}");
    let current_file = dir.join("current.sql");
    std::fs::write(&current_file, CURRENT).unwrap();
    let (code, out, _) = run(&["check", &url, current_file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("not compared: 2 objects' privileges in the current schema"),
        "{out}"
    );

    // Not asked, an apply's verdict names them too.
    let copy = pg.create_db().unwrap();
    copy.exec(CURRENT).unwrap();
    let (code, _, err) = run(&[
        "apply",
        "--db",
        &copy.url(),
        current_file.to_str().unwrap(),
        "-y",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("already matches (not compared: 2 objects' privileges in the current schema"),
        "{err}"
    );

    // Asked: the plan grants and revokes, and the view made again gets its grant back.
    let (code, sql, err) = run(&["diff", &url, desired, "--privileges"]);
    assert_eq!(code, 0, "{err}");
    for statement in [
        "REVOKE INSERT ON TABLE public.accounts FROM sf_writer;",
        "GRANT SELECT ON TABLE public.accounts TO sf_writer WITH GRANT OPTION;",
        "GRANT UPDATE (email) ON TABLE public.accounts TO sf_reader;",
        "GRANT USAGE ON SEQUENCE public.accounts_n_seq TO sf_writer;",
        "REVOKE ALL ON ROUTINE public.touch(integer) FROM PUBLIC;",
        "GRANT ALL ON ROUTINE public.touch(integer) TO sf_reader;",
        "GRANT USAGE ON SCHEMA public TO sf_reader;",
        "GRANT SELECT ON TABLE public.active TO sf_reader;",
    ] {
        assert!(sql.contains(statement), "{statement} missing:\n{sql}");
    }
    let view_again = sql.find("CREATE VIEW").expect("the view is made again");
    assert!(sql.find("GRANT SELECT ON TABLE public.active").unwrap() > view_again);

    // Only some roles: the others' privileges are neither granted nor revoked.
    let (_, sql, err) = run(&["diff", &url, desired, "--privileges=sf_reader"]);
    assert!(!sql.contains("sf_writer"), "{sql}");
    assert!(sql.contains("GRANT UPDATE (email)"), "{sql}");
    assert!(err.contains("granted to roles not compared"), "{err}");

    // Applied: verified by a fresh read of the catalog, and nothing left.
    let (code, out, err) = run(&[
        "apply",
        "--db",
        &url,
        desired,
        "--privileges",
        "--allow-destructive",
        "-y",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("verified"), "{err}");
    let (code, out, _) = run(&["check", &url, desired, "--privileges"]);
    assert_eq!(code, 0, "{out}");
    let grants = db
        .query("SELECT relacl::text FROM pg_class WHERE relname = 'active'")
        .unwrap();
    assert!(grants.contains("sf_reader=r/"), "{grants}");
    // pg_dump's GRANTs read as the file's.
    let dumped = dir.join("dumped.sql");
    std::fs::write(&dumped, db.dump_with_privileges().unwrap()).unwrap();
    let (code, out, _) = run(&["check", dumped.to_str().unwrap(), desired, "--privileges"]);
    assert_eq!(code, 0, "{out}");

    // The down migration restores the current privileges.
    let (code, down, err) = run(&[
        "diff",
        current_file.to_str().unwrap(),
        desired,
        "--privileges",
        "--allow-destructive",
        "--down",
    ]);
    assert_eq!(code, 0, "{err}");
    db.exec_tx(&down).unwrap();
    let (code, out, _) = run(&[
        "check",
        &url,
        current_file.to_str().unwrap(),
        "--privileges",
    ]);
    assert_eq!(code, 0, "{out}\n{down}");
    std::fs::remove_dir_all(&dir).ok();
}

/// An online type change on a column with a column privilege keeps the column (a swap through
/// a second column would drop the privilege with the old one), so the privilege stays.
#[test]
fn an_online_type_change_keeps_column_privileges() {
    let pg = Pg::get().expect("PostgreSQL");
    pg.ensure_roles(ROLES).expect("roles");
    let db = pg.create_db().unwrap();
    let current = "CREATE TABLE scores (id int PRIMARY KEY, points int, note text);
GRANT SELECT (points) ON scores TO sf_reader;
";
    db.exec(current).unwrap();
    let dir = crate::Scratch::new("privileges-online");
    let desired = dir.file(
        "desired.sql",
        current.replace("points int", "points bigint"),
    );
    let url = db.url();
    let (code, out, err) = run(&[
        "apply",
        &desired,
        "--db",
        &url,
        "--online",
        "--privileges",
        "--yes",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("ALTER TABLE scores ALTER COLUMN points TYPE bigint;"),
        "{out}"
    );
    assert!(err.contains("verified"), "{err}");
    let grants = db
        .query("SELECT grantee || ':' || privilege_type FROM information_schema.column_privileges WHERE table_name = 'scores' AND column_name = 'points' AND grantee = 'sf_reader'")
        .unwrap();
    assert_eq!(grants.trim(), "sf_reader:SELECT");
}

/// Owners compared when asked (`--owners`): every kind of object read alike from the DDL, the
/// catalog and `pg_dump`, changed by `apply` and verified; an object the plan makes gets its
/// owner too; not asked, the verdict counts the objects whose owners differ.
#[test]
fn owners_are_compared_when_asked() {
    let pg = Pg::get().expect("PostgreSQL");
    pg.ensure_roles(ROLES).expect("roles");
    let db = pg.create_db().unwrap();
    let current = "CREATE SCHEMA app;
CREATE TABLE app.items (id serial PRIMARY KEY, name text);
CREATE VIEW app.names AS SELECT name FROM app.items;
CREATE MATERIALIZED VIEW app.counts AS SELECT count(*) AS n FROM app.items;
CREATE SEQUENCE app.counter;
CREATE FUNCTION app.answer() RETURNS int LANGUAGE sql AS 'SELECT 42';
CREATE PROCEDURE app.noop() LANGUAGE sql AS 'SELECT 1';
CREATE TYPE app.mood AS ENUM ('ok');
CREATE TYPE app.pair AS (a int, b int);
CREATE DOMAIN app.pos AS int CHECK (VALUE > 0);
";
    db.exec(current).unwrap();
    let dir = crate::Scratch::new("owners");
    let mut desired = current.to_string();
    for object in [
        "SCHEMA app",
        "TABLE app.items",
        "VIEW app.names",
        "MATERIALIZED VIEW app.counts",
        "SEQUENCE app.counter",
        "FUNCTION app.answer()",
        "PROCEDURE app.noop()",
        "TYPE app.mood",
        "TYPE app.pair",
        "DOMAIN app.pos",
    ] {
        desired.push_str(&format!("ALTER {object} OWNER TO sf_writer;\n"));
    }
    desired
        .push_str("CREATE TABLE app.fresh (id int);\nALTER TABLE app.fresh OWNER TO sf_reader;\n");
    let desired = dir.file("desired.sql", &desired);
    let url = db.url();
    // Not asked: the new table only, and the owners named as not compared.
    let (code, out, err) = run(&["check", &url, &desired]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("not compared: 10 objects' owners"), "{err}");
    let (code, out, err) = run(&["apply", &desired, "--db", &url, "--owners", "--yes"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.matches(" OWNER TO ").count(), 11, "{out}");
    assert!(err.contains("verified"), "{err}");
    let owners = db
        .query("SELECT string_agg(relname || ':' || pg_get_userbyid(relowner), ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind IN ('r', 'v', 'm', 'S')")
        .unwrap();
    assert_eq!(
        owners.trim(),
        "counter:sf_writer,counts:sf_writer,fresh:sf_reader,items:sf_writer,items_id_seq:sf_writer,names:sf_writer"
    );
    let (code, out, err) = run(&["check", &url, &desired, "--owners"]);
    assert_eq!((code, out.trim()), (0, "no drift"), "{err}");
    let dump = dir.file("dump.sql", db.dump().unwrap());
    let (code, out, err) = run(&["check", &dump, &desired, "--owners"]);
    assert_eq!((code, out.trim()), (0, "no drift"), "{err}");
}

//! The CLI against a live PostgreSQL: apply with confirmation, one transaction,
//! timeouts, the advisory lock and verification; diff/check with URLs; connection errors.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use schemafix_cli::db::APPLY_LOCK_KEY;
use schemafix_tests::{normalize_dump, shared_dir, Db, Pg, PASSWORD_ROLE};

use crate::schemafix_bin;

fn seed_path(name: &str) -> String {
    shared_dir()
        .join("examples/seed")
        .join(name)
        .display()
        .to_string()
}

fn seed_db() -> Db {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let old = std::fs::read_to_string(seed_path("old.sql")).unwrap();
    let rows = std::fs::read_to_string(seed_path("seed.sql")).unwrap();
    db.exec(&old).unwrap();
    db.exec(&rows).unwrap();
    db
}

fn run(args: &[&str]) -> Output {
    Command::new(schemafix_bin())
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Output with the run's own names (database, socket directory, port) replaced.
fn sanitized(db: &Db, s: &str) -> String {
    let url = db.url();
    let mut out = s.replace(&url, "postgresql://postgres@/<db>?host=<socket>");
    out = out.replace(&db.name, "<db>");
    out
}

fn write_temp(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("schemafix-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn seed_apply_converges_keeps_rows_and_check_then_passes() {
    let db = seed_db();
    let url = db.url();
    let models = seed_path("models.py");

    let check = run(&["check", &url, &models]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    insta::assert_snapshot!("seed_check_before", sanitized(&db, &text(&check.stdout)));

    let out = run(&["apply", "--db", &url, &models, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("seed_apply_stdout", sanitized(&db, &text(&out.stdout)));
    insta::assert_snapshot!("seed_apply_stderr", sanitized(&db, &text(&out.stderr)));

    // The rows are intact, the new columns are there, password_hash takes NULL now.
    assert_eq!(
        db.query("SELECT id, email, password_hash, role, full_name IS NULL, username IS NULL FROM users ORDER BY id")
            .unwrap(),
        "1|a@example.com|x|admin|t|t\n2|b@example.com|y|personal_only|t|t"
    );
    db.exec("INSERT INTO users (email, username) VALUES ('c@example.com', 'c')")
        .unwrap();

    // The catalog is the one the model's DDL builds.
    let want = Pg::get().unwrap().create_db().unwrap();
    want.exec(&std::fs::read_to_string(seed_path("new.sql")).unwrap())
        .unwrap();
    assert_eq!(
        normalize_dump(&db.dump().unwrap()),
        normalize_dump(&want.dump().unwrap())
    );

    let check = run(&["check", &url, &models]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert_eq!(text(&check.stdout), "no drift\n");
    // Database against database, like migra: the migrated one equals the reference.
    let out = run(&["diff", "--exit-code", &url, &want.url()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "");
    // A second apply has nothing to do.
    let again = run(&["apply", "--db", &url, &models, "--yes"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(text(&again.stderr).contains("nothing to change"));
}

#[test]
fn diff_and_inspect_take_urls_on_either_side() {
    let db = seed_db();
    let url = db.url();
    let new_sql = seed_path("new.sql");
    let forward = run(&["diff", &url, &new_sql]);
    assert_eq!(forward.status.code(), Some(0));
    let forward_sql = text(&forward.stdout);
    assert_eq!(
        schemafix_tests::sql_statements(&forward_sql),
        [
            "ALTER TABLE users ADD COLUMN full_name character varying(255);",
            "ALTER TABLE users ADD COLUMN username character varying(255);",
            "ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;",
        ]
    );
    // File against database: the reverse direction is destructive, so it is held back.
    let reverse = run(&["diff", &new_sql, &url]);
    assert_eq!(reverse.status.code(), Some(0));
    assert!(text(&reverse.stdout).contains("SET NOT NULL"));
    assert!(text(&reverse.stderr).contains("skipped:"));

    let inspect = run(&["inspect", &url, "--format", "sql"]);
    assert_eq!(inspect.status.code(), Some(0), "{}", text(&inspect.stderr));
    insta::assert_snapshot!("seed_inspect_sql", text(&inspect.stdout));
    // What `inspect` prints reads back to the same schema.
    let sql = write_temp("inspected.sql", &text(&inspect.stdout));
    let back = run(&["check", &url, &sql]);
    assert_eq!(back.status.code(), Some(0), "{}", text(&back.stdout));
}

#[test]
fn confirmation_dry_run_and_destructive_steps() {
    let db = seed_db();
    let url = db.url();
    let models = seed_path("models.py");
    let before = normalize_dump(&db.dump().unwrap());

    // No terminal and no --yes: refused, nothing changed.
    let out = run(&["apply", "--db", &url, &models]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pass --yes"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);

    // --dry-run runs every step and rolls back.
    let out = run(&["apply", "--db", &url, &models, "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("dry run: all 3 step(s) ran; rolled back"));
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);

    // A desired schema without `created_at`: dropping it is destructive.
    let desired = write_temp(
        "no_created_at.sql",
        "CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL, \
         password_hash varchar(255) NOT NULL, role varchar(50) DEFAULT 'personal_only' NOT NULL, \
         is_active boolean DEFAULT true NOT NULL);\n\
         CREATE INDEX ix_users_id ON users (id);\n\
         CREATE UNIQUE INDEX ix_users_email ON users (email);\n\
         CREATE INDEX ix_users_role ON users (role);\n\
         CREATE INDEX ix_users_is_active ON users (is_active);\n",
    );
    let out = run(&["apply", "--db", &url, &desired, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(
        "destructive_refused_stderr",
        sanitized(&db, &text(&out.stderr))
    );
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);
    let out = run(&[
        "apply",
        "--db",
        &url,
        &desired,
        "--yes",
        "--allow-destructive",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ALTER TABLE users DROP COLUMN created_at;"));
    assert!(text(&out.stderr).contains("verified:"));
    assert_eq!(
        db.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'created_at'")
            .unwrap(),
        "0"
    );
}

#[test]
fn a_plan_failing_midway_leaves_the_database_as_it_was() {
    let db = seed_db();
    let url = db.url();
    let before = normalize_dump(&db.dump().unwrap());
    // Step 1 (a new nullable column) works; step 2 (a check the existing rows break) fails.
    let desired = write_temp(
        "failing_check.sql",
        &format!(
            "{}\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email = 'nobody');\n",
            std::fs::read_to_string(seed_path("old.sql")).unwrap()
        ),
    );
    let out = run(&["apply", "--db", &url, &desired, "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    insta::assert_snapshot!("failing_midway_stderr", sanitized(&db, &text(&out.stderr)));
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);
    assert_eq!(db.query("SELECT count(*) FROM users").unwrap(), "2");
}

/// A NOT NULL column added with no value at all for the rows already there (no default, no
/// scalar model default): on a table with rows nothing runs and the message names the column;
/// on an empty table the plan applies.
#[test]
fn a_required_column_without_any_value_stops_before_anything_runs() {
    let db = seed_db();
    let url = db.url();
    let before = normalize_dump(&db.dump().unwrap());
    let desired = write_temp(
        "required.sql",
        &format!(
            "{}\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD COLUMN tenant_id integer NOT NULL;\n",
            std::fs::read_to_string(seed_path("old.sql")).unwrap()
        ),
    );
    let out = run(&["apply", "--db", &url, &desired, "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("not applying: users.tenant_id: NOT NULL without a default")
            && stderr.contains("Nothing was changed"),
        "{stderr}"
    );
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);
    db.exec("DELETE FROM users").unwrap();
    let out = run(&["apply", "--db", &url, &desired, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(run(&["check", &url, &desired]).status.code(), Some(0));
}

/// A session of the test's own, to hold locks.
fn session(db: &Db) -> postgres::Client {
    schemafix_cli::connect::ConnSpec::resolve(Some(&db.url()), &|_| None)
        .unwrap()
        .connect()
        .unwrap()
}

/// `schemafix apply --db url model --yes --lock-timeout t`, running in the background.
fn spawn_apply(url: &str, model: &str, lock_timeout: &str) -> std::process::Child {
    Command::new(schemafix_bin())
        .args([
            "apply",
            "--db",
            url,
            model,
            "--yes",
            "--lock-timeout",
            lock_timeout,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A session of the test's own inside a transaction that holds a lock on `users` (which any
/// ALTER TABLE must wait for) until it rolls back.
fn holding_users_lock(db: &Db) -> postgres::Client {
    let mut s = session(db);
    s.batch_execute("BEGIN; LOCK TABLE users IN ACCESS SHARE MODE")
        .unwrap();
    s
}

#[test]
fn a_lock_held_elsewhere_makes_apply_fail_within_the_lock_timeout() {
    let db = seed_db();
    let url = db.url();
    let before = normalize_dump(&db.dump().unwrap());
    let mut other = holding_users_lock(&db);
    let out = run(&[
        "apply",
        "--db",
        &url,
        &seed_path("models.py"),
        "--yes",
        "--lock-timeout",
        "300ms",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("lock timeout"), "{err}");
    assert!(err.contains("not granted within 300ms"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    other.batch_execute("ROLLBACK").unwrap();
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);
}

#[test]
fn two_applies_never_interleave() {
    let db = seed_db();
    let url = db.url();
    let models = seed_path("models.py");
    // Another apply holds the lock: this one waits the lock timeout, then fails cleanly.
    let mut other = session(&db);
    other
        .batch_execute(&format!("SELECT pg_advisory_lock({APPLY_LOCK_KEY})"))
        .unwrap();
    let out = run(&[
        "apply",
        "--db",
        &url,
        &models,
        "--yes",
        "--lock-timeout",
        "300ms",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("another schemafix apply is running"),
        "{}",
        text(&out.stderr)
    );
    other
        .batch_execute(&format!("SELECT pg_advisory_unlock({APPLY_LOCK_KEY})"))
        .unwrap();

    // Two at once: one applies, the other waits for it and then finds nothing to change.
    let spawn = || spawn_apply(&url, &models, "60s");
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    for o in &outs {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let applied = outs
        .iter()
        .filter(|o| text(&o.stderr).contains("applied 3 step(s)"))
        .count();
    let idle = outs
        .iter()
        .filter(|o| text(&o.stderr).contains("nothing to change"))
        .count();
    assert_eq!((applied, idle), (1, 1));
}

#[test]
fn a_connection_killed_during_apply_changes_nothing() {
    let db = seed_db();
    let url = db.url();
    let before = normalize_dump(&db.dump().unwrap());
    let mut other = holding_users_lock(&db);
    let child = spawn_apply(&url, &seed_path("models.py"), "120s");
    // Wait until the apply is blocked on the table lock, then kill its connection.
    let mut admin = session(&db);
    let started = Instant::now();
    let pid: i32 = loop {
        let rows = admin
            .query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'schemafix' AND wait_event_type = 'Lock'",
                &[],
            )
            .unwrap();
        if let Some(r) = rows.first() {
            break r.get(0);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the apply never waited on the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let out = child.wait_with_output().unwrap();
    other.batch_execute("ROLLBACK").unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);
}

#[test]
fn connection_errors_are_clear_and_never_show_the_password() {
    let pg = Pg::own().expect("our own cluster");
    let db = pg.create_db().unwrap();
    let (role, password) = PASSWORD_ROLE;
    let (port, _) = pg.tcp().unwrap();
    let models = seed_path("models.py");
    let wrong = "Wr0ng-Secret-42";
    let cases = [
        (
            "wrong password",
            format!("postgresql://{role}:{wrong}@127.0.0.1:{port}/{}", db.name),
            "password authentication failed",
        ),
        (
            "unreachable host",
            format!("postgresql://{role}:{wrong}@127.0.0.1:1/{}", db.name),
            "cannot connect to postgresql://sf_password_user@127.0.0.1:1/",
        ),
        (
            "missing database",
            format!("postgresql://{role}:{password}@127.0.0.1:{port}/no_such_db"),
            "database \"no_such_db\" does not exist",
        ),
    ];
    for (what, url, expect) in cases {
        for args in [
            vec!["check", url.as_str(), models.as_str()],
            vec!["apply", "--db", url.as_str(), models.as_str(), "--yes"],
        ] {
            let out = run(&args);
            let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
            assert_eq!(out.status.code(), Some(2), "{what}: {all}");
            assert!(all.contains(expect), "{what}: {all}");
            assert!(
                !all.contains(wrong) && !all.contains(password),
                "{what}: {all}"
            );
        }
    }
    // The right password works (and PGPASSWORD supplies it when the URL has none).
    let out = Command::new(schemafix_bin())
        .args([
            "check",
            &format!("postgresql://{role}@127.0.0.1:{port}/{}", db.name),
            &models,
        ])
        .env("PGPASSWORD", password)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn libpq_environment_and_tls_modes() {
    let pg = Pg::own().expect("our own cluster");
    let db = pg.create_db().unwrap();
    db.exec("CREATE TABLE t (id int PRIMARY KEY)").unwrap();
    let (port, cert) = pg.tcp().unwrap();
    let desired = write_temp("t.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");

    // Nothing on the command line: PG* variables name the server.
    let out = Command::new(schemafix_bin())
        .args(["apply", &desired, "--yes"])
        .env_remove("DATABASE_URL")
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", port.to_string())
        .env("PGUSER", "postgres")
        .env("PGDATABASE", &db.name)
        .env("PGSSLMODE", "require")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing to change"));

    let ssl_in_use = |conninfo: &str| -> Result<bool, String> {
        let spec = schemafix_cli::connect::ConnSpec::resolve(Some(conninfo), &|_| None)
            .map_err(|e| e.0)?;
        let mut c = spec.connect().map_err(|e| e.0)?;
        let row = c
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .map_err(|e| e.to_string())?;
        Ok(row.get(0))
    };
    let base = format!("postgresql://postgres@localhost:{port}/{}", db.name);
    assert_eq!(ssl_in_use(&format!("{base}?sslmode=disable")), Ok(false));
    assert_eq!(ssl_in_use(&format!("{base}?sslmode=require")), Ok(true));
    assert_eq!(
        ssl_in_use(&format!(
            "{base}?sslmode=verify-full&sslrootcert={}",
            cert.display()
        )),
        Ok(true)
    );
    // verify-full refuses a certificate it cannot trust, and one for another host name.
    let untrusted = ssl_in_use(&format!(
        "{base}?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt"
    ));
    assert!(untrusted.is_err(), "{untrusted:?}");
    let wrong_host = ssl_in_use(&format!(
        "postgresql://postgres@127.0.0.1:{port}/{}?sslmode=verify-full&sslrootcert={}",
        db.name,
        cert.display()
    ));
    assert!(wrong_host.is_err(), "{wrong_host:?}");
    assert_eq!(
        ssl_in_use(&format!(
            "postgresql://postgres@127.0.0.1:{port}/{}?sslmode=verify-ca&sslrootcert={}",
            db.name,
            cert.display()
        )),
        Ok(true)
    );
}

/// A legacy schema with most of what a model can say.
const RICH: &str = "
CREATE SCHEMA billing;
CREATE TYPE mood AS ENUM ('happy', 'sad', 'it''s complicated');
CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    handle varchar(40) NOT NULL UNIQUE,
    mood mood DEFAULT 'happy',
    score numeric(10,2) CHECK (score >= 0),
    tags text[],
    data jsonb DEFAULT '{}'::jsonb NOT NULL,
    created timestamp without time zone DEFAULT now() NOT NULL,
    \"Weird \"\"Name\"\"\" text
);
COMMENT ON TABLE accounts IS 'people who pay';
COMMENT ON COLUMN accounts.handle IS 'shown as @handle';
CREATE INDEX accounts_lower_handle ON accounts (lower(handle)) WHERE score > 0;
CREATE TABLE billing.invoices (
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    number integer NOT NULL,
    total numeric(12,2) NOT NULL,
    CONSTRAINT invoices_pk PRIMARY KEY (account_id, number)
);
CREATE TABLE events (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamp with time zone NOT NULL,
    kind varchar(20),
    UNIQUE (kind, at)
);
";

#[test]
fn inspect_writes_models_that_sqlalchemy_turns_back_into_the_same_database() {
    let pg = Pg::get().expect("PostgreSQL");
    for (what, ddl) in [
        (
            "seed",
            std::fs::read_to_string(seed_path("old.sql")).unwrap(),
        ),
        ("rich", RICH.to_string()),
    ] {
        let db = pg.create_db().unwrap();
        db.exec(&ddl).unwrap();
        let out = run(&["inspect", &db.url(), "--format", "sqlalchemy"]);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{what}: no warnings expected");
        let code = text(&out.stdout);
        if what == "rich" {
            insta::assert_snapshot!("rich_models_py", code);
        }
        let file = write_temp(&format!("{what}_models.py"), &code);
        // Our own reading of the generated model finds no drift...
        let check = run(&["check", &db.url(), &file]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{what}: {}{}",
            text(&check.stdout),
            text(&check.stderr)
        );
        // ...and real SQLAlchemy creates the same catalog from it.
        let fresh = pg.create_db().unwrap();
        // create_all makes tables and types, not schemas.
        if what == "rich" {
            fresh.exec("CREATE SCHEMA billing").unwrap();
        }
        schemafix_tests::python::create_all(std::path::Path::new(&file), &fresh.sqlalchemy_url())
            .unwrap();
        assert_eq!(
            normalize_dump(&fresh.dump().unwrap()),
            normalize_dump(&db.dump().unwrap()),
            "{what}"
        );
    }
}

#[test]
fn new_enum_labels_are_committed_before_the_steps_that_use_them() {
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    db.exec(
        "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'a');\
         INSERT INTO t VALUES (1, 'b');",
    )
    .unwrap();
    let desired = write_temp(
        "enum_to.sql",
        "CREATE TYPE mood AS ENUM ('a', 'b', 'c'); CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'c');\n",
    );
    let dry = run(&["apply", "--db", &db.url(), &desired, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert!(
        text(&dry.stderr).contains("step 2 uses an enum label this plan adds"),
        "{}",
        text(&dry.stderr)
    );
    assert_eq!(
        db.query("SELECT count(*) FROM pg_enum WHERE enumlabel = 'c'")
            .unwrap(),
        "0"
    );
    // DATABASE_URL names the database when --db is not given.
    let out = Command::new(schemafix_bin())
        .args(["apply", &desired, "--yes"])
        .env("DATABASE_URL", db.url())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(
        "enum_label_first_stderr",
        sanitized(&db, &text(&out.stderr))
    );
    assert_eq!(db.query("SELECT m FROM t").unwrap(), "b");
}

#[test]
fn help_has_examples_and_completions_are_printed() {
    for cmd in ["diff", "check", "apply", "inspect"] {
        let out = run(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        assert!(
            help.contains("Examples:") && help.contains(&format!("schemafix {cmd}")),
            "{cmd}: {help}"
        );
    }
    let out = run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = text(&out.stdout);
    assert!(script.contains("_schemafix()") && script.contains("--lock-timeout"));
}

/// A model shows tables only: the database's views, functions, triggers and policies are left
/// as they are, except that a view reading a column the plan retypes is dropped and created
/// again around it (PostgreSQL refuses the type change otherwise), with its trigger.
#[test]
fn a_model_keeps_the_databases_views_and_triggers_and_rebuilds_views_in_the_way() {
    let db = seed_db();
    db.exec(
        "CREATE VIEW active_users AS SELECT id, email, role FROM users WHERE is_active;
         CREATE FUNCTION active_users_insert() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO users (email, password_hash) VALUES (NEW.email, 'x'); RETURN NEW; END $$;
         CREATE TRIGGER active_users_insert INSTEAD OF INSERT ON active_users
             FOR EACH ROW EXECUTE FUNCTION active_users_insert();
         ALTER TABLE users ENABLE ROW LEVEL SECURITY;
         CREATE POLICY everyone ON users USING (true);",
    )
    .unwrap();
    let before = db
        .query("SELECT pg_get_viewdef('active_users'::regclass)")
        .unwrap();
    let model = std::fs::read_to_string(seed_path("models.py"))
        .unwrap()
        .replace("email = Column(String(255)", "email = Column(String(320)");
    let model = write_temp("wider_email.py", &model);
    let url = db.url();

    let out = run(&["apply", "--db", &url, &model, "--yes"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("DROP VIEW active_users;"), "{stdout}");
    assert!(
        stdout.contains("ALTER TABLE users ALTER COLUMN email TYPE character varying(320)"),
        "{stdout}"
    );
    assert!(stdout.contains("CREATE VIEW active_users"), "{stdout}");
    assert!(
        stdout.contains("CREATE TRIGGER active_users_insert"),
        "{stdout}"
    );
    assert!(!stdout.contains("DROP FUNCTION"), "{stdout}");
    assert!(!stdout.contains("POLICY"), "{stdout}");

    // The view, its trigger, the function and the policy are all there, as they were.
    assert_eq!(
        db.query("SELECT pg_get_viewdef('active_users'::regclass)")
            .unwrap(),
        before
    );
    assert_eq!(
        db.query(
            "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'active_users_insert'), \
             (SELECT count(*) FROM pg_proc WHERE proname = 'active_users_insert'), \
             (SELECT count(*) FROM pg_policy WHERE polname = 'everyone'), \
             (SELECT relrowsecurity FROM pg_class WHERE relname = 'users')"
        )
        .unwrap(),
        "1|1|1|t"
    );
    // The trigger works on the rebuilt view, the rows are intact.
    db.exec("INSERT INTO active_users (email) VALUES ('v@example.com')")
        .unwrap();
    assert_eq!(db.query("SELECT count(*) FROM users").unwrap(), "3");
    let check = run(&["check", &url, &model]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
}

/// `apply --online` on a table with rows: phase by phase (indexes built concurrently and
/// valid, a check and a NOT NULL validated in transactions of their own), then verified. A
/// NOT NULL the rows violate fails at its validation, naming the phase, with the earlier
/// phases committed and the column left nullable.
#[test]
fn online_apply_runs_phase_by_phase_and_converges() {
    let db = seed_db();
    let url = db.url();
    let old = std::fs::read_to_string(seed_path("old.sql")).unwrap();
    db.exec("ALTER TABLE users ADD COLUMN nickname text; UPDATE users SET nickname = 'n'")
        .unwrap();
    let desired = write_temp(
        "online.sql",
        &format!(
            "{}\nALTER TABLE users ADD COLUMN nickname text NOT NULL CHECK (nickname <> '');\n\
             ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n\
             ALTER TABLE users ADD COLUMN serial_no bigint GENERATED ALWAYS AS IDENTITY (START WITH 100);\n\
             CREATE INDEX ix_users_created_at ON users (created_at);\n\
             ALTER TABLE users ADD CONSTRAINT users_password_hash_key UNIQUE (password_hash);\n",
            old.replace("CREATE INDEX ix_users_role ON users (role);", "")
        ),
    );
    let out = run(&["apply", "--db", &url, &desired, "--yes", "--online"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for want in [
        "CREATE INDEX CONCURRENTLY ix_users_created_at ON users (created_at);",
        "DROP INDEX CONCURRENTLY ix_users_role;",
        "CREATE UNIQUE INDEX CONCURRENTLY users_password_hash_key ON users (password_hash);",
        "ADD CONSTRAINT users_password_hash_key UNIQUE USING INDEX users_password_hash_key;",
        "CHECK (nickname <> '') NOT VALID;",
        "ALTER TABLE users VALIDATE CONSTRAINT users_nickname_not_null_check;",
        // A default evaluated per row: added bare, set, the rows filled, then NOT NULL.
        "ALTER TABLE users ADD COLUMN token uuid;",
        "ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();",
        "UPDATE users SET token = DEFAULT WHERE token IS NULL;",
        "ALTER TABLE users VALIDATE CONSTRAINT users_token_not_null_check;",
        // An identity: filled from a sequence of its own, then made the identity.
        "UPDATE users SET serial_no = DEFAULT WHERE serial_no IS NULL;",
        "ALTER TABLE users ALTER COLUMN serial_no ADD GENERATED ALWAYS AS IDENTITY (START WITH 100);",
    ] {
        assert!(stdout.contains(want), "{want} not in\n{stdout}");
    }
    assert!(
        stderr.contains("backfill in a transaction of its own"),
        "{stderr}"
    );
    // Each existing row got a value of its own, as ADD COLUMN … DEFAULT would have given.
    assert_eq!(
        db.query("SELECT count(DISTINCT token) FROM users WHERE token IS NOT NULL")
            .unwrap(),
        "2"
    );
    // The identity's values start where it says.
    assert_eq!(
        db.query("SELECT string_agg(serial_no::text, ',' ORDER BY serial_no) FROM users")
            .unwrap(),
        "100,101"
    );
    assert!(
        stderr.contains("phase 1/") && stderr.contains("verified"),
        "{stderr}"
    );
    // Every index valid (a failed concurrent build would leave one INVALID), rows kept.
    assert_eq!(
        db.query("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = 'users' AND NOT i.indisvalid")
            .unwrap(),
        "0"
    );
    assert_eq!(db.query("SELECT count(*) FROM users").unwrap(), "2");
    let check = run(&["check", &url, &desired]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // A new row goes on after the filled ones.
    assert_eq!(
        db.query("WITH i AS (INSERT INTO users (email, password_hash, nickname) VALUES ('third@example.com', 'h3', 'n') RETURNING serial_no) SELECT serial_no FROM i")
            .unwrap(),
        "102"
    );

    // Rows that violate the NOT NULL: the validation phase fails; earlier phases stay.
    let db = seed_db();
    let url = db.url();
    db.exec("ALTER TABLE users ADD COLUMN nickname text")
        .unwrap();
    let desired = write_temp(
        "online_fail.sql",
        &format!("{old}\nALTER TABLE users ADD COLUMN nickname text NOT NULL;\nCREATE INDEX ix_users_created_at ON users (created_at);\n"),
    );
    let out = run(&["apply", "--db", &url, &desired, "--yes", "--online"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("VALIDATE CONSTRAINT users_nickname_not_null_check")
            && stderr.contains("this phase was rolled back; phase 1 is committed"),
        "{stderr}"
    );
    // The NOT VALID check (an earlier phase) stays, unvalidated; the column is still
    // nullable, and the steps after the failed phase (the index) did not run.
    assert_eq!(
        db.query("SELECT convalidated FROM pg_constraint WHERE conname = 'users_nickname_not_null_check'")
            .unwrap(),
        "f"
    );
    assert_eq!(
        db.query("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'")
            .unwrap(),
        "YES"
    );
    assert_eq!(
        db.query("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_users_created_at'")
            .unwrap(),
        "0"
    );
    // Rows fixed, the same apply finishes the job.
    db.exec("UPDATE users SET nickname = 'n'").unwrap();
    let out = run(&["apply", "--db", &url, &desired, "--yes", "--online"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let check = run(&["check", &url, &desired]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

/// `apply --yes --rename RENAME`, which must succeed: the SQL it printed.
fn apply_renamed(url: &str, desired: &str, rename: &str) -> String {
    let out = run(&["apply", "--db", url, desired, "--yes", "--rename", rename]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    stdout
}

/// A column dropped and another added alike is a likely rename, never applied unless
/// confirmed: without `--rename` the rows' values stay in the old column (its drop is held
/// back); with it, one `RENAME COLUMN` and the values are in the new one.
#[test]
fn a_confirmed_rename_keeps_the_rows_and_an_unconfirmed_one_is_never_applied() {
    let db = seed_db();
    let url = db.url();
    let old = std::fs::read_to_string(seed_path("old.sql")).unwrap();
    let desired = write_temp(
        "rename.sql",
        &old.replace("email VARCHAR(255) NOT NULL", "login VARCHAR(255) NOT NULL")
            .replace(
                "ix_users_email ON users (email)",
                "ix_users_email ON users (login)",
            ),
    );
    // Not confirmed: the suggestion is shown, nothing renamed, the old values kept.
    let out = run(&["diff", &url, &desired]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stderr.contains("likely rename: users.email → login")
            && stderr.contains("--rename users.email=login"),
        "{stderr}"
    );
    assert!(!stdout.contains("RENAME COLUMN"), "{stdout}");
    let out = run(&["apply", "--db", &url, &desired, "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr)); // login NOT NULL fails on the rows
    assert_eq!(
        db.query("SELECT string_agg(email, ',' ORDER BY id) FROM users")
            .unwrap(),
        "a@example.com,b@example.com"
    );
    // Confirmed: renamed, the values with it; nothing left to change.
    let stdout = apply_renamed(&url, &desired, "users.email=login");
    assert!(
        stdout.contains("ALTER TABLE users RENAME COLUMN email TO login;")
            && !stdout.contains("DROP COLUMN")
            && !stdout.contains("ADD COLUMN"),
        "{stdout}"
    );
    assert_eq!(
        db.query("SELECT string_agg(login, ',' ORDER BY id) FROM users")
            .unwrap(),
        "a@example.com,b@example.com"
    );
    let check = run(&["check", &url, &desired]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

/// A table dropped and another created with the same columns is a likely rename: unconfirmed,
/// nothing is renamed (the drop is held back); confirmed, one `RENAME TO` keeps the rows, the
/// foreign key that references it, the view that reads it and its trigger follow (neither is
/// dropped: PostgreSQL's follow the table), its key and indexes take the desired names, and the
/// down migration renames it back.
#[test]
fn a_confirmed_table_rename_keeps_the_rows_and_the_references() {
    let db = seed_db();
    let url = db.url();
    let extra = "CREATE TABLE posts (id serial PRIMARY KEY, author integer REFERENCES users (id));
        CREATE VIEW active AS SELECT id, email FROM users WHERE is_active;
        CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER stamp_row BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION stamp();";
    db.exec(extra).unwrap();
    db.exec("INSERT INTO posts (author) VALUES (1)").unwrap();
    let old = std::fs::read_to_string(seed_path("old.sql")).unwrap();
    let current = write_temp("table-rename-old.sql", &format!("{old}\n{extra}"));
    let desired = write_temp(
        "table-rename.sql",
        &format!("{old}\n{extra}").replace("users", "accounts"),
    );
    let out = run(&["diff", &url, &desired]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stderr.contains("likely rename: table users → accounts")
            && stderr.contains("--rename users=accounts"),
        "{stderr}"
    );
    assert!(!stdout.contains("RENAME TO accounts"), "{stdout}");
    let stdout = apply_renamed(&url, &desired, "users=accounts");
    assert!(
        stdout.contains("ALTER TABLE users RENAME TO accounts;")
            && stdout.contains("ALTER INDEX ix_users_email RENAME TO ix_accounts_email;")
            && !stdout.contains("DROP TABLE")
            && !stdout.contains("CREATE TABLE")
            && !stdout.contains("VIEW")
            && !stdout.contains("TRIGGER"),
        "{stdout}"
    );
    assert_eq!(
        db.query(
            "SELECT string_agg(a.email, ',' ORDER BY a.id) FROM accounts a JOIN posts p ON p.author = a.id"
        )
        .unwrap(),
        "a@example.com"
    );
    assert_eq!(db.query("SELECT count(*) FROM active").unwrap(), "2");
    let check = run(&["check", &url, &desired]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // The down migration, run on the renamed database, restores the current schema.
    let down = run(&[
        "diff",
        &current,
        &desired,
        "--rename",
        "users=accounts",
        "--down",
    ]);
    assert_eq!(down.status.code(), Some(0), "{}", text(&down.stderr));
    db.exec(&text(&down.stdout)).unwrap();
    let check = run(&["check", &url, &current]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert_eq!(db.query("SELECT count(*) FROM users").unwrap(), "2");
}

/// `apply --online` detaches a partition `CONCURRENTLY` (the parent keeps taking writes) and
/// drops the CHECK PostgreSQL leaves on it, so the table ends as the desired schema has it; the
/// rows stay in the detached table. Another schema's check of the same name is left alone.
#[test]
fn online_apply_detaches_a_partition_concurrently_and_converges() {
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    let url = db.url();
    let current = "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE m2020 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
        CREATE TABLE m2021 PARTITION OF m FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
        CREATE TABLE m2020_at_check (x int CONSTRAINT m2020_at_check CHECK (x > 0));";
    db.exec(current).unwrap();
    db.exec("INSERT INTO m VALUES (1, '2020-05-01'), (2, '2021-05-01')")
        .unwrap();
    let desired = write_temp(
        "detach.sql",
        &current.replace(
            "CREATE TABLE m2020 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');",
            "CREATE TABLE m2020 (id int, at date);",
        ),
    );
    let out = run(&["apply", "--db", &url, &desired, "--yes", "--online"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("ALTER TABLE m DETACH PARTITION m2020 CONCURRENTLY;")
            && stdout.contains("ALTER TABLE m2020 DROP CONSTRAINT IF EXISTS m2020_at_check1;"),
        "{stdout}"
    );
    assert_eq!(db.query("SELECT id FROM m2020").unwrap(), "1");
    assert_eq!(db.query("SELECT id FROM m").unwrap(), "2");
    assert_eq!(
        db.query("SELECT count(*) FROM pg_constraint WHERE conname = 'm2020_at_check'")
            .unwrap(),
        "1"
    );
    let check = run(&["check", &url, &desired]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

/// The `table-rewrite` hazard against PostgreSQL itself: a table's `relfilenode` changes
/// exactly when the server rewrote it. Columns added with defaults it stores once or
/// evaluates for every row, and type changes it does or does not rewrite for, each applied to
/// a table holding a row.
#[test]
fn a_rewrite_is_listed_exactly_when_postgresql_rewrites() {
    use schemafix_core::{migrate, step_sql, Format, Hazard, PlanOptions};
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    // PL/pgSQL: never inlined (a SQL function whose body is a constant would be, and then
    // PostgreSQL stores the constant).
    let functions = "CREATE FUNCTION mine() RETURNS text LANGUAGE plpgsql VOLATILE AS $$ BEGIN RETURN 'x'; END $$;
        CREATE FUNCTION fixed() RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 'x'; END $$;
        CREATE SEQUENCE s;";
    db.exec(functions).unwrap();
    let base = "id int, v varchar(10), n numeric(10,2), i int, s text";
    // (the desired table's columns after `base`, or `base` changed; what we expect to
    // list, when it knowingly differs from what PostgreSQL does)
    let added = [
        "a integer DEFAULT 5",
        "a text DEFAULT ('a' || 'b')",
        "a timestamp DEFAULT (now() AT TIME ZONE 'utc')",
        "a text DEFAULT ((now() AT TIME ZONE 'utc')::text)",
        "a timestamptz DEFAULT CURRENT_TIMESTAMP",
        "a timestamptz DEFAULT now()",
        "a text DEFAULT lower('X')",
        "a numeric(10,2) DEFAULT 1.5::numeric(10,2)",
        "a uuid DEFAULT gen_random_uuid()",
        "a double precision DEFAULT random()",
        "a timestamptz DEFAULT clock_timestamp()",
        "a bigint DEFAULT nextval('s')",
        "a text DEFAULT mine()",
        "a text DEFAULT ('id_' || mine())",
        "a text DEFAULT fixed()",
        "a int GENERATED ALWAYS AS (i * 2) STORED",
        "a int GENERATED ALWAYS AS IDENTITY",
        "a serial",
    ];
    let mut cases: Vec<String> = added.iter().map(|a| format!("{base}, {a}")).collect();
    for (from, to) in [
        ("v varchar(10)", "v varchar(20)"),
        ("v varchar(10)", "v text"),
        ("v varchar(10)", "v varchar(5)"),
        ("n numeric(10,2)", "n numeric(12,2)"),
        ("n numeric(10,2)", "n numeric"),
        ("n numeric(10,2)", "n numeric(10,3)"),
        ("s text", "s text COLLATE \"C\""),
        ("s text", "s varchar(5)"),
        ("i int", "i bigint"),
        ("i int", "i text"),
    ] {
        cases.push(base.replace(from, to));
    }
    // A user's function declared IMMUTABLE is stored once, but its declaration is not read:
    // listed as a rewrite (the conservative side), like any function not known to be stable.
    let conservative = ["a text DEFAULT fixed()"];
    let options = PlanOptions {
        pg_version: Some(15),
        // Narrowing type changes are held back otherwise.
        allow_destructive: true,
        ..Default::default()
    };
    let from = format!("{functions}\nCREATE TABLE t ({base});");
    for columns in &cases {
        let to = format!("{functions}\nCREATE TABLE t ({columns});");
        let m = migrate(&from, Some(Format::Sql), &to, Some(Format::Sql), &options);
        assert!(!m.plan.steps.is_empty(), "no change for {columns}");
        db.exec(&format!(
            "DROP TABLE IF EXISTS t; CREATE TABLE t ({base}); INSERT INTO t VALUES (1, 'x', 1.5, 2, 'y')"
        ))
        .unwrap();
        let node = || {
            db.query("SELECT relfilenode FROM pg_class WHERE relname = 't'")
                .unwrap()
        };
        let before = node();
        let sql: Vec<String> = m
            .plan
            .steps
            .iter()
            .flat_map(|s| step_sql(&s.change))
            .collect();
        db.exec_tx(&sql.join(";\n")).unwrap();
        let rewritten = node() != before;
        let listed = m
            .plan
            .steps
            .iter()
            .any(|s| s.hazards.contains(&Hazard::TableRewrite));
        if conservative.iter().any(|c| columns.ends_with(c)) {
            assert!(
                listed && !rewritten,
                "{columns}: listed {listed}, rewritten {rewritten}"
            );
        } else {
            assert_eq!(
                listed, rewritten,
                "{columns}: table-rewrite listed {listed}, PostgreSQL rewrote: {rewritten}"
            );
        }
    }
}

/// Online mode changes a rewriting column type through a second column while another
/// session keeps writing: rows inserted and updated between the phases, and during the
/// backfill (which blocks neither reads nor inserts, where the plain `ALTER COLUMN … TYPE`
/// blocks both), all end up converted; the table is never rewritten under its lock (its
/// file stays the same), the column keeps NOT NULL, its default, comment and index, a serial
/// one its sequence, the view on it is back, no trigger or function is left over, and the result
/// matches the desired schema.
#[test]
fn an_online_type_change_goes_through_a_second_column_while_writes_go_on() {
    use schemafix_core::{migrate, online_phases, Format, Phase, PlanOptions};
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let from =
        "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL DEFAULT 0, code varchar(10), ticket serial);
        COMMENT ON COLUMN items.price IS 'cents';
        CREATE INDEX items_price ON items (price);
        CREATE VIEW cheap AS SELECT id, price FROM items WHERE price < 10;";
    let to = from
        .replace("price int NOT NULL", "price bigint NOT NULL")
        .replace("code varchar(10)", "code integer")
        .replace("ticket serial", "ticket bigserial");
    db.exec(from).unwrap();
    db.exec("INSERT INTO items SELECT g, g, g::text FROM generate_series(1, 1000) g")
        .unwrap();
    let options = |online| PlanOptions {
        online,
        pg_version: Some(15),
        allow_destructive: true,
        ..Default::default()
    };
    let m = migrate(
        from,
        Some(Format::Sql),
        &to,
        Some(Format::Sql),
        &options(true),
    );
    assert!(
        !m.sql.contains(" TYPE ") && m.sql.contains("UPDATE items SET code_new = code::integer"),
        "{}",
        m.sql
    );
    let node = || {
        db.query("SELECT relfilenode FROM pg_class WHERE relname = 'items'")
            .unwrap()
    };
    let before = node();
    let mut migrator = session(&db);
    let mut writer = session(&db);
    writer.batch_execute("SET lock_timeout = '2s'").unwrap();
    // Each write sets price and code from the id (doubled for an updated row), code as a
    // literal either type takes.
    let mut next = 1000;
    let mut write = |w: &mut postgres::Client, updated: i32| {
        next += 1;
        w.batch_execute(&format!(
            "INSERT INTO items (id, price, code) VALUES ({next}, {next}, '{next}');
             UPDATE items SET price = {twice}, code = '{twice}' WHERE id = {updated}",
            twice = updated * 2
        ))
        .unwrap_or_else(|e| panic!("a write between the phases: {:?}", e.as_db_error()));
    };
    let mut updated = Vec::new();
    let mut backfills = 0;
    for (k, p) in online_phases(&m.plan.steps).into_iter().enumerate() {
        let sql: Vec<String> = p.steps.into_iter().flat_map(|(_, _, s)| s).collect();
        let sql = sql.join(";\n");
        if p.phase == Phase::NotTransactional {
            migrator.batch_execute(&sql).unwrap();
        } else {
            migrator.batch_execute(&format!("BEGIN; {sql}")).unwrap();
            if p.phase == Phase::Backfill {
                // Its transaction still open: reads and inserts go on.
                let id = 5000 + k;
                backfills += 1;
                writer
                    .batch_execute(&format!(
                        "INSERT INTO items (id, price, code) VALUES ({id}, {id}, '{id}'); SELECT count(*) FROM items"
                    ))
                    .unwrap_or_else(|e| panic!("the backfill blocked a writer: {:?}", e.as_db_error()));
            }
            migrator.batch_execute("COMMIT").unwrap();
        }
        updated.push(k as i32 + 1);
        write(&mut writer, k as i32 + 1);
    }
    assert!(updated.len() >= 4 && backfills == 3, "{}", m.sql);
    assert_eq!(node(), before, "the table was rewritten");
    let wrong = db
        .query(&format!(
            "SELECT count(*) FROM items WHERE price IS DISTINCT FROM (CASE WHEN id IN ({}) THEN id * 2 ELSE id END) OR code IS DISTINCT FROM price::int",
            updated.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
        ))
        .unwrap();
    assert_eq!(wrong, "0");
    assert_eq!(
        db.query("SELECT count(*) FROM items").unwrap(),
        (1000 + updated.len() + backfills).to_string()
    );
    assert_eq!(
        db.query("SELECT string_agg(format_type(atttypid, atttypmod) || ':' || attnotnull, ',' ORDER BY attname) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname IN ('price', 'code')")
            .unwrap(),
        "integer:false,bigint:true"
    );
    assert_eq!(
        db.query("SELECT format_type(atttypid, atttypmod) || ':' || (SELECT format_type(seqtypid, NULL) FROM pg_sequence WHERE seqrelid = 'items_ticket_seq'::regclass) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'ticket'")
            .unwrap(),
        "bigint:bigint"
    );
    // Its index, built again on the new column, valid and under its name.
    assert_eq!(
        db.query("SELECT indexdef || ':' || indisvalid FROM pg_indexes JOIN pg_index ON indexrelid = (schemaname || '.' || indexname)::regclass WHERE tablename = 'items' AND indexname <> 'items_pkey'")
            .unwrap(),
        "CREATE INDEX items_price ON public.items USING btree (price):true"
    );
    // The serial column keeps its sequence, which goes on where it stood.
    assert_eq!(
        db.query("SELECT count(DISTINCT ticket) = count(*) AND max(ticket) = (SELECT last_value FROM items_ticket_seq) FROM items")
            .unwrap(),
        "t"
    );
    assert_eq!(
        db.query("WITH i AS (INSERT INTO items (id) VALUES (9999) RETURNING price, ticket) SELECT price || ',' || (ticket > (SELECT max(ticket) FROM items)) FROM i")
            .unwrap(),
        "0,true"
    );
    assert_eq!(
        db.query("SELECT col_description('items'::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'price'))")
            .unwrap(),
        "cents"
    );
    assert_eq!(
        db.query("SELECT count(*) FROM cheap").unwrap(),
        db.query("SELECT count(*) FROM items WHERE price < 10")
            .unwrap()
    );
    assert_eq!(
        db.query("SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'items'::regclass) + (SELECT count(*) FROM pg_proc WHERE proname LIKE '%retype%')")
            .unwrap(),
        "0"
    );
    let again = migrate(
        &db.dump().unwrap(),
        Some(Format::Sql),
        &to,
        Some(Format::Sql),
        &options(false),
    );
    assert!(again.plan.is_empty(), "{}", again.sql);

    // The plain form, by contrast, holds the writer off until it commits.
    let db = pg.create_db().unwrap();
    db.exec(from).unwrap();
    let plain = migrate(
        from,
        Some(Format::Sql),
        &to,
        Some(Format::Sql),
        &options(false),
    );
    let mut migrator = session(&db);
    let mut writer = session(&db);
    migrator
        .batch_execute(&format!("BEGIN; {}", plain.sql))
        .unwrap();
    let blocked = writer.batch_execute("SET lock_timeout = '500ms'; SELECT count(*) FROM items");
    assert!(
        blocked.is_err_and(|e| e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE)),
        "a plain type change let a reader through"
    );
    migrator.batch_execute("COMMIT").unwrap();
}

/// `apply --online` where a value cannot take the new type: the backfill fails, and the
/// error says the type change stopped half-way and how to take it back; taken back, the
/// database is as it was.
#[test]
fn an_online_type_change_stopped_half_way_says_how_to_take_it_back() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let current = "CREATE TABLE items (id int PRIMARY KEY, code varchar(10));";
    db.exec(current).unwrap();
    db.exec("INSERT INTO items VALUES (1, '7'), (2, 'seven')")
        .unwrap();
    let before = normalize_dump(&db.dump().unwrap());
    let desired = write_temp(
        "half_way.sql",
        "CREATE TABLE items (id int PRIMARY KEY, code integer);",
    );
    let url = db.url();
    let out = run(&[
        "apply",
        "--db",
        &url,
        &desired,
        "--yes",
        "--online",
        "--allow-destructive",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let undo = "DROP TRIGGER items_code_retype ON items; DROP FUNCTION items_code_retype(); ALTER TABLE items DROP COLUMN code_new;";
    assert!(
        stderr.contains("items.code stopped half-way") && stderr.contains(undo),
        "{stderr}"
    );
    assert!(
        !stderr.contains("a new plan sees no difference"),
        "{stderr}"
    );
    db.exec(undo).unwrap();
    assert_eq!(normalize_dump(&db.dump().unwrap()), before);
}

/// `apply --online` widening a primary key and the foreign key on it (`integer` to `bigint`,
/// the classic case): both go through second columns, the keys on unique indexes built
/// concurrently, the foreign key dropped and added again `NOT VALID` around the swap and
/// validated; no step keeps the plain form, neither table's file is rewritten, the rows and
/// their references stay, and the result is verified against the desired schema.
#[test]
fn an_online_apply_widens_a_primary_key_and_its_foreign_key() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let current = "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);
        CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id) ON DELETE CASCADE);
        CREATE INDEX orders_user_id ON orders (user_id);";
    db.exec(current).unwrap();
    db.exec(
        "INSERT INTO users SELECT g, 'e' || g FROM generate_series(1, 100) g;
        INSERT INTO orders SELECT g, 1 + g % 100 FROM generate_series(1, 1000) g",
    )
    .unwrap();
    let desired = write_temp(
        "widen_keys.sql",
        &current
            .replace("id int PRIMARY KEY", "id bigint PRIMARY KEY")
            .replace("user_id int", "user_id bigint"),
    );
    let nodes = || {
        db.query("SELECT string_agg(relname || '=' || relfilenode, ',' ORDER BY relname) FROM pg_class WHERE relname IN ('users', 'orders')")
            .unwrap()
    };
    let before = nodes();
    let url = db.url();
    let out = run(&["apply", "--db", &url, &desired, "--yes", "--online"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("verified")
            && !stdout.contains("no online form")
            && !stdout.contains(" TYPE "),
        "{stdout}\n{stderr}"
    );
    for want in [
        "CREATE UNIQUE INDEX CONCURRENTLY users_pkey_new ON users (id_new);",
        "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;",
        "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey_new;",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;",
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;",
        "ALTER TABLE orders RENAME CONSTRAINT orders_user_id_fkey_new TO orders_user_id_fkey;",
    ] {
        assert!(stdout.contains(want), "{want} not in\n{stdout}");
    }
    assert_eq!(nodes(), before, "a table was rewritten");
    assert_eq!(
        db.query("SELECT count(*) FROM orders JOIN users ON users.id = orders.user_id")
            .unwrap(),
        "1000"
    );
    // Every constraint validated, every index valid, the foreign key still cascading.
    assert_eq!(
        db.query("SELECT (SELECT count(*) FROM pg_constraint WHERE NOT convalidated) + (SELECT count(*) FROM pg_index WHERE NOT indisvalid)")
            .unwrap(),
        "0"
    );
    db.exec("DELETE FROM users WHERE id = 1").unwrap();
    assert_eq!(db.query("SELECT count(*) FROM orders").unwrap(), "990");
    let check = run(&["check", &url, &desired]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

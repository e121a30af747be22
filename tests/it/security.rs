//! Attacks and faults, each against a real PostgreSQL: SQL smuggled through a
//! literal, a byte-order mark, text that is not a schema, an empty desired side, an INVALID
//! index, a COMMIT whose answer is lost, a mistyped rename, passwords in malformed connection
//! strings, a catalog read behind a lock, `CONCURRENTLY` inside a function body, and the
//! online plan as an Alembic revision.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use schemafix_tests::{normalize_dump, Db, Pg};

use crate::{schemafix_bin, Scratch};

fn run(args: &[&str]) -> Output {
    crate::run_schemafix(args)
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(schemafix_bin());
    c.args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PGPASSWORD")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A database holding `sentinel` with three rows.
fn with_sentinel() -> Db {
    let db = Pg::get().expect("PostgreSQL").create_db().unwrap();
    db.exec("CREATE TABLE sentinel (x integer); INSERT INTO sentinel VALUES (1), (2), (3);")
        .unwrap();
    db
}

fn sentinel_rows(db: &Db) -> String {
    db.query("SELECT count(*) FROM sentinel")
        .unwrap_or_else(|e| format!("{e}"))
}

/// Item 1: the literal of the report, from DDL, from a `\d` paste, from a model's
/// `server_default` and from a live database's CHECK and view, reaches the catalog exactly and
/// runs no second statement.
#[test]
fn a_literal_cannot_smuggle_a_statement() {
    let s = Scratch::new("literal");
    let value = r"\'; DROP TABLE sentinel; --";
    let ddl = format!(
        "CREATE TABLE sentinel (x integer);\n\
         CREATE TABLE t (id int PRIMARY KEY, d text DEFAULT '{v}', CONSTRAINT k CHECK (d <> '{v}x'));\n\
         CREATE VIEW v AS SELECT '{v}'::text AS a;\n",
        v = value.replace('\'', "''")
    );
    // DDL, applied.
    let db = with_sentinel();
    let f = s.file("desired.sql", &ddl);
    let out = run(&["apply", "--db", &db.url(), &f, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sentinel_rows(&db), "3");
    db.exec("INSERT INTO t (id) VALUES (1);").unwrap();
    assert_eq!(
        db.query("SELECT d = E'\\\\''; DROP TABLE sentinel; --' FROM t")
            .unwrap(),
        "t"
    );
    // The live database as the desired side of another: its CHECK and view come back exact.
    let other = with_sentinel();
    let out = run(&["diff", &other.url(), &db.url()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    other.exec_tx(&text(&out.stdout)).unwrap();
    assert_eq!(sentinel_rows(&other), "3");
    assert_eq!(
        normalize_dump(&other.dump().unwrap()),
        normalize_dump(&db.dump().unwrap())
    );
    // `inspect --format sql` of it, applied as a file.
    let out = run(&["inspect", &db.url(), "--format", "sql"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let third = with_sentinel();
    let f = s.file("inspected.sql", &out.stdout);
    let out = run(&["apply", "--db", &third.url(), &f, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sentinel_rows(&third), "3");
    // `inspect --format sqlalchemy` of such a table (alone: a table without a primary key,
    // like `sentinel`, cannot be a mapped class), created by real SQLAlchemy.
    let src = Pg::get().unwrap().create_db().unwrap();
    src.exec(&format!(
        "CREATE TABLE t (id int PRIMARY KEY, d text DEFAULT $v${value}$v$, \
         CONSTRAINT k CHECK (d <> $v${value}x$v$));"
    ))
    .unwrap();
    let out = run(&["inspect", &src.url(), "--format", "sqlalchemy"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let model = s.file("inspected.py", &out.stdout);
    let sixth = with_sentinel();
    schemafix_tests::python::create_all(std::path::Path::new(&model), &sixth.sqlalchemy_url())
        .unwrap();
    assert_eq!(sentinel_rows(&sixth), "3");
    sixth.exec("INSERT INTO t (id) VALUES (1);").unwrap();
    assert_eq!(
        sixth
            .query("SELECT d = E'\\\\''; DROP TABLE sentinel; --' FROM t")
            .unwrap(),
        "t"
    );
    // A `\d+` paste of the table, as the desired side.
    let paste = db.describe("\\d+ t", &[]).unwrap();
    let fourth = with_sentinel();
    let f = s.file("t.d.txt", &paste);
    let out = run(&["apply", "--db", &fourth.url(), &f, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sentinel_rows(&fourth), "3");
    fourth.exec("INSERT INTO t (id) VALUES (1);").unwrap();
    assert_eq!(
        fourth
            .query("SELECT d = E'\\\\''; DROP TABLE sentinel; --' FROM t")
            .unwrap(),
        "t"
    );
    // A model's server_default.
    let model = format!(
        "from sqlalchemy import Column, Integer, Text\nfrom sqlalchemy.orm import declarative_base\n\
         Base = declarative_base()\n\nclass T(Base):\n    __tablename__ = \"t\"\n    \
         id = Column(Integer, primary_key=True, autoincrement=False)\n    \
         d = Column(Text, server_default={:?})\n",
        value
    );
    let fifth = with_sentinel();
    let f = s.file("models.py", model);
    let out = run(&["apply", "--db", &fifth.url(), &f, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sentinel_rows(&fifth), "3");
    fifth.exec("INSERT INTO t (id) VALUES (1);").unwrap();
    assert_eq!(
        fifth
            .query("SELECT d = E'\\\\''; DROP TABLE sentinel; --' FROM t")
            .unwrap(),
        "t"
    );
}

/// `schemafix apply --db DB FILE --yes --allow-destructive` and `more`.
fn apply_destructive(db: &Db, file: &str, more: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec!["apply", "--db", &url, file, "--yes", "--allow-destructive"];
    args.extend_from_slice(more);
    run(&args)
}

/// Item 2: a byte-order mark hides nothing; with `--allow-destructive` the table stays.
#[test]
fn a_byte_order_mark_hides_no_statement() {
    let s = Scratch::new("bom");
    let db = with_sentinel();
    let f = s.file("bom.sql", "\u{feff}CREATE TABLE sentinel (x integer);\n");
    let out = apply_destructive(&db, &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("nothing to change"), "{err}");
    assert_eq!(sentinel_rows(&db), "3");
}

/// Item 3: text that is not a schema is refused; an empty desired side needs `--allow-empty`.
#[test]
fn text_that_is_no_schema_drops_nothing() {
    let s = Scratch::new("notschema");
    let db = with_sentinel();
    for (name, body) in [
        ("hello.txt", "hello\n".to_string()),
        ("script.sh", "#!/bin/sh\necho DROP\n".to_string()),
        ("blob.b64", "QUJD".repeat(10_000)),
    ] {
        let f = s.file(name, body);
        let out = apply_destructive(&db, &f, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("not SQL"), "{name}: {err}");
        assert_eq!(sentinel_rows(&db), "3");
    }
    let f = s.file("empty.sql", "-- nothing\n");
    let out = apply_destructive(&db, &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--allow-empty"), "{err}");
    assert_eq!(sentinel_rows(&db), "3");
    let out = apply_destructive(&db, &f, &["--allow-empty"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        db.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .unwrap(),
        "0"
    );
    // And an empty current side creates everything.
    let fresh = Pg::get().unwrap().create_db().unwrap();
    let out = run(&["diff", &f, &fresh.url()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// Item 4: an index left INVALID by a failed concurrent build is drift, rebuilt (concurrently
/// in online mode), after which it enforces uniqueness.
#[test]
fn an_invalid_index_is_drift_and_rebuilt() {
    let s = Scratch::new("invalid");
    let desired = s.file(
        "desired.sql",
        "CREATE TABLE u (id int, e text);\nCREATE UNIQUE INDEX u_e ON u (e);\n",
    );
    for online in [false, true] {
        let db = Pg::get().unwrap().create_db().unwrap();
        db.exec("CREATE TABLE u (id int, e text); INSERT INTO u VALUES (1, 'a'), (2, 'a');")
            .unwrap();
        assert!(db
            .exec("CREATE UNIQUE INDEX CONCURRENTLY u_e ON u (e);")
            .is_err());
        assert_eq!(
            db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_e'::regclass")
                .unwrap(),
            "f"
        );
        let out = run(&["check", &db.url(), &desired]);
        let o = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{o}");
        assert!(o.contains("INVALID"), "{o}");
        db.exec("DELETE FROM u WHERE id = 2;").unwrap();
        let url = db.url();
        let mut args = vec!["apply", "--db", &url, &desired, "--yes"];
        if online {
            args.push("--online");
        }
        let out = run(&args);
        let (o, e) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{e}");
        if online {
            assert!(o.contains("DROP INDEX CONCURRENTLY u_e"), "{o}");
        }
        assert_eq!(
            db.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_e'::regclass")
                .unwrap(),
            "t"
        );
        assert!(db.exec("INSERT INTO u VALUES (3, 'a');").is_err());
    }
}

/// What the proxy below does to the first connection it carries.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fault {
    /// Passes everything (and counts the statements).
    None,
    /// Passes COMMIT to the server, then closes the client's side without its answer.
    AnswerLost,
    /// Closes the client's side instead of passing COMMIT on.
    CommitLost,
    /// Passes COMMIT and its answer, then closes the connection.
    AfterCommit,
    /// As `AnswerLost`, and takes no connection after the first.
    AnswerLostForGood,
    /// Closes the connection instead of passing on the n-th statement (from 1).
    Before(usize),
    /// Passes the n-th statement on and closes the connection while it runs.
    During(usize),
}

/// A TCP proxy in front of the server that can cut the first connection at its COMMIT or at
/// one of its statements (read from the frontend protocol: simple `Query` messages and the
/// extended protocol's `Parse`, one per statement `apply` runs); later connections pass
/// untouched.
struct Proxy {
    port: u16,
    fault: Arc<std::sync::Mutex<Option<Fault>>>,
    /// `Parse` messages the first connection sent.
    statements: Arc<std::sync::atomic::AtomicUsize>,
}

impl Proxy {
    fn start(server_port: u16, fault: Fault) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let fault = Arc::new(std::sync::Mutex::new(Some(fault)));
        let statements = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (f, count) = (fault.clone(), statements.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)) else {
                    break;
                };
                let mode = f.lock().unwrap().take();
                let count = count.clone();
                let alone = mode == Some(Fault::AnswerLostForGood);
                std::thread::spawn(move || match mode {
                    Some(Fault::AnswerLostForGood) => {
                        carry(client, server, Fault::AnswerLost, &count)
                    }
                    Some(mode) => carry(client, server, mode, &count),
                    None => carry(client, server, Fault::None, &Default::default()),
                });
                if alone {
                    // The listener goes: a new connection is refused.
                    break;
                }
            }
        });
        Proxy {
            port,
            fault,
            statements,
        }
    }

    fn armed(&self) -> bool {
        self.fault.lock().unwrap().is_some()
    }

    fn url(&self, db: &Db) -> String {
        format!(
            "postgresql://postgres@127.0.0.1:{}/{}?sslmode=disable",
            self.port, db.name
        )
    }
}

fn carry(
    mut client: TcpStream,
    mut server: TcpStream,
    mode: Fault,
    count: &std::sync::atomic::AtomicUsize,
) {
    let cut = Arc::new(AtomicBool::new(false));
    let commit_sent = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicBool::new(false));
    {
        let (mut from, mut to, client2) = (
            server.try_clone().unwrap(),
            client.try_clone().unwrap(),
            client.try_clone().unwrap(),
        );
        let (cut, commit_sent, answered) = (cut.clone(), commit_sent.clone(), answered.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            loop {
                let n = match from.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if commit_sent.load(Ordering::SeqCst) {
                    if mode == Fault::AnswerLost {
                        // The server has the COMMIT; its answer never arrives.
                        std::thread::sleep(Duration::from_millis(300));
                        cut.store(true, Ordering::SeqCst);
                        client2.shutdown(Shutdown::Both).ok();
                        break;
                    }
                    if mode == Fault::AfterCommit {
                        // The whole answer (up to ReadyForQuery) goes through; the client's
                        // next message finds the connection gone.
                        if buf[..n].windows(5).any(|w| w == [b'Z', 0, 0, 0, 5]) {
                            answered.store(true, Ordering::SeqCst);
                        }
                    }
                }
                if cut.load(Ordering::SeqCst) || to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
    }
    // Client to server, message by message: the startup message has no type byte.
    let mut header = [0u8; 4];
    if client.read_exact(&mut header).is_err() {
        return;
    }
    let len = u32::from_be_bytes(header) as usize;
    let mut body = vec![0u8; len.saturating_sub(4)];
    if client.read_exact(&mut body).is_err() {
        return;
    }
    server.write_all(&header).ok();
    server.write_all(&body).ok();
    let mut during = false;
    loop {
        let mut head = [0u8; 5];
        if client.read_exact(&mut head).is_err() || cut.load(Ordering::SeqCst) {
            break;
        }
        let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; len.saturating_sub(4)];
        if client.read_exact(&mut body).is_err() {
            break;
        }
        if answered.load(Ordering::SeqCst) {
            client.shutdown(Shutdown::Both).ok();
            break;
        }
        let is_commit = head[0] == b'Q' && body.starts_with(b"COMMIT");
        if is_commit && mode == Fault::CommitLost {
            client.shutdown(Shutdown::Both).ok();
            break;
        }
        if is_commit && matches!(mode, Fault::AnswerLost | Fault::AfterCommit) {
            commit_sent.store(true, Ordering::SeqCst);
        }
        if head[0] == b'P' {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            match mode {
                Fault::Before(k) if k == n => {
                    cut.store(true, Ordering::SeqCst);
                    client.shutdown(Shutdown::Both).ok();
                    break;
                }
                Fault::During(k) if k == n => during = true,
                _ => {}
            }
        }
        if server.write_all(&head).is_err() || server.write_all(&body).is_err() {
            break;
        }
        // The statement runs at its Execute (after the Parse's own round trip): the
        // connection goes while the server runs it.
        if during && head[0] == b'E' {
            let mut sync = [0u8; 5];
            if client.read_exact(&mut sync).is_ok() {
                server.write_all(&sync).ok();
            }
            std::thread::sleep(Duration::from_millis(30));
            cut.store(true, Ordering::SeqCst);
            client.shutdown(Shutdown::Both).ok();
            break;
        }
    }
    // Ending our side of the server connection makes the server end the session (and roll
    // back what it has not committed).
    server.shutdown(Shutdown::Both).ok();
}

/// Item 5: a COMMIT whose answer is lost is settled by reading the database again; so is a
/// connection lost during the verification after a good commit.
#[test]
fn a_lost_commit_is_reported_as_what_happened() {
    let pg = Pg::own().expect("our own cluster");
    let (port, _) = pg.tcp().unwrap();
    let s = Scratch::new("commit");
    let desired = s.file(
        "desired.sql",
        "CREATE TABLE sentinel (x integer, y text);\n",
    );
    for (fault, code, says, changed) in [
        (
            Fault::AnswerLost,
            0,
            "committed: a fresh read finds the desired schema",
            true,
        ),
        (
            Fault::CommitLost,
            3,
            "not committed: a fresh read finds the database as it was before",
            false,
        ),
        (Fault::AfterCommit, 0, "verified:", true),
        (
            Fault::AnswerLostForGood,
            5,
            "the outcome is unknown: reading the database again failed",
            true,
        ),
    ] {
        let db = pg.create_db().unwrap();
        db.exec("CREATE TABLE sentinel (x integer); INSERT INTO sentinel VALUES (1), (2), (3);")
            .unwrap();
        let proxy = Proxy::start(port, fault);
        let url = proxy.url(&db);
        let out = run(&["apply", "--db", &url, &desired, "--yes"]);
        let err = text(&out.stderr);
        assert!(
            !proxy.armed(),
            "{fault:?}: the proxy never saw a connection"
        );
        assert_eq!(out.status.code(), Some(code), "{fault:?}: {err}");
        assert!(err.contains(says), "{fault:?}: {err}");
        let has_y = db
            .query("SELECT count(*) FROM pg_attribute WHERE attrelid = 'sentinel'::regclass AND attname = 'y'")
            .unwrap();
        assert_eq!(has_y == "1", changed, "{fault:?}: {err}");
        assert_eq!(sentinel_rows(&db), "3");
    }
}

/// Item 7: a rename to a name the desired schema lacks (a typo) is refused before anything.
#[test]
fn a_mistyped_rename_is_refused() {
    let s = Scratch::new("rename");
    let db = Pg::get().unwrap().create_db().unwrap();
    db.exec(
        "CREATE TABLE users (id int PRIMARY KEY, login text); INSERT INTO users VALUES (1, 'ann');",
    )
    .unwrap();
    let desired = s.file(
        "desired.sql",
        "CREATE TABLE users (id int PRIMARY KEY, username text);\n",
    );
    for (rename, says) in [
        (
            "users.login=usrname",
            "has no column usrname; its columns: id, username",
        ),
        (
            "users.logn=username",
            "has no column logn; its columns: id, login",
        ),
        ("users=people", "the desired schema has no table people"),
    ] {
        let out = run(&[
            "apply",
            "--db",
            &db.url(),
            &desired,
            "--yes",
            "--allow-destructive",
            "--rename",
            rename,
        ]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rename}: {err}");
        assert!(err.contains(says), "{rename}: {err}");
        assert_eq!(db.query("SELECT login FROM users").unwrap(), "ann");
    }
    let out = run(&[
        "apply",
        "--db",
        &db.url(),
        &desired,
        "--yes",
        "--rename",
        "users.login=username",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(db.query("SELECT username FROM users").unwrap(), "ann");
}

/// A command line and its environment.
type Run<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Item 8: a canary password in malformed connection strings, as an argument, `--db` and
/// `DATABASE_URL`, never reaches any output of any command.
#[test]
fn no_malformed_connection_string_shows_its_password() {
    let canary = "Canary7Secret";
    let s = Scratch::new("redact");
    let file = s.file("t.sql", "CREATE TABLE t (x int);\n");
    let shapes = [
        "postgress://app:{p}@host/db",
        "postgres:/app:{p}@host/db",
        "http://app:{p}@host/db",
        "postgresql://app:{p}@[::1/db",
        "postgres://app:{p}@127.0.0.1:1/db",
        "postgres://app:{p}@h/db?sslmode=bogus",
        "postgres://app:{p}@h:notaport/db",
        "postgres://app:{p} x@h/db",
        "app:{p}@host/db",
        "host=x password={p}",
        "host=x password=a\\ {p}",
        "host=x password='a {p}'",
        "host=x password = '{p}",
        "host=x password={p} bogus",
        "host=x password={p} port=notaport",
        "host=x user=u password={p} sslmode=verify-full sslrootcert=/nonexistent",
        "password={p}",
        "host=127.0.0.1 port=1 password={p}",
    ];
    for shape in shapes {
        let conn = shape.replace("{p}", canary);
        let runs: Vec<Run> = vec![
            (vec!["check", &conn, &file], vec![]),
            (vec!["diff", &file, &conn], vec![]),
            (vec!["inspect", &conn], vec![]),
            (vec!["apply", "--db", &conn, &file, "--yes"], vec![]),
            (vec!["apply", &file, "--yes"], vec![("DATABASE_URL", &conn)]),
            (
                vec!["apply", &file, "--yes"],
                vec![
                    ("PGPASSWORD", canary),
                    ("PGHOST", "127.0.0.1"),
                    ("PGPORT", "1"),
                ],
            ),
        ];
        for (args, env) in runs {
            let out = run_env(&args, &env);
            let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
            for piece in [canary, "Canary7", "7Secret"] {
                assert!(!all.contains(piece), "{shape} {args:?} {env:?}: {all}");
            }
        }
    }
}

/// Item 9: `check` and `inspect` give up on a lock after the lock timeout, with the database
/// exit code.
#[test]
fn catalog_reads_time_out_on_a_lock() {
    let s = Scratch::new("timeout");
    let db = Pg::get().unwrap().create_db().unwrap();
    let ddl = "CREATE TABLE t (id serial PRIMARY KEY, x int);\nCREATE VIEW v AS SELECT * FROM t;\n";
    db.exec(ddl).unwrap();
    let file = s.file("t.sql", ddl);
    let url = db.url();
    // Another session holds an ACCESS EXCLUSIVE lock on t inside an open transaction (as a
    // long ALTER TABLE would).
    let mut holder = schemafix_cli::connect::ConnSpec::resolve(Some(&db.url()), &|_| None)
        .unwrap()
        .connect()
        .unwrap();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    for args in [
        vec!["check", &url, &file, "--lock-timeout", "300ms"],
        vec!["inspect", &url, "--lock-timeout", "300ms"],
    ] {
        let out = run(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(err.contains("lock timeout"), "{args:?}: {err}");
        assert!(err.contains("--lock-timeout"), "{args:?}: {err}");
    }
    tx.rollback().unwrap();
}

/// Item 10: a function body holding `REFRESH MATERIALIZED VIEW CONCURRENTLY` is created in the
/// plan's transaction like any statement: the split comes from the plan, not from text.
#[test]
fn concurrently_in_a_function_body_stays_in_the_transaction() {
    let s = Scratch::new("concurrently");
    let db = Pg::get().unwrap().create_db().unwrap();
    db.exec("CREATE TABLE t (x int);").unwrap();
    let desired = s.file(
        "desired.sql",
        "CREATE TABLE t (x int);\n\
         CREATE TABLE a (y int);\n\
         CREATE FUNCTION refresh() RETURNS void LANGUAGE plpgsql AS $$\n\
         BEGIN\n  REFRESH MATERIALIZED VIEW CONCURRENTLY mv;\nEND\n$$;\n",
    );
    let out = run(&["apply", "--db", &db.url(), &desired, "--yes"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("in one transaction"), "{err}");
    assert!(!err.contains("outside the transaction"), "{err}");
}

/// Item 11: an online plan has no Alembic form: refused with why, not rendered as the plain
/// long-locking operations.
#[test]
fn an_online_plan_as_alembic_is_refused() {
    let s = Scratch::new("alembic");
    let from = s.file("from.sql", "CREATE TABLE t (x int);\n");
    let to = s.file(
        "to.sql",
        "CREATE TABLE t (x int);\nCREATE INDEX t_x ON t (x);\n",
    );
    let out = run(&["diff", &from, &to, "--online", "--format", "alembic"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("an online plan has no Alembic form"), "{err}");
    let out = run(&["diff", &from, &to, "--format", "alembic"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// The exit code the README documents for an apply nobody confirms: 2, nothing changed,
/// whether no terminal can ask (no `--yes`) or the answer at the prompt is no (a terminal made
/// by `script`).
#[test]
fn an_unconfirmed_apply_exits_2() {
    let s = Scratch::new("codes");
    let db = Pg::get().unwrap().create_db().unwrap();
    let desired = s.file("d.sql", "CREATE TABLE t (x int);\n");
    let out = run(&["apply", "--db", &db.url(), &desired]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nobody can confirm"));
    let command = format!(
        "{} apply --db '{}' '{}'",
        schemafix_bin().display(),
        db.url(),
        desired
    );
    let mut answer = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    answer.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let out = answer.wait_with_output().unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("[y/N]"), "{all}");
    assert!(all.contains("not applied: nothing was changed"), "{all}");
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert_eq!(
        db.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .unwrap(),
        "0"
    );
}

/// The rows the interruption test checks: every table's count and sums.
fn rows_of(db: &Db) -> String {
    db.query(
        "SELECT (SELECT count(*) || ':' || sum(id) FROM users) || '/' || \
         (SELECT count(*) || ':' || sum(user_id) || ':' || sum(total) FROM orders)",
    )
    .unwrap()
}

/// Item 6: an online apply cut at any statement, before it reaches the server or while the
/// server runs it, finishes when run again: the rerun removes what the cut left, converges to
/// the desired schema, and every row is still there.
#[test]
fn an_online_apply_stopped_at_any_statement_finishes_when_run_again() {
    let pg = Pg::own().expect("our own cluster");
    let (port, _) = pg.tcp().unwrap();
    let s = Scratch::new("resume");
    let from = "CREATE TABLE users (id integer PRIMARY KEY, email text);\n\
        CREATE TABLE orders (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), \
        total integer NOT NULL DEFAULT 0);\n\
        CREATE INDEX orders_total_idx ON orders (total);\n";
    let rows = "INSERT INTO users SELECT i, 'u' || i FROM generate_series(1, 200) i;\n\
        INSERT INTO orders (user_id, total) SELECT 1 + i % 200, i FROM generate_series(1, 500) i;\n";
    let desired_sql = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n\
        CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), \
        total integer NOT NULL DEFAULT 0, note text NOT NULL DEFAULT 'none');\n\
        CREATE INDEX orders_total_idx ON orders (total);\n\
        CREATE UNIQUE INDEX orders_user_total ON orders (user_id, total);\n\
        ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n\
        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n";
    let desired = s.file("desired.sql", desired_sql);
    let reference = pg.create_db().unwrap();
    reference.exec(desired_sql).unwrap();
    let want = normalize_dump(&reference.dump().unwrap());
    let fresh = || {
        let db = pg.create_db().unwrap();
        db.exec(from).unwrap();
        db.exec(rows).unwrap();
        db
    };
    // The whole plan once, through the proxy, to count its statements.
    let db = fresh();
    let before = rows_of(&db);
    let proxy = Proxy::start(port, Fault::None);
    let out = run(&[
        "apply",
        "--db",
        &proxy.url(&db),
        &desired,
        "--yes",
        "--online",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let total = proxy.statements.load(Ordering::SeqCst);
    assert!(total >= 20, "{total} statements");
    assert_eq!(normalize_dump(&db.dump().unwrap()), want);
    // CI cuts before every statement and during every other one; `cargo xtask interrupts`
    // (SCHEMAFIX_ALL_INTERRUPTS=1) during every one too.
    let all = std::env::var_os("SCHEMAFIX_ALL_INTERRUPTS").is_some();
    let faults: Vec<Fault> = (1..=total)
        .flat_map(|k| {
            let during = (all || k % 2 == 1).then_some(Fault::During(k));
            std::iter::once(Fault::Before(k)).chain(during)
        })
        .collect();
    eprintln!(
        "interrupting the online apply at {} of its {total} statements' {} cut points",
        faults.len(),
        2 * total
    );
    let mut failures = Vec::new();
    for fault in faults {
        let db = fresh();
        let proxy = Proxy::start(port, fault);
        let cut = run(&[
            "apply",
            "--db",
            &proxy.url(&db),
            &desired,
            "--yes",
            "--online",
        ]);
        let cut_err = text(&cut.stderr);
        if cut_err.contains("run the rest of the script") {
            failures.push(format!("{fault:?}: advises the script: {cut_err}"));
        }
        let again = run(&["apply", "--db", &db.url(), &desired, "--yes", "--online"]);
        let err = text(&again.stderr);
        if again.status.code() != Some(0) {
            failures.push(format!(
                "{fault:?}: the rerun exited {:?}:\n{err}\n(the cut run said:\n{cut_err})",
                again.status.code()
            ));
            continue;
        }
        let dump = normalize_dump(&db.dump().unwrap());
        if dump != want {
            failures.push(format!(
                "{fault:?}: not converged: {}",
                schemafix_tests::dump_difference(&dump, &want)
            ));
        }
        if rows_of(&db) != before {
            failures.push(format!(
                "{fault:?}: rows changed: {} != {before}",
                rows_of(&db)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Item 6, by hand: Ctrl-C (SIGINT) while a statement waits for a lock cancels it on the server
/// at once, rolls the transaction back, says so and how to finish; running it again does.
#[test]
fn ctrl_c_cancels_the_running_statement_and_says_how_to_finish() {
    let s = Scratch::new("sigint");
    let db = Pg::get().unwrap().create_db().unwrap();
    db.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2);")
        .unwrap();
    let desired = s.file("d.sql", "CREATE TABLE t (x int, y int);\n");
    let mut holder = schemafix_cli::connect::ConnSpec::resolve(Some(&db.url()), &|_| None)
        .unwrap()
        .connect()
        .unwrap();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("SELECT * FROM t").unwrap();
    let child = Command::new(schemafix_bin())
        .args([
            "apply",
            "--db",
            &db.url(),
            &desired,
            "--yes",
            "--lock-timeout",
            "120s",
        ])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let waiting = db
            .query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'schemafix' AND wait_event_type = 'Lock'",
            )
            .unwrap();
        if waiting == "1" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never waited");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let waited = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(waited.elapsed() < Duration::from_secs(30), "{err}");
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("canceling statement due to user request"),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(
        err.contains("run the same `schemafix apply` again"),
        "{err}"
    );
    tx.rollback().unwrap();
    assert_eq!(
        db.query(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'y'"
        )
        .unwrap(),
        "0"
    );
    let out = run(&["apply", "--db", &db.url(), &desired, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(db.query("SELECT count(*) FROM t").unwrap(), "2");
}

/// A paste's scope is its tables: against a database with other schemas, the plan creates none
/// of them (they exist); a paste from a psql in another language is pointed to `LC_MESSAGES=C`.
#[test]
fn a_paste_creates_no_schema_it_does_not_show_and_a_translated_one_gets_a_hint() {
    let s = Scratch::new("paste");
    let db = Pg::get().unwrap().create_db().unwrap();
    db.exec(
        "CREATE SCHEMA app; CREATE TABLE app.accounts (id int PRIMARY KEY);\n\
         CREATE TABLE users (id int PRIMARY KEY, email text);",
    )
    .unwrap();
    let paste = s.file("users.d.txt", db.describe("\\d users", &[]).unwrap());
    let out = run(&["diff", &paste, &db.url()]);
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{e}");
    assert!(!o.contains("CREATE SCHEMA"), "{o}");
    assert!(e.contains("not compared: app.accounts"), "{e}");
    for (name, paste) in [
        (
            "de.txt",
            "       Tabelle »public.users«\n Spalte |   Typ   | Sortierfolge | NULL erlaubt? | Vorgabewert\n\
             --------+---------+--------------+---------------+-------------\n id     | integer |              | not null      |\n",
        ),
        (
            "ru.txt",
            "     Таблица \"public.users\"\n Столбец |   Тип   | Правило сортировки | Допустимость NULL | По умолчанию\n\
             ---------+---------+--------------------+-------------------+--------------\n id      | integer |                    | not null          |\n",
        ),
        (
            "ja.txt",
            "     テーブル \"public.users\"\n 列 | タイプ | 照合順序 | Null 値を許容 | デフォルト\n\
             ----+---------+----------+---------------+------------\n id | integer |          | not null      |\n",
        ),
    ] {
        let f = s.file(name, paste);
        let out = run(&["inspect", &f]);
        let e = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {e}");
        assert!(e.contains("LC_MESSAGES=C"), "{name}: {e}");
    }
}

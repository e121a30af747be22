//! Core's verification script (`schemafix_core::script` / `outcome`, what the page's PGlite
//! worker runs) on the test cluster's PostgreSQL: run the way `web/verify-worker.js` runs it
//! (each statement through the simple protocol, batches in their transactions, every catalog
//! value as text), so the script and the reading of its outcome are proved on the server
//! version the CLI is tested on too. The browser test (`web.rs`) runs it on PGlite.

use schemafix_core::{migrate, outcome, script, Outcome, PlanOptions, Row, Script};
use schemafix_tests::{shared_dir, Pg};

/// Where a run stopped: the setup statement (its line) or the plan step PostgreSQL refused,
/// with SQLSTATE and message.
#[derive(Debug)]
enum Stop {
    Setup(Option<u32>, String, String),
    Step(Option<usize>, String, String),
}

fn sqlstate(e: &postgres::Error) -> (String, String) {
    e.as_db_error().map_or_else(
        || (String::new(), e.to_string()),
        |d| (d.code().code().to_string(), d.message().to_string()),
    )
}

fn rows(c: &mut postgres::Client, sql: &str) -> Vec<Row> {
    c.simple_query(sql)
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .collect()
}

/// Runs `s` on a fresh database, skipping the plan statements `skip` says to; the catalog rows.
fn run(s: &Script, skip: &dyn Fn(usize) -> bool) -> Result<Vec<Vec<Row>>, Stop> {
    let db = Pg::get().unwrap().create_db().unwrap();
    let mut c = postgres::Client::connect(&db.url(), postgres::NoTls).unwrap();
    for st in &s.setup {
        c.batch_execute(&st.sql).map_err(|e| {
            let (code, message) = sqlstate(&e);
            Stop::Setup(st.line, code, message)
        })?;
    }
    c.batch_execute("RESET ALL").unwrap();
    let mut n = 0;
    for b in &s.batches {
        if b.transactional {
            c.batch_execute("BEGIN").unwrap();
        }
        for st in &b.statements {
            n += 1;
            if skip(n) {
                continue;
            }
            if let Err(e) = c.batch_execute(&st.sql) {
                let (code, message) = sqlstate(&e);
                return Err(Stop::Step(st.step, code, message));
            }
        }
        if b.transactional {
            c.batch_execute("COMMIT").unwrap();
        }
    }
    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .unwrap();
    let out = s.catalog.iter().map(|q| rows(&mut c, q)).skip(1).collect();
    c.batch_execute("COMMIT").unwrap();
    Ok(out)
}

fn verify(from: &str, to: &str, skip: &dyn Fn(usize) -> bool) -> (Script, Result<Outcome, Stop>) {
    let options = PlanOptions::default();
    let m = migrate(from, None, to, None, &options);
    assert!(
        !m.has_errors(),
        "{:?} {:?}",
        m.from_diagnostics,
        m.to_diagnostics
    );
    let s = script(from, None, &m.plan, &m.to_schema);
    let result = run(&s, skip).map(|rows| outcome(&rows, &m.to_schema, &options));
    (s, result)
}

fn seed(file: &str) -> String {
    std::fs::read_to_string(shared_dir().join("examples/seed").join(file)).unwrap()
}

#[test]
fn the_seed_converges_from_the_paste_and_a_step_left_out_is_found() {
    let (s, result) = verify(&seed("users.d.txt"), &seed("models.py"), &|_| false);
    assert!(s.setup_generated);
    let o = result.unwrap();
    assert!(o.converged, "{:?}", o.left.steps);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    // Without the plan's last statement (DROP NOT NULL), that step is what is left.
    let last = s.batches.iter().map(|b| b.statements.len()).sum::<usize>();
    let (_, result) = verify(&seed("users.d.txt"), &seed("models.py"), &|n| n == last);
    let o = result.unwrap();
    assert!(!o.converged);
    let left: Vec<&str> = o.left.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(left, ["drop-not-null"]);
}

#[test]
fn written_ddl_keeps_its_rows_and_a_refused_step_is_named() {
    let from = "CREATE TABLE users (\n    id serial PRIMARY KEY,\n    email text NOT NULL,\n    password_hash text\n);\n\
                ALTER TABLE users OWNER TO nobody_here;\nGRANT SELECT ON users TO nobody_here;\n\
                INSERT INTO users (email) VALUES ('ada@example.com');\n";
    let to = "CREATE TABLE users (\n    id serial PRIMARY KEY,\n    email text NOT NULL,\n    password_hash text NOT NULL,\n    name text\n);\n";
    let (s, result) = verify(from, to, &|_| false);
    assert!(!s.setup_generated);
    assert_eq!(s.left_out.len(), 2, "{:?}", s.left_out);
    match result {
        Err(Stop::Step(Some(step), code, message)) => {
            assert_eq!(code, "23502", "{message}");
            assert!(message.contains("contains null values"), "{message}");
            let m = migrate(from, None, to, None, &PlanOptions::default());
            assert_eq!(m.plan.steps[step - 1].id, "set-not-null");
        }
        other => panic!("expected the SET NOT NULL step to fail: {other:?}"),
    }
    // Without the row, the same migration converges.
    let clean = from.replace(
        "INSERT INTO users (email) VALUES ('ada@example.com');\n",
        "",
    );
    let (_, result) = verify(&clean, to, &|_| false);
    assert!(result.unwrap().converged);
}

#[test]
fn a_current_schema_postgresql_refuses_is_reported_at_its_line() {
    let from =
        "CREATE TABLE a (id int PRIMARY KEY);\nCREATE INDEX a_x ON a USING nosuchmethod (id);\n";
    let (_, result) = verify(from, "CREATE TABLE a (id int PRIMARY KEY);", &|_| false);
    match result {
        Err(Stop::Setup(line, code, message)) => {
            assert_eq!(line, Some(2), "{message}");
            assert_eq!(code, "42704", "{message}");
        }
        other => panic!("expected the setup to fail: {other:?}"),
    }
}

/// A `\d` paste shows an enum only as a column's type: the setup creates the type as the
/// desired side defines it (said in `borrowed`), and the migration converges.
#[test]
fn a_paste_that_only_names_its_enum_borrows_the_desired_definition() {
    let paste = r#"                                Table "public.users"
 Column |   Type    | Collation | Nullable |              Default
--------+-----------+-----------+----------+-----------------------------------
 id     | integer   |           | not null | nextval('users_id_seq'::regclass)
 role   | user_role |           | not null | 'member'::user_role
Indexes:
    "users_pkey" PRIMARY KEY, btree (id)
"#;
    let to = "CREATE TYPE user_role AS ENUM ('member', 'admin');\n\
              CREATE TABLE users (id serial PRIMARY KEY, role user_role NOT NULL DEFAULT 'member', name text);\n";
    let (s, result) = verify(paste, to, &|_| false);
    assert!(s.setup_generated);
    assert_eq!(s.borrowed.len(), 1, "{:?}", s.borrowed);
    assert!(
        s.borrowed[0].starts_with("type user_role: named but not defined")
            && s.borrowed[0].contains("(member, admin)"),
        "{:?}",
        s.borrowed
    );
    let o = result.unwrap();
    assert!(o.converged, "{:?}", o.left.steps);
    // Without the desired side's definition the setup stops at the unknown type.
    let m = migrate(paste, None, to, None, &PlanOptions::default());
    let bare = script(paste, None, &m.plan, &Default::default());
    assert!(bare.borrowed.is_empty());
    match run(&bare, &|_| false) {
        Err(Stop::Setup(_, code, message)) => assert_eq!(code, "42704", "{message}"),
        other => panic!("expected the setup to fail on the type: {other:?}"),
    }
}

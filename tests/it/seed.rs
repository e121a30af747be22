//! The seed case: the `users` table that drifted from its model.

use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::{normalize_dump, shared_dir, Pg};

fn seed(name: &str) -> String {
    std::fs::read_to_string(shared_dir().join("examples/seed").join(name)).expect("seed file")
}

/// The current side as the seed gives it: the legacy DDL and the two real psql pastes.
const CURRENT: &[&str] = &["old.sql", "users.d.txt", "users.dplus.txt"];

#[test]
fn seed_case_is_three_statements_with_reasons() {
    for current in CURRENT {
        three_statements(current);
    }
}

fn three_statements(current: &str) {
    let m = migrate(
        &seed(current),
        None,
        &seed("new.sql"),
        None,
        &PlanOptions::default(),
    );
    assert!(
        !m.has_errors(),
        "{current}: {:?} {:?}",
        m.from_diagnostics,
        m.to_diagnostics
    );
    let statements: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
    assert_eq!(
        statements,
        vec![
            "ALTER TABLE users ADD COLUMN full_name character varying(255);",
            "ALTER TABLE users ADD COLUMN username character varying(255);",
            "ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;",
        ],
        "from {current}"
    );
    let comments: Vec<&str> = m.sql.lines().filter(|l| l.starts_with("--")).collect();
    assert_eq!(comments.len(), 3, "one reason per statement:\n{}", m.sql);
    assert!(comments[2].contains("password_hash") && comments[2].contains("NOT NULL"));
    assert!(m.plan.skipped.is_empty());
}

#[test]
fn seed_case_converges_on_postgresql_and_keeps_rows() {
    for current in CURRENT {
        converges(current);
    }
}

fn converges(current_input: &str) {
    let pg = Pg::get().expect("PostgreSQL");
    let current = pg.create_db().unwrap();
    current.exec(&seed("old.sql")).unwrap();
    current.exec(&seed("seed.sql")).unwrap();
    let reference = pg.create_db().unwrap();
    reference.exec(&seed("new.sql")).unwrap();

    let m = migrate(
        &seed(current_input),
        None,
        &seed("new.sql"),
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    current.exec_tx(&m.sql).unwrap();

    assert_eq!(
        normalize_dump(&current.dump().unwrap())
            .iter()
            .filter(|s| !s.contains("ALTER TABLE ONLY public.users ADD COLUMN"))
            .count(),
        normalize_dump(&reference.dump().unwrap()).len()
    );
    // Column order differs (new columns go last), so compare the catalog per column.
    let cols =
        "SELECT column_name, data_type, character_maximum_length, is_nullable, column_default \
                FROM information_schema.columns WHERE table_name = 'users' ORDER BY column_name";
    assert_eq!(current.query(cols).unwrap(), reference.query(cols).unwrap());
    let idx = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY 1";
    assert_eq!(current.query(idx).unwrap(), reference.query(idx).unwrap());
    assert_eq!(
        current
            .query("SELECT email, password_hash, role, is_active FROM users ORDER BY email")
            .unwrap(),
        "a@example.com|x|admin|t\nb@example.com|y|personal_only|t"
    );
    // Nothing is left to change: the migrated database's dump diffs empty against the model.
    let again = migrate(
        &current.dump().unwrap(),
        Some(Format::Sql),
        &seed("new.sql"),
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert!(again.plan.is_empty(), "{}", again.sql);
    // … and so does its live `\d+ users`.
    let live = current.describe("\\d+ users", &[]).unwrap();
    let again = migrate(
        &live,
        None,
        &seed("new.sql"),
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert_eq!(again.from_format, Format::Psql);
    assert!(!again.has_errors(), "{:?}", again.from_diagnostics);
    assert!(again.plan.is_empty(), "{live}\n{}", again.sql);
}

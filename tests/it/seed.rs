//! The seed case: the `users` table that drifted from its model.

use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::{normalize_dump, shared_dir, Pg};

fn seed(name: &str) -> String {
    std::fs::read_to_string(shared_dir().join("examples/seed").join(name)).expect("seed file")
}

/// The current side as the seed gives it: the legacy DDL and the two real psql pastes.
const CURRENT: &[&str] = &["old.sql", "users.d.txt", "users.dplus.txt"];

/// The desired side: the DDL `create_all` emits, and the model itself.
const DESIRED: &[&str] = &["new.sql", "models.py"];

#[test]
fn seed_case_is_three_statements_with_reasons() {
    for current in CURRENT {
        for desired in DESIRED {
            three_statements(current, desired);
        }
    }
}

fn three_statements(current: &str, desired: &str) {
    let m = migrate(
        &seed(current),
        None,
        &seed(desired),
        None,
        &PlanOptions::default(),
    );
    assert!(
        !m.has_errors(),
        "{current}: {:?} {:?}",
        m.from_diagnostics,
        m.to_diagnostics
    );
    let statements = schemafix_tests::sql_statements(&m.sql);
    assert_eq!(
        statements,
        vec![
            "ALTER TABLE users ADD COLUMN full_name character varying(255);",
            "ALTER TABLE users ADD COLUMN username character varying(255);",
            "ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;",
        ],
        "from {current} to {desired}"
    );
    if desired == "models.py" {
        // Reasons cite the model lines (models.py: full_name 13, username 14, password_hash 12).
        assert!(
            m.sql.contains("(model line 13)") && m.sql.contains("(model line 12)"),
            "{}",
            m.sql
        );
    }
    let comments: Vec<&str> = m.sql.lines().filter(|l| l.starts_with("--")).collect();
    assert_eq!(comments.len(), 3, "one reason per statement:\n{}", m.sql);
    assert!(comments[2].contains("password_hash") && comments[2].contains("NOT NULL"));
    assert!(m.plan.skipped.is_empty());
}

#[test]
fn seed_case_converges_on_postgresql_and_keeps_rows() {
    for current in CURRENT {
        for desired in DESIRED {
            converges(current, desired);
        }
    }
}

fn converges(current_input: &str, desired_input: &str) {
    let pg = Pg::get().expect("PostgreSQL");
    let current = pg.create_db().unwrap();
    current.exec(&seed("old.sql")).unwrap();
    current.exec(&seed("seed.sql")).unwrap();
    let reference = pg.create_db().unwrap();
    reference.exec(&seed("new.sql")).unwrap();

    let m = migrate(
        &seed(current_input),
        None,
        &seed(desired_input),
        None,
        &PlanOptions::default(),
    );
    assert!(!m.has_errors(), "{:?}", m.to_diagnostics);
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
        &seed(desired_input),
        None,
        &PlanOptions::default(),
    );
    assert!(again.plan.is_empty(), "{}", again.sql);
    // … and so does its live `\d+ users`.
    let live = current.describe("\\d+ users", &[]).unwrap();
    let again = migrate(
        &live,
        None,
        &seed(desired_input),
        None,
        &PlanOptions::default(),
    );
    assert_eq!(again.from_format, Format::Psql);
    assert!(!again.has_errors(), "{:?}", again.from_diagnostics);
    assert!(again.plan.is_empty(), "{live}\n{}", again.sql);
}

//! Alembic revisions: the revision schemafix writes runs under real Alembic, upgrade
//! converges to the model, downgrade returns to the original catalog.

use std::process::{Command, Stdio};

use schemafix_tests::python::AlembicProject;
use schemafix_tests::{normalize_dump, shared_dir, workspace_root, Db, Pg};

use crate::schemafix_bin;

/// The catalog without Alembic's own `alembic_version` table.
fn catalog(db: &Db) -> Vec<String> {
    normalize_dump(&db.dump().unwrap())
        .into_iter()
        .filter(|s| !s.contains("alembic_version"))
        .collect()
}

fn schemafix(args: &[&str]) -> std::process::Output {
    Command::new(schemafix_bin())
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Writes the revision from the live database to `model` (`extra`: more `diff` arguments),
/// runs it up and down, and checks both ends. Returns the revision text.
fn round_trip(db: &Db, model: &str, name: &str, extra: &[&str]) -> Result<String, String> {
    let before = catalog(db);
    let url = db.url();
    let mut args = vec![
        "diff",
        &url,
        model,
        "--format",
        "alembic",
        "--revision",
        "0123456789ab",
        "--allow-destructive",
    ];
    args.extend_from_slice(extra);
    let out = schemafix(&args);
    if out.status.code() != Some(0) {
        return Err(format!("diff: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let revision = String::from_utf8_lossy(&out.stdout).into_owned();
    let project =
        AlembicProject::new(name, &revision, &db.sqlalchemy_url()).map_err(|e| format!("{e:#}"))?;
    project
        .run(&["upgrade", "head"])
        .map_err(|e| format!("{e:#}\n{revision}"))?;
    let check = schemafix(&["check", &db.url(), model]);
    if check.status.code() != Some(0) {
        return Err(format!(
            "not converged after upgrade: {}{}\n{revision}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        ));
    }
    project
        .run(&["downgrade", "-1"])
        .map_err(|e| format!("{e:#}\n{revision}"))?;
    let after = catalog(db);
    if after != before {
        return Err(format!(
            "downgrade did not restore the catalog: {}\n{revision}",
            schemafix_tests::dump_difference(&after, &before)
        ));
    }
    Ok(revision)
}

#[test]
fn the_seed_revision_upgrades_to_the_model_and_downgrades_back() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let seed = shared_dir().join("examples/seed");
    db.exec(&std::fs::read_to_string(seed.join("old.sql")).unwrap())
        .unwrap();
    db.exec(&std::fs::read_to_string(seed.join("seed.sql")).unwrap())
        .unwrap();
    let model = seed.join("models.py").display().to_string();
    let revision = round_trip(&db, &model, "seed", &[]).unwrap();
    let without_date: String = revision
        .lines()
        .filter(|l| !l.starts_with("Create Date:"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("seed_revision", without_date);
    // The same down migration as SQL.
    let old_sql = seed.join("old.sql").display().to_string();
    let new_sql = seed.join("new.sql").display().to_string();
    let down = schemafix(&["diff", &old_sql, &new_sql, "--down"]);
    assert_eq!(down.status.code(), Some(0));
    let down_sql = String::from_utf8_lossy(&down.stdout);
    assert_eq!(
        schemafix_tests::sql_statements(&down_sql),
        [
            "ALTER TABLE users DROP COLUMN full_name;",
            "ALTER TABLE users DROP COLUMN username;",
            "ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;",
        ]
    );
    // The rows came through both directions.
    assert_eq!(
        db.query("SELECT email, password_hash FROM users ORDER BY id")
            .unwrap(),
        "a@example.com|x\nb@example.com|y"
    );
}

#[test]
fn every_model_fixture_round_trips_through_alembic() {
    let pg = Pg::get().expect("PostgreSQL");
    let dir = workspace_root().join("tests/fixtures/sqlalchemy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 40);
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(f) = files.get(i) else { break };
                let name = f.file_stem().unwrap().to_string_lossy().to_string();
                let db = pg.create_db().unwrap();
                if let Err(e) = round_trip(&db, &f.display().to_string(), &name, &[]) {
                    failures.lock().unwrap().push(format!("{name}: {e}"));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// A legacy database far from its model: types, defaults, constraints, indexes, comments and
/// an enum label to change, in both directions.
const LEGACY: &str = "
CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE teams (id serial PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE tasks (
    id serial PRIMARY KEY,
    team_id integer,
    title varchar(50) NOT NULL,
    points varchar(10),
    status status DEFAULT 'new' NOT NULL,
    created timestamp DEFAULT now(),
    CONSTRAINT tasks_title_key UNIQUE (title)
);
CREATE INDEX tasks_created_idx ON tasks (created);
COMMENT ON TABLE tasks IS 'old words';
INSERT INTO teams (name) VALUES ('a');
INSERT INTO tasks (team_id, title, points) VALUES (1, 'x', '3');
";

const MODEL: &str = r#"
import enum
from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Status(enum.Enum):
    new = "new"
    doing = "doing"
    done = "done"


class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False, comment="shown on the board")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("points >= 0", name="tasks_points_check"),
        Index("tasks_open_idx", "team_id", postgresql_where=text("status <> 'done'")),
        {"comment": "work items"},
    )
    id = Column(Integer, primary_key=True)
    team_id = Column(Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    title = Column(String(200), nullable=False)
    points = Column(BigInteger, nullable=True)
    status = Column(Enum(Status, name="status"), nullable=False, server_default="doing")
    created = Column(DateTime(timezone=True), server_default=text("now()"))
"#;

#[test]
fn a_drifted_database_round_trips_through_alembic_with_its_rows() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(LEGACY).unwrap();
    let dir = workspace_root().join("target/alembic-projects");
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join(format!("drift-model-{}.py", std::process::id()));
    std::fs::write(&model, MODEL).unwrap();
    let revision = round_trip(&db, &model.display().to_string(), "drift", &[]);
    std::fs::remove_file(&model).ok();
    let revision = revision.unwrap();
    for op in [
        "op.alter_column(\"tasks\", \"points\", existing_type=sa.String(length=10), type_=sa.BigInteger()",
        "postgresql_using=",
        "op.create_foreign_key(",
        "op.create_check_constraint(",
        "op.drop_constraint(\"tasks_title_key\", \"tasks\", type_=\"unique\")",
        "op.create_index(\"tasks_open_idx\", \"tasks\", [\"team_id\"], postgresql_where=sa.text(",
        "op.drop_index(\"tasks_created_idx\", table_name=\"tasks\")",
        "op.create_table_comment(\"tasks\", \"work items\", existing_comment=\"old words\")",
        "with op.get_context().autocommit_block():",
        "server_default=sa.text(\"'doing'",
    ] {
        assert!(revision.contains(op), "missing {op}:\n{revision}");
    }
    assert_eq!(db.query("SELECT title, points FROM tasks").unwrap(), "x|3");
}

/// Confirmed renames of a table and of one of its columns are `op.rename_table` and
/// `op.alter_column(…, new_column_name=…)`: the upgrade keeps the rows and converges, the
/// downgrade renames back.
#[test]
fn confirmed_renames_round_trip_through_alembic_with_their_rows() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(
        "CREATE TABLE people (id serial PRIMARY KEY, login varchar(40) NOT NULL UNIQUE);
         CREATE TABLE notes (id serial PRIMARY KEY, person_id integer REFERENCES people (id));
         INSERT INTO people (login) VALUES ('ann');
         INSERT INTO notes (person_id) VALUES (1);",
    )
    .unwrap();
    let dir = workspace_root().join("target/alembic-projects");
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join(format!("rename-model-{}.py", std::process::id()));
    std::fs::write(
        &model,
        r#"
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    username = Column(String(40), nullable=False, unique=True)


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("accounts.id"))
"#,
    )
    .unwrap();
    let revision = round_trip(
        &db,
        &model.display().to_string(),
        "rename",
        &[
            "--rename",
            "people=accounts",
            "--rename",
            "accounts.login=username",
        ],
    );
    std::fs::remove_file(&model).ok();
    let revision = revision.unwrap();
    for op in [
        "op.rename_table(\"people\", \"accounts\")",
        "op.alter_column(\"accounts\", \"login\", new_column_name=\"username\")",
        "op.alter_column(\"accounts\", \"username\", new_column_name=\"login\")",
        "op.rename_table(\"accounts\", \"people\")",
    ] {
        assert!(revision.contains(op), "missing {op}:\n{revision}");
    }
    assert!(!revision.contains("drop_table"), "{revision}");
    assert_eq!(
        db.query("SELECT p.login FROM people p JOIN notes n ON n.person_id = p.id")
            .unwrap(),
        "ann"
    );
}

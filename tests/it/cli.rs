//! The command line: output streams and exit codes (DESIGN §7).

use std::process::Command;

use schemafix_tests::shared_dir;

use crate::schemafix_bin;

fn seed(name: &str) -> String {
    shared_dir()
        .join("examples/seed")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn diff_prints_sql_on_stdout_and_exit_codes_follow_the_contract() {
    let out = Command::new(schemafix_bin())
        .args(["diff", &seed("old.sql"), &seed("new.sql")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("ALTER TABLE"))
            .count(),
        3,
        "{stdout}"
    );

    let out = Command::new(schemafix_bin())
        .args(["diff", "--exit-code", &seed("old.sql"), &seed("new.sql")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let out = Command::new(schemafix_bin())
        .args(["check", &seed("new.sql"), &seed("new.sql")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "no drift");
}

#[test]
fn destructive_steps_are_skipped_unless_allowed() {
    let out = Command::new(schemafix_bin())
        .args(["diff", &seed("new.sql"), &seed("old.sql")])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with("ALTER TABLE users DROP COLUMN")),
        "{stdout}"
    );
    assert!(stderr.contains("skipped: users.full_name"), "{stderr}");
    assert!(
        stderr.contains("would lose every value of column users.full_name"),
        "{stderr}"
    );

    let out = Command::new(schemafix_bin())
        .args([
            "diff",
            "--allow-destructive",
            &seed("new.sql"),
            &seed("old.sql"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("ALTER TABLE users DROP COLUMN full_name;"),
        "{stdout}"
    );
}

#[test]
fn bad_input_exits_2_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("schemafix-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.sql");
    std::fs::write(
        &bad,
        "CREATE TABLE a (x int);\nCREATE TABLE b (x int,, y int);\n",
    )
    .unwrap();
    let out = Command::new(schemafix_bin())
        .args(["diff", bad.to_str().unwrap(), &seed("new.sql")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no SQL on bad input");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("bad.sql:2:"), "{stderr}");

    std::fs::write(&bad, [0xff, 0xfe, 0x00]).unwrap();
    let out = Command::new(schemafix_bin())
        .args(["diff", bad.to_str().unwrap(), &seed("new.sql")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.sql:1:1: UTF-16 text"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that stops early (`schemafix inspect big.sql | head`) ends the program quietly:
/// no panic, no "internal error".
#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = std::env::temp_dir().join(format!("schemafix-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.sql");
    let ddl: String = (0..3000)
        .map(|i| format!("CREATE TABLE t{i} (id serial PRIMARY KEY, a text, b integer);\n"))
        .collect();
    std::fs::write(&file, ddl).unwrap();
    let mut child = Command::new(schemafix_bin())
        .args(["inspect", &file.display().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is closed here, long before the JSON (megabytes) is written.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A verdict of no drift names what it did not compare, by kind and with counts, on each side.
#[test]
fn no_drift_names_what_was_not_compared() {
    let dir = std::env::temp_dir().join(format!("schemafix-verdict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.sql");
    let b = dir.join("b.sql");
    std::fs::write(
        &a,
        "CREATE PUBLICATION p FOR ALL TABLES;\nCREATE PUBLICATION q FOR ALL TABLES;\n\
         CREATE TABLE t (id int PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(&b, "CREATE TABLE t (id int PRIMARY KEY);\n").unwrap();
    let out = Command::new(schemafix_bin())
        .args(["check", a.to_str().unwrap(), b.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "no drift (not compared: 2 CREATE PUBLICATION statements in the current schema)"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_search_path_puts_a_files_unqualified_names_in_its_schema() {
    let pg = schemafix_tests::Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec("CREATE SCHEMA app; CREATE TABLE app.items (id integer);")
        .unwrap();
    let dir = std::env::temp_dir().join(format!("schemafix-path-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("items.sql");
    std::fs::write(&file, "CREATE TABLE items (id integer, name text);\n").unwrap();
    let file = file.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(schemafix_bin()).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Read in `public`, the file wants a new table there; read under `app`, one column.
    let (_, sql) = run(&["diff", &db.url(), file]);
    assert!(sql.contains("CREATE TABLE items ("), "{sql}");
    let (_, sql) = run(&["diff", &db.url(), file, "--search-path", "app"]);
    assert_eq!(
        sql.lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>(),
        ["ALTER TABLE app.items ADD COLUMN name text;"],
        "{sql}"
    );
    let (code, out) = run(&[
        "apply",
        "--db",
        &db.url(),
        file,
        "--search-path",
        "app",
        "-y",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&["check", &db.url(), file, "--search-path", "app"]);
    assert_eq!(code, Some(0), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

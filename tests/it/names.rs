//! Names as PostgreSQL stores them: identifiers longer than 63 bytes cut to
//! 63 (at a character boundary, never inside a multibyte character), unquoted ones folded to
//! lower case in ASCII only. A schema with such names converges and then plans nothing.

use schemafix_tests::Pg;

#[test]
fn long_and_non_ascii_names_are_read_as_postgresql_stores_them() {
    let long_table = format!("orders_{}", "x".repeat(70));
    let long_column = format!("amount_{}", "é".repeat(40));
    let ddl = format!(
        "CREATE TABLE {long_table} (id int PRIMARY KEY, {long_column} int, Éclair text, \"Quoted{}\" int);\n\
         CREATE INDEX ON {long_table} ({long_column});\n",
        "q".repeat(70)
    );
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(&ddl).unwrap();
    let dir = std::env::temp_dir().join(format!("schemafix-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("names.sql");
    std::fs::write(&file, &ddl).unwrap();
    let file = file.to_str().unwrap();
    let run = crate::run_schemafix;
    // The live database (names cut by PostgreSQL) against the DDL (names cut by us).
    let out = run(&["check", &db.url(), file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Created from nothing, then nothing left, even with --allow-destructive.
    let fresh = pg.create_db().unwrap();
    let out = run(&[
        "apply",
        "--db",
        &fresh.url(),
        file,
        "--yes",
        "--allow-destructive",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let columns = |db: &schemafix_tests::Db| {
        db.query(
            "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute \
             WHERE attrelid = (SELECT oid FROM pg_class WHERE relname LIKE 'orders_x%' AND relkind = 'r') AND attnum > 0",
        )
        .unwrap()
    };
    assert_eq!(columns(&fresh), columns(&db));
    let out = run(&[
        "apply",
        "--db",
        &fresh.url(),
        file,
        "--yes",
        "--allow-destructive",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("nothing to change"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

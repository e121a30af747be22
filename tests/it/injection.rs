//! Injection: names, defaults, comments, check expressions and enum labels holding
//! `"`, `'`, `;`, `--`, `*/`, `$$`, backslashes, newlines and non-ASCII go through schemafix to
//! PostgreSQL and come back exactly; nothing else is created or dropped, and the `users` table
//! keeps its rows. And identifiers of every kind of character survive our quoting.

use std::process::{Command, Stdio};

use schemafix_core::quote_ident;
use schemafix_tests::Pg;

use crate::{schemafix_bin, Rng};

/// Hostile names, each one a complete statement's worth of trouble.
const COL: &str = "x\"; DROP TABLE users; --";
const COL2: &str = "*/ $$ \\ é\nnew line";
const TABLE: &str = "weird;table'--";
const INDEX: &str = "idx\"; DROP TABLE users; /*";
const ENUM: &str = "mood'); DROP TABLE users; --";
const LABELS: [&str; 3] = ["ha'ppy", "sad;--", "$$x$$\\"];
const DEFAULT: &str = "it's; DROP TABLE users; -- */ $$";
const COMMENT: &str = "a 'quoted' comment; -- not a comment */ $$ and \\ backslash\nsecond line";

fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[test]
fn hostile_names_and_texts_reach_postgresql_exactly_and_nothing_else_happens() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(
        "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
         INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com'), ('c@example.com');",
    )
    .unwrap();
    let (col, col2, table, index, en) = (
        quote_ident(COL),
        quote_ident(COL2),
        quote_ident(TABLE),
        quote_ident(INDEX),
        quote_ident(ENUM),
    );
    let labels: Vec<String> = LABELS.iter().map(|l| lit(l)).collect();
    let desired = format!(
        "CREATE TYPE {en} AS ENUM ({labels});
         CREATE TABLE users (
             id serial PRIMARY KEY,
             email text NOT NULL,
             {col} text DEFAULT {default},
             {col2} integer CHECK ({col2} > 0),
             mood {en}
         );
         COMMENT ON COLUMN users.{col} IS {comment};
         CREATE INDEX {index} ON users ({col});
         CREATE TABLE {table} ({col} int);",
        labels = labels.join(", "),
        default = lit(DEFAULT),
        comment = lit(COMMENT),
    );
    let dir = std::env::temp_dir().join(format!("schemafix-injection-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("desired.sql");
    std::fs::write(&file, &desired).unwrap();
    let out = Command::new(schemafix_bin())
        .args(["apply", "--db", &db.url(), file.to_str().unwrap(), "--yes"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    // The rows survived, and exactly the intended objects exist, under exactly their names.
    assert_eq!(db.query("SELECT count(*) FROM users").unwrap(), "3");
    let q = |sql: &str| db.query(sql).unwrap();
    let tables = q(
        "SELECT string_agg(relname, E'\\x1f' ORDER BY relname) FROM pg_class \
                    WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
    );
    let mut tables: Vec<&str> = tables.split('\x1f').collect();
    tables.sort_unstable();
    assert_eq!(tables, ["users", TABLE]);
    let columns = q(
        "SELECT string_agg(attname, E'\\x1f' ORDER BY attnum) FROM pg_attribute \
                     WHERE attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped",
    );
    assert_eq!(
        columns.split('\x1f').collect::<Vec<_>>(),
        ["id", "email", COL, COL2, "mood"]
    );
    let indexes = q(
        "SELECT string_agg(indexrelid::regclass::text, E'\\x1f' ORDER BY 1) FROM pg_index \
                     WHERE indrelid = 'public.users'::regclass",
    );
    assert!(indexes.split('\x1f').any(|i| i == index), "{indexes}");
    let labels_back = q(&format!(
        "SELECT string_agg(enumlabel, E'\\x1f' ORDER BY enumsortorder) FROM pg_enum \
         WHERE enumtypid = {}::regtype",
        lit(&format!("public.{en}"))
    ));
    assert_eq!(labels_back.split('\x1f').collect::<Vec<_>>(), LABELS);
    let comment = q(&format!(
        "SELECT col_description('public.users'::regclass, attnum) FROM pg_attribute \
         WHERE attrelid = 'public.users'::regclass AND attname = {}",
        lit(COL)
    ));
    assert_eq!(comment, COMMENT);
    let default = q(&format!(
        "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef JOIN pg_attribute ON attrelid = adrelid \
         AND attnum = adnum WHERE adrelid = 'public.users'::regclass AND attname = {}",
        lit(COL)
    ));
    assert_eq!(default, format!("{}::text", lit(DEFAULT)));
    // And a second look finds nothing left to change.
    let out = Command::new(schemafix_bin())
        .args(["check", &db.url(), file_again(&desired).as_str()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn file_again(text: &str) -> String {
    let p = std::env::temp_dir().join(format!(
        "schemafix-injection-again-{}.sql",
        std::process::id()
    ));
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn random_identifiers_survive_quoting_on_postgresql() {
    let pool: Vec<char> = "aZ_09 \"'`;-*/$\\\t\n.,()[]{}=+%#@!?<>|&^~é€日本\u{200b}"
        .chars()
        .collect();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut names: Vec<String> = Vec::new();
    while names.len() < 300 {
        let len = 1 + (rng.next() % 20) as usize;
        let mut name: String = (0..len)
            .map(|_| pool[(rng.next() % pool.len() as u64) as usize])
            .collect();
        // PostgreSQL keeps at most 63 bytes of a name.
        while name.len() > 63 {
            name.pop();
        }
        if !names.contains(&name) && !name.is_empty() {
            names.push(name);
        }
    }
    // Plain words too, including reserved ones and ones that need no quotes.
    names.extend(["select", "user", "Order", "a1", "_x", "x$y"].map(String::from));
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let cols: Vec<String> = names
        .iter()
        .map(|n| format!("{} int", quote_ident(n)))
        .collect();
    db.exec(&format!(
        "CREATE TABLE {} ({});",
        quote_ident("t\"1"),
        cols.join(", ")
    ))
    .unwrap();
    let back = db
        .query(
            "SELECT string_agg(encode(convert_to(attname, 'UTF8'), 'hex'), ',' ORDER BY attnum) \
                FROM pg_attribute WHERE attrelid = '\"t\"\"1\"'::regclass AND attnum > 0",
        )
        .unwrap();
    let back: Vec<String> = back
        .split(',')
        .map(|h| {
            let bytes: Vec<u8> = (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect();
            String::from_utf8(bytes).unwrap()
        })
        .collect();
    assert_eq!(back, names);
}

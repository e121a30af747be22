//! Expressions compared as PostgreSQL stores them: a table written with defaults and checks
//! spelled as people write them (jsonb with keys in any order, duplicate keys and exponents;
//! booleans as `'yes'`; numbers as strings or at another scale than the column's; `BETWEEN`
//! inside `AND` chains) is loaded into PostgreSQL, and its DDL against the live catalog, the
//! `pg_dump` of it and every psql `\d` layout of it must plan nothing.

use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::Pg;

use crate::{assert_succeeds, Scratch};

const DDL: &str = r#"CREATE TABLE settings (
    id integer PRIMARY KEY,
    prefs jsonb DEFAULT '{"notifications": {"sms": false, "email": true}, "locale":"en", "a": 1, "a": 2}',
    limits jsonb NOT NULL DEFAULT '{"max": 1.50e1, "min": -0, "tiny": 1E-2, "name": "\u0041\n"}'::jsonb,
    tags jsonb DEFAULT '[ ]',
    enabled boolean DEFAULT 'yes',
    archived boolean NOT NULL DEFAULT 'f',
    price numeric(12,2) DEFAULT '0',
    fee numeric(12,2) DEFAULT 1.5,
    tries integer DEFAULT '3',
    code text CHECK (code ~ '^[a-z]' AND length(code) BETWEEN 3 AND 100),
    lo integer,
    hi integer,
    CONSTRAINT settings_range_check CHECK (lo IS NULL OR (lo NOT BETWEEN -5 AND -1 AND (hi > lo AND hi < 1000)))
);
"#;

#[test]
fn written_spellings_plan_nothing_against_what_postgresql_stores() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(DDL).unwrap();
    let scratch = Scratch::new("expressions");
    let ddl = scratch.file("settings.sql", DDL);
    // The DDL against the live catalog, both ways.
    assert_succeeds(&["check", &ddl, &db.url()]);
    assert_succeeds(&["check", &db.url(), &ddl]);
    // pg_dump's text, and every psql layout of `\d` and `\d+`.
    let options = PlanOptions::default();
    let dump = db.dump().unwrap();
    let m = migrate(&dump, Some(Format::Sql), DDL, Some(Format::Sql), &options);
    assert!(m.plan.is_empty(), "pg_dump: {}", m.sql);
    for command in ["\\d settings", "\\d+ settings"] {
        for pset in [
            &[][..],
            &["format=unaligned"],
            &["format=wrapped", "columns=60"],
        ] {
            let paste = db.describe(command, pset).unwrap();
            let m = migrate(&paste, None, DDL, Some(Format::Sql), &options);
            assert!(
                m.plan.is_empty() && !m.has_errors(),
                "{command} {pset:?}: {}\n{:?}\n{paste}",
                m.sql,
                m.from_diagnostics
            );
        }
    }
}

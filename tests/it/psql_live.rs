//! Tricky relations (`tests/fixtures/psql-live/tricky.sql`: quoted mixed-case names, defaults
//! and checks written otherwise than PostgreSQL prints them, identity options, a self-reference
//! with `ON DELETE SET NULL (col)`, partitions of partitions, a view, replica identity) loaded on
//! every server major that takes the file (15, and 16, 17, 18 staged from npm), then pasted one
//! relation at a time as the installed psql prints `\d` and `\d+` in each layout: every paste
//! against the file plans nothing and reads without an error, and so do the file against the
//! live catalog and the live catalog against the file.

use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::{workspace_root, Pg};

/// The relations of the file, as psql names them.
const RELATIONS: [&str; 7] = [
    "\"Billing\".\"Invoice Lines\"",
    "events",
    "events_2024",
    "events_2024_click",
    "events_2024_other",
    "events_old",
    "\"Billing\".\"Open Lines\"",
];

fn tricky_relations_on(pg: &'static Pg, label: &str, ddl: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let db = pg.create_db().unwrap();
    db.exec(ddl)
        .unwrap_or_else(|e| panic!("{label}: the file does not load: {e}"));
    let options = PlanOptions::default();
    let live = schemafix_tests::corpus::introspect(&db).expect("introspect");
    let file = schemafix_core::parse(ddl, Some(Format::Sql)).1;
    for (from, to, how) in [
        (&live, &file, "catalog to file"),
        (&file, &live, "file to catalog"),
    ] {
        let d = schemafix_core::diff(&from.schema, &to.schema);
        if !d.changes.is_empty() {
            let ids: Vec<&str> = d.changes.iter().map(|c| c.id()).collect();
            failures.push(format!("{label}: {how}: {ids:?}"));
        }
    }
    for relation in RELATIONS {
        for command in ["\\d", "\\d+"] {
            for pset in [
                &[][..],
                &["format=unaligned"],
                &["format=wrapped", "columns=70"],
            ] {
                let paste = db
                    .describe(&format!("{command} {relation}"), pset)
                    .unwrap_or_else(|e| panic!("{label}: psql {command} {relation}: {e}"));
                let m = migrate(&paste, None, ddl, Some(Format::Sql), &options);
                if !m.plan.is_empty() || m.has_errors() {
                    let errors: Vec<&str> = m
                        .from_diagnostics
                        .iter()
                        .filter(|d| d.severity == schemafix_core::Severity::Error)
                        .map(|d| d.message.as_str())
                        .collect();
                    failures.push(format!(
                        "{label}: {command} {relation} {pset:?}: {errors:?}\n{}\n{paste}",
                        m.sql
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn tricky_relations_pasted_from_every_server_plan_nothing_against_their_ddl() {
    let ddl = std::fs::read_to_string(workspace_root().join("tests/fixtures/psql-live/tricky.sql"))
        .expect("tricky.sql");
    let mut failures = tricky_relations_on(Pg::get().expect("PostgreSQL"), "PostgreSQL 15", &ddl);
    // PostgreSQL 14 lacks `ON DELETE SET NULL (col)` and `NULLS NOT DISTINCT`.
    for major in [16, 17, 18] {
        let pg = Pg::staged(major).unwrap_or_else(|e| panic!("{e:#}"));
        failures.extend(tricky_relations_on(
            pg,
            &format!("PostgreSQL {major}"),
            &ddl,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

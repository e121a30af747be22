//! The production-shaped drift of [`schemafix_tests::stress`], as `pg_dump` writes both sides,
//! run through every check of the conformance harness: each side's self-diff and introspection,
//! both directions applied in one transaction, the down plan, the online plan as a script,
//! squawk's findings as listed hazards, and the current side given as `\d+` of every table (for
//! the drift schemafix plans from such a paste: a second run whose desired side keeps the current
//! side's function bodies and views, which `\d+` of a table does not print, and its triggers,
//! which a paste does not yet add). CI runs 150 tables;
//! `cargo xtask stress` runs the size of the real dump (1,400 tables).

use schemafix_tests::corpus::{run_case, Case, Outcome};
use schemafix_tests::{stress, Pg};

#[test]
fn a_production_shaped_drift_converges_every_way() {
    let tables: usize = std::env::var("SCHEMAFIX_STRESS_TABLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    let pg = Pg::get().expect("PostgreSQL");
    let dump = |desired: bool, routines: bool| {
        let db = pg.create_db().unwrap();
        db.exec(&stress::ddl_drift(tables, desired, routines))
            .unwrap_or_else(|e| panic!("the generated schema (desired: {desired}) loads: {e}"));
        db.dump().unwrap()
    };
    let current = dump(false, true);
    let mut failed = Vec::new();
    for routines in [true, false] {
        let desired = dump(true, routines);
        for (side, text) in [("current", &current), ("desired", &desired)] {
            assert!(
                text.contains(" ON ONLY ") && text.contains("ATTACH PARTITION"),
                "the {side} dump has indexes on partitioned tables and attached partitions"
            );
        }
        let case = Case {
            corpus: "stress",
            name: format!("{tables} tables"),
            categories: Vec::new(),
            current: current.clone(),
            desired,
            excluded: None,
            prereq: String::new(),
            privileges: None,
            no_drop: false,
            search_path: None,
        };
        let result = run_case(pg, &case);
        for (check, o) in result.checks() {
            // A paste's drift is the second run's (see above).
            let blind = routines && check == "psql-forward";
            if !blind && *o != Outcome::Pass {
                failed.push(format!(
                    "{check} (functions and views drift too: {routines}): {o:?}"
                ));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

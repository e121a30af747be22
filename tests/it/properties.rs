//! Property tests, with proptest: random schemas, written as DDL.
//! - Rendering round trip: parse(DDL) → the CREATE statements schemafix renders for it → parsed
//!   again → the same IR.
//! - Convergence: a random pair (A, B) where B changes A (columns added, dropped, retyped within
//!   castable types, nullability, defaults, checks, indexes, foreign keys, whole tables);
//!   `schemafix apply` of B onto a database holding A must converge (its own re-read of the
//!   catalog finds nothing left), on the throwaway cluster. The case count is bounded.

use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use schemafix_core::{diff, parse, plan, quote_ident, step_sql, Format, PlanOptions, Schema};
use schemafix_tests::Pg;

use crate::schemafix_bin;

/// Column types that convert into each other (`USING col::type` works on any of them), and the
/// defaults that suit each.
const CASTABLE: &[(&str, &[&str])] = &[
    ("integer", &["0", "42", "-1"]),
    ("bigint", &["7"]),
    ("numeric(10,2)", &["0.5", "0"]),
    ("text", &["'x'", "''", "'it''s; --'"]),
    ("character varying(20)", &["'a'"]),
];
/// Types a column keeps (no change of type is generated for them).
const FIXED: &[(&str, &[&str])] = &[
    ("boolean", &["true", "false"]),
    ("timestamp with time zone", &["now()"]),
    ("jsonb", &["'{}'::jsonb"]),
    ("uuid", &[]),
    ("date", &["CURRENT_DATE"]),
];
const NAMES: &[&str] = &[
    "a",
    "b",
    "note",
    "Mixed Case",
    "semi;colon",
    "q\"uote",
    "é",
    "select",
];

#[derive(Debug, Clone, PartialEq)]
struct Col {
    name: String,
    ty: &'static str,
    not_null: bool,
    default: Option<&'static str>,
    unique: bool,
    indexed: bool,
    check: bool,
}

#[derive(Debug, Clone)]
struct Tbl {
    cols: Vec<Col>,
    fk: bool,
}

fn type_strategy(castable_only: bool) -> BoxedStrategy<(&'static str, Option<&'static str>)> {
    let pool: Vec<(&'static str, &'static [&'static str])> = if castable_only {
        CASTABLE.to_vec()
    } else {
        CASTABLE.iter().chain(FIXED).copied().collect()
    };
    (0..pool.len(), any::<u8>(), any::<bool>())
        .prop_map(move |(i, d, has)| {
            let (ty, defaults) = pool[i];
            let default =
                (has && !defaults.is_empty()).then(|| defaults[d as usize % defaults.len()]);
            (ty, default)
        })
        .boxed()
}

fn col_strategy(name: String) -> impl Strategy<Value = Col> {
    (type_strategy(false), any::<bool>(), any::<u8>()).prop_map(
        move |((ty, default), not_null, bits)| Col {
            name: name.clone(),
            ty,
            not_null,
            default,
            unique: bits % 7 == 0,
            indexed: bits % 5 == 1,
            check: bits % 3 == 0 && CASTABLE[..3].iter().any(|(t, _)| *t == ty),
        },
    )
}

fn table_strategy() -> impl Strategy<Value = Tbl> {
    (
        proptest::sample::subsequence(NAMES.to_vec(), 1..5),
        any::<bool>(),
    )
        .prop_flat_map(|(names, fk)| {
            let cols: Vec<_> = names.iter().map(|n| col_strategy(n.to_string())).collect();
            (cols, Just(fk))
        })
        .prop_map(|(cols, fk)| Tbl { cols, fk })
}

/// A schema: up to three tables `t0`, `t1`, `t2` (a missing one is `None`).
fn schema_strategy() -> impl Strategy<Value = Vec<Option<Tbl>>> {
    proptest::collection::vec(proptest::option::weighted(0.8, table_strategy()), 3)
}

/// B from A: each table kept and changed, dropped, or made anew.
fn changed(a: Vec<Option<Tbl>>) -> impl Strategy<Value = (Vec<Option<Tbl>>, Vec<Option<Tbl>>)> {
    let per_table: Vec<BoxedStrategy<Option<Tbl>>> = a
        .iter()
        .map(|t| match t.clone() {
            None => proptest::option::weighted(0.5, table_strategy()).boxed(),
            Some(t) => {
                let cols: Vec<BoxedStrategy<Option<Col>>> = t
                    .cols
                    .iter()
                    .map(|c| {
                        let c = c.clone();
                        let castable = CASTABLE.iter().any(|(ty, _)| *ty == c.ty);
                        (any::<u8>(), type_strategy(true), any::<bool>())
                            .prop_map(move |(what, (ty, default), flag)| {
                                let mut c = c.clone();
                                match what % 8 {
                                    0 => return None,
                                    1 if castable => {
                                        c.ty = ty;
                                        c.default = default;
                                        c.check = false;
                                    }
                                    2 => c.not_null = !c.not_null,
                                    3 => c.default = if flag { None } else { c.default },
                                    4 => c.unique = !c.unique,
                                    5 => c.indexed = !c.indexed,
                                    _ => {}
                                }
                                Some(c)
                            })
                            .boxed()
                    })
                    .collect();
                let fk = t.fk;
                (
                    cols,
                    any::<bool>(),
                    any::<u8>(),
                    proptest::option::of(col_strategy("added".into())),
                )
                    .prop_map(move |(cols, flip_fk, drop, added)| {
                        if drop % 6 == 0 {
                            return None;
                        }
                        let mut cols: Vec<Col> = cols.into_iter().flatten().collect();
                        cols.extend(added);
                        Some(Tbl {
                            cols,
                            fk: if flip_fk { !fk } else { fk },
                        })
                    })
                    .boxed()
            }
        })
        .collect();
    (Just(a), per_table)
}

/// The DDL for a schema.
fn ddl(tables: &[Option<Tbl>]) -> String {
    let mut out = String::new();
    for (i, t) in tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let name = format!("t{i}");
        let mut parts = vec!["id serial PRIMARY KEY".to_string()];
        for c in &t.cols {
            let mut p = format!("{} {}", quote_ident(&c.name), c.ty);
            if c.not_null {
                p.push_str(" NOT NULL");
            }
            if let Some(d) = c.default {
                p.push_str(&format!(" DEFAULT {d}"));
            }
            if c.unique {
                p.push_str(" UNIQUE");
            }
            if c.check {
                p.push_str(&format!(" CHECK ({} > -100)", quote_ident(&c.name)));
            }
            parts.push(p);
        }
        // A reference to the nearest earlier table of this schema.
        if let Some(j) = (0..i).rev().find(|&j| tables[j].is_some()).filter(|_| t.fk) {
            parts.push(format!(
                "ref_id integer REFERENCES t{j} (id) ON DELETE CASCADE"
            ));
        }
        out.push_str(&format!(
            "CREATE TABLE {name} (\n    {}\n);\n",
            parts.join(",\n    ")
        ));
        for c in t.cols.iter().filter(|c| c.indexed) {
            out.push_str(&format!(
                "CREATE INDEX ON {name} ({});\n",
                quote_ident(&c.name)
            ));
        }
    }
    if out.is_empty() {
        out.push_str("CREATE TABLE keep (id integer);\n");
    }
    out
}

fn rendered(schema: &Schema) -> String {
    let p = plan(
        &diff(&Schema::default(), schema),
        &PlanOptions {
            allow_destructive: true,
            ..Default::default()
        },
    );
    p.steps
        .iter()
        .flat_map(|s| step_sql(&s.change))
        .map(|s| s + ";\n")
        .collect()
}

#[test]
fn rendered_ddl_parses_back_to_the_same_schema() {
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(&schema_strategy(), |tables| {
            let text = ddl(&tables);
            let (_, first) = parse(&text, Some(Format::Sql));
            prop_assert!(!first.has_errors(), "{text}\n{:?}", first.diagnostics);
            let again = rendered(&first.schema);
            let (_, second) = parse(&again, Some(Format::Sql));
            prop_assert!(!second.has_errors(), "{again}\n{:?}", second.diagnostics);
            prop_assert_eq!(
                &first.schema.tables,
                &second.schema.tables,
                "{}\n--- rendered ---\n{}",
                text,
                again
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn random_changes_converge_on_postgresql() {
    let pg = Pg::get().expect("PostgreSQL");
    let dir = std::env::temp_dir().join(format!("schemafix-props-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 40,
        max_shrink_iters: 200,
        ..Config::default()
    });
    let changed_cases = std::cell::Cell::new(0);
    let result = runner.run(&schema_strategy().prop_flat_map(changed), |(a, b)| {
        let (from, to) = (ddl(&a), ddl(&b));
        let db = pg.create_db().unwrap();
        db.exec_tx(&from)
            .map_err(|e| TestCaseError::fail(format!("A does not load: {e}\n{from}")))?;
        let file = dir.join("b.sql");
        std::fs::write(&file, &to).unwrap();
        let out = Command::new(schemafix_bin())
            .args([
                "apply",
                "--db",
                &db.url(),
                file.to_str().unwrap(),
                "--yes",
                "--allow-destructive",
            ])
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        prop_assert_eq!(
            out.status.code(),
            Some(0),
            "A:\n{}\nB:\n{}\n{}{}",
            from,
            to,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if String::from_utf8_lossy(&out.stderr).contains("applied ") {
            changed_cases.set(changed_cases.get() + 1);
        }
        Ok(())
    });
    std::fs::remove_dir_all(&dir).ok();
    result.unwrap();
    // Most pairs differ: the property is about real plans, not empty ones.
    assert!(
        changed_cases.get() >= 20,
        "only {} cases had steps to apply",
        changed_cases.get()
    );
}

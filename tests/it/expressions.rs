//! Expressions compared as PostgreSQL stores them: a table written with defaults and checks
//! spelled as people write them (jsonb with keys in any order, duplicate keys and exponents;
//! booleans as `'yes'`; numbers as strings or at another scale than the column's; `BETWEEN`
//! inside `AND` chains) is loaded into PostgreSQL, and its DDL against the live catalog, the
//! `pg_dump` of it and every psql `\d` layout of it must plan nothing.

use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::{oracle, Pg};

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

/// How many generated expressions a run compares on each server (`SCHEMAFIX_ORACLE_CASES`;
/// `cargo xtask oracle` runs many more), from `SCHEMAFIX_ORACLE_SEED` (CI's is fixed, so a
/// run fails only for a change; `cargo xtask oracle` takes the day's, so each day explores
/// other expressions; a failure prints its seed).
fn oracle_settings() -> (u64, usize) {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    (
        var("SCHEMAFIX_ORACLE_SEED").unwrap_or(1),
        var("SCHEMAFIX_ORACLE_CASES").map_or(2_000, |n: u64| n as usize),
    )
}

/// Expressions that once differed, kept as fixtures and compared on every run:
/// `tests/fixtures/expressions/kept.tsv` (use, type, expression; tab-separated).
fn kept_cases(first_id: usize) -> Vec<oracle::Case> {
    let path = schemafix_tests::workspace_root().join("tests/fixtures/expressions/kept.tsv");
    let text = std::fs::read_to_string(&path).expect("kept.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .enumerate()
        .map(|(n, line)| {
            oracle::Case::from_line(first_id + n, line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1))
        })
        .collect()
}

/// Loads `cases` into `db`, `per_table` a table, each table in one transaction; a table
/// PostgreSQL refuses is tried case by case, and the cases it refuses are left out (the
/// generator writes valid SQL, but a constant it cannot foresee may be evaluated and fail:
/// `make_date(2024, 1, -7)` in an index). The DDL loaded, and the refused cases with why.
fn load(
    db: &schemafix_tests::Db,
    cases: &[oracle::Case],
    per_table: usize,
) -> (String, Vec<oracle::Case>, Vec<String>) {
    let mut ddl = String::new();
    let mut loaded = Vec::new();
    let mut refused = Vec::new();
    for chunk in cases.chunks(per_table) {
        let table = format!("o{}", chunk[0].id / per_table);
        let mut accepted = chunk.to_vec();
        if db.exec_tx(&oracle::table_ddl(&table, chunk)).is_err() {
            accepted.clear();
            for c in chunk {
                let probe = oracle::table_ddl("probe", std::slice::from_ref(c));
                match db.exec(&format!("BEGIN;\n{probe}ROLLBACK;\n")) {
                    Ok(_) => accepted.push(c.clone()),
                    Err(e) => {
                        refused.push(format!("{:?} {}: {}\n  {e}", c.usage, c.ty.sql(), c.expr))
                    }
                }
            }
            let text = oracle::table_ddl(&table, &accepted);
            db.exec_tx(&text).unwrap_or_else(|e| {
                panic!("{table}'s cases load alone but not together: {e}\n{text}")
            });
        }
        ddl.push_str(&oracle::table_ddl(&table, &accepted));
        loaded.extend(accepted);
    }
    (ddl, loaded, refused)
}

/// What one side says of a case's expression: its canonical form and its text.
fn side_expr(
    s: &schemafix_core::Schema,
    c: &oracle::Case,
    per_table: usize,
) -> Option<(String, String)> {
    let table = s
        .tables
        .iter()
        .find(|(n, _)| n.to_string() == format!("o{}", c.id / per_table))
        .map(|(_, t)| t)?;
    let name = c.object();
    let e = match c.usage {
        oracle::Use::Default => table.column(&name)?.default.as_deref().cloned(),
        oracle::Use::Generated => table.column(&name)?.generated.as_deref().cloned(),
        oracle::Use::Check => Some(table.checks.iter().find(|k| k.name == name)?.expr.clone()),
        oracle::Use::IndexKey => Some(
            table
                .indexes
                .iter()
                .find(|i| i.name == name)?
                .keys
                .first()?
                .expr
                .clone(),
        ),
        oracle::Use::Predicate => table
            .indexes
            .iter()
            .find(|i| i.name == name)?
            .predicate
            .clone(),
    };
    // `DEFAULT NULL` is no default (the diff takes them alike; PostgreSQL stores none, or a
    // NULL cast to a type with a modifier).
    let e = e.filter(|e| e.canon != "NULL");
    Some(e.map_or_else(
        || ("(none)".to_string(), "(none)".to_string()),
        |e| (e.canon, e.sql),
    ))
}

/// The oracle on one server: generated expressions (and the kept ones) loaded into
/// PostgreSQL; what schemafix reads from the written DDL must equal what it reads from the
/// catalog (`pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`) for every one.
fn oracle_on(pg: &'static Pg, label: &str, seed: u64, n: usize) {
    const PER_TABLE: usize = 100;
    let mut cases = oracle::cases(seed, n);
    // The kept cases start a table of their own.
    let kept = kept_cases(n.div_ceil(PER_TABLE) * PER_TABLE);
    let kept_count = kept.len();
    cases.extend(kept);
    let db = pg.create_db().unwrap();
    let (ddl, cases, refused) = load(&db, &cases, PER_TABLE);
    let kept_loaded = cases
        .iter()
        .filter(|c| c.id >= n.div_ceil(PER_TABLE) * PER_TABLE)
        .count();
    assert_eq!(
        kept_loaded,
        kept_count,
        "{label}: a kept case was refused:\n{}",
        refused.join("\n")
    );
    // A few constants fail when PostgreSQL folds them; more means the generator is wrong.
    assert!(
        refused.len() * 20 <= cases.len() + refused.len(),
        "{label}, seed {seed}: PostgreSQL refused {} of {} generated expressions:\n{}",
        refused.len(),
        cases.len() + refused.len(),
        refused.join("\n")
    );
    let dir = schemafix_tests::workspace_root().join("target/oracle");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{label}-{seed}.sql")), &ddl);
    let (_, written) = schemafix_core::parse(&ddl, Some(Format::Sql));
    let errors = |p: &schemafix_core::Parsed| -> Vec<String> {
        p.diagnostics
            .iter()
            .filter(|d| d.severity == schemafix_core::Severity::Error)
            .map(|d| format!("{}:{} {}", d.span.line, d.span.column, d.message))
            .collect()
    };
    assert!(
        errors(&written).is_empty(),
        "{label} seed {seed}: the written DDL: {:?}",
        errors(&written)
    );
    let live = schemafix_tests::corpus::introspect(&db).expect("introspect");
    // A warning of the written side naming the object says it is not compared (`'now'`).
    let warned = |object: &str| {
        written.diagnostics.iter().any(|d| {
            d.severity == schemafix_core::Severity::Warning
                && d.message.match_indices(object).any(|(at, _)| {
                    let word =
                        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                    !word(d.message[..at].chars().next_back())
                        && !word(d.message[at + object.len()..].chars().next())
                })
        })
    };
    // Read back two ways: the catalog (what `schemafix check` reads), and psql's `\d+` of
    // every table pasted (pretty-printed: fewer parentheses, other line breaks).
    let tables = cases
        .iter()
        .map(|c| c.id / PER_TABLE)
        .collect::<std::collections::BTreeSet<_>>();
    let mut paste = String::new();
    for t in tables {
        paste.push_str(&db.describe(&format!("\\d+ o{t}"), &[]).expect("psql \\d+"));
    }
    let _ = std::fs::write(dir.join(format!("{label}-{seed}.d.txt")), &paste);
    let pasted = schemafix_core::parse(&paste, Some(Format::Psql)).1;
    assert!(
        errors(&pasted).is_empty(),
        "{label} seed {seed}: the \\d+ paste: {:?}",
        errors(&pasted)
    );
    let mut mismatches = Vec::new();
    let mut said = std::collections::BTreeSet::new();
    for (reader, read) in [("catalog", &live.schema), ("\\d+", &pasted.schema)] {
        for c in &cases {
            let w = side_expr(&written.schema, c, PER_TABLE);
            let l = side_expr(read, c, PER_TABLE);
            if w.as_ref().map(|w| &w.0) == l.as_ref().map(|l| &l.0) {
                continue;
            }
            // psql's aligned output prints a tab as blanks; the diff allows for it.
            if let (Some(w), Some(l)) = (&w, &l) {
                if read.hidden.tabs && schemafix_core::Hidden::alike_but_tabs(&l.0, &w.0) {
                    continue;
                }
            }
            if warned(&c.object()) {
                said.insert(format!("{} ({})", c.object(), c.expr));
                continue;
            }
            let show = |s: Option<(String, String)>| {
                s.map_or("(missing)".into(), |(canon, sql)| {
                    format!("{sql}   [canon {canon}]")
                })
            };
            mismatches.push(format!(
                "{:?} {} {}: {}\n  written: {}\n  {reader}: {}",
                c.usage,
                c.ty.sql(),
                c.object(),
                c.expr,
                show(w),
                show(l)
            ));
        }
        let d = schemafix_core::diff(read, &written.schema);
        if !d.changes.is_empty() {
            let ids: Vec<&str> = d.changes.iter().map(|c| c.id()).collect();
            mismatches.push(format!("{reader} against the DDL plans {ids:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{label}, seed {seed} (SCHEMAFIX_ORACLE_SEED): {} differences among {} expressions read from the written DDL, from the catalog and from psql's \\d+ (the DDL is in target/oracle/):\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
    println!(
        "{label}: {} expressions (seed {seed}, {kept_count} kept) read alike from the DDL, the catalog and psql's \\d+, {} said not compared ({}); {} refused by PostgreSQL:\n{}",
        cases.len() - said.len(),
        said.len(),
        said.iter().cloned().collect::<Vec<_>>().join(", "),
        refused.len(),
        refused.join("\n")
    );
}

#[test]
fn oracle_expressions_read_alike_from_ddl_and_catalog_on_postgresql_15() {
    let (seed, n) = oracle_settings();
    oracle_on(Pg::get().expect("PostgreSQL"), "pg15", seed, n);
}

/// The other majors, from npm: fewer cases each, other seeds.
#[test]
fn oracle_expressions_read_alike_from_ddl_and_catalog_on_postgresql_14_16_17_18() {
    let (seed, n) = oracle_settings();
    for major in schemafix_tests::STAGED_MAJORS {
        let pg = Pg::staged(major).unwrap_or_else(|e| panic!("{e:#}"));
        oracle_on(
            pg,
            &format!("pg{major}"),
            seed.wrapping_add(u64::from(major)),
            n / 2,
        );
    }
}

//! The type-pair table (`core/src/diff/convert.rs`) against PostgreSQL: every pair of the types
//! below, with rows at the edges of the current type (minimum, maximum, NULL, precision limits,
//! special values), planned and applied. What the table says of a pair must hold: a lossless
//! change applies and its way back restores every value; a change of meaning applies and keeps
//! NULLs and rows; one that may lose values is held back unless allowed, and applies when
//! allowed on a table whose rows fit (an empty one); the table is rewritten exactly when the
//! table says so.

use schemafix_core::{conversion, migrate, Hazard, PlanOptions, Step};
use schemafix_tests::Pg;

/// Each type with the literals of its edge rows (a NULL row is added to every table).
const TYPES: &[(&str, &[&str])] = &[
    ("smallint", &["-32768", "32767", "0", "1"]),
    ("integer", &["-2147483648", "2147483647", "0", "1"]),
    (
        "bigint",
        &["-9223372036854775808", "9223372036854775807", "0", "1"],
    ),
    (
        "numeric",
        &[
            "'-123456789012345678901234567890.123456789'",
            "'NaN'",
            "0",
            "0.5",
        ],
    ),
    (
        "numeric(10,2)",
        &["-99999999.99", "99999999.99", "0.01", "0"],
    ),
    (
        "numeric(12,4)",
        &["-99999999.9999", "99999999.9999", "0.0001"],
    ),
    (
        "real",
        &[
            "'-3.4028235e38'",
            "'3.4028235e38'",
            "'1.4e-45'",
            "'NaN'",
            "'-Infinity'",
            "16777217",
        ],
    ),
    (
        "double precision",
        &[
            "'-1.7976931348623157e308'",
            "'1.7976931348623157e308'",
            "'4.9e-324'",
            "'Infinity'",
            "0.1",
        ],
    ),
    ("boolean", &["true", "false"]),
    ("text", &["''", "'x'", "'é'", "repeat('y', 300)"]),
    ("character varying(20)", &["''", "repeat('z', 20)"]),
    ("character varying(40)", &["'w'", "repeat('v', 40)"]),
    ("character(5)", &["'ab'", "'abcde'"]),
    (
        "date",
        &[
            "'4713-01-01 BC'",
            "'5874897-12-31'",
            "'2000-02-29'",
            "'infinity'",
            "'-infinity'",
        ],
    ),
    (
        "timestamp without time zone",
        &[
            "'4713-01-01 00:00:00 BC'",
            "'294276-12-31 23:59:59.999999'",
            "'2000-02-29 12:34:56.789012'",
            "'infinity'",
        ],
    ),
    (
        "timestamp(3) without time zone",
        &[
            "'2000-02-29 12:34:56.789'",
            "'-infinity'",
            "'1970-01-01 00:00:00'",
        ],
    ),
    (
        "timestamp with time zone",
        &[
            "'4713-01-01 00:00:00+00 BC'",
            "'294276-12-31 23:59:59.999999+00'",
            "'2000-02-29 12:34:56.789012+00'",
            "'-infinity'",
        ],
    ),
    (
        "json",
        &[
            "'{\"a\":1,\"a\":2}'",
            "'[]'",
            "'\"s\"'",
            "'null'",
            "'1.0'",
            "'{\"b\": 1, \"a\": [1, 2]}'",
        ],
    ),
    (
        "jsonb",
        &[
            "'{\"b\":1,\"a\":[1,2]}'",
            "'1'",
            "'true'",
            "'\"s\"'",
            "'null'",
        ],
    ),
    (
        "uuid",
        &[
            "'00000000-0000-0000-0000-000000000000'",
            "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
        ],
    ),
    ("smallint[]", &["'{}'", "'{-32768,32767}'", "'{NULL,1}'"]),
    (
        "integer[]",
        &["'{}'", "'{-2147483648,2147483647}'", "'{NULL,0}'"],
    ),
    ("text[]", &["'{}'", "'{\"\",x}'"]),
];

/// The plan's step changing `t.c` from `from` to `to`, and whether it was held back.
fn type_step(from: &str, to: &str, table: &str, allow: bool) -> (Step, bool, String) {
    let m = migrate(
        &format!("CREATE TABLE {table} (id integer, c {from});"),
        None,
        &format!("CREATE TABLE {table} (id integer, c {to});"),
        None,
        &PlanOptions {
            allow_destructive: allow,
            ..Default::default()
        },
    );
    assert!(!m.has_errors(), "{from} → {to}: {:?}", m.to_diagnostics);
    let find = |steps: &[Step]| steps.iter().find(|s| s.id == "alter-column-type").cloned();
    if let Some(s) = find(&m.plan.steps) {
        return (s, false, m.sql);
    }
    let s = find(&m.plan.skipped).unwrap_or_else(|| panic!("{from} → {to}: no type change"));
    (s, true, m.sql)
}

#[test]
fn every_type_pair_converts_as_the_table_says() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (from, edges) in TYPES {
        for (to, _) in TYPES {
            if from == to {
                continue;
            }
            n += 1;
            if let Err(e) = check_pair(&db, n, from, edges, to) {
                failures.push(format!("{from} → {to}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} type pairs do not behave as the type-pair table says:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What separates the rows' values in [`state`] (no edge value holds it).
const SEP: char = '\u{1e}';

/// The table's file node and every row's value as text, by id.
fn state(db: &schemafix_tests::Db, table: &str) -> Result<(String, String), String> {
    db.query(&format!(
        "SELECT pg_relation_filenode('{table}')::text, coalesce(string_agg(id || '=' || coalesce(c::text, 'NULL'), chr(30) ORDER BY id), '') FROM {table}"
    ))
    .map_err(|e| e.to_string())?
    .split_once('|')
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .ok_or_else(|| "no state".to_string())
}

fn check_pair(
    db: &schemafix_tests::Db,
    n: usize,
    from: &str,
    edges: &[&str],
    to: &str,
) -> Result<(), String> {
    let conv = conversion(from, to);
    let table = format!("p{n}");
    let (step, held, _) = type_step(from, to, &table, false);
    let (loses, fails) = (conv.loses.is_some(), conv.fails.is_some());
    if held != loses {
        return Err(format!("held back: {held}, but the table says {conv:?}"));
    }
    let has = |h: Hazard| step.hazards.contains(&h);
    if has(Hazard::TableRewrite) != conv.rewrite {
        return Err(format!("table-rewrite hazard is not {}", conv.rewrite));
    }
    if has(Hazard::ChangesValues) != conv.changes.is_some() {
        return Err("changes-values hazard does not follow the table".into());
    }
    if has(Hazard::FailsOnExistingRows) != (loses || fails) {
        return Err("fails-on-existing-rows hazard does not follow the table".into());
    }
    let (_, _, sql) = type_step(from, to, &table, true);
    let rows: Vec<String> = std::iter::once("NULL".to_string())
        .chain(edges.iter().map(|e| e.to_string()))
        .enumerate()
        .map(|(i, v)| format!("({i}, {v})"))
        .collect();
    let insert = format!("INSERT INTO {table} VALUES {};", rows.join(", "));
    // The table with `rows`, the plan applied to it: the values before and after, and whether
    // it was rewritten exactly when the type-pair table says so.
    let applied = |rows: &str, what: &str| -> Result<(String, String), String> {
        db.exec(&format!(
            "CREATE TABLE {table} (id integer, c {from}); {rows}"
        ))
        .map_err(|e| e.to_string())?;
        let (before, values) = state(db, &table)?;
        db.exec_tx(&sql)
            .map_err(|e| format!("fails on {what}: {e}\n{sql}"))?;
        let (after, converted) = state(db, &table)?;
        if (before != after) != conv.rewrite {
            return Err(format!("rewrote the table: {}", before != after));
        }
        Ok((values, converted))
    };
    if loses || fails {
        // It applies where the rows fit: on an empty table.
        applied("", "an empty table")?;
        if fails {
            // The values it names make it fail (the edge rows hold them).
            db.exec(&format!(
                "DROP TABLE {table}; CREATE TABLE {table} (id integer, c {from}); {insert}"
            ))
            .map_err(|e| e.to_string())?;
            if db.exec_tx(&sql).is_ok() {
                return Err(format!(
                    "applied on the edge rows, though the table names values that fail: {conv:?}"
                ));
            }
        }
        return Ok(());
    }
    let (values, converted) = applied(&insert, "the edge rows")?;
    let count = |s: &str| {
        (
            s.split(SEP).count(),
            s.split(SEP).filter(|v| v.ends_with("=NULL")).count(),
        )
    };
    if count(&converted) != count(&values) {
        return Err(format!("rows or NULLs changed: {values} → {converted}"));
    }
    if conv.is_lossless() {
        // The way back restores every value.
        let (_, _, back) = type_step(to, from, &table, true);
        db.exec_tx(&back)
            .map_err(|e| format!("the way back fails: {e}\n{back}"))?;
        let (_, restored) = state(db, &table)?;
        if restored != values {
            return Err(format!(
                "not restored by the way back:\n  {values}\n  {converted}\n  {restored}"
            ));
        }
    }
    Ok(())
}

//! Literal values through every source: random strings of quotes, backslashes,
//! dollar quotes, newlines, comment marks and non-ASCII text used as column defaults, check
//! literals, comments, enum labels, view literals and index predicates, read from DDL, a `\d+`
//! paste, a SQLAlchemy model and the live catalog, and applied with `schemafix apply` to a
//! database holding a `sentinel` table with rows. The oracle is PostgreSQL itself: the same
//! objects created directly from dollar-quoted text (a spelling schemafix never writes), and the
//! two `pg_dump`s must be equal; `sentinel` keeps its rows; a second look plans nothing.

use std::path::Path;
use std::process::Output;

use schemafix_tests::{normalize_dump, python, Db, Pg};

use crate::Rng;

/// How many values each source gets.
const PER_SOURCE: usize = 300;

/// The pieces values are made of: every mark that means something to SQL's or Python's
/// lexer, and text of every width.
const PIECES: &[&str] = &[
    "'",
    "''",
    "\\",
    "\\'",
    "\\''",
    "\"",
    "$$",
    "$x$",
    "$tag$",
    "$",
    "\n",
    "--",
    "/*",
    "*/",
    ";",
    "E'",
    "é",
    "日本",
    "🙂",
    " ",
    "a",
    "Z",
    "0",
    "DROP TABLE sentinel",
    "%s",
    "{0}",
    ":name",
    "\\n",
    "\\x41",
    "\r\n",
];

fn random_values(seed: u64, n: usize) -> Vec<String> {
    random_values_of(seed, n, PIECES)
}

fn random_values_of(seed: u64, n: usize, pieces: &[&str]) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut out: Vec<String> = Vec::new();
    while out.len() < n {
        let len = 1 + rng.below(8);
        let v: String = (0..len).map(|_| pieces[rng.below(pieces.len())]).collect();
        // Enum labels are at most 63 bytes and distinct.
        if v.len() <= 63 && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The value as a dollar-quoted literal whose tag it does not hold: how the oracle writes it.
fn dollar(v: &str) -> String {
    let mut n = 0;
    loop {
        let tag = format!("$o{n}$");
        // The closing tag must first occur where it is put.
        if format!("{v}{tag}").find(&tag) == Some(v.len()) {
            return format!("{tag}{v}{tag}");
        }
        n += 1;
    }
}

/// The value as the DDL input spells it: a standard string, an escape string or a dollar
/// quote, chosen at random.
fn spelled(v: &str, rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("'{}'", v.replace('\'', "''")),
        1 => {
            let mut s = String::from("E'");
            for c in v.chars() {
                match c {
                    '\\' => s.push_str("\\\\"),
                    '\'' => s.push_str("\\'"),
                    '\n' => s.push_str("\\n"),
                    '\r' => s.push_str("\\r"),
                    c => s.push(c),
                }
            }
            s.push('\'');
            s
        }
        _ => dollar(v),
    }
}

/// A Python string literal for `v`.
fn py(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// What a schema of `values` holds, for one source.
struct Uses {
    /// Enum labels, view literals and index predicates (a `\d+` paste shows neither enums'
    /// labels nor views).
    all_kinds: bool,
}

/// The schema as DDL, each literal written by `lit`.
fn ddl(values: &[String], uses: &Uses, lit: &mut dyn FnMut(&str) -> String) -> String {
    let mut s = String::from("CREATE TABLE sentinel (x integer);\n");
    let labels: Vec<&String> = values.iter().step_by(3).collect();
    if uses.all_kinds {
        let l: Vec<String> = labels.iter().map(|v| lit(v)).collect();
        s.push_str(&format!("CREATE TYPE e AS ENUM ({});\n", l.join(", ")));
    }
    s.push_str("CREATE TABLE t (\n    id integer PRIMARY KEY");
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!(",\n    c{i} text DEFAULT {}", lit(v)));
    }
    if uses.all_kinds {
        s.push_str(",\n    m e");
    }
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!(
            ",\n    CONSTRAINT k{i} CHECK (c{i} <> {})",
            lit(v)
        ));
    }
    s.push_str("\n);\n");
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!("COMMENT ON COLUMN t.c{i} IS {};\n", lit(v)));
    }
    for (i, v) in values.iter().enumerate().skip(2).step_by(3) {
        s.push_str(&format!(
            "CREATE INDEX ix{i} ON t (id) WHERE c{i} <> {};\n",
            lit(v)
        ));
    }
    if uses.all_kinds {
        let cols: Vec<String> = values
            .iter()
            .enumerate()
            .skip(1)
            .step_by(3)
            .map(|(i, v)| format!("{} AS x{i}", lit(v)))
            .collect();
        s.push_str(&format!("CREATE VIEW v AS SELECT {};\n", cols.join(", ")));
    }
    s
}

/// The schema as a SQLAlchemy model (no view: SQLAlchemy has none).
fn model(values: &[String]) -> String {
    let mut s = String::from(
        "from sqlalchemy import CheckConstraint, Column, Enum, Index, Integer, Text, text\n\
         from sqlalchemy.orm import declarative_base\n\n\
         Base = declarative_base()\n\n\n\
         class Sentinel(Base):\n    __tablename__ = \"sentinel\"\n    x = Column(Integer, primary_key=True)\n\n\n\
         class T(Base):\n    __tablename__ = \"t\"\n    id = Column(Integer, primary_key=True, autoincrement=False)\n",
    );
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!(
            "    c{i} = Column(Text, server_default={}, comment={})\n",
            py(v),
            py(v)
        ));
    }
    let labels: Vec<String> = values.iter().step_by(3).map(|v| py(v)).collect();
    s.push_str(&format!(
        "    m = Column(Enum({}, name=\"e\"))\n",
        labels.join(", ")
    ));
    s.push_str("    __table_args__ = (\n");
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!(
            "        CheckConstraint({}, name=\"k{i}\"),\n",
            py(&format!("c{i} <> {}", dollar(v)))
        ));
    }
    for (i, v) in values.iter().enumerate().skip(2).step_by(3) {
        s.push_str(&format!(
            "        Index(\"ix{i}\", \"id\", postgresql_where=text({})),\n",
            py(&format!("c{i} <> {}", dollar(v)))
        ));
    }
    s.push_str("    )\n");
    s
}

fn schemafix(args: &[&str]) -> Output {
    crate::run_schemafix(args)
}

/// A database holding `sentinel` with three rows, and nothing else.
fn target(pg: &'static Pg) -> Db {
    let db = pg.create_db().unwrap();
    db.exec("CREATE TABLE sentinel (x integer); INSERT INTO sentinel VALUES (1), (2), (3);")
        .unwrap();
    db
}

/// Applies `input` to `db` (destructive steps allowed, so a misread would show as a drop), then
/// checks the catalog against `oracle`, the rows of `sentinel`, and that nothing is left.
fn apply_and_compare(source: &str, db: &Db, input: &Path, oracle: &Db) -> Result<(), String> {
    let input = input.to_str().unwrap();
    let out = schemafix(&[
        "apply",
        "--db",
        &db.url(),
        input,
        "--yes",
        "--allow-destructive",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // What went wrong is at the end; the hazards listed before it are not.
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("hazard:"))
        .collect();
    let stderr = lines[lines.len().saturating_sub(12)..].join("\n");
    if out.status.code() != Some(0) {
        return Err(format!("{source}: apply exited {:?}: {stderr}", out.status));
    }
    let rows = db
        .query("SELECT count(*) FROM sentinel")
        .unwrap_or_default();
    if rows != "3" {
        return Err(format!("{source}: sentinel has {rows:?} rows: {stderr}"));
    }
    compare(source, db, oracle)?;
    let again = schemafix(&["check", &db.url(), input]);
    if again.status.code() != Some(0) {
        return Err(format!(
            "{source}: a second look plans changes: {}{}",
            String::from_utf8_lossy(&again.stdout),
            String::from_utf8_lossy(&again.stderr)
        ));
    }
    Ok(())
}

/// The two catalogs, compared through `pg_dump` (sentinel's rows are not in a schema dump).
fn compare(source: &str, db: &Db, oracle: &Db) -> Result<(), String> {
    let (ours, theirs) = (
        normalize_dump(&db.dump().unwrap()),
        normalize_dump(&oracle.dump().unwrap()),
    );
    if ours != theirs {
        let first = ours
            .iter()
            .zip(&theirs)
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("ours:   {a}\noracle: {b}"))
            .unwrap_or_else(|| format!("{} against {} lines", ours.len(), theirs.len()));
        return Err(format!(
            "{source}: the catalog differs from the oracle's\n{first}"
        ));
    }
    Ok(())
}

#[test]
fn random_literals_reach_postgresql_exactly_through_every_source() {
    let pg = Pg::get().expect("PostgreSQL");
    let dir = std::env::temp_dir().join(format!("schemafix-literals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    let all = Uses { all_kinds: true };

    // DDL, each literal spelled at random; and the live catalog of the oracle's database, read
    // by `diff` (its SQL run by psql) and by `inspect --format sql` (applied as a file).
    let values = random_values(0x5eed_0001, PER_SOURCE);
    let oracle = pg.create_db().unwrap();
    oracle
        .exec(&ddl(&values, &all, &mut |v| dollar(v)))
        .unwrap();
    let mut rng = Rng(0x5eed_0002);
    let file = dir.join("desired.sql");
    std::fs::write(&file, ddl(&values, &all, &mut |v| spelled(v, &mut rng))).unwrap();
    let db = target(pg);
    if let Err(e) = apply_and_compare("DDL", &db, &file, &oracle) {
        failures.push(e);
    }
    let values = random_values(0x5eed_0003, PER_SOURCE);
    let oracle = pg.create_db().unwrap();
    oracle
        .exec(&ddl(&values, &all, &mut |v| dollar(v)))
        .unwrap();
    let db = target(pg);
    let out = schemafix(&["diff", &db.url(), &oracle.url(), "--allow-destructive"]);
    match db.exec_tx(&String::from_utf8_lossy(&out.stdout)) {
        Ok(_) if out.status.code() == Some(0) => {
            if let Err(e) = compare("live catalog (diff)", &db, &oracle) {
                failures.push(e);
            }
        }
        other => failures.push(format!(
            "live catalog (diff): {other:?} {}",
            String::from_utf8_lossy(&out.stderr)
        )),
    }
    let inspect = schemafix(&["inspect", &oracle.url(), "--format", "sql"]);
    let file = dir.join("inspected.sql");
    std::fs::write(&file, &inspect.stdout).unwrap();
    let db = target(pg);
    if let Err(e) = apply_and_compare("live catalog (inspect --format sql)", &db, &file, &oracle) {
        failures.push(e);
    }

    // A `\d+` paste of the oracle's table. psql shows a carriage return in a value as the two
    // characters `\r`, which a value can also hold: a paste cannot tell them apart, so this
    // source gets no carriage returns.
    // Nor can it show blanks at the end of a cell's line, which psql pads with blanks: values
    // with them are left out too (a comment compared with a paste ignores them).
    let pieces: Vec<&str> = PIECES
        .iter()
        .copied()
        .filter(|p| !p.contains('\r'))
        .collect();
    let values: Vec<String> = random_values_of(0x5eed_0004, 3 * PER_SOURCE, &pieces)
        .into_iter()
        .filter(|v| !v.ends_with(' ') && !v.contains(" \n"))
        .take(PER_SOURCE)
        .collect();
    assert_eq!(values.len(), PER_SOURCE);
    let oracle = pg.create_db().unwrap();
    oracle
        .exec(&ddl(&values, &Uses { all_kinds: false }, &mut |v| {
            dollar(v)
        }))
        .unwrap();
    let paste = oracle.describe("\\d+ t", &[]).unwrap();
    let file = dir.join("paste.txt");
    std::fs::write(&file, &paste).unwrap();
    let db = target(pg);
    if let Err(e) = apply_and_compare("\\d+ paste", &db, &file, &oracle) {
        failures.push(e);
    }

    // A SQLAlchemy model, which real SQLAlchemy creates for the oracle. SQLAlchemy reads
    // `:name` in a `text()` (a check's or an index predicate's) as a bind parameter and writes
    // NULL for it; the static reader does not, so this source gets no bind-parameter marks.
    let pieces: Vec<&str> = PIECES
        .iter()
        .copied()
        .filter(|p| !p.starts_with(':'))
        .collect();
    let values = random_values_of(0x5eed_0005, PER_SOURCE, &pieces);
    let file = dir.join("models.py");
    std::fs::write(&file, model(&values)).unwrap();
    let oracle = pg.create_db().unwrap();
    match python::create_all(&file, &oracle.sqlalchemy_url()) {
        Ok(()) => {
            let db = target(pg);
            if let Err(e) = apply_and_compare("model", &db, &file, &oracle) {
                failures.push(e);
            }
        }
        Err(e) => failures.push(format!("model: create_all: {e:#}")),
    }
    assert!(
        failures.is_empty(),
        "{}\n(inputs kept in {})",
        failures.join("\n\n"),
        dir.display()
    );
    std::fs::remove_dir_all(&dir).ok();
}

//! The plan fixtures: every folder of `tests/fixtures/plan/` is one case, and a new case needs
//! no Rust. A case holds `from.*` and `to.*` (SQL, a psql paste or a model; the format is
//! detected unless `case.toml` names it) and `case.toml`:
//!
//! ```toml
//! what = "what the case shows"          # required
//! allow_destructive = true              # default true
//! pg_version = 15                       # the plan's server version, default none
//! from_format = "psql"                  # sql | psql | sqlalchemy, default detected
//! to_format = "sqlalchemy"
//! converges = true                      # default true: applied on PostgreSQL, it converges
//! down_fails = "why"                    # a known gap: the down SQL is not applied (say why)
//! hazards = ["table-rewrite"]           # each on some step of the default plan
//! no_hazards = ["share-lock"]           # on no step of it
//! online_hazards = ["not-transactional"]
//! online_no_hazards = ["share-lock"]
//! ```
//!
//! For every case the runner snapshots (`plan.snap` beside it) the step ids with their reasons
//! and hazards, the SQL, the online SQL, the down SQL and the Alembic revision, and asserts the
//! invariants: no input error, every statement splits as one and the script reads back as SQL
//! without a syntax error, each side against itself plans nothing, and, where the case
//! converges, the SQL applied to `from` on PostgreSQL gives `to`'s catalog and plans nothing
//! more, the down SQL gives `from`'s again, and the online script applied to `from` gives `to`'s.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use schemafix_core::{migrate, DiagKind, Format, Migration, PlanOptions, Revision, Severity};
use schemafix_tests::corpus::par_map;
use schemafix_tests::{dump_difference, normalize_dump, workspace_root, Pg};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseToml {
    what: String,
    #[serde(default = "yes")]
    allow_destructive: bool,
    pg_version: Option<u32>,
    from_format: Option<String>,
    to_format: Option<String>,
    #[serde(default = "yes")]
    converges: bool,
    down_fails: Option<String>,
    #[serde(default)]
    hazards: Vec<String>,
    #[serde(default)]
    no_hazards: Vec<String>,
    #[serde(default)]
    online_hazards: Vec<String>,
    #[serde(default)]
    online_no_hazards: Vec<String>,
}

fn yes() -> bool {
    true
}

struct Case {
    name: String,
    dir: PathBuf,
    toml: CaseToml,
    from: String,
    to: String,
}

fn format_named(name: Option<&str>) -> Result<Option<Format>> {
    Ok(match name {
        None => None,
        Some("sql") => Some(Format::Sql),
        Some("psql") => Some(Format::Psql),
        Some("sqlalchemy") => Some(Format::SqlAlchemy),
        Some(other) => bail!("unknown format {other:?} (sql, psql or sqlalchemy)"),
    })
}

/// The one file of `dir` named `stem.*`.
fn side(dir: &Path, stem: &str) -> Result<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.file_stem().is_some_and(|s| s == stem) {
            found.push(p);
        }
    }
    match found.as_slice() {
        [one] => std::fs::read_to_string(one).with_context(|| one.display().to_string()),
        [] => bail!("no {stem}.* file"),
        _ => bail!("more than one {stem}.* file"),
    }
}

fn cases() -> Vec<Case> {
    let root = workspace_root().join("tests/fixtures/plan");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures/plan")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let name = dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let read = || -> Result<Case> {
                let text = std::fs::read_to_string(dir.join("case.toml"))?;
                let toml: CaseToml = toml::from_str(&text)?;
                Ok(Case {
                    from: side(&dir, "from")?,
                    to: side(&dir, "to")?,
                    name: name.clone(),
                    dir: dir.clone(),
                    toml,
                })
            };
            read().unwrap_or_else(|e| panic!("fixture {name}: {e:#}"))
        })
        .collect()
}

fn options(case: &Case, online: bool) -> PlanOptions {
    PlanOptions {
        allow_destructive: case.toml.allow_destructive,
        online,
        pg_version: if online {
            Some(case.toml.pg_version.unwrap_or(15))
        } else {
            case.toml.pg_version
        },
        ..Default::default()
    }
}

fn run(case: &Case, from: &str, to: &str, online: bool) -> Result<Migration> {
    let ff = format_named(case.toml.from_format.as_deref())?;
    let tf = format_named(case.toml.to_format.as_deref())?;
    let m = migrate(from, ff, to, tf, &options(case, online));
    let errors: Vec<String> = m
        .from_diagnostics
        .iter()
        .chain(&m.to_diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}:{}: {}", d.span.line, d.span.column, d.message))
        .collect();
    if !errors.is_empty() {
        bail!("input errors: {}", errors.join("; "));
    }
    Ok(m)
}

/// The snapshot: steps, skipped steps, SQL, online SQL, down SQL, Alembic revision.
fn snapshot(m: &Migration, online: &Migration) -> String {
    let mut out = String::new();
    let steps = |plan: &schemafix_core::Plan, out: &mut String| {
        for s in &plan.steps {
            let hazards = hazard_ids(std::slice::from_ref(s));
            out.push_str(&format!(
                "{}: {} [{}]\n",
                s.id,
                s.reason,
                hazards.join(", ")
            ));
        }
        for s in &plan.skipped {
            out.push_str(&format!("skipped {}: {}\n", s.id, s.reason));
        }
    };
    out.push_str("==== steps\n");
    steps(&m.plan, &mut out);
    out.push_str("==== sql\n");
    out.push_str(&m.sql);
    out.push_str("==== online steps\n");
    steps(&online.plan, &mut out);
    out.push_str("==== online sql\n");
    out.push_str(&online.sql);
    out.push_str("==== down sql\n");
    out.push_str(&m.down_sql);
    out.push_str("==== alembic\n");
    out.push_str(&m.alembic(&Revision {
        id: "fixture00001".into(),
        down_revision: None,
        message: "fixture".into(),
        create_date: "2026-01-01 00:00:00".into(),
    }));
    out
}

/// The hazards of `steps`, as their ids.
fn hazard_ids(steps: &[schemafix_core::Step]) -> Vec<String> {
    steps
        .iter()
        .flat_map(|s| &s.hazards)
        .filter_map(|h| serde_json::to_value(h).ok())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn expect_hazards(plan: &schemafix_core::Plan, want: &[String], not: &[String]) -> Result<()> {
    let got = hazard_ids(&plan.steps);
    for h in want {
        if !got.contains(h) {
            bail!("no step has the hazard {h} (hazards: {got:?})");
        }
    }
    for h in not {
        if got.contains(h) {
            bail!("a step has the hazard {h}, which the case rules out");
        }
    }
    Ok(())
}

/// The script read back as SQL: no statement of it is a syntax error to the DDL source.
fn reads_back(sql: &str, what: &str) -> Result<()> {
    let (_, parsed) = schemafix_core::parse(sql, Some(Format::Sql));
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error && d.kind == DiagKind::Syntax)
    {
        bail!(
            "the {what} does not read back: {}:{}: {}",
            d.span.line,
            d.span.column,
            d.message
        );
    }
    Ok(())
}

/// Where the case converges: forward, down and online on PostgreSQL.
fn apply(pg: &'static Pg, case: &Case, m: &Migration, online: &Migration) -> Result<()> {
    let want_to = {
        let db = pg.create_db()?;
        db.exec(&side_sql(&case.to, m.to_format, &m.to_schema)?)
            .context("loading to")?;
        normalize_dump(&db.dump()?)
    };
    let from_sql = side_sql(&case.from, m.from_format, &m.from_schema)?;
    let db = pg.create_db()?;
    db.exec(&from_sql).context("loading from")?;
    let want_from = normalize_dump(&db.dump()?);
    if !m.sql.trim().is_empty() {
        db.exec_tx(&m.sql).context("applying the SQL")?;
    }
    // Planning again from the database finds nothing; for SQL, the catalogs are the same too
    // (a model's Python-side default leaves the server's as it is).
    let dump = db.dump()?;
    let again = migrate(
        &dump,
        Some(Format::Sql),
        &case.to,
        format_named(case.toml.to_format.as_deref())?,
        &options(case, false),
    );
    if !again.plan.is_empty() {
        bail!(
            "planning again after the SQL: {:?}",
            again
                .plan
                .steps
                .iter()
                .map(|s| &s.reason)
                .collect::<Vec<_>>()
        );
    }
    let got = normalize_dump(&dump);
    if got != want_to && m.to_format == Format::Sql {
        bail!("after the SQL: {}", dump_difference(&got, &want_to));
    }
    if case.toml.down_fails.is_none() {
        if !m.down_sql.trim().is_empty() {
            db.exec_tx(&m.down_sql).context("applying the down SQL")?;
        }
        let got = normalize_dump(&db.dump()?);
        if got != want_from {
            bail!("after the down SQL: {}", dump_difference(&got, &want_from));
        }
    }
    let db = pg.create_db()?;
    db.exec(&from_sql).context("loading from")?;
    if !online.sql.trim().is_empty() {
        db.exec(&online.sql).context("applying the online SQL")?;
    }
    let got = normalize_dump(&db.dump()?);
    if got != want_to && m.to_format == Format::Sql {
        bail!("after the online SQL: {}", dump_difference(&got, &want_to));
    }
    Ok(())
}

/// A side as SQL PostgreSQL runs: the text itself when it was read as SQL, else the DDL that
/// creates what was read from it (a paste or a model).
fn side_sql(text: &str, format: Format, schema: &schemafix_core::Schema) -> Result<String> {
    if format == Format::Sql {
        return Ok(text.to_string());
    }
    schemafix_core::creation_statements(schema)
        .map(|s| s.iter().map(|s| format!("{s};\n")).collect())
        .map_err(|e| anyhow::anyhow!(e))
}

fn check(pg: &'static Pg, case: &Case) -> Result<String> {
    let m = run(case, &case.from, &case.to, false)?;
    let online = run(case, &case.from, &case.to, true)?;
    expect_hazards(&m.plan, &case.toml.hazards, &case.toml.no_hazards)?;
    expect_hazards(
        &online.plan,
        &case.toml.online_hazards,
        &case.toml.online_no_hazards,
    )
    .context("online")?;
    reads_back(&m.sql, "SQL")?;
    reads_back(&m.down_sql, "down SQL")?;
    reads_back(&online.sql, "online SQL")?;
    for (side, text) in [("from", &case.from), ("to", &case.to)] {
        let same = run(case, text, text, false)?;
        if !same.plan.is_empty() {
            bail!(
                "{side} against itself plans {:?}",
                same.plan.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
            );
        }
    }
    if case.toml.converges {
        apply(pg, case, &m, &online)?;
    }
    Ok(snapshot(&m, &online))
}

#[test]
fn plan_fixtures() {
    let pg = Pg::get().expect("PostgreSQL");
    let cases = cases();
    assert!(
        cases.len() >= 60,
        "only {} plan fixtures: did tests/fixtures/plan go missing?",
        cases.len()
    );
    for c in &cases {
        assert!(
            !c.toml.what.trim().is_empty(),
            "{}: `what` is empty",
            c.name
        );
    }
    let results = par_map(&cases, 2, |c| check(pg, c));
    let mut failed = Vec::new();
    let mut snapshots = Vec::new();
    for (c, r) in cases.iter().zip(results) {
        match r {
            Ok(text) => snapshots.push((c, text)),
            Err(e) => failed.push(format!("{}: {e:#}", c.name)),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} plan fixtures fail:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
    for (c, text) in snapshots {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&c.dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(c.dir.join("case.toml"));
        settings.set_description(c.toml.what.clone());
        settings.bind(|| insta::assert_snapshot!("plan", text));
    }
}

//! `outputs DIR`: writes, for every input pair of the shared corpora, the fixtures and the real
//! dumps, everything schemafix produces from it (diagnostics, SQL with and without destructive
//! steps, down SQL, the online script, the Alembic revision and the plan as JSON) into one file
//! per pair under DIR. Two runs compared with `diff -r` show whether a change altered any output
//! (`cargo xtask outputs DIR` runs it).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use schemafix_core::{migrate, Format, PlanOptions, Revision};
use schemafix_tests::corpus::{migra_cases, sqldef_cases};

struct Pair {
    /// The output file's path under DIR, without extension.
    name: String,
    from: String,
    from_format: Option<Format>,
    to: String,
    to_format: Option<Format>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| path.display().to_string())
}

fn sql_pair(name: String, from: String, to: String) -> Pair {
    Pair {
        name,
        from,
        from_format: Some(Format::Sql),
        to,
        to_format: Some(Format::Sql),
    }
}

/// Both directions of a pair of DDL texts.
fn both_ways(out: &mut Vec<Pair>, name: &str, a: &str, b: &str) {
    out.push(sql_pair(
        format!("{name}.fwd"),
        a.to_string(),
        b.to_string(),
    ));
    out.push(sql_pair(
        format!("{name}.back"),
        b.to_string(),
        a.to_string(),
    ));
}

fn sorted_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| dir.display().to_string())?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    Ok(files)
}

fn pairs(shared: &Path, repo: &Path) -> Result<Vec<Pair>> {
    let mut out = Vec::new();
    for case in sqldef_cases(shared)?
        .into_iter()
        .chain(migra_cases(shared)?)
    {
        let name = format!("{}/{}", case.corpus, case.name.replace('/', "_"));
        both_ways(&mut out, &name, &case.current, &case.desired);
    }
    let apgdiff = shared.join("conformance/apgdiff/cases");
    for f in sorted_files(&apgdiff)? {
        let file = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if let Some(stem) = file.strip_suffix("_original.sql") {
            let new = apgdiff.join(format!("{stem}_new.sql"));
            if new.exists() {
                both_ways(
                    &mut out,
                    &format!("apgdiff/{stem}"),
                    &read(&f)?,
                    &read(&new)?,
                );
            }
        }
    }
    let pgquarrel = shared.join("conformance/pgquarrel");
    for f in sorted_files(&pgquarrel)? {
        let file = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if let Some(stem) = file.strip_prefix("from-") {
            let to = pgquarrel.join(format!("to-{stem}"));
            if to.exists() {
                both_ways(
                    &mut out,
                    &format!("pgquarrel/{}", stem.trim_end_matches(".sql")),
                    &read(&f)?,
                    &read(&to)?,
                );
            }
        }
    }
    let pgdump = shared.join("realworld/pgdump");
    for dir in sorted_files(&pgdump)? {
        if !dir.is_dir() {
            continue;
        }
        let project = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let new = read(&dir.join("new.sql"))?;
        if dir.join("old.sql").exists() {
            both_ways(
                &mut out,
                &format!("pgdump/{project}"),
                &read(&dir.join("old.sql"))?,
                &new,
            );
        }
        if dir.join("head-pg18.sql").exists() {
            both_ways(
                &mut out,
                &format!("pgdump/{project}-head"),
                &new,
                &read(&dir.join("head-pg18.sql"))?,
            );
        }
        out.push(sql_pair(format!("pgdump/{project}.self"), new.clone(), new));
    }
    // psql pastes against their own DDL, both ways, format detected.
    let psql = shared.join("conformance/psql");
    for version in sorted_files(&psql)? {
        if !version.is_dir() {
            continue;
        }
        let v = version
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for f in sorted_files(&version)? {
            let file = f
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let Some(stem) = file.strip_suffix(".txt") else {
                continue;
            };
            let table = stem.split('.').next().unwrap_or(stem);
            let ddl = version.join(format!("{table}.sql"));
            if !ddl.exists() {
                continue;
            }
            let (paste, ddl) = (read(&f)?, read(&ddl)?);
            out.push(Pair {
                name: format!("psql/{v}/{stem}.fwd"),
                from: paste.clone(),
                from_format: None,
                to: ddl.clone(),
                to_format: Some(Format::Sql),
            });
            out.push(Pair {
                name: format!("psql/{v}/{stem}.back"),
                from: ddl,
                from_format: Some(Format::Sql),
                to: paste,
                to_format: None,
            });
        }
    }
    // Model fixtures from an empty database, and the seed.
    for f in sorted_files(&repo.join("tests/fixtures/sqlalchemy"))? {
        let file = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if let Some(stem) = file.strip_suffix(".py") {
            out.push(Pair {
                name: format!("models/{stem}"),
                from: String::new(),
                from_format: Some(Format::Sql),
                to: read(&f)?,
                to_format: Some(Format::SqlAlchemy),
            });
        }
    }
    let seed = repo.join("examples/seed");
    out.push(Pair {
        name: "seed".to_string(),
        from: read(&seed.join("users.d.txt"))?,
        from_format: None,
        to: read(&seed.join("models.py"))?,
        to_format: None,
    });
    Ok(out)
}

fn outputs(p: &Pair) -> String {
    let mut s = String::new();
    let run = |options: &PlanOptions| migrate(&p.from, p.from_format, &p.to, p.to_format, options);
    let destructive = PlanOptions {
        allow_destructive: true,
        ..Default::default()
    };
    let m = run(&destructive);
    for d in m.from_diagnostics.iter().chain(&m.to_diagnostics) {
        let _ = writeln!(s, "-- {d:?}");
    }
    let _ = writeln!(s, "==== sql\n{}\n==== down\n{}", m.sql, m.down_sql);
    let rev = Revision {
        id: "0123456789ab".to_string(),
        down_revision: None,
        message: "outputs".to_string(),
        create_date: "2026-01-01 00:00:00".to_string(),
    };
    let _ = writeln!(s, "==== alembic\n{}", m.alembic(&rev));
    let _ = writeln!(
        s,
        "==== json\n{}",
        serde_json::to_string_pretty(&m).unwrap_or_default()
    );
    let safe = run(&PlanOptions::default());
    let _ = writeln!(s, "==== sql (not destructive)\n{}", safe.sql);
    let online = run(&PlanOptions {
        allow_destructive: true,
        online: true,
        pg_version: Some(15),
        ..Default::default()
    });
    let _ = writeln!(s, "==== online\n{}", online.sql);
    let _ = writeln!(
        s,
        "==== online json\n{}",
        serde_json::to_string_pretty(&online.plan).unwrap_or_default()
    );
    let old = run(&PlanOptions {
        allow_destructive: true,
        online: true,
        pg_version: Some(11),
        ..Default::default()
    });
    let _ = writeln!(s, "==== online on 11\n{}", old.sql);
    s
}

fn main() -> Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).context("usage: outputs DIR")?);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = repo.join("../shared");
    let pairs = pairs(&shared, &repo)?;
    for p in &pairs {
        let path = dir.join(format!("{}.txt", p.name));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, outputs(p))?;
    }
    println!("{} pairs written under {}", pairs.len(), dir.display());
    Ok(())
}

//! Static model reading (no Python) of the real projects in `../shared/realworld/sqlalchemy/`:
//! each project's files (`src/` and `stubs/`, read as one package) against the dump of its own
//! `create_all` (`expected.sql`). Scored in `tests/realworld/static-models.md`: what was read,
//! what was left not compared, and the statements planned — which must be none, executable or
//! held back. The scores may only improve (`SCHEMAFIX_BLESS=1` rewrites the table).

use std::collections::BTreeSet;
use std::path::Path;

use schemafix_core::{
    diff, parse, parse_sqlalchemy_files, plan, Format, ModelFile, PlanOptions, Scope, Severity,
};
use schemafix_tests::{shared_dir, workspace_root};

/// One project's score.
#[derive(Debug, Clone, PartialEq)]
struct Score {
    project: String,
    /// Tables `create_all` made.
    tables: usize,
    /// Of those, read with every column, key and index compared.
    whole: usize,
    /// Read with something not compared (`Schema::unread_columns`).
    partly: usize,
    /// Not read (their name or class could not be read: the model then describes only the
    /// tables read, and drops none).
    unread: usize,
    /// Warnings: each a construct not compared.
    warnings: usize,
    /// Statements planned, executable and held back; every one is a misreading.
    statements: usize,
    /// Refused (an error): nothing is planned.
    refused: bool,
    /// What the warnings name most (what needs `--python`).
    needs: String,
}

impl Score {
    fn row(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.project,
            self.tables,
            self.whole,
            self.partly,
            self.unread,
            self.warnings,
            self.statements,
            if self.refused { "refused" } else { "read" },
            self.needs
        )
    }

    fn from_row(row: &str) -> Option<Score> {
        let cells: Vec<&str> = row
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let n = |i: usize| cells.get(i)?.parse::<usize>().ok();
        Some(Score {
            project: cells.first()?.to_string(),
            tables: n(1)?,
            whole: n(2)?,
            partly: n(3)?,
            unread: n(4)?,
            warnings: n(5)?,
            statements: n(6)?,
            refused: *cells.get(7)? == "refused",
            needs: cells.get(8)?.to_string(),
        })
    }

    /// Read with nothing left not compared.
    fn complete(&self) -> bool {
        !self.refused && self.partly == 0 && self.unread == 0 && self.warnings == 0
    }
}

/// The project's Python files, as the command line reads a package directory.
fn model_files(project: &Path) -> Vec<ModelFile> {
    let mut files = Vec::new();
    for dir in ["src", "stubs"] {
        let d = project.join(dir);
        if !d.is_dir() {
            continue;
        }
        for (path, module) in schemafix_cli::python::model_files(&d).expect("model files") {
            files.push(ModelFile {
                text: std::fs::read_to_string(&path).expect("read"),
                name: path.to_string_lossy().into_owned(),
                module,
            });
        }
    }
    files
}

/// The shape of a warning without its line and names, to count what needs Python.
fn kind_of(message: &str) -> String {
    let m = message
        .split(": ")
        .skip_while(|p| {
            p.starts_with("line ")
                || p.starts_with("class ")
                || p.starts_with("column ")
                || p.starts_with("SQLModel field")
        })
        .collect::<Vec<_>>()
        .join(": ");
    let m = if m.is_empty() { message.to_string() } else { m };
    m.split(['(', ';', ','])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| *c != '|')
        .collect::<String>()
        .trim()
        .to_string()
}

fn score(project: &Path) -> Score {
    let name = project.file_name().unwrap().to_string_lossy().into_owned();
    let expected = std::fs::read_to_string(project.join("expected.sql")).expect("expected.sql");
    let (_, current) = parse(&expected, Some(Format::Sql));
    let (desired, _) = parse_sqlalchemy_files(&model_files(project));
    let refused = desired
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let warnings: Vec<&str> = desired
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.as_str())
        .collect();
    let made: BTreeSet<_> = current.schema.tables.keys().cloned().collect();
    let read: BTreeSet<_> = desired.schema.tables.keys().cloned().collect();
    let partly = read
        .iter()
        .filter(|t| made.contains(*t) && desired.schema.unread_columns.contains(*t))
        .count();
    let whole = read.iter().filter(|t| made.contains(*t)).count() - partly;
    let statements = if refused {
        0
    } else {
        let p = plan(
            &diff(&current.schema, &desired.schema),
            &PlanOptions::default(),
        );
        p.steps.len() + p.skipped.len()
    };
    // Kinds of warnings, most frequent first.
    let mut kinds: Vec<(usize, String)> = Vec::new();
    for w in &warnings {
        let k = kind_of(w);
        match kinds.iter_mut().find(|(_, x)| *x == k) {
            Some(e) => e.0 += 1,
            None => kinds.push((1, k)),
        }
    }
    kinds.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut needs: Vec<String> = kinds
        .iter()
        .take(3)
        .map(|(n, k)| format!("{n}× {k}"))
        .collect();
    if refused {
        let why = desired
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .unwrap_or_default();
        needs.insert(0, format!("error: {}", kind_of(&why)));
    }
    // The model describes only the tables read when some could not be (a computed name).
    let partial = matches!(desired.schema.scope, Scope::Tables(_));
    Score {
        project: name,
        tables: made.len(),
        whole,
        partly,
        unread: if refused || partial || desired.schema.tables.is_empty() {
            made.len() - whole - partly
        } else {
            made.difference(&read).count()
        },
        warnings: warnings.len(),
        statements,
        refused,
        needs: needs.join("; "),
    }
}

const HEADER: &str = "| project | tables | read whole | read in part | not read | warnings | statements | verdict | what needs --python (most frequent) |\n|---|---|---|---|---|---|---|---|---|";

#[test]
fn real_projects_read_statically_plan_nothing_and_never_regress() {
    let dir = shared_dir().join("realworld/sqlalchemy");
    let mut projects: Vec<_> = std::fs::read_dir(&dir)
        .expect("realworld/sqlalchemy")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.sql").exists())
        .collect();
    projects.sort();
    assert!(projects.len() >= 13, "{} projects", projects.len());
    let scores: Vec<Score> = projects.iter().map(|p| score(p)).collect();

    let complete = scores.iter().filter(|s| s.complete()).count();
    let mut table = format!(
        "# Static model reading of the real projects\n\n\
         Written by `tests/it/static_models.rs` (`SCHEMAFIX_BLESS=1` rewrites it; the scores may only improve).\n\
         Each project of `../shared/realworld/sqlalchemy/` is read statically (its `src/` and `stubs/` as one package,\n\
         no Python run) and compared with the dump of its own `create_all` (`expected.sql`). *Statements* counts\n\
         what the plan would run or hold back: every one would be a misreading, and the test requires none.\n\
         A table *read in part* has something not compared (a column, key or index the reader could not read,\n\
         or a base it could not see); *not read* tables are not compared at all (and none is dropped).\n\n\
         Read with nothing left not compared: {complete} of {}.\n\n{HEADER}\n",
        scores.len()
    );
    for s in &scores {
        table.push_str(&s.row());
        table.push('\n');
    }

    // No statement from reading a project against its own schema.
    let planned: Vec<String> = scores
        .iter()
        .filter(|s| s.statements > 0)
        .map(|s| format!("{}: {} statements", s.project, s.statements))
        .collect();

    let path = workspace_root().join("tests/realworld/static-models.md");
    if std::env::var_os("SCHEMAFIX_BLESS").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let before: Vec<Score> = committed.lines().filter_map(Score::from_row).collect();
    let mut worse = Vec::new();
    for s in &scores {
        let Some(b) = before.iter().find(|b| b.project == s.project) else {
            worse.push(format!("{}: not in {}", s.project, path.display()));
            continue;
        };
        // Read where it was refused is better whatever it says; otherwise no score may drop.
        let regressed = if s.refused != b.refused {
            s.refused
        } else {
            s.whole < b.whole || s.warnings > b.warnings || s.unread > b.unread
        };
        if regressed {
            worse.push(format!("{}: now {s:?}, was {b:?}", s.project));
        }
    }
    assert!(
        planned.is_empty(),
        "statements planned:\n{}\n{table}",
        planned.join("\n")
    );
    assert!(
        worse.is_empty(),
        "scores got worse:\n{}\n{table}",
        worse.join("\n")
    );
    if committed != table {
        eprintln!("the scores changed (better); SCHEMAFIX_BLESS=1 records them:\n{table}");
    }
}

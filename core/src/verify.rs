//! Proving a plan on a PostgreSQL server the caller runs (the browser's PGlite): no I/O here.
//!
//! [`script`] says what to run and how: the current schema (a DDL text as written, minus what
//! needs roles a one-role server lacks; DDL generated from a `\d` paste or a model), the plan's
//! statements in the transactions `schemafix apply` would use, and core's catalog queries.
//! [`outcome`] decodes the catalog rows and plans once more against the desired schema: the
//! migration converged when nothing is left to run.

use serde::{Deserialize, Serialize};

use crate::catalog::{decode_catalog, Row, CATALOG_QUERIES, CATALOG_SETUP};
use crate::diff::{diff_filtered, Change};
use crate::error::{Diagnostic, Severity};
use crate::plan::{plan_owned, Phase, Plan, PlanOptions};
use crate::render::sql::{creation_statements, online_phases};
use crate::schema::Schema;
use crate::source::detect::Format;
use crate::source::Parsed;
use crate::sql::step_sql;

/// One statement to run, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptStatement {
    /// The statement.
    pub sql: String,
    /// Setup as written: the 1-based line of the current side's text it starts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The plan step (1-based) it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
}

/// Statements that run together: in one transaction, or each on its own outside any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// `BEGIN` … `COMMIT` around the statements; otherwise each runs in autocommit.
    pub transactional: bool,
    /// In order.
    pub statements: Vec<ScriptStatement>,
}

/// What to run to prove a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    /// Creates the current schema, one statement at a time.
    pub setup: Vec<ScriptStatement>,
    /// True when the setup was generated from what schemafix read (a `\d` paste, a model), false
    /// when it is the current side's DDL as written.
    pub setup_generated: bool,
    /// Statements of the DDL left out of the setup, each with why.
    pub left_out: Vec<String>,
    /// Types and sequences a paste names without defining them (psql's `\d` shows an enum only
    /// as a column's type), created for the setup as the desired side defines them.
    #[serde(default)]
    pub borrowed: Vec<String>,
    /// The plan, in the transactions `schemafix apply` uses: new enum labels committed first
    /// when later steps follow, an online plan phase by phase (what cannot run in a
    /// transaction, such as `CONCURRENTLY`, outside any).
    pub batches: Vec<Batch>,
    /// The catalog queries, the setup query first; their rows go to [`outcome`] (without the
    /// setup query's).
    pub catalog: Vec<String>,
}

/// The statements and transactions that create the current side (`from`, in `format` or
/// detected) on an empty database, run `plan` on it and read the catalog back. `desired` (the
/// plan's target) lends the definitions of the types and sequences a paste only names.
pub fn script(from: &str, format: Option<Format>, plan: &Plan, desired: &Schema) -> Script {
    let (format, parsed) = crate::source::parse(from, format);
    let mut setup = Vec::new();
    let mut left_out = Vec::new();
    let mut borrowed = Vec::new();
    let setup_generated = format != Format::Sql;
    if setup_generated {
        let mut current = parsed.schema;
        for name in std::mem::take(&mut current.external) {
            if let Some(e) = desired.enums.get(&name) {
                borrowed.push(format!(
                    "type {name}: named but not defined by the current side; created as the desired side defines it ({})",
                    e.values.join(", ")
                ));
                current.enums.insert(name, e.clone());
            } else if let Some(s) = desired.sequences.get(&name) {
                borrowed.push(format!(
                    "sequence {name}: named but not defined by the current side; created as the desired side defines it"
                ));
                current.sequences.insert(name, s.clone());
            } else {
                current.external.insert(name);
            }
        }
        setup = match creation_statements(&current) {
            Ok(statements) => statements,
            Err(message) => {
                left_out.push(message);
                Vec::new()
            }
        }
        .into_iter()
        .map(|sql| ScriptStatement {
            sql,
            line: None,
            step: None,
        })
        .collect();
    } else {
        let lines = crate::error::LineIndex::new(from);
        for st in crate::source::split::split_statements(from) {
            let line = lines.span(from, st.start, st.end).line;
            if st.meta {
                left_out.push(format!("line {line}: psql meta-command `{}`", st.text));
            } else if let Some(what) = crate::source::ddl::needs_other_roles(st.text) {
                left_out.push(format!(
                    "line {line}: {what} (`{}`): PGlite has one role",
                    first_line(st.text)
                ));
            } else {
                setup.push(ScriptStatement {
                    sql: st.text.to_string(),
                    line: Some(line),
                    step: None,
                });
            }
        }
    }
    let mut catalog = vec![CATALOG_SETUP.to_string()];
    catalog.extend(CATALOG_QUERIES.iter().map(|q| q.sql.to_string()));
    Script {
        setup,
        setup_generated,
        left_out,
        borrowed,
        batches: batches(plan),
        catalog,
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line.to_string()
    }
}

/// The transactions `plan` runs in (the same split as `schemafix apply`).
pub fn batches(plan: &Plan) -> Vec<Batch> {
    let statement = |step: usize, sql: String| ScriptStatement {
        sql,
        line: None,
        step: Some(step + 1),
    };
    if plan.online {
        let mut out = Vec::new();
        for block in online_phases(&plan.steps) {
            let statements = block
                .steps
                .into_iter()
                .flat_map(|(i, _, sqls)| sqls.into_iter().map(move |s| statement(i, s)));
            if block.phase == Phase::NotTransactional {
                out.extend(statements.map(|s| Batch {
                    transactional: false,
                    statements: vec![s],
                }));
            } else {
                out.push(Batch {
                    transactional: true,
                    statements: statements.collect(),
                });
            }
        }
        return out;
    }
    let is_label = |i: usize| matches!(plan.steps[i].change, Change::AddEnumValue { .. });
    let labels_first = (0..plan.steps.len()).any(is_label) && !(0..plan.steps.len()).all(is_label);
    let mut first = Batch {
        transactional: true,
        statements: Vec::new(),
    };
    let mut main = first.clone();
    // The split comes from the plan's structure only, never from a statement's text: every
    // statement of a plan in default mode runs in a transaction (what cannot is an online form).
    for (i, step) in plan.steps.iter().enumerate() {
        for sql in step_sql(&step.change) {
            if labels_first && is_label(i) {
                first.statements.push(statement(i, sql));
            } else {
                main.statements.push(statement(i, sql));
            }
        }
    }
    [first, main]
        .into_iter()
        .filter(|b| !b.statements.is_empty())
        .collect()
}

/// After the script ran: what is left between the database and `desired`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// Nothing is left to run (destructive steps held back may remain, see `left.skipped`).
    pub converged: bool,
    /// The plan from the database as it now is to `desired`.
    pub left: Plan,
    /// What reading the catalog reported (errors mean the rows could not be read).
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes the catalog rows (one result per query of [`Script::catalog`] after the setup query)
/// and plans from them to `desired` with `options` (online mode aside).
pub fn outcome(rows: &[Vec<Row>], desired: &Schema, options: &PlanOptions) -> Outcome {
    let Parsed {
        mut schema,
        diagnostics,
        ..
    } = decode_catalog(rows);
    schema.owners.compared = options.owners;
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let left = if failed {
        Plan::default()
    } else {
        plan_owned(
            // PGlite has one role: privileges are not verified there.
            diff_filtered(&schema, desired, &options.filter, None),
            &PlanOptions {
                online: false,
                renames: Vec::new(),
                ..options.clone()
            },
        )
    };
    Outcome {
        converged: !failed && left.steps.is_empty(),
        left,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(from: &str, to: &str, options: &PlanOptions) -> Plan {
        crate::migrate(from, None, to, None, options).plan
    }

    #[test]
    fn written_ddl_runs_as_written_without_what_needs_other_roles() {
        let from =
            "CREATE TABLE users (id int);\n\\restrict abc\nALTER TABLE users OWNER TO app;\n\
                    GRANT SELECT ON users TO reader;\nINSERT INTO users VALUES (1);";
        let s = script(from, None, &Plan::default(), &Schema::default());
        assert!(!s.setup_generated);
        let setup: Vec<(&str, Option<u32>)> =
            s.setup.iter().map(|x| (x.sql.as_str(), x.line)).collect();
        assert_eq!(
            setup,
            [
                ("CREATE TABLE users (id int)", Some(1)),
                ("INSERT INTO users VALUES (1)", Some(5))
            ]
        );
        assert_eq!(s.left_out.len(), 3, "{:?}", s.left_out);
        assert!(
            s.left_out[1].contains("line 3: ownership"),
            "{:?}",
            s.left_out
        );
        assert!(
            s.left_out[2].contains("line 4: a privilege"),
            "{:?}",
            s.left_out
        );
        assert_eq!(s.catalog.len(), CATALOG_QUERIES.len() + 1);
    }

    #[test]
    fn a_paste_or_a_model_is_created_from_what_was_read() {
        let paste = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/seed/users.d.txt"
        ))
        .unwrap();
        let s = script(&paste, None, &Plan::default(), &Schema::default());
        assert!(s.setup_generated);
        assert!(
            s.setup[0].sql.starts_with("CREATE TABLE users ("),
            "{:?}",
            s.setup
        );
        assert!(s.left_out.is_empty());
    }

    #[test]
    fn new_labels_commit_first_and_concurrently_runs_outside() {
        let from = "CREATE TYPE mood AS ENUM ('a');\nCREATE TABLE t (m mood, n int);";
        let to = "CREATE TYPE mood AS ENUM ('a', 'b');\n\
                  CREATE TABLE t (m mood DEFAULT 'b', n int);\nCREATE INDEX t_n ON t (n);";
        let b = batches(&plan_of(from, to, &PlanOptions::default()));
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].statements[0].sql.contains("ADD VALUE 'b'"), "{b:?}");
        assert!(b.iter().all(|b| b.transactional));
        let online = batches(&plan_of(
            from,
            to,
            &PlanOptions {
                online: true,
                ..Default::default()
            },
        ));
        let concurrent: Vec<&Batch> = online
            .iter()
            .filter(|b| b.statements.iter().any(|s| s.sql.contains("CONCURRENTLY")))
            .collect();
        assert_eq!(concurrent.len(), 1, "{online:?}");
        assert!(!concurrent[0].transactional);
        assert_eq!(concurrent[0].statements.len(), 1);
    }
}

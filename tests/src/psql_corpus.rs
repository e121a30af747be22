//! The shared psql corpus (`../shared/conformance/psql/`, see its README): real `\d`/`\d+`
//! outputs from psql 13–18 against servers 10–18, each beside the DDL that produced it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use schemafix_core::{parse, Format, Parsed, QualName, Schema, Severity, Table};

/// The variants captured for each relation (README "Files in each directory").
pub const VARIANTS: &[&str] = &["d.txt", "dplus.txt", "d.unaligned.txt", "d.wrapped.txt"];

/// One described relation in one client/server directory.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The directory (`15`, `13-server10`, …).
    pub dir: String,
    /// The file stem (`users`, `auth.identities`).
    pub stem: String,
    /// The argument given to `\d`.
    pub describe_arg: String,
    /// psql's title kind (`Table`, `View`, `multi`, …).
    pub kind: String,
    /// The directory's path.
    pub path: PathBuf,
}

impl Sample {
    /// The relation is a table (what the psql source compares).
    pub fn is_table(&self) -> bool {
        self.kind == "multi" || self.kind.ends_with("Table") || self.kind.ends_with("table")
    }

    /// A capture of this relation, if that variant exists here.
    pub fn read(&self, variant: &str) -> Option<String> {
        std::fs::read_to_string(self.path.join(format!("{}.{variant}", self.stem))).ok()
    }

    /// The `<stem>.sql` file, and its three sections.
    pub fn sql(&self) -> Result<Sections> {
        let text = std::fs::read_to_string(self.path.join(format!("{}.sql", self.stem)))
            .with_context(|| format!("{}/{}.sql", self.dir, self.stem))?;
        Ok(Sections::split(&text))
    }

    /// The tables the paste describes, as qualified names.
    pub fn tables(&self) -> Vec<QualName> {
        self.describe_arg
            .split(" ; ")
            .map(|a| {
                let parts: Vec<String> = a
                    .split('.')
                    .map(
                        |p| match p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                            Some(q) => q.to_string(),
                            None => p.to_lowercase(),
                        },
                    )
                    .collect();
                match parts.as_slice() {
                    [s, n] => QualName::new(s.as_str(), n.as_str()),
                    _ => QualName::new("public", parts[0].as_str()),
                }
            })
            .collect()
    }
}

/// The `-- @@ prelude` / `-- @@ target` / `-- @@ dependents` sections of a corpus `.sql`.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    /// What the target needs.
    pub prelude: String,
    /// The described relation.
    pub target: String,
    /// Objects that refer to it.
    pub dependents: String,
}

impl Sections {
    fn split(text: &str) -> Sections {
        let mut s = Sections::default();
        let mut cur: Option<&mut String> = None;
        for line in text.lines() {
            match line.trim() {
                "-- @@ prelude" => cur = Some(&mut s.prelude),
                "-- @@ target" => cur = Some(&mut s.target),
                "-- @@ dependents" => cur = Some(&mut s.dependents),
                _ => {
                    if let Some(c) = cur.as_deref_mut() {
                        c.push_str(line);
                        c.push('\n');
                    }
                }
            }
        }
        s
    }
}

/// Every sample of the corpus, in directory order.
pub fn samples(shared: &Path) -> Result<Vec<Sample>> {
    let root = shared.join("conformance/psql");
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .with_context(|| root.display().to_string())?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let index = std::fs::read_to_string(root.join("INDEX.tsv"))?;
    let mut out = Vec::new();
    for dir in &dirs {
        for line in index.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                continue;
            }
            let (stem, arg, kind, missing) = (f[0], f[1], f[2], f[4]);
            if missing.split(',').any(|m| m == dir) {
                continue;
            }
            let path = if kind == "multi" {
                root.join(dir).join("multi")
            } else {
                root.join(dir)
            };
            let stem = stem.rsplit('/').next().unwrap_or(stem).to_string();
            if !path.join(format!("{stem}.sql")).exists() {
                continue;
            }
            out.push(Sample {
                dir: dir.clone(),
                stem,
                describe_arg: arg.to_string(),
                kind: kind.to_string(),
                path,
            });
        }
    }
    Ok(out)
}

/// Parses a capture with the psql source (format forced, as `--from-format psql` would).
pub fn parse_capture(text: &str) -> Parsed {
    parse(text, Some(Format::Psql)).1
}

/// The errors of a parse, one line each.
pub fn errors(p: &Parsed) -> Vec<String> {
    p.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}:{}: {}", d.span.line, d.span.column, d.message))
        .collect()
}

/// What `\d` (or `\d+`) shows of a table, for comparing a paste with its DDL: expressions
/// compared only after the server normalizes them (README step 2), comments only in `\d+`.
pub fn shown(t: &Table, plus: bool) -> Table {
    let mut t = t.clone();
    t.comment = None;
    // Row security, policies and statistics objects are footers the psql source does not
    // read.
    t.row_security = false;
    t.force_row_security = false;
    t.policies.clear();
    t.statistics.clear();
    // Settings: `\d+` shows all but a column's options (and psql before 14 its compression;
    // tests/it/psql_live.rs compares that), `\d` none.
    if plus {
        for s in t.column_settings.values_mut() {
            s.options = Default::default();
            s.compression = None;
        }
        t.column_settings.retain(|_, s| !s.is_default());
    } else {
        t.options = Default::default();
        t.replica_identity = Default::default();
        t.column_settings.clear();
    }
    for c in &mut t.columns {
        if !plus {
            c.comment = None;
        }
        c.default = c.default.as_ref().map(|_| Box::new(blank()));
        c.generated = c.generated.as_ref().map(|_| Box::new(blank()));
    }
    for c in &mut t.checks {
        c.expr = blank();
    }
    for i in &mut t.indexes {
        i.predicate = i.predicate.as_ref().map(|_| blank());
        i.comment = None;
        for k in &mut i.keys {
            if !k.is_column {
                k.expr = blank();
            }
        }
    }
    for x in &mut t.exclusions {
        x.predicate = x.predicate.as_ref().map(|_| blank());
    }
    t
}

fn blank() -> schemafix_core::Expr {
    schemafix_core::Expr {
        sql: String::new(),
        canon: String::new(),
    }
}

/// The DDL side of a sample: prelude and target parsed together, so names resolve.
pub fn ddl_schema(s: &Sample) -> Result<Schema> {
    let sec = s.sql()?;
    let text = format!("{}\n{}", sec.prelude, sec.target);
    let (_, p) = parse(&text, Some(Format::Sql));
    let errs = errors(&p);
    anyhow::ensure!(errs.is_empty(), "the DDL does not parse: {errs:?}");
    Ok(p.schema)
}

//! Renames: columns dropped and added alike in one table are shown as likely renames, with a
//! confidence; a rename the user confirms (`--rename users.login=username`) is applied to the
//! current schema before the diff and becomes one `RENAME COLUMN` step, keeping the data.

use serde::{Deserialize, Serialize};

use crate::diff::{Change, Diff};
use crate::quote::quote_ident;
use crate::schema::{Column, QualName, Schema};

/// A column rename the user confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    /// The table.
    pub table: QualName,
    /// The column's current name.
    pub from: String,
    /// Its desired name.
    pub to: String,
}

impl Rename {
    /// Reads `[schema.]table.from=to` (the CLI's `--rename`); names as PostgreSQL folds them
    /// (`"Quoted"` parts keep their case).
    pub fn parse(text: &str) -> Result<Rename, String> {
        let bad =
            || format!("{text:?}: a rename is TABLE.COLUMN=NEW_NAME (e.g. users.login=username)");
        let (left, to) = text.split_once('=').ok_or_else(bad)?;
        let parts = crate::source::ddl::split_qualified(left.trim());
        let to = crate::source::ddl::split_qualified(to.trim());
        let (column, table) = parts.split_last().ok_or_else(bad)?;
        let table = match table {
            [t] => QualName::new("public", t.clone()),
            [s, t] => QualName::new(s.clone(), t.clone()),
            _ => return Err(bad()),
        };
        match to.as_slice() {
            [to] if !to.is_empty() && !column.is_empty() => Ok(Rename {
                table,
                from: column.clone(),
                to: to.clone(),
            }),
            _ => Err(bad()),
        }
    }
}

/// A dropped and an added column that look like one column renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameSuggestion {
    /// The table.
    pub table: QualName,
    /// The column that would be dropped.
    pub from: String,
    /// The column that would be added.
    pub to: String,
    /// 0 to 100 (percent): how alike they are (same definition, the only such pair, similar
    /// names).
    pub confidence: u8,
}

impl RenameSuggestion {
    /// The `--rename` argument that confirms it.
    pub fn argument(&self) -> String {
        let table = if self.table.schema == "public" {
            quote_ident(&self.table.name)
        } else {
            format!(
                "{}.{}",
                quote_ident(&self.table.schema),
                quote_ident(&self.table.name)
            )
        };
        format!(
            "{table}.{}={}",
            quote_ident(&self.from),
            quote_ident(&self.to)
        )
    }
}

/// Same type, nullability, default, identity and generation: the data would fit unchanged.
fn alike(a: &Column, b: &Column) -> bool {
    a.data_type == b.data_type
        && a.not_null == b.not_null
        && a.serial == b.serial
        && a.identity == b.identity
        && a.collation == b.collation
        && a.default.as_ref().map(|d| &d.canon) == b.default.as_ref().map(|d| &d.canon)
        && a.generated.as_ref().map(|d| &d.canon) == b.generated.as_ref().map(|d| &d.canon)
}

/// How alike two names are, 0 to 1 (1 − edit distance / longer length).
fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / longer as f64
}

/// Likely renames in a diff: in each table, a dropped column and an added one of the same
/// definition. Confidence: 0.5 for the definition, 0.3 more when it is the table's only
/// dropped and only added column, up to 0.2 more for similar names.
pub fn suggest(diff: &Diff) -> Vec<RenameSuggestion> {
    let mut out = Vec::new();
    let dropped: Vec<(&QualName, &Column)> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropColumn { table, column } => Some((table, column)),
            _ => None,
        })
        .collect();
    let added: Vec<(&QualName, &Column)> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AddColumn { table, column } => Some((table, column)),
            _ => None,
        })
        .collect();
    for (table, d) in &dropped {
        let drops_here = dropped.iter().filter(|(t, _)| t == table).count();
        let adds_here = added.iter().filter(|(t, _)| t == table).count();
        for (t, a) in &added {
            if t != table || !alike(d, a) {
                continue;
            }
            let only = if drops_here == 1 && adds_here == 1 {
                0.3
            } else {
                0.0
            };
            let confidence = 0.5 + only + 0.2 * name_similarity(&d.name, &a.name);
            out.push(RenameSuggestion {
                table: (*table).clone(),
                from: d.name.clone(),
                to: a.name.clone(),
                confidence: (confidence * 100.0).round().clamp(0.0, 100.0) as u8,
            });
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.confidence));
    out
}

/// Applies confirmed renames to the current schema (its keys, indexes and the foreign keys
/// that reference the column follow, as PostgreSQL's do); the changes that run them, or what
/// is wrong with one.
pub fn apply(schema: &mut Schema, renames: &[Rename]) -> Result<Vec<Change>, String> {
    let mut changes = Vec::new();
    for r in renames {
        let arg = format!("--rename {}.{}={}", r.table, r.from, r.to);
        let table = schema
            .tables
            .get_mut(&r.table)
            .ok_or_else(|| format!("{arg}: there is no table {} in the current schema", r.table))?;
        if table.column(&r.to).is_some() {
            return Err(format!(
                "{arg}: table {} already has a column {}",
                r.table, r.to
            ));
        }
        let column = table
            .column_mut(&r.from)
            .ok_or_else(|| format!("{arg}: table {} has no column {}", r.table, r.from))?;
        column.name = r.to.clone();
        let rename = |cols: &mut Vec<String>| {
            for c in cols.iter_mut() {
                if *c == r.from {
                    *c = r.to.clone();
                }
            }
        };
        if let Some(pk) = &mut table.primary_key {
            rename(&mut pk.columns);
            rename(&mut pk.include);
        }
        for u in &mut table.uniques {
            rename(&mut u.columns);
            rename(&mut u.include);
        }
        for f in &mut table.foreign_keys {
            rename(&mut f.columns);
        }
        for i in &mut table.indexes {
            rename(&mut i.include);
            for k in &mut i.keys {
                if k.is_column && k.expr.canon == quote_ident(&r.from) {
                    let q = quote_ident(&r.to);
                    k.expr.sql = q.clone();
                    k.expr.canon = q;
                }
            }
        }
        for t in schema.tables.values_mut() {
            for f in &mut t.foreign_keys {
                if f.ref_table == r.table {
                    for c in f.ref_columns.iter_mut() {
                        if *c == r.from {
                            *c = r.to.clone();
                        }
                    }
                }
            }
        }
        changes.push(Change::RenameColumn {
            table: r.table.clone(),
            from: r.from.clone(),
            to: r.to.clone(),
        });
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_parse_and_print_back() {
        let r = Rename::parse("users.login=username").unwrap();
        assert_eq!(r.table, QualName::new("public", "users"));
        assert_eq!((r.from.as_str(), r.to.as_str()), ("login", "username"));
        let r = Rename::parse("app.\"Users\".\"Login\"=\"User Name\"").unwrap();
        assert_eq!(r.table, QualName::new("app", "Users"));
        assert_eq!((r.from.as_str(), r.to.as_str()), ("Login", "User Name"));
        for bad in [
            "users",
            "users.login",
            "login=x",
            "a.b.c.d=e",
            "users.login=",
        ] {
            assert!(Rename::parse(bad).is_err(), "{bad}");
        }
        assert!(name_similarity("login", "login") == 1.0);
        assert!(name_similarity("user_name", "username") > name_similarity("login", "username"));
    }

    fn migrate(from: &str, to: &str, renames: Vec<Rename>) -> crate::Migration {
        crate::migrate(
            from,
            Some(crate::Format::Sql),
            to,
            Some(crate::Format::Sql),
            &crate::PlanOptions {
                renames,
                ..Default::default()
            },
        )
    }

    /// A rename is suggested for alike columns only; a confirmed one is one step, however
    /// many keys, indexes and foreign keys name the column.
    #[test]
    fn alike_columns_are_suggested_and_a_confirmed_rename_is_one_step() {
        let from = "CREATE TABLE a (id int, code text NOT NULL, n int, PRIMARY KEY (id, code));
            CREATE UNIQUE INDEX a_code ON a (code) INCLUDE (n);
            CREATE TABLE b (id int, code text, FOREIGN KEY (id, code) REFERENCES a (id, code));";
        let to = "CREATE TABLE a (id int, ref text NOT NULL, n bigint, PRIMARY KEY (id, ref));
            CREATE UNIQUE INDEX a_code ON a (ref) INCLUDE (n);
            CREATE TABLE b (id int, code text, FOREIGN KEY (id, code) REFERENCES a (id, ref));";
        let m = migrate(from, to, vec![]);
        assert!(!m.has_errors());
        // `code` → `ref` (same type, both NOT NULL); `n` changes type, no rename.
        assert_eq!(m.plan.renames.len(), 1, "{:?}", m.plan.renames);
        let r = &m.plan.renames[0];
        assert_eq!(
            (r.from.as_str(), r.to.as_str(), r.confidence),
            ("code", "ref", 80)
        );
        assert_eq!(r.argument(), "a.code=ref");
        assert!(!m.sql.contains("RENAME"));
        let m = migrate(from, to, vec![Rename::parse("a.code=ref").unwrap()]);
        let ids: Vec<&str> = m.plan.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["rename-column", "alter-column-type"], "{}", m.sql);
        assert!(m.sql.contains("ALTER TABLE a RENAME COLUMN code TO ref;"));
        assert!(m.plan.renames.is_empty());
        assert!(m
            .down_sql
            .contains("ALTER TABLE a RENAME COLUMN ref TO code;"));
        // A rename of what is not there is an error, not a silent no-op.
        let m = migrate(from, to, vec![Rename::parse("a.nope=ref").unwrap()]);
        assert!(m.has_errors() && m.sql.is_empty());
    }
}

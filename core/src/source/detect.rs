//! Format detection: which source understands a text.

use serde::{Deserialize, Serialize};

/// The input formats schemafix knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// SQL DDL or `pg_dump --schema-only` output.
    Sql,
    /// psql `\d` / `\d+` output.
    Psql,
    /// A Python module with SQLAlchemy models.
    SqlAlchemy,
    /// A live database, read with the catalog queries (never detected from text).
    Database,
}

impl Format {
    /// The name used on the command line and in the web badge.
    pub fn name(self) -> &'static str {
        match self {
            Format::Sql => "sql",
            Format::Psql => "psql",
            Format::SqlAlchemy => "sqlalchemy",
            Format::Database => "database",
        }
    }

    /// Parses a format name as given on the command line.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "sql" | "ddl" | "pg_dump" => Some(Format::Sql),
            "psql" | "d" | "describe" => Some(Format::Psql),
            "sqlalchemy" | "python" | "py" | "model" => Some(Format::SqlAlchemy),
            _ => None,
        }
    }
}

/// Guesses the format of `text` from its content.
pub fn detect(text: &str) -> Format {
    let mut psql = 0;
    let mut python = 0;
    for line in text.lines().take(400) {
        let t = line.trim();
        let title = [
            "Table \"",
            "Unlogged table \"",
            "Partitioned table \"",
            "View \"",
            "Materialized view \"",
            "Sequence \"",
            "Index \"",
        ]
        .iter()
        .any(|k| t.starts_with(k) && t.ends_with('"'));
        if title
            || (t.starts_with("---") && t.contains("-+-"))
            || (t.contains(" | ") && (t.starts_with("Column") || t.contains("| not null")))
            || t.starts_with("Column|Type|")
            || t.starts_with("Did not find any relation named")
        {
            psql += 2;
        }
        if t.starts_with("Indexes:") || t.starts_with("Foreign-key constraints:") {
            psql += 1;
        }
        if t.starts_with("class ") && t.ends_with(':')
            || t.starts_with("from sqlalchemy")
            || t.starts_with("import sqlalchemy")
            || t.contains("Column(")
            || t.contains("mapped_column(")
            || t.starts_with("__tablename__")
        {
            python += 2;
        }
    }
    if psql > python && psql >= 2 {
        Format::Psql
    } else if python >= 2 {
        Format::SqlAlchemy
    } else {
        Format::Sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        assert_eq!(detect("CREATE TABLE t (a int);"), Format::Sql);
        assert_eq!(
            detect("  Table \"public.users\"\n Column | Type \n--------+------\n id | integer"),
            Format::Psql
        );
        assert_eq!(
            detect("Table \"public.users\"\nColumn|Type|Collation|Nullable|Default\nid|integer||not null|"),
            Format::Psql
        );
        assert_eq!(
            detect("from sqlalchemy import Column\nclass User(Base):\n    id = Column(Integer)"),
            Format::SqlAlchemy
        );
    }
}

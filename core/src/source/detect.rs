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

/// How messages name a format.
pub fn describe(f: Format) -> &'static str {
    match f {
        Format::Sql => "SQL DDL",
        Format::Psql => "psql \\d output",
        Format::SqlAlchemy => "a SQLAlchemy model",
        Format::Database => "a database",
    }
}

/// Two formats in one text: which, and the byte offset and line where each begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mixed {
    /// The format that comes first, and where.
    pub first: (Format, usize, usize),
    /// The other format, and where it begins.
    pub second: (Format, usize, usize),
}

/// Finds text of two formats pasted together (a `\d` output followed by a model, a dump with a
/// model …), from lines only one format has: a psql title with its `---+---` rule, SQLAlchemy
/// imports and class lines at the margin, `CREATE TABLE` at the margin outside a Python
/// triple-quoted string.
pub fn mixed(text: &str) -> Option<Mixed> {
    let mut seen: Vec<(Format, usize, usize)> = Vec::new();
    let mut in_triple = false;
    let mut title: Option<(usize, usize)> = None;
    let mut offset = 0;
    for (n, line) in text.split('\n').enumerate() {
        let here = (offset, n + 1);
        offset += line.len() + 1;
        let t = line.trim();
        let triples = line.matches("\"\"\"").count() + line.matches("'''").count();
        let was_in_triple = in_triple;
        in_triple ^= triples % 2 == 1;
        let format = if t.starts_with("Table \"") && t.ends_with('"') {
            title = Some(here);
            None
        } else if t.contains("-+-") && t.chars().all(|c| c == '-' || c == '+') {
            title.map(|_| Format::Psql)
        } else if !was_in_triple
            && (line.starts_with("from sqlalchemy")
                || line.starts_with("import sqlalchemy")
                || line.starts_with("from sqlmodel")
                || (line.starts_with("class ") && line.trim_end().ends_with("):")))
        {
            Some(Format::SqlAlchemy)
        } else if !was_in_triple
            && line.len() >= 13
            && line.is_char_boundary(13)
            && line[..13].eq_ignore_ascii_case("CREATE TABLE ")
        {
            Some(Format::Sql)
        } else {
            None
        };
        let Some(format) = format else { continue };
        // A psql output begins at its title line.
        let (at, line_no) = match (format, title) {
            (Format::Psql, Some(t)) => t,
            _ => here,
        };
        if !seen.iter().any(|(f, _, _)| *f == format) {
            seen.push((format, at, line_no));
        }
        if seen.len() == 2 {
            return Some(Mixed {
                first: seen[0],
                second: seen[1],
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_two_formats_pasted_together() {
        let psql = "                 Table \"public.users\"\n Column |  Type   \n--------+---------\n id     | integer\n";
        let model = "from sqlalchemy import Column, Integer\n\nclass User(Base):\n    id = Column(Integer)\n";
        let m = mixed(&format!("{psql}\n{model}")).unwrap();
        assert_eq!(m.first, (Format::Psql, 0, 1));
        assert_eq!(m.second, (Format::SqlAlchemy, psql.len() + 1, 6));
        let ddl = "CREATE TABLE t (a int);\n";
        let m = mixed(&format!("{model}{ddl}")).unwrap();
        assert_eq!(
            (m.first.0, m.second.0, m.second.2),
            (Format::SqlAlchemy, Format::Sql, 5)
        );
        // One format each, DDL inside a Python string, and comments that look like rules.
        assert_eq!(mixed(psql), None);
        assert_eq!(mixed(model), None);
        assert_eq!(
            mixed(&format!(
                "{model}DDL = \"\"\"\nCREATE TABLE t (a int);\n\"\"\"\n"
            )),
            None
        );
        assert_eq!(mixed(&format!("-- ----+----\n{ddl}")), None);
    }

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

//! Which objects a comparison covers: schemas and tables by psql-style patterns, as `pg_dump`'s
//! `--schema`, `--exclude-schema`, `--table` and `--exclude-table` take them. What a filter
//! leaves out is taken out of both sides, so it is neither created, changed nor dropped, and
//! is listed as not compared.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CommentTarget, PrivilegeTarget, QualName, Schema};

/// Patterns: `*` any run of characters, `?` one character, a double-quoted part taken as
/// written (`""` a quote), an unquoted one folded to lower case; a table pattern may name its
/// schema (`app.user*`), and without one matches in every schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    /// Only objects in a schema one of these matches (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    /// Objects in a schema one of these matches left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_schemas: Vec<String>,
    /// Only the tables, views and sequences one of these matches (and nothing but relations,
    /// as `pg_dump --table`); every relation when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    /// The tables, views and sequences one of these matches left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_tables: Vec<String>,
}

/// One piece of a pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    Any,
    One,
    Char(char),
}

/// A pattern's parts (split at unquoted dots), each as pieces.
fn parse(pattern: &str) -> Result<Vec<Vec<Piece>>, String> {
    let mut parts = vec![Vec::new()];
    let mut quoted = false;
    let mut chars = pattern.trim().chars().peekable();
    while let Some(c) = chars.next() {
        let part = parts.last_mut().expect("one part at least");
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                part.push(Piece::Char('"'));
            }
            '"' => quoted = !quoted,
            _ if quoted => part.push(Piece::Char(c)),
            '.' => parts.push(Vec::new()),
            '*' => part.push(Piece::Any),
            '?' => part.push(Piece::One),
            _ => part.push(Piece::Char(c.to_ascii_lowercase())),
        }
    }
    if quoted {
        return Err(format!("pattern {pattern:?}: a quote is not closed"));
    }
    if parts.iter().any(Vec::is_empty) || parts.len() > 2 {
        return Err(format!(
            "pattern {pattern:?}: expected NAME or SCHEMA.NAME (with * and ? as wildcards)"
        ));
    }
    Ok(parts)
}

fn matches(p: &[Piece], s: &[char]) -> bool {
    match (p.first(), s.first()) {
        (None, _) => s.is_empty(),
        (Some(Piece::Any), _) => (0..=s.len()).any(|i| matches(&p[1..], &s[i..])),
        (Some(Piece::One), Some(_)) => matches(&p[1..], &s[1..]),
        (Some(Piece::Char(c)), Some(x)) if c == x => matches(&p[1..], &s[1..]),
        _ => false,
    }
}

fn part_matches(p: &[Piece], s: &str) -> bool {
    matches(p, &s.chars().collect::<Vec<_>>())
}

/// Patterns read once.
struct Compiled {
    schemas: Vec<Vec<Piece>>,
    exclude_schemas: Vec<Vec<Piece>>,
    tables: Vec<Vec<Vec<Piece>>>,
    exclude_tables: Vec<Vec<Vec<Piece>>>,
}

impl Compiled {
    fn schema_kept(&self, s: &str) -> bool {
        (self.schemas.is_empty() || self.schemas.iter().any(|p| part_matches(p, s)))
            && !self.exclude_schemas.iter().any(|p| part_matches(p, s))
    }

    fn relation_kept(&self, n: &QualName) -> bool {
        let hit = |p: &Vec<Vec<Piece>>| match p.as_slice() {
            [name] => part_matches(name, &n.name),
            [schema, name] => part_matches(schema, &n.schema) && part_matches(name, &n.name),
            _ => false,
        };
        self.schema_kept(&n.schema)
            && (self.tables.is_empty() || self.tables.iter().any(hit))
            && !self.exclude_tables.iter().any(hit)
    }

    /// Whether an object that is no relation, in `schema`, is kept.
    fn other_kept(&self, schema: &str) -> bool {
        self.tables.is_empty() && self.schema_kept(schema)
    }
}

impl Filter {
    /// No pattern at all.
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty()
            && self.exclude_schemas.is_empty()
            && self.tables.is_empty()
            && self.exclude_tables.is_empty()
    }

    /// Checks every pattern.
    pub fn validate(&self) -> Result<(), String> {
        self.compile().map(|_| ())
    }

    fn compile(&self) -> Result<Compiled, String> {
        let one = |p: &String| -> Result<Vec<Piece>, String> {
            let mut parts = parse(p)?;
            if parts.len() != 1 {
                return Err(format!("schema pattern {p:?}: a schema name has no dot"));
            }
            Ok(parts.remove(0))
        };
        Ok(Compiled {
            schemas: self.schemas.iter().map(one).collect::<Result<_, _>>()?,
            exclude_schemas: self
                .exclude_schemas
                .iter()
                .map(one)
                .collect::<Result<_, _>>()?,
            tables: self
                .tables
                .iter()
                .map(|p| parse(p))
                .collect::<Result<_, _>>()?,
            exclude_tables: self
                .exclude_tables
                .iter()
                .map(|p| parse(p))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Takes out of `schema` what the filter leaves out; returns what it took, by kind
    /// (`tables`, `functions`, …), each with its names in order.
    pub fn apply(
        &self,
        schema: &mut Schema,
    ) -> Result<BTreeMap<&'static str, Vec<String>>, String> {
        let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        if self.is_empty() {
            return Ok(out);
        }
        let c = self.compile()?;
        let mut took = |kind: &'static str, name: String| out.entry(kind).or_default().push(name);
        macro_rules! keep_map {
            ($map:expr, $kind:literal, $kept:expr) => {
                $map.retain(|n, _| {
                    let keep = $kept(n);
                    if !keep {
                        took($kind, n.to_string());
                    }
                    keep
                });
            };
        }
        keep_map!(schema.tables, "tables", |n: &QualName| c.relation_kept(n));
        keep_map!(schema.views, "views", |n: &QualName| c.relation_kept(n));
        keep_map!(schema.sequences, "sequences", |n: &QualName| c
            .relation_kept(n));
        keep_map!(schema.enums, "enums", |n: &QualName| c
            .other_kept(&n.schema));
        keep_map!(schema.domains, "domains", |n: &QualName| c
            .other_kept(&n.schema));
        keep_map!(schema.composites, "composite types", |n: &QualName| c
            .other_kept(&n.schema));
        keep_map!(schema.ranges, "range types", |n: &QualName| c
            .other_kept(&n.schema));
        keep_map!(schema.collations, "collations", |n: &QualName| c
            .other_kept(&n.schema));
        schema.functions.retain(|sig, f| {
            let keep = c.other_kept(&f.name.schema);
            if !keep {
                took("functions", sig.clone());
            }
            keep
        });
        schema.extensions.retain(|name, e| {
            let keep = c.other_kept(&e.schema);
            if !keep {
                took("extensions", name.clone());
            }
            keep
        });
        let tables = &schema.tables;
        let views = &schema.views;
        schema.triggers.retain(|key, t| {
            let keep = tables.contains_key(&t.table) || views.contains_key(&t.table);
            if !keep {
                took("triggers", key.clone());
            }
            keep
        });
        schema.schemas.retain(|s| {
            let keep = c.other_kept(s);
            if !keep {
                took("schemas", s.clone());
            }
            keep
        });
        // What is on an object left out goes with it.
        let relation = |n: &QualName| c.relation_kept(n);
        schema.comments.retain(|o| match &o.target {
            CommentTarget::Schema { name } => c.other_kept(name),
            CommentTarget::Sequence { name } => relation(name),
            CommentTarget::Collation { name } => c.other_kept(&name.schema),
            CommentTarget::Policy { table, .. } => relation(table),
        });
        schema.privileges.retain(|t, _| match t {
            PrivilegeTarget::Table { name } | PrivilegeTarget::Sequence { name } => relation(name),
            PrivilegeTarget::Column { table, .. } => relation(table),
            PrivilegeTarget::Function { name, .. } | PrivilegeTarget::Type { name } => {
                c.other_kept(&name.schema)
            }
            PrivilegeTarget::Schema { name } => c.other_kept(name),
        });
        schema.unread_columns.retain(|n| relation(n));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(
        schemas: &[&str],
        exclude_schemas: &[&str],
        tables: &[&str],
        exclude: &[&str],
    ) -> Compiled {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Filter {
            schemas: v(schemas),
            exclude_schemas: v(exclude_schemas),
            tables: v(tables),
            exclude_tables: v(exclude),
        }
        .compile()
        .unwrap()
    }

    #[test]
    fn patterns_match_as_psql_reads_them() {
        let q = |s: &str, n: &str| QualName::new(s, n);
        let c = f(
            &[],
            &[],
            &["app.user*", "\"Odd.Name\"", "log?"],
            &["app.users_old"],
        );
        assert!(c.relation_kept(&q("app", "users")));
        assert!(c.relation_kept(&q("app", "user")));
        assert!(!c.relation_kept(&q("app", "users_old")));
        assert!(!c.relation_kept(&q("public", "users")));
        assert!(c.relation_kept(&q("public", "Odd.Name")));
        assert!(!c.relation_kept(&q("public", "odd.name")));
        assert!(c.relation_kept(&q("x", "logs")));
        assert!(!c.relation_kept(&q("x", "log")));
        // Unquoted is folded: `USERS` is `users`.
        assert!(f(&[], &[], &["USERS"], &[]).relation_kept(&q("public", "users")));
        let s = f(&["app*"], &["app_audit"], &[], &[]);
        assert!(s.schema_kept("app") && s.schema_kept("app2") && !s.schema_kept("app_audit"));
        assert!(!s.schema_kept("public"));
        assert!(s.other_kept("app") && !f(&[], &[], &["t"], &[]).other_kept("public"));
        for bad in ["\"open", "a.b.c", "", "a."] {
            let filter = Filter {
                tables: vec![bad.into()],
                ..Default::default()
            };
            assert!(filter.validate().is_err(), "{bad}");
        }
        let filter = Filter {
            schemas: vec!["a.b".into()],
            ..Default::default()
        };
        assert!(filter.validate().is_err());
    }
}

//! Privileges: who may do what with each object besides its owner (`GRANT`/`REVOKE`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::QualName;
use crate::quote::quote_ident;

/// What a privilege is held on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// A table, view, materialized view or foreign table (`ON TABLE`).
    Table {
        /// Its name.
        name: QualName,
    },
    /// One column of a table or view (`GRANT SELECT (c) ON t`).
    Column {
        /// The table.
        table: QualName,
        /// The column.
        column: String,
    },
    /// A sequence, free-standing or a serial column's.
    Sequence {
        /// Its name.
        name: QualName,
    },
    /// A function or procedure.
    Function {
        /// Its name.
        name: QualName,
        /// Its input arguments' types (`integer, text`), as `Function::identity`.
        identity: String,
    },
    /// A schema.
    Schema {
        /// Its name.
        name: String,
    },
    /// A type: an enum, a domain, a composite or range type.
    Type {
        /// Its name.
        name: QualName,
    },
}

/// One grantee's privileges on one target, each with whether the grantee may grant it on
/// (`WITH GRANT OPTION`). Grantees are role names as stored, `PUBLIC` for everyone.
pub type Grants = BTreeMap<String, BTreeMap<String, bool>>;

/// The grantee that stands for every role.
pub const PUBLIC: &str = "PUBLIC";

impl Target {
    /// Every privilege this kind of object takes (what `ALL` grants), in PostgreSQL's order.
    /// A table's `MAINTAIN` (PostgreSQL 17) is not among them: it is not compared.
    pub fn all_privileges(&self) -> &'static [&'static str] {
        match self {
            Target::Table { .. } => &[
                "SELECT",
                "INSERT",
                "UPDATE",
                "DELETE",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
            ],
            Target::Column { .. } => &["SELECT", "INSERT", "UPDATE", "REFERENCES"],
            Target::Sequence { .. } => &["USAGE", "SELECT", "UPDATE"],
            Target::Function { .. } => &["EXECUTE"],
            Target::Schema { .. } => &["USAGE", "CREATE"],
            Target::Type { .. } => &["USAGE"],
        }
    }

    /// What a new object of this kind grants to others than its owner: `EXECUTE` on a function
    /// and `USAGE` on a type to `PUBLIC`, nothing on the rest; and what the `public` schema
    /// grants as PostgreSQL 15 and later make it (`USAGE` to `PUBLIC`).
    pub fn default_grants(&self) -> Grants {
        let public = |p: &str| {
            BTreeMap::from([(PUBLIC.to_string(), BTreeMap::from([(p.to_string(), false)]))])
        };
        match self {
            Target::Function { .. } => public("EXECUTE"),
            Target::Type { .. } => public("USAGE"),
            Target::Schema { name } if name == "public" => public("USAGE"),
            _ => Grants::new(),
        }
    }

    /// The keyword and name after `ON` in `GRANT … ON …` (a column's table, for a column).
    pub fn on_sql(&self) -> String {
        let q = |n: &QualName| format!("{}.{}", quote_ident(&n.schema), quote_ident(&n.name));
        match self {
            Target::Table { name } | Target::Column { table: name, .. } => {
                format!("TABLE {}", q(name))
            }
            Target::Sequence { name } => format!("SEQUENCE {}", q(name)),
            Target::Function { name, identity } => format!("ROUTINE {}({identity})", q(name)),
            Target::Schema { name } => format!("SCHEMA {}", quote_ident(name)),
            Target::Type { name } => format!("TYPE {}", q(name)),
        }
    }

    /// The target for people: `table public.users`, `column public.users.email`.
    pub fn describe(&self) -> String {
        match self {
            Target::Table { name } => format!("table {name}"),
            Target::Column { table, column } => {
                format!("column {table}.{}", quote_ident(column))
            }
            Target::Sequence { name } => format!("sequence {name}"),
            Target::Function { name, identity } => format!("function {name}({identity})"),
            Target::Schema { name } => format!("schema {}", quote_ident(name)),
            Target::Type { name } => format!("type {name}"),
        }
    }

    /// A function target's key in `Schema::functions` (`Function::signature`).
    pub fn signature(&self) -> Option<String> {
        match self {
            Target::Function { name, identity } => Some(format!("{name}({identity})")),
            _ => None,
        }
    }

    /// The column a column target names.
    pub fn column(&self) -> Option<&str> {
        match self {
            Target::Column { column, .. } => Some(column),
            _ => None,
        }
    }
}

/// Who owns each object, where the source says (`ALTER … OWNER TO`, the live catalog).
/// Owners never make two schemas differ (nor are they in JSON): they are compared only when
/// asked (`--owners`, see `diff/owners.rs`); the privileges' diff leaves a grant to an
/// object's owner out: it is the owner's own privilege, which PostgreSQL keeps whole whatever
/// is granted to it.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    /// Each object's owner (a column's is its table's).
    pub of_object: BTreeMap<Target, String>,
    /// Whether the comparison covers owners (either side asking is enough).
    pub compared: bool,
}

impl PartialEq for Owners {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Owners {}

impl Owners {
    /// The owner of `target` (a column's is its table's).
    pub fn of(&self, target: &Target) -> Option<&str> {
        let target = match target {
            Target::Column { table, .. } => &Target::Table {
                name: table.clone(),
            },
            t => t,
        };
        self.of_object.get(target).map(String::as_str)
    }
}

/// A grantee as SQL: `PUBLIC` bare, a role quoted.
pub fn grantee_sql(grantee: &str) -> String {
    if grantee == PUBLIC {
        PUBLIC.to_string()
    } else {
        quote_ident(grantee)
    }
}

/// The privileges as a list for SQL (`SELECT, INSERT`), `ALL` when they are every one the
/// target takes, and each with the column it is on for a column target (`SELECT (email)`).
pub fn privileges_sql(target: &Target, privileges: &[String]) -> String {
    let all = target.all_privileges();
    if target.column().is_none()
        && privileges.len() == all.len()
        && all.iter().all(|p| privileges.iter().any(|q| q == p))
    {
        return "ALL".to_string();
    }
    let mut sorted: Vec<&String> = privileges.iter().collect();
    sorted.sort_by_key(|p| all.iter().position(|a| a == p).unwrap_or(usize::MAX));
    sorted
        .iter()
        .map(|p| match target.column() {
            Some(c) => format!("{p} ({})", quote_ident(c)),
            None => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A schema's privileges as a list in JSON (`[{target, grants}]`).
pub(super) mod as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Grants, Target};

    #[derive(Serialize, Deserialize)]
    struct Entry {
        target: Target,
        grants: Grants,
    }

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<Target, Grants>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter().map(|(t, g)| Entry {
            target: t.clone(),
            grants: g.clone(),
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Target, Grants>, D::Error> {
        Ok(Vec::<Entry>::deserialize(d)?
            .into_iter()
            .map(|e| (e.target, e.grants))
            .collect())
    }
}

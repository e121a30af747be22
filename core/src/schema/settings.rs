//! Physical settings of a table and its columns: storage parameters (`WITH (fillfactor = 70)`,
//! `toast.` ones among them), the replica identity, and a column's statistics target, storage,
//! compression and attribute options (`n_distinct`). None of them changes what a table holds;
//! each is changed in place, without a rewrite.

use serde::{Deserialize, Serialize};

/// Storage parameters as `name=value`, in the order and spelling given (PostgreSQL keeps and
/// prints them so) but compared as a set of values as PostgreSQL reads them
/// ([`canonical_value`]: `off` and `false` are one setting).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Params(pub Vec<String>);

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        fn sorted(p: &Params) -> Vec<(&str, String)> {
            let mut v: Vec<(&str, String)> =
                p.pairs().map(|(n, v)| (n, canonical_value(v))).collect();
            v.sort();
            v
        }
        sorted(self) == sorted(other)
    }
}
impl Eq for Params {}

/// Which old row values a table's updates and deletes write to the WAL for logical
/// replication (`ALTER TABLE … REPLICA IDENTITY`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplicaIdentity {
    /// The primary key's columns (what every table starts with).
    #[default]
    Default,
    /// Every column.
    Full,
    /// None.
    Nothing,
    /// The columns of a unique index of the table, by name.
    Index(String),
}

impl ReplicaIdentity {
    /// Is it `DEFAULT`?
    pub fn is_default(&self) -> bool {
        *self == ReplicaIdentity::Default
    }
}

/// A column's settings beyond its definition, each `None` (or empty) when it is the default:
/// `SET STATISTICS`, `SET STORAGE` (only where it differs from its type's), `SET COMPRESSION`
/// and `SET (n_distinct = …)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSettings {
    /// The statistics target (`SET STATISTICS 500`; `-1` is the default, none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<i32>,
    /// `plain`, `external`, `extended` or `main`, where its type stores values otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    /// `pglz` or `lz4` (none: `default_toast_compression` when a value is stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// Attribute options (`n_distinct`, `n_distinct_inherited`).
    #[serde(default, skip_serializing_if = "Params::is_empty")]
    pub options: Params,
}

impl ColumnSettings {
    /// All defaults?
    pub fn is_default(&self) -> bool {
        *self == ColumnSettings::default()
    }
}

impl super::Schema {
    /// How values of the type `ty` (canonical) are stored when a column says nothing: an
    /// enum's plainly, a composite, range or multirange type's extended, a domain's as its base type's (followed
    /// through domains over domains), a built-in or common extension type's as
    /// [`type_storage`] says.
    pub fn storage_of(&self, ty: &str) -> Option<&'static str> {
        let is_enum = |ty: &str| self.enums.keys().any(|e| e.to_string() == ty);
        if is_enum(ty) {
            return Some("plain");
        }
        let mut ty = ty.to_string();
        // A domain cannot be its own base; the bound only keeps a malformed schema from looping.
        for _ in 0..16 {
            match self.domains.iter().find(|(n, _)| n.to_string() == ty) {
                Some((_, d)) => ty = d.base.to_string(),
                None => break,
            }
        }
        if is_enum(&ty) {
            return Some("plain");
        }
        let range = |r: &super::RangeType| {
            let multirange = r.multirange.clone();
            r.name.to_string() == ty
                || multirange
                    .unwrap_or_else(|| super::RangeType::default_multirange(&r.name))
                    .to_string()
                    == ty
        };
        if self.composites.keys().any(|c| c.to_string() == ty) || self.ranges.values().any(range) {
            return Some("extended");
        }
        type_storage(&ty)
    }
}

impl super::Table {
    /// The settings of the column `name` (all defaults when it has none).
    pub fn settings_of(&self, name: &str) -> ColumnSettings {
        self.column_settings.get(name).cloned().unwrap_or_default()
    }

    /// Sets the column `name`'s settings (kept only where not all defaults).
    pub fn set_column_settings(&mut self, name: &str, s: ColumnSettings) {
        if s.is_default() {
            self.column_settings.remove(name);
        } else {
            self.column_settings.insert(name.to_string(), s);
        }
    }
}

impl Params {
    /// No parameter set?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parameter `name`'s value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find_map(|p| {
            p.split_once('=')
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v)
        })
    }

    /// Sets `name` to `value` (replacing it where set), in the order given.
    pub fn set(&mut self, name: &str, value: &str) {
        let entry = format!("{name}={value}");
        match self
            .0
            .iter_mut()
            .find(|p| p.split_once('=').map(|x| x.0) == Some(name))
        {
            Some(p) => *p = entry,
            None => self.0.push(entry),
        }
    }

    /// Removes `name`.
    pub fn reset(&mut self, name: &str) {
        self.0
            .retain(|p| p.split_once('=').map(|x| x.0) != Some(name));
    }

    /// Each `(name, value)`.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|p| p.split_once('=').unwrap_or((p.as_str(), "")))
    }
}

/// A parameter's value as PostgreSQL reads it, whatever its spelling: a boolean as `on` or
/// `off` (`true`, `yes`, `1` … are the same setting), a number as its shortest decimal
/// (`0.20` and `.2` are one value), anything else as written.
pub fn canonical_value(value: &str) -> String {
    let lower = value.to_ascii_lowercase();
    match lower.as_str() {
        "true" | "on" | "yes" => return "on".into(),
        "false" | "off" | "no" => return "off".into(),
        _ => {}
    }
    let numeric = !lower.is_empty()
        && lower
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e'))
        && lower.bytes().any(|b| b.is_ascii_digit());
    match lower.parse::<f64>() {
        Ok(n) if numeric && n.is_finite() => format!("{n}"),
        _ => value.to_string(),
    }
}

/// How a type stores its values when its columns say nothing (`pg_type.typstorage`), for the
/// built-in types and the common extensions' ones; `None` where schemafix does not know.
pub fn type_storage(canonical: &str) -> Option<&'static str> {
    if canonical.ends_with("[]") {
        return Some("extended");
    }
    let base = canonical.split('(').next().unwrap_or(canonical).trim();
    Some(match base {
        "smallint"
        | "integer"
        | "bigint"
        | "real"
        | "double precision"
        | "boolean"
        | "date"
        | "time without time zone"
        | "time with time zone"
        | "timestamp without time zone"
        | "timestamp with time zone"
        | "interval"
        | "uuid"
        | "money"
        | "oid"
        | "point"
        | "lseg"
        | "box"
        | "line"
        | "circle"
        | "macaddr"
        | "macaddr8"
        | "pg_lsn"
        | "\"char\""
        | "tsquery"
        | "regclass"
        | "regtype"
        | "regproc"
        | "regprocedure"
        | "regconfig"
        | "regrole"
        | "regnamespace"
        | "xid"
        | "xid8"
        | "cid"
        | "tid"
        | "name" => "plain",
        "numeric" | "inet" | "cidr" | "geometry" | "geography" => "main",
        "text" | "character varying" | "character" | "bytea" | "json" | "jsonb" | "xml" | "bit"
        | "bit varying" | "tsvector" | "path" | "polygon" | "citext" | "hstore" | "ltree"
        | "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange"
        | "int4multirange" | "int8multirange" | "nummultirange" | "tsmultirange"
        | "tstzmultirange" | "datemultirange" | "jsonpath" | "refcursor" | "txid_snapshot"
        | "pg_snapshot" => "extended",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_postgresql_reads_them() {
        assert_eq!(canonical_value("TRUE"), "on");
        assert_eq!(canonical_value("off"), "off");
        assert_eq!(canonical_value("0.20"), "0.2");
        assert_eq!(canonical_value(".2"), "0.2");
        assert_eq!(canonical_value("70"), "70");
        assert_eq!(canonical_value("1e3"), "1000");
        assert_eq!(canonical_value("lz4"), "lz4");
        assert_eq!(canonical_value("e"), "e");
    }

    #[test]
    fn params_set_and_reset_by_name() {
        let mut p = Params::default();
        p.set("fillfactor", "70");
        p.set("toast.autovacuum_enabled", "false");
        p.set("fillfactor", "80");
        assert_eq!(p.get("fillfactor"), Some("80"));
        p.reset("fillfactor");
        assert_eq!(p.0, vec!["toast.autovacuum_enabled=false".to_string()]);
        let mut q = Params::default();
        q.set("toast.autovacuum_enabled", "off");
        assert_eq!(p, q);
    }

    #[test]
    fn storage_of_types() {
        assert_eq!(type_storage("text"), Some("extended"));
        assert_eq!(type_storage("character varying(20)"), Some("extended"));
        assert_eq!(type_storage("numeric(10,2)"), Some("main"));
        assert_eq!(type_storage("integer[]"), Some("extended"));
        assert_eq!(type_storage("integer"), Some("plain"));
        assert_eq!(type_storage("tsquery"), Some("plain"));
        assert_eq!(type_storage("mood"), None);
    }
}

//! The statements of a table's and a column's settings: storage parameters, replica identity,
//! statistics target, storage, compression and attribute options.

use crate::diff::Change;
use crate::quote::{quote_ident as q, quote_literal};
use crate::schema::{canonical_value, ColumnSettings, Params, QualName, ReplicaIdentity};

/// `SET (…)` of the parameters `to` sets otherwise than `from`, then `RESET (…)` of those it
/// drops, as one list of subcommands (empty when they agree).
fn params(from: &Params, to: &Params) -> Vec<String> {
    let name = |n: &str| n.split('.').map(q).collect::<Vec<_>>().join(".");
    let set: Vec<String> = to
        .pairs()
        .filter(|(n, v)| from.get(n).map(canonical_value) != Some(canonical_value(v)))
        .map(|(n, v)| format!("{} = {}", name(n), quote_literal(v)))
        .collect();
    let reset: Vec<String> = from
        .pairs()
        .filter(|(n, _)| to.get(n).is_none())
        .map(|(n, _)| name(n))
        .collect();
    let mut out = Vec::new();
    if !set.is_empty() {
        out.push(format!("SET ({})", set.join(", ")));
    }
    if !reset.is_empty() {
        out.push(format!("RESET ({})", reset.join(", ")));
    }
    out
}

/// A replica identity as `REPLICA IDENTITY` takes it.
pub(crate) fn identity(r: &ReplicaIdentity) -> String {
    match r {
        ReplicaIdentity::Default => "DEFAULT".into(),
        ReplicaIdentity::Full => "FULL".into(),
        ReplicaIdentity::Nothing => "NOTHING".into(),
        ReplicaIdentity::Index(i) => format!("USING INDEX {}", q(i)),
    }
}

/// The subcommands that take a column from `from` to `to`; a storage reset to `type_storage`
/// (PostgreSQL 16's `SET STORAGE DEFAULT` where the type's is not known).
fn column(
    name: &str,
    type_storage: Option<&str>,
    from: &ColumnSettings,
    to: &ColumnSettings,
) -> Vec<String> {
    let alter = format!("ALTER COLUMN {}", q(name));
    let mut out = Vec::new();
    if from.statistics != to.statistics {
        out.push(format!(
            "{alter} SET STATISTICS {}",
            to.statistics.unwrap_or(-1)
        ));
    }
    if from.storage != to.storage {
        let storage = match to.storage.as_deref().or(type_storage) {
            Some(s @ ("plain" | "external" | "extended" | "main")) => s.to_ascii_uppercase(),
            Some(other) => q(other),
            None => "DEFAULT".to_string(),
        };
        out.push(format!("{alter} SET STORAGE {storage}"));
    }
    if from.compression != to.compression {
        let method = to.compression.as_deref().map_or("DEFAULT".to_string(), q);
        out.push(format!("{alter} SET COMPRESSION {method}"));
    }
    out.extend(
        params(&from.options, &to.options)
            .into_iter()
            .map(|p| format!("{alter} {p}")),
    );
    out
}

/// The statement of a settings change (`ALTER TABLE ONLY`: a child's settings are its own).
pub(crate) fn settings_sql(c: &Change) -> Vec<String> {
    let alter = |t: &QualName, subs: Vec<String>| {
        if subs.is_empty() {
            Vec::new()
        } else {
            vec![format!("ALTER TABLE ONLY {t} {}", subs.join(", "))]
        }
    };
    match c {
        Change::SetStorageParams { table, from, to } => alter(table, params(from, to)),
        Change::SetReplicaIdentity { table, to, .. } => {
            alter(table, vec![format!("REPLICA IDENTITY {}", identity(to))])
        }
        Change::AlterColumnSettings {
            table,
            column: name,
            type_storage,
            from,
            to,
        } => alter(table, column(name, type_storage.as_deref(), from, to)),
        _ => Vec::new(),
    }
}

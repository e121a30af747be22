//! Table and column settings (storage parameters, replica identity, a column's statistics
//! target, storage, compression and options): each changed in place, none rewriting the table.

use std::collections::BTreeSet;

use super::Change;
use crate::schema::{ColumnSettings, QualName, ReplicaIdentity, Schema, Table};

/// The settings changes from `from` to `to`, after the other changes (`out`): for every table
/// both have and every table `out` creates, as each will be once they ran. A side that cannot
/// show settings (a model, a `\d` paste) changes none, but a table created anew gets those
/// the desired side gives it.
pub(crate) fn diff_all(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    if to.hidden.settings {
        return;
    }
    let mut created: BTreeSet<&QualName> = BTreeSet::new();
    let mut added: BTreeSet<(QualName, String)> = BTreeSet::new();
    let mut indexes: BTreeSet<(QualName, String)> = BTreeSet::new();
    for c in out.iter() {
        match c {
            Change::CreateTable { table } => {
                created.insert(&table.name);
            }
            Change::RecreateTable { to, .. } => {
                created.insert(&to.name);
            }
            Change::AddColumn { table, column } => {
                added.insert((table.clone(), column.name.to_string()));
            }
            Change::CreateIndex { table, index } => {
                indexes.insert((table.clone(), index.name.clone()));
            }
            Change::AddPrimaryKey { table, pk } => {
                indexes.insert((table.clone(), pk.name.clone()));
            }
            Change::AddUnique { table, unique } => {
                indexes.insert((table.clone(), unique.name.clone()));
            }
            _ => {}
        }
    }
    let mut more = Vec::new();
    for (name, t) in &to.tables {
        let f = if created.contains(name) {
            None
        } else if from.hidden.settings {
            continue;
        } else {
            match from.tables.get(name) {
                Some(f) => Some(&**f),
                None => continue,
            }
        };
        let start = more.len();
        diff_settings(f, t, from, to, &added, &mut more);
        // An identity index made anew is no identity until it is named again (a dropped one
        // leaves the table as NOTHING).
        if let ReplicaIdentity::Index(index) = &t.replica_identity {
            let set = more[start..]
                .iter()
                .any(|c| matches!(c, Change::SetReplicaIdentity { .. }));
            if !set && indexes.contains(&(name.clone(), index.clone())) {
                more.push(Change::SetReplicaIdentity {
                    table: name.clone(),
                    from: ReplicaIdentity::Nothing,
                    to: t.replica_identity.clone(),
                });
            }
        }
    }
    out.extend(more);
}

/// Is `c` one of the changes [`diff_all`] makes?
pub(crate) fn is_setting(c: &Change) -> bool {
    matches!(
        c,
        Change::SetStorageParams { .. }
            | Change::SetReplicaIdentity { .. }
            | Change::AlterColumnSettings { .. }
    )
}

/// The settings changes from `f` to `t` (whole tables: inherited columns have settings of
/// their own). `f` is `None` for a table created anew: its columns start as PostgreSQL makes
/// them, the storage and compression of a column it inherits copied from its parent as the
/// current schema has it. A column in `added` starts anew too.
fn diff_settings(
    f: Option<&Table>,
    t: &Table,
    from: &Schema,
    to: &Schema,
    added: &BTreeSet<(QualName, String)>,
    out: &mut Vec<Change>,
) {
    let blank = Table::new(t.name.clone(), t.span);
    let ft = f.unwrap_or(&blank);
    if ft.options != t.options {
        out.push(Change::SetStorageParams {
            table: t.name.clone(),
            from: ft.options.clone(),
            to: t.options.clone(),
        });
    }
    if ft.replica_identity != t.replica_identity {
        out.push(Change::SetReplicaIdentity {
            table: t.name.clone(),
            from: ft.replica_identity.clone(),
            to: t.replica_identity.clone(),
        });
    }
    let parents: Vec<&QualName> = t
        .inherits
        .iter()
        .chain(t.partition_of.as_ref().map(|p| &p.parent))
        .collect();
    for tc in &t.columns {
        let fresh = added.contains(&(t.name.clone(), tc.name.to_string()));
        let fs = match f.and_then(|f| f.column(&tc.name)).filter(|_| !fresh) {
            // A new type starts from its own storage and the default compression. The statistics
            // target and options stay, but online the column that takes its place starts
            // without them: those wanted are set whatever the current column has.
            Some(fc) if fc.data_type != tc.data_type => {
                let was = ft.settings_of(&fc.name);
                let want = t.settings_of(&tc.name);
                let mut options = was.options.clone();
                for (name, _) in want.options.pairs() {
                    options.reset(name);
                }
                ColumnSettings {
                    statistics: was.statistics.filter(|_| want.statistics.is_none()),
                    storage: None,
                    compression: None,
                    options,
                }
            }
            Some(fc) => ft.settings_of(&fc.name),
            None if f.is_none() => {
                let copied = parents
                    .iter()
                    .filter_map(|p| from.tables.get(*p))
                    .find(|p| p.column(&tc.name).is_some())
                    .map(|p| p.settings_of(&tc.name))
                    .unwrap_or_default();
                ColumnSettings {
                    storage: copied.storage,
                    compression: copied.compression,
                    ..Default::default()
                }
            }
            None => ColumnSettings::default(),
        };
        let mut ts = t.settings_of(&tc.name);
        // What a side does not show stays as it is.
        if from.hidden.compression || to.hidden.compression {
            ts.compression = fs.compression.clone();
        }
        if from.hidden.attribute_options || to.hidden.attribute_options {
            ts.options = fs.options.clone();
        }
        if fs != ts {
            out.push(Change::AlterColumnSettings {
                table: t.name.clone(),
                column: tc.name.to_string(),
                type_storage: to.storage_of(tc.data_type.as_str()).map(str::to_string),
                from: Box::new(fs),
                to: Box::new(ts),
            });
        }
    }
}

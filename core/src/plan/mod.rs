//! Plan: changes → ordered steps, each with its reason and hazards; destructive steps held back
//! unless asked for.

use serde::{Deserialize, Serialize};

mod online;

use crate::diff::{Change, Diff};
use crate::schema::{Column, QualName};

/// Options that shape a plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Emit steps that lose data (drops, narrowing type changes).
    pub allow_destructive: bool,
    /// Online mode: steps on existing tables take the form that holds no long lock (indexes
    /// built and dropped `CONCURRENTLY`, constraints added `NOT VALID` and validated later,
    /// `SET NOT NULL` through a validated check), in labelled transactional and
    /// non-transactional phases.
    #[serde(default)]
    pub online: bool,
    /// The server's major version (`15`): hazards and the online forms follow it. `None`:
    /// a supported release (12 or later), with the hazards that hold for any of them.
    #[serde(default)]
    pub pg_version: Option<u32>,
    /// Column and table renames the user confirmed: applied to the current schema before the diff, run
    /// as `RENAME COLUMN` (see [`crate::migrate_parsed`]).
    #[serde(default)]
    pub renames: Vec<crate::rename::Rename>,
    /// Whose privileges are compared: `None`, nobody's (the default: schemas are often
    /// compared across environments with other roles); an empty list, every role's; else only
    /// the roles named (`PUBLIC` for everyone). Roles are never created or dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileges: Option<Vec<String>>,
    /// Compare owners (`ALTER … OWNER TO`); not by default, as privileges: schemas are often
    /// compared across environments whose roles differ. Roles are never created or dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owners: bool,
    /// The schemas and tables compared (all by default); what it leaves out is not compared.
    #[serde(default, skip_serializing_if = "crate::schema::Filter::is_empty")]
    pub filter: crate::schema::Filter,
}

/// How a statement of an online plan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Inside a transaction with the other steps around it.
    Transactional,
    /// Outside any transaction block (`CREATE INDEX CONCURRENTLY`): autocommit.
    NotTransactional,
    /// In a transaction of its own after everything else: `VALIDATE CONSTRAINT` reads the
    /// table without blocking writes.
    Validate,
    /// In a transaction of its own, where it stands: an `UPDATE` that fills a new column's
    /// existing rows (row locks on the rows it writes, no lock on the table).
    Backfill,
}

/// One statement of a step's online form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineStatement {
    /// Where it runs.
    pub phase: Phase,
    /// The statement, without its `;`.
    pub sql: String,
}

/// A risk a step carries when run on a live database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hazard {
    /// Rows, columns or sequence state are lost for good.
    DeletesData,
    /// The whole table is rewritten (time and disk grow with its size).
    TableRewrite,
    /// An ACCESS EXCLUSIVE lock blocks reads and writes while the step runs.
    AccessExclusiveLock,
    /// A SHARE lock blocks writes while an index builds.
    ShareLock,
    /// Every row is read to validate the change.
    FullTableScan,
    /// The step fails if existing rows violate it.
    FailsOnExistingRows,
    /// An index is built: long and heavy on I/O for big tables.
    IndexBuild,
    /// An index goes away: queries that used it may slow down.
    IndexDropped,
    /// The step cannot run inside a transaction block (`CREATE`/`DROP INDEX CONCURRENTLY`;
    /// `ALTER TYPE … ADD VALUE` before PostgreSQL 12, whose new label is usable only after
    /// commit).
    NotTransactional,
    /// Who may read or write which rows changes (row security, policies).
    AuthorizationChange,
    /// Some values change meaning or form though none is lost (`json` → `jsonb`, a
    /// timestamp read in a time zone, integers read as booleans): the reason says which.
    ChangesValues,
}

impl Hazard {
    /// The stable id (`deletes-data`).
    pub fn id(self) -> &'static str {
        match self {
            Hazard::DeletesData => "deletes-data",
            Hazard::TableRewrite => "table-rewrite",
            Hazard::AccessExclusiveLock => "access-exclusive-lock",
            Hazard::ShareLock => "share-lock",
            Hazard::FullTableScan => "full-table-scan",
            Hazard::FailsOnExistingRows => "fails-on-existing-rows",
            Hazard::IndexBuild => "index-build",
            Hazard::IndexDropped => "index-dropped",
            Hazard::NotTransactional => "not-transactional",
            Hazard::AuthorizationChange => "authorization-change",
            Hazard::ChangesValues => "changes-values",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The change's kebab-case id.
    pub id: String,
    /// What to do.
    pub change: Change,
    /// Why: both sides' values.
    pub reason: String,
    /// Risks of running it.
    pub hazards: Vec<Hazard>,
    /// For a destructive step: what it would lose.
    pub loses: Option<String>,
    /// In online mode, when the step runs in another form than its plain statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<Vec<OnlineStatement>>,
}

impl Step {
    /// In an online plan, why this step still holds an ACCESS EXCLUSIVE lock for as long as
    /// the table takes, having no online form: a type change that rewrites the table where
    /// the column cannot go through a second column (a check, exclusion constraint, policy,
    /// trigger, generated column or an index's expression names it on both sides, it is
    /// identity or generated, or its table has inheritance or partitions; see
    /// [`crate::Swap`]), an
    /// exclusion constraint (PostgreSQL has no `NOT VALID` or `CONCURRENTLY` for one), a
    /// stored generated column added to a table (an identity column before PostgreSQL 12), an
    /// enum rebuild, a step on a partitioned table (an index on one too, under a SHARE lock). `None`
    /// when it runs in an online form or its lock is brief.
    pub fn long_lock(&self) -> Option<&'static str> {
        use Hazard as H;
        if self.online.is_some() {
            return None;
        }
        // In an online plan every index but a partitioned table's is built concurrently.
        if matches!(self.change, Change::CreateIndex { .. })
            && self.hazards.contains(&H::IndexBuild)
        {
            return Some("its table is partitioned: PostgreSQL builds the index on every partition in one statement, under a SHARE lock (writes wait)");
        }
        if matches!(self.change, Change::AlterDomain { .. }) && self.hazards.contains(&H::ShareLock)
        {
            return Some("PostgreSQL checks every column of the domain under a SHARE lock on its table (writes wait), whether a check is added validated or validated later");
        }
        if !self.hazards.contains(&H::AccessExclusiveLock) {
            return None;
        }
        if self.hazards.contains(&H::TableRewrite) {
            Some("it rewrites the table under an ACCESS EXCLUSIVE lock (reads and writes wait)")
        } else if self.hazards.contains(&H::IndexBuild) {
            Some("it builds an index under an ACCESS EXCLUSIVE lock (reads and writes wait)")
        } else if self.hazards.contains(&H::FullTableScan) {
            Some("it reads every row under an ACCESS EXCLUSIVE lock (reads and writes wait)")
        } else {
            None
        }
    }
}

/// An ordered migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Steps to run, in order.
    pub steps: Vec<Step>,
    /// Destructive steps held back (no `allow_destructive`), with what they would lose.
    pub skipped: Vec<Step>,
    /// Tables one side's scope does not cover.
    pub not_compared: Vec<QualName>,
    /// In a down migration: steps of the up migration that have no safe inverse, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub irreversible: Vec<Step>,
    /// Planned in online mode: render in phases.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub online: bool,
    /// The server version it was planned for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_version: Option<u32>,
    /// Dropped and added columns (and tables) that look like renames (applied only when confirmed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renames: Vec<crate::rename::RenameSuggestion>,
}

impl Plan {
    /// True when nothing is left to change (skipped steps count as drift).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.skipped.is_empty()
    }
}

/// Orders, explains and gates the changes of a diff.
pub fn plan(diff: &Diff, options: &PlanOptions) -> Plan {
    plan_owned(diff.clone(), options)
}

/// [`plan`], taking the diff: each change moves into its step instead of being copied (a
/// dropped table's change holds the whole table).
pub fn plan_owned(diff: Diff, options: &PlanOptions) -> Plan {
    // Renames are judged on the columns as wanted (before a NOT NULL one is split).
    let renames = crate::rename::suggest(&diff);
    let mut diff = sequence_owners(split_required_columns(diff));
    let rebuilt = std::mem::take(&mut diff.rebuilt);
    let backfilled: std::collections::BTreeSet<(QualName, String)> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Backfill {
                table,
                column,
                value: None,
            } => Some((table.clone(), column.clone())),
            _ => None,
        })
        .collect();
    // Dropped tables: children (INHERITS, partitions) before their parents.
    let dropped_parent: std::collections::BTreeMap<&QualName, &QualName> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table } => table
                .inherits
                .first()
                .or(table.partition_of.as_ref().map(|p| &p.parent))
                .map(|p| (&table.name, p)),
            _ => None,
        })
        .collect();
    let depth = |name: &QualName| {
        let mut d = 0u32;
        let mut cur = name;
        while let Some(p) = dropped_parent.get(cur) {
            d += 1;
            cur = p;
            if d as usize > dropped_parent.len() {
                break;
            }
        }
        d
    };
    // Within their stage, dropped tables come first (a view of the same name follows),
    // children before parents.
    let priority: Vec<(order::Stage, u32)> = diff
        .changes
        .iter()
        .map(|c| {
            let first = match c {
                Change::DropTable { table } => u32::MAX / 2 - depth(&table.name),
                _ => u32::MAX,
            };
            (stage(c), first)
        })
        .collect();
    let order = graph::order(&diff.changes, &priority);
    let mut skipped_columns: std::collections::BTreeSet<(QualName, String)> = Default::default();
    // A table that stays (its drop is destructive and not allowed) keeps its foreign keys too:
    // their drops only clear the way for the table's.
    let kept_tables: std::collections::BTreeSet<QualName> = if options.allow_destructive {
        Default::default()
    } else {
        diff.changes
            .iter()
            .filter_map(|c| match c {
                Change::DropTable { table } => Some(table.name.clone()),
                _ => None,
            })
            .collect()
    };
    // Columns whose type changes: their default comes off before and goes back on after.
    let retyped: std::collections::BTreeSet<(QualName, String)> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumnType { table, column, .. } => Some((table.clone(), column.clone())),
            _ => None,
        })
        .collect();
    let retyped = |t: &QualName, c: &str| retyped.contains(&(t.clone(), c.to_string()));
    // Columns added with a model's Python-side default as a temporary database default, which
    // fills the existing rows and comes off right after.
    let temporary: std::collections::BTreeSet<(QualName, String)> = {
        let added: std::collections::BTreeSet<(&QualName, &str)> = diff
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::AddColumn { table, column } => Some((table, &*column.name)),
                _ => None,
            })
            .collect();
        diff.changes
            .iter()
            .filter_map(|c| match c {
                Change::DropDefault { table, column, .. }
                    if added.contains(&(table, column.as_str())) =>
                {
                    Some((table.clone(), column.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let temporary = |t: &QualName, c: &str| temporary.contains(&(t.clone(), c.to_string()));
    // Online mode: columns whose type changes through a second column, swapped in at the end
    // (their defaults come with the swap: the old column keeps its own until it goes).
    let swapped: std::collections::BTreeSet<(QualName, String)> = if options.online {
        diff.changes
            .iter()
            .filter(|c| swap_of(c, options.pg_version).is_some())
            // A type change held back (it may lose values) leaves the defaults alone.
            .filter(|c| options.allow_destructive || loses(c).is_none())
            .filter_map(|c| match c {
                Change::AlterColumnType { table, column, .. }
                    if !diff.partitioned.contains(table) =>
                {
                    Some((table.clone(), column.clone()))
                }
                _ => None,
            })
            .collect()
    } else {
        Default::default()
    };
    let swapped = |t: &QualName, c: &str| swapped.contains(&(t.clone(), c.to_string()));
    // Online mode leaves partitioned tables alone (their indexes cannot be built
    // concurrently, nor their foreign keys added NOT VALID). A table this plan creates takes
    // the online forms too: its later steps may run in another transaction than its CREATE
    // TABLE, and on an empty table they cost nothing.
    let partitioned: std::collections::BTreeSet<QualName> =
        diff.partitioned.iter().cloned().collect();
    let mut plan = Plan {
        renames,
        not_compared: diff.not_compared,
        online: options.online,
        pg_version: options.pg_version,
        ..Plan::default()
    };
    let mut changes: Vec<Option<Change>> = diff.changes.into_iter().map(Some).collect();
    for i in order {
        let Some(change) = changes[i].take() else {
            continue;
        };
        if let Change::DropForeignKey { table, .. } = &change {
            if kept_tables.contains(table) {
                continue;
            }
        }
        // A dependant dropped or created again around another change says so.
        let rebuilt_why = rebuilt.iter().find(|(c, _)| *c == change).map(|(_, w)| w);
        let reason = match &change {
            _ if let Some(why) = rebuilt_why => why.clone(),
            c @ Change::AlterColumnType { table, column, .. } if swapped(table, column) => format!(
                "{}; online through a second column, swapped in at the end (the column then comes last in the table)",
                reason(c)
            ),
            Change::AddColumn { table, column } if temporary(table, &column.name) => {
                let mut wanted = column.clone();
                wanted.default = None;
                format!(
                    "{}: in the desired schema ({}), missing in the current one; added with the model's Python-side default {} as a temporary default, which fills the existing rows",
                    at(table, &column.name),
                    col_desc(&wanted),
                    column.default.as_ref().map_or("", |d| d.sql.as_str())
                )
            }
            Change::DropDefault {
                table,
                column,
                from,
            } if temporary(table, column) => format!(
                "{}: the temporary default {} comes off (the model's default is Python-side, not the database's)",
                at(table, column),
                from.sql
            ),
            Change::DropDefault {
                table,
                column,
                from,
            } if retyped(table, column) => format!(
                "{}: default {} {}",
                at(table, column),
                from.sql,
                if swapped(table, column) {
                    "goes with the old column at the type change's swap"
                } else {
                    "comes off for the type change (it may not convert)"
                }
            ),
            Change::SetDefault {
                table,
                column,
                from: None,
                to,
            } if retyped(table, column) => format!(
                "{}: default {} wanted, {}",
                at(table, column),
                to.sql,
                if swapped(table, column) {
                    "set on the new column at the type change's swap"
                } else {
                    "set after the type change"
                }
            ),
            Change::AddColumn { table, column }
                if backfilled.contains(&(table.clone(), column.name.to_string())) =>
            {
                let mut wanted = column.clone();
                wanted.not_null = true;
                format!(
                    "{}: in the desired schema ({}), missing in the current one; added nullable, NOT NULL once existing rows have a value",
                    at(table, &column.name),
                    col_desc(&wanted)
                )
            }
            c => reason(c),
        };
        let online = if options.online {
            let table = change_table(&change);
            let keep_plain = table.is_some_and(|t| partitioned.contains(t));
            if keep_plain {
                None
            } else if matches!(&change, Change::DropDefault { table, column, .. }
                | Change::SetDefault { table, column, from: None, .. } if swapped(table, column))
            {
                // Nothing of its own: the swap sees to it.
                Some(Vec::new())
            } else {
                online::online_sql(&change, options.pg_version)
            }
        } else {
            None
        };
        let step = Step {
            id: change.id().to_string(),
            reason,
            hazards: hazards(&change, options.pg_version, online.is_some()),
            loses: loses(&change),
            online,
            change,
        };
        let recreated = matches!(&step.change, Change::AddColumn { table, column }
            if skipped_columns.contains(&(table.clone(), column.name.to_string())));
        if (step.loses.is_some() && !options.allow_destructive) || recreated {
            if let Change::DropColumn { table, column } = &step.change {
                skipped_columns.insert((table.clone(), column.name.to_string()));
            }
            plan.skipped.push(step);
        } else {
            plan.steps.push(step);
        }
    }
    plan
}

/// What the plan's other changes do to sequences with an owner (`OWNED BY`): one whose owning
/// table or column the plan drops goes with it, so its own drop runs nothing; one created for
/// (or handed to) a table or column the plan creates is created without its owner (or released
/// from the old one), and an `ALTER SEQUENCE` sets the owner once the column exists (the table
/// may need the sequence first, for its default).
fn sequence_owners(mut diff: Diff) -> Diff {
    use std::collections::BTreeSet;
    let mut dropped: BTreeSet<(QualName, Option<String>)> = BTreeSet::new();
    let mut created: BTreeSet<(QualName, Option<String>)> = BTreeSet::new();
    for c in &diff.changes {
        match c {
            Change::DropTable { table } => {
                dropped.insert((table.name.clone(), None));
            }
            Change::DropColumn { table, column } => {
                dropped.insert((table.clone(), Some(column.name.to_string())));
            }
            Change::CreateTable { table } => {
                created.insert((table.name.clone(), None));
            }
            Change::RecreateTable { to, .. } => {
                created.insert((to.name.clone(), None));
            }
            Change::AddColumn { table, column } => {
                created.insert((table.clone(), Some(column.name.to_string())));
            }
            _ => {}
        }
    }
    let by = |set: &BTreeSet<(QualName, Option<String>)>, (t, c): &(QualName, String)| {
        set.contains(&(t.clone(), None)) || set.contains(&(t.clone(), Some(c.clone())))
    };
    let mut owners_set = Vec::new();
    for c in &mut diff.changes {
        match c {
            Change::DropSequence { seq, owner_dropped } => {
                *owner_dropped = seq.owned_by.as_ref().is_some_and(|o| by(&dropped, o));
            }
            // Handed from one owner to one the plan creates: released first (before the old
            // owner may go), given to the new one once it exists.
            Change::AlterSequence { from, to }
                if from.owned_by.is_some()
                    && from.owned_by != to.owned_by
                    && to.owned_by.as_ref().is_some_and(|o| by(&created, o)) =>
            {
                let mut released = (**to).clone();
                released.owned_by = None;
                owners_set.push(Change::AlterSequence {
                    from: Box::new(released.clone()),
                    to: to.clone(),
                });
                **to = released;
            }
            Change::CreateSequence { seq }
                if seq.owned_by.as_ref().is_some_and(|o| by(&created, o)) =>
            {
                let owned = seq.clone();
                seq.owned_by = None;
                owners_set.push(Change::AlterSequence {
                    from: Box::new(seq.clone()),
                    to: Box::new(owned),
                });
            }
            _ => {}
        }
    }
    diff.changes.extend(owners_set);
    diff
}

/// A NOT NULL column without a default added to an existing table fails on its rows. With a
/// model's Python-side scalar default, the column is added with it as a temporary default
/// (which fills the existing rows; a constant costs no rewrite from PostgreSQL 11) and the
/// default comes off right after, as the model has none in the database. Without one, it is
/// added nullable, a backfill placeholder follows, then `SET NOT NULL` (identity, serial and
/// generated columns fill themselves and stay one step).
fn split_required_columns(mut diff: Diff) -> Diff {
    let needs_split =
        |c: &Change| matches!(c, Change::AddColumn { column, .. } if needs_split_column(column));
    if !diff.changes.iter().any(needs_split) {
        return diff;
    }
    let mut out = Vec::with_capacity(diff.changes.len() + 2);
    for c in diff.changes {
        match c {
            Change::AddColumn { table, mut column } if needs_split_column(&column) => {
                if let Some(v) = column.model_default.0.clone() {
                    column.default = Some(v.clone());
                    let name = column.name.to_string();
                    out.push(Change::AddColumn {
                        table: table.clone(),
                        column,
                    });
                    out.push(Change::DropDefault {
                        table,
                        column: name,
                        from: *v,
                    });
                    continue;
                }
                column.not_null = false;
                let name = column.name.clone();
                out.push(Change::AddColumn {
                    table: table.clone(),
                    column,
                });
                out.push(Change::Backfill {
                    table: table.clone(),
                    column: name.to_string(),
                    value: None,
                });
                out.push(Change::SetNotNull {
                    table,
                    column: name.to_string(),
                });
            }
            other => out.push(other),
        }
    }
    diff.changes = out;
    diff
}

fn needs_split_column(column: &Column) -> bool {
    column.not_null
        && column.default.is_none()
        && !column.serial
        && column.identity.is_none()
        && column.generated.is_none()
}

mod graph;
mod hazards;
mod losses;
mod order;
mod reasons;

use hazards::{change_table, hazards};
pub(crate) use hazards::{fills_each_row, swap_of};
use losses::loses;
use order::stage;
use reasons::{at, col_desc, reason};
#[cfg(test)]
mod tests;

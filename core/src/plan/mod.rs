//! Plan: changes → ordered steps, each with its reason and hazards; destructive steps held back
//! unless asked for.

use serde::{Deserialize, Serialize};

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
    /// enum rebuild, a step on a partitioned table. `None` when it runs in an online form or its lock is brief.
    pub fn long_lock(&self) -> Option<&'static str> {
        use Hazard as H;
        if self.online.is_some() || !self.hazards.contains(&H::AccessExclusiveLock) {
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
    let diff = split_required_columns(diff);
    let backfilled: std::collections::BTreeSet<(QualName, String)> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Backfill { table, column } => Some((table.clone(), column.clone())),
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
    let mut order: Vec<(u32, u32, usize)> = diff
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // Within their phase, dropped tables come first (a view of the same name follows),
            // children before parents.
            let first = match c {
                Change::DropTable { table } => u32::MAX / 2 - depth(&table.name),
                _ => u32::MAX,
            };
            (phase(c), first, i)
        })
        .collect();
    order.sort_unstable();
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
    for (_, _, i) in order {
        let Some(change) = changes[i].take() else {
            continue;
        };
        if let Change::DropForeignKey { table, .. } = &change {
            if kept_tables.contains(table) {
                continue;
            }
        }
        let reason = match &change {
            c @ Change::AlterColumnType { table, column, .. } if swapped(table, column) => format!(
                "{}; online through a second column, swapped in at the end (the column then comes last in the table)",
                reason(c)
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
                crate::render::sql::online_sql(&change, options.pg_version)
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

/// A NOT NULL column without a default added to an existing table fails on its rows: it is
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
                column.not_null = false;
                let name = column.name.clone();
                out.push(Change::AddColumn {
                    table: table.clone(),
                    column,
                });
                out.push(Change::Backfill {
                    table: table.clone(),
                    column: name.to_string(),
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

/// An SQL function's body is checked when it is created: it comes after the tables and views it
/// reads; other languages' bodies are not, and come before the tables whose defaults and checks
/// may call them.
fn function_phase(function: &crate::schema::Function) -> u32 {
    if function.language == "sql" {
        18
    } else {
        2
    }
}

/// Dependency order: types and sequences before tables, drops of dependants before what they
/// depend on, tables before their foreign keys.
fn phase(c: &Change) -> u32 {
    match c {
        Change::CreateSchema { .. }
        | Change::CreateExtension { .. }
        | Change::AlterExtension { .. }
        | Change::DropCollation { replaced: true, .. }
        | Change::DropExtension { replaced: true, .. }
        | Change::CreateCollation { .. } => 0,
        Change::CreateEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::DropView { .. }
        | Change::DropTrigger { .. }
        | Change::DropFunction { replaced: true, .. } => 1,
        Change::CreateFunction { function } => function_phase(function),
        Change::ReplaceFunction { to, .. } => function_phase(to),
        Change::CreateTrigger { .. } => 18,
        Change::DropFunction {
            replaced: false, ..
        } => 19,
        Change::CreateSequence { .. } | Change::AlterSequence { .. } => 2,
        Change::DropForeignKey { .. } | Change::DropPolicy { .. } => 3,
        Change::DropIndex { .. }
        | Change::DropUnique { .. }
        | Change::DropCheck { .. }
        | Change::DropPrimaryKey { .. }
        | Change::DropExclusion { .. } => 4,
        // Before everything else that names the column (its drops see the old name only
        // through the current schema, which the rename already changed).
        Change::RenameTable { .. } | Change::RenameColumn { .. } => 3,
        Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::DetachPartition { .. } => 5,
        Change::DropColumn { .. } => 6,
        Change::CreateTable { .. } | Change::RecreateTable { .. } => 7,
        Change::SetLogged { .. } => 8,
        Change::AddColumn { .. } => 8,
        Change::DropIdentity { .. } | Change::DropSerial { .. } | Change::DropDefault { .. } => 9,
        Change::RebuildEnum { .. } => 10,
        Change::AlterColumnType { .. } => 11,
        Change::SetDefault { .. } => 12,
        Change::DropNotNull { .. } | Change::SetNotNull { .. } | Change::Backfill { .. } => 13,
        Change::AddSerial { .. }
        | Change::AddIdentity { .. }
        | Change::SetIdentity { .. }
        | Change::SetIdentityOptions { .. } => 14,
        Change::AddPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::AddCheck { .. }
        | Change::AddExclusion { .. }
        | Change::AttachPartition { .. } => 15,
        Change::CreateIndex { .. } => 16,
        Change::AddForeignKey { .. }
        | Change::ValidateConstraint { .. }
        | Change::SetRowSecurity { .. }
        | Change::SetForceRowSecurity { .. }
        | Change::CreatePolicy { .. } => 17,
        // A view replacing a dropped table of the same name comes after it (both are 18; the
        // diff lists tables first).
        Change::DropTable { .. } | Change::CreateView { .. } => 18,
        Change::DropSequence { .. } => 19,
        Change::DropEnum { .. }
        | Change::DropExtension { .. }
        | Change::DropCollation {
            replaced: false, ..
        } => 20,
        Change::DropSchema { .. } => 22,
        Change::CommentTable { .. }
        | Change::CommentColumn { .. }
        | Change::CommentIndex { .. }
        | Change::CommentType { .. }
        | Change::CommentConstraint { .. }
        | Change::CommentFunction { .. }
        | Change::CommentTrigger { .. }
        | Change::CommentView { .. } => 21,
    }
}

fn col_desc(c: &Column) -> String {
    let mut s = c.data_type.to_string();
    if c.serial {
        s.push_str(", serial");
    }
    if let Some(i) = c.identity {
        s.push_str(match i {
            crate::schema::Identity::Always => ", identity always",
            crate::schema::Identity::ByDefault => ", identity by default",
        });
    }
    s.push_str(if c.not_null {
        ", NOT NULL"
    } else {
        ", nullable"
    });
    if let Some(d) = &c.default {
        s.push_str(", default ");
        s.push_str(&d.sql);
    }
    s
}

fn opt(s: &Option<String>) -> String {
    s.as_deref()
        .map_or("none".to_string(), |s| format!("{s:?}"))
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn policy_desc(p: &crate::schema::Policy) -> String {
    let mut s = format!(
        "{} for {} to {}",
        if p.permissive {
            "permissive"
        } else {
            "restrictive"
        },
        p.command,
        p.roles.join(", ")
    );
    if let Some(u) = &p.using {
        s.push_str(&format!(", using {}", u.sql));
    }
    if let Some(c) = &p.check {
        s.push_str(&format!(", with check {}", c.sql));
    }
    s
}

fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}

/// A view's canonical query, shortened for a reason.
fn query_of(v: &crate::schema::View) -> String {
    shorten(&v.query.canon)
}

/// A definition shortened to 160 characters for a reason.
fn shorten(q: &str) -> String {
    match q.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &q[..i]),
        None => q.to_string(),
    }
}

fn collation_desc(c: &crate::schema::Collation) -> String {
    let mut s = format!("{} {}", c.provider, c.lc_collate);
    if c.lc_ctype != c.lc_collate {
        s.push_str(&format!(" (ctype {})", c.lc_ctype));
    }
    if !c.deterministic {
        s.push_str(", nondeterministic");
    }
    s
}

fn routine_kind(f: &crate::schema::Function) -> &'static str {
    if f.procedure {
        "procedure"
    } else {
        "function"
    }
}

fn at(t: &QualName, c: &str) -> String {
    format!("{}.{}", t, crate::quote::quote_ident(c))
}

/// The reason for a change: what each side says.
fn reason(c: &Change) -> String {
    match c {
        Change::CommentFunction { function, from, to } => format!(
            "{} {}: comment {} wanted, current {}",
            routine_kind(function),
            function.signature(),
            opt(to),
            opt(from)
        ),
        Change::CommentTrigger { trigger, from, to } => format!(
            "trigger {} on {}: comment {} wanted, current {}",
            crate::quote::quote_ident(&trigger.name),
            trigger.table,
            opt(to),
            opt(from)
        ),
        Change::CommentConstraint {
            table,
            constraint,
            from,
            to,
        } => format!(
            "table {table}: comment on constraint {} {} wanted, current {}",
            crate::quote::quote_ident(constraint),
            opt(to),
            opt(from)
        ),
        Change::RecreateTable { from, to } => {
            let part = |t: &crate::schema::Table| {
                t.partition_by
                    .as_ref()
                    .map_or("not partitioned".to_string(), |b| {
                        format!("PARTITION BY {}", b.sql)
                    })
            };
            format!(
                "table {}: {} wanted, current {}; PostgreSQL cannot change that in place",
                to.name,
                part(to),
                part(from)
            )
        }
        Change::DetachPartition { table, parent, .. } => format!(
            "table {table}: wanted as a table of its own, currently a partition of {parent}"
        ),
        Change::AttachPartition {
            table,
            parent,
            bound,
        } => format!(
            "table {table}: wanted as a partition of {parent} ({}), currently not",
            bound.sql
        ),
        Change::CreateCollation { collation } => format!(
            "collation {}: {} wanted, missing",
            collation.name,
            collation_desc(collation)
        ),
        Change::DropCollation {
            collation,
            replaced,
        } => format!(
            "collation {}: {} exists, {}",
            collation.name,
            collation_desc(collation),
            if *replaced {
                "wanted with another definition (a collation cannot be altered)"
            } else {
                "not in the desired schema"
            }
        ),
        Change::CreateFunction { function: f } => {
            format!("{} {}: wanted, missing", routine_kind(f), f.signature())
        }
        Change::ReplaceFunction { to, .. } => format!(
            "{} {}: definition differs (wanted {})",
            routine_kind(to),
            to.signature(),
            shorten(&to.definition.canon)
        ),
        Change::DropFunction {
            function: f,
            replaced,
        } => {
            if *replaced {
                format!(
                    "{} {}: what it returns changes; dropped to be created again",
                    routine_kind(f),
                    f.signature()
                )
            } else {
                format!(
                    "{} {}: exists, not in the desired schema",
                    routine_kind(f),
                    f.signature()
                )
            }
        }
        Change::CreateTrigger { trigger, recreated } => {
            if *recreated {
                format!(
                    "trigger {} on {}: created again (what it is on or runs was)",
                    crate::quote::quote_ident(&trigger.name),
                    trigger.table
                )
            } else {
                format!(
                    "trigger {} on {}: {} wanted",
                    crate::quote::quote_ident(&trigger.name),
                    trigger.table,
                    shorten(&trigger.definition.canon)
                )
            }
        }
        Change::DropTrigger { trigger, recreated } => format!(
            "trigger {} on {}: {} exists, {}",
            crate::quote::quote_ident(&trigger.name),
            trigger.table,
            shorten(&trigger.definition.canon),
            if *recreated {
                "dropped to be created again"
            } else {
                "not in the desired schema"
            }
        ),
        Change::SetRowSecurity { table, enable } => format!(
            "table {table}: row level security {} wanted, current {}",
            on_off(*enable),
            on_off(!enable)
        ),
        Change::SetForceRowSecurity { table, force } => format!(
            "table {table}: forced row level security {} wanted, current {}",
            on_off(*force),
            on_off(!force)
        ),
        Change::CreatePolicy { table, policy } => format!(
            "table {table}: policy {} ({}) wanted, missing",
            crate::quote::quote_ident(&policy.name),
            policy_desc(policy)
        ),
        Change::DropPolicy { table, policy } => format!(
            "table {table}: policy {} ({}) exists, not wanted as it is",
            crate::quote::quote_ident(&policy.name),
            policy_desc(policy)
        ),
        Change::CreateExtension { ext } => format!(
            "extension {}: wanted (in schema {}), missing",
            crate::quote::quote_ident(&ext.name),
            ext.schema
        ),
        Change::AlterExtension { from, to } => {
            let v = |e: &crate::schema::Extension| {
                format!(
                    "schema {}{}",
                    e.schema,
                    e.version
                        .as_deref()
                        .map_or(String::new(), |v| format!(", version {v}"))
                )
            };
            format!(
                "extension {}: {} wanted, current {}",
                crate::quote::quote_ident(&to.name),
                v(to),
                v(from)
            )
        }
        Change::DropExtension { ext, replaced } => format!(
            "extension {}: installed{}, {}",
            crate::quote::quote_ident(&ext.name),
            ext.version
                .as_deref()
                .map_or(String::new(), |v| format!(" at version {v}")),
            if *replaced {
                "wanted at an older version: installed again (extensions only update forward)"
            } else {
                "not in the desired schema"
            }
        ),
        Change::SetLogged { table, unlogged } => format!(
            "table {table}: {} wanted, current {}",
            if *unlogged { "UNLOGGED" } else { "LOGGED" },
            if *unlogged { "LOGGED" } else { "UNLOGGED" }
        ),
        Change::CreateView { view, recreated } => match recreated {
            None => format!(
                "{} {}: in the desired schema ({}), missing in the current one",
                view_kind(view.materialized),
                view.name,
                query_of(view)
            ),
            Some(why) => format!(
                "{} {}: created again ({why}) as {}",
                view_kind(view.materialized),
                view.name,
                query_of(view)
            ),
        },
        Change::DropView { view, recreated } => match recreated {
            None => format!(
                "{} {}: exists ({}), not in the desired schema",
                view_kind(view.materialized),
                view.name,
                query_of(view)
            ),
            Some(why) => format!(
                "{} {}: dropped to be created again: {why} (current: {})",
                view_kind(view.materialized),
                view.name,
                query_of(view)
            ),
        },
        Change::CommentView {
            name,
            materialized,
            from,
            to,
        } => format!(
            "{} {name}: comment {} wanted, current {}",
            view_kind(*materialized),
            opt(to),
            opt(from)
        ),
        Change::CreateSchema {
            name,
            if_not_exists: false,
        } => format!("schema {name}: in the desired schema, missing in the current one"),
        Change::CreateSchema {
            name,
            if_not_exists: true,
        } => format!(
            "schema {name}: holds tables the plan creates; the current side does not show whether it exists"
        ),
        Change::DropSchema { name } => {
            format!("schema {name}: exists, not in the desired schema")
        }
        Change::CreateEnum { ty } => format!(
            "type {}: enum ({}) wanted, missing",
            ty.name,
            ty.values.join(", ")
        ),
        Change::AddEnumValue { name, value, .. } => {
            format!("type {name}: label {value:?} wanted, missing")
        }
        Change::DropEnum { ty } => format!("type {}: exists, not in the desired schema", ty.name),
        Change::RebuildEnum { from, to, .. } => format!(
            "type {}: labels ({}) wanted, current ({}): labels removed or reordered",
            to.name,
            to.values.join(", "),
            from.values.join(", ")
        ),
        Change::CreateSequence { seq } => format!("sequence {}: wanted, missing", seq.name),
        Change::AlterSequence { from, to } if from.owned_by != to.owned_by => {
            let owner = |s: &crate::schema::Sequence| match &s.owned_by {
                Some((t, c)) => format!("owned by {}", at(t, c)),
                None => "free-standing".to_string(),
            };
            format!(
                "sequence {}: {} ({}) wanted, current {} ({}); the sequence and its value are kept",
                to.name,
                owner(to),
                to.data_type,
                owner(from),
                from.data_type
            )
        }
        Change::AlterSequence { to, .. } => format!("sequence {}: options differ", to.name),
        Change::DropSequence { seq } => {
            format!("sequence {}: exists, not in the desired schema", seq.name)
        }
        Change::CreateTable { table } => format!(
            "table {}: in the desired schema, missing in the current one",
            table.name
        ),
        Change::DropTable { table } => {
            format!("table {}: exists, not in the desired schema", table.name)
        }
        Change::AddColumn { table, column } => format!(
            "{}: in the desired schema ({}), missing in the current one",
            at(table, &column.name),
            col_desc(column)
        ),
        Change::DropColumn { table, column } => format!(
            "{}: exists ({}), not in the desired schema",
            at(table, &column.name),
            col_desc(column)
        ),
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            from_collation,
            to_collation,
            ..
        } => {
            if from == to {
                format!(
                    "{}: collation {} wanted, current {}",
                    at(table, column),
                    opt(to_collation),
                    opt(from_collation)
                )
            } else {
                format!("{}: type {to} wanted, current {from}", at(table, column))
            }
        }
        Change::SetNotNull { table, column } => {
            format!("{}: desired NOT NULL, current nullable", at(table, column))
        }
        Change::Backfill { table, column } => format!(
            "BACKFILL {}: NOT NULL without a default; give existing rows a value here, or the next step fails on them",
            at(table, column)
        ),
        Change::DropNotNull { table, column } => {
            format!("{}: desired nullable, current NOT NULL", at(table, column))
        }
        Change::SetDefault {
            table,
            column,
            from,
            to,
        } => format!(
            "{}: default {} wanted, current {}",
            at(table, column),
            to.sql,
            from.as_ref().map_or("none".to_string(), |f| f.sql.clone())
        ),
        Change::DropDefault {
            table,
            column,
            from,
        } => {
            format!(
                "{}: no default wanted, current {}",
                at(table, column),
                from.sql
            )
        }
        Change::AddIdentity { table, column, .. } => format!(
            "{}: identity wanted, current plain column",
            at(table, column)
        ),
        Change::SetIdentity {
            table, column, to, ..
        } => format!("{}: identity {to:?} wanted", at(table, column)),
        Change::SetIdentityOptions {
            table,
            column,
            from,
            to,
        } => format!(
            "{}: identity sequence ({}) wanted, current ({})",
            at(table, column),
            crate::render::sql::identity_options_sql(to, "defaults"),
            crate::render::sql::identity_options_sql(from, "defaults")
        ),
        Change::DropIdentity { table, column } => {
            format!("{}: identity not wanted", at(table, column))
        }
        Change::AddSerial { table, column, .. } => {
            format!("{}: serial wanted, current plain column", at(table, column))
        }
        Change::DropSerial { table, column } => format!("{}: serial not wanted", at(table, column)),
        Change::AddPrimaryKey { table, pk } => format!(
            "{table}: primary key {} ({}) wanted, missing",
            pk.name,
            pk.columns.join(", ")
        ),
        Change::DropPrimaryKey { table, pk } => {
            format!("{table}: primary key {} not wanted", pk.name)
        }
        Change::AddUnique { table, unique } => format!(
            "{table}: unique constraint {} ({}) wanted, missing",
            unique.name,
            unique.columns.join(", ")
        ),
        Change::DropUnique { table, unique } => {
            format!("{table}: unique constraint {} not wanted", unique.name)
        }
        Change::AddCheck { table, check } => format!(
            "{table}: check {} {} wanted, missing",
            check.name, check.expr.sql
        ),
        Change::DropCheck { table, check } => format!("{table}: check {} not wanted", check.name),
        Change::AddForeignKey { table, fk } => format!(
            "{table}: foreign key {} ({}) → {} wanted, missing",
            fk.name,
            fk.columns.join(", "),
            fk.ref_table
        ),
        Change::DropForeignKey { table, fk } => {
            format!("{table}: foreign key {} not wanted", fk.name)
        }
        Change::ValidateConstraint { table, name } => format!(
            "{table}: constraint {name} is NOT VALID in the database (rows from before it were never checked), validated in the desired schema"
        ),
        Change::CreateIndex { table, index } => {
            format!("{table}: index {} wanted, missing", index.name)
        }
        Change::AddExclusion { table, exclusion } => {
            format!(
                "{table}: exclusion constraint {} wanted, missing",
                exclusion.name
            )
        }
        Change::DropExclusion { table, exclusion } => {
            format!(
                "{table}: exclusion constraint {} not wanted",
                exclusion.name
            )
        }
        Change::DropIndex { table, index } if index.invalid => format!(
            "{table}: index {} is INVALID (left by a failed or interrupted CREATE INDEX CONCURRENTLY; it enforces nothing): dropped to be built again",
            index.name
        ),
        Change::DropIndex { table, index } => format!("{table}: index {} not wanted", index.name),
        Change::RenameConstraint { table, from, to } => {
            format!("{table}: constraint {from} is named {to} in the desired schema")
        }
        Change::RenameTable { from, to } => format!(
            "{from}: renamed to {} (a confirmed rename: the table keeps its rows)",
            crate::quote::quote_ident(to)
        ),
        Change::RenameColumn { table, from, to } => format!(
            "{}: renamed to {to} (a confirmed rename: the column keeps its data)",
            at(table, from)
        ),
        Change::RenameIndex { table, from, to } => {
            format!("{table}: index {from} is named {to} in the desired schema")
        }
        Change::CommentTable { table, from, to } => {
            format!("{table}: comment {} wanted, current {}", opt(to), opt(from))
        }
        Change::CommentColumn {
            table,
            column,
            from,
            to,
        } => {
            format!(
                "{}: comment {} wanted, current {}",
                at(table, column),
                opt(to),
                opt(from)
            )
        }
        Change::CommentIndex {
            table,
            index,
            from,
            to,
        } => format!(
            "{table}: comment on index {index} {} wanted, current {}",
            opt(to),
            opt(from)
        ),
        Change::CommentType { name, from, to } => format!(
            "type {name}: comment {} wanted, current {}",
            opt(to),
            opt(from)
        ),
    }
}

/// A column added with a default that PostgreSQL `version` writes into every existing row,
/// rewriting the table under its lock: a volatile function (each row its own value), or any
/// default before PostgreSQL 11 (since then a constant is stored once). Serial, identity and
/// generated columns are filled by other means.
pub(crate) fn fills_each_row(column: &Column, version: Option<u32>) -> bool {
    column
        .default
        .as_ref()
        .is_some_and(|d| volatile_default(&d.canon) || version.is_some_and(|v| v < 11))
        && !column.serial
        && column.identity.is_none()
        && column.generated.is_none()
}

/// Whether a default holds a call PostgreSQL may evaluate to another value for every row,
/// so that adding a column with it rewrites the table: any function not known to be stable
/// or immutable (`random()`, `clock_timestamp()`, `gen_random_uuid()`, `nextval(…)`, and a
/// user's own function, which `CREATE FUNCTION` makes VOLATILE unless it says otherwise).
/// `canon` is the canonical text, calls printed as `name(…)`; string literals and type
/// modifiers (`::numeric(10,2)`) are not calls.
fn volatile_default(canon: &str) -> bool {
    let bytes = canon.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.';
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // A literal or a quoted name: its text is no call.
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == q && bytes.get(i + 1) == Some(&q) {
                        i += 2;
                    } else if bytes[i] == q {
                        break;
                    } else {
                        i += 1;
                    }
                }
                i += 1;
            }
            b if word(b) => {
                let start = i;
                while i < bytes.len() && word(bytes[i]) {
                    i += 1;
                }
                if bytes.get(i) != Some(&b'(') {
                    continue;
                }
                let name = canon[start..i].to_ascii_lowercase();
                let (schema, function) = name.rsplit_once('.').unwrap_or(("pg_catalog", &name));
                if schema != "pg_catalog" || !NON_VOLATILE.contains(&function) {
                    return true;
                }
            }
            _ => i += 1,
        }
    }
    false
}

/// Built-in functions (and the type names and keywords that print with brackets) whose value
/// does not change from row to row within a statement: PostgreSQL evaluates a default of them
/// once and stores it, since PostgreSQL 11. `pg_proc.provolatile` is `s` or `i` for each.
const NON_VOLATILE: &[&str] = &[
    // Time: stable, one value per transaction.
    "now",
    "transaction_timestamp",
    "statement_timestamp",
    "timezone",
    "date_trunc",
    "date_part",
    "extract",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_number",
    "age",
    // Strings.
    "lower",
    "upper",
    "initcap",
    "btrim",
    "ltrim",
    "rtrim",
    "trim",
    "length",
    "char_length",
    "substr",
    "substring",
    "replace",
    "concat",
    "concat_ws",
    "lpad",
    "rpad",
    "repeat",
    "left",
    "right",
    "md5",
    "format",
    // JSON, arrays, ranges.
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "to_json",
    "to_jsonb",
    "array_fill",
    "int4range",
    "int8range",
    "numrange",
    "daterange",
    "tsrange",
    "tstzrange",
    // Numbers.
    "abs",
    "round",
    "floor",
    "ceil",
    "ceiling",
    "trunc",
    "power",
    "mod",
    // Session and settings: stable.
    "current_setting",
    "current_database",
    "current_schema",
    "pg_backend_pid",
    "inet_client_addr",
    // Conditional expressions and row constructors (keywords).
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "row",
    // Type names with a modifier, after `::` (`numeric(10,2)`, `character varying(20)`).
    "numeric",
    "decimal",
    "varying",
    "character",
    "char",
    "varchar",
    "bit",
    "time",
    "timestamp",
    "interval",
    "float",
];

/// Whether a type change keeps every value (widening).
fn widening(from: &str, to: &str) -> bool {
    let len = |t: &str, base: &str| -> Option<Option<u32>> {
        let rest = t.strip_prefix(base)?;
        if rest.is_empty() {
            return Some(None);
        }
        rest.strip_prefix('(')?
            .strip_suffix(')')?
            .parse()
            .ok()
            .map(Some)
    };
    let string_len = |t: &str| len(t, "character varying").or_else(|| len(t, "character"));
    if to == "text" && (string_len(from).is_some() || from == "text") {
        return true;
    }
    if let (Some(a), Some(b)) = (string_len(from), len(to, "character varying")) {
        return match (a, b) {
            (_, None) => true,
            (Some(a), Some(b)) => b >= a,
            (None, Some(_)) => false,
        };
    }
    let ints = ["smallint", "integer", "bigint"];
    if let (Some(a), Some(b)) = (
        ints.iter().position(|x| *x == from),
        ints.iter().position(|x| *x == to),
    ) {
        return b >= a;
    }
    if ints.contains(&from) && to == "numeric" {
        return true;
    }
    if from == "real" && to == "double precision" {
        return true;
    }
    if from.starts_with("numeric") && to == "numeric" {
        return true;
    }
    let prec = |t: &str| -> Option<(u32, u32)> {
        let inner = t.strip_prefix("numeric(")?.strip_suffix(')')?;
        let mut it = inner.split(',');
        let p = it.next()?.trim().parse().ok()?;
        let s = it.next().map_or(Some(0), |s| s.trim().parse().ok())?;
        Some((p, s))
    };
    if let (Some((p1, s1)), Some((p2, s2))) = (prec(from), prec(to)) {
        return s2 >= s1 && p2 - s2 >= p1 - s1;
    }
    from == to
}

/// Whether the change needs no rewrite (binary-coercible): longer varchar, varchar → text,
/// numeric without a narrower precision.
/// The expand and contract an online type change goes through: where the diff found one
/// possible, for a change that would rewrite the table, on PostgreSQL 12 or later (whose
/// `SET NOT NULL` trusts a validated check).
pub(crate) fn swap_of(c: &Change, pg_version: Option<u32>) -> Option<&crate::diff::Swap> {
    match c {
        Change::AlterColumnType {
            from,
            to,
            swap: Some(s),
            ..
        } if !binary_coercible(from, to) && pg_version.is_none_or(|v| v >= 12) => Some(s),
        _ => None,
    }
}

fn binary_coercible(from: &str, to: &str) -> bool {
    let is_str = |t: &str| t == "text" || t.starts_with("character varying");
    (is_str(from) && is_str(to) && widening(from, to))
        || (from.starts_with("numeric") && to.starts_with("numeric") && widening(from, to))
}

/// The table a change of a table's column, constraint or index works on.
fn change_table(c: &Change) -> Option<&QualName> {
    match c {
        Change::CreateIndex { table, .. }
        | Change::DropIndex { table, .. }
        | Change::AddUnique { table, .. }
        | Change::AddPrimaryKey { table, .. }
        | Change::AddCheck { table, .. }
        | Change::AddForeignKey { table, .. }
        | Change::SetNotNull { table, .. } => Some(table),
        _ => None,
    }
}

/// A step's hazards on PostgreSQL `version` (`None`: any supported release), in its online
/// form when `online`.
fn hazards(c: &Change, version: Option<u32>, online: bool) -> Vec<Hazard> {
    use Hazard as H;
    if online {
        let mut h = match c {
            // CONCURRENTLY: SHARE UPDATE EXCLUSIVE, reads and writes go on.
            Change::CreateIndex { index, .. } => {
                let mut h = vec![H::IndexBuild, H::NotTransactional];
                if index.unique {
                    h.push(H::FailsOnExistingRows);
                }
                h
            }
            Change::DropIndex { .. } => vec![H::IndexDropped, H::NotTransactional],
            // The index is built concurrently; attaching it as the constraint is a brief
            // ACCESS EXCLUSIVE lock (a primary key on nullable columns also scans for NULLs).
            Change::AddUnique { .. } => vec![
                H::IndexBuild,
                H::NotTransactional,
                H::FailsOnExistingRows,
                H::AccessExclusiveLock,
            ],
            Change::AddPrimaryKey { .. } => vec![
                H::IndexBuild,
                H::NotTransactional,
                H::FailsOnExistingRows,
                H::AccessExclusiveLock,
                H::FullTableScan,
            ],
            // NOT VALID is a brief lock; VALIDATE reads every row without blocking writes.
            Change::AddCheck { .. } | Change::SetNotNull { .. } => vec![
                H::AccessExclusiveLock,
                H::FullTableScan,
                H::FailsOnExistingRows,
            ],
            Change::AddForeignKey { .. } | Change::ValidateConstraint { .. } => {
                vec![H::FullTableScan, H::FailsOnExistingRows]
            }
            // Added bare and its default set (brief locks), the existing rows filled by an
            // UPDATE that reads and writes each of them, NOT NULL through a validated check.
            Change::AddColumn { .. } => vec![H::AccessExclusiveLock, H::FullTableScan],
            // The new column added and swapped in (brief locks), every row read and written by
            // the backfill, which fails on a value the new type cannot hold.
            Change::AlterColumnType { from, to, swap, .. } => {
                let mut h = vec![H::AccessExclusiveLock, H::FullTableScan];
                if !widening(from, to) {
                    h.push(H::FailsOnExistingRows);
                }
                // Its indexes built again on the new column, concurrently.
                if let Some(s) = swap {
                    let keys = s.primary_key.is_some() || !s.uniques.is_empty();
                    if keys || !s.indexes.is_empty() {
                        h.extend([H::IndexBuild, H::NotTransactional]);
                    }
                    // A key, a unique index or a foreign key the new values may break.
                    if keys || !s.foreign_keys.is_empty() || s.indexes.iter().any(|(i, _)| i.unique)
                    {
                        h.push(H::FailsOnExistingRows);
                    }
                }
                h
            }
            // A default the swap sets or drops: nothing of its own.
            Change::DropDefault { .. } | Change::SetDefault { .. } => Vec::new(),
            // The parent is not blocked; the partition is, briefly, at the end.
            Change::DetachPartition { .. } => vec![H::AccessExclusiveLock, H::NotTransactional],
            // Filled in its transaction; its indexes built concurrently after.
            Change::CreateView { view, .. } if view.materialized && !view.indexes.is_empty() => {
                vec![H::FullTableScan, H::IndexBuild, H::NotTransactional]
            }
            other => return hazards(other, version, false),
        };
        h.sort();
        h.dedup();
        return h;
    }
    let mut h = match c {
        Change::DropTable { .. }
        | Change::DropColumn { .. }
        | Change::DropSequence { .. }
        | Change::RecreateTable { .. } => vec![H::DeletesData, H::AccessExclusiveLock],
        Change::AttachPartition { .. } => vec![H::AccessExclusiveLock, H::FullTableScan],
        Change::SetLogged { .. } => vec![H::AccessExclusiveLock, H::TableRewrite],
        Change::DetachPartition { .. } => vec![H::AccessExclusiveLock],
        Change::AddColumn { column, .. } => {
            let mut h = vec![H::AccessExclusiveLock];
            if column.serial
                || column.identity.is_some()
                || column.generated.is_some()
                || fills_each_row(column, version)
            {
                h.push(H::TableRewrite);
            }
            if column.not_null
                && column.default.is_none()
                && !column.serial
                && column.identity.is_none()
                && column.generated.is_none()
            {
                h.push(H::FailsOnExistingRows);
            }
            h
        }
        Change::AlterColumnType { from, to, .. } => {
            let mut h = vec![H::AccessExclusiveLock];
            if !binary_coercible(from, to) {
                h.push(H::TableRewrite);
            }
            if !widening(from, to) {
                h.push(H::FailsOnExistingRows);
            }
            h
        }
        Change::RebuildEnum { .. } => vec![
            H::AccessExclusiveLock,
            H::TableRewrite,
            H::FailsOnExistingRows,
        ],
        Change::Backfill { .. } => vec![H::FailsOnExistingRows],
        Change::SetNotNull { .. } => vec![
            H::AccessExclusiveLock,
            H::FullTableScan,
            H::FailsOnExistingRows,
        ],
        // Other ALTER TABLE forms on the identity, and renames: a brief ACCESS EXCLUSIVE lock.
        Change::RenameTable { .. }
        | Change::RenameColumn { .. }
        | Change::DropIdentity { .. }
        | Change::SetIdentity { .. }
        | Change::SetIdentityOptions { .. } => vec![H::AccessExclusiveLock],
        // An exclusion constraint builds its index and checks every row under the lock.
        Change::AddExclusion { .. } => vec![
            H::AccessExclusiveLock,
            H::IndexBuild,
            H::FullTableScan,
            H::FailsOnExistingRows,
        ],
        Change::AddSerial { .. } | Change::AddIdentity { .. } => {
            vec![H::AccessExclusiveLock, H::FullTableScan]
        }
        Change::AddPrimaryKey { .. } | Change::AddUnique { .. } => {
            vec![
                H::AccessExclusiveLock,
                H::IndexBuild,
                H::FailsOnExistingRows,
            ]
        }
        Change::AddCheck { .. } | Change::AddForeignKey { .. } => {
            vec![
                H::AccessExclusiveLock,
                H::FullTableScan,
                H::FailsOnExistingRows,
            ]
        }
        // SHARE UPDATE EXCLUSIVE: reads and writes go on while every row is checked.
        Change::ValidateConstraint { .. } => vec![H::FullTableScan, H::FailsOnExistingRows],
        Change::CreateIndex { index, .. } => {
            let mut h = vec![H::ShareLock, H::IndexBuild];
            if index.unique {
                h.push(H::FailsOnExistingRows);
            }
            h
        }
        Change::DropIndex { .. }
        | Change::DropPrimaryKey { .. }
        | Change::DropUnique { .. }
        | Change::DropExclusion { .. } => {
            vec![H::AccessExclusiveLock, H::IndexDropped]
        }
        // Since PostgreSQL 12 it runs in a transaction block (the label is usable after
        // commit); `None` keeps the hazard, true of some supported servers.
        Change::AddEnumValue { .. } if version.is_some_and(|v| v >= 12) => vec![],
        Change::AddEnumValue { .. } => vec![H::NotTransactional],
        Change::DropView { .. } | Change::DropTrigger { .. } => vec![H::AccessExclusiveLock],
        Change::CreateTrigger { .. } => vec![H::ShareLock],
        Change::SetRowSecurity { .. }
        | Change::SetForceRowSecurity { .. }
        | Change::CreatePolicy { .. }
        | Change::DropPolicy { .. } => vec![H::AccessExclusiveLock, H::AuthorizationChange],
        // A materialized view runs its query to fill itself, then builds its indexes (no
        // writer waits on a view just created).
        Change::CreateView { view, .. } if view.materialized => {
            let mut h = vec![H::FullTableScan];
            if !view.indexes.is_empty() {
                h.extend([H::ShareLock, H::IndexBuild]);
            }
            h
        }
        _ => vec![],
    };
    h.sort();
    h.dedup();
    h
}

/// For destructive changes: what they would lose.
fn loses(c: &Change) -> Option<String> {
    match c {
        Change::DropTable { table } => Some(format!("every row of table {}", table.name)),
        Change::RecreateTable { from, .. } => Some(format!(
            "every row of table {} (it is dropped and created again)",
            from.name
        )),
        Change::DropColumn { table, column } => {
            Some(format!("every value of column {}", at(table, &column.name)))
        }
        Change::DropSequence { seq } => Some(format!("the current value of sequence {}", seq.name)),
        Change::DropEnum { ty } => Some(format!("type {}", ty.name)),
        Change::DropSchema { name } => Some(format!("schema {name}")),
        Change::DropCollation {
            collation,
            replaced: false,
        } => Some(format!("collation {}", collation.name)),
        Change::DropFunction {
            function,
            replaced: false,
        } => Some(format!(
            "{} {} (its definition)",
            routine_kind(function),
            function.signature()
        )),
        Change::DropTrigger {
            trigger,
            recreated: false,
        } => Some(format!(
            "trigger {} on {} (its definition)",
            crate::quote::quote_ident(&trigger.name),
            trigger.table
        )),
        Change::DropExtension { ext, .. } => Some(format!(
            "extension {} and what it created (its types, functions and operators)",
            crate::quote::quote_ident(&ext.name)
        )),
        Change::DropView {
            view,
            recreated: None,
        } => Some(if view.materialized {
            format!(
                "materialized view {} and its rows (its query can compute them again)",
                view.name
            )
        } else {
            format!("view {} (its definition; a view holds no rows)", view.name)
        }),
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            ..
        } if !widening(from, to) => Some(format!(
            "values of {} that do not fit {to} (from {from})",
            at(table, column)
        )),
        Change::RebuildEnum { from, to, .. } => {
            let gone: Vec<&String> = from
                .values
                .iter()
                .filter(|v| !to.values.contains(v))
                .collect();
            // The labels both sides have, in the desired order: another order than the current
            // one changes what comparisons and ORDER BY on the type's values mean.
            let kept: Vec<&String> = to
                .values
                .iter()
                .filter(|v| from.values.contains(v))
                .collect();
            let reordered = kept
                .iter()
                .copied()
                .ne(from.values.iter().filter(|v| to.values.contains(v)));
            if gone.is_empty() && !reordered {
                None
            } else if gone.is_empty() {
                Some(format!(
                    "the current label order ({}), which comparisons and ORDER BY on {} values follow (no value is lost)",
                    from.values.join(", "),
                    to.name
                ))
            } else {
                Some(format!(
                    "rows whose {} value is one of the removed labels ({})",
                    to.name,
                    gone.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{migrate, Format, PlanOptions};

    /// The hazards of the steps from `from` to `to`.
    fn hazards_of(from: &str, to: &str, options: &PlanOptions) -> Vec<super::Hazard> {
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), options);
        assert!(!m.has_errors());
        let mut h: Vec<_> = m
            .plan
            .steps
            .iter()
            .flat_map(|s| s.hazards.clone())
            .collect();
        h.sort();
        h.dedup();
        h
    }

    /// An enum whose labels go, or whose kept labels change order, is rebuilt only when
    /// destructive steps are allowed; labels added around the kept ones are not a rebuild.
    #[test]
    fn an_enum_rebuild_is_held_back_when_labels_go_or_move() {
        let e =
            |labels: &str| format!("CREATE TYPE mood AS ENUM ({labels}); CREATE TABLE t (m mood);");
        let plan = |to: &str| {
            migrate(
                &e("'a', 'b', 'c'"),
                None,
                &e(to),
                None,
                &PlanOptions::default(),
            )
            .plan
        };
        let moved = plan("'c', 'a', 'b'");
        assert!(moved.steps.is_empty(), "{:?}", moved.steps);
        let loses = moved.skipped[0].loses.clone().unwrap_or_default();
        assert!(
            loses.contains("label order (a, b, c)") && loses.contains("no value is lost"),
            "{loses}"
        );
        let gone = plan("'a', 'c'");
        assert!(gone.skipped[0]
            .loses
            .as_deref()
            .unwrap_or_default()
            .contains("removed labels (b)"));
        let added = plan("'z', 'a', 'x', 'b', 'c', 'y'");
        assert!(added.skipped.is_empty(), "{:?}", added.skipped);
        assert!(
            added.steps.iter().all(|s| s.id == "add-enum-value"),
            "{:?}",
            added.steps
        );
    }

    /// Each hazard on a change that has it, and not on a like change that does not.
    #[test]
    fn each_hazard_where_it_holds_and_not_elsewhere() {
        use super::Hazard as H;
        let plain = PlanOptions {
            allow_destructive: true,
            ..Default::default()
        };
        let on = |v: u32| PlanOptions {
            pg_version: Some(v),
            ..plain.clone()
        };
        let (v10, v11, v15) = (on(10), on(11), on(15));
        let online = PlanOptions {
            online: true,
            ..plain.clone()
        };
        let t = "CREATE TABLE t (id int PRIMARY KEY, a int, s varchar(10), c text);";
        let with = |extra: &str| format!("{t} {extra}");
        let t2 = |cols: &str| format!("CREATE TABLE t (id int PRIMARY KEY, {cols});");
        // (hazard, from, to, options, present)
        let cases: Vec<(H, String, String, &PlanOptions, bool)> = vec![
            (
                H::DeletesData,
                t.into(),
                t2("a int, s varchar(10)"),
                &plain,
                true,
            ),
            (
                H::DeletesData,
                t.into(),
                t2("a int, s varchar(10), c text, d int"),
                &plain,
                false,
            ),
            (
                H::TableRewrite,
                t.into(),
                t2("a bigint, s varchar(10), c text"),
                &plain,
                true,
            ),
            (
                H::TableRewrite,
                t.into(),
                t2("a int, s varchar(20), c text"),
                &plain,
                false,
            ),
            // A constant default rewrote the table before PostgreSQL 11, not since.
            (
                H::TableRewrite,
                t.into(),
                t2("a int, s varchar(10), c text, d int DEFAULT 0"),
                &v10,
                true,
            ),
            (
                H::TableRewrite,
                t.into(),
                t2("a int, s varchar(10), c text, d int DEFAULT 0"),
                &v15,
                false,
            ),
            (
                H::TableRewrite,
                t.into(),
                t2("a int, s varchar(10), c text, d float DEFAULT random()"),
                &v15,
                true,
            ),
            (
                H::AccessExclusiveLock,
                t.into(),
                t2("a bigint, s varchar(10), c text"),
                &plain,
                true,
            ),
            (
                H::AccessExclusiveLock,
                t.into(),
                with("CREATE INDEX t_a ON t (a);"),
                &plain,
                false,
            ),
            (
                H::ShareLock,
                t.into(),
                with("CREATE INDEX t_a ON t (a);"),
                &plain,
                true,
            ),
            (
                H::ShareLock,
                t.into(),
                with("CREATE INDEX t_a ON t (a);"),
                &online,
                false,
            ),
            (
                H::FullTableScan,
                t.into(),
                t2("a int CHECK (a > 0), s varchar(10), c text"),
                &plain,
                true,
            ),
            (
                H::FullTableScan,
                with("ALTER TABLE t ADD CHECK (a > 0);"),
                t.into(),
                &plain,
                false,
            ),
            (
                H::FailsOnExistingRows,
                t.into(),
                t2("a int NOT NULL, s varchar(10), c text"),
                &plain,
                true,
            ),
            (
                H::FailsOnExistingRows,
                t2("a int NOT NULL, s varchar(10), c text"),
                t.into(),
                &plain,
                false,
            ),
            (
                H::IndexBuild,
                t.into(),
                with("CREATE INDEX t_a ON t (a);"),
                &plain,
                true,
            ),
            (
                H::IndexBuild,
                with("CREATE INDEX t_a ON t (a);"),
                t.into(),
                &plain,
                false,
            ),
            (
                H::IndexDropped,
                with("CREATE INDEX t_a ON t (a);"),
                t.into(),
                &plain,
                true,
            ),
            (
                H::IndexDropped,
                t.into(),
                with("CREATE INDEX t_a ON t (a);"),
                &plain,
                false,
            ),
            (
                H::NotTransactional,
                "CREATE TYPE e AS ENUM ('a');".into(),
                "CREATE TYPE e AS ENUM ('a', 'b');".into(),
                &v11,
                true,
            ),
            (
                H::NotTransactional,
                "CREATE TYPE e AS ENUM ('a');".into(),
                "CREATE TYPE e AS ENUM ('a', 'b');".into(),
                &v15,
                false,
            ),
            (
                H::NotTransactional,
                t.into(),
                with("CREATE INDEX t_a ON t (a);"),
                &online,
                true,
            ),
            (
                H::AuthorizationChange,
                t.into(),
                with("ALTER TABLE t ENABLE ROW LEVEL SECURITY;"),
                &plain,
                true,
            ),
            (
                H::AuthorizationChange,
                t.into(),
                t2("a int, s varchar(10), c text, d int"),
                &plain,
                false,
            ),
        ];
        for (hazard, from, to, options, present) in cases {
            let got = hazards_of(&from, &to, options);
            assert_eq!(
                got.contains(&hazard),
                present,
                "{hazard:?} from {from} to {to} (online {}, version {:?}): {got:?}",
                options.online,
                options.pg_version
            );
        }
    }

    /// A sequence whose lower bound rises past where it may stand is first moved up to it
    /// (never back: no value is handed out twice); lowering the bound again is just an alter.
    #[test]
    fn a_raised_minvalue_moves_the_sequence_up_first() {
        let low = "CREATE TABLE v (n int GENERATED BY DEFAULT AS IDENTITY (START WITH -200 MINVALUE -200 MAXVALUE 200));
            CREATE SEQUENCE s MINVALUE -200 START -200;";
        let raised = "CREATE TABLE v (n int GENERATED BY DEFAULT AS IDENTITY (START WITH -100 MINVALUE -100 MAXVALUE 100));
            CREATE SEQUENCE s MINVALUE -100 START -100;";
        let m = migrate(
            low,
            Some(Format::Sql),
            raised,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        let setval = m.sql.find("GREATEST(v, -100)").expect("a guard");
        assert!(
            setval < m.sql.find("SET MINVALUE -100").expect("the alter"),
            "{}",
            m.sql
        );
        assert_eq!(
            m.sql.matches("pg_catalog.setval").count(),
            2,
            "identity and sequence: {}",
            m.sql
        );
        assert!(m.sql.contains("pg_get_serial_sequence('v', 'n')"));
        let back = migrate(
            raised,
            Some(Format::Sql),
            low,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        assert!(!back.sql.contains("setval"), "{}", back.sql);
    }

    /// Online mode: concurrent index builds, NOT VALID + VALIDATE, NOT NULL through a check,
    /// in labelled phases; partitioned tables keep the plain forms.
    #[test]
    fn online_plans_take_the_forms_that_hold_no_long_lock() {
        let options = PlanOptions {
            online: true,
            ..Default::default()
        };
        let from = "CREATE TABLE o (id int PRIMARY KEY);
            CREATE TABLE t (id int PRIMARY KEY, a int, o int);
            CREATE TABLE p (id int, b int) PARTITION BY RANGE (id);";
        let to = "CREATE TABLE o (id int PRIMARY KEY);
            CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL UNIQUE CHECK (a > 0), o int REFERENCES o);
            CREATE INDEX t_o ON t (o);
            CREATE TABLE p (id int, b int) PARTITION BY RANGE (id);
            CREATE INDEX p_b ON p (b);
            CREATE MATERIALIZED VIEW mv AS SELECT id, a FROM t;
            CREATE UNIQUE INDEX mv_id ON mv (id);";
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
        let sql = &m.sql;
        for want in [
            "SET lock_timeout = '5s';",
            "CREATE INDEX CONCURRENTLY t_o ON t (o);",
            "CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);",
            "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key;",
            "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;",
            "ALTER TABLE t VALIDATE CONSTRAINT t_a_check;",
            "ALTER TABLE t ADD CONSTRAINT t_o_fkey FOREIGN KEY (o) REFERENCES o (id) NOT VALID;",
            "ALTER TABLE t ADD CONSTRAINT t_a_not_null_check CHECK (a IS NOT NULL) NOT VALID;",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
            "ALTER TABLE t DROP CONSTRAINT t_a_not_null_check;",
            "CREATE INDEX p_b ON p (b);",
            "CREATE UNIQUE INDEX CONCURRENTLY mv_id ON mv (id);",
            "phase 1 of",
            "not transactional (CONCURRENTLY cannot run in a transaction block)",
        ] {
            assert!(sql.contains(want), "{want} missing from:\n{sql}");
        }
        // A validation comes after what it validates, SET NOT NULL after its check's.
        let at = |s: &str| sql.find(s).unwrap_or_else(|| panic!("{s}"));
        assert!(at("VALIDATE CONSTRAINT t_a_not_null_check") < at("SET NOT NULL"));
        assert!(at("CHECK (a > 0) NOT VALID") < at("VALIDATE CONSTRAINT t_a_check"));
        assert!(at("CREATE MATERIALIZED VIEW mv") < at("INDEX CONCURRENTLY mv_id"));
        // No CONCURRENTLY inside a transaction block.
        let mut in_tx = false;
        for line in sql.lines() {
            match line {
                "BEGIN;" => in_tx = true,
                "COMMIT;" => in_tx = false,
                l if l.contains("CONCURRENTLY") => assert!(!in_tx, "{l} in a transaction"),
                _ => {}
            }
        }
        // The default plan has none of it.
        let plain = migrate(
            from,
            Some(Format::Sql),
            to,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        assert!(!plain.sql.contains("CONCURRENTLY") && !plain.sql.contains("NOT VALID"));
        assert!(!plain.sql.contains("BEGIN;"));
    }

    /// Online mode: a column whose default is evaluated for each row is added bare, its
    /// default set for new rows, the existing rows filled in a phase of their own, then NOT
    /// NULL through a validated check; a step with no online form says so; a default
    /// PostgreSQL stores once stays one statement.
    #[test]
    fn online_a_per_row_default_is_backfilled_and_long_locks_are_named() {
        let options = PlanOptions {
            online: true,
            pg_version: Some(15),
            ..Default::default()
        };
        // An expression on `n` is indexed on both sides: its type change keeps the plain form.
        let from = "CREATE TABLE t (id int PRIMARY KEY, n int); CREATE INDEX t_n ON t ((n + 1));";
        let to = "CREATE TABLE t (id int PRIMARY KEY, n bigint,
                token uuid NOT NULL DEFAULT gen_random_uuid(),
                seen timestamptz DEFAULT now()); CREATE INDEX t_n ON t ((n + 1));";
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
        let body: String = m
            .sql
            .lines()
            .filter(|l| !l.starts_with("-- ") || l.starts_with("-- no online form"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            body,
            "SET lock_timeout = '5s';
SET statement_timeout = '1min';
BEGIN;
ALTER TABLE t ADD COLUMN token uuid;
ALTER TABLE t ALTER COLUMN token SET DEFAULT gen_random_uuid();
COMMIT;
SET statement_timeout = 0;
BEGIN;
UPDATE t SET token = DEFAULT WHERE token IS NULL;
COMMIT;
SET statement_timeout = '1min';
BEGIN;
ALTER TABLE t ADD CONSTRAINT t_token_not_null_check CHECK (token IS NOT NULL) NOT VALID;
COMMIT;
SET statement_timeout = 0;
BEGIN;
ALTER TABLE t VALIDATE CONSTRAINT t_token_not_null_check;
ALTER TABLE t ALTER COLUMN token SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT t_token_not_null_check;
COMMIT;
SET statement_timeout = '1min';
BEGIN;
ALTER TABLE t ADD COLUMN seen timestamp with time zone DEFAULT now();
-- no online form for this step: it rewrites the table under an ACCESS EXCLUSIVE lock (reads and writes wait)
ALTER TABLE t ALTER COLUMN n TYPE bigint;
COMMIT;
",
            "{}",
            m.sql
        );
        assert!(m.sql.contains("backfill in a transaction of its own"));
        let token = m
            .plan
            .steps
            .iter()
            .find(|s| s.reason.contains("token"))
            .expect("the token step");
        assert_eq!(
            token.hazards,
            vec![
                super::Hazard::AccessExclusiveLock,
                super::Hazard::FullTableScan
            ]
        );
        assert_eq!(token.long_lock(), None);
        // The default plan adds it in one statement, rewriting the table.
        let plain = migrate(
            from,
            Some(Format::Sql),
            to,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        assert!(plain
            .sql
            .contains("ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;"));
        assert!(!plain.sql.contains("no online form"));
        // Before PostgreSQL 11 a constant default is written into every row too.
        let v10 = PlanOptions {
            pg_version: Some(10),
            ..options.clone()
        };
        let to = "CREATE TABLE t (id int PRIMARY KEY, n int, flag boolean DEFAULT false);";
        let old = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &v10);
        assert!(
            old.sql.contains("ALTER TABLE t ADD COLUMN flag boolean;\nALTER TABLE t ALTER COLUMN flag SET DEFAULT false;")
                && old.sql.contains("UPDATE t SET flag = DEFAULT WHERE flag IS NULL;"),
            "{}",
            old.sql
        );
        let new = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
        assert!(new
            .sql
            .contains("ALTER TABLE t ADD COLUMN flag boolean DEFAULT false;"));
        assert!(!new.sql.contains("UPDATE"));
        // An identity column: filled from a sequence of its own with the identity's options,
        // NOT NULL validated, and only then the identity, going on from that sequence.
        let to = "CREATE TABLE t (id int PRIMARY KEY, n int,
                k bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5));";
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
        let order = [
            "CREATE SEQUENCE t_k_fill_seq AS bigint START WITH 10 INCREMENT BY 5;",
            "ALTER TABLE t ADD COLUMN k bigint;",
            "ALTER TABLE t ALTER COLUMN k SET DEFAULT nextval('t_k_fill_seq'::regclass);",
            "UPDATE t SET k = DEFAULT WHERE k IS NULL;",
            "ALTER TABLE t VALIDATE CONSTRAINT t_k_not_null_check;",
            "ALTER TABLE t ALTER COLUMN k SET NOT NULL;",
            "ALTER TABLE t ALTER COLUMN k DROP DEFAULT;",
            "ALTER TABLE t ALTER COLUMN k ADD GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5);",
            "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('t', 'k'), s.last_value, s.is_called) FROM t_k_fill_seq AS s;",
            "DROP SEQUENCE t_k_fill_seq;",
        ];
        in_order(&m.sql, &order);
        assert!(!m.sql.contains("no online form"), "{}", m.sql);
    }

    /// Where each of `statements` is in `sql`, failing when one is missing or out of order.
    fn in_order(sql: &str, statements: &[&str]) -> Vec<usize> {
        let at: Vec<usize> = statements
            .iter()
            .map(|s| {
                sql.find(s)
                    .unwrap_or_else(|| panic!("{s} missing from\n{sql}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{sql}");
        at
    }

    /// Online mode: a type change that rewrites the table goes through a second column (a
    /// trigger keeps it in step, a backfill fills it, NOT NULL comes through a validated
    /// check, one transaction swaps it in with the default and comment); the column's own
    /// default steps say the swap sees to them; a serial column's sequence passes to the new
    /// column; an index on it is built again. Names are quoted and the function's dollar-quote
    /// is one no name holds; a name the table has already is not taken. The plain form stays
    /// where something else names the column, before PostgreSQL 12, and for a change
    /// PostgreSQL makes in the catalog.
    #[test]
    fn online_a_rewriting_type_change_goes_through_a_second_column() {
        let options = PlanOptions {
            online: true,
            pg_version: Some(15),
            allow_destructive: true,
            ..Default::default()
        };
        let from = r#"CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 1, "n_new" text,
            "odd$sync$" int, v varchar(10), w varchar(10), x int, y int CHECK (y > 0), s serial,
            z int);
            COMMENT ON COLUMN t.n IS 'count';
            CREATE INDEX t_x ON t (x) INCLUDE (v); COMMENT ON INDEX t_x IS 'by x';
            CREATE INDEX t_z ON t ((z + 1));"#;
        let to = r#"CREATE TABLE t (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 1, "n_new" text,
            "odd$sync$" bigint, v varchar(20), w bigint, x bigint, y bigint CHECK (y > 0),
            s bigserial, z bigint);
            COMMENT ON COLUMN t.n IS 'count';
            CREATE INDEX t_x ON t (x) INCLUDE (v); COMMENT ON INDEX t_x IS 'by x';
            CREATE INDEX t_z ON t ((z + 1));"#;
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
        let order = [
            "ALTER TABLE t ADD COLUMN n_new2 bigint;",
            "CREATE FUNCTION t_n_retype() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $sync$BEGIN NEW.n_new2 := NEW.n; RETURN NEW; END;$sync$;",
            "CREATE TRIGGER t_n_retype BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t_n_retype();",
            "UPDATE t SET n_new2 = n WHERE n_new2 IS NULL AND n IS NOT NULL;",
            "ADD CONSTRAINT t_n_new2_not_null_check CHECK (n_new2 IS NOT NULL) NOT VALID;",
            "ALTER TABLE t VALIDATE CONSTRAINT t_n_new2_not_null_check;",
            "ALTER TABLE t ALTER COLUMN n_new2 SET NOT NULL;",
            "DROP TRIGGER t_n_retype ON t;",
            "DROP FUNCTION t_n_retype();",
            "ALTER TABLE t DROP COLUMN n;",
            "ALTER TABLE t RENAME COLUMN n_new2 TO n;",
            "ALTER TABLE t ALTER COLUMN n SET DEFAULT 1;",
            "COMMENT ON COLUMN t.n IS 'count';",
        ];
        in_order(&m.sql, &order);
        // A name holding `$sync$`: another tag.
        assert!(
            m.sql.contains(
                "AS $sync1$BEGIN NEW.odd$sync$_new := NEW.odd$sync$; RETURN NEW; END;$sync1$;"
            ),
            "{}",
            m.sql
        );
        // A serial column hands its sequence to the new column, whose default it becomes.
        let serial = [
            "ALTER TABLE t ADD COLUMN s_new bigint;",
            "ALTER SEQUENCE t_s_seq OWNED BY t.s_new;",
            "ALTER TABLE t DROP COLUMN s;",
            "ALTER TABLE t RENAME COLUMN s_new TO s;",
            "ALTER TABLE t ALTER COLUMN s SET DEFAULT nextval('t_s_seq'::regclass);",
            "ALTER SEQUENCE t_s_seq AS bigint;",
        ];
        in_order(&m.sql, &serial);
        // Through the USING cast the plain form would take.
        assert!(
            m.sql.contains("UPDATE t SET w_new = w::bigint"),
            "{}",
            m.sql
        );
        // The old default stays until the swap, and is not set twice.
        assert!(!m.sql.contains("DROP DEFAULT"), "{}", m.sql);
        assert_eq!(m.sql.matches("SET DEFAULT 1;").count(), 1, "{}", m.sql);
        let step = |what: &str| {
            m.plan
                .steps
                .iter()
                .find(|s| s.reason.starts_with(what))
                .unwrap_or_else(|| panic!("{what}"))
        };
        let n = step("t.n: type");
        assert_eq!(
            n.hazards,
            vec![
                super::Hazard::AccessExclusiveLock,
                super::Hazard::FullTableScan
            ]
        );
        assert_eq!(n.long_lock(), None);
        assert!(n.reason.contains("comes last in the table"));
        assert!(step("t.n: default").hazards.is_empty());
        // In place: a catalog-only change, and columns a check or an index's expression names.
        assert!(m
            .sql
            .contains("ALTER TABLE t ALTER COLUMN v TYPE character varying(20);"));
        for c in ["y", "z"] {
            assert!(
                m.sql
                    .contains(&format!("ALTER TABLE t ALTER COLUMN {c} TYPE bigint;")),
                "{}",
                m.sql
            );
            assert!(step(&format!("t.{c}: type")).long_lock().is_some());
        }
        // An index on the column: built again on the new one, concurrently, outside any
        // transaction, then named as the old one (which went with the old column).
        let indexed = [
            "UPDATE t SET x_new = x WHERE x_new IS NULL AND x IS NOT NULL;",
            "CREATE INDEX CONCURRENTLY t_x_new ON t (x_new) INCLUDE (v);",
            "ALTER TABLE t RENAME COLUMN x_new TO x;",
            "ALTER INDEX t_x_new RENAME TO t_x;",
            "COMMENT ON INDEX t_x IS 'by x';",
        ];
        let at = in_order(&m.sql, &indexed);
        let phase = m.sql[..at[1]]
            .lines()
            .rev()
            .find(|l| l.starts_with("-- phase"))
            .unwrap_or_default();
        assert!(phase.contains("not transactional"), "{phase}");
        assert_eq!(
            step("t.x: type").hazards,
            vec![
                super::Hazard::AccessExclusiveLock,
                super::Hazard::FullTableScan,
                super::Hazard::IndexBuild,
                super::Hazard::NotTransactional
            ]
        );
        // Before PostgreSQL 12, and in the default plan: in place.
        for opts in [
            PlanOptions {
                pg_version: Some(11),
                ..options.clone()
            },
            PlanOptions {
                allow_destructive: true,
                ..PlanOptions::default()
            },
        ] {
            let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &opts);
            assert!(m.sql.contains("ALTER TABLE t ALTER COLUMN n TYPE bigint;"));
            assert!(!m.sql.contains("retype"), "{}", m.sql);
        }
    }

    /// Online mode: keys and foreign keys on a column whose type changes go through the
    /// swap, except a foreign key of a table on itself and a constraint with a comment (the
    /// plain form, named as such); a key renamed on the way keeps the plain form too.
    #[test]
    fn online_keys_go_through_the_swap_unless_they_cannot() {
        let options = PlanOptions {
            online: true,
            pg_version: Some(15),
            ..Default::default()
        };
        let swapped = |from: &str, to: &str| {
            let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
            let step = m
                .plan
                .steps
                .iter()
                .find(|s| s.id == "alter-column-type")
                .unwrap_or_else(|| panic!("{}", m.sql))
                .clone();
            (step.online.is_some(), step.long_lock().is_some(), m.sql)
        };
        let (on, _, sql) = swapped(
            "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (a_id int REFERENCES a);",
            "CREATE TABLE a (id bigint PRIMARY KEY); CREATE TABLE b (a_id int REFERENCES a);",
        );
        assert!(on, "{sql}");
        assert!(sql.contains("ALTER TABLE b ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;"), "{sql}");
        for (from, to) in [
            (
                "CREATE TABLE a (id int PRIMARY KEY, up int REFERENCES a);",
                "CREATE TABLE a (id bigint PRIMARY KEY, up int REFERENCES a);",
            ),
            (
                "CREATE TABLE a (id int PRIMARY KEY); COMMENT ON CONSTRAINT a_pkey ON a IS 'k';",
                "CREATE TABLE a (id bigint PRIMARY KEY); COMMENT ON CONSTRAINT a_pkey ON a IS 'k';",
            ),
            (
                "CREATE TABLE a (id int CONSTRAINT k1 UNIQUE);",
                "CREATE TABLE a (id bigint CONSTRAINT k2 UNIQUE);",
            ),
        ] {
            let (on, long, sql) = swapped(from, to);
            assert!(!on && long, "{sql}");
        }
    }

    #[test]
    fn a_default_is_volatile_when_a_call_in_it_may_be() {
        for (canon, volatile) in [
            ("5", false),
            ("'random()'", false),
            ("now()", false),
            ("(now() AT TIME ZONE 'utc')", false),
            ("CURRENT_TIMESTAMP", false),
            ("('a' || 'b')", false),
            ("'1.5'::numeric(10,2)", false),
            ("'x'::character varying(20)", false),
            ("lower('X')", false),
            ("pg_catalog.now()", false),
            ("coalesce(NULL, 1)", false),
            ("gen_random_uuid()", true),
            ("random()", true),
            ("clock_timestamp()", true),
            ("nextval('s'::regclass)", true),
            ("generate_item_id()", true),
            ("('acc_' || new_id())", true),
            ("md5((random())::text)", true),
            ("app.now()", true),
            ("Weird(2)", true),
        ] {
            assert_eq!(super::volatile_default(canon), volatile, "{canon}");
        }
    }

    #[test]
    fn changes_reach_children_through_their_parent() {
        let from =
            "CREATE TABLE p (id serial PRIMARY KEY, a int CHECK (a > 0)) PARTITION BY RANGE (id);
            CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
            CREATE TABLE v (id serial PRIMARY KEY);
            CREATE TABLE c (x int) INHERITS (v);";
        let to = "CREATE TABLE p (id serial PRIMARY KEY, a int CHECK (a > 0), b text) PARTITION BY RANGE (id);
            CREATE INDEX p_b_idx ON p (b);
            CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
            CREATE TABLE v (id serial PRIMARY KEY, note text);
            CREATE TABLE c (x int) INHERITS (v);";
        let (_, a) = crate::parse(from, Some(Format::Sql));
        let t = &a.schema.tables[&crate::QualName::new("public", "c")];
        let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["id", "x"], "a child has its parent's columns first");
        let p1 = &a.schema.tables[&crate::QualName::new("public", "p1")];
        assert_eq!(
            p1.primary_key.as_ref().map(|k| k.name.as_str()),
            Some("p1_pkey")
        );
        assert_eq!(p1.checks.len(), 1);
        let m = migrate(
            from,
            Some(Format::Sql),
            to,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        let statements: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
        assert_eq!(
            statements,
            [
                "ALTER TABLE p ADD COLUMN b text;",
                "ALTER TABLE v ADD COLUMN note text;",
                "CREATE INDEX p_b_idx ON p (b);",
            ],
            "{}",
            m.sql
        );
    }

    #[test]
    fn only_schemas_the_desired_side_does_not_use_are_dropped() {
        let from = "CREATE SCHEMA x; CREATE SCHEMA y; CREATE TABLE y.t (a int);";
        let to = "CREATE TABLE y.t (a int);";
        let allowed = PlanOptions {
            allow_destructive: true,
            ..Default::default()
        };
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &allowed);
        let statements: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
        assert_eq!(statements, ["DROP SCHEMA x;"]);
        let m = migrate(
            from,
            Some(Format::Sql),
            to,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        assert!(m.plan.steps.is_empty() && m.plan.skipped.len() == 1);
    }

    #[test]
    fn a_table_kept_from_dropping_keeps_its_foreign_keys() {
        let from =
            "CREATE TABLE u (id int PRIMARY KEY); CREATE TABLE o (id int, u int REFERENCES u);";
        let to = "CREATE TABLE u (id int PRIMARY KEY);";
        let m = migrate(
            from,
            Some(Format::Sql),
            to,
            Some(Format::Sql),
            &PlanOptions::default(),
        );
        assert!(m.plan.steps.is_empty(), "{}", m.sql);
        assert_eq!(m.plan.skipped.len(), 1);
        let allowed = PlanOptions {
            allow_destructive: true,
            ..Default::default()
        };
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &allowed);
        assert!(m.sql.contains("DROP CONSTRAINT o_u_fkey") && m.sql.contains("DROP TABLE o"));
    }

    #[test]
    fn a_default_taken_off_for_a_type_change_says_so() {
        let from = "CREATE TABLE u (role varchar(50) NOT NULL DEFAULT 'a', n int DEFAULT 1);";
        let to = "CREATE TYPE r AS ENUM ('a', 'b');
            CREATE TABLE u (role r NOT NULL DEFAULT 'a', n int DEFAULT 2);";
        let allowed = PlanOptions {
            allow_destructive: true,
            ..Default::default()
        };
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &allowed);
        let reasons: Vec<(&str, &str)> = m
            .plan
            .steps
            .iter()
            .map(|s| (s.id.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("create-enum", "type r: enum (a, b) wanted, missing"),
                (
                    "drop-default",
                    "u.role: default 'a' comes off for the type change (it may not convert)"
                ),
                (
                    "alter-column-type",
                    "u.role: type r wanted, current character varying(50)"
                ),
                (
                    "set-default",
                    "u.role: default 'a' wanted, set after the type change"
                ),
                ("set-default", "u.n: default 2 wanted, current 1"),
            ],
            "{}",
            m.sql
        );
    }
}

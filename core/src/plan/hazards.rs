//! What a step risks on a live database: locks, rewrites, scans, version-dependent behaviour.

use super::Hazard;
use crate::diff::Change;
use crate::schema::{Column, Domain, QualName};

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
pub(super) fn volatile_default(canon: &str) -> bool {
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

/// What a type change does to the values, as the type-pair table says, as hazards: some may
/// fail (or be lost), some change.
fn value_hazards(c: &Change) -> Vec<Hazard> {
    let mut h = Vec::new();
    if let Some(conv) = c.conversion() {
        if conv.loses.is_some() || conv.fails.is_some() {
            h.push(Hazard::FailsOnExistingRows);
        }
        if conv.changes.is_some() {
            h.push(Hazard::ChangesValues);
        }
    }
    h
}

/// The expand and contract an online type change goes through: where the diff found one
/// possible, for a change that would rewrite the table, on PostgreSQL 12 or later (whose
/// `SET NOT NULL` trusts a validated check).
pub(crate) fn swap_of(c: &Change, pg_version: Option<u32>) -> Option<&crate::diff::Swap> {
    match c {
        Change::AlterColumnType { swap: Some(s), .. }
            if c.conversion().is_some_and(|x| x.rewrite) && pg_version.is_none_or(|v| v >= 12) =>
        {
            Some(s)
        }
        _ => None,
    }
}

/// The table a change of a table's column, constraint or index works on.
pub(super) fn change_table(c: &Change) -> Option<&QualName> {
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
pub(super) fn hazards(c: &Change, version: Option<u32>, online: bool) -> Vec<Hazard> {
    if online {
        if let Some(mut h) = online_hazards(c) {
            h.sort();
            h.dedup();
            return h;
        }
    }
    default_hazards(c, version)
}

/// What changing a domain from `from` to `to` risks: a check added validated, one validated
/// or `NOT NULL` set reads every column of the domain under a SHARE lock on its table, and
/// fails on a value it refuses.
fn domain_hazards(from: &Domain, to: &Domain) -> Vec<Hazard> {
    use crate::diff::Alteration as A;
    let scans = crate::diff::alterations(from, to).iter().any(|a| match a {
        A::AddCheck(c) => !c.not_valid,
        A::NotNull(n) => *n,
        A::Validate(_) => true,
        _ => false,
    });
    if scans {
        vec![
            Hazard::ShareLock,
            Hazard::FullTableScan,
            Hazard::FailsOnExistingRows,
        ]
    } else {
        Vec::new()
    }
}

/// The hazards of a step's online form, for the kinds of change that have one (`None`: the
/// step runs as it would by default, with its default hazards).
fn online_hazards(c: &Change) -> Option<Vec<Hazard>> {
    use Hazard as H;
    Some(match c {
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
        Change::AlterColumnType { swap, .. } => {
            let mut h = vec![H::AccessExclusiveLock, H::FullTableScan];
            h.extend(value_hazards(c));
            // Its indexes built again on the new column, concurrently.
            if let Some(s) = swap {
                let keys = s.primary_key.is_some() || !s.uniques.is_empty();
                if keys || !s.indexes.is_empty() {
                    h.extend([H::IndexBuild, H::NotTransactional]);
                }
                // A key, a unique index or a foreign key the new values may break.
                if keys || !s.foreign_keys.is_empty() || s.indexes.iter().any(|(i, _)| i.unique) {
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
        _ => return None,
    })
}

/// A step's hazards when it runs as its statements say (not in an online form).
fn default_hazards(c: &Change, version: Option<u32>) -> Vec<Hazard> {
    use Hazard as H;
    let mut h = match c {
        // Computed from the row's other columns: nothing is lost.
        Change::DropColumn { column, .. } if column.generated.is_some() => {
            vec![H::AccessExclusiveLock]
        }
        Change::DropTable { .. }
        | Change::DropColumn { .. }
        | Change::DropSequence { .. }
        | Change::RecreateTable { .. } => vec![H::DeletesData, H::AccessExclusiveLock],
        Change::AttachPartition { .. } => vec![H::AccessExclusiveLock, H::FullTableScan],
        Change::SetLogged { .. } => vec![H::AccessExclusiveLock, H::TableRewrite],
        // SHARE UPDATE EXCLUSIVE (reads and writes go on) but for `user_catalog_table`.
        Change::SetStorageParams { from, to, .. } => {
            if from.get("user_catalog_table") != to.get("user_catalog_table") {
                vec![H::AccessExclusiveLock]
            } else {
                Vec::new()
            }
        }
        // Only new values are stored otherwise: no rewrite, a brief ACCESS EXCLUSIVE lock.
        Change::SetReplicaIdentity { .. } => vec![H::AccessExclusiveLock],
        Change::AlterColumnSettings { from, to, .. } => {
            if from.storage != to.storage || from.compression != to.compression {
                vec![H::AccessExclusiveLock]
            } else {
                Vec::new()
            }
        }
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
        Change::AlterColumnType { .. } => {
            let mut h = vec![H::AccessExclusiveLock];
            if c.conversion().is_some_and(|x| x.rewrite) {
                h.push(H::TableRewrite);
            }
            h.extend(value_hazards(c));
            h
        }
        Change::RebuildEnum { .. } => vec![
            H::AccessExclusiveLock,
            H::TableRewrite,
            H::FailsOnExistingRows,
        ],
        // An UPDATE of the NULL rows: it reads every row and locks those it writes.
        Change::Backfill { value: Some(_), .. } => vec![H::FullTableScan],
        Change::Backfill { value: None, .. } => vec![H::FailsOnExistingRows],
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
        // Every column of the domain read under a SHARE lock on each table (writes wait)
        // for a check added validated or validated, or NOT NULL set.
        Change::AlterDomain { from, to } => domain_hazards(from, to),
        // A catalog change, under a brief ACCESS EXCLUSIVE lock on a relation (one the plan
        // makes nobody else holds).
        Change::SetOwner { from: None, .. } => vec![],
        Change::SetOwner { target, .. } => match target {
            crate::schema::PrivilegeTarget::Table { .. }
            | crate::schema::PrivilegeTarget::Sequence { .. } => vec![H::AccessExclusiveLock],
            _ => vec![],
        },
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
        // A catalog row renamed: no table is read or locked.
        Change::RenameEnumValue { .. } => vec![],
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
        Change::CreateSchema { .. }
        | Change::DropSchema { .. }
        | Change::CreateCollation { .. }
        | Change::DropCollation { .. }
        | Change::CreateDomain { .. }
        | Change::DropDomain { .. }
        | Change::CreateCompositeType { .. }
        | Change::AlterCompositeType { .. }
        | Change::DropCompositeType { .. }
        | Change::CreateRangeType { .. }
        | Change::CreateStatistics { .. }
        | Change::AlterStatistics { .. }
        | Change::DropStatistics { .. }
        | Change::DropRangeType { .. }
        | Change::CreateExtension { .. }
        | Change::AlterExtension { .. }
        | Change::DropExtension { .. }
        | Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::CreateSequence { .. }
        | Change::AlterSequence { .. }
        | Change::CreateTable { .. }
        | Change::DropNotNull { .. }
        | Change::SetDefault { .. }
        | Change::DropDefault { .. }
        | Change::DropSerial { .. }
        | Change::DropCheck { .. }
        | Change::DropForeignKey { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::CommentTable { .. }
        | Change::CommentColumn { .. }
        | Change::CommentIndex { .. }
        | Change::CommentConstraint { .. }
        | Change::CommentType { .. }
        | Change::CommentObject { .. }
        | Change::CreateFunction { .. }
        | Change::ReplaceFunction { .. }
        | Change::DropFunction { .. }
        | Change::CommentFunction { .. }
        | Change::CommentTrigger { .. }
        | Change::CreateView { .. }
        | Change::CommentView { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. } => vec![],
    };
    h.sort();
    h.dedup();
    h
}

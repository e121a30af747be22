//! Why each step runs: what each side says.

use crate::diff::Change;
use crate::schema::{Column, QualName};

pub(super) fn col_desc(c: &Column) -> String {
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

pub(super) fn routine_kind(f: &crate::schema::Function) -> &'static str {
    if f.procedure {
        "procedure"
    } else {
        "function"
    }
}

/// Storage parameters as `(name=value, …)`, or `none`.
fn params(p: &crate::schema::Params) -> String {
    if p.is_empty() {
        "none".into()
    } else {
        format!("({})", p.0.join(", "))
    }
}

/// What differs between two columns' settings, each with both values.
fn column_settings(
    column: &str,
    type_storage: Option<&str>,
    from: &crate::schema::ColumnSettings,
    to: &crate::schema::ColumnSettings,
) -> String {
    let stats = |s: Option<i32>| s.map_or("the default".to_string(), |n| n.to_string());
    let storage = |s: Option<&str>| match (s, type_storage) {
        (Some(s), _) => s.to_ascii_uppercase(),
        (None, Some(t)) => format!("{} (its type's)", t.to_ascii_uppercase()),
        (None, None) => "its type's".to_string(),
    };
    let method = |s: Option<&str>| s.unwrap_or("the default").to_string();
    let mut parts = Vec::new();
    if from.statistics != to.statistics {
        parts.push(format!(
            "statistics target {} wanted, current {}",
            stats(to.statistics),
            stats(from.statistics)
        ));
    }
    if from.storage != to.storage {
        parts.push(format!(
            "storage {} wanted, current {} (values stored already keep theirs)",
            storage(to.storage.as_deref()),
            storage(from.storage.as_deref())
        ));
    }
    if from.compression != to.compression {
        parts.push(format!(
            "compression {} wanted, current {} (values stored already keep theirs)",
            method(to.compression.as_deref()),
            method(from.compression.as_deref())
        ));
    }
    if from.options != to.options {
        parts.push(format!(
            "options {} wanted, current {}",
            params(&to.options),
            params(&from.options)
        ));
    }
    format!("{column}: {}", parts.join("; "))
}

pub(super) fn at(t: &QualName, c: &str) -> String {
    format!("{}.{}", t, crate::quote::quote_ident(c))
}

/// How a trigger fires, when not by default (` (DISABLE)`).
fn firing(t: &crate::schema::Trigger) -> String {
    if t.firing.is_origin() {
        String::new()
    } else {
        format!(" ({})", t.firing.clause())
    }
}

/// The reason for a change: what each side says.
pub(super) fn reason(c: &Change) -> String {
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
                    "{} {}: its parameters or what it returns change, or a row type they name is made again; dropped to be created again",
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
                    "trigger {} on {}: created again (what it is on, what it runs or a column it names changes)",
                    crate::quote::quote_ident(&trigger.name),
                    trigger.table
                )
            } else {
                format!(
                    "trigger {} on {}: {} wanted{}",
                    crate::quote::quote_ident(&trigger.name),
                    trigger.table,
                    shorten(&trigger.definition.canon),
                    firing(trigger)
                )
            }
        }
        Change::DropTrigger { trigger, recreated } => format!(
            "trigger {} on {}: {}{} exists, {}",
            crate::quote::quote_ident(&trigger.name),
            trigger.table,
            shorten(&trigger.definition.canon),
            firing(trigger),
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
        Change::CreateExtension {
            ext,
            if_missing: true,
        } => format!(
            "extension {}: wanted (in schema {}); the current side cannot show extensions, so it is created if missing",
            crate::quote::quote_ident(&ext.name),
            ext.schema
        ),
        Change::CreateExtension { ext, .. } => format!(
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
        Change::SetStorageParams { table, from, to } => format!(
            "table {table}: storage parameters {} wanted, current {}",
            params(to),
            params(from)
        ),
        Change::SetReplicaIdentity { table, from, to } => format!(
            "table {table}: replica identity {} wanted, current {}",
            crate::sql::identity(to),
            crate::sql::identity(from)
        ),
        Change::AlterColumnSettings {
            table,
            column,
            type_storage,
            from,
            to,
        } => column_settings(&at(table, column), type_storage.as_deref(), from, to),
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
        Change::Grant(g) => format!(
            "{}: {} {} {} wanted for {}, {}",
            g.target.describe(),
            g.privileges.join(", "),
            if g.with_grant_option {
                "with the grant option"
            } else {
                ""
            },
            if g.privileges.len() == 1 { "is" } else { "are" },
            crate::schema::grantee_sql(&g.grantee),
            if g.option_only {
                "held without it"
            } else {
                "not granted"
            }
        )
        .replace("  ", " "),
        Change::Revoke(g) => format!(
            "{}: {} {} {}, {}",
            g.target.describe(),
            crate::schema::grantee_sql(&g.grantee),
            if g.option_only { "may grant on" } else { "holds" },
            g.privileges.join(", "),
            if g.option_only {
                "which the desired schema does not allow"
            } else {
                "which the desired schema does not grant"
            }
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
        Change::CreateDomain { domain } => {
            format!("domain {}: {} wanted, missing", domain.name, domain_desc(domain))
        }
        Change::DropDomain { domain, replaced } => format!(
            "domain {}: {} exists, {}",
            domain.name,
            domain_desc(domain),
            if *replaced {
                "wanted with another base type or collation (which cannot be altered)"
            } else {
                "not in the desired schema"
            }
        ),
        Change::AlterDomain { from, to } => format!(
            "domain {}: {}",
            to.name,
            domain_changes(from, to).join("; ")
        ),
        Change::CreateCompositeType { ty } => {
            format!("type {}: ({}) wanted, missing", ty.name, composite_desc(ty))
        }
        Change::DropCompositeType { ty } => format!(
            "type {}: ({}) exists, not in the desired schema",
            ty.name,
            composite_desc(ty)
        ),
        Change::AlterCompositeType { from, to, used_by } => format!(
            "type {}: {}",
            to.name,
            composite_changes(from, to, used_by).join("; ")
        ),
        Change::SetOwner {
            target, from, to, ..
        } => match from {
            Some(f) => format!(
                "{}: owner {to} wanted, current {f} (the role must exist)",
                target.describe()
            ),
            None => format!(
                "{}: owner {to} wanted; the plan makes it, owned by the role that runs it (the role must exist)",
                target.describe()
            ),
        },
        Change::CreateStatistics { table, stats } => format!(
            "statistics object {} on {table}: {} wanted, missing (ANALYZE fills it)",
            stats.name,
            statistics_desc(stats)
        ),
        Change::DropStatistics {
            table,
            stats,
            replaced,
        } => format!(
            "statistics object {} on {table}: {} exists, {}",
            stats.name,
            statistics_desc(stats),
            if *replaced {
                "wanted otherwise: made again (it holds only what ANALYZE derives)"
            } else {
                "not in the desired schema"
            }
        ),
        Change::AlterStatistics { table, from, to } => {
            let mut parts = Vec::new();
            if from.target != to.target {
                let t = |x: Option<i32>| x.map_or("the default".to_string(), |n| n.to_string());
                parts.push(format!(
                    "statistics target {} wanted, current {}",
                    t(to.target),
                    t(from.target)
                ));
            }
            if from.comment != to.comment {
                let c = |x: &Option<String>| x.as_ref().map_or("none".into(), |c| format!("{c:?}"));
                parts.push(format!(
                    "comment {} wanted, current {}",
                    c(&to.comment),
                    c(&from.comment)
                ));
            }
            format!(
                "statistics object {} on {table}: {}",
                to.name,
                parts.join("; ")
            )
        }
        Change::CreateRangeType { ty } => {
            format!("type {}: {} wanted, missing", ty.name, range_desc(ty))
        }
        Change::DropRangeType { ty, replaced } => format!(
            "type {}: {} exists, {}",
            ty.name,
            range_desc(ty),
            if *replaced {
                "wanted with another definition (PostgreSQL alters no range type)"
            } else {
                "not in the desired schema"
            }
        ),
        Change::CreateEnum { ty } => format!(
            "type {}: enum ({}) wanted, missing",
            ty.name,
            ty.values.join(", ")
        ),
        Change::AddEnumValue { name, value, .. } => {
            format!("type {name}: label {value:?} wanted, missing")
        }
        Change::RenameEnumValue { name, from, to } => format!(
            "type {name}: label {from:?} renamed to {to:?} (confirmed with --rename); the rows holding it hold the new label"
        ),
        Change::DropEnum { ty } => format!("type {}: exists, not in the desired schema", ty.name),
        Change::RebuildEnum { from, to, .. } => {
            let gone: Vec<&str> = from
                .values
                .iter()
                .filter(|v| !to.values.contains(v))
                .map(String::as_str)
                .collect();
            let mut s = format!(
                "type {}: labels ({}) wanted, current ({}): labels removed or reordered",
                to.name,
                to.values.join(", "),
                from.values.join(", ")
            );
            if !gone.is_empty() {
                s.push_str(&format!(
                    "; a row holding a removed label ({}) makes it fail, losing nothing",
                    gone.join(", ")
                ));
            }
            s
        }
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
        Change::DropSequence { seq, owner_dropped } => {
            let mut r = format!("sequence {}: exists, not in the desired schema", seq.name);
            if let (true, Some((table, column))) = (owner_dropped, &seq.owned_by) {
                r.push_str(&format!(
                    "; dropped with {}, which owns it (nothing to run)",
                    at(table, column)
                ));
            }
            r
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
                let mut s = format!("{}: type {to} wanted, current {from}", at(table, column));
                if let Some(conv) = c.conversion() {
                    if let Some(what) = &conv.changes {
                        s.push_str(&format!("; {what}"));
                    }
                    if let Some(what) = &conv.fails {
                        s.push_str(&format!("; fails on {what}"));
                    }
                }
                s
            }
        }
        Change::SetNotNull { table, column } => {
            format!("{}: desired NOT NULL, current nullable", at(table, column))
        }
        Change::Backfill {
            table,
            column,
            value: Some(v),
        } => format!(
            "{}: rows where it is NULL get {} before NOT NULL",
            at(table, column),
            v.sql
        ),
        Change::Backfill {
            table,
            column,
            value: None,
        } => format!(
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
            crate::sql::identity_options_sql(to, "defaults"),
            crate::sql::identity_options_sql(from, "defaults")
        ),
        Change::DropIdentity { table, column } => {
            format!("{}: identity not wanted", at(table, column))
        }
        Change::AddSerial { table, column, .. } => {
            format!("{}: serial wanted, current plain column", at(table, column))
        }
        Change::DropSerial {
            table,
            column,
            keep_as: None,
        } => format!("{}: serial not wanted", at(table, column)),
        Change::DropSerial {
            table,
            column,
            keep_as: Some(_),
        } => format!(
            "{}: serial not wanted; its sequence is kept aside for the identity to go on from its value",
            at(table, column)
        ),
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
        Change::CommentObject { target, from, to } => format!(
            "{}: comment {} wanted, current {}",
            target.describe(),
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

/// A composite type's attributes: `x integer, y text COLLATE "C"`.
fn composite_desc(t: &crate::schema::CompositeType) -> String {
    let attributes: Vec<String> = t.attributes.iter().map(attribute_desc).collect();
    attributes.join(", ")
}

fn attribute_desc(a: &crate::schema::Attribute) -> String {
    match &a.collation {
        Some(c) => format!("{} {} COLLATE {c}", a.name, a.data_type),
        None => format!("{} {}", a.name, a.data_type),
    }
}

/// Each difference between two definitions of a composite type, both sides' values given.
fn composite_changes(
    from: &crate::schema::CompositeType,
    to: &crate::schema::CompositeType,
    used_by: &[String],
) -> Vec<String> {
    use crate::diff::AttributeChange as A;
    let comment = |c: Option<&String>| c.map_or("none".into(), |c| format!("{c:?}"));
    let mut out: Vec<String> = crate::diff::attribute_changes(from, to, !used_by.is_empty())
        .into_iter()
        .filter_map(|c| match c {
            // Said with its drop.
            A::Add(a) if from.attribute(&a.name).is_some() => None,
            c => Some(c),
        })
        .map(|c| match c {
            A::Drop(a) => match (from.attribute(&a), to.attribute(&a)) {
                (Some(f), Some(t)) if attribute_desc(f) != attribute_desc(t) => format!(
                    "attribute {} wanted, currently {}; PostgreSQL retypes no attribute while columns store the type ({}): dropped and added again",
                    attribute_desc(t),
                    attribute_desc(f),
                    used_by.join(", ")
                ),
                (_, Some(t)) => format!(
                    "attribute {} wanted after the ones before it (PostgreSQL adds attributes at the end): dropped and added again",
                    attribute_desc(t)
                ),
                (_, None) => format!("attribute {a} not in the desired schema"),
            },
            A::Retype(a) => format!(
                "attribute {} wanted, currently {}",
                attribute_desc(&a),
                from.attribute(&a.name).map(attribute_desc).unwrap_or_default()
            ),
            A::Add(a) => format!("attribute {} wanted, missing", attribute_desc(&a)),
            A::Comment(a, c) => format!(
                "comment {} on attribute {a} wanted, current {}",
                comment(c.as_ref()),
                comment(from.attribute(&a).and_then(|f| f.comment.as_ref()))
            ),
        })
        .collect();
    if from.comment != to.comment {
        out.push(format!(
            "comment {} wanted, current {}",
            comment(to.comment.as_ref()),
            comment(from.comment.as_ref())
        ));
    }
    out
}

/// A statistics object in a few words: `(dependencies) ON a, b`.
fn statistics_desc(s: &crate::schema::Statistics) -> String {
    let keys: Vec<&str> = s.keys.iter().map(|k| k.expr.canon.as_str()).collect();
    if s.kinds.is_empty() {
        format!("ON {}", keys.join(", "))
    } else {
        format!("({}) ON {}", s.kinds.join(", "), keys.join(", "))
    }
}

/// A range type in a few words: `range of double precision (subtype_diff float8mi)`.
fn range_desc(r: &crate::schema::RangeType) -> String {
    let mut options = Vec::new();
    let named = [
        ("subtype_opclass", r.subtype_opclass.clone()),
        ("collation", r.collation.clone()),
        ("canonical", r.canonical.clone()),
        ("subtype_diff", r.subtype_diff.clone()),
        (
            "multirange_type_name",
            r.multirange.as_ref().map(|m| m.to_string()),
        ),
    ];
    for (k, v) in named {
        if let Some(v) = v {
            options.push(format!("{k} {v}"));
        }
    }
    if options.is_empty() {
        format!("range of {}", r.subtype)
    } else {
        format!("range of {} ({})", r.subtype, options.join(", "))
    }
}

/// A domain in a few words: `integer NOT NULL DEFAULT 1, 2 checks`.
fn domain_desc(d: &crate::schema::Domain) -> String {
    let mut s = d.base.to_string();
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {c}"));
    }
    if d.not_null {
        s.push_str(" NOT NULL");
    }
    if let Some(e) = &d.default {
        s.push_str(&format!(" DEFAULT {}", e.canon));
    }
    match d.checks.len() {
        0 => {}
        1 => s.push_str(", 1 check"),
        n => s.push_str(&format!(", {n} checks")),
    }
    s
}

/// Each difference between two definitions of a domain, both sides' values given.
fn domain_changes(from: &crate::schema::Domain, to: &crate::schema::Domain) -> Vec<String> {
    use crate::diff::Alteration as A;
    crate::diff::alterations(from, to)
        .into_iter()
        .map(|a| match a {
            A::DropCheck(c) => {
                let expr = from
                    .checks
                    .iter()
                    .find(|x| x.name == c)
                    .map(|x| x.expr.canon.as_str());
                format!(
                    "check {c} ({}) not in the desired schema",
                    expr.unwrap_or_default()
                )
            }
            A::Default(d) => format!(
                "default {} wanted, current {}",
                d.as_ref().map_or("none", |e| e.canon.as_str()),
                from.default.as_ref().map_or("none", |e| e.canon.as_str())
            ),
            A::NotNull(true) => "NOT NULL wanted, currently nullable".into(),
            A::NotNull(false) => "nullable wanted, currently NOT NULL".into(),
            A::AddCheck(c) => format!(
                "check {} ({}) wanted{}, missing",
                c.name,
                c.expr.canon,
                if c.not_valid { " NOT VALID" } else { "" }
            ),
            A::Validate(c) => format!("check {c} wanted validated, currently NOT VALID"),
            A::Comment(c) => format!(
                "comment {} wanted, current {}",
                c.as_deref().map_or("none".into(), |c| format!("{c:?}")),
                from.comment
                    .as_deref()
                    .map_or("none".into(), |c| format!("{c:?}"))
            ),
        })
        .collect()
}

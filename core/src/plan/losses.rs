//! What a destructive step would lose.

use super::reasons::{at, routine_kind};
use crate::diff::Change;

/// For destructive changes: what they would lose.
pub(super) fn loses(c: &Change) -> Option<String> {
    match c {
        Change::DropTable { table } => Some(format!("every row of table {}", table.name)),
        Change::RecreateTable { from, .. } => Some(format!(
            "every row of table {} (it is dropped and created again)",
            from.name
        )),
        // A generated column's values are computed from the row's others: nothing is lost.
        Change::DropColumn { column, .. } if column.generated.is_some() => None,
        Change::DropColumn { table, column } => {
            Some(format!("every value of column {}", at(table, &column.name)))
        }
        Change::DropSequence { seq, .. } => {
            Some(format!("the current value of sequence {}", seq.name))
        }
        Change::DropEnum { ty } => Some(format!("type {}", ty.name)),
        Change::DropCompositeType { ty } => Some(format!("type {} (its definition)", ty.name)),
        Change::DropRangeType {
            ty,
            replaced: false,
        } => Some(format!("type {} (its definition)", ty.name)),
        Change::AlterCompositeType { from, to, used_by } if !used_by.is_empty() => {
            let dropped: Vec<String> = crate::diff::attribute_changes(from, to, true)
                .into_iter()
                .filter_map(|c| match c {
                    crate::diff::AttributeChange::Drop(a) => Some(crate::quote::quote_ident(&a)),
                    _ => None,
                })
                .collect();
            (!dropped.is_empty()).then(|| {
                format!(
                    "the values of attribute{} {} of type {} in column{} {}",
                    if dropped.len() == 1 { "" } else { "s" },
                    dropped.join(", "),
                    from.name,
                    if used_by.len() == 1 { "" } else { "s" },
                    used_by.join(", ")
                )
            })
        }
        Change::DropSchema { name } => Some(format!("schema {name}")),
        Change::DropCollation {
            collation,
            replaced: false,
        } => Some(format!("collation {}", collation.name)),
        Change::DropDomain {
            domain,
            replaced: false,
        } => Some(format!("domain {} (its definition)", domain.name)),
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
        } => c
            .conversion()
            .and_then(|x| x.loses)
            .map(|what| format!("{}: {what} ({from} → {to})", at(table, column))),
        // A removed label loses nothing: the conversion through text fails on a row holding
        // it (the reason says so). Another order of the labels kept changes what comparisons
        // and ORDER BY mean.
        Change::RebuildEnum { from, to, .. } => {
            let kept: Vec<&String> = to
                .values
                .iter()
                .filter(|v| from.values.contains(v))
                .collect();
            let reordered = kept
                .iter()
                .copied()
                .ne(from.values.iter().filter(|v| to.values.contains(v)));
            reordered.then(|| {
                format!(
                    "the current label order ({}), which comparisons and ORDER BY on {} values follow (no value is lost)",
                    from.values.join(", "),
                    to.name
                )
            })
        }
        Change::CreateSchema { .. }
        | Change::CreateCollation { .. }
        | Change::DropCollation { .. }
        | Change::CreateDomain { .. }
        | Change::AlterDomain { .. }
        | Change::DropDomain { .. }
        | Change::CreateCompositeType { .. }
        | Change::AlterCompositeType { .. }
        | Change::CreateRangeType { .. }
        | Change::CreateStatistics { .. }
        | Change::SetOwner { .. }
        | Change::AlterStatistics { .. }
        | Change::DropStatistics { .. }
        | Change::DropRangeType { replaced: true, .. }
        | Change::CreateExtension { .. }
        | Change::AlterExtension { .. }
        | Change::CreateEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RenameEnumValue { .. }
        | Change::CreateSequence { .. }
        | Change::AlterSequence { .. }
        | Change::CreateTable { .. }
        | Change::SetLogged { .. }
        | Change::SetStorageParams { .. }
        | Change::CommentObject { .. }
        | Change::SetReplicaIdentity { .. }
        | Change::AlterColumnSettings { .. }
        | Change::DetachPartition { .. }
        | Change::AttachPartition { .. }
        | Change::AddColumn { .. }
        | Change::SetNotNull { .. }
        | Change::Backfill { .. }
        | Change::DropNotNull { .. }
        | Change::SetDefault { .. }
        | Change::DropDefault { .. }
        | Change::AddIdentity { .. }
        | Change::SetIdentityOptions { .. }
        | Change::SetIdentity { .. }
        | Change::DropIdentity { .. }
        | Change::AddSerial { .. }
        | Change::DropSerial { .. }
        | Change::AddPrimaryKey { .. }
        | Change::DropPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::DropUnique { .. }
        | Change::AddCheck { .. }
        | Change::DropCheck { .. }
        | Change::AddForeignKey { .. }
        | Change::DropForeignKey { .. }
        | Change::ValidateConstraint { .. }
        | Change::AddExclusion { .. }
        | Change::DropExclusion { .. }
        | Change::CreateIndex { .. }
        | Change::DropIndex { .. }
        | Change::RenameTable { .. }
        | Change::RenameColumn { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::CommentTable { .. }
        | Change::CommentColumn { .. }
        | Change::CommentIndex { .. }
        | Change::CommentConstraint { .. }
        | Change::CommentType { .. }
        | Change::SetRowSecurity { .. }
        | Change::SetForceRowSecurity { .. }
        | Change::CreatePolicy { .. }
        | Change::DropPolicy { .. }
        | Change::CreateFunction { .. }
        | Change::ReplaceFunction { .. }
        | Change::DropFunction { .. }
        | Change::CreateTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::CommentFunction { .. }
        | Change::CommentTrigger { .. }
        | Change::CreateView { .. }
        | Change::DropView { .. }
        | Change::CommentView { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. } => None,
    }
}

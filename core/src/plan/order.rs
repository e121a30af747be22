//! Dependency order: the stage each change runs in.

use crate::diff::Change;

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
pub(super) fn phase(c: &Change) -> u32 {
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

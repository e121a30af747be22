//! Dependency order: the stage each change runs in.

use crate::diff::Change;

/// The stages of a plan, in the order they run: each change has one ([`stage`]); within a stage
/// changes keep the diff's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    /// Schemas, extensions and collations created (a replaced extension or collation dropped first).
    Setup,
    /// Enum, composite and range types and domains created (a range type wanted otherwise dropped first), labels and attributes added; views, triggers and replaced functions dropped before what they read changes.
    TypesAndDependantsOut,
    /// Sequences created and altered; functions in languages whose bodies are not checked at creation, before the defaults and checks that call them.
    SequencesAndRoutines,
    /// Foreign keys and policies dropped; tables and columns renamed, before anything else names them.
    ReferencesOutAndRenames,
    /// Indexes, unique, check, primary key and exclusion constraints, statistics objects dropped.
    KeysAndIndexesOut,
    /// Constraints and indexes renamed; partitions detached.
    NamesAndDetach,
    /// Columns dropped.
    ColumnsOut,
    /// Tables created (or created again).
    Tables,
    /// Columns added; tables set logged or unlogged.
    Columns,
    /// Identities, serials and defaults dropped, before a type change.
    ColumnDefaultsOut,
    /// Enum types rebuilt.
    EnumRebuilds,
    /// Column types changed.
    ColumnTypes,
    /// Defaults set.
    ColumnDefaults,
    /// NOT NULL set or dropped; backfills.
    Nullability,
    /// Identities and serials added or changed.
    Identities,
    /// Primary keys, unique, check and exclusion constraints added; partitions attached.
    Constraints,
    /// Indexes and statistics objects created.
    Indexes,
    /// Foreign keys added and constraints validated; row security and policies.
    ReferencesAndSecurity,
    /// Tables dropped; views, SQL functions and triggers created, once what they read exists.
    TablesOutAndDependants,
    /// Sequences and functions no longer wanted dropped.
    SequencesOut,
    /// Enum, composite and range types and domains, extensions and collations dropped.
    TypesOut,
    /// Comments.
    Comments,
    /// Schemas dropped.
    SchemasOut,
}

/// An SQL function's body is checked when it is created: it comes after the tables and views it
/// reads; other languages' bodies are not, and come before the tables whose defaults and checks
/// may call them.
fn function_stage(function: &crate::schema::Function) -> Stage {
    if function.language == "sql" {
        Stage::TablesOutAndDependants
    } else {
        Stage::SequencesAndRoutines
    }
}

/// Dependency order: types and sequences before tables, drops of dependants before what they
/// depend on, tables before their foreign keys.
pub(super) fn stage(c: &Change) -> Stage {
    match c {
        Change::CreateSchema { .. }
        | Change::CreateExtension { .. }
        | Change::AlterExtension { .. }
        | Change::DropCollation { replaced: true, .. }
        | Change::DropExtension { replaced: true, .. }
        | Change::CreateCollation { .. } => Stage::Setup,
        Change::CreateEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RenameEnumValue { .. }
        | Change::CreateDomain { .. }
        | Change::DropDomain { replaced: true, .. }
        | Change::CreateCompositeType { .. }
        | Change::AlterCompositeType { .. }
        | Change::CreateRangeType { .. }
        | Change::DropRangeType { replaced: true, .. }
        | Change::DropView { .. }
        | Change::DropTrigger { .. }
        | Change::DropFunction { replaced: true, .. } => Stage::TypesAndDependantsOut,
        Change::CreateFunction { function } => function_stage(function),
        Change::ReplaceFunction { to, .. } => function_stage(to),
        Change::CreateTrigger { .. } => Stage::TablesOutAndDependants,
        Change::DropFunction {
            replaced: false, ..
        } => Stage::SequencesOut,
        // An owner given to a sequence that had none: once the column exists (the plan creates
        // a sequence owned by a new table's column without its owner, then sets it).
        Change::AlterSequence { from, to } if from.owned_by.is_none() && to.owned_by.is_some() => {
            Stage::ColumnDefaults
        }
        Change::CreateSequence { .. } | Change::AlterSequence { .. } => Stage::SequencesAndRoutines,
        Change::DropForeignKey { .. } | Change::DropPolicy { .. } => Stage::ReferencesOutAndRenames,
        Change::DropIndex { .. }
        | Change::DropUnique { .. }
        | Change::DropCheck { .. }
        | Change::DropPrimaryKey { .. }
        | Change::DropExclusion { .. }
        | Change::DropStatistics { .. } => Stage::KeysAndIndexesOut,
        // Before everything else that names the column (its drops see the old name only
        // through the current schema, which the rename already changed).
        Change::RenameTable { .. } | Change::RenameColumn { .. } => Stage::ReferencesOutAndRenames,
        Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::DetachPartition { .. } => Stage::NamesAndDetach,
        Change::DropColumn { .. } => Stage::ColumnsOut,
        Change::CreateTable { .. } | Change::RecreateTable { .. } => Stage::Tables,
        Change::SetLogged { .. } => Stage::Columns,
        // After type changes (which reset a column's storage) and the indexes (an identity).
        Change::SetStorageParams { .. }
        | Change::SetReplicaIdentity { .. }
        | Change::AlterColumnSettings { .. } => Stage::Indexes,
        Change::AddColumn { .. } => Stage::Columns,
        Change::DropIdentity { .. } | Change::DropSerial { .. } | Change::DropDefault { .. } => {
            Stage::ColumnDefaultsOut
        }
        Change::RebuildEnum { .. } => Stage::EnumRebuilds,
        Change::AlterColumnType { .. } => Stage::ColumnTypes,
        Change::SetDefault { .. } => Stage::ColumnDefaults,
        Change::DropNotNull { .. } | Change::SetNotNull { .. } | Change::Backfill { .. } => {
            Stage::Nullability
        }
        Change::AddSerial { .. }
        | Change::AddIdentity { .. }
        | Change::SetIdentity { .. }
        | Change::SetIdentityOptions { .. } => Stage::Identities,
        Change::AddPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::AddCheck { .. }
        | Change::AddExclusion { .. }
        | Change::AlterDomain { .. }
        | Change::AttachPartition { .. } => Stage::Constraints,
        Change::CreateIndex { .. }
        | Change::CreateStatistics { .. }
        | Change::AlterStatistics { .. } => Stage::Indexes,
        Change::AddForeignKey { .. }
        | Change::ValidateConstraint { .. }
        | Change::SetRowSecurity { .. }
        | Change::SetForceRowSecurity { .. }
        | Change::CreatePolicy { .. } => Stage::ReferencesAndSecurity,
        // A view replacing a dropped table of the same name comes after it (both in
        // `TablesOutAndDependants`; the diff lists tables first).
        Change::DropTable { .. } | Change::CreateView { .. } => Stage::TablesOutAndDependants,
        Change::DropSequence { .. } => Stage::SequencesOut,
        Change::DropEnum { .. }
        | Change::DropCompositeType { .. }
        | Change::DropRangeType {
            replaced: false, ..
        }
        | Change::DropDomain {
            replaced: false, ..
        }
        | Change::DropExtension { .. }
        | Change::DropCollation {
            replaced: false, ..
        } => Stage::TypesOut,
        Change::DropSchema { .. } => Stage::SchemasOut,
        Change::CommentTable { .. }
        | Change::CommentColumn { .. }
        | Change::CommentIndex { .. }
        | Change::CommentType { .. }
        | Change::CommentObject { .. }
        | Change::CommentConstraint { .. }
        | Change::CommentFunction { .. }
        | Change::CommentTrigger { .. }
        | Change::CommentView { .. }
        | Change::Grant { .. }
        | Change::Revoke { .. }
        | Change::SetOwner { .. } => Stage::Comments,
    }
}

//! Diff: two schemas → the closed list of `Change`s that turns one into the other.
//!
//! One file per object kind; each adds to `out`. `Change` is the only contract between diff and
//! the planner/renderers and holds no SQL statement text (only the parts of the IR it carries).

mod collations;
pub(crate) mod columns;
pub(crate) mod comments;
pub(crate) mod composites;
mod constraints;
pub mod convert;
mod domains;
pub(crate) mod enums;
mod extensions;
pub(crate) mod indexes;
pub(crate) mod owners;
pub(crate) mod privileges;
mod ranges;
pub(crate) mod rebuild;
pub(crate) mod refs;
pub(crate) mod routines;
mod sequences;
pub(crate) mod settings;
pub(crate) mod statistics;
pub(crate) mod tables;
pub(crate) mod views;

pub use columns::online_swaps;
pub use composites::{attribute_changes, AttributeChange};
pub use convert::{conversion, Conversion, Using};
pub use domains::{alterations, Alteration};
pub use owners::owners_differing;
pub use privileges::{
    diff_filtered, diff_scoped, forget_owner_grants, scope_privileges, PrivilegeChange,
};
pub use ranges::ranges_held;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::schema::{
    Check, Collation, Column, ColumnSettings, CommentTarget, CompositeType, Domain, EnumType,
    Exclusion, Extension, ForeignKey, Function, Identity, IdentityOptions, Index, Params, Policy,
    PrimaryKey, QualName, RangeType, ReplicaIdentity, Schema, Scope, Sequence, Statistics, Table,
    Trigger, Unique, View,
};

/// One change between two schemas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// `CREATE SCHEMA` (`IF NOT EXISTS` where the current side cannot show whether it exists:
    /// a paste that shows a table of it missing).
    CreateSchema {
        name: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        if_not_exists: bool,
    },
    /// `DROP SCHEMA` (after everything in it is gone).
    DropSchema { name: String },
    /// `CREATE COLLATION`.
    CreateCollation { collation: Collation },
    /// `DROP COLLATION`.
    DropCollation {
        collation: Collation,
        /// It is created again with another definition.
        replaced: bool,
    },
    /// `CREATE DOMAIN`.
    CreateDomain { domain: Domain },
    /// `ALTER DOMAIN`: its default, `NOT NULL`, checks and comment, where they differ.
    AlterDomain { from: Domain, to: Domain },
    /// `DROP DOMAIN`.
    DropDomain {
        domain: Domain,
        /// It is created again with another base type or collation.
        replaced: bool,
    },
    /// `CREATE TYPE … AS (…)`.
    CreateCompositeType { ty: CompositeType },
    /// `ALTER TYPE`: attributes dropped, retyped and added, comments, where they differ.
    AlterCompositeType {
        from: CompositeType,
        to: CompositeType,
        /// The columns (`table.column`) that store the type in the current schema: an
        /// attribute is not retyped under them but dropped and added again, losing its values.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        used_by: Vec<String>,
    },
    /// `DROP TYPE` of a composite type.
    DropCompositeType { ty: CompositeType },
    /// `ALTER … OWNER TO` (owners compared when asked).
    SetOwner {
        target: crate::schema::PrivilegeTarget,
        /// `TABLE`, `VIEW`, `MATERIALIZED VIEW`, `SEQUENCE`, `FUNCTION`, `PROCEDURE`, `TYPE`,
        /// `DOMAIN` or `SCHEMA`.
        object_kind: String,
        /// The object as the statement names it.
        object: String,
        /// The current owner; `None` for an object the plan makes.
        from: Option<String>,
        to: String,
    },
    /// `CREATE STATISTICS` (and its target and comment).
    CreateStatistics { table: QualName, stats: Statistics },
    /// `ALTER STATISTICS … SET STATISTICS`, `COMMENT ON STATISTICS`.
    AlterStatistics {
        table: QualName,
        from: Statistics,
        to: Statistics,
    },
    /// `DROP STATISTICS`.
    DropStatistics {
        table: QualName,
        stats: Statistics,
        /// It is created again with another definition.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        replaced: bool,
    },
    /// `CREATE TYPE … AS RANGE`.
    CreateRangeType { ty: RangeType },
    /// `DROP TYPE` of a range type.
    DropRangeType {
        ty: RangeType,
        /// It is made again with another definition.
        replaced: bool,
    },
    /// `CREATE EXTENSION` (`IF NOT EXISTS` when `if_missing`: the current side cannot show
    /// extensions, a `\d` paste).
    CreateExtension {
        ext: Extension,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        if_missing: bool,
    },
    /// `ALTER EXTENSION … SET SCHEMA` / `UPDATE TO`.
    AlterExtension { from: Extension, to: Extension },
    /// `DROP EXTENSION`.
    DropExtension {
        ext: Extension,
        /// It is installed again (at an older version, which no update path reaches).
        replaced: bool,
    },
    /// `CREATE TYPE … AS ENUM`.
    CreateEnum { ty: EnumType },
    /// `ALTER TYPE … ADD VALUE`, placed before another label or at the end.
    AddEnumValue {
        name: QualName,
        value: String,
        before: Option<String>,
        /// At the end: the label it follows (written out, so the position is explicit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
    /// `ALTER TYPE … RENAME VALUE`: a label the user confirmed renamed (`--rename
    /// type.label=new`); the rows holding it hold the new one.
    RenameEnumValue {
        name: QualName,
        from: String,
        to: String,
    },
    /// `DROP TYPE` of an enum.
    DropEnum { ty: EnumType },
    /// An enum whose labels were removed or reordered: rebuilt under the same name.
    RebuildEnum {
        from: EnumType,
        to: EnumType,
        /// Columns of the type in the current schema: (table, column, its default).
        columns: Vec<(QualName, String, Option<crate::schema::Expr>)>,
    },
    /// `CREATE SEQUENCE`.
    CreateSequence { seq: Sequence },
    /// `ALTER SEQUENCE` to new options.
    AlterSequence {
        from: Box<Sequence>,
        to: Box<Sequence>,
    },
    /// `DROP SEQUENCE`.
    DropSequence {
        seq: Sequence,
        /// Its owner (`OWNED BY`), a table or column the plan drops, takes it along: the step
        /// says so and runs nothing (set by the plan).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        owner_dropped: bool,
    },
    /// `CREATE TABLE`. The table is the desired one, shared; its foreign keys, indexes, policies
    /// and row security come as changes of their own, so renderers skip them and its JSON
    /// leaves them out ([`tables::bare`]).
    CreateTable {
        #[serde(serialize_with = "tables::serialize_bare")]
        table: std::sync::Arc<Table>,
    },
    /// `DROP TABLE`.
    DropTable { table: std::sync::Arc<Table> },
    /// `DROP TABLE` and `CREATE TABLE`: a table that becomes partitioned or stops being so.
    RecreateTable { from: Box<Table>, to: Box<Table> },
    /// `ALTER TABLE … SET LOGGED | SET UNLOGGED`.
    SetLogged { table: QualName, unlogged: bool },
    /// `ALTER TABLE parent DETACH PARTITION table`.
    DetachPartition {
        table: QualName,
        parent: QualName,
        /// When the partition can be detached `CONCURRENTLY` (the parent has no default
        /// partition and its key names its columns plainly): the name of the CHECK copying the
        /// bound that PostgreSQL then adds to the partition, which the desired table lacks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        online_check: Option<String>,
    },
    /// `ALTER TABLE parent ATTACH PARTITION table FOR VALUES …`.
    AttachPartition {
        table: QualName,
        parent: QualName,
        bound: crate::schema::Expr,
    },
    /// `ADD COLUMN`.
    AddColumn { table: QualName, column: Column },
    /// `DROP COLUMN`.
    DropColumn { table: QualName, column: Column },
    /// `ALTER COLUMN … TYPE`.
    AlterColumnType {
        table: QualName,
        column: String,
        from: String,
        to: String,
        from_collation: Option<String>,
        to_collation: Option<String>,
        /// A `USING` clause as the type-pair table ([`convert::conversion`]) gives it
        /// (`Some(false)`), through text (`Some(true)`, for enums), or none.
        using: Option<bool>,
        /// The column is serial on both sides: its sequence changes type with it.
        serial: bool,
        /// What online mode needs to change the type through a second column (expand and
        /// contract), when nothing but the column's own values depends on it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        swap: Option<Box<Swap>>,
    },
    /// `ALTER COLUMN … SET NOT NULL`.
    SetNotNull { table: QualName, column: String },
    /// Existing rows' NULLs filled before `SET NOT NULL`: `UPDATE … SET column = value WHERE
    /// column IS NULL` with the value the desired side states (its server default, or a
    /// model's Python-side scalar default); without one, a placeholder with no statement
    /// between a column just added nullable and its `SET NOT NULL`.
    Backfill {
        table: QualName,
        column: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<crate::schema::Expr>,
    },
    /// `ALTER COLUMN … DROP NOT NULL`.
    DropNotNull { table: QualName, column: String },
    /// `ALTER COLUMN … SET DEFAULT`.
    SetDefault {
        table: QualName,
        column: String,
        from: Option<crate::schema::Expr>,
        to: crate::schema::Expr,
    },
    /// `ALTER COLUMN … DROP DEFAULT`.
    DropDefault {
        table: QualName,
        column: String,
        from: crate::schema::Expr,
    },
    /// `ALTER COLUMN … ADD GENERATED … AS IDENTITY`.
    AddIdentity {
        table: QualName,
        column: String,
        identity: Identity,
        options: IdentityOptions,
        /// The former serial sequence (its name in the table's schema) the identity goes on
        /// counting from, then dropped; without one, an identity on a column with rows goes
        /// on from their largest value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continues: Option<String>,
    },
    /// `ALTER COLUMN … SET GENERATED …`.
    /// `ALTER COLUMN … SET INCREMENT BY … SET START WITH …` on an identity column.
    SetIdentityOptions {
        table: QualName,
        column: String,
        from: IdentityOptions,
        to: IdentityOptions,
    },
    SetIdentity {
        table: QualName,
        column: String,
        from: Identity,
        to: Identity,
    },
    /// `ALTER COLUMN … DROP IDENTITY`.
    DropIdentity { table: QualName, column: String },
    /// A column becomes serial: an owned sequence and a `nextval` default.
    AddSerial {
        table: QualName,
        column: String,
        data_type: String,
    },
    /// A column stops being serial: its default and owned sequence go; for a column becoming
    /// an identity, the sequence is kept under the name `keep_as` (in the table's schema),
    /// disowned, for the identity to go on counting from its value.
    DropSerial {
        table: QualName,
        column: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keep_as: Option<String>,
    },
    /// `ADD CONSTRAINT … PRIMARY KEY`.
    AddPrimaryKey { table: QualName, pk: PrimaryKey },
    /// `DROP CONSTRAINT` of a primary key.
    DropPrimaryKey { table: QualName, pk: PrimaryKey },
    /// `ADD CONSTRAINT … UNIQUE`.
    AddUnique { table: QualName, unique: Unique },
    /// `DROP CONSTRAINT` of a unique constraint.
    DropUnique { table: QualName, unique: Unique },
    /// `ADD CONSTRAINT … CHECK`.
    AddCheck { table: QualName, check: Check },
    /// `DROP CONSTRAINT` of a check.
    DropCheck { table: QualName, check: Check },
    /// `ADD CONSTRAINT … FOREIGN KEY`.
    AddForeignKey { table: QualName, fk: ForeignKey },
    /// `DROP CONSTRAINT` of a foreign key.
    DropForeignKey { table: QualName, fk: ForeignKey },
    /// `VALIDATE CONSTRAINT`: a check or foreign key the database holds `NOT VALID` (an online
    /// plan stopped before its validation, or added so by hand) that the desired schema has
    /// validated.
    ValidateConstraint { table: QualName, name: String },
    /// `ADD CONSTRAINT … EXCLUDE`.
    AddExclusion {
        table: QualName,
        exclusion: Exclusion,
    },
    /// `DROP CONSTRAINT` of an exclusion constraint.
    DropExclusion {
        table: QualName,
        exclusion: Exclusion,
    },
    /// `CREATE INDEX`.
    CreateIndex { table: QualName, index: Index },
    /// `DROP INDEX`.
    DropIndex { table: QualName, index: Index },
    /// `ALTER TABLE … RENAME TO`: a table rename the user confirmed (in its schema).
    RenameTable { from: QualName, to: String },
    /// `ALTER TABLE … RENAME COLUMN`: a rename the user confirmed.
    RenameColumn {
        table: QualName,
        from: String,
        to: String,
    },
    /// `ALTER TABLE … RENAME CONSTRAINT`: same definition, another name.
    RenameConstraint {
        table: QualName,
        from: String,
        to: String,
    },
    /// `ALTER INDEX … RENAME TO`: same definition, another name.
    RenameIndex {
        table: QualName,
        from: String,
        to: String,
    },
    /// `COMMENT ON TABLE`.
    CommentTable {
        table: QualName,
        from: Option<String>,
        to: Option<String>,
    },
    /// `COMMENT ON COLUMN`.
    CommentColumn {
        table: QualName,
        column: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// `COMMENT ON INDEX`.
    CommentIndex {
        table: QualName,
        index: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// `COMMENT ON CONSTRAINT`.
    CommentConstraint {
        table: QualName,
        constraint: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// `COMMENT ON TYPE`.
    CommentType {
        name: QualName,
        from: Option<String>,
        to: Option<String>,
    },
    /// `COMMENT ON SCHEMA | SEQUENCE | COLLATION | POLICY`.
    CommentObject {
        target: CommentTarget,
        from: Option<String>,
        to: Option<String>,
    },
    /// `ALTER TABLE … SET (…)` / `RESET (…)`: storage parameters.
    SetStorageParams {
        table: QualName,
        from: Params,
        to: Params,
    },
    /// `ALTER TABLE … REPLICA IDENTITY`.
    SetReplicaIdentity {
        table: QualName,
        from: ReplicaIdentity,
        to: ReplicaIdentity,
    },
    /// A column's statistics target, storage, compression or options (`ALTER COLUMN … SET
    /// STATISTICS | STORAGE | COMPRESSION | (…)`); `type_storage` is its type's own storage,
    /// what a storage setting goes back to.
    AlterColumnSettings {
        table: QualName,
        column: String,
        type_storage: Option<String>,
        from: Box<ColumnSettings>,
        to: Box<ColumnSettings>,
    },
    /// `ALTER TABLE … ENABLE | DISABLE ROW LEVEL SECURITY`.
    SetRowSecurity { table: QualName, enable: bool },
    /// `ALTER TABLE … [NO] FORCE ROW LEVEL SECURITY`.
    SetForceRowSecurity { table: QualName, force: bool },
    /// `CREATE POLICY`.
    CreatePolicy { table: QualName, policy: Policy },
    /// `DROP POLICY`.
    DropPolicy { table: QualName, policy: Policy },
    /// `CREATE FUNCTION` / `CREATE PROCEDURE`.
    CreateFunction { function: Function },
    /// `CREATE OR REPLACE FUNCTION` with a new definition.
    ReplaceFunction {
        from: Box<Function>,
        to: Box<Function>,
    },
    /// `DROP FUNCTION` / `DROP PROCEDURE`.
    DropFunction {
        function: Function,
        /// It is created again with another result type.
        replaced: bool,
    },
    /// `CREATE TRIGGER`.
    CreateTrigger {
        trigger: Trigger,
        /// Created again after what it is on (or runs) was.
        recreated: bool,
    },
    /// `DROP TRIGGER`.
    DropTrigger {
        trigger: Trigger,
        /// It is created again (with another definition).
        recreated: bool,
    },
    /// `COMMENT ON FUNCTION` / `COMMENT ON PROCEDURE`.
    CommentFunction {
        function: Function,
        from: Option<String>,
        to: Option<String>,
    },
    /// `COMMENT ON TRIGGER`.
    CommentTrigger {
        trigger: Trigger,
        from: Option<String>,
        to: Option<String>,
    },
    /// `CREATE [MATERIALIZED] VIEW`, with its indexes and comment.
    CreateView {
        view: View,
        /// Why it is created again after its drop (`None`: it is new).
        recreated: Option<String>,
    },
    /// `DROP [MATERIALIZED] VIEW`.
    DropView {
        view: View,
        /// Why it is dropped to be created again (`None`: it goes for good).
        recreated: Option<String>,
    },
    /// `COMMENT ON [MATERIALIZED] VIEW`.
    CommentView {
        name: QualName,
        materialized: bool,
        from: Option<String>,
        to: Option<String>,
    },
    /// `GRANT privileges ON target TO grantee [WITH GRANT OPTION]`.
    Grant(PrivilegeChange),
    /// `REVOKE [GRANT OPTION FOR] privileges ON target FROM grantee`.
    Revoke(PrivilegeChange),
}

impl Change {
    /// The stable kebab-case id of this kind of change (`drop-not-null`).
    pub fn id(&self) -> &'static str {
        match self {
            Change::CreateSchema { .. } => "create-schema",
            Change::DropSchema { .. } => "drop-schema",
            Change::CreateCollation { .. } => "create-collation",
            Change::DropCollation { .. } => "drop-collation",
            Change::CreateDomain { .. } => "create-domain",
            Change::AlterDomain { .. } => "alter-domain",
            Change::DropDomain { .. } => "drop-domain",
            Change::CreateCompositeType { .. } => "create-composite-type",
            Change::AlterCompositeType { .. } => "alter-composite-type",
            Change::DropCompositeType { .. } => "drop-composite-type",
            Change::SetOwner { .. } => "set-owner",
            Change::CreateStatistics { .. } => "create-statistics",
            Change::AlterStatistics { .. } => "alter-statistics",
            Change::DropStatistics { .. } => "drop-statistics",
            Change::CreateRangeType { .. } => "create-range-type",
            Change::DropRangeType { .. } => "drop-range-type",
            Change::CreateExtension { .. } => "create-extension",
            Change::AlterExtension { .. } => "alter-extension",
            Change::DropExtension { .. } => "drop-extension",
            Change::CreateEnum { .. } => "create-enum",
            Change::AddEnumValue { .. } => "add-enum-value",
            Change::RenameEnumValue { .. } => "rename-enum-value",
            Change::DropEnum { .. } => "drop-enum",
            Change::RebuildEnum { .. } => "rebuild-enum",
            Change::CreateSequence { .. } => "create-sequence",
            Change::AlterSequence { .. } => "alter-sequence",
            Change::DropSequence { .. } => "drop-sequence",
            Change::CreateTable { .. } => "create-table",
            Change::DropTable { .. } => "drop-table",
            Change::RecreateTable { .. } => "recreate-table",
            Change::SetLogged { .. } => "set-logged",
            Change::CommentObject { .. } => "comment-object",
            Change::SetStorageParams { .. } => "set-storage-params",
            Change::SetReplicaIdentity { .. } => "set-replica-identity",
            Change::AlterColumnSettings { .. } => "alter-column-settings",
            Change::DetachPartition { .. } => "detach-partition",
            Change::AttachPartition { .. } => "attach-partition",
            Change::AddColumn { .. } => "add-column",
            Change::DropColumn { .. } => "drop-column",
            Change::AlterColumnType { .. } => "alter-column-type",
            Change::SetNotNull { .. } => "set-not-null",
            Change::Backfill { .. } => "backfill",
            Change::DropNotNull { .. } => "drop-not-null",
            Change::SetDefault { .. } => "set-default",
            Change::DropDefault { .. } => "drop-default",
            Change::AddIdentity { .. } => "add-identity",
            Change::SetIdentity { .. } => "set-identity",
            Change::SetIdentityOptions { .. } => "set-identity-options",
            Change::DropIdentity { .. } => "drop-identity",
            Change::AddSerial { .. } => "add-serial",
            Change::DropSerial { .. } => "drop-serial",
            Change::AddPrimaryKey { .. } => "add-primary-key",
            Change::DropPrimaryKey { .. } => "drop-primary-key",
            Change::AddUnique { .. } => "add-unique",
            Change::DropUnique { .. } => "drop-unique",
            Change::AddCheck { .. } => "add-check",
            Change::DropCheck { .. } => "drop-check",
            Change::AddForeignKey { .. } => "add-foreign-key",
            Change::ValidateConstraint { .. } => "validate-constraint",
            Change::DropForeignKey { .. } => "drop-foreign-key",
            Change::AddExclusion { .. } => "add-exclusion",
            Change::DropExclusion { .. } => "drop-exclusion",
            Change::CreateIndex { .. } => "create-index",
            Change::DropIndex { .. } => "drop-index",
            Change::RenameConstraint { .. } => "rename-constraint",
            Change::RenameTable { .. } => "rename-table",
            Change::RenameColumn { .. } => "rename-column",
            Change::RenameIndex { .. } => "rename-index",
            Change::CommentTable { .. } => "comment-table",
            Change::CommentColumn { .. } => "comment-column",
            Change::CommentIndex { .. } => "comment-index",
            Change::CommentType { .. } => "comment-type",
            Change::CommentConstraint { .. } => "comment-constraint",
            Change::SetRowSecurity { .. } => "set-row-security",
            Change::SetForceRowSecurity { .. } => "set-force-row-security",
            Change::CreatePolicy { .. } => "create-policy",
            Change::DropPolicy { .. } => "drop-policy",
            Change::CreateFunction { .. } => "create-function",
            Change::ReplaceFunction { .. } => "replace-function",
            Change::DropFunction { .. } => "drop-function",
            Change::CreateTrigger { .. } => "create-trigger",
            Change::DropTrigger { .. } => "drop-trigger",
            Change::CommentFunction { .. } => "comment-function",
            Change::CommentTrigger { .. } => "comment-trigger",
            Change::CreateView { .. } => "create-view",
            Change::DropView { .. } => "drop-view",
            Change::CommentView { .. } => "comment-view",
            Change::Grant { .. } => "grant",
            Change::Revoke { .. } => "revoke",
        }
    }
}

/// What the diff found: the changes, and the tables it could not compare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// Changes in discovery order (the planner orders them).
    pub changes: Vec<Change>,
    /// Tables (and types, sequences) that one side describes and the other's scope does not
    /// cover, or that one side names without showing.
    pub not_compared: Vec<QualName>,
    /// Partitioned tables of either side (an index of one cannot be built concurrently).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitioned: Vec<QualName>,
    /// Changes that drop a dependant to create it again around another change PostgreSQL
    /// refuses while it exists, and those that create it again, with the reason each says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rebuilt: Vec<(Change, String)>,
}

/// A type change online mode can make through a second column: the new column is added
/// bare, a trigger copies each write of the old one into it, an `UPDATE` fills the existing
/// rows, and one brief transaction drops the old column and gives the new one its name. Only
/// for a column no check, exclusion constraint, trigger, policy, generated column, statistics object or column privilege names on
/// both sides, and whose indexes, keys and foreign keys (its table's and others') both sides
/// have alike or one side only (the views that read
/// it are dropped and created again around the change anyway), and that is neither identity nor generated nor becomes or stops being
/// serial, in a table without inheritance or partitions. A serial column's sequence is handed
/// to the new column before the old one goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swap {
    /// The new column's name until the swap (a name neither side's table has).
    pub temp: String,
    /// The name of the trigger, and of its function (in the table's schema), that copy
    /// writes into the new column.
    pub sync: String,
    /// The column is NOT NULL now: the new one becomes so through a validated check before
    /// the swap.
    pub not_null: bool,
    /// The desired default, set in the swap's transaction (no insert meets the column without
    /// one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<crate::schema::Expr>,
    /// The desired comment, set in the swap's transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Indexes both sides have on the column: each built again (concurrently) on the new
    /// column under a name of its own, then given the old one's name (the second) at the swap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<(crate::schema::Index, String)>,
    /// The primary key on the column (its columns naming the new one), with the name of the
    /// unique index built for it concurrently and attached at the swap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<(crate::schema::PrimaryKey, String)>,
    /// Unique constraints on the column, likewise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<(crate::schema::Unique, String)>,
    /// The table's foreign keys on the column (naming the new one), each with the name it is
    /// added under `NOT VALID` and validated, then renamed at the swap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<(crate::schema::ForeignKey, String)>,
    /// Other tables' foreign keys on the column: dropped at the swap and added again `NOT
    /// VALID`, then validated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referencing: Vec<(QualName, crate::schema::ForeignKey)>,
}

/// The tables partitioned on either side.
pub fn partitioned_tables(a: &Schema, b: &Schema) -> Vec<QualName> {
    let mut out: Vec<QualName> = a
        .tables
        .values()
        .chain(b.tables.values())
        .filter(|t| t.partition_by.is_some())
        .map(|t| t.name.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How the items of one kind (constraints, indexes) on the two sides correspond.
struct Matching<'a, T> {
    renamed: Vec<(&'a T, &'a T)>,
    dropped: Vec<&'a T>,
    added: Vec<&'a T>,
}

/// Pairs items by definition first (a different name is a rename), then by name (a different
/// definition is a drop and an add); the rest are dropped or added.
fn match_items<'a, T>(
    from: &'a [T],
    to: &'a [T],
    name: impl Fn(&T) -> &str,
    same_def: impl Fn(&T, &T) -> bool,
) -> Matching<'a, T> {
    let mut used_from = vec![false; from.len()];
    let mut used_to = vec![false; to.len()];
    // Identical items.
    for (j, t) in to.iter().enumerate() {
        if let Some(i) = (0..from.len())
            .find(|&i| !used_from[i] && name(&from[i]) == name(t) && same_def(&from[i], t))
        {
            used_from[i] = true;
            used_to[j] = true;
        }
    }
    // Same definition, another name.
    let mut renamed = Vec::new();
    for (j, t) in to.iter().enumerate() {
        if used_to[j] {
            continue;
        }
        let taken_by_other = from.iter().any(|f| name(f) == name(t));
        if taken_by_other {
            continue;
        }
        if let Some(i) = (0..from.len()).find(|&i| {
            !used_from[i] && same_def(&from[i], t) && !to.iter().any(|x| name(x) == name(&from[i]))
        }) {
            used_from[i] = true;
            used_to[j] = true;
            renamed.push((&from[i], t));
        }
    }
    Matching {
        renamed,
        dropped: from
            .iter()
            .enumerate()
            .filter(|(i, _)| !used_from[*i])
            .map(|(_, f)| f)
            .collect(),
        added: to
            .iter()
            .enumerate()
            .filter(|(j, _)| !used_to[*j])
            .map(|(_, t)| t)
            .collect(),
    }
}

/// Is `name` covered by a schema's scope?
/// How many ancestors (first parent, its first parent, …: INHERITS or PARTITION OF) `t` has
/// among `schema`'s tables: parents are created before their children and dropped after them.
fn ancestors(t: &Table, schema: &Schema) -> usize {
    let mut d = 0usize;
    let mut cur = t;
    while let Some(parent) = cur
        .partition_of
        .as_ref()
        .map(|p| &p.parent)
        .or(cur.inherits.first())
        .and_then(|p| schema.tables.get(p))
    {
        d += 1;
        cur = parent;
        // A cycle (no real schema has one) ends here.
        if d > schema.tables.len() {
            break;
        }
    }
    d
}

fn in_scope(schema: &Schema, name: &QualName) -> bool {
    match &schema.scope {
        Scope::Whole => true,
        Scope::Tables(set) => set.contains(name),
    }
}

/// May an enum or sequence that `to` has and `from` lacks be created? Not when `from` names it
/// without showing it (it exists), nor when `from` covers only some tables and none of those
/// uses it (it may well exist); those are reported as not compared instead.
fn creatable(
    from: &Schema,
    to: &Schema,
    name: &QualName,
    used_by: impl Fn(&Table) -> bool,
) -> bool {
    if from.external.contains(name) {
        return false;
    }
    match &from.scope {
        Scope::Whole => true,
        Scope::Tables(set) => to
            .tables
            .values()
            .any(|t| set.contains(&t.name) && used_by(t)),
    }
}

/// Views, functions and triggers, which depend on the tables (and on each other): given the
/// changes already in `out`, those that change and those that must be dropped and created
/// again around them.
pub(crate) fn dependants(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    views::diff_views(from, to, whole, out);
    routines::diff_routines(from, to, whole, out);
}

/// Compares `from` (what exists) with `to` (what is wanted).
pub fn diff(from: &Schema, to: &Schema) -> Diff {
    let mut out = Vec::new();
    let mut not_compared = Vec::new();
    // Changes split off a new table to break a cycle, with why.
    let mut split = Vec::new();
    let whole = from.scope == Scope::Whole && to.scope == Scope::Whole;

    for s in to.schemas.difference(&from.schemas) {
        let known = from
            .tables
            .keys()
            .chain(&from.external)
            .any(|t| t.schema == *s);
        // Only a current side that shows every schema can say one is missing. A paste shows
        // its tables: a schema none of them is in may well exist, and is created (IF NOT
        // EXISTS) only where the paste shows a table of it missing that the plan creates.
        let creates_in_scope = to
            .tables
            .keys()
            .any(|t| t.schema == *s && !from.tables.contains_key(t) && in_scope(from, t));
        if from.scope == Scope::Whole && !known {
            out.push(Change::CreateSchema {
                name: s.clone(),
                if_not_exists: false,
            });
        } else if !known && creates_in_scope {
            out.push(Change::CreateSchema {
                name: s.clone(),
                if_not_exists: true,
            });
        }
    }
    if whole {
        // A schema the desired side neither creates nor puts anything in.
        let used: BTreeSet<&String> = to
            .tables
            .keys()
            .chain(to.enums.keys())
            .chain(to.sequences.keys())
            .chain(to.views.keys())
            .chain(to.collations.keys())
            .chain(to.domains.keys())
            .chain(to.composites.keys())
            .chain(to.ranges.keys())
            .map(|n| &n.schema)
            .chain(to.extensions.values().map(|e| &e.schema))
            .collect();
        for s in from.schemas.difference(&to.schemas) {
            if !used.contains(s) {
                out.push(Change::DropSchema { name: s.clone() });
            }
        }
    }
    extensions::diff_extensions(from, to, whole, &mut out);
    collations::diff_collations(from, to, whole, &mut out);
    domains::diff_domains(from, to, whole, &mut out);
    composites::diff_composites(from, to, whole, &mut out);
    ranges::diff_ranges(from, to, whole, &mut out);
    enums::diff_enums(from, to, whole, &mut out, &mut not_compared);
    sequences::diff_sequences(from, to, whole, &mut out, &mut not_compared);

    // Parents (INHERITS, partitions) before their children, whatever their names: a partition
    // in another schema is created after its parent (a stable sort by how many ancestors a
    // table has in the desired schema).
    let mut ordered: Vec<(&QualName, &std::sync::Arc<Table>)> = to.tables.iter().collect();
    ordered.sort_by_key(|(_, t)| ancestors(t, to));
    for (name, t) in ordered {
        match from.tables.get(name) {
            Some(f) => tables::diff_table(f, t, from, to, &mut out),
            // A new table the desired side could not read whole (a model's column of a type
            // it cannot read): not created without it, not compared.
            None if to.unread_columns.contains(name) => not_compared.push(name.clone()),
            None if in_scope(from, name) => {
                let (t, later) = tables::split_cycles(tables::local_shared(t, to), from, to);
                tables::create_table(t, true, &mut out);
                for (c, why) in later {
                    out.push(c.clone());
                    split.push((c, why));
                }
            }
            None => not_compared.push(name.clone()),
        }
    }
    // Children (INHERITS, partitions) before their parents: a parent with children cannot be
    // dropped without CASCADE.
    let mut gone: Vec<&std::sync::Arc<Table>> = Vec::new();
    for (name, f) in &from.tables {
        if !to.tables.contains_key(name) {
            if in_scope(to, name) {
                gone.push(f);
            } else {
                not_compared.push(name.clone());
            }
        }
    }
    gone.sort_by_key(|t| std::cmp::Reverse(ancestors(t, from)));
    for f in gone {
        tables::drop_table(f, &mut out);
    }
    sequences::adopt_sequences(from, to, &mut out);
    dependants(from, to, whole, &mut out);
    // Comments a side cannot show are not compared: none wanted from a side that hides them,
    // none changed on objects that exist on a side that hides them.
    out.retain(|c| match c {
        Change::CommentTable { table, .. } => {
            !(to.hidden.table_comments
                || (from.hidden.table_comments && from.tables.contains_key(table)))
        }
        Change::CommentColumn {
            from: Some(a),
            to: Some(b),
            ..
        } if (from.hidden.comment_trailing_blanks || to.hidden.comment_trailing_blanks)
            && a.trim_end() == b.trim_end() =>
        {
            false
        }
        Change::CommentColumn { table, column, .. } => {
            !(to.hidden.column_comments
                || (from.hidden.column_comments
                    && from
                        .tables
                        .get(table)
                        .is_some_and(|t| t.column(column).is_some())))
        }
        Change::CommentIndex { table, index, .. } => {
            !(to.hidden.index_comments
                || (from.hidden.index_comments
                    && from
                        .tables
                        .get(table)
                        .is_some_and(|t| t.indexes.iter().any(|i| i.name == *index))))
        }
        Change::SetIdentityOptions { .. } => {
            !(from.hidden.identity_options || to.hidden.identity_options)
        }
        Change::CommentConstraint { .. } => {
            !(from.hidden.constraint_comments || to.hidden.constraint_comments)
        }
        Change::SetRowSecurity { .. }
        | Change::SetForceRowSecurity { .. }
        | Change::CreatePolicy { .. }
        | Change::DropPolicy { .. } => !(from.hidden.row_security || to.hidden.row_security),
        _ => true,
    });
    let mut rebuilt = split;
    rebuild::rebuild_dependants(from, to, &mut out, &mut rebuilt);
    extensions::ensure_extensions(from, to, &mut out);
    settings::diff_all(from, to, &mut out);
    comments::diff_all(from, to, &mut out);
    statistics::diff_all(from, to, &mut out);
    privileges::diff_privileges(from, to, &mut out);
    owners::diff_owners(from, to, &mut out);
    not_compared.sort();
    not_compared.dedup();
    Diff {
        changes: out,
        not_compared,
        partitioned: partitioned_tables(from, to),
        rebuilt,
    }
}

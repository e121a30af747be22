//! The intermediate representation: one `Schema` type for every source.
//!
//! Everything here is deterministic (`BTreeMap`/`Vec`) and already normalized: two inputs that
//! PostgreSQL would store identically produce equal values. Equality ignores source spans.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::quote::quote_ident;

mod comments;
mod composite;
mod domain;
mod expr;
mod filter;
mod hidden;
mod privilege;
mod range;
mod settings;
mod statistics;
mod type_name;
pub use comments::{CommentTarget, ObjectComment};
pub use composite::{Attribute, CompositeType};
pub use domain::Domain;
pub use expr::Expr;
pub use filter::Filter;
pub use hidden::Hidden;
pub use privilege::{
    grantee_sql, privileges_sql, Grants, Owners, Target as PrivilegeTarget, PUBLIC,
};
pub use range::RangeType;
pub use settings::{canonical_value, type_storage, ColumnSettings, Params, ReplicaIdentity};
pub use statistics::{Statistics, StatisticsKey};
pub use type_name::TypeName;

/// A byte range in the source text plus the 1-based line and column of its start.
///
/// Offsets are 32-bit (every IR object holds a span, so this keeps each 16 bytes): an input
/// of 4 GiB or more is far beyond what a paste or a dump holds, and offsets past that saturate.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: u32,
    /// Byte offset one past the last character.
    pub end: u32,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column (in characters) of `start`.
    pub column: u32,
}

// Spans say where a thing came from; they never make two schemas differ.
impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Span {}

/// A schema-qualified name. Both parts are stored as PostgreSQL stores them (unquoted identifiers
/// folded to lower case, quoted ones verbatim).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualName {
    /// The namespace, `public` unless the source said otherwise.
    pub schema: String,
    /// The object's own name.
    pub name: String,
}

impl QualName {
    /// A name in `schema`.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualName {
    /// Renders as SQL, quoting each part only where PostgreSQL needs it and leaving out `public.`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.schema != "public" {
            write!(f, "{}.", quote_ident(&self.schema))?;
        }
        f.write_str(&quote_ident(&self.name))
    }
}

/// What a source describes: a whole database schema, or only some tables of it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", content = "tables", rename_all = "kebab-case")]
pub enum Scope {
    /// A DDL file, a dump or a live database: anything absent does not exist.
    #[default]
    Whole,
    /// A psql paste: only these tables were described; nothing is known of others.
    Tables(BTreeSet<QualName>),
}

/// A whole schema as one source describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    /// Whether absent tables are known not to exist.
    pub scope: Scope,
    /// Namespaces created explicitly (`CREATE SCHEMA`), besides `public`.
    pub schemas: BTreeSet<String>,
    /// Tables by qualified name (a list of tables in JSON).
    #[serde(with = "by_name")]
    pub tables: BTreeMap<QualName, Arc<Table>>,
    /// Enum types by qualified name (a list in JSON).
    #[serde(with = "by_name")]
    pub enums: BTreeMap<QualName, EnumType>,
    /// Free-standing sequences (those not owned by a serial column; a list in JSON).
    #[serde(with = "by_name")]
    pub sequences: BTreeMap<QualName, Sequence>,
    /// Collations by qualified name (a list in JSON).
    #[serde(default, with = "by_name", skip_serializing_if = "BTreeMap::is_empty")]
    pub collations: BTreeMap<QualName, Collation>,
    /// Domains by qualified name (a list in JSON).
    #[serde(default, with = "by_name", skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<QualName, Domain>,
    /// Composite types by qualified name (a list in JSON).
    #[serde(default, with = "by_name", skip_serializing_if = "BTreeMap::is_empty")]
    pub composites: BTreeMap<QualName, CompositeType>,
    /// Range types by qualified name (a list in JSON).
    #[serde(default, with = "by_name", skip_serializing_if = "BTreeMap::is_empty")]
    pub ranges: BTreeMap<QualName, RangeType>,
    /// Comments on schemas, sequences, collations and policies, in the order of their objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<ObjectComment>,
    /// Extensions by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Extension>,
    /// Functions and procedures by signature (`public.f(integer, text)`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<String, Function>,
    /// Triggers by relation and name (`public.emp/emp_stamp`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub triggers: BTreeMap<String, Trigger>,
    /// Views and materialized views by qualified name (a list in JSON).
    #[serde(default, with = "by_name", skip_serializing_if = "BTreeMap::is_empty")]
    pub views: BTreeMap<QualName, View>,
    /// Privileges granted to others than each object's owner, by object, where they differ
    /// from what a new object grants (a list in JSON).
    #[serde(
        default,
        with = "privilege::as_list",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub privileges: BTreeMap<PrivilegeTarget, Grants>,
    /// Owners, where the source says (never compared, see [`Owners`]).
    #[serde(skip)]
    pub owners: Owners,
    /// Types and sequences the source names without showing their definition (a psql paste
    /// shows an enum or domain only as a column's type, a sequence only in `nextval`), and views
    /// it defines in a way schemafix cannot read. They are known to exist, so they are never
    /// created or dropped, and cannot be compared.
    #[serde(default)]
    pub external: BTreeSet<QualName>,
    /// Facts the source cannot show at all (psql's `\d` never prints table or index comments),
    /// which are therefore not compared.
    #[serde(default)]
    pub hidden: Hidden,
    /// Tables whose source holds attributes it could not read (a model's attribute made by a
    /// call not followed statically): nothing is dropped or added for being missing from them.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unread_columns: BTreeSet<QualName>,
}

impl Schema {
    /// The table called `name`, to change. Tables are shared with the changes made from them:
    /// one a change holds is copied first (while a source builds a schema, none is).
    pub fn table_mut(&mut self, name: &QualName) -> Option<&mut Table> {
        self.tables.get_mut(name).map(Arc::make_mut)
    }

    /// Every table, to change (shared ones copied first, as with [`Schema::table_mut`]).
    pub fn tables_mut(&mut self) -> impl Iterator<Item = &mut Table> {
        self.tables.values_mut().map(Arc::make_mut)
    }
}

/// A version is compared only when both sides say which (`pg_dump` never does).
impl PartialEq for Extension {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.schema == other.schema
            && match (&self.version, &other.version) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}
impl Eq for Extension {}

/// A function or procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    /// Qualified name.
    pub name: QualName,
    /// `CREATE PROCEDURE`.
    pub procedure: bool,
    /// The argument types that identify it among functions of the same name.
    pub identity: String,
    /// `LANGUAGE`.
    pub language: String,
    /// `sql`: the `CREATE` statement as written; `canon`: its canonical form (qualified name,
    /// canonical types, default attributes left out, the body's value), the comparison key.
    pub definition: Expr,
    /// `COMMENT ON FUNCTION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The search path its statement was written under, where the source set one other than
    /// the default: the statement, kept as written, runs under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

impl Function {
    /// Its key: `schema.name(types)`.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.identity)
    }
}

/// A trigger on a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Its name (unique per relation).
    pub name: String,
    /// The table or view it is on.
    pub table: QualName,
    /// The function it executes.
    pub function: QualName,
    /// `sql`: the `CREATE TRIGGER` statement as written; `canon`: its canonical form.
    pub definition: Expr,
    /// `COMMENT ON TRIGGER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it fires (`ALTER TABLE … ENABLE ALWAYS TRIGGER …`; by default on origin).
    #[serde(default, skip_serializing_if = "TriggerFiring::is_origin")]
    pub firing: TriggerFiring,
    /// The search path its statement was written under (as a function's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// When a trigger fires, as `ALTER TABLE … ENABLE [ALWAYS | REPLICA] | DISABLE TRIGGER` sets it
/// (`pg_trigger.tgenabled`: `O`, `A`, `R`, `D`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerFiring {
    /// `ENABLE`: in origin and local sessions (`session_replication_role` `origin`), the
    /// default.
    #[default]
    Origin,
    /// `ENABLE ALWAYS`: whatever the session's replication role.
    Always,
    /// `ENABLE REPLICA`: only in replica sessions.
    Replica,
    /// `DISABLE`: never.
    Disabled,
}

impl TriggerFiring {
    /// The default: fires on origin.
    pub fn is_origin(&self) -> bool {
        *self == TriggerFiring::Origin
    }

    /// The `ALTER TABLE` clause that sets it, before `TRIGGER name`.
    pub fn clause(self) -> &'static str {
        match self {
            TriggerFiring::Origin => "ENABLE",
            TriggerFiring::Always => "ENABLE ALWAYS",
            TriggerFiring::Replica => "ENABLE REPLICA",
            TriggerFiring::Disabled => "DISABLE",
        }
    }

    /// The statement that sets it on trigger `quoted_name` of `table` (as `pg_dump` writes it
    /// after the trigger), `None` for the default.
    pub fn statement(self, table: &str, quoted_name: &str) -> Option<String> {
        (!self.is_origin()).then(|| {
            format!(
                "ALTER TABLE {table} {} TRIGGER {quoted_name}",
                self.clause()
            )
        })
    }

    /// From `pg_trigger.tgenabled`.
    pub fn from_tgenabled(code: &str) -> Option<TriggerFiring> {
        Some(match code {
            "O" => TriggerFiring::Origin,
            "A" => TriggerFiring::Always,
            "R" => TriggerFiring::Replica,
            "D" => TriggerFiring::Disabled,
            _ => return None,
        })
    }
}

impl Trigger {
    /// Its key: `table/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.table, self.name)
    }
}

/// A collation (`CREATE COLLATION`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collation {
    /// Qualified name.
    pub name: QualName,
    /// `libc` or `icu`.
    pub provider: String,
    /// `LC_COLLATE` (the ICU locale for `icu`).
    pub lc_collate: String,
    /// `LC_CTYPE` (the ICU locale for `icu`).
    pub lc_ctype: String,
    /// `deterministic` (true by default).
    pub deterministic: bool,
    /// Where it was declared.
    pub span: Span,
}

/// An installed extension (`CREATE EXTENSION`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extension {
    /// Its name.
    pub name: String,
    /// The schema its objects go in (`WITH SCHEMA`; the first of the search path otherwise).
    pub schema: String,
    /// `VERSION`, when the source says (`pg_dump` does not; a live database does).
    pub version: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// Things keyed by their own qualified name.
pub(crate) trait Named {
    fn qual_name(&self) -> &QualName;
}

impl Named for Table {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}
impl<T: Named> Named for Arc<T> {
    fn qual_name(&self) -> &QualName {
        (**self).qual_name()
    }
}
impl Named for EnumType {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}
impl Named for Collation {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}
impl Named for Domain {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}
impl Named for View {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}
impl Named for Sequence {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}

/// JSON has no struct keys: maps keyed by an item's own name travel as the list of items.
mod by_name {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Named, QualName};

    pub fn serialize<T: Serialize, S: Serializer>(
        map: &BTreeMap<QualName, T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.values())
    }

    pub fn deserialize<'de, T: Deserialize<'de> + Named, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<QualName, T>, D::Error> {
        let items = Vec::<T>::deserialize(d)?;
        Ok(items
            .into_iter()
            .map(|t| (t.qual_name().clone(), t))
            .collect())
    }
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Qualified name.
    pub name: QualName,
    /// Columns in their physical order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    pub primary_key: Option<PrimaryKey>,
    /// UNIQUE constraints (not unique indexes).
    pub uniques: Vec<Unique>,
    /// CHECK constraints.
    pub checks: Vec<Check>,
    /// FOREIGN KEY constraints.
    pub foreign_keys: Vec<ForeignKey>,
    /// EXCLUDE constraints.
    pub exclusions: Vec<Exclusion>,
    /// Indexes that do not belong to a constraint.
    pub indexes: Vec<Index>,
    /// `COMMENT ON TABLE`.
    pub comment: Option<String>,
    /// `CREATE UNLOGGED TABLE`.
    pub unlogged: bool,
    /// `INHERITS (parents)`: the parents' columns and checks are also this table's (they are
    /// listed in `columns` and `checks`, as PostgreSQL's catalog has them).
    #[serde(default)]
    pub inherits: Vec<QualName>,
    /// `PARTITION OF parent FOR VALUES …`: a partition has its parent's columns, checks, and
    /// clones of its parent's keys and indexes.
    #[serde(default)]
    pub partition_of: Option<PartitionOf>,
    /// `PARTITION BY RANGE (…)` of a partitioned table.
    #[serde(default)]
    pub partition_by: Option<Expr>,
    /// `ENABLE ROW LEVEL SECURITY`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub row_security: bool,
    /// `FORCE ROW LEVEL SECURITY` (the owner is subject to the policies too).
    #[serde(default, skip_serializing_if = "is_false")]
    pub force_row_security: bool,
    /// Row security policies, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    /// `COMMENT ON CONSTRAINT`, by constraint name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constraint_comments: BTreeMap<String, String>,
    /// Storage parameters (`WITH (fillfactor = 70)`; the TOAST table's as `toast.…`).
    #[serde(default, skip_serializing_if = "Params::is_empty")]
    pub options: Params,
    /// `REPLICA IDENTITY`.
    #[serde(default, skip_serializing_if = "ReplicaIdentity::is_default")]
    pub replica_identity: ReplicaIdentity,
    /// Columns' settings where not the defaults, by column (kept out of `Column`: most have none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub column_settings: BTreeMap<String, ColumnSettings>,
    /// Extended statistics objects on it (`CREATE STATISTICS`), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statistics: Vec<Statistics>,
    /// Where the table was declared.
    pub span: Span,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A row security policy (`CREATE POLICY`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Its name (unique per table).
    pub name: String,
    /// `AS PERMISSIVE` (the default) or `AS RESTRICTIVE`.
    pub permissive: bool,
    /// `FOR ALL | SELECT | INSERT | UPDATE | DELETE`.
    pub command: String,
    /// `TO` roles, sorted (`public` when none is named).
    pub roles: Vec<String>,
    /// `USING (…)`.
    pub using: Option<Expr>,
    /// `WITH CHECK (…)`.
    pub check: Option<Expr>,
    /// Where it was declared.
    pub span: Span,
}

/// The parent and bound of a partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    /// The partitioned table.
    pub parent: QualName,
    /// `FOR VALUES …` or `DEFAULT`, as SQL (compared with blanks folded, keywords upper-cased).
    pub bound: Expr,
}

/// A clause kept as SQL text (partition bounds and keys), compared without the blanks and
/// with everything outside quotes upper-cased.
pub fn clause_expr(text: &str) -> Expr {
    let mut canon = String::new();
    let mut quote: Option<char> = None;
    for c in text.trim().chars() {
        match quote {
            Some(q) => {
                canon.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {}
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
                canon.push(c.to_ascii_uppercase());
            }
        }
    }
    Expr {
        sql: text.trim().to_string(),
        canon,
    }
}

impl Table {
    /// An empty table.
    pub fn new(name: QualName, span: Span) -> Self {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            exclusions: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            unlogged: false,
            inherits: Vec::new(),
            partition_of: None,
            partition_by: None,
            row_security: false,
            force_row_security: false,
            policies: Vec::new(),
            constraint_comments: BTreeMap::new(),
            options: Params::default(),
            replica_identity: ReplicaIdentity::Default,
            column_settings: BTreeMap::new(),
            statistics: Vec::new(),
            span,
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column called `name`, mutably.
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

/// How an identity column generates values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

/// Sequence options of an identity column, normalized like [`Sequence`]'s: values equal to
/// PostgreSQL's defaults for the column's type are `None` (or 1, or false).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityOptions {
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE` (None: the default).
    pub min_value: Option<i64>,
    /// `MAXVALUE` (None: the default).
    pub max_value: Option<i64>,
    /// `START WITH` (None: the default for the direction).
    pub start: Option<i64>,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
}

impl Default for IdentityOptions {
    fn default() -> Self {
        DEFAULT_IDENTITY_OPTIONS.clone()
    }
}

impl Sequence {
    /// A sequence of `data_type` with options `o`, owned by nothing.
    pub(crate) fn with_options(
        name: QualName,
        data_type: &str,
        o: &IdentityOptions,
        span: Span,
    ) -> Self {
        Sequence {
            name,
            data_type: data_type.to_string(),
            increment: o.increment,
            min_value: o.min_value,
            max_value: o.max_value,
            start: o.start,
            cache: o.cache,
            cycle: o.cycle,
            owned_by: None,
            span,
        }
    }

    /// Its options (the other way round from [`Sequence::with_options`]).
    pub(crate) fn options(&self) -> IdentityOptions {
        IdentityOptions {
            increment: self.increment,
            min_value: self.min_value,
            max_value: self.max_value,
            start: self.start,
            cache: self.cache,
            cycle: self.cycle,
        }
    }
}

/// A column's [`IdentityOptions`], kept out of line: most columns are not identities, so a column
/// holds one pointer (none when every option is the default) instead of 72 bytes. It reads as
/// the options themselves (`Deref`); writing through it allocates them.
#[derive(Debug, Clone, Default)]
pub struct IdentityOpts(Option<Box<IdentityOptions>>);

/// PostgreSQL's defaults (increment 1, cache 1, the type's bounds, no cycle).
static DEFAULT_IDENTITY_OPTIONS: IdentityOptions = IdentityOptions {
    increment: 1,
    min_value: None,
    max_value: None,
    start: None,
    cache: 1,
    cycle: false,
};

impl std::ops::Deref for IdentityOpts {
    type Target = IdentityOptions;
    fn deref(&self) -> &IdentityOptions {
        self.0.as_deref().unwrap_or(&DEFAULT_IDENTITY_OPTIONS)
    }
}

impl std::ops::DerefMut for IdentityOpts {
    fn deref_mut(&mut self) -> &mut IdentityOptions {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<IdentityOptions> for IdentityOpts {
    fn from(o: IdentityOptions) -> Self {
        IdentityOpts((!o.is_default()).then(|| Box::new(o)))
    }
}

impl PartialEq for IdentityOpts {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}
impl Eq for IdentityOpts {}

impl Serialize for IdentityOpts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for IdentityOpts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IdentityOptions::deserialize(d).map(Into::into)
    }
}

impl IdentityOptions {
    /// True when every option is PostgreSQL's default.
    pub fn is_default(&self) -> bool {
        *self == IdentityOptions::default()
    }

    /// The first value: `START WITH`, or the bound the sequence starts from by default (the
    /// minimum going up, the maximum going down; a `None` bound is the type's own).
    pub fn effective_start(&self) -> Option<i64> {
        match self.start {
            Some(s) => Some(s),
            None if self.increment > 0 => Some(self.min_value.unwrap_or(1)),
            None => self.max_value.or(Some(-1)),
        }
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name as stored.
    pub name: Name,
    /// Canonical type as `format_type` prints it (`character varying(255)`, `integer[]`).
    pub data_type: TypeName,
    /// `NOT NULL` (implied by a primary key or identity).
    pub not_null: bool,
    /// A `serial` column: its default is `nextval` of a sequence it owns.
    pub serial: bool,
    /// The server default, unless the column is serial.
    pub default: Option<Box<Expr>>,
    /// Identity, when the column is one.
    pub identity: Option<Identity>,
    /// The identity sequence's options (all defaults when the column is not an identity).
    #[serde(default)]
    pub identity_options: IdentityOpts,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<Box<Expr>>,
    /// An explicit `COLLATE` (boxed text: most columns have none, and a `String` would cost a
    /// third more in every column).
    pub collation: Option<Box<str>>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<Box<str>>,
    /// A model's Python-side default (SQLAlchemy `default=`): not a database default, but a
    /// database default equal to it is kept. Never makes two schemas differ.
    #[serde(default, skip_serializing_if = "Hint::is_none")]
    pub model_default: Hint,
    /// Where the column was declared.
    pub span: Span,
}

impl Column {
    /// A nullable column of `data_type`, with nothing else set.
    pub fn new(name: &str, data_type: TypeName, span: Span) -> Self {
        Column {
            name: name.into(),
            data_type,
            not_null: false,
            serial: false,
            default: None,
            identity: None,
            identity_options: Default::default(),
            generated: None,
            collation: None,
            comment: None,
            model_default: Default::default(),
            span,
        }
    }
}

/// Pushes `item`, growing `list` by half its length at a time from one slot instead of doubling
/// from four: a table's constraint and index lists are mostly one or two long, and a schema being
/// read holds all of them at once before they are shrunk (a fifth of the heap of a dense dump's
/// two schemas was such spare slots).
pub(crate) fn push_lean<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() {
        list.reserve_exact(list.len() / 2 + 1);
    }
    list.push(item);
}

/// A column's name, held inline up to 24 bytes (a name is mostly a few bytes, and a heap copy of
/// it costs a 32-byte block): text like a `String`, serialized as one.
pub type Name = compact_str::CompactString;

/// A hint a source gives about a column that is not part of what PostgreSQL stores; it never
/// makes two schemas differ.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hint(pub Option<Box<Expr>>);

impl Hint {
    /// No hint.
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }
}

impl PartialEq for Hint {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Hint {}

/// A PRIMARY KEY constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint name (PostgreSQL's default `<table>_pkey` when unnamed).
    pub name: String,
    /// Key columns in order.
    pub columns: Vec<String>,
    /// `INCLUDE (...)`.
    pub include: Vec<String>,
    /// Deferrability.
    pub deferrable: Deferrable,
    /// Where it was declared.
    pub span: Span,
}

/// `DEFERRABLE` and `INITIALLY DEFERRED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deferrable {
    /// `NOT DEFERRABLE` (the default).
    #[default]
    No,
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    Immediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    Deferred,
}

/// A UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    /// Constraint name (`<table>_<cols>_key` when unnamed).
    pub name: String,
    /// Key columns in order.
    pub columns: Vec<String>,
    /// `INCLUDE (...)`.
    pub include: Vec<String>,
    /// `NULLS NOT DISTINCT`.
    pub nulls_not_distinct: bool,
    /// Deferrability.
    pub deferrable: Deferrable,
    /// Where it was declared.
    pub span: Span,
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Constraint name (`<table>_<col>_check` when unnamed).
    pub name: String,
    /// The condition.
    pub expr: Expr,
    /// `NO INHERIT`.
    pub no_inherit: bool,
    /// Added `NOT VALID` and not validated since: rows from before it may break it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
    /// Where it was declared.
    pub span: Span,
}

/// A referential action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FkAction {
    /// `NO ACTION` (the default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// The SQL words.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A FOREIGN KEY constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name (`<table>_<cols>_fkey` when unnamed).
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced table.
    pub ref_table: QualName,
    /// Referenced columns (the referenced table's primary key when omitted in the source).
    pub ref_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// The columns `ON DELETE SET NULL (…)` / `SET DEFAULT (…)` sets (PostgreSQL 15); empty:
    /// all referencing columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_delete_columns: Vec<String>,
    /// `ON UPDATE`.
    pub on_update: FkAction,
    /// `MATCH FULL`.
    pub match_full: bool,
    /// Deferrability.
    pub deferrable: Deferrable,
    /// Added `NOT VALID` and not validated since: rows from before it may break it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
    /// Where it was declared.
    pub span: Span,
}

/// An EXCLUDE constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Constraint name (`<table>_<cols>_excl` when unnamed).
    pub name: String,
    /// Index access method (`btree` by default).
    pub method: String,
    /// Keys with their operators (`event_start WITH &&`).
    pub elements: Vec<(IndexKey, String)>,
    /// `INCLUDE (...)`.
    pub include: Vec<String>,
    /// `WHERE (...)`.
    pub predicate: Option<Expr>,
    /// Deferrability.
    pub deferrable: Deferrable,
    /// Where it was declared.
    pub span: Span,
}

/// One key of an index: a column or an expression, with its ordering.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexKey {
    /// The column name or expression; a plain column's canonical form is its name.
    pub expr: Expr,
    /// True when `expr` is a plain column name.
    pub is_column: bool,
    /// Operator class, if not the default.
    pub opclass: Option<String>,
    /// `DESC`.
    pub desc: bool,
    /// `NULLS FIRST` / `NULLS LAST` when it differs from the default for the direction.
    pub nulls_first: Option<bool>,
    /// An expression key's name in a default index name, as PostgreSQL's `FigureIndexColname`
    /// figures it from the expression (a function's name, a cast's column …), found when the
    /// key is read; `None`: `expr`. A plain column's is its name. Neither compared nor
    /// serialized: it follows from the expression.
    #[serde(skip)]
    pub figured_name: Option<String>,
}

impl PartialEq for IndexKey {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
            && self.is_column == other.is_column
            && self.opclass == other.opclass
            && self.desc == other.desc
            && self.nulls_first == other.nulls_first
    }
}

impl Eq for IndexKey {}

impl IndexKey {
    /// The key's name in a default index name (`FigureIndexColname`): a column's name, else
    /// what [`IndexKey::figured_name`] holds, else `expr`.
    pub fn name_in_index_name(&self) -> String {
        if self.is_column {
            return self.expr.canon.trim_matches('"').to_string();
        }
        self.figured_name
            .clone()
            .unwrap_or_else(|| "expr".to_string())
    }
}

/// An index not backing a constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// `UNIQUE`.
    pub unique: bool,
    /// Access method (`btree` by default).
    pub method: String,
    /// Keys in order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (...)`.
    pub include: Vec<String>,
    /// `NULLS NOT DISTINCT`.
    pub nulls_not_distinct: bool,
    /// Partial index predicate.
    pub predicate: Option<Expr>,
    /// Storage parameters as `name=value` (`WITH (fillfactor = 70)`).
    pub with: Params,
    /// `COMMENT ON INDEX`.
    pub comment: Option<String>,
    /// Not usable (`pg_index.indisvalid` or `indisready` false): left by a failed or
    /// interrupted `CREATE INDEX CONCURRENTLY`; it enforces nothing and is built again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalid: bool,
    /// Where it was declared.
    pub span: Span,
}

impl Check {
    /// The same check but for its name and validity.
    pub fn same_definition(&self, other: &Check) -> bool {
        self.expr == other.expr && self.no_inherit == other.no_inherit
    }
}

impl ForeignKey {
    /// The same foreign key but for its name and validity.
    pub fn same_definition(&self, other: &ForeignKey) -> bool {
        self.columns == other.columns
            && self.ref_table == other.ref_table
            && self.ref_columns == other.ref_columns
            && self.on_delete == other.on_delete
            && self.on_delete_columns == other.on_delete_columns
            && self.on_update == other.on_update
            && self.match_full == other.match_full
            && self.deferrable == other.deferrable
    }
}

impl Index {
    /// The same index but for its name and comment (and whether it is valid): what
    /// `CREATE INDEX` builds.
    pub fn same_definition(&self, other: &Index) -> bool {
        self.unique == other.unique
            && self.method == other.method
            && self.keys == other.keys
            && self.include == other.include
            && self.nulls_not_distinct == other.nulls_not_distinct
            && self.predicate == other.predicate
            && self.with == other.with
    }
}

/// An enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Qualified name.
    pub name: QualName,
    /// Labels in sort order.
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// A view or a materialized view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Qualified name.
    pub name: QualName,
    /// `CREATE MATERIALIZED VIEW`.
    pub materialized: bool,
    /// The definition: `sql` is what follows the name in `CREATE VIEW` (an optional column list,
    /// `AS` and the query); `canon` is the query as PostgreSQL stores it (columns qualified, `*`
    /// expanded, output names spelled out), the comparison key.
    pub query: Expr,
    /// The view's output columns, in order.
    pub columns: Vec<String>,
    /// Relations (tables and views) its query reads.
    pub reads: Vec<QualName>,
    /// Indexes of a materialized view.
    pub indexes: Vec<Index>,
    /// `COMMENT ON VIEW` / `COMMENT ON MATERIALIZED VIEW`.
    pub comment: Option<String>,
    /// The search path its query was written under (as a function's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// A sequence that is not the implicit sequence of a serial column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Qualified name.
    pub name: QualName,
    /// `AS type` (`bigint` by default).
    pub data_type: String,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE` (None: the type's default).
    pub min_value: Option<i64>,
    /// `MAXVALUE` (None: the type's default).
    pub max_value: Option<i64>,
    /// `START WITH` (None: the default for the direction).
    pub start: Option<i64>,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(QualName, String)>,
    /// Where it was declared.
    pub span: Span,
}

#[cfg(test)]
mod tests;

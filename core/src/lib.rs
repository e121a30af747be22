//! schemafix-core: parse PostgreSQL schemas (DDL and `pg_dump` output, psql `\d` pastes,
//! SQLAlchemy models, a live catalog's rows), normalize them, diff them, and plan and render the
//! migration. No I/O: the same code runs natively and in WebAssembly.
//!
//! ```
//! use schemafix_core::{migrate, Format, PlanOptions};
//!
//! let current = "CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL);";
//! let desired = "CREATE TABLE users (id serial PRIMARY KEY, email varchar(255), name text);";
//! let m = migrate(current, Some(Format::Sql), desired, Some(Format::Sql), &PlanOptions::default());
//! assert_eq!(m.plan.steps.len(), 2);
//! assert!(m.sql.contains("ALTER TABLE users ADD COLUMN name text;"));
//! assert!(m.sql.contains("ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"));
//! ```

mod catalog;
mod diff;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod inverse;
mod leftovers;
mod normalize;
mod plan;
mod quote;
mod rename;
mod render;
mod schema;
mod source;
mod sql;
mod verify;

pub use catalog::{
    decode_catalog, CatalogQuery, Row, CATALOG_QUERIES, CATALOG_SETUP, MIN_SERVER_VERSION,
};
pub use diff::{
    conversion, diff, diff_filtered, diff_scoped, forget_owner_grants, online_swaps,
    scope_privileges, Change, Conversion, Diff, Swap, Using,
};
pub use error::{not_compared, DiagKind, Diagnostic, Severity};
pub use inverse::down_plan;
pub use leftovers::{strip_leftovers, Leftover};
pub use normalize::{canonical_type, civil_from_days};
pub use plan::{plan, Hazard, OnlineStatement, Phase, Plan, PlanOptions, Step};
pub use quote::{quote_ident, quote_literal};
pub use rename::{Rename, RenameSuggestion};
pub use render::alembic::{render_alembic, Revision};
pub use render::sql::{
    check_statements, creation_statements, is_one_statement, online_phases, phase_label,
    render_sql, PhaseBlock,
};
pub use render::sqlalchemy::render_sqlalchemy;
pub use schema::{
    clause_expr, Check, Column, Deferrable, EnumType, Exclusion, Expr, Filter, FkAction,
    ForeignKey, Hidden, Hint, Identity, IdentityOptions, Index, IndexKey, Params, PartitionOf,
    PrimaryKey, QualName, Schema, Scope, Sequence, Span, Table, TypeName, Unique,
};
pub use source::capture::{parse_capture, CAPTURE_HELPER};
pub use source::detect::{detect, Format};
pub use source::{
    file_of, module_name, parse, parse_in, parse_sqlalchemy_files, ModelFile, Parsed, SourceFile,
};
pub use sql::step_sql;
pub use verify::{batches, outcome, script, Batch, Outcome, Script, ScriptStatement};

use serde::{Deserialize, Serialize};

/// Parses one SQL expression into its canonical form (used by sources that read expressions
/// out of other formats, and by tests).
pub fn parse_expr(text: &str) -> Result<Expr, String> {
    source::ddl::parse_expr(text)
}

/// Everything one comparison produces.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Migration {
    /// The current side's format and diagnostics.
    pub from_format: Format,
    /// What the current side's source reported.
    pub from_diagnostics: Vec<Diagnostic>,
    /// The desired side's format.
    pub to_format: Format,
    /// What the desired side's source reported.
    pub to_diagnostics: Vec<Diagnostic>,
    /// The plan (empty when either side has errors).
    pub plan: Plan,
    /// The rendered SQL (empty when either side has errors).
    pub sql: String,
    /// The down migration: the inverse of every step the plan runs (see [`down_plan`]).
    pub down: Plan,
    /// The down migration's SQL.
    pub down_sql: String,
    /// The current side's schema (not serialized).
    #[serde(skip)]
    pub from_schema: Schema,
    /// The desired side's schema (not serialized).
    #[serde(skip)]
    pub to_schema: Schema,
}

impl Migration {
    /// Why there is no Alembic revision for this migration, when there is none: an online plan
    /// runs in phases, some outside any transaction and each backfill in a transaction of its
    /// own, which a revision (one transaction around `upgrade()`) cannot reproduce.
    pub fn alembic_unavailable(&self) -> Option<&'static str> {
        self.plan.online.then_some(
            "an online plan has no Alembic form: a revision runs upgrade() in one transaction, which would hold every lock the phases avoid until the end; use the online SQL script (diff --online) or apply --online, or the Alembic revision of the plan without --online",
        )
    }

    /// The migration as an Alembic revision module (upgrade and downgrade).
    pub fn alembic(&self, rev: &Revision) -> String {
        render_alembic(
            &self.plan,
            &self.down,
            &self.from_schema,
            &self.to_schema,
            rev,
        )
    }

    /// What a verdict of "no drift" or "converged" does not cover, by kind and with counts,
    /// on each side (`not compared: 14 aggregates in the current schema; 2 CREATE CAST
    /// statements in the desired one`); `None` when both sides were compared whole.
    pub fn not_compared_note(&self) -> Option<String> {
        not_compared_note(&self.from_diagnostics, &self.to_diagnostics)
    }

    /// True when either input had an error, so no SQL was produced.
    pub fn has_errors(&self) -> bool {
        self.from_diagnostics
            .iter()
            .chain(&self.to_diagnostics)
            .any(|d| d.severity == Severity::Error)
    }
}

/// What a verdict on two sides read with these diagnostics does not cover (see
/// [`Migration::not_compared_note`]).
pub fn not_compared_note(from: &[Diagnostic], to: &[Diagnostic]) -> Option<String> {
    let (from, to) = (error::not_compared(from), error::not_compared(to));
    let mut parts = Vec::new();
    if !from.is_empty() {
        parts.push(format!("{} in the current schema", from.join(", ")));
    }
    if !to.is_empty() {
        parts.push(format!("{} in the desired one", to.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("not compared: {}", parts.join("; ")))
}

/// Parses both sides, diffs, plans and renders: the whole pipeline in one call.
pub fn migrate(
    from: &str,
    from_format: Option<Format>,
    to: &str,
    to_format: Option<Format>,
    options: &PlanOptions,
) -> Migration {
    migrate_parsed(parse(from, from_format), parse(to, to_format), options)
}

/// The pipeline after parsing: both sides already read (from text or from a live catalog).
pub fn migrate_parsed(
    (ff, fp): (Format, Parsed),
    (tf, tp): (Format, Parsed),
    options: &PlanOptions,
) -> Migration {
    let mut m = Migration {
        from_format: ff,
        from_diagnostics: fp.diagnostics,
        to_format: tf,
        to_diagnostics: tp.diagnostics,
        plan: Plan::default(),
        sql: String::new(),
        down: Plan::default(),
        down_sql: String::new(),
        from_schema: Schema::default(),
        to_schema: Schema::default(),
    };
    let mut from_schema = fp.schema;
    let mut to_schema = tp.schema;
    match filtered_out(&options.filter, &mut from_schema) {
        Ok(d) => m.from_diagnostics.extend(d),
        Err(e) => m.from_diagnostics.push(e),
    }
    if let Ok(d) = filtered_out(&options.filter, &mut to_schema) {
        m.to_diagnostics.extend(d);
    }
    let roles = options.privileges.as_deref();
    let (a, b) = diff::scope_privileges(&mut from_schema, &mut to_schema, roles);
    m.from_diagnostics.extend(privileges_not_compared(a, roles));
    m.to_diagnostics.extend(privileges_not_compared(b, roles));
    m.to_diagnostics
        .extend(ranges_not_compared(&from_schema, &to_schema));
    from_schema.owners.compared = options.owners;
    to_schema.owners.compared = options.owners;
    m.from_diagnostics
        .extend(owners_not_compared(&from_schema, &to_schema, options));
    let mut renamed = Vec::new();
    if !m.has_errors() && !options.renames.is_empty() {
        match rename::apply(&mut from_schema, &to_schema, &options.renames) {
            Ok(changes) => renamed = changes,
            Err(message) => m.from_diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::UnknownObject,
                message,
                Default::default(),
            )),
        }
    }
    if !m.has_errors() {
        let mut d = diff(&from_schema, &to_schema);
        if options.online {
            online_swaps(&mut d, &from_schema, &to_schema);
        }
        // Confirmed renames run first: the current schema above already has the new names.
        d.changes.splice(0..0, renamed);
        m.plan = plan::plan_owned(d, options);
        cite_desired_lines(&mut m.plan, &to_schema, tf, &tp.files);
        m.sql = render_sql(&m.plan);
        m.down = down_plan(&m.plan, &from_schema, &to_schema);
        m.down_sql = render_sql(&m.down);
        if let Err(message) = check_statements(&m.plan).and_then(|()| check_statements(&m.down)) {
            m.to_diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::Internal,
                message,
                Default::default(),
            ));
            m.plan = Plan::default();
            m.down = Plan::default();
            m.sql.clear();
            m.down_sql.clear();
        }
        m.from_schema = from_schema;
        m.to_schema = to_schema;
    }
    m
}

/// The warning for `n` objects whose privileges a comparison of `roles`' leaves out, if any.
fn privileges_not_compared(n: usize, roles: Option<&[String]>) -> Option<Diagnostic> {
    (n > 0).then(|| {
        Diagnostic::new(
            Severity::Warning,
            DiagKind::OutOfScope,
            format!(
                "not compared: {n} {} privileges ({})",
                if n == 1 { "object's" } else { "objects'" },
                if roles.is_none() {
                    "compared only when asked: --privileges, or --privileges=ROLE,… for some roles"
                } else {
                    "granted to roles not compared"
                }
            ),
            Default::default(),
        )
    })
}

/// What a comparison of `from` and `to` under `options` leaves out that reading each side did
/// not report, for each side: what the filter leaves out ([`PlanOptions::filter`]), the
/// privileges of roles it does not compare ([`PlanOptions::privileges`]), and the range types
/// a column keeps from changing. What a verdict on a fresh read adds to the sides' own
/// diagnostics.
pub fn left_out(
    from: &Schema,
    to: &Schema,
    options: &PlanOptions,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let (mut from, mut to) = (from.clone(), to.clone());
    let mut a: Vec<Diagnostic> = filtered_out(&options.filter, &mut from).unwrap_or_default();
    let mut b: Vec<Diagnostic> = filtered_out(&options.filter, &mut to).unwrap_or_default();
    b.extend(ranges_not_compared(&from, &to));
    a.extend(owners_not_compared(&from, &to, options));
    let roles = options.privileges.as_deref();
    let (pa, pb) = diff::scope_privileges(&mut from, &mut to, roles);
    a.extend(privileges_not_compared(pa, roles));
    b.extend(privileges_not_compared(pb, roles));
    (a, b)
}

/// Takes out of `schema` what `filter` leaves out, with a warning for each kind of object it
/// took (`not compared: 3 tables (left out by the filter: a, b, c)`); an error for a pattern
/// that cannot be read.
pub fn filtered_out(filter: &Filter, schema: &mut Schema) -> Result<Vec<Diagnostic>, Diagnostic> {
    let took = filter.apply(schema).map_err(|e| {
        Diagnostic::new(
            Severity::Error,
            DiagKind::Syntax,
            format!("filter: {e}"),
            Default::default(),
        )
    })?;
    Ok(took
        .into_iter()
        .map(|(kind, names)| {
            let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
            let more = match names.len() - shown.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let kind = if names.len() == 1 {
                kind.strip_suffix('s').unwrap_or(kind)
            } else {
                kind
            };
            Diagnostic::new(
                Severity::Warning,
                DiagKind::OutOfScope,
                format!(
                    "not compared: {} {kind} (left out by the filter: {}{more})",
                    names.len(),
                    shown.join(", ")
                ),
                Default::default(),
            )
        })
        .collect())
}

/// A warning naming how many objects the sides state different owners of, when owners are
/// not compared ([`PlanOptions::owners`]).
fn owners_not_compared(from: &Schema, to: &Schema, options: &PlanOptions) -> Option<Diagnostic> {
    let n = diff::owners_differing(from, to);
    (!options.owners && n > 0).then(|| {
        Diagnostic::new(
            Severity::Warning,
            DiagKind::OutOfScope,
            format!(
                "not compared: {n} {} owners (the sides name other owners; compared only when asked: --owners)",
                if n == 1 { "object's" } else { "objects'" }
            ),
            Default::default(),
        )
    })
}

/// A warning for each range type both sides have with other definitions that a column kept
/// stores ([`diff::ranges_held`]).
fn ranges_not_compared(from: &Schema, to: &Schema) -> Vec<Diagnostic> {
    diff::ranges_held(from, to)
        .into_iter()
        .map(|(name, columns)| {
            Diagnostic::new(
                Severity::Warning,
                DiagKind::OutOfScope,
                format!(
                    "not compared: 1 range type ({name}: wanted with another definition, but PostgreSQL alters no range type and drops none while a column stores it: {}; retype or drop {} to change it)",
                    columns.join(", "),
                    if columns.len() == 1 { "that column" } else { "those columns" }
                ),
                Default::default(),
            )
        })
        .collect()
}

/// Appends to each column-level reason the model line that asks for it, when the desired side
/// is a SQLAlchemy model (whose columns each have their own line), so a reader can find it.
/// Models read from several files cite the file too.
fn cite_desired_lines(plan: &mut Plan, to: &Schema, format: Format, files: &[SourceFile]) {
    if format != Format::SqlAlchemy {
        return;
    }
    for step in plan.steps.iter_mut().chain(plan.skipped.iter_mut()) {
        let target = match &step.change {
            Change::AddColumn { table, column } => Some((table, column.name.as_str())),
            Change::AlterColumnType { table, column, .. }
            | Change::SetNotNull { table, column }
            | Change::Backfill { table, column, .. }
            | Change::DropNotNull { table, column }
            | Change::SetDefault { table, column, .. }
            | Change::DropDefault { table, column, .. } => Some((table, column.as_str())),
            _ => None,
        };
        let Some((table, column)) = target else {
            continue;
        };
        if let Some(c) = to.tables.get(table).and_then(|t| t.column(column)) {
            match source::file_of(files, c.span) {
                Some(file) => step.reason.push_str(&format!(" ({file}:{})", c.span.line)),
                None if c.span.line > 0 => step
                    .reason
                    .push_str(&format!(" (model line {})", c.span.line)),
                None => {}
            }
        }
    }
}

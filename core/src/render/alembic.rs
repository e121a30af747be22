//! A plan and its down plan as an Alembic revision module: `upgrade()` and `downgrade()` with
//! Alembic's operations (`op.add_column`, `op.alter_column`, `op.create_index` …), types spelled
//! as in a model (`sa.String(length=255)`), and `op.execute` only where no operation exists.
//! Reasons and hazards are comments above each operation.

use crate::diff::Change;
use crate::plan::{Plan, Step};
use crate::render::sqlalchemy::{fk_kwargs, py, sa_type, TypeNames};
use crate::schema::{Column, Deferrable, Identity, Index, QualName, Schema, Table};
use crate::sql::{key_sql, step_sql};

/// The revision's identity.
#[derive(Debug, Clone, Default)]
pub struct Revision {
    /// `revision` (Alembic uses 12 hex digits).
    pub id: String,
    /// `down_revision`, `None` for the first revision.
    pub down_revision: Option<String>,
    /// The message (the docstring's first line).
    pub message: String,
    /// `Create Date:` as text.
    pub create_date: String,
}

/// Names as a revision writes them: `sa.` and `postgresql.`.
struct Names;

impl TypeNames for Names {
    fn sa(&mut self, name: &'static str) -> String {
        format!("sa.{name}")
    }
    fn pg(&mut self, name: &'static str) -> String {
        format!("postgresql.{name}")
    }
    fn migration(&self) -> bool {
        true
    }
}

/// SQL for `sa.text()` (or a string SQLAlchemy turns into one): `:name` would be a bind
/// parameter, so such colons are escaped (`::` casts are left alone).
fn sql_lit(sql: &str) -> String {
    let b: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    for (i, &c) in b.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| b[j]);
        let next = b.get(i + 1).copied();
        if c == ':'
            && prev != Some(':')
            && prev != Some('\\')
            && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_')
            && next.is_some_and(|n| n.is_alphanumeric() || n == '_' || n == '$')
        {
            out.push('\\');
        }
        out.push(c);
    }
    py(&out)
}

fn text(sql: &str) -> String {
    format!("sa.text({})", sql_lit(sql))
}

fn strs(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| py(s)).collect::<Vec<_>>().join(", ")
    )
}

fn schema_kw(q: &QualName, key: &str) -> String {
    if q.schema == "public" {
        String::new()
    } else {
        format!(", {key}={}", py(&q.schema))
    }
}

fn deferrable_kw(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::Immediate => ", deferrable=True, initially=\"IMMEDIATE\"",
        Deferrable::Deferred => ", deferrable=True, initially=\"DEFERRED\"",
    }
}

/// The schemas a plan runs between: column types are looked up in `before`, then `after`.
struct Ctx<'a> {
    before: &'a Schema,
    after: &'a Schema,
}

impl Ctx<'_> {
    fn column(&self, t: &QualName, c: &str) -> Option<&Column> {
        self.before
            .tables
            .get(t)
            .and_then(|t| t.column(c))
            .or_else(|| self.after.tables.get(t).and_then(|t| t.column(c)))
    }

    fn ty(&self, data_type: &str) -> Option<String> {
        sa_type(data_type, self.after, &mut Names)
            .or_else(|| sa_type(data_type, self.before, &mut Names))
    }

    fn existing_type(&self, t: &QualName, c: &str) -> Option<String> {
        self.ty(&self.column(t, c)?.data_type)
    }

    /// `sa.Column(...)` for a column, or `None` when Alembic cannot say it (serial outside a
    /// one-column integer primary key, identity options, collations).
    fn column_expr(&self, c: &Column, sole_int_pk: bool) -> Option<String> {
        if c.collation.is_some() || !c.identity_options.is_default() {
            return None;
        }
        let ty = if c.serial {
            if !sole_int_pk {
                return None;
            }
            match c.data_type.as_str() {
                "bigint" => "sa.BigInteger()".to_string(),
                "smallint" => "sa.SmallInteger()".to_string(),
                _ => "sa.Integer()".to_string(),
            }
        } else {
            self.ty(&c.data_type)?
        };
        let mut a = vec![py(&c.name), ty];
        if let Some(id) = c.identity {
            a.push(match id {
                Identity::Always => "sa.Identity(always=True)".into(),
                Identity::ByDefault => "sa.Identity()".into(),
            });
        }
        if let Some(g) = &c.generated {
            a.push(format!("sa.Computed({}, persisted=True)", sql_lit(&g.sql)));
        }
        if sole_int_pk && !c.serial && c.identity.is_none() {
            a.push("autoincrement=False".into());
        }
        a.push(format!(
            "nullable={}",
            if c.not_null { "False" } else { "True" }
        ));
        if let Some(d) = &c.default {
            a.push(format!("server_default={}", text(&d.sql)));
        }
        if let Some(cm) = &c.comment {
            a.push(format!("comment={}", py(cm)));
        }
        Some(format!("sa.Column({})", a.join(", ")))
    }

    fn create_table(&self, t: &Table) -> Option<String> {
        if !t.exclusions.is_empty()
            || !t.inherits.is_empty()
            || t.partition_of.is_some()
            || t.partition_by.is_some()
            || t.unlogged
        {
            return None;
        }
        let int_pk = t
            .primary_key
            .as_ref()
            .and_then(|pk| match pk.columns.as_slice() {
                [one] if pk.include.is_empty() => Some(one.clone()),
                _ => None,
            });
        let mut items = vec![py(&t.name.name)];
        for c in &t.columns {
            let sole = int_pk.as_deref() == Some(c.name.as_str())
                && matches!(c.data_type.as_str(), "integer" | "bigint" | "smallint");
            items.push(self.column_expr(c, sole)?);
        }
        if let Some(pk) = &t.primary_key {
            if !pk.include.is_empty() {
                return None;
            }
            items.push(format!(
                "sa.PrimaryKeyConstraint({}, name={}{})",
                pk.columns
                    .iter()
                    .map(|c| py(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                py(&pk.name),
                deferrable_kw(pk.deferrable)
            ));
        }
        for u in &t.uniques {
            if !u.include.is_empty() {
                return None;
            }
            items.push(format!(
                "sa.UniqueConstraint({}, name={}{}{})",
                u.columns
                    .iter()
                    .map(|c| py(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                py(&u.name),
                deferrable_kw(u.deferrable),
                if u.nulls_not_distinct {
                    ", postgresql_nulls_not_distinct=True"
                } else {
                    ""
                }
            ));
        }
        for c in &t.checks {
            if c.no_inherit {
                return None;
            }
            items.push(format!(
                "sa.CheckConstraint({}, name={})",
                sql_lit(&c.expr.sql),
                py(&c.name)
            ));
        }
        let mut kw = schema_kw(&t.name, "schema");
        if let Some(c) = &t.comment {
            kw.push_str(&format!(", comment={}", py(c)));
        }
        let mut s = String::from("op.create_table(\n");
        for i in &items {
            s.push_str(&format!("    {i},\n"));
        }
        if !kw.is_empty() {
            s.push_str(&format!("    {},\n", kw.trim_start_matches(", ")));
        }
        s.push(')');
        Some(s)
    }

    fn create_index(&self, table: &QualName, i: &Index) -> Option<String> {
        let mut keys = Vec::new();
        for k in &i.keys {
            let plain = k.is_column && !k.desc && k.nulls_first.is_none() && k.opclass.is_none();
            keys.push(if plain {
                py(&crate::quote::unquote_ident(&k.expr.sql))
            } else {
                text(&key_sql(k))
            });
        }
        let mut s = format!(
            "op.create_index({}, {}, [{}]",
            py(&i.name),
            py(&table.name),
            keys.join(", ")
        );
        if i.unique {
            s.push_str(", unique=True");
        }
        s.push_str(&schema_kw(table, "schema"));
        if i.method != "btree" {
            s.push_str(&format!(", postgresql_using={}", py(&i.method)));
        }
        if !i.include.is_empty() {
            s.push_str(&format!(", postgresql_include={}", strs(&i.include)));
        }
        if i.nulls_not_distinct {
            s.push_str(", postgresql_nulls_not_distinct=True");
        }
        if let Some(p) = &i.predicate {
            s.push_str(&format!(", postgresql_where={}", text(&p.sql)));
        }
        if !i.with.0.is_empty() {
            let kv: Option<Vec<String>> = i
                .with
                .0
                .iter()
                .map(|p| {
                    p.split_once('=').map(|(k, v)| {
                        format!("{}: {}", py(k.trim()), py(v.trim().trim_matches('\'')))
                    })
                })
                .collect();
            s.push_str(&format!(", postgresql_with={{{}}}", kv?.join(", ")));
        }
        s.push(')');
        Some(s)
    }

    fn alter(&self, t: &QualName, c: &str, rest: &str) -> Option<String> {
        Some(format!(
            "op.alter_column({}, {}, existing_type={}{rest}{})",
            py(&t.name),
            py(c),
            self.existing_type(t, c)?,
            schema_kw(t, "schema")
        ))
    }

    /// The operation for one change, when Alembic has one.
    fn op(&self, change: &Change) -> Option<String> {
        use Change::*;
        Some(match change {
            CreateTable { table } => self.create_table(table)?,
            DropTable { table } => format!(
                "op.drop_table({}{})",
                py(&table.name.name),
                schema_kw(&table.name, "schema")
            ),
            AddColumn { table, column } => format!(
                "op.add_column({}, {}{})",
                py(&table.name),
                self.column_expr(column, false)?,
                schema_kw(table, "schema")
            ),
            DropColumn { table, column } => format!(
                "op.drop_column({}, {}{})",
                py(&table.name),
                py(&column.name),
                schema_kw(table, "schema")
            ),
            AlterColumnType {
                table,
                column,
                from,
                to,
                from_collation,
                to_collation,
                serial: false,
                ..
            } if from_collation == to_collation => {
                let sql = step_sql(change);
                let [one] = sql.as_slice() else { return None };
                let using = one
                    .split_once(" USING ")
                    .map(|(_, u)| format!(", postgresql_using={}", sql_lit(u)))
                    .unwrap_or_default();
                let nullable = self
                    .column(table, column)
                    .map(|c| {
                        format!(
                            ", existing_nullable={}",
                            if c.not_null { "False" } else { "True" }
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "op.alter_column({}, {}, existing_type={}, type_={}{nullable}{using}{})",
                    py(&table.name),
                    py(column),
                    self.ty(from)?,
                    self.ty(to)?,
                    schema_kw(table, "schema")
                )
            }
            SetNotNull { table, column } => self.alter(table, column, ", nullable=False")?,
            DropNotNull { table, column } => self.alter(table, column, ", nullable=True")?,
            SetDefault {
                table, column, to, ..
            } => self.alter(
                table,
                column,
                &format!(", server_default={}", text(&to.sql)),
            )?,
            DropDefault { table, column, .. } => {
                self.alter(table, column, ", server_default=None")?
            }
            CommentColumn {
                table,
                column,
                from,
                to,
            } => self.alter(
                table,
                column,
                &format!(
                    ", comment={}, existing_comment={}",
                    to.as_deref().map_or("None".into(), py),
                    from.as_deref().map_or("None".into(), py)
                ),
            )?,
            CommentTable {
                table,
                from,
                to: Some(to),
            } => format!(
                "op.create_table_comment({}, {}, existing_comment={}{})",
                py(&table.name),
                py(to),
                from.as_deref().map_or("None".into(), py),
                schema_kw(table, "schema")
            ),
            CommentTable {
                table,
                from,
                to: None,
            } => format!(
                "op.drop_table_comment({}, existing_comment={}{})",
                py(&table.name),
                from.as_deref().map_or("None".into(), py),
                schema_kw(table, "schema")
            ),
            AddPrimaryKey { table, pk } if pk.include.is_empty() => format!(
                "op.create_primary_key({}, {}, {}{})",
                py(&pk.name),
                py(&table.name),
                strs(&pk.columns),
                schema_kw(table, "schema")
            ),
            AddUnique { table, unique }
                if unique.include.is_empty() && !unique.nulls_not_distinct =>
            {
                format!(
                    "op.create_unique_constraint({}, {}, {}{}{})",
                    py(&unique.name),
                    py(&table.name),
                    strs(&unique.columns),
                    schema_kw(table, "schema"),
                    deferrable_kw(unique.deferrable)
                )
            }
            AddCheck { table, check } if !check.no_inherit => format!(
                "op.create_check_constraint({}, {}, {}{})",
                py(&check.name),
                py(&table.name),
                sql_lit(&check.expr.sql),
                schema_kw(table, "schema")
            ),
            // `ondelete=` takes no column list (PostgreSQL 15's `SET NULL (…)`): its SQL then.
            AddForeignKey { table, fk } if fk.on_delete_columns.is_empty() => {
                let mut s = format!(
                    "op.create_foreign_key({}, {}, {}, {}, {}",
                    py(&fk.name),
                    py(&table.name),
                    py(&fk.ref_table.name),
                    strs(&fk.columns),
                    strs(&fk.ref_columns)
                );
                s.push_str(&fk_kwargs(fk));
                s.push_str(deferrable_kw(fk.deferrable));
                s.push_str(&schema_kw(table, "source_schema"));
                s.push_str(&schema_kw(&fk.ref_table, "referent_schema"));
                s.push(')');
                s
            }
            DropPrimaryKey { table, pk } => drop_constraint(table, &pk.name, "primary"),
            DropUnique { table, unique } => drop_constraint(table, &unique.name, "unique"),
            DropCheck { table, check } => drop_constraint(table, &check.name, "check"),
            DropForeignKey { table, fk } => drop_constraint(table, &fk.name, "foreignkey"),
            CreateIndex { table, index } if index.comment.is_none() => {
                self.create_index(table, index)?
            }
            RenameTable { from, to } => format!(
                "op.rename_table({}, {}{})",
                py(&from.name),
                py(to),
                schema_kw(from, "schema")
            ),
            RenameColumn { table, from, to } => format!(
                "op.alter_column({}, {}, new_column_name={}{})",
                py(&table.name),
                py(from),
                py(to),
                schema_kw(table, "schema")
            ),
            DropIndex { table, index } => format!(
                "op.drop_index({}, table_name={}{})",
                py(&index.name),
                py(&table.name),
                schema_kw(table, "schema")
            ),
            CreateEnum { ty } if ty.comment.is_none() => format!(
                "postgresql.ENUM({}, name={}{}).create(op.get_bind())",
                ty.values
                    .iter()
                    .map(|v| py(v))
                    .collect::<Vec<_>>()
                    .join(", "),
                py(&ty.name.name),
                schema_kw(&ty.name, "schema")
            ),
            DropEnum { ty } => format!(
                "postgresql.ENUM(name={}{}).drop(op.get_bind())",
                py(&ty.name.name),
                schema_kw(&ty.name, "schema")
            ),
            Change::CreateSchema { .. }
            | Change::DropSchema { .. }
            | Change::CreateCollation { .. }
            | Change::DropCollation { .. }
            | Change::CreateDomain { .. }
            | Change::AlterDomain { .. }
            | Change::DropDomain { .. }
            | Change::CreateCompositeType { .. }
            | Change::AlterCompositeType { .. }
            | Change::DropCompositeType { .. }
            | Change::CreateRangeType { .. }
            | Change::CreateStatistics { .. }
            | Change::SetOwner { .. }
            | Change::AlterStatistics { .. }
            | Change::DropStatistics { .. }
            | Change::DropRangeType { .. }
            | Change::CreateExtension { .. }
            | Change::AlterExtension { .. }
            | Change::DropExtension { .. }
            | Change::CreateEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::RebuildEnum { .. }
            | Change::CreateSequence { .. }
            | Change::AlterSequence { .. }
            | Change::DropSequence { .. }
            | Change::RecreateTable { .. }
            | Change::SetLogged { .. }
            | Change::SetStorageParams { .. }
            | Change::CommentObject { .. }
            | Change::SetReplicaIdentity { .. }
            | Change::AlterColumnSettings { .. }
            | Change::DetachPartition { .. }
            | Change::AttachPartition { .. }
            | Change::AlterColumnType { .. }
            | Change::Backfill { .. }
            | Change::AddIdentity { .. }
            | Change::SetIdentityOptions { .. }
            | Change::SetIdentity { .. }
            | Change::DropIdentity { .. }
            | Change::AddSerial { .. }
            | Change::DropSerial { .. }
            | Change::AddPrimaryKey { .. }
            | Change::AddUnique { .. }
            | Change::AddCheck { .. }
            | Change::AddForeignKey { .. }
            | Change::ValidateConstraint { .. }
            | Change::AddExclusion { .. }
            | Change::DropExclusion { .. }
            | Change::CreateIndex { .. }
            | Change::RenameConstraint { .. }
            | Change::RenameIndex { .. }
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
            | Change::Revoke { .. } => return None,
        })
    }
}

fn drop_constraint(table: &QualName, name: &str, kind: &str) -> String {
    format!(
        "op.drop_constraint({}, {}, type_={}{})",
        py(name),
        py(&table.name),
        py(kind),
        schema_kw(table, "schema")
    )
}

fn comment(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("    # {flat}\n")
}

fn indent(code: &str, by: &str) -> String {
    code.lines()
        .map(|l| format!("{by}{l}\n"))
        .collect::<String>()
}

/// The body of `upgrade()` or `downgrade()`.
fn body(p: &Plan, ctx: &Ctx<'_>) -> String {
    let mut out = String::new();
    let several = p.steps.len() > 1;
    for step in &p.steps {
        out.push_str(&step_comment(step));
        match (&step.change, ctx.op(&step.change)) {
            (Change::AddEnumValue { .. }, _) if several => {
                // PostgreSQL uses a new label only after it is committed.
                out.push_str("    with op.get_context().autocommit_block():\n");
                for s in step_sql(&step.change) {
                    out.push_str(&format!("        op.execute({})\n", text(&s)));
                }
            }
            (_, Some(code)) => out.push_str(&indent(&code, "    ")),
            (_, None) => {
                for s in step_sql(&step.change) {
                    out.push_str(&format!("    op.execute({})\n", text(&s)));
                }
            }
        }
    }
    for step in &p.skipped {
        out.push_str(&comment(&format!(
            "skipped (destructive, would lose {}): {}",
            step.loses.as_deref().unwrap_or("data"),
            step.reason
        )));
    }
    for step in &p.irreversible {
        out.push_str(&comment(&format!("not undone: {}", step.reason)));
    }
    if p.steps.is_empty() {
        out.push_str("    pass\n");
    }
    out
}

fn step_comment(step: &Step) -> String {
    let mut s = comment(&step.reason);
    if !step.hazards.is_empty() {
        let ids: Vec<&str> = step.hazards.iter().map(|h| h.id()).collect();
        s.push_str(&comment(&format!("hazards: {}", ids.join(", "))));
    }
    s
}

/// The revision module for `up` (from `current` to `desired`) and its `down` plan.
pub fn render_alembic(
    up: &Plan,
    down: &Plan,
    current: &Schema,
    desired: &Schema,
    rev: &Revision,
) -> String {
    let message = rev.message.replace("\"\"\"", "'''").replace('\\', "/");
    let up_body = body(
        up,
        &Ctx {
            before: current,
            after: desired,
        },
    );
    let down_body = body(
        down,
        &Ctx {
            before: desired,
            after: current,
        },
    );
    let needs_pg = up_body.contains("postgresql.") || down_body.contains("postgresql.");
    let mut s = format!(
        "\"\"\"{message}\n\nRevision ID: {id}\nRevises: {down}\nCreate Date: {date}\n\nWritten by schemafix: each operation follows the reason for it.\n\"\"\"\n",
        id = rev.id,
        down = rev.down_revision.as_deref().unwrap_or(""),
        date = rev.create_date
    );
    s.push_str(
        "from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n",
    );
    if needs_pg {
        s.push_str("from sqlalchemy.dialects import postgresql\n");
    }
    s.push_str(&format!(
        "\n# revision identifiers, used by Alembic.\nrevision: str = {}\ndown_revision: Union[str, None] = {}\nbranch_labels: Union[str, Sequence[str], None] = None\ndepends_on: Union[str, Sequence[str], None] = None\n",
        py(&rev.id),
        rev.down_revision.as_deref().map_or("None".into(), py)
    ));
    s.push_str("\n\ndef upgrade() -> None:\n");
    s.push_str(&up_body);
    s.push_str("\n\ndef downgrade() -> None:\n");
    s.push_str(&down_body);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colons_that_would_be_bind_parameters_are_escaped() {
        assert_eq!(sql_lit("'a'::text"), "\"'a'::text\"");
        assert_eq!(sql_lit("x = ':name'"), "\"x = '\\\\:name'\"");
        assert_eq!(sql_lit("'10:30'"), "\"'10:30'\"");
    }
}

//! Statements: the SQL text of one change (`step_sql`: one statement, a few changes two or
//! three), and the clauses the plan's online forms build theirs from. Identifiers and literals
//! go through `quote.rs` only. Below the plan: it knows changes, not steps.

mod composites;
mod domains;
mod settings;
mod statistics;
pub(crate) use settings::identity;

use crate::diff::Change;
use crate::normalize::{make_object_name, serial_sequence};
use crate::quote::{quote_ident, quote_literal};
use crate::schema::{
    grantee_sql, privileges_sql, Column, Deferrable, ForeignKey, Identity, IdentityOptions, Index,
    QualName, Sequence, Table,
};

/// ` NOT VALID` for a constraint wanted so.
pub(crate) fn not_valid(wanted: bool) -> &'static str {
    if wanted {
        " NOT VALID"
    } else {
        ""
    }
}

pub(crate) fn validate(table: &QualName, name: &str) -> String {
    format!("ALTER TABLE {table} VALIDATE CONSTRAINT {}", q(name))
}

/// When a sequence's bound moves inward past where it stands (an ascending sequence's
/// `MINVALUE` raised, a descending one's `MAXVALUE` lowered), `ALTER SEQUENCE` fails while its
/// current value lies outside the new range: this statement first moves the value to the new
/// bound, never backwards (no value is handed out twice). A sequence never used starts at the
/// new `START`. `seq` is an SQL expression naming it (cast to `regclass`).
pub(crate) fn raise_below_new_min(
    seq: &str,
    from: &IdentityOptions,
    to: &IdentityOptions,
) -> Option<String> {
    let (bound, pick) = if to.increment > 0 {
        let new = to.min_value?;
        // The default MINVALUE of an ascending sequence is 1.
        (from.min_value.unwrap_or(1) < new).then_some((new, "GREATEST"))?
    } else {
        let new = to.max_value?;
        (from.max_value.unwrap_or(-1) > new).then_some((new, "LEAST"))?
    };
    let fresh = to.start.unwrap_or(bound);
    Some(format!(
        "SELECT pg_catalog.setval(s, CASE WHEN v IS NULL THEN {fresh} ELSE {pick}(v, {bound}) END, v IS NOT NULL) \
         FROM (SELECT s, pg_catalog.pg_sequence_last_value(s) AS v \
         FROM (SELECT CAST({seq} AS regclass) AS s) AS n) AS c"
    ))
}

pub(crate) fn q(s: &str) -> String {
    quote_ident(s)
}

pub(crate) fn cols(c: &[String]) -> String {
    crate::quote::quote_idents(c)
}

pub(crate) fn deferrable(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::Immediate => " DEFERRABLE",
        Deferrable::Deferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

/// The rendered SQL name of an object living in `table`'s schema.
pub(crate) fn in_schema(table: &QualName, name: &str) -> String {
    QualName::new(table.schema.clone(), name.to_string()).to_string()
}

pub(crate) fn serial_type(data_type: &str) -> &'static str {
    match data_type {
        "bigint" => "bigserial",
        "smallint" => "smallserial",
        _ => "serial",
    }
}

/// ` COLLATE name`, each part of a qualified name quoted as needed.
pub(crate) fn collate(coll: &str) -> String {
    format!(
        " COLLATE {}",
        coll.split('.').map(q).collect::<Vec<_>>().join(".")
    )
}

/// `value` converted from `from` to `to` as a type change does: by assignment (`None`), by
/// the type-pair table's `USING` expression (`Some(false)`), or through text (`Some(true)`,
/// for enums).
pub(crate) fn converted(value: &str, from: &str, to: &str, using: Option<bool>) -> String {
    use crate::diff::convert::{type_change, using_expr, Using};
    match using {
        None => value.to_string(),
        Some(through_text) => match type_change(from, to, through_text).using {
            // A caller asking for a cast where none is needed gets one.
            Using::Assign => using_expr(value, to, Using::Cast),
            u => using_expr(value, to, u),
        },
    }
}

pub(crate) fn column_def(c: &Column) -> String {
    let mut s = format!("{} ", q(&c.name));
    if c.serial {
        s.push_str(serial_type(&c.data_type));
    } else {
        s.push_str(&c.data_type);
    }
    if let Some(coll) = &c.collation {
        s.push_str(&collate(coll));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.sql));
    }
    if let Some(i) = c.identity {
        s.push_str(identity_clause(i));
        if !c.identity_options.is_default() {
            s.push_str(&format!(
                " ({})",
                identity_options_sql(&c.identity_options, "")
            ));
        }
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", d.sql));
    }
    if c.not_null && !c.serial && c.identity.is_none() {
        s.push_str(" NOT NULL");
    }
    s
}

/// The non-default options, as `CREATE SEQUENCE` words (`START WITH 5 INCREMENT BY 2`);
/// `empty` when all are defaults.
pub(crate) fn identity_options_sql(o: &IdentityOptions, empty: &str) -> String {
    let mut parts = Vec::new();
    if let Some(v) = o.start {
        parts.push(format!("START WITH {v}"));
    }
    if o.increment != 1 {
        parts.push(format!("INCREMENT BY {}", o.increment));
    }
    if let Some(v) = o.min_value {
        parts.push(format!("MINVALUE {v}"));
    }
    if let Some(v) = o.max_value {
        parts.push(format!("MAXVALUE {v}"));
    }
    if o.cache != 1 {
        parts.push(format!("CACHE {}", o.cache));
    }
    if o.cycle {
        parts.push("CYCLE".to_string());
    }
    if parts.is_empty() {
        empty.to_string()
    } else {
        parts.join(" ")
    }
}

/// `SET …` clauses that turn identity options `from` into `to`.
pub(crate) fn set_identity_options(from: &IdentityOptions, to: &IdentityOptions) -> String {
    let mut parts = Vec::new();
    if from.increment != to.increment {
        parts.push(format!("SET INCREMENT BY {}", to.increment));
    }
    if from.min_value != to.min_value {
        parts.push(
            to.min_value
                .map_or("SET NO MINVALUE".into(), |v| format!("SET MINVALUE {v}")),
        );
    }
    if from.max_value != to.max_value {
        parts.push(
            to.max_value
                .map_or("SET NO MAXVALUE".into(), |v| format!("SET MAXVALUE {v}")),
        );
    }
    // A bound that moves moves the default start with it.
    if from.effective_start() != to.effective_start() || from.start != to.start {
        if let Some(start) = to.effective_start() {
            parts.push(format!("SET START WITH {start}"));
        }
    }
    if from.cache != to.cache {
        parts.push(format!("SET CACHE {}", to.cache));
    }
    if from.cycle != to.cycle {
        parts.push(
            if to.cycle {
                "SET CYCLE"
            } else {
                "SET NO CYCLE"
            }
            .to_string(),
        );
    }
    parts.join(" ")
}

pub(crate) fn identity_clause(i: Identity) -> &'static str {
    match i {
        Identity::Always => " GENERATED ALWAYS AS IDENTITY",
        Identity::ByDefault => " GENERATED BY DEFAULT AS IDENTITY",
    }
}

pub(crate) fn fk_clause(fk: &ForeignKey) -> String {
    let mut s = format!(
        "FOREIGN KEY ({}) REFERENCES {}",
        cols(&fk.columns),
        fk.ref_table
    );
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", cols(&fk.ref_columns)));
    }
    if fk.match_full {
        s.push_str(" MATCH FULL");
    }
    if fk.on_update != crate::schema::FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.on_delete != crate::schema::FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
        if !fk.on_delete_columns.is_empty() {
            s.push_str(&format!(" ({})", cols(&fk.on_delete_columns)));
        }
    }
    s.push_str(deferrable(fk.deferrable));
    s
}

pub(crate) fn include(c: &[String]) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!(" INCLUDE ({})", cols(c))
    }
}

pub(crate) fn create_table(t: &Table) -> String {
    let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
    // A partition takes its columns from its parent: only its own constraints are listed.
    let mut items: Vec<String> = if t.partition_of.is_some() {
        Vec::new()
    } else {
        t.columns.iter().map(column_def).collect()
    };
    if let Some(pk) = &t.primary_key {
        items.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({}){}{}",
            q(&pk.name),
            cols(&pk.columns),
            include(&pk.include),
            deferrable(pk.deferrable)
        ));
    }
    for u in &t.uniques {
        items.push(format!("CONSTRAINT {} {}", q(&u.name), unique_clause(u)));
    }
    for c in &t.checks {
        items.push(format!("CONSTRAINT {} {}", q(&c.name), check_clause(c)));
    }
    for e in &t.exclusions {
        items.push(format!("CONSTRAINT {} {}", q(&e.name), exclusion_clause(e)));
    }
    let body = items
        .iter()
        .map(|i| format!("    {i}"))
        .collect::<Vec<_>>()
        .join(",\n");
    let mut tail = String::new();
    if let Some(p) = &t.partition_of {
        let body = if body.is_empty() {
            String::new()
        } else {
            format!(" (\n{body}\n)")
        };
        tail = format!(" {}", p.bound.sql);
        if let Some(b) = &t.partition_by {
            tail.push_str(&format!(" PARTITION BY {}", b.sql));
        }
        return format!(
            "CREATE {unlogged}TABLE {} PARTITION OF {}{body}{tail}",
            t.name, p.parent
        );
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(ToString::to_string).collect();
        tail.push_str(&format!(" INHERITS ({})", parents.join(", ")));
    }
    if let Some(b) = &t.partition_by {
        tail.push_str(&format!(" PARTITION BY {}", b.sql));
    }
    if body.is_empty() {
        format!("CREATE {unlogged}TABLE {} (){tail}", t.name)
    } else {
        format!("CREATE {unlogged}TABLE {} (\n{body}\n){tail}", t.name)
    }
}

pub(crate) fn unique_clause(u: &crate::schema::Unique) -> String {
    format!(
        "UNIQUE{} ({}){}{}",
        if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        cols(&u.columns),
        include(&u.include),
        deferrable(u.deferrable)
    )
}

pub(crate) fn check_clause(c: &crate::schema::Check) -> String {
    format!(
        "CHECK ({}){}",
        c.expr.sql,
        if c.no_inherit { " NO INHERIT" } else { "" }
    )
}

pub(crate) fn exclusion_clause(e: &crate::schema::Exclusion) -> String {
    let elements: Vec<String> = e
        .elements
        .iter()
        .map(|(k, op)| format!("{} WITH {op}", key_sql(k)))
        .collect();
    let mut s = format!("EXCLUDE USING {} ({})", q(&e.method), elements.join(", "));
    s.push_str(&include(&e.include));
    if let Some(p) = &e.predicate {
        s.push_str(&format!(" WHERE ({})", p.sql));
    }
    s.push_str(deferrable(e.deferrable));
    s
}

pub(crate) fn key_sql(k: &crate::schema::IndexKey) -> String {
    let mut s = if k.is_column {
        k.expr.sql.clone()
    } else {
        format!("({})", k.expr.sql)
    };
    if let Some(o) = &k.opclass {
        s.push(' ');
        s.push_str(o);
    }
    if k.desc {
        s.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) => s.push_str(" NULLS FIRST"),
        Some(false) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

pub(crate) fn create_index(table: &QualName, i: &Index) -> String {
    create_index_sql(table, i, false)
}

pub(crate) fn create_index_sql(table: &QualName, i: &Index, concurrently: bool) -> String {
    let keys: Vec<String> = i.keys.iter().map(key_sql).collect();
    let mut s = format!(
        "CREATE {}INDEX {}{} ON {}",
        if i.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        q(&i.name),
        table
    );
    if i.method != "btree" {
        s.push_str(&format!(" USING {}", q(&i.method)));
    }
    s.push_str(&format!(" ({})", keys.join(", ")));
    s.push_str(&include(&i.include));
    if i.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if !i.with.0.is_empty() {
        let params: Vec<String> = i
            .with
            .0
            .iter()
            .map(|p| match p.split_once('=') {
                Some((k, v)) => format!("{}={}", q(k), quote_literal(v)),
                None => q(p),
            })
            .collect();
        s.push_str(&format!(" WITH ({})", params.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {}", p.sql));
    }
    s
}

pub(crate) fn sequence_options(s: &Sequence, alter: bool) -> String {
    let mut o = format!(" AS {} INCREMENT BY {}", s.data_type, s.increment);
    match s.min_value {
        Some(v) => o.push_str(&format!(" MINVALUE {v}")),
        None => o.push_str(" NO MINVALUE"),
    }
    match s.max_value {
        Some(v) => o.push_str(&format!(" MAXVALUE {v}")),
        None => o.push_str(" NO MAXVALUE"),
    }
    if let Some(v) = s.start {
        o.push_str(&format!(" START WITH {v}"));
    } else if alter {
        let start = if s.increment > 0 {
            s.min_value.unwrap_or(1)
        } else {
            s.max_value.unwrap_or(-1)
        };
        o.push_str(&format!(" START WITH {start}"));
    }
    o.push_str(&format!(" CACHE {}", s.cache));
    o.push_str(if s.cycle {
        " CYCLE"
    } else if alter {
        " NO CYCLE"
    } else {
        ""
    });
    match &s.owned_by {
        Some((t, c)) => o.push_str(&format!(" OWNED BY {t}.{}", q(c))),
        None if alter => o.push_str(" OWNED BY NONE"),
        None => {}
    }
    o
}

/// `CREATE VIEW` / `CREATE MATERIALIZED VIEW` with the view's query.
pub(crate) fn create_view(view: &crate::schema::View) -> String {
    format!(
        "CREATE {} {} {}",
        view_kind(view.materialized),
        view.name,
        view.query.sql
    )
}

pub(crate) fn comment(kind: &str, target: &str, text: &Option<String>) -> String {
    format!(
        "COMMENT ON {kind} {target} IS {}",
        text.as_deref().map_or("NULL".to_string(), quote_literal)
    )
}

/// `statements`, kept as written under the search path `path` (where the source set one other
/// than the default), between setting that path and setting the default again.
pub(crate) fn on_path(path: &Option<String>, mut statements: Vec<String>) -> Vec<String> {
    let Some(path) = path else {
        return statements;
    };
    let set = |p: &str| {
        format!(
            "SELECT pg_catalog.set_config('search_path', {}, false)",
            quote_literal(p)
        )
    };
    statements.insert(0, set(path));
    statements.push(set("\"$user\", public"));
    statements
}

/// A `CREATE FUNCTION` statement as `CREATE OR REPLACE FUNCTION`.
pub(crate) fn or_replace(sql: &str) -> String {
    let t = sql.trim_start();
    let words: Vec<String> = t
        .split_whitespace()
        .take(3)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    if words.first().map(String::as_str) == Some("CREATE")
        && words.get(1).map(String::as_str) != Some("OR")
    {
        format!("CREATE OR REPLACE{}", &t[6..])
    } else {
        t.to_string()
    }
}

pub(crate) fn view_kind(materialized: bool) -> &'static str {
    if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

pub(crate) fn alter_col(table: &QualName, column: &str, what: &str) -> String {
    format!("ALTER TABLE {table} ALTER COLUMN {} {what}", q(column))
}

/// The statements (without the trailing semicolon) that carry out one change.
pub fn step_sql(c: &Change) -> Vec<String> {
    match c {
        Change::SetStorageParams { .. }
        | Change::SetReplicaIdentity { .. }
        | Change::AlterColumnSettings { .. } => settings::settings_sql(c),
        Change::CommentConstraint {
            table,
            constraint,
            to,
            ..
        } => vec![comment(
            "CONSTRAINT",
            &format!("{} ON {table}", q(constraint)),
            to,
        )],
        Change::RecreateTable { from, to } => {
            vec![format!("DROP TABLE {}", from.name), create_table(to)]
        }
        Change::DetachPartition { table, parent, .. } => {
            vec![format!("ALTER TABLE {parent} DETACH PARTITION {table}")]
        }
        Change::AttachPartition {
            table,
            parent,
            bound,
        } => vec![format!(
            "ALTER TABLE {parent} ATTACH PARTITION {table} {}",
            bound.sql
        )],
        Change::CreateCollation { collation: c } => {
            let mut opts = vec![format!("provider = {}", q(&c.provider))];
            if !c.deterministic {
                opts.push("deterministic = false".into());
            }
            if c.lc_collate == c.lc_ctype {
                opts.push(format!("locale = {}", quote_literal(&c.lc_collate)));
            } else {
                opts.push(format!("lc_collate = {}", quote_literal(&c.lc_collate)));
                opts.push(format!("lc_ctype = {}", quote_literal(&c.lc_ctype)));
            }
            vec![format!("CREATE COLLATION {} ({})", c.name, opts.join(", "))]
        }
        Change::DropCollation { collation, .. } => {
            vec![format!("DROP COLLATION {}", collation.name)]
        }
        Change::CreateDomain { domain } => domains::create(domain),
        Change::AlterDomain { from, to } => domains::alter(from, to),
        Change::CreateCompositeType { ty } => composites::create(ty),
        Change::AlterCompositeType { from, to, used_by } => {
            composites::alter(from, to, !used_by.is_empty())
        }
        Change::DropCompositeType { ty } => vec![composites::drop(ty)],
        Change::SetOwner {
            object_kind,
            object,
            to,
            ..
        } => vec![format!("ALTER {object_kind} {object} OWNER TO {}", q(to))],
        Change::CreateStatistics { table, stats } => statistics::create(table, stats),
        Change::AlterStatistics { from, to, .. } => statistics::alter(from, to),
        Change::DropStatistics { stats, .. } => vec![statistics::drop(stats)],
        Change::CreateRangeType { ty } => composites::create_range(ty),
        Change::DropRangeType { ty, .. } => vec![composites::drop_range(ty)],
        Change::Grant(g) => vec![format!(
            "GRANT {} ON {} TO {}{}",
            privileges_sql(&g.target, &g.privileges),
            g.target.on_sql(),
            grantee_sql(&g.grantee),
            if g.with_grant_option {
                " WITH GRANT OPTION"
            } else {
                ""
            }
        )],
        Change::Revoke(g) => vec![format!(
            "REVOKE {}{} ON {} FROM {}",
            if g.option_only {
                "GRANT OPTION FOR "
            } else {
                ""
            },
            privileges_sql(&g.target, &g.privileges),
            g.target.on_sql(),
            grantee_sql(&g.grantee)
        )],
        Change::DropDomain { domain, .. } => vec![domains::drop(domain)],
        Change::CreateFunction { function } => {
            on_path(&function.search_path, vec![function.definition.sql.clone()])
        }
        Change::ReplaceFunction { to, .. } => {
            on_path(&to.search_path, vec![or_replace(&to.definition.sql)])
        }
        Change::DropFunction { function, .. } => vec![format!(
            "DROP {} {}({})",
            if function.procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            function.name,
            function.identity
        )],
        Change::CreateTrigger { trigger, .. } => {
            let mut out = on_path(&trigger.search_path, vec![trigger.definition.sql.clone()]);
            let table = trigger.table.to_string();
            out.extend(trigger.firing.statement(&table, &q(&trigger.name)));
            out
        }
        Change::CommentFunction { function, to, .. } => vec![comment(
            if function.procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            &format!("{}({})", function.name, function.identity),
            to,
        )],
        Change::CommentTrigger { trigger, to, .. } => vec![comment(
            "TRIGGER",
            &format!("{} ON {}", q(&trigger.name), trigger.table),
            to,
        )],
        Change::DropTrigger { trigger, .. } => vec![format!(
            "DROP TRIGGER {} ON {}",
            q(&trigger.name),
            trigger.table
        )],
        Change::SetRowSecurity { table, enable } => vec![format!(
            "ALTER TABLE {table} {} ROW LEVEL SECURITY",
            if *enable { "ENABLE" } else { "DISABLE" }
        )],
        Change::SetForceRowSecurity { table, force } => vec![format!(
            "ALTER TABLE {table} {}FORCE ROW LEVEL SECURITY",
            if *force { "" } else { "NO " }
        )],
        Change::CreatePolicy { table, policy } => {
            let mut s = format!("CREATE POLICY {} ON {table}", q(&policy.name));
            if !policy.permissive {
                s.push_str(" AS RESTRICTIVE");
            }
            if policy.command != "ALL" {
                s.push_str(&format!(" FOR {}", policy.command));
            }
            let roles: Vec<String> = policy
                .roles
                .iter()
                .map(|r| match r.as_str() {
                    "public" => "PUBLIC".to_string(),
                    "CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER" => r.clone(),
                    other => q(other),
                })
                .collect();
            s.push_str(&format!(" TO {}", roles.join(", ")));
            if let Some(u) = &policy.using {
                s.push_str(&format!(" USING ({})", u.sql));
            }
            if let Some(c) = &policy.check {
                s.push_str(&format!(" WITH CHECK ({})", c.sql));
            }
            vec![s]
        }
        Change::DropPolicy { table, policy } => {
            vec![format!("DROP POLICY {} ON {table}", q(&policy.name))]
        }
        Change::CreateExtension { ext, if_missing } => {
            let mut s = format!(
                "CREATE EXTENSION {}{} WITH SCHEMA {}",
                if *if_missing { "IF NOT EXISTS " } else { "" },
                q(&ext.name),
                q(&ext.schema)
            );
            if let Some(v) = &ext.version {
                s.push_str(&format!(" VERSION {}", quote_literal(v)));
            }
            vec![s]
        }
        Change::AlterExtension { from, to } => {
            let mut v = Vec::new();
            if from.schema != to.schema {
                v.push(format!(
                    "ALTER EXTENSION {} SET SCHEMA {}",
                    q(&to.name),
                    q(&to.schema)
                ));
            }
            if let (Some(a), Some(b)) = (&from.version, &to.version) {
                if a != b {
                    v.push(format!(
                        "ALTER EXTENSION {} UPDATE TO {}",
                        q(&to.name),
                        quote_literal(b)
                    ));
                }
            }
            v
        }
        // Without CASCADE: it fails while columns or other objects use what it created.
        Change::DropExtension { ext, .. } => vec![format!("DROP EXTENSION {}", q(&ext.name))],
        Change::SetLogged { table, unlogged } => vec![format!(
            "ALTER TABLE {table} SET {}",
            if *unlogged { "UNLOGGED" } else { "LOGGED" }
        )],
        Change::CreateView { view, .. } => {
            let kind = view_kind(view.materialized);
            let mut v = on_path(&view.search_path, vec![create_view(view)]);
            for i in &view.indexes {
                v.push(create_index(&view.name, i));
            }
            if view.comment.is_some() {
                v.push(comment(kind, &view.name.to_string(), &view.comment));
            }
            v
        }
        // Without CASCADE: a view schemafix did not plan to drop makes it fail instead.
        Change::DropView { view, .. } => {
            vec![format!(
                "DROP {} {}",
                view_kind(view.materialized),
                view.name
            )]
        }
        Change::CommentView {
            name,
            materialized,
            to,
            ..
        } => vec![comment(view_kind(*materialized), &name.to_string(), to)],
        Change::CreateSchema {
            name,
            if_not_exists,
        } => vec![format!(
            "CREATE SCHEMA {}{}",
            if *if_not_exists { "IF NOT EXISTS " } else { "" },
            q(name)
        )],
        // Without CASCADE: it fails rather than drop anything schemafix did not plan.
        Change::DropSchema { name } => vec![format!("DROP SCHEMA {}", q(name))],
        Change::CreateEnum { ty } => vec![format!(
            "CREATE TYPE {} AS ENUM ({})",
            ty.name,
            ty.values
                .iter()
                .map(|v| quote_literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        Change::RenameEnumValue { name, from, to } => vec![format!(
            "ALTER TYPE {name} RENAME VALUE {} TO {}",
            quote_literal(from),
            quote_literal(to)
        )],
        Change::AddEnumValue {
            name,
            value,
            before,
            after,
        } => vec![match (before, after) {
            (Some(b), _) => format!(
                "ALTER TYPE {name} ADD VALUE {} BEFORE {}",
                quote_literal(value),
                quote_literal(b)
            ),
            (None, Some(a)) => format!(
                "ALTER TYPE {name} ADD VALUE {} AFTER {}",
                quote_literal(value),
                quote_literal(a)
            ),
            (None, None) => format!("ALTER TYPE {name} ADD VALUE {}", quote_literal(value)),
        }],
        Change::DropEnum { ty } => vec![format!("DROP TYPE {}", ty.name)],
        Change::RebuildEnum { from, to, columns } => {
            let old = make_object_name(&from.name.name, None, "old");
            let old_q = QualName::new(from.name.schema.clone(), old.clone());
            let mut v = vec![
                format!("ALTER TYPE {} RENAME TO {}", from.name, q(&old)),
                format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    to.name,
                    to.values
                        .iter()
                        .map(|v| quote_literal(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ];
            for (t, c, d) in columns {
                if d.is_some() {
                    v.push(alter_col(t, c, "DROP DEFAULT"));
                }
                v.push(alter_col(
                    t,
                    c,
                    &format!("TYPE {} USING {}::text::{}", to.name, q(c), to.name),
                ));
                if let Some(d) = d {
                    v.push(alter_col(t, c, &format!("SET DEFAULT {}", d.sql)));
                }
            }
            v.push(format!("DROP TYPE {old_q}"));
            v
        }
        Change::CreateSequence { seq } => vec![format!(
            "CREATE SEQUENCE {}{}",
            seq.name,
            sequence_options(seq, false)
        )],
        Change::AlterSequence { from, to } => {
            let mut out: Vec<String> = raise_below_new_min(
                &quote_literal(&to.name.to_string()),
                &from.options(),
                &to.options(),
            )
            .into_iter()
            .collect();
            out.push(format!(
                "ALTER SEQUENCE {}{}",
                to.name,
                sequence_options(to, true)
            ));
            out
        }
        Change::DropSequence {
            owner_dropped: true,
            ..
        } => Vec::new(),
        Change::DropSequence { seq, .. } => vec![format!("DROP SEQUENCE {}", seq.name)],
        Change::CreateTable { table } => vec![create_table(table)],
        Change::DropTable { table } => vec![format!("DROP TABLE {}", table.name)],
        Change::AddColumn { table, column } => vec![format!(
            "ALTER TABLE {table} ADD COLUMN {}",
            column_def(column)
        )],
        Change::DropColumn { table, column } => vec![format!(
            "ALTER TABLE {table} DROP COLUMN {}",
            q(&column.name)
        )],
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
            to_collation,
            using,
            serial,
            ..
        } => {
            let mut what = format!("TYPE {to}");
            if let Some(coll) = to_collation {
                what.push_str(&collate(coll));
            }
            if using.is_some() {
                what.push_str(&format!(
                    " USING {}",
                    converted(&q(column), from, to, *using)
                ));
            }
            let mut v = vec![alter_col(table, column, &what)];
            if *serial {
                v.push(format!(
                    "ALTER SEQUENCE {} AS {to}",
                    serial_sequence(table, column)
                ));
            }
            v
        }
        Change::SetNotNull { table, column } => vec![alter_col(table, column, "SET NOT NULL")],
        Change::Backfill {
            table,
            column,
            value: Some(v),
        } => vec![format!(
            "UPDATE {table} SET {} = {} WHERE {} IS NULL",
            q(column),
            v.sql,
            q(column)
        )],
        // A placeholder: the renderers print [`backfill_hint`] instead.
        Change::Backfill { value: None, .. } => vec![],
        Change::DropNotNull { table, column } => vec![alter_col(table, column, "DROP NOT NULL")],
        Change::SetDefault {
            table, column, to, ..
        } => vec![alter_col(table, column, &format!("SET DEFAULT {}", to.sql))],
        Change::DropDefault { table, column, .. } => vec![alter_col(table, column, "DROP DEFAULT")],
        Change::AddIdentity {
            table,
            column,
            identity,
            options,
            continues,
        } => {
            let opts = if options.is_default() {
                String::new()
            } else {
                format!(" ({})", identity_options_sql(options, ""))
            };
            let seq = format!(
                "pg_catalog.pg_get_serial_sequence({}, {})",
                quote_literal(&table.to_string()),
                quote_literal(column)
            );
            let mut out = vec![alter_col(
                table,
                column,
                &format!("ADD{}{opts}", identity_clause(*identity)),
            )];
            match continues {
                // The former serial's sequence: its value goes on, then it goes.
                Some(aside) => {
                    let aside = in_schema(table, aside);
                    out.push(format!(
                        "SELECT pg_catalog.setval({seq}, s.last_value, s.is_called) FROM {aside} AS s"
                    ));
                    out.push(format!("DROP SEQUENCE {aside}"));
                }
                // The rows' values: the identity goes on after the largest (an ascending one;
                // none at or past its start leaves it at its start).
                None if options.increment > 0 => out.push(format!(
                    "SELECT pg_catalog.setval({seq}, max({c})) FROM {table} HAVING max({c}) >= {}",
                    options.start.unwrap_or(options.min_value.unwrap_or(1)),
                    c = q(column)
                )),
                None => {}
            }
            out
        }
        Change::SetIdentityOptions {
            table,
            column,
            from,
            to,
        } => {
            let seq = format!(
                "pg_catalog.pg_get_serial_sequence({}, {})",
                quote_literal(&table.to_string()),
                quote_literal(column)
            );
            let mut out: Vec<String> = raise_below_new_min(&seq, from, to).into_iter().collect();
            out.push(alter_col(table, column, &set_identity_options(from, to)));
            out
        }
        Change::SetIdentity {
            table, column, to, ..
        } => vec![alter_col(
            table,
            column,
            match to {
                Identity::Always => "SET GENERATED ALWAYS",
                Identity::ByDefault => "SET GENERATED BY DEFAULT",
            },
        )],
        Change::DropIdentity { table, column } => vec![alter_col(table, column, "DROP IDENTITY")],
        Change::AddSerial {
            table,
            column,
            data_type,
        } => {
            let seq = serial_sequence(table, column);
            vec![
                format!(
                    "CREATE SEQUENCE {seq} AS {data_type} OWNED BY {table}.{}",
                    q(column)
                ),
                format!(
                    "SELECT setval({}, COALESCE(max({}), 0) + 1, false) FROM {table}",
                    quote_literal(&seq.to_string()),
                    q(column)
                ),
                alter_col(
                    table,
                    column,
                    &format!(
                        "SET DEFAULT nextval({}::regclass)",
                        quote_literal(&seq.to_string())
                    ),
                ),
            ]
        }
        Change::DropSerial {
            table,
            column,
            keep_as: None,
        } => {
            let seq = serial_sequence(table, column);
            vec![
                alter_col(table, column, "DROP DEFAULT"),
                format!("DROP SEQUENCE IF EXISTS {seq}"),
            ]
        }
        // Disowned (a column owning it and its identity's sequence would make
        // `pg_get_serial_sequence` ambiguous) and renamed (the identity's sequence takes the
        // name PostgreSQL gives it), for the identity to read its value.
        Change::DropSerial {
            table,
            column,
            keep_as: Some(aside),
        } => {
            let seq = serial_sequence(table, column);
            vec![
                alter_col(table, column, "DROP DEFAULT"),
                format!("ALTER SEQUENCE {seq} OWNED BY NONE"),
                format!("ALTER SEQUENCE {seq} RENAME TO {}", q(aside)),
            ]
        }
        Change::AddPrimaryKey { table, pk } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} PRIMARY KEY ({}){}{}",
            q(&pk.name),
            cols(&pk.columns),
            include(&pk.include),
            deferrable(pk.deferrable)
        )],
        Change::AddUnique { table, unique } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}",
            q(&unique.name),
            unique_clause(unique)
        )],
        Change::AddCheck { table, check } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}{}",
            q(&check.name),
            check_clause(check),
            not_valid(check.not_valid)
        )],
        Change::AddForeignKey { table, fk } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}{}",
            q(&fk.name),
            fk_clause(fk),
            not_valid(fk.not_valid)
        )],
        Change::ValidateConstraint { table, name } => vec![validate(table, name)],
        Change::DropPrimaryKey { table, pk } => vec![drop_constraint(table, &pk.name)],
        Change::DropUnique { table, unique } => vec![drop_constraint(table, &unique.name)],
        Change::DropCheck { table, check } => vec![drop_constraint(table, &check.name)],
        Change::DropForeignKey { table, fk } => vec![drop_constraint(table, &fk.name)],
        Change::DropExclusion { table, exclusion } => vec![drop_constraint(table, &exclusion.name)],
        Change::AddExclusion { table, exclusion } => vec![format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} {}",
            q(&exclusion.name),
            exclusion_clause(exclusion)
        )],
        Change::CreateIndex { table, index } => vec![create_index(table, index)],
        Change::DropIndex { table, index } => {
            vec![format!("DROP INDEX {}", in_schema(table, &index.name))]
        }
        Change::RenameConstraint { table, from, to } => {
            vec![format!(
                "ALTER TABLE {table} RENAME CONSTRAINT {} TO {}",
                q(from),
                q(to)
            )]
        }
        Change::RenameTable { from, to } => {
            vec![format!("ALTER TABLE {from} RENAME TO {}", q(to))]
        }
        Change::RenameColumn { table, from, to } => {
            vec![format!(
                "ALTER TABLE {table} RENAME COLUMN {} TO {}",
                q(from),
                q(to)
            )]
        }
        Change::RenameIndex { table, from, to } => {
            vec![format!(
                "ALTER INDEX {} RENAME TO {}",
                in_schema(table, from),
                q(to)
            )]
        }
        Change::CommentTable { table, to, .. } => vec![comment("TABLE", &table.to_string(), to)],
        Change::CommentColumn {
            table, column, to, ..
        } => {
            vec![comment("COLUMN", &format!("{table}.{}", q(column)), to)]
        }
        Change::CommentIndex {
            table, index, to, ..
        } => vec![comment("INDEX", &in_schema(table, index), to)],
        Change::CommentType { name, to, .. } => vec![comment("TYPE", &name.to_string(), to)],
        Change::CommentObject { target, to, .. } => vec![format!(
            "COMMENT ON {} IS {}",
            target.sql(),
            to.as_deref().map_or("NULL".to_string(), quote_literal)
        )],
    }
}

pub(crate) fn drop_constraint(table: &QualName, name: &str) -> String {
    format!("ALTER TABLE {table} DROP CONSTRAINT {}", q(name))
}

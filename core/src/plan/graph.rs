//! The dependency graph of a plan's changes, like `pg_depend` but between changes: what each
//! change brings into being, takes away, needs (on the desired side) and holds on to (on the
//! current side), from the IR and from the names every expression, view query and SQL function
//! body uses. The plan runs in a topological order of it — a change after the changes that create
//! what it needs, a drop before the changes that remove what it holds — with the stage
//! ([`super::order::Stage`]) as the tie-break; a cycle is broken by the stage order.
//!
//! Names in text are found by a scanner, not a parser: a name that only looks like a reference
//! (a column named like a table) adds an ordering edge, never a statement, so a false match costs
//! at most a different order; names are matched against what the plan itself creates and drops,
//! so the catalog's own objects never count.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::diff::refs::{scan, Use};
use crate::diff::Change;
use crate::schema::{
    Column, CommentTarget, Expr, Index, PrivilegeTarget, QualName, ReplicaIdentity, Table,
};

/// Something a change can create, remove or refer to. Relations (tables, views, sequences,
/// indexes, the index of a key) share one namespace per schema, as in `pg_class`; functions
/// are known by name, all overloads together. A column is an object of its own only between
/// the changes that add, drop or rename it and the changes made to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Obj {
    Schema(String),
    Relation(QualName),
    Type(QualName),
    Function(QualName),
    Column(QualName, String),
    /// A column's type, between a type change and what PostgreSQL refuses it under (a view,
    /// a policy, a generated column or a trigger naming the column).
    ColumnType(QualName, String),
}

/// What one change does to the graph.
#[derive(Debug, Default)]
struct Deps {
    /// Exists after the change (created, created again, renamed to).
    creates: Vec<Obj>,
    /// Gone after the change (dropped, renamed from).
    removes: Vec<Obj>,
    /// Must exist before it runs (what the desired definition uses).
    needs: Vec<Obj>,
    /// Must still exist while it runs: what the current definition a drop removes uses.
    holds: Vec<Obj>,
}

/// The objects a name used in `sql` may be, for an object in schema `own`: qualified as
/// written, or unqualified in `public` or `own`. `relations`: plain names may be relations
/// (a view's query, a SQL function's body); otherwise only quoted names are (`'s'::regclass`).
fn refs(sql: &str, own: &str, strings: bool, relations: bool, out: &mut Vec<Obj>) {
    let mut found = Vec::new();
    scan(sql, strings, false, &mut found);
    for (parts, how) in found {
        let mut names = Vec::new();
        match parts.as_slice() {
            [one] => {
                names.push(QualName::new("public", one.clone()));
                if own != "public" {
                    names.push(QualName::new(own, one.clone()));
                }
            }
            [schema, name, ..] => {
                names.push(QualName::new(schema.clone(), name.clone()));
                // `table.column` or `alias.column`: the first part may be the relation.
                if relations || how == Use::Quoted {
                    names.push(QualName::new("public", schema.clone()));
                    if own != "public" {
                        names.push(QualName::new(own, schema.clone()));
                    }
                }
            }
            [] => {}
        }
        for n in names {
            match how {
                Use::Call => out.push(Obj::Function(n)),
                Use::Cast => out.push(Obj::Type(n)),
                Use::Name | Use::Quoted => {
                    if relations || how == Use::Quoted {
                        out.push(Obj::Relation(n.clone()));
                        out.push(Obj::Type(n));
                    }
                }
            }
        }
    }
}

fn expr_refs(e: &Expr, own: &str, out: &mut Vec<Obj>) {
    refs(&e.sql, own, true, false, out);
}

/// The type a column's type name may be (`public.mood[]`: types not in `public` are written
/// qualified).
fn type_refs(type_name: &str, out: &mut Vec<Obj>) {
    let mut found = Vec::new();
    scan(type_name, false, false, &mut found);
    for (parts, _) in found {
        match parts.as_slice() {
            [one] => out.push(Obj::Type(QualName::new("public", one.clone()))),
            [schema, name, ..] => out.push(Obj::Type(QualName::new(schema.clone(), name.clone()))),
            [] => {}
        }
    }
}

/// What a domain's definition uses: its base type, and what its default and checks name.
fn domain_uses(d: &crate::schema::Domain, out: &mut Vec<Obj>) {
    type_refs(&d.base, out);
    for e in d.default.iter().chain(d.checks.iter().map(|c| &c.expr)) {
        expr_refs(e, &d.name.schema, out);
    }
}

/// The types a composite type's attributes have.
fn composite_uses(t: &crate::schema::CompositeType, out: &mut Vec<Obj>) {
    for a in &t.attributes {
        type_refs(&a.data_type, out);
    }
}

/// The object a privilege or an owner is of.
fn target_obj(t: &PrivilegeTarget) -> Obj {
    match t {
        PrivilegeTarget::Table { name } | PrivilegeTarget::Sequence { name } => {
            Obj::Relation(name.clone())
        }
        PrivilegeTarget::Column { table, column } => Obj::Column(table.clone(), column.clone()),
        PrivilegeTarget::Function { name, .. } => Obj::Function(name.clone()),
        PrivilegeTarget::Schema { name } => Obj::Schema(name.clone()),
        PrivilegeTarget::Type { name } => Obj::Type(name.clone()),
    }
}

/// What a statistics object covers: its table, its columns, what its expressions name.
fn statistics_uses(table: &QualName, s: &crate::schema::Statistics, out: &mut Vec<Obj>) {
    out.push(Obj::Relation(table.clone()));
    for k in &s.keys {
        match &k.column {
            Some(c) => out.push(Obj::Column(table.clone(), c.clone())),
            None => {
                expr_refs(&k.expr, &table.schema, out);
                column_types(table, &k.expr.sql, out);
            }
        }
    }
}

/// The types a range type makes: itself and its multirange type.
fn range_types(t: &crate::schema::RangeType, out: &mut Vec<Obj>) {
    out.push(Obj::Type(t.name.clone()));
    let multirange = t.multirange.clone();
    out.push(Obj::Type(multirange.unwrap_or_else(|| {
        crate::schema::RangeType::default_multirange(&t.name)
    })));
}

/// What a range type's definition uses: its subtype and its functions.
fn range_uses(t: &crate::schema::RangeType, out: &mut Vec<Obj>) {
    type_refs(&t.subtype, out);
    for f in t.canonical.iter().chain(t.subtype_diff.iter()) {
        match crate::normalize::split_qualified(f).as_slice() {
            [n] => out.push(Obj::Function(QualName::new("public", n.clone()))),
            [s, n] => out.push(Obj::Function(QualName::new(s.clone(), n.clone()))),
            _ => {}
        }
    }
}

fn column_refs(table: &QualName, c: &Column, out: &mut Vec<Obj>) {
    type_refs(&c.data_type, out);
    for e in c.default.iter().chain(c.generated.iter()) {
        expr_refs(e, &table.schema, out);
    }
}

fn index_refs(table: &QualName, i: &Index, out: &mut Vec<Obj>) {
    for k in &i.keys {
        if !k.is_column {
            expr_refs(&k.expr, &table.schema, out);
        }
    }
    if let Some(p) = &i.predicate {
        expr_refs(p, &table.schema, out);
    }
}

/// What a policy's `USING` and `WITH CHECK` use (a subquery may read relations).
fn policy_refs(table: &QualName, p: &crate::schema::Policy, out: &mut Vec<Obj>) {
    for e in p.using.iter().chain(p.check.iter()) {
        refs(&e.sql, &table.schema, true, true, out);
    }
}

/// The types of the columns of `table` that `sql` may name (every plain name in it).
fn column_types(table: &QualName, sql: &str, out: &mut Vec<Obj>) {
    let mut found = Vec::new();
    scan(sql, false, false, &mut found);
    for (parts, how) in found {
        if let (Some(name), false) = (parts.last(), how == Use::Call) {
            out.push(Obj::ColumnType(table.clone(), name.clone()));
        }
    }
}

/// A name in the schema of `table` (an index's, a key's).
fn relation_in(table: &QualName, name: &str) -> Obj {
    Obj::Relation(QualName::new(table.schema.clone(), name))
}

/// What a table's definition uses: its schema, parents, column types, defaults, generated
/// columns, checks (the keys, indexes and foreign keys are changes of their own).
fn table_uses(t: &Table, out: &mut Vec<Obj>) {
    out.push(Obj::Schema(t.name.schema.clone()));
    for p in t
        .inherits
        .iter()
        .chain(t.partition_of.iter().map(|p| &p.parent))
    {
        out.push(Obj::Relation(p.clone()));
    }
    for c in &t.columns {
        column_refs(&t.name, c, out);
    }
    for c in &t.checks {
        expr_refs(&c.expr, &t.name.schema, out);
    }
}

/// The relations a table brings along: itself and the indexes of its keys.
fn table_relations(t: &Table, out: &mut Vec<Obj>) {
    out.push(Obj::Relation(t.name.clone()));
    for n in t
        .primary_key
        .iter()
        .map(|k| &k.name)
        .chain(t.uniques.iter().map(|u| &u.name))
        .chain(t.exclusions.iter().map(|x| &x.name))
    {
        out.push(relation_in(&t.name, n));
    }
}

fn function_uses(f: &crate::schema::Function, out: &mut Vec<Obj>) {
    out.push(Obj::Schema(f.name.schema.clone()));
    // A SQL function's body is checked when it is created: what it reads must exist. Other
    // languages' bodies are not; their signature's types (a row type too) must.
    refs(
        &f.definition.sql,
        &f.name.schema,
        f.language == "sql",
        true,
        out,
    );
}

fn deps(c: &Change) -> Deps {
    let mut d = Deps::default();
    let table_of = |t: &QualName| Obj::Relation(t.clone());
    match c {
        Change::CreateSchema { name, .. } => d.creates.push(Obj::Schema(name.clone())),
        Change::DropSchema { name } => d.removes.push(Obj::Schema(name.clone())),
        // A privilege and an owner need their object (created again, when it is).
        Change::SetOwner { target, .. } => d.needs.push(target_obj(target)),
        Change::Grant(g) | Change::Revoke(g) => d.needs.push(target_obj(&g.target)),
        Change::CreateEnum { ty } => {
            d.creates.push(Obj::Type(ty.name.clone()));
            d.needs.push(Obj::Schema(ty.name.schema.clone()));
        }
        Change::DropEnum { ty } => d.removes.push(Obj::Type(ty.name.clone())),
        Change::CreateDomain { domain } => {
            d.creates.push(Obj::Type(domain.name.clone()));
            d.needs.push(Obj::Schema(domain.name.schema.clone()));
            domain_uses(domain, &mut d.needs);
        }
        Change::AlterDomain { from, to } => {
            d.needs.push(Obj::Type(to.name.clone()));
            domain_uses(to, &mut d.needs);
            domain_uses(from, &mut d.holds);
        }
        Change::DropDomain { domain, .. } => {
            d.removes.push(Obj::Type(domain.name.clone()));
            domain_uses(domain, &mut d.holds);
        }
        // A composite type is a relation too (`pg_class`): its name is taken from tables'.
        Change::CreateCompositeType { ty } => {
            d.creates.push(Obj::Type(ty.name.clone()));
            d.creates.push(Obj::Relation(ty.name.clone()));
            d.needs.push(Obj::Schema(ty.name.schema.clone()));
            composite_uses(ty, &mut d.needs);
        }
        Change::AlterCompositeType { from, to, .. } => {
            d.needs.push(Obj::Type(to.name.clone()));
            composite_uses(to, &mut d.needs);
            composite_uses(from, &mut d.holds);
        }
        Change::DropCompositeType { ty } => {
            d.removes.push(Obj::Type(ty.name.clone()));
            d.removes.push(Obj::Relation(ty.name.clone()));
            composite_uses(ty, &mut d.holds);
        }
        // A statistics object's name is none of `pg_class`'s, but taken as one it can only add
        // an edge (a drop before a creation of the name).
        Change::CreateStatistics { table, stats } => {
            d.creates.push(Obj::Relation(stats.name.clone()));
            d.needs.push(Obj::Schema(stats.name.schema.clone()));
            statistics_uses(table, stats, &mut d.needs);
        }
        Change::AlterStatistics { table, to, .. } => {
            d.needs.push(Obj::Relation(to.name.clone()));
            statistics_uses(table, to, &mut d.needs);
        }
        Change::DropStatistics { table, stats, .. } => {
            d.removes.push(Obj::Relation(stats.name.clone()));
            statistics_uses(table, stats, &mut d.holds);
        }
        // A range type makes its multirange type too.
        Change::CreateRangeType { ty } => {
            range_types(ty, &mut d.creates);
            d.needs.push(Obj::Schema(ty.name.schema.clone()));
            range_uses(ty, &mut d.needs);
        }
        Change::DropRangeType { ty, .. } => {
            range_types(ty, &mut d.removes);
            range_uses(ty, &mut d.holds);
        }
        // The type keeps its name throughout (the old one renamed, then dropped); its columns'
        // tables must exist.
        Change::RebuildEnum { columns, .. } => {
            d.needs.extend(columns.iter().map(|(t, _, _)| table_of(t)));
        }
        Change::CreateSequence { seq } => {
            d.creates.push(Obj::Relation(seq.name.clone()));
            d.needs.push(Obj::Schema(seq.name.schema.clone()));
            d.needs
                .extend(seq.owned_by.iter().map(|(t, _)| table_of(t)));
        }
        Change::AlterSequence { to, .. } => {
            d.needs.push(Obj::Relation(to.name.clone()));
            d.needs.extend(to.owned_by.iter().map(|(t, _)| table_of(t)));
        }
        Change::DropSequence { seq, .. } => d.removes.push(Obj::Relation(seq.name.clone())),
        Change::CreateTable { table } => {
            table_relations(table, &mut d.creates);
            table_uses(table, &mut d.needs);
        }
        Change::RecreateTable { from, to } => {
            table_relations(from, &mut d.removes);
            table_relations(to, &mut d.creates);
            table_uses(to, &mut d.needs);
        }
        Change::DropTable { table } => {
            table_relations(table, &mut d.removes);
            d.removes.extend(
                table
                    .indexes
                    .iter()
                    .map(|i| relation_in(&table.name, &i.name)),
            );
            table_uses(table, &mut d.holds);
            // Its indexes and policies go with it: what they use stays until then.
            for i in &table.indexes {
                index_refs(&table.name, i, &mut d.holds);
            }
            for p in &table.policies {
                policy_refs(&table.name, p, &mut d.holds);
            }
        }
        Change::RenameTable { from, to } => {
            d.removes.push(Obj::Relation(from.clone()));
            d.creates.push(Obj::Relation(QualName::new(
                from.schema.clone(),
                to.clone(),
            )));
        }
        Change::AttachPartition { table, parent, .. } => {
            d.needs.push(table_of(table));
            d.needs.push(table_of(parent));
        }
        Change::AddColumn { table, column } => {
            d.needs.push(table_of(table));
            column_refs(table, column, &mut d.needs);
            if let Some(g) = &column.generated {
                column_types(table, &g.sql, &mut d.needs);
            }
            d.creates
                .push(Obj::Column(table.clone(), column.name.to_string()));
        }
        Change::DropColumn { table, column } => {
            column_refs(table, column, &mut d.holds);
            if let Some(g) = &column.generated {
                column_types(table, &g.sql, &mut d.holds);
            }
            d.removes
                .push(Obj::Column(table.clone(), column.name.to_string()));
        }
        Change::RenameEnumValue { name, .. } => d.needs.push(Obj::Type(name.clone())),
        Change::RenameColumn { table, from, to } => {
            d.removes.push(Obj::Column(table.clone(), from.clone()));
            d.creates.push(Obj::Column(table.clone(), to.clone()));
        }
        Change::AlterColumnType {
            table, column, to, ..
        } => {
            d.needs.push(table_of(table));
            type_refs(to, &mut d.needs);
            let ty = Obj::ColumnType(table.clone(), column.clone());
            d.removes.push(ty.clone());
            d.creates.push(ty);
        }
        // After a type change, which gives the column its new type's storage.
        Change::AlterColumnSettings { table, column, .. } => {
            d.needs.push(Obj::ColumnType(table.clone(), column.clone()));
        }
        Change::SetReplicaIdentity {
            table,
            to: ReplicaIdentity::Index(index),
            ..
        } => {
            d.needs.push(Obj::Relation(QualName::new(
                table.schema.clone(),
                index.clone(),
            )));
        }
        Change::SetDefault { table, to, .. } => {
            d.needs.push(table_of(table));
            expr_refs(to, &table.schema, &mut d.needs);
        }
        Change::DropDefault { table, from, .. } => expr_refs(from, &table.schema, &mut d.holds),
        Change::Backfill {
            table,
            value: Some(v),
            ..
        } => expr_refs(v, &table.schema, &mut d.needs),
        Change::AddPrimaryKey { table, pk } => {
            d.needs.push(table_of(table));
            d.creates.push(relation_in(table, &pk.name));
        }
        Change::AddUnique { table, unique } => {
            d.needs.push(table_of(table));
            d.creates.push(relation_in(table, &unique.name));
        }
        Change::AddExclusion { table, exclusion } => {
            d.needs.push(table_of(table));
            d.creates.push(relation_in(table, &exclusion.name));
            for (k, _) in &exclusion.elements {
                if !k.is_column {
                    expr_refs(&k.expr, &table.schema, &mut d.needs);
                }
            }
            if let Some(p) = &exclusion.predicate {
                expr_refs(p, &table.schema, &mut d.needs);
            }
        }
        Change::DropPrimaryKey { table, pk } => d.removes.push(relation_in(table, &pk.name)),
        Change::DropUnique { table, unique } => d.removes.push(relation_in(table, &unique.name)),
        Change::DropExclusion { table, exclusion } => {
            d.removes.push(relation_in(table, &exclusion.name))
        }
        Change::AddCheck { table, check } => {
            d.needs.push(table_of(table));
            expr_refs(&check.expr, &table.schema, &mut d.needs);
        }
        Change::DropCheck { table, check } => expr_refs(&check.expr, &table.schema, &mut d.holds),
        Change::AddForeignKey { table, fk } => {
            d.needs.push(table_of(table));
            d.needs.push(table_of(&fk.ref_table));
        }
        Change::CreateIndex { table, index } => {
            d.needs.push(table_of(table));
            d.creates.push(relation_in(table, &index.name));
            index_refs(table, index, &mut d.needs);
        }
        Change::DropIndex { table, index } => {
            d.removes.push(relation_in(table, &index.name));
            index_refs(table, index, &mut d.holds);
        }
        Change::RenameIndex { table, from, to } | Change::RenameConstraint { table, from, to } => {
            d.removes.push(relation_in(table, from));
            d.creates.push(relation_in(table, to));
        }
        Change::CreatePolicy { table, policy } => {
            d.needs.push(table_of(table));
            policy_refs(table, policy, &mut d.needs);
            for e in policy.using.iter().chain(policy.check.iter()) {
                column_types(table, &e.sql, &mut d.needs);
            }
        }
        Change::DropPolicy { table, policy } => {
            policy_refs(table, policy, &mut d.holds);
            for e in policy.using.iter().chain(policy.check.iter()) {
                column_types(table, &e.sql, &mut d.holds);
            }
        }
        Change::CreateFunction { function } => {
            d.creates.push(Obj::Function(function.name.clone()));
            function_uses(function, &mut d.needs);
        }
        Change::ReplaceFunction { to, .. } => {
            d.creates.push(Obj::Function(to.name.clone()));
            function_uses(to, &mut d.needs);
        }
        // It goes before the types its signature names go (a row type: `RETURNS SETOF t`);
        // PostgreSQL records nothing of a body (a table it reads may go first).
        Change::DropFunction { function, .. } => {
            d.removes.push(Obj::Function(function.name.clone()));
            refs(
                crate::diff::routines::head(function),
                &function.name.schema,
                false,
                true,
                &mut d.holds,
            );
        }
        Change::CreateTrigger { trigger, .. } => {
            d.needs.push(table_of(&trigger.table));
            d.needs.push(Obj::Function(trigger.function.clone()));
            refs(
                &trigger.definition.sql,
                &trigger.table.schema,
                false,
                false,
                &mut d.needs,
            );
            column_types(&trigger.table, &trigger.definition.sql, &mut d.needs);
        }
        Change::DropTrigger { trigger, .. } => {
            d.holds.push(Obj::Function(trigger.function.clone()));
            column_types(&trigger.table, &trigger.definition.sql, &mut d.holds);
        }
        Change::CommentFunction { function, .. } => {
            d.needs.push(Obj::Function(function.name.clone()))
        }
        Change::CommentType { name, .. } => d.needs.push(Obj::Type(name.clone())),
        Change::CommentObject { target, .. } => match target {
            CommentTarget::Schema { name } => d.needs.push(Obj::Schema(name.clone())),
            CommentTarget::Sequence { name } => d.needs.push(Obj::Relation(name.clone())),
            CommentTarget::Policy { table, .. } => d.needs.push(Obj::Relation(table.clone())),
            CommentTarget::Collation { .. } => {}
        },
        Change::CreateView { view, .. } => {
            d.creates.push(Obj::Relation(view.name.clone()));
            d.needs.push(Obj::Schema(view.name.schema.clone()));
            d.needs.extend(view.reads.iter().map(table_of));
            refs(&view.query.sql, &view.name.schema, true, true, &mut d.needs);
            for r in &view.reads {
                column_types(r, &view.query.sql, &mut d.needs);
            }
        }
        Change::DropView { view, .. } => {
            d.removes.push(Obj::Relation(view.name.clone()));
            d.holds.extend(view.reads.iter().map(table_of));
            refs(&view.query.sql, &view.name.schema, true, true, &mut d.holds);
            for r in &view.reads {
                column_types(r, &view.query.sql, &mut d.holds);
            }
        }
        _ => {}
    }
    if let Some(t) = works_on(c) {
        d.needs.push(table_of(t));
    }
    if let Some((t, column)) = column_of(c) {
        d.needs.push(Obj::Column(t.clone(), column.to_string()));
    }
    d
}

/// The column a change alters (after the change that adds or renames it, if any).
fn column_of(c: &Change) -> Option<(&QualName, &str)> {
    match c {
        Change::AlterColumnType { table, column, .. }
        | Change::SetNotNull { table, column }
        | Change::Backfill { table, column, .. }
        | Change::DropNotNull { table, column }
        | Change::SetDefault { table, column, .. }
        | Change::DropDefault { table, column, .. }
        | Change::AddIdentity { table, column, .. }
        | Change::SetIdentityOptions { table, column, .. }
        | Change::SetIdentity { table, column, .. }
        | Change::DropIdentity { table, column }
        | Change::AddSerial { table, column, .. }
        | Change::DropSerial { table, column, .. }
        | Change::AlterColumnSettings { table, column, .. }
        | Change::CommentColumn { table, column, .. } => Some((table, column)),
        _ => None,
    }
}

/// The table or view a change alters, which must exist first (the changes that create,
/// remove or rename it, and those whose needs are listed above, excepted).
fn works_on(c: &Change) -> Option<&QualName> {
    match c {
        Change::SetLogged { table, .. }
        | Change::SetStorageParams { table, .. }
        | Change::SetReplicaIdentity { table, .. }
        | Change::AlterColumnSettings { table, .. }
        | Change::DetachPartition { table, .. }
        | Change::SetNotNull { table, .. }
        | Change::Backfill { table, .. }
        | Change::DropNotNull { table, .. }
        | Change::AddIdentity { table, .. }
        | Change::SetIdentityOptions { table, .. }
        | Change::SetIdentity { table, .. }
        | Change::DropIdentity { table, .. }
        | Change::AddSerial { table, .. }
        | Change::DropSerial { table, .. }
        | Change::ValidateConstraint { table, .. }
        | Change::RenameColumn { table, .. }
        | Change::RenameConstraint { table, .. }
        | Change::RenameIndex { table, .. }
        | Change::CommentTable { table, .. }
        | Change::CommentColumn { table, .. }
        | Change::CommentIndex { table, .. }
        | Change::CommentConstraint { table, .. }
        | Change::SetRowSecurity { table, .. }
        | Change::SetForceRowSecurity { table, .. } => Some(table),
        Change::CommentView { name, .. } => Some(name),
        _ => None,
    }
}

/// The order to run `changes` in: each index once; `priority` of each (its stage, and a
/// tie-break) orders what the graph leaves free, and breaks cycles.
pub(super) fn order<P: Ord + Copy>(changes: &[Change], priority: &[P]) -> Vec<usize> {
    let all: Vec<Deps> = changes.iter().map(deps).collect();
    let mut created: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    let mut removed: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    for (i, d) in all.iter().enumerate() {
        for o in &d.creates {
            created.entry(o).or_default().push(i);
        }
        for o in &d.removes {
            removed.entry(o).or_default().push(i);
        }
    }
    let n = changes.len();
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting = vec![0usize; n];
    let mut edge = |before: usize, then: usize| {
        if before != then {
            after[before].push(then);
            waiting[then] += 1;
        }
    };
    for (i, d) in all.iter().enumerate() {
        for o in &d.needs {
            for &j in created.get(o).into_iter().flatten() {
                edge(j, i);
            }
        }
        for o in &d.holds {
            for &j in removed.get(o).into_iter().flatten() {
                edge(i, j);
            }
        }
        // A name is free once what held it is gone (a table renamed or dropped before
        // another takes its name, or its key's index name; a function's signature, when it
        // is dropped to be created again: other overloads of its name stay side by side).
        for o in &d.creates {
            for &j in removed.get(o).into_iter().flatten() {
                let overload = matches!(o, Obj::Function(_))
                    && !matches!(changes[j], Change::DropFunction { replaced: true, .. });
                if !all[j].creates.contains(o) && !overload {
                    edge(j, i);
                }
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(P, usize)>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse((priority[i], i)))
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    // The rest by priority, for breaking cycles.
    let mut by_priority: Vec<usize> = (0..n).collect();
    by_priority.sort_by_key(|&i| (priority[i], i));
    let mut next_forced = 0;
    while out.len() < n {
        let i = match ready.pop() {
            Some(Reverse((_, i))) if !done[i] => i,
            Some(_) => continue,
            None => {
                // A cycle: the first change left by priority goes, whatever it waits for.
                while done[by_priority[next_forced]] {
                    next_forced += 1;
                }
                by_priority[next_forced]
            }
        };
        done[i] = true;
        out.push(i);
        for &j in &after[i] {
            waiting[j] = waiting[j].saturating_sub(1);
            if waiting[j] == 0 && !done[j] {
                ready.push(Reverse((priority[j], j)));
            }
        }
    }
    out
}

//! Renames: columns (or tables) dropped and added alike are shown as likely renames, with a
//! confidence; a rename the user confirms (`--rename users.login=username`, `--rename
//! users=accounts`) is applied to the current schema before the diff and becomes one
//! `RENAME COLUMN` (or `RENAME TO`) step, keeping the data.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diff::{Change, Diff};
use crate::quote::quote_ident;
use crate::schema::{Column, QualName, Schema, Scope, Table};

/// A rename the user confirmed: a column of `table`, or the table itself when `from` is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    /// The table (its current name).
    pub table: QualName,
    /// The column's current name; none when the table itself is renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The desired name of the column (or of the table, in its schema).
    pub to: String,
}

impl Rename {
    /// Reads the CLI's `--rename`: `[schema.]table.column=new` renames a column, `table=new`
    /// a table of `public` (and `schema.table=new` a table of another schema, when no table
    /// `public.schema` has such a column); names as PostgreSQL folds them (`"Quoted"` parts
    /// keep their case).
    pub fn parse(text: &str) -> Result<Rename, String> {
        let bad = || {
            format!("{text:?}: a rename is TABLE.COLUMN=NEW_NAME (e.g. users.login=username), TABLE=NEW_NAME, or ENUM.LABEL=NEW_LABEL")
        };
        let (left, to) = text.split_once('=').ok_or_else(bad)?;
        let parts = crate::normalize::split_qualified(left.trim());
        let to = match crate::normalize::split_qualified(to.trim()).as_slice() {
            [to] if !to.is_empty() => to.clone(),
            _ => return Err(bad()),
        };
        if parts.iter().any(String::is_empty) {
            return Err(bad());
        }
        let (table, from) = match parts.as_slice() {
            [t] => (QualName::new("public", t.clone()), None),
            [t, c] => (QualName::new("public", t.clone()), Some(c.clone())),
            [s, t, c] => (QualName::new(s.clone(), t.clone()), Some(c.clone())),
            _ => return Err(bad()),
        };
        Ok(Rename { table, from, to })
    }

    /// The `--rename` argument that asks for it.
    pub fn argument(&self) -> String {
        let table = if self.table.schema == "public" {
            quote_ident(&self.table.name)
        } else {
            format!(
                "{}.{}",
                quote_ident(&self.table.schema),
                quote_ident(&self.table.name)
            )
        };
        match &self.from {
            Some(column) => format!("{table}.{}={}", quote_ident(column), quote_ident(&self.to)),
            None => format!("{table}={}", quote_ident(&self.to)),
        }
    }
}

impl fmt::Display for Rename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.from {
            Some(column) => write!(
                f,
                "{}.{} → {}",
                self.table,
                quote_ident(column),
                quote_ident(&self.to)
            ),
            None => write!(f, "table {} → {}", self.table, quote_ident(&self.to)),
        }
    }
}

/// A dropped and an added column (or table) that look like one renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameSuggestion {
    /// The table (the one that would be dropped, for a table).
    pub table: QualName,
    /// The column that would be dropped; none when a table would be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The column (or table, in the same schema) that would be added.
    pub to: String,
    /// 0 to 100 (percent): how alike they are (same definition, the only such pair, similar
    /// names).
    pub confidence: u8,
}

impl RenameSuggestion {
    /// The rename that confirms it.
    pub fn rename(&self) -> Rename {
        Rename {
            table: self.table.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }

    /// The `--rename` argument that confirms it.
    pub fn argument(&self) -> String {
        self.rename().argument()
    }
}

/// Same type, nullability, default, identity and generation: the data would fit unchanged.
fn alike(a: &Column, b: &Column) -> bool {
    a.data_type == b.data_type
        && a.not_null == b.not_null
        && a.serial == b.serial
        && a.identity == b.identity
        && a.collation == b.collation
        && a.default.as_ref().map(|d| &d.canon) == b.default.as_ref().map(|d| &d.canon)
        && a.generated.as_ref().map(|d| &d.canon) == b.generated.as_ref().map(|d| &d.canon)
}

/// Two tables of one schema whose rows would fit each other unchanged: the same columns (names
/// and definitions, in order), primary key columns, kind (unlogged, partitioning, parents).
fn tables_alike(a: &Table, b: &Table) -> bool {
    a.name.schema == b.name.schema
        && a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| x.name == y.name && alike(x, y))
        && a.primary_key.as_ref().map(|k| &k.columns) == b.primary_key.as_ref().map(|k| &k.columns)
        && a.unlogged == b.unlogged
        && a.inherits == b.inherits
        && a.partition_of == b.partition_of
        && a.partition_by == b.partition_by
}

/// A table's constraints and indexes without their names (which name the table): a table
/// renamed keeps them all, so two tables that differ in them are no likely rename.
fn constraint_shape(t: &Table) -> Vec<String> {
    let key = |k: &crate::schema::IndexKey| {
        format!(
            "{} {:?} {} {:?}",
            k.expr.canon, k.opclass, k.desc, k.nulls_first
        )
    };
    let keys = |ks: &[crate::schema::IndexKey]| ks.iter().map(key).collect::<Vec<_>>().join(", ");
    let predicate = |p: &Option<crate::schema::Expr>| p.as_ref().map(|p| p.canon.clone());
    let mut out: Vec<String> = Vec::new();
    out.extend(t.uniques.iter().map(|u| {
        format!(
            "unique {:?} {:?} {} {:?}",
            u.columns, u.include, u.nulls_not_distinct, u.deferrable
        )
    }));
    out.extend(t.checks.iter().map(|c| format!("check {}", c.expr.canon)));
    // The table it references is left out: a table that references itself names itself.
    out.extend(t.foreign_keys.iter().map(|f| {
        format!(
            "foreign key {:?} {:?} {:?} {:?} {:?}",
            f.columns, f.ref_columns, f.on_delete, f.on_update, f.deferrable
        )
    }));
    out.extend(t.exclusions.iter().map(|x| {
        let elements: Vec<String> = x
            .elements
            .iter()
            .map(|(k, op)| format!("{} WITH {op}", key(k)))
            .collect();
        format!(
            "exclude {} {elements:?} {:?}",
            x.method,
            predicate(&x.predicate)
        )
    }));
    out.extend(t.indexes.iter().map(|i| {
        format!(
            "index {} {} ({}) {:?} {} {:?}",
            i.unique,
            i.method,
            keys(&i.keys),
            i.include,
            i.nulls_not_distinct,
            predicate(&i.predicate)
        )
    }));
    out.sort();
    out
}

/// How alike two names are, 0 to 1 (1 − edit distance / longer length).
fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / longer as f64
}

/// How alike two names are word by word, 0 to 1: the words (split at anything but a letter or
/// digit) the two share,
/// counted on both sides, over all their words; two words are the same when they are alike
/// letter by letter (`topic` and `topics`). `forum_posts_count` and `posts_count` share more
/// than `uploads_count` and `posts_count`, which an edit distance rates the other way.
fn word_similarity(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut taken = vec![false; b.len()];
    let mut shared = 0;
    for w in &a {
        if let Some(j) = (0..b.len()).find(|&j| !taken[j] && name_similarity(w, &b[j]) >= 0.8) {
            taken[j] = true;
            shared += 1;
        }
    }
    (2 * shared) as f64 / (a.len() + b.len()) as f64
}

/// 0.5 for the definition, 0.3 more when the pair is the only one of its place (the table's
/// only dropped and only added column; the schema's only dropped and created table), up to 0.2
/// more for similar names; in percent.
fn confidence(only: bool, from: &str, to: &str) -> u8 {
    percent(0.5 + if only { 0.3 } else { 0.0 } + 0.2 * name_similarity(from, to))
}

/// A table's: 0.6 for all its columns, constraints and indexes alike (more than one column's
/// definition says), 0.2 more when it is the schema's only dropped and created table, up to
/// 0.2 for similar names; so a table rename ranks above every column pair but the only one
/// of its table.
fn table_confidence(only: bool, from: &str, to: &str) -> u8 {
    percent(0.6 + if only { 0.2 } else { 0.0 } + 0.2 * name_similarity(from, to))
}

fn percent(c: f64) -> u8 {
    (c * 100.0).round().clamp(0.0, 100.0) as u8
}

/// How alike two names are, word by word or letter by letter, whichever is more.
fn names_alike(a: &str, b: &str) -> f64 {
    word_similarity(a, b).max(name_similarity(a, b))
}

/// How alike the names of a dropped and an added column must be (word by word or letter by
/// letter, whichever is more) to be suggested as a rename, where the table drops or adds more
/// than one alike column (and of a dropped and a created table, where the schema drops or
/// creates more than one).
const MIN_SIMILARITY: f64 = 0.65;

/// At most this many alike candidates for one dropped table: more is no likely rename (a dump
/// of tables of one shape), and pairing them all would grow with the square of their number.
const MAX_CANDIDATES: usize = 10;

/// What two tables must share to be alike: their schema and their columns' names and types.
type Shape<'a> = (&'a str, Vec<(&'a str, &'a str)>);

fn shape(t: &Table) -> Shape<'_> {
    let columns = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str()))
        .collect();
    (t.name.schema.as_str(), columns)
}

/// Likely renames in a diff: in each table, a dropped column and an added one of the same
/// definition; in each schema, a dropped table and a created one with the same columns.
pub fn suggest(diff: &Diff) -> Vec<RenameSuggestion> {
    let mut out = Vec::new();
    // Per table: dropped columns, added columns.
    let mut columns: HashMap<&QualName, (Vec<&Column>, Vec<&Column>)> = HashMap::new();
    // Per schema: how many tables are dropped and created; created tables by shape.
    let mut tables: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut dropped_tables: Vec<&Table> = Vec::new();
    let mut created: HashMap<Shape<'_>, Vec<&Table>> = HashMap::new();
    for c in &diff.changes {
        match c {
            Change::DropColumn { table, column } => {
                columns.entry(table).or_default().0.push(column)
            }
            Change::AddColumn { table, column } => columns.entry(table).or_default().1.push(column),
            Change::DropTable { table } => {
                tables.entry(&table.name.schema).or_default().0 += 1;
                dropped_tables.push(table);
            }
            Change::CreateTable { table } => {
                tables.entry(&table.name.schema).or_default().1 += 1;
                created.entry(shape(table)).or_default().push(table);
            }
            _ => {}
        }
    }
    for (table, (dropped, added)) in &columns {
        let only = dropped.len() == 1 && added.len() == 1;
        // Where a table drops and adds several alike columns, each is paired at most once,
        // the most alike names first, and only names alike enough: every pairing of a few
        // counters dropped and a few added is no likely rename.
        let mut pairs: Vec<(f64, &Column, &Column)> = dropped
            .iter()
            .flat_map(|d| added.iter().map(move |a| (d, a)))
            // A column dropped and added under its own name is added again (its expression
            // changes, or what it is computed from), and a generated one holds no data to keep.
            .filter(|(d, a)| alike(d, a) && d.name != a.name && d.generated.is_none())
            .map(|(d, a)| {
                let similarity = names_alike(&d.name, &a.name);
                (similarity, *d, *a)
            })
            .filter(|(similarity, _, _)| only || *similarity >= MIN_SIMILARITY)
            .collect();
        pairs.sort_by(|x, y| {
            y.0.total_cmp(&x.0).then_with(|| {
                (x.1.name.as_str(), x.2.name.as_str()).cmp(&(y.1.name.as_str(), y.2.name.as_str()))
            })
        });
        let mut used: (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
        for (_, d, a) in pairs {
            if used.0.contains(&d.name.as_str()) || used.1.contains(&a.name.as_str()) {
                continue;
            }
            used.0.push(d.name.as_str());
            used.1.push(a.name.as_str());
            out.push(RenameSuggestion {
                table: (*table).clone(),
                from: Some(d.name.to_string()),
                to: a.name.to_string(),
                confidence: confidence(only, &d.name, &a.name),
            });
        }
    }
    for d in dropped_tables {
        let Some(candidates) = created.get(&shape(d)) else {
            continue;
        };
        if candidates.len() > MAX_CANDIDATES {
            continue;
        }
        // The schema's only dropped and created tables are a likely rename whatever their
        // names; otherwise their names must be alike too.
        let only = tables.get(d.name.schema.as_str()) == Some(&(1, 1));
        let shape = constraint_shape(d);
        for a in candidates.iter().filter(|a| {
            tables_alike(d, a)
                && constraint_shape(a) == shape
                && (only || names_alike(&d.name.name, &a.name.name) >= MIN_SIMILARITY)
        }) {
            out.push(RenameSuggestion {
                table: d.name.clone(),
                from: None,
                to: a.name.name.clone(),
                confidence: table_confidence(only, &d.name.name, &a.name.name),
            });
        }
    }
    // An enum that loses one label and gains one where it stood (others may be added too):
    // perhaps the label renamed (then the rows holding it keep their meaning instead of
    // failing the rebuild).
    for c in &diff.changes {
        if let Change::RebuildEnum { from, to, .. } = c {
            // The labels of `a` that `b` lacks, with their positions.
            let only = |a: &'_ [String], b: &[String]| -> Vec<(usize, String)> {
                a.iter()
                    .enumerate()
                    .filter(|(_, v)| !b.contains(v))
                    .map(|(i, v)| (i, v.clone()))
                    .collect()
            };
            let (gone, new) = (
                only(&from.values, &to.values),
                only(&to.values, &from.values),
            );
            if let [(i, old)] = gone.as_slice() {
                if let Some((_, label)) = new.iter().find(|(j, _)| j == i) {
                    out.push(RenameSuggestion {
                        table: to.name.clone(),
                        from: Some(old.clone()),
                        to: label.clone(),
                        confidence: confidence(new.len() == 1, old, label),
                    });
                }
            }
        }
    }
    // Most likely first; the same order whatever the maps' order.
    out.sort_by(|a, b| {
        b.confidence
            .cmp(&a.confidence)
            .then_with(|| (&a.table, &a.from, &a.to).cmp(&(&b.table, &b.from, &b.to)))
    });
    out
}

/// Applies confirmed renames to the current schema, in order (a table's keys, indexes and the
/// foreign keys that reference the column or table follow, as PostgreSQL's do); the changes
/// that run them, or what is wrong with one.
pub fn apply(
    schema: &mut Schema,
    desired: &Schema,
    renames: &[Rename],
) -> Result<Vec<Change>, String> {
    let mut changes = Vec::new();
    for r in renames {
        let arg = format!("--rename {}", r.argument());
        // `type.label=new`: an enum's label (a table and a type never share a name).
        if let (Some(label), Some(_)) = (&r.from, schema.enums.get(&r.table)) {
            changes.push(rename_enum_label(
                schema, desired, &r.table, label, &r.to, &arg,
            )?);
            continue;
        }
        check_desired(schema, desired, renames, r, &arg)?;
        match &r.from {
            // `schema.table=new` reads as a column of `public.schema` unless that is no table
            // and `schema.table` is one.
            Some(c)
                if r.table.schema == "public"
                    && !schema.tables.contains_key(&r.table)
                    && schema
                        .tables
                        .contains_key(&QualName::new(r.table.name.clone(), c.clone())) =>
            {
                let table = QualName::new(r.table.name.clone(), c.clone());
                changes.push(rename_table(schema, &table, &r.to, &arg)?);
            }
            Some(from) => changes.push(rename_column(schema, &r.table, from, &r.to, &arg)?),
            None => changes.push(rename_table(schema, &r.table, &r.to, &arg)?),
        }
    }
    Ok(changes)
}

/// A confirmed rename of label `from` of enum `name` to `to`, which the desired enum must have
/// and the current one must not: applied to the current schema, so the diff sees the label as
/// kept.
fn rename_enum_label(
    schema: &mut Schema,
    desired: &Schema,
    name: &QualName,
    from: &str,
    to: &str,
    arg: &str,
) -> Result<Change, String> {
    let labels = |values: &[String]| listed(values.iter().map(String::as_str));
    let wanted = desired
        .enums
        .get(name)
        .ok_or_else(|| format!("{arg}: the desired schema has no enum {name}"))?;
    if !wanted.values.iter().any(|v| v == to) {
        return Err(format!(
            "{arg}: the desired enum {name} has no label {to:?}; its labels: {}",
            labels(&wanted.values)
        ));
    }
    let ty = schema
        .enums
        .get_mut(name)
        .ok_or_else(|| format!("{arg}: the current schema has no enum {name}"))?;
    if ty.values.iter().any(|v| v == to) {
        return Err(format!("{arg}: enum {name} already has a label {to:?}"));
    }
    let Some(at) = ty.values.iter().position(|v| v == from) else {
        return Err(format!(
            "{arg}: enum {name} has no label {from:?}; its labels: {}",
            labels(&ty.values)
        ));
    };
    ty.values[at] = to.to_string();
    Ok(Change::RenameEnumValue {
        name: name.clone(),
        from: from.to_string(),
        to: to.to_string(),
    })
}

/// Up to 20 names, listed for a message.
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let mut s = names
        .iter()
        .take(20)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 20 {
        s.push_str(&format!(" and {} more", names.len() - 20));
    }
    if s.is_empty() {
        s.push_str("none");
    }
    s
}

/// A rename's new name must be one the desired schema has: a typo would otherwise rename the
/// column, add the one really wanted empty, and (with `--allow-destructive`) drop the renamed
/// one with its data.
fn check_desired(
    current: &Schema,
    desired: &Schema,
    all: &[Rename],
    r: &Rename,
    arg: &str,
) -> Result<(), String> {
    let column_of = |table: &QualName, to: &str| -> Result<(), String> {
        // The table may be renamed too, by another `--rename` of the same list.
        let renamed = all
            .iter()
            .find(|o| o.from.is_none() && o.table == *table)
            .map(|o| QualName::new(table.schema.clone(), o.to.clone()));
        let table = renamed.as_ref().unwrap_or(table);
        let t = desired
            .tables
            .get(table)
            .ok_or_else(|| format!("{arg}: the desired schema has no table {table}"))?;
        if t.column(to).is_none() {
            return Err(format!(
                "{arg}: the desired table {table} has no column {to}; its columns: {}",
                listed(t.columns.iter().map(|c| c.name.as_str()))
            ));
        }
        Ok(())
    };
    let table_of = |new: &QualName| -> Result<(), String> {
        if desired.tables.contains_key(new) {
            return Ok(());
        }
        Err(format!(
            "{arg}: the desired schema has no table {new}; its tables in {}: {}",
            new.schema,
            listed(
                desired
                    .tables
                    .keys()
                    .filter(|k| k.schema == new.schema)
                    .map(|k| k.name.as_str())
            )
        ))
    };
    match &r.from {
        Some(c)
            if r.table.schema == "public"
                && !current.tables.contains_key(&r.table)
                && current
                    .tables
                    .contains_key(&QualName::new(r.table.name.clone(), c.clone())) =>
        {
            table_of(&QualName::new(r.table.name.clone(), r.to.clone()))
        }
        Some(from) => {
            if let Some(t) = current.tables.get(&r.table) {
                if t.column(from).is_none() {
                    return Err(format!(
                        "{arg}: table {} has no column {from}; its columns: {}",
                        r.table,
                        listed(t.columns.iter().map(|c| c.name.as_str()))
                    ));
                }
            }
            column_of(&r.table, &r.to)
        }
        None => table_of(&QualName::new(r.table.schema.clone(), r.to.clone())),
    }
}

fn rename_column(
    schema: &mut Schema,
    name: &QualName,
    from: &str,
    to: &str,
    arg: &str,
) -> Result<Change, String> {
    let table = schema
        .table_mut(name)
        .ok_or_else(|| format!("{arg}: there is no table {name} in the current schema"))?;
    if table.column(to).is_some() {
        return Err(format!("{arg}: table {name} already has a column {to}"));
    }
    let column = table
        .column_mut(from)
        .ok_or_else(|| format!("{arg}: table {name} has no column {from}"))?;
    column.name = to.into();
    if let Some(s) = table.column_settings.remove(from) {
        table.column_settings.insert(to.to_string(), s);
    }
    let rename = |cols: &mut Vec<String>| {
        for c in cols.iter_mut() {
            if *c == from {
                *c = to.to_string();
            }
        }
    };
    if let Some(pk) = &mut table.primary_key {
        rename(&mut pk.columns);
        rename(&mut pk.include);
    }
    for u in &mut table.uniques {
        rename(&mut u.columns);
        rename(&mut u.include);
    }
    for f in &mut table.foreign_keys {
        rename(&mut f.columns);
    }
    for i in &mut table.indexes {
        rename(&mut i.include);
        for k in &mut i.keys {
            if k.is_column && k.expr.canon == quote_ident(from) {
                let q = quote_ident(to);
                k.expr.sql = q.clone();
                k.expr.canon = q;
            }
        }
    }
    for t in schema.tables_mut() {
        for f in &mut t.foreign_keys {
            if f.ref_table == *name {
                rename(&mut f.ref_columns);
            }
        }
    }
    Ok(Change::RenameColumn {
        table: name.clone(),
        from: from.to_string(),
        to: to.to_string(),
    })
}

/// A token of a view's canonical text.
#[derive(PartialEq)]
enum Token<'a> {
    /// An identifier as written (`users`, `"Users"`).
    Ident(&'a str),
    /// A string literal, with its quotes.
    Literal(&'a str),
    /// Anything else, one character at a time (blanks, `.`, operators).
    Other(&'a str),
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = |chars: &mut std::iter::Peekable<std::str::CharIndices>| {
            chars.peek().map_or(text.len(), |(j, _)| *j)
        };
        if c == '\'' || c == '"' {
            // To the closing quote; a doubled quote is one inside.
            while let Some((_, d)) = chars.next() {
                if d == c {
                    if chars.peek().map(|(_, n)| *n) == Some(c) {
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            let t = &text[i..end(&mut chars)];
            out.push(if c == '"' {
                Token::Ident(t)
            } else {
                Token::Literal(t)
            });
        } else if c.is_alphanumeric() || c == '_' {
            while chars
                .peek()
                .is_some_and(|(_, d)| d.is_alphanumeric() || *d == '_' || *d == '$')
            {
                chars.next();
            }
            out.push(Token::Ident(&text[i..end(&mut chars)]));
        } else {
            out.push(Token::Other(&text[i..end(&mut chars)]));
        }
    }
    out
}

/// A view's canonical text (as PostgreSQL prints it: relations after `FROM`/`JOIN`, schema-
/// qualified outside `public`, and column references qualified by the relation's name or
/// alias) with the relation `from` named `to`, as PostgreSQL prints it after the rename; none
/// when the old name also stands elsewhere (an alias, a schema) or the new one is already used,
/// where the view is left to be compared as it was.
fn rename_relation(
    canon: &str,
    from: &QualName,
    to: &QualName,
    keywords: &[&str],
) -> Option<String> {
    let (old, new) = (quote_ident(&from.name), quote_ident(&to.name));
    let schema = quote_ident(&from.schema);
    let toks = tokens(canon);
    if toks.contains(&Token::Ident(&new)) {
        return None;
    }
    // The previous token that is not a blank.
    let before = |i: usize| toks[..i].iter().rev().find(|t| **t != Token::Other(" "));
    let keyword = |t: Option<&Token>, words: &[&str]| matches!(t, Some(Token::Ident(w)) if words.iter().any(|k| w.eq_ignore_ascii_case(k)));
    let mut out = String::with_capacity(canon.len());
    for (i, t) in toks.iter().enumerate() {
        let text = match t {
            Token::Ident(w) | Token::Literal(w) | Token::Other(w) => *w,
        };
        if *t != Token::Ident(&old) {
            out.push_str(text);
            continue;
        }
        let dot_before = before(i) == Some(&Token::Other("."));
        let dot_after = toks.get(i + 1) == Some(&Token::Other("."));
        let relation = if from.schema == "public" {
            !dot_before && !dot_after && keyword(before(i), keywords)
        } else {
            dot_before
                && i >= 2
                && before(i - 1) == Some(&Token::Ident(&schema))
                && keyword(before(i - 2), keywords)
        };
        // A column's qualifier: `users.id` (not a schema's name, nor the second part of one).
        let qualifier = dot_after && !dot_before && !keyword(before(i), keywords);
        if relation || qualifier {
            out.push_str(&new);
        } else {
            return None;
        }
    }
    Some(out)
}

/// Renames a table in its schema: what names it (foreign keys, children, partitions, owned
/// sequences, views, triggers) follows; a view's canonical text names it anew, as PostgreSQL
/// prints the view after the rename (its written text stays: the down plan recreates views from
/// it once the table has its old name back).
fn rename_table(
    schema: &mut Schema,
    name: &QualName,
    to: &str,
    arg: &str,
) -> Result<Change, String> {
    let new = QualName::new(name.schema.clone(), to.to_string());
    if schema.tables.contains_key(&new) || schema.views.contains_key(&new) {
        return Err(format!("{arg}: there already is a relation {new}"));
    }
    let mut table = schema
        .tables
        .remove(name)
        .ok_or_else(|| format!("{arg}: there is no table {name} in the current schema"))?;
    std::sync::Arc::make_mut(&mut table).name = new.clone();
    schema.tables.insert(new.clone(), table);
    let follow = |n: &mut QualName| {
        if n == name {
            *n = new.clone();
        }
    };
    if let Scope::Tables(set) = &mut schema.scope {
        if set.remove(name) {
            set.insert(new.clone());
        }
    }
    for t in schema.tables_mut() {
        t.foreign_keys
            .iter_mut()
            .for_each(|f| follow(&mut f.ref_table));
        t.inherits.iter_mut().for_each(follow);
        if let Some(p) = &mut t.partition_of {
            follow(&mut p.parent);
        }
    }
    for s in schema.sequences.values_mut() {
        if let Some((t, _)) = &mut s.owned_by {
            follow(t);
        }
    }
    for v in schema.views.values_mut() {
        if v.reads.contains(name) {
            v.reads.iter_mut().for_each(follow);
            // PostgreSQL's views follow the table: their text names it anew.
            if let Some(canon) = rename_relation(&v.query.canon, name, &new, &["FROM", "JOIN"]) {
                v.query.canon = canon;
            }
        }
    }
    let triggers = std::mem::take(&mut schema.triggers);
    schema.triggers = triggers
        .into_values()
        .map(|mut t| {
            if t.table == *name {
                t.table = new.clone();
                // `… ON users …` as PostgreSQL prints the trigger after the rename.
                if let Some(canon) = rename_relation(&t.definition.canon, name, &new, &["ON"]) {
                    t.definition.canon = canon;
                }
            }
            (t.key(), t)
        })
        .collect();
    Ok(Change::RenameTable {
        from: name.clone(),
        to: to.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_parse_and_print_back() {
        let r = Rename::parse("users.login=username").unwrap();
        assert_eq!(r.table, QualName::new("public", "users"));
        assert_eq!(
            (r.from.as_deref(), r.to.as_str()),
            (Some("login"), "username")
        );
        assert_eq!(r.argument(), "users.login=username");
        let r = Rename::parse("app.\"Users\".\"Login\"=\"User Name\"").unwrap();
        assert_eq!(r.table, QualName::new("app", "Users"));
        assert_eq!(
            (r.from.as_deref(), r.to.as_str()),
            (Some("Login"), "User Name")
        );
        assert_eq!(r.argument(), "app.\"Users\".\"Login\"=\"User Name\"");
        let r = Rename::parse("Users=accounts").unwrap();
        assert_eq!(r.table, QualName::new("public", "users"));
        assert_eq!((r.from, r.to.as_str()), (None, "accounts"));
        for bad in [
            "users",
            "users.login",
            "a.b.c.d=e",
            "users.login=",
            "=x",
            "users..login=x",
        ] {
            assert!(Rename::parse(bad).is_err(), "{bad}");
        }
        assert!(name_similarity("login", "login") == 1.0);
        assert!(name_similarity("user_name", "username") > name_similarity("login", "username"));
    }

    fn migrate(from: &str, to: &str, renames: Vec<Rename>) -> crate::Migration {
        crate::migrate(
            from,
            Some(crate::Format::Sql),
            to,
            Some(crate::Format::Sql),
            &crate::PlanOptions {
                renames,
                ..Default::default()
            },
        )
    }

    /// A label lost and another gained where it stood is suggested as a rename; confirmed, it
    /// is one `RENAME VALUE` instead of a rebuild; a label the desired enum lacks is refused.
    #[test]
    fn an_enum_label_renamed_is_suggested_and_confirmed() {
        let from = "CREATE TYPE mood AS ENUM ('sad', 'meh'); CREATE TABLE t (m mood);";
        let to = "CREATE TYPE mood AS ENUM ('sad', 'So So', 'glad'); CREATE TABLE t (m mood);";
        let m = migrate(from, to, Vec::new());
        let s = &m.plan.renames;
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].argument(), "mood.meh=\"So So\"");
        let confirmed = migrate(from, to, vec![s[0].rename()]);
        let statements: Vec<&str> = confirmed
            .sql
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect();
        assert_eq!(
            statements,
            [
                "ALTER TYPE mood RENAME VALUE 'meh' TO 'So So';",
                "ALTER TYPE mood ADD VALUE 'glad' AFTER 'So So';"
            ]
        );
        let typo = migrate(from, to, vec![Rename::parse("mood.meh=soso").unwrap()]);
        assert!(
            typo.from_diagnostics
                .iter()
                .any(|d| d.message.contains("has no label \"soso\"")),
            "{:?}",
            typo.from_diagnostics
        );
    }

    /// Several alike columns dropped and added in one table: each paired at most once, the most
    /// alike names first, and names too unlike never (three counters gone and three new ones
    /// were nine suggestions).
    #[test]
    fn many_alike_columns_are_paired_once_by_their_names() {
        let from =
            "CREATE TABLE u (id int, topic_count int, forum_posts_count int, uploads_count int);";
        let to = "CREATE TABLE u (id int, topics_count int, posts_count int, images_count int);";
        let m = migrate(from, to, vec![]);
        let got: Vec<(Option<&str>, &str)> = m
            .plan
            .renames
            .iter()
            .map(|r| (r.from.as_deref(), r.to.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("topic_count"), "topics_count"),
                (Some("forum_posts_count"), "posts_count")
            ]
        );
    }

    /// A rename is suggested for alike columns only; a confirmed one is one step, however
    /// many keys, indexes and foreign keys name the column.
    #[test]
    fn alike_columns_are_suggested_and_a_confirmed_rename_is_one_step() {
        let from = "CREATE TABLE a (id int, code text NOT NULL, n int, PRIMARY KEY (id, code));
            CREATE UNIQUE INDEX a_code ON a (code) INCLUDE (n);
            CREATE TABLE b (id int, code text, FOREIGN KEY (id, code) REFERENCES a (id, code));";
        let to = "CREATE TABLE a (id int, ref text NOT NULL, n bigint, PRIMARY KEY (id, ref));
            CREATE UNIQUE INDEX a_code ON a (ref) INCLUDE (n);
            CREATE TABLE b (id int, code text, FOREIGN KEY (id, code) REFERENCES a (id, ref));";
        let m = migrate(from, to, vec![]);
        assert!(!m.has_errors());
        // `code` → `ref` (same type, both NOT NULL); `n` changes type, no rename.
        assert_eq!(m.plan.renames.len(), 1, "{:?}", m.plan.renames);
        let r = &m.plan.renames[0];
        assert_eq!(
            (r.from.as_deref(), r.to.as_str(), r.confidence),
            (Some("code"), "ref", 80)
        );
        assert_eq!(r.argument(), "a.code=ref");
        assert!(!m.sql.contains("RENAME"));
        let m = migrate(from, to, vec![Rename::parse("a.code=ref").unwrap()]);
        let ids: Vec<&str> = m.plan.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["rename-column", "alter-column-type"], "{}", m.sql);
        assert!(m.sql.contains("ALTER TABLE a RENAME COLUMN code TO ref;"));
        assert!(m.plan.renames.is_empty());
        assert!(m
            .down_sql
            .contains("ALTER TABLE a RENAME COLUMN ref TO code;"));
        // A rename of what is not there is an error, not a silent no-op.
        let m = migrate(from, to, vec![Rename::parse("a.nope=ref").unwrap()]);
        assert!(m.has_errors() && m.sql.is_empty());
        // Undone after the steps that name the column by its new name.
        let m = migrate(
            "CREATE TABLE t (code text);",
            "CREATE TABLE t (ref text NOT NULL);",
            vec![Rename::parse("t.code=ref").unwrap()],
        );
        let down: Vec<&str> = m
            .down_sql
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect();
        assert_eq!(
            down,
            [
                "ALTER TABLE t ALTER COLUMN ref DROP NOT NULL;",
                "ALTER TABLE t RENAME COLUMN ref TO code;"
            ]
        );
    }

    /// A view's text names a renamed table as PostgreSQL would print it after the rename; where
    /// the old name stands for something else too, the text is left alone.
    #[test]
    fn views_name_a_renamed_table_as_postgresql_prints_them() {
        let users = QualName::new("public", "users");
        let accounts = QualName::new("public", "accounts");
        let logs = QualName::new("app", "logs");
        let lines = QualName::new("app", "log_lines");
        for (canon, from, to, want) in [
            (
                "SELECT users.id, users.email FROM users WHERE users.active",
                &users,
                &accounts,
                Some("SELECT accounts.id, accounts.email FROM accounts WHERE accounts.active"),
            ),
            (
                "SELECT u.id, l.line FROM users u JOIN app.logs l ON (l.uid = u.id)",
                &users,
                &accounts,
                Some("SELECT u.id, l.line FROM accounts u JOIN app.logs l ON (l.uid = u.id)"),
            ),
            (
                "SELECT count(*) AS n FROM app.logs WHERE (logs.line <> 'logs.x')",
                &logs,
                &lines,
                Some("SELECT count(*) AS n FROM app.log_lines WHERE (log_lines.line <> 'logs.x')"),
            ),
            // An alias called like the table, a column called like it, a schema called like
            // it, the new name already in use: left alone.
            ("SELECT users.id FROM t users", &users, &accounts, None),
            ("SELECT t.users FROM t", &users, &accounts, None),
            ("SELECT x.id FROM users.x", &users, &accounts, None),
            (
                "SELECT users.id FROM users JOIN t accounts ON true",
                &users,
                &accounts,
                None,
            ),
        ] {
            assert_eq!(
                rename_relation(canon, from, to, &["FROM", "JOIN"]).as_deref(),
                want,
                "{canon}"
            );
        }
    }

    /// A table dropped and another created with the same columns is a likely rename; confirmed,
    /// it is one `RENAME TO` that the foreign keys, owned sequence and triggers follow, and the
    /// constraints and indexes named after the old name are renamed to the desired names.
    #[test]
    fn alike_tables_are_suggested_and_a_confirmed_table_rename_keeps_the_table() {
        let from = "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
            CREATE INDEX users_email_idx ON users (lower(email));
            CREATE TABLE posts (id int, author int REFERENCES users (id));
            CREATE TABLE app.logs (at timestamptz, line text);";
        let to = "CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
            CREATE INDEX accounts_email_idx ON accounts (lower(email));
            CREATE TABLE posts (id int, author int REFERENCES accounts (id));
            CREATE TABLE app.log_lines (at timestamptz, line text);
            CREATE TABLE app.other (at timestamptz);";
        let (from, to) = (
            format!("CREATE SCHEMA app; {from}"),
            format!("CREATE SCHEMA app; {to}"),
        );
        let m = migrate(&from, &to, vec![]);
        assert!(!m.has_errors());
        let got: Vec<(String, Option<String>, String, u8)> = m
            .plan
            .renames
            .iter()
            .map(|r| {
                (
                    r.table.to_string(),
                    r.from.clone(),
                    r.to.clone(),
                    r.confidence,
                )
            })
            .collect();
        // users → accounts: the only pair in public (0.8) + names 1/8 alike. app.logs has two
        // created tables beside it, only one with its columns, whose name is not alike enough
        // (4/9 letter by letter, no word shared): no likely rename, though it can be confirmed.
        assert_eq!(got, [("users".into(), None, "accounts".into(), 83)]);
        assert_eq!(m.plan.renames[0].argument(), "users=accounts");
        assert_eq!(
            m.plan.renames[0].rename().to_string(),
            "table users → accounts"
        );
        assert!(!m.sql.contains("RENAME"), "{}", m.sql);

        let renames = vec![
            Rename::parse("users=accounts").unwrap(),
            Rename::parse("app.logs=log_lines").unwrap(),
        ];
        let m = migrate(&from, &to, renames);
        assert!(!m.has_errors(), "{:?}", m.from_diagnostics);
        assert!(m.plan.renames.is_empty());
        let sql: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
        assert_eq!(
            sql[..5],
            [
                "ALTER TABLE users RENAME TO accounts;",
                "ALTER TABLE app.logs RENAME TO log_lines;",
                "ALTER TABLE accounts RENAME CONSTRAINT users_pkey TO accounts_pkey;",
                "ALTER TABLE accounts RENAME CONSTRAINT users_email_key TO accounts_email_key;",
                "ALTER INDEX users_email_idx RENAME TO accounts_email_idx;",
            ],
            "{}",
            m.sql
        );
        // Nothing else but the new table; the foreign key and serial default followed.
        assert_eq!(
            sql.iter().filter(|l| l.ends_with(';')).count(),
            6,
            "{}",
            m.sql
        );
        assert!(sql[5].starts_with("CREATE TABLE app.other"), "{}", m.sql);
        // The down migration renames back last, latest first (its other steps use new names).
        assert!(
            m.down_sql.ends_with(
                "ALTER TABLE app.log_lines RENAME TO logs;\n\
                 -- undo: accounts: renamed to users (a confirmed rename: the table keeps its rows)\n\
                 ALTER TABLE accounts RENAME TO users;\n"
            ),
            "{}",
            m.down_sql
        );
        assert!(m.down_sql.starts_with(
            "-- undo: accounts: constraint accounts_pkey is named users_pkey in the desired schema\n\
             ALTER TABLE accounts RENAME CONSTRAINT accounts_pkey TO users_pkey;"
        ));

        // Tables of one shape and alike names: one dropped and ten created are ten likely
        // renames; with eleven created, too many to name one.
        let many = |n: usize| {
            (0..n)
                .map(|i| format!("CREATE TABLE items_{i} (id int, v text);"))
                .collect::<String>()
        };
        let items = "CREATE TABLE items (id int, v text);";
        let m = migrate(items, &many(10), vec![]);
        assert_eq!(m.plan.renames.len(), 10, "{:?}", m.plan.renames);
        let m = migrate(items, &many(11), vec![]);
        assert!(m.plan.renames.is_empty(), "{:?}", m.plan.renames);

        // The same columns but not the same constraints and indexes: no likely rename, even
        // as the schema's only pair.
        let m = migrate(
            "CREATE TABLE items (id int PRIMARY KEY, v text); CREATE INDEX ON items (v);",
            "CREATE TABLE things (id int PRIMARY KEY, v text);",
            vec![],
        );
        assert!(m.plan.renames.is_empty(), "{:?}", m.plan.renames);

        // A table rename (with another table created beside it) ranks above column pairs
        // that are not their table's only one.
        let m = migrate(
            "CREATE TABLE versions (id int PRIMARY KEY, body text);
             CREATE TABLE stats (id int, posts_count int, topics_count int);",
            "CREATE TABLE versions_legacy (id int PRIMARY KEY, body text);
             CREATE TABLE audits (at timestamptz);
             CREATE TABLE stats (id int, post_count int, topic_count int);",
            vec![],
        );
        let order: Vec<String> = m.plan.renames.iter().map(|r| r.argument()).collect();
        assert_eq!(
            order,
            [
                "versions=versions_legacy",
                "stats.posts_count=post_count",
                "stats.topics_count=topic_count"
            ],
            "{:?}",
            m.plan.renames
        );

        // A rename onto an existing relation, or of a missing table, is an error.
        for bad in ["users=posts", "nope=x", "app.nope=x"] {
            let m = migrate(&from, &to, vec![Rename::parse(bad).unwrap()]);
            assert!(m.has_errors() && m.sql.is_empty(), "{bad}");
        }
    }
}

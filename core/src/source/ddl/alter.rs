//! `ALTER TABLE`, sequences, types and `COMMENT ON`, and serial detection once every
//! statement is read.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

impl Cx<'_> {
    /// Is `name` a view or materialized view the text has made (read, pending or skipped)?
    pub(super) fn names_a_view(&self, name: &QualName) -> bool {
        self.schema.views.contains_key(name)
            || self.pending_views.iter().any(|p| p.name == *name)
            || self.skipped_views.contains(name)
    }

    pub(super) fn alter_table(
        &mut self,
        at: ast::AlterTable,
        span: Span,
        st: &RawStatement<'_>,
        line: u32,
    ) {
        let name = self.qual(&at.name);
        if !self.schema.tables.contains_key(&name) {
            if at.if_exists {
                return;
            }
            // pg_dump writes a view's column defaults as `ALTER TABLE ONLY view ALTER COLUMN
            // … SET DEFAULT`: what `ALTER VIEW` does, not compared either.
            if self.names_a_view(&name) {
                self.out_of_scope(st, "ALTER TABLE on a view", line, Severity::Warning);
                return;
            }
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("ALTER TABLE on unknown table {name} (line {line})"),
                st.start,
                st.end,
            );
            return;
        }
        for op in at.operations {
            if let Some((trigger, firing)) = trigger_firing(&op) {
                let key = format!("{name}/{}", ident(trigger));
                match self.schema.triggers.get_mut(&key) {
                    Some(t) => t.firing = firing,
                    None => self.diag(
                        Severity::Warning,
                        DiagKind::UnknownObject,
                        format!(
                            "ALTER TABLE {name} {} TRIGGER (line {line}): no trigger {} on {name} here; not compared",
                            firing.clause(),
                            quote_ident(&ident(trigger))
                        ),
                        st.start,
                        st.end,
                    ),
                }
                continue;
            }
            match op {
                AlterTableOperation::AddConstraint {
                    constraint,
                    not_valid,
                } => {
                    self.add_constraint(&name, constraint, None, not_valid, span, st);
                }
                AlterTableOperation::AttachPartitionOf {
                    partition,
                    for_values,
                } => {
                    // pg_dump creates a partition as a table and attaches it.
                    let child = self.qual(&partition);
                    match self.schema.table_mut(&child) {
                        Some(t) => {
                            t.partition_of = Some(PartitionOf {
                                parent: name.clone(),
                                bound: clause_expr(&print::sql(&for_values)),
                            })
                        }
                        None => self.diag(
                            Severity::Error,
                            DiagKind::UnknownObject,
                            format!("ATTACH PARTITION of unknown table {child} (line {line})"),
                            st.start,
                            st.end,
                        ),
                    }
                }
                AlterTableOperation::SetLogged => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        t.unlogged = false;
                    }
                }
                AlterTableOperation::SetUnlogged => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        t.unlogged = true;
                    }
                }
                AlterTableOperation::EnableRowLevelSecurity
                | AlterTableOperation::DisableRowLevelSecurity
                | AlterTableOperation::ForceRowLevelSecurity
                | AlterTableOperation::NoForceRowLevelSecurity => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        match op {
                            AlterTableOperation::EnableRowLevelSecurity => t.row_security = true,
                            AlterTableOperation::DisableRowLevelSecurity => t.row_security = false,
                            AlterTableOperation::ForceRowLevelSecurity => {
                                t.force_row_security = true
                            }
                            _ => t.force_row_security = false,
                        }
                    }
                }
                AlterTableOperation::AlterColumn { column_name, op } => {
                    let col_name = ident(&column_name);
                    let known = self
                        .schema
                        .tables
                        .get(&name)
                        .is_some_and(|t| t.column(&col_name).is_some());
                    let child = self
                        .schema
                        .tables
                        .get(&name)
                        .is_some_and(|t| !t.inherits.is_empty() || t.partition_of.is_some());
                    if !known && child {
                        // A column the table inherits (pg_dump sets an inherited column's own
                        // default on the child): applied once the parents' columns are in.
                        self.inherited_alters
                            .push((name.clone(), col_name, op, span, line));
                        continue;
                    }
                    self.alter_column(&name, &col_name, op, span, line);
                }
                AlterTableOperation::AddColumn { column_def, .. } => {
                    // Reuse the CREATE TABLE path for one column.
                    let sql = format!("CREATE TABLE x ({column_def})");
                    if let Ok(Statement::CreateTable(mut ct)) =
                        parser_for(&sql).and_then(|mut p| p.parse_statement())
                    {
                        ct.name = at.name.clone();
                        let saved = self.schema.tables.remove(&name);
                        self.create_table(ct, span, st);
                        if let (Some(mut old), Some(new)) =
                            (saved, self.schema.tables.remove(&name))
                        {
                            // Both were made here: neither is shared, nothing is copied.
                            let old_t = std::sync::Arc::make_mut(&mut old);
                            let new = std::sync::Arc::unwrap_or_clone(new);
                            old_t.columns.extend(new.columns);
                            old_t.uniques.extend(new.uniques);
                            old_t.checks.extend(new.checks);
                            old_t.foreign_keys.extend(new.foreign_keys);
                            if new.primary_key.is_some() {
                                old_t.primary_key = new.primary_key;
                            }
                            self.schema.tables.insert(name.clone(), old);
                        }
                    }
                }
                AlterTableOperation::DropColumn { column_names, .. } => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        for c in &column_names {
                            let c = ident(c);
                            t.columns.retain(|x| x.name != c);
                            // A statistics object on the column goes with it.
                            t.statistics
                                .retain(|s| !super::statistics::names_column(s, &c));
                        }
                    }
                }
                AlterTableOperation::DropConstraint { name: cname, .. } => {
                    let cname = ident(&cname);
                    if let Some(t) = self.schema.table_mut(&name) {
                        if t.primary_key.as_ref().is_some_and(|p| p.name == cname) {
                            t.primary_key = None;
                        }
                        t.uniques.retain(|x| x.name != cname);
                        t.checks.retain(|x| x.name != cname);
                        t.foreign_keys.retain(|x| x.name != cname);
                        t.exclusions.retain(|x| x.name != cname);
                    }
                }
                AlterTableOperation::RenameConstraint { old_name, new_name } => {
                    let (old, new) = (ident(&old_name), ident(&new_name));
                    let renamed = self.schema.table_mut(&name).is_some_and(|t| {
                        let mut found = false;
                        let mut rename = |n: &mut String| {
                            if *n == old {
                                n.clone_from(&new);
                                found = true;
                            }
                        };
                        if let Some(pk) = t.primary_key.as_mut() {
                            rename(&mut pk.name);
                        }
                        t.uniques.iter_mut().for_each(|c| rename(&mut c.name));
                        t.checks.iter_mut().for_each(|c| rename(&mut c.name));
                        t.foreign_keys.iter_mut().for_each(|c| rename(&mut c.name));
                        t.exclusions.iter_mut().for_each(|c| rename(&mut c.name));
                        if let Some(c) = t.constraint_comments.remove(&old) {
                            t.constraint_comments.insert(new.clone(), c);
                        }
                        found
                    });
                    if renamed {
                        self.constraint_names.insert((name.schema.clone(), new));
                    } else {
                        self.diag(
                            Severity::Warning,
                            DiagKind::UnknownObject,
                            format!(
                                "ALTER TABLE {name} RENAME CONSTRAINT (line {line}): no constraint {} on {name} here; not compared",
                                quote_ident(&old)
                            ),
                            st.start,
                            st.end,
                        );
                    }
                }
                AlterTableOperation::OwnerTo { .. } => {}
                other => {
                    let text = other.to_string();
                    self.diag(
                        Severity::Warning,
                        DiagKind::OutOfScope,
                        format!("ignored: ALTER TABLE {name} {text} (line {line}): not compared by schemafix"),
                        st.start,
                        st.end,
                    );
                }
            }
        }
    }

    /// `ALTER TABLE [ONLY] t ALTER COLUMN c ADD GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY (…)`,
    /// as pg_dump writes it (with `SEQUENCE NAME`, which the parser does not take).
    pub(super) fn alter_identity(&mut self, st: &RawStatement<'_>) -> bool {
        let toks = sql_words(st.text);
        let up: Vec<String> = toks.iter().map(|t| t.to_ascii_uppercase()).collect();
        let Some(pos) = up
            .windows(2)
            .position(|w| w[0] == "ADD" && w[1] == "GENERATED")
        else {
            return false;
        };
        if up.first().map(String::as_str) != Some("ALTER")
            || up.get(1).map(String::as_str) != Some("TABLE")
        {
            return false;
        }
        let mut i = 2;
        if up.get(i).map(String::as_str) == Some("ONLY") {
            i += 1;
        }
        let Some(tname) = toks.get(i) else {
            return false;
        };
        let table = self.qual_text(tname);
        let Some(cpos) = up.iter().position(|w| w == "COLUMN") else {
            return false;
        };
        let Some(cname) = toks.get(cpos + 1).map(|c| ident_text(c)) else {
            return false;
        };
        let identity = if up.get(pos + 2).map(String::as_str) == Some("ALWAYS") {
            Identity::Always
        } else {
            Identity::ByDefault
        };
        match self
            .schema
            .table_mut(&table)
            .and_then(|t| t.column_mut(&cname))
        {
            Some(col) => {
                col.identity = Some(identity);
                col.identity_options = identity_options_from_words(&up[pos..]).into();
                true
            }
            None => false,
        }
    }

    pub(super) fn qual_text(&self, text: &str) -> QualName {
        resolve(&split_qualified(text), &self.search_path)
    }

    pub(super) fn create_sequence(
        &mut self,
        name: &ObjectName,
        options: &[ast::SequenceOptions],
        if_not_exists: bool,
        span: Span,
    ) {
        let name = self.qual(name);
        if if_not_exists && self.schema.sequences.contains_key(&name) {
            return;
        }
        let mut seq =
            Sequence::with_options(name.clone(), "bigint", &identity_options(options), span);
        for o in options {
            match o {
                ast::SequenceOptions::DataType(t) => {
                    seq.data_type = canonical_type(&print::sql_type(t))
                }
                ast::SequenceOptions::OwnedBy(Some(on)) => {
                    let parts: Vec<String> = on.0.iter().map(part_text).collect();
                    if let Some((table, column)) = resolve_column(&parts, &self.search_path) {
                        self.owned.push((name.clone(), table, column));
                    }
                }
                _ => {}
            }
        }
        normalize_sequence(&mut seq);
        self.schema.sequences.insert(name, seq);
    }

    /// `ALTER SEQUENCE s OWNED BY t.c` (pg_dump) and simple option changes.
    pub(super) fn alter_sequence(&mut self, st: &RawStatement<'_>, line: u32) {
        let toks = sql_words(st.text);
        let up: Vec<String> = toks.iter().map(|t| t.to_ascii_uppercase()).collect();
        let mut i = 2;
        if up.get(i).map(String::as_str) == Some("IF") {
            i += 2;
        }
        let Some(sname) = toks.get(i) else { return };
        let seq = self.qual_text(sname);
        if let Some(p) = up.windows(2).position(|w| w[0] == "OWNED" && w[1] == "BY") {
            if let Some(target) = toks.get(p + 2) {
                let parts = split_qualified(target);
                if let Some((table, column)) = resolve_column(&parts, &self.search_path) {
                    self.owned.push((seq, table, column));
                }
            }
            return;
        }
        self.out_of_scope(st, "ALTER SEQUENCE", line, Severity::Warning);
    }

    /// `ALTER TYPE e ADD VALUE [IF NOT EXISTS] 'v' [BEFORE|AFTER 'w']`.
    pub(super) fn alter_type(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let toks = sql_words(st.text);
        let up: Vec<String> = toks.iter().map(|t| t.to_ascii_uppercase()).collect();
        if up.get(3).map(String::as_str) == Some("ADD")
            && up.get(4).map(String::as_str) == Some("VALUE")
        {
            let name = self.qual_text(&toks[2]);
            let mut i = 5;
            if up.get(i).map(String::as_str) == Some("IF") {
                i += 3;
            }
            let lit = |s: &str| s.trim_matches('\'').replace("''", "'");
            let (Some(val), Some(e)) = (
                toks.get(i).map(|v| lit(v)),
                self.schema.enums.get_mut(&name),
            ) else {
                self.out_of_scope(st, kind, line, Severity::Warning);
                return;
            };
            if e.values.contains(&val) {
                return;
            }
            let anchor = toks.get(i + 2).map(|v| lit(v));
            let pos = match (up.get(i + 1).map(String::as_str), anchor) {
                (Some("BEFORE"), Some(a)) => e.values.iter().position(|v| *v == a),
                (Some("AFTER"), Some(a)) => e.values.iter().position(|v| *v == a).map(|p| p + 1),
                _ => None,
            };
            match pos {
                Some(p) => e.values.insert(p, val),
                None => e.values.push(val),
            }
            return;
        }
        self.out_of_scope(st, kind, line, Severity::Warning);
    }

    pub(super) fn comment(
        &mut self,
        object_type: ast::CommentObject,
        object_name: &ObjectName,
        comment: Option<String>,
        st: &RawStatement<'_>,
        line: u32,
    ) {
        use ast::CommentObject as O;
        match object_type {
            O::Table => {
                let n = self.qual(object_name);
                if let Some(t) = self.schema.table_mut(&n) {
                    t.comment = comment;
                    return;
                }
            }
            O::Column => {
                let parts: Vec<String> = object_name.0.iter().map(part_text).collect();
                if let Some((t, col)) = resolve_column(&parts, &self.search_path) {
                    if let Some(c) = self.schema.table_mut(&t).and_then(|t| t.column_mut(&col)) {
                        c.comment = comment.map(Into::into);
                        return;
                    }
                }
                if self.attribute_comment(&parts, &comment) {
                    return;
                }
            }
            O::Index => {
                let n = self.qual(object_name);
                // The tables' and the views' fields borrowed apart (`tables_mut` would take the
                // whole schema).
                if let Some(i) = self
                    .schema
                    .tables
                    .values_mut()
                    .map(std::sync::Arc::make_mut)
                    .filter(|t| t.name.schema == n.schema)
                    .flat_map(|t| t.indexes.iter_mut())
                    .chain(
                        self.schema
                            .views
                            .values_mut()
                            .filter(|v| v.name.schema == n.schema)
                            .flat_map(|v| v.indexes.iter_mut()),
                    )
                    .find(|i| i.name == n.name)
                {
                    i.comment = comment;
                    return;
                }
            }
            O::View | O::MaterializedView => {
                let n = self.qual(object_name);
                if let Some(v) = self.schema.views.get_mut(&n) {
                    v.comment = comment;
                    return;
                }
            }
            O::Type => {
                let n = self.qual(object_name);
                if let Some(e) = self.schema.enums.get_mut(&n) {
                    e.comment = comment;
                    return;
                }
                if let Some(c) = self.schema.composites.get_mut(&n) {
                    c.comment = comment;
                    return;
                }
                if let Some(r) = self.schema.ranges.get_mut(&n) {
                    r.comment = comment;
                    return;
                }
            }
            O::Domain => {
                let n = self.qual(object_name);
                if let Some(d) = self.schema.domains.get_mut(&n) {
                    d.comment = comment;
                    return;
                }
            }
            _ => {
                let kind = format!("COMMENT ON {object_type}");
                self.out_of_scope(st, &kind, line, Severity::Note);
                return;
            }
        }
        self.diag(
            Severity::Warning,
            DiagKind::UnknownObject,
            format!("COMMENT ON {object_type} {object_name} (line {line}): no such object here"),
            st.start,
            st.end,
        );
    }

    /// Whether `seq` has the options `serial` gives a column of `column_type` its sequence (a
    /// sequence started at ten million, say, or a `bigint` one under an `integer` column, is a
    /// sequence of its own: folded into `serial`, its start or its type would be lost).
    fn plain_sequence(&self, seq: &QualName, column_type: &str) -> bool {
        let Some(s) = self.schema.sequences.get(seq) else {
            return true;
        };
        let mut s = s.clone();
        crate::normalize::normalize_sequence(&mut s);
        s.data_type == column_type
            && s.increment == 1
            && s.start.is_none()
            && s.min_value.is_none()
            && s.max_value.is_none()
            && s.cache == 1
            && !s.cycle
    }

    /// A column whose default is `nextval` of a sequence the column owns, with the options
    /// `serial` gives it, is a serial column: its sequence and default fold into `serial = true`.
    pub(super) fn resolve_serials(&mut self) {
        // Which tables' columns default to each sequence: one that other tables use too (a
        // parent's and its siblings' journal ids drawn from one sequence) is a sequence of its
        // own, owned by one of them, not a serial.
        let mut users: BTreeMap<QualName, BTreeSet<QualName>> = BTreeMap::new();
        for t in self.schema.tables.values() {
            for c in &t.columns {
                // An unqualified name is taken in the table's own schema (a dump sets the
                // search path to it; the path at the end of the file may be another's).
                if let Some(s) = c
                    .default
                    .as_ref()
                    .and_then(|d| nextval_target(&d.canon, &t.name.schema))
                {
                    users.entry(s).or_default().insert(t.name.clone());
                }
            }
        }
        for (t, _, s) in &self.defaults {
            users.entry(s.clone()).or_default().insert(t.clone());
        }
        for (seq, table, col) in std::mem::take(&mut self.owned) {
            let shared = users.get(&seq).is_some_and(|tables| {
                tables
                    .iter()
                    .any(|t| *t != table && !descends_from(&self.schema, t, &table))
            });
            if shared {
                if let Some(s) = self.schema.sequences.get_mut(&seq) {
                    s.owned_by = Some((table, col));
                }
                continue;
            }
            let Some(column_type) = self
                .schema
                .tables
                .get(&table)
                .and_then(|t| t.column(&col))
                .map(|c| c.data_type.clone())
            else {
                continue;
            };
            let plain = self.plain_sequence(&seq, &column_type);
            let has_default = self
                .defaults
                .iter()
                .any(|(t, c, s)| *t == table && *c == col && *s == seq);
            let Some(c) = self
                .schema
                .table_mut(&table)
                .and_then(|t| t.column_mut(&col))
            else {
                continue;
            };
            let default_matches = c
                .default
                .as_ref()
                .and_then(|d| nextval_target(&d.canon, &self.search_path))
                .is_some_and(|s| s == seq);
            if c.identity.is_some() {
                // pg_dump names the identity sequence; it is part of the identity.
                self.schema.sequences.remove(&seq);
            } else if has_default && default_matches && plain {
                // Whatever the sequence's name: a table renamed keeps its serial column's
                // sequence under the old name, and the column is as serial as before.
                c.serial = true;
                c.default = None;
                self.schema.sequences.remove(&seq);
            } else if let Some(s) = self.schema.sequences.get_mut(&seq) {
                s.owned_by = Some((table, col));
            }
        }
        // Serial columns declared with the `serial` type carry no default text.
        for t in self.schema.tables_mut() {
            for c in &mut t.columns {
                if c.serial {
                    c.default = None;
                }
            }
        }
    }
}

/// `ENABLE [ALWAYS | REPLICA] TRIGGER name` or `DISABLE TRIGGER name`: the trigger and how it
/// is to fire (`None` for any other operation, and for `ALL` or `USER`, which name no trigger).
fn trigger_firing(op: &AlterTableOperation) -> Option<(&ast::Ident, TriggerFiring)> {
    let (trigger, firing) = match op {
        AlterTableOperation::EnableTrigger { name } => (name, TriggerFiring::Origin),
        AlterTableOperation::EnableAlwaysTrigger { name } => (name, TriggerFiring::Always),
        AlterTableOperation::EnableReplicaTrigger { name } => (name, TriggerFiring::Replica),
        AlterTableOperation::DisableTrigger { name } => (name, TriggerFiring::Disabled),
        _ => return None,
    };
    let all_or_user = trigger.quote_style.is_none()
        && matches!(trigger.value.to_ascii_uppercase().as_str(), "ALL" | "USER");
    (!all_or_user).then_some((trigger, firing))
}

/// Sequence options (of a sequence or an identity column) from the parser's, not yet
/// normalized.
pub(super) fn identity_options(options: &[ast::SequenceOptions]) -> IdentityOptions {
    let mut o = IdentityOptions::default();
    let num = |e: &ast::Expr| -> Option<i64> { canon_expr(e).parse().ok() };
    for opt in options {
        match opt {
            ast::SequenceOptions::IncrementBy(e, _) => o.increment = num(e).unwrap_or(1),
            ast::SequenceOptions::MinValue(e) => o.min_value = e.as_ref().and_then(num),
            ast::SequenceOptions::MaxValue(e) => o.max_value = e.as_ref().and_then(num),
            ast::SequenceOptions::StartWith(e, _) => o.start = num(e),
            ast::SequenceOptions::Cache(e) => o.cache = num(e).unwrap_or(1),
            ast::SequenceOptions::Cycle(no) => o.cycle = !*no,
            _ => {}
        }
    }
    o
}

/// Identity options from pg_dump's hand-read `( SEQUENCE NAME s START WITH 1 … )` (upper-cased
/// words).
pub(super) fn identity_options_from_words(up: &[String]) -> IdentityOptions {
    let mut o = IdentityOptions::default();
    let num = |i: usize| {
        up.get(i)
            .and_then(|w| w.trim_end_matches([')', ';']).parse::<i64>().ok())
    };
    let mut i = 0;
    while i < up.len() {
        let w = up[i].as_str();
        let prev_no = i > 0 && up[i - 1] == "NO";
        match w {
            "START" => o.start = num(i + 2).or(num(i + 1)),
            "INCREMENT" => o.increment = num(i + 2).or(num(i + 1)).unwrap_or(1),
            "MINVALUE" if !prev_no => o.min_value = num(i + 1),
            "MAXVALUE" if !prev_no => o.max_value = num(i + 1),
            "CACHE" => o.cache = num(i + 1).unwrap_or(1),
            "CYCLE" | "CYCLE)" => o.cycle = !prev_no,
            _ => {}
        }
        i += 1;
    }
    o
}

/// Whether `table` is a child or partition of `ancestor`, at any depth (as far as the
/// statements read so far say).
fn descends_from(schema: &Schema, table: &QualName, ancestor: &QualName) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![table.clone()];
    while let Some(t) = todo.pop() {
        if !seen.insert(t.clone()) {
            continue;
        }
        let Some(tb) = schema.tables.get(&t) else {
            continue;
        };
        for p in tb
            .inherits
            .iter()
            .chain(tb.partition_of.iter().map(|p| &p.parent))
        {
            if p == ancestor {
                return true;
            }
            todo.push(p.clone());
        }
    }
    false
}

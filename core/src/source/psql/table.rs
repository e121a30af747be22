//! Cells and footers into the IR: columns directly, footer entries rewritten into one DDL
//! statement each.

use super::*;

impl<'a> Px<'a> {
    /// Builds the table's columns from the rows.
    pub(super) fn columns(&mut self, table: &mut Table, headers: &[String], rows: &[Row]) {
        let at = |name: &str| headers.iter().position(|h| h == name);
        let (c_type, c_coll, c_null, c_def, c_mods, c_desc) = (
            at("Type"),
            at("Collation"),
            at("Nullable"),
            at("Default"),
            at("Modifiers"),
            at("Description"),
        );
        if c_desc.is_none() {
            // Plain `\d` has no Description column: column comments are unknown.
            self.schema.hidden.column_comments = true;
        } else {
            self.schema.hidden.comment_trailing_blanks = true;
        }
        let (c_storage, c_compression, c_stats) =
            (at("Storage"), at("Compression"), at("Stats target"));
        // Plain `\d` shows no settings; psql before 14 (or with HIDE_TOAST_COMPRESSION) no
        // compression; none shows a column's options.
        if c_storage.is_none() {
            self.schema.hidden.settings = true;
        } else if c_compression.is_none() {
            self.schema.hidden.compression = true;
        }
        self.schema.hidden.attribute_options = true;
        for row in rows {
            let cell =
                |k: Option<usize>| k.and_then(|k| row.values.get(k)).map_or("", |s| s.as_str());
            let col_at =
                |k: Option<usize>| k.and_then(|k| row.columns.get(k)).copied().unwrap_or(0);
            let name = row.values[0].trim_end();
            let raw_type = cell(c_type).trim();
            let mut column = Column {
                not_null: cell(c_null).trim() == "not null",
                collation: Some(cell(c_coll).trim())
                    .filter(|c| !c.is_empty())
                    .map(Into::into),
                comment: Some(cell(c_desc)).filter(|c| !c.is_empty()).map(Into::into),
                ..Column::new(
                    name,
                    canonical_type_name(raw_type),
                    self.span_at(row.line, col_at(Some(0))),
                )
            };
            let mut default = cell(c_def).trim().to_string();
            if c_mods.is_some() {
                default = self.modifiers(&mut column, cell(c_mods).trim());
            }
            self.external_type(&column.data_type);
            if !default.is_empty() {
                let at = self.span_at(row.line, col_at(c_def.or(c_mods)));
                self.default_cell(table, &mut column, &default, at);
            }
            if table.column(name).is_some() {
                let msg = format!("{}: column {name} appears twice", table.name);
                self.diag(Severity::Error, DiagKind::Syntax, msg, column.span);
            }
            let settings = [
                (c_stats, "STATISTICS"),
                (c_storage, "STORAGE"),
                (c_compression, "COMPRESSION"),
            ];
            for (k, what) in settings {
                let value = cell(k).trim();
                let shown = match what {
                    "STATISTICS" => value.parse::<i32>().is_ok(),
                    "STORAGE" => {
                        // A type schemafix does not know stores as it shows, most likely.
                        matches!(value, "plain" | "main" | "external" | "extended")
                            && (crate::schema::type_storage(&column.data_type).is_some()
                                || matches!(value, "main" | "external"))
                    }
                    _ => matches!(value, "pglz" | "lz4"),
                };
                if shown {
                    let sql = format!(
                        "ALTER TABLE ONLY {} ALTER COLUMN {} SET {what} {value}",
                        qualified(&table.name),
                        quoted(name)
                    );
                    self.emit(&sql, column.span);
                }
            }
            table.columns.push(column);
        }
    }

    /// The pre-10 `Modifiers` cell: `collate C not null default expr`. Returns the default.
    pub(super) fn modifiers(&mut self, column: &mut Column, mods: &str) -> String {
        let mut rest = mods;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("collate ") {
                let name_len = r.find(' ').unwrap_or(r.len());
                column.collation = Some(
                    rest["collate ".len().."collate ".len() + name_len]
                        .trim_matches('"')
                        .into(),
                );
                rest = rest["collate ".len() + name_len..].trim_start();
            } else if lower.starts_with("not null") {
                column.not_null = true;
                rest = rest["not null".len()..].trim_start();
            } else if lower.starts_with("default ") {
                return rest["default ".len()..].trim().to_string();
            } else {
                return String::new();
            }
        }
    }

    /// The Default cell: a default expression, an identity or a generated column.
    pub(super) fn default_cell(
        &mut self,
        table: &Table,
        column: &mut Column,
        text: &str,
        at: Span,
    ) {
        let lower = text.to_ascii_lowercase();
        if lower == "generated always as identity" {
            column.identity = Some(Identity::Always);
            return;
        }
        if lower == "generated by default as identity" {
            column.identity = Some(Identity::ByDefault);
            return;
        }
        if let Some(inner) = lower
            .strip_prefix("generated always as (")
            .filter(|_| lower.ends_with(") stored"))
            .map(|_| &text["generated always as (".len()..text.len() - ") stored".len()])
        {
            match parse_expr(inner) {
                Ok(e) => column.generated = Some(Box::new(e)),
                Err(e) => self.bad_expr(table, column, "generation expression", &e, at),
            }
            return;
        }
        let expr = match crate::source::ddl::parse_default(text, &column.data_type) {
            Ok(e) => e,
            Err(e) => return self.bad_expr(table, column, "default", &e, at),
        };
        if let Some(seq) = nextval_target(&expr.canon, "public") {
            let serial_name = QualName::new(
                table.name.schema.clone(),
                make_object_name(&table.name.name, Some(&column.name), "seq"),
            );
            if seq == serial_name
                && matches!(column.data_type.as_str(), "integer" | "bigint" | "smallint")
            {
                column.serial = true;
                return;
            }
            self.schema.external.insert(seq);
        }
        column.default = Some(Box::new(expr));
    }

    pub(super) fn bad_expr(
        &mut self,
        table: &Table,
        column: &Column,
        what: &str,
        err: &str,
        at: Span,
    ) {
        let msg = format!(
            "{}.{}: cannot read the {what}: {err}",
            table.name,
            crate::quote::quote_ident(&column.name)
        );
        self.diag(Severity::Error, DiagKind::Syntax, msg, at);
    }

    /// Records a column type that is not built in (an enum, a domain, an extension's type).
    pub(super) fn external_type(&mut self, data_type: &str) {
        let base = data_type.trim_end_matches("[]");
        let base = base.split('(').next().unwrap_or(base).trim();
        let builtin = BUILTIN_TYPES.contains(&base)
            || base.starts_with("timestamp")
            || base.starts_with("time ")
            || base.starts_with("interval");
        if !builtin {
            let name = resolve(&split_qualified(base), "public");
            self.schema.external.insert(name);
        }
    }

    pub(super) fn footer(&mut self, table: &QualName, f: &Footer) {
        let n = f.entries.len();
        let names = |f: &Footer| {
            f.entries
                .iter()
                .map(|(_, e)| e.split_whitespace().next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let heading = f.heading.as_str();
        match heading {
            "" => {}
            "Indexes" => {
                for (line, e) in &f.entries {
                    self.index_entry(table, *line, e);
                }
            }
            "Check constraints" | "Foreign-key constraints" => {
                for (line, e) in &f.entries {
                    self.constraint_entry(table, *line, e);
                }
            }
            "Referenced by" => {
                let from: BTreeSet<String> = f
                    .entries
                    .iter()
                    .filter_map(|(_, e)| referencing_table(e))
                    .collect();
                let msg = format!(
                    "{table} is referenced by {} foreign key{} (from {}); those tables are not compared unless they are pasted too",
                    n,
                    if n == 1 { "" } else { "s" },
                    from.into_iter().collect::<Vec<_>>().join(", ")
                );
                self.line_diag(Severity::Note, DiagKind::OutOfScope, msg, f.line);
            }
            h if h.contains("riggers") => {
                let msg = format!("{table}: {h} not compared: {}", names(f));
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            h if h.starts_with("Policies") || h.contains("ules") => {
                let what: Vec<String> = f
                    .entries
                    .iter()
                    .filter(|(_, e)| {
                        !e.starts_with("TO ")
                            && !e.starts_with("USING")
                            && !e.starts_with("WITH CHECK")
                    })
                    .map(|(_, e)| e.lines().next().unwrap_or("").to_string())
                    .collect();
                let msg = format!(
                    "{table}: {h} not compared{}{}",
                    if what.is_empty() { "" } else { ": " },
                    what.join("; ")
                );
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            "Statistics objects" | "Publications" | "Typed table of type" | "Tablespace" => {
                let detail = if f.inline.is_empty() {
                    names(f)
                } else {
                    f.inline.clone()
                };
                let msg = format!("{table}: {heading} not compared: {detail}");
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            "Inherits" => {
                let mut list = f.inline.clone();
                for (_, e) in &f.entries {
                    list.push(',');
                    list.push_str(e);
                }
                let parents: Vec<QualName> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| resolve(&split_qualified(p), "public"))
                    .collect();
                if let Some(t) = self.schema.table_mut(table) {
                    t.inherits = parents;
                }
            }
            "Partition of" => {
                let text = f.inline.as_str();
                let cut = text
                    .find(" FOR VALUES ")
                    .or_else(|| text.find(" DEFAULT"))
                    .unwrap_or(text.len());
                let parent = resolve(&split_qualified(text[..cut].trim()), "public");
                if let Some(t) = self.schema.table_mut(table) {
                    t.partition_of = Some(PartitionOf {
                        parent,
                        bound: clause_expr(text[cut..].trim()),
                    });
                }
            }
            "Partition key" => {
                if let Some(t) = self.schema.table_mut(table) {
                    t.partition_by = Some(clause_expr(&f.inline));
                }
            }
            "Replica Identity" if matches!(f.inline.as_str(), "FULL" | "NOTHING" | "DEFAULT") => {
                let sql = format!(
                    "ALTER TABLE ONLY {} REPLICA IDENTITY {}",
                    qualified(table),
                    f.inline
                );
                let span = self.span_at(f.line, indent_of(self.lines[f.line].text));
                self.emit(&sql, span);
            }
            "Options" => {
                let mut set = Vec::new();
                for entry in f.inline.split(", ") {
                    match entry.split_once('=') {
                        Some((n, v)) if is_option_name(n) => {
                            set.push(format!("{n} = {}", crate::quote::quote_literal(v)))
                        }
                        _ => {
                            let msg = format!("{table}: storage parameter `{entry}` not read; storage parameters not compared");
                            self.line_diag(Severity::Warning, DiagKind::IgnoredClause, msg, f.line);
                            self.schema.hidden.settings = true;
                        }
                    }
                }
                let sql = format!(
                    "ALTER TABLE ONLY {} SET ({})",
                    qualified(table),
                    set.join(", ")
                );
                let span = self.span_at(f.line, indent_of(self.lines[f.line].text));
                if !set.is_empty() {
                    self.emit(&sql, span);
                }
            }
            "Access method" if f.inline == "heap" => {
                let msg = format!("{table}: access method heap (the default)");
                self.line_diag(Severity::Note, DiagKind::NoSchemaContent, msg, f.line);
            }
            "Access method" => {
                let msg = format!("{table}: access method {} not compared", f.inline);
                self.line_diag(Severity::Warning, DiagKind::OutOfScope, msg, f.line);
            }
            _ => {
                // Partition constraint, Partitions, Child tables, Not-null constraints and the
                // like restate facts shown elsewhere or belong to other tables.
                let msg =
                    format!("{table}: `{heading}` lists nothing schemafix compares for this table");
                self.line_diag(Severity::Note, DiagKind::NoSchemaContent, msg, f.line);
            }
        }
    }

    /// One `Indexes:` entry: a primary key, unique or exclusion constraint, or an index.
    pub(super) fn index_entry(&mut self, table: &QualName, line: usize, entry: &str) {
        let Some((name, rest)) = split_entry_name(entry, |r| {
            r.starts_with("PRIMARY KEY, ")
                || r.starts_with("UNIQUE CONSTRAINT, ")
                || r.starts_with("UNIQUE, ")
                || r.starts_with("EXCLUDE USING ")
                || method_and_keys(r).is_some()
        }) else {
            return self.bad_entry(line, "an index");
        };
        let mut rest = rest.trim_end().to_string();
        let identity = rest.ends_with(" REPLICA IDENTITY");
        if identity {
            rest.truncate(rest.len() - " REPLICA IDENTITY".len());
        }
        for (suffix, what) in [
            (
                " INVALID",
                "is INVALID (a failed CREATE INDEX CONCURRENTLY); it is compared as if valid",
            ),
            (" CLUSTER", "is the CLUSTER index"),
        ] {
            if let Some(r) = rest.strip_suffix(suffix) {
                let msg = format!(
                    "{table}: index {} {what}; that is not compared",
                    crate::quote::quote_ident(&name)
                );
                let sev = if suffix == " INVALID" {
                    Severity::Warning
                } else {
                    Severity::Note
                };
                self.line_diag(sev, DiagKind::IgnoredClause, msg, line);
                rest = r.to_string();
            }
        }
        let t = qualified(table);
        let n = quoted(&name);
        let sql = if let Some(r) = rest.strip_prefix("PRIMARY KEY, ") {
            let Some((_, keys, tail)) = method_and_keys(r) else {
                return self.bad_entry(line, "a primary key");
            };
            format!("ALTER TABLE ONLY {t} ADD CONSTRAINT {n} PRIMARY KEY {keys}{tail}")
        } else if let Some(r) = rest.strip_prefix("UNIQUE CONSTRAINT, ") {
            let Some((_, keys, tail)) = method_and_keys(r) else {
                return self.bad_entry(line, "a unique constraint");
            };
            let (nnd, tail) = match tail.strip_prefix(" NULLS NOT DISTINCT") {
                Some(t) => (" NULLS NOT DISTINCT", t),
                None => ("", tail),
            };
            format!("ALTER TABLE ONLY {t} ADD CONSTRAINT {n} UNIQUE{nnd} {keys}{tail}")
        } else if let Some(r) = rest.strip_prefix("UNIQUE, ") {
            format!("CREATE UNIQUE INDEX {n} ON {t} USING {r}")
        } else if rest.starts_with("EXCLUDE USING ") {
            format!("ALTER TABLE ONLY {t} ADD CONSTRAINT {n} {rest}")
        } else {
            format!("CREATE INDEX {n} ON {t} USING {rest}")
        };
        let span = self.span_at(line, indent_of(self.lines[line].text));
        self.emit(&sql, span);
        if identity {
            self.emit(
                &format!("ALTER TABLE ONLY {t} REPLICA IDENTITY USING INDEX {n}"),
                span,
            );
        }
    }

    /// One `Check constraints:` or `Foreign-key constraints:` entry.
    pub(super) fn constraint_entry(&mut self, table: &QualName, line: usize, entry: &str) {
        // A partition's foreign key that its parent has (psql 15 and later name the parent):
        // the parent's, compared there.
        if let Some(parent) = referencing_table(entry) {
            if entry.contains("\" FOREIGN KEY (") {
                let msg = format!(
                    "{table}: foreign key {} is its parent {parent}'s, compared on {parent}",
                    entry
                        .split("CONSTRAINT ")
                        .nth(1)
                        .and_then(|r| r.split(" FOREIGN KEY").next())
                        .unwrap_or("")
                );
                self.line_diag(Severity::Note, DiagKind::OutOfScope, msg, line);
                return;
            }
        }
        let Some((name, rest)) = split_entry_name(entry, |r| {
            r.starts_with("CHECK (") || r.starts_with("FOREIGN KEY (")
        }) else {
            return self.bad_entry(line, "a constraint");
        };
        // `NOT VALID` stays in the statement: the state is compared.
        let rest = rest.trim_end();
        let sql = format!(
            "ALTER TABLE ONLY {} ADD CONSTRAINT {} {rest}",
            qualified(table),
            quoted(&name),
        );
        let span = self.span_at(line, indent_of(self.lines[line].text));
        self.emit(&sql, span);
    }

    pub(super) fn bad_entry(&mut self, line: usize, what: &str) {
        let msg = format!(
            "line {}: cannot read this as {what}: `{}`",
            line + 1,
            shorten(self.lines[line].text.trim())
        );
        self.line_diag(Severity::Error, DiagKind::Syntax, msg, line);
    }

    pub(super) fn emit(&mut self, sql: &str, origin: Span) {
        self.ddl.push_str(&crate::source::one_line(sql));
        self.ddl.push_str(";\n");
        self.ddl_origin.push(origin);
    }
}

/// A storage parameter's name as psql prints it (`fillfactor`, `toast.autovacuum_enabled`).
fn is_option_name(n: &str) -> bool {
    !n.is_empty()
        && n.split('.').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// Splits `"name" REST` where the name is printed in quotes without escaping: the name ends at
/// the first `" ` after which `rest_ok` accepts the remainder.
pub(super) fn split_entry_name(
    entry: &str,
    rest_ok: impl Fn(&str) -> bool,
) -> Option<(String, &str)> {
    let inner = entry.strip_prefix('"')?;
    for (p, _) in inner.match_indices("\" ") {
        let rest = &inner[p + 2..];
        if rest_ok(rest) {
            return Some((inner[..p].to_string(), rest));
        }
    }
    None
}

/// `btree (a, lower(b)) INCLUDE (c)` → ("btree", "(a, lower(b))", " INCLUDE (c)").
pub(super) fn method_and_keys(r: &str) -> Option<(&str, &str, &str)> {
    let (method, rest) = r.split_once(' ')?;
    if method.is_empty()
        || !method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    if !rest.starts_with('(') {
        return None;
    }
    let end = balanced_end(rest)?;
    Some((method, &rest[..end], &rest[end..]))
}

/// The byte index just past the parenthesis that closes the one `s` starts with, skipping
/// quoted strings and identifiers.
pub(super) fn balanced_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// Whether a footer entry goes on on the next line: a parenthesis, a quote or a `CASE` is still
/// open, or it ends with `WHERE`.
pub(super) fn unfinished(s: &str) -> bool {
    let mut depth = 0i64;
    let mut cases = 0i64;
    let mut quote: Option<char> = None;
    let mut word = String::new();
    // A keyword outside quotes: psql prints them in capitals (an identifier spelled so is
    // quoted).
    let keyword = |word: &mut String, cases: &mut i64| {
        match word.as_str() {
            "CASE" => *cases += 1,
            "END" => *cases -= 1,
            _ => {}
        }
        word.clear();
    };
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c.is_ascii_alphanumeric() || c == '_' => word.push(c),
            None => {
                keyword(&mut word, &mut cases);
                match c {
                    '\'' | '"' => quote = Some(c),
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
            }
        }
    }
    keyword(&mut word, &mut cases);
    // psql breaks a pretty-printed CASE over lines, and after an index's `WHERE` when its
    // predicate is one.
    depth > 0 || quote.is_some() || cases > 0 || s.trim_end().ends_with(" WHERE")
}

/// `TABLE "orders" CONSTRAINT …` → `orders` (regclass text inside unescaped quotes).
pub(super) fn referencing_table(e: &str) -> Option<String> {
    let inner = e.strip_prefix("TABLE \"")?;
    let end = inner.find("\" CONSTRAINT ")?;
    Some(inner[..end].to_string())
}

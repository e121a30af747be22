//! Statements other than tables': dispatch by leading words, views, column changes, routines,
//! triggers, policies, search path.

use super::*;

impl Cx<'_> {
    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.text, start, end)
    }

    pub(super) fn diag(
        &mut self,
        severity: Severity,
        kind: DiagKind,
        msg: impl Into<String>,
        s: usize,
        e: usize,
    ) {
        let span = self.span(s, e);
        self.diagnostics
            .push(Diagnostic::new(severity, kind, msg, span));
    }

    pub(super) fn statement(&mut self, st: &RawStatement<'_>) {
        let line = self.span(st.start, st.end).line;
        if st.meta {
            self.diag(
                Severity::Note,
                DiagKind::NoSchemaContent,
                format!("ignored: psql meta-command `{}` (line {line})", st.text),
                st.start,
                st.end,
            );
            return;
        }
        let words = leading_words(st.text, 6);
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        // Only a few statements need it: copied once, and not for the rest.
        let upper = std::cell::OnceCell::new();
        let upper = || upper.get_or_init(|| st.text.to_ascii_uppercase());
        let kind = statement_kind(&w);
        if matches!(
            w.as_slice(),
            ["CREATE", "DOMAIN" | "TYPE", ..] | ["CREATE", "FOREIGN", "TABLE", ..]
        ) {
            self.note_type(st.text);
        }
        match w.as_slice() {
            ["SET", "SEARCH_PATH", ..] | ["SET", "SESSION", "SEARCH_PATH", ..] => {
                self.set_search_path(st.text);
            }
            ["SET" | "RESET" | "BEGIN" | "COMMIT" | "START" | "END" | "ROLLBACK", ..] => {
                self.note_no_content(st, &kind, line);
            }
            ["SELECT", ..] if upper().contains("SET_CONFIG") => {
                if upper().contains("'SEARCH_PATH'") {
                    self.set_search_path_from_set_config(st.text);
                }
                self.note_no_content(st, &kind, line);
            }
            ["GRANT" | "REVOKE", ..] => self.grant(st, &kind, line),
            ["ALTER", ..] if upper().contains(" OWNER TO ") => {
                self.owner(st.text);
                self.note_no_content(st, &format!("{kind} … OWNER TO"), line);
            }
            ["COMMENT", "ON", "FUNCTION" | "PROCEDURE" | "TRIGGER", ..] => {
                self.routine_comment(st, &kind, line)
            }
            ["COMMENT", "ON", "SCHEMA" | "SEQUENCE" | "COLLATION" | "POLICY", ..] => {
                match routines::object_comment(st.text, &self.search_path) {
                    Ok((target, comment)) if target.exists_in(&self.schema) => {
                        self.schema.set_comment(target, comment);
                    }
                    Ok((target, _)) => self.diag(
                        Severity::Warning,
                        DiagKind::UnknownObject,
                        format!(
                            "{kind} (line {line}): no {} here; not compared",
                            target.describe()
                        ),
                        st.start,
                        st.end,
                    ),
                    Err(e) => {
                        self.out_of_scope(st, &format!("{kind} ({e})"), line, Severity::Warning)
                    }
                }
            }
            ["COMMENT", "ON", "CONSTRAINT", ..] => {
                match routines::constraint_comment(st.text, &self.search_path) {
                    Ok((name, table, comment)) => {
                        let known = self.schema.tables.get(&table).is_some_and(|t| {
                            crate::normalize::table_names_in_use(t).contains(&name)
                        });
                        match self.schema.table_mut(&table) {
                            Some(t) if known => match comment {
                                Some(c) => {
                                    t.constraint_comments.insert(name, c);
                                }
                                None => {
                                    t.constraint_comments.remove(&name);
                                }
                            },
                            _ => self.diag(
                                Severity::Warning,
                                DiagKind::UnknownObject,
                                format!(
                                    "COMMENT ON CONSTRAINT {} ON {table} (line {line}): no such constraint here",
                                    quote_ident(&name)
                                ),
                                st.start,
                                st.end,
                            ),
                        }
                    }
                    Err(e) => self.out_of_scope(st, &format!("{kind} ({e})"), line, Severity::Note),
                }
            }
            ["ALTER", "TABLE", ..] if self.table_settings(st, line) => {}
            ["CREATE", "TYPE", ..] if composites::is_composite(st.text) => {
                self.create_composite(st, line)
            }
            ["CREATE", "TYPE", ..] if ranges::is_range(st.text) => self.create_range(st, line),
            ["ALTER", "TYPE", ..] if self.alter_composite(st, line) => {}
            ["DROP", "TYPE", ..] if self.drop_type(st) => {}
            ["CREATE" | "ALTER" | "DROP", "STATISTICS", ..] => {
                self.statistics_statement(st, &kind, line)
            }
            ["COMMENT", "ON", "STATISTICS", ..] => {
                self.statistics_statement(st, "COMMENT ON STATISTICS", line)
            }
            ["CREATE", "TABLE", ..]
            | ["CREATE", "UNLOGGED", "TABLE", ..]
            | ["CREATE", "UNIQUE", "INDEX", ..]
            | ["CREATE", "INDEX", ..]
            | ["CREATE", "TYPE", ..]
            | ["CREATE", "SEQUENCE", ..]
            | ["COMMENT", "ON", ..]
            | ["CREATE", "SCHEMA", ..]
            | ["ALTER", "TABLE", ..] => self.parsed(st, &kind, line),
            ["CREATE", "EXTENSION", ..]
            | ["CREATE", "POLICY", ..]
            | ["CREATE", "VIEW", ..]
            | ["CREATE", "OR", "REPLACE", "VIEW", ..]
            | ["CREATE", "MATERIALIZED", "VIEW", ..] => self.parsed(st, &kind, line),
            ["ALTER", "SEQUENCE", ..] => self.alter_sequence(st, line),
            ["CREATE", "COLLATION", ..] => match routines::collation(st.text, &self.search_path) {
                Ok(collation) => {
                    let span = self.span(st.start, st.end);
                    self.schema
                        .collations
                        .insert(collation.name.clone(), Collation { span, ..collation });
                }
                Err(e) => self.unreadable(st, "CREATE COLLATION", line, &e),
            },
            _ if kind == "CREATE FUNCTION" || kind == "CREATE PROCEDURE" => {
                self.create_routine(st, &kind, line)
            }
            _ if kind == "CREATE TRIGGER"
                || (kind == "CREATE CONSTRAINT" && upper().contains("TRIGGER")) =>
            {
                self.create_trigger(st, line)
            }
            ["ALTER", "TYPE", ..] => self.alter_type(st, &kind, line),
            ["CREATE", "DOMAIN", ..] => self.create_domain(st, line),
            ["ALTER", "DOMAIN", ..] => self.alter_domain(st, line),
            ["DROP", "DOMAIN", ..] => self.drop_domain(st, line),
            // A partition's index (or key) attached to its parent's: a partition takes the
            // parent's index definitions, each matched by one of its own where it has one.
            ["ALTER", "INDEX", _, "ATTACH", "PARTITION", ..] => {
                self.note_no_content(st, "ALTER INDEX … ATTACH PARTITION", line)
            }
            [first, ..] if !is_sql_command(first) => self.not_sql(st),
            [] => self.not_sql(st),
            _ => {
                if let Some(view) = self.view_name(st.text) {
                    self.skipped_views.push(view);
                }
                self.out_of_scope(st, &kind, line, Severity::Warning)
            }
        }
    }

    /// Text that is no SQL statement at all (prose, a shell script, encoded data): an error,
    /// never an empty schema, which `apply` would take as "drop everything".
    pub(super) fn not_sql(&mut self, st: &RawStatement<'_>) {
        let line = st.text.lines().next().unwrap_or_default();
        let shown: String = line.chars().take(60).collect();
        self.diag(
            Severity::Error,
            DiagKind::Syntax,
            format!(
                "not SQL: a statement must start with a command such as CREATE or ALTER, found `{}`",
                shown.trim()
            ),
            st.start,
            st.start + line.len(),
        );
    }

    /// The name a `CREATE [OR REPLACE] [MATERIALIZED] VIEW` statement creates.
    pub(super) fn view_name(&self, text: &str) -> Option<QualName> {
        let toks = sql_words(text);
        let up: Vec<String> = toks
            .iter()
            .take(8)
            .map(|t| t.to_ascii_uppercase())
            .collect();
        if up.first().map(String::as_str) != Some("CREATE") {
            return None;
        }
        let mut i = up.iter().position(|w| w == "VIEW")? + 1;
        if up.get(i).map(String::as_str) == Some("IF") {
            i += 3;
        }
        let name = toks.get(i)?.split('(').next()?.to_string();
        Some(self.qual_text(&name))
    }

    pub(super) fn note_no_content(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        self.diag(
            Severity::Note,
            DiagKind::NoSchemaContent,
            format!("ignored: {kind} (line {line}): no schema content"),
            st.start,
            st.end,
        );
    }

    pub(super) fn out_of_scope(
        &mut self,
        st: &RawStatement<'_>,
        kind: &str,
        line: u32,
        sev: Severity,
    ) {
        self.diag(
            sev,
            DiagKind::OutOfScope,
            format!("ignored: {kind} (line {line}): not compared by schemafix"),
            st.start,
            st.end,
        );
    }

    pub(super) fn set_search_path(&mut self, text: &str) {
        let rest = text
            .split_once('=')
            .map(|(_, r)| r)
            .or_else(|| {
                let up = text.to_ascii_uppercase();
                up.find(" TO ").map(|i| &text[i + 4..])
            })
            .unwrap_or("");
        let path: Vec<&str> = rest
            .trim()
            .trim_end_matches(';')
            .split(',')
            .map(|s| s.trim().trim_matches('\''))
            .filter(|s| !s.is_empty())
            .collect();
        self.path_is(&path);
    }

    pub(super) fn set_search_path_from_set_config(&mut self, text: &str) {
        // `SELECT pg_catalog.set_config('search_path', '', false)`: the second literal.
        let lits: Vec<&str> = text.split('\'').collect();
        if lits.len() >= 4 {
            let path: Vec<&str> = lits[3]
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            self.path_is(&path);
        }
    }

    /// The search path set to `path` (its entries as written): the first entry is where
    /// unqualified names are created, and a path other than the default is kept with what is
    /// kept as written (routines, triggers, views), whose statements run under it. Under an
    /// empty path (`pg_dump`'s) everything is qualified: what is written under it runs under
    /// the default path, and unqualified names are still read as `public`'s.
    pub(super) fn path_is(&mut self, path: &[&str]) {
        let Some(first) = path.first() else {
            self.written_path = None;
            return;
        };
        self.search_path = ident_text(first);
        // `ident_text` reads `pg_catalog` and `"$user"` as `public` too.
        let default = path.iter().all(|s| ident_text(s) == "public");
        self.written_path = (!default).then(|| path.join(", "));
    }

    /// The canonical type of `raw` (a type as written), resolved on the search path.
    pub(super) fn on_path(&self, raw: &str) -> crate::schema::TypeName {
        let t = canonical_type_name(raw);
        match self.type_on_path(raw, &t) {
            Some(q) => crate::schema::TypeName::new(&q),
            None => t,
        }
    }

    /// The canonical type `t` of `raw`, written without its schema, qualified with the search
    /// path's first schema when that schema holds a type of the name (an enum, a domain, a
    /// composite or range type, a table's or a view's row type); `None` when it stays as it
    /// is. A type the grammar names by a keyword (`bit(5)`, `character varying`, `int`) is
    /// the system's whatever the path.
    pub(super) fn type_on_path(&self, raw: &str, t: &str) -> Option<String> {
        if self.search_path == "public" || qualified_type(t) || qualified_type(raw) {
            return None;
        }
        let first = raw.trim_start();
        let word: String = first
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase();
        const KEYWORD_TYPES: &[&str] = &[
            "bit",
            "character",
            "char",
            "varchar",
            "national",
            "nchar",
            "numeric",
            "decimal",
            "dec",
            "int",
            "integer",
            "smallint",
            "bigint",
            "real",
            "float",
            "double",
            "boolean",
            "time",
            "timestamp",
            "interval",
        ];
        if !first.starts_with('"') && KEYWORD_TYPES.contains(&word.as_str()) {
            return None;
        }
        let base = t.trim_end_matches("[]");
        // The name ends at a modifier's bracket outside quotes (`""` inside quotes is one `"`).
        let mut in_quotes = false;
        let name_end = base
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                c == '(' && !in_quotes
            })
            .map_or(base.len(), |(i, _)| i);
        let written = crate::normalize::split_qualified(&base[..name_end]).pop()?;
        let name = QualName::new(self.search_path.clone(), written);
        let known = self.schema.enums.contains_key(&name)
            || self.types.contains(&name)
            || self.schema.tables.contains_key(&name)
            || self.schema.views.contains_key(&name);
        known.then(|| format!("{name}{}", &t[name_end..]))
    }

    /// Remembers the type a `CREATE DOMAIN`, `CREATE TYPE` or `CREATE FOREIGN TABLE` makes.
    fn note_type(&mut self, text: &str) {
        let words = sql_words(text);
        let mut i = 2;
        if words
            .get(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("FOREIGN"))
        {
            i = 3;
        }
        if words.get(i).is_some_and(|w| w.eq_ignore_ascii_case("IF")) {
            i += 3;
        }
        if let Some(name) = words.get(i) {
            let name = self.qual_text(name);
            self.types.insert(name);
        }
    }

    pub(super) fn parsed(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let mut text = spell_casts_for_parser(st.text).into_owned();
        if kind == "CREATE MATERIALIZED VIEW" {
            // pg_dump's `WITH NO DATA` (the parser lacks it): whether rows are there is data.
            strip_with_data(&mut text);
        }
        if kind == "CREATE INDEX" {
            // `ON ONLY parent` (pg_dump and pg_get_indexdef on a partitioned table, the parser
            // lacks it): the partitions' own indexes are attached to it later, and a partition
            // takes a clone of it unless it has an index of its definition (see
            // `take_from_parent`), which is what attaching amounts to.
            blank_on_only(&mut text);
        }
        let mut respelled = false;
        self.inline_settings.clear();
        let parsed = loop {
            let parsed = parser_for(&text).and_then(|mut p| {
                let s = p.parse_statement()?;
                // The parser stops where it has a statement: text after it (a clause it
                // lacks, such as `ON DELETE SET NULL (columns)` at the end of `ALTER
                // TABLE … ADD CONSTRAINT`) is an error, never silently dropped.
                let _ = p.consume_token(&sqlparser::tokenizer::Token::SemiColon);
                let next = p.peek_token();
                if next.token != sqlparser::tokenizer::Token::EOF {
                    return Err(sqlparser::parser::ParserError::ParserError(format!(
                        "Expected: end of statement, found: {} at Line: {}, Column: {}",
                        next.token, next.span.start.line, next.span.start.column
                    )));
                }
                Ok(s)
            });
            // The parser takes only a standard string in some places PostgreSQL takes any
            // string (an enum's labels, a comment's text): escape and dollar-quoted strings are
            // spelled as standard ones, their values unchanged, and the statement read again.
            if parsed.is_err() && !respelled {
                respelled = true;
                if let Some(standard) = print::standard_strings(&text) {
                    text = standard;
                    continue;
                }
            }
            // The parser lacks PostgreSQL 15's `ON DELETE SET NULL (columns)` (and `SET
            // DEFAULT (…)`): the list is blanked out and kept for the key it belongs to.
            // Nor a column's `COMPRESSION` or `STORAGE` clause: blanked out, set after.
            if let Err(e) = &parsed {
                if let Some((o, len, column, setting)) =
                    settings::inline_setting_at(&text, &e.to_string())
                {
                    text.replace_range(o..o + len, &" ".repeat(len));
                    self.inline_settings.push((column, setting));
                    continue;
                }
            }
            if let Err(e) = &parsed {
                if let Some((o, len, columns)) = fk_action_columns_at(&text, &e.to_string()) {
                    text.replace_range(o..o + len, &" ".repeat(len));
                    self.fk_action_columns.push(columns);
                    continue;
                }
            }
            // The parser lacks a constraint's index storage parameters (`UNIQUE (a) WITH
            // (fillfactor = 70)`): blank them out, say so, and read the rest.
            if let Err(e) = &parsed {
                let msg = e.to_string();
                if msg.contains("found: WITH") {
                    let (l, c) = error_position(&msg);
                    if let Some(o) = offset_of(&text, l, c) {
                        if let Some(len) = with_clause_len(&text[o..]) {
                            let clause = text[o..o + len].to_string();
                            text.replace_range(o..o + len, &" ".repeat(len));
                            self.diag(
                                Severity::Warning,
                                DiagKind::IgnoredClause,
                                format!(
                                    "{kind} (line {line}): the constraint's index storage parameters `{}` are not compared",
                                    clause.split_whitespace().collect::<Vec<_>>().join(" ")
                                ),
                                st.start + o,
                                st.start + o + len,
                            );
                            continue;
                        }
                    }
                }
            }
            break parsed;
        };
        let stmt = match parsed {
            Ok(s) => s,
            Err(e) => {
                // pg_dump's identity form is written out by hand below; the parser lacks it.
                if self.alter_identity(st) {
                    return;
                }
                let msg = e.to_string();
                let offset = if msg.contains("Line:") {
                    let (l, c) = error_position(&msg);
                    offset_of(st.text, l, c).map_or(st.start, |o| st.start + o)
                } else if msg.contains("found: EOF") {
                    // A cut-off statement: the error is where the text ends.
                    st.start + st.text.trim_end().len()
                } else if msg.contains("recursion limit") {
                    st.start + too_deep_at(st.text)
                } else {
                    st.start
                };
                let clean = msg
                    .trim_start_matches("sql parser error: ")
                    .split(" at Line:")
                    .next()
                    .unwrap_or(&msg)
                    .replace(
                        "recursion limit exceeded",
                        "nested too deeply (the parser follows about 50 levels of brackets)",
                    );
                if kind.ends_with("VIEW") {
                    // A view the parser cannot read (XMLTABLE, …) is not compared, on either
                    // side alike: a database holding one can still be read.
                    if let Some(view) = self.view_name(st.text) {
                        self.skipped_views.push(view.clone());
                        self.schema.external.insert(view);
                    }
                    self.diag(
                        Severity::Warning,
                        DiagKind::OutOfScope,
                        format!("could not parse {kind} (line {line}): {clean}; the view is not compared"),
                        offset,
                        st.end,
                    );
                    return;
                }
                let sev = if kind.starts_with("ALTER TABLE")
                    || kind.starts_with("CREATE TYPE")
                    || kind.starts_with("COMMENT")
                {
                    // Many ALTER TABLE forms (CLUSTER ON, SET (...), REPLICA IDENTITY …) and
                    // non-enum types are outside what schemafix compares.
                    Severity::Warning
                } else {
                    Severity::Error
                };
                self.diag(
                    sev,
                    DiagKind::Syntax,
                    format!("could not parse {kind} (line {line}): {clean}"),
                    offset,
                    st.end,
                );
                return;
            }
        };
        let span = self.span(st.start, st.end);
        let said = self.diagnostics.len();
        self.statement_parsed(stmt, span, st, kind, line);
        // A list no key of the statement took (and the statement said nothing else, such as
        // its table being unknown): not compared would be silent, so it is said.
        if !std::mem::take(&mut self.fk_action_columns).is_empty() && self.diagnostics.len() == said
        {
            self.diag(
                Severity::Error,
                DiagKind::Syntax,
                format!("{kind} (line {line}): an ON DELETE SET NULL / SET DEFAULT column list names columns its foreign key does not have"),
                st.start,
                st.end,
            );
        }
    }

    fn statement_parsed(
        &mut self,
        stmt: Statement,
        span: Span,
        st: &RawStatement<'_>,
        kind: &str,
        line: u32,
    ) {
        match stmt {
            Statement::CreateTable(ct) => self.create_table(ct, span, st),
            Statement::CreateIndex(ci) => self.create_index(ci, span),
            Statement::CreateView(cv) if !cv.temporary => self.create_view(cv, span, st),
            Statement::CreatePolicy(cp) => self.create_policy(cp, span, st),
            // Every database has PL/pgSQL (`initdb` installs it in template1; the live catalog
            // leaves it out too): older pg_dumps still write it.
            Statement::CreateExtension(ce) if ident(&ce.name) == "plpgsql" => {
                self.note_no_content(st, "CREATE EXTENSION plpgsql (in every database)", line);
            }
            Statement::CreateExtension(ce) => {
                let name = ident(&ce.name);
                let schema = ce
                    .schema
                    .as_ref()
                    .map_or_else(|| self.search_path.clone(), ident);
                let version = ce.version.as_ref().map(|v| v.value.clone());
                self.schema.extensions.insert(
                    name.clone(),
                    Extension {
                        name,
                        schema,
                        version,
                        span,
                    },
                );
            }
            Statement::AlterTable(at) => self.alter_table(at, span, st, line),
            Statement::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                let name = self.qual(&name);
                self.schema.enums.insert(
                    name.clone(),
                    EnumType {
                        name,
                        values: labels.iter().map(|l| l.value.clone()).collect(),
                        comment: None,
                        span,
                    },
                );
            }
            Statement::CreateSequence {
                name,
                sequence_options,
                if_not_exists,
                ..
            } => self.create_sequence(&name, &sequence_options, if_not_exists, span),
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(object_type, &object_name, comment, st, line),
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = match schema_name {
                    ast::SchemaName::Simple(n) => n.0.last().map(part_text),
                    ast::SchemaName::UnnamedAuthorization(i) => Some(ident(&i)),
                    ast::SchemaName::NamedAuthorization(n, _) => n.0.last().map(part_text),
                };
                match name.as_deref() {
                    // Made anew, `public` grants nothing: not initdb's, which grants USAGE.
                    Some("public") if !if_not_exists => {
                        let public = crate::schema::PrivilegeTarget::Schema {
                            name: "public".into(),
                        };
                        self.schema.privileges.insert(public, Default::default());
                    }
                    Some(n) => {
                        self.schema.schemas.insert(n.to_string());
                    }
                    None => {}
                }
            }
            _ => self.out_of_scope(st, kind, line, Severity::Warning),
        }
    }

    pub(super) fn create_view(
        &mut self,
        mut cv: ast::CreateView,
        span: Span,
        st: &RawStatement<'_>,
    ) {
        table_as_select(&mut cv.query.body);
        let name = self.qual(&cv.name);
        let line = span.line;
        if !matches!(cv.options, ast::CreateTableOptions::None) {
            self.diag(
                Severity::Warning,
                DiagKind::IgnoredClause,
                format!(
                    "CREATE VIEW {name} (line {line}): its options `{}` are not compared",
                    cv.options
                ),
                st.start,
                st.end,
            );
        }
        let columns: Vec<String> = cv.columns.iter().map(|c| ident(&c.name)).collect();
        let list = if columns.is_empty() {
            String::new()
        } else {
            format!("({}) ", crate::quote::quote_idents(&columns))
        };
        let sql = format!("{list}AS {}", print::sql(&*cv.query));
        // `CREATE OR REPLACE VIEW v AS SELECT * FROM v` reads the definition it replaces, as
        // it was then: kept for that reading.
        let mut reads = Vec::new();
        views::relations_of_query(&cv.query, &self.search_path, &mut reads);
        let replaced = self
            .pending_views
            .iter()
            .position(|p| p.name == name)
            .map(|i| self.pending_views.remove(i));
        let prior = replaced.filter(|_| reads.contains(&name)).map(Box::new);
        self.schema.views.insert(
            name.clone(),
            View {
                name: name.clone(),
                materialized: cv.materialized,
                query: Expr {
                    sql,
                    canon: String::new(),
                },
                columns: Vec::new(),
                reads: Vec::new(),
                indexes: Vec::new(),
                comment: None,
                search_path: self.written_path.clone(),
                span,
            },
        );
        self.pending_views.push(views::Pending {
            name,
            query: cv.query,
            columns,
            search_path: self.search_path.clone(),
            reads,
            prior,
        });
    }

    pub(super) fn alter_column(
        &mut self,
        name: &QualName,
        col_name: &str,
        op: AlterColumnOperation,
        span: Span,
        line: u32,
    ) {
        let sp = self.search_path.clone();
        let new_type = match &op {
            AlterColumnOperation::SetDataType { data_type, .. } => {
                Some(self.on_path(&print::sql_type(data_type)))
            }
            _ => None,
        };
        let mut seq_default = None;
        let mut moment = None;
        let stored = self
            .schema
            .tables
            .get(name)
            .and_then(|t| t.column(col_name))
            .map(|c| self.base_type(&c.data_type))
            .unwrap_or_default();
        let Some(col) = self
            .schema
            .table_mut(name)
            .and_then(|t| t.column_mut(col_name))
        else {
            self.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("ALTER COLUMN of unknown column {name}.{col_name} (line {line})"),
                span,
            ));
            return;
        };
        match op {
            AlterColumnOperation::SetNotNull => col.not_null = true,
            AlterColumnOperation::DropNotNull => col.not_null = false,
            AlterColumnOperation::SetDefault { value } => {
                let e = default_on_path(default_expr(&value, &stored), &sp);
                seq_default = nextval_target(&e.canon, &sp);
                if e.moment_word(&col.data_type.to_string()) {
                    moment = Some(super::tables::moment_default(name, col_name, &e, span));
                }
                col.default = Some(Box::new(e));
            }
            AlterColumnOperation::DropDefault => col.default = None,
            AlterColumnOperation::SetDataType { .. } => {
                if let Some(t) = new_type {
                    col.data_type = t;
                }
            }
            AlterColumnOperation::AddGenerated {
                generated_as,
                sequence_options,
            } => {
                col.identity = Some(match generated_as {
                    Some(GeneratedAs::ByDefault) => Identity::ByDefault,
                    _ => Identity::Always,
                });
                col.identity_options =
                    identity_options(sequence_options.as_deref().unwrap_or(&[])).into();
            }
            other => {
                let text = other.to_string();
                self.diagnostics.push(Diagnostic::new(
                    Severity::Warning,
                    DiagKind::IgnoredClause,
                    format!("ignored: ALTER COLUMN … {text} (line {line})"),
                    span,
                ));
            }
        }
        if let Some(seq) = seq_default {
            self.defaults
                .push((name.clone(), col_name.to_string(), seq));
        }
        self.diagnostics.extend(moment);
    }

    /// A statement the routine reader could not read: a warning naming it, nothing compared.
    pub(super) fn unreadable(&mut self, st: &RawStatement<'_>, kind: &str, line: u32, e: &str) {
        self.diag(
            Severity::Warning,
            DiagKind::Syntax,
            format!("could not read {kind} (line {line}), not compared: {e}"),
            st.start,
            st.end,
        )
    }

    pub(super) fn create_routine(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let types = |raw: &str, t: String| self.type_on_path(raw, &t).unwrap_or(t);
        match routines::routine(st.text, &self.search_path, &types) {
            Ok(r) => {
                let f = Function {
                    name: r.name,
                    procedure: r.procedure,
                    identity: r.identity,
                    language: r.language,
                    definition: Expr {
                        sql: as_written(st.text),
                        canon: r.canon,
                    },
                    comment: None,
                    search_path: self.written_path.clone(),
                    span: self.span(st.start, st.end),
                };
                self.schema.functions.insert(f.signature(), f);
            }
            Err(e) => self.unreadable(st, kind, line, &e),
        }
    }

    pub(super) fn routine_comment(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        use routines::CommentTarget;
        let (target, comment) =
            match routines::routine_comment(st.text, &self.search_path, &|raw, t| {
                self.type_on_path(raw, &t).unwrap_or(t)
            }) {
                Ok(x) => x,
                Err(e) => {
                    self.out_of_scope(st, &format!("{kind} ({e})"), line, Severity::Note);
                    return;
                }
            };
        let found = match &target {
            CommentTarget::Function(name, identity) => {
                let mut matching = self.schema.functions.values_mut().filter(|f| {
                    f.name == *name && identity.as_ref().is_none_or(|i| *i == f.identity)
                });
                match (matching.next(), matching.next()) {
                    (Some(f), None) => {
                        f.comment = comment;
                        true
                    }
                    _ => false,
                }
            }
            CommentTarget::Trigger(name, table) => {
                let key = format!("{table}/{name}");
                match self.schema.triggers.get_mut(&key) {
                    Some(t) => {
                        t.comment = comment;
                        true
                    }
                    None => false,
                }
            }
        };
        if !found {
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!("{kind} (line {line}): no such object here (or more than one)"),
                st.start,
                st.end,
            );
        }
    }

    pub(super) fn create_trigger(&mut self, st: &RawStatement<'_>, line: u32) {
        match routines::trigger(st.text, &self.search_path) {
            Ok(t) => {
                let t = Trigger {
                    name: t.name,
                    table: t.table,
                    function: t.function,
                    definition: Expr {
                        sql: as_written(st.text),
                        canon: t.canon,
                    },
                    comment: None,
                    firing: TriggerFiring::Origin,
                    search_path: self.written_path.clone(),
                    span: self.span(st.start, st.end),
                };
                self.schema.triggers.insert(t.key(), t);
            }
            Err(e) => self.unreadable(st, "CREATE TRIGGER", line, &e),
        }
    }

    pub(super) fn create_policy(
        &mut self,
        cp: ast::CreatePolicy,
        span: Span,
        st: &RawStatement<'_>,
    ) {
        let table = self.qual(&cp.table_name);
        let line = span.line;
        let Some(t) = self.schema.table_mut(&table) else {
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("CREATE POLICY on unknown table {table} (line {line})"),
                st.start,
                st.end,
            );
            return;
        };
        let mut roles: Vec<String> = cp
            .to
            .iter()
            .flatten()
            .map(|o| match o {
                ast::Owner::Ident(i) => ident(i),
                other => other.to_string().to_ascii_uppercase(),
            })
            .collect();
        if roles.is_empty() {
            roles.push("public".into());
        }
        roles.sort();
        roles.dedup();
        let name = ident(&cp.name);
        t.policies.retain(|p| p.name != name);
        push_lean(
            &mut t.policies,
            Policy {
                name,
                permissive: !matches!(cp.policy_type, Some(ast::CreatePolicyType::Restrictive)),
                command: match cp.command {
                    None | Some(ast::CreatePolicyCommand::All) => "ALL",
                    Some(ast::CreatePolicyCommand::Select) => "SELECT",
                    Some(ast::CreatePolicyCommand::Insert) => "INSERT",
                    Some(ast::CreatePolicyCommand::Update) => "UPDATE",
                    Some(ast::CreatePolicyCommand::Delete) => "DELETE",
                }
                .to_string(),
                roles,
                using: cp.using.as_ref().map(make_expr),
                check: cp.with_check.as_ref().map(make_expr),
                span,
            },
        );
        t.policies.sort_by(|a, b| a.name.cmp(&b.name));
    }

    pub(super) fn qual(&self, name: &ObjectName) -> QualName {
        let parts: Vec<String> = name.0.iter().map(part_text).collect();
        resolve(&parts, &self.search_path)
    }
}

/// `TABLE t` (a query of its own or a branch of a set operation) as what it is short for,
/// `SELECT * FROM t`: PostgreSQL stores it so, and a view's columns are read from that.
fn table_as_select(body: &mut ast::SetExpr) {
    match body {
        ast::SetExpr::Table(t) => {
            let Some(name) = &t.table_name else {
                return;
            };
            let from = match &t.schema_name {
                Some(schema) => format!("{schema}.{name}"),
                None => name.to_string(),
            };
            let select = Parser::parse_sql(&PostgreSqlDialect {}, &format!("SELECT * FROM {from}"));
            if let Ok(Some(Statement::Query(q))) = select.map(|v| v.into_iter().next()) {
                *body = *q.body;
            }
        }
        ast::SetExpr::SetOperation { left, right, .. } => {
            table_as_select(left);
            table_as_select(right);
        }
        ast::SetExpr::Query(q) => table_as_select(&mut q.body),
        _ => {}
    }
}

/// Whether a type as written names its schema (a dot outside quotes, before any modifier).
fn qualified_type(raw: &str) -> bool {
    let mut in_quotes = false;
    for c in raw.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '.' if !in_quotes => return true,
            '(' | '[' if !in_quotes => return false,
            _ => {}
        }
    }
    false
}

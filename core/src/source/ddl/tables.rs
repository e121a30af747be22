//! `CREATE TABLE`, constraints and `CREATE INDEX` into the IR.

use super::*;

impl Cx<'_> {
    pub(super) fn create_table(&mut self, ct: ast::CreateTable, span: Span, st: &RawStatement<'_>) {
        let name = self.qual(&ct.name);
        let line = span.line;
        if ct.temporary {
            self.out_of_scope(st, "CREATE TEMPORARY TABLE", line, Severity::Warning);
            return;
        }
        if ct.like.is_some() {
            self.diag(
                Severity::Error,
                DiagKind::IgnoredClause,
                format!("CREATE TABLE {name} (LIKE …) (line {line}) is not supported: write its columns out"),
                st.start,
                st.end,
            );
            return;
        }
        if let Some(query) = &ct.query {
            match query_columns(query) {
                Ok(columns) => {
                    let mut table = Table::new(name.clone(), span);
                    table.unlogged = ct.unlogged;
                    table.columns = columns
                        .into_iter()
                        .map(|(n, t)| Column::new(&n, canonical_type_name(&t), span))
                        .collect();
                    self.schema
                        .tables
                        .insert(name.clone(), std::sync::Arc::new(table));
                }
                Err(why) => self.diag(
                    Severity::Error,
                    DiagKind::IgnoredClause,
                    format!(
                        "CREATE TABLE {name} AS (line {line}): {why}, so its columns cannot be read: write them out"
                    ),
                    st.start,
                    st.end,
                ),
            }
            return;
        }
        if self.schema.tables.contains_key(&name) {
            if ct.if_not_exists {
                return;
            }
            self.diag(
                Severity::Warning,
                DiagKind::Syntax,
                format!("table {name} is created twice (line {line}); the later definition wins"),
                st.start,
                st.end,
            );
        }
        let mut table = Table::new(name.clone(), span);
        table.unlogged = ct.unlogged;
        table.inherits = ct.inherits.iter().flatten().map(|p| self.qual(p)).collect();
        if let Some(parent) = &ct.partition_of {
            let bound = ct
                .for_values
                .as_ref()
                .map_or("DEFAULT".to_string(), print::sql);
            table.partition_of = Some(PartitionOf {
                parent: self.qual(parent),
                bound: clause_expr(&bound),
            });
        }
        if let Some(by) = &ct.partition_by {
            table.partition_by = Some(clause_expr(&print::sql(by)));
        }
        if let ast::CreateTableOptions::With(options) = &ct.table_options {
            self.create_table_options(&mut table, options, st);
        }
        let parents = inherit::parents_of(&table);
        self.settings_events
            .push(settings::Event::Created(name.clone(), parents));
        for (column, setting) in std::mem::take(&mut self.inline_settings) {
            self.settings_events.push(settings::Event::Column {
                table: name.clone(),
                column,
                setting,
                recurse: false,
                start: st.start,
                end: st.end,
            });
        }
        let mut pending: Vec<(TableConstraint, Option<String>)> = Vec::new();
        // Column names' positions (the parser's line and column within the statement, in
        // increasing order), turned into offsets with one pass over the statement's lines.
        let mut cursor = (1u64, 0usize);
        let mut column_at = |loc: sqlparser::tokenizer::Location| -> Option<usize> {
            if loc.line == 0 || loc.line < cursor.0 {
                return None;
            }
            while cursor.0 < loc.line {
                match st.text[cursor.1..].find('\n') {
                    Some(n) => {
                        cursor.1 += n + 1;
                        cursor.0 += 1;
                    }
                    None => return None,
                }
            }
            let line_text = &st.text[cursor.1..];
            let at = line_text
                .char_indices()
                .nth(loc.column.saturating_sub(1) as usize)
                .map_or(line_text.len(), |(i, _)| i);
            Some(st.start + cursor.1 + at)
        };
        // The table's column types, for a generated column's expression: read once, when a
        // column is generated (most tables have none).
        let types = std::cell::OnceCell::new();
        let types = || {
            types
                .get_or_init(|| {
                    ct.columns
                        .iter()
                        .map(|c| {
                            let t = canonical_type_name(&print::sql_type(&c.data_type));
                            (ident(&c.name), t.to_string())
                        })
                        .collect::<Vec<_>>()
                })
                .clone()
        };
        // One allocation of the right size (pushing grows a list to up to twice its length).
        table.columns.reserve_exact(ct.columns.len());
        for col in &ct.columns {
            let raw_type = print::sql_type(&col.data_type);
            let col_span = column_at(col.name.span.start).map_or(span, |start| {
                self.span(start, (start + col.name.value.len()).min(st.end))
            });
            let mut column = Column {
                serial: is_serial_type(&raw_type),
                ..Column::new(&ident(&col.name), self.on_path(&raw_type), col_span)
            };
            for opt in &col.options {
                let cname = opt.name.as_ref().map(ident);
                match &opt.option {
                    ColumnOption::Null => column.not_null = false,
                    ColumnOption::NotNull => column.not_null = true,
                    ColumnOption::Default(e) => {
                        // A domain's column stores its default as the domain's base type.
                        let stored = self.base_type(&column.data_type);
                        let d = default_on_path(default_expr(e, &stored), &self.search_path);
                        if d.moment_word(&column.data_type.to_string()) {
                            self.diagnostics.push(moment_default(
                                &name,
                                &column.name,
                                &d,
                                col_span,
                            ));
                        }
                        column.default = Some(Box::new(d));
                    }
                    ColumnOption::Collation(c) => {
                        let parts: Vec<String> = c.0.iter().map(part_text).collect();
                        column.collation = Some(collation_name(&parts).into())
                    }
                    ColumnOption::Generated {
                        generated_as,
                        generation_expr,
                        sequence_options,
                        ..
                    } => match (generation_expr, generated_as) {
                        (Some(e), _) => {
                            column.generated =
                                Some(Box::new(make_table_expr(e, types(), &self.schema.domains)))
                        }
                        (None, g) => {
                            column.identity = Some(if matches!(g, GeneratedAs::Always) {
                                Identity::Always
                            } else {
                                Identity::ByDefault
                            });
                            column.identity_options =
                                identity_options(sequence_options.as_deref().unwrap_or(&[])).into();
                        }
                    },
                    ColumnOption::PrimaryKey(pk) => {
                        let mut pk = pk.clone();
                        pk.columns = vec![col.name.clone().into()];
                        pending.push((TableConstraint::PrimaryKey(pk), cname));
                    }
                    ColumnOption::Unique(u) => {
                        let mut u = u.clone();
                        u.columns = vec![col.name.clone().into()];
                        pending.push((TableConstraint::Unique(u), cname));
                    }
                    ColumnOption::ForeignKey(fk) => {
                        let mut fk = fk.clone();
                        fk.columns = vec![col.name.clone()];
                        pending.push((TableConstraint::ForeignKey(fk), cname));
                    }
                    ColumnOption::Check(c) => {
                        pending.push((TableConstraint::Check(c.clone()), cname));
                    }
                    ColumnOption::Comment(c) => column.comment = Some(c.as_str().into()),
                    other => self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!(
                            "column {}.{} (line {line}): ignored `{other}`",
                            name, column.name
                        ),
                        st.start,
                        st.end,
                    ),
                }
            }
            if let Some(d) = &column.default {
                if let Some(seq) = nextval_target(&d.canon, &self.search_path) {
                    self.defaults
                        .push((name.clone(), column.name.to_string(), seq));
                }
            }
            table.columns.push(column);
        }
        for c in ct.constraints {
            pending.push((c, None));
        }
        self.schema
            .tables
            .insert(name.clone(), std::sync::Arc::new(table));
        for (c, cname) in pending {
            self.add_constraint(&name, c, cname, false, span, st);
        }
        if let Some(t) = self.schema.table_mut(&name) {
            drop_redundant_keys(t);
        }
    }

    pub(super) fn add_constraint(
        &mut self,
        table: &QualName,
        c: TableConstraint,
        name_override: Option<String>,
        not_valid: bool,
        span: Span,
        st: &RawStatement<'_>,
    ) {
        // The domains, for a check's expression, lent while the table is changed.
        let domains = std::mem::take(&mut self.schema.domains);
        self.add_constraint_with(table, c, name_override, not_valid, span, st, &domains);
        self.schema.domains = domains;
    }

    #[allow(clippy::too_many_arguments)]
    fn add_constraint_with(
        &mut self,
        table: &QualName,
        c: TableConstraint,
        name_override: Option<String>,
        not_valid: bool,
        span: Span,
        st: &RawStatement<'_>,
        domains: &BTreeMap<QualName, crate::schema::Domain>,
    ) {
        let search_path = self.search_path.clone();
        let Some(t) = self.schema.table_mut(table) else {
            let line = span.line;
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("constraint on unknown table {table} (line {line})"),
                st.start,
                st.end,
            );
            return;
        };
        let taken = table_names_in_use(t);
        let is_taken = |n: &str| taken.iter().any(|t| t == n);
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let name = name_override
                    .or(pk.name.as_ref().map(ident))
                    .unwrap_or_else(|| unique_name(&t.name.name, None, "pkey", &is_taken));
                t.primary_key = Some(PrimaryKey {
                    name,
                    columns: pk.columns.iter().map(index_column_name).collect(),
                    include: pk.include.iter().map(ident).collect(),
                    deferrable: deferrable(pk.characteristics.as_ref()),
                    span,
                });
            }
            TableConstraint::Unique(u) => {
                let columns: Vec<String> = u.columns.iter().map(index_column_name).collect();
                let name = name_override
                    .or(u.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        unique_name(&t.name.name, Some(&columns.join("_")), "key", &is_taken)
                    });
                push_lean(
                    &mut t.uniques,
                    Unique {
                        name,
                        columns,
                        include: u.include.iter().map(ident).collect(),
                        nulls_not_distinct: matches!(
                            u.nulls_distinct,
                            ast::NullsDistinctOption::NotDistinct
                        ),
                        deferrable: deferrable(u.characteristics.as_ref()),
                        span,
                    },
                );
            }
            TableConstraint::Check(ch) => {
                let types = t
                    .columns
                    .iter()
                    .map(|c| (c.name.to_string(), c.data_type.to_string()))
                    .collect();
                let expr = make_table_expr(&ch.expr, types, domains);
                let name = name_override
                    .or(ch.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        let cols = referenced_columns(&ch.expr);
                        let col = if cols.len() == 1 {
                            cols.first().map(String::as_str)
                        } else {
                            None
                        };
                        // PostgreSQL picks a free name among all constraints of the schema.
                        let ns = &self.constraint_names;
                        let schema_name = &t.name.schema;
                        unique_name(&t.name.name, col, "check", &|n| {
                            is_taken(n) || ns.contains(&(schema_name.clone(), n.to_string()))
                        })
                    });
                self.constraint_names
                    .insert((t.name.schema.clone(), name.clone()));
                push_lean(
                    &mut t.checks,
                    Check {
                        name,
                        expr,
                        no_inherit: ch.no_inherit,
                        not_valid,
                        span,
                    },
                );
            }
            TableConstraint::ForeignKey(fk) => {
                let columns: Vec<String> = fk.columns.iter().map(ident).collect();
                let name = name_override
                    .or(fk.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        let ns = &self.constraint_names;
                        let schema_name = &t.name.schema;
                        unique_name(&t.name.name, Some(&columns.join("_")), "fkey", &|n| {
                            is_taken(n) || ns.contains(&(schema_name.clone(), n.to_string()))
                        })
                    });
                self.constraint_names
                    .insert((t.name.schema.clone(), name.clone()));
                let parts: Vec<String> = fk.foreign_table.0.iter().map(part_text).collect();
                let ref_table = resolve(&parts, &search_path);
                let on_delete = fk_action(fk.on_delete);
                // The first list of the statement this key's action may take (its columns).
                let on_delete_columns =
                    if matches!(on_delete, FkAction::SetNull | FkAction::SetDefault) {
                        self.fk_action_columns
                            .iter()
                            .position(|l| l.iter().all(|c| columns.contains(c)))
                            .map(|i| self.fk_action_columns.remove(i))
                            .unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                push_lean(
                    &mut t.foreign_keys,
                    ForeignKey {
                        name,
                        columns,
                        ref_table,
                        ref_columns: fk.referred_columns.iter().map(ident).collect(),
                        on_delete,
                        on_delete_columns,
                        on_update: fk_action(fk.on_update),
                        match_full: matches!(
                            fk.match_kind,
                            Some(ast::ConstraintReferenceMatchKind::Full)
                        ),
                        deferrable: deferrable(fk.characteristics.as_ref()),
                        not_valid,
                        span,
                    },
                );
            }
            TableConstraint::Exclude(ex) => {
                let elements: Vec<(IndexKey, String)> = ex
                    .elements
                    .iter()
                    .map(|el| {
                        (
                            index_key(&el.column, None, &Default::default()),
                            el.operator.to_string(),
                        )
                    })
                    .collect();
                let name = name_override
                    .or(ex.name.as_ref().map(ident))
                    .unwrap_or_else(|| {
                        let cols = index_name_columns(elements.iter().map(|(k, _)| k), &[]);
                        unique_name(&t.name.name, Some(&cols), "excl", &is_taken)
                    });
                push_lean(
                    &mut t.exclusions,
                    Exclusion {
                        name,
                        method: ex
                            .index_method
                            .as_ref()
                            .map(ident)
                            .unwrap_or_else(|| "btree".to_string()),
                        elements,
                        include: ex.include.iter().map(ident).collect(),
                        predicate: ex.where_clause.as_deref().map(make_expr),
                        deferrable: deferrable(ex.characteristics.as_ref()),
                        span,
                    },
                );
            }
            TableConstraint::PrimaryKeyUsingIndex(ref u)
            | TableConstraint::UniqueUsingIndex(ref u)
                if promotable(t, &ident(&u.index_name)) =>
            {
                // The unique index becomes the constraint's own (renamed to the constraint's
                // name, as PostgreSQL does).
                let index_name = ident(&u.index_name);
                let pos = t.indexes.iter().position(|i| i.name == index_name);
                let Some(index) = pos.map(|p| t.indexes.remove(p)) else {
                    return;
                };
                let name = name_override
                    .or(u.name.as_ref().map(ident))
                    .unwrap_or(index_name);
                let columns: Vec<String> = index
                    .keys
                    .iter()
                    .map(|k| crate::quote::unquote_ident(&k.expr.sql))
                    .collect();
                let deferrable = deferrable(u.characteristics.as_ref());
                if matches!(c, TableConstraint::PrimaryKeyUsingIndex(_)) {
                    t.primary_key = Some(PrimaryKey {
                        name,
                        columns,
                        include: index.include,
                        deferrable,
                        span,
                    });
                } else {
                    push_lean(
                        &mut t.uniques,
                        Unique {
                            name,
                            columns,
                            include: index.include,
                            nulls_not_distinct: index.nulls_not_distinct,
                            deferrable,
                            span,
                        },
                    );
                }
            }
            other => {
                let line = span.line;
                let text = other.to_string();
                self.diag(
                    Severity::Warning,
                    DiagKind::OutOfScope,
                    format!("ignored: constraint `{text}` on {table} (line {line}): not compared by schemafix"),
                    st.start,
                    st.end,
                );
            }
        }
    }

    pub(super) fn create_index(&mut self, ci: ast::CreateIndex, span: Span) {
        // The domains, for the keys' and predicate's expressions, lent while the table is
        // changed.
        let domains = std::mem::take(&mut self.schema.domains);
        self.create_index_with(ci, span, &domains);
        self.schema.domains = domains;
    }

    fn create_index_with(
        &mut self,
        ci: ast::CreateIndex,
        span: Span,
        domains: &BTreeMap<QualName, crate::schema::Domain>,
    ) {
        let table_name = self.qual(&ci.table_name);
        let line = span.line;
        if self.skipped_views.contains(&table_name) && !self.schema.tables.contains_key(&table_name)
        {
            self.diagnostics.push(Diagnostic::new(
                Severity::Warning,
                DiagKind::OutOfScope,
                format!("ignored: CREATE INDEX on view {table_name} (line {line}): views are not compared"),
                span,
            ));
            return;
        }
        // The table's column types, for its keys' expressions and predicate (string literals
        // are read as the type they meet).
        let types: Option<Vec<(String, String)>> = self.schema.tables.get(&table_name).map(|t| {
            t.columns
                .iter()
                .map(|c| (c.name.to_string(), c.data_type.to_string()))
                .collect()
        });
        let (taken, indexes) = if let Some(t) = self.schema.table_mut(&table_name) {
            (table_names_in_use(t), &mut t.indexes)
        } else if let Some(v) = self.schema.views.get_mut(&table_name) {
            (
                v.indexes.iter().map(|i| i.name.clone()).collect(),
                &mut v.indexes,
            )
        } else {
            self.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("CREATE INDEX on unknown table {table_name} (line {line})"),
                span,
            ));
            return;
        };
        let keys: Vec<IndexKey> = ci
            .columns
            .iter()
            .map(|k| index_key(k, types.as_deref(), domains))
            .collect();
        let name = match &ci.name {
            Some(n) => n.0.last().map(part_text).unwrap_or_default(),
            None => {
                let include: Vec<String> = ci.include.iter().map(ident).collect();
                let cols = index_name_columns(&keys, &include);
                unique_name(&table_name.name, Some(&cols), "idx", &|n| {
                    taken.iter().any(|t| t == n)
                })
            }
        };
        if indexes.iter().any(|i| i.name == name) {
            if !ci.if_not_exists {
                self.diagnostics.push(Diagnostic::new(
                    Severity::Warning,
                    DiagKind::Syntax,
                    format!(
                        "index {name} is created twice (line {line}); the later definition wins"
                    ),
                    span,
                ));
            }
            indexes.retain(|i| i.name != name);
        }
        let method = ci
            .using
            .as_ref()
            .map(|u| print::sql(u).to_ascii_lowercase())
            .unwrap_or_else(|| "btree".to_string());
        push_lean(
            indexes,
            Index {
                name,
                unique: ci.unique,
                method,
                keys,
                include: ci.include.iter().map(ident).collect(),
                nulls_not_distinct: ci.nulls_distinct == Some(false),
                // `WHERE true` is no predicate: PostgreSQL stores none.
                predicate: ci
                    .predicate
                    .as_ref()
                    .map(|p| match &types {
                        Some(types) => make_table_expr(p, types.clone(), domains),
                        None => make_expr(p),
                    })
                    .filter(|p| p.canon != "true"),
                with: Params(storage_params(&ci.with)),
                comment: None,
                invalid: false,
                span,
            },
        );
    }
}

pub(super) fn deferrable(c: Option<&ast::ConstraintCharacteristics>) -> Deferrable {
    match c {
        Some(c) if c.deferrable == Some(true) => match c.initially {
            Some(ast::DeferrableInitial::Deferred) => Deferrable::Deferred,
            _ => Deferrable::Immediate,
        },
        Some(c) if c.initially == Some(ast::DeferrableInitial::Deferred) => Deferrable::Deferred,
        _ => Deferrable::No,
    }
}

pub(super) fn fk_action(a: Option<ast::ReferentialAction>) -> FkAction {
    match a {
        Some(ast::ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ast::ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ast::ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ast::ReferentialAction::SetDefault) => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// One index (or exclusion constraint) key.
/// The warning for a default that is a moment word (`'now'` on a timestamp): PostgreSQL stores
/// the moment the statement ran, so the default is not compared.
pub(super) fn moment_default(
    table: &QualName,
    column: &str,
    d: &Expr,
    span: crate::schema::Span,
) -> Diagnostic {
    Diagnostic::new(
        Severity::Warning,
        DiagKind::OutOfScope,
        format!(
            "{table}.{}: the default {} is read once, when the statement runs: PostgreSQL stores that moment, not the word, so this default is not compared (now(), CURRENT_DATE or LOCALTIME give each row its own time)",
            quote_ident(column),
            d.sql
        ),
        span,
    )
}

pub(super) fn index_key(
    ic: &ast::IndexColumn,
    types: Option<&[(String, String)]>,
    domains: &BTreeMap<QualName, crate::schema::Domain>,
) -> IndexKey {
    let e = strip_nested(&ic.column.expr);
    let is_column = matches!(e, ast::Expr::Identifier(_));
    let expr = if let ast::Expr::Identifier(i) = e {
        let n = ident(i);
        Expr {
            sql: quote_ident(&n),
            canon: quote_ident(&n),
        }
    } else {
        match types {
            Some(types) => make_table_expr(e, types.to_vec(), domains),
            None => make_expr(e),
        }
    };
    let desc = matches!(ic.column.options.sort, Some(ast::OrderBySort::Desc));
    // NULLS LAST is the default ascending, NULLS FIRST descending.
    let nulls_first = match ic.column.options.nulls_first {
        Some(nf) if nf != desc => Some(nf),
        _ => None,
    };
    IndexKey {
        expr,
        is_column,
        opclass: ic
            .operator_class
            .as_ref()
            .map(|o| {
                // `pg_dump` qualifies an extension's operator class (`public.gin_trgm_ops`);
                // the default search path finds it either way.
                let o = print::sql(o).to_ascii_lowercase();
                o.strip_prefix("pg_catalog.")
                    .or_else(|| o.strip_prefix("public."))
                    .map(str::to_string)
                    .unwrap_or(o)
            })
            .filter(|o| !is_default_opclass(o)),
        desc,
        nulls_first,
        figured_name: (!is_column)
            .then(|| views::figure(e))
            .filter(|(_, strength)| *strength > 0)
            .map(|(name, _)| name),
    }
}

/// Storage parameters as `name=value` with the value unquoted, sorted.
pub(super) fn storage_params(with: &[ast::Expr]) -> Vec<String> {
    let out: Vec<String> = with
        .iter()
        .map(|e| match e {
            ast::Expr::BinaryOp { left, right, .. } => {
                let name = match strip_nested(left) {
                    ast::Expr::Identifier(i) => ident(i),
                    other => other.to_string().to_lowercase(),
                };
                let value = match strip_nested(right) {
                    ast::Expr::Value(v) => match &v.value {
                        Value::SingleQuotedString(s) => s.clone(),
                        Value::Boolean(b) => {
                            if *b {
                                "on".into()
                            } else {
                                "off".into()
                            }
                        }
                        other => other.to_string(),
                    },
                    other => other.to_string(),
                };
                let value = match value.to_ascii_lowercase().as_str() {
                    "true" => "on".to_string(),
                    "false" => "off".to_string(),
                    _ => value,
                };
                format!("{name}={value}")
            }
            other => other.to_string().to_lowercase(),
        })
        .collect();
    out
}

/// Operator classes that are the default for their type under btree, hash or GIN: naming one
/// changes nothing, and pg_dump leaves it out.
pub(super) fn is_default_opclass(name: &str) -> bool {
    matches!(
        name,
        "int2_ops"
            | "int4_ops"
            | "int8_ops"
            | "text_ops"
            | "varchar_ops"
            | "bpchar_ops"
            | "numeric_ops"
            | "float4_ops"
            | "float8_ops"
            | "bool_ops"
            | "date_ops"
            | "timestamp_ops"
            | "timestamptz_ops"
            | "time_ops"
            | "timetz_ops"
            | "interval_ops"
            | "uuid_ops"
            | "bytea_ops"
            | "oid_ops"
            | "char_ops"
            | "name_ops"
            | "jsonb_ops"
            | "array_ops"
            | "inet_ops"
            | "enum_ops"
            | "money_ops"
            | "bit_ops"
            | "varbit_ops"
    )
}

/// The columns `CREATE TABLE … AS query` makes, with their types, where the query says them: a
/// `SELECT` whose every output is a cast or a literal.
fn query_columns(query: &ast::Query) -> Result<Vec<(String, String)>, String> {
    use ast::{Expr as E, SelectItem, SetExpr};
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Err("its query is not a plain SELECT".into());
    };
    let mut out = Vec::new();
    for item in &select.projection {
        let (expr, alias) = match item {
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(ident(alias))),
            SelectItem::UnnamedExpr(expr) => (expr, None),
            other => return Err(format!("the type of `{other}` is not known here")),
        };
        let ty = literal_type(expr).ok_or_else(|| {
            format!("the type of `{expr}` is not known without the database's catalog")
        })?;
        // PostgreSQL names an output after its alias, else the column, function or cast
        // inside it, else `?column?`.
        fn implicit(e: &ast::Expr) -> Option<String> {
            match e {
                E::Nested(x) => implicit(x),
                // A cast of something nameless is named after its type, as PostgreSQL
                // calls it internally (`int4`, `varchar`).
                E::Cast {
                    expr, data_type, ..
                } => implicit(expr).or_else(|| {
                    let t = canonical_type_name(&print::sql_type(data_type));
                    let base = t.split('(').next().unwrap_or_default().trim();
                    Some(internal_type_name(base).to_string())
                }),
                E::Identifier(i) => Some(ident(i)),
                E::CompoundIdentifier(ids) => ids.last().map(ident),
                E::Function(f) => f.name.0.last().map(part_text),
                _ => None,
            }
        }
        let name = alias
            .or_else(|| implicit(expr))
            .unwrap_or_else(|| "?column?".into());
        out.push((name, ty));
    }
    Ok(out)
}

/// The type of an output that says it: a cast's type, or a literal's as PostgreSQL resolves it
/// (an integer that fits `integer`, else `bigint`, else `numeric`; a string `text`).
fn literal_type(e: &ast::Expr) -> Option<String> {
    use ast::{Expr as E, Value};
    match e {
        E::Nested(x) => literal_type(x),
        E::Cast { data_type, .. } => Some(print::sql_type(data_type)),
        E::Value(v) => match &v.value {
            Value::Number(n, _) => Some(number_type(n).into()),
            Value::SingleQuotedString(_) | Value::EscapedStringLiteral(_) => Some("text".into()),
            Value::Boolean(_) => Some("boolean".into()),
            _ => None,
        },
        _ => None,
    }
}

/// The internal name of a built-in type (`integer` → `int4`), which names a query's output
/// that is a cast of something nameless.
fn internal_type_name(canonical: &str) -> &str {
    match canonical {
        "smallint" => "int2",
        "integer" => "int4",
        "bigint" => "int8",
        "real" => "float4",
        "double precision" => "float8",
        "boolean" => "bool",
        "character varying" => "varchar",
        "character" => "bpchar",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time with time zone" => "timetz",
        "time without time zone" => "time",
        "bit varying" => "varbit",
        other => other.rsplit('.').next().unwrap_or(other),
    }
}

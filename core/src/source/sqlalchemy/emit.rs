//! Emitting the DDL `create_all` would run for what was read, each statement mapped back to
//! its model line, and applying it through the DDL source.

use super::*;

impl Sx<'_> {
    /// Writes the DDL `create_all` would run, applies it, and adds what the model says beyond it.
    pub(super) fn finish(mut self) -> Parsed {
        let mut ddl = String::new();
        let mut origin: Vec<Span> = Vec::new();
        let emit = |ddl: &mut String, origin: &mut Vec<Span>, sql: String, span: Span| {
            ddl.push_str(&crate::source::one_line(&sql));
            ddl.push_str(";\n");
            origin.push(span);
        };
        for (name, (labels, at)) in self.enums.clone() {
            let labels: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
            emit(
                &mut ddl,
                &mut origin,
                format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    crate::quote::quote_ident(&name),
                    labels.join(", ")
                ),
                self.span(at),
            );
        }
        let mut tables = self.tables.clone();
        if self.stray_index {
            // An index whose table is not known may be any table's.
            tables.iter_mut().for_each(|t| t.unread = true);
        }
        let tables = not_compared(tables);
        // Tables whose indexes are not compared, where, and why: one on an expression given no
        // name, two different ones of one name (see below).
        let mut unknown_indexes: Vec<(QualName, usize, String)> = Vec::new();
        let mut column_at: BTreeMap<(QualName, String), usize> = BTreeMap::new();
        for t in &tables {
            let q = t.qual_name();
            for c in &t.columns {
                column_at.insert((q.clone(), c.name.clone()), c.at);
            }
        }
        // A sequence a column names is made even when the column is not compared.
        for t in &self.tables {
            for c in &t.columns {
                if let Some((seq, start)) = &c.sequence {
                    let start = start
                        .map(|v| format!(" START WITH {v}"))
                        .unwrap_or_default();
                    emit(
                        &mut ddl,
                        &mut origin,
                        format!("CREATE SEQUENCE {}{start}", crate::quote::quote_ident(seq)),
                        self.span(c.at),
                    );
                }
            }
        }
        for t in &tables {
            let qt = match &t.schema {
                Some(s) => format!(
                    "{}.{}",
                    crate::quote::quote_ident(s),
                    crate::quote::quote_ident(&t.name)
                ),
                None => crate::quote::quote_ident(&t.name),
            };
            let mut items: Vec<String> = Vec::new();
            let pk_cols: Vec<&Col> = t.columns.iter().filter(|c| c.primary_key).collect();
            for c in &t.columns {
                let mut ty = c.sql_type.clone();
                if c.typed_by_fk {
                    // Known: a column whose referenced type is not is not compared.
                    ty =
                        c.fk.as_ref()
                            .and_then(|fk| fk_type(&tables, &fk.target))
                            .unwrap_or_default();
                }
                let integer = c.integer || matches!(ty.as_str(), "INTEGER" | "BIGINT" | "SMALLINT");
                // SQLAlchemy's autoincrement: the one integer primary key column without a
                // foreign key, default or identity becomes SERIAL.
                let serial = c.primary_key
                    && pk_cols.len() == 1
                    && integer
                    && c.fk.is_none()
                    && c.identity.is_none()
                    && c.sequence.is_none()
                    && c.server_default.is_none()
                    && c.autoincrement != Some(false);
                if serial {
                    ty = match ty.as_str() {
                        "BIGINT" => "BIGSERIAL".into(),
                        "SMALLINT" => "SMALLSERIAL".into(),
                        _ => "SERIAL".into(),
                    };
                }
                let mut s = format!("{} {ty}", crate::quote::quote_ident(&c.name));
                if let Some(g) = &c.computed {
                    s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
                }
                if let Some(d) = &c.server_default {
                    s.push_str(&format!(" DEFAULT {d}"));
                }
                if let Some(i) = &c.identity {
                    s.push(' ');
                    s.push_str(i);
                }
                let nullable = c.nullable.unwrap_or(!c.primary_key);
                if !nullable || c.primary_key {
                    s.push_str(" NOT NULL");
                }
                for (n, sql) in &c.checks {
                    if let Some(n) = n {
                        s.push_str(&format!(" CONSTRAINT {}", crate::quote::quote_ident(n)));
                    }
                    s.push_str(&format!(" CHECK ({sql})"));
                }
                items.push(s);
                if let (Some(d), None) = (&c.model_default, &c.server_default) {
                    self.model_defaults
                        .push((t.qual_name(), c.name.clone(), d.clone()));
                }
            }
            let cols_sql = |v: &[String]| {
                v.iter()
                    .map(|c| crate::quote::quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // `CONSTRAINT name ` as the naming convention for `kind` makes it (or as given).
            let named = |kind: &str,
                         explicit: &Option<String>,
                         cols: &[String],
                         referred: &str,
                         rcols: &[String]|
             -> String {
                let conv = self.naming.get(kind);
                let made = match (explicit, conv) {
                    (Some(n), Some(c)) if c.contains("%(constraint_name)s") => conventional(
                        c,
                        &Named {
                            t,
                            cols,
                            referred,
                            rcols,
                            constraint: Some(n),
                        },
                    ),
                    (Some(n), _) => Some(n.clone()),
                    (None, Some(c)) if !c.contains("%(constraint_name)s") => conventional(
                        c,
                        &Named {
                            t,
                            cols,
                            referred,
                            rcols,
                            constraint: None,
                        },
                    ),
                    _ => None,
                };
                match made {
                    Some(n) => format!("CONSTRAINT {} ", crate::quote::quote_ident(&n)),
                    None => String::new(),
                }
            };
            let explicit_pk = t.items.iter().find_map(|i| match i {
                TableItem::PrimaryKey(n, cols) => Some((n.clone(), cols.clone())),
                _ => None,
            });
            match explicit_pk {
                Some((n, cols)) => {
                    items.push(format!(
                        "{}PRIMARY KEY ({})",
                        named("pk", &n, &cols, "", &[]),
                        cols_sql(&cols)
                    ));
                }
                None if !pk_cols.is_empty() => {
                    let cols: Vec<String> = pk_cols.iter().map(|c| c.name.clone()).collect();
                    items.push(format!(
                        "{}PRIMARY KEY ({})",
                        named("pk", &None, &cols, "", &[]),
                        cols_sql(&cols)
                    ));
                }
                None => {}
            }
            for c in &t.columns {
                if c.unique && !c.index {
                    items.push(format!(
                        "{}UNIQUE ({})",
                        named("uq", &None, std::slice::from_ref(&c.name), "", &[]),
                        crate::quote::quote_ident(&c.name)
                    ));
                }
            }
            for i in &t.items {
                match i {
                    TableItem::Unique(n, cols, deferral) => {
                        items.push(format!(
                            "{}UNIQUE ({}){deferral}",
                            named("uq", n, cols, "", &[]),
                            cols_sql(cols)
                        ));
                    }
                    TableItem::Check(n, sql) => {
                        items.push(format!("{}CHECK ({sql})", named("ck", n, &[], "", &[])));
                    }
                    TableItem::ForeignKey {
                        name: n,
                        columns: cols,
                        refs,
                        ondelete,
                        onupdate,
                        deferral,
                    } => {
                        let (rt, rcols): (Vec<String>, Vec<String>) = refs
                            .iter()
                            .filter_map(|r| {
                                r.rsplit_once('.')
                                    .map(|(a, b)| (a.to_string(), b.to_string()))
                            })
                            .unzip();
                        let Some(rt) = rt.first() else { continue };
                        let mut s = format!(
                            "{}FOREIGN KEY({}) REFERENCES {} ({})",
                            named("fk", n, cols, last(rt), &rcols),
                            cols_sql(cols),
                            qualified_target(rt),
                            cols_sql(&rcols)
                        );
                        if let Some(d) = ondelete {
                            s.push_str(&format!(" ON DELETE {d}"));
                        }
                        if let Some(u) = onupdate {
                            s.push_str(&format!(" ON UPDATE {u}"));
                        }
                        s.push_str(deferral);
                        items.push(s);
                    }
                    _ => {}
                }
            }
            for c in &t.columns {
                if let Some(fk) = &c.fk {
                    let Some((rt, rc)) = fk.target.rsplit_once('.') else {
                        continue;
                    };
                    let mut s = format!(
                        "{}FOREIGN KEY({}) REFERENCES {} ({})",
                        named(
                            "fk",
                            &fk.name,
                            std::slice::from_ref(&c.name),
                            last(rt),
                            &[rc.to_string()]
                        ),
                        crate::quote::quote_ident(&c.name),
                        qualified_target(rt),
                        crate::quote::quote_ident(rc)
                    );
                    if let Some(d) = &fk.ondelete {
                        s.push_str(&format!(" ON DELETE {d}"));
                    }
                    if let Some(u) = &fk.onupdate {
                        s.push_str(&format!(" ON UPDATE {u}"));
                    }
                    s.push_str(&fk.deferral);
                    items.push(s);
                }
            }
            let span = self.span(t.at);
            emit(
                &mut ddl,
                &mut origin,
                format!("CREATE TABLE {qt} ({})", items.join(", ")),
                span,
            );
            // Name, statement, line of each index.
            let mut indexes: Vec<(String, String, Span)> = Vec::new();
            for c in &t.columns {
                if c.index {
                    // SQLAlchemy's default convention is `ix_%(column_0_label)s`.
                    let conv = self.naming.get("ix").map_or("ix_%(column_0_label)s", |c| c);
                    let Some(n) =
                        conventional(conv, &Named::index(t, std::slice::from_ref(&c.name)))
                    else {
                        continue;
                    };
                    let sql = format!(
                        "CREATE {}INDEX {} ON {qt} ({})",
                        if c.unique { "UNIQUE " } else { "" },
                        crate::quote::quote_ident(&n),
                        crate::quote::quote_ident(&c.name)
                    );
                    indexes.push((n, sql, self.span(c.at)));
                }
            }
            for i in &t.items {
                if let TableItem::Index(ix) = i {
                    // An index given no name takes the convention's (`ix_%(column_0_label)s`
                    // unless the metadata says otherwise), made from its columns.
                    let columns: Option<Vec<String>> = ix
                        .keys
                        .iter()
                        .map(|k| {
                            let name = crate::quote::unquote_ident(k);
                            (crate::quote::quote_ident(&name) == *k).then_some(name)
                        })
                        .collect();
                    let conv = self.naming.get("ix").map_or("ix_%(column_0_label)s", |c| c);
                    let made = match (&ix.name, columns) {
                        (Some(n), _) => n.clone(),
                        (None, Some(cols)) => match conventional(conv, &Named::index(t, &cols)) {
                            Some(n) => n,
                            None => continue,
                        },
                        // On an expression: named as SQLAlchemy would, which is not read.
                        (None, None) => {
                            unknown_indexes.push((t.qual_name(), t.at, "an index on an expression is given no name; the name SQLAlchemy makes for it is not read statically".into()));
                            continue;
                        }
                    };
                    let n = &made;
                    let mut sql = format!(
                        "CREATE {}INDEX {} ON {qt}{} ({})",
                        if ix.unique { "UNIQUE " } else { "" },
                        crate::quote::quote_ident(n),
                        ix.using
                            .as_ref()
                            .map(|u| format!(" USING {}", crate::quote::quote_ident(u)))
                            .unwrap_or_default(),
                        ix.keys.join(", ")
                    );
                    if !ix.include.is_empty() {
                        sql.push_str(&format!(" INCLUDE ({})", cols_sql(&ix.include)));
                    }
                    if let Some(p) = &ix.predicate {
                        sql.push_str(&format!(" WHERE {p}"));
                    }
                    indexes.push((n.clone(), sql, span));
                }
            }
            // `create_all` skips an index whose name the table already has (`checkfirst`): one
            // named twice alike is made once; named twice otherwise, which one is made is not
            // known, so the table's indexes are not compared.
            let mut made: BTreeMap<String, String> = BTreeMap::new();
            for (n, sql, at) in indexes {
                match made.get(&n) {
                    Some(first) if *first == sql => {}
                    Some(_) => unknown_indexes.push((t.qual_name(), t.at, format!("two different indexes are named {n}; create_all makes whichever comes first, which is not known statically"))),
                    None => {
                        made.insert(n, sql.clone());
                        emit(&mut ddl, &mut origin, sql, at);
                    }
                }
            }
            if let Some(cm) = &t.comment {
                emit(
                    &mut ddl,
                    &mut origin,
                    format!("COMMENT ON TABLE {qt} IS {}", quote_literal(cm)),
                    span,
                );
            }
            for c in &t.columns {
                if let Some(cm) = &c.comment {
                    emit(
                        &mut ddl,
                        &mut origin,
                        format!(
                            "COMMENT ON COLUMN {qt}.{} IS {}",
                            crate::quote::quote_ident(&c.name),
                            quote_literal(cm)
                        ),
                        self.span(c.at),
                    );
                }
            }
        }
        let (mut schema, diags) = apply_written_ddl(Default::default(), &ddl, &origin);
        for t in tables.iter().filter(|t| t.unread) {
            schema.unread_columns.insert(t.qual_name());
        }
        for (q, at, why) in unknown_indexes {
            self.diag(
                Severity::Warning,
                DiagKind::IgnoredClause,
                format!("table {}: {why}, so the table's indexes are not compared (--python reads the models exactly)", q.name),
                at,
            );
            schema.unread_columns.insert(q);
        }
        self.diagnostics.extend(diags);
        // Spans of tables and columns: the model lines they came from.
        for t in schema.tables_mut() {
            t.span = origin_of(&origin, t.span);
            for c in &mut t.columns {
                if let Some(at) = column_at.get(&(t.name.clone(), c.name.to_string())) {
                    c.span = self.span(*at);
                } else {
                    c.span = t.span;
                }
            }
        }
        for (table, column, lit) in std::mem::take(&mut self.model_defaults) {
            if let Some(c) = schema.table_mut(&table).and_then(|t| t.column_mut(&column)) {
                self.diagnostics.extend(python_default(&table, c, &lit));
            }
        }
        if schema.tables.is_empty()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
        {
            // Why: a class naming a table on a base that is not among the inputs.
            let orphan = self
                .classes
                .iter()
                .filter(|(_, c)| c.tablename.is_some())
                .min_by_key(|(_, c)| c.at)
                .map(|(name, c)| (name.split(package::MODULE).next().unwrap_or(name), c));
            let (message, at) = match orphan {
                Some((name, c)) if !c.bases.is_empty() => (
                    format!(
                        "no SQLAlchemy table read: class {name} names a table, but its base {} is not defined in the models read (give the module that defines it too, or read the models with --python)",
                        c.bases.join(", ")
                    ),
                    c.at,
                ),
                _ if self.partial => (
                    "no SQLAlchemy table read: the names of the tables are not read statically (see the warnings; --python reads the models exactly)".to_string(),
                    0,
                ),
                _ => (
                    "no SQLAlchemy table found (a class with __tablename__ on a declarative base, or Table(...))".to_string(),
                    0,
                ),
            };
            self.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::Empty,
                message,
                self.span(at),
            ));
        }
        if self.partial {
            schema.scope = crate::schema::Scope::Tables(schema.tables.keys().cloned().collect());
        }
        finish(&mut schema);
        // A model maps tables; the database's views are neither wanted nor unwanted.
        schema.hidden.hide_all_but_tables();
        schema.hidden.settings = true;
        self.diagnostics.sort_by_key(|d| d.span.start);
        Parsed {
            schema,
            diagnostics: self.diagnostics,
            files: Vec::new(),
        }
    }
}

/// Tables without their columns that were not read (`Col::unknown`), nor the keys and indexes
/// that name such a column: those are not compared, and the table is marked unread, so nothing
/// of it is dropped for being missing from the model.
fn not_compared(mut tables: Vec<TableSpec>) -> Vec<TableSpec> {
    // A column typed by its foreign key whose referenced column's type is not known.
    let untyped: Vec<(usize, usize)> = tables
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| t.columns.iter().enumerate().map(move |(ci, c)| (ti, ci, c)))
        .filter(|(_, _, c)| {
            c.typed_by_fk
                && c.fk
                    .as_ref()
                    .is_none_or(|fk| fk_type(&tables, &fk.target).is_none())
        })
        .map(|(ti, ci, _)| (ti, ci))
        .collect();
    for (ti, ci) in untyped {
        tables[ti].columns[ci].unknown = true;
    }
    for t in &mut tables {
        // A primary key with a column not read is not read: none of its columns is compared
        // (the rest would make another key, or a serial).
        if t.columns.iter().any(|c| c.unknown && c.primary_key) {
            for c in t.columns.iter_mut().filter(|c| c.primary_key) {
                c.unknown = true;
            }
        }
        let unknown: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.unknown)
            .map(|c| c.name.clone())
            .collect();
        if t.items.iter().any(|i| matches!(i, TableItem::Unread)) {
            t.unread = true;
        }
        if unknown.is_empty() {
            t.items.retain(|i| !matches!(i, TableItem::Unread));
            continue;
        }
        t.unread = true;
        t.columns.retain(|c| !c.unknown);
        let names = |cols: &[String]| cols.iter().any(|c| unknown.contains(c));
        let quoted: Vec<String> = unknown
            .iter()
            .map(|c| crate::quote::quote_ident(c))
            .collect();
        t.items.retain(|i| match i {
            TableItem::Unique(_, cols, _) | TableItem::PrimaryKey(_, cols) => !names(cols),
            TableItem::ForeignKey { columns, .. } => !names(columns),
            // An expression may name the column anywhere.
            TableItem::Check(_, sql) => !unknown.iter().any(|c| sql.contains(c.as_str())),
            TableItem::Index(ix) => !ix
                .keys
                .iter()
                .chain(&ix.include)
                .chain(&ix.predicate)
                .any(|k| quoted.contains(k) || unknown.iter().any(|c| k.contains(c.as_str()))),
            TableItem::Unread => false,
        });
    }
    tables
}

/// What a constraint or index is named after: table `t`, columns `cols` (referring to
/// `referred`'s `rcols`), and the name it was given.
pub(super) struct Named<'a> {
    pub t: &'a TableSpec,
    pub cols: &'a [String],
    pub referred: &'a str,
    pub rcols: &'a [String],
    pub constraint: Option<&'a str>,
}

/// The name naming convention `conv` gives what `n` describes, as SQLAlchemy writes it for
/// PostgreSQL; `None` for a token it does not know (`metadata_call` keeps no such convention).
pub(super) fn conventional(conv: &str, n: &Named) -> Option<String> {
    let mut out = String::new();
    let mut rest = conv;
    while let Some(i) = rest.find("%(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let j = after.find(")s")?;
        out.push_str(&convention_token(&after[..j], n)?);
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Some(truncated(out.replace("%%", "%")))
}

impl<'a> Named<'a> {
    /// An index on `cols` of `t`.
    pub(super) fn index(t: &'a TableSpec, cols: &'a [String]) -> Named<'a> {
        Named {
            t,
            cols,
            referred: "",
            rcols: &[],
            constraint: None,
        }
    }
}

/// What one `%(token)s` of a naming convention stands for (see `conventional`).
fn convention_token(token: &str, n: &Named) -> Option<String> {
    let Named {
        t,
        cols,
        referred,
        rcols,
        constraint,
    } = *n;
    // A column's label is its table's name (with the schema's) and its own.
    let label = |c: &String| match &t.schema {
        Some(s) => format!("{s}_{}_{c}", t.name),
        None => format!("{}_{c}", t.name),
    };
    match token {
        "table_name" => return Some(t.name.clone()),
        "referred_table_name" => return Some(referred.to_string()),
        "constraint_name" => return constraint.map(str::to_string),
        _ => {}
    }
    let (of, rest, referred_side) = match token.strip_prefix("referred_column_") {
        Some(r) => (rcols, r, true),
        None => (cols, token.strip_prefix("column_")?, false),
    };
    let (which, part) = rest
        .split_once('_')
        .map(|(a, b)| match b.strip_prefix("N_") {
            // `column_0_N_name`: all of them, joined by `_`.
            Some(p) if a == "0" => ("0_N", p),
            _ => (a, b),
        })?;
    let one = |c: &String| -> Option<String> {
        match part {
            "name" | "key" => Some(c.clone()),
            "label" if !referred_side => Some(label(c)),
            _ => None,
        }
    };
    match which {
        "0N" => of
            .iter()
            .map(one)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat()),
        "0_N" => of
            .iter()
            .map(one)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("_")),
        n => one(of.get(n.parse::<usize>().ok()?)?),
    }
}

/// A name a naming convention makes (`ix_…` for `index=True` too), as SQLAlchemy writes it
/// for PostgreSQL: one longer than 63 characters is cut to 55 and ends in `_` and the last four
/// hex digits of its MD5.
fn truncated(name: String) -> String {
    use md5::Digest;
    if name.chars().count() <= 63 {
        return name;
    }
    let digest = md5::Md5::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let head: String = name.chars().take(55).collect();
    format!("{head}_{}", &hex[hex.len() - 4..])
}

/// The type of the column `target` (`table.column`) names, through a chain of columns typed by
/// their foreign keys; `None` when it is not known (not among the tables, or not read).
fn fk_type(tables: &[TableSpec], target: &str) -> Option<String> {
    let mut target = target.to_string();
    for _ in 0..=tables.len() {
        let (t, c) = target.rsplit_once('.')?;
        let t = last(t);
        let col = tables
            .iter()
            .find(|x| x.name == t)?
            .columns
            .iter()
            .find(|x| x.name == c)?;
        if col.unknown {
            return None;
        }
        if col.typed_by_fk {
            target = col.fk.as_ref()?.target.clone();
            continue;
        }
        return Some(match col.sql_type.as_str() {
            "SERIAL" => "INTEGER".into(),
            "BIGSERIAL" => "BIGINT".into(),
            other => other.to_string(),
        });
    }
    None
}

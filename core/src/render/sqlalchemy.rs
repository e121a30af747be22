//! A schema as SQLAlchemy model code (declarative classes with `Column`), to start a model from a
//! legacy database: `schemafix inspect postgres://… --format sqlalchemy`. What has no SQLAlchemy
//! spelling here is named in a warning and in a comment beside the column.

use std::collections::{BTreeSet, HashSet};

use crate::error::{DiagKind, Diagnostic, Severity};
use crate::schema::{Column, FkAction, Identity, Index, QualName, Schema, Span, Table};

/// A Python string literal for `s`.
pub(crate) fn py(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Out {
    imports: BTreeSet<&'static str>,
    pg_imports: BTreeSet<&'static str>,
    diagnostics: Vec<Diagnostic>,
}

impl Out {
    fn warn(&mut self, msg: String) {
        self.diagnostics.push(Diagnostic::new(
            Severity::Warning,
            DiagKind::IgnoredClause,
            msg,
            Span::default(),
        ));
    }
}

/// How a renderer spells SQLAlchemy names: the model file imports them bare, an Alembic
/// revision writes `sa.` and `postgresql.`; each records what it needs imported.
pub(crate) trait TypeNames {
    /// A name from `sqlalchemy`.
    fn sa(&mut self, name: &'static str) -> String;
    /// A name from `sqlalchemy.dialects.postgresql`.
    fn pg(&mut self, name: &'static str) -> String;
    /// True in a migration, where enum types are created by their own step.
    fn migration(&self) -> bool;
}

impl TypeNames for Out {
    fn sa(&mut self, name: &'static str) -> String {
        self.imports.insert(name);
        name.to_string()
    }
    fn pg(&mut self, name: &'static str) -> String {
        self.pg_imports.insert(name);
        name.to_string()
    }
    fn migration(&self) -> bool {
        false
    }
}

/// The SQLAlchemy type expression for a canonical PostgreSQL type, or `None`.
pub(crate) fn sa_type(ty: &str, schema: &Schema, n: &mut dyn TypeNames) -> Option<String> {
    if let Some(elem) = ty.strip_suffix("[]") {
        let inner = sa_type(elem, schema, n)?;
        return Some(format!("{}({inner})", n.pg("ARRAY")));
    }
    let (name, args) = match ty.split_once('(') {
        Some((a, b)) => (a.trim(), Some(b.trim_end_matches(')').to_string())),
        None => (ty.trim(), None),
    };
    let plain = |n: &mut dyn TypeNames, pg: bool, t: &'static str| {
        let name = if pg { n.pg(t) } else { n.sa(t) };
        Some(format!("{name}()"))
    };
    match (name, args.as_deref()) {
        ("integer", None) => plain(n, false, "Integer"),
        ("bigint", None) => plain(n, false, "BigInteger"),
        ("smallint", None) => plain(n, false, "SmallInteger"),
        ("text", None) => plain(n, false, "Text"),
        ("boolean", None) => plain(n, false, "Boolean"),
        ("date", None) => plain(n, false, "Date"),
        ("character varying", None) => plain(n, false, "String"),
        ("numeric", None) => plain(n, false, "Numeric"),
        ("timestamp without time zone", None) => plain(n, false, "DateTime"),
        ("time without time zone", None) => plain(n, false, "Time"),
        ("double precision", None) => plain(n, true, "DOUBLE_PRECISION"),
        ("real", None) => plain(n, true, "REAL"),
        ("uuid", None) => plain(n, true, "UUID"),
        ("jsonb", None) => plain(n, true, "JSONB"),
        ("json", None) => plain(n, true, "JSON"),
        ("bytea", None) => plain(n, true, "BYTEA"),
        ("inet", None) => plain(n, true, "INET"),
        ("cidr", None) => plain(n, true, "CIDR"),
        ("macaddr", None) => plain(n, true, "MACADDR"),
        ("money", None) => plain(n, true, "MONEY"),
        ("tsvector", None) => plain(n, true, "TSVECTOR"),
        ("interval", None) => plain(n, true, "INTERVAL"),
        ("character varying", Some(len)) => Some(format!("{}(length={len})", n.sa("String"))),
        ("character", len) => Some(format!("{}(length={})", n.sa("CHAR"), len.unwrap_or("1"))),
        ("numeric", Some(ps)) => Some(match ps.split_once(',') {
            Some((p, sc)) => format!(
                "{}(precision={}, scale={})",
                n.sa("Numeric"),
                p.trim(),
                sc.trim()
            ),
            None => format!("{}(precision={ps})", n.sa("Numeric")),
        }),
        ("timestamp with time zone", None) => Some(format!("{}(timezone=True)", n.sa("DateTime"))),
        ("time with time zone", None) => Some(format!("{}(timezone=True)", n.sa("Time"))),
        ("timestamp with time zone" | "timestamp without time zone", Some(p)) => Some(format!(
            "{}(timezone={}, precision={p})",
            n.pg("TIMESTAMP"),
            if name == "timestamp with time zone" {
                "True"
            } else {
                "False"
            }
        )),
        _ => {
            // A native enum of this schema.
            let q = match name.split_once('.') {
                Some((s, t)) => QualName::new(s.trim_matches('"'), t.trim_matches('"')),
                None => QualName::new("public", name.trim_matches('"')),
            };
            let e = schema.enums.get(&q)?;
            let labels: Vec<String> = e.values.iter().map(|v| py(v)).collect();
            let schema_arg = if q.schema == "public" {
                String::new()
            } else {
                format!(", schema={}", py(&q.schema))
            };
            Some(if n.migration() {
                format!(
                    "{}({}, name={}{schema_arg}, create_type=False)",
                    n.pg("ENUM"),
                    labels.join(", "),
                    py(&q.name)
                )
            } else {
                format!(
                    "{}({}, name={}{schema_arg})",
                    n.sa("Enum"),
                    labels.join(", "),
                    py(&q.name)
                )
            })
        }
    }
}

fn class_name(table: &str, taken: &mut HashSet<String>) -> String {
    let mut name: String = table
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("T{name}");
    }
    let base = name.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

fn fk_action(a: FkAction) -> Option<&'static str> {
    match a {
        FkAction::NoAction => None,
        FkAction::Restrict => Some("RESTRICT"),
        FkAction::Cascade => Some("CASCADE"),
        FkAction::SetNull => Some("SET NULL"),
        FkAction::SetDefault => Some("SET DEFAULT"),
    }
}

/// A foreign key's `ondelete=`, `onupdate=` and `match=` keywords, as SQLAlchemy and Alembic
/// both take them.
pub(crate) fn fk_kwargs(fk: &crate::schema::ForeignKey) -> String {
    let mut s = String::new();
    if let Some(x) = fk_action(fk.on_delete) {
        s.push_str(&format!(", ondelete={}", py(x)));
    }
    if let Some(x) = fk_action(fk.on_update) {
        s.push_str(&format!(", onupdate={}", py(x)));
    }
    if fk.match_full {
        s.push_str(", match=\"FULL\"");
    }
    s
}

fn cols(names: &[String]) -> String {
    names.iter().map(|c| py(c)).collect::<Vec<_>>().join(", ")
}

/// Renders `schema` as a Python module of SQLAlchemy models, with warnings for what it leaves
/// out.
pub fn render_sqlalchemy(schema: &Schema) -> (String, Vec<Diagnostic>) {
    let mut out = Out {
        imports: BTreeSet::from(["Column", "MetaData"]),
        pg_imports: BTreeSet::new(),
        diagnostics: Vec::new(),
    };
    let mut taken = HashSet::from(["Base".to_string()]);
    let mut classes = Vec::new();
    for t in schema.tables.values() {
        classes.push(render_table(t, schema, &mut out, &mut taken));
    }
    for s in schema.sequences.values() {
        out.warn(format!(
            "sequence {} is not written (declare it with sqlalchemy.Sequence where it is used)",
            s.name
        ));
    }
    let mut code = String::from(
        "\"\"\"SQLAlchemy models written by `schemafix inspect --format sqlalchemy`.\"\"\"\n\n",
    );
    code.push_str(&format!(
        "from sqlalchemy import {}\n",
        out.imports.iter().copied().collect::<Vec<_>>().join(", ")
    ));
    if !out.pg_imports.is_empty() {
        code.push_str(&format!(
            "from sqlalchemy.dialects.postgresql import {}\n",
            out.pg_imports
                .iter()
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    code.push_str("from sqlalchemy.orm import declarative_base\n\n");
    code.push_str("Base = declarative_base(metadata=MetaData())\n");
    for c in classes {
        code.push_str("\n\n");
        code.push_str(&c);
    }
    (code, out.diagnostics)
}

fn render_table(t: &Table, schema: &Schema, out: &mut Out, taken: &mut HashSet<String>) -> String {
    let mut s = format!("class {}(Base):\n", class_name(&t.name.name, taken));
    s.push_str(&format!("    __tablename__ = {}\n", py(&t.name.name)));
    if !t.inherits.is_empty() || t.partition_of.is_some() || t.partition_by.is_some() {
        out.warn(format!(
            "table {}: inheritance and partitioning are not written",
            t.name
        ));
    }
    // Single-column primary key under PostgreSQL's default name: `primary_key=True`.
    let pk_inline = t.primary_key.as_ref().filter(|pk| {
        pk.columns.len() == 1 && pk.include.is_empty() && pk.name == format!("{}_pkey", t.name.name)
    });
    let mut args: Vec<String> = Vec::new();
    if let Some(pk) = t.primary_key.as_ref().filter(|_| pk_inline.is_none()) {
        out.imports.insert("PrimaryKeyConstraint");
        args.push(format!(
            "PrimaryKeyConstraint({}, name={})",
            cols(&pk.columns),
            py(&pk.name)
        ));
    }
    for u in &t.uniques {
        out.imports.insert("UniqueConstraint");
        let nnd = if u.nulls_not_distinct {
            ", postgresql_nulls_not_distinct=True"
        } else {
            ""
        };
        args.push(format!(
            "UniqueConstraint({}, name={}{nnd})",
            cols(&u.columns),
            py(&u.name)
        ));
    }
    for c in &t.checks {
        out.imports.insert("CheckConstraint");
        args.push(format!(
            "CheckConstraint({}, name={})",
            py(&c.expr.sql),
            py(&c.name)
        ));
    }
    for fk in &t.foreign_keys {
        out.imports.insert("ForeignKeyConstraint");
        let target = |c: &String| {
            if fk.ref_table.schema == "public" {
                format!("{}.{c}", fk.ref_table.name)
            } else {
                format!("{}.{}.{c}", fk.ref_table.schema, fk.ref_table.name)
            }
        };
        let refs: Vec<String> = fk.ref_columns.iter().map(|c| py(&target(c))).collect();
        let mut a = format!(
            "ForeignKeyConstraint([{}], [{}], name={}",
            cols(&fk.columns),
            refs.join(", "),
            py(&fk.name)
        );
        a.push_str(&fk_kwargs(fk));
        a.push(')');
        args.push(a);
        if !fk.on_delete_columns.is_empty() {
            out.warn(format!(
                "table {}: foreign key {} sets only ({}) on delete, which SQLAlchemy cannot say: written as {} on all its columns",
                t.name,
                fk.name,
                fk.on_delete_columns.join(", "),
                fk.on_delete.sql()
            ));
        }
    }
    if !t.exclusions.is_empty() {
        out.warn(format!(
            "table {}: exclusion constraints are not written",
            t.name
        ));
    }
    for i in &t.indexes {
        args.push(render_index(i, out));
    }
    let mut kw = Vec::new();
    if t.name.schema != "public" {
        kw.push(format!("\"schema\": {}", py(&t.name.schema)));
    }
    if let Some(c) = &t.comment {
        kw.push(format!("\"comment\": {}", py(c)));
    }
    if !kw.is_empty() {
        args.push(format!("{{{}}}", kw.join(", ")));
    }
    if !args.is_empty() {
        s.push_str("    __table_args__ = (\n");
        for a in &args {
            s.push_str(&format!("        {a},\n"));
        }
        s.push_str("    )\n");
    }
    s.push('\n');
    for c in &t.columns {
        let pk = pk_inline.is_some_and(|pk| pk.columns[0] == c.name);
        s.push_str(&render_column(t, c, pk, schema, out));
    }
    s
}

fn render_index(i: &Index, out: &mut Out) -> String {
    out.imports.insert("Index");
    let mut parts = vec![py(&i.name)];
    for k in &i.keys {
        let plain = k.is_column && !k.desc && k.nulls_first.is_none() && k.opclass.is_none();
        if plain {
            parts.push(py(&crate::quote::unquote_ident(&k.expr.sql)));
        } else {
            out.imports.insert("text");
            parts.push(format!("text({})", py(&crate::sql::key_sql(k))));
        }
    }
    if i.unique {
        parts.push("unique=True".into());
    }
    if i.method != "btree" {
        parts.push(format!("postgresql_using={}", py(&i.method)));
    }
    if !i.include.is_empty() {
        parts.push(format!("postgresql_include=[{}]", cols(&i.include)));
    }
    if i.nulls_not_distinct {
        parts.push("postgresql_nulls_not_distinct=True".into());
    }
    if let Some(p) = &i.predicate {
        out.imports.insert("text");
        parts.push(format!("postgresql_where=text({})", py(&p.sql)));
    }
    if !i.with.0.is_empty() {
        let kv: Vec<String> = i
            .with
            .0
            .iter()
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| format!("{}: {}", py(k.trim()), py(v.trim().trim_matches('\''))))
            .collect();
        parts.push(format!("postgresql_with={{{}}}", kv.join(", ")));
    }
    if i.comment.is_some() {
        out.warn(format!("index {}: its comment is not written", i.name));
    }
    format!("Index({})", parts.join(", "))
}

fn render_column(t: &Table, c: &Column, pk: bool, schema: &Schema, out: &mut Out) -> String {
    let mut args = vec![py(&c.name)];
    let mut note = String::new();
    let base = if c.serial {
        let t = match c.data_type.as_str() {
            "bigint" => "BigInteger",
            "smallint" => "SmallInteger",
            _ => "Integer",
        };
        format!("{}()", out.sa(t))
    } else {
        match sa_type(&c.data_type, schema, out) {
            Some(ty) => ty,
            None => {
                out.warn(format!(
                    "{}.{}: type {} has no SQLAlchemy spelling here; written as Text, correct it",
                    t.name, c.name, c.data_type
                ));
                note = format!("  # schemafix: the database type is {}", c.data_type);
                format!("{}()", out.sa("Text"))
            }
        }
    };
    args.push(base);
    if let Some(id) = c.identity {
        out.imports.insert("Identity");
        args.push(match id {
            Identity::Always => "Identity(always=True)".into(),
            Identity::ByDefault => "Identity()".into(),
        });
    }
    if let Some(g) = &c.generated {
        out.imports.insert("Computed");
        args.push(format!("Computed({}, persisted=True)", py(&g.sql)));
    }
    if pk {
        args.push("primary_key=True".into());
        let int_type = matches!(c.data_type.as_str(), "integer" | "bigint" | "smallint");
        if int_type && !c.serial && c.identity.is_none() {
            args.push("autoincrement=False".into());
        }
    } else {
        args.push(format!(
            "nullable={}",
            if c.not_null { "False" } else { "True" }
        ));
        if c.serial {
            out.warn(format!(
                "{}.{}: a serial column that is not the primary key is written as a plain integer",
                t.name, c.name
            ));
        }
    }
    if let Some(d) = &c.default {
        out.imports.insert("text");
        args.push(format!("server_default=text({})", py(&d.sql)));
    }
    if let Some(coll) = &c.collation {
        out.warn(format!(
            "{}.{}: collation {coll} is not written (give the type collation=)",
            t.name, c.name
        ));
    }
    if let Some(cm) = &c.comment {
        args.push(format!("comment={}", py(cm)));
    }
    format!(
        "    {} = Column({}){note}\n",
        py_attr(&c.name),
        args.join(", ")
    )
}

/// A Python attribute name for a column (the column's own name is always passed as well).
fn py_attr(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield", "metadata", "registry",
    ];
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("c_{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

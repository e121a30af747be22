//! A schema as SQLAlchemy model code (declarative classes with `Column`), to start a model from a
//! legacy database: `schemafix inspect postgres://… --format sqlalchemy`. What has no SQLAlchemy
//! spelling here is named in a warning and in a comment beside the column.

use std::collections::{BTreeSet, HashSet};

use crate::error::{DiagKind, Diagnostic, Severity};
use crate::schema::{Column, FkAction, Identity, Index, QualName, Schema, Span, Table};

/// A Python string literal for `s`.
fn py(s: &str) -> String {
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

/// The SQLAlchemy type expression for a canonical PostgreSQL type, or `None`.
fn sa_type(ty: &str, schema: &Schema, out: &mut Out) -> Option<String> {
    if let Some(elem) = ty.strip_suffix("[]") {
        let inner = sa_type(elem, schema, out)?;
        out.pg_imports.insert("ARRAY");
        return Some(format!("ARRAY({inner})"));
    }
    let (name, args) = match ty.split_once('(') {
        Some((n, a)) => (n.trim(), Some(a.trim_end_matches(')').to_string())),
        None => (ty.trim(), None),
    };
    let simple = |out: &mut Out, t: &'static str| {
        out.imports.insert(t);
        Some(t.to_string())
    };
    let pg = |out: &mut Out, t: &'static str| {
        out.pg_imports.insert(t);
        Some(t.to_string())
    };
    match (name, args.as_deref()) {
        ("integer", None) => simple(out, "Integer"),
        ("bigint", None) => simple(out, "BigInteger"),
        ("smallint", None) => simple(out, "SmallInteger"),
        ("text", None) => simple(out, "Text"),
        ("boolean", None) => simple(out, "Boolean"),
        ("date", None) => simple(out, "Date"),
        ("double precision", None) => pg(out, "DOUBLE_PRECISION"),
        ("real", None) => pg(out, "REAL"),
        ("uuid", None) => pg(out, "UUID"),
        ("jsonb", None) => pg(out, "JSONB"),
        ("json", None) => pg(out, "JSON"),
        ("bytea", None) => pg(out, "BYTEA"),
        ("inet", None) => pg(out, "INET"),
        ("cidr", None) => pg(out, "CIDR"),
        ("macaddr", None) => pg(out, "MACADDR"),
        ("money", None) => pg(out, "MONEY"),
        ("tsvector", None) => pg(out, "TSVECTOR"),
        ("interval", None) => pg(out, "INTERVAL"),
        ("character varying", None) => simple(out, "String"),
        ("character varying", Some(n)) => {
            out.imports.insert("String");
            Some(format!("String({n})"))
        }
        ("character", n) => {
            out.imports.insert("CHAR");
            Some(format!("CHAR({})", n.unwrap_or("1")))
        }
        ("numeric", None) => simple(out, "Numeric"),
        ("numeric", Some(ps)) => {
            out.imports.insert("Numeric");
            Some(format!("Numeric({ps})"))
        }
        ("timestamp with time zone", None) => {
            out.imports.insert("DateTime");
            Some("DateTime(timezone=True)".into())
        }
        ("timestamp without time zone", None) => simple(out, "DateTime"),
        ("time without time zone", None) => simple(out, "Time"),
        ("time with time zone", None) => {
            out.imports.insert("Time");
            Some("Time(timezone=True)".into())
        }
        ("timestamp with time zone" | "timestamp without time zone", Some(p)) => {
            out.pg_imports.insert("TIMESTAMP");
            Some(format!(
                "TIMESTAMP(timezone={}, precision={p})",
                if name.contains("with time") && !name.contains("without") {
                    "True"
                } else {
                    "False"
                }
            ))
        }
        _ => {
            // A native enum of this schema.
            let q = match name.split_once('.') {
                Some((s, n)) => QualName::new(s.trim_matches('"'), n.trim_matches('"')),
                None => QualName::new("public", name.trim_matches('"')),
            };
            let e = schema.enums.get(&q)?;
            out.imports.insert("Enum");
            let labels: Vec<String> = e.values.iter().map(|v| py(v)).collect();
            let schema_arg = if q.schema == "public" {
                String::new()
            } else {
                format!(", schema={}", py(&q.schema))
            };
            Some(format!(
                "Enum({}, name={}{schema_arg})",
                labels.join(", "),
                py(&q.name)
            ))
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
        if let Some(x) = fk_action(fk.on_delete) {
            a.push_str(&format!(", ondelete={}", py(x)));
        }
        if let Some(x) = fk_action(fk.on_update) {
            a.push_str(&format!(", onupdate={}", py(x)));
        }
        if fk.match_full {
            a.push_str(", match=\"FULL\"");
        }
        a.push(')');
        args.push(a);
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
            parts.push(py(&unquote(&k.expr.sql)));
        } else {
            out.imports.insert("text");
            parts.push(format!("text({})", py(&crate::render::sql::key_sql(k))));
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
        match c.data_type.as_str() {
            "bigint" => "BigInteger",
            "smallint" => "SmallInteger",
            _ => "Integer",
        }
        .to_string()
    } else {
        match sa_type(&c.data_type, schema, out) {
            Some(ty) => ty,
            None => {
                out.imports.insert("Text");
                out.warn(format!(
                    "{}.{}: type {} has no SQLAlchemy spelling here; written as Text, correct it",
                    t.name, c.name, c.data_type
                ));
                note = format!("  # schemafix: the database type is {}", c.data_type);
                "Text".to_string()
            }
        }
    };
    if c.serial {
        out.imports.insert(base_import(&base));
    }
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

fn base_import(base: &str) -> &'static str {
    match base {
        "BigInteger" => "BigInteger",
        "SmallInteger" => "SmallInteger",
        _ => "Integer",
    }
}

/// An identifier as PostgreSQL stores it, from its SQL spelling.
fn unquote(sql: &str) -> String {
    match sql.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => sql.to_string(),
    }
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

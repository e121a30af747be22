//! SQLAlchemy model source: a `models.py` read statically (no Python runs) into the DDL that
//! SQLAlchemy 2.x's `metadata.create_all` emits for PostgreSQL, applied through the DDL source.
//!
//! Declarative classes (`declarative_base()`, `DeclarativeBase`, Flask-SQLAlchemy's `db.Model`,
//! SQLModel's `table=True`), mixins and abstract bases, Core `Table(...)`, `Column(...)`,
//! `mapped_column(...)` and bare `Mapped[...]` annotations are understood. Each emitted statement
//! remembers the model line it came from, so diagnostics and reasons point at the model.

use std::collections::{BTreeMap, BTreeSet};

use rustpython_parser::ast::{self, Constant, Expr, Ranged, Stmt};
use rustpython_parser::Parse;

use super::ddl::{apply_written_ddl, origin_of, parse_expr};
use super::Parsed;
use crate::error::{DiagKind, Diagnostic, LineIndex, Severity};
use crate::normalize::finish;
use crate::quote::quote_literal;
use crate::schema::{Expr as SqlExpr, Hint, QualName, Span};

/// Parses a Python module holding SQLAlchemy models.
pub fn parse_sqlalchemy(text: &str) -> Parsed {
    let index = LineIndex::new(text);
    if let Some((at, why)) = too_big_to_parse(text) {
        return Parsed {
            schema: Default::default(),
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                DiagKind::Syntax,
                why,
                index.span(text, at, at),
            )],
        };
    }
    let suite = match ast::Suite::parse(text, "models.py") {
        Ok(s) => s,
        Err(e) => {
            let at = e.offset.to_usize().min(text.len());
            return Parsed {
                schema: Default::default(),
                diagnostics: vec![Diagnostic::new(
                    Severity::Error,
                    DiagKind::Syntax,
                    format!(
                        "Python syntax error: {}{}",
                        e.error,
                        if text.contains("\\N{") {
                            " (a `\\N{NAME}` escape? schemafix does not resolve Unicode names; write the character itself)"
                        } else {
                            ""
                        }
                    ),
                    index.span(text, at, at),
                )],
            };
        }
    };
    let mut sx = Sx {
        text,
        index,
        diagnostics: Vec::new(),
        aliases: BTreeMap::new(),
        bases: BTreeSet::new(),
        abstract_bases: BTreeSet::new(),
        py_enums: BTreeMap::new(),
        classes: BTreeMap::new(),
        naming: BTreeMap::new(),
        dicts: BTreeMap::new(),
        enums: BTreeMap::new(),
        tables: Vec::new(),
        model_defaults: Vec::new(),
    };
    sx.module(&suite);
    sx.finish()
}

/// One column as SQLAlchemy would emit it.
#[derive(Debug, Clone)]
struct Col {
    name: String,
    sql_type: String,
    nullable: Option<bool>,
    primary_key: bool,
    unique: bool,
    index: bool,
    server_default: Option<String>,
    model_default: Option<String>,
    fk: Option<Fk>,
    comment: Option<String>,
    identity: Option<String>,
    /// `Sequence("name", start=…)`: created by `create_all`, used by SQLAlchemy on insert.
    sequence: Option<(String, Option<i64>)>,
    computed: Option<String>,
    autoincrement: Option<bool>,
    integer: bool,
    at: usize,
}

impl Col {
    /// A column of no type yet, with every option at SQLAlchemy's default.
    fn new(name: &str, at: usize) -> Col {
        Col {
            name: name.to_string(),
            sql_type: String::new(),
            nullable: None,
            primary_key: false,
            unique: false,
            index: false,
            server_default: None,
            model_default: None,
            fk: None,
            comment: None,
            identity: None,
            sequence: None,
            computed: None,
            autoincrement: None,
            integer: false,
            at,
        }
    }
}

#[derive(Debug, Clone)]
struct Fk {
    target: String,
    name: Option<String>,
    ondelete: Option<String>,
    onupdate: Option<String>,
}

/// `Index(name, *keys, unique=, postgresql_using=, postgresql_where=, postgresql_include=)`.
#[derive(Debug, Clone)]
struct IndexItem {
    name: Option<String>,
    /// Each key as SQL: a quoted column name, or `text()` verbatim.
    keys: Vec<String>,
    unique: bool,
    using: Option<String>,
    predicate: Option<String>,
    include: Vec<String>,
}

/// A table-level item from `__table_args__` or `Table(...)`.
#[derive(Debug, Clone)]
enum TableItem {
    Unique(Option<String>, Vec<String>),
    Index(IndexItem),
    Check(Option<String>, String),
    PrimaryKey(Option<String>, Vec<String>),
    ForeignKey(
        Option<String>,
        Vec<String>,
        Vec<String>,
        Option<String>,
        Option<String>,
    ),
}

#[derive(Debug, Clone, Default)]
struct TableSpec {
    name: String,
    schema: Option<String>,
    comment: Option<String>,
    columns: Vec<Col>,
    items: Vec<TableItem>,
    at: usize,
}

/// What a class statement declares.
#[derive(Debug, Clone, Default)]
struct ClassInfo {
    bases: Vec<String>,
    tablename: Option<String>,
    is_abstract: bool,
    sqlmodel_table: bool,
    columns: Vec<Col>,
    items: Vec<TableItem>,
    schema: Option<String>,
    comment: Option<String>,
    at: usize,
}

struct Sx<'a> {
    text: &'a str,
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
    /// Local name → dotted origin (`sa` → `sqlalchemy`, `Column` → `sqlalchemy.Column`).
    aliases: BTreeMap<String, String>,
    /// Names of declarative bases (`Base`, `db.Model`, `SQLModel`).
    bases: BTreeSet<String>,
    /// Classes that are bases but no tables (`DeclarativeBase` subclasses, `__abstract__`).
    abstract_bases: BTreeSet<String>,
    /// Python enum classes: name → member names.
    py_enums: BTreeMap<String, Vec<String>>,
    classes: BTreeMap<String, ClassInfo>,
    /// `MetaData(naming_convention=…)`.
    naming: BTreeMap<String, String>,
    /// Module-level dict literals by name (for `naming_convention=convention`).
    dicts: BTreeMap<String, Expr>,
    /// Native enum types to create: name → labels.
    enums: BTreeMap<String, (Vec<String>, usize)>,
    tables: Vec<TableSpec>,
    /// (table, column, Python-side default literal as SQL).
    model_defaults: Vec<(QualName, String, String)>,
}

/// The last component of a dotted name.
fn last(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

impl Sx<'_> {
    fn span(&self, at: usize) -> Span {
        let at = at.min(self.text.len());
        self.index.span(self.text, at, at)
    }

    fn diag(&mut self, severity: Severity, kind: DiagKind, msg: impl Into<String>, at: usize) {
        let span = self.span(at);
        self.diagnostics
            .push(Diagnostic::new(severity, kind, msg, span));
    }

    fn line(&self, at: usize) -> u32 {
        self.span(at).line
    }

    /// The dotted name an expression refers to, through the module's imports.
    fn dotted(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                Some(
                    self.aliases
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| id.to_string()),
                )
            }
            Expr::Attribute(a) => Some(format!("{}.{}", self.dotted(&a.value)?, a.attr.as_str())),
            _ => None,
        }
    }

    /// The called function's dotted name.
    fn callee(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Call(c) => self.dotted(&c.func),
            _ => None,
        }
    }

    fn module(&mut self, suite: &[Stmt]) {
        for st in suite {
            match st {
                Stmt::Import(i) => {
                    for a in &i.names {
                        let name = a.name.as_str();
                        let local = a.asname.as_ref().map_or_else(
                            || name.split('.').next().unwrap_or(name).to_string(),
                            |x| x.as_str().to_string(),
                        );
                        let origin = if a.asname.is_some() {
                            name.to_string()
                        } else {
                            local.clone()
                        };
                        self.aliases.insert(local, origin);
                    }
                }
                Stmt::ImportFrom(i) => {
                    let module = i.module.as_ref().map_or("", |m| m.as_str());
                    for a in &i.names {
                        let name = a.name.as_str();
                        let local = a.asname.as_ref().map_or(name, |x| x.as_str());
                        self.aliases
                            .insert(local.to_string(), format!("{module}.{name}"));
                    }
                }
                Stmt::Assign(a) => self.assign(a),
                Stmt::AnnAssign(_) => {}
                Stmt::ClassDef(c) => self.class(c),
                Stmt::If(i) => {
                    // `if TYPE_CHECKING:` imports and the like.
                    self.module(&i.body);
                }
                Stmt::Expr(_)
                | Stmt::FunctionDef(_)
                | Stmt::AsyncFunctionDef(_)
                | Stmt::Pass(_) => {}
                other => {
                    let at = other.range().start().to_usize();
                    let line = self.line(at);
                    self.diag(
                        Severity::Note,
                        DiagKind::OutOfScope,
                        format!("line {line}: this statement is not read (only imports, assignments and classes declare tables)"),
                        at,
                    );
                }
            }
        }
        self.build_tables();
    }

    /// Top-level assignments: bases, metadata, Core tables.
    fn assign(&mut self, a: &ast::StmtAssign) {
        let Some(Expr::Name(target)) = a.targets.first() else {
            return;
        };
        let target = target.id.as_str().to_string();
        if let Expr::Dict(_) = a.value.as_ref() {
            self.dicts.insert(target.clone(), a.value.as_ref().clone());
        }
        let Some(callee) = self.callee(&a.value) else {
            return;
        };
        let Expr::Call(call) = a.value.as_ref() else {
            return;
        };
        match last(&callee) {
            "declarative_base" | "generate_base" => {
                self.bases.insert(target);
                if let Some(md) = kw(call, "metadata") {
                    self.metadata_expr(md);
                }
            }
            "SQLAlchemy" => {
                self.bases.insert(format!("{target}.Model"));
                self.aliases.insert(target, "sqlalchemy".into());
                if let Some(md) = kw(call, "metadata") {
                    self.metadata_expr(md);
                }
            }
            "MetaData" => self.metadata_call(call),
            "Table" => self.core_table(call, a.range().start().to_usize()),
            _ => {}
        }
    }

    fn metadata_expr(&mut self, e: &Expr) {
        if let Expr::Call(c) = e {
            if self.callee(e).as_deref().map(last) == Some("MetaData") {
                self.metadata_call(c);
            }
        }
    }

    fn metadata_call(&mut self, call: &ast::ExprCall) {
        let conv = match kw(call, "naming_convention") {
            Some(Expr::Name(n)) => self.dicts.get(n.id.as_str()).cloned(),
            other => other.cloned(),
        };
        if let Some(Expr::Dict(d)) = conv.as_ref() {
            for (k, v) in d.keys.iter().zip(&d.values) {
                if let (Some(k), Some(v)) = (k.as_ref().and_then(str_const), str_const(v)) {
                    self.naming.insert(k, v);
                }
            }
        }
    }

    fn class(&mut self, c: &ast::StmtClassDef) {
        let name = c.name.as_str().to_string();
        let at = c.range.start().to_usize();
        let bases: Vec<String> = c.bases.iter().filter_map(|b| self.dotted(b)).collect();
        // Python enums.
        if bases
            .iter()
            .any(|b| matches!(last(b), "Enum" | "IntEnum" | "StrEnum"))
        {
            let members: Vec<String> = c
                .body
                .iter()
                .filter_map(|s| match s {
                    Stmt::Assign(a) => match a.targets.first() {
                        Some(Expr::Name(n)) => Some(n.id.as_str().to_string()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            self.py_enums.insert(name, members);
            return;
        }
        if bases
            .iter()
            .any(|b| last(b) == "DeclarativeBase" || last(b) == "DeclarativeBaseNoMeta")
        {
            self.bases.insert(name.clone());
            self.abstract_bases.insert(name.clone());
            for s in &c.body {
                if let Stmt::Assign(a) = s {
                    if matches!(a.targets.first(), Some(Expr::Name(n)) if n.id.as_str() == "metadata")
                    {
                        self.metadata_expr(&a.value);
                    }
                }
            }
            return;
        }
        let mut info = ClassInfo {
            bases: bases.clone(),
            at,
            sqlmodel_table: bases.iter().any(|b| last(b) == "SQLModel")
                && c.keywords.iter().any(|k| {
                    k.arg.as_ref().is_some_and(|a| a.as_str() == "table")
                        && matches!(&k.value, Expr::Constant(x) if matches!(x.value, Constant::Bool(true)))
                }),
            ..ClassInfo::default()
        };
        // SQLAlchemy orders attributes by merging the class `__dict__` order (assigned names)
        // with the `__annotations__` order (annotated names).
        let mut dict_order: Vec<String> = Vec::new();
        // Which attribute each of `info.columns` came from (by index).
        let mut attr_of: Vec<(usize, String)> = Vec::new();
        let mut ann_order: Vec<String> = Vec::new();
        for st in &c.body {
            match st {
                Stmt::Assign(a) => {
                    if let Some(Expr::Name(t)) = a.targets.first() {
                        dict_order.push(t.id.as_str().to_string());
                    }
                }
                Stmt::AnnAssign(a) => {
                    if let Expr::Name(t) = a.target.as_ref() {
                        if a.value.is_some() {
                            dict_order.push(t.id.as_str().to_string());
                        }
                        ann_order.push(t.id.as_str().to_string());
                    }
                }
                _ => {}
            }
        }
        let order = merge_lists_w_ordering(&dict_order, &ann_order);
        for st in &c.body {
            match st {
                Stmt::Assign(a) => {
                    let Some(Expr::Name(t)) = a.targets.first() else {
                        continue;
                    };
                    let attr = t.id.as_str();
                    match attr {
                        "__tablename__" => match str_const(&a.value) {
                            Some(s) => info.tablename = Some(s),
                            None => self.diag(
                                Severity::Warning,
                                DiagKind::IgnoredClause,
                                format!("class {name}: __tablename__ is computed; it cannot be read statically"),
                                a.range.start().to_usize(),
                            ),
                        },
                        "__abstract__" => {
                            info.is_abstract = matches!(a.value.as_ref(), Expr::Constant(x) if matches!(x.value, Constant::Bool(true)))
                        }
                        "__table_args__" => self.table_args(&a.value, &mut info),
                        _ => {
                            if let Some(col) = self.column_value(attr, None, &a.value) {
                                attr_of.push((info.columns.len(), attr.to_string()));
                                info.columns.push(col);
                            }
                        }
                    }
                }
                Stmt::AnnAssign(a) => {
                    let Expr::Name(t) = a.target.as_ref() else {
                        continue;
                    };
                    let attr = t.id.as_str().to_string();
                    if attr.starts_with("__") {
                        if attr == "__tablename__" {
                            info.tablename = a.value.as_deref().and_then(str_const);
                        }
                        continue;
                    }
                    if let Some(col) = self.annotated(
                        &attr,
                        &a.annotation,
                        a.value.as_deref(),
                        info.sqlmodel_table || bases.iter().any(|b| last(b) == "SQLModel"),
                        a.range.start().to_usize(),
                    ) {
                        attr_of.push((info.columns.len(), attr.clone()));
                        info.columns.push(col);
                    }
                }
                Stmt::FunctionDef(f)
                    if f.decorator_list.iter().any(|d| {
                        self.dotted(d)
                            .or_else(|| self.callee(d))
                            .is_some_and(|n| last(&n) == "declared_attr")
                    }) =>
                {
                    let at = f.range.start().to_usize();
                    let line = self.line(at);
                    self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!(
                            "line {line}: class {name}: @declared_attr `{}` is computed when the class is built; it is not read, so what it declares is not compared",
                            f.name.as_str()
                        ),
                        at,
                    );
                }
                _ => {}
            }
        }
        // By attribute name: `bad = Column("x", …)` names the column x but sits where `bad` does.
        let position = |i: usize, col: &Col| {
            let attr = attr_of
                .iter()
                .find(|(k, _)| *k == i)
                .map_or(col.name.as_str(), |(_, a)| a.as_str());
            order.iter().position(|n| n == attr).unwrap_or(usize::MAX)
        };
        let mut keyed: Vec<(usize, Col)> = std::mem::take(&mut info.columns)
            .into_iter()
            .enumerate()
            .map(|(i, c)| (position(i, &c), c))
            .collect();
        keyed.sort_by_key(|(k, _)| *k);
        info.columns = keyed.into_iter().map(|(_, c)| c).collect();
        self.classes.insert(name, info);
    }

    /// Is this class (by name) declarative, through its bases?
    fn declarative(&self, name: &str, depth: usize) -> bool {
        if depth > 20 {
            return false;
        }
        if self.bases.contains(name)
            || last(name) == "Model" && self.bases.iter().any(|b| b.ends_with(".Model"))
        {
            return true;
        }
        self.classes.get(name).is_some_and(|c| {
            c.sqlmodel_table
                || c.bases
                    .iter()
                    .any(|b| self.bases.contains(b) || self.declarative(b, depth + 1))
        })
    }

    /// The columns a class has from its mixins and abstract bases, then its own.
    fn all_columns(&self, name: &str, depth: usize) -> (Vec<Col>, Vec<TableItem>) {
        let Some(c) = self.classes.get(name) else {
            return (Vec::new(), Vec::new());
        };
        // SQLAlchemy's order: the class's own columns, then each base's (mixins, abstract
        // bases) in MRO order; a name already taken is not taken again.
        let mut cols: Vec<Col> = c.columns.clone();
        let mut items = c.items.clone();
        if depth < 20 {
            for b in &c.bases {
                let inherited_table = self
                    .classes
                    .get(b)
                    .is_some_and(|bc| bc.tablename.is_some() && !bc.is_abstract);
                if self.classes.contains_key(b) && !inherited_table {
                    let (bc, bi) = self.all_columns(b, depth + 1);
                    for col in bc {
                        if !cols.iter().any(|x| x.name == col.name) {
                            cols.push(col);
                        }
                    }
                    items.extend(bi);
                }
            }
        }
        (cols, items)
    }

    fn build_tables(&mut self) {
        let names: Vec<String> = self.classes.keys().cloned().collect();
        // Keep the file's order.
        let mut ordered: Vec<(usize, String)> = names
            .iter()
            .map(|n| (self.classes[n].at, n.clone()))
            .collect();
        ordered.sort();
        for (_, name) in ordered {
            let c = self.classes[&name].clone();
            if !self.declarative(&name, 0) || c.is_abstract {
                continue;
            }
            let flask = c.bases.iter().any(|b| b.ends_with(".Model"))
                || c.bases.iter().any(|b| {
                    self.classes.get(b).is_some_and(|_| self.declarative(b, 0))
                        && self.bases.iter().any(|x| x.ends_with(".Model"))
                });
            let tablename = match &c.tablename {
                Some(t) => t.clone(),
                None if c.sqlmodel_table => name.to_lowercase(),
                None if flask => camel_to_snake(&name),
                None => {
                    // Single-table inheritance: the columns belong to the parent's table.
                    let parent = c
                        .bases
                        .iter()
                        .find(|b| self.classes.get(*b).is_some_and(|p| p.tablename.is_some()));
                    if let Some(p) = parent {
                        let ptable = self.classes[p].tablename.clone().unwrap_or_default();
                        let own = c.columns.clone();
                        if let Some(t) = self.tables.iter_mut().find(|t| t.name == ptable) {
                            for mut col in own {
                                if col.nullable.is_none() {
                                    col.nullable = Some(true);
                                }
                                t.columns.push(col);
                            }
                        }
                    } else if c.columns.is_empty() {
                        // A plain base class (e.g. `class Base(db.Model): __abstract__`).
                    } else {
                        self.diag(
                            Severity::Warning,
                            DiagKind::IgnoredClause,
                            format!("class {name} has columns but no __tablename__; SQLAlchemy would refuse it, so it is skipped"),
                            c.at,
                        );
                    }
                    continue;
                }
            };
            let (columns, items) = self.all_columns(&name, 0);
            self.tables.push(TableSpec {
                name: tablename,
                schema: c.schema.clone(),
                comment: c.comment.clone(),
                columns,
                items,
                at: c.at,
            });
        }
    }

    /// `x = Column(...)` / `x = mapped_column(...)` / `x = db.Column(...)` / `Field(...)`.
    fn column_value(
        &mut self,
        attr: &str,
        annotation: Option<(String, bool)>,
        value: &Expr,
    ) -> Option<Col> {
        let callee = self.callee(value)?;
        let Expr::Call(call) = value else { return None };
        match last(&callee) {
            "Column" | "mapped_column" => Some(self.column_call(attr, annotation, call)),
            "relationship" | "synonym" | "column_property" | "association_proxy"
            | "hybrid_property" | "backref" | "Relationship" => None,
            "Field" => self.sqlmodel_field(attr, annotation, call),
            _ => None,
        }
    }

    /// `x: Mapped[T] [= mapped_column(...)]`, SQLModel `x: T [= Field(...)]`.
    fn annotated(
        &mut self,
        attr: &str,
        ann: &Expr,
        value: Option<&Expr>,
        sqlmodel: bool,
        at: usize,
    ) -> Option<Col> {
        let (inner, is_mapped) = match ann {
            Expr::Subscript(s) if self.dotted(&s.value).as_deref().map(last) == Some("Mapped") => {
                (s.slice.as_ref(), true)
            }
            _ if sqlmodel => (ann, false),
            _ => return value.and_then(|v| self.column_value(attr, None, v)),
        };
        let (t, optional) = self.unwrap_optional(inner);
        let py_type = self.dotted(t).unwrap_or_default();
        let relationship = matches!(
            last(&py_type),
            "List" | "list" | "Set" | "set" | "Dict" | "dict"
        ) && matches!(t, Expr::Subscript(_))
            || matches!(t, Expr::Constant(_))
            || self.classes.contains_key(&py_type);
        if let Some(v) = value {
            if let Some(callee) = self.callee(v) {
                if matches!(
                    last(&callee),
                    "relationship" | "Relationship" | "column_property" | "synonym"
                ) {
                    return None;
                }
            }
        }
        if relationship && is_mapped {
            return None;
        }
        let ann = Some((py_type.clone(), optional));
        let mut col = match value {
            Some(v) if self.callee(v).is_some() => self.column_value(attr, ann, v),
            Some(v) if sqlmodel => {
                // `x: int = 5`: a Python-side default only.
                let mut col = self.column_from_annotation(attr, &py_type, optional, at)?;
                col.model_default = literal_sql(v);
                Some(col)
            }
            _ => self.column_from_annotation(attr, &py_type, optional, at),
        }?;
        // SQLModel maps `datetime` to a timezone-aware DateTime.
        if sqlmodel
            && !is_mapped
            && last(&py_type) == "datetime"
            && col.sql_type == "TIMESTAMP WITHOUT TIME ZONE"
        {
            col.sql_type = "TIMESTAMP WITH TIME ZONE".into();
        }
        Some(col)
    }

    fn unwrap_optional<'e>(&self, e: &'e Expr) -> (&'e Expr, bool) {
        match e {
            Expr::Subscript(s)
                if self.dotted(&s.value).as_deref().map(last) == Some("Optional") =>
            {
                (s.slice.as_ref(), true)
            }
            Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => {
                if is_none(&b.right) {
                    (b.left.as_ref(), true)
                } else if is_none(&b.left) {
                    (b.right.as_ref(), true)
                } else {
                    (e, false)
                }
            }
            Expr::Subscript(s) if self.dotted(&s.value).as_deref().map(last) == Some("Union") => {
                if let Expr::Tuple(t) = s.slice.as_ref() {
                    let rest: Vec<&Expr> = t.elts.iter().filter(|x| !is_none(x)).collect();
                    if rest.len() == 1 && rest.len() < t.elts.len() {
                        return (rest[0], true);
                    }
                }
                (e, false)
            }
            _ => (e, false),
        }
    }

    /// The SQL type SQLAlchemy's default type map gives a Python annotation.
    fn annotation_type(&mut self, py_type: &str, at: usize) -> Option<(String, bool)> {
        let t = match last(py_type) {
            "int" => ("INTEGER".to_string(), true),
            "str" => ("VARCHAR".to_string(), false),
            "bool" => ("BOOLEAN".to_string(), false),
            "float" => ("FLOAT".to_string(), false),
            "Decimal" => ("NUMERIC".to_string(), false),
            "datetime" => ("TIMESTAMP WITHOUT TIME ZONE".to_string(), false),
            "date" => ("DATE".to_string(), false),
            "time" => ("TIME WITHOUT TIME ZONE".to_string(), false),
            "timedelta" => ("INTERVAL".to_string(), false),
            "bytes" => ("BYTEA".to_string(), false),
            "UUID" => ("UUID".to_string(), false),
            other if self.py_enums.contains_key(other) => {
                let labels = self.py_enums[other].clone();
                let name = other.to_lowercase();
                self.enums.entry(name.clone()).or_insert((labels, at));
                (crate::quote::quote_ident(&name), false)
            }
            other => {
                self.diag(
                    Severity::Warning,
                    DiagKind::UnknownObject,
                    format!("line {}: no SQL type for the annotation `{other}` (SQLAlchemy's default type map has none); the column is skipped", self.line(at)),
                    at,
                );
                return None;
            }
        };
        Some(t)
    }

    fn column_from_annotation(
        &mut self,
        attr: &str,
        py_type: &str,
        optional: bool,
        at: usize,
    ) -> Option<Col> {
        let (sql_type, integer) = self.annotation_type(py_type, at)?;
        let mut col = Col::new(attr, at);
        col.sql_type = sql_type;
        col.integer = integer;
        col.nullable = Some(optional);
        Some(col)
    }

    /// `Column("name", Type, ForeignKey(...), primary_key=..., ...)` and `mapped_column(...)`.
    fn column_call(
        &mut self,
        attr: &str,
        annotation: Option<(String, bool)>,
        call: &ast::ExprCall,
    ) -> Col {
        let at = call.range.start().to_usize();
        let mut col = Col::new(attr, at);
        for a in &call.args {
            if let Some(s) = str_const(a) {
                col.name = s;
                continue;
            }
            let callee = self
                .callee(a)
                .or_else(|| self.dotted(a))
                .unwrap_or_default();
            match last(&callee) {
                "ForeignKey" => col.fk = self.foreign_key(a),
                "Identity" => col.identity = Some(self.identity(a)),
                "Sequence" => {
                    if let Expr::Call(c) = a {
                        if let Some(n) = c.args.first().and_then(str_const) {
                            col.sequence = Some((n, kw(c, "start").and_then(int_const)));
                        }
                    }
                }
                "Computed" => {
                    if let Expr::Call(c) = a {
                        col.computed = c.args.first().and_then(|x| self.sql_text(x));
                    }
                }
                _ => {
                    if let Some((t, int)) = self.type_expr(a) {
                        col.sql_type = t;
                        col.integer = int;
                    }
                }
            }
        }
        if let Some(t) = kw(call, "type_") {
            if let Some((t, int)) = self.type_expr(t) {
                col.sql_type = t;
                col.integer = int;
            }
        }
        if let Some(n) = kw(call, "name").and_then(str_const) {
            col.name = n;
        }
        col.primary_key = kw_bool(call, "primary_key").unwrap_or(false);
        col.nullable = kw_bool(call, "nullable");
        col.unique = kw_bool(call, "unique").unwrap_or(false);
        col.index = kw_bool(call, "index").unwrap_or(false);
        col.autoincrement = kw_bool(call, "autoincrement");
        col.comment = kw(call, "comment").and_then(str_const);
        if let Some(sd) = kw(call, "server_default") {
            col.server_default = self.server_default(sd);
        }
        if let Some(d) = kw(call, "default") {
            col.model_default = literal_sql(d);
        }
        if let Some((py_type, optional)) = annotation {
            if col.sql_type.is_empty() {
                if let Some((t, int)) = self.annotation_type(&py_type, at) {
                    col.sql_type = t;
                    col.integer = int;
                }
            }
            if col.nullable.is_none() {
                col.nullable = Some(optional);
            }
        }
        if col.sql_type.is_empty() {
            if let Some(fk) = &col.fk {
                // A column typed by its foreign key takes the referenced column's type; resolved later.
                col.sql_type = format!("@fk:{}", fk.target);
            } else {
                self.diag(
                    Severity::Error,
                    DiagKind::UnknownObject,
                    format!(
                        "line {}: column {} has no type schemafix can read",
                        self.line(at),
                        col.name
                    ),
                    at,
                );
                col.sql_type = "TEXT".into();
            }
        }
        col
    }

    /// SQLModel's `Field(...)`.
    fn sqlmodel_field(
        &mut self,
        attr: &str,
        annotation: Option<(String, bool)>,
        call: &ast::ExprCall,
    ) -> Option<Col> {
        if let Some(sa) = kw(call, "sa_column") {
            return self.column_value(attr, None, sa);
        }
        let at = call.range.start().to_usize();
        let (py_type, optional) = annotation.unwrap_or_default();
        let mut col = self.column_from_annotation(attr, &py_type, optional, at)?;
        if last(&py_type) == "str" {
            if let Some(n) = kw(call, "max_length").and_then(int_const) {
                col.sql_type = format!("VARCHAR({n})");
            }
        }
        col.primary_key = kw_bool(call, "primary_key").unwrap_or(false);
        if let Some(n) = kw_bool(call, "nullable") {
            col.nullable = Some(n);
        } else if col.primary_key {
            col.nullable = Some(false);
        }
        col.unique = kw_bool(call, "unique").unwrap_or(false);
        col.index = kw_bool(call, "index").unwrap_or(false);
        if let Some(fk) = kw(call, "foreign_key").and_then(str_const) {
            col.fk = Some(Fk {
                target: fk,
                name: None,
                ondelete: kw(call, "ondelete").and_then(str_const),
                onupdate: None,
            });
        }
        if let Some(Expr::Dict(d)) = kw(call, "sa_column_kwargs") {
            for (k, v) in d.keys.iter().zip(&d.values) {
                if k.as_ref().and_then(str_const).as_deref() == Some("server_default") {
                    col.server_default = self.server_default(v);
                }
            }
        }
        if let Some(d) = kw(call, "default") {
            col.model_default = literal_sql(d);
        }
        Some(col)
    }

    fn foreign_key(&mut self, e: &Expr) -> Option<Fk> {
        let Expr::Call(c) = e else { return None };
        let target = match c.args.first() {
            Some(a) => match str_const(a) {
                Some(s) => s,
                None => {
                    // `ForeignKey(User.id)`: a class attribute.
                    let d = self.dotted(a)?;
                    let (cls, col) = d.rsplit_once('.')?;
                    let table = self.classes.get(last(cls))?.tablename.clone()?;
                    format!("{table}.{col}")
                }
            },
            None => return None,
        };
        Some(Fk {
            target,
            name: kw(c, "name").and_then(str_const),
            ondelete: kw(c, "ondelete").and_then(str_const),
            onupdate: kw(c, "onupdate").and_then(str_const),
        })
    }

    fn identity(&self, e: &Expr) -> String {
        let Expr::Call(c) = e else {
            return "GENERATED BY DEFAULT AS IDENTITY".into();
        };
        let always = kw_bool(c, "always").unwrap_or(false);
        let mut opts = Vec::new();
        for (k, word) in [
            ("start", "START WITH"),
            ("increment", "INCREMENT BY"),
            ("minvalue", "MINVALUE"),
            ("maxvalue", "MAXVALUE"),
            ("cache", "CACHE"),
        ] {
            if let Some(v) = kw(c, k).and_then(int_const) {
                opts.push(format!("{word} {v}"));
            }
        }
        if kw_bool(c, "cycle") == Some(true) {
            opts.push("CYCLE".into());
        }
        format!(
            "GENERATED {} AS IDENTITY{}",
            if always { "ALWAYS" } else { "BY DEFAULT" },
            if opts.is_empty() {
                String::new()
            } else {
                format!(" ({})", opts.join(" "))
            }
        )
    }

    /// A SQLAlchemy type expression → its PostgreSQL DDL spelling, and whether it is an integer.
    fn type_expr(&mut self, e: &Expr) -> Option<(String, bool)> {
        let (name, call) = match e {
            Expr::Call(c) => (self.dotted(&c.func)?, Some(c)),
            _ => (self.dotted(e)?, None),
        };
        let arg = |i: usize| call.and_then(|c| c.args.get(i));
        let int_arg = |i: usize, k: &str| {
            call.and_then(|c| {
                c.args
                    .get(i)
                    .and_then(int_const)
                    .or_else(|| kw(c, k).and_then(int_const))
            })
        };
        let tz = call.and_then(|c| kw_bool(c, "timezone")).unwrap_or(false);
        let with_len = |base: &str, n: Option<i64>| match n {
            Some(n) => format!("{base}({n})"),
            None => base.to_string(),
        };
        let t = match last(&name) {
            "Integer" | "INTEGER" | "INT" => return Some(("INTEGER".into(), true)),
            "BigInteger" | "BIGINT" => return Some(("BIGINT".into(), true)),
            "SmallInteger" | "SMALLINT" => return Some(("SMALLINT".into(), true)),
            "String" | "Unicode" | "VARCHAR" | "NVARCHAR" | "AutoString" => {
                with_len("VARCHAR", int_arg(0, "length"))
            }
            "CHAR" | "NCHAR" => with_len("CHAR", int_arg(0, "length")),
            "Text" | "UnicodeText" | "TEXT" => "TEXT".into(),
            "Boolean" | "BOOLEAN" => "BOOLEAN".into(),
            "DateTime" => {
                if tz {
                    "TIMESTAMP WITH TIME ZONE".into()
                } else {
                    "TIMESTAMP WITHOUT TIME ZONE".into()
                }
            }
            "TIMESTAMP" => {
                let p = int_arg(99, "precision")
                    .map(|p| format!("({p})"))
                    .unwrap_or_default();
                format!(
                    "TIMESTAMP{p} {}",
                    if tz {
                        "WITH TIME ZONE"
                    } else {
                        "WITHOUT TIME ZONE"
                    }
                )
            }
            "Date" | "DATE" => "DATE".into(),
            "Time" | "TIME" => {
                if tz {
                    "TIME WITH TIME ZONE".into()
                } else {
                    "TIME WITHOUT TIME ZONE".into()
                }
            }
            "Interval" | "INTERVAL" => "INTERVAL".into(),
            "Numeric" | "NUMERIC" | "DECIMAL" => {
                match (int_arg(0, "precision"), int_arg(1, "scale")) {
                    (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
                    (Some(p), None) => format!("NUMERIC({p})"),
                    _ => "NUMERIC".into(),
                }
            }
            "Float" | "FLOAT" => with_len("FLOAT", int_arg(0, "precision")),
            "Double" | "DOUBLE" | "DOUBLE_PRECISION" => "DOUBLE PRECISION".into(),
            "REAL" => "REAL".into(),
            "LargeBinary" | "BYTEA" | "LargeBinaryType" => "BYTEA".into(),
            "JSON" => "JSON".into(),
            "JSONB" => "JSONB".into(),
            "UUID" | "Uuid" => "UUID".into(),
            "INET" => "INET".into(),
            "CIDR" => "CIDR".into(),
            "MACADDR" => "MACADDR".into(),
            "TSVECTOR" => "TSVECTOR".into(),
            "MONEY" => "MONEY".into(),
            "CITEXT" => "CITEXT".into(),
            "HSTORE" => "HSTORE".into(),
            "ARRAY" => {
                let inner = arg(0).and_then(|a| self.type_expr(a))?;
                format!("{}[]", inner.0)
            }
            "Enum" => {
                return self
                    .enum_type(call?, e.range().start().to_usize())
                    .map(|t| (t, false))
            }
            other => {
                let at = e.range().start().to_usize();
                self.diag(
                    Severity::Warning,
                    DiagKind::UnknownObject,
                    format!("line {}: type `{other}` is not one schemafix knows (a TypeDecorator or a type from another module?)", self.line(at)),
                    at,
                );
                return None;
            }
        };
        Some((t, false))
    }

    /// `Enum(PyEnum)`, `Enum("a", "b", name="x")`, `native_enum=False`.
    fn enum_type(&mut self, call: &ast::ExprCall, at: usize) -> Option<String> {
        let mut labels = Vec::new();
        let mut name = kw(call, "name").and_then(str_const);
        for a in &call.args {
            if let Some(s) = str_const(a) {
                labels.push(s);
            } else if let Some(d) = self.dotted(a) {
                if let Some(members) = self.py_enums.get(last(&d)) {
                    labels = members.clone();
                    name.get_or_insert_with(|| last(&d).to_lowercase());
                }
            }
        }
        if kw_bool(call, "native_enum") == Some(false) {
            let len = kw(call, "length").and_then(int_const).unwrap_or_else(|| {
                labels
                    .iter()
                    .map(|l| l.chars().count() as i64)
                    .max()
                    .unwrap_or(1)
            });
            return Some(format!("VARCHAR({len})"));
        }
        let Some(name) = name else {
            self.diag(
                Severity::Error,
                DiagKind::UnknownObject,
                format!("line {}: an Enum of strings needs name=… on PostgreSQL (SQLAlchemy refuses it too)", self.line(at)),
                at,
            );
            return None;
        };
        self.enums.entry(name.clone()).or_insert((labels, at));
        Some(crate::quote::quote_ident(&name))
    }

    /// `server_default=` as SQL: a string is a literal, `text(...)` raw SQL, `func.x()` a call.
    fn server_default(&mut self, e: &Expr) -> Option<String> {
        if let Some(s) = str_const(e) {
            return Some(quote_literal(&s));
        }
        let at = e.range().start().to_usize();
        let sql = self.sql_text(e);
        if sql.is_none() {
            self.diag(
                Severity::Warning,
                DiagKind::IgnoredClause,
                format!(
                    "line {}: this server_default cannot be read statically; it is not compared",
                    self.line(at)
                ),
                at,
            );
        }
        sql
    }

    /// SQL from `text("...")`, `func.now()`, `sa.true()`, `literal_column("...")`.
    fn sql_text(&self, e: &Expr) -> Option<String> {
        if let Some(s) = str_const(e) {
            return Some(s);
        }
        let Expr::Call(c) = e else { return None };
        let callee = self.dotted(&c.func)?;
        match last(&callee) {
            "text" | "literal_column" => c.args.first().and_then(str_const),
            "true" => Some("true".into()),
            "false" => Some("false".into()),
            "null" => Some("NULL".into()),
            _ if callee.contains("func.") => {
                let fname = last(&callee);
                let args: Option<Vec<String>> = c
                    .args
                    .iter()
                    .map(|a| literal_sql(a).or_else(|| self.sql_text(a)))
                    .collect();
                let special = match fname.to_ascii_lowercase().as_str() {
                    "current_timestamp" => Some("CURRENT_TIMESTAMP"),
                    "current_date" => Some("CURRENT_DATE"),
                    "current_time" => Some("CURRENT_TIME"),
                    "localtimestamp" => Some("LOCALTIMESTAMP"),
                    "current_user" => Some("CURRENT_USER"),
                    _ => None,
                };
                match special {
                    Some(s) if c.args.is_empty() => Some(s.to_string()),
                    _ => Some(format!("{fname}({})", args?.join(", "))),
                }
            }
            _ => None,
        }
    }

    /// `__table_args__ = (UniqueConstraint(...), Index(...), {"schema": ...})` or a dict.
    fn table_args(&mut self, e: &Expr, info: &mut ClassInfo) {
        let elts: Vec<&Expr> = match e {
            Expr::Tuple(t) => t.elts.iter().collect(),
            Expr::List(l) => l.elts.iter().collect(),
            Expr::Dict(_) => vec![e],
            _ => {
                let at = e.range().start().to_usize();
                self.diag(
                    Severity::Warning,
                    DiagKind::IgnoredClause,
                    format!(
                        "line {}: __table_args__ is computed; it cannot be read statically",
                        self.line(at)
                    ),
                    at,
                );
                return;
            }
        };
        for x in elts {
            if let Expr::Dict(d) = x {
                for (k, v) in d.keys.iter().zip(&d.values) {
                    match k.as_ref().and_then(str_const).as_deref() {
                        Some("schema") => info.schema = str_const(v),
                        Some("comment") => info.comment = str_const(v),
                        _ => {}
                    }
                }
                continue;
            }
            if let Some(item) = self.table_item(x) {
                info.items.push(item);
            }
        }
    }

    fn table_item(&mut self, x: &Expr) -> Option<TableItem> {
        let Expr::Call(c) = x else { return None };
        let callee = self.dotted(&c.func)?;
        let name = kw(c, "name").and_then(str_const);
        let names = |args: &[Expr], skip: usize| -> Vec<String> {
            args.iter()
                .skip(skip)
                .filter_map(|a| {
                    str_const(a).or_else(|| self.dotted(a).map(|d| last(&d).to_string()))
                })
                .collect()
        };
        let at = x.range().start().to_usize();
        Some(match last(&callee) {
            "UniqueConstraint" => TableItem::Unique(name, names(&c.args, 0)),
            "PrimaryKeyConstraint" => TableItem::PrimaryKey(name, names(&c.args, 0)),
            "CheckConstraint" => {
                TableItem::Check(name, c.args.first().and_then(|a| self.sql_text(a))?)
            }
            "Index" => {
                let keys = c
                    .args
                    .iter()
                    .skip(1)
                    .filter_map(|a| {
                        str_const(a)
                            .map(|n| crate::quote::quote_ident(&n))
                            .or_else(|| {
                                matches!(a, Expr::Call(_))
                                    .then(|| self.sql_text(a))
                                    .flatten()
                            })
                            .or_else(|| self.dotted(a).map(|d| crate::quote::quote_ident(last(&d))))
                    })
                    .collect();
                let include = match kw(c, "postgresql_include") {
                    Some(Expr::List(l)) => l.elts.iter().filter_map(str_const).collect(),
                    Some(Expr::Tuple(t)) => t.elts.iter().filter_map(str_const).collect(),
                    _ => Vec::new(),
                };
                TableItem::Index(IndexItem {
                    name: c.args.first().and_then(str_const),
                    keys,
                    unique: kw_bool(c, "unique").unwrap_or(false),
                    using: kw(c, "postgresql_using").and_then(str_const),
                    predicate: kw(c, "postgresql_where").and_then(|w| self.sql_text(w)),
                    include,
                })
            }
            "ForeignKeyConstraint" => {
                let list = |e: Option<&Expr>| -> Vec<String> {
                    match e {
                        Some(Expr::List(l)) => l.elts.iter().filter_map(str_const).collect(),
                        Some(Expr::Tuple(t)) => t.elts.iter().filter_map(str_const).collect(),
                        _ => Vec::new(),
                    }
                };
                TableItem::ForeignKey(
                    name,
                    list(c.args.first()),
                    list(c.args.get(1)),
                    kw(c, "ondelete").and_then(str_const),
                    kw(c, "onupdate").and_then(str_const),
                )
            }
            "Column" => return None,
            other => {
                self.diag(
                    Severity::Warning,
                    DiagKind::IgnoredClause,
                    format!(
                        "line {}: `{other}` in the table's arguments is not read",
                        self.line(at)
                    ),
                    at,
                );
                return None;
            }
        })
    }

    /// Core: `users = Table("users", metadata, Column(...), ..., schema=...)`.
    fn core_table(&mut self, call: &ast::ExprCall, at: usize) {
        let Some(name) = call.args.first().and_then(str_const) else {
            return;
        };
        let mut spec = TableSpec {
            name,
            schema: kw(call, "schema").and_then(str_const),
            comment: kw(call, "comment").and_then(str_const),
            at,
            ..TableSpec::default()
        };
        // `Table(name, metadata, *columns)`; Flask-SQLAlchemy's `db.Table(name, *columns)`
        // has no metadata argument: anything that is not a call is skipped.
        for a in call
            .args
            .iter()
            .skip(1)
            .filter(|a| matches!(a, Expr::Call(_)))
        {
            match self.callee(a).as_deref().map(last) {
                Some("Column") => {
                    if let Expr::Call(c) = a {
                        let col = self.column_call("", None, c);
                        spec.columns.push(col);
                    }
                }
                _ => {
                    if let Some(item) = self.table_item(a) {
                        spec.items.push(item);
                    }
                }
            }
        }
        self.tables.push(spec);
    }

    /// Writes the DDL `create_all` would run, applies it, and adds what the model says beyond it.
    fn finish(mut self) -> Parsed {
        let mut ddl = String::new();
        let mut origin: Vec<Span> = Vec::new();
        let emit = |ddl: &mut String, origin: &mut Vec<Span>, sql: String, span: Span| {
            ddl.push_str(&super::one_line(&sql));
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
        let tables = self.tables.clone();
        let mut column_at: BTreeMap<(QualName, String), usize> = BTreeMap::new();
        for t in &tables {
            let q = QualName::new(
                t.schema.clone().unwrap_or_else(|| "public".into()),
                t.name.clone(),
            );
            for c in &t.columns {
                column_at.insert((q.clone(), c.name.clone()), c.at);
            }
        }
        // Types of columns that take them from their foreign key.
        let type_of = |target: &str| -> Option<String> {
            let (t, c) = target.rsplit_once('.')?;
            let t = last(t);
            let col = tables
                .iter()
                .find(|x| x.name == t)?
                .columns
                .iter()
                .find(|x| x.name == c)?;
            Some(match col.sql_type.as_str() {
                "SERIAL" => "INTEGER".into(),
                "BIGSERIAL" => "BIGINT".into(),
                other => other.to_string(),
            })
        };
        for t in &tables {
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
                if let Some(target) = ty.strip_prefix("@fk:") {
                    ty = type_of(target).unwrap_or_else(|| "INTEGER".into());
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
                items.push(s);
                if let (Some(d), None) = (&c.model_default, &c.server_default) {
                    self.model_defaults.push((
                        QualName::new(
                            t.schema.clone().unwrap_or_else(|| "public".into()),
                            t.name.clone(),
                        ),
                        c.name.clone(),
                        d.clone(),
                    ));
                }
            }
            let cols_sql = |v: &[String]| {
                v.iter()
                    .map(|c| crate::quote::quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let named =
                |kind: &str, explicit: &Option<String>, col0: &str, referred: &str| -> String {
                    let conv = self.naming.get(kind);
                    match (explicit, conv) {
                        (Some(n), Some(c)) if c.contains("%(constraint_name)s") => {
                            let n = c
                                .replace("%(table_name)s", &t.name)
                                .replace("%(column_0_name)s", col0)
                                .replace("%(column_0_label)s", &format!("{}_{col0}", t.name))
                                .replace("%(referred_table_name)s", referred)
                                .replace("%(constraint_name)s", n);
                            format!("CONSTRAINT {} ", crate::quote::quote_ident(&n))
                        }
                        (Some(n), _) => format!("CONSTRAINT {} ", crate::quote::quote_ident(n)),
                        (None, Some(c)) if !c.contains("%(constraint_name)s") => {
                            let n = c
                                .replace("%(table_name)s", &t.name)
                                .replace("%(column_0_name)s", col0)
                                .replace("%(column_0_label)s", &format!("{}_{col0}", t.name))
                                .replace("%(referred_table_name)s", referred);
                            format!("CONSTRAINT {} ", crate::quote::quote_ident(&n))
                        }
                        _ => String::new(),
                    }
                };
            let explicit_pk = t.items.iter().find_map(|i| match i {
                TableItem::PrimaryKey(n, cols) => Some((n.clone(), cols.clone())),
                _ => None,
            });
            match explicit_pk {
                Some((n, cols)) => {
                    let c0 = cols.first().cloned().unwrap_or_default();
                    items.push(format!(
                        "{}PRIMARY KEY ({})",
                        named("pk", &n, &c0, ""),
                        cols_sql(&cols)
                    ));
                }
                None if !pk_cols.is_empty() => {
                    let cols: Vec<String> = pk_cols.iter().map(|c| c.name.clone()).collect();
                    items.push(format!(
                        "{}PRIMARY KEY ({})",
                        named("pk", &None, &cols[0], ""),
                        cols_sql(&cols)
                    ));
                }
                None => {}
            }
            for c in &t.columns {
                if c.unique && !c.index {
                    items.push(format!(
                        "{}UNIQUE ({})",
                        named("uq", &None, &c.name, ""),
                        crate::quote::quote_ident(&c.name)
                    ));
                }
            }
            for i in &t.items {
                match i {
                    TableItem::Unique(n, cols) => {
                        let c0 = cols.first().cloned().unwrap_or_default();
                        items.push(format!(
                            "{}UNIQUE ({})",
                            named("uq", n, &c0, ""),
                            cols_sql(cols)
                        ));
                    }
                    TableItem::Check(n, sql) => {
                        items.push(format!("{}CHECK ({sql})", named("ck", n, "", "")));
                    }
                    TableItem::ForeignKey(n, cols, refs, ondelete, onupdate) => {
                        let (rt, rcols): (Vec<String>, Vec<String>) = refs
                            .iter()
                            .filter_map(|r| {
                                r.rsplit_once('.')
                                    .map(|(a, b)| (a.to_string(), b.to_string()))
                            })
                            .unzip();
                        let Some(rt) = rt.first() else { continue };
                        let c0 = cols.first().cloned().unwrap_or_default();
                        let mut s = format!(
                            "{}FOREIGN KEY({}) REFERENCES {} ({})",
                            named("fk", n, &c0, last(rt)),
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
                        named("fk", &fk.name, &c.name, last(rt)),
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
            for c in &t.columns {
                if c.index {
                    let n = match self.naming.get("ix") {
                        Some(conv) => conv
                            .replace("%(column_0_label)s", &format!("{}_{}", t.name, c.name))
                            .replace("%(table_name)s", &t.name)
                            .replace("%(column_0_name)s", &c.name),
                        None => format!("ix_{}_{}", t.name, c.name),
                    };
                    let n = if t.schema.is_some() && !self.naming.contains_key("ix") {
                        format!(
                            "ix_{}_{}_{}",
                            t.schema.clone().unwrap_or_default(),
                            t.name,
                            c.name
                        )
                    } else {
                        n
                    };
                    emit(
                        &mut ddl,
                        &mut origin,
                        format!(
                            "CREATE {}INDEX {} ON {qt} ({})",
                            if c.unique { "UNIQUE " } else { "" },
                            crate::quote::quote_ident(&n),
                            crate::quote::quote_ident(&c.name)
                        ),
                        self.span(c.at),
                    );
                }
            }
            for i in &t.items {
                if let TableItem::Index(ix) = i {
                    let Some(n) = &ix.name else { continue };
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
                    emit(&mut ddl, &mut origin, sql, span);
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
        self.diagnostics.extend(diags);
        // Spans of tables and columns: the model lines they came from.
        for t in schema.tables_mut() {
            t.span = origin_of(&origin, t.span);
            for c in &mut t.columns {
                if let Some(at) = column_at.get(&(t.name.clone(), c.name.to_string())) {
                    c.span = self.index.span(self.text, *at, *at);
                } else {
                    c.span = t.span;
                }
            }
        }
        for (table, column, lit) in std::mem::take(&mut self.model_defaults) {
            if let (Some(t), Ok(e)) = (schema.table_mut(&table), parse_expr(&lit)) {
                let tname = t.name.clone();
                if let Some(c) = t.column_mut(&column) {
                    c.model_default = Hint(Some(Box::new(SqlExpr {
                        sql: e.sql,
                        canon: e.canon,
                    })));
                    let msg = format!(
                        "{}.{}: default={lit} is Python-side, not a database default; a database default equal to it is kept",
                        tname,
                        crate::quote::quote_ident(&column)
                    );
                    self.diagnostics.push(Diagnostic::new(
                        Severity::Note,
                        DiagKind::IgnoredClause,
                        msg,
                        c.span,
                    ));
                }
            }
        }
        if schema.tables.is_empty()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
        {
            self.diagnostics.push(Diagnostic::new(
                Severity::Error,
                DiagKind::Empty,
                "no SQLAlchemy table found (a class with __tablename__ on a declarative base, or Table(...))",
                self.span(0),
            ));
        }
        finish(&mut schema);
        // A model maps tables; the database's views are neither wanted nor unwanted.
        schema.hidden.hide_all_but_tables();
        self.diagnostics.sort_by_key(|d| d.span.start);
        Parsed {
            schema,
            diagnostics: self.diagnostics,
        }
    }
}

/// The most brackets a model may nest, the most operators (`+ - * / % | & ^ < > @ . ~`) one
/// statement may hold outside strings and comments, and the most code it may hold. The Python
/// AST nests as deeply as brackets and operator chains do, and building, walking and dropping it
/// recurses: these bounds keep that within the stack, natively and in the browser (where V8's
/// own stack limit stopped a chain of 9,000 `+` terms). No real model comes near them.
const MAX_BRACKET_DEPTH: usize = 100;
const MAX_OPERATORS: usize = 2_000;
const MAX_STATEMENT_CODE: usize = 100_000;

/// Where and why `text` is beyond what the parser may be given, or `None`.
fn too_big_to_parse(text: &str) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut statement_start = 0usize;
    let mut code = 0usize;
    let mut operators = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'<' | b'>' | b'@' | b'.'
            | b'~' => {
                operators += 1;
                if operators > MAX_OPERATORS {
                    return Some((
                        statement_start,
                        format!("a statement with more than {MAX_OPERATORS} operators: schemafix does not read a model expression this long"),
                    ));
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'\'' | b'"') => {
                let triple = b[i..].starts_with(&[q, q, q]);
                let close: &[u8] = if triple { &[q, q, q] } else { &[q] };
                i += close.len();
                while i < b.len() && !b[i..].starts_with(close) {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
                i += close.len();
                code += 2;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some((
                        i,
                        format!("brackets nested more than {MAX_BRACKET_DEPTH} deep: schemafix does not read a model this deep"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth == 0 && (i == 0 || b[i - 1] != b'\\') => {
                statement_start = i + 1;
                code = 0;
                operators = 0;
            }
            _ => {}
        }
        code += 1;
        if code > MAX_STATEMENT_CODE {
            return Some((
                statement_start,
                format!("a statement of more than {MAX_STATEMENT_CODE} characters of code: schemafix does not read a model statement this long"),
            ));
        }
        i += 1;
    }
    None
}

/// SQLAlchemy's `merge_lists_w_ordering`: walk `a` until an element both lists share, then
/// continue in `b` from there, and so on, so that `b`'s own elements keep their neighbours.
fn merge_lists_w_ordering(a: &[String], b: &[String]) -> Vec<String> {
    let mut overlap: BTreeSet<&String> = a.iter().filter(|x| b.contains(x)).collect();
    let mut result: Vec<String> = Vec::new();
    let (mut current, mut other) = (a.iter(), b.iter());
    loop {
        let mut switched = false;
        for e in current.by_ref() {
            if overlap.remove(e) {
                std::mem::swap(&mut current, &mut other);
                switched = true;
                break;
            }
            result.push(e.clone());
        }
        if !switched {
            result.extend(other.cloned());
            break;
        }
    }
    let mut seen = BTreeSet::new();
    result.retain(|x| seen.insert(x.clone()));
    result
}

/// `"auth.users"` → `auth.users` quoted per part.
fn qualified_target(t: &str) -> String {
    t.split('.')
        .map(crate::quote::quote_ident)
        .collect::<Vec<_>>()
        .join(".")
}

fn kw<'e>(c: &'e ast::ExprCall, name: &str) -> Option<&'e Expr> {
    c.keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
}

fn kw_bool(c: &ast::ExprCall, name: &str) -> Option<bool> {
    match kw(c, name)? {
        Expr::Constant(x) => match &x.value {
            Constant::Bool(b) => Some(*b),
            _ => None,
        },
        _ => None,
    }
}

fn str_const(e: &Expr) -> Option<String> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Str(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn int_const(e: &Expr) -> Option<i64> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Int(i) => i.to_string().parse().ok(),
            _ => None,
        },
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => int_const(&u.operand).map(|v| -v),
        _ => None,
    }
}

fn is_none(e: &Expr) -> bool {
    matches!(e, Expr::Constant(c) if matches!(c.value, Constant::None))
}

/// A Python literal as SQL (`"x"` → `'x'`, `True` → `true`, `5` → `5`), for Python-side defaults.
fn literal_sql(e: &Expr) -> Option<String> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Str(s) => Some(quote_literal(s)),
            Constant::Bool(b) => Some(b.to_string()),
            Constant::Int(i) => Some(i.to_string()),
            Constant::Float(f) => Some(f.to_string()),
            _ => None,
        },
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            literal_sql(&u.operand).map(|v| format!("-{v}"))
        }
        _ => None,
    }
}

/// Flask-SQLAlchemy's default table name: `UserProfile` → `user_profile`.
fn camel_to_snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_the_python_line_and_column() {
        let p = parse_sqlalchemy("from sqlalchemy import Column\n\nclass User(Base:\n    pass\n");
        assert!(p.has_errors());
        let d = &p.diagnostics[0];
        assert_eq!(d.span.line, 3, "{d}");
        assert!(d.message.starts_with("Python syntax error"), "{d}");
    }

    #[test]
    fn what_cannot_be_read_statically_is_named() {
        let src = "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nfrom .types import Money\nBase = declarative_base()\n\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n    price = Column(Money())\n    note = Column(Integer, server_default=compute())\n";
        let p = parse_sqlalchemy(src);
        let msgs: Vec<String> = p
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.span.line, d.message))
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("9: ") && m.contains("Money")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("10: ") && m.contains("server_default")),
            "{msgs:?}"
        );
        let src = "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base, declared_attr\nBase = declarative_base()\n\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n\n    @declared_attr\n    def owner_id(cls):\n        return Column(Integer)\n";
        let q = parse_sqlalchemy(src);
        assert!(
            q.diagnostics
                .iter()
                .any(|d| d.span.line == 10 && d.message.contains("declared_attr")),
            "{:?}",
            q.diagnostics
        );
        let t = &p.schema.tables[&QualName::new("public", "a")];
        assert!(t.column("id").is_some_and(|c| c.serial));
    }

    #[test]
    fn sqlalchemy_orders_annotated_attributes_after_their_neighbours() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            merge_lists_w_ordering(&s(&["id", "a", "t", "b"]), &s(&["t", "c"])),
            s(&["id", "a", "t", "c", "b"])
        );
    }

    #[test]
    fn flask_table_names() {
        assert_eq!(camel_to_snake("UserProfile"), "user_profile");
        assert_eq!(camel_to_snake("HTTPLog"), "http_log");
        assert_eq!(camel_to_snake("User2Fa"), "user2_fa");
    }
}

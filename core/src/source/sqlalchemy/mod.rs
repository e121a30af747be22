//! SQLAlchemy model source: a `models.py` read statically (no Python runs) into the DDL that
//! SQLAlchemy 2.x's `metadata.create_all` emits for PostgreSQL, applied through the DDL source.
//!
//! Declarative classes (`declarative_base()`, `DeclarativeBase`, Flask-SQLAlchemy's `db.Model`,
//! SQLModel's `table=True`), mixins and abstract bases, Core `Table(...)`, `Column(...)`,
//! `mapped_column(...)` and bare `Mapped[...]` annotations are understood. Each emitted statement
//! remembers the model line it came from, so diagnostics and reasons point at the model.

mod columns;
mod emit;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use rustpython_parser::ast::{self, Constant, Expr, Ranged, Stmt};
use rustpython_parser::Parse;

use super::ddl::{apply_written_ddl, origin_of, parse_expr};
use super::Parsed;
use crate::error::{DiagKind, Diagnostic, LineIndex, Severity};
use crate::normalize::finish;
use crate::quote::quote_literal;
use crate::schema::{Hint, QualName, Span};

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
            files: Vec::new(),
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
                files: Vec::new(),
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
        ints: BTreeMap::new(),
        strs: BTreeMap::new(),
        decorators: BTreeMap::new(),
        enums: BTreeMap::new(),
        tables: Vec::new(),
        model_defaults: Vec::new(),
    };
    sx.module(&suite);
    sx.build_tables();
    sx.finish()
}

/// One column as SQLAlchemy would emit it.
#[derive(Debug, Clone)]
struct Col {
    name: String,
    /// The type as SQLAlchemy emits it; empty while [`Col::typed_by_fk`].
    sql_type: String,
    /// No type of its own: it takes the type of the column its foreign key references
    /// (resolved when the DDL is written, once every table is known).
    typed_by_fk: bool,
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
    /// `CheckConstraint(…)` passed to the column: (name, SQL), written in its definition.
    checks: Vec<(Option<String>, String)>,
    /// Its type (or an argument) is not read statically: the column is not compared.
    unknown: bool,
    at: usize,
}

impl Col {
    /// A column of no type yet, with every option at SQLAlchemy's default.
    fn new(name: &str, at: usize) -> Col {
        Col {
            name: name.to_string(),
            sql_type: String::new(),
            typed_by_fk: false,
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
            checks: Vec::new(),
            unknown: false,
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
    /// `ForeignKeyConstraint(columns, refcolumns, name=, ondelete=, onupdate=)`.
    ForeignKey {
        name: Option<String>,
        columns: Vec<String>,
        /// `table.column` (or `schema.table.column`) for each of `columns`.
        refs: Vec<String>,
        ondelete: Option<String>,
        onupdate: Option<String>,
    },
    /// An item not read statically: not compared (see `emit::not_compared`).
    Unread,
}

#[derive(Debug, Clone, Default)]
struct TableSpec {
    name: String,
    schema: Option<String>,
    comment: Option<String>,
    columns: Vec<Col>,
    items: Vec<TableItem>,
    /// Some attribute of the class (or a base) was not read (`ClassInfo::unread`).
    unread: bool,
    at: usize,
}

impl TableSpec {
    /// The table's qualified name (`public` unless the model names a schema).
    fn qual_name(&self) -> QualName {
        QualName::new(
            self.schema.clone().unwrap_or_else(|| "public".into()),
            self.name.clone(),
        )
    }
}

/// A model's Python-side `default=` on `column` of `table` (`lit`: the value as SQL), kept as
/// the column's hint, with the note saying it is no database default; nothing when `lit` is no
/// expression. Both model sources (static and captured) read defaults so.
pub(crate) fn python_default(
    table: &QualName,
    column: &mut crate::schema::Column,
    lit: &str,
) -> Option<Diagnostic> {
    let e = parse_expr(lit).ok()?;
    column.model_default = Hint(Some(Box::new(e)));
    Some(Diagnostic::new(
        Severity::Note,
        DiagKind::IgnoredClause,
        format!(
            "{table}.{}: default={lit} is Python-side, not a database default; a database default equal to it is kept",
            crate::quote::quote_ident(&column.name)
        ),
        column.span,
    ))
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
    /// An attribute of the class is made by a call schemafix cannot follow statically (or a
    /// `@declared_attr`): the class may have columns it did not read.
    unread: bool,
    /// Those calls (attribute, callee, offset), said for the classes that make tables.
    unfollowed: Vec<(String, String, usize)>,
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
    /// Module-level integer constants by name (`MAX_LEN = 80`, `P, S = 12, 2`), for type
    /// arguments such as `String(MAX_LEN)`.
    ints: BTreeMap<String, i64>,
    /// Module-level string constants by name (`USER_ID = "user.id"`), for a foreign key's
    /// target or a table's name.
    strs: BTreeMap<String, String>,
    /// The model's `TypeDecorator` subclasses by class name.
    decorators: BTreeMap<String, types::Decorator>,
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

    /// A string literal, or a module-level string constant by name.
    fn str_value(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => self.strs.get(n.id.as_str()).cloned(),
            _ => str_const(e),
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
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        self.integer_constants(t, &a.value);
                    }
                    self.assign(a)
                }
                Stmt::AnnAssign(a) => {
                    if let Some(v) = &a.value {
                        self.integer_constants(&a.target, v);
                    }
                }
                Stmt::ClassDef(c) => self.class(c),
                Stmt::If(i) => {
                    // `if TYPE_CHECKING:` imports and the like.
                    self.module(&i.body);
                }
                Stmt::Try(t) => {
                    // `try: from x import y` / `except ImportError: …`: the first branch is
                    // what a working install imports.
                    self.module(&t.body);
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
    }

    /// `NAME = 80` and `A, B = 12, 2` at module level: integer constants a type may use. A
    /// name assigned anything else (again) is no constant.
    fn integer_constants(&mut self, target: &Expr, value: &Expr) {
        match (target, value) {
            (Expr::Name(n), v) => {
                match int_const(v) {
                    Some(i) => self.ints.insert(n.id.as_str().to_string(), i),
                    None => self.ints.remove(n.id.as_str()),
                };
                match str_const(v) {
                    Some(s) => self.strs.insert(n.id.as_str().to_string(), s),
                    None => self.strs.remove(n.id.as_str()),
                };
            }
            (Expr::Tuple(t), Expr::Tuple(v)) if t.elts.len() == v.elts.len() => {
                for (t, v) in t.elts.iter().zip(&v.elts) {
                    self.integer_constants(t, v);
                }
            }
            (Expr::Tuple(t), _) => {
                for t in &t.elts {
                    if let Expr::Name(n) = t {
                        self.ints.remove(n.id.as_str());
                        self.strs.remove(n.id.as_str());
                    }
                }
            }
            _ => {}
        }
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
        if self.type_decorator(c, &bases) {
            return;
        }
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
                        "__tablename__" => match self.str_value(&a.value) {
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
                            } else if let Some(callee) = self.unfollowed_call(&a.value) {
                                info.unread = true;
                                info.unfollowed.push((
                                    attr.to_string(),
                                    callee,
                                    a.range.start().to_usize(),
                                ));
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
                    } else if let Some(callee) =
                        a.value.as_deref().and_then(|v| self.unfollowed_call(v))
                    {
                        info.unread = true;
                        info.unfollowed
                            .push((attr.clone(), callee, a.range.start().to_usize()));
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
                    info.unread = true;
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

    /// Whether the class or a base it takes columns from has an attribute not read; the calls
    /// not followed among them go to `out`, with the class each is written in.
    fn unread(
        &self,
        name: &str,
        depth: usize,
        out: &mut Vec<(String, String, String, usize)>,
    ) -> bool {
        let Some(c) = self.classes.get(name) else {
            return false;
        };
        out.extend(
            c.unfollowed
                .iter()
                .map(|(a, f, at)| (name.to_string(), a.clone(), f.clone(), *at)),
        );
        let mut unread = c.unread;
        if depth < 20 {
            for b in &c.bases {
                unread |= self.unread(b, depth + 1, out);
            }
        }
        unread
    }

    /// The callee of a class attribute's value that may make a column schemafix cannot see: a
    /// call to anything but SQLAlchemy's (or Flask-SQLAlchemy's, SQLModel's) own names, the
    /// mapper's non-column constructs and Python's builtins (a function of the project, say).
    fn unfollowed_call(&self, value: &Expr) -> Option<String> {
        const NOT_COLUMNS: &[&str] = &[
            "relationship",
            "synonym",
            "column_property",
            "association_proxy",
            "hybrid_property",
            "hybrid_method",
            "backref",
            "Relationship",
            "dynamic_loader",
            "query_expression",
            "composite",
            "validates",
            "declared_attr",
            "property",
            "staticmethod",
            "classmethod",
            "cached_property",
            "field",
            "Field",
        ];
        const NOT_MODELS: &[&str] = &[
            "sqlalchemy",
            "flask_sqlalchemy",
            "sqlmodel",
            "typing",
            "enum",
            "datetime",
            "decimal",
            "uuid",
            "re",
            "logging",
            "functools",
            "collections",
            "dataclasses",
            "os",
            "json",
            "dict",
            "list",
            "set",
            "tuple",
            "frozenset",
            "str",
            "int",
            "float",
            "bool",
            "bytes",
            "object",
            "type",
            "getattr",
            "len",
            "range",
            "sorted",
            "print",
        ];
        let callee = self.callee(value)?;
        let head = callee.split('.').next().unwrap_or_default();
        let from_bases = self
            .bases
            .iter()
            .any(|b| b.contains('.') && b.split('.').next() == Some(head));
        (!NOT_COLUMNS.contains(&last(&callee)) && !NOT_MODELS.contains(&head) && !from_bases)
            .then_some(callee)
    }

    fn unread_attribute(&mut self, class: &str, attr: &str, callee: &str, at: usize) {
        let line = self.line(at);
        self.diag(
            Severity::Warning,
            DiagKind::IgnoredClause,
            format!(
                "line {line}: class {class}: `{attr} = {callee}(…)` is made by a call schemafix does not follow without running the models; a column it makes is not compared, and columns of this table missing from the model are not dropped (--python reads the models exactly)"
            ),
            at,
        );
    }

    fn build_tables(&mut self) {
        // The calls not followed already said (a mixin's, once for all its tables).
        let mut said = BTreeSet::new();
        // Class → the table it maps to, as built.
        let mut built: BTreeMap<String, String> = BTreeMap::new();
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
            // The table a base maps to, when one does (single-table inheritance adds to it).
            let parent = c.bases.iter().find_map(|b| built.get(b).cloned());
            let own_key = c.columns.iter().any(|col| col.primary_key)
                || c.items
                    .iter()
                    .any(|i| matches!(i, TableItem::PrimaryKey(..)));
            let tablename = match &c.tablename {
                // Flask-SQLAlchemy's `__table_cls__` makes no table for a subclass of a mapped
                // class that declares no primary key of its own, even one with a
                // `__tablename__`: its columns join the parent's table.
                Some(_) if flask && parent.is_some() && !own_key => None,
                Some(t) => Some(t.clone()),
                None if c.sqlmodel_table => Some(name.to_lowercase()),
                None if flask && (parent.is_none() || own_key) => Some(camel_to_snake(&name)),
                None => None,
            };
            let Some(tablename) = tablename else {
                match parent {
                    Some(ptable) => {
                        // Single-table inheritance: the columns belong to the parent's table.
                        built.insert(name.clone(), ptable.clone());
                        let own = c.columns.clone();
                        if let Some(t) = self.tables.iter_mut().find(|t| t.name == ptable) {
                            for mut col in own {
                                if col.nullable.is_none() {
                                    col.nullable = Some(true);
                                }
                                t.columns.push(col);
                            }
                        }
                    }
                    // A plain base class (e.g. `class Base(db.Model): __abstract__`).
                    None if c.columns.is_empty() => {}
                    None => self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!("class {name} has columns but no __tablename__; SQLAlchemy would refuse it, so it is skipped"),
                        c.at,
                    ),
                }
                continue;
            };
            built.insert(name.clone(), tablename.clone());
            let (columns, items) = self.all_columns(&name, 0);
            let mut calls = Vec::new();
            let unread = self.unread(&name, 0, &mut calls);
            for (class, attr, callee, at) in calls {
                if said.insert(at) {
                    self.unread_attribute(&class, &attr, &callee, at);
                }
            }
            self.tables.push(TableSpec {
                name: tablename,
                schema: c.schema.clone(),
                comment: c.comment.clone(),
                columns,
                items,
                unread,
                at: c.at,
            });
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

//! SQLAlchemy model source: a `models.py` read statically (no Python runs) into the DDL that
//! SQLAlchemy 2.x's `metadata.create_all` emits for PostgreSQL, applied through the DDL source.
//!
//! Declarative classes (`declarative_base()`, `DeclarativeBase`, Flask-SQLAlchemy's `db.Model`,
//! SQLModel's `table=True`), mixins and abstract bases, Core `Table(...)`, `Column(...)`,
//! `mapped_column(...)` and bare `Mapped[...]` annotations are understood. Each emitted statement
//! remembers the model line it came from, so diagnostics and reasons point at the model.

mod base;
mod columns;
mod emit;
mod eval;
mod functions;
mod package;
mod predicates;
mod regex;
mod tables;
mod types;
mod values;

use values::*;

pub use package::{module_name, parse_sqlalchemy_files, ModelFile};

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
    package::read(text, &[])
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
    /// A `@declared_attr` that names the class (`cls.__name__`): its first parameter and what
    /// it returns, read for each class that takes it (see `tables::per_class`).
    per_class: Option<Box<(String, Expr)>>,
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
            per_class: None,
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
    /// ` DEFERRABLE INITIALLY DEFERRED` and the like (see `deferral`).
    deferral: String,
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
    /// Name, columns, deferral (see `deferral`).
    Unique(Option<String>, Vec<String>, String),
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
        /// ` DEFERRABLE INITIALLY DEFERRED` and the like (see `deferral`).
        deferral: String,
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
    /// A subclass of SQLModel (a table only with `table=True`).
    sqlmodel: bool,
    columns: Vec<Col>,
    items: Vec<TableItem>,
    schema: Option<String>,
    comment: Option<String>,
    /// An attribute of the class is made by a call schemafix cannot follow statically (or a
    /// `@declared_attr`): the class may have columns it did not read.
    unread: bool,
    /// Those calls (attribute, callee, offset), said for the classes that make tables.
    unfollowed: Vec<(String, String, usize)>,
    /// The module it is written in (several files read together).
    module: String,
    /// `__tablename__` is computed (at this offset), by this `@declared_attr` when one: the
    /// table's name is what it returns for each class, or not known.
    computed_name: Option<(usize, Option<eval::Procedure>)>,
    at: usize,
}

struct Sx<'a> {
    text: &'a str,
    index: LineIndex,
    /// Several files read together (a package): each one's start in `text` and the line of
    /// `text` it starts on, and every module name (and each of its dotted tails) among them.
    files: Vec<(usize, u32)>,
    modules: BTreeSet<String>,
    /// The module being read (empty for a single file), and whether it is a package's
    /// `__init__.py`.
    module_name: String,
    module_is_package: bool,
    diagnostics: Vec<Diagnostic>,
    /// Local name → dotted origin (`sa` → `sqlalchemy`, `Column` → `sqlalchemy.Column`).
    aliases: BTreeMap<String, String>,
    /// Names of declarative bases (`Base`, `db.Model`, `SQLModel`).
    bases: BTreeSet<String>,
    /// Classes that are bases but no tables (`DeclarativeBase` subclasses, `__abstract__`).
    abstract_bases: BTreeSet<String>,
    /// Python enum classes: name → member names.
    py_enums: BTreeMap<String, Vec<String>>,
    /// Names bound to a Python type at module level (`OwnerID = uuid.UUID`).
    py_aliases: BTreeMap<String, String>,
    /// Those that are `str` subclasses (`class E(str, Enum)`, `StrEnum`).
    str_enums: BTreeSet<String>,
    classes: BTreeMap<String, ClassInfo>,
    /// `MetaData(naming_convention=…)`.
    naming: BTreeMap<String, String>,
    /// A declarative base's `type_annotation_map`: Python type (dotted) → SQL type, and
    /// whether some entry was not read (then no annotation alone gives a type).
    annotation_map: BTreeMap<String, Expr>,
    annotation_map_unread: Option<usize>,
    /// The class a `@declared_attr` is read for: its first parameter's name and the class's
    /// name (see `tables::per_class`).
    cls_binding: Option<(String, String)>,
    /// Names bound to a `MetaData(…)`.
    metadatas: BTreeSet<String>,
    /// Module-level dict literals by name (for `naming_convention=convention`).
    dicts: BTreeMap<String, Expr>,
    /// Module-level constants by name (`MAX_LEN = 80`, `P, S = 12, 2`, `USER_ID = "user.id"`,
    /// `CAMEL = re.compile(…)`), for a type's arguments, a foreign key's target, a table's name.
    consts: BTreeMap<String, eval::Value>,
    /// The project's module-level functions, not decorated: read in place where one only
    /// returns (`functions.rs`), run to compute a name (`eval.rs`).
    procedures: BTreeMap<String, eval::Procedure>,
    /// The model's `TypeDecorator` subclasses by class name.
    decorators: BTreeMap<String, types::Decorator>,
    /// Some table's name is not known (computed): tables missing from the model are not
    /// dropped (the schema describes only the tables read).
    partial: bool,
    /// `Sequence(…)` calls bound to module-level names.
    sequences: BTreeMap<String, Expr>,
    /// Core tables by the name they are bound to (`users = Table("users", …)`): their index
    /// in `tables`, for an `Index("ix", users.c.email)` standing alone.
    table_vars: BTreeMap<String, usize>,
    /// `Index("ix", User.email)` standing alone: attached to the class's table once built.
    class_indexes: Vec<(String, TableItem)>,
    /// An `Index(…)` standing alone whose table is not known: no table's indexes are compared.
    stray_index: bool,
    /// Module-level names bound to a SQLAlchemy type (`DATETIME = DateTime(timezone=True)`).
    type_aliases: BTreeMap<String, Expr>,
    /// How deep reading calls of the project's functions that only return has gone (see
    /// `functions.rs`).
    inline_depth: usize,
    /// `functools.partial(f, …)` bound to module-level names.
    partials: BTreeMap<String, ast::ExprCall>,
    /// How deep reading a decorator's type has gone (one defined by itself stops).
    type_depth: usize,
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
    /// Where offset `at` is, its line counted in its own file.
    fn span(&self, at: usize) -> Span {
        package::file_span(&self.index, self.text, &self.files, at)
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
        self.dotted_in(&self.aliases, e)
    }

    /// The dotted name an expression refers to, through the imports `aliases` (of the module
    /// a function is written in).
    fn dotted_in(&self, aliases: &BTreeMap<String, String>, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                Some(aliases.get(id).cloned().unwrap_or_else(|| id.to_string()))
            }
            Expr::Attribute(a) => {
                let inner = self.dotted_in(aliases, &a.value)?;
                Some(match inner.strip_prefix(package::MODULE) {
                    // A name of a module among the inputs is that module's definition.
                    Some(m) => self.in_module(m, a.attr.as_str()),
                    None => format!("{inner}.{}", a.attr.as_str()),
                })
            }
            _ => None,
        }
    }

    /// A string literal, a module-level string constant by name (`NAME`, `module.NAME`), or
    /// what an expression of them makes (`PREFIX + "users"`, `f"{TABLE}.id"`).
    fn str_value(&self, e: &Expr) -> Option<String> {
        match self.value(e)? {
            eval::Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// An integer literal, or a module-level integer constant by name.
    fn int_value(&self, e: &Expr) -> Option<i64> {
        match self.value(e)? {
            eval::Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The called function's dotted name (through a `functools.partial`).
    fn callee(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Call(c) => match self.partial_of(c) {
                Some(p) => self.dotted(p.args.first()?),
                None => self.dotted(&c.func),
            },
            _ => None,
        }
    }

    /// The partial `c` calls, when its function is a name bound to `functools.partial(…)`.
    fn partial_of(&self, c: &ast::ExprCall) -> Option<&ast::ExprCall> {
        if self.partials.is_empty() {
            return None;
        }
        self.partials.get(&self.dotted(&c.func)?)
    }

    /// `c` with a partial's function and arguments put in (its own keywords win).
    fn unpartial(&self, c: &ast::ExprCall) -> Option<ast::ExprCall> {
        let p = self.partial_of(c)?;
        let mut made = c.clone();
        made.func = Box::new(p.args.first()?.clone());
        made.args = p.args[1..].iter().chain(&c.args).cloned().collect();
        made.keywords = p
            .keywords
            .iter()
            .filter(|k| !c.keywords.iter().any(|m| m.arg == k.arg))
            .chain(&c.keywords)
            .cloned()
            .collect();
        Some(made)
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
                        let origin = self.package_import(&origin).unwrap_or(origin);
                        self.aliases.insert(local, origin);
                    }
                }
                Stmt::ImportFrom(i) => {
                    let module = i.module.as_ref().map_or("", |m| m.as_str());
                    let level = i.level.map_or(0, |l| l.to_usize());
                    let absolute = self.absolute(
                        &self.module_name,
                        self.module_is_package,
                        level,
                        i.module.as_deref(),
                    );
                    for a in &i.names {
                        let name = a.name.as_str();
                        let local = a.asname.as_ref().map_or(name, |x| x.as_str());
                        let origin = self
                            .package_from(&absolute, name)
                            .unwrap_or_else(|| format!("{module}.{name}"));
                        self.aliases.insert(local.to_string(), origin);
                    }
                }
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        self.constants(t, &a.value);
                    }
                    if let Some(t) = a.targets.first() {
                        self.assign(t, &a.value, a.range.start().to_usize());
                    }
                }
                Stmt::AnnAssign(a) => {
                    if let Some(v) = &a.value {
                        self.constants(&a.target, v);
                        // `sa_JSON: JSON = JSON().with_variant(…)` as `sa_JSON = …`.
                        self.assign(&a.target, v, a.range.start().to_usize());
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
                Stmt::Expr(e) => {
                    self.standalone_index(&e.value);
                    self.hands_on_models(&e.value, e.range.start().to_usize());
                }
                Stmt::FunctionDef(f) => {
                    for d in &f.decorator_list {
                        self.hands_on_models(d, d.range().start().to_usize());
                    }
                    self.function(f)
                }
                Stmt::AsyncFunctionDef(_) | Stmt::Pass(_) => {}
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

    /// `__tablename__ = value` (or a `@declared_attr` that returns it) at `at`: the table's name,
    /// or, computed, a name not known (the class's table is then not compared, see
    /// `tables::computed_name`).
    fn table_name(&mut self, info: &mut ClassInfo, value: &Expr, at: usize) {
        match self.str_value(value) {
            Some(t) => info.tablename = Some(t),
            None => info.computed_name = Some((at, None)),
        }
    }

    /// A class attribute `attr = value` (or a `@declared_attr` that returns `value`) at `at`: a
    /// column of the class (`attr_of` notes which attribute made it), or a call not followed,
    /// which leaves the class unread.
    fn class_attribute(
        &mut self,
        info: &mut ClassInfo,
        attr_of: &mut Vec<(usize, String)>,
        attr: &str,
        value: &Expr,
        at: usize,
    ) {
        if let Some(col) = self.column_value(attr, None, value) {
            attr_of.push((info.columns.len(), attr.to_string()));
            info.columns.push(col);
        } else if let Some(callee) = self.unfollowed_call(value) {
            info.unread = true;
            info.unfollowed.push((attr.to_string(), callee, at));
        }
    }

    /// The dotted name of the type an expression makes: `String`, `String(80)`,
    /// `BigInteger().with_variant(…)`, a name already bound to a type.
    fn type_head(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) if self.type_aliases.contains_key(n.id.as_str()) => {
                Some("sqlalchemy.Alias".into())
            }
            Expr::Call(c) => match c.func.as_ref() {
                Expr::Attribute(m) if m.attr.as_str() == "with_variant" => self.type_head(&m.value),
                f => self.type_head(f),
            },
            _ => self.dotted(e),
        }
    }

    /// `NAME = 80`, `A, B = 12, 2`, `PREFIX = "app_"` at module level: constants a type, a
    /// key or a name may use. A name assigned anything not evaluated (again) is no constant.
    fn constants(&mut self, target: &Expr, value: &Expr) {
        match (target, value) {
            (Expr::Tuple(t), Expr::Tuple(v)) if t.elts.len() == v.elts.len() => {
                for (t, v) in t.elts.iter().zip(&v.elts) {
                    self.constants(t, v);
                }
            }
            (Expr::Name(n), v) => match self.value(v) {
                Some(v) => {
                    self.consts.insert(n.id.to_string(), v);
                }
                None => {
                    self.consts.remove(n.id.as_str());
                }
            },
            (Expr::Tuple(t), v) => {
                let values = self.value(v).and_then(|v| match v {
                    eval::Value::List(l) if l.len() == t.elts.len() => Some(l),
                    _ => None,
                });
                for (i, t) in t.elts.iter().enumerate() {
                    if let Expr::Name(n) = t {
                        match values.as_ref().map(|l| l[i].clone()) {
                            Some(v) => self.consts.insert(n.id.to_string(), v),
                            None => self.consts.remove(n.id.as_str()),
                        };
                    }
                }
            }
            _ => {}
        }
    }

    /// Top-level assignments: bases, metadata, Core tables.
    fn assign(&mut self, target: &Expr, value: &Expr, at: usize) {
        let Expr::Name(target) = target else {
            return;
        };
        let target = target.id.as_str().to_string();
        // `OwnerID = uuid.UUID`: another name of a Python type, for annotations.
        match self.dotted(value).filter(|d| {
            matches!(
                d.as_str(),
                "int" | "str" | "bool" | "float" | "bytes" | "decimal.Decimal" | "uuid.UUID"
            ) || d.starts_with("datetime.")
                || self.py_enums.contains_key(last(d))
        }) {
            Some(d) => self.py_aliases.insert(target.clone(), d),
            None => self.py_aliases.remove(&target),
        };
        if let Expr::Dict(_) = value {
            self.dicts.insert(target.clone(), value.clone());
        }
        // A name bound to one of SQLAlchemy's types, or to a call of one (or a variant of a
        // type so bound).
        let named = self.type_head(value);
        match named {
            Some(t) if t.starts_with("sqlalchemy.") && last(&t).starts_with(char::is_uppercase) => {
                // `T = T.with_variant(…)`: the variant of what `T` was.
                let mut value = value.clone();
                if let Expr::Call(c) = &mut value {
                    if let Expr::Attribute(m) = c.func.as_mut() {
                        if let Expr::Name(n) = m.value.as_ref() {
                            if let Some(was) = self.type_aliases.get(n.id.as_str()) {
                                *m.value = was.clone();
                            }
                        }
                    }
                }
                self.type_aliases.insert(target.clone(), value);
            }
            _ => {
                self.type_aliases.remove(&target);
            }
        }
        let Some(callee) = self.callee(value) else {
            return;
        };
        let Expr::Call(call) = value else {
            return;
        };
        // A subclass of Flask-SQLAlchemy's `SQLAlchemy` makes a `db` like it.
        let flask_subclass = self
            .classes
            .get(last(&callee))
            .is_some_and(|c| c.bases.iter().any(|b| last(b) == "SQLAlchemy"));
        if last(&callee) == "Sequence" {
            self.sequences.insert(target.clone(), value.clone());
        }
        if last(&callee) == "partial" {
            // `Column = functools.partial(db.Column, nullable=False)`: calls of `target` are
            // calls of the partial's function with its arguments first.
            self.partials.insert(target, call.clone());
            return;
        }
        match if flask_subclass {
            "SQLAlchemy"
        } else {
            last(&callee)
        } {
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
            "MetaData" => {
                self.metadata_call(call);
                self.metadatas.insert(target);
            }
            "Table" => {
                if let Some(i) = self.core_table(call, at) {
                    self.table_vars.insert(target, i);
                }
            }
            _ => {}
        }
    }

    fn class(&mut self, c: &ast::StmtClassDef) {
        let name = c.name.as_str().to_string();
        let at = c.range.start().to_usize();
        // `class JSON(TypeDecorator[Any])`: a generic base is its class.
        let bases: Vec<String> = c
            .bases
            .iter()
            .filter_map(|b| match b {
                Expr::Subscript(s) => self.dotted(&s.value),
                _ => self.dotted(b),
            })
            .collect();
        // A class shadows an import of its name.
        self.aliases.remove(&name);
        if self.type_decorator(c, &bases) {
            return;
        }
        // Python enums.
        if bases.iter().any(|b| {
            matches!(last(b), "Enum" | "IntEnum" | "StrEnum" | "Flag" | "IntFlag")
                || self.py_enums.contains_key(last(b))
        }) {
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
            // A member of a `str` enum is its value wherever a string is.
            let is_str = bases.iter().any(|b| {
                matches!(b.as_str(), "str" | "enum.StrEnum") || self.str_enums.contains(last(b))
            });
            if is_str {
                self.str_enums.insert(name.clone());
                for st in &c.body {
                    if let Stmt::Assign(a) = st {
                        if let (Some(Expr::Name(m)), Some(eval::Value::Str(v))) =
                            (a.targets.first(), self.value(&a.value))
                        {
                            self.consts
                                .insert(format!("{name}.{}", m.id), eval::Value::Str(v));
                        }
                    }
                }
            }
            self.py_enums.insert(name, members);
            return;
        }
        if bases
            .iter()
            .any(|b| last(b) == "DeclarativeBase" || last(b) == "DeclarativeBaseNoMeta")
        {
            self.bases.insert(name.clone());
            self.abstract_bases.insert(name.clone());
            self.declarative_base_body(&c.body);
        }
        // A SQLModel class, through any of its bases.
        let sqlmodel = bases
            .iter()
            .any(|b| last(b) == "SQLModel" || self.classes.get(b).is_some_and(|c| c.sqlmodel));
        // A declarative base's own columns are every table's (it makes no table itself).
        let declarative_base = self.abstract_bases.contains(&name);
        let mut info = ClassInfo {
            bases: bases.clone(),
            is_abstract: declarative_base,
            at,
            sqlmodel,
            sqlmodel_table: sqlmodel
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
                Stmt::FunctionDef(f) => dict_order.push(f.name.to_string()),
                _ => {}
            }
        }
        let order = merge_lists_w_ordering(&dict_order, &ann_order);
        for st in &c.body {
            match st {
                // A Core table (and its indexes) in a class body (`class Model: t = Table(…)`).
                Stmt::Assign(a) if self.callee(&a.value).as_deref().map(last) == Some("Table") => {
                    if let (Some(Expr::Name(t)), Expr::Call(call)) =
                        (a.targets.first(), a.value.as_ref())
                    {
                        if let Some(i) = self.core_table(call, a.range.start().to_usize()) {
                            self.table_vars.insert(t.id.to_string(), i);
                        }
                    }
                }
                Stmt::Expr(e) => self.standalone_index(&e.value),
                Stmt::Assign(a) => {
                    let Some(Expr::Name(t)) = a.targets.first() else {
                        continue;
                    };
                    let attr = t.id.as_str();
                    match attr {
                        "__tablename__" => {
                            self.table_name(&mut info, &a.value, a.range.start().to_usize())
                        }
                        "__abstract__" => {
                            info.is_abstract = matches!(a.value.as_ref(), Expr::Constant(x) if matches!(x.value, Constant::Bool(true)))
                        }
                        "__table_args__" => self.table_args(&a.value, &mut info),
                        "__versioned__" => {
                            // SQLAlchemy-Continuum adds a version table per such class (and
                            // its own), made when the mappers are configured.
                            let at = a.range.start().to_usize();
                            self.diag(
                                Severity::Warning,
                                DiagKind::IgnoredClause,
                                format!("line {}: class {name}: SQLAlchemy-Continuum's version tables are made when the models run; they are not read statically, so no table missing from the model is dropped (--python reads them)", self.line(at)),
                                at,
                            );
                            self.partial = true;
                        }
                        _ => self.class_attribute(
                            &mut info,
                            &mut attr_of,
                            attr,
                            &a.value,
                            a.range.start().to_usize(),
                        ),
                    }
                }
                Stmt::AnnAssign(a) => {
                    let Expr::Name(t) = a.target.as_ref() else {
                        continue;
                    };
                    let attr = t.id.as_str().to_string();
                    if attr.starts_with("__") {
                        if let ("__tablename__", Some(v)) = (attr.as_str(), a.value.as_deref()) {
                            self.table_name(&mut info, v, a.range.start().to_usize());
                        }
                        continue;
                    }
                    if let Some(col) = self.annotated(
                        &attr,
                        &a.annotation,
                        a.value.as_deref(),
                        info.sqlmodel,
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
                            .is_some_and(|n| matches!(last(&n), "declared_attr" | "directive"))
                    }) =>
                {
                    let at = f.range.start().to_usize();
                    // A body that only returns a value is read as that value (`cls.x` names
                    // the class's column x).
                    if f.name.as_str() == "__tablename__" {
                        match plain_return(&f.body).and_then(|v| self.str_value(v)) {
                            Some(t) => info.tablename = Some(t),
                            // Computed for each class (`cls.__name__.lower()`).
                            None => {
                                let p = eval::Procedure {
                                    def: f.clone(),
                                    aliases: self.aliases.clone(),
                                };
                                info.computed_name = Some((at, Some(p)));
                            }
                        }
                        continue;
                    }
                    if let Some(value) = plain_return(&f.body) {
                        let attr = f.name.as_str();
                        // One that names the class is read for each class that takes it.
                        if let Some(param) = names_class(f, value) {
                            let mut col = Col::new(attr, at);
                            col.per_class = Some(Box::new((param, value.clone())));
                            attr_of.push((info.columns.len(), attr.to_string()));
                            info.columns.push(col);
                            continue;
                        }
                        match attr {
                            "__table_args__" => self.table_args(value, &mut info),
                            "__mapper_args__" => {}
                            _ => self.class_attribute(&mut info, &mut attr_of, attr, value, at),
                        }
                        continue;
                    }
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
        // A class of the same name in another module (a table and a schema class, say) keeps
        // both: the earlier one under a key of its own.
        if let Some(earlier) = self.classes.remove(&name) {
            if earlier.module != self.module_name {
                let key = format!("{name}{}{}", package::MODULE, self.classes.len());
                self.classes.insert(key, earlier);
            }
        }
        info.module = self.module_name.clone();
        self.classes.insert(name, info);
    }
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
        // A `@declared_attr` that only returns a column is read; one that computes is named.
        let src = "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base, declared_attr\nBase = declarative_base()\n\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n\n    @declared_attr\n    def owner_id(cls):\n        return Column(Integer)\n\n    @declared_attr\n    def other_id(cls):\n        kind = Integer\n        return Column(kind)\n";
        let q = parse_sqlalchemy(src);
        assert!(
            q.diagnostics
                .iter()
                .any(|d| d.span.line == 14 && d.message.contains("declared_attr")),
            "{:?}",
            q.diagnostics
        );
        let a = &q.schema.tables[&QualName::new("public", "a")];
        assert!(a.column("owner_id").is_some() && a.column("other_id").is_none());
        assert!(q.schema.unread_columns.contains(&a.name));
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

    /// What depends on SQLModel's release, on a computed name, or on a mixin of another
    /// package is not compared: no column of it, the table unread or the model partial.
    #[test]
    fn what_depends_on_running_is_not_compared() {
        let src = "from datetime import datetime\nfrom sqlmodel import Field, SQLModel\nfrom flask_dance.consumer.storage.sqla import OAuthConsumerMixin\nfrom sqlalchemy.orm import DeclarativeBase, declared_attr\n\nclass Base(SQLModel):\n    owner: str\n\nclass Item(Base, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n    name: str = Field(max_length=30)\n    seen: datetime\n\nclass Named(DeclarativeBase):\n    @declared_attr.directive\n    def __tablename__(cls):\n        return to_snake(cls.__name__)\n\nclass Thing(Named):\n    pass\n\nclass OAuth(OAuthConsumerMixin, Named):\n    pass\n\nclass Other(Named):\n    __tablename__ = PREFIX + 'other'\n";
        let p = parse_sqlalchemy(src);
        let item = &p.schema.tables[&QualName::new("public", "item")];
        let names: Vec<&str> = item.columns.iter().map(|c| c.name.as_str()).collect();
        // pydantic's order: the base's field first; the release-dependent ones left out.
        assert_eq!(names, ["owner", "id"], "{:?}", p.diagnostics);
        assert!(p.schema.unread_columns.contains(&item.name));
        let said = |needle: &str, line: u32| {
            p.diagnostics
                .iter()
                .any(|d| d.span.line == line && d.message.contains(needle))
        };
        assert!(said("`str` with max_length depends on its release", 11));
        assert!(said("`datetime` depends on its release", 12));
        assert!(said(
            "its table name is computed by the __tablename__ at line 16",
            19
        ));
        assert!(said("OAuthConsumerMixin is not read statically", 22));
        // A name assigned from an expression is as unknown as a computed one.
        assert!(said(
            "its table name is computed by the __tablename__ at line 26",
            25
        ));
        // Tables whose names are not known: the model describes only those read.
        assert!(matches!(&p.schema.scope, crate::schema::Scope::Tables(t) if t.len() == 1));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
    }

    /// A new table with a column not read is not created without it: not compared.
    #[test]
    fn a_new_table_not_read_whole_is_not_created() {
        let src = "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nfrom elsewhere import Money\n\nBase = declarative_base()\n\nclass Order(Base):\n    __tablename__ = 'orders'\n    id = Column(Integer, primary_key=True)\n    total = Column(Money(2))\n\nclass Item(Base):\n    __tablename__ = 'items'\n    id = Column(Integer, primary_key=True)\n";
        let p = parse_sqlalchemy(src);
        let d = crate::diff::diff(&crate::schema::Schema::default(), &p.schema);
        let created: Vec<String> = d
            .changes
            .iter()
            .filter_map(|c| match c {
                crate::diff::Change::CreateTable { table } => Some(table.name.name.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(created, ["items"]);
        assert!(d.not_compared.contains(&QualName::new("public", "orders")));
    }

    /// Code handed the models may add indexes: none compared; `Migrate(app, db)` is not that.
    /// Two indexes of one name, or an unnamed one on an expression: that table's not compared.
    #[test]
    fn indexes_not_known_are_not_compared() {
        let said = |src: &str, needle: &str| {
            let p = parse_sqlalchemy(src);
            let hit = p.diagnostics.iter().any(|d| d.message.contains(needle));
            (hit, p.schema.unread_columns.len())
        };
        let flask = "from flask_sqlalchemy import SQLAlchemy\nfrom flask_migrate import Migrate\nfrom sqlalchemy_searchable import make_searchable\n\ndb = SQLAlchemy()\nMigrate(app, db)\nCALL\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String(20), index=True)\n";
        assert_eq!(
            said(&flask.replace("CALL", ""), "runs with the models"),
            (false, 0)
        );
        assert_eq!(
            said(
                &flask.replace("CALL", "make_searchable(db.metadata)"),
                "runs with the models"
            ),
            (true, 1)
        );
        let core = "import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\nclass T(Base):\n    __tablename__ = 't'\n    id = sa.Column(sa.Integer, primary_key=True)\n    a = sa.Column(sa.String(10), index=True)\n    __table_args__ = (ITEM,)\n";
        assert_eq!(
            said(
                &core.replace("ITEM", "sa.Index('ix_t_a', 'id')"),
                "two different indexes are named ix_t_a"
            ),
            (true, 1)
        );
        assert_eq!(
            said(
                &core.replace("ITEM", "sa.Index(None, sa.text('lower(a)'))"),
                "an index on an expression is given no name"
            ),
            (true, 1)
        );
        assert_eq!(
            said(&core.replace("ITEM", "sa.Index('ix_t_a', 'a')"), "indexes"),
            (false, 0)
        );
    }

    /// `load_dialect_impl`'s PostgreSQL branch is read; one that uses the instance anywhere
    /// in what it returns (an argument, an operand) is not.
    #[test]
    fn load_dialect_impl_is_read_unless_it_uses_the_instance() {
        let model = |ret: &str| {
            format!("import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\nfrom sqlalchemy.orm import declarative_base\nfrom sqlalchemy.types import TypeDecorator\n\nBase = declarative_base()\n\nclass Money(TypeDecorator):\n    impl = sa.Numeric\n    def load_dialect_impl(self, dialect):\n        if dialect.name == 'postgresql':\n            return dialect.type_descriptor({ret})\n        return dialect.type_descriptor(sa.Numeric())\n\nclass T(Base):\n    __tablename__ = 't'\n    id = sa.Column(sa.Integer, primary_key=True)\n    m = sa.Column(Money())\n")
        };
        let ty = |ret: &str| {
            let p = parse_sqlalchemy(&model(ret));
            p.schema.tables[&QualName::new("public", "t")]
                .column("m")
                .map(|c| c.data_type.to_string())
        };
        assert_eq!(
            ty("postgresql.NUMERIC(12, 2)").as_deref(),
            Some("numeric(12,2)")
        );
        assert_eq!(ty("postgresql.NUMERIC(self.p, 2)"), None);
        assert_eq!(ty("postgresql.NUMERIC(self.p + 2, 2)"), None);
    }
}

//! What a declarative base or a `MetaData` says for every table: the naming convention
//! (`MetaData(naming_convention=…)`, given to `declarative_base`, `SQLAlchemy`, a `registry`, or
//! set on a `DeclarativeBase` subclass) and the `type_annotation_map` that types `Mapped[T]`
//! (before SQLAlchemy's default type map).

use super::*;

impl Sx<'_> {
    /// A `DeclarativeBase` subclass's body: `metadata = MetaData(…)`, `registry =
    /// registry(metadata=…, type_annotation_map=…)`, `type_annotation_map = {…}`.
    pub(super) fn declarative_base_body(&mut self, body: &[Stmt]) {
        for st in body {
            let (target, value) = match st {
                Stmt::Assign(a) => (a.targets.first(), Some(a.value.as_ref())),
                Stmt::AnnAssign(a) => (Some(a.target.as_ref()), a.value.as_deref()),
                _ => continue,
            };
            let (Some(Expr::Name(n)), Some(value)) = (target, value) else {
                continue;
            };
            match n.id.as_str() {
                "metadata" => self.metadata_expr(value),
                "type_annotation_map" => self.annotation_map(value),
                "registry" => {
                    if let (Expr::Call(c), Some("registry")) =
                        (value, self.callee(value).as_deref().map(last))
                    {
                        if let Some(md) = kw(c, "metadata") {
                            self.metadata_expr(md);
                        }
                        if let Some(m) = kw(c, "type_annotation_map") {
                            self.annotation_map(m);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn metadata_expr(&mut self, e: &Expr) {
        if let Expr::Call(c) = e {
            if self.callee(e).as_deref().map(last) == Some("MetaData") {
                self.metadata_call(c);
            }
        }
    }

    /// `MetaData(naming_convention={…})`: each convention whose tokens are SQLAlchemy's own;
    /// one that is not read is said (the names it would make are PostgreSQL's then).
    pub(super) fn metadata_call(&mut self, call: &ast::ExprCall) {
        let conv = match kw(call, "naming_convention") {
            Some(Expr::Name(n)) => self.dicts.get(n.id.as_str()).cloned(),
            other => other.cloned(),
        };
        let Some(Expr::Dict(d)) = conv.as_ref() else {
            return;
        };
        let probe = TableSpec::default();
        for (k, v) in d.keys.iter().zip(&d.values) {
            let key = k.as_ref().and_then(|k| self.str_value(k));
            let value = self.str_value(v);
            // Every token one SQLAlchemy fills in (tried on a table of one column).
            let (cols, rcols) = (["a".to_string()], ["b".to_string()]);
            let known = value.as_deref().is_some_and(|v| {
                let n = emit::Named {
                    t: &probe,
                    cols: &cols,
                    referred: "t",
                    rcols: &rcols,
                    constraint: Some("c"),
                };
                emit::conventional(v, &n).is_some()
            });
            match (key, value) {
                (Some(k), Some(v)) if known => {
                    self.naming.insert(k, v);
                }
                // A token of the project's own (a function in the convention), say.
                (Some(k), _) if matches!(k.as_str(), "ix" | "uq" | "ck" | "fk" | "pk") => {
                    let at = v.range().start().to_usize();
                    self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!("line {}: the naming convention for `{k}` is not read statically; the names it makes are not known, so those constraints or indexes may be named otherwise (--python reads the models exactly)", self.line(at)),
                        at,
                    );
                }
                _ => {}
            }
        }
    }

    /// `type_annotation_map = {uuid.UUID: UUID, str: String(255)}`: the SQL type `Mapped[T]`
    /// gives each Python type named; an entry whose key is not a plain name leaves every
    /// annotation's type unknown.
    fn annotation_map(&mut self, e: &Expr) {
        let Expr::Dict(d) = e else {
            self.annotation_map_unread = Some(e.range().start().to_usize());
            return;
        };
        for (k, v) in d.keys.iter().zip(&d.values) {
            match k.as_ref().and_then(|k| self.dotted(k)) {
                Some(k) => {
                    self.annotation_map.insert(k, v.clone());
                }
                None => {
                    let at = k.as_ref().map_or(v.range(), |k| k.range()).start();
                    self.annotation_map_unread = Some(at.to_usize());
                }
            }
        }
    }

    /// The SQL type the declarative base's `type_annotation_map` gives the annotation `py_type`:
    /// `None` when the map does not name it, `Some(None)` when that type is not read (or the map
    /// is not wholly read).
    pub(super) fn mapped_annotation(&mut self, py_type: &str) -> Option<Option<(String, bool)>> {
        if self.annotation_map_unread.is_some() {
            return Some(None);
        }
        let t = self.annotation_map.get(py_type).cloned()?;
        Some(self.type_expr(&t))
    }

    /// The SQL type a Python annotation gets: from the base's `type_annotation_map`, else
    /// from SQLAlchemy's default type map.
    pub(super) fn annotation_type(&mut self, py_type: &str, at: usize) -> Option<(String, bool)> {
        match self.mapped_annotation(py_type) {
            Some(Some(t)) => return Some(t),
            Some(None) => {
                self.diag(
                    Severity::Warning,
                    DiagKind::UnknownObject,
                    format!("line {}: the type the declarative base's type_annotation_map gives `{}` is not read statically; the column is not compared", self.line(at), last(py_type)),
                    at,
                );
                return None;
            }
            None => {}
        }
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
            // pydantic's `UUID4` and friends are `Annotated[UUID, …]`.
            "UUID1" | "UUID3" | "UUID4" | "UUID5" if py_type.starts_with("pydantic") => {
                ("UUID".to_string(), false)
            }
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
                    format!("line {}: no SQL type for the annotation `{other}` (SQLAlchemy's default type map has none); the column is not compared", self.line(at)),
                    at,
                );
                return None;
            }
        };
        Some(t)
    }

    /// Is `e` the models: a declarative base (`Base`, `db.Model`), its metadata
    /// (`Base.metadata`, `db.metadata`) or a `MetaData`'s name? Flask-SQLAlchemy's `db` itself
    /// is handed to much else (`Migrate(app, db)`), so it is not.
    fn is_models(&self, e: &Expr) -> bool {
        // Flask-SQLAlchemy's `db` reads as `sqlalchemy` (its `db.Column` is SQLAlchemy's); its
        // base is known by the name it was bound to (`db.Model`).
        if let Expr::Attribute(a) = e {
            if let (Expr::Name(n), "metadata") = (a.value.as_ref(), a.attr.as_str()) {
                if self.bases.contains(&format!("{}.Model", n.id)) {
                    return true;
                }
            }
        }
        let Some(d) = self.dotted(e) else {
            return false;
        };
        match d.strip_suffix(".metadata") {
            Some(owner) => {
                self.bases.contains(owner) || self.bases.contains(&format!("{owner}.Model"))
            }
            None => self.bases.contains(&d) || self.metadatas.contains(&d),
        }
    }

    /// A call at module level (or a decorator) that hands the models to code that runs with
    /// them — `make_searchable(Base.metadata)`, `event.listen(Base.metadata, "after_create",
    /// …)`: what it adds when the tables are created (indexes, tables) is not read, so no
    /// table's indexes are compared and no table missing from the model is dropped.
    pub(super) fn hands_on_models(&mut self, e: &Expr, at: usize) {
        let Expr::Call(c) = e else { return };
        let Some(callee) = self.dotted(&c.func) else {
            return;
        };
        let listener = matches!(last(&callee), "listen" | "listens_for")
            && c.args.iter().any(|a| {
                str_const(a).is_some_and(|x| matches!(x.as_str(), "before_create" | "after_create"))
            });
        let handed = !callee.starts_with("sqlalchemy.")
            && !matches!(last(&callee), "listen" | "listens_for")
            && c.args
                .iter()
                .chain(c.keywords.iter().map(|k| &k.value))
                .any(|a| self.is_models(a));
        if !listener && !handed {
            return;
        }
        self.diag(
            Severity::Warning,
            DiagKind::IgnoredClause,
            format!(
                "line {}: `{}(…)` runs with the models when they are created; what it adds (indexes, tables) is not read statically, so no table's indexes are compared and no table missing from the model is dropped (--python reads the models exactly)",
                self.line(at),
                last(&callee)
            ),
            at,
        );
        self.stray_index = true;
        self.partial = true;
    }
}

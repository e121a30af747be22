//! Reading a model's columns: `Column(...)`, `mapped_column(...)`, annotations, SQLModel fields,
//! types, foreign keys, identities, server defaults, `__table_args__` and Core tables.

use super::*;

impl Sx<'_> {
    /// `x = Column(...)` / `x = mapped_column(...)` / `x = db.Column(...)` / `Field(...)`.
    pub(super) fn column_value(
        &mut self,
        attr: &str,
        annotation: Option<(String, bool)>,
        value: &Expr,
    ) -> Option<Col> {
        // A function of the project that only returns: what it returns, in its place.
        if let Some(made) = self.inline_call(value) {
            if self.inline_depth > 10 {
                return None;
            }
            self.inline_depth += 1;
            let col = self.column_value(attr, annotation, &made);
            self.inline_depth -= 1;
            return col;
        }
        let callee = self.callee(value)?;
        let Expr::Call(call) = value else { return None };
        let merged = self.unpartial(call);
        let call = merged.as_ref().unwrap_or(call);
        match last(&callee) {
            "Column" | "mapped_column" => Some(self.column_call(attr, annotation, call)),
            // `column_property(Column(…), …)` and `deferred(Column(…))` add a new `Column`
            // (their first argument) to the table; one that names an existing column adds none.
            "column_property" | "deferred" => {
                let first = call.args.first()?;
                let inner = self.callee(first)?;
                match (last(&inner), first) {
                    ("Column", Expr::Call(c)) => Some(self.column_call(attr, annotation, c)),
                    _ => None,
                }
            }
            "relationship" | "synonym" | "association_proxy" | "hybrid_property" | "backref"
            | "Relationship" => None,
            // SQLModel's `Field`; pydantic's (of a schema class) makes no column.
            "Field" if !callee.starts_with("pydantic") => {
                self.sqlmodel_field(attr, annotation, call)
            }
            _ => None,
        }
    }

    /// `x: Mapped[T] [= mapped_column(...)]`, SQLModel `x: T [= Field(...)]`.
    pub(super) fn annotated(
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
        let py_type = self.py_aliases.get(&py_type).cloned().unwrap_or(py_type);
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
        // `Mapped["User"] = mapped_column(ForeignKey(…))` is a column whatever it annotates.
        let column_call = value
            .and_then(|v| self.callee(v))
            .is_some_and(|c| matches!(last(&c), "Column" | "mapped_column"));
        if relationship && is_mapped && !column_call {
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
        // What SQLModel makes of a bare `datetime` changed between its releases (see
        // `sqlmodel_field`): not known without running the models.
        if sqlmodel
            && !is_mapped
            && last(&py_type) == "datetime"
            && value.is_none_or(|v| self.callee(v).is_none())
        {
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!(
                    "line {}: SQLModel field {attr}: the type SQLModel gives `datetime` depends on its release; the column is not compared (Field(sa_type=…) names it, --python reads it exactly)",
                    self.line(at)
                ),
                at,
            );
            col.unknown = true;
        }
        Some(col)
    }

    pub(super) fn unwrap_optional<'e>(&self, e: &'e Expr) -> (&'e Expr, bool) {
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

    pub(super) fn column_from_annotation(
        &mut self,
        attr: &str,
        py_type: &str,
        optional: bool,
        at: usize,
    ) -> Option<Col> {
        let Some((sql_type, integer)) = self.annotation_type(py_type, at) else {
            let mut col = Col::new(attr, at);
            col.unknown = true;
            return Some(col);
        };
        let mut col = Col::new(attr, at);
        col.sql_type = sql_type;
        col.integer = integer;
        col.nullable = Some(optional);
        Some(col)
    }

    /// `Column("name", Type, ForeignKey(...), primary_key=..., ...)` and `mapped_column(...)`.
    pub(super) fn column_call(
        &mut self,
        attr: &str,
        annotation: Option<(String, bool)>,
        call: &ast::ExprCall,
    ) -> Col {
        let at = call.range.start().to_usize();
        let mut col = Col::new(attr, at);
        for a in &call.args {
            if let Some(s) = self.str_value(a) {
                col.name = s;
                continue;
            }
            // `Column(None, ForeignKey(…))`: no type of its own.
            if is_none(a) {
                continue;
            }
            // A `Sequence` bound to a module-level name.
            if let Some(seq) = self.sequence_var(a) {
                match self.sequence_of(&seq) {
                    Some(seq) => col.sequence = Some(seq),
                    None => col.unknown = true,
                }
                continue;
            }
            let callee = self
                .callee(a)
                .or_else(|| self.dotted(a))
                .unwrap_or_default();
            match last(&callee) {
                "ForeignKey" => match self.foreign_key(a) {
                    Some(fk) => col.fk = Some(fk),
                    None => col.unknown = true,
                },
                "Identity" => col.identity = Some(self.identity(a)),
                "Sequence" => match self.sequence_of(a) {
                    Some(seq) => col.sequence = Some(seq),
                    None => col.unknown = true,
                },
                "Computed" => {
                    if let Expr::Call(c) = a {
                        col.computed = c.args.first().and_then(|x| self.sql_text(x));
                    }
                }
                "CheckConstraint" => {
                    let check = match a {
                        Expr::Call(c) => c.args.first().and_then(|x| self.sql_text(x)),
                        _ => None,
                    };
                    match (check, a) {
                        (Some(sql), Expr::Call(c)) => col
                            .checks
                            .push((kw(c, "name").and_then(|n| self.str_value(n)), sql)),
                        _ => col.unknown = true,
                    }
                }
                _ => match self.type_expr(a) {
                    Some((t, int)) => {
                        col.sql_type = t;
                        col.integer = int;
                    }
                    None => col.unknown = true,
                },
            }
        }
        if let Some(t) = kw(call, "type_") {
            match self.type_expr(t) {
                Some((t, int)) => {
                    col.sql_type = t;
                    col.integer = int;
                }
                None => col.unknown = true,
            }
        }
        if let Some(n) = kw(call, "name").and_then(|v| self.str_value(v)) {
            col.name = n;
        }
        // A keyword that shapes the column, given but not read, leaves it unknown (never read as
        // its default).
        for k in ["name", "comment"] {
            if kw(call, k).is_some_and(|v| self.str_value(v).is_none() && !is_none(v)) {
                col.unknown = true;
            }
        }
        for k in [
            "primary_key",
            "nullable",
            "unique",
            "index",
            "autoincrement",
        ] {
            if kw(call, k).is_some_and(|v| {
                kw_bool(call, k).is_none()
                    && !is_none(v)
                    && !(k == "autoincrement" && str_const(v).is_some())
            }) {
                col.unknown = true;
            }
        }
        col.primary_key = kw_bool(call, "primary_key").unwrap_or(false);
        col.nullable = kw_bool(call, "nullable");
        col.unique = kw_bool(call, "unique").unwrap_or(false);
        col.index = kw_bool(call, "index").unwrap_or(false);
        col.autoincrement = kw_bool(call, "autoincrement");
        col.comment = kw(call, "comment").and_then(|v| self.str_value(v));
        if let Some(sd) = kw(call, "server_default").filter(|sd| !is_none(sd)) {
            col.server_default = self.server_default(sd);
            // A default not read is not compared: the column is not (it would read as none).
            col.unknown |= col.server_default.is_none();
        }
        if let Some(d) = kw(call, "default") {
            col.model_default = literal_sql(d);
        }
        if let Some((py_type, optional)) = annotation {
            // SQLAlchemy looks the annotation up only for a column with no type and no
            // foreign key (which gives it one).
            if col.sql_type.is_empty() && !col.unknown && col.fk.is_none() {
                if let Some((t, int)) = self.annotation_type(&py_type, at) {
                    col.sql_type = t;
                    col.integer = int;
                }
            }
            if col.nullable.is_none() {
                col.nullable = Some(optional);
            }
        }
        if col.sql_type.is_empty() && col.fk.is_some() && !col.unknown {
            // A column typed by its foreign key takes the referenced column's type; resolved later.
            col.typed_by_fk = true;
        } else if col.sql_type.is_empty() || col.unknown {
            col.unknown = true;
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!(
                    "line {}: column {}: its definition is not read statically, so the column (and the keys and indexes on it) is not compared, and the table's columns missing from the model are not dropped (--python reads the models exactly)",
                    self.line(at),
                    col.name
                ),
                at,
            );
        }
        col
    }

    /// The `Sequence(…)` call a name is bound to at module level.
    pub(super) fn sequence_var(&self, e: &Expr) -> Option<Expr> {
        match e {
            Expr::Name(_) | Expr::Attribute(_) => self.sequences.get(&self.dotted(e)?).cloned(),
            _ => None,
        }
    }

    /// `Sequence("name", start=…)`: its name and start; `None` for one with an option not read
    /// (`increment=`, `schema=`, `optional=` …), which is then not compared.
    pub(super) fn sequence_of(&self, e: &Expr) -> Option<(String, Option<i64>)> {
        let Expr::Call(c) = e else { return None };
        if self.callee(e).as_deref().map(last) != Some("Sequence") {
            return None;
        }
        let name = self.str_value(c.args.first()?)?;
        let plain = c.args.len() == 1
            && c.keywords.iter().all(|k| match k.arg.as_deref() {
                Some("start") => int_const(&k.value).is_some(),
                // bigint is what a sequence is without AS.
                Some("data_type") => self
                    .dotted(&k.value)
                    .is_some_and(|d| last(&d) == "BigInteger"),
                Some("metadata") => true,
                _ => false,
            });
        plain.then(|| (name, kw(c, "start").and_then(int_const)))
    }

    /// SQLModel's `Field(...)`.
    pub(super) fn sqlmodel_field(
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
        let mut col = match kw(call, "sa_type") {
            // `sa_type=`: the SQLAlchemy type, as a `Column`'s.
            Some(t) => {
                let mut col = Col::new(attr, at);
                col.nullable = Some(optional);
                match self.type_expr(t) {
                    Some((t, int)) => {
                        col.sql_type = t;
                        col.integer = int;
                    }
                    None => col.unknown = true,
                }
                col
            }
            None => self.column_from_annotation(attr, &py_type, optional, at)?,
        };
        // What SQLModel makes of `datetime`, and of `str` with `max_length`, changed between
        // its releases (0.0.18 under pydantic 2: no time zone, no length; recent ones: both):
        // not known without running the models.
        let versioned = kw(call, "sa_type").is_none()
            && (last(&py_type) == "datetime"
                || last(&py_type) == "str" && kw(call, "max_length").is_some());
        if versioned {
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!(
                    "line {}: SQLModel field {attr}: the type SQLModel gives `{}`{} depends on its release; the column is not compared (sa_type= names it, --python reads it exactly)",
                    self.line(at),
                    last(&py_type),
                    if last(&py_type) == "str" { " with max_length" } else { "" }
                ),
                at,
            );
            col.unknown = true;
        }
        col.primary_key = kw_bool(call, "primary_key").unwrap_or(false);
        if let Some(n) = kw_bool(call, "nullable") {
            col.nullable = Some(n);
        } else if col.primary_key {
            col.nullable = Some(false);
        }
        col.unique = kw_bool(call, "unique").unwrap_or(false);
        col.index = kw_bool(call, "index").unwrap_or(false);
        for k in ["primary_key", "nullable", "unique", "index"] {
            if kw(call, k).is_some_and(|v| kw_bool(call, k).is_none() && !is_none(v)) {
                col.unknown = true;
            }
        }
        if let Some(fk) = kw(call, "foreign_key") {
            match self.str_value(fk) {
                Some(target) => {
                    col.fk = Some(Fk {
                        target,
                        name: None,
                        ondelete: kw(call, "ondelete").and_then(str_const),
                        onupdate: None,
                        deferral: String::new(),
                    })
                }
                None => col.unknown = true,
            }
        }
        match kw(call, "sa_column_kwargs") {
            None => {}
            Some(Expr::Dict(d)) => {
                for (k, v) in d.keys.iter().zip(&d.values) {
                    match k.as_ref().and_then(str_const).as_deref() {
                        Some("server_default") => {
                            col.server_default = self.server_default(v);
                            col.unknown |= col.server_default.is_none();
                        }
                        Some("nullable") if matches!(v, Expr::Constant(_)) => {
                            col.nullable = bool_const(v).or(col.nullable);
                            col.unknown |= bool_const(v).is_none();
                        }
                        Some("comment") => match str_const(v) {
                            Some(c) => col.comment = Some(c),
                            None => col.unknown = true,
                        },
                        // Python-side only.
                        Some("default" | "onupdate" | "info" | "doc") => {}
                        _ => col.unknown = true,
                    }
                }
            }
            Some(_) => col.unknown = true,
        }
        if let Some(d) = kw(call, "default") {
            col.model_default = literal_sql(d);
        }
        Some(col)
    }

    pub(super) fn foreign_key(&mut self, e: &Expr) -> Option<Fk> {
        let Expr::Call(c) = e else { return None };
        let target = match c.args.first() {
            Some(a) => match self.str_value(a) {
                Some(s) => s,
                None => {
                    // `ForeignKey(User.id)`: a class attribute (of a class whose table's name
                    // is made when the tables are built, resolved then).
                    let d = self.dotted(a)?;
                    let (cls, col) = d.rsplit_once('.')?;
                    let class = self.classes.get(last(cls))?;
                    match &class.tablename {
                        Some(table) => format!("{table}.{col}"),
                        None => format!("{}{}.{col}", package::MODULE, last(cls)),
                    }
                }
            },
            None => return None,
        };
        // An option given but not read makes the key unknown, never one without it; so does
        // one that changes the SQL and is not read at all (`match=`).
        let read = [
            "name",
            "ondelete",
            "onupdate",
            "deferrable",
            "initially",
            "use_alter",
            "info",
        ];
        if !keywords_among(c, &read, false) {
            return None;
        }
        let opt = |k: &str| match kw(c, k) {
            None => Ok(None),
            Some(v) => self.str_value(v).map(Some).ok_or(()),
        };
        Some(Fk {
            target,
            name: opt("name").ok()?,
            ondelete: opt("ondelete").ok()?,
            onupdate: opt("onupdate").ok()?,
            deferral: deferral(c)?,
        })
    }

    pub(super) fn identity(&self, e: &Expr) -> String {
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
    pub(super) fn type_expr(&mut self, e: &Expr) -> Option<(String, bool)> {
        // `T.with_variant(U, "sqlite")`: T on PostgreSQL, unless a variant names it.
        if let Expr::Call(c) = e {
            if let Expr::Attribute(m) = c.func.as_ref() {
                if m.attr.as_str() == "with_variant" {
                    let dialects = c.args.get(1).or_else(|| kw(c, "dialect_name"))?;
                    let names: Vec<String> = match dialects {
                        Expr::List(l) => l.elts.iter().filter_map(str_const).collect(),
                        Expr::Tuple(t) => t.elts.iter().filter_map(str_const).collect(),
                        other => str_const(other).into_iter().collect(),
                    };
                    return if names.iter().any(|n| n == "postgresql") {
                        self.type_expr(c.args.first()?)
                    } else {
                        self.type_expr(&m.value)
                    };
                }
            }
        }
        let (name, call) = match e {
            Expr::Call(c) => (self.dotted(&c.func)?, Some(c)),
            _ => (self.dotted(e)?, None),
        };
        let arg = |i: usize| call.and_then(|c| c.args.get(i));
        // `DATETIME = DateTime(timezone=True)`, `sa_JSON = sa.JSON`: a module-level name bound
        // to a type.
        if let (Expr::Name(n), None) = (e, call) {
            if let Some(t) = self.type_aliases.get(n.id.as_str()).cloned() {
                self.type_depth += 1;
                let found = (self.type_depth < 10).then(|| self.type_expr(&t)).flatten();
                self.type_depth -= 1;
                return found;
            }
        }
        // A model's own type, even of a name SQLAlchemy also has (`class JSON(TypeDecorator)`).
        if self.decorators.contains_key(last(&name)) && !name.starts_with("sqlalchemy.") {
            return self.read_custom_type(&name, call, e);
        }
        // A type's number: a literal or a module-level constant; anything else cannot be read
        // without running the models, and the column is not compared rather than read without it.
        let mut unreadable: Option<usize> = None;
        // `DateTime(True)`: the first argument of the date and time types is `timezone`.
        let tz = match call.and_then(|c| kw(c, "timezone").or(c.args.first())) {
            None => false,
            Some(Expr::Constant(x)) if matches!(x.value, Constant::Bool(_)) => {
                matches!(x.value, Constant::Bool(true))
            }
            Some(other) => {
                if matches!(last(&name), "DateTime" | "TIMESTAMP" | "Time" | "TIME") {
                    unreadable.get_or_insert(other.range().start().to_usize());
                }
                false
            }
        };
        let dicts = &self.dicts;
        let value = |e: &Expr| self.int_value(e);
        let mut int_arg = |i: usize, k: &str| {
            let given = call.and_then(|c| c.args.get(i).or_else(|| kw(c, k)))?;
            // `LENGTHS["name"]`, `LENGTHS.get("name")` of a module-level dict literal.
            let n = value(given).or_else(|| dict_item(dicts, given).and_then(int_const));
            if n.is_none() && !is_none(given) {
                unreadable.get_or_insert(given.range().start().to_usize());
            }
            n
        };
        let with_len = |base: &str, n: Option<i64>| match n {
            Some(n) => format!("{base}({n})"),
            None => base.to_string(),
        };
        let t = match last(&name) {
            // `MutableDict.as_mutable(JSONB)` and friends: the type they wrap.
            "as_mutable" => return self.type_expr(arg(0)?),
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
            // `Interval(second_precision=6)`, `INTERVAL(precision=6)`: PostgreSQL's interval(6).
            "Interval" | "INTERVAL" if call.and_then(|c| kw(c, "fields")).is_some() => {
                unreadable.get_or_insert(e.range().start().to_usize());
                "INTERVAL".into()
            }
            "Interval" | "INTERVAL" => {
                match int_arg(99, "second_precision").or_else(|| int_arg(0, "precision")) {
                    Some(p) => format!("INTERVAL({p})"),
                    None => "INTERVAL".into(),
                }
            }
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
            "LargeBinary" | "BYTEA" | "LargeBinaryType" | "PickleType" => "BYTEA".into(),
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
            _ => return self.read_custom_type(&name, call, e),
        };
        // `String(collation="x")` and the other string types: `COLLATE "x"`.
        let t = match call.and_then(|c| kw(c, "collation")) {
            None => t,
            Some(c) => match str_const(c) {
                Some(c) => format!("{t} COLLATE {}", crate::quote::quote_ident(&c)),
                None => {
                    unreadable.get_or_insert(c.range().start().to_usize());
                    t
                }
            },
        };
        if let Some(at) = unreadable {
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!(
                    "line {}: `{}(…)` takes a number schemafix cannot read without running the models (not a literal or an integer constant of the models read)",
                    self.line(at),
                    last(&name)
                ),
                at,
            );
            return None;
        }
        Some((t, false))
    }

    /// `Enum(PyEnum)`, `Enum("a", "b", name="x")`, `native_enum=False`.
    pub(super) fn enum_type(&mut self, call: &ast::ExprCall, at: usize) -> Option<String> {
        let mut labels = Vec::new();
        let mut name = kw(call, "name").and_then(str_const);
        let mut unread = kw(call, "values_callable").is_some();
        for a in &call.args {
            if let Some(s) = str_const(a) {
                labels.push(s);
            } else {
                match self
                    .dotted(a)
                    .and_then(|d| Some((self.py_enums.get(last(&d))?, d)))
                {
                    Some((members, d)) => {
                        labels = members.clone();
                        name.get_or_insert_with(|| last(&d).to_lowercase());
                    }
                    None => unread = true,
                }
            }
        }
        if unread {
            self.diag(
                Severity::Warning,
                DiagKind::UnknownObject,
                format!(
                    "line {}: the Enum's members are not read statically (an enum class of a module not among the inputs, or values_callable)",
                    self.line(at)
                ),
                at,
            );
            return None;
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
    pub(super) fn server_default(&mut self, e: &Expr) -> Option<String> {
        // A string, a string constant, a member of a `str` enum (its value).
        if let Some(s) = self.str_value(e) {
            return Some(quote_literal(&s));
        }
        // `DefaultClause(x)`: what `server_default=x` says.
        if let Expr::Call(c) = e {
            if self.callee(e).as_deref().map(last) == Some("DefaultClause")
                && c.args.len() == 1
                && c.keywords.is_empty()
            {
                return self.server_default(&c.args[0]);
            }
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
    pub(super) fn sql_text(&self, e: &Expr) -> Option<String> {
        if let Some(s) = str_const(e) {
            return Some(s);
        }
        let Expr::Call(c) = e else { return None };
        // `seq.next_value()` (or `Sequence(…).next_value()`): `nextval('seq')`.
        if let Expr::Attribute(m) = c.func.as_ref() {
            if m.attr.as_str() == "next_value" && c.args.is_empty() {
                let seq = self
                    .sequence_var(&m.value)
                    .unwrap_or_else(|| m.value.as_ref().clone());
                let (name, _) = self.sequence_of(&seq)?;
                return Some(format!("nextval({})", quote_literal(&name)));
            }
        }
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
    pub(super) fn table_args(&mut self, e: &Expr, info: &mut ClassInfo) {
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
                        "line {}: __table_args__ is computed; it cannot be read statically, so the table's keys and indexes are not compared and none missing from the model is dropped (--python reads the models exactly)",
                        self.line(at)
                    ),
                    at,
                );
                info.unread = true;
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
            match self.table_item(x) {
                Some(item) => info.items.push(item),
                None if matches!(x, Expr::Call(_)) => {}
                None => {
                    let at = x.range().start().to_usize();
                    self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!(
                            "line {}: this item of __table_args__ is not read statically, so it is not compared, and the table's keys and indexes missing from the model are not dropped (--python reads the models exactly)",
                            self.line(at)
                        ),
                        at,
                    );
                    info.items.push(TableItem::Unread);
                }
            }
        }
    }

    pub(super) fn table_item(&mut self, x: &Expr) -> Option<TableItem> {
        let Expr::Call(c) = x else { return None };
        let callee = self.dotted(&c.func)?;
        let name = kw(c, "name").and_then(str_const);
        let at = x.range().start().to_usize();
        if last(&callee) == "Column" {
            return None;
        }
        // The options read (or that do not change what PostgreSQL gets); any other
        // (`postgresql_concurrently=`, say) is not read.
        let known = keywords_among(
            c,
            &[
                "name",
                "info",
                "use_alter",
                "unique",
                "postgresql_using",
                "postgresql_where",
                "postgresql_include",
                "ondelete",
                "onupdate",
                "quote",
                "_create_rule",
                "deferrable",
                "initially",
            ],
            true,
        );
        // `_create_rule=lambda compiler: compiler.dialect.name == "oracle"`: made for that
        // database only.
        match kw(c, "_create_rule").map(only_for_dialect) {
            None => {}
            Some(Some(d)) if d != "postgresql" => return None,
            Some(Some(_)) => {}
            Some(None) => return self.unread_item(None, &callee, at),
        }
        let item = if known {
            self.table_item_of(last(&callee), c, name)
        } else {
            None
        };
        self.unread_item(item, &callee, at)
    }

    /// `item`, or (when it was not read) a warning at `at` and `TableItem::Unread`.
    fn unread_item(
        &mut self,
        item: Option<TableItem>,
        callee: &str,
        at: usize,
    ) -> Option<TableItem> {
        if item.is_none() {
            self.diag(
                Severity::Warning,
                DiagKind::IgnoredClause,
                format!(
                    "line {}: `{}(…)` in the table's arguments is not read statically, so it is not compared, and the table's keys and indexes missing from the model are not dropped (--python reads the models exactly)",
                    self.line(at),
                    last(callee)
                ),
                at,
            );
        }
        Some(item.unwrap_or(TableItem::Unread))
    }

    /// A table item `kind(…)` read exactly, or `None`.
    fn table_item_of(
        &self,
        kind: &str,
        c: &ast::ExprCall,
        name: Option<String>,
    ) -> Option<TableItem> {
        // Column names, each a string or a class attribute.
        let names = |args: &[Expr]| -> Option<Vec<String>> {
            args.iter()
                .map(|a| str_const(a).or_else(|| self.dotted(a).map(|d| last(&d).to_string())))
                .collect()
        };
        // Only these carry a deferral.
        if !matches!(kind, "UniqueConstraint" | "ForeignKeyConstraint")
            && deferral(c).as_deref() != Some("")
        {
            return None;
        }
        Some(match kind {
            "UniqueConstraint" => TableItem::Unique(name, names(&c.args)?, deferral(c)?),
            "PrimaryKeyConstraint" => TableItem::PrimaryKey(name, names(&c.args)?),
            "CheckConstraint" => TableItem::Check(name, self.sql_text(c.args.first()?)?),
            "Index" => {
                let keys = c
                    .args
                    .iter()
                    .skip(1)
                    .map(|a| self.index_key(a))
                    .collect::<Option<Vec<String>>>()?;
                let strs = |e: &Expr| -> Option<Vec<String>> {
                    match e {
                        Expr::List(l) => l.elts.iter().map(str_const).collect(),
                        Expr::Tuple(t) => t.elts.iter().map(str_const).collect(),
                        _ => None,
                    }
                };
                let include = match kw(c, "postgresql_include") {
                    Some(e) => strs(e)?,
                    None => Vec::new(),
                };
                let predicate = match kw(c, "postgresql_where") {
                    Some(w) => Some(self.predicate(w)?),
                    None => None,
                };
                if keys.is_empty() {
                    return None;
                }
                TableItem::Index(IndexItem {
                    name: c.args.first().and_then(str_const),
                    keys,
                    unique: kw_bool(c, "unique").unwrap_or(false),
                    using: kw(c, "postgresql_using").and_then(str_const),
                    predicate,
                    include,
                })
            }
            "ForeignKeyConstraint" => {
                let list = |e: Option<&Expr>| -> Option<Vec<String>> {
                    match e {
                        Some(Expr::List(l)) => l.elts.iter().map(str_const).collect(),
                        Some(Expr::Tuple(t)) => t.elts.iter().map(str_const).collect(),
                        _ => None,
                    }
                };
                TableItem::ForeignKey {
                    name,
                    columns: list(c.args.first())?,
                    refs: list(c.args.get(1))?,
                    ondelete: kw(c, "ondelete").and_then(str_const),
                    onupdate: kw(c, "onupdate").and_then(str_const),
                    deferral: deferral(c)?,
                }
            }
            _ => return None,
        })
    }

    /// An index key as SQL: a column (by name or class attribute, `.asc()`/`.desc()` too) or
    /// an expression (`text()`, `func.…`); `None` when it cannot be read.
    fn index_key(&self, a: &Expr) -> Option<String> {
        if let Some(n) = str_const(a) {
            return Some(crate::quote::quote_ident(&n));
        }
        if let Expr::Call(c) = a {
            if let Expr::Attribute(m) = c.func.as_ref() {
                let order = match m.attr.as_str() {
                    "asc" => Some(""),
                    "desc" => Some(" DESC"),
                    _ => None,
                };
                if let (Some(order), true) = (order, c.args.is_empty()) {
                    return Some(format!("{}{order}", self.index_key(&m.value)?));
                }
            }
            return self.sql_text(a);
        }
        self.dotted(a).map(|d| crate::quote::quote_ident(last(&d)))
    }

    /// `Index("ix", users.c.email, …)` or `Index("ix", User.email)` as a statement of its own:
    /// the index of the table its first key's table or class names (a class's once built).
    pub(super) fn standalone_index(&mut self, e: &Expr) {
        let Expr::Call(call) = e else { return };
        if self.callee(e).as_deref().map(last) != Some("Index") {
            return;
        }
        let at = e.range().start().to_usize();
        let Some(item) = self.table_item(e) else {
            return;
        };
        // The first key: `t.c.x` / `t.columns.x` (a Core table), or `Class.x`.
        let owner = call.args.get(1).and_then(|k| {
            let k = match k {
                Expr::Call(c) => match c.func.as_ref() {
                    Expr::Attribute(m) if matches!(m.attr.as_str(), "asc" | "desc") => &m.value,
                    _ => k,
                },
                _ => k,
            };
            let Expr::Attribute(col) = k else { return None };
            match col.value.as_ref() {
                Expr::Attribute(c) if matches!(c.attr.as_str(), "c" | "columns") => {
                    let Expr::Name(t) = c.value.as_ref() else {
                        return None;
                    };
                    self.table_vars.get(t.id.as_str()).map(|i| Ok(*i))
                }
                v => {
                    let class = self.dotted(v)?;
                    self.classes.contains_key(&class).then_some(Err(class))
                }
            }
        });
        match owner {
            Some(Ok(i)) if i < self.tables.len() => self.tables[i].items.push(item),
            Some(Err(class)) => self.class_indexes.push((class, item)),
            _ => {
                self.diag(
                    Severity::Warning,
                    DiagKind::IgnoredClause,
                    format!(
                        "line {}: the table of this `Index(…)` is not read statically, so no table's indexes missing from the model are dropped (--python reads the models exactly)",
                        self.line(at)
                    ),
                    at,
                );
                self.stray_index = true;
            }
        }
    }

    /// Core: `users = Table("users", metadata, Column(...), ..., schema=...)`.
    /// The table's index in `tables`, when it was read.
    pub(super) fn core_table(&mut self, call: &ast::ExprCall, at: usize) -> Option<usize> {
        let Some(name) = call.args.first().and_then(|n| self.str_value(n)) else {
            self.diag(
                Severity::Warning,
                DiagKind::IgnoredClause,
                format!(
                    "line {}: this table's name is not read statically; the table is not compared, and no table missing from the model is dropped (--python reads the models exactly)",
                    self.line(at)
                ),
                at,
            );
            self.partial = true;
            return None;
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
        for (i, a) in call.args.iter().enumerate().skip(1) {
            if !matches!(a, Expr::Call(_)) {
                // The metadata (second); anything else (a column made elsewhere, `*columns`)
                // is not read.
                if i > 1 || !matches!(a, Expr::Name(_) | Expr::Attribute(_)) {
                    let at = a.range().start().to_usize();
                    self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!(
                            "line {}: this argument of Table(…) is not read statically, so what it adds is not compared, and the table's columns, keys and indexes missing from the model are not dropped (--python reads the models exactly)",
                            self.line(at)
                        ),
                        at,
                    );
                    spec.unread = true;
                }
                continue;
            }
            match self.callee(a).as_deref().map(last) {
                Some("Column") => {
                    if let Expr::Call(c) = a {
                        let merged = self.unpartial(c);
                        let col = self.column_call("", None, merged.as_ref().unwrap_or(c));
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
        Some(self.tables.len() - 1)
    }
}

//! From classes to tables: which classes are declarative, their table names (explicit,
//! Flask-SQLAlchemy's and SQLModel's), inheritance (single-table and joined), the columns they
//! take from mixins and bases, and what of them was not read.

use super::*;

impl Sx<'_> {
    /// Is this class (by name) declarative, through its bases?
    pub(super) fn declarative(&self, name: &str, depth: usize) -> bool {
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
    pub(super) fn all_columns(&self, name: &str, depth: usize) -> (Vec<Col>, Vec<TableItem>) {
        let Some(c) = self.classes.get(name) else {
            return (Vec::new(), Vec::new());
        };
        if c.sqlmodel {
            // pydantic's order: the bases' fields first (the furthest base first), then the
            // class's own; a field defined again keeps its place and takes the later definition.
            let mut cols: Vec<Col> = Vec::new();
            let mut items = Vec::new();
            let mut put = |col: Col| match cols.iter_mut().find(|x| x.name == col.name) {
                Some(x) => *x = col,
                None => cols.push(col),
            };
            if depth < 20 {
                for b in c.bases.iter().rev() {
                    let (bc, bi) = self.all_columns(b, depth + 1);
                    bc.into_iter().for_each(&mut put);
                    items.extend(bi);
                }
            }
            c.columns.iter().cloned().for_each(&mut put);
            items.extend(c.items.iter().cloned());
            return (cols, items);
        }
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

    /// The bases of the class and its ancestors that were not read (a mixin of a module not
    /// among the inputs): each may add columns, keys or a table name.
    pub(super) fn unknown_bases(&self, name: &str, depth: usize, out: &mut Vec<String>) {
        let Some(c) = self.classes.get(name) else {
            return;
        };
        for b in &c.bases {
            let known = self.classes.contains_key(b)
                || self.bases.contains(b)
                || self.declarative(b, 0)
                || last(b) == "SQLModel"
                || matches!(last(b), "object" | "Generic" | "Protocol" | "ABC")
                || ["typing.", "abc.", "sqlalchemy.", "pydantic."]
                    .iter()
                    .any(|m| b.starts_with(m))
                // Well-known mixins that hold no columns.
                || matches!(
                    b.as_str(),
                    "flask_login.UserMixin"
                        | "flask_login.AnonymousUserMixin"
                        | "flask_security.UserMixin"
                        | "flask_security.RoleMixin"
                );
            if !known && !out.contains(b) {
                out.push(b.clone());
            } else if depth < 20 {
                self.unknown_bases(b, depth + 1, out);
            }
        }
    }

    /// The columns of `@declared_attr`s that name the class, read for the class named
    /// `class` (`ForeignKey(…, name=f"fk_{cls.__name__}")`); one not read is not compared.
    fn per_class(&mut self, columns: &mut [Col], class: &str) {
        for col in columns.iter_mut() {
            let Some(pc) = col.per_class.take() else {
                continue;
            };
            let (param, value) = *pc;
            self.cls_binding = Some((param, class.to_string()));
            let made = self.column_value(&col.name, None, &value);
            self.cls_binding = None;
            match made {
                Some(c) => *col = c,
                None => {
                    if let Some(callee) = self.unfollowed_call(&value) {
                        self.unread_attribute(class, &col.name.clone(), &callee, col.at);
                    }
                    col.unknown = true;
                }
            }
        }
    }

    /// Where the class or a base computes `__tablename__` (and the `@declared_attr` that does),
    /// when one does and none names it.
    pub(super) fn computed_name(
        &self,
        name: &str,
        depth: usize,
    ) -> Option<&(usize, Option<eval::Procedure>)> {
        let c = self.classes.get(name)?;
        if c.tablename.is_some() || depth > 20 {
            return None;
        }
        c.computed_name.as_ref().or_else(|| {
            c.bases
                .iter()
                .find_map(|b| self.computed_name(b, depth + 1))
        })
    }

    /// The table name a computed `__tablename__` gives the class named `class` (`None` when it
    /// returns `None`), or where the one not evaluated is.
    fn evaluated_name(&self, key: &str, class: &str) -> Option<Result<Option<String>, usize>> {
        let (at, f) = self.computed_name(key, 0)?;
        Some(
            match f.as_ref().and_then(|f| self.call_with_class(f, class)) {
                Some(eval::Value::Str(s)) => Ok(Some(s)),
                Some(eval::Value::None) => Ok(None),
                _ => Err(*at),
            },
        )
    }

    /// Whether the class or a base it takes columns from has an attribute not read; the calls
    /// not followed among them go to `out`, with the class each is written in.
    pub(super) fn unread(
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
    pub(super) fn unfollowed_call(&self, value: &Expr) -> Option<String> {
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
            "pydantic",
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
        // A function of the project that only returns: what it returns (as far as ten calls
        // deep).
        let mut made = None;
        for _ in 0..10 {
            match self.inline_call(made.as_ref().unwrap_or(value)) {
                Some(m) => made = Some(m),
                None => break,
            }
        }
        let value = made.as_ref().unwrap_or(value);
        let callee = self.callee(value)?;
        let head = callee.split('.').next().unwrap_or_default();
        let from_bases = self
            .bases
            .iter()
            .any(|b| b.contains('.') && b.split('.').next() == Some(head));
        (!NOT_COLUMNS.contains(&last(&callee))
            && !NOT_MODELS.contains(&head)
            && !from_bases
            && !self.plain_class(&callee, 0))
        .then_some(callee)
    }

    /// A class of the project that derives from nothing but plain Python (`class
    /// CurrencyConverter:`): an instance of it is no column.
    fn plain_class(&self, name: &str, depth: usize) -> bool {
        let Some(c) = self.classes.get(name) else {
            return false;
        };
        depth < 20
            && !self.declarative(name, 0)
            && c.bases.iter().all(|b| {
                matches!(b.as_str(), "object" | "abc.ABC" | "typing.Generic")
                    || self.plain_class(b, depth + 1)
            })
    }

    pub(super) fn unread_attribute(&mut self, class: &str, attr: &str, callee: &str, at: usize) {
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

    pub(super) fn build_tables(&mut self) {
        // The calls not followed already said (a mixin's, once for all its tables).
        let mut said = BTreeSet::new();
        // The bases not read already said.
        let mut said_bases = BTreeSet::new();
        // Class → the table it maps to, as built.
        let mut built: BTreeMap<String, String> = BTreeMap::new();
        let names: Vec<String> = self.classes.keys().cloned().collect();
        // Keep the file's order.
        let mut ordered: Vec<(usize, String)> = names
            .iter()
            .map(|n| (self.classes[n].at, n.clone()))
            .collect();
        ordered.sort();
        for (_, key) in ordered {
            let c = self.classes[&key].clone();
            // The class's name (`key` differs for one named as a later class of another module).
            let name = key
                .split(package::MODULE)
                .next()
                .unwrap_or(&key)
                .to_string();
            if !self.declarative(&key, 0) || c.is_abstract {
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
            // A `@declared_attr` `__tablename__` (the class's or a base's) names the table
            // for this class: before Flask-SQLAlchemy's and SQLModel's automatic names.
            let computed = self.evaluated_name(&key, &name);
            let named = match &computed {
                Some(Ok(t)) if c.tablename.is_none() => t.clone(),
                _ => c.tablename.clone(),
            };
            let tablename = match &named {
                // Flask-SQLAlchemy's `__table_cls__` makes no table for a subclass of a mapped
                // class that declares no primary key of its own, even one with a
                // `__tablename__`: its columns join the parent's table.
                Some(_) if flask && parent.is_some() && !own_key => None,
                Some(t) => Some(t.clone()),
                // `return None` for this class: no table of its own.
                None if matches!(computed, Some(Ok(None))) => None,
                None => {
                    let automatic = c.sqlmodel_table || flask;
                    let mut unknown = Vec::new();
                    self.unknown_bases(&key, 0, &mut unknown);
                    if let (None, false, false) = (&parent, unknown.is_empty(), automatic) {
                        self.diag(
                            Severity::Warning,
                            DiagKind::IgnoredClause,
                            format!("class {name}: its base {} is not read statically and may give it a table; the class is not compared, and no table missing from the model is dropped (--python reads the models exactly)", unknown.join(", ")),
                            c.at,
                        );
                        self.partial = true;
                        continue;
                    }
                    // A computed name not evaluated (which Flask-SQLAlchemy's and SQLModel's
                    // automatic names give way to).
                    if let (None, Some(Err(at))) = (&parent, computed) {
                        let line = self.line(at);
                        self.diag(
                            Severity::Warning,
                            DiagKind::IgnoredClause,
                            format!("class {name}: its table name is computed by the __tablename__ at line {line}, which is not read statically; the table is not compared, and no table missing from the model is dropped (--python reads the models exactly)"),
                            c.at,
                        );
                        self.partial = true;
                        continue;
                    }
                    if c.sqlmodel_table {
                        Some(name.to_lowercase())
                    } else if flask && (parent.is_none() || own_key) {
                        Some(camel_to_snake(&name))
                    } else {
                        None
                    }
                }
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
            let (mut columns, items) = self.all_columns(&key, 0);
            self.per_class(&mut columns, &name);
            let mut calls = Vec::new();
            let mut unread = self.unread(&key, 0, &mut calls);
            let mut unknown = Vec::new();
            self.unknown_bases(&key, 0, &mut unknown);
            for b in unknown {
                unread = true;
                if said_bases.insert(b.clone()) {
                    self.diag(
                        Severity::Warning,
                        DiagKind::IgnoredClause,
                        format!("class {name}: its base {b} is not read statically; columns, keys and indexes it adds are not compared, and those missing from the model are not dropped (--python reads the models exactly)"),
                        c.at,
                    );
                }
            }
            for (class, attr, callee, at) in calls {
                if said.insert(at) {
                    self.unread_attribute(&class, &attr, &callee, at);
                }
            }
            let mut items = items;
            items.extend(
                self.class_indexes
                    .iter()
                    .filter(|(class, _)| *class == name)
                    .map(|(_, item)| item.clone()),
            );
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
        // `ForeignKey(User.id)` of a class whose table's name was made (Flask-SQLAlchemy's,
        // SQLModel's, computed): now known, in the table's schema; a class without a table
        // leaves the column unknown.
        let schema_of: BTreeMap<String, Option<String>> = self
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.schema.clone()))
            .collect();
        for t in &mut self.tables {
            for c in &mut t.columns {
                let Some(fk) = c.fk.as_mut() else { continue };
                let Some(target) = fk.target.strip_prefix(package::MODULE) else {
                    continue;
                };
                match target
                    .rsplit_once('.')
                    .and_then(|(class, col)| Some((built.get(class)?, col)))
                {
                    Some((table, col)) => {
                        fk.target = match schema_of.get(table) {
                            Some(Some(schema)) => format!("{schema}.{table}.{col}"),
                            _ => format!("{table}.{col}"),
                        }
                    }
                    None => c.unknown = true,
                }
            }
        }
    }
}

//! Several model files read together (a package): each parsed on its own, the modules read in
//! the order their imports need, and a name imported from a module among them (absolute,
//! relative, through a package's `__init__`) taken as that module's definition.

use super::*;
use rustpython_parser::text_size::TextSize;

use crate::source::SourceFile;

/// Marks an alias that names a module (or package) among the inputs, not a definition.
pub(super) const MODULE: &str = "\u{1}";

/// One model file of several: the name diagnostics give it, its dotted module name (`app.models.user`;
/// a package's `__init__.py` is the package) and its text.
#[derive(Debug, Clone)]
pub struct ModelFile {
    pub name: String,
    pub module: String,
    pub text: String,
}

/// The dotted module a file's path in its project names: `app/models/user.py` is
/// `app.models.user`, `app/__init__.py` is `app`.
pub fn module_name(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_end_matches(".py");
    let mut parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 && parts.last() == Some(&"__init__") {
        parts.pop();
    }
    parts.join(".")
}

/// Reads several model files as one model (see [`ModelFile`]); diagnostics point into the
/// file they concern (`Parsed::files`, lines counted per file) of the joined text returned.
pub fn parse_sqlalchemy_files(files: &[ModelFile]) -> (Parsed, String) {
    let mut text = String::new();
    let mut joined = Vec::new();
    for f in files {
        joined.push((f.name.clone(), f.module.clone(), text.len()));
        text.push_str(&f.text);
        if !f.text.ends_with('\n') {
            text.push('\n');
        }
    }
    let mut parsed = read(&text, &joined);
    parsed.files = joined
        .iter()
        .map(|(name, _, start)| SourceFile {
            name: name.clone(),
            start: *start as u32,
        })
        .collect();
    (parsed, text)
}

/// Reads `text`: one module, or the modules of `files` (name, module, start) joined in it.
pub(super) fn read(text: &str, files: &[(String, String, usize)]) -> Parsed {
    let index = LineIndex::new(text);
    let starts: Vec<(usize, u32)> = files
        .iter()
        .map(|(_, _, start)| (*start, index.span(text, *start, *start).line))
        .collect();
    let whole = [(String::new(), String::new(), 0)];
    let parts = if files.is_empty() { &whole[..] } else { files };
    let mut suites = Vec::new();
    // In a package, a file the parser refuses is not read (a warning); alone, it is an error.
    let mut unread = Vec::new();
    for (i, (name, _, start)) in parts.iter().enumerate() {
        let end = parts.get(i + 1).map_or(text.len(), |p| p.2);
        let part = &text[*start..end];
        let error = |at: usize, why: String| Parsed {
            schema: Default::default(),
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                DiagKind::Syntax,
                why,
                file_span(&index, text, &starts, at),
            )],
            files: Vec::new(),
        };
        let path = if name.is_empty() { "models.py" } else { name };
        let refused = match too_big_to_parse(part) {
            Some((at, why)) => Err((start + at, why)),
            None => ast::Suite::parse_starts_at(part, path, TextSize::from(*start as u32)).map_err(
                |e| {
                    let at = e.offset.to_usize().min(text.len());
                    (at, format!("Python syntax error: {}", e.error))
                },
            ),
        };
        match refused {
            Ok(s) => suites.push(s),
            Err((at, why)) if parts.len() == 1 => return error(at, why),
            Err((at, why)) => {
                unread.push(Diagnostic::new(
                    Severity::Warning,
                    DiagKind::Syntax,
                    format!("{why}: this file is not read, so what it defines is not compared, and no table missing from the model is dropped"),
                    file_span(&index, text, &starts, at),
                ));
                suites.push(Vec::new());
            }
        }
    }
    let mut sx = blank(text, index);
    sx.files = starts;
    sx.partial = !unread.is_empty();
    sx.diagnostics.extend(unread);
    if files.is_empty() {
        sx.module(&suites[0]);
    } else {
        for (_, module, _) in files {
            let parts: Vec<&str> = module.split('.').collect();
            for a in 0..parts.len() {
                for b in a + 1..=parts.len() {
                    sx.modules.insert(parts[a..b].join("."));
                }
            }
        }
        for i in import_order(&sx, files, &suites) {
            sx.module_name = files[i].1.clone();
            sx.module_is_package = files[i].0.ends_with("__init__.py");
            // Each module sees its own imports only.
            sx.aliases.clear();
            sx.module(&suites[i]);
        }
    }
    sx.build_tables();
    sx.finish()
}

/// A reader of `text` that has read nothing yet.
pub(super) fn blank(text: &str, index: LineIndex) -> Sx<'_> {
    Sx {
        text,
        index,
        files: Vec::new(),
        modules: BTreeSet::new(),
        module_name: String::new(),
        module_is_package: false,
        diagnostics: Vec::new(),
        aliases: BTreeMap::new(),
        bases: BTreeSet::new(),
        abstract_bases: BTreeSet::new(),
        py_enums: BTreeMap::new(),
        str_enums: BTreeSet::new(),
        py_aliases: BTreeMap::new(),
        classes: BTreeMap::new(),
        naming: BTreeMap::new(),
        annotation_map: BTreeMap::new(),
        annotation_map_unread: None,
        metadatas: BTreeSet::new(),
        cls_binding: None,
        dicts: BTreeMap::new(),
        consts: BTreeMap::new(),
        procedures: BTreeMap::new(),
        decorators: BTreeMap::new(),
        type_depth: 0,
        partials: BTreeMap::new(),
        inline_depth: 0,
        type_aliases: BTreeMap::new(),
        table_vars: BTreeMap::new(),
        sequences: BTreeMap::new(),
        class_indexes: Vec::new(),
        stray_index: false,
        partial: false,
        enums: BTreeMap::new(),
        tables: Vec::new(),
        model_defaults: Vec::new(),
    }
}

/// The span of offset `at` of `text`, its line counted in its own file of `files` (each
/// file's start in `text` and the line of `text` it starts on; none for a single file).
pub(super) fn file_span(index: &LineIndex, text: &str, files: &[(usize, u32)], at: usize) -> Span {
    let at = at.min(text.len());
    let mut span = index.span(text, at, at);
    let i = files.partition_point(|(start, _)| *start <= at);
    if let Some((_, first)) = i.checked_sub(1).and_then(|i| files.get(i)) {
        span.line = span.line + 1 - first;
    }
    span
}

/// The modules' order: each after the modules among the inputs it imports (in the order given
/// where imports go round in a circle).
fn import_order(sx: &Sx, files: &[(String, String, usize)], suites: &[ast::Suite]) -> Vec<usize> {
    let deps: Vec<Vec<usize>> = suites
        .iter()
        .enumerate()
        .map(|(i, suite)| {
            let mut imported = Vec::new();
            sx.imports_of(&files[i].0, &files[i].1, suite, &mut imported);
            (0..files.len())
                .filter(|&j| {
                    j != i
                        && imported.iter().any(|m| {
                            let module = &files[j].1;
                            module == m || module.ends_with(&format!(".{m}"))
                        })
                })
                .collect()
        })
        .collect();
    fn visit(i: usize, deps: &[Vec<usize>], state: &mut [u8], out: &mut Vec<usize>) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        for &d in &deps[i] {
            visit(d, deps, state, out);
        }
        state[i] = 2;
        out.push(i);
    }
    let mut state = vec![0u8; files.len()];
    let mut out = Vec::new();
    for i in 0..files.len() {
        visit(i, &deps, &mut state, &mut out);
    }
    out
}

impl Sx<'_> {
    /// Whether `dotted` is a module or package among the inputs (or a dotted tail of one).
    pub(super) fn is_module(&self, dotted: &str) -> bool {
        self.modules.contains(dotted)
    }

    /// `attr` of module `m` among the inputs: a submodule (still a module), or a definition,
    /// known by its name.
    pub(super) fn in_module(&self, m: &str, attr: &str) -> String {
        let sub = format!("{m}.{attr}");
        if self.is_module(&sub) {
            format!("{MODULE}{sub}")
        } else {
            attr.to_string()
        }
    }

    /// The absolute module a `from … import` names, from the module `current` (file `name`).
    pub(super) fn absolute(
        &self,
        current: &str,
        is_package: bool,
        level: usize,
        module: Option<&str>,
    ) -> String {
        if level == 0 {
            return module.unwrap_or_default().to_string();
        }
        let mut parts: Vec<&str> = current.split('.').filter(|p| !p.is_empty()).collect();
        // A module's package is the module without its last part; a package's is itself.
        let up = level - 1 + usize::from(!is_package);
        parts.truncate(parts.len().saturating_sub(up));
        parts.extend(module.iter().flat_map(|m| m.split('.')));
        parts.join(".")
    }

    /// An `import`'s alias for a module among the inputs: `Some(origin)`, or `None` when the
    /// module is not among them (a single file has none).
    pub(super) fn package_import(&self, imported: &str) -> Option<String> {
        (!self.modules.is_empty() && self.is_module(imported))
            .then(|| format!("{MODULE}{imported}"))
    }

    /// A `from module import name`'s alias when `module` is among the inputs: the submodule, or
    /// the definition by its name.
    pub(super) fn package_from(&self, module: &str, name: &str) -> Option<String> {
        if self.modules.is_empty() {
            return None;
        }
        let sub = if module.is_empty() {
            name.to_string()
        } else {
            format!("{module}.{name}")
        };
        if self.is_module(&sub) {
            Some(format!("{MODULE}{sub}"))
        } else if self.is_module(module) {
            Some(name.to_string())
        } else {
            None
        }
    }

    /// The modules a module's top-level imports name (and the submodules `from` imports).
    fn imports_of(&self, name: &str, current: &str, suite: &[Stmt], out: &mut Vec<String>) {
        for st in suite {
            match st {
                Stmt::Import(i) => out.extend(i.names.iter().map(|a| a.name.to_string())),
                Stmt::ImportFrom(i) => {
                    let level = i.level.map_or(0, |l| l.to_usize());
                    let m = self.absolute(
                        current,
                        name.ends_with("__init__.py"),
                        level,
                        i.module.as_deref(),
                    );
                    for a in &i.names {
                        out.push(if m.is_empty() {
                            a.name.to_string()
                        } else {
                            format!("{m}.{}", a.name)
                        });
                    }
                    out.push(m);
                }
                Stmt::If(i) => self.imports_of(name, current, &i.body, out),
                Stmt::Try(t) => self.imports_of(name, current, &t.body, out),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, module: &str, text: &str) -> ModelFile {
        ModelFile {
            name: name.into(),
            module: module.into(),
            text: text.into(),
        }
    }

    #[test]
    fn modules_see_each_other_and_only_their_own_imports() {
        let files = [
            // A schema class named as a table class of another module, read first.
            file(
                "app/schemas.py",
                "app.schemas",
                "from pydantic import BaseModel\n\nclass Document(BaseModel):\n    title: str\n",
            ),
            file(
                "app/models/doc.py",
                "app.models.doc",
                "from sqlalchemy import Column, Integer, String\nfrom .. import db\nfrom ..db import LEN as N\n\nclass Document(db.Base):\n    __tablename__ = 'documents'\n    id = Column(Integer, primary_key=True)\n    title = Column(String(N))\n",
            ),
            file(
                "app/db.py",
                "app.db",
                "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\nLEN = 90\n",
            ),
        ];
        let (p, text) = parse_sqlalchemy_files(&files);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let t = &p.schema.tables[&QualName::new("public", "documents")];
        assert_eq!(
            t.column("title").map(|c| c.data_type.to_string()),
            Some("character varying(90)".into())
        );
        // Lines are counted per file, and the file is named.
        let c = t.column("title").unwrap();
        assert_eq!(c.span.line, 8);
        assert_eq!(
            crate::source::file_of(&p.files, c.span),
            Some("app/models/doc.py")
        );
        assert!(text.starts_with("from pydantic"));
    }

    #[test]
    fn paths_name_modules() {
        assert_eq!(module_name("app/models/user.py"), "app.models.user");
        assert_eq!(module_name("./app/__init__.py"), "app");
        assert_eq!(module_name("models.py"), "models");
    }

    #[test]
    fn a_file_the_parser_refuses_is_named_and_not_compared() {
        let files = [
            file(
                "a.py",
                "a",
                "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\n\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n",
            ),
            file("b.py", "b", "x = 1\nclass (:\n"),
        ];
        let (p, _) = parse_sqlalchemy_files(&files);
        let d = &p.diagnostics[0];
        assert_eq!(d.severity, Severity::Warning, "{d:?}");
        assert!(d.message.contains("this file is not read"));
        assert_eq!(d.span.line, 2);
        assert_eq!(crate::source::file_of(&p.files, d.span), Some("b.py"));
        // The rest is read; what the refused file may hold is not dropped.
        assert!(p.schema.tables.contains_key(&QualName::new("public", "a")));
        assert!(matches!(p.schema.scope, crate::schema::Scope::Tables(_)));
        // Alone, a file the parser refuses is an error.
        let (p, _) = parse_sqlalchemy_files(&files[1..]);
        assert_eq!(p.diagnostics[0].severity, Severity::Error);
    }
}

//! The exact model reading (`--python`): models imported by a real Python with real
//! SQLAlchemy. Every model fixture reads the same both ways; the real projects of
//! `../shared/realworld/sqlalchemy/` (each in a virtual environment of the versions its
//! manifest pins) plan nothing against their `create_all` dump, and an edit made to their models
//! plans exactly that edit, applied to a real PostgreSQL.

use std::path::{Path, PathBuf};
use std::time::Duration;

use schemafix_core::{parse, parse_capture, Format, Parsed, Severity};
use schemafix_tests::{python, shared_dir, workspace_root, Pg};

use crate::{assert_succeeds, run_schemafix, Scratch};

/// The oracle's interpreter (SQLAlchemy 2.1, Flask-SQLAlchemy, SQLModel).
fn oracle() -> PathBuf {
    python::python().expect("the SQLAlchemy virtual environment")
}

/// The exact reading of `models`, with `paths` first on `sys.path`.
fn exact(py: &Path, models: &[String], paths: &[String]) -> Parsed {
    let json = schemafix_cli::python::capture(py, models, paths, None, Duration::from_secs(120))
        .expect("the helper answers");
    parse_capture(&json).0
}

/// Runs `schemafix ARGS`, which must refuse (exit 2); its standard error.
fn refused(args: &[&str]) -> String {
    let out = run_schemafix(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

fn errors(p: &Parsed) -> Vec<String> {
    p.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn every_model_fixture_reads_the_same_statically_and_exactly() {
    let py = oracle();
    let root = workspace_root().join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("sqlalchemy"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .chain(
            std::fs::read_dir(root.join("plan"))
                .unwrap()
                .filter_map(|e| e.ok())
                .flat_map(|e| ["from.py", "to.py"].map(|f| e.path().join(f)).into_iter()),
        )
        .filter(|p| p.extension().is_some_and(|e| e == "py") && p.exists())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} model fixtures", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let (_, stat) = parse(&text, Some(Format::SqlAlchemy));
        let ex = exact(&py, &[f.display().to_string()], &[]);
        if !errors(&ex).is_empty() {
            failures.push(format!("{name}: exact reading failed: {:?}", errors(&ex)));
            continue;
        }
        if !errors(&stat).is_empty() {
            continue; // A fixture of what the static reader refuses (said in its diagnostics).
        }
        // The IRs compared as the plan sees them (spans and hints never differ).
        let (a, b) = (&stat.schema, &ex.schema);
        if a.tables != b.tables || a.enums != b.enums || a.sequences != b.sequences {
            let show = |s: &schemafix_core::Schema| {
                s.tables
                    .values()
                    .map(|t| serde_json::to_string(&**t).unwrap())
                    .collect::<Vec<_>>()
            };
            let (x, y) = (show(a), show(b));
            let first = x.iter().zip(&y).find(|(p, q)| p != q);
            failures.push(format!(
                "{name}: static and exact readings differ: {} vs {} tables, first difference {first:?}",
                x.len(),
                y.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_package_whose_base_lives_in_another_module_reads_whole() {
    let py = oracle();
    let s = Scratch::new("exact-package");
    std::fs::create_dir_all(s.path().join("app/models")).unwrap();
    s.file("app/__init__.py", "");
    s.file(
        "app/db.py",
        "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n",
    );
    s.file("app/models/__init__.py", "");
    s.file(
        "app/models/user.py",
        "from sqlalchemy import String\nfrom sqlalchemy.orm import Mapped, mapped_column\nfrom app.db import Base\n\nNAME_LENGTH = 80\n\n\nclass User(Base):\n    __tablename__ = \"users\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    username: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)\n    status: Mapped[str] = mapped_column(String(20), default=\"active\")\n",
    );
    s.file(
        "app/models/post.py",
        "from sqlalchemy import ForeignKey, Text\nfrom sqlalchemy.orm import Mapped, mapped_column\nfrom app.db import Base\n\n\nclass Post(Base):\n    __tablename__ = \"posts\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    user_id: Mapped[int] = mapped_column(ForeignKey(\"users.id\"), index=True)\n    body: Mapped[str | None] = mapped_column(Text)\n",
    );
    let current = s.file(
        "current.sql",
        "CREATE TABLE users (id serial PRIMARY KEY, status varchar(20) NOT NULL);\n",
    );
    let python = format!("--python={}", py.display());
    let root = s.path().display().to_string();
    // The package directory, from another working directory, its root on sys.path.
    let (stdout, _) = assert_succeeds(&[
        "diff",
        &current,
        &format!("{root}/app/models"),
        &python,
        "--python-path",
        &root,
    ]);
    assert!(
        stdout.contains("ALTER TABLE users ADD COLUMN username character varying(80)"),
        "the constant's length: {stdout}"
    );
    assert!(stdout.contains("CREATE TABLE posts"), "{stdout}");
    assert!(
        stdout.contains("CREATE INDEX ix_posts_user_id ON posts"),
        "{stdout}"
    );
    // Column reasons cite the model file and line.
    assert!(
        stdout.contains("app/models/user.py:11)"),
        "the model line is cited: {stdout}"
    );
    // The same as a dotted module and as two files give the same plan.
    let dotted = std::process::Command::new(crate::schemafix_bin())
        .current_dir(s.path())
        .args([
            "diff",
            &current,
            "app.models.user",
            "app.models.post",
            &python,
        ])
        .output()
        .unwrap();
    assert_eq!(dotted.status.code(), Some(0));
    let (files, _) = assert_succeeds(&[
        "diff",
        &current,
        &format!("{root}/app/models/user.py"),
        &format!("{root}/app/models/post.py"),
        &python,
        "--python-path",
        &root,
    ]);
    let strip = |o: &str| {
        o.lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&String::from_utf8_lossy(&dotted.stdout)),
        strip(&stdout)
    );
    assert_eq!(strip(&files), strip(&stdout));
    // Without --python, the package is read statically, to the same plan.
    let (read, _) = assert_succeeds(&["diff", &current, &format!("{root}/app")]);
    assert_eq!(strip(&read), strip(&stdout));
}

#[test]
fn a_failing_import_is_shown_at_its_file_and_line() {
    let py = oracle();
    let s = Scratch::new("exact-failing");
    let model = s.file(
        "models.py",
        "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nimport app_settings_that_do_not_exist\n\nBase = declarative_base()\n",
    );
    let python = format!("--python={}", py.display());
    let stderr = refused(&["diff", &model, &model, &python]);
    assert!(
        stderr.contains("models.py:3:1: error: importing the models failed: ModuleNotFoundError: No module named 'app_settings_that_do_not_exist'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("| import app_settings_that_do_not_exist"),
        "{stderr}"
    );
    // A syntax error points at its column.
    let bad = s.file("bad.py", "from sqlalchemy import Column\nx = (1,\n");
    let stderr = refused(&["inspect", &bad, &python]);
    assert!(
        stderr.contains("bad.py:2:") && stderr.contains("the models do not compile"),
        "{stderr}"
    );
}

#[test]
fn models_without_tables_say_what_was_looked_for() {
    let py = oracle();
    let s = Scratch::new("exact-empty");
    let model = s.file(
        "models.py",
        "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
    );
    let python = format!("--python={}", py.display());
    let stderr = refused(&["inspect", &model, &python]);
    assert!(
        stderr.contains("no table found") && stderr.contains("Flask-SQLAlchemy's db.metadata"),
        "{stderr}"
    );
    // An interpreter without SQLAlchemy says so and how to name another.
    let stderr = refused(&["inspect", &model, "--python=python3"]);
    if !stderr.contains("importing the models failed") {
        assert!(
            stderr.contains("SQLAlchemy cannot be imported") && stderr.contains("SCHEMAFIX_PYTHON"),
            "{stderr}"
        );
    }
    // A hanging import is stopped.
    let slow = s.file("slow.py", "import time\ntime.sleep(600)\n");
    let started = std::time::Instant::now();
    let stderr = refused(&["inspect", &slow, &python, "--python-timeout", "2s"]);
    assert!(
        stderr.contains("was stopped (--python-timeout)"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// A real project of `../shared/realworld/sqlalchemy/`, read per its manifest.
struct Project {
    dir: PathBuf,
    manifest: toml::Table,
}

impl Project {
    fn new(name: &str) -> Project {
        let dir = shared_dir().join("realworld/sqlalchemy").join(name);
        let manifest = std::fs::read_to_string(dir.join("manifest.toml"))
            .unwrap()
            .parse::<toml::Table>()
            .unwrap();
        Project { dir, manifest }
    }

    fn list(&self, key: &str) -> Vec<String> {
        self.manifest
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A virtual environment of exactly the versions that made `expected.sql`.
    fn python(&self, name: &str) -> PathBuf {
        let lock = std::fs::read_to_string(self.dir.join("requirements.lock.txt")).unwrap();
        let packages: Vec<&str> = lock
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        python::venv(&format!("realworld-venv-{name}"), &packages)
            .expect("the project's virtual environment")
            .join("bin/python")
    }

    /// The arguments that read its models exactly (entry modules, then `more` models, and
    /// sys.path).
    fn model_args(&self, py: &Path, more: &[String]) -> Vec<String> {
        let mut args = self.list("entry_modules");
        args.extend(more.iter().cloned());
        args.push(format!("--python={}", py.display()));
        for p in self.list("python_path") {
            args.push("--python-path".into());
            args.push(self.dir.join(p).display().to_string());
        }
        args
    }
}

/// What the corpus's `create_all.py` does beyond importing for the projects that need it
/// (their manifest's `[compat]`, each said there): run as `sitecustomize` in the interpreter.
const COMPAT: &str = r#"
import json, os, sys
compat = json.loads(os.environ.get("SCHEMAFIX_TEST_COMPAT", "{}"))
if compat.get("typing_override") and sys.version_info < (3, 12):
    import typing
    if not hasattr(typing, "override"):
        typing.override = lambda f: f
modules = set(compat.get("future_annotations", []))
if modules and sys.version_info < (3, 14):
    import __future__, importlib.machinery, importlib.util

    class Loader(importlib.machinery.SourceFileLoader):
        def get_code(self, fullname):
            path = self.get_filename(fullname)
            return compile(self.get_data(path), path, "exec",
                           flags=__future__.annotations.compiler_flag, dont_inherit=True)

    class Finder:
        def find_spec(self, fullname, path=None, target=None):
            if fullname not in modules:
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None:
                return None
            return importlib.util.spec_from_file_location(
                fullname, spec.origin, loader=Loader(fullname, spec.origin),
                submodule_search_locations=spec.submodule_search_locations)

    sys.meta_path.insert(0, Finder())
skip = set(compat.get("skip_indexes", []))
if skip or compat.get("dedupe_indexes"):
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, MetaData
    create_all = MetaData.create_all

    def pruned(self, *args, **kwargs):
        for table in self.tables.values():
            seen = set()
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                ddl = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
                if index.name in skip or (compat.get("dedupe_indexes") and ddl in seen):
                    table.indexes.discard(index)
                seen.add(ddl)
        return create_all(self, *args, **kwargs)

    MetaData.create_all = pruned
"#;

/// An edit made to the loaded models, as a user would make it in their code: one more
/// column, a NOT NULL column made nullable, one more index, on the first table (by name) that
/// has a NOT NULL column besides its primary key. Writes the table's and column's names to the
/// file `SCHEMAFIX_TEST_EDITED` names.
const EDIT: &str = r#"
import os, sys, types
from sqlalchemy import Column, Index, MetaData, Text

# The project's MetaData: those its own modules (not a library's) hold.
def _project_tables():
    found = []
    for mod in list(sys.modules.values()):
        path = getattr(mod, "__file__", None) or ""
        if not path or "site-packages" in path or path.startswith(sys.base_prefix):
            continue
        for value in list(vars(mod).values()):
            if isinstance(value, types.ModuleType):
                continue
            try:
                md = value if isinstance(value, MetaData) else getattr(value, "metadata", None)
            except Exception:
                continue
            if isinstance(md, MetaData) and all(md is not m for m in found):
                found.append(md)
    return sorted((t for md in found for t in md.tables.values()),
                  key=lambda t: (t.schema or "", t.name))

def _edit():
    for t in _project_tables():
        required = [c for c in t.columns if not c.nullable and not c.primary_key
                    and c.server_default is None and c.computed is None]
        if required and t.schema is None:
            break
    c = required[0]
    c.nullable = True
    t.append_column(Column("schemafix_added", Text))
    Index("ix_schemafix_added", t.c.schemafix_added)
    with open(os.environ["SCHEMAFIX_TEST_EDITED"], "w") as fh:
        fh.write("%s %s" % (t.name, c.name))

_edit()
"#;

fn realworld(name: &str) {
    let p = Project::new(name);
    let py = p.python(name);
    let s = Scratch::new(&format!("rw-{name}"));
    s.file("sitecustomize.py", COMPAT);
    let compat = p
        .manifest
        .get("compat")
        .map(|c| serde_json::to_string(c).unwrap())
        .unwrap_or_else(|| "{}".into());
    let expected = p.dir.join("expected.sql").display().to_string();
    // `schemafix ARGS` in the project's scratch directory, which must succeed (`what` says
    // what it does); its standard output and error.
    let run = |what: &str, args: &[String]| {
        let out = std::process::Command::new(crate::schemafix_bin())
            .args(args)
            .current_dir(s.path())
            .env("PYTHONPATH", s.path())
            .env("SCHEMAFIX_TEST_COMPAT", &compat)
            .env("SCHEMAFIX_TEST_EDITED", s.path().join("edited.txt"))
            .env_remove("DATABASE_URL")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        crate::succeeded(out, &format!("{name}: {what}:\n"))
    };
    // The models against the dump of what their create_all made: nothing to do.
    let mut args = vec!["diff".to_string(), expected.clone()];
    args.extend(p.model_args(&py, &[]));
    args.push("--exit-code".into());
    let (stdout, stderr) = run(
        "the models against their own create_all plan something",
        &args,
    );
    assert!(stdout.trim().is_empty(), "{stdout}");
    assert!(
        !stderr.contains("error"),
        "{name}: errors while reading:\n{stderr}"
    );

    // The same models, edited: exactly the edit, applied to a database loaded with the dump.
    let edited = p.model_args(&py, &[s.file("schemafix_edit.py", EDIT)]);
    let mut args = vec!["diff".to_string(), expected];
    args.extend(edited.iter().cloned());
    let (stdout, stderr) = run("the edited models", &args);
    let (table, column) = std::fs::read_to_string(s.path().join("edited.txt"))
        .ok()
        .and_then(|l| {
            l.split_once(' ')
                .map(|(t, c)| (t.to_string(), c.to_string()))
        })
        .unwrap_or_else(|| panic!("{name}: the edit did not run: {stderr}"));
    let statements: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
        .collect();
    let t = schemafix_core::quote_ident(&table);
    let wanted = [
        format!("ALTER TABLE {t} ADD COLUMN schemafix_added text;"),
        format!(
            "ALTER TABLE {t} ALTER COLUMN {} DROP NOT NULL;",
            schemafix_core::quote_ident(&column)
        ),
        format!("CREATE INDEX ix_schemafix_added ON {t} (schemafix_added);"),
    ];
    let mut got: Vec<String> = statements.iter().map(|s| s.to_string()).collect();
    got.sort();
    let mut want = wanted.to_vec();
    want.sort();
    assert_eq!(got, want, "{name}: the plan of the edit:\n{stdout}");

    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(&std::fs::read_to_string(p.dir.join("expected.sql")).unwrap())
        .unwrap_or_else(|e| panic!("{name}: loading expected.sql: {e:#}"));
    let mut args = vec!["apply".to_string(), "--db".into(), db.url(), "--yes".into()];
    args.extend(edited.iter().cloned());
    run("apply", &args);
    // Converged: the database read back plans nothing more against the edited models.
    let mut args = vec!["check".to_string(), db.url()];
    args.extend(edited);
    run("after apply", &args);
}

macro_rules! realworld_projects {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                realworld($name);
            }
        )*

        /// Every project of the corpus has its test above.
        #[test]
        fn every_realworld_project_is_tested() {
            let ours = [$($name),*];
            let dir = shared_dir().join("realworld/sqlalchemy");
            let mut theirs: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("manifest.toml").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            theirs.sort();
            let mut ours: Vec<String> = ours.iter().map(|s| s.to_string()).collect();
            ours.sort();
            assert_eq!(ours, theirs);
        }
    };
}

realworld_projects! {
    realworld_exact_buildbot => "buildbot",
    realworld_exact_calibre_web => "calibre-web",
    realworld_exact_ctfd => "ctfd",
    realworld_exact_dispatch => "dispatch",
    realworld_exact_dstack => "dstack",
    realworld_exact_flaskbb => "flaskbb",
    realworld_exact_ihatemoney => "ihatemoney",
    realworld_exact_pgadmin4 => "pgadmin4",
    realworld_exact_prefect => "prefect",
    realworld_exact_privacyidea => "privacyidea",
    realworld_exact_redash => "redash",
    realworld_exact_sqlalchemy_examples => "sqlalchemy-examples",
    realworld_exact_tracecat => "tracecat",
}

#[test]
fn what_the_static_reader_cannot_follow_is_said_and_never_dropped() {
    let s = Scratch::new("exact-unread");
    let current = s.file(
        "current.sql",
        "CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL, full_name varchar(255), legacy text);\nCREATE INDEX ix_users_full_name ON users (full_name);\n",
    );
    let model = s.file(
        "models.py",
        "from sqlalchemy import Column, Integer, String\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\nLENGTHS = {\"name\": 255, \"nick\": 40}\n\n\ndef text_column(field, **kw):\n    kw.setdefault(\"nullable\", True)\n    return Column(String(LENGTHS[field]), **kw)\n\n\nclass User(Base):\n    __tablename__ = \"users\"\n    id = Column(Integer, primary_key=True)\n    email = Column(String(255), nullable=False)\n    full_name = text_column(\"name\", index=True)\n    nickname = text_column(\"nick\")\n",
    );
    // Statically: a warning at each such attribute, and nothing dropped for being missing.
    let (stdout, stderr) = assert_succeeds(&["diff", &current, &model, "--allow-destructive"]);
    assert!(
        stderr
            .contains("models.py:17:5: warning: line 17: class User: `full_name = text_column(…)`")
            && stderr.contains("`nickname = text_column(…)`")
            && stderr.contains("--python"),
        "{stderr}"
    );
    assert!(!stdout.contains("DROP"), "unknown became a drop: {stdout}");
    // Exactly: the columns the function makes, the one the model lacks dropped as asked.
    let (stdout, _) = assert_succeeds(&[
        "diff",
        &current,
        &model,
        "--allow-destructive",
        &format!("--python={}", oracle().display()),
    ]);
    let statements: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("--")).collect();
    assert_eq!(
        statements,
        [
            "ALTER TABLE users DROP COLUMN legacy;",
            "ALTER TABLE users ADD COLUMN nickname character varying(40);",
        ],
        "{stdout}"
    );
}

#[test]
fn type_numbers_from_module_constants_are_read_and_unknown_ones_not_compared() {
    let s = Scratch::new("exact-constants");
    let text = "from sqlalchemy import Column, Integer, Numeric, String\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\nNAME_LEN = 80\nP, S = 12, 2\n\n\nclass Item(Base):\n    __tablename__ = \"items\"\n    id = Column(Integer, primary_key=True)\n    name = Column(String(NAME_LEN))\n    price = Column(Numeric(P, S))\n";
    let model = s.file("models.py", text);
    let current = s.file(
        "current.sql",
        "CREATE TABLE items (id serial PRIMARY KEY, name varchar(80), price numeric(12,2));\n",
    );
    // Read statically as SQLAlchemy reads them: nothing to change, and the same exactly.
    assert_succeeds(&["diff", &current, &model, "--exit-code"]);
    let python = format!("--python={}", oracle().display());
    assert_succeeds(&["diff", &current, &model, "--exit-code", &python]);
    // A length from a module not among the inputs cannot be read statically: the column is
    // not compared, never read as no length (which would plan removing the limit), and
    // nothing is dropped for it.
    let other = s.file(
        "other.py",
        text.replace("NAME_LEN = 80\n", "").replace(
            "Base = declarative_base()",
            "from settings import NAME_LEN\n\nBase = declarative_base()",
        ),
    );
    let (stdout, stderr) = assert_succeeds(&[
        "diff",
        &current,
        &other,
        "--exit-code",
        "--allow-destructive",
    ]);
    assert!(
        stderr.contains(
            "`String(…)` takes a number schemafix cannot read without running the models"
        ) && stderr.contains("column name: its definition is not read statically, so the column (and the keys and indexes on it) is not compared"),
        "{stderr}"
    );
    assert!(stdout.trim().is_empty(), "{stdout}");
    // A column the database lacks is not added either (its type is unknown).
    let lacking = s.file(
        "lacking.sql",
        "CREATE TABLE items (id serial PRIMARY KEY, price numeric(12,2));\n",
    );
    let (stdout, _) = assert_succeeds(&["diff", &lacking, &other, "--exit-code"]);
    assert!(stdout.trim().is_empty(), "{stdout}");
}

#[test]
fn a_package_read_statically_is_what_sqlalchemy_creates() {
    // A package as projects lay one out: the base (with its own columns and a naming
    // convention) in one module, types, constants and a partial in another, the models in a
    // subpackage importing them absolutely and relatively.
    let s = Scratch::new("static-package");
    for d in ["app", "app/models"] {
        std::fs::create_dir_all(s.path().join(d)).unwrap();
    }
    s.file("app/__init__.py", "");
    s.file(
        "app/db.py",
        "from sqlalchemy import MetaData\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    metadata = MetaData(naming_convention={\"fk\": \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\", \"ix\": \"ix_%(column_0_label)s\"})\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
    );
    s.file(
        "app/types.py",
        "import functools\n\nfrom sqlalchemy import Column, DateTime, String, types\n\nLONG = 255\nUSERS_ID = \"users.id\"\nDATETIME = DateTime(timezone=True)\nRequired = functools.partial(Column, nullable=False)\n\n\nclass Email(types.TypeDecorator):\n    impl = String\n    cache_ok = True\n",
    );
    s.file(
        "app/models/__init__.py",
        "from .user import User\nfrom .post import Post\n",
    );
    s.file(
        "app/models/user.py",
        "from sqlalchemy import Column, String\n\nfrom ..db import Base\nfrom ..types import DATETIME, LONG, Email, Required\n\n\nclass User(Base):\n    __tablename__ = \"users\"\n    email = Required(Email(LONG), index=True)\n    name = Column(String(LONG))\n    created = Column(DATETIME)\n",
    );
    s.file(
        "app/models/post.py",
        "from sqlalchemy import Column, ForeignKey, Integer, Text\n\nfrom app import types\nfrom app.db import Base\n\n\nclass Post(Base):\n    __tablename__ = \"posts\"\n    author_id = Column(Integer, ForeignKey(types.USERS_ID), nullable=False)\n    body = types.Required(Text)\n",
    );
    let empty = s.file("empty.sql", "");
    let app = s.path().join("app").to_string_lossy().into_owned();
    let python = format!("--python={}", oracle().display());
    let statements = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
            .map(String::from)
            .collect()
    };
    // From nothing: the same statements read statically as from real SQLAlchemy.
    let (exact_sql, _) = assert_succeeds(&["diff", &empty, &app, &python]);
    let (static_sql, stderr) = assert_succeeds(&["diff", &empty, &app]);
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(statements(&static_sql), statements(&exact_sql));
    assert!(
        static_sql.contains("fk_posts_author_id_users") && static_sql.contains("ix_users_email"),
        "{static_sql}"
    );
    // Against the schema SQLAlchemy makes, nothing; a reason cites the file and its line.
    let created = s.file("created.sql", statements(&exact_sql).join("\n"));
    let (stdout, _) = assert_succeeds(&["diff", &created, &app, "--exit-code"]);
    assert!(stdout.trim().is_empty(), "{stdout}");
    let lacking = s.file(
        "lacking.sql",
        statements(&exact_sql)
            .join("\n")
            .replace("    name character varying(255),\n", ""),
    );
    assert!(
        std::fs::read_to_string(&lacking).unwrap().len()
            < std::fs::read_to_string(&created).unwrap().len()
    );
    let (stdout, _) = assert_succeeds(&["diff", &lacking, &app]);
    assert_eq!(
        statements(&stdout),
        ["ALTER TABLE users ADD COLUMN name character varying(255);"],
        "{stdout}"
    );
    assert!(stdout.contains("app/models/user.py:10)"), "{stdout}");
    // Given alone, the models' module cannot see the base: refused, saying why, and nothing is
    // planned.
    let user = s
        .path()
        .join("app/models/user.py")
        .to_string_lossy()
        .into_owned();
    let stderr = refused(&["diff", &created, &user]);
    assert!(
        stderr.contains("no SQLAlchemy table read: class User names a table, but its base")
            && stderr.contains("is not defined in the models read"),
        "{stderr}"
    );
}

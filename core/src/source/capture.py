"""schemafix's model capture: import a project's SQLAlchemy models in this interpreter and say,
as one JSON object, the DDL SQLAlchemy's create_all would run for PostgreSQL, where each table
and column was declared, and the Python-side scalar defaults (read by core's parse_capture).

Run by `schemafix ... --python` as `python -c <this> REQUEST`, which prints the JSON, and in the
browser by the playground's Pyodide worker, which calls `run(REQUEST)`. REQUEST is a JSON object:
  {"models": [file, package directory or dotted module, ...], "paths": [dir, ...],
   "pg_version": the PostgreSQL major version the DDL is for (default 17)}
Depends on SQLAlchemy only (1.3 to 2.x). Nothing is written anywhere and no database is
contacted: DDL is compiled through a mock engine.
"""

import importlib
import json
import os
import sys
import traceback
import types

FORMAT = 1
# Directories a package walk does not import: migration scripts run Alembic at import, tests
# need their runner.
SKIPPED_DIRS = {"migrations", "alembic", "versions", "tests", "test", "__pycache__"}
SKIPPED_FILES = {"setup.py", "conftest.py", "__main__.py", "manage.py", "wsgi.py"}

LIBRARY_DIRS = tuple(
    os.path.abspath(p) + os.sep
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
)


class Failure(Exception):
    """A problem with the user's project, reported as it is."""

    def __init__(self, kind, message, file=None, line=None, column=None, trace=None):
        super().__init__(message)
        self.kind, self.message = kind, message
        self.file, self.line, self.column, self.trace = file, line, column, trace


def is_user_file(path):
    if not path or path.startswith("<"):
        return False
    path = os.path.abspath(path)
    if "site-packages" in path or "dist-packages" in path:
        return False
    return not path.startswith(LIBRARY_DIRS)


def shown(path):
    """A file name as messages show it: relative to the working directory when under it."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def user_frame(frame):
    """The innermost frame running the user's code, from `frame` outwards."""
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            return frame
        frame = frame.f_back
    return None


def located():
    """Where the user's code asks for what is being made: the class body that does (a column
    made by a helper function called in a class body is that body's line), else the innermost
    line of the user's code."""
    frame = user_frame(sys._getframe(2))
    if frame is None:
        return None
    outer = frame
    while outer is not None:
        names = outer.f_code.co_names
        if is_user_file(outer.f_code.co_filename) and "__qualname__" in outer.f_locals \
                and "__module__" in outer.f_locals and "__module__" in names:
            return (outer.f_code.co_filename, outer.f_lineno)
        outer = outer.f_back
    return (frame.f_code.co_filename, frame.f_lineno)


def record_locations(sqlalchemy):
    """Notes where the user's code asks for each Column (see `located`), and where each Table
    joins its MetaData."""
    from sqlalchemy import Column, Table, event

    if Column.__dict__.get("_schemafix_recording"):
        return  # An interpreter that runs the capture again (the browser's) records once.
    Column._schemafix_recording = True
    init = Column.__init__

    def column_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if getattr(self, "_schemafix_at", None) is None:
            self._schemafix_at = located()

    Column.__init__ = column_init
    # A mixin's column is copied into each class that uses it: the copy keeps the line.
    for name in ("_copy", "copy"):
        original = Column.__dict__.get(name)
        if original is None:
            continue

        def copy(self, *args, __original=original, **kwargs):
            new = __original(self, *args, **kwargs)
            at = getattr(self, "_schemafix_at", None)
            if at is not None:
                try:
                    new._schemafix_at = at
                except AttributeError:
                    pass
            return new

        setattr(Column, name, copy)
    counter = [0]

    def table_attached(table, parent):
        if getattr(table, "_schemafix_at", None) is None:
            frame = user_frame(sys._getframe(1))
            table._schemafix_at = (
                None if frame is None else (frame.f_code.co_filename, frame.f_lineno)
            )
            counter[0] += 1
            table._schemafix_seq = counter[0]

    event.listen(Table, "after_parent_attach", table_attached)


def deepest_root(path, roots):
    best = None
    for root in roots:
        root = os.path.abspath(root)
        if path.startswith(root + os.sep) and (best is None or len(root) > len(best)):
            best = root
    return best


def dotted(path, base):
    """The dotted module name of `path` below `base`, or None when it is not one."""
    rel = os.path.relpath(path, base)
    parts = rel[:-3].split(os.sep) if rel.endswith(".py") else rel.split(os.sep)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if parts and all(p.isidentifier() for p in parts):
        return ".".join(parts)
    return None


def on_path(directory):
    if directory not in sys.path:
        sys.path.insert(0, directory)


def import_base(path, roots):
    """The directory `path` (a file or a package) is imported from: the deepest root holding
    it, where its path is a dotted name; else its own parent, which joins sys.path."""
    base = deepest_root(path, roots)
    if base is None or dotted(path, base) is None:
        base = os.path.dirname(path)
        on_path(base)
    return base


def module_name(path, base):
    name = dotted(path, base)
    if name is None:
        raise Failure("models", "%s cannot be imported: its name is no module name" % shown(path))
    return name


def modules_to_import(spec, roots):
    if os.path.isdir(spec):
        top = os.path.abspath(spec)
        found = []
        for here, dirs, files in os.walk(top):
            dirs[:] = sorted(
                d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
            )
            for f in sorted(files):
                if f.endswith(".py") and f not in SKIPPED_FILES:
                    found.append(os.path.join(here, f))
        if not found:
            raise Failure("models", "%s holds no Python file" % shown(top))
        base = import_base(top, roots)
        return [module_name(f, base) for f in found]
    if spec.endswith(".py") or os.path.sep in spec:
        if not os.path.isfile(spec):
            raise Failure("models", "%s: no such file" % spec)
        path = os.path.abspath(spec)
        return [module_name(path, import_base(path, roots))]
    if all(p.isidentifier() for p in spec.split(".")):
        return [spec]
    raise Failure("models", "%s is neither a file, a directory nor a dotted module name" % spec)


def failure_from(exc):
    """The user's error: its file and line (the innermost frame in their code)."""
    tb = traceback.extract_tb(exc.__traceback__)
    user = [f for f in tb if is_user_file(f.filename)]
    # The frames that led there (the error's own line is the diagnostic's).
    trace = "".join(traceback.format_list(user[-5:-1]))
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if isinstance(exc, SyntaxError) and exc.filename:
        return Failure("syntax", message, shown(exc.filename), exc.lineno, exc.offset, trace)
    if user:
        return Failure("python", message, shown(user[-1].filename), user[-1].lineno, None, trace)
    return Failure("python", message, None, None, None, trace)


def describe(md, modules):
    """How the user's code names a MetaData: a MetaData itself, then an object holding it
    (`db.metadata`, a registry), then the class that declares it (a declarative base)."""
    found = {}
    for name in modules:
        mod = sys.modules.get(name)
        for attr, value in sorted(vars(mod).items()) if mod else ():
            try:
                if value is md:
                    found.setdefault(0, "%s:%s" % (name, attr))
                elif isinstance(value, type):
                    if value.__dict__.get("metadata") is md:
                        found.setdefault(2, "%s:%s.metadata" % (name, attr))
                elif getattr(value, "metadata", None) is md:
                    found.setdefault(1, "%s:%s.metadata" % (name, attr))
            except Exception:
                continue
    return found[min(found)] if found else "a MetaData"


def literal(column, value, dialect):
    """A Python-side scalar default as a PostgreSQL literal, or None."""
    import sqlalchemy

    if value is None or callable(value):
        return None
    try:
        text = sqlalchemy.literal(value, column.type).compile(
            dialect=dialect, compile_kwargs={"literal_binds": True}
        )
        return str(text)
    except Exception:
        return None


def reachable_metadata(MetaData, Table):
    """Every MetaData holding a table that the user's modules reach: a MetaData, anything with
    a `.metadata` (a declarative base or registry, Flask-SQLAlchemy's db, SQLModel), a Table, a
    mapped class; in the order their tables were declared. Libraries' own MetaData (such as
    SQLAlchemy's pg_catalog tables) are not the user's."""
    found = []

    def add(md):
        if isinstance(md, MetaData) and md.tables and all(md is not m for m in found):
            found.append(md)

    for name, mod in list(sys.modules.items()):
        if mod is None or not is_user_file(getattr(mod, "__file__", None)):
            continue
        for value in list(vars(mod).values()):
            if isinstance(value, types.ModuleType):
                continue
            try:
                if isinstance(value, MetaData):
                    add(value)
                elif isinstance(value, Table):
                    add(value.metadata)
                else:
                    add(getattr(value, "metadata", None))
                    table = getattr(value, "__table__", None)
                    if isinstance(table, Table):
                        add(table.metadata)
            except Exception:
                continue
    found.sort(
        key=lambda md: min(getattr(t, "_schemafix_seq", 1 << 60) for t in md.tables.values())
    )
    return found


def source_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def capture(request):
    try:
        import sqlalchemy
    except ImportError as exc:
        raise Failure(
            "setup",
            "SQLAlchemy cannot be imported by %s: %s (install it there, or name the project's "
            "interpreter: --python=PATH or SCHEMAFIX_PYTHON)" % (sys.executable, exc),
        )
    from sqlalchemy import MetaData
    from sqlalchemy.engine.url import make_url

    roots = [os.path.abspath(p) for p in request.get("paths", [])] + [os.getcwd()]
    for p in reversed(roots):
        if p not in sys.path:
            sys.path.insert(0, p)
    record_locations(sqlalchemy)
    modules = []
    for spec in request["models"]:
        modules.extend(modules_to_import(spec, roots))
    for name in modules:
        try:
            importlib.import_module(name)
        except Failure:
            raise
        except Exception as exc:
            raise failure_from(exc)
    try:
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
    except ImportError:
        pass
    except Exception as exc:
        raise failure_from(exc)

    metadatas = reachable_metadata(MetaData, sqlalchemy.Table)
    if not metadatas:
        raise Failure(
            "empty",
            "the models define no table: after importing %s, no MetaData holds a table "
            "(looked for every MetaData: declarative bases and registries, Flask-SQLAlchemy's "
            "db.metadata, SQLModel.metadata, module-level MetaData and Table objects)"
            % ", ".join(modules),
        )
    statements = []
    files = []

    def file_index(at):
        if not at:
            return 0, 0
        path = os.path.abspath(at[0])
        if path not in files:
            files.append(path)
        return files.index(path) + 1, at[1]

    def origin(element):
        target = getattr(element, "element", None)
        table = None
        for attr in ("table", "parent"):
            if table is None and target is not None:
                cand = getattr(target, attr, None)
                table = cand if isinstance(cand, sqlalchemy.Table) else None
        if isinstance(target, sqlalchemy.Table):
            table = target
        if isinstance(target, sqlalchemy.Column):
            at = getattr(target, "_schemafix_at", None)
            if at:
                return at
        return getattr(table, "_schemafix_at", None) if table is not None else None

    def executor(sql, *multiparams, **params):
        # DDL listeners may run plain strings (SQLAlchemy 1.3 passes them on as they are).
        if not isinstance(sql, str):
            sql = str(sql.compile(dialect=engine.dialect))
        text = sql.strip().rstrip(";").strip()
        if text:
            f, line = file_index(origin(sql))
            statements.append({"sql": text, "file": f, "line": line})

    url = make_url("postgresql://")
    try:
        from sqlalchemy import create_mock_engine

        engine = create_mock_engine(url, executor, paramstyle="named")
    except ImportError:  # SQLAlchemy 1.3
        engine = sqlalchemy.create_engine(
            url, strategy="mock", executor=executor, paramstyle="named"
        )
    # The server the DDL is for (SQLAlchemy's PostgreSQL dialect follows it, e.g. a Computed
    # column is STORED before 18): the one being migrated, else 17.
    version = int(request.get("pg_version") or 17)
    engine.dialect.server_version_info = (version, 0)
    if hasattr(engine.dialect, "supports_virtual_generated_columns"):
        engine.dialect.supports_virtual_generated_columns = version >= 18
    names = []
    tables = []
    for md in metadatas:
        names.append({"name": describe(md, modules), "tables": len(md.tables)})
        try:
            md.create_all(engine, checkfirst=False)
        except Exception as exc:
            raise failure_from(exc)
        for table in md.sorted_tables:
            tf, tl = file_index(getattr(table, "_schemafix_at", None))
            columns = []
            for c in table.columns:
                cf, cl = file_index(getattr(c, "_schemafix_at", None))
                entry = {"name": c.name, "file": cf, "line": cl}
                d = c.default
                if d is not None and c.server_default is None and getattr(d, "is_scalar", False):
                    value = literal(c, d.arg, engine.dialect)
                    if value is not None:
                        entry["python_default"] = value
                columns.append(entry)
            tables.append(
                {"schema": table.schema, "name": table.name, "file": tf, "line": tl,
                 "columns": columns}
            )
    return {
        "schemafix_capture": FORMAT,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "sqlalchemy": sqlalchemy.__version__,
        "metadata": names,
        "files": [{"name": shown(f), "text": source_text(f)} for f in files],
        "statements": statements,
        "tables": tables,
    }


def run(request_json):
    """The capture of the request (a JSON text), as a JSON text."""
    out = sys.stdout
    # What the user's modules print at import is theirs, not the capture's.
    sys.stdout = sys.stderr
    try:
        result = capture(json.loads(request_json))
    except BaseException as exc:  # SystemExit from the user's code included
        f = exc if isinstance(exc, Failure) else failure_from(exc)
        result = {
            "schemafix_capture": FORMAT,
            "error": {"kind": f.kind, "message": f.message, "file": f.file, "line": f.line,
                      "column": f.column, "trace": f.trace},
            "files": [{"name": f.file, "text": source_text(f.file)}] if f.file else [],
        }
    finally:
        sys.stdout = out
    return json.dumps(result)


if __name__ == "__main__":
    sys.stdout.write(run(sys.argv[1]) + "\n")
    sys.stdout.flush()

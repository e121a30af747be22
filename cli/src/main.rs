//! `schemafix`: compare two PostgreSQL schemas (files, pastes, models or live databases), print
//! the migration, or apply it to a live database.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use schemafix_cli::connect::{
    is_conninfo, is_url, redact, register_secret, register_secrets, ConnSpec,
};
use schemafix_cli::db::{apply, read_schema, server_major, ApplyOptions, Cause, DbError, Timeouts};
use schemafix_cli::report;
use schemafix_core::{
    creation_statements, file_of, migrate_parsed, parse_capture, parse_in, parse_sqlalchemy_files,
    render_sqlalchemy, DiagKind, Diagnostic, Filter, Format, Migration, ModelFile, Parsed,
    PlanOptions, Rename, Revision, Schema, Severity, SourceFile,
};

/// `print!` that ends the program quietly when the reader of standard output has gone
/// (`schemafix inspect … | head`), instead of panicking.
macro_rules! out {
    ($($t:tt)*) => {
        if let Err(e) = write!(std::io::stdout(), $($t)*) {
            stdout_failed(e)
        }
    };
}

/// `println!`, as [`out!`].
macro_rules! outln {
    ($($t:tt)*) => {
        if let Err(e) = writeln!(std::io::stdout(), $($t)*) {
            stdout_failed(e)
        }
    };
}

fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("schemafix: cannot write the output: {e}");
    std::process::exit(2);
}

const DIFF_EXAMPLES: &str = "\
Examples:
  schemafix diff users.d.txt models.py             # a psql paste against a SQLAlchemy model
  schemafix diff schema.sql postgres://app@db/shop # a dump against a live database
  schemafix diff postgres://localhost/staging postgres://localhost/prod --format json
  pbpaste | schemafix diff - models.py --allow-destructive
  schemafix diff users.d.txt models.py --format alembic --down-revision 1a2b3c4d5e6f > migrations/versions/fix_users.py
  schemafix diff old.sql new.sql --down     # the down migration";

const CHECK_EXAMPLES: &str = "\
Examples:
  schemafix check \"$DATABASE_URL\" app/models.py   # like `alembic check`, in CI
  schemafix check postgres://localhost/dev postgres://localhost/prod";

const APPLY_EXAMPLES: &str = "\
Examples:
  schemafix apply --db postgres://app@localhost/shop models.py
  DATABASE_URL=postgres://app@db/shop schemafix apply models.py --yes
  schemafix apply models.py --dry-run       # run it, roll it back: proves it applies
  PGHOST=/var/run/postgresql PGDATABASE=shop schemafix apply new.sql --lock-timeout 2s";

const INSPECT_EXAMPLES: &str = "\
Examples:
  schemafix inspect users.d.txt --format sql     # what schemafix read from a psql paste
  schemafix inspect postgres://localhost/shop --format json
  schemafix inspect postgres://localhost/shop --format sqlalchemy > models.py  # start a model";

#[derive(Parser)]
#[command(
    name = "schemafix",
    version,
    about = "Fix PostgreSQL schema drift: compare two schemas, get safe migration SQL, apply it.",
    long_about = "Fix PostgreSQL schema drift. FROM and TO are each a file (a psql `\\d` paste, SQL DDL or \
pg_dump --schema-only output, or a SQLAlchemy model; the format is detected), `-` for standard input, or a \
database (a postgres:// URL, or a libpq key=value string such as 'host=db dbname=shop'). Connections also read DATABASE_URL and libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, \
PGDATABASE, PGSSLMODE and PGSSLROOTCERT; passwords are never printed.\n\n\
Exit codes: 0 success (no drift), 1 drift (check, diff --exit-code), 2 bad input, no connection, \
or an apply nobody confirmed, 3 apply failed and was rolled back, or did not converge, 4 the \
database failed while read (a lock or statement timeout), 5 the outcome of an apply is unknown \
(the connection was lost at COMMIT and a fresh read could not tell)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the migration from FROM (what exists) to TO (what is wanted).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff {
        #[command(flatten)]
        args: DiffArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutFormat::Sql)]
        format: OutFormat,
        /// Print the down migration (the inverse of the steps) instead (SQL format).
        #[arg(long)]
        down: bool,
        /// Exit with 1 when there are changes.
        #[arg(long)]
        exit_code: bool,
        #[command(flatten)]
        revision: RevisionArgs,
    },
    /// Exit 0 when FROM matches TO, 1 on drift (for CI); print a summary.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        #[command(flatten)]
        args: DiffArgs,
    },
    /// Bring a live database to TO: plan, confirm, apply in one transaction, verify.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply {
        /// The database (a postgres:// URL or key=value string); else DATABASE_URL, then PG*.
        #[arg(long)]
        db: Option<String>,
        /// The desired schema: a file, `-` for standard input, or another database's URL; with
        /// --python, models (a file, package directory or dotted module).
        to: String,
        #[command(flatten)]
        python: PythonArgs,
        /// Override TO's format detection (sql, psql, sqlalchemy).
        #[arg(long)]
        to_format: Option<String>,
        /// Emit destructive steps (drops, narrowing type changes) instead of skipping them.
        #[arg(long)]
        allow_destructive: bool,
        /// Apply without asking (required when standard input is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Accept an empty desired schema (a blank or comment-only TO), whose plan drops
        /// everything (with --allow-destructive).
        #[arg(long)]
        allow_empty: bool,
        /// Run the plan in a transaction and roll it back: proves it applies, changes nothing.
        #[arg(long)]
        dry_run: bool,
        /// How long any step (and the catalog reads) may wait for a lock (e.g. 5s, 500ms,
        /// 1m; 0 waits forever).
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        lock_timeout: Duration,
        /// How long any step may run (0 for no limit).
        #[arg(long, default_value = "15m", value_parser = parse_duration)]
        statement_timeout: Duration,
        /// Online mode (see `diff --online`): phase by phase, each transactional phase
        /// committed on its own; with --dry-run the plain plan is tried instead.
        #[arg(long)]
        online: bool,
        /// A column or table renamed, not dropped and added (repeatable):
        /// TABLE.COLUMN=NEW_NAME or TABLE=NEW_NAME; ENUM.LABEL=NEW_LABEL renames an enum's
        /// label (labels with capitals in double quotes).
        #[arg(long = "rename", value_name = "TABLE[.COLUMN]=NEW", value_parser = parse_rename)]
        renames: Vec<Rename>,
        /// Compare privileges (GRANT/REVOKE on tables, columns, sequences, functions, schemas and
        /// types): every role's, or with =ROLE,… only those roles' (PUBLIC for everyone). Roles
        /// are never created or dropped.
        #[arg(long, value_name = "ROLE,…", num_args = 0..=1, require_equals = true, value_delimiter = ',', default_missing_value = "")]
        privileges: Option<Vec<String>>,
        /// Compare owners (ALTER … OWNER TO) where both sides state them; the roles must
        /// exist, and are never created or dropped.
        #[arg(long)]
        owners: bool,
        /// The schema a SQL file's unqualified names are in, as under `SET search_path = SCHEMA`
        /// at its top (a session whose search path starts there, such as a role's own schema).
        #[arg(long, value_name = "SCHEMA", default_value = "public")]
        search_path: String,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Show what schemafix understood of SOURCE: as SQL, as JSON, or as SQLAlchemy models.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect {
        /// A file, `-` for standard input, or a database (postgres:// URL or key=value string);
        /// with --python, models (a file, package directory or dotted module).
        source: String,
        #[command(flatten)]
        python: PythonArgs,
        #[command(flatten)]
        timeouts: TimeoutArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = InspectFormat::Json)]
        format: InspectFormat,
        /// Override format detection (sql, psql, sqlalchemy).
        #[arg(long)]
        input_format: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Which schemas and tables are compared: psql-style patterns (`*` and `?` wildcards, a
/// double-quoted part as written, `SCHEMA.TABLE`), added to those of `schemafix.toml` in the
/// current directory. What they leave out is listed as not compared.
#[derive(clap::Args)]
struct FilterArgs {
    /// Compare only the objects of the schemas PATTERN matches (repeatable).
    #[arg(long = "schema", value_name = "PATTERN")]
    schemas: Vec<String>,
    /// Leave out the objects of the schemas PATTERN matches (repeatable).
    #[arg(long = "exclude-schema", value_name = "PATTERN")]
    exclude_schemas: Vec<String>,
    /// Compare only the tables, views and sequences PATTERN matches, and no other kind of
    /// object, as pg_dump --table (repeatable).
    #[arg(long = "table", value_name = "PATTERN")]
    tables: Vec<String>,
    /// Leave out the tables, views and sequences PATTERN matches (repeatable).
    #[arg(long = "exclude-table", value_name = "PATTERN")]
    exclude_tables: Vec<String>,
}

/// `schemafix.toml`: `[filter]` with `schemas`, `exclude_schemas`, `tables`, `exclude_tables`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    filter: FilterFile,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FilterFile {
    #[serde(default)]
    schemas: Vec<String>,
    #[serde(default)]
    exclude_schemas: Vec<String>,
    #[serde(default)]
    tables: Vec<String>,
    #[serde(default)]
    exclude_tables: Vec<String>,
}

impl FilterArgs {
    /// The patterns of `schemafix.toml` (when the current directory has one) and the flags.
    fn get(&self) -> Result<Filter, Failure> {
        let file = match std::fs::read_to_string(CONFIG_FILE) {
            Ok(text) => toml::from_str::<ConfigFile>(&text)
                .map_err(|e| bad_input(format!("{CONFIG_FILE}: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(e) => return Err(bad_input(format!("{CONFIG_FILE}: {e}"))),
        };
        let both = |a: Vec<String>, b: &[String]| a.into_iter().chain(b.iter().cloned()).collect();
        let f = Filter {
            schemas: both(file.filter.schemas, &self.schemas),
            exclude_schemas: both(file.filter.exclude_schemas, &self.exclude_schemas),
            tables: both(file.filter.tables, &self.tables),
            exclude_tables: both(file.filter.exclude_tables, &self.exclude_tables),
        };
        f.validate().map_err(bad_input)?;
        Ok(f)
    }
}

/// The configuration file read from the current directory.
const CONFIG_FILE: &str = "schemafix.toml";

/// How long reading a database's catalog may wait for a lock, and run.
#[derive(clap::Args)]
struct TimeoutArgs {
    /// How long reading a database may wait for a lock (e.g. 5s, 500ms, 1m; 0 waits forever).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    lock_timeout: Duration,
    /// How long reading a database may run (0 for no limit).
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    statement_timeout: Duration,
}

impl TimeoutArgs {
    fn get(&self) -> Timeouts {
        Timeouts {
            lock: self.lock_timeout,
            statement: self.statement_timeout,
        }
    }
}

/// The exact model reading: the models run by Python with real SQLAlchemy.
#[derive(clap::Args)]
struct PythonArgs {
    /// Read the models by running them with SQLAlchemy: the desired schema (and any more
    /// MODELS after it) is a .py file, a package directory or a dotted module (app.models),
    /// imported by INTERPRETER (default: SCHEMAFIX_PYTHON, then $VIRTUAL_ENV/bin/python, then
    /// python3) with the current directory and each --python-path first on sys.path.
    #[arg(
        long,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "",
        value_name = "INTERPRETER"
    )]
    python: Option<String>,
    /// A directory put first on sys.path for --python (repeatable).
    #[arg(long, value_name = "DIR")]
    python_path: Vec<String>,
    /// How long importing the models may take (--python).
    #[arg(long, default_value = "2m", value_parser = parse_duration)]
    python_timeout: Duration,
    /// More model files or package directories, read with the desired one as one package
    /// (statically; with --python, dotted modules too).
    #[arg(value_name = "MODELS")]
    more_models: Vec<String>,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The current schema: a file, `-` for standard input, or a database (URL or key=value).
    from: String,
    /// The desired schema: a file, `-` for standard input, or a database (URL or key=value);
    /// with --python, models (a file, package directory or dotted module).
    to: String,
    #[command(flatten)]
    python: PythonArgs,
    /// Emit destructive steps (drops, narrowing type changes) instead of listing them as skipped.
    #[arg(long)]
    allow_destructive: bool,
    /// Online mode: indexes built and dropped CONCURRENTLY, constraints added NOT VALID and
    /// validated later, SET NOT NULL through a validated check, lock and statement timeouts;
    /// the script runs in labelled phases (psql -f), some outside a transaction.
    #[arg(long)]
    online: bool,
    /// The PostgreSQL major version the plan is for (hazards follow it); default: FROM's
    /// server when FROM is a database, else any supported release.
    #[arg(long, value_parser = clap::value_parser!(u32).range(9..=99))]
    pg_version: Option<u32>,
    /// A column or table renamed, not dropped and added (repeatable): TABLE.COLUMN=NEW_NAME or
    /// TABLE=NEW_NAME, as the "likely rename" notes suggest; it becomes RENAME COLUMN (RENAME
    /// TO) and keeps the data. ENUM.LABEL=NEW_LABEL renames an enum's label (ALTER TYPE …
    /// RENAME VALUE: the rows holding it hold the new one; labels with capitals in double
    /// quotes).
    #[arg(long = "rename", value_name = "TABLE[.COLUMN]=NEW", value_parser = parse_rename)]
    renames: Vec<Rename>,
    /// Compare privileges (GRANT/REVOKE on tables, columns, sequences, functions, schemas and
    /// types): every role's, or with =ROLE,… only those roles' (PUBLIC for everyone). Roles
    /// are never created or dropped.
    #[arg(long, value_name = "ROLE,…", num_args = 0..=1, require_equals = true, value_delimiter = ',', default_missing_value = "")]
    privileges: Option<Vec<String>>,
    /// Compare owners (ALTER … OWNER TO) where both sides state them; the roles must exist,
    /// and are never created or dropped.
    #[arg(long)]
    owners: bool,
    /// The schema a SQL file's unqualified names are in, as under `SET search_path = SCHEMA`
    /// at its top (a session whose search path starts there, such as a role's own schema).
    #[arg(long, value_name = "SCHEMA", default_value = "public")]
    search_path: String,
    #[command(flatten)]
    timeouts: TimeoutArgs,
    #[command(flatten)]
    filter: FilterArgs,
    /// Override FROM's format detection (sql, psql, sqlalchemy).
    #[arg(long)]
    from_format: Option<String>,
    /// Override TO's format detection (sql, psql, sqlalchemy).
    #[arg(long)]
    to_format: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Sql,
    Json,
    /// An Alembic revision module (upgrade and downgrade).
    Alembic,
}

/// The Alembic revision's identity (`--format alembic`).
#[derive(clap::Args)]
struct RevisionArgs {
    /// The revision id (default: 12 random hex digits, as Alembic makes them).
    #[arg(long)]
    revision: Option<String>,
    /// The revision this one follows (`down_revision`); none for the first.
    #[arg(long)]
    down_revision: Option<String>,
    /// The revision message.
    #[arg(
        long,
        short = 'm',
        default_value = "schemafix: bring the schema to the model"
    )]
    message: String,
}

/// 12 hex digits that differ between runs (Alembic's ids are random too).
fn new_revision_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

/// The current UTC time as Alembic writes `Create Date:`.
fn create_date() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = schemafix_core::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:06}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_micros()
    )
}

#[derive(Clone, Copy, ValueEnum)]
enum InspectFormat {
    Sql,
    Json,
    Sqlalchemy,
}

/// Parses `5s`, `500ms`, `2m`, `1h` or a number of seconds.
fn parse_rename(s: &str) -> Result<Rename, String> {
    Rename::parse(s)
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 5s, 500ms, 2m)"))?;
    Ok(match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        other => return Err(format!("unknown unit {other:?} (ms, s, m, h)")),
    })
}

/// Why a command stopped, and its exit code (documented in `--help` and the README).
struct Failure {
    message: String,
    code: u8,
}

/// Bad input or an unreachable database: exit 2.
fn bad_input(message: String) -> Failure {
    Failure { message, code: 2 }
}

/// The database failed while it was being read (a lock or statement timeout, a server error):
/// exit 4.
fn database(message: String) -> Failure {
    Failure { message, code: 4 }
}

/// A database error's exit code follows whose it is.
fn db_failure(e: DbError) -> Failure {
    match e.1 {
        Cause::Input => bad_input(e.0),
        Cause::Database => database(e.0),
    }
}

fn read_text(path: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let res = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    let name = redact(path);
    res.map_err(|e| bad_input(format!("{name}: {e}")))?;
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(bad_input(format!(
            "{name}:1:1: UTF-16 text (it starts with a UTF-16 byte-order mark); save the file as UTF-8"
        )));
    }
    // A UTF-8 byte-order mark is no part of the text.
    if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        // Line and column of the bad byte (columns count characters, as diagnostics do).
        let before = String::from_utf8_lossy(&bytes[..at]);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let what = if bytes.contains(&0) {
            "binary data, not a schema"
        } else {
            "not UTF-8 text; save the file as UTF-8"
        };
        bad_input(format!(
            "{name}:{line}:{column}: {what} (byte 0x{:02x} at offset {at})",
            bytes[at]
        ))
    })
}

fn format_arg(f: &Option<String>) -> Result<Option<Format>, Failure> {
    match f {
        None => Ok(None),
        Some(name) => Format::from_name(name)
            .map(Some)
            .ok_or_else(|| bad_input(format!("unknown format {name:?} (sql, psql, sqlalchemy)"))),
    }
}

/// One side of a comparison, read and parsed.
struct Side {
    /// How messages name it (a path, or the URL without its password).
    name: String,
    /// The text, for a file (diagnostics quote its lines).
    text: Option<String>,
    format: Format,
    parsed: Parsed,
    /// A database's server major version.
    pg_version: Option<u32>,
    /// Models read by running them (`--python`).
    exact: bool,
    /// Read from several files: the files its diagnostics point into.
    files: Vec<SourceFile>,
}

/// The models read by running them (`--python`).
fn load_models(arg: &str, python: &PythonArgs, pg_version: Option<u32>) -> Result<Side, Failure> {
    let interpreter = schemafix_cli::python::interpreter(python.python.as_deref());
    let mut models = vec![arg.to_string()];
    models.extend(python.more_models.iter().cloned());
    if let Some(m) = models.iter().find(|m| *m == "-" || is_url(m)) {
        return Err(bad_input(format!(
            "{}: --python reads models from files, package directories or dotted modules",
            redact(m)
        )));
    }
    let json = schemafix_cli::python::capture(
        &interpreter,
        &models,
        &python.python_path,
        pg_version,
        python.python_timeout,
    )
    .map_err(bad_input)?;
    let (parsed, text) = parse_capture(&json);
    let name = match models.len() {
        1 => models[0].clone(),
        n => format!("{} (and {} more)", models[0], n - 1),
    };
    Ok(Side {
        name,
        text: Some(text),
        format: Format::SqlAlchemy,
        exact: true,
        files: parsed.files.clone(),
        parsed,
        pg_version: None,
    })
}

/// The desired side: models run with `--python` (their DDL for a server of `pg_version`), or
/// `load`.
fn load_desired(
    arg: &str,
    format: &Option<String>,
    python: &PythonArgs,
    pg_version: Option<u32>,
    timeouts: &Timeouts,
    schema: &str,
) -> Result<Side, Failure> {
    if python.python.is_some() {
        return load_models(arg, python, pg_version);
    }
    if !python.more_models.is_empty() || std::path::Path::new(arg).is_dir() {
        let mut models = vec![arg.to_string()];
        models.extend(python.more_models.iter().cloned());
        return load_static_models(&models);
    }
    load(arg, format, timeouts, schema)
}

/// Several model files, or package directories, read statically as one model.
fn load_static_models(models: &[String]) -> Result<Side, Failure> {
    let mut files = Vec::new();
    for m in models {
        if m == "-" || is_url(m) {
            return Err(bad_input(format!(
                "{}: several models are read from files and package directories",
                redact(m)
            )));
        }
        for (path, module) in
            schemafix_cli::python::model_files(std::path::Path::new(m)).map_err(bad_input)?
        {
            files.push(ModelFile {
                text: read_text(&path.to_string_lossy())?,
                name: path.to_string_lossy().into_owned(),
                module,
            });
        }
    }
    if files.is_empty() {
        return Err(bad_input(format!(
            "{}: no Python files to read models from",
            models.join(", ")
        )));
    }
    let (parsed, text) = parse_sqlalchemy_files(&files);
    Ok(Side {
        files: parsed.files.clone(),
        name: match models.len() {
            1 => models[0].clone(),
            n => format!("{} (and {} more)", models[0], n - 1),
        },
        text: Some(text),
        format: Format::SqlAlchemy,
        parsed,
        pg_version: None,
        exact: false,
    })
}

/// Reads one side: a database, or a file whose SQL runs under the search path `schema`.
fn load(
    arg: &str,
    format: &Option<String>,
    timeouts: &Timeouts,
    schema: &str,
) -> Result<Side, Failure> {
    if is_url(arg) || (is_conninfo(arg) && !std::path::Path::new(arg).exists()) {
        let spec = ConnSpec::from_env(Some(arg)).map_err(|e| bad_input(e.0))?;
        let (parsed, version) = read_schema(&spec, timeouts).map_err(db_failure)?;
        return Ok(Side {
            name: spec.to_string(),
            text: None,
            format: Format::Database,
            parsed,
            pg_version: Some(version),
            exact: false,
            files: Vec::new(),
        });
    }
    let text = read_text(arg)?;
    let (format, parsed) = parse_in(&text, format_arg(format)?, schema);
    Ok(Side {
        name: redact(arg),
        text: Some(text),
        format,
        parsed,
        pg_version: None,
        exact: false,
        files: Vec::new(),
    })
}

fn print_diagnostics(side: &Side, diags: &[Diagnostic]) {
    for d in diags {
        if d.severity == Severity::Note {
            continue;
        }
        // Models read from several files name the file a diagnostic points into.
        let name = file_of(&side.files, d.span).unwrap_or(&side.name);
        match &side.text {
            Some(text) => eprintln!("{}", d.render(name, text)),
            None => eprintln!("{name}: {d}"),
        }
    }
    if side.format == Format::SqlAlchemy
        && !side.exact
        && diags
            .iter()
            .any(|d| matches!(d.severity, Severity::Error | Severity::Warning))
    {
        eprintln!(
            "hint: {} was read without running it; to read the models exactly as SQLAlchemy does, run them with the project's Python: --python (or --python=INTERPRETER)",
            side.name
        );
    }
}

/// `--privileges[=ROLE,…]` as `PlanOptions::privileges`: every role's for the bare flag.
fn roles(arg: &Option<Vec<String>>) -> Option<Vec<String>> {
    arg.as_ref()
        .map(|r| r.iter().filter(|r| !r.is_empty()).cloned().collect())
}

fn run_diff(args: &DiffArgs) -> Result<Migration, Failure> {
    // Both sides are read at once: two databases' catalogs are queried and decoded in parallel.
    let timeouts = args.timeouts.get();
    let (from, to) = if args.python.python.is_some() {
        // Models run for the server being migrated: FROM is read first.
        let from = load(&args.from, &args.from_format, &timeouts, &args.search_path)?;
        let version = args.pg_version.or(from.pg_version);
        let to = load_desired(
            &args.to,
            &args.to_format,
            &args.python,
            version,
            &timeouts,
            &args.search_path,
        );
        (Ok(from), to)
    } else {
        std::thread::scope(|s| {
            let to = s.spawn(|| {
                load_desired(
                    &args.to,
                    &args.to_format,
                    &args.python,
                    None,
                    &timeouts,
                    &args.search_path,
                )
            });
            let from = load(&args.from, &args.from_format, &timeouts, &args.search_path);
            (
                from,
                to.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            )
        })
    };
    let (mut from, mut to) = (from?, to?);
    let options = PlanOptions {
        allow_destructive: args.allow_destructive,
        online: args.online,
        // The server being migrated, unless told otherwise.
        pg_version: args.pg_version.or(from.pg_version),
        renames: args.renames.clone(),
        privileges: roles(&args.privileges),
        owners: args.owners,
        filter: args.filter.get()?,
    };
    let m = migrate_parsed(
        (from.format, std::mem::take(&mut from.parsed)),
        (to.format, std::mem::take(&mut to.parsed)),
        &options,
    );
    print_diagnostics(&from, &m.from_diagnostics);
    print_diagnostics(&to, &m.to_diagnostics);
    if m.has_errors() {
        return Err(bad_input("no migration: fix the errors above".into()));
    }
    Ok(m)
}

fn ask(question: &str) -> Option<bool> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    eprint!("{question}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let mut stderr = std::io::stderr();
    match cli.command {
        Command::Diff {
            args,
            format,
            down,
            exit_code,
            revision,
        } => {
            let m = run_diff(&args)?;
            if let (OutFormat::Alembic, Some(why)) = (&format, m.alembic_unavailable()) {
                return Err(bad_input(format!("--online with --format alembic: {why}")));
            }
            match format {
                OutFormat::Sql if down => out!("{}", m.down_sql),
                OutFormat::Sql => out!("{}", m.sql),
                OutFormat::Alembic => out!(
                    "{}",
                    m.alembic(&Revision {
                        id: revision.revision.unwrap_or_else(new_revision_id),
                        down_revision: revision.down_revision,
                        message: revision.message,
                        create_date: create_date(),
                    })
                ),
                OutFormat::Json => {
                    let json =
                        serde_json::to_string_pretty(&m).map_err(|e| bad_input(e.to_string()))?;
                    outln!("{json}");
                }
            }
            report(&mut stderr, &m.plan).ok();
            Ok(if exit_code && !m.plan.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check { args } => {
            let m = run_diff(&args)?;
            report(&mut stderr, &m.plan).ok();
            if m.plan.is_empty() {
                // What the verdict does not cover is said with it.
                match m.not_compared_note() {
                    Some(note) => outln!("no drift ({note})"),
                    None => outln!("no drift"),
                }
                Ok(ExitCode::SUCCESS)
            } else {
                outln!(
                    "drift: {} change(s){}",
                    m.plan.steps.len() + m.plan.skipped.len(),
                    if m.plan.skipped.is_empty() {
                        String::new()
                    } else {
                        format!(", {} destructive", m.plan.skipped.len())
                    }
                );
                for s in m.plan.steps.iter().chain(&m.plan.skipped) {
                    outln!("  {}: {}", s.id, s.reason);
                }
                Ok(ExitCode::from(1))
            }
        }
        Command::Apply {
            db,
            to,
            python,
            to_format,
            allow_destructive,
            yes,
            allow_empty,
            dry_run,
            lock_timeout,
            statement_timeout,
            online,
            renames,
            privileges,
            owners,
            search_path,
            filter,
        } => {
            let filter = filter.get()?;
            let spec = ConnSpec::from_env(db.as_deref()).map_err(|e| bad_input(e.0))?;
            // Models run for the server they are applied to.
            let version = match python.python {
                Some(_) => Some(server_major(&spec).map_err(db_failure)?),
                None => None,
            };
            let desired = load_desired(
                &to,
                &to_format,
                &python,
                version,
                &Timeouts {
                    lock: lock_timeout,
                    statement: statement_timeout,
                },
                &search_path,
            )?;
            print_diagnostics(&desired, &desired.parsed.diagnostics);
            if desired.parsed.has_errors() {
                return Err(bad_input(format!("{}: fix the errors above", redact(&to))));
            }
            let empty = desired
                .parsed
                .diagnostics
                .iter()
                .any(|d| d.kind == DiagKind::Empty);
            if empty && !allow_empty {
                return Err(bad_input(format!(
                    "{}: the desired schema is empty (no SQL statement), so apply would drop every table; pass --allow-empty if that is what you want",
                    redact(&to)
                )));
            }
            let opts = ApplyOptions {
                allow_destructive,
                yes,
                dry_run,
                lock_timeout,
                statement_timeout,
                online,
                renames,
                privileges: roles(&privileges),
                filter,
                owners,
            };
            let mut stdout = std::io::stdout();
            let outcome = apply(
                &spec,
                &(desired.format, desired.parsed),
                &opts,
                &mut stdout,
                &mut stderr,
                &mut ask,
            )
            .map_err(db_failure)?;
            Ok(ExitCode::from(outcome.exit_code()))
        }
        Command::Inspect {
            source,
            python,
            timeouts,
            format,
            input_format,
        } => {
            let side = load_desired(
                &source,
                &input_format,
                &python,
                None,
                &timeouts.get(),
                "public",
            )?;
            print_diagnostics(&side, &side.parsed.diagnostics);
            if side.parsed.has_errors() {
                return Err(bad_input("the input has errors".into()));
            }
            match format {
                InspectFormat::Json => {
                    let json = serde_json::to_string_pretty(&side.parsed.schema)
                        .map_err(|e| bad_input(e.to_string()))?;
                    outln!("{json}");
                }
                InspectFormat::Sql => out!("{}", schema_sql(&side.parsed.schema)?),
                InspectFormat::Sqlalchemy => {
                    let (code, warnings) = render_sqlalchemy(&side.parsed.schema);
                    out!("{code}");
                    for w in warnings {
                        eprintln!("{w}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "schemafix",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The DDL that creates `schema` from nothing (the plan from an empty database, without the
/// per-step reasons, which would all say "missing").
fn schema_sql(schema: &Schema) -> Result<String, Failure> {
    let statements = creation_statements(schema).map_err(bad_input)?;
    Ok(statements.iter().map(|s| format!("{s};\n")).collect())
}

fn main() -> ExitCode {
    // A bug must not print a connection string's password either.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "schemafix: internal error (a bug; please report it): {}",
            redact(&info.to_string())
        );
    }));
    // Every password the arguments and the environment may hold, so that no message, however
    // mistyped the setting it echoes, shows one.
    for arg in std::env::args() {
        register_secrets(&arg);
    }
    if let Ok(v) = std::env::var("DATABASE_URL") {
        register_secrets(&v);
    }
    if let Ok(v) = std::env::var("PGPASSWORD") {
        register_secret(&v);
    }
    let cli = Cli::parse();
    schemafix_cli::interrupt::install();
    match run(cli) {
        Ok(code) => code,
        Err(Failure { message, code }) => {
            eprintln!("error: {}", redact(&message));
            ExitCode::from(code)
        }
    }
}

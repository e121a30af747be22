//! `schemafix`: compare two PostgreSQL schemas and print the migration.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use schemafix_core::{migrate, parse, Format, Migration, PlanOptions, Severity};

#[derive(Parser)]
#[command(
    name = "schemafix",
    version,
    about = "Fix PostgreSQL schema drift: paste two schemas, get safe migration SQL."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the migration from FROM (what exists) to TO (what is wanted).
    Diff {
        #[command(flatten)]
        args: DiffArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutFormat::Sql)]
        format: OutFormat,
        /// Exit with 1 when there are changes.
        #[arg(long)]
        exit_code: bool,
    },
    /// Exit 0 when FROM matches TO, 1 on drift (for CI); print a summary.
    Check {
        #[command(flatten)]
        args: DiffArgs,
    },
    /// Print the parsed schema of SOURCE as JSON.
    Inspect {
        /// A file, or `-` for standard input.
        source: String,
        /// Override format detection (sql, psql, sqlalchemy).
        #[arg(long)]
        format: Option<String>,
    },
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The current schema: a file, or `-` for standard input.
    from: String,
    /// The desired schema: a file, or `-` for standard input.
    to: String,
    /// Emit destructive steps (drops, narrowing type changes) instead of listing them as skipped.
    #[arg(long)]
    allow_destructive: bool,
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
}

/// Bad input: exit 2, per the contract.
struct BadInput(String);

fn read_source(path: &str) -> Result<String, BadInput> {
    if path.starts_with("postgres://") || path.starts_with("postgresql://") {
        return Err(BadInput(
            "database URLs are not supported by this build yet; dump the schema with `pg_dump --schema-only` and pass the file".into(),
        ));
    }
    let mut bytes = Vec::new();
    let res = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    res.map_err(|e| BadInput(format!("{path}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "{path}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn format_arg(f: &Option<String>) -> Result<Option<Format>, BadInput> {
    match f {
        None => Ok(None),
        Some(name) => Format::from_name(name)
            .map(Some)
            .ok_or_else(|| BadInput(format!("unknown format {name:?} (sql, psql, sqlalchemy)"))),
    }
}

fn print_diagnostics(name: &str, text: &str, diags: &[schemafix_core::Diagnostic]) {
    for d in diags {
        if d.severity == Severity::Note {
            continue;
        }
        eprintln!("{}", d.render(name, text));
    }
}

fn run_diff(args: &DiffArgs) -> Result<(Migration, String, String), BadInput> {
    let from = read_source(&args.from)?;
    let to = read_source(&args.to)?;
    let options = PlanOptions {
        allow_destructive: args.allow_destructive,
    };
    let m = migrate(
        &from,
        format_arg(&args.from_format)?,
        &to,
        format_arg(&args.to_format)?,
        &options,
    );
    print_diagnostics(&args.from, &from, &m.from_diagnostics);
    print_diagnostics(&args.to, &to, &m.to_diagnostics);
    if m.has_errors() {
        return Err(BadInput("no migration: fix the errors above".into()));
    }
    Ok((m, from, to))
}

fn report(m: &Migration) {
    for t in &m.plan.not_compared {
        eprintln!("note: not compared: {t} (only one side describes it)");
    }
    for s in &m.plan.steps {
        if !s.hazards.is_empty() {
            let ids: Vec<&str> = s.hazards.iter().map(|h| h.id()).collect();
            eprintln!("hazard: {} [{}]", s.reason, ids.join(", "));
        }
    }
    for s in &m.plan.skipped {
        eprintln!(
            "skipped: {} (destructive: would lose {}; pass --allow-destructive)",
            s.reason,
            s.loses.as_deref().unwrap_or("data")
        );
    }
}

fn run(cli: Cli) -> Result<ExitCode, BadInput> {
    match cli.command {
        Command::Diff {
            args,
            format,
            exit_code,
        } => {
            let (m, _, _) = run_diff(&args)?;
            match format {
                OutFormat::Sql => print!("{}", m.sql),
                OutFormat::Json => {
                    let json =
                        serde_json::to_string_pretty(&m).map_err(|e| BadInput(e.to_string()))?;
                    println!("{json}");
                }
            }
            report(&m);
            Ok(if exit_code && !m.plan.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check { args } => {
            let (m, _, _) = run_diff(&args)?;
            report(&m);
            if m.plan.is_empty() {
                println!("no drift");
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "drift: {} change(s){}",
                    m.plan.steps.len() + m.plan.skipped.len(),
                    if m.plan.skipped.is_empty() {
                        String::new()
                    } else {
                        format!(", {} destructive", m.plan.skipped.len())
                    }
                );
                for s in m.plan.steps.iter().chain(&m.plan.skipped) {
                    println!("  {}: {}", s.id, s.reason);
                }
                Ok(ExitCode::from(1))
            }
        }
        Command::Inspect { source, format } => {
            let text = read_source(&source)?;
            let (_, parsed) = parse(&text, format_arg(&format)?);
            print_diagnostics(&source, &text, &parsed.diagnostics);
            if parsed.has_errors() {
                return Err(BadInput("the input has errors".into()));
            }
            let json = serde_json::to_string_pretty(&parsed.schema)
                .map_err(|e| BadInput(e.to_string()))?;
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(BadInput(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

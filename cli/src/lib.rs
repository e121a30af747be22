//! The schemafix command line's parts: connection settings ([`connect`]), running core's catalog
//! queries and applying plans on a live database ([`db`]), Ctrl-C during an apply
//! ([`interrupt`]), running the user's models with their own Python ([`python`]), and the shared
//! reporting.

pub mod connect;
pub mod db;
pub mod interrupt;
pub mod python;

use std::io::Write;

use schemafix_core::Plan;

/// Prints what a plan leaves for people to know: tables not compared, hazards, and destructive
/// steps held back.
pub fn report(err: &mut dyn Write, p: &Plan) -> std::io::Result<()> {
    for t in &p.not_compared {
        writeln!(err, "note: not compared: {t} (only one side describes it)")?;
    }
    for s in &p.steps {
        if !s.hazards.is_empty() {
            let ids: Vec<&str> = s.hazards.iter().map(|h| h.id()).collect();
            writeln!(err, "hazard: {} [{}]", s.reason, ids.join(", "))?;
        }
    }
    for s in &p.skipped {
        writeln!(
            err,
            "skipped: {} (destructive: would lose {}; pass --allow-destructive)",
            s.reason,
            s.loses.as_deref().unwrap_or("data")
        )?;
    }
    for r in &p.renames {
        writeln!(
            err,
            "likely rename: {} (confidence {}%): the plan drops one and adds the other; pass --rename {} to rename it and keep its data",
            r.rename(), r.confidence, r.argument()
        )?;
    }
    Ok(())
}

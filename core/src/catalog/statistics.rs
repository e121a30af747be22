//! Extended statistics objects from the catalog: each as `pg_get_statisticsobjdef` writes it,
//! with its target where set and its comment.

use super::{col, quote_literal, req, Row, Written};

/// One row per statistics object: its definition, its qualified name, its target where set
/// (`-1`, and NULL from PostgreSQL 17, mean none), its comment.
pub(super) const QUERY: &str = concat!(
    "SELECT pg_catalog.pg_get_statisticsobjdef(s.oid), ",
    "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(s.stxname), ",
    "NULLIF(pg_catalog.to_jsonb(s) ->> 'stxstattarget', '-1'), d.description ",
    "FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace ",
    "LEFT JOIN pg_catalog.pg_description d ON d.objoid = s.oid ",
    "AND d.classoid = 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass AND d.objsubid = 0 ",
    "WHERE ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_statistic_ext", "s.oid"),
    " ORDER BY s.oid"
);

/// Writes the statistics objects of `rows`.
pub(super) fn write(rows: &[Row], w: &mut Written) -> Result<(), String> {
    for r in rows {
        let name = req(r, 1)?;
        let what = format!("statistics object {name}");
        w.push(&what, req(r, 0)?.to_string());
        if let Some(t) = col(r, 2)? {
            w.push(&what, format!("ALTER STATISTICS {name} SET STATISTICS {t}"));
        }
        if let Some(c) = col(r, 3)? {
            w.push(
                &what,
                format!("COMMENT ON STATISTICS {name} IS {}", quote_literal(c)),
            );
        }
    }
    Ok(())
}

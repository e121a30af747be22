//! Every object's owner, written as `pg_dump` writes it (`ALTER … OWNER TO`), for `--owners`:
//! tables, views, sequences (but those a column owns, which go with their table), functions
//! and procedures, types and domains, schemas.

use super::{req, Row, Written};

/// One row per object: the `ALTER` keyword, the object as named there, the owner (quoted).
pub(super) const QUERY: &str = concat!(
    "SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ",
    "WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, ",
    "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), ",
    "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)) ",
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_class", "c.oid"),
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d ",
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid ",
    "AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))",
    " UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, ",
    "p.oid::pg_catalog.regprocedure::text, ",
    "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(p.proowner)) ",
    "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ",
    "WHERE p.prokind IN ('f', 'p') AND ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_proc", "p.oid"),
    " UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, ",
    "pg_catalog.format_type(t.oid, NULL), ",
    "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(t.typowner)) ",
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
    "WHERE (t.typtype IN ('e', 'd', 'r') OR t.typtype = 'c' AND EXISTS (SELECT 1 ",
    "FROM pg_catalog.pg_class tc WHERE tc.oid = t.typrelid AND tc.relkind = 'c')) AND ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_type", "t.oid"),
    " UNION ALL SELECT 'SCHEMA', pg_catalog.quote_ident(n.nspname), ",
    "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(n.nspowner)) ",
    "FROM pg_catalog.pg_namespace n WHERE ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_namespace", "n.oid"),
    " ORDER BY 1, 2"
);

/// Writes the owners of `rows`.
pub(super) fn write(rows: &[Row], w: &mut Written) -> Result<(), String> {
    for r in rows {
        let (kind, object, owner) = (req(r, 0)?, req(r, 1)?, req(r, 2)?);
        w.push(
            &format!("the owner of {} {object}", kind.to_lowercase()),
            format!("ALTER {kind} {object} OWNER TO {owner}"),
        );
    }
    Ok(())
}

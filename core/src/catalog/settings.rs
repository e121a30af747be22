//! Table and column settings from the catalog: storage parameters (the TOAST table's as
//! `toast.`), replica identity, and each column's statistics target, storage (where it is
//! not its type's), compression and attribute options, written as `pg_dump` writes them; and
//! the comments on schemas, sequences, collations and policies.

use super::{col, quote_ident, quote_literal, req, Row, Written};

/// One row per setting: kind, table (quoted), column (quoted) or NULL, name, value; and one per
/// comment: `comment`, the kind of object, the object (quoted), a policy's name, the text.
pub(super) const QUERY: &str = concat!(
    "SELECT * FROM (",
    "SELECT s.kind, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), ",
    "s.col, s.name, s.value, s.ord FROM pg_catalog.pg_class c ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "CROSS JOIN LATERAL (",
    "SELECT 'option' AS kind, NULL::text AS col, pg_catalog.split_part(o, '=', 1) AS name, ",
    "pg_catalog.substr(o, pg_catalog.strpos(o, '=') + 1) AS value, 0 AS ord ",
    "FROM pg_catalog.unnest(c.reloptions) WITH ORDINALITY AS x(o, i) ",
    "UNION ALL SELECT 'option', NULL, 'toast.' || pg_catalog.split_part(o, '=', 1), ",
    "pg_catalog.substr(o, pg_catalog.strpos(o, '=') + 1), 0 ",
    "FROM pg_catalog.pg_class tc, pg_catalog.unnest(tc.reloptions) AS o ",
    "WHERE tc.oid = c.reltoastrelid ",
    "UNION ALL SELECT 'replica', NULL, c.relreplident::text, (SELECT ic.relname::text ",
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid ",
    "WHERE i.indrelid = c.oid AND i.indisreplident), 0 WHERE c.relreplident <> 'd' ",
    "UNION ALL SELECT a.kind, pg_catalog.quote_ident(t.attname), a.name, a.value, t.attnum ",
    "FROM pg_catalog.pg_attribute t JOIN pg_catalog.pg_type ty ON ty.oid = t.atttypid ",
    "CROSS JOIN LATERAL (",
    "SELECT 'statistics' AS kind, NULL::text AS name, t.attstattarget::text AS value ",
    "WHERE t.attstattarget >= 0 ",
    "UNION ALL SELECT 'storage', NULL, t.attstorage::text WHERE t.attstorage <> ty.typstorage ",
    "UNION ALL SELECT 'compression', NULL, pg_catalog.to_jsonb(t) ->> 'attcompression' ",
    "WHERE COALESCE(pg_catalog.to_jsonb(t) ->> 'attcompression', '') <> '' ",
    // Only the options PostgreSQL defines for a column: a server may keep others of its own.
    "UNION ALL SELECT 'column option', pg_catalog.split_part(o, '=', 1), ",
    "pg_catalog.substr(o, pg_catalog.strpos(o, '=') + 1) ",
    "FROM pg_catalog.unnest(t.attoptions) AS o ",
    "WHERE pg_catalog.split_part(o, '=', 1) IN ('n_distinct', 'n_distinct_inherited')",
    ") a WHERE t.attrelid = c.oid AND t.attnum > 0 AND NOT t.attisdropped",
    ") s WHERE c.relkind IN ('r', 'p') AND ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_class", "c.oid"),
    " UNION ALL SELECT 'comment', 'SCHEMA', pg_catalog.quote_ident(n.nspname), NULL, d.description, 0 ",
    "FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_description d ON d.objoid = n.oid ",
    "AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass WHERE ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_namespace", "n.oid"),
    " UNION ALL SELECT 'comment', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' END, ",
    "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), NULL, d.description, 0 ",
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 ",
    "AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass WHERE c.relkind = 'S' AND ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_class", "c.oid"),
    " UNION ALL SELECT 'comment', 'COLLATION', ",
    "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(co.collname), NULL, d.description, 0 ",
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace ",
    "JOIN pg_catalog.pg_description d ON d.objoid = co.oid ",
    "AND d.classoid = 'pg_catalog.pg_collation'::pg_catalog.regclass WHERE ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_collation", "co.oid"),
    " UNION ALL SELECT 'comment', 'POLICY', ",
    "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), ",
    "pg_catalog.quote_ident(p.polname), d.description, 0 ",
    "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_description d ON d.objoid = p.oid ",
    "AND d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass WHERE ",
    user_ns!("n"),
    ") x ORDER BY 2, 6, 1, 3, 4"
);

/// The statements for the rows of [`QUERY`].
pub(super) fn write(rows: &[Row], w: &mut Written) -> Result<(), String> {
    let mut options: Vec<(String, Vec<String>)> = Vec::new();
    let mut statements = Vec::new();
    for r in rows {
        let (kind, table) = (req(r, 0)?, req(r, 1)?);
        let column = col(r, 2)?;
        let value = col(r, 4)?.unwrap_or_default();
        let alter = |what: String| match column {
            Some(c) => format!("ALTER TABLE ONLY {table} ALTER COLUMN {c} {what}"),
            None => format!("ALTER TABLE ONLY {table} {what}"),
        };
        match kind {
            "comment" => {
                let object = column.ok_or("a comment row without its object")?;
                let on = match (table, col(r, 3)?) {
                    ("POLICY", Some(name)) => format!("POLICY {name} ON {object}"),
                    ("SCHEMA" | "SEQUENCE" | "COLLATION", None) => format!("{table} {object}"),
                    _ => return Err(format!("a comment row of an unknown form: {table}")),
                };
                statements.push((
                    table,
                    format!("COMMENT ON {on} IS {}", quote_literal(value)),
                ));
            }
            "option" => {
                let entry = format!("{} = {}", req(r, 3)?, quote_literal(value));
                match options.last_mut() {
                    Some((t, list)) if t == table => list.push(entry),
                    _ => options.push((table.to_string(), vec![entry])),
                }
            }
            "replica" => {
                let identity = match (req(r, 3)?, col(r, 4)?) {
                    ("f", _) => "FULL".to_string(),
                    ("i", Some(index)) => format!("USING INDEX {}", quote_ident(index)),
                    // An identity index since dropped identifies no row, as NOTHING.
                    ("n" | "i", _) => "NOTHING".to_string(),
                    (other, _) => return Err(format!("{table}: unknown relreplident {other:?}")),
                };
                statements.push((table, alter(format!("REPLICA IDENTITY {identity}"))));
            }
            "statistics" => statements.push((table, alter(format!("SET STATISTICS {value}")))),
            "storage" => {
                let storage = match value {
                    "p" => "PLAIN",
                    "e" => "EXTERNAL",
                    "x" => "EXTENDED",
                    "m" => "MAIN",
                    other => return Err(format!("{table}: unknown attstorage {other:?}")),
                };
                statements.push((table, alter(format!("SET STORAGE {storage}"))));
            }
            "compression" => {
                let method = match value {
                    "p" => "pglz",
                    "l" => "lz4",
                    other => return Err(format!("{table}: unknown attcompression {other:?}")),
                };
                statements.push((table, alter(format!("SET COMPRESSION {method}"))));
            }
            "column option" => {
                let set = format!("SET ({} = {})", req(r, 3)?, quote_literal(value));
                statements.push((table, alter(set)));
            }
            other => return Err(format!("unknown setting kind {other:?}")),
        }
    }
    for (table, list) in &options {
        w.push(
            &format!("table {table}"),
            format!("ALTER TABLE ONLY {table} SET ({})", list.join(", ")),
        );
    }
    for (table, st) in statements {
        w.push(&format!("table {table}"), st);
    }
    Ok(())
}

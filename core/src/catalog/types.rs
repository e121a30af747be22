//! Types from the catalog, written as `pg_dump` writes them: enums with their labels in
//! order, domains with their checks, range types with the options that are not their
//! subtype's defaults, composite types with their attributes in order (a collation only where
//! it is not the attribute type's own), and their comments.

use std::collections::BTreeMap;

use super::{col, flag, qual, quote_ident, quote_literal, req, Row, Written};

/// One row per attribute (one with NULL attributes for a type without any): schema, type,
/// attribute, its type, its collation (qualified) where not its type's, the attribute's
/// comment, the type's comment.
pub(super) const COMPOSITES: &str = concat!(
    "SELECT n.nspname, t.typname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), ",
    "CASE WHEN a.attcollation <> at.typcollation THEN (SELECT ",
    "pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) ",
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace ",
    "WHERE co.oid = a.attcollation) END, ad.description, td.description ",
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
    "JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' ",
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ",
    "LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid ",
    "LEFT JOIN pg_catalog.pg_description ad ON ad.objoid = c.oid ",
    "AND ad.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ad.objsubid = a.attnum ",
    "LEFT JOIN pg_catalog.pg_description td ON td.objoid = t.oid ",
    "AND td.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND td.objsubid = 0 ",
    "WHERE t.typtype = 'c' AND ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_type", "t.oid"),
    " ORDER BY t.oid, a.attnum"
);

/// One row per range type: schema, name, subtype, its operator class (qualified) where not
/// the subtype's default, its collation where not the subtype's, the canonical and subtype
/// difference functions, the multirange type (PostgreSQL 14 and later), the comment.
pub(super) const RANGES: &str = concat!(
    "SELECT n.nspname, t.typname, pg_catalog.format_type(r.rngsubtype, NULL), ",
    "CASE WHEN NOT oc.opcdefault THEN pg_catalog.quote_ident(ocn.nspname) || '.' || ",
    "pg_catalog.quote_ident(oc.opcname) END, ",
    "CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN (SELECT ",
    "pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) ",
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace ",
    "WHERE co.oid = r.rngcollation) END, ",
    "CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::pg_catalog.regproc::text END, ",
    "CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::text END, ",
    "(SELECT pg_catalog.quote_ident(mn.nspname) || '.' || pg_catalog.quote_ident(mt.typname) ",
    "FROM pg_catalog.pg_type mt JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace ",
    "WHERE mt.oid = (pg_catalog.to_jsonb(r) ->> 'rngmultitypid')::pg_catalog.oid), td.description ",
    "FROM pg_catalog.pg_range r JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
    "JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype ",
    "JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc ",
    "JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace ",
    "LEFT JOIN pg_catalog.pg_description td ON td.objoid = t.oid ",
    "AND td.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND td.objsubid = 0 ",
    "WHERE ",
    user_ns!("n"),
    " AND ",
    not_extension_member!("pg_catalog.pg_type", "t.oid"),
    " ORDER BY t.oid"
);

/// Writes the range types of `rows`.
pub(super) fn write_ranges(rows: &[Row], w: &mut Written) -> Result<(), String> {
    for r in rows {
        let name = qual(req(r, 0)?, req(r, 1)?);
        let what = format!("type {name}");
        let mut options = vec![format!("subtype = {}", req(r, 2)?)];
        for (i, key) in [
            (3, "subtype_opclass"),
            (4, "collation"),
            (5, "canonical"),
            (6, "subtype_diff"),
            (7, "multirange_type_name"),
        ] {
            if let Some(v) = col(r, i)? {
                options.push(format!("{key} = {v}"));
            }
        }
        w.push(
            &what,
            format!("CREATE TYPE {name} AS RANGE ({})", options.join(", ")),
        );
        if let Some(c) = col(r, 8)? {
            w.push(
                &what,
                format!("COMMENT ON TYPE {name} IS {}", quote_literal(c)),
            );
        }
    }
    Ok(())
}

/// Writes the composite types of `rows` (ordered by type, then attribute).
pub(super) fn write_composites(rows: &[Row], w: &mut Written) -> Result<(), String> {
    let mut i = 0;
    while i < rows.len() {
        let key = (req(&rows[i], 0)?, req(&rows[i], 1)?);
        let mut j = i;
        let mut attributes = Vec::new();
        let mut comments = Vec::new();
        while j < rows.len() && (req(&rows[j], 0)?, req(&rows[j], 1)?) == key {
            let r = &rows[j];
            if let Some(a) = col(r, 2)? {
                let mut s = format!("{} {}", quote_ident(a), req(r, 3)?);
                if let Some(c) = col(r, 4)? {
                    s.push_str(&format!(" COLLATE {c}"));
                }
                attributes.push(s);
                if let Some(c) = col(r, 5)? {
                    comments.push((a, c));
                }
            }
            j += 1;
        }
        let name = qual(key.0, key.1);
        let what = format!("type {name}");
        w.push(
            &what,
            format!("CREATE TYPE {name} AS ({})", attributes.join(", ")),
        );
        if let Some(c) = col(&rows[i], 6)? {
            w.push(
                &what,
                format!("COMMENT ON TYPE {name} IS {}", quote_literal(c)),
            );
        }
        for (a, c) in comments {
            w.push(
                &what,
                format!(
                    "COMMENT ON COLUMN {name}.{} IS {}",
                    quote_ident(a),
                    quote_literal(c)
                ),
            );
        }
        i = j;
    }
    Ok(())
}

/// Writes the enums of `rows` (one per label, in order).
pub(super) fn write_enums(enums: &[Row], w: &mut Written) -> Result<(), String> {
    let mut enum_labels: BTreeMap<(String, String), (Vec<String>, Option<String>)> =
        BTreeMap::new();
    let mut enum_order = Vec::new();
    for r in enums {
        let key = (req(r, 0)?.to_string(), req(r, 1)?.to_string());
        if !enum_labels.contains_key(&key) {
            enum_order.push(key.clone());
        }
        let e = enum_labels
            .entry(key)
            .or_insert_with(|| (Vec::new(), col(r, 3).ok().flatten().map(String::from)));
        if let Some(label) = col(r, 2)? {
            e.0.push(label.to_string());
        }
    }
    for key in &enum_order {
        let (labels, comment) = &enum_labels[key];
        let name = qual(&key.0, &key.1);
        let what = format!("type {name}");
        let labels: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
        w.push(
            &what,
            format!("CREATE TYPE {name} AS ENUM ({})", labels.join(", ")),
        );
        if let Some(c) = comment {
            w.push(
                &what,
                format!("COMMENT ON TYPE {name} IS {}", quote_literal(c)),
            );
        }
    }
    Ok(())
}

/// Writes the domains of `rows`.
pub(super) fn write_domains(domains: &[Row], w: &mut Written) -> Result<(), String> {
    // Domains by oid (a domain's base may be an earlier domain): one row per check, as
    // pg_dump writes them (a check not validated added after, `NOT VALID`).
    let mut last: Option<String> = None;
    for r in domains {
        let name = qual(req(r, 0)?, req(r, 1)?);
        let what = format!("domain {name}");
        if last.as_ref() != Some(&name) {
            let mut st = format!("CREATE DOMAIN {name} AS {}", req(r, 2)?);
            if let Some(c) = col(r, 3)? {
                st.push_str(&format!(" COLLATE {c}"));
            }
            if flag(r, 4)? {
                st.push_str(" NOT NULL");
            }
            if let Some(d) = col(r, 5)? {
                st.push_str(&format!(" DEFAULT {d}"));
            }
            w.push(&what, st);
            if let Some(c) = col(r, 6)? {
                w.push(
                    &what,
                    format!("COMMENT ON DOMAIN {name} IS {}", quote_literal(c)),
                );
            }
            last = Some(name.clone());
        }
        if let Some(k) = col(r, 7)? {
            let mut st = format!(
                "ALTER DOMAIN {name} ADD CONSTRAINT {} {}",
                quote_ident(k),
                req(r, 8)?
            );
            if !flag(r, 9)? {
                st.push_str(" NOT VALID");
            }
            w.push(&what, st);
        }
    }
    Ok(())
}

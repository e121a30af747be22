//! The live catalog as a source: the queries that read a database's schema out of `pg_catalog`,
//! and the decoding of their rows into a [`Schema`]. No I/O here: a front end (the CLI with the
//! `postgres` crate, the web app on PGlite) runs [`CATALOG_SETUP`] and then each of
//! [`CATALOG_QUERIES`] in one transaction, and hands the rows, as text, to [`decode_catalog`].
//!
//! The rows are decoded into the DDL `pg_dump` would write for them (the server's own
//! `format_type`, `pg_get_expr`, `pg_get_constraintdef` and `pg_get_indexdef` spellings), which the
//! DDL source then reads: one reader for every spelling of a definition, so that a live database
//! and the DDL that built it normalize to the same schema.

use std::collections::BTreeMap;

use crate::error::{DiagKind, Diagnostic, Severity};
use crate::normalize::finish;
use crate::quote::{quote_ident, quote_literal};
use crate::schema::{Schema, Span, TriggerFiring};
use crate::source::ddl::apply_ddl;
use crate::source::Parsed;

/// One catalog query: its name (for messages) and its text. Every column it returns is text
/// (or NULL), so any client can run it with the simple query protocol.
#[derive(Debug, Clone, Copy)]
pub struct CatalogQuery {
    /// A short name, e.g. `columns`.
    pub name: &'static str,
    /// The query.
    pub sql: &'static str,
}

/// One result row: each column's text, `None` for NULL.
pub type Row = Vec<Option<String>>;

/// Run first, in the same transaction as the queries: with an empty search path the server
/// qualifies every name it prints (as `pg_dump` does), so the decoding never guesses a schema;
/// in UTC, it prints every `timestamptz` constant (a partition's bound, a default) the same
/// whatever the server's time zone.
pub const CATALOG_SETUP: &str = "SELECT pg_catalog.set_config('search_path', '', true), \
     pg_catalog.set_config('TimeZone', 'UTC', true)";

/// The oldest server the queries support (`server_version_num`).
pub const MIN_SERVER_VERSION: u32 = 120000;

macro_rules! user_ns {
    ($n:literal) => {
        concat!(
            $n,
            ".nspname !~ '^pg_' AND ",
            $n,
            ".nspname <> 'information_schema'"
        )
    };
}

macro_rules! not_extension_member {
    ($catalog:literal, $oid:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '",
            $catalog,
            "'::pg_catalog.regclass AND e.objid = ",
            $oid,
            " AND e.deptype = 'e')"
        )
    };
}

mod owners;
mod settings;
mod statistics;
mod types;

/// The queries, in the order [`decode_catalog`] expects their rows.
pub const CATALOG_QUERIES: &[CatalogQuery] = &[
    CatalogQuery {
        name: "schemas",
        sql: concat!(
            "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_namespace", "n.oid"),
            " ORDER BY 1"
        ),
    },
    CatalogQuery {
        name: "enums",
        sql: concat!(
            "SELECT n.nspname, t.typname, e.enumlabel, td.description ",
            "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
            "LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid ",
            "LEFT JOIN pg_catalog.pg_description td ON td.objoid = t.oid AND td.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND td.objsubid = 0 ",
            "WHERE t.typtype = 'e' AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_type", "t.oid"),
            " ORDER BY n.nspname, t.typname, e.enumsortorder"
        ),
    },
    CatalogQuery {
        name: "sequences",
        sql: concat!(
            "SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), ",
            "s.seqstart::text, s.seqincrement::text, s.seqmin::text, s.seqmax::text, ",
            "s.seqcache::text, CASE WHEN s.seqcycle THEN 't' ELSE 'f' END, ",
            "d.deptype::text, tn.nspname, tc.relname, a.attname ",
            "FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass ",
            "AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass ",
            "AND d.deptype IN ('a', 'i') ",
            "LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid ",
            "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace ",
            "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid ",
            "WHERE ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_class", "c.oid"),
            " ORDER BY 1, 2"
        ),
    },
    CatalogQuery {
        name: "tables",
        sql: concat!(
            "SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, c.relpersistence::text, ",
            "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, ",
            "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, ",
            "cd.description, ",
            "CASE WHEN c.reloftype <> 0 THEN c.reloftype::pg_catalog.regtype::text END, ",
            "CASE WHEN c.relrowsecurity THEN 't' ELSE 'f' END, ",
            "CASE WHEN c.relforcerowsecurity THEN 't' ELSE 'f' END ",
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "LEFT JOIN pg_catalog.pg_description cd ON cd.objoid = c.oid AND cd.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND cd.objsubid = 0 ",
            "WHERE c.relkind IN ('r', 'p') AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_class", "c.oid"),
            " ORDER BY n.nspname, c.relname"
        ),
    },
    CatalogQuery {
        name: "parents",
        sql: concat!(
            "SELECT i.inhrelid::text, pn.nspname, p.relname ",
            "FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent ",
            "JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace ",
            "JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid ",
            "WHERE c.relkind IN ('r', 'p') ORDER BY i.inhrelid, i.inhseqno"
        ),
    },
    CatalogQuery {
        name: "columns",
        sql: concat!(
            "SELECT a.attrelid::text, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), ",
            "CASE WHEN a.attnotnull THEN 't' ELSE 'f' END, ",
            "pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text, a.attgenerated::text, ",
            "CASE WHEN a.attcollation <> t.typcollation THEN ",
            "CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN '' ",
            "ELSE pg_catalog.quote_ident(cn.nspname) || '.' END || pg_catalog.quote_ident(co.collname) END, ",
            "cd.description, ",
            "CASE WHEN a.attislocal THEN 't' ELSE 'f' END ",
            "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid ",
            "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum ",
            "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation ",
            "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace ",
            "LEFT JOIN pg_catalog.pg_description cd ON cd.objoid = a.attrelid AND cd.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND cd.objsubid = a.attnum ",
            "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND ",
            user_ns!("n"),
            " ORDER BY a.attrelid, a.attnum"
        ),
    },
    CatalogQuery {
        name: "constraints",
        sql: concat!(
            "SELECT k.conrelid::text, k.conname, k.contype::text, ",
            "pg_catalog.pg_get_constraintdef(k.oid), kd.description, ",
            "CASE WHEN k.conislocal THEN 't' ELSE 'f' END ",
            "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "LEFT JOIN pg_catalog.pg_description kd ON kd.objoid = k.oid AND kd.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND kd.objsubid = 0 ",
            "WHERE k.contype IN ('p', 'u', 'c', 'f', 'x') AND k.conparentid = 0 ",
            "AND c.relkind IN ('r', 'p') AND ",
            user_ns!("n"),
            " ORDER BY k.conrelid, k.conname"
        ),
    },
    CatalogQuery {
        name: "indexes",
        sql: concat!(
            "SELECT i.indrelid::text, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid), ",
            "id.description, CASE WHEN i.indisvalid AND i.indisready THEN 't' ELSE 'f' END ",
            "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid ",
            "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "LEFT JOIN pg_catalog.pg_description id ON id.objoid = i.indexrelid AND id.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND id.objsubid = 0 ",
            "WHERE c.relkind IN ('r', 'p', 'm') AND ",
            user_ns!("n"),
            " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid ",
            "AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ",
            "ORDER BY i.indrelid, ic.relname"
        ),
    },
    CatalogQuery {
        name: "policies",
        sql: concat!(
            "SELECT p.polrelid::text, p.polname, CASE WHEN p.polpermissive THEN 't' ELSE 'f' END, ",
            "p.polcmd::text, (SELECT pg_catalog.string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC' ",
            "ELSE pg_catalog.quote_ident(a.rolname) END, ', ' ORDER BY a.rolname) ",
            "FROM pg_catalog.unnest(p.polroles) AS r(oid) ",
            "LEFT JOIN pg_catalog.pg_roles a ON a.oid = r.oid), ",
            "pg_catalog.pg_get_expr(p.polqual, p.polrelid), ",
            "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) ",
            "FROM pg_catalog.pg_policy p ORDER BY p.polrelid, p.polname"
        ),
    },
    CatalogQuery {
        name: "views",
        sql: concat!(
            "SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, ",
            "pg_catalog.pg_get_viewdef(c.oid), pg_catalog.obj_description(c.oid, 'pg_class') ",
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "WHERE c.relkind IN ('v', 'm') AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_class", "c.oid"),
            " ORDER BY c.oid"
        ),
    },
    CatalogQuery {
        name: "extensions",
        sql: "SELECT x.extname, n.nspname, x.extversion FROM pg_catalog.pg_extension x \
              JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace \
              WHERE x.extname <> 'plpgsql' ORDER BY 1",
    },
    CatalogQuery {
        name: "functions",
        sql: concat!(
            "SELECT pg_catalog.pg_get_functiondef(p.oid), p.oid::pg_catalog.regprocedure::text, ",
            "CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, ",
            "pg_catalog.obj_description(p.oid, 'pg_proc') FROM pg_catalog.pg_proc p ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ",
            "WHERE p.prokind IN ('f', 'p') AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_proc", "p.oid"),
            // A range type's constructors are the type's own.
            " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d ",
            "WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid ",
            "AND d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.deptype = 'i')",
            " ORDER BY p.oid"
        ),
    },
    CatalogQuery {
        name: "triggers",
        sql: concat!(
            "SELECT pg_catalog.pg_get_triggerdef(t.oid), pg_catalog.quote_ident(t.tgname), ",
            "t.tgrelid::pg_catalog.regclass::text, pg_catalog.obj_description(t.oid, 'pg_trigger'), ",
            "t.tgenabled::text ",
            "FROM pg_catalog.pg_trigger t ",
            "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "WHERE NOT t.tgisinternal AND ",
            user_ns!("n"),
            // A partition's clone of its parent's trigger comes with the partition.
            " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d ",
            "WHERE d.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objid = t.oid ",
            "AND d.deptype IN ('P', 'S')) ORDER BY t.tgrelid, t.tgname"
        ),
    },
    CatalogQuery {
        name: "collations",
        sql: concat!(
            "SELECT n.nspname, c.collname, c.collprovider::text, c.collcollate, c.collctype, ",
            // The ICU locale's column is colliculocale in 15 and 16, colllocale from 17.
            "COALESCE(pg_catalog.to_jsonb(c) ->> 'colllocale', pg_catalog.to_jsonb(c) ->> 'colliculocale'), ",
            "CASE WHEN c.collisdeterministic THEN 't' ELSE 'f' END ",
            "FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace WHERE ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_collation", "c.oid"),
            " ORDER BY 1, 2"
        ),
    },
    CatalogQuery {
        name: "domains",
        sql: concat!(
            "SELECT n.nspname, t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod), ",
            "CASE WHEN t.typcollation <> b.typcollation THEN (SELECT ",
            "pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(c.collname) ",
            "FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.collnamespace ",
            "WHERE c.oid = t.typcollation) END, CASE WHEN t.typnotnull THEN 't' ELSE 'f' END, ",
            "pg_catalog.pg_get_expr(t.typdefaultbin, 0), td.description, k.conname, ",
            "pg_catalog.pg_get_constraintdef(k.oid), CASE WHEN k.convalidated THEN 't' ELSE 'f' END ",
            "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
            "JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype ",
            "LEFT JOIN pg_catalog.pg_constraint k ON k.contypid = t.oid AND k.contype = 'c' ",
            "LEFT JOIN pg_catalog.pg_description td ON td.objoid = t.oid AND td.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND td.objsubid = 0 ",
            "WHERE t.typtype = 'd' AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_type", "t.oid"),
            " ORDER BY t.oid, k.conname"
        ),
    },
    CatalogQuery {
        name: "privileges",
        sql: concat!(
            "SELECT o.kind, o.target, o.col, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE ",
            "pg_catalog.quote_ident(r.rolname) END, a.privilege_type, ",
            "CASE WHEN a.is_grantable THEN 't' ELSE 'f' END, ",
            "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(o.owner)) FROM (",
            "SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind, ",
            "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS target, ",
            "NULL::text AS col, c.relacl AS acl, c.relowner AS owner ",
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relacl IS NOT NULL AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_class", "c.oid"),
            " UNION ALL SELECT 'TABLE', pg_catalog.quote_ident(n.nspname) || '.' || ",
            "pg_catalog.quote_ident(c.relname), pg_catalog.quote_ident(t.attname), t.attacl, c.relowner ",
            "FROM pg_catalog.pg_attribute t JOIN pg_catalog.pg_class c ON c.oid = t.attrelid ",
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "WHERE t.attacl IS NOT NULL AND t.attnum > 0 AND NOT t.attisdropped AND ",
            "c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_class", "c.oid"),
            " UNION ALL SELECT 'ROUTINE', p.oid::pg_catalog.regprocedure::text, NULL, p.proacl, p.proowner ",
            "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ",
            "WHERE p.prokind IN ('f', 'p') AND p.proacl IS NOT NULL AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_proc", "p.oid"),
            " UNION ALL SELECT 'TYPE', pg_catalog.format_type(t.oid, NULL), NULL, t.typacl, t.typowner ",
            "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
            "WHERE (t.typtype IN ('e', 'd', 'r') OR t.typtype = 'c' AND EXISTS (SELECT 1 ",
            "FROM pg_catalog.pg_class tc WHERE tc.oid = t.typrelid AND tc.relkind = 'c')) ",
            "AND t.typacl IS NOT NULL AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_type", "t.oid"),
            // A schema as initdb made it (`public`) is as a file's schema starts out.
            " UNION ALL SELECT 'SCHEMA', pg_catalog.quote_ident(n.nspname), NULL, ",
            "COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner)), n.nspowner ",
            "FROM pg_catalog.pg_namespace n WHERE (n.nspacl IS NOT NULL OR n.nspname = 'public') AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_namespace", "n.oid"),
            " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_init_privs i WHERE i.objoid = n.oid ",
            "AND i.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND i.initprivs = n.nspacl)",
            ") o LEFT JOIN LATERAL (SELECT * FROM pg_catalog.aclexplode(o.acl) x ",
            "WHERE x.grantee <> o.owner) a ON true ",
            "LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee ",
            "ORDER BY 1, 2, 3 NULLS FIRST, 4, 5"
        ),
    },
    CatalogQuery {
        name: "not compared",
        sql: concat!(
            "SELECT kind, name FROM (",
            "SELECT 'foreign table' AS kind, ",
            "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS name ",
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
            "WHERE c.relkind = 'f' AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_class", "c.oid"),
            " UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ",
            "ELSE 'window function' END, p.oid::pg_catalog.regprocedure::text ",
            "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ",
            "WHERE p.prokind IN ('a', 'w') AND ",
            user_ns!("n"),
            " AND ",
            not_extension_member!("pg_catalog.pg_proc", "p.oid"),
            ") o ORDER BY 1, 2"
        ),
    },
    CatalogQuery {
        name: "settings",
        sql: settings::QUERY,
    },
    CatalogQuery {
        name: "composite types",
        sql: types::COMPOSITES,
    },
    CatalogQuery {
        name: "range types",
        sql: types::RANGES,
    },
    CatalogQuery {
        name: "statistics objects",
        sql: statistics::QUERY,
    },
    CatalogQuery {
        name: "owners",
        sql: owners::QUERY,
    },
];

/// Decodes the rows of [`CATALOG_QUERIES`] (in their order) into a schema. Rows of the wrong
/// shape give an error diagnostic, never a panic.
pub fn decode_catalog(results: &[Vec<Row>]) -> Parsed {
    match catalog_ddl(results) {
        Err(e) => Parsed {
            schema: Schema::default(),
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                DiagKind::Syntax,
                format!("unexpected catalog rows: {e}"),
                Span::default(),
            )],
            files: Vec::new(),
        },
        Ok(w) => {
            let (mut schema, mut diagnostics) = apply_ddl(Schema::default(), &w.ddl);
            // The owners written for the privileges' sake are no news.
            diagnostics.retain(|d| d.kind != DiagKind::NoSchemaContent);
            for d in &mut diagnostics {
                let what = w
                    .origin
                    .iter()
                    .rev()
                    .find(|(line, _)| *line <= d.span.line)
                    .map_or("the catalog", |(_, what)| what.as_str());
                d.message = d
                    .message
                    .replace(&format!("(line {})", d.span.line), &format!("({what})"));
                d.span = Span::default();
                // The server wrote this DDL: a statement the reader cannot take is a fact lost.
                if d.kind == DiagKind::Syntax {
                    d.severity = Severity::Error;
                }
            }
            diagnostics.extend(w.not_compared);
            if !w.invalid.is_empty() {
                for t in schema.tables_mut() {
                    for i in &mut t.indexes {
                        i.invalid = w.invalid.contains(&(t.name.schema.clone(), i.name.clone()));
                    }
                }
            }
            finish(&mut schema);
            drop_alembic_version(&mut schema, &mut diagnostics);
            Parsed {
                schema,
                diagnostics,
                files: Vec::new(),
            }
        }
    }
}

/// Alembic's bookkeeping table (`alembic_version`, one `version_num` column) belongs to the
/// migration tool, not to the schema a model describes: it is left out, with a note.
fn drop_alembic_version(schema: &mut Schema, diagnostics: &mut Vec<Diagnostic>) {
    let name = crate::schema::QualName::new("public", "alembic_version");
    let is_alembic = schema.tables.get(&name).is_some_and(|t| {
        t.columns.len() == 1 && t.columns[0].name == "version_num" && t.foreign_keys.is_empty()
    });
    if is_alembic {
        schema.tables.remove(&name);
        diagnostics.push(Diagnostic::new(
            Severity::Note,
            DiagKind::OutOfScope,
            "not compared: alembic_version (Alembic's own bookkeeping table)",
            Span::default(),
        ));
    }
}

/// The DDL the catalog rows amount to, with what each statement describes.
struct Written {
    ddl: String,
    /// Lines in `ddl` so far (counted as statements are added, not by rescanning `ddl`).
    lines: u32,
    /// (first line of a statement, the object it describes), in order.
    origin: Vec<(u32, String)>,
    not_compared: Vec<Diagnostic>,
    /// Indexes the catalog marks invalid (schema, name): DDL cannot say so.
    invalid: std::collections::BTreeSet<(String, String)>,
}

impl Written {
    fn push(&mut self, what: &str, statement: String) {
        self.origin.push((self.lines + 1, what.to_string()));
        self.lines += statement.matches('\n').count() as u32 + 1;
        self.ddl.push_str(&statement);
        self.ddl.push_str(";\n");
    }
}

fn qual(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// Column `i` of a row: its text, `None` for NULL; a missing column is an error.
fn col(row: &Row, i: usize) -> Result<Option<&str>, String> {
    row.get(i)
        .map(Option::as_deref)
        .ok_or_else(|| format!("a row has {} columns, wanted at least {}", row.len(), i + 1))
}

/// Column `i`, which must not be NULL.
fn req(row: &Row, i: usize) -> Result<&str, String> {
    col(row, i)?.ok_or_else(|| format!("column {} is NULL", i + 1))
}

fn flag(row: &Row, i: usize) -> Result<bool, String> {
    Ok(matches!(col(row, i)?, Some("t" | "true")))
}

struct TableRow<'a> {
    schema: &'a str,
    name: String,
    what: String,
    partitioned_by: Option<&'a str>,
    bound: Option<&'a str>,
    unlogged: bool,
}

fn catalog_ddl(results: &[Vec<Row>]) -> Result<Written, String> {
    if results.len() != CATALOG_QUERIES.len() {
        return Err(format!(
            "{} result sets for {} queries",
            results.len(),
            CATALOG_QUERIES.len()
        ));
    }
    let [schemas, enums, sequences, tables, parents, columns, constraints, indexes, policies, views, extensions, functions, triggers, collations, domains, privileges, others, settings, composites, ranges, statistics, owners] =
        results
    else {
        return Err("wrong number of result sets".into());
    };
    let mut w = Written {
        ddl: String::new(),
        lines: 0,
        origin: Vec::new(),
        not_compared: Vec::new(),
        invalid: Default::default(),
    };

    for r in schemas {
        let name = req(r, 0)?;
        if name != "public" {
            w.push(
                &format!("schema {name}"),
                format!("CREATE SCHEMA {}", quote_ident(name)),
            );
        }
    }

    for r in extensions {
        let (name, schema) = (req(r, 0)?, req(r, 1)?);
        let mut st = format!(
            "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
            quote_ident(name),
            quote_ident(schema)
        );
        if let Some(v) = col(r, 2)? {
            st.push_str(&format!(" VERSION {}", quote_literal(v)));
        }
        w.push(&format!("extension {name}"), st);
    }

    for r in collations {
        let name = qual(req(r, 0)?, req(r, 1)?);
        let provider = if req(r, 2)? == "i" { "icu" } else { "libc" };
        let mut opts = vec![format!("provider = {provider}")];
        if !flag(r, 6)? {
            opts.push("deterministic = false".into());
        }
        let (collate, ctype) = match (provider, col(r, 5)?) {
            ("icu", Some(l)) => (l, l),
            _ => (col(r, 3)?.unwrap_or(""), col(r, 4)?.unwrap_or("")),
        };
        if collate == ctype {
            opts.push(format!("locale = {}", quote_literal(collate)));
        } else {
            opts.push(format!("lc_collate = {}", quote_literal(collate)));
            opts.push(format!("lc_ctype = {}", quote_literal(ctype)));
        }
        w.push(
            &format!("collation {name}"),
            format!("CREATE COLLATION {name} ({})", opts.join(", ")),
        );
    }

    types::write_enums(enums, &mut w)?;
    types::write_domains(domains, &mut w)?;
    types::write_ranges(ranges, &mut w)?;
    types::write_composites(composites, &mut w)?;

    // Tables by oid.
    let mut by_oid: BTreeMap<&str, TableRow<'_>> = BTreeMap::new();
    let mut table_order = Vec::new();
    let mut row_security = Vec::new();
    let mut table_comments = Vec::new();
    for r in tables {
        let oid = req(r, 0)?;
        let name = qual(req(r, 1)?, req(r, 2)?);
        if let Some(of) = col(r, 8)? {
            w.not_compared.push(not_compared(&format!(
                "typed table {name} (OF {of}): its columns come from a composite type"
            )));
            continue;
        }
        if let Some(c) = col(r, 7)? {
            table_comments.push((name.clone(), c.to_string()));
        }
        table_order.push(oid);
        if flag(r, 9)? {
            row_security.push(format!("ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"));
        }
        if flag(r, 10)? {
            row_security.push(format!("ALTER TABLE {name} FORCE ROW LEVEL SECURITY"));
        }
        by_oid.insert(
            oid,
            TableRow {
                schema: req(r, 1)?,
                what: format!("table {name}"),
                name,
                partitioned_by: col(r, 5)?,
                bound: col(r, 6)?,
                unlogged: col(r, 4)? == Some("u"),
            },
        );
    }
    let mut parents_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in parents {
        parents_of
            .entry(req(r, 0)?)
            .or_default()
            .push(qual(req(r, 1)?, req(r, 2)?));
    }

    // Columns: the CREATE TABLE lines, plus what pg_dump writes after the table.
    let mut cols_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut after: Vec<(String, String)> = Vec::new();
    let mut identities: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut column_comments = Vec::new();
    for r in columns {
        let oid = req(r, 0)?;
        let Some(t) = by_oid.get(oid) else {
            continue;
        };
        let name = req(r, 1)?;
        let local = flag(r, 9)?;
        if let Some(c) = col(r, 8)? {
            column_comments.push((t.name.clone(), name.to_string(), c.to_string()));
        }
        if !local {
            // Inherited from a parent (or a partition's parent): the parent declares it.
            continue;
        }
        let mut line = format!("{} {}", quote_ident(name), req(r, 2)?);
        if let Some(c) = col(r, 7)? {
            line.push_str(&format!(" COLLATE {c}"));
        }
        let generated = col(r, 6)?.unwrap_or("");
        let default = col(r, 4)?;
        match (generated, default) {
            ("s", Some(expr)) => line.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED")),
            (_, Some(expr)) if expr.starts_with("nextval(") => after.push((
                t.what.clone(),
                format!(
                    "ALTER TABLE ONLY {} ALTER COLUMN {} SET DEFAULT {expr}",
                    t.name,
                    quote_ident(name)
                ),
            )),
            (_, Some(expr)) => line.push_str(&format!(" DEFAULT {expr}")),
            _ => {}
        }
        if flag(r, 3)? {
            line.push_str(" NOT NULL");
        }
        match col(r, 5)?.unwrap_or("") {
            "a" => {
                identities.insert((t.name.clone(), name.to_string()), "ALWAYS");
            }
            "d" => {
                identities.insert((t.name.clone(), name.to_string()), "BY DEFAULT");
            }
            _ => {}
        }
        cols_of.entry(oid).or_default().push(line);
    }

    // Constraints: local ones only (inherited and cloned ones come from the parent).
    let mut plain_constraints = Vec::new();
    let mut foreign_keys = Vec::new();
    let mut constraint_comments = Vec::new();
    for r in constraints {
        let oid = req(r, 0)?;
        let Some(t) = by_oid.get(oid) else {
            continue;
        };
        if !flag(r, 5)? {
            continue;
        }
        let name = req(r, 1)?;
        let def = req(r, 3)?;
        let statement = format!(
            "ALTER TABLE ONLY {} ADD CONSTRAINT {} {def}",
            t.name,
            quote_ident(name)
        );
        if let Some(c) = col(r, 4)? {
            constraint_comments.push((
                t.what.clone(),
                format!(
                    "COMMENT ON CONSTRAINT {} ON {} IS {}",
                    quote_ident(name),
                    t.name,
                    quote_literal(c)
                ),
            ));
        }
        if req(r, 2)? == "f" {
            foreign_keys.push((t.what.clone(), statement));
        } else {
            plain_constraints.push((t.what.clone(), statement));
        }
    }

    for oid in &table_order {
        let t = &by_oid[oid];
        let cols = cols_of.remove(oid).unwrap_or_default();
        let mut st = format!(
            "CREATE {}TABLE {}",
            if t.unlogged { "UNLOGGED " } else { "" },
            t.name
        );
        match (t.bound, parents_of.get(oid)) {
            (Some(bound), Some(p)) if !p.is_empty() => {
                st.push_str(&format!(" PARTITION OF {}", p[0]));
                if !cols.is_empty() {
                    st.push_str(&format!(" ({})", cols.join(", ")));
                }
                st.push_str(&format!(" {bound}"));
            }
            (_, parents) => {
                st.push_str(&format!(" ({})", cols.join(", ")));
                if let Some(p) = parents.filter(|p| !p.is_empty()) {
                    st.push_str(&format!(" INHERITS ({})", p.join(", ")));
                }
            }
        }
        if let Some(key) = t.partitioned_by {
            st.push_str(&format!(" PARTITION BY {key}"));
        }
        w.push(&t.what, st);
    }

    // Sequences, as pg_dump writes them: free-standing and serial ones with their options,
    // identity ones as part of their column.
    for r in sequences {
        let name = qual(req(r, 0)?, req(r, 1)?);
        let what = format!("sequence {name}");
        let ty = req(r, 2)?;
        let (start, inc, min, max, cache) =
            (req(r, 3)?, req(r, 4)?, req(r, 5)?, req(r, 6)?, req(r, 7)?);
        let (def_min, def_max) = type_bounds(ty, inc.starts_with('-'));
        let options = format!(
            "START WITH {start} INCREMENT BY {inc} {} {} CACHE {cache}{}",
            if min == def_min {
                "NO MINVALUE".to_string()
            } else {
                format!("MINVALUE {min}")
            },
            if max == def_max {
                "NO MAXVALUE".to_string()
            } else {
                format!("MAXVALUE {max}")
            },
            if flag(r, 8)? { " CYCLE" } else { "" }
        );
        let owner = match (col(r, 10)?, col(r, 11)?, col(r, 12)?) {
            (Some(s), Some(t), Some(c)) => Some((qual(s, t), c)),
            _ => None,
        };
        match (col(r, 9)?, owner) {
            (Some("i"), Some((table, column))) => {
                if let Some(kind) = identities.remove(&(table.clone(), column.to_string())) {
                    w.push(
                        &format!("table {table}"),
                        format!(
                            "ALTER TABLE {table} ALTER COLUMN {} ADD GENERATED {kind} AS IDENTITY (SEQUENCE NAME {name} {options})",
                            quote_ident(column)
                        ),
                    );
                }
            }
            (_, owner) => {
                w.push(&what, format!("CREATE SEQUENCE {name} AS {ty} {options}"));
                if let Some((table, column)) = owner {
                    w.push(
                        &what,
                        format!(
                            "ALTER SEQUENCE {name} OWNED BY {table}.{}",
                            quote_ident(column)
                        ),
                    );
                }
            }
        }
    }
    // An identity column whose sequence was not listed (it cannot happen on a sound catalog,
    // but the column is still an identity).
    for ((table, column), kind) in identities {
        w.push(
            &format!("table {table}"),
            format!(
                "ALTER TABLE {table} ALTER COLUMN {} ADD GENERATED {kind} AS IDENTITY",
                quote_ident(&column)
            ),
        );
    }
    for (what, st) in after {
        w.push(&what, st);
    }
    for (what, st) in plain_constraints {
        w.push(&what, st);
    }
    // Views by oid; their indexes (of materialized views) come after them.
    let mut view_schema: BTreeMap<&str, &str> = BTreeMap::new();
    for r in views {
        view_schema.insert(req(r, 0)?, req(r, 1)?);
    }
    let mut view_indexes = Vec::new();
    for r in indexes {
        let oid = req(r, 0)?;
        let schema = match (by_oid.get(oid), view_schema.get(oid)) {
            (Some(t), _) => t.schema,
            (None, Some(s)) => s,
            (None, None) => continue,
        };
        let name = qual(schema, req(r, 1)?);
        if col(r, 4)? == Some("f") {
            w.invalid
                .insert((schema.to_string(), req(r, 1)?.to_string()));
        }
        let what = format!("index {name}");
        let mut sts = vec![req(r, 2)?.to_string()];
        if let Some(c) = col(r, 3)? {
            sts.push(format!("COMMENT ON INDEX {name} IS {}", quote_literal(c)));
        }
        for st in sts {
            if by_oid.contains_key(oid) {
                w.push(&what, st);
            } else {
                view_indexes.push((what.clone(), st));
            }
        }
    }
    for (what, st) in foreign_keys {
        w.push(&what, st);
    }
    for st in row_security {
        w.push("row level security", st);
    }
    for r in policies {
        let Some(t) = by_oid.get(req(r, 0)?) else {
            continue;
        };
        let mut st = format!("CREATE POLICY {} ON {}", quote_ident(req(r, 1)?), t.name);
        if !flag(r, 2)? {
            st.push_str(" AS RESTRICTIVE");
        }
        st.push_str(match req(r, 3)? {
            "r" => " FOR SELECT",
            "a" => " FOR INSERT",
            "w" => " FOR UPDATE",
            "d" => " FOR DELETE",
            _ => "",
        });
        if let Some(roles) = col(r, 4)? {
            st.push_str(&format!(" TO {roles}"));
        }
        if let Some(u) = col(r, 5)? {
            st.push_str(&format!(" USING ({u})"));
        }
        if let Some(c) = col(r, 6)? {
            st.push_str(&format!(" WITH CHECK ({c})"));
        }
        w.push(&format!("policy on {}", t.name), st);
    }
    for r in views {
        let name = qual(req(r, 1)?, req(r, 2)?);
        let kind = if req(r, 3)? == "m" {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        let what = format!("{} {name}", kind.to_ascii_lowercase());
        let def = req(r, 4)?.trim().trim_end_matches(';');
        w.push(&what, format!("CREATE {kind} {name} AS {def}"));
        if let Some(c) = col(r, 5)? {
            w.push(
                &what,
                format!("COMMENT ON {kind} {name} IS {}", quote_literal(c)),
            );
        }
    }
    for (what, st) in view_indexes {
        w.push(&what, st);
    }
    for r in functions {
        let what = format!("function {}", req(r, 1)?);
        w.push(&what, req(r, 0)?.trim_end().to_string());
        if let Some(c) = col(r, 3)? {
            w.push(
                &what,
                format!(
                    "COMMENT ON {} {} IS {}",
                    req(r, 2)?,
                    req(r, 1)?,
                    quote_literal(c)
                ),
            );
        }
    }
    for r in triggers {
        let what = format!("trigger {} on {}", req(r, 1)?, req(r, 2)?);
        w.push(&what, req(r, 0)?.to_string());
        // How it fires, as pg_dump writes it after the trigger.
        let code = req(r, 4)?;
        let firing = TriggerFiring::from_tgenabled(code)
            .ok_or_else(|| format!("{what}: unknown tgenabled {code:?}"))?;
        if let Some(st) = firing.statement(req(r, 2)?, req(r, 1)?) {
            w.push(&what, st);
        }
        if let Some(c) = col(r, 3)? {
            w.push(
                &what,
                format!(
                    "COMMENT ON TRIGGER {} ON {} IS {}",
                    req(r, 1)?,
                    req(r, 2)?,
                    quote_literal(c)
                ),
            );
        }
    }
    for (what, st) in constraint_comments {
        w.push(&what, st);
    }
    for (table, c) in table_comments {
        w.push(
            &format!("table {table}"),
            format!("COMMENT ON TABLE {table} IS {}", quote_literal(&c)),
        );
    }
    for (table, column, c) in column_comments {
        w.push(
            &format!("table {table}"),
            format!(
                "COMMENT ON COLUMN {table}.{} IS {}",
                quote_ident(&column),
                quote_literal(&c)
            ),
        );
    }

    settings::write(settings, &mut w)?;
    statistics::write(statistics, &mut w)?;

    // Privileges as pg_dump writes them: the owner, what PUBLIC holds by default taken away,
    // then each grant to another role than the owner.
    let mut last = None;
    for r in privileges {
        let (kind, target) = (req(r, 0)?, req(r, 1)?);
        let what = format!("privileges on {} {target}", kind.to_lowercase());
        let column = col(r, 2)?;
        if last != Some((kind, target)) {
            w.push(
                &what,
                format!("ALTER {kind} {target} OWNER TO {}", req(r, 6)?),
            );
            if column.is_none() {
                w.push(&what, format!("REVOKE ALL ON {kind} {target} FROM PUBLIC"));
            }
            last = Some((kind, target));
        }
        if let Some(grantee) = col(r, 3)? {
            w.push(
                &what,
                format!(
                    "GRANT {}{} ON {kind} {target} TO {grantee}{}",
                    req(r, 4)?,
                    column.map(|c| format!(" ({c})")).unwrap_or_default(),
                    if flag(r, 5)? {
                        " WITH GRANT OPTION"
                    } else {
                        ""
                    }
                ),
            );
        }
    }

    owners::write(owners, &mut w)?;

    // What exists but is not compared, one warning per kind.
    let mut kinds: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in others {
        kinds.entry(req(r, 0)?).or_default().push(req(r, 1)?);
    }
    for (kind, names) in kinds {
        let shown: Vec<&str> = names.iter().take(10).copied().collect();
        let more = if names.len() > shown.len() {
            format!(" and {} more", names.len() - shown.len())
        } else {
            String::new()
        };
        let plural = if names.len() == 1 { "" } else { "s" };
        w.not_compared.push(not_compared(&format!(
            "{} {kind}{plural} ({}{more})",
            names.len(),
            shown.join(", ")
        )));
    }
    Ok(w)
}

fn not_compared(what: &str) -> Diagnostic {
    Diagnostic::new(
        Severity::Warning,
        DiagKind::OutOfScope,
        format!("not compared: {what}"),
        Span::default(),
    )
}

/// A sequence type's default MINVALUE and MAXVALUE, as text, for an ascending or descending one.
fn type_bounds(ty: &str, descending: bool) -> (&'static str, &'static str) {
    let (lo, hi) = match ty {
        "smallint" => ("-32768", "32767"),
        "integer" => ("-2147483648", "2147483647"),
        _ => ("-9223372036854775808", "9223372036854775807"),
    };
    if descending {
        (lo, "-1")
    } else {
        ("1", hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(v: &[Option<&str>]) -> Row {
        v.iter().map(|s| s.map(String::from)).collect()
    }

    #[test]
    fn rows_of_the_wrong_shape_are_an_error_not_a_panic() {
        let p = decode_catalog(&[]);
        assert!(p.has_errors());
        let mut results = vec![Vec::new(); CATALOG_QUERIES.len()];
        results[3] = vec![row(&[Some("1")])];
        let p = decode_catalog(&results);
        assert!(p.has_errors(), "{:?}", p.diagnostics);
    }

    #[test]
    fn rows_decode_to_the_schema_the_ddl_gives() {
        let mut results = vec![Vec::new(); CATALOG_QUERIES.len()];
        results[3] = vec![row(&[
            Some("16384"),
            Some("public"),
            Some("users"),
            Some("r"),
            Some("p"),
            None,
            None,
            Some("people"),
            None,
            Some("t"),
            Some("f"),
        ])];
        results[8] = vec![row(&[
            Some("16384"),
            Some("own_rows"),
            Some("f"),
            Some("r"),
            Some("PUBLIC"),
            Some("(email = CURRENT_USER)"),
            None,
        ])];
        results[5] = vec![
            row(&[
                Some("16384"),
                Some("id"),
                Some("integer"),
                Some("t"),
                None,
                Some("a"),
                Some(""),
                None,
                None,
                Some("t"),
            ]),
            row(&[
                Some("16384"),
                Some("email"),
                Some("character varying(255)"),
                Some("f"),
                Some("'x'::character varying"),
                Some(""),
                Some(""),
                None,
                Some("it's the address"),
                Some("t"),
            ]),
        ];
        results[2] = vec![row(&[
            Some("public"),
            Some("users_id_seq"),
            Some("integer"),
            Some("1"),
            Some("1"),
            Some("1"),
            Some("2147483647"),
            Some("1"),
            Some("f"),
            Some("i"),
            Some("public"),
            Some("users"),
            Some("id"),
        ])];
        results[6] = vec![row(&[
            Some("16384"),
            Some("users_pkey"),
            Some("p"),
            Some("PRIMARY KEY (id)"),
            None,
            Some("t"),
        ])];
        let p = decode_catalog(&results);
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        let want = crate::parse(
            "CREATE TABLE users (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
             email varchar(255) DEFAULT 'x'); COMMENT ON TABLE users IS 'people'; \
             COMMENT ON COLUMN users.email IS 'it''s the address'; \
             ALTER TABLE users ENABLE ROW LEVEL SECURITY; \
             CREATE POLICY own_rows ON users AS RESTRICTIVE FOR SELECT USING (email = current_user);",
            None,
        )
        .1
        .schema;
        assert_eq!(p.schema, want);
    }
}

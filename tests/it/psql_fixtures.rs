//! Snapshots of the psql source on our own fixtures (`tests/fixtures/psql/`, real psql 15 output
//! of the DDL beside it): one per footer and hard case, showing what was read and every
//! diagnostic, so a change in either is reviewed.

use std::fmt::Write as _;

use schemafix_core::{parse, Format, Parsed, Schema};
use schemafix_tests::workspace_root;

fn summary(p: &Parsed) -> String {
    let s: &Schema = &p.schema;
    let mut out = String::new();
    let _ = writeln!(out, "scope: {}", serde_json::to_string(&s.scope).unwrap());
    if !s.external.is_empty() {
        let names: Vec<String> = s.external.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "external: {}", names.join(", "));
    }
    for t in s.tables.values() {
        let _ = writeln!(
            out,
            "table {}{}",
            t.name,
            if t.unlogged { " (unlogged)" } else { "" }
        );
        if !t.inherits.is_empty() {
            let p: Vec<String> = t.inherits.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "  inherits {}", p.join(", "));
        }
        if let Some(p) = &t.partition_of {
            let _ = writeln!(out, "  partition of {} {}", p.parent, p.bound.sql);
        }
        if let Some(b) = &t.partition_by {
            let _ = writeln!(out, "  partition by {}", b.sql);
        }
        for c in &t.columns {
            let _ = write!(out, "  column {:?} {}", c.name, c.data_type);
            if c.not_null {
                out.push_str(" not null");
            }
            if c.serial {
                out.push_str(" serial");
            }
            if let Some(i) = c.identity {
                let _ = write!(out, " identity {i:?}");
            }
            if let Some(g) = &c.generated {
                let _ = write!(out, " generated ({})", g.canon);
            }
            if let Some(d) = &c.default {
                let _ = write!(out, " default {}", d.canon);
            }
            if let Some(k) = &c.collation {
                let _ = write!(out, " collate {k}");
            }
            if let Some(k) = &c.comment {
                let _ = write!(out, " comment {k:?}");
            }
            if let Some(k) = t.column_settings.get(c.name.as_str()) {
                let _ = write!(out, " settings {}", serde_json::to_string(k).unwrap());
            }
            out.push('\n');
        }
        if !t.options.is_empty() {
            let _ = writeln!(out, "  options {}", t.options.0.join(", "));
        }
        if !t.replica_identity.is_default() {
            let _ = writeln!(out, "  replica identity {:?}", t.replica_identity);
        }
        if let Some(pk) = &t.primary_key {
            let _ = writeln!(
                out,
                "  primary key {:?} {:?} include {:?}",
                pk.name, pk.columns, pk.include
            );
        }
        for u in &t.uniques {
            let _ = writeln!(
                out,
                "  unique {:?} {:?} {:?}",
                u.name, u.columns, u.deferrable
            );
        }
        for c in &t.checks {
            let _ = writeln!(
                out,
                "  check {:?} {}{}",
                c.name,
                c.expr.canon,
                if c.no_inherit { " no inherit" } else { "" }
            );
        }
        for f in &t.foreign_keys {
            let _ = writeln!(
                out,
                "  foreign key {:?} {:?} -> {} {:?} on update {:?} on delete {:?}{} {:?}",
                f.name,
                f.columns,
                f.ref_table,
                f.ref_columns,
                f.on_update,
                f.on_delete,
                if f.match_full { " match full" } else { "" },
                f.deferrable
            );
        }
        for x in &t.exclusions {
            let keys: Vec<String> = x
                .elements
                .iter()
                .map(|(k, op)| format!("{} WITH {op}", k.expr.canon))
                .collect();
            let _ = writeln!(
                out,
                "  exclude {:?} using {} ({}) where {:?}",
                x.name,
                x.method,
                keys.join(", "),
                x.predicate.as_ref().map(|p| &p.canon)
            );
        }
        for i in &t.indexes {
            let keys: Vec<String> = i
                .keys
                .iter()
                .map(|k| {
                    format!(
                        "{}{}{}",
                        k.expr.canon,
                        if k.desc { " desc" } else { "" },
                        k.opclass
                            .as_ref()
                            .map(|o| format!(" {o}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  index {:?}{} using {} ({}) include {:?} where {:?} with {:?}",
                i.name,
                if i.unique { " unique" } else { "" },
                i.method,
                keys.join(", "),
                i.include,
                i.predicate.as_ref().map(|p| &p.canon),
                i.with.0
            );
        }
    }
    out.push_str("diagnostics:\n");
    for d in &p.diagnostics {
        let _ = writeln!(out, "  {}:{} {d}", d.span.line, d.span.column);
    }
    out
}

#[test]
fn psql_fixtures() {
    let dir = workspace_root().join("tests/fixtures/psql");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/psql")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 18, "fixtures missing: {}", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let (_, p) = parse(&text, Some(Format::Psql));
        let name = f.file_stem().unwrap().to_string_lossy().replace('.', "_");
        insta::assert_snapshot!(name, summary(&p));
    }
}

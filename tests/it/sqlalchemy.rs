//! The SQLAlchemy source against real SQLAlchemy: for every model fixture, `create_all` on a
//! fresh database must give the catalog our static reading of the same file describes.

use schemafix_core::{diff, parse, plan, Format, PlanOptions};
use schemafix_tests::{python, workspace_root, Pg};

#[test]
fn models_read_statically_equal_what_sqlalchemy_creates() {
    let pg = Pg::get().expect("PostgreSQL");
    let dir = workspace_root().join("tests/fixtures/sqlalchemy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} model fixtures", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let (format, ours) = parse(&text, None);
        assert_eq!(format, Format::SqlAlchemy, "{name} not detected as a model");
        let errors: Vec<_> = ours
            .diagnostics
            .iter()
            .filter(|d| d.severity == schemafix_core::Severity::Error)
            .map(|d| format!("{}:{} {}", d.span.line, d.span.column, d.message))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{name}: {errors:?}"));
            continue;
        }
        let db = pg.create_db().unwrap();
        if let Err(e) = python::create_all(f, &db.sqlalchemy_url()) {
            failures.push(format!("{name}: {e:#}"));
            continue;
        }
        let dump = db.dump().unwrap();
        let (_, real) = parse(&dump, Some(Format::Sql));
        // The catalog and our reading must not differ in anything a migration would change.
        let d = plan(
            &diff(&real.schema, &ours.schema),
            &PlanOptions {
                allow_destructive: true,
                ..Default::default()
            },
        );
        if !d.is_empty() {
            let steps: Vec<String> = d.steps.iter().map(|s| s.reason.clone()).collect();
            failures.push(format!("{name}: {}", steps.join("; ")));
        }
        if real.schema.tables != ours.schema.tables || real.schema.enums != ours.schema.enums {
            let cols = |s: &schemafix_core::Schema| -> Vec<String> {
                s.tables
                    .values()
                    .flat_map(|t| {
                        t.columns.iter().map(move |c| {
                            format!(
                                "{}.{} {} {}",
                                t.name,
                                c.name,
                                c.data_type,
                                serde_json::to_string(c).unwrap_or_default()
                            )
                        })
                    })
                    .collect()
            };
            let (a, b) = (cols(&real.schema), cols(&ours.schema));
            let first = a.iter().zip(&b).find(|(x, y)| x != y);
            failures.push(format!(
                "{name}: the IRs differ although no step was planned: {first:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn models_cut_anywhere_never_panic_and_point_inside_the_text() {
    let dir = workspace_root().join("tests/fixtures/sqlalchemy");
    let mut cuts = 0;
    for e in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for &at in &bounds {
            let cut = &text[..at];
            let (_, p) = parse(cut, Some(Format::SqlAlchemy));
            cuts += 1;
            for d in &p.diagnostics {
                assert!(
                    d.span.start as usize <= cut.len() && d.span.line >= 1,
                    "{:?} cut at {at}: {d:?}",
                    e.path()
                );
            }
        }
    }
    assert!(cuts > 1000, "{cuts} cuts");
}

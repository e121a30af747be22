//! The benchmarks' generated schemas (`schemafix_tests::generate`) mean the same in each form:
//! the `\d+` text equals what PostgreSQL's psql prints for the DDL (read back the same), and the
//! model reads as the same tables.

use schemafix_core::{parse, Format, Schema};
use schemafix_tests::{generate, Pg};

fn read(text: &str, format: Format) -> Schema {
    let (_, p) = parse(text, Some(format));
    let errors: Vec<_> = p
        .diagnostics
        .iter()
        .filter(|d| d.severity == schemafix_core::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{format:?}: {errors:?}");
    p.schema
}

#[test]
fn generated_pastes_and_models_read_as_their_ddl() {
    for desired in [false, true] {
        let n = 12;
        let ddl = read(&generate::ddl(n, desired), Format::Sql);
        assert_eq!(ddl.tables.len(), n);
        let paste = read(&generate::psql_dplus(n, desired), Format::Psql);
        assert_eq!(paste.tables, ddl.tables, "\\d+ (desired: {desired})");
        let model = read(&generate::sqlalchemy_model(n, desired), Format::SqlAlchemy);
        assert_eq!(model.tables, ddl.tables, "model (desired: {desired})");
        assert_eq!(model.enums, ddl.enums);
    }
    // psql itself prints the same tables for the DDL.
    let db = Pg::get().unwrap().create_db().unwrap();
    db.exec(&generate::ddl(3, true)).unwrap();
    let printed = db.describe("\\d+ t*", &[]).unwrap();
    let generated = generate::psql_dplus(3, true);
    assert_eq!(
        read(&printed, Format::Psql).tables,
        read(&generated, Format::Psql).tables,
        "psql printed:\n{printed}\ngenerated:\n{generated}"
    );
}

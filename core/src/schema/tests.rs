//! IR tests: names, equality, sizes.

use super::*;

#[test]
fn lean_pushes_grow_by_half_from_one_slot() {
    let mut list = Vec::new();
    let mut capacities = Vec::new();
    for i in 0..8 {
        push_lean(&mut list, i);
        capacities.push(list.capacity());
    }
    assert_eq!(list, (0..8).collect::<Vec<_>>());
    // At most what was asked for (a plain push holds 4 slots for the first item).
    for (got, most) in capacities.iter().zip([1, 2, 4, 4, 7, 7, 7, 11]) {
        assert!(*got <= most, "{capacities:?}");
    }
}

/// A dump holds hundreds of thousands of columns and the pipeline keeps a few copies of each
/// (RELIABILITY.md, "Large inputs"): what most columns lack stays out of line.
#[test]
fn a_column_stays_small() {
    let size = std::mem::size_of::<Column>();
    println!(
        "Column: {size} bytes, Table: {}, Change: {}, Step: {}",
        std::mem::size_of::<Table>(),
        std::mem::size_of::<crate::diff::Change>(),
        std::mem::size_of::<crate::plan::Step>()
    );
    assert!(size <= 128, "Column is {size} bytes");
    assert_eq!(std::mem::size_of::<Span>(), 16);
}

#[test]
fn columns_of_one_type_share_its_name() {
    let sql = "CREATE TABLE a (x integer, y text COLLATE \"C\");\n\
               CREATE TABLE b (x integer, y character varying(20));\n\
               COMMENT ON COLUMN b.x IS 'the x';";
    let (_, parsed) = crate::parse(sql, None);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let table = |n: &str| &parsed.schema.tables[&QualName::new("public", n)];
    let (a, b) = (table("a"), table("b"));
    assert!(Arc::ptr_eq(
        &a.columns[0].data_type.0,
        &b.columns[0].data_type.0
    ));
    assert!(!Arc::ptr_eq(
        &a.columns[1].data_type.0,
        &b.columns[1].data_type.0
    ));
    assert_eq!(b.columns[1].data_type, "character varying(20)");
    assert_eq!(a.columns[1].collation.as_deref(), Some("C"));
    assert_eq!(b.columns[0].comment.as_deref(), Some("the x"));
    // Shared or not, a type name reads, compares and serializes as its text.
    let json = serde_json::to_value(&b.columns[0]).unwrap();
    assert_eq!(json["data_type"], "integer");
    assert_eq!(json["comment"], "the x");
    let back: Column = serde_json::from_value(json).unwrap();
    assert_eq!(back, b.columns[0]);
    assert!(Arc::ptr_eq(&back.data_type.0, &a.columns[0].data_type.0));
    let (text, uuid) = (TypeName::from("text"), TypeName::new("uuid"));
    assert!(text == "text" && text < uuid && Arc::ptr_eq(&text.0, &TypeName::new("text").0));
}

#[test]
fn identity_options_read_as_defaults_until_written() {
    let mut o = IdentityOpts::default();
    assert!(o.is_default() && o.0.is_none());
    assert_eq!(o, IdentityOptions::default().into());
    o.start = Some(100);
    assert_eq!(o.effective_start(), Some(100));
    assert_ne!(o, IdentityOpts::default());
    let json = serde_json::to_string(&o).unwrap();
    assert_eq!(serde_json::from_str::<IdentityOpts>(&json).unwrap(), o);
    // Written back to the defaults, it equals the unset options again.
    o.start = None;
    assert_eq!(o, IdentityOpts::default());
}

#[test]
fn a_zoneless_literal_matches_any_literal_and_nothing_else() {
    let e = |canon: &str| Expr {
        sql: String::new(),
        canon: canon.to_string(),
    };
    let z = Expr::ZONELESS;
    let written = e(&format!("(a > '2020-01-01'{z})"));
    assert_eq!(written, e("(a > '2020-01-01 00:00:00+00')"));
    assert_eq!(written, e("(a > '2019-12-31 22:00:00+00')"));
    assert_eq!(e("(a > '2019-12-31 22:00:00+00')"), written);
    // The rest of the expression is compared.
    assert_ne!(written, e("(a >= '2020-01-01 00:00:00+00')"));
    assert_ne!(written, e("(a > now())"));
    assert_ne!(written, e("(a > '2020-01-01 00:00:00+00') AND b"));
    // A literal with a doubled quote is one literal.
    assert_eq!(e(&format!("f('it''s'{z}, 1)")), e("f('x', 1)"));
}

#[test]
fn a_tab_shown_as_blanks_and_a_zoneless_literal_together() {
    let z = Expr::ZONELESS;
    let tabbed = format!("(('tab\there' ~~* 'x') AND (a = '2024-01-31 10:00:00'{z}))");
    assert!(Hidden::alike_but_tabs(
        "(('tab   here' ~~* 'x') AND (a = '2024-01-31 08:00:00+00'))",
        &tabbed
    ));
    assert!(!Hidden::alike_but_tabs(
        "(('tab   here' ~~* 'y') AND (a = '2024-01-31 08:00:00+00'))",
        &tabbed
    ));
}

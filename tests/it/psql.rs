//! The psql source against the shared psql corpus: every capture parses, and the IR read from it
//! equals the IR read from the DDL that produced it, restricted to what `\d` shows.

use schemafix_tests::psql_corpus::{ddl_schema, errors, parse_capture, samples, shown, VARIANTS};
use schemafix_tests::shared_dir;

#[test]
fn every_capture_round_trips_to_its_ddl() {
    let all = samples(&shared_dir()).expect("psql corpus");
    assert!(
        all.len() > 300,
        "the psql corpus went missing: {} samples",
        all.len()
    );
    let mut checked = 0;
    let mut failures = Vec::new();
    for s in &all {
        let sql = s
            .sql()
            .map(|x| format!("{}{}", x.prelude, x.target))
            .unwrap_or_default();
        if schemafix_core::detect(&sql) != schemafix_core::Format::Sql {
            failures.push(format!("{}/{}.sql: not detected as SQL", s.dir, s.stem));
        }
        let ddl = match ddl_schema(s) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{}/{}: {e}", s.dir, s.stem));
                continue;
            }
        };
        for v in VARIANTS {
            let Some(text) = s.read(v) else { continue };
            checked += 1;
            let p = parse_capture(&text);
            let errs = errors(&p);
            let at = format!("{}/{}.{v}", s.dir, s.stem);
            if schemafix_core::detect(&text) != schemafix_core::Format::Psql {
                failures.push(format!("{at}: not detected as psql output"));
            }
            // A view's `\d+` is read and compared; its `\d` is named as not compared.
            if s.kind == "View" {
                let name = s.tables().into_iter().next();
                let plus = v.starts_with("dplus");
                match name
                    .as_ref()
                    .map(|n| (p.schema.views.get(n), ddl.views.get(n)))
                {
                    Some((Some(got), Some(want))) if plus => {
                        if got.query.canon != want.query.canon {
                            failures.push(format!(
                                "{at}: the view's query differs: {} vs {}",
                                got.query.canon, want.query.canon
                            ));
                        }
                    }
                    Some((None, _))
                        if !plus
                            && p.diagnostics
                                .iter()
                                .any(|d| d.message.contains("does not show its query")) => {}
                    _ => failures.push(format!("{at}: the view is not read as it should be")),
                }
                if !errs.is_empty() {
                    failures.push(format!("{at}: {}", errs.join(" | ")));
                }
                continue;
            }
            if !s.is_table() {
                if !p
                    .diagnostics
                    .iter()
                    .any(|d| d.message.contains("only tables are compared"))
                {
                    failures.push(format!("{at}: a {} paste is not named as such", s.kind));
                }
                continue;
            }
            if !errs.is_empty() {
                failures.push(format!("{at}: {}", errs.join(" | ")));
                continue;
            }
            for name in s.tables() {
                let (Some(got), Some(want)) = (p.schema.tables.get(&name), ddl.tables.get(&name))
                else {
                    failures.push(format!("{at}: {name} missing from the paste or the DDL"));
                    continue;
                };
                let plus = v.starts_with("dplus");
                let (got, mut want) = (shown(got, plus), shown(want, plus));
                if s.dir == "13-server10" || s.dir == "13-server11" {
                    // Before PostgreSQL 12 a default FK name used only the first column.
                    for fk in &mut want.foreign_keys {
                        let all = format!("{}_{}_fkey", name.name, fk.columns.join("_"));
                        if fk.name == all {
                            fk.name = format!("{}_{}_fkey", name.name, fk.columns[0]);
                        }
                    }
                    want.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
                }
                if got != want {
                    failures.push(format!(
                        "{at}: {name} differs: {}",
                        first_difference(&got, &want)
                    ));
                }
            }
        }
    }
    println!(
        "psql corpus: {checked} captures compared, {} failing",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} captures fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The first field where two tables differ, as JSON paths and values.
fn first_difference(a: &schemafix_core::Table, b: &schemafix_core::Table) -> String {
    let (a, b) = (
        serde_json::to_value(a).unwrap(),
        serde_json::to_value(b).unwrap(),
    );
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: String, out: &mut Vec<String>) {
        use serde_json::Value::{Array, Object};
        match (a, b) {
            (Object(x), Object(y)) => {
                for (k, v) in x {
                    if k == "span" {
                        continue;
                    }
                    walk(
                        v,
                        y.get(k).unwrap_or(&serde_json::Value::Null),
                        format!("{path}.{k}"),
                        out,
                    );
                }
            }
            (Array(x), Array(y)) if x.len() == y.len() => {
                for (i, (v, w)) in x.iter().zip(y).enumerate() {
                    walk(v, w, format!("{path}[{i}]"), out);
                }
            }
            _ if a != b => out.push(format!("{path}: paste {a} vs DDL {b}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&a, &b, String::new(), &mut out);
    out.into_iter().take(3).collect::<Vec<_>>().join("; ")
}

#[test]
fn terminal_transcripts_yield_both_tables_and_hard_wraps_are_refused() {
    let all = samples(&shared_dir()).expect("psql corpus");
    let multi: Vec<_> = all.iter().filter(|s| s.kind == "multi").collect();
    assert!(multi.len() >= 10, "{} multi samples", multi.len());
    for s in multi {
        let text = s.read("terminal.txt").expect("terminal transcript");
        let p = parse_capture(&text);
        assert!(errors(&p).is_empty(), "{}: {:?}", s.dir, errors(&p));
        for name in s.tables() {
            assert!(
                p.schema.tables.contains_key(&name),
                "{}: {name} missing",
                s.dir
            );
        }
        let wrapped = s
            .read("terminal-hardwrap100.txt")
            .expect("hard-wrapped transcript");
        let p = parse_capture(&wrapped);
        let errs = errors(&p);
        assert!(
            errs.iter().any(|e| e.contains("narrow terminal")),
            "{}: the hard-wrapped paste must be refused, saying why: {errs:?}",
            s.dir
        );
    }
}

/// psql footers the IR does not hold; they are named in diagnostics, so they are left out when
/// comparing `\d` of the original with `\d` of the table recreated from the paste.
fn comparable_describe(text: &str) -> String {
    let mut out = Vec::new();
    let mut keep = true;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() && line.contains(':') && !line.contains('|') {
            let heading = line.split(':').next().unwrap_or("");
            keep = matches!(
                heading,
                "Indexes" | "Check constraints" | "Foreign-key constraints" | "Referenced by"
            );
        }
        if keep {
            let mut l = line.trim_end().to_string();
            for marker in [" REPLICA IDENTITY", " INVALID", " CLUSTER", " NOT VALID"] {
                if let Some(s) = l.strip_suffix(marker) {
                    l = s.to_string();
                }
            }
            // A constraint index's storage parameters are named in a warning, not compared.
            if l.contains(" CONSTRAINT, ") || l.contains(" PRIMARY KEY, ") {
                if let Some(w) = l.find(" WITH (") {
                    let end = l[w..].find(')').map_or(l.len(), |e| w + e + 1);
                    l.replace_range(w..end, "");
                }
            }
            out.push(l);
        }
    }
    out.join("\n").trim_end().to_string()
}

#[test]
fn pastes_recreate_the_described_table_on_postgresql() {
    use schemafix_core::{diff, plan, render_sql, PlanOptions, Schema};
    let pg = schemafix_tests::Pg::get().expect("PostgreSQL");
    let all = samples(&shared_dir()).expect("psql corpus");
    let mut checked = 0;
    let mut failures = Vec::new();
    for s in all
        .iter()
        .filter(|s| (s.dir == "15" || s.dir == "18-server15") && s.is_table() && s.kind != "multi")
    {
        let sec = s.sql().expect("sql");
        let reference = pg.create_db().unwrap();
        reference
            .exec(&format!(
                "{}\n{}\n{}",
                sec.prelude, sec.target, sec.dependents
            ))
            .unwrap();
        let describe = format!("\\d {}", s.describe_arg);
        let want = comparable_describe(&reference.describe(&describe, &[]).unwrap());
        let comments =
            "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a \
             WHERE a.attrelid = (SELECT oid FROM pg_class WHERE relname = 'NAME' LIMIT 1) \
             AND a.attnum > 0 ORDER BY a.attnum";
        let name = s.tables()[0].name.replace('\'', "''");
        let want_comments = reference.query(&comments.replace("NAME", &name)).unwrap();
        let mut seen: Vec<String> = Vec::new();
        for v in VARIANTS {
            let Some(text) = s.read(v) else { continue };
            checked += 1;
            let at = format!("{}/{}.{v}", s.dir, s.stem);
            let p = parse_capture(&text);
            if !errors(&p).is_empty() {
                failures.push(format!("{at}: {:?}", errors(&p)));
                continue;
            }
            let sql = render_sql(&plan(
                &diff(&Schema::default(), &p.schema),
                &PlanOptions::default(),
            ));
            if seen.contains(&sql) {
                continue;
            }
            seen.push(sql.clone());
            let candidate = pg.create_db().unwrap();
            let script = format!("{}\n{sql}\n{}", sec.prelude, sec.dependents);
            if let Err(e) = candidate.exec(&script) {
                failures.push(format!(
                    "{at}: the recreated table does not load: {e}\n{sql}"
                ));
                continue;
            }
            let got = comparable_describe(&candidate.describe(&describe, &[]).unwrap());
            if got != want {
                failures.push(format!(
                    "{at}: \\d differs\n--- original\n{want}\n--- recreated\n{got}"
                ));
            }
            if v.starts_with("dplus") {
                let got_comments = candidate.query(&comments.replace("NAME", &name)).unwrap();
                if got_comments != want_comments {
                    failures.push(format!(
                        "{at}: column comments differ: {got_comments} vs {want_comments}"
                    ));
                }
            }
        }
    }
    println!(
        "psql round trip on PostgreSQL: {checked} captures, {} failing",
        failures.len()
    );
    assert!(checked >= 150, "only {checked} captures checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn pastes_cut_anywhere_never_panic_and_point_inside_the_text() {
    let all = samples(&shared_dir()).expect("psql corpus");
    let mut cuts = 0;
    for s in all
        .iter()
        .filter(|s| s.dir == "15" || s.dir == "13-server10")
    {
        for v in VARIANTS {
            let Some(text) = s.read(v) else { continue };
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(23).collect();
            for &at in &bounds {
                let cut = &text[..at];
                let p = parse_capture(cut);
                cuts += 1;
                for d in &p.diagnostics {
                    assert!(
                        d.span.start as usize <= cut.len() && d.span.line >= 1,
                        "{}/{}.{v} cut at {at}: {d:?}",
                        s.dir,
                        s.stem
                    );
                }
            }
        }
    }
    assert!(cuts > 1000, "{cuts} cuts");
}

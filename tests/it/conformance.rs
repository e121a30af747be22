//! The convergence harness over `../shared/conformance/`, with a committed ratchet.

use std::collections::BTreeMap;

use schemafix_tests::corpus::{
    migra_cases, realworld_cases, report, run_all, scores, sqldef_cases, ROLES,
};
use schemafix_tests::{shared_dir, workspace_root, Pg};

const RATCHET: &str = "tests/conformance/ratchet.tsv";
const RESULTS: &str = "tests/conformance/results.md";

#[test]
fn corpora_converge_and_scores_never_drop() {
    let pg = Pg::get().expect("PostgreSQL");
    pg.ensure_roles(ROLES).expect("roles");
    let shared = shared_dir();
    // The real dumps first: they are the longest cases, and the workers should not end on them.
    let mut cases = realworld_cases(&shared).expect("real-world corpus");
    cases.extend(sqldef_cases(&shared).expect("sqldef corpus"));
    cases.extend(migra_cases(&shared).expect("migra corpus"));
    let counted: Vec<_> = cases
        .iter()
        .filter(|c| c.excluded.is_none())
        .cloned()
        .collect();
    assert!(
        counted.len() > 300,
        "the corpus went missing: {} counted cases",
        counted.len()
    );

    let mut results = run_all(pg, &counted, 3);
    // Cases not counted still load (most of them): their self-diff is measured too.
    let others: Vec<_> = cases.iter().filter(|c| c.excluded.is_some()).collect();
    let self_diffs = schemafix_tests::corpus::par_map(&others, 3, |c| {
        let why = c.excluded.as_deref().unwrap_or_default();
        if why.starts_with("expects an error") || why.starts_with("does not load") {
            schemafix_tests::corpus::Outcome::NotApplicable(why.to_string())
        } else {
            schemafix_tests::corpus::self_diff_only(pg, c)
        }
    });
    results.extend(others.iter().zip(self_diffs).map(|(c, self_diff)| {
        let excluded = || schemafix_tests::corpus::Outcome::Fail("excluded".into());
        schemafix_tests::corpus::CaseResult {
            case: (*c).clone(),
            forward: excluded(),
            reverse: excluded(),
            self_diff,
            psql_forward: excluded(),
            introspect: excluded(),
            down: excluded(),
            online: excluded(),
            squawk: excluded(),
            online_unavoidable: Vec::new(),
        }
    }));
    let text = report(&results);
    let root = workspace_root();
    let out_dir = root.join("target");
    std::fs::create_dir_all(&out_dir).ok();
    std::fs::write(out_dir.join("conformance-results.md"), &text).unwrap();
    let s = scores(&results);
    for ((corpus, cat, check), sc) in &s {
        println!(
            "{corpus:7} {cat:20} {check:9} {:4}/{:4} {:5.1}%",
            sc.pass,
            sc.total,
            sc.percent()
        );
    }

    let ratchet_path = root.join(RATCHET);
    if std::env::var_os("SCHEMAFIX_BLESS").is_some() {
        let mut t = String::from("corpus\tcategory\tcheck\tpass\ttotal\n");
        for ((corpus, cat, check), sc) in &s {
            t.push_str(&format!(
                "{corpus}\t{cat}\t{check}\t{}\t{}\n",
                sc.pass, sc.total
            ));
        }
        std::fs::write(&ratchet_path, t).unwrap();
        std::fs::write(root.join(RESULTS), &text).unwrap();
        return;
    }
    let ratchet = std::fs::read_to_string(&ratchet_path)
        .expect("tests/conformance/ratchet.tsv (bless with SCHEMAFIX_BLESS=1)");
    let mut floor: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (n, line) in ratchet.lines().enumerate().skip(1) {
        // A line the harness cannot read is a failure, never a floor of 0.
        let f: Vec<&str> = line.split('\t').collect();
        let pass = match f.as_slice() {
            [_, _, _, pass, total] => pass
                .parse::<usize>()
                .ok()
                .filter(|_| total.parse::<usize>().is_ok()),
            _ => None,
        };
        let Some(pass) = pass else {
            panic!(
                "{RATCHET}:{}: not `corpus\tcategory\tcheck\tpass\ttotal`: {line:?}",
                n + 1
            );
        };
        floor.insert((f[0].into(), f[1].into(), f[2].into()), pass);
    }
    let mut dropped = Vec::new();
    for (key, min) in &floor {
        let got = s.get(key).map_or(0, |sc| sc.pass);
        if got < *min {
            dropped.push(format!("{key:?}: {got} < {min}"));
        }
    }
    assert!(
        dropped.is_empty(),
        "conformance scores dropped (see target/conformance-results.md):\n{}",
        dropped.join("\n")
    );
    // The committed report is generated: it must be this run's, or it says what is no longer so.
    let committed = std::fs::read_to_string(root.join(RESULTS)).unwrap_or_default();
    assert!(
        committed == text,
        "{RESULTS} is not the report this run wrote (target/conformance-results.md): `cargo xtask bless` writes it and the ratchet again"
    );
}

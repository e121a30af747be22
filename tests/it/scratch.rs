use schemafix_tests::corpus::{migra_cases, realworld_cases, run_case, sqldef_cases, ROLES};
use schemafix_tests::{shared_dir, Pg};

#[test]
fn scratch_cases() {
    let Ok(filter) = std::env::var("SCRATCH_FILTER") else { return };
    let pg = Pg::get().expect("PostgreSQL");
    pg.ensure_roles(ROLES).expect("roles");
    let shared = shared_dir();
    let mut cases = sqldef_cases(&shared).unwrap();
    cases.extend(migra_cases(&shared).unwrap());
    cases.extend(realworld_cases(&shared).unwrap());
    let pats: Vec<&str> = filter.split(',').collect();
    let picked: Vec<_> = cases.into_iter().filter(|c| pats.iter().any(|p| c.name.contains(p)) && (c.excluded.is_none() || std::env::var_os("SCRATCH_ALL").is_some())).collect();
    let results = schemafix_tests::corpus::par_map(&picked, 2, |c| run_case(pg, c));
    let mut fails = 0;
    for r in &results {
        for (check, o) in r.checks() {
            if !o.passed() && !matches!(o, schemafix_tests::corpus::Outcome::NotApplicable(_)) {
                fails += 1;
                println!("FAIL {} {}: {:?}", r.case.name, check, o);
            }
        }
    }
    println!("{} cases, {} failing checks", results.len(), fails);
}

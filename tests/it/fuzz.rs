//! Replays every input the fuzzers saved (`cargo xtask fuzz` copies crashes, timeouts and
//! out-of-memory cases into `tests/fuzz/<target>/`) through the same code the targets run
//! (`schemafix_core::fuzzing`), plus hand-made inputs of the kinds fuzzing found worth keeping.

use schemafix_core::{fuzzing, Format};
use schemafix_tests::workspace_root;

fn replay(target: &str, data: &[u8]) {
    match target {
        "detect" => fuzzing::detect_format(data),
        "ddl" => fuzzing::source(data, Format::Sql),
        "psql" => fuzzing::source(data, Format::Psql),
        "sqlalchemy" => fuzzing::source(data, Format::SqlAlchemy),
        "pipeline" => fuzzing::pipeline(data),
        other => panic!("tests/fuzz/{other}: not a fuzz target"),
    }
}

#[test]
fn saved_fuzz_inputs_no_longer_fail() {
    let dir = workspace_root().join("tests/fuzz");
    let mut replayed = 0;
    for target in std::fs::read_dir(&dir).unwrap().flatten() {
        if !target.path().is_dir() {
            continue;
        }
        let name = target.file_name().to_string_lossy().into_owned();
        for input in std::fs::read_dir(target.path()).unwrap().flatten() {
            let data = std::fs::read(input.path()).unwrap();
            replay(&name, &data);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no inputs under {}", dir.display());
}

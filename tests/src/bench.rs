//! What the live benches (`tests/benches/live.rs`, `tests/benches/stress.rs`) share: timing a
//! command several times, and running one that must have done its work.

use std::process::Command;
use std::time::Instant;

/// Runs `f` once to warm the server's caches and the file system's, then `runs` times; the
/// median in milliseconds.
pub fn time(what: &str, runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let m = times[times.len() / 2];
    eprintln!("{what}: median {m:.0} ms of {times:.0?}");
    m
}

/// Runs `cmd`, which must exit with one of `codes` (a check that finds drift exits non-zero)
/// and print `says` (on stdout or stderr): each tool must have done its work, not failed.
pub fn run(cmd: &mut Command, codes: &[i32], says: &str) {
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        codes.contains(&code) && text.contains(says),
        "{cmd:?} exited {code}, expected {codes:?} and {says:?}: {}",
        text.chars().take(2000).collect::<String>()
    );
}

/// `migra --unsafe` from `current` to `desired`, timed as [`time`] does; it must find the
/// column `added`. migra comes from PyPI, pinned, into its own virtual environment
/// (`target/bench-venv`).
pub fn migra(current: &crate::Db, desired: &crate::Db, runs: usize, added: &str) -> f64 {
    let migra = crate::python::venv(
        "bench-venv",
        &["migra==3.0.1663481299", "psycopg2-binary==2.9.13"],
    )
    .expect("migra from PyPI")
    .join("bin/migra");
    let (a, b) = (current.sqlalchemy_url(), desired.sqlalchemy_url());
    time("migra", runs, || {
        run(
            Command::new(&migra).args(["--unsafe", &a, &b]),
            &[0, 2],
            &format!("add column \"{added}\""),
        );
    })
}

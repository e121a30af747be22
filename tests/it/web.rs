//! The web playground and the embeddable widget in a real browser: the files
//! `cargo xtask test` built into `target/dist`, served by a small static server, driven in
//! Debian's headless Chromium by `tests/web/e2e.mjs` and `tests/web/embed.mjs` (playwright-core,
//! no browser download).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use schemafix_tests::{shared_dir, workspace_root};

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("png") => "image/png",
        Some("txt" | "py" | "sql" | "ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves `dir` on a free port; returns the base URL and the paths requested.
fn serve(dir: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                log.lock().unwrap().push(path.clone());
                let rel = path.split(['?', '#']).next().unwrap_or("/");
                let index = format!("{rel}index.html");
                let rel = if rel.ends_with('/') { &index } else { rel };
                let file = dir.join(rel.trim_start_matches('/'));
                let mut out = &stream;
                match (rel.contains(".."), std::fs::read(&file)) {
                    (false, Ok(body)) => {
                        let _ = write!(
                            out,
                            "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            content_type(&file),
                            body.len()
                        );
                        let _ = out.write_all(&body);
                    }
                    _ => {
                        let _ = write!(
                            out,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                    }
                }
            });
        }
    });
    (url, seen)
}

/// The built files and the browser tools, or a clear message about what is missing.
fn dist_and_tools() -> (PathBuf, PathBuf) {
    let root = workspace_root();
    let dist = root.join("target/dist");
    assert!(
        dist.join("index.html").exists(),
        "target/dist is missing: build the page with `cargo xtask dist` (`cargo xtask test` does)"
    );
    let tools = root.join("target/web-tools");
    assert!(
        tools.join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing under target/web-tools (`cargo xtask test` installs it)"
    );
    (dist, tools)
}

/// Runs a browser script with its arguments; its one JSON line of results.
fn run_script(script: &str, args: &[&std::ffi::OsStr], tools: &Path) -> serde_json::Value {
    let out = Command::new("node")
        .arg(workspace_root().join("tests/web").join(script))
        .args(args)
        .env("WEB_TOOLS", tools)
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "{stderr}\n{stdout}");
    serde_json::from_str(stdout.trim()).expect("results")
}

/// What the CLI prints for the seed case (the JS API must give the same).
fn cli_seed_sql() -> String {
    let seed = shared_dir().join("examples/seed");
    let cli = Command::new(crate::schemafix_bin())
        .arg("diff")
        .arg(seed.join("users.d.txt"))
        .arg(seed.join("models.py"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&cli.stdout).into_owned()
}

#[test]
fn the_playground_works_in_headless_chromium() {
    let (dist, tools) = dist_and_tools();
    // The built page allows its one inline script by hash, not any inline script.
    let page = std::fs::read_to_string(dist.join("index.html")).unwrap();
    assert!(
        page.contains("script-src 'self' 'sha256-") && !page.contains("'unsafe-inline' 'wasm"),
        "the CSP of target/dist/index.html is not pinned"
    );
    // The JS API's TypeScript declarations ship beside it.
    let dts = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".d.ts"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .expect("TypeScript declarations in target/dist");
    assert!(dts.contains(
        "export function diff(from: string, to: string, options: DiffOptions | undefined): Migration | Promise<Migration>;"
    ));
    assert!(dts.contains("export interface Migration {"));
    let (url, seen) = serve(dist);
    let seed = shared_dir().join("examples/seed");
    let shots = std::env::var_os("SCHEMAFIX_SCREENSHOTS");
    let fixtures = workspace_root().join("tests/fixtures/sqlalchemy");
    let mut args = vec![url.as_ref(), seed.as_os_str(), fixtures.as_os_str()];
    args.extend(shots.as_deref());
    let results = run_script("e2e.mjs", &args, &tools);
    assert!(results["checks"].as_array().is_some_and(|c| c.len() >= 30));
    // The JS API gives exactly the CLI's SQL for the seed, read statically and exactly.
    assert_eq!(results["api_sql"].as_str(), Some(cli_seed_sql().as_str()));
    let exact = Command::new(crate::schemafix_bin())
        .current_dir(shared_dir().join("examples/seed"))
        .args(["diff", "users.d.txt", "models.py"])
        .arg(format!(
            "--python={}",
            schemafix_tests::python::python().unwrap().display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        results["exact_api_sql"].as_str(),
        Some(String::from_utf8_lossy(&exact.stdout).as_ref())
    );
    // What the server saw: the page, its script, its wasm and its styles, nothing else.
    let seen = seen.lock().unwrap().clone();
    assert!(seen.iter().any(|p| p.ends_with(".wasm")), "{seen:?}");
    // PGlite came from the page's own files, on demand (the script checks when).
    for f in [
        "/verify-worker.js",
        "/pglite/index.js",
        "/pglite/pglite.wasm",
        "/pglite/pglite.data",
        "/models-worker.js",
        "/pyodide/pyodide.asm.wasm",
        "/pyodide/python_stdlib.zip",
        "/pyodide/wheels/sqlalchemy-2.1.9-py3-none-any.whl",
    ] {
        assert!(seen.iter().any(|p| p == f), "{f} not requested: {seen:?}");
    }
    for p in &seen {
        assert!(
            p == "/"
                || p.starts_with("/#")
                || p.starts_with("/?")
                || [
                    ".js", ".mjs", ".wasm", ".data", ".tar.gz", ".css", ".html", ".ico", ".zip",
                    ".json", ".whl",
                ]
                .iter()
                .any(|e| p.split(['?', '#']).next().unwrap_or("").ends_with(e)),
            "unexpected request {p}"
        );
    }
}

#[test]
fn the_embedded_widgets_work_in_a_docs_page() {
    let (dist, tools) = dist_and_tools();
    for f in [
        "schemafix-embed.js",
        "schemafix-embed.d.ts",
        "schemafix-web.js",
        "schemafix-web_bg.wasm",
        "examples/runbook/index.html",
        "examples/seed/users.d.txt",
    ] {
        assert!(dist.join(f).exists(), "target/dist/{f} is missing");
    }
    let (url, seen) = serve(dist);
    let results = run_script("embed.mjs", &[url.as_ref()], &tools);
    let seen_now = seen.lock().unwrap().clone();
    assert!(
        !seen_now
            .iter()
            .any(|p| p.contains("pglite") || p.contains("verify-worker")),
        "a docs page loads PGlite without a verification: {seen_now:?}"
    );
    assert!(results["checks"].as_array().is_some_and(|c| c.len() >= 17));
    // The page script's plan, through the JS API, is the CLI's for the same files.
    assert_eq!(results["api_sql"].as_str(), Some(cli_seed_sql().as_str()));
    // Inline schemas travel in the fragment: the server never sees them; the fetched files are
    // the page's neighbours.
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|p| p == "/examples/seed/users.d.txt"),
        "{seen:?}"
    );
    for p in &seen {
        assert!(
            !p.contains("CREATE") && !p.contains('#') && !p.contains("from="),
            "schema text reached the server: {p}"
        );
    }
}

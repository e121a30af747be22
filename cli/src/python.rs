//! The exact model reading (`--python`): the user's models imported by their own Python with
//! real SQLAlchemy, through core's helper (`CAPTURE_HELPER`, shipped inside the binary), whose
//! JSON core's `parse_capture` reads. Python runs only when the user asks for it this way.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The interpreter to run: the one named (`--python=PATH`), else `SCHEMAFIX_PYTHON`, else the
/// active virtual environment's, else `python3`.
pub fn interpreter(named: Option<&str>) -> PathBuf {
    if let Some(p) = named.filter(|p| !p.is_empty()) {
        return p.into();
    }
    if let Some(p) = std::env::var_os("SCHEMAFIX_PYTHON").filter(|p| !p.is_empty()) {
        return p.into();
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(venv).join("bin/python");
        if p.exists() {
            return p;
        }
    }
    "python3".into()
}

/// Runs the helper on `models` (files, package directories or dotted modules) with `paths`
/// first on `sys.path`, for a server of major version `pg_version` (SQLAlchemy's DDL follows
/// it; 17 when unknown); its JSON, or why there is none. Killed after `timeout`.
pub fn capture(
    python: &std::path::Path,
    models: &[String],
    paths: &[String],
    pg_version: Option<u32>,
    timeout: Duration,
) -> Result<String, String> {
    let request = serde_json::json!({ "models": models, "paths": paths, "pg_version": pg_version })
        .to_string();
    let mut child = Command::new(python)
        .arg("-c")
        .arg(schemafix_core::CAPTURE_HELPER)
        .arg(request)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Bytecode of the user's modules is not written by schemafix's run.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        stderr.read_to_end(&mut s).ok();
        String::from_utf8_lossy(&s).into_owned()
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "importing the models with {} took longer than {}s and was stopped (--python-timeout)",
                    python.display(),
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{}: {e}", python.display())),
        }
    };
    let out = out.join().ok().and_then(|r| r.ok()).unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if out.trim_start().starts_with('{') {
        return Ok(out);
    }
    // No answer from the helper: the interpreter itself failed (not Python, too old, killed).
    let tail: Vec<&str> = err.lines().rev().take(12).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{} gave no model capture ({status}){}",
        python.display(),
        if tail.is_empty() {
            String::new()
        } else {
            format!(":\n{}", tail.join("\n"))
        }
    ))
}

/// The Python files of `path` read statically as models, each with its dotted module name: a
/// file is named by its package (the directories above it holding an `__init__.py`); a
/// directory's files by their path from the directory's parent (a package, or a folder of
/// namespace packages), hidden directories, `__pycache__` and virtual environments left out.
pub fn model_files(path: &std::path::Path) -> Result<Vec<(PathBuf, String)>, String> {
    let module_of = |parts: Vec<String>| schemafix_core::module_name(&parts.join("/"));
    if !path.is_dir() {
        if !path.exists() {
            return Err(format!("{}: no such file or directory", path.display()));
        }
        let mut parts = vec![path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()];
        let mut dir = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.parent().map(|p| p.to_path_buf()));
        while let Some(d) = dir.filter(|d| d.join("__init__.py").is_file()) {
            parts.insert(
                0,
                d.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            dir = d.parent().map(|p| p.to_path_buf());
        }
        return Ok(vec![(path.to_path_buf(), module_of(parts))]);
    }
    let top = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut stack = vec![(path.to_path_buf(), vec![top])];
    while let Some((dir, parts)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let p = entry.path();
            let mut sub = parts.clone();
            sub.push(name.clone());
            if p.is_dir() {
                let skipped = name.starts_with('.')
                    || matches!(
                        name.as_str(),
                        "__pycache__" | "node_modules" | "site-packages"
                    )
                    || p.join("pyvenv.cfg").is_file();
                if !skipped {
                    stack.push((p, sub));
                }
            } else if name.ends_with(".py") {
                out.push((p, module_of(sub)));
            }
        }
    }
    out.sort();
    Ok(out)
}

//! Tidy checks on the code's shape, as ARCHITECTURE.md states it: which of `core`'s modules may
//! use which (no cycle, so statements sit below the plan and the plan below the renderers), how
//! large a file may grow, that every path the map names exists, and that a change's id is the
//! tag serde writes for it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The modules each of `core`'s top-level modules may use (besides itself). `lib` is the crate
/// root: the public API, which may use everything and is used by none but `fuzzing`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("quote", &[]),
    ("schema", &["quote"]),
    ("error", &["schema"]),
    ("normalize", &["schema", "quote"]),
    ("source", &["schema", "quote", "error", "normalize"]),
    (
        "catalog",
        &["source", "schema", "quote", "error", "normalize"],
    ),
    ("diff", &["schema", "quote", "normalize"]),
    ("rename", &["diff", "schema", "quote", "normalize"]),
    ("sql", &["diff", "schema", "quote", "normalize"]),
    (
        "plan",
        &["diff", "sql", "rename", "schema", "quote", "normalize"],
    ),
    (
        "inverse",
        &["plan", "diff", "sql", "schema", "quote", "normalize"],
    ),
    (
        "render",
        &[
            "plan",
            "sql",
            "diff",
            "source",
            "schema",
            "quote",
            "normalize",
            "error",
        ],
    ),
    ("leftovers", &["schema", "quote", "normalize"]),
    (
        "verify",
        &[
            "catalog",
            "source",
            "diff",
            "plan",
            "inverse",
            "render",
            "sql",
            "schema",
            "quote",
            "normalize",
            "error",
        ],
    ),
    ("fuzzing", &["lib", "source"]),
];

/// No file of `core/src` grows past this many lines: split it along its seams instead.
const MAX_LINES: usize = 1200;

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `core/src` belongs to (`plan/online.rs` → `plan`).
fn module_of(path: &Path) -> String {
    let rel = path
        .strip_prefix(core_src())
        .expect("a file under core/src");
    let first = rel
        .components()
        .next()
        .expect("a path")
        .as_os_str()
        .to_string_lossy()
        .to_string();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file that is not test code or comment: up to its `#[cfg(test)]`, without
/// comment lines and trailing comments. A `tests.rs` file is all test code.
fn code_of(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("a readable source file");
    text.lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| l.split(" // ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of every `crate::` path in `code`, `use crate::{a::b, c}` groups included.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let mut level = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain(std::iter::once(',')) {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => {
                        let first = item.trim().split("::").next().unwrap_or("").to_string();
                        if !first.is_empty() {
                            out.insert(first);
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn modules_use_only_the_modules_below_them() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect();
    let mut files = Vec::new();
    rust_files(&core_src(), &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(f))
        .filter(|m| m != "lib")
        .collect();
    for m in &modules {
        assert!(
            allowed.contains_key(m.as_str()),
            "module `{m}` has no row in ALLOWED (and none in ARCHITECTURE.md's dependency list): say what it may use"
        );
    }
    let mut wrong = Vec::new();
    for f in &files {
        let from = module_of(f);
        if from == "lib" {
            continue;
        }
        for first in crate_paths(&code_of(f)) {
            // Anything that is not a module is an item of the crate root: the public API.
            let to = if modules.contains(&first) {
                first
            } else {
                "lib".to_string()
            };
            if to != from && !allowed[from.as_str()].contains(to.as_str()) {
                wrong.push(format!(
                    "{} uses `{to}`, which `{from}` may not use",
                    f.strip_prefix(core_src()).unwrap_or(f).display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "wrong arrows:\n{}", wrong.join("\n"));
}

#[test]
fn the_allowed_dependencies_have_no_cycle() {
    let allowed: BTreeMap<&str, Vec<&str>> = ALLOWED
        .iter()
        .map(|(m, deps)| (*m, deps.to_vec()))
        .collect();
    // Kahn's algorithm: a module is placed once everything it uses is.
    let mut placed: BTreeSet<&str> = BTreeSet::from(["lib"]);
    loop {
        let next: Vec<&str> = allowed
            .iter()
            .filter(|(m, deps)| {
                !placed.contains(*m)
                    && deps
                        .iter()
                        .all(|d| placed.contains(d) || (*d == "lib" && **m == "fuzzing"))
            })
            .map(|(m, _)| *m)
            .collect();
        if next.is_empty() {
            break;
        }
        placed.extend(next);
    }
    let left: Vec<&&str> = allowed.keys().filter(|m| !placed.contains(*m)).collect();
    assert!(left.is_empty(), "a cycle among {left:?}");
}

#[test]
fn no_file_in_core_is_over_the_size_limit() {
    let mut files = Vec::new();
    rust_files(&core_src(), &mut files);
    let big: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(
        big.is_empty(),
        "files over {MAX_LINES} lines: {}",
        big.join(", ")
    );
}

#[test]
fn every_path_the_architecture_map_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut missing = Vec::new();
    let mut named = 0;
    for (i, span) in map.split('`').enumerate() {
        // Odd pieces are inside backticks; a path has a slash and no spaces.
        if i % 2 == 0 || span.contains(' ') || !span.contains('/') || span.contains("://") {
            continue;
        }
        let looks_like_file = [
            ".rs", ".md", ".toml", ".js", ".mjs", ".tsv", ".html", ".css",
        ]
        .iter()
        .any(|e| span.ends_with(e));
        let looks_like_dir = span.ends_with('/') && !span.starts_with('/');
        if !(looks_like_file || looks_like_dir) || span.starts_with("../") {
            continue;
        }
        // Paths under `target/` are built, not kept.
        if span.starts_with("target/") || span.contains('*') || span.contains('<') {
            continue;
        }
        named += 1;
        if !root.join(span).exists() {
            missing.push(span.to_string());
        }
    }
    assert!(
        named > 20,
        "the map names only {named} paths: is it read right?"
    );
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {}",
        missing.join(", ")
    );
}

fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn every_change_id_is_its_serde_tag() {
    let variants = variants_of("diff/mod.rs", "Change");
    assert!(
        variants.len() > 40,
        "only {} variants read from the Change enum",
        variants.len()
    );
    let text = std::fs::read_to_string(core_src().join("diff/mod.rs")).expect("diff/mod.rs");
    let start = text.find("pub fn id(&self)").expect("Change::id");
    let id_fn = &text[start..start + text[start..].find("\n    }\n").expect("its end")];
    for v in &variants {
        let arm = format!("Change::{v} {{ .. }} => \"{}\"", kebab(v));
        assert!(
            id_fn.contains(&arm),
            "Change::id has no arm `{arm}` (serde's tag for {v})"
        );
    }
}

/// The functions that say, for every kind of change, what it does: each matches on the change
/// without a wildcard arm, so a new kind is a compile error in each until it is decided there
/// (a wildcard in `hazards` or `loses` would let a destructive kind skip the guard).
const EXHAUSTIVE: &[(&str, &str, &str)] = &[
    ("diff/mod.rs", "pub fn id(&self)", "match self {"),
    ("plan/order.rs", "fn stage(", "match c {"),
    ("plan/reasons.rs", "fn reason(", "match c {"),
    ("plan/hazards.rs", "fn default_hazards(", "match c {"),
    ("plan/losses.rs", "fn loses(", "match c {"),
    ("plan/online.rs", "fn online_sql(", "match c {"),
    ("sql/mod.rs", "pub fn step_sql(", "match c {"),
    ("inverse.rs", "fn inverse(", "match c.clone() {"),
    ("render/alembic.rs", "fn op(", "match change {"),
];

#[test]
fn what_each_change_does_is_decided_for_every_kind() {
    let mut wild = Vec::new();
    for (file, signature, matching) in EXHAUSTIVE {
        let text = std::fs::read_to_string(core_src().join(file)).expect("a source file");
        let start = text
            .find(signature)
            .unwrap_or_else(|| panic!("{file}: no `{signature}`"));
        let lines: Vec<&str> = text[start..].lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_end().ends_with(matching))
            .unwrap_or_else(|| panic!("{file}: `{signature}` matches on no change"));
        let indent = lines[at].len() - lines[at].trim_start().len();
        let arms = " ".repeat(indent + 4);
        let mut arms_seen = 0;
        for l in &lines[at + 1..] {
            if l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}') {
                break;
            }
            if let Some(arm) = l.strip_prefix(&arms) {
                if arm.starts_with("Change::") || arm.starts_with('|') {
                    arms_seen += 1;
                }
                if arm.starts_with("_ =>") || arm.starts_with("other =>") {
                    wild.push(format!("{file}: `{signature}` has `{}`", arm.trim()));
                }
            }
        }
        assert!(
            arms_seen > 0 || text[start..].contains("use Change::*"),
            "{file}: no arm of `{signature}` was read"
        );
    }
    assert!(
        wild.is_empty(),
        "wildcard arms over Change:\n{}",
        wild.join("\n")
    );
}

/// The variant names of `pub enum <name>` in `file` (under `core/src`).
fn variants_of(file: &str, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(core_src().join(file)).expect("a source file");
    let start = text
        .find(&format!("pub enum {name} {{"))
        .unwrap_or_else(|| panic!("{file}: no enum {name}"));
    let body = &text[start..];
    let body = &body[..body.find("\n}\n").expect("the enum's end")];
    body.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("    ")?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            (name.chars().next()?.is_ascii_uppercase()
                && rest[name.len()..].trim_start().starts_with([',', '{', '(']))
            .then_some(name)
        })
        .collect()
}

/// The string members of the TypeScript union `export type <name> = "a" | "b";`.
fn ts_union(ts: &str, name: &str) -> Vec<String> {
    let start = ts
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("web/src/api.rs declares no type {name}"));
    let body = &ts[start..];
    let body = &body[body.find('=').expect("=") + 1..body.find(';').expect("its end")];
    body.split('|')
        .map(|m| m.trim().trim_matches('"').to_string())
        .collect()
}

#[test]
fn the_typescript_types_name_every_kind_core_serializes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let ts = std::fs::read_to_string(root.join("web/src/api.rs")).expect("web/src/api.rs");
    for (file, rust, union) in [
        ("diff/mod.rs", "Change", "ChangeKind"),
        ("plan/mod.rs", "Hazard", "Hazard"),
        ("error.rs", "DiagKind", "DiagnosticKind"),
        ("plan/mod.rs", "Phase", "Phase"),
    ] {
        let want: Vec<String> = variants_of(file, rust).iter().map(|v| kebab(v)).collect();
        assert!(want.len() > 3, "{rust}: only {want:?} read");
        assert_eq!(
            ts_union(&ts, union),
            want,
            "the TypeScript type {union} in web/src/api.rs is not core's {rust}"
        );
    }
}

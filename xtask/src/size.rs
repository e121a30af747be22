//! `cargo xtask size`: where the playground's WebAssembly goes, the profile behind the page's
//! size target. It builds the page, runs the same `wasm-opt -Oz` again on wasm-bindgen's output
//! with the function names kept (`-g`), sorts the code section's function bodies into the crate
//! each one's name points to, gzips each crate's bodies on their own (`gzip -9`), and rewrites
//! the size profile in `BENCHMARKS.md` between its markers.
//!
//! A generic function counts for the crate whose type its name mentions first in [`GROUPS`]'
//! order (`drop_in_place<sqlparser::ast::Expr>` is sqlparser's). Rust's legacy symbol names do
//! not spell the type arguments of most generic functions (`Vec<T>::push`), so those stay under
//! the standard library, whichever crate instantiated them.

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{rewrite_between, root, run, today, tool_path};

const BEGIN: &str = "<!-- size profile: written by `cargo xtask size` -->";
const END: &str = "<!-- end of size profile -->";

/// (label, the crate names whose paths put a function in the group), first match wins.
const GROUPS: &[(&str, &[&str])] = &[
    ("sqlparser (SQL parser)", &["sqlparser"]),
    (
        "rustpython-parser, num-bigint (Python parser)",
        &[
            "rustpython_parser",
            "rustpython_parser_core",
            "rustpython_ast",
            "num_bigint",
            "num_traits",
            "unic_ucd_ident",
            "unicode_names2",
            "is_macro",
            "malachite",
        ],
    ),
    ("schemafix-core", &["schemafix_core"]),
    ("schemafix-web (the page)", &["schemafix_web"]),
    (
        "yew, gloo",
        &["yew", "gloo", "implicit_clone", "gloo_timers"],
    ),
    (
        "wasm-bindgen, js-sys, web-sys, serde-wasm-bindgen",
        &[
            "wasm_bindgen",
            "js_sys",
            "web_sys",
            "serde_wasm_bindgen",
            "wasm_bindgen_futures",
        ],
    ),
    ("serde, serde_json", &["serde_json", "serde", "serde_core"]),
    (
        "miniz_oxide, base64 (share links)",
        &["miniz_oxide", "base64"],
    ),
];
const REST: &str = "std, core, alloc (and generic code its name does not attribute)";

fn leb(b: &[u8], i: &mut usize) -> Result<u64> {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let x = *b.get(*i).context("truncated wasm")?;
        *i += 1;
        v |= u64::from(x & 0x7f) << shift;
        shift += 7;
        if x < 0x80 {
            return Ok(v);
        }
    }
}

fn name_at(b: &[u8], i: &mut usize) -> Result<String> {
    let len = leb(b, i)? as usize;
    let s = b.get(*i..*i + len).context("truncated name")?;
    *i += len;
    Ok(String::from_utf8_lossy(s).into_owned())
}

/// The parts of a wasm module the profile needs.
#[derive(Default)]
struct Module {
    /// Function bodies, in the code section's order.
    bodies: Vec<Vec<u8>>,
    /// How many imported functions come before the bodies in the function index space.
    imported: usize,
    /// Function index → name (the name section).
    names: std::collections::HashMap<usize, String>,
    /// The data section's bytes.
    data: Vec<u8>,
}

fn parse(b: &[u8]) -> Result<Module> {
    if b.get(..4) != Some(b"\0asm") {
        bail!("not a wasm module");
    }
    let mut m = Module::default();
    let mut i = 8;
    while i < b.len() {
        let id = b[i];
        i += 1;
        let size = leb(b, &mut i)? as usize;
        let end = i + size;
        let mut j = i;
        match id {
            2 => {
                for _ in 0..leb(b, &mut j)? {
                    name_at(b, &mut j)?;
                    name_at(b, &mut j)?;
                    let kind = b[j];
                    j += 1;
                    match kind {
                        0 => {
                            leb(b, &mut j)?;
                            m.imported += 1;
                        }
                        1 => {
                            j += 1;
                            let flags = leb(b, &mut j)?;
                            leb(b, &mut j)?;
                            if flags & 1 == 1 {
                                leb(b, &mut j)?;
                            }
                        }
                        2 => {
                            let flags = leb(b, &mut j)?;
                            leb(b, &mut j)?;
                            if flags & 1 == 1 {
                                leb(b, &mut j)?;
                            }
                        }
                        3 => j += 2,
                        4 => {
                            j += 1;
                            leb(b, &mut j)?;
                        }
                        k => bail!("import kind {k}"),
                    }
                }
            }
            10 => {
                for _ in 0..leb(b, &mut j)? {
                    let len = leb(b, &mut j)? as usize;
                    m.bodies.push(b[j..j + len].to_vec());
                    j += len;
                }
            }
            11 => m.data = b[i..end].to_vec(),
            0 if name_at(b, &mut j)? == "name" => {
                while j < end {
                    let sub = b[j];
                    j += 1;
                    let len = leb(b, &mut j)? as usize;
                    let sub_end = j + len;
                    if sub == 1 {
                        let mut k = j;
                        for _ in 0..leb(b, &mut k)? {
                            let index = leb(b, &mut k)? as usize;
                            m.names.insert(index, name_at(b, &mut k)?);
                        }
                    }
                    j = sub_end;
                }
            }
            _ => {}
        }
        i = end;
    }
    Ok(m)
}

/// A legacy Rust symbol (`_ZN…E`) as a path (`<sqlparser::ast::Expr as core::fmt::Display>::fmt`);
/// anything else as it is.
fn demangle(sym: &str) -> String {
    let Some(rest) = sym.strip_prefix("_ZN") else {
        return sym.to_string();
    };
    let b = rest.as_bytes();
    let (mut i, mut parts) = (0, Vec::new());
    while i < b.len() && b[i].is_ascii_digit() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let len: usize = rest[start..i].parse().unwrap_or(0);
        let Some(part) = rest.get(i..i + len) else {
            break;
        };
        // A part that starts with an escape has an underscore put before it.
        parts.push(part.strip_prefix("_$").map_or(part, |_| &part[1..]));
        i += len;
    }
    if parts
        .last()
        .is_some_and(|p| p.len() == 17 && p.starts_with('h'))
    {
        parts.pop();
    }
    let mut s = parts.join("::");
    for (from, to) in [
        ("$LT$", "<"),
        ("$GT$", ">"),
        ("$u20$", " "),
        ("$C$", ","),
        ("$RF$", "&"),
        ("$BP$", "*"),
        ("$u7b$", "{"),
        ("$u7d$", "}"),
        ("$u5b$", "["),
        ("$u5d$", "]"),
        ("$u27$", "'"),
        ("..", "::"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Whether `name` (demangled, or a v0 `_R…` symbol) has a path in crate `krate`.
fn mentions(name: &str, krate: &str) -> bool {
    if name.starts_with("_R") {
        return name.contains(&format!("{}{krate}", krate.len()));
    }
    name.match_indices(krate).any(|(at, _)| {
        let before = name[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && name[at + krate.len()..].starts_with("::")
    })
}

fn group_of(name: &str) -> &'static str {
    let name = demangle(name);
    GROUPS
        .iter()
        .find(|(_, crates)| crates.iter().any(|k| mentions(&name, k)))
        .map_or(REST, |(label, _)| label)
}

fn gzip(bytes: &[u8]) -> Result<usize> {
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("gzip")?;
    let mut stdin = child.stdin.take().context("gzip's stdin")?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    writer.join().ok().context("gzip writer")??;
    Ok(out.stdout.len())
}

fn kb(n: usize) -> String {
    format!("{:.0} KB", n as f64 / 1e3)
}

pub fn size() -> Result<()> {
    crate::dist()?;
    let bound = root().join("target/wasm-bindgen/release/schemafix-web_bg.wasm");
    let named = root().join("target/size-profile.wasm");
    let mut opt = Command::new("wasm-opt");
    // What trunk runs for `data-wasm-opt="z"`, plus `-g` to keep the names.
    opt.arg("-Oz")
        .arg("-g")
        .arg("--enable-reference-types")
        .arg("--enable-bulk-memory")
        .arg("--enable-nontrapping-float-to-int")
        .arg("--enable-sign-ext")
        .arg("--enable-mutable-globals")
        .arg("--enable-multivalue")
        .arg(&bound)
        .arg("-o")
        .arg(&named)
        .env("PATH", tool_path());
    run(opt, "wasm-opt -Oz -g (the names kept for the profile)")?;
    let m = parse(&std::fs::read(&named)?)?;

    let mut groups: Vec<(&str, Vec<u8>, usize)> = GROUPS
        .iter()
        .map(|(l, _)| *l)
        .chain([REST])
        .map(|l| (l, Vec::new(), 0))
        .collect();
    for (k, body) in m.bodies.iter().enumerate() {
        let name = m.names.get(&(k + m.imported)).map_or("", String::as_str);
        let g = group_of(name);
        let entry = groups
            .iter_mut()
            .find(|(l, _, _)| *l == g)
            .context("group")?;
        entry.1.extend_from_slice(body);
        entry.2 += 1;
    }
    let code: usize = m.bodies.iter().map(Vec::len).sum();
    let code_gz = gzip(&m.bodies.concat())?;
    let shipped = std::fs::read(root().join("target/dist/schemafix-web_bg.wasm"))?;
    let js = std::fs::read(root().join("target/dist/schemafix-web.js"))?;
    let (shipped_gz, js_gz) = (gzip(&shipped)?, gzip(&js)?);

    let mut t = format!(
        "{BEGIN}\nLast run: {}, `cargo xtask size`: the shipped `schemafix-web_bg.wasm` is {} raw, \
         {} gzip, and `schemafix-web.js` {} gzip ({} together against the target's 600 KB). \
         Its code section, {} raw, {} gzip, by crate (each crate's function bodies gzipped on \
         their own):\n\n| crate | functions | raw | gzip | share of the code |\n|---|---|---|---|---|\n",
        today(),
        kb(shipped.len()),
        kb(shipped_gz),
        kb(js_gz),
        kb(shipped_gz + js_gz),
        kb(code),
        kb(code_gz),
    );
    groups.sort_by_key(|(_, bytes, _)| std::cmp::Reverse(bytes.len()));
    for (label, bytes, count) in &groups {
        if *count == 0 {
            continue;
        }
        t.push_str(&format!(
            "| {label} | {count} | {} | {} | {:.1}% |\n",
            kb(bytes.len()),
            kb(gzip(bytes)?),
            100.0 * bytes.len() as f64 / code as f64
        ));
    }
    t.push_str(&format!(
        "| data section (string constants, parser and Unicode tables, the catalog queries) | – | {} | {} | – |\n",
        kb(m.data.len()),
        kb(gzip(&m.data)?),
    ));
    t.push_str(END);
    rewrite_between(&root().join("BENCHMARKS.md"), BEGIN, END, &t)?;
    eprintln!("xtask: BENCHMARKS.md's size profile updated");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_read_as_paths_and_fall_into_their_crates() {
        let sym = "_ZN59_$LT$sqlparser..ast..Expr$u20$as$u20$core..fmt..Display$GT$3fmt17h0123456789abcdefE";
        assert_eq!(
            demangle(sym),
            "<sqlparser::ast::Expr as core::fmt::Display>::fmt"
        );
        assert_eq!(group_of(sym), "sqlparser (SQL parser)");
        assert_eq!(
            group_of("_ZN14schemafix_core4plan4plan17h0123456789abcdefE"),
            "schemafix-core"
        );
        // `serde` must not claim `serde_json`'s functions, nor `yew` a `yew_macro` path.
        assert_eq!(
            group_of("_ZN10serde_json2de5parse17h0123456789abcdefE"),
            "serde, serde_json"
        );
        assert!(!mentions("yew_macro::x", "yew"));
        assert_eq!(
            group_of("_RNvMs3_NtCs5cOc02OMXlo_5alloc3stre12to_lowercase"),
            REST
        );
        assert_eq!(group_of("_RNvNtCsabc_9sqlparser6parser5parse"), GROUPS[0].0);
    }
}

//! Stand-in for the `unicode_names2` crate, patched in for the whole workspace.
//!
//! `rustpython-parser` calls [`character`] only to decode `\N{NAME}` escapes in Python string
//! literals. The real crate carries the whole Unicode name table, about 845 KB of WebAssembly
//! (400 KB gzip) that every page load would pay for an escape that model files practically never
//! use. Here no name resolves, so such a literal is reported as a Python syntax error with its
//! line and column instead of being read.

/// The character called `name`: never known here.
pub fn character(_name: &str) -> Option<char> {
    None
}

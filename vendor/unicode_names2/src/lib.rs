//! Stand-in for the `unicode_names2` crate, patched in for the whole workspace.
//!
//! `rustpython-parser` calls [`character`] only to decode `\N{NAME}` escapes in Python string
//! literals. The real crate carries the whole Unicode name table, about 845 KB of WebAssembly
//! (400 KB gzip) that every page load would pay for an escape that model files practically never
//! use. Here every name decodes to U+FFFD (the replacement character), so a file holding such an
//! escape (in a test string, say) still parses; the model reader takes no string holding U+FFFD
//! as a value it knows.

/// The character called `name`: U+FFFD for every name.
pub fn character(_name: &str) -> Option<char> {
    Some(char::REPLACEMENT_CHARACTER)
}

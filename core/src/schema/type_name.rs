//! Type names, shared: most columns of a schema have one of a few types.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A column's canonical type (`integer`, `character varying(255)`), as `format_type` prints it.
///
/// A schema names few distinct types for many columns, so equal names share one allocation
/// (interned per thread when a source reads them): a column holds a pointer, not its own copy.
/// Reads as a `&str` (`Deref`), compares with strings, and serializes as one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TypeName(pub(super) Arc<str>);

/// How many distinct type names an interner keeps before it starts afresh (interning only
/// saves memory; a name outside the table is a copy of its own).
const TYPE_NAMES_KEPT: usize = 4096;

thread_local! {
    static TYPE_NAMES: std::cell::RefCell<std::collections::HashSet<Arc<str>>> =
        std::cell::RefCell::default();
}

impl TypeName {
    /// The shared name equal to `name`.
    pub fn new(name: &str) -> Self {
        TYPE_NAMES.with(|names| {
            let mut names = names.borrow_mut();
            if let Some(known) = names.get(name) {
                return TypeName(Arc::clone(known));
            }
            if names.len() >= TYPE_NAMES_KEPT {
                names.clear();
            }
            let shared: Arc<str> = Arc::from(name);
            names.insert(Arc::clone(&shared));
            TypeName(shared)
        })
    }
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for TypeName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for TypeName {
    fn from(name: &str) -> Self {
        TypeName::new(name)
    }
}

impl From<String> for TypeName {
    fn from(name: String) -> Self {
        TypeName::new(&name)
    }
}

impl PartialEq<str> for TypeName {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for TypeName {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for TypeName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(TypeName::new(&name))
    }
}

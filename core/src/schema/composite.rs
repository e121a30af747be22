//! A composite type (`CREATE TYPE … AS (…)`): named attributes in order, each of a type.

use serde::{Deserialize, Serialize};

use super::{Named, QualName, Span, TypeName};

/// A composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    /// Qualified name.
    pub name: QualName,
    /// Its attributes, in order (a row of the type lists them in this order).
    pub attributes: Vec<Attribute>,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// One attribute of a composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// Its type (canonical).
    pub data_type: TypeName,
    /// `COLLATE`, when not its type's own.
    pub collation: Option<String>,
    /// `COMMENT ON COLUMN type.attribute`.
    pub comment: Option<String>,
}

impl CompositeType {
    /// The attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

impl Named for CompositeType {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}

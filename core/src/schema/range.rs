//! A range type (`CREATE TYPE … AS RANGE (…)`): PostgreSQL can only make one and drop it.

use serde::{Deserialize, Serialize};

use super::{Named, QualName, Span, TypeName};

/// A range type. The optional parts are `None` where they are PostgreSQL's default for the
/// subtype (its default B-tree operator class, its collation, the multirange type's name made
/// from the range's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeType {
    /// Qualified name.
    pub name: QualName,
    /// `SUBTYPE` (canonical).
    pub subtype: TypeName,
    /// `SUBTYPE_OPCLASS`, when not the subtype's default.
    pub subtype_opclass: Option<String>,
    /// `COLLATION`, when not the subtype's.
    pub collation: Option<String>,
    /// `CANONICAL` function.
    pub canonical: Option<String>,
    /// `SUBTYPE_DIFF` function.
    pub subtype_diff: Option<String>,
    /// `MULTIRANGE_TYPE_NAME` (PostgreSQL 14 and later), when not the one made from the
    /// range's name.
    pub multirange: Option<QualName>,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

impl RangeType {
    /// The name PostgreSQL gives the multirange type of a range named `name` when none is
    /// given: `range` in it replaced by `multirange`, else `_multirange` appended.
    pub fn default_multirange(name: &QualName) -> QualName {
        let n = match name.name.find("range") {
            Some(i) => format!("{}multirange{}", &name.name[..i], &name.name[i + 5..]),
            None => format!("{}_multirange", name.name),
        };
        QualName::new(name.schema.clone(), n)
    }

    /// Whether two definitions are the same type (the comment aside).
    pub fn same_definition(&self, other: &RangeType) -> bool {
        RangeType {
            comment: None,
            ..self.clone()
        } == RangeType {
            comment: None,
            ..other.clone()
        }
    }
}

impl Named for RangeType {
    fn qual_name(&self) -> &QualName {
        &self.name
    }
}

//! A domain: a base type with a default, `NOT NULL` and checks its values keep.

use serde::{Deserialize, Serialize};

use super::{Check, Expr, QualName, Span, TypeName};

/// A domain (`CREATE DOMAIN`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Qualified name.
    pub name: QualName,
    /// The base type (canonical).
    pub base: TypeName,
    /// `COLLATE`, when not the base type's.
    pub collation: Option<String>,
    /// `DEFAULT`.
    pub default: Option<Expr>,
    /// `NOT NULL`.
    pub not_null: bool,
    /// `CHECK` constraints, by name (`<domain>_check` when unnamed); `VALUE` is the value.
    pub checks: Vec<Check>,
    /// `COMMENT ON DOMAIN`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

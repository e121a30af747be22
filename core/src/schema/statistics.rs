//! An extended statistics object (`CREATE STATISTICS`): what the planner learns about columns
//! and expressions of a table together. It holds only what `ANALYZE` derives, so making it
//! again loses nothing.

use serde::{Deserialize, Serialize};

use super::{Expr, QualName, Span};

/// A statistics object, held by its table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    /// Qualified name (statistics objects have a namespace of their own).
    pub name: QualName,
    /// The kinds asked for (`ndistinct`, `dependencies`, `mcv`, in that order); empty for all
    /// of them, PostgreSQL's default.
    pub kinds: Vec<String>,
    /// The columns and expressions, in order.
    pub keys: Vec<StatisticsKey>,
    /// `ALTER STATISTICS … SET STATISTICS`, when set.
    pub target: Option<i32>,
    /// `COMMENT ON STATISTICS`.
    pub comment: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// A column or an expression a statistics object covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsKey {
    /// The column, when the key is one.
    pub column: Option<String>,
    /// The key as SQL (a column quoted); its canonical form compared.
    pub expr: Expr,
}

impl Statistics {
    /// Whether two objects are defined alike (their name, target and comment aside).
    pub fn same_definition(&self, other: &Statistics) -> bool {
        self.kinds == other.kinds && self.keys == other.keys
    }
}

//! Sources: text in some format → `Schema` plus diagnostics.

pub(crate) mod ddl;
pub(crate) mod detect;
pub(crate) mod psql;
pub(crate) mod split;
pub(crate) mod sqlalchemy;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Severity};
use crate::schema::Schema;

/// What a source understood, and what it could not use.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parsed {
    /// The schema as far as it was understood.
    pub schema: Schema,
    /// Everything skipped, guessed or rejected, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True when some diagnostic is an error: no SQL should be produced from this input.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

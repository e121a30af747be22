//! What a source cannot show, which is therefore not compared.

use serde::{Deserialize, Serialize};

/// Kinds of facts a source cannot show; all `false` (everything shown) by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Hidden {
    /// `COMMENT ON TABLE`.
    pub table_comments: bool,
    /// `COMMENT ON COLUMN` (shown by `\d+` only).
    pub column_comments: bool,
    /// `COMMENT ON INDEX`.
    pub index_comments: bool,
    /// An identity column's sequence options (`START WITH`, `INCREMENT BY` …).
    #[serde(default)]
    pub identity_options: bool,
    /// Views and materialized views (a model or a psql paste of tables never shows them).
    #[serde(default)]
    pub views: bool,
    /// Extensions (a model or a psql paste of tables never shows them).
    #[serde(default)]
    pub extensions: bool,
    /// Row level security and policies.
    #[serde(default)]
    pub row_security: bool,
    /// Functions, procedures and triggers.
    #[serde(default)]
    pub routines: bool,
    /// Collations (`CREATE COLLATION`).
    #[serde(default)]
    pub collations: bool,
    /// Domains (`CREATE DOMAIN`; a model or a psql paste shows one only as a column's type).
    #[serde(default)]
    pub domains: bool,
    /// Composite and range types (a model or a psql paste of tables shows one only as a
    /// column's type).
    #[serde(default)]
    pub composites: bool,
    /// Extended statistics objects (`CREATE STATISTICS`).
    #[serde(default)]
    pub statistics: bool,
    /// `COMMENT ON CONSTRAINT`.
    #[serde(default)]
    pub constraint_comments: bool,
    /// Privileges (`GRANT`; a model or a psql paste of tables never shows them).
    #[serde(default)]
    pub privileges: bool,
    /// A column comment's trailing blanks (psql pads the Description cell with blanks, so a
    /// paste cannot tell them from the padding).
    #[serde(default)]
    pub comment_trailing_blanks: bool,
    /// A sequence's options and owner (a `\d` paste shows only the `nextval` default that
    /// names it; its owner there is a guess).
    #[serde(default)]
    pub sequence_options: bool,
    /// Which blanks of a value were tabs (psql's aligned output prints a tab as the blanks
    /// up to the next multiple of eight).
    #[serde(default)]
    pub tabs: bool,
    /// Storage parameters, replica identity and column settings (a model and `\d` show none).
    #[serde(default)]
    pub settings: bool,
    /// Column compression (psql before 14 prints none).
    #[serde(default)]
    pub compression: bool,
    /// Attribute options (`n_distinct`; `\d+` shows none).
    #[serde(default)]
    pub attribute_options: bool,
    /// Comments on schemas, sequences, collations and policies.
    #[serde(default)]
    pub object_comments: bool,
}

impl Hidden {
    /// What a source describing tables only (a model, a psql paste) cannot show: views,
    /// extensions, row security and policies, functions and triggers, collations, domains,
    /// composite and range types, statistics objects, constraint comments, privileges.
    pub fn hide_all_but_tables(&mut self) {
        self.views = true;
        self.extensions = true;
        self.row_security = true;
        self.routines = true;
        self.collations = true;
        self.domains = true;
        self.composites = true;
        self.statistics = true;
        self.constraint_comments = true;
        self.privileges = true;
        self.object_comments = true;
    }
}

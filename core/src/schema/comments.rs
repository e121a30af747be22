//! Comments on objects whose own IR holds none: schemas, sequences, collations and policies,
//! kept beside them in [`Schema::comments`].

use serde::{Deserialize, Serialize};

use super::{QualName, Schema};
use crate::quote::quote_ident;

/// The object a comment is on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CommentTarget {
    /// `COMMENT ON SCHEMA`.
    Schema { name: String },
    /// `COMMENT ON SEQUENCE`.
    Sequence { name: QualName },
    /// `COMMENT ON COLLATION`.
    Collation { name: QualName },
    /// `COMMENT ON POLICY name ON table`.
    Policy { table: QualName, name: String },
}

impl CommentTarget {
    /// The object as `COMMENT ON` names it (`SCHEMA app`, `POLICY own ON public.t`).
    pub fn sql(&self) -> String {
        match self {
            CommentTarget::Schema { name } => format!("SCHEMA {}", quote_ident(name)),
            CommentTarget::Sequence { name } => format!("SEQUENCE {name}"),
            CommentTarget::Collation { name } => format!("COLLATION {name}"),
            CommentTarget::Policy { table, name } => {
                format!("POLICY {} ON {table}", quote_ident(name))
            }
        }
    }

    /// The object in words (`sequence app.s`).
    pub fn describe(&self) -> String {
        match self {
            CommentTarget::Schema { name } => format!("schema {}", quote_ident(name)),
            CommentTarget::Sequence { name } => format!("sequence {name}"),
            CommentTarget::Collation { name } => format!("collation {name}"),
            CommentTarget::Policy { table, name } => {
                format!("policy {} on {table}", quote_ident(name))
            }
        }
    }

    /// Does `schema` have the object?
    pub fn exists_in(&self, schema: &Schema) -> bool {
        match self {
            CommentTarget::Schema { name } => name == "public" || schema.schemas.contains(name),
            CommentTarget::Sequence { name } => schema.sequences.contains_key(name),
            CommentTarget::Collation { name } => schema.collations.contains_key(name),
            CommentTarget::Policy { table, name } => schema
                .tables
                .get(table)
                .is_some_and(|t| t.policies.iter().any(|p| p.name == *name)),
        }
    }
}

/// One comment of [`Schema::comments`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectComment {
    /// What it is on.
    pub target: CommentTarget,
    /// Its text.
    pub comment: String,
}

impl Schema {
    /// The comment on `target`, if any.
    pub fn comment_on(&self, target: &CommentTarget) -> Option<&str> {
        self.comments
            .iter()
            .find(|c| c.target == *target)
            .map(|c| c.comment.as_str())
    }

    /// Sets (or with `None` or an empty text, as PostgreSQL takes it, removes) the comment on
    /// `target`. The `public` schema's initdb comment is none.
    pub fn set_comment(&mut self, target: CommentTarget, comment: Option<String>) {
        self.comments.retain(|c| c.target != target);
        let initdb = matches!(&target, CommentTarget::Schema { name } if name == "public")
            && comment.as_deref() == Some("standard public schema");
        if let Some(comment) = comment.filter(|c| !c.is_empty() && !initdb) {
            let at = self.comments.partition_point(|c| c.target < target);
            self.comments.insert(at, ObjectComment { target, comment });
        }
    }
}

//! Renderers: a plan (or a schema) → text.

pub(crate) mod sql;
pub(crate) mod sqlalchemy;

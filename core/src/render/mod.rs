//! Renderers: a plan (or a schema) → text.

pub(crate) mod alembic;
pub(crate) mod sql;
pub(crate) mod sqlalchemy;

//! Renderers: a plan → text.

pub(crate) mod sql;

//! A statistics object's statements.

use crate::quote::quote_literal;
use crate::schema::{QualName, Statistics};

fn target(s: &Statistics) -> String {
    format!(
        "ALTER STATISTICS {} SET STATISTICS {}",
        s.name,
        s.target.unwrap_or(-1)
    )
}

fn comment(s: &Statistics) -> String {
    format!(
        "COMMENT ON STATISTICS {} IS {}",
        s.name,
        s.comment
            .as_ref()
            .map_or_else(|| "NULL".to_string(), |c| quote_literal(c))
    )
}

/// `CREATE STATISTICS`, then its target and comment.
pub(super) fn create(table: &QualName, s: &Statistics) -> Vec<String> {
    let kinds = if s.kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", s.kinds.join(", "))
    };
    let keys: Vec<String> = s
        .keys
        .iter()
        .map(|k| match k.column {
            Some(_) => k.expr.sql.clone(),
            None => format!("({})", k.expr.sql),
        })
        .collect();
    let mut out = vec![format!(
        "CREATE STATISTICS {}{kinds} ON {} FROM {table}",
        s.name,
        keys.join(", ")
    )];
    if s.target.is_some() {
        out.push(target(s));
    }
    if s.comment.is_some() {
        out.push(comment(s));
    }
    out
}

/// The target and comment from `from` to `to`.
pub(super) fn alter(from: &Statistics, to: &Statistics) -> Vec<String> {
    let mut out = Vec::new();
    if from.target != to.target {
        out.push(target(to));
    }
    if from.comment != to.comment {
        out.push(comment(to));
    }
    out
}

/// `DROP STATISTICS`.
pub(super) fn drop(s: &Statistics) -> String {
    format!("DROP STATISTICS {}", s.name)
}

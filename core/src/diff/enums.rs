//! Enum types: create, add values in place, rebuild when labels go or move, drop.

use super::{creatable, Change};
use crate::schema::{QualName, Schema};

pub(super) fn diff_enums(
    from: &Schema,
    to: &Schema,
    whole: bool,
    out: &mut Vec<Change>,
    not_compared: &mut Vec<QualName>,
) {
    for (name, t) in &to.enums {
        let Some(f) = from.enums.get(name) else {
            let type_name = name.to_string();
            let uses = |tb: &crate::schema::Table| {
                tb.columns
                    .iter()
                    .any(|c| c.data_type.trim_end_matches("[]") == type_name)
            };
            if !creatable(from, to, name, uses) {
                not_compared.push(name.clone());
                continue;
            }
            out.push(Change::CreateEnum { ty: t.clone() });
            if t.comment.is_some() {
                out.push(Change::CommentType {
                    name: name.clone(),
                    from: None,
                    to: t.comment.clone(),
                });
            }
            continue;
        };
        if f.values != t.values {
            if is_subsequence(&f.values, &t.values) {
                // New labels slot in before the next label that already exists.
                for (i, v) in t.values.iter().enumerate() {
                    if f.values.contains(v) {
                        continue;
                    }
                    let before = t.values[i + 1..]
                        .iter()
                        .find(|x| f.values.contains(x))
                        .cloned();
                    let after = match (&before, i) {
                        (None, 1..) => Some(t.values[i - 1].clone()),
                        _ => None,
                    };
                    out.push(Change::AddEnumValue {
                        name: name.clone(),
                        value: v.clone(),
                        before,
                        after,
                    });
                }
            } else {
                let columns = columns_of_type(name, from, to);
                out.push(Change::RebuildEnum {
                    from: f.clone(),
                    to: t.clone(),
                    columns,
                });
            }
        }
        if f.comment != t.comment {
            out.push(Change::CommentType {
                name: name.clone(),
                from: f.comment.clone(),
                to: t.comment.clone(),
            });
        }
    }
    if whole {
        for (name, f) in &from.enums {
            if !to.enums.contains_key(name) {
                out.push(Change::DropEnum { ty: f.clone() });
            }
        }
    }
}

/// The columns of `schema` whose type is the enum `name`, with the default each gets back after
/// the type is rebuilt on the way to `target`.
pub(crate) fn columns_of_type(
    name: &QualName,
    schema: &Schema,
    target: &Schema,
) -> Vec<(QualName, String, Option<crate::schema::Expr>)> {
    let type_name = name.to_string();
    schema
        .tables
        .values()
        .flat_map(|tb| {
            tb.columns
                .iter()
                .filter(|c| c.data_type.trim_end_matches("[]") == type_name)
                .map(|c| {
                    (
                        tb.name.clone(),
                        c.name.to_string(),
                        rebuilt_default(c, tb, target),
                    )
                })
        })
        .collect()
}

/// The default a column gets back after its enum type is rebuilt: the one the target schema
/// gives it when the column keeps the type there (the old one may name a removed label).
fn rebuilt_default(
    c: &crate::schema::Column,
    table: &crate::schema::Table,
    target: &Schema,
) -> Option<crate::schema::Expr> {
    match target
        .tables
        .get(&table.name)
        .and_then(|t| t.column(&c.name))
    {
        Some(tc) if tc.data_type == c.data_type => tc.default.as_deref().cloned(),
        _ => c.default.as_deref().cloned(),
    }
}

fn is_subsequence(small: &[String], big: &[String]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

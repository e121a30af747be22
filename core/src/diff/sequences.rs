//! Free-standing sequences (serial sequences belong to their column).

use super::{creatable, Change};
use crate::schema::{QualName, Schema, Table};

pub(super) fn diff_sequences(
    from: &Schema,
    to: &Schema,
    whole: bool,
    out: &mut Vec<Change>,
    not_compared: &mut Vec<QualName>,
) {
    for (name, t) in &to.sequences {
        match from.sequences.get(name) {
            None => {
                let uses = |tb: &Table| {
                    tb.columns.iter().any(|c| {
                        c.default.as_ref().is_some_and(|d| {
                            d.canon.contains("nextval(") && d.canon.contains(&name.name)
                        })
                    })
                };
                if creatable(from, to, name, uses) {
                    out.push(Change::CreateSequence { seq: t.clone() });
                } else {
                    not_compared.push(name.clone());
                }
            }
            Some(f) if f != t => out.push(Change::AlterSequence {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    if whole {
        for (name, f) in &from.sequences {
            if !to.sequences.contains_key(name) {
                out.push(Change::DropSequence { seq: f.clone() });
            }
        }
    }
}

//! Free-standing sequences (serial sequences belong to their column).

use super::Change;
use crate::schema::Schema;

pub(super) fn diff_sequences(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    for (name, t) in &to.sequences {
        match from.sequences.get(name) {
            None => out.push(Change::CreateSequence { seq: t.clone() }),
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

//! Collations: created before the tables that use them, dropped after.

use super::Change;
use crate::schema::Schema;

pub(super) fn diff_collations(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    if from.hidden.collations || to.hidden.collations {
        return;
    }
    for (name, t) in &to.collations {
        match from.collations.get(name) {
            None => out.push(Change::CreateCollation {
                collation: t.clone(),
            }),
            Some(f) if f != t => {
                // A collation cannot be altered: it is created again (which fails while
                // columns use it).
                out.push(Change::DropCollation {
                    collation: f.clone(),
                    replaced: true,
                });
                out.push(Change::CreateCollation {
                    collation: t.clone(),
                });
            }
            Some(_) => {}
        }
    }
    if whole {
        for (name, f) in &from.collations {
            if !to.collations.contains_key(name) {
                out.push(Change::DropCollation {
                    collation: f.clone(),
                    replaced: false,
                });
            }
        }
    }
}

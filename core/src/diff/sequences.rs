//! Free-standing sequences (serial sequences belong to their column).

use super::{creatable, Change};
use crate::normalize::serial_sequence;
use crate::schema::{IdentityOptions, QualName, Schema, Sequence, Table};

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
            // A side that cannot show a sequence's options says only that it is there.
            Some(_) if from.hidden.sequence_options || to.hidden.sequence_options => {}
            Some(f) if f != t => out.push(Change::AlterSequence {
                from: Box::new(f.clone()),
                to: Box::new(t.clone()),
            }),
            Some(_) => {}
        }
    }
    if whole {
        for (name, f) in &from.sequences {
            if !to.sequences.contains_key(name) {
                out.push(Change::DropSequence {
                    seq: f.clone(),
                    owner_dropped: false,
                });
            }
        }
    }
}

/// A serial column's own sequence, as a free-standing sequence would describe it.
fn implicit_sequence(table: &QualName, column: &str, data_type: &str) -> Sequence {
    let mut seq = Sequence::with_options(
        serial_sequence(table, column),
        data_type,
        &IdentityOptions::default(),
        Default::default(),
    );
    seq.owned_by = Some((table.clone(), column.to_string()));
    crate::normalize::normalize_sequence(&mut seq);
    seq
}

/// Does `table.column` of `schema` default to `nextval` of `seq`?
fn defaults_to(schema: &Schema, table: &QualName, column: &str, seq: &QualName) -> bool {
    schema
        .tables
        .get(table)
        .and_then(|t| t.column(column))
        .and_then(|c| c.default.as_ref())
        .and_then(|d| crate::normalize::nextval_target(&d.canon, "public"))
        .is_some_and(|n| n == *seq)
}

/// The positions of the changes `pick` chooses.
fn positions(out: &[Change], pick: impl Fn(&Change) -> bool) -> Vec<usize> {
    out.iter()
        .enumerate()
        .filter(|(_, c)| pick(c))
        .map(|(j, _)| j)
        .collect()
}

/// A serial column that keeps its sequence as a free-standing one (or the other way round)
/// is one `ALTER SEQUENCE`, not a drop of the sequence and the creation of another of the same
/// name (which fails while the first exists, and resets the counter).
pub(super) fn adopt_sequences(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let mut replace: Vec<(usize, Vec<usize>, Change)> = Vec::new();
    for (i, c) in out.iter().enumerate() {
        match c {
            // Serial → a free-standing sequence of the same name, still the default.
            Change::DropSerial { table, column, .. } => {
                let seq = serial_sequence(table, column);
                let (Some(want), Some(old)) = (
                    to.sequences.get(&seq),
                    from.tables.get(table).and_then(|t| t.column(column)),
                ) else {
                    continue;
                };
                if !defaults_to(to, table, column, &seq) || from.sequences.contains_key(&seq) {
                    continue;
                }
                let others = positions(out, |o| match o {
                    Change::CreateSequence { seq: s } => s.name == seq,
                    Change::SetDefault {
                        table: t,
                        column: c,
                        ..
                    } => t == table && c == column,
                    _ => false,
                });
                replace.push((
                    i,
                    others,
                    Change::AlterSequence {
                        from: Box::new(implicit_sequence(table, column, &old.data_type)),
                        to: Box::new(want.clone()),
                    },
                ));
            }
            // A free-standing sequence that the column's default uses → its serial sequence.
            Change::AddSerial {
                table,
                column,
                data_type,
            } => {
                let seq = serial_sequence(table, column);
                let Some(have) = from.sequences.get(&seq) else {
                    continue;
                };
                if !defaults_to(from, table, column, &seq) || to.sequences.contains_key(&seq) {
                    continue;
                }
                let others = positions(out, |o| match o {
                    Change::DropSequence { seq: s, .. } => s.name == seq,
                    Change::DropDefault {
                        table: t,
                        column: c,
                        ..
                    } => t == table && c == column,
                    _ => false,
                });
                replace.push((
                    i,
                    others,
                    Change::AlterSequence {
                        from: Box::new(have.clone()),
                        to: Box::new(implicit_sequence(table, column, data_type)),
                    },
                ));
            }
            // A dropped table's serial sequence that the desired schema keeps, as a sequence
            // of its own (a table renamed by a migration keeps its column's sequence under
            // the old name): altered to what is wanted instead of created again, which fails
            // while the table still holds it.
            Change::DropTable { table } => {
                for c in table.columns.iter().filter(|c| c.serial) {
                    let seq = serial_sequence(&table.name, &c.name);
                    let Some(want) = to.sequences.get(&seq) else {
                        continue;
                    };
                    if from.sequences.contains_key(&seq) {
                        continue;
                    }
                    let created = positions(
                        out,
                        |o| matches!(o, Change::CreateSequence { seq: s } if s.name == seq),
                    );
                    if let Some(&at) = created.first() {
                        replace.push((
                            at,
                            Vec::new(),
                            Change::AlterSequence {
                                from: Box::new(implicit_sequence(
                                    &table.name,
                                    &c.name,
                                    &c.data_type,
                                )),
                                to: Box::new(want.clone()),
                            },
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    let mut gone = vec![false; out.len()];
    for (i, others, change) in replace {
        out[i] = change;
        for j in others {
            gone[j] = true;
        }
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        !gone[k - 1]
    });
}

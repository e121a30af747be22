//! Owners, compared only when asked (`--owners`): an object both sides state an owner of gets
//! the desired one (`ALTER … OWNER TO`), and an object the plan creates gets the owner the
//! desired side states. An object whose owner one side does not state is not compared. Roles
//! are never created or dropped: the plan names the roles it needs.

use super::Change;
use crate::schema::{PrivilegeTarget as Target, Schema};

/// The `ALTER` keyword and the object's name as `ALTER … OWNER TO` writes them, from the
/// schema that has the object.
pub(crate) fn owner_object(schema: &Schema, target: &Target) -> Option<(&'static str, String)> {
    let name = target.on_sql().split_once(' ')?.1.to_string();
    let kind = match target {
        Target::Table { name: n } => match schema.views.get(n) {
            Some(v) if v.materialized => "MATERIALIZED VIEW",
            Some(_) => "VIEW",
            None if schema.tables.contains_key(n) => "TABLE",
            None => return None,
        },
        Target::Sequence { .. } => "SEQUENCE",
        Target::Function { .. } => {
            let sig = target.signature()?;
            match schema.functions.get(&sig) {
                Some(f) if f.procedure => "PROCEDURE",
                Some(_) => "FUNCTION",
                None => return None,
            }
        }
        Target::Type { name: n } if schema.domains.contains_key(n) => "DOMAIN",
        Target::Type { .. } => "TYPE",
        Target::Schema { .. } => "SCHEMA",
        Target::Column { .. } => return None,
    };
    Some((kind, name))
}

/// How many objects both sides state different owners of: what a comparison not asked to
/// compare owners leaves out.
pub fn owners_differing(from: &Schema, to: &Schema) -> usize {
    to.owners
        .of_object
        .iter()
        .filter(|(t, o)| {
            from.owners.of_object.get(*t).is_some_and(|f| f != *o)
                && crate::normalize::holds(from, t)
                && crate::normalize::holds(to, t)
        })
        .count()
}

pub(crate) fn diff_owners(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    if !(from.owners.compared || to.owners.compared) {
        return;
    }
    // What the plan makes (anew or again) belongs to whoever runs it.
    let again = super::privileges::made_again(out, to);
    let mut more = Vec::new();
    for (target, owner) in &to.owners.of_object {
        if !crate::normalize::holds(to, target) {
            continue;
        }
        let made = again.contains(target) || !crate::normalize::holds(from, target);
        let current = match from.owners.of_object.get(target) {
            _ if made => None,
            Some(f) if f == owner => continue,
            Some(f) => Some(f.clone()),
            // The current side does not say: not compared.
            None => continue,
        };
        let Some((kind, object)) = owner_object(to, target) else {
            continue;
        };
        more.push(Change::SetOwner {
            target: target.clone(),
            object_kind: kind.to_string(),
            object,
            from: current,
            to: owner.clone(),
        });
    }
    out.extend(more);
}

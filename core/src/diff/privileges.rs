//! Privileges: for each object and grantee, the privileges to grant (or to give the grant
//! option) and to revoke (or to take the grant option from).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Change;
use crate::schema::{Grants, PrivilegeTarget as Target, QualName, Schema};

/// What a grant gives or a revoke takes: one grantee's privileges on one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivilegeChange {
    pub target: Target,
    pub grantee: String,
    pub privileges: Vec<String>,
    /// With the grant option: given (a grant), or held until now (a revoke).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub with_grant_option: bool,
    /// Only the grant option: given for privileges held without it (a grant), or taken
    /// (`REVOKE GRANT OPTION FOR`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub option_only: bool,
}

/// The objects `changes` drop to make again (or drop and the desired schema has): they come
/// back with what a new object grants, whatever they granted before.
pub(super) fn made_again(changes: &[Change], to: &Schema) -> BTreeSet<Target> {
    let mut out = BTreeSet::new();
    let table = |name: &QualName| Target::Table { name: name.clone() };
    for c in changes {
        match c {
            Change::DropTable { table: t } => {
                out.insert(table(&t.name));
                for col in &t.columns {
                    out.insert(Target::Column {
                        table: t.name.clone(),
                        column: col.name.to_string(),
                    });
                    if col.serial {
                        out.insert(Target::Sequence {
                            name: crate::normalize::serial_sequence(&t.name, &col.name),
                        });
                    }
                }
            }
            Change::RecreateTable { from, .. } => {
                out.insert(table(&from.name));
                for col in &from.columns {
                    out.insert(Target::Column {
                        table: from.name.clone(),
                        column: col.name.to_string(),
                    });
                }
            }
            Change::DropColumn { table: t, column } => {
                out.insert(Target::Column {
                    table: t.clone(),
                    column: column.name.to_string(),
                });
            }
            Change::DropView { view, .. } => {
                out.insert(table(&view.name));
                if let Some(v) = to.views.get(&view.name) {
                    for col in &v.columns {
                        out.insert(Target::Column {
                            table: view.name.clone(),
                            column: col.clone(),
                        });
                    }
                }
            }
            Change::DropFunction { function, .. } => {
                out.insert(Target::Function {
                    name: function.name.clone(),
                    identity: function.identity.clone(),
                });
            }
            Change::DropDomain { domain, .. } => {
                out.insert(Target::Type {
                    name: domain.name.clone(),
                });
            }
            Change::DropEnum { ty } | Change::RebuildEnum { from: ty, .. } => {
                out.insert(Target::Type {
                    name: ty.name.clone(),
                });
            }
            Change::DropSequence { seq, .. } => {
                out.insert(Target::Sequence {
                    name: seq.name.clone(),
                });
            }
            Change::DropSchema { name } => {
                out.insert(Target::Schema { name: name.clone() });
            }
            _ => {}
        }
    }
    out
}

/// The grants and revokes that take `from`'s privileges to `to`'s, after `changes` (the rest
/// of the diff, which may drop objects to make them again). An object the desired schema does
/// not have is left alone: its privileges go with it.
pub(crate) fn diff_privileges(from: &Schema, to: &Schema, changes: &mut Vec<Change>) {
    if from.hidden.privileges || to.hidden.privileges {
        return;
    }
    let again = made_again(changes, to);
    let targets: BTreeSet<&Target> = from.privileges.keys().chain(to.privileges.keys()).collect();
    // The revokes planned on each table so far, for its columns.
    let mut table_revokes: BTreeMap<QualName, Vec<PrivilegeChange>> = BTreeMap::new();
    for target in targets {
        if !crate::normalize::holds(to, target) {
            continue;
        }
        let mut current = match from.privileges.get(target) {
            Some(g) if !again.contains(target) && crate::normalize::holds(from, target) => {
                g.clone()
            }
            _ => target.default_grants(),
        };
        let mut wanted = to
            .privileges
            .get(target)
            .cloned()
            .unwrap_or_else(|| target.default_grants());
        // The owner's own privileges are not granted: what a side grants its owner is nothing.
        if let Some(owner) = from.owners.of(target).or(to.owners.of(target)) {
            current.remove(owner);
            wanted.remove(owner);
        }
        // A revoke on a table (planned before its columns: tables sort first) takes the same
        // privileges from each of its columns.
        if let Target::Column { table, .. } = target {
            for r in table_revokes.get(table).into_iter().flatten() {
                if let Some(held) = current.get_mut(&r.grantee) {
                    for p in &r.privileges {
                        if r.option_only {
                            held.entry(p.clone()).and_modify(|o| *o = false);
                        } else {
                            held.remove(p);
                        }
                    }
                }
            }
            current.retain(|_, held| !held.is_empty());
        }
        let before = changes.len();
        grantee_changes(target, &current, &wanted, changes);
        if let Target::Table { name } = target {
            let revokes = changes[before..].iter().filter_map(|c| match c {
                Change::Revoke(r) => Some(r.clone()),
                _ => None,
            });
            table_revokes
                .entry(name.clone())
                .or_default()
                .extend(revokes);
        }
    }
}

/// What one target needs, grantee by grantee: revokes first, then grants, each list with one
/// state of the grant option (so that each change has one inverse).
fn grantee_changes(target: &Target, current: &Grants, wanted: &Grants, out: &mut Vec<Change>) {
    let none = BTreeMap::new();
    let grantees: BTreeSet<&String> = current.keys().chain(wanted.keys()).collect();
    for grantee in grantees {
        let have = current.get(grantee).unwrap_or(&none);
        let want = wanted.get(grantee).unwrap_or(&none);
        let pick = |from: &BTreeMap<String, bool>, keep: &dyn Fn(&str, bool) -> bool| {
            from.iter()
                .filter(|(p, o)| keep(p, **o))
                .map(|(p, _)| p.clone())
                .collect::<Vec<String>>()
        };
        // (privileges, grant, with_grant_option, option_only)
        let lists = [
            (
                pick(have, &|p, o| !o && !want.contains_key(p)),
                false,
                false,
                false,
            ),
            (
                pick(have, &|p, o| o && !want.contains_key(p)),
                false,
                true,
                false,
            ),
            (
                pick(have, &|p, o| o && want.get(p) == Some(&false)),
                false,
                true,
                true,
            ),
            (
                pick(want, &|p, o| !o && !have.contains_key(p)),
                true,
                false,
                false,
            ),
            (
                pick(want, &|p, o| o && !have.contains_key(p)),
                true,
                true,
                false,
            ),
            (
                pick(want, &|p, o| o && have.get(p) == Some(&false)),
                true,
                true,
                true,
            ),
        ];
        for (privileges, grant, with_grant_option, option_only) in lists {
            if privileges.is_empty() {
                continue;
            }
            let change = PrivilegeChange {
                target: target.clone(),
                grantee: grantee.clone(),
                privileges,
                with_grant_option,
                option_only,
            };
            out.push(if grant {
                Change::Grant(change)
            } else {
                Change::Revoke(change)
            });
        }
    }
}

/// Forgets what `schema` grants each object's owner as `owners` name them (what the catalog
/// cannot show: PostgreSQL keeps an owner's privileges whole whatever is granted to it).
pub fn forget_owner_grants(schema: &mut Schema, owners: &crate::schema::Owners) {
    schema.privileges.retain(|t, grants| {
        if let Some(owner) = owners.of(t) {
            grants.remove(owner);
        }
        *grants != t.default_grants()
    });
}

/// [`super::diff`] with the privileges of the roles `roles` names compared (see
/// [`scope_privileges`]).
pub fn diff_scoped(from: &Schema, to: &Schema, roles: Option<&[String]>) -> super::Diff {
    diff_filtered(from, to, &Default::default(), roles)
}

/// [`diff_scoped`] of what `filter` keeps of each side (a filter that cannot be read keeps
/// everything; reading the options reports it).
pub fn diff_filtered(
    from: &Schema,
    to: &Schema,
    filter: &crate::schema::Filter,
    roles: Option<&[String]>,
) -> super::Diff {
    if !filter.is_empty() {
        let (mut from, mut to) = (from.clone(), to.clone());
        if filter.apply(&mut from).is_ok() && filter.apply(&mut to).is_ok() {
            return diff_scoped(&from, &to, roles);
        }
    }
    if from.privileges.is_empty() && to.privileges.is_empty() {
        return super::diff(from, to);
    }
    let (mut from, mut to) = (from.clone(), to.clone());
    scope_privileges(&mut from, &mut to, roles);
    super::diff(&from, &to)
}

/// Leaves in both schemas only the privileges a comparison covers: none when `roles` is
/// `None`, every grantee's when it is empty, else those of the roles named (`PUBLIC` for
/// everyone). Returns how many objects with privileges each side had that are not compared.
pub fn scope_privileges(
    from: &mut Schema,
    to: &mut Schema,
    roles: Option<&[String]>,
) -> (usize, usize) {
    let mut left_out = [0usize; 2];
    for (side, schema) in [from, to].into_iter().enumerate() {
        let before = schema.privileges.len();
        match roles {
            None => schema.privileges.clear(),
            Some([]) => {}
            Some(roles) => {
                let mut out = 0;
                schema.privileges.retain(|t, grants| {
                    let default = t.default_grants();
                    let mut dropped = false;
                    // A role not compared holds what it holds by default on both sides.
                    grants.retain(|g, p| {
                        let keep = roles.contains(g);
                        dropped |= !keep && default.get(g) != Some(p);
                        keep
                    });
                    for (g, p) in default {
                        if !roles.contains(&g) {
                            grants.insert(g, p);
                        }
                    }
                    out += usize::from(dropped);
                    *grants != t.default_grants()
                });
                left_out[side] = out;
                continue;
            }
        }
        left_out[side] = before - schema.privileges.len();
    }
    (left_out[0], left_out[1])
}

#[cfg(test)]
mod tests {
    use crate::{diff_scoped, parse, plan, render_sql, PlanOptions};

    fn sql(from: &str, to: &str, roles: Option<&[String]>) -> String {
        let (a, b) = (parse(from, None).1.schema, parse(to, None).1.schema);
        render_sql(&plan(&diff_scoped(&a, &b, roles), &PlanOptions::default()))
    }

    const T: &str = "CREATE TABLE t (id int, name text);";

    #[test]
    fn a_column_privilege_a_table_revoke_takes_is_granted_again() {
        let got = sql(
            &format!("{T} GRANT SELECT ON t TO app; GRANT SELECT (id) ON t TO app;"),
            &format!("{T} GRANT SELECT (id) ON t TO app;"),
            Some(&[]),
        );
        let revoke = got.find("REVOKE SELECT ON TABLE public.t FROM app;");
        let grant = got.find("GRANT SELECT (id) ON TABLE public.t TO app;");
        assert!(
            revoke.is_some() && grant.is_some() && revoke < grant,
            "{got}"
        );
    }

    #[test]
    fn grant_options_and_owners_and_roles_not_compared() {
        let from = format!("{T} ALTER TABLE t OWNER TO owner; GRANT SELECT ON t TO app;");
        let to = format!(
            "{T} GRANT SELECT ON t TO app WITH GRANT OPTION; GRANT ALL ON t TO owner;\
             GRANT INSERT ON t TO other;"
        );
        // The owner's own privileges are no grant; other's are left out when not asked for.
        let app = ["app".to_string()];
        assert_eq!(
            sql(&from, &to, Some(&app))
                .lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>(),
            ["GRANT SELECT ON TABLE public.t TO app WITH GRANT OPTION;"]
        );
        assert!(sql(&from, &to, None).is_empty());
        assert!(sql(&from, &to, Some(&[])).contains("GRANT INSERT ON TABLE public.t TO other;"));
    }
}

//! What an online apply stopped part-way leaves in a database, recognized by the names its
//! online forms give their helpers, so that running the apply again finishes the migration:
//! a type change's second column with the trigger and function that keep it in step (and,
//! dropped with the column, its indexes, keys and checks), and the temporary check a
//! `SET NOT NULL` goes through. An index left INVALID by a stopped concurrent build is drift of
//! its own (built again), and a constraint left `NOT VALID` is validated by the plan.
//!
//! Only objects the desired schema does not have are taken for leftovers, so a schema that
//! wants a column `x_new` or a trigger `t_x_retype` keeps them.

use crate::normalize::make_object_name;
use crate::quote::quote_ident;
use crate::schema::{QualName, Schema, Table};

/// One thing an interrupted online apply left, and the statements that remove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// What it is, for people.
    pub what: String,
    /// Statements that remove it (each one statement, `IF EXISTS`, safe to run again).
    pub statements: Vec<String>,
}

/// Finds the leftovers in `current` (a live database's schema) that `desired` does not want,
/// takes them out of `current` (so the plan is made as if they were gone), and returns the
/// statements that remove them, to run before the plan.
pub fn strip_leftovers(current: &mut Schema, desired: &Schema) -> Vec<Leftover> {
    let mut out = Vec::new();
    // A type change's second column, trigger and function.
    let swaps: Vec<(String, QualName, String, QualName)> = current
        .triggers
        .iter()
        .filter(|(key, _)| !desired.triggers.contains_key(*key))
        .filter_map(|(key, trigger)| {
            let table = current.tables.get(&trigger.table)?;
            let column = table.columns.iter().find(|c| {
                make_object_name(&table.name.name, Some(c.name.as_str()), "retype") == trigger.name
            })?;
            let temp = second_column(table, desired.tables.get(&table.name), &column.name)?;
            Some((
                key.clone(),
                trigger.table.clone(),
                temp,
                trigger.function.clone(),
            ))
        })
        .collect();
    for (key, table, temp, function) in swaps {
        let trigger = current
            .triggers
            .remove(&key)
            .map(|t| t.name)
            .unwrap_or_default();
        current
            .functions
            .retain(|_, f| !(f.name == function && f.identity.is_empty()));
        if let Some(t) = current.table_mut(&table) {
            without_column(t, &temp);
        }
        out.push(Leftover {
            what: format!(
                "{table}.{}: the second column of a type change stopped before its swap, with the trigger {} that kept it in step",
                quote_ident(&temp),
                quote_ident(&trigger)
            ),
            statements: vec![
                format!("DROP TRIGGER IF EXISTS {} ON {table}", quote_ident(&trigger)),
                format!("DROP FUNCTION IF EXISTS {function}()"),
                format!(
                    "ALTER TABLE {table} DROP COLUMN IF EXISTS {} CASCADE",
                    quote_ident(&temp)
                ),
            ],
        });
    }
    // The temporary check of a SET NOT NULL made through a validated check.
    for t in current.tables_mut() {
        let wanted = desired.tables.get(&t.name);
        let temps: Vec<String> = t
            .checks
            .iter()
            .filter(|k| !wanted.is_some_and(|w| w.checks.iter().any(|c| c.name == k.name)))
            .filter(|k| {
                t.columns.iter().any(|c| {
                    make_object_name(&t.name.name, Some(c.name.as_str()), "not_null_check")
                        == k.name
                        && k.expr
                            .canon
                            .contains(&format!("{} IS NOT NULL", quote_ident(&c.name)))
                })
            })
            .map(|k| k.name.clone())
            .collect();
        for name in temps {
            t.checks.retain(|k| k.name != name);
            out.push(Leftover {
                what: format!(
                    "{}: the temporary check {} of a SET NOT NULL stopped before its end",
                    t.name,
                    quote_ident(&name)
                ),
                statements: vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                    t.name,
                    quote_ident(&name)
                )],
            });
        }
    }
    out
}

/// The second column a type change of `column` adds (`<column>_new`, or `_new2` … when that
/// was taken), when `table` has it and `desired` does not.
fn second_column(
    table: &Table,
    desired: Option<&std::sync::Arc<Table>>,
    column: &str,
) -> Option<String> {
    (1..10u32)
        .map(|i| {
            let label = if i == 1 {
                "new".to_string()
            } else {
                format!("new{i}")
            };
            make_object_name(column, None, &label)
        })
        .find(|n| table.column(n).is_some() && desired.is_none_or(|d| d.column(n).is_none()))
}

/// `t` without column `name` and what `DROP COLUMN … CASCADE` takes with it.
fn without_column(t: &mut Table, name: &str) {
    let names = |cols: &[String]| cols.iter().any(|c| c == name);
    let quoted = quote_ident(name);
    t.columns.retain(|c| c.name.as_str() != name);
    t.indexes.retain(|i| {
        !(names(&i.include)
            || i.keys
                .iter()
                .any(|k| k.expr.canon == name || k.expr.canon.contains(&quoted)))
    });
    t.checks
        .retain(|k| !k.expr.canon.contains(&quoted) && !k.expr.canon.contains(name));
    t.foreign_keys.retain(|k| !names(&k.columns));
    t.uniques
        .retain(|u| !names(&u.columns) && !names(&u.include));
    if t.primary_key.as_ref().is_some_and(|p| names(&p.columns)) {
        t.primary_key = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use crate::Format;

    #[test]
    fn a_stopped_swap_and_a_temporary_check_are_found_and_taken_out() {
        let current = "CREATE TABLE orders (id int PRIMARY KEY, total int, total_new bigint, n int);\n\
             ALTER TABLE orders ADD CONSTRAINT orders_total_new_not_null_check CHECK (total_new IS NOT NULL) NOT VALID;\n\
             ALTER TABLE orders ADD CONSTRAINT orders_n_not_null_check CHECK (n IS NOT NULL) NOT VALID;\n\
             CREATE INDEX orders_total_idx_new ON orders (total_new);\n\
             CREATE FUNCTION orders_total_retype() RETURNS trigger LANGUAGE plpgsql AS $s$BEGIN NEW.total_new := NEW.total; RETURN NEW; END;$s$;\n\
             CREATE TRIGGER orders_total_retype BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_total_retype();\n";
        let desired = "CREATE TABLE orders (id int PRIMARY KEY, total bigint, n int NOT NULL);\n";
        let (_, mut from) = parse(current, Some(Format::Sql));
        let (_, to) = parse(desired, Some(Format::Sql));
        let left = strip_leftovers(&mut from.schema, &to.schema);
        let statements: Vec<&str> = left
            .iter()
            .flat_map(|l| l.statements.iter().map(String::as_str))
            .collect();
        assert_eq!(
            statements,
            [
                "DROP TRIGGER IF EXISTS orders_total_retype ON orders",
                "DROP FUNCTION IF EXISTS orders_total_retype()",
                "ALTER TABLE orders DROP COLUMN IF EXISTS total_new CASCADE",
                "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_n_not_null_check",
            ]
        );
        let t = &from.schema.tables[&QualName::new("public", "orders")];
        assert!(t.column("total_new").is_none() && t.indexes.is_empty() && t.checks.is_empty());
        assert!(from.schema.triggers.is_empty() && from.schema.functions.is_empty());
        // Wanted by the desired schema: not a leftover.
        let (_, mut again) = parse(current, Some(Format::Sql));
        let same = again.schema.clone();
        assert_eq!(strip_leftovers(&mut again.schema, &same), []);
    }
}

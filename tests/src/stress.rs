//! A production-shaped schema drift for the stress test and the large benchmark: what real
//! `structure.sql` files hold and [`crate::generate`] lacks. Per *n* tables, spread over three
//! schemas: one in 15 range-partitioned, with four or five partitions each in a schema of their
//! own (in a dump: `CREATE INDEX … ON ONLY` the parent, `ATTACH PARTITION` for each partition
//! and each of its indexes); about four indexes a table (expression, partial, GIN); serial keys
//! as `pg_dump` writes them (a sequence `OWNED BY`, a `nextval` default); foreign keys and checks,
//! some `NOT VALID`; a `plpgsql` trigger function with a trigger on one table in three; a SQL
//! function per five tables; views, and views of views; comments. At 1,400 tables this is the
//! size of the real production dump of issue 30 (1,401 tables, 94 partitioned with 432
//! partitions, 6,040 indexes, 297 functions, 453 triggers).
//!
//! The *desired* side drifts in every kind at once: columns added, `NOT NULL` dropped, indexes
//! added, a `NOT VALID` check validated, function bodies changed, a view under another view
//! changed, triggers added, partitions attached, a table dropped and a partitioned one created
//! with partitions in the other schema. Load either side and `pg_dump` it for the form real
//! files have (the stress test and `tests/benches/stress.rs` do).

use std::fmt::Write;

const SCHEMAS: [&str; 3] = ["app", "billing", "audit"];
const PARTITIONS: &str = "parts";

fn schema_of(i: usize) -> &'static str {
    SCHEMAS[i % SCHEMAS.len()]
}

fn partitioned(i: usize) -> bool {
    i % 15 == 14
}

/// How many partitions table `i` has (when partitioned).
fn partitions(i: usize, desired: bool) -> usize {
    4 + i % 2 + usize::from(desired && i % 30 == 29)
}

/// Whether table `i` has a SQL function of its own.
fn has_function(i: usize) -> bool {
    i.is_multiple_of(5)
}

/// The tables a side has: the last one only in the current side; one more, partitioned, only
/// in the desired side.
fn tables(n: usize, desired: bool) -> Vec<usize> {
    let mut out: Vec<usize> = (0..n.saturating_sub(1)).collect();
    if desired {
        out.push(n + 14 - (n % 15)); // partitioned: n + 14 - n % 15 ≡ 14 (mod 15)
    } else if n > 0 {
        out.push(n - 1);
    }
    out
}

/// The schema of `n` tables, current or desired, as plain DDL.
pub fn ddl(n: usize, desired: bool) -> String {
    ddl_drift(n, desired, true)
}

/// [`ddl`] whose desired side keeps the current side's function bodies, views and triggers when
/// `routines` is false: the drift schemafix plans from a `\d+` paste of the tables (a trigger
/// added is not planned from one yet).
pub fn ddl_drift(n: usize, desired: bool, routines: bool) -> String {
    let mut out = String::new();
    for s in SCHEMAS.iter().chain([&PARTITIONS]) {
        let _ = writeln!(out, "CREATE SCHEMA {s};");
    }
    for s in SCHEMAS {
        let _ = writeln!(
            out,
            "CREATE TYPE {s}.state AS ENUM ('new', 'active', 'closed');\n\
             CREATE FUNCTION {s}.touch() RETURNS trigger LANGUAGE plpgsql AS $$\n\
             BEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND\n$$;"
        );
    }
    let all = tables(n, desired);
    for (k, &i) in all.iter().enumerate() {
        let s = schema_of(i);
        let t = format!("{s}.t{i}");
        let part = partitioned(i);
        let extra = if desired && i % 10 == 1 {
            ",\n    note text"
        } else {
            ""
        };
        let name_null = if desired && i % 10 == 2 {
            ""
        } else {
            " NOT NULL"
        };
        let key = if part { "id, created_at" } else { "id" };
        let _ = write!(
            out,
            "\nCREATE TABLE {t} (\n    id bigserial,\n    ref_id bigint,\n    name text{name_null},\n    \
             state {s}.state NOT NULL DEFAULT 'new',\n    amount numeric(12,2) DEFAULT 0,\n    \
             flags integer NOT NULL DEFAULT 0,\n    payload jsonb DEFAULT '{{}}'::jsonb,\n    \
             tags text[],\n    created_at timestamp with time zone NOT NULL DEFAULT now(),\n    \
             updated_at timestamp with time zone{extra},\n    PRIMARY KEY ({key})\n)"
        );
        if part {
            out.push_str(" PARTITION BY RANGE (created_at);\n");
            for p in 0..partitions(i, desired) {
                let _ = writeln!(
                    out,
                    "CREATE TABLE {PARTITIONS}.t{i}_p{p} PARTITION OF {t} \
                     FOR VALUES FROM ('{y}-01-01') TO ('{z}-01-01');",
                    y = 2020 + p,
                    z = 2021 + p
                );
            }
        } else {
            out.push_str(";\n");
        }
        // A check, validated in the desired side where the current one has it NOT VALID.
        let not_valid = i % 9 == 3 && !(desired && i % 2 == 1);
        if !part {
            let _ = writeln!(
                out,
                "ALTER TABLE {t} ADD CONSTRAINT t{i}_amount_check CHECK (amount >= 0){};",
                if not_valid { " NOT VALID" } else { "" }
            );
        }
        // A foreign key to the table before it when that one is a plain table.
        if let Some(&prev) = k.checked_sub(1).and_then(|j| all.get(j)) {
            if !partitioned(prev) && !part {
                let _ = writeln!(
                    out,
                    "ALTER TABLE {t} ADD CONSTRAINT t{i}_ref_fk FOREIGN KEY (ref_id) \
                     REFERENCES {}.t{prev} (id) ON DELETE SET NULL{};",
                    schema_of(prev),
                    if i % 7 == 4 { " NOT VALID" } else { "" }
                );
            }
        }
        let _ = writeln!(
            out,
            "CREATE INDEX t{i}_ref_idx ON {t} (ref_id);\n\
             CREATE INDEX t{i}_created_idx ON {t} (created_at DESC);\n\
             CREATE INDEX t{i}_name_idx ON {t} (lower(name)) WHERE state <> 'closed';"
        );
        if i % 3 == 0 {
            let _ = writeln!(
                out,
                "CREATE INDEX t{i}_payload_idx ON {t} USING gin (payload);"
            );
        }
        if desired && i % 10 == 3 {
            let _ = writeln!(out, "CREATE INDEX t{i}_flags_idx ON {t} (flags, state);");
        }
        if i % 3 == 0 || (desired && routines && i % 10 == 7) {
            let _ = writeln!(
                out,
                "CREATE TRIGGER t{i}_touch BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {s}.touch();"
            );
        }
        if has_function(i) {
            let body = if desired && routines && i % 10 == 5 {
                "SELECT count(*)::integer FROM {t} WHERE ref_id = $1 AND state <> 'closed'"
            } else {
                "SELECT count(*)::integer FROM {t} WHERE ref_id = $1"
            };
            let _ = writeln!(
                out,
                "CREATE FUNCTION {s}.t{i}_refs(bigint) RETURNS integer LANGUAGE sql STABLE AS $$ {} $$;",
                body.replace("{t}", &t)
            );
        }
        if i % 10 == 0 {
            let flags = if desired && routines && i % 20 == 0 {
                ", flags"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "CREATE VIEW {s}.v{i} AS SELECT id, name, state, created_at{flags} FROM {t} WHERE state <> 'closed';"
            );
            if i % 20 == 0 {
                let _ = writeln!(
                    out,
                    "CREATE VIEW {s}.v{i}_recent AS SELECT id, name FROM {s}.v{i} WHERE created_at > '2024-01-01';"
                );
            }
        }
        // Only on tables both sides have: `\d+` cannot show a table's comment, so the
        // comparison from a paste would not see one come or go.
        if i % 4 == 0 && i + 1 < n {
            let _ = writeln!(
                out,
                "COMMENT ON TABLE {t} IS 'table {i} of the stress schema';"
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sides_differ_and_have_the_shape_described() {
        let (a, b) = (super::ddl(1400, false), super::ddl(1400, true));
        assert_ne!(a, b);
        let count = |s: &str, what: &str| s.matches(what).count();
        assert_eq!(count(&a, "PARTITION BY RANGE"), 93);
        assert!((400..450).contains(&count(&a, " PARTITION OF ")));
        assert!(count(&a, "CREATE INDEX") > 4_500);
        assert!((280..300).contains(&count(&a, "LANGUAGE sql")));
        assert!((450..500).contains(&count(&a, "CREATE TRIGGER")));
    }
}

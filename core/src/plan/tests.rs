//! Plan tests: hazards, order, reasons and gating on small schemas.

use crate::{migrate, Format, PlanOptions};

/// The hazards of the steps from `from` to `to`.
fn hazards_of(from: &str, to: &str, options: &PlanOptions) -> Vec<super::Hazard> {
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), options);
    assert!(!m.has_errors());
    let mut h: Vec<_> = m
        .plan
        .steps
        .iter()
        .flat_map(|s| s.hazards.clone())
        .collect();
    h.sort();
    h.dedup();
    h
}

/// An enum whose labels go, or whose kept labels change order, is rebuilt only when
/// destructive steps are allowed; labels added around the kept ones are not a rebuild.
#[test]
fn an_enum_rebuild_is_held_back_when_labels_go_or_move() {
    let e = |labels: &str| format!("CREATE TYPE mood AS ENUM ({labels}); CREATE TABLE t (m mood);");
    let plan = |to: &str| {
        migrate(
            &e("'a', 'b', 'c'"),
            None,
            &e(to),
            None,
            &PlanOptions::default(),
        )
        .plan
    };
    let moved = plan("'c', 'a', 'b'");
    assert!(moved.steps.is_empty(), "{:?}", moved.steps);
    let loses = moved.skipped[0].loses.clone().unwrap_or_default();
    assert!(
        loses.contains("label order (a, b, c)") && loses.contains("no value is lost"),
        "{loses}"
    );
    let gone = plan("'a', 'c'");
    assert!(gone.skipped[0]
        .loses
        .as_deref()
        .unwrap_or_default()
        .contains("removed labels (b)"));
    let added = plan("'z', 'a', 'x', 'b', 'c', 'y'");
    assert!(added.skipped.is_empty(), "{:?}", added.skipped);
    assert!(
        added.steps.iter().all(|s| s.id == "add-enum-value"),
        "{:?}",
        added.steps
    );
}

/// Each hazard on a change that has it, and not on a like change that does not.
#[test]
fn each_hazard_where_it_holds_and_not_elsewhere() {
    use super::Hazard as H;
    let plain = PlanOptions {
        allow_destructive: true,
        ..Default::default()
    };
    let on = |v: u32| PlanOptions {
        pg_version: Some(v),
        ..plain.clone()
    };
    let (v10, v11, v15) = (on(10), on(11), on(15));
    let online = PlanOptions {
        online: true,
        ..plain.clone()
    };
    let t = "CREATE TABLE t (id int PRIMARY KEY, a int, s varchar(10), c text);";
    let with = |extra: &str| format!("{t} {extra}");
    let t2 = |cols: &str| format!("CREATE TABLE t (id int PRIMARY KEY, {cols});");
    // (hazard, from, to, options, present)
    let cases: Vec<(H, String, String, &PlanOptions, bool)> = vec![
        (
            H::DeletesData,
            t.into(),
            t2("a int, s varchar(10)"),
            &plain,
            true,
        ),
        (
            H::DeletesData,
            t.into(),
            t2("a int, s varchar(10), c text, d int"),
            &plain,
            false,
        ),
        (
            H::TableRewrite,
            t.into(),
            t2("a bigint, s varchar(10), c text"),
            &plain,
            true,
        ),
        (
            H::TableRewrite,
            t.into(),
            t2("a int, s varchar(20), c text"),
            &plain,
            false,
        ),
        // A constant default rewrote the table before PostgreSQL 11, not since.
        (
            H::TableRewrite,
            t.into(),
            t2("a int, s varchar(10), c text, d int DEFAULT 0"),
            &v10,
            true,
        ),
        (
            H::TableRewrite,
            t.into(),
            t2("a int, s varchar(10), c text, d int DEFAULT 0"),
            &v15,
            false,
        ),
        (
            H::TableRewrite,
            t.into(),
            t2("a int, s varchar(10), c text, d float DEFAULT random()"),
            &v15,
            true,
        ),
        (
            H::AccessExclusiveLock,
            t.into(),
            t2("a bigint, s varchar(10), c text"),
            &plain,
            true,
        ),
        (
            H::AccessExclusiveLock,
            t.into(),
            with("CREATE INDEX t_a ON t (a);"),
            &plain,
            false,
        ),
        (
            H::ShareLock,
            t.into(),
            with("CREATE INDEX t_a ON t (a);"),
            &plain,
            true,
        ),
        (
            H::ShareLock,
            t.into(),
            with("CREATE INDEX t_a ON t (a);"),
            &online,
            false,
        ),
        (
            H::FullTableScan,
            t.into(),
            t2("a int CHECK (a > 0), s varchar(10), c text"),
            &plain,
            true,
        ),
        (
            H::FullTableScan,
            with("ALTER TABLE t ADD CHECK (a > 0);"),
            t.into(),
            &plain,
            false,
        ),
        (
            H::FailsOnExistingRows,
            t.into(),
            t2("a int NOT NULL, s varchar(10), c text"),
            &plain,
            true,
        ),
        (
            H::FailsOnExistingRows,
            t2("a int NOT NULL, s varchar(10), c text"),
            t.into(),
            &plain,
            false,
        ),
        (
            H::IndexBuild,
            t.into(),
            with("CREATE INDEX t_a ON t (a);"),
            &plain,
            true,
        ),
        (
            H::IndexBuild,
            with("CREATE INDEX t_a ON t (a);"),
            t.into(),
            &plain,
            false,
        ),
        (
            H::IndexDropped,
            with("CREATE INDEX t_a ON t (a);"),
            t.into(),
            &plain,
            true,
        ),
        (
            H::IndexDropped,
            t.into(),
            with("CREATE INDEX t_a ON t (a);"),
            &plain,
            false,
        ),
        (
            H::NotTransactional,
            "CREATE TYPE e AS ENUM ('a');".into(),
            "CREATE TYPE e AS ENUM ('a', 'b');".into(),
            &v11,
            true,
        ),
        (
            H::NotTransactional,
            "CREATE TYPE e AS ENUM ('a');".into(),
            "CREATE TYPE e AS ENUM ('a', 'b');".into(),
            &v15,
            false,
        ),
        (
            H::NotTransactional,
            t.into(),
            with("CREATE INDEX t_a ON t (a);"),
            &online,
            true,
        ),
        (
            H::AuthorizationChange,
            t.into(),
            with("ALTER TABLE t ENABLE ROW LEVEL SECURITY;"),
            &plain,
            true,
        ),
        (
            H::AuthorizationChange,
            t.into(),
            t2("a int, s varchar(10), c text, d int"),
            &plain,
            false,
        ),
    ];
    for (hazard, from, to, options, present) in cases {
        let got = hazards_of(&from, &to, options);
        assert_eq!(
            got.contains(&hazard),
            present,
            "{hazard:?} from {from} to {to} (online {}, version {:?}): {got:?}",
            options.online,
            options.pg_version
        );
    }
}

/// A sequence whose lower bound rises past where it may stand is first moved up to it
/// (never back: no value is handed out twice); lowering the bound again is just an alter.
#[test]
fn a_raised_minvalue_moves_the_sequence_up_first() {
    let low = "CREATE TABLE v (n int GENERATED BY DEFAULT AS IDENTITY (START WITH -200 MINVALUE -200 MAXVALUE 200));
        CREATE SEQUENCE s MINVALUE -200 START -200;";
    let raised = "CREATE TABLE v (n int GENERATED BY DEFAULT AS IDENTITY (START WITH -100 MINVALUE -100 MAXVALUE 100));
        CREATE SEQUENCE s MINVALUE -100 START -100;";
    let m = migrate(
        low,
        Some(Format::Sql),
        raised,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    let setval = m.sql.find("GREATEST(v, -100)").expect("a guard");
    assert!(
        setval < m.sql.find("SET MINVALUE -100").expect("the alter"),
        "{}",
        m.sql
    );
    assert_eq!(
        m.sql.matches("pg_catalog.setval").count(),
        2,
        "identity and sequence: {}",
        m.sql
    );
    assert!(m.sql.contains("pg_get_serial_sequence('v', 'n')"));
    let back = migrate(
        raised,
        Some(Format::Sql),
        low,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert!(!back.sql.contains("setval"), "{}", back.sql);
}

/// Online mode: concurrent index builds, NOT VALID + VALIDATE, NOT NULL through a check,
/// in labelled phases; partitioned tables keep the plain forms.
#[test]
fn online_plans_take_the_forms_that_hold_no_long_lock() {
    let options = PlanOptions {
        online: true,
        ..Default::default()
    };
    let from = "CREATE TABLE o (id int PRIMARY KEY);
        CREATE TABLE t (id int PRIMARY KEY, a int, o int);
        CREATE TABLE p (id int, b int) PARTITION BY RANGE (id);";
    let to = "CREATE TABLE o (id int PRIMARY KEY);
        CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL UNIQUE CHECK (a > 0), o int REFERENCES o);
        CREATE INDEX t_o ON t (o);
        CREATE TABLE p (id int, b int) PARTITION BY RANGE (id);
        CREATE INDEX p_b ON p (b);
        CREATE MATERIALIZED VIEW mv AS SELECT id, a FROM t;
        CREATE UNIQUE INDEX mv_id ON mv (id);";
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
    let sql = &m.sql;
    for want in [
        "SET lock_timeout = '5s';",
        "CREATE INDEX CONCURRENTLY t_o ON t (o);",
        "CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);",
        "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key;",
        "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;",
        "ALTER TABLE t VALIDATE CONSTRAINT t_a_check;",
        "ALTER TABLE t ADD CONSTRAINT t_o_fkey FOREIGN KEY (o) REFERENCES o (id) NOT VALID;",
        "ALTER TABLE t ADD CONSTRAINT t_a_not_null_check CHECK (a IS NOT NULL) NOT VALID;",
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
        "ALTER TABLE t DROP CONSTRAINT t_a_not_null_check;",
        "CREATE INDEX p_b ON p (b);",
        "CREATE UNIQUE INDEX CONCURRENTLY mv_id ON mv (id);",
        "phase 1 of",
        "not transactional (CONCURRENTLY cannot run in a transaction block)",
    ] {
        assert!(sql.contains(want), "{want} missing from:\n{sql}");
    }
    // A validation comes after what it validates, SET NOT NULL after its check's.
    let at = |s: &str| sql.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("VALIDATE CONSTRAINT t_a_not_null_check") < at("SET NOT NULL"));
    assert!(at("CHECK (a > 0) NOT VALID") < at("VALIDATE CONSTRAINT t_a_check"));
    assert!(at("CREATE MATERIALIZED VIEW mv") < at("INDEX CONCURRENTLY mv_id"));
    // No CONCURRENTLY inside a transaction block.
    let mut in_tx = false;
    for line in sql.lines() {
        match line {
            "BEGIN;" => in_tx = true,
            "COMMIT;" => in_tx = false,
            l if l.contains("CONCURRENTLY") => assert!(!in_tx, "{l} in a transaction"),
            _ => {}
        }
    }
    // The default plan has none of it.
    let plain = migrate(
        from,
        Some(Format::Sql),
        to,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert!(!plain.sql.contains("CONCURRENTLY") && !plain.sql.contains("NOT VALID"));
    assert!(!plain.sql.contains("BEGIN;"));
}

/// Online mode: a column whose default is evaluated for each row is added bare, its
/// default set for new rows, the existing rows filled in a phase of their own, then NOT
/// NULL through a validated check; a step with no online form says so; a default
/// PostgreSQL stores once stays one statement.
#[test]
fn online_a_per_row_default_is_backfilled_and_long_locks_are_named() {
    let options = PlanOptions {
        online: true,
        pg_version: Some(15),
        ..Default::default()
    };
    // An expression on `n` is indexed on both sides: its type change keeps the plain form.
    let from = "CREATE TABLE t (id int PRIMARY KEY, n int); CREATE INDEX t_n ON t ((n + 1));";
    let to = "CREATE TABLE t (id int PRIMARY KEY, n bigint,
            token uuid NOT NULL DEFAULT gen_random_uuid(),
            seen timestamptz DEFAULT now()); CREATE INDEX t_n ON t ((n + 1));";
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
    let body: String = m
        .sql
        .lines()
        .filter(|l| !l.starts_with("-- ") || l.starts_with("-- no online form"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        body,
        "SET lock_timeout = '5s';
SET statement_timeout = '1min';
BEGIN;
ALTER TABLE t ADD COLUMN token uuid;
ALTER TABLE t ALTER COLUMN token SET DEFAULT gen_random_uuid();
COMMIT;
SET statement_timeout = 0;
BEGIN;
UPDATE t SET token = DEFAULT WHERE token IS NULL;
COMMIT;
SET statement_timeout = '1min';
BEGIN;
ALTER TABLE t ADD CONSTRAINT t_token_not_null_check CHECK (token IS NOT NULL) NOT VALID;
COMMIT;
SET statement_timeout = 0;
BEGIN;
ALTER TABLE t VALIDATE CONSTRAINT t_token_not_null_check;
ALTER TABLE t ALTER COLUMN token SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT t_token_not_null_check;
COMMIT;
SET statement_timeout = '1min';
BEGIN;
ALTER TABLE t ADD COLUMN seen timestamp with time zone DEFAULT now();
-- no online form for this step: it rewrites the table under an ACCESS EXCLUSIVE lock (reads and writes wait)
ALTER TABLE t ALTER COLUMN n TYPE bigint;
COMMIT;
",
        "{}",
        m.sql
    );
    assert!(m.sql.contains("backfill in a transaction of its own"));
    let token = m
        .plan
        .steps
        .iter()
        .find(|s| s.reason.contains("token"))
        .expect("the token step");
    assert_eq!(
        token.hazards,
        vec![
            super::Hazard::AccessExclusiveLock,
            super::Hazard::FullTableScan
        ]
    );
    assert_eq!(token.long_lock(), None);
    // The default plan adds it in one statement, rewriting the table.
    let plain = migrate(
        from,
        Some(Format::Sql),
        to,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert!(plain
        .sql
        .contains("ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;"));
    assert!(!plain.sql.contains("no online form"));
    // Before PostgreSQL 11 a constant default is written into every row too.
    let v10 = PlanOptions {
        pg_version: Some(10),
        ..options.clone()
    };
    let to = "CREATE TABLE t (id int PRIMARY KEY, n int, flag boolean DEFAULT false);";
    let old = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &v10);
    assert!(
        old.sql.contains("ALTER TABLE t ADD COLUMN flag boolean;\nALTER TABLE t ALTER COLUMN flag SET DEFAULT false;")
            && old.sql.contains("UPDATE t SET flag = DEFAULT WHERE flag IS NULL;"),
        "{}",
        old.sql
    );
    let new = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
    assert!(new
        .sql
        .contains("ALTER TABLE t ADD COLUMN flag boolean DEFAULT false;"));
    assert!(!new.sql.contains("UPDATE"));
    // An identity column: filled from a sequence of its own with the identity's options,
    // NOT NULL validated, and only then the identity, going on from that sequence.
    let to = "CREATE TABLE t (id int PRIMARY KEY, n int,
            k bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5));";
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
    let order = [
        "CREATE SEQUENCE t_k_fill_seq AS bigint START WITH 10 INCREMENT BY 5;",
        "ALTER TABLE t ADD COLUMN k bigint;",
        "ALTER TABLE t ALTER COLUMN k SET DEFAULT nextval('t_k_fill_seq'::regclass);",
        "UPDATE t SET k = DEFAULT WHERE k IS NULL;",
        "ALTER TABLE t VALIDATE CONSTRAINT t_k_not_null_check;",
        "ALTER TABLE t ALTER COLUMN k SET NOT NULL;",
        "ALTER TABLE t ALTER COLUMN k DROP DEFAULT;",
        "ALTER TABLE t ALTER COLUMN k ADD GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5);",
        "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('t', 'k'), s.last_value, s.is_called) FROM t_k_fill_seq AS s;",
        "DROP SEQUENCE t_k_fill_seq;",
    ];
    in_order(&m.sql, &order);
    assert!(!m.sql.contains("no online form"), "{}", m.sql);
}

/// Where each of `statements` is in `sql`, failing when one is missing or out of order.
fn in_order(sql: &str, statements: &[&str]) -> Vec<usize> {
    let at: Vec<usize> = statements
        .iter()
        .map(|s| {
            sql.find(s)
                .unwrap_or_else(|| panic!("{s} missing from\n{sql}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{sql}");
    at
}

/// Online mode: a type change that rewrites the table goes through a second column (a
/// trigger keeps it in step, a backfill fills it, NOT NULL comes through a validated
/// check, one transaction swaps it in with the default and comment); the column's own
/// default steps say the swap sees to them; a serial column's sequence passes to the new
/// column; an index on it is built again. Names are quoted and the function's dollar-quote
/// is one no name holds; a name the table has already is not taken. The plain form stays
/// where something else names the column, before PostgreSQL 12, and for a change
/// PostgreSQL makes in the catalog.
#[test]
fn online_a_rewriting_type_change_goes_through_a_second_column() {
    let options = PlanOptions {
        online: true,
        pg_version: Some(15),
        allow_destructive: true,
        ..Default::default()
    };
    let from = r#"CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 1, "n_new" text,
        "odd$sync$" int, v varchar(10), w varchar(10), x int, y int CHECK (y > 0), s serial,
        z int);
        COMMENT ON COLUMN t.n IS 'count';
        CREATE INDEX t_x ON t (x) INCLUDE (v); COMMENT ON INDEX t_x IS 'by x';
        CREATE INDEX t_z ON t ((z + 1));"#;
    let to = r#"CREATE TABLE t (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 1, "n_new" text,
        "odd$sync$" bigint, v varchar(20), w bigint, x bigint, y bigint CHECK (y > 0),
        s bigserial, z bigint);
        COMMENT ON COLUMN t.n IS 'count';
        CREATE INDEX t_x ON t (x) INCLUDE (v); COMMENT ON INDEX t_x IS 'by x';
        CREATE INDEX t_z ON t ((z + 1));"#;
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
    let order = [
        "ALTER TABLE t ADD COLUMN n_new2 bigint;",
        "CREATE FUNCTION t_n_retype() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $sync$BEGIN NEW.n_new2 := NEW.n; RETURN NEW; END;$sync$;",
        "CREATE TRIGGER t_n_retype BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t_n_retype();",
        "UPDATE t SET n_new2 = n WHERE n_new2 IS NULL AND n IS NOT NULL;",
        "ADD CONSTRAINT t_n_new2_not_null_check CHECK (n_new2 IS NOT NULL) NOT VALID;",
        "ALTER TABLE t VALIDATE CONSTRAINT t_n_new2_not_null_check;",
        "ALTER TABLE t ALTER COLUMN n_new2 SET NOT NULL;",
        "DROP TRIGGER t_n_retype ON t;",
        "DROP FUNCTION t_n_retype();",
        "ALTER TABLE t DROP COLUMN n;",
        "ALTER TABLE t RENAME COLUMN n_new2 TO n;",
        "ALTER TABLE t ALTER COLUMN n SET DEFAULT 1;",
        "COMMENT ON COLUMN t.n IS 'count';",
    ];
    in_order(&m.sql, &order);
    // A name holding `$sync$`: another tag.
    assert!(
        m.sql.contains(
            "AS $sync1$BEGIN NEW.odd$sync$_new := NEW.odd$sync$; RETURN NEW; END;$sync1$;"
        ),
        "{}",
        m.sql
    );
    // A serial column hands its sequence to the new column, whose default it becomes.
    let serial = [
        "ALTER TABLE t ADD COLUMN s_new bigint;",
        "ALTER SEQUENCE t_s_seq OWNED BY t.s_new;",
        "ALTER TABLE t DROP COLUMN s;",
        "ALTER TABLE t RENAME COLUMN s_new TO s;",
        "ALTER TABLE t ALTER COLUMN s SET DEFAULT nextval('t_s_seq'::regclass);",
        "ALTER SEQUENCE t_s_seq AS bigint;",
    ];
    in_order(&m.sql, &serial);
    // Through the USING cast the plain form would take.
    assert!(
        m.sql.contains("UPDATE t SET w_new = w::bigint"),
        "{}",
        m.sql
    );
    // The old default stays until the swap, and is not set twice.
    assert!(!m.sql.contains("DROP DEFAULT"), "{}", m.sql);
    assert_eq!(m.sql.matches("SET DEFAULT 1;").count(), 1, "{}", m.sql);
    let step = |what: &str| {
        m.plan
            .steps
            .iter()
            .find(|s| s.reason.starts_with(what))
            .unwrap_or_else(|| panic!("{what}"))
    };
    let n = step("t.n: type");
    assert_eq!(
        n.hazards,
        vec![
            super::Hazard::AccessExclusiveLock,
            super::Hazard::FullTableScan
        ]
    );
    assert_eq!(n.long_lock(), None);
    assert!(n.reason.contains("comes last in the table"));
    assert!(step("t.n: default").hazards.is_empty());
    // In place: a catalog-only change, and columns a check or an index's expression names.
    assert!(m
        .sql
        .contains("ALTER TABLE t ALTER COLUMN v TYPE character varying(20);"));
    for c in ["y", "z"] {
        assert!(
            m.sql
                .contains(&format!("ALTER TABLE t ALTER COLUMN {c} TYPE bigint;")),
            "{}",
            m.sql
        );
        assert!(step(&format!("t.{c}: type")).long_lock().is_some());
    }
    // An index on the column: built again on the new one, concurrently, outside any
    // transaction, then named as the old one (which went with the old column).
    let indexed = [
        "UPDATE t SET x_new = x WHERE x_new IS NULL AND x IS NOT NULL;",
        "CREATE INDEX CONCURRENTLY t_x_new ON t (x_new) INCLUDE (v);",
        "ALTER TABLE t RENAME COLUMN x_new TO x;",
        "ALTER INDEX t_x_new RENAME TO t_x;",
        "COMMENT ON INDEX t_x IS 'by x';",
    ];
    let at = in_order(&m.sql, &indexed);
    let phase = m.sql[..at[1]]
        .lines()
        .rev()
        .find(|l| l.starts_with("-- phase"))
        .unwrap_or_default();
    assert!(phase.contains("not transactional"), "{phase}");
    assert_eq!(
        step("t.x: type").hazards,
        vec![
            super::Hazard::AccessExclusiveLock,
            super::Hazard::FullTableScan,
            super::Hazard::IndexBuild,
            super::Hazard::NotTransactional
        ]
    );
    // Before PostgreSQL 12, and in the default plan: in place.
    for opts in [
        PlanOptions {
            pg_version: Some(11),
            ..options.clone()
        },
        PlanOptions {
            allow_destructive: true,
            ..PlanOptions::default()
        },
    ] {
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &opts);
        assert!(m.sql.contains("ALTER TABLE t ALTER COLUMN n TYPE bigint;"));
        assert!(!m.sql.contains("retype"), "{}", m.sql);
    }
}

/// Online mode: keys and foreign keys on a column whose type changes go through the
/// swap, except a foreign key of a table on itself and a constraint with a comment (the
/// plain form, named as such); a key renamed on the way keeps the plain form too.
#[test]
fn online_keys_go_through_the_swap_unless_they_cannot() {
    let options = PlanOptions {
        online: true,
        pg_version: Some(15),
        ..Default::default()
    };
    let swapped = |from: &str, to: &str| {
        let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
        let step = m
            .plan
            .steps
            .iter()
            .find(|s| s.id == "alter-column-type")
            .unwrap_or_else(|| panic!("{}", m.sql))
            .clone();
        (step.online.is_some(), step.long_lock().is_some(), m.sql)
    };
    let (on, _, sql) = swapped(
        "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (a_id int REFERENCES a);",
        "CREATE TABLE a (id bigint PRIMARY KEY); CREATE TABLE b (a_id int REFERENCES a);",
    );
    assert!(on, "{sql}");
    assert!(sql.contains("ALTER TABLE b ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;"), "{sql}");
    for (from, to) in [
        (
            "CREATE TABLE a (id int PRIMARY KEY, up int REFERENCES a);",
            "CREATE TABLE a (id bigint PRIMARY KEY, up int REFERENCES a);",
        ),
        (
            "CREATE TABLE a (id int PRIMARY KEY); COMMENT ON CONSTRAINT a_pkey ON a IS 'k';",
            "CREATE TABLE a (id bigint PRIMARY KEY); COMMENT ON CONSTRAINT a_pkey ON a IS 'k';",
        ),
        (
            "CREATE TABLE a (id int CONSTRAINT k1 UNIQUE);",
            "CREATE TABLE a (id bigint CONSTRAINT k2 UNIQUE);",
        ),
    ] {
        let (on, long, sql) = swapped(from, to);
        assert!(!on && long, "{sql}");
    }
}

#[test]
fn a_default_is_volatile_when_a_call_in_it_may_be() {
    for (canon, volatile) in [
        ("5", false),
        ("'random()'", false),
        ("now()", false),
        ("(now() AT TIME ZONE 'utc')", false),
        ("CURRENT_TIMESTAMP", false),
        ("('a' || 'b')", false),
        ("'1.5'::numeric(10,2)", false),
        ("'x'::character varying(20)", false),
        ("lower('X')", false),
        ("pg_catalog.now()", false),
        ("coalesce(NULL, 1)", false),
        ("gen_random_uuid()", true),
        ("random()", true),
        ("clock_timestamp()", true),
        ("nextval('s'::regclass)", true),
        ("generate_item_id()", true),
        ("('acc_' || new_id())", true),
        ("md5((random())::text)", true),
        ("app.now()", true),
        ("Weird(2)", true),
    ] {
        assert_eq!(super::hazards::volatile_default(canon), volatile, "{canon}");
    }
}

#[test]
fn changes_reach_children_through_their_parent() {
    let from =
        "CREATE TABLE p (id serial PRIMARY KEY, a int CHECK (a > 0)) PARTITION BY RANGE (id);
        CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
        CREATE TABLE v (id serial PRIMARY KEY);
        CREATE TABLE c (x int) INHERITS (v);";
    let to = "CREATE TABLE p (id serial PRIMARY KEY, a int CHECK (a > 0), b text) PARTITION BY RANGE (id);
        CREATE INDEX p_b_idx ON p (b);
        CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
        CREATE TABLE v (id serial PRIMARY KEY, note text);
        CREATE TABLE c (x int) INHERITS (v);";
    let (_, a) = crate::parse(from, Some(Format::Sql));
    let t = &a.schema.tables[&crate::QualName::new("public", "c")];
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["id", "x"], "a child has its parent's columns first");
    let p1 = &a.schema.tables[&crate::QualName::new("public", "p1")];
    assert_eq!(
        p1.primary_key.as_ref().map(|k| k.name.as_str()),
        Some("p1_pkey")
    );
    assert_eq!(p1.checks.len(), 1);
    let m = migrate(
        from,
        Some(Format::Sql),
        to,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    let statements: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
    assert_eq!(
        statements,
        [
            "ALTER TABLE p ADD COLUMN b text;",
            "ALTER TABLE v ADD COLUMN note text;",
            "CREATE INDEX p_b_idx ON p (b);",
        ],
        "{}",
        m.sql
    );
}

#[test]
fn only_schemas_the_desired_side_does_not_use_are_dropped() {
    let from = "CREATE SCHEMA x; CREATE SCHEMA y; CREATE TABLE y.t (a int);";
    let to = "CREATE TABLE y.t (a int);";
    let allowed = PlanOptions {
        allow_destructive: true,
        ..Default::default()
    };
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &allowed);
    let statements: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
    assert_eq!(statements, ["DROP SCHEMA x;"]);
    let m = migrate(
        from,
        Some(Format::Sql),
        to,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert!(m.plan.steps.is_empty() && m.plan.skipped.len() == 1);
}

#[test]
fn a_table_kept_from_dropping_keeps_its_foreign_keys() {
    let from = "CREATE TABLE u (id int PRIMARY KEY); CREATE TABLE o (id int, u int REFERENCES u);";
    let to = "CREATE TABLE u (id int PRIMARY KEY);";
    let m = migrate(
        from,
        Some(Format::Sql),
        to,
        Some(Format::Sql),
        &PlanOptions::default(),
    );
    assert!(m.plan.steps.is_empty(), "{}", m.sql);
    assert_eq!(m.plan.skipped.len(), 1);
    let allowed = PlanOptions {
        allow_destructive: true,
        ..Default::default()
    };
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &allowed);
    assert!(m.sql.contains("DROP CONSTRAINT o_u_fkey") && m.sql.contains("DROP TABLE o"));
}

#[test]
fn a_default_taken_off_for_a_type_change_says_so() {
    let from = "CREATE TABLE u (role varchar(50) NOT NULL DEFAULT 'a', n int DEFAULT 1);";
    let to = "CREATE TYPE r AS ENUM ('a', 'b');
        CREATE TABLE u (role r NOT NULL DEFAULT 'a', n int DEFAULT 2);";
    let allowed = PlanOptions {
        allow_destructive: true,
        ..Default::default()
    };
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &allowed);
    let reasons: Vec<(&str, &str)> = m
        .plan
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("create-enum", "type r: enum (a, b) wanted, missing"),
            (
                "drop-default",
                "u.role: default 'a' comes off for the type change (it may not convert)"
            ),
            (
                "alter-column-type",
                "u.role: type r wanted, current character varying(50)"
            ),
            (
                "set-default",
                "u.role: default 'a' wanted, set after the type change"
            ),
            ("set-default", "u.n: default 2 wanted, current 1"),
        ],
        "{}",
        m.sql
    );
}

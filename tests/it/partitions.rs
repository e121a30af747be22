//! Partitioned tables as real dumps hold them: indexes created `ON ONLY` the parent
//! with the partitions' own indexes attached (`ALTER INDEX … ATTACH PARTITION`), keys likewise,
//! and partitions in another schema than their parent. Read from DDL, from `pg_dump` and from
//! the live catalog alike; created from nothing and dropped again in one transaction each.
//! Also what such dumps say of triggers: their firing states; and a sequence that a parent and
//! its children all draw from, owned by one child.

use std::process::Output;

use schemafix_tests::{normalize_dump, Pg};

const DDL: &str = "\
CREATE SCHEMA p2024;
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text, n int) PARTITION BY RANGE (at);
CREATE TABLE p2024.events_2024 (id bigint NOT NULL, at date NOT NULL, kind text, n int);
ALTER TABLE ONLY public.events ATTACH PARTITION p2024.events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE ONLY public.events ADD CONSTRAINT events_pkey PRIMARY KEY (id, at);
ALTER TABLE ONLY p2024.events_2024 ADD CONSTRAINT events_2024_pkey PRIMARY KEY (id, at);
ALTER INDEX public.events_pkey ATTACH PARTITION p2024.events_2024_pkey;
CREATE INDEX events_kind_idx ON ONLY public.events USING btree (kind);
CREATE INDEX a_name_of_its_own ON p2024.events_2024 USING btree (kind);
ALTER INDEX public.events_kind_idx ATTACH PARTITION p2024.a_name_of_its_own;
CREATE INDEX events_2025_kind_idx ON public.events_2025 USING btree (kind);
ALTER INDEX public.events_kind_idx ATTACH PARTITION public.events_2025_kind_idx;
CREATE UNIQUE INDEX events_n_key ON public.events (n, at);
";

fn run(args: &[&str]) -> Output {
    crate::run_schemafix(args)
}

/// `schemafix check` finds nothing to change between each pair.
fn nothing_to_change(pairs: &[(&str, &str)]) {
    for (a, b) in pairs {
        crate::assert_succeeds(&["check", a, b]);
    }
}

#[test]
fn on_only_indexes_attached_partitions_and_partitions_in_other_schemas() {
    let pg = Pg::get().expect("PostgreSQL");
    let dir = crate::Scratch::new("partitions");
    let written = dir.file("written.sql", DDL);
    let loaded = pg.create_db().unwrap();
    loaded.exec(DDL).unwrap();
    let dumped = dir.file("dumped.sql", loaded.dump().unwrap());
    let (written, dumped) = (written.as_str(), dumped.as_str());
    let url = loaded.url();
    // Written, dumped and live, each against the others: nothing to change.
    nothing_to_change(&[
        (written, dumped),
        (dumped, dumped),
        (url.as_str(), written),
        (url.as_str(), dumped),
    ]);
    // From nothing to the dump (the partition in p2024 after its parent in public), and back.
    let fresh = pg.create_db().unwrap();
    crate::assert_succeeds(&["apply", "--db", &fresh.url(), dumped, "--yes"]);
    crate::assert_succeeds(&["check", &fresh.url(), dumped]);
    let empty = dir.file("empty.sql", "-- nothing\n");
    crate::assert_succeeds(&[
        "apply",
        "--db",
        &fresh.url(),
        &empty,
        "--yes",
        "--allow-destructive",
        "--allow-empty",
    ]);
    let blank = pg.create_db().unwrap();
    assert_eq!(
        normalize_dump(&fresh.dump().unwrap()),
        normalize_dump(&blank.dump().unwrap())
    );
}

/// A journal table and its INHERITS children draw ids from one sequence, which pg_dump shows
/// owned by one child (as partman-style journals have it): it is a sequence of its own, not that
/// child's serial, read alike from DDL, from pg_dump and from the live catalog.
#[test]
fn a_sequence_shared_by_a_parent_and_its_children_is_not_a_serial() {
    const SHARED: &str = "\
CREATE SEQUENCE journal_id_seq;
CREATE TABLE journal (id bigint DEFAULT nextval('journal_id_seq') NOT NULL, at date NOT NULL);
CREATE TABLE journal_2025 () INHERITS (journal);
CREATE TABLE journal_default () INHERITS (journal);
ALTER SEQUENCE journal_id_seq OWNED BY journal_default.id;
";
    let pg = Pg::get().expect("PostgreSQL");
    let dir = crate::Scratch::new("shared-seq");
    let loaded = pg.create_db().unwrap();
    loaded.exec(SHARED).unwrap();
    let written = dir.file("written.sql", SHARED);
    let dumped = dir.file("dumped.sql", loaded.dump().unwrap());
    let url = loaded.url();
    nothing_to_change(&[
        (url.as_str(), &written),
        (url.as_str(), &dumped),
        (&written, &dumped),
    ]);
    let (_, parsed) = schemafix_core::parse(SHARED, Some(schemafix_core::Format::Sql));
    let seq = parsed
        .schema
        .sequences
        .values()
        .next()
        .expect("the sequence is kept");
    assert_eq!(
        seq.owned_by
            .as_ref()
            .map(|(t, c)| (t.name.as_str(), c.as_str())),
        Some(("journal_default", "id"))
    );
}

/// `\d+` of a partition whose parent has a foreign key: psql 15 prints the key as the parent's
/// (`TABLE "parent" CONSTRAINT …`); it is read as the parent's, and the paste equals the
/// database.
#[test]
fn a_partition_paste_shows_its_parents_foreign_key_as_the_parents() {
    let pg = Pg::get().expect("PostgreSQL");
    let db = pg.create_db().unwrap();
    db.exec(
        "CREATE TABLE acct (id int PRIMARY KEY);\n\
         CREATE TABLE ev (id int, at date, acct_id int REFERENCES acct (id), PRIMARY KEY (id, at)) \
         PARTITION BY RANGE (at);\n\
         CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    )
    .unwrap();
    let paste = db.describe("\\d+ ev_2024", &[]).unwrap();
    assert!(paste.contains("TABLE \"ev\" CONSTRAINT"), "{paste}");
    let dir = crate::Scratch::new("partfk");
    let file = dir.file("ev_2024.d.txt", &paste);
    crate::assert_succeeds(&["check", &db.url(), &file]);
}

/// Triggers disabled or set to fire always or on replicas only, as `pg_dump` writes them
/// (`ALTER TABLE … DISABLE TRIGGER …` after the trigger): read alike from the file, its dump
/// and the live catalog, and applied to a database whose triggers fire by default.
#[test]
fn trigger_firing_states_are_compared_and_applied() {
    const TRIGGERS: &str = "\
CREATE TABLE tt (id int, v text);
CREATE FUNCTION tt_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER tt_a BEFORE INSERT ON tt FOR EACH ROW EXECUTE FUNCTION tt_f();
CREATE TRIGGER tt_b BEFORE UPDATE ON tt FOR EACH ROW EXECUTE FUNCTION tt_f();
CREATE TRIGGER tt_c BEFORE DELETE ON tt FOR EACH ROW EXECUTE FUNCTION tt_f();
";
    const FIRING: &str = "\
ALTER TABLE tt DISABLE TRIGGER tt_a;
ALTER TABLE tt ENABLE ALWAYS TRIGGER tt_b;
ALTER TABLE tt ENABLE REPLICA TRIGGER tt_c;
";
    let pg = Pg::get().expect("PostgreSQL");
    let dir = crate::Scratch::new("triggers");
    let plain = dir.file("plain.sql", TRIGGERS);
    let wanted = dir.file("wanted.sql", format!("{TRIGGERS}{FIRING}"));
    let db = pg.create_db().unwrap();
    db.exec(TRIGGERS).unwrap();
    // The live catalog sees the states it lacks, and the plan sets them.
    let out = run(&["check", &db.url(), &wanted]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    crate::assert_succeeds(&["apply", "--db", &db.url(), &wanted, "--yes"]);
    let states = db
        .query("SELECT string_agg(tgname || '=' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal")
        .unwrap();
    assert_eq!(states.trim(), "tt_a=D,tt_b=A,tt_c=R");
    // Now the file, the live database and its dump agree; the file without them does not.
    let dumped = dir.file("dumped.sql", db.dump().unwrap());
    for (a, b, code) in [
        (db.url(), wanted.clone(), 0),
        (dumped, wanted, 0),
        (db.url(), plain, 1),
    ] {
        let out = run(&["check", &a, &b]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{a} against {b}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

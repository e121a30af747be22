use crate::schema::QualName;

fn schema(sql: &str) -> crate::schema::Schema {
    let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    p.schema
}

/// What someone writes and what `pg_dump` prints for it (PostgreSQL 15's text).
#[test]
fn written_and_dumped_views_compare_equal() {
    let written = schema(
        "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
         CREATE VIEW v AS SELECT id, a, max(b) FROM t GROUP BY id;
         CREATE VIEW w AS SELECT *, 'x' AS x FROM v WHERE a LIKE 'a%';
         CREATE MATERIALIZED VIEW m (n) AS SELECT id FROM w;
         CREATE UNIQUE INDEX ON m (n);",
    );
    let dumped = schema(
        "SET search_path = '';
         CREATE TABLE public.t (id integer NOT NULL, a text, b integer);
         CREATE VIEW public.v AS\n SELECT t.id,\n    t.a,\n    max(t.b) AS max\n   FROM public.t\n  GROUP BY t.id;
         CREATE VIEW public.w AS\n SELECT v.id,\n    v.a,\n    v.max,\n    'x'::text AS x\n   FROM public.v\n  WHERE (v.a ~~ 'a%'::text);
         CREATE MATERIALIZED VIEW public.m AS\n SELECT w.id AS n\n   FROM public.w\n  WITH NO DATA;
         ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
         CREATE UNIQUE INDEX m_n_idx ON public.m USING btree (n);",
    );
    assert_eq!(written.views, dumped.views);
    let w = &written.views[&QualName::new("public", "w")];
    assert_eq!(w.columns, ["id", "a", "max", "x"]);
    assert_eq!(w.reads, [QualName::new("public", "v")]);
    let m = &written.views[&QualName::new("public", "m")];
    assert!(m.materialized);
    assert_eq!(m.indexes.len(), 1);
    // Subqueries, a recursive CTE, a derived table and a relation called `old` (PostgreSQL
    // 15's text): a relation named around a subquery is renamed inside it.
    let written2 = schema(
        "CREATE TABLE p2 (id integer, x integer); CREATE TABLE old (id integer);
         CREATE VIEW vx AS SELECT p.id, (SELECT max(x) FROM p2 WHERE p2.id = p.id) FROM p2 p
           WHERE EXISTS (SELECT 1 FROM p2 WHERE x > p.x) AND p.id NOT IN (SELECT id FROM p2 q)
           AND NOT EXISTS (SELECT 1 FROM old);
         CREATE VIEW vi AS SELECT * FROM p2 WHERE id IN (SELECT MAX(id) AS id FROM p2 GROUP BY x);
         CREATE VIEW vd AS SELECT * FROM p2, (SELECT id AS a FROM p2) s(b) WHERE p2.id = s.b;
         CREATE VIEW vo AS SELECT id FROM old;
         CREATE VIEW rv AS WITH RECURSIVE cte AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM cte WHERE n < 10) SELECT n FROM cte;",
    );
    let dumped2 = schema(
        "SET search_path = '';
         CREATE TABLE public.p2 (id integer, x integer); CREATE TABLE public.old (id integer);
         CREATE VIEW public.vx AS\n SELECT p.id,\n    ( SELECT max(p2.x) AS max\n           FROM public.p2\n          WHERE (p2.id = p.id)) AS max\n   FROM public.p2 p\n  WHERE ((EXISTS ( SELECT 1\n           FROM public.p2\n          WHERE (p2.x > p.x))) AND (NOT (p.id IN ( SELECT q.id\n           FROM public.p2 q))) AND (NOT (EXISTS ( SELECT 1\n           FROM public.old old_1))));
         CREATE VIEW public.vi AS\n SELECT p2.id,\n    p2.x\n   FROM public.p2\n  WHERE (p2.id IN ( SELECT max(p2_1.id) AS id\n           FROM public.p2 p2_1\n          GROUP BY p2_1.x));
         CREATE VIEW public.vd AS\n SELECT p2.id,\n    p2.x,\n    s.b\n   FROM public.p2,\n    ( SELECT p2_1.id AS a\n           FROM public.p2 p2_1) s(b)\n  WHERE (p2.id = s.b);
         CREATE VIEW public.vo AS\n SELECT old_1.id\n   FROM public.old old_1;
         CREATE VIEW public.rv AS\n WITH RECURSIVE cte AS (\n         SELECT 1 AS n\n        UNION ALL\n         SELECT (cte_1.n + 1)\n           FROM cte cte_1\n          WHERE (cte_1.n < 10)\n        )\n SELECT cte.n\n   FROM cte;",
    );
    for (name, view) in &written2.views {
        assert_eq!(view.query.canon, dumped2.views[name].query.canon, "{name}");
        assert_eq!(view.columns, dumped2.views[name].columns, "{name}");
    }
    assert!(written2.views[&QualName::new("public", "vi")]
        .query
        .canon
        .contains("FROM p2 p2_1"));
    assert_eq!(
        written2.views[&QualName::new("public", "vx")].columns,
        ["id", "max"]
    );
    // Casts PostgreSQL writes into calls and operators for the argument types it resolved
    // (PostgreSQL 15's text).
    let written3 = schema(
        "CREATE TABLE tt (i integer, b bigint, s smallint, n numeric, f real, d date, ts timestamp, p jsonb);
         CREATE VIEW r3 AS SELECT round(i) a1, round(b, 2) a2, round(n) a3, round(f) a4,
           power(i, 2) a9, age(d) a14, to_char(d, 'YYYY') a15, to_char(i, '999') a16,
           date_trunc('day', ts) a17, to_timestamp(s) a19, i / 2.0 a26, b + i a29,
           date_trunc('day', d)::date a34, mod(b, 2) a41, mod(s, b) a42, now() - d a43,
           to_timestamp(jsonb_extract_path_text(p, 'created')::bigint) a44,
           to_char(CURRENT_DATE, 'YYYY') a45
         FROM tt;",
    );
    let dumped3 = schema(
        "CREATE TABLE tt (i integer, b bigint, s smallint, n numeric, f real, d date, ts timestamp, p jsonb);
         CREATE VIEW r3 AS SELECT round((tt.i)::double precision) AS a1,
           round((tt.b)::numeric, 2) AS a2, round(tt.n) AS a3, round((tt.f)::double precision) AS a4,
           power((tt.i)::double precision, (2)::double precision) AS a9,
           age((tt.d)::timestamp with time zone) AS a14,
           to_char((tt.d)::timestamp with time zone, 'YYYY'::text) AS a15, to_char(tt.i, '999'::text) AS a16,
           date_trunc('day'::text, tt.ts) AS a17, to_timestamp((tt.s)::double precision) AS a19,
           ((tt.i)::numeric / 2.0) AS a26, (tt.b + tt.i) AS a29,
           (date_trunc('day'::text, (tt.d)::timestamp with time zone))::date AS a34,
           mod(tt.b, (2)::bigint) AS a41, mod((tt.s)::bigint, tt.b) AS a42,
           (now() - (tt.d)::timestamp with time zone) AS a43,
           to_timestamp(((jsonb_extract_path_text(tt.p, VARIADIC ARRAY['created'::text]))::bigint)::double precision) AS a44,
           to_char((CURRENT_DATE)::timestamp with time zone, 'YYYY'::text) AS a45
         FROM tt;",
    );
    let r3 = QualName::new("public", "r3");
    assert_eq!(
        written3.views[&r3].query.canon,
        dumped3.views[&r3].query.canon
    );
    // Another definition is another view.
    let other = schema(
        "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
         CREATE VIEW v AS SELECT id, a, min(b) FROM t GROUP BY id;",
    );
    assert_ne!(
        other.views[&QualName::new("public", "v")],
        written.views[&QualName::new("public", "v")]
    );
}

/// Functions in `FROM` and calls of a schema's functions under its search path, as written
/// and as PostgreSQL 15's `pg_dump` prints them; a view replaced by one reading itself.
#[test]
fn functions_in_from_and_self_reading_views_compare_equal() {
    let written = schema(
        "CREATE SCHEMA test; SET search_path = test, pg_catalog;
         CREATE TABLE projects (id integer, name text);
         CREATE FUNCTION getp() RETURNS SETOF projects AS $$ select * from test.projects $$ LANGUAGE sql;
         CREATE FUNCTION two(a integer) RETURNS integer AS $$ select a * 2 $$ LANGUAGE sql;
         CREATE VIEW v1 AS SELECT two(id) FROM projects;
         CREATE VIEW v2 AS SELECT * FROM getp();
         CREATE VIEW v3 AS SELECT * FROM generate_series(1, 3);
         CREATE VIEW v4 AS SELECT g.* FROM getp() g;
         CREATE VIEW v5 AS SELECT * FROM getp() AS g(a, b);
         CREATE VIEW v6 AS TABLE projects;
         CREATE OR REPLACE VIEW v6 AS TABLE v6;",
    );
    let dumped = schema(
        "SET search_path = '';
         CREATE SCHEMA test;
         CREATE TABLE test.projects (id integer, name text);
         CREATE FUNCTION test.getp() RETURNS SETOF test.projects LANGUAGE sql AS $$ select * from test.projects $$;
         CREATE FUNCTION test.two(a integer) RETURNS integer LANGUAGE sql AS $$ select a * 2 $$;
         CREATE VIEW test.v1 AS\n SELECT test.two(projects.id) AS two\n   FROM test.projects;
         CREATE VIEW test.v2 AS\n SELECT getp.id,\n    getp.name\n   FROM test.getp() getp(id, name);
         CREATE VIEW test.v3 AS\n SELECT generate_series.generate_series\n   FROM generate_series(1, 3) generate_series(generate_series);
         CREATE VIEW test.v4 AS\n SELECT g.id,\n    g.name\n   FROM test.getp() g(id, name);
         CREATE VIEW test.v5 AS\n SELECT g.a,\n    g.b\n   FROM test.getp() g(a, b);
         CREATE VIEW test.v6 AS\n SELECT v6.id,\n    v6.name\n   FROM test.v6;",
    );
    for (name, view) in &written.views {
        assert_eq!(view.query.canon, dumped.views[name].query.canon, "{name}");
        assert_eq!(view.columns, dumped.views[name].columns, "{name}");
    }
    assert_eq!(
        written.views[&QualName::new("test", "v5")].columns,
        ["a", "b"]
    );
}

//! Generated dependency chains: each seed makes two schemas from the same set of linked objects
//! (tables, views of views, SQL and PL/pgSQL functions, checks, defaults and index expressions
//! calling them, policies, triggers, a function whose result type changes under a default, a
//! check, an index, a policy and a view, a column retyped under a policy, a unique key becoming
//! the primary key under a foreign key, a partitioned table in another schema with partitions in
//! `public`, inheritance, a function returning a table's rows or a view's, a generated column and
//! a trigger's `WHEN` reading a retyped column), each side choosing which links
//! exist and in which variant. The plan between them, both ways, must apply on PostgreSQL in one
//! transaction, give the other side's catalog, and plan nothing more.
//!
//! `SCHEMAFIX_DEPENDENCY_CASES` sets how many seeds run (default 120; `cargo xtask
//! dependencies` runs 1,000); `SCHEMAFIX_DEPENDENCY_SEED` runs one seed alone, printing both
//! sides. A failing seed becomes a plan fixture (`tests/fixtures/plan/`).

use anyhow::{bail, Context, Result};
use schemafix_core::{migrate, Format, PlanOptions};
use schemafix_tests::{dump_difference, normalize_dump, Pg, Rng};

/// Which links one side has, and their variants. A link exists only with what it uses.
#[derive(Debug)]
struct Side {
    /// `base.val`'s type: 0 `integer`, 1 `bigint`.
    val_type: u64,
    /// `is_positive(integer)`, SQL (body variant).
    positive: Option<u64>,
    /// `base_count()`, SQL, reads `base`.
    count: Option<u64>,
    /// `next_code()`, PL/pgSQL.
    code: Option<u64>,
    /// `touch()`, the trigger function.
    touch: Option<u64>,
    /// `all_base()`, SQL, `RETURNS SETOF base`.
    rows: bool,
    /// `items` (its check, default, expression index follow the functions).
    items: Option<u64>,
    /// A view of `base`, and a view of that view.
    v1: Option<u64>,
    v2: Option<u64>,
    /// A view calling `base_count()`.
    v3: bool,
    /// A policy on `items` calling `is_positive`.
    policy: Option<u64>,
    /// A trigger on `items`.
    trigger: bool,
    /// `weight(integer)`, SQL, returning `integer` or `bigint` (bit 0), its parameter named `x`
    /// or `grams` (bit 1): a change of either drops and creates it again, with everything
    /// calling it.
    weight: Option<u64>,
    /// What of `items` calls `weight`: a default, a check, an index, a policy (bits).
    weight_users: u64,
    /// A view calling `weight`.
    v4: bool,
    /// `items.label`'s type (0 `text`, 1 `varchar(40)`), read by a policy when `label_policy`.
    label_type: u64,
    label_policy: bool,
    /// `items.label_len`, generated from `label` (an index on it when 1).
    label_len: Option<u64>,
    /// A trigger on `items` whose `WHEN` and `UPDATE OF` name `label`.
    label_trigger: bool,
    /// `all_v1()`, SQL, `RETURNS SETOF v1`.
    v1_rows: bool,
    /// `tags.name` is 0 unique, 1 the primary key; `item_tags` references it.
    tags: Option<u64>,
    /// `part.events` partitioned, with this many partitions in `public`.
    partitions: Option<u64>,
    /// `animals` with a child `cats` (INHERITS); the child's extra column variant.
    inherit: Option<u64>,
}

impl Side {
    fn random(rng: &mut Rng) -> Side {
        let positive = rng.maybe(60, 2);
        let count = rng.maybe(50, 2);
        let code = rng.maybe(50, 2);
        let touch = rng.maybe(50, 2);
        let rows = rng.chance(40);
        let items = rng.maybe(70, 3);
        let v1 = rng.maybe(60, 2);
        let v2 = v1.and(rng.maybe(60, 2));
        let v3 = count.is_some() && rng.chance(60);
        let policy = (items.is_some() && positive.is_some())
            .then(|| rng.maybe(60, 2))
            .flatten();
        let trigger = items.is_some() && touch.is_some() && rng.chance(60);
        let weight = rng.maybe(60, 4);
        let weight_users = if weight.is_some() && items.is_some() {
            rng.below(16)
        } else {
            0
        };
        let v4 = weight.is_some() && rng.chance(50);
        let label_len = items.and(rng.maybe(50, 2));
        let label_trigger = items.is_some() && touch.is_some() && rng.chance(50);
        let v1_rows = v1.is_some() && rng.chance(50);
        Side {
            label_len,
            label_trigger,
            v1_rows,
            weight,
            weight_users,
            v4,
            label_type: rng.below(2),
            label_policy: items.is_some() && rng.chance(50),
            tags: rng.maybe(60, 2),
            val_type: rng.below(2),
            positive,
            count,
            code,
            touch,
            rows,
            items,
            v1,
            v2,
            v3,
            policy,
            trigger,
            partitions: rng.maybe(50, 3).map(|n| n + 1),
            inherit: rng.maybe(50, 2),
        }
    }

    fn ddl(&self) -> String {
        let mut s = String::new();
        let val = ["integer", "bigint"][self.val_type as usize];
        s += &format!(
            "CREATE TABLE base (id integer PRIMARY KEY, val {val} NOT NULL, note text);\n"
        );
        if let Some(v) = self.positive {
            let op = [">", ">="][v as usize];
            s += &format!(
                "CREATE FUNCTION is_positive(x integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x {op} 0 $$;\n"
            );
        }
        if let Some(v) = self.count {
            let filter = ["", " WHERE val > 0"][v as usize];
            s += &format!(
                "CREATE FUNCTION base_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.base{filter} $$;\n"
            );
        }
        if let Some(v) = self.code {
            let prefix = ["A", "B"][v as usize];
            s += &format!(
                "CREATE FUNCTION next_code() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN '{prefix}' || floor(random() * 1000)::text; END $$;\n"
            );
        }
        if let Some(v) = self.touch {
            let what = ["now()", "clock_timestamp()"][v as usize];
            s += &format!(
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := {what}; RETURN NEW; END $$;\n"
            );
        }
        if self.rows {
            s += "CREATE FUNCTION all_base() RETURNS SETOF base LANGUAGE sql STABLE AS $$ SELECT * FROM public.base $$;\n";
        }
        if let Some(v) = self.weight {
            let ty = ["integer", "bigint"][(v & 1) as usize];
            let x = ["x", "grams"][(v >> 1) as usize];
            s += &format!(
                "CREATE FUNCTION weight({x} integer) RETURNS {ty} LANGUAGE sql IMMUTABLE AS $$ SELECT {x}::{ty} + 1 $$;\n"
            );
        }
        if let Some(v) = self.items {
            let mut cols = vec![
                "id integer PRIMARY KEY".to_string(),
                "qty integer NOT NULL".to_string(),
            ];
            if self.code.is_some() {
                cols.push("code text DEFAULT next_code()".into());
            } else {
                cols.push("code text".into());
            }
            cols.push("touched timestamp with time zone".into());
            cols.push(format!(
                "label {}",
                ["text", "varchar(40)"][self.label_type as usize]
            ));
            if self.label_len.is_some() {
                cols.push("label_len integer GENERATED ALWAYS AS (length(label)) STORED".into());
            }
            let w = self.weight_users;
            cols.push(if w & 1 != 0 {
                "grams integer DEFAULT weight(1)".into()
            } else {
                "grams integer".into()
            });
            if w & 2 != 0 {
                cols.push("CONSTRAINT items_weight CHECK (weight(qty) > 0)".into());
            }
            if v == 1 {
                cols.push("base_id integer REFERENCES base (id)".into());
            }
            if let (Some(_), true) = (self.positive, v != 2) {
                cols.push("CONSTRAINT items_qty_positive CHECK (is_positive(qty))".into());
            }
            s += &format!("CREATE TABLE items ({});\n", cols.join(", "));
            if self.positive.is_some() && v == 2 {
                s += "CREATE INDEX items_positive ON items (is_positive(qty));\n";
            }
            if self.weight_users & 4 != 0 {
                s += "CREATE INDEX items_weight_idx ON items (weight(grams));\n";
            }
            if self.label_len == Some(1) {
                s += "CREATE INDEX items_label_len ON items (label_len);\n";
            }
        }
        if let Some(v) = self.v1 {
            let cols = ["id, val", "id, val, note"][v as usize];
            s += &format!("CREATE VIEW v1 AS SELECT {cols} FROM base;\n");
        }
        if let Some(v) = self.v2 {
            let filter = ["val > 0", "val > 10"][v as usize];
            s += &format!("CREATE VIEW v2 AS SELECT id, val FROM v1 WHERE {filter};\n");
        }
        if self.v1_rows {
            s += "CREATE FUNCTION all_v1() RETURNS SETOF v1 LANGUAGE sql STABLE AS $$ SELECT * FROM v1 $$;\n";
        }
        if self.v3 {
            s += "CREATE VIEW v3 AS SELECT base_count() AS n;\n";
        }
        if self.v4 {
            s += "CREATE VIEW v4 AS SELECT id, weight(id) AS w FROM base;\n";
        }
        if self.items.is_some() && (self.weight_users & 8 != 0 || self.label_policy) {
            s += "ALTER TABLE items ENABLE ROW LEVEL SECURITY;\n";
            if self.weight_users & 8 != 0 {
                s += "CREATE POLICY items_heavy ON items USING (weight(grams) > 10);\n";
            }
            if self.label_policy {
                s += "CREATE POLICY items_labelled ON items USING (label <> '');\n";
            }
        }
        if let Some(v) = self.tags {
            let key = ["UNIQUE", "PRIMARY KEY"][v as usize];
            s += &format!("CREATE TABLE tags (id integer NOT NULL, name text NOT NULL, CONSTRAINT tags_name_key {key} (name));\n");
            s += "CREATE TABLE item_tags (item integer, tag text REFERENCES tags (name));\n";
        }
        if let Some(v) = self.policy {
            s += "ALTER TABLE items ENABLE ROW LEVEL SECURITY;\n";
            let using = ["is_positive(qty)", "is_positive(qty - 1)"][v as usize];
            s += &format!("CREATE POLICY items_visible ON items USING ({using});\n");
        }
        if self.trigger {
            s += "CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();\n";
        }
        if self.label_trigger {
            s += "CREATE TRIGGER items_relabel BEFORE UPDATE OF label ON items FOR EACH ROW WHEN (OLD.label IS DISTINCT FROM NEW.label) EXECUTE FUNCTION touch();\n";
        }
        if let Some(n) = self.partitions {
            s += "CREATE SCHEMA part;\n";
            s +=
                "CREATE TABLE part.events (at date NOT NULL, kind text) PARTITION BY RANGE (at);\n";
            for y in 0..n {
                s += &format!(
                    "CREATE TABLE events_{} PARTITION OF part.events FOR VALUES FROM ('{}-01-01') TO ('{}-01-01');\n",
                    2020 + y,
                    2020 + y,
                    2021 + y
                );
            }
        }
        if let Some(v) = self.inherit {
            s += "CREATE TABLE zoo_animals (id integer, name text CHECK (name <> ''));\n";
            let extra = ["lives integer", "lives integer, indoor boolean"][v as usize];
            s += &format!("CREATE TABLE cats ({extra}) INHERITS (zoo_animals);\n");
        }
        s
    }
}

fn case(seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let a = Side::random(&mut rng).ddl();
    let b = Side::random(&mut rng).ddl();
    (a, b)
}

/// One direction: the plan from `from` to `to` applies in one transaction, gives `to`'s
/// catalog, and planning again from the database finds nothing.
fn direction(pg: &'static Pg, from: &str, to: &str) -> Result<()> {
    let options = PlanOptions {
        allow_destructive: true,
        ..Default::default()
    };
    let m = migrate(from, Some(Format::Sql), to, Some(Format::Sql), &options);
    let want = {
        let db = pg.create_db()?;
        db.exec(to).context("loading to")?;
        normalize_dump(&db.dump()?)
    };
    let db = pg.create_db()?;
    db.exec(from).context("loading from")?;
    if !m.sql.trim().is_empty() {
        db.exec_tx(&m.sql)
            .with_context(|| format!("applying:\n{}", m.sql))?;
    }
    let dump = db.dump()?;
    let got = normalize_dump(&dump);
    if got != want {
        bail!("catalogs differ: {}", dump_difference(&got, &want));
    }
    crate::plans_nothing_more(&dump, to, &options)
}

fn run(pg: &'static Pg, seed: u64) -> Result<()> {
    let (a, b) = case(seed);
    direction(pg, &a, &b).context("forward")?;
    direction(pg, &b, &a).context("reverse")
}

#[test]
fn generated_dependency_chains_apply_both_ways() {
    let pg = Pg::get().expect("PostgreSQL");
    if let Ok(seed) = std::env::var("SCHEMAFIX_DEPENDENCY_SEED") {
        let seed: u64 = seed.parse().expect("a seed");
        let (a, b) = case(seed);
        println!("-- from\n{a}\n-- to\n{b}");
        run(pg, seed).unwrap();
        return;
    }
    let cases: u64 = std::env::var("SCHEMAFIX_DEPENDENCY_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(120);
    let seeds: Vec<u64> = (1..=cases).collect();
    let results = schemafix_tests::corpus::par_map(&seeds, 2, |&seed| (seed, run(pg, seed)));
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(seed, r)| r.as_ref().err().map(|e| format!("seed {seed}: {e:#}")))
        .collect();
    // Every kind of link came up on some side (the generator is not stuck on one shape).
    let sides: Vec<Side> = seeds
        .iter()
        .flat_map(|&s| {
            let mut rng = Rng::new(s);
            [Side::random(&mut rng), Side::random(&mut rng)]
        })
        .collect();
    assert!(sides
        .iter()
        .any(|s| s.policy.is_some() && s.trigger && s.v2.is_some()));
    assert!(sides
        .iter()
        .any(|s| s.v3 && s.rows && s.partitions == Some(3)));
    assert!(sides.iter().any(|s| s.weight_users == 15 && s.v4));
    assert!(sides.iter().any(|s| s.label_policy && s.tags == Some(1)));
    assert!(
        failed.is_empty(),
        "{} of {} seeds failed:\n{}",
        failed.len(),
        seeds.len(),
        failed.join("\n\n")
    );
}

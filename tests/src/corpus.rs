//! The convergence harness over `../shared/conformance/` (see its README): apply *current*,
//! apply our migration, compare catalogs with *desired* applied to a fresh database, re-diff must
//! be empty; both directions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use schemafix_core::{
    diff_scoped, parse_in, plan, quote_ident, render_sql, Format, Parsed, PlanOptions, QualName,
    Schema, Severity, CATALOG_QUERIES,
};

use crate::{normalize_dump, same_catalog, Pg};

/// Categories whose cases the core issue must converge.
pub const IN_SCOPE: &[&str] = &[
    "tables_columns_only",
    "index",
    "foreign_key",
    "check",
    "enum_type",
    "sequence_identity",
    "comment",
    "view",
    "function_trigger",
    "extension",
    "policy_rls",
    "partition",
    "domain",
    "privilege",
];

/// Categories about objects schemafix does not compare yet (privileges only without a list of
/// the roles whose privileges are compared).
const OUT_OF_SCOPE: &[&str] = &["privilege", "rename_annotation"];

/// Case flags that change what "converged" means (sqldef's safe modes, other dialects);
/// `managed_roles` is schemafix's `--privileges=ROLE,…`, and `enable_drop: false` (sqldef's
/// no-drop mode) is schemafix's default mode (see `Case::no_drop`).
const SPECIAL_FLAGS: &[&str] = &["manage", "offline", "flavor", "error", "config"];

/// Roles the corpora refer to (conformance README).
pub const ROLES: &[&str] = &[
    "readonly_user",
    "app_user",
    "admin_role",
    "user-with-dash",
    "user.with.dot",
    "user with spaces",
    "CamelCaseUser",
    "UPPERCASE_USER",
    "user1",
    "user2",
    "user3",
    "user4",
    "My User",
    "reader",
    "writer",
    "admin",
    "reader1",
    "reader2",
    "writer1",
    "writer2",
    "role1",
    "role2",
    "power_user",
    "user@domain.com",
    "schemainspect_test_role",
    "fordfrog",
    "dv",
    "anonymous",
    "webuser",
    "krioweb2",
    "asi",
    "intranet",
    "customer",
    "manager",
];

/// One diff case: two DDL texts.
#[derive(Debug, Clone)]
pub struct Case {
    /// `sqldef` or `migra`.
    pub corpus: &'static str,
    /// The case's name (sqldef: the YAML key; migra: the folder).
    pub name: String,
    /// Categories (sqldef's INDEX.tsv; migra: `migra`).
    pub categories: Vec<String>,
    /// The current state's DDL.
    pub current: String,
    /// The desired state's DDL.
    pub desired: String,
    /// Why the case is not counted, when it is not.
    pub excluded: Option<String>,
    /// SQL run before either side is loaded (roles, a dropped `public`): setup, not schema.
    pub prereq: String,
    /// Whose privileges are compared (`PlanOptions::privileges`): sqldef's `managed_roles`.
    pub privileges: Option<Vec<String>>,
    /// sqldef's no-drop mode (`enable_drop: false`): *forward* runs schemafix's default plan,
    /// destructive steps held back, and what is left between the result and *desired* must be
    /// exactly what the plan held back.
    pub no_drop: bool,
    /// The schema the case's SQL runs in (sqldef's `user` cases: a role whose search path is
    /// its own schema, `foo`), made by the prerequisites; schemafix's `--search-path`.
    pub search_path: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct SqldefCase {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    desired: Option<String>,
    #[serde(default)]
    managed_roles: Option<Vec<String>>,
    #[serde(default)]
    enable_drop: Option<bool>,
    #[serde(default)]
    config: BTreeMap<String, serde_yaml::Value>,
}

/// Does a case list the roles whose privileges it manages (`managed_roles`)?
fn manages_roles(flags: &[String]) -> bool {
    flags.iter().any(|f| f == "managed_roles")
}

fn read_tsv(path: &Path) -> Result<Vec<Vec<String>>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    Ok(text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect())
}

/// Every sqldef case with its classification.
pub fn sqldef_cases(shared: &Path) -> Result<Vec<Case>> {
    let dir = shared.join("conformance/sqldef");
    let mut status: BTreeMap<String, String> = BTreeMap::new();
    for row in read_tsv(&dir.join("APPLY_PG15.tsv"))? {
        if row.len() >= 3 {
            status.insert(row[1].clone(), row[2].clone());
        }
    }
    let mut files: BTreeMap<String, BTreeMap<String, SqldefCase>> = BTreeMap::new();
    let mut out = Vec::new();
    for row in read_tsv(&dir.join("INDEX.tsv"))? {
        if row.len() < 4 {
            continue;
        }
        let (file, name, kind) = (&row[0], &row[1], &row[2]);
        if !files.contains_key(file) {
            let text = std::fs::read_to_string(dir.join(file))?;
            let parsed: BTreeMap<String, SqldefCase> =
                serde_yaml::from_str(&text).with_context(|| file.clone())?;
            files.insert(file.clone(), parsed);
        }
        let Some(c) = files.get(file).and_then(|f| f.get(name)) else {
            continue;
        };
        let categories: Vec<String> = row[3]
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let flags: Vec<String> = row
            .get(4)
            .map(|f| {
                f.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        // sqldef's offline mode diffs two files, as schemafix does (Aurora DSQL's own dialect,
        // `CREATE INDEX ASYNC`, aside); its `create_index_concurrently` is schemafix's online
        // mode, which every case runs (the *online* column).
        let offline_ok = file != "tests_aurora_dsql.yml";
        let config_ok = c.config.keys().all(|k| k == "create_index_concurrently");
        let special: Vec<&str> = flags
            .iter()
            .map(String::as_str)
            .filter(|f| {
                let key = f.split('=').next().unwrap_or("");
                SPECIAL_FLAGS.contains(&key)
                    && *f != "enable_drop=true"
                    && !(key == "offline" && offline_ok)
                    && !(key == "config" && config_ok)
            })
            .collect();
        // Privileges are compared for the roles a case manages (none for an empty list).
        let privileges = c.managed_roles.clone().filter(|r| !r.is_empty());
        let out_cats: Vec<&str> = categories
            .iter()
            .map(String::as_str)
            .filter(|c| OUT_OF_SCOPE.contains(c))
            .filter(|c| !(*c == "privilege" && manages_roles(&flags)))
            .collect();
        let st = status.get(name).cloned().unwrap_or_default();
        // sqldef runs a `user` case as a role whose search path is its schema `foo`: here the
        // prerequisites make the schema and each side runs under `SET search_path = foo`.
        let as_user = flags.iter().any(|f| f == "user");
        let search_path = as_user.then(|| "foo".to_string());
        let excluded = if kind == "error" {
            Some("expects an error".to_string())
        } else if !special.is_empty() {
            Some(format!("special mode: {}", special.join(",")))
        } else if st != "OK"
            && !(as_user && st == "SKIP(user)")
            && !(offline_ok && st == "SKIP(offline)")
        {
            Some(format!("does not load on PostgreSQL 15 ({st})"))
        } else if !out_cats.is_empty() {
            Some(format!("out of scope: {}", out_cats.join(",")))
        } else if !categories.iter().any(|c| IN_SCOPE.contains(&c.as_str())) {
            Some("no in-scope category".to_string())
        } else {
            None
        };
        out.push(Case {
            corpus: "sqldef",
            name: name.clone(),
            categories,
            current: c.current.clone().unwrap_or_default(),
            desired: c.desired.clone().unwrap_or_default(),
            excluded,
            prereq: if as_user {
                "CREATE SCHEMA foo;".to_string()
            } else {
                String::new()
            },
            privileges,
            no_drop: c.enable_drop == Some(false),
            search_path,
        });
    }
    Ok(out)
}

/// Every migra fixture (a.sql → b.sql).
pub fn migra_cases(shared: &Path) -> Result<Vec<Case>> {
    let dir = shared.join("conformance/migra");
    let mut out = Vec::new();
    for row in read_tsv(&dir.join("INDEX.tsv"))? {
        let name = row[0].clone();
        let opts = row.get(1).cloned().unwrap_or_default();
        let a = std::fs::read_to_string(dir.join(&name).join("a.sql")).unwrap_or_default();
        let b = std::fs::read_to_string(dir.join(&name).join("b.sql")).unwrap_or_default();
        let excluded = if name == "generated_added" {
            Some("not run upstream; its expected output does not match its inputs".to_string())
        } else if opts.contains("--schema") || opts.contains("--exclude-schema") {
            Some("scoped run (--schema/--exclude-schema)".to_string())
        } else {
            None
        };
        out.push(Case {
            corpus: "migra",
            name,
            categories: vec!["migra".to_string()],
            current: a,
            desired: b,
            excluded,
            prereq: String::new(),
            privileges: None,
            no_drop: false,
            search_path: None,
        });
    }
    Ok(out)
}

/// Real dumps that need a newer server than the harness's PostgreSQL 15, and why (they run on
/// PostgreSQL 18 in the real-world test).
pub const NEWER_SERVER: &[(&str, &str)] = &[(
    "philomena",
    "PostgreSQL 17 or later (SET transaction_timeout)",
)];

/// The real projects' schema files (`realworld/pgdump/`): each drift pair old → new, and a file
/// without a pair against itself (its self-diff, introspection and `\d+` of every table).
pub fn realworld_cases(shared: &Path) -> Result<Vec<Case>> {
    let dir = shared.join("realworld/pgdump");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("new.sql").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let here = dir.join(&name);
        let read = |f: &str| std::fs::read_to_string(here.join(f));
        let desired = read("new.sql")?;
        let current = read("old.sql").unwrap_or_else(|_| desired.clone());
        let excluded = NEWER_SERVER
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, why)| format!("does not load on PostgreSQL 15: needs {why}"));
        out.push(Case {
            corpus: "realworld",
            name,
            categories: vec!["realworld".to_string()],
            current,
            desired,
            excluded,
            prereq: read("prereq.sql").unwrap_or_default(),
            privileges: None,
            no_drop: false,
            search_path: None,
        });
    }
    Ok(out)
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It held.
    Pass,
    /// It did not, and why.
    Fail(String),
    /// It cannot hold by design, and why (not counted).
    NotApplicable(String),
}

impl Outcome {
    fn of(r: Result<()>) -> Outcome {
        match r {
            Ok(()) => Outcome::Pass,
            Err(e) => Outcome::Fail(format!("{e:#}").replace('\n', " ")),
        }
    }

    /// True for a pass.
    pub fn passed(&self) -> bool {
        *self == Outcome::Pass
    }
}

/// The results of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// current → desired converges.
    pub forward: Outcome,
    /// desired → current converges.
    pub reverse: Outcome,
    /// diff(X, X) and diff(pg_dump(X), X) are empty for both sides.
    pub self_diff: Outcome,
    /// current → desired converges when the current side is given as the `\d+` output of
    /// every table either side has (psql mode).
    pub psql_forward: Outcome,
    /// introspect(load(X)) == parse(X) for both sides: the live catalog, read with core's
    /// catalog queries, normalizes to what the DDL parses to.
    pub introspect: Outcome,
    /// After *forward*, the down migration (the inverse of its steps) brings the catalog back
    /// to *current*.
    pub down: Outcome,
    /// *forward* in online mode, run as the script it is (phases outside a transaction
    /// where they say so) converges, and squawk finds nothing online mode should avoid.
    pub online: Outcome,
    /// squawk's lock and safety violations on the default-mode *forward* SQL are all
    /// hazards its steps list.
    pub squawk: Outcome,
    /// What squawk found on the online plan that online mode could not avoid (a requested
    /// change, a step with no online form), each accepted; listed in the report.
    pub online_unavoidable: Vec<crate::squawk::Unavoidable>,
}

impl CaseResult {
    /// Each check with its name, in report order.
    pub fn checks(&self) -> [(&'static str, &Outcome); 8] {
        [
            ("forward", &self.forward),
            ("reverse", &self.reverse),
            ("self-diff", &self.self_diff),
            ("psql-forward", &self.psql_forward),
            ("introspect", &self.introspect),
            ("down", &self.down),
            ("online", &self.online),
            ("squawk", &self.squawk),
        ]
    }
}

fn parse_side(text: &str, cmp: Cmp) -> Result<Schema> {
    parse_in_schema(text, Format::Sql, cmp.schema)
}

fn parse_as(text: &str, format: Format) -> Result<Schema> {
    parse_in_schema(text, format, "public")
}

fn parse_in_schema(text: &str, format: Format, schema: &str) -> Result<Schema> {
    if text.trim().is_empty() && schema == "public" {
        return Ok(Schema::default());
    }
    let (_, p): (Format, Parsed) = parse_in(text, Some(format), schema);
    if let Some(e) = p.diagnostics.iter().find(|d| d.severity == Severity::Error) {
        anyhow::bail!(
            "parse error at {}:{}: {}",
            e.span.line,
            e.span.column,
            e.message
        );
    }
    Ok(p.schema)
}

/// How a case compares: whose privileges (`Case::privileges`), and the schema its SQL's
/// unqualified names are in (`Case::search_path`).
#[derive(Clone, Copy)]
pub struct Cmp<'a> {
    roles: Option<&'a [String]>,
    schema: &'a str,
}

impl<'a> Cmp<'a> {
    /// How `case` compares.
    pub fn of(case: &'a Case) -> Self {
        Cmp {
            roles: case.privileges.as_deref(),
            schema: case.search_path.as_deref().unwrap_or("public"),
        }
    }
}

/// The plan from `from` to `to`, destructive steps allowed, comparing `roles`' privileges.
fn full_plan(from: &Schema, to: &Schema, cmp: Cmp) -> schemafix_core::Plan {
    plan(
        &diff_scoped(from, to, cmp.roles),
        &PlanOptions {
            allow_destructive: true,
            ..Default::default()
        },
    )
}

/// [`full_plan`] in online mode, for the test server's version.
fn online_plan(from: &Schema, to: &Schema, cmp: Cmp) -> schemafix_core::Plan {
    let mut d = diff_scoped(from, to, cmp.roles);
    schemafix_core::online_swaps(&mut d, from, to);
    plan(
        &d,
        &PlanOptions {
            allow_destructive: true,
            online: true,
            pg_version: crate::squawk::PG_VERSION.parse().ok(),
            ..Default::default()
        },
    )
}

/// squawk on the default-mode plan from `from` to `to`.
fn squawk_default(from: &str, to: &str, cmp: Cmp) -> Result<()> {
    let p = full_plan(&parse_side(from, cmp)?, &parse_side(to, cmp)?, cmp);
    crate::squawk::check(&p, &render_sql(&p)).map(|_| ())
}

/// `db` holds `from`: the online plan to `to`, run as a script (each phase its own
/// transaction or none), converges on `want`; squawk finds nothing online mode should avoid.
/// What it found that online mode could not avoid.
fn converge_online(
    db: &crate::Db,
    from: &str,
    to: &str,
    want: &[String],
    cmp: Cmp,
) -> Result<Vec<crate::squawk::Unavoidable>> {
    let p = online_plan(&parse_side(from, cmp)?, &parse_side(to, cmp)?, cmp);
    let sql = render_sql(&p);
    if !sql.trim().is_empty() {
        db.exec(&sql)
            .map_err(|e| anyhow::anyhow!("applying our online SQL failed: {e}"))?;
    }
    let got = catalog_of(db, cmp)?;
    same_catalog(&got, want)?;
    expect_no_changes(
        &db.dump_with_privileges()?,
        to,
        "re-diff after the online migration",
        cmp,
    )?;
    crate::squawk::check(&p, &sql)
}

/// The migration SQL from `from` to `to` (destructive steps allowed).
pub fn migration_sql(from: &str, to: &str, cmp: Cmp) -> Result<String> {
    Ok(render_sql(&full_plan(
        &parse_side(from, cmp)?,
        &parse_side(to, cmp)?,
        cmp,
    )))
}

/// Fails when diffing `from` against `to` finds anything to change.
pub fn expect_no_changes(from: &str, to: &str, what: &str, cmp: Cmp) -> Result<()> {
    expect_empty(
        &full_plan(&parse_side(from, cmp)?, &parse_side(to, cmp)?, cmp),
        what,
    )
}

/// What `db` holds as the harness compares it: its normalized `pg_dump` (without privileges),
/// then the privileges of the roles compared, one line each as core's catalog query reads them.
pub fn catalog_of(db: &crate::Db, cmp: Cmp) -> Result<Vec<String>> {
    let mut lines = normalize_dump(&db.dump()?);
    if let Some(roles) = cmp.roles {
        let query = CATALOG_QUERIES
            .iter()
            .find(|q| q.name == "privileges")
            .context("no privileges query")?;
        let quoted: Vec<String> = roles
            .iter()
            .map(|r| {
                if r == "PUBLIC" {
                    r.clone()
                } else {
                    quote_ident(r)
                }
            })
            .collect();
        for row in db.query(query.sql)?.lines() {
            let grantee = row.split('|').nth(3).unwrap_or_default();
            if !grantee.is_empty() && (roles.is_empty() || quoted.iter().any(|r| r == grantee)) {
                lines.push(format!("privilege {row}"));
            }
        }
    }
    Ok(lines)
}

/// Fails, naming the steps, when a plan has any.
fn expect_empty(p: &schemafix_core::Plan, what: &str) -> Result<()> {
    if !p.is_empty() {
        let steps: Vec<String> = p
            .steps
            .iter()
            .map(|s| format!("{}: {}", s.id, s.reason))
            .collect();
        anyhow::bail!("{what} is not empty: {}", steps.join("; "));
    }
    Ok(())
}

fn load(db: &crate::Db, case: &Case, sql: &str, side: &str) -> Result<()> {
    if !case.prereq.is_empty() {
        db.exec(&case.prereq)
            .with_context(|| format!("prerequisites of {side}"))?;
    }
    if !sql.trim().is_empty() {
        let sql = match &case.search_path {
            Some(schema) => format!("SET search_path = {};\n{sql}", quote_ident(schema)),
            None => sql.to_string(),
        };
        db.exec(&sql).with_context(|| format!("setup of {side}"))?;
    }
    Ok(())
}

/// `db` holds `to` after migrating from `from`: the down migration must restore `from`'s
/// catalog (`want`).
fn round_trip_down(
    db: &crate::Db,
    from: &str,
    to: &str,
    want: &[String],
    cmp: Cmp,
    allow_destructive: bool,
) -> Result<()> {
    let (mut from, mut to) = (parse_side(from, cmp)?, parse_side(to, cmp)?);
    schemafix_core::scope_privileges(&mut from, &mut to, cmp.roles);
    let up = plan(
        &diff_scoped(&from, &to, cmp.roles),
        &PlanOptions {
            allow_destructive,
            ..Default::default()
        },
    );
    let sql = render_sql(&schemafix_core::down_plan(&up, &from, &to));
    if !sql.trim().is_empty() {
        db.exec_tx(&sql)
            .map_err(|e| anyhow::anyhow!("applying the down SQL failed: {e}"))?;
    }
    let got = catalog_of(db, cmp)?;
    same_catalog(&got, want).context("after down")
}

/// The schema of `db` as the CLI reads it: core's catalog queries over a live connection.
pub fn introspect(db: &crate::Db) -> Result<Parsed> {
    let spec = schemafix_cli::connect::ConnSpec::resolve(Some(&db.url()), &|_| None)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let timeouts = schemafix_cli::db::Timeouts {
        lock: std::time::Duration::from_secs(60),
        statement: std::time::Duration::ZERO,
    };
    schemafix_cli::db::read_schema(&spec, &timeouts)
        .map(|(parsed, _)| parsed)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Fails, saying how, unless introspect(`db`) == parse(`ddl`).
pub fn catalog_matches(db: &crate::Db, ddl: &str, side: &str, cmp: Cmp) -> Result<()> {
    let live = introspect(db)?;
    if let Some(e) = live
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        anyhow::bail!("introspect({side}): {}", e.message);
    }
    let mut parsed = parse_side(ddl, cmp)?;
    // A grant to an object's owner is no grant: the catalog cannot show it.
    schemafix_core::forget_owner_grants(&mut parsed, &live.schema.owners);
    if live.schema == parsed {
        return Ok(());
    }
    let p = full_plan(
        &parsed,
        &live.schema,
        Cmp {
            roles: Some(&[]),
            ..cmp
        },
    );
    let steps: Vec<String> = p
        .steps
        .iter()
        .chain(&p.skipped)
        .map(|s| format!("{}: {}", s.id, s.reason))
        .collect();
    if !steps.is_empty() {
        anyhow::bail!("introspect({side}) != parse({side}): {}", steps.join("; "));
    }
    // Equal for the diff but not field by field: show the first field that differs (spans,
    // which say where a thing was read, never make two schemas differ).
    let json = |s: &Schema| {
        let mut v = serde_json::to_value(s).unwrap_or_default();
        drop_spans(&mut v);
        v
    };
    let (file, mut catalog) = (json(&parsed), json(&live.schema));
    // An extension's version the file does not give equals any (`Extension`'s equality).
    if let (Some(f), Some(c)) = (
        file.get("extensions").and_then(|e| e.as_object()),
        catalog
            .get_mut("extensions")
            .and_then(|e| e.as_object_mut()),
    ) {
        for (name, x) in f {
            if x.get("version").is_some_and(|v| v.is_null()) {
                if let Some(v) = c.get_mut(name).and_then(|e| e.get_mut("version")) {
                    *v = serde_json::Value::Null;
                }
            }
        }
    }
    let at = first_difference(&file, &catalog, "");
    anyhow::bail!("introspect({side}) != parse({side}) (no step; {at})")
}

/// Removes what never makes two schemas differ from a schema's JSON: every `span`, and an
/// expression's text as written beside its canonical form.
fn drop_spans(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("span");
            if m.contains_key("canon") {
                m.remove("sql");
            }
            m.values_mut().for_each(drop_spans);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_spans),
        _ => {}
    }
}

/// Where two JSON values first differ: the path, and both values there.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> String {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (p, q) = (x.get(k), y.get(k));
                if p != q {
                    let null = serde_json::Value::Null;
                    return first_difference(
                        p.unwrap_or(&null),
                        q.unwrap_or(&null),
                        &format!("{path}.{k}"),
                    );
                }
            }
            String::new()
        }
        (Array(x), Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find(|(_, (p, q))| p != q)
            .map(|(i, (p, q))| first_difference(p, q, &format!("{path}[{i}]")))
            .unwrap_or_default(),
        _ => {
            let short = |v: &serde_json::Value| v.to_string().chars().take(200).collect::<String>();
            format!("{path}: parse {} / introspect {}", short(a), short(b))
        }
    }
}

/// sqldef's no-drop mode: `db` (holding `from`) migrated by the default plan, destructive steps
/// held back; what is left from it to `to` must be exactly what that plan held back, and
/// `want` reached when it held nothing back.
fn converge_default(db: &crate::Db, from: &str, to: &str, want: &[String], cmp: Cmp) -> Result<()> {
    let p = plan(
        &diff_scoped(&parse_side(from, cmp)?, &parse_side(to, cmp)?, cmp.roles),
        &PlanOptions::default(),
    );
    let sql = render_sql(&p);
    if !sql.trim().is_empty() {
        db.exec_tx(&sql)
            .map_err(|e| anyhow::anyhow!("applying our default-mode SQL failed: {e}"))?;
    }
    let left = full_plan(
        &parse_side(&db.dump_with_privileges()?, cmp)?,
        &parse_side(to, cmp)?,
        cmp,
    );
    let held: Vec<&schemafix_core::Change> = p.skipped.iter().map(|s| &s.change).collect();
    let kinds = |steps: &[schemafix_core::Step]| {
        let mut k: Vec<String> = steps
            .iter()
            .map(|s| format!("{}: {}", s.id, s.reason))
            .collect();
        k.sort();
        k
    };
    if left.steps.iter().any(|s| !held.contains(&&s.change)) || left.steps.len() != held.len() {
        anyhow::bail!(
            "after the default plan, left {:?}; held back {:?}",
            kinds(&left.steps),
            kinds(&p.skipped)
        );
    }
    if held.is_empty() {
        same_catalog(&catalog_of(db, cmp)?, want)?;
    }
    Ok(())
}

/// One direction: migrate `db` (holding `from`) to `to`, whose reference dump is `want`.
fn converge(db: &crate::Db, from: &str, to: &str, want: &[String], cmp: Cmp) -> Result<()> {
    let sql = migration_sql(from, to, cmp)?;
    if !sql.trim().is_empty() {
        db.exec_tx(&sql)
            .map_err(|e| anyhow::anyhow!("applying our SQL failed: {e}"))?;
    }
    let got = catalog_of(db, cmp)?;
    same_catalog(&got, want)?;
    expect_no_changes(
        &db.dump_with_privileges()?,
        to,
        "re-diff after migration",
        cmp,
    )
}

/// What psql's `\d+` prints for each of `tables` in `db`, one output after the other as a
/// person would paste them (`Did not find any relation named …` for a missing one).
pub fn psql_capture(db: &crate::Db, tables: &[QualName]) -> Result<String> {
    let mut out = String::new();
    for t in tables {
        let pattern = format!(
            "\"{}\".\"{}\"",
            t.schema.replace('"', "\"\""),
            t.name.replace('"', "\"\"")
        );
        out.push_str(&db.describe_any(&format!("\\d+ {pattern}"))?);
    }
    Ok(out)
}

/// Psql mode: a fresh database holding `current`, migrated from its live `\d+` paste to
/// `desired`, must reach `want`; a new paste of it then diffs empty.
fn converge_psql(pg: &'static Pg, case: &Case, want: &[String]) -> Result<()> {
    let to = parse_side(&case.desired, Cmp::of(case))?;
    let mut names: Vec<QualName> = parse_side(&case.current, Cmp::of(case))?
        .tables
        .into_keys()
        .collect();
    names.extend(to.tables.keys().cloned());
    names.sort();
    names.dedup();
    let db = pg.create_db()?;
    load(&db, case, &case.current, "current")?;
    let paste = psql_capture(&db, &names)?;
    let sql = render_sql(&full_plan(
        &parse_as(&paste, Format::Psql)?,
        &to,
        Cmp::of(case),
    ));
    if !sql.trim().is_empty() {
        db.exec_tx(&sql)
            .map_err(|e| anyhow::anyhow!("applying our SQL failed: {e}"))?;
    }
    let got = catalog_of(&db, Cmp::of(case))?;
    same_catalog(&got, want)?;
    let again = psql_capture(&db, &names)?;
    expect_empty(
        &full_plan(&parse_as(&again, Format::Psql)?, &to, Cmp::of(case)),
        "re-diff of the new paste",
    )?;
    Ok(())
}

/// What a case changes that psql's `\d+` cannot show at all: table, index and type comments,
/// enum labels, and the objects a paste of tables does not hold (functions, views, collations;
/// the paste's scope is its tables). Psql mode cannot converge on those by design. Triggers,
/// row security and policies, which a paste's footers show, are not read from one yet.
fn psql_blind_spot(case: &Case) -> Option<String> {
    let (a, b) = (
        parse_side(&case.current, Cmp::of(case)).ok()?,
        parse_side(&case.desired, Cmp::of(case)).ok()?,
    );
    let security = |s: &Schema| {
        s.tables
            .values()
            .map(|t| {
                (
                    t.name.clone(),
                    t.row_security,
                    t.force_row_security,
                    t.policies.clone(),
                )
            })
            .filter(|(_, on, force, policies)| *on || *force || !policies.is_empty())
            .collect::<Vec<_>>()
    };
    if a.triggers != b.triggers {
        return Some(
            "triggers differ; schemafix does not read a paste's `Triggers:` footers yet".into(),
        );
    }
    if a.functions != b.functions
        || a.views != b.views
        || a.collations != b.collations
        || security(&a) != security(&b)
    {
        return Some(
            "functions, views, collations (a `\\d+` paste of tables holds none of them), row security or policies (not read from a paste's footers) differ".into(),
        );
    }
    if a.enums != b.enums {
        return Some(
            "enum labels or type comments differ; `\\d` shows only the type's name".into(),
        );
    }
    if a.domains != b.domains {
        return Some("domains differ; `\\d` shows a domain only as a column's type".into());
    }
    if case.privileges.is_some() && a.privileges != b.privileges {
        return Some("privileges differ; `\\d+` does not show them (`\\dp` does)".into());
    }
    let comments = |s: &Schema| {
        s.tables
            .values()
            .map(|t| {
                let idx: Vec<_> = t
                    .indexes
                    .iter()
                    .map(|i| (i.name.clone(), i.comment.clone()))
                    .collect();
                (t.name.clone(), t.comment.clone(), idx)
            })
            .collect::<Vec<_>>()
    };
    let hidden = |s: &Schema| {
        comments(s)
            .into_iter()
            .filter(|(_, c, i)| c.is_some() || i.iter().any(|x| x.1.is_some()))
            .collect::<Vec<_>>()
    };
    if hidden(&a) != hidden(&b) {
        return Some("table or index comments differ; `\\d+` does not show them".into());
    }
    None
}

/// Runs one case on the server.
pub fn run_case(pg: &'static Pg, case: &Case) -> CaseResult {
    let cmp = Cmp::of(case);
    let mut result = CaseResult {
        case: case.clone(),
        forward: Outcome::Fail("not run".into()),
        reverse: Outcome::Fail("not run".into()),
        self_diff: Outcome::Fail("not run".into()),
        psql_forward: Outcome::Fail("not run".into()),
        introspect: Outcome::Fail("not run".into()),
        down: Outcome::Fail("not run".into()),
        online: Outcome::Fail("not run".into()),
        squawk: Outcome::Fail("not run".into()),
        online_unavoidable: Vec::new(),
    };
    let setup = (|| -> Result<_> {
        let a = pg.create_db()?;
        let b = pg.create_db()?;
        let c = pg.create_db()?;
        load(&a, case, &case.current, "current")?;
        load(&b, case, &case.desired, "desired")?;
        load(&c, case, &case.current, "current")?;
        let da = catalog_of(&a, cmp)?;
        let db = catalog_of(&b, cmp)?;
        Ok((a, b, c, da, db))
    })();
    let (a, b, c, dump_a, dump_b) = match setup {
        Ok(x) => x,
        Err(e) => {
            let o = Outcome::Fail(format!("{e:#}").replace('\n', " "));
            result.forward = o.clone();
            result.reverse = o.clone();
            result.self_diff = o.clone();
            result.psql_forward = o.clone();
            result.introspect = o.clone();
            result.online = o.clone();
            result.squawk = o.clone();
            result.down = o;
            return result;
        }
    };
    result.self_diff = Outcome::of((|| {
        let all = Cmp {
            roles: Some(&[]),
            ..cmp
        };
        expect_no_changes(&case.current, &case.current, "diff(current, current)", all)?;
        expect_no_changes(&case.desired, &case.desired, "diff(desired, desired)", all)?;
        let (current, desired) = (a.dump_with_privileges()?, b.dump_with_privileges()?);
        expect_no_changes(
            &current,
            &case.current,
            "diff(pg_dump(current), current)",
            all,
        )?;
        expect_no_changes(
            &desired,
            &case.desired,
            "diff(pg_dump(desired), desired)",
            all,
        )
    })());
    result.introspect = Outcome::of((|| {
        catalog_matches(&a, &case.current, "current", cmp)?;
        catalog_matches(&b, &case.desired, "desired", cmp)
    })());
    result.forward = Outcome::of(if case.no_drop {
        converge_default(&a, &case.current, &case.desired, &dump_b, cmp)
    } else {
        converge(&a, &case.current, &case.desired, &dump_b, cmp)
    });
    result.down = if result.forward.passed() {
        Outcome::of(round_trip_down(
            &a,
            &case.current,
            &case.desired,
            &dump_a,
            cmp,
            !case.no_drop,
        ))
    } else {
        Outcome::Fail("the up migration did not converge".into())
    };
    result.reverse = Outcome::of(converge(&b, &case.desired, &case.current, &dump_a, cmp));
    result.online = Outcome::of(
        converge_online(&c, &case.current, &case.desired, &dump_b, cmp)
            .map(|found| result.online_unavoidable = found),
    );
    result.squawk = Outcome::of(squawk_default(&case.current, &case.desired, cmp));
    result.psql_forward = match psql_blind_spot(case) {
        Some(why) => Outcome::NotApplicable(why),
        None => Outcome::of(converge_psql(pg, case, &dump_b)),
    };
    result
}

/// For a case that is not counted: diff(X, X) and diff(pg_dump(X), X) on both sides, or
/// `NotApplicable` when a side does not load on this server.
pub fn self_diff_only(pg: &'static Pg, case: &Case) -> Outcome {
    let loaded = (|| -> Result<_> {
        let a = pg.create_db()?;
        let b = pg.create_db()?;
        load(&a, case, &case.current, "current")?;
        load(&b, case, &case.desired, "desired")?;
        Ok((a.dump_with_privileges()?, b.dump_with_privileges()?))
    })();
    let all = Cmp {
        roles: Some(&[]),
        ..Cmp::of(case)
    };
    match loaded {
        Err(e) => Outcome::NotApplicable(format!("does not load: {e:#}").replace('\n', " ")),
        Ok((dump_a, dump_b)) => Outcome::of((|| {
            expect_no_changes(&case.current, &case.current, "diff(current, current)", all)?;
            expect_no_changes(&case.desired, &case.desired, "diff(desired, desired)", all)?;
            expect_no_changes(
                &dump_a,
                &case.current,
                "diff(pg_dump(current), current)",
                all,
            )?;
            expect_no_changes(
                &dump_b,
                &case.desired,
                "diff(pg_dump(desired), desired)",
                all,
            )
        })()),
    }
}

/// The score row for self-diff over every case whose DDL loads, counted or not.
pub const EVERY_LOADABLE: &str = "every loadable case";

/// Runs `f` over `items` on `threads` workers, results in input order.
pub fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= items.len() {
                    break;
                }
                let r = f(&items[i]);
                if let Ok(mut v) = results.lock() {
                    v[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// Runs cases on `threads` workers, in input order.
pub fn run_all(pg: &'static Pg, cases: &[Case], threads: usize) -> Vec<CaseResult> {
    par_map(cases, threads, |c| run_case(pg, c))
}

/// A score: passes out of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    /// Cases that passed.
    pub pass: usize,
    /// Cases counted.
    pub total: usize,
}

impl Score {
    /// Percentage, 100 for an empty set.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.pass as f64 / self.total as f64
        }
    }
}

/// Scores keyed by (corpus, category, check).
pub type Scores = BTreeMap<(String, String, String), Score>;

/// Per corpus, category and check (forward, reverse, self-diff).
pub fn scores(results: &[CaseResult]) -> Scores {
    let mut s: Scores = BTreeMap::new();
    for r in results.iter().filter(|r| r.case.excluded.is_none()) {
        let mut cats: BTreeSet<String> = r
            .case
            .categories
            .iter()
            .filter(|c| {
                IN_SCOPE.contains(&c.as_str()) || c.as_str() == "migra" || c.as_str() == "realworld"
            })
            .cloned()
            .collect();
        cats.insert("all".to_string());
        cats.insert(EVERY_LOADABLE.to_string());
        for c in cats {
            for (check, o) in r.checks() {
                if matches!(o, Outcome::NotApplicable(_))
                    || (c == EVERY_LOADABLE && check != "self-diff")
                {
                    continue;
                }
                let e = s
                    .entry((r.case.corpus.to_string(), c.clone(), check.to_string()))
                    .or_default();
                e.total += 1;
                if o.passed() {
                    e.pass += 1;
                }
            }
        }
    }
    // Cases not counted: their self-diff, when their DDL loads.
    for r in results.iter().filter(|r| r.case.excluded.is_some()) {
        if matches!(r.self_diff, Outcome::NotApplicable(_)) {
            continue;
        }
        let e = s
            .entry((
                r.case.corpus.to_string(),
                EVERY_LOADABLE.to_string(),
                "self-diff".to_string(),
            ))
            .or_default();
        e.total += 1;
        if r.self_diff.passed() {
            e.pass += 1;
        }
    }
    s
}

/// The score table and the list of failing and excluded cases, as Markdown.
pub fn report(results: &[CaseResult]) -> String {
    let s = scores(results);
    let mut out = String::from(
        "# Conformance results\n\nGenerated by `cargo xtask test` (the `conformance` test; `SCHEMAFIX_BLESS=1` rewrites this file and the ratchet).\n\n\
         Each counted case: apply *current*, apply schemafix's SQL in one transaction, compare the normalized `pg_dump --schema-only`\n\
         with *desired* applied to a fresh database, then re-diff (must be empty); *reverse* is the same from desired to current;\n\
         *self-diff* checks diff(X, X) and diff(pg_dump(X), X) are empty for both sides; *psql-forward* is *forward* with the current\n\
         side given as the live `\\d+` output of every table either side has (a missing one as psql's `Did not find any relation`).\n\n\
         *introspect* checks that each side's live catalog, read with schemafix's catalog queries, equals the parse of its DDL;\n\
         *down* applies the down migration after *forward* and requires the catalog of *current* again.\n\n\
         *online* is *forward* planned with `--online` and run as the script it is (`psql -f`: each phase its own transaction, the\n\
         `CONCURRENTLY` phases outside any), converging the same way, with no squawk violation that online mode exists to avoid\n\
         (except on a step with no online form, which the script names, where PostgreSQL rewrites nothing, on the swap of a type change made through a second column, or on a change the desired schema asks for:\n\
         each such case is listed below);\n\
         *squawk* runs squawk (PyPI `squawk-cli`) over the default-mode *forward* SQL: each lock or safety violation must be a hazard\n\
         its step lists. The squawk rules left out, and why, are listed at the end.\n\n\
         The *realworld* corpus is `../shared/realworld/pgdump/`: real projects' `structure.sql` and `pg_dump` files, each drift\n\
         pair run old → new (*reverse*: new → old), and a file without a pair against itself; each side is loaded after its\n\
         `prereq.sql`. *psql-forward* there pastes `\\d+` of every table of both files.\n\n\
         A sqldef case with `managed_roles` compares those roles' privileges (`--privileges=ROLE,…`; none for an empty list),\n\
         beside `pg_dump` as the catalog's privilege rows, and its self-diff reads `pg_dump`'s `GRANT`s; a case in sqldef's no-drop\n\
         mode (`enable_drop: false`) runs *forward* in schemafix's default mode: what is left between the result and *desired* must\n\
         be exactly the destructive steps the plan held back (sqldef also skips what loses no data, such as a `DROP INDEX` or a\n\
         `REVOKE`, which schemafix runs), and *down* undoes that plan. A case sqldef runs as a `user` whose search path is\n\
         its own schema runs each side under `SET search_path = foo` and reads it so (`--search-path foo`). sqldef's offline\n\
         mode (two files diffed) is what every case does here, and its `create_index_concurrently` is the *online* column.\n\n\
         | corpus | category | forward | reverse | self-diff | psql-forward | introspect | down | online | squawk |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let keys: BTreeSet<(String, String)> =
        s.keys().map(|(c, k, _)| (c.clone(), k.clone())).collect();
    for (corpus, cat) in &keys {
        let cell = |check: &str| {
            let sc = s
                .get(&(corpus.clone(), cat.clone(), check.to_string()))
                .copied()
                .unwrap_or_default();
            if sc.total == 0 {
                "–".to_string()
            } else {
                format!("{}/{} ({:.1}%)", sc.pass, sc.total, sc.percent())
            }
        };
        out.push_str(&format!(
            "| {corpus} | {cat} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell("forward"),
            cell("reverse"),
            cell("self-diff"),
            cell("psql-forward"),
            cell("introspect"),
            cell("down"),
            cell("online"),
            cell("squawk")
        ));
    }
    out.push_str("\n## Failing counted cases\n\n");
    for r in results.iter().filter(|r| r.case.excluded.is_none()) {
        for (check, o) in r.checks() {
            if let Outcome::Fail(why) = o {
                let why: String = why.chars().take(300).collect();
                out.push_str(&format!(
                    "- {}/{} {check}: {}\n",
                    r.case.corpus,
                    r.case.name,
                    why.replace('|', "\\|")
                ));
            }
        }
    }
    out.push_str(&format!(
        "\n## Cases not counted whose self-diff fails\n\n*{EVERY_LOADABLE}* is self-diff over every case whose DDL loads on this server, counted or not.\n\n"
    ));
    for r in results.iter().filter(|r| r.case.excluded.is_some()) {
        if let Outcome::Fail(why) = &r.self_diff {
            let why: String = why.chars().take(300).collect();
            out.push_str(&format!(
                "- {}/{} self-diff: {}\n",
                r.case.corpus,
                r.case.name,
                why.replace('|', "\\|")
            ));
        }
    }
    let mut blind: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in results.iter().filter(|r| r.case.excluded.is_none()) {
        if let Outcome::NotApplicable(why) = &r.psql_forward {
            *blind
                .entry((r.case.corpus.to_string(), why.clone()))
                .or_default() += 1;
        }
    }
    out.push_str("\n## Not counted in psql mode (what `\\d+` cannot show)\n\n| corpus | reason | cases |\n|---|---|---|\n");
    for ((corpus, why), n) in blind {
        out.push_str(&format!(
            "| {corpus} | {} | {n} |\n",
            why.replace('|', "\\|")
        ));
    }
    let mut excluded: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in results.iter() {
        if let Some(why) = &r.case.excluded {
            let key = why.split(':').next().unwrap_or(why).to_string();
            *excluded
                .entry((r.case.corpus.to_string(), key))
                .or_default() += 1;
        }
    }
    out.push_str("\n## Not counted (classified)\n\n| corpus | reason | cases |\n|---|---|---|\n");
    for ((corpus, why), n) in excluded {
        out.push_str(&format!("| {corpus} | {why} | {n} |\n"));
    }
    let mut unavoidable: BTreeMap<&crate::squawk::Unavoidable, Vec<String>> = BTreeMap::new();
    for r in results.iter().filter(|r| r.online.passed()) {
        for u in &r.online_unavoidable {
            unavoidable
                .entry(u)
                .or_default()
                .push(format!("{}/{}", r.case.corpus, r.case.name));
        }
    }
    let clean = results
        .iter()
        .filter(|r| r.online.passed() && r.online_unavoidable.is_empty())
        .count();
    let online = results.iter().filter(|r| r.online.passed()).count();
    out.push_str(&format!(
        "\n## What squawk still finds on online plans\n\n{clean} of the {online} cases whose online plan converges have no squawk violation on it at all (excluded rules aside); the others have only these: on changes the desired schema asks for, on the swap of a type change made through a second column (squawk flags its drop and rename of a column), where squawk assumes a rewrite PostgreSQL does not do, or on steps with no online form (the script says so above the statement):\n\n| rule | step | why it stands | cases | for example |\n|---|---|---|---|---|\n"
    ));
    for (u, cases) in &unavoidable {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            u.rule,
            u.step,
            u.why,
            cases.len(),
            cases
                .iter()
                .take(3)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str("\n## squawk rules left out\n\n| rule | why |\n|---|---|\n");
    for (rule, why) in crate::squawk::EXCLUDED {
        out.push_str(&format!("| {rule} | {why} |\n"));
    }
    out.push_str(&format!(
        "\nIn default mode only: {} (the default script is run by `schemafix apply`, which sets both timeouts for its session; the online script sets them itself and is checked for them).\n",
        crate::squawk::SESSION_RULES.join(", ")
    ));
    out
}

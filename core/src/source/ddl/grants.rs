//! Privileges: `GRANT` and `REVOKE` on tables (and views), columns, sequences, functions,
//! schemas and types, read token by token and applied to the objects the text has made so
//! far, as PostgreSQL applies them (`ON ALL TABLES IN SCHEMA` names the tables there now).

use sqlparser::tokenizer::Token;

use super::routines::{identity_at, kw, qualified, split_commas, tokens, word_text};
use super::*;
use crate::schema::{Grants, PrivilegeTarget as Target, PUBLIC};

/// What one `GRANT`/`REVOKE` statement says.
struct Statement {
    grant: bool,
    /// `REVOKE GRANT OPTION FOR`: the privileges stay, the right to grant them goes.
    option_only: bool,
    /// Each privilege (`ALL` for every one) with the columns it is on, if any.
    privileges: Vec<(String, Vec<String>)>,
    kind: Kind,
    /// The objects: a qualified name and, for a function, its argument list.
    objects: Vec<(Vec<String>, Option<String>)>,
    grantees: Vec<String>,
    with_grant_option: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `ON [TABLE] name`: a table, view or sequence.
    Table,
    Sequence,
    /// `FUNCTION`, `PROCEDURE`, `ROUTINE`.
    Function,
    Schema,
    /// `TYPE` or `DOMAIN`.
    Type,
    /// `ON ALL TABLES IN SCHEMA s`.
    AllTables,
    AllSequences,
    /// `ALL FUNCTIONS | PROCEDURES | ROUTINES IN SCHEMA s`: whether procedures, functions.
    AllRoutines(bool, bool),
}

/// Where the first of `words` stands at bracket depth 0 from `from`.
fn find_kw(toks: &[Token], from: usize, words: &[&str]) -> Option<usize> {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().skip(from) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && kw(Some(t)).is_some_and(|w| words.contains(&w.as_str())) => {
                return Some(j);
            }
            _ => {}
        }
    }
    None
}

fn read(text: &str, types: routines::Types) -> Result<Statement, String> {
    let toks = tokens(text)?;
    let toks: Vec<Token> = toks
        .into_iter()
        .filter(|t| !matches!(t, Token::SemiColon))
        .collect();
    let grant = kw(toks.first()).as_deref() == Some("GRANT");
    let mut i = 1;
    let option_only = !grant
        && kw(toks.get(1)).as_deref() == Some("GRANT")
        && kw(toks.get(2)).as_deref() == Some("OPTION");
    if option_only {
        i = 4;
    }
    let to = if grant { "TO" } else { "FROM" };
    let on = find_kw(&toks, i, &["ON"])
        .filter(|on| find_kw(&toks, i, &[to]).is_none_or(|t| t > *on))
        .ok_or("a role membership: roles are cluster objects, not compared")?;
    let mut privileges = Vec::new();
    for item in split_commas(&toks[i..on]) {
        let open = item.iter().position(|t| matches!(t, Token::LParen));
        let words: Vec<String> = item[..open.unwrap_or(item.len())]
            .iter()
            .map(|t| kw(Some(t)).ok_or("a privilege's name"))
            .collect::<Result<_, _>>()?;
        let name = match words.join(" ").as_str() {
            "ALL" | "ALL PRIVILEGES" => "ALL".to_string(),
            "TEMP" => "TEMPORARY".to_string(),
            w => w.to_string(),
        };
        let columns = match open {
            Some(o) => split_commas(&item[o + 1..item.len() - 1])
                .into_iter()
                .map(|c| c.first().and_then(word_text).ok_or("a column name"))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        privileges.push((name, columns));
    }
    let mut j = on + 1;
    let word = |k: usize| kw(toks.get(k)).unwrap_or_default();
    let kind = match word(j).as_str() {
        "TABLE" => Kind::Table,
        "SEQUENCE" => Kind::Sequence,
        "FUNCTION" | "PROCEDURE" | "ROUTINE" => Kind::Function,
        "SCHEMA" => Kind::Schema,
        "TYPE" | "DOMAIN" => Kind::Type,
        "ALL" => {
            let kind = match word(j + 1).as_str() {
                "TABLES" => Kind::AllTables,
                "SEQUENCES" => Kind::AllSequences,
                "FUNCTIONS" => Kind::AllRoutines(false, true),
                "PROCEDURES" => Kind::AllRoutines(true, false),
                "ROUTINES" => Kind::AllRoutines(true, true),
                w => return Err(format!("privileges on ALL {w}")),
            };
            if word(j + 2) != "IN" || word(j + 3) != "SCHEMA" {
                return Err("no IN SCHEMA".into());
            }
            j += 3;
            kind
        }
        w @ ("DATABASE" | "LANGUAGE" | "LARGE" | "FOREIGN" | "TABLESPACE" | "PARAMETER") => {
            return Err(format!(
                "privileges on a {} are not compared",
                w.to_lowercase()
            ));
        }
        _ => {
            j -= 1;
            Kind::Table
        }
    };
    j += 1;
    let end = find_kw(&toks, j, &[to]).ok_or(format!("no {to}"))?;
    let mut objects = Vec::new();
    for item in split_commas(&toks[j..end]) {
        let (parts, k) = qualified(item, 0).ok_or("an object's name")?;
        let (identity, k) = identity_at(item, k, types)?;
        if k != item.len() {
            return Err(format!("unexpected {} after an object's name", item[k]));
        }
        objects.push((parts, identity));
    }
    let tail =
        find_kw(&toks, end + 1, &["WITH", "GRANTED", "CASCADE", "RESTRICT"]).unwrap_or(toks.len());
    let mut grantees = Vec::new();
    for item in split_commas(&toks[end + 1..tail]) {
        let item = match kw(item.first()).as_deref() {
            Some("GROUP") => &item[1..],
            _ => item,
        };
        let grantee = match (item, kw(item.first()).as_deref()) {
            ([_], Some("PUBLIC")) => PUBLIC.to_string(),
            ([_], Some(w @ ("CURRENT_USER" | "CURRENT_ROLE" | "SESSION_USER"))) => {
                return Err(format!("the grantee {w} names a role the text does not"));
            }
            ([t], _) => word_text(t).ok_or("a grantee")?,
            _ => return Err("a grantee".into()),
        };
        grantees.push(grantee);
    }
    let with_grant_option = word(tail) == "WITH";
    Ok(Statement {
        grant,
        option_only,
        privileges,
        kind,
        objects,
        grantees,
        with_grant_option,
    })
}

impl Cx<'_> {
    /// `GRANT … ON … TO …` / `REVOKE … ON … FROM …`.
    pub(super) fn grant(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let types = |raw: &str, t: String| self.type_on_path(raw, &t).unwrap_or(t);
        let s = match read(st.text, &types) {
            Ok(s) => s,
            Err(e) => {
                return self.out_of_scope(st, &format!("{kind} ({e})"), line, Severity::Warning)
            }
        };
        match self.targets(&s) {
            Ok(targets) => {
                for (target, privileges) in targets {
                    apply(&mut self.schema.privileges, &s, target, &privileges);
                }
            }
            Err(e) => self.unreadable(st, kind, line, &e),
        }
    }

    /// The objects one name of a statement about objects of `kind` stands for.
    fn objects(
        &self,
        kind: Kind,
        parts: &[String],
        identity: &Option<String>,
    ) -> Result<Vec<Target>, String> {
        let schema = &self.schema;
        let name = resolve(parts, &self.search_path);
        let target = match kind {
            Kind::Table | Kind::Sequence => {
                let relation =
                    schema.tables.contains_key(&name) || schema.views.contains_key(&name);
                if kind == Kind::Table && relation {
                    Target::Table { name }
                } else if is_sequence(schema, &name) {
                    Target::Sequence { name }
                } else {
                    return Err(format!("no table, view or sequence {name} here"));
                }
            }
            Kind::Function => {
                let mut found = schema.functions.values().filter(|f| {
                    f.name == name && identity.as_ref().is_none_or(|i| *i == f.identity)
                });
                match (found.next(), found.next()) {
                    (Some(f), None) => Target::Function {
                        name: f.name.clone(),
                        identity: f.identity.clone(),
                    },
                    _ => return Err(format!("no one function {name} here")),
                }
            }
            Kind::Schema => {
                let n = parts.last().cloned().unwrap_or_default();
                if n != "public" && !schema.schemas.contains(&n) {
                    return Err(format!("no schema {n} here"));
                }
                Target::Schema { name: n }
            }
            Kind::Type => {
                if !schema.enums.contains_key(&name)
                    && !schema.domains.contains_key(&name)
                    && !schema.composites.contains_key(&name)
                    && !schema.ranges.contains_key(&name)
                {
                    return Err(format!(
                        "no enum, domain, composite or range type {name} here"
                    ));
                }
                Target::Type { name }
            }
            Kind::AllTables | Kind::AllSequences | Kind::AllRoutines(..) => {
                let n = parts.last().cloned().unwrap_or_default();
                return Ok(all_in(schema, kind, &n));
            }
        };
        Ok(vec![target])
    }

    /// `ALTER TABLE | VIEW | SEQUENCE | FUNCTION | TYPE | SCHEMA … name OWNER TO role`: who owns
    /// the object, which its privileges' diff needs (a grant to the owner is no grant). Kinds
    /// and forms not read are left alone: ownership itself is not compared.
    pub(super) fn owner(&mut self, text: &str) {
        let types = |raw: &str, t: String| self.type_on_path(raw, &t).unwrap_or(t);
        let Ok(toks) = tokens(text) else { return };
        let words: Vec<String> = toks
            .iter()
            .map(|t| kw(Some(t)).unwrap_or_default())
            .collect();
        let (kind, mut i) = match (
            words.get(1).map(String::as_str),
            words.get(2).map(String::as_str),
        ) {
            (Some("TABLE" | "VIEW" | "SEQUENCE"), _) => (Kind::Table, 2),
            (Some("MATERIALIZED" | "FOREIGN"), Some("VIEW" | "TABLE")) => (Kind::Table, 3),
            (Some("FUNCTION" | "PROCEDURE" | "ROUTINE"), _) => (Kind::Function, 2),
            (Some("TYPE" | "DOMAIN"), _) => (Kind::Type, 2),
            (Some("SCHEMA"), _) => (Kind::Schema, 2),
            _ => return,
        };
        if words.get(i).map(String::as_str) == Some("IF") {
            i += 2;
        }
        if words.get(i).map(String::as_str) == Some("ONLY") {
            i += 1;
        }
        let Some((parts, j)) = qualified(&toks, i) else {
            return;
        };
        let Ok((identity, j)) = identity_at(&toks, j, &types) else {
            return;
        };
        let (Some("OWNER"), Some("TO"), Some(role)) = (
            words.get(j).map(String::as_str),
            words.get(j + 1).map(String::as_str),
            toks.get(j + 2).and_then(word_text),
        ) else {
            return;
        };
        if let Ok(targets) = self.objects(kind, &parts, &identity) {
            for t in targets {
                self.schema.owners.of_object.insert(t, role.clone());
            }
        }
    }

    /// Each object the statement names with the privileges it grants or revokes there.
    fn targets(&self, s: &Statement) -> Result<Vec<(Target, Vec<String>)>, String> {
        let mut objects: Vec<Target> = Vec::new();
        for (parts, identity) in &s.objects {
            objects.extend(self.objects(s.kind, parts, identity)?);
        }
        let mut out = Vec::new();
        for target in objects {
            let mut table_privileges = Vec::new();
            for (p, columns) in &s.privileges {
                let on_columns = !columns.is_empty();
                if on_columns && !matches!(target, Target::Table { .. }) {
                    return Err(format!("{p} on columns of {}", target.describe()));
                }
                let each: Vec<Target> = match &target {
                    Target::Table { name } if on_columns => columns
                        .iter()
                        .map(|c| Target::Column {
                            table: name.clone(),
                            column: c.clone(),
                        })
                        .collect(),
                    t => vec![t.clone()],
                };
                for t in each {
                    let all = t.all_privileges();
                    let names: Vec<String> = if p == "ALL" {
                        all.iter().map(|s| s.to_string()).collect()
                    } else if p == "MAINTAIN" {
                        // PostgreSQL 17's MAINTAIN is not compared (see `all_privileges`).
                        continue;
                    } else if all.contains(&p.as_str()) {
                        vec![p.clone()]
                    } else {
                        return Err(format!("{p} is no privilege of a {}", t.describe()));
                    };
                    if t.column().is_some() {
                        out.push((t, names));
                    } else {
                        table_privileges.extend(names);
                    }
                }
            }
            if !table_privileges.is_empty() {
                out.push((target, table_privileges));
            }
        }
        Ok(out)
    }
}

/// Is `name` a sequence: a free-standing one or a serial column's?
fn is_sequence(schema: &Schema, name: &QualName) -> bool {
    crate::normalize::holds(schema, &Target::Sequence { name: name.clone() })
}

/// The objects of `schema_name` that `ON ALL … IN SCHEMA` names now.
fn all_in(schema: &Schema, kind: Kind, schema_name: &str) -> Vec<Target> {
    let here = |n: &&QualName| n.schema == schema_name;
    match kind {
        Kind::AllTables => schema
            .tables
            .keys()
            .chain(schema.views.keys())
            .filter(here)
            .map(|n| Target::Table { name: n.clone() })
            .collect(),
        Kind::AllSequences => {
            let mut out: Vec<Target> = schema
                .sequences
                .keys()
                .filter(here)
                .map(|n| Target::Sequence { name: n.clone() })
                .collect();
            for t in schema
                .tables
                .values()
                .filter(|t| t.name.schema == schema_name)
            {
                for c in t.columns.iter().filter(|c| c.serial) {
                    out.push(Target::Sequence {
                        name: crate::normalize::serial_sequence(&t.name, &c.name),
                    });
                }
            }
            out
        }
        Kind::AllRoutines(procedures, functions) => schema
            .functions
            .iter()
            .filter(|(_, f)| {
                f.name.schema == schema_name && if f.procedure { procedures } else { functions }
            })
            .map(|(_, f)| Target::Function {
                name: f.name.clone(),
                identity: f.identity.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Applies a statement's privileges on one target to the schema's privileges.
fn apply(
    acls: &mut BTreeMap<Target, Grants>,
    s: &Statement,
    target: Target,
    privileges: &[String],
) {
    // A revoke on a table revokes the same privileges on each of its columns too.
    let mut targets = vec![target.clone()];
    if let (false, Target::Table { name }) = (s.grant, &target) {
        targets.extend(
            acls.keys()
                .filter(|t| matches!(t, Target::Column { table, .. } if table == name))
                .cloned(),
        );
    }
    for target in targets {
        let default = target.default_grants();
        let grants = acls.entry(target).or_insert_with(|| default.clone());
        for grantee in &s.grantees {
            let held = grants.entry(grantee.clone()).or_default();
            for p in privileges {
                if s.grant {
                    let option = held.entry(p.clone()).or_insert(false);
                    *option |= s.with_grant_option;
                } else if s.option_only {
                    if let Some(option) = held.get_mut(p) {
                        *option = false;
                    }
                } else {
                    held.remove(p);
                }
            }
            if held.is_empty() {
                grants.remove(grantee);
            }
        }
    }
    acls.retain(|t, g| *g != t.default_grants());
}

/// Drops the privileges of objects the text went on to drop: PostgreSQL drops them with the
/// object.
pub(super) fn prune(schema: &mut Schema) {
    let gone: Vec<Target> = schema
        .privileges
        .keys()
        .filter(|t| !crate::normalize::holds(schema, t))
        .cloned()
        .collect();
    for t in gone {
        schema.privileges.remove(&t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(text: &str) -> BTreeMap<Target, Grants> {
        let p = parse_ddl(text);
        assert!(
            !p.diagnostics
                .iter()
                .any(|d| d.severity >= Severity::Warning),
            "{:#?}",
            p.diagnostics
        );
        p.schema.privileges
    }

    const OBJECTS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, name text, n serial);\n\
        CREATE VIEW v AS SELECT id FROM users;\n\
        CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS 'select 1';\n\
        CREATE TYPE mood AS ENUM ('a');\nCREATE SCHEMA s;\n";

    #[test]
    fn written_and_dumped_privileges_read_alike() {
        let written = grants(&format!(
            "{OBJECTS}GRANT SELECT, insert ON users, v TO app WITH GRANT OPTION;\n\
             GRANT SELECT (id), UPDATE (name) ON TABLE users TO \"user-with-dash\";\n\
             GRANT USAGE ON SEQUENCE users_n_seq TO app;\n\
             REVOKE EXECUTE ON FUNCTION f(int) FROM PUBLIC;\nGRANT ALL ON FUNCTION f TO app;\n\
             GRANT USAGE ON TYPE mood TO app;\nGRANT ALL PRIVILEGES ON SCHEMA s TO GROUP app;\n"
        ));
        let dumped = grants(&format!(
            "{OBJECTS}GRANT SELECT,INSERT ON TABLE public.users TO app WITH GRANT OPTION;\n\
             GRANT SELECT,INSERT ON TABLE public.v TO app WITH GRANT OPTION;\n\
             GRANT SELECT(id) ON TABLE public.users TO \"user-with-dash\";\n\
             GRANT UPDATE(name) ON TABLE public.users TO \"user-with-dash\";\n\
             GRANT USAGE ON SEQUENCE public.users_n_seq TO app;\n\
             REVOKE ALL ON FUNCTION public.f(a integer) FROM PUBLIC;\n\
             GRANT ALL ON FUNCTION public.f(a integer) TO app;\n\
             GRANT ALL ON TYPE public.mood TO app;\nGRANT ALL ON SCHEMA s TO app;\n"
        ));
        assert_eq!(written, dumped);
        let users = Target::Table {
            name: QualName::new("public", "users"),
        };
        assert_eq!(
            written[&users]["app"],
            BTreeMap::from([("INSERT".into(), true), ("SELECT".into(), true)])
        );
        // The function no longer runs for everyone; the type still does.
        let f = Target::Function {
            name: QualName::new("public", "f"),
            identity: "integer".into(),
        };
        assert_eq!(written[&f].keys().collect::<Vec<_>>(), ["app"]);
        let mood = Target::Type {
            name: QualName::new("public", "mood"),
        };
        assert_eq!(written[&mood].keys().collect::<Vec<_>>(), ["PUBLIC", "app"]);
        assert_eq!(written.len(), 8, "{written:#?}");
    }

    #[test]
    fn revokes_grant_options_and_all_in_schema_apply_as_postgresql_applies_them() {
        let g = grants(&format!(
            "{OBJECTS}GRANT ALL ON ALL TABLES IN SCHEMA public TO app WITH GRANT OPTION;\n\
             REVOKE GRANT OPTION FOR SELECT ON users FROM app;\nREVOKE DELETE, TRUNCATE ON v FROM app;\n\
             GRANT EXECUTE ON FUNCTION f(integer) TO PUBLIC;\n\
             GRANT SELECT (name) ON users TO app;\nALTER TABLE users DROP COLUMN name;\n"
        ));
        let users = &g[&Target::Table {
            name: QualName::new("public", "users"),
        }]["app"];
        assert_eq!(users.len(), 7);
        assert!(!users["SELECT"]);
        assert!(users["INSERT"]);
        let v = &g[&Target::Table {
            name: QualName::new("public", "v"),
        }]["app"];
        assert_eq!(v.len(), 5);
        // What a function grants by default is no entry; a dropped column's privileges go with it.
        assert_eq!(g.len(), 2, "{g:#?}");
    }

    #[test]
    fn a_revoke_on_a_table_revokes_it_on_its_columns() {
        // As PostgreSQL 15 applies it: `id` keeps only UPDATE.
        let g = grants(&format!(
            "{OBJECTS}GRANT SELECT (id), UPDATE (id) ON users TO app;\n\
             REVOKE SELECT ON users FROM app;\n"
        ));
        let id = Target::Column {
            table: QualName::new("public", "users"),
            column: "id".into(),
        };
        assert_eq!(g[&id]["app"].keys().collect::<Vec<_>>(), ["UPDATE"]);
        assert_eq!(g.len(), 1, "{g:#?}");
    }

    #[test]
    fn what_is_not_read_is_named() {
        let p = parse_ddl(&format!(
            "{OBJECTS}GRANT SELECT ON missing TO app;\nGRANT CONNECT ON DATABASE d TO app;\n\
             GRANT app TO other;\nGRANT SELECT ON users TO CURRENT_USER;\nGRANT EXECUTE ON users TO app;\n"
        ));
        assert!(p.schema.privileges.is_empty());
        let found = |needle: &str| {
            p.diagnostics
                .iter()
                .any(|d| d.severity == Severity::Warning && d.message.contains(needle))
        };
        assert!(
            found("no table, view or sequence missing here"),
            "{:#?}",
            p.diagnostics
        );
        assert!(found("privileges on a database are not compared"));
        assert!(found("a role membership"));
        assert!(found("CURRENT_USER"));
        assert!(found("EXECUTE is no privilege of a table"));
    }
}

//! Domains: `CREATE DOMAIN` (whose clauses PostgreSQL takes in any order, `pg_dump` writing
//! `NOT NULL` before `DEFAULT`), `ALTER DOMAIN` and `DROP DOMAIN`, read token by token.

use sqlparser::tokenizer::Token;

use super::routines::{closing, join, kw, qualified, tokens, word_text};
use super::*;
use crate::schema::Domain;

/// One constraint clause: `[CONSTRAINT name] NOT NULL | NULL | CHECK (expr)`.
enum Clause {
    NotNull(bool),
    Check(Option<String>, String),
}

/// Where a clause of `CREATE DOMAIN` (or the type before them) ends: at the next clause's
/// first word outside brackets.
fn clause_end(toks: &[Token], from: usize) -> usize {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().skip(from) {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            Token::SemiColon if depth == 0 => return j,
            _ if depth == 0 && j > from => {
                let w = kw(Some(t));
                let next = kw(toks.get(j + 1));
                match w.as_deref() {
                    Some("COLLATE" | "DEFAULT" | "CONSTRAINT" | "CHECK") => return j,
                    Some("NOT") if next.as_deref() == Some("NULL") => return j,
                    Some("NULL") => return j,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// A constraint clause at `i`; the clause and the index after it.
fn constraint(toks: &[Token], mut i: usize) -> Result<(Clause, usize), String> {
    let mut name = None;
    if kw(toks.get(i)).as_deref() == Some("CONSTRAINT") {
        name = Some(
            toks.get(i + 1)
                .and_then(word_text)
                .ok_or("no constraint name")?,
        );
        i += 2;
    }
    match kw(toks.get(i)).as_deref() {
        Some("NOT") if kw(toks.get(i + 1)).as_deref() == Some("NULL") => {
            Ok((Clause::NotNull(true), i + 2))
        }
        Some("NULL") => Ok((Clause::NotNull(false), i + 1)),
        Some("CHECK") if matches!(toks.get(i + 1), Some(Token::LParen)) => {
            let close = closing(toks, i + 1).ok_or("unbalanced brackets in CHECK")?;
            Ok((Clause::Check(name, join(&toks[i + 2..close])), close + 1))
        }
        _ => Err(format!(
            "expected NOT NULL, NULL or CHECK, found {}",
            toks.get(i).map_or("the end".into(), ToString::to_string)
        )),
    }
}

/// The domain the canonical type name `t` names, if any.
fn domain_named<'a>(domains: &'a BTreeMap<QualName, Domain>, t: &str) -> Option<&'a Domain> {
    domains.get(&resolve(&split_qualified(t), "public"))
}

/// The type a value of the domain `t` names is stored as: its base type, followed through
/// domains over domains; `None` when `t` names no domain.
pub(super) fn stored_base(domains: &BTreeMap<QualName, Domain>, t: &str) -> Option<String> {
    let mut d = domain_named(domains, t)?;
    // A domain cannot be its own base; the bound only keeps a malformed schema from looping.
    for _ in 0..16 {
        match domain_named(domains, &d.base) {
            Some(next) => d = next,
            None => break,
        }
    }
    Some(d.base.to_string())
}

impl Cx<'_> {
    /// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [[CONSTRAINT n] NOT NULL | NULL |
    /// CHECK (e)] …`.
    pub(super) fn create_domain(&mut self, st: &RawStatement<'_>, line: u32) {
        if let Err(e) = self.read_domain(st) {
            // Known to exist, not read: never created or dropped.
            let toks = tokens(st.text).unwrap_or_default();
            if let Some((parts, _)) = qualified(&toks, 2) {
                let name = resolve(&parts, &self.search_path);
                self.schema.domains.remove(&name);
                self.schema.external.insert(name);
            }
            self.unreadable(st, "CREATE DOMAIN", line, &e);
        }
    }

    fn read_domain(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let (parts, mut i) = qualified(&toks, 2).ok_or("no domain name")?;
        let name = resolve(&parts, &self.search_path);
        if kw(toks.get(i)).as_deref() == Some("AS") {
            i += 1;
        }
        let end = clause_end(&toks, i);
        if end == i {
            return Err("no base type".into());
        }
        let raw = join(&toks[i..end]);
        let base = self.on_path(&raw);
        i = end;
        let mut domain = Domain {
            name: name.clone(),
            base,
            collation: None,
            default: None,
            not_null: false,
            checks: Vec::new(),
            comment: None,
            span: self.span(st.start, st.end),
        };
        let mut checks = Vec::new();
        let mut default = None;
        while i < toks.len() && !matches!(toks[i], Token::SemiColon) {
            match kw(toks.get(i)).as_deref() {
                Some("COLLATE") => {
                    let (c, next) = qualified(&toks, i + 1).ok_or("no collation name")?;
                    domain.collation = Some(collation_name(&c));
                    i = next;
                }
                Some("DEFAULT") => {
                    let end = clause_end(&toks, i + 1);
                    default = Some(join(&toks[i + 1..end]));
                    i = end;
                }
                _ => {
                    let (clause, next) = constraint(&toks, i)?;
                    match clause {
                        Clause::NotNull(n) => domain.not_null = n,
                        Clause::Check(n, e) => checks.push((n, e, false)),
                    }
                    i = next;
                }
            }
        }
        // A domain over a domain takes its default (PostgreSQL copies it).
        domain.default =
            domain_named(&self.schema.domains, &domain.base).and_then(|d| d.default.clone());
        self.schema.domains.insert(name.clone(), domain);
        if let Some(d) = default {
            self.domain_default(&name, Some(&d))?;
        }
        for (n, e, not_valid) in checks {
            self.domain_check(&name, n, &e, not_valid)?;
        }
        Ok(())
    }

    /// The type a value of type `t` is stored as: a domain's base type (see [`stored_base`]),
    /// an array of a domain's an array of it; `t` itself for any other type.
    pub(super) fn base_type(&self, t: &str) -> String {
        let (element, dims) = match t.strip_suffix("[]") {
            Some(e) => (e, "[]"),
            None => (t, ""),
        };
        match stored_base(&self.schema.domains, element) {
            Some(base) => format!("{base}{dims}"),
            None => t.to_string(),
        }
    }

    fn domain_default(&mut self, name: &QualName, text: Option<&str>) -> Result<(), String> {
        let default = match text {
            Some(text) => {
                let base = self
                    .schema
                    .domains
                    .get(name)
                    .map(|d| self.base_type(&d.base))
                    .unwrap_or_default();
                Some(default_expr(&expr_ast(text)?, &base))
            }
            None => None,
        };
        if let Some(d) = self.schema.domains.get_mut(name) {
            d.default = default;
        }
        Ok(())
    }

    fn domain_check(
        &mut self,
        name: &QualName,
        cname: Option<String>,
        text: &str,
        not_valid: bool,
    ) -> Result<(), String> {
        let ast = expr_ast(text)?;
        let Some(d) = self.schema.domains.get(name) else {
            return Err(format!("no domain {name} here"));
        };
        // `VALUE` is of the base type (a domain, for a domain over one).
        let expr = make_table_expr(
            &ast,
            vec![("value".into(), d.base.to_string())],
            &self.schema.domains,
        );
        let cname = cname.unwrap_or_else(|| {
            // PostgreSQL picks a free name among all constraints of the schema.
            let ns = &self.constraint_names;
            unique_name(&name.name, None, "check", &|n| {
                ns.contains(&(name.schema.clone(), n.to_string()))
            })
        });
        self.constraint_names
            .insert((name.schema.clone(), cname.clone()));
        let span = d.span;
        if let Some(d) = self.schema.domains.get_mut(name) {
            d.checks.retain(|c| c.name != cname);
            d.checks.push(Check {
                name: cname,
                expr,
                no_inherit: false,
                not_valid,
                span,
            });
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(())
    }

    /// `ALTER DOMAIN name …`: defaults, `NOT NULL`, constraints added (`NOT VALID`),
    /// validated, renamed and dropped.
    pub(super) fn alter_domain(&mut self, st: &RawStatement<'_>, line: u32) {
        if let Err(e) = self.read_alter_domain(st) {
            // What the domain is now is not known: not compared.
            let toks = tokens(st.text).unwrap_or_default();
            if let Some((parts, _)) = qualified(&toks, 2) {
                let name = resolve(&parts, &self.search_path);
                if self.schema.domains.remove(&name).is_some() {
                    self.schema.external.insert(name);
                }
            }
            self.diag(
                Severity::Warning,
                DiagKind::OutOfScope,
                format!("ALTER DOMAIN (line {line}): {e}; not compared"),
                st.start,
                st.end,
            );
        }
    }

    fn read_alter_domain(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let (parts, i) = qualified(&toks, 2).ok_or("no domain name")?;
        let name = resolve(&parts, &self.search_path);
        if !self.schema.domains.contains_key(&name) {
            return Err(format!("no domain {name} here"));
        }
        let words: Vec<String> = (i..toks.len().min(i + 3))
            .map(|j| kw(toks.get(j)).unwrap_or_default())
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        fn domain<'a>(cx: &'a mut Cx<'_>, name: &QualName) -> Result<&'a mut Domain, String> {
            cx.schema
                .domains
                .get_mut(name)
                .ok_or_else(|| "no domain".into())
        }
        fn check<'a>(d: &'a mut Domain, name: &str) -> Result<&'a mut Check, String> {
            let domain = d.name.to_string();
            let found = d.checks.iter_mut().find(|x| x.name == name);
            found.ok_or_else(|| format!("no constraint {name} on domain {domain}"))
        }
        let constraint_name =
            |j: usize| toks.get(j).and_then(word_text).ok_or("no constraint name");
        match words.as_slice() {
            ["SET", "DEFAULT", ..] => {
                let end = toks
                    .iter()
                    .position(|t| matches!(t, Token::SemiColon))
                    .unwrap_or(toks.len());
                let text = join(&toks[i + 2..end]);
                self.domain_default(&name, Some(&text))?;
            }
            ["DROP", "DEFAULT", ..] => self.domain_default(&name, None)?,
            ["SET", "NOT", "NULL"] => domain(self, &name)?.not_null = true,
            ["DROP", "NOT", "NULL"] => domain(self, &name)?.not_null = false,
            ["ADD", ..] => {
                let (clause, next) = constraint(&toks, i + 1)?;
                let not_valid = kw(toks.get(next)).as_deref() == Some("NOT")
                    && kw(toks.get(next + 1)).as_deref() == Some("VALID");
                match clause {
                    Clause::NotNull(n) => domain(self, &name)?.not_null = n,
                    Clause::Check(n, e) => self.domain_check(&name, n, &e, not_valid)?,
                }
            }
            ["VALIDATE", "CONSTRAINT", ..] => {
                let c = constraint_name(i + 2)?;
                check(domain(self, &name)?, &c)?.not_valid = false;
            }
            ["DROP", "CONSTRAINT", ..] => {
                let mut j = i + 2;
                if kw(toks.get(j)).as_deref() == Some("IF") {
                    j += 2;
                }
                let c = constraint_name(j)?;
                domain(self, &name)?.checks.retain(|x| x.name != c);
            }
            ["RENAME", "CONSTRAINT", ..] => {
                let (old, new) = (constraint_name(i + 2)?, constraint_name(i + 4)?);
                let d = domain(self, &name)?;
                check(d, &old)?.name = new;
                d.checks.sort_by(|a, b| a.name.cmp(&b.name));
            }
            _ => return Err("this form is not read".into()),
        }
        Ok(())
    }

    /// `DROP DOMAIN [IF EXISTS] name [, …] [CASCADE | RESTRICT]`.
    pub(super) fn drop_domain(&mut self, st: &RawStatement<'_>, line: u32) {
        let Ok(toks) = tokens(st.text) else {
            return self.unreadable(st, "DROP DOMAIN", line, "cannot be read");
        };
        let mut i = 2;
        if kw(toks.get(i)).as_deref() == Some("IF") {
            i += 2;
        }
        while let Some((parts, next)) = qualified(&toks, i) {
            let name = resolve(&parts, &self.search_path);
            self.schema.domains.remove(&name);
            i = next;
            if !matches!(toks.get(i), Some(Token::Comma)) {
                break;
            }
            i += 1;
        }
    }
}

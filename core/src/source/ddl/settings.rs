//! Table and column settings: `ALTER TABLE … SET (…)`/`RESET (…)`, `REPLICA IDENTITY`, and
//! `ALTER COLUMN … SET STATISTICS | STORAGE | COMPRESSION | (…)`, read token by token (the
//! parser lacks most of them), and `CREATE TABLE … WITH (…)`.
//!
//! A column's settings depend on when each statement ran: a table created as a child takes its
//! parents' storage and compression as they are then, `SET STATISTICS` and `SET STORAGE`
//! without `ONLY` reach the children that exist then, the others never do. Children get their
//! parents' columns only once every statement is read, so the column settings are recorded as
//! events and replayed in order then ([`replay`]).

use sqlparser::tokenizer::Token;

use super::routines::{closing, join, kw, qualified, split_commas, tokens, word_text};
use super::*;
use crate::schema::{ColumnSettings, Params, ReplicaIdentity};

/// One column setting.
#[derive(Debug, Clone)]
pub(super) enum Setting {
    Statistics(Option<i32>),
    Storage(Option<String>),
    Compression(Option<String>),
    Options(Vec<(String, Option<String>)>),
}

/// What the column settings depend on, in statement order.
#[derive(Debug, Clone)]
pub(super) enum Event {
    /// A table created with these parents (`INHERITS`, `PARTITION OF`).
    Created(QualName, Vec<QualName>),
    /// A setting of a column, reaching the children that exist (`recurse`) or not.
    Column {
        table: QualName,
        column: String,
        setting: Setting,
        recurse: bool,
        start: usize,
        end: usize,
    },
}

/// One subcommand of a settings `ALTER TABLE`.
enum Sub {
    Options(Vec<(String, Option<String>)>),
    Replica(ReplicaIdentity),
    Column(String, Setting),
}

/// A column definition's `COMPRESSION method` or `STORAGE kind` (PostgreSQL 16) where the
/// parser stopped (`msg`): the clause's offset and length, the column and the setting.
pub(super) fn inline_setting_at(text: &str, msg: &str) -> Option<(usize, usize, String, Setting)> {
    let found = msg.split("found: ").nth(1)?.split_whitespace().next()?;
    let what = found.to_ascii_uppercase();
    if what != "COMPRESSION" && what != "STORAGE" {
        return None;
    }
    let (l, c) = rewrite::error_position(msg);
    let at = rewrite::offset_of(text, l, c)?;
    let rest = text.get(at..)?;
    if !rest.to_ascii_uppercase().starts_with(&what) {
        return None;
    }
    // The clause's value: the next word.
    let after = &rest[what.len()..];
    let blanks = after.len() - after.trim_start().len();
    let word_len = after
        .trim_start()
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .unwrap_or(after.trim_start().len());
    if blanks == 0 || word_len == 0 {
        return None;
    }
    let value = after.trim_start()[..word_len].to_ascii_lowercase();
    let setting = if what == "STORAGE" {
        Setting::Storage(storage(Some(&Token::make_word(&value, None))).ok()?)
    } else {
        Setting::Compression((value != "default").then_some(value))
    };
    // The column: the first word of the definition the clause is in.
    let toks = tokens(&text[..at]).ok()?;
    let mut depth = 0i32;
    let mut start = None;
    for (j, t) in toks.iter().enumerate() {
        match t {
            Token::LParen => {
                depth += 1;
                if depth == 1 {
                    start = Some(j + 1);
                }
            }
            Token::RParen => depth -= 1,
            Token::Comma if depth == 1 => start = Some(j + 1),
            _ => {}
        }
    }
    let column = toks.get(start?).and_then(word_text)?;
    Some((at, what.len() + blanks + word_len, column, setting))
}

/// `name = value, …` (values `None` for `RESET (name, …)`), names lower-cased unless quoted
/// and qualified ones (`toast.autovacuum_enabled`) joined with a dot.
fn params(toks: &[Token], reset: bool) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    for item in split_commas(toks) {
        let eq = item.iter().position(|t| matches!(t, Token::Eq));
        let (name_toks, value) = match eq {
            Some(e) if !reset => (&item[..e], Some(&item[e + 1..])),
            None => (item, None),
            Some(_) => return Err("RESET takes names only".into()),
        };
        let (parts, next) = qualified(name_toks, 0).ok_or("no parameter name")?;
        if next != name_toks.len() {
            return Err(format!("unexpected {}", join(&name_toks[next..])));
        }
        let value = match value {
            None if reset => None,
            // `WITH (autovacuum_enabled)` is `= true`.
            None => Some("true".to_string()),
            Some([Token::SingleQuotedString(s)]) => Some(s.clone()),
            Some([Token::Number(n, _)]) => Some(n.clone()),
            Some([Token::Minus, Token::Number(n, _)]) => Some(format!("-{n}")),
            Some([t @ Token::Word(_)]) => word_text(t),
            Some(other) => return Err(format!("cannot read the value {}", join(other))),
        };
        out.push((parts.join("."), value));
    }
    Ok(out)
}

/// The bracketed list at `i` and the index after it.
fn bracketed(toks: &[Token], i: usize) -> Result<(&[Token], usize), String> {
    if !matches!(toks.get(i), Some(Token::LParen)) {
        return Err("expected (".into());
    }
    let close = closing(toks, i).ok_or("unbalanced brackets")?;
    Ok((&toks[i + 1..close], close + 1))
}

/// `DEFAULT` or a word, lower-cased.
fn word_or_default(t: Option<&Token>) -> Result<Option<String>, String> {
    match kw(t).as_deref() {
        Some("DEFAULT") => Ok(None),
        _ => t
            .and_then(word_text)
            .map(Some)
            .ok_or("expected a name".into()),
    }
}

/// `PLAIN`, `EXTERNAL`, `EXTENDED`, `MAIN` or `DEFAULT`.
fn storage(t: Option<&Token>) -> Result<Option<String>, String> {
    match word_or_default(t)? {
        Some(s) if matches!(s.as_str(), "plain" | "external" | "extended" | "main") => Ok(Some(s)),
        Some(s) => Err(format!("unknown storage {s}")),
        None => Ok(None),
    }
}

/// One subcommand, or `None` when it is not a settings one.
fn sub(toks: &[Token]) -> Result<Option<Sub>, String> {
    let w = |j: usize| kw(toks.get(j)).unwrap_or_default();
    let done = |j: usize, s: Sub| {
        if j == toks.len() {
            Ok(Some(s))
        } else {
            Err(format!("unexpected {}", join(&toks[j..])))
        }
    };
    match (w(0).as_str(), w(1).as_str()) {
        ("SET" | "RESET", _) if matches!(toks.get(1), Some(Token::LParen)) => {
            let (list, j) = bracketed(toks, 1)?;
            done(j, Sub::Options(params(list, w(0) == "RESET")?))
        }
        ("REPLICA", "IDENTITY") => {
            let (r, j) = match w(2).as_str() {
                "DEFAULT" => (ReplicaIdentity::Default, 3),
                "FULL" => (ReplicaIdentity::Full, 3),
                "NOTHING" => (ReplicaIdentity::Nothing, 3),
                "USING" if w(3) == "INDEX" => {
                    let name = toks.get(4).and_then(word_text).ok_or("no index name")?;
                    (ReplicaIdentity::Index(name), 5)
                }
                other => return Err(format!("unknown replica identity {other}")),
            };
            done(j, Sub::Replica(r))
        }
        ("ALTER", _) => {
            let c = if w(1) == "COLUMN" { 2 } else { 1 };
            let Some(column) = toks.get(c).and_then(word_text) else {
                return Ok(None);
            };
            let (verb, what) = (w(c + 1), w(c + 2));
            let setting = match (verb.as_str(), what.as_str()) {
                ("SET", "STATISTICS") => {
                    let value = match (toks.get(c + 3), toks.get(c + 4)) {
                        (Some(Token::Minus), Some(Token::Number(n, _))) => {
                            return done(
                                c + 5,
                                Sub::Column(
                                    column,
                                    Setting::Statistics(
                                        n.parse::<i32>().ok().map(|n| -n).filter(|n| *n >= 0),
                                    ),
                                ),
                            );
                        }
                        (Some(Token::Number(n, _)), _) => {
                            Some(n.parse::<i32>().map_err(|_| "not a statistics target")?)
                        }
                        (t, _) if kw(t).as_deref() == Some("DEFAULT") => None,
                        _ => return Err("expected a statistics target".into()),
                    };
                    return done(c + 4, Sub::Column(column, Setting::Statistics(value)));
                }
                ("SET", "STORAGE") => Setting::Storage(storage(toks.get(c + 3))?),
                ("SET", "COMPRESSION") => Setting::Compression(word_or_default(toks.get(c + 3))?),
                ("SET" | "RESET", _) if matches!(toks.get(c + 2), Some(Token::LParen)) => {
                    let (list, j) = bracketed(toks, c + 2)?;
                    let list = params(list, verb == "RESET")?;
                    return done(j, Sub::Column(column, Setting::Options(list)));
                }
                _ => return Ok(None),
            };
            done(c + 4, Sub::Column(column, setting))
        }
        _ => Ok(None),
    }
}

impl Cx<'_> {
    /// An `ALTER TABLE` every subcommand of which is a settings one, applied (column settings
    /// recorded for [`replay`]); `false`, reading nothing, for any other.
    pub(super) fn table_settings(&mut self, st: &RawStatement<'_>, line: u32) -> bool {
        let Ok(toks) = tokens(st.text) else {
            return false;
        };
        let toks: Vec<Token> = toks
            .into_iter()
            .filter(|t| !matches!(t, Token::SemiColon))
            .collect();
        let mut i = 2;
        let if_exists = kw(toks.get(i)).as_deref() == Some("IF")
            && kw(toks.get(i + 1)).as_deref() == Some("EXISTS");
        if if_exists {
            i += 2;
        }
        let only = kw(toks.get(i)).as_deref() == Some("ONLY");
        if only {
            i += 1;
        }
        let Some((parts, mut j)) = qualified(&toks, i) else {
            return false;
        };
        let mut recurse = !only;
        if matches!(toks.get(j), Some(Token::Mul)) {
            recurse = true;
            j += 1;
        }
        let mut subs = Vec::new();
        for item in split_commas(&toks[j..]) {
            match sub(item) {
                Ok(Some(s)) => subs.push(s),
                Ok(None) => return false,
                Err(e) => {
                    // What the settings are is not known: none is compared on this side.
                    self.schema.hidden.settings = true;
                    self.diag(
                        Severity::Warning,
                        DiagKind::Syntax,
                        format!(
                            "could not read ALTER TABLE (line {line}): {e}; table and column settings not compared"
                        ),
                        st.start,
                        st.end,
                    );
                    return true;
                }
            }
        }
        if subs.is_empty() {
            return false;
        }
        let name = resolve(&parts, &self.search_path);
        if !self.schema.tables.contains_key(&name) {
            if !if_exists {
                let (sev, what) = if self.names_a_view(&name) {
                    (
                        Severity::Warning,
                        "a view's or materialized view's settings are not compared",
                    )
                } else {
                    (Severity::Error, "no such table here")
                };
                self.diag(
                    sev,
                    DiagKind::UnknownObject,
                    format!("ALTER TABLE {name} (line {line}): {what}"),
                    st.start,
                    st.end,
                );
            }
            return true;
        }
        for s in subs {
            match s {
                Sub::Options(list) => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        apply_params(&mut t.options, list);
                    }
                }
                Sub::Replica(r) => {
                    if let Some(t) = self.schema.table_mut(&name) {
                        t.replica_identity = r;
                    }
                }
                Sub::Column(column, setting) => self.settings_events.push(Event::Column {
                    table: name.clone(),
                    column,
                    setting,
                    recurse,
                    start: st.start,
                    end: st.end,
                }),
            }
        }
        true
    }

    /// `CREATE TABLE … WITH (…)`: the table's storage parameters.
    pub(super) fn create_table_options(
        &mut self,
        table: &mut Table,
        options: &[ast::SqlOption],
        st: &RawStatement<'_>,
    ) {
        let read: Result<Vec<(String, Option<String>)>, String> = options
            .iter()
            .map(|o| {
                let (key, value) = match o {
                    ast::SqlOption::KeyValue { key, value } => (key, Some(value)),
                    ast::SqlOption::Ident(key) => (key, None),
                    _ => return Err("an option of another kind".into()),
                };
                let name: Vec<String> = key.0.iter().map(part_text).collect();
                let value = match value.map(strip_nested) {
                    None => "true".to_string(),
                    Some(ast::Expr::Value(v)) => match &v.value {
                        Value::SingleQuotedString(s) => s.clone(),
                        Value::Number(n, _) => n.clone(),
                        Value::Boolean(b) => b.to_string(),
                        _ => return Err("cannot read a value".into()),
                    },
                    Some(ast::Expr::Identifier(i)) => ident(i),
                    Some(ast::Expr::UnaryOp {
                        op: ast::UnaryOperator::Minus,
                        expr,
                    }) => match strip_nested(expr) {
                        ast::Expr::Value(v) => match &v.value {
                            Value::Number(n, _) => format!("-{n}"),
                            _ => return Err("cannot read a value".into()),
                        },
                        _ => return Err("cannot read a value".into()),
                    },
                    Some(_) => return Err("cannot read a value".into()),
                };
                Ok((name.join("."), Some(value)))
            })
            .collect();
        match read {
            Ok(list) => apply_params(&mut table.options, list),
            Err(e) => {
                self.schema.hidden.settings = true;
                self.diag(
                    Severity::Warning,
                    DiagKind::IgnoredClause,
                    format!(
                        "CREATE TABLE {} (line {}): its storage parameters could not be read ({e}); table and column settings not compared",
                        table.name, table.span.line
                    ),
                    st.start,
                    st.end,
                );
            }
        }
    }

    /// Replays the column settings once children have their parents' columns (see the module).
    pub(super) fn replay_settings(&mut self) {
        let events = std::mem::take(&mut self.settings_events);
        // The children each table has so far.
        let mut children: BTreeMap<QualName, Vec<QualName>> = BTreeMap::new();
        for e in events {
            match e {
                Event::Created(child, parents) => {
                    for p in &parents {
                        children.entry(p.clone()).or_default().push(child.clone());
                        let Some(parent) = self.schema.tables.get(p).cloned() else {
                            continue;
                        };
                        let Some(t) = self.schema.table_mut(&child) else {
                            continue;
                        };
                        for pc in &parent.columns {
                            if t.column(&pc.name).is_none() {
                                continue;
                            }
                            let from = parent.settings_of(&pc.name);
                            let mut s = t.settings_of(&pc.name);
                            s.storage = from.storage;
                            s.compression = from.compression;
                            t.set_column_settings(&pc.name, s);
                        }
                    }
                }
                Event::Column {
                    table,
                    column,
                    setting,
                    recurse,
                    start,
                    end,
                } => {
                    let reaches =
                        recurse && matches!(setting, Setting::Statistics(_) | Setting::Storage(_));
                    let mut targets = vec![table.clone()];
                    let mut k = 0;
                    while reaches && k < targets.len() && targets.len() < 10_000 {
                        for c in children.get(&targets[k]).cloned().unwrap_or_default() {
                            if !targets.contains(&c) {
                                targets.push(c);
                            }
                        }
                        k += 1;
                    }
                    let mut found = false;
                    for name in &targets {
                        let Some(t) = self.schema.table_mut(name) else {
                            continue;
                        };
                        if t.column(&column).is_some() {
                            found |= *name == table;
                            let mut s = t.settings_of(&column);
                            apply_setting(&mut s, &setting);
                            t.set_column_settings(&column, s);
                        }
                    }
                    if !found {
                        self.diag(
                            Severity::Warning,
                            DiagKind::UnknownObject,
                            format!(
                                "ALTER TABLE {table} ALTER COLUMN {}: no such column here; not compared",
                                quote_ident(&column)
                            ),
                            start,
                            end,
                        );
                    }
                }
            }
        }
        // A storage the column's type has anyway is no setting (PostgreSQL prints none).
        let defaults: Vec<(QualName, String, Option<&'static str>)> = self
            .schema
            .tables
            .values()
            .flat_map(|t| {
                t.column_settings
                    .iter()
                    .filter(|(_, s)| s.storage.is_some())
                    .filter_map(|(c, _)| {
                        let ty = t.column(c)?.data_type.to_string();
                        Some((t.name.clone(), c.clone(), self.schema.storage_of(&ty)))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for (table, column, default) in defaults {
            let Some(t) = self.schema.table_mut(&table) else {
                continue;
            };
            let mut s = t.settings_of(&column);
            if s.storage.as_deref().is_some_and(|x| Some(x) == default) {
                s.storage = None;
                t.set_column_settings(&column, s);
            }
        }
    }
}

/// `SET (…)` (values) or `RESET (…)` (none) of parameters.
fn apply_params(p: &mut Params, list: Vec<(String, Option<String>)>) {
    for (name, value) in list {
        match value {
            Some(v) => p.set(&name, &v),
            None => p.reset(&name),
        }
    }
}

fn apply_setting(s: &mut ColumnSettings, setting: &Setting) {
    match setting {
        Setting::Statistics(n) => s.statistics = *n,
        Setting::Storage(x) => s.storage = x.clone(),
        Setting::Compression(x) => s.compression = x.clone(),
        Setting::Options(list) => apply_params(&mut s.options, list.clone()),
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::{QualName, ReplicaIdentity, Schema};

    fn read(sql: &str) -> Schema {
        let (schema, diags) = super::apply_ddl(Schema::default(), sql);
        assert!(
            diags.iter().all(|d| d.severity != crate::Severity::Error),
            "{diags:?}"
        );
        schema
    }

    fn setting(s: &Schema, table: &str, column: &str) -> String {
        let t = &s.tables[&QualName::new("public", table)];
        serde_json::to_string(&t.settings_of(column)).unwrap()
    }

    #[test]
    fn each_statement_has_the_effect_it_had_when_it_ran() {
        let s = read(
            "CREATE TABLE p (id int, body text, j jsonb);
             ALTER TABLE p ALTER COLUMN body SET STORAGE EXTERNAL, ALTER j SET COMPRESSION lz4;
             CREATE TABLE c () INHERITS (p);
             ALTER TABLE p ALTER COLUMN j SET COMPRESSION pglz, ALTER COLUMN body SET STATISTICS 90;
             ALTER TABLE ONLY p ALTER COLUMN body SET STORAGE MAIN;
             CREATE TABLE d (id int, body text);
             ALTER TABLE d INHERIT p;",
        );
        // Created after the storage and compression were set: it took them; the statistics
        // reached it (no ONLY), the later compression and the ONLY storage did not.
        assert_eq!(
            setting(&s, "c", "body"),
            r#"{"statistics":90,"storage":"external"}"#
        );
        assert_eq!(setting(&s, "c", "j"), r#"{"compression":"lz4"}"#);
        assert_eq!(
            setting(&s, "p", "body"),
            r#"{"statistics":90,"storage":"main"}"#
        );
        assert_eq!(setting(&s, "p", "j"), r#"{"compression":"pglz"}"#);
    }

    #[test]
    fn parameters_identity_and_inline_clauses() {
        let s = read(
            "CREATE TABLE t (id int PRIMARY KEY, doc text COMPRESSION lz4, n numeric STORAGE MAIN,
                 b text STORAGE EXTERNAL) WITH (fillfactor = 70, toast.autovacuum_enabled = off);
             ALTER TABLE t SET (autovacuum_enabled = false), RESET (fillfactor);
             ALTER TABLE t REPLICA IDENTITY USING INDEX t_pkey;
             ALTER TABLE t ALTER COLUMN n SET (n_distinct = -0.5);",
        );
        let t = &s.tables[&QualName::new("public", "t")];
        assert_eq!(
            t.options.0,
            ["toast.autovacuum_enabled=off", "autovacuum_enabled=false"]
        );
        assert_eq!(t.replica_identity, ReplicaIdentity::Index("t_pkey".into()));
        assert_eq!(setting(&s, "t", "doc"), r#"{"compression":"lz4"}"#);
        // numeric stores MAIN anyway: no setting.
        assert_eq!(setting(&s, "t", "n"), r#"{"options":["n_distinct=-0.5"]}"#);
        assert_eq!(setting(&s, "t", "b"), r#"{"storage":"external"}"#);
    }

    #[test]
    fn an_unknown_storage_is_refused_not_read() {
        let (s, diags) = super::apply_ddl(
            Schema::default(),
            "CREATE TABLE t (b text);\nALTER TABLE t ALTER b SET STORAGE \"x; DROP TABLE t\";",
        );
        assert!(
            diags.iter().any(|d| d.message.contains("unknown storage")),
            "{diags:?}"
        );
        assert_eq!(setting(&s, "t", "b"), "{}");
    }
}

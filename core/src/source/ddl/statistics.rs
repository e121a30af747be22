//! Extended statistics objects: `CREATE STATISTICS`, `ALTER STATISTICS … SET STATISTICS`,
//! `DROP STATISTICS` and `COMMENT ON STATISTICS`, read token by token (the parser has none of
//! them). A form not read leaves every statistics object of the text not compared.

use sqlparser::tokenizer::Token;

use super::composites::item_end;
use super::routines::{closing, join, kw, qualified, tokens, word_text};
use super::*;
use crate::schema::{Statistics, StatisticsKey};

/// The kinds in PostgreSQL's order.
const KINDS: [&str; 3] = ["ndistinct", "dependencies", "mcv"];

/// Whether the statistics object `s` covers the column `column` (as a key or in an
/// expression).
pub(super) fn names_column(s: &Statistics, column: &str) -> bool {
    s.keys.iter().any(|k| match &k.column {
        Some(c) => c == column,
        None => tokens(&k.expr.sql)
            .unwrap_or_default()
            .iter()
            .any(|t| word_text(t).as_deref() == Some(column)),
    })
}

impl Cx<'_> {
    /// Reads a statement on statistics objects; one not read leaves them all not compared.
    pub(super) fn statistics_statement(&mut self, st: &RawStatement<'_>, kind: &str, line: u32) {
        let read = match kind {
            "CREATE STATISTICS" => self.create_statistics(st),
            "ALTER STATISTICS" => self.alter_statistics(st),
            "DROP STATISTICS" => self.drop_statistics(st),
            _ => self.comment_statistics(st),
        };
        if let Err(e) = read {
            self.schema.hidden.statistics = true;
            let why = format!("{e}; no statistics object of this text is compared");
            self.unreadable(st, kind, line, &why);
        }
    }

    /// The table holding the statistics object `name`, and its index there.
    fn statistics_at(&self, name: &QualName) -> Option<(QualName, usize)> {
        self.schema.tables.values().find_map(|t| {
            let i = t.statistics.iter().position(|s| s.name == *name)?;
            Some((t.name.clone(), i))
        })
    }

    fn statistics_mut(&mut self, name: &QualName) -> Result<&mut Statistics, String> {
        let (table, i) = self
            .statistics_at(name)
            .ok_or_else(|| format!("no statistics object {name} here"))?;
        let t = self.schema.table_mut(&table).ok_or("no table")?;
        Ok(&mut t.statistics[i])
    }

    /// `CREATE STATISTICS [IF NOT EXISTS] name [(kind, …)] ON key, … FROM table`.
    fn create_statistics(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let mut i = 2;
        let if_not_exists = kw(toks.get(i)).as_deref() == Some("IF");
        if if_not_exists {
            i += 3;
        }
        if kw(toks.get(i)).as_deref() == Some("ON") {
            return Err("a statistics object without a name".into());
        }
        let (parts, next) = qualified(&toks, i).ok_or("no name")?;
        let name = resolve(&parts, &self.search_path);
        i = next;
        let mut kinds = Vec::new();
        if matches!(toks.get(i), Some(Token::LParen)) {
            let close = closing(&toks, i).ok_or("unbalanced brackets")?;
            for t in &toks[i + 1..close] {
                match t {
                    Token::Comma => {}
                    _ => {
                        let k = word_text(t).ok_or("expected a kind of statistics")?;
                        if !KINDS.contains(&k.as_str()) {
                            return Err(format!("unknown kind {k}"));
                        }
                        kinds.push(k);
                    }
                }
            }
            i = close + 1;
        }
        kinds = KINDS
            .iter()
            .filter(|k| kinds.iter().any(|x| x == *k))
            .map(|k| k.to_string())
            .collect();
        if kinds.len() == KINDS.len() {
            kinds.clear();
        }
        if kw(toks.get(i)).as_deref() != Some("ON") {
            return Err("expected ON".into());
        }
        let from = (i + 1..toks.len())
            .find(|&j| {
                kw(toks.get(j)).as_deref() == Some("FROM") && {
                    // FROM outside brackets.
                    let mut depth = 0i32;
                    toks[i + 1..j].iter().for_each(|t| match t {
                        Token::LParen => depth += 1,
                        Token::RParen => depth -= 1,
                        _ => {}
                    });
                    depth == 0
                }
            })
            .ok_or("expected FROM")?;
        let (tparts, after) = qualified(&toks, from + 1).ok_or("no table")?;
        if !matches!(toks.get(after), None | Some(Token::SemiColon)) {
            return Err(format!("unexpected {} after the table", toks[after]));
        }
        let table = resolve(&tparts, &self.search_path);
        let Some(t) = self.schema.tables.get(&table) else {
            return Err(format!("no table {table} here"));
        };
        let types: Vec<(String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.to_string(), c.data_type.to_string()))
            .collect();
        let mut keys = Vec::new();
        let mut j = i + 1;
        while j < from {
            let end = item_end(&toks, j, from);
            let mut item = &toks[j..end];
            if matches!(item.first(), Some(Token::LParen)) && closing(&toks, j) == Some(end - 1) {
                item = &item[1..item.len() - 1];
            }
            let key = match item {
                [t] if word_text(t).is_some() => {
                    let c = word_text(t).unwrap_or_default();
                    StatisticsKey {
                        expr: Expr {
                            sql: quote_ident(&c),
                            canon: quote_ident(&c),
                        },
                        column: Some(c),
                    }
                }
                [] => return Err("an empty key".into()),
                _ => StatisticsKey {
                    column: None,
                    expr: make_table_expr(
                        &expr_ast(&join(item))?,
                        types.clone(),
                        &self.schema.domains,
                    ),
                },
            };
            keys.push(key);
            j = end + 1;
        }
        if self.statistics_at(&name).is_some() {
            if if_not_exists {
                return Ok(());
            }
            return Err(format!("statistics object {name} given twice"));
        }
        let span = self.span(st.start, st.end);
        let t = self.schema.table_mut(&table).ok_or("no table")?;
        t.statistics.push(Statistics {
            name,
            kinds,
            keys,
            target: None,
            comment: None,
            span,
        });
        t.statistics.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// `ALTER STATISTICS name SET STATISTICS n` (`-1` or `DEFAULT`: none).
    fn alter_statistics(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let (parts, i) = qualified(&toks, 2).ok_or("no name")?;
        let name = resolve(&parts, &self.search_path);
        if kw(toks.get(i)).as_deref() != Some("SET")
            || kw(toks.get(i + 1)).as_deref() != Some("STATISTICS")
        {
            return Err("this form is not read".into());
        }
        let target = match toks.get(i + 2) {
            Some(Token::Number(n, _)) => n.parse::<i32>().map_err(|e| e.to_string())?,
            Some(Token::Minus) => match toks.get(i + 3) {
                Some(Token::Number(n, _)) => -n.parse::<i32>().map_err(|e| e.to_string())?,
                _ => return Err("expected a number".into()),
            },
            t if kw(t).as_deref() == Some("DEFAULT") => -1,
            _ => return Err("expected a number".into()),
        };
        self.statistics_mut(&name)?.target = (target >= 0).then_some(target);
        Ok(())
    }

    /// `DROP STATISTICS [IF EXISTS] name, …`.
    fn drop_statistics(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let mut i = 2;
        let if_exists = kw(toks.get(i)).as_deref() == Some("IF");
        if if_exists {
            i += 2;
        }
        while let Some((parts, next)) = qualified(&toks, i) {
            let name = resolve(&parts, &self.search_path);
            match self.statistics_at(&name) {
                Some((table, at)) => {
                    if let Some(t) = self.schema.table_mut(&table) {
                        t.statistics.remove(at);
                    }
                }
                None if if_exists => {}
                None => return Err(format!("no statistics object {name} here")),
            }
            i = next;
            if !matches!(toks.get(i), Some(Token::Comma)) {
                break;
            }
            i += 1;
        }
        Ok(())
    }

    /// `COMMENT ON STATISTICS name IS 'text' | NULL`.
    fn comment_statistics(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let (parts, i) = qualified(&toks, 3).ok_or("no name")?;
        let name = resolve(&parts, &self.search_path);
        if kw(toks.get(i)).as_deref() != Some("IS") {
            return Err("expected IS".into());
        }
        let comment = match toks.get(i + 1) {
            Some(Token::SingleQuotedString(s)) => Some(s.clone()),
            t if kw(t).as_deref() == Some("NULL") => None,
            _ => return Err("expected a string or NULL".into()),
        };
        self.statistics_mut(&name)?.comment = comment;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    fn read(sql: &str) -> crate::schema::Schema {
        let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        p.schema
    }

    /// Statistics objects as written and as `pg_dump` writes them read alike; a column
    /// dropped takes its objects along; a form not read leaves them all not compared.
    #[test]
    fn statistics_read_alike_written_and_dumped() {
        let table = "CREATE TABLE st (a int, b int, c text, d int);\n";
        let written = read(&format!(
            "{table}CREATE STATISTICS s1 (mcv, dependencies) ON a, b FROM st;
             COMMENT ON STATISTICS s1 IS 'hi';
             CREATE STATISTICS IF NOT EXISTS s2 (ndistinct, dependencies, mcv) ON a, (b), c FROM st;
             ALTER STATISTICS s2 SET STATISTICS 50;
             CREATE STATISTICS s3 ON (a+b), (lower(c)) FROM st;
             CREATE STATISTICS s4 ON d, a FROM st; ALTER TABLE st DROP COLUMN d;
             CREATE STATISTICS s5 ON a, c FROM st; DROP STATISTICS IF EXISTS s5, nothing;"
        ));
        let dumped = read(&format!(
            "{table}ALTER TABLE st DROP COLUMN d;
             CREATE STATISTICS public.s1 (dependencies, mcv) ON a, b FROM public.st;
             COMMENT ON STATISTICS public.s1 IS 'hi';
             CREATE STATISTICS public.s2 ON a, b, c FROM public.st;
             ALTER STATISTICS public.s2 SET STATISTICS 50;
             CREATE STATISTICS public.s3 ON (a + b), lower(c) FROM public.st;"
        ));
        let key = crate::schema::QualName::new("public", "st");
        let (w, d) = (&written.tables[&key], &dumped.tables[&key]);
        assert_eq!(w.statistics, d.statistics);
        let names: Vec<&str> = w.statistics.iter().map(|s| s.name.name.as_str()).collect();
        assert_eq!(names, ["s1", "s2", "s3"]);
        assert_eq!(w.statistics[1].target, Some(50));
        assert!(w.statistics[1].kinds.is_empty());
        let unread = read(&format!(
            "{table}CREATE STATISTICS s1 ON a, b FROM st; ALTER STATISTICS s1 RENAME TO s9;"
        ));
        assert!(unread.hidden.statistics);
    }
}

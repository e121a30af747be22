//! Composite types: `CREATE TYPE name AS (…)`, `ALTER TYPE … ADD | DROP | ALTER | RENAME
//! ATTRIBUTE`, `DROP TYPE`, and their comments, read token by token.

use sqlparser::tokenizer::Token;

use super::routines::{closing, join, kw, qualified, tokens, word_text};
use super::*;
use crate::schema::{Attribute, CompositeType};

/// Whether `text` is `CREATE TYPE name AS (` (a composite type, not an enum or a range).
pub(super) fn is_composite(text: &str) -> bool {
    let Ok(toks) = tokens(text) else {
        return false;
    };
    let Some((_, i)) = qualified(&toks, 2) else {
        return false;
    };
    kw(toks.get(i)).as_deref() == Some("AS") && matches!(toks.get(i + 1), Some(Token::LParen))
}

impl Cx<'_> {
    /// `CREATE TYPE name AS (attribute type [COLLATE c], …)`.
    pub(super) fn create_composite(&mut self, st: &RawStatement<'_>, line: u32) {
        if let Err(e) = self.read_composite(st) {
            // Known to exist, not read: never created or dropped.
            let toks = tokens(st.text).unwrap_or_default();
            if let Some((parts, _)) = qualified(&toks, 2) {
                let name = resolve(&parts, &self.search_path);
                self.schema.composites.remove(&name);
                self.schema.external.insert(name);
            }
            self.unreadable(st, "CREATE TYPE", line, &e);
        }
    }

    fn read_composite(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let (parts, i) = qualified(&toks, 2).ok_or("no type name")?;
        let name = resolve(&parts, &self.search_path);
        let close = closing(&toks, i + 1).ok_or("unbalanced brackets")?;
        if !matches!(toks.get(close + 1), None | Some(Token::SemiColon)) {
            return Err(format!(
                "unexpected {} after the attributes",
                toks[close + 1]
            ));
        }
        let mut attributes = Vec::new();
        let mut j = i + 2;
        while j < close {
            let end = item_end(&toks, j, close);
            let a = self.attribute(&toks[j..end])?;
            if attributes.iter().any(|b: &Attribute| b.name == a.name) {
                return Err(format!("attribute {} given twice", a.name));
            }
            attributes.push(a);
            j = end + 1;
        }
        let span = self.span(st.start, st.end);
        self.schema.composites.insert(
            name.clone(),
            CompositeType {
                name,
                attributes,
                comment: None,
                span,
            },
        );
        Ok(())
    }

    /// `name type [COLLATE collation]`.
    fn attribute(&self, toks: &[Token]) -> Result<Attribute, String> {
        let name = toks
            .first()
            .and_then(word_text)
            .ok_or("no attribute name")?;
        let collate = toks
            .iter()
            .position(|t| kw(Some(t)).as_deref() == Some("COLLATE"))
            .unwrap_or(toks.len());
        if collate <= 1 {
            return Err(format!("attribute {name} has no type"));
        }
        let data_type = self.on_path(&join(&toks[1..collate]));
        let collation = match toks.get(collate + 1) {
            Some(_) => {
                let (parts, next) = qualified(toks, collate + 1).ok_or("no collation name")?;
                if next != toks.len() {
                    return Err(format!("unexpected {} after attribute {name}", toks[next]));
                }
                Some(collation_name(&parts))
            }
            None if collate < toks.len() => return Err("no collation name".into()),
            None => None,
        };
        Ok(Attribute {
            name,
            data_type,
            collation,
            comment: None,
        })
    }

    /// `ALTER TYPE name ADD ATTRIBUTE …, DROP ATTRIBUTE …, ALTER ATTRIBUTE … TYPE …` and
    /// `RENAME ATTRIBUTE a TO b` on a composite type; `false` when `name` is none.
    pub(super) fn alter_composite(&mut self, st: &RawStatement<'_>, line: u32) -> bool {
        let Ok(toks) = tokens(st.text) else {
            return false;
        };
        let Some((parts, i)) = qualified(&toks, 2) else {
            return false;
        };
        let name = resolve(&parts, &self.search_path);
        let Some(mut ty) = self.schema.composites.get(&name).cloned() else {
            return false;
        };
        match self.read_alter_composite(&toks, i, &mut ty) {
            Ok(()) => {
                self.schema.composites.insert(name, ty);
            }
            Err(e) => {
                // What the type is now is not known: not compared.
                self.schema.composites.remove(&name);
                self.schema.external.insert(name);
                self.diag(
                    Severity::Warning,
                    DiagKind::OutOfScope,
                    format!("ALTER TYPE (line {line}): {e}; not compared"),
                    st.start,
                    st.end,
                );
            }
        }
        true
    }

    fn read_alter_composite(
        &self,
        toks: &[Token],
        mut i: usize,
        ty: &mut CompositeType,
    ) -> Result<(), String> {
        let end = toks
            .iter()
            .position(|t| matches!(t, Token::SemiColon))
            .unwrap_or(toks.len());
        if kw(toks.get(i)).as_deref() == Some("RENAME") {
            if kw(toks.get(i + 1)).as_deref() != Some("ATTRIBUTE")
                || kw(toks.get(i + 3)).as_deref() != Some("TO")
            {
                return Err("this form is not read".into());
            }
            let old = toks.get(i + 2).and_then(word_text).ok_or("no attribute")?;
            let new = toks.get(i + 4).and_then(word_text).ok_or("no new name")?;
            let a = ty.attributes.iter_mut().find(|a| a.name == old);
            a.ok_or(format!("no attribute {old}"))?.name = new;
            return Ok(());
        }
        while i < end {
            let stop = item_end(toks, i, end);
            let mut item = &toks[i..stop];
            // `CASCADE` reaches typed tables, `RESTRICT` is the default: the type is the same.
            if matches!(kw(item.last()).as_deref(), Some("CASCADE" | "RESTRICT")) {
                item = &item[..item.len() - 1];
            }
            let words: Vec<String> = item
                .iter()
                .take(2)
                .map(|t| kw(Some(t)).unwrap_or_default())
                .collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match words.as_slice() {
                ["ADD", "ATTRIBUTE"] => {
                    let a = self.attribute(&item[2..])?;
                    if ty.attribute(&a.name).is_some() {
                        return Err(format!("attribute {} exists", a.name));
                    }
                    ty.attributes.push(a);
                }
                ["DROP", "ATTRIBUTE"] => {
                    let mut j = 2;
                    let if_exists = kw(item.get(j)).as_deref() == Some("IF");
                    if if_exists {
                        j += 2;
                    }
                    let a = item.get(j).and_then(word_text).ok_or("no attribute")?;
                    if ty.attribute(&a).is_none() && !if_exists {
                        return Err(format!("no attribute {a}"));
                    }
                    ty.attributes.retain(|b| b.name != a);
                }
                ["ALTER", "ATTRIBUTE"] => {
                    let a = item.get(2).and_then(word_text).ok_or("no attribute")?;
                    let mut j = 3;
                    if kw(item.get(j)).as_deref() == Some("SET")
                        && kw(item.get(j + 1)).as_deref() == Some("DATA")
                    {
                        j += 2;
                    }
                    if kw(item.get(j)).as_deref() != Some("TYPE") {
                        return Err("this form is not read".into());
                    }
                    let mut rest = vec![item[2].clone()];
                    rest.extend_from_slice(&item[j + 1..]);
                    let new = self.attribute(&rest)?;
                    let old = ty.attributes.iter_mut().find(|b| b.name == a);
                    let old = old.ok_or(format!("no attribute {a}"))?;
                    old.data_type = new.data_type;
                    old.collation = new.collation;
                }
                _ => return Err("this form is not read".into()),
            }
            i = stop + 1;
        }
        Ok(())
    }

    /// `DROP TYPE [IF EXISTS] name, …` of enums, composite and range types; `false` when it names
    /// another kind of type (not read).
    pub(super) fn drop_type(&mut self, st: &RawStatement<'_>) -> bool {
        let Ok(toks) = tokens(st.text) else {
            return false;
        };
        let mut i = 2;
        if kw(toks.get(i)).as_deref() == Some("IF") {
            i += 2;
        }
        let mut names = Vec::new();
        while let Some((parts, next)) = qualified(&toks, i) {
            names.push(resolve(&parts, &self.search_path));
            i = next;
            if !matches!(toks.get(i), Some(Token::Comma)) {
                break;
            }
            i += 1;
        }
        let ours = |n: &QualName| {
            self.schema.enums.contains_key(n)
                || self.schema.composites.contains_key(n)
                || self.schema.ranges.contains_key(n)
        };
        if names.is_empty() || !names.iter().all(ours) {
            return false;
        }
        for n in names {
            self.schema.enums.remove(&n);
            self.schema.composites.remove(&n);
            self.schema.ranges.remove(&n);
        }
        true
    }

    /// `COMMENT ON COLUMN type.attribute IS …` on a composite type; `false` when the name
    /// is no attribute of one.
    pub(super) fn attribute_comment(&mut self, parts: &[String], comment: &Option<String>) -> bool {
        let Some((ty, attr)) = resolve_column(parts, &self.search_path) else {
            return false;
        };
        let Some(a) = self
            .schema
            .composites
            .get_mut(&ty)
            .and_then(|t| t.attributes.iter_mut().find(|a| a.name == attr))
        else {
            return false;
        };
        a.comment = comment.clone();
        true
    }
}

/// Where the comma-separated item starting at `from` ends (a comma outside brackets, or
/// `end`).
pub(super) fn item_end(toks: &[Token], from: usize, end: usize) -> usize {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().take(end).skip(from) {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            Token::Comma if depth == 0 => return j,
            _ => {}
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use crate::schema::{QualName, Schema};

    fn read(sql: &str) -> Schema {
        let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        p.schema
    }

    /// A composite type built up by `ALTER TYPE` and the same type as `pg_dump` writes it read
    /// alike; `DROP TYPE` removes one; a form not read leaves it not compared.
    #[test]
    fn composite_types_read_alike_written_and_dumped() {
        let written = read(
            "CREATE TYPE pair AS (x int, gone text, y varchar(5));
             ALTER TYPE pair ADD ATTRIBUTE z numeric(4, 1) COLLATE pg_catalog.\"C\" CASCADE;
             ALTER TYPE pair DROP ATTRIBUTE IF EXISTS gone, ALTER ATTRIBUTE y SET DATA TYPE text;
             ALTER TYPE pair DROP ATTRIBUTE IF EXISTS nothing RESTRICT;
             ALTER TYPE pair RENAME ATTRIBUTE x TO \"X\";
             ALTER TYPE pair ALTER ATTRIBUTE z TYPE text COLLATE \"C\";
             COMMENT ON TYPE pair IS 'p'; COMMENT ON COLUMN pair.z IS 'zed';
             CREATE TYPE empty AS ();
             CREATE TYPE old AS (a int); DROP TYPE IF EXISTS old;",
        );
        let dumped = read(
            "CREATE TYPE public.pair AS (\n\t\"X\" integer,\n\ty text,\n\tz text COLLATE pg_catalog.\"C\"\n);
             COMMENT ON TYPE public.pair IS 'p';
             COMMENT ON COLUMN public.pair.z IS 'zed';
             CREATE TYPE public.empty AS (\n);",
        );
        assert_eq!(written.composites, dumped.composites);
        let pair = &written.composites[&QualName::new("public", "pair")];
        let names: Vec<&str> = pair.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["X", "y", "z"]);
        assert_eq!(pair.attributes[2].collation.as_deref(), Some("C"));
        assert_eq!(pair.attributes[2].comment.as_deref(), Some("zed"));
        let unread = read("CREATE TYPE e AS (a int); ALTER TYPE e SET SCHEMA other;");
        assert!(unread.composites.is_empty());
        assert!(unread.external.contains(&QualName::new("public", "e")));
    }

    /// Attributes kept in place where PostgreSQL can keep them: retyped in place unless a
    /// column stores the type, and otherwise dropped and added again with all after them.
    #[test]
    fn attribute_changes_keep_what_can_stay() {
        use crate::diff::{attribute_changes, AttributeChange as A};
        let ty = |sql: &str| {
            let s = read(sql);
            s.composites.into_values().next().unwrap()
        };
        let from = ty("CREATE TYPE t AS (a int, b int, c int)");
        let to = ty("CREATE TYPE t AS (a int, b bigint, c int, d int)");
        let names = |v: Vec<A>| -> Vec<String> {
            v.into_iter()
                .map(|c| match c {
                    A::Drop(a) => format!("-{a}"),
                    A::Add(a) => format!("+{}", a.name),
                    A::Retype(a) => format!("~{}", a.name),
                    A::Comment(a, _) => format!("#{a}"),
                })
                .collect()
        };
        assert_eq!(names(attribute_changes(&from, &to, false)), ["~b", "+d"]);
        assert_eq!(
            names(attribute_changes(&from, &to, true)),
            ["-b", "-c", "+b", "+c", "+d"]
        );
        let moved = ty("CREATE TYPE t AS (a int, c int, b int)");
        assert_eq!(names(attribute_changes(&from, &moved, false)), ["-b", "+b"]);
        assert!(attribute_changes(&from, &from, true).is_empty());
    }
}

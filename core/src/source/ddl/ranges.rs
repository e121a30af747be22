//! Range types: `CREATE TYPE name AS RANGE (…)`, read token by token (PostgreSQL alters none:
//! a range type is made, commented and dropped).

use sqlparser::tokenizer::Token;

use super::composites::item_end;
use super::routines::{closing, join, kw, qualified, tokens};
use super::*;
use crate::schema::RangeType;

/// Whether `text` is `CREATE TYPE name AS RANGE`.
pub(super) fn is_range(text: &str) -> bool {
    let Ok(toks) = tokens(text) else {
        return false;
    };
    let Some((_, i)) = qualified(&toks, 2) else {
        return false;
    };
    kw(toks.get(i)).as_deref() == Some("AS") && kw(toks.get(i + 1)).as_deref() == Some("RANGE")
}

/// A name as the catalog prints it on the search path `public`: without `pg_catalog.` or
/// `public.`.
fn short_name(parts: Vec<String>) -> String {
    match parts.as_slice() {
        [s, n] if s == "pg_catalog" || s == "public" => crate::quote::quote_ident(n),
        _ => parts
            .iter()
            .map(|p| crate::quote::quote_ident(p))
            .collect::<Vec<_>>()
            .join("."),
    }
}

impl Cx<'_> {
    /// `CREATE TYPE name AS RANGE (SUBTYPE = t [, SUBTYPE_OPCLASS = c] [, COLLATION = c]
    /// [, CANONICAL = f] [, SUBTYPE_DIFF = f] [, MULTIRANGE_TYPE_NAME = n])`.
    pub(super) fn create_range(&mut self, st: &RawStatement<'_>, line: u32) {
        if let Err(e) = self.read_range(st) {
            // Known to exist, not read: never created or dropped.
            let toks = tokens(st.text).unwrap_or_default();
            if let Some((parts, _)) = qualified(&toks, 2) {
                let name = resolve(&parts, &self.search_path);
                self.schema.ranges.remove(&name);
                self.schema.external.insert(name);
            }
            self.unreadable(st, "CREATE TYPE … AS RANGE", line, &e);
        }
    }

    fn read_range(&mut self, st: &RawStatement<'_>) -> Result<(), String> {
        let toks = tokens(st.text)?;
        let (parts, i) = qualified(&toks, 2).ok_or("no type name")?;
        let name = resolve(&parts, &self.search_path);
        let open = i + 2;
        if !matches!(toks.get(open), Some(Token::LParen)) {
            return Err("no ( after AS RANGE".into());
        }
        let close = closing(&toks, open).ok_or("unbalanced brackets")?;
        let mut range = RangeType {
            name: name.clone(),
            subtype: Default::default(),
            subtype_opclass: None,
            collation: None,
            canonical: None,
            subtype_diff: None,
            multirange: None,
            comment: None,
            span: self.span(st.start, st.end),
        };
        let mut subtype = false;
        let mut j = open + 1;
        while j < close {
            let key = kw(toks.get(j)).ok_or("expected an option name")?;
            if !matches!(toks.get(j + 1), Some(Token::Eq)) {
                return Err(format!("expected = after {key}"));
            }
            let end = item_end(&toks, j + 2, close);
            let value = &toks[j + 2..end];
            let name_of = |what: &str| -> Result<Vec<String>, String> {
                match qualified(value, 0) {
                    Some((parts, n)) if n == value.len() => Ok(parts),
                    _ => Err(format!("{what} is not a name")),
                }
            };
            match key.as_str() {
                "SUBTYPE" => {
                    range.subtype = self.on_path(&join(value));
                    subtype = true;
                }
                "SUBTYPE_OPCLASS" => range.subtype_opclass = Some(short_name(name_of(&key)?)),
                "COLLATION" => range.collation = Some(collation_name(&name_of(&key)?)),
                "CANONICAL" => range.canonical = Some(short_name(name_of(&key)?)),
                "SUBTYPE_DIFF" => range.subtype_diff = Some(short_name(name_of(&key)?)),
                "MULTIRANGE_TYPE_NAME" => {
                    let m = resolve(&name_of(&key)?, &self.search_path);
                    range.multirange = (m != RangeType::default_multirange(&name)).then_some(m);
                }
                _ => return Err(format!("option {key} is not read")),
            }
            j = end + 1;
        }
        if !subtype {
            return Err("no SUBTYPE".into());
        }
        self.schema.ranges.insert(name, range);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::QualName;

    /// A range type as written and as `pg_dump` writes it (qualified names, the multirange
    /// type always named) read alike; an option not read leaves it not compared.
    #[test]
    fn range_types_read_alike_written_and_dumped() {
        let read = |sql: &str| {
            let (_, p) = crate::parse(sql, Some(crate::Format::Sql));
            assert!(!p.has_errors(), "{:?}", p.diagnostics);
            p.schema
        };
        let written = read(
            "CREATE TYPE floatrange AS RANGE (SUBTYPE = float8, subtype_diff = float8mi);
             CREATE TYPE textrange AS RANGE (subtype = text, collation = \"C\");
             COMMENT ON TYPE textrange IS 't';
             CREATE TYPE gone AS RANGE (subtype = date); DROP TYPE gone;",
        );
        let dumped = read(
            "CREATE TYPE public.floatrange AS RANGE (\n    subtype = double precision,\n    multirange_type_name = public.floatmultirange,\n    subtype_diff = pg_catalog.float8mi\n);
             CREATE TYPE public.textrange AS RANGE (\n    subtype = text,\n    multirange_type_name = public.textmultirange,\n    collation = pg_catalog.\"C\"\n);
             COMMENT ON TYPE public.textrange IS 't';",
        );
        assert_eq!(written.ranges, dumped.ranges);
        assert_eq!(written.ranges.len(), 2);
        let f = &written.ranges[&QualName::new("public", "floatrange")];
        assert_eq!(f.subtype.as_str(), "double precision");
        assert_eq!(f.subtype_diff.as_deref(), Some("float8mi"));
        assert_eq!(f.multirange, None);
        let named =
            read("CREATE TYPE shift AS RANGE (subtype = time, multirange_type_name = shifts)");
        let s = &named.ranges[&QualName::new("public", "shift")];
        assert_eq!(s.multirange, Some(QualName::new("public", "shifts")));
        let unread = read("CREATE TYPE r AS RANGE (subtype = int, storage = plain)");
        assert!(unread.ranges.is_empty());
        assert!(unread.external.contains(&QualName::new("public", "r")));
    }
}

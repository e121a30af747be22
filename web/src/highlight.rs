//! Syntax highlighting for the editors and the output: text → (class, piece) tokens. Every
//! character of the input is in exactly one token, so the highlighted text lines up with the
//! editor's text underneath.

/// What kind of text a token is (a CSS class, `None` for plain text).
pub type Class = Option<&'static str>;

/// The language to highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// SQL (also used for psql pastes, whose cells hold SQL).
    Sql,
    /// Python.
    Python,
    /// JSON.
    Json,
}

const SQL_KEYWORDS: &[&str] = &[
    "ADD",
    "ALTER",
    "ALWAYS",
    "AND",
    "AS",
    "ASC",
    "BEFORE",
    "BY",
    "CASCADE",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMENT",
    "CONSTRAINT",
    "CREATE",
    "DEFAULT",
    "DEFERRABLE",
    "DELETE",
    "DESC",
    "DROP",
    "ENUM",
    "EXISTS",
    "FOREIGN",
    "FROM",
    "GENERATED",
    "IDENTITY",
    "IF",
    "INCLUDE",
    "INDEX",
    "INITIALLY",
    "IS",
    "KEY",
    "NOT",
    "NULL",
    "ON",
    "OR",
    "OWNED",
    "PRIMARY",
    "REFERENCES",
    "RENAME",
    "SCHEMA",
    "SEQUENCE",
    "SET",
    "STORED",
    "TABLE",
    "TO",
    "TYPE",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VALUE",
    "WHERE",
    "WITH",
];

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "class", "def", "else", "for", "from", "if", "import",
    "in", "is", "lambda", "not", "or", "pass", "return", "with",
];

/// Splits `text` into highlighted tokens.
pub fn tokens(text: &str, lang: Lang) -> Vec<(Class, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(Class, String)> = Vec::new();
    let mut push = |class: Class, s: String| match out.last_mut() {
        Some((c, prev)) if *c == class => prev.push_str(&s),
        _ => out.push((class, s)),
    };
    let mut i = 0;
    let take_until = |i: usize, end: &dyn Fn(usize) -> bool| {
        let mut j = i;
        while j < chars.len() && !end(j) {
            j += 1;
        }
        j
    };
    while i < chars.len() {
        let c = chars[i];
        let rest = |n: usize| chars.get(i + n).copied();
        let (class, j): (Class, usize) = match (lang, c) {
            (Lang::Sql, '-') if rest(1) == Some('-') => {
                (Some("cm"), take_until(i, &|j| chars[j] == '\n'))
            }
            (Lang::Python, '#') => (Some("cm"), take_until(i, &|j| chars[j] == '\n')),
            (Lang::Sql, '/') if rest(1) == Some('*') => {
                let mut j = i + 2;
                while j < chars.len() && !(chars[j] == '*' && chars.get(j + 1) == Some(&'/')) {
                    j += 1;
                }
                (Some("cm"), (j + 2).min(chars.len()))
            }
            (_, '\'' | '"') => {
                let triple = lang == Lang::Python && rest(1) == Some(c) && rest(2) == Some(c);
                let mut j = i + if triple { 3 } else { 1 };
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if lang != Lang::Sql && chars[j] == '\\' {
                        j += 2;
                        continue;
                    }
                    if triple {
                        if chars[j] == c
                            && chars.get(j + 1) == Some(&c)
                            && chars.get(j + 2) == Some(&c)
                        {
                            j += 3;
                            break;
                        }
                    } else if chars[j] == c {
                        // SQL doubles a quote to escape it.
                        if lang == Lang::Sql && chars.get(j + 1) == Some(&c) {
                            j += 2;
                            continue;
                        }
                        j += 1;
                        break;
                    } else if chars[j] == '\n' && lang != Lang::Sql {
                        break;
                    }
                    j += 1;
                }
                let class = if lang == Lang::Sql && c == '"' {
                    "id"
                } else if lang == Lang::Json
                    && chars[j.min(chars.len())..]
                        .iter()
                        .find(|x| !x.is_whitespace())
                        == Some(&':')
                {
                    "key"
                } else {
                    "st"
                };
                (Some(class), j.min(chars.len()))
            }
            (_, d) if d.is_ascii_digit() => (
                Some("nu"),
                take_until(i, &|j| {
                    !(chars[j].is_ascii_alphanumeric() || chars[j] == '.')
                }),
            ),
            (_, a) if a.is_alphabetic() || a == '_' => {
                let j = take_until(i, &|j| !(chars[j].is_alphanumeric() || chars[j] == '_'));
                let word: String = chars[i..j].iter().collect();
                let class = match lang {
                    Lang::Sql if SQL_KEYWORDS.contains(&word.to_ascii_uppercase().as_str()) => {
                        Some("kw")
                    }
                    Lang::Python if PY_KEYWORDS.contains(&word.as_str()) => Some("kw"),
                    Lang::Json if matches!(word.as_str(), "true" | "false" | "null") => Some("kw"),
                    _ => None,
                };
                (class, j)
            }
            _ => (None, i + 1),
        };
        let j = j.max(i + 1);
        push(class, chars[i..j].iter().collect());
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str, lang: Lang) -> Vec<(Class, String)> {
        tokens(text, lang)
    }

    #[test]
    fn every_character_is_kept() {
        for (t, l) in [
            (
                "ALTER TABLE \"a\"\"b\" ADD x int DEFAULT 'it''s'; -- done\n/* c */",
                Lang::Sql,
            ),
            (
                "x = Column(String(255), doc=\"\"\"a\nb\"\"\")  # c\n'open",
                Lang::Python,
            ),
            ("{\"a\": [1, true, \"x\\\"y\"]}", Lang::Json),
            ("unterminated 'string", Lang::Sql),
        ] {
            let joined: String = tokens(t, l).into_iter().map(|(_, s)| s).collect();
            assert_eq!(joined, t);
        }
    }

    #[test]
    fn tokens_get_their_classes() {
        let t = classes("ALTER TABLE users -- why\n", Lang::Sql);
        assert_eq!(t[0], (Some("kw"), "ALTER".into()));
        assert!(t.contains(&(Some("cm"), "-- why".into())));
        let p = classes("class User(Base):  # m", Lang::Python);
        assert_eq!(p[0], (Some("kw"), "class".into()));
        let j = classes("{\"k\": \"v\"}", Lang::Json);
        assert!(j.contains(&(Some("key"), "\"k\"".into())));
        assert!(j.contains(&(Some("st"), "\"v\"".into())));
    }
}

//! Page parameters: what a link, an `<iframe>` or a `<schemafix-diff>` element asks the page to
//! show. They come from the query string and the fragment alike (the fragment wins; it never
//! reaches a server, so inline schemas belong there):
//!
//! `embed` (the compact widget), `readonly`, `from` / `to` (inline text), `from-src` / `to-src`
//! (URLs of files served beside the page, fetched by the page), `from-format` / `to-format`,
//! `allow-destructive`, `online`, `tab` (`sql`, `down`, `alembic`, `json`). A share link's `#s=…` is read
//! first and the other parameters apply on top of it. No DOM here, so it is tested natively.

use schemafix_core::Format;

use crate::share;
use crate::state::{State, Tab};

/// What the page was asked for besides the state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// The compact widget: no header, no share panel, the height reported to the parent page.
    pub embed: bool,
    /// Editors and options cannot be changed (tabs, copy and download still work).
    pub readonly: bool,
    /// The URL to fetch the current schema from.
    pub from_src: Option<String>,
    /// The URL to fetch the desired schema from.
    pub to_src: Option<String>,
    /// Parameters that were not understood, each with why; the page shows them.
    pub problems: Vec<String>,
}

/// Decodes `%XX` escapes and `+` (a space, as forms and `URLSearchParams` write it). A bad
/// escape is kept as it is; bytes that are not UTF-8 are replaced.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `key=value` pairs of a query string or fragment (with or without its `?`/`#`).
fn pairs(s: &str) -> Vec<(String, String)> {
    s.trim_start_matches(['?', '#'])
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

fn flag(value: &str) -> Option<bool> {
    match value {
        "" | "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn tab_of(value: &str) -> Option<Tab> {
    Tab::ALL.into_iter().find(|t| t.param() == value)
}

/// The state and parameters a page URL's query string and fragment ask for; `None` for the
/// state when they ask for nothing (the page then opens on the seed example).
pub fn read(query: &str, fragment: &str) -> (Option<State>, Params) {
    let mut params = Params::default();
    let frag = fragment.trim_start_matches('#');
    let mut state = None;
    let mut rest = frag;
    if frag.starts_with("s=") {
        let (link, after) = frag.split_once('&').unwrap_or((frag, ""));
        match share::decode(link) {
            Ok(s) => state = Some(s),
            Err(e) => params.problems.push(e),
        }
        rest = after;
    }
    let mut all = pairs(query);
    all.extend(pairs(rest));
    let linked = state.is_some();
    let mut s = state.unwrap_or_default();
    let mut touched = false;
    for (key, value) in all {
        let mut bad = |why: &str| params.problems.push(format!("parameter {key:?}: {why}"));
        match key.as_str() {
            "embed" | "readonly" | "allow-destructive" | "online" => match flag(&value) {
                Some(b) if key == "embed" => params.embed = b,
                Some(b) if key == "readonly" => params.readonly = b,
                Some(b) if key == "online" => {
                    s.online = b;
                    touched = true;
                }
                Some(b) => {
                    s.allow_destructive = b;
                    touched = true;
                }
                None => bad("expected 1 or 0, true or false"),
            },
            "from" => {
                s.from = value;
                touched = true;
            }
            "to" => {
                s.to = value;
                touched = true;
            }
            "from-src" | "to-src" if value.is_empty() => bad("needs a URL"),
            "from-src" => params.from_src = Some(value),
            "to-src" => params.to_src = Some(value),
            "from-format" | "to-format" => {
                let f = match value.as_str() {
                    "" | "auto" | "detect" => Some(None),
                    v => Format::from_name(v)
                        .filter(|f| *f != Format::Database)
                        .map(Some),
                };
                match f {
                    Some(f) if key == "from-format" => s.from_format = f,
                    Some(f) => s.to_format = f,
                    None => bad("expected sql, psql or sqlalchemy"),
                }
                touched |= f.is_some();
            }
            "tab" => match tab_of(&value) {
                Some(t) => {
                    s.tab = t;
                    touched = true;
                }
                None => bad("expected sql, down, alembic or json"),
            },
            _ => bad("not a schemafix parameter"),
        }
    }
    let asked = linked || touched || params.from_src.is_some() || params.to_src.is_some();
    (asked.then_some(s), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_takes_escapes_and_plus_and_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%20b+c%2B%22%3B"), "a b c+\";");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9t%C3%A9"), "été");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }

    #[test]
    fn a_plain_page_asks_for_nothing() {
        assert_eq!(read("", ""), (None, Params::default()));
        assert_eq!(read("?", "#"), (None, Params::default()));
    }

    #[test]
    fn embed_parameters_from_query_and_fragment() {
        let (s, p) = read(
            "?embed&readonly=1",
            "#from=CREATE%20TABLE%20a%20(x%20int)%3B&to-src=%2Fdocs%2Fmodels.py&tab=alembic&allow-destructive=true&from-format=sql&online=1",
        );
        assert!(p.embed && p.readonly, "{p:?}");
        assert_eq!(p.to_src.as_deref(), Some("/docs/models.py"));
        assert!(p.problems.is_empty(), "{p:?}");
        let s = s.unwrap();
        assert_eq!(s.from, "CREATE TABLE a (x int);");
        assert_eq!(s.to, "");
        assert_eq!(s.tab, Tab::Alembic);
        assert!(s.allow_destructive && s.online);
        assert_eq!(s.from_format, Some(Format::Sql));
    }

    #[test]
    fn the_fragment_wins_over_the_query() {
        let (s, p) = read("?embed=1&tab=json", "#embed=0&tab=down");
        assert!(!p.embed);
        assert_eq!(s.unwrap().tab, Tab::Down);
    }

    #[test]
    fn a_share_link_with_parameters_after_it() {
        let mut linked = State::initial();
        linked.tab = Tab::Json;
        let frag = format!("#{}&readonly", share::encode(&linked));
        let (s, p) = read("?embed", &frag);
        assert!(p.embed && p.readonly && p.problems.is_empty());
        assert_eq!(s, Some(linked.clone()));
        let frag = format!("#{}&tab=sql", share::encode(&linked));
        let (s, _) = read("", &frag);
        let s = s.unwrap();
        assert_eq!((s.tab, &s.from), (Tab::Sql, &linked.from));
    }

    #[test]
    fn parameters_not_understood_are_named_and_change_nothing() {
        let (s, p) = read(
            "?embed&readonly=maybe&colour=red",
            "#tab=html&from-format=cobol&from-src=",
        );
        assert!(p.embed && !p.readonly);
        assert_eq!(
            p.problems,
            [
                "parameter \"readonly\": expected 1 or 0, true or false",
                "parameter \"colour\": not a schemafix parameter",
                "parameter \"tab\": expected sql, down, alembic or json",
                "parameter \"from-format\": expected sql, psql or sqlalchemy",
                "parameter \"from-src\": needs a URL",
            ]
        );
        assert_eq!(s, None, "the page opens on the seed");
        let (_, p) = read("", "#s=!!!");
        assert_eq!(p.problems.len(), 1, "{p:?}");
    }
}

//! `Expr`: an expression as written and in canonical form, and when two count as equal.

use serde::{Deserialize, Serialize};

/// An SQL expression (default, check, predicate, index key), kept as text with its canonical form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expr {
    /// Valid PostgreSQL text for the expression, used when rendering.
    pub sql: String,
    /// The canonical form: equal for expressions PostgreSQL would store identically.
    pub canon: String,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.canon == other.canon
            || ((self.canon.contains(Expr::ZONELESS) || other.canon.contains(Expr::ZONELESS))
                && alike_but_zoneless(self.canon.as_bytes(), other.canon.as_bytes()))
    }
}

/// The length of the quoted literal `s` starts with (`'…'`, a doubled quote inside), if any.
pub(crate) fn literal_len(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'\'') {
        return None;
    }
    let mut i = 1;
    while i < s.len() {
        if s[i] == b'\'' {
            if s.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// Do canonical forms `a` and `b` read alike, a literal marked [`Expr::ZONELESS`] on either
/// side matching any literal of the other?
fn alike_but_zoneless(a: &[u8], b: &[u8]) -> bool {
    let marker = Expr::ZONELESS as u8;
    let wild = |s: &[u8]| literal_len(s).filter(|n| s.get(*n) == Some(&marker));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match (wild(&a[i..]), wild(&b[j..])) {
            (Some(n), _) => {
                let Some(m) = literal_len(&b[j..]) else {
                    return false;
                };
                i += n + 1;
                j += m + usize::from(b.get(j + m) == Some(&marker));
            }
            (None, Some(m)) => {
                let Some(n) = literal_len(&a[i..]) else {
                    return false;
                };
                i += n;
                j += m + 1;
            }
            (None, None) if a[i] == b[j] => {
                i += 1;
                j += 1;
            }
            (None, None) => return false,
        }
    }
    i == a.len() && j == b.len()
}

impl Expr {
    /// Marks, right after it in a canonical form, a literal whose value the text does not
    /// decide (a `timestamptz` without an offset: read in the time zone of the session that runs
    /// the statement). Such a literal matches any literal of the other side: not compared.
    pub const ZONELESS: char = '\u{1}';

    /// Is this, as the default of a column of type `ty`, a word the type's input reads as the
    /// moment the statement runs (`'now'`, `'today'` on a date or time)? PostgreSQL stores that
    /// moment, a constant no text can know, so such a default is not compared.
    pub fn moment_word(&self, ty: &str) -> bool {
        let moment = ty == "date" || ty.starts_with("time");
        moment
            && matches!(
                self.canon.to_ascii_lowercase().as_str(),
                "'now'" | "'today'" | "'tomorrow'" | "'yesterday'"
            )
    }
}
impl Eq for Expr {}

impl super::Hidden {
    /// Do a value of a side hiding tabs (`spaced`) and one of a side showing them (`tabbed`)
    /// read alike, each tab of `tabbed` printed as one to eight blanks (and a literal `tabbed`
    /// does not decide, [`super::Expr::ZONELESS`], matching any)?
    pub fn alike_but_tabs(spaced: &str, tabbed: &str) -> bool {
        fn go(s: &[u8], t: &[u8]) -> bool {
            // A literal the tabbed side does not decide (`super::Expr::ZONELESS`) matches any.
            let marker = super::Expr::ZONELESS as u8;
            if let Some(n) = literal_len(t).filter(|n| t.get(*n) == Some(&marker)) {
                return literal_len(s).is_some_and(|m| go(&s[m..], &t[n + 1..]));
            }
            match (s.first(), t.first()) {
                (_, Some(b'\t')) => (1..=8)
                    .take_while(|n| s.get(..*n).is_some_and(|x| x.iter().all(|c| *c == b' ')))
                    .any(|n| go(&s[n..], &t[1..])),
                (Some(a), Some(b)) => a == b && go(&s[1..], &t[1..]),
                (None, None) => true,
                _ => false,
            }
        }
        tabbed.contains('\t') && go(spaced.as_bytes(), tabbed.as_bytes())
    }
}

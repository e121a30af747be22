//! Python's `re` for the patterns that compute names (`(?<!^)(?=[A-Z])`, `([a-z0-9])([A-Z])`):
//! a backtracking matcher with `sre`'s semantics — alternatives and repetitions tried in
//! Python's order, fixed-width lookbehind, and `re.sub`/`re.split`'s rule for empty matches
//! (allowed next to a previous match, never twice at one place) — over ASCII text.
//!
//! What it does not read (flags, back references, Unicode text, a lookbehind of varying width)
//! is `None`: the name is then not known, never guessed.

use std::cell::Cell;

/// A parsed pattern.
#[derive(Debug, Clone)]
enum Node {
    /// One character matching the class.
    Char(Class),
    /// `^`, `\A`: the start; `$`, `\Z`: the end (of ASCII text without a newline).
    Start,
    End,
    /// `\b` and `\B`.
    WordBoundary(bool),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    /// A group: capturing (its number) or not.
    Group(Option<usize>, Box<Node>),
    /// `X{min,max}`, greedy or lazy.
    Repeat {
        node: Box<Node>,
        min: usize,
        max: Option<usize>,
        greedy: bool,
    },
    /// `(?=X)`, `(?!X)`, `(?<=X)`, `(?<!X)` (the lookbehind's width).
    Look {
        node: Box<Node>,
        negative: bool,
        behind: Option<usize>,
    },
}

/// A set of characters: ranges, negated or not.
#[derive(Debug, Clone)]
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl Class {
    fn one(c: char) -> Class {
        Class {
            ranges: vec![(c, c)],
            negated: false,
        }
    }

    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)) != self.negated
    }
}

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];

/// A compiled pattern: its tree and how many groups it captures.
#[derive(Debug)]
pub(super) struct Regex {
    node: Node,
    groups: usize,
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    groups: usize,
}

impl Parser<'_> {
    fn alt(&mut self) -> Option<Node> {
        let mut options = vec![self.seq()?];
        while self.chars.peek() == Some(&'|') {
            self.chars.next();
            options.push(self.seq()?);
        }
        Some(if options.len() == 1 {
            options.remove(0)
        } else {
            Node::Alt(options)
        })
    }

    fn seq(&mut self) -> Option<Node> {
        let mut items = Vec::new();
        while let Some(&c) = self.chars.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.repeat(atom)?);
        }
        Some(Node::Seq(items))
    }

    fn number(&mut self) -> Option<usize> {
        let mut s = String::new();
        while let Some(c) = self.chars.peek().filter(|c| c.is_ascii_digit()) {
            s.push(*c);
            self.chars.next();
        }
        s.parse().ok()
    }

    fn repeat(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.chars.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.chars.next();
                let min = self.number().unwrap_or(0);
                let max = match self.chars.next()? {
                    '}' => Some(min),
                    ',' => {
                        let max = self.number();
                        (self.chars.next()? == '}').then_some(())?;
                        max
                    }
                    _ => return None,
                };
                return self.finish_repeat(atom, min, max);
            }
            _ => return Some(atom),
        };
        self.chars.next();
        self.finish_repeat(atom, min, max)
    }

    fn finish_repeat(&mut self, atom: Node, min: usize, max: Option<usize>) -> Option<Node> {
        if matches!(
            atom,
            Node::Start | Node::End | Node::WordBoundary(_) | Node::Look { .. }
        ) {
            return None;
        }
        let greedy = match self.chars.peek() {
            Some('?') => {
                self.chars.next();
                false
            }
            // Possessive (`*+`, Python 3.11): not read.
            Some('+') => return None,
            _ => true,
        };
        if max.is_some_and(|m| m < min) {
            return None;
        }
        Some(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            greedy,
        })
    }

    fn atom(&mut self) -> Option<Node> {
        Some(match self.chars.next()? {
            '.' => Node::Char(Class {
                ranges: vec![('\n', '\n')],
                negated: true,
            }),
            '^' => Node::Start,
            '$' => Node::End,
            '[' => Node::Char(self.class()?),
            '\\' => self
                .escape(false)?
                .map_or_else(|boundary| boundary, Node::Char),
            '(' => self.group()?,
            '*' | '+' | '?' | '{' | ')' => return None,
            c => Node::Char(Class::one(c)),
        })
    }

    fn group(&mut self) -> Option<Node> {
        let mut look = None;
        let mut capture = true;
        if self.chars.peek() == Some(&'?') {
            self.chars.next();
            match self.chars.next()? {
                ':' => capture = false,
                '=' => look = Some((false, false)),
                '!' => look = Some((true, false)),
                '<' => match self.chars.next()? {
                    '=' => look = Some((false, true)),
                    '!' => look = Some((true, true)),
                    _ => return None,
                },
                'P' => {
                    // `(?P<name>…)`: a numbered group (the name is not used here).
                    if self.chars.next()? != '<' {
                        return None;
                    }
                    while self.chars.next()? != '>' {}
                }
                // Flags, comments, conditionals: not read.
                _ => return None,
            }
        }
        let number = (capture && look.is_none()).then(|| {
            self.groups += 1;
            self.groups
        });
        let inner = self.alt()?;
        if self.chars.next()? != ')' {
            return None;
        }
        Some(match look {
            Some((negative, behind)) => {
                let width = if behind { Some(width(&inner)?) } else { None };
                Node::Look {
                    node: Box::new(inner),
                    negative,
                    behind: width,
                }
            }
            None => Node::Group(number, Box::new(inner)),
        })
    }

    /// After a backslash: a class (`Ok`), or an anchor (`Err`).
    fn escape(&mut self, in_class: bool) -> Option<Result<Class, Node>> {
        let set = |ranges: &[(char, char)], negated| {
            Ok(Class {
                ranges: ranges.to_vec(),
                negated,
            })
        };
        Some(match self.chars.next()? {
            'd' => set(DIGITS, false),
            'D' => set(DIGITS, true),
            'w' => set(WORD, false),
            'W' => set(WORD, true),
            's' => set(SPACE, false),
            'S' => set(SPACE, true),
            'n' => Ok(Class::one('\n')),
            't' => Ok(Class::one('\t')),
            'b' if !in_class => Err(Node::WordBoundary(true)),
            'B' if !in_class => Err(Node::WordBoundary(false)),
            'A' if !in_class => Err(Node::Start),
            'Z' if !in_class => Err(Node::End),
            c if c.is_ascii_punctuation() || c == ' ' => Ok(Class::one(c)),
            // Back references, octal and other escapes: not read.
            _ => return None,
        })
    }

    fn class(&mut self) -> Option<Class> {
        let negated = self.chars.peek() == Some(&'^');
        if negated {
            self.chars.next();
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.chars.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = match c {
                '\\' => match self.escape(true)? {
                    Ok(cl)
                        if cl.ranges.len() == 1
                            && cl.ranges[0].0 == cl.ranges[0].1
                            && !cl.negated =>
                    {
                        cl.ranges[0].0
                    }
                    Ok(cl) if !cl.negated => {
                        ranges.extend(cl.ranges);
                        continue;
                    }
                    _ => return None,
                },
                // Python warns of a nested set; not read.
                '[' => return None,
                c => c,
            };
            let mut ahead = self.chars.clone();
            if ahead.next() == Some('-') && ahead.peek().is_some_and(|c| *c != ']') {
                self.chars.next();
                let hi = match self.chars.next()? {
                    '\\' => return None,
                    c => c,
                };
                if hi < lo {
                    return None;
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Some(Class { ranges, negated })
    }
}

/// How many characters `n` always matches; `None` when that varies.
fn width(n: &Node) -> Option<usize> {
    match n {
        Node::Char(_) => Some(1),
        Node::Start | Node::End | Node::WordBoundary(_) | Node::Look { .. } => Some(0),
        Node::Seq(items) => items.iter().map(width).sum(),
        Node::Alt(options) => {
            let w = width(options.first()?)?;
            options.iter().all(|o| width(o) == Some(w)).then_some(w)
        }
        Node::Group(_, inner) => width(inner),
        Node::Repeat { node, min, max, .. } => {
            (Some(*min) == *max).then(|| width(node).map(|w| w * min))?
        }
    }
}

/// Group spans while matching.
type Caps = Vec<Option<(usize, usize)>>;

/// One match: its span and each group's.
pub(super) type Match = (usize, usize, Caps);

impl Regex {
    pub(super) fn new(pattern: &str) -> Option<Regex> {
        if !pattern.is_ascii() {
            return None;
        }
        let mut p = Parser {
            chars: pattern.chars().peekable(),
            groups: 0,
        };
        let node = p.alt()?;
        p.chars.next().is_none().then_some(Regex {
            node,
            groups: p.groups,
        })
    }

    /// Every match in `s` as Python 3.7+ finds them for `sub` and `split`; `None` for text
    /// that is not ASCII or holds a newline (where `$` and `\s` would need more).
    pub(super) fn matches(&self, s: &str) -> Option<Vec<Match>> {
        if !s.is_ascii() || s.contains('\n') {
            return None;
        }
        let text: Vec<char> = s.chars().collect();
        let mut out = Vec::new();
        let mut pos = 0;
        let mut must_advance = false;
        while pos <= text.len() {
            let mut found = None;
            for start in pos..=text.len() {
                let mut caps: Caps = vec![None; self.groups];
                // Right after an empty match, not another one at the same place.
                let forbid = (must_advance && start == pos).then_some(start);
                let end = self.at(&text, start, forbid, &mut caps)?;
                if let Some(end) = end {
                    found = Some((start, end, caps));
                    break;
                }
            }
            let Some((start, end, caps)) = found else {
                break;
            };
            must_advance = start == end;
            pos = end;
            out.push((start, end, caps));
        }
        Some(out)
    }

    /// The end of a match starting at `start` (not ending at `forbid`), or `None` for none;
    /// the outer `None` when the search took too long.
    fn at(
        &self,
        text: &[char],
        start: usize,
        forbid: Option<usize>,
        caps: &mut Caps,
    ) -> Option<Option<usize>> {
        let mut end = None;
        let m = Matcher {
            text,
            steps: Cell::new(0),
        };
        m.node(&self.node, start, caps, &mut |e, _| {
            if Some(e) == forbid {
                return false;
            }
            end = Some(e);
            true
        });
        (m.steps.get() <= STEP_LIMIT).then_some(end)
    }
}

/// Backtracking steps a match may take before it gives up (the name is then not known).
const STEP_LIMIT: usize = 200_000;

struct Matcher<'t> {
    text: &'t [char],
    steps: Cell<usize>,
}

type Cont<'k> = dyn FnMut(usize, &mut Caps) -> bool + 'k;

impl Matcher<'_> {
    fn is_word(&self, i: usize) -> bool {
        self.text
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
    }

    /// Matches `n` at `pos`, then the continuation `k` from where it ends; true when `k`
    /// accepts (alternatives tried in Python's order).
    fn node(&self, n: &Node, pos: usize, caps: &mut Caps, k: &mut Cont) -> bool {
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > STEP_LIMIT {
            return false;
        }
        match n {
            Node::Char(c) => pos < self.text.len() && c.matches(self.text[pos]) && k(pos + 1, caps),
            Node::Start => pos == 0 && k(pos, caps),
            Node::End => pos == self.text.len() && k(pos, caps),
            Node::WordBoundary(yes) => {
                let before = pos > 0 && self.is_word(pos - 1);
                (before != self.is_word(pos)) == *yes && k(pos, caps)
            }
            Node::Seq(items) => self.seq(items, pos, caps, k),
            Node::Alt(options) => options.iter().any(|o| {
                let saved = caps.clone();
                let ok = self.node(o, pos, caps, k);
                if !ok {
                    *caps = saved;
                }
                ok
            }),
            Node::Group(None, inner) => self.node(inner, pos, caps, k),
            Node::Group(Some(g), inner) => {
                let g = *g - 1;
                let old = caps[g];
                let ok = self.node(inner, pos, caps, &mut |e, c: &mut Caps| {
                    let before = c[g];
                    c[g] = Some((pos, e));
                    let ok = k(e, c);
                    if !ok {
                        c[g] = before;
                    }
                    ok
                });
                if !ok {
                    caps[g] = old;
                }
                ok
            }
            Node::Repeat {
                node,
                min,
                max,
                greedy,
            } => self.repeat(node, (*min, *max, *greedy), 0, pos, caps, k),
            Node::Look {
                node,
                negative,
                behind,
            } => {
                let from = match behind {
                    Some(w) if *w > pos => None,
                    Some(w) => Some(pos - w),
                    None => Some(pos),
                };
                let mut inner = caps.clone();
                let found = from.is_some_and(|f| {
                    self.node(node, f, &mut inner, &mut |e, _| {
                        behind.is_none() || e == pos
                    })
                });
                if found == *negative {
                    return false;
                }
                // A positive lookaround keeps what its groups captured.
                if !negative {
                    *caps = inner;
                }
                k(pos, caps)
            }
        }
    }

    fn seq(&self, items: &[Node], pos: usize, caps: &mut Caps, k: &mut Cont) -> bool {
        match items.split_first() {
            None => k(pos, caps),
            Some((first, rest)) => self.node(first, pos, caps, &mut |e, c: &mut Caps| {
                self.seq(rest, e, c, k)
            }),
        }
    }

    /// `node` repeated (`how`: least, most, greedy), `count` times so far, ending at `pos`. An
    /// iteration that matches nothing ends the repetition, as in `sre`.
    fn repeat(
        &self,
        node: &Node,
        how: (usize, Option<usize>, bool),
        count: usize,
        pos: usize,
        caps: &mut Caps,
        k: &mut Cont,
    ) -> bool {
        let (min, max, greedy) = how;
        let more = max.is_none_or(|m| count < m);
        let again = |caps: &mut Caps, k: &mut Cont| {
            self.node(node, pos, caps, &mut |e, c: &mut Caps| {
                if e == pos && count + 1 > min {
                    return k(e, c);
                }
                self.repeat(node, how, count + 1, e, c, k)
            })
        };
        if count < min {
            return more && again(caps, k);
        }
        // Greedy: one more first; lazy: the rest first.
        if !greedy && k(pos, caps) {
            return true;
        }
        if more && again(caps, k) {
            return true;
        }
        greedy && k(pos, caps)
    }
}

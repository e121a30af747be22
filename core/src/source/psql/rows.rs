//! Cutting a `\d` output into rows and cells: aligned rows at the separator line's display
//! widths, unaligned ones by what the fixed cells must look like, and the footers.

use super::*;

impl<'a> Px<'a> {
    /// Aligned (and wrapped) output: the separator line fixes every column's position.
    #[allow(clippy::type_complexity)]
    pub(super) fn aligned_rows(
        &mut self,
        h: usize,
        sep: usize,
    ) -> Option<(Vec<String>, Vec<Row>, usize)> {
        let sep_text = self.lines[sep].text;
        let indent = indent_of(sep_text);
        let mut ranges = Vec::new();
        let mut start = 0;
        let mut col = 0;
        for c in sep_text.trim().chars() {
            if c == '+' {
                ranges.push((start, col));
                start = col + 1;
            }
            col += 1;
        }
        ranges.push((start, col));
        let header_cells = match split_aligned(self.lines[h].text, indent, &ranges) {
            Ok(c) => c,
            Err(_) => {
                self.line_diag(
                    Severity::Error,
                    DiagKind::Syntax,
                    "the header row does not line up with the `---+---` line below it",
                    h,
                );
                return None;
            }
        };
        let headers: Vec<String> = header_cells
            .iter()
            .map(|c| c.text.trim().to_string())
            .collect();
        if !self.check_headers(&headers, h) {
            return None;
        }
        let mut rows: Vec<Row> = Vec::new();
        let mut pending: Vec<Option<char>> = Vec::new();
        let mut j = sep + 1;
        while j < self.lines.len() {
            let l = self.lines[j].text;
            if l.trim().is_empty() || !starts_row(l, indent) {
                break;
            }
            let cells = match split_aligned(l, indent, &ranges) {
                Ok(c) => c,
                Err(at) => {
                    let msg = format!(
                        "line {} is cut short (no `|` where column {} starts): the paste is truncated or was copied from a narrow terminal that broke its lines",
                        j + 1,
                        at + 1
                    );
                    self.line_diag(Severity::Error, DiagKind::Syntax, msg, j);
                    return None;
                }
            };
            let continues = pending.iter().any(Option::is_some);
            if continues {
                if let Some(row) = rows.last_mut() {
                    for (k, cell) in cells.iter().enumerate() {
                        match pending.get(k).copied().flatten() {
                            Some('+') => {
                                row.values[k].push('\n');
                                row.values[k].push_str(&cell.text);
                            }
                            Some(_) => row.values[k].push_str(&cell.text),
                            None => {}
                        }
                    }
                }
            } else {
                rows.push(Row {
                    values: cells.iter().map(|c| c.text.clone()).collect(),
                    line: j,
                    columns: ranges.iter().map(|r| indent + r.0 + 1).collect(),
                });
            }
            pending = cells.iter().map(|c| c.marker).collect();
            j += 1;
        }
        // psql makes each column as wide as its widest cell (the heading's included): a column
        // wider than every cell shown lost its widest rows, as a paste from a terminal that
        // scrolled does. Said rather than read as a table with fewer columns.
        let width = |t: &str| t.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        for (k, r) in ranges.iter().enumerate() {
            let room = (r.1 - r.0).saturating_sub(2);
            let widest = rows
                .iter()
                .map(|row| row.values.get(k).map_or(0, |v| width(v)))
                .chain(std::iter::once(width(&headers[k])))
                .max()
                .unwrap_or(0);
            if widest < room {
                let msg = format!(
                    "the paste seems cut off: column `{}` is {room} characters wide in the `---+---` line, but no row shown is that wide, so rows are missing (was it copied from a terminal that had scrolled?); paste the whole output",
                    headers[k]
                );
                self.line_diag(Severity::Error, DiagKind::Syntax, msg, j.saturating_sub(1));
                return None;
            }
        }
        Some((headers, rows, j))
    }

    /// Unaligned output: `|`-separated cells with no escaping, so a cell's own `|` and newlines
    /// are told apart by what the other cells must look like.
    #[allow(clippy::type_complexity)]
    pub(super) fn unaligned_rows(
        &mut self,
        h: usize,
        indent: usize,
    ) -> Option<(Vec<String>, Vec<Row>, usize)> {
        let headers: Vec<String> = self.lines[h]
            .text
            .trim()
            .split('|')
            .map(|s| s.trim().to_string())
            .collect();
        if !self.check_headers(&headers, h) {
            return None;
        }
        let n = headers.len();
        let mut records: Vec<(usize, String)> = Vec::new();
        let mut j = h + 1;
        while j < self.lines.len() {
            let l = dedent(self.lines[j].text, indent);
            if l.trim().is_empty() || footer_heading(l).is_some() || title(l.trim()).is_some() {
                break;
            }
            if unaligned_row_start(l, n) || records.is_empty() {
                records.push((j, l.to_string()));
            } else if let Some(last) = records.last_mut() {
                last.1.push('\n');
                last.1.push_str(l);
            }
            j += 1;
        }
        let mut rows = Vec::new();
        for (line, rec) in records {
            match split_unaligned(&rec, &headers) {
                Some(values) => rows.push(Row {
                    values,
                    line,
                    columns: vec![0; n],
                }),
                None => {
                    let msg = format!(
                        "line {} does not split into the {n} cells of the header ({})",
                        line + 1,
                        headers.join("|")
                    );
                    self.line_diag(Severity::Error, DiagKind::Syntax, msg, line);
                    return None;
                }
            }
        }
        Some((headers, rows, j))
    }

    pub(super) fn check_headers(&mut self, headers: &[String], h: usize) -> bool {
        if headers.first().map(String::as_str) == Some("Column")
            && headers.get(1).map(String::as_str) == Some("Type")
        {
            return true;
        }
        let msg = format!(
            "expected a header starting `Column | Type`, found `{}`",
            shorten(self.lines[h].text.trim())
        );
        self.line_diag(Severity::Error, DiagKind::Syntax, msg, h);
        false
    }

    /// Footers from line `j` to the end of the output.
    pub(super) fn footers(&mut self, mut j: usize, indent: usize) -> (Vec<Footer>, usize) {
        let mut out: Vec<Footer> = Vec::new();
        while j < self.lines.len() {
            let l = dedent(self.lines[j].text, indent);
            let t = l.trim();
            let indented = l.starts_with(' ') || l.starts_with('\t');
            // psql pretty-prints some expressions (CASE …) over several lines, starting at any
            // column, and prints a value's line breaks as they are: while an entry's
            // parentheses are open, every line belongs to it, a blank one too.
            // A pretty-printed CASE starts a line of its own at the left margin, after any
            // operator of the entry above (`… >=`, `WHERE`).
            let case = !indented && (t == "CASE" || t.starts_with("CASE "));
            if let Some(e) = out.last_mut().and_then(|f| f.entries.last_mut()) {
                if case || unfinished(&e.1) {
                    e.1.push('\n');
                    e.1.push_str(l);
                    j += 1;
                    continue;
                }
            }
            if t.is_empty() || title(t).is_some() || (!indented && chatter(t).is_some()) {
                break;
            }
            if indented {
                match out.last_mut() {
                    Some(f) => {
                        let deeper = f.entries.last().is_some_and(|(k, _)| {
                            indent_of(l) > indent_of(dedent(self.lines[*k].text, indent))
                        });
                        // Deeper lines go on with the entry above: a policy's TO/USING lines,
                        // and pretty-printed expressions (CASE …) that psql breaks over lines.
                        if deeper {
                            if let Some(e) = f.entries.last_mut() {
                                e.1.push('\n');
                                e.1.push_str(t);
                            }
                        } else if unfinished(l) {
                            // It goes on below: trailing blanks may be part of a value.
                            f.entries.push((j, l.trim_start().to_string()));
                        } else {
                            f.entries.push((j, t.to_string()));
                        }
                    }
                    None => {
                        let msg = format!(
                            "line {}: an indented line with no footer heading above it",
                            j + 1
                        );
                        self.line_diag(Severity::Error, DiagKind::Syntax, msg, j);
                    }
                }
            } else if let Some((heading, inline)) = footer_heading(l) {
                out.push(Footer {
                    heading,
                    inline,
                    line: j,
                    entries: Vec::new(),
                });
            } else if let Some((heading, _)) = t.split_once(':').filter(|(h, _)| {
                !h.is_empty() && h.chars().all(|c| c.is_alphanumeric() || " -()".contains(c))
            }) {
                let msg =
                    format!("footer `{heading}:` is not known to schemafix and is not compared");
                self.line_diag(Severity::Warning, DiagKind::IgnoredClause, msg, j);
                out.push(Footer {
                    heading: String::new(),
                    inline: String::new(),
                    line: j,
                    entries: Vec::new(),
                });
            } else {
                let msg = format!(
                    "line {} is not a footer line: `{}` (was the paste copied from a narrow terminal that broke its lines?)",
                    j + 1,
                    shorten(t)
                );
                self.line_diag(Severity::Error, DiagKind::Syntax, msg, j);
            }
            j += 1;
        }
        (out, j)
    }
}

pub(super) fn is_separator(l: &str) -> bool {
    let t = l.trim();
    t.starts_with('-') && t.chars().all(|c| c == '-' || c == '+')
}

/// `l` without up to `n` leading blanks (the indentation of the whole output).
pub(super) fn dedent(l: &str, n: usize) -> &str {
    let k = l
        .chars()
        .take(n)
        .take_while(|c| *c == ' ' || *c == '\t')
        .count();
    &l[k..]
}

pub(super) fn indent_of(l: &str) -> usize {
    l.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// A data row of an aligned table starts with the first cell's left margin after the indent
/// (`.` when the first cell was wrapped onto this line).
pub(super) fn starts_row(l: &str, indent: usize) -> bool {
    let mut chars = l.chars().skip(indent);
    matches!(chars.next(), Some(' ' | '.'))
}

/// Cuts an aligned line at the separator's column positions (display width). Returns the index
/// of the first column whose left `|` is missing when the line is cut short.
pub(super) fn split_aligned(
    line: &str,
    indent: usize,
    ranges: &[(usize, usize)],
) -> Result<Vec<Cell>, usize> {
    let mut cells: Vec<String> = vec![String::new(); ranges.len()];
    let mut bars = vec![false; ranges.len()];
    let mut col = 0;
    for c in line.chars().skip(indent) {
        let w = c.width().unwrap_or(0);
        if let Some(k) = ranges.iter().position(|r| col >= r.0 && col < r.1) {
            cells[k].push(c);
        } else if let Some(k) = ranges.iter().position(|r| col == r.1) {
            // The `|` between column k and k + 1.
            if c == '|' && k + 1 < ranges.len() {
                bars[k + 1] = true;
            }
        } else if let Some(last) = cells.last_mut() {
            // Past the separator's end: only the last column can run on.
            last.push(c);
        }
        col += w;
    }
    if let Some(k) = (1..ranges.len()).find(|&k| !bars[k]) {
        return Err(k);
    }
    Ok(ranges
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let width = r.1 - r.0;
            // Cell layout: left margin, content, right margin (`+` newline, `.` wrapped), in
            // display columns (a wide character takes two).
            let mut content = String::new();
            let mut marker = None;
            let mut at = 0;
            for c in cells[k].chars().skip(1) {
                if width >= 2 && at == width - 2 {
                    marker = match c {
                        '+' | '.' => Some(c),
                        _ => None,
                    };
                } else {
                    content.push(c);
                }
                at += c.width().unwrap_or(0);
            }
            // A wrapped segment fills the column exactly: its trailing blanks are content.
            let text = if marker == Some('.') {
                content
            } else {
                content.trim_end().to_string()
            };
            Cell { text, marker }
        })
        .collect())
}

/// Does an unaligned line start a new row (rather than continue a multi-line cell)?
pub(super) fn unaligned_row_start(l: &str, n: usize) -> bool {
    if l.matches('|').count() + 1 < n {
        return false;
    }
    let f: Vec<&str> = l.splitn(5, '|').collect();
    if n >= 5 {
        matches!(f.get(3).copied(), Some("" | "not null"))
    } else {
        true
    }
}

/// Splits an unaligned record into the header's cells. `\d` has at most one free-text cell
/// (Default, last); `\d+` has two (Default and Description), told apart by the fixed-vocabulary
/// cells between them.
pub(super) fn split_unaligned(rec: &str, headers: &[String]) -> Option<Vec<String>> {
    let n = headers.len();
    let def = headers
        .iter()
        .position(|h| h == "Default" || h == "Modifiers");
    let Some(def) = def.filter(|&d| d + 1 < n) else {
        let v: Vec<String> = rec.splitn(n, '|').map(str::to_string).collect();
        return (v.len() == n).then_some(v);
    };
    let mut left: Vec<String> = rec.splitn(def + 1, '|').map(str::to_string).collect();
    if left.len() != def + 1 {
        return None;
    }
    let rest = left.pop()?;
    let middle = &headers[def + 1..n - 1];
    // Find the first `|` after which the fixed cells fit.
    for (p, _) in rest.match_indices('|') {
        let tail: Vec<&str> = rest[p + 1..].splitn(middle.len() + 1, '|').collect();
        if tail.len() != middle.len() + 1 {
            continue;
        }
        let fits = middle.iter().zip(&tail).all(|(h, v)| match h.as_str() {
            "Storage" => matches!(*v, "plain" | "main" | "external" | "extended"),
            "Compression" => matches!(*v, "" | "pglz" | "lz4"),
            "Stats target" => {
                v.is_empty()
                    || v.trim_start_matches('-')
                        .chars()
                        .all(|c| c.is_ascii_digit())
            }
            _ => !v.contains('\n'),
        });
        if fits {
            left.push(rest[..p].to_string());
            left.extend(tail.iter().map(|s| s.to_string()));
            return Some(left);
        }
    }
    None
}

/// `Indexes:` → ("Indexes", ""); `Inherits: vehicles` → ("Inherits", "vehicles").
pub(super) fn footer_heading(l: &str) -> Option<(String, String)> {
    if l.starts_with(' ') {
        return None;
    }
    let t = l.trim();
    let (h, rest) = t.split_once(':')?;
    let known =
        FOOTERS.contains(&h) || (h.starts_with("Policies") && FOOTERS.contains(&"Policies"));
    known.then(|| (h.to_string(), rest.trim().to_string()))
}

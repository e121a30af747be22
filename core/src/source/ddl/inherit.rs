//! What children and partitions take from their parents: inherited columns, constraints and
//! indexes, a partition's own index of the parent's definition taken as attached.

use super::*;

/// True when `table` has a unique index `name` that a constraint can take over (`ADD PRIMARY KEY
/// USING INDEX`): plain ascending columns, btree, no predicate.
pub(super) fn promotable(table: &Table, name: &str) -> bool {
    table.indexes.iter().any(|i| {
        i.name == name
            && i.unique
            && i.method == "btree"
            && i.predicate.is_none()
            && i.keys
                .iter()
                .all(|k| k.is_column && !k.desc && k.nulls_first.is_none() && k.opclass.is_none())
    })
}

/// PostgreSQL keeps one of several identical key constraints declared in one CREATE TABLE
/// (`id int PRIMARY KEY UNIQUE`): the primary key, else the first unique one.
pub(super) fn drop_redundant_keys(t: &mut Table) {
    let mut seen: Vec<(Vec<String>, Vec<String>, bool, Deferrable)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        seen.push((pk.columns.clone(), pk.include.clone(), false, pk.deferrable));
    }
    t.uniques.retain(|u| {
        let key = (
            u.columns.clone(),
            u.include.clone(),
            u.nulls_not_distinct,
            u.deferrable,
        );
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Gives inheritance children and partitions what PostgreSQL gives them from their parents:
/// the parents' columns (first, merged with the child's own), inheritable checks, and for
/// partitions clones of the parent's keys and indexes under PostgreSQL's names.
pub(super) fn inherit(schema: &mut Schema) {
    let mut done: std::collections::BTreeSet<QualName> = Default::default();
    // Parents first: a child is expanded once all its parents are.
    for _ in 0..schema.tables.len() {
        let ready: Vec<QualName> = schema
            .tables
            .values()
            .filter(|t| !done.contains(&t.name))
            .filter(|t| {
                parents_of(t)
                    .iter()
                    .all(|p| done.contains(p) || !schema.tables.contains_key(p))
            })
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        for name in ready {
            // The parents' shared tables, not copies: the child is changed, they are not.
            let parents: Vec<std::sync::Arc<Table>> = schema
                .tables
                .get(&name)
                .map(|t| parents_of(t))
                .unwrap_or_default()
                .iter()
                .filter_map(|p| schema.tables.get(p).cloned())
                .collect();
            if let Some(t) = schema.table_mut(&name) {
                let partition = t.partition_of.is_some();
                for p in &parents {
                    take_from_parent(t, p, partition);
                }
            }
            done.insert(name);
        }
    }
}

pub(super) fn parents_of(t: &Table) -> Vec<QualName> {
    let mut v = t.inherits.clone();
    if let Some(p) = &t.partition_of {
        v.push(p.parent.clone());
    }
    v
}

/// A partition's bound as PostgreSQL stores it, where the parent's key is one column of a
/// date/time type: a `timestamp` bound gains its time (`'2024-01-01'` is
/// `'2024-01-01 00:00:00'`), a `timestamptz` one is the instant in UTC (the time zone the
/// catalog is read in; a bound without an offset is taken as UTC).
fn bound_as_stored(t: &mut Table, p: &Table) {
    let (Some(part), Some(by)) = (t.partition_of.as_mut(), p.partition_by.as_ref()) else {
        return;
    };
    // `RANGE (created_at)` as written: one column, its name as PostgreSQL folds it.
    let key = by
        .sql
        .split_once('(')
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(')'))
        .map(str::trim)
        .filter(|k| !k.contains([',', '(', ' ']))
        .map(
            |k| match k.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\"\"", "\""),
                None => k.to_ascii_lowercase(),
            },
        );
    let Some(ty) = key.and_then(|k| p.column(&k)).map(|c| c.data_type.as_str()) else {
        return;
    };
    let zone = match ty {
        "timestamp without time zone" => false,
        "timestamp with time zone" => true,
        _ => return,
    };
    let canon = &part.bound.canon;
    let mut out = String::with_capacity(canon.len());
    let mut rest = canon.as_str();
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i + 1..].find('\'') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let literal = &rest[i + 1..i + 1 + j];
        out.push('\'');
        out.push_str(&stored_timestamp(literal, zone).unwrap_or_else(|| literal.to_string()));
        out.push('\'');
        rest = &rest[i + 2 + j..];
    }
    out.push_str(rest);
    part.bound.canon = out;
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][offset]` as PostgreSQL prints it: `timestamp` drops an
/// offset, `timestamptz` (`zone`) moves to UTC and prints `+00`.
pub(super) fn stored_timestamp(text: &str, zone: bool) -> Option<String> {
    let num = |s: &str| s.parse::<i64>().ok();
    // `UTC` and `GMT` are offset zero; an offset may follow a blank.
    let lower = text.to_ascii_lowercase();
    let utc = ["utc", "gmt", "z"]
        .iter()
        .find_map(|z| lower.strip_suffix(z).map(|rest| rest.trim_end().len()));
    let text = match utc {
        Some(n) if n > 10 => format!("{}+00", &text[..n]),
        _ => text.replace(" +", "+").replace(" -", "-"),
    };
    let text = text.as_str();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, t),
        None => (text, "00:00:00"),
    };
    let d: Vec<&str> = date.split('-').collect();
    let [y, mo, da] = d.as_slice() else {
        return None;
    };
    let (y, mo, da) = (num(y)?, num(mo)?, num(da)?);
    // The offset: `+hh`, `+hh:mm`, `-hh`, `Z`.
    let (clock, offset) = match time.find(['+', '-', 'Z']) {
        Some(k) => (&time[..k], &time[k..]),
        None => (time, ""),
    };
    let offset_minutes = match offset {
        "" | "Z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
            sign * (num(h)? * 60 + num(m)?)
        }
    };
    let c: Vec<&str> = clock.split(':').collect();
    let (h, mi, sec) = match c.as_slice() {
        [h, m] => (num(h)?, num(m)?, "00"),
        [h, m, s] => (num(h)?, num(m)?, *s),
        _ => return None,
    };
    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
    let sec = num(whole)?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&da) || h > 24 || mi > 59 || sec > 60 {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    if !zone {
        return Some(format!(
            "{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{sec:02}{frac}"
        ));
    }
    let minutes =
        crate::normalize::days_from_civil(y, mo, da) * 1440 + h * 60 + mi - offset_minutes;
    let (days, m) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let (y, mo, da) = crate::normalize::civil_from_days(days);
    Some(format!(
        "{y:04}-{mo:02}-{da:02} {:02}:{:02}:{sec:02}{frac}+00",
        m / 60,
        m % 60
    ))
}

pub(super) fn take_from_parent(t: &mut Table, p: &Table, partition: bool) {
    if partition {
        bound_as_stored(t, p);
    }
    let mut columns: Vec<Column> = Vec::new();
    for pc in &p.columns {
        let mut c = pc.clone();
        c.span = t.span;
        c.comment = None;
        // NOT NULL is inherited, including what the parent's key and serial imply.
        c.not_null |= pc.serial
            || pc.identity.is_some()
            || p.primary_key
                .as_ref()
                .is_some_and(|k| k.columns.iter().any(|k| *k == pc.name));
        if c.serial {
            // The child shares the parent's sequence; it does not own one.
            c.serial = false;
            let seq = make_object_name(&p.name.name, Some(&pc.name), "seq");
            let seq = QualName::new(p.name.schema.clone(), seq);
            c.default = parse_expr(&format!("nextval({})", quote_literal(&seq.to_string())))
                .ok()
                .map(Box::new);
        }
        if !partition {
            c.identity = None;
            c.identity_options = Default::default();
        }
        if let Some(own) = t.columns.iter().find(|o| o.name == c.name) {
            c.not_null |= own.not_null;
            if own.default.is_some() {
                c.default = own.default.clone();
            }
            c.comment = own.comment.clone();
        }
        columns.push(c);
    }
    for own in &t.columns {
        if !columns.iter().any(|c| c.name == own.name) {
            columns.push(own.clone());
        }
    }
    t.columns = columns;
    for ch in p.checks.iter().filter(|c| !c.no_inherit) {
        if !t.checks.iter().any(|c| c.name == ch.name) {
            let mut ch = ch.clone();
            ch.span = t.span;
            t.checks.push(ch);
        }
    }
    if !partition {
        return;
    }
    let mut taken: Vec<String> = t.indexes.iter().map(|i| i.name.clone()).collect();
    if let (Some(pk), None) = (&p.primary_key, &t.primary_key) {
        let mut pk = pk.clone();
        let is_taken = |n: &str| taken.iter().any(|x| x == n);
        pk.name = unique_name(&t.name.name, None, "pkey", &is_taken);
        taken.push(pk.name.clone());
        pk.span = t.span;
        t.primary_key = Some(pk);
    }
    for u in &p.uniques {
        // A partition's own unique constraint of the same columns is the parent's, attached.
        if t.uniques.iter().any(|own| own.columns == u.columns) {
            continue;
        }
        let mut u = u.clone();
        let is_taken = |n: &str| taken.iter().any(|x| x == n);
        u.name = unique_name(&t.name.name, Some(&u.columns.join("_")), "key", &is_taken);
        taken.push(u.name.clone());
        u.span = t.span;
        t.uniques.push(u);
    }
    for i in &p.indexes {
        // An index of the same definition the partition has already is the parent's,
        // attached (`ALTER INDEX … ATTACH PARTITION`, or found by CREATE INDEX on the parent,
        // which attaches such an index rather than building another).
        if t.indexes.iter().any(|own| own.same_definition(i)) {
            continue;
        }
        let mut i = i.clone();
        let cols = index_name_columns(&i.keys, &i.include);
        let is_taken = |n: &str| taken.iter().any(|x| x == n);
        i.name = unique_name(&t.name.name, Some(&cols), "idx", &is_taken);
        taken.push(i.name.clone());
        i.comment = None;
        i.span = t.span;
        t.indexes.push(i);
    }
}

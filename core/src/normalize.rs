//! Canonical forms: types as PostgreSQL's `format_type` prints them, PostgreSQL's default names
//! for unnamed constraints and indexes, and whole-schema fix-ups applied after parsing.

use crate::quote::quote_ident;
use crate::schema::{IdentityOptions, QualName, Schema, Sequence, Span, Table, TypeName};

/// PostgreSQL's identifier length limit (NAMEDATALEN - 1).
const MAX_IDENT: usize = 63;

/// The canonical spelling of a type: `varchar(255)` → `character varying(255)`, `int4` →
/// `integer`, `timestamptz` → `timestamp with time zone`, `serial` → `integer`, `public.mood` →
/// `mood`. Unknown names (enums, domains) are kept, quoted only where needed.
pub fn canonical_type(raw: &str) -> String {
    let (base, dims) = split_array(raw.trim());
    let (name, mods) = split_modifiers(&base);
    let mods = mods.map(|m| m.split(',').map(str::trim).collect::<Vec<_>>().join(","));
    let with_mods = |n: &str| match &mods {
        Some(m) => format!("{n}({m})"),
        None => n.to_string(),
    };
    let canonical = match name.as_str() {
        "int" | "integer" | "int4" | "serial" | "serial4" => "integer".to_string(),
        "bigint" | "int8" | "bigserial" | "serial8" => "bigint".to_string(),
        "smallint" | "int2" | "smallserial" | "serial2" => "smallint".to_string(),
        "varchar" | "character varying" | "char varying" => with_mods("character varying"),
        "char" | "character" => format!("character({})", mods.as_deref().unwrap_or("1")),
        "bpchar" => with_mods("bpchar"),
        "bool" | "boolean" => "boolean".to_string(),
        "float8" | "double precision" => "double precision".to_string(),
        "float4" | "real" => "real".to_string(),
        "float" => match mods.as_deref().and_then(|m| m.parse::<u32>().ok()) {
            Some(p) if p <= 24 => "real".to_string(),
            _ => "double precision".to_string(),
        },
        // `numeric(p)` is `numeric(p,0)`.
        "decimal" | "numeric" | "dec" => match &mods {
            Some(m) if !m.contains(',') => format!("numeric({m},0)"),
            _ => with_mods("numeric"),
        },
        "timestamp" | "timestamp without time zone" => {
            format!("{} without time zone", with_mods("timestamp"))
        }
        "timestamptz" | "timestamp with time zone" => {
            format!("{} with time zone", with_mods("timestamp"))
        }
        "time" | "time without time zone" => format!("{} without time zone", with_mods("time")),
        "timetz" | "time with time zone" => format!("{} with time zone", with_mods("time")),
        "varbit" | "bit varying" => with_mods("bit varying"),
        "bit" => format!("bit({})", mods.as_deref().unwrap_or("1")),
        _ if postgis_type(&name) => match &mods {
            Some(m) => format!("{name}({})", postgis_typmod(m)),
            None => name,
        },
        _ => with_mods(&name),
    };
    // PostgreSQL does not record the number of dimensions: `int[][]` is `integer[]`.
    format!("{canonical}{}", if dims > 0 { "[]" } else { "" })
}

/// PostGIS's `geometry` and `geography`, in any schema.
fn postgis_type(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last == "geometry" || last == "geography"
}

/// PostGIS's modifier as it prints it: the shape in its mixed case with `Z`/`M` run on
/// (`POINT Z` → `PointZ`), and an SRID of 0 left out.
fn postgis_typmod(mods: &str) -> String {
    const SHAPES: &[&str] = &[
        "Geometry",
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        "CircularString",
        "CompoundCurve",
        "CurvePolygon",
        "MultiCurve",
        "MultiSurface",
        "PolyhedralSurface",
        "Triangle",
        "Tin",
    ];
    let mut parts = mods.split(',').map(str::trim);
    let shape: String = parts
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let known = SHAPES.iter().find_map(|s| {
        let up = s.to_ascii_uppercase();
        let dims = shape.strip_prefix(&up)?;
        matches!(dims, "" | "Z" | "M" | "ZM").then(|| format!("{s}{dims}"))
    });
    let Some(shape) = known else {
        return mods.to_string();
    };
    match parts.next() {
        Some("0") | None => shape,
        Some(srid) => format!("{shape},{srid}"),
    }
}

/// A canonical type name without its modifiers, as a function's argument and result types
/// are kept: `character varying(20)` → `character varying`, `bit(4)[]` → `bit[]`.
pub fn without_typmod(canonical: &str) -> String {
    let mut out = String::with_capacity(canonical.len());
    let mut in_quotes = false;
    let mut depth = 0usize;
    let mut done = false;
    for c in canonical.chars() {
        match c {
            '"' if depth == 0 => {
                in_quotes = !in_quotes;
                out.push(c);
            }
            '(' if !in_quotes && !done => depth += 1,
            ')' if !in_quotes && depth > 0 => {
                depth -= 1;
                done = depth == 0;
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// How many raw type spellings [`canonical_type_name`] remembers per thread before it starts
/// afresh.
const TYPE_SPELLINGS_KEPT: usize = 4096;

thread_local! {
    static TYPE_SPELLINGS: std::cell::RefCell<std::collections::HashMap<Box<str>, TypeName>> =
        Default::default();
}

/// [`canonical_type`] as the shared [`TypeName`], remembered per thread for each raw spelling
/// (a dump spells a few types thousands of times; reading each anew was a tenth of the
/// instructions of reading a dump, by callgrind).
pub fn canonical_type_name(raw: &str) -> TypeName {
    TYPE_SPELLINGS.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(known) = seen.get(raw) {
            return known.clone();
        }
        if seen.len() >= TYPE_SPELLINGS_KEPT {
            seen.clear();
        }
        let name = TypeName::new(&canonical_type(raw));
        seen.insert(raw.into(), name.clone());
        name
    })
}

/// True for `serial`, `bigserial`, `smallserial` and their aliases.
pub fn is_serial_type(raw: &str) -> bool {
    matches!(
        raw.trim().to_ascii_lowercase().as_str(),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
    )
}

/// Splits trailing `[]`, `[3]` or ` ARRAY` off a type, counting dimensions.
fn split_array(raw: &str) -> (String, usize) {
    let mut s = raw.trim().to_string();
    let mut dims = 0;
    loop {
        let trimmed = s.trim_end();
        if trimmed.ends_with(']') {
            if let Some(open) = trimmed.rfind('[') {
                s = trimmed[..open].to_string();
                dims += 1;
                continue;
            }
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower.ends_with(" array") {
            s = trimmed[..trimmed.len() - 6].to_string();
            dims += 1;
            continue;
        }
        return (trimmed.to_string(), dims);
    }
}

/// `(precision, scale)` of a canonical `numeric(p,s)` type name (scale 0 when only the
/// precision is given); `None` for any other type, unbounded `numeric` included.
pub(crate) fn numeric_typmod(ty: &str) -> Option<(u32, u32)> {
    let inner = ty.strip_prefix("numeric(")?.strip_suffix(')')?;
    let mut it = inner.split(',').map(|s| s.trim().parse::<u32>());
    let p = it.next()?.ok()?;
    let s = it.next().unwrap_or(Ok(0)).ok()?;
    Some((p, s))
}

/// Lower-cases a type name outside double quotes, folds white space, drops `pg_catalog.` and
/// `public.`, and pulls the first parenthesised modifier list out of it.
fn split_modifiers(raw: &str) -> (String, Option<String>) {
    let mut name = String::new();
    let mut mods: Option<String> = None;
    let mut chars = raw.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            name.push(c);
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    name.push(chars.next().unwrap_or('"'));
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '"' => {
                in_quotes = true;
                name.push(c);
            }
            '(' if mods.is_none() => {
                let mut m = String::new();
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                    m.push(d);
                }
                mods = Some(m.trim().to_string());
            }
            c if c.is_whitespace() => {
                if !name.ends_with(' ') && !name.is_empty() {
                    name.push(' ');
                }
            }
            c => name.push(c.to_ascii_lowercase()),
        }
    }
    let name = name.trim().to_string();
    let name = name
        .strip_prefix("pg_catalog.")
        .or_else(|| name.strip_prefix("public."))
        .unwrap_or(&name)
        .to_string();
    // A user-defined name is rendered the way PostgreSQL would need it quoted.
    let name = name
        .strip_prefix("\"public\".")
        .map(str::to_string)
        .unwrap_or(name);
    let name = if name.contains('"') {
        split_qualified(&name)
            .iter()
            .map(|part| quote_ident(part))
            .collect::<Vec<_>>()
            .join(".")
    } else {
        name
    };
    (name, mods)
}

thread_local! {
    /// The names [`truncate_identifier`] cut since the last [`take_truncated`], each as written
    /// and as stored: the DDL reader asks after each statement, to say where two names become
    /// one.
    static TRUNCATED: std::cell::RefCell<Vec<(String, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A name as PostgreSQL stores it: at most 63 bytes (`NAMEDATALEN` - 1), cut at a character
/// boundary as `pg_mbcliplen` cuts it.
pub(crate) fn truncate_identifier(mut name: String) -> String {
    if name.len() > MAX_IDENT {
        let written = name.clone();
        let mut n = MAX_IDENT;
        while !name.is_char_boundary(n) {
            n -= 1;
        }
        name.truncate(n);
        TRUNCATED.with(|t| t.borrow_mut().push((written, name.clone())));
    }
    name
}

/// The names cut to 63 bytes since the last call (as written, as stored), in order.
pub(crate) fn take_truncated() -> Vec<(String, String)> {
    TRUNCATED.with(|t| std::mem::take(&mut *t.borrow_mut()))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, truncating the longer of the two names
/// first so that the result fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 + overhead > MAX_IDENT {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, n: usize| {
        let mut n = n.min(s.len());
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = clip(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&clip(n, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// Makes `base` unique among `taken` the way PostgreSQL's `ChooseRelationName` does: by
/// appending 1, 2, … to the name part before the label.
pub fn unique_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &dyn Fn(&str) -> bool,
) -> String {
    let first = make_object_name(name1, name2, label);
    if !taken(&first) {
        return first;
    }
    for n in 1.. {
        let candidate = make_object_name(name1, name2, &format!("{label}{n}"));
        if !taken(&candidate) {
            return candidate;
        }
    }
    unreachable!("the counter is unbounded")
}

/// The sequence a serial column owns, as PostgreSQL names it (`users_id_seq`).
pub(crate) fn serial_sequence(
    table: &crate::schema::QualName,
    column: &str,
) -> crate::schema::QualName {
    crate::schema::QualName::new(
        table.schema.clone(),
        make_object_name(&table.name, Some(column), "seq"),
    )
}

/// Does `schema` have the object `target` names (a serial column's sequence among its
/// sequences, a view's columns among its table's)?
pub(crate) fn holds(schema: &Schema, target: &crate::schema::PrivilegeTarget) -> bool {
    use crate::schema::PrivilegeTarget as T;
    match target {
        T::Table { name } => schema.tables.contains_key(name) || schema.views.contains_key(name),
        T::Column { table, column } => {
            schema
                .tables
                .get(table)
                .is_some_and(|t| t.column(column).is_some())
                || schema
                    .views
                    .get(table)
                    .is_some_and(|v| v.columns.iter().any(|c| c == column))
        }
        T::Sequence { name } => {
            schema.sequences.contains_key(name)
                || schema.tables.values().any(|t| {
                    t.name.schema == name.schema
                        && t.columns
                            .iter()
                            .any(|c| c.serial && serial_sequence(&t.name, &c.name) == *name)
                })
        }
        T::Function { .. } => target
            .signature()
            .is_some_and(|s| schema.functions.contains_key(&s)),
        T::Schema { name } => name == "public" || schema.schemas.contains(name),
        T::Type { name } => {
            schema.enums.contains_key(name)
                || schema.domains.contains_key(name)
                || schema.composites.contains_key(name)
                || schema.ranges.contains_key(name)
        }
    }
}

/// All names a table's constraints and indexes use.
pub(crate) fn table_names_in_use(table: &Table) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    names.extend(table.primary_key.iter().map(|p| p.name.clone()));
    names.extend(table.uniques.iter().map(|u| u.name.clone()));
    names.extend(table.checks.iter().map(|c| c.name.clone()));
    names.extend(table.foreign_keys.iter().map(|f| f.name.clone()));
    names.extend(table.exclusions.iter().map(|e| e.name.clone()));
    names.extend(table.indexes.iter().map(|i| i.name.clone()));
    names
}

/// Whole-schema fix-ups that need every statement seen: foreign keys that omit the referenced
/// columns point at the referenced table's primary key; NOT NULL follows from primary keys.
pub(crate) fn finish(schema: &mut Schema) {
    let pks: Vec<_> = schema
        .tables
        .iter()
        .filter_map(|(n, t)| {
            t.primary_key
                .as_ref()
                .map(|p| (n.clone(), p.columns.clone()))
        })
        .collect();
    for table in schema.tables_mut() {
        for fk in &mut table.foreign_keys {
            if fk.ref_columns.is_empty() {
                if let Some((_, cols)) = pks.iter().find(|(n, _)| *n == fk.ref_table) {
                    fk.ref_columns = cols.clone();
                }
            }
        }
        if let Some(pk) = table.primary_key.clone() {
            for c in &pk.columns {
                if let Some(col) = table.column_mut(c) {
                    col.not_null = true;
                }
            }
        }
        for col in &mut table.columns {
            if col.identity.is_some() || col.serial {
                col.not_null = true;
            }
            if col.identity.is_some() {
                normalize_identity(&mut col.identity_options, &col.data_type);
            } else {
                col.identity_options = Default::default();
            }
        }
        // The order constraints and indexes were declared in means nothing to PostgreSQL.
        table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        table.checks.sort_by(|a, b| a.name.cmp(&b.name));
        table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        table.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
        table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        // Built by pushing, the lists hold up to twice their length (a column is 264 bytes):
        // a third of a parsed schema's memory.
        table.columns.shrink_to_fit();
        table.uniques.shrink_to_fit();
        table.checks.shrink_to_fit();
        table.foreign_keys.shrink_to_fit();
        table.exclusions.shrink_to_fit();
        table.indexes.shrink_to_fit();
    }
}

/// The column part of an index's default name (`ChooseIndexColumnNames`): each key's name, a
/// number appended to a name already taken (`lower`, `lower1`).
pub(crate) fn index_name_columns<'a>(
    keys: impl IntoIterator<Item = &'a crate::schema::IndexKey>,
    include: &[String],
) -> String {
    let mut names: Vec<String> = Vec::new();
    // `INCLUDE` columns name the index too, after its keys.
    let bases = keys
        .into_iter()
        .map(|k| k.name_in_index_name())
        .chain(include.iter().cloned());
    for base in bases {
        let mut name = base.clone();
        let mut n = 1;
        while names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        names.push(name);
    }
    names.join("_")
}

/// Brings identity options to canonical form for a column of `data_type` (the sequence takes
/// the column's type).
pub(crate) fn normalize_identity(o: &mut IdentityOptions, data_type: &str) {
    let mut seq = Sequence::with_options(QualName::new("", ""), data_type, o, Span::default());
    normalize_sequence(&mut seq);
    o.min_value = seq.min_value;
    o.max_value = seq.max_value;
    o.start = seq.start;
}

/// Splits `a."B".c` into its identifiers as PostgreSQL stores them.
pub(crate) fn split_qualified(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if in_q {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_q = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_q = true;
            quoted = true;
        } else if c == '.' {
            parts.push(if quoted {
                std::mem::take(&mut cur)
            } else {
                std::mem::take(&mut cur).to_ascii_lowercase()
            });
            quoted = false;
        } else {
            cur.push(c);
        }
    }
    parts.push(if quoted {
        cur
    } else {
        cur.to_ascii_lowercase()
    });
    parts
        .into_iter()
        .map(crate::normalize::truncate_identifier)
        .collect()
}

/// The sequence named by a canonical `nextval('…')` default.
pub(crate) fn nextval_target(canon: &str, search_path: &str) -> Option<QualName> {
    let inner = canon.strip_prefix("nextval('")?.strip_suffix("')")?;
    let inner = inner.replace("''", "'");
    let parts = split_qualified(&inner);
    (!parts.is_empty()).then(|| resolve(&parts, search_path))
}

/// A possibly qualified object name: the last part is the name, the one before it the schema
/// (a database part in front is ignored), `search_path` when unqualified.
pub(crate) fn resolve(parts: &[String], search_path: &str) -> QualName {
    match parts {
        [n] => QualName::new(search_path, n.clone()),
        [.., s, n] => QualName::new(s.clone(), n.clone()),
        [] => QualName::new(search_path, String::new()),
    }
}

/// Brings a sequence's options to canonical form: values equal to PostgreSQL's defaults become
/// `None`, so `CREATE SEQUENCE s` and pg_dump's spelled-out form compare equal.
pub(crate) fn normalize_sequence(seq: &mut Sequence) {
    let type_max = match seq.data_type.as_str() {
        "smallint" => i64::from(i16::MAX),
        "integer" => i64::from(i32::MAX),
        _ => i64::MAX,
    };
    let type_min = match seq.data_type.as_str() {
        "smallint" => i64::from(i16::MIN),
        "integer" => i64::from(i32::MIN),
        _ => i64::MIN,
    };
    let (def_min, def_max) = if seq.increment > 0 {
        (1, type_max)
    } else {
        (type_min, -1)
    };
    if seq.min_value == Some(def_min) {
        seq.min_value = None;
    }
    if seq.max_value == Some(def_max) {
        seq.max_value = None;
    }
    let eff_start = if seq.increment > 0 {
        seq.min_value.unwrap_or(def_min)
    } else {
        seq.max_value.unwrap_or(def_max)
    };
    if seq.start == Some(eff_start) {
        seq.start = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        for (raw, want) in [
            ("VARCHAR(255)", "character varying(255)"),
            ("character varying(255)", "character varying(255)"),
            ("int4", "integer"),
            ("SERIAL", "integer"),
            ("timestamptz", "timestamp with time zone"),
            ("TIMESTAMP WITH TIME ZONE", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("NUMERIC(10, 2)", "numeric(10,2)"),
            ("numeric(5)", "numeric(5,0)"),
            ("int[]", "integer[]"),
            ("text ARRAY", "text[]"),
            ("public.mood", "mood"),
            ("\"Mood\"", "\"Mood\""),
            ("float", "double precision"),
            ("float(10)", "real"),
            ("char", "character(1)"),
            ("pg_catalog.int8", "bigint"),
            ("\"public\".\"country\"", "country"),
            ("geometry(POINT, 4326)", "geometry(Point,4326)"),
            (
                "extensions.geometry(LINESTRING Z,4326)",
                "extensions.geometry(LineStringZ,4326)",
            ),
            ("geography(multipolygonzm)", "geography(MultiPolygonZM)"),
            ("geometry(Point,0)", "geometry(Point)"),
            (
                "\"application/vnd.geo2+json\"",
                "\"application/vnd.geo2+json\"",
            ),
            ("test.\"a.b\"[]", "test.\"a.b\"[]"),
            ("int[][]", "integer[]"),
            ("bit varying(5)", "bit varying(5)"),
        ] {
            assert_eq!(canonical_type(raw), want, "{raw}");
            // Remembered: the same name the second time, and the first time's shared text.
            let (first, again) = (canonical_type_name(raw), canonical_type_name(raw));
            assert_eq!(first, *want, "{raw}");
            assert!(std::ptr::eq(first.as_str(), again.as_str()), "{raw}");
        }
    }

    #[test]
    fn object_names() {
        assert_eq!(
            make_object_name("users", Some("email"), "key"),
            "users_email_key"
        );
        assert_eq!(make_object_name("users", None, "pkey"), "users_pkey");
        let long = "a".repeat(70);
        let n = make_object_name(&long, Some("col"), "fkey");
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_col_fkey"));
    }
}

//! The type-pair table: for a column changing from one type to another, how its values get
//! there (`USING`), what the change does to them (nothing, changes some, or may lose or fail
//! on some), and whether the table is rewritten. The diff, the statements, the hazards and the
//! losses all read it; ARCHITECTURE.md shows it as a table, and `tests/it/conversions.rs` runs
//! every pair it names on PostgreSQL with rows at the edges.

/// The time zone conversions between `timestamp`, `timestamp with time zone` and `date` read
/// local times in: stated in the `USING` clause, so the session's `TimeZone` never decides.
pub const CONVERSION_TIME_ZONE: &str = "UTC";

/// How one type change treats a column's values. With no `changes`, `fails` or `loses`, it
/// keeps every value as it is (as the new type shows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// How each value is converted.
    pub using: Using,
    /// Whether PostgreSQL rewrites the table (and rebuilds its indexes); `false` when the
    /// types are binary-coercible for the change (a longer `varchar`, `varchar` → `text`, a
    /// wider `numeric` precision at the same scale, a finer timestamp precision).
    pub rewrite: bool,
    /// Values that change meaning or form though none is lost (`json` → `jsonb`, a timestamp
    /// read in a time zone): a hazard, named.
    pub changes: Option<String>,
    /// Values, beyond what ordinary data holds, that make the step fail (it rolls back and
    /// nothing is lost): a hazard, named.
    pub fails: Option<String>,
    /// Values that may be lost or changed for good, or make the step fail where ordinary
    /// data may: a destructive step, held back unless allowed. Says which values.
    pub loses: Option<String>,
}

impl Conversion {
    /// Whether every value is kept as it is.
    pub fn is_lossless(&self) -> bool {
        self.changes.is_none() && self.fails.is_none() && self.loses.is_none()
    }

    fn failing(mut self, what: &str) -> Self {
        self.fails = Some(what.to_string());
        self
    }
}

/// How the values are converted: the `USING` clause of `ALTER COLUMN … TYPE`, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Using {
    /// An implicit or assignment cast exists: no `USING`.
    Assign,
    /// Only an explicit cast exists: `USING c::to`.
    Cast,
    /// PostgreSQL has no cast: the value's text form read as the new type (`c::text::to`),
    /// which fails on every value that does not read.
    ViaText,
    /// An integer to `boolean`: `c <> 0`.
    IntToBool,
    /// `boolean` to an integer: `CASE WHEN c THEN 1 WHEN NOT c THEN 0 END` (NULL stays NULL).
    BoolToInt,
    /// Between `timestamp` and `timestamp with time zone`: `c AT TIME ZONE 'UTC'`.
    AtTimeZone,
    /// `date` to `timestamp with time zone`: midnight in the conversion time zone.
    DateToTimestamptz,
    /// `timestamp with time zone` to `date`: the date in the conversion time zone.
    TimestamptzToDate,
    /// Unix time (seconds) to a timestamp: `to_timestamp(c)`.
    FromEpoch,
    /// A timestamp to Unix time (whole seconds).
    ToEpoch,
}

/// The types the table knows, parsed from their canonical names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty<'a> {
    /// Integer of this many bytes.
    Int(u8),
    /// `numeric`, with `(precision, scale)` when bounded.
    Numeric(Option<(u32, u32)>),
    /// `real` (4) or `double precision` (8).
    Float(u8),
    Bool,
    /// `text` or `character varying`, with its length limit.
    Str(Option<u32>),
    /// `character(n)` (blank-padded).
    Char(Option<u32>),
    Date,
    /// A timestamp: with time zone or not, its fractional-second precision.
    Timestamp(bool, Option<u32>),
    Json,
    Jsonb,
    /// An array of the element type's canonical name.
    Array(&'a str),
    Uuid,
    /// Anything else (bytea, enums, domains, extension types): known only by name.
    Other(&'a str),
}

fn modifier(ty: &str, base: &str) -> Option<Option<u32>> {
    let rest = ty.strip_prefix(base)?;
    if rest.is_empty() {
        return Some(None);
    }
    rest.strip_prefix('(')?
        .strip_suffix(')')?
        .trim()
        .parse()
        .ok()
        .map(Some)
}

fn parse(ty: &str) -> Ty<'_> {
    if let Some(element) = ty.strip_suffix("[]") {
        return Ty::Array(element);
    }
    match ty {
        "smallint" => return Ty::Int(2),
        "integer" => return Ty::Int(4),
        "bigint" => return Ty::Int(8),
        "real" => return Ty::Float(4),
        "double precision" => return Ty::Float(8),
        "boolean" => return Ty::Bool,
        "text" => return Ty::Str(None),
        "date" => return Ty::Date,
        "json" => return Ty::Json,
        "jsonb" => return Ty::Jsonb,
        "uuid" => return Ty::Uuid,
        "numeric" => return Ty::Numeric(None),
        _ => {}
    }
    if let Some(typmod) = crate::normalize::numeric_typmod(ty) {
        return Ty::Numeric(Some(typmod));
    }
    if let Some(n) = modifier(ty, "character varying") {
        return Ty::Str(n);
    }
    if let Some(n) = modifier(ty, "character").or_else(|| modifier(ty, "bpchar")) {
        return Ty::Char(n);
    }
    for (suffix, tz) in [(" without time zone", false), (" with time zone", true)] {
        if let Some(p) = ty
            .strip_suffix(suffix)
            .and_then(|t| modifier(t, "timestamp"))
        {
            return Ty::Timestamp(tz, p);
        }
    }
    Ty::Other(ty)
}

/// Dates a `timestamp` cannot hold.
const DATES_BEYOND_TIMESTAMPS: &str = "dates after 294276-12-31 (beyond timestamps' range)";

/// The most characters a value of a type can print as, where it is small and known.
fn text_width(t: Ty) -> Option<u32> {
    match t {
        Ty::Bool => Some(5),
        Ty::Int(2) => Some(6),
        Ty::Int(4) => Some(11),
        Ty::Int(8) => Some(20),
        Ty::Uuid => Some(36),
        Ty::Str(n) | Ty::Char(n) => n,
        _ => None,
    }
}

/// Decimal digits an integer of `bytes` can have.
fn int_digits(bytes: u8) -> u32 {
    match bytes {
        2 => 5,
        4 => 10,
        _ => 19,
    }
}

/// Bits of mantissa a float of `bytes` holds integers exactly to.
fn float_bits(bytes: u8) -> u32 {
    if bytes == 4 {
        24
    } else {
        53
    }
}

fn lossless(using: Using, rewrite: bool) -> Conversion {
    Conversion {
        using,
        rewrite,
        changes: None,
        fails: None,
        loses: None,
    }
}

fn changes(using: Using, what: &str) -> Conversion {
    Conversion {
        changes: Some(what.to_string()),
        ..lossless(using, true)
    }
}

fn loses(using: Using, what: String) -> Conversion {
    Conversion {
        loses: Some(what),
        ..lossless(using, true)
    }
}

/// The values a narrowing change may fail on or change, in general words.
fn not_fitting(to: &str) -> String {
    format!("values that do not fit {to}")
}

/// How a column's values change from type `from` to type `to` (canonical names, as the IR
/// holds them). Enums, which it cannot tell from other named types, are [`type_change`]'s.
pub fn conversion(from: &str, to: &str) -> Conversion {
    if from == to {
        return lossless(Using::Assign, false);
    }
    let (a, b) = (parse(from), parse(to));
    match (a, b) {
        (Ty::Array(x), Ty::Array(y)) => {
            // Arrays convert element by element through the element's cast.
            let element = conversion(x, y);
            let using = match element.using {
                Using::Assign => Using::Assign,
                Using::Cast => Using::Cast,
                // The element's expression cannot reach into an array.
                _ => Using::ViaText,
            };
            if !matches!(element.using, Using::Assign | Using::Cast) && element.loses.is_none() {
                return loses(
                    using,
                    format!("elements that do not read as {y} through their text form, which fail"),
                );
            }
            Conversion { using, ..element }
        }
        // Strings to strings: longer limits cost nothing; `character(n)` loses its padding.
        (Ty::Str(m), Ty::Str(n)) => match (m, n) {
            (_, None) => lossless(Using::Assign, false),
            (Some(m), Some(n)) if n >= m => lossless(Using::Assign, false),
            (_, Some(n)) => loses(
                Using::Assign,
                format!("values longer than {n} characters, which fail"),
            ),
        },
        (Ty::Char(m), Ty::Str(n)) => match (m, n) {
            (Some(m), Some(n)) if n < m => loses(
                Using::Assign,
                format!("values longer than {n} characters, which fail"),
            ),
            _ => changes(
                Using::Assign,
                "trailing spaces of the blank-padded values are dropped",
            ),
        },
        (Ty::Str(m) | Ty::Char(m), Ty::Char(n)) => match (m, n) {
            (Some(m), Some(n)) if n >= m => lossless(Using::Assign, true),
            (_, n) => loses(
                Using::Assign,
                format!(
                    "values longer than {} characters, which fail",
                    n.unwrap_or(1)
                ),
            ),
        },
        // Anything prints as text (an assignment cast through its output function).
        (_, Ty::Str(n) | Ty::Char(n)) => {
            let n = if matches!(b, Ty::Char(_)) {
                Some(n.unwrap_or(1))
            } else {
                n
            };
            match (n, text_width(a)) {
                (None, _) => lossless(Using::Assign, true),
                (Some(n), Some(w)) if w <= n => lossless(Using::Assign, true),
                (Some(n), _) => loses(
                    Using::Assign,
                    format!("values whose text is longer than {n} characters, which fail"),
                ),
            }
        }
        (Ty::Int(x), Ty::Int(y)) if y >= x => lossless(Using::Assign, true),
        (Ty::Int(_), Ty::Int(_)) => loses(
            Using::Assign,
            format!("values outside {to}'s range, which fail"),
        ),
        (Ty::Int(x), Ty::Numeric(n)) => match n {
            Some((p, s)) if p - s < int_digits(x) => {
                loses(Using::Assign, not_fitting(to) + ", which fail")
            }
            _ => lossless(Using::Assign, true),
        },
        (Ty::Int(x), Ty::Float(y)) if x * 8 - 1 <= float_bits(y) as u8 => {
            lossless(Using::Assign, true)
        }
        (Ty::Int(_), Ty::Float(y)) => loses(
            Using::Assign,
            format!(
                "precision of values beyond 2^{}, which are rounded",
                float_bits(y)
            ),
        ),
        (Ty::Numeric(m), Ty::Numeric(n)) => match (m, n) {
            (_, None) => lossless(Using::Assign, false),
            (Some((p1, s1)), Some((p2, s2))) if s2 >= s1 && p2 - s2 >= p1 - s1 => {
                // Only a new scale changes how the values are stored.
                lossless(Using::Assign, s2 != s1)
            }
            (_, Some((p, s))) => loses(
                Using::Assign,
                format!(
                    "digits beyond {s} decimal places (rounded) and values of more than {} integer digits, which fail",
                    p - s
                ),
            ),
        },
        (Ty::Numeric(_) | Ty::Float(_), Ty::Int(_)) => loses(
            Using::Assign,
            format!("fractional parts (rounded) and values outside {to}'s range, which fail"),
        ),
        (Ty::Float(4), Ty::Float(8)) => lossless(Using::Assign, true),
        (Ty::Numeric(_) | Ty::Float(_), Ty::Float(y)) => loses(
            Using::Assign,
            format!(
                "digits beyond {}'s {} significant digits (rounded)",
                to,
                if y == 4 { 6 } else { 15 }
            ),
        ),
        (Ty::Float(_), Ty::Numeric(_)) => loses(
            Using::Assign,
            format!("digits beyond the float's significant digits, and values that do not fit {to} (NaN and infinities fail before PostgreSQL 14)"),
        ),
        (Ty::Int(_), Ty::Bool) => changes(
            Using::IntToBool,
            "every value other than 0 becomes true (0 becomes false)",
        ),
        (Ty::Bool, Ty::Int(_)) => lossless(Using::BoolToInt, true),
        (Ty::Json, Ty::Jsonb) => changes(
            Using::Assign,
            "duplicate object keys keep their last value; key order and spacing are normalized",
        ),
        (Ty::Jsonb, Ty::Json) => lossless(Using::Assign, true),
        (Ty::Timestamp(x, p), Ty::Timestamp(y, q)) => {
            let finer = q.unwrap_or(6) >= p.unwrap_or(6);
            let using = if x == y {
                Using::Assign
            } else {
                Using::AtTimeZone
            };
            if !finer {
                loses(
                    using,
                    format!(
                        "fractional seconds beyond {} digits (rounded)",
                        q.unwrap_or(6)
                    ),
                )
            } else if x == y {
                lossless(Using::Assign, false)
            } else if y {
                changes(
                    using,
                    &format!(
                        "values are read as local times in {CONVERSION_TIME_ZONE}"
                    ),
                )
            } else {
                changes(
                    using,
                    &format!(
                        "values become their local time in {CONVERSION_TIME_ZONE}"
                    ),
                )
            }
        }
        (Ty::Date, Ty::Timestamp(false, _)) => {
            lossless(Using::Assign, true).failing(DATES_BEYOND_TIMESTAMPS)
        }
        (Ty::Date, Ty::Timestamp(true, _)) => changes(
            Using::DateToTimestamptz,
            &format!("each date becomes midnight {CONVERSION_TIME_ZONE}"),
        )
        .failing(DATES_BEYOND_TIMESTAMPS),
        (Ty::Timestamp(false, _), Ty::Date) => {
            loses(Using::Assign, "the time of day of every value".to_string())
        }
        (Ty::Timestamp(true, _), Ty::Date) => loses(
            Using::TimestamptzToDate,
            format!("the time of day of every value (dates taken in {CONVERSION_TIME_ZONE})"),
        ),
        (Ty::Int(x @ (4 | 8)), Ty::Timestamp(..)) => {
            let c = changes(
                Using::FromEpoch,
                "values are read as Unix time (seconds since 1970-01-01 00:00 UTC)",
            );
            if x == 8 {
                c.failing("Unix times outside timestamps' range (4713 BC to 294276 AD)")
            } else {
                c
            }
        }
        (Ty::Timestamp(..), Ty::Int(x @ (4 | 8))) => loses(
            Using::ToEpoch,
            if x == 4 {
                "fractional seconds (values become Unix time in whole seconds), and times after 2038-01-19, which fail".to_string()
            } else {
                "fractional seconds (values become Unix time in whole seconds)".to_string()
            },
        ),
        // Strings read as anything through its input function (an explicit cast).
        (Ty::Str(_) | Ty::Char(_), _) => loses(
            Using::Cast,
            format!("values that do not read as {to}, which fail"),
        ),
        (Ty::Jsonb, Ty::Int(_) | Ty::Numeric(_) | Ty::Float(_) | Ty::Bool) => loses(
            Using::Cast,
            format!("values that are not a JSON {}, which fail", if b == Ty::Bool { "boolean" } else { "number" }),
        ),
        // Types known only by name: their own casts, if any, decide.
        (Ty::Other(_), _) | (_, Ty::Other(_)) => loses(Using::Cast, not_fitting(to)),
        _ => loses(
            Using::ViaText,
            format!("values whose text does not read as {to} ({from} has no cast to {to}), which fail"),
        ),
    }
}

/// The conversion of a type change as the diff planned it: `through_text` when an enum is on
/// either side (an enum converts to and from other types only through text). A string becoming
/// an enum keeps every value that is one of its labels and fails on the others (a check of the
/// values that do not fit, nothing lost); other pairs through text follow [`conversion`].
pub fn type_change(from: &str, to: &str, through_text: bool) -> Conversion {
    if !through_text {
        return conversion(from, to);
    }
    match (parse(from), parse(to)) {
        (Ty::Str(_) | Ty::Char(_), _) => {
            lossless(Using::ViaText, true).failing(&format!("values that are not labels of {to}"))
        }
        (_, Ty::Str(_) | Ty::Char(_)) => Conversion {
            using: Using::ViaText,
            ..conversion(from, to)
        },
        _ => loses(
            Using::ViaText,
            format!("values that are not labels of {to}, which fail"),
        ),
    }
}

impl super::Change {
    /// For a column type change, the type-pair table's entry for it as the diff planned it
    /// (enums through text); `None` for any other change.
    pub(crate) fn conversion(&self) -> Option<Conversion> {
        match self {
            super::Change::AlterColumnType {
                from, to, using, ..
            } => Some(type_change(from, to, *using == Some(true))),
            _ => None,
        }
    }
}

/// The `USING` expression converting `value` (a quoted column, or `NEW."c"`) to `to` by
/// `using`.
pub fn using_expr(value: &str, to: &str, using: Using) -> String {
    let zone = crate::quote::quote_literal(CONVERSION_TIME_ZONE);
    match using {
        Using::Assign => value.to_string(),
        Using::Cast => format!("{value}::{to}"),
        Using::ViaText => format!("{value}::text::{to}"),
        Using::IntToBool => format!("{value} <> 0"),
        Using::BoolToInt => format!("CASE WHEN {value} THEN 1 WHEN NOT {value} THEN 0 END"),
        Using::AtTimeZone => format!("{value} AT TIME ZONE {zone}"),
        Using::DateToTimestamptz => {
            format!("{value}::timestamp without time zone AT TIME ZONE {zone}")
        }
        Using::TimestamptzToDate => format!("({value} AT TIME ZONE {zone})::date"),
        Using::FromEpoch if to.ends_with(" with time zone") => {
            format!("to_timestamp({value})")
        }
        Using::FromEpoch => format!("to_timestamp({value}) AT TIME ZONE {zone}"),
        Using::ToEpoch => format!("extract(epoch FROM {value})::{to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_is_lossless_and_narrowing_loses() {
        for (from, to) in [
            ("smallint", "integer"),
            ("integer", "bigint"),
            ("smallint[]", "integer[]"),
            ("character varying(20)", "character varying(40)"),
            ("character varying(20)", "text"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("numeric(10,2)", "numeric"),
            ("integer", "numeric(10,0)"),
            ("jsonb", "json"),
            ("boolean", "integer"),
        ] {
            assert!(conversion(from, to).is_lossless(), "{from} → {to}");
        }
        for (from, to) in [
            ("integer", "smallint"),
            ("integer[]", "smallint[]"),
            ("text", "character varying(5)"),
            ("numeric(12,2)", "numeric(10,2)"),
            ("numeric", "integer"),
            ("integer", "numeric(5,0)"),
            ("bigint", "double precision"),
            ("integer", "date"),
            ("text", "integer"),
        ] {
            assert!(conversion(from, to).loses.is_some(), "{from} → {to}");
        }
    }

    #[test]
    fn changes_of_meaning_are_named_and_kept_apart_from_losses() {
        for (from, to) in [
            ("json", "jsonb"),
            ("timestamp without time zone", "timestamp with time zone"),
            ("smallint", "boolean"),
            ("character(10)", "text"),
        ] {
            assert!(
                conversion(from, to).changes.is_some() && conversion(from, to).loses.is_none(),
                "{from} → {to}"
            );
        }
    }

    #[test]
    fn rewrites_only_where_storage_changes() {
        assert!(!conversion("character varying(10)", "character varying(20)").rewrite);
        assert!(!conversion("numeric(10,2)", "numeric(14,2)").rewrite);
        assert!(conversion("numeric(10,2)", "numeric(14,4)").rewrite);
        assert!(
            !conversion(
                "timestamp(3) without time zone",
                "timestamp without time zone"
            )
            .rewrite
        );
        assert!(conversion("integer", "bigint").rewrite);
    }

    #[test]
    fn conversions_without_a_cast_get_an_expression() {
        let expr = |from: &str, to: &str| using_expr("\"c\"", to, conversion(from, to).using);
        assert_eq!(expr("smallint", "boolean"), "\"c\" <> 0");
        assert_eq!(
            expr("boolean", "smallint"),
            "CASE WHEN \"c\" THEN 1 WHEN NOT \"c\" THEN 0 END"
        );
        assert_eq!(
            expr("integer", "timestamp with time zone"),
            "to_timestamp(\"c\")"
        );
        assert_eq!(expr("integer", "date"), "\"c\"::text::date");
        assert_eq!(expr("smallint", "integer"), "\"c\"");
    }
}

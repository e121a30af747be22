//! The expression oracle's generator: SQL expressions as people write them (operators, casts,
//! literals of the common types, `BETWEEN`, `IN`, `LIKE` and `~`, `CASE`, `COALESCE`, arrays,
//! jsonb, function calls, nested boolean logic), each used as a column default, a check, an
//! index key, an index predicate or a generated column, valid by construction: typed, with
//! column references only where PostgreSQL takes them and only immutable functions where it
//! requires them. `tests/it/expressions.rs` loads them into PostgreSQL and compares what
//! schemafix reads from the written text with what it reads from the server's catalog.

use crate::Rng;

/// The types expressions are generated for; each has a column of the oracle's tables.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Int,
    Small,
    Big,
    Num,
    Float,
    Real,
    Text,
    Varchar,
    Bool,
    Date,
    Time,
    Ts,
    Tstz,
    Interval,
    Jsonb,
    IntArr,
    TextArr,
    Uuid,
    Bytea,
    Inet,
}

/// Every type, in the order of the tables' base columns.
pub const TYPES: [Ty; 20] = [
    Ty::Int,
    Ty::Small,
    Ty::Big,
    Ty::Num,
    Ty::Float,
    Ty::Real,
    Ty::Text,
    Ty::Varchar,
    Ty::Bool,
    Ty::Date,
    Ty::Time,
    Ty::Ts,
    Ty::Tstz,
    Ty::Interval,
    Ty::Jsonb,
    Ty::IntArr,
    Ty::TextArr,
    Ty::Uuid,
    Ty::Bytea,
    Ty::Inet,
];

impl Ty {
    /// The type as a column declares it.
    pub fn sql(self) -> &'static str {
        match self {
            Ty::Int => "integer",
            Ty::Small => "smallint",
            Ty::Big => "bigint",
            Ty::Num => "numeric(12,2)",
            Ty::Float => "double precision",
            Ty::Real => "real",
            Ty::Text => "text",
            Ty::Varchar => "character varying(20)",
            Ty::Bool => "boolean",
            Ty::Date => "date",
            Ty::Time => "time",
            Ty::Ts => "timestamp",
            Ty::Tstz => "timestamptz",
            Ty::Interval => "interval",
            Ty::Jsonb => "jsonb",
            Ty::IntArr => "integer[]",
            Ty::TextArr => "text[]",
            Ty::Uuid => "uuid",
            Ty::Bytea => "bytea",
            Ty::Inet => "inet",
        }
    }

    /// The base column of this type.
    pub fn column(self) -> &'static str {
        match self {
            Ty::Int => "i",
            Ty::Small => "s",
            Ty::Big => "b",
            Ty::Num => "n",
            Ty::Float => "f",
            Ty::Real => "r",
            Ty::Text => "t",
            Ty::Varchar => "v",
            Ty::Bool => "bo",
            Ty::Date => "d",
            Ty::Time => "tm",
            Ty::Ts => "ts",
            Ty::Tstz => "tz",
            Ty::Interval => "iv",
            Ty::Jsonb => "j",
            Ty::IntArr => "ia",
            Ty::TextArr => "ta",
            Ty::Uuid => "u",
            Ty::Bytea => "by",
            Ty::Inet => "ip",
        }
    }
}

/// Where an expression is used.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Use {
    /// A column default: no column references.
    Default,
    /// A check constraint: boolean, no volatile function.
    Check,
    /// An index key: immutable.
    IndexKey,
    /// An index predicate: boolean, immutable.
    Predicate,
    /// A stored generated column: immutable.
    Generated,
}

/// One generated case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Its number: the object it makes is named from it (`c7`, `k7`, `x7`, `p7`, `g7`).
    pub id: usize,
    /// Where the expression is used.
    pub usage: Use,
    /// The type of the expression (of its column, for a default or a generated column).
    pub ty: Ty,
    /// The expression as written.
    pub expr: String,
}

impl Case {
    /// A kept case from its line (`use<TAB>type<TAB>expression`, the use as `Default`,
    /// `Check`, `IndexKey`, `Predicate` or `Generated`, the type as a column declares it).
    pub fn from_line(id: usize, line: &str) -> Result<Case, String> {
        let mut parts = line.splitn(3, '\t');
        let (Some(u), Some(t), Some(expr)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("expected use, type and expression, tab-separated".into());
        };
        let usage = match u {
            "Default" => Use::Default,
            "Check" => Use::Check,
            "IndexKey" => Use::IndexKey,
            "Predicate" => Use::Predicate,
            "Generated" => Use::Generated,
            _ => return Err(format!("unknown use {u:?}")),
        };
        let ty = *TYPES
            .iter()
            .find(|ty| ty.sql() == t)
            .ok_or_else(|| format!("unknown type {t:?}"))?;
        Ok(Case {
            id,
            usage,
            ty,
            expr: expr.to_string(),
        })
    }

    /// The object's name.
    pub fn object(&self) -> String {
        let prefix = match self.usage {
            Use::Default => "c",
            Use::Check => "k",
            Use::IndexKey => "x",
            Use::Predicate => "p",
            Use::Generated => "g",
        };
        format!("{prefix}{}", self.id)
    }
}

/// Volatility, in PostgreSQL's order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Vol {
    Immutable,
    Stable,
    Volatile,
}

use Vol::{Immutable as I, Stable as S, Volatile as V};

/// Does the generator give an index key this type? Every type but `smallint` and `real`
/// (which defaults and generated columns cover).
fn is_key_type(t: &Ty) -> bool {
    !matches!(t, Ty::Small | Ty::Real)
}

/// Types compared with `=`, `<` and the rest.
const COMPARABLE: [Ty; 13] = [
    Ty::Int,
    Ty::Big,
    Ty::Num,
    Ty::Float,
    Ty::Text,
    Ty::Varchar,
    Ty::Date,
    Ty::Time,
    Ty::Ts,
    Ty::Tstz,
    Ty::Interval,
    Ty::Uuid,
    Ty::Bool,
];

/// `n` cases from `seed`, every use in turn.
pub fn cases(seed: u64, n: usize) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|id| {
            let usage = [
                Use::Default,
                Use::Check,
                Use::IndexKey,
                Use::Predicate,
                Use::Generated,
            ][id % 5];
            let ty = match usage {
                Use::Check | Use::Predicate => Ty::Bool,
                Use::IndexKey => {
                    let keys: Vec<Ty> = TYPES.iter().copied().filter(is_key_type).collect();
                    *rng.pick(&keys)
                }
                Use::Default | Use::Generated => *rng.pick(&TYPES),
            };
            let (cols, vol) = match usage {
                Use::Default => (false, V),
                Use::Check => (true, S),
                _ => (true, I),
            };
            let mut g = Gen {
                rng: &mut rng,
                cols,
                vol,
            };
            let depth = 1 + g.rng.below(4) as u32;
            let mut expr = if usage == Use::Default && g.rng.chance(25) {
                g.written_literal(ty)
            } else {
                g.expr(ty, depth)
            };
            if matches!(ty, Ty::Text | Ty::Varchar) && usage != Use::Default && g.rng.chance(5) {
                expr = format!("({expr}) COLLATE \"C\"");
            }
            // An index key has a type: never a bare (unknown) string.
            while usage == Use::IndexKey && (expr.starts_with('\'') || expr.starts_with("E'")) {
                expr = g.expr(ty, depth.max(1));
            }
            Case {
                id,
                usage,
                ty,
                expr,
            }
        })
        .collect()
}

/// The oracle's tables for `cases`: `per_table` cases a table, each table with a base column
/// of every type; the cases' columns, checks and indexes named from their numbers.
pub fn ddl(cases: &[Case], per_table: usize) -> String {
    let mut out = String::new();
    for (n, chunk) in cases.chunks(per_table.max(1)).enumerate() {
        out.push_str(&table_ddl(&format!("o{n}"), chunk));
    }
    out
}

/// One table holding `cases`.
pub fn table_ddl(table: &str, cases: &[Case]) -> String {
    let mut items: Vec<String> = TYPES
        .iter()
        .map(|t| format!("{} {}", t.column(), t.sql()))
        .collect();
    let mut indexes = String::new();
    for c in cases {
        let name = c.object();
        match c.usage {
            Use::Default if needs_parentheses(&c.expr) => {
                items.push(format!("{name} {} DEFAULT ({})", c.ty.sql(), c.expr))
            }
            Use::Default => items.push(format!("{name} {} DEFAULT {}", c.ty.sql(), c.expr)),
            Use::Generated => items.push(format!(
                "{name} {} GENERATED ALWAYS AS ({}) STORED",
                c.ty.sql(),
                c.expr
            )),
            Use::Check => items.push(format!("CONSTRAINT {name} CHECK ({})", c.expr)),
            Use::IndexKey => {
                indexes.push_str(&format!("CREATE INDEX {name} ON {table} (({}));\n", c.expr))
            }
            Use::Predicate => indexes.push_str(&format!(
                "CREATE INDEX {name} ON {table} (i) WHERE {};\n",
                c.expr
            )),
        }
    }
    format!(
        "CREATE TABLE {table} (\n    {}\n);\n{indexes}",
        items.join(",\n    ")
    )
}

/// A hole of a production's template: an expression of a type, or one as an operand (in
/// parentheses unless simple).
#[derive(Clone, Copy)]
enum Slot {
    E(Ty),
    O(Ty),
}

use Slot::{E, O};

struct Gen<'a> {
    rng: &'a mut Rng,
    /// Column references allowed.
    cols: bool,
    /// The most volatile function allowed.
    vol: Vol,
}

impl Gen<'_> {
    /// An expression of type `ty`, nested up to `depth` levels.
    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        if depth > 0 && !self.rng.chance(20) {
            for _ in 0..8 {
                if let Some(e) = self.compound(ty, depth - 1) {
                    return e;
                }
            }
        }
        self.leaf(ty)
    }

    /// One of the binary operators `ops` between two operands of type `ty`.
    fn binary(&mut self, ops: &[&str], ty: Ty, depth: u32) -> String {
        let op = *self.rng.pick(ops);
        format!(
            "{} {op} {}",
            self.operand(ty, depth),
            self.operand(ty, depth)
        )
    }

    /// An operand: a compound expression in parentheses (sometimes twice), a leaf as it is.
    fn operand(&mut self, ty: Ty, depth: u32) -> String {
        let e = self.expr(ty, depth);
        if is_simple(&e) {
            e
        } else if self.rng.chance(10) {
            format!("(({e}))")
        } else {
            format!("({e})")
        }
    }

    /// `template` (`format!`'s syntax: `{}` a hole, `{{` and `}}` braces) with its holes filled
    /// in order, each generated when it is reached.
    fn fill(&mut self, template: &str, slots: &[Slot], d: u32) -> String {
        let mut out = String::new();
        let mut slots = slots.iter();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('{', Some('{')) | ('}', Some('}')) => {
                    chars.next();
                    out.push(c);
                }
                ('{', Some('}')) => {
                    chars.next();
                    let text = match slots.next() {
                        Some(E(ty)) => self.expr(*ty, d),
                        Some(O(ty)) => self.operand(*ty, d),
                        None => String::new(),
                    };
                    out.push_str(&text);
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// A column (where allowed) or a literal.
    fn leaf(&mut self, ty: Ty) -> String {
        if self.cols && self.rng.chance(60) {
            ty.column().to_string()
        } else {
            self.literal(ty)
        }
    }

    /// A literal of type `ty` that has that type wherever it stands.
    fn literal(&mut self, ty: Ty) -> String {
        let l: &[&str] = match ty {
            Ty::Int => &[
                "0",
                "1",
                "42",
                "-7",
                "2147483647",
                "'5'::integer",
                "CAST('12' AS int)",
                "100",
            ],
            Ty::Small => &["1", "'2'::smallint", "CAST(3 AS smallint)", "-3"],
            Ty::Big => &[
                "3000000000",
                "'9'::bigint",
                "-1",
                "CAST(7 AS int8)",
                "9223372036854775807",
            ],
            Ty::Num => &[
                "1.5",
                "0.25",
                "'12.50'::numeric",
                "100.0",
                "-0.5",
                "1e3",
                "CAST(2.125 AS numeric(10,3))",
                "0.10",
            ],
            Ty::Float => &[
                "1.5::double precision",
                "'NaN'::float8",
                "'Infinity'::double precision",
                "2.5e-3::float8",
                "CAST(0.1 AS float8)",
                "'-0'::float8",
            ],
            Ty::Real => &["1.5::real", "'2.25'::real", "CAST(0.5 AS float4)"],
            Ty::Text => &[
                "'abc'",
                "'it''s'",
                "E'tab\\there'",
                "E'back\\\\slash'",
                "'ünïcode'",
                "''",
                "'a%b_c'",
                "'x'::text",
                "'{braces}'",
                "'line\nbreak'",
                "E'quote\\'s'",
                "U&'\\0041bc'",
                "$$dollar$$",
            ],
            Ty::Varchar => &[
                "'abc'::varchar",
                "'xyz'::character varying(20)",
                "CAST('q' AS varchar(5))",
            ],
            Ty::Bool => &[
                "true",
                "false",
                "'yes'::boolean",
                "'f'::boolean",
                "TRUE",
                "CAST('on' AS boolean)",
            ],
            Ty::Date => &[
                "'2024-01-31'::date",
                "DATE '2024-02-29'",
                "CAST('20240301' AS date)",
                "'infinity'::date",
            ],
            Ty::Time => &[
                "'10:30'::time",
                "TIME '23:59:59.5'",
                "'04:05:06'::time without time zone",
            ],
            Ty::Ts => &[
                "'2024-01-31 10:00:00'::timestamp",
                "TIMESTAMP '2024-01-31'",
                "'2024-01-31T10:00'::timestamp without time zone",
                "'-infinity'::timestamp",
            ],
            Ty::Tstz => &[
                "'2024-01-31 10:00:00+02'::timestamptz",
                "'2024-01-31 10:00:00 UTC'::timestamp with time zone",
                "TIMESTAMPTZ '2024-06-01 00:00:00-07:30'",
                "'epoch'::timestamptz",
                "'2024-01-31 10:00:00'::timestamptz",
            ],
            Ty::Interval => &[
                "'1 day'::interval",
                "INTERVAL '2 hours'",
                "'90 minutes'::interval",
                "'1 year 2 mons'::interval",
                "INTERVAL '3' DAY",
                "'00:00:30'::interval",
                "'2 weeks'::interval",
            ],
            Ty::Jsonb => &[
                "'{}'::jsonb",
                "'{\"b\": 1, \"a\": [1, 2]}'::jsonb",
                "'[]'::jsonb",
                "'{\"aa\":1,\"b\":{\"y\":null}}'::jsonb",
                "'\"str\"'::jsonb",
                "'1.50'::jsonb",
                "'{\"k\": true,\"k\": false}'::jsonb",
                "CAST('[1, \"two\"]' AS jsonb)",
            ],
            Ty::IntArr => &[
                "ARRAY[1, 2, 3]",
                "'{1,2}'::integer[]",
                "'{}'::int[]",
                "ARRAY[]::integer[]",
                "'{ 3 , 4 }'::int4[]",
            ],
            Ty::TextArr => &[
                "ARRAY['a', 'b']",
                "'{a,b}'::text[]",
                "'{}'::text[]",
                "ARRAY['x']::text[]",
                "'{\"a b\",c}'::text[]",
            ],
            Ty::Uuid => &[
                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
                "'00000000-0000-0000-0000-000000000000'::uuid",
            ],
            Ty::Bytea => &["'\\xdeadbeef'::bytea", "''::bytea", "'\\x00'::bytea"],
            Ty::Inet => &["'10.0.0.1'::inet", "'192.168.0.0/24'::inet", "'::1'::inet"],
        };
        self.rng.pick(l).to_string()
    }

    /// A default as people write it with the column's type implied: a bare string, a
    /// number, `NULL`.
    fn written_literal(&mut self, ty: Ty) -> String {
        let l: &[&str] = match ty {
            Ty::Int | Ty::Small | Ty::Big => &["'42'", "0", "'-1'", "NULL"],
            Ty::Num => &["'0'", "0", "'12.5'", "1.005", "'1e2'", "NULL"],
            Ty::Float | Ty::Real => &["0", "'1.5'", "1", "'NaN'", "1e10"],
            Ty::Text | Ty::Varchar => &["'x'", "NULL", "NULL::text", "''"],
            Ty::Bool => &["'true'", "'f'", "'yes'", "'0'", "NULL"],
            Ty::Date => &[
                "'2024-01-31'",
                "'2024-1-5'",
                "'today'",
                "'now'",
                "CURRENT_DATE",
            ],
            Ty::Time => &[
                "'10:00'",
                "'10:00:00.000'",
                "'now'",
                "LOCALTIME",
                "CURRENT_TIME",
            ],
            Ty::Ts => &[
                "'2024-01-31'",
                "'2024-01-31 10:00'",
                "'now'",
                "now()",
                "LOCALTIMESTAMP",
                "CURRENT_TIMESTAMP",
            ],
            Ty::Tstz => &[
                "'2024-01-31 10:00:00+00'",
                "'now'",
                "now()",
                "CURRENT_TIMESTAMP",
                "'2024-01-31T10:00:00Z'",
            ],
            Ty::Interval => &["'1 day'", "'P1D'", "'1:30'", "'2 days 03:00:00'", "'0'"],
            Ty::Jsonb => &["'{}'", "'{\"b\":2,\"a\":1}'", "'[ 1, 2 ]'", "'null'"],
            Ty::IntArr => &["'{}'", "'{1,2,3}'", "'{ 5 }'", "'{NULL}'"],
            Ty::TextArr => &["'{}'", "'{a,\"b c\"}'", "'{\"\"}'"],
            Ty::Uuid => &[
                "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'",
                "'a0eebc999c0b4ef8bb6d6bb9bd380a11'",
                "gen_random_uuid()",
            ],
            Ty::Bytea => &["'\\xDEAD'", "'abc'", "''"],
            Ty::Inet => &["'10.0.0.1/32'", "'10.1.2.3/8'", "'::ffff:1.2.3.4'"],
        };
        self.rng.pick(l).to_string()
    }

    /// A compound expression of type `ty`, or `None` when the choice is not allowed here.
    fn compound(&mut self, ty: Ty, d: u32) -> Option<String> {
        let pick = self.rng.below(100);
        let e = match ty {
            Ty::Int => self.int(pick, d)?,
            Ty::Small => match pick % 3 {
                0 => self.fill("({})::smallint", &[E(Ty::Int)], d),
                1 => self.fill("{} + {}", &[O(Ty::Small), O(Ty::Small)], d),
                _ => self.fill("abs({})", &[E(Ty::Small)], d),
            },
            Ty::Big => match pick % 6 {
                0 => self.fill("{} + {}", &[O(Ty::Big), O(Ty::Big)], d),
                1 => self.fill("({})::bigint", &[E(Ty::Int)], d),
                2 => self.fill("{} * {}", &[O(Ty::Big), O(Ty::Int)], d),
                3 => self.fill("COALESCE({}, {})", &[E(Ty::Big), E(Ty::Big)], d),
                4 => self.fill("CAST({} AS bigint)", &[E(Ty::Num)], d),
                _ => self.fill("abs({})", &[E(Ty::Big)], d),
            },
            Ty::Num => self.num(pick, d)?,
            Ty::Float => match pick % 7 {
                0 => self.fill("{} * {}", &[O(Ty::Float), O(Ty::Float)], d),
                1 => self.fill("sqrt(abs({}))", &[E(Ty::Float)], d),
                2 => self.fill("({})::float8", &[E(Ty::Num)], d),
                3 => self.call(V, "random()")?,
                4 => "pi()".into(),
                5 => self.fill("power({}, 2)", &[E(Ty::Float)], d),
                _ => self.fill("({})::double precision", &[E(Ty::Int)], d),
            },
            Ty::Real => self.fill("({})::real", &[E(Ty::Float)], d),
            Ty::Text | Ty::Varchar => self.text(ty, pick, d)?,
            Ty::Bool => self.boolean(pick, d)?,
            Ty::Date => match pick % 8 {
                0 => self.fill("{} + {}", &[O(Ty::Date), O(Ty::Int)], d),
                1 => self.fill("{} - 1", &[O(Ty::Date)], d),
                2 => self.call(S, "CURRENT_DATE")?,
                3 => self.fill("({})::date", &[E(Ty::Ts)], d),
                4 => "make_date(2024, 1, 15)".into(),
                5 => self.fill("COALESCE({}, '2024-01-01')", &[E(Ty::Date)], d),
                6 => self.case(Ty::Date, d),
                _ => self.fill("date_trunc('month', {})::date", &[E(Ty::Ts)], d),
            },
            Ty::Time => match pick % 4 {
                0 => self.fill("{} + {}", &[O(Ty::Time), O(Ty::Interval)], d),
                1 => self.fill("({})::time", &[E(Ty::Ts)], d),
                2 => self.call(S, "LOCALTIME")?,
                _ => self.fill("COALESCE({}, '00:00')", &[E(Ty::Time)], d),
            },
            Ty::Ts => match pick % 11 {
                0 => self.fill("{} + {}", &[O(Ty::Ts), O(Ty::Interval)], d),
                1 => self.fill("{} - {}", &[O(Ty::Ts), O(Ty::Interval)], d),
                2 => self.fill("date_trunc('day', {})", &[E(Ty::Ts)], d),
                3 => self.fill("{} + {}", &[O(Ty::Date), O(Ty::Time)], d),
                4 => self.fill("({})::timestamp", &[E(Ty::Date)], d),
                5 => self.call(S, "LOCALTIMESTAMP")?,
                6 => self.call(S, "now()::timestamp")?,
                7 => self.fill("({} AT TIME ZONE 'UTC')", &[O(Ty::Tstz)], d),
                8 => self.fill("timezone('Europe/Paris', {})", &[E(Ty::Tstz)], d),
                9 => "make_timestamp(2024, 1, 2, 3, 4, 5.5)".into(),
                _ => self.fill("COALESCE({}, {})", &[E(Ty::Ts), E(Ty::Ts)], d),
            },
            Ty::Tstz => match pick % 10 {
                0 => self.call(S, "now()")?,
                1 => self.call(S, "CURRENT_TIMESTAMP")?,
                2 => self.call(S, "statement_timestamp()")?,
                3 => self.call(V, "clock_timestamp()")?,
                4 => {
                    self.call(S, "")?;
                    self.fill("{} + {}", &[O(Ty::Tstz), O(Ty::Interval)], d)
                }
                5 => self.fill("({} AT TIME ZONE 'UTC')", &[O(Ty::Ts)], d),
                6 => self.fill("to_timestamp({})", &[E(Ty::Float)], d),
                7 => {
                    self.call(S, "")?;
                    self.fill("date_trunc('hour', {})", &[E(Ty::Tstz)], d)
                }
                8 => self.call(S, "CURRENT_TIMESTAMP(3)")?,
                _ => self.fill("COALESCE({}, {})", &[E(Ty::Tstz), E(Ty::Tstz)], d),
            },
            Ty::Interval => match pick % 9 {
                0 => self.fill("{} * 2", &[O(Ty::Interval)], d),
                1 => self.fill("{} + {}", &[O(Ty::Interval), O(Ty::Interval)], d),
                2 => self.fill("{} - {}", &[O(Ty::Ts), O(Ty::Ts)], d),
                3 => self.fill("make_interval(days => {})", &[E(Ty::Int)], d),
                4 => self.fill("justify_days({})", &[E(Ty::Interval)], d),
                5 => self.fill("-{}", &[O(Ty::Interval)], d),
                6 => self.fill("age({}, {})", &[E(Ty::Ts), E(Ty::Ts)], d),
                7 => self.fill("{} * '1 day'::interval", &[O(Ty::Int)], d),
                _ => self.fill("{} - {}", &[O(Ty::Tstz), O(Ty::Tstz)], d),
            },
            Ty::Jsonb => match pick % 12 {
                0 => self.fill("{} -> 'k'", &[O(Ty::Jsonb)], d),
                1 => self.fill("{} -> 0", &[O(Ty::Jsonb)], d),
                2 => self.fill("{} #> '{{a,b}}'", &[O(Ty::Jsonb)], d),
                3 => self.fill("{} - 'k'", &[O(Ty::Jsonb)], d),
                4 => self.fill("{} || {}", &[O(Ty::Jsonb), O(Ty::Jsonb)], d),
                5 => {
                    self.call(S, "")?;
                    self.fill(
                        "jsonb_build_object('a', {}, 'b', {})",
                        &[E(Ty::Int), E(Ty::Text)],
                        d,
                    )
                }
                6 => {
                    self.call(S, "")?;
                    self.fill("to_jsonb(CAST({} AS text))", &[E(Ty::Text)], d)
                }
                7 => self.fill("jsonb_strip_nulls({})", &[E(Ty::Jsonb)], d),
                8 => self.fill("COALESCE({}, '{{}}')", &[E(Ty::Jsonb)], d),
                9 => format!("({})::jsonb", self.text_of(Ty::Jsonb)),
                10 => format!("jsonb_set({}, '{{a}}', '1')", self.column(Ty::Jsonb)?),
                _ => self.fill("{} #- '{{a}}'", &[O(Ty::Jsonb)], d),
            },
            Ty::IntArr => match pick % 8 {
                0 => self.fill("{} || {}", &[O(Ty::IntArr), O(Ty::Int)], d),
                1 => self.fill("{} || {}", &[O(Ty::IntArr), O(Ty::IntArr)], d),
                2 => self.fill("array_append({}, {})", &[E(Ty::IntArr), E(Ty::Int)], d),
                3 => self.fill("array_remove({}, {})", &[E(Ty::IntArr), E(Ty::Int)], d),
                4 => self.fill("ARRAY[{}, {}]", &[E(Ty::Int), E(Ty::Int)], d),
                5 => format!("({})::integer[]", self.column(Ty::TextArr)?),
                6 => self.fill("COALESCE({}, '{{}}')", &[E(Ty::IntArr)], d),
                _ => self.fill("{}[1:2]", &[O(Ty::IntArr)], d),
            },
            Ty::TextArr => match pick % 5 {
                0 => self.fill("ARRAY[{}, {}]", &[E(Ty::Text), E(Ty::Text)], d),
                1 => self.fill("string_to_array({}, ',')", &[E(Ty::Text)], d),
                2 => self.fill("{} || {}", &[O(Ty::TextArr), O(Ty::Text)], d),
                3 => self.fill("regexp_split_to_array({}, ',')", &[E(Ty::Text)], d),
                _ => self.fill("array_append({}, 'x')", &[E(Ty::TextArr)], d),
            },
            Ty::Uuid => match pick % 3 {
                0 => self.call(V, "gen_random_uuid()")?,
                1 => self.fill("md5({})::uuid", &[E(Ty::Text)], d),
                _ => self.fill(
                    "COALESCE({}, '00000000-0000-0000-0000-000000000000')",
                    &[E(Ty::Uuid)],
                    d,
                ),
            },
            Ty::Bytea => match pick % 3 {
                0 => format!("decode({}, 'hex')", self.text_of(Ty::Bytea)),
                1 => self.fill("{} || '\\x00'::bytea", &[O(Ty::Bytea)], d),
                _ => self.fill("sha256({})", &[E(Ty::Bytea)], d),
            },
            Ty::Inet => match pick % 3 {
                0 => format!("({})::inet", self.text_of(Ty::Inet)),
                1 => self.fill("{} + 1", &[O(Ty::Inet)], d),
                _ => self.fill("set_masklen({}, 24)", &[E(Ty::Inet)], d),
            },
        };
        Some(e)
    }

    /// The column of type `ty`, where columns may be used.
    fn column(&self, ty: Ty) -> Option<String> {
        self.cols.then(|| ty.column().to_string())
    }

    /// Text that reads as a value of `ty`: a text column where columns may be used (never
    /// evaluated: the tables are empty), else a valid literal (evaluated when it is cast).
    fn text_of(&mut self, ty: Ty) -> String {
        if self.cols {
            return self.rng.pick(&["t", "v", "lower(t)"]).to_string();
        }
        match ty {
            Ty::Jsonb => "'{\"a\": 1}'",
            Ty::Bytea => "'00ff'",
            Ty::Inet => "'10.0.0.1'",
            _ => "'12'",
        }
        .to_string()
    }

    /// `text` if a function of volatility `vol` is allowed here.
    fn call(&mut self, vol: Vol, text: &str) -> Option<String> {
        (vol <= self.vol).then(|| text.to_string())
    }

    fn int(&mut self, pick: u64, d: u32) -> Option<String> {
        Some(match pick % 24 {
            0..=3 => self.binary(&["+", "-", "*", "/", "%"], Ty::Int, d),
            4 => self.fill("-{}", &[O(Ty::Int)], d),
            5 => self.fill("abs({})", &[E(Ty::Int)], d),
            6 => self.fill("length({})", &[E(Ty::Text)], d),
            7 => self.fill("char_length({})", &[E(Ty::Text)], d),
            8 => self.fill("array_length({}, 1)", &[E(Ty::IntArr)], d),
            9 => self.fill("cardinality({})", &[E(Ty::TextArr)], d),
            10 => self.fill("position('a' in {})", &[E(Ty::Text)], d),
            11 => self.fill("COALESCE({}, {})", &[E(Ty::Int), E(Ty::Int)], d),
            12 => self.fill("NULLIF({}, 0)", &[E(Ty::Int)], d),
            13 => self.fill("GREATEST({}, {}, 0)", &[E(Ty::Int), E(Ty::Int)], d),
            14 => self.fill("least({}, {})", &[E(Ty::Int), E(Ty::Int)], d),
            15 => self.case(Ty::Int, d),
            16 => self.fill(
                "CASE {} WHEN 1 THEN {} WHEN 2 THEN 20 ELSE {} END",
                &[E(Ty::Int), E(Ty::Int), E(Ty::Int)],
                d,
            ),
            17 => self.fill("({})::integer", &[E(Ty::Big)], d),
            18 => self.fill("CAST({} AS int)", &[E(Ty::Num)], d),
            19 => format!("({})::int", self.text_of(Ty::Int)),
            20 => self.fill("EXTRACT(YEAR FROM {})::integer", &[E(Ty::Date)], d),
            21 => self.fill("date_part('month', {})::int", &[E(Ty::Ts)], d),
            22 => self.fill("{} - {}", &[O(Ty::Date), O(Ty::Date)], d),
            _ => self.fill("{}[1]", &[O(Ty::IntArr)], d),
        })
    }

    fn num(&mut self, pick: u64, d: u32) -> Option<String> {
        Some(match pick % 12 {
            0..=1 => self.binary(&["+", "-", "*", "/"], Ty::Num, d),
            2 => self.fill("round({}, 2)", &[E(Ty::Num)], d),
            3 => self.fill("round({})", &[E(Ty::Num)], d),
            4 => self.fill("trunc({})", &[E(Ty::Num)], d),
            5 => self.fill("ceil({})", &[E(Ty::Num)], d),
            6 => self.fill("({})::numeric", &[E(Ty::Int)], d),
            7 => self.fill("({})::numeric(10,2)", &[E(Ty::Int)], d),
            8 => format!("CAST({} AS numeric)", self.text_of(Ty::Num)),
            9 => self.fill("{} * 1.1", &[O(Ty::Num)], d),
            10 => self.fill("COALESCE({}, 0)", &[E(Ty::Num)], d),
            _ => self.fill("({})::numeric", &[E(Ty::Float)], d),
        })
    }

    fn text(&mut self, ty: Ty, pick: u64, d: u32) -> Option<String> {
        let t = Ty::Text;
        Some(match pick % 30 {
            0..=1 => self.fill("{} || {}", &[O(t), O(t)], d),
            2 => {
                self.call(S, "")?;
                self.fill("{} || {}", &[O(t), O(Ty::Int)], d)
            }
            3 => self.fill("lower({})", &[E(t)], d),
            4 => self.fill("upper({})", &[E(Ty::Varchar)], d),
            5 => self.fill("btrim({})", &[E(t)], d),
            6 => self.fill("trim(both 'x' from {})", &[E(t)], d),
            7 => self.fill("substr({}, 1, 3)", &[E(t)], d),
            8 => self.fill("substring({} from 2 for 3)", &[E(t)], d),
            9 => self.fill("replace({}, 'a', 'b')", &[E(t)], d),
            10 => self.fill("left({}, 2)", &[E(t)], d),
            11 => self.fill("md5({})", &[E(t)], d),
            12 => {
                self.call(S, "")?;
                self.fill("concat({}, 'x', {})", &[E(t), E(Ty::Int)], d)
            }
            13 => self.fill("({})::text", &[E(Ty::Int)], d),
            14 => self.fill("CAST({} AS text)", &[E(Ty::Num)], d),
            15 => self.fill("COALESCE({}, 'none')", &[E(t)], d),
            16 => self.case(t, d),
            17 => {
                self.call(S, "")?;
                self.fill("format('%s-%s', {}, {})", &[E(t), E(Ty::Int)], d)
            }
            18 => {
                self.call(S, "")?;
                self.fill("to_char({}, 'YYYY-MM')", &[E(Ty::Date)], d)
            }
            19 => self.call(S, "current_user")?,
            20 => self.fill("lpad({}, 5, '0')", &[E(t)], d),
            21 => self.fill("split_part({}, ',', 1)", &[E(t)], d),
            22 => self.fill("rtrim({})", &[E(t)], d),
            23 => self.fill("({})::varchar(10)", &[E(t)], d),
            24 => self.fill("regexp_replace({}, '[0-9]+', '#', 'g')", &[E(t)], d),
            25 => self.fill("{} ->> 'k'", &[O(Ty::Jsonb)], d),
            26 => self.fill("{} #>> '{{a,b}}'", &[O(Ty::Jsonb)], d),
            27 => self.fill("({})::text", &[E(Ty::Uuid)], d),
            28 if ty == Ty::Text => self.fill("substring({} from 2)", &[E(t)], d),
            _ => self.fill("initcap({})", &[E(t)], d),
        })
    }

    fn boolean(&mut self, pick: u64, d: u32) -> Option<String> {
        let cmp = *self.rng.pick(&COMPARABLE);
        Some(match pick % 40 {
            0..=4 => self.binary(&["=", "<>", "!=", "<", "<=", ">", ">="], cmp, d),
            5 => {
                let (a, b) = (self.literal(cmp), self.literal(cmp));
                format!("{} BETWEEN {a} AND {b}", self.operand(cmp, d))
            }
            6 => self.fill(
                "{} NOT BETWEEN {} AND {}",
                &[O(Ty::Int), O(Ty::Int), O(Ty::Int)],
                d,
            ),
            7 => self.fill(
                "{} BETWEEN {} AND {}",
                &[O(Ty::Num), O(Ty::Num), O(Ty::Num)],
                d,
            ),
            8 => {
                let items: Vec<String> = (0..1 + self.rng.below(4))
                    .map(|_| self.expr(cmp, d))
                    .collect();
                format!("{} IN ({})", self.operand(cmp, d), items.join(", "))
            }
            9 => {
                let items: Vec<String> = (0..2).map(|_| self.literal(Ty::Text)).collect();
                format!(
                    "{} NOT IN ({})",
                    self.operand(Ty::Text, d),
                    items.join(", ")
                )
            }
            10 => {
                let op = *self.rng.pick(&["LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE"]);
                let pat = *self.rng.pick(&["'a%'", "'%b_'", "'100\\%'", "'x'"]);
                format!("{} {op} {pat}", self.operand(Ty::Text, d))
            }
            11 => self.fill("{} LIKE 'a!%%' ESCAPE '!'", &[O(Ty::Text)], d),
            12 => {
                let op = *self.rng.pick(&["~", "~*", "!~", "!~*"]);
                let pat = *self.rng.pick(&["'^[a-z]+$'", "'\\d{3}'", "'^a'"]);
                format!("{} {op} {pat}", self.operand(Ty::Varchar, d))
            }
            13 => self.fill("{} SIMILAR TO 'a%'", &[O(Ty::Text)], d),
            14 => format!("{} IS NULL", self.operand(cmp, d)),
            15 => format!("{} IS NOT NULL", self.operand(cmp, d)),
            16 => {
                let op = *self.rng.pick(&[
                    "IS TRUE",
                    "IS NOT TRUE",
                    "IS FALSE",
                    "IS NOT FALSE",
                    "IS UNKNOWN",
                    "IS NOT UNKNOWN",
                ]);
                format!("{} {op}", self.operand(Ty::Bool, d))
            }
            17 => format!(
                "{} IS DISTINCT FROM {}",
                self.operand(cmp, d),
                self.operand(cmp, d)
            ),
            18 => format!(
                "{} IS NOT DISTINCT FROM {}",
                self.operand(cmp, d),
                self.operand(cmp, d)
            ),
            19..=20 => self.fill("NOT {}", &[O(Ty::Bool)], d),
            21..=24 => self.fill("{} AND {}", &[O(Ty::Bool), O(Ty::Bool)], d),
            25..=27 => self.fill("{} OR {}", &[O(Ty::Bool), O(Ty::Bool)], d),
            28 => self.fill(
                "{} AND {} AND {}",
                &[O(Ty::Bool), O(Ty::Bool), O(Ty::Bool)],
                d,
            ),
            29 => self.fill("{} ? 'k'", &[O(Ty::Jsonb)], d),
            30 => self.fill("{} ?| ARRAY['a', 'b']", &[O(Ty::Jsonb)], d),
            31 => self.fill("{} @> '{{\"a\": 1}}'", &[O(Ty::Jsonb)], d),
            32 => self.fill("{} @> ARRAY[1]", &[O(Ty::IntArr)], d),
            33 => self.fill("{} && {}", &[O(Ty::IntArr), O(Ty::IntArr)], d),
            34 => self.fill("{} = ANY ({})", &[O(Ty::Int), E(Ty::IntArr)], d),
            35 => self.fill("{} <> ALL ({})", &[O(Ty::Text), E(Ty::TextArr)], d),
            36 => self.fill("{} << '10.0.0.0/8'::inet", &[O(Ty::Inet)], d),
            37 => self.fill("isfinite({})", &[E(Ty::Date)], d),
            // `COLLATE` on a comparison's operand (sqlparser 0.64 reads none inside `ARRAY[…]`
            // or `SUBSTRING(… FROM …)`, so it is generated only here and at a text case's top).
            38 if self.rng.chance(50) => {
                self.fill("{} COLLATE \"C\" < {}", &[O(Ty::Text), O(Ty::Text)], d)
            }
            38 => self.fill("{} = {}", &[O(Ty::Bool), O(Ty::Bool)], d),
            _ => self.fill("COALESCE({}, false)", &[E(Ty::Bool)], d),
        })
    }

    /// A searched `CASE` of type `ty`.
    fn case(&mut self, ty: Ty, d: u32) -> String {
        let mut s = String::from("CASE");
        for _ in 0..1 + self.rng.below(2) {
            let (w, t) = (self.expr(Ty::Bool, d), self.expr(ty, d));
            s.push_str(&format!(" WHEN {w} THEN {t}"));
        }
        if self.rng.chance(70) {
            let e = self.expr(ty, d);
            s.push_str(&format!(" ELSE {e}"));
        }
        s.push_str(" END");
        s
    }
}

/// Does a default need parentheses (`DEFAULT` takes no `NOT`, `IN`, `LIKE`, `IS`, `AND`, `OR`,
/// `BETWEEN`, `AT TIME ZONE` or `COLLATE` at its top level without them)? Told by the words
/// outside string literals, anywhere: parentheses where they are not needed are fine too.
fn needs_parentheses(e: &str) -> bool {
    let mut outside = String::new();
    let mut quoted = false;
    for c in e.chars() {
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted {
            outside.push(c);
        }
    }
    outside.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
        matches!(
            w.to_ascii_uppercase().as_str(),
            "NOT"
                | "IN"
                | "LIKE"
                | "ILIKE"
                | "SIMILAR"
                | "IS"
                | "AND"
                | "OR"
                | "BETWEEN"
                | "AT"
                | "COLLATE"
        )
    })
}

/// A column name or a literal: no parentheses needed around it.
fn is_simple(e: &str) -> bool {
    e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || (e.starts_with('\'')
            && e.ends_with('\'')
            && e[1..e.len() - 1].chars().all(|c| c != '\''))
}

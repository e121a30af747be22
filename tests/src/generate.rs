//! Generated schemas for the benchmarks (`cargo xtask bench`): `n` tables of about 20 columns
//! each (a `bigserial` key, integers, text, `varchar`, booleans and timestamps with defaults,
//! numerics, an enum column, a foreign key to the previous table), a unique key, a check and an
//! index per table, one enum per ten tables — as DDL, as PostgreSQL 15's `\d+` output, and as a
//! SQLAlchemy model. The *desired* variant changes every table: a new column, a `NOT NULL`
//! dropped, one more index.

const TYPES: [(&str, &str, &str); 6] = [
    // (SQL type, \d+ type and storage, SQLAlchemy type)
    ("integer", "integer|plain", "Integer"),
    ("text", "text|extended", "Text"),
    (
        "character varying(255)",
        "character varying(255)|extended",
        "String(255)",
    ),
    ("boolean", "boolean|plain", "Boolean"),
    (
        "timestamp with time zone",
        "timestamp with time zone|plain",
        "DateTime(timezone=True)",
    ),
    ("numeric(10,2)", "numeric(10,2)|main", "Numeric(10, 2)"),
];

struct Col {
    name: String,
    ty: usize,
    not_null: bool,
}

fn columns(desired: bool) -> Vec<Col> {
    (0..16)
        .map(|c| Col {
            name: format!("c{c}"),
            ty: c % TYPES.len(),
            // c4 loses its NOT NULL in the desired variant.
            not_null: c % 4 == 0 && !(desired && c == 4),
        })
        .collect()
}

fn default_of(ty: usize) -> Option<(&'static str, &'static str)> {
    // (DDL, \d+)
    match ty {
        3 => Some(("true", "true")),
        4 => Some(("now()", "now()")),
        _ => None,
    }
}

fn enum_of(i: usize) -> String {
    format!("status_{}", i / 10)
}

/// The schema as DDL.
pub fn ddl(n: usize, desired: bool) -> String {
    let mut out = String::new();
    for e in 0..n.div_ceil(10) {
        out.push_str(&format!(
            "CREATE TYPE status_{e} AS ENUM ('active', 'inactive', 'banned');\n"
        ));
    }
    for i in 0..n {
        out.push_str(&format!(
            "\nCREATE TABLE t{i} (\n    id bigserial PRIMARY KEY"
        ));
        for c in columns(desired) {
            out.push_str(&format!(",\n    {} {}", c.name, TYPES[c.ty].0));
            if c.not_null {
                out.push_str(" NOT NULL");
            }
            if let Some((d, _)) = default_of(c.ty) {
                out.push_str(&format!(" DEFAULT {d}"));
            }
        }
        out.push_str(&format!(
            ",\n    status {} NOT NULL DEFAULT 'active',\n    ref_id bigint",
            enum_of(i)
        ));
        if desired {
            out.push_str(",\n    extra text");
        }
        out.push_str(&format!(
            ",\n    CONSTRAINT t{i}_c2_key UNIQUE (c2),\n    CONSTRAINT t{i}_c0_check CHECK (c0 > 0)\n);\n"
        ));
        out.push_str(&format!("CREATE INDEX t{i}_c1_idx ON t{i} (c1);\n"));
        if desired {
            out.push_str(&format!("CREATE INDEX t{i}_c5_idx ON t{i} (c5);\n"));
        }
    }
    for i in 1..n {
        out.push_str(&format!(
            "ALTER TABLE t{i} ADD CONSTRAINT t{i}_ref_id_fkey FOREIGN KEY (ref_id) REFERENCES t{} (id);\n",
            i - 1
        ));
    }
    out
}

/// One psql table: cells padded to each column's width, as psql's aligned format prints them.
fn psql_table(title: &str, header: &[&str], rows: &[Vec<String>], footer: &[String]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|k| {
            rows.iter()
                .map(|r| r[k].chars().count())
                .chain([header[k].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let total: usize = widths.iter().map(|w| w + 3).sum::<usize>() - 1;
    let pad = total.saturating_sub(title.chars().count()) / 2;
    let mut out = format!("{}{title}\n", " ".repeat(pad));
    let line = |cells: &[String], center: bool| {
        let mut l = String::new();
        for (k, cell) in cells.iter().enumerate() {
            let w = widths[k];
            let n = cell.chars().count();
            let (left, right) = if center {
                ((w - n) / 2, w - n - (w - n) / 2)
            } else {
                (0, w - n)
            };
            if k > 0 {
                l.push('|');
            }
            l.push(' ');
            l.push_str(&" ".repeat(left));
            l.push_str(cell);
            l.push_str(&" ".repeat(right));
            l.push(' ');
        }
        l.trim_end_matches(' ').to_string() + if center { " " } else { "" }
    };
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    out.push_str(&line(&head, true));
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("+"),
    );
    out.push('\n');
    for r in rows {
        // psql pads every cell but the last.
        let mut l = line(r, false);
        if r.last().is_some_and(|c| c.is_empty()) {
            l.push(' ');
        }
        out.push_str(&l);
        out.push('\n');
    }
    for f in footer {
        out.push_str(f);
        out.push('\n');
    }
    out
}

/// The schema as `\d+` output of every table (what `\d+ t*` prints on PostgreSQL 15).
pub fn psql_dplus(n: usize, desired: bool) -> String {
    let header = [
        "Column",
        "Type",
        "Collation",
        "Nullable",
        "Default",
        "Storage",
        "Compression",
        "Stats target",
        "Description",
    ];
    let mut out = String::new();
    for i in 0..n {
        let row = |name: &str, ty: &str, storage: &str, not_null: bool, default: &str| {
            vec![
                name.to_string(),
                ty.to_string(),
                String::new(),
                if not_null {
                    "not null".into()
                } else {
                    String::new()
                },
                default.to_string(),
                storage.to_string(),
                String::new(),
                String::new(),
                String::new(),
            ]
        };
        let mut rows = vec![row(
            "id",
            "bigint",
            "plain",
            true,
            &format!("nextval('t{i}_id_seq'::regclass)"),
        )];
        for c in columns(desired) {
            let (ty, storage) = TYPES[c.ty].1.split_once('|').unwrap_or_default();
            let default = default_of(c.ty).map_or("", |(_, d)| d);
            rows.push(row(&c.name, ty, storage, c.not_null, default));
        }
        rows.push(row(
            "status",
            &enum_of(i),
            "plain",
            true,
            &format!("'active'::{}", enum_of(i)),
        ));
        rows.push(row("ref_id", "bigint", "plain", false, ""));
        if desired {
            rows.push(row("extra", "text", "extended", false, ""));
        }
        let mut footer = vec![
            "Indexes:".to_string(),
            format!("    \"t{i}_pkey\" PRIMARY KEY, btree (id)"),
            format!("    \"t{i}_c1_idx\" btree (c1)"),
            format!("    \"t{i}_c2_key\" UNIQUE CONSTRAINT, btree (c2)"),
        ];
        if desired {
            footer.push(format!("    \"t{i}_c5_idx\" btree (c5)"));
        }
        footer.push("Check constraints:".into());
        footer.push(format!("    \"t{i}_c0_check\" CHECK (c0 > 0)"));
        if i > 0 {
            footer.push("Foreign-key constraints:".into());
            footer.push(format!(
                "    \"t{i}_ref_id_fkey\" FOREIGN KEY (ref_id) REFERENCES t{}(id)",
                i - 1
            ));
        }
        if i + 1 < n {
            footer.push("Referenced by:".into());
            footer.push(format!(
                "    TABLE \"t{}\" CONSTRAINT \"t{}_ref_id_fkey\" FOREIGN KEY (ref_id) REFERENCES t{i}(id)",
                i + 1,
                i + 1
            ));
        }
        footer.push("Access method: heap".into());
        footer.push(String::new());
        out.push_str(&psql_table(
            &format!("Table \"public.t{i}\""),
            &header,
            &rows,
            &footer,
        ));
    }
    out
}

/// The schema as a SQLAlchemy 2.x declarative model.
pub fn sqlalchemy_model(n: usize, desired: bool) -> String {
    let mut out = String::from(
        "import enum\n\nfrom sqlalchemy import (BigInteger, Boolean, CheckConstraint, Column, DateTime, Enum,\n    ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, func, text)\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
    );
    for e in 0..n.div_ceil(10) {
        out.push_str(&format!(
            "\n\nclass Status{e}(enum.Enum):\n    active = \"active\"\n    inactive = \"inactive\"\n    banned = \"banned\"\n"
        ));
    }
    for i in 0..n {
        out.push_str(&format!(
            "\n\nclass T{i}(Base):\n    __tablename__ = \"t{i}\"\n    __table_args__ = (\n        UniqueConstraint(\"c2\", name=\"t{i}_c2_key\"),\n        CheckConstraint(\"c0 > 0\", name=\"t{i}_c0_check\"),\n        Index(\"t{i}_c1_idx\", \"c1\"),\n"
        ));
        if desired {
            out.push_str(&format!("        Index(\"t{i}_c5_idx\", \"c5\"),\n"));
        }
        out.push_str("    )\n\n    id = Column(BigInteger, primary_key=True)\n");
        for c in columns(desired) {
            let server_default = match default_of(c.ty) {
                Some(("true", _)) => ", server_default=text(\"true\")",
                Some(_) => ", server_default=func.now()",
                None => "",
            };
            out.push_str(&format!(
                "    {} = Column({}, nullable={}{server_default})\n",
                c.name,
                TYPES[c.ty].2,
                if c.not_null { "False" } else { "True" }
            ));
        }
        out.push_str(&format!(
            "    status = Column(Enum(Status{}, name=\"{}\"), nullable=False, server_default=\"active\")\n",
            i / 10,
            enum_of(i)
        ));
        if i > 0 {
            out.push_str(&format!(
                "    ref_id = Column(BigInteger, ForeignKey(\"t{}.id\", name=\"t{i}_ref_id_fkey\"))\n",
                i - 1
            ));
        } else {
            out.push_str("    ref_id = Column(BigInteger)\n");
        }
        if desired {
            out.push_str("    extra = Column(Text)\n");
        }
    }
    out
}

//! Criterion benches of each source and of diff + plan + render on generated schemas of 10 to
//! 10,000 tables (`schemafix_tests::generate`: about 20 columns, a unique key, a check, an index
//! and a foreign key per table, one enum per ten tables). `cargo xtask bench` runs them and
//! writes the medians into `BENCHMARKS.md`; throughput is in bytes of input, so a linear cost
//! shows as a flat rate.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use schemafix_core::{diff, parse, plan, render_sql, Format, PlanOptions};
use schemafix_tests::generate;

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// Writes a generated schema of `n` tables (the desired variant when `true`).
type Generator = fn(usize, bool) -> String;

fn sources(c: &mut Criterion) {
    let forms: [(&str, Format, Generator); 3] = [
        ("ddl", Format::Sql, generate::ddl),
        ("psql", Format::Psql, generate::psql_dplus),
        ("sqlalchemy", Format::SqlAlchemy, generate::sqlalchemy_model),
    ];
    for (name, format, make) in forms {
        let mut g = c.benchmark_group(format!("source/{name}"));
        g.sample_size(10);
        for n in SIZES {
            let text = make(n, false);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
                b.iter(|| parse(t, Some(format)))
            });
        }
        g.finish();
    }
}

fn diff_plan_render(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff+plan+render");
    g.sample_size(10);
    for n in SIZES {
        let from = parse(&generate::ddl(n, false), Some(Format::Sql)).1.schema;
        let to = parse(&generate::ddl(n, true), Some(Format::Sql)).1.schema;
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &(from, to), |b, (f, t)| {
            b.iter(|| render_sql(&plan(&diff(f, t), &PlanOptions::default())))
        });
    }
    g.finish();
}

criterion_group!(benches, sources, diff_plan_render);
criterion_main!(benches);

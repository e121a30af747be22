//! What a view's query reads: every relation its `FROM` items name, for the order views are
//! read in and for the plan's dependency graph.

use sqlparser::ast::{self, SelectItem};

use super::super::{ident, part_text, resolve};
use crate::schema::QualName;

/// Every relation a query names in a `FROM` (its own, its subqueries', its CTEs').
pub(in crate::source::ddl) fn relations_of_query(
    q: &ast::Query,
    search_path: &str,
    out: &mut Vec<QualName>,
) {
    let ctes: Vec<String> = q
        .with
        .iter()
        .flat_map(|w| w.cte_tables.iter().map(|c| ident(&c.alias.name)))
        .collect();
    if let Some(w) = &q.with {
        for c in &w.cte_tables {
            relations_of_query(&c.query, search_path, out);
        }
    }
    let before = out.len();
    relations_of_set_expr(&q.body, search_path, out);
    // A CTE's name is not a relation of the schema.
    let mut i = before;
    while i < out.len() {
        if ctes.contains(&out[i].name) && out[i].schema == search_path {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}

fn relations_of_set_expr(b: &ast::SetExpr, search_path: &str, out: &mut Vec<QualName>) {
    match b {
        ast::SetExpr::Select(s) => {
            for twj in &s.from {
                relations_of_factor(&twj.relation, search_path, out);
                for j in &twj.joins {
                    relations_of_factor(&j.relation, search_path, out);
                }
            }
            let mut exprs: Vec<&ast::Expr> = s.selection.iter().chain(s.having.iter()).collect();
            for item in &s.projection {
                if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item
                {
                    exprs.push(e);
                }
            }
            for e in exprs {
                relations_of_expr(e, search_path, out);
            }
        }
        ast::SetExpr::Query(q) => relations_of_query(q, search_path, out),
        ast::SetExpr::SetOperation { left, right, .. } => {
            relations_of_set_expr(left, search_path, out);
            relations_of_set_expr(right, search_path, out);
        }
        _ => {}
    }
}

fn relations_of_factor(f: &ast::TableFactor, search_path: &str, out: &mut Vec<QualName>) {
    match f {
        ast::TableFactor::Table { name, .. } => {
            let parts: Vec<String> = name.0.iter().map(part_text).collect();
            out.push(resolve(&parts, search_path));
        }
        ast::TableFactor::Derived { subquery, .. } => {
            relations_of_query(subquery, search_path, out)
        }
        ast::TableFactor::NestedJoin {
            table_with_joins, ..
        } => {
            relations_of_factor(&table_with_joins.relation, search_path, out);
            for j in &table_with_joins.joins {
                relations_of_factor(&j.relation, search_path, out);
            }
        }
        _ => {}
    }
}

/// Subqueries in the usual places of an expression.
fn relations_of_expr(e: &ast::Expr, search_path: &str, out: &mut Vec<QualName>) {
    use ast::Expr as E;
    match e {
        E::Subquery(q) | E::Exists { subquery: q, .. } => relations_of_query(q, search_path, out),
        E::In {
            expr,
            target: ast::InTarget::Subquery(subquery),
            ..
        } => {
            relations_of_expr(expr, search_path, out);
            relations_of_query(subquery, search_path, out);
        }
        E::Nested(x) | E::UnaryOp { expr: x, .. } | E::Cast { expr: x, .. } => {
            relations_of_expr(x, search_path, out)
        }
        E::IsNull(x) | E::IsNotNull(x) => relations_of_expr(x, search_path, out),
        E::BinaryOp { left, right, .. } => {
            relations_of_expr(left, search_path, out);
            relations_of_expr(right, search_path, out);
        }
        _ => {}
    }
}

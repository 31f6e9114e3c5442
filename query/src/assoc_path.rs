//! How an association reaches its related rows in SQL: a chain of tables from
//! the related table to the column that holds the owner's key.
//!
//! Node 0 is the related table under its own name (so typed columns of the
//! related schema work in filters and orders); every further node is a join
//! table or an intermediate schema's table, under an alias of its own. Edge `i`
//! links node `i` and node `i + 1`; the matcher is a column of the last node
//! whose values equal the owner's key.

use crate::ir::{JoinKind, JoinPart};
use crate::ir::{Op, Rpn};
use quarry_core::{AssocDef, AssocKind, ValueType};
use sea_query::{Expr, ExprTrait};
use std::sync::{Mutex, OnceLock};

/// A column of a node: (node name, column).
pub(crate) type Col = (&'static str, &'static str);

/// One table of the chain.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    /// The table.
    pub(crate) table: &'static str,
    /// Its name in the query: the table itself for node 0, an alias otherwise.
    pub(crate) name: &'static str,
}

/// The chain of tables from the related table to the owner's key.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) nodes: Vec<Node>,
    /// `edges[i]`: a column of `nodes[i]` equal to a column of `nodes[i + 1]`.
    pub(crate) edges: Vec<(Col, Col)>,
    /// The column (of the last node) holding the owner's key.
    pub(crate) matcher: Col,
    /// The type of the owner's key.
    pub(crate) key_type: ValueType,
}

/// The alias of the `n`th table a query joins for associations; made once per
/// number and kept, so it is a `&'static str` like every other name.
pub(crate) fn alias(n: usize) -> &'static str {
    static NAMES: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(Vec::new()));
    let mut names = match names.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    while names.len() <= n {
        let next = format!("__quarry_a{}", names.len());
        names.push(Box::leak(next.into_boxed_str()));
    }
    // The loop above made names[n].
    names.get(n).copied().unwrap_or("__quarry_a")
}

fn column(fields: &'static [quarry_core::FieldDef], index: usize) -> &'static str {
    fields.get(index).map(|f| f.column).unwrap_or("id")
}

impl Plan {
    /// The plan of `def`, whose related table is named `root`; aliases are
    /// numbered from `*next`.
    pub(crate) fn of(def: &AssocDef, root: &'static str, next: &mut usize) -> Plan {
        let key_type = def.owner_key_def().map(|f| f.ty).unwrap_or(ValueType::I64);
        let node = Node {
            table: def.related_table,
            name: root,
        };
        match &def.kind {
            AssocKind::BelongsTo { references, .. } => Plan {
                nodes: vec![node],
                edges: Vec::new(),
                matcher: (root, column(def.related_fields, *references)),
                key_type,
            },
            AssocKind::HasMany { foreign_key, .. } | AssocKind::HasOne { foreign_key, .. } => {
                Plan {
                    nodes: vec![node],
                    edges: Vec::new(),
                    matcher: (root, column(def.related_fields, *foreign_key)),
                    key_type,
                }
            }
            AssocKind::ManyToMany {
                related_key,
                join_table,
                join_owner_column,
                join_related_column,
                ..
            } => {
                let a = alias(*next);
                *next += 1;
                Plan {
                    nodes: vec![
                        node,
                        Node {
                            table: join_table,
                            name: a,
                        },
                    ],
                    edges: vec![(
                        (root, column(def.related_fields, *related_key)),
                        (a, join_related_column),
                    )],
                    matcher: (a, join_owner_column),
                    key_type,
                }
            }
            AssocKind::Through { hops } => Plan::hops(hops, root, next, key_type),
        }
    }

    fn hops(hops: &[AssocDef], root: &'static str, next: &mut usize, key_type: ValueType) -> Plan {
        let (first, rest) = match hops {
            [] => {
                return Plan {
                    nodes: Vec::new(),
                    edges: Vec::new(),
                    matcher: (root, "id"),
                    key_type,
                }
            }
            [only] => return Plan::of(only, root, next),
            [first, rest @ ..] => (first, rest),
        };
        let mut tail = Plan::hops(rest, root, next, key_type);
        let x = alias(*next);
        *next += 1;
        let mut head = Plan::of(first, x, next);
        let rest_owner_key = rest.first().map(AssocDef::owner_key).unwrap_or(0);
        tail.edges.push((
            tail.matcher,
            (x, column(first.related_fields, rest_owner_key)),
        ));
        tail.nodes.append(&mut head.nodes);
        tail.edges.append(&mut head.edges);
        Plan {
            nodes: tail.nodes,
            edges: tail.edges,
            matcher: head.matcher,
            key_type,
        }
    }

    /// The matcher as a sea-query expression.
    pub(crate) fn matcher_expr(&self) -> Expr {
        Expr::col(self.matcher)
    }

    /// Joins the nodes after the first to `q` (reading from the related table).
    pub(crate) fn join_from_related(
        &self,
        q: &mut sea_query::SelectStatement,
        prefix: Option<crate::ir::Prefix>,
    ) {
        for (i, node) in self.nodes.iter().enumerate().skip(1) {
            if let Some((a, b)) = self.edges.get(i - 1) {
                q.join_as(
                    sea_query::JoinType::InnerJoin,
                    crate::prefix::table_ref(prefix, node.table),
                    node.name,
                    Expr::col(*a).eq(Expr::col(*b)),
                );
            }
        }
    }

    /// The joins that reach the related table from the owner's table (whose
    /// key column is `owner_key`): last node first, the related table last.
    pub(crate) fn joins_from_owner(&self, kind: JoinKind, owner_key: Col) -> Vec<JoinPart> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut on = (self.matcher, owner_key);
        for (i, node) in self.nodes.iter().enumerate().rev() {
            out.push(JoinPart::new(
                kind,
                node.table,
                (i > 0).then_some(node.name),
                eq(on.0, on.1),
            ));
            if i > 0 {
                if let Some((a, b)) = self.edges.get(i - 1) {
                    on = (*a, *b);
                }
            }
        }
        out
    }

    /// Joins the nodes after the first as query parts (for `assoc` queries).
    pub(crate) fn join_parts_from_related(&self) -> Vec<JoinPart> {
        let mut out = Vec::new();
        for (i, node) in self.nodes.iter().enumerate().skip(1) {
            if let Some((a, b)) = self.edges.get(i - 1) {
                out.push(JoinPart::new(
                    JoinKind::Inner,
                    node.table,
                    Some(node.name),
                    eq(*a, *b),
                ));
            }
        }
        out
    }
}

/// `a = b` for two columns.
pub(crate) fn eq(a: Col, b: Col) -> Rpn {
    let mut r = Rpn::op(Op::col(a.0, a.1));
    r.push(Op::col(b.0, b.1));
    r.push(Op::Eq);
    r
}

/// `col IN (values)`; an empty list matches nothing.
pub(crate) fn in_list(col: Col, values: Vec<quarry_core::Value>) -> Rpn {
    Rpn::in_values(Op::col(col.0, col.1), values, false)
}

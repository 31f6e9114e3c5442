//! The writer against sea-query: random queries of every construct quarry
//! models must come out as the same SQL text with the same values in the same
//! order on every dialect.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)] // a seeded generator picks small numbers

use crate::dialect::Dialect;
use crate::ir::{Dir, Nulls, Op, Rpn};
use crate::ir::{JoinKind, JoinPart, LockStrength, LockWait, Parts};
use quarry_core::{Value, ValueType};

/// A small deterministic generator (no dependency needed for this).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const COLS: [(&str, &str); 4] = [
    ("users", "id"),
    ("users", "name"),
    ("posts", "title"),
    ("a`b\"c", "we\"ird`"),
];

fn value(g: &mut Gen) -> Value {
    match g.below(4) {
        0 => Value::I64(g.below(1000) as i64),
        1 => Value::String(format!("s{}", g.below(100))),
        2 => Value::Null(ValueType::String),
        _ => Value::Bool(g.chance(50)),
    }
}

fn leaf(g: &mut Gen) -> Rpn {
    match g.below(6) {
        0..=2 => {
            let (t, c) = COLS[g.below(COLS.len() as u64) as usize];
            Rpn::op(Op::col(t, c))
        }
        3..=4 => {
            let mut r = Rpn::default();
            r.push_value(value(g));
            r
        }
        _ => Rpn::op(Op::lit("1 = 0")),
    }
}

fn sub(g: &mut Gen, depth: u32) -> Parts {
    let mut p = Parts::new("posts");
    let mut item = Rpn::op(Op::col("posts", "user_id"));
    item.push(Op::Item);
    p.select = item;
    if g.chance(50) {
        p.cond = expr(g, depth + 1);
    }
    p
}

fn expr(g: &mut Gen, depth: u32) -> Rpn {
    if depth > 3 || g.chance(25) {
        return leaf(g);
    }
    match g.below(12) {
        0..=3 => {
            let op = [
                Op::Eq,
                Op::Ne,
                Op::Gt,
                Op::Ge,
                Op::Lt,
                Op::Le,
                Op::Like,
                Op::NotLike,
                Op::And,
                Op::Or,
                Op::And,
                Op::Or,
            ][g.below(12) as usize];
            expr(g, depth + 1).binary(expr(g, depth + 1), op)
        }
        4 => {
            let mut r = expr(g, depth + 1);
            r.push([Op::Not, Op::IsNull, Op::IsNotNull, Op::Lower][g.below(4) as usize]);
            r
        }
        5 => {
            // quarry's BETWEEN bounds are values or columns; sea-query leaves an
            // AND bound unwrapped (`x BETWEEN a AND b AND c`), quarry wraps it.
            let mut r = expr(g, depth + 1);
            r.append(leaf(g));
            r.append(leaf(g));
            r.push(Op::Between);
            r
        }
        6 | 7 => {
            let n = g.below(4) as usize;
            let values = if g.chance(50) {
                (0..n).map(|i| Value::I64(i as i64)).collect()
            } else {
                (0..n).map(|_| value(g)).collect()
            };
            let (t, c) = COLS[g.below(COLS.len() as u64) as usize];
            Rpn::in_values(Op::col(t, c), values, g.chance(30))
        }
        8 | 9 => {
            let mut r = if g.chance(50) {
                expr(g, depth + 1)
            } else {
                Rpn::default()
            };
            let op = if r.is_empty() {
                [Op::Exists, Op::NotExists][g.below(2) as usize]
            } else {
                [Op::InSub, Op::NotInSub, Op::ScalarSub][g.below(3) as usize]
            };
            r.push_sub(sub(g, depth), op);
            if op == Op::ScalarSub {
                // A comparison with a scalar subquery.
                r.push(Op::Gt);
            }
            r
        }
        _ => expr(g, depth + 1).binary(expr(g, depth + 1), Op::And),
    }
}

/// Fields of a whole-row item: one persisted, one virtual (left out), one
/// persisted.
const WHOLE: &[quarry_core::FieldDef] = &[
    field("id", quarry_core::FieldRole::Normal),
    field("draft", quarry_core::FieldRole::Virtual),
    field("title", quarry_core::FieldRole::Normal),
];

const fn field(column: &'static str, role: quarry_core::FieldRole) -> quarry_core::FieldDef {
    quarry_core::FieldDef {
        name: column,
        column,
        ty: ValueType::String,
        nullable: false,
        primary_key: false,
        autogenerate: false,
        role,
        trim: false,
    }
}

fn items(g: &mut Gen) -> Rpn {
    let mut r = Rpn::default();
    for _ in 0..g.below(4) {
        if g.chance(15) {
            // Every persisted column of a source, as `row::<S>()` selects.
            let source = ["posts", "posts_1", "a`b\"c"][g.below(3) as usize];
            r.push(Op::Whole(crate::ir::Name(source), crate::ir::Fields(WHOLE)));
            continue;
        }
        let mut e = expr(g, 2);
        if g.chance(40) {
            e.push(
                [
                    Op::CountDistinct,
                    Op::Sum { integer: true },
                    Op::Sum { integer: false },
                    Op::Avg,
                    Op::Min,
                    Op::Max,
                ][g.below(6) as usize],
            );
        } else if g.chance(10) {
            e = Rpn::op(Op::CountStar);
        }
        r.append(e);
        r.push(Op::Item);
    }
    r
}

fn order(g: &mut Gen) -> Rpn {
    let mut r = Rpn::default();
    for _ in 0..g.below(3) {
        r.append(expr(g, 2));
        let dir = if g.chance(50) { Dir::Asc } else { Dir::Desc };
        let nulls = [Nulls::Default, Nulls::First, Nulls::Last][g.below(3) as usize];
        r.push(Op::OrderItem(dir, nulls));
    }
    r
}

fn parts(g: &mut Gen, dialect: Dialect) -> Parts {
    let mut p = Parts::new("users");
    p.select = items(g);
    if p.select.is_empty() || g.chance(30) {
        p.root = Some(("users", &[]));
    }
    if g.chance(15) {
        p.from_sub = Some(Box::new(sub(g, 1)));
    } else if g.chance(30) {
        p.from_prefix = Some(crate::ir::Prefix::new("tenant_b").expect("a plain identifier"));
    }
    for _ in 0..g.below(3) {
        let lateral = g.chance(10).then(|| Box::new(sub(g, 1)));
        p.joins.push(JoinPart {
            // sea-query panics on FULL JOIN for MySQL (quarry refuses it first).
            kind: [
                JoinKind::Inner,
                JoinKind::Left,
                JoinKind::Right,
                JoinKind::Full,
            ][g.below(if dialect == Dialect::MySql { 3 } else { 4 }) as usize],
            table: "posts",
            alias: (g.chance(40) && lateral.is_none()).then_some("posts_1"),
            on: if g.chance(10) {
                Rpn::default()
            } else {
                expr(g, 1)
            },
            schema_prefix: None,
            // Both writers name a prefixed table the same way.
            prefix: g
                .chance(30)
                .then(|| crate::ir::Prefix::new("tenant_a").expect("a plain identifier")),
            cte: false,
            lateral,
        });
    }
    if g.chance(80) {
        p.cond = expr(g, 0);
    }
    if g.chance(30) {
        p.grouping_mut().group_by = items(g);
        if g.chance(50) {
            p.grouping_mut().having = expr(g, 1);
        }
    }
    p.order = order(g);
    p.limit = g.chance(40).then(|| g.below(50));
    p.offset = g.chance(30).then(|| g.below(50));
    p.distinct = g.chance(20);
    if dialect != Dialect::Sqlite && g.chance(15) {
        let strength = [LockStrength::Update, LockStrength::Share][g.below(2) as usize];
        let wait = [LockWait::Wait, LockWait::NoWait, LockWait::SkipLocked][g.below(3) as usize];
        p.lock = Some((strength, wait));
    }
    p
}

/// MySQL's NULLS FIRST / LAST emulation writes the term twice: a term with values
/// is left to sea-query (which binds them twice).
fn mysql_nulls_with_values(p: &Parts) -> bool {
    let binds = |o: &Op| {
        matches!(
            o,
            Op::Val
                | Op::InList(_)
                | Op::InArray(_)
                | Op::NotInList(_)
                | Op::InSub
                | Op::NotInSub
                | Op::Exists
                | Op::NotExists
                | Op::ScalarSub
        )
    };
    let nulls = |o: &Op| matches!(o, Op::OrderItem(_, Nulls::First | Nulls::Last));
    let order = &p.order.ops;
    (order.iter().any(nulls) && order.iter().any(binds))
        || p.from_sub.as_deref().is_some_and(mysql_nulls_with_values)
        || p.joins
            .iter()
            .any(|j| j.lateral.as_deref().is_some_and(mysql_nulls_with_values))
}

#[test]
fn writer_matches_sea_query_on_random_queries() {
    let mut g = Gen(0x5eed);
    let mut written = 0;
    for round in 0..3000 {
        for dialect in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            let mut p = parts(&mut g, dialect);
            let expected = dialect.build(&p.to_select(dialect).expect("lowers"), "users");
            match crate::sql::write_select(&p, dialect) {
                Some(sql) => {
                    assert_eq!(sql, &*expected.sql, "round {round} on {dialect:?}: {p:?}");
                    let mut values = Vec::new();
                    p.take_values(dialect, &mut values);
                    assert_eq!(values, expected.values, "round {round} on {dialect:?}");
                    written += 1;
                }
                None => assert!(
                    dialect == Dialect::MySql && mysql_nulls_with_values(&p),
                    "round {round}: the writer refused {p:?}"
                ),
            }
        }
    }
    assert!(
        written > 7000,
        "only {written} queries were written by quarry"
    );
}

#[test]
fn placeholders_number_past_nine() {
    let mut p = Parts::new("users");
    p.cond = Rpn::in_values(
        Op::col("users", "id"),
        (0..12).map(|_| Value::Null(ValueType::I64)).collect(),
        false,
    );
    let sql = crate::sql::write_select(&p, Dialect::Postgres).unwrap_or_default();
    assert!(sql.ends_with("$10, $11, $12)"), "{sql}");
}

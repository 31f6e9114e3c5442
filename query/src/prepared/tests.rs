//! A prepared query sends the same SQL and values as the same query built with
//! the arguments in place, on every dialect, whichever way its plan goes.

use super::*;
use crate::expr::{Arg, Pattern};
use crate::ir::ArgValue;
use crate::query::Query;
use crate::{from, ColumnExt, TextExt};
use quarry_core::doc_support::Product;
use quarry_core::{FieldValue, Value};

const DIALECTS: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

/// The query every test prepares: arguments in WHERE (one used twice), in a
/// subquery and in a LIKE, beside fixed values, an IN list and a LIMIT.
fn shape(
    name: impl Arg<String> + Copy,
    pattern: impl Pattern,
    price: impl Arg<f64> + Copy,
) -> Query<Product> {
    let cheap = from::<Product>()
        .filter(Product::price.lt(price))
        .select(Product::id);
    from::<Product>()
        .filter(Product::name.eq(name).or(Product::name.ne(name)))
        .filter(Product::description.like(pattern))
        .filter(Product::id.in_list([1_i64, 2, 3]))
        .filter(Product::id.in_subquery(cheap))
        .filter(Product::price.between(1.0, price))
        .order_by(Product::name.desc())
        .limit(5)
}

/// The prepared form of [`shape`].
type Shape = Prepared<Query<Product>, (Param<String>, Param<String>, Param<f64>)>;

fn prepared() -> Shape {
    Prepared::new(
        |(name, pattern, price): (Param<String>, Param<String>, Param<f64>)| {
            shape(name, pattern, price)
        },
    )
}

fn args() -> (String, String, f64) {
    ("Lamp".to_string(), "%oak%".to_string(), 9.5)
}

#[test]
fn written_plan_matches_the_query_with_values() {
    let p = prepared();
    for d in DIALECTS {
        let direct = shape("Lamp", "%oak%", 9.5)
            .into_statement(d)
            .expect("compiles");
        for _ in 0..2 {
            let bound = p.bind(args()).to_statement(d).expect("binds");
            assert_eq!(bound.sql, direct.sql, "{d:?}");
            assert_eq!(bound.values, direct.values, "{d:?}");
        }
    }
    assert!(matches!(p.first.get(), Some((_, Plan::Written { .. }))));
    assert!(p
        .lengths()
        .values()
        .all(|plan| matches!(**plan, Plan::Written { .. })));
}

#[test]
fn substituted_query_matches_the_query_with_values() {
    let p = prepared();
    let (name, pattern, price) = args();
    for d in DIALECTS {
        let mut parts = p.template.parts().clone();
        parts
            .substitute(&[
                ArgValue::One(name.clone().into_value()),
                ArgValue::One(pattern.clone().into_value()),
                ArgValue::One(price.into_value()),
            ])
            .expect("substitutes");
        assert!(!parts.has_params());
        let direct = shape("Lamp", "%oak%", 9.5)
            .into_statement(d)
            .expect("compiles");
        let via = parts.compile(d).expect("compiles");
        assert_eq!(via.sql, direct.sql, "{d:?}");
        assert_eq!(via.values, direct.values, "{d:?}");
    }
}

#[test]
fn too_few_arguments_for_a_substitution_is_an_error() {
    let p = prepared();
    let mut parts = p.template.parts().clone();
    let err = parts.substitute(&[ArgValue::One(Value::String("x".into()))]);
    assert!(
        matches!(err, Err(Error::Query(ref m)) if m.to_string().contains("argument")),
        "{err:?}"
    );
}

#[test]
fn only_a_template_holds_arguments() {
    assert!(prepared().template.parts().has_params());
    assert!(!shape("Lamp", "%oak%", 9.5).parts.has_params());
}

/// A list argument beside a value argument, and the same query with the
/// values in place.
/// A list argument beside a value argument.
type ByIds = Prepared<Query<Product>, (ListParam<i64>, Param<f64>)>;

fn by_ids() -> ByIds {
    Prepared::new(|(ids, max): (ListParam<i64>, Param<f64>)| {
        from::<Product>()
            .filter(Product::id.in_param(ids))
            .filter(Product::price.lt(max))
    })
}

fn by_ids_direct(ids: &[i64], max: f64) -> Query<Product> {
    from::<Product>()
        .filter(Product::id.in_list(ids.iter().copied()))
        .filter(Product::price.lt(max))
}

#[test]
fn list_arguments_match_in_list_for_every_length() {
    let p = by_ids();
    for d in DIALECTS {
        for ids in [vec![7], vec![1, 2, 3], vec![4, 5], vec![1, 2, 3]] {
            let direct = by_ids_direct(&ids, 2.5)
                .into_statement(d)
                .expect("compiles");
            let bound = p.bind((ids.clone(), 2.5)).to_statement(d).expect("binds");
            assert_eq!(bound.sql, direct.sql, "{d:?} {ids:?}");
            assert_eq!(bound.values, direct.values, "{d:?} {ids:?}");
        }
    }
    // Postgres: one plan whatever the length; elsewhere one per length seen.
    assert!(p.first.get().is_some());
    assert_eq!(p.lengths().len(), 2 * 3);
}

#[test]
fn an_empty_list_argument_matches_nothing() {
    let p = by_ids();
    for d in [Dialect::MySql, Dialect::Sqlite] {
        let stmt = p.bind((Vec::new(), 2.5)).to_statement(d).expect("binds");
        assert!(stmt.sql.contains("WHERE 1 = 0 AND"), "{}", stmt.sql);
        assert_eq!(stmt.values.len(), 1);
    }
    // Postgres binds an empty BIGINT array: `= ANY('{}')` is false.
    let stmt = p
        .bind((Vec::new(), 2.5))
        .to_statement(Dialect::Postgres)
        .expect("binds");
    assert!(stmt.sql.contains("= ANY($1)"), "{}", stmt.sql);
    assert!(
        matches!(&stmt.values[0], sea_query::Value::Array(sea_query::ArrayType::BigInt, Some(items)) if items.is_empty()),
        "{:?}",
        stmt.values
    );
}

#[test]
fn substituted_list_arguments_match_in_list() {
    let p = by_ids();
    for d in DIALECTS {
        let mut parts = p.template.parts().clone();
        let items = vec![
            sea_query::Value::BigInt(Some(3)),
            sea_query::Value::BigInt(Some(9)),
        ];
        parts
            .substitute(&[
                ArgValue::List(items, quarry_core::ValueType::I64),
                ArgValue::One(Value::F64(2.5)),
            ])
            .expect("substitutes");
        let via = parts.compile(d).expect("compiles");
        let mut direct = from::<Product>()
            .filter(Product::id.in_list([3_i64, 9]))
            .filter(Product::price.lt(2.5));
        direct.parts.root = via_root(&p);
        let direct = direct.parts.compile(d).expect("compiles");
        // Substitution writes an IN list (no Postgres array): same text
        // outside Postgres, the same values everywhere but the array.
        if d != Dialect::Postgres {
            assert_eq!(via.sql, direct.sql, "{d:?}");
            assert_eq!(via.values, direct.values, "{d:?}");
        }
        assert_eq!(via.values.len(), 3, "{d:?}");
        // An empty list becomes `1 = 0`.
        let mut parts = p.template.parts().clone();
        parts
            .substitute(&[
                ArgValue::List(Vec::new(), quarry_core::ValueType::I64),
                ArgValue::One(Value::F64(2.5)),
            ])
            .expect("substitutes");
        assert!(
            parts.compile(d).expect("compiles").sql.contains("1 = 0"),
            "{d:?}"
        );
    }
}

fn via_root(
    p: &Prepared<Query<Product>, (ListParam<i64>, Param<f64>)>,
) -> Option<(&'static str, &'static [quarry_core::FieldDef])> {
    p.template.parts().root
}

#[test]
fn a_prepared_query_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Prepared<Query<Product>, (Param<String>, ListParam<i64>)>>();
    let p = std::sync::Arc::new(by_ids());
    let handles: Vec<_> = (0..2)
        .map(|k| {
            let p = p.clone();
            std::thread::spawn(move || {
                p.bind((vec![k, k + 1], 1.0))
                    .to_statement(Dialect::Sqlite)
                    .map(|s| s.values.len())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().ok().and_then(Result::ok), Some(3));
    }
}

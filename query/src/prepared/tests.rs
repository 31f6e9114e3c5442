//! A prepared query sends the same SQL and values as the same query built with
//! the arguments in place, on every dialect, whichever way its plan goes.

use super::*;
use crate::{from, ColumnExt, TextExt};
use quarry_core::doc_support::Product;

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

fn prepared() -> Prepared<Query<Product>, (String, String, f64)> {
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
        let direct = shape("Lamp", "%oak%", 9.5).into_statement(d);
        for _ in 0..2 {
            let bound = p.bind(args()).to_statement(d).expect("binds");
            assert_eq!(bound.sql, direct.sql, "{d:?}");
            assert_eq!(bound.values, direct.values, "{d:?}");
        }
        assert!(matches!(p.plan(d), Plan::Written { .. }), "{d:?}");
    }
}

#[test]
fn substituted_query_matches_the_query_with_values() {
    let p = prepared();
    let (name, pattern, price) = args();
    for d in DIALECTS {
        let mut parts = p.template.parts().clone();
        parts
            .substitute(&[
                name.clone().into_value(),
                pattern.clone().into_value(),
                price.into_value(),
            ])
            .expect("substitutes");
        assert!(!parts.has_params());
        let direct = shape("Lamp", "%oak%", 9.5).into_statement(d);
        let via = parts.compile(d);
        assert_eq!(via.sql, direct.sql, "{d:?}");
        assert_eq!(via.values, direct.values, "{d:?}");
    }
}

#[test]
fn too_few_arguments_for_a_substitution_is_an_error() {
    let p = prepared();
    let mut parts = p.template.parts().clone();
    let err = parts.substitute(&[Value::String("x".into())]);
    assert!(
        matches!(err, Err(Error::Query(ref m)) if m.contains("argument")),
        "{err:?}"
    );
}

#[test]
fn only_a_template_holds_arguments() {
    assert!(prepared().template.parts().has_params());
    assert!(!shape("Lamp", "%oak%", 9.5).parts.has_params());
}

include!("common/schemas.rs");
use quarry::query::exists;
fn main() {
    // The subquery refers to stores (the enclosing query's table), but the
    // query it is used in reads products only.
    let sells_cheap = Query::<Product>::correlated::<Store>()
        .filter(Product::store_id.eq_col(Store::id))
        .filter(Product::price.lt(1.0))
        .select(Product::id);
    let _ = Product::query().filter(exists(sells_cheap));
}

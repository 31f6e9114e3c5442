include!("common/schemas.rs");
fn main() {
    // A lateral join's subquery refers to stores, which this query does not have.
    const CHEAPEST: Alias<Product, 1> = Alias::new();
    let cheapest = Query::<Product>::correlated::<Store>()
        .filter(Product::store_id.eq_col(Store::id))
        .order_by(Product::price.asc())
        .limit(1);
    let _ = Product::query().left_join_lateral(CHEAPEST, cheapest);
}

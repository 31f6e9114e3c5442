include!("common/schemas.rs");
fn main() {
    // The subquery returns names (String); store_id holds i64.
    let _ = Product::query().filter(Product::store_id.in_subquery(Store::query().select(Store::name)));
}

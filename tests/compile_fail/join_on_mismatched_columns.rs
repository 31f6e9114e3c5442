include!("common/schemas.rs");
fn main() {
    // A name (String) cannot be joined to an id (i64).
    let _ = Product::query().join(table::<Store>(), Product::name.eq_col(Store::id));
}

include!("common/schemas.rs");
fn main() {
    // An argument that may be NULL would need `IS NULL`, which SQL written in
    // advance cannot switch to: a Param<Option<T>> compares with nothing.
    let _ = Prepared::new(|(name,): (Param<Option<String>>,)| {
        Product::query().filter(Product::name.eq(name))
    });
}

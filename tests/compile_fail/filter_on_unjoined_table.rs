include!("common/schemas.rs");
fn main() {
    // stores is not part of this query: join it first.
    let _ = Product::query().filter(Store::name.eq("Shop"));
}

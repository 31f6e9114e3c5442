include!("common/schemas.rs");
fn main() {
    // LIKE only applies to string columns.
    let _ = Product::query().filter(Product::price.like("1%"));
}

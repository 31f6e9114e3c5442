include!("common/schemas.rs");
fn main() {
    let _ = Product::query().select((Product::name, Store::name));
}

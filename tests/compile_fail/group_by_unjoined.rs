include!("common/schemas.rs");
fn main() {
    let _ = Product::query().group_by(Store::name);
}

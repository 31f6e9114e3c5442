include!("common/schemas.rs");
fn main() {
    let _ = Product::query().order_by(Store::name.asc());
}

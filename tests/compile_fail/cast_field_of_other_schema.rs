include!("common/schemas.rs");
fn main() {
    // Store::name is not a field of Product.
    let _ = Changeset::cast(Product::default(), serde_json::json!({}), (Product::name, Store::name));
}

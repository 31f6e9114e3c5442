include!("common/schemas.rs");
fn main() {
    let _ = Changeset::new(Product::default()).validate_length(Product::price, Length::new().min(1));
}

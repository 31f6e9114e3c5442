include!("common/schemas.rs");
fn main() {
    let _ = Changeset::new(Product::default()).validate_number(Product::name, Number::new().greater_than(0));
}

include!("common/schemas.rs");
fn main() {
    // A price is an f64: comparing it with a string does not compile.
    let _ = Product::query().filter(Product::price.eq("cheap"));
}

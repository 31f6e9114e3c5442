include!("common/schemas.rs");
fn main() {
    // A prepared query's argument has a type: a Param<String> is not a price.
    let _ = Prepared::new(|(cheap,): (Param<String>,)| {
        Product::query().filter(Product::price.lt(cheap))
    });
}

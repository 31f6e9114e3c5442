include!("common/schemas.rs");
fn main() {
    // A list argument has an item type: ids are not prices.
    let _ = Prepared::new(|(ids,): (ListParam<i64>,)| {
        Product::query().filter(Product::price.in_param(ids))
    });
}

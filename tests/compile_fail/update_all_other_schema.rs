include!("common/schemas.rs");
async fn run(repo: &quarry::AnyRepo) -> quarry::Result<u64> {
    // The assignments are for stores, the query is over products.
    repo.update_all(Product::query(), Updates::new().set(Store::name, "x")).await
}
fn main() {
    let _ = run;
}

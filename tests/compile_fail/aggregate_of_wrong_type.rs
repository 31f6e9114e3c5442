include!("common/schemas.rs");
use quarry::query::Aggregate;
async fn demo(repo: quarry::AnyRepo) -> quarry::Result<()> {
    // sum and avg take numeric columns only.
    let _ = repo.aggregate(Product::query(), Aggregate::sum(Product::name)).await?;
    // The result is the aggregate's type: a float sum is an Option<f64>.
    let _total: i64 = repo.aggregate(Product::query(), Aggregate::sum(Product::price)).await?;
    Ok(())
}
fn main() {
    let _ = demo;
}

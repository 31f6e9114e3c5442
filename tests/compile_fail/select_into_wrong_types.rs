include!("common/schemas.rs");
async fn run(repo: &quarry::AnyRepo) -> quarry::Result<()> {
    // The projection yields (String, f64), not (i64, String).
    let _rows: Vec<(i64, String)> = repo.all(Product::query().select((Product::name, Product::price))).await?;
    Ok(())
}
fn main() {
    let _ = run;
}

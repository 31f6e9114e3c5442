include!("common/schemas.rs");
async fn run(repo: &quarry::AnyRepo) -> quarry::Result<()> {
    // A correlated subquery names a table of an enclosing query: it cannot run by itself.
    let q = Query::<Product>::correlated::<Store>().filter(Product::store_id.eq_col(Store::id));
    let _ = repo.all(q).await?;
    Ok(())
}
fn main() {
    let _ = run;
}

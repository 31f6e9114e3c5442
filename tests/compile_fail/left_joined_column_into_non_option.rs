include!("common/schemas.rs");
async fn run(repo: &quarry::AnyRepo) -> quarry::Result<()> {
    // A product without a store has NULL for Store::name after a LEFT JOIN:
    // the column is selected as Option<String>, not String.
    let q = Product::query()
        .left_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .select((Product::name, Store::name));
    let _rows: Vec<(String, String)> = repo.all(q).await?;
    Ok(())
}
fn main() {
    let _ = run;
}

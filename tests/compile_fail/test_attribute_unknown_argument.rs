#[quarry::test(migration = crate::all)]
async fn misspelt(repo: quarry::testing::Sandbox) {
    let _ = repo;
}

fn main() {}

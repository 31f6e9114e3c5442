#[quarry::test]
fn not_async(repo: quarry::testing::Sandbox) {
    let _ = repo;
}

#[quarry::test]
async fn no_sandbox() {}

fn main() {}

use quarry::prelude::*;
#[derive(Schema, Clone, Debug)]
#[quarry(table = "things")]
pub struct Thing {
    pub meta: Meta,
    pub id: i64,
    pub tags: std::collections::HashSet<String>,
}
fn main() {}

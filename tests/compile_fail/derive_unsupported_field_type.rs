use quarry::prelude::*;
#[derive(Schema, Clone, Debug)]
#[quarry(table = "things")]
pub struct Thing {
    pub meta: Meta,
    pub id: i64,
    pub tags: Vec<String>,
}
fn main() {}

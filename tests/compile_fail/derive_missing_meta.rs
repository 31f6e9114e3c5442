use quarry::prelude::*;
#[derive(Schema, Clone, Debug)]
#[quarry(table = "things")]
pub struct Thing {
    pub id: i64,
}
fn main() {}

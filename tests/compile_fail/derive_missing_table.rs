use quarry::prelude::*;
#[derive(Schema, Clone, Debug)]
pub struct Thing {
    pub meta: Meta,
    pub id: i64,
}
fn main() {}

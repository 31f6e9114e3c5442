use quarry::prelude::*;
#[derive(Schema, Clone, Debug)]
#[quarry(table = "things")]
pub struct Thing {
    pub meta: Meta,
    pub id: i64,
    #[quarry(colum = "x")]
    pub name: String,
}
fn main() {}

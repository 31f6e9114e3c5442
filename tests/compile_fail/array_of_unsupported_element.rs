use quarry::prelude::*;

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "grids")]
struct Grid {
    meta: Meta,
    id: i64,
    // Arrays do not nest, and hold scalars only (no JSON documents).
    rows: Vec<Vec<i64>>,
    docs: Vec<serde_json::Value>,
}

fn main() {}

use quarry::prelude::*;
use quarry::schema::Uuid;

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "articles")]
struct Article {
    meta: Meta,
    id: i64,
    tags: Vec<String>,
    refs: Vec<Uuid>,
    title: String,
}

fn main() {
    // An element of the array's own type only: no integer in a string
    // array, no string in a UUID array, no array condition on a string.
    let _ = Article::query().filter(Article::tags.contains(7));
    let _ = Article::query().filter(Article::refs.overlaps(&["67e55044-10b1-426f-9247-bb680e5fe0c8"]));
    let _ = Article::query().filter(Article::title.contains_all(&["a"]));
}

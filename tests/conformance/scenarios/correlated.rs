//! Correlated subqueries (Ecto's `parent_as`) in WHERE and SELECT, LATERAL
//! joins where the database has them, and the `Option`s a LEFT JOIN gives
//! its columns in projections.

use crate::harness::{Db, Scenario, R};
use crate::schemas::assoc::{Comment, Post, Product, Store, User};
use crate::schemas::{product, store, user};
use quarry::prelude::*;
use quarry::query::{count, exists, maybe_row, not_exists, row, scalar};
use quarry::Error;

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        correlated_subqueries_filter_by_the_outer_row,
        correlated_scalar_subqueries_in_select,
        lateral_join_latest_comment_per_post,
        left_join_columns_come_out_as_options,
    ]
}

/// Ann (posts "Hello" with comments "nice", "meh" and "Rust" with comment
/// "Rust"), Bob ("Hello" with comment "first"), Cy (no posts).
async fn seed(db: &Db) -> quarry::Result<Vec<User>> {
    let mut users = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        users.push(db.repo.insert(user(name)).await?);
    }
    for (author, title, comments) in [
        (0, "Hello", &["nice", "meh"][..]),
        (0, "Rust", &["Rust"][..]),
        (1, "Hello", &["first"][..]),
    ] {
        let post = db
            .repo
            .insert(Post {
                user_id: Some(users[author].id),
                title: title.into(),
                ..Default::default()
            })
            .await?;
        for body in comments {
            db.repo
                .insert(Comment {
                    post_id: Some(post.id),
                    body: body.to_string(),
                    ..Default::default()
                })
                .await?;
        }
    }
    Ok(users)
}

fn names(users: Vec<User>) -> Vec<String> {
    users.into_iter().map(|u| u.name).collect()
}

pub async fn correlated_subqueries_filter_by_the_outer_row(db: &Db) -> R {
    seed(db).await?;
    // Users having a post with a given title: the subquery refers to the
    // outer row (users.id) and binds its own value.
    let posted = |title: &'static str| {
        Query::<Post>::correlated::<User>()
            .filter(Post::user_id.eq_col(User::id))
            .filter(Post::title.eq(title))
            .select(Post::id)
    };
    let q = User::query()
        .filter(exists(posted("Hello")))
        .order_by(User::name.asc());
    assert_eq!(names(db.repo.all(q).await?), ["Ann", "Bob"]);
    let q = User::query()
        .filter(User::name.ne("Bob"))
        .filter(exists(posted("Rust")));
    assert_eq!(names(db.repo.all(q).await?), ["Ann"]);
    // Users without any post.
    let q = User::query().filter(not_exists(
        Query::<Post>::correlated::<User>()
            .filter(Post::user_id.eq_col(User::id))
            .select(Post::id),
    ));
    assert_eq!(names(db.repo.all(q).await?), ["Cy"]);
    // Posts with a comment whose body is the post's own title (IN a
    // correlated subquery).
    let q = Post::query().filter(
        Post::id.in_subquery(
            Query::<Comment>::correlated::<Post>()
                .filter(Comment::body.eq_col(Post::title))
                .select(Comment::post_id),
        ),
    );
    let titles: Vec<String> = db.repo.all(q).await?.into_iter().map(|p| p.title).collect();
    assert_eq!(titles, ["Rust"]);
    // Users with more than one post: the count of the outer row's posts
    // compared with a bound value.
    let posts_of_user = Query::<Post>::correlated::<User>()
        .filter(Post::user_id.eq_col(User::id))
        .select(count());
    let q = User::query().filter(scalar(posts_of_user).unwrap_or(0).gt(1));
    assert_eq!(names(db.repo.all(q).await?), ["Ann"]);
    // A column compared with an (uncorrelated) scalar subquery.
    let q = Post::query().filter(
        Post::user_id.eq_scalar(User::query().filter(User::name.eq("Bob")).select(User::id)),
    );
    let titles: Vec<String> = db.repo.all(q).await?.into_iter().map(|p| p.title).collect();
    assert_eq!(titles, ["Hello"]);
    Ok(())
}

pub async fn correlated_scalar_subqueries_in_select(db: &Db) -> R {
    seed(db).await?;
    // The number of posts of each user, and the title of their latest post
    // (None without posts): typed `i64` and `Option<String>`.
    let posts = Query::<Post>::correlated::<User>()
        .filter(Post::user_id.eq_col(User::id))
        .filter(Post::title.ne("nothing"))
        .select(count());
    let latest = Query::<Post>::correlated::<User>()
        .filter(Post::user_id.eq_col(User::id))
        .order_by(Post::id.desc())
        .limit(1)
        .select(Post::title);
    let q = User::query()
        .filter(User::name.ne("nobody"))
        .order_by(User::name.asc())
        .select((User::name, scalar(posts).unwrap_or(0), scalar(latest)));
    let rows: Vec<(String, i64, Option<String>)> = db.repo.all(q).await?;
    assert_eq!(
        rows,
        [
            ("Ann".to_string(), 2, Some("Rust".to_string())),
            ("Bob".to_string(), 1, Some("Hello".to_string())),
            ("Cy".to_string(), 0, None),
        ]
    );
    // Ordered by a correlated count, most comments first.
    let comments = Query::<Comment>::correlated::<Post>()
        .filter(Comment::post_id.eq_col(Post::id))
        .select(count());
    let q = Post::query()
        .order_by(scalar(comments).unwrap_or(0).desc())
        .order_by(Post::id.asc());
    let titles: Vec<String> = db.repo.all(q).await?.into_iter().map(|p| p.title).collect();
    assert_eq!(titles, ["Hello", "Rust", "Hello"]);
    Ok(())
}

pub async fn lateral_join_latest_comment_per_post(db: &Db) -> R {
    seed(db).await?;
    db.repo
        .insert(Post {
            user_id: None,
            title: "Empty".into(),
            ..Default::default()
        })
        .await?;
    const LATEST: Alias<Comment, 1> = Alias::new();
    let latest = Query::<Comment>::correlated::<Post>()
        .filter(Comment::post_id.eq_col(Post::id))
        .filter(Comment::body.ne("meh"))
        .order_by(Comment::id.desc())
        .limit(1);
    let q = Post::query()
        .left_join_lateral(LATEST, latest)
        .order_by(Post::id.asc())
        .select((Post::title, LATEST.col(Comment::body)));
    let caps = db.repo.driver().backend().capabilities.clone();
    db.reset_statements();
    let rows = db.repo.all(q).await;
    if !caps.lateral_join {
        // MariaDB, MySQL before 8.0.14 and SQLite: refused before anything is sent.
        assert!(
            matches!(
                rows,
                Err(Error::Unsupported {
                    feature: "LATERAL JOIN",
                    ..
                })
            ),
            "{rows:?}"
        );
        assert_eq!(db.statement_count(), 0);
        return Ok(());
    }
    let rows: Vec<(String, Option<String>)> = rows?;
    assert_eq!(
        rows,
        [
            ("Hello".to_string(), Some("nice".to_string())),
            ("Rust".to_string(), Some("Rust".to_string())),
            ("Hello".to_string(), Some("first".to_string())),
            ("Empty".to_string(), None),
        ]
    );
    // An inner lateral join leaves out the post without comments; whole rows
    // of the lateral alias.
    const TOP: Alias<Comment, 2> = Alias::new();
    let top = Query::<Comment>::correlated::<Post>()
        .filter(Comment::post_id.eq_col(Post::id))
        .order_by(Comment::body.asc())
        .limit(1);
    let q = Post::query()
        .join_lateral(TOP, top)
        .order_by(Post::id.asc())
        .select((Post::title, row::<Alias<Comment, 2>>()));
    let rows: Vec<(String, Comment)> = db.repo.all(q).await?;
    let bodies: Vec<(String, String)> = rows.into_iter().map(|(t, c)| (t, c.body)).collect();
    assert_eq!(
        bodies,
        [
            ("Hello".to_string(), "meh".to_string()),
            ("Rust".to_string(), "Rust".to_string()),
            ("Hello".to_string(), "first".to_string()),
        ]
    );
    Ok(())
}

pub async fn left_join_columns_come_out_as_options(db: &Db) -> R {
    let ann = db.repo.insert(user("Ann")).await?;
    let shop = db.repo.insert(store("Shop A", Some(ann.id))).await?;
    for (name, store_id) in [("Apple", Some(shop.id)), ("Pear", None)] {
        let mut p = product(name, 1.0);
        p.store_id = store_id;
        db.repo.insert(p).await?;
    }
    // Store::name is `String` in the schema and Store::user_id
    // `Option<i64>`: after a LEFT JOIN they are `Option<String>` and
    // `Option<i64>` (not `Option<Option<i64>>`), None for Pear.
    let q = Product::query()
        .left_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .order_by(Product::name.asc())
        .select((Product::name, Store::name, Store::user_id));
    let rows: Vec<(String, Option<String>, Option<i64>)> = db.repo.all(q).await?;
    assert_eq!(
        rows,
        [
            (
                "Apple".to_string(),
                Some("Shop A".to_string()),
                Some(ann.id)
            ),
            ("Pear".to_string(), None, None),
        ]
    );
    // A single column, whole rows (`row` of a left-joined table is an
    // Option, as `maybe_row` is), and a left-joined association.
    let q = Product::query()
        .left_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .order_by(Product::name.asc())
        .select(Store::name);
    let stores: Vec<Option<String>> = db.repo.all(q).await?;
    assert_eq!(stores, [Some("Shop A".to_string()), None]);
    let q = Product::query()
        .left_join_assoc(Product::store)
        .order_by(Product::name.asc())
        .select((row::<Store>(), maybe_row::<Store>(), Store::name));
    let rows: Vec<(Option<Store>, Option<Store>, Option<String>)> = db.repo.all(q).await?;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0.as_ref().map(|s| s.name.as_str()), Some("Shop A"));
    assert_eq!(rows[0].1.as_ref().map(|s| s.id), Some(shop.id));
    assert!(rows[1].0.is_none() && rows[1].1.is_none() && rows[1].2.is_none());
    // An inner join keeps the schema's types.
    let q = Product::query()
        .join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .select((Product::name, Store::name));
    let rows: Vec<(String, String)> = db.repo.all(q).await?;
    assert_eq!(rows, [("Apple".to_string(), "Shop A".to_string())]);
    Ok(())
}

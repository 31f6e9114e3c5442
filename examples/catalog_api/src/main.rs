//! `cargo run -p catalog-api` (`--features postgres` for a PostgreSQL URL): the catalog as a JSON service on
//! 127.0.0.1:3000 (`PORT` to change), over `DATABASE_URL` (default: a SQLite
//! file, catalog_api.db), migrated on start. See the library (`src/lib.rs`) for the routes.
//!
//! ```sh
//! curl -s localhost:3000/products -H 'content-type: application/json' -d '{"name": "Tulip"}'
//! # {"errors":{"description":["can't be blank"]}}   (422)
//! ```

use catalog_api as app;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://catalog_api.db".into());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let repo = app::setup(&url).await?;
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("catalog_api on http://{}", listener.local_addr()?);
    axum::serve(listener, app::router(repo)).await?;
    Ok(())
}

//! catalog-api over HTTP: the service started on a loopback port,
//! driven by a real HTTP client (ureq) — list with filters and sort keys from
//! the query string, show with a preload, create and update through changesets
//! (422 bodies), delete — on SQLite and, with the feature and
//! QUARRY_TEST_POSTGRES_URL, on PostgreSQL (in a database of its own).

// A test: indexing JSON answers and panicking on a wrong one is the point.
#![allow(clippy::indexing_slicing, clippy::panic)]

use catalog_api as app;

use quarry::serde_json::{self as serde_json, json, Value};

type R = Result<(), Box<dyn std::error::Error + Send + Sync>>;

struct Http {
    agent: ureq::Agent,
    base: String,
}

impl Http {
    fn new(base: String) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Http { agent, base }
    }
    fn get(&self, path: &str) -> Result<(u16, Value), ureq::Error> {
        answer(self.agent.get(format!("{}{path}", self.base)).call()?)
    }
    fn post(&self, path: &str, body: Value) -> Result<(u16, Value), ureq::Error> {
        answer(
            self.agent
                .post(format!("{}{path}", self.base))
                .send_json(body)?,
        )
    }
    fn patch(&self, path: &str, body: Value) -> Result<(u16, Value), ureq::Error> {
        answer(
            self.agent
                .patch(format!("{}{path}", self.base))
                .send_json(body)?,
        )
    }
    fn delete(&self, path: &str) -> Result<(u16, Value), ureq::Error> {
        answer(self.agent.delete(format!("{}{path}", self.base)).call()?)
    }
}

fn answer(mut r: ureq::http::Response<ureq::Body>) -> Result<(u16, Value), ureq::Error> {
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string()?;
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Ok((status, value))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default()
}

/// Every route, as a client sees it.
fn drive(http: &Http) -> R {
    let (status, store) = http.post("/stores", json!({"name": "Gardens"}))?;
    assert_eq!(status, 201, "{store}");
    let store_id = store["id"].as_i64().ok_or("store id")?;

    // create: 201 with the stored row; 422 with Ecto's error body.
    for (name, price) in [("Tulip", "1.5"), ("Rose", "4"), ("Orchid", "12.25")] {
        let (status, body) = http.post(
            "/products",
            json!({"name": name, "description": "a flower", "price": price, "store_id": store_id}),
        )?;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["meta"], "loaded", "{body}");
        assert_eq!(body["store"], Value::Null, "not loaded: {body}");
    }
    let (status, body) = http.post("/products", json!({"name": "Weed", "price": "-1"}))?;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body,
        json!({"errors": {
            "description": ["can't be blank"],
            "price": ["must be greater than or equal to 0"],
        }})
    );
    // A store that does not exist: the declared foreign key is a 422 too.
    let (status, body) = http.post(
        "/products",
        json!({"name": "Lost", "description": "x", "store_id": 999_999}),
    )?;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"]["store_id"],
        json!(["does not exist"]),
        "{body}"
    );

    // list: filters and the sort key from the query string.
    let (status, list) = http.get("/products?sort=price&desc=true")?;
    assert_eq!(status, 200, "{list}");
    assert_eq!(names(&list), ["Orchid", "Rose", "Tulip"]);
    let (_, list) = http.get("/products?max_price=5&sort=name")?;
    assert_eq!(names(&list), ["Rose", "Tulip"]);
    let (_, list) = http.get("/products?name=TUL")?;
    assert_eq!(names(&list), ["Tulip"]);
    // An unknown sort key is refused, never sent as SQL.
    let (status, body) = http.get("/products?sort=price;drop%20table%20products")?;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("unknown field"), "{body}");

    // show: the store preloaded.
    let (_, list) = http.get("/products?name=rose")?;
    let rose_id = list[0]["id"].as_i64().ok_or("rose id")?;
    let (status, rose) = http.get(&format!("/products/{rose_id}"))?;
    assert_eq!(status, 200, "{rose}");
    assert_eq!(rose["store"]["name"], "Gardens", "{rose}");
    let (status, _) = http.get("/products/999999")?;
    assert_eq!(status, 404);

    // update: changed fields; 422 keeps the row as it was.
    let (status, rose) = http.patch(&format!("/products/{rose_id}"), json!({"price": "3.5"}))?;
    assert_eq!((status, rose["price"].as_f64()), (200, Some(3.5)), "{rose}");
    let (status, body) = http.patch(&format!("/products/{rose_id}"), json!({"name": ""}))?;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body, json!({"errors": {"name": ["can't be blank"]}}));
    let (_, rose) = http.get(&format!("/products/{rose_id}"))?;
    assert_eq!(rose["name"], "Rose");

    // delete: 204, then 404.
    let (status, _) = http.delete(&format!("/products/{rose_id}"))?;
    assert_eq!(status, 204);
    let (status, _) = http.delete(&format!("/products/{rose_id}"))?;
    assert_eq!(status, 404);
    let (_, list) = http.get("/products?sort=name")?;
    assert_eq!(names(&list), ["Orchid", "Tulip"]);
    Ok(())
}

/// Starts the service over `url` on a free loopback port and drives it.
fn serve_and_drive(url: &str) -> R {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let repo = rt.block_on(app::setup(url))?;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = rt.spawn(async move { axum::serve(listener, app::router(repo)).await });
    let result = drive(&Http::new(base));
    server.abort();
    result
}

#[cfg(feature = "sqlite")]
#[test]
fn catalog_api_over_http_on_sqlite() -> R {
    let dir = std::env::temp_dir().join(format!("quarry-catalog-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = serve_and_drive(&format!("sqlite://{}", dir.join("catalog.db").display()));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(feature = "postgres")]
#[test]
fn catalog_api_over_http_on_postgres() -> R {
    use quarry::Repo;
    let Some(url) = std::env::var("QUARRY_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("catalog_api on postgres: QUARRY_TEST_POSTGRES_URL is not set; not run");
        return Ok(());
    };
    let name = format!("quarry_catalog_api_{}", std::process::id());
    let (base, query) = url
        .split_once('?')
        .map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    let db_url = match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let admin = rt.block_on(quarry::connect(&url))?;
    rt.block_on(admin.execute_raw(&format!("DROP DATABASE IF EXISTS {name}"), vec![]))?;
    rt.block_on(admin.execute_raw(&format!("CREATE DATABASE {name}"), vec![]))?;
    let result = serve_and_drive(&db_url);
    let _ = rt.block_on(admin.execute_raw(
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        vec![],
    ));
    result
}

//! `quarry::connect(url)` picks the adapter by scheme and explains what is missing.

use quarry::Error;

#[tokio::test]
async fn unknown_scheme_is_a_typed_error() {
    let err = quarry::connect("oracle://db/x")
        .await
        .expect_err("no adapter");
    assert!(
        matches!(err, Error::UnsupportedUrl(ref u) if u == "oracle://db/x"),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("sqlite:, postgres://, mysql:// or mariadb://"));
}

#[cfg(not(feature = "postgres"))]
#[tokio::test]
async fn postgres_url_names_the_feature() {
    let err = quarry::connect("postgres://localhost/x")
        .await
        .expect_err("feature off");
    assert!(
        matches!(
            err,
            Error::AdapterNotEnabled {
                feature: "postgres",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("enable quarry's `postgres` cargo feature"));
}

#[cfg(not(feature = "mysql"))]
#[tokio::test]
async fn mysql_and_mariadb_urls_name_the_feature() {
    for url in ["mysql://localhost/x", "mariadb://localhost/x"] {
        let err = quarry::connect(url).await.expect_err("feature off");
        assert!(
            matches!(
                err,
                Error::AdapterNotEnabled {
                    feature: "mysql",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_file_urls_create_the_database() {
    let dir = std::env::temp_dir().join(format!("quarry-connect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("new.db");
    let repo = quarry::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("opens");
    use quarry::Repo;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await
        .expect("ddl");
    assert!(path.exists());
    drop(repo);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn bad_sqlite_path_is_a_connection_error() {
    let err = quarry::connect("sqlite:///no/such/dir/x.db")
        .await
        .expect_err("cannot open");
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
}

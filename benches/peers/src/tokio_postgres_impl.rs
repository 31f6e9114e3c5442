//! Raw tokio-postgres 0.7, a second Postgres floor: a connection of its own,
//! the two queries prepared once and kept (what a tuned tokio-postgres
//! application does), rows read by index into the same shapes as sqlx's.

use crate::sqlx_impl::{PostRow, UserRow};

const TRIVIAL: &str = "SELECT id, name, hair_color FROM users";
const MEDIUM: &str = "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body \
     FROM users LEFT JOIN posts ON users.id = posts.user_id WHERE users.hair_color = $1";

/// A client with its prepared statements.
pub struct TokioPostgres {
    client: tokio_postgres::Client,
    trivial: tokio_postgres::Statement,
    medium: tokio_postgres::Statement,
}

impl TokioPostgres {
    /// Connects (the connection's task runs on the current runtime) and prepares.
    /// On a database the bench has never seeded, the tables are created first,
    /// empty (the statements cannot be prepared over missing tables).
    pub async fn connect(url: &str) -> Result<Self, tokio_postgres::Error> {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        for ddl in crate::POSTGRES_DDL {
            let ddl = ddl.replacen("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1);
            client.batch_execute(&ddl).await?;
        }
        let trivial = client.prepare(TRIVIAL).await?;
        let medium = client.prepare(MEDIUM).await?;
        Ok(TokioPostgres {
            client,
            trivial,
            medium,
        })
    }

    /// trivial_query.
    pub async fn trivial(&self) -> usize {
        let Ok(rows) = self.client.query(&self.trivial, &[]).await else {
            return 0;
        };
        let users: Vec<UserRow> = rows
            .iter()
            .map(|r| UserRow {
                id: r.get(0),
                name: r.get(1),
                hair_color: r.get(2),
            })
            .collect();
        users.len()
    }

    /// medium_complex.
    pub async fn medium(&self) -> usize {
        let Ok(rows) = self.client.query(&self.medium, &[&"black"]).await else {
            return 0;
        };
        let pairs: Vec<(UserRow, Option<PostRow>)> = rows
            .iter()
            .map(|r| {
                let user = UserRow {
                    id: r.get(0),
                    name: r.get(1),
                    hair_color: r.get(2),
                };
                let post = r.get::<_, Option<i64>>(3).map(|id| PostRow {
                    id,
                    user_id: r.get::<_, Option<i64>>(4).unwrap_or_default(),
                    title: r.get::<_, Option<String>>(5).unwrap_or_default(),
                    body: r.get(6),
                });
                (user, post)
            })
            .collect();
        pairs.len()
    }
}

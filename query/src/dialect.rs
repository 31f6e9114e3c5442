//! The three SQL dialects and how a sea-query statement is built for each.

use crate::statement::Statement;
use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementBuilder, SqliteQueryBuilder,
};

/// A SQL dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

impl Dialect {
    /// Builds `stmt` for this dialect: SQL text with placeholders, and the values.
    ///
    /// ```
    /// use quarry_query::{Dialect, sea_query::{Query, ExprTrait, Expr}};
    /// let mut q = Query::select();
    /// q.column("id").from("users").and_where(Expr::col("id").eq(1));
    /// assert_eq!(&*Dialect::Postgres.build(&q, "users").sql, r#"SELECT "id" FROM "users" WHERE "id" = $1"#);
    /// assert_eq!(&*Dialect::MySql.build(&q, "users").sql, "SELECT `id` FROM `users` WHERE `id` = ?");
    /// assert_eq!(&*Dialect::Sqlite.build(&q, "users").sql, r#"SELECT "id" FROM "users" WHERE "id" = ?"#);
    /// ```
    pub fn build<Q: QueryStatementBuilder>(self, stmt: &Q, table: &'static str) -> Statement {
        let (sql, values) = match self {
            Dialect::Postgres => stmt.build_any(&PostgresQueryBuilder),
            Dialect::MySql => stmt.build_any(&MysqlQueryBuilder),
            Dialect::Sqlite => stmt.build_any(&SqliteQueryBuilder),
        };
        Statement::new(sql, values.0, table)
    }

    /// The dialect's name.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL",
            Dialect::Sqlite => "SQLite",
        }
    }
}

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
        let (sql, values) = self.build_parts(stmt);
        Statement::new(sql, values, table)
    }

    /// Builds `stmt` into SQL text and sea-query values.
    pub fn build_parts<Q: QueryStatementBuilder>(
        self,
        stmt: &Q,
    ) -> (String, Vec<sea_query::Value>) {
        let (sql, values) = match self {
            Dialect::Postgres => stmt.build_any(&PostgresQueryBuilder),
            Dialect::MySql => stmt.build_any(&MysqlQueryBuilder),
            Dialect::Sqlite => stmt.build_any(&SqliteQueryBuilder),
        };
        (sql, values.0)
    }

    /// Builds an INSERT, with a RETURNING clause listing `returning` when given.
    /// sea-query's MySQL builder drops RETURNING (MySQL has none), so for MariaDB,
    /// which has it for INSERT, the clause is written here.
    pub fn build_insert(
        self,
        stmt: &sea_query::InsertStatement,
        returning: Option<&[&'static str]>,
        table: &'static str,
    ) -> Statement {
        let mut stmt = stmt.clone();
        if let (Some(cols), false) = (returning, self == Dialect::MySql) {
            stmt.returning(sea_query::Query::returning().columns(cols.iter().copied()));
        }
        let (mut sql, values) = self.build_parts(&stmt);
        if let (Some(cols), Dialect::MySql) = (returning, self) {
            sql.push_str(" RETURNING ");
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('`');
                sql.push_str(&c.replace('`', "``"));
                sql.push('`');
            }
        }
        Statement::new(sql, values, table)
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

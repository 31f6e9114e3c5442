//! SQL dialects: one [`SqlDialect`] trait whose default methods write standard
//! SQL, and one file per database overriding only what differs
//! ([`postgres`], [`mysql`], [`sqlite`]), the way sea-query's backends are.
//!
//! [`Dialect`] is the copyable handle the rest of quarry passes around; its
//! constants name the built-in dialects:
//!
//! ```
//! use quarry_query::Dialect;
//! assert_eq!(Dialect::Postgres.name(), "PostgreSQL");
//! assert_eq!(Dialect::MySql.quote(), '`');
//! assert_ne!(Dialect::Sqlite, Dialect::Postgres);
//! ```
//!
//! An adapter for another database that speaks one of these dialects with a
//! few differences implements [`SqlDialect`] (overriding what differs) and
//! hands out `Dialect::new(&ITS_DIALECT)`.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use crate::statement::Statement;
use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementBuilder, SchemaStatementBuilder,
    SqliteQueryBuilder,
};
use std::fmt;

/// Which of sea-query's builders writes a dialect's statements that quarry
/// does not write itself (DDL, and the few query shapes its writer declines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SeaBuilder {
    /// `PostgresQueryBuilder`.
    Postgres,
    /// `MysqlQueryBuilder`.
    MySql,
    /// `SqliteQueryBuilder`.
    Sqlite,
}

/// A condition on an array column (see [`crate::ArrayExt`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrayOp {
    /// The array holds every one of the values (Postgres `@>`, MySQL
    /// `JSON_CONTAINS`, SQLite `json_each`).
    Contains,
    /// The array holds at least one of the values (Postgres `&&`, MySQL
    /// `JSON_OVERLAPS`, SQLite `json_each`).
    Overlaps,
}

/// What quarry needs to know to write SQL for one database. Every method but
/// the first two has a default: standard SQL, as Postgres writes it.
pub trait SqlDialect: Send + Sync + 'static {
    /// The dialect's name (`PostgreSQL`, `MySQL`, `SQLite`): unique among
    /// dialects, it identifies the dialect (equality, caches).
    fn name(&self) -> &'static str;

    /// sea-query's builder for the statements quarry does not write itself.
    fn sea_builder(&self) -> SeaBuilder;

    /// The identifier quote character.
    fn quote(&self) -> char {
        '"'
    }

    /// Appends placeholder number `n` (1-based) to `sql`.
    fn write_placeholder(&self, sql: &mut String, n: u32) {
        let _ = n;
        sql.push('?');
    }

    /// True when an IN list can be bound as one array parameter
    /// (`x = ANY($1)`), so one SQL text serves every list length.
    fn binds_arrays(&self) -> bool {
        false
    }

    /// The LIMIT sent with an OFFSET that has none (MySQL and SQLite need
    /// one), or `None` when an OFFSET may stand alone.
    fn limit_for_offset(&self) -> Option<u64> {
        None
    }

    /// The types sums and averages are cast to, so every database returns the
    /// same Rust type: (integer, floating point).
    fn aggregate_casts(&self) -> (&'static str, &'static str) {
        ("BIGINT", "DOUBLE PRECISION")
    }

    /// The row lock clause of a SELECT (`FOR UPDATE`, or with `share` a
    /// shared lock), or `None` when the database has row
    /// locks of no kind (queries asking for one are refused before).
    fn lock_clause(&self, share: bool) -> Option<&'static str> {
        Some(if share { " FOR SHARE" } else { " FOR UPDATE" })
    }

    /// True when ORDER BY takes `NULLS FIRST` / `NULLS LAST`; otherwise
    /// quarry sorts on `expr IS NULL` first.
    fn nulls_ordering(&self) -> bool {
        true
    }

    /// True when sea-query's builder drops an INSERT's RETURNING clause (its
    /// MySQL builder: MariaDB has one), so quarry writes the clause itself.
    fn writes_insert_returning(&self) -> bool {
        false
    }

    /// True when the members of a UNION / INTERSECT / EXCEPT after the first
    /// are written in parentheses (SQLite accepts none).
    fn parenthesized_set_members(&self) -> bool {
        true
    }

    /// The escape character of every LIKE, as a SQL literal: a backslash
    /// (`'\'`), written `'\\'` where a backslash in a string literal is
    /// itself an escape (MySQL) and `E'\\'` on Postgres (as sea-query writes it). Every LIKE carries `ESCAPE` with it, so `\%`,
    /// `\_` and `\\` match literally on every database (SQLite has no
    /// default escape character).
    fn like_escape(&self) -> &'static str {
        r"'\'"
    }

    /// The SQL of a condition on an array column: `{a}` stands for the
    /// array (a column, written as often as it appears), `{v}` for the bound
    /// array of values (written once). `text` is true for arrays of strings.
    /// The default is Postgres's: `@>` and `&&` on native arrays, string
    /// arrays compared as `text[]` (a `varchar(n)[]` column has no `@>` with
    /// the `text[]` quarry binds).
    fn array_condition(&self, op: ArrayOp, text: bool) -> &'static str {
        match (op, text) {
            (ArrayOp::Contains, false) => "{a} @> {v}",
            (ArrayOp::Contains, true) => "{a}::text[] @> {v}",
            (ArrayOp::Overlaps, false) => "{a} && {v}",
            (ArrayOp::Overlaps, true) => "{a}::text[] && {v}",
        }
    }

    /// How an INSERT says what to do when a row conflicts with a unique key:
    /// standard `ON CONFLICT (target) DO ...` by default.
    fn upsert_syntax(&self) -> UpsertSyntax {
        UpsertSyntax::OnConflict
    }

    /// True when an `ON CONFLICT` target may name a constraint
    /// (`ON CONFLICT ON CONSTRAINT name`, Postgres); otherwise only columns.
    fn conflict_on_constraint(&self) -> bool {
        true
    }

    /// Appends the value the conflicting INSERT proposed for `column`, in
    /// an upsert's assignments: `excluded."c"` by default.
    fn write_excluded(&self, sql: &mut String, column: &str) {
        sql.push_str("excluded.");
        write_quoted(sql, self.quote(), column);
    }

    /// The function that, given a row's generated key in an upsert's
    /// assignments, makes the statement report that key as its insert id
    /// whether it inserted or updated the row (MySQL's `LAST_INSERT_ID`), so
    /// a database without RETURNING can read back the row it stored. `None`
    /// by default.
    fn upsert_key_function(&self) -> Option<&'static str> {
        None
    }

    /// How an `update_all` with joins is written: `UPDATE t SET ... FROM j
    /// WHERE ...` by default (PostgreSQL, SQLite 3.33+); `None` when the
    /// database has no such syntax.
    fn update_join(&self) -> Option<JoinedWrite> {
        Some(JoinedWrite::From)
    }

    /// How a `delete_all` with joins is written: `DELETE FROM t USING j
    /// WHERE ...` by default (PostgreSQL); `None` when the database has no
    /// such syntax (SQLite).
    fn delete_join(&self) -> Option<JoinedWrite> {
        Some(JoinedWrite::From)
    }
}

/// The syntax of an UPDATE or DELETE over joined tables (see
/// [`SqlDialect::update_join`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoinedWrite {
    /// The other tables in a `FROM` (UPDATE) or `USING` (DELETE) list, the
    /// join conditions in the WHERE (PostgreSQL, SQLite's UPDATE): inner
    /// joins only.
    From,
    /// MySQL's multi-table `UPDATE t JOIN j ON ... SET t.c = ...` and
    /// `DELETE t FROM t JOIN j ON ...`: inner, left and right joins.
    MultiTable,
}

/// The upsert syntax of a dialect (see [`SqlDialect::upsert_syntax`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpsertSyntax {
    /// `INSERT ... ON CONFLICT (target) DO NOTHING | DO UPDATE SET ...`
    /// (PostgreSQL, SQLite).
    OnConflict,
    /// `INSERT ... ON DUPLICATE KEY UPDATE ...` (MySQL, MariaDB): no target,
    /// a conflict on any unique key takes the update.
    OnDuplicateKeyUpdate,
}

/// A SQL dialect: a copyable handle to a [`SqlDialect`]. Equal when their
/// names are.
#[derive(Clone, Copy)]
pub struct Dialect(&'static dyn SqlDialect);

#[allow(non_upper_case_globals)]
impl Dialect {
    /// PostgreSQL.
    pub const Postgres: Dialect = Dialect(&postgres::Postgres);
    /// MySQL and MariaDB.
    pub const MySql: Dialect = Dialect(&mysql::MySql);
    /// SQLite.
    pub const Sqlite: Dialect = Dialect(&sqlite::Sqlite);

    /// The handle of a dialect of an adapter's own.
    pub const fn new(dialect: &'static dyn SqlDialect) -> Self {
        Dialect(dialect)
    }

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
        let (sql, values) = match self.0.sea_builder() {
            SeaBuilder::Postgres => stmt.build_any(&PostgresQueryBuilder),
            SeaBuilder::MySql => stmt.build_any(&MysqlQueryBuilder),
            SeaBuilder::Sqlite => stmt.build_any(&SqliteQueryBuilder),
        };
        (sql, values.0)
    }

    /// Builds a sea-query DDL statement.
    pub fn build_schema<S: SchemaStatementBuilder>(self, stmt: &S) -> String {
        match self.0.sea_builder() {
            SeaBuilder::Postgres => stmt.build(PostgresQueryBuilder),
            SeaBuilder::MySql => stmt.build(MysqlQueryBuilder),
            SeaBuilder::Sqlite => stmt.build(SqliteQueryBuilder),
        }
    }

    /// Builds an INSERT, with a RETURNING clause listing `returning` when given
    /// (written by quarry where sea-query's builder drops it).
    pub fn build_insert(
        self,
        stmt: &sea_query::InsertStatement,
        returning: Option<&[&'static str]>,
        table: &'static str,
    ) -> Statement {
        let by_text = self.writes_insert_returning();
        let mut stmt = stmt.clone();
        if let (Some(cols), false) = (returning, by_text) {
            stmt.returning(sea_query::Query::returning().columns(cols.iter().copied()));
        }
        let (mut sql, values) = self.build_parts(&stmt);
        if let (Some(cols), true) = (returning, by_text) {
            sql.push_str(" RETURNING ");
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                self.write_ident(&mut sql, c);
            }
        }
        Statement::new(sql, values, table)
    }

    /// Appends `name` quoted (the quote character doubled inside it).
    ///
    /// ```
    /// let mut sql = String::new();
    /// quarry_query::Dialect::MySql.write_ident(&mut sql, "a`b");
    /// assert_eq!(sql, "`a``b`");
    /// ```
    pub fn write_ident(self, sql: &mut String, name: &str) {
        write_quoted(sql, self.quote(), name);
    }

    /// `name` quoted, as a new string.
    pub fn quoted(self, name: &str) -> String {
        let mut sql = String::with_capacity(name.len() + 2);
        self.write_ident(&mut sql, name);
        sql
    }
}

impl std::ops::Deref for Dialect {
    type Target = dyn SqlDialect;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl PartialEq for Dialect {
    fn eq(&self, other: &Self) -> bool {
        self.0.name() == other.0.name()
    }
}

impl Eq for Dialect {}

impl std::hash::Hash for Dialect {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name().hash(state);
    }
}

impl fmt::Debug for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

/// Appends `name` between `q`s, each `q` inside it doubled.
fn write_quoted(sql: &mut String, q: char, name: &str) {
    sql.push(q);
    if name.contains(q) {
        for ch in name.chars() {
            if ch == q {
                sql.push(q);
            }
            sql.push(ch);
        }
    } else {
        sql.push_str(name);
    }
    sql.push(q);
}

/// Writes `n` in decimal without going through `fmt`.
pub(crate) fn push_u32(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    for slot in digits.iter_mut() {
        // n % 10 < 10: the narrowing is exact.
        *slot = b'0' + u8::try_from(n % 10).unwrap_or(0);
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

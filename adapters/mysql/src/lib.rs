//! quarry-mysql: the MySQL and MariaDB adapter. It holds only what is MySQL's own —
//! connect options, telling MariaDB from MySQL and what each can do, the cell kind
//! of each column type, the last insert id, and reading constraint names from
//! error messages — on the shared sqlx driver of `quarry-sqlx`. Every Repo
//! operation comes from `quarry-query`. Nothing on the MySQL path uses
//! MariaDB-only SQL: RETURNING is used only when the server is MariaDB 10.5 or
//! later.
//!
//! On MariaDB (seen on 10.11) a connection that has sent a large statement,
//! such as an `insert_all` of thousands of rows, reads large results about
//! 15% slower from then on, with quarry or plain sqlx alike: the time is spent
//! waiting on the server, not in the client (`benches/peers/README.md`,
//! "Seeding on a connection of its own"). An application that bulk-loads and
//! also serves large reads can give the loads a repo of their own, so that
//! the pool its reads use never sends them.
//!
//! ```no_run
//! # async fn demo() -> quarry_core::Result<()> {
//! let repo = quarry_mysql::connect("mysql://root@127.0.0.1:3306/test").await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

use quarry_core::{ConnectionErrorKind, ErrorClass};
use quarry_query::driver::PoolOptions;
use quarry_query::sea_query::Value as Sv;
use quarry_query::{Backend, Capabilities, Dialect, ExecResult};
use quarry_sqlx::{Cell, SqlxBackend, Timed, ValueRef};
use sqlx::error::{BoxDynError, DatabaseError};
use sqlx::mysql::{
    MySqlArguments, MySqlColumn, MySqlConnectOptions, MySqlDatabaseError, MySqlQueryResult,
};
use sqlx::{Arguments as _, Column as _, TypeInfo as _};
use std::str::FromStr;
use std::time::Duration;

quarry_sqlx::adapter! {
    /// MySQL and MariaDB as the shared sqlx driver sees them.
    backend MySql;
    /// A pool of MySQL or MariaDB connections; a [`Repo`](quarry_query::Repo).
    repo MySqlRepo;
    /// Connects to `mysql://user:password@host:port/database` (or
    /// `mariadb://...`, plus `prepared_statements=false`). Sessions use UTC and
    /// utf8mb4.
    connect;
}

/// The server's name and capabilities from its `SELECT VERSION()` string.
///
/// ```
/// let (name, caps) = quarry_mysql::capabilities("10.11.19-MariaDB-0+deb12u1");
/// assert_eq!(name, "MariaDB");
/// assert!(caps.insert_returning && !caps.update_returning);
/// let (name, caps) = quarry_mysql::capabilities("8.0.36");
/// assert_eq!(name, "MySQL");
/// assert!(!caps.insert_returning);
/// // JSON_OVERLAPS, for `overlaps` on array columns.
/// assert!(caps.array_overlaps);
/// assert!(!quarry_mysql::capabilities("10.6.16-MariaDB").1.array_overlaps);
/// assert!(!quarry_mysql::capabilities("8.0.16").1.array_overlaps);
/// ```
pub fn capabilities(version: &str) -> (&'static str, Capabilities) {
    let mariadb = version.to_ascii_lowercase().contains("mariadb");
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    let v = (next(), next(), next());
    // Whether this server is at least the MariaDB or the MySQL version given.
    let since =
        |maria: (u32, u32, u32), mysql: (u32, u32, u32)| v >= if mariadb { maria } else { mysql };
    let returning = mariadb && v >= (10, 5, 0);
    let caps = Capabilities {
        insert_returning: returning,
        update_returning: false,
        delete_returning: returning,
        transactional_ddl: false,
        ilike: false,
        window_functions: since((10, 2, 0), (8, 0, 0)),
        full_join: false,
        // MariaDB 10.3 / MySQL 8.0.31; the ALL forms from MariaDB 10.5.
        intersect_except: since((10, 3, 0), (8, 0, 31)),
        intersect_except_all: since((10, 5, 0), (8, 0, 31)),
        recursive_cte: since((10, 2, 0), (8, 0, 0)),
        // MariaDB has no LATERAL; MySQL from 8.0.14.
        lateral_join: !mariadb && v >= (8, 0, 14),
        // JSON_OVERLAPS: MariaDB 10.9, MySQL 8.0.17.
        array_overlaps: since((10, 9, 0), (8, 0, 17)),
        ..Capabilities::ALL
    };
    (if mariadb { "MariaDB" } else { "MySQL" }, caps)
}

/// The text between the first pair of `quote`s after `marker`.
fn quoted_after(message: &str, marker: &str, quote: char) -> Option<String> {
    let rest = message.get(message.find(marker)? + marker.len()..)?;
    let start = rest.find(quote)? + 1;
    let len = rest.get(start..)?.find(quote)?;
    rest.get(start..start + len).map(str::to_string)
}

/// The constraint's name and columns, read from the message of error `number`.
fn violation(number: u16, message: &str) -> (Option<String>, Vec<String>) {
    match number {
        // Duplicate entry '...' for key 'name' (MySQL 8: 'table.name').
        1062 | 1586 => {
            let key = message
                .rsplit_once("for key ")
                .map(|(_, k)| k.trim_matches(|c| c == '\'' || c == '`'));
            let key = key.map(|k| k.rsplit_once('.').map_or(k, |(_, n)| n).to_string());
            (key, Vec::new())
        }
        // MySQL: Check constraint 'name' is violated.
        3819 => (quoted_after(message, "constraint ", '\''), Vec::new()),
        // Column 'c' cannot be null / Field 'c' doesn't have a default value
        1048 | 1364 => {
            let col = quoted_after(message, "olumn ", '\'')
                .or_else(|| quoted_after(message, "ield ", '\''));
            (None, col.into_iter().collect())
        }
        // ... a foreign key constraint fails (`db`.`t`, CONSTRAINT `name` ...);
        // MariaDB: CONSTRAINT `name` failed for `db`.`t`
        _ => (quoted_after(message, "CONSTRAINT ", '`'), Vec::new()),
    }
}

impl SqlxBackend for MySql {
    type Db = sqlx::MySql;

    const NAME: &'static str = "MySQL/MariaDB";
    const VERSION_SQL: &'static str = "SELECT VERSION()";

    fn connect_options(
        url: &str,
        options: &PoolOptions,
    ) -> Result<MySqlConnectOptions, sqlx::Error> {
        let url = match url.strip_prefix("mariadb://") {
            Some(rest) => std::borrow::Cow::Owned(format!("mysql://{rest}")),
            None => std::borrow::Cow::Borrowed(url),
        };
        let mut opts = MySqlConnectOptions::from_str(&url)?
            .charset("utf8mb4")
            .timezone(Some("+00:00".to_string()));
        if let Some(cap) = options.statement_cache {
            opts = opts.statement_cache_capacity(cap);
        }
        Ok(opts)
    }

    const TIMEOUT_PER_STATEMENT: bool = true;

    /// MariaDB: the statement itself as `SET STATEMENT max_statement_time = s
    /// FOR ...` (every statement, no round trip). MySQL: `max_execution_time`
    /// set around it, which MySQL applies to SELECT statements only.
    fn timed(
        sql: &str,
        timeout: Duration,
        default: Option<Duration>,
        backend: &Backend,
        _in_tx: bool,
    ) -> Timed {
        if backend.name == "MariaDB" {
            let seconds = timeout.as_secs_f64().max(0.001);
            return Timed {
                before: None,
                sql: Some(format!(
                    "SET STATEMENT max_statement_time = {seconds:.3} FOR {sql}"
                )),
                after: None,
            };
        }
        let restore = default.map_or(0, quarry_sqlx::millis);
        Timed {
            before: Some(format!(
                "SET SESSION max_execution_time = {}",
                quarry_sqlx::millis(timeout)
            )),
            sql: None,
            after: Some(format!("SET SESSION max_execution_time = {restore}")),
        }
    }

    fn backend(version: String) -> Backend {
        let (name, capabilities) = capabilities(&version);
        Backend {
            dialect: Dialect::MySql,
            name,
            capabilities,
            version,
            default_prefix: None,
        }
    }

    /// By column type and flags. sqlx keeps the type id private and shows it,
    /// with the UNSIGNED / BINARY / ENUM flags and `TINYINT(1)`, as the type's
    /// name: read once per column of a result set, not once per cell.
    fn cell(column: &MySqlColumn) -> Cell {
        match column.type_info().name() {
            "BOOLEAN" => Cell::Bool,
            "TINYINT" => Cell::TinyInt,
            "SMALLINT" => Cell::I16,
            "INT" | "MEDIUMINT" => Cell::I32,
            "BIGINT" => Cell::I64,
            "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "INT UNSIGNED" | "MEDIUMINT UNSIGNED"
            | "BIGINT UNSIGNED" => Cell::U64,
            "FLOAT" => Cell::F32,
            "DOUBLE" => Cell::F64,
            "VARCHAR" | "CHAR" | "TEXT" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM"
            | "SET" => Cell::Text,
            "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY" => Cell::Blob,
            "JSON" => Cell::Json,
            "DATE" => Cell::Date,
            "DATETIME" => Cell::DateTime,
            "TIMESTAMP" => Cell::DateTimeUtc,
            "TIME" => Cell::Time,
            "DECIMAL" => Cell::Decimal,
            _ => Cell::Unsupported,
        }
    }

    fn unsigned(raw: ValueRef<'_, Self>) -> Result<u64, BoxDynError> {
        <u64 as sqlx::Decode<sqlx::MySql>>::decode(raw)
    }

    /// Arrays (`Vec<T>` fields, array conditions) as their JSON text: MySQL
    /// and MariaDB have no array type, a `Vec<T>` column is `json`.
    fn bind_other(args: &mut MySqlArguments, value: &Sv) -> Result<(), BoxDynError> {
        if !matches!(value, Sv::Array(..)) {
            return Err(format!("MySQL cannot bind {value:?}").into());
        }
        let json = quarry_query::sql_value::array_json(value)?;
        args.add(json)
    }

    fn exec_result(done: &MySqlQueryResult) -> ExecResult {
        ExecResult {
            rows_affected: done.rows_affected(),
            last_insert_id: i64::try_from(done.last_insert_id())
                .ok()
                .filter(|id| *id > 0),
        }
    }

    /// sqlx classifies the violation by error number but names no constraint:
    /// the server puts the name in the message.
    fn violation(error: &dyn DatabaseError) -> (Option<String>, Vec<String>) {
        match error.try_downcast_ref::<MySqlDatabaseError>() {
            Some(e) => violation(e.number(), e.message()),
            None => (None, Vec::new()),
        }
    }

    fn connection_kind(error: &dyn DatabaseError) -> Option<ConnectionErrorKind> {
        let number = error.try_downcast_ref::<MySqlDatabaseError>()?.number();
        Some(match number {
            // access denied (for user / to database / plugin refused)
            1045 | 1044 | 1698 => ConnectionErrorKind::Auth,
            // unknown database
            1049 => ConnectionErrorKind::DatabaseNotFound,
            // server shutdown in progress, connection killed, closed for inactivity
            1053 | 1927 | 4031 => ConnectionErrorKind::Lost,
            _ => return None,
        })
    }

    /// MySQL's and MariaDB's error numbers.
    fn error_class(error: &dyn DatabaseError) -> Option<ErrorClass> {
        let number = error.try_downcast_ref::<MySqlDatabaseError>()?.number();
        Some(match number {
            // ER_LOCK_DEADLOCK
            1213 => ErrorClass::Deadlock,
            // ER_LOCK_WAIT_TIMEOUT
            1205 => ErrorClass::LockTimeout,
            // MySQL ER_QUERY_TIMEOUT (max_execution_time), MariaDB
            // ER_STATEMENT_TIMEOUT (max_statement_time)
            3024 | 1969 => ErrorClass::StatementTimeout,
            // Galera: WSREP has not yet prepared node / certification failure
            // surfaces as a deadlock (1213); too many connections
            1040 => ErrorClass::ConnectFailed,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::violation;

    #[test]
    fn reads_names_from_messages() {
        let name = |n, m| violation(n, m).0;
        assert_eq!(
            name(1062, "Duplicate entry 'a@x.io' for key 'users_email_index'").as_deref(),
            Some("users_email_index")
        );
        assert_eq!(
            name(
                1062,
                "Duplicate entry 'a@x.io' for key 'users.users_email_index'"
            )
            .as_deref(),
            Some("users_email_index")
        );
        let fk = "Cannot add or update a child row: a foreign key constraint fails (`test`.`products`, CONSTRAINT `products_store_id_fkey` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`))";
        assert_eq!(name(1452, fk).as_deref(), Some("products_store_id_fkey"));
        let ck = "CONSTRAINT `stock_not_negative` failed for `test`.`products`";
        assert_eq!(name(4025, ck).as_deref(), Some("stock_not_negative"));
        let ck8 = "Check constraint 'stock_not_negative' is violated.";
        assert_eq!(name(3819, ck8).as_deref(), Some("stock_not_negative"));
        let nn = violation(1364, "Field 'name' doesn't have a default value");
        assert_eq!(nn.1, vec!["name"]);
        let nn = violation(1048, "Column 'name' cannot be null");
        assert_eq!(nn.1, vec!["name"]);
    }
}

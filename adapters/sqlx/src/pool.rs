//! quarry's pool of sqlx connections (deadpool underneath). sqlx's own pool pings
//! a connection when it is handed out (by default) and again every time it comes
//! back: two round trips per statement. This one hands a connection out as it
//! is and checks its health only when that is cheap to afford or needed:
//! - after it sat idle longer than `health_check_after_idle` (a busy pool never
//!   pings);
//! - after any connection of the pool was found dead: a server restart kills
//!   every connection, so the others are pinged once before their next use
//!   instead of each failing a statement;
//! - never again when its statement was interrupted (the future dropped
//!   mid-protocol) or failed with a connection error: it is closed.

use crate::error::connect_error;
use crate::{ConnectOptions, SqlxBackend};
use deadpool::managed::{self, Metrics, PoolError, RecycleError, RecycleResult, TimeoutType};
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, PoolStatus, Result};
use quarry_query::driver::PoolOptions;
use sqlx::{Connection, Database};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A pooled connection and what the pool knows of it.
pub(crate) struct Conn<B: SqlxBackend> {
    pub(crate) raw: <B::Db as Database>::Connection,
    /// Set while a statement runs; still set afterwards if it was interrupted or
    /// the connection failed, which keeps the connection from being reused.
    busy: bool,
    /// When its last statement ended.
    idle_since: Instant,
    /// The pool's epoch when the connection was last known good.
    epoch: u64,
}

impl<B: SqlxBackend> Conn<B> {
    /// Marks the start of a statement.
    pub(crate) fn start(&mut self) {
        self.busy = true;
    }

    /// Marks the end of a statement that left the connection usable.
    pub(crate) fn done(&mut self) {
        self.busy = false;
        self.idle_since = Instant::now();
    }
}

/// Opens and checks connections.
pub(crate) struct Manager<B: SqlxBackend> {
    options: ConnectOptions<B>,
    idle_check: Option<Duration>,
    ping_timeout: Duration,
    /// Bumped when a connection is found dead: the others are then suspect.
    epoch: AtomicU64,
}

impl<B: SqlxBackend> Manager<B> {
    /// Makes every idle connection prove itself (one ping) before its next use.
    pub(crate) fn suspect_all(&self) {
        tracing::warn!(target: "quarry::pool", database = B::NAME, "connection lost; the pool's other connections are checked before their next use");
        self.epoch.fetch_add(1, Ordering::Relaxed);
    }
}

impl<B: SqlxBackend> managed::Manager for Manager<B> {
    type Type = Conn<B>;
    type Error = sqlx::Error;

    async fn create(&self) -> std::result::Result<Conn<B>, sqlx::Error> {
        let epoch = self.epoch.load(Ordering::Relaxed);
        // Boxed, as the ping below: a connect's state is large, and without
        // the box it would be part of every checkout's future (so of every
        // statement's), moved into that statement's boxed future each call.
        let connect = Box::pin(<B::Db as Database>::Connection::connect_with(&self.options));
        let raw = match connect.await {
            Ok(raw) => raw,
            Err(e) => {
                tracing::warn!(target: "quarry::pool", database = B::NAME, error = %e, "cannot connect");
                return Err(e);
            }
        };
        let event = if epoch > 0 {
            "reconnected"
        } else {
            "connected"
        };
        tracing::info!(target: "quarry::pool", database = B::NAME, "{event}");
        Ok(Conn {
            raw,
            busy: false,
            idle_since: Instant::now(),
            epoch,
        })
    }

    async fn recycle(&self, conn: &mut Conn<B>, _: &Metrics) -> RecycleResult<sqlx::Error> {
        if conn.busy {
            return Err(RecycleError::message("interrupted or failed"));
        }
        let epoch = self.epoch.load(Ordering::Relaxed);
        let idle = self
            .idle_check
            .is_some_and(|after| conn.idle_since.elapsed() >= after);
        if conn.epoch != epoch || idle {
            match Box::pin(tokio::time::timeout(self.ping_timeout, conn.raw.ping())).await {
                Ok(Ok(())) => conn.epoch = epoch,
                Ok(Err(e)) => return Err(RecycleError::Backend(e)),
                Err(_) => return Err(RecycleError::message("ping timed out")),
            }
        }
        Ok(())
    }
}

/// The pool.
pub(crate) type Pool<B> = managed::Pool<Manager<B>>;
/// A connection checked out of the pool.
pub(crate) type Pooled<B> = managed::Object<Manager<B>>;

/// A pool for `url`; opens no connection yet.
pub(crate) fn build<B: SqlxBackend>(url: &str, options: &PoolOptions) -> Result<Pool<B>> {
    let connect = B::connect_options(url, options).map_err(|e| {
        Error::Connection(
            ConnectionError::new(
                ConnectionErrorKind::InvalidUrl,
                format!("invalid {} URL: {e}", B::NAME),
            )
            .with_source(e),
        )
    })?;
    let manager = Manager::<B> {
        options: connect,
        idle_check: options.health_check_after_idle,
        ping_timeout: options.acquire_timeout.min(Duration::from_secs(5)),
        epoch: AtomicU64::new(0),
    };
    let max = usize::try_from(options.max_connections.max(1)).unwrap_or(usize::MAX);
    managed::Pool::builder(manager)
        .max_size(max)
        .wait_timeout(Some(options.acquire_timeout))
        .create_timeout(Some(options.acquire_timeout))
        .queue_mode(deadpool::managed::QueueMode::Lifo)
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| {
            Error::Connection(ConnectionError::new(
                ConnectionErrorKind::Other,
                format!("cannot build the {} pool: {e}", B::NAME),
            ))
        })
}

/// A connection from the pool.
pub(crate) async fn get<B: SqlxBackend>(pool: &Pool<B>) -> Result<Pooled<B>> {
    // A free connection first, without waiting: no timer is set up for the
    // usual case; only when every connection is busy does the wait (with the
    // acquire timeout) begin.
    let mut now = pool.timeouts();
    now.wait = Some(Duration::ZERO);
    let got = match pool.timeout_get(&now).await {
        // Boxed: the wait's timer and state are only needed here.
        Err(PoolError::Timeout(TimeoutType::Wait)) => Box::pin(pool.get()).await,
        other => other,
    };
    got.map_err(|e| match e {
        PoolError::Backend(e) => connect_error::<B>(e),
        PoolError::Timeout(TimeoutType::Wait) => Error::Connection(
            ConnectionError::new(
                ConnectionErrorKind::PoolTimeout,
                format!(
                    "no {} connection became free within the acquire timeout",
                    B::NAME
                ),
            )
            .with_pool(status(pool)),
        ),
        PoolError::Timeout(_) => Error::Connection(ConnectionError::new(
            ConnectionErrorKind::Timeout,
            format!("connecting to {} timed out", B::NAME),
        )),
        PoolError::Closed => closed::<B>(),
        other => Error::Connection(ConnectionError::new(
            ConnectionErrorKind::Other,
            format!("{} pool: {other}", B::NAME),
        )),
    })
}

/// The error of work asked of a closed (or closing) pool.
pub(crate) fn closed<B: SqlxBackend>() -> Error {
    Error::Connection(ConnectionError::new(
        ConnectionErrorKind::PoolClosed,
        format!("the {} pool is closed", B::NAME),
    ))
}

/// The pool's connections now.
pub(crate) fn status<B: SqlxBackend>(pool: &Pool<B>) -> PoolStatus {
    let s = pool.status();
    PoolStatus::new(s.max_size, s.size, s.available, s.waiting)
}

//! The futures of the Repo's row reads: [`ReadAll`] (`Repo::all`) and
//! [`ReadOne`] (`Repo::one`), named types instead of boxed futures.
//!
//! A read holds its prepared statement and decoder until it is first polled.
//! Then, when the driver can run the statement at once on the calling thread
//! (SQLite with a free connection, see [`Driver::run_now`]) and no statement
//! log listens, the rows are read and decoded right there: no future is
//! boxed, and nothing is moved into one. Otherwise the read continues as a
//! boxed future, as every read did before.

use crate::driver::{Driver, RowSink};
use crate::log;
use crate::statement::Statement;
use quarry_core::{Error, Row};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Decodes one row of a fetched statement.
pub trait Decode: Send + Sync {
    /// The decoded row.
    type Row: Send;
    /// Decodes `row`.
    fn decode(&self, row: &dyn Row) -> Result<Self::Row, Error>;
}

/// A boxed future of one of the Repo's reads.
pub type ReadFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error>> + Send + 'a>>;

/// The future of [`Repo::all`](crate::Repo::all) (and of
/// [`Fetch::fetch_all`](crate::Fetch::fetch_all)): every row of a query,
/// decoded. Like any future it does nothing until it is awaited; it is
/// `Send` when its rows are, so generic code can spawn it.
///
/// ```no_run
/// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
/// # use quarry_core::doc_support::Product;
/// let read = repo.all(quarry_query::from::<Product>()); // nothing sent yet
/// let products: Vec<Product> = read.await?;
/// # Ok(()) }
/// ```
#[must_use = "a read does nothing unless it is awaited"]
pub struct ReadAll<'a, D: Decode>(All<'a, D>);

enum All<'a, D: Decode> {
    /// Not polled yet.
    Prepared {
        driver: &'a dyn Driver,
        stmt: Statement,
        decoder: D,
    },
    /// The statement could not be prepared.
    Failed(Error),
    /// Running as a boxed future (the driver had to wait, or a log listens,
    /// or the read is a preloading one).
    Boxed(ReadFuture<'a, Vec<D::Row>>),
    /// Completed.
    Done,
}

// Nothing inside is ever pinned in place: the state is moved out by value
// (the boxed future is pinned by its box).
impl<D: Decode> Unpin for ReadAll<'_, D> {}

impl<'a, D: Decode + 'a> ReadAll<'a, D> {
    /// The read of `prepared`'s statement through `driver`, each row decoded
    /// by its decoder; a preparing error comes back when it is awaited.
    pub fn new(driver: &'a dyn Driver, prepared: Result<(Statement, D), Error>) -> Self {
        ReadAll(match prepared {
            Ok((stmt, decoder)) => All::Prepared {
                driver,
                stmt,
                decoder,
            },
            Err(e) => All::Failed(e),
        })
    }

    /// A read whose rows some other future produces (a preloading query's,
    /// which runs several statements).
    pub fn boxed(read: impl Future<Output = Result<Vec<D::Row>, Error>> + Send + 'a) -> Self {
        ReadAll(All::Boxed(Box::pin(read)))
    }
}

impl<'a, D: Decode + 'a> Future for ReadAll<'a, D> {
    type Output = Result<Vec<D::Row>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.get_mut().0;
        let mut read = match std::mem::replace(this, All::Done) {
            All::Prepared {
                driver,
                stmt,
                decoder,
            } => {
                let mut out = Vec::new();
                let now = log::fetch_now(driver, &stmt, &mut decode_into(&decoder, &mut out));
                if let Some(done) = now {
                    return Poll::Ready(done.map(|()| out));
                }
                // Nothing ran (the sink saw no row): the read goes on as a
                // future of its own, which owns the statement and decoder.
                let read: ReadFuture<'a, Vec<D::Row>> = Box::pin(async move {
                    let mut out = Vec::new();
                    {
                        let sink: &mut RowSink<'_> = &mut decode_into(&decoder, &mut out);
                        log::fetch_after_now(driver, &stmt, sink).await?;
                    }
                    Ok(out)
                });
                read
            }
            All::Boxed(read) => read,
            All::Failed(e) => return Poll::Ready(Err(e)),
            All::Done => {
                return Poll::Ready(Err(Error::Query(
                    quarry_core::QueryError::PolledAfterCompletion,
                )))
            }
        };
        let polled = read.as_mut().poll(cx);
        if polled.is_pending() {
            *this = All::Boxed(read);
        }
        polled
    }
}

/// The row sink of a read: each row decoded by `decoder` onto `out`.
fn decode_into<'s, D: Decode>(
    decoder: &'s D,
    out: &'s mut Vec<D::Row>,
) -> impl FnMut(&dyn Row) -> Result<(), Error> + Send + 's {
    move |row| {
        out.push(decoder.decode(row)?);
        Ok(())
    }
}

/// The future of [`Repo::one`](crate::Repo::one): at most one row of a
/// query, [`Error::MultipleResults`] when it has more. Like [`ReadAll`], it
/// completes without a boxed future where the driver can run the statement
/// at once.
///
/// ```no_run
/// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
/// # use quarry_core::doc_support::Product;
/// use quarry_query::ColumnExt;
/// let tulip: Option<Product> = repo
///     .one(quarry_query::from::<Product>().filter(Product::name.eq("Tulip")))
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a read does nothing unless it is awaited"]
pub struct ReadOne<'a, D: Decode> {
    all: ReadAll<'a, D>,
    table: &'static str,
}

impl<'a, D: Decode + 'a> ReadOne<'a, D> {
    /// At most one of the rows `all` reads (`table` names them in the error).
    pub fn new(all: ReadAll<'a, D>, table: &'static str) -> Self {
        ReadOne { all, table }
    }
}

impl<'a, D: Decode + 'a> Future for ReadOne<'a, D> {
    type Output = Result<Option<D::Row>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut rows = std::task::ready!(Pin::new(&mut this.all).poll(cx))?;
        Poll::Ready(match rows.len() {
            0 | 1 => Ok(rows.pop()),
            count => Err(Error::MultipleResults {
                table: this.table,
                count,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read polled after it completed says so (a typed error, not a panic
    /// or a read that never ends).
    #[test]
    fn a_read_polled_again_after_it_completed_is_an_error() {
        struct NoSchema;
        impl Decode for NoSchema {
            type Row = ();
            fn decode(&self, _: &dyn Row) -> Result<(), Error> {
                Ok(())
            }
        }
        let mut read: ReadAll<'_, NoSchema> = ReadAll(All::Failed(Error::Query(
            quarry_core::QueryError::NestedBegin,
        )));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let first = Pin::new(&mut read).poll(&mut cx);
        assert!(matches!(
            first,
            Poll::Ready(Err(Error::Query(quarry_core::QueryError::NestedBegin)))
        ));
        let again = Pin::new(&mut read).poll(&mut cx);
        assert!(matches!(
            again,
            Poll::Ready(Err(Error::Query(
                quarry_core::QueryError::PolledAfterCompletion
            )))
        ));
    }
}

//! What the Repo accepts: a [`Query`], a [`Select`], or a bare condition (whose
//! first column names the schema: `repo.get_by(Product::name.eq("Tulip"))`).

use crate::driver::{Backend, Driver};
use crate::expr::Cond;
use crate::log;
use crate::query::Query;
use crate::read::ReadAll;
pub use crate::read::{Decode, ReadFuture};
use crate::scope::{AllIn, Closed, Here, One};
use crate::select::{Projection, Select, SelectAs};
use crate::statement::Statement;
use quarry_core::{Error, Row, Schema};

/// A condition's root schema: the schema of its first column (every other
/// column must belong to the same schema).
pub trait RootOf<I> {
    /// The schema.
    type Root: Schema;
}
impl<S: Schema> RootOf<Here> for One<S> {
    type Root = S;
}
impl<A: RootOf<IA>, B: AllIn<(A::Root, ()), IB>, IA, IB> RootOf<(IA, IB)> for (A, B) {
    type Root = A::Root;
}

/// Something that is, or converts to, a query over one root schema.
pub trait IntoQuery<I>: Send {
    /// The root schema.
    type Schema: Schema;
    /// The joined sources.
    type Joins: Closed;
    /// The query.
    fn into_query(self) -> Query<Self::Schema, Self::Joins>;
}

impl<S: Schema, J: Closed> IntoQuery<()> for Query<S, J> {
    type Schema = S;
    type Joins = J;
    fn into_query(self) -> Query<S, J> {
        self
    }
}

impl<L: RootOf<I>, I> IntoQuery<(I,)> for Cond<L> {
    type Schema = L::Root;
    type Joins = ();
    fn into_query(self) -> Query<L::Root, ()> {
        Query::new().filter_unchecked(self)
    }
}

/// Decodes whole rows of `S`.
pub struct RootDecoder<S>(std::marker::PhantomData<fn() -> S>);

impl<S> RootDecoder<S> {
    /// The decoder of whole rows of `S`.
    pub fn new() -> Self {
        RootDecoder(std::marker::PhantomData)
    }
}

impl<S> Default for RootDecoder<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Schema> Decode for RootDecoder<S> {
    type Row = S;
    fn decode(&self, row: &dyn Row) -> Result<S, Error> {
        S::from_row(row, 0)
    }
}

/// Decodes a projection.
pub struct ProjectionDecoder<P>(P);

impl<P: Projection> Decode for ProjectionDecoder<P> {
    type Row = P::Output;
    fn decode(&self, row: &dyn Row) -> Result<P::Output, Error> {
        let mut at = 0;
        self.0.decode(row, &mut at)
    }
}

/// Decodes a projection into a struct.
pub struct StructDecoder<P, R>(P, std::marker::PhantomData<fn() -> R>);

impl<P: Projection, R: From<P::Output> + Send> Decode for StructDecoder<P, R> {
    type Row = R;
    fn decode(&self, row: &dyn Row) -> Result<R, Error> {
        let mut at = 0;
        self.0.decode(row, &mut at).map(R::from)
    }
}

/// What [`Fetch::fetch_each`] hands each row to.
pub type EachRow<'a, R> = dyn FnMut(R) -> Result<(), Error> + Send + 'a;

/// Something the Repo can fetch rows of: a query (rows of its schema), a select
/// (rows of its projection), a condition (rows of its schema), or a preloading
/// query (rows with their associations loaded). Preparing consumes it: nothing
/// is copied on the way to SQL.
pub trait Fetch<I>: Send {
    /// One decoded row.
    type Row: Send;
    /// What decodes the rows.
    type Decoder: Decode<Row = Self::Row>;
    /// The main table (for errors and logs).
    fn table(&self) -> &'static str;
    /// The statement for `backend` and its decoder, or a typed error if it cannot
    /// run there.
    fn prepare(self, backend: &Backend) -> Result<(Statement, Self::Decoder), Error>;

    /// Reads every row through `driver`. The default runs the prepared
    /// statement and decodes each row; a preloading query also runs its
    /// preloads.
    fn fetch_all<'a>(self, driver: &'a dyn Driver) -> ReadAll<'a, Self::Decoder>
    where
        Self: Sized + 'a,
        Self::Decoder: 'a,
    {
        // Prepared before the future is made: the query itself is never
        // moved into it, only its statement.
        ReadAll::new(driver, self.prepare(driver.backend()))
    }

    /// Hands every row to `each` as the database sends it and returns how many
    /// there were; an error from `each` stops the read. A preloading query
    /// reads its rows and their preloads first (preloads need every parent
    /// row), then hands them over one by one.
    fn fetch_each<'a>(
        self,
        driver: &'a dyn Driver,
        each: &'a mut EachRow<'a, Self::Row>,
    ) -> ReadFuture<'a, u64>
    where
        Self: Sized + 'a,
        Self::Decoder: 'a,
    {
        let prepared = self.prepare(driver.backend());
        Box::pin(async move {
            let (stmt, decoder) = prepared?;
            let mut seen = 0u64;
            log::fetch(driver, &stmt, &mut |row| {
                seen += 1;
                each(decoder.decode(row)?)
            })
            .await?;
            Ok(seen)
        })
    }
}

impl<S: Schema, J: Closed> Fetch<()> for Query<S, J> {
    type Row = S;
    type Decoder = RootDecoder<S>;
    fn table(&self) -> &'static str {
        S::TABLE
    }
    fn prepare(mut self, backend: &Backend) -> Result<(Statement, RootDecoder<S>), Error> {
        let stmt = self.fetch_statement(backend)?;
        Ok((stmt, RootDecoder(std::marker::PhantomData)))
    }
}

impl<P: Projection> Fetch<()> for Select<P> {
    type Row = P::Output;
    type Decoder = ProjectionDecoder<P>;
    fn table(&self) -> &'static str {
        self.from_table()
    }
    fn prepare(self, backend: &Backend) -> Result<(Statement, ProjectionDecoder<P>), Error> {
        let (stmt, projection) = self.fetch_statement(backend)?;
        Ok((stmt, ProjectionDecoder(projection)))
    }
}

impl<P: Projection, R: From<P::Output> + Send> Fetch<()> for SelectAs<P, R> {
    type Row = R;
    type Decoder = StructDecoder<P, R>;
    fn table(&self) -> &'static str {
        self.select.from_table()
    }
    fn prepare(self, backend: &Backend) -> Result<(Statement, StructDecoder<P, R>), Error> {
        let (stmt, projection) = self.select.fetch_statement(backend)?;
        Ok((stmt, StructDecoder(projection, std::marker::PhantomData)))
    }
}

impl<L: RootOf<I>, I> Fetch<(I,)> for Cond<L> {
    type Row = L::Root;
    type Decoder = RootDecoder<L::Root>;
    fn table(&self) -> &'static str {
        L::Root::TABLE
    }
    fn prepare(self, backend: &Backend) -> Result<(Statement, RootDecoder<L::Root>), Error> {
        let q: Query<L::Root> = Query::new().filter_unchecked(self);
        Fetch::<()>::prepare(q, backend)
    }
}

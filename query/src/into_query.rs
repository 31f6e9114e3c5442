//! What the Repo accepts: a [`Query`], a [`Select`], or a bare condition (whose
//! first column names the schema: `repo.get_by(Product::name.eq("Tulip"))`).

use crate::driver::Backend;
use crate::expr::Cond;
use crate::query::{root_columns, Query};
use crate::scope::{AllIn, Here, One};
use crate::select::{Projection, Select};
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
    type Joins;
    /// The query.
    fn into_query(self) -> Query<Self::Schema, Self::Joins>;
}

impl<S: Schema, J> IntoQuery<()> for Query<S, J> {
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

/// Something the Repo can fetch rows of: a query (rows of its schema), a select
/// (rows of its projection), or a condition (rows of its schema).
pub trait Fetch<I>: Send + Sync {
    /// One decoded row.
    type Row: Send;
    /// The statement for `backend`, or a typed error if it cannot run there.
    fn compile(&self, backend: &Backend) -> Result<Statement, Error>;
    /// Decodes one row.
    fn decode(&self, row: &dyn Row) -> Result<Self::Row, Error>;
    /// The main table (for errors and logs).
    fn table(&self) -> &'static str;
}

impl<S: Schema, J> Fetch<()> for Query<S, J> {
    type Row = S;
    fn compile(&self, backend: &Backend) -> Result<Statement, Error> {
        self.check(backend)?;
        Ok(backend
            .dialect
            .build(&self.parts.build(root_columns::<S>()), S::TABLE))
    }
    fn decode(&self, row: &dyn Row) -> Result<S, Error> {
        S::from_row(row, 0)
    }
    fn table(&self) -> &'static str {
        S::TABLE
    }
}

impl<P: Projection> Fetch<()> for Select<P> {
    type Row = P::Output;
    fn compile(&self, backend: &Backend) -> Result<Statement, Error> {
        self.check(backend)?;
        Ok(self.to_statement(backend.dialect))
    }
    fn decode(&self, row: &dyn Row) -> Result<P::Output, Error> {
        Select::decode(self, row)
    }
    fn table(&self) -> &'static str {
        self.from_table()
    }
}

impl<L: RootOf<I> + 'static, I: 'static> Fetch<(I,)> for Cond<L> {
    type Row = L::Root;
    fn compile(&self, backend: &Backend) -> Result<Statement, Error> {
        let q: Query<L::Root> = Query::new().filter_unchecked(self.clone());
        Fetch::<()>::compile(&q, backend)
    }
    fn decode(&self, row: &dyn Row) -> Result<L::Root, Error> {
        L::Root::from_row(row, 0)
    }
    fn table(&self) -> &'static str {
        L::Root::TABLE
    }
}

//! What a prepared query holds ([`Template`]: a query, a select, or a select
//! into a struct) and how its rows decode.

use crate::into_query::Decode;
use crate::ir::Parts;
use crate::query::Query;
use crate::select::{Projection, Select, SelectAs};
use quarry_core::{Error, Row, Schema};

/// A query a [`Prepared`](super::Prepared) can hold: a [`Query`], a [`Select`]
/// or a [`SelectAs`], and how its rows decode.
pub trait Template: Send + Sync {
    /// One decoded row.
    type Row: Send;
    /// Completes the query as it will run (a query without a select list
    /// selects its schema's columns).
    #[doc(hidden)]
    fn finish(&mut self) {}
    /// The query's parts.
    #[doc(hidden)]
    fn parts(&self) -> &Parts;
    /// Decodes one row.
    #[doc(hidden)]
    fn decode_row(&self, row: &dyn Row) -> Result<Self::Row, Error>;
}

impl<S: Schema, J: crate::scope::Closed> Template for Query<S, J> {
    type Row = S;
    fn finish(&mut self) {
        self.parts.root_unless_selected(S::TABLE, S::FIELDS);
    }
    fn parts(&self) -> &Parts {
        &self.parts
    }
    fn decode_row(&self, row: &dyn Row) -> Result<S, Error> {
        S::from_row(row, 0)
    }
}

impl<P: Projection> Template for Select<P> {
    type Row = P::Output;
    fn parts(&self) -> &Parts {
        self.parts_ref()
    }
    fn decode_row(&self, row: &dyn Row) -> Result<P::Output, Error> {
        let mut at = 0;
        self.projection().decode(row, &mut at)
    }
}

impl<P: Projection, R: From<P::Output> + Send> Template for SelectAs<P, R> {
    type Row = R;
    fn parts(&self) -> &Parts {
        self.select.parts_ref()
    }
    fn decode_row(&self, row: &dyn Row) -> Result<R, Error> {
        self.select.decode_row(row).map(R::from)
    }
}

/// Decodes rows of a prepared query.
pub struct TemplateDecoder<'a, T>(pub(super) &'a T);

impl<T: Template> Decode for TemplateDecoder<'_, T> {
    type Row = T::Row;
    fn decode(&self, row: &dyn Row) -> Result<T::Row, Error> {
        self.0.decode_row(row)
    }
}

//! Refining a preload: nested associations, a custom query, forcing a reload,
//! and a per-parent limit.

use super::{fetch::Options, run, Preload};
use crate::driver::Driver;
use crate::into_query::IntoQuery;
use crate::repo::BoxFuture;
use quarry_core::{AssocValue, Association, Result, Schema};

/// An association to preload with its options and the preloads nested under
/// it (`N`, a spec of the associated schema). Build one from a token with
/// [`PreloadExt`].
pub struct AssocSpec<O, V, N = ()> {
    assoc: Association<O, V>,
    nested: N,
    options: Options,
}

impl<O: Schema, V: AssocValue, N: Preload<V::Item>> AssocSpec<O, V, N> {
    /// Also preloads `nested` (associations of the associated schema) into the
    /// loaded rows: `Store::products.preload(Product::tags)`.
    pub fn preload<M: Preload<V::Item>>(self, nested: M) -> AssocSpec<O, V, (N, M)> {
        AssocSpec {
            assoc: self.assoc,
            nested: (self.nested, nested),
            options: self.options,
        }
    }

    /// Loads only the rows `query` selects, in its order when it has one
    /// (Ecto's preload query). A limit or offset in it is refused when the
    /// preload runs (it would apply to all parents together): use
    /// [`AssocSpec::limit_per_parent`].
    pub fn query<Q: IntoQuery<I, Schema = V::Item>, I>(mut self, query: Q) -> Self {
        self.options.query = Some(query.into_query().parts);
        self
    }

    /// Fetches the association again even where it is already loaded.
    pub fn force(mut self) -> Self {
        self.options.force = true;
        self
    }

    /// At most `n` associated rows per parent, the first in the preload
    /// query's order (the newest 3 products of each store:
    /// `.query(Product::query().order_by(Product::id.desc())).limit_per_parent(3)`).
    /// Uses ROW_NUMBER() where the database has window functions, otherwise
    /// drops the extra rows as they are read.
    pub fn limit_per_parent(mut self, n: u64) -> Self {
        self.options.per_parent = Some(n);
        self
    }
}

impl<O: Schema, V: AssocValue, N: Preload<V::Item>> Preload<O> for AssocSpec<O, V, N> {
    fn preload<'a>(
        &'a self,
        driver: &'a dyn Driver,
        parents: &'a mut [O],
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(run::run(
            driver,
            self.assoc,
            &self.options,
            &self.nested,
            parents,
        ))
    }
}

/// Builds preload specs from association tokens (in `quarry::prelude`).
pub trait PreloadExt<O, V: AssocValue>: Sized {
    /// The association with `nested` preloaded into its rows.
    fn preload<M: Preload<V::Item>>(self, nested: M) -> AssocSpec<O, V, ((), M)>;
    /// The association loaded with only the rows `query` selects.
    fn query<Q: IntoQuery<I, Schema = V::Item>, I>(self, query: Q) -> AssocSpec<O, V>;
    /// The association fetched even where it is already loaded.
    fn force(self) -> AssocSpec<O, V>;
    /// At most `n` rows per parent (see [`AssocSpec::limit_per_parent`]).
    fn limit_per_parent(self, n: u64) -> AssocSpec<O, V>;
}

impl<O: Schema, V: AssocValue> PreloadExt<O, V> for Association<O, V> {
    fn preload<M: Preload<V::Item>>(self, nested: M) -> AssocSpec<O, V, ((), M)> {
        spec(self).preload(nested)
    }
    fn query<Q: IntoQuery<I, Schema = V::Item>, I>(self, query: Q) -> AssocSpec<O, V> {
        spec(self).query(query)
    }
    fn force(self) -> AssocSpec<O, V> {
        spec(self).force()
    }
    fn limit_per_parent(self, n: u64) -> AssocSpec<O, V> {
        spec(self).limit_per_parent(n)
    }
}

fn spec<O, V>(assoc: Association<O, V>) -> AssocSpec<O, V> {
    AssocSpec {
        assoc,
        nested: (),
        options: Options::default(),
    }
}

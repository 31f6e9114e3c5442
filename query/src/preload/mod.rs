//! Preloading associations (Ecto's `Repo.preload` and `preload:` in queries),
//! written once for every database.
//!
//! A preload spec names associations of a schema: a token (`Store::products`),
//! a token refined with [`PreloadExt`] (`Store::products.preload(Product::tags)`,
//! `.query(q)`, `.force()`, `.limit_per_parent(n)`), or a tuple of specs for
//! several associations at one level. Each association costs one query per
//! level whatever the number of parents (more only when the key list must be
//! split under the database's bind-parameter limit).
//!
//! Rules (Ecto's): keys are deduplicated and NULL keys skipped (no query when
//! all are NULL); parents keep their order; each parent's has_many rows come
//! in the association's `preload_order`, unless the preload query orders them
//! (Ecto also sorts the whole fetch on the foreign key, only to split it in one
//! pass; quarry groups by hashing, so the database is spared that sort and each
//! parent's rows are the same); no rows gives an empty Vec or `None`; an association
//! already loaded is not fetched again (its nested preloads still run) unless
//! forced.

mod fetch;
mod join;
pub(crate) mod key;
mod query;
mod run;
mod spec;

pub use query::Preloaded;
pub use spec::{AssocSpec, PreloadExt};

pub(crate) use fetch::Options;

use crate::driver::Driver;
use crate::repo::BoxFuture;
use quarry_core::{AssocValue, Association, Result, Schema};

/// Something that preloads associations of `S` into a slice of parents:
/// an association token of `S`, an [`AssocSpec`], `()`, a tuple or a Vec of
/// specs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot preload into `{S}`",
    label = "not an association of `{S}`",
    note = "preload takes association tokens of `{S}` (`{S}::<association field>`), specs built from them (`.preload(..)`, `.query(..)`, `.force()`), or tuples of those"
)]
pub trait Preload<S>: Send + Sync {
    /// Loads the associations into every parent of `parents`.
    fn preload<'a>(
        &'a self,
        driver: &'a dyn Driver,
        parents: &'a mut [S],
    ) -> BoxFuture<'a, Result<()>>;
}

impl<S: Send> Preload<S> for () {
    fn preload<'a>(&'a self, _: &'a dyn Driver, _: &'a mut [S]) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

impl<O: Schema, V: AssocValue> Preload<O> for Association<O, V> {
    fn preload<'a>(
        &'a self,
        driver: &'a dyn Driver,
        parents: &'a mut [O],
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { run::run(driver, *self, &Options::default(), &(), parents).await })
    }
}

impl<S: Send, P: Preload<S>> Preload<S> for Vec<P> {
    fn preload<'a>(
        &'a self,
        driver: &'a dyn Driver,
        parents: &'a mut [S],
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            for p in self {
                p.preload(driver, parents).await?;
            }
            Ok(())
        })
    }
}

impl<S: Send, P: Preload<S> + ?Sized> Preload<S> for Box<P> {
    fn preload<'a>(
        &'a self,
        driver: &'a dyn Driver,
        parents: &'a mut [S],
    ) -> BoxFuture<'a, Result<()>> {
        (**self).preload(driver, parents)
    }
}

macro_rules! tuple_preload {
    ($($name:ident),+) => {
        impl<S: Send, $($name: Preload<S>),+> Preload<S> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn preload<'a>(
                &'a self,
                driver: &'a dyn Driver,
                parents: &'a mut [S],
            ) -> BoxFuture<'a, Result<()>> {
                Box::pin(async move {
                    let ($($name,)+) = self;
                    $($name.preload(driver, parents).await?;)+
                    Ok(())
                })
            }
        }
    };
}
tuple_preload!(A);
tuple_preload!(A, B);
tuple_preload!(A, B, C);
tuple_preload!(A, B, C, D);
tuple_preload!(A, B, C, D, E);
tuple_preload!(A, B, C, D, E, F);
tuple_preload!(A, B, C, D, E, F, G);
tuple_preload!(A, B, C, D, E, F, G, H);

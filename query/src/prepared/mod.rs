//! Prepared queries: a query built once with typed arguments ([`Param`]), its
//! SQL written once per dialect, then run again and again with new arguments.
//!
//! Every query already goes through the SQL cache (a repeated shape skips SQL
//! writing), but it is still built, hashed and compared each time. A
//! [`Prepared`] query is built once: running it only binds the arguments
//! beside the values fixed when it was built, so a hot query costs little more
//! than the values it sends.
//!
//! ```
//! use quarry_query::{from, ColumnExt, Dialect, Param, Prepared, TextExt};
//! # use quarry_core::doc_support::Product;
//! let cheap_named = Prepared::new(|(pattern, max): (Param<String>, Param<f64>)| {
//!     from::<Product>()
//!         .filter(Product::name.like(pattern))
//!         .filter(Product::price.lt(max))
//!         .order_by(Product::price.asc())
//!         .limit(10)
//! });
//! let stmt = cheap_named
//!     .bind(("%lamp%".to_string(), 20.0))
//!     .to_statement(Dialect::Postgres)
//!     .unwrap();
//! assert_eq!(
//!     &*stmt.sql,
//!     r#"SELECT "products"."id", "products"."name", "products"."price", "products"."description" FROM "products" WHERE "products"."name" LIKE $1 ESCAPE E'\\' AND "products"."price" < $2 ORDER BY "products"."price" ASC LIMIT $3"#
//! );
//! assert_eq!(stmt.values.len(), 3);
//! let stmt = cheap_named
//!     .bind(("%desk%".to_string(), 200.0))
//!     .to_statement(Dialect::MySql)
//!     .unwrap();
//! assert_eq!(
//!     &*stmt.sql,
//!     r"SELECT `products`.`id`, `products`.`name`, `products`.`price`, `products`.`description` FROM `products` WHERE `products`.`name` LIKE ? ESCAPE '\\' AND `products`.`price` < ? ORDER BY `products`.`price` ASC LIMIT ?"
//! );
//! let stmt = cheap_named
//!     .bind(("%desk%".to_string(), 200.0))
//!     .to_statement(Dialect::Sqlite)
//!     .unwrap();
//! assert_eq!(
//!     &*stmt.sql,
//!     r#"SELECT "products"."id", "products"."name", "products"."price", "products"."description" FROM "products" WHERE "products"."name" LIKE ? ESCAPE '\' AND "products"."price" < ? ORDER BY "products"."price" ASC LIMIT ?"#
//! );
//! ```
//!
//! A `Param<T>` compares with a column of type `T` or `Option<T>`, like a
//! value of `T` would; a `Param<Option<T>>` compares with nothing (an argument
//! that may be NULL would need `IS NULL`, which SQL text fixed in advance
//! cannot switch to), so it does not compile.
//!
//! A [`ListParam<T>`] is a list argument for `IN`
//! ([`ColumnExt::in_param`](crate::ColumnExt::in_param)): one array on
//! Postgres, so one SQL text whatever the length; elsewhere the SQL of each
//! length is written once.
//!
//! ```
//! use quarry_query::{from, ColumnExt, Dialect, ListParam, Prepared};
//! # use quarry_core::doc_support::Product;
//! let by_ids = Prepared::new(|(ids,): (ListParam<i64>,)| {
//!     from::<Product>().filter(Product::id.in_param(ids))
//! });
//! let pg = by_ids.bind((vec![3, 5, 8],)).to_statement(Dialect::Postgres).unwrap();
//! assert!(pg.sql.ends_with(r#"WHERE "products"."id" = ANY($1)"#));
//! let lite = by_ids.bind((vec![3, 5],)).to_statement(Dialect::Sqlite).unwrap();
//! assert!(lite.sql.ends_with(r#"WHERE "products"."id" IN (?, ?)"#));
//! assert_eq!(lite.values.len(), 2);
//! ```

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::into_query::Fetch;
use crate::ir::ArgValue;
use crate::statement::Statement;
use quarry_core::Error;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, OnceLock};

mod params;
mod plan;
mod template;

pub use params::{ListItem, ListParam, Param, ParamList, ParamSlot};
use plan::Plan;
pub use template::{Template, TemplateDecoder};

/// Plans by dialect and list lengths (by argument number).
type ByLengths = HashMap<(Dialect, Option<crate::ir::Prefix>, Vec<u32>), Arc<Plan>>;

/// Plans kept per prepared query for list lengths (outside Postgres); past
/// it they start over.
const MAX_LENGTH_PLANS: usize = 256;

/// A query built once with typed arguments, whose SQL is written once per
/// dialect (see the [module docs](self)). Run it with
/// `repo.all(prepared.bind(args))`, `repo.one(..)` and every other read that
/// takes a query.
///
/// `P` is the tuple of parameters the query is built with, such as
/// `(Param<String>, ListParam<i64>)`; [`bind`](Prepared::bind) takes the
/// matching arguments, `(String, Vec<i64>)`.
pub struct Prepared<T, P> {
    template: T,
    /// Whether the query tests a list argument (its SQL outside Postgres then
    /// depends on the lists' lengths).
    has_lists: bool,
    /// Whether the query names a prefix (its own or a schema's).
    prefixed: bool,
    /// The plan of the first dialect it ran on whose SQL does not depend on
    /// list lengths (a program talks to one database): read without a lock.
    first: OnceLock<(Dialect, Plan)>,
    by_lengths: Mutex<ByLengths>,
    _params: PhantomData<fn() -> P>,
}

impl<T: Template, P: ParamList> Prepared<T, P> {
    /// Builds the query once: `build` receives one parameter per argument and
    /// uses them where the values will go (the closure's parameter type, such
    /// as `(Param<String>, Param<i64>)`, gives the arguments' types).
    pub fn new(build: impl FnOnce(P) -> T) -> Self {
        let mut template = build(P::numbered());
        template.finish();
        let has_lists = template.parts().has_list_params();
        let prefixed = names_prefix(template.parts());
        Prepared {
            template,
            has_lists,
            prefixed,
            first: OnceLock::new(),
            by_lengths: Mutex::new(HashMap::new()),
            _params: PhantomData,
        }
    }

    /// The query with these arguments, ready to run.
    pub fn bind(&self, args: P::Args) -> Bound<'_, T, P> {
        Bound {
            prepared: self,
            args,
        }
    }

    /// The statement for `dialect` with `args`.
    /// A repo's `default` prefix gets plans of its own (the SQL names it).
    fn statement(
        &self,
        dialect: Dialect,
        default: Option<crate::ir::Prefix>,
        args: Vec<ArgValue>,
    ) -> Result<Statement, Error> {
        let parts = self.template.parts();
        let by_length = self.has_lists && !dialect.binds_arrays();
        if !by_length && default.is_none() {
            let (d, plan) = self.first.get_or_init(|| {
                (
                    dialect,
                    Plan::new(parts, dialect, None, P::COUNT, Vec::new()),
                )
            });
            if *d == dialect {
                return plan.statement(parts, dialect, None, args);
            }
        }
        let lengths: Vec<u32> = if by_length {
            args.iter()
                .map(|a| match a {
                    ArgValue::List(items, _) => u32::try_from(items.len()).unwrap_or(u32::MAX),
                    ArgValue::One(_) => 0,
                })
                .collect()
        } else {
            Vec::new()
        };
        let key = (dialect, default, lengths);
        let found = self.lengths().get(&key).cloned();
        let plan = match found {
            Some(plan) => plan,
            None => {
                let plan = Arc::new(Plan::new(parts, dialect, default, P::COUNT, key.2.clone()));
                let mut plans = self.lengths();
                if plans.len() >= MAX_LENGTH_PLANS {
                    plans.clear();
                }
                plans.insert(key, plan.clone());
                plan
            }
        };
        plan.statement(parts, dialect, default, args)
    }

    fn lengths(&self) -> std::sync::MutexGuard<'_, ByLengths> {
        match self.by_lengths.lock() {
            Ok(g) => g,
            // A panic elsewhere cannot leave a half-written plan in the map.
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl<T: std::fmt::Debug, P> std::fmt::Debug for Prepared<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

/// A [`Prepared`] query with its arguments: what the Repo runs.
pub struct Bound<'a, T, P: ParamList> {
    prepared: &'a Prepared<T, P>,
    args: P::Args,
}

impl<T: Template, P: ParamList> Bound<'_, T, P> {
    /// The statement for `dialect`: the SQL written when the query first ran
    /// there, the values fixed at build time and the arguments in placeholder
    /// order.
    pub fn to_statement(self, dialect: Dialect) -> Result<Statement, Error> {
        let mut args = Vec::with_capacity(P::COUNT);
        P::values(self.args, &mut args);
        self.prepared.statement(dialect, None, args)
    }
}

impl<'a, T: Template, P: ParamList> Fetch<()> for Bound<'a, T, P> {
    type Row = T::Row;
    type Decoder = TemplateDecoder<'a, T>;
    fn table(&self) -> &'static str {
        self.prepared.template.parts().from
    }
    fn prepare(self, backend: &Backend) -> Result<(Statement, Self::Decoder), Error> {
        let template = &self.prepared.template;
        let mut args = Vec::with_capacity(P::COUNT);
        P::values(self.args, &mut args);
        let default = backend.default_prefix;
        let stmt = self.prepared.statement(backend.dialect, default, args)?;
        if default.is_some() || self.prepared.prefixed {
            crate::prefix::supported(backend)?;
        }
        template.parts().check_backend(backend)?;
        Ok((stmt, TemplateDecoder(template)))
    }
}

/// True when the query (or a subquery) names a prefix of its own or of a
/// schema (resolved or not).
fn names_prefix(parts: &crate::ir::Parts) -> bool {
    let mut p = parts.clone();
    p.resolve_prefixes(None, None).is_err() || p.has_prefix()
}

#[cfg(test)]
mod tests;

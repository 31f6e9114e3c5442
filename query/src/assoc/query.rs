//! Queries over associations: `assoc(&store, Store::products)` (Ecto's
//! `assoc/2`) and joining an association (`query.join_assoc(Product::store)`).

use crate::assoc_path::{in_list, Plan};
use crate::expr::Cond;
use crate::query::{JoinKind, Query};
use crate::scope::{AllIn, LeftJoined, One};
use crate::source::{Alias, Source, TableRef};
use quarry_core::{AssocKind, AssocValue, Association, Schema, Value};

/// The parents an [`assoc`] query starts from: one struct, a slice or a Vec.
pub trait Parents<O> {
    /// The distinct non-NULL values of field `index`, in order.
    fn keys(&self, index: usize) -> Vec<Value>;
}

fn distinct<'a, O: Schema + 'a>(
    parents: impl IntoIterator<Item = &'a O>,
    index: usize,
) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for p in parents {
        if let Some(v) = p.get_value(index) {
            if !v.is_null() && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

impl<O: Schema> Parents<O> for &O {
    fn keys(&self, index: usize) -> Vec<Value> {
        distinct(std::iter::once(*self), index)
    }
}
impl<O: Schema> Parents<O> for &[O] {
    fn keys(&self, index: usize) -> Vec<Value> {
        distinct(self.iter(), index)
    }
}
impl<O: Schema> Parents<O> for &Vec<O> {
    fn keys(&self, index: usize) -> Vec<Value> {
        distinct(self.iter(), index)
    }
}
impl<O: Schema, const N: usize> Parents<O> for &[O; N] {
    fn keys(&self, index: usize) -> Vec<Value> {
        distinct(self.iter(), index)
    }
}

/// The query of the rows `assoc` links to `parents` (Ecto's `assoc/2`): refine
/// it like any query, then run it.
///
/// ```ignore
/// let products = repo.all(quarry::assoc(&store, Store::products).filter(Product::price.lt(10.0))).await?;
/// ```
///
/// Parents whose key is NULL contribute nothing (no parents: no rows). Rows
/// reached through other associations are returned once each (DISTINCT).
pub fn assoc<O: Schema, V: AssocValue>(
    parents: impl Parents<O>,
    assoc: Association<O, V>,
) -> Query<V::Item> {
    let def = assoc.def();
    let plan = Plan::of(&def, <V::Item as Schema>::TABLE, &mut 0);
    let mut q = Query::<V::Item>::new();
    q.parts.joins.extend(plan.join_parts_from_related());
    q.parts
        .and_where(in_list(plan.matcher, parents.keys(def.owner_key())));
    if matches!(def.kind, AssocKind::Through { .. }) {
        q.parts.distinct = true;
    }
    q
}

impl<S: Schema, J> Query<S, J> {
    /// INNER JOIN the rows of `assoc` (an association of `S` or of a source
    /// already joined): `Product::query().join_assoc(Product::store)` joins
    /// `stores` on `products.store_id = stores.id`; many-to-many and through
    /// associations join their join or intermediate tables too. The
    /// associated schema's columns are then in scope.
    pub fn join_assoc<O: Schema, V: AssocValue, I>(
        self,
        assoc: Association<O, V>,
    ) -> Query<S, (V::Item, J)>
    where
        (One<O>, One<V::Item>): AllIn<(S, (V::Item, J)), I>,
    {
        self.assoc_join(JoinKind::Inner, assoc)
    }

    /// LEFT JOIN the rows of `assoc`: parents without associated rows stay,
    /// with NULLs (a join preload then gives them an empty Vec or `None`;
    /// its columns are selected as `Option`s, as after
    /// [`Query::left_join`]).
    pub fn left_join_assoc<O: Schema, V: AssocValue, I>(
        self,
        assoc: Association<O, V>,
    ) -> Query<S, (LeftJoined<V::Item>, J)>
    where
        (One<O>, One<V::Item>): AllIn<(S, (LeftJoined<V::Item>, J)), I>,
    {
        self.assoc_join(JoinKind::Left, assoc)
    }

    /// The joins of `assoc` (its ON checked by the caller), as a query with
    /// the joins `K`.
    fn assoc_join<O: Schema, V: AssocValue, K>(
        self,
        kind: JoinKind,
        assoc: Association<O, V>,
    ) -> Query<S, K> {
        let def = assoc.def();
        let mut next = self.parts.joins.len();
        let plan = Plan::of(&def, <V::Item as Schema>::TABLE, &mut next);
        let owner_key = (
            O::TABLE,
            def.owner_key_def().map(|f| f.column).unwrap_or("id"),
        );
        let mut joins = plan.joins_from_owner(kind, owner_key);
        let on = joins.pop().map(|j| j.on).unwrap_or_default();
        let on: Cond<(One<O>, One<V::Item>)> = Cond::new(on);
        let mut q = self.join_kind::<TableRef<V::Item>, _, K>(kind, on);
        let at = q.parts.joins.len().saturating_sub(1);
        q.parts.joins.splice(at..at, joins);
        q
    }
}

/// The joins after `J` of a LEFT JOIN of `R` under an alias.
type LeftAliased<R, const N: u8, J> = (LeftJoined<Alias<R, N>>, J);

/// The ON condition of an association joined under an alias.
type AliasOn<O, R, const N: u8> = Cond<(One<O>, One<Alias<R, N>>)>;

impl<S: Schema, J> Query<S, J> {
    /// INNER JOIN the rows of `assoc` under `alias`, so two associations that
    /// reach the same table (or one that reaches the query's own table) can be
    /// joined in one query; the alias's columns (`ALIAS.col(..)`) are then in
    /// scope.
    ///
    /// ```ignore
    /// // Products sold in the same store as a product named "Apple".
    /// const SIBLING: Alias<Product, 1> = Alias::new();
    /// let q = Product::query()
    ///     .join_assoc(Product::store)
    ///     .join_assoc_as(Store::products, SIBLING)
    ///     .filter(SIBLING.col(Product::name).eq("Apple"));
    /// // ... INNER JOIN "stores" ON "products"."store_id" = "stores"."id"
    /// //     INNER JOIN "products" AS "products_1" ON "stores"."id" = "products_1"."store_id" ...
    /// ```
    pub fn join_assoc_as<O: Schema, V: AssocValue, const N: u8, I>(
        self,
        assoc: Association<O, V>,
        alias: Alias<V::Item, N>,
    ) -> Query<S, (Alias<V::Item, N>, J)>
    where
        (One<O>, One<Alias<V::Item, N>>): AllIn<(S, (Alias<V::Item, N>, J)), I>,
    {
        self.assoc_join_as(JoinKind::Inner, assoc, alias)
    }

    /// LEFT JOIN the rows of `assoc` under `alias` (see
    /// [`Query::join_assoc_as`]).
    pub fn left_join_assoc_as<O: Schema, V: AssocValue, const N: u8, I>(
        self,
        assoc: Association<O, V>,
        alias: Alias<V::Item, N>,
    ) -> Query<S, LeftAliased<V::Item, N, J>>
    where
        (One<O>, One<Alias<V::Item, N>>): AllIn<(S, (LeftJoined<Alias<V::Item, N>>, J)), I>,
    {
        self.assoc_join_as(JoinKind::Left, assoc, alias)
    }

    /// The joins of `assoc` under `alias` (its ON checked by the caller), as
    /// a query with the joins `K`.
    fn assoc_join_as<O: Schema, V: AssocValue, const N: u8, K>(
        self,
        kind: JoinKind,
        assoc: Association<O, V>,
        alias: Alias<V::Item, N>,
    ) -> Query<S, K> {
        let def = assoc.def();
        let mut next = self.parts.joins.len();
        let plan = Plan::of(&def, <Alias<V::Item, N> as Source>::name(), &mut next);
        let owner_key = (
            O::TABLE,
            def.owner_key_def().map(|f| f.column).unwrap_or("id"),
        );
        let mut joins = plan.joins_from_owner(kind, owner_key);
        let on = joins.pop().map(|j| j.on).unwrap_or_default();
        let on: AliasOn<O, V::Item, N> = Cond::new(on);
        let _ = alias;
        let mut q = self.join_kind::<Alias<V::Item, N>, _, K>(kind, on);
        let at = q.parts.joins.len().saturating_sub(1);
        q.parts.joins.splice(at..at, joins);
        q
    }
}

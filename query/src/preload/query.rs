//! [`Preloaded`]: a query whose rows come back with associations loaded —
//! by separate queries (`query.preload(spec)`) and/or from joined columns
//! (`query.preload_join(assoc)`).

use super::join::{Fill, JoinPreload, RowId};
use super::key::{Key, KeyMap, KeyState};
use super::Preload;
use crate::driver::Backend;
use crate::driver::Driver;
use crate::into_query::{EachRow, Fetch, ReadFuture, RootDecoder};
use crate::ir::Rpn;
use crate::log;
use crate::query::{root_columns, Query};
use crate::read::ReadAll;
use crate::scope::Has;
use crate::statement::Statement;
use quarry_core::{AssocValue, Association, Error, QueryError, Result, Schema, Value};
use std::collections::HashSet;

/// A query of `S` (with joins `J`) whose rows are returned with associations
/// loaded: `P` preloads by separate queries, and any join preloads fill
/// associations from the query's own joined columns. Run it with any read of
/// the Repo: `repo.all(..)`, `repo.one(..)`, `repo.get_by(..)`,
/// `repo.must_get_by(..)`, `repo.stream_each(..)`.
pub struct Preloaded<S, J, P> {
    query: Query<S, J>,
    spec: P,
    joins: Vec<Box<dyn JoinPreload<S>>>,
}

impl<S: Schema, J> Query<S, J> {
    /// The rows of this query with `spec` preloaded (Ecto's `preload:` in a
    /// query): one more query per association per level.
    ///
    /// ```ignore
    /// let stores = repo.all(Store::query().preload((Store::user, Store::products))).await?;
    /// ```
    pub fn preload<P: Preload<S>>(self, spec: P) -> Preloaded<S, J, P> {
        Preloaded {
            query: self,
            spec,
            joins: Vec::new(),
        }
    }

    /// The rows of this query with `assoc` filled from the query's own join of
    /// the associated table (join it first with `join_assoc` or
    /// `left_join_assoc`): one statement; duplicate parent rows collapse; a
    /// LEFT JOIN without a match gives an empty Vec or `None`.
    pub fn preload_join<V: AssocValue, I>(self, assoc: Association<S, V>) -> Preloaded<S, J, ()>
    where
        (S, J): Has<V::Item, I>,
    {
        self.preload(()).preload_join(assoc)
    }
}

impl<S: Schema, J, P: Preload<S>> Preloaded<S, J, P> {
    /// Also preloads `more` (by separate queries).
    pub fn preload<M: Preload<S>>(self, more: M) -> Preloaded<S, J, (P, M)> {
        Preloaded {
            query: self.query,
            spec: (self.spec, more),
            joins: self.joins,
        }
    }

    /// Also fills `assoc` from the query's join of its table.
    pub fn preload_join<V: AssocValue, I>(mut self, assoc: Association<S, V>) -> Self
    where
        (S, J): Has<V::Item, I>,
    {
        self.joins.push(Box::new(Fill(assoc)));
        self
    }

    /// Runs the query and the preloads.
    pub(crate) async fn load(self, driver: &dyn Driver) -> Result<Vec<S>>
    where
        J: crate::scope::Closed,
    {
        let Preloaded { query, spec, joins } = self;
        // A query's own prefix is its preloads' default (Ecto's): their
        // tables are read from it unless their schema names another.
        let asked = match &query.parts.prefix {
            Some(asked) => Some(asked.get()?),
            None => None,
        };
        let mut rows = if joins.is_empty() {
            query.fetch_all(driver).await?
        } else {
            joined(driver, query, &joins).await?
        };
        match asked {
            Some(p) => {
                let prefixed = crate::prefix::PrefixedDriver::new(driver, p);
                spec.preload(&prefixed, &mut rows).await?;
            }
            None => spec.preload(driver, &mut rows).await?,
        }
        Ok(rows)
    }
}

impl<S: Schema, J: crate::scope::Closed + Send + 'static, P: Preload<S> + 'static> Fetch<()>
    for Preloaded<S, J, P>
{
    type Row = S;
    type Decoder = RootDecoder<S>;
    fn table(&self) -> &'static str {
        S::TABLE
    }
    /// The statement of the parent rows (with the join preloads' columns when
    /// there are any); the preloads' own queries run after it.
    fn prepare(self, backend: &Backend) -> Result<(Statement, RootDecoder<S>)> {
        if self.joins.is_empty() {
            return Fetch::<()>::prepare(self.query, backend);
        }
        let (stmt, _) = joined_statement(backend, self.query, &self.joins)?;
        Ok((stmt, RootDecoder::new()))
    }
    fn fetch_all<'a>(self, driver: &'a dyn Driver) -> ReadAll<'a, RootDecoder<S>>
    where
        Self: 'a,
    {
        ReadAll::boxed(self.load(driver))
    }
    fn fetch_each<'a>(
        self,
        driver: &'a dyn Driver,
        each: &'a mut EachRow<'a, S>,
    ) -> ReadFuture<'a, u64>
    where
        Self: 'a,
    {
        Box::pin(async move {
            let rows = self.load(driver).await?;
            let mut seen = 0u64;
            for row in rows {
                seen += 1;
                each(row)?;
            }
            Ok(seen)
        })
    }
}

/// Reads parents and their joined associated rows in one statement.
async fn joined<S: Schema, J>(
    driver: &dyn Driver,
    query: Query<S, J>,
    joins: &[Box<dyn JoinPreload<S>>],
) -> Result<Vec<S>> {
    let (stmt, pk) = joined_statement(driver.backend(), query, joins)?;
    let width = S::persisted_count();
    let mut index: KeyMap<usize> = KeyMap::with_hasher(KeyState::new());
    let mut out: Vec<S> = Vec::new();
    let mut seen: Vec<Vec<HashSet<RowId>>> = Vec::new();
    log::fetch(driver, &stmt, &mut |row| {
        let parent = S::from_row(row, 0)?;
        let key = Key::of(
            &parent
                .get_value(pk)
                .unwrap_or(Value::Null(quarry_core::schema::field_def::<S>(pk).ty)),
        );
        let at = match key.as_ref().and_then(|k| index.get(k)) {
            Some(i) => *i,
            None => {
                let mut parent = parent;
                for j in joins {
                    j.start(&mut parent);
                }
                out.push(parent);
                seen.push(joins.iter().map(|_| HashSet::new()).collect());
                if let Some(k) = key {
                    index.insert(k, out.len() - 1);
                }
                out.len() - 1
            }
        };
        let mut column = width;
        let (Some(parent), Some(seen)) = (out.get_mut(at), seen.get_mut(at)) else {
            return Err(Error::Query(QueryError::Internal(
                "a join preload lost track of a parent row",
            )));
        };
        for (j, seen) in joins.iter().zip(seen.iter_mut()) {
            j.add(row, column, parent, seen)?;
            column += j.width();
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

/// The statement of a join preload: the parent's columns, then each joined
/// association's; and the position of the parent's primary key.
fn joined_statement<S: Schema, J>(
    backend: &Backend,
    query: Query<S, J>,
    joins: &[Box<dyn JoinPreload<S>>],
) -> Result<(Statement, usize)> {
    let mut query = query;
    query.target(backend)?;
    let pk = match S::primary_key().as_slice() {
        [i] => *i,
        _ => {
            return Err(Error::Query(QueryError::NotOneKey {
                operation: "a join preload",
                schema: S::NAME,
                count: S::primary_key().len(),
            }))
        }
    };
    let mut columns = root_columns::<S>();
    for j in joins {
        columns.extend(j.columns());
    }
    let mut parts = query.parts;
    parts.root = None;
    parts.select = Rpn::default();
    let stmt = backend
        .dialect
        .build(&parts.to_select_with(backend.dialect, columns)?, S::TABLE);
    Ok((stmt, pk))
}

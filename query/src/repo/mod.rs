//! The one Repo trait. Adapters implement [`Repo::driver`]; every operation below is
//! written once, here, for all databases.

mod aggregate;
mod retry;
mod timeout;
mod transaction;
mod updates;

pub use aggregate::Aggregate;
pub use retry::{Retry, Retryable};
pub use timeout::Timed;
pub use transaction::Transaction;
pub use updates::Updates;

use crate::driver::{Driver, ExecResult};
use crate::into_query::{Fetch, IntoQuery};
use crate::log;
use crate::query::Query;
use crate::statement::Statement;
use crate::write;
use async_trait::async_trait;
use quarry_core::{
    Action, Changeset, ConstraintKind, Error, FieldRole, FieldValue, QueryError, Result, Schema,
    State, Value, ValueRow,
};
use sea_query::{Expr, ExprTrait};
use std::future::Future;
use std::pin::Pin;

/// A boxed future, as [`Repo::transaction`] closures return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Maps a failed write: a constraint violation becomes the changeset's declared
/// error or [`Error::Constraint`]; anything else passes through.
async fn map_write_error<S: Schema>(
    driver: &dyn Driver,
    cs: Changeset<S>,
    err: Error,
    written: &[(usize, Value)],
) -> Error {
    let Some(v) = err.constraint_violation() else {
        return err;
    };
    let mut v = v.clone();
    if v.kind == ConstraintKind::ForeignKey && v.name.is_none() && !written.is_empty() {
        let cols: Vec<(&str, Value)> = written
            .iter()
            .map(|(i, val)| (quarry_core::schema::field_def::<S>(*i).column, val.clone()))
            .collect();
        if let Ok(Some(name)) = driver.resolve_foreign_key(S::TABLE, &cols).await {
            v.name = Some(name);
        }
    }
    cs.constraint_error(&v)
}

/// Reads all rows of `stmt` as `S`.
async fn fetch_all<S: Schema>(driver: &dyn Driver, stmt: &Statement) -> Result<Vec<S>> {
    let mut out = Vec::new();
    log::fetch(driver, stmt, &mut |row| {
        out.push(S::from_row(row, 0)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// The rows of an `insert_all`, ready to be sent: runs of rows that write the
/// same columns (a column a row leaves out keeps its database default), each
/// sent in as many statements as the parameter limit needs.
struct InsertPlan {
    runs: Vec<(Vec<usize>, write::Rows)>,
    max_params: usize,
}

impl InsertPlan {
    fn new<S: Schema, C: Into<Changeset<S>>>(
        backend: &crate::Backend,
        rows: Vec<C>,
    ) -> Result<Self> {
        let runs = write::insert_rows_values(rows, quarry_core::timestamp::now())?;
        Ok(InsertPlan {
            runs,
            max_params: backend.capabilities.max_params,
        })
    }

    /// Rows per statement for `columns` columns.
    fn per_statement(&self, columns: usize) -> usize {
        (self.max_params / columns.max(1)).max(1)
    }

    fn is_empty(&self) -> bool {
        self.runs.iter().all(|(_, rows)| rows.is_empty())
    }

    /// More than one statement: they must run in one transaction.
    fn needs_transaction(&self) -> bool {
        match self.runs.as_slice() {
            [] => false,
            [(columns, rows)] => rows.len() > self.per_statement(columns.len()),
            _ => true,
        }
    }

    async fn run<S: Schema>(self, driver: &dyn Driver, returning: bool) -> Result<(u64, Vec<S>)> {
        let dialect = driver.backend().dialect;
        let mut count = 0u64;
        let mut stored = Vec::new();
        let max_params = self.max_params;
        for (columns, mut rest) in self.runs {
            let per_statement = (max_params / columns.len().max(1)).max(1);
            while !rest.is_empty() {
                let tail = rest.split_off(per_statement);
                let chunk = std::mem::replace(&mut rest, tail);
                let stmt = write::insert_many::<S>(dialect, &columns, chunk, returning);
                if returning {
                    let rows: Vec<S> = fetch_all(driver, &stmt).await?;
                    count += rows.len() as u64;
                    stored.extend(rows);
                } else {
                    count += log::execute(driver, &stmt).await?.rows_affected;
                }
            }
        }
        Ok((count, stored))
    }
}

/// The multi-row INSERT shared by `insert_all` and `insert_all_returning`: rows
/// that need more than one statement are inserted in one transaction (a
/// savepoint inside one), so a failing statement leaves none of them.
async fn insert_rows<R, S, C>(repo: &R, rows: Vec<C>, returning: bool) -> Result<(u64, Vec<S>)>
where
    R: Repo + ?Sized,
    S: Schema,
    C: Into<Changeset<S>> + Send,
{
    let plan = InsertPlan::new::<S, C>(repo.driver().backend(), rows)?;
    if plan.is_empty() {
        return Ok((0, Vec::new()));
    }
    if !plan.needs_transaction() {
        return plan.run(repo.driver(), returning).await;
    }
    let tx = repo.begin().await?;
    let out = plan.run(tx.driver(), returning).await?;
    tx.commit().await?;
    Ok(out)
}

/// Copies virtual fields (which never reach the database) from `from` to `to`.
fn keep_virtual<S: Schema>(from: &S, to: &mut S) {
    for (i, f) in S::FIELDS.iter().enumerate() {
        if f.role == FieldRole::Virtual {
            if let Some(v) = from.get_value(i) {
                let _ = to.set_value(i, v);
            }
        }
    }
}

/// The repository: all database access goes through it.
///
/// Implemented by each adapter's pool handle and by [`Transaction`], so the same
/// code runs inside and outside a transaction.
#[async_trait]
pub trait Repo: Send + Sync {
    /// The driver this repo runs statements on.
    fn driver(&self) -> &dyn Driver;

    /// Inserts a struct or a changeset. An invalid changeset sends no query and
    /// comes back in [`Error::Invalid`]. Returns the stored struct, with generated
    /// id, defaults and timestamps, in state `Loaded`.
    async fn insert<S: Schema, C: Into<Changeset<S>> + Send>(&self, changeset: C) -> Result<S> {
        let mut cs: Changeset<S> = changeset.into();
        cs.set_action(Action::Insert);
        if !cs.is_valid() {
            return Err(cs.into_error());
        }
        let driver = self.driver();
        let backend = driver.backend();
        let values = write::insert_values(&cs, quarry_core::timestamp::now());
        let returning = backend.capabilities.insert_returning;
        let columns = write::persisted_columns::<S>();
        let stmt = backend.dialect.build_insert(
            &write::insert_one::<S>(&values),
            returning.then_some(columns.as_slice()),
            S::TABLE,
        );
        let applied = cs.apply_changes();
        if returning {
            let mut rows: Vec<S> = match fetch_all(driver, &stmt).await {
                Ok(rows) => rows,
                Err(e) => return Err(map_write_error(driver, cs, e, &values).await),
            };
            let mut stored = rows.pop().ok_or(Error::NoResults { table: S::TABLE })?;
            keep_virtual(&applied, &mut stored);
            return Ok(stored);
        }
        let result = match log::execute(driver, &stmt).await {
            Ok(r) => r,
            Err(e) => return Err(map_write_error(driver, cs, e, &values).await),
        };
        let mut key_source = applied.clone();
        if let (Some(id), Some((i, f))) = (
            result.last_insert_id,
            S::FIELDS.iter().enumerate().find(|(_, f)| f.autogenerate),
        ) {
            let narrow = |found: &str| Error::Decode {
                table: S::TABLE,
                column: f.column.to_string(),
                expected: f.ty,
                found: format!("generated id {id} ({found})"),
            };
            let id_value = match f.ty {
                quarry_core::ValueType::I16 => {
                    Value::I16(i16::try_from(id).map_err(|_| narrow("out of range"))?)
                }
                quarry_core::ValueType::I32 => {
                    Value::I32(i32::try_from(id).map_err(|_| narrow("out of range"))?)
                }
                _ => Value::I64(id),
            };
            key_source.set_value(i, id_value)?;
        }
        let mut stored = self
            .reload(&key_source)
            .await?
            .ok_or(Error::NoResults { table: S::TABLE })?;
        keep_virtual(&applied, &mut stored);
        Ok(stored)
    }

    /// Updates the changed columns of a changeset, by primary key. No changes: no
    /// query, the struct comes back as it was (with virtual changes applied).
    /// Zero rows matched: [`Error::Stale`] (or the stale field error if asked).
    async fn update<S: Schema>(&self, changeset: Changeset<S>) -> Result<S> {
        let mut cs = changeset;
        cs.set_action(Action::Update);
        if !cs.is_valid() {
            return Err(cs.into_error());
        }
        let values = write::update_values(&cs);
        if values.is_empty() {
            let mut s = cs.apply_changes();
            s.meta_mut().set_state(State::Loaded);
            return Ok(s);
        }
        let driver = self.driver();
        let stmt = write::update_by_key(driver.backend().dialect, &cs, &values)?;
        let result = match log::execute(driver, &stmt).await {
            Ok(r) => r,
            Err(e) => return Err(map_write_error(driver, cs, e, &values).await),
        };
        if result.rows_affected == 0 {
            return Err(cs.stale_error("update"));
        }
        let mut s = cs.apply_changes();
        for (i, v) in values {
            s.set_value(i, v)?;
        }
        s.meta_mut().set_state(State::Loaded);
        Ok(s)
    }

    /// Deletes a struct (or a changeset's data) by primary key. Zero rows matched:
    /// [`Error::Stale`]. Returns the struct in state `Deleted`.
    async fn delete<S: Schema, C: Into<Changeset<S>> + Send>(&self, changeset: C) -> Result<S> {
        let mut cs: Changeset<S> = changeset.into();
        cs.set_action(Action::Delete);
        if !cs.is_valid() {
            return Err(cs.into_error());
        }
        let driver = self.driver();
        let stmt = write::delete_by_key(driver.backend().dialect, &cs)?;
        let result = match log::execute(driver, &stmt).await {
            Ok(r) => r,
            Err(e) => return Err(map_write_error(driver, cs, e, &[]).await),
        };
        if result.rows_affected == 0 {
            return Err(cs.stale_error("delete"));
        }
        let mut s = cs.data().clone();
        s.meta_mut().set_state(State::Deleted);
        Ok(s)
    }

    /// The row of `S` with primary key `id`, if any. A key of another type
    /// than the primary key's is cast to it the way Ecto casts (`"1"` finds
    /// row 1, an `i32` finds an `i64` key); one that does not cast is
    /// [`Error::InvalidValue`], and a NULL key finds nothing.
    async fn get<S: Schema, K: Into<Value> + Send>(&self, id: K) -> Result<Option<S>> {
        let pk = S::primary_key();
        let [index] = pk.as_slice() else {
            return Err(Error::Query(QueryError::NotOneKey {
                operation: "get",
                schema: S::NAME,
                count: pk.len(),
            }));
        };
        let def = quarry_core::schema::field_def::<S>(*index);
        // A key of another type is cast to the key's type as Ecto casts it
        // ("1" finds row 1), or refused: never sent as it is.
        let id = id.into().cast_to(def.ty).map_err(|e| Error::InvalidValue {
            field: def.name.to_string(),
            message: format!("cannot use it as the primary key of {}: {e}", S::NAME),
        })?;
        if id.is_null() {
            return Ok(None);
        }
        let q = write::by_key::<S>([(*index, id)]);
        Ok(q.fetch_all(self.driver()).await?.into_iter().next())
    }

    /// Like [`Repo::get`], but a missing row is [`Error::NoResults`] (Ecto's `get!`).
    async fn must_get<S: Schema, K: Into<Value> + Send>(&self, id: K) -> Result<S> {
        self.get(id)
            .await?
            .ok_or(Error::NoResults { table: S::TABLE })
    }

    /// The one row matching `query` (for example `Product::name.eq("Tulip")`), if
    /// any; more than one is [`Error::MultipleResults`].
    async fn get_by<F: Fetch<I>, I>(&self, query: F) -> Result<Option<F::Row>> {
        self.one(query).await
    }

    /// Like [`Repo::get_by`], but a missing row is [`Error::NoResults`].
    async fn must_get_by<F: Fetch<I>, I>(&self, query: F) -> Result<F::Row> {
        let table = query.table();
        self.one(query).await?.ok_or(Error::NoResults { table })
    }

    /// All rows of a query (whole rows of its schema), a select (its projection),
    /// or a condition (`repo.all(Product::price.lt(10.0))`).
    ///
    /// A preloading query (`query.preload(..)`, `query.preload_join(..)`) comes
    /// back with its associations loaded, as Ecto's `Repo.all` with `preload:`.
    async fn all<F: Fetch<I>, I>(&self, query: F) -> Result<Vec<F::Row>> {
        query.fetch_all(self.driver()).await
    }

    /// Streams the rows of `query` to `each`, one at a time as the database sends
    /// them: memory stays flat whatever the row count (Ecto's `Repo.stream`).
    /// Returns how many rows were seen; an error from `each` stops the stream.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// let mut total = 0.0;
    /// repo.stream_each(quarry_query::from::<Product>(), |p: Product| {
    ///     total += p.price;
    ///     Ok(())
    /// })
    /// .await?;
    /// # Ok(()) }
    /// ```
    async fn stream_each<F, I, E>(&self, query: F, mut each: E) -> Result<u64>
    where
        F: Fetch<I>,
        E: FnMut(F::Row) -> Result<()> + Send,
    {
        query.fetch_each(self.driver(), &mut each).await
    }

    /// At most one row: `None` when there is none, [`Error::MultipleResults`] when
    /// there are more.
    async fn one<F: Fetch<I>, I>(&self, query: F) -> Result<Option<F::Row>> {
        let table = query.table();
        let mut rows = query.fetch_all(self.driver()).await?;
        match rows.len() {
            0 | 1 => Ok(rows.pop()),
            count => Err(Error::MultipleResults { table, count }),
        }
    }

    /// True when `query` matches at least one row.
    async fn exists<Q: IntoQuery<I>, I>(&self, query: Q) -> Result<bool> {
        let query = query.into_query();
        query.check(self.driver().backend())?;
        let mut q = query
            .parts
            .to_select_with(self.driver().backend().dialect, vec![Expr::val(1)])?;
        q.limit(1);
        let stmt = self.driver().backend().dialect.build(&q, Q::Schema::TABLE);
        let mut found = false;
        log::fetch(self.driver(), &stmt, &mut |_| {
            found = true;
            Ok(())
        })
        .await?;
        Ok(found)
    }

    /// The stored version of `data`, read again by primary key (`None` if gone).
    async fn reload<S: Schema>(&self, data: &S) -> Result<Option<S>> {
        let pk = S::primary_key();
        if pk.is_empty() {
            return Err(Error::Query(QueryError::NoPrimaryKey {
                schema: S::NAME,
                action: "reloaded",
            }));
        }
        let key = pk.into_iter().map(|i| {
            (
                i,
                data.get_value(i)
                    .unwrap_or(Value::Null(quarry_core::schema::field_def::<S>(i).ty)),
            )
        });
        let mut rows = write::by_key::<S>(key).fetch_all(self.driver()).await?;
        let mut fresh = rows.pop();
        if let Some(f) = fresh.as_mut() {
            keep_virtual(data, f);
        }
        Ok(fresh)
    }

    /// Reloads many structs in one query; the result keeps their order and has
    /// `None` for rows that are gone.
    async fn reload_all<S: Schema>(&self, data: &[S]) -> Result<Vec<Option<S>>> {
        let pk = S::primary_key();
        let [index] = pk.as_slice() else {
            let mut out = Vec::with_capacity(data.len());
            for d in data {
                out.push(self.reload(d).await?);
            }
            return Ok(out);
        };
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<Value> = data.iter().filter_map(|d| d.get_value(*index)).collect();
        let mut q = Query::<S>::new().select_statement(self.driver().backend().dialect)?;
        q.and_where(
            Expr::col((S::TABLE, quarry_core::schema::field_def::<S>(*index).column)).is_in(
                keys.iter()
                    .map(|k| Expr::val(crate::sql_value::to_sea(k.clone()))),
            ),
        );
        let stmt = self.driver().backend().dialect.build(&q, S::TABLE);
        let rows: Vec<S> = fetch_all(self.driver(), &stmt).await?;
        Ok(data
            .iter()
            .map(|d| {
                let key = d.get_value(*index);
                rows.iter()
                    .find(|r| r.get_value(*index) == key)
                    .cloned()
                    .map(|mut r| {
                        keep_virtual(d, &mut r);
                        r
                    })
            })
            .collect())
    }

    /// Counts the rows matching `query`.
    async fn count<Q: IntoQuery<I>, I>(&self, query: Q) -> Result<i64> {
        self.aggregate(query, Aggregate::count()).await
    }

    /// Runs an aggregate over `query` and returns its result as the aggregate's
    /// Rust type (`i64` for counts, `Option<f64>` for an average...). Sum, avg,
    /// min and max of no rows are `None`. A query with limit, offset or DISTINCT
    /// is wrapped in a subquery first.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::Aggregate;
    /// let total: Option<f64> = repo.aggregate(quarry_query::from::<Product>(), Aggregate::sum(Product::price)).await?;
    /// let rows: i64 = repo.aggregate(quarry_query::from::<Product>(), Aggregate::count()).await?;
    /// # Ok(()) }
    /// ```
    async fn aggregate<Q: IntoQuery<I>, I, T: FieldValue>(
        &self,
        query: Q,
        aggregate: Aggregate<Q::Schema, T>,
    ) -> Result<T> {
        let query = query.into_query();
        query.check(self.driver().backend())?;
        let dialect = self.driver().backend().dialect;
        let (q, ty) = aggregate.statement(&query.parts, dialect)?;
        let stmt = dialect.build(&q, Q::Schema::TABLE);
        let mut out = Value::Null(ty);
        log::fetch(self.driver(), &stmt, &mut |row| {
            out = row.value(0, ty)?;
            Ok(())
        })
        .await?;
        T::from_value(out).map_err(|e| Error::Decode {
            table: "",
            column: format!("{}({})", aggregate.name(), Q::Schema::TABLE),
            expected: e.expected,
            found: e.found,
        })
    }

    /// Inserts many structs or changesets, with timestamps filled (unlike Ecto),
    /// in as few statements as the database's parameter limit allows. Returns the
    /// count and an empty Vec (as Ecto returns no rows unless asked: see
    /// [`Repo::insert_all_returning`]). Any invalid changeset fails the whole call
    /// before a query is sent.
    async fn insert_all<S: Schema, C: Into<Changeset<S>> + Send>(
        &self,
        rows: Vec<C>,
    ) -> Result<(u64, Vec<S>)> {
        insert_rows(self, rows, false).await
    }

    /// Like [`Repo::insert_all`], and returns the stored rows (generated ids,
    /// defaults) in insert order, read with RETURNING. MySQL has no RETURNING:
    /// there this is [`Error::Unsupported`] and nothing is inserted.
    async fn insert_all_returning<S: Schema, C: Into<Changeset<S>> + Send>(
        &self,
        rows: Vec<C>,
    ) -> Result<(u64, Vec<S>)> {
        let backend = self.driver().backend();
        if !backend.capabilities.insert_returning {
            return Err(Error::Unsupported {
                feature: "insert_all_returning (INSERT ... RETURNING)",
                backend: backend.name,
            });
        }
        insert_rows(self, rows, true).await
    }

    /// Updates every row matching `query` (Ecto's `update_all`); returns the count.
    /// Timestamps are not touched, as in Ecto.
    async fn update_all<Q: IntoQuery<I>, I>(
        &self,
        query: Q,
        updates: Updates<Q::Schema>,
    ) -> Result<u64> {
        type S<Q, I> = <Q as IntoQuery<I>>::Schema;
        let query = query.into_query();
        if query.is_windowed() || query.has_joins() {
            return Err(Error::Query(QueryError::FiltersOnly {
                operation: "update_all",
            }));
        }
        if updates.is_empty() {
            return Ok(0);
        }
        let mut q = sea_query::Query::update();
        q.table(S::<Q, I>::TABLE);
        updates.apply(&mut q);
        if let Some(c) = query.condition(self.driver().backend().dialect)? {
            q.and_where(c);
        }
        let stmt = self.driver().backend().dialect.build(&q, S::<Q, I>::TABLE);
        Ok(log::execute(self.driver(), &stmt).await?.rows_affected)
    }

    /// Deletes every row matching `query` (Ecto's `delete_all`); returns the count.
    async fn delete_all<Q: IntoQuery<I>, I>(&self, query: Q) -> Result<u64> {
        let query = query.into_query();
        if query.is_windowed() || query.has_joins() {
            return Err(Error::Query(QueryError::FiltersOnly {
                operation: "delete_all",
            }));
        }
        let mut q = sea_query::Query::delete();
        q.from_table(Q::Schema::TABLE);
        if let Some(c) = query.condition(self.driver().backend().dialect)? {
            q.and_where(c);
        }
        let stmt = self.driver().backend().dialect.build(&q, Q::Schema::TABLE);
        Ok(log::execute(self.driver(), &stmt).await?.rows_affected)
    }

    /// Runs raw SQL with bound values (placeholders in the database's own syntax:
    /// `$1` on Postgres, `?` elsewhere); returns the rows affected.
    async fn execute_raw(&self, sql: &str, values: Vec<Value>) -> Result<ExecResult> {
        let stmt = Statement::raw(sql, values);
        log::execute(self.driver(), &stmt).await
    }

    /// Runs a raw query with bound values and decodes each row into `S`
    /// (columns in `S::FIELDS` order).
    async fn query_as<S: Schema>(&self, sql: &str, values: Vec<Value>) -> Result<Vec<S>> {
        let stmt = Statement::raw(sql, values);
        fetch_all(self.driver(), &stmt).await
    }

    /// Runs a raw query with bound values; each row's columns are decoded by
    /// `types`, in order.
    async fn query_raw(
        &self,
        sql: &str,
        values: Vec<Value>,
        types: &[quarry_core::ValueType],
    ) -> Result<Vec<ValueRow>> {
        let stmt = Statement::raw(sql, values);
        let mut out = Vec::new();
        log::fetch(self.driver(), &stmt, &mut |row| {
            let mut r = ValueRow::default();
            for (i, ty) in types.iter().enumerate().take(row.len()) {
                r.columns.push(row.column_name(i).to_string());
                r.values.push(row.value(i, *ty)?);
            }
            out.push(r);
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Starts a transaction (inside a transaction: a savepoint). Commit it with
    /// [`Transaction::commit`]; dropping it rolls it back.
    async fn begin(&self) -> Result<Transaction> {
        Ok(Transaction::new(self.driver().begin().await?))
    }

    /// Runs `f` in a transaction: committed when `f` returns `Ok`, rolled back when
    /// it returns `Err` or panics. Inside a transaction this uses a savepoint, so a
    /// failing inner block does not poison the outer one.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// # use quarry_query::Repo;
    /// let id = repo
    ///     .transaction(|tx| Box::pin(async move {
    ///         let p = tx.insert(Product { name: "Tulip".into(), ..Default::default() }).await?;
    ///         Ok::<_, quarry_core::Error>(p.id)
    ///     }))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    async fn transaction<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        T: Send,
        E: From<Error> + Send,
        F: for<'t> FnOnce(&'t Transaction) -> BoxFuture<'t, std::result::Result<T, E>> + Send,
    {
        let tx = self.begin().await?;
        match f(&tx).await {
            Ok(v) => {
                tx.commit().await?;
                Ok(v)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// [`transaction`](Repo::transaction) that runs `f` again, in a new
    /// transaction, when it fails with a transient error (a deadlock, a
    /// serialization failure, a lock timeout, a lost connection:
    /// [`Error::is_transient`]), at most `retry.attempts()` times in all, with
    /// a growing pause between runs. The last error comes back when every run
    /// failed. A COMMIT whose outcome is unknown (the connection failed while
    /// it was on its way) is never run again: it is
    /// [`Error::CommitOutcomeUnknown`]. `f` may run more than once, so it must
    /// do nothing outside the transaction it is given.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::{repo::Retry, ColumnExt, Repo, Updates};
    /// let moved = repo
    ///     .transaction_retrying(Retry::new(5), |tx| Box::pin(async move {
    ///         tx.update_all(Product::id.eq(1), Updates::new().inc(Product::price, -1.0)).await?;
    ///         tx.update_all(Product::id.eq(2), Updates::new().inc(Product::price, 1.0)).await
    ///     }))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    async fn transaction_retrying<T, E, F>(&self, retry: Retry, f: F) -> std::result::Result<T, E>
    where
        T: Send,
        E: From<Error> + Retryable + Send,
        F: for<'t> Fn(&'t Transaction) -> BoxFuture<'t, std::result::Result<T, E>> + Send + Sync,
    {
        let mut attempt = 1;
        loop {
            let run = async {
                let tx = self.begin().await.map_err(E::from)?;
                match f(&tx).await {
                    Ok(v) => {
                        tx.commit().await.map_err(E::from)?;
                        Ok(v)
                    }
                    Err(e) => {
                        // A failed rollback (the connection is gone) loses
                        // nothing: the database rolls back on its own.
                        let _ = tx.rollback().await;
                        Err(e)
                    }
                }
            };
            match run.await {
                Ok(v) => return Ok(v),
                Err(e) if e.is_transient() && attempt < retry.attempts() => {
                    tracing::debug!(target: crate::log::TARGET, attempt, "transaction failed with a transient error; running it again");
                    tokio::time::sleep(retry.pause(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// This repo with a statement timeout of its own: each statement run
    /// through it (and through the transactions it opens) is cancelled after
    /// `timeout` and fails with [`Error::Timeout`], overriding the pool's
    /// [`PoolOptions::statement_timeout`](crate::driver::PoolOptions::statement_timeout).
    /// On PostgreSQL this costs two statements around each one (SET and RESET
    /// of `statement_timeout`); elsewhere nothing more.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::Repo;
    /// use std::time::Duration;
    /// let all = repo.with_timeout(Duration::from_secs(2)).all(quarry_query::from::<Product>()).await?;
    /// # Ok(()) }
    /// ```
    fn with_timeout(&self, timeout: std::time::Duration) -> Timed<'_, Self> {
        Timed::new(self, crate::driver::RunOptions::with_timeout(timeout))
    }

    /// The pool's connections now (open, idle, in use, waiting); `None` on a
    /// transaction.
    fn pool_status(&self) -> Option<crate::driver::PoolStatus> {
        self.driver().pool_status()
    }

    /// Shuts the pool down gracefully: no new work is taken (it fails with a
    /// `PoolClosed` connection error), statements in flight get up to `grace`
    /// to finish, then every connection is closed.
    async fn close(&self, grace: std::time::Duration) -> Result<()> {
        self.driver().close(grace).await
    }
}

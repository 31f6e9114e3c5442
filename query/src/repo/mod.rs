//! The one Repo trait. Adapters implement [`Repo::driver`]; every operation below is
//! written once, here, for all databases.

mod aggregate;
mod multi;
mod nested;
mod prefixed;
mod retry;
mod timeout;
mod transaction;
mod updates;
mod upsert;

pub use aggregate::Aggregate;
pub use multi::{Multi, MultiError, Results, Step};
pub use nested::write_nested;
pub use prefixed::Prefixed;
pub use retry::{Retry, Retryable};
pub use timeout::Timed;
pub use transaction::Transaction;
pub(crate) use updates::UpdateOp;
pub use updates::Updates;
pub use upsert::{ConflictAction, OnConflict};

use crate::driver::{Driver, ExecResult};
use crate::into_query::{Fetch, IntoQuery};
use crate::log;
use crate::query::Query;
use crate::read::{ReadAll, ReadOne};
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
        upsert: Option<&write::Upsert>,
    ) -> Result<Self> {
        let runs = write::insert_rows_values(rows, write::insert_time::<S>())?;
        // An upsert's own values are bound in every statement.
        let own = upsert.map_or(0, |u| u.values.len());
        Ok(InsertPlan {
            runs,
            max_params: backend.capabilities.max_params.saturating_sub(own).max(1),
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

    async fn run<S: Schema>(
        self,
        driver: &dyn Driver,
        returning: bool,
        upsert: Option<&write::Upsert>,
    ) -> Result<(u64, Vec<S>)> {
        let dialect = driver.backend().dialect;
        let prefix = crate::prefix::for_schema::<S>(driver.backend())?;
        let mut count = 0u64;
        let mut stored = Vec::new();
        let max_params = self.max_params;
        for (columns, mut rest) in self.runs {
            let per_statement = (max_params / columns.len().max(1)).max(1);
            while !rest.is_empty() {
                let tail = rest.split_off(per_statement);
                let chunk = std::mem::replace(&mut rest, tail);
                let stmt =
                    write::insert_many::<S>(dialect, prefix, &columns, chunk, returning, upsert);
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
async fn insert_rows<R, S, C>(
    repo: &R,
    rows: Vec<C>,
    returning: bool,
    upsert: Option<&write::Upsert>,
) -> Result<(u64, Vec<S>)>
where
    R: Repo + ?Sized,
    S: Schema,
    C: Into<Changeset<S>> + Send,
{
    let plan = InsertPlan::new::<S, C>(repo.driver().backend(), rows, upsert)?;
    if plan.is_empty() {
        return Ok((0, Vec::new()));
    }
    if !plan.needs_transaction() {
        return plan.run(repo.driver(), returning, upsert).await;
    }
    let tx = repo.begin().await?;
    let out = plan.run(tx.driver(), returning, upsert).await?;
    tx.commit().await?;
    Ok(out)
}

/// The generated key `id` an insert reported, as the value of field `f`.
fn generated_key(table: &'static str, f: &quarry_core::FieldDef, id: i64) -> Result<Value> {
    let narrow = |found: &str| Error::Decode {
        table,
        column: f.column.to_string(),
        expected: f.ty,
        found: format!("generated id {id} ({found})"),
    };
    Ok(match f.ty {
        quarry_core::ValueType::I16 => {
            Value::I16(i16::try_from(id).map_err(|_| narrow("out of range"))?)
        }
        quarry_core::ValueType::I32 => {
            Value::I32(i32::try_from(id).map_err(|_| narrow("out of range"))?)
        }
        _ => Value::I64(id),
    })
}

/// Reads back the row a single-row upsert stored, on a database without
/// RETURNING (MySQL), in the upsert's transaction: by the generated key the
/// statement reported (`LAST_INSERT_ID(id)` makes it the stored row's, inserted
/// or updated), else by the primary key it wrote, else by the values it wrote
/// in the conflict target.
fn stored_after_upsert<S: Schema>(
    dialect: crate::Dialect,
    result: ExecResult,
    written: &[(usize, Value)],
    target: &[usize],
) -> Result<Option<Vec<(usize, Value)>>> {
    // Only a statement that set its insert id from the stored row (through
    // the dialect's key function) reports that row's: SQLite's last rowid
    // is an earlier insert's after an upsert that updated.
    let reported = dialect
        .upsert_key_function()
        .and(result.last_insert_id)
        .filter(|id| *id != 0);
    if let (Some(id), Some((i, f))) = (
        reported,
        S::FIELDS.iter().enumerate().find(|(_, f)| f.autogenerate),
    ) {
        return Ok(Some(vec![(i, generated_key(S::TABLE, f, id)?)]));
    }
    let by = |fields: &[usize]| -> Option<Vec<(usize, Value)>> {
        if fields.is_empty() {
            return None;
        }
        fields
            .iter()
            .map(|i| {
                written
                    .iter()
                    .find(|(w, _)| w == i)
                    .map(|(_, v)| (*i, v.clone()))
            })
            .collect()
    };
    Ok(by(&S::primary_key()).or_else(|| by(target)))
}

/// Refuses what a bulk write cannot take: limit, offset or distinct, and
/// joins the database cannot write for it; returns the join syntax (`None`
/// without joins).
fn bulk_checks<S: Schema, J>(
    backend: &crate::Backend,
    query: &Query<S, J>,
    operation: &'static str,
) -> Result<Option<crate::dialect::JoinedWrite>> {
    use crate::dialect::JoinedWrite;
    if query.is_windowed() {
        return Err(Error::Query(QueryError::FiltersOnly { operation }));
    }
    if !query.has_joins() {
        return Ok(None);
    }
    query.check(backend)?;
    if query.parts.joins.iter().any(|j| j.lateral.is_some()) {
        return Err(Error::Query(QueryError::Build(format!(
            "{operation} over a LATERAL join: the databases have no such UPDATE / DELETE; \
             filter with exists(..) on a correlated subquery instead"
        ))));
    }
    let (syntax, feature) = if operation == "update_all" {
        (
            backend.dialect.update_join(),
            "update_all over joined tables (UPDATE ... FROM)",
        )
    } else {
        (
            backend.dialect.delete_join(),
            "delete_all over joined tables (DELETE ... USING)",
        )
    };
    let syntax = syntax.ok_or(Error::Unsupported {
        feature,
        backend: backend.name,
    })?;
    if syntax == JoinedWrite::From
        && query
            .parts
            .joins
            .iter()
            .any(|j| j.kind != crate::ir::JoinKind::Inner)
    {
        return Err(Error::Unsupported {
            feature:
                "update_all/delete_all over an outer join (only inner joins become FROM / USING)",
            backend: backend.name,
        });
    }
    Ok(Some(syntax))
}

/// The statement of an `update_all` (`updates`) or `delete_all` (`None`),
/// RETURNING the rows when `returning`. Filters alone, without RETURNING,
/// go through sea-query as before; joins or RETURNING through quarry's
/// writer.
fn bulk_statement<S: Schema, J>(
    backend: &crate::Backend,
    mut query: Query<S, J>,
    updates: Option<&Updates<S>>,
    returning: bool,
) -> Result<Statement> {
    use crate::sql::write::{Assign, Bulk};
    let operation = if updates.is_some() {
        "update_all"
    } else {
        "delete_all"
    };
    let syntax = bulk_checks(backend, &query, operation)?;
    query.target(backend)?;
    let dialect = backend.dialect;
    let table = crate::prefix::table_ref(query.parts.from_prefix, S::TABLE);
    if syntax.is_none() && !returning {
        if let Some(updates) = updates {
            let mut q = sea_query::Query::update();
            q.table(table);
            updates.apply(&mut q);
            if let Some(c) = query.condition(dialect)? {
                q.and_where(c);
            }
            return Ok(dialect.build(&q, S::TABLE));
        }
        let mut q = sea_query::Query::delete();
        q.from_table(table);
        if let Some(c) = query.condition(dialect)? {
            q.and_where(c);
        }
        return Ok(dialect.build(&q, S::TABLE));
    }
    let sets: Vec<(Assign, Value)> = updates
        .map(|u| {
            u.assignments()
                .iter()
                .map(|(c, op, v)| {
                    let a = match op {
                        UpdateOp::Set => Assign::Param(c),
                        UpdateOp::Inc => Assign::Inc(c),
                    };
                    (a, v.clone())
                })
                .collect()
        })
        .unwrap_or_default();
    let kind = if updates.is_some() {
        Bulk::Update
    } else {
        Bulk::Delete
    };
    write::bulk::<S>(dialect, kind, query.parts, &sets, syntax, returning)
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

/// The INSERT of one changeset without nested changesets (what
/// [`Repo::insert`] runs for the owner's row).
pub(crate) async fn insert_row<R: Repo + ?Sized, S: Schema>(
    repo: &R,
    changeset: Changeset<S>,
) -> Result<S> {
    let mut cs = changeset;
    cs.set_action(Action::Insert);
    if !cs.is_valid() {
        return Err(cs.into_error());
    }
    let driver = repo.driver();
    let backend = driver.backend();
    let values = write::insert_values(&cs, write::insert_time::<S>());
    let returning = backend.capabilities.insert_returning;
    let columns = write::persisted_columns::<S>();
    let prefix = crate::prefix::for_schema::<S>(backend)?;
    let stmt = backend.dialect.build_insert(
        &write::insert_one::<S>(prefix, &values),
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
    // A key quarry generated (a UUID) is in the values it wrote.
    for (i, v) in &values {
        if S::FIELDS
            .get(*i)
            .is_some_and(|f| f.autogenerate && f.ty == quarry_core::ValueType::Uuid)
        {
            key_source.set_value(*i, v.clone())?;
        }
    }
    if let (Some(id), Some((i, f))) = (
        result.last_insert_id,
        S::FIELDS.iter().enumerate().find(|(_, f)| f.autogenerate),
    ) {
        key_source.set_value(i, generated_key(S::TABLE, f, id)?)?;
    }
    let mut stored = repo
        .reload(&key_source)
        .await?
        .ok_or(Error::NoResults { table: S::TABLE })?;
    keep_virtual(&applied, &mut stored);
    Ok(stored)
}

/// The UPDATE of one changeset without nested changesets.
pub(crate) async fn update_row<R: Repo + ?Sized, S: Schema>(
    repo: &R,
    changeset: Changeset<S>,
) -> Result<S> {
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
    let driver = repo.driver();
    let prefix = crate::prefix::for_schema::<S>(driver.backend())?;
    let stmt = write::update_by_key(driver.backend().dialect, prefix, &cs, &values)?;
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
    // Columns the database set in the write (`read_after_writes`).
    if !S::READ_AFTER_WRITES.is_empty() {
        if let Some(fresh) = repo.reload(&s).await? {
            for &i in S::READ_AFTER_WRITES {
                if let Some(v) = fresh.get_value(i) {
                    s.set_value(i, v)?;
                }
            }
        }
    }
    Ok(s)
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
    ///
    /// Nested changesets (`cast_assoc`, `put_assoc`) are written with it in
    /// one transaction (a savepoint inside one): belongs_to parents first (the
    /// owner's foreign key set from them), then the owner's row, then
    /// has_many / has_one children with their foreign key set to the owner's
    /// key (replaced ones deleted or nilified first). The struct returned
    /// holds the stored children in those associations. A child that fails
    /// (a declared constraint) rolls everything back and the error is the
    /// owner's changeset, invalid, with the error on that child
    /// (`{"products": [{}, {"name": ["has already been taken"]}]}`).
    async fn insert<S: Schema, C: Into<Changeset<S>> + Send>(&self, changeset: C) -> Result<S> {
        let cs: Changeset<S> = changeset.into();
        if cs.has_nested_writes() {
            return nested::write(self, cs, Action::Insert).await;
        }
        insert_row(self, cs).await
    }

    /// Updates the changed columns of a changeset, by primary key. No changes: no
    /// query, the struct comes back as it was (with virtual changes applied).
    /// Zero rows matched: [`Error::Stale`] (or the stale field error if asked).
    /// Nested changesets (`cast_assoc`, `put_assoc`) are written with it in
    /// one transaction (see [`Repo::insert`]).
    async fn update<S: Schema>(&self, changeset: Changeset<S>) -> Result<S> {
        if changeset.has_nested_writes() {
            return nested::write(self, changeset, Action::Update).await;
        }
        update_row(self, changeset).await
    }

    /// Inserts or updates by the state of the changeset's data (Ecto's
    /// `insert_or_update`): a struct built in memory ([`State::Built`]) is
    /// inserted ([`Repo::insert`]), one read from or written to the database
    /// ([`State::Loaded`]) is updated with the changes ([`Repo::update`]).
    /// A deleted one is [`QueryError::Deleted`], nothing sent.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_core::Changeset;
    /// use quarry_query::Repo;
    /// let params = serde_json::json!({"name": "Tulip", "price": "2.5"});
    /// // Built: inserted.
    /// let cs = Changeset::cast(Product::default(), params.clone(), (Product::name, Product::price));
    /// let stored = repo.insert_or_update(cs).await?;
    /// // Loaded: updated.
    /// let cs = Changeset::cast(stored, serde_json::json!({"price": "3"}), Product::price);
    /// let updated = repo.insert_or_update(cs).await?;
    /// assert_eq!(updated.price, 3.0);
    /// # Ok(()) }
    /// ```
    async fn insert_or_update<S: Schema, C: Into<Changeset<S>> + Send>(
        &self,
        changeset: C,
    ) -> Result<S> {
        let cs: Changeset<S> = changeset.into();
        match cs.data().meta().state() {
            State::Built => self.insert(cs).await,
            State::Loaded => self.update(cs).await,
            State::Deleted => Err(Error::Query(QueryError::Deleted {
                schema: S::NAME,
                operation: "insert_or_update",
            })),
        }
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
        let prefix = crate::prefix::for_schema::<S>(driver.backend())?;
        let stmt = write::delete_by_key(driver.backend().dialect, prefix, &cs)?;
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

    /// The row of `S` with primary key `id`, if any: one value, or for a
    /// composite key a tuple of one value per key field in field order
    /// (`repo.get::<Line, _>((order_id, 2))`). A key of another type
    /// than the primary key's is cast to it the way Ecto casts (`"1"` finds
    /// row 1, an `i32` finds an `i64` key); one that does not cast is
    /// [`Error::InvalidValue`], and a NULL key finds nothing.
    async fn get<S: Schema, K: quarry_core::Key + Send>(&self, id: K) -> Result<Option<S>> {
        let pk = S::primary_key();
        let values = id.into_key();
        if pk.is_empty() || (pk.len() == 1 && values.len() != 1) {
            return Err(Error::Query(QueryError::NotOneKey {
                operation: "get",
                schema: S::NAME,
                count: pk.len(),
            }));
        }
        if values.len() != pk.len() {
            return Err(Error::InvalidValue {
                field: pk
                    .iter()
                    .map(|i| quarry_core::schema::field_def::<S>(*i).name)
                    .collect::<Vec<_>>()
                    .join(", "),
                message: format!(
                    "a key of {} values for the {}-field primary key of {}",
                    values.len(),
                    pk.len(),
                    S::NAME
                ),
            });
        }
        let mut key = Vec::with_capacity(pk.len());
        for (index, id) in pk.into_iter().zip(values) {
            let def = quarry_core::schema::field_def::<S>(index);
            // A key of another type is cast to the key's type as Ecto casts it
            // ("1" finds row 1), or refused: never sent as it is.
            let id = id.cast_to(def.ty).map_err(|e| Error::InvalidValue {
                field: def.name.to_string(),
                message: format!("cannot use it as the primary key of {}: {e}", S::NAME),
            })?;
            if id.is_null() {
                return Ok(None);
            }
            key.push((index, id));
        }
        let q = write::by_key::<S>(key);
        Ok(q.fetch_all(self.driver()).await?.into_iter().next())
    }

    /// Like [`Repo::get`], but a missing row is [`Error::NoResults`] (Ecto's `get!`).
    async fn must_get<S: Schema, K: quarry_core::Key + Send>(&self, id: K) -> Result<S> {
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
    ///
    /// (Not an `async fn`: the query's own read future, a [`ReadAll`], is
    /// returned as it is; `.await` it as any async call.)
    fn all<'a, F: Fetch<I> + 'a, I>(&'a self, query: F) -> ReadAll<'a, F::Decoder>
    where
        F::Decoder: 'a,
    {
        query.fetch_all(self.driver())
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
    fn one<'a, F: Fetch<I> + 'a, I>(&'a self, query: F) -> ReadOne<'a, F::Decoder>
    where
        F::Decoder: 'a,
        F::Row: 'a,
    {
        let table = query.table();
        ReadOne::new(query.fetch_all(self.driver()), table)
    }

    /// True when `query` matches at least one row.
    async fn exists<Q: IntoQuery<I>, I>(&self, query: Q) -> Result<bool> {
        let mut query = query.into_query();
        query.target(self.driver().backend())?;
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
        let mut all = Query::<S>::new();
        all.target(self.driver().backend())?;
        let mut q = all.parts.to_select_with(
            self.driver().backend().dialect,
            crate::query::root_columns::<S>(),
        )?;
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
        let mut query = query.into_query();
        query.target(self.driver().backend())?;
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
            table: Q::Schema::TABLE,
            column: format!("{}(..)", aggregate.name()),
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
        insert_rows(self, rows, false, None).await
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
        insert_rows(self, rows, true, None).await
    }

    /// Inserts a struct or changeset, or on a conflict with a stored row on
    /// `on_conflict`'s unique key, does what it says to that row (Ecto's
    /// `insert` with `on_conflict:` and `conflict_target:`). Returns the row
    /// stored afterwards (inserted, replaced, updated, or with `nothing`, the
    /// stored one as it was), in state `Loaded`, on every database: read
    /// with RETURNING (PostgreSQL, SQLite, MariaDB), or on MySQL read back in
    /// the same transaction by the key the statement reports.
    ///
    /// With `nothing` the statement is a no-op update of the stored row
    /// (`DO UPDATE SET id = t.id`, MySQL `id = LAST_INSERT_ID(id)`), so that
    /// it gives the row back: nothing changes, but the row is locked (and
    /// update triggers run) as with an update.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::{repo::OnConflict, Repo};
    /// let tulip = || Product { name: "Tulip".into(), price: 2.0, ..Default::default() };
    /// let first = repo.insert(tulip()).await?;
    /// let again = repo
    ///     .upsert(
    ///         Product { price: 3.0, ..tulip() },
    ///         OnConflict::replace(Product::price).target(Product::name),
    ///     )
    ///     .await?;
    /// assert_eq!((again.id, again.price), (first.id, 3.0));
    /// # Ok(()) }
    /// ```
    async fn upsert<S: Schema, C: Into<Changeset<S>> + Send>(
        &self,
        changeset: C,
        on_conflict: OnConflict<S>,
    ) -> Result<S> {
        let mut cs: Changeset<S> = changeset.into();
        cs.set_action(Action::Insert);
        if !cs.is_valid() {
            return Err(cs.into_error());
        }
        if cs.has_nested_writes() {
            return Err(write::nested_refused("upsert"));
        }
        let backend = self.driver().backend();
        let upsert = on_conflict.plan(backend, true)?;
        let values = write::insert_values(&cs, write::insert_time::<S>());
        if values.is_empty() {
            return Err(Error::Query(
                "an upsert writes at least one column (the conflict target's)".into(),
            ));
        }
        let returning = backend.capabilities.insert_returning;
        let applied = cs.apply_changes();
        let (columns, rows) = write::one_row(values.clone());
        let prefix = crate::prefix::for_schema::<S>(backend)?;
        let stmt = write::insert_many::<S>(
            backend.dialect,
            prefix,
            &columns,
            rows,
            returning,
            Some(&upsert),
        );
        if returning {
            let mut rows: Vec<S> = match fetch_all(self.driver(), &stmt).await {
                Ok(rows) => rows,
                Err(e) => return Err(map_write_error(self.driver(), cs, e, &values).await),
            };
            let mut stored = rows.pop().ok_or(Error::NoResults { table: S::TABLE })?;
            keep_virtual(&applied, &mut stored);
            return Ok(stored);
        }
        // No RETURNING: the statement and the read of what it stored in one
        // transaction, so no other writer comes between them.
        let tx = self.begin().await?;
        let result = match log::execute(tx.driver(), &stmt).await {
            Ok(r) => r,
            Err(e) => return Err(map_write_error(tx.driver(), cs, e, &values).await),
        };
        let key = stored_after_upsert::<S>(backend.dialect, result, &values, on_conflict.target_fields())?
            .ok_or(Error::Unsupported {
                feature: "an upsert that returns the stored row without RETURNING, a generated key, a primary key or a conflict target by fields",
                backend: backend.name,
            })?;
        let mut rows = write::by_key::<S>(key).fetch_all(tx.driver()).await?;
        tx.commit().await?;
        let mut stored = rows.pop().ok_or(Error::NoResults { table: S::TABLE })?;
        keep_virtual(&applied, &mut stored);
        Ok(stored)
    }

    /// [`Repo::insert_all`] with a conflict action (Ecto's `insert_all` with
    /// `on_conflict:` and `conflict_target:`). Returns the count the database
    /// reports: PostgreSQL and SQLite count each row inserted or updated (not
    /// those `nothing` kept: there it is `DO NOTHING`); MySQL and MariaDB
    /// count 1 per inserted row, 2 per updated one and 1 per row left as it
    /// was (quarry's connections count the rows found).
    async fn upsert_all<S: Schema, C: Into<Changeset<S>> + Send>(
        &self,
        rows: Vec<C>,
        on_conflict: OnConflict<S>,
    ) -> Result<u64> {
        let upsert = on_conflict.plan(self.driver().backend(), false)?;
        Ok(insert_rows::<_, S, C>(self, rows, false, Some(&upsert))
            .await?
            .0)
    }

    /// [`Repo::upsert_all`] that returns, for every row given, the row stored
    /// for it afterwards (inserted, replaced, updated or kept), in the order
    /// given; the count is the rows returned. With `nothing` the statement is
    /// a no-op update of a conflicting row (see [`Repo::upsert`]).
    ///
    /// The rows are read with RETURNING (PostgreSQL, SQLite, MariaDB). MySQL
    /// has none: there the rows are read back in the same transaction by the
    /// values each row gives its conflict target's fields, one SELECT per
    /// row; a target by constraint name is [`Error::Unsupported`] there, and
    /// a row found by none (its conflict was on another unique key) is
    /// [`Error::NoResults`], with nothing written.
    async fn upsert_all_returning<S: Schema, C: Into<Changeset<S>> + Send>(
        &self,
        rows: Vec<C>,
        on_conflict: OnConflict<S>,
    ) -> Result<(u64, Vec<S>)> {
        let backend = self.driver().backend();
        let upsert = on_conflict.plan(backend, true)?;
        if backend.capabilities.insert_returning {
            return insert_rows(self, rows, true, Some(&upsert)).await;
        }
        let target = on_conflict.target_fields();
        if target.is_empty() {
            return Err(Error::Unsupported {
                feature: "upsert_all_returning by a constraint name without RETURNING",
                backend: backend.name,
            });
        }
        let rows: Vec<Changeset<S>> = rows.into_iter().map(Into::into).collect();
        let keys: Vec<Vec<(usize, Value)>> = rows
            .iter()
            .map(|cs| target.iter().map(|i| (*i, cs.field_value(*i))).collect())
            .collect();
        let tx = self.begin().await?;
        insert_rows(&tx, rows, false, Some(&upsert)).await?;
        let mut stored = Vec::with_capacity(keys.len());
        for key in keys {
            let mut found = write::by_key::<S>(key).fetch_all(tx.driver()).await?;
            stored.push(found.pop().ok_or(Error::NoResults { table: S::TABLE })?);
        }
        tx.commit().await?;
        Ok((stored.len() as u64, stored))
    }

    /// Updates every row matching `query` (Ecto's `update_all`); returns the count.
    /// Timestamps are not touched, as in Ecto.
    ///
    /// The query may join other tables and filter on them, where the
    /// database has the syntax: PostgreSQL and SQLite write
    /// `UPDATE t SET ... FROM j WHERE <join conditions> AND <filters>` (inner
    /// joins only), MySQL and MariaDB a multi-table `UPDATE t INNER JOIN j ON
    /// ... SET ...` (inner, left and right joins). Limit, offset and
    /// distinct are refused ([`QueryError::FiltersOnly`]).
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::{ColumnExt, Repo, Updates};
    /// let n = repo
    ///     .update_all(Product::price.lt(1.0), Updates::new().set(Product::price, 1.0))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    async fn update_all<Q: IntoQuery<I>, I>(
        &self,
        query: Q,
        updates: Updates<Q::Schema>,
    ) -> Result<u64> {
        let query = query.into_query();
        if updates.is_empty() {
            bulk_checks(self.driver().backend(), &query, "update_all")?;
            return Ok(0);
        }
        let stmt = bulk_statement(self.driver().backend(), query, Some(&updates), false)?;
        Ok(log::execute(self.driver(), &stmt).await?.rows_affected)
    }

    /// [`Repo::update_all`] that also returns the updated rows, as stored
    /// afterwards, where the database has `UPDATE ... RETURNING` (PostgreSQL,
    /// SQLite 3.35+). Elsewhere (MySQL, MariaDB) the rows are `None`: the
    /// update runs the same and only its count comes back.
    async fn update_all_returning<Q: IntoQuery<I>, I>(
        &self,
        query: Q,
        updates: Updates<Q::Schema>,
    ) -> Result<(u64, Option<Vec<Q::Schema>>)> {
        let backend = self.driver().backend();
        let query = query.into_query();
        if !backend.capabilities.update_returning {
            return Ok((self.update_all(query, updates).await?, None));
        }
        if updates.is_empty() {
            bulk_checks(backend, &query, "update_all")?;
            return Ok((0, Some(Vec::new())));
        }
        let stmt = bulk_statement(backend, query, Some(&updates), true)?;
        let rows: Vec<Q::Schema> = fetch_all(self.driver(), &stmt).await?;
        Ok((rows.len() as u64, Some(rows)))
    }

    /// Deletes every row matching `query` (Ecto's `delete_all`); returns the count.
    ///
    /// The query may join other tables and filter on them, where the
    /// database has the syntax: PostgreSQL writes `DELETE FROM t USING j WHERE
    /// ...` (inner joins only), MySQL and MariaDB a multi-table `DELETE t FROM
    /// t INNER JOIN j ON ...`; SQLite has none ([`Error::Unsupported`],
    /// nothing deleted: filter with a subquery instead).
    async fn delete_all<Q: IntoQuery<I>, I>(&self, query: Q) -> Result<u64> {
        let stmt = bulk_statement(self.driver().backend(), query.into_query(), None, false)?;
        Ok(log::execute(self.driver(), &stmt).await?.rows_affected)
    }

    /// [`Repo::delete_all`] that also returns the deleted rows, where the
    /// database has `DELETE ... RETURNING` (PostgreSQL, SQLite 3.35+,
    /// MariaDB 10.5+ without joins). Elsewhere (MySQL, MariaDB's multi-table
    /// DELETE) the rows are `None`: the delete runs the same and only its
    /// count comes back.
    async fn delete_all_returning<Q: IntoQuery<I>, I>(
        &self,
        query: Q,
    ) -> Result<(u64, Option<Vec<Q::Schema>>)> {
        let backend = self.driver().backend();
        let query = query.into_query();
        let multi_table = query.has_joins()
            && backend.dialect.delete_join() == Some(crate::dialect::JoinedWrite::MultiTable);
        if !backend.capabilities.delete_returning || multi_table {
            return Ok((self.delete_all(query).await?, None));
        }
        let stmt = bulk_statement(backend, query, None, true)?;
        let rows: Vec<Q::Schema> = fetch_all(self.driver(), &stmt).await?;
        Ok((rows.len() as u64, Some(rows)))
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

    /// Runs a [`Multi`]'s steps in order in one transaction (a savepoint
    /// inside one), Ecto's `Repo.transaction(multi)`: every step's result, or
    /// on the first failure a [`MultiError`] naming the step, with its error
    /// and the results of the steps before it, everything rolled back. A
    /// duplicate step name or an invalid changeset fails it before anything
    /// is sent.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::{repo::Multi, Repo};
    /// let mut multi = Multi::new();
    /// let a = multi.insert("a", Product { name: "A".into(), ..Default::default() });
    /// let b = multi.insert("b", Product { name: "B".into(), ..Default::default() });
    /// match repo.transaction_multi(multi).await {
    ///     Ok(done) => println!("{} and {}", done.get(a)?.id, done.get(b)?.id),
    ///     Err(failed) => println!("{:?} failed: {}", failed.step(), failed.error()),
    /// }
    /// # Ok(()) }
    /// ```
    async fn transaction_multi(&self, multi: Multi) -> std::result::Result<Results, MultiError> {
        multi::run(self, multi).await
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

    /// This repo with a default prefix (Ecto's `prefix:` option and
    /// `default_options/1`): every statement built through it — reads,
    /// writes, preloads, aggregates, `update_all` / `delete_all`, and those
    /// of the transactions it opens — targets the schema (Postgres) or
    /// database (MySQL) `prefix` where neither the query
    /// ([`Query::prefix`](crate::Query::prefix)) nor the schema
    /// (`#[quarry(prefix = "...")]`) names one. Raw SQL runs as written.
    ///
    /// A `prefix` that is not a plain identifier is
    /// [`QueryError::InvalidPrefix`]. SQLite has no schemas (ATTACHed
    /// databases are not supported): every statement that would carry a
    /// prefix is [`Error::Unsupported`] there.
    ///
    /// ```no_run
    /// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::Repo;
    /// let tenant = repo.with_prefix("tenant_a")?;
    /// tenant.insert(Product { name: "Tulip".into(), ..Default::default() }).await?;
    /// let theirs = tenant.all(quarry_query::from::<Product>()).await?;
    /// // A query's own prefix wins over the repo's.
    /// let others = tenant.all(quarry_query::from::<Product>().prefix("tenant_b")).await?;
    /// # Ok(()) }
    /// ```
    fn with_prefix(&self, prefix: impl crate::prefix::IntoPrefix) -> Result<Prefixed<'_, Self>> {
        Ok(Prefixed::new(self, prefix.into_prefix()?))
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

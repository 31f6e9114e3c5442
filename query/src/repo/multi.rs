//! [`Multi`]: named steps run in one transaction (Ecto's `Ecto.Multi`).
//!
//! Each step added returns a [`Step`] handle; later steps (through
//! [`Multi::run`]) and the caller read the step's result with it, typed:
//! [`Results::get`] gives the step's own type, no cast. Running a multi
//! ([`Repo::transaction_multi`](super::Repo::transaction_multi)) is one
//! transaction: every step's result on success; on the first failure, a
//! [`MultiError`] naming the step, with its error and the results of the steps
//! before it, and nothing written.

use super::{BoxFuture, OnConflict, Repo, Transaction, Updates};
use crate::into_query::IntoQuery;
use quarry_core::{Changeset, Error, QueryError, Schema};
use std::any::Any;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a step's result is stored as.
type Value = Box<dyn Any + Send + Sync>;

/// A step's work, given the transaction and the results so far.
type StepFn = Box<
    dyn for<'a> FnOnce(&'a Transaction, &'a Results) -> BoxFuture<'a, Result<Value, Error>> + Send,
>;

/// A merge's work: the multi to run next, built from the results so far.
type MergeFn = Box<dyn FnOnce(&Results) -> Result<Multi, Error> + Send>;

/// Each multi's own number: a [`Step`] names the multi it came from, so a
/// step of another multi is never read as one of this one.
static NEXT_MULTI: AtomicU64 = AtomicU64::new(1);

/// The handle of one step of a [`Multi`]: read the step's result with
/// [`Results::get`] (typed as `T`, the step's result type).
pub struct Step<T> {
    key: (u64, usize),
    _result: PhantomData<fn() -> T>,
}

impl<T> Clone for Step<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Step<T> {}

impl<T> fmt::Debug for Step<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Step({}.{})", self.key.0, self.key.1)
    }
}

enum Work {
    Step(StepFn),
    Merge(MergeFn),
}

struct Def {
    key: (u64, usize),
    name: String,
    /// An error known before anything runs (an invalid changeset): the
    /// multi fails with it at once.
    early: Option<Error>,
    work: Work,
}

/// Named database steps run in one transaction (Ecto's `Ecto.Multi`): build
/// it with the step methods (each returns the step's [`Step`] handle), run it
/// with [`Repo::transaction_multi`](super::Repo::transaction_multi).
///
/// Step names are unique: a duplicate is refused before anything runs. An
/// invalid changeset given to a step is refused before anything runs too (as
/// Ecto does), with the changeset in the error.
///
/// ```no_run
/// # async fn demo(repo: &impl quarry_query::Repo) -> quarry_core::Result<()> {
/// # use quarry_core::doc_support::Product;
/// use quarry_query::repo::Multi;
/// use quarry_query::{ColumnExt, Repo, Updates};
/// let mut multi = Multi::new();
/// let tulip = multi.insert("tulip", Product { name: "Tulip".into(), ..Default::default() });
/// let copy = multi.run("copy", move |tx, done| Box::pin(async move {
///     let tulip = done.get(tulip)?;
///     tx.insert(Product { name: format!("{} (copy)", tulip.name), ..Default::default() }).await
/// }));
/// let cheap = multi.update_all("cheap", Product::price.gt(10.0), Updates::new().set(Product::price, 10.0));
/// let done = repo.transaction_multi(multi).await.map_err(|e| e.into_error())?;
/// assert_eq!(done.get(copy)?.name, "Tulip (copy)");
/// let changed: u64 = *done.get(cheap)?;
/// # Ok(()) }
/// ```
pub struct Multi {
    id: u64,
    next: usize,
    defs: Vec<Def>,
}

impl Default for Multi {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Multi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multi")
            .field("steps", &self.names())
            .finish()
    }
}

impl Multi {
    /// An empty multi.
    pub fn new() -> Self {
        Multi {
            id: NEXT_MULTI.fetch_add(1, Ordering::Relaxed),
            next: 0,
            defs: Vec::new(),
        }
    }

    /// The step names, in order (a merge's steps are known only when it runs).
    pub fn names(&self) -> Vec<&str> {
        self.defs
            .iter()
            .filter(|d| matches!(d.work, Work::Step(_)))
            .map(|d| d.name.as_str())
            .collect()
    }

    fn push<T>(&mut self, name: String, early: Option<Error>, work: Work) -> Step<T> {
        let key = (self.id, self.next);
        self.next += 1;
        self.defs.push(Def {
            key,
            name,
            early,
            work,
        });
        Step {
            key,
            _result: PhantomData,
        }
    }

    /// A step of `f`, whose result is `T`.
    fn step<T, F>(&mut self, name: impl Into<String>, early: Option<Error>, f: F) -> Step<T>
    where
        T: Send + Sync + 'static,
        F: for<'a> FnOnce(&'a Transaction, &'a Results) -> BoxFuture<'a, Result<T, Error>>
            + Send
            + 'static,
    {
        let work: StepFn = Box::new(move |tx, done| {
            let fut = f(tx, done);
            Box::pin(async move { fut.await.map(|v| Box::new(v) as Value) })
        });
        self.push(name.into(), early, Work::Step(work))
    }

    /// A changeset to write, or the error it is already known to fail with
    /// (invalid: nothing runs).
    fn checked<S: Schema>(
        cs: Changeset<S>,
        action: quarry_core::Action,
    ) -> (Option<Changeset<S>>, Option<Error>) {
        if cs.is_valid() {
            (Some(cs), None)
        } else {
            let mut cs = cs;
            cs.set_action(action);
            (None, Some(cs.into_error()))
        }
    }

    /// Inserts a struct or changeset ([`Repo::insert`]); the step's result is
    /// the stored row.
    pub fn insert<S: Schema, C: Into<Changeset<S>>>(
        &mut self,
        name: impl Into<String>,
        changeset: C,
    ) -> Step<S> {
        let (cs, early) = Self::checked(changeset.into(), quarry_core::Action::Insert);
        self.step(name, early, move |tx, _| {
            Box::pin(async move {
                match cs {
                    Some(cs) => tx.insert(cs).await,
                    None => Err(Error::Query(QueryError::Internal(
                        "an invalid multi step ran",
                    ))),
                }
            })
        })
    }

    /// Inserts, or on a conflict does what `on_conflict` says
    /// ([`Repo::upsert`]); the step's result is the stored row.
    pub fn upsert<S: Schema, C: Into<Changeset<S>>>(
        &mut self,
        name: impl Into<String>,
        changeset: C,
        on_conflict: OnConflict<S>,
    ) -> Step<S> {
        let (cs, early) = Self::checked(changeset.into(), quarry_core::Action::Insert);
        self.step(name, early, move |tx, _| {
            Box::pin(async move {
                match cs {
                    Some(cs) => tx.upsert(cs, on_conflict).await,
                    None => Err(Error::Query(QueryError::Internal(
                        "an invalid multi step ran",
                    ))),
                }
            })
        })
    }

    /// Inserts a built changeset's row or updates a loaded one's
    /// ([`Repo::insert_or_update`]); the step's result is the stored row.
    pub fn insert_or_update<S: Schema>(
        &mut self,
        name: impl Into<String>,
        changeset: Changeset<S>,
    ) -> Step<S> {
        let action = match changeset.data().meta().state() {
            quarry_core::State::Built => quarry_core::Action::Insert,
            _ => quarry_core::Action::Update,
        };
        let (cs, early) = Self::checked(changeset, action);
        self.step(name, early, move |tx, _| {
            Box::pin(async move {
                match cs {
                    Some(cs) => tx.insert_or_update(cs).await,
                    None => Err(Error::Query(QueryError::Internal(
                        "an invalid multi step ran",
                    ))),
                }
            })
        })
    }

    /// Updates a changeset's row ([`Repo::update`]); the step's result is the
    /// updated row.
    pub fn update<S: Schema>(
        &mut self,
        name: impl Into<String>,
        changeset: Changeset<S>,
    ) -> Step<S> {
        let (cs, early) = Self::checked(changeset, quarry_core::Action::Update);
        self.step(name, early, move |tx, _| {
            Box::pin(async move {
                match cs {
                    Some(cs) => tx.update(cs).await,
                    None => Err(Error::Query(QueryError::Internal(
                        "an invalid multi step ran",
                    ))),
                }
            })
        })
    }

    /// Deletes a struct's (or changeset's) row ([`Repo::delete`]); the step's
    /// result is the deleted row.
    pub fn delete<S: Schema, C: Into<Changeset<S>>>(
        &mut self,
        name: impl Into<String>,
        changeset: C,
    ) -> Step<S> {
        let (cs, early) = Self::checked(changeset.into(), quarry_core::Action::Delete);
        self.step(name, early, move |tx, _| {
            Box::pin(async move {
                match cs {
                    Some(cs) => tx.delete(cs).await,
                    None => Err(Error::Query(QueryError::Internal(
                        "an invalid multi step ran",
                    ))),
                }
            })
        })
    }

    /// Inserts many rows ([`Repo::insert_all`]); the step's result is the
    /// count inserted. An invalid changeset among them is refused before
    /// anything runs.
    pub fn insert_all<S: Schema, C: Into<Changeset<S>>>(
        &mut self,
        name: impl Into<String>,
        rows: Vec<C>,
    ) -> Step<u64> {
        let rows: Vec<Changeset<S>> = rows.into_iter().map(Into::into).collect();
        let early = rows.iter().find(|cs| !cs.is_valid()).map(|cs| {
            let mut cs = cs.clone();
            cs.set_action(quarry_core::Action::Insert);
            cs.into_error()
        });
        self.step(name, early, move |tx, _| {
            Box::pin(async move { Ok(tx.insert_all(rows).await?.0) })
        })
    }

    /// Updates every row matching `query` ([`Repo::update_all`]); the step's
    /// result is the count.
    pub fn update_all<Q, I>(
        &mut self,
        name: impl Into<String>,
        query: Q,
        updates: Updates<Q::Schema>,
    ) -> Step<u64>
    where
        Q: IntoQuery<I> + Send + 'static,
        I: 'static,
    {
        let query = query.into_query();
        self.step(name, None, move |tx, _| {
            Box::pin(async move { tx.update_all(query, updates).await })
        })
    }

    /// Deletes every row matching `query` ([`Repo::delete_all`]); the step's
    /// result is the count.
    pub fn delete_all<Q, I>(&mut self, name: impl Into<String>, query: Q) -> Step<u64>
    where
        Q: IntoQuery<I> + Send + 'static,
        I: 'static,
    {
        let query = query.into_query();
        self.step(name, None, move |tx, _| {
            Box::pin(async move { tx.delete_all(query).await })
        })
    }

    /// A step computed from the results so far (Ecto's `Multi.run`): `f` gets
    /// the transaction and the [`Results`] of the steps before it; its `Ok` is
    /// the step's result, its `Err` fails the multi.
    pub fn run<T, F>(&mut self, name: impl Into<String>, f: F) -> Step<T>
    where
        T: Send + Sync + 'static,
        F: for<'a> FnOnce(&'a Transaction, &'a Results) -> BoxFuture<'a, Result<T, Error>>
            + Send
            + 'static,
    {
        self.step(name, None, f)
    }

    /// Appends `other`'s steps after this one's (Ecto's `Multi.append`): the
    /// handles `other` gave out read their results from the combined run.
    pub fn append(&mut self, other: Multi) -> &mut Self {
        self.defs.extend(other.defs);
        self
    }

    /// Runs the multi `f` builds from the results so far, at this point
    /// (Ecto's `Multi.merge`). Its step names must be new too.
    pub fn merge<F>(&mut self, f: F) -> &mut Self
    where
        F: FnOnce(&Results) -> Result<Multi, Error> + Send + 'static,
    {
        let _: Step<()> = self.push(String::new(), None, Work::Merge(Box::new(f)));
        self
    }

    /// Why `defs` cannot run, found before anything is sent: the first
    /// duplicate step name (names in `seen` are taken already), else the
    /// first step given an invalid changeset; with that step's name.
    fn refused(defs: &mut [Def], seen: &mut HashSet<String>) -> Option<(String, Error)> {
        for d in defs.iter().filter(|d| matches!(d.work, Work::Step(_))) {
            if !seen.insert(d.name.clone()) {
                let e = Error::Query(QueryError::DuplicateStep(d.name.clone()));
                return Some((d.name.clone(), e));
            }
        }
        defs.iter_mut()
            .find_map(|d| d.early.take().map(|e| (d.name.clone(), e)))
    }
}

/// The results of a multi's steps, read by their [`Step`] handles.
#[derive(Default)]
pub struct Results {
    entries: Vec<((u64, usize), String, Value)>,
}

impl fmt::Debug for Results {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Results")
            .field("steps", &self.names())
            .finish()
    }
}

impl Results {
    /// The result of `step`. A step of another multi (not appended to this
    /// one) or one that has not run is [`Error::Query`].
    pub fn get<T: 'static>(&self, step: Step<T>) -> Result<&T, Error> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == step.key)
            .and_then(|(_, _, v)| v.downcast_ref::<T>())
            .ok_or_else(not_here)
    }

    /// The result of the step named `name`, as a `T`: for the steps of a
    /// [`Multi::merge`], whose handles stay inside its closure. A name that
    /// has not run, or a result that is not a `T`, is [`Error::Query`]
    /// (prefer [`Results::get`] where there is a handle: it cannot be wrong).
    pub fn get_named<T: 'static>(&self, name: &str) -> Result<&T, Error> {
        self.entries
            .iter()
            .find(|(_, n, _)| n == name)
            .and_then(|(_, _, v)| v.downcast_ref::<T>())
            .ok_or_else(|| {
                Error::Query(QueryError::Other(format!(
                    "no step named `{name}` with a result of type {} has run",
                    std::any::type_name::<T>()
                )))
            })
    }

    /// Moves the result of `step` out (a later `get` of it is an error).
    pub fn take<T: 'static>(&mut self, step: Step<T>) -> Result<T, Error> {
        let at = self
            .entries
            .iter()
            .position(|(k, _, v)| *k == step.key && v.is::<T>())
            .ok_or_else(not_here)?;
        let (_, _, v) = self.entries.remove(at);
        v.downcast::<T>().map(|b| *b).map_err(|_| not_here())
    }

    /// The names of the steps that ran, in order.
    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|(_, n, _)| n.as_str()).collect()
    }

    /// How many steps ran.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no step ran.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn not_here() -> Error {
    Error::Query(QueryError::Other(
        "that step is not one of this multi's, or has not run".into(),
    ))
}

/// Why a multi failed: the step (`None` for the transaction itself, its
/// BEGIN or COMMIT, or a [`Multi::merge`] closure's own error), its error (an invalid changeset is
/// [`Error::Invalid`], with the changeset) and the results of the steps that
/// ran before it, which are rolled back.
pub struct MultiError(Box<Failure>);

struct Failure {
    step: Option<String>,
    error: Error,
    done: Results,
}

impl MultiError {
    fn new(step: Option<String>, error: Error, done: Results) -> Self {
        MultiError(Box::new(Failure { step, error, done }))
    }

    /// The name of the step that failed (`None`: the transaction's BEGIN or
    /// COMMIT failed, or a merge closure returned an error).
    pub fn step(&self) -> Option<&str> {
        self.0.step.as_deref()
    }

    /// The step's error.
    pub fn error(&self) -> &Error {
        &self.0.error
    }

    /// The results of the steps before the failing one (not written: the
    /// transaction was rolled back).
    pub fn done(&self) -> &Results {
        &self.0.done
    }

    /// The step's error, for `?` in code that returns [`Error`].
    pub fn into_error(self) -> Error {
        self.0.error
    }

    /// The step's error and the results before it.
    pub fn into_parts(self) -> (Option<String>, Error, Results) {
        let f = *self.0;
        (f.step, f.error, f.done)
    }
}

impl fmt::Debug for MultiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiError")
            .field("step", &self.0.step)
            .field("error", &self.0.error)
            .field("done", &self.0.done)
            .finish()
    }
}

impl fmt::Display for MultiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.step {
            Some(step) => write!(f, "step `{step}` of the multi failed: {}", self.0.error),
            None => write!(f, "the multi's transaction failed: {}", self.0.error),
        }
    }
}

impl std::error::Error for MultiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0.error)
    }
}

impl From<MultiError> for Error {
    fn from(e: MultiError) -> Self {
        e.into_error()
    }
}

/// Runs `multi` on `repo` in one transaction (a savepoint inside one).
pub(crate) async fn run<R: Repo + ?Sized>(repo: &R, multi: Multi) -> Result<Results, MultiError> {
    let mut defs = multi.defs;
    // Duplicate names and invalid changesets are refused before the
    // transaction starts.
    if let Some((step, error)) = Multi::refused(&mut defs, &mut HashSet::new()) {
        return Err(MultiError::new(Some(step), error, Results::default()));
    }
    let mut queue: std::collections::VecDeque<Def> = defs.into();
    let mut done = Results::default();
    let tx = match repo.begin().await {
        Ok(tx) => tx,
        Err(e) => return Err(MultiError::new(None, e, done)),
    };
    while let Some(def) = queue.pop_front() {
        let (step, error) = match def.work {
            Work::Step(f) => match f(&tx, &done).await {
                Ok(v) => {
                    done.entries.push((def.key, def.name, v));
                    continue;
                }
                Err(e) => (Some(def.name), e),
            },
            Work::Merge(f) => match f(&done) {
                Ok(next) => {
                    let mut names: HashSet<String> =
                        done.names().into_iter().map(str::to_string).collect();
                    names.extend(
                        queue
                            .iter()
                            .filter(|d| matches!(d.work, Work::Step(_)))
                            .map(|d| d.name.clone()),
                    );
                    let mut defs = next.defs;
                    match Multi::refused(&mut defs, &mut names) {
                        Some((step, e)) => (Some(step), e),
                        None => {
                            for d in defs.into_iter().rev() {
                                queue.push_front(d);
                            }
                            continue;
                        }
                    }
                }
                Err(e) => (None, e),
            },
        };
        // A failed rollback loses nothing: the database rolls back a
        // transaction whose connection is gone.
        let _ = tx.rollback().await;
        return Err(MultiError::new(step, error, done));
    }
    if let Err(e) = tx.commit().await {
        return Err(MultiError::new(None, e, done));
    }
    Ok(done)
}

//! Transactions and savepoints, the same for every database: the adapter gives a
//! [`TxDriver`] (a connection inside BEGIN); nesting is done here with savepoints.

use super::Repo;
use crate::driver::{
    refuse_options, Backend, Driver, DriverExt, ExecResult, RowSink, RunOptions, TxDriver,
};
use crate::statement::Statement;
use async_trait::async_trait;
use quarry_core::{Error, Result, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The connection shared by a transaction and its savepoints, with the savepoint
/// rollbacks still owed by savepoints dropped without commit.
struct Shared {
    driver: Box<dyn TxDriver>,
    owed: Mutex<Vec<String>>,
    done: AtomicBool,
}

impl Shared {
    async fn settle(&self) -> Result<()> {
        if self.done.load(Ordering::Acquire) {
            return Err(Error::TransactionDone);
        }
        let owed: Vec<String> = match self.owed.lock() {
            Ok(mut g) => std::mem::take(&mut *g),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        };
        for sql in owed {
            self.driver.execute(&Statement::raw(sql, [])).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Driver for Shared {
    fn backend(&self) -> &Backend {
        self.driver.backend()
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        self.settle().await?;
        self.driver.run(stmt, options, rows).await
    }
    /// Here and now when nothing is owed (a savepoint's release or rollback
    /// still to send goes first, through `run`).
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        if self.done.load(Ordering::Acquire) {
            return Some(Err(Error::TransactionDone));
        }
        let settled = match self.owed.lock() {
            Ok(g) => g.is_empty(),
            Err(p) => p.into_inner().is_empty(),
        };
        if !settled {
            return None;
        }
        self.driver.run_now(stmt, options, rows)
    }
    fn is_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Err(Error::Query(quarry_core::QueryError::NestedBegin))
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        self.driver.resolve_foreign_key(table, columns).await
    }
}

/// An open transaction (or savepoint). It is a [`Repo`]: run any operation on it.
/// [`Transaction::commit`] makes the work durable; dropping it without commit
/// rolls it back.
pub struct Transaction {
    shared: Arc<Shared>,
    /// The backend its statements are built for when it is not the
    /// connection's (a [`Prefixed`](super::Prefixed) repo's savepoint: its
    /// default prefix).
    view: Option<Arc<View>>,
    depth: u32,
    finished: bool,
}

/// The connection of a transaction seen with another backend (a default
/// prefix).
struct View {
    shared: Arc<Shared>,
    backend: Backend,
}

#[async_trait]
impl Driver for View {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        self.shared.run(stmt, options, rows).await
    }
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        self.shared.run_now(stmt, options, rows)
    }
    fn is_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        self.shared.begin().await
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        self.shared.resolve_foreign_key(table, columns).await
    }
}

impl Transaction {
    /// Wraps a freshly begun adapter transaction.
    pub fn new(driver: Box<dyn TxDriver>) -> Self {
        Transaction {
            shared: Arc::new(Shared {
                driver,
                owed: Mutex::new(Vec::new()),
                done: AtomicBool::new(false),
            }),
            view: None,
            depth: 0,
            finished: false,
        }
    }

    /// This transaction with its statements built for `backend` (a
    /// [`Prefixed`](super::Prefixed) repo's savepoint).
    pub(crate) fn with_backend(mut self, backend: Backend) -> Self {
        self.view = Some(Arc::new(View {
            shared: Arc::clone(&self.shared),
            backend,
        }));
        self
    }

    fn savepoint(&self) -> String {
        format!("quarry_sp_{}", self.depth)
    }

    /// How deep this transaction is nested (0 for the outermost).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Commits (a savepoint is released into its parent).
    pub async fn commit(mut self) -> Result<()> {
        self.finished = true;
        if self.depth == 0 {
            self.shared.settle().await?;
            self.shared.done.store(true, Ordering::Release);
            crate::log::execute(&NoteOnly(&self.shared), &Statement::raw("COMMIT", [])).await?;
            self.shared.driver.commit().await.map_err(|e| match e {
                // The connection failed while COMMIT was on its way: whether
                // the database committed is not known.
                Error::Connection(c) if c.kind == quarry_core::ConnectionErrorKind::Lost => {
                    Error::CommitOutcomeUnknown(c)
                }
                other => other,
            })
        } else {
            let sql = format!("RELEASE SAVEPOINT {}", self.savepoint());
            crate::log::execute(&*self.shared, &Statement::raw(sql, []))
                .await
                .map(drop)
        }
    }

    /// Rolls back (a savepoint rolls back to where it began).
    pub async fn rollback(mut self) -> Result<()> {
        self.finished = true;
        if self.depth == 0 {
            self.shared.done.store(true, Ordering::Release);
            crate::log::execute(&NoteOnly(&self.shared), &Statement::raw("ROLLBACK", [])).await?;
            self.shared.driver.rollback().await
        } else {
            let sp = self.savepoint();
            crate::log::execute(
                &*self.shared,
                &Statement::raw(format!("ROLLBACK TO SAVEPOINT {sp}"), []),
            )
            .await?;
            crate::log::execute(
                &*self.shared,
                &Statement::raw(format!("RELEASE SAVEPOINT {sp}"), []),
            )
            .await
            .map(drop)
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.finished || self.depth == 0 {
            // The outermost transaction rolls back when the adapter's connection
            // handle is dropped with the last reference.
            return;
        }
        let sp = self.savepoint();
        let mut owed = match self.shared.owed.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        owed.push(format!("ROLLBACK TO SAVEPOINT {sp}"));
        owed.push(format!("RELEASE SAVEPOINT {sp}"));
    }
}

/// Logs COMMIT / ROLLBACK as statements without running them (the adapter's
/// commit/rollback does the work), so statement logs show transaction bounds.
struct NoteOnly<'a>(&'a Shared);

#[async_trait]
impl Driver for NoteOnly<'_> {
    fn backend(&self) -> &Backend {
        self.0.backend()
    }
    async fn run(
        &self,
        _stmt: &Statement,
        options: RunOptions,
        _rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        refuse_options(self.backend(), options)?;
        Ok(ExecResult::default())
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Err(Error::TransactionDone)
    }
}

#[async_trait]
impl Repo for Transaction {
    fn driver(&self) -> &dyn Driver {
        match &self.view {
            Some(view) => &**view,
            None => &*self.shared,
        }
    }

    async fn begin(&self) -> Result<Transaction> {
        let nested = Transaction {
            shared: Arc::clone(&self.shared),
            view: self.view.clone(),
            depth: self.depth + 1,
            finished: false,
        };
        let sql = format!("SAVEPOINT {}", nested.savepoint());
        if let Err(e) = crate::log::execute(&*self.shared, &Statement::raw(sql, [])).await {
            let mut nested = nested;
            nested.finished = true;
            return Err(e);
        }
        Ok(nested)
    }
}

#[cfg(test)]
mod tests {
    //! How a transaction routes statements to its adapter transaction: a
    //! routing question, answered by an adapter stand-in that records calls.
    use super::*;
    use crate::driver::Capabilities;
    use crate::Dialect;

    /// An adapter transaction that answers `run_now` at once (as SQLite's
    /// does when its connection is free) and records what reaches `run`.
    struct Inline {
        backend: Backend,
        ran: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl Driver for Inline {
        fn backend(&self) -> &Backend {
            &self.backend
        }
        async fn run(
            &self,
            stmt: &Statement,
            _options: RunOptions,
            _rows: Option<&mut RowSink<'_>>,
        ) -> Result<ExecResult> {
            self.ran.lock().unwrap().push(stmt.sql.to_string());
            Ok(ExecResult::default())
        }
        fn run_now(
            &self,
            _stmt: &Statement,
            _options: RunOptions,
            _rows: Option<&mut RowSink<'_>>,
        ) -> Option<Result<ExecResult>> {
            Some(Ok(ExecResult {
                rows_affected: 7,
                last_insert_id: None,
            }))
        }
        async fn begin(&self) -> Result<Box<dyn TxDriver>> {
            Err(Error::Query(quarry_core::QueryError::NestedBegin))
        }
    }

    #[async_trait]
    impl TxDriver for Inline {
        async fn commit(&self) -> Result<()> {
            Ok(())
        }
        async fn rollback(&self) -> Result<()> {
            Ok(())
        }
    }

    fn transaction() -> Transaction {
        Transaction::new(Box::new(Inline {
            backend: Backend {
                dialect: Dialect::Sqlite,
                name: "SQLite",
                version: "3.50.0".into(),
                capabilities: Capabilities::ALL,
                default_prefix: None,
            },
            ran: Mutex::new(Vec::new()),
        }))
    }

    fn now(tx: &Transaction) -> Option<Result<ExecResult>> {
        let stmt = Statement::raw("SELECT 1", []);
        tx.driver().run_now(&stmt, RunOptions::default(), None)
    }

    #[tokio::test]
    async fn run_now_reaches_the_adapter_unless_a_savepoint_rollback_is_owed() {
        let tx = transaction();
        let done = now(&tx).expect("forwarded").expect("ran");
        assert_eq!(done.rows_affected, 7);

        let savepoint = tx.begin().await.expect("savepoint");
        drop(savepoint);
        // The dropped savepoint's rollback goes first, through `run`.
        assert!(now(&tx).is_none());
        tx.driver()
            .execute(&Statement::raw("SELECT 2", []))
            .await
            .expect("run");
        assert_eq!(
            now(&tx)
                .expect("forwarded again")
                .expect("ran")
                .rows_affected,
            7
        );

        // Through a view (a prefixed repo's savepoint) as well.
        let backend = tx.driver().backend().clone();
        let viewed = tx.with_backend(backend);
        assert!(now(&viewed).is_some());
        viewed.shared.done.store(true, Ordering::Release);
        assert!(matches!(now(&viewed), Some(Err(Error::TransactionDone))));
    }
}

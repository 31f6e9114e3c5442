//! What `#[quarry::test]` expands to: a runtime per test, the sandbox, the
//! fixtures, the body, the rollback (also after a panic).

// A test runner fails a test by panicking: that is what libtest reports.
#![allow(clippy::panic)]

use super::sandbox::Sandbox;
use super::setup::{database_url, sandbox, Migrations};
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Where a test's database comes from (the attribute's `url` / `env`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// `QUARRY_TEST_DATABASE_URL`, `DATABASE_URL`, `sqlite::memory:`.
    Default,
    /// This environment variable; the test is skipped when it is unset.
    Env(&'static str),
    /// This URL.
    Url(&'static str),
}

/// One test, as the attribute describes it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Test {
    /// The test function's name.
    pub name: &'static str,
    /// Its database.
    pub source: Source,
    /// The application's migrations.
    pub migrations: Option<Migrations>,
    /// A multi-thread runtime (2 workers) instead of a current-thread one.
    pub multi_thread: bool,
}

/// What a test function returns: `()` or a `Result<(), E>`.
#[doc(hidden)]
pub trait Outcome {
    /// The value of a skipped test (a pass).
    fn skipped() -> Self;
}

impl Outcome for () {
    fn skipped() -> Self {}
}

impl<E> Outcome for Result<(), E> {
    fn skipped() -> Self {
        Ok(())
    }
}

/// A future whose panic is caught, so the sandbox can be rolled back before
/// the panic goes on.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Runs one test: a current-thread runtime (or a multi-thread one), with IO
/// and time, the sandbox
/// on the test's database with its migrations, then `body`; the sandbox is
/// rolled back when the body returns or panics.
#[doc(hidden)]
pub fn run<T, F, Fut>(test: Test, body: F) -> T
where
    T: Outcome,
    F: FnOnce(Sandbox) -> Fut,
    Fut: Future<Output = T>,
{
    let url = match test.source {
        Source::Default => database_url(),
        Source::Url(url) => url.to_string(),
        Source::Env(var) => match std::env::var(var) {
            Ok(url) => url,
            Err(_) => {
                eprintln!("{}: skipped, {var} is not set", test.name);
                return T::skipped();
            }
        },
    };
    let mut builder = if test.multi_thread {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("{}: cannot start a tokio runtime: {e}", test.name),
    };
    runtime.block_on(async {
        let sandbox = match sandbox(&url, test.migrations).await {
            Ok(s) => s,
            Err(e) => panic!(
                "{}: cannot open a sandbox on the {} database: {e}",
                test.name,
                url.split(':').next().unwrap_or("")
            ),
        };
        let keep = sandbox.clone();
        let out = CatchUnwind(Box::pin(body(sandbox))).await;
        // Rolled back here, on the runtime, so the connection closes cleanly
        // (dropping it would roll back too, on the server's side).
        let _ = keep.rollback().await;
        match out {
            Ok(v) => v,
            Err(panic) => resume_unwind(panic),
        }
    })
}

/// Runs one fixture of a test: a SQL file's text or a function's future.
#[doc(hidden)]
pub async fn fixture<E, Fut>(test: &str, name: &str, fut: Fut)
where
    E: std::fmt::Display,
    Fut: Future<Output = Result<(), E>>,
{
    if let Err(e) = fut.await {
        panic!("{test}: fixture `{name}` failed: {e}");
    }
}

//! [`PoolStatus`]: how a pool's connections are used at one moment.

/// A pool's connections at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStatus {
    /// The most connections it opens.
    pub max: usize,
    /// Connections open now (idle and in use).
    pub open: usize,
    /// Open and free.
    pub idle: usize,
    /// Handed out (running a statement or held by a transaction).
    pub in_use: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

impl PoolStatus {
    /// A status of these counts.
    pub fn new(max: usize, open: usize, idle: usize, waiting: usize) -> Self {
        PoolStatus {
            max,
            open,
            idle,
            in_use: open.saturating_sub(idle),
            waiting,
        }
    }
}

impl std::fmt::Display for PoolStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} connections open, {} idle, {} in use, {} waiting",
            self.open, self.max, self.idle, self.in_use, self.waiting
        )
    }
}

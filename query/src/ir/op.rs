//! The operations of quarry's postfix form, and the names and kinds they carry.

pub use crate::dialect::ArrayOp;

/// Sort direction.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    Asc,
    Desc,
}

/// Where NULLs sort.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nulls {
    Default,
    First,
    Last,
}

/// A name in SQL (table, alias, column, literal): a `&'static str` compared and
/// hashed by address and length, which is exact for static strings (the same
/// address and length is the same text) and much cheaper than by content.
#[derive(Clone, Copy, Debug)]
pub struct Name(pub &'static str);

/// `PartialEq`, `Eq` and `Hash` by address and length for a wrapper of a
/// static string or slice: exact, since the same address and length is the
/// same content, and one word to hash (equal values hash equally; equality
/// itself stays exact).
macro_rules! by_address {
    ($wrapper:ident) => {
        impl PartialEq for $wrapper {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(self.0.as_ptr(), other.0.as_ptr()) && self.0.len() == other.0.len()
            }
        }
        impl Eq for $wrapper {}
        impl std::hash::Hash for $wrapper {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                state.write_u64((self.0.as_ptr() as u64) ^ ((self.0.len() as u64) << 48));
            }
        }
    };
}
by_address!(Name);

/// A schema's static field list, compared and hashed by address and length as
/// [`Name`] is: the same address and length is the same list.
#[derive(Clone, Copy, Debug)]
pub struct Fields(pub &'static [quarry_core::FieldDef]);

by_address!(Fields);

/// One operation. Operands come before their operator.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A column of a table or alias.
    Col(Name, Name),
    /// The next bound value.
    Val,
    /// Argument `n` of a prepared query (see [`crate::prepared`]): bound when
    /// the query runs, so it holds no value here.
    Param(u16),
    /// `x IN (list argument n)` of a prepared query: one operand `x`; on
    /// Postgres one array (`x = ANY($1)`), elsewhere as many placeholders as
    /// the list has items when it runs.
    ParamIn(u16),
    /// Literal SQL (`1 = 1`, `1 = 0`).
    Lit(Name),
    /// A SQL fragment with its `n` operands in place of its `?`s (see
    /// [`crate::fragment()`]).
    Fragment(Name, u8),
    /// Binary comparisons and connectives.
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    And,
    Or,
    Like,
    NotLike,
    /// Unary.
    Not,
    IsNull,
    IsNotNull,
    Lower,
    /// `x BETWEEN a AND b` (three operands).
    Between,
    /// `x IN (n values)` / `NOT IN`: one operand `x`; the `n` values follow in
    /// `values` (they are not operations: a long list stays a short shape).
    InList(u32),
    /// `x IN (n values)` that Postgres binds as one array (`x = ANY($1)`): the
    /// values are non-NULL and of a type arrays bind. Elsewhere an IN list.
    InArray(u32),
    NotInList(u32),
    /// A condition on an array column: two operands, the array and a bound
    /// array of values; `text` when the elements are strings (Postgres
    /// compares them as `text[]`, whatever the column's `varchar(n)[]`).
    Array(ArrayOp, bool),
    /// `x IN (subquery)` and friends; the subquery is the next one in `subs`.
    InSub,
    NotInSub,
    Exists,
    NotExists,
    /// A subquery of one column and at most one row, as a value (a scalar
    /// subquery: `(SELECT count(*) FROM ..)`); the next one in `subs`.
    ScalarSub,
    /// Aggregates.
    CountStar,
    CountDistinct,
    Sum {
        integer: bool,
    },
    Avg,
    Min,
    Max,
    /// Window functions (used under `Over`).
    RowNumber,
    Rank,
    DenseRank,
    /// `LAG(x, n)` / `LEAD(x, n)`: one operand; `n` is written as a literal.
    Lag(u8),
    Lead(u8),
    /// `f OVER (PARTITION BY p.. ORDER BY o..)`: operands are the function,
    /// then `partitions` expressions, then `orders` ORDER BY terms (each
    /// ending in `OrderItem`).
    Over {
        partitions: u8,
        orders: u8,
    },
    /// Ends one item of a list (select list, GROUP BY).
    Item,
    /// Every persisted column of a source (a table or an alias), each an item
    /// of the select list, in field order: one operation where the columns
    /// one by one would be two per column (a whole-row select keeps a short
    /// shape).
    Whole(Name, Fields),
    /// Ends one ORDER BY term.
    OrderItem(Dir, Nulls),
    /// Separators of a statement's key.
    Section(u8),
    From(Name),
    /// The prefix (schema / database) of the table named next.
    Prefix(Name),
    /// The dialect a cache key is for (its name).
    Dialect(Name),
    /// The first operation of a read's cache key in place of
    /// [`Op::Dialect`]: the dialect (its name), and the capabilities (one bit
    /// each) the shape passed [`Parts::check`](super::Parts) against (see
    /// `Parts::fetch_statement`).
    Checked(Name, u16),
    Join(JoinKind, Name, Option<Name>),
    /// The end of a query's key: whether it has a limit, an offset, DISTINCT,
    /// its row lock, and the field list of the schema whose whole rows it
    /// selects first (`Parts::root`), if any.
    Tail(
        bool,
        bool,
        bool,
        Option<(LockStrength, LockWait)>,
        Option<Fields>,
    ),
}

/// How a joined source matches the rows before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// Only matching pairs.
    Inner,
    /// Every row on the left, with NULLs where nothing matches.
    Left,
    /// Every row on the right (SQLite 3.39+, Postgres, MySQL).
    Right,
    /// Every row on both sides (Postgres, SQLite 3.39+; not MySQL).
    Full,
}

/// How the rows of two queries combine (`UNION`, `INTERSECT`, `EXCEPT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOp {
    /// Rows of either, duplicates removed.
    Union,
    /// Rows of either, duplicates kept.
    UnionAll,
    /// Rows of both, duplicates removed.
    Intersect,
    /// Rows of both, duplicates kept (Postgres, MariaDB 10.5+, MySQL 8.0.31+).
    IntersectAll,
    /// Rows of the first that are not in the second, duplicates removed.
    Except,
    /// `EXCEPT ALL` (Postgres, MariaDB 10.5+, MySQL 8.0.31+).
    ExceptAll,
}

impl SetOp {
    /// The SQL keyword(s).
    pub fn keyword(self) -> &'static str {
        match self {
            SetOp::Union => "UNION",
            SetOp::UnionAll => "UNION ALL",
            SetOp::Intersect => "INTERSECT",
            SetOp::IntersectAll => "INTERSECT ALL",
            SetOp::Except => "EXCEPT",
            SetOp::ExceptAll => "EXCEPT ALL",
        }
    }
}

/// A row lock taken by a SELECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockStrength {
    /// `FOR UPDATE`.
    Update,
    /// `FOR SHARE`.
    Share,
}

/// What a locking SELECT does when a row is already locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockWait {
    /// Wait for the lock.
    Wait,
    /// Fail at once (`NOWAIT`).
    NoWait,
    /// Leave locked rows out (`SKIP LOCKED`).
    SkipLocked,
}

impl Op {
    /// True for an argument of a prepared query (a value or a list).
    pub(crate) fn is_param(&self) -> bool {
        matches!(self, Op::Param(_) | Op::ParamIn(_))
    }
    /// A column.
    #[inline]
    pub fn col(table: &'static str, column: &'static str) -> Op {
        Op::Col(Name(table), Name(column))
    }
    /// Literal SQL.
    pub fn lit(sql: &'static str) -> Op {
        Op::Lit(Name(sql))
    }
}

/// The operations of an [`Rpn`](super::Rpn).
pub(crate) type Ops = Vec<Op>;

/// The values of an [`Rpn`](super::Rpn).
pub(crate) type Values = Vec<quarry_core::Value>;

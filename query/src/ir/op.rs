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

/// One operation. Operands come before their operator. `repr(u8)`: its
/// first byte is its variant's tag (a cache key reads it, see `key_words`).
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
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

/// A name as two words: its address and its length.
#[inline]
fn name_words(n: Name) -> (u64, u64) {
    (n.0.as_ptr() as u64, n.0.len() as u64)
}

impl Op {
    /// The operation as five words for a cache key: its variant's tag, then
    /// its fields (a name or field list as its address and length, small
    /// fields packed into one word), zeros after them. Exact: two operations
    /// are equal exactly when their words are (names and field lists compare
    /// by address and length, as [`Name`] and [`Fields`] do). Every variant
    /// with fields is named here and every fieldless one is listed, so a new
    /// variant does not compile until it is encoded.
    #[inline(always)]
    pub(crate) fn key_words(&self) -> [u64; 5] {
        // SAFETY: `Op` is `repr(u8)`, so it is laid out as a `repr(C)` union
        // of `repr(C)` structs whose first field is the `u8` tag: its first
        // byte is always initialized and is the tag.
        let tag = u64::from(unsafe { *std::ptr::from_ref(self).cast::<u8>() });
        match *self {
            Op::Col(a, b) => {
                let ((a0, a1), (b0, b1)) = (name_words(a), name_words(b));
                [tag, a0, a1, b0, b1]
            }
            Op::Whole(a, f) => {
                let (a0, a1) = name_words(a);
                [tag, a0, a1, f.0.as_ptr() as u64, f.0.len() as u64]
            }
            Op::Lit(a) | Op::From(a) | Op::Prefix(a) | Op::Dialect(a) => {
                let (a0, a1) = name_words(a);
                [tag, a0, a1, 0, 0]
            }
            Op::Fragment(a, n) => {
                let (a0, a1) = name_words(a);
                [tag, a0, a1, u64::from(n), 0]
            }
            Op::Checked(a, bits) => {
                let (a0, a1) = name_words(a);
                [tag, a0, a1, u64::from(bits), 0]
            }
            Op::Join(kind, a, alias) => {
                let (a0, a1) = name_words(a);
                // A present alias has a non-null address (even an empty one).
                let (b0, b1) = alias.map_or((0, 0), name_words);
                [tag | (kind as u64) << 8, a0, a1, b0, b1]
            }
            Op::Tail(limit, offset, distinct, lock, root) => {
                let lock = lock.map_or(0, |(s, w)| 1 + (s as u64) * 4 + (w as u64));
                let flags = u64::from(limit)
                    | u64::from(offset) << 1
                    | u64::from(distinct) << 2
                    | lock << 3;
                // A present field list has a non-null address (even an
                // empty one).
                let (r0, r1) = root.map_or((0, 0), |f| (f.0.as_ptr() as u64, f.0.len() as u64));
                [tag, flags, r0, r1, 0]
            }
            Op::Param(n) | Op::ParamIn(n) => [tag, u64::from(n), 0, 0, 0],
            Op::InList(n) | Op::InArray(n) | Op::NotInList(n) => [tag, u64::from(n), 0, 0, 0],
            Op::Lag(n) | Op::Lead(n) | Op::Section(n) => [tag, u64::from(n), 0, 0, 0],
            Op::Array(op, text) => [tag, op as u64 | u64::from(text) << 8, 0, 0, 0],
            Op::Sum { integer } => [tag, u64::from(integer), 0, 0, 0],
            Op::Over { partitions, orders } => {
                [tag, u64::from(partitions) | u64::from(orders) << 8, 0, 0, 0]
            }
            Op::OrderItem(dir, nulls) => [tag, dir as u64 | (nulls as u64) << 8, 0, 0, 0],
            Op::Val
            | Op::Eq
            | Op::Ne
            | Op::Gt
            | Op::Ge
            | Op::Lt
            | Op::Le
            | Op::And
            | Op::Or
            | Op::Like
            | Op::NotLike
            | Op::Not
            | Op::IsNull
            | Op::IsNotNull
            | Op::Lower
            | Op::Between
            | Op::InSub
            | Op::NotInSub
            | Op::Exists
            | Op::NotExists
            | Op::ScalarSub
            | Op::CountStar
            | Op::CountDistinct
            | Op::Avg
            | Op::Min
            | Op::Max
            | Op::RowNumber
            | Op::Rank
            | Op::DenseRank
            | Op::Item => [tag, 0, 0, 0, 0],
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Operations of every variant, several differing in one field only.
    fn samples() -> Vec<Op> {
        const A: &[quarry_core::FieldDef] = &[];
        const B: &[quarry_core::FieldDef] = &[];
        let (t, u) = (Name("t"), Name("u"));
        let (a, b) = (Name("a"), Name("b"));
        let mut ops = vec![
            Op::Col(t, a),
            Op::Col(t, b),
            Op::Col(u, a),
            Op::Col(a, t),
            Op::Whole(t, Fields(A)),
            Op::Whole(u, Fields(A)),
            Op::Param(0),
            Op::Param(1),
            Op::ParamIn(0),
            Op::Lit(t),
            Op::From(t),
            Op::Prefix(t),
            Op::Dialect(t),
            Op::Fragment(t, 1),
            Op::Fragment(t, 2),
            Op::Checked(t, 1),
            Op::Checked(t, 2),
            Op::Checked(u, 1),
            Op::InList(3),
            Op::InArray(3),
            Op::NotInList(3),
            Op::InList(4),
            Op::Lag(1),
            Op::Lead(1),
            Op::Section(1),
            Op::Section(2),
            Op::Array(ArrayOp::Contains, false),
            Op::Array(ArrayOp::Contains, true),
            Op::Array(ArrayOp::Overlaps, false),
            Op::Sum { integer: true },
            Op::Sum { integer: false },
            Op::Over {
                partitions: 1,
                orders: 0,
            },
            Op::Over {
                partitions: 0,
                orders: 1,
            },
            Op::OrderItem(Dir::Asc, Nulls::Default),
            Op::OrderItem(Dir::Desc, Nulls::Default),
            Op::OrderItem(Dir::Asc, Nulls::First),
        ];
        for kind in [
            JoinKind::Inner,
            JoinKind::Left,
            JoinKind::Right,
            JoinKind::Full,
        ] {
            for alias in [None, Some(a), Some(Name(""))] {
                ops.push(Op::Join(kind, t, alias));
            }
        }
        ops.push(Op::Join(JoinKind::Inner, u, None));
        let locks = [
            None,
            Some((LockStrength::Update, LockWait::Wait)),
            Some((LockStrength::Update, LockWait::SkipLocked)),
            Some((LockStrength::Share, LockWait::Wait)),
            Some((LockStrength::Share, LockWait::NoWait)),
        ];
        for lock in locks {
            for root in [None, Some(Fields(A)), Some(Fields(&A[..0]))] {
                ops.push(Op::Tail(false, false, false, lock, root));
            }
        }
        ops.push(Op::Tail(true, false, false, None, None));
        ops.push(Op::Tail(false, true, false, None, None));
        ops.push(Op::Tail(false, false, true, None, None));
        ops.push(Op::Tail(false, false, false, None, Some(Fields(B))));
        ops.extend([
            Op::Val,
            Op::Eq,
            Op::Ne,
            Op::Gt,
            Op::Ge,
            Op::Lt,
            Op::Le,
            Op::And,
            Op::Or,
            Op::Like,
            Op::NotLike,
            Op::Not,
            Op::IsNull,
            Op::IsNotNull,
            Op::Lower,
            Op::Between,
            Op::InSub,
            Op::NotInSub,
            Op::Exists,
            Op::NotExists,
            Op::ScalarSub,
            Op::CountStar,
            Op::CountDistinct,
            Op::Avg,
            Op::Min,
            Op::Max,
            Op::RowNumber,
            Op::Rank,
            Op::DenseRank,
            Op::Item,
        ]);
        ops
    }

    #[test]
    fn key_words_are_equal_exactly_when_operations_are() {
        let ops = samples();
        for x in &ops {
            for y in &ops {
                assert_eq!(x.key_words() == y.key_words(), x == y, "{x:?} and {y:?}");
            }
        }
    }
}

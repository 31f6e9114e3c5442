//! Typed conditions on array columns (`Vec<T>` fields): [`ArrayExt`].

use crate::expr::{Bind, Cond};
use crate::ir::op::ArrayOp;
use crate::ir::{Op, Operand, Rpn};
use crate::source::ColumnRef;
use quarry_core::{ArrayElement, FieldValue, Value, ValueType};

/// The field type of an array column: `Vec<T>` and `Option<Vec<T>>`, whose
/// elements are `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an array column's type",
    label = "contains / contains_all / overlaps take a column of type Vec<T> or Option<Vec<T>>"
)]
pub trait ArrayColumn: FieldValue {
    /// The element type.
    type Element: ArrayElement;
}
impl<T: ArrayElement> ArrayColumn for Vec<T> {
    type Element = T;
}
impl<T: ArrayElement> ArrayColumn for Option<Vec<T>> {
    type Element = T;
}

/// The element type of an array column `C`.
type Element<C> = <<C as ColumnRef>::Value as ArrayColumn>::Element;

/// Conditions on an array column (a `Vec<T>` or `Option<Vec<T>>` field), in
/// scope through `quarry::prelude`. The values are of the element type (a
/// wrong one does not compile) and always bound: one array parameter on
/// Postgres, one JSON array on MySQL/MariaDB and SQLite. A NULL array matches
/// none of them.
///
/// | | PostgreSQL | MySQL / MariaDB | SQLite |
/// |---|---|---|---|
/// | `contains(v)`, `contains_all(vs)` | `tags @> $1` | `JSON_CONTAINS(tags, ?)` | `json_each` in `NOT EXISTS` |
/// | `overlaps(vs)` | `tags && $1` | `JSON_OVERLAPS(tags, ?)` (MySQL 8.0.17+, MariaDB 10.9+) | `json_each` in `EXISTS` |
///
/// ```
/// # use quarry_core::doc_support::Post; // tags: Vec<String>
/// use quarry_query::ArrayExt;
/// let tagged = Post::tags.contains("rust");
/// let all = Post::tags.contains_all(&["rust", "sql"]);
/// let any = Post::tags.overlaps(&["go", "zig"]);
/// # let _ = (tagged, all, any);
/// ```
pub trait ArrayExt: ColumnRef
where
    Self::Value: ArrayColumn,
{
    /// The array has `value` as an element (Ecto: `^value in p.tags`).
    fn contains(self, value: impl Bind<Element<Self>>) -> Cond<Self::Mentions> {
        array(self, vec![value.bind()], ArrayOp::Contains)
    }
    /// The array has every one of `values` as an element (Postgres `@>`);
    /// true for no values (of an array that is not NULL).
    fn contains_all<B: Bind<Element<Self>> + Clone>(self, values: &[B]) -> Cond<Self::Mentions> {
        let values = values.iter().cloned().map(Bind::bind).collect();
        array(self, values, ArrayOp::Contains)
    }
    /// The array has at least one of `values` as an element (Postgres
    /// `&&`); false for no values. Refused with
    /// [`Error::Unsupported`](quarry_core::Error::Unsupported) on MySQL
    /// before 8.0.17 and MariaDB before 10.9 (no `JSON_OVERLAPS`).
    fn overlaps<B: Bind<Element<Self>> + Clone>(self, values: &[B]) -> Cond<Self::Mentions> {
        let values = values.iter().cloned().map(Bind::bind).collect();
        array(self, values, ArrayOp::Overlaps)
    }
}

impl<C: ColumnRef> ArrayExt for C where C::Value: ArrayColumn {}

fn array<C: ColumnRef>(col: C, values: Vec<Value>, op: ArrayOp) -> Cond<C::Mentions>
where
    C::Value: ArrayColumn,
{
    let element = <Element<C> as FieldValue>::TYPE;
    let mut rpn = Rpn::op(col.col());
    rpn.push_operand(Operand::Value(Value::Array(element, values)));
    rpn.push(Op::Array(op, element == ValueType::String));
    Cond::new(rpn)
}

//! Expressions and lists of quarry's postfix form written as SQL text, with
//! sea-query's parentheses: an operand is wrapped unless it is an atom (column,
//! value, function call, subquery), or a comparison under AND / OR / NOT, or the
//! same left-associative connective on the left.

use super::SqlBuf;
use crate::ir::{Dir, Nulls, Op, Rpn};
use smallvec::SmallVec;

/// How an operation binds, as far as parentheses go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Never wrapped: columns, values, function calls, subqueries.
    Atom,
    /// Literal SQL: always wrapped as an operand.
    Custom,
    /// Comparisons, IN, LIKE, IS: unwrapped only under AND / OR / NOT.
    Compare,
    And,
    Or,
    /// Unary NOT (also NOT EXISTS).
    Not,
    Between,
}

fn kind(op: Op) -> Kind {
    match op {
        Op::Lit(_) | Op::Fragment(..) => Kind::Custom,
        Op::Eq
        | Op::Ne
        | Op::Gt
        | Op::Ge
        | Op::Lt
        | Op::Le
        | Op::Like
        | Op::NotLike
        | Op::IsNull
        | Op::IsNotNull
        | Op::InList(_)
        | Op::InArray(_)
        | Op::NotInList(_)
        | Op::ParamIn(_)
        | Op::InSub
        | Op::NotInSub
        | Op::Array(..) => Kind::Compare,
        Op::And => Kind::And,
        Op::Or => Kind::Or,
        Op::Not | Op::NotExists => Kind::Not,
        Op::Between => Kind::Between,
        _ => Kind::Atom,
    }
}

/// True when an operand of kind `inner` needs no parentheses under an operator
/// of kind `outer`.
fn bare(inner: Kind, outer: Kind) -> bool {
    match inner {
        Kind::Atom => true,
        Kind::Compare => matches!(outer, Kind::And | Kind::Or | Kind::Not),
        _ => false,
    }
}

/// How many operands an operation takes from the stack (list terminators
/// included); `None` for operations that are not part of expressions.
fn arity(op: Op) -> Option<usize> {
    Some(match op {
        Op::Col(..)
        | Op::Whole(..)
        | Op::Val
        | Op::Param(_)
        | Op::Lit(_)
        | Op::CountStar
        | Op::RowNumber
        | Op::Rank
        | Op::DenseRank
        | Op::Exists
        | Op::NotExists
        | Op::ScalarSub => 0,
        Op::Not
        | Op::IsNull
        | Op::IsNotNull
        | Op::Lower
        | Op::CountDistinct
        | Op::Sum { .. }
        | Op::Lag(_)
        | Op::Lead(_)
        | Op::Avg
        | Op::Min
        | Op::Max
        | Op::InList(_)
        | Op::InArray(_)
        | Op::NotInList(_)
        | Op::ParamIn(_)
        | Op::InSub
        | Op::NotInSub
        | Op::Item
        | Op::OrderItem(..) => 1,
        Op::Eq
        | Op::Ne
        | Op::Gt
        | Op::Ge
        | Op::Lt
        | Op::Le
        | Op::And
        | Op::Or
        | Op::Like
        | Op::NotLike
        | Op::Array(..) => 2,
        Op::Between => 3,
        Op::Fragment(_, n) => usize::from(n),
        Op::Over { partitions, orders } => 1 + usize::from(partitions) + usize::from(orders),
        Op::Section(_)
        | Op::From(_)
        | Op::Prefix(_)
        | Op::Dialect(_)
        | Op::Checked(..)
        | Op::Join(..)
        | Op::Tail(..) => return None,
    })
}

fn uses_sub(op: Op) -> bool {
    matches!(
        op,
        Op::InSub | Op::NotInSub | Op::Exists | Op::NotExists | Op::ScalarSub
    )
}

/// Per operation: where its subtree starts, and the index of its subquery.
type Nodes = SmallVec<[(u32, u32); 16]>;

/// Writes one postfix list (an expression, a select list, an ORDER BY list).
pub(crate) struct Writer<'a> {
    rpn: &'a Rpn,
    nodes: Nodes,
}

impl<'a> Writer<'a> {
    /// Indexes `rpn`; `None` when it is not well formed.
    pub(crate) fn new(rpn: &'a Rpn) -> Option<Self> {
        let mut nodes = Nodes::with_capacity(rpn.ops.len());
        let mut subs = 0u32;
        // Each value the form binds is held once: a form whose operations
        // bind more or fewer values than it holds is malformed (declined here,
        // so lowering reports it).
        let mut bound = 0usize;
        for (i, op) in rpn.ops.iter().enumerate() {
            bound += match *op {
                Op::Val => 1,
                Op::InList(n) | Op::InArray(n) | Op::NotInList(n) => n as usize,
                _ => 0,
            };
            let mut start = i;
            for _ in 0..arity(*op)? {
                let (s, _) = *nodes.get(start.checked_sub(1)?)?;
                start = s as usize;
            }
            nodes.push((u32::try_from(start).ok()?, subs));
            if uses_sub(*op) {
                subs += 1;
            }
        }
        if bound != rpn.values.len() || subs as usize != rpn.subs.len() {
            return None;
        }
        Some(Writer { rpn, nodes })
    }

    fn op(&self, i: usize) -> Option<Op> {
        self.rpn.ops.get(i).copied()
    }

    /// The operands of the operation at `i` (left to right).
    fn operands<const N: usize>(&self, i: usize) -> Option<[usize; N]> {
        let mut out = [0usize; N];
        let mut at = i;
        for slot in out.iter_mut().rev() {
            let child = at.checked_sub(1)?;
            *slot = child;
            at = self.nodes.get(child)?.0 as usize;
        }
        Some(out)
    }

    /// The `n` operands of the operation at `i`, in order.
    fn operands_n(&self, i: usize, n: usize) -> Option<SmallVec<[usize; 6]>> {
        let mut out: SmallVec<[usize; 6]> = SmallVec::with_capacity(n);
        let mut at = i;
        for _ in 0..n {
            let child = at.checked_sub(1)?;
            out.push(child);
            at = self.nodes.get(child)?.0 as usize;
        }
        out.reverse();
        Some(out)
    }

    /// Writes the single expression this list holds (`None` if it holds more
    /// or less than one).
    pub(crate) fn expr(&self, buf: &mut SqlBuf) -> Option<()> {
        let last = self.rpn.ops.len().checked_sub(1)?;
        if self.nodes.get(last)?.0 != 0 {
            return None;
        }
        self.node(last, buf)
    }

    /// Writes the items of a list (ended by `Op::Item`), each preceded by `", "`
    /// unless it is the first (`first` carries that state across lists).
    pub(crate) fn items(&self, buf: &mut SqlBuf, first: &mut bool) -> Option<()> {
        for (i, op) in self.rpn.ops.iter().enumerate() {
            match *op {
                Op::Item => {
                    if !*first {
                        buf.push(", ");
                    }
                    *first = false;
                    self.node(i.checked_sub(1)?, buf)?;
                }
                Op::Whole(source, fields) => {
                    for f in fields.0.iter().filter(|f| f.is_persisted()) {
                        if !*first {
                            buf.push(", ");
                        }
                        *first = false;
                        buf.column(source.0, f.column);
                    }
                }
                _ => {}
            }
        }
        Some(())
    }

    /// Writes the terms of an ORDER BY list. MySQL has no NULLS FIRST / LAST:
    /// it sorts on `expr IS NULL` first, as sea-query does (a term with values
    /// would bind them twice: refused, the caller falls back to sea-query).
    pub(crate) fn order(&self, buf: &mut SqlBuf) -> Option<()> {
        let mut first = true;
        for (i, op) in self.rpn.ops.iter().enumerate() {
            let Op::OrderItem(dir, nulls) = *op else {
                continue;
            };
            buf.push(if first { " ORDER BY " } else { ", " });
            first = false;
            let root = i.checked_sub(1)?;
            if !buf.dialect().nulls_ordering() && nulls != Nulls::Default {
                let start = self.nodes.get(root)?.0 as usize;
                if self.rpn.ops.get(start..=root)?.iter().any(|o| {
                    matches!(
                        o,
                        Op::Val
                            | Op::Param(_)
                            | Op::ParamIn(_)
                            | Op::InList(_)
                            | Op::InArray(_)
                            | Op::NotInList(_)
                    ) || uses_sub(*o)
                }) {
                    return None;
                }
                self.node(root, buf)?;
                buf.push(if nulls == Nulls::First {
                    " IS NULL DESC, "
                } else {
                    " IS NULL ASC, "
                });
            }
            self.node(root, buf)?;
            buf.push(if dir == Dir::Asc { " ASC" } else { " DESC" });
            if buf.dialect().nulls_ordering() {
                match nulls {
                    Nulls::Default => {}
                    Nulls::First => buf.push(" NULLS FIRST"),
                    Nulls::Last => buf.push(" NULLS LAST"),
                }
            }
        }
        Some(())
    }

    /// Writes `child` as an operand of an operator of kind `outer`.
    fn operand(&self, child: usize, outer: Kind, buf: &mut SqlBuf) -> Option<()> {
        self.wrapped(child, !bare(kind(self.op(child)?), outer), buf)
    }

    fn wrapped(&self, child: usize, paren: bool, buf: &mut SqlBuf) -> Option<()> {
        if paren {
            buf.push("(");
        }
        self.node(child, buf)?;
        if paren {
            buf.push(")");
        }
        Some(())
    }

    /// `left op right` with sea-query's parentheses.
    fn binary(&self, i: usize, op: &str, outer: Kind, buf: &mut SqlBuf) -> Option<()> {
        let [l, r] = self.operands::<2>(i)?;
        let left_kind = kind(self.op(l)?);
        let same_assoc = left_kind == outer && matches!(outer, Kind::And | Kind::Or);
        self.wrapped(l, !(bare(left_kind, outer) || same_assoc), buf)?;
        buf.push(op);
        self.operand(r, outer, buf)
    }

    /// A fragment's text with each `?` replaced by its operand; `None` (then
    /// sea-query, which reports it) when the counts differ.
    fn fragment(&self, i: usize, sql: &str, n: u8, buf: &mut SqlBuf) -> Option<()> {
        if crate::fragment::slots(sql) != usize::from(n) {
            return None;
        }
        let operands = self.operands_n(i, usize::from(n))?;
        let mut pieces = sql.split('?');
        buf.push(pieces.next()?);
        for (piece, operand) in pieces.zip(operands) {
            self.wrapped(operand, !matches!(kind(self.op(operand)?), Kind::Atom), buf)?;
            buf.push(piece);
        }
        Some(())
    }

    /// An array condition by the dialect's template: `{a}` the array (a
    /// column, as often as the template names it), `{v}` the bound values
    /// (once; `None` when a template names them more often, which would
    /// bind them twice).
    fn array(
        &self,
        i: usize,
        op: crate::ir::op::ArrayOp,
        text: bool,
        buf: &mut SqlBuf,
    ) -> Option<()> {
        let [a, v] = self.operands::<2>(i)?;
        let template = buf.dialect().array_condition(op, text);
        if template.matches("{v}").count() != 1
            || (template.matches("{a}").count() > 1 && !matches!(self.op(a)?, Op::Col(..)))
        {
            return None;
        }
        let mut rest = template;
        while let Some(at) = rest.find('{') {
            buf.push(rest.get(..at)?);
            let tail = rest.get(at..)?;
            let child = if tail.starts_with("{a}") {
                a
            } else if tail.starts_with("{v}") {
                v
            } else {
                return None;
            };
            self.wrapped(child, !matches!(kind(self.op(child)?), Kind::Atom), buf)?;
            rest = tail.get(3..)?;
        }
        buf.push(rest);
        Some(())
    }

    /// `f OVER (PARTITION BY .. ORDER BY ..)`; an aggregate whose result
    /// quarry casts keeps the cast outside: `CAST(SUM(x) OVER (..) AS ..)`.
    fn over(&self, i: usize, partitions: u8, orders: u8, buf: &mut SqlBuf) -> Option<()> {
        let (p, o) = (usize::from(partitions), usize::from(orders));
        let operands = self.operands_n(i, 1 + p + o)?;
        let (func, rest) = operands.split_first()?;
        let (parts, terms) = rest.split_at(p);
        let cast = match self.op(*func)? {
            Op::Sum { integer } => Some(("SUM(", integer)),
            Op::Avg => Some(("AVG(", false)),
            _ => None,
        };
        if let Some((name, integer)) = cast {
            let [x] = self.operands::<1>(*func)?;
            buf.push("CAST(");
            buf.push(name);
            self.node(x, buf)?;
            buf.push(")");
            self.window(parts, terms, buf)?;
            let (int, float) = buf.dialect().aggregate_casts();
            buf.push(" AS ");
            buf.push(if integer { int } else { float });
            buf.push(")");
        } else {
            self.node(*func, buf)?;
            self.window(parts, terms, buf)?;
        }
        Some(())
    }

    /// ` OVER (PARTITION BY .. ORDER BY ..)`.
    fn window(&self, parts: &[usize], terms: &[usize], buf: &mut SqlBuf) -> Option<()> {
        buf.push(" OVER (");
        for (n, p) in parts.iter().enumerate() {
            buf.push(if n == 0 { "PARTITION BY " } else { ", " });
            self.node(*p, buf)?;
        }
        for (n, t) in terms.iter().enumerate() {
            let Op::OrderItem(dir, nulls) = self.op(*t)? else {
                return None;
            };
            buf.push(match (n, parts.is_empty()) {
                (0, true) => "ORDER BY ",
                (0, false) => " ORDER BY ",
                _ => ", ",
            });
            let [x] = self.operands::<1>(*t)?;
            self.node(x, buf)?;
            buf.push(if dir == Dir::Asc { " ASC" } else { " DESC" });
            match nulls {
                Nulls::Default => {}
                _ if !buf.dialect().nulls_ordering() => return None,
                Nulls::First => buf.push(" NULLS FIRST"),
                Nulls::Last => buf.push(" NULLS LAST"),
            }
        }
        buf.push(")");
        Some(())
    }

    /// `name(arg)`.
    fn call(&self, i: usize, name: &str, buf: &mut SqlBuf) -> Option<()> {
        let [x] = self.operands::<1>(i)?;
        buf.push(name);
        self.node(x, buf)?;
        buf.push(")");
        Some(())
    }

    fn cast(&self, i: usize, func: &str, integer: bool, buf: &mut SqlBuf) -> Option<()> {
        buf.push("CAST(");
        self.call(i, func, buf)?;
        let (int, float) = buf.dialect().aggregate_casts();
        buf.push(" AS ");
        buf.push(if integer { int } else { float });
        buf.push(")");
        Some(())
    }

    /// `x IN (?, ?, ...)`.
    fn list(&self, i: usize, keyword: &str, n: u32, buf: &mut SqlBuf) -> Option<()> {
        let [x] = self.operands::<1>(i)?;
        self.operand(x, Kind::Compare, buf)?;
        buf.push(keyword);
        for k in 0..n {
            if k > 0 {
                buf.push(", ");
            }
            buf.param();
        }
        buf.push(")");
        Some(())
    }

    fn sub(&self, i: usize, buf: &mut SqlBuf) -> Option<()> {
        let sub = self.rpn.subs.get(self.nodes.get(i)?.1 as usize)?;
        super::write_subquery(sub, buf)
    }

    /// Writes the expression whose root is the operation at `i`.
    fn node(&self, i: usize, buf: &mut SqlBuf) -> Option<()> {
        let op = self.op(i)?;
        match op {
            Op::Col(t, c) => buf.column(t.0, c.0),
            Op::Val | Op::Param(_) => buf.param(),
            Op::Lit(s) => buf.push(s.0),
            Op::Fragment(sql, n) => self.fragment(i, sql.0, n, buf)?,
            Op::Eq => self.binary(i, " = ", Kind::Compare, buf)?,
            Op::Ne => self.binary(i, " <> ", Kind::Compare, buf)?,
            Op::Gt => self.binary(i, " > ", Kind::Compare, buf)?,
            Op::Ge => self.binary(i, " >= ", Kind::Compare, buf)?,
            Op::Lt => self.binary(i, " < ", Kind::Compare, buf)?,
            Op::Le => self.binary(i, " <= ", Kind::Compare, buf)?,
            Op::Like | Op::NotLike => {
                let keyword = if op == Op::Like {
                    " LIKE "
                } else {
                    " NOT LIKE "
                };
                self.binary(i, keyword, Kind::Compare, buf)?;
                buf.push(" ESCAPE ");
                buf.push(buf.dialect().like_escape());
            }
            Op::Array(array_op, text) => self.array(i, array_op, text, buf)?,
            Op::And => self.binary(i, " AND ", Kind::And, buf)?,
            Op::Or => self.binary(i, " OR ", Kind::Or, buf)?,
            Op::Not => {
                let [x] = self.operands::<1>(i)?;
                buf.push("NOT ");
                self.operand(x, Kind::Not, buf)?;
            }
            Op::IsNull | Op::IsNotNull => {
                let [x] = self.operands::<1>(i)?;
                self.operand(x, Kind::Compare, buf)?;
                buf.push(if op == Op::IsNull {
                    " IS NULL"
                } else {
                    " IS NOT NULL"
                });
            }
            Op::Lower => self.call(i, "LOWER(", buf)?,
            Op::Between => {
                let [x, low, high] = self.operands::<3>(i)?;
                self.operand(x, Kind::Between, buf)?;
                buf.push(" BETWEEN ");
                self.operand(low, Kind::And, buf)?;
                buf.push(" AND ");
                self.operand(high, Kind::And, buf)?;
            }
            Op::InArray(_) | Op::ParamIn(_) if buf.dialect().binds_arrays() => {
                let [x] = self.operands::<1>(i)?;
                self.operand(x, Kind::Compare, buf)?;
                buf.push(" = ANY(");
                buf.param();
                buf.push(")");
            }
            Op::InList(n) | Op::InArray(n) => self.list(i, " IN (", n, buf)?,
            Op::ParamIn(n) => match buf.list_len(n)? {
                // An empty list matches nothing (as `in_list` of none).
                0 => buf.push("1 = 0"),
                len => self.list(i, " IN (", len, buf)?,
            },
            Op::NotInList(n) => self.list(i, " NOT IN (", n, buf)?,
            Op::InSub | Op::NotInSub => {
                let [x] = self.operands::<1>(i)?;
                self.operand(x, Kind::Compare, buf)?;
                buf.push(if op == Op::InSub {
                    " IN ("
                } else {
                    " NOT IN ("
                });
                self.sub(i, buf)?;
                buf.push(")");
            }
            Op::Exists | Op::NotExists => {
                buf.push(if op == Op::Exists {
                    "EXISTS("
                } else {
                    "NOT EXISTS("
                });
                self.sub(i, buf)?;
                buf.push(")");
            }
            Op::ScalarSub => {
                buf.push("(");
                self.sub(i, buf)?;
                buf.push(")");
            }
            Op::CountStar => buf.push("COUNT(*)"),
            Op::RowNumber => buf.push("ROW_NUMBER()"),
            Op::Rank => buf.push("RANK()"),
            Op::DenseRank => buf.push("DENSE_RANK()"),
            Op::Lag(n) | Op::Lead(n) => {
                let [x] = self.operands::<1>(i)?;
                buf.push(if matches!(op, Op::Lag(_)) {
                    "LAG("
                } else {
                    "LEAD("
                });
                self.node(x, buf)?;
                if n != 1 {
                    buf.push(", ");
                    buf.push(&n.to_string());
                }
                buf.push(")");
            }
            Op::Over { partitions, orders } => self.over(i, partitions, orders, buf)?,
            Op::CountDistinct => self.call(i, "COUNT(DISTINCT ", buf)?,
            Op::Sum { integer } => self.cast(i, "SUM(", integer, buf)?,
            Op::Avg => self.cast(i, "AVG(", false, buf)?,
            Op::Min => self.call(i, "MIN(", buf)?,
            Op::Max => self.call(i, "MAX(", buf)?,
            Op::Item
            | Op::Whole(..)
            | Op::OrderItem(..)
            | Op::Section(_)
            | Op::From(_)
            | Op::Prefix(_)
            | Op::Dialect(_)
            | Op::Checked(..)
            | Op::Join(..)
            | Op::Tail(..) => return None,
        }
        Some(())
    }
}

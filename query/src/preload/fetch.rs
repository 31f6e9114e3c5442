//! Fetching the related rows of one association for a set of owner keys: one
//! statement per chunk of keys (chunks stay under the database's bind-parameter
//! limit), with the owner key read back from each row.

use super::key::{Key, KeyMap, KeyState};
use crate::assoc_path::Plan;
use crate::driver::{Backend, Driver};
use crate::ir::Parts;
use crate::ir::{Dir, Nulls, Op, Rpn};
use crate::log;
use crate::query::{root_columns, Query};
use crate::statement::Statement;
use quarry_core::{AssocDef, AssocKind, Error, QueryError, Result, Schema, Value, ValueType};
use sea_query::{
    Asterisk, Expr, ExprTrait, NullOrdering, Order, OverStatement, SelectStatement, WindowStatement,
};
use std::collections::HashSet;

/// The alias of the owner key column in a preload statement.
const OWNER: &str = "__quarry_owner";
/// The alias of the row number column of a per-parent limit.
const ROW_NUMBER: &str = "__quarry_rn";

/// What a preload of one association may add to the plain fetch.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    /// A query of the related schema whose filters (and order) apply.
    pub(crate) query: Option<Parts>,
    /// Fetch again even when already loaded.
    pub(crate) force: bool,
    /// At most this many related rows per owner.
    pub(crate) per_parent: Option<u64>,
}

type OrderTerm = (Expr, Order, Option<NullOrdering>);

/// One preload fetch: the association, its plan and the caller's options.
pub(crate) struct Fetcher<'a> {
    pub(crate) def: &'a AssocDef,
    pub(crate) plan: Plan,
    pub(crate) options: &'a Options,
    /// The association's default order (related field number, descending).
    pub(crate) default_order: Vec<(usize, bool)>,
}

impl<'a> Fetcher<'a> {
    /// The fetch of `def`'s related rows.
    pub(crate) fn new(
        def: &'a AssocDef,
        options: &'a Options,
        default_order: Vec<(usize, bool)>,
    ) -> Result<Self> {
        let parts = options.query.as_ref();
        let mut next = parts.map(|p| p.joins.len()).unwrap_or(0);
        let plan = Plan::of(def, def.related_table, &mut next);
        if let Some(p) = parts {
            if p.limit.is_some() || p.offset.is_some() {
                return Err(Error::Query(QueryError::PreloadWindow {
                    owner: def.owner,
                    association: def.name,
                }));
            }
        }
        Ok(Fetcher {
            def,
            plan,
            options,
            default_order,
        })
    }

    fn parts<R: Schema>(&self) -> Parts {
        let mut parts = match &self.options.query {
            Some(p) => p.clone(),
            None => Query::<R>::new().parts,
        };
        parts.root = None;
        parts.select = Rpn::default();
        parts
    }

    /// The order of the related rows within one owner: the preload query's,
    /// else the association's default order.
    fn order<R: Schema>(
        &self,
        parts: &Parts,
        backend: &Backend,
    ) -> Result<(bool, Vec<OrderTerm>), Error> {
        if !parts.order.is_empty() {
            return Ok((true, parts.order.to_exprs(backend.dialect)?.orders));
        }
        let terms = self
            .default_order
            .iter()
            .filter_map(|(i, desc)| {
                let f = R::FIELDS.get(*i)?;
                let o = if *desc { Order::Desc } else { Order::Asc };
                Some((Expr::col((R::TABLE, f.column)), o, None))
            })
            .collect();
        Ok((false, terms))
    }

    /// The statement for one chunk of keys: the related rows with the owner key
    /// as one more column. Built as query parts, so it goes through the SQL cache
    /// and quarry's writer, and Postgres binds the keys as one array.
    fn statement<R: Schema>(&self, backend: &Backend, keys: &[Value]) -> Result<Statement> {
        let mut parts = self.parts::<R>();
        parts.target(backend)?;
        if self.options.per_parent.is_some() && backend.capabilities.window_functions {
            return self.windowed::<R>(parts, backend, keys);
        }
        parts.root = Some((R::TABLE, R::FIELDS));
        if self.owner_in_row::<R>(backend).is_none() {
            let (m_table, m_column) = self.plan.matcher;
            parts.select = Rpn::op(Op::col(m_table, m_column));
            parts.select.push(Op::Item);
        }
        parts.joins.extend(self.plan.join_parts_from_related());
        parts.and_where(crate::assoc_path::in_list(self.plan.matcher, keys.to_vec()));
        // No ORDER BY on the owner key (Ecto sorts on it to split the rows in
        // one pass): rows are grouped by hashing, and the order within one owner
        // is the same either way, so the database is spared a sort of every
        // fetched row.
        if parts.order.is_empty() {
            let mut terms = self.default_order.clone();
            if terms.is_empty() && self.options.per_parent.is_some() {
                // First rows per owner without window functions: by key.
                terms = R::primary_key().into_iter().map(|i| (i, false)).collect();
            }
            for (i, desc) in terms {
                if let Some(f) = R::FIELDS.get(i) {
                    parts.order.push(Op::col(R::TABLE, f.column));
                    let dir = if desc { Dir::Desc } else { Dir::Asc };
                    parts.order.push(Op::OrderItem(dir, Nulls::Default));
                }
            }
        }
        parts.compile(backend.dialect)
    }

    /// Where each fetched row holds its owner's key: the related schema's own
    /// column when the key is one (has_many, has_one, belongs_to: nothing more
    /// is selected), else the extra column after the schema's columns (a join
    /// table's or an intermediate table's column, and the windowed per-parent
    /// limit, which selects it under an alias).
    fn owner_in_row<R: Schema>(&self, backend: &Backend) -> Option<usize> {
        self.owner_field::<R>(backend).map(|(at, _)| at)
    }

    /// The related schema's own column that holds the owner key, if one
    /// does (see [`owner_in_row`](Self::owner_in_row)): its position among
    /// the row's columns and its index in [`Schema::FIELDS`].
    fn owner_field<R: Schema>(&self, backend: &Backend) -> Option<(usize, usize)> {
        let windowed = self.options.per_parent.is_some() && backend.capabilities.window_functions;
        let (table, column) = self.plan.matcher;
        if windowed || self.plan.nodes.len() != 1 || table != R::TABLE {
            return None;
        }
        R::FIELDS
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_persisted())
            .enumerate()
            .find(|(_, (_, f))| f.column == column)
            .map(|(at, (field, _))| (at, field))
    }

    /// The statement of a per-parent limit where the database numbers rows
    /// (ROW_NUMBER() over the owner key), built through sea-query.
    fn windowed<R: Schema>(
        &self,
        mut parts: Parts,
        backend: &Backend,
        keys: &[Value],
    ) -> Result<Statement, Error> {
        let dialect = backend.dialect;
        let (_, mut order) = self.order::<R>(&parts, backend)?;
        if order.is_empty() {
            order = R::FIELDS
                .iter()
                .filter(|f| f.primary_key)
                .map(|f| (Expr::col((R::TABLE, f.column)), Order::Asc, None))
                .collect();
        }
        parts.order = Rpn::default();
        let mut q = parts.to_select_with(dialect, root_columns::<R>())?;
        q.expr_as(self.plan.matcher_expr(), OWNER);
        // The association's join tables live where the query's tables do.
        let through = match &parts.prefix {
            Some(asked) => Some(asked.get()?),
            None => backend.default_prefix,
        };
        self.plan.join_from_related(&mut q, through);
        q.and_where(
            self.plan.matcher_expr().is_in(
                keys.iter()
                    .map(|k| Expr::val(crate::sql_value::to_sea(k.clone()))),
            ),
        );
        let n = self.options.per_parent.unwrap_or(u64::MAX);
        Ok(dialect.build(&self.per_parent(q, order, n), R::TABLE))
    }

    /// Wraps `inner` so only the first `n` rows of each owner remain, numbered
    /// by ROW_NUMBER() over the owner key in `order`.
    fn per_parent(
        &self,
        mut inner: SelectStatement,
        order: Vec<OrderTerm>,
        n: u64,
    ) -> SelectStatement {
        let mut window = WindowStatement::new();
        window.add_partition_by(self.plan.matcher_expr());
        for (e, o, nulls) in order {
            match nulls {
                Some(nulls) => window.order_by_expr_with_nulls(e, o, nulls),
                None => window.order_by_expr(e, o),
            };
        }
        inner.expr_window_as(Expr::cust("ROW_NUMBER()"), window, ROW_NUMBER);
        let mut outer = sea_query::Query::select();
        outer
            .column(Asterisk)
            .from_subquery(inner, "__quarry_p")
            .and_where(Expr::col(ROW_NUMBER).lte(i64::try_from(n).unwrap_or(i64::MAX)))
            .order_by(OWNER, Order::Asc)
            .order_by(ROW_NUMBER, Order::Asc);
        outer
    }

    /// The related rows of `keys` and, beside them, the owner key each
    /// belongs to, in the order the database returned them (the
    /// association's order, unless the preload query orders them; owners'
    /// rows may interleave). The rows go straight into `rows`, after what
    /// it holds (rows already loaded); `owners` gets one key per fetched row.
    pub(crate) async fn fetch<R: Schema>(
        &self,
        driver: &dyn Driver,
        keys: Vec<Value>,
        owners: &mut Vec<Key>,
        rows: &mut Vec<R>,
    ) -> Result<()> {
        let backend = driver.backend();
        let keys: Vec<Value> = keys
            .into_iter()
            .map(|k| k.coerce(self.plan.key_type))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::InvalidValue {
                field: self.def.name.to_string(),
                message: e.to_string(),
            })?;
        let Some(first) = keys.first() else {
            return Ok(());
        };
        let probe = self.statement::<R>(backend, std::slice::from_ref(first))?;
        let fixed = probe.values.len().saturating_sub(1);
        let per_chunk = backend.capabilities.max_params.saturating_sub(fixed).max(1);
        let key_type = self.plan.key_type;
        let int_key = matches!(key_type, ValueType::I16 | ValueType::I32 | ValueType::I64);
        let field = self.owner_field::<R>(backend);
        let held_key = field.filter(|_| int_key).map(|(_, f)| f);
        let owner = field.map_or_else(R::persisted_count, |(at, _)| at);
        let start = rows.len();
        for chunk in keys.chunks(per_chunk) {
            let stmt = if chunk.len() == 1 && keys.len() == 1 {
                probe.clone()
            } else {
                self.statement::<R>(backend, chunk)?
            };
            log::fetch(driver, &stmt, &mut |row| {
                let item = R::from_row(row, 0)?;
                // An integer key that the row's struct already holds is not
                // decoded again (integers of any width are one key).
                let held = held_key
                    .and_then(|f| item.get_value(f))
                    .and_then(|v| v.as_i64());
                let key = match held {
                    Some(i) => Some(Key::Int(i)),
                    None => Key::read(row, owner, key_type)?,
                };
                if let Some(k) = key {
                    owners.push(k);
                    rows.push(item);
                }
                Ok(())
            })
            .await?;
        }
        let through = matches!(self.def.kind, AssocKind::Through { .. });
        let first_n = match self.options.per_parent {
            Some(n) if !backend.capabilities.window_functions => Some(n),
            _ => None,
        };
        if through || first_n.is_some() {
            let fetched = rows.split_off(start);
            let mut pairs: Vec<(Key, R)> =
                std::mem::take(owners).into_iter().zip(fetched).collect();
            if through {
                pairs = distinct_per_owner(pairs);
            }
            if let Some(n) = first_n {
                pairs = first_per_owner(pairs, n);
            }
            for (k, r) in pairs {
                owners.push(k);
                rows.push(r);
            }
        }
        Ok(())
    }
}

/// Drops repeated related rows of one owner (a through association may reach
/// the same row along several paths).
fn distinct_per_owner<R: Schema>(rows: Vec<(Key, R)>) -> Vec<(Key, R)> {
    let pk = R::primary_key();
    let mut seen: HashSet<(Key, Vec<Option<Key>>)> = HashSet::new();
    rows.into_iter()
        .filter(|(k, r)| {
            let id: Vec<Option<Key>> = pk
                .iter()
                .map(|i| r.get_value(*i).as_ref().and_then(Key::of))
                .collect();
            pk.is_empty() || seen.insert((k.clone(), id))
        })
        .collect()
}

/// Keeps the first `n` rows of each owner (the per-parent limit where the
/// database has no window functions).
fn first_per_owner<R>(rows: Vec<(Key, R)>, n: u64) -> Vec<(Key, R)> {
    let mut counts: KeyMap<u64> = KeyMap::with_hasher(KeyState::new());
    rows.into_iter()
        .filter(|(k, _)| {
            let c = counts.entry(k.clone()).or_insert(0);
            *c += 1;
            *c <= n
        })
        .collect()
}

//! Prepared queries: a query built once with typed arguments ([`Param`]), its
//! SQL written once per dialect, then run again and again with new arguments.
//!
//! Every query already goes through the SQL cache (a repeated shape skips SQL
//! writing), but it is still built, hashed and compared each time. A
//! [`Prepared`] query is built once: running it only binds the arguments
//! beside the values fixed when it was built, so a hot query costs little more
//! than the values it sends.
//!
//! ```
//! use quarry_query::{from, ColumnExt, Dialect, Param, Prepared, TextExt};
//! # use quarry_core::doc_support::Product;
//! let cheap_named = Prepared::new(|(pattern, max): (Param<String>, Param<f64>)| {
//!     from::<Product>()
//!         .filter(Product::name.like(pattern))
//!         .filter(Product::price.lt(max))
//!         .order_by(Product::price.asc())
//!         .limit(10)
//! });
//! let stmt = cheap_named
//!     .bind(("%lamp%".to_string(), 20.0))
//!     .to_statement(Dialect::Postgres)
//!     .unwrap();
//! assert_eq!(
//!     &*stmt.sql,
//!     r#"SELECT "products"."id", "products"."name", "products"."price", "products"."description" FROM "products" WHERE "products"."name" LIKE $1 AND "products"."price" < $2 ORDER BY "products"."price" ASC LIMIT $3"#
//! );
//! assert_eq!(stmt.values.len(), 3);
//! ```
//!
//! A `Param<T>` compares with a column of type `T` or `Option<T>`, like a
//! value of `T` would; a `Param<Option<T>>` compares with nothing (an argument
//! that may be NULL would need `IS NULL`, which SQL text fixed in advance
//! cannot switch to), so it does not compile.

use crate::ast::ValueSink;
use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::expr::{Arg, Operand, Pattern};
use crate::into_query::{Decode, Fetch};
use crate::query::{Parts, Query};
use crate::select::{Projection, Select, SelectAs};
use crate::statement::Statement;
use quarry_core::{Error, FieldValue, Row, ScalarValue, Schema, Value};
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

/// Argument `n` of a [`Prepared`] query, of type `T`: used where a value of `T`
/// would be (`col.eq(p)`, `col.gt(p)`, `col.like(p)`, ...), given each time the
/// query runs.
pub struct Param<T> {
    n: u16,
    _type: PhantomData<fn() -> T>,
}

impl<T> Param<T> {
    fn new(n: u16) -> Self {
        Param {
            n,
            _type: PhantomData,
        }
    }
}

impl<T> Clone for Param<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Param<T> {}

impl<T> std::fmt::Debug for Param<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Param({})", self.n)
    }
}

impl<T: ScalarValue> Arg<T> for Param<T> {
    fn operand(self) -> Operand {
        Operand::Param(self.n)
    }
}

impl<T: ScalarValue> Arg<Option<T>> for Param<T> {
    fn operand(self) -> Operand {
        Operand::Param(self.n)
    }
}

impl Pattern for Param<String> {
    fn operand(self) -> Operand {
        Operand::Param(self.n)
    }
}

/// The arguments of a prepared query: `()` or a tuple of up to eight field
/// types, given to [`Prepared::bind`].
pub trait Args: Send {
    /// How many arguments.
    const COUNT: usize;
    /// The arguments' values, in order.
    #[doc(hidden)]
    fn into_values(self, out: &mut Vec<Value>);
}

/// The parameters a prepared query is built with: `()` or a tuple of up to
/// eight [`Param`]s, one per argument (their types give the arguments').
pub trait ParamList {
    /// The arguments these parameters take.
    type Args: Args;
    /// The parameters, numbered in order.
    #[doc(hidden)]
    fn numbered() -> Self;
}

impl Args for () {
    const COUNT: usize = 0;
    fn into_values(self, _: &mut Vec<Value>) {}
}

impl ParamList for () {
    type Args = ();
    fn numbered() {}
}

macro_rules! args {
    ($count:literal: $($t:ident $n:tt),+) => {
        impl<$($t: FieldValue),+> Args for ($($t,)+) {
            const COUNT: usize = $count;
            fn into_values(self, out: &mut Vec<Value>) {
                $(out.push(self.$n.into_value());)+
            }
        }
        impl<$($t: FieldValue),+> ParamList for ($(Param<$t>,)+) {
            type Args = ($($t,)+);
            fn numbered() -> Self {
                ($(Param::new($n),)+)
            }
        }
    };
}

args!(1: A 0);
args!(2: A 0, B 1);
args!(3: A 0, B 1, C 2);
args!(4: A 0, B 1, C 2, D 3);
args!(5: A 0, B 1, C 2, D 3, E 4);
args!(6: A 0, B 1, C 2, D 3, E 4, F 5);
args!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
args!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// A query a [`Prepared`] can hold: a [`Query`], a [`Select`] or a
/// [`SelectAs`], and how its rows decode.
pub trait Template: Send + Sync {
    /// One decoded row.
    type Row: Send;
    /// Completes the query as it will run (a query without a select list
    /// selects its schema's columns).
    #[doc(hidden)]
    fn finish(&mut self) {}
    /// The query's parts.
    #[doc(hidden)]
    fn parts(&self) -> &Parts;
    /// Decodes one row.
    #[doc(hidden)]
    fn decode_row(&self, row: &dyn Row) -> Result<Self::Row, Error>;
}

impl<S: Schema, J> Template for Query<S, J> {
    type Row = S;
    fn finish(&mut self) {
        if self.parts.select.is_empty() {
            self.parts.root = Some((S::TABLE, S::FIELDS));
        }
    }
    fn parts(&self) -> &Parts {
        &self.parts
    }
    fn decode_row(&self, row: &dyn Row) -> Result<S, Error> {
        S::from_row(row, 0)
    }
}

impl<P: Projection> Template for Select<P> {
    type Row = P::Output;
    fn parts(&self) -> &Parts {
        self.parts_ref()
    }
    fn decode_row(&self, row: &dyn Row) -> Result<P::Output, Error> {
        let mut at = 0;
        self.projection().decode(row, &mut at)
    }
}

impl<P: Projection, R: From<P::Output> + Send> Template for SelectAs<P, R> {
    type Row = R;
    fn parts(&self) -> &Parts {
        self.select.parts_ref()
    }
    fn decode_row(&self, row: &dyn Row) -> Result<R, Error> {
        self.select.decode_row(row).map(R::from)
    }
}

/// Where a value of a prepared statement comes from.
enum Slot {
    /// A value fixed when the query was built.
    Fixed(sea_query::Value),
    /// Argument `n`; `last` on its last use (moved there, copied before).
    Arg { n: u16, last: bool },
}

/// A prepared query's statement for one dialect.
enum Plan {
    /// Written by quarry: the SQL and where each of its values comes from.
    Written { sql: Arc<str>, slots: Vec<Slot> },
    /// Written by sea-query (a construct quarry's writer leaves to it): the
    /// arguments are put in the query, and it is compiled each time.
    Substituted,
    /// The query uses an argument it was not built with (a [`Param`] taken
    /// from another prepared query).
    Invalid(String),
}

/// Records where each value of a statement comes from.
struct Recipe(Vec<Slot>);

impl ValueSink for Recipe {
    const PARAMS: bool = true;
    fn value(&mut self, v: sea_query::Value) {
        self.0.push(Slot::Fixed(v));
    }
    fn param(&mut self, n: u16) {
        self.0.push(Slot::Arg { n, last: false });
    }
}

impl Plan {
    fn new(parts: &Parts, dialect: Dialect, count: usize) -> Plan {
        let Some(sql) = crate::sql::write_select(parts, dialect) else {
            return Plan::Substituted;
        };
        let mut recipe = Recipe(Vec::new());
        parts.clone().take_values(dialect, &mut recipe);
        let mut slots = recipe.0;
        let mut seen = vec![false; count];
        for slot in slots.iter_mut().rev() {
            if let Slot::Arg { n, last } = slot {
                match seen.get_mut(usize::from(*n)) {
                    Some(s) => {
                        *last = !*s;
                        *s = true;
                    }
                    None => return Plan::Invalid(out_of_range(*n, count)),
                }
            }
        }
        Plan::Written {
            sql: sql.into(),
            slots,
        }
    }
}

fn out_of_range(n: u16, count: usize) -> String {
    format!(
        "the prepared query uses argument {n} but takes {count}: \
         a Param was taken from another prepared query"
    )
}

/// A query built once with typed arguments, whose SQL is written once per
/// dialect (see the [module docs](self)). Run it with
/// `repo.all(prepared.bind(args))`, `repo.one(..)` and every other read that
/// takes a query.
pub struct Prepared<T, A> {
    template: T,
    plans: [OnceLock<Plan>; 3],
    _args: PhantomData<fn(A)>,
}

impl<T: Template, A: Args> Prepared<T, A> {
    /// Builds the query once: `build` receives one [`Param`] per argument and
    /// uses them where the values will go (the closure's parameter type, such
    /// as `(Param<String>, Param<i64>)`, gives the arguments' types).
    pub fn new<P: ParamList<Args = A>>(build: impl FnOnce(P) -> T) -> Self {
        let mut template = build(P::numbered());
        template.finish();
        Prepared {
            template,
            plans: Default::default(),
            _args: PhantomData,
        }
    }

    /// The query with these arguments, ready to run.
    pub fn bind(&self, args: A) -> Bound<'_, T, A> {
        Bound {
            prepared: self,
            args,
        }
    }

    fn plan(&self, dialect: Dialect) -> &Plan {
        let i = match dialect {
            Dialect::Postgres => 0,
            Dialect::MySql => 1,
            Dialect::Sqlite => 2,
        };
        self.plans[i].get_or_init(|| Plan::new(self.template.parts(), dialect, A::COUNT))
    }
}

impl<T, A> std::fmt::Debug for Prepared<T, A>
where
    T: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

/// A [`Prepared`] query with its arguments: what the Repo runs.
pub struct Bound<'a, T, A> {
    prepared: &'a Prepared<T, A>,
    args: A,
}

impl<T: Template, A: Args> Bound<'_, T, A> {
    /// The statement for `dialect`: the SQL written when the query first ran
    /// there, the values fixed at build time and the arguments in placeholder
    /// order.
    pub fn to_statement(self, dialect: Dialect) -> Result<Statement, Error> {
        let parts = self.prepared.template.parts();
        let mut args = Vec::with_capacity(A::COUNT);
        self.args.into_values(&mut args);
        match self.prepared.plan(dialect) {
            Plan::Written { sql, slots } => {
                let mut values = Vec::with_capacity(slots.len());
                for slot in slots {
                    values.push(match slot {
                        Slot::Fixed(v) => v.clone(),
                        Slot::Arg { n, last } => {
                            let Some(a) = args.get_mut(usize::from(*n)) else {
                                return Err(Error::Query(out_of_range(*n, A::COUNT)));
                            };
                            let v = if *last {
                                std::mem::replace(a, Value::Bool(false))
                            } else {
                                a.clone()
                            };
                            crate::sql_value::to_sea(v)
                        }
                    });
                }
                Ok(Statement {
                    sql: sql.clone(),
                    values,
                    table: parts.from,
                })
            }
            Plan::Substituted => {
                let mut parts = parts.clone();
                parts.substitute(&args)?;
                Ok(parts.compile(dialect))
            }
            Plan::Invalid(message) => Err(Error::Query(message.clone())),
        }
    }
}

/// Decodes rows of a prepared query.
pub struct TemplateDecoder<'a, T>(&'a T);

impl<T: Template> Decode for TemplateDecoder<'_, T> {
    type Row = T::Row;
    fn decode(&self, row: &dyn Row) -> Result<T::Row, Error> {
        self.0.decode_row(row)
    }
}

impl<'a, T: Template, A: Args> Fetch<()> for Bound<'a, T, A> {
    type Row = T::Row;
    type Decoder = TemplateDecoder<'a, T>;
    fn table(&self) -> &'static str {
        self.prepared.template.parts().from
    }
    fn prepare(self, backend: &Backend) -> Result<(Statement, Self::Decoder), Error> {
        let template = &self.prepared.template;
        template.parts().check_backend(backend)?;
        let stmt = self.to_statement(backend.dialect)?;
        Ok((stmt, TemplateDecoder(template)))
    }
}

#[cfg(test)]
mod tests;

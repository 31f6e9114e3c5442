//! Sources a query reads from: a schema's table, or a schema's table under an
//! alias (to join the same table twice), and typed column references to either.

use quarry_core::{Column, FieldValue, Schema};
use std::marker::PhantomData;

/// Something a query can read from.
pub trait Source: 'static {
    /// The schema whose rows it holds.
    type Schema: Schema;
    /// The name the query refers to it by (the table, or its alias).
    fn name() -> &'static str;
    /// True when the name is an alias of the table.
    fn is_alias() -> bool {
        false
    }
}

/// A schema is a source: its own table (what `Product::price` refers to).
impl<S: Schema> Source for S {
    type Schema = S;
    fn name() -> &'static str {
        S::TABLE
    }
}

/// A typed SQL expression: a column of a schema's table or of an alias, or an
/// aggregate. Conditions built from it mention `Mentions`, which the query must
/// have in scope.
pub trait ColumnRef: Copy {
    /// The sources the expression reads (`One<S>` for a column of `S`).
    type Mentions;
    /// The Rust type of the column.
    type Value: FieldValue;
    /// The qualified column.
    #[doc(hidden)]
    fn col(&self) -> crate::ir::Op;
}

impl<S: Schema, T: FieldValue> ColumnRef for Column<S, T> {
    type Mentions = crate::scope::One<S>;
    type Value = T;
    fn col(&self) -> crate::ir::Op {
        crate::ir::Op::col(S::TABLE, self.column())
    }
}

/// Schema `S`'s table under the alias number `N`, for joining a table twice
/// (a buyer and a seller, both users).
///
/// ```
/// use quarry_query::{Alias, ColumnExt};
/// # use quarry_core::doc_support::Product;
/// const CHEAP: Alias<Product, 1> = Alias::new();
/// let c = CHEAP.col(Product::price).lt(5.0);
/// ```
pub struct Alias<S, const N: u8>(PhantomData<fn() -> S>);

impl<S, const N: u8> Clone for Alias<S, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, const N: u8> Copy for Alias<S, N> {}

impl<S: Schema, const N: u8> Default for Alias<S, N> {
    fn default() -> Self {
        Alias::new()
    }
}

impl<S: Schema, const N: u8> Alias<S, N> {
    /// The alias (a value only for convenience: it carries no data).
    pub const fn new() -> Self {
        Alias(PhantomData)
    }
    /// The column `col` of this alias.
    pub fn col<T: FieldValue>(self, col: Column<S, T>) -> AliasColumn<S, T, N> {
        AliasColumn {
            index: col.index(),
            _marker: PhantomData,
        }
    }
}

fn alias_name<S: Schema, const N: u8>() -> &'static str {
    // One leaked string per (schema, alias number) pair, made once: the set of
    // such pairs is fixed by the program's types.
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<(&'static str, u8), &'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = match names.lock() {
        Ok(m) => m,
        Err(p) => p.into_inner(),
    };
    map.entry((S::TABLE, N))
        .or_insert_with(|| Box::leak(format!("{}_{N}", S::TABLE).into_boxed_str()))
}

impl<S: Schema, const N: u8> Source for Alias<S, N> {
    type Schema = S;
    fn name() -> &'static str {
        alias_name::<S, N>()
    }
    fn is_alias() -> bool {
        true
    }
}

/// A column of an [`Alias`].
pub struct AliasColumn<S, T, const N: u8> {
    index: usize,
    _marker: PhantomData<fn() -> (S, T)>,
}

impl<S, T, const N: u8> Clone for AliasColumn<S, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, T, const N: u8> Copy for AliasColumn<S, T, N> {}

impl<S: Schema, T: FieldValue, const N: u8> ColumnRef for AliasColumn<S, T, N> {
    type Mentions = crate::scope::One<Alias<S, N>>;
    type Value = T;
    fn col(&self) -> crate::ir::Op {
        crate::ir::Op::col(
            alias_name::<S, N>(),
            quarry_core::schema::field_def::<S>(self.index).column,
        )
    }
}

/// A source given as a value, for `join`: [`TableRef`] (from [`table`]) or an
/// [`Alias`].
pub trait SourceArg {
    /// The source.
    type Src: Source;
}

/// The table of schema `S`, as a join argument.
pub struct TableRef<S>(PhantomData<fn() -> S>);

/// The table of schema `S`, to join: `query.join(table::<Store>(), on)`.
pub fn table<S: Schema>() -> TableRef<S> {
    TableRef(PhantomData)
}

impl<S: Schema> SourceArg for TableRef<S> {
    type Src = S;
}
impl<S: Schema, const N: u8> SourceArg for Alias<S, N> {
    type Src = Alias<S, N>;
}

//! Derive macros for quarry. Use them through the `quarry` crate:
//! `use quarry::Schema; #[derive(Schema)]`.

mod assoc;
mod assoc_attrs;
mod attrs;
mod enum_type;
mod from_tuple;
mod schema;
mod test_attr;

use proc_macro::TokenStream;

/// Derives `quarry::Schema` for a struct with named fields, plus one typed column
/// token per field (`Product::price: Column<Product, f64>`) and, unless
/// `#[quarry(no_default)]`, a `Default` impl honouring field defaults.
///
/// Struct attributes: `#[quarry(table = "products")]` (required), `timestamps`
/// (fields `inserted_at` and `updated_at` are managed by the library),
/// `no_default`, `prefix = "shared"` (the Postgres schema / MySQL database the
/// table lives in unless a query names another: Ecto's `@schema_prefix`; a
/// plain identifier). Field attributes: `primary_key`, `no_autogenerate`,
/// `column = "name"`, `virtual`, `default = <expr>`, `inserted_at`, `updated_at`,
/// `read_after_writes` (read back after an update: a column the database sets).
/// The struct must hold one field of type `quarry::Meta`.
///
/// Association fields (not columns) have type `quarry::Assoc<Option<T>>` or
/// `quarry::Assoc<Vec<T>>` and one of: `belongs_to` (options `foreign_key`,
/// default `<field>_id`, which must be a column field, and `references`,
/// default `id`), `has_many` / `has_one` (`foreign_key` in the related schema,
/// default `<schema>_id`; `references`, default `id`; `preload_order(field,
/// desc(field))`), `many_to_many(join_through = "table")` (`join_owner_key`,
/// `join_related_key`, `references`, `related_key`, `preload_order`), and
/// `has_many(through(first, second))` / `has_one(through(..))`. Each gets a
/// typed token: `Store::products: Association<Store, Vec<Product>>`.
#[proc_macro_derive(Schema, attributes(quarry))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    schema::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `From<(T1, T2, ...)>` for a struct with fields of types `T1, T2, ...`
/// in declaration order, so a query projection decodes straight into it:
/// `repo.all(query.select((Product::name, Product::price)).as_struct::<NamePrice>())`.
/// A projection whose types differ from the fields does not compile.
#[proc_macro_derive(FromTuple)]
pub fn derive_from_tuple(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_tuple::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A database test on a sandbox: `#[quarry::test]` on an `async fn` taking a
/// `quarry::testing::Sandbox` makes a `#[test]` that runs it on a tokio
/// runtime of its own, with a sandbox (a repo inside one transaction that is
/// rolled back when the test ends, even by a panic) on the test database.
///
/// Arguments, all optional:
///
/// - `migrations = path`: the application's migrations, a
///   `fn() -> Vec<Box<dyn Migration>>` (the `all()` of `migrations/mod.rs`),
///   applied once per test process (per test on SQLite, whose tests each get
///   an in-memory database);
/// - `fixtures(..)`: run in order before the test, inside the sandbox: a
///   string is a SQL file, its path from the crate root
///   (`"tests/fixtures/users.sql"`, compiled in with `include_str!`); a path
///   is an `async fn(&Sandbox) -> Result<(), E>` (`E: Display`);
/// - `env = "VAR"`: the database URL is that environment variable's, and the
///   test is skipped (it passes, saying so on stderr) when it is unset;
/// - `url = "..."`: this URL;
/// - `flavor = "multi_thread"`: a multi-thread tokio runtime with two
///   workers (the default is `"current_thread"`, as `#[tokio::test]`'s).
///
/// Without `env` or `url`, the URL is `QUARRY_TEST_DATABASE_URL`, else
/// `DATABASE_URL`, else `sqlite::memory:`. The function may return `()` or a
/// `Result<(), E>`; other attributes (`#[should_panic]`, `#[ignore]`) are
/// kept. See `docs/testing.md`.
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `quarry::FieldType` for an enum of unit variants (Ecto's
/// `Ecto.Enum`), so it can be a schema field. Each variant is stored as its
/// string form, the variant's name in snake case (`InReview` is
/// `"in_review"`; change it with `#[quarry(rename = "...")]`), or, with
/// `#[quarry(integer)]` on the enum, as its integer (`Low = 1` or
/// `#[quarry(value = 1)]`). Params cast from the string forms (and, for an
/// integer enum, the integers); anything else is `"is invalid"`. A value read
/// from the database that names no variant is `Error::Decode` naming the
/// column.
///
/// Also generates `as_str()`, `VALUES` (the string forms, for
/// `validate_inclusion`) and, unless a variant is `#[default]` or the enum is
/// `#[quarry(no_default)]`, a `Default` impl giving the first variant.
#[proc_macro_derive(Enum, attributes(quarry))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    enum_type::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

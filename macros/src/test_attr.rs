//! `#[quarry::test]`: a sandboxed database test.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{ItemFn, LitStr, Path};

/// One fixture: a SQL file (path from the crate root) or an async function.
enum Fixture {
    File(LitStr),
    Function(Path),
}

#[derive(Default)]
struct Args {
    migrations: Option<Path>,
    fixtures: Vec<Fixture>,
    env: Option<LitStr>,
    url: Option<LitStr>,
    multi_thread: bool,
}

fn parse_args(attr: TokenStream) -> syn::Result<Args> {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("migrations") {
            args.migrations = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("env") {
            args.env = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("url") {
            args.url = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("flavor") {
            let flavor: LitStr = meta.value()?.parse()?;
            match flavor.value().as_str() {
                "current_thread" => args.multi_thread = false,
                "multi_thread" => args.multi_thread = true,
                _ => {
                    return Err(syn::Error::new(
                        flavor.span(),
                        "flavor is \"current_thread\" (the default) or \"multi_thread\"",
                    ))
                }
            }
            Ok(())
        } else if meta.path.is_ident("fixtures") {
            let content;
            syn::parenthesized!(content in meta.input);
            let items = content.parse_terminated(parse_fixture, syn::Token![,])?;
            args.fixtures.extend(items);
            Ok(())
        } else {
            Err(meta.error(
                "unknown argument: expected migrations = path, fixtures(..), env = \"VAR\", url = \"..\" or flavor = \"multi_thread\"",
            ))
        }
    });
    syn::parse::Parser::parse2(parser, attr)?;
    if args.env.is_some() && args.url.is_some() {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "give `env` or `url`, not both",
        ));
    }
    Ok(args)
}

/// A fixture: a string literal (a SQL file) or a path (an async function).
fn parse_fixture(input: syn::parse::ParseStream<'_>) -> syn::Result<Fixture> {
    if input.peek(LitStr) {
        Ok(Fixture::File(input.parse()?))
    } else {
        let path: Path = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "a fixture is a SQL file (\"tests/fixtures/users.sql\", from the crate root) or an async function (seed_users)",
            )
        })?;
        Ok(Fixture::Function(path))
    }
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = parse_args(attr)?;
    let mut func: ItemFn = syn::parse2(item)?;
    if func.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            func.sig.fn_token.span(),
            "#[quarry::test] goes on an `async fn` taking the sandbox: `async fn name(repo: quarry::testing::Sandbox)`",
        ));
    }
    if func.sig.inputs.len() != 1 {
        return Err(syn::Error::new(
            func.sig.ident.span(),
            "a #[quarry::test] function takes one argument, the sandbox: `repo: quarry::testing::Sandbox`",
        ));
    }
    let name = func.sig.ident.clone();
    let output = func.sig.output.clone();
    let attrs = std::mem::take(&mut func.attrs);
    let vis = func.vis.clone();
    func.sig.ident = syn::Ident::new("__quarry_test_body", name.span());
    func.vis = syn::Visibility::Inherited;

    let source = match (&args.env, &args.url) {
        (Some(var), _) => quote!(::quarry::testing::Source::Env(#var)),
        (_, Some(url)) => quote!(::quarry::testing::Source::Url(#url)),
        _ => quote!(::quarry::testing::Source::Default),
    };
    let migrations = match &args.migrations {
        Some(path) => quote!(::core::option::Option::Some(#path as ::quarry::testing::Migrations)),
        None => quote!(::core::option::Option::None),
    };
    let multi_thread = args.multi_thread;
    let fixtures = args.fixtures.iter().map(|f| match f {
        Fixture::File(file) => {
            let shown = file.value();
            quote! {
                ::quarry::testing::__fixture(
                    __quarry_test.name,
                    #shown,
                    ::quarry::testing::run_script(
                        &__quarry_sandbox,
                        ::core::include_str!(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", #file)),
                    ),
                )
                .await;
            }
        }
        Fixture::Function(path) => {
            let shown = quote!(#path).to_string().replace(' ', "");
            quote! {
                ::quarry::testing::__fixture(__quarry_test.name, #shown, #path(&__quarry_sandbox)).await;
            }
        }
    });
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() #output {
            #func
            let __quarry_test = ::quarry::testing::Test {
                name: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name)),
                source: #source,
                migrations: #migrations,
                multi_thread: #multi_thread,
            };
            ::quarry::testing::__run(__quarry_test, move |__quarry_sandbox| async move {
                #(#fixtures)*
                __quarry_test_body(__quarry_sandbox).await
            })
        }
    })
}

//! Expansion of `#[derive(FromTuple)]`: `From<(field types, in order)>` for a struct,
//! so a query's projection can be decoded into it (`select(..).as_struct::<T>()`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Result};

pub fn expand(input: DeriveInput) -> Result<TokenStream> {
    let name = &input.ident;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(FromTuple)] only works on structs",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(FromTuple)] needs a struct with named fields",
        ));
    };
    if named.named.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(FromTuple)] needs at least one field",
        ));
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let idents: Vec<_> = named.named.iter().filter_map(|f| f.ident.clone()).collect();
    let types: Vec<_> = named.named.iter().map(|f| f.ty.clone()).collect();
    Ok(quote! {
        impl #impl_generics ::core::convert::From<(#(#types,)*)> for #name #ty_generics #where_clause {
            fn from((#(#idents,)*): (#(#types,)*)) -> Self {
                #name { #(#idents),* }
            }
        }
    })
}

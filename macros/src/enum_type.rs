//! Expansion of `#[derive(Enum)]`: a `FieldType` for a Rust enum of unit
//! variants, stored as each variant's string form (Ecto's `Ecto.Enum`) or,
//! with `#[quarry(integer)]`, as its integer.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Expr, ExprLit, ExprUnary, Fields, Lit, LitInt, LitStr, Result, UnOp};

struct Variant {
    ident: syn::Ident,
    string: String,
    integer: Option<i32>,
}

/// `InReview` -> `in_review`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars.get(i - 1).copied().unwrap_or('_');
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev != '_'
                && (prev.is_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_uppercase() && next_lower))
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn int_of(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => int_of(expr).map(|i| -i),
        Expr::Group(g) => int_of(&g.expr),
        Expr::Paren(p) => int_of(&p.expr),
        _ => None,
    }
}

pub fn expand(input: DeriveInput) -> Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(Enum)] does not support generic enums",
        ));
    }
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Enum)] only works on enums",
        ));
    };
    let mut integer = false;
    let mut no_default = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("quarry")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("integer") {
                integer = true;
            } else if meta.path.is_ident("no_default") {
                no_default = true;
            } else {
                return Err(
                    meta.error("unknown quarry enum attribute; expected `integer` or `no_default`")
                );
            }
            Ok(())
        })?;
    }
    if data.variants.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Enum)] needs at least one variant",
        ));
    }
    let mut variants = Vec::new();
    let mut has_default_attr = false;
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new_spanned(
                &v.fields,
                "#[derive(Enum)] variants cannot hold data",
            ));
        }
        has_default_attr |= v.attrs.iter().any(|a| a.path().is_ident("default"));
        let mut string = snake_case(&v.ident.to_string());
        let mut value: Option<i64> = v.discriminant.as_ref().and_then(|(_, e)| int_of(e));
        if let Some((_, e)) = &v.discriminant {
            if value.is_none() && integer {
                return Err(syn::Error::new_spanned(
                    e,
                    "an integer enum's discriminant must be an integer literal (or use #[quarry(value = N)])",
                ));
            }
        }
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("quarry")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().trim().is_empty() {
                        return Err(syn::Error::new(lit.span(), "a variant's string form cannot be blank"));
                    }
                    string = lit.value();
                } else if meta.path.is_ident("value") {
                    let lit: LitInt = meta.value()?.parse()?;
                    value = Some(lit.base10_parse()?);
                } else {
                    return Err(meta.error(
                        "unknown quarry variant attribute; expected `rename = \"...\"` or `value = N`",
                    ));
                }
                Ok(())
            })?;
        }
        let integer_value = match (integer, value) {
            (false, _) => None,
            (true, None) => {
                return Err(syn::Error::new_spanned(
                    &v.ident,
                    "each variant of a #[quarry(integer)] enum needs its integer: `Low = 1` or #[quarry(value = 1)]",
                ))
            }
            (true, Some(i)) => Some(i32::try_from(i).map_err(|_| {
                syn::Error::new_spanned(&v.ident, "an enum's integer must fit in 32 bits")
            })?),
        };
        variants.push(Variant {
            ident: v.ident.clone(),
            string,
            integer: integer_value,
        });
    }
    for (i, a) in variants.iter().enumerate() {
        for b in variants.iter().skip(i + 1) {
            if a.string == b.string {
                return Err(syn::Error::new_spanned(
                    &b.ident,
                    format!("two variants have the string form {:?}", a.string),
                ));
            }
            if a.integer.is_some() && a.integer == b.integer {
                return Err(syn::Error::new_spanned(
                    &b.ident,
                    "two variants have the same integer",
                ));
            }
        }
    }

    let p = quote!(::quarry::__private);
    let type_name = name.to_string();
    let idents: Vec<_> = variants.iter().map(|v| &v.ident).collect();
    let strings: Vec<_> = variants.iter().map(|v| v.string.as_str()).collect();
    let ints: Vec<proc_macro2::Literal> = variants
        .iter()
        .filter_map(|v| v.integer)
        .map(proc_macro2::Literal::i32_unsuffixed)
        .collect();
    let unknown = quote! {
        |found: ::std::string::String| #p::ValueError {
            expected: <Self as #p::FieldType>::STORAGE,
            found: ::std::format!("{found}, not a value of {}", #type_name),
        }
    };
    let (storage, load, dump, cast_int) = if integer {
        (
            quote!(#p::ValueType::I32),
            quote! {
                let unknown = #unknown;
                match value.as_i64() {
                    #(::core::option::Option::Some(#ints) => ::core::result::Result::Ok(#name::#idents),)*
                    ::core::option::Option::Some(i) => ::core::result::Result::Err(unknown(i.to_string())),
                    ::core::option::Option::None => ::core::result::Result::Err(#p::ValueError {
                        expected: #p::ValueType::I32,
                        found: value.value_type().to_string(),
                    }),
                }
            },
            quote! {
                #p::Value::I32(match self { #(#name::#idents => #ints,)* })
            },
            quote! {
                if let ::core::option::Option::Some(i) = param.as_i64() {
                    return match i {
                        #(#ints => ::core::result::Result::Ok(#name::#idents),)*
                        _ => ::core::result::Result::Err(#p::CastError::invalid()),
                    };
                }
            },
        )
    } else {
        (
            quote!(#p::ValueType::String),
            quote! {
                let unknown = #unknown;
                match value {
                    #p::Value::String(s) => match s.as_str() {
                        #(#strings => ::core::result::Result::Ok(#name::#idents),)*
                        _ => ::core::result::Result::Err(unknown(::std::format!("{s:?}"))),
                    },
                    other => ::core::result::Result::Err(#p::ValueError {
                        expected: #p::ValueType::String,
                        found: other.value_type().to_string(),
                    }),
                }
            },
            quote! {
                #p::Value::String(::std::string::String::from(self.as_str()))
            },
            quote!(),
        )
    };
    let first = idents.first();
    let default_impl = if no_default || has_default_attr {
        quote!()
    } else {
        quote! {
            impl ::core::default::Default for #name {
                fn default() -> Self {
                    #name::#first
                }
            }
        }
    };
    let values_doc = format!("The string forms of `{name}`'s variants, in declaration order.");
    Ok(quote! {
        #default_impl
        impl #name {
            #[doc = #values_doc]
            pub const VALUES: &'static [&'static str] = &[#(#strings),*];

            /// The variant's string form (what params cast from).
            pub const fn as_str(&self) -> &'static str {
                match self { #(#name::#idents => #strings,)* }
            }
        }
        impl #p::FieldType for #name {
            const STORAGE: #p::ValueType = #storage;
            const NAME: &'static str = "enum";
            fn cast(param: &#p::serde_json::Value) -> ::core::result::Result<Self, #p::CastError> {
                #cast_int
                match param.as_str() {
                    #(::core::option::Option::Some(#strings) => ::core::result::Result::Ok(#name::#idents),)*
                    _ => ::core::result::Result::Err(#p::CastError::invalid()),
                }
            }
            fn load(value: #p::Value) -> ::core::result::Result<Self, #p::ValueError> {
                #load
            }
            fn dump(&self) -> #p::Value {
                #dump
            }
        }
        impl #p::ArrayElement for #name {}
    })
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_cases() {
        assert_eq!(snake_case("Draft"), "draft");
        assert_eq!(snake_case("InReview"), "in_review");
        assert_eq!(snake_case("HTTPError"), "http_error");
        assert_eq!(snake_case("V2Beta"), "v2_beta");
    }
}

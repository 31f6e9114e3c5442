//! Expansion of association fields: one `Association` token per field
//! (`Store::products`), their not-loaded initial state, and `parent_keys`.

use crate::assoc_attrs::{AssocAttr, AssocKindAttr};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{GenericArgument, Ident, LitStr, PathArguments, Result, Type};

/// An association field of the struct being derived.
pub struct AssocField {
    pub ident: Ident,
    /// `Vec<T>` or `Option<T>`.
    pub value_ty: Type,
    /// `T`.
    pub related: Type,
    pub many: bool,
    pub attr: AssocAttr,
}

/// What the struct's other fields are, for checks.
pub struct ColumnInfo {
    pub name: String,
    pub persisted: bool,
}

/// What association fields add to the expansion.
pub struct AssocExpansion {
    pub consts: Vec<TokenStream>,
    pub inits: Vec<TokenStream>,
    pub parent_keys: Option<TokenStream>,
}

fn single_arg(ty: &Type, names: &[&str]) -> Option<(String, Type)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    if !names.contains(&name.as_str()) {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some((name, first))
}

/// True when the field's type is `Assoc<...>` (any path ending in `Assoc`).
pub fn is_assoc_type(ty: &Type) -> bool {
    single_arg(ty, &["Assoc"]).is_some()
}

/// Reads an association field: its type must be `Assoc<Vec<T>>` or
/// `Assoc<Option<T>>`, matching the kind.
pub fn field(ident: Ident, ty: &Type, attr: AssocAttr) -> Result<AssocField> {
    let shape_error = || {
        let want = match attr.kind {
            AssocKindAttr::BelongsTo | AssocKindAttr::HasOne => "Assoc<Option<T>>",
            AssocKindAttr::HasMany | AssocKindAttr::ManyToMany => "Assoc<Vec<T>>",
        };
        syn::Error::new(
            ty.span(),
            format!(
                "a {} association field has type `quarry::{want}` (T the associated schema)",
                attr.kind.word()
            ),
        )
    };
    let (_, value_ty) = single_arg(ty, &["Assoc"]).ok_or_else(shape_error)?;
    let (outer, related) = single_arg(&value_ty, &["Vec", "Option"]).ok_or_else(shape_error)?;
    let many = outer == "Vec";
    let wants_many = matches!(
        attr.kind,
        AssocKindAttr::HasMany | AssocKindAttr::ManyToMany
    );
    if many != wants_many {
        return Err(shape_error());
    }
    Ok(AssocField {
        ident,
        value_ty,
        related,
        many,
        attr,
    })
}

/// `ProductTag` -> `product_tag`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p));
            let prev_lower = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = prev.is_some_and(|p| p.is_uppercase());
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn name_ident(lit: &Option<LitStr>, default: String, span: proc_macro2::Span) -> Ident {
    match lit {
        Some(l) => Ident::new(&l.value(), l.span()),
        None => Ident::new(&default, span),
    }
}

fn reject(attr: &AssocAttr, present: bool, option: &str) -> Result<()> {
    if present {
        return Err(syn::Error::new(
            attr.span,
            format!("`{option}` does not apply to {}", attr.kind.word()),
        ));
    }
    Ok(())
}

fn own_column(columns: &[ColumnInfo], name: &Ident, what: &str, option: &str) -> Result<()> {
    let n = name.to_string();
    match columns.iter().find(|c| c.name == n) {
        Some(c) if c.persisted => Ok(()),
        Some(_) => Err(syn::Error::new(
            name.span(),
            format!("{what} `{n}` is a virtual field; it must be a column"),
        )),
        None => Err(syn::Error::new(
            name.span(),
            format!("{what} `{n}` is not a field of this schema; add it (for example `pub {n}: Option<i64>`) or name another with `{option} = \"...\"`"),
        )),
    }
}

pub fn expand(
    name: &Ident,
    struct_name: &str,
    columns: &[ColumnInfo],
    assocs: &[AssocField],
) -> Result<AssocExpansion> {
    let mut out = AssocExpansion {
        consts: Vec::new(),
        inits: Vec::new(),
        parent_keys: None,
    };
    let mut belongs = Vec::new();
    let own_snake = snake_case(struct_name);
    for a in assocs {
        let ident = &a.ident;
        let fname = ident.to_string();
        let value_ty = &a.value_ty;
        let related = &a.related;
        let attr = &a.attr;
        let span = attr.span;
        let assoc_ty = quote!(::quarry::__private::Association::<#name, #value_ty>);
        out.inits
            .push(quote! { #ident: ::quarry::__private::Assoc::not_loaded(#struct_name, #fname), });
        let order_terms = attr.preload_order.iter().map(|(f, desc)| {
            quote! { (<#related>::#f.index(), #desc) }
        });
        let order = quote! { || ::std::vec![#(#order_terms),*] };
        let get = quote! { |s| &s.#ident, |s| &mut s.#ident };
        if !attr.through.is_empty() {
            if !matches!(attr.kind, AssocKindAttr::HasMany | AssocKindAttr::HasOne) {
                return Err(syn::Error::new(
                    span,
                    "`through` applies to has_many and has_one",
                ));
            }
            for (present, option) in [
                (attr.foreign_key.is_some(), "foreign_key"),
                (attr.references.is_some(), "references"),
                (attr.related_key.is_some(), "related_key"),
                (attr.join_through.is_some(), "join_through"),
            ] {
                if present {
                    return Err(syn::Error::new(
                        span,
                        format!("`{option}` does not apply to an association through others"),
                    ));
                }
            }
            let [first, second] = attr.through.as_slice() else {
                return Err(syn::Error::new(
                    span,
                    "`through(first, second)` names two associations: one of this schema, then one of the first's schema (which may itself go through others)",
                ));
            };
            let hop = assocs.iter().find(|o| o.ident == *first).ok_or_else(|| {
                syn::Error::new(
                    first.span(),
                    format!("`{first}` is not an association of this schema"),
                )
            })?;
            let hop_related = &hop.related;
            let doc = format!(
                "Association token for `{struct_name}.{fname}` (through `{first}`, `{second}`)."
            );
            out.consts.push(quote! {
                #[doc = #doc]
                pub const #ident: ::quarry::__private::Association<#name, #value_ty> = #assoc_ty::through(
                    #fname,
                    || #assoc_ty::through_hops(#name::#first, <#hop_related>::#second),
                    #get,
                    #order,
                );
            });
            continue;
        }
        let doc = format!(
            "Association token for `{struct_name}.{fname}` ({}).",
            attr.kind.word()
        );
        let constructor = match attr.kind {
            AssocKindAttr::BelongsTo => {
                reject(attr, attr.join_through.is_some(), "join_through")?;
                reject(attr, attr.related_key.is_some(), "related_key")?;
                reject(attr, !attr.preload_order.is_empty(), "preload_order")?;
                let fk = name_ident(&attr.foreign_key, format!("{fname}_id"), ident.span());
                own_column(columns, &fk, "the foreign key", "foreign_key")?;
                let refs = name_ident(&attr.references, "id".into(), span);
                belongs.push(ident.clone());
                quote! {
                    #assoc_ty::belongs_to(
                        #fname,
                        || #assoc_ty::key_pair(#name::#fk, <#related>::#refs),
                        #get,
                    )
                }
            }
            AssocKindAttr::HasMany | AssocKindAttr::HasOne => {
                reject(attr, attr.join_through.is_some(), "join_through")?;
                reject(attr, attr.related_key.is_some(), "related_key")?;
                let key = name_ident(&attr.references, "id".into(), span);
                own_column(columns, &key, "the referenced key", "references")?;
                let fk = name_ident(&attr.foreign_key, format!("{own_snake}_id"), span);
                let ctor = if a.many {
                    quote!(has_many)
                } else {
                    quote!(has_one)
                };
                quote! {
                    #assoc_ty::#ctor(
                        #fname,
                        || #assoc_ty::key_pair(#name::#key, <#related>::#fk),
                        #get,
                        #order,
                    )
                }
            }
            AssocKindAttr::ManyToMany => {
                reject(attr, attr.foreign_key.is_some(), "foreign_key")?;
                let Some(join) = &attr.join_through else {
                    return Err(syn::Error::new(
                        span,
                        "many_to_many needs its join table: `many_to_many(join_through = \"...\")`",
                    ));
                };
                let key = name_ident(&attr.references, "id".into(), span);
                own_column(columns, &key, "the referenced key", "references")?;
                let related_key = name_ident(&attr.related_key, "id".into(), span);
                let owner_col = attr
                    .join_owner_key
                    .as_ref()
                    .map(LitStr::value)
                    .unwrap_or_else(|| format!("{own_snake}_id"));
                let related_col = attr
                    .join_related_key
                    .as_ref()
                    .map(LitStr::value)
                    .unwrap_or_else(|| format!("{}_id", snake_case(&type_name(related))));
                quote! {
                    #assoc_ty::many_to_many(
                        #fname,
                        || #assoc_ty::key_pair(#name::#key, <#related>::#related_key),
                        #join,
                        #owner_col,
                        #related_col,
                        #get,
                        #order,
                    )
                }
            }
        };
        if attr.kind != AssocKindAttr::ManyToMany {
            reject(attr, attr.join_owner_key.is_some(), "join_owner_key")?;
            reject(attr, attr.join_related_key.is_some(), "join_related_key")?;
        }
        out.consts.push(quote! {
            #[doc = #doc]
            pub const #ident: ::quarry::__private::Association<#name, #value_ty> = #constructor;
        });
    }
    if !belongs.is_empty() {
        out.parent_keys = Some(quote! {
            fn parent_keys(&self) -> ::std::vec::Vec<(usize, ::quarry::__private::Value)> {
                let mut out = ::std::vec::Vec::new();
                #(
                    if let ::core::option::Option::Some(k) = #name::#belongs.parent_key(self) {
                        out.push(k);
                    }
                )*
                out
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn schema_names_become_snake_case() {
        assert_eq!(snake_case("Store"), "store");
        assert_eq!(snake_case("ProductTag"), "product_tag");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("User2Fa"), "user2_fa");
    }
}

//! Expansion of `#[derive(Schema)]`.

use crate::attrs::{field_attrs, struct_attrs, FieldAttrs};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Result, Type};

struct FieldInfo {
    ident: Ident,
    ty: Type,
    attrs: FieldAttrs,
    role: TokenStream,
    is_timestamp: bool,
}

fn is_meta(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().map(|s| s.ident == "Meta").unwrap_or(false))
}

pub fn expand(input: DeriveInput) -> Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "#[derive(Schema)] does not support generic structs",
        ));
    }
    let sattrs = struct_attrs(&input.attrs)?;
    let table = match (sattrs.table.clone(), sattrs.embedded) {
        (Some(_), true) => {
            return Err(syn::Error::new(
                name.span(),
                "an embedded schema has no table: use either #[quarry(table = \"...\")] or #[quarry(embedded)]",
            ))
        }
        (Some(table), false) => table,
        (None, true) => String::new(),
        (None, false) => {
            return Err(syn::Error::new(
                name.span(),
                "#[derive(Schema)] needs the table name: add #[quarry(table = \"...\")] (or #[quarry(embedded)] for a schema stored inside another's JSON column)",
            ))
        }
    };
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Schema)] only works on structs",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Schema)] needs a struct with named fields",
        ));
    };

    let mut meta_field: Option<Ident> = None;
    let mut fields: Vec<FieldInfo> = Vec::new();
    let mut assoc_fields: Vec<crate::assoc::AssocField> = Vec::new();
    for f in &named.named {
        let ident = f
            .ident
            .clone()
            .ok_or_else(|| syn::Error::new(f.span(), "unnamed field"))?;
        if is_meta(&f.ty) {
            if meta_field.is_some() {
                return Err(syn::Error::new(
                    f.span(),
                    "a schema has exactly one `Meta` field",
                ));
            }
            meta_field = Some(ident);
            continue;
        }
        let mut attrs = field_attrs(&f.attrs)?;
        if let Some(assoc) = attrs.assoc.take() {
            if attrs.primary_key
                || attrs.is_virtual
                || attrs.column.is_some()
                || attrs.default.is_some()
                || attrs.inserted_at
                || attrs.updated_at
                || attrs.no_autogenerate
            {
                return Err(syn::Error::new(
                    f.span(),
                    "an association field takes no column attributes (it is not a column)",
                ));
            }
            assoc_fields.push(crate::assoc::field(ident, &f.ty, assoc)?);
            continue;
        }
        if crate::assoc::is_assoc_type(&f.ty) {
            return Err(syn::Error::new(
                f.span(),
                "an `Assoc` field needs its association: #[quarry(belongs_to)], #[quarry(has_many)], #[quarry(has_one)] or #[quarry(many_to_many(join_through = \"...\"))]",
            ));
        }
        let fname = ident.to_string();
        let inserted = attrs.inserted_at || (sattrs.timestamps && fname == "inserted_at");
        let updated = attrs.updated_at || (sattrs.timestamps && fname == "updated_at");
        if attrs.is_virtual && (attrs.primary_key || inserted || updated || attrs.column.is_some())
        {
            return Err(syn::Error::new(
                f.span(),
                "a virtual field cannot be a primary key, a timestamp or have a column name",
            ));
        }
        let role = if attrs.is_virtual {
            quote!(::quarry::__private::FieldRole::Virtual)
        } else if inserted {
            quote!(::quarry::__private::FieldRole::InsertedAt)
        } else if updated {
            quote!(::quarry::__private::FieldRole::UpdatedAt)
        } else {
            quote!(::quarry::__private::FieldRole::Normal)
        };
        fields.push(FieldInfo {
            ident,
            ty: f.ty.clone(),
            attrs,
            role,
            is_timestamp: inserted || updated,
        });
    }
    let Some(meta_field) = meta_field else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Schema)] needs a field of type `quarry::Meta` (for example `pub meta: Meta`) to track whether the struct is built, loaded or deleted",
        ));
    };
    if sattrs.timestamps {
        for ts in ["inserted_at", "updated_at"] {
            if !fields.iter().any(|f| f.ident == ts) {
                return Err(syn::Error::new(
                    name.span(),
                    format!("#[quarry(timestamps)] needs a field `{ts}` of type NaiveDateTime or DateTime<Utc>"),
                ));
            }
        }
    }
    let explicit_pk = fields.iter().any(|f| f.attrs.primary_key);
    let is_pk = |f: &FieldInfo| {
        f.attrs.primary_key || (!explicit_pk && f.ident == "id" && !f.attrs.is_virtual)
    };

    let mut defs = Vec::new();
    let mut consts = Vec::new();
    let mut getters = Vec::new();
    let mut takers = Vec::new();
    let mut setters = Vec::new();
    let mut decoders = Vec::new();
    let mut defaults = Vec::new();
    let mut checks = Vec::new();
    let mut casts = Vec::new();
    let mut read_after: Vec<usize> = Vec::new();
    let mut equals = Vec::new();
    let mut persisted = 0usize;
    for (i, f) in fields.iter().enumerate() {
        let ident = &f.ident;
        let ty = &f.ty;
        let fname = ident.to_string();
        let column = f.attrs.column.clone().unwrap_or_else(|| fname.clone());
        let pk = is_pk(f);
        let autogen = pk && !f.attrs.no_autogenerate;
        let trim = f.attrs.trim;
        let role = &f.role;
        if f.attrs.read_after_writes {
            if f.attrs.is_virtual {
                return Err(syn::Error::new(
                    ident.span(),
                    "a virtual field is never written or read: it cannot be read_after_writes",
                ));
            }
            read_after.push(i);
        }
        checks.push(quote_spanned! {ty.span()=>
            const _: () = { fn __quarry_field<T: ::quarry::__private::FieldValue>() {} fn __check() { __quarry_field::<#ty>(); } };
        });
        if f.is_timestamp {
            checks.push(quote_spanned! {ty.span()=>
                const _: () = { fn __quarry_ts<T: ::quarry::__private::TimestampValue>() {} fn __check() { __quarry_ts::<#ty>(); } };
            });
        }
        defs.push(quote! {
            ::quarry::__private::FieldDef {
                name: #fname,
                column: #column,
                ty: <#ty as ::quarry::__private::FieldValue>::TYPE,
                nullable: <#ty as ::quarry::__private::FieldValue>::NULLABLE,
                primary_key: #pk,
                autogenerate: #autogen && <#ty as ::quarry::__private::FieldValue>::TYPE.is_generated_key(),
                role: #role,
                trim: #trim,
            }
        });
        let doc = format!("Column token for `{name}.{fname}` (column `{table}.{column}`).");
        consts.push(quote! {
            #[doc = #doc]
            pub const #ident: ::quarry::__private::Column<#name, #ty> = ::quarry::__private::Column::new::<#i>();
        });
        getters.push(quote! { #i => ::quarry::__private::FieldValue::to_value(&self.#ident), });
        casts.push(quote! { #i => ::quarry::__private::cast_field::<#ty>(param, trim), });
        equals.push(quote! { #i => <#ty as ::quarry::__private::FieldValue>::equal_values(a, b), });
        takers.push(quote! {
            #i => ::quarry::__private::FieldValue::into_value(::core::mem::take(&mut self.#ident)),
        });
        setters.push(quote! {
            #i => {
                self.#ident = if value.is_null() && !<#ty as ::quarry::__private::FieldValue>::NULLABLE {
                    ::core::default::Default::default()
                } else {
                    <#ty as ::quarry::__private::FieldValue>::from_value(value).map_err(|e| ::quarry::__private::Error::InvalidValue {
                        field: #fname.to_string(),
                        message: e.to_string(),
                    })?
                };
            }
        });
        let default_expr = match &f.attrs.default {
            Some(e) => quote!(::core::convert::Into::into(#e)),
            None => quote!(::core::default::Default::default()),
        };
        if f.attrs.is_virtual {
            decoders.push(quote! { #ident: #default_expr, });
        } else {
            decoders.push(quote! { #ident: row.get::<#ty>(offset + #persisted).map_err(|e| e.in_table(<Self as ::quarry::__private::Schema>::TABLE))?, });
            persisted += 1;
        }
        defaults.push(quote! { #ident: #default_expr, });
    }

    let struct_name = name.to_string();
    let columns: Vec<crate::assoc::ColumnInfo> = fields
        .iter()
        .map(|f| crate::assoc::ColumnInfo {
            name: f.ident.to_string(),
            persisted: !f.attrs.is_virtual,
        })
        .collect();
    let assoc = crate::assoc::expand(name, &struct_name, &columns, &assoc_fields)?;
    let assoc_consts = &assoc.consts;
    let assoc_inits = &assoc.inits;
    let parent_keys = assoc.parent_keys.clone().unwrap_or_default();
    let consts_impl = quote! {
        #[allow(non_upper_case_globals)]
        impl #name {
            #(#consts)*
            #(#assoc_consts)*

            /// A query over all rows of this schema (Ecto's `from p in Schema`).
            pub fn query() -> ::quarry::__private::Query<#name> {
                ::quarry::__private::Query::new()
            }
        }
    };
    let default_impl = if sattrs.no_default {
        quote!()
    } else {
        quote! {
            impl ::core::default::Default for #name {
                fn default() -> Self {
                    #name {
                        #meta_field: ::quarry::__private::Meta::default(),
                        #(#defaults)*
                        #(#assoc_inits)*
                    }
                }
            }
        }
    };
    let prefix = match &sattrs.prefix {
        Some(p) => quote! { ::core::option::Option::Some(#p) },
        None => quote! { ::core::option::Option::None },
    };
    Ok(quote! {
        #(#checks)*
        #consts_impl
        #default_impl
        impl ::quarry::__private::Schema for #name {
            const TABLE: &'static str = #table;
            const NAME: &'static str = #struct_name;
            const FIELDS: &'static [::quarry::__private::FieldDef] = &[#(#defs),*];
            const READ_AFTER_WRITES: &'static [usize] = &[#(#read_after),*];
            const PREFIX: ::core::option::Option<&'static str> = #prefix;

            #parent_keys

            fn meta(&self) -> &::quarry::__private::Meta {
                &self.#meta_field
            }
            fn meta_mut(&mut self) -> &mut ::quarry::__private::Meta {
                &mut self.#meta_field
            }
            fn get_value(&self, index: usize) -> ::core::option::Option<::quarry::__private::Value> {
                ::core::option::Option::Some(match index {
                    #(#getters)*
                    _ => return ::core::option::Option::None,
                })
            }
            fn take_value(&mut self, index: usize) -> ::core::option::Option<::quarry::__private::Value> {
                ::core::option::Option::Some(match index {
                    #(#takers)*
                    _ => return ::core::option::Option::None,
                })
            }
            fn set_value(&mut self, index: usize, value: ::quarry::__private::Value) -> ::core::result::Result<(), ::quarry::__private::Error> {
                match index {
                    #(#setters)*
                    _ => {}
                }
                ::core::result::Result::Ok(())
            }
            fn cast_field(index: usize, param: &::quarry::__private::serde_json::Value, trim: bool) -> ::core::result::Result<::quarry::__private::Value, ::quarry::__private::FieldError> {
                match index {
                    #(#casts)*
                    _ => ::quarry::__private::cast_field::<::std::string::String>(param, trim),
                }
            }
            fn field_equal(index: usize, a: &::quarry::__private::Value, b: &::quarry::__private::Value) -> bool {
                match index {
                    #(#equals)*
                    _ => a == b,
                }
            }
            fn write_nested<'a>(tx: &'a ::quarry::__private::TxHandle, changeset: ::quarry::__private::AnyBox) -> ::quarry::__private::WriteFuture<'a, Self> {
                ::quarry::__private::write_nested::<Self>(tx, changeset)
            }
            fn from_row(row: &dyn ::quarry::__private::Row, offset: usize) -> ::core::result::Result<Self, ::quarry::__private::Error> {
                ::core::result::Result::Ok(#name {
                    #meta_field: ::quarry::__private::Meta::new(::quarry::__private::State::Loaded),
                    #(#decoders)*
                    #(#assoc_inits)*
                })
            }
        }
    })
}

//! Parsing of `#[quarry(...)]` attributes.

use syn::{Attribute, Expr, LitStr, Result};

/// Struct-level options.
#[derive(Default)]
pub struct StructAttrs {
    pub table: Option<String>,
    pub timestamps: bool,
    pub no_default: bool,
    pub embedded: bool,
    pub prefix: Option<String>,
}

/// Field-level options.
#[derive(Default)]
pub struct FieldAttrs {
    pub assoc: Option<crate::assoc_attrs::AssocAttr>,
    pub primary_key: bool,
    pub no_autogenerate: bool,
    pub column: Option<String>,
    pub is_virtual: bool,
    pub trim: bool,
    pub default: Option<Expr>,
    pub inserted_at: bool,
    pub updated_at: bool,
    pub read_after_writes: bool,
}

pub fn struct_attrs(attrs: &[Attribute]) -> Result<StructAttrs> {
    let mut out = StructAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("quarry")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    return Err(syn::Error::new(lit.span(), "table name cannot be empty"));
                }
                out.table = Some(lit.value());
            } else if meta.path.is_ident("timestamps") {
                out.timestamps = true;
            } else if meta.path.is_ident("no_default") {
                out.no_default = true;
            } else if meta.path.is_ident("embedded") {
                out.embedded = true;
            } else if meta.path.is_ident("prefix") {
                let lit: LitStr = meta.value()?.parse()?;
                if !plain_identifier(&lit.value()) {
                    return Err(syn::Error::new(
                        lit.span(),
                        "a prefix (a Postgres schema, a MySQL database) must be a plain identifier: ASCII letters, digits and _, not starting with a digit, at most 63 characters",
                    ));
                }
                out.prefix = Some(lit.value());
            } else {
                return Err(meta.error(
                    "unknown quarry struct attribute; expected `table = \"...\"`, `prefix = \"...\"`, `embedded`, `timestamps` or `no_default`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// The rule quarry's `Prefix::new` applies at run time.
fn plain_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 63
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn field_attrs(attrs: &[Attribute]) -> Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("quarry")) {
        attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("primary_key") {
                out.primary_key = true;
            } else if p.is_ident("no_autogenerate") {
                out.no_autogenerate = true;
            } else if p.is_ident("column") {
                let lit: LitStr = meta.value()?.parse()?;
                out.column = Some(lit.value());
            } else if p.is_ident("virtual") {
                out.is_virtual = true;
            } else if p.is_ident("trim") {
                out.trim = true;
            } else if p.is_ident("default") {
                out.default = Some(meta.value()?.parse()?);
            } else if p.is_ident("inserted_at") {
                out.inserted_at = true;
            } else if p.is_ident("updated_at") {
                out.updated_at = true;
            } else if p.is_ident("read_after_writes") {
                out.read_after_writes = true;
            } else if let Some(kind) = crate::assoc_attrs::kind_of(p) {
                out.assoc = Some(crate::assoc_attrs::parse(kind, &meta)?);
            } else {
                return Err(meta.error(
                    "unknown quarry field attribute; expected `primary_key`, `no_autogenerate`, `column = \"...\"`, `virtual`, `trim`, `default = ...`, `inserted_at`, `updated_at`, `read_after_writes`, `belongs_to`, `has_many`, `has_one` or `many_to_many`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

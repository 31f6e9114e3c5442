//! Parsing of association field attributes:
//! `#[quarry(belongs_to)]`, `#[quarry(has_many(foreign_key = "store_id"))]`,
//! `#[quarry(many_to_many(join_through = "products_tags"))]`,
//! `#[quarry(has_many(through(posts, comments)))]`.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Ident, LitStr, Path, Result};

/// The four association kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssocKindAttr {
    BelongsTo,
    HasMany,
    HasOne,
    ManyToMany,
}

impl AssocKindAttr {
    pub fn word(self) -> &'static str {
        match self {
            AssocKindAttr::BelongsTo => "belongs_to",
            AssocKindAttr::HasMany => "has_many",
            AssocKindAttr::HasOne => "has_one",
            AssocKindAttr::ManyToMany => "many_to_many",
        }
    }
}

/// An association attribute with its options (all optional; defaults and
/// checks are applied in `assoc.rs`).
pub struct AssocAttr {
    pub kind: AssocKindAttr,
    pub span: Span,
    pub foreign_key: Option<LitStr>,
    pub references: Option<LitStr>,
    pub related_key: Option<LitStr>,
    pub join_through: Option<LitStr>,
    pub join_owner_key: Option<LitStr>,
    pub join_related_key: Option<LitStr>,
    pub through: Vec<Ident>,
    /// Related fields and whether descending.
    pub preload_order: Vec<(Ident, bool)>,
}

/// The kind an attribute path names, if it names one.
pub fn kind_of(path: &Path) -> Option<AssocKindAttr> {
    [
        AssocKindAttr::BelongsTo,
        AssocKindAttr::HasMany,
        AssocKindAttr::HasOne,
        AssocKindAttr::ManyToMany,
    ]
    .into_iter()
    .find(|k| path.is_ident(k.word()))
}

const OPTIONS: &str = "expected `foreign_key = \"...\"`, `references = \"...\"`, `related_key = \"...\"`, `join_through = \"...\"`, `join_owner_key = \"...\"`, `join_related_key = \"...\"`, `through(first, second)` or `preload_order(field, desc(field))`";

pub fn parse(kind: AssocKindAttr, meta: &ParseNestedMeta) -> Result<AssocAttr> {
    let mut out = AssocAttr {
        kind,
        span: meta
            .path
            .get_ident()
            .map(Ident::span)
            .unwrap_or_else(Span::call_site),
        foreign_key: None,
        references: None,
        related_key: None,
        join_through: None,
        join_owner_key: None,
        join_related_key: None,
        through: Vec::new(),
        preload_order: Vec::new(),
    };
    if !meta.input.peek(syn::token::Paren) {
        return Ok(out);
    }
    meta.parse_nested_meta(|opt| {
        let p = &opt.path;
        let slot = if p.is_ident("foreign_key") {
            Some(&mut out.foreign_key)
        } else if p.is_ident("references") {
            Some(&mut out.references)
        } else if p.is_ident("related_key") {
            Some(&mut out.related_key)
        } else if p.is_ident("join_through") {
            Some(&mut out.join_through)
        } else if p.is_ident("join_owner_key") {
            Some(&mut out.join_owner_key)
        } else if p.is_ident("join_related_key") {
            Some(&mut out.join_related_key)
        } else {
            None
        };
        if let Some(slot) = slot {
            let lit: LitStr = opt.value()?.parse()?;
            if lit.value().is_empty() {
                return Err(syn::Error::new(lit.span(), "a name cannot be empty"));
            }
            *slot = Some(lit);
        } else if p.is_ident("through") {
            opt.parse_nested_meta(|hop| {
                let ident = hop
                    .path
                    .get_ident()
                    .cloned()
                    .ok_or_else(|| hop.error("expected an association name"))?;
                out.through.push(ident);
                Ok(())
            })?;
        } else if p.is_ident("preload_order") {
            opt.parse_nested_meta(|term| {
                let desc = term.path.is_ident("desc");
                if (desc || term.path.is_ident("asc")) && term.input.peek(syn::token::Paren) {
                    term.parse_nested_meta(|field| {
                        let ident = field
                            .path
                            .get_ident()
                            .cloned()
                            .ok_or_else(|| field.error("expected a field name"))?;
                        out.preload_order.push((ident, desc));
                        Ok(())
                    })
                } else {
                    let ident = term.path.get_ident().cloned().ok_or_else(|| {
                        term.error("expected a field name, `asc(field)` or `desc(field)`")
                    })?;
                    out.preload_order.push((ident, false));
                    Ok(())
                }
            })?;
        } else {
            return Err(opt.error(format!("unknown {} option; {OPTIONS}", kind.word())));
        }
        Ok(())
    })?;
    Ok(out)
}

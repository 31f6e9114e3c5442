//! The casting rules shared by `cast_assoc` and `cast_embed`: nested params
//! (a list, or a map of index => params, for many; a map for one) become
//! child changesets, matched to the current children by primary key.

use super::{Action, Changeset, FieldError, Params};
use crate::error::{Error, QueryError};
use crate::schema::Schema;
use crate::value::Value;
use serde_json::Value as Json;

/// What happens to a current child that the new params (or the value given
/// to `put_assoc`) leave out: Ecto's `on_replace`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnReplace {
    /// The change is refused with [`QueryError::OnReplaceRaise`] (the default,
    /// as in Ecto).
    #[default]
    Raise,
    /// The association gets the error `"is invalid"` and nothing of it changes.
    MarkAsInvalid,
    /// The replaced child's foreign key is set to NULL (has_many / has_one;
    /// for belongs_to the owner's foreign key is set to NULL and the old
    /// parent row is left alone).
    Nilify,
    /// The params update the current child whatever their key (has_one,
    /// belongs_to, embeds_one only).
    Update,
    /// The replaced child's row is deleted (an embed is dropped).
    Delete,
}

/// What the rules need to know about the relation.
pub(crate) struct Relation {
    pub(crate) owner: &'static str,
    pub(crate) name: &'static str,
    pub(crate) many: bool,
    /// The child's field to set to NULL for [`OnReplace::Nilify`] (has_*);
    /// `None` when nilify has nothing to write on the child (belongs_to).
    pub(crate) nilify_field: Option<usize>,
    /// True for embeds: a replaced child is simply left out.
    pub(crate) embed: bool,
    pub(crate) on_replace: OnReplace,
}

/// The result of casting nested params.
pub(crate) enum Casted<C: Schema> {
    /// The params have the wrong shape, or a replacement is marked invalid:
    /// the relation gets `"is invalid"`.
    Invalid,
    /// The child changesets, and which of them are replaced children.
    Children(Vec<Changeset<C>>, Vec<bool>),
}

/// The `type` metadata of an `"is invalid"` error on a relation.
pub(crate) fn expected_type(many: bool) -> Json {
    if many {
        Json::from(vec!["array", "map"])
    } else {
        Json::from("map")
    }
}

/// The `"is invalid"` error of a relation (Ecto's, with `type`).
pub(crate) fn invalid_error(many: bool, message: Option<&str>) -> FieldError {
    FieldError::new(message.unwrap_or("is invalid"))
        .with("validation", "assoc")
        .with("type", expected_type(many))
}

/// The params of each child, in order; `None` when the shape is wrong.
fn param_items(raw: &Json, many: bool) -> Option<Vec<serde_json::Map<String, Json>>> {
    if !many {
        return match raw {
            Json::Null => Some(Vec::new()),
            Json::Object(m) => Some(vec![m.clone()]),
            _ => None,
        };
    }
    match raw {
        Json::Array(items) => items
            .iter()
            .map(|i| match i {
                Json::Object(m) => Some(m.clone()),
                _ => None,
            })
            .collect(),
        Json::Object(map) => {
            // A map of index => params (a form's `products[0][name]`):
            // integer keys in numeric order, other keys after them.
            let mut entries: Vec<(Result<i64, String>, &Json)> = map
                .iter()
                .map(|(k, v)| (k.parse::<i64>().map_err(|_| k.clone()), v))
                .collect();
            entries.sort_by(|a, b| match (&a.0, &b.0) {
                (Ok(x), Ok(y)) => x.cmp(y),
                (Ok(_), Err(_)) => std::cmp::Ordering::Less,
                (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
                (Err(x), Err(y)) => x.cmp(y),
            });
            entries
                .into_iter()
                .map(|(_, v)| match v {
                    Json::Object(m) => Some(m.clone()),
                    _ => None,
                })
                .collect()
        }
        _ => None,
    }
}

/// The primary key values the params give (cast by the key fields' types);
/// `None` when a key part is missing, NULL or does not cast.
fn param_key<C: Schema>(
    params: &serde_json::Map<String, Json>,
    pk: &[usize],
) -> Option<Vec<Value>> {
    if pk.is_empty() {
        return None;
    }
    pk.iter()
        .map(|&i| {
            let def = C::FIELDS.get(i)?;
            let raw = params.get(def.name)?;
            C::cast_field(i, raw, false).ok().filter(|v| !v.is_null())
        })
        .collect()
}

/// True when `child`'s key is `key`.
fn same_key<C: Schema>(child: &C, pk: &[usize], key: &[Value]) -> bool {
    pk.iter().zip(key).all(|(&i, k)| {
        child.get_value(i).is_some_and(|v| {
            C::field_equal(i, &v, k) || v.coerce(k.value_type()).ok().as_ref() == Some(k)
        })
    })
}

/// The changeset of a replaced child, or `None` when it is simply left out.
pub(crate) fn replaced<C: Schema>(rel: &Relation, child: C) -> Result<Option<Changeset<C>>, Error> {
    let mut cs = Changeset::new(child);
    match rel.on_replace {
        OnReplace::Raise => Err(Error::Query(QueryError::OnReplaceRaise {
            owner: rel.owner,
            association: rel.name,
        })),
        // Handled by the callers before children are replaced.
        OnReplace::MarkAsInvalid => Ok(None),
        OnReplace::Delete if rel.embed => Ok(None),
        OnReplace::Delete => {
            cs.set_action(Action::Delete);
            Ok(Some(cs))
        }
        OnReplace::Nilify | OnReplace::Update => match rel.nilify_field {
            Some(fk) => {
                let ty = C::FIELDS.get(fk).map_or(crate::ValueType::I64, |f| f.ty);
                cs.set_change(fk, Value::Null(ty));
                cs.set_action(Action::Update);
                Ok(Some(cs))
            }
            None => Ok(None),
        },
    }
}

/// Casts nested params `raw` against the `current` children with `with`.
pub(crate) fn cast_children<C: Schema + Default>(
    rel: &Relation,
    raw: &Json,
    current: Vec<C>,
    with: fn(C, Params) -> Changeset<C>,
) -> Result<Casted<C>, Error> {
    if rel.many && rel.on_replace == OnReplace::Update {
        return Err(Error::Query(QueryError::AssociationKind {
            operation: "on_replace: update (it needs a one-cardinality relation)".to_string(),
            owner: rel.owner,
            association: rel.name,
            kind: "many",
        }));
    }
    let Some(items) = param_items(raw, rel.many) else {
        return Ok(Casted::Invalid);
    };
    let pk = C::primary_key();
    let mut current: Vec<Option<C>> = current.into_iter().map(Some).collect();
    let mut children = Vec::with_capacity(items.len());
    for params in items {
        let key = param_key::<C>(&params, &pk);
        let found = if !rel.many && rel.on_replace == OnReplace::Update {
            current.iter().position(Option::is_some)
        } else {
            key.as_ref().and_then(|k| {
                current
                    .iter()
                    .position(|c| c.as_ref().is_some_and(|c| same_key(c, &pk, k)))
            })
        };
        let taken = found.and_then(|i| current.get_mut(i).and_then(Option::take));
        let cs = match taken {
            Some(child) => {
                let mut cs = with(child, Params::from(params));
                cs.set_action(Action::Update);
                cs
            }
            None => {
                let mut cs = with(C::default(), Params::from(params));
                cs.set_action(Action::Insert);
                if key.is_some() && !rel.embed {
                    // A key that names no current child: Ecto would insert a
                    // new row with it; quarry refuses, so a form cannot
                    // take another owner's row.
                    let name = pk
                        .first()
                        .and_then(|i| C::FIELDS.get(*i))
                        .map_or("id", |f| f.name);
                    cs = cs.add_error(
                        name,
                        FieldError::new("does not match a loaded child")
                            .with("validation", "assoc"),
                    );
                }
                cs
            }
        };
        children.push(cs);
    }
    let mut flags = vec![false; children.len()];
    let left: Vec<C> = current.into_iter().flatten().collect();
    if !left.is_empty() && rel.on_replace == OnReplace::MarkAsInvalid {
        return Ok(Casted::Invalid);
    }
    for child in left {
        if let Some(cs) = replaced(rel, child)? {
            children.push(cs);
            flags.push(true);
        }
    }
    Ok(Casted::Children(children, flags))
}

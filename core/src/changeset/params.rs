//! Params: the outside data a changeset casts from.

use crate::error::Error;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

/// Outside data for [`crate::Changeset::cast`]: a JSON object, a string map (form
/// params), or anything `Serialize` through [`Params::serialize`].
///
/// Keys are field names. A params value that is not an object casts nothing and
/// leaves the changeset invalid with an `"is invalid"` error on `params`.
///
/// ```
/// use quarry_core::Params;
/// let from_json = Params::from(serde_json::json!({"name": "Tulip", "price": "1.5"}));
/// let from_form = Params::from([("name", "Tulip"), ("price", "1.5")]);
/// assert_eq!(from_json.get("name"), from_form.get("name"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    map: Map<String, Json>,
    not_an_object: bool,
}

impl Params {
    /// Empty params.
    pub fn new() -> Self {
        Params::default()
    }

    /// Params from any serialisable value (a struct, a map). Fails when the value
    /// cannot be represented as JSON (for example a map with non-string keys).
    pub fn serialize<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        serde_json::to_value(value)
            .map(Params::from)
            .map_err(|e| Error::InvalidValue {
                field: "params".to_string(),
                message: e.to_string(),
            })
    }

    /// The raw value of key `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.map.get(key)
    }

    /// True when the params were not a JSON object.
    pub fn is_malformed(&self) -> bool {
        self.not_an_object
    }

    /// The params as a JSON object.
    pub fn as_map(&self) -> &Map<String, Json> {
        &self.map
    }
}

impl From<Json> for Params {
    fn from(value: Json) -> Self {
        match value {
            Json::Object(map) => Params {
                map,
                not_an_object: false,
            },
            _ => Params {
                map: Map::new(),
                not_an_object: true,
            },
        }
    }
}

impl From<&Json> for Params {
    fn from(value: &Json) -> Self {
        Params::from(value.clone())
    }
}

impl From<Map<String, Json>> for Params {
    fn from(map: Map<String, Json>) -> Self {
        Params {
            map,
            not_an_object: false,
        }
    }
}

fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Params {
    Params {
        map: pairs
            .into_iter()
            .map(|(k, v)| (k.into(), Json::String(v.into())))
            .collect(),
        not_an_object: false,
    }
}

impl From<HashMap<String, String>> for Params {
    fn from(map: HashMap<String, String>) -> Self {
        from_pairs(map)
    }
}

impl From<BTreeMap<String, String>> for Params {
    fn from(map: BTreeMap<String, String>) -> Self {
        from_pairs(map)
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Params {
    fn from(pairs: [(&str, &str); N]) -> Self {
        from_pairs(pairs)
    }
}

impl From<Vec<(String, String)>> for Params {
    fn from(pairs: Vec<(String, String)>) -> Self {
        from_pairs(pairs)
    }
}

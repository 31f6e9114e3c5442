//! Preloading one association into a slice of parents: collect the keys,
//! fetch once (per chunk), preload nested associations into all fetched rows
//! together, then hand each parent its rows.

use super::fetch::{Fetcher, Options};
use super::key::{Key, KeyMap, KeySet, KeyState};
use super::Preload;
use crate::driver::Driver;
use quarry_core::{AssocValue, Association, Result, Schema, Value};

/// Preloads `assoc` (with `options` and the `nested` preloads) into `parents`.
pub(crate) async fn run<O, V, N>(
    driver: &dyn Driver,
    assoc: Association<O, V>,
    options: &Options,
    nested: &N,
    parents: &mut [O],
) -> Result<()>
where
    O: Schema,
    V: AssocValue,
    N: Preload<V::Item> + ?Sized,
{
    let def = assoc.def();
    let fetcher = Fetcher::new(&def, options, assoc.preload_order())?;
    let owner_key = def.owner_key();
    // Rows already loaded are kept (their nested preloads still run).
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut rows: Vec<V::Item> = Vec::new();
    // Parents whose rows are fetched, with their key; the distinct keys.
    let mut wanted: Vec<(usize, Key)> = Vec::new();
    let mut keys: Vec<Value> = Vec::new();
    let mut seen = KeySet::with_hasher(KeyState::new());
    for (i, parent) in parents.iter_mut().enumerate() {
        if !options.force {
            if let Some(loaded) = assoc.get_mut(parent).take() {
                let items = loaded.into_items();
                kept.push((i, items.len()));
                rows.extend(items);
                continue;
            }
        }
        let value = parent
            .get_value(owner_key)
            .unwrap_or(Value::Null(quarry_core::ValueType::I64));
        match Key::of(&value) {
            None => assoc.get_mut(parent).set(V::from_items(Vec::new())),
            Some(key) => {
                if seen.insert(key.clone()) {
                    keys.push(value);
                }
                wanted.push((i, key));
            }
        }
    }
    let kept_rows = rows.len();
    let mut owners: Vec<Key> = Vec::new();
    if !keys.is_empty() {
        for (key, row) in fetcher.fetch::<V::Item>(driver, keys).await? {
            owners.push(key);
            rows.push(row);
        }
    }
    if !rows.is_empty() {
        nested.preload(driver, &mut rows).await?;
    }
    let fetched = rows.split_off(kept_rows);
    let mut kept_rows = rows.into_iter();
    for (i, n) in kept {
        let items: Vec<V::Item> = kept_rows.by_ref().take(n).collect();
        if let Some(parent) = parents.get_mut(i) {
            assoc.get_mut(parent).set(V::from_items(items));
        }
    }
    let mut groups: KeyMap<Vec<V::Item>> = KeyMap::with_hasher(KeyState::new());
    for (key, row) in owners.into_iter().zip(fetched) {
        groups.entry(key).or_default().push(row);
    }
    let mut uses: KeyMap<usize> = KeyMap::with_hasher(KeyState::new());
    for (_, key) in &wanted {
        *uses.entry(key.clone()).or_insert(0) += 1;
    }
    for (i, key) in wanted {
        let left = uses.get_mut(&key).map(|n| {
            *n -= 1;
            *n
        });
        let items = if left == Some(0) {
            groups.remove(&key).unwrap_or_default()
        } else {
            groups.get(&key).cloned().unwrap_or_default()
        };
        if let Some(parent) = parents.get_mut(i) {
            assoc.get_mut(parent).set(V::from_items(items));
        }
    }
    Ok(())
}

//! Preloading one association into a slice of parents: collect the keys,
//! fetch once (per chunk), preload nested associations into all fetched rows
//! together, then hand each parent its rows.

use super::fetch::{Fetcher, Options};
use super::key::{Key, KeyMap, KeyState};
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
    // Parents whose rows are fetched, with the group of their key; the
    // distinct keys, each a group.
    let mut wanted: Vec<(usize, usize)> = Vec::new();
    let mut keys: Vec<Value> = Vec::new();
    let mut group_of: KeyMap<usize> = KeyMap::with_hasher(KeyState::new());
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
                let next = group_of.len();
                let group = *group_of.entry(key).or_insert_with(|| {
                    keys.push(value);
                    next
                });
                wanted.push((i, group));
            }
        }
    }
    let kept_rows = rows.len();
    let mut owners: Vec<Key> = Vec::new();
    if !keys.is_empty() {
        fetcher
            .fetch::<V::Item>(driver, keys, &mut owners, &mut rows)
            .await?;
    }
    if !rows.is_empty() {
        nested.preload(driver, &mut rows).await?;
    }
    // (With nothing kept, all the rows: `split_off(0)` would allocate a second
    // buffer of the same capacity for the empty rest.)
    let fetched = if kept_rows == 0 {
        std::mem::take(&mut rows)
    } else {
        rows.split_off(kept_rows)
    };
    let mut kept_rows = rows.into_iter();
    for (i, n) in kept {
        let items: Vec<V::Item> = kept_rows.by_ref().take(n).collect();
        if let Some(parent) = parents.get_mut(i) {
            assoc.get_mut(parent).set(V::from_items(items));
        }
    }
    // Each fetched row's group (a key no parent asked for has none), then
    // each group's rows in one allocation of its size, in fetched order.
    let row_groups: Vec<Option<usize>> = owners.iter().map(|k| group_of.get(k).copied()).collect();
    let mut sizes = vec![0usize; group_of.len()];
    for g in row_groups.iter().flatten() {
        if let Some(n) = sizes.get_mut(*g) {
            *n += 1;
        }
    }
    let mut groups: Vec<Vec<V::Item>> = sizes.iter().map(|n| Vec::with_capacity(*n)).collect();
    for (g, row) in row_groups.into_iter().zip(fetched) {
        if let Some(group) = g.and_then(|g| groups.get_mut(g)) {
            group.push(row);
        }
    }
    // Parents sharing a key each get the rows: copies for all but the last.
    let mut uses = vec![0usize; groups.len()];
    for (_, g) in &wanted {
        if let Some(n) = uses.get_mut(*g) {
            *n += 1;
        }
    }
    for (i, g) in wanted {
        let items = match (uses.get_mut(g), groups.get_mut(g)) {
            (Some(left), Some(rows)) => {
                *left -= 1;
                if *left == 0 {
                    std::mem::take(rows)
                } else {
                    rows.clone()
                }
            }
            _ => Vec::new(),
        };
        if let Some(parent) = parents.get_mut(i) {
            assoc.get_mut(parent).set(V::from_items(items));
        }
    }
    Ok(())
}

//! Unit tests of the nested changeset rules (cast_assoc, put_assoc, error nesting).

use super::{Action, CastAssoc, Changeset, OnReplace};
use crate::doc_support::{Item, Order};
use crate::error::{Error, QueryError};
use crate::schema::{Schema, State};
use crate::Assoc;
use serde_json::json;

fn loaded_order(items: Vec<Item>) -> Order {
    let mut o = Order {
        id: 7,
        number: "A-7".into(),
        items: Assoc::loaded(items),
        ..Default::default()
    };
    o.meta.set_state(State::Loaded);
    o
}

fn item(id: i64, sku: &str) -> Item {
    let mut i = Item {
        id,
        order_id: Some(7),
        sku: sku.into(),
        qty: 1,
        ..Default::default()
    };
    i.meta.set_state(State::Loaded);
    i
}

fn cast(order: Order, params: serde_json::Value) -> Changeset<Order> {
    Changeset::cast(order, params, Order::number)
}

#[test]
fn a_list_becomes_insert_changesets_and_errors_nest_like_ecto() {
    let cs = cast(
        Order::default(),
        json!({"number": "A-1", "items": [{"sku": ""}, {"sku": "p2", "qty": "3"}]}),
    )
    .cast_assoc(Order::items)
    .unwrap();
    assert!(!cs.is_valid(), "an invalid child makes the parent invalid");
    let items = cs.assoc_changes(Order::items).unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|c| c.action() == Some(Action::Insert)));
    assert_eq!(items[1].get_change(Item::qty), Some(3));
    assert_eq!(
        serde_json::to_value(cs.error_messages()).unwrap(),
        json!({"items": [{"sku": ["can't be blank"]}, {}]})
    );
    let templates = cs.traverse_errors(|e| e.message.clone());
    assert_eq!(
        templates.many("items").unwrap()[0]["sku"],
        ["can't be blank"]
    );
    // The error carries the nesting too.
    let Error::Invalid(inv) = cs.clone().into_error() else {
        panic!("not invalid")
    };
    assert_eq!(
        serde_json::to_string(&*inv).unwrap(),
        r#"{"errors":{"items":[{"sku":["can't be blank"]},{}]}}"#
    );
    assert!(inv
        .to_string()
        .contains("items [{\"sku\":[\"can't be blank\"]},{}]"));
    // A valid list: valid parent, no nested errors, applied children.
    let ok = cast(
        Order::default(),
        json!({"number": "A-1", "items": [{"sku": "p1"}]}),
    )
    .cast_assoc(Order::items)
    .unwrap();
    assert!(ok.is_valid());
    assert!(ok.error_messages().is_empty());
    assert_eq!(ok.apply_changes().items.get().unwrap()[0].sku, "p1");
}

#[test]
fn a_map_of_indexes_is_sorted_by_index() {
    let cs = cast(
        Order::default(),
        json!({"items": {"10": {"sku": "c"}, "2": {"sku": "b"}, "0": {"sku": "a"}}}),
    )
    .cast_assoc(Order::items)
    .unwrap();
    let skus: Vec<String> = cs
        .assoc_changes(Order::items)
        .unwrap()
        .iter()
        .filter_map(|c| c.get_change(Item::sku))
        .collect();
    assert_eq!(skus, ["a", "b", "c"]);
}

#[test]
fn params_of_the_wrong_shape_are_invalid_never_a_panic() {
    for bad in [
        json!("items"),
        json!(3),
        json!(true),
        json!(null),
        json!(["a", "b"]),
        json!([{"sku": "a"}, 1]),
        json!({"0": "x"}),
        json!([[]]),
    ] {
        let cs = cast(Order::default(), json!({"items": bad.clone()}))
            .cast_assoc(Order::items)
            .unwrap();
        assert_eq!(cs.error_messages()["items"], ["is invalid"], "{bad}");
        let e = &cs.errors_on("items")[0];
        assert_eq!(e.meta("type"), Some(&json!(["array", "map"])));
        assert!(cs.assoc_changes(Order::items).is_none());
    }
    // A one-cardinality relation wants a map.
    for bad in [json!([]), json!("x"), json!(1)] {
        let cs = Changeset::cast(Item::default(), json!({"order": bad}), Item::sku)
            .cast_assoc(Item::order)
            .unwrap();
        assert_eq!(cs.error_messages()["order"], ["is invalid"]);
        assert_eq!(cs.errors_on("order")[0].meta("type"), Some(&json!("map")));
    }
    // Child params that are not what the child casts: the child's own errors.
    let cs = cast(
        Order::default(),
        json!({"items": [{"sku": 5, "qty": "many"}]}),
    )
    .cast_assoc(Order::items)
    .unwrap();
    assert_eq!(
        serde_json::to_value(cs.error_messages()).unwrap(),
        json!({"items": [{"qty": ["is invalid"], "sku": ["is invalid"]}]})
    );
}

#[test]
fn required_is_cant_be_blank() {
    let opts = || CastAssoc::<Item>::new().required();
    let absent = cast(Order::default(), json!({"number": "x"}))
        .cast_assoc_opts(Order::items, opts())
        .unwrap();
    assert_eq!(absent.error_messages()["items"], ["can't be blank"]);
    assert_eq!(
        absent.errors_on("items")[0].meta("validation"),
        Some(&json!("required"))
    );
    let empty = cast(Order::default(), json!({"items": []}))
        .cast_assoc_opts(Order::items, opts())
        .unwrap();
    assert_eq!(empty.error_messages()["items"], ["can't be blank"]);
    let given = cast(Order::default(), json!({"items": [{"sku": "a"}]}))
        .cast_assoc_opts(Order::items, opts())
        .unwrap();
    assert!(given.is_valid());
    // Loaded children satisfy it when the key is absent.
    let loaded = cast(loaded_order(vec![item(1, "a")]), json!({}))
        .cast_assoc_opts(Order::items, opts())
        .unwrap();
    assert!(loaded.is_valid());
    let custom = cast(Order::default(), json!({}))
        .cast_assoc_opts(Order::items, opts().required_message("add an item"))
        .unwrap();
    assert_eq!(custom.error_messages()["items"], ["add an item"]);
}

#[test]
fn children_are_matched_by_primary_key() {
    let order = loaded_order(vec![item(1, "a"), item(2, "b")]);
    let cs = cast(
        order,
        json!({"items": [{"id": "2", "sku": "b2"}, {"sku": "new"}, {"id": 1}]}),
    )
    .cast_assoc(Order::items)
    .unwrap();
    assert!(cs.is_valid());
    let items = cs.assoc_changes(Order::items).unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].action(), Some(Action::Update));
    assert_eq!(items[0].data().id, 2);
    assert_eq!(items[0].get_change(Item::sku), Some("b2".to_string()));
    assert_eq!(items[1].action(), Some(Action::Insert));
    assert_eq!(items[2].action(), Some(Action::Update));
    assert_eq!(items[2].data().id, 1);
    assert!(items[2].changes().is_empty());
}

#[test]
fn a_key_of_no_loaded_child_is_an_error_on_the_child() {
    let cs = cast(
        loaded_order(vec![item(1, "a")]),
        json!({"items": [{"id": 1}, {"id": 99, "sku": "x"}]}),
    )
    .cast_assoc(Order::items)
    .unwrap();
    assert!(!cs.is_valid());
    assert_eq!(
        serde_json::to_value(cs.error_messages()).unwrap(),
        json!({"items": [{}, {"id": ["does not match a loaded child"]}]})
    );
}

#[test]
fn on_replace_rules() {
    let order = || loaded_order(vec![item(1, "a"), item(2, "b")]);
    let params = json!({"items": [{"id": 1}]});
    // raise (the default): a typed error, no panic.
    let err = cast(order(), params.clone())
        .cast_assoc(Order::items)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Query(QueryError::OnReplaceRaise {
            owner: "Order",
            association: "items"
        })
    ));
    // mark_as_invalid.
    let cs = cast(order(), params.clone())
        .cast_assoc_opts(
            Order::items,
            CastAssoc::new().on_replace(OnReplace::MarkAsInvalid),
        )
        .unwrap();
    assert_eq!(cs.error_messages()["items"], ["is invalid"]);
    assert!(cs.assoc_changes(Order::items).is_none());
    // delete: the left-out child comes last with action Delete.
    let cs = cast(order(), params.clone())
        .cast_assoc_opts(Order::items, CastAssoc::new().on_replace(OnReplace::Delete))
        .unwrap();
    let items = cs.assoc_changes(Order::items).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].action(), Some(Action::Delete));
    assert_eq!(items[1].data().id, 2);
    assert_eq!(
        cs.apply_changes().items.get().unwrap().len(),
        1,
        "replaced children are left out"
    );
    // nilify: an update setting the foreign key to NULL.
    let cs = cast(order(), params.clone())
        .cast_assoc_opts(Order::items, CastAssoc::new().on_replace(OnReplace::Nilify))
        .unwrap();
    let items = cs.assoc_changes(Order::items).unwrap();
    assert_eq!(items[1].action(), Some(Action::Update));
    assert_eq!(items[1].get_change(Item::order_id), Some(None));
    // update is for one-cardinality relations only.
    let err = cast(order(), params)
        .cast_assoc_opts(Order::items, CastAssoc::new().on_replace(OnReplace::Update))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Query(QueryError::AssociationKind { .. })
    ));
    // Nothing left out: no replacement, whatever on_replace says.
    let cs = cast(order(), json!({"items": [{"id": 1}, {"id": 2}]}))
        .cast_assoc(Order::items)
        .unwrap();
    assert!(cs.is_valid());
}

#[test]
fn an_unloaded_association_of_a_loaded_owner_is_an_error() {
    let mut order = loaded_order(vec![]);
    order.items = Assoc::not_loaded("Order", "items");
    let err = cast(order.clone(), json!({"items": []}))
        .cast_assoc(Order::items)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::NotLoaded {
            association: "items",
            ..
        }
    ));
    // The key absent: nothing to cast, no error.
    assert!(cast(order, json!({})).cast_assoc(Order::items).is_ok());
    // A built owner's unloaded association is empty.
    assert!(cast(Order::default(), json!({"items": []}))
        .cast_assoc(Order::items)
        .is_ok());
}

#[test]
fn belongs_to_casts_one_parent() {
    let cs = Changeset::cast(
        Item::default(),
        json!({"sku": "a", "order": {"number": ""}}),
        Item::sku,
    )
    .cast_assoc(Item::order)
    .unwrap();
    assert_eq!(
        serde_json::to_value(cs.error_messages()).unwrap(),
        json!({"order": {"number": ["can't be blank"]}})
    );
    // update: the params update the current parent whatever their key.
    let mut it = item(1, "a");
    it.order = Assoc::loaded(Some(loaded_order(vec![])));
    let cs = Changeset::cast(it.clone(), json!({"order": {"number": "B"}}), Item::sku)
        .cast_assoc_opts(Item::order, CastAssoc::new().on_replace(OnReplace::Update))
        .unwrap();
    let parent = cs.assoc_changes(Item::order).unwrap();
    assert_eq!(parent.len(), 1);
    assert_eq!(parent[0].action(), Some(Action::Update));
    assert_eq!(parent[0].data().id, 7);
    // nil removes the parent: the foreign key becomes NULL.
    let cs = Changeset::cast(it, json!({"order": null}), Item::sku)
        .cast_assoc_opts(Item::order, CastAssoc::new().on_replace(OnReplace::Nilify))
        .unwrap();
    assert_eq!(cs.get_change(Item::order_id), Some(None));
    assert_eq!(cs.apply_changes().order.get().unwrap(), &None);
}

#[test]
fn flat_changesets_keep_their_flat_errors() {
    let cs = Changeset::cast(Item::default(), json!({"qty": "x"}), Item::qty);
    assert_eq!(cs.error_messages()["qty"], ["is invalid"]);
    assert_eq!(
        cs.error_messages()["sku"],
        [] as [&str; 0],
        "no panic on a key without errors"
    );
    assert_eq!(
        cs.error_messages().flat()["qty"],
        vec!["is invalid".to_string()]
    );
    assert_eq!(Item::order_id.index(), 1);
    assert_eq!(<Item as Schema>::TABLE, "items");
}

#[test]
fn put_assoc_of_has_many_follows_on_replace() {
    let order = || loaded_order(vec![item(1, "a"), item(2, "b")]);
    let mut a = item(1, "a");
    a.qty = 5;
    let new = Item {
        sku: "n".into(),
        ..Default::default()
    };
    let err = Changeset::new(order())
        .put_assoc(Order::items, vec![a.clone(), new.clone()])
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Query(QueryError::OnReplaceRaise { .. })
    ));
    let cs = Changeset::new(order())
        .put_assoc_with(
            Order::items,
            vec![a.clone(), new.clone()],
            OnReplace::Delete,
        )
        .unwrap();
    let items = cs.assoc_changes(Order::items).unwrap();
    let actions: Vec<_> = items.iter().map(Changeset::action).collect();
    assert_eq!(
        actions,
        [
            Some(Action::Update),
            Some(Action::Insert),
            Some(Action::Delete)
        ]
    );
    assert_eq!(items[0].get_change(Item::qty), Some(5), "only what differs");
    assert_eq!(items[0].changes().len(), 1);
    let cs = Changeset::new(order())
        .put_assoc_with(Order::items, vec![a], OnReplace::MarkAsInvalid)
        .unwrap();
    assert_eq!(cs.error_messages()["items"], ["is invalid"]);
    let cs = Changeset::new(order())
        .put_assoc_with(Order::items, vec![], OnReplace::Nilify)
        .unwrap();
    let items = cs.assoc_changes(Order::items).unwrap();
    assert!(items
        .iter()
        .all(|c| c.action() == Some(Action::Update) && c.get_change(Item::order_id) == Some(None)));
    // A built owner has no current children; a loaded one must have them loaded.
    assert!(Changeset::new(Order::default())
        .put_assoc(Order::items, vec![new.clone()])
        .is_ok());
    let mut bare = order();
    bare.items = Assoc::not_loaded("Order", "items");
    assert!(matches!(
        Changeset::new(bare).put_assoc(Order::items, vec![new]),
        Err(Error::NotLoaded { .. })
    ));
}

/// Every value of a small grammar of JSON shapes, two levels deep.
fn shapes() -> Vec<serde_json::Value> {
    let leaves = vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1.5),
        json!(""),
        json!(" "),
        json!("x"),
        json!("1"),
        json!([]),
        json!({}),
    ];
    let mut out = leaves.clone();
    for l in &leaves {
        out.push(json!([l]));
        out.push(json!([l, {"sku": "a"}]));
        out.push(json!({"0": l}));
        out.push(json!({"id": l, "sku": l, "qty": l}));
        out.push(json!({"x": {"id": l}}));
    }
    out
}

#[test]
fn no_params_shape_panics() {
    for raw in shapes() {
        for owner in [Order::default(), loaded_order(vec![item(1, "a")])] {
            for on_replace in [
                OnReplace::Raise,
                OnReplace::MarkAsInvalid,
                OnReplace::Nilify,
                OnReplace::Delete,
            ] {
                let opts = CastAssoc::new().on_replace(on_replace).required();
                if let Ok(cs) = cast(owner.clone(), json!({"items": raw.clone()}))
                    .cast_assoc_opts(Order::items, opts)
                {
                    let _ = serde_json::to_string(&cs.error_messages()).unwrap();
                    let _ = cs.apply_changes();
                    let _ = format!("{cs:?}");
                }
            }
        }
        let mut it = item(1, "a");
        it.order = Assoc::loaded(Some(loaded_order(vec![])));
        for on_replace in [OnReplace::Update, OnReplace::Nilify, OnReplace::Delete] {
            let cs = Changeset::cast(it.clone(), json!({"order": raw.clone()}), Item::sku)
                .cast_assoc_opts(Item::order, CastAssoc::new().on_replace(on_replace))
                .unwrap();
            let _ = serde_json::to_string(&cs.error_messages()).unwrap();
        }
        // Params that are not a map at all.
        let cs = Changeset::cast(Order::default(), raw.clone(), Order::number)
            .cast_assoc(Order::items)
            .unwrap();
        let _ = cs.error_messages();
    }
}

//! A hand-written schema used by this crate's documentation examples (the derive
//! lives in `quarry-macros`, which depends on the facade's paths).

use crate::{Column, Error, FieldDef, FieldRole, FieldValue, Meta, Row, Schema, Value, ValueType};

/// A product, as in the tutorial.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Product {
    /// Metadata.
    pub meta: Meta,
    /// Primary key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Price.
    pub price: f64,
    /// Description.
    pub description: Option<String>,
}

const fn def(name: &'static str, ty: ValueType, nullable: bool, pk: bool) -> FieldDef {
    FieldDef {
        trim: false,
        name,
        column: name,
        ty,
        nullable,
        primary_key: pk,
        autogenerate: pk,
        role: FieldRole::Normal,
    }
}

#[allow(non_upper_case_globals)]
impl Product {
    /// `id` column.
    pub const id: Column<Product, i64> = Column::new::<0>();
    /// `name` column.
    pub const name: Column<Product, String> = Column::new::<1>();
    /// `price` column.
    pub const price: Column<Product, f64> = Column::new::<2>();
    /// `description` column.
    pub const description: Column<Product, Option<String>> = Column::new::<3>();
}

impl Schema for Product {
    const TABLE: &'static str = "products";
    const NAME: &'static str = "Product";
    const FIELDS: &'static [FieldDef] = &[
        def("id", ValueType::I64, false, true),
        def("name", ValueType::String, false, false),
        def("price", ValueType::F64, false, false),
        def("description", ValueType::String, true, false),
    ];
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn get_value(&self, index: usize) -> Option<Value> {
        Some(match index {
            0 => self.id.to_value(),
            1 => self.name.to_value(),
            2 => self.price.to_value(),
            3 => self.description.to_value(),
            _ => return None,
        })
    }
    fn set_value(&mut self, index: usize, value: Value) -> Result<(), Error> {
        let bad = |e: crate::ValueError| Error::InvalidValue {
            field: Self::FIELDS.get(index).map_or("", |f| f.name).to_string(),
            message: e.to_string(),
        };
        match index {
            0 => self.id = FieldValue::from_value(value).map_err(bad)?,
            1 => self.name = FieldValue::from_value(value).unwrap_or_default(),
            2 => self.price = FieldValue::from_value(value).unwrap_or_default(),
            3 => self.description = FieldValue::from_value(value).map_err(bad)?,
            _ => {}
        }
        Ok(())
    }
    fn from_row(row: &dyn Row, offset: usize) -> Result<Self, Error> {
        Ok(Product {
            meta: Meta::new(crate::State::Loaded),
            id: row.get(offset)?,
            name: row.get(offset + 1)?,
            price: row.get(offset + 2)?,
            description: row.get(offset + 3)?,
        })
    }
}

/// An order with items (has_many), for the nested changeset examples.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Order {
    /// Metadata.
    pub meta: Meta,
    /// Primary key.
    pub id: i64,
    /// Order number.
    pub number: String,
    /// The items (has_many).
    pub items: crate::Assoc<Vec<Item>>,
}

/// An item of an order (belongs_to the order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    /// Metadata.
    pub meta: Meta,
    /// Primary key.
    pub id: i64,
    /// The order's key.
    pub order_id: Option<i64>,
    /// Stock-keeping unit.
    pub sku: String,
    /// Quantity.
    pub qty: i32,
    /// The order (belongs_to).
    pub order: crate::Assoc<Option<Order>>,
}

#[allow(non_upper_case_globals)]
impl Order {
    /// `id` column.
    pub const id: Column<Order, i64> = Column::new::<0>();
    /// `number` column.
    pub const number: Column<Order, String> = Column::new::<1>();
    /// The items.
    pub const items: crate::Association<Order, Vec<Item>> =
        crate::Association::has_many("items", || (0, 1), |o| &o.items, |o| &mut o.items, Vec::new);
}

#[allow(non_upper_case_globals)]
impl Item {
    /// `id` column.
    pub const id: Column<Item, i64> = Column::new::<0>();
    /// `order_id` column.
    pub const order_id: Column<Item, Option<i64>> = Column::new::<1>();
    /// `sku` column.
    pub const sku: Column<Item, String> = Column::new::<2>();
    /// `qty` column.
    pub const qty: Column<Item, i32> = Column::new::<3>();
    /// The order.
    pub const order: crate::Association<Item, Option<Order>> =
        crate::Association::belongs_to("order", || (1, 0), |i| &i.order, |i| &mut i.order);
}

impl crate::DefaultChangeset for Item {
    /// Casts `sku` and `qty`; `sku` is required.
    fn changeset(self, params: crate::Params) -> crate::Changeset<Self> {
        crate::Changeset::cast(self, params, (Item::sku, Item::qty)).validate_required(Item::sku)
    }
}

impl crate::DefaultChangeset for Order {
    /// Casts `number`, required.
    fn changeset(self, params: crate::Params) -> crate::Changeset<Self> {
        crate::Changeset::cast(self, params, Order::number).validate_required(Order::number)
    }
}

fn bad_value(field: &str, e: crate::ValueError) -> Error {
    Error::InvalidValue {
        field: field.to_string(),
        message: e.to_string(),
    }
}

impl Schema for Order {
    const TABLE: &'static str = "orders";
    const NAME: &'static str = "Order";
    const FIELDS: &'static [FieldDef] = &[
        def("id", ValueType::I64, false, true),
        def("number", ValueType::String, false, false),
    ];
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn get_value(&self, index: usize) -> Option<Value> {
        Some(match index {
            0 => self.id.to_value(),
            1 => self.number.to_value(),
            _ => return None,
        })
    }
    fn set_value(&mut self, index: usize, value: Value) -> Result<(), Error> {
        match index {
            0 => self.id = FieldValue::from_value(value).map_err(|e| bad_value("id", e))?,
            1 => self.number = FieldValue::from_value(value).unwrap_or_default(),
            _ => {}
        }
        Ok(())
    }
    fn from_row(row: &dyn Row, offset: usize) -> Result<Self, Error> {
        Ok(Order {
            meta: Meta::new(crate::State::Loaded),
            id: row.get(offset)?,
            number: row.get(offset + 1)?,
            items: crate::Assoc::not_loaded("Order", "items"),
        })
    }
}

impl Schema for Item {
    const TABLE: &'static str = "items";
    const NAME: &'static str = "Item";
    const FIELDS: &'static [FieldDef] = &[
        def("id", ValueType::I64, false, true),
        def("order_id", ValueType::I64, true, false),
        def("sku", ValueType::String, false, false),
        def("qty", ValueType::I32, false, false),
    ];
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn get_value(&self, index: usize) -> Option<Value> {
        Some(match index {
            0 => self.id.to_value(),
            1 => self.order_id.to_value(),
            2 => self.sku.to_value(),
            3 => self.qty.to_value(),
            _ => return None,
        })
    }
    fn set_value(&mut self, index: usize, value: Value) -> Result<(), Error> {
        match index {
            0 => self.id = FieldValue::from_value(value).map_err(|e| bad_value("id", e))?,
            1 => {
                self.order_id =
                    FieldValue::from_value(value).map_err(|e| bad_value("order_id", e))?
            }
            2 => self.sku = FieldValue::from_value(value).unwrap_or_default(),
            3 => self.qty = FieldValue::from_value(value).unwrap_or_default(),
            _ => {}
        }
        Ok(())
    }
    fn from_row(row: &dyn Row, offset: usize) -> Result<Self, Error> {
        Ok(Item {
            meta: Meta::new(crate::State::Loaded),
            id: row.get(offset)?,
            order_id: row.get(offset + 1)?,
            sku: row.get(offset + 2)?,
            qty: row.get(offset + 3)?,
            order: crate::Assoc::not_loaded("Item", "order"),
        })
    }
}

/// A post with tags: an array field, for the examples of array conditions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Post {
    /// Metadata.
    pub meta: Meta,
    /// Primary key.
    pub id: i64,
    /// Tags (`text[]` on Postgres, a JSON array elsewhere).
    pub tags: Vec<String>,
}

#[allow(non_upper_case_globals)]
impl Post {
    /// `id` column.
    pub const id: Column<Post, i64> = Column::new::<0>();
    /// `tags` column.
    pub const tags: Column<Post, Vec<String>> = Column::new::<1>();
}

impl Schema for Post {
    const TABLE: &'static str = "posts";
    const NAME: &'static str = "Post";
    const FIELDS: &'static [FieldDef] = &[
        def("id", ValueType::I64, false, true),
        def("tags", ValueType::String.array_of(), false, false),
    ];
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn get_value(&self, index: usize) -> Option<Value> {
        Some(match index {
            0 => self.id.to_value(),
            1 => self.tags.to_value(),
            _ => return None,
        })
    }
    fn set_value(&mut self, index: usize, value: Value) -> Result<(), Error> {
        let bad = |e: crate::ValueError| Error::InvalidValue {
            field: Self::FIELDS.get(index).map_or("", |f| f.name).to_string(),
            message: e.to_string(),
        };
        match index {
            0 => self.id = FieldValue::from_value(value).map_err(bad)?,
            1 => self.tags = FieldValue::from_value(value).map_err(bad)?,
            _ => {}
        }
        Ok(())
    }
    fn from_row(row: &dyn Row, offset: usize) -> Result<Self, Error> {
        Ok(Post {
            meta: Meta::new(crate::State::Loaded),
            id: row.get(offset)?,
            tags: row.get(offset + 1)?,
        })
    }
}

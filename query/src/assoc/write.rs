//! Writing through associations: inserting a struct with its parents and
//! children in one transaction, and linking or unlinking many-to-many rows
//! through their join table.

use crate::driver::Driver;
use crate::log;
use crate::repo::{BoxFuture, Repo, Transaction};
use quarry_core::{
    AssocDef, AssocKind, AssocValue, Association, Changeset, Error, Field, QueryError, Result,
    Schema, State, Value,
};
use sea_query::{Expr, ExprTrait};

/// Associations written together with their owner by `insert_with`: an
/// association token, or a tuple of them.
pub trait InsertAssoc<O>: Send + Sync {
    /// Before the owner is inserted: saves new belongs_to parents and sets the
    /// owner's foreign keys.
    fn before<'a>(&'a self, tx: &'a Transaction, owner: &'a mut O) -> BoxFuture<'a, Result<()>>;
    /// After the owner is inserted (`stored`): saves the children `given`
    /// holds with their foreign keys set, links many-to-many rows, and loads
    /// the association in `stored`.
    fn after<'a>(
        &'a self,
        tx: &'a Transaction,
        given: &'a O,
        stored: &'a mut O,
    ) -> BoxFuture<'a, Result<()>>;
}

/// Stores `row`: inserted when built, otherwise its field `field` updated to
/// `value` (a loaded child moving to a new parent).
async fn save<R: Schema>(tx: &Transaction, row: R, field: Option<(usize, Value)>) -> Result<R> {
    if row.meta().state() == State::Built {
        return tx.insert(row).await;
    }
    let Some((index, value)) = field else {
        return Ok(row);
    };
    let name = R::FIELDS.get(index).map(|f| f.name).unwrap_or("");
    let cs = Changeset::new(row).put_change_value(Field::<R>::named(name)?, value)?;
    tx.update(cs).await
}

fn unsupported(def: &AssocDef, what: &str) -> Error {
    Error::Query(QueryError::AssociationKind {
        operation: what.to_string(),
        owner: def.owner,
        association: def.name,
        kind: def.kind_name(),
    })
}

impl<O: Schema, V: AssocValue> InsertAssoc<O> for Association<O, V> {
    fn before<'a>(&'a self, tx: &'a Transaction, owner: &'a mut O) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if !matches!(self.def().kind, AssocKind::BelongsTo { .. }) {
                return Ok(());
            }
            let Some(parent) = self.get_mut(owner).take() else {
                return Ok(());
            };
            let mut saved = Vec::new();
            for p in parent.into_items() {
                saved.push(save(tx, p, None).await?);
            }
            self.get_mut(owner).set(V::from_items(saved));
            if let Some((index, value)) = self.parent_key(owner) {
                owner.set_value(index, value)?;
            }
            Ok(())
        })
    }

    fn after<'a>(
        &'a self,
        tx: &'a Transaction,
        given: &'a O,
        stored: &'a mut O,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let Some(value) = self.get(given).value() else {
                return Ok(());
            };
            let def = self.def();
            let mut saved = Vec::new();
            match &def.kind {
                AssocKind::BelongsTo { .. } => {
                    saved = value.clone().into_items();
                }
                AssocKind::HasMany { foreign_key, .. } | AssocKind::HasOne { foreign_key, .. } => {
                    for child in value.clone().into_items() {
                        let built = self.build_with(stored, child.clone())?;
                        let fk = built.get_value(*foreign_key).map(|v| (*foreign_key, v));
                        let row = if child.meta().state() == State::Built {
                            built
                        } else {
                            child
                        };
                        saved.push(save(tx, row, fk).await?);
                    }
                }
                AssocKind::ManyToMany { .. } => {
                    for related in value.clone().into_items() {
                        let related = save(tx, related, None).await?;
                        link_rows(tx.driver(), &def, stored, &related).await?;
                        saved.push(related);
                    }
                }
                AssocKind::Through { .. } => {
                    return Err(unsupported(&def, "inserting through other associations"))
                }
            }
            self.get_mut(stored).set(V::from_items(saved));
            Ok(())
        })
    }
}

macro_rules! tuple_insert {
    ($($name:ident),+) => {
        impl<O: Send + Sync, $($name: InsertAssoc<O>),+> InsertAssoc<O> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn before<'a>(&'a self, tx: &'a Transaction, owner: &'a mut O) -> BoxFuture<'a, Result<()>> {
                Box::pin(async move {
                    let ($($name,)+) = self;
                    $($name.before(tx, owner).await?;)+
                    Ok(())
                })
            }
            #[allow(non_snake_case)]
            fn after<'a>(&'a self, tx: &'a Transaction, given: &'a O, stored: &'a mut O) -> BoxFuture<'a, Result<()>> {
                Box::pin(async move {
                    let ($($name,)+) = self;
                    $($name.after(tx, given, stored).await?;)+
                    Ok(())
                })
            }
        }
    };
}
tuple_insert!(A);
tuple_insert!(A, B);
tuple_insert!(A, B, C);
tuple_insert!(A, B, C, D);

/// The join table, its two columns, and the owner's and related row's keys.
fn link_parts<O: Schema, R: Schema>(
    def: &AssocDef,
    owner: &O,
    related: &R,
) -> Result<(&'static str, [(&'static str, Value); 2])> {
    let AssocKind::ManyToMany {
        key,
        related_key,
        join_table,
        join_owner_column,
        join_related_column,
    } = &def.kind
    else {
        return Err(unsupported(def, "link and unlink"));
    };
    let owner_key = owner
        .get_value(*key)
        .unwrap_or(Value::Null(quarry_core::ValueType::I64));
    let related_value = related
        .get_value(*related_key)
        .unwrap_or(Value::Null(quarry_core::ValueType::I64));
    if owner_key.is_null() || related_value.is_null() {
        return Err(Error::Query(QueryError::UnsavedRow {
            owner: def.owner,
            association: def.name,
        }));
    }
    Ok((
        join_table,
        [
            (*join_owner_column, owner_key),
            (*join_related_column, related_value),
        ],
    ))
}

/// Inserts the join-table row linking `owner` and `related`.
pub(crate) async fn link_rows<O: Schema, R: Schema>(
    driver: &dyn Driver,
    def: &AssocDef,
    owner: &O,
    related: &R,
) -> Result<()> {
    let (table, [(a, va), (b, vb)]) = link_parts(def, owner, related)?;
    let prefix = driver.backend().default_prefix;
    if prefix.is_some() {
        crate::prefix::supported(driver.backend())?;
    }
    let mut q = sea_query::Query::insert();
    q.into_table(crate::prefix::table_ref(prefix, table))
        .columns([a, b]);
    q.values([
        Expr::val(crate::sql_value::to_sea(va)),
        Expr::val(crate::sql_value::to_sea(vb)),
    ])
    .map_err(|e| Error::Query(QueryError::Build(e.to_string())))?;
    let stmt = driver.backend().dialect.build(&q, table);
    log::execute(driver, &stmt).await?;
    Ok(())
}

/// Deletes the join-table rows linking `owner` and `related`; returns how many.
pub(crate) async fn unlink_rows<O: Schema, R: Schema>(
    driver: &dyn Driver,
    def: &AssocDef,
    owner: &O,
    related: &R,
) -> Result<u64> {
    let (table, [(a, va), (b, vb)]) = link_parts(def, owner, related)?;
    let prefix = driver.backend().default_prefix;
    if prefix.is_some() {
        crate::prefix::supported(driver.backend())?;
    }
    let mut q = sea_query::Query::delete();
    q.from_table(crate::prefix::table_ref(prefix, table))
        .and_where(Expr::col(a).eq(Expr::val(crate::sql_value::to_sea(va))))
        .and_where(Expr::col(b).eq(Expr::val(crate::sql_value::to_sea(vb))));
    let stmt = driver.backend().dialect.build(&q, table);
    Ok(log::execute(driver, &stmt).await?.rows_affected)
}

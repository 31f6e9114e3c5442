//! Writing a changeset's nested changesets (`cast_assoc`, `put_assoc`) with
//! its own row, in one transaction.

use super::{insert_row, update_row, Repo, Transaction};
use quarry_core::schema::{AnyBox, TxHandle, WriteFuture};
use quarry_core::{Action, Changeset, Error, Field, NestedSet, QueryError, Result, Schema};

/// Writes a child changeset (a boxed `Changeset<C>`) inside the transaction
/// `tx` by its action: what `#[derive(Schema)]`'s `write_nested` calls.
pub fn write_nested<C: Schema>(tx: &TxHandle, changeset: AnyBox) -> WriteFuture<'_, C> {
    Box::pin(async move {
        let tx = tx
            .downcast_ref::<Transaction>()
            .ok_or(Error::Query(QueryError::Internal(
                "a nested write outside a transaction",
            )))?;
        let cs = changeset
            .downcast::<Changeset<C>>()
            .map_err(|_| Error::Query(QueryError::Internal("a nested write of another schema")))?;
        let cs = *cs;
        match cs.action() {
            Some(Action::Delete) => tx.delete(cs).await,
            Some(Action::Update) => tx.update(cs).await,
            _ => tx.insert(cs).await,
        }
    })
}

/// Inserts (`action` Insert) or updates the owner `cs` with its nested
/// changesets in one transaction.
pub(crate) async fn write<R: Repo + ?Sized, S: Schema>(
    repo: &R,
    mut cs: Changeset<S>,
    action: Action,
) -> Result<S> {
    cs.set_action(action);
    if !cs.is_valid() {
        return Err(cs.into_error());
    }
    let mut nested = cs.take_nested();
    let tx = repo.begin().await?;
    match run(&tx, &cs, &mut nested, action).await {
        Ok(stored) => {
            tx.commit().await?;
            Ok(stored)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(match e {
                Error::Invalid(inv) => {
                    // The owner's own row came back invalid (a constraint):
                    // its changeset holds the error; a child's failure left
                    // its error in `nested`.
                    let mut back = inv.into_changeset::<Changeset<S>>().unwrap_or(cs);
                    back.put_nested(nested);
                    back.set_action(action);
                    back.into_error()
                }
                other => other,
            })
        }
    }
}

async fn run<S: Schema>(
    tx: &Transaction,
    cs: &Changeset<S>,
    nested: &mut NestedSet<S>,
    action: Action,
) -> Result<S> {
    let handle: &TxHandle = tx;
    let mut owner = cs.clone();
    for entry in nested.entries_mut() {
        if let Some((index, value)) = entry.write_before(handle).await? {
            let name = S::FIELDS.get(index).map_or("", |f| f.name);
            owner = owner.put_change_value(Field::named(name)?, value)?;
        }
    }
    let mut stored = match action {
        Action::Insert => insert_row(tx, owner).await?,
        _ => update_row(tx, owner).await?,
    };
    for entry in nested.entries_mut() {
        entry.write_after(handle, &mut stored).await?;
    }
    Ok(stored)
}

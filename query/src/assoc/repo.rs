//! [`AssocRepo`]: the association operations every [`Repo`] has (preload,
//! inserting with associations, many-to-many links).

use super::write::{link_rows, unlink_rows, InsertAssoc};
use crate::preload::Preload;
use crate::repo::Repo;
use async_trait::async_trait;
use quarry_core::{Association, Error, Preloadable, QueryError, Result, Schema};

/// Association operations, for every [`Repo`] (in `quarry::prelude`).
#[async_trait]
pub trait AssocRepo: Repo {
    /// Loads `spec` into one struct, an `Option` or a `Vec` (Ecto's
    /// `Repo.preload`): `repo.preload(user, User::store)`,
    /// `repo.preload(stores, (Store::user, Store::products.preload(Product::tags)))`.
    /// One query per association per level, whatever the number of structs.
    async fn preload<T: Preloadable, P: Preload<T::Schema>>(
        &self,
        target: T,
        spec: P,
    ) -> Result<T> {
        let mut rows = target.into_rows();
        spec.preload(self.driver(), &mut rows).await?;
        T::from_rows(rows)
            .ok_or_else(|| Error::Query(QueryError::Internal("preload lost its struct")))
    }

    /// Inserts `owner` with the rows its `assocs` hold, in one transaction:
    /// new belongs_to parents first (their keys set in `owner`), then `owner`,
    /// then has_many / has_one children with their foreign key set (built ones
    /// inserted, loaded ones moved to `owner`) and many-to-many rows (inserted
    /// when built, then linked). Returns the stored owner with `assocs` loaded
    /// with the stored rows. Any failure rolls everything back.
    async fn insert_with<O: Schema, A: InsertAssoc<O>>(&self, owner: O, assocs: A) -> Result<O> {
        let tx = self.begin().await?;
        let result = async {
            let mut owner = owner;
            assocs.before(&tx, &mut owner).await?;
            let given = owner.clone();
            let mut stored = tx.insert(owner).await?;
            assocs.after(&tx, &given, &mut stored).await?;
            Ok::<O, Error>(stored)
        }
        .await;
        match result {
            Ok(stored) => {
                tx.commit().await?;
                Ok(stored)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// Links `owner` and `related` through a many-to-many association's join
    /// table (inserts the join row).
    async fn link<O: Schema, R: Schema>(
        &self,
        owner: &O,
        assoc: Association<O, Vec<R>>,
        related: &R,
    ) -> Result<()> {
        link_rows(self.driver(), &assoc.def(), owner, related).await
    }

    /// Removes the link between `owner` and `related` (deletes the join rows);
    /// returns how many were deleted.
    async fn unlink<O: Schema, R: Schema>(
        &self,
        owner: &O,
        assoc: Association<O, Vec<R>>,
        related: &R,
    ) -> Result<u64> {
        unlink_rows(self.driver(), &assoc.def(), owner, related).await
    }
}

impl<R: Repo> AssocRepo for R {}

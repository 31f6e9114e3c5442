//! Working out the prefix of every table a query names (see
//! `crate::prefix`): the query's, the table's schema's, a repo's default.

use super::prefix::{of_schema, Prefix};
use quarry_core::Error;

impl super::Parts {
    /// Works out the prefix of every table the query names, subqueries
    /// included: the query's (or, without one, the one `inherited` from the
    /// query around it), else the table's schema's, else `default` (a repo's),
    /// else the one found by an earlier call (so resolving again without a
    /// default keeps a repo's). A CTE or a subquery in FROM has none.
    pub(crate) fn resolve_prefixes(
        &mut self,
        inherited: Option<Prefix>,
        default: Option<Prefix>,
    ) -> Result<(), Error> {
        // Nothing asks for a prefix and nothing nests: every table keeps the
        // one it has (the usual query; checked first, it runs on every call).
        if inherited.is_none()
            && default.is_none()
            && self.prefix.is_none()
            && self.schema_prefix.is_none()
            && self.joins.iter().all(|j| j.schema_prefix.is_none())
            && !self.nests()
        {
            return Ok(());
        }
        let query = match &self.prefix {
            Some(asked) => Some(asked.get()?),
            None => inherited,
        };
        if self.from_sub.is_none() && self.with.is_none() {
            self.from_prefix = query
                .or(of_schema(self.schema_prefix)?)
                .or(default)
                .or(self.from_prefix);
        }
        for j in &mut self.joins {
            if !j.cte {
                j.prefix = query
                    .or(of_schema(j.schema_prefix)?)
                    .or(default)
                    .or(j.prefix);
            }
        }
        if let Some(sub) = self.from_sub.as_deref_mut() {
            sub.resolve_prefixes(query, default)?;
        }
        if let Some(with) = self.with.as_deref_mut() {
            with.1.resolve_prefixes(query, default)?;
        }
        for (_, member) in &mut self.set_ops {
            member.resolve_prefixes(query, default)?;
        }
        for j in &mut self.joins {
            if let Some(sub) = j.lateral.as_deref_mut() {
                sub.resolve_prefixes(query, default)?;
            }
        }
        for rpn in self.rpns_mut() {
            for sub in &mut rpn.subs {
                sub.resolve_prefixes(query, default)?;
            }
        }
        Ok(())
    }

    /// True when a table of the query (subqueries included) has a prefix.
    pub(crate) fn has_prefix(&self) -> bool {
        self.from_prefix.is_some()
            || self.joins.iter().any(|j| j.prefix.is_some())
            || self.from_sub.as_deref().is_some_and(Self::has_prefix)
            || self.with.as_deref().is_some_and(|w| w.1.has_prefix())
            || self.set_ops.iter().any(|(_, m)| m.has_prefix())
            || self
                .joins
                .iter()
                .any(|j| j.lateral.as_deref().is_some_and(Self::has_prefix))
            || self.rpns().any(|r| r.subs.iter().any(Self::has_prefix))
    }
}

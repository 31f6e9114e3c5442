//! What every computed expression type (an aggregate, a fragment, a windowed
//! value: an `rpn` and a type marker) has in common, written once: `Clone`,
//! `asc` / `desc`, the select-list projection (the caller names its
//! `Projection` trait, so this module depends on nothing above it),
//! and, for those allowed in conditions, the comparisons.

/// `Clone`, `asc`/`desc`, `$projection` (the select list's `Projection`)
/// and `$project_in` (its value in a query, the same whatever the query's
/// joins) for `$name<M, T>`.
macro_rules! computed {
    ($name:ident, $what:literal, $projection:path, $project_in:ident) => {
        impl<M, T> Clone for $name<M, T> {
            fn clone(&self) -> Self {
                $name {
                    rpn: self.rpn.clone(),
                    _marker: std::marker::PhantomData,
                }
            }
        }

        impl<M, T> $name<M, T> {
            #[doc = concat!("Ascending order by ", $what, ".")]
            pub fn asc(&self) -> crate::expr::SortOrder<M> {
                crate::expr::SortOrder::new(self.rpn.clone(), crate::ir::Dir::Asc)
            }
            #[doc = concat!("Descending order by ", $what, ".")]
            pub fn desc(&self) -> crate::expr::SortOrder<M> {
                crate::expr::SortOrder::new(self.rpn.clone(), crate::ir::Dir::Desc)
            }
        }

        impl<M: Send + Sync, T: quarry_core::FieldValue> $projection for $name<M, T> {
            type Output = T;
            type Mentions = M;
            fn push(&self, out: &mut crate::ir::Rpn) {
                out.append(self.rpn.clone());
                out.push(crate::ir::Op::Item);
            }
            fn decode(
                &self,
                row: &dyn quarry_core::Row,
                at: &mut usize,
            ) -> Result<T, quarry_core::Error> {
                let v = row.get::<T>(*at)?;
                *at += 1;
                Ok(v)
            }
        }

        impl<M: Send + Sync, T: quarry_core::FieldValue, I> $project_in<I> for $name<M, T> {
            type Out = T;
            fn decode_in(
                &self,
                row: &dyn quarry_core::Row,
                at: &mut usize,
            ) -> Result<T, quarry_core::Error> {
                let v = row.get::<T>(*at)?;
                *at += 1;
                Ok(v)
            }
        }
    };
}

/// `eq`, `ne`, `gt`, `ge`, `lt`, `le` against a value of `T`, for `$name<M, T>`.
macro_rules! comparisons {
    ($name:ident, $what:literal) => {
        impl<M, T: quarry_core::FieldValue> $name<M, T> {
            fn compare(
                &self,
                v: impl crate::expr::Arg<T>,
                op: crate::ir::Op,
            ) -> crate::expr::Cond<M> {
                let mut rpn = self.rpn.clone();
                rpn.push_operand(v.operand());
                rpn.push(op);
                crate::expr::Cond::new(rpn)
            }
            #[doc = concat!("`", $what, " = v`.")]
            pub fn eq(&self, v: impl crate::expr::Arg<T>) -> crate::expr::Cond<M> {
                self.compare(v, crate::ir::Op::Eq)
            }
            #[doc = concat!("`", $what, " <> v`.")]
            pub fn ne(&self, v: impl crate::expr::Arg<T>) -> crate::expr::Cond<M> {
                self.compare(v, crate::ir::Op::Ne)
            }
            #[doc = concat!("`", $what, " > v`.")]
            pub fn gt(&self, v: impl crate::expr::Arg<T>) -> crate::expr::Cond<M> {
                self.compare(v, crate::ir::Op::Gt)
            }
            #[doc = concat!("`", $what, " >= v`.")]
            pub fn ge(&self, v: impl crate::expr::Arg<T>) -> crate::expr::Cond<M> {
                self.compare(v, crate::ir::Op::Ge)
            }
            #[doc = concat!("`", $what, " < v`.")]
            pub fn lt(&self, v: impl crate::expr::Arg<T>) -> crate::expr::Cond<M> {
                self.compare(v, crate::ir::Op::Lt)
            }
            #[doc = concat!("`", $what, " <= v`.")]
            pub fn le(&self, v: impl crate::expr::Arg<T>) -> crate::expr::Cond<M> {
                self.compare(v, crate::ir::Op::Le)
            }
        }
    };
}

pub(crate) use comparisons;
pub(crate) use computed;

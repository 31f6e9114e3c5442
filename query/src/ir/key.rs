//! A query's shape as a cache key (see `compile::cache`): its operations
//! written out as words.

use super::Op;
use std::hash::Hasher;

/// Mixes one word into a hash.
const MIX: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// A shape as a cache key: each operation's [`Op::key_words`] in order (an
/// exact encoding), and a hash of them taken as they are written. A lookup
/// hashes that one word and compares two word slices: keys of operations
/// would dispatch on each operation's kind twice, to hash it and to compare
/// it, and a dispatch whose target changes from one operation to the next is
/// a mispredicted branch each time.
#[derive(Clone, Debug, Default)]
pub(crate) struct Key {
    words: Vec<u64>,
    hash: u64,
}

impl Key {
    /// An empty key (usable in a `const` initializer).
    pub(crate) const fn new() -> Key {
        Key {
            words: Vec::new(),
            hash: 0,
        }
    }

    /// Appends one operation.
    #[inline(always)]
    pub(crate) fn push(&mut self, op: Op) {
        let [w0, w1, w2, w3, w4] = op.key_words();
        // Any function of the words agrees with equality; these carry the
        // kind, the first name or number and the second name.
        let folded = w0 ^ w1.rotate_left(17) ^ w3.rotate_left(41);
        self.hash = (self.hash.rotate_left(5) ^ folded).wrapping_mul(MIX);
        self.words.extend_from_slice(&[w0, w1, w2, w3, w4]);
    }

    /// Appends operations in order.
    #[inline]
    pub(crate) fn extend(&mut self, ops: impl IntoIterator<Item = Op>) {
        for op in ops {
            self.push(op);
        }
    }

    /// Appends the operations of a slice in order.
    #[inline]
    pub(crate) fn extend_from_slice(&mut self, ops: &[Op]) {
        self.words.reserve(5 * ops.len());
        for op in ops {
            self.push(*op);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.words.clear();
        self.hash = 0;
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.words == other.words
    }
}
impl Eq for Key {}
impl std::hash::Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

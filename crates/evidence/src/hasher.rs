//! The root of a stream of leaves in O(log n) memory: what `verify` uses to recompute the
//! root of an export far larger than memory.

use crate::error::ProofError;
use crate::hash::{Hash, empty_root, node_hash};

/// Recomputes the RFC 9162 root of leaves pushed one at a time, keeping only the perfect
/// subtrees not yet merged (at most one per bit of the size, largest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hasher {
    /// `(level, hash)` of the pending perfect subtrees, levels strictly decreasing.
    stack: Vec<(u32, Hash)>,
    size: u64,
}

impl Hasher {
    /// A hasher that has seen no leaf.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next leaf hash (see [`leaf_hash`](crate::leaf_hash)).
    pub fn push(&mut self, leaf: Hash) {
        let (mut level, mut hash) = (0u32, leaf);
        while let Some(&(top_level, top)) = self.stack.last() {
            if top_level != level {
                break;
            }
            self.stack.pop();
            hash = node_hash(&top, &hash);
            level += 1;
        }
        self.stack.push((level, hash));
        self.size += 1;
    }

    /// A hasher that has seen `size` leaves, from their *frontier*: the roots of the perfect
    /// subtrees that make up the first `size` leaves, largest first, one per set bit of
    /// `size` (what [`Self::frontier`] gives). Lets a verifier carry on from the middle of a
    /// log without its first leaves.
    pub fn resume(size: u64, frontier: &[Hash]) -> Result<Self, ProofError> {
        let expected = size.count_ones() as usize;
        if frontier.len() != expected {
            return Err(ProofError::WrongLength {
                expected,
                got: frontier.len(),
            });
        }
        // The set bits of `size`, highest first, are the levels of the subtrees left to right.
        let levels = (0..64u32).rev().filter(|level| (size >> level) & 1 == 1);
        Ok(Self {
            stack: levels.zip(frontier.iter().copied()).collect(),
            size,
        })
    }

    /// The roots of the pending perfect subtrees, largest (leftmost) first: with the size,
    /// all [`Self::resume`] needs to carry on.
    pub fn frontier(&self) -> Vec<Hash> {
        self.stack.iter().map(|&(_, hash)| hash).collect()
    }

    /// The number of leaves pushed.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the leaves pushed so far; [`empty_root`] before the first.
    pub fn root(&self) -> Hash {
        let mut pending = self.stack.iter().rev().map(|&(_, hash)| hash);
        match pending.next() {
            None => empty_root(),
            Some(last) => pending.fold(last, |right, left| node_hash(&left, &right)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::leaf_hash;

    #[test]
    fn a_resumed_hasher_carries_on_as_if_it_had_seen_every_leaf() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for split in 0..=leaves.len() {
            let mut whole = Hasher::new();
            leaves[..split].iter().for_each(|leaf| whole.push(*leaf));
            let frontier = whole.frontier();
            assert_eq!(frontier.len(), (split as u64).count_ones() as usize);
            let mut resumed = Hasher::resume(split as u64, &frontier).unwrap();
            assert_eq!(resumed, whole, "split {split}");
            for leaf in &leaves[split..] {
                whole.push(*leaf);
                resumed.push(*leaf);
                assert_eq!(resumed.root(), whole.root());
            }
            assert_eq!(resumed.size(), leaves.len() as u64);
        }
    }

    #[test]
    fn a_frontier_of_the_wrong_length_is_refused() {
        let h = leaf_hash(b"x");
        assert_eq!(
            Hasher::resume(6, &[h]),
            Err(ProofError::WrongLength {
                expected: 2,
                got: 1
            })
        );
        assert_eq!(Hasher::resume(0, &[]), Ok(Hasher::new()));
    }
}

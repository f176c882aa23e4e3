//! The tree as a set of perfect subtrees, and the hashes computed from them.
//!
//! Only *perfect* subtrees are stored: the node at `(level, index)` is the root of the
//! `2^level` leaves starting at `index·2^level`, and it exists once its last leaf does. Those
//! nodes never change as the log grows, so a store appends rows and never rewrites one. Any
//! other range — the tree of the first `n` leaves when `n` is not a power of two, or the
//! right-hand part of a proof — is a right-to-left fold of at most `log2(n) + 1` of them.

use crate::hash::{Hash, empty_root, node_hash, split_point};

/// Where the hashes of perfect subtrees come from: level 0 holds the leaf hashes; the node at
/// `(level, index)` covers leaves `[index·2^level, (index+1)·2^level)`.
///
/// Implemented in memory by [`MemoryTree`](crate::MemoryTree) and by the projector's SQLite
/// table. The functions of this crate only ask for nodes that lie wholly inside the sizes
/// they are given.
pub trait Nodes {
    /// Why a node could not be read (a database error, say).
    type Error;

    /// The hash of the perfect subtree at `(level, index)`.
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

impl<N: Nodes + ?Sized> Nodes for &N {
    type Error = N::Error;

    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        (**self).node(level, index)
    }
}

/// The perfect nodes that a new leaf at index `size` completes, level 0 (the leaf itself)
/// first: exactly the rows a store adds for it. `nodes` must hold the first `size` leaves.
///
/// Reads one left sibling per level that the new leaf closes: O(log n), about one on average.
pub fn completed_nodes<N: Nodes>(
    nodes: &N,
    size: u64,
    leaf: Hash,
) -> Result<Vec<(u32, u64, Hash)>, N::Error> {
    let mut completed = vec![(0, size, leaf)];
    let (mut level, mut index, mut hash) = (0u32, size, leaf);
    // A node is a right child while its index is odd; it then closes its parent.
    while index & 1 == 1 {
        let left = nodes.node(level, index - 1)?;
        hash = node_hash(&left, &hash);
        level += 1;
        index >>= 1;
        completed.push((level, index, hash));
    }
    Ok(completed)
}

/// The root (RFC 9162 `MTH`) of the first `size` leaves, from at most `log2(size) + 1` node
/// reads; [`empty_root`] for `size` 0.
pub fn root<N: Nodes>(nodes: &N, size: u64) -> Result<Hash, N::Error> {
    subtree(nodes, 0, size)
}

/// `MTH(D[start:end])`, the root of the leaves `start..end` taken as a tree of their own;
/// [`empty_root`] when the range is empty (`start >= end`).
///
/// The ranges that proofs need start at a multiple of a power of two at least as large as the
/// range, and cost O(log n) node reads; any other range is correct too, only slower (down to
/// reading single leaves).
pub fn subtree<N: Nodes>(nodes: &N, start: u64, end: u64) -> Result<Hash, N::Error> {
    if start >= end {
        return Ok(empty_root());
    }
    let n = end - start;
    if n.is_power_of_two() && start.is_multiple_of(n) {
        let level = n.trailing_zeros();
        return nodes.node(level, start >> level);
    }
    // RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
    let k = split_point(n);
    let left = subtree(nodes, start, start + k)?;
    let right = subtree(nodes, start + k, end)?;
    Ok(node_hash(&left, &right))
}

/// Turns an infallible result into its value, for node sources that cannot fail.
pub(crate) fn infallible<T>(result: Result<T, std::convert::Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::{MemoryTree, leaf_hash};

    /// RFC 9162 §2.1.1 taken literally, over a slice of leaf hashes.
    fn reference_mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&reference_mth(&leaves[..k]), &reference_mth(&leaves[k..]))
            }
        }
    }

    /// Counts node reads, to hold the O(log n) promises.
    struct Counting<'a>(&'a MemoryTree, std::cell::Cell<u32>);

    impl Nodes for Counting<'_> {
        type Error = std::convert::Infallible;
        fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
            self.1.set(self.1.get() + 1);
            self.0.node(level, index)
        }
    }

    fn tree(size: u64) -> (MemoryTree, Vec<Hash>) {
        let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut tree = MemoryTree::new();
        for leaf in &leaves {
            tree.push(*leaf);
        }
        (tree, leaves)
    }

    #[test]
    fn every_range_matches_the_definition() {
        let (tree, leaves) = tree(37);
        for start in 0..=37u64 {
            for end in start..=37u64 {
                let expected = reference_mth(&leaves[start as usize..end as usize]);
                assert_eq!(
                    subtree(&tree, start, end).unwrap(),
                    expected,
                    "D[{start}:{end}]"
                );
            }
        }
    }

    #[test]
    fn roots_read_at_most_one_node_per_bit_of_the_size() {
        let (tree, _) = tree(1000);
        for size in 0..=1000u64 {
            let counting = Counting(&tree, std::cell::Cell::new(0));
            root(&counting, size).unwrap();
            assert_eq!(counting.1.get(), size.count_ones(), "size {size}");
        }
    }
}

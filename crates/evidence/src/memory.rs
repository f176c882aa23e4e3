//! The tree in memory: every perfect subtree, one `Vec` per level. For tests, for small logs,
//! and as the model that the projector's SQLite table follows row for row.

use std::convert::Infallible;

use crate::hash::Hash;
use crate::nodes::{Nodes, completed_nodes, infallible, root};

/// An append-only Merkle tree holding its leaf hashes and every perfect subtree
/// (about `2n` hashes for `n` leaves).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    /// `levels[l][i]` is the node `(l, i)`; `levels[0]` are the leaf hashes.
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one leaf hash and returns the perfect nodes it completed, level 0 first —
    /// the rows a persistent store adds for this leaf.
    pub fn push(&mut self, leaf: Hash) -> Vec<(u32, u64, Hash)> {
        let completed = infallible(completed_nodes(self, self.size(), leaf));
        for &(level, _, hash) in &completed {
            let level = level as usize;
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(hash);
        }
        completed
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        infallible(root(self, self.size()))
    }
}

impl Nodes for MemoryTree {
    type Error = Infallible;

    /// # Panics
    /// If the node is not complete yet — asking for it means a size larger than the tree was
    /// passed to a proof or root function, which is a bug in the caller.
    fn node(&self, level: u32, index: u64) -> Result<Hash, Infallible> {
        let hash = usize::try_from(index)
            .ok()
            .and_then(|index| self.levels.get(level as usize)?.get(index));
        match hash {
            Some(hash) => Ok(*hash),
            None => panic!(
                "MemoryTree of {} leaves has no node at level {level}, index {index}",
                self.size()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::{leaf_hash, node_hash};

    #[test]
    fn push_reports_the_completed_nodes() {
        let mut tree = MemoryTree::new();
        let leaves: Vec<Hash> = (0u8..4).map(|i| leaf_hash(&[i])).collect();
        assert_eq!(tree.push(leaves[0]), vec![(0, 0, leaves[0])]);
        let n01 = node_hash(&leaves[0], &leaves[1]);
        assert_eq!(tree.push(leaves[1]), vec![(0, 1, leaves[1]), (1, 0, n01)]);
        assert_eq!(tree.push(leaves[2]), vec![(0, 2, leaves[2])]);
        let n23 = node_hash(&leaves[2], &leaves[3]);
        let n0123 = node_hash(&n01, &n23);
        assert_eq!(
            tree.push(leaves[3]),
            vec![(0, 3, leaves[3]), (1, 1, n23), (2, 0, n0123)]
        );
        assert_eq!(tree.size(), 4);
        assert_eq!(tree.root(), n0123);
    }

    #[test]
    #[should_panic(expected = "no node at level 1, index 1")]
    fn asking_beyond_the_tree_is_a_loud_bug() {
        let mut tree = MemoryTree::new();
        for i in 0u8..3 {
            tree.push(leaf_hash(&[i]));
        }
        let _ = tree.node(1, 1);
    }
}

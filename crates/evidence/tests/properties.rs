//! Properties over many tree sizes: every proof of every leaf and every pair of sizes
//! verifies, and none survives tampering; the three ways to a root agree.

#![allow(clippy::unwrap_used, reason = "tests")]

use evidence::{
    Hash, Hasher, MemoryTree, ProofError, completed_nodes, consistency_proof, inclusion_proof,
    leaf_hash, node_hash, root, subtree, verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

/// RFC 9162 §2.1.1 taken literally: the independent model the tree is checked against.
fn reference_mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => evidence::empty_root(),
        1 => leaves[0],
        n => {
            let k = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
            node_hash(&reference_mth(&leaves[..k]), &reference_mth(&leaves[k..]))
        }
    }
}

fn leaves(seed: u64, size: u64) -> Vec<Hash> {
    (0..size)
        .map(|i| leaf_hash(&[seed.to_le_bytes(), i.to_le_bytes()].concat()))
        .collect()
}

fn tree(leaves: &[Hash]) -> MemoryTree {
    let mut tree = MemoryTree::new();
    for leaf in leaves {
        tree.push(*leaf);
    }
    tree
}

/// Every inclusion proof in a tree of `size` leaves verifies; a flipped bit anywhere, a wrong
/// index, a wrong size or a wrong leaf does not. `tree` holds at least `2·size` leaves.
fn check_inclusion(tree: &MemoryTree, leaves: &[Hash], size: u64) {
    let root = root(tree, size).unwrap();
    for index in 0..size {
        let leaf = leaves[index as usize];
        let proof = inclusion_proof(tree, index, size).unwrap();
        verify_inclusion(&leaf, index, size, &proof, &root).unwrap();

        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i][(index as usize + i) % 32] ^= 1 << (i % 8);
            assert_eq!(
                verify_inclusion(&leaf, index, size, &bad, &root),
                Err(ProofError::RootMismatch),
                "PATH({index}, D[{size}]) with proof[{i}] altered"
            );
        }
        let mut bad_leaf = leaf;
        bad_leaf[31] ^= 0x80;
        assert!(verify_inclusion(&bad_leaf, index, size, &proof, &root).is_err());
        let mut bad_root = root;
        bad_root[0] ^= 1;
        assert!(verify_inclusion(&leaf, index, size, &proof, &bad_root).is_err());
        for other in [index.wrapping_sub(1), index + 1, index ^ 1, index ^ 2] {
            if other != index {
                assert!(
                    verify_inclusion(&leaf, other, size, &proof, &root).is_err(),
                    "PATH({index}, D[{size}]) verified as index {other}"
                );
            }
        }
        // A proof says nothing about the size by itself (PATH(0, D[3]) and PATH(0, D[4])
        // hash alike): the size is bound to the root by the signed checkpoint. So a wrong
        // size is checked as a verifier meets it, with that size's root.
        for other in [size - 1, size + 1, size * 2, size / 2] {
            if other != size && other > index {
                let other_root = evidence::root(tree, other).unwrap();
                assert!(
                    verify_inclusion(&leaf, index, other, &proof, &other_root).is_err(),
                    "PATH({index}, D[{size}]) verified as size {other}"
                );
            }
        }
    }
}

/// Every consistency proof from an older size to `new` verifies; an altered hash, a wrong
/// size or a wrong root does not. `roots[n]` is the root of the first `n` leaves.
fn check_consistency(tree: &MemoryTree, roots: &[Hash], new: u64) {
    let new_root = roots[new as usize];
    for old in 0..=new {
        let old_root = roots[old as usize];
        let proof = consistency_proof(tree, old, new).unwrap();
        verify_consistency(old, new, &old_root, &new_root, &proof).unwrap();

        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i][(old + new) as usize % 32] ^= 1 << (i % 8);
            assert!(
                verify_consistency(old, new, &old_root, &new_root, &bad).is_err(),
                "PROOF({old}, D[{new}]) with proof[{i}] altered"
            );
        }
        if old > 0 {
            let mut bad_old = old_root;
            bad_old[5] ^= 4;
            assert!(verify_consistency(old, new, &bad_old, &new_root, &proof).is_err());
        }
        if 0 < old && old < new {
            let mut bad_new = new_root;
            bad_new[7] ^= 2;
            assert!(verify_consistency(old, new, &old_root, &bad_new, &proof).is_err());
            // The same proof offered for another old size is refused.
            for other in [old + 1, old - 1, old ^ 2] {
                if other != old && other <= new && other > 0 {
                    let other_root = roots[other as usize];
                    assert!(
                        verify_consistency(other, new, &other_root, &new_root, &proof).is_err(),
                        "PROOF({old}, D[{new}]) verified as old size {other}"
                    );
                    assert!(
                        verify_consistency(other, new, &old_root, &new_root, &proof).is_err(),
                        "PROOF({old}, D[{new}]) verified as old size {other}, old root"
                    );
                }
            }
        }
    }
}

fn roots(tree: &MemoryTree) -> Vec<Hash> {
    (0..=tree.size()).map(|n| root(tree, n).unwrap()).collect()
}

#[test]
fn small_trees_exhaustively() {
    let leaves = leaves(7, 80);
    let tree = tree(&leaves);
    for size in 1..=40 {
        check_inclusion(&tree, &leaves, size);
    }
    let roots = roots(&tree);
    for new in 0..=40 {
        check_consistency(&tree, &roots, new);
    }
}

#[test]
fn every_consistency_proof_up_to_300_verifies() {
    let tree = tree(&leaves(11, 300));
    let roots = roots(&tree);
    for new in 0..=300 {
        for old in 0..=new {
            let proof = consistency_proof(&tree, old, new).unwrap();
            verify_consistency(old, new, &roots[old as usize], &roots[new as usize], &proof)
                .unwrap();
        }
    }
}

#[test]
fn roots_agree_with_the_definition_at_every_size() {
    let leaves = leaves(3, 300);
    let mut memory = MemoryTree::new();
    let mut hasher = Hasher::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let expected_completed = completed_nodes(&memory, n as u64, *leaf).unwrap();
        assert_eq!(memory.push(*leaf), expected_completed, "leaf {n}");
        hasher.push(*leaf);
        let expected = reference_mth(&leaves[..=n]);
        assert_eq!(memory.root(), expected, "MemoryTree of {}", n + 1);
        assert_eq!(hasher.root(), expected, "Hasher of {}", n + 1);
        assert_eq!(hasher.size(), n as u64 + 1);
    }
    for size in 0..=300u64 {
        assert_eq!(
            root(&memory, size).unwrap(),
            reference_mth(&leaves[..size as usize])
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_inclusion_proof_verifies_and_tampering_fails(seed: u64, size in 1u64..=300) {
        let leaves = leaves(seed, 2 * size);
        check_inclusion(&tree(&leaves), &leaves, size);
    }

    #[test]
    fn every_consistency_proof_verifies_and_tampering_fails(seed: u64, size in 1u64..=300) {
        let tree = tree(&leaves(seed, size));
        check_consistency(&tree, &roots(&tree), size);
    }

    #[test]
    fn the_three_roots_agree(seed: u64, size in 0u64..=300) {
        let leaves = leaves(seed, size);
        let memory = tree(&leaves);
        let mut hasher = Hasher::new();
        for leaf in &leaves {
            hasher.push(*leaf);
        }
        let expected = reference_mth(&leaves);
        prop_assert_eq!(hasher.root(), expected);
        prop_assert_eq!(memory.root(), expected);
        prop_assert_eq!(root(&memory, size).unwrap(), expected);
        prop_assert_eq!(memory.size(), size);
    }

    #[test]
    fn completed_nodes_is_what_push_returns(seed: u64, size in 0u64..=300) {
        let mut memory = MemoryTree::new();
        for (n, leaf) in leaves(seed, size).into_iter().enumerate() {
            let predicted = completed_nodes(&memory, n as u64, leaf).unwrap();
            prop_assert_eq!(memory.push(leaf), predicted);
        }
    }

    #[test]
    fn any_range_matches_the_definition(seed: u64, size in 1u64..=300, a: u64, b: u64) {
        let leaves = leaves(seed, size);
        let memory = tree(&leaves);
        let (start, end) = {
            let (x, y) = (a % (size + 1), b % (size + 1));
            (x.min(y), x.max(y))
        };
        prop_assert_eq!(
            subtree(&memory, start, end).unwrap(),
            reference_mth(&leaves[start as usize..end as usize])
        );
    }
}

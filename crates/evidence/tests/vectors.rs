//! The RFC 6962 / RFC 9162 reference vectors of Certificate Transparency.
//!
//! Source: the Go implementation maintained by the transparency-dev project (formerly part of
//! google/trillian and certificate-transparency-go), github.com/transparency-dev/merkle:
//! - `testonly/constants.go`: `LeafInputs`, `NodeHashes`, `RootHashes`, `EmptyRootHash`;
//! - `proof/verify_test.go`: `inclusionProofs` and `consistencyProofs` (leaf numbers there
//!   count from 1; here they are 0-based indices), and the corruptions of
//!   `corruptInclusionProof` / `corruptConsistencyProof` that must all be refused.
//!
//! The same data is in the C++ certificate-transparency `merkletree` tests.

#![allow(clippy::unwrap_used, reason = "tests")]

use evidence::{
    Hash, Hasher, MemoryTree, Nodes, ProofError, consistency_proof, empty_root, hex,
    inclusion_proof, leaf_hash, root, verify_consistency, verify_inclusion,
};

const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// `RootHashes()[1..]`: the roots of the first 1..=8 leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

const EMPTY_ROOT: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// `NodeHashes()`: every perfect subtree of the 8-leaf tree, by level then index.
const NODE_HASHES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// `inclusionProofs`: (index, size, proof).
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// `consistencyProofs`: (old size, new size, proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// `sha256SomeHash` of the reference tests: a hash of nothing in the tree.
const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

fn h(text: &str) -> Hash {
    hex::decode_hash(text).unwrap()
}

fn hashes(texts: &[&str]) -> Vec<Hash> {
    texts.iter().map(|text| h(text)).collect()
}

fn leaves() -> Vec<Hash> {
    LEAF_INPUTS
        .iter()
        .map(|input| leaf_hash(&bytes(input)))
        .collect()
}

fn reference_tree() -> MemoryTree {
    let mut tree = MemoryTree::new();
    for leaf in leaves() {
        tree.push(leaf);
    }
    tree
}

fn root_of(size: u64) -> Hash {
    if size == 0 {
        h(EMPTY_ROOT)
    } else {
        h(ROOTS[size as usize - 1])
    }
}

/// Hex of any length, for the leaf inputs (the crate's decoder is for fixed sizes).
fn bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn empty_root_matches() {
    assert_eq!(empty_root(), h(EMPTY_ROOT));
    assert_eq!(Hasher::new().root(), h(EMPTY_ROOT));
    assert_eq!(MemoryTree::new().root(), h(EMPTY_ROOT));
}

#[test]
fn roots_of_every_size_match() {
    let tree = reference_tree();
    let mut hasher = Hasher::new();
    let mut growing = MemoryTree::new();
    for (size, leaf) in (1..=8u64).zip(leaves()) {
        hasher.push(leaf);
        growing.push(leaf);
        let expected = h(ROOTS[size as usize - 1]);
        assert_eq!(root(&tree, size).unwrap(), expected, "root({size})");
        assert_eq!(hasher.root(), expected, "Hasher after {size}");
        assert_eq!(growing.root(), expected, "MemoryTree after {size}");
    }
    assert_eq!(root(&tree, 0).unwrap(), h(EMPTY_ROOT));
}

#[test]
fn every_perfect_subtree_matches() {
    let tree = reference_tree();
    for (level, nodes) in NODE_HASHES.iter().enumerate() {
        for (index, expected) in nodes.iter().enumerate() {
            assert_eq!(
                tree.node(level as u32, index as u64).unwrap(),
                h(expected),
                "node ({level}, {index})"
            );
        }
    }
}

#[test]
fn inclusion_proofs_match_and_verify() {
    let tree = reference_tree();
    let leaves = leaves();
    for (index, size, expected) in INCLUSION {
        let proof = inclusion_proof(&tree, index, size).unwrap();
        assert_eq!(proof, hashes(expected), "PATH({index}, D[{size}])");
        let leaf = leaves[index as usize];
        verify_inclusion(&leaf, index, size, &proof, &root_of(size)).unwrap();
        for (what, probe) in corrupt_inclusion(leaf, index, size, &proof, root_of(size)) {
            assert!(
                probe().is_err(),
                "PATH({index}, D[{size}]) verified with {what}"
            );
        }
    }
}

#[test]
fn consistency_proofs_match_and_verify() {
    let tree = reference_tree();
    for (old, new, expected) in CONSISTENCY {
        let proof = consistency_proof(&tree, old, new).unwrap();
        assert_eq!(proof, hashes(expected), "PROOF({old}, D[{new}])");
        verify_consistency(old, new, &root_of(old), &root_of(new), &proof).unwrap();
        if proof.is_empty() {
            continue;
        }
        for (what, probe) in corrupt_consistency(old, new, root_of(old), root_of(new), &proof) {
            assert!(
                probe().is_err(),
                "PROOF({old}, D[{new}]) verified with {what}"
            );
        }
    }
}

#[test]
fn trivial_cases_follow_the_reference() {
    let some = h(SOME_HASH);
    let empty = h(EMPTY_ROOT);
    // No leaf is in an empty tree, nor beyond the end of one.
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        assert_eq!(
            verify_inclusion(&some, index, size, &[], &empty),
            Err(ProofError::IndexOutOfRange { index, size })
        );
    }
    // A tree of one leaf: its root is the leaf hash, and the path is empty.
    let leaf = leaf_hash(b"data");
    verify_inclusion(&leaf, 0, 1, &[], &leaf).unwrap();
    assert_eq!(
        verify_inclusion(&leaf, 0, 1, &[], &some),
        Err(ProofError::RootMismatch)
    );
    // Consistency: any tree extends the empty one; equal sizes need equal roots.
    verify_consistency(0, 0, &empty, &empty, &[]).unwrap();
    verify_consistency(0, 1, &empty, &some, &[]).unwrap();
    verify_consistency(1, 1, &some, &some, &[]).unwrap();
    assert_eq!(
        verify_consistency(1, 1, &empty, &some, &[]),
        Err(ProofError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(2, 1, &empty, &some, &[]),
        Err(ProofError::SizesOutOfOrder {
            old_size: 2,
            new_size: 1
        })
    );
    assert_eq!(
        verify_consistency(1, 2, &empty, &some, &[]),
        Err(ProofError::WrongLength {
            expected: 1,
            got: 0
        })
    );
    // Roots match but the proof is not empty.
    for (old, new) in [(0, 0), (0, 1), (1, 1)] {
        assert!(verify_consistency(old, new, &empty, &empty, &[empty]).is_err());
    }
}

type Probe<'a> = (String, Box<dyn Fn() -> Result<(), ProofError> + 'a>);

/// `corruptInclusionProof` of the reference tests.
fn corrupt_inclusion(
    leaf: Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: Hash,
) -> Vec<Probe<'_>> {
    let some = h(SOME_HASH);
    let empty = h(EMPTY_ROOT);
    let mut probes: Vec<Probe<'_>> = vec![
        (
            "index - 1".into(),
            Box::new(move || verify_inclusion(&leaf, index.wrapping_sub(1), size, proof, &root)),
        ),
        (
            "index + 1".into(),
            Box::new(move || verify_inclusion(&leaf, index + 1, size, proof, &root)),
        ),
        (
            "index ^ 2".into(),
            Box::new(move || verify_inclusion(&leaf, index ^ 2, size, proof, &root)),
        ),
        (
            "size * 2".into(),
            Box::new(move || verify_inclusion(&leaf, index, size * 2, proof, &root)),
        ),
        (
            "size / 2".into(),
            Box::new(move || verify_inclusion(&leaf, index, size / 2, proof, &root)),
        ),
        (
            "wrong leaf".into(),
            Box::new(move || verify_inclusion(&leaf_hash(b"WrongLeaf"), index, size, proof, &root)),
        ),
        (
            "empty root".into(),
            Box::new(move || verify_inclusion(&leaf, index, size, proof, &empty)),
        ),
        (
            "random root".into(),
            Box::new(move || verify_inclusion(&leaf, index, size, proof, &some)),
        ),
        (
            "trailing root".into(),
            Box::new(move || {
                let p = [proof, &[root]].concat();
                verify_inclusion(&leaf, index, size, &p, &root)
            }),
        ),
        (
            "preceding root".into(),
            Box::new(move || {
                let p = [&[root], proof].concat();
                verify_inclusion(&leaf, index, size, &p, &root)
            }),
        ),
    ];
    for i in 0..proof.len() {
        probes.push((
            format!("proof[{i}] bit 3 flipped"),
            Box::new(move || {
                let mut p = proof.to_vec();
                p[i][0] ^= 8;
                verify_inclusion(&leaf, index, size, &p, &root)
            }),
        ));
    }
    if !proof.is_empty() {
        probes.push((
            "removed component".into(),
            Box::new(move || {
                verify_inclusion(&leaf, index, size, &proof[..proof.len() - 1], &root)
            }),
        ));
    }
    if proof.len() > 1 {
        probes.push((
            "inserted component".into(),
            Box::new(move || {
                let p = [&proof[..1], &[some], &proof[1..]].concat();
                verify_inclusion(&leaf, index, size, &p, &root)
            }),
        ));
    }
    probes
}

/// `corruptConsistencyProof` of the reference tests.
fn corrupt_consistency(
    old: u64,
    new: u64,
    old_root: Hash,
    new_root: Hash,
    proof: &[Hash],
) -> Vec<Probe<'_>> {
    let wrong = leaf_hash(b"WrongRoot");
    let verify = move |old: u64, new: u64, r1: Hash, r2: Hash, p: Vec<Hash>| {
        verify_consistency(old, new, &r1, &r2, &p)
    };
    let mut probes: Vec<Probe<'_>> = vec![
        (
            "old - 1".into(),
            Box::new(move || verify(old - 1, new, old_root, new_root, proof.to_vec())),
        ),
        (
            "old + 1".into(),
            Box::new(move || verify(old + 1, new, old_root, new_root, proof.to_vec())),
        ),
        (
            "old ^ 2".into(),
            Box::new(move || verify(old ^ 2, new, old_root, new_root, proof.to_vec())),
        ),
        (
            "new * 2".into(),
            Box::new(move || verify(old, new * 2, old_root, new_root, proof.to_vec())),
        ),
        (
            "new / 2".into(),
            Box::new(move || verify(old, new / 2, old_root, new_root, proof.to_vec())),
        ),
        (
            "wrong old root".into(),
            Box::new(move || verify(old, new, wrong, new_root, proof.to_vec())),
        ),
        (
            "wrong new root".into(),
            Box::new(move || verify(old, new, old_root, wrong, proof.to_vec())),
        ),
        (
            "swapped roots".into(),
            Box::new(move || verify(old, new, new_root, old_root, proof.to_vec())),
        ),
        (
            "empty proof".into(),
            Box::new(move || verify(old, new, old_root, new_root, vec![])),
        ),
        (
            "trailing old root".into(),
            Box::new(move || verify(old, new, old_root, new_root, [proof, &[old_root]].concat())),
        ),
        (
            "trailing new root".into(),
            Box::new(move || verify(old, new, old_root, new_root, [proof, &[new_root]].concat())),
        ),
        (
            "preceding old root".into(),
            Box::new(move || verify(old, new, old_root, new_root, [&[old_root], proof].concat())),
        ),
        (
            "preceding new root".into(),
            Box::new(move || verify(old, new, old_root, new_root, [&[new_root], proof].concat())),
        ),
        (
            "preceding proof[0]".into(),
            Box::new(move || verify(old, new, old_root, new_root, [&proof[..1], proof].concat())),
        ),
        (
            "truncated proof".into(),
            Box::new(move || {
                verify(
                    old,
                    new,
                    old_root,
                    new_root,
                    proof[..proof.len() - 1].to_vec(),
                )
            }),
        ),
    ];
    for i in 0..proof.len() {
        probes.push((
            format!("proof[{i}] bit 4 flipped"),
            Box::new(move || {
                let mut p = proof.to_vec();
                p[i][0] ^= 16;
                verify(old, new, old_root, new_root, p)
            }),
        ));
    }
    probes
}

//! Proof generation (RFC 9162 §2.1.3.1 and §2.1.4.1).
//!
//! Each proof is planned first as the list of leaf ranges whose roots it carries, leaf end
//! first; generation reads those roots with [`subtree`], and the verifiers use the plan's
//! length to reject proofs of the wrong shape before hashing anything.

use crate::hash::{Hash, split_point};
use crate::nodes::{Nodes, subtree};

/// The audit path `PATH(index, D[size])`: the roots of the sibling subtrees on the way from
/// leaf `index` up to the root of the first `size` leaves, nearest first. O(log n) node reads.
///
/// `index < size` is the caller's to check: for any other pair the proof is empty, which
/// [`verify_inclusion`](crate::verify_inclusion) rejects.
pub fn inclusion_proof<N: Nodes>(nodes: &N, index: u64, size: u64) -> Result<Vec<Hash>, N::Error> {
    inclusion_plan(index, size)
        .into_iter()
        .map(|(start, end)| subtree(nodes, start, end))
        .collect()
}

/// The consistency proof `PROOF(old, D[new])`: the roots that let a holder of the root of the
/// first `old` leaves recompute both it and the root of the first `new`, so that the tree of
/// `new` leaves is shown to extend the one of `old`. O(log n) node reads.
///
/// Empty when `old` is 0 or `old == new` (nothing to prove) and when `old > new` (which
/// [`verify_consistency`](crate::verify_consistency) rejects).
pub fn consistency_proof<N: Nodes>(nodes: &N, old: u64, new: u64) -> Result<Vec<Hash>, N::Error> {
    consistency_plan(old, new)
        .into_iter()
        .map(|(start, end)| subtree(nodes, start, end))
        .collect()
}

/// The leaf ranges of `PATH(index, D[size])`, nearest the leaf first.
pub(crate) fn inclusion_plan(index: u64, size: u64) -> Vec<(u64, u64)> {
    let mut plan = Vec::new();
    if index >= size {
        return plan;
    }
    let (mut start, mut end) = (0, size);
    // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])      if m < k
    //               = PATH(m - k, D[k:n]) : MTH(D[0:k])  otherwise
    while end - start > 1 {
        let k = split_point(end - start);
        if index < start + k {
            plan.push((start + k, end));
            end = start + k;
        } else {
            plan.push((start, start + k));
            start += k;
        }
    }
    plan.reverse();
    plan
}

/// The leaf ranges of `PROOF(old, D[new])`, in proof order.
pub(crate) fn consistency_plan(old: u64, new: u64) -> Vec<(u64, u64)> {
    let mut plan = Vec::new();
    if old == 0 || old >= new {
        return plan;
    }
    // SUBPROOF(m, D[m], true)  = {}
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}
    // SUBPROOF(m, D[n], b)     = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])          if m <= k
    //                          = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])  otherwise
    let (mut start, mut end, mut whole_old_tree) = (0, new, true);
    loop {
        let size = end - start;
        let m = old - start;
        if m == size {
            if !whole_old_tree {
                plan.push((start, end));
            }
            break;
        }
        let k = split_point(size);
        if m <= k {
            plan.push((start + k, end));
            end = start + k;
        } else {
            plan.push((start, start + k));
            start += k;
            whole_old_tree = false;
        }
    }
    plan.reverse();
    plan
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn plans_have_the_shapes_of_the_rfc_examples() {
        // RFC 9162 §2.1.5's tree of 7 leaves d0..d6: the path for d0 is [b, h, l] (leaf 1,
        // leaves 2..4, leaves 4..7); the consistency proof between sizes 3 and 7 is
        // [c, d, g, l] (leaf 2, leaf 3, leaves 0..2, leaves 4..7).
        assert_eq!(inclusion_plan(0, 7), vec![(1, 2), (2, 4), (4, 7)]);
        assert_eq!(inclusion_plan(3, 7), vec![(2, 3), (0, 2), (4, 7)]);
        assert_eq!(inclusion_plan(4, 7), vec![(5, 6), (6, 7), (0, 4)]);
        assert_eq!(inclusion_plan(6, 7), vec![(4, 6), (0, 4)]);
        assert_eq!(consistency_plan(3, 7), vec![(2, 3), (3, 4), (0, 2), (4, 7)]);
        assert_eq!(consistency_plan(4, 7), vec![(4, 7)]);
        assert_eq!(consistency_plan(6, 7), vec![(4, 6), (6, 7), (0, 4)]);
    }

    #[test]
    fn out_of_range_plans_are_empty() {
        assert!(inclusion_plan(0, 0).is_empty());
        assert!(inclusion_plan(5, 5).is_empty());
        assert!(inclusion_plan(0, 1).is_empty());
        assert!(consistency_plan(0, 5).is_empty());
        assert!(consistency_plan(5, 5).is_empty());
        assert!(consistency_plan(6, 5).is_empty());
    }

    #[test]
    fn proofs_of_a_huge_tree_are_logarithmic() {
        // Only the plan is built: a tree of 2^63 + 12345 leaves needs 64 ranges at most.
        let size = (1u64 << 63) + 12345;
        assert_eq!(inclusion_plan(size - 1, size).len(), 6);
        assert_eq!(inclusion_plan(0, size).len(), 64);
        assert!(consistency_plan(size - 7, size).len() <= 2 * 64);
    }
}

//! Merging tasks while the task graph stays acyclic: a quotient of the unit DAG with a
//! topological order kept up to date under merges.
//!
//! Merging parts `p` and `q` (`p` before `q` in the order) makes a cycle exactly when a path
//! runs from `p` to `q` through a third part. Only parts placed between the two can be on such
//! a path, so the search is bounded by that stretch of the order; without a cycle the stretch is
//! reordered so that the order stays topological (as in the dynamic topological sort of
//! Marchetti-Spaccamela, Nanni and Rohnert). Every part of an acyclic quotient is convex.

use super::build::Partition;

/// An empty place in the order (left by a merge).
const HOLE: usize = usize::MAX;

/// The quotient graph of the units under a partition, with a topological order of its parts.
pub(super) struct Quotient {
    part: Partition,
    /// Per representative: successor units (any member; resolved with `find`, so entries may
    /// repeat or point into the part itself).
    succ: Vec<Vec<usize>>,
    /// Per representative: predecessor units, likewise.
    pred: Vec<Vec<usize>>,
    /// Per representative: the length of `succ` / `pred` when last compacted.
    clean_succ: Vec<usize>,
    clean_pred: Vec<usize>,
    /// Per representative: its place in `order`.
    pos: Vec<usize>,
    /// The topological order of the parts: representatives, and holes.
    order: Vec<usize>,
    /// Visit marks of the current search (`== epoch`), and the first part of each path.
    mark: Vec<u32>,
    via: Vec<usize>,
    epoch: u32,
}

impl Quotient {
    /// The quotient of the units `0..n` with edges `edges` (unit pairs, any order, repeats
    /// allowed) and `topo`, a topological order of all units.
    pub(super) fn new(
        n: usize,
        edges: impl Iterator<Item = (usize, usize)>,
        topo: &[usize],
    ) -> Self {
        let mut succ = vec![Vec::new(); n];
        let mut pred = vec![Vec::new(); n];
        for (a, b) in edges {
            succ[a].push(b);
            pred[b].push(a);
        }
        for list in succ.iter_mut().chain(pred.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        let mut pos = vec![0; n];
        for (i, &u) in topo.iter().enumerate() {
            pos[u] = i;
        }
        Self {
            part: Partition::new(n),
            clean_succ: succ.iter().map(Vec::len).collect(),
            clean_pred: pred.iter().map(Vec::len).collect(),
            succ,
            pred,
            pos,
            order: topo.to_vec(),
            mark: vec![0; n],
            via: vec![0; n],
            epoch: 0,
        }
    }

    /// The representative of `u`'s part.
    pub(super) fn find(&mut self, u: usize) -> usize {
        self.part.find(u)
    }

    /// Merges the parts of `a` and `b` unless that makes the quotient cyclic; then returns
    /// `Err` with a part on a path between them.
    pub(super) fn try_merge(&mut self, a: usize, b: usize) -> Result<(), usize> {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return Ok(());
        }
        let (p, q) = if self.pos[a] < self.pos[b] {
            (a, b)
        } else {
            (b, a)
        };
        // Search from the side with fewer neighbours: forward from `p` or backward from `q`.
        let forward = self.succ[p].len() <= self.pred[q].len();
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.fill(0);
            self.epoch = 1;
        }
        if let Some(via) = self.search(p, q, forward) {
            return Err(via);
        }
        self.reorder(p, q, forward);
        Ok(())
    }

    /// Marks the parts strictly between `p` and `q` in the order that are reachable from `p`
    /// (`forward`) or reach `q`; returns a part on a path from `p` to `q`, if one exists.
    fn search(&mut self, p: usize, q: usize, forward: bool) -> Option<usize> {
        let (lo, hi) = (self.pos[p], self.pos[q]);
        let (start, target) = if forward { (p, q) } else { (q, p) };
        let mut stack: Vec<usize> = vec![start];
        self.via[start] = start;
        while let Some(x) = stack.pop() {
            let next = if forward {
                &self.succ[x]
            } else {
                &self.pred[x]
            };
            for &u in next {
                let r = self.part.find(u);
                if r == target {
                    if x == start {
                        continue; // the direct edge between the two is fine
                    }
                    return Some(self.via[x]);
                }
                let at = self.pos[r];
                if lo < at && at < hi && self.mark[r] != self.epoch {
                    self.mark[r] = self.epoch;
                    // The first part of the path after `start`.
                    self.via[r] = if x == start { r } else { self.via[x] };
                    stack.push(r);
                }
            }
        }
        None
    }

    /// Unites `early` and `late` and reorders the stretch between them: forward, the parts
    /// reachable from `early` (marked) go after the merged part; backward, the parts that reach
    /// `late` go before.
    fn reorder(&mut self, early: usize, late: usize, forward: bool) {
        let (lo, hi) = (self.pos[early], self.pos[late]);
        self.part.union(early, late);
        let merged = self.part.find(early);
        let other = if merged == early { late } else { early };
        let mut before: Vec<usize> = Vec::new();
        let mut after: Vec<usize> = Vec::new();
        for i in lo + 1..hi {
            let r = self.order[i];
            if r == HOLE {
                continue;
            }
            let marked = self.mark[r] == self.epoch;
            // Forward: marked parts follow the merged one. Backward: marked parts precede it.
            if marked == forward {
                after.push(r);
            } else {
                before.push(r);
            }
        }
        let mut at = lo;
        for r in before
            .into_iter()
            .chain(std::iter::once(merged))
            .chain(after)
        {
            self.order[at] = r;
            self.pos[r] = at;
            at += 1;
        }
        for slot in &mut self.order[at..=hi] {
            *slot = HOLE;
        }
        // The merged part's neighbours: the shorter list appended to the longer; compacted
        // (resolved, without itself or repeats) when stale entries make up half of it, so that
        // the work stays proportional to the edges, amortised.
        for forward_list in [true, false] {
            let lists = if forward_list {
                &mut self.succ
            } else {
                &mut self.pred
            };
            let (a, b) = (
                std::mem::take(&mut lists[merged]),
                std::mem::take(&mut lists[other]),
            );
            let (mut long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            long.extend(short);
            let clean = if forward_list {
                &mut self.clean_succ
            } else {
                &mut self.clean_pred
            };
            if long.len() > 2 * clean[merged].max(clean[other]) + 8 {
                for u in &mut long {
                    *u = self.part.find(*u);
                }
                long.retain(|&r| r != merged);
                long.sort_unstable();
                long.dedup();
                clean[merged] = long.len();
            } else {
                clean[merged] = clean[merged].max(clean[other]);
            }
            if forward_list {
                self.succ[merged] = long;
            } else {
                self.pred[merged] = long;
            }
        }
    }

    /// The partition of the units into parts.
    pub(super) fn into_partition(self) -> Partition {
        self.part
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the quotient's order is topological for every unit edge between parts.
    fn consistent(q: &mut Quotient, edges: &[(usize, usize)]) -> bool {
        edges.iter().all(|&(a, b)| {
            let (ra, rb) = (q.find(a), q.find(b));
            ra == rb || q.pos[ra] < q.pos[rb]
        })
    }

    #[test]
    fn merges_unless_a_path_runs_through_a_third_part() {
        // 0 -> 1 -> 2, 0 -> 2, 3 alone.
        let edges = [(0, 1), (1, 2), (0, 2)];
        let mut q = Quotient::new(4, edges.iter().copied(), &[0, 3, 1, 2]);
        assert_eq!(q.try_merge(0, 2), Err(1));
        assert_eq!(q.try_merge(2, 0), Err(1), "either argument order");
        assert_eq!(q.try_merge(0, 3), Ok(()));
        assert_eq!(q.try_merge(1, 2), Ok(()));
        assert!(consistent(&mut q, &edges));
        // Now {0, 3} -> {1, 2}: merging them is fine.
        assert_eq!(q.try_merge(3, 2), Ok(()));
        assert_eq!(q.find(1), q.find(0));
    }

    #[test]
    fn reorders_so_that_a_later_merge_sees_the_new_order() {
        // a=0 -> x=1 -> b=2 and y=3 -> b=2, with y placed after x; c=4 after b.
        let edges = [(0, 1), (1, 2), (3, 2), (2, 4)];
        let mut q = Quotient::new(5, edges.iter().copied(), &[0, 1, 3, 2, 4]);
        // y and a are unrelated: merging them moves a past x? No: x must stay after a.
        assert_eq!(q.try_merge(3, 0), Ok(()));
        assert!(consistent(&mut q, &edges));
        // {a, y} -> x -> b: merging {a, y} with b closes a cycle through x.
        assert_eq!(q.try_merge(0, 2), Err(1));
        assert_eq!(q.try_merge(1, 4), Err(2));
        assert_eq!(q.try_merge(2, 4), Ok(()));
        assert!(consistent(&mut q, &edges));
    }
}

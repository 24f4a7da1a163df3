//! The node graph of a workflow as Argo's retry sees it (`newWorkflowsDag`, `resetPath`,
//! `resetBoundaries`): parents from `children`, descendants, breadth-first order.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use argo_model::NodeStatus;
use indexmap::IndexMap;

use crate::error::RetryError;
use crate::nodes::{failed_or_error, phase};

pub(super) struct Graph<'a> {
    pub(super) nodes: &'a IndexMap<String, NodeStatus>,
    parent: HashMap<&'a str, &'a str>,
    pub(super) root: Option<&'a str>,
}

fn is_group(t: &str) -> bool {
    matches!(t, "DAG" | "TaskGroup" | "StepGroup" | "Steps")
}

impl<'a> Graph<'a> {
    pub(super) fn new(
        nodes: &'a IndexMap<String, NodeStatus>,
        wf_name: &str,
    ) -> Result<Self, RetryError> {
        let sorted: BTreeMap<&str, &NodeStatus> =
            nodes.iter().map(|(id, n)| (id.as_str(), n)).collect();
        let mut parent = HashMap::new();
        for (id, node) in &sorted {
            for child in &node.children {
                if !nodes.contains_key(child) {
                    return Err(RetryError::MissingChild {
                        node: (*id).to_owned(),
                        child: child.clone(),
                    });
                }
                // The last node (by id) that lists the child wins, as in Argo.
                parent.insert(child.as_str(), *id);
            }
        }
        let on_exit = format!("{wf_name}.onExit");
        let mut root = None;
        for (id, node) in &sorted {
            if node.name == wf_name {
                root = Some(*id);
            } else if !parent.contains_key(id) && !node.name.starts_with(&on_exit) {
                return Err(RetryError::Orphan {
                    node: (*id).to_owned(),
                });
            }
        }
        Ok(Self {
            nodes,
            parent,
            root,
        })
    }

    pub(super) fn node(&self, id: &str) -> Option<&'a NodeStatus> {
        self.nodes.get(id)
    }

    fn type_of(&self, id: &str) -> &'a str {
        self.node(id).map_or("", |n| n.type_.as_str())
    }

    pub(super) fn parent(&self, id: &str) -> Option<&'a str> {
        self.parent.get(id).copied()
    }

    fn children(&self, id: &str) -> impl Iterator<Item = &'a str> {
        self.node(id)
            .into_iter()
            .flat_map(|n| n.children.iter().map(String::as_str))
    }

    /// Every node reachable from `id` through `children`, `id` excluded.
    pub(super) fn descendants(&self, id: &str) -> BTreeSet<&'a str> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = self.children(id).collect();
        while let Some(c) = stack.pop() {
            if self.node(c).is_some() && seen.insert(c) {
                stack.extend(self.children(c));
            }
        }
        seen
    }

    /// Argo's `isDescendantNodeSucceeded`: some descendant not in `selected` has succeeded.
    pub(super) fn descendant_succeeded(&self, id: &str, selected: &BTreeSet<String>) -> bool {
        self.descendants(id)
            .into_iter()
            .any(|d| !selected.contains(d) && self.node(d).is_some_and(|n| phase(n) == "Succeeded"))
    }

    /// Breadth-first order from the root.
    pub(super) fn order(&self) -> Vec<&'a str> {
        let Some(root) = self.root else {
            return Vec::new();
        };
        let mut seen = BTreeSet::from([root]);
        let mut queue = VecDeque::from([root]);
        let mut out = Vec::new();
        while let Some(id) = queue.pop_front() {
            out.push(id);
            for c in self.children(id) {
                if self.node(c).is_some() && seen.insert(c) {
                    queue.push_back(c);
                }
            }
        }
        out
    }

    /// Argo's `resetPath`: deletes `start` and its descendants, resets the group, Retry and Pod
    /// nodes on the way up.
    pub(super) fn reset_path(
        &self,
        start: &'a str,
        to_reset: &mut BTreeSet<&'a str>,
        to_delete: &mut BTreeSet<&'a str>,
    ) -> Result<(), RetryError> {
        to_delete.insert(start);
        to_delete.extend(self.descendants(start));
        if Some(start) == self.root {
            return Ok(());
        }
        let mut curr = Some(start);
        // Argo walks the parent chain without a bound; a malformed status (a cycle of
        // `children`) must not hang us.
        let mut steps = 0usize;
        while let Some(c) = curr {
            steps += 1;
            if steps > 4 * self.nodes.len() + 4 {
                break;
            }
            let node_type = self.type_of(c);
            if is_group(node_type) {
                to_reset.insert(c);
                curr = self.reset_boundaries(c, to_reset)?;
                continue;
            }
            if node_type == "Retry" && self.node(c).is_some_and(failed_or_error) {
                to_reset.insert(c);
            }
            if node_type == "Container" {
                // `resetPod`: the containerSet's Pod is reset, then deleted with its subtree.
                let pod = self
                    .ancestors_or_self(c)
                    .find(|x| self.type_of(x) == "Pod")
                    .ok_or_else(|| RetryError::NoPod { node: c.to_owned() })?;
                to_reset.insert(pod);
                to_delete.insert(pod);
                to_delete.extend(self.descendants(pod));
                curr = Some(pod);
                continue;
            }
            curr = self.parent(c);
        }
        Ok(())
    }

    /// `id`, its parent, its parent's parent, ... (bounded, in case `children` has a cycle).
    fn ancestors_or_self(&self, id: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::successors(Some(id), |x| self.parent(x)).take(self.nodes.len() + 1)
    }

    /// Argo's `resetBoundaries`: resets the `Retry`, `StepGroup` and `TaskGroup` parents and the
    /// enclosing template boundaries of `start`, returns where the upward walk continues.
    fn reset_boundaries(
        &self,
        start: &'a str,
        to_reset: &mut BTreeSet<&'a str>,
    ) -> Result<Option<&'a str>, RetryError> {
        let mut c = start;
        for _ in 0..=2 * self.nodes.len() {
            if let Some(p) = self.parent(c)
                && self.type_of(p) == "Retry"
            {
                to_reset.insert(p);
                c = p;
            }
            if let Some(p) = self.parent(c)
                && matches!(self.type_of(p), "StepGroup" | "TaskGroup")
            {
                to_reset.insert(p);
            }
            let boundary = self
                .node(c)
                .and_then(|n| n.boundary_id.as_deref())
                .unwrap_or_default();
            if boundary.is_empty() {
                return Ok(self.parent(c));
            }
            // `resetUntil`: the nearest ancestor-or-self whose id is the boundary.
            let Some(b) = self.ancestors_or_self(c).find(|x| *x == boundary) else {
                return Err(RetryError::Boundary {
                    node: c.to_owned(),
                    boundary: boundary.to_owned(),
                });
            };
            to_reset.insert(b);
            if b == c {
                // A node that is its own boundary: Argo would loop here for ever; we go on above
                // it instead.
                return Ok(self.parent(c));
            }
            c = b;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::hydrated_nodes;

    /// Argo's `TestDagConversion` (`workflow/util/util_test.go`): every node of the steps
    /// workflow of `TestStepsRetryWorkflow` is in the graph, and only the root has no parent.
    #[test]
    fn test_dag_conversion() {
        let text = include_str!("../../tests/fixtures/upstream/stepsRetryFormulate.yaml");
        let value = argo_model::yaml_values(text).unwrap().remove(0);
        let wf: argo_model::Workflow = serde_json::from_value(value).unwrap();
        let nodes = hydrated_nodes(&wf).unwrap();
        let graph = Graph::new(&nodes, "steps-4k5vn").unwrap();
        let parentless = nodes.keys().filter(|id| graph.parent(id).is_none()).count();
        assert_eq!(parentless, 1);
        assert_eq!(graph.order().len(), nodes.len());
    }

    #[test]
    fn a_missing_child_or_an_orphan_is_an_error() {
        let node = |id: &str, name: &str, children: &[&str]| NodeStatus {
            id: id.into(),
            name: name.into(),
            children: children.iter().map(|c| (*c).to_owned()).collect(),
            ..NodeStatus::default()
        };
        let mut nodes = IndexMap::new();
        nodes.insert("wf".to_owned(), node("wf", "wf", &["gone"]));
        assert!(matches!(
            Graph::new(&nodes, "wf"),
            Err(RetryError::MissingChild { child, .. }) if child == "gone"
        ));
        nodes.insert("wf".to_owned(), node("wf", "wf", &[]));
        nodes.insert("x".to_owned(), node("x", "wf.x", &[]));
        nodes.insert("e".to_owned(), node("e", "wf.onExit", &[]));
        assert!(matches!(
            Graph::new(&nodes, "wf"),
            Err(RetryError::Orphan { node }) if node == "x"
        ));
    }
}

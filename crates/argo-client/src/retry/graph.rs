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
        let mut guard = 0usize;
        while let Some(c) = curr {
            guard += 1;
            if guard > 4 * self.nodes.len() + 4 {
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
                let mut p = self.parent(c);
                while let Some(x) = p {
                    if self.type_of(x) == "Pod" {
                        break;
                    }
                    p = self.parent(x);
                }
                if let Some(pod) = p {
                    to_reset.insert(pod);
                    to_delete.insert(pod);
                    to_delete.extend(self.descendants(pod));
                    curr = Some(pod);
                    continue;
                }
            }
            curr = self.parent(c);
        }
        Ok(())
    }

    /// Argo's `resetBoundaries`: resets the enclosing template boundaries (and Retry parents) of
    /// `start`, returns where the upward walk continues.
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
            let boundary = self
                .node(c)
                .and_then(|n| n.boundary_id.as_deref())
                .unwrap_or_default();
            if boundary.is_empty() {
                return Ok(self.parent(c));
            }
            let mut x = Some(c);
            while let Some(id) = x {
                if id == boundary {
                    break;
                }
                x = self.parent(id);
            }
            let Some(b) = x else {
                return Err(RetryError::Boundary {
                    node: c.to_owned(),
                    boundary: boundary.to_owned(),
                });
            };
            to_reset.insert(b);
            if b == c {
                // A node that is its own boundary: continue above it.
                return Ok(self.parent(c));
            }
            c = b;
        }
        Ok(None)
    }
}

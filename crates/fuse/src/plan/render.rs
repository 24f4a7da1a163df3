//! Renderings of a plan: text, Mermaid and Graphviz dot.

use std::fmt::Write as _;

use super::{GroupBy, Plan};
use crate::suggest::count;

impl Plan {
    /// One line: nodes, tasks, the grouping strategy, the pods it saves against
    /// [`GroupBy::None`], and each split with its reason.
    /// See [`plan`](super::plan) for an example.
    pub fn summary(&self) -> String {
        let nodes = self.node_count();
        let mut s = format!(
            "{nodes} node{} in {} task{} (grouping `{}`",
            plural(nodes),
            self.tasks.len(),
            plural(self.tasks.len()),
            self.grouping
        );
        if self.grouping != GroupBy::None {
            let saved = self.pods_saved();
            let _ = write!(s, ", {saved} pod{} saved against `none`", plural(saved));
        }
        s.push(')');
        if !self.splits.is_empty() {
            let _ = write!(
                s,
                "; {} split{}: ",
                self.splits.len(),
                plural(self.splits.len())
            );
            let splits: Vec<String> = self
                .splits
                .iter()
                .map(|x| {
                    let tasks: Vec<String> = x.tasks.iter().map(|t| format!("`{t}`")).collect();
                    format!("{} {} into {}", x.group, x.reason, tasks.join(", "))
                })
                .collect();
            s.push_str(&splits.join("; "));
        }
        s
    }

    /// A human-readable listing: a summary line, the partial run (if any), then tasks with their
    /// nodes, resources, memory datasets and dependencies (with the datasets that make them).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "pipeline `{}` of `{}` (env `{}`): {}",
            self.pipeline,
            self.project,
            self.env,
            count(self.tasks.len(), "task", "tasks")
        );
        let _ = writeln!(s, "summary: {}", self.summary());
        if let Some(p) = &self.partial {
            let _ = write!(
                s,
                "partial run: {} selects {} of {} nodes",
                p.filter.to_options(),
                p.selected,
                p.of
            );
            for c in &p.completed {
                let added: Vec<String> = c.added.iter().map(|n| format!("`{n}`")).collect();
                let _ = write!(
                    s,
                    "; the filter cuts fused group `{}`, planned whole (adds {})",
                    c.group,
                    added.join(", ")
                );
            }
            s.push('\n');
        }
        for i in &self.init_tasks {
            let _ = writeln!(
                s,
                "init {} (template `{}`) outputs: {}",
                i.name,
                i.template,
                i.outputs.join(", ")
            );
        }
        for t in &self.tasks {
            let r = &t.resources;
            let _ = writeln!(
                s,
                "task {} [{}] machine `{}` ({} GiB, {} cpu, {} gpu, {} GiB scratch), template `{}`",
                t.name,
                t.label(),
                t.machine_type,
                r.mem_gib,
                r.cpu,
                r.gpu,
                r.ephemeral_gib,
                t.template
            );
            let nodes: Vec<&str> = t.nodes.iter().map(kedro_graph::NodeName::as_str).collect();
            let _ = writeln!(s, "  nodes: {}", nodes.join(", "));
            if !t.on_oom.is_empty() {
                let rungs: Vec<String> = t
                    .on_oom
                    .iter()
                    .map(|r| {
                        let x = &r.resources;
                        format!(
                            "`{}` ({} GiB, {} cpu, {} gpu)",
                            r.machine_type, x.mem_gib, x.cpu, x.gpu
                        )
                    })
                    .collect();
                let _ = writeln!(s, "  on OOM: retried on {}", rungs.join(", then "));
            }
            if !t.memory_datasets.is_empty() {
                let m: Vec<&str> = t
                    .memory_datasets
                    .iter()
                    .map(kedro_graph::DatasetName::as_str)
                    .collect();
                let _ = writeln!(s, "  memory: {}", m.join(", "));
            }
            for e in self.edges.iter().filter(|e| e.to == t.name) {
                let _ = writeln!(s, "  after {} via {}", e.from, e.datasets.join(", "));
            }
        }
        for m in &self.merges {
            let _ = writeln!(
                s,
                "merged {} into the task of {} (memory dataset `{}`)",
                m.reader, m.writer, m.dataset
            );
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        s
    }

    /// A Mermaid flowchart (`flowchart TD`), edges labelled with their datasets.
    pub fn to_mermaid(&self) -> String {
        let mut s = String::from("flowchart TD\n");
        let _ = writeln!(s, "  %% {}", self.summary());
        for i in &self.init_tasks {
            let _ = writeln!(
                s,
                "  {}[[\"{}\"]]",
                i.name,
                esc_mermaid(i.template.as_str())
            );
        }
        for t in &self.tasks {
            let _ = writeln!(
                s,
                "  {}[\"{}\"]",
                t.name,
                esc_mermaid(&format!(
                    "{} ({})",
                    t.label(),
                    count(t.nodes.len(), "node", "nodes")
                ))
            );
        }
        for e in &self.edges {
            let _ = writeln!(
                s,
                "  {} -->|\"{}\"| {}",
                e.from,
                esc_mermaid(&e.datasets.join(", ")),
                e.to
            );
        }
        s
    }

    /// A Graphviz digraph, edges labelled with their datasets.
    pub fn to_dot(&self) -> String {
        let mut s = format!("// {}\n", self.summary());
        s.push_str("digraph plan {\n  rankdir=TB;\n  node [shape=box];\n");
        for i in &self.init_tasks {
            let _ = writeln!(
                s,
                "  \"{}\" [label=\"{}\", shape=component];",
                i.name,
                esc(i.template.as_str())
            );
        }
        for t in &self.tasks {
            let _ = writeln!(
                s,
                "  \"{}\" [label=\"{}\\n{}, {}\"];",
                t.name,
                esc(&t.label()),
                count(t.nodes.len(), "node", "nodes"),
                esc(t.machine_type.as_str())
            );
        }
        for e in &self.edges {
            let _ = writeln!(
                s,
                "  \"{}\" -> \"{}\" [label=\"{}\"];",
                e.from,
                e.to,
                esc(&e.datasets.join(", "))
            );
        }
        s.push_str("}\n");
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Escapes `"` and `\` for quoted dot labels.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Escapes `"` for quoted Mermaid labels (Mermaid's entity syntax).
fn esc_mermaid(s: &str) -> String {
    s.replace('"', "#quot;")
}

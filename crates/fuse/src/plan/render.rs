//! Renderings of a plan: text, Mermaid and Graphviz dot.

use std::fmt::Write as _;

use super::Plan;

impl Plan {
    /// A human-readable listing: tasks with their nodes, resources, memory datasets and
    /// dependencies (with the datasets that make them).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "pipeline `{}` of `{}` (env `{}`): {} task(s)",
            self.pipeline,
            self.project,
            self.env,
            self.tasks.len()
        );
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
            let into: Vec<&str> = m.into.iter().map(super::Origin::name).collect();
            let merged: Vec<&str> = m.merged.iter().map(super::Origin::name).collect();
            let _ = writeln!(
                s,
                "merged {} into {} (memory dataset `{}`)",
                merged.join("+"),
                into.join("+"),
                m.dataset
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
                esc_mermaid(&format!("{} ({} nodes)", t.label(), t.nodes.len()))
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
        let mut s = String::from("digraph plan {\n  rankdir=TB;\n  node [shape=box];\n");
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
                "  \"{}\" [label=\"{}\\n{} node(s), {}\"];",
                t.name,
                esc(&t.label()),
                t.nodes.len(),
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

/// Escapes `"` and `\` for quoted dot labels.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Escapes `"` for quoted Mermaid labels (Mermaid's entity syntax).
fn esc_mermaid(s: &str) -> String {
    s.replace('"', "#quot;")
}

#![allow(
    clippy::many_single_char_names,
    reason = "short names read better in graph tests"
)]

use proptest::prelude::*;

use super::*;
use crate::names::NodeName;
use crate::strategies::{self, DagParams};

fn node(name: &str, inputs: &[&str], outputs: &[&str]) -> Node {
    let names = |list: &[&str]| -> Vec<DatasetName> {
        list.iter()
            .map(|n| DatasetName::new(*n).expect("valid dataset"))
            .collect()
    };
    Node {
        name: NodeName::new(name).expect("valid node"),
        namespace: None,
        func: format!("m.{name}"),
        inputs: names(inputs),
        outputs: names(outputs),
        tags: Vec::new(),
        machine_type: None,
        template: None,
        group: None,
    }
}

fn in_group(mut node: Node, group: &str) -> Node {
    node.group = Some(GroupName::new(group).expect("valid group"));
    node
}

fn group(name: &str) -> Group {
    Group {
        name: GroupName::new(name).expect("valid group"),
        machine_type: None,
        template: None,
        tags: Vec::new(),
    }
}

fn pipeline(nodes: Vec<Node>) -> Pipeline {
    Pipeline {
        name: PipelineName::new("p").expect("valid"),
        nodes,
        groups: Vec::new(),
    }
}

fn names<'a>(graph: &PipelineGraph<'a>, nodes: &[NodeIndex]) -> Vec<&'a str> {
    nodes.iter().map(|&n| graph.node(n).name.as_str()).collect()
}

fn dataset_names<'a>(graph: &PipelineGraph<'a>, ids: &[DatasetId]) -> Vec<&'a str> {
    ids.iter().map(|&d| graph.dataset(d).name()).collect()
}

#[test]
fn chain_with_transcoding_and_parameters() {
    let p = pipeline(vec![
        node("c", &["y", "params:k"], &["z"]),
        node("b", &["x@spark", "parameters"], &["y"]),
        node("a", &["raw", "params:k"], &["x@pandas", "side"]),
    ]);
    let g = p.graph().expect("valid");
    let (a, b, c) = (NodeIndex::new(2), NodeIndex::new(1), NodeIndex::new(0));
    assert_eq!(g.node_index("a"), Some(a));
    assert_eq!(g.node_index("nope"), None);
    assert_eq!(g.topo_order(), &[a, b, c]);
    assert!(g.is_topological_order(g.topo_order()));
    assert_eq!(g.producer("x"), Some(a));
    assert_eq!(g.producer("x@spark"), Some(a));
    assert_eq!(g.producer("raw"), None);
    assert_eq!(g.consumers("x@pandas"), &[b]);
    assert_eq!(g.consumers("params:k"), &[c, a]);
    assert!(g.consumers("unknown").is_empty());
    assert_eq!(g.successors(a).collect::<Vec<_>>(), [b]);
    assert_eq!(g.predecessors(c).collect::<Vec<_>>(), [b]);
    assert_eq!(g.graph().edge_count(), 2);
    let x = g.dataset_id("x@whatever").expect("x");
    assert_eq!(g.edge_datasets(a, b), Some(&[x][..]));
    assert_eq!(g.edge_datasets(b, a), None);
    let variants: Vec<&str> = g.dataset(x).variants().iter().map(|v| v.as_str()).collect();
    assert_eq!(variants, ["x@spark", "x@pandas"]);
    assert_eq!(dataset_names(&g, g.free_inputs()), ["raw"]);
    assert_eq!(dataset_names(&g, g.final_outputs()), ["side", "z"]);
    assert_eq!(
        dataset_names(&g, g.parameter_inputs()),
        ["parameters", "params:k"]
    );
    assert_eq!(dataset_names(&g, g.node_inputs(b)), ["x", "parameters"]);
    assert_eq!(dataset_names(&g, g.node_outputs(a)), ["x", "side"]);
    assert_eq!(g.dataset_count(), 7);
    assert_eq!(g.datasets().len(), 7);
    assert_eq!(g.nodes().len(), 3);
    assert_eq!(g.name(), "p");
}

#[test]
fn ir_order_is_kept_when_it_is_topological() {
    let p = pipeline(vec![
        node("s1", &["raw"], &["a"]),
        node("s2", &["raw"], &["b"]),
        node("j", &["a", "b"], &["c"]),
        node("s0", &[], &["d"]),
    ]);
    let g = p.graph().expect("valid");
    assert_eq!(names(&g, g.topo_order()), ["s1", "s2", "j", "s0"]);
}

#[test]
fn one_edge_per_pair_and_repeated_inputs() {
    let p = pipeline(vec![
        node("a", &[], &["x", "y"]),
        node("b", &["y", "x", "x@t"], &[]),
    ]);
    let g = p.graph().expect("valid");
    let (a, b) = (NodeIndex::new(0), NodeIndex::new(1));
    assert_eq!(g.graph().edge_count(), 1);
    let shared = dataset_names(&g, g.edge_datasets(a, b).expect("edge"));
    assert_eq!(shared, ["x", "y"]);
    assert_eq!(g.edges().count(), 1);
    assert_eq!(g.consumers("x"), &[b]);
    assert_eq!(dataset_names(&g, g.node_inputs(b)), ["y", "x"]);
}

#[test]
fn duplicate_node() {
    let p = pipeline(vec![node("a", &[], &["x"]), node("a", &[], &["y"])]);
    let err = p.graph().expect_err("duplicate");
    assert!(
        matches!(&err, GraphError::DuplicateNode { node, .. } if node == "a"),
        "{err:?}"
    );
    assert_eq!(err.pipeline(), "p");
}

#[test]
fn duplicate_producer_names_both_nodes() {
    let p = pipeline(vec![
        node("a", &[], &["x@pandas"]),
        node("b", &["x@pandas"], &["y"]),
        node("c", &[], &["x@spark"]),
    ]);
    match p.graph() {
        Err(GraphError::DuplicateProducer {
            dataset,
            first,
            second,
            ..
        }) => {
            assert_eq!(
                (dataset.as_str(), first.as_str(), second.as_str()),
                ("x", "a", "c")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_output_of_one_node() {
    let p = pipeline(vec![node("a", &[], &["x@pandas", "x@spark"])]);
    assert!(matches!(
        p.graph(),
        Err(GraphError::DuplicateOutput { node, dataset, .. }) if node == "a" && dataset == "x"
    ));
}

#[test]
fn parameter_output() {
    let p = pipeline(vec![node("a", &[], &["params:x"])]);
    assert!(matches!(
        p.graph(),
        Err(GraphError::ParameterOutput { dataset, .. }) if dataset == "params:x"
    ));
    let p = pipeline(vec![node("a", &[], &["parameters"])]);
    assert!(matches!(p.graph(), Err(GraphError::ParameterOutput { .. })));
}

#[test]
fn groups_and_members() {
    let mut p = pipeline(vec![
        in_group(node("a", &[], &["x"]), "g"),
        node("b", &["x"], &["y"]),
        in_group(node("c", &["y"], &["z"]), "g"),
    ]);
    p.groups = vec![group("empty"), group("g")];
    let g = p.graph().expect("valid");
    assert_eq!(g.group_count(), 2);
    let id = g.group_id("g").expect("declared");
    assert_eq!(id.index(), 1);
    assert_eq!(g.group(id).name(), "g");
    assert_eq!(names(&g, g.group(id).members()), ["a", "c"]);
    assert!(
        g.group(g.group_id("empty").expect("declared"))
            .members()
            .is_empty()
    );
    assert_eq!(g.group_of(NodeIndex::new(0)), Some(id));
    assert_eq!(g.group_of(NodeIndex::new(1)), None);
    assert_eq!(g.groups().len(), 2);
    assert_eq!(g.group_id("nope"), None);
}

#[test]
fn unknown_group() {
    let mut p = pipeline(vec![in_group(node("a", &[], &["x"]), "ghost")]);
    p.groups = vec![group("g")];
    match p.graph() {
        Err(GraphError::UnknownGroup { node, group, .. }) => {
            assert_eq!((node.as_str(), group.as_str()), ("a", "ghost"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_group() {
    let mut p = pipeline(vec![]);
    p.groups = vec![group("g"), group("g")];
    assert!(matches!(p.graph(), Err(GraphError::DuplicateGroup { group, .. }) if group == "g"));
}

#[test]
fn cycle_reports_its_path() {
    let p = pipeline(vec![
        node("head", &["raw"], &["h"]),
        node("tail", &["c1"], &["t"]),
        node("c2", &["c1@spark", "h"], &["c2"]),
        node("c1", &["c3"], &["c1@pandas"]),
        node("c3", &["c2"], &["c3"]),
    ]);
    match p.graph() {
        Err(err @ GraphError::Cycle { .. }) => {
            let GraphError::Cycle { cycle, .. } = &err else {
                unreachable!()
            };
            let nodes: Vec<&str> = cycle.nodes().map(NodeName::as_str).collect();
            assert_eq!(nodes, ["c2", "c3", "c1"]);
            let datasets: Vec<&str> = cycle.steps().iter().map(|s| s.dataset.as_str()).collect();
            assert_eq!(datasets, ["c2", "c3", "c1"]);
            assert_eq!(
                err.to_string(),
                "pipeline `p` has a dependency cycle: c2 -[c2]-> c3 -[c3]-> c1 -[c1]-> c2"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn self_cycle() {
    let p = pipeline(vec![node("a", &["x@spark"], &["x@pandas"])]);
    match p.graph() {
        Err(GraphError::Cycle { cycle, .. }) => assert_eq!(cycle.to_string(), "a -[x]-> a"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn is_topological_order_rejects_bad_orders() {
    let p = pipeline(vec![node("a", &[], &["x"]), node("b", &["x"], &[])]);
    let g = p.graph().expect("valid");
    let (a, b) = (NodeIndex::new(0), NodeIndex::new(1));
    assert!(g.is_topological_order(&[a, b]));
    assert!(!g.is_topological_order(&[b, a]));
    assert!(!g.is_topological_order(&[a]));
    assert!(!g.is_topological_order(&[a, a]));
    assert!(!g.is_topological_order(&[a, NodeIndex::new(7)]));
}

#[test]
fn empty_pipeline() {
    let p = pipeline(vec![]);
    let g = p.graph().expect("valid");
    assert!(g.topo_order().is_empty());
    assert_eq!(g.dataset_count(), 0);
}

#[test]
fn twenty_thousand_nodes() {
    let p = strategies::layered_pipeline(200, 100, 4, 42);
    assert_eq!(p.nodes.len(), 20_000);
    let g = p.graph().expect("valid");
    assert_eq!(g.node_count(), 20_000);
    assert_eq!(g.topo_order().len(), 20_000);
    assert!(g.is_topological_order(g.topo_order()));
    // Generated in layer order, so the IR order is itself topological and is kept.
    assert!(
        g.topo_order()
            .iter()
            .enumerate()
            .all(|(i, n)| n.index() == i)
    );
    assert!(g.graph().edge_count() > 20_000);
    for (index, _) in g.nodes() {
        for &input in g.node_inputs(index) {
            if let Some(producer) = g.dataset(input).producer() {
                assert!(producer.index() < index.index());
                assert!(g.dataset(input).consumers().contains(&index));
            }
        }
    }
    assert!(g.groups().all(|(_, group)| !group.members().is_empty()));
}

#[test]
fn reversed_large_pipeline_is_reordered() {
    let mut p = strategies::layered_pipeline(50, 40, 3, 9);
    p.nodes.reverse();
    let g = p.graph().expect("valid");
    assert!(g.is_topological_order(g.topo_order()));
}

proptest! {
    #[test]
    fn topo_order_respects_every_edge(p in strategies::pipeline(DagParams::default().groups(3))) {
        let g = p.graph().expect("generated pipelines are valid");
        prop_assert!(g.is_topological_order(g.topo_order()));
        for (from, to, datasets) in g.edges() {
            let position = |n: NodeIndex| g.topo_order().iter().position(|&m| m == n);
            prop_assert!(position(from) < position(to));
            for &d in datasets {
                prop_assert_eq!(g.dataset(d).producer(), Some(from));
                prop_assert!(g.dataset(d).consumers().contains(&to));
                prop_assert!(!g.dataset(d).is_parameter());
            }
        }
        let members: usize = g.groups().map(|(_, group)| group.members().len()).sum();
        prop_assert_eq!(members, p.nodes.iter().filter(|n| n.group.is_some()).count());
    }

    #[test]
    fn shuffled_pipelines_still_order(
        p in strategies::pipeline(DagParams::default()),
        seed in any::<u64>(),
    ) {
        let mut shuffled = p.clone();
        let len = shuffled.nodes.len();
        let mut state = seed;
        for i in (1..len).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let j = usize::try_from(state >> 33).unwrap_or(0) % (i + 1);
            shuffled.nodes.swap(i, j);
        }
        let g = shuffled.graph().expect("valid");
        prop_assert!(g.is_topological_order(g.topo_order()));
        let original = p.graph().expect("valid");
        prop_assert_eq!(g.graph().edge_count(), original.graph().edge_count());
    }

    #[test]
    fn generated_projects_round_trip(project in strategies::project(DagParams::default().groups(2))) {
        let json = serde_json::to_string(&project).expect("serialize");
        let back = crate::Project::from_json(&json).expect("parse");
        prop_assert_eq!(back, project);
    }
}

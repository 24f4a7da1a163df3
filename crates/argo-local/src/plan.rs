//! [`Plan`]: a workflow checked and flattened into tasks, ready to run.

use std::collections::{BTreeMap, HashMap};

use argo_model::{Template, Workflow};

use crate::depends::Expr;
use crate::error::{Error, Result};
use crate::flatten::{Builder, topo_leaves};
use crate::globals::globals;
use crate::retry::Strategy;
use crate::{RunOptions, TaskName, Warning, WarningKind, check};

/// How the tasks of a scope are scheduled.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A DAG: tasks start when their gates allow; judged by `assessDAGPhase`.
    Dag {
        /// `dag.failFast` (default true).
        fail_fast: bool,
        /// Target tasks (`dag.target`, else the tasks nothing depends on), sorted as upstream.
        targets: Vec<usize>,
        /// Tasks that may run at all: the targets and their ancestors.
        reachable: std::collections::HashSet<usize>,
    },
    /// Steps: groups run one after the other, the steps of a group in parallel.
    Steps {
        /// Node indices per group.
        groups: Vec<Vec<usize>>,
    },
}

/// One DAG or steps instance: the entrypoint's, or that of a task whose template is a DAG or
/// steps template.
#[derive(Debug)]
pub(crate) struct Scope {
    /// Template index.
    pub(crate) template: usize,
    /// Its tasks (node indices).
    pub(crate) children: Vec<usize>,
    /// The nested task that opens it (`None` for the entrypoint).
    pub(crate) owner: Option<usize>,
    pub(crate) kind: Kind,
}

/// `continueOn` of a task or step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ContinueOn {
    pub(crate) failed: bool,
    pub(crate) error: bool,
}

impl ContinueOn {
    /// `ContinuesOn(phase)`: whether a `Failed`/`Errored` task lets its DAG or step group go on.
    pub(crate) fn continues(self, status: crate::TaskStatus) -> bool {
        match status {
            crate::TaskStatus::Failed => self.failed,
            crate::TaskStatus::Errored => self.error,
            _ => false,
        }
    }
}

/// A task of some DAG or step of some steps template: a leaf (container or script template)
/// or a nested DAG or steps template.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) name: TaskName,
    /// The scope it belongs to.
    pub(crate) scope: usize,
    /// Template index.
    pub(crate) template: usize,
    /// Argument parameters (name, unrendered value).
    pub(crate) arguments: Vec<(String, String)>,
    /// When it may run, over sibling node indices (DAG tasks).
    pub(crate) gate: Option<Expr<usize>>,
    /// Its step group (steps), else 0.
    pub(crate) group: usize,
    pub(crate) continue_on: ContinueOn,
    /// The scope it opens, for a nested DAG or steps template.
    pub(crate) inner: Option<usize>,
    pub(crate) kedro_nodes: Vec<String>,
    /// Its stdout is referenced as `outputs.result` (upstream's `includeScriptOutput`).
    pub(crate) capture_result: bool,
    /// Its `when` condition, unsubstituted.
    pub(crate) when: Option<String>,
}

/// A workflow checked and flattened into tasks: every error that can be found without running
/// anything has been found. Build with [`Plan::new`], run with [`Plan::run`](Plan::run).
///
/// ```
/// use argo_local::{Plan, RunOptions};
/// use argo_model::Document;
///
/// let yaml = r#"
/// apiVersion: argoproj.io/v1alpha1
/// kind: Workflow
/// metadata: {name: hello}
/// spec:
///   entrypoint: main
///   templates:
///   - name: main
///     dag:
///       tasks:
///       - {name: a, template: say}
///       - {name: b, template: say, dependencies: [a]}
///   - name: say
///     container: {image: busybox, command: [sh, -c, "echo hi"]}
/// "#;
/// let Document::Workflow(wf) = Document::from_yaml_str(yaml)?.remove(0) else { unreachable!() };
/// let run_dir = tempfile::tempdir()?;
/// let plan = Plan::new(&wf, RunOptions::new(".", run_dir.path()))?;
/// assert_eq!(plan.task_names().map(|t| t.as_str()).collect::<Vec<_>>(), ["a", "b"]);
/// let report = plan.run(&mut |event: &argo_local::Event| eprintln!("{event:?}"))?;
/// assert!(report.is_success());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Plan {
    pub(crate) options: RunOptions,
    pub(crate) workflow_name: String,
    /// `{{workflow.*}}` values (without the `workflow.` prefix for parameters: see `globals`).
    pub(crate) globals: BTreeMap<String, String>,
    pub(crate) templates: Vec<Template>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) nodes: Vec<Node>,
    /// Leaf node indices in a topological order.
    pub(crate) order: Vec<usize>,
    /// Each node's position in `order` (`usize::MAX` for nested templates).
    pub(crate) rank: Vec<usize>,
    /// Resolved secret env values per template index (env var name -> value).
    pub(crate) secrets: HashMap<usize, BTreeMap<String, String>>,
    /// The checked `retryStrategy` per leaf template index that has one.
    pub(crate) strategies: HashMap<usize, Strategy>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) jobs: usize,
}

impl Plan {
    /// Checks `workflow` and flattens its DAG. Fails on anything that cannot run locally
    /// (unsupported templates, unresolvable variables, missing secrets, ...); collects what can
    /// be left out as [`warnings`](Plan::warnings) (refused instead with `options.strict`).
    pub fn new(workflow: &Workflow, options: RunOptions) -> Result<Self> {
        let spec = &workflow.spec;
        let entry = spec.entrypoint.clone().ok_or(Error::NoEntrypoint)?;
        let mut templates = spec.templates.clone();
        let mut by_name: HashMap<String, usize> = templates
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        let entry_idx = *by_name.get(&entry).ok_or_else(|| Error::UnknownTemplate {
            template: entry.clone(),
            used_by: "the entrypoint".into(),
        })?;

        let workflow_name = options.workflow_name.clone().unwrap_or_else(|| {
            let meta = &workflow.metadata;
            meta.name
                .clone()
                .unwrap_or_else(|| format!("{}local", meta.generate_name.as_deref().unwrap_or("")))
        });
        let globals = globals(workflow, &options, &workflow_name, &entry)?;

        let mut b = Builder {
            globals: &globals,
            templates: &mut templates,
            by_name: &mut by_name,
            scopes: Vec::new(),
            nodes: Vec::new(),
        };
        b.scopes.push(Scope {
            template: entry_idx,
            children: Vec::new(),
            owner: None,
            kind: Kind::Dag {
                fail_fast: true,
                targets: vec![0],
                reachable: std::iter::once(0).collect(),
            },
        });
        if kind(&b.templates[entry_idx])? {
            b.expand(0, None, &mut vec![entry_idx])?;
        } else {
            leaf_entry(&mut b, &entry, entry_idx, &globals)?;
        }
        let (scopes, nodes) = (b.scopes, b.nodes);

        let mut order = Vec::new();
        topo_leaves(&scopes, &nodes, 0, &mut order);
        let mut rank = vec![usize::MAX; nodes.len()];
        for (i, &n) in order.iter().enumerate() {
            rank[n] = i;
        }
        let mut plan = Self {
            jobs: match spec.parallelism {
                Some(p) if p > 0 => options
                    .jobs
                    .get()
                    .min(usize::try_from(p).unwrap_or(usize::MAX)),
                _ => options.jobs.get(),
            },
            options,
            workflow_name,
            globals,
            templates,
            scopes,
            nodes,
            order,
            rank,
            secrets: HashMap::new(),
            strategies: HashMap::new(),
            warnings: Vec::new(),
        };
        check::check(&mut plan, workflow)?;
        if plan.options.strict && !plan.warnings.is_empty() {
            return Err(Error::Strict {
                warnings: plan.warnings,
            });
        }
        Ok(plan)
    }

    /// What cannot run locally and is left out.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// `{{workflow.name}}` of the run.
    pub fn workflow_name(&self) -> &str {
        &self.workflow_name
    }

    /// The value of the global variable `tag` in this run (for example `workflow.uid` or
    /// `workflow.creationTimestamp`), as the templates' `{{tag}}` read it.
    pub fn global(&self, tag: &str) -> Option<&str> {
        self.globals.get(tag).map(String::as_str)
    }

    /// The options the plan runs with.
    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// The tasks that run a process, in a topological order (the order of
    /// [`RunReport::tasks`](crate::RunReport::tasks)).
    pub fn task_names(&self) -> impl Iterator<Item = &TaskName> {
        self.order.iter().map(|&i| &self.nodes[i].name)
    }

    /// The Kedro nodes of task `task` (its `kedro_nodes` argument), if it is a task of the plan.
    pub fn kedro_nodes(&self, task: &str) -> Option<&[String]> {
        self.nodes
            .iter()
            .find(|n| n.name.as_str() == task)
            .map(|n| n.kedro_nodes.as_slice())
    }

    pub(crate) fn is_scope(&self, template: usize) -> bool {
        let t = &self.templates[template];
        t.dag.is_some() || !t.steps.is_empty()
    }
}

/// A single leaf entrypoint: one task named after its template, its inputs from the workflow
/// parameters of the same name.
fn leaf_entry(
    b: &mut Builder<'_>,
    entry: &str,
    entry_idx: usize,
    globals: &BTreeMap<String, String>,
) -> Result<()> {
    // A single leaf entrypoint: one task named after its template.
    let name: TaskName = entry.parse().map_err(|source| Error::InvalidTaskName {
        template: entry.to_owned(),
        source,
    })?;
    let arguments = b.templates[entry_idx]
        .inputs
        .iter()
        .flat_map(|i| &i.parameters)
        .filter(|p| globals.contains_key(&format!("workflow.parameters.{}", p.name)))
        .map(|p| {
            (
                p.name.clone(),
                format!("{{{{workflow.parameters.{}}}}}", p.name),
            )
        })
        .collect();
    b.nodes.push(Node {
        name,
        scope: 0,
        template: entry_idx,
        arguments,
        gate: None,
        group: 0,
        continue_on: ContinueOn::default(),
        inner: None,
        kedro_nodes: Vec::new(),
        capture_result: false,
        when: None,
    });
    b.scopes[0].children.push(0);

    Ok(())
}

/// What a template is, for the runner: a leaf (`false`), or a DAG or steps template (`true`).
pub(crate) fn kind(t: &Template) -> Result<bool> {
    let unsupported = |feature| {
        Err(Error::UnsupportedTemplate {
            template: t.name.clone(),
            feature,
        })
    };
    if t.dag.is_some() || !t.steps.is_empty() {
        return Ok(true);
    }
    if t.container_set.is_some() {
        return unsupported("containerSet templates");
    }
    if t.resource.is_some() {
        return unsupported("resource templates");
    }
    if t.suspend.is_some() {
        return unsupported("suspend templates");
    }
    if t.http.is_some() || t.plugin.is_some() || t.data.is_some() {
        return unsupported("http, plugin and data templates");
    }
    match (&t.container, &t.script) {
        (Some(c), None) if c.command.as_ref().is_some_and(|c| !c.is_empty()) => Ok(false),
        (None, Some(s)) if !s.command.is_empty() => Ok(false),
        (None, None) => unsupported("templates without container, script or dag"),
        _ => Err(Error::NoCommand {
            template: t.name.clone(),
        }),
    }
}

/// Adds `kind` for `template` to `warnings` unless already there.
pub(crate) fn warn(warnings: &mut Vec<Warning>, template: Option<&str>, kind: WarningKind) {
    let w = Warning {
        template: template.map(str::to_owned),
        kind,
    };
    if !warnings.contains(&w) {
        warnings.push(w);
    }
}

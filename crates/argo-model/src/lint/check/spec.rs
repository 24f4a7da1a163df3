//! `Workflow`, `WorkflowTemplate`, `ClusterWorkflowTemplate` (validate.go): the walk over a
//! workflow spec's templates, from the entrypoint, then the exit handler, then every template.

use super::documents::{Kind, MetaKeys, TemplateSet};
use super::holder::{self, Args, Holder, Site, TemplateRefOf};
use super::scope::Globals;
use super::template::{keys, pod_resources_error};
use super::workflow::{executor_plugins, globals, hooks, merged_arguments, pod_gc};
use super::{Anchor, Base, Ctx, FxHashSet, Opts, Rule, args, index};
use crate::lint::{Finding, names};
use crate::{Arguments, JsonPath, WorkflowSpec, WorkflowTemplateRef};

/// What the walk over a workflow spec needs.
struct Walk<'a, 'w> {
    spec: &'a WorkflowSpec,
    spec_path: &'w JsonPath,
    anchor: Anchor,
    wft: Option<&'a WorkflowTemplateRef>,
    stored: Option<Base<'a>>,
    local: Base<'a>,
}

impl<'a> Walk<'a, '_> {
    /// Validates the template named `name` (in the spec or its `WorkflowTemplate`), called from
    /// the spec's field `field`.
    fn call(&self, ctx: &mut Ctx<'a>, name: &'a str, field: &'static str, args: Args<'a>) {
        let call = |p: &JsonPath| p.key(field);
        let site = Site {
            anchor: &self.anchor,
            call: &call,
            node: false,
        };
        holder::validate(
            ctx,
            holder_of(self.wft, name),
            self.local,
            self.spec_path,
            args,
            &site,
        );
    }
}

/// `Workflow` (also behind `WorkflowTemplate`, `ClusterWorkflowTemplate`, `CronWorkflow`): the
/// checks of a workflow spec at `spec_path`, appended to `out`.
pub(crate) fn document(
    kind: Kind,
    meta: &MetaKeys<'_>,
    spec: &WorkflowSpec,
    spec_path: &JsonPath,
    templates: &TemplateSet<'_>,
    out: &mut Vec<Finding>,
) {
    let template_validation =
        matches!(kind, Kind::WorkflowTemplate | Kind::ClusterWorkflowTemplate);
    let opts = Opts {
        lint: !matches!(kind, Kind::CronWorkflow | Kind::SubmittedWorkflow),
        template_validation,
    };
    let local_index = index(spec);
    let wft = spec.workflow_template_ref.as_ref();
    let w = Walk {
        spec,
        spec_path,
        anchor: Anchor::Local(spec_path.clone()),
        wft,
        stored: wft.and_then(|r| templates.get(r.cluster_scope == Some(true), &r.name)),
        local: Base {
            spec,
            index: &local_index,
            stored: None,
        },
    };
    let mut ctx = Ctx {
        opts,
        globals: Globals::default(),
        done: FxHashSet::default(),
        templates,
        out: Vec::new(),
    };
    if wft.is_some() && !spec.templates.is_empty() {
        ctx.error_at(&spec_path.key("templates"), Rule::WorkflowTemplateRef, "Templates is invalid field in spec if workflow referred WorkflowTemplate reference; remove spec.templates or the workflowTemplateRef");
    }
    let list = spec.templates.iter().map(|t| t.name.as_str());
    for (i, rule, msg) in names::field_names(list, names::NameKind::Field) {
        ctx.error_at(
            &spec_path.key("templates").index(i).key("name"),
            rule,
            format!("spec.templates{msg}"),
        );
    }
    executor_plugins(&mut ctx, spec, spec_path);
    let merged = merged_arguments(spec, w.stored);
    args::validate(
        &mut ctx,
        &w.anchor,
        &|p| p.key("arguments"),
        &|| "spec.arguments.".to_owned(),
        merged.as_ref(),
        opts.lint || opts.template_validation,
    );
    globals(&mut ctx.globals, meta, spec, merged.as_ref(), w.stored);
    entrypoint(&mut ctx, &w, merged.as_ref());
    exit_handler(&mut ctx, &w);
    hooks(
        &mut ctx,
        &w.anchor,
        &spec.hooks,
        &|p| p.key("hooks"),
        "hooks",
    );
    pod_gc(&mut ctx, spec, spec_path);
    if let Some((sub, msg)) = spec.pod_resources.as_ref().and_then(pod_resources_error) {
        ctx.error_at(
            &keys(spec_path.key("podResources"), &sub),
            Rule::PodResources,
            format!("spec.podResources{msg}"),
        );
    }
    // Every template, with arguments that supply every input.
    if let Some(s) = w.stored {
        for t in &s.spec.templates {
            w.call(&mut ctx, &t.name, "workflowTemplateRef", Args::Fake);
        }
    } else if wft.is_none() {
        for (i, t) in spec.templates.iter().enumerate() {
            let call = move |p: &JsonPath| p.key("templates").index(i);
            let site = Site {
                anchor: &w.anchor,
                call: &call,
                node: false,
            };
            let holder = Holder {
                name: Some(&t.name),
                ..Holder::default()
            };
            holder::validate(&mut ctx, holder, w.local, spec_path, Args::Fake, &site);
        }
    }
    out.append(&mut ctx.out);
}

/// The entrypoint (the spec's, else its `WorkflowTemplate`'s), validated with the workflow's
/// arguments (a `WorkflowTemplate`'s: with arguments that supply every input).
fn entrypoint<'a>(ctx: &mut Ctx<'a>, w: &Walk<'a, '_>, merged: Option<&'a Arguments>) {
    let own = w.spec.entrypoint.as_deref().filter(|e| !e.is_empty());
    let theirs = w
        .stored
        .and_then(|s| s.spec.entrypoint.as_deref())
        .filter(|e| !e.is_empty());
    // `IgnoreEntrypoint`: a WorkflowTemplate without one.
    if ctx.opts.template_validation && own.is_none() {
        return;
    }
    match own.or(theirs) {
        Some(e) => {
            let args = if ctx.opts.template_validation {
                Args::Fake
            } else {
                Args::Actual(merged)
            };
            w.call(ctx, e, "entrypoint", args);
        }
        // With a WorkflowTemplate in the cluster, its entrypoint is not known.
        None if w.wft.is_none() || w.stored.is_some() => {
            ctx.error_at(
                &w.spec_path.key("entrypoint"),
                Rule::MissingEntrypoint,
                "spec.entrypoint is required; set it to the name of the template to run first",
            );
        }
        None => {}
    }
}

/// The exit handler (the spec's, else its `WorkflowTemplate`'s), with `workflow.failures` and,
/// when a template exports an artifact under a parametrized `globalName`, any
/// `workflow.outputs.artifacts...`.
fn exit_handler<'a>(ctx: &mut Ctx<'a>, w: &Walk<'a, '_>) {
    let own = w.spec.on_exit.as_deref().filter(|e| !e.is_empty());
    let theirs = w
        .stored
        .and_then(|s| s.spec.on_exit.as_deref())
        .filter(|e| !e.is_empty());
    let Some(exit) = own.or(theirs) else { return };
    ctx.globals.add("workflow.failures");
    let parametrized = |s: &WorkflowSpec| {
        s.templates
            .iter()
            .flat_map(|t| t.outputs.iter().flat_map(|o| &o.artifacts))
            .any(|a| a.global_name.as_deref().is_some_and(names::is_parameter))
    };
    if parametrized(w.spec) || w.stored.is_some_and(|s| parametrized(s.spec)) {
        ctx.globals.any_output_artifact = true;
    }
    w.call(ctx, exit, "onExit", Args::Actual(w.spec.arguments.as_ref()));
}

/// The holder of a template named `name`: in the spec, or in its `WorkflowTemplate`.
fn holder_of<'h>(wft: Option<&'h WorkflowTemplateRef>, name: &'h str) -> Holder<'h> {
    match wft {
        Some(r) => Holder {
            tref: Some(TemplateRefOf {
                name: &r.name,
                template: name,
                cluster: r.cluster_scope == Some(true),
            }),
            ..Holder::default()
        },
        None => Holder {
            name: Some(name),
            ..Holder::default()
        },
    }
}

//! Argo's own test cases of retry, resubmit, node selectors and submit validation
//! (`workflow/util/util_test.go` at f016ad89), run against our port: one Rust test per upstream
//! test or subtest, named after it. The cases, their inputs and upstream's assertions are data in
//! `tests/fixtures/upstream/cases.yaml` (the format is described at its top); the manifests of
//! `util_test.go` are kept verbatim next to it. After upstream's assertions, each retry and
//! resubmit also pins its whole result (nodes, pods, labels, status) as an insta snapshot in
//! `tests/fixtures/upstream/expected/`; the clock is fixed at 2024-06-01T12:00:00Z and the
//! memoized suffix at `abcde`, so every time and name in them is deterministic.

mod expect;

use std::collections::BTreeMap;
use std::path::PathBuf;

use argo_client::{
    Identity, NodeSelector, ResubmitOptions, RetryOptions, plan_resubmit, plan_retry,
    validate_submit,
};
use argo_model::{NodeStatus, Workflow};
use expect::{check, nodes, summary};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upstream")
}

fn now() -> Time {
    Time("2024-06-01T12:00:00Z".parse().expect("time"))
}

const SUFFIX: &str = "abcde";

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("cases.yaml")).expect("read cases.yaml");
    let mut docs = argo_model::yaml_values(&text).expect("parse cases.yaml");
    match docs.remove(0) {
        Value::Array(cases) => cases,
        other => panic!("cases.yaml is not a list: {other}"),
    }
}

fn case(test: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["test"] == test)
        .unwrap_or_else(|| panic!("no case `{test}` in cases.yaml"))
}

/// A workflow as Go's `MustUnmarshalWorkflow` reads it: apiVersion and kind may be missing.
pub(crate) fn workflow_from(mut value: Value) -> Workflow {
    let obj = value.as_object_mut().expect("a workflow is a map");
    obj.entry("apiVersion")
        .or_insert_with(|| json!("argoproj.io/v1alpha1"));
    obj.entry("kind").or_insert_with(|| json!("Workflow"));
    serde_json::from_value(value).expect("the workflow fits argo-model's Workflow")
}

fn input(case: &Value) -> Workflow {
    if let Some(file) = case["fixture"].as_str() {
        let text = std::fs::read_to_string(dir().join(file)).expect("read fixture");
        let mut docs = argo_model::yaml_values(&text).expect("parse fixture");
        workflow_from(docs.remove(0))
    } else {
        workflow_from(case["workflow"].clone())
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("a string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// What a call gave: the new workflow and the pods to delete, or an error.
struct Outcome {
    workflow: Workflow,
    pods: Vec<String>,
    reset: Vec<String>,
    deleted: Vec<String>,
}

fn retry_options(spec: &Value) -> RetryOptions {
    let mut opts = RetryOptions::default().parameters(strings(&spec["parameters"]));
    let selector = spec["nodeFieldSelector"].as_str().unwrap_or_default();
    if spec["restartSuccessful"] == true {
        opts = opts.restart_successful(selector);
    } else {
        opts.node_field_selector = Some(selector.to_owned());
    }
    opts
}

fn call(case: &Value, wf: &Workflow) -> Result<Outcome, argo_client::RetryError> {
    if let Some(spec) = case.get("retry") {
        let plan = plan_retry(wf, &retry_options(spec), &now())?;
        return Ok(Outcome {
            workflow: plan.workflow,
            pods: plan
                .pods_to_delete
                .iter()
                .map(ToString::to_string)
                .collect(),
            reset: plan.reset_nodes.iter().map(ToString::to_string).collect(),
            deleted: plan.deleted_nodes.iter().map(ToString::to_string).collect(),
        });
    }
    let spec = &case["resubmit"];
    let identity = spec.get("identity").map(|i| {
        Identity::new(
            i["subject"].as_str().unwrap_or_default(),
            i["email"].as_str().unwrap_or_default(),
            i["preferredUsername"].as_str().unwrap_or_default(),
        )
    });
    let opts = ResubmitOptions::default()
        .memoized(spec["memoized"] == true)
        .parameters(strings(&spec["parameters"]))
        .identity(identity);
    let new = plan_resubmit(wf, &opts, SUFFIX, &now())?;
    Ok(Outcome {
        workflow: new,
        pods: Vec::new(),
        reset: Vec::new(),
        deleted: Vec::new(),
    })
}

fn snapshot_name(test: &str) -> String {
    test.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Runs the upstream case `test` of cases.yaml.
fn run(test: &str) {
    let case = case(test);
    let expect = &case["expect"];
    if let Some(sel) = case.get("selector") {
        let node: NodeStatus = serde_json::from_value(sel["node"].clone()).expect("node");
        let selector = NodeSelector::parse(sel["selector"].as_str().expect("selector"))
            .expect("upstream parses it");
        assert_eq!(
            Value::Bool(selector.matches(&node)),
            expect["matches"],
            "{test}"
        );
        return;
    }
    let wf = input(&case);
    if case.get("validate").is_some() {
        let result = validate_submit(&wf);
        assert_eq!(
            Value::Bool(result.is_ok()),
            expect["valid"],
            "{test}: {result:?}"
        );
        return;
    }
    let result = call(&case, &wf);
    if expect["error"] == true {
        assert!(result.is_err(), "{test}: expected an error");
        return;
    }
    let out = result.unwrap_or_else(|e| panic!("{test}: {e}"));
    check(test, &case, &wf, &out);
    insta::with_settings!({
        snapshot_path => dir().join("expected"),
        prepend_module_to_snapshot => false,
        description => test,
        omit_expression => true,
    }, {
        insta::assert_yaml_snapshot!(snapshot_name(test), summary(&out));
    });
}

macro_rules! upstream_tests {
    ($($name:ident => $test:literal,)*) => {
        $(
            #[doc = concat!("Argo's `", $test, "` (`workflow/util/util_test.go`).")]
            #[test]
            fn $name() {
                run($test);
            }
        )*
        /// The upstream cases that have a test here.
        const TESTS: &[&str] = &[$($test),*];
    };
}

upstream_tests! {
    test_resubmit_workflow_with_on_exit => "TestResubmitWorkflowWithOnExit",
    test_formulate_resubmit_workflow_labels => "TestFormulateResubmitWorkflow/Labels",
    test_formulate_resubmit_workflow_override_creator_labels => "TestFormulateResubmitWorkflow/OverrideCreatorLabels",
    test_formulate_resubmit_workflow_unlabel_creator_labels => "TestFormulateResubmitWorkflow/UnlabelCreatorLabels",
    test_formulate_resubmit_workflow_override_params => "TestFormulateResubmitWorkflow/OverrideParams",
    test_deep_delete_nodes => "TestDeepDeleteNodes",
    test_retry_exit_handler => "TestRetryExitHandler",
    test_formulate_retry_workflow_dag => "TestFormulateRetryWorkflow/DAG",
    test_formulate_retry_workflow_skipped_and_suspended_nodes => "TestFormulateRetryWorkflow/Skipped and Suspended Nodes",
    test_formulate_retry_workflow_nested_dag_with_non_group_node_selected => "TestFormulateRetryWorkflow/Nested DAG with Non-group Node Selected",
    test_formulate_retry_workflow_nested_dag_without_node_selected => "TestFormulateRetryWorkflow/Nested DAG without Node Selected",
    test_formulate_retry_workflow_override_params => "TestFormulateRetryWorkflow/OverrideParams",
    test_formulate_retry_workflow_override_params_submit_from_wf_tmpl => "TestFormulateRetryWorkflow/OverrideParamsSubmitFromWfTmpl",
    test_formulate_retry_workflow_fail_on_running_workflow => "TestFormulateRetryWorkflow/Fail on running workflow",
    test_formulate_retry_workflow_fail_on_pending_workflow => "TestFormulateRetryWorkflow/Fail on pending workflow",
    test_formulate_retry_workflow_fail_on_successful_workflow => "TestFormulateRetryWorkflow/Fail on successful workflow without restartSuccessful and nodeFieldSelector",
    test_formulate_retry_workflow_retry_successful_workflow => "TestFormulateRetryWorkflow/Retry successful workflow with restartSuccessful and nodeFieldSelector",
    test_formulate_retry_workflow_retry_continue_on_failed_workflow => "TestFormulateRetryWorkflow/Retry continue on failed workflow",
    test_formulate_retry_workflow_retry_continue_on_failed_workflow_with_selector => "TestFormulateRetryWorkflow/Retry continue on failed workflow with restartSuccessful and nodeFieldSelector",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_top_pod => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry top individual pod node",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_top_suspend => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry top individual suspend node",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_first_dag => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the starting on first DAG in one of the branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_second_dag => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the starting on second DAG in one of the branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_first_of_second_dag => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the first individual node (suspended node) connecting to the second DAG in one of the branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_second_of_second_dag => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the second individual node (pod node) connecting to the second DAG in one of the branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_third_of_second_dag => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the third individual node (pod node) connecting to the second DAG in one of the branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_last_of_second_dag => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the last individual node (suspend node) connecting to the second DAG in one of the branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_joining_node => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the node that connects the two branches",
    test_retry_workflow_with_nested_dags_with_suspend_nodes_failing_node => "TestRetryWorkflowWithNestedDAGsWithSuspendNodes/Retry the last node (failing node)",
    test_steps_retry_workflow => "TestStepsRetryWorkflow",
    test_dag_diamond_retry_workflow => "TestDAGDiamondRetryWorkflow",
    test_on_exit_workflow_retry => "TestOnExitWorkflowRetry",
    test_on_exit_workflow => "TestOnExitWorkflow",
    test_nested_dag => "TestNestedDAG",
    test_regressions_exit_handler => "TestRegressions/exit handler",
    test_formulate_retry_workflow_with_params => "TestFormulateRetryWorkflowWithParams",
    test_formulate_retry_workflow_with_param_override => "TestFormulateRetryWorkflowWithParamOverride",
    test_formulate_retry_workflow_deterministic_reset => "TestFormulateRetryWorkflowDeterministicReset",
    test_selector_matches_node_id_found => "TestSelectorMatchesNode/idFound",
    test_selector_matches_node_id_not_found => "TestSelectorMatchesNode/idNotFound",
    test_selector_matches_node_name_found => "TestSelectorMatchesNode/nameFound",
    test_selector_matches_node_phase_found => "TestSelectorMatchesNode/phaseFound",
    test_selector_matches_node_random_not_found => "TestSelectorMatchesNode/randomNotFound",
    test_selector_matches_node_template_found => "TestSelectorMatchesNode/templateFound",
    test_selector_matches_node_input_found => "TestSelectorMatchesNode/inputFound",
    test_submit_dry_run => "TestSubmitDryRun",
}

#[test]
fn every_upstream_case_has_a_test() {
    let listed: Vec<String> = cases()
        .iter()
        .map(|c| c["test"].as_str().expect("test").to_owned())
        .collect();
    let tested: Vec<String> = TESTS.iter().map(|t| (*t).to_owned()).collect();
    assert_eq!(listed, tested);
}

/// Beyond upstream's cases: a `withParam` fan-out over a sub-DAG whose pod failed in one
/// iteration, retried without options. The new `status.nodes` must be exactly what
/// `FormulateRetryWorkflow` gives, traced by hand in `withparam-subdag-failed.retried-nodes.yaml`:
/// the `TaskGroup` of the fan-out is reset with the iteration's DAG and the root (the
/// `StepGroup`/`TaskGroup` step of `resetBoundaries`), else the controller never re-runs it.
#[test]
fn retry_of_a_failed_with_param_sub_dag_fan_out_matches_formulate_retry_workflow() {
    let fixtures = dir().join("..");
    let text =
        std::fs::read_to_string(fixtures.join("withparam-subdag-failed.yaml")).expect("read");
    let wf = workflow_from(argo_model::yaml_values(&text).expect("yaml").remove(0));
    let plan = plan_retry(&wf, &RetryOptions::default(), &now()).expect("plan");
    let expected_text =
        std::fs::read_to_string(fixtures.join("withparam-subdag-failed.retried-nodes.yaml"))
            .expect("read expected");
    let expected: BTreeMap<String, NodeStatus> = serde_json::from_value(
        argo_model::yaml_values(&expected_text)
            .expect("yaml")
            .remove(0),
    )
    .expect("nodes");
    let as_json = |m: &BTreeMap<String, NodeStatus>| serde_json::to_value(m).expect("json");
    assert_eq!(as_json(&nodes(&plan.workflow)), as_json(&expected));
    let pods: Vec<String> = plan
        .pods_to_delete
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(pods, ["subdag-iterate-jrfch-echo-1786915540"]);
    let status = plan.workflow.status.expect("status");
    assert_eq!(status.phase, None);
    assert_eq!(status.finished_at, None);
}

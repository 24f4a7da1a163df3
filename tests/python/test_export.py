"""The exporter on examples/spaceflights-mini: schema-valid, pure JSON, clear errors."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import export, export_ok

ENVS = ["base", "cloud"]


@pytest.fixture(scope="module")
def exported(example_project) -> dict[str, dict]:
    return {env: export_ok(example_project, "--env", env) for env in ENVS}


@pytest.mark.parametrize("env", ENVS)
def test_export_validates_against_schema(exported, ir_schema, env):
    jsonschema.validate(exported[env], ir_schema)
    assert exported[env]["project"]["env"] == env


def test_export_facts(exported):
    ir = exported["base"]
    assert [p["name"] for p in ir["pipelines"]] == [
        "__default__",
        "data_processing",
        "data_science",
        "reporting",
    ]
    default = ir["pipelines"][0]
    nodes = {n["name"]: n for n in default["nodes"]}
    assert len(nodes) == 13
    assert nodes["active_modelling.train_model"]["group"] == "active_modelling.training"
    assert nodes["candidate_modelling.train_model"]["group"] == "candidate_modelling.training"
    assert nodes["active_modelling.train_model"]["machine_type"] == "gpu"
    assert nodes["active_modelling.evaluate_model"]["template"] == "report-with-db"
    assert nodes["summarize_table"]["inputs"] == ["model_input_table@pyarrow"]
    assert {g["name"]: g["machine_type"] for g in default["groups"]} == {
        "active_modelling.training": "gpu",
        "candidate_modelling.training": "gpu",
        "model_input": None,
        "preprocess_shuttles": "large",
    }
    datasets = {d["name"]: d for d in ir["datasets"]}
    assert datasets["parsed_shuttles"]["memory"] is True
    assert datasets["active_modelling.metrics"]["pattern"] == "{namespace}.metrics"
    assert datasets["params:top_n_companies"]["kind"] == "parameters"
    assert "active_modelling.model_options.test_size" in ir["parameters"]
    assert ir["config"]["runner"]["use_memory_datasets"] is True


def test_envs_differ(exported):
    base, cloud = exported["base"], exported["cloud"]
    assert (base["config"]["namespace"], cloud["config"]["namespace"]) == (
        "argo-workflows",
        "argo-prod",
    )
    assert cloud["config"]["machine_types"] == base["config"]["machine_types"]
    types = {e: {d["name"]: d["type"] for d in exported[e]["datasets"]} for e in ENVS}
    assert types["base"]["model_comparison"] == "pandas.CSVDataset"
    assert types["cloud"]["model_comparison"] == "pandas.JSONDataset"


def test_export_is_deterministic(example_project, exported):
    again = export(example_project, "--env", "base")
    assert json.loads(again.stdout) == exported["base"]
    assert again.stdout == json.dumps(exported["base"], ensure_ascii=False) + "\n"


def test_one_pipeline(example_project, ir_schema):
    result = export(example_project, "--env", "cloud", "--pipeline", "reporting")
    assert result.returncode == 0, result.stderr
    ir = json.loads(result.stdout)  # the whole of stdout is the document
    jsonschema.validate(ir, ir_schema)
    assert [p["name"] for p in ir["pipelines"]] == ["reporting"]
    used = {x for n in ir["pipelines"][0]["nodes"] for x in n["inputs"] + n["outputs"]}
    assert {d["name"] for d in ir["datasets"]} == used


def test_from_a_subdirectory_and_with_project(example_project, tmp_path):
    sub = export(
        example_project,
        "--env",
        "base",
        "-p",
        "data_processing",
        cwd=example_project / "conf" / "base",
    )
    assert sub.returncode == 0, sub.stderr
    other = export(
        example_project,
        "--env",
        "base",
        "-p",
        "data_processing",
        "--project",
        str(example_project),
        cwd=tmp_path,
    )
    assert other.returncode == 0, other.stderr
    assert json.loads(sub.stdout) == json.loads(other.stdout)


def assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


def test_error_not_a_project(tmp_path):
    assert_one_line_error(export(tmp_path, "--env", "base"), "not inside a Kedro project")


def test_error_missing_env(example_project):
    assert_one_line_error(export(example_project, "--env", "nope"), "'nope'", "base, cloud")


def test_error_unknown_pipeline(example_project):
    assert_one_line_error(
        export(example_project, "--env", "base", "--pipeline", "nope"),
        "'nope'",
        "data_processing",
    )


@pytest.mark.parametrize(
    ("content", "needle"),
    [("namespace: [unclosed\n", "argo"), ("- a\n- b\n", "mapping")],
    ids=["yaml-error", "not-a-mapping"],
)
def test_error_broken_argo_yml(example_project, content, needle):
    broken = example_project / "conf" / "cloud" / "argo.yml"
    saved = broken.read_text()
    try:
        broken.write_text(content)
        assert_one_line_error(export(example_project, "--env", "cloud"), needle, "cloud")
    finally:
        broken.write_text(saved)

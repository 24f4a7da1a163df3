"""The exporter's `selection` (partial runs) on examples/spaceflights-mini: Kedro's own
`Pipeline.filter`, recorded in a schema-valid IR."""

from __future__ import annotations

import json

import jsonschema
from conftest import export, export_ok
from test_export import assert_one_line_error


def test_a_filter_records_kedros_selection(example_project, ir_schema):
    ir = export_ok(
        example_project,
        "--env",
        "base",
        "--pipeline",
        "__default__",
        "--from-nodes",
        "convert_prices",
        "--tags=data_processing, reporting,data_processing",
    )
    jsonschema.validate(ir, ir_schema)
    selection = ir["selection"]
    assert selection["pipeline"] == "__default__"
    # Split as `kedro run` splits, without repeats, sorted.
    assert selection["filter"] == {
        "nodes": [],
        "from_nodes": ["convert_prices"],
        "to_nodes": [],
        "tags": ["data_processing", "reporting"],
    }
    # Downstream of convert_prices and carrying either tag, in the pipeline's order.
    assert selection["nodes"] == [
        "convert_prices",
        "create_model_input_table",
        "summarize_table",
        "compare_models",
    ]
    # The pipeline itself is exported whole.
    assert len(ir["pipelines"][0]["nodes"]) == 13


def test_no_filter_no_selection(example_project):
    ir = export_ok(example_project, "--env", "base", "--pipeline", "reporting")
    assert "selection" not in ir


def test_unknown_names_record_no_nodes_and_an_empty_result_records_none(example_project):
    unknown = export_ok(
        example_project, "--env", "base", "-p", "__default__", "--nodes", "convert_price"
    )
    assert unknown["selection"]["nodes"] is None
    tag = export_ok(example_project, "--env", "base", "-p", "__default__", "--tags", "nope")
    assert tag["selection"]["nodes"] is None
    empty = export_ok(
        example_project,
        "--env",
        "base",
        "-p",
        "__default__",
        "--from-nodes",
        "compare_models",
        "--to-nodes",
        "preprocess_companies",
    )
    assert empty["selection"]["nodes"] == []


def test_node_names_are_split_as_kedro_run_splits_them(example_project):
    # Commas inside square brackets (Kedro's default node names before 1.0) do not split.
    result = export(
        example_project,
        "--env",
        "base",
        "-p",
        "reporting",
        "--nodes= compare_models,f([a,b]) -> [c] ,",
    )
    assert result.returncode == 0, result.stderr
    selection = json.loads(result.stdout)["selection"]
    assert selection["filter"]["nodes"] == ["compare_models", "f([a,b]) -> [c]"]
    assert selection["nodes"] is None, "an unknown node: Kedro would refuse the filter"


def test_a_filter_needs_a_pipeline(example_project):
    assert_one_line_error(
        export(example_project, "--env", "base", "--tags", "reporting"), "pass --pipeline NAME"
    )

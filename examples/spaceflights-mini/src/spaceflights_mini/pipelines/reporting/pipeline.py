"""Reporting: one named node with a machine type, one unnamed plain Kedro node."""

from kedro.pipeline import Pipeline, node

from argo_kedro.pipeline import Node

from .nodes import compare_models, top_companies


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                compare_models,
                ["active_modelling.metrics", "candidate_modelling.metrics"],
                "model_comparison",
                name="compare_models",
                machine_type="default",
            ),
            node(
                top_companies, ["preprocessed_companies", "params:top_n_companies"], "top_companies"
            ),
        ],
        tags=["reporting"],
    )

"""The report: one node on the ``large`` machine type."""

from kedro.pipeline import Pipeline

from argo_kedro.pipeline import Node

from .nodes import compare_sites


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                compare_sites,
                ["north.anomalies", "south.anomalies"],
                "site_comparison",
                name="compare_sites",
                machine_type="large",
            )
        ],
        tags=["reporting"],
    )

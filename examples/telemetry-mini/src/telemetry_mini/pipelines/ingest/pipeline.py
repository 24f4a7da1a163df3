"""Ingest: two nodes tagged ``group.ingest``, which ``--group-by tags`` runs as one task."""

from kedro.pipeline import Pipeline, node

from .nodes import load_readings, validate_readings


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(load_readings, "raw_readings", "readings", name="load_readings"),
            node(
                validate_readings,
                ["readings", "params:limits"],
                "valid_readings",
                name="validate_readings",
            ),
        ],
        tags=["ingest", "group.ingest"],
    )

"""One modular pipeline, instantiated per site under the namespaces ``north`` and ``south``.

``select_site`` and ``smooth`` are fused (the site's readings stay in memory); the fused group's
only successor is ``daily_stats``, whose only successor is ``anomalies``: one linear chain per
site, which ``--group-by chains`` runs as one task, as ``--group-by namespace`` does the whole
namespace.
"""

from kedro.pipeline import Pipeline, node, pipeline

from argo_kedro.pipeline import FusedPipeline

from .nodes import anomalies, daily_stats, select_site, smooth


def create_pipeline(**kwargs) -> Pipeline:
    template = Pipeline(
        [
            FusedPipeline(
                [
                    node(
                        select_site,
                        ["valid_readings", "params:site"],
                        "site_readings",
                        name="select_site",
                    ),
                    node(smooth, ["site_readings", "params:window"], "smoothed", name="smooth"),
                ],
                name="clean",
            ),
            node(daily_stats, "smoothed", "stats", name="daily_stats"),
            node(anomalies, ["stats", "params:threshold"], "anomalies", name="anomalies"),
        ]
    )
    return sum(
        pipeline(template, namespace=site, inputs="valid_readings", tags=["sites"])
        for site in ("north", "south")
    )

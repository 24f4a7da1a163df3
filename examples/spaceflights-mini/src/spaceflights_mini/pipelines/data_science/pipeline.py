"""One modular pipeline, instantiated twice (``active_modelling``, ``candidate_modelling``).

``split_data`` and ``train_model`` are fused on a GPU machine: the training split never leaves
the task. The test split and the model cross task boundaries, so the catalog's dataset factory
patterns persist them. ``evaluate_model`` runs in the custom ``report-with-db`` template.
"""

from kedro.pipeline import Pipeline, pipeline

from argo_kedro.pipeline import FusedPipeline, Node

from .nodes import evaluate_model, split_data, train_model


def create_pipeline(**kwargs) -> Pipeline:
    template = Pipeline(
        [
            FusedPipeline(
                [
                    Node(
                        split_data,
                        ["model_input_table@pandas", "params:model_options"],
                        ["X_train", "X_test", "y_train", "y_test"],
                        name="split_data",
                    ),
                    Node(
                        train_model,
                        ["X_train", "y_train"],
                        "regressor",
                        name="train_model",
                        machine_type="gpu",
                    ),
                ],
                name="training",
                machine_type="gpu",
            ),
            Node(
                evaluate_model,
                ["regressor", "X_test", "y_test"],
                "metrics",
                name="evaluate_model",
                template="report-with-db",
            ),
        ]
    )
    return pipeline(
        template,
        namespace="active_modelling",
        inputs="model_input_table@pandas",
        tags=["data_science"],
    ) + pipeline(
        template,
        namespace="candidate_modelling",
        inputs="model_input_table@pandas",
        tags=["data_science"],
    )

"""Two fused groups: preprocessing (with an in-memory intermediate) and the model input table
(written as ``model_input_table@pandas``, read back as ``model_input_table@pyarrow``)."""

from kedro.pipeline import Pipeline, node

from argo_kedro.pipeline import FusedPipeline, Node

from .nodes import (
    convert_prices,
    create_model_input_table,
    preprocess_companies,
    preprocess_shuttles,
    summarize_table,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                preprocess_companies,
                "companies",
                "preprocessed_companies",
                name="preprocess_companies",
            ),
            FusedPipeline(
                [
                    node(preprocess_shuttles, "shuttles", "parsed_shuttles", name="parse_shuttles"),
                    node(
                        convert_prices,
                        ["parsed_shuttles", "params:price_currency_rate"],
                        "preprocessed_shuttles",
                        name="convert_prices",
                    ),
                ],
                name="preprocess_shuttles",
                machine_type="large",
            ),
            FusedPipeline(
                [
                    node(
                        create_model_input_table,
                        ["preprocessed_shuttles", "preprocessed_companies", "reviews"],
                        "model_input_table@pandas",
                        name="create_model_input_table",
                    ),
                    node(
                        summarize_table,
                        "model_input_table@pyarrow",
                        "table_summary",
                        name="summarize_table",
                    ),
                ],
                name="model_input",
                tags=["primary"],
            ),
        ],
        tags=["data_processing"],
    )

"""Cleaning and joining the raw inputs."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def _is_true(x: pd.Series) -> pd.Series:
    return x == "t"


def _parse_percentage(x: pd.Series) -> pd.Series:
    return x.str.replace("%", "").astype(float) / 100


def _parse_money(x: pd.Series) -> pd.Series:
    return x.str.replace("$", "").str.replace(",", "").astype(float)


def preprocess_companies(companies: pd.DataFrame) -> pd.DataFrame:
    companies = companies.copy()
    companies["iata_approved"] = _is_true(companies["iata_approved"])
    companies["company_rating"] = _parse_percentage(companies["company_rating"]).fillna(0.5)
    return companies


def preprocess_shuttles(shuttles: pd.DataFrame) -> pd.DataFrame:
    shuttles = shuttles.copy()
    shuttles["price"] = _parse_money(shuttles["price"])
    return shuttles


def convert_prices(shuttles: pd.DataFrame, rate: float) -> pd.DataFrame:
    shuttles = shuttles.copy()
    shuttles["price"] = shuttles["price"] * rate
    return shuttles


def create_model_input_table(
    shuttles: pd.DataFrame, companies: pd.DataFrame, reviews: pd.DataFrame
) -> pd.DataFrame:
    rated = shuttles.merge(reviews, left_on="id", right_on="shuttle_id")
    table = rated.merge(companies, left_on="company_id", right_on="id", suffixes=("", "_c"))
    return table.drop(columns=["id_c", "shuttle_id"]).dropna().reset_index(drop=True)


def summarize_table(table: pa.Table) -> pd.DataFrame:
    return pd.DataFrame(
        {"column": table.column_names, "nulls": [c.null_count for c in table.columns]}
    ).assign(rows=table.num_rows)

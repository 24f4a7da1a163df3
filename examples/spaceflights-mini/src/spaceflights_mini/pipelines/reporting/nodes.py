"""Reports over both models and the companies."""

from __future__ import annotations

import pandas as pd


def compare_models(active: pd.DataFrame, candidate: pd.DataFrame) -> pd.DataFrame:
    return active.merge(candidate, on="metric", suffixes=("_active", "_candidate"))


def top_companies(companies: pd.DataFrame, n: int) -> pd.DataFrame:
    return companies.sort_values("company_rating", ascending=False).head(n)

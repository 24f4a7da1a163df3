"""Reading and validating the raw sensor readings."""

import pandas as pd


def load_readings(raw: pd.DataFrame) -> pd.DataFrame:
    """The readings that have a value."""
    return raw.dropna(subset=["value"]).reset_index(drop=True)


def validate_readings(readings: pd.DataFrame, limits: dict) -> pd.DataFrame:
    """The readings within the sensors' range."""
    inside = readings["value"].between(limits["min"], limits["max"])
    return readings[inside].reset_index(drop=True)

"""Per-site processing: select, smooth, aggregate, flag."""

import pandas as pd


def select_site(readings: pd.DataFrame, site: str) -> pd.DataFrame:
    """The readings of one site."""
    return readings[readings["site"] == site].reset_index(drop=True)


def smooth(readings: pd.DataFrame, window: int) -> pd.DataFrame:
    """A rolling mean of the values, in time order."""
    out = readings.sort_values(["day", "hour"]).reset_index(drop=True)
    out["smoothed"] = out["value"].rolling(window, min_periods=1).mean().round(3)
    return out


def daily_stats(smoothed: pd.DataFrame) -> pd.DataFrame:
    """Mean and peak of the smoothed values, per day."""
    stats = smoothed.groupby("day", as_index=False).agg(
        mean=("smoothed", "mean"), peak=("smoothed", "max")
    )
    return stats.round(3)


def anomalies(stats: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The days whose peak exceeds the threshold."""
    return stats[stats["peak"] > threshold].reset_index(drop=True)

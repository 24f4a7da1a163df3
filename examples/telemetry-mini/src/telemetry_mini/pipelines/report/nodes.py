"""Comparing the sites."""

import pandas as pd


def compare_sites(north: pd.DataFrame, south: pd.DataFrame) -> pd.DataFrame:
    """How many anomalous days each site had."""
    return pd.DataFrame({"site": ["north", "south"], "anomalous_days": [len(north), len(south)]})

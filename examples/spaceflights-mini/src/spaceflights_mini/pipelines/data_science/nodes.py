"""A least-squares price model, with numpy only."""

from __future__ import annotations

import numpy as np
import pandas as pd


def split_data(data: pd.DataFrame, options: dict) -> tuple[pd.DataFrame, ...]:
    features = list(options["features"])
    n_test = max(1, round(len(data) * float(options["test_size"])))
    train, test = data.iloc[:-n_test], data.iloc[-n_test:]
    return train[features], test[features], train[["price"]], test[["price"]]


def train_model(x_train: pd.DataFrame, y_train: pd.DataFrame) -> pd.DataFrame:
    design = np.column_stack([np.ones(len(x_train)), x_train.to_numpy(dtype=float)])
    coef, *_ = np.linalg.lstsq(design, y_train["price"].to_numpy(dtype=float), rcond=None)
    return pd.DataFrame({"feature": ["intercept", *x_train.columns], "coef": coef})


def evaluate_model(
    regressor: pd.DataFrame, x_test: pd.DataFrame, y_test: pd.DataFrame
) -> pd.DataFrame:
    coef = regressor.set_index("feature")["coef"]
    predicted = coef["intercept"] + x_test.to_numpy(dtype=float) @ coef[x_test.columns].to_numpy()
    error = predicted - y_test["price"].to_numpy(dtype=float)
    return pd.DataFrame({"metric": ["mae", "n_test"], "value": [np.abs(error).mean(), len(error)]})

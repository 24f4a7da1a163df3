"""A tiny custom dataset: a Parquet file read as a ``pyarrow.Table``."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from kedro.io import AbstractDataset


class ArrowTableDataset(AbstractDataset[pa.Table, pa.Table]):
    """Loads and saves a Parquet file as a ``pyarrow.Table``."""

    def __init__(self, filepath: str) -> None:
        self._filepath = PurePosixPath(filepath)

    def load(self) -> pa.Table:
        return pq.read_table(str(self._filepath))

    def save(self, data: pa.Table) -> None:
        pq.write_table(data, str(self._filepath))

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}

"""The exporter's fast catalog read (libyaml) gives exactly what Kedro's config loader gives."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader

from argo_kedro._ir import ExportError
from argo_kedro.export import _fast_catalog_config

BASE = """
_csv: &csv
  type: pandas.CSVDataset
companies:
  <<: *csv
  filepath: data/companies.csv
"{name}_pq":
  type: pandas.ParquetDataset
  filepath: data/{name}.parquet
model@pandas:
  type: pandas.ParquetDataset
  filepath: data/model.parquet
"""


def _conf(tmp_path: Path, files: dict[str, str]) -> Path:
    conf = tmp_path / "conf"
    for name, text in files.items():
        path = conf / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (conf / "base").mkdir(parents=True, exist_ok=True)
    (conf / "local").mkdir(exist_ok=True)
    return conf


def _loader(conf: Path, env: str) -> OmegaConfigLoader:
    return OmegaConfigLoader(
        conf_source=str(conf), env=env, base_env="base", default_run_env="local"
    )


@pytest.mark.parametrize("env", ["base", "local", "cloud"])
def test_fast_catalog_matches_the_config_loader(tmp_path: Path, env: str) -> None:
    conf = _conf(
        tmp_path,
        {
            "base/catalog.yml": BASE,
            "base/catalog/nested.yml": "nested: {type: pandas.CSVDataset, filepath: n.csv}\n",
            "base/catalog_extra.json": '{"from_json": {"type": "json.JSONDataset"}}',
            "base/.hidden/catalog.yml": "hidden: {type: a.B}\n",
            "base/catalog_empty.yml": "",
            "cloud/catalog.yml": "companies: {type: spark.SparkDataset}\nonly_cloud: {type: x.Y}\n",
        },
    )
    fast = _fast_catalog_config(_loader(conf, env), env)
    assert fast is not None
    assert fast == _loader(conf, env)["catalog"]
    assert "hidden" not in fast and "_csv" not in fast


def test_interpolations_and_in_file_duplicates_use_the_loader(tmp_path: Path) -> None:
    conf = _conf(tmp_path, {"base/catalog.yml": "a:\n  filepath: ${globals:x}\n"})
    assert _fast_catalog_config(_loader(conf, "base"), "base") is None
    conf = _conf(tmp_path / "dup", {"base/catalog.yml": "a: {type: x.Y}\na: {type: x.Z}\n"})
    assert _fast_catalog_config(_loader(conf, "base"), "base") is None


def test_duplicate_keys_across_files_are_an_export_error(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        {"base/catalog.yml": "a: {type: x.Y}\n", "base/catalog_b.yml": "a: {type: x.Z}\n"},
    )
    with pytest.raises(ExportError, match="Duplicate keys"):
        _fast_catalog_config(_loader(conf, "base"), "base")


def test_no_catalog_files_is_an_empty_catalog(tmp_path: Path) -> None:
    conf = _conf(tmp_path, {"base/parameters.yml": "a: 1\n"})
    assert _fast_catalog_config(_loader(conf, "local"), "local") == {}

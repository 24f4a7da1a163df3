"""argo-kedro: compile Kedro pipelines into Argo Workflows.

Kept import-light: ``kedro`` imports every plugin's CLI module on each call.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("argo-kedro")
except PackageNotFoundError:  # running from a source checkout
    __version__ = "0.0.0"

__all__ = ["__version__"]

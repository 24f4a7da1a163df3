"""The runtime hook: memory datasets of a fused task, and one Kedro version per workflow run.

Each Argo task runs ``kedro run --pipelines P --nodes a,b,... --env E`` with the environment
variable ``ARGO_KEDRO_MEMORY_DATASETS`` naming (comma-separated) the datasets that stay inside the
task. Before the run, this hook replaces each of them with a fresh ``MemoryDataset`` through the
public catalog API. It never reads ``argo.yml``: with the variable unset or empty it does nothing,
so projects without any argo-kedro configuration run as usual.

A name that no node of the run reads or writes is ignored with a warning on stderr (a stale name
must not break a run). A name that the run reads but does not produce would lose its data if it
were kept in memory: that is an error before any node runs.

With ``ARGO_KEDRO_RUN_CREATED`` set (``argo_kedro.versions``), every versioned dataset of the
task saves under the workflow run's version instead of Kedro's session timestamp, and the
versioned datasets the task reads load at the version this run (or a run it reuses) wrote them
with (``argo_kedro._catalog``). Unset, Kedro chooses versions as in any ``kedro run``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from kedro.framework.hooks import hook_impl

from argo_kedro._catalog import install_save_version, pin_run_versions
from argo_kedro.versions import RunVersions

ENV_VAR = "ARGO_KEDRO_MEMORY_DATASETS"


def memory_dataset_names(value: str | None) -> list[str]:
    """The dataset names of the variable's value: split on commas, stripped, de-duplicated."""
    names: list[str] = []
    for raw in (value or "").split(","):
        name = raw.strip()
        if name and name not in names:
            names.append(name)
    return names


def _keep_in_memory(pipeline: Any, catalog: Any) -> list[str]:
    """Replaces the datasets named in ``ARGO_KEDRO_MEMORY_DATASETS`` with MemoryDatasets."""
    names = memory_dataset_names(os.environ.get(ENV_VAR))
    if not names:
        return names
    from kedro.io import MemoryDataset

    used = set(pipeline.datasets())
    free_inputs = set(pipeline.inputs())
    for name in names:
        if name not in used:
            print(
                f"argo-kedro: warning: {ENV_VAR} names {name!r}, which no node of this run "
                "reads or writes; ignored",
                file=sys.stderr,
            )
            continue
        if name in free_inputs:
            raise ValueError(
                f"{ENV_VAR} names {name!r}, but this run reads it without producing it: "
                "a MemoryDataset would be empty. Keep it persisted in the catalog (remove it "
                f"from {ENV_VAR}) or run the node that produces it in the same task."
            )
        catalog[name] = MemoryDataset()
    return names


class ArgoKedroHooks:
    """Kedro hooks of argo-kedro (registered through the ``kedro.hooks`` entry point)."""

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        """Give the catalogs of this run the workflow run's save version, if there is one."""
        versions = RunVersions.from_env(os.environ)
        if versions is not None:
            install_save_version(context, versions.save)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        """Replace the datasets named in ``ARGO_KEDRO_MEMORY_DATASETS`` with MemoryDatasets, then
        pin the versioned datasets to the workflow run's versions."""
        memory = _keep_in_memory(pipeline, catalog)
        versions = RunVersions.from_env(os.environ)
        if versions is None:
            return
        # `kedro run --load-versions` wins, as it does over Kedro's own choice.
        chosen = set((run_params.get("load_versions") or {}).keys())
        pin_run_versions(
            catalog,
            outputs=pipeline.all_outputs(),
            inputs=pipeline.inputs(),
            versions=versions,
            skip=set(memory) | chosen,
        )


hooks = ArgoKedroHooks()

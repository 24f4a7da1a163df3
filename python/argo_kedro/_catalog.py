"""Catalog work of the runtime hook: the run's save version, and loads pinned to the run.

Kedro makes one save version per catalog: ``KedroSession.run`` passes its session id as
``save_version`` to ``KedroContext._get_catalog`` (the method Kedro documents as "a hook for
changing the creation of a catalog instance"), which builds the catalog with it, and the catalog
refuses a dataset with another save version. So the run's version goes in there: the hook wraps
that method on the context (``after_context_created``; ``KedroContext`` allows new attributes),
and everything after it is Kedro's own (lazy datasets, factory patterns, ``--load-versions``,
the ``after_catalog_created`` hook's ``save_version``). The loads are then pinned through the
public catalog API: ``catalog.get(name, version=Version(load, save))`` and ``catalog[name] = ``.
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kedro.io import AbstractVersionedDataset, Version
from kedro.io.core import get_filepath_str

from argo_kedro.versions import CREATED_ENV, RunVersions


def _say(message: str) -> None:
    print(f"argo-kedro: {message}", file=sys.stderr)


def _signature(function: Callable[..., Any] | None) -> inspect.Signature | None:
    if function is None:
        return None
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):
        return None


def install_save_version(context: Any, save_version: str) -> None:
    """Makes every catalog ``context`` builds save versioned datasets under ``save_version``."""
    original: Callable[..., Any] | None = getattr(context, "_get_catalog", None)
    signature = _signature(original)
    if original is None or signature is None or "save_version" not in signature.parameters:
        raise RuntimeError(
            f"{CREATED_ENV} is set, but this Kedro's context has no "
            "_get_catalog(save_version=...) to give the run its version; argo-kedro supports "
            "the Kedro versions its package declares (kedro>=1.0,<2)."
        )

    def _get_catalog(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.arguments["save_version"] = save_version
        return original(*bound.args, **bound.kwargs)

    context._get_catalog = _get_catalog


def _versioned(catalog: Any, name: str) -> AbstractVersionedDataset | None:
    """The catalog's dataset ``name`` if it is a versioned dataset with versioning on."""
    dataset = catalog.get(name)
    if isinstance(dataset, AbstractVersionedDataset) and dataset.resolve_save_version():
        return dataset
    return None


@contextmanager
def _quiet_replacements() -> Iterator[None]:
    """Drops the catalog's "Replacing dataset" warnings while the hook pins versions."""
    logger = logging.getLogger("kedro.io.data_catalog")

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Replacing dataset")

    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def _remove_version(name: str, dataset: AbstractVersionedDataset, version: str) -> None:
    """Removes what ``dataset`` holds at ``version`` (through its own file system)."""
    path = dataset._get_versioned_path(version)
    fs = getattr(dataset, "_fs", None)
    protocol = getattr(dataset, "_protocol", None)
    if fs is None or protocol is None:
        raise RuntimeError(
            f"{name!r} already has version {version}, which only an earlier attempt of this "
            f"task of the same workflow run can have written, and its dataset type "
            f"({type(dataset).__name__}) has no fsspec file system to remove it with. Remove "
            f"{path} and retry the task."
        )
    target = get_filepath_str(path, protocol)
    fs.rm(target, recursive=True)
    fs.invalidate_cache(target)


def pin_run_versions(
    catalog: Any,
    outputs: Iterable[str],
    inputs: Iterable[str],
    versions: RunVersions,
    skip: set[str],
) -> None:
    """Pins the versioned datasets of one task of a workflow run (names in ``skip`` untouched).

    ``outputs`` (what the task's nodes write) load and save at the run's version: a version
    already there was left by an earlier, failed attempt of the same task, and is removed so
    that the retry writes them again. ``inputs`` (what the task reads and does not write) load
    at the first version of ``versions.lineage`` they exist at: written by this run, or by an
    earlier run whose results this one reuses; at none of them, they load as Kedro would.
    """
    save = versions.save
    pinned: list[str] = []
    with _quiet_replacements():
        for name in sorted(set(outputs) - skip):
            if _versioned(catalog, name) is None:
                continue
            dataset = catalog.get(name, version=Version(save, save))
            if dataset.exists():
                _say(f"removing {name!r} at version {save}, left by an earlier attempt")
                _remove_version(name, dataset, save)
            catalog[name] = dataset
        for name in sorted(set(inputs) - skip):
            if _versioned(catalog, name) is None:
                continue
            for load in versions.lineage:
                dataset = catalog.get(name, version=Version(load, save))
                if dataset.exists():
                    catalog[name] = dataset
                    pinned.append(f"{name}@{load}")
                    break
    _say(f"versioned datasets save under version {save}")
    if pinned:
        _say(f"loading the versions this workflow wrote: {', '.join(pinned)}")

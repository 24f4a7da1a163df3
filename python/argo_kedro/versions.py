"""The Kedro version of an Argo workflow run: one save version for every task of the run.

``kedro run`` saves every versioned dataset of a run under one version, the session's
timestamp. A compiled workflow runs one ``kedro run`` per task, so the tasks would each save
under their own timestamp. Instead, every worker template of a compiled workflow has

- ``ARGO_KEDRO_RUN_CREATED``: ``{{workflow.creationTimestamp}}`` (RFC 3339, whole seconds),
- ``ARGO_KEDRO_RUN_UID``: ``{{workflow.uid}}``,
- ``ARGO_KEDRO_REUSED_VERSIONS``: the versions of earlier runs whose results this run reuses
  (a memoized resubmit sets them), newest first, comma-separated,

which Argo substitutes at run time, the same in every pod of one run. The run's version is
the creation time in Kedro's format (``VERSION_FORMAT``, milliseconds kept: ``2024-05-01T
12.00.07.483Z``) where the milliseconds, which Kubernetes does not record, are taken from the
workflow's uid (``FNV-1a-64(uid) mod 1000``): two workflows created in the same second get
different versions unless their uids collide modulo 1000. ``argo_fuse::versions`` in the Rust
crates computes the same string (the golden cases in the tests of both pin it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

CREATED_ENV = "ARGO_KEDRO_RUN_CREATED"
UID_ENV = "ARGO_KEDRO_RUN_UID"
REUSED_ENV = "ARGO_KEDRO_REUSED_VERSIONS"

_FNV_OFFSET = 0xCBF2_9CE4_8422_2325
_FNV_PRIME = 0x0000_0100_0000_01B3
_MASK = (1 << 64) - 1
# Kedro rejects versions that are not a single path component (`_is_unsafe_version`).
_UNSAFE = re.compile(r"[/\\]|^\.{1,2}$")


class VersionError(ValueError):
    """An ``ARGO_KEDRO_*`` version variable has a value the hook cannot use."""


def fnv1a64(data: bytes) -> int:
    """The 64-bit FNV-1a hash of ``data`` (as ``argo_fuse::names``' hash starts)."""
    h = _FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & _MASK
    return h


def run_version(created: str, uid: str) -> str:
    """The Kedro version of the workflow run created at ``created`` with uid ``uid``.

    ``created`` is an RFC 3339 timestamp (Argo's ``{{workflow.creationTimestamp}}``: whole
    seconds, ``Z`` or a numeric offset); the version is in UTC.

    >>> run_version("2024-05-01T12:00:07Z", "")
    '2024-05-01T12.00.07.037Z'
    >>> run_version("2024-05-01T14:00:07+02:00", "")
    '2024-05-01T12.00.07.037Z'
    """
    text = created.strip()
    if text[-1:] in ("Z", "z"):  # Python 3.10's fromisoformat does not read "Z"
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise VersionError(
            f"{CREATED_ENV} is {created!r}, not an RFC 3339 timestamp with a time zone. "
            "Compiled workflows set it to Argo's {{workflow.creationTimestamp}}; unset it to "
            "let Kedro choose the save version."
        )
    millis = fnv1a64(uid.encode()) % 1000
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H.%M.%S") + f".{millis:03d}Z"


def version_list(value: str | None) -> list[str]:
    """The versions of a comma-separated list: stripped, empty items and repeats dropped."""
    versions: list[str] = []
    for raw in (value or "").split(","):
        version = raw.strip()
        if not version or version in versions:
            continue
        if _UNSAFE.search(version):
            raise VersionError(
                f"{REUSED_ENV} names the version {version!r}: a Kedro version is one path "
                "component (no '/' or '\\', not '.' or '..')."
            )
        versions.append(version)
    return versions


@dataclass(frozen=True)
class RunVersions:
    """The versions of one workflow run: where it saves, and where it may find what it reads."""

    save: str
    """The run's own version: every versioned dataset of every task saves under it."""
    reused: tuple[str, ...] = ()
    """Versions of earlier runs whose results this run reuses, newest first."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> RunVersions | None:
        """The versions the environment gives, or ``None`` outside a compiled workflow."""
        created = environ.get(CREATED_ENV, "").strip()
        if not created:
            return None
        save = run_version(created, environ.get(UID_ENV, "").strip())
        reused = [v for v in version_list(environ.get(REUSED_ENV)) if v != save]
        return cls(save=save, reused=tuple(reused))

    @property
    def lineage(self) -> tuple[str, ...]:
        """Where a dataset this run reads may have been written: this run, then the reused."""
        return (self.save, *self.reused)

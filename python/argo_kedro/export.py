"""``python -m argo_kedro.export``: print a Kedro project's pipeline IR as JSON on stdout.

Usage: ``python -m argo_kedro.export --env ENV [--pipeline NAME] [--project DIR] [--indent N]``
``[--nodes N,...] [--from-nodes N,...] [--to-nodes N,...] [--tags T,...]`` (a partial run: with
``--pipeline``, the IR records the nodes Kedro's ``Pipeline.filter`` selects).

Only the JSON document goes to stdout; anything the project prints goes to stderr. Kedro's log
records and warnings (its own and other packages') are shown only with ``--verbose``. A user error
(not a Kedro project, a missing env, an unknown pipeline, an invalid ``argo.yml``, a pipeline that
fails to import) is one ``error: ...`` line on stderr, with one ``hint: ...`` line when there is a
fix to suggest, and exit code 1; an unexpected failure is one line and exit code 2
(``ARGO_KEDRO_DEBUG=1`` adds the traceback).

It does only what it needs: no ``KedroSession`` (no git call, no session store, no hooks), no
dataset objects and no credentials (catalog facts come from the catalog configuration).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from argo_kedro._ir import IR_FORMAT, IR_VERSION, ExportError

ARGO_PATTERNS = ["argo*", "argo*/**", "**/argo*"]


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m argo_kedro.export",
        description="Print the pipeline IR of a Kedro project (docs/ir.md) as JSON on stdout.",
    )
    parser.add_argument(
        "-e",
        "--env",
        default=None,
        help="Kedro env to read the catalog, parameters and argo.yml for "
        "(default: $KEDRO_ENV, else the project's default run env)",
    )
    parser.add_argument(
        "-p", "--pipeline", default=None, help="export only this registered pipeline"
    )
    parser.add_argument(
        "--project", default=None, help="project directory (default: walk up from the cwd)"
    )
    parser.add_argument("--indent", type=int, default=None, help="indent the JSON output")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show Kedro's log records and warnings on stderr (hidden by default)",
    )
    for option, what in (
        ("--nodes", "only these nodes"),
        ("--from-nodes", "these nodes and every node downstream"),
        ("--to-nodes", "these nodes and every node upstream"),
        ("--tags", "only the nodes with any of these tags"),
    ):
        parser.add_argument(
            option,
            default=None,
            help=f"partial run, as `kedro run {option}`: record {what} (needs --pipeline)",
        )
    return parser.parse_args(argv)


def _quiet() -> None:
    """No log records and no warnings: Kedro's start-up lines (``Using '...' as logging
    configuration``) and deprecation warnings of Kedro, OmegaConf or the project's packages would
    bury the one line that matters. Called before Kedro is imported; Kedro's logging
    configuration does not undo ``logging.disable``."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _find_project(start: str | None) -> Path:
    from kedro.utils import find_kedro_project

    here = Path(start or os.getcwd()).expanduser().resolve()
    if not here.is_dir():
        raise ExportError(f"project directory {here} does not exist", "pass an existing --project")
    root = find_kedro_project(here)
    if root is None:
        raise ExportError(
            f"{here} is not inside a Kedro project (no pyproject.toml with a [tool.kedro] "
            "section here or above)",
            "run from the project directory or pass --project DIR",
        )
    return Path(root)


def _user_frame(exc: BaseException, root: Path) -> str:
    """`` (at file:line)`` of the innermost traceback frame inside the project, if any."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.is_absolute() and root in path.parents:
            where = f" (at {path.relative_to(root)}:{frame.lineno})"
    if isinstance(exc, SyntaxError) and exc.filename:
        path = Path(exc.filename)
        shown = path.relative_to(root) if root in path.parents else path
        where = f" (at {shown}:{exc.lineno})"
    return where


def _failure(exc: BaseException, root: Path) -> tuple[str, str | None]:
    """``Type: message (at file:line)`` of a failure in the project's code, naming the
    innermost cause (``find_pipelines(raise_errors=True)`` wraps the real error in an
    ImportError), and a hint for a missing module."""
    cause = exc
    while cause.__cause__ is not None or (
        cause.__context__ is not None and not cause.__suppress_context__
    ):
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = f"{type(exc).__name__}: {_one_line(str(exc))}"
    if cause is not exc:
        text += f" Cause: {type(cause).__name__}: {_one_line(str(cause))}"
    text += _user_frame(cause, root) or _user_frame(exc, root)
    hint = None
    if isinstance(cause, ModuleNotFoundError) and cause.name:
        hint = (
            f"install what provides module {cause.name.split('.')[0]!r} (the project's "
            f"requirements) into {sys.executable}, or use the project's interpreter"
        )
    return text, hint


def _bootstrap(root: Path) -> Any:
    from kedro.framework.startup import bootstrap_project

    try:
        return bootstrap_project(root)
    except Exception as exc:
        text, hint = _failure(exc, root)
        raise ExportError(f"cannot load the Kedro project at {root}: {text}", hint) from exc


def _config_loader(root: Path, env: str | None) -> tuple[Any, str]:
    from kedro.framework.project import settings

    conf_source = root / settings.CONF_SOURCE
    loader_args = dict(settings.CONFIG_LOADER_ARGS)
    env = env or os.environ.get("KEDRO_ENV") or loader_args.get("default_run_env") or "local"
    if conf_source.is_dir() and not (conf_source / env).is_dir():
        available = sorted(p.name for p in conf_source.iterdir() if p.is_dir())
        raise ExportError(
            f"Kedro env {env!r} not found: no directory {settings.CONF_SOURCE}/{env} in {root} "
            f"(available envs: {', '.join(available) or 'none'})",
            f"pass an existing --env, or create {settings.CONF_SOURCE}/{env}/",
        )
    try:
        loader = settings.CONFIG_LOADER_CLASS(
            conf_source=str(conf_source), env=env, runtime_params={}, **loader_args
        )
    except Exception as exc:
        raise ExportError(
            f"cannot create the config loader for env {env!r}: {_one_line(str(exc))}"
        ) from exc
    with contextlib.suppress(AttributeError, TypeError):
        loader.config_patterns["argo"] = ARGO_PATTERNS
    return loader, env


def _load(loader: Any, key: str, env: str, what: str) -> Any:
    from kedro.config import MissingConfigException

    try:
        return loader[key]
    except (MissingConfigException, KeyError):
        return None
    except Exception as exc:
        raise ExportError(f"invalid {what} for env {env!r}: {_one_line(str(exc))}") from exc


def _argo_files(loader: Any, env: str) -> str:
    conf = Path(str(getattr(loader, "conf_source", "conf")))
    base = getattr(loader, "base_env", None) or "base"
    files = [p for e in dict.fromkeys([base, env]) for p in sorted((conf / e).glob("argo*"))]
    return ", ".join(p.relative_to(conf.parent).as_posix() for p in files) or "argo.yml"


def _has_argo_files(loader: Any, env: str) -> bool:
    conf = Path(str(getattr(loader, "conf_source", "conf")))
    base = getattr(loader, "base_env", None) or "base"
    return any(any((conf / e).glob(pattern)) for e in {base, env} for pattern in ARGO_PATTERNS)


RANDOM_TAG = "${ka.random:}"


def _register_random_tag() -> None:
    """Lets an ``argo.yml`` written for argo-kedro 0.1.41 load: its ``${ka.random:}`` resolver
    (``deployment.tag``) resolves to itself, which the compiler replaces with a tag derived from
    the project's content. A resolver of that name registered by the project is kept."""
    from omegaconf import OmegaConf

    if OmegaConf.has_resolver("ka.random"):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some OmegaConf releases deprecate the name
        OmegaConf.register_new_resolver("ka.random", lambda: RANDOM_TAG)


def _argo_config(loader: Any, env: str) -> dict[str, Any] | None:
    _register_random_tag()
    not_mapping = ExportError(
        f"invalid argo.yml for env {env!r} ({_argo_files(loader, env)}): the top level must be "
        "a mapping (namespace:, deployment:, machine_types:, ...), not a list or a scalar"
    )
    try:
        config = _load(loader, "argo", env, f"argo.yml ({_argo_files(loader, env)})")
    except ExportError as exc:
        if any(s in str(exc) for s in ("ListConfig", "DictConfig", "Invalid loaded object type")):
            raise not_mapping from exc
        raise
    if config is None or (config == {} and not _has_argo_files(loader, env)):
        return None  # Kedro returns {} rather than raising when only base is read
    if not isinstance(config, dict):
        raise not_mapping
    return config


def _strip_credentials(value: Any) -> Any:
    """The catalog config without any ``credentials`` entry (never resolved, never needed)."""
    if isinstance(value, dict):
        return {k: _strip_credentials(v) for k, v in value.items() if k != "credentials"}
    if isinstance(value, list):
        return [_strip_credentials(v) for v in value]
    return value


class _SlowPath(Exception):
    """The fast catalog read cannot give exactly what the config loader would."""


def _yaml_mapping(path: Path, loader_class: Any) -> dict[str, Any]:
    """One catalog file parsed with libyaml; anything the fast read does not reproduce exactly
    (interpolations, duplicate top-level keys, syntax errors, a top level that is not a mapping)
    raises ``_SlowPath``, so that the config loader reads (and reports) it."""
    import yaml

    text = path.read_text(encoding="utf-8")
    if "${" in text:
        raise _SlowPath  # interpolations: OmegaConf resolves them
    parser = loader_class(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise _SlowPath  # let the loader report it
        keys = [key_node.value for key_node, _ in node.value]
        if len(set(keys)) != len(keys):
            raise _SlowPath  # duplicate keys: let the loader report them
        data = parser.construct_document(node)
    except yaml.YAMLError as exc:
        raise _SlowPath from exc  # let the loader report it
    finally:
        parser.dispose()
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise _SlowPath
    return data


def _fast_catalog_config(loader: Any, env: str) -> dict[str, Any] | None:
    """The catalog configuration as ``loader["catalog"]`` would return it, read with libyaml.

    Kedro's ``OmegaConfigLoader`` builds an OmegaConf tree of every catalog entry before
    resolving it, about 0.3 ms per entry (1.4 s for 5,000 entries); the exporter only needs the
    entries' names and types. This path is taken only when it gives the same result: the stock
    ``OmegaConfigLoader`` on local files, the default (destructive) merge of the env over base,
    no ``${...}`` interpolation in any catalog file, and libyaml available. It uses the loader's
    own file discovery rules (patterns, hidden files, extensions, duplicate keys across files)
    and drops ``_``-prefixed keys. ``None`` means: use the loader.
    """
    try:
        import yaml
        from kedro.config import OmegaConfigLoader
    except ImportError:  # pragma: no cover - both come with Kedro
        return None
    loader_class = getattr(yaml, "CSafeLoader", None)
    if (
        loader_class is None
        or type(loader) is not OmegaConfigLoader
        or getattr(loader, "_protocol", None) != "file"
        or (getattr(loader, "merge_strategy", None) or {}).get("catalog", "destructive")
        != "destructive"
        or "catalog" in getattr(loader, "data", {})  # set explicitly on the loader
    ):
        return None
    try:
        patterns = list(loader.config_patterns["catalog"])
        base_env = loader.base_env
        run_env = loader.env or loader.default_run_env
        envs = [base_env] if run_env == base_env else [base_env, run_env]
        merged: dict[str, Any] = {}
        processed = 0
        for each in envs:
            conf_path = Path(loader.conf_source) / each
            if not conf_path.is_dir():
                return None
            paths = {
                Path(found)
                for pattern in patterns
                for found in loader._fs.glob(Path(f"{conf_path!s}/{pattern}").as_posix())
                if not loader.ignore_hidden or not loader._is_hidden(found)
            }
            per_file = {
                path: _yaml_mapping(path, loader_class)
                for path in sorted(paths)
                if loader._is_valid_config_path(path)
            }
            processed += len(per_file)
            loader._check_duplicates("catalog", per_file)
            env_config: dict[str, Any] = {}
            for config in per_file.values():
                env_config.update(config)
            merged.update({k: v for k, v in env_config.items() if not k.startswith("_")})
    except _SlowPath:
        return None
    except ValueError as exc:  # duplicate keys across files, as the loader reports them
        raise ExportError(
            f"invalid catalog configuration for env {env!r}: {_one_line(str(exc))}"
        ) from exc
    except (OSError, AttributeError, TypeError, KeyError):
        return None
    return merged if processed else {}


def _catalog_resolver(loader: Any, env: str) -> Any:
    from kedro.io.catalog_config_resolver import DEFAULT_RUNTIME_PATTERN, CatalogConfigResolver

    config = _fast_catalog_config(loader, env)
    if config is None:
        config = _load(loader, "catalog", env, "catalog configuration") or {}
    try:
        return CatalogConfigResolver(
            config=_strip_credentials(config), default_runtime_patterns=DEFAULT_RUNTIME_PATTERN
        )
    except Exception as exc:
        raise ExportError(
            f"invalid catalog configuration for env {env!r}: {_one_line(str(exc))}"
        ) from exc


def _pipelines(root: Path, package: str, only: str | None) -> dict[str, Any]:
    from kedro.framework.project import pipelines

    def load(requested: list[str] | None) -> tuple[dict[str, Any], str | None]:
        """The loaded pipelines, and the first import failure ``find_pipelines`` warned about."""
        set_requested = getattr(pipelines, "set_requested", None)
        if set_requested is not None:
            set_requested(requested)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                loaded = dict(pipelines.items())
            except Exception as exc:
                text, hint = _failure(exc, root)
                raise ExportError(
                    f"cannot load the pipelines of {package!r}: {text}", hint
                ) from exc
        failure = None
        for item in caught:
            message = str(item.message)
            if message.startswith("An error occurred while importing"):
                head, _, tb_text = message.partition("\n\n")
                lines = [line for line in tb_text.splitlines() if line.strip()]
                cause = f" Cause: {lines[-1].strip()}" if lines else ""
                failure = failure or f"{_one_line(head)}{cause}"
            elif requested is None:
                # Shown with --verbose only (the filters of `_quiet` ignore it otherwise).
                warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
        return loaded, failure

    if only is not None:
        # Fast path: import only the requested pipeline package (as `kedro run --pipelines`).
        # A registry with `find_pipelines(raise_errors=True)` raises for a name it cannot
        # find: then, as for any other miss, load them all to say which ones exist.
        with contextlib.suppress(ExportError):
            loaded, failure = load([only])
            if only in loaded and failure is None:
                return {only: loaded[only]}
    loaded, failure = load(None)
    if failure is not None:
        raise ExportError(failure)
    if only is None:
        return loaded
    if only not in loaded:
        names = ", ".join(sorted(loaded)) or "none"
        raise ExportError(
            f"pipeline {only!r} is not registered in {package}.pipeline_registry "
            f"(registered: {names})",
            "pass one of these to --pipeline",
        )
    return {only: loaded[only]}


def build_ir(
    project: str | None,
    env: str | None,
    pipeline: str | None,
    filters: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The IR document of the project at (or above) ``project`` for ``env``; with ``filters``
    (see ``argo_kedro._selection``), its ``selection`` of ``pipeline``."""
    import kedro
    from kedro.pipeline import Pipeline

    from argo_kedro import __version__
    from argo_kedro._ir import dataset_ir, dataset_names, parameter_keys, pipeline_ir
    from argo_kedro._selection import is_empty, selection_ir

    partial = filters is not None and not is_empty(filters)
    if partial and pipeline is None:
        raise ExportError(
            "a filter (--nodes, --from-nodes, --to-nodes, --tags) applies to one pipeline: "
            "pass --pipeline NAME"
        )
    root = _find_project(project)
    metadata = _bootstrap(root)
    loader, env = _config_loader(root, env)
    config = _argo_config(loader, env)
    resolver = _catalog_resolver(loader, env)
    params = _load(loader, "parameters", env, "parameters") or {}
    selected = _pipelines(root, metadata.package_name, pipeline)
    exported = []
    for name in sorted(selected):
        pipe = selected[name]
        if not isinstance(pipe, Pipeline):
            raise ExportError(
                f"pipeline {name!r} of {metadata.package_name}.pipeline_registry is a "
                f"{type(pipe).__name__}, not a kedro Pipeline",
                "make register_pipelines() return kedro Pipelines",
            )
        exported.append(pipeline_ir(name, pipe))
    document: dict[str, Any] = {
        "format": IR_FORMAT,
        "version": IR_VERSION,
        "project": {
            "name": metadata.project_name,
            "package_name": metadata.package_name,
            "kedro_version": kedro.__version__,
            "argo_kedro_version": __version__,
            "env": env,
        },
        "pipelines": exported,
        "datasets": [dataset_ir(n, resolver) for n in dataset_names(selected.values())],
        "parameters": sorted(parameter_keys(params)),
        "config": config,
    }
    if partial and filters is not None and pipeline is not None:
        document["selection"] = selection_ir(pipeline, selected[pipeline], filters)
    return document


def _filters(args: argparse.Namespace) -> dict[str, list[str]]:
    from argo_kedro._selection import split_filter

    return split_filter(
        {
            "nodes": args.nodes,
            "from_nodes": args.from_nodes,
            "to_nodes": args.to_nodes,
            "tags": args.tags,
        }
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parse_args(argv)
    out = sys.stdout
    os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
    if not args.verbose:
        _quiet()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            document = build_ir(args.project, args.env, args.pipeline, _filters(args))
        text = json.dumps(document, indent=args.indent, ensure_ascii=False)
    except ExportError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {_one_line(exc.hint)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("ARGO_KEDRO_DEBUG"):
            traceback.print_exc()
        print(
            f"error: internal error while exporting: {type(exc).__name__}: {_one_line(str(exc))} "
            "(set ARGO_KEDRO_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 2
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")
    return 0


if __name__ == "__main__":
    sys.exit(main())

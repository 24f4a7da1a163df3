"""Two readers of the YAML we write, both PyYAML: its `SafeLoader` (YAML 1.1, the rules of
kubectl's and the argo CLI's go-yaml for the implicit types) and the same loader with the
YAML 1.2 core schema's implicit types (spec 1.2.2, section 10.3.2) in place of YAML 1.1's.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class Core12Loader(yaml.SafeLoader):
    """PyYAML's `SafeLoader` resolving plain scalars by the YAML 1.2 core schema."""


Core12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN)",
        list("-+0123456789."),
    ),
]:
    Core12Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})\Z"), _first
    )


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


Core12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_yaml11(text: str) -> Any:
    """The document as PyYAML's `safe_load` (YAML 1.1) reads it."""
    return yaml.safe_load(text)


def load_yaml12(text: str) -> Any:
    """The document as a YAML 1.2 core-schema reader reads it."""
    return yaml.load(text, Loader=Core12Loader)


def tags(plain: str) -> tuple[str, str]:
    """The tags YAML 1.1 (PyYAML) and the YAML 1.2 core schema give the plain scalar `plain`."""
    implicit = (True, False)
    return (
        yaml.SafeLoader("").resolve(yaml.ScalarNode, plain, implicit),
        Core12Loader("").resolve(yaml.ScalarNode, plain, implicit),
    )


def plain_scalars(text: str) -> list[str]:
    """The plain (unquoted) scalars of `text`."""
    return [
        event.value
        for event in yaml.parse(text)
        if isinstance(event, yaml.ScalarEvent) and event.style is None
    ]

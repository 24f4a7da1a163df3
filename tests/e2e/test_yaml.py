"""YAML that YAML 1.1 readers read the same (issue 12): every YAML the installed binary writes
(`compile`, `submit --dry-run`, `init`'s argo.yml) loads under PyYAML's YAML 1.1 rules (those of
kubectl's and the argo CLI's go-yaml for bools, numbers, dates) and under the YAML 1.2 core
schema to exactly the JSON the binary writes for it.

The strings are every form of every YAML 1.1 implicit type, from the fixture that
`argo_model::yaml` is tested with (`crates/argo-model/tests/fixtures/yaml11_implicit.json`, each
with the tag PyYAML's resolver gives it, checked here against the installed PyYAML).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from e2e_support import EXAMPLES, ROOT, binary, run
from yaml_readers import load_yaml11, load_yaml12, plain_scalars, tags

FIXTURE = ROOT / "crates" / "argo-model" / "tests" / "fixtures" / "yaml11_implicit.json"
FORMS: list[dict[str, str]] = json.loads(FIXTURE.read_text())
TEXTS = [form["text"] for form in FORMS]
SNAPSHOT = ROOT / "crates/argo-model/tests/it/yaml/snapshots/it__yaml__fixture__yaml11_forms.snap"
# Random strings of the characters YAML treats specially, for PyYAML's own scanner.
ALPHABET = [
    *"yYnNoOtTfFeExXbB019+-._:~<=#!&*|>'\"%@`,?{}[] \t\n\r\\a",
    *["\u0085", "\u2028", "\u2029", "\ufeff", "\u00a0", "\u00e9", "\U0001f600", "\u007f"],
]
RANDOM_TEXTS = [
    "".join(random.Random(seed).choices(ALPHABET, k=random.Random(-seed).randint(1, 12)))
    for seed in range(1, 400)
]
# A Kubernetes name, label key (without prefix) or label value.
NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")


def test_fixture_tags_are_the_ones_pyyaml_resolves() -> None:
    resolver = yaml.resolver.Resolver()
    wrong = [
        (form["text"], form["pyyaml"], tag)
        for form in FORMS
        if (tag := resolver.resolve(yaml.ScalarNode, form["text"], (True, False)))
        != f"tag:yaml.org,2002:{form['pyyaml']}"
    ]
    assert wrong == []
    assert {form["pyyaml"] for form in FORMS} >= {
        "bool", "int", "float", "null", "timestamp", "merge", "value", "str"
    }  # fmt: skip


def test_pyyaml_reads_every_form_as_argo_model_wrote_it() -> None:
    """The Rust test `yaml::fixture` snapshots `argo_model::yaml`'s text of every form."""
    text = SNAPSHOT.read_text().split("\n---\n", 1)[1]
    assert load_yaml11(text) == TEXTS
    assert load_yaml12(text) == TEXTS
    assert {"- 'on'", "- '1:30'", "- '2024-01-01'", "- '<<'", "- '='"} <= set(text.splitlines())


def project_with_strings(tmp_path: Path) -> Path:
    """The example project with every form in `argo.yml`: as values of `template.environment`
    and of a custom template's env (with random strings too), as annotations and labels (keys and
    values, where Kubernetes allows them), and as the namespace. The file is written as JSON,
    which every YAML reader (Kedro's too) reads alike."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES[0], project, ignore=shutil.ignore_patterns("data", "logs"))
    argo_yml = project / "conf" / "base" / "argo.yml"
    config: dict[str, Any] = yaml.safe_load(argo_yml.read_text())
    template = config["template"]
    template["environment"] += [{"name": f"V{i}", "value": t} for i, t in enumerate(TEXTS)]
    template["templates"][0]["container"]["env"] += [
        {"name": f"C{i}", "value": t} for i, t in enumerate(TEXTS + RANDOM_TEXTS)
    ]
    names = [t for t in TEXTS if NAME.fullmatch(t)]
    lines = "\n".join(t for t in TEXTS if "\t" not in t)  # a literal block (a tab is escaped)
    config["annotations"] = {**{t: t for t in names}, "all": lines, "all-nl": lines + "\n"}
    config["labels"] = {t: t for t in names}
    config["namespace"] = "off"
    argo_yml.write_text(as_yaml_json(config))
    return project


def as_yaml_json(value: Any) -> str:
    """`value` as JSON that YAML readers read: a character beyond U+FFFF as one `\\U` escape
    (YAML has no surrogate pairs)."""

    def astral(pair: re.Match[str]) -> str:
        char = bytes.fromhex(pair[1] + pair[2]).decode("utf-16-be")
        return f"\\U{ord(char):08x}"

    return re.sub(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", astral, json.dumps(value))


def check_alike(yaml_text: str, json_text: str) -> Any:
    """Both readers load `yaml_text` as the JSON of `json_text`; the JSON value."""
    expected = json.loads(json_text)
    assert load_yaml11(yaml_text) == expected
    assert load_yaml12(yaml_text) == expected
    return expected


def test_compile_yaml_reads_as_its_json_under_yaml_1_1_and_1_2(tmp_path: Path) -> None:
    project = project_with_strings(tmp_path)
    params = ["--params", "top_n_companies=1_000,price_currency_rate=1:30", "-e", "base"]
    as_yaml = run([binary(), "compile", *params, "--format", "yaml"], project)
    assert as_yaml.returncode == 0, as_yaml.stderr
    as_json = run([binary(), "compile", *params, "--format", "json"], project)
    assert as_json.returncode == 0, as_json.stderr
    workflow = check_alike(as_yaml.stdout, as_json.stdout)

    # The forms are in the manifest, so the comparison covers them.
    env_values = {
        env["value"]
        for template in workflow["spec"]["templates"]
        for env in template.get("container", {}).get("env", [])
        if "value" in env
    }
    assert set(TEXTS + RANDOM_TEXTS) <= env_values
    annotations = workflow["metadata"]["annotations"]
    assert {"yes", "on", "y", "1_000", "0x1F", "2024-01-01", "1.0"} <= annotations.keys()
    assert workflow["metadata"]["namespace"] == "off"
    assert "value: 'on'" in as_yaml.stdout and "'yes': 'yes'" in as_yaml.stdout
    assert "all: |-\n" in as_yaml.stdout and "all-nl: |\n" in as_yaml.stdout
    # Every plain scalar has one type under both rule sets.
    disagree = [(p, *tags(p)) for p in plain_scalars(as_yaml.stdout) if len(set(tags(p))) > 1]
    assert disagree == []


def test_submit_dry_run_prints_yaml_that_reads_as_its_json(tmp_path: Path) -> None:
    project = project_with_strings(tmp_path)
    args = ["submit", "-e", "base", "--dry-run", "--no-build", "--name", "on"]
    as_yaml = run([binary(), *args], project)
    assert as_yaml.returncode == 0, as_yaml.stderr
    as_json = run([binary(), *args, "--format", "json"], project)
    assert as_json.returncode == 0, as_json.stderr
    workflow = check_alike(as_yaml.stdout, as_json.stdout)
    assert workflow["metadata"]["name"] == "on"

    written = run([binary(), *args, "-o", "wf.yaml"], project)
    assert written.returncode == 0, written.stderr
    check_alike((project / "wf.yaml").read_text(), as_json.stdout)


def test_init_writes_an_argo_yml_that_yaml_1_1_and_1_2_read_alike(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES[0], project, ignore=shutil.ignore_patterns("data", "logs"))
    out = run([binary(), "init", "--env", "fresh"], project)
    assert out.returncode == 0, out.stderr
    text = (project / "conf" / "fresh" / "argo.yml").read_text()
    config = load_yaml11(text)
    assert config["default_machine_type"] == "default"
    assert load_yaml12(text) == config

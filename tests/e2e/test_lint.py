"""`argo-kedro lint` on the manifests of upstream's `validate_test.go` and `validate_dag_test.go`
(crates/argo-model/tests/fixtures/validate): each manifest that breaks one rule of Argo's
`validate.go` exits 1 with a finding naming the rule; each manifest upstream accepts exits 0.

Every fixture names its expectation in a `# expect:` line: `ok`, or the rules its errors may
have (the first one must be among them). Earlier documents of a fixture are the WorkflowTemplates
the last one references: their errors count in the exit code too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from e2e_support import ROOT, binary, run

FIXTURES = sorted((ROOT / "crates/argo-model/tests/fixtures/validate").glob("*.yaml"))


def expected(path: Path) -> list[str]:
    """The rules the fixture expects (empty: none)."""
    match = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path.name} has no `# expect:` line"
    rules = match.group(1).split()
    return [] if rules == ["ok"] else rules


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) > 200


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_lint_exit_code_and_rule(fixture: Path) -> None:
    want = expected(fixture)
    out = run([binary(), "lint", "--format", "json", str(fixture)], ROOT)
    documents = json.loads(out.stdout)[0]["documents"]
    errors = [f for f in documents[-1]["findings"] if f["severity"] == "error"]
    # Earlier documents are WorkflowTemplates the last one references, linted too.
    earlier = any(f["severity"] == "error" for d in documents[:-1] for f in d["findings"])
    if not want:
        assert out.returncode == (1 if earlier else 0), out.stdout + out.stderr
        assert errors == []
    else:
        assert out.returncode == 1, out.stdout + out.stderr
        assert want[0] in {f["rule"] for f in errors}, errors
        assert all(f["rule"] in want for f in errors), errors

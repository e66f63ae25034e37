"""The GitHub workflow (.github/workflows/site.yml) is valid and does what the README says: it
runs `make test` on every push and pull request and publishes the built site from main."""

from __future__ import annotations

import yaml

from docsite.config import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_workflow_tests_every_push_and_deploys_main_to_pages():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)

    test, deploy = workflow["jobs"]["test"], workflow["jobs"]["deploy"]
    assert any(step.get("run", "").startswith("make test") for step in steps(test))
    uploads = [
        s for s in steps(test) if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert len(uploads) == 1 and uploads[0]["with"]["path"] == "site"  # mkdocs' site_dir
    assert any(s.get("run") == "make build" for s in steps(test))

    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"] and "refs/heads/main" in uploads[0]["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy))


def test_workflow_runs_the_suite_on_debian_and_on_ubuntu_itself_with_each_python():
    """A matrix: Debian's container (Python 3.11, the published build) and Ubuntu's runner with
    no container, so the set-up a contributor on Ubuntu meets (no apt Chromium) is tested too."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    test = workflow["jobs"]["test"]
    entries = test["strategy"]["matrix"]["include"]
    assert test["container"] == "${{ matrix.container }}"
    assert any(entry["container"].startswith("python:3.11-bookworm") for entry in entries)
    on_ubuntu = [entry for entry in entries if entry["container"] == ""]
    assert {entry["python"] for entry in on_ubuntu} == {"3.12", "3.13"}
    assert test["runs-on"].startswith("ubuntu-")
    (make_test,) = [s for s in steps(test) if s.get("run", "").startswith("make test")]
    assert "PYTHON=python${{ matrix.python" in make_test["run"]

"""The GitHub workflow (.github/workflows/site.yml) is valid and does what the README says: it
runs `make test` on every push and pull request and publishes the built site from main."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "site.yml"


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_workflow_tests_every_push_and_deploys_main_to_pages():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)

    test, deploy = workflow["jobs"]["test"], workflow["jobs"]["deploy"]
    assert any(step.get("run") == "make test" for step in steps(test))
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

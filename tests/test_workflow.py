"""The GitHub workflow (.github/workflows/site.yml) is valid and does what the README says: it
runs `make test` on every push and pull request, link-checks the built site and publishes it from
main. And it is safe as zizmor (pinned in requirements.txt) audits it offline: actions pinned by
commit, no token left in the checkout, each job only the permissions it needs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docsite.config import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
TORCH_WORKFLOW = ROOT / ".github" / "workflows" / "torch-versions.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


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


def zizmor_findings(workflow: Path) -> list[str]:
    """zizmor's findings (offline audits, its default persona and severities) on a workflow file,
    one line each: 'audit (severity) line N: what: the YAML it is about'."""
    zizmor = Path(sys.executable).with_name("zizmor")
    assert zizmor.is_file(), f"{zizmor} is missing: `make setup` installs it (requirements.txt)"
    run = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--no-exit-codes", "--format", "json", workflow],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"zizmor failed on {workflow}:\n{run.stderr}"
    findings = []
    for finding in json.loads(run.stdout):
        if finding.get("ignored"):
            continue
        primary = next(
            (loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary"),
            finding["locations"][0],
        )
        concrete = primary["concrete"]
        findings.append(
            f"{finding['ident']} ({finding['determinations']['severity'].lower()}) "
            f"line {concrete['location']['start_point']['row'] + 1}: {finding['desc']}: "
            f"{primary['symbolic']['annotation']}: {concrete['feature'].strip()}"
        )
    return findings


def test_zizmor_finds_nothing_to_fix_in_the_workflows():
    """Actions pinned by commit, no token left in the checkout, least permissions per job."""
    assert WORKFLOW in WORKFLOWS and TORCH_WORKFLOW in WORKFLOWS
    for workflow in WORKFLOWS:
        findings = zizmor_findings(workflow)
        assert not findings, f"zizmor --offline finds {len(findings)} in {workflow}:\n" + (
            "\n".join(findings)
        )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_every_action_is_pinned_by_commit_with_its_release_tag_beside_it(workflow):
    text = workflow.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:- )?uses:\s*(\S+)(.*)$", text, re.M)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), f"{action}: no `# vX.Y.Z` beside it"


def test_zizmor_reports_a_tag_pinned_action_and_a_checkout_that_keeps_its_token(tmp_path):
    """The check above can fail: the workflow with checkout pinned by tag and keeping its token."""
    text = WORKFLOW.read_text(encoding="utf-8")
    bad = re.sub(r"actions/checkout@[0-9a-f]{40} # \S+", "actions/checkout@v4", text)
    bad = bad.replace("        with:\n          persist-credentials: false\n", "")
    assert bad.count("actions/checkout@v4") == 1 and "persist-credentials" not in bad
    (tmp_path / "site.yml").write_text(bad, encoding="utf-8")

    findings = zizmor_findings(tmp_path / "site.yml")
    assert len(findings) == 2, findings
    assert findings[0].startswith("artipacked (medium)"), findings
    assert findings[1].startswith("unpinned-uses (high)"), findings
    assert all("actions/checkout@v4" in finding for finding in findings), findings


def test_each_job_gets_only_the_permissions_it_needs():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["test"]["permissions"] == {"contents": "read"}
    (checkout,) = [
        s
        for s in steps(workflow["jobs"]["test"])
        if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkout["with"]["persist-credentials"] is False


def test_the_published_build_is_link_checked_as_github_pages_serves_it():
    """After `make build`, the Debian job serves the site under its base path and runs the
    pinned LinkChecker on it with anchors checked (tests/test_shipped_urls.py is its quick part)."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    test = steps(workflow["jobs"]["test"])
    build = next(i for i, s in enumerate(test) if s.get("run") == "make build")
    check = test[build + 1]
    assert check["if"] == test[build]["if"] == "matrix.container != ''"
    script = check["run"]
    assert "tools.serve_site site" in script and "config.site().base_path" in script
    assert "[AnchorCheck]" in script and ".venv/bin/linkchecker --config" in script
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^linkchecker==\S+$", requirements, re.M | re.I)
    assert re.search(r"^zizmor==\S+$", requirements, re.M)


def test_the_torch_matrix_runs_the_recorded_releases_and_weekly_the_newest():
    """make test-torch on each release docs/torch-versions.json records as the same on every page
    (read from the record, never typed), on push, pull request and weekly; and weekly the newest
    torch unpinned. Its own job, so `make test` does not grow."""
    workflow = yaml.safe_load(TORCH_WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    assert len(cron.split()) == 5 and cron.split()[2:4] == ["*", "*"] and cron.split()[4] != "*"
    jobs = workflow["jobs"]
    assert "docs/torch-versions.json" in jobs["recorded"]["steps"][1]["run"]
    matrix = jobs["torch"]["strategy"]["matrix"]["torch"]
    assert matrix == "${{ fromJSON(needs.recorded.outputs.torch) }}"
    assert any("make test-torch TORCH=" in s.get("run", "") for s in steps(jobs["torch"]))
    assert "schedule" in jobs["latest"]["if"]
    assert any(s.get("run") == "make test-torch TORCH=latest" for s in steps(jobs["latest"]))
    assert workflow["permissions"] == {}
    for job in jobs.values():
        assert job["permissions"] == {"contents": "read"}

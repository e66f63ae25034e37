"""The cheat sheet (docs/cheatsheet.md) lists every torch API the pages call, and nothing else.

The calls come from the suite's own CPU run of each page (the `page_runs` fixture: the same run
test_pages.py compares outputs with, which records the calls, docsite/page_worker.py); no page
runs again here. docsite/cheatsheet.py names each call publicly; docs/api-calls.json records each
page's first use of each API, and the sheet is made from that record by `make update-outputs`.
The sheet's links to sections and pages are checked with every other page's by the build
(`mkdocs build --strict` validates anchors) and the browser tests (tests/test_browser.py).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from docsite import cheatsheet, config, page_worker
from docsite import pages as docpages
from tests.scratch_project import copy_project, run_pytest

PAGES = {page.name: page for page in docpages.pages_with_code()}
# The session's page runs record the calls (tests/conftest.py: page_runs).
pytestmark = pytest.mark.api_calls


@pytest.mark.parametrize("page", PAGES.values(), ids=list(PAGES))
def test_the_cheat_sheet_lists_what_the_page_calls(page, page_runs, request):
    """Every torch API the page's run called is on the sheet for it, with its first call and
    section; every API the sheet lists for it, the page calls."""
    if request.config.getoption("--update-outputs"):
        return  # docsite/update.py rewrites the record and the sheet from this run
    run = page_runs.get(page, "cpu")
    assert run.calls, "the session's page runs record no calls: mark the test api_calls"
    run.run_all()
    failed = next((r.error for r in run.results if r.error), None)
    assert failed is None, f"{page.relpath} did not run to its end (its blocks' tests say why)"
    problems = cheatsheet.problems(run, cheatsheet.recorded())
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_calls_of_the_processes_a_page_starts_are_listed(page_runs):
    """Going further 3's workers run only in the processes torchrun starts: their calls are
    recorded there (docsite/page_worker.py: record_in_child) and found at the worker's lines,
    with the methods of locals that no reading of the text could name."""
    page = PAGES["further03-more-processes.md"]
    run = page_runs.get(page, "cpu")
    run.run_all()
    found = {use.api: use for use in cheatsheet.page_uses(run)}
    worker = config.ROOT / "snippets" / "ddp_worker.py"
    lines = worker.read_text(encoding="utf-8").splitlines()
    for api, call in (
        ("torch.nn.parallel.DistributedDataParallel.no_sync", "model.no_sync()"),
        ("torch.Tensor.chunk", "X.chunk(world_size)"),
        ("torch.distributed.all_reduce", "dist.all_reduce(t, op=dist.ReduceOp.SUM)"),
    ):
        assert api in found, sorted(found)
        assert found[api].call == call, found[api]
        assert any(call in line for line in lines), f"{call} is not in {worker.name}"
    listed = {use["api"] for use in cheatsheet.recorded()["pages"][page.name]}
    assert "torch.nn.parallel.DistributedDataParallel.no_sync" in listed


def test_a_recorded_process_still_runs_the_sitecustomize_it_would_have(tmp_path):
    """The folder that makes a page's processes record their calls comes first on their
    PYTHONPATH, as a module named `sitecustomize`: the one Python would have found without it (a
    distribution's, say) still runs, as that module, and the calls are recorded as well."""
    other, calls, work = tmp_path / "other", tmp_path / "calls", tmp_path / "work"
    for folder in (other, calls, work):
        folder.mkdir()
    (other / "sitecustomize.py").write_text("SEEN = 'the distribution sitecustomize'\n")
    child = work / "child.py"
    child.write_text(
        "import sitecustomize, torch\nprint(sitecustomize.SEEN, torch.ones(2).sum().item())\n"
    )
    env = {
        **os.environ,
        page_worker.CHILD_CALLS: str(calls),
        page_worker.CHILD_FILES: str(child),
        "PYTHONPATH": os.pathsep.join([page_worker.CHILD_SITE, str(other)]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "child"], cwd=work, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "the distribution sitecustomize 2.0\n"
    (recorded,) = calls.glob("*.json")
    names = {call["qualname"] for call in json.loads(recorded.read_text("utf-8"))["calls"]}
    assert "_VariableFunctionsClass.ones" in names, names


def test_every_name_on_the_cheat_sheet_resolves_in_the_installed_torch():
    problems = cheatsheet.unresolved(cheatsheet.recorded(), PAGES)
    assert not problems, "\n".join(problems)


def test_the_cheat_sheet_is_made_from_the_record():
    """docs/cheatsheet.md is exactly what `make update-outputs` writes from docs/api-calls.json
    (never edited by hand), and is in the nav."""
    made = cheatsheet.render(cheatsheet.recorded())
    assert config.CHEATSHEET.read_text(encoding="utf-8") == made, (
        f"{config.CHEATSHEET.relative_to(config.ROOT)} is not what {cheatsheet.API_CALLS_NAME} "
        f"makes: run `{config.UPDATE_COMMAND}` (the sheet is generated, not edited)"
    )
    assert config.CHEATSHEET.name in config.site().nav_pages


def test_the_check_names_an_api_missing_from_the_sheet_or_no_longer_called(page_runs):
    """The intro's own run (the suite's) against records with one API left out, and with one
    the page does not call."""
    page = PAGES[config.INTRO_PAGE]
    run = page_runs.get(page, "cpu")
    run.run_all()
    record = copy.deepcopy(cheatsheet.recorded())
    left_out = record["pages"][page.name].pop(1)
    problems = cheatsheet.problems(run, record)
    assert len(problems) == 1, problems
    assert problems[0].startswith("docs/index.md:"), problems
    assert (
        f"calls {left_out['api']} (`{left_out['call']}`), which the cheat sheet misses"
        in (problems[0])
    )
    record = copy.deepcopy(cheatsheet.recorded())
    record["pages"][page.name].append({"api": "torch.cumsum", "call": "x.cumsum(0)", "section": ""})
    problems = cheatsheet.problems(run, record)
    assert problems == [
        "docs/index.md: the cheat sheet lists torch.cumsum (`x.cumsum(0)`) for index.md, which "
        f"the page no longer calls; run `{config.UPDATE_COMMAND}`"
    ]


def test_a_name_that_no_longer_resolves_fails_naming_the_page_and_line():
    record = copy.deepcopy(cheatsheet.recorded())
    page, uses = next(iter(record["pages"].items()))
    uses[0]["api"] = uses[0]["api"] + "_gone"
    problems = cheatsheet.unresolved(record, PAGES)
    assert len(problems) == 1 and f"{uses[0]['api']}, on the cheat sheet" in problems[0]
    assert problems[0].startswith(f"docs/{page}:"), problems


@pytest.mark.runs_long
def test_a_page_calling_a_new_api_fails_until_the_sheet_is_regenerated(tmp_path):
    """On a scratch copy, Part 1 calls torch.cumsum, which no page calls: the page's check
    names the API and the page's line; `--update-outputs` on that page adds it to the record
    and the sheet; then the check passes and the sheet lists it under Part 1. One page runs in
    each of the three sessions."""
    project = copy_project(tmp_path / "project")
    module = project / config.module_path("part01-tensors.md")
    text = module.read_text(encoding="utf-8")
    first_end = text.index("# --8<-- [end:")
    new_line = "_running_total = torch.cumsum(torch.ones(3), dim=0)  # prints nothing\n"
    module.write_text(text[:first_end] + new_line + text[first_end:], encoding="utf-8")
    assert "torch.cumsum" not in config.CHEATSHEET.read_text(encoding="utf-8")
    line = text[:first_end].count("\n") + 1  # the new line, in the snippet file

    check = run_pytest(project, module="tests/test_cheatsheet.py", select="part01")
    assert check.returncode == 1, check.stdout + check.stderr
    assert (
        f"(code from {config.module_path('part01-tensors.md')}:{line}) calls torch.cumsum "
        "(`torch.cumsum(torch.ones(3), dim=0)`), which the cheat sheet misses"
    ) in check.stdout, check.stdout
    assert "docs/part01-tensors.md:" in check.stdout

    update = run_pytest(project, "--update-outputs", select="part01")
    assert update.returncode == 0, update.stdout + update.stderr
    again = run_pytest(project, module="tests/test_cheatsheet.py", select="part01 or made")
    assert again.returncode == 0, again.stdout + again.stderr
    sheet = (project / config.CHEATSHEET.relative_to(config.ROOT)).read_text(encoding="utf-8")
    part01 = sheet.split("\n## ")[2]  # the intro's group, then Part 1's
    assert part01.startswith("Part 1") and "`torch.cumsum(torch.ones(3), dim=0)`" in part01

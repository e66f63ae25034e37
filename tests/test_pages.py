"""Every code block of every page runs, and prints exactly what the page shows.

Each page runs in a brand-new Python process (docsite/page_worker.py), with nothing set up first.

Adding an example needs no code here: a snippet section, an include line on a page, and
`make update-outputs` to write its output from a real run.
"""

from __future__ import annotations

import difflib
import json

import pytest

from docsite import config, prose, running, verified
from docsite import pages as docpages
from tests.conftest import BLOCK_EXECUTED

PAGES = {page.path: page for page in docpages.pages()}
BLOCKS = [block for page in PAGES.values() for block in page.blocks]


def _diff(expected: str, actual: str, block: docpages.Block) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        fromfile=f"{block.page.relpath}:{block.page_line} (output shown on the page)",
        tofile="output of a real run",
    )
    return "".join(lines)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(block: docpages.Block, device: str, page_runs, request, record_property):
    run = page_runs.get(block.page, device)
    result = run.result(block.index)
    if run.failed_before(block.index) is None:
        record_property(BLOCK_EXECUTED, device)
    problem = run.problem(block)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    if request.config.getoption("--update-outputs"):
        return
    expected, actual = block.expected or "", result.output
    if device != "cpu":
        if result.random_so_far:
            return  # CUDA draws different random numbers than the CPU: running is the check
        expected, actual = running.normalise_device(expected), running.normalise_device(actual)
    if actual and block.expected is None:
        pytest.fail(
            f"{block.where()} prints output that the page does not show; "
            "run `make update-outputs` to add it:\n" + actual,
            pytrace=False,
        )
    if expected != actual:
        pytest.fail(
            f"{block.where()}: the page's output differs from a real run on {device} "
            "(if the code change is intended, run `make update-outputs`):\n"
            + _diff(expected, actual, block),
            pytrace=False,
        )


@pytest.mark.parametrize("page", PAGES.values(), ids=[p.name for p in PAGES.values()])
def test_every_python_block_is_executed(page: docpages.Page):
    problems = docpages.unexecuted_python_fences(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES.values(), ids=[p.name for p in PAGES.values()])
def test_generated_files_are_current(page: docpages.Page, page_runs, request):
    """Files a page's code writes (plots) are committed under docs/generated/<page>/, unchanged."""
    written = page_runs.get(page, "cpu").written_files()
    folder = config.GENERATED / page.stem
    if request.config.getoption("--update-outputs"):
        return  # docsite/update.py writes them at the end of the session
    committed = running.committed_files(page)
    stale = sorted(
        name
        for name in written.keys() | committed.keys()
        if written.get(name) != committed.get(name)
    )
    assert not stale, (
        f"{page.relpath}: generated files differ from a real run ({', '.join(stale)} under "
        f"{folder.relative_to(config.ROOT)}); run `make update-outputs`"
    )


def test_outputs_record_the_torch_that_verified_them(request):
    """The version shown on every page is the one the outputs were produced with."""
    current = verified.this_setup()
    if request.config.getoption("--update-outputs"):
        return  # docsite/update.py writes it at the end of the session
    recorded = json.loads(config.VERIFIED_WITH.read_text(encoding="utf-8"))
    # The release must match; the build may differ (2.13.0+cpu, PyPI's CUDA build 2.13.0 on
    # Linux, 2.13.0 on macOS), and the CPU outputs must not: the pages' comparisons say so.
    release = current["torch"].split("+")[0]
    assert recorded["torch"].split("+")[0] == release, (
        f"the pages' outputs were verified with torch {recorded['torch']}, "
        f"but this is torch {current['torch']}: install the pinned version"
    )


@pytest.mark.parametrize("page", PAGES.values(), ids=[p.name for p in PAGES.values()])
def test_prose_states_what_the_run_printed(page: docpages.Page, device: str, page_runs, request):
    """Each result the prose states (docsite/prose.py) is the value this run printed, and the
    value the page's output block shows."""
    if request.config.getoption("--update-outputs"):
        return  # docsite/update.py rewrites them from the outputs it writes
    problems = prose.disagreements(page)
    bindings, _ = prose.parse(page)
    if bindings:
        run = page_runs.get(page, device)
        outputs = {}
        for block in page.blocks:
            result = run.result(block.index)
            if result.error is not None or (device != "cpu" and result.random_so_far):
                continue  # a failing block fails its own test; CUDA draws other numbers
            outputs[block.index] = (
                result.output if device == "cpu" else running.normalise_device(result.output)
            )
        problems += prose.mismatches(page, outputs, f"a real run on {device}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.parametrize("page", PAGES.values(), ids=[p.name for p in PAGES.values()])
def test_no_result_is_typed_by_hand_in_prose(page: docpages.Page):
    """A number in prose that the page also prints is bound to the run or marked as a fact."""
    found = prose.unbound(page)
    if found:
        pytest.fail("\n".join(r.describe() for r in found), pytrace=False)

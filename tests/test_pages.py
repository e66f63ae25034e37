"""Every code block of every page runs, and prints exactly what the page shows.

Each page runs in a brand-new Python process (docsite/page_worker.py), with nothing set up first.

Adding an example needs no code here: a snippet section, an include line on a page, and
`make update-outputs` to write its output from a real run.
"""

from __future__ import annotations

import difflib
import json
import platform
import shutil

import pytest
import torch

from docsite import config, running, update
from docsite import pages as docpages

PAGES = {path: docpages.load_page(path) for path in docpages.all_pages()}
BLOCKS = [block for page in PAGES.values() for block in page.blocks]
_runs: dict[tuple[str, str], running.PageRun] = {}


def page_run(page: docpages.Page, device: str) -> running.PageRun:
    key = (page.name, device)
    if key not in _runs:
        _runs[key] = running.PageRun(page, device)
    return _runs[key]


def _diff(expected: str, actual: str, block: docpages.Block) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        fromfile=f"{block.page.relpath}:{block.page_line} (output shown on the page)",
        tofile="output of a real run",
    )
    return "".join(lines)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(block: docpages.Block, device: str, request):
    run = page_run(block.page, device)
    result = run.result(block.index)
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
def test_generated_files_are_current(page: docpages.Page, request):
    """Files a page's code writes (plots) are committed under docs/generated/<page>/, unchanged."""
    written = page_run(page, "cpu").written_files()
    folder = config.GENERATED / page.stem
    if request.config.getoption("--update-outputs"):
        shutil.rmtree(folder, ignore_errors=True)
        for name, content in written.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        return
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
    current = {
        "torch": torch.__version__,
        "device": "cpu",
        "python": platform.python_version(),
    }
    path = config.DOCS / "verified-with.json"
    if request.config.getoption("--update-outputs"):
        path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
        return
    recorded = json.loads(path.read_text(encoding="utf-8"))
    # The release must match; the build may differ (2.13.0+cpu, PyPI's CUDA build 2.13.0 on
    # Linux, 2.13.0 on macOS), and the CPU outputs must not: the pages' comparisons say so.
    release = current["torch"].split("+")[0]
    assert recorded["torch"].split("+")[0] == release, (
        f"the pages' outputs were verified with torch {recorded['torch']}, "
        f"but this is torch {current['torch']}: install the pinned version"
    )


def pytest_sessionfinish_hook(config) -> None:  # called from conftest
    if not config.getoption("--update-outputs"):
        return
    for page in PAGES.values():
        run = _runs.get((page.name, "cpu"))
        if run is None or len(run.results) < len(page.blocks):
            continue  # only pages that ran completely are rewritten
        if any(r.error or r.unseeded_draw for r in run.results):
            continue
        on_disk = page.path.read_text(encoding="utf-8")
        if on_disk.splitlines() != page.lines:
            print(f"\nnot updated: {page.relpath} changed while the tests ran; run again")
            continue
        text = update.rewrite_outputs(page, [r.output for r in run.results])
        if text != on_disk:
            page.path.write_text(text, encoding="utf-8")
            print(f"\nupdated {page.relpath}")

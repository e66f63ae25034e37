"""Each page, run as a reader runs it, prints the page byte for byte, on every code path here.

A page's ```python blocks, copied in order into one script, run by a brand-new `python` with
nothing else before them (no seed, no settings, no harness), must print exactly the page's
outputs, one after the other, write exactly the plots committed under docs/generated/<page>/, and
print nothing on stderr. Every page is run under each variant of the machine's arithmetic this
machine can produce (docsite/variants.py): the outputs must not depend on the CPU's
instruction set, MKL's code path, the thread count or the run. Where a value is round-off noise,
the page must print something else; the comparison stays exact.

Each variant is one run of every page, and no run is made twice (docsite/variants.py): the
variant as installed is the page run of tests/test_pages.py (the same blocks in one process, one
by one, forked from a Python that has only imported torch), read here rather than run again; the
variant on one thread starts a real new interpreter per page (FRESH); the one with MKL's portable
path runs every notebook (tests/test_notebooks.py); the others are forked.
"""

from __future__ import annotations

import difflib
import os
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from docsite import config, forked, prose, running
from docsite import pages as docpages
from docsite.running import PageRun
from docsite.variants import AS_INSTALLED, FRESH, IN_NOTEBOOKS, VARIANTS
from tests.conftest import ONE_THREAD_SECONDS, in_worker, once_per_session

PAGES = list(docpages.pages_with_code())
SCRIPT_TIMEOUT = 900  # seconds for one page


# Where each variant runs (docsite/variants.py): as installed, the session's page run
# (tests/test_pages.py), read here; on one thread (FRESH), a real new interpreter per page
# (`python page.py`), its times the pages' one-thread times, start-up included, as `make
# time-pages` measures them; IN_NOTEBOOKS, the notebooks' kernels (tests/test_notebooks.py), not
# here; the others, a child forked from a Python that has imported torch with their settings and
# nothing else.
READER_VARIANTS = [name for name in VARIANTS if name != IN_NOTEBOOKS]


CORE_ONLY = "without its collapsed blocks"  # a hurried reader's run: no "Going deeper"
CORE_PAGES = [page for page in PAGES if any(block.optional for block in page.blocks)]


def blocks_run(page: docpages.Page, variant: str) -> list[docpages.Block]:
    if variant == CORE_ONLY:
        return [block for block in page.blocks if not block.optional]
    return page.blocks


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    files: dict[str, bytes]
    seconds: float  # wall time of the python process


def run_as_script(page: docpages.Page, variant: str, fresh: bool | None = None) -> Run:
    """The page as one script, by a new `python` (`fresh`; by default the variant FRESH only)
    or by a child forked from a Python that has only imported torch with the variant's settings
    (docsite/fork_server.py)."""
    env = VARIANTS.get(variant, {})
    fresh = variant == FRESH if fresh is None else fresh
    with tempfile.TemporaryDirectory(prefix=f"reader-{page.path.stem}-") as folder:
        workdir = Path(folder)
        name = running.script_name(page)
        (workdir / name).write_text(running.script(blocks_run(page, variant)), encoding="utf-8")
        started = time.monotonic()
        done = forked.run(
            [name], workdir, running.reader_env(env), timeout=SCRIPT_TIMEOUT, fresh=fresh
        )
        seconds = time.monotonic() - started
        files = running.files_under(workdir, skip=lambda path: path.name == name)
    return Run(done.returncode, done.stdout, done.stderr, files, seconds)


def from_page_run(run: PageRun) -> Run:
    """The session's page run (its blocks one by one in one process) as a run of the script:
    what the blocks printed until the first that raised, and that block's error on stderr."""
    results = run.run_all()
    outputs, error = [], None
    for result in results:
        outputs.append(result.output)
        if result.error is not None:
            error = result.error
            break
    stderr = run.stderr + (error or "")
    return Run(int(error is not None), "".join(outputs), stderr, run.written_files(), run.seconds)


def mismatch(page: docpages.Page, variant: str, run: Run) -> str | None:
    """What differs from the page, naming the page, the block's line and a diff; None if nothing."""
    where = f"{page.relpath} run as one script by a new python ({variant})"
    if variant == AS_INSTALLED:
        where = f"{page.relpath} run by the page run of tests/test_pages.py ({variant})"
    if run.returncode != 0:
        return f"{where} exited with status {run.returncode}:\n{run.stderr}"
    if run.stderr:
        return f"{where} printed on stderr, which the page does not show:\n{run.stderr}"
    blocks = blocks_run(page, variant)
    expected = "".join(block.expected or "" for block in blocks)
    if run.stdout != expected:
        block = running.first_differing_block(blocks, run.stdout)
        # The sentences that state a value this run printed otherwise (docsite/prose.py).
        outputs = prose.split_output(page, blocks, run.stdout)
        stated = prose.mismatches(page, outputs, f"a new python ({variant})")
        if stated:
            where = "\n".join(stated) + "\n" + where
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            run.stdout.splitlines(keepends=True),
            fromfile=f"{page.relpath} (the page's outputs, in order)",
            tofile=f"a new python ({variant})",
        )
        if variant == CORE_ONLY:
            return (
                f"{where} prints something else, from {block.where()} on: a block on the core "
                "path depends on a collapsed block above it (a name, a changed object, random "
                "numbers drawn); every collapsed block must stay optional:\n" + "".join(diff)
            )
        return (
            f"{where} prints something else, from {block.where()} on; where the difference "
            "is round-off noise, print what carries meaning instead:\n" + "".join(diff)
        )
    stale = running.differing_files(page, run.files, all_committed=variant != CORE_ONLY)
    if stale:
        folder = (config.GENERATED / page.stem).relative_to(config.ROOT)
        return f"{where} writes other files than those under {folder}: {', '.join(stale)}"
    return None


class Runs:
    """The (page, variant) runs of the session's selected tests.

    In one process, all of them start at once on every core (threads each waiting on a python),
    and each test reads its own; in a pytest-xdist worker, a run starts when a test first asks
    for it, since the other workers keep the other cores busy, and once for the whole session
    (`share`): two tests read the fresh run (the page's own and the fork's comparison), often in
    different workers. The variant as installed is the session's page run (`page_runs`)."""

    def __init__(self, wanted: list[tuple[docpages.Page, str]], at_once: bool, share, page_runs):
        self._share = share
        self._page_runs = page_runs
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1) if at_once else None
        self._futures = {}
        if self._pool is not None:
            for page, variant in wanted:
                key = (page.name, variant)
                if variant != AS_INSTALLED:  # the page run starts with its own fixture
                    self._futures[key] = self._pool.submit(run_as_script, page, variant)

    def get(self, page: docpages.Page, variant: str) -> Run:
        if variant == AS_INSTALLED:
            return from_page_run(self._page_runs.get(page))
        key = (page.name, variant)
        if key not in self._futures:  # in a worker: run it now, once for the session
            self._futures[key] = Future()
            run = self._share(f"reader-{page.name}-{variant}", lambda: run_as_script(page, variant))
            self._futures[key].set_result(run)
        return self._futures[key].result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory):
    if request.config.getoption("--update-outputs"):
        pytest.skip("--update-outputs rewrites the outputs these runs are compared with")
    tests = {
        test_page_prints_the_page_as_a_reader_runs_it.__name__: None,
        test_the_core_path_prints_the_same_without_the_collapsed_blocks.__name__: CORE_ONLY,
        test_a_forked_run_prints_what_a_new_interpreter_prints.__name__: FRESH,
    }
    wanted = []
    for item in request.session.items:
        name = getattr(item, "originalname", None)
        if name in tests:
            page = item.callspec.params["page"]
            wanted.append((page, item.callspec.params.get("variant", tests[name])))

    def share(key, compute):
        return once_per_session(request.config, tmp_path_factory, key, compute)

    # The session's page runs: the variant as installed, and the fork's comparison.
    page_runs = request.getfixturevalue("page_runs")
    at_once = not in_worker(request.config)
    if at_once:
        installed = {page.name: page for page, variant in wanted if variant == AS_INSTALLED}
        page_runs.start([(page, "cpu") for page in installed.values()], jobs=os.cpu_count() or 1)
    started = Runs(wanted, at_once=at_once, share=share, page_runs=page_runs)
    yield started
    started.close()


@pytest.mark.parametrize("variant", READER_VARIANTS)
@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_page_prints_the_page_as_a_reader_runs_it(page, variant, runs, record_property):
    run = runs.get(page, variant)
    if variant == FRESH:
        record_property(ONE_THREAD_SECONDS, (page.name, run.seconds))
    problem = mismatch(page, variant, run)
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("page", CORE_PAGES, ids=[page.name for page in CORE_PAGES])
def test_the_core_path_prints_the_same_without_the_collapsed_blocks(page, runs):
    """A reader who skips every "Going deeper" block gets the same outputs on the core path."""
    problem = mismatch(page, CORE_ONLY, runs.get(page, CORE_ONLY))
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_a_forked_run_prints_what_a_new_interpreter_prints(page, runs, page_runs):
    """The page run of tests/test_pages.py is a child of the fork server (docsite/fork_server.py)
    with the settings as installed; the variant FRESH starts a new `python` for the same blocks.
    Both must print the same bytes and write the same files: the forked runs (the page run, the
    other variants, the exercises' wrong answers) rest on this. (The page run executes the
    blocks one by one, the script all at once; a difference names the first block where the two
    part. FRESH also has its own settings: where only this test fails, the fork made the
    difference, since both runs are compared with the page by their variant's test too.)"""
    fresh, child = runs.get(page, FRESH), page_runs.get(page)
    results = child.run_all()
    failed = next((r.error for r in results if r.error is not None), None)
    forked_stdout = "".join(result.output for result in results)
    if fresh.returncode != 0 or failed is not None:
        pytest.fail(
            f"{page.relpath}: the new python exited with {fresh.returncode}:\n{fresh.stderr}\n"
            f"the forked page run: {failed or 'no error'}",
            pytrace=False,
        )
    if fresh.stdout != forked_stdout:
        starts = [0]
        for result in results:
            starts.append(starts[-1] + len(result.output))
        block = next(
            b
            for b, r, start in zip(page.blocks, results, starts, strict=False)
            if fresh.stdout[start : start + len(r.output)] != r.output or b is page.blocks[-1]
        )
        diff = difflib.unified_diff(
            fresh.stdout.splitlines(keepends=True),
            forked_stdout.splitlines(keepends=True),
            fromfile=f"{page.relpath}: a new python ({FRESH})",
            tofile=f"the page run, forked from the fork server ({AS_INSTALLED})",
        )
        pytest.fail(
            f"the forked run prints something else, from {block.where()} on:\n" + "".join(diff),
            pytrace=False,
        )
    assert fresh.stderr == child.stderr, (fresh.stderr, child.stderr)
    written = child.written_files()
    differ = sorted(
        name
        for name in fresh.files.keys() | written.keys()
        if fresh.files.get(name) != written.get(name)
    )
    assert not differ, f"{page.relpath}: the two runs wrote different files: {differ}"

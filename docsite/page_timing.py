"""How long each page's code takes as a reader runs it, on one thread: the doc-timing report.

Every page runs as in the tests (docsite/running.py's `PageRun`: a new Python process, its blocks
in order, in a scratch folder) with `OMP_NUM_THREADS=1` and `MKL_NUM_THREADS=1`, one page after
another, so the figures do not depend on how many cores the machine has or on what else runs.
A page's wall time is split into its blocks (timed one by one inside the process) and the rest:
starting Python and importing torch, the same for every page whatever it does. The report names
each page's slowest block and sums the nav's sections (the hour, then "Going further").

Budgets: the tiny GPT must train in at most 10 s on one thread (issue 13), and the pages of
"Going further" must run in at most 20 s together, so the section never slows the suite much.

    python -m tools.time_pages          # every page; exit 1 when a budget is exceeded
    python -m tools.time_pages part07   # the pages whose file name contains "part07"
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from docsite import config, reading_time
from docsite.pages import Page, pages_with_code
from docsite.running import PageRun

ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # also a reader variant
PAGE_BUDGETS = {"further01-tiny-gpt.md": 10.0}  # seconds for the whole page, one thread
SECTION_BUDGETS = {"Going further": 20.0}  # seconds for the section's pages together
THE_HOUR = "The hour"  # the intro and Parts 1-10: the pages with a reading budget


@dataclass
class PageTime:
    page: Page
    seconds: float  # the process's wall time
    blocks: list[float]  # each block's wall time, in order
    error: str | None = None  # the first block that failed, if one did

    @property
    def start(self) -> float:
        """Starting Python, importing torch, reading and writing the run's files."""
        return self.seconds - sum(self.blocks)

    def slowest(self) -> tuple[int, float]:
        index = max(range(len(self.blocks)), key=self.blocks.__getitem__)
        return index, self.blocks[index]


def time_page(page: Page) -> PageTime:
    run = PageRun(page, env=ONE_THREAD_ENV, fresh=True)  # its start-up is measured too
    results = run.run_all()
    failed = next((r for r in results if r.error is not None), None)
    return PageTime(page, run.seconds, [r.seconds for r in results], failed and failed.error)


def sections(nav) -> dict[str, list[str]]:
    """Section title -> its pages with code, in nav order (a section without any, the
    Reference's cheat sheet, runs nothing); pages outside a section are THE_HOUR's when they
    have a reading budget."""
    found: dict[str, list[str]] = {}
    with_code = {page.name for page in pages_with_code()}
    for item in nav or []:
        title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(value, list):
            if timed := [name for name in config.nav_files(value) if name in with_code]:
                found.setdefault(title, []).extend(timed)
        elif value in reading_time.BUDGETS:
            found.setdefault(THE_HOUR, []).append(value)
    return found


def report(times: list[PageTime], nav) -> tuple[list[str], list[str]]:
    """The report's lines, and each budget exceeded (empty when all hold)."""
    lines, over = [], []
    width = max(len(t.page.name) for t in times)
    lines.append(f"{'page':{width}}   wall   start  blocks  slowest block")
    for t in times:
        index, slowest = t.slowest()
        block = t.page.blocks[index]
        lines.append(
            f"{t.page.name:{width}} {t.seconds:6.2f} {t.start:7.2f} {sum(t.blocks):7.2f}  "
            f"{slowest:5.2f} s at line {block.page_line}"
        )
        if t.error:
            over.append(f"{t.page.name} failed:\n{t.error}")
        budget = PAGE_BUDGETS.get(t.page.name)
        if budget is not None and t.seconds > budget:
            over.append(f"{t.page.name} took {t.seconds:.2f} s, over its {budget:g} s")
    by_name = {t.page.name: t for t in times}
    for title, names in sections(nav).items():
        timed = [by_name[name] for name in names if name in by_name]
        if not timed:
            continue
        total = sum(t.seconds for t in timed)
        blocks = sum(sum(t.blocks) for t in timed)
        budget = SECTION_BUDGETS.get(title)
        limit = f" (budget {budget:g} s)" if budget is not None else ""
        lines.append(
            f"{title}: {len(timed)} pages, {total:.2f} s{limit}, of which blocks {blocks:.2f} s"
        )
        if budget is not None and len(timed) == len(names) and total > budget:
            over.append(f"{title} took {total:.2f} s, over its {budget:g} s")
    total = sum(t.seconds for t in times)
    start = sum(t.start for t in times)
    lines.append(
        f"all {len(times)} pages: {total:.2f} s one after another, of which {start:.2f} s "
        f"starting Python and torch ({start / len(times):.2f} s a page) and "
        f"{total - start:.2f} s in their blocks"
    )
    return lines, over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.time_pages", description=__doc__)
    parser.add_argument("match", nargs="*", help="time only pages whose file name contains one")
    args = parser.parse_args(argv)
    pages = [
        page
        for page in pages_with_code()
        if not args.match or any(text in page.name for text in args.match)
    ]
    if not pages:
        print(f"no page's file name contains {' or '.join(args.match)}", file=sys.stderr)
        return 2
    times = []
    for page in pages:
        times.append(time_page(page))
        print(f"  {page.name}: {times[-1].seconds:.2f} s", file=sys.stderr, flush=True)
    lines, over = report(times, config.mkdocs_config().nav)
    print("\n".join(lines))
    for problem in over:
        print(f"over budget: {problem}", file=sys.stderr)
    return 1 if over else 0

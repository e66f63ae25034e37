"""One page checked the way the suite checks it, in seconds, for the writer's inner loop:
its blocks run in a new Python process (docsite/running.py), each output compared with the
page's, the files it writes with docs/generated/<page>/, and the results its prose states with
the run (docsite/prose.py). The suite checks more (every CPU variant, the notebooks, the site):
`make test` before a commit.

    python -m tools.check_page part03          # a page by its file name, stem or a prefix
"""

from __future__ import annotations

import argparse
import difflib
import time

from docsite import config, prose, running
from docsite.pages import Page, load_page


def find(name: str) -> Page:
    """The page whose file name (under docs/) is `name`, or starts with it."""
    paths = sorted(config.DOCS.glob("*.md"))
    chosen = [p for p in paths if p.name == name or p.stem == name] or [
        p for p in paths if p.name.startswith(name)
    ]
    if len(chosen) != 1:
        names = ", ".join(p.name for p in chosen or paths)
        raise SystemExit(f"{name!r} names {len(chosen)} pages: {names}")
    return load_page(chosen[0])


def problems(page: Page) -> list[str]:
    """What differs between the page and a real run of its code; [] when nothing does."""
    run = running.PageRun(page)
    found = []
    for block in page.blocks:
        problem = run.problem(block)
        if problem is not None:
            found.append(problem)
            continue
        expected, actual = block.expected or "", run.result(block.index).output
        if expected != actual:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{block.page.relpath}:{block.page_line} (output shown on the page)",
                tofile="output of a real run",
            )
            found.append(f"{block.where()}: the output differs:\n" + "".join(diff))
    stale = running.differing_files(page, run.written_files())
    if stale:
        found.append(f"{page.relpath}: generated files differ from the run: {', '.join(stale)}")
    outputs = {i: r.output for i, r in enumerate(run.run_all()) if r.error is None}
    try:
        found += prose.disagreements(page) + prose.mismatches(page, outputs, "the run")
        found += [r.describe() for r in prose.unbound(page)]
    except prose.BindingError as error:
        found.append(str(error))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="file name under docs/, its stem, or a prefix (part03)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    page = find(args.page)
    found = problems(page)
    seconds = time.perf_counter() - started
    for problem in found:
        print(problem, end="\n\n")
    verdict = f"{len(found)} problem(s)" if found else "outputs, files and prose as the run says"
    print(f"{page.relpath}: {len(page.blocks)} blocks, {verdict} ({seconds:.1f} s)")
    if found:
        print(f"if the code change is intended, run `{config.UPDATE_COMMAND}`")
    return 1 if found else 0

"""Every write of `--update-outputs` (`make update-outputs`), in one place: the pages' output
blocks and the results their prose states (docsite/prose.py), the files their code writes
(docs/generated/), docs/verified-with.json, the notebooks, and the torch APIs the pages call
(docs/api-calls.json) with the cheat sheet made from them (docs/cheatsheet.md).

Called once, at the end of a test session that ran the pages (tests/conftest.py), with the runs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from docsite import cheatsheet, config, notebooks, prose, verified
from docsite.pages import OUTPUT_FENCE, OUTPUT_MARKER, Page, closing_fence, load_page, pages
from docsite.running import PageRun


def rewrite_outputs(page: Page, outputs: list[str]) -> str:
    """The page's text with every output block replaced by (or given) the output of a real run."""
    lines = list(page.lines)
    edits: list[tuple[int, int, list[str]]] = []  # 0-based [start, end) in the page as written
    for block, output in zip(page.blocks, outputs, strict=True):
        body = output.rstrip("\n").split("\n") if output else []
        if block.output_fence is not None:
            opening, closing = (page.origins[i].page_line - 1 for i in block.output_fence)
            indent = lines[opening][: len(lines[opening]) - len(lines[opening].lstrip())]
            if not body:  # the block prints nothing any more: drop the marker and the output
                marker = max(i for i in range(opening) if lines[i].strip() == OUTPUT_MARKER)
                if block.predict:  # and the "Predict the output" block that held them
                    marker = page.origins[block.predict_line].page_line - 1
                edits.append((marker, closing + 1, []))
            else:  # in place, at the fence's indent (deeper inside a "Predict" block)
                edits.append((opening + 1, closing, [indent + b if b else "" for b in body]))
        elif body:
            code_close = closing_fence(page.expanded, block.fence_line - 1)
            after = page.origins[code_close].page_line  # 1-based -> insert after it
            indent = lines[after - 1][: len(lines[after - 1]) - len(lines[after - 1].lstrip())]
            new = ["", indent + OUTPUT_MARKER, indent + OUTPUT_FENCE]
            new += [indent + b if b else "" for b in body] + [indent + "```"]
            edits.append((after, after, new))
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start:end] = replacement
    return "\n".join(lines) + "\n"


def _complete(run: PageRun) -> bool:
    results = run.results
    if len(results) < len(run.page.blocks):
        return False  # only pages that ran completely are rewritten
    return not any(r.error or r.unseeded_draw for r in results)


def write_all(runs: Iterable[PageRun]) -> list[Path]:
    """Write everything a real CPU run of `runs` says, and the notebooks from the pages so
    written. Returns every file that changed. A page edited while it ran is left alone."""
    changed: list[Path] = []

    def write(path: Path, content: bytes) -> None:
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            if path not in changed:
                changed.append(path)

    ran = False
    verified_pages: list[Page] = []  # the pages whose outputs were just rewritten from a run
    verified_runs: list[PageRun] = []  # and their runs
    for run in runs:
        page = run.page
        if run.device != "cpu" or not _complete(run):
            continue
        ran = True
        on_disk = page.path.read_text(encoding="utf-8")
        if on_disk.splitlines() != page.lines:
            print(f"\nnot updated: {page.relpath} changed while the tests ran; run again")
            continue
        write(page.path, rewrite_outputs(page, [r.output for r in run.results]).encode())
        # Then the results its prose states, from the outputs just written (docsite/prose.py).
        try:
            write(page.path, prose.rewrite(load_page(page.path)).encode())
        except prose.BindingError as error:  # the tests name it too; the rest is written
            print(f"\nnot updated: a result stated in {page.relpath}'s prose: {error}")
        verified_pages.append(page)
        verified_runs.append(run)
        folder = config.GENERATED / page.stem
        stale = [
            p
            for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).as_posix() not in run.files
        ]
        for path in stale:
            path.unlink()
            changed.append(path)
        for name, content in run.files.items():
            write(folder / name, content)
        if folder.is_dir() and not any(folder.rglob("*")):
            shutil.rmtree(folder)
    if ran:
        previous = verified.recorded()
        blocks = verified.merged_record(verified_pages, previous.get(verified.KEY, {}))
        helpers = verified.merged_record(
            verified_pages, previous.get(verified.HELPERS_KEY, {}), of=verified.helper_record
        )
        setup = verified.this_setup()
        content = {**setup, verified.KEY: blocks, verified.HELPERS_KEY: helpers}
        record = json.dumps(content, indent=2) + "\n"
        write(config.VERIFIED_WITH, record.encode())
        # The torch APIs those pages call, from the calls their runs recorded, and the sheet.
        calls = [run for run in verified_runs if run.calls]
        apis = cheatsheet.merged_record(calls, cheatsheet.recorded(), setup["torch"])
        write(config.API_CALLS, (json.dumps(apis, indent=2) + "\n").encode())
        write(config.CHEATSHEET, cheatsheet.render(apis).encode())
        # The notebooks are generated from the pages: regenerate every one from the pages as
        # they are now on disk (not as this process first read them: an update narrowed to some
        # pages, `-k`, must leave every notebook current).
        pages.cache_clear()
        changed += notebooks.write_all()
    return changed

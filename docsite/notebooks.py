"""Every page with code as a Jupyter notebook, generated from the page itself.

A notebook is the page, not a copy: the page is expanded and cut into blocks by
docsite/pages.py (exactly as the suite runs it), its prose becomes markdown cells, every
executed ```python block a code cell (docsite/notebook_markdown.py turns the prose into the Markdown
Jupyter renders), and the output the page shows under a block (verified by the suite against a
real run) that cell's stdout. The first code cell makes the notebook
self-contained: it installs the site's `snippets` package when it is missing (as on Colab; `make
setup` installs this checkout's), from the wheel the site ships beside the notebooks, built from
the helpers that printed these outputs and named by their hash (docsite/helpers_wheel.py), and,
when torch is not a release on which the page's outputs were verified (docs/torch-versions.json,
`make test-torch`), says so in one line naming the nearest.
It sets nothing up: the page's own code seeds and configures what it uses, as a script.

Generation is deterministic (no timestamps, cell ids from the cell's position), so regenerating
an unchanged page gives the same bytes and a stale notebook is a plain byte difference.

    python -m tools.notebooks          # rewrite docs/notebooks/*.ipynb
    python -m tools.notebooks --check  # exit 1 and name each stale notebook

`make update-outputs` regenerates them after it rewrites the pages' outputs.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat
from nbformat import v4

from docsite import config, glossary, helpers_wheel, torch_versions
from docsite import pages as docpages
from docsite.notebook_markdown import MarkdownCell, Prose
from docsite.prose import plain as plain_prose
from docsite.verified import recorded

NOTEBOOKS = config.NOTEBOOKS
UPDATE_COMMAND = config.UPDATE_COMMAND
PAGE_KEY = config.PAGE_KEY  # notebook metadata: the page under docs/ it was generated from
ANSWER_TAG = "your-answer"  # an empty cell after an exercise's self-check, for the reader's try
# Above a cell whose output the page shows closed (docsite/pages.py's PREDICT); the stored
# output is collapsed too (`jupyter.outputs_hidden`), where the notebook's front end honours it.
PREDICT_PROMPT = (
    "**Predict the output, then open it:** guess what the next cell prints before you run it "
    "or look at its output."
)

# The last cell: the glossary's terms this page uses (docsite/glossary.py), as plain text.
TERMS_HEADING = "## Terms used on this page"
TERMS_INTRO = (
    "The site shows each of these definitions on the term itself, where the page first uses it "
    "(point at it, tap it or move the keyboard focus to it)."
)

SETUP = """\
# Set-up: run this cell first. It installs the site's helpers (`snippets`) that printed the
# outputs below, from beside this notebook on the site, unless a clone's own (`make setup`)
# or these are installed already.
import importlib.metadata
import importlib.util

_helpers = {version!r}  # this notebook's build of them (a hash of their files)
try:
    _installed = importlib.metadata.version("pytorch-in-one-hour")
except importlib.metadata.PackageNotFoundError:
    _installed = None
_another = "+" in (_installed or "") and _installed != _helpers  # another build of the site's
if importlib.util.find_spec("snippets") is None or _another:
    %pip install --quiet "{wheel_url}"
    importlib.invalidate_caches()
    if importlib.util.find_spec("snippets") is None:
        print("This notebook's helpers are no longer on the site: download the notebook again "
              "from {page_url}")

import torch

_verified = {verified}  # torch releases on which this page printed every output shown
_here = torch.__version__.split("+")[0]
if _here not in _verified:  # say so, naming the nearest verified release
    import re

    _parts = lambda v: re.findall(r"\\d+", v)[:3]  # "2.9.1" -> 2009001: the nearest is the closest
    _number = lambda v: sum(int(n) * 1000 ** (2 - i) for i, n in enumerate(_parts(v)))
    _nearest = min(_verified, key=lambda v: abs(_number(v) - _number(_here)))
    print(f"The outputs shown were verified on torch {{', '.join(_verified)}}; this is torch "
          f"{{torch.__version__}} (nearest verified: {{_nearest}}).")
"""


def notebook_path(page: docpages.Page) -> Path:
    """docs/notebooks/<own name>.ipynb (config.own_name: the intro's is intro.ipynb)."""
    return config.notebook_path(page.name)


def notebook_pages() -> list[docpages.Page]:
    """Every page with at least one executed block (the intro and the parts)."""
    return list(docpages.pages_with_code())


# --- the page, cut into prose and blocks ----------------------------------------------------------


def _block_spans(page: docpages.Page) -> dict[int, tuple[docpages.Block, int]]:
    """0-based expanded line of each block's opening fence -> (block, last line it covers).

    A block covers its code fence, and its output marker and output fence when it has them.
    """
    spans = {}
    for block in page.blocks:
        opening = block.fence_line - 1
        end = docpages.closing_fence(page.expanded, opening)
        if block.output_fence is not None:
            end = block.output_fence[1]
        spans[opening] = (block, end)
    return spans


# --- the notebook -----------------------------------------------------------------------------


def _cell_id(page: docpages.Page, index: int) -> str:
    # nbformat 4.5: 1-64 characters of [a-zA-Z0-9-_]; unique within the notebook.
    stem = re.sub(r"[^a-zA-Z0-9-_]", "-", page.stem)[:56]
    return f"{stem}-{index:03d}"


def _header(page: docpages.Page, title: str, site: config.Site, verified: dict) -> str:
    url = site.page_url(page.name)
    return (
        f"{title}\n\n"
        f"*Generated from [this page]({url}) of {site.site_name}: the same code in the same "
        "order, and under each cell the output that code printed when the page was checked "
        f"(torch {verified['torch']} on the {verified['device'].upper()}).*\n\n"
        "Run the set-up cell first, then every cell from top to bottom: the code seeds its own "
        "random numbers, so it prints what is shown. It runs on the CPU, as the page does; on a "
        "GPU, an ARM processor or another torch version, the last digit of a float may come out "
        "different."
    )


def build(page: docpages.Page) -> nbformat.NotebookNode:
    """The page as a notebook: header, set-up cell, then its prose and code in page order."""
    site_info, verified = config.site(), recorded()
    expanded = list(page.expanded)
    start = 0
    if expanded and expanded[0].strip() == "---":  # front matter is for MkDocs only
        start = expanded.index("---", 1) + 1 if "---" in expanded[1:] else 0
    spans = _block_spans(page)
    cells: list = []
    prose = Prose(page, site_info)
    current = MarkdownCell([], {})
    title = None
    execution_count = 1

    def flush() -> None:
        nonlocal current
        if any(line.strip(" >") for line in current.lines):
            cells.append(current)
        current = MarkdownCell([], {})

    index = start
    while index < len(expanded):
        text = expanded[index]
        if index in spans:
            block, end = spans[index]
            for skipped in expanded[index : end + 1]:
                prose.skip(skipped)
            if block.predict:
                prose.paragraph(PREDICT_PROMPT, current)
            flush()
            cells.append(block)
            index = end + 1
            continue
        if title is None and not prose.stack and text.startswith("# "):
            title = text.strip()
        else:
            prose.line(text, current)
        index += 1
    flush()

    nb = v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        # The page this notebook is generated from (docsite/hooks/notebook_links.py links the two,
        # docsite/page_notebooks.py reads it).
        PAGE_KEY: page.name,
    }
    title = title or f"# {page.stem}"
    nb.cells.append(v4.new_markdown_cell(_header(page, title, site_info, verified)))
    # The releases on which this page's outputs were verified: docs/torch-versions.json's, and
    # the one that wrote them (docsite/torch_versions.py).
    releases = tuple(torch_versions.verified_releases(page))
    setup = SETUP.format(
        version=helpers_wheel.version(),
        wheel_url=helpers_wheel.wheel_url(site_info),
        page_url=site_info.page_url(page.name),
        verified=repr(releases),
    ).rstrip("\n")
    nb.cells.append(v4.new_code_cell(setup, execution_count=execution_count))
    for item in cells:
        if isinstance(item, MarkdownCell):
            nb.cells.append(item)
            continue
        execution_count += 1
        outputs = []
        if item.expected:
            outputs.append(v4.new_output("stream", name="stdout", text=item.expected))
        # The block's code exactly. A block ends with a statement, not a bare expression whose
        # value Jupyter would show (tests/test_notebooks.py says so when one does not).
        cell = v4.new_code_cell(
            item.code.rstrip("\n"), execution_count=execution_count, outputs=outputs
        )
        exercise = docpages.EXERCISE_SECTION.match(item.section or "")
        if exercise and exercise["part"] == "solution":
            cell.metadata["jupyter"] = {"source_hidden": True}  # collapsed until clicked
        if item.predict and outputs:
            cell.metadata["jupyter"] = {"outputs_hidden": True}  # as the page shows it: closed
        nb.cells.append(cell)
        if exercise and exercise["part"] == "check":
            nb.cells.append(v4.new_code_cell("", metadata={"tags": [ANSWER_TAG]}))
        if item.output_language == "mermaid" and item.expected:
            # The page draws this output as a diagram; Jupyter draws a mermaid block too.
            diagram = ["```mermaid", *item.expected.rstrip("\n").split("\n"), "```"]
            nb.cells.append(MarkdownCell(diagram, {}))
    terms = terms_cell(page)
    if terms is not None:
        nb.cells.append(terms)
    for position, cell in enumerate(nb.cells):
        if isinstance(cell, MarkdownCell):
            nb.cells[position] = cell.node(_cell_id(page, position))
        else:
            cell.id = _cell_id(page, position)
    nbformat.validate(nb)
    return nb


def terms_cell(page: docpages.Page) -> MarkdownCell | None:
    """The last cell: the glossary's terms the page uses, each with its definition, as plain
    text (the site shows each definition on the term: docsite/glossary.py)."""
    used = glossary.used_terms(plain_prose("\n".join(page.lines)))
    if not used:
        return None
    lines = [TERMS_HEADING, "", TERMS_INTRO, ""]
    lines += [f"- **{_escaped(t.term)}**: {_escaped(t.definition)}" for t in used]
    return MarkdownCell(lines, {})


def _escaped(text: str) -> str:
    """Plain text as Markdown shows it (`lr * p.grad`, `x.add_(1)` stay as written)."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def render(page: docpages.Page) -> str:
    """The notebook's file contents: nbformat's JSON (sorted keys), ending with a newline."""
    return nbformat.writes(build(page)) + "\n"


def is_answer_cell(cell) -> bool:
    return ANSWER_TAG in cell.get("metadata", {}).get("tags", [])


def code_cells(nb: nbformat.NotebookNode) -> list:
    """The code cells that hold the page's blocks, in page order (all but the set-up cell and
    the empty cells left for the reader's answers)."""
    return [c for c in nb.cells if c.cell_type == "code" and not is_answer_cell(c)][1:]


# --- writing and checking ---------------------------------------------------------------------


def stale(pages: list[docpages.Page] | None = None) -> list[str]:
    """One line per notebook that differs from a fresh generation, or has no page any more, and
    per page that names another build of the helpers than theirs now (docsite/helpers_wheel.py)."""
    pages = notebook_pages() if pages is None else pages
    problems = helpers_wheel.stale_pages()
    expected = {notebook_path(page): page for page in pages}
    for path, page in expected.items():
        rel = path.relative_to(config.ROOT)
        if not path.is_file():
            problems.append(f"{rel} is missing for {page.relpath}")
        elif path.read_text(encoding="utf-8") != render(page):
            problems.append(f"{rel} is stale against {page.relpath}")
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")) if NOTEBOOKS.is_dir() else []:
        if path not in expected:
            problems.append(f"{path.relative_to(config.ROOT)} has no page with code")
    return problems


def write_all() -> list[Path]:
    """Regenerate every notebook; remove those whose page is gone. Returns what changed (a page
    that named another build of the helpers is rewritten first: docsite/helpers_wheel.py)."""
    changed = helpers_wheel.rewrite_pages()
    pages = notebook_pages()
    wanted = {notebook_path(page) for page in pages}
    for page in pages:
        path = notebook_path(page)
        text = render(page)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")) if NOTEBOOKS.is_dir() else []:
        if path not in wanted:
            path.unlink()
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(f"{problem}; run `{UPDATE_COMMAND}`")
        return 1 if problems else 0
    for path in write_all():
        print(f"updated {path.relative_to(config.ROOT)}")
    return 0

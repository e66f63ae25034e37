"""Every page's notebook is current, runs in a real Jupyter kernel, and prints what the page shows.

The notebooks under docs/notebooks/ are generated from the pages (`python -m tools.notebooks`,
run by `make update-outputs`). Here each committed notebook is compared with a fresh generation,
executed top to bottom with nbclient in the venv's own ipykernel, and every code cell's stdout is
compared with the output the page shows for that block, and the files it writes with those
committed under docs/generated/<page>/; the built site is checked for the download and Colab
links.

The kernels run on the CPU under one of the variants of the machine's arithmetic
(docsite/variants.py: IN_NOTEBOOKS, MKL's portable path and a lower instruction set where there
is one, set before torch loads): the notebooks have to run every page anyway, so they are that
variant's run of every page (tests/test_as_a_reader_runs_it.py runs the others), and a page that
prints round-off noise fails here too.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import posixpath
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from docsite import config, notebooks, prose, running
from docsite import pages as docpages
from docsite.variants import IN_NOTEBOOKS, VARIANTS
from tests.conftest import in_worker

PAGES = notebooks.notebook_pages()
IDS = [page.name for page in PAGES]
CELL_TIMEOUT = 600  # seconds; the slowest page block takes a few
JOBS = max(1, min(4, (os.cpu_count() or 1)))  # kernels running at once
# Run after the notebook's own cells: which Python ran it, and which `snippets` it imported.
PROBE = (
    "import sys as _sys, snippets as _snippets\nprint(_sys.executable)\nprint(_snippets.__file__)"
)


def _update_mode(request) -> bool:
    return request.config.getoption("--update-outputs")


# --- the committed notebooks are what the pages generate ------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_notebook_is_current(page: docpages.Page, request):
    if _update_mode(request):
        pytest.skip("--update-outputs regenerates the notebooks at the end of the session")
    path = notebooks.notebook_path(page)
    rel = path.relative_to(config.ROOT)
    assert path.is_file(), f"{rel} is missing for {page.relpath}; run `make update-outputs`"
    if path.read_text(encoding="utf-8") != notebooks.render(page):
        pytest.fail(
            f"{rel} is stale against {page.relpath} (the page or a snippet it includes "
            "changed since it was generated); run `make update-outputs`",
            pytrace=False,
        )


def test_every_notebook_has_its_page(request):
    if _update_mode(request):
        pytest.skip("--update-outputs regenerates the notebooks at the end of the session")
    wanted = {notebooks.notebook_path(page) for page in PAGES}
    orphans = [
        str(path.relative_to(config.ROOT))
        for path in sorted(notebooks.NOTEBOOKS.rglob("*.ipynb"))
        if path not in wanted
    ]
    assert not orphans, f"no page with code for {orphans}; run `make update-outputs`"


def test_the_intro_and_every_part_have_a_notebook():
    parts = sorted(p.name for p in config.DOCS.glob("part*.md"))
    assert parts, "no part pages found"
    assert {page.name for page in PAGES} >= {"index.md", *parts}, (
        "a page without a ```python block gets no notebook"
    )


def test_a_changed_snippet_makes_its_notebook_stale():
    """The staleness check sees a change in included code, not only in the page's own text."""
    page = next(p for p in PAGES if any(o.source for b in p.blocks for o in b.origins))
    changed = docpages.load_page(page.path)
    block = next(b for b in changed.blocks if any(o.source for o in b.origins))
    block.code += "print('a line the snippet gained')\n"
    problems = notebooks.stale([changed])
    assert any(f"stale against {page.relpath}" in p for p in problems), problems


def test_generation_is_deterministic():
    page = PAGES[0]
    assert notebooks.render(page) == notebooks.render(docpages.load_page(page.path))


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_notebook_is_the_page(page: docpages.Page):
    """Same code in the same order, with the page's verified outputs, after one set-up cell."""
    nb = notebooks.build(page)
    nbformat.validate(nb)
    setup = next(cell for cell in nb.cells if cell.cell_type == "code")
    cells = notebooks.code_cells(nb)
    assert 'find_spec("snippets")' in setup.source
    # Nothing hidden: the set-up cell changes no state the page's outputs depend on.
    for hidden in ("manual_seed", "set_default", "set_num_threads", "set_printoptions", "seed("):
        assert hidden not in setup.source, f"the set-up cell calls {hidden}"
    assert [cell.source for cell in cells] == [b.code.rstrip("\n") for b in page.blocks]
    assert [_stdout(cell) for cell in cells] == [b.expected or "" for b in page.blocks]
    markdown = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert docpages.OUTPUT_MARKER not in markdown


EXAMPLE_PAGE = """\
# Title

See [Tensors](part01-tensors.md#x), [below](#y) and $x$.

!!! warning "A \\"quoted\\" title"
    Inside.

    ```python
    print(1)
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text title="Output"
    1
    ```

    After.

=== "Tab"

    More.

## Heading { #y }
"""


def test_material_markdown_becomes_jupyter_markdown():
    lines = EXAMPLE_PAGE.splitlines()
    origins = [docpages.Origin(number) for number in range(1, len(lines) + 1)]
    page = docpages.Page(config.DOCS / "part99-example.md", lines, lines, origins)
    page.blocks = docpages.blocks_of(page)
    site = config.site().site_url.rstrip("/")
    nb = notebooks.build(page)
    assert nb.cells[0].source.startswith("# Title\n")
    assert [(c.cell_type, c.source) for c in nb.cells[2:]] == [
        (
            "markdown",
            f"See [Tensors]({site}/part01-tensors/#x), [below]({site}/part99-example/#y) and $x$."
            '\n\n> **A "quoted" title**\n>\n> Inside.',
        ),
        ("code", "print(1)"),
        ("markdown", "> After.\n\n**Tab**\n\nMore.\n\n## Heading"),
    ]
    assert nb.cells[3].outputs == [nbformat.v4.new_output("stream", name="stdout", text="1\n")]


EXERCISE_PAGE = """\
# Title

## Exercises

```python
def check(answer): ...
```

??? success "Solution"

    ```python
    print("correct")
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text title="Output"
    correct
    ```
"""


def test_an_exercise_gets_an_empty_answer_cell_and_its_solution_collapsed():
    lines = EXERCISE_PAGE.splitlines()
    sections = {6: "exercise-1-check", 12: "exercise-1-solution"}  # page line -> snippet section
    module = config.ROOT / "snippets" / "part99_example.py"
    origins = [
        docpages.Origin(n, module, 1, sections[n]) if n in sections else docpages.Origin(n)
        for n in range(1, len(lines) + 1)
    ]
    page = docpages.Page(config.DOCS / "part99-example.md", lines, lines, origins)
    page.blocks = docpages.blocks_of(page)
    nb = notebooks.build(page)
    code = [cell for cell in nb.cells if cell.cell_type == "code"][1:]
    assert [cell.source for cell in code] == ["def check(answer): ...", "", 'print("correct")']
    assert notebooks.is_answer_cell(code[1]) and not code[1].outputs
    assert code[2].metadata["jupyter"] == {"source_hidden": True}
    assert [cell.source for cell in notebooks.code_cells(nb)] == [code[0].source, code[2].source]


# --- executing them -------------------------------------------------------------------------


def _stdout(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def _kernel_env(device: str) -> dict[str, str]:
    # `snippets` imports from this checkout, so the set-up cell's install branch never runs.
    env = running.reader_env()
    env["PIP_NO_INDEX"] = "1"  # and could not reach a package index if it did
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # debugpy's note about frozen modules
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""  # the set-up cell picks CUDA when it sees a GPU
        env.update(VARIANTS[IN_NOTEBOOKS])  # this variant's run of every page
    return env


def _ran(device: str) -> str:
    """How a notebook ran, as its test's messages say it."""
    return "in a Jupyter kernel" + (f" ({IN_NOTEBOOKS})" if device == "cpu" else f" on {device}")


class _ThisPythonsKernel(AsyncKernelManager):
    """ipykernel's own kernel spec, which runs this Python (sys.executable), whatever kernel
    specs are installed elsewhere (a user's "python3" may well run another Python)."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return KernelSpecManager(kernel_dirs=[])


async def _execute_all(pages, device: str, workdir: Path) -> dict[str, object]:
    """Each notebook in its own kernel and scratch directory, JOBS at a time."""
    slots = asyncio.Semaphore(JOBS)
    env = _kernel_env(device)

    async def one(page: docpages.Page):
        path = notebooks.notebook_path(page)
        if not path.is_file():
            return FileNotFoundError(path)
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        if device != "cpu":  # the CUDA run: the page's tensors default to the GPU
            switch = f"import torch\ntorch.set_default_device({device!r})"
            nb.cells.insert(0, nbformat.v4.new_code_cell(switch))
        scratch = workdir / path.stem
        scratch.mkdir()
        client = NotebookClient(
            nb,
            kernel_name="python3",
            kernel_manager_class=_ThisPythonsKernel,
            timeout=CELL_TIMEOUT,
            allow_errors=False,
            resources={"metadata": {"path": str(scratch)}},
        )
        async with slots:
            try:
                await client.async_execute(env=env)
            except Exception as error:  # reported by the page's test, not here
                return error
        return nb, running.files_under(scratch)

    results = await asyncio.gather(*(one(page) for page in pages))
    return {page.name: result for page, result in zip(pages, results, strict=True)}


@pytest.fixture(scope="module")
def executed(device, request, tmp_path_factory):
    """page -> its notebook executed in a kernel (or the error). In one process, every selected
    notebook runs at once (JOBS kernels; -k part03 runs one kernel, not all of them); in a
    pytest-xdist worker, each test runs its own, the other workers keeping the cores busy."""
    if _update_mode(request):
        pytest.skip("--update-outputs rewrites the outputs the notebooks are compared with")
    workdir = tmp_path_factory.mktemp(f"notebooks-{device}")
    done: dict[str, object] = {}
    if not in_worker(request.config):
        selected = {
            item.callspec.params["page"].name
            for item in request.session.items
            if getattr(item, "originalname", None)
            == "test_notebook_runs_and_prints_what_the_page_shows"
            and item.callspec.params.get("device") == device
        }
        pages = [page for page in PAGES if page.name in selected]
        done.update(asyncio.run(_execute_all(pages, device, workdir)))

    def result(page: docpages.Page) -> object:
        if page.name not in done:
            done.update(asyncio.run(_execute_all([page], device, workdir)))
        return done[page.name]

    return result


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_notebook_runs_and_prints_what_the_page_shows(page: docpages.Page, executed, device):
    rel = notebooks.notebook_path(page).relative_to(config.ROOT)
    result = executed(page)
    if isinstance(result, FileNotFoundError):
        pytest.fail(f"{rel} is missing; run `make update-outputs`", pytrace=False)
    if isinstance(result, Exception):
        pytest.fail(f"{rel} failed {_ran(device)}:\n{result}", pytrace=False)
    nb, written = result
    code = [c for c in nb.cells if c.cell_type == "code" and not notebooks.is_answer_cell(c)]
    setup, *cells, probe = code[1:] if device != "cpu" else code

    executable, snippets_file = _stdout(probe).splitlines()
    assert Path(executable).resolve() == Path(sys.executable).resolve(), (
        f"the kernel ran {executable}, not this environment's Python ({sys.executable})"
    )
    assert Path(snippets_file).resolve().is_relative_to(config.ROOT), snippets_file
    assert not setup.outputs, f"{rel}: the set-up cell printed {setup.outputs}"

    if len(cells) != len(page.blocks):
        pytest.fail(f"{rel} is stale against {page.relpath}; run `make update-outputs`")
    if device == "cpu":  # the results its text cells state, against what the kernel printed
        pairs = zip(page.blocks, cells, strict=True)
        printed = {block.index: _stdout(cell) for block, cell in pairs}
        stated = prose.mismatches(page, printed, f"{rel} run {_ran(device)}")
        if stated:
            pytest.fail("\n".join(stated), pytrace=False)
    for block, cell in zip(page.blocks, cells, strict=True):
        where = f"{rel}, the cell of {block.where()}"
        extra = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stdout")]
        for output in extra:
            if output.output_type == "execute_result":
                pytest.fail(
                    f"{where} shows the value of its last line in Jupyter, which the page does "
                    f"not show:\n{output.data.get('text/plain')}\nEnd the snippet with a "
                    "statement (an assignment, a print) rather than a bare expression.",
                    pytrace=False,
                )
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            pytest.fail(f"{where} wrote {output.output_type} output:\n{text}", pytrace=False)
        if device != "cpu":
            continue  # on CUDA a clean run is the check (random draws differ from the CPU's)
        expected, actual = block.expected or "", _stdout(cell)
        if actual != expected:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{block.where()} (the page's verified output)",
                tofile=f"{rel} run {_ran(device)}",
            )
            pytest.fail(
                f"{where} printed something else {_ran(device)}; where the difference is "
                f"round-off noise, print what carries meaning instead:\n{''.join(diff)}",
                pytrace=False,
            )
    if device == "cpu":
        stale = running.differing_files(page, written)
        if stale:
            folder = (config.GENERATED / page.stem).relative_to(config.ROOT)
            pytest.fail(
                f"{rel} run {_ran(device)} writes other files than those under {folder}: "
                + ", ".join(stale),
                pytrace=False,
            )


# --- the built site links every page to its notebook ----------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = dict(attrs)
            self.links.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.links[-1]
            self.links[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_site_links_the_page_to_its_notebook(page: docpages.Page, built_site: Path):
    url_dir = config.site_path(page.name)
    html = (built_site / url_dir / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    by_text = {text.strip(): attrs for attrs, text in parser.links}

    download = by_text.get("Download notebook")
    assert download is not None, f"{page.relpath}: no 'Download notebook' link in the built page"
    assert "download" in download, "the download link lacks the download attribute"
    target = built_site / posixpath.normpath(posixpath.join(url_dir, download["href"]))
    assert target.is_file(), f"{page.relpath}: the download link points at nothing ({target})"
    served = nbformat.reads(target.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(served)
    assert target.read_bytes() == notebooks.notebook_path(page).read_bytes()

    colab = by_text.get("Open in Colab")
    assert colab is not None, f"{page.relpath}: no 'Open in Colab' link in the built page"
    site = config.site()
    owner_repo = site.repo_url.removeprefix("https://github.com/")
    in_repo = notebooks.notebook_path(page).relative_to(config.ROOT).as_posix()
    assert colab["href"] == (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{site.branch}/{in_repo}"
    )

    view = by_text.get("View the notebook")
    assert view is not None, f"{page.relpath}: no link to the rendered notebook"
    rendered = built_site / posixpath.normpath(posixpath.join(url_dir, view["href"]))
    notebook_html = (rendered / "index.html").read_text(encoding="utf-8")
    assert "jp-Notebook" in notebook_html
    # nbconvert's template would load MathJax and mermaid from a CDN; the site's own do instead.
    assert "cdnjs" not in notebook_html
    assert '<script src="">' not in notebook_html

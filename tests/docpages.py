"""Read the pages as MkDocs does, run their code blocks, and rewrite their outputs.

A page is expanded with pymdownx's own snippet preprocessor (the options come from mkdocs.yml),
its blocks are extracted with pytest-codeblocks' own extractor, and every ```python block runs
top to bottom in one fresh namespace per page, as `__main__`. Each expanded line remembers where it
came from (the page line, or the snippet file line), so a failure can name both.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from mkdocs.config import load_config
from pytest_codeblocks import extract_from_buffer

from tools import reading_time

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GENERATED = DOCS / "generated"
OUTPUT_MARKER = "<!--pytest-codeblocks:expected-output-->"
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<file>[^":]+)(?::(?P<section>[-_0-9a-z]+))?"\s*$')
# Any fence whose language looks like Python, however it is spelled: ```py, ``` python,
# ```python title="x", ```{.python}, ~~~python ... Only a bare ```python is executed.
PYTHON_LIKE_FENCE = re.compile(
    r"^\s*(?P<fence>`{3,}|~{3,})\s*\{?\s*\.?(?P<lang>python3?|py|pycon)\b(?P<rest>.*)$"
)
EXECUTED_SYNTAX = "python"
OUTPUT_FENCE = '```text title="Output"'  # Material shows the title above the block
# An exercise's snippet sections: the self-check the page shows (a function the reader calls on
# an answer), the solution (shown collapsed, it calls the self-check and prints "correct"), and
# a wrong answer the tests run against the self-check (never shown; it must print "wrong: …").
EXERCISE_SECTION = re.compile(r"^exercise-(?P<number>\d+)-(?P<part>check|solution|wrong)$")


@dataclass(frozen=True)
class Origin:
    """Where one expanded line came from."""

    page_line: int  # 1-based line in the page as written
    source: Path | None = None  # the snippet file, for included lines
    source_line: int | None = None
    section: str | None = None

    def describe(self) -> str:
        if self.source is None:
            return f"line {self.page_line} of the page"
        return f"{self.source.relative_to(ROOT)}:{self.source_line} (section '{self.section}')"


@dataclass
class Block:
    page: Page
    index: int  # position among the page's executed blocks
    code: str
    fence_line: int  # 1-based line of the opening fence in the expanded page
    origins: list[Origin]  # one per code line
    expected: str | None
    output_fence: tuple[int, int] | None  # expanded lines of the output's opening/closing fence
    output_language: str = "text"
    optional: bool = False  # inside a collapsed block (`??? info "Going deeper: …"`)

    @property
    def page_line(self) -> int:
        return self.page.origins[self.fence_line - 1].page_line

    @property
    def section(self) -> str | None:
        """The snippet section the block shows, if it is an include."""
        return next((o.section for o in self.origins if o.section), None)

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.page_line}"

    def where(self) -> str:
        sources = {o.source for o in self.origins if o.source is not None}
        text = f"{self.page.relpath}:{self.page_line}"
        if sources:
            first = next(o for o in self.origins if o.source is not None)
            text += f" (code from {first.describe()})"
        return text


@dataclass
class Page:
    path: Path
    lines: list[str]  # as written
    expanded: list[str]
    origins: list[Origin]  # one per expanded line
    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.relative_to(DOCS).as_posix()

    @property
    def relpath(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def stem(self) -> str:
        return self.path.relative_to(DOCS).with_suffix("").as_posix()


@functools.cache
def _snippet_options() -> dict:
    # load_config resolves `!relative` base paths exactly as `mkdocs build` does.
    return load_config(str(ROOT / "mkdocs.yml")).mdx_configs["pymdownx.snippets"]


def expand(lines: list[str]) -> list[str]:
    """Expand --8<-- includes with pymdownx's own preprocessor and the site's options."""
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": _snippet_options()},
    )
    return md.preprocessors["snippet"].run(list(lines))


def _section_start(source: Path, section: str | None) -> int:
    """1-based line of a section's first line in a snippet file (the file's first line if none)."""
    if section is None:
        return 1
    marker = f"[start:{section}]"
    for number, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if "--8<--" in text and marker in text:
            return number + 1
    raise LookupError(f"section '{section}' not found in {source}")


def load_page(path: Path) -> Page:
    lines = path.read_text(encoding="utf-8").splitlines()
    expanded: list[str] = []
    origins: list[Origin] = []
    for number, text in enumerate(lines, 1):
        include = INCLUDE.match(text)
        if include is None:
            expanded.append(text)
            origins.append(Origin(number))
            continue
        source = ROOT / include["file"]
        section = include["section"]
        start = _section_start(source, section) if source.is_file() else 1
        for offset, produced in enumerate(expand([text])):
            expanded.append(produced)
            origins.append(Origin(number, source, start + offset, section))
    # Expanding line by line must give what MkDocs gives for the whole page.
    if expanded != expand(lines):
        raise ValueError(
            f"{path}: use one-line --8<-- includes only (block includes are not traced)"
        )
    page = Page(path, lines, expanded, origins)
    page.blocks = _blocks(page)
    return page


def _closing_fence(expanded: list[str], opening: int) -> int:
    """0-based index of the fence that closes the one opened at 0-based `opening`."""
    fence = expanded[opening].strip()
    ticks = fence[: len(fence) - len(fence.lstrip(fence[0]))]
    for index in range(opening + 1, len(expanded)):
        if expanded[index].strip().startswith(ticks) and not expanded[index].strip().strip(
            ticks[0]
        ):
            return index
    raise ValueError(f"unclosed fence at expanded line {opening + 1}")


def _output_fence(expanded: list[str], code_fence: int) -> tuple[int, int] | None:
    """The output block following the code block opened at 0-based `code_fence`, if marked."""
    index = _closing_fence(expanded, code_fence) + 1
    while index < len(expanded) and not expanded[index].strip():
        index += 1
    if index >= len(expanded) or expanded[index].strip() != OUTPUT_MARKER:
        return None
    index += 1
    while not expanded[index].strip():
        index += 1
    return index, _closing_fence(expanded, index)


def _blocks(page: Page) -> list[Block]:
    extracted = extract_from_buffer(io.StringIO("\n".join(page.expanded) + "\n"))
    collapsed = reading_time.collapsed(page.expanded)
    blocks = []
    for found in extracted:
        if found.syntax != EXECUTED_SYNTAX:
            continue  # text, mermaid, ...; the guard below makes sure no Python hides here
        opening = found.lineno - 1
        output = _output_fence(page.expanded, opening)
        language = "text"
        if output is not None:
            language = page.expanded[output[0]].strip().lstrip("`~").strip() or "text"
        code_lines = len(found.code.splitlines())
        blocks.append(
            Block(
                page=page,
                index=len(blocks),
                code=found.code,
                fence_line=found.lineno,
                origins=page.origins[opening + 1 : opening + 1 + code_lines],
                expected=found.expected_output,
                output_fence=output,
                output_language=language,
                optional=collapsed[opening],
            )
        )
    return blocks


def unexecuted_python_fences(page: Page) -> list[str]:
    """Fences that look like Python but are not a bare ```python block, so would never run."""
    problems = []
    for number, text in enumerate(page.expanded, 1):
        match = PYTHON_LIKE_FENCE.match(text)
        if match is None:
            continue
        if match["fence"].startswith("`") and text.strip() == match["fence"] + EXECUTED_SYNTAX:
            continue
        where = page.origins[number - 1].page_line
        problems.append(
            f"{page.relpath}:{where}: {text.strip()!r} would not be executed; "
            "fence Python code as a bare ```python block"
        )
    return problems


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


# --- running ----------------------------------------------------------------------------------

WORKER = Path(__file__).with_name("page_worker.py")
PAGE_TIMEOUT = 900  # seconds for one page; the slowest takes well under a minute


@dataclass
class Result:
    output: str = ""
    error: str | None = None  # formatted traceback
    random_so_far: bool = False  # a random generator was used by this block or an earlier one
    unseeded_draw: bool = False  # it drew random numbers while the page had not seeded torch
    missing_name: str | None = None  # it read a name that no block before it defined


class PageRun:
    """Runs one page's blocks in order in a brand-new Python process (`tests/page_worker.py`),
    in a scratch working directory, exactly as a reader who copies them into a new interpreter.
    The files the page writes there are read back and the directory removed.

    Nothing is configured first: the page itself must seed, import and set up what it uses.
    The process's environment is this one's, with `snippets` importable from this checkout.
    """

    def __init__(self, page: Page, device: str = "cpu"):
        self.page = page
        self.device = device
        self.results: list[Result] = []
        self.files: dict[str, bytes] = {}

    def result(self, index: int) -> Result:
        self.run_all()
        return self.results[index]

    def run_all(self) -> list[Result]:
        if not self.results and self.page.blocks:
            self.results = self._run()
        return self.results

    def failed_before(self, index: int) -> Block | None:
        for block, result in zip(self.page.blocks[:index], self.results, strict=False):
            if result.error is not None:
                return block
        return None

    def problem(self, block: Block) -> str | None:
        """Why the block failed, naming the page, its line and what it relied on; None if it ran."""
        result = self.result(block.index)
        if result.unseeded_draw:
            return (
                f"{block.where()} draws random numbers before the page seeds them: call "
                "torch.manual_seed(...) in this block or one above it, where the reader sees it "
                "(a new interpreter's generator starts from torch's fixed default seed, so the "
                "numbers would only match by accident)"
            )
        if result.error is None:
            return None
        earlier = self.failed_before(block.index)
        if earlier is not None:
            return f"{block.where()} not run: an earlier block ({earlier.where()}) failed"
        if result.missing_name is not None:
            return (
                f"{block.where()} reads `{result.missing_name}`, which no block above it on "
                "the page creates (each page runs on its own, in a new Python process):\n"
                + result.error
            )
        return f"{block.where()} raised on {self.device}:\n{result.error}"

    def written_files(self) -> dict[str, bytes]:
        self.run_all()
        return self.files

    def _run(self) -> list[Result]:
        with tempfile.TemporaryDirectory(prefix=f"page-{self.page.path.stem}-") as folder:
            return self._run_in(Path(folder))

    def _run_in(self, workdir: Path) -> list[Result]:
        spec = workdir / ".page-spec.json"
        out = workdir / ".page-result.json"
        blocks = []
        for block in self.page.blocks:
            filename, first_line = _code_location(block)
            blocks.append({"code": block.code, "filename": filename, "first_line": first_line})
        spec.write_text(json.dumps({"device": self.device, "blocks": blocks}), encoding="utf-8")
        run = subprocess.run(
            [sys.executable, str(WORKER), str(spec), str(out)],
            cwd=workdir,
            env=reader_env(),
            capture_output=True,
            text=True,
            timeout=PAGE_TIMEOUT,
            check=False,
        )
        spec.unlink()
        if run.returncode != 0 or not out.is_file():
            error = (
                f"the page's Python process exited with status {run.returncode}:\n"
                f"{run.stderr[-4000:]}"
            )
            return [Result(error=error) for _ in self.page.blocks]
        results = [Result(**item) for item in json.loads(out.read_text(encoding="utf-8"))]
        out.unlink()
        self.files = files_under(workdir)
        return results


def files_under(folder: Path, skip=lambda path: False) -> dict[str, bytes]:
    """Every file under `folder` (none if it does not exist), keyed by its path relative to it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip(p)
    }


def committed_files(page: Page) -> dict[str, bytes]:
    """The files a page's code writes, as committed under docs/generated/<page>/."""
    return files_under(GENERATED / page.stem)


def reader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment, with this checkout's `snippets` importable (as `make setup` installs
    it), and `extra` on top. No variable that changes what torch computes is added."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra or {})
    return env


def _code_location(block: Block) -> tuple[str, int]:
    """File and first line to compile a block with, so a traceback points at the snippet file's
    own line numbers when the block comes from one section."""
    sources = {(o.source, o.section) for o in block.origins}
    if len(sources) == 1 and block.origins[0].source is not None:
        return str(block.origins[0].source), block.origins[0].source_line
    return str(block.page.path), block.fence_line + 1


DEVICE_SUFFIX = re.compile(r", device='cuda(:\d+)?'")


def normalise_device(text: str) -> str:
    """Make a CUDA run's printout comparable with the CPU one."""
    text = DEVICE_SUFFIX.sub("", text)
    text = re.sub(r"device\(type='cuda', index=\d+\)", "device(type='cpu')", text)
    return re.sub(r"\bcuda(:\d+)?\b", "cpu", text)


# --- rewriting outputs ------------------------------------------------------------------------


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
                edits.append((marker, closing + 1, []))
            else:
                edits.append((opening + 1, closing, [indent + b if b else "" for b in body]))
        elif body:
            code_close = _closing_fence(page.expanded, block.fence_line - 1)
            after = page.origins[code_close].page_line  # 1-based -> insert after it
            indent = lines[after - 1][: len(lines[after - 1]) - len(lines[after - 1].lstrip())]
            new = ["", indent + OUTPUT_MARKER, indent + OUTPUT_FENCE]
            new += [indent + b if b else "" for b in body] + [indent + "```"]
            edits.append((after, after, new))
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start:end] = replacement
    return "\n".join(lines) + "\n"

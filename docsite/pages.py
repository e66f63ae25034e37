"""Read the pages as MkDocs does, run their code blocks, and rewrite their outputs.

A page is expanded with pymdownx's own snippet preprocessor (the options come from mkdocs.yml),
its blocks are extracted with pytest-codeblocks' own extractor, and every ```python block runs
top to bottom in one fresh namespace per page, as `__main__`. Each expanded line remembers where it
came from (the page line, or the snippet file line), so a failure can name both.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from pytest_codeblocks import extract_from_buffer

from docsite import glossary, reading_time
from docsite.config import DOCS, ROOT, snippet_options

OUTPUT_MARKER = "<!--pytest-codeblocks:expected-output-->"
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<file>[^":]+)(?::(?P<section>[-_0-9a-z]+))?"\s*$')
# Any fence whose language looks like Python, however it is spelled: ```py, ``` python,
# ```python title="x", ```{.python}, ~~~python ... Only a bare ```python is executed.
PYTHON_LIKE_FENCE = re.compile(
    r"^\s*(?P<fence>`{3,}|~{3,})\s*\{?\s*\.?(?P<lang>python3?|py|pycon)\b(?P<rest>.*)$"
)
EXECUTED_SYNTAX = "python"
OUTPUT_FENCE = '```text title="Output"'  # Material shows the title above the block
# An output shown closed, for the reader to predict before opening it ("predict, then reveal"):
# right after the code block (which stays on the core path), this collapsed block holds the
# output marker and fence, indented one level (4 spaces) deeper than the code's fence. It is the
# block's output like any other: compared with every run, rewritten in place by the update, its
# lines counted as collapsed by the reading time, and the cell's output (collapsed) in the notebook.
PREDICT_TITLE = "Predict the output, then open"
PREDICT = f'??? question "{PREDICT_TITLE}"'
PREDICT_INDENT = 4
# Any collapsible block whose title asks for a prediction, however it is spelled: each must be
# exactly PREDICT, right after a code block, holding that block's output (misplaced_reveals).
PREDICT_LIKE = re.compile(r'^\s*\?\?\?\+?\s+[\w-]+\s+"[^"]*\bpredict', re.I)
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
    # 0-based expanded line of the `??? question "Predict the output, then open"` that holds the
    # output, when the output is shown closed (PREDICT); the code itself is not collapsed.
    predict_line: int | None = None

    @property
    def predict(self) -> bool:
        """Whether the output is shown closed, for the reader to predict first."""
        return self.predict_line is not None

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


def expand(lines: list[str]) -> list[str]:
    """Expand --8<-- includes with pymdownx's own preprocessor and the site's options (the
    page's own text: not the glossary every page gets appended, docsite/glossary.py)."""
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": glossary.page_options(snippet_options())},
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


def built_page(page, log, what: str) -> Page | None:
    """The Markdown page MkDocs is building (a hook's `page`), read as the tests read it; None for
    a page that is not a Markdown file, or that cannot be read (`log` warns, naming `what`)."""
    if not page.file.src_uri.endswith(".md") or not page.file.abs_src_path:
        return None
    try:
        return load_page(Path(page.file.abs_src_path))
    except (LookupError, OSError, ValueError) as error:
        log.warning("%s: %s not read: %s", what, page.file.src_uri, error)
        return None


def load_page(path: Path, text: str | None = None) -> Page:
    """The page at `path` (under docs/), read from disk, or given as `text`."""
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
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
    page.blocks = blocks_of(page)
    return page


def closing_fence(expanded: list[str], opening: int) -> int:
    """0-based index of the fence that closes the one opened at 0-based `opening`."""
    fence = expanded[opening].strip()
    ticks = fence[: len(fence) - len(fence.lstrip(fence[0]))]
    for index in range(opening + 1, len(expanded)):
        if expanded[index].strip().startswith(ticks) and not expanded[index].strip().strip(
            ticks[0]
        ):
            return index
    raise ValueError(f"unclosed fence at expanded line {opening + 1}")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _next_text(expanded: list[str], index: int) -> int:
    """0-based index of the first non-blank line from `index` (len(expanded) if none)."""
    while index < len(expanded) and not expanded[index].strip():
        index += 1
    return index


def _output_fence(
    expanded: list[str], code_fence: int
) -> tuple[tuple[int, int] | None, int | None]:
    """The output block following the code block opened at 0-based `code_fence`, if marked, and
    the 0-based line of the PREDICT block it is shown closed in, if it is."""
    index = _next_text(expanded, closing_fence(expanded, code_fence) + 1)
    predict = None
    if (
        index < len(expanded)
        and expanded[index].strip() == PREDICT
        and _indent(expanded[index]) == _indent(expanded[code_fence])
    ):
        predict, index = index, _next_text(expanded, index + 1)
        if index < len(expanded) and _indent(expanded[index]) != (
            _indent(expanded[code_fence]) + PREDICT_INDENT
        ):
            return None, None  # not inside the PREDICT block: misplaced_reveals names it
    if index >= len(expanded) or expanded[index].strip() != OUTPUT_MARKER:
        return None, None
    index = _next_text(expanded, index + 1)
    return (index, closing_fence(expanded, index)), predict


def _fenced_text(expanded: list[str], opening: int, closing: int) -> str:
    """The lines between two fences, less the opening fence's indent: what pytest-codeblocks
    extracts, except that it drops a blank line inside an indented block (an output shown in a
    collapsed block), and this keeps it."""
    indent = _indent(expanded[opening])
    body = expanded[opening + 1 : closing]
    return "".join(line[min(indent, _indent(line)) :] + "\n" for line in body)


def blocks_of(page: Page) -> list[Block]:
    extracted = extract_from_buffer(io.StringIO("\n".join(page.expanded) + "\n"))
    collapsed = reading_time.collapsed(page.expanded)
    blocks = []
    for found in extracted:
        if found.syntax != EXECUTED_SYNTAX:
            continue  # text, mermaid, ...; the guard below makes sure no Python hides here
        opening = found.lineno - 1
        output, predict = _output_fence(page.expanded, opening)
        language, expected = "text", found.expected_output
        if output is not None:
            language = page.expanded[output[0]].strip().lstrip("`~").strip() or "text"
            expected = _fenced_text(page.expanded, *output)
        code_lines = len(found.code.splitlines())
        blocks.append(
            Block(
                page=page,
                index=len(blocks),
                code=found.code,
                fence_line=found.lineno,
                origins=page.origins[opening + 1 : opening + 1 + code_lines],
                expected=expected,
                output_fence=output,
                output_language=language,
                optional=collapsed[opening],
                predict_line=predict,
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


def misplaced_reveals(page: Page) -> list[str]:
    """Output markers that belong to no block (they would be shown but never compared or
    updated), and "Predict" blocks that do not hold the output of the code block right above
    them, exactly as PREDICT says; each named by page line."""
    problems = []
    outputs = {b.output_fence[0] for b in page.blocks if b.output_fence is not None}
    predicts = {b.predict_line for b in page.blocks if b.predict}
    for index, text in enumerate(page.expanded):
        where = f"{page.relpath}:{page.origins[index].page_line}"
        if text.strip() == OUTPUT_MARKER and _next_text(page.expanded, index + 1) not in outputs:
            problems.append(
                f"{where}: an output marker that follows no code block's closing fence (only "
                f"blank lines, or one `{PREDICT}` line at the code's indent, may stand between "
                "them, the output indented 4 spaces inside it): this output is never compared"
            )
        elif PREDICT_LIKE.match(text) and index not in predicts:
            said = "holds no output" if text.strip() == PREDICT else f"must be exactly `{PREDICT}`"
            problems.append(
                f"{where}: {text.strip()!r} {said}: it goes at the indent of the code block right "
                "above it, and holds that block's output (marker and fence indented 4 spaces "
                "more) and nothing else"
            )
    for block in page.blocks:
        if block.predict:
            end = _next_text(page.expanded, block.output_fence[1] + 1)
            if end < len(page.expanded) and _indent(page.expanded[end]) > _indent(
                page.expanded[block.predict_line]
            ):
                problems.append(
                    f"{page.relpath}:{page.origins[end].page_line}: more than the output inside "
                    f"`{PREDICT}` (opened at line {page.origins[block.predict_line].page_line}): "
                    "it holds the output alone"
                )
    return problems


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


@functools.cache
def pages() -> tuple[Page, ...]:
    """Every page, loaded once per process."""
    return tuple(load_page(path) for path in all_pages())


def pages_with_code() -> tuple[Page, ...]:
    return tuple(page for page in pages() if page.blocks)

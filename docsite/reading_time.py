"""How long a page takes to read, counted the way a reader meets it (shown on the site by
docsite/hooks/reading_time.py: "≈ 6 min" under each page's title, the minutes of every part and
the core path's total on the intro).

The measure (one formula, used by the site and by the budget test, tests/test_reading_time.py):

- prose at WORDS_PER_MINUTE: the words of the text outside code blocks, once Markdown and HTML
  markup, links' targets, images and comments are removed (a word is a whitespace-separated token
  holding a letter or a digit: `x @ W.T` is two words, `$\\hat{y}$` one);
- SECONDS_PER_LINE for every non-blank line of code or output (fenced blocks, snippets included);
- only the first tab of a tab group (the others are alternatives a reader picks instead);
- nothing inside a collapsed block (`??? info "Going deeper: …"`, `??? success "Solution"`):
  optional depth a hurried reader skips. A `???+` block is open, so it counts. An output shown
  closed for the reader to predict (`??? question "Predict the output, then open"`,
  docsite/pages.py's PREDICT) is collapsed too: its code counts, its output does not;
- nothing in a page's `## Exercises` section (up to the next H2): exercises are optional.

The core path is the intro and Parts 1-10 (BUDGETS); it must fit in CORE_MINUTES with a margin,
since other counts of the same text differ a little (a different tokeniser, a table read faster).

    python -m tools.reading_time      # each page's minutes, the core path's total, then the
                                      # pages after the hour (shown on the site, not counted)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import markdown

from docsite import config, glossary

WORDS_PER_MINUTE = 230
SECONDS_PER_LINE = 3
CORE_MINUTES = 60  # the hour
# Each core page's budget in minutes, in reading order; together at most CORE_MINUTES less a
# margin of a few minutes (at least 3) for counts that differ from this one.
BUDGETS = {
    "index.md": 4,
    "part01-tensors.md": 5,
    "part02-autograd.md": 4,
    "part03-math.md": 5,
    "part04-indexing.md": 6,
    "part05-forward-pass.md": 5,
    "part06-backward-pass.md": 5,
    "part07-gradient-descent.md": 5,
    "part08-nn-layers.md": 6,
    "part09-module-and-optim.md": 5,
    "part10-to-an-llm.md": 7,
}
MARGIN_MINUTES = CORE_MINUTES - sum(BUDGETS.values())

H2 = re.compile(r"^## ")
EXERCISES = "## Exercises"  # the section that ends a page, not counted
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
COLLAPSED = re.compile(r"^(?P<indent>\s*)\?\?\?(?!\+)\s")
TAB = re.compile(r"^(?P<indent>\s*)===\+?\s")
ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*\s*")
COMMENT = re.compile(r"<!--.*?-->", re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?")
LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")
REFERENCE_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\[[^\]]*\]")
REFERENCE_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s+\S+.*$", re.M)
ATTRIBUTES = re.compile(r"\{:?\s*[.#][^}]*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M)
WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Reading:
    words: int  # prose words a reader reads
    lines: int  # non-blank lines of code and output a reader reads

    @property
    def seconds(self) -> float:
        return self.words * 60 / WORDS_PER_MINUTE + self.lines * SECONDS_PER_LINE

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    def __add__(self, other: Reading) -> Reading:
        return Reading(self.words + other.words, self.lines + other.lines)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def read_lines(lines: list[str]) -> tuple[list[str], int]:
    """The prose lines a reader reads, and the number of code/output lines, from a page whose
    snippets are expanded: collapsed blocks and all tabs but a group's first left out."""
    prose: list[str] = []
    code_lines = 0
    skip_deeper_than: int | None = None  # inside a later tab of a group
    tab_group_at: int | None = None  # indent of the tab group we are in, if any
    fence: str | None = None
    in_exercises = False
    for text, hidden in zip(lines, collapsed(lines), strict=True):
        if hidden:
            continue
        if fence is None and H2.match(text):
            in_exercises = text.strip() == EXERCISES
        if in_exercises:
            continue
        blank = not text.strip()
        if skip_deeper_than is not None:
            if blank or _indent(text) > skip_deeper_than:
                continue
            skip_deeper_than = None
        if fence is not None:
            if text.strip().startswith(fence) and not text.strip().strip(fence[0]):
                fence = None
            elif not blank:
                code_lines += 1
            continue
        if blank:
            prose.append(text)
            continue
        indent = _indent(text)
        if tab_group_at is not None and indent <= tab_group_at and not TAB.match(text):
            tab_group_at = None
        if TAB.match(text):
            if tab_group_at == indent:  # a later tab of the same group: an alternative
                skip_deeper_than = indent
                continue
            tab_group_at = indent
            prose.append(text.strip().removeprefix("===+").removeprefix("==="))
            continue
        match = FENCE.match(text)
        if match:
            fence = match["fence"]
            continue
        prose.append(text)
    return prose, code_lines


def collapsed(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a collapsed block (its `???` line or its content)."""
    flags = []
    deeper: int | None = None  # inside a collapsed block whose `???` line has this indent
    for text in lines:
        if deeper is not None and (not text.strip() or _indent(text) > deeper):
            flags.append(True)
            continue
        deeper = None
        match = COLLAPSED.match(text)
        if match:
            deeper = len(match["indent"])
        flags.append(match is not None)
    return flags


def words(prose: str) -> int:
    """The words of prose once markup is removed (see the module's docstring)."""
    text = COMMENT.sub(" ", prose)
    text = IMAGE.sub(" ", text)
    text = LINK.sub(r"\g<text>", text)
    text = REFERENCE_LINK.sub(r"\g<text>", text)
    text = REFERENCE_DEFINITION.sub(" ", text)
    text = ATTRIBUTES.sub(" ", text)
    text = TAG.sub(" ", text)
    text = TABLE_RULE.sub(" ", text)
    text = "\n".join(ADMONITION.sub("", line) for line in text.splitlines())
    return sum(1 for token in text.split() if WORD.search(token))


def measure(expanded_lines: list[str]) -> Reading:
    """The core reading of a page given as its lines with snippets expanded."""
    prose, code_lines = read_lines(expanded_lines)
    return Reading(words("\n".join(prose)), code_lines)


def minutes_label(reading: Reading) -> str:
    return f"≈ {max(1, round(reading.minutes))} min"


# --- pages on disk --------------------------------------------------------------------------------


def _expander(snippet_options: dict):
    """The page's own text, its snippets expanded: the glossary appended to every page holds
    only definitions, which no reader reads as text (docsite/glossary.py)."""
    options = glossary.page_options(snippet_options)
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options}
    )
    return md.preprocessors["snippet"].run


def measure_file(path: Path, options: dict | None = None) -> Reading:
    """A page file's reading, its snippets expanded with `options` (default: mkdocs.yml's)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return measure(_expander(config.snippet_options() if options is None else options)(lines))


def core_readings(config_file: str | Path = config.MKDOCS_YML) -> dict[str, Reading]:
    """Each core page's reading (BUDGETS' pages), as the site in config_file builds it."""
    loaded = config.mkdocs_config(str(config_file))
    options = loaded.mdx_configs["pymdownx.snippets"]
    return {name: measure_file(Path(loaded.docs_dir) / name, options) for name in BUDGETS}


def main() -> int:
    readings = core_readings()
    total = Reading(0, 0)
    for name, reading in readings.items():
        total += reading
        flag = "  over budget" if reading.minutes > BUDGETS[name] else ""
        print(
            f"{name:34} {reading.minutes:5.1f} min  (budget {BUDGETS[name]:2})  "
            f"{reading.words:5} words {reading.lines:4} lines{flag}"
        )
    hour = f"(hour {CORE_MINUTES}, margin {MARGIN_MINUTES})"
    print(f"{'core path':34} {total.minutes:5.1f} min  {hour}")
    for path in sorted(config.DOCS.glob("*.md")):  # the pages after the hour ("Going further")
        if path.name not in BUDGETS:
            reading = measure_file(path)
            print(
                f"{path.name:34} {reading.minutes:5.1f} min  (not counted)  "
                f"{reading.words:5} words {reading.lines:4} lines"
            )
    return 0

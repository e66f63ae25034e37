"""Results stated in a page's prose, bound to what the page's own code prints.

A sentence that restates a result names where the run printed it, and keeps the value as a plain
literal between two HTML comments, which MkDocs, Jupyter and GitHub all leave unseen:

    counts <!--run: count-llama after "all of Llama 3 8B"-->8,030,261,248<!--/run--> parameters

reads "the value after `all of Llama 3 8B` in the output of the block that shows the page's
snippet section `count-llama`". The value is the number (`-1.5e-07`, `8,030,261,248`, `0.047`)
or the word (`True`, `converged`) that follows the anchor text, exactly as printed, unless the
binding asks for a format:

    as .2f / as , / as .0%          a Python format spec, applied to the printed number
    as /1e9 .2f                     the number divided first (8,030,261,248 -> 8.03)
    as True=matches False=differs   a word for each printed word

`value 2` takes the second value after the anchor (numbers and words count; `GB` is a word),
and the anchor may be "" (the output's first value). A number that holds without the run, such as a
published model width, is marked instead, with why:

    a width of <!--fact: Llama 3 8B's published config-->4096<!--/fact-->

`make update-outputs` rewrites every bound literal from the outputs it has just rewritten, as it
rewrites the output blocks; the tests compare each literal with the output block it names (on the
page) and with what every run printed for that block (`mismatches`). `unbound` is the lint: a
number in prose that equals one the same page prints, neither bound nor marked, is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from docsite.pages import Block, Page, closing_fence

SECTION = r"[-_0-9a-z]+"
BINDING = re.compile(
    r"<!--\s*run:\s*(?P<section>" + SECTION + r')\s+after\s+"(?P<anchor>[^"]*)"'
    r"(?:\s+value\s+(?P<position>[1-9]\d*))?(?:\s+as\s+(?P<format>[^<>]*?))?\s*-->"
    r"(?P<literal>[^<>]*?)<!--\s*/run\s*-->"
)
FACT = re.compile(
    r"<!--\s*fact(?::\s*(?P<why>[^<>]*?))?\s*-->(?P<literal>[^<>]*?)<!--\s*/fact\s*-->"
)
# Anything that looks like one of the two markers, to catch a malformed one (not silently prose).
MARKER_LIKE = re.compile(r"<!--\s*/?\s*(?:run|fact)\b")
# A printed value: a number as Python or torch prints it, or a word.
NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
VALUE = re.compile(r"(?P<number>" + NUMBER + r")|(?P<word>[A-Za-z_]\w*)")
# Numbers in prose for the lint: not part of a word (float32, GPT-2's "2" is kept: it is a word
# boundary), not signed (a dash in prose is punctuation).
PROSE_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])"
)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK_TARGET = re.compile(r"\]\([^)]*\)|\{[^}]*[#.=][^}]*\}")  # a link's URL, an attr_list
COMMENT = re.compile(r"<!--.*?-->")
URL = re.compile(r"https?://\S+")


class BindingError(ValueError):
    """A binding that names no block, no anchor or no value: names the page and line."""


@dataclass(frozen=True)
class Binding:
    page: Page
    line: int  # 1-based line of the page as written
    start: int  # span of the literal within that line
    end: int
    section: str
    anchor: str
    position: int  # the n-th value after the anchor (1: the first)
    format: str | None
    literal: str

    @property
    def where(self) -> str:
        return f"{self.page.relpath}:{self.line}"

    @property
    def source(self) -> str:
        text = f'{self.section} after "{self.anchor}"'
        text += f" value {self.position}" if self.position > 1 else ""
        return text + (f" as {self.format}" if self.format else "")

    def block(self) -> Block:
        for block in self.page.blocks:
            if block.section == self.section:
                return block
        sections = ", ".join(b.section for b in self.page.blocks if b.section)
        raise BindingError(
            f"{self.where}: no block on the page shows the section '{self.section}' "
            f"(its sections: {sections})"
        )

    def value(self, output: str | None = None) -> str:
        """The value as the sentence must state it, taken from `output` (the block's output on
        the page when None)."""
        block = self.block()
        text = block.expected or "" if output is None else output
        where = f"{self.where}: the binding {self.source}"
        at = text.find(self.anchor)
        if at < 0:
            raise BindingError(f"{where}: the output of '{self.section}' has no {self.anchor!r}")
        values = VALUE.finditer(text, at + len(self.anchor))
        found = next((v for n, v in enumerate(values, 1) if n == self.position), None)
        if found is None:
            following = text[at + len(self.anchor) :][:40]
            raise BindingError(f"{where}: no value {self.position} after the anchor: {following!r}")
        return formatted(found["number"] or found["word"], self.format, where)


@dataclass(frozen=True)
class Fact:
    page: Page
    line: int
    literal: str
    why: str

    @property
    def where(self) -> str:
        return f"{self.page.relpath}:{self.line}"


@dataclass(frozen=True)
class Restatement:
    """A number in prose equal to one the page prints, neither bound nor marked as a fact."""

    page: Page
    line: int
    number: str
    printed: str  # the printed value it equals
    block: Block

    @property
    def where(self) -> str:
        return f"{self.page.relpath}:{self.line}"

    def describe(self) -> str:
        shown = f"section '{self.block.section}'" if self.block.section else self.block.where()
        return (
            f"{self.where}: {self.number} is typed in the prose, and the output of {shown} "
            f'prints {self.printed}. Bind it to the run (<!--run: SECTION after "TEXT"-->'
            f"{self.number}<!--/run-->), or, if it holds without the run, mark it "
            f"(<!--fact: why-->{self.number}<!--/fact-->); see CONTRIBUTING, 'Results in prose'"
        )


def formatted(printed: str, spec: str | None, where: str = "") -> str:
    if not spec:
        return printed
    spec = spec.strip()
    if "=" in spec:
        words = dict(pair.split("=", 1) for pair in spec.split())
        if printed not in words:
            raise BindingError(f"{where}: printed {printed!r}, which 'as {spec}' has no word for")
        return words[printed]
    number = to_number(printed)
    divisor = re.match(r"/\s*(?P<by>[0-9.eE+-]+)\s*", spec)
    if divisor is not None and number is not None:
        number, spec = number / float(divisor["by"]), spec[divisor.end() :]
    if number is None:
        raise BindingError(
            f"{where}: 'as {spec}' formats a number, but the run printed {printed!r}"
        )
    try:
        return format(number, spec)
    except ValueError as error:
        raise BindingError(f"{where}: 'as {spec}' is not a format for {printed}: {error}") from None


def to_number(text: str) -> int | float | None:
    plain = text.replace(",", "")
    if re.fullmatch(r"[-+]?\d+", plain):
        return int(plain)
    try:
        return float(plain)
    except ValueError:
        return None


def prose_lines(page: Page) -> list[tuple[int, str]]:
    """(page line, text) of every line outside fenced blocks (code, outputs, diagrams)."""
    lines = []
    index = 0
    expanded = page.expanded
    while index < len(expanded):
        text = expanded[index]
        stripped = text.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            index = closing_fence(expanded, index) + 1
            continue
        origin = page.origins[index]
        if origin.source is None:
            lines.append((origin.page_line, text))
        index += 1
    return lines


def parse(page: Page) -> tuple[list[Binding], list[Fact]]:
    """Every binding and fact marker in the page's prose; a malformed marker raises."""
    bindings, facts = [], []
    for number, text in prose_lines(page):
        spans = []
        for found in BINDING.finditer(text):
            spans.append(found.span())
            bindings.append(
                Binding(
                    page,
                    number,
                    found.start("literal"),
                    found.end("literal"),
                    found["section"],
                    found["anchor"],
                    int(found["position"] or 1),
                    found["format"],
                    found["literal"],
                )
            )
        for found in FACT.finditer(text):
            spans.append(found.span())
            facts.append(Fact(page, number, found["literal"], (found["why"] or "").strip()))
        rest = text
        for start, end in sorted(spans, reverse=True):
            rest = rest[:start] + rest[end:]
        if MARKER_LIKE.search(rest):
            raise BindingError(
                f"{page.relpath}:{number}: a malformed result marker: write "
                '<!--run: SECTION after "TEXT"-->VALUE<!--/run--> or '
                "<!--fact: why-->VALUE<!--/fact-->, on one line:\n" + text.strip()
            )
    return bindings, facts


def disagreements(page: Page) -> list[str]:
    """Each bound literal that is not the value the page's own output block shows."""
    problems = []
    bindings, _ = parse(page)
    for binding in bindings:
        try:
            value = binding.value()
        except BindingError as error:
            problems.append(str(error))
            continue
        if value != binding.literal:
            problems.append(
                f"{binding.where}: the sentence states {binding.literal}; the output of "
                f"'{binding.section}' on the page shows {value} ({binding.source}); "
                "run `make update-outputs`"
            )
    return problems


def mismatches(page: Page, outputs: dict[int, str], run: str) -> list[str]:
    """Each bound literal that differs from what a run printed; `outputs` maps a block's index to
    that run's output (blocks the run did not report are skipped). `run` names the run."""
    problems = []
    bindings, _ = parse(page)
    for binding in bindings:
        block = binding.block()
        if block.index not in outputs:
            continue
        try:
            value = binding.value(outputs[block.index])
        except BindingError as error:
            problems.append(f"{error} (in {run})")
            continue
        if value != binding.literal:
            problems.append(
                f"{binding.where}: the sentence states {binding.literal}, but {run} printed "
                f"{value} ({binding.source}, {block.where()})"
            )
    return problems


def rewrite(page: Page) -> str:
    """The page's text with every bound literal replaced by the value its output block shows."""
    lines = list(page.lines)
    bindings, _ = parse(page)
    for binding in sorted(bindings, key=lambda b: (b.line, b.start), reverse=True):
        text = lines[binding.line - 1]
        lines[binding.line - 1] = text[: binding.start] + binding.value() + text[binding.end :]
    return "\n".join(lines) + "\n"


def split_output(page: Page, blocks: list[Block], stdout: str) -> dict[int, str]:
    """A script's stdout cut into its blocks' outputs, by the number of lines each block's output
    has on the page. Only when the line counts add up (a changed value rarely changes them);
    otherwise nothing can be attributed, and {} is returned."""
    lines = stdout.splitlines(keepends=True)
    counts = [len((block.expected or "").splitlines()) for block in blocks]
    if sum(counts) != len(lines):
        return {}
    outputs, position = {}, 0
    for block, count in zip(blocks, counts, strict=True):
        outputs[block.index] = "".join(lines[position : position + count])
        position += count
    return outputs


# --- the lint ---------------------------------------------------------------------------------


def _significant(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def distinctive(text: str) -> bool:
    """A prose number worth comparing: a decimal, a grouped number, or 10 and above (a small
    integer is a count, a part number or an index far more often than a restated result)."""
    if "." in text or "," in text or "e" in text.lower():
        return True
    value = _significant(text)
    return value is not None and value >= 10


def _equal(prose: str, printed: str) -> bool:
    """The same number, or the printed one rounded to the digits the prose gives (when the
    prose gives at least two significant digits: 0.05 is not a rounded 0.047, 70 is 70.2)."""
    a, b = _significant(prose), _significant(printed)
    if a is None or b is None:
        return False
    if a == b:
        return True
    exponent = a.as_tuple().exponent
    digits = len(prose.replace(",", "").replace(".", "").strip("0") if "." in prose else prose)
    if not isinstance(exponent, int) or digits < 2 or "e" in prose.lower():
        return False
    try:
        return b.quantize(Decimal(1).scaleb(exponent)) == a
    except InvalidOperation:  # a printed 3.4e+38 held to 0.01 needs more digits than Decimal's
        return False


def printed_numbers(page: Page) -> list[tuple[str, Block]]:
    found = []
    for block in page.blocks:
        for match in re.finditer(NUMBER, block.expected or ""):
            text = match.group().lstrip("+-")
            found.append((text, block))
    return found


def code_numbers(page: Page) -> set[Decimal]:
    """The numbers written in the code the page shows: its inputs (a learning rate, a count)."""
    found = set()
    for block in page.blocks:
        for match in PROSE_NUMBER.finditer(block.code):
            value = _significant(match.group())
            if value is not None:
                found.add(value)
    return found


def unbound(page: Page) -> list[Restatement]:
    """Numbers in the page's prose equal to one it prints, neither bound nor marked. A number
    also written in the page's code is an input the reader sees there, not a result: skipped."""
    printed = printed_numbers(page)
    inputs = code_numbers(page)
    found = []
    for number, text in prose_lines(page):
        rest = BINDING.sub(" ", text)
        rest = FACT.sub(" ", rest)
        for pattern in (COMMENT, INLINE_CODE, LINK_TARGET, URL):
            rest = pattern.sub(" ", rest)
        for match in PROSE_NUMBER.finditer(rest):
            if not distinctive(match.group()) or _significant(match.group()) in inputs:
                continue
            same = next((p for p in printed if _equal(match.group(), p[0])), None)
            if same is not None:
                found.append(Restatement(page, number, match.group(), same[0], same[1]))
    return found


def plain(text: str) -> str:
    """`text` with every binding and fact marker removed, its literal kept: what a reader sees
    (the site's Markdown before rendering, a notebook's text cells)."""
    return FACT.sub(lambda m: m["literal"], BINDING.sub(lambda m: m["literal"], text))


# --- the report -------------------------------------------------------------------------------


def report(pages: list[Page]) -> tuple[list[str], int]:
    """Per page: its bound values (value, line, where the run prints it), its marked facts and
    its unbound restatements. Returns the lines and the number of problems (unbound
    restatements, bound values that disagree with the page's output, malformed markers)."""
    lines, problems = [], 0
    totals = [0, 0, 0]
    for page in pages:
        try:
            bindings, facts = parse(page)
        except BindingError as error:
            lines += [page.relpath, f"  error: {error}"]
            problems += 1
            continue
        found = unbound(page)
        disagree = disagreements(page)
        totals = [totals[0] + len(bindings), totals[1] + len(facts), totals[2] + len(found)]
        lines.append(
            f"{page.relpath}: {len(bindings)} bound, {len(facts)} facts, {len(found)} unbound"
        )
        for binding in bindings:
            lines.append(f"  bound   :{binding.line:<4} {binding.literal:<16} {binding.source}")
        for fact in facts:
            lines.append(f"  fact    :{fact.line:<4} {fact.literal:<16} {fact.why}")
        for restated in found:
            lines.append(
                f"  UNBOUND :{restated.line:<4} {restated.number:<16} printed by "
                f"{restated.block.section or restated.block.where()}"
            )
        lines += [f"  DIFFERS {problem}" for problem in disagree]
        problems += len(found) + len(disagree)
    lines.append(
        f"{len(pages)} pages: {totals[0]} bound values, {totals[1]} marked facts, "
        f"{totals[2]} unbound restatements"
    )
    return lines, problems


def main(argv: list[str] | None = None) -> int:
    import argparse

    from docsite.pages import pages

    parser = argparse.ArgumentParser(description="Results stated in the pages' prose.")
    parser.add_argument("names", nargs="*", help="pages (file names under docs/); all if none")
    args = parser.parse_args(argv)
    chosen = [p for p in pages() if not args.names or p.name in args.names]
    lines, problems = report(chosen)
    print("\n".join(lines))
    return 1 if problems else 0

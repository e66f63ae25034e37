"""Parts 1-10 each end with 2-3 exercises whose solutions the tests run.

An exercise lives in its page's snippet module as three sections (docpages.EXERCISE_SECTION):
`exercise-N-check`, shown on the page in the `## Exercises` section, defines a self-check the
reader calls on an answer (it prints "correct", or "wrong: " and what differs);
`exercise-N-solution`, shown in a collapsed `??? success "Solution"` block, computes an answer
and calls the self-check, so the page shows "correct" as its output (compared like every output);
`exercise-N-wrong`, never shown, calls the self-check on one wrong answer: run after the page's
own blocks, it must print the "wrong" verdict. A self-check that accepts anything fails here.
"""

from __future__ import annotations

import re
import tempfile
import textwrap
from pathlib import Path

import pytest

from docsite import config, forked, running
from docsite import pages as docpages

PARTS = [page for page in docpages.pages() if re.fullmatch(r"part\d\d-[\w-]+", page.stem)]
SECTION = re.compile(
    r"^# --8<-- \[start:(?P<name>[-\w]+)\]\n(?P<code>.*?)^# --8<-- \[end:(?P=name)\]", re.M | re.S
)
MARKER = "=== wrong answer for exercise {number} ==="
TIMEOUT = 900


def module_of(page: docpages.Page) -> Path:
    return config.ROOT / config.module_path(page.name)


def exercise_sections(page: docpages.Page) -> dict[int, dict[str, str]]:
    """Exercise number -> {"check"|"solution"|"wrong": code} from the page's snippet module."""
    found: dict[int, dict[str, str]] = {}
    for match in SECTION.finditer(module_of(page).read_text(encoding="utf-8")):
        exercise = docpages.EXERCISE_SECTION.match(match["name"])
        if exercise:
            found.setdefault(int(exercise["number"]), {})[exercise["part"]] = match["code"]
    return found


def _admonition_above(page: docpages.Page, block: docpages.Block) -> str | None:
    """The `???`/`!!!` line of the collapsed or open block this block sits in, if any."""
    fence = block.fence_line - 1
    indent = len(page.expanded[fence]) - len(page.expanded[fence].lstrip())
    for line in reversed(page.expanded[:fence]):
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            return line.strip() if line.lstrip().startswith(("???", "!!!")) else None
    return None


@pytest.mark.parametrize("page", PARTS, ids=[page.name for page in PARTS])
def test_each_part_ends_with_two_or_three_exercises_and_their_solutions(page):
    where = page.relpath
    sections = exercise_sections(page)
    assert 2 <= len(sections) <= 3, f"{where}: {len(sections)} exercises, not 2-3"
    assert sorted(sections) == list(range(1, len(sections) + 1)), f"{where}: numbering"
    h2 = [i for i, line in enumerate(page.expanded) if line.startswith("## ")]
    assert h2 and page.expanded[h2[-1]].strip() == "## Exercises", (
        f"{where}: the last H2 must be '## Exercises'"
    )
    exercises_start = h2[-1] + 1
    by_section = {block.section: block for block in page.blocks if block.section}
    problems = []
    for number, parts in sections.items():
        missing = {"check", "solution", "wrong"} - parts.keys()
        if missing:
            problems.append(f"exercise {number} has no {', '.join(sorted(missing))} section")
            continue
        check = by_section.get(f"exercise-{number}-check")
        solution = by_section.get(f"exercise-{number}-solution")
        if check is None or solution is None:
            problems.append(f"exercise {number}: the page must show its check and solution")
            continue
        if check.fence_line <= exercises_start or check.optional:
            problems.append(f"exercise {number}: the self-check belongs under ## Exercises")
        if check.expected:
            problems.append(f"exercise {number}: the self-check block must only define it")
        if _admonition_above(page, solution) != '??? success "Solution"':
            problems.append(f'exercise {number}: the solution goes in ??? success "Solution"')
        if not (solution.expected or "").endswith("correct\n"):
            problems.append(f"exercise {number}: the solution's output must end with 'correct'")
    assert not problems, f"{where}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PARTS, ids=[page.name for page in PARTS])
def test_each_self_check_rejects_its_wrong_answer(page):
    """The page's blocks run as one script in a new python, then each wrong answer: every one
    must get the self-check's "wrong: …" verdict."""
    wrong = {n: parts["wrong"] for n, parts in exercise_sections(page).items() if "wrong" in parts}
    if not wrong:
        pytest.fail(f"{page.relpath}: no exercise-N-wrong section in {module_of(page).name}")
    script = running.script(page.blocks)
    for number, code in sorted(wrong.items()):
        script += f"\nprint({MARKER.format(number=number)!r})\n" + textwrap.dedent(code)
    with tempfile.TemporaryDirectory(prefix=f"exercises-{page.path.stem}-") as folder:
        (Path(folder) / "page.py").write_text(script, encoding="utf-8")
        # A child of the fork server (docsite/forked.py): the page's own test starts it fresh.
        run = forked.run(["page.py"], Path(folder), running.reader_env(), timeout=TIMEOUT)
    assert run.returncode == 0, f"{page.relpath} with its wrong answers failed:\n{run.stderr}"
    problems = []
    for number in sorted(wrong):
        marker = MARKER.format(number=number) + "\n"
        after = run.stdout.split(marker, 1)[1] if marker in run.stdout else ""
        verdict = after.split(MARKER.format(number=number + 1))[0]
        if not verdict.startswith("wrong: "):
            problems.append(
                f"exercise {number}: its self-check accepted a wrong answer, or printed "
                f"no verdict: {verdict.strip()!r}"
            )
    assert not problems, f"{page.relpath}:\n" + "\n".join(problems)

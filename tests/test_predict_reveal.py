"""Predict, then reveal: on each part of the hour, an output shown closed behind
`??? question "Predict the output, then open"` (docsite/pages.py's PREDICT), right under its code.

It is still the block's output: found by the page parser, compared with every run, rewritten in
place by `make update-outputs`, the cell's output in the notebook (collapsed there too), and
counted as collapsed by the reading time. A "Predict" block that holds anything else, or an
output the parser would not find, fails naming the page and the line. On a scratch copy of the
project, tests/test_pipeline.py changes a closed output: the page fails naming its line with a
diff, and the update restores it in place.
"""

from __future__ import annotations

import re

import pytest

from docsite import config, notebooks, reading_time
from docsite import pages as docpages
from docsite.update import rewrite_outputs

PAGES = list(docpages.pages())
# The parts of the hour: the core pages (docsite/reading_time.py's BUDGETS) but the intro.
PARTS = [p for p in PAGES if p.name in reading_time.BUDGETS and p.name != config.INTRO_PAGE]


def test_every_part_of_the_hour_has_an_output_to_predict():
    assert len(PARTS) == 10, [page.name for page in PARTS]
    missing = [
        page.relpath
        for page in PARTS
        if not any(block.predict and block.expected and not block.optional for block in page.blocks)
    ]
    assert not missing, (
        f"no output shown closed behind `{docpages.PREDICT}` on the core path of: "
        + ", ".join(missing)
        + " (CONTRIBUTING.md, 'Predict, then reveal')"
    )


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_output_and_every_predict_block_belongs_to_its_code_block(page):
    problems = docpages.misplaced_reveals(page)
    assert not problems, "\n".join(problems)


# --- the parser, the update, the reading time and the notebook, on small pages -----------------

PAGE = """\
# Title

Guess first.

```python
print(1 + 1)
```

??? question "Predict the output, then open"

    <!--pytest-codeblocks:expected-output-->
    ```text title="Output"
    2
    ```

=== "A tab"

    ```python
    print("in a tab")
    ```

    ??? question "Predict the output, then open"

        <!--pytest-codeblocks:expected-output-->
        ```text title="Output"
        in a tab
        ```

After.
"""


def _page(text: str, name: str = "part99-example.md") -> docpages.Page:
    lines = text.splitlines()
    origins = [docpages.Origin(number) for number in range(1, len(lines) + 1)]
    page = docpages.Page(config.DOCS / name, lines, lines, origins)
    page.blocks = docpages.blocks_of(page)
    return page


def test_a_collapsed_output_is_the_block_s_output_and_its_code_stays_on_the_core_path():
    page = _page(PAGE)
    assert [(b.expected, b.predict, b.optional) for b in page.blocks] == [
        ("2\n", True, False),
        ("in a tab\n", True, False),
    ]
    assert [page.expanded[b.predict_line].strip() for b in page.blocks] == [docpages.PREDICT] * 2
    assert docpages.misplaced_reveals(page) == []
    # The reading time counts the code, not the outputs shown closed, nor the block's title.
    assert reading_time.measure(page.expanded) == reading_time.Reading(
        words=6,
        lines=2,  # Title | Guess first. | A tab | After.
    )


def test_the_update_rewrites_a_collapsed_output_in_place_at_its_indent():
    page = _page(PAGE)
    assert rewrite_outputs(page, ["2\n", "in a tab\n"]) == PAGE  # unchanged: nothing moves
    rewritten = rewrite_outputs(page, ["4\n\n5\n", "in a tab\n"])
    assert '    ```text title="Output"\n    4\n\n    5\n    ```\n' in rewritten
    assert rewritten.replace("    4\n\n    5\n", "    2\n") == PAGE
    again = _page(rewritten)
    assert [b.expected for b in again.blocks] == ["4\n\n5\n", "in a tab\n"]
    assert again.blocks[0].predict
    # A block that prints nothing any more loses its output and the block that held it.
    silent = rewrite_outputs(page, ["", "in a tab\n"])
    assert silent.count(docpages.PREDICT) == 1
    assert [(b.expected, b.predict) for b in _page(silent).blocks] == [
        (None, False),
        ("in a tab\n", True),
    ]


@pytest.mark.parametrize(
    "old, new, complaint",
    [
        # open, so not a prediction (and the reading time would count it)
        ('??? question "Predict', '???+ question "Predict', r"must be exactly"),
        # another title
        ("Predict the output, then open", "Predict the result", r"must be exactly"),
        # the output not indented inside the block: the parser would not find it
        (
            '\n    <!--pytest-codeblocks:expected-output-->\n    ```text title="Output"\n    2\n'
            "    ```\n",
            '\n<!--pytest-codeblocks:expected-output-->\n```text title="Output"\n2\n```\n',
            r"an output marker that follows no code block",
        ),
        # the block holds more than the output
        (
            "    2\n    ```\n",
            "    2\n    ```\n\n    The answer is two.\n",
            r"more than the output inside",
        ),
    ],
    ids=["open", "another-title", "not-indented", "more-than-the-output"],
)
def test_a_misplaced_predict_block_is_named_by_page_and_line(old, new, complaint):
    assert old in PAGE
    page = _page(PAGE.replace(old, new, 1))  # the first: the block under the first code block
    problems = docpages.misplaced_reveals(page)
    assert any(re.search(complaint, problem) for problem in problems), problems
    for problem in problems:  # each names the page and a line of the block under the code
        line = re.match(r"docs/part99-example\.md:(\d+): ", problem)
        assert line and 9 <= int(line[1]) <= 16, problems


def test_the_notebook_shows_the_output_collapsed_after_a_prompt():
    nb = notebooks.build(_page(PAGE))
    cells = notebooks.code_cells(nb)
    assert [c.metadata.get("jupyter") for c in cells] == [{"outputs_hidden": True}] * 2
    assert [c.outputs[0].text for c in cells] == ["2\n", "in a tab\n"]
    before = [nb.cells[nb.cells.index(c) - 1] for c in cells]
    assert [c.cell_type for c in before] == ["markdown", "markdown"]
    assert before[0].source == "Guess first.\n\n" + notebooks.PREDICT_PROMPT
    assert before[1].source == "**A tab**\n\n" + notebooks.PREDICT_PROMPT
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "???" not in markdown and docpages.OUTPUT_MARKER not in markdown

"""An hour is an hour: the core path (intro and Parts 1-10) fits its budget, measured by
docsite/reading_time.py, whose rules are checked here on small pages."""

from __future__ import annotations

import pytest

from docsite import config, reading_time
from docsite.reading_time import BUDGETS, CORE_MINUTES, Reading, measure, words


def test_every_core_page_fits_its_budget_and_the_core_path_the_hour():
    readings = reading_time.core_readings()
    over = [
        f"docs/{name}: {reading.minutes:.1f} min, over its budget of {BUDGETS[name]} min "
        f"({reading.words} words, {reading.lines} lines of code and output)"
        for name, reading in readings.items()
        if reading.minutes > BUDGETS[name]
    ]
    total = sum(readings.values(), Reading(0, 0))
    if total.minutes > CORE_MINUTES:
        over.append(f"the core path: {total.minutes:.1f} min, over the hour")
    assert not over, "\n".join(over)


def test_the_budgets_leave_a_margin_and_name_the_core_pages_in_reading_order():
    # Other counts of the same text differ a little: the budgets keep a few minutes in hand.
    assert sum(BUDGETS.values()) <= CORE_MINUTES - 3
    nav = config.mkdocs_config().nav
    core = [path for entry in nav for path in entry.values() if isinstance(path, str)]
    assert list(BUDGETS) == core, "BUDGETS must list the nav's top-level pages, in order"


def _lines(text: str) -> list[str]:
    return text.strip("\n").splitlines()


def test_prose_words_leave_out_markup_link_targets_and_comments():
    text = (
        "# A *title*\n"
        "See [the part](part01-tensors.md#shape) and ![a plot](generated/x.svg).\n"
        '<p class="x">Two <b>words</b></p> <!-- not read -->\n'
        "| a | b |\n| :--- | ---: |\n| `x @ W.T` | $\\hat{y}$ |\n"
        '!!! note "A note"\n'
    )
    # A title | See the part and . | Two words | a b | x W.T (not @) \hat{y} | A note
    assert words(text) == 2 + 4 + 2 + 2 + 2 + 1 + 2


def test_code_and_output_lines_count_and_blank_lines_do_not():
    page = _lines(
        """
Two words.

```python
x = 1

print(x)
```

```text title="Output"
1
```
"""
    )
    assert measure(page) == Reading(words=2, lines=3)


def test_only_the_first_tab_of_a_group_counts():
    page = _lines(
        """
=== "First"

    ```python
    a = 1
    ```

=== "Second"

    ```python
    b = 2
    c = 3
    ```

After.
"""
    )
    assert measure(page) == Reading(words=2, lines=1)  # "First", "After."


def test_a_collapsed_block_is_not_counted_and_an_open_one_is():
    page = _lines(
        """
Core text.

??? info "Going deeper: extra"

    Many words a hurried reader skips.

    ```python
    x = 1
    ```

???+ note "Open"

    Read.

Back on the path.
"""
    )
    # Core text. | Open Read. | Back on the path.
    assert measure(page) == Reading(words=2 + 2 + 4, lines=0)


@pytest.mark.parametrize("minutes, label", [(0.2, "≈ 1 min"), (4.4, "≈ 4 min"), (4.6, "≈ 5 min")])
def test_the_label_rounds_to_whole_minutes(minutes, label):
    reading = Reading(words=round(minutes * reading_time.WORDS_PER_MINUTE), lines=0)
    assert reading_time.minutes_label(reading) == label


def test_the_exercises_section_is_not_counted():
    page = _lines(
        """
## Core

Read this.

## Exercises

Many words of optional practice.

```python
def check(answer): ...
```

## After

Counted again.
"""
    )
    # Core | Read this. | After | Counted again.
    assert measure(page) == Reading(words=1 + 2 + 1 + 2, lines=0)

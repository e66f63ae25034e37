"""The doc-timing report (docsite/page_timing.py): a page timed block by block on one thread,
the report's sums by nav section, and each budget it must flag."""

from __future__ import annotations

from docsite import config
from docsite import pages as docpages
from docsite.page_timing import (
    PAGE_BUDGETS,
    SECTION_BUDGETS,
    THE_HOUR,
    PageTime,
    report,
    sections,
    time_page,
)

PAGES = {page.name: page for page in docpages.pages_with_code()}
NAV = config.mkdocs_config().nav
GPT = "further01-tiny-gpt.md"


def fake_times(seconds: dict[str, float]) -> list[PageTime]:
    """Every page taking 2 s (1 s of start-up, then its blocks), unless `seconds` says else."""
    times = []
    for name, page in PAGES.items():
        total = seconds.get(name, 2.0)
        blocks = [(total - 1.0) / len(page.blocks)] * len(page.blocks)
        times.append(PageTime(page, total, blocks))
    return times


def test_the_sections_are_the_hour_and_going_further_in_nav_order():
    found = sections(NAV)
    assert list(found) == [THE_HOUR, *SECTION_BUDGETS]
    assert tuple(found[THE_HOUR]) == config.site().nav_pages[: len(found[THE_HOUR])]
    assert GPT in found["Going further"] and GPT in PAGE_BUDGETS


def test_a_page_is_timed_block_by_block_in_a_new_process():
    timed = time_page(PAGES[config.INTRO_PAGE])
    assert timed.error is None
    assert len(timed.blocks) == len(PAGES[config.INTRO_PAGE].blocks)
    assert all(seconds >= 0 for seconds in timed.blocks) and sum(timed.blocks) > 0
    # Starting Python and importing torch happen before the first block.
    assert timed.start > 0.1, timed


def test_the_report_sums_each_section_and_holds_within_the_budgets():
    lines, over = report(fake_times({}), NAV)
    assert over == []
    going_further = len(sections(NAV)["Going further"])
    assert f"Going further: {going_further} pages, {2.0 * going_further:.2f} s (budget" in (
        "\n".join(lines)
    )
    assert lines[-1].startswith(f"all {len(PAGES)} pages: {2.0 * len(PAGES):.2f} s")


def test_the_report_flags_a_slow_gpt_page_a_slow_section_and_a_failing_page():
    times = fake_times({GPT: 10.5, "further03-more-processes.md": 9.0})
    times[0].error = "Traceback ...\nZeroDivisionError: division by zero"
    _, over = report(times, NAV)
    assert f"{GPT} took 10.50 s, over its 10 s" in over
    assert "Going further took 21.50 s, over its 20 s" in over
    assert any(problem.startswith(f"{times[0].page.name} failed:") for problem in over)

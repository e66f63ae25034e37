"""Results stated in prose (docsite/prose.py): bound to what the run printed, rewritten by the
update, checked by every run, and a number typed by hand that the page prints is caught.

The writer's experiment is repeated on a scratch copy: one constant of Part 10's code changed, the
suite fails naming the sentence, the value it states and the value the run printed; after
`make update-outputs` the page, its notebook and the built site say the new value only.
"""

from __future__ import annotations

import pytest

from docsite import config, prose
from docsite import pages as docpages
from tests.scratch_project import copy_project, replace_once, run_module, run_pytest

PAGE = "part10-to-an-llm.md"
SNIPPET = config.module_path(PAGE)
OLD_CONSTANT, NEW_CONSTANT = "vocab=128256", "vocab=100256"
OLD_COUNT, NEW_COUNT = "8,030,261,248", "7,800,885,248"


def _sentence_line(page_text: str, value: str) -> int:
    """The 1-based line of the page's prose that states `value` through a binding."""
    return next(
        number
        for number, line in enumerate(page_text.splitlines(), 1)
        if "<!--run:" in line and f"-->{value}<!--/run-->" in line
    )


@pytest.mark.runs_long
def test_a_changed_constant_fails_naming_the_sentence_until_the_update(tmp_path):
    project = copy_project(tmp_path / "project")
    page_path = project / "docs" / PAGE
    line = _sentence_line(page_path.read_text(encoding="utf-8"), OLD_COUNT)
    replace_once(project / SNIPPET, OLD_CONSTANT, NEW_CONSTANT)

    # Without the update: the page run and a reader's new python (the variant on one thread) both
    # name the sentence and both values.
    for module, select in (
        ("tests/test_pages.py", "part10 and prose"),
        ("tests/test_as_a_reader_runs_it.py", "part10 and reader and thread"),
    ):
        failed = run_pytest(project, module=module, select=select)
        report = failed.stdout + failed.stderr
        assert failed.returncode != 0, report[-3000:]
        expected = f"docs/{PAGE}:{line}: the sentence states {OLD_COUNT}"
        assert expected in report, report[-3000:]
        assert f"printed {NEW_COUNT}" in report, report[-3000:]

    # The update rewrites the sentence with the output; everything agrees again.
    update = run_pytest(project, "--update-outputs", select="part10")
    assert update.returncode == 0, update.stdout[-3000:] + update.stderr[-3000:]
    text = page_path.read_text(encoding="utf-8")
    assert f"-->{NEW_COUNT}<!--/run-->" in text and OLD_COUNT not in text
    listed = run_module(project, "tools.prose_values", PAGE)
    assert listed.returncode == 0, listed.stdout
    notebooks = run_module(project, "tools.notebooks", "--check")
    assert notebooks.returncode == 0, notebooks.stdout + notebooks.stderr

    site = tmp_path / "site"
    build = run_module(project, "mkdocs", "build", "--site-dir", str(site))
    assert build.returncode == 0, build.stderr[-3000:]
    pages = [p for p in site.rglob("*") if p.suffix in {".html", ".json", ".ipynb"}]
    stale = [str(p.relative_to(site)) for p in pages if OLD_COUNT in p.read_text("utf-8")]
    assert not stale, f"the built site still states {OLD_COUNT}: {stale}"
    built_page = (site / config.site_path(PAGE) / "index.html").read_text(encoding="utf-8")
    assert f"counts\n{NEW_COUNT} parameters" in built_page  # in the prose, without the markers
    assert "<!--run:" not in built_page


def _page(text: str) -> docpages.Page:
    return docpages.load_page(config.DOCS / PAGE, text)


def _real() -> str:
    return (config.DOCS / PAGE).read_text(encoding="utf-8")


def test_the_lint_catches_a_hand_typed_result_and_accepts_a_marked_fact():
    typed = "\nThe `Linear` layers hold 7,504,658,432 of them.\n"
    found = prose.unbound(_page(_real() + typed))
    assert [(r.number, r.block.section) for r in found] == [("7,504,658,432", "skeleton")]
    line = len(_real().splitlines()) + 2
    assert (
        found[0]
        .describe()
        .startswith(
            f"docs/{PAGE}:{line}: 7,504,658,432 is typed in the prose, and the output of section "
            "'skeleton' prints 7,504,658,432. Bind it to the run"
        )
    ), found[0].describe()

    marked = "\nA layer of <!--fact: a published width-->7,504,658,432<!--/fact--> numbers.\n"
    page = _page(_real() + marked)
    assert prose.unbound(page) == []
    _, facts = prose.parse(page)
    assert [(f.literal, f.why) for f in facts][-1] == ("7,504,658,432", "a published width")

    bound = '\nThey hold <!--run: skeleton after "Linear"-->7,504,658,432<!--/run--> numbers.\n'
    assert prose.unbound(_page(_real() + bound)) == []


def test_a_stated_value_that_is_not_the_output_fails_naming_both():
    text = _real().replace(f"-->{OLD_COUNT}<!--/run-->", "-->8,030,261,249<!--/run-->", 1)
    problems = prose.disagreements(_page(text))
    line = _sentence_line(text, "8,030,261,249")
    assert problems == [
        f"docs/{PAGE}:{line}: the sentence states 8,030,261,249; the output of 'skeleton' on "
        f'the page shows {OLD_COUNT} (skeleton after "all"); run `make update-outputs`'
    ]
    # ... and the update's rewrite restores the output's value.
    assert prose.rewrite(_page(text)) == _real()


@pytest.mark.parametrize(
    ("marker", "error"),
    [
        ('<!--run: skeleton after "all"-->8<!--/run', "a malformed result marker"),
        ('<!--run: skeleton "all"-->8<!--/run-->', "a malformed result marker"),
        ('<!--run: no-such-section after "all"-->8<!--/run-->', "no block on the page shows"),
        ('<!--run: skeleton after "no such text"-->8<!--/run-->', "has no 'no such text'"),
        ('<!--run: skeleton after "FFNs:" as True=yes-->8<!--/run-->', "has no word for"),
        ('<!--run: skeleton after "all" value 9-->8<!--/run-->', "no value 9 after"),
    ],
)
def test_a_bad_marker_fails_naming_the_page_and_line(marker, error):
    text = _real() + f"\nA sentence with {marker} in it.\n"
    line = len(text.splitlines())
    try:
        problems = prose.disagreements(_page(text))
    except prose.BindingError as raised:
        problems = [str(raised)]
    assert len(problems) == 1 and problems[0].startswith(f"docs/{PAGE}:{line}: "), problems
    assert error in problems[0], problems


def test_formats_words_and_positions():
    assert prose.formatted("8,030,261,248", "/1e9 .2f") == "8.03"
    assert prose.formatted("70.2", ".0f") == "70"
    assert prose.formatted("1234567", ",") == "1,234,567"
    assert prose.formatted("True", "True=identical False=different") == "identical"
    text = "all of it     8,030,261,248   32.1 GB\n"
    assert [v.group() for v in prose.VALUE.finditer(text, len("all of it"))] == [
        "8,030,261,248",
        "32.1",
        "GB",
    ]


def test_the_site_and_the_notebooks_show_the_value_without_the_markers():
    line = f'counts <!--run: skeleton after "all"-->{OLD_COUNT}<!--/run--> parameters'
    assert prose.plain(line) == f"counts {OLD_COUNT} parameters"
    assert prose.plain("<!--fact: why-->4096<!--/fact-->") == "4096"


def test_the_banner_names_a_value_stated_from_a_changed_block():
    from docsite.hooks import stale_outputs

    page = docpages.load_page(config.DOCS / PAGE)
    skeleton = next(block for block in page.blocks if block.section == "skeleton")
    stated = stale_outputs.stated_from(page, [skeleton])
    assert [b.literal for b in stated] and all(b.section == "skeleton" for b in stated)
    html = stale_outputs.banner([skeleton], [], stated)
    line = _sentence_line(_real(), OLD_COUNT)
    assert f"the value {OLD_COUNT} stated in the text at <code>docs/{PAGE}:{line}</code>" in html
    assert stale_outputs.stated_from(page, []) == []


def test_a_huge_printed_number_is_compared_without_error():
    assert not prose._equal("2.13", "3.4028234663852886e+38")
    assert prose._equal("3.4e+38", "3.4e+38")

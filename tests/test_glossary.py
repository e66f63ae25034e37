"""The glossary (includes/glossary.md, docsite/glossary.py): every term is one a page uses, every
definition is shown on the built site at the first use of its term on each page that uses it,
each notebook lists its page's terms as text, and the page as the suite reads it (blocks, reading
time, prose, notebooks) holds no definition line. A browser hovers, taps and focuses a term:
tests/test_browser.py.
"""

from __future__ import annotations

import functools

import markdown
import pytest
from bs4 import BeautifulSoup

from docsite import config, glossary, notebooks, reading_time
from docsite import pages as docpages
from docsite.prose import plain

TERMS = glossary.terms()
PAGES = docpages.pages()


@functools.cache
def used() -> dict[str, list[glossary.Term]]:
    """Each page's terms (converted as MkDocs converts the page: a second or two for all of
    them, so once per process, when a test first asks, not at collection in every worker)."""
    return {page.name: glossary.used_terms(plain("\n".join(page.lines))) for page in PAGES}


def unused(terms: list[glossary.Term], used: dict[str, list[glossary.Term]]) -> list[str]:
    """A line per term that no page uses, naming the glossary's file and line."""
    names = {term.term for found in used.values() for term in found}
    return [
        f"{term.where()}: {term.term!r} is used on no page (only prose counts, not code, link "
        "text or headings): use it on a page or remove it"
        for term in terms
        if term.term not in names
    ]


def shown(html: str, name: str, expected: list[glossary.Term]) -> list[str]:
    """What a built page (its HTML) gets wrong: each term the page uses must be marked once, in
    page order, with the glossary's definition as its title, focusable; nothing else marked."""
    article = BeautifulSoup(html, "html.parser").select_one(".md-content")
    marks = article.find_all("abbr") if article is not None else []
    forms = glossary.by_form()  # a plural is its term
    found = [
        (
            forms[m.get_text()].term if m.get_text() in forms else m.get_text(),
            m.get("title"),
            m.get("tabindex"),
        )
        for m in marks
    ]
    wanted = [(term.term, term.definition, "0") for term in expected]
    if found == wanted:
        return []
    lines = [
        f"{name}: the built page marks {len(found)} term(s), the glossary expects {len(wanted)}"
    ]
    lines += [f"  - missing or different: {w[0]!r}: {w[1]!r}" for w in wanted if w not in found]
    lines += [
        f"  + on the page: {f[0]!r}: {f[1]!r} tabindex={f[2]}" for f in found if f not in wanted
    ]
    return lines


# --- the glossary file ------------------------------------------------------------------------


def test_every_term_is_used_on_a_page():
    assert TERMS, "includes/glossary.md defines no term"
    problems = unused(TERMS, used())
    assert not problems, "\n".join(problems)


def test_a_term_no_page_uses_is_named_with_its_file_and_line(tmp_path):
    text = config.ROOT.joinpath("includes", "glossary.md").read_text(encoding="utf-8")
    copy = config.ROOT / "includes" / f".scratch-{tmp_path.name}.md"  # where() is repo-relative
    try:
        lines = text.splitlines()
        lines.insert(2, "*[zorblax]: A word no page uses.")
        copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
        problems = unused(glossary.terms([copy]), used())
    finally:
        copy.unlink()
    assert problems == [
        f"includes/{copy.name}:3: 'zorblax' is used on no page (only prose counts, not code, "
        "link text or headings): use it on a page or remove it"
    ]


def test_the_glossary_holds_one_definition_a_line_and_each_term_once(tmp_path):
    """It is appended to every page: any other line would show on every page."""
    assert [term.path for term in TERMS] == [config.ROOT / "includes" / "glossary.md"] * len(TERMS)
    bad = tmp_path / "glossary.md"
    bad.write_text(
        "*[tensor]: An array.\n\nSee the tensor page.\n*[tensor]: Again.\n*[leaf]:\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError) as error:
        glossary.terms([bad])
    assert str(error.value).splitlines() == [
        f"{bad}:3: not a definition `*[term]: one sentence`: 'See the tensor page.'",
        f"{bad}:4: 'tensor' is defined already, at line 1",
        f"{bad}:5: not a definition `*[term]: one sentence`: '*[leaf]:'",
    ]


def test_the_glossary_is_no_text_the_suite_reads():
    """MkDocs appends the glossary to every page; the page the suite runs, times, checks and
    turns into a notebook is the page's own text: without a definition line, counted the same."""
    options = config.snippet_options()
    assert glossary.files(options) == [config.ROOT / "includes" / "glossary.md"]
    as_mkdocs = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options}
    ).preprocessors["snippet"]
    counted = []  # pages whose reading time would count the definitions, were they left in
    for page in PAGES:
        assert not [line for line in page.expanded if glossary.DEFINITION.fullmatch(line)]
        assert reading_time.measure_file(page.path) == reading_time.measure(page.expanded)
        # As MkDocs expands it, the page is followed by the definitions: what is left out.
        full = as_mkdocs.run(list(page.lines))
        assert full[: len(page.expanded)] == page.expanded, page.name
        appended = [line for line in full[len(page.expanded) :] if line.strip()]
        assert [glossary.DEFINITION.fullmatch(line)["abbr"] for line in appended] == [
            term.term for term in TERMS
        ], page.name
        if reading_time.measure(full).words > reading_time.measure(page.expanded).words:
            counted.append(page.name)
    # The pages with no Exercises section (whose lines are not counted) would read longer.
    assert "further01-tiny-gpt.md" in counted


# --- the site and the notebooks ---------------------------------------------------------------


def test_each_page_shows_the_definition_of_each_term_it_uses(built_site):
    problems = []
    for page in PAGES:
        html = (built_site / config.site_path(page.name) / "index.html").read_text("utf-8")
        problems += shown(html, page.name, used()[page.name])
    assert not problems, "\n".join(problems)


def test_a_page_that_lacks_a_definition_or_shows_another_is_reported():
    page = next(p for p in PAGES if len(used()[p.name]) >= 2)
    first, second = used()[page.name][:2]
    html = glossary.first_uses(
        markdown.Markdown(extensions=["abbr"]).convert(
            f"{first.term} and {first.term}, {second.term}\n\n*[{first.term}]: {first.definition}"
            f"\n*[{second.term}]: Something else."
        )
    )
    html = f'<div class="md-content">{html}</div>'
    assert shown(html, page.name, [first]) == [
        f"{page.name}: the built page marks 2 term(s), the glossary expects 1",
        f"  + on the page: {second.term!r}: 'Something else.' tabindex=0",
    ]
    assert shown(html, page.name, [first, second]) == [
        f"{page.name}: the built page marks 2 term(s), the glossary expects 2",
        f"  - missing or different: {second.term!r}: {second.definition!r}",
        f"  + on the page: {second.term!r}: 'Something else.' tabindex=0",
    ]


def test_only_the_first_use_in_prose_is_marked():
    """Not in a link, a control or a heading; a use outside a collapsed block before one in it."""
    source = (
        '# A tensor\n\n[a tensor](x.md) and a leaf.\n\n??? info "More"\n\n    A tensor here.\n\n'
        "A tensor, a tensor, a leaf.\n\n*[tensor]: T.\n*[leaf]: L."
    )
    md = markdown.Markdown(extensions=["abbr", "admonition", "pymdownx.details"])
    html = glossary.first_uses(md.convert(source))
    assert glossary.marked_terms(html) == ["leaf", "tensor"]
    assert html.count("<abbr") == 2
    assert '<p>A <abbr title="T." tabindex="0">tensor</abbr>, a tensor, a leaf.</p>' in html


def test_a_plural_is_marked_as_its_term_once():
    """The first use of a term or its plural is marked, with the term's definition; later uses
    of either are text. The plural is made, never written: includes/glossary.md has no line."""
    assert [glossary.plural(t) for t in ("tensor", "batch", "leaf", "epoch", "chain rule")] == [
        "tensors",
        "batches",
        "leaves",
        "epochs",
        "chain rules",
    ]
    assert [glossary.plural(t) for t in ("loss", "entropy", "day")] == [
        "losses",
        "entropies",
        "days",
    ]
    md = markdown.Markdown(
        extensions=["abbr"],
        extension_configs={"abbr": {"glossary": glossary.plurals(TERMS[:1])}},
    )
    term = TERMS[0]
    source = f"Two {glossary.plural(term.term)}, one {term.term}."
    html = glossary.first_uses(md.convert(f"{source}\n\n*[{term.term}]: {term.definition}"))
    assert glossary.marked_terms(html) == [glossary.plural(term.term)]
    assert html.count("<abbr") == 1 and f'<abbr title="{term.definition}"' in html
    assert glossary.by_form()[glossary.plural(term.term)] == term
    assert "leaves" not in glossary.plurals() and "leaves" not in glossary.by_form()  # a verb too


@pytest.mark.parametrize("page", notebooks.notebook_pages(), ids=lambda p: p.stem)
def test_the_notebook_ends_with_the_terms_its_page_uses(page):
    last = notebooks.build(page).cells[-1]
    assert last.cell_type == "markdown"
    lines = last.source.splitlines()
    assert lines[0] == notebooks.TERMS_HEADING
    items = [line for line in lines if line.startswith("- **")]
    assert len(items) == len(used()[page.name]) > 0
    for item, term in zip(items, used()[page.name], strict=True):
        rendered = BeautifulSoup(markdown.markdown(item), "html.parser").get_text().strip()
        assert rendered == f"{term.term}: {term.definition}", item

"""The glossary: each term a newcomer meets, defined once, shown where a page uses it.

includes/glossary.md holds one abbreviation definition a line, `*[term]: definition` (Python-
Markdown's `abbr` extension). mkdocs.yml appends the file to every page (pymdownx.snippets'
`auto_append`), so `abbr` wraps each use of a term in prose (not in code) in `<abbr title=…>`, and
Material shows the title as a tooltip (the `content.tooltips` feature) when the term is hovered
or focused. docsite/hooks/glossary.py then keeps the mark on the first use of each term on a page
only (`first_uses`), and makes it focusable, so a keyboard reader reaches each definition once.
A term's plural is marked with the same definition, written nowhere else: "parameters" where a
page first uses the word so (`plurals`, which abbr's `glossary` option holds: docsite/hooks/
glossary.py); a term and its plural are one term, marked once.

A definition line is not text: Markdown removes it from the page. So the page as the suite reads
it (docsite/pages.py, the reading time, the prose checks, the notebooks) is expanded without the
appended files (`page_options`), and the file may hold nothing but definitions (`terms` says
where it does not). The notebooks list the terms a page defines, with their definitions, in a
last cell (`used_terms`, docsite/notebooks.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from bs4 import BeautifulSoup
from markdown.extensions.abbr import AbbrBlockprocessor
from mkdocs.utils.meta import get_data

from docsite import config

# One definition, on one line, as Python-Markdown's abbr extension reads it.
DEFINITION = re.compile(AbbrBlockprocessor.RE.pattern.replace(r"\n?", ""))
# A term marked inside one of these is not its definition's place: a link, a control or a
# heading (a tooltip there competes with the element's own action or the table of contents).
NOT_HERE = ("a", "button", "label", "summary", "h1", "h2", "h3", "h4", "h5", "h6")
ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<term>[^<]*)</abbr>')
FOCUSABLE = ' tabindex="0"'  # in the tab order, so Material shows the definition on focus


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path.relative_to(config.ROOT).as_posix()}:{self.line}"


def files(options: dict | None = None) -> list[Path]:
    """The files pymdownx.snippets appends to every page (mkdocs.yml: `auto_append`)."""
    options = config.snippet_options() if options is None else options
    found = []
    for name in options.get("auto_append") or []:
        bases = [Path(base) for base in options.get("base_path") or [config.ROOT]]
        found.append(next((b / name for b in bases if (b / name).is_file()), bases[0] / name))
    return found


def page_options(options: dict) -> dict:
    """pymdownx.snippets' options for a page's own text: everything but the appended glossary,
    which holds only definitions (`terms` checks), none of them text."""
    return {**options, "auto_append": []}


def terms(paths: list[Path] | None = None) -> list[Term]:
    """Every term of the glossary files (default: mkdocs.yml's `auto_append`), in file order.

    A line that is not a definition, or a term defined twice, is an error naming file and line:
    the file is appended to every page, so anything else in it would show on every page."""
    found: dict[str, Term] = {}
    problems = []
    for path in files() if paths is None else paths:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not text.strip():
                continue
            match = DEFINITION.fullmatch(text)
            where = f"{path}:{number}"
            if match is None or not match["title"].strip() or not match["abbr"].strip():
                problems.append(f"{where}: not a definition `*[term]: one sentence`: {text!r}")
                continue
            term = Term(match["abbr"].strip(), match["title"].strip(), path, number)
            if term.term in found:
                problems.append(
                    f"{where}: {term.term!r} is defined already, at line {found[term.term].line}"
                )
                continue
            found[term.term] = term
    if problems:
        raise ValueError("\n".join(problems))
    return list(found.values())


# English plurals the regular rules below would get wrong.
IRREGULAR_PLURALS = {"leaf": "leaves", "epoch": "epochs"}
# Terms whose plural is not marked, as it is also another word: "leaves" is a verb in the pages'
# prose ("returns the same points and leaves the global random state alone").
NO_PLURAL_MARKED = {"leaf"}


def plural(term: str) -> str:
    """The plural of a term, its last word made plural: "chain rules", "batches", "leaves". (A
    word with no plural in use, "autograd", gets one no page writes, which marks nothing.)"""
    head, _, last = term.rpartition(" ")
    if last in IRREGULAR_PLURALS:
        last = IRREGULAR_PLURALS[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def _plural_forms(defined: list[Term]) -> dict[str, Term]:
    """Each marked plural -> its term: not where the plural is also another word
    (NO_PLURAL_MARKED) or a term of its own."""
    names = {term.term for term in defined}
    return {
        plural(term.term): term
        for term in defined
        if term.term not in NO_PLURAL_MARKED and plural(term.term) not in names
    }


def plurals(defined: list[Term] | None = None) -> dict[str, str]:
    """Each term's plural -> the term's definition, for Python-Markdown's abbr (its `glossary`
    option)."""
    defined = terms() if defined is None else defined
    return {form: term.definition for form, term in _plural_forms(defined).items()}


def with_plurals(mdx_configs: dict) -> dict:
    """Markdown extension options with abbr's `glossary` holding the plurals (the site's build,
    docsite/hooks/glossary.py, and `used_terms` convert pages with these)."""
    return {**mdx_configs, "abbr": {**mdx_configs.get("abbr", {}), "glossary": plurals()}}


def by_form(defined: list[Term] | None = None) -> dict[str, Term]:
    """Each term and each term's plural -> the term."""
    defined = terms() if defined is None else defined
    return {**_plural_forms(defined), **{term.term: term for term in defined}}


def first_uses(html: str) -> str:
    """The page's HTML with only the first use of each term marked (and focusable): a use in
    prose a hurried reader reads (not in a collapsed block) if there is one, never one inside a
    link, a control or a heading. Every other use becomes plain text. A term is its definition
    (the mark's title): "tensor" and "tensors" are one."""
    soup = BeautifulSoup(html, "html.parser")
    marks = [m for m in soup.find_all("abbr") if m.has_attr("title")]
    found = list(ABBR.finditer(html))
    if [m.get_text() for m in marks] != [m["term"] for m in found]:
        raise ValueError("an <abbr> in a form other than Python-Markdown's abbr writes")
    chosen: dict[str, tuple[bool, int]] = {}
    for index, mark in enumerate(marks):
        if mark.find_parent(NOT_HERE) is not None:
            continue
        collapsed = mark.find_parent("details") is not None
        term = mark["title"]
        if term not in chosen or (chosen[term][0] and not collapsed):
            chosen[term] = (collapsed, index)
    keep = {index for _, index in chosen.values()}
    position = iter(range(len(found)))

    def mark_or_text(match: re.Match) -> str:
        if next(position) in keep:
            return f'<abbr title="{match["title"]}"{FOCUSABLE}>{match["term"]}</abbr>'
        return match["term"]

    return ABBR.sub(mark_or_text, html)


MARKED = re.compile(r'<abbr title="(?P<title>[^"]*)"' + FOCUSABLE + r">(?P<term>[^<]*)</abbr>")


def marked_terms(html: str) -> list[str]:
    """The terms whose definition a page's (final) HTML shows, in page order."""
    return [match["term"] for match in MARKED.finditer(html)]


@functools.cache
def _markdown_options() -> tuple[list, dict]:
    loaded = config.mkdocs_config()
    return loaded.markdown_extensions, with_plurals(loaded.mdx_configs)


def used_terms(text: str) -> list[Term]:
    """The glossary terms a page's Markdown (as the hooks hand it to MkDocs: docsite/prose.plain)
    defines on the site, in page order: converted by Python-Markdown with mkdocs.yml's extensions
    and options, as MkDocs converts it, then marked as docsite/hooks/glossary.py marks it."""
    extensions, configs = _markdown_options()
    text, _ = get_data(text)  # front matter is MkDocs' own
    html = markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)
    forms = by_form()
    return [forms[term] for term in marked_terms(first_uses(html)) if term in forms]

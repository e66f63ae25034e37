"""MkDocs hook: typeset every formula once, at build time, with the pinned KaTeX (run by Node.js).

Pages carry the result, KaTeX's stylesheet and fonts (docsite/hooks/vendor_assets.py), and no
script, so math costs a reader's phone no time and never shifts the page. A page whose first
screen has formulas asks for the fonts they use at once (`<link rel="preload">`, beside KaTeX's
stylesheet): found only once the page is laid out, they would arrive after its first frame, and
those formulas would change width and push the text around them (Part 5 on a slow network:
layout shift 0.05). Other pages do not: preloaded fonts there only came before what the first
screen needs (Lighthouse's phone: the largest paint 0.6-0.9 s later). The first screen is what
docs/stylesheets/extra.css lays out at once: an article's first ten blocks, a notebook's first
three cells.
"""

from __future__ import annotations

import html
import html.parser
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.katex")  # under "mkdocs": a warning fails --strict
# pymdownx.arithmatex (generic mode) writes \(inline\) and \[display\] math, HTML-escaped, in
# a span or div of class "arithmatex"; docsite/hooks/notebook_pages.py marks notebook math up
# the same way.
ARITHMATEX = re.compile(
    r'(?P<open><(?P<tag>span|div) class="arithmatex">)(?P<tex>[^<]*)(?P<close></(?P=tag)>)'
)
DELIMITERS = {"\\(": ("\\)", False), "\\[": ("\\]", True)}
KATEX_STYLESHEET = re.compile(r'<link\b[^>]*\bhref="(?P<folder>[^"]*/)katex\.min\.css"[^>]*>')
# KaTeX's fonts (its stylesheet's @font-face files) and the classes of its HTML that use each
# (every formula is set in KaTeX_Main; `sizing sizeN` is a font size, not a font).
FONTS = {
    "KaTeX_Main-Regular": re.compile(r'class="katex"'),
    "KaTeX_Math-Italic": re.compile(r"\bmathnormal\b"),
    "KaTeX_Main-Italic": re.compile(r"\bmathit\b"),
    "KaTeX_Main-Bold": re.compile(r"\bmathbf\b"),
    "KaTeX_AMS-Regular": re.compile(r"\bamsrm\b"),
    "KaTeX_Size1-Regular": re.compile(r"\b(?:delimsizing size1|small-op|delim-size1)\b"),
    "KaTeX_Size2-Regular": re.compile(r"\b(?:delimsizing size2|large-op)\b"),
    "KaTeX_Size3-Regular": re.compile(r"\bdelimsizing size3\b"),
    "KaTeX_Size4-Regular": re.compile(r"\b(?:delimsizing size4|delim-size4)\b"),
}
# Reads [[tex, display], ...] as JSON on stdin, writes [[html, error], ...] as JSON.
KATEX_SCRIPT = """
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, displayMode]) => {
    try {
      return [katex.renderToString(tex, { displayMode, throwOnError: true }), null];
    } catch (error) {
      return [null, String(error.message || error)];
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def _formula(raw: str) -> tuple[str, bool] | None:
    text = html.unescape(raw).strip()
    for opening, (closing, display) in DELIMITERS.items():
        if text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : -len(closing)].strip(), display
    return None


def _katex(
    formulas: list[tuple[str, bool]], node_modules: Path
) -> list[tuple[str | None, str | None]]:
    node = shutil.which("node")
    if node is None:
        raise PluginError("Node.js is needed to typeset the formulas with KaTeX (`make setup`).")
    run = subprocess.run(
        [node, "-e", KATEX_SCRIPT, str(node_modules / "katex")],
        input=json.dumps(formulas),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise PluginError(f"KaTeX failed:\n{run.stderr}")
    return [tuple(pair) for pair in json.loads(run.stdout)]


def on_post_build(config) -> None:
    """Typeset every formula of the written site with KaTeX (one Node.js run for the site)."""
    site = Path(config.site_dir)
    pages = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if 'class="arithmatex"' in text:
            pages[page] = text
    found = {}  # (tex, display) -> index
    for text in pages.values():
        for match in ARITHMATEX.finditer(text):
            formula = _formula(match["tex"])
            if formula is not None:
                found.setdefault(formula, len(found))
    if not found:
        return
    results = _katex(list(found), Path(config.config_file_path).resolve().parent / "node_modules")

    for page, text in pages.items():

        def typeset(match, page=page):
            formula = _formula(match["tex"])
            if formula is None:
                return match[0]
            rendered, error = results[found[formula]]
            if error:
                where = page.relative_to(site)
                log.warning(f"{where}: KaTeX cannot typeset {formula[0]!r}: {error}")
                return match[0]
            return match["open"] + rendered + match["close"]

        page.write_text(_preload_fonts(ARITHMATEX.sub(typeset, text)), encoding="utf-8")


def _preload_fonts(text: str) -> str:
    """The page with a preload of each KaTeX font its first screen's formulas use, before
    KaTeX's stylesheet."""
    first_screen = text[: _first_screen_end(text)]

    def preloads(match: re.Match) -> str:
        folder = match["folder"]
        links = [
            f'<link rel="preload" href="{folder}fonts/{font}.woff2" as="font" '
            'type="font/woff2" crossorigin>'
            for font, used in FONTS.items()
            if used.search(first_screen)
        ]
        return "".join(links) + match[0]

    return KATEX_STYLESHEET.sub(preloads, text, count=1)


FIRST_SCREEN_BLOCKS = 10  # docs/stylesheets/extra.css: `:nth-child(-n + 10)` of the article
FIRST_SCREEN_CELLS = 3  # ... and `.jp-Cell:not(:nth-child(-n + 3))` of a notebook
NOTEBOOK_CELL = re.compile(r'<div\b[^>]*\bclass="jp-Cell\b')


def _first_screen_end(text: str) -> int:
    """Where the page's first screen ends in its HTML: at its notebook's fourth cell, else at its
    article's eleventh block (the end of the page when it has fewer)."""
    cells = [m.start() for m in NOTEBOOK_CELL.finditer(text)]
    if cells:
        return cells[FIRST_SCREEN_CELLS] if len(cells) > FIRST_SCREEN_CELLS else len(text)
    finder = _ArticleBlocks(FIRST_SCREEN_BLOCKS + 1)
    finder.feed(text)
    return finder.found if finder.found is not None else len(text)


class _ArticleBlocks(html.parser.HTMLParser):
    """Finds where the article's n-th child element starts (`found`: an offset in the text)."""

    VOID = frozenset(
        {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self, n: int):
        super().__init__(convert_charrefs=False)
        self.n, self.found = n, None
        self.depth, self.article_depth, self.children = 0, None, 0
        self.lines = [0]  # where each line starts (getpos() counts lines by "\n" only)

    def feed(self, text: str) -> None:
        self.lines += [newline.end() for newline in re.finditer("\n", text)]
        super().feed(text)

    def handle_starttag(self, tag, attrs):
        if self.found is not None:
            return
        if self.article_depth is not None and self.depth == self.article_depth + 1:
            self.children += 1
            if self.children == self.n:
                line, column = self.getpos()
                self.found = self.lines[line - 1] + column
        if tag == "article" and self.article_depth is None:
            self.article_depth = self.depth
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.depth -= 1

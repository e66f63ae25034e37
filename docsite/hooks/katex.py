"""MkDocs hook: typeset every formula once, at build time, with the pinned KaTeX (run by Node.js).

Pages carry the result, KaTeX's stylesheet and fonts (docsite/hooks/vendor_assets.py), and no
script, so math costs a reader's phone no time and never shifts the page. Its fonts are not
preloaded: with `<link rel="preload">` for them, Lighthouse's phone put a page's largest paint
0.6-0.9 s later, and without, nothing on the first screen moves when they arrive, even on a slow
network (tests/test_site_build.py says how both were measured).
"""

from __future__ import annotations

import html
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

        page.write_text(ARITHMATEX.sub(typeset, text), encoding="utf-8")

"""MkDocs hooks: serve pinned browser assets from this site, show what verified the outputs.

Mermaid and KaTeX come from the npm registry at set-up (`package-lock.json` pins them) and are
added to the build straight from `node_modules/`, so nothing third-party is committed and the
site never asks another host for a script, a stylesheet or a font. Formulas are typeset once, at
build time, by that KaTeX (run with Node.js): pages carry the result and KaTeX's stylesheet and
fonts, and no script, so math costs a reader's phone no time and never shifts the page.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VERIFIED_WITH = ROOT / "docs" / "verified-with.json"

# site path under assets/vendor/  ->  path under node_modules/
VENDOR_FILES = {
    "mermaid/mermaid.min.js": "mermaid/dist/mermaid.min.js",
    "katex/katex.min.css": "katex/dist/katex.min.css",
}
KATEX_FONTS = "katex/dist/fonts"

log = logging.getLogger("mkdocs.hooks.katex")  # under "mkdocs": a warning fails --strict
# pymdownx.arithmatex (generic mode) writes \(inline\) and \[display\] math, HTML-escaped, in
# a span or div of class "arithmatex"; tools/notebook_links.py marks notebook math up the same way.
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

# docs/assets/favicon.svg, on a 32 x 32 grid: a clock at one o'clock.
FAVICON_DISK = (16.0, 16.0, 15.0, (0xD8, 0x43, 0x15))  # centre x, y, radius, RGB
FAVICON_RING = (11.0, 2.5)  # radius, stroke width (white)
FAVICON_HANDS = (((16.0, 16.0), (16.0, 8.0)), ((16.0, 16.0), (19.0, 10.8)))  # width as the ring


def _vendor_sources() -> dict[str, Path]:
    sources = {site: NODE_MODULES / src for site, src in VENDOR_FILES.items()}
    fonts = NODE_MODULES / KATEX_FONTS
    # KaTeX's CSS asks for woff2 first; every browser we support takes it.
    for font in sorted(fonts.glob("*.woff2")):
        sources[f"katex/fonts/{font.name}"] = font
    missing = [str(p.relative_to(ROOT)) for p in sources.values() if not p.is_file()]
    if missing or not fonts.is_dir():
        raise PluginError(
            "Browser assets are missing (" + ", ".join(missing or [KATEX_FONTS]) + "). "
            "Run `make setup` (or `npm ci`) in the project root first."
        )
    return sources


def _favicon_ico(size: int = 32, supersample: int = 8) -> bytes:
    """favicon.ico drawn from the same shapes as favicon.svg (for browsers that ask for it):
    Pillow draws them at `supersample` times the size, scales down (antialiasing) and writes ICO."""
    from PIL import Image, ImageDraw

    big = size * supersample
    unit = big / 32  # the SVG's grid is 32 x 32
    cx, cy, radius, rgb = FAVICON_DISK
    ring_radius, stroke = FAVICON_RING
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(r: float) -> list[float]:
        return [(cx - r) * unit, (cy - r) * unit, (cx + r) * unit, (cy + r) * unit]

    draw.ellipse(box(radius), fill=(*rgb, 255))
    outer, inner = ring_radius + stroke / 2, ring_radius - stroke / 2
    draw.ellipse(box(outer), fill=(255, 255, 255, 255))
    draw.ellipse(box(inner), fill=(*rgb, 255))
    width = round(stroke * unit)
    for (x0, y0), (x1, y1) in FAVICON_HANDS:
        ends = [(x0 * unit, y0 * unit), (x1 * unit, y1 * unit)]
        draw.line(ends, fill=(255, 255, 255, 255), width=width)
        for x, y in ends:  # round caps, as the SVG's stroke-linecap
            r = width / 2
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, 255))
    icon = io.BytesIO()
    small = image.resize((size, size), Image.Resampling.LANCZOS)
    small.save(icon, format="ICO", sizes=[(size, size)])
    return icon.getvalue()


def on_config(config):
    if VERIFIED_WITH.is_file():
        config.extra["verified_with"] = json.loads(VERIFIED_WITH.read_text(encoding="utf-8"))
    return config


def on_files(files: Files, config) -> Files:
    for site_path, source in _vendor_sources().items():
        files.append(File.generated(config, f"assets/vendor/{site_path}", abs_src_path=str(source)))
    files.append(File.generated(config, "favicon.ico", content=_favicon_ico()))
    return files


def _formula(raw: str) -> tuple[str, bool] | None:
    text = html.unescape(raw).strip()
    for opening, (closing, display) in DELIMITERS.items():
        if text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : -len(closing)].strip(), display
    return None


def _katex(formulas: list[tuple[str, bool]]) -> list[tuple[str | None, str | None]]:
    node = shutil.which("node")
    if node is None:
        raise PluginError("Node.js is needed to typeset the formulas with KaTeX (`make setup`).")
    run = subprocess.run(
        [node, "-e", KATEX_SCRIPT, str(NODE_MODULES / "katex")],
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
    results = _katex(list(found))

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

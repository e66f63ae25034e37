"""MkDocs hook: serve the pinned browser assets (mermaid, KaTeX's stylesheet and fonts) from this
site, under assets/vendor/.

They come from the npm registry at set-up (`package-lock.json` pins them) and are added to the
build straight from `node_modules/`, so nothing third-party is committed and the site never asks
another host for a script, a stylesheet or a font.

KaTeX's fonts ship as woff2 only (every browser we support takes it). Its stylesheet offers woff
and ttf fallbacks after each woff2; the copy this site serves lists only the woff2 it ships
(`shipped_fonts_only`), so no URL in a shipped file points at a file that is not there.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# site path under assets/vendor/  ->  path under node_modules/
VENDOR_FILES = {
    "mermaid/mermaid.min.js": "mermaid/dist/mermaid.min.js",
    "katex/katex.min.css": "katex/dist/katex.min.css",
}
KATEX_CSS = "katex/katex.min.css"
KATEX_FONTS = "katex/dist/fonts"
SHIPPED_FONT = ".woff2"

# An @font-face's `src:` list, and each source in it: url(...) with its optional format(...).
FONT_SRC = re.compile(r"(?P<prop>\bsrc\s*:)(?P<sources>[^;}]*)")
FONT_SOURCE = re.compile(
    r"url\(\s*(?P<quote>['\"]?)(?P<url>[^'\")]*)(?P=quote)\s*\)(?:\s*format\([^)]*\))?"
)


def _vendor_sources(root: Path) -> dict[str, Path]:
    node_modules = root / "node_modules"
    sources = {site: node_modules / src for site, src in VENDOR_FILES.items()}
    fonts = node_modules / KATEX_FONTS
    for font in sorted(fonts.glob("*" + SHIPPED_FONT)):
        sources[f"katex/fonts/{font.name}"] = font
    missing = [str(p.relative_to(root)) for p in sources.values() if not p.is_file()]
    if missing or not fonts.is_dir():
        raise PluginError(
            "Browser assets are missing (" + ", ".join(missing or [KATEX_FONTS]) + "). "
            "Run `make setup` (or `npm ci`) in the project root first."
        )
    return sources


def shipped_fonts_only(css: str, shipped: set[str]) -> str:
    """`css` with every @font-face `src:` list cut to the sources in `shipped` (URLs relative to
    the stylesheet). A KaTeX whose stylesheet names a font we do not ship at all, or no longer has
    the `src:` lists this expects, fails the build rather than shipping a broken reference."""

    def keep_shipped(match: re.Match) -> str:
        sources = list(FONT_SOURCE.finditer(match["sources"]))
        kept = [source[0] for source in sources if source["url"] in shipped]
        if not kept:
            raise PluginError(
                f"KaTeX's stylesheet asks for fonts this site does not ship: {match[0]}"
            )
        return match["prop"] + ",".join(kept)

    rewritten, count = FONT_SRC.subn(keep_shipped, css)
    if not count:
        raise PluginError(
            "KaTeX's stylesheet has no @font-face src: lists: has its format changed?"
        )
    return rewritten


def on_files(files: Files, config) -> Files:
    root = Path(config.config_file_path).resolve().parent
    sources = _vendor_sources(root)
    css_folder = Path(KATEX_CSS).parent
    fonts = {
        Path(path).relative_to(css_folder).as_posix()
        for path in sources
        if path.endswith(SHIPPED_FONT)
    }
    for site_path, source in sources.items():
        uri = f"assets/vendor/{site_path}"
        if site_path == KATEX_CSS:
            css = shipped_fonts_only(source.read_text(encoding="utf-8"), fonts)
            files.append(File.generated(config, uri, content=css))
        else:
            files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files

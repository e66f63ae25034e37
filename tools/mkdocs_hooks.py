"""MkDocs hooks: serve pinned browser assets from this site, show what verified the outputs.

Mermaid and KaTeX come from the npm registry at set-up (`package-lock.json` pins them) and are
added to the build straight from `node_modules/`, so nothing third-party is committed and the
site never asks another host for a script, a stylesheet or a font.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VERIFIED_WITH = ROOT / "docs" / "verified-with.json"

# site path under assets/vendor/  ->  path under node_modules/
VENDOR_FILES = {
    "mermaid/mermaid.min.js": "mermaid/dist/mermaid.min.js",
    "katex/katex.min.js": "katex/dist/katex.min.js",
    "katex/katex.min.css": "katex/dist/katex.min.css",
    "katex/contrib/auto-render.min.js": "katex/dist/contrib/auto-render.min.js",
}
KATEX_FONTS = "katex/dist/fonts"


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


def on_config(config):
    if VERIFIED_WITH.is_file():
        config.extra["verified_with"] = json.loads(VERIFIED_WITH.read_text(encoding="utf-8"))
    return config


def on_files(files: Files, config) -> Files:
    for site_path, source in _vendor_sources().items():
        files.append(File.generated(config, f"assets/vendor/{site_path}", abs_src_path=str(source)))
    return files

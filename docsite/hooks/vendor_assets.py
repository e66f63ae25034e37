"""MkDocs hook: serve the pinned browser assets (mermaid, KaTeX's stylesheet and fonts) from this
site, under assets/vendor/.

They come from the npm registry at set-up (`package-lock.json` pins them) and are added to the
build straight from `node_modules/`, so nothing third-party is committed and the site never asks
another host for a script, a stylesheet or a font.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# site path under assets/vendor/  ->  path under node_modules/
VENDOR_FILES = {
    "mermaid/mermaid.min.js": "mermaid/dist/mermaid.min.js",
    "katex/katex.min.css": "katex/dist/katex.min.css",
}
KATEX_FONTS = "katex/dist/fonts"


def _vendor_sources(root: Path) -> dict[str, Path]:
    node_modules = root / "node_modules"
    sources = {site: node_modules / src for site, src in VENDOR_FILES.items()}
    fonts = node_modules / KATEX_FONTS
    # KaTeX's CSS asks for woff2 first; every browser we support takes it.
    for font in sorted(fonts.glob("*.woff2")):
        sources[f"katex/fonts/{font.name}"] = font
    missing = [str(p.relative_to(root)) for p in sources.values() if not p.is_file()]
    if missing or not fonts.is_dir():
        raise PluginError(
            "Browser assets are missing (" + ", ".join(missing or [KATEX_FONTS]) + "). "
            "Run `make setup` (or `npm ci`) in the project root first."
        )
    return sources


def on_files(files: Files, config) -> Files:
    root = Path(config.config_file_path).resolve().parent
    for site_path, source in _vendor_sources(root).items():
        files.append(File.generated(config, f"assets/vendor/{site_path}", abs_src_path=str(source)))
    return files

"""MkDocs hook: a diagram's source reaches mermaid exactly as the page wrote it.

mermaid2's fence for Material (`mermaid2.fence_mermaid_custom`, mkdocs.yml) writes a diagram as
`<pre class="mermaid"><code>SOURCE</code></pre>` without escaping SOURCE, and Material hands
mermaid the block's `textContent`: a label's `<br/>` (a line break, in mermaid's own syntax)
would become an HTML element and vanish from the text, and a `&` start an entity. The source is
escaped here, once, so the browser's text is the page's text again (tests/test_diagrams_render.py).

It also checks, before anything is built, that mermaid2's `javascript:` is a file under docs/ (the
site's loader), never a URL: mermaid2 itself looks only when it meets the first diagram, and
stops the build with a traceback.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

DIAGRAM = re.compile(r'(<pre\b[^>]*\bclass="mermaid"[^>]*><code>)(.*?)(</code></pre>)', re.S)


def on_page_content(content: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(".md"):  # a notebook: hooks/notebook_pages.py escapes it
        return content
    return DIAGRAM.sub(lambda m: m[1] + html.escape(m[2], quote=False) + m[3], content)


def on_config(config):
    plugin = config.plugins.get("mermaid2")
    if plugin is None:
        return config
    javascript = plugin.config.get("javascript") or ""
    where = "mkdocs.yml, plugins: mermaid2: javascript:"
    if not javascript or "//" in javascript:
        raise PluginError(f"{where} must name the site's loader under docs/, not {javascript!r}")
    if not (Path(config.docs_dir) / javascript).is_file():
        raise PluginError(f"{where} {javascript} is not a file under docs/ ({config.docs_dir})")
    return config

"""The backward-graph diagrams that snippets.autograd_graph prints render in a real browser.

The built site is served and opened in headless Chromium as the browser checker
(tests/site_checker.py) serves and opens it, in both colour schemes. Every `pre.mermaid` on
Part 2 must become an SVG, drawn with no error and with the theme's colours, whose node labels
are exactly the labels `to_mermaid` wrote and readable on the page; a probe page (a copy of
Part 2 holding a graph with `<b>`, quotes, `&` and `#` in its names) shows that escaped labels
are drawn as text, not read as HTML. Nothing the diagrams need may come from another host.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import torch

from docsite import config
from snippets.autograd_graph import to_mermaid
from tests.site_checker import DRAW_DIAGRAMS, RENDER_STATE, open_page, serve

pytestmark = pytest.mark.browser

MERMAID_BLOCK = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)
NODE = re.compile(r'^\s*n\d+[\[(]+"(.*)"[\])]+\s*$', re.M)
PAGES = ("part02-autograd/", "diagram-escape-probe/")

RENDERED = """
() => [...document.querySelectorAll("div.mermaid")].map((host) => {
  const svg = host.shadowRoot && host.shadowRoot.querySelector("svg");
  if (!svg) return null;
  const label = svg.querySelector(".nodeLabel");
  return {
    error: svg.getAttribute("aria-roledescription") === "error",
    labels: [...svg.querySelectorAll(".node .nodeLabel")].map((e) => e.textContent),
    color: label && getComputedStyle(label).color,
    background: getComputedStyle(document.body).backgroundColor,
  };
})
"""


def node_labels(source: str) -> list[str]:
    """The text each node of a to_mermaid diagram should show, decoded as mermaid decodes it."""
    codes = {"lt": "<", "gt": ">", "quot": '"', "amp": "&"}

    def decode(match: re.Match) -> str:
        code = match[1]
        return chr(int(code)) if code.isdigit() else codes[code]

    return [
        re.sub(r"#(\w+);", decode, label.replace("<br/>", "")) for label in NODE.findall(source)
    ]


def escape_probe() -> str:
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.arange(3.0).requires_grad_()
    return to_mermaid((a * b).sum(), params={"<b>w</b>": a, 'x "q" & #1': b}, name="<i>out</i>")


def channels(css_color: str) -> list[float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css_color)]
    return values + [1.0] * (4 - len(values))


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of a (possibly translucent) text colour over an opaque background."""
    *fg, alpha = channels(foreground)
    bg = channels(background)[:3]
    blended = [alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)]

    def luminance(rgb):
        linear = [
            (c / 255) / 12.92 if c <= 10.31 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(blended), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def site(built_site: Path, tmp_path_factory) -> Path:
    # A copy, so the probe page below never shows up in other modules' walks over the site.
    copy = tmp_path_factory.mktemp("diagram-site") / "site"
    shutil.copytree(built_site, copy)
    built_site = copy
    page = (built_site / "part02-autograd" / "index.html").read_text(encoding="utf-8")
    assert MERMAID_BLOCK.search(page), "Part 2 shows no mermaid diagram"
    probe = MERMAID_BLOCK.sub(
        lambda _: (
            f'<pre class="mermaid"><code>{html.escape(escape_probe(), quote=False)}</code></pre>'
        ),
        page,
        count=1,
    )
    (built_site / "diagram-escape-probe").mkdir(exist_ok=True)
    (built_site / "diagram-escape-probe" / "index.html").write_text(probe, encoding="utf-8")
    return built_site


@pytest.fixture(scope="module")
def server(site: Path):
    with serve(site, config.site().base_path) as served:
        yield served


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_backward_graph_renders(chromium, site: Path, server, path: str, scheme: str):
    served = (site / path / "index.html").read_text(encoding="utf-8")
    sources = [html.unescape(code) for code in MERMAID_BLOCK.findall(served)]
    foreign, page_errors = [], []  # requests to another host (aborted), uncaught errors
    with open_page(chromium, server, foreign, color_scheme=scheme) as page:
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(server.url + path, wait_until="load")
        page.evaluate(DRAW_DIAGRAMS, 30_000)  # each diagram into view, as a reader scrolls
        state = page.evaluate(RENDER_STATE)
        rendered = page.evaluate(RENDERED)

    assert state["svgs"] == len(sources), f"{state['svgs']} of {len(sources)} diagrams drawn"
    assert not state["errorDiagrams"], f"{state['errorDiagrams']} mermaid error diagram(s)"
    assert not state["unthemed"], f"{state['unthemed']} diagram(s) without the theme's CSS"
    assert len(rendered) == len(sources)
    for source, diagram in zip(sources, rendered, strict=True):
        assert diagram is not None and not diagram["error"], f"not drawn:\n{source}"
        assert sorted(diagram["labels"]) == sorted(node_labels(source))
        ratio = contrast(diagram["color"], diagram["background"])
        assert ratio >= 4.5, f"{scheme}: node labels have contrast {ratio:.1f} with the page"
    if path == "diagram-escape-probe/":
        assert "<b>w</b> = 2.0" in "".join(rendered[0]["labels"])  # shown as text, not bold
    assert not page_errors
    needed = [
        r.url for r in foreign if r.resource_type in ("script", "stylesheet", "font", "image")
    ]
    assert not needed, f"the page loads from another host: {needed}"

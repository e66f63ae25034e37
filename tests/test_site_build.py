"""The site builds with --strict (links, anchors and includes validated) and is self-contained."""

from __future__ import annotations

import re

from docsite import config, reading_time
from tests.scratch_project import copy_project, run_module

# Tags that make the browser fetch something; <link rel="canonical"> and <a href> do not.
FETCHING_TAG = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*>|<link\b(?![^>]*rel=\"?(?:canonical|alternate))[^>]*>",
    re.I,
)
EXTERNAL = re.compile(r"""\b(?:src|href)=["']?(?:https?:)?//""", re.I)


def test_build_is_strict_and_complete(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "assets/vendor/mermaid/mermaid.min.js").is_file()
    assert (built_site / "assets/vendor/katex/katex.min.css").is_file()


def test_no_page_loads_anything_from_another_host(built_site):
    offenders = []
    for html in sorted(built_site.rglob("*.html")):
        for tag in FETCHING_TAG.findall(html.read_text(encoding="utf-8")):
            if EXTERNAL.search(tag):
                offenders.append(f"{html.relative_to(built_site)}: {tag}")
    assert not offenders, "\n".join(offenders)


def test_applying_the_palette_does_not_restyle_every_element(built_site):
    # docsite/hooks/palette_restyle.py: the theme's `[data-md-color-switching] *` rule is gone.
    sheets = sorted((built_site / "assets" / "stylesheets").glob("palette.*.css"))
    assert sheets
    for sheet in sheets:
        assert "data-md-color-switching" not in sheet.read_text(encoding="utf-8"), sheet.name


def test_a_theme_without_that_rule_fails_the_strict_build(tmp_path, caplog):
    from types import SimpleNamespace

    from docsite.hooks import palette_restyle

    sheets = tmp_path / "assets" / "stylesheets"
    sheets.mkdir(parents=True)
    (sheets / "palette.0123abcd.min.css").write_text("body{color:red}", encoding="utf-8")
    with caplog.at_level("WARNING", logger="mkdocs"):
        palette_restyle.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
    assert "no longer has the [data-md-color-switching] rule" in caplog.text


def test_every_core_page_shows_its_reading_time_and_the_intro_lists_them(built_site):
    readings = reading_time.core_readings()
    intro = (built_site / "index.html").read_text(encoding="utf-8")
    problems = []
    for name, reading in readings.items():
        label = reading_time.minutes_label(reading)
        url = config.site_path(name) + "index.html"
        page = (built_site / url).read_text(encoding="utf-8")
        if not re.search(rf'</h1><p class="reading-time">{label} read</p>', page):
            problems.append(f"{url}: no '{label} read' right under the title")
        link = name.removesuffix(".md") + "/"
        if name != "index.md" and not re.search(
            rf'<li><a href="{link}">.*?</a>.*?<em>\({label}\)</em></li>', intro
        ):
            problems.append(f"index.html: the list of parts does not give {link} '{label}'")
    total = reading_time.minutes_label(sum(readings.values(), reading_time.Reading(0, 0)))
    if f"ten parts: {total} in all" not in intro:
        problems.append(f"index.html: no total '{total}'")
    assert not problems, "\n".join(problems)


def test_the_mermaid2_plugin_alone_adds_the_diagram_loader_to_pages_with_diagrams(built_site):
    overrides = [p for p in (config.ROOT / "overrides").rglob("*") if p.is_file()]
    injecting = [
        p
        for p in overrides
        if re.search(r"mermaid-loader|mermaid(\.min)?\.js", p.read_text(encoding="utf-8"))
    ]
    assert not injecting, f"a template override adds mermaid: {injecting}"
    assert "mermaid2" in config.mkdocs_config().plugins
    loader = re.compile(r'<script src="(?:\.\./)+javascripts/mermaid-loader\.js"></script>')
    problems, with_diagrams = [], 0
    for html in sorted(built_site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        diagrams = len(re.findall(r'<pre class="mermaid"><code>', text))
        with_diagrams += bool(diagrams)
        if len(loader.findall(text)) != bool(diagrams):
            problems.append(f"{html.relative_to(built_site)}: {diagrams} diagram(s), loader wrong")
        if "mermaid.min.js" in text or "unpkg" in text:
            problems.append(f"{html.relative_to(built_site)}: names the library itself")
    assert with_diagrams >= 2 and not problems, "\n".join(problems)


def test_a_wrong_mermaid2_javascript_path_fails_the_strict_build(tmp_path):
    project = copy_project(tmp_path / "project", tests=False)
    yml = project / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    assert text.count("javascript: javascripts/mermaid-loader.js") == 1
    yml.write_text(text.replace("mermaid-loader.js", "missing.js"), encoding="utf-8")
    build = run_module(project, "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site"))
    assert build.returncode == 1, build.stderr
    assert (
        "mkdocs.yml, plugins: mermaid2: javascript: javascripts/missing.js is not a file under "
        "docs/" in build.stderr
    )
    assert "Traceback" not in build.stderr


def test_no_page_preloads_a_font(built_site):
    """docsite/hooks/katex.py: KaTeX's fonts (Main, Math-Italic, ...) were preloaded on every page
    with formulas, so that formulas on the first screen would not be set again after the first
    frame. Measured on a phone (Lighthouse mobile, idle, 3 runs each, no other change), the preloads
    cost the largest paint 0.6-0.9 s: Part 7 95, 99, 95 with them, 98, 94, 97 without; the Part 3
    notebook 88, 87, 94 -> 97, 97, 95; the intro's notebook 94, 90, 95 -> 97, 94, 95; layout shift
    0.000 in every run either way. Loaded under a slow 4G network and a 4x slower CPU (Chrome's
    own throttling), Parts 6 and 7 and the two notebooks showed no layout shift without them
    either. A preload would have to earn its place again by such a measurement."""
    preloading = [
        str(html.relative_to(built_site))
        for html in sorted(built_site.rglob("*.html"))
        if re.search(r'<link\b[^>]*\brel="preload"[^>]*\bas="font"', html.read_text("utf-8"))
    ]
    assert not preloading, f"pages that preload a font: {preloading}"

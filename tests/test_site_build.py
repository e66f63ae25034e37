"""The site builds with --strict (links, anchors and includes validated) and is self-contained."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from docsite import config, reading_time
from docsite.hooks import palette_restyle, table_wrap
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


class _BlocksInParagraphs(HTMLParser):
    """Where a block element starts inside a <p>, which no browser keeps: it closes the paragraph
    before the block (leaving it empty, or cut in two) and makes an empty one of its `</p>`."""

    BLOCKS = frozenset(
        [
            "address",
            "blockquote",
            "details",
            "div",
            "dl",
            "figure",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "ul",
        ]
    )

    def __init__(self) -> None:
        super().__init__()
        self.open_paragraph: int | None = None
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.open_paragraph is not None and tag in self.BLOCKS:
            self.found.append(f"line {self.open_paragraph}: <p> holds <{tag}>")
            self.open_paragraph = None
        if tag == "p":
            self.open_paragraph = self.getpos()[0]

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.open_paragraph = None


def test_no_paragraph_holds_a_block(built_site):
    """An output in a collapsed block was `<p><!--marker--><div>...</div></p>`
    (docsite/hooks/output_markers.py)."""
    found = []
    for page in sorted(built_site.rglob("index.html")):
        checker = _BlocksInParagraphs()
        checker.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(built_site)} {where}" for where in checker.found]
    assert not found, f"{len(found)} paragraphs hold a block:\n" + "\n".join(found[:20])


def test_applying_the_palette_does_not_restyle_every_element(built_site):
    # docsite/hooks/palette_restyle.py: the theme's `[data-md-color-switching] *` rule is gone,
    # and its script makes its color-scheme meta without adding it to the document.
    sheets = sorted((built_site / "assets" / "stylesheets").glob("palette.*.css"))
    assert sheets
    for sheet in sheets:
        assert "data-md-color-switching" not in sheet.read_text(encoding="utf-8"), sheet.name
    (bundle,) = (built_site / "assets" / "javascripts").glob("bundle.*.min.js")
    script = bundle.read_text(encoding="utf-8")
    assert '{name:"color-scheme"}' in script  # still made, and set: detached
    assert not palette_restyle.SCHEME_META.search(script), "the color-scheme meta is still added"


def test_the_theme_script_runs_once_the_page_is_parsed(built_site):
    """overrides/main.html: the theme's script is deferred on every page (run where the parser
    met it, it sometimes did the page's first layout inside its own start-up)."""
    bundle = re.compile(r"<script[^>]*assets/javascripts/bundle\.\w+\.min\.js[^>]*>")
    pages = sorted(built_site.rglob("*.html"))
    tags = {page: bundle.findall(page.read_text(encoding="utf-8")) for page in pages}
    not_deferred = [
        f"{page.relative_to(built_site)}: {found}"
        for page, found in tags.items()
        if len(found) != 1 or not re.search(r"\sdefer[\s=>]", found[0])
    ]
    assert len(pages) >= 30 and not not_deferred, "\n".join(not_deferred)


def test_tables_come_in_the_theme_wrapper_which_its_script_leaves_alone(built_site):
    """docsite/hooks/table_wrap.py: no page holds a table the theme's script would take out and
    put back at load (`table:not([class])`); each comes in the theme's own wrapper, with the
    theme's table rules given to its class."""
    wrapped = re.compile(
        r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        rf'<table class="{table_wrap.CLASS}">'
    )
    bare, counted = [], 0
    for page in sorted(built_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        bare += [str(page.relative_to(built_site))] * len(re.findall(r"<table[\s>]", html))
        counted += len(wrapped.findall(html))
    assert counted >= 5 and len(bare) == counted, (counted, bare)
    (sheet,) = (built_site / "assets" / "stylesheets").glob("main.*.min.css")
    css = sheet.read_text(encoding="utf-8")
    assert table_wrap.SELECTOR in css and f" {table_wrap.THEME_SELECTOR}" not in css


def test_a_theme_that_styles_tables_otherwise_fails_the_strict_build(tmp_path, caplog):
    from types import SimpleNamespace

    sheets = tmp_path / "assets" / "stylesheets"
    sheets.mkdir(parents=True)
    (sheets / "main.0123abcd.min.css").write_text(".md-typeset table{color:red}", encoding="utf-8")
    with caplog.at_level("WARNING", logger="mkdocs"):
        table_wrap.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
    assert "no longer styles table:not([class])" in caplog.text


def test_a_theme_without_either_fails_the_strict_build(tmp_path, caplog):
    from types import SimpleNamespace

    sheets, scripts = tmp_path / "assets" / "stylesheets", tmp_path / "assets" / "javascripts"
    sheets.mkdir(parents=True)
    scripts.mkdir(parents=True)
    (sheets / "palette.0123abcd.min.css").write_text("body{color:red}", encoding="utf-8")
    (scripts / "bundle.0123abcd.min.js").write_text("let o=1;", encoding="utf-8")
    with caplog.at_level("WARNING", logger="mkdocs"):
        palette_restyle.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
    assert "no longer has the [data-md-color-switching] rule" in caplog.text
    assert "no longer adds its color-scheme meta" in caplog.text


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


def test_a_page_preloads_the_katex_fonts_its_first_screen_uses(built_site):
    """docsite/hooks/katex.py: formulas on the first screen (an article's first ten blocks, a
    notebook's first three cells, as docs/stylesheets/extra.css lays out at once) would be set
    again when their fonts arrive after the first frame: Part 5 without the preloads, under
    Chrome's slow-4G and 4x CPU throttling, shifted by 0.046 (its text around the formulas), and
    Lighthouse's phone measured a layout shift of 0.06 there. Fonts for formulas further down only
    come before what the first screen needs: without them Lighthouse's phone (idle, 3 runs each)
    put the largest paint 0.6-0.9 s earlier, the Part 3 notebook 88, 87, 94 -> 97, 97, 95, the
    intro's notebook 94, 90, 95 -> 97, 94, 95, with no layout shift."""
    from docsite.hooks import katex

    problems, preloading, with_math = [], 0, 0
    for html in sorted(built_site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        if 'class="katex"' not in text:
            continue
        with_math += 1
        preloaded = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', text)
        preloading += bool(preloaded)
        names = {href.rsplit("/", 1)[1].removesuffix(".woff2") for href in preloaded}
        first_screen = text[: katex._first_screen_end(text)]
        used = {font for font, pattern in katex.FONTS.items() if pattern.search(first_screen)}
        where = html.relative_to(built_site)
        if names != used:
            problems.append(f"{where}: preloads {sorted(names)}, its first screen {sorted(used)}")
        missing = [h for h in preloaded if not (html.parent / h).resolve().is_file()]
        if missing:
            problems.append(f"{where}: preloads fonts the site does not have: {missing}")
    assert not problems, "\n".join(problems)
    assert with_math >= 5 and 0 < preloading < with_math  # some pages preload, not every one

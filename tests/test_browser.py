"""The site as a reader's browser sees it: every page of the built site, served on 127.0.0.1 as
GitHub Pages serves it, checked by tests/site_checker.py.

Each page must load with no console error and no failed request, ask no other host for anything
(such requests are aborted, and the page must still render), turn every mermaid block into an
SVG, show every formula typeset by KaTeX, link only to pages and anchors that exist, and pass
axe-core with no serious or critical violation in the light and the dark scheme. Search must
find each part, and the reader features configured in mkdocs.yml must be there.

The checker itself is shown to catch each kind of fault: a copy of the site with a page per fault
(a broken diagram, a missing anchor, a script from another host, ...) is built
(tests/scratch_project.py) and checked too.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from docsite import config
from docsite.server import _Handler, site_pages
from tests.conftest import once_per_session
from tests.scratch_project import build_variant
from tests.site_checker import (
    COLOUR_RULES,
    DESKTOP,
    PHONE,
    READ_TO_THE_END,
    RENDER_EVERY_BLOCK,
    axe_violations,
    check_pages,
    open_page,
    serve,
    set_scheme,
)
from tests.site_search import distinctive_terms, search

pytestmark = pytest.mark.browser

SITE = config.site()
REPO_URL = SITE.repo_url


def nav_pages() -> list[str]:
    """The pages of mkdocs.yml's nav, in order, as site paths ('', 'part01-tensors/', ...)."""
    return [config.site_path(page) for page in SITE.nav_pages]


def summary(reports, attribute) -> str:
    lines = [
        f"{path or '(home)'}: {problem}"
        for path, report in reports.items()
        for problem in getattr(report, attribute)
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The real site


@pytest.fixture(scope="module")
def reports(request, tmp_path_factory, chromium, served_site, built_site):
    pages = [*site_pages(built_site), "404.html"]
    return once_per_session(
        request.config,
        tmp_path_factory,
        "laptop-reports",
        lambda: check_pages(chromium, served_site, pages),
    )


def test_every_page_of_the_site_is_checked(reports):
    assert set(nav_pages()) <= set(reports), "a page of the nav was not built"
    assert len(reports) > len(nav_pages())  # and the 404 page, the rendered notebooks


def test_pages_load_without_console_errors_or_failed_requests(reports):
    assert not summary(reports, "errors"), summary(reports, "errors")
    assert not summary(reports, "failed_requests"), summary(reports, "failed_requests")


def test_no_page_asks_another_host_for_anything(reports):
    # Every such request was routed to abort; the pages must not need them to render.
    assert not summary(reports, "external_requests"), summary(reports, "external_requests")


def test_every_diagram_and_formula_renders(reports):
    assert not summary(reports, "not_rendered"), summary(reports, "not_rendered")


def test_mermaid_is_fetched_only_for_pages_with_diagrams(reports):
    for path, report in reports.items():
        fetched = any(url.endswith("/mermaid.min.js") for url in report.requests)
        assert fetched == bool(report.mermaid_expected), path


def test_internal_links_and_anchors_resolve(reports):
    assert not summary(reports, "broken_links"), summary(reports, "broken_links")


def test_no_serious_or_critical_accessibility_violation(reports):
    assert not summary(reports, "accessibility"), summary(reports, "accessibility")


# On a phone: the notebook links' boxes, the page's width, where the title ends and where the
# first sentence after the links starts (in a rendered notebook, its first Markdown cell's), and
# how far the page has moved since its first frame (layout shifts, as Lighthouse adds them up).
FIRST_SCREEN = """
async () => {
  const row = document.querySelector(".md-content .notebook-links");
  if (!row) return null;
  const title = document.querySelector(".md-content h1");
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  await frame();
  const shifts = await new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => (total += e.value)))
      .observe({ type: "layout-shift", buffered: true });
    setTimeout(() => resolve(total), 50);
  });
  const after = (e) => row.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING;
  const first = [...document.querySelectorAll(".md-content p")]
    .find((p) => after(p) && p.textContent.trim() && p.getClientRects().length);
  // Where the title's own text ends (not its hidden permalink): the title must end there too.
  const words = document.createTreeWalker(title, NodeFilter.SHOW_TEXT, (node) =>
    node.parentElement.closest(".headerlink") || !node.textContent.trim()
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT);
  let textEnd = null;
  for (let node; (node = words.nextNode()); ) {
    const range = document.createRange();
    range.selectNodeContents(node);
    textEnd = Math.max(textEnd ?? -Infinity, range.getBoundingClientRect().bottom);
  }
  return {
    links: [...row.querySelectorAll("a")].map((a) => {
      const box = a.getBoundingClientRect();
      return [a.textContent.trim(), box.left, box.top, box.right];
    }),
    width: document.documentElement.clientWidth,
    title: title.getBoundingClientRect().bottom,
    textEnd,
    first: first && first.getBoundingClientRect().top,
    shifts,
  };
}
"""
# The phone pass's screen: the phone, narrower than Lighthouse's (PHONE, 412 px).
SMALL_PHONE = {**PHONE, "viewport": {"width": 390, "height": 844}}
# From the title's last line to the first sentence, on a 390 px screen: 234 px when the three
# links were stacked buttons, 118 px in one row under the reading time.
FIRST_SENTENCE_WITHIN = 130
# A title's box ends 2.6 px below its text's last line; a line holding only the hidden permalink
# added 44 (Part 7).
TITLE_ENDS_WITHIN = 8
# Lighthouse's layout shift once the page has loaded: 0.06-0.08 on a page with formulas on its
# first screen when blocks there held guessed heights or KaTeX's fonts came late; 0 since.
SHIFTS_WITHIN = 0.01


@pytest.fixture(scope="module")
def phone_reports(chromium, served_site, built_site):
    """Every page on a phone's screen: every rule but the colour rules, and its first screen as
    it loads (FIRST_SCREEN, in each report's `on_load`)."""
    pages = [*site_pages(built_site), "404.html"]
    return check_pages(
        chromium, served_site, pages, device=SMALL_PHONE, colours=False, on_load=FIRST_SCREEN
    )


def test_on_a_phone_too_every_page_works_and_passes_the_audit(phone_reports):
    """On a phone's screen wide tables and code blocks scroll sideways (and must take keyboard
    focus), the navigation moves into a drawer, and the theme lays pages out differently. The
    colours are the same at every width: axe's colour rules ran on the laptop's screen, in both
    schemes (tests/site_checker.py: COLOUR_RULES)."""
    for problems in ("errors", "failed_requests", "not_rendered", "accessibility"):
        assert not summary(phone_reports, problems), summary(phone_reports, problems)


def test_no_colour_depends_on_the_screen_width():
    """The phone pass leaves axe's colour rules to the laptop pass (tests/site_checker.py:
    COLOUR_RULES): that holds while the site's stylesheet sets no colour for one width only."""
    css = (config.DOCS / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert not colours_under_media_queries(css), colours_under_media_queries(css)


def colours_under_media_queries(css: str) -> list[str]:
    """The declarations of a colour inside an @media block of `css`, as "line N: declaration"."""
    found, depth, media_depth = [], 0, None
    for number, line in enumerate(css.splitlines(), 1):
        if media_depth is None and line.lstrip().startswith("@media"):
            media_depth = depth
        colour = re.search(r"\b(colou?r|background|fill|stroke)\b[-\w]*\s*:", line)
        if media_depth is not None and colour:
            found.append(f"extra.css:{number}: {line.strip()}")
        depth += line.count("{") - line.count("}")
        if media_depth is not None and depth <= media_depth:
            media_depth = None
    return found


def test_the_colour_check_sees_a_colour_set_for_phones_only():
    css = "a { color: red; }\n@media (max-width: 30em) {\n  a {\n    color: blue;\n  }\n}\n"
    assert colours_under_media_queries(css) == ["extra.css:4: color: blue;"]


def test_search_finds_a_term_from_each_part(chromium, served_site, built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    terms = distinctive_terms(index)
    parts = nav_pages()
    assert set(parts) <= set(terms), (
        f"pages missing from the search index: {set(parts) - set(terms)}"
    )
    page = chromium.new_page()
    try:
        page.goto(served_site.url + parts[-1])
        misses = []
        for part in parts:
            found = {urlsplit(url).path for url in search(page, terms[part])}
            if served_site.base + part not in found:
                misses.append(f"{terms[part]!r} did not find {part or '(home)'}: {sorted(found)}")
        assert not misses, "\n".join(misses)
    finally:
        page.close()


def test_reader_features(chromium, served_site, built_site):
    """Nav with every part and previous/next links, search, a colour scheme that follows the
    system with a toggle, copy buttons, edit / view-source and repository links."""
    parts = nav_pages()
    page = chromium.new_page()
    try:
        for i, part in enumerate(parts):
            html = (built_site / part / "index.html").read_text(encoding="utf-8")
            links = BeautifulSoup(html, "html.parser").select("a.md-footer__link")
            footer = [
                (kind, urljoin(served_site.base + part, link["href"]))
                for link in links
                for kind in ("prev", "next")
                if f"md-footer__link--{kind}" in link["class"]
            ]
            expected = [("prev", served_site.base + parts[i - 1])] if i else []
            if i + 1 < len(parts):
                expected.append(("next", served_site.base + parts[i + 1]))
            assert footer == expected, f"{part or '(home)'}: previous/next links"

        page.goto(served_site.url + parts[1])
        nav = page.eval_on_selector_all(
            ".md-nav--primary a.md-nav__link[href]", "els => els.map(e => e.href)"
        )
        nav_paths = {urlsplit(url).path for url in nav}
        assert {served_site.base + p for p in parts} <= nav_paths
        assert page.locator("input.md-search__input").count() == 1

        # Colour scheme: three palettes (system, light, dark); the system's choice is followed,
        # by the page's own scheme too (its scrollbar: extra.css, without the theme's
        # color-scheme meta, docsite/hooks/palette_restyle.py).
        assert page.locator("input[name='__palette']").count() == 3
        root_scheme = "getComputedStyle(document.documentElement).colorScheme"
        schemes = {"slate": "dark", "default": "light"}
        for scheme, material in (("dark", "slate"), ("light", "default")):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_function(
                "(s) => document.body.dataset.mdColorScheme === s", arg=material, timeout=5000
            )
            assert page.evaluate(root_scheme) == scheme
        assert page.locator("meta[name='color-scheme']").count() == 0
        # The toggle: system -> light -> dark -> system; a reader's choice beats the system's.
        for chosen, material in ((1, "default"), (2, "slate"), (0, "default")):
            page.locator(f"label[for='__palette_{chosen}']").click()
            page.wait_for_function(
                "(s) => document.body.dataset.mdColorScheme === s", arg=material, timeout=5000
            )
            page.emulate_media(color_scheme="dark" if material == "default" else "light")
            page.wait_for_timeout(100)
            if chosen:
                assert page.evaluate("document.body.dataset.mdColorScheme") == material
                assert page.evaluate(root_scheme) == schemes[material]
        page.emulate_media(color_scheme="light")

        # A reader opens the collapsed blocks ("Going deeper", solutions) and reads to the end:
        # each code block gets its button when it comes on screen.
        page.evaluate("document.querySelectorAll('.md-content details').forEach(d => d.open=true)")
        page.evaluate(READ_TO_THE_END)
        blocks = page.locator(".md-content div.highlight pre").count()
        buttons = ".md-content button[title='Copy to clipboard']"
        with contextlib.suppress(PlaywrightTimeout):  # the last block's may come a frame later
            page.wait_for_function(
                "([s, n]) => document.querySelectorAll(s).length >= n",
                arg=[buttons, blocks],
                timeout=5000,
            )
        copy = page.locator(buttons).count()
        assert blocks and copy == blocks, f"{copy} copy buttons for {blocks} code blocks"

        source = parts[1].removesuffix("/") + ".md"
        assert page.locator(f"a[href='{REPO_URL}/edit/{SITE.branch}/docs/{source}']").count() == 1
        assert page.locator(f"a[href='{REPO_URL}/raw/{SITE.branch}/docs/{source}']").count() == 1
        assert page.locator(f"a.md-source[href='{REPO_URL}']").count() >= 1
    finally:
        page.close()


def test_the_favicon_is_served_under_the_sites_path_and_asked_for_only_there(
    chromium, served_site, reports
):
    """GitHub Pages serves a project site only under its path: the origin's /favicon.ico is not
    the site's (a 404 here). So every page names its icon (mkdocs.yml: theme.favicon), under the
    site's path, and no page asks the origin's root for one; favicon.ico (docsite/hooks/favicon.py)
    is served under the site's path too, for the browsers that ask for it there."""
    site_icon = served_site.url + "assets/favicon.svg"
    wrong_icons = []
    for path in reports:
        url = served_site.url + path
        html = served_site.file_for(url).read_text(encoding="utf-8")
        icons = [
            urljoin(url, link["href"])
            for link in BeautifulSoup(html, "html.parser").select("link[rel~='icon'][href]")
        ]
        if icons != [site_icon]:
            wrong_icons.append(f"{path or '(home)'}: {icons}")
    assert not wrong_icons, f"each page should name {site_icon} as its icon:\n" + "\n".join(
        wrong_icons
    )

    page = chromium.new_page()
    try:
        for url in (site_icon, served_site.url + "favicon.ico"):
            response = page.request.get(url)
            assert response.status == 200, url
            assert response.headers["content-type"].startswith("image/"), url
        assert page.request.get(served_site.origin + "/favicon.ico").status == 404
    finally:
        page.close()

    root_icon = served_site.origin + "/favicon.ico"
    asked = [path for path, report in reports.items() if root_icon in report.requests]
    failed = [
        f"{path or '(home)'}: {failure}"
        for path, report in reports.items()
        for failure in report.failed_requests
        if "favicon" in failure
    ]
    assert not asked and not failed, (asked, failed)


# Where a heading is once the page has stopped moving (its top, and the header's height, in
# pixels): the article's blocks take their real height only as they come near the screen.
SETTLED_TOP = """
async (id) => {
  const heading = document.getElementById(id);
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let top = null;
  for (let i = 0, still = 0; i < 300 && still < 10; i++) {
    await frame();
    const now = Math.round(heading.getBoundingClientRect().top);
    still = now === top ? still + 1 : 0;
    top = now;
  }
  const room = document.documentElement.scrollHeight - innerHeight - scrollY;  // still below
  return [top, document.querySelector(".md-header").offsetHeight, top - room];
}
"""


def test_a_link_to_a_section_lands_on_it(chromium, served_site, built_site):
    """Above a section deep in a long page, blocks not yet seen hold a guessed height
    (docs/stylesheets/extra.css): a link to the section must still show it at the top of a
    phone's screen, just under the header, and keep it there; a section too near the page's end
    to scroll that far is shown with the page scrolled to its end."""
    page = chromium.new_page(**PHONE)
    screen = PHONE["viewport"]["height"]
    missed = []
    try:
        for part in nav_pages():
            html = (built_site / part / "index.html").read_text(encoding="utf-8")
            ids = re.findall(r'<h2 id="([^"]+)"', html)
            for heading in dict.fromkeys([ids[len(ids) // 2], ids[-1]]):
                page.goto(f"{served_site.url}{part}#{heading}")
                top, header, highest = page.evaluate(SETTLED_TOP, heading)
                under_the_header = 0 <= top <= header + 32
                # A section too near the page's end to scroll up to the header: the page must
                # be scrolled as far as it goes, the section in the upper half of the screen.
                near_the_end = abs(top - highest) <= 1 and header + 32 < top < screen / 2
                if not (under_the_header or near_the_end):
                    missed.append(
                        f"{part or '(home)'}#{heading}: {top} px from the top "
                        f"(scrolled as far as the page goes, it would be at {highest} px)"
                    )
    finally:
        page.close()
    assert not missed, "\n".join(missed)


# What a screen reader is told about an element: Chromium's accessibility tree, through CDP.
def _accessible(page, selector: str) -> tuple[str, str, dict]:
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    found = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    ax = found["nodes"][0]
    properties = {p["name"]: p["value"].get("value") for p in ax.get("properties", [])}
    return ax["role"]["value"], ax.get("name", {}).get("value", ""), properties


def test_an_output_to_predict_opens_from_the_keyboard_and_says_so(chromium, served_site):
    """Predict, then reveal (docsite/pages.py's PREDICT): on the part whose first closed output
    is nearest its top, Tab reaches the block's title, which a screen reader hears as a collapsed
    disclosure named "Predict the output, then open"; Enter opens it and shows the output."""
    from docsite import pages as docpages

    def first_reveal(page):
        return min((b.page_line for b in page.blocks if b.predict), default=10**9)

    part = min((p for p in docpages.pages() if p.name.startswith("part")), key=first_reveal)
    summary = "details.question > summary"
    page = chromium.new_page()
    try:
        page.goto(f"{served_site.url}{config.site_path(part.name)}")
        output = page.locator("details.question").first.locator("pre")
        assert not output.is_visible(), f"{part.name}: the output to predict is shown open"
        for _ in range(300):  # the header, the navigation, then the page's own links
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", summary):
                break
        else:
            pytest.fail(f"{part.name}: 300 presses of Tab never reach the output to predict")
        title = docpages.PREDICT_TITLE
        assert _accessible(page, summary)[:2] == ("DisclosureTriangle", title)
        assert _accessible(page, summary)[2]["expanded"] is False
        page.keyboard.press("Enter")
        assert output.is_visible(), f"{part.name}: Enter on the title does not show the output"
        assert _accessible(page, summary)[2]["expanded"] is True
    finally:
        page.close()


def test_on_a_phone_the_notebook_links_are_one_row_and_the_text_follows(
    chromium, served_site, built_site, phone_reports
):
    """Each page opens with its title (its box ending with its text), reading time and notebook
    links in one row that fits the screen, the first sentence close below, and nothing on it
    moves once it is drawn (extra.css: the first screen's blocks are laid out at once;
    docsite/hooks/katex.py: the fonts its formulas use are preloaded): as the phone pass found
    each page when it loaded. Each link keeps its whole label as its name."""
    pages = [
        path
        for path in site_pages(built_site)
        if 'class="notebook-links"' in (built_site / path / "index.html").read_text("utf-8")
    ]
    assert len(pages) > len(nav_pages())  # the pages and their rendered notebooks
    problems = []
    for path in pages:
        facts = phone_reports[path].on_load
        name = path or "(home)"
        if facts is None:
            problems.append(f"{name}: the phone pass found no notebook links when it loaded")
            continue
        tops = [top for _, _, top, _ in facts["links"]]
        if len(tops) < 2 or max(tops) - min(tops) > 1:
            problems.append(f"{name}: the links are not one row: {facts['links']}")
        if any(left < 0 or right > facts["width"] for _, left, _, right in facts["links"]):
            problems.append(f"{name}: a link is cut off: {facts['links']}")
        if facts["textEnd"] is None or facts["title"] - facts["textEnd"] > TITLE_ENDS_WITHIN:
            problems.append(
                f"{name}: the title's box ends {facts['title'] - (facts['textEnd'] or 0):.0f} px "
                "below its text (a line holding nothing but its hidden permalink?)"
            )
        gap = facts["first"] and facts["first"] - facts["title"]
        if gap is None or gap > FIRST_SENTENCE_WITHIN:
            problems.append(f"{name}: the first sentence starts {gap} px below the title")
        if facts["shifts"] > SHIFTS_WITHIN:
            problems.append(
                f"{name}: the page moved as it loaded (layout shift {facts['shifts']:.3f})"
            )
    # On a page (not a rendered notebook): all three links, by their names.
    page = chromium.new_page(**SMALL_PHONE)
    try:
        page.goto(served_site.url + nav_pages()[1])  # Part 1
        for label in ("Download notebook", "Open in Colab", "View the notebook"):
            if page.get_by_role("link", name=label, exact=True).count() != 1:
                problems.append(f"{page.url}: no link named {label!r} for a screen reader")
    finally:
        page.close()
    assert not problems, "\n".join(problems)


# When the first page asks for a slow URL: once it has loaded (the favicon's case: the browser
# asks for it after the load event, and moving on at once aborts it), or as it is left.
ASKS = {
    "in flight as it is left": "addEventListener('load', () => {{ fetch('{url}'); }});",
    "as it is left": "addEventListener('beforeunload', () => {{ fetch('{url}'); }});",
}


@pytest.mark.parametrize("asks", list(ASKS))
def test_a_request_of_the_page_being_left_is_no_fault_of_either(
    asks, chromium, tmp_path, monkeypatch
):
    """The checker moves on as soon as a page has loaded (and been checked): a request that
    page made is aborted by the navigation (net::ERR_ABORTED), during the next page's load, or
    is even made after the next page's watch began (its `beforeunload`). Either way it is the
    first page's, and the first page is no longer watched: no fault of either
    (tests/site_checker.py: _watch). The server holds the URL's answer for two seconds, so the
    request is certain to be in flight. (Before, 11 aborted favicons were reported in three fast
    passes over the nav pages, and one in a whole run's phone pass, on Part 3.)"""
    slow = "/slow-answer"
    answer = _Handler.send_head

    def send_head(handler):
        if handler.path == slow:
            time.sleep(2)
        return answer(handler)

    monkeypatch.setattr(_Handler, "send_head", send_head)
    for name, script in (("first", ASKS[asks].format(url=slow)), ("next", "")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(
            f"<!doctype html><html lang=en><title>{name}</title><h1>{name}</h1>"
            f"<script>{script}</script></html>",
            encoding="utf-8",
        )
    with serve(tmp_path) as server:
        reports = check_pages(chromium, server, ["first/", "next/"], accessibility=False)
    assert reports["next/"].failed_requests == [], reports["next/"].failed_requests
    assert reports["first/"].failed_requests == []  # aborted once the first page was left


def test_a_missing_page_gets_the_sites_404_page(chromium, served_site):
    page = chromium.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    try:
        response = page.goto(served_site.url + "no-such-page/")
        assert response.status == 404
        assert "404" in page.inner_text(".md-content h1")
        assert page.evaluate("typeof document$ !== 'undefined'"), "the theme's script did not load"
        assert failed == [served_site.url + "no-such-page/"]
    finally:
        page.close()


# A glossary term (docsite/glossary.py) as a reader meets it: Material's own tooltip
# (content.tooltips) holding the term's definition, next to the term and inside the screen.
GLOSSARY_PAGE = "part02-autograd/"
TOOLTIP = ".md-tooltip2--active"
TOOLTIP_STATE = """
(term) => {
  const open = document.querySelectorAll(".md-tooltip2--active");
  const tip = open[0];
  const box = tip && tip.querySelector(".md-tooltip2__inner").getBoundingClientRect();
  return tip && {
    text: tip.textContent.trim(), id: tip.id, role: tip.getAttribute("role"), open: open.length,
    describedBy: term.getAttribute("aria-describedby"),
    left: box.left, right: box.right, width: document.documentElement.clientWidth,
    below: box.top - term.getBoundingClientRect().bottom,
  };
}
"""
# The element the Tab key leaves just before `el`: the focusable element before it, in page order.
FOCUS_BEFORE = """
(el) => {
  const focusable = [...document.querySelectorAll(
    "a[href], button, input, summary, [tabindex]:not([tabindex='-1'])")]
    .filter((e) => e === el || e.getClientRects().length);
  const at = focusable.indexOf(el);
  if (at > 0) focusable[at - 1].focus();
  return at > 0;  // false: the Tab key never stops on el
}
"""


def test_a_term_shows_its_definition_on_hover_on_a_tap_and_on_keyboard_focus(
    chromium, served_site, built_site
):
    """On a laptop the pointer rests on a term, on a phone a finger taps it: Material's tooltip
    shows the definition under it, in the light and the dark scheme (axe's colour rules pass
    with it open), and goes when the pointer leaves. By itself an <abbr> takes no focus: the Tab
    key would pass every term by and Material's tooltip (shown on hover or focus) would be for
    pointers only. docsite/hooks/glossary.py makes each page's first use of a term focusable,
    so Tab stops on it in reading order and the tooltip opens, the term described by it
    (aria-describedby) while it is open; the next Tab moves on and closes it."""
    problems = []
    for device in (DESKTOP, PHONE):
        screen = "phone" if device is PHONE else "laptop"
        with open_page(chromium, served_site, [], device) as page:
            page.goto(served_site.url + GLOSSARY_PAGE)
            page.add_style_tag(content=RENDER_EVERY_BLOCK)  # for axe, as check_pages does
            # Material takes the title off a term while its tooltip is open: find it otherwise.
            term = page.locator(".md-content abbr").first
            definition = term.get_attribute("title")
            assert definition, "no glossary term on " + GLOSSARY_PAGE
            for scheme in ("light", "dark"):
                set_scheme(page, scheme)
                if device is PHONE:
                    term.tap()
                else:
                    term.hover()
                page.wait_for_selector(TOOLTIP, timeout=5000)
                state = page.evaluate(TOOLTIP_STATE, term.element_handle())
                where = f"{screen}, {scheme} scheme, {term.text_content()!r}"
                if state["text"] != definition or state["open"] != 1:
                    problems.append(f"{where}: the tooltip says {state['text']!r} ({state})")
                if not (state["left"] >= 0 and state["right"] <= state["width"]):
                    problems.append(f"{where}: the tooltip leaves the screen: {state}")
                if not 0 <= state["below"] <= 32:
                    problems.append(f"{where}: the tooltip is not right under the term: {state}")
                problems += axe_violations(page, scheme, COLOUR_RULES)
                if device is PHONE:
                    page.locator(".md-content h1").tap()
                    page.evaluate("document.activeElement.blur()")
                else:
                    page.mouse.move(0, 0)
                with contextlib.suppress(PlaywrightTimeout):
                    page.wait_for_selector(TOOLTIP, state="detached", timeout=3000)
                if page.locator(TOOLTIP).count():
                    problems.append(f"{where}: the tooltip stays when the pointer has left")
            # The keyboard: Tab from the element before the term.
            if not page.evaluate(FOCUS_BEFORE, term.element_handle()):
                problems.append(f"{screen}: {term.text_content()!r} takes no keyboard focus")
                continue
            page.keyboard.press("Tab")
            if not term.evaluate("(el) => el === document.activeElement"):
                problems.append(f"{screen}: Tab does not stop on {term.text_content()!r}")
            page.wait_for_selector(TOOLTIP, timeout=5000)
            state = page.evaluate(TOOLTIP_STATE, term.element_handle())
            if state["text"] != definition or state["describedBy"] != state["id"]:
                problems.append(f"{screen}, keyboard focus: {state}")
            page.keyboard.press("Tab")
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_selector(f"#{state['id']}", state="detached", timeout=3000)
            if page.locator(f"#{state['id']}").count():
                problems.append(f"{screen}: the tooltip stays when the focus has moved on")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# The checker catches what it claims to: a copy of the site with one page per fault

FILLER = "\n\n".join(
    f"Paragraph {i} of filler, so that what follows starts well below the first screen."
    for i in range(60)
)
DIAGRAM = "```mermaid\ngraph LR\n  x[input] --> y[output]\n```"
FAULT_PAGES = {
    "checks/features.md": f"""# Every feature at once

Inline math \\(a^2 + b^2 = c^2\\) and a display formula:

$$
\\operatorname{{softmax}}(x)_i = \\frac{{e^{{x_i}}}}{{\\sum_j e^{{x_j}}}}
$$

{DIAGRAM}

!!! note "A digression"
    An admonition.

=== "CPU"

    ```text
    on the CPU
    ```

=== "CUDA"

    ```text
    on the GPU
    ```

{FILLER}

```mermaid
sequenceDiagram
  Reader->>Site: opens a page
```
""",
    "checks/lazy-diagram.md": f"# A diagram far down\n\n{FILLER}\n\n{DIAGRAM}\n",
    "checks/broken-diagram.md": f"""# A broken diagram

{DIAGRAM}

```mermaid
graph LR
  a --> b[never closed
```
""",
    "checks/missing-anchor.md": """# Missing anchors

[A heading that is not there](#nowhere), [nor on the home page](../index.md#nowhere),
[a page that is not there](../no-such-page.md) and [one that is](#missing-anchors).
""",
    "checks/external-script.md": """# A script from another host

<script src="https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.min.js"></script>
<img alt="A picture from elsewhere" src="https://example.com/picture.png">

The page still renders without them.
""",
    # Formulas are typeset at build time: KaTeX warns (which fails a --strict build) and the
    # page is left with the TeX as written, which the browser check reports.
    "checks/broken-formulas.md": "# Broken formulas\n\n$$\n\\frac{1}{2} \\notacommand\n$$\n\n"
    "An unclosed brace: $\\frac{1}{$.\n",
    "checks/console-error.md": """# An error and a missing file

<script>console.error("something broke")</script>

![A picture that was never committed](missing.png)
""",
    "checks/inaccessible.md": """# Inaccessible markup

<button type="button"></button>
""",
}


@pytest.fixture(scope="module")
def faults(request, chromium, tmp_path_factory):
    def check() -> dict:
        site = build_variant(tmp_path_factory.mktemp("variant"), FAULT_PAGES)
        pages = [name.removesuffix(".md") + "/" for name in FAULT_PAGES]
        with serve(site, SITE.base_path) as server:
            reports = check_pages(
                chromium,
                server,
                pages,
                accessibility={"checks/features/", "checks/inaccessible/"},
                render_timeout_ms=10000,
            )
        found = {path.split("/")[1]: report for path, report in reports.items()}
        return {**found, "build.log": (site.parent / "build.log").read_text(encoding="utf-8")}

    return once_per_session(request.config, tmp_path_factory, "fault-reports", check)


def test_a_page_using_every_feature_passes(faults):
    report = faults["features"]
    assert report.problems() == []
    assert (report.mermaid_expected, report.mermaid_rendered) == (2, 2)
    assert report.math_expected == report.math_rendered == 2


def test_diagrams_load_only_when_they_near_the_viewport(faults):
    report = faults["lazy-diagram"]
    assert report.problems() == []
    assert report.mermaid_rendered == 1
    assert not any(u.endswith("/mermaid.min.js") for u in report.requests_before_scrolling)
    assert any(u.endswith("/mermaid.min.js") for u in report.requests)


def test_checker_reports_a_broken_diagram(faults):
    report = faults["broken-diagram"]
    assert report.mermaid_expected == 2
    assert report.not_rendered, "a mermaid syntax error went unnoticed"
    assert report.errors, "the uncaught mermaid error went unnoticed"


def test_checker_reports_missing_anchors_and_pages(faults):
    broken = faults["missing-anchor"].broken_links
    assert len(broken) == 3, broken
    assert sum(p.startswith("missing anchor: ") for p in broken) == 2
    assert any(p.startswith("broken link: ") and "no-such-page" in p for p in broken)


def test_checker_reports_requests_to_other_hosts(faults):
    report = faults["external-script"]
    hosts = {urlsplit(p.split(": ", 1)[1]).hostname for p in report.external_requests}
    assert hosts == {"cdn.jsdelivr.net", "example.com"}
    assert not report.not_rendered, "the page did not render without the other hosts"


def test_checker_reports_broken_formulas(faults):
    report = faults["broken-formulas"]
    assert report.math_expected == 2 and report.math_rendered == 0
    assert "0 of 2 formula(s) rendered by KaTeX" in report.not_rendered
    log = faults["build.log"]
    assert "KaTeX cannot typeset '\\\\frac{1}{2} \\\\notacommand'" in log, log
    assert "KaTeX cannot typeset '\\\\frac{1}{'" in log, log


def test_checker_reports_console_errors_and_missing_files(faults):
    report = faults["console-error"]
    assert any("something broke" in e for e in report.errors), report.errors
    assert any("404" in f and f.endswith("/missing.png") for f in report.failed_requests)


def test_checker_reports_accessibility_violations(faults):
    violations = faults["inaccessible"].accessibility
    assert any("button-name" in v for v in violations), violations

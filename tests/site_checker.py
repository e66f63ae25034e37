"""The browser checker: look at a built site as a reader's browser does, and report everything
that goes wrong. tests/test_browser.py runs it on every page; tests/test_diagrams_render.py opens
its pages the same way.

- `serve`: docsite.server.SiteServer (the site as GitHub Pages serves it, under the path of
  `site_url`) that also serves axe-core, beside the site, at AXE_PATH.
- `new_context` / `open_page`: a Chromium context (and a page in it) as the checker opens them:
  a laptop's screen (DESKTOP) or a phone's (PHONE), the theme's closed shadow roots opened and
  uncaught errors counted (INIT_SCRIPT), every request to another host aborted and recorded.
- `check_pages`: load pages in that context and return one `PageReport` per page: console errors,
  failed requests, requests to any other host, diagrams and formulas that did not render
  (DRAW_DIAGRAMS, RENDER_STATE), links and anchors that do not resolve, and axe-core's serious
  and critical violations in both colour schemes (after READ_TO_THE_END; on a second screen size,
  every rule but the colour rules).

The tests assert on these reports, for the real site and for deliberately broken variants of it
(tests/scratch_project.build_variant), so the checker is shown to catch what it claims to.
"""

from __future__ import annotations

import contextlib
import functools
import html.parser
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from docsite.config import NODE_MODULES
from docsite.server import SiteServer

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")
# The rules whose outcome depends on colours: the only ones worth running again in the dark scheme,
# and the only ones a second screen size need not run again, as the colours come from the palette
# whatever the width (docs/stylesheets/extra.css sets no colour under a media query: tested in
# tests/test_browser.py). They are also most of axe's time.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
MATERIAL_SCHEMES = {"light": "default", "dark": "slate"}

# Material renders each diagram into a *closed* shadow root; opening them lets the test look inside.
# Uncaught errors are counted too, so a test can stop waiting for a diagram that will never come.
INIT_SCRIPT = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, { ...init, mode: "open" });
  };
  window.__uncaught = 0;
  addEventListener("error", () => window.__uncaught++);
  addEventListener("unhandledrejection", () => window.__uncaught++);
})();
"""

# Before any script runs, a diagram is `<pre class="mermaid">` and a formula `class="arithmatex"`.
MERMAID_BLOCK = re.compile(r"<pre\b[^>]*\bclass=\"[^\"]*\bmermaid\b", re.I)
MATH_BLOCK = re.compile(r"<(?:span|div)\b[^>]*\bclass=\"[^\"]*\barithmatex\b", re.I)

RENDER_STATE = """
() => {
  const hosts = [...document.querySelectorAll("div.mermaid")];
  const roots = hosts.map((h) => h.shadowRoot).filter(Boolean);
  const svgs = roots.map((r) => r.querySelector("svg")).filter(Boolean);
  const isError = (svg) => svg.getAttribute("aria-roledescription") === "error"
    || /Syntax error in text/.test(svg.textContent);
  const strays = [...document.querySelectorAll("body > div[id^='d__mermaid'], body > svg")];
  const math = [...document.querySelectorAll(".arithmatex")];
  return {
    pending: document.querySelectorAll("pre.mermaid").length,
    svgs: svgs.filter((s) => !isError(s)).length,
    errorDiagrams: svgs.filter(isError).length
      + strays.filter((s) => /Syntax error/.test(s.textContent)).length,
    unthemed: svgs.filter((s) => !/--md-mermaid/.test(
      [...s.querySelectorAll("style")].map((x) => x.textContent).join(""))).length,
    math: math.length,
    mathRendered: math.filter((m) => m.querySelector(".katex")
      && !m.querySelector(".katex-error")).length,
  };
}
"""

PAGE_FACTS = """
() => ({
  h1: (document.querySelector(".md-content h1") || {}).textContent || "",
  h1Visible: !!document.querySelector(".md-content h1")?.getClientRects().length,
  materialReady: typeof document$ !== "undefined",
  links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
  ids: [...document.querySelectorAll("[id]")].map((e) => e.id)
    .concat([...document.querySelectorAll("a[name]")].map((a) => a.name)),
})
"""


AXE_PATH = "/__tests__/axe.min.js"  # served beside the site, for the tests only


def serve(site: Path, base: str = "/") -> SiteServer:
    """A server for `site` (as GitHub Pages serves it) that also serves axe-core at AXE_PATH."""
    return SiteServer(site, base, extra={AXE_PATH: AXE})


@dataclass
class PageReport:
    path: str
    h1: str = ""
    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    not_rendered: list[str] = field(default_factory=list)  # page, diagrams, formulas
    broken_links: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    mermaid_expected: int = 0
    mermaid_rendered: int = 0
    math_expected: int = 0
    math_rendered: int = 0
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    requests_before_scrolling: list[str] = field(default_factory=list)
    on_load: object = None  # what check_pages' `on_load` script returned, once the page loaded

    def problems(self) -> list[str]:
        return [
            *self.errors,
            *self.failed_requests,
            *self.external_requests,
            *self.not_rendered,
            *self.broken_links,
            *self.accessibility,
        ]


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.cache
def static_ids(html_file: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


# The screens the pages are checked on: a laptop's, and a phone's (Lighthouse's mobile one).
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 412, "height": 823},
    "device_scale_factor": 1.75,
    "is_mobile": True,
    "has_touch": True,
}


def new_context(browser, server: SiteServer, blocked: list, device: dict = DESKTOP, **options):
    """A browser context as the checker opens one: `device`'s screen (and any other of
    Playwright's context `options`, such as `color_scheme`), INIT_SCRIPT in every page, and every
    request to another host aborted and appended to `blocked` (Playwright's `Request`)."""
    context = browser.new_context(**device, **options)
    context.add_init_script(INIT_SCRIPT)

    def route(route):
        if route.request.url.startswith(server.origin + "/"):
            route.continue_()
        else:
            blocked.append(route.request)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    return context


@contextlib.contextmanager
def open_page(
    browser, server: SiteServer, blocked: list, device: dict = DESKTOP, **options
) -> Iterator:
    """A page in a new context (`new_context`); the context is closed on leaving."""
    context = new_context(browser, server, blocked, device, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def _watch(page, server: SiteServer, report: PageReport):
    """Record console errors, uncaught exceptions and failed requests; returns `unwatch()`.

    A request fails on the network (`requestfailed`) only if this page asked for it: one the
    previous page left in flight (the favicon, which the browser asks for once the page has
    loaded) is aborted when the checker moves on, and is no fault of either page. The previous
    page may even ask for it after this watch began (its events come late, or it asks as it is
    left): a request is the previous page's if its frame still showed that page when it was
    made, and it is not the navigation to this one."""
    asked: set = set()
    left = page.url  # the page being left ("about:blank" before the first)
    here = server.url + report.path

    def on_console(msg):
        if msg.type == "error":
            report.errors.append(f"console error: {msg.text}")

    def on_pageerror(exc):
        report.errors.append(f"uncaught: {exc}")

    def on_response(response):
        if response.status >= 400:
            report.failed_requests.append(f"HTTP {response.status}: {response.url}")

    def on_request(request):
        if request.is_navigation_request() or request.frame.url != left or left == here:
            asked.add(request)

    def on_failed(request):
        if request in asked and request.url.startswith(server.origin + "/"):
            report.failed_requests.append(f"failed: {request.url} ({request.failure})")

    listeners = {
        "request": on_request,
        "console": on_console,
        "pageerror": on_pageerror,
        "response": on_response,
        "requestfailed": on_failed,
    }
    for event, listener in listeners.items():
        page.on(event, listener)

    def unwatch():
        for event, listener in listeners.items():
            page.remove_listener(event, listener)

    return unwatch


# Diagrams load when they near the viewport: bring each undrawn one into view, as a reader
# scrolling down would (opening the collapsed block it is in, as a reader clicks its title),
# until none is left or an uncaught error says one never will be drawn.
DRAW_DIAGRAMS = """
(timeout) => new Promise((resolve) => {
  const start = Date.now();
  const step = () => {
    const waiting = document.querySelector(".md-content pre.mermaid");
    if (!waiting || window.__uncaught > 0 || Date.now() - start > timeout) return resolve();
    const collapsed = waiting.closest("details:not([open])");
    if (collapsed) collapsed.open = true;
    waiting.scrollIntoView();
    setTimeout(step, 100);
  };
  step();
}).then(() => window.scrollTo(0, 0))
"""

# Read the page to its end, a screen at a time, as a reader scrolling down does: the theme gives
# each code block its copy button (and, when it scrolls sideways, keyboard focus) when the block
# first comes on screen (mkdocs.yml: content.lazy), and the article's blocks are rendered only near
# the screen (docs/stylesheets/extra.css: content-visibility).
READ_TO_THE_END = """
async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 0.9) {
    scrollTo(0, y);
    await frame();
  }
  scrollTo(0, 0);
  await frame();
}
"""

# axe reads colours from rendered boxes; blocks away from the screen are not rendered until the
# reader nears them (content-visibility: auto), and would be judged on a blank background. Render
# them all for the audit: they look exactly as they will when the reader gets there.
RENDER_EVERY_BLOCK = "* { content-visibility: visible !important; }"
# ... and judge every colour as it ends up, at once: the header's title fades when the reader
# scrolls back to the top, and the theme's colours fade into the other scheme's (a quarter of a
# second each, waited for by TRANSITIONS_DONE, three times per page: 90 waits per pass).
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"

AXE_RUN = """
(options) => axe.run(document, options).then((result) => result.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
  targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })))
"""

# The header's title swaps as the page scrolls: let CSS transitions finish before measuring.
TRANSITIONS_DONE = "() => !document.getAnimations().some((a) => a.playState === 'running')"


def axe_violations(
    page, scheme: str, rules: list[str] | None = None, skip: list[str] | None = None
) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now: of `rules` only,
    when given, and never of `skip`."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=page.evaluate("location.origin") + AXE_PATH)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(TRANSITIONS_DONE, timeout=3000)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    if skip:
        options["rules"] = {rule: {"enabled": False} for rule in skip}
    return [
        f"axe {v['impact']} {v['id']} ({scheme} scheme): {v['help']}: {v['count']} element(s), "
        f"e.g. {'; '.join(v['targets'])}"
        for v in page.evaluate(AXE_RUN, options)
        if v["impact"] in AXE_FAILING_IMPACTS
    ]


def set_scheme(page, scheme: str) -> None:
    """Switch the system's colour scheme; the site follows it (Material's automatic palette)."""
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function(
        "(s) => document.body.dataset.mdColorScheme === s",
        arg=MATERIAL_SCHEMES[scheme],
        timeout=5000,
    )


def check_pages(
    browser,
    server: SiteServer,
    pages: list[str],
    *,
    accessibility: bool | set[str] = True,
    render_timeout_ms: int = 20000,
    device: dict = DESKTOP,
    colours: bool = True,
    on_load: str | None = None,
) -> dict[str, PageReport]:
    """Load each page (a path under the site's base) and report what went wrong on it.

    `accessibility`: run axe-core on every page (True), on none (False) or on these paths. It
    runs all its rules in the light scheme, then its colour rules in the dark scheme; without
    `colours`, every rule but the colour rules, in the light scheme only (a second screen size:
    the colours were judged on the first).
    `device`: the screen, DESKTOP or PHONE (on a phone tables and code blocks scroll sideways).
    `on_load`: a script evaluated on each page as soon as it has loaded, before anything scrolls
    it (the page's first screen, as a reader sees it); its result is the report's `on_load`.
    """
    reports: dict[str, PageReport] = {}
    blocked: list = []
    requested: list[str] = []
    with open_page(browser, server, blocked, device) as page:
        page.on("request", lambda request: requested.append(request.url))
        for path in pages:
            report = reports[path] = PageReport(path)
            source = server.file_for(server.url + path)
            html_text = source.read_text(encoding="utf-8") if source else ""
            report.mermaid_expected = len(MERMAID_BLOCK.findall(html_text))
            report.math_expected = len(MATH_BLOCK.findall(html_text))
            blocked.clear()
            requested.clear()
            page.emulate_media(color_scheme="light")
            unwatch = _watch(page, server, report)
            try:
                page.goto(server.url + path, wait_until="load")
                report.requests_before_scrolling = list(requested)
                if on_load is not None:
                    report.on_load = page.evaluate(on_load)
                if report.mermaid_expected:
                    page.evaluate(DRAW_DIAGRAMS, render_timeout_ms)
                state = page.evaluate(RENDER_STATE)
                facts = page.evaluate(PAGE_FACTS)
                if accessibility is True or (accessibility and path in accessibility):
                    page.add_style_tag(content=NO_TRANSITIONS)
                    page.evaluate(READ_TO_THE_END)
                    page.add_style_tag(content=RENDER_EVERY_BLOCK)
                    if colours:
                        report.accessibility += axe_violations(page, "light")
                        set_scheme(page, "dark")
                        report.accessibility += axe_violations(page, "dark", COLOUR_RULES)
                    else:
                        report.accessibility += axe_violations(page, "light", skip=COLOUR_RULES)
            finally:
                unwatch()
            report.requests = list(requested)
            report.external_requests = [f"request to another host: {r.url}" for r in blocked]
            report.h1 = facts["h1"].strip().rstrip("¶").strip()
            report.links = facts["links"]
            report.ids = set(facts["ids"])
            report.mermaid_rendered = state["svgs"]
            report.math_rendered = state["mathRendered"]
            _judge_rendering(report, facts, state)
    for report in reports.values():
        report.broken_links = broken_links(server, report, reports)
    return reports


def _judge_rendering(report: PageReport, facts: dict, state: dict) -> None:
    problems = report.not_rendered
    if not (facts["h1Visible"] and facts["materialReady"]):
        problems.append("the page did not render (no visible h1, or the theme's script missing)")
    if state["errorDiagrams"]:
        problems.append(f"{state['errorDiagrams']} mermaid error diagram(s)")
    if state["svgs"] != report.mermaid_expected:
        problems.append(
            f"{state['svgs']} of {report.mermaid_expected} mermaid diagram(s) became an SVG"
        )
    if state["unthemed"]:
        problems.append(f"{state['unthemed']} diagram(s) drawn without Material's theme CSS")
    if state["math"] != report.math_expected or state["mathRendered"] != report.math_expected:
        problems.append(
            f"{state['mathRendered']} of {report.math_expected} formula(s) rendered by KaTeX"
        )


def broken_links(server: SiteServer, report: PageReport, reports: dict[str, PageReport]):
    """Same-origin links whose page is missing, or whose #fragment names no element there."""
    problems = []
    page_url = server.url + report.path
    for href in dict.fromkeys(report.links):
        url, fragment = urldefrag(href)
        if not url.startswith(server.origin + "/"):
            continue
        target = server.file_for(url)
        if target is None:
            problems.append(f"broken link: {href}")
            continue
        if not fragment or target.suffix != ".html":
            continue
        rel = target.relative_to(server.site).as_posix()
        visited = reports.get(rel.removesuffix("index.html"))
        ids = visited.ids if visited else static_ids(target)
        if url == urldefrag(page_url)[0]:
            ids = report.ids
        if unquote(fragment) not in ids:
            problems.append(f"missing anchor: {href}")
    return problems

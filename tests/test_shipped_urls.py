"""Every URL a shipped file points at on the site itself resolves to a shipped file.

The quick, server-less core of the workflow's LinkChecker step (.github/workflows/site.yml): every
HTML and CSS file of the built site is read, and each URL it refers to (href, src, srcset, CSS
`url(...)` and `@import`) that stays on the site must resolve as GitHub Pages resolves it: under
the site's base path (site_url's path, docsite.config.site().base_path), a folder to its
index.html. A link's #anchor must name an id (or an <a name>) of the page it points to. URLs to
other hosts, `data:` and `mailto:` URLs are not this test's business (tests/test_site_build.py
checks that no page loads anything from another host).
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from docsite import config

# Attributes whose value is one URL; `srcset`-like ones hold a list of "URL [descriptor]".
URL_ATTRIBUTES = {"href", "src", "poster", "xlink:href"}
SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
LINK_ATTRIBUTES = {"href", "xlink:href"}  # the ones whose #anchor is checked
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


@dataclass
class Reference:
    url: str
    what: str  # how the file refers to it: 'href', 'src', 'url()', '@import', ...
    checks_anchor: bool = False


@dataclass
class ParsedHtml:
    references: list[Reference] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    base: str | None = None  # a <base href>, if the page has one


class _HtmlReader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedHtml()
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        page = self.page
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                page.ids.add(value)
            elif tag == "base" and name == "href" and page.base is None:
                page.base = value.strip()
            elif name in URL_ATTRIBUTES:
                page.references.append(Reference(value.strip(), name, name in LINK_ATTRIBUTES))
            elif name in SRCSET_ATTRIBUTES:
                for candidate in value.split(","):
                    if candidate.strip():
                        page.references.append(Reference(candidate.split()[0], name))
            elif name == "style":
                page.references += css_references(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.page.references += css_references(data)


def read_html(text: str) -> ParsedHtml:
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    return reader.page


def css_references(css: str) -> list[Reference]:
    css = CSS_COMMENT.sub("", css)
    found = [
        Reference(next(g for g in m.groups() if g is not None), "url()")
        for m in CSS_URL.finditer(css)
    ]
    found += [
        Reference(m[1] if m[1] is not None else m[2], "@import") for m in CSS_IMPORT.finditer(css)
    ]
    return found


def served_file(site: Path, base: str, path: str) -> Path | None:
    """The file GitHub Pages answers `path` (a URL path on the site's host) with, or None (a 404):
    only paths under the base are the site's; a folder is its index.html."""
    if not path.startswith(base):
        return None
    target = site / unquote(path[len(base) :])
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_urls(site: Path, site_url: str) -> list[str]:
    """'FILE: WHAT="URL": why' for every URL of the site's HTML and CSS files that stays on the
    site (relative, root-relative, or absolute on site_url's host) and does not resolve."""
    origin = urlsplit(site_url)
    base = config.base_path(site_url)
    root_url = f"{origin.scheme or 'https'}://{origin.netloc or 'site.invalid'}{base}"
    files = sorted(p for p in site.rglob("*") if p.suffix in (".html", ".css") and p.is_file())
    parsed: dict[Path, ParsedHtml] = {}

    def html_of(path: Path) -> ParsedHtml:
        if path not in parsed:
            parsed[path] = read_html(path.read_text(encoding="utf-8"))
        return parsed[path]

    problems = []
    for file in files:
        rel = file.relative_to(site).as_posix()
        if file.suffix == ".html":
            page = html_of(file)
            references, file_url = page.references, urljoin(root_url + rel, page.base or "")
        else:
            references = css_references(file.read_text(encoding="utf-8"))
            file_url = root_url + rel
        for ref in references:
            url = urljoin(file_url, ref.url)
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(root_url).netloc:
                continue  # data:, mailto:, javascript:, another host
            where = f"{rel}: {ref.what}={ref.url!r}"
            target = served_file(site, base, parts.path)
            if target is None:
                problems.append(f"{where}: {parts.path} is not a file of the site (a 404)")
            elif ref.checks_anchor and parts.fragment and target.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor != "top" and anchor not in html_of(target).ids:
                    shown = target.relative_to(site).as_posix()
                    problems.append(f"{where}: {shown} has no id={anchor!r}")
    return problems


def test_every_url_a_shipped_file_refers_to_on_the_site_resolves(built_site):
    site_url = config.site().site_url
    problems = broken_urls(built_site, site_url)
    assert not problems, (
        f"{len(problems)} URL(s) of the built site point at nothing it ships "
        f"(served under {config.base_path(site_url)}, as on GitHub Pages):\n" + "\n".join(problems)
    )


def test_the_url_check_reports_a_missing_font_a_broken_link_and_a_missing_anchor(tmp_path):
    """A tiny site with one of each fault, beside references that do resolve: exactly the faults
    are reported, each with its file and URL."""
    site_url = "https://example.github.io/project/"
    files = {
        "index.html": """<!doctype html><html><head>
            <link rel="stylesheet" href="assets/site.css">
            <link rel="canonical" href="https://example.github.io/project/">
            <link rel="icon" href="/favicon.ico">
            </head><body id="top-of-page">
            <a href="page/">ok</a> <a href="page/#here">ok</a> <a href="page">ok (redirects)</a>
            <a href="#top-of-page">ok</a> <a href="https://elsewhere.example/x">not ours</a>
            <a href="mailto:someone@example.com">mail</a>
            <img src="assets/logo.png" srcset="assets/logo.png 1x, assets/logo@2x.png 2x" alt="">
            <a href="missing/">broken</a> <a href="page/#nowhere">broken anchor</a>
            <span style="background: url('assets/logo.png')"></span>
            </body></html>""",
        "page/index.html": '<!doctype html><h2 id="here">Here</h2>',
        "assets/site.css": """/* url(commented-out.woff) is no reference */
            @font-face{font-family:F;src:url(fonts/f.woff2) format("woff2"),
            url(fonts/f.woff) format("woff")}
            .icon{background:url("data:image/svg+xml;charset=utf-8,<svg/>")}""",
        "assets/fonts/f.woff2": "",
        "assets/logo.png": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")

    assert broken_urls(tmp_path, site_url) == [
        "assets/site.css: url()='fonts/f.woff': /project/assets/fonts/f.woff is not a file of the "
        "site (a 404)",
        "index.html: href='/favicon.ico': /favicon.ico is not a file of the site (a 404)",
        "index.html: srcset='assets/logo@2x.png': /project/assets/logo@2x.png is not a file of "
        "the site (a 404)",
        "index.html: href='missing/': /project/missing/ is not a file of the site (a 404)",
        "index.html: href='page/#nowhere': page/index.html has no id='nowhere'",
    ]

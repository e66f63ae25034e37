"""Serve a built site on 127.0.0.1 as GitHub Pages serves a project site.

The site lives under the path of `site_url` (`/pytorch-in-one-hour/`), a missing page gets the
site's `404.html` with status 404, responses may be cached for 10 minutes and, with `gzip=True`,
text is sent compressed, as GitHub Pages does. A project site owns only its path: nothing outside
it is answered (`/favicon.ico` at the origin's root is a 404 too), so a page that asks for
anything there fails here as it would on GitHub Pages. Used by the browser tests and by
tools/benchmark_site.py; `python -m tools.serve_site SITE_DIR` serves a folder until Ctrl-C.
The path comes from mkdocs.yml's `site_url` (docsite.config.site().base_path).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import re
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml)|image/svg\+xml)")


def site_pages(site: Path) -> list[str]:
    """Every page of a built site, as paths relative to its root ('', 'part01-tensors/', …)."""
    pages = []
    for html_file in sorted(site.rglob("index.html")):
        rel = html_file.parent.relative_to(site).as_posix()
        if rel.split("/")[0] not in ("assets", "search"):
            pages.append("" if rel == "." else rel + "/")
    return pages


class _Handler(http.server.SimpleHTTPRequestHandler):
    base = "/"
    extra: dict[str, Path] = {}  # noqa: RUF012 (a class per server, made in SiteServer)
    gzip = False

    def log_message(self, format, *args):  # quiet
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def translate_path(self, path):
        path = unquote(urlsplit(path).path)
        if path in self.extra:
            return str(self.extra[path])
        if not path.startswith(self.base):
            return str(Path(self.directory) / ".not-in-the-site")
        return super().translate_path("/" + path[len(self.base) :])

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not urlsplit(self.path).path.endswith("/"):
            return super().send_head()  # redirects to the path with a slash
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return self._send(404, "text/html; charset=utf-8", self._404())
        content_type = self.guess_type(str(path))
        if not (self.gzip and COMPRESSIBLE.match(content_type)):
            return super().send_head()
        return self._send(200, content_type, path.read_bytes())

    def _404(self) -> bytes:
        page = Path(self.directory) / "404.html"
        return page.read_bytes() if page.is_file() else b"Not found"

    def _send(self, status: int, content_type: str, body: bytes):
        compress = self.gzip and COMPRESSIBLE.match(content_type)
        if compress:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that goes away mid-answer is no error of the server's: a browser drops the
        requests of a page it leaves (a favicon, a search index), and Lighthouse resets its
        connections. Anything else is printed, as the standard library does."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, broken pipe, aborted
            return
        super().handle_error(request, client_address)


class SiteServer:
    """Serve `site` on 127.0.0.1 (a free port, or `port`) under `base`, in a background thread.

    `extra` maps URL paths outside the site to files: test tooling only (the browser checker
    serves axe-core that way), never a stand-in for something GitHub Pages would not serve.
    """

    def __init__(
        self,
        site: Path,
        base: str = "/",
        *,
        gzip: bool = False,
        extra: dict[str, Path] | None = None,
        port: int = 0,
    ):
        handler = type("Handler", (_Handler,), {"base": base, "gzip": gzip, "extra": extra or {}})
        self._httpd = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
        self.site = Path(site)
        self.base = base
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.url = self.origin + base
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    def file_for(self, url: str) -> Path | None:
        """The file a same-origin URL is served from, or None when it would be a 404."""
        path = unquote(urlsplit(url).path)
        if not path.startswith(self.base):
            return None
        target = self.site / path[len(self.base) :]
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

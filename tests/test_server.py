"""The site's server (docsite/server.py), on what the browser tests' pages are served from."""

from __future__ import annotations

import contextlib
import socket
import struct
import time
import urllib.request

from docsite import server
from docsite.server import SiteServer


def _reset_mid_answer(origin: str, path: str) -> None:
    """Ask for `path`, then drop the connection with a reset before reading the answer, as a
    browser does with the requests of a page it leaves."""
    host, port = origin.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)))
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()


def test_a_client_leaving_mid_answer_is_not_reported_and_a_real_error_is(
    tmp_path, capfd, monkeypatch
):
    (tmp_path / "index.html").write_bytes(b"x" * 4_000_000)  # more than a socket's buffers
    with SiteServer(tmp_path, "/site/") as site:
        for _ in range(10):
            _reset_mid_answer(site.origin, "/site/")
        time.sleep(0.5)  # the server's threads answer, and fail to, after the clients left
        assert capfd.readouterr().err == ""

        def broken(self):
            raise RuntimeError("a bug in the handler")

        monkeypatch.setattr(server._Handler, "_404", broken)
        with contextlib.suppress(OSError):  # the answer never comes: the handler failed
            urllib.request.urlopen(site.url + "missing/", timeout=5)
        time.sleep(0.2)
        assert "RuntimeError: a bug in the handler" in capfd.readouterr().err

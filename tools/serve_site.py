"""Serve a built site on 127.0.0.1 as GitHub Pages serves it (docsite/server.py), until Ctrl-C.

python -m tools.serve_site SITE_DIR [--port 8000] [--gzip]
"""

from __future__ import annotations

import argparse
import contextlib
import threading
from pathlib import Path

from docsite import config
from docsite.server import SiteServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build --site-dir ...)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--gzip", action="store_true")
    args = parser.parse_args()
    base = config.site().base_path
    with SiteServer(args.site, base, gzip=args.gzip, port=args.port) as server:
        print(f"Serving {args.site} at {server.url} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()

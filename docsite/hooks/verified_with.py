"""MkDocs hook: the torch that verified the outputs (docs/verified-with.json, written by
`make update-outputs`), as `config.extra.verified_with` for the theme's footer (overrides/)."""

from __future__ import annotations

import json
from pathlib import Path


def on_config(config):
    recorded = Path(config.docs_dir) / "verified-with.json"
    if recorded.is_file():
        config.extra["verified_with"] = json.loads(recorded.read_text(encoding="utf-8"))
    return config

"""MkDocs hook: the torch that verified the outputs (docs/verified-with.json, written by
`make update-outputs`), as `config.extra.verified_with` for the theme's footer (overrides/)."""

from __future__ import annotations

from pathlib import Path

from docsite import verified


def on_config(config):
    record = verified.recorded(Path(config.docs_dir))
    if record:
        config.extra["verified_with"] = record
    return config

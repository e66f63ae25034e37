"""What the pages' outputs were verified against: the code of each executed block.

`make update-outputs` records, for every page it ran completely, one short hash per executed
block, in order (docs/verified-with.json, key "blocks"). A block whose code no longer hashes to
what was recorded at its position has outputs that were not produced by the code the page now
shows; `mkdocs serve` says so at the top of the page (docsite/hooks/stale_outputs.py).
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path

from docsite import config
from docsite.pages import Block, Page

KEY = "blocks"  # the record's key in docs/verified-with.json
HASH_LENGTH = 16  # hex digits of sha256 kept: short, and no accidental match in practice


def recorded(docs: Path = config.DOCS) -> dict:
    """docs/verified-with.json as `make update-outputs` last wrote it ({} if there is none): the
    torch, device and Python the outputs come from, and the "blocks" record."""
    path = docs / config.VERIFIED_WITH.name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def this_setup() -> dict:
    """What a run here verifies outputs with: this torch, on the CPU, under this Python."""
    import torch

    return {"torch": torch.__version__, "device": "cpu", "python": platform.python_version()}


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def record(pages: Iterable[Page]) -> dict[str, list[str]]:
    """Each page with code -> one hash per executed block, in the page's order."""
    return {page.name: [code_hash(b.code) for b in page.blocks] for page in pages if page.blocks}


def merged_record(
    pages: Iterable[Page], previous: Mapping[str, list[str]], docs: Path = config.DOCS
) -> dict[str, list[str]]:
    """`previous` with the entries of `pages` (those just verified) replaced; a page that was not
    run keeps its entry, one that no longer exists under `docs` is dropped. Sorted by page."""
    pages = list(pages)
    merged = {name: list(hashes) for name, hashes in previous.items() if (docs / name).is_file()}
    for page in pages:
        merged.pop(page.name, None)  # a page that has no code any more has no entry
    merged.update(record(pages))
    return dict(sorted(merged.items()))


def stale_blocks(page: Page, recorded: list[str] | None) -> list[Block]:
    """The page's blocks whose code is not the code its outputs were verified with: a different
    hash at the block's position, or no hash there (a new block, or a page never recorded)."""
    recorded = list(recorded or [])
    return [
        block
        for block in page.blocks
        if block.index >= len(recorded) or recorded[block.index] != code_hash(block.code)
    ]

"""What the pages' outputs were verified against: the code of each executed block, and the
helper files that code uses.

`make update-outputs` records, for every page it ran completely, one short hash per executed
block, in order (docs/verified-with.json, key "blocks"), and one per helper file the page's code
imports or reads, directly or through another helper (key "helpers": snippets/data.py,
snippets/texts/..., never a page's own module, whose sections are the blocks). A block whose
code no longer hashes to what was recorded at its position, or a helper whose content changed,
means outputs that were not produced by the code the page now runs; `mkdocs serve` says so at
the top of the page (docsite/hooks/stale_outputs.py).
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from docsite import config
from docsite.pages import Block, Page

KEY = "blocks"  # the record's key in docs/verified-with.json
HELPERS_KEY = "helpers"  # the helper files' record
NOT_HELPERS = {"__init__.py", "README.md"}  # files of snippets/ no page's code runs
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


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]


def helper_files() -> dict[str, Path]:
    """Each file of snippets/ that is not a page's own module, by its path from the project's
    root ('snippets/data.py', 'snippets/texts/as_you_like_it.txt')."""
    own = {config.module_path(path.name) for path in config.DOCS.glob("*.md")}
    found = {}
    for path in sorted(config.SNIPPETS.rglob("*")):
        name = path.relative_to(config.ROOT).as_posix()
        skip = name in own or path.name in NOT_HELPERS or "__pycache__" in path.parts
        if path.is_file() and not skip:
            found[name] = path
    return found


def _mentions(text: str, name: str) -> bool:
    """Does code mention the helper `name`: as a module ('snippets.data', also in `python -m`)
    or, for any other file, by its path under snippets/ ('texts/as_you_like_it.txt')?"""
    if name.endswith(".py"):
        dotted = name.removesuffix(".py").replace("/", ".")
        return re.search(rf"\b{re.escape(dotted)}\b", text) is not None
    return name.split("/", 1)[1] in text


def helpers_used(page: Page, helpers: dict[str, Path] | None = None) -> dict[str, Path]:
    """The helper files the page's blocks use, and those the helpers they use use in turn."""
    helpers = helper_files() if helpers is None else helpers
    texts = ["".join(block.code for block in page.blocks)]
    used: dict[str, Path] = {}
    while texts:
        text = texts.pop()
        for name, path in helpers.items():
            if name not in used and _mentions(text, name):
                used[name] = path
                if name.endswith(".py"):
                    texts.append(path.read_text(encoding="utf-8"))
    return dict(sorted(used.items()))


def helper_record(pages: Iterable[Page]) -> dict[str, dict[str, str]]:
    """Each page whose code uses helper files -> each such file's hash."""
    helpers = helper_files()
    found = {}
    for page in pages:
        used = helpers_used(page, helpers)
        if used:
            found[page.name] = {name: file_hash(path) for name, path in used.items()}
    return found


def record(pages: Iterable[Page]) -> dict[str, list[str]]:
    """Each page with code -> one hash per executed block, in the page's order."""
    return {page.name: [code_hash(b.code) for b in page.blocks] for page in pages if page.blocks}


def merged_record(
    pages: Iterable[Page], previous: Mapping, docs: Path = config.DOCS, of=record
) -> dict:
    """`previous` with the entries of `pages` (those just verified) replaced by `of(pages)`
    (`record` or `helper_record`); a page that was not run keeps its entry, one that no longer
    exists under `docs` is dropped. Sorted by page."""
    pages = list(pages)
    merged = {name: entry for name, entry in previous.items() if (docs / name).is_file()}
    for page in pages:
        merged.pop(page.name, None)  # a page that has no code (or helper) any more has no entry
    merged.update(of(pages))
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


def stale_helpers(page: Page, recorded: Mapping[str, str] | None) -> list[str]:
    """The helper files the page's code uses whose content is not what its outputs were verified
    with (or that were not recorded for it)."""
    recorded = recorded or {}
    return [
        name for name, path in helpers_used(page).items() if recorded.get(name) != file_hash(path)
    ]

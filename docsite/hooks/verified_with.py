"""MkDocs hook: which torch each page's outputs were verified with, from the records, never typed.

- `config.extra.verified_with`: the torch `make update-outputs` wrote the outputs with
  (docs/verified-with.json), for the theme's footer (overrides/).
- Right under that footer, on each page with code, the torch releases on which the page printed
  every output the same (run as one script and as its notebook), and those on which it prints
  something else or fails: docs/torch-versions.json, written only by `make test-torch`
  (docsite/torch_versions.py). An entry made before the page's code or outputs last changed
  says nothing.
- Under each block that a release prints otherwise (or fails in, or warns in), a collapsed note
  with what that release prints.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from docsite import pages as docpages
from docsite import torch_versions, verified

log = logging.getLogger(f"mkdocs.hooks.{__name__}")
FOOTER = re.compile(r'<p class="verified-with">.*?</p>', re.S)
_record: dict = {}
_claims: dict[str, torch_versions.Claims] = {}  # page (src_uri) -> what the record says of it


def on_config(config):
    record = verified.recorded(Path(config.docs_dir))
    if record:
        config.extra["verified_with"] = record
    return config


def on_pre_build(config) -> None:
    _claims.clear()
    _record.clear()
    _record.update(torch_versions.recorded(Path(config.docs_dir)))


def on_page_markdown(markdown: str, page, config, files) -> str:
    source = docpages.built_page(page, log, "torch versions")
    if source is None or not source.blocks:
        return markdown
    found = torch_versions.claims(source, _record)
    _claims[page.file.src_uri] = found
    notes = notes_by_line(source, found)
    if not notes:
        return markdown
    lines = markdown.split("\n")
    offset = len(source.lines) - len(markdown.splitlines())  # front matter MkDocs took off
    if offset < 0 or source.lines[offset:] != markdown.splitlines():
        log.warning(
            "torch versions: %s changed before this hook; its notes are not placed",
            page.file.src_uri,
        )
        return markdown
    for page_line in sorted(notes, reverse=True):  # from the bottom: earlier lines stay put
        at = page_line - offset  # the 0-based index right after the block's last line
        lines[at:at] = notes[page_line]
    return "\n".join(lines)


KINDS = {  # what a release did in a block -> the note's type and what its title says
    "output": ("note", "this block prints"),
    "stderr": ("warning", "this block writes to stderr"),
    "error": ("failure", "this block fails"),
}


def notes_by_line(page: docpages.Page, found: torch_versions.Claims) -> dict[int, list[str]]:
    """Page line (1-based, as written) of each block's last line -> the notes to put after it:
    for what a release prints otherwise there, writes to stderr or fails with, one note each,
    naming every release that does exactly that."""
    said: dict[tuple[int, str, str], list[str]] = {}  # (block, kind, text) -> releases
    entries = {**found.different, **found.failing}
    for version in sorted(entries, key=torch_versions.version_key):
        entry = entries[version]
        items = list(entry.get("blocks", []))
        first = entry.get("first_difference") or {}
        if not items and entry["result"] == torch_versions.ERROR and "index" in first:
            items = [{**first, "error": torch_versions.last_line(entry.get("error", ""))}]
        for item in items:
            if item["index"] >= len(page.blocks):
                continue
            for kind in KINDS:
                if kind in item and (kind == "output" or item[kind]):
                    said.setdefault((item["index"], kind, item[kind]), []).append(version)
    notes: dict[int, list[str]] = {}
    for (index, kind, text), versions in said.items():
        last, indent = _block_end(page, page.blocks[index])
        notes.setdefault(last, []).extend(_note(versions, kind, text, indent))
    return notes


def _block_end(page: docpages.Page, block: docpages.Block) -> tuple[int, str]:
    """The page line of the block's last line (its output's closing fence, if it has one) and
    the indentation of its fence."""
    if block.output_fence is not None:
        opening, closing = block.output_fence
    else:
        opening = block.fence_line - 1
        closing = docpages.closing_fence(page.expanded, opening)
    text = page.expanded[opening]
    return page.origins[closing].page_line, text[: len(text) - len(text.lstrip())]


def _note(versions: list[str], kind: str, text: str, indent: str) -> list[str]:
    """A collapsed note, indented as the block is."""
    admonition, says = KINDS[kind]
    title = f"On torch {', '.join(versions)} {says}"
    ticks = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", text)), default=0))
    body = text.rstrip("\n").split("\n") if text.strip() else ["(nothing)"]
    lines = ["", f'{indent}??? {admonition} "{title}"', "", f"{indent}    {ticks}text"]
    lines += [f"{indent}    {line}" if line.strip() else "" for line in body]
    return [*lines, f"{indent}    {ticks}", ""]


def footer(found: torch_versions.Claims) -> str:
    """The sentences under the theme's footer: where the outputs were verified the same, and
    where not."""
    said = []
    if found.same:
        said.append(
            f"Same outputs on torch {', '.join(found.same)}: on "
            f"{'each' if len(found.same) > 1 else 'it'}, the page run as one script in a new "
            "Python process, and as its notebook, printed every output above byte for byte "
            "(<code>make test-torch</code>)."
        )
    # Releases that did the same thing are named together.
    grouped: dict[str, list[str]] = {}
    for version, entry in found.different.items():
        if entry.get("blocks"):
            what = "some blocks print something else: shown under each of them"
        else:
            what = f"it {html.escape(torch_versions.summary(entry, lines=False))}"
        grouped.setdefault(what, []).append(version)
    for version, entry in found.failing.items():
        message = html.escape(torch_versions.message(entry).rstrip(":"))
        if entry.get("stderr_only"):
            what = f"a block also writes a warning to stderr ({message})"
        else:
            what = f"the page does not run as shown ({message})"
        grouped.setdefault(what, []).append(version)
    for what, versions in grouped.items():
        said.append(f"On torch {', '.join(versions)} {what}.")
    if not said:
        return ""
    return f'<p class="torch-versions"><small>{" ".join(said)}</small></p>'


def on_post_page(output: str, page, config) -> str:
    found = _claims.get(page.file.src_uri)
    if found is None:
        return output
    text = footer(found)
    if not text:
        return output
    match = FOOTER.search(output)
    if match is None:
        log.warning(
            "torch versions: %s has no verified-with footer to put them under", page.file.src_uri
        )
        return output
    return output[: match.end()] + text + output[match.end() :]

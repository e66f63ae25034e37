"""MkDocs hook, `mkdocs serve` only: a banner at the top of a page whose code changed since its
outputs were verified (the record `make update-outputs` writes: docs/verified-with.json, keys
"blocks" and "helpers", docsite/verified.py), naming each such block, where its code comes from,
each changed helper file the page's code uses, each value the prose states from such a block's
output (docsite/prose.py), and the command that refreshes the outputs.

A writer who edits a snippet sees at once, on the served page, that the outputs under it are the
old code's. `mkdocs build` (and `gh-deploy`, and `serve --clean`, which MkDocs starts as a build)
never shows it: there a stale page fails the tests, which compare every output with a real run.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from docsite import config as site_config
from docsite import pages as docpages
from docsite import prose, verified
from docsite.page_html import after_title

log = logging.getLogger(f"mkdocs.hooks.{__name__}")
_serving = False  # set once, at start-up: hooks are loaded once per `mkdocs` invocation
_recorded: dict | None = None  # the record, re-read before every (re)build


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_pre_build(config) -> None:
    global _recorded
    _recorded = None
    if not _serving:
        return
    if Path(config.docs_dir).resolve() != site_config.DOCS.resolve():
        log.warning(
            "stale outputs: not checked, docsite is imported from %s, not from this project "
            "(run `python -m mkdocs serve` from the project's root)",
            site_config.ROOT,
        )
        return
    _recorded = verified.recorded(Path(config.docs_dir))
    if verified.KEY not in _recorded:
        _recorded = None


def on_page_content(content: str, page, config, files) -> str:
    source = None if _recorded is None else docpages.built_page(page, log, "stale outputs")
    if source is None:
        return content
    stale = verified.stale_blocks(source, _recorded[verified.KEY].get(source.name))
    helpers = verified.stale_helpers(
        source, _recorded.get(verified.HELPERS_KEY, {}).get(source.name)
    )
    if not stale and not helpers:
        return content
    return after_title(content, banner(stale, helpers, stated_from(source, stale)))


def stated_from(page: docpages.Page, stale: list[docpages.Block]) -> list[prose.Binding]:
    """The values the page's prose states from the output of a changed block."""
    try:
        bindings, _ = prose.parse(page)
    except prose.BindingError:
        return []  # the tests name a malformed marker; the banner lists what it can
    indices = {block.index for block in stale}
    stated = []
    for binding in bindings:
        try:
            if binding.block().index in indices:
                stated.append(binding)
        except prose.BindingError:
            continue
    return stated


def banner(
    stale: list[docpages.Block], helpers: list[str] = (), stated: list[prose.Binding] = ()
) -> str:
    """A Material warning admonition, announced politely to screen readers (role="status")."""
    items = "".join(f"<li>{_describe(block)}</li>" for block in stale)
    items += "".join(
        f"<li><code>{html.escape(name)}</code>, which this page's code uses</li>"
        for name in helpers
    )
    items += "".join(
        f"<li>the value {html.escape(b.literal)} stated in the text at "
        f"<code>{html.escape(b.where)}</code>, from the output of "
        f"<code>{html.escape(b.section)}</code></li>"
        for b in stated
    )
    if helpers:
        lead = "Code this page runs changed since its outputs were verified"
        since = "from its first use on"
    elif len(stale) == 1:
        lead = "One code block on this page changed since its output was verified"
        since = "from that block on"
    else:
        lead = f"{len(stale)} code blocks on this page changed since their outputs were verified"
        since = "from the first of them on"
    command = html.escape(site_config.UPDATE_COMMAND)
    return (
        '<div class="admonition warning stale-outputs" role="status">'
        '<p class="admonition-title">Outputs not verified for this code</p>'
        f"<p>{lead}, so the outputs {since} may not be what the code prints now:</p>"
        f"<ul>{items}</ul>"
        f"<p>Run <code>{command}</code> to run the pages again and refresh their outputs. "
        "(Shown by <code>mkdocs serve</code> only: in <code>mkdocs build</code> a stale page "
        "fails the tests.)</p>"
        "</div>"
    )


def _describe(block: docpages.Block) -> str:
    where = f"<code>{html.escape(block.page.relpath)}:{block.page_line}</code>"
    origin = next((o for o in block.origins if o.source is not None), None)
    if origin is None:
        return f"block {block.index + 1}, {where}"
    source = origin.source.relative_to(site_config.ROOT).as_posix()
    section = f":{origin.section}" if origin.section else ""
    return (
        f"block {block.index + 1}, {where}: code from "
        f"<code>{html.escape(source)}{html.escape(section)}</code> "
        f"(line {origin.source_line})"
    )

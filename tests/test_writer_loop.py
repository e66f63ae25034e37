"""The writer's loop: `make serve` (`python -m mkdocs serve`) rebuilds when a snippet a page
includes changes, and while serving, a page whose code changed since its outputs were verified
says so at its top (docsite/hooks/stale_outputs.py), until `make update-outputs` verifies them
again. `mkdocs build` never shows that banner: there a stale page fails tests/test_pages.py.

Shown on a scratch copy of the project, served on a free port; the record the banner compares
with (docs/verified-with.json, keys "blocks" and "helpers") is checked against every page here too.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from docsite import config, prose, verified
from docsite import pages as docpages
from tests.scratch_project import ENV, copy_project, run_module, run_pytest

PAGE = "part01-tensors.md"  # a short page; its snippet module's one printed label is changed
SNIPPET = config.module_path(PAGE)
HELPER = "snippets/exercises.py"  # a helper file the page's code imports
OLD_LINE = 'print("requires_grad on int64:", error)'
NEW_LINE = 'print("requires_grad on int64 (edited while serving):", error)'
MARKER = "(edited while serving)"
BANNER_TITLE = "Outputs not verified for this code"
WAIT_S = 120  # for one rebuild to show; each takes a few seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _serving(project: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """`python -m mkdocs serve` in `project`: the site's URL, and a function returning its log."""
    port = _free_port()
    log = project.parent / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )

    def tail() -> str:
        return log.read_text(encoding="utf-8", errors="replace")[-3000:]

    try:
        yield f"http://127.0.0.1:{port}{config.site().base_path}", tail
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _page(html: str) -> SimpleNamespace:
    """What a reader sees of a page: its code blocks, its output blocks and its banner."""
    soup = BeautifulSoup(html, "html.parser")
    code, outputs = [], []
    for block in soup.select("article div.highlight"):
        title = block.select_one(".filename")
        text = block.find("code").get_text()
        (outputs if title is not None and title.get_text() == "Output" else code).append(text)
    banners = [
        admonition
        for admonition in soup.select("article .admonition")
        if BANNER_TITLE in admonition.get_text()
    ]
    return SimpleNamespace(code="\n".join(code), outputs="\n".join(outputs), banners=banners)


def _wait_for(url: str, done: Callable[[SimpleNamespace], bool], what: str, log) -> SimpleNamespace:
    deadline = time.monotonic() + WAIT_S
    seen = None
    while time.monotonic() < deadline:
        html = _fetch(url)
        if html is not None:
            seen = _page(html)
            if done(seen):
                return seen
        time.sleep(0.3)
    state = "never served" if seen is None else f"banners: {[b.get_text() for b in seen.banners]}"
    raise AssertionError(f"{url}: {what} not within {WAIT_S} s ({state})\nserver log:\n{log()}")


@pytest.mark.runs_long
def test_the_served_site_picks_up_a_snippet_change_and_flags_its_stale_outputs(tmp_path):
    """Serve a copy; edit one line of a snippet its page includes; the served page shows the new
    code and a banner naming the block, where its code comes from and the command; `mkdocs build`
    of that stale copy shows no banner; the update command makes the banner go and the new
    output appear."""
    project = copy_project(tmp_path / "project", notebooks=False)
    snippet = project / SNIPPET
    source = snippet.read_text(encoding="utf-8")
    assert source.count(OLD_LINE) == 1, f"{SNIPPET} no longer has {OLD_LINE!r}: pick another line"
    block = next(b for b in docpages.load_page(config.DOCS / PAGE).blocks if OLD_LINE in b.code)

    with _serving(project) as (site, log):
        url = site + config.site_path(PAGE)
        fresh = _wait_for(url, lambda page: "requires_grad" in page.code, "the page", log)
        assert not fresh.banners, (
            f"{PAGE} is flagged as stale before any edit: run `{config.UPDATE_COMMAND}`"
        )

        # (b) one line of the snippet changed: the served page shows it, with the banner.
        snippet.write_text(source.replace(OLD_LINE, NEW_LINE), encoding="utf-8")
        stale = _wait_for(url, lambda page: MARKER in page.code, "the changed snippet", log)
        assert MARKER not in stale.outputs  # the output is still the old code's
        assert len(stale.banners) == 1, [b.get_text() for b in stale.banners]
        banner = stale.banners[0]
        assert banner.get("role") == "status" and "warning" in banner.get("class", [])
        listed = [item.get_text(" ", strip=True) for item in banner.select("li")]
        # Only the changed block, then each value the prose states from its output.
        stated = [
            b
            for b in prose.parse(docpages.load_page(config.DOCS / PAGE))[0]
            if b.section == block.section
        ]
        assert len(listed) == 1 + len(stated), listed
        assert all(item.startswith("the value ") for item in listed[1:]), listed
        assert f"docs/{PAGE}:{block.page_line}" in listed[0], listed
        assert f"{SNIPPET}:{block.section}" in listed[0], listed
        assert config.UPDATE_COMMAND in banner.get_text(), banner.get_text()
        # Right under the page's title; a page whose code did not change has none.
        assert banner.find_previous_sibling().name == "h1"
        intro = _fetch(site)
        assert intro is not None and "highlight" in intro and not _page(intro).banners

        # (b2) a helper file the page's code imports changes: the banner names it too.
        helper = project / HELPER
        helper.write_text(helper.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        both = _wait_for(
            url,
            lambda page: (
                len(page.banners) == 1 and len(page.banners[0].select("li")) == len(listed) + 1
            ),
            f"the banner naming {HELPER} too",
            log,
        )
        named = both.banners[0].select("li")[1].get_text(" ", strip=True)
        assert named == f"{HELPER} , which this page's code uses", named

        # (d) `mkdocs build` of the stale copy: the new code, and no banner.
        built = tmp_path / "built"
        build = run_module(project, "mkdocs", "build", "--site-dir", str(built))
        assert build.returncode == 0, build.stderr[-3000:]
        page = _page((built / config.site_path(PAGE) / "index.html").read_text(encoding="utf-8"))
        assert MARKER in page.code and not page.banners
        footer = (built / config.site_path(PAGE) / "index.html").read_text(encoding="utf-8")
        assert 'class="verified-with"' in footer  # still read from docs/verified-with.json

        # (c) the update command runs the page again: the banner goes, the new output shows.
        update = run_pytest(project, "--update-outputs", select=PAGE.removesuffix(".md"))
        assert update.returncode == 0, update.stdout[-3000:] + update.stderr[-3000:]
        _wait_for(
            url,
            lambda page: not page.banners and MARKER in page.outputs,
            "the page verified again (no banner, the new output)",
            log,
        )
    record = json.loads((project / "docs/verified-with.json").read_text(encoding="utf-8"))
    new_code = block.code.replace(OLD_LINE, NEW_LINE)
    assert record[verified.KEY][PAGE][block.index] == verified.code_hash(new_code)
    assert record[verified.HELPERS_KEY][PAGE][HELPER] == verified.file_hash(project / HELPER)


def test_the_committed_record_matches_every_page():
    """docs/verified-with.json records the code every page's outputs were verified with, so a
    served page is flagged only once someone changes its code."""
    record = verified.recorded()
    recorded = record.get(verified.KEY)
    assert recorded is not None, f"no record of the verified code: run `{config.UPDATE_COMMAND}`"
    problems = [
        f"{block.where()} changed since its output was verified"
        for page in docpages.pages_with_code()
        for block in verified.stale_blocks(page, recorded.get(page.name))
    ]
    problems += [
        f"docs/{name} is recorded but has no code"
        for name in sorted(set(recorded) - {p.name for p in docpages.pages_with_code()})
    ]
    helpers = record[verified.HELPERS_KEY]
    problems += [
        f"{name}, which docs/{page.name}'s code uses, changed since its outputs were verified"
        for page in docpages.pages_with_code()
        for name in verified.stale_helpers(page, helpers.get(page.name))
    ]
    assert not problems, "\n".join(problems) + f"\nrun `{config.UPDATE_COMMAND}`"


def _fake_page(name: str, *codes: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, blocks=[SimpleNamespace(code=c) for c in codes])


def test_the_record_keeps_pages_not_run_and_drops_pages_gone(tmp_path):
    for name in ("kept.md", "ran.md", "now-without-code.md"):
        (tmp_path / name).write_text("# A page\n", encoding="utf-8")
    previous = {"kept.md": ["k"], "ran.md": ["old"], "gone.md": ["g"], "now-without-code.md": ["n"]}
    merged = verified.merged_record(
        [_fake_page("ran.md", "print(1)\n"), _fake_page("now-without-code.md")],
        previous,
        docs=tmp_path,
    )
    assert merged == {"kept.md": ["k"], "ran.md": [verified.code_hash("print(1)\n")]}


def test_a_block_is_stale_when_its_code_or_position_is_not_the_recorded_one():
    page = docpages.load_page(config.DOCS / PAGE)
    hashes = verified.record([page])[PAGE]
    assert verified.stale_blocks(page, hashes) == []
    assert verified.stale_blocks(page, None) == page.blocks  # never verified
    assert verified.stale_blocks(page, hashes[:-1]) == page.blocks[-1:]  # a block added
    changed = [*hashes[:2], "0" * len(hashes[2]), *hashes[3:]]
    assert verified.stale_blocks(page, changed) == [page.blocks[2]]


def test_the_helpers_a_page_uses_are_found_through_imports_commands_and_file_names():
    pages = {page.name: page for page in docpages.pages_with_code()}
    # `python -m snippets.ddp_worker` in a block, and snippets.data imported by that worker:
    assert list(verified.helpers_used(pages["further03-more-processes.md"])) == [
        "snippets/data.py",
        "snippets/ddp_worker.py",
    ]
    # a text read by its path under the package:
    assert "snippets/texts/as_you_like_it.txt" in verified.helpers_used(
        pages["further01-tiny-gpt.md"]
    )
    # never a page's own module (its sections are the blocks), never the package's __init__:
    every = verified.helper_files()
    assert not {config.module_path(name) for name in pages} & every.keys()
    assert "snippets/__init__.py" not in every


def test_a_page_is_stale_when_a_helper_it_uses_changed():
    page = docpages.load_page(config.DOCS / PAGE)
    hashes = verified.helper_record([page])[PAGE]
    assert list(hashes) == [HELPER]
    assert verified.stale_helpers(page, hashes) == []
    assert verified.stale_helpers(page, None) == [HELPER]  # never recorded
    assert verified.stale_helpers(page, {HELPER: "0" * len(hashes[HELPER])}) == [HELPER]

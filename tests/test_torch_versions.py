"""The pages on other torch releases (docsite/torch_versions.py, `make test-torch TORCH=...`).

The matrix itself runs outside `make test` (each release needs its own environment); here: the
record (docs/torch-versions.json) covers every page with code on the pinned torch and is current,
each page's footer in the built site names exactly the releases the record says print the same
outputs, a release that prints something else is reported with the block's page line and shown
under that block on the page, and a warning on stderr fails a release's run. Each check is also
shown failing, on a modified record or a scratch copy.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest

from docsite import config, torch_versions
from docsite import pages as docpages
from tests.scratch_project import copy_project, run_module

PAGES = list(docpages.pages_with_code())
PINNED = torch_versions.pinned_torch()
FOOTER = re.compile(r'<p class="torch-versions"><small>(?P<text>.*?)</small></p>', re.S)
SAME = re.compile(r"Same outputs on torch (?P<versions>[^:]+):")


# --- the record covers every page on the pinned torch ----------------------------------------


def test_the_record_covers_every_page_with_code_on_the_pinned_torch():
    problems = torch_versions.problems(torch_versions.recorded(), PAGES, PINNED)
    assert not problems, "\n".join(problems)


def test_the_coverage_check_names_a_missing_a_stale_and_a_failing_page():
    record = copy.deepcopy(torch_versions.recorded())
    entries = record.setdefault("versions", {}).setdefault(PINNED, {}).setdefault("pages", {})
    missing, stale, failing = PAGES[:3]
    entries.pop(missing.name, None)
    entries[stale.name] = {"fingerprint": "0" * 16, "result": "same"}
    entries[failing.name] = {
        "fingerprint": torch_versions.fingerprint(failing),
        "result": "error",
        "error": "Traceback ...\nAttributeError: no such thing",
        "first_difference": {"line": failing.blocks[0].page_line},
    }
    problems = "\n".join(torch_versions.problems(record, PAGES, PINNED))
    assert f"{missing.relpath}: no run on the pinned torch {PINNED}" in problems
    assert f"{stale.relpath}: its entry for torch {PINNED} is stale" in problems
    assert f"make test-torch TORCH={PINNED}" in problems
    assert (
        f"{failing.relpath}: on the pinned torch {PINNED} the record says 'error': fails at line "
        f"{failing.blocks[0].page_line}: AttributeError: no such thing"
    ) in problems
    assert len(torch_versions.problems({"versions": {}}, PAGES, PINNED)) == len(PAGES)


# --- the footer of the built site shows exactly the record's releases ------------------------


def shown_releases(html: str) -> list[str] | None:
    """The releases a built page's footer says print the same outputs (None: no such footer)."""
    footer = FOOTER.search(html)
    if footer is None:
        return None
    same = SAME.search(footer["text"])
    return same["versions"].split(", ") if same else []


def footer_problems(site: Path, record: dict) -> list[str]:
    problems = []
    for page in docpages.pages():
        html = (site / config.site_path(page.name) / "index.html").read_text(encoding="utf-8")
        shown = shown_releases(html)
        wanted = torch_versions.claims(page, record).same if page.blocks else []
        if (shown or []) != wanted:
            problems.append(f"{page.relpath}: the footer shows {shown}, the record says {wanted}")
    return problems


def test_each_footer_names_exactly_the_releases_the_record_verified(built_site):
    record = torch_versions.recorded()
    problems = footer_problems(built_site, record)
    assert not problems, "\n".join(problems)


def test_the_footer_check_fails_against_another_record(built_site):
    record = copy.deepcopy(torch_versions.recorded())
    page = PAGES[0]
    entries = record.setdefault("versions", {}).setdefault("2.99.0", {}).setdefault("pages", {})
    entries[page.name] = {"fingerprint": torch_versions.fingerprint(page), "result": "same"}
    problems = footer_problems(built_site, record)
    assert len(problems) == 1 and problems[0].startswith(page.relpath), problems
    assert "2.99.0" in problems[0]


# --- a release that prints something else: reported, and shown on the page --------------------


def _output_lines(page: docpages.Page, block: docpages.Block) -> tuple[int, int]:
    """Page lines (1-based, as written) of the block's output fence: opening, closing."""
    opening, closing = block.output_fence
    return page.origins[opening].page_line, page.origins[closing].page_line


@pytest.mark.runs_long
def test_a_release_that_prints_otherwise_is_reported_at_the_blocks_line_and_shown(tmp_path):
    """A scratch copy whose page shows, for one block, an output this torch does not print: as
    if the release under test (this environment's torch, standing in for another) printed
    something else. The command reports the block's page line and a diff, records what this
    torch printed, and the built page shows it in a note under that block's output."""
    page = next(p for p in PAGES if p.name == "part03-math.md")
    block = next(b for b in page.blocks if b.expected and not b.optional)
    project = copy_project(tmp_path / "project", tests=False, notebooks=False)
    for other in (project / "docs").glob("*.md"):  # one page: a short run, a short build
        if other.name != page.name:
            other.unlink()
    opening, _ = _output_lines(page, block)
    shown = page.lines[opening]  # the output's first line, as the page shows it
    written = (project / page.relpath).read_text(encoding="utf-8").splitlines(keepends=True)
    assert written[opening] == shown + "\n"
    written[opening] = shown + " (printed by another torch)\n"
    (project / page.relpath).write_text("".join(written), encoding="utf-8")

    run = run_module(
        project,
        "tools.test_torch",
        "--python",
        sys.executable,
        "--page",
        page.name,
        "--record-only",
        timeout=600,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{page.relpath}:{block.page_line}" in run.stdout, run.stdout
    assert f"-{shown} (printed by another torch)\n+{shown}\n" in run.stdout, run.stdout

    record = json.loads((project / "docs" / torch_versions.RECORD_NAME).read_text("utf-8"))
    entry = record["versions"][PINNED]["pages"][page.name]
    assert entry["result"] == "different"
    assert entry["first_difference"]["line"] == block.page_line
    assert entry["blocks"] == [
        {
            "line": block.page_line,
            "index": block.index,
            "where": block.where(),
            "output": block.expected,
        }
    ]

    site = tmp_path / "site"
    build = run_module(project, "mkdocs", "build", "--site-dir", str(site))
    assert build.returncode == 0, build.stderr
    assert "torch versions:" not in build.stderr, build.stderr  # the hook's own warnings
    html = (site / config.site_path(page.name) / "index.html").read_text(encoding="utf-8")
    title = f"On torch {PINNED} this block prints"
    assert html.count(title) == 1, "no note (or more than one) under the block"
    typed = html.index("(printed by another torch)")
    note = html.index(title)
    assert typed < note, "the note is not under the block's output"
    assert html.index(block.expected.splitlines()[-1], note) > note
    footer = FOOTER.search(html)["text"]
    assert f"On torch {PINNED} some blocks print something else" in footer, footer
    assert PINNED not in (shown_releases(html) or []), footer


# --- a warning on stderr fails the release's run ---------------------------------------------


def test_a_warning_on_stderr_fails_the_release(tmp_path):
    """The command's page run, with this environment's Python as the side environment, on a
    page whose code ends with a block that warns (as a deprecation warning of a newer torch
    would): the page's outputs are all printed, and the run is still an error, naming the
    block's page line and the warning."""
    page = min(PAGES, key=lambda p: len(p.blocks))
    text = page.path.read_text(encoding="utf-8")
    warn = 'warnings.warn("old_api is deprecated", FutureWarning)'
    added = f"```python\nimport warnings\n\n{warn}\n```\n"
    variant = docpages.load_page(page.path, text=f"{text.rstrip()}\n\n{added}")
    warner = variant.blocks[-1]
    assert "warnings.warn" in warner.code

    entry = torch_versions.check_page(variant, Path(sys.executable), "this python", notebook=False)
    assert entry["result"] == "error", entry
    assert "printed on stderr" in entry["error"] and "FutureWarning" in entry["error"]
    assert entry["first_difference"]["line"] == warner.page_line
    assert torch_versions.summary(entry) == (
        f"writes to stderr at line {warner.page_line}: FutureWarning: old_api is deprecated"
    )

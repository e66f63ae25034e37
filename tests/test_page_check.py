"""`python -m tools.check_page PAGE`, the writer's one-page check (docsite/page_check.py): quiet
on a page as committed, and naming the page line and a diff when an output was typed wrong."""

from __future__ import annotations

from docsite import config, page_check
from docsite.pages import load_page

PAGE = "part01-tensors.md"


def test_a_page_as_committed_has_no_problem_and_a_typed_output_is_named():
    assert page_check.find("part01").name == PAGE
    text = (config.DOCS / PAGE).read_text(encoding="utf-8")
    assert page_check.problems(load_page(config.DOCS / PAGE)) == []
    broken = load_page(config.DOCS / PAGE, text.replace("torch.int64\n", "torch.int32\n", 1))
    found = page_check.problems(broken)
    assert len(found) == 1 and f"docs/{PAGE}:" in found[0], found
    assert "-torch.int32\n+torch.int64" in found[0], found[0]

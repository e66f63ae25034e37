"""The equalities the "Going further" pages print are checked by the suite: broken on a scratch
copy of the project, the page's comparison prints something else and the suite fails, naming the
page line and showing the diff.

docs/further01-tiny-gpt.md builds causal self-attention and cross-entropy from tensors and prints
that each matches PyTorch's own function (`scaled_dot_product_attention`, `F.cross_entropy`).
"""

from __future__ import annotations

from docsite import config
from docsite import pages as docpages
from tests.scratch_project import copy_project, replace_once, run_pytest

TINY_GPT = config.DOCS / "further01-tiny-gpt.md"
TINY_GPT_MODULE = "snippets/further01_tiny_gpt.py"
FIRST_UNTESTED_SECTION = "\n## The text and its vocabulary\n"  # the page is cut here: fast


def _block(page: docpages.Page, section: str) -> docpages.Block:
    return next(block for block in page.blocks if block.section == section)


def test_a_broken_attention_or_cross_entropy_fails_the_page_naming_its_line(tmp_path):
    page = docpages.load_page(TINY_GPT)
    attention, cross_entropy = _block(page, "attention-sdpa"), _block(page, "cross-entropy")

    project = copy_project(tmp_path)
    module = project / TINY_GPT_MODULE
    # The causal mask one diagonal off: each token no longer sees itself (the first sees nothing).
    replace_once(module, "diagonal=1)", "diagonal=0)")
    # The hand-made cross-entropy summed over the positions instead of averaged.
    replace_once(module, "loss = -picked.mean()", "loss = -picked.sum()")
    # Only the page's first sections run: the model and its training are cut off.
    copy = project / page.relpath
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text[: text.index(FIRST_UNTESTED_SECTION) + 1], encoding="utf-8")

    run = run_pytest(project, select="further01")
    report = run.stdout + run.stderr
    assert run.returncode == 1, report
    for block, printed in [
        (attention, "max difference below 1e-6: "),
        (cross_entropy, "difference below 1e-6: "),
    ]:
        # The line and section are the real page's: the edits above change no line numbers.
        assert f"{block.where()}: the page's output differs from a real run on cpu" in report
        assert f"\n-{printed}True\n+{printed}False\n" in report, report

"""Every write of `--update-outputs` (`make update-outputs`), in one place: the pages' output
blocks, the files their code writes (docs/generated/), docs/verified-with.json and the notebooks.

Called once, at the end of a test session that ran the pages (tests/conftest.py), with the runs.
"""

from __future__ import annotations

from docsite.pages import OUTPUT_FENCE, OUTPUT_MARKER, Page, closing_fence


def rewrite_outputs(page: Page, outputs: list[str]) -> str:
    """The page's text with every output block replaced by (or given) the output of a real run."""
    lines = list(page.lines)
    edits: list[tuple[int, int, list[str]]] = []  # 0-based [start, end) in the page as written
    for block, output in zip(page.blocks, outputs, strict=True):
        body = output.rstrip("\n").split("\n") if output else []
        if block.output_fence is not None:
            opening, closing = (page.origins[i].page_line - 1 for i in block.output_fence)
            indent = lines[opening][: len(lines[opening]) - len(lines[opening].lstrip())]
            if not body:  # the block prints nothing any more: drop the marker and the output
                marker = max(i for i in range(opening) if lines[i].strip() == OUTPUT_MARKER)
                edits.append((marker, closing + 1, []))
            else:
                edits.append((opening + 1, closing, [indent + b if b else "" for b in body]))
        elif body:
            code_close = closing_fence(page.expanded, block.fence_line - 1)
            after = page.origins[code_close].page_line  # 1-based -> insert after it
            indent = lines[after - 1][: len(lines[after - 1]) - len(lines[after - 1].lstrip())]
            new = ["", indent + OUTPUT_MARKER, indent + OUTPUT_FENCE]
            new += [indent + b if b else "" for b in body] + [indent + "```"]
            edits.append((after, after, new))
    for start, end, replacement in sorted(edits, reverse=True):
        lines[start:end] = replacement
    return "\n".join(lines) + "\n"

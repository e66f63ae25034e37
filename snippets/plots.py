"""Save matplotlib figures so that the same data always gives the same bytes."""

from __future__ import annotations

from pathlib import Path


def save_figure(fig, filename: str) -> Path:
    """Write `fig` as SVG into the current directory and close it.

    The test suite runs each page in a scratch directory and compares every file a page writes
    with the copy under ``docs/generated/<page>/``; no date and a fixed hash salt keep it stable.
    """
    import matplotlib.pyplot as plt

    path = Path(filename)
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path

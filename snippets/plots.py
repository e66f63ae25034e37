"""Save matplotlib figures so that the same data always gives the same bytes."""

from pathlib import Path

# SVG settings that make the file a function of the figure alone: without a fixed salt, the
# element ids are random on every run; with fonttype "none" text stays text (smaller, diffable).
SVG_SETTINGS = {"svg.hashsalt": "pytorch-in-one-hour", "svg.fonttype": "none"}


def save_figure(fig, filename: str) -> None:
    """Write `fig` as SVG into the current directory and close it (so Jupyter does not also
    draw it under the cell).

    The test suite runs each page in a scratch directory and compares every file a page writes
    with the copy under ``docs/generated/<page>/``; no date and a fixed hash salt keep it stable.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    path = Path(filename)
    with matplotlib.rc_context(SVG_SETTINGS):
        fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)  # returns None, so a notebook cell ending with this call shows nothing

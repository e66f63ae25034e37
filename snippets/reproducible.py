"""Everything that makes a page print the same bytes on every run, in one place.

The test suite calls `configure()` before each page, and every notebook's first cell does too,
so a page never inherits state (seed, default device, grad mode, print options) from another.
"""

from __future__ import annotations

import os
import random

import torch

SEED = 0


def configure(device: str = "cpu") -> None:
    """Reset torch's global state to the documented defaults and seed every generator."""
    # cuBLAS needs this to honour use_deterministic_algorithms; it must be set before CUDA starts.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(SEED)
    torch.manual_seed(SEED)  # seeds the CPU and every CUDA generator
    torch.set_default_dtype(torch.float32)
    torch.set_default_device(device)
    torch.set_grad_enabled(True)
    # Explicitly the library defaults, so a page that changes them cannot leak into the next.
    torch.set_printoptions(profile="default")
    # Same kernels, same order of floating-point additions, on every run.
    torch.use_deterministic_algorithms(True, warn_only=False)
    torch.backends.cudnn.benchmark = False
    try:
        import matplotlib
    except ImportError:  # the plots are optional for a reader who only wants the code
        return
    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "pytorch-in-one-hour",  # stable element ids in SVG output
            "svg.fonttype": "none",  # text stays text: smaller, diffable files
        }
    )

"""Everything that makes a page print the same bytes on every run, in one place.

The test suite calls `configure()` before each page, and every notebook's first cell does too,
so a page never inherits state (seed, default device, grad mode, print options) from another.
"""

from __future__ import annotations

import random

import torch

SEED = 0
THREADS = 1


def configure(device: str = "cpu", threads: int = THREADS) -> None:
    """Reset torch's global state to the documented defaults and seed every generator.

    One intra-op thread by default: the pages' tensors are tiny, so more threads only add
    scheduling overhead (and, on a busy machine, long stalls), and a fixed count means a
    reduction adds its numbers in the same order on every machine.
    """
    random.seed(SEED)
    torch.manual_seed(SEED)  # seeds the CPU and every CUDA generator
    torch.set_default_dtype(torch.float32)
    torch.set_default_device(device)
    torch.set_grad_enabled(True)
    torch.set_num_threads(threads)
    # Explicitly the library defaults, so a page that changes them cannot leak into the next.
    torch.set_printoptions(profile="default")
    # No autotuning: cuDNN would otherwise pick its kernels by timing them, run by run.
    # (use_deterministic_algorithms is left off: on CUDA it makes common ops such as the
    # embedding backward raise, and the CPU kernels used here are deterministic already;
    # tests/test_pipeline.py checks that the thread count does not change a byte.)
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

"""Data sets that several pages share, made the same way on every run and on every device."""

# --8<-- [start:make-line-data]
import torch


def make_line_data(
    n: int = 100,
    *,
    noise: float = 0.1,
    seed: int = 28,
    weight: float = 2.0,
    bias: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Points on the line ``y = weight * x + bias`` with a little Gaussian noise.

    Returns ``(X, y)``: ``X`` has shape ``(n, 1)`` (one feature per row, drawn from a standard
    normal distribution) and ``y`` has shape ``(n, 1)``. Both are float32.

    The numbers come from a CPU ``torch.Generator`` seeded with ``seed`` inside this function,
    so they neither use nor disturb the global random state, and are the same on every run.
    They are drawn and combined in float64, then rounded to float32: torch's float32 sampler
    for large tensors has one implementation per instruction set, and they differ in the last
    digits (by up to about 1e-6 here).
    The tensors are then moved to ``torch.get_default_device()``, so a run on CUDA gets exactly
    the numbers a run on the CPU gets.
    """
    generator = torch.Generator(device="cpu").manual_seed(seed)
    X = torch.randn(n, 1, generator=generator, device="cpu", dtype=torch.float64)
    eps = torch.randn(n, 1, generator=generator, device="cpu", dtype=torch.float64)
    y = weight * X + bias + noise * eps
    X, y = X.float(), y.float()
    device = torch.get_default_device()
    return X.to(device), y.to(device)


# --8<-- [end:make-line-data]

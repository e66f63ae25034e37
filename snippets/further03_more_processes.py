"""Code of docs/further03-more-processes.md, by named section."""

# --8<-- [start:launch]
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

torchrun = [sys.executable, "-m", "torch.distributed.run"]  # the `torchrun` command
with tempfile.TemporaryDirectory() as folder:  # each rank's results, and torchrun's logs
    launch = [*torchrun, "--standalone", "--nproc-per-node=2", f"--log-dir={folder}/logs"]
    run = subprocess.run(
        [*launch, "-m", "snippets.ddp_worker", folder],
        capture_output=True,  # the processes' own output and logs stay off this page
        text=True,
    )
    if run.returncode != 0:  # torchrun has already stopped every process: show its report
        raise RuntimeError(f"torchrun exited with status {run.returncode}:\n{run.stderr}")
    results = [torch.load(Path(folder) / f"rank{rank}.pt") for rank in range(2)]
print("ranks that reported back:", len(results))
# --8<-- [end:launch]

# --8<-- [start:all-reduce-results]
for rank, result in enumerate(results):
    summary = {name: t.tolist() for name, t in result["all_reduce"].items()}
    print(f"rank {rank}: {summary}")
sums = [result["all_reduce"]["summed"] for result in results]
print("the same sum on both ranks:", torch.equal(*sums))
# --8<-- [end:all-reduce-results]

# --8<-- [start:gradients]
from torch import nn, optim

from snippets.data import make_line_data

torch.manual_seed(0)  # the workers' seed: the same starting line
# On the CPU, like the workers (gloo), even where the default device is a GPU:
X, y = (t.cpu() for t in make_line_data())
model = nn.Linear(1, 1, device="cpu")
start = {name: p.detach().clone() for name, p in model.named_parameters()}
criterion = nn.MSELoss()
criterion(model(X), y).backward()

for rank, result in enumerate(results):
    own, averaged = (f"{result[k][0].item():+.4f}" for k in ("own_grad", "ddp_grad"))
    print(f"rank {rank}: weight gradient of its half {own}, after DDP's average {averaged}")
print(f"one process, all 100 points: {model.weight.grad.item():+.4f}")
gap = max((result["ddp_grad"][0] - model.weight.grad).abs().item() for result in results)
print("largest difference from DDP's average below 1e-6:", gap < 1e-6)
# --8<-- [end:gradients]

# --8<-- [start:same-result]
model.load_state_dict(start)
optimizer = optim.SGD(model.parameters(), lr=0.1)
for _ in range(100):  # Part 9's loop: 100 steps on the whole batch
    optimizer.zero_grad()
    criterion(model(X), y).backward()
    optimizer.step()

rank0, rank1 = (result["state"] for result in results)
print(f"one process:   W = {model.weight.item():.4f}, b = {model.bias.item():.4f}")
print(f"two processes: W = {rank0['weight'].item():.4f}, b = {rank0['bias'].item():.4f}")
print("rank 0 and rank 1 equal:", all(torch.equal(rank0[k], rank1[k]) for k in rank0))
gap = max((rank0[name] - p).abs().max().item() for name, p in model.named_parameters())
print("largest difference from one process below 1e-6:", gap < 1e-6)
# --8<-- [end:same-result]

# --8<-- [start:memory]
parameters = 8_030_261_248  # Llama 3 8B, as Part 10 counts it
per_parameter = 4 + 4 + 4 + 4  # float32 bytes: the parameter, its gradient, Adam's two averages
total = parameters * per_parameter
print(f"{per_parameter} bytes a parameter; DDP, on every rank: {total / 1e9:.1f} GB")
for ranks in (8, 64):
    print(f"FSDP over {ranks} ranks: {total / ranks / 1e9:.1f} GB on each")
# --8<-- [end:memory]

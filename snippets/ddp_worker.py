"""The program each process runs on docs/further03-more-processes.md, started by `torchrun`.

`python -m torch.distributed.run --standalone --nproc-per-node=2 -m snippets.ddp_worker FOLDER`
starts two copies; each saves what it computed to FOLDER/rank<N>.pt, which the page reads.
"""

# --8<-- [start:main]
import sys
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn, optim
from torch.distributed.elastic.multiprocessing.errors import record
from torch.nn.parallel import DistributedDataParallel as DDP

from snippets.data import make_line_data


@record  # if this process raises, torchrun's failure report shows its traceback
def main() -> None:
    folder = Path(sys.argv[1])  # where to leave the results for the process that started us
    dist.init_process_group("gloo")  # rank, world size and address: from torchrun's variables
    try:
        rank, world_size = dist.get_rank(), dist.get_world_size()
        result = {"all_reduce": all_reduce_example(rank, world_size)}
        result.update(train(rank, world_size))
        torch.save(result, folder / f"rank{rank}.pt")
    finally:
        dist.destroy_process_group()  # leave the group, also when something above raised


# --8<-- [end:main]


# --8<-- [start:all-reduce]
def all_reduce_example(rank: int, world_size: int) -> dict:
    t = torch.tensor([1.0, 2.0]) * (rank + 1)  # rank 0 holds [1, 2], rank 1 holds [2, 4]
    before = t.clone()
    dist.all_reduce(t, op=dist.ReduceOp.SUM)  # in place; returns once every rank has the sum
    return {"before": before, "summed": t, "averaged": t / world_size}


# --8<-- [end:all-reduce]


# --8<-- [start:train]
def train(rank: int, world_size: int, steps: int = 100, lr: float = 0.1) -> dict:
    torch.manual_seed(0)  # every rank builds the same line (DDP copies rank 0's anyway)
    X, y = make_line_data()  # Part 9's 100 points, on every rank
    X, y = X.chunk(world_size)[rank], y.chunk(world_size)[rank]  # this rank's 50
    model = DDP(nn.Linear(1, 1))
    optimizer = optim.SGD(model.parameters(), lr=lr)
    criterion = nn.MSELoss()

    with model.no_sync():  # a backward without the all-reduce: this rank's own gradient
        criterion(model(X), y).backward()
    own = [p.grad.clone() for p in model.parameters()]

    for step in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(X), y)  # the mean over this rank's half
        loss.backward()  # DDP divides the gradients by world_size and all-reduces (sums) them
        if step == 0:
            averaged = [p.grad.clone() for p in model.parameters()]
        optimizer.step()  # the same update on every rank
    return {"own_grad": own, "ddp_grad": averaged, "state": model.module.state_dict()}


# --8<-- [end:train]

if __name__ == "__main__":
    main()

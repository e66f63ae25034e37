"""Code of docs/further02-training-in-practice.md, by named section."""

# --8<-- [start:imports]
import math

import torch
from torch import nn

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones

X = torch.linspace(-3, 3, 320, dtype=torch.float64).unsqueeze(1)  # 320 inputs, one feature each
y = torch.sin(X)  # Part 10's curve
X, y = X.float(), y.float()  # made in float64: the same float32 numbers on every processor
held_out = torch.arange(320) % 5 == 0  # every fifth point is kept aside for validation
X_train, y_train, X_val, y_val = X[~held_out], y[~held_out], X[held_out], y[held_out]


def make_model():
    return nn.Sequential(nn.Linear(1, 32), nn.SiLU(), nn.Linear(32, 1))


model, criterion = make_model(), nn.MSELoss()
print(len(X_train), "training points,", len(X_val), "validation points")
# --8<-- [end:imports]


# --8<-- [start:dataset]
from torch.utils.data import DataLoader, Dataset


class Points(Dataset):
    """Pairs (x, y), one per index: all a DataLoader needs."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


train_set = Points(X_train, y_train)
print(len(train_set), train_set[0])
# --8<-- [end:dataset]

# --8<-- [start:loader]
numbers = Points(torch.arange(10), torch.arange(10))  # each x is its own index: easy to follow
generator = torch.Generator(device=torch.get_default_device()).manual_seed(0)
loader = DataLoader(numbers, batch_size=4, shuffle=True, generator=generator)
for epoch in (1, 2):
    print(f"epoch {epoch}:", [x.tolist() for x, _ in loader])  # each pass draws a new order
# --8<-- [end:loader]

# --8<-- [start:dropout]
dropout = nn.Dropout(p=0.5)
print("train:", dropout(torch.ones(8)).tolist())  # a new module is in training mode
dropout.eval()
print("eval: ", dropout(torch.ones(8)).tolist())
# --8<-- [end:dropout]

# --8<-- [start:batchnorm]
norm = nn.BatchNorm1d(num_features=1)  # running mean 0 and running variance 1 to start
batch = torch.tensor([[1.0], [2.0], [3.0], [6.0]])  # 4 examples of 1 feature: mean 3
print("train:", norm(batch).detach().flatten(), "running mean", norm.running_mean)
norm.eval()
print("eval: ", norm(batch).detach().flatten(), "running mean", norm.running_mean)
# --8<-- [end:batchnorm]

# --8<-- [start:to-device]
layer = nn.Linear(2, 2)
weight = layer.weight
print(layer.to(torch.float64) is layer, layer.weight is weight, weight.dtype)  # in place

t = torch.ones(3)
print(t.to(torch.float32) is t, t.to(torch.float64) is t)  # the tensor itself, or a copy

device = torch.accelerator.current_accelerator(check_available=True) or torch.device("cpu")
print(model.to(device) is model, next(model.parameters()).device)
# --8<-- [end:to-device]

# --8<-- [start:move-after-step]
optimizer = torch.optim.Adam(layer.parameters())  # layer: float64 since the block above
print("state before the first step:", len(optimizer.state))
layer(torch.ones(1, 2, dtype=torch.float64)).sum().backward()
optimizer.step()  # creates Adam's averages, like the parameters: float64, on their device
layer.to(torch.float32)  # a move after the first step (of dtype here; of device likewise)
average = optimizer.state[layer.weight]["exp_avg"]
print("weight", layer.weight.dtype, "| Adam's average", average.dtype)
layer(torch.ones(1, 2)).sum().backward()
try:
    optimizer.step()
except RuntimeError as error:
    print("RuntimeError:", error)
# --8<-- [end:move-after-step]

# --8<-- [start:autocast]
x, target = X_train[:16].to(device), y_train[:16].to(device)  # one batch of 16 points
loss_float32 = criterion(model(x), target).item()  # the same batch without autocast

with torch.autocast(device.type, dtype=torch.bfloat16):  # device.type is "cpu" here
    hidden = model[0](x)  # the first Linear layer
    activated = model[1](hidden)  # SiLU
    loss = criterion(model(x), target)
print("inside: Linear", hidden.dtype, "| SiLU", activated.dtype, "| loss", loss.dtype)
loss.backward()
weight = model[0].weight
print("after:  weight", weight.dtype, "| its gradient", weight.grad.dtype)
gap = abs(loss.item() - loss_float32) / loss_float32
print(f"loss under autocast vs float32: {gap:.1%} apart")
model.zero_grad()  # this gradient was only for the look
# --8<-- [end:autocast]

# --8<-- [start:float-formats]
for dtype in (torch.float32, torch.bfloat16, torch.float16):
    info = torch.finfo(dtype)  # the format's limits
    fraction = -round(math.log2(info.eps))  # fraction bits: the step after 1 is 2**-fraction
    exponent = info.bits - 1 - fraction  # the rest, after the sign bit
    print(
        f"{dtype!s:15} {exponent} exponent bits, {fraction:2} fraction bits, "
        f"step after 1: {info.eps:.1e}, smallest normal {info.tiny:.1e}"
    )
# --8<-- [end:float-formats]

# --8<-- [start:schedule]
peak_lr, warmup_steps, total_steps = 0.06, 16, 160  # 10 epochs of 16 batches


def warmup_cosine(step):
    """The factor LambdaLR multiplies the peak learning rate by at `step` (counted from 0)."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps  # a straight line up: 1/16, 2/16, ..., 1
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # from 0 towards 1
    return 0.1 + 0.9 * (1 + math.cos(math.pi * progress)) / 2  # half a cosine, 1 down to 0.1


lrs = [peak_lr * warmup_cosine(step) for step in range(total_steps)]
print({step: round(lrs[step], 6) for step in (0, 7, 15, 16, 88, 159)})  # step: learning rate
# --8<-- [end:schedule]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from snippets.plots import save_figure

fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
ax.plot(lrs)
ax.set(xlabel="step", ylabel="learning rate")
save_figure(fig, "lr-schedule.svg")
# --8<-- [end:plot]

# --8<-- [start:clip]
criterion(model(x), target).backward()
before = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # returns the norm before
after = nn.utils.get_total_norm([p.grad for p in model.parameters()])
print(f"gradient norm before clipping {before:.2f}, after {after:.4f}")
# --8<-- [end:clip]


# --8<-- [start:new-run]
def new_run():
    """A model on `device`, its optimizer and schedule, and a loader with its own generator."""
    model = make_model().to(device)  # move it first, then give its parameters to the optimizer
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_cosine)
    generator = torch.Generator(device=torch.get_default_device()).manual_seed(0)
    loader = DataLoader(train_set, batch_size=16, shuffle=True, generator=generator)
    return model, optimizer, scheduler, loader


def train_epoch(model, optimizer, scheduler, loader):
    """One pass over the training set; returns the mean of its batch losses."""
    model.train()
    losses = []
    for x, target in loader:
        x, target = x.to(device), target.to(device)
        loss = criterion(model(x), target)  # 1. prediction, 2. loss
        loss.backward()  # 3. gradients
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()  # 4. update
        scheduler.step()  # the learning rate of the next step
        optimizer.zero_grad()  # 5. reset
        losses.append(loss.item())
    return sum(losses) / len(losses)


def evaluate(model):
    model.eval()
    with torch.inference_mode():
        return criterion(model(X_val.to(device)), y_val.to(device)).item()


# --8<-- [end:new-run]

# --8<-- [start:train]
torch.manual_seed(0)  # every run below starts from the same weights
model, optimizer, scheduler, loader = new_run()
losses = []
for epoch in range(1, 11):
    losses.append(train_epoch(model, optimizer, scheduler, loader))
    train_loss, val_loss, lr = losses[-1], evaluate(model), scheduler.get_last_lr()[0]
    print(f"epoch {epoch:2d}  train {train_loss:<#7.2g} validation {val_loss:<#7.2g} lr {lr:.4f}")
fell = round(losses[0] / losses[-1], -2)  # to the nearest hundred
print(f"training loss, epoch 1 to epoch 10: about {fell:.0f} times lower")
# --8<-- [end:train]

# --8<-- [start:save]
import tempfile
from pathlib import Path

uninterrupted_model, uninterrupted_losses = model, losses
torch.manual_seed(0)
model, optimizer, scheduler, loader = new_run()
losses = [train_epoch(model, optimizer, scheduler, loader) for _ in range(5)]

scratch = tempfile.TemporaryDirectory()  # a folder deleted by scratch.cleanup()
path = Path(scratch.name) / "checkpoint.pt"
checkpoint = {
    "model": model.state_dict(),
    "optimizer": optimizer.state_dict(),
    "scheduler": scheduler.state_dict(),
    "generator": loader.generator.get_state(),
    "epoch": 5,
}
torch.save(checkpoint, path)
# --8<-- [end:save]

# --8<-- [start:resume]
# As after a restart: new objects (new random weights), then what the file holds.
model, optimizer, scheduler, loader = new_run()
checkpoint = torch.load(path, weights_only=True)
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
scheduler.load_state_dict(checkpoint["scheduler"])
loader.generator.set_state(checkpoint["generator"])
scratch.cleanup()

for _ in range(checkpoint["epoch"], 10):  # epochs 6 to 10
    losses.append(train_epoch(model, optimizer, scheduler, loader))
print("uninterrupted:", " ".join(f"{v:#.2g}" for v in uninterrupted_losses))
print("resumed:      ", " ".join(f"{v:#.2g}" for v in losses))
pairs = zip(model.parameters(), uninterrupted_model.parameters(), strict=True)
same_parameters = all(torch.equal(p, q) for p, q in pairs)
print(f"same losses: {losses == uninterrupted_losses}, same parameters: {same_parameters}")
# --8<-- [end:resume]

# --8<-- [start:without-optimizer]
fresh_model, fresh_optimizer, fresh_scheduler, fresh_loader = new_run()
fresh_model.load_state_dict(checkpoint["model"])  # everything but the optimizer's state
fresh_scheduler.load_state_dict(checkpoint["scheduler"])
fresh_loader.generator.set_state(checkpoint["generator"])
rest = [train_epoch(fresh_model, fresh_optimizer, fresh_scheduler, fresh_loader) for _ in range(3)]
print("epochs 6 to 8, resumed:          ", " ".join(f"{v:#.2g}" for v in losses[5:8]))
print("epochs 6 to 8, without optimizer:", " ".join(f"{v:#.2g}" for v in rest))
print("all higher without it:", all(a > b for a, b in zip(rest, losses[5:8], strict=True)))
# --8<-- [end:without-optimizer]

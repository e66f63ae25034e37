# --8<-- [start:imports]
import torch
from torch import nn, optim

from snippets.data import make_line_data

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones
X, y = make_line_data()  # 100 points near y = 2x + 1, the data of Part 7
# --8<-- [end:imports]


# --8<-- [start:model]
class LineModel(nn.Module):
    def __init__(self):
        super().__init__()  # sets up the bookkeeping that registers layers and parameters
        self.linear = nn.Linear(in_features=1, out_features=1)

    def forward(self, x):
        return self.linear(x)


model = LineModel()
print([(name, tuple(p.shape)) for name, p in model.named_parameters()])
# --8<-- [end:model]

# --8<-- [start:mse]
criterion = nn.MSELoss()  # mean of the squared differences, by default
loss = criterion(model(X), y)  # model(X): nn.Module.__call__ runs forward (plus any hooks)
print(loss, torch.equal(loss, ((model(X) - y) ** 2).mean()))
# --8<-- [end:mse]

# --8<-- [start:graph]
from snippets.autograd_graph import to_mermaid  # this site's drawing helper, from Part 2

print(to_mermaid(loss, params=dict(model.named_parameters()), name="loss"))
# --8<-- [end:graph]

# --8<-- [start:sgd-step]
start = {name: p.detach().clone() for name, p in model.named_parameters()}  # for restarts
lr = 0.1
optimizer = optim.SGD(model.parameters(), lr=lr)
loss.backward()
by_hand = [p - lr * p.grad for p in model.parameters()]  # Part 7's update
optimizer.step()
print("equal bit for bit:", all(map(torch.equal, model.parameters(), by_hand)))
# --8<-- [end:sgd-step]

# --8<-- [start:zero-grad]
print("after step():", model.linear.weight.grad, end="   ")
optimizer.zero_grad()
print("after zero_grad():", model.linear.weight.grad)

criterion(model(X), y).backward()
once = model.linear.weight.grad.clone()
criterion(model(X), y).backward()  # a second backward() without zero_grad() in between
print(once, "then", model.linear.weight.grad, torch.equal(model.linear.weight.grad, 2 * once))
# --8<-- [end:zero-grad]

# --8<-- [start:loop-nn]
model.load_state_dict(start)  # back to the parameters the model was created with
optimizer = optim.SGD(model.parameters(), lr=lr)

for _ in range(100):
    optimizer.zero_grad()  # reset first: clears what earlier code left, too
    loss = criterion(model(X), y)  # prediction and loss
    loss.backward()  # gradients
    optimizer.step()  # update

print(f"W = {model.linear.weight.item():.4f}, b = {model.linear.bias.item():.4f}")
# --8<-- [end:loop-nn]

# --8<-- [start:loop-scratch]
W = start["linear.weight"].clone().requires_grad_(True)  # the model's start, as plain tensors
b = start["linear.bias"].clone().requires_grad_(True)

for _ in range(100):
    loss = ((X @ W.T + b - y) ** 2).mean()  # prediction and loss
    loss.backward()  # gradients
    with torch.no_grad():
        for p in (W, b):
            p -= lr * p.grad  # update
            p.grad.zero_()  # reset last

print(f"W = {W.item():.4f}, b = {b.item():.4f}")
print("identical:", torch.equal(W, model.linear.weight) and torch.equal(b, model.linear.bias))
# --8<-- [end:loop-scratch]

# --8<-- [start:lstsq]
A = torch.cat([X, torch.ones_like(X)], dim=1).double()  # columns x and 1: A @ [w, b] = w x + b
w_best, b_best = torch.linalg.lstsq(A, y.double()).solution.flatten().tolist()
gap = max(abs(model.linear.weight.item() - w_best), abs(model.linear.bias.item() - b_best))
print(f"least squares: W = {w_best:.4f}, b = {b_best:.4f}   SGD within 1e-6: {gap < 1e-6}")
# --8<-- [end:lstsq]

# --8<-- [start:adam-first-step]
model.load_state_dict(start)
adam = optim.Adam(model.parameters(), lr=0.1)  # betas=(0.9, 0.999), eps=1e-8 by default
adam.zero_grad()
criterion(model(X), y).backward()
adam.step()
for name, p in model.named_parameters():
    grad, moved = p.grad.item(), p.item() - start[name].item()
    print(f"{name:13s} gradient {grad:+.4f}  SGD moves {-lr * grad:+.4f}  Adam moved {moved:+.4f}")
# --8<-- [end:adam-first-step]


# --8<-- [start:compare]
import math


def train(make_optimizer, lr, steps=200):
    """Losses of `steps` steps of the training loop, from `start`."""
    model.load_state_dict(start)
    optimizer = make_optimizer(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())  # losses[i]: the loss after i steps
    with torch.inference_mode():
        losses.append(criterion(model(X), y).item())
    return losses


solution = torch.linalg.lstsq(A, y.double()).solution
best_loss = criterion(A @ solution, y.double()).item()  # the least-squares loss
columns = ("10 steps", "50 steps", "200 steps")
print("optimizer  lr     " + "  ".join(f"{c:>9s}" for c in columns) + "   within 1e-6  verdict")
for make_optimizer in (optim.SGD, optim.Adam):
    for lr in (0.01, 0.1, 0.5, 1.0):
        losses = train(make_optimizer, lr)
        reached = next((i for i, v in enumerate(losses) if v - best_loss < 1e-6), "-")
        if reached != "-":
            outcome = "converged"
        else:
            outcome = "diverged" if losses[-1] > losses[0] else "slow"
        # A diverging loss's exact size is round-off amplified: print its order of magnitude.
        after = "  ".join(
            f"{losses[i]:9.3g}" if losses[i] < 1e3 else f"{f'~1e{round(math.log10(losses[i]))}':>9}"
            for i in (10, 50, 200)
        )
        print(f"{make_optimizer.__name__:9s}  {lr:<4}   {after}   {reached!s:<12} {outcome}")
# --8<-- [end:compare]

# --8<-- [start:curvature]
hessian = 2 * A.T @ A / len(A)  # second derivatives of the MSE with respect to (w, b)
eigenvalues = torch.linalg.eigvalsh(hessian)
print(eigenvalues)
print("per step, the error along each eigen-direction is scaled by |1 - lr * eigenvalue|:")
for lr in (0.01, 0.1, 0.5, 1.0):
    factors = (1 - lr * eigenvalues).abs()
    print(f"lr {lr:<4}  {factors[0]:.2f}  {factors[1]:.2f}")
# --8<-- [end:curvature]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_fit(model):
    """Self-check: `model`'s weight and bias must be those of the least-squares line."""
    answer = torch.cat([model.linear.weight.flatten(), model.linear.bias]).double()
    best = torch.tensor([w_best, b_best], dtype=torch.float64)
    verdict(lambda: torch.testing.assert_close(answer, best, rtol=0, atol=1e-4))


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
model.load_state_dict(start)
optimizer = optim.Adam(model.parameters(), lr=0.1)
for _ in range(300):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
check_fit(model)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
model.load_state_dict(start)
optimizer = optim.Adam(model.parameters(), lr=0.1)
for _ in range(300):
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.zero_grad()  # a likely mistake: the reset between backward() and step()
    optimizer.step()
check_fit(model)
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_accumulated(model):
    """Self-check: `model`'s .grad must be the gradient of the loss over all 100 points."""
    w, b = model.linear.weight.item(), model.linear.bias.item()
    error = w * X.double() + b - y.double()
    expected = torch.stack([2 * (error * X.double()).mean(), 2 * error.mean()])  # by hand
    verdict(
        lambda: torch.testing.assert_close(
            torch.cat([model.linear.weight.grad.flatten(), model.linear.bias.grad]).double(),
            expected,
            rtol=0,
            atol=1e-5,
        )
    )


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
model.load_state_dict(start)
optimizer = optim.SGD(model.parameters(), lr=0.1)
optimizer.zero_grad()  # clear what earlier code left in .grad
for i in range(0, 100, 25):
    loss = criterion(model(X[i : i + 25]), y[i : i + 25]) / 4  # one of 4 batches
    loss.backward()  # adds into .grad
check_accumulated(model)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
model.load_state_dict(start)
optimizer = optim.SGD(model.parameters(), lr=0.1)
optimizer.zero_grad()
for i in range(0, 100, 25):
    criterion(model(X[i : i + 25]), y[i : i + 25]).backward()  # a likely mistake: not divided by 4
check_accumulated(model)
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_curve(net):
    """Self-check: `net` must predict X ** 2 with a mean squared error below 0.01."""
    with torch.inference_mode():
        loss = criterion(net(X), X**2).item()

    def test():
        assert loss < 0.01, f"the loss on y = x ** 2 is {loss:.4f}, not below 0.01"

    verdict(test)


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
torch.manual_seed(0)  # the layers start from random numbers: seed them


class TwoLayer(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.hidden = nn.Linear(1, hidden)
        self.act = nn.Tanh()
        self.output = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.output(self.act(self.hidden(x)))


net = TwoLayer()
optimizer = optim.Adam(net.parameters(), lr=0.05)
for _ in range(500):
    optimizer.zero_grad()
    loss = criterion(net(X), X**2)
    loss.backward()
    optimizer.step()
check_curve(net)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
net = nn.Sequential(nn.Linear(1, 16), nn.Linear(16, 1))  # a likely mistake: no activation
optimizer = optim.Adam(net.parameters(), lr=0.05)
for _ in range(500):
    optimizer.zero_grad()
    criterion(net(X), X**2).backward()
    optimizer.step()
check_curve(net)
# --8<-- [end:exercise-3-wrong]

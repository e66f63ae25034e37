# --8<-- [start:imports]
import torch
from torch import nn, optim

from snippets.autograd_graph import to_mermaid
from snippets.data import make_line_data

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones
X, y = make_line_data()  # 100 points near y = 2x + 1, the data of Part 7
print("X:", tuple(X.shape), " y:", tuple(y.shape))
# --8<-- [end:imports]


# --8<-- [start:model]
class LineModel(nn.Module):
    def __init__(self):
        super().__init__()  # sets up the bookkeeping that registers layers and parameters
        self.linear = nn.Linear(in_features=1, out_features=1)

    def forward(self, x):
        return self.linear(x)


model = LineModel()
print(model)
for name, parameter in model.named_parameters():
    print(f"{name:14s} shape {tuple(parameter.shape)}  value {parameter.detach()}")
# --8<-- [end:model]

# --8<-- [start:call]
y_hat = model(X)  # nn.Module.__call__ runs forward (plus any hooks)
print(tuple(y_hat.shape), torch.equal(y_hat, model.linear(X)))
# --8<-- [end:call]

# --8<-- [start:mse]
criterion = nn.MSELoss()  # mean of the squared differences, by default
loss = criterion(y_hat, y)
print(loss)
print("same as ((y_hat - y) ** 2).mean():", torch.equal(loss, ((y_hat - y) ** 2).mean()))
# --8<-- [end:mse]

# --8<-- [start:graph]
print(to_mermaid(loss, params=dict(model.named_parameters()), name="loss"))
# --8<-- [end:graph]

# --8<-- [start:sgd-step]
start = {name: p.detach().clone() for name, p in model.named_parameters()}  # reused below
lr = 0.1
optimizer = optim.SGD(model.parameters(), lr=lr)

loss.backward()
by_hand = {name: p - lr * p.grad for name, p in model.named_parameters()}  # Part 7's update
optimizer.step()

for name, p in model.named_parameters():
    print(f"{name:13s} {start[name].item():+.4f} -> {p.item():+.4f}", torch.equal(p, by_hand[name]))
# --8<-- [end:sgd-step]

# --8<-- [start:zero-grad]
print("after step():     ", model.linear.weight.grad)
optimizer.zero_grad()
print("after zero_grad():", model.linear.weight.grad)
# --8<-- [end:zero-grad]

# --8<-- [start:accumulate]
criterion(model(X), y).backward()
once = model.linear.weight.grad.clone()
criterion(model(X), y).backward()  # a second backward() without zero_grad() in between
print("one backward():  ", once)
print("two backward()s: ", model.linear.weight.grad)
print("exactly twice:   ", torch.equal(model.linear.weight.grad, 2 * once))
optimizer.zero_grad(set_to_none=False)
print("zero_grad(set_to_none=False):", model.linear.weight.grad)
# --8<-- [end:accumulate]


# --8<-- [start:restart]
def restart(model):
    """Put the model's parameters back to the values it was created with."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(start[name])


steps = 100
# --8<-- [end:restart]

# --8<-- [start:loop-scratch]
W = start["linear.weight"].clone().requires_grad_(True)  # the same start as the model
b = start["linear.bias"].clone().requires_grad_(True)

for step in range(steps):
    y_hat = X @ W + b  # 1. prediction
    loss = ((y_hat - y) ** 2).mean()  # 2. loss
    loss.backward()  # 3. gradients
    with torch.no_grad():
        W -= lr * W.grad  # 4. update
        b -= lr * b.grad
    W.grad.zero_()  # 5. reset
    b.grad.zero_()
    if step % 20 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")

print(f"W = {W.item():.4f}, b = {b.item():.4f}")
# --8<-- [end:loop-scratch]

# --8<-- [start:loop-nn]
restart(model)
optimizer = optim.SGD(model.parameters(), lr=lr)

for step in range(steps):
    y_hat = model(X)  # 1. prediction
    loss = criterion(y_hat, y)  # 2. loss
    loss.backward()  # 3. gradients
    optimizer.step()  # 4. update
    optimizer.zero_grad()  # 5. reset
    if step % 20 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")

print(f"W = {model.linear.weight.item():.4f}, b = {model.linear.bias.item():.4f}")
# --8<-- [end:loop-nn]

# --8<-- [start:same-result]
print(torch.equal(W, model.linear.weight), torch.equal(b, model.linear.bias))
# --8<-- [end:same-result]

# --8<-- [start:lstsq]
A = torch.cat([X, torch.ones_like(X)], dim=1).double()  # columns x and 1: A @ [w, b] = w x + b
solution = torch.linalg.lstsq(A, y.double()).solution  # in float64: a reference to check against
w_best, b_best = solution.flatten().tolist()
best_loss = criterion(A @ solution, y.double()).item()

with torch.no_grad():
    final_loss = criterion(model(X), y).item()
w_found, b_found = model.linear.weight.item(), model.linear.bias.item()
print(f"least squares: W = {w_best:.4f}, b = {b_best:.4f}, loss {best_loss:.6f}")
print(f"after {steps} SGD steps: W = {w_found:.4f}, b = {b_found:.4f}, loss {final_loss:.6f}")
gap = max(abs(w_found - w_best), abs(b_found - b_best))
print(f"W and b within 1e-6 of least squares: {gap < 1e-6}")
# --8<-- [end:lstsq]

# --8<-- [start:adam-first-step]
restart(model)
adam = optim.Adam(model.parameters(), lr=0.1)  # betas=(0.9, 0.999), eps=1e-8 by default
criterion(model(X), y).backward()
adam.step()
for name, p in model.named_parameters():
    grad, moved = p.grad.item(), p.item() - start[name].item()
    print(f"{name:13s} gradient {grad:+.4f}  SGD moves {-lr * grad:+.4f}  Adam moved {moved:+.4f}")
adam.zero_grad()
# --8<-- [end:adam-first-step]


# --8<-- [start:compare]
def train(make_optimizer, lr, steps=200):
    """Losses of `steps` steps of the five-step loop, from the common start."""
    restart(model)
    optimizer = make_optimizer(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = criterion(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())  # losses[i]: the loss after i steps
    with torch.no_grad():
        losses.append(criterion(model(X), y).item())
    return losses


columns = ("10 steps", "50 steps", "200 steps")
print("optimizer  lr     " + "  ".join(f"{c:>9s}" for c in columns) + "   within 1e-6")
for make_optimizer in (optim.SGD, optim.Adam):
    for lr in (0.01, 0.1, 0.5, 1.0):
        losses = train(make_optimizer, lr)
        reached = next((i for i, v in enumerate(losses) if v - best_loss < 1e-6), "-")
        after = "  ".join(f"{losses[i]:9.3g}" for i in (10, 50, 200))
        print(f"{make_optimizer.__name__:9s}  {lr:<4}   {after}   {reached}")
# --8<-- [end:compare]

# --8<-- [start:curvature]
hessian = 2 * A.T @ A / len(A)  # second derivatives of the MSE with respect to (w, b)
print(torch.linalg.eigvalsh(hessian))
# --8<-- [end:curvature]

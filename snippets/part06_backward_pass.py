# --8<-- [start:setup]
import torch

from snippets.autograd_graph import to_mermaid
from snippets.data import make_line_data

torch.manual_seed(0)  # Part 5's seed, data, parameters and forward pass
X, y = make_line_data()
W = torch.randn(1, 1, requires_grad=True)
b = torch.randn(1, requires_grad=True)
y_hat = X @ W + b
# --8<-- [end:setup]

# --8<-- [start:mse]
loss = ((y_hat - y) ** 2).mean()  # square each error, then average: one number
print(loss, torch.nn.functional.mse_loss(y_hat, y))  # PyTorch's own MSE agrees
# --8<-- [end:mse]

# --8<-- [start:shape-trap]
y_flat = y.squeeze(1)  # shape (100,) instead of (100, 1)
print((y_hat - y_flat).shape)  # (100, 1) - (100,) broadcasts to (100, 100)
print(((y_hat - y_flat) ** 2).mean())  # a number, but not the MSE
# --8<-- [end:shape-trap]

# --8<-- [start:graph]
print(to_mermaid(loss, params={"W": W, "b": b}, name="loss", saved=True))
# --8<-- [end:graph]

# --8<-- [start:backward]
y_hat.retain_grad()  # also keep dL/dy_hat, a non-leaf's gradient, for the check below
loss.backward()  # W.grad and b.grad were None until now
print(W.grad, b.grad)
# --8<-- [end:backward]

# --8<-- [start:sign]
h = 0.01


def loss_at(W, b):
    return ((X @ W + b - y) ** 2).mean()


with torch.inference_mode():  # just evaluating a formula: record nothing
    for name, up, down in [
        ("W", loss_at(W + h, b), loss_at(W - h, b)),
        ("b", loss_at(W, b + h), loss_at(W, b - h)),
    ]:
        slope = (up - down) / (2 * h)  # central difference
        print(f"{name} + h: {up:.4f}  {name} - h: {down:.4f}  slope {slope:.3f}")
print(f"autograd: {W.grad.item():.3f}  {b.grad.item():.3f}")
# --8<-- [end:sign]

# --8<-- [start:by-hand]
N = X.shape[0]
with torch.inference_mode():  # arithmetic on results, not part of the model
    dL_dyhat = 2 / N * (y_hat - y)  # (100, 1)
    dL_dW = X.T @ dL_dyhat  # (1, 100) @ (100, 1) -> (1, 1)
    dL_db = dL_dyhat.sum(dim=0)  # (100, 1) -> (1,): summed over the rows b was broadcast to

checks = {"y_hat": (dL_dyhat, y_hat.grad), "W": (dL_dW, W.grad), "b": (dL_db, b.grad)}
for name, (mine, theirs) in checks.items():
    same = mine.shape == theirs.shape and torch.allclose(mine, theirs)
    print(f"dL/d{name:5}  shape {tuple(mine.shape)!s:8}  same as autograd: {same}")
# --8<-- [end:by-hand]

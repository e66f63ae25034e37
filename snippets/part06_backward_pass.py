# --8<-- [start:setup]
import torch

from snippets.autograd_graph import to_mermaid
from snippets.data import make_line_data

torch.manual_seed(0)  # the seed of Part 5, so the same random start
X, y = make_line_data()  # the 100 points of Part 5
W = torch.randn(1, 1, requires_grad=True)  # the same start as Part 5
b = torch.randn(1, requires_grad=True)
y_hat = X @ W + b
print(f"W = {W.item():.4f}, b = {b.item():.4f}")
# --8<-- [end:setup]

# --8<-- [start:mse]
error = y_hat - y  # (100, 1): one error per example
loss = (error**2).mean()  # square, then average: one number
print(loss)
print(torch.nn.functional.mse_loss(y_hat, y))  # PyTorch's own MSE agrees
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
y_hat.retain_grad()  # keep dL/dy_hat as well (a non-leaf), for the check further down
print(W.grad, b.grad)  # nothing computed yet

loss.backward()
print(W.grad)
print(b.grad)
# --8<-- [end:backward]

# --8<-- [start:sign]
h = 0.01


def loss_at(W, b):
    return ((X @ W + b - y) ** 2).mean()


with torch.no_grad():  # just evaluating: record nothing
    print(f"loss now         {loss_at(W, b):.4f}")
    print(f"W + h, W - h     {loss_at(W + h, b):.4f}  {loss_at(W - h, b):.4f}")
    print(f"b + h, b - h     {loss_at(W, b + h):.4f}  {loss_at(W, b - h):.4f}")
    slope_W = (loss_at(W + h, b) - loss_at(W - h, b)) / (2 * h)
    slope_b = (loss_at(W, b + h) - loss_at(W, b - h)) / (2 * h)
    print(f"measured slopes  {slope_W:.4f}  {slope_b:.4f}")
    print(f"autograd         {W.grad.item():.4f}  {b.grad.item():.4f}")
# --8<-- [end:sign]

# --8<-- [start:by-hand]
N = X.shape[0]
with torch.no_grad():
    dL_dyhat = 2 / N * (y_hat - y)  # (100, 1)
    dL_dW = X.T @ dL_dyhat  # (1, 100) @ (100, 1) -> (1, 1)
    dL_db = dL_dyhat.sum(dim=0)  # (100, 1) -> (1,)

for name, by_hand, autograd in [
    ("dL/dy_hat", dL_dyhat, y_hat.grad),
    ("dL/dW", dL_dW, W.grad),
    ("dL/db", dL_db, b.grad),
]:
    shape = str(tuple(by_hand.shape))
    same = torch.allclose(by_hand, autograd)
    gap = (by_hand - autograd).abs().max().item()
    print(f"{name:9}  shape {shape:8}  allclose {same}  max abs diff {gap:.1e}")
# --8<-- [end:by-hand]

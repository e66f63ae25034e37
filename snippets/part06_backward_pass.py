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
table_mean = ((y_hat - y_flat) ** 2).mean()
print(table_mean, "equals the MSE:", torch.allclose(table_mean, loss))  # a number, but not the MSE
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


slopes = []
with torch.inference_mode():  # just evaluating a formula: record nothing
    for name, up, down in [
        ("W", loss_at(W + h, b), loss_at(W - h, b)),
        ("b", loss_at(W, b + h), loss_at(W, b - h)),
    ]:
        slopes.append(f"{(up - down) / (2 * h):.3f}")  # central difference, 3 decimals
        print(f"{name} + h: {up:.4f}  {name} - h: {down:.4f}  slope {slopes[-1]}")
autograd = [f"{W.grad.item():.3f}", f"{b.grad.item():.3f}"]
print(f"autograd: {autograd[0]}  {autograd[1]}  same digits: {slopes == autograd}")
# --8<-- [end:sign]

# --8<-- [start:by-hand]
N = X.shape[0]
with torch.inference_mode():  # arithmetic on results, not part of the model
    dL_dyhat = 2 / N * (y_hat - y)  # (100, 1)
    dL_dW = X.T @ dL_dyhat  # (1, 100) @ (100, 1) -> (1, 1)
    dL_db = dL_dyhat.sum(dim=0)  # (100, 1) -> (1,): summed over the rows b was broadcast to

checks = {"y_hat": (dL_dyhat, y_hat.grad), "W": (dL_dW, W.grad), "b": (dL_db, b.grad)}
same = {name: m.shape == t.shape and torch.allclose(m, t) for name, (m, t) in checks.items()}
for name, (mine, _) in checks.items():
    print(f"dL/d{name:5}  shape {tuple(mine.shape)!s:8}  same as autograd: {same[name]}")
print("all three the same:", all(same.values()))
# --8<-- [end:by-hand]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_mae(answer):
    """Self-check: `answer` must be the mean absolute error of y_hat against y (one number)."""
    expected = torch.nn.functional.l1_loss(y_hat.detach().double(), y.double()).float()
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=1e-5, atol=0))


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
mae = (y_hat - y).abs().mean()  # the size of each miss, then the average
check_mae(mae)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_mae((y_hat - y).mean())  # no abs: misses above and below the targets cancel
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_mae_grads(dW, db):
    """Self-check: dW, db must be the MAE's gradients for W and b, as autograd finds them."""
    W64 = W.detach().double().requires_grad_()  # fresh float64 copies: W.grad is left alone
    b64 = b.detach().double().requires_grad_()
    (X.double() @ W64 + b64 - y.double()).abs().mean().backward()
    expected = (W64.grad.float(), b64.grad.float())
    verdict(lambda: torch.testing.assert_close((dW, db), expected, rtol=1e-5, atol=1e-6))


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
with torch.inference_mode():
    dmae_dyhat = torch.sign(y_hat - y) / N  # slope of |e| is -1 or +1; the mean adds 1/N
    dW_mae = X.T @ dmae_dyhat  # (1, 100) @ (100, 1) -> (1, 1), as for the MSE
    db_mae = dmae_dyhat.sum(dim=0)  # (100, 1) -> (1,)
print(f"{(y_hat < y).sum().item()} of {N} below their targets, dL/db = {db_mae.item():.2f}")
check_mae_grads(dW_mae, db_mae)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
with torch.inference_mode():  # the mean's 1/N forgotten
    sign = torch.sign(y_hat - y)
check_mae_grads(X.T @ sign, sign.sum(dim=0))
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_weighted_grads(dW, db):
    """Self-check: dW, db must be the weighted loss's gradients for W and b, as autograd finds."""
    W64 = W.detach().double().requires_grad_()  # fresh float64 copies: W.grad is left alone
    b64 = b.detach().double().requires_grad_()
    w = torch.where(X > 0, 2.0, 1.0).double()
    (w * (X.double() @ W64 + b64 - y.double()) ** 2).mean().backward()
    expected = (W64.grad.float(), b64.grad.float())
    verdict(lambda: torch.testing.assert_close((dW, db), expected, rtol=1e-5, atol=1e-6))


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
w = torch.where(X > 0, 2.0, 1.0)  # (100, 1): x > 0 counts twice
with torch.inference_mode():
    dwl_dyhat = 2 / N * w * (y_hat - y)  # the weight is a constant factor in the chain
    dW_weighted = X.T @ dwl_dyhat
    db_weighted = dwl_dyhat.sum(dim=0)
check_weighted_grads(dW_weighted, db_weighted)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
check_weighted_grads(W.grad, b.grad)  # the page's MSE gradients: the weights left out
# --8<-- [end:exercise-3-wrong]

# --8<-- [start:setup]
import torch

from snippets.data import make_line_data

torch.manual_seed(0)  # the seed of Parts 5 and 6, so the same random start
X, y = make_line_data()  # the 100 points of Parts 5 and 6
W = torch.randn(1, 1, requires_grad=True)
b = torch.randn(1, requires_grad=True)
W_start, b_start = W.detach().clone(), b.detach().clone()  # kept for the experiments below
# --8<-- [end:setup]

# --8<-- [start:loop]
lr = 0.05  # the learning rate: how far to step against the gradient
losses = []

for step in range(100):
    loss = ((X @ W + b - y) ** 2).mean()  # forward pass and loss, at the current W and b
    losses.append(loss.item())
    if step % 25 == 0:
        print(f"step {step:2d}  loss {loss.item():.6f}  W {W.item():.4f}  b {b.item():.4f}")

    loss.backward()  # fills W.grad and b.grad
    with torch.no_grad():  # the update is not part of the model: do not record it
        W -= lr * W.grad
        b -= lr * b.grad
    W.grad.zero_()  # backward() adds into .grad: clear it for the next step
    b.grad.zero_()
# --8<-- [end:loop]

# --8<-- [start:no-grad]
W_try = W_start.clone().requires_grad_()
loss = ((X @ W_try + b_start - y) ** 2).mean()
loss.backward()

try:
    W_try -= lr * W_try.grad  # an in-place update outside torch.no_grad()
except RuntimeError as error:
    print(f"RuntimeError: {error}")

W_new = W_try - lr * W_try.grad  # out of place: allowed, but recorded
print(W_new.is_leaf, type(W_new.grad_fn).__name__)
# --8<-- [end:no-grad]

# --8<-- [start:accumulate]
W_try = W_start.clone().requires_grad_()
for call in range(1, 4):
    loss = ((X @ W_try + b_start - y) ** 2).mean()  # same W, same loss every time
    loss.backward()
    print(f"after backward() call {call}: W.grad = {W_try.grad.item():.4f}")
# --8<-- [end:accumulate]


# --8<-- [start:fit]
def fit(lr, steps=100, zero_grad=True):
    """The loop above, from the same start; returns the loss seen at every step."""
    W = W_start.clone().requires_grad_()
    b = b_start.clone().requires_grad_()
    history = []
    for _ in range(steps):
        loss = ((X @ W + b - y) ** 2).mean()
        history.append(loss.item())
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        if zero_grad:
            W.grad.zero_()
            b.grad.zero_()
    return history


with_zero = fit(lr, steps=300)
without_zero = fit(lr, steps=300, zero_grad=False)
print("step   with zero_()   without")
for step in range(0, 300, 25):
    print(f"{step:4d} {with_zero[step]:14.6f} {without_zero[step]:9.4f}")
# --8<-- [end:fit]

# --8<-- [start:lstsq]
with torch.no_grad():  # one more forward pass: the loss of the final W and b
    final_loss = ((X @ W + b - y) ** 2).mean().item()
A = torch.cat([X, torch.ones_like(X)], dim=1)  # columns x and 1: A @ [W, b] = X W + b
best = torch.linalg.lstsq(A.double(), y.double()).solution  # in float64: a far finer reference
best_loss = ((A.double() @ best - y.double()) ** 2).mean().item()
W_best, b_best = best[0, 0].item(), best[1, 0].item()

print(f"gradient descent  W {W.item():.4f}  b {b.item():.4f}  loss {final_loss:.6f}")
print(f"least squares     W {W_best:.4f}  b {b_best:.4f}  loss {best_loss:.6f}")
print(f"last update changed the loss by < 1e-6 of it: {abs(losses[-1] / final_loss - 1) < 1e-6}")
distance = max(abs(W.item() - W_best), abs(b.item() - b_best))
print(f"W and b within 1e-4 of the optimum: {distance < 1e-4}")
print(f"loss within 1e-6 of the optimum (relative): {abs(final_loss / best_loss - 1) < 1e-6}")
# --8<-- [end:lstsq]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from snippets.plots import save_figure

fig, ax = plt.subplots(figsize=(6, 4))
drawn = [float(f"{loss:.3g}") for loss in losses]  # 3 digits: all a plot shows, on any CPU
ax.plot(drawn, label="gradient descent (loss before each update)")
ax.axhline(best_loss, color="black", linestyle="--", label="least-squares optimum")
ax.set(yscale="log", xlabel="step", ylabel="mean squared error")
ax.legend()
save_figure(fig, "loss-curve.svg")
# --8<-- [end:plot]

# --8<-- [start:learning-rate]
for rate in (0.01, 0.05, 0.1, 0.5, 0.9, 1.0):
    print(f"lr {rate:<4}  loss at step 99: {fit(rate)[-1]:.2g}")
# --8<-- [end:learning-rate]

# --8<-- [start:curvature]
curvature = torch.linalg.eigvalsh(2 / len(X) * A.T @ A)  # the loss's second derivatives
print(curvature)
print(f"largest stable learning rate: {2 / curvature.max().item():.3f}")
# --8<-- [end:curvature]

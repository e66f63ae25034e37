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
# settled: the last 100 losses all within a millionth of each other
settled = [max(run[-100:]) / min(run[-100:]) - 1 < 1e-6 for run in (with_zero, without_zero)]
print(f"settled {settled[0]!s:>11} {settled[1]!s:>9}")
# --8<-- [end:fit]

# --8<-- [start:lstsq]
with torch.no_grad():  # one more forward pass: the loss of the final W and b
    final_loss = ((X @ W + b - y) ** 2).mean().item()
A = torch.cat([X, torch.ones_like(X)], dim=1)  # columns x and 1: A @ [W, b] = X W + b
best = torch.linalg.lstsq(A.double(), y.double()).solution  # in float64: a far finer reference
best_loss = ((A.double() @ best - y.double()) ** 2).mean().item()

print(f"gradient descent  W {W.item():.4f}  b {b.item():.4f}  loss {final_loss:.6f}")
print(f"least squares     W {best[0, 0]:.4f}  b {best[1, 0]:.4f}  loss {best_loss:.6f}")
print(f"loss within 1e-6 of the optimum (relative): {abs(final_loss / best_loss - 1) < 1e-6}")
# --8<-- [end:lstsq]

# --8<-- [start:how-close]
W_best, b_best = best.flatten().tolist()
print(f"last update changed the loss by < 1e-6 of it: {abs(losses[-1] / final_loss - 1) < 1e-6}")
distance = max(abs(W.item() - W_best), abs(b.item() - b_best))
print(f"W and b within 1e-4 of the optimum: {distance < 1e-4}")
# --8<-- [end:how-close]

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

# --8<-- [start:mini-batches]
batch_size = 20  # 100 points: 5 batches, so 5 steps per epoch
W_mb, b_mb = W_start.clone().requires_grad_(), b_start.clone().requires_grad_()  # Part 6's start
order = torch.randperm(len(X))  # the row numbers 0 to 99 in a random order (seeded above)

print("step  batch loss  dL/dW: from the batch, from all 100")
for step, first in enumerate(range(0, len(X), batch_size)):
    rows = order[first : first + batch_size]  # the next 20 rows of the shuffled order
    loss = ((X[rows] @ W_mb + b_mb - y[rows]) ** 2).mean()  # this batch's mean loss
    loss.backward()
    with torch.no_grad():
        full = (2 / len(X) * X.T @ (X @ W_mb + b_mb - y)).item()  # Part 6's formula
        print(f"{step:4d} {loss.item():11.3f} {W_mb.grad.item():22.3f} {full:13.3f}")
        for p in (W_mb, b_mb):
            p -= lr * p.grad
            p.grad.zero_()

with torch.no_grad():
    epoch_loss = ((X @ W_mb + b_mb - y) ** 2).mean().item()
print(f"loss after 1 epoch: {epoch_loss:.3f} (5 mini-batch steps), {losses[1]:.3f} (1 full step)")
# --8<-- [end:mini-batches]

# --8<-- [start:learning-rate]
for rate in (0.01, 0.05, 0.1, 0.5, 0.9, 1.0):
    history = fit(rate)
    if abs(history[-1] / best_loss - 1) < 0.01:  # within 1% of the optimal loss
        outcome = "converged"
    else:
        outcome = "exploded" if history[-1] > history[0] else "not yet"
    print(f"lr {rate:<4}  loss at step 99: {history[-1]:<7.2g}  {outcome}")
# --8<-- [end:learning-rate]

# --8<-- [start:curvature]
curvature = torch.linalg.eigvalsh(2 / len(X) * A.T @ A)  # the loss's second derivatives
print(curvature)
print(f"largest stable learning rate: {2 / curvature.max().item():.3f}")
# --8<-- [end:curvature]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_slow_fit(W_answer, b_answer):
    """Self-check: `W_answer` and `b_answer` must lie within 1e-3 of the least-squares optimum."""
    found = torch.cat([W_answer.detach().flatten(), b_answer.detach().flatten()]).double()
    verdict(lambda: torch.testing.assert_close(found, best.flatten(), rtol=0, atol=1e-3))


# --8<-- [end:exercise-1-check]


# --8<-- [start:exercise-1-solution]
def slow_fit(steps, lr=0.01):
    """The loop from fresh copies of the start, so that the trained W and b stay as they are."""
    W_slow = W_start.clone().requires_grad_()
    b_slow = b_start.clone().requires_grad_()
    for _ in range(steps):
        loss = ((X @ W_slow + b_slow - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W_slow -= lr * W_slow.grad
            b_slow -= lr * b_slow.grad
        W_slow.grad.zero_()
        b_slow.grad.zero_()
    return W_slow, b_slow


W_slow, b_slow = slow_fit(steps=500)
slow_distance = max(abs(W_slow.item() - W_best), abs(b_slow.item() - b_best))
print(f"W and b within 1e-4 of the optimum: {slow_distance < 1e-4}")
check_slow_fit(W_slow, b_slow)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_slow_fit(*slow_fit(steps=100))  # the page's 100 steps: too few at a fifth of the rate
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_largest_rate(rate):
    """Self-check: 500 steps must converge at `rate` and not at `rate` + 0.01."""

    def converges(lr):  # the loop from the start; within 1% of the optimal loss at the end?
        W_c, b_c = W_start.clone().requires_grad_(), b_start.clone().requires_grad_()
        for _ in range(500):
            loss = ((X @ W_c + b_c - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                W_c -= lr * W_c.grad
                b_c -= lr * b_c.grad
            W_c.grad.zero_()
            b_c.grad.zero_()
        return abs(loss.item() / best_loss - 1) < 0.01

    def test():
        assert abs(rate * 100 - round(rate * 100)) < 1e-6, f"{rate} is no multiple of 0.01"
        assert converges(rate), f"the loop does not converge at {rate}"
        assert not converges(rate + 0.01), f"the loop still converges at {rate + 0.01:.2f}"

    verdict(test)


# --8<-- [end:exercise-2-check]


# --8<-- [start:exercise-2-solution]
def loss_after(lr, steps=500):
    """The loop from the start at learning rate `lr`; the loss seen at its last step."""
    W_c, b_c = W_start.clone().requires_grad_(), b_start.clone().requires_grad_()
    for _ in range(steps):
        loss = ((X @ W_c + b_c - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W_c -= lr * W_c.grad
            b_c -= lr * b_c.grad
        W_c.grad.zero_()
        b_c.grad.zero_()
    return loss.item()


low, high = 5, 100  # in hundredths: 0.05 converges (the page's loop), 1.0 explodes
runs = 0
while high - low > 1:  # bisection: halve the gap between the two
    middle = (low + high) // 2
    runs += 1
    if abs(loss_after(middle / 100) / best_loss - 1) < 0.01:
        low = middle
    else:
        high = middle
rate = low / 100
print(f"largest learning rate that converges: {rate} (found in {runs} runs)")
check_largest_rate(rate)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
check_largest_rate(0.95)  # 2 / 2.116 = 0.945 rounded up: just past the limit
# --8<-- [end:exercise-2-wrong]

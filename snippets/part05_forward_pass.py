# --8<-- [start:data]
import matplotlib.pyplot as plt  # for the picture further down
import torch

from snippets.data import make_line_data
from snippets.plots import save_figure

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones
X, y = make_line_data(n=100, noise=0.1, seed=28)
print(X.shape, y.shape)
print(torch.cat([X[:3], y[:3]], dim=1))  # the first three points, as (x, y) pairs
# --8<-- [end:data]

# --8<-- [start:noise]
residual = y - (2 * X + 1)  # what the noise added to each point
print(residual.mean(), residual.std())
# --8<-- [end:noise]

# --8<-- [start:parameters]
W = torch.randn(1, 1, requires_grad=True)  # (features in, outputs)
b = torch.randn(1, requires_grad=True)  # one bias per output
print(W)
print(b)
print(W.is_leaf, W.requires_grad)
print(X.requires_grad, y.requires_grad)
# --8<-- [end:parameters]

# --8<-- [start:forward]
y_hat = X @ W + b

print((X @ W).shape)  # (100, 1) @ (1, 1) -> (100, 1)
print(y_hat.shape)  # (100, 1) + (1,)  -> (100, 1)
print(y_hat[:3])
print(y[:3])
# --8<-- [end:forward]

# --8<-- [start:grad-fn]
print(y_hat.requires_grad, y_hat.is_leaf)


def inputs_of(node):
    """The backward functions a node passes gradients on to (None: no gradient needed)."""
    return [None if f is None else type(f).__name__ for f, _ in node.next_functions]


add = y_hat.grad_fn
print(type(add).__name__, inputs_of(add))
mm = add.next_functions[0][0]
print(type(mm).__name__, inputs_of(mm))
print(add.next_functions[1][0].variable is b, mm.next_functions[1][0].variable is W)
print(y.grad_fn)
# --8<-- [end:grad-fn]

# --8<-- [start:plot]
line_x = torch.linspace(-3.5, 3.5, 2).unsqueeze(1)  # two points draw a straight line
with torch.no_grad():  # plotting is not part of the model: record nothing
    guess = line_x @ W + b

fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(X.cpu().squeeze(1), y.cpu().squeeze(1), s=12, label="data")
ax.plot(line_x.cpu(), 2 * line_x.cpu() + 1, color="black", linestyle="--", label="y = 2x + 1")
ax.plot(line_x.cpu(), guess.cpu(), color="tab:red", label="X @ W + b (random W, b)")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
save_figure(fig, "data-and-first-guess.svg")
# --8<-- [end:plot]

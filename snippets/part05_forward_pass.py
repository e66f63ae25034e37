# --8<-- [start:data]
import matplotlib.pyplot as plt  # for the picture further down
import torch

from snippets.data import make_line_data
from snippets.plots import save_figure

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones
X, y = make_line_data(n=100, noise=0.1, seed=28)
print(X.shape, y.shape)
residual = y - (2 * X + 1)  # what the noise added to each point
print(residual.mean(), residual.std())
# --8<-- [end:data]

# --8<-- [start:parameters]
W = torch.randn(1, 1, requires_grad=True)  # (features in, outputs)
b = torch.randn(1, requires_grad=True)  # one bias per output
print(W, b)
print(W.is_leaf, W.requires_grad, X.requires_grad)
# --8<-- [end:parameters]

# --8<-- [start:forward]
y_hat = X @ W + b
print((X @ W).shape, y_hat.shape)
print(torch.cat([y_hat, y], dim=1)[:3])  # first three predictions, next to their targets
# --8<-- [end:forward]

# --8<-- [start:plot]
line_x = torch.linspace(-3.5, 3.5, 2).unsqueeze(1)  # two points draw a straight line
with torch.inference_mode():  # a picture, not part of the model: record nothing
    guess = line_x @ W + b

fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(X.cpu(), y.cpu(), s=12, label="data")
ax.plot(line_x.cpu(), 2 * line_x.cpu() + 1, "k--", label="y = 2x + 1")
ax.plot(line_x.cpu(), guess.cpu(), color="tab:red", label="X @ W + b (random W, b)")
ax.set(xlabel="x", ylabel="y")
ax.legend()
save_figure(fig, "data-and-first-guess.svg")
# --8<-- [end:plot]

# --8<-- [start:grad-fn]
print(y_hat.requires_grad, y_hat.is_leaf, y.grad_fn)


def inputs_of(node):  # the functions a node hands gradients on to (None: needs none)
    return [None if f is None else type(f).__name__ for f, _ in node.next_functions]


add = y_hat.grad_fn
mm = add.next_functions[0][0]
print(type(add).__name__, inputs_of(add))
print(type(mm).__name__, inputs_of(mm))
print(add.next_functions[1][0].variable is b, mm.next_functions[1][0].variable is W)
# --8<-- [end:grad-fn]

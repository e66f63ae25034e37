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
print((X @ W).shape, y_hat.shape, "same shape as y:", y_hat.shape == y.shape)
print(torch.cat([y_hat, y], dim=1)[:3])  # side by side (Part 4's cat): first three rows
# --8<-- [end:forward]

# --8<-- [start:plot]
line_x = torch.linspace(-3.5, 3.5, 2).unsqueeze(1)  # x = -3.5 and 3.5 as a (2, 1) column
with torch.inference_mode():  # a picture, not part of the model: record nothing
    guess = line_x @ W + b

fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(X.cpu(), y.cpu(), s=12, label="data")  # matplotlib reads CPU tensors (Part 1's .cpu())
ax.plot(line_x.cpu(), 2 * line_x.cpu() + 1, "k--", label="y = 2x + 1")
ax.plot(line_x.cpu(), guess.cpu(), color="tab:red", label="X @ W + b (random W, b)")
ax.set(xlabel="x", ylabel="y")
ax.legend()
save_figure(fig, "data-and-first-guess.svg")  # writes the SVG file; shows nothing
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

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_new_predictions(answer):
    """Self-check: `answer` must hold the line's predictions at x = -1, 0, 1, 2 (shape (4, 1))."""

    def test():
        assert not answer.requires_grad, "it records a graph: predict the way the plot does"
        w, c = W.item(), b.item()  # the line's slope and intercept, as Python numbers
        expected = torch.tensor([[w * x + c] for x in (-1.0, 0.0, 1.0, 2.0)])
        torch.testing.assert_close(answer, expected, rtol=0, atol=1e-5)

    verdict(test)


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
x_new = torch.tensor([[-1.0], [0.0], [1.0], [2.0]])  # (4, 1): four examples of one feature
with torch.inference_mode():  # predictions to look at, not to learn from
    new_y_hat = x_new @ W + b
check_new_predictions(new_y_hat)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
with torch.inference_mode():  # the inputs as a row: (4,) * (1, 1) + (1,) gives shape (1, 4)
    check_new_predictions(torch.tensor([-1.0, 0.0, 1.0, 2.0]) * W + b)
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_two_features(answer):
    """Self-check: `answer` must hold the plane's three predictions (shape (3, 1)), tracked."""

    def test():
        assert answer.requires_grad, "the prediction records nothing: do W2 and b2 require grad?"
        expected = torch.tensor([[-0.5], [-1.5], [-3.5]])
        torch.testing.assert_close(answer, expected, rtol=0, atol=1e-5)

    verdict(test)


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
X2 = torch.tensor([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]])  # 3 examples, 2 features
W2 = torch.tensor([[3.0], [-2.0]], requires_grad=True)  # (features in, outputs) = (2, 1)
b2 = torch.tensor([0.5], requires_grad=True)  # one bias per output
y_hat2 = X2 @ W2 + b2  # (3, 2) @ (2, 1) -> (3, 1), then b2 broadcast to every row
check_two_features(y_hat2)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
X2 = torch.tensor([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]])
w2 = torch.tensor([3.0, -2.0], requires_grad=True)
b2 = torch.tensor([0.5], requires_grad=True)
check_two_features(X2 * w2 + b2)  # element-wise *: each product kept apart, never summed
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_crossing(answer):
    """Self-check: at the input `answer` (shape (1, 1)), X @ W + b must equal 2x + 1."""

    def test():
        assert answer.shape == (1, 1), f"shape {tuple(answer.shape)}, not (1, 1)"
        torch.testing.assert_close(answer @ W + b, 2 * answer + 1, rtol=0, atol=1e-4)

    verdict(test)


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
with torch.no_grad():  # a number worked out from W and b, not a step of the model
    x_cross = (b - 1) / (2 - W)  # from x W + b = 2 x + 1; (1,) / (1, 1) -> (1, 1)
print(f"x_cross = {x_cross.item():.2f}")
check_crossing(x_cross)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
with torch.no_grad():
    check_crossing((1 - b) / (2 - W))  # a sign slipped while solving for x
# --8<-- [end:exercise-3-wrong]

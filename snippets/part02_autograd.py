"""Part 2: requires_grad, the graph autograd records, grad_fn, leaves, and a picture of it."""

# --8<-- [start:requires-grad]
import torch

from snippets.autograd_graph import to_mermaid  # draws a backward graph, further down

features = torch.tensor([[1.0, 2.0], [3.0, 4.0]])  # data: we never change it, so no gradient
weight = torch.tensor([[0.5], [-1.0]], requires_grad=True)  # a parameter: we will learn it
bias = torch.zeros(1).requires_grad_()  # the same switch, flipped in place after creation
print(features.requires_grad, weight.requires_grad, bias.requires_grad)
# --8<-- [end:requires-grad]

# --8<-- [start:record]
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
x = torch.tensor(4.0, requires_grad=True)
y = a + b
z = x * y  # z = x * (a + b)
print(z, f"{z}")  # print shows the grad_fn; an f-string shows only the number
# --8<-- [end:record]

# --8<-- [start:grad-fn]
print(type(z.grad_fn).__name__)
print([type(function).__name__ for function, _ in z.grad_fn.next_functions])  # one per input
print(z.grad_fn.next_functions[0][0].variable is x)  # the first input: the leaf x
print(z.grad_fn.next_functions[1][0] is y.grad_fn)  # the second: y's backward function
# --8<-- [end:grad-fn]


# --8<-- [start:which-get-grad-fn]
def describe(label, t):
    name = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    print(f"{label:17} requires_grad={t.requires_grad!s:5} grad_fn={name!s:11} is_leaf={t.is_leaf}")


describe("weight (ours)", weight)
describe("features * 2", features * 2)
describe("features @ weight", features @ weight)
with torch.no_grad():
    describe("same, in no_grad", features @ weight)
# --8<-- [end:which-get-grad-fn]

# --8<-- [start:detach-shares]
describe("same, .detach()", (features @ weight).detach())
print(z.detach().data_ptr() == z.data_ptr())  # .detach() shares z's memory, outside the graph
# --8<-- [end:detach-shares]

# --8<-- [start:no-gradient]
no_gradient = [weight > 0, weight.argmax(), weight.long()]  # booleans, integers
print([t.grad_fn for t in no_gradient], weight.round().grad_fn.name())
# --8<-- [end:no-gradient]

# --8<-- [start:non-leaf-parameter]
scaled = torch.full((3,), 0.5, requires_grad=True) * 0.01  # the product is recorded
fixed = (torch.full((3,), 0.5) * 0.01).requires_grad_()  # scaled first, tracked last
(scaled.sum() + fixed.sum()).backward()
print(scaled.is_leaf, type(scaled.grad_fn).__name__)  # reading scaled.grad would warn: None
print(fixed.is_leaf, fixed.grad)
# --8<-- [end:non-leaf-parameter]

# --8<-- [start:draw]
print(to_mermaid(z, params={"a": a, "b": b, "x": x}, name="z"))
# --8<-- [end:draw]

# --8<-- [start:saved]
print(z.grad_fn._saved_self, z.grad_fn._saved_other)  # MulBackward0 keeps both factors
# --8<-- [end:saved]

# --8<-- [start:backward]
z.backward()  # runs the graph above, from z down to the AccumulateGrad nodes
print(a.grad, b.grad, x.grad)  # dz/da = x, dz/db = x, dz/dx = a + b
# --8<-- [end:backward]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_parameter(answer):
    """Self-check: `answer` must require grad, be a leaf and hold three values 0.01 (to 1e-7)."""

    def test():
        assert answer.requires_grad, "it does not require grad"
        name = type(answer.grad_fn).__name__
        assert answer.is_leaf, f"it has grad_fn={name}, so it is no leaf and gets no .grad"
        torch.testing.assert_close(answer.detach(), torch.full((3,), 0.01), rtol=0, atol=1e-7)

    verdict(test)


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
w = (torch.ones(3) * 0.01).requires_grad_()  # scale first, untracked; then switch tracking on
check_parameter(w)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_parameter(torch.ones(3, requires_grad=True) * 0.01)  # tracked first: the product is recorded
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_slope(answer):
    """Self-check: `answer` must be df/dc of f = c * c + 2 * c at c = 3 (within 1e-4)."""

    def f(c):
        return c * c + 2 * c

    h = 0.5
    reference = (f(3 + h) - f(3 - h)) / (2 * h)  # a central difference: exact for a quadratic
    verdict(lambda: torch.testing.assert_close(float(answer), reference, rtol=0, atol=1e-4))


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
c = torch.tensor(3.0, requires_grad=True)
f = c * c + 2 * c  # by hand: 2c + 2 = 8, because c * c uses c twice (c + c)
f.backward()
check_slope(c.grad)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
check_slope(torch.tensor(5.0))  # c * c differentiated as if c were used once: c + 2
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_pred_grad(answer):
    """Self-check: `answer` must be d(loss)/d(pred), the gradient reaching `pred` (to 1e-6)."""

    def test():
        assert answer is not None, "got None: pred is no leaf, so autograd did not keep its .grad"
        torch.testing.assert_close(answer, torch.tensor(-2.0), rtol=0, atol=1e-6)

    verdict(test)


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
scale = torch.tensor(0.5, requires_grad=True)
pred = scale * 4.0
pred.retain_grad()  # pred is no leaf: ask autograd to keep its gradient, before backward()
loss = (pred - 3.0) * (pred - 3.0)
loss.backward()
pred_grad = pred.grad  # 2 * (pred - 3) = -2; scale.grad is -8, four times as much
check_pred_grad(pred_grad)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
check_pred_grad(scale.grad)  # the leaf's gradient, not the one arriving at pred
# --8<-- [end:exercise-3-wrong]

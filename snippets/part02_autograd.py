"""Part 2: requires_grad, the graph autograd records, grad_fn, leaves, and a picture of it."""

# --8<-- [start:requires_grad]
import torch

from snippets.autograd_graph import to_mermaid  # draws a backward graph, further down

features = torch.tensor([[1.0, 2.0], [3.0, 4.0]])  # data: we never change it, so no gradient
weight = torch.tensor([[0.5], [-1.0]], requires_grad=True)  # a parameter: we will learn it
bias = torch.zeros(1).requires_grad_()  # the same switch, flipped in place after creation

print(features.requires_grad)
print(weight.requires_grad)
print(bias.requires_grad)
# --8<-- [end:requires_grad]

# --8<-- [start:record]
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
x = torch.tensor(4.0, requires_grad=True)

y = a + b
z = x * y  # z = x * (a + b)

print(y)
print(z)
print(f"z = {z}")  # formatting a 0-dim tensor shows its value only, not the grad_fn
# --8<-- [end:record]

# --8<-- [start:grad_fn]
print(type(z.grad_fn).__name__)
for function, _ in z.grad_fn.next_functions:  # where z's gradient goes next, one per input
    print(type(function).__name__)
print(z.grad_fn.next_functions[1][0] is y.grad_fn)  # the second input of the product is y
print(z.grad_fn.next_functions[0][0].variable is x)  # the first is the leaf x
# --8<-- [end:grad_fn]


# --8<-- [start:which_get_grad_fn]
def describe(label, tensor):
    grad_fn = type(tensor.grad_fn).__name__ if tensor.grad_fn is not None else None
    print(
        f"{label:<22} requires_grad={tensor.requires_grad!s:<5} grad_fn={grad_fn!s:<13} "
        f"is_leaf={tensor.is_leaf}"
    )


describe("a (made by us)", a)
describe("features (data)", features)
describe("features * 2", features * 2)
describe("features @ weight", features @ weight)
describe("a * 2", a * 2)
with torch.no_grad():
    describe("a * 2 under no_grad", a * 2)
describe("(a * 2).detach()", (a * 2).detach())
# --8<-- [end:which_get_grad_fn]

# --8<-- [start:detach_shares]
cut = z.detach()
print(cut)
print(cut.data_ptr() == z.data_ptr())  # the same memory, outside the graph
# --8<-- [end:detach_shares]

# --8<-- [start:draw]
print(to_mermaid(z, params={"a": a, "b": b, "x": x}, name="z"))
# --8<-- [end:draw]

# --8<-- [start:saved]
print(to_mermaid(z, params={"a": a, "b": b, "x": x}, saved=True))
# --8<-- [end:saved]

# --8<-- [start:backward]
z.backward()  # runs the graph above, from z down to the AccumulateGrad nodes

print(a.grad, b.grad, x.grad)  # dz/da = x, dz/db = x, dz/dx = a + b
# --8<-- [end:backward]

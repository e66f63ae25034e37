"""Part 1: tensors, their three creation patterns, and their shape, dtype and device."""

# --8<-- [start:from_data]
import torch

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones

counts = torch.tensor([[1, 2, 3], [4, 5, 6]])  # nested lists become rows and columns
prices = torch.tensor([0.5, 1.25, 2.0])  # one float makes the whole tensor float

print(counts)
print(counts.dtype)
print(prices.dtype)
# --8<-- [end:from_data]

# --8<-- [start:from_shape]
print(torch.zeros(2, 3))
print(torch.randn(2, 3))  # samples from the standard normal distribution
print(torch.arange(6).reshape(2, 3))  # 0, 1, ..., 5 laid out row by row
# --8<-- [end:from_shape]

# --8<-- [start:like]
template = torch.tensor([1, 2, 3])

print(torch.zeros_like(template))  # same shape, dtype and device as the template
print(torch.ones_like(template, dtype=torch.float32))  # any property can be overridden
print(torch.randn_like(template, dtype=torch.float32))
# --8<-- [end:like]

# --8<-- [start:attributes]
t = torch.randn(2, 3)
print(t.shape, t.ndim, t.numel())  # each dimension's length, how many dimensions, elements
print(t.dtype, t.device)  # the type of every element, where the memory lives

loss = torch.tensor(0.25)  # 0-dimensional: one number, an empty shape
print(loss.shape, loss.ndim, loss.item())  # .item() gives a plain Python float
# --8<-- [end:attributes]

# --8<-- [start:move]
device = torch.accelerator.current_accelerator(check_available=True) or torch.device("cpu")
t_on_device = t.to(device)
print(t_on_device.device, (t_on_device * 2).device)  # results stay where their inputs are
# --8<-- [end:move]

# --8<-- [start:integers_cannot_learn]
try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as error:
    print("requires_grad on int64:", error)

weights = torch.tensor([3, 4])
try:
    weights -= 0.1 * torch.tensor([1.0, 1.0])  # an update step, done in place
except RuntimeError as error:
    print("in-place update of int64:", error)
# --8<-- [end:integers_cannot_learn]

# --8<-- [start:float_parameters]
print(torch.tensor([3.0, 4.0], requires_grad=True))  # float: gradients can be tracked

token_ids = torch.tensor([2, 0])  # integers are right for labels, counts and indices
table = torch.tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
print(table[token_ids])  # an integer tensor selects rows of a float table
# --8<-- [end:float_parameters]

"""Part 1: tensors, their three creation patterns, and their shape, dtype and device."""

# --8<-- [start:from-data]
import torch

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones

counts = torch.tensor([[1, 2, 3], [4, 5, 6]])  # nested lists become rows and columns
prices = torch.tensor([0.5, 1.25, 2.0])  # one float makes the whole tensor float

print(counts)
print(counts.dtype)
print(prices.dtype)
# --8<-- [end:from-data]

# --8<-- [start:from-shape]
print(torch.zeros(2, 3))
print(torch.randn(2, 3))  # samples from the standard normal distribution
print(torch.arange(6).reshape(2, 3))  # 0, 1, ..., 5 laid out row by row
# --8<-- [end:from-shape]

# --8<-- [start:like]
template = torch.tensor([1, 2, 3])

print(torch.zeros_like(template))  # same shape, dtype and device as the template
print(torch.ones_like(template, dtype=torch.float32))  # the dtype (or device) can be overridden
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
print(counts.to(torch.float64).dtype, counts.float() is counts, t.float() is t)  # t: float32
# --8<-- [end:move]

# --8<-- [start:integers-cannot-learn]
try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as error:
    print("requires_grad on int64:", error)

weights = torch.tensor([3, 4])
try:
    weights -= 0.1 * torch.tensor([1.0, 1.0])  # an update step, done in place
except RuntimeError as error:
    print("in-place update of int64:", error)
print("out of place:", torch.tensor(3) + 0.1)  # a new float32 tensor: arithmetic is fine
# --8<-- [end:integers-cannot-learn]

# --8<-- [start:float-parameters]
print(torch.tensor([3.0, 4.0], requires_grad=True))  # float: gradients can be tracked

token_ids = torch.tensor([2, 0])  # integers are right for labels, counts and indices
table = torch.tensor([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
print(table[token_ids])  # an integer tensor selects rows of a float table
# --8<-- [end:float-parameters]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_grid(answer):
    """Self-check: `answer` must be float32, shape (3, 4), hold 0 to 11 row by row, on `device`."""
    expected = torch.tensor([[0.0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])

    def test():
        assert answer.device.type == device.type, f"it is on {answer.device}, not on {device}"
        torch.testing.assert_close(answer, expected, rtol=0, atol=1e-6, check_device=False)

    verdict(test)


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
grid = torch.arange(12, dtype=torch.float32, device=device).reshape(3, 4)
check_grid(grid)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_grid(torch.arange(12).reshape(3, 4).to(device))  # forgot the dtype: int64
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_update(answer):
    """Self-check: `answer` must hold 3 - 0.1 and 4 - 0.1 as float32 (within 1e-6)."""
    expected = torch.tensor([2.9, 3.9])
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-6))


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
params = weights.to(torch.float32)  # .to takes a dtype as well as a device: a float copy
params -= 0.1 * torch.tensor([1.0, 1.0])  # the same in-place step now fits
check_update(params)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
step = 0.1 * torch.tensor([1.0, 1.0])
check_update(weights - step.long())  # the step cast to int64 instead: 0.1 becomes 0
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_rows(answer):
    """Self-check: `answer` must hold the rows of `table` for ids 2, 0, 1, 2 (within 1e-6)."""
    expected = torch.tensor([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-6))


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
ids = torch.tensor([2.0, 0.0, 1.0, 2.0])
try:
    table[ids]
except IndexError as error:
    print("float ids:", error)
rows = table[ids.long()]  # convert the ids, not the table: its values must stay fractions
check_rows(rows)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
float_ids = torch.tensor([2.0, 0.0, 1.0, 2.0])
check_rows(table.long()[float_ids.long()])  # everything cast to int64: 0.1 to 0.6 become 0
# --8<-- [end:exercise-3-wrong]

# --8<-- [start:basic]
import torch

x = torch.arange(12).reshape(3, 4)
print(x)
print(x[1], x[:, 2])  # row 1, column 2
print(x[1, -1], x[1, -1].item())  # one entry (the last of row 1): a 0-dim tensor, then a number
print(x[1:3, ::2])  # rows 1-2 (the stop is excluded), every second column
print(x[1].shape, x[1:2].shape)  # an integer removes the axis, a slice keeps it
# --8<-- [end:basic]

# --8<-- [start:mask]
print(x[x > 6])  # every entry above 6, in row-major order
keep = torch.tensor([True, False, True])  # one flag per row
print(x[keep])  # rows 0 and 2, whole
# --8<-- [end:mask]

# --8<-- [start:row-mask]
print(x[x[:, 0] > 3])  # the rows whose first entry is above 3
# --8<-- [end:row-mask]

# --8<-- [start:where]
scores = torch.tensor([-1.5, 0.5, 2.0, -0.2])
print(torch.where(scores > 0, scores, 0.0))  # keep the positives, zero elsewhere: ReLU

rows, cols = torch.where(x > 8)  # the positions, one tensor per axis
print(rows, cols, x[rows, cols])
# --8<-- [end:where]

# --8<-- [start:argmax-topk]
logits = torch.tensor([[0.1, 2.5, 0.3, 1.7], [3.0, -1.0, 0.2, 2.9]])
print(logits.argmax(dim=1), logits.argmax())  # the best column per row; a flat position

top = logits.topk(2, dim=1)  # the two largest of each row, largest first
print(top.values)
print(top.indices)
# --8<-- [end:argmax-topk]

# --8<-- [start:gather]
probs = torch.tensor([[0.1, 0.6, 0.3], [0.7, 0.2, 0.1], [0.2, 0.3, 0.5]])
targets = torch.tensor([1, 0, 2])  # the right column differs from row to row

picked = probs.gather(dim=1, index=targets.unsqueeze(1))  # index shape (3, 1)
print(picked)
# --8<-- [end:gather]

# --8<-- [start:arange-index]
picked_too = probs[torch.arange(3), targets]  # pairs (0, 1), (1, 0), (2, 2)
print(picked_too)
print("equal numbers:", torch.equal(picked_too, picked[:, 0]))  # [:, 0]: (3, 1) -> (3,)
# --8<-- [end:arange-index]

# --8<-- [start:gather-two]
two_each = torch.tensor([[1, 2], [0, 0], [2, 1]])
print(probs.gather(dim=1, index=two_each))
# --8<-- [end:gather-two]

# --8<-- [start:views]
y = torch.arange(6)
y[1:3].fill_(100)  # a slice is a view: the write lands in y
y[y > 3].fill_(200)  # a mask's result is a copy: the write is lost
y[torch.tensor([0, 5])].fill_(300)  # so is an integer tensor's
print(y)

y[y > 3] = -1  # indexing on the left of = writes into y itself
print(y)
# --8<-- [end:views]

# --8<-- [start:storage]
t = torch.arange(12).reshape(3, 4)


def shares_memory(part):
    return part.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()


# basic: an integer, a slice, None and ...
print(shares_memory(t[1]), shares_memory(t[:, 1:3]), shares_memory(t[None, ..., 0]))
# advanced: a mask, a list, an integer tensor
print(shares_memory(t[t > 6]), shares_memory(t[[0, 2]]), shares_memory(t[torch.tensor([0, 2])]))
print(shares_memory(t[torch.tensor(1)]))  # a 0-dim integer tensor acts as a plain integer
print(shares_memory(t[:2].clone()))  # a clone has its own memory
# --8<-- [end:storage]

# --8<-- [start:shape]
m = torch.arange(6).view(2, 3)  # the same six numbers as 2 rows of 3: a view
print(m.reshape(3, -1).shape, m.flatten().shape)  # -1: the size that fits
print(m.unsqueeze(0).shape, m[:, None].shape, m[None].squeeze(0).shape)  # size-1 axes in, out
mt = m.T  # (3, 2), same as m.transpose(0, 1): a view reading m's memory column by column
try:
    mt.view(6)
except RuntimeError as error:
    print(f"RuntimeError: {error}")
print(mt.reshape(6))  # reshape copies when no view can give this order
print(torch.cat([m, m]).shape, torch.cat([m, m], dim=1).shape, torch.stack([m, m]).shape)
# --8<-- [end:shape]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_row_max(answer):
    """Self-check: `answer` must hold each row's largest probability (a tensor of shape (3,))."""
    expected = torch.tensor([0.6, 0.7, 0.5])
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-6))


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
best_column = probs.argmax(dim=1, keepdim=True)  # shape (3, 1), the index gather wants
row_max = probs.gather(dim=1, index=best_column).squeeze(1)  # (3, 1) -> (3,)
print("same as max(dim=1).values:", torch.equal(row_max, probs.max(dim=1).values))
check_row_max(row_max)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_row_max(probs.gather(dim=0, index=probs.argmax(dim=1, keepdim=True)).squeeze(1))
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_positive_mean(answer):
    """Self-check: `answer` must be the mean of the positive entries of `scores` (one number)."""

    def test():
        got = float(answer)
        assert abs(got - 1.25) < 1e-6, f"got {got:.4f}, expected 1.2500"

    verdict(test)


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
positive_mean = scores[scores > 0].mean()  # the mask keeps 0.5 and 2.0 only
print("torch.where instead:", torch.where(scores > 0, scores, 0.0).mean())  # zeros counted
check_positive_mean(positive_mean)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
check_positive_mean(torch.where(scores > 0, scores, 0.0).mean())  # the zeros are counted too
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_runner_up(answer, logits):
    """Self-check: `answer` must hold each row's second-largest logit, `logits` be unchanged."""
    original = torch.tensor([[0.1, 2.5, 0.3, 1.7], [3.0, -1.0, 0.2, 2.9]])

    def test():
        assert torch.equal(logits, original), f"`logits` was changed, it now holds\n{logits}"
        torch.testing.assert_close(answer, torch.tensor([1.7, 2.9]), rtol=0, atol=1e-6)

    verdict(test)


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
masked = logits.clone()  # its own memory: the write below leaves logits alone
masked[torch.arange(2), logits.argmax(dim=1)] = float("-inf")  # hide each row's maximum
runner_up = masked.max(dim=1).values
check_runner_up(runner_up, logits)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
masked = logits[:]  # a slice, so a view: the write below lands in logits
masked[torch.arange(2), logits.argmax(dim=1)] = float("-inf")
check_runner_up(masked.max(dim=1).values, logits)
# --8<-- [end:exercise-3-wrong]

# --8<-- [start:basic]
import torch

x = torch.arange(12).reshape(3, 4)
print(x)

print(x[1])  # row 1
print(x[:, 2])  # column 2
print(x[1, 3])  # one entry: still a tensor, with no dimensions
print(x[1, 3].item())  # the Python number inside it
print(x[-1])  # negative indices count from the end
# --8<-- [end:basic]

# --8<-- [start:slicing]
print(x[0:2, 1:3])  # rows 0-1, columns 1-2: the stop index is excluded
print(x[:, ::2])  # every second column

print(x[1].shape)  # an integer index removes the axis
print(x[1:2].shape)  # a slice keeps it, with size 1
# --8<-- [end:slicing]

# --8<-- [start:views]
corner = x[:2, :2]  # a view: no numbers are copied
corner[0, 0] = 100
print(x[0])  # the write went through to x
x[0, 0] = 0  # put the original value back

copy = x[:2, :2].clone()  # a copy with its own memory
copy[0, 0] = 100
print(x[0])  # x is untouched
# --8<-- [end:views]

# --8<-- [start:mask]
mask = x > 6
print(mask)
print(x[mask])
print(x[mask].shape)
# --8<-- [end:mask]

# --8<-- [start:row-mask]
keep = torch.tensor([True, False, True])  # one flag per row
print(x[keep])
print(x[keep].shape)

print(x[x[:, 0] > 3])  # the rows whose first entry is above 3
# --8<-- [end:row-mask]

# --8<-- [start:mask-assign]
y = x.clone()
y[y % 2 == 1] = 0  # set every odd entry to zero
print(y)
# --8<-- [end:mask-assign]

# --8<-- [start:where]
scores = torch.tensor([-1.5, 0.5, 2.0, -0.2])
print(torch.where(scores > 0, scores, 0.0))  # keep the positives, zero elsewhere
print(torch.where(scores > 0, 1, -1))  # a sign, from two scalars
# --8<-- [end:where]

# --8<-- [start:where-indices]
rows, cols = torch.where(x > 8)
print(rows)
print(cols)
print(x[rows, cols])
# --8<-- [end:where-indices]

# --8<-- [start:argmax-topk]
logits = torch.tensor([[0.1, 2.5, 0.3, 1.7], [3.0, -1.0, 0.2, 2.9]])

print(logits.argmax(dim=1))  # the best column of each row
print(logits.argmax())  # no dim: a position in the flattened tensor

top = logits.topk(2, dim=1)  # the two largest of each row, largest first
print(top.values)
print(top.indices)
# --8<-- [end:argmax-topk]

# --8<-- [start:gather]
probs = torch.tensor(
    [
        [0.1, 0.6, 0.2, 0.1],
        [0.7, 0.1, 0.1, 0.1],
        [0.2, 0.2, 0.5, 0.1],
    ]
)
targets = torch.tensor([1, 0, 3])  # the right column differs from row to row

picked = probs.gather(dim=1, index=targets.unsqueeze(1))  # index shape (3, 1)
print(picked)
print(picked.shape)
# --8<-- [end:gather]

# --8<-- [start:arange-index]
rows = torch.arange(len(targets))  # tensor([0, 1, 2])
picked_too = probs[rows, targets]  # pairs (0, 1), (1, 0), (2, 3)
print(picked_too)
print(picked_too.shape)

print(torch.equal(picked.squeeze(1), picked_too))
# --8<-- [end:arange-index]

# --8<-- [start:gather-two]
two_each = torch.tensor([[1, 2], [0, 0], [3, 2]])
print(probs.gather(dim=1, index=two_each))
# --8<-- [end:gather-two]

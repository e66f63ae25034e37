# --8<-- [start:elementwise]
import torch

a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b = torch.tensor([[5.0, 6.0], [7.0, 8.0]])

print(a * b)  # position by position: 1*5, 2*6, 3*7, 4*8
# --8<-- [end:elementwise]

# --8<-- [start:matmul]
print(a @ b)
# The top-left entry is row 0 of a against column 0 of b:
print((a[0] * b[:, 0]).sum())  # 1*5 + 2*7
# --8<-- [end:matmul]

# --8<-- [start:matmul-shapes]
m = torch.ones(2, 3)
print((m @ torch.ones(3, 4)).shape)  # (2, 3) @ (3, 4)
print((m @ torch.ones(3)).shape)  # (2, 3) @ (3,)
print((torch.ones(5, 2, 3) @ torch.ones(3, 4)).shape)  # a stack of five (2, 3) matrices
# --8<-- [end:matmul-shapes]

# --8<-- [start:matmul-error]
m = torch.ones(2, 3)
try:
    m @ m  # (2, 3) @ (2, 3): inner sizes 3 and 2 differ
except RuntimeError as error:
    print(f"RuntimeError: {error}")

print((m @ m.T).shape)  # (2, 3) @ (3, 2)
# --8<-- [end:matmul-error]

# --8<-- [start:broadcast-works]
column = torch.tensor([[0], [10], [20]])  # shape (3, 1)
row = torch.tensor([1, 2, 3, 4])  # shape (4,), treated as (1, 4)

grid = column + row
print(grid)
print(grid.shape)
# --8<-- [end:broadcast-works]

# --8<-- [start:broadcast-fails]
table = torch.zeros(2, 3)
per_row = torch.tensor([1.0, 2.0])  # shape (2,): one number per row, or so we hoped

try:
    table + per_row
except RuntimeError as error:
    print(f"RuntimeError: {error}")

print(table + per_row[:, None])  # (2, 3) + (2, 1) works
# --8<-- [end:broadcast-fails]

# --8<-- [start:reductions]
sales = torch.tensor([[4.0, 0.0, 2.0], [1.0, 3.0, 5.0]])

print(sales.sum())
print(sales.mean())
print(sales.max())
print(sales.min())
# --8<-- [end:reductions]

# --8<-- [start:mean-int]
counts = torch.tensor([1, 2, 4])
try:
    counts.mean()
except RuntimeError as error:
    print(f"RuntimeError: {error}")

print(counts.float().mean())
# --8<-- [end:mean-int]

# --8<-- [start:dim]
sales = torch.tensor([[4.0, 0.0, 2.0], [1.0, 3.0, 5.0]])

print(sales.shape)
print(sales.sum(dim=0), sales.sum(dim=0).shape)  # dim 0 (the shops) collapses
print(sales.sum(dim=1), sales.sum(dim=1).shape)  # dim 1 (the days) collapses
# --8<-- [end:dim]

# --8<-- [start:dim-3d]
cube = torch.ones(2, 3, 4)
for d in range(3):
    print(f"sum(dim={d}):", cube.sum(dim=d).shape)
print("sum(dim=(0, 2)):", cube.sum(dim=(0, 2)).shape)
# --8<-- [end:dim-3d]

# --8<-- [start:max-dim]
best = sales.max(dim=1)
print(best)
print(best.values, best.indices)
# --8<-- [end:max-dim]

# --8<-- [start:keepdim]
print(sales.mean(dim=1).shape)
print(sales.mean(dim=1, keepdim=True).shape)

centred = sales - sales.mean(dim=1, keepdim=True)  # (2, 3) - (2, 1)
print(centred)
print(centred.mean(dim=1))
# --8<-- [end:keepdim]

# --8<-- [start:keepdim-trap]
square = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])

wrong = square - square.mean(dim=1)  # (3, 3) - (3,): lines up with the columns
right = square - square.mean(dim=1, keepdim=True)  # (3, 3) - (3, 1): lines up with the rows
print(wrong)
print(right)
# --8<-- [end:keepdim-trap]

# --8<-- [start:products]
import torch

a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b = torch.tensor([[5.0, 6.0], [7.0, 8.0]])

print(a * b)  # position by position: 1*5, 2*6, 3*7, 4*8
print(a @ b)  # top left: row 0 of a against column 0 of b, 1*5 + 2*7
# --8<-- [end:products]

# --8<-- [start:matmul-shapes]
m = torch.ones(2, 3)
print((m @ torch.ones(3, 4)).shape, (m @ torch.ones(3)).shape)  # the table's rows 1 and 2
print((torch.ones(5, 2, 3) @ torch.ones(3, 4)).shape)  # row 3: five (2, 3) matrices
# --8<-- [end:matmul-shapes]

# --8<-- [start:matmul-error]
m = torch.ones(2, 3)
try:
    m @ m  # (2, 3) @ (2, 3): inner sizes 3 and 2 differ
except RuntimeError as error:
    print(f"RuntimeError: {error}")
print((m @ m.T).shape)  # (2, 3) @ (3, 2)
# --8<-- [end:matmul-error]

# --8<-- [start:broadcasting]
table = torch.zeros(2, 3)
per_row = torch.tensor([1.0, 2.0])  # shape (2,): one number per row, or so we hoped
try:
    table + per_row
except RuntimeError as error:
    print(f"RuntimeError: {error}")
print(table + per_row[:, None])  # (2, 3) + (2, 1)
# --8<-- [end:broadcasting]

# --8<-- [start:broadcast-both]
column = torch.tensor([[0], [10]])  # shape (2, 1)
row = torch.tensor([1, 2, 3])  # shape (3,), read as (1, 3)
print(column + row)  # (2, 3): every row plus every column
# --8<-- [end:broadcast-both]

# --8<-- [start:reductions]
sales = torch.tensor([[4.0, 0.0, 2.0], [1.0, 3.0, 5.0]])  # 2 shops, 3 days

print(sales.sum(), sales.mean(), sales.max(), sales.min())
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
print(sales.sum(dim=0))  # the shops collapse: one total per day, shape (3,)
print(sales.sum(dim=1))  # the days collapse: one total per shop, shape (2,)

best = sales.max(dim=1)  # a named tuple: (values, indices)
print(best.values, best.indices)
# --8<-- [end:dim]

# --8<-- [start:dim-3d]
cube = torch.ones(2, 3, 4)
for d in range(3):
    print(f"sum(dim={d}):", cube.sum(dim=d).shape)
print("sum(dim=(0, 2)):", cube.sum(dim=(0, 2)).shape)
# --8<-- [end:dim-3d]

# --8<-- [start:keepdim]
row_means = sales.mean(dim=1, keepdim=True)
print(row_means.shape, sales.mean(dim=1).shape)  # (2, 1) with keepdim, (2,) without
print(sales - row_means)  # (2, 3) - (2, 1): each row minus its own mean
# --8<-- [end:keepdim]

# --8<-- [start:keepdim-trap]
square = torch.tensor([[1.0, 3.0], [5.0, 7.0]])  # row means 2 and 6

wrong = square - square.mean(dim=1)  # (2, 2) - (2,): the means run along the columns
right = square - square.mean(dim=1, keepdim=True)  # (2, 2) - (2, 1): each row its own
print(wrong)
print(right)
print("row means:", wrong.mean(dim=1), right.mean(dim=1))
# --8<-- [end:keepdim-trap]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_revenue(answer):
    """Self-check: `answer` must hold each shop's revenue (a tensor of shape (2,))."""
    expected = torch.tensor([14.0, 20.0])
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-5))


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
price = torch.tensor([2.0, 1.0, 3.0])  # per unit, one price per day
revenue = sales @ price  # (2, 3) @ (3,) -> (2,): the days meet and are summed
print("same as (sales * price).sum(dim=1):", torch.equal(revenue, (sales * price).sum(dim=1)))
check_revenue(revenue)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_revenue((sales * torch.tensor([2.0, 1.0, 3.0])).sum(dim=0))  # summed over the shops
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_shares(answer):
    """Self-check: `answer` must hold each day's share of its shop's sales (shape (2, 3))."""
    expected = torch.tensor([[0.666667, 0.0, 0.333333], [0.111111, 0.333333, 0.555556]])
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-5))


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
shares = sales / sales.sum(dim=1, keepdim=True)  # (2, 3) / (2, 1): each row by its own total
check_shares(shares)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
check_shares(sales / sales.sum(dim=0, keepdim=True))  # each shop's share of the day's sales
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_day_distances(answer):
    """Self-check: `answer` must hold the squared distances between days (shape (3, 3))."""
    expected = torch.tensor([[0.0, 20.0, 20.0], [20.0, 0.0, 8.0], [20.0, 8.0, 0.0]])
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-5))


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
diff = sales[:, :, None] - sales[:, None, :]  # (2, 3, 1) - (2, 1, 3) -> (2, 3, 3)
day_distances = (diff * diff).sum(dim=0)  # add up over the shops, the coordinates
check_day_distances(day_distances)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
diff = sales[:, None, :] - sales[None, :, :]  # (2, 1, 3) - (1, 2, 3): shops against shops
check_day_distances((diff * diff).sum(dim=2))
# --8<-- [end:exercise-3-wrong]

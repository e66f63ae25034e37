"""The introduction: the five-step loop, written twice (raw tensors and torch.nn)."""

# --8<-- [start:data]
import torch

torch.manual_seed(0)  # nn.Linear below starts from random numbers: seed them

# Four points on the line y = 2x + 1: the loop should discover W = 2 and b = 1.
X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y = 2 * X + 1
# --8<-- [end:data]

# --8<-- [start:loop-from-scratch]
W = torch.zeros(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.05

for step in range(200):
    y_hat = X @ W + b  # 1. prediction
    loss = ((y_hat - y) ** 2).mean()  # 2. loss
    loss.backward()  # 3. gradients
    with torch.no_grad():
        W -= lr * W.grad  # 4. update
        b -= lr * b.grad
    W.grad.zero_()  # 5. reset
    b.grad.zero_()
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")

print(f"W = {W.item():.4f}, b = {b.item():.4f}")
# --8<-- [end:loop-from-scratch]

# --8<-- [start:loop-torch-nn]
from torch import nn

model = nn.Linear(1, 1)
nn.init.zeros_(model.weight)  # start where the raw version started,
nn.init.zeros_(model.bias)  # so the two runs can be compared number for number
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

for step in range(200):
    y_hat = model(X)  # 1. prediction
    loss = criterion(y_hat, y)  # 2. loss
    loss.backward()  # 3. gradients
    optimizer.step()  # 4. update
    optimizer.zero_grad()  # 5. reset
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")

print(f"W = {model.weight.item():.4f}, b = {model.bias.item():.4f}")
same = torch.allclose(model.weight, W) and torch.allclose(model.bias, b)  # to float rounding
print("same W and b as from scratch:", same)
# --8<-- [end:loop-torch-nn]

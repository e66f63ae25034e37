# --8<-- [start:loop]
import torch

x = torch.tensor([1.0, 2.0])
print(x * 2)
# --8<-- [end:loop]

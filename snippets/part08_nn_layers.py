# --8<-- [start:imports]
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones

from snippets.plots import save_figure

# --8<-- [end:imports]

# --8<-- [start:linear]
layer = nn.Linear(in_features=3, out_features=2)
print("weight:", tuple(layer.weight.shape), " bias:", tuple(layer.bias.shape))
print(type(layer.weight).__name__, layer.weight.requires_grad)

x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])  # 2 samples, 3 features each
by_layer = layer(x)
by_hand = x @ layer.weight.T + layer.bias
print(by_layer)
print("same as x @ W.T + b:", torch.equal(by_layer, by_hand))
# --8<-- [end:linear]

# --8<-- [start:linear-init]
big = nn.Linear(in_features=1024, out_features=512)
bound = 1 / math.sqrt(big.in_features)
print(f"1/sqrt(in_features)      = {bound:.5f}")
print(f"weight min, max          = {big.weight.min():.5f}, {big.weight.max():.5f}")
print(f"bias   min, max          = {big.bias.min():.5f}, {big.bias.max():.5f}")
print(f"weight std               = {big.weight.std():.5f}")
print(f"std of U(-bound, bound)  = {bound / math.sqrt(3):.5f}")
# --8<-- [end:linear-init]

# --8<-- [start:relu]
z = torch.tensor([-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5])
relu = nn.ReLU()
print(relu(z))
print(torch.equal(relu(z), torch.clamp(z, min=0)))
# --8<-- [end:relu]

# --8<-- [start:gelu]
gelu = nn.GELU()  # approximate="none": the exact definition
gelu_tanh = nn.GELU(approximate="tanh")

exact = z * 0.5 * (1 + torch.erf(z / math.sqrt(2)))  # x * Phi(x)
approx = 0.5 * z * (1 + torch.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))

print(gelu(z))
print(gelu_tanh(z))
# The formulas round differently from the library's kernels: compare to float32's resolution.
same_exact = torch.allclose(gelu(z), exact, rtol=0, atol=1e-6)
same_tanh = torch.allclose(gelu_tanh(z), approx, rtol=0, atol=1e-6)
print("nn.GELU() is x*Phi(x) to 1e-6:", same_exact)
print("nn.GELU('tanh') is the tanh formula to 1e-6:", same_tanh)
print(f"exact GELU vs tanh GELU, largest gap: {(gelu(z) - gelu_tanh(z)).abs().max():.1e}")
# --8<-- [end:gelu]

# --8<-- [start:softmax]
logits = torch.tensor([[2.0, 1.0, 0.1, -1.0], [0.5, 0.5, 0.5, 0.5], [10.0, 0.0, 0.0, 0.0]])
softmax = nn.Softmax(dim=-1)  # normalise along the last dimension: one distribution per row
probs = softmax(logits)
print(probs)
print("row sums:", probs.sum(dim=-1))
print("as Python floats:", probs.sum(dim=-1).tolist())
print("same as exp / sum(exp):", torch.allclose(probs, logits.exp() / logits.exp().sum(-1, True)))
# --8<-- [end:softmax]

# --8<-- [start:softmax-wrong-dim]
print(nn.Softmax(dim=0)(logits).sum(dim=0))  # each column sums to one instead
# --8<-- [end:softmax-wrong-dim]

# --8<-- [start:activation-plot]
# float64: the float32 kernels differ in the last bit from one processor to another, and the
# picture should not.
grid = torch.linspace(-4, 4, 161, dtype=torch.float64)
curves = {
    "ReLU": nn.ReLU()(grid),
    "GELU (exact)": nn.GELU()(grid),
    "SiLU": nn.SiLU()(grid),
}
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
for name, values in curves.items():
    left.plot(grid.cpu(), values.cpu(), label=name)
left.set(title="Activation functions", xlabel="x", ylabel="f(x)")
left.axhline(0, color="grey", linewidth=0.5)
left.legend()
gap = nn.GELU()(grid) - nn.GELU(approximate="tanh")(grid)
right.plot(grid.cpu(), gap.cpu(), color="tab:red")
right.set(title="exact GELU minus tanh GELU", xlabel="x")
right.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
fig.tight_layout()
save_figure(fig, "activations.svg")
# --8<-- [end:activation-plot]

# --8<-- [start:embedding]
embedding = nn.Embedding(num_embeddings=10, embedding_dim=4)  # 10 token ids, 4 numbers each
print("weight:", tuple(embedding.weight.shape))

token_ids = torch.tensor([[1, 4, 4, 9], [0, 2, 7, 1]])  # 2 sequences of 4 tokens
vectors = embedding(token_ids)
print("output:", tuple(vectors.shape))
print("rows of the weight:", torch.equal(vectors, embedding.weight[token_ids]))
print("the two 4s are the same row:", torch.equal(vectors[0, 1], vectors[0, 2]))
# --8<-- [end:embedding]

# --8<-- [start:embedding-one-hot]
one_hot = nn.functional.one_hot(token_ids, num_classes=10).float()
print(torch.allclose(one_hot @ embedding.weight, vectors))
# --8<-- [end:embedding-one-hot]

# --8<-- [start:layernorm]
features = torch.tensor([[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 20.0]])
norm = nn.LayerNorm(normalized_shape=4)  # normalise over the last dimension, of size 4

mean = features.mean(dim=-1, keepdim=True)  # 1. the mean of each row
var = features.var(dim=-1, keepdim=True, correction=0)  # 2. its variance (divide by n)
by_hand = (features - mean) / torch.sqrt(var + norm.eps)  # 3. centre and scale
by_hand = by_hand * norm.weight + norm.bias  # then the learnable scale and shift: 1 and 0

out = norm(features)
print(out)
print("matches the three steps:", torch.allclose(out, by_hand, atol=1e-6))
# --8<-- [end:layernorm]

# --8<-- [start:layernorm-std]
print("mean:          ", out.mean(dim=-1))
print("std (n - 1):   ", out.std(dim=-1))
print("std (n):       ", out.std(dim=-1, correction=0))
print(f"sqrt(4 / 3)  = {math.sqrt(4 / 3):.4f}")
# --8<-- [end:layernorm-std]

# --8<-- [start:dropout]
dropout = nn.Dropout(p=0.2)
print("a new module is in training mode:", dropout.training)

ones = torch.ones(2, 8)
print(dropout(ones))  # about 1 in 5 zeroed, the others scaled by 1 / (1 - 0.2)

dropout.eval()
print("after eval():", dropout.training)
print(dropout(ones))
# --8<-- [end:dropout]

# --8<-- [start:dropout-average]
dropout.train()
many = dropout(torch.ones(100_000))
print(f"zeroed: {(many == 0).float().mean():.4f}   mean: {many.mean():.4f}")
# --8<-- [end:dropout-average]

# --8<-- [start:rmsnorm]
rms_norm = nn.RMSNorm(normalized_shape=4)  # eps=None: float32's machine epsilon
rms = torch.sqrt(features.pow(2).mean(dim=-1, keepdim=True) + torch.finfo(torch.float32).eps)
print(rms_norm(features))
print("x / rms(x) * weight:", torch.allclose(rms_norm(features), features / rms * rms_norm.weight))
print("RMSNorm parameters:  ", [name for name, _ in rms_norm.named_parameters()])
print("LayerNorm parameters:", [name for name, _ in norm.named_parameters()])
# --8<-- [end:rmsnorm]

# --8<-- [start:silu]
silu = nn.SiLU()
print(silu(z))
print("x * sigmoid(x):", torch.allclose(silu(z), z * torch.sigmoid(z)))
# --8<-- [end:silu]

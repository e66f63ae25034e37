# --8<-- [start:imports]
import math

import torch

torch.manual_seed(0)  # seed the random numbers: every run draws the same ones

from torch import nn

# --8<-- [end:imports]

# --8<-- [start:linear]
layer = nn.Linear(in_features=3, out_features=2)
w, b = layer.weight, layer.bias
print("weight", tuple(w.shape), "bias", tuple(b.shape), type(w).__name__, w.requires_grad)

x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])  # 2 samples, 3 features each
print(layer(x).grad_fn.name(), "same as x @ W.T + b:", torch.equal(layer(x), x @ w.T + b))
# --8<-- [end:linear]

# --8<-- [start:linear-init]
big = nn.Linear(in_features=1024, out_features=512)
bound = 1 / math.sqrt(big.in_features)
print(f"bound {bound:.5f}   weight min {big.weight.min():.5f}, max {big.weight.max():.5f}")
print(f"weight std {big.weight.std():.5f}   bound / sqrt(3) {bound / math.sqrt(3):.5f}")
# --8<-- [end:linear-init]

# --8<-- [start:linear-init-kaiming]
gain = nn.init.calculate_gain("leaky_relu", math.sqrt(5))  # sqrt(2 / (1 + 5)) = sqrt(1/3)
print(f"kaiming bound {gain * math.sqrt(3 / 1024):.5f}   1/sqrt(1024) {1 / math.sqrt(1024):.5f}")
print(f"bias min {big.bias.min():.5f}, max {big.bias.max():.5f}")
# --8<-- [end:linear-init-kaiming]

# --8<-- [start:relu]
z = torch.tensor([-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5])
print(nn.ReLU()(z), torch.equal(nn.ReLU()(z), z.clamp(min=0)))
# --8<-- [end:relu]

# --8<-- [start:gelu]
gelu, gelu_tanh = nn.GELU(), nn.GELU(approximate="tanh")  # default approximate="none": exact
exact = z * 0.5 * (1 + torch.erf(z / math.sqrt(2)))  # x * Phi(x)
tanh_form = 0.5 * z * (1 + torch.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))
print("x*Phi(x) to 1e-6:", torch.allclose(gelu(z), exact, rtol=0, atol=1e-6))
print("tanh formula to 1e-6:", torch.allclose(gelu_tanh(z), tanh_form, rtol=0, atol=1e-6))
grid = torch.linspace(-4, 4, 161, dtype=torch.float64)  # float64: no float32 round-off
print(f"largest gap on [-4, 4]: {(gelu(grid) - gelu_tanh(grid)).abs().max():.1e}")
# --8<-- [end:gelu]

# --8<-- [start:activation-plot]
import matplotlib.pyplot as plt

from snippets.plots import save_figure

curves = {"ReLU": nn.ReLU()(grid), "GELU (exact)": gelu(grid), "SiLU": nn.SiLU()(grid)}
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
for name, values in curves.items():
    left.plot(grid.cpu(), values.cpu(), label=name)
left.set(title="Activation functions", xlabel="x", ylabel="f(x)")
left.axhline(0, color="grey", linewidth=0.5)
left.legend()
difference = gelu(grid) - gelu_tanh(grid)
right.plot(grid.cpu(), difference.cpu(), color="tab:red")
right.set(title="exact GELU minus tanh GELU", xlabel="x")
right.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
fig.tight_layout()
save_figure(fig, "activations.svg")
# --8<-- [end:activation-plot]

# --8<-- [start:softmax]
logits = torch.tensor([[2.0, 1.0, 0.1, -1.0], [0.5, 0.5, 0.5, 0.5], [10.0, 0.0, 0.0, 0.0]])
probs = nn.Softmax(dim=-1)(logits)  # normalise along the last dimension: one row, one example
print(probs.round(decimals=4))
print("exp / sum(exp):", torch.allclose(probs, logits.exp() / logits.exp().sum(-1, True)))
print("dim=0 by mistake, column sums:", nn.Softmax(dim=0)(logits).sum(dim=0))
# --8<-- [end:softmax]

# --8<-- [start:softmax-sums]
sums = probs.sum(dim=-1)
print(sums, sums.tolist())
print("first sum - 1, in float32 steps:", ((sums[0] - 1) / torch.finfo(torch.float32).eps).item())
# --8<-- [end:softmax-sums]

# --8<-- [start:cross-entropy]
targets = torch.tensor([0, 3, 1])  # each example's right class: int64 indices, shape (3,)
log_probs = nn.functional.log_softmax(logits, dim=-1)  # (3, 4): the log of every probability
picked = log_probs.gather(dim=1, index=targets.unsqueeze(1))  # (3, 1): each right class's
print("-log p(right class):", (-picked).squeeze(1).round(decimals=4))
ce = nn.functional.cross_entropy(logits, targets)  # from the logits and the class indices
print(f"mean {-picked.mean():.4f}   cross_entropy agrees:", torch.allclose(-picked.mean(), ce))
# --8<-- [end:cross-entropy]

# --8<-- [start:embedding]
embedding = nn.Embedding(num_embeddings=10, embedding_dim=4)  # 10 token ids, 4 numbers each
token_ids = torch.tensor([[1, 4, 4, 9], [0, 2, 7, 1]])  # 2 sequences of 4 tokens
vectors = embedding(token_ids)
print(token_ids.shape, "->", vectors.shape, torch.equal(vectors, embedding.weight[token_ids]))
# --8<-- [end:embedding]

# --8<-- [start:embedding-one-hot]
one_hot = nn.functional.one_hot(token_ids, num_classes=10).float()
print(torch.allclose(one_hot @ embedding.weight, vectors))
# --8<-- [end:embedding-one-hot]

# --8<-- [start:layernorm]
features = torch.tensor([[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 20.0]])
norm = nn.LayerNorm(normalized_shape=4)  # normalise over the last dimension, of size 4
mu, var = features.mean(-1, keepdim=True), features.var(-1, keepdim=True, correction=0)  # / n
out = norm(features)
by_hand = (features - mu) / torch.sqrt(var + norm.eps) * norm.weight + norm.bias
print("formula:", torch.allclose(out, by_hand, atol=1e-6), " mean:", out.mean(dim=-1))
print("std (n - 1):", out.std(dim=-1))
print("std (n):    ", out.std(dim=-1, correction=0))
# --8<-- [end:layernorm]

# --8<-- [start:dropout]
dropout = nn.Dropout(p=0.2)
print(dropout.training, dropout(torch.ones(8)))  # survivors: 1 / (1 - 0.2) = 1.25
dropout.eval()
print(dropout.training, dropout(torch.ones(8)))
# --8<-- [end:dropout]

# --8<-- [start:dropout-average]
many = nn.Dropout(p=0.2)(torch.ones(100_000))  # a new module, in training mode
print(f"zeroed: {(many == 0).float().mean():.4f}   mean: {many.mean():.4f}")
# --8<-- [end:dropout-average]

# --8<-- [start:eval-vs-inference-mode]
layer.eval()
print("after eval(), recorded:", layer(x).requires_grad)
layer.train()  # back to training mode, as the page left it
with torch.inference_mode():
    print("under inference_mode(), recorded:", layer(x).requires_grad)
# --8<-- [end:eval-vs-inference-mode]

# --8<-- [start:llm-bricks]
rms_norm = nn.RMSNorm(normalized_shape=4)  # eps=None: float32's machine epsilon
rms = torch.sqrt(features.pow(2).mean(dim=-1, keepdim=True) + torch.finfo(torch.float32).eps)
print("x / rms(x) * weight:", torch.allclose(rms_norm(features), features / rms * rms_norm.weight))
print("RMSNorm parameters:", [name for name, _ in rms_norm.named_parameters()])
print("SiLU is x * sigmoid(x):", torch.allclose(nn.SiLU()(z), z * torch.sigmoid(z)))
print(f"largest gap to GELU on [-4, 4]: {(nn.SiLU()(grid) - gelu(grid)).abs().max():.2f}")
# --8<-- [end:llm-bricks]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_chosen_layer(answer):
    """Self-check: `answer` must map each (x1, x2) to (2*x1 - x2 + 1, x1 + 3*x2)."""
    inputs = torch.tensor([[1.0, 2.0], [-0.5, 4.0], [3.0, 0.0]])
    x1, x2 = inputs[:, 0], inputs[:, 1]
    expected = torch.stack([2 * x1 - x2 + 1, x1 + 3 * x2], dim=1)
    verdict(lambda: torch.testing.assert_close(answer(inputs), expected, rtol=0, atol=1e-6))


# --8<-- [end:exercise-1-check]

# --8<-- [start:exercise-1-solution]
chosen = nn.Linear(in_features=2, out_features=2)
with torch.no_grad():  # overwrite the parameters' values without recording it
    chosen.weight.copy_(torch.tensor([[2.0, -1.0], [1.0, 3.0]]))  # row i: coefficients of output i
    chosen.bias.copy_(torch.tensor([1.0, 0.0]))
check_chosen_layer(chosen)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
transposed = nn.Linear(in_features=2, out_features=2)
with torch.no_grad():
    transposed.weight.copy_(torch.tensor([[2.0, 1.0], [-1.0, 3.0]]))  # one column per output
    transposed.bias.copy_(torch.tensor([1.0, 0.0]))
check_chosen_layer(transposed)
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_shifted_softmax(answer):
    """Self-check: `answer` must be the softmax of `logits + 100` along the last dimension."""
    shifted = logits.double() + 100  # float64 holds exp(102): about 2e44
    expected = (shifted.exp() / shifted.exp().sum(dim=-1, keepdim=True)).float()
    verdict(lambda: torch.testing.assert_close(answer, expected, rtol=0, atol=1e-6))


# --8<-- [end:exercise-2-check]

# --8<-- [start:exercise-2-solution]
shifted = logits + 100
safe = shifted - shifted.max(dim=-1, keepdim=True).values  # largest score 0: exp(0) = 1 at most
softmax_by_hand = safe.exp() / safe.exp().sum(dim=-1, keepdim=True)
print("exp overflows:", shifted.exp().isinf().all().item())
print("nn.Softmax agrees:", torch.allclose(nn.Softmax(dim=-1)(shifted), softmax_by_hand))
check_shifted_softmax(softmax_by_hand)
# --8<-- [end:exercise-2-solution]

# --8<-- [start:exercise-2-wrong]
check_shifted_softmax((logits + 100).exp() / (logits + 100).exp().sum(dim=-1, keepdim=True))
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_embedding_as_linear(answer):
    """Self-check: `answer` applied to one-hot ids must give what `embedding` gives for the ids."""
    ids = torch.tensor([[3, 1, 4, 1, 5, 8], [9, 2, 6, 0, 7, 5]])  # every id from 0 to 9
    one_hot_ids = nn.functional.one_hot(ids, num_classes=10).float()
    verdict(
        lambda: torch.testing.assert_close(answer(one_hot_ids), embedding(ids), rtol=0, atol=1e-6)
    )


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
as_linear = nn.Linear(in_features=10, out_features=4, bias=False)  # one-hot in, 4 numbers out
with torch.no_grad():
    as_linear.weight.copy_(embedding.weight.T)  # (out, in) = (4, 10): the table transposed
check_embedding_as_linear(as_linear)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
with_bias = nn.Linear(in_features=10, out_features=4)  # bias=True by default: an extra shift
with torch.no_grad():
    with_bias.weight.copy_(embedding.weight.T)
check_embedding_as_linear(with_bias)
# --8<-- [end:exercise-3-wrong]

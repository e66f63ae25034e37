# --8<-- [start:imports]
import torch
from torch import nn, optim

# --8<-- [end:imports]

# --8<-- [start:ffn-classic]
torch.manual_seed(0)  # the layers below start from random numbers: seed them


class ClassicFeedForward(nn.Module):
    """The feed-forward block of the original Transformer and GPT-2: up, GELU, down."""

    def __init__(self, hidden, intermediate):
        super().__init__()
        self.up = nn.Linear(hidden, intermediate)
        self.act = nn.GELU(approximate="tanh")  # GPT-2's choice; the 2017 Transformer used ReLU
        self.down = nn.Linear(intermediate, hidden)

    def forward(self, x):
        return self.down(self.act(self.up(x)))


print(ClassicFeedForward(hidden=8, intermediate=32))
# --8<-- [end:ffn-classic]


# --8<-- [start:ffn-gated]
class FeedForward(nn.Module):
    """The gated feed-forward block of Llama: SiLU(gate) times up, then down; no biases."""

    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act(self.gate_proj(x)) * self.up_proj(x))


print(FeedForward(hidden=8, intermediate=32))
# --8<-- [end:ffn-gated]

# --8<-- [start:shapes]
ffn = FeedForward(hidden=8, intermediate=32)
tokens = torch.randn(2, 5, 8)  # 2 sequences of 5 tokens, 8 numbers per token
print(tuple(ffn(tokens).shape))
# --8<-- [end:shapes]


# --8<-- [start:tiny-model]
class TinyRegressor(nn.Module):
    """A number in, a number out, with one Transformer-style FFN sub-block in between."""

    def __init__(self, hidden=16, intermediate=32):
        super().__init__()
        self.embed = nn.Linear(1, hidden)  # a number -> a vector of `hidden` features
        self.norm = nn.RMSNorm(hidden)
        self.ffn = FeedForward(hidden, intermediate)
        self.head = nn.Linear(hidden, 1)  # a vector -> a number

    def forward(self, x):
        h = self.embed(x)
        h = h + self.ffn(self.norm(h))  # normalise, transform, add back (a residual connection)
        return self.head(h)


X = torch.linspace(-3, 3, 100).unsqueeze(1)  # 100 inputs, one feature each
y = torch.sin(X)  # a target no straight line can follow
# --8<-- [end:tiny-model]


# --8<-- [start:fit]
def fit(model, X, y, optimizer, steps):
    criterion = nn.MSELoss()
    for step in range(steps):
        y_hat = model(X)  # 1. prediction
        loss = criterion(y_hat, y)  # 2. loss
        loss.backward()  # 3. gradients
        optimizer.step()  # 4. update
        optimizer.zero_grad()  # 5. reset
        if step % 50 == 0:
            print(f"  step {step:3d}  loss {loss.item():.5f}")
    with torch.no_grad():
        print(f"  final     loss {criterion(model(X), y).item():.5f}")


# --8<-- [end:fit]


# --8<-- [start:train]
line = nn.Linear(1, 1)
print(f"a line, {sum(p.numel() for p in line.parameters())} parameters:")
fit(line, X, y, optim.Adam(line.parameters(), lr=0.1), steps=200)

model = TinyRegressor()
print(f"TinyRegressor, {sum(p.numel() for p in model.parameters())} parameters:")
fit(model, X, y, optim.Adam(model.parameters(), lr=0.005), steps=200)
# --8<-- [end:train]

# --8<-- [start:best-line]
A = torch.cat([X, torch.ones_like(X)], dim=1).double()  # least squares, as in Part 9
best = torch.linalg.lstsq(A, y.double()).solution
print(f"best straight line: loss {nn.MSELoss()(A @ best, y.double()).item():.5f}")
# --8<-- [end:best-line]

# --8<-- [start:meta]
with torch.device("meta"):  # shapes and dtypes only: no memory is allocated for the values
    llama_ffn = FeedForward(hidden=4096, intermediate=14336)

for name, p in llama_ffn.named_parameters():
    print(f"{name:17s} {tuple(p.shape)!s:14s} {p.numel():>12,}  {p.device}")
print(f"{'total':32s} {sum(p.numel() for p in llama_ffn.parameters()):>12,}")
# --8<-- [end:meta]


# --8<-- [start:skeleton]
class DecoderLayer(nn.Module):
    """The parameters of one Llama decoder layer (attention's four projections, the FFN, two
    RMSNorms); the attention computation itself is left out, as only the counts matter here."""

    def __init__(self, hidden, intermediate, heads, kv_heads):
        super().__init__()
        head_dim = hidden // heads
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)
        self.mlp = FeedForward(hidden, intermediate)
        self.input_layernorm = nn.RMSNorm(hidden)
        self.post_attention_layernorm = nn.RMSNorm(hidden)


class LlamaParameters(nn.Module):
    def __init__(self, vocab, hidden, intermediate, layers, heads, kv_heads):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(
            DecoderLayer(hidden, intermediate, heads, kv_heads) for _ in range(layers)
        )
        self.norm = nn.RMSNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)


with torch.device("meta"):  # Llama 3 8B's configuration
    llama = LlamaParameters(
        vocab=128256, hidden=4096, intermediate=14336, layers=32, heads=32, kv_heads=8
    )
total = sum(p.numel() for p in llama.parameters())
in_ffns = sum(p.numel() for name, p in llama.named_parameters() if ".mlp." in name)
print(f"all parameters: {total:,}")
print(f"in the 32 FFNs: {in_ffns:,} ({in_ffns / total:.1%})")
# --8<-- [end:skeleton]

# --8<-- [start:scale-table]
with torch.device("meta"):
    gpt2_ffn = ClassicFeedForward(hidden=768, intermediate=3072)  # GPT-2 small


def count(module):
    return sum(p.numel() for p in module.parameters())


def shapes(module):
    tensors = list(module.parameters())
    if len(tensors) > 4:
        return f"{len(tensors)} tensors"
    return ", ".join("x".join(map(str, p.shape)) for p in tensors)


def size(n_bytes):
    for unit in ("B", "kB", "MB", "GB"):
        if n_bytes < 1000 or unit == "GB":
            return f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000


rows = [
    ("our line", line),
    ("our TinyRegressor", model),
    ("one FFN, GPT-2 small", gpt2_ffn),
    ("one FFN, Llama 3 8B", llama_ffn),
    ("all of Llama 3 8B", llama),
]
print(f"{'model':21s} {'weight shapes':36s} {'parameters':>13s} {'float32':>9s} {'bfloat16':>9s}")
for label, module in rows:
    n = count(module)
    print(f"{label:21s} {shapes(module):36s} {n:>13,} {size(4 * n):>9s} {size(2 * n):>9s}")
# --8<-- [end:scale-table]

# --8<-- [start:imports]
import math

import torch
import torch.nn.functional as F
from torch import nn, optim

# --8<-- [end:imports]


# --8<-- [start:ffn-gated]
torch.manual_seed(0)  # the layers below start from random numbers: seed them


class FeedForward(nn.Module):
    """Llama's gated feed-forward block: SiLU(gate) times up, then down; no biases."""

    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


print(FeedForward(hidden=8, intermediate=32))
# --8<-- [end:ffn-gated]

# --8<-- [start:ffn-classic]
ffn_classic = nn.Sequential(nn.Linear(8, 32), nn.GELU(approximate="tanh"), nn.Linear(32, 8))
print(ffn_classic)  # GELU as in GPT-2; the 2017 Transformer used ReLU
# --8<-- [end:ffn-classic]

# --8<-- [start:shapes]
ffn = FeedForward(hidden=8, intermediate=32)
tokens = torch.randn(2, 5, 8)  # 2 sequences of 5 tokens, 8 numbers per token
print(tuple(ffn(tokens).shape))
# --8<-- [end:shapes]


# --8<-- [start:tiny-model]
class TinyRegressor(nn.Module):
    def __init__(self, hidden=16, intermediate=32):
        super().__init__()
        self.embed = nn.Linear(1, hidden)  # a number -> a vector of `hidden` features
        self.norm = nn.RMSNorm(hidden)
        self.ffn = FeedForward(hidden, intermediate)
        self.head = nn.Linear(hidden, 1)  # a vector -> a number

    def forward(self, x):
        h = self.embed(x)
        return self.head(h + self.ffn(self.norm(h)))  # the FFN's output added back: a residual


X = torch.linspace(-3, 3, 100).unsqueeze(1)  # 100 inputs, one feature each
y = torch.sin(X)  # a target no straight line can follow
# --8<-- [end:tiny-model]


# --8<-- [start:fit]
def fit(model, lr, X, y, criterion, steps=200):
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        y_hat = model(X)  # 1. prediction
        loss = criterion(y_hat, y)  # 2. loss
        loss.backward()  # 3. gradients
        optimizer.step()  # 4. update
        optimizer.zero_grad()  # 5. reset
    with torch.inference_mode():  # evaluation only: no graph, no gradients
        return criterion(model(X), y).item()


line, model = nn.Linear(1, 1), TinyRegressor()
final = {}  # name -> final loss
for name, m, lr in [("a line", line, 0.1), ("TinyRegressor", model, 0.005)]:
    n = sum(p.numel() for p in m.parameters())
    final[name] = fit(m, lr, X, y, nn.MSELoss())
    print(f"{name:13s} {n:5,} parameters  final loss {final[name]:.5f}")
# --8<-- [end:fit]

# --8<-- [start:best-line]
A = torch.cat([X, torch.ones_like(X)], dim=1).double()  # least squares, as in Part 9
best = torch.linalg.lstsq(A, y.double()).solution
best_loss = nn.MSELoss()(A @ best, y.double()).item()
reached = abs(final["a line"] - best_loss) < 1e-5
print(f"best straight line: loss {best_loss:.5f}, reached by the trained line: {reached}")
times = round(best_loss / final["TinyRegressor"], -3)  # to the nearest thousand
print(f"TinyRegressor's loss: about {times:,.0f} times smaller")
# --8<-- [end:best-line]

# --8<-- [start:meta]
with torch.device("meta"):  # shapes and dtypes only: no memory is allocated for the values
    llama_ffn = FeedForward(hidden=4096, intermediate=14336)
n = sum(p.numel() for p in llama_ffn.parameters())
print([tuple(p.shape) for p in llama_ffn.parameters()], llama_ffn.up_proj.weight.device)
print(f"{n:,} parameters: {4 * n / 1e6:.1f} MB in float32, {2 * n / 1e6:.1f} MB in bfloat16")
# --8<-- [end:meta]


# --8<-- [start:skeleton]
def no_bias(n_in, n_out):
    return nn.Linear(n_in, n_out, bias=False)  # Llama's defaults: attention_bias=mlp_bias=False


class Attention(nn.Module):
    """The parameters of Llama's attention (the computation is left out: no forward pass)."""

    def __init__(self, hidden, kv_width):
        super().__init__()
        self.q_proj, self.o_proj = no_bias(hidden, hidden), no_bias(hidden, hidden)
        self.k_proj, self.v_proj = no_bias(hidden, kv_width), no_bias(hidden, kv_width)


class DecoderLayer(nn.Module):
    def __init__(self, hidden, intermediate, kv_width):
        super().__init__()
        self.self_attn = Attention(hidden, kv_width)
        self.mlp = FeedForward(hidden, intermediate)
        self.input_layernorm = nn.RMSNorm(hidden)
        self.post_attention_layernorm = nn.RMSNorm(hidden)


class LlamaParameters(nn.Module):
    def __init__(self, vocab, hidden, intermediate, layers, kv_width):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(
            DecoderLayer(hidden, intermediate, kv_width) for _ in range(layers)
        )
        self.norm = nn.RMSNorm(hidden)
        self.lm_head = no_bias(hidden, vocab)


with torch.device("meta"):  # Llama 3 8B: 8 key/value heads of 128 numbers -> kv_width 1024
    llama = LlamaParameters(vocab=128256, hidden=4096, intermediate=14336, layers=32, kv_width=1024)

total = sum(p.numel() for p in llama.parameters())
for kind, does in [
    (nn.Linear, "x @ W.T"),
    (nn.Embedding, "a row lookup"),
    (nn.RMSNorm, "a scale per feature"),
]:
    n = sum(p.numel() for m in llama.modules() if isinstance(m, kind) for p in m.parameters())
    print(f"{kind.__name__:10s} {n:>13,}  {n / total:7.3%}  {does}")
in_ffns = sum(p.numel() for name, p in llama.named_parameters() if ".mlp." in name)
print(f"{'all':10s} {total:>13,}  FFNs: {in_ffns / total:.1%}")
# --8<-- [end:skeleton]

# --8<-- [start:scale-table]
with torch.device("meta"):
    gpt2_ffn = nn.Sequential(
        nn.Linear(768, 3072), nn.GELU(approximate="tanh"), nn.Linear(3072, 768)
    )


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
print(f"{'model':21s} {'parameters':>13s} {'float32':>9s} {'bfloat16':>9s}")
for label, module in rows:
    n = sum(p.numel() for p in module.parameters())
    print(f"{label:21s} {n:>13,} {size(4 * n):>9s} {size(2 * n):>9s}")
# --8<-- [end:scale-table]

# --8<-- [start:lm-data]
text = "to be, or not to be, that is the question"
chars = sorted(set(text))  # the vocabulary: each character the text uses, once
V = len(chars)
windows = torch.tensor([chars.index(c) for c in text])[:36].view(4, 9)  # (B, T + 1) token ids
inputs, targets = windows[:, :-1], windows[:, 1:]  # (B, T) each: the target is the next token
print(f"vocabulary {''.join(chars)!r}: V = {V}, ln(V) = {math.log(V):.3f}")
for row in (inputs[0], targets[0]):
    print(row.tolist(), repr("".join(chars[i] for i in row.tolist())))
# --8<-- [end:lm-data]


# --8<-- [start:lm-loss]
def next_token_loss(logits, targets):  # cross_entropy wants (N, V) scores and (N,) class ids
    return F.cross_entropy(logits.view(-1, V), targets.reshape(-1))  # N = B * T positions


torch.manual_seed(0)
lm = TinyRegressor(hidden=16, intermediate=64)  # this page's model, as a language model:
lm.embed, lm.head = nn.Embedding(V, 16), nn.Linear(16, V)  # ids -> vectors, vectors -> V scores
logits = lm(inputs)  # (B, T, V): a score for every token of the vocabulary, at every position
loss = next_token_loss(logits, targets)
by_hand = -torch.log_softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1)).mean()
print(tuple(logits.shape), f"loss {loss.item():.3f}, by hand: {torch.allclose(loss, by_hand)}")
# --8<-- [end:lm-loss]

# --8<-- [start:lm-fit]
print(f"after 100 steps: loss {fit(lm, 0.01, inputs, targets, next_token_loss, steps=100):.3f}")
# --8<-- [end:lm-fit]

# --8<-- [start:exercise-1-check]
from snippets.exercises import verdict


def check_ffn_parameters(count):
    """Self-check: `count(hidden, intermediate)` must give the gated FFN's number of parameters."""
    sizes = [(8, 32), (16, 32), (4096, 14336), (5120, 13824)]
    expected = [768, 1536, 176_160_768, 212_336_640]

    def test():
        answers = [count(hidden, intermediate) for hidden, intermediate in sizes]
        assert answers == expected, f"for {sizes}: {answers}, expected {expected}"

    verdict(test)


# --8<-- [end:exercise-1-check]


# --8<-- [start:exercise-1-solution]
def ffn_parameters(hidden, intermediate):
    return 3 * hidden * intermediate  # gate_proj, up_proj, down_proj; no biases


check_ffn_parameters(ffn_parameters)
# --8<-- [end:exercise-1-solution]

# --8<-- [start:exercise-1-wrong]
check_ffn_parameters(lambda hidden, intermediate: 2 * hidden * intermediate)  # no gate_proj
# --8<-- [end:exercise-1-wrong]


# --8<-- [start:exercise-2-check]
def check_classic_ffn(ffn_class):
    """Self-check: `ffn_class(8, 32)`, given `ffn_classic`'s weights, must compute what it does."""

    def test():
        with torch.device("meta"):  # no random numbers drawn: the weights come from ffn_classic
            mine = ffn_class(8, 32)
        names = list(mine.state_dict())  # in the order the layers were created
        assert len(names) == 4, f"{len(names)} parameter tensors, not 4: {names}"
        weights = dict(zip(names, ffn_classic.state_dict().values(), strict=True))
        mine.load_state_dict(weights, assign=True)
        with torch.inference_mode():
            torch.testing.assert_close(mine(tokens), ffn_classic(tokens), rtol=0, atol=1e-6)

    verdict(test)


# --8<-- [end:exercise-2-check]


# --8<-- [start:exercise-2-solution]
class ClassicFeedForward(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.fc = nn.Linear(hidden, intermediate)
        self.act = nn.GELU(approximate="tanh")
        self.proj = nn.Linear(intermediate, hidden)

    def forward(self, x):
        return self.proj(self.act(self.fc(x)))


check_classic_ffn(ClassicFeedForward)
# --8<-- [end:exercise-2-solution]


# --8<-- [start:exercise-2-wrong]
class ExactGeluFeedForward(ClassicFeedForward):
    def __init__(self, hidden, intermediate):
        super().__init__(hidden, intermediate)
        self.act = nn.GELU()  # a likely mistake: the exact GELU, not GPT-2's tanh approximation


check_classic_ffn(ExactGeluFeedForward)
# --8<-- [end:exercise-2-wrong]


# --8<-- [start:exercise-3-check]
def check_collapsed(weight, bias):
    """Self-check: x @ weight.T + bias must equal model.head(model.embed(x)) for every x."""
    x = torch.linspace(-10, 10, 201).unsqueeze(1)

    def test():
        with torch.inference_mode():
            expected = model.head(model.embed(x))
            torch.testing.assert_close(x @ weight.T + bias, expected, rtol=0, atol=1e-4)

    verdict(test)


# --8<-- [end:exercise-3-check]

# --8<-- [start:exercise-3-solution]
with torch.no_grad():
    E, H = model.embed, model.head
    weight = H.weight @ E.weight  # (1, 16) @ (16, 1): shape (1, 1)
    bias = H.weight @ E.bias + H.bias
check_collapsed(weight, bias)
# --8<-- [end:exercise-3-solution]

# --8<-- [start:exercise-3-wrong]
with torch.no_grad():
    check_collapsed(model.head.weight @ model.embed.weight, model.head.weight @ model.embed.bias)
# --8<-- [end:exercise-3-wrong]

"""Code of docs/further01-tiny-gpt.md, by named section."""

# --8<-- [start:imports]
import math

import torch
import torch.nn.functional as F
from torch import nn, optim

# --8<-- [end:imports]

# --8<-- [start:attention-by-hand]
torch.manual_seed(0)  # random inputs and projections below: seed them
T, d = 4, 8  # 4 tokens, 8 features each
x = torch.randn(T, d)
q_proj, k_proj, v_proj = (nn.Linear(d, d, bias=False) for _ in range(3))
q, k, v = q_proj(x), k_proj(x), v_proj(x)  # a query, a key and a value for every token

scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (T, T): row i scores every token for token i
future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # True above the diagonal
weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
out = weights @ v  # each token's output: a weighted sum of the values it may see
print(weights.detach().round(decimals=2))
# --8<-- [end:attention-by-hand]

# --8<-- [start:attention-sdpa]
expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print("max difference below 1e-6:", (out - expected).abs().max().item() < 1e-6)
# --8<-- [end:attention-sdpa]

# --8<-- [start:multi-head]
heads, d_head = 2, d // 2
qh, kh, vh = (t.view(T, heads, d_head).transpose(0, 1) for t in (q, k, v))  # (heads, T, d_head)
scores_h = qh @ kh.transpose(-2, -1) / math.sqrt(d_head)  # (heads, T, T): a pattern per head
weights_h = torch.softmax(scores_h.masked_fill(future, float("-inf")), dim=-1)
out_h = (weights_h @ vh).transpose(0, 1).reshape(T, d)  # the heads side by side again
expected_h = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True)
expected_h = expected_h.transpose(0, 1).reshape(T, d)
print("max difference below 1e-6:", (out_h - expected_h).abs().max().item() < 1e-6)
# --8<-- [end:multi-head]

# --8<-- [start:cross-entropy]
logits = torch.randn(6, 5)  # 6 positions, a score for each of 5 possible next tokens
targets = torch.randint(5, (6,))  # the token that really comes next, at each position
log_probs = torch.log_softmax(logits, dim=-1)
picked = log_probs.gather(dim=1, index=targets.unsqueeze(1))  # Part 4: one column per row
loss = -picked.mean()
difference = (loss - F.cross_entropy(logits, targets)).abs().item()
print("difference below 1e-6:", difference < 1e-6)
# --8<-- [end:cross-entropy]

# --8<-- [start:log-of-softmax]
z = torch.tensor([0.0, 110.0])  # token 0 scored 110 below token 1: its probability is ~e^-110
print(torch.log(torch.softmax(z, dim=0)))  # e^-110 rounds to 0 in float32, and log(0) is -inf
print(torch.log_softmax(z, dim=0))  # computed as z - logsumexp(z): finite
# --8<-- [end:log-of-softmax]

# --8<-- [start:text]
from importlib.resources import files

text = (files("snippets") / "texts/as_you_like_it.txt").read_text(encoding="ascii")
chars = sorted(set(text))  # the vocabulary: every character the text uses
V = len(chars)
ids_of = {c: i for i, c in enumerate(chars)}
data = torch.tensor([ids_of[c] for c in text])  # one integer per character
n_train = int(0.9 * len(data))
train_data, val_data = data[:n_train], data[n_train:]  # the last 10% is held out
print(f"{len(text):,} characters, V = {V} distinct, ln(V) = {math.log(V):.2f}")
print(text[:124])
# --8<-- [end:text]

# --8<-- [start:batches]
context, batch_size = 32, 24
batches = torch.Generator(device="cpu").manual_seed(0)  # the same batches on every device


def get_batch(split):
    starts = torch.randint(len(split) - context, (batch_size,), generator=batches, device="cpu")
    x = torch.stack([split[s : s + context] for s in starts.tolist()])
    y = torch.stack([split[s + 1 : s + context + 1] for s in starts.tolist()])  # shifted by one
    return x, y


x, y = get_batch(train_data)
print(tuple(x.shape), repr("".join(chars[i] for i in x[0, :12].tolist())))
print(tuple(y.shape), repr("".join(chars[i] for i in y[0, :12].tolist())))
# --8<-- [end:batches]


# --8<-- [start:model]
class FeedForward(nn.Module):
    """Part 10's gated block: SiLU(gate) times up, then down; no biases."""

    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class CausalSelfAttention(nn.Module):
    """One head: the computation checked above, with learned projections in and out."""

    def __init__(self, hidden):
        super().__init__()
        self.q_proj = nn.Linear(hidden, hidden, bias=False)
        self.k_proj = nn.Linear(hidden, hidden, bias=False)
        self.v_proj = nn.Linear(hidden, hidden, bias=False)
        self.o_proj = nn.Linear(hidden, hidden, bias=False)

    def forward(self, h):
        q, k, v = self.q_proj(h), self.k_proj(h), self.v_proj(h)
        return self.o_proj(F.scaled_dot_product_attention(q, k, v, is_causal=True))


class DecoderLayer(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.input_layernorm = nn.RMSNorm(hidden)
        self.self_attn = CausalSelfAttention(hidden)
        self.post_attention_layernorm = nn.RMSNorm(hidden)
        self.mlp = FeedForward(hidden, intermediate)

    def forward(self, h):
        h = h + self.self_attn(self.input_layernorm(h))  # residual: add the block's output
        return h + self.mlp(self.post_attention_layernorm(h))


class TinyGPT(nn.Module):
    def __init__(self, vocab, hidden, intermediate, layers, context):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.embed_positions = nn.Embedding(context, hidden)  # learned, as in GPT-2
        self.layers = nn.ModuleList(DecoderLayer(hidden, intermediate) for _ in range(layers))
        self.norm = nn.RMSNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)  # a score for every character

    def forward(self, ids):  # ids: (batch, time) integers
        positions = torch.arange(ids.shape[1], device=ids.device)
        h = self.embed_tokens(ids) + self.embed_positions(positions)
        for layer in self.layers:
            h = layer(h)
        return self.lm_head(self.norm(h))  # (batch, time, vocab)


# --8<-- [end:model]

# --8<-- [start:build]
torch.set_default_dtype(torch.float64)  # so every processor prints the same (see above)
torch.manual_seed(0)
model = TinyGPT(vocab=V, hidden=48, intermediate=128, layers=2, context=context)
print(f"{sum(p.numel() for p in model.parameters()):,} parameters")
print(tuple(model(x).shape))
# --8<-- [end:build]

# --8<-- [start:diagram]
import operator

from torch import fx


class Parts(fx.Tracer):
    def is_leaf_module(self, module, name):  # draw each submodule as one box
        return True


def shape(node, module):
    if node.op == "call_module":
        return f'["{node.target}: {type(module.get_submodule(node.target)).__name__}"]'
    if node.target is operator.add:
        return '(("+"))'
    if node.target is torch.arange:
        return '["positions 0, 1, 2, ..."]'
    if node.op in ("placeholder", "output"):
        return f'(["{node.name}"])'
    return None  # bookkeeping: reading the input's shape and device


def to_mermaid(module):
    """The calls `module.forward` makes, recorded by torch.fx without computing anything."""
    lines, ids, undrawn = ["flowchart TD"], {}, {}

    def ref(node):  # its id, and its shape and label the first time it is drawn
        return ids[node] + undrawn.pop(node, "")

    for node in Parts().trace(module).nodes:
        drawn = shape(node, module)
        if drawn is None:
            continue
        ids[node], undrawn[node] = f"n{len(ids)}", drawn
        lines += [f"    {ref(a)} --> {ref(node)}" for a in node.all_input_nodes if a in ids]
    return "\n".join(lines)


print(to_mermaid(model))
# --8<-- [end:diagram]

# --8<-- [start:diagram-layer]
print(to_mermaid(model.layers[0]))
# --8<-- [end:diagram-layer]

# --8<-- [start:train]
optimizer = optim.AdamW(model.parameters(), lr=0.01)
for step in range(1, 151):
    x, y = get_batch(train_data)
    logits = model(x)  # 1. prediction: (24, 32, V) scores
    loss = F.cross_entropy(logits.view(-1, V), y.view(-1))  # 2. loss, over all 768 positions
    loss.backward()  # 3. gradients
    optimizer.step()  # 4. update
    optimizer.zero_grad()  # 5. reset
    if step == 1 or step % 50 == 0:
        print(f"step {step:3d}  training loss {loss.item():.2f}")
# --8<-- [end:train]

# --8<-- [start:validation]
n_val = (len(val_data) - 1) // context
x_val = val_data[: n_val * context].view(n_val, context)
y_val = val_data[1 : n_val * context + 1].view(n_val, context)
with torch.inference_mode():
    val_loss = F.cross_entropy(model(x_val).view(-1, V), y_val.view(-1)).item()
print(f"validation loss {val_loss:.2f} on {y_val.numel():,} held-out characters")
# --8<-- [end:validation]

# --8<-- [start:generate]
prompt = "TOUCHSTONE:\n"
ids = torch.tensor([[ids_of[c] for c in prompt]])
with torch.inference_mode():
    for _ in range(150):
        next_logits = model(ids[:, -context:])[0, -1]  # the last position's scores
        next_id = next_logits.argmax()  # greedy: the likeliest character
        ids = torch.cat([ids, next_id.view(1, 1)], dim=1)
print("".join(chars[i] for i in ids[0].tolist()))
# --8<-- [end:generate]

# --8<-- [start:sample]
sampler = torch.Generator(device=ids.device).manual_seed(0)  # on the model's device
ids = torch.tensor([[ids_of[c] for c in prompt]])
with torch.inference_mode():
    for _ in range(150):
        probs = torch.softmax(model(ids[:, -context:])[0, -1], dim=-1)
        next_id = torch.multinomial(probs, 1, generator=sampler)  # drawn in proportion to probs
        ids = torch.cat([ids, next_id.view(1, 1)], dim=1)
print("".join(chars[i] for i in ids[0].tolist()))
# --8<-- [end:sample]

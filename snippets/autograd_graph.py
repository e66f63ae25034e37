"""Draw a tensor's backward graph, as autograd holds it, as a mermaid flowchart.

`to_mermaid(z, params={"a": a, ...})` walks `z.grad_fn` and its `next_functions`, the objects that
`z.backward()` itself runs, and prints one node per backward function (`MulBackward0`, ...). The
leaf tensors appear where autograd has them: as `AccumulateGrad` nodes, the functions that add a
gradient into `leaf.grad`. Arrows go the way the gradient goes, from the output to the leaves.

The text depends only on the graph: nodes are numbered n0, n1, ... in breadth-first order from
the output, following `next_functions` in order, so the same graph always gives the same text.
"""

from __future__ import annotations

from collections import deque

import torch

DIRECTIONS = ("TD", "TB", "BT", "LR", "RL")

# Characters that mermaid would otherwise read as syntax or as HTML, as mermaid's entity codes.
# `#` comes first, so that the `#` of the codes themselves is not escaped again.
_ESCAPES = {"#": "#35;", "&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}


def escape(text: str) -> str:
    """Text for inside a quoted mermaid label: shown as written, never read as HTML."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def _number(value) -> str:
    if isinstance(value, float):
        text = f"{value:.4g}"
        # 2.0 rather than 2: the reader should see a float tensor's values as floats.
        return text if any(c in text for c in ".en") else text + ".0"
    return str(value)


def _values(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_values(v) for v in value) + "]"
    return _number(value)


def describe(tensor: torch.Tensor, max_elements: int = 4) -> str:
    """A tensor's value when it is small (a scalar or a few elements), its shape otherwise."""
    if tensor.numel() <= max_elements:
        return _values(tensor.detach().tolist())
    return "shape (" + ", ".join(str(size) for size in tensor.shape) + ")"


def _label_of_tensor(tensor: torch.Tensor, name: str | None, max_elements: int) -> str:
    text = describe(tensor, max_elements)
    if name is None:
        return text
    if tensor.numel() <= max_elements:
        return f"{name} = {text}"
    return f"{name}: {text}"


def _saved_tensors(node) -> list[tuple[str, str]]:
    """(name, tensor) for every tensor a backward function saved for the backward pass."""
    saved = []
    for attribute in sorted(dir(node)):
        if not attribute.startswith("_saved_"):
            continue
        try:
            value = getattr(node, attribute)
        except RuntimeError:  # freed by a backward pass that did not retain the graph
            saved.append((attribute.removeprefix("_saved_"), None))
            continue
        if isinstance(value, torch.Tensor):
            saved.append((attribute.removeprefix("_saved_"), value))
    return saved


def _walk(root) -> tuple[list, list[tuple[int, int, int]]]:
    """Nodes in breadth-first order from `root`, and edges (from, to, how many times)."""
    order = [root]
    index = {root: 0}
    edges: list[tuple[int, int, int]] = []
    queue = deque([root])
    while queue:
        node = queue.popleft()
        counts: dict[int, int] = {}  # child index -> edges to it, in next_functions order
        for child, _ in node.next_functions:
            if child is None:  # an input that needs no gradient: nothing flows there
                continue
            if child not in index:
                index[child] = len(order)
                order.append(child)
                queue.append(child)
            counts[index[child]] = counts.get(index[child], 0) + 1
        edges.extend((index[node], child, count) for child, count in counts.items())
    return order, edges


def to_mermaid(
    tensor: torch.Tensor,
    params: dict[str, torch.Tensor] | None = None,
    *,
    name: str | None = None,
    saved: bool = False,
    max_elements: int = 4,
    direction: str = "TD",
) -> str:
    """The mermaid flowchart of `tensor`'s backward graph.

    - one node per backward function, labelled with its class name (`MulBackward0`); a function
      reached along two paths is one node with two incoming arrows;
    - `AccumulateGrad` nodes (where leaves receive their `.grad`) also show the leaf: its name
      from `params` (matched by identity, `node.variable is params[name]`) and its value when it
      has at most `max_elements` elements, its shape otherwise;
    - arrows follow `next_functions`, from the output towards the leaves; an input that needs no
      gradient (a `None` entry) gets no arrow; an arrow labelled `twice` is a function sending two
      gradients to the same node (as in `x * x`);
    - `name`: also draw the output tensor itself, with its value, above its `grad_fn`;
    - `saved`: also list the tensors each function saved for the backward pass.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if tensor.grad_fn is None:
        why = (
            "it is a leaf: autograd records no function for it"
            if tensor.requires_grad
            else "it does not require grad, so autograd recorded nothing"
        )
        raise ValueError(f"the tensor has no grad_fn, so there is no graph to draw: {why}")
    names = list((params or {}).items())
    nodes, edges = _walk(tensor.grad_fn)
    offset = 0 if name is None else 1

    lines = [f"flowchart {direction}"]
    if name is not None:
        label = escape(_label_of_tensor(tensor, name, max_elements))
        lines.append(f'    n0(["{label}"])')
    for number, node in enumerate(nodes, offset):
        parts = [type(node).__name__]
        leaf = getattr(node, "variable", None)
        if isinstance(leaf, torch.Tensor):
            leaf_name = next((key for key, value in names if value is leaf), None)
            parts.append(_label_of_tensor(leaf, leaf_name, max_elements))
        if saved:
            for key, value in _saved_tensors(node):
                shown = "freed" if value is None else describe(value, max_elements)
                parts.append(f"saved {key}: {shown}")
        label = "<br/>".join(escape(part) for part in parts)
        opening, closing = ("(", ")") if isinstance(leaf, torch.Tensor) else ("[", "]")
        lines.append(f'    n{number}{opening}"{label}"{closing}')
    if name is not None:
        lines.append('    n0 -->|"grad_fn"| n1')
    for start, end, count in edges:
        times = {1: None, 2: "twice"}.get(count, f"{count} times")
        arrow = "-->" if times is None else f'-->|"{times}"|'
        lines.append(f"    n{start + offset} {arrow} n{end + offset}")
    return "\n".join(lines)

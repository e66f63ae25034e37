"""snippets.autograd_graph draws the backward graph autograd holds, the same way every time."""

from __future__ import annotations

import re

import pytest
import torch

from snippets.autograd_graph import escape, to_mermaid


def leaves(*values: float) -> list[torch.Tensor]:
    return [torch.tensor(v, requires_grad=True) for v in values]


def test_small_graph_exact_text():
    a, b, x = leaves(2.0, 3.0, 4.0)
    z = x * (a + b)
    assert to_mermaid(z, params={"a": a, "b": b, "x": x}) == (
        "flowchart TD\n"
        '    n0["MulBackward0"]\n'
        '    n1("AccumulateGrad<br/>x = 4.0")\n'
        '    n2["AddBackward0"]\n'
        '    n3("AccumulateGrad<br/>a = 2.0")\n'
        '    n4("AccumulateGrad<br/>b = 3.0")\n'
        "    n0 --> n1\n"
        "    n0 --> n2\n"
        "    n2 --> n3\n"
        "    n2 --> n4"
    )


def test_output_node_and_saved_tensors():
    a, b, x = leaves(2.0, 3.0, 4.0)
    z = x * (a + b)
    assert to_mermaid(z, params={"a": a, "b": b, "x": x}, name="z", saved=True) == (
        "flowchart TD\n"
        '    n0(["z = 20.0"])\n'
        '    n1["MulBackward0<br/>saved other: 5.0<br/>saved self: 4.0"]\n'
        '    n2("AccumulateGrad<br/>x = 4.0")\n'
        '    n3["AddBackward0"]\n'
        '    n4("AccumulateGrad<br/>a = 2.0")\n'
        '    n5("AccumulateGrad<br/>b = 3.0")\n'
        '    n0 -->|"grad_fn"| n1\n'
        "    n1 --> n2\n"
        "    n1 --> n3\n"
        "    n3 --> n4\n"
        "    n3 --> n5"
    )


def test_saved_tensors_freed_by_backward():
    (x,) = leaves(3.0)
    z = x * x
    z.backward()
    assert to_mermaid(z, saved=True).splitlines()[1] == (
        '    n0["MulBackward0<br/>saved other: freed<br/>saved self: freed"]'
    )


def test_shared_subexpression_is_one_node():
    a, b = leaves(2.0, 3.0)
    y = a + b
    w = y * y + y  # y's AddBackward0 is reached three times: twice from the product, once direct
    assert to_mermaid(w, params={"a": a, "b": b}) == (
        "flowchart TD\n"
        '    n0["AddBackward0"]\n'
        '    n1["MulBackward0"]\n'
        '    n2["AddBackward0"]\n'
        '    n3("AccumulateGrad<br/>a = 2.0")\n'
        '    n4("AccumulateGrad<br/>b = 3.0")\n'
        "    n0 --> n1\n"
        "    n0 --> n2\n"
        '    n1 -->|"twice"| n2\n'
        "    n2 --> n3\n"
        "    n2 --> n4"
    )


def test_leaf_used_twice_is_one_node():
    a, b = leaves(2.0, 3.0)
    text = to_mermaid(a * b + a, params={"a": a, "b": b})
    assert text.count("a = 2.0") == 1
    assert text.count("b = 3.0") == 1


def test_leaves_without_names_show_their_value():
    a, b = leaves(2.0, 3.0)
    text = to_mermaid(a * b, params={"a": a})
    assert '("AccumulateGrad<br/>a = 2.0")' in text
    assert '("AccumulateGrad<br/>3.0")' in text
    assert to_mermaid(a * b) == to_mermaid(a * b, params={})


def test_names_match_by_identity_not_by_value():
    a, b = leaves(2.0, 2.0)  # equal values, different tensors
    text = to_mermaid(a * b, params={"b": b})
    assert '("AccumulateGrad<br/>2.0")' in text
    assert '("AccumulateGrad<br/>b = 2.0")' in text


def test_non_scalar_output_and_large_leaves_show_shapes():
    w = torch.arange(12.0).reshape(3, 4).requires_grad_()
    bias = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    data = torch.ones(4)
    out = w @ data + bias  # shape (3,): no .backward() without a gradient argument, still a graph
    assert to_mermaid(out, params={"W": w, "bias": bias}, name="out") == (
        "flowchart TD\n"
        '    n0(["out = [6.5, 21.0, 40.0]"])\n'
        '    n1["AddBackward0"]\n'
        '    n2["MvBackward0"]\n'
        '    n3("AccumulateGrad<br/>bias = [0.5, -1.0, 2.0]")\n'
        '    n4("AccumulateGrad<br/>W: shape (3, 4)")\n'
        '    n0 -->|"grad_fn"| n1\n'
        "    n1 --> n2\n"
        "    n1 --> n3\n"
        "    n2 --> n4"
    )
    big = to_mermaid(w * 2.0, name="y")
    assert 'n0(["y: shape (3, 4)"])' in big


def test_detached_branch_does_not_appear():
    a, b = leaves(2.0, 3.0)
    kept = a * 2.0
    cut = (b * 5.0).detach()  # b's MulBackward0 and b are not part of the result's graph
    text = to_mermaid(kept + cut, params={"a": a, "b": b})
    assert "b = 3.0" not in text
    assert text == (
        "flowchart TD\n"
        '    n0["AddBackward0"]\n'
        '    n1["MulBackward0"]\n'
        '    n2("AccumulateGrad<br/>a = 2.0")\n'
        "    n0 --> n1\n"
        "    n1 --> n2"
    )


def test_inputs_without_grad_get_no_node():
    (a,) = leaves(2.0)
    data = torch.tensor(10.0)
    with torch.no_grad():
        frozen = a * 3.0
    text = to_mermaid(a * data + frozen)
    assert text == (
        "flowchart TD\n"
        '    n0["AddBackward0"]\n'
        '    n1["MulBackward0"]\n'
        '    n2("AccumulateGrad<br/>2.0")\n'
        "    n0 --> n1\n"
        "    n1 --> n2"
    )


def test_deterministic_text_and_ids():
    def build():
        a, b, c = leaves(1.0, -2.0, 0.5)
        h = torch.tanh(a * b) + torch.exp(c)
        return (h * h + a).sum(), {"a": a, "b": b, "c": c}

    first, params = build()
    text = to_mermaid(first, params)
    assert to_mermaid(first, params) == text  # same graph, same text
    second, other_params = build()
    assert to_mermaid(second, other_params) == text  # an identical graph built again
    ids = re.findall(r"^\s+(n\d+)[\[(]", text, flags=re.MULTILINE)
    assert ids == [f"n{i}" for i in range(len(ids))]  # numbered in order, never addresses
    assert "0x" not in text


def test_escaping():
    assert escape('<b>"x" & #1</b>') == "#lt;b#gt;#quot;x#quot; #amp; #35;1#lt;/b#gt;"
    (a,) = leaves(2.0)
    text = to_mermaid(a * 3.0, params={"<b>w</b>": a}, name='"z"#1')
    assert '("AccumulateGrad<br/>#lt;b#gt;w#lt;/b#gt; = 2.0")' in text
    assert '(["#quot;z#quot;#35;1 = 6.0"])' in text
    assert "<b>" not in text
    # The only raw `<` left are the line breaks between a label's parts.
    assert text.replace("<br/>", "").count("<") == 0


def test_direction_option():
    (a,) = leaves(2.0)
    assert to_mermaid(a * 3.0, direction="BT").startswith("flowchart BT\n")
    with pytest.raises(ValueError, match="direction"):
        to_mermaid(a * 3.0, direction="sideways")


def test_tensor_without_graph_is_refused():
    (a,) = leaves(2.0)
    with pytest.raises(ValueError, match="leaf"):
        to_mermaid(a)
    with pytest.raises(ValueError, match="does not require grad"):
        to_mermaid(torch.tensor(1.0) * 2)


def test_repeated_edges_are_counted():
    (x,) = leaves(3.0)
    assert to_mermaid(x * x).splitlines()[-1] == '    n0 -->|"twice"| n1'
    assert to_mermaid(torch.stack([x, x, x])).splitlines()[-1] == '    n0 -->|"3 times"| n1'

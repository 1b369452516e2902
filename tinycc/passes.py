"""Graph passes. Each pass is a function (graph) -> bool "modified"; PASSES lists them in order.

The pass manager runs the list to a fixpoint and verifies the IR after every pass
that changed something, naming the pass that broke it. Rewrites that remove work
change the graph (folding, cancelling, dead code); fusions that change how ops run but
not what they compute annotate ops (``attrs``), so the reference interpreter still runs
the graph unchanged and checks the fused kernels bit for bit.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import ops as optable
from . import streaming
from .ir import Graph, verify


def _replace_uses(graph: Graph, old: str, new: str) -> bool:
    """Make every reader of tensor ``old`` read ``new``; False when ``old`` is a graph output."""
    if old in graph.outputs:
        return False
    for op in graph.consumers(old):
        graph.rewire(op, inputs=[new if n == old else n for n in op.inputs])
    return True


def eliminate_dead_ops(graph: Graph) -> bool:
    """Remove ops none of whose outputs is read or is a graph output."""
    modified = False
    changed = True
    while changed:
        changed = False
        for op in graph.ops():
            if not any(graph.consumers(o) or o in graph.outputs for o in op.outputs):
                graph.remove_op(op)
                changed = modified = True
        graph.remove_dead_tensors()
    return modified


def fold_constants(graph: Graph) -> bool:
    """Evaluate ops whose inputs are all constants at compile time (their outputs become constants),
    and ops that read only their inputs' static shapes (SHAPE) whatever their inputs. Ops are
    visited in order, so a chain that becomes constant (SHAPE -> STRIDED_SLICE -> PACK) folds in
    one run."""
    modified = False
    for op in graph.ops():
        ins = [n for n in op.inputs if n is not None]
        static = optable.get(op.kind).shape_only or all(graph.tensor(n).is_const for n in ins)
        if not ins or not static or any(o in graph.outputs for o in op.outputs):
            continue
        values = optable.get(op.kind).reference(op, graph, [graph.tensor(n).data if n else None for n in op.inputs])
        graph.remove_op(op)
        for name, v in zip(op.outputs, values):
            t = graph.tensor(name)
            t.data = np.ascontiguousarray(v, dtype=t.dtype).reshape(t.shape)
            t.data.setflags(write=False)
        modified = True
    graph.remove_dead_tensors()
    return modified


def cancel_quantize_pairs(graph: Graph) -> bool:
    """Drop QUANTIZE int8->int8 with identical parameters, and DEQUANTIZE->QUANTIZE round trips
    that land on the original parameters: their readers read the original tensor."""
    modified = False
    for op in graph.ops():
        if op.kind != "QUANTIZE":
            continue
        x, y = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
        source = None
        if x.dtype == y.dtype and x.quant == y.quant:
            source = x.name
        else:
            dq = graph.producer(x.name)
            if dq is not None and dq.kind == "DEQUANTIZE":
                orig = graph.tensor(dq.inputs[0])
                if orig.dtype == y.dtype and orig.quant == y.quant:
                    source = orig.name
        if source is not None and _replace_uses(graph, y.name, source):
            modified = True
    if modified:
        eliminate_dead_ops(graph)
    return modified


def _same_bits(op, graph) -> bool:
    """A CAST between integer types of one width (int32 <-> uint32, or to its own type): every output
    element has its input element's bits."""
    x, y = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    return op.kind == "CAST" and x.dtype.kind in "iu" and y.dtype.kind in "iu" and x.dtype.itemsize == y.dtype.itemsize


def alias_reshapes(graph: Graph) -> bool:
    """Ops that keep the bytes as they are (RESHAPE, SQUEEZE, EXPAND_DIMS, and a CAST between integer
    types of one width: the audio front end's uint32 <-> int32) become zero-copy aliases: the output
    shares the input's arena buffer and no kernel runs."""
    modified = False
    for op in graph.ops():
        if (op.kind in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS") or _same_bits(op, graph)) \
                and not op.attrs.get("alias") and not graph.tensor(op.inputs[0]).is_const:
            op.attrs["alias"] = True
            modified = True
    return modified


def _lowest(graph: Graph, name: str):
    """The least raw value tensor ``name`` can hold: its type's minimum, or the lower bound of the
    activation its producer clamps it with (a fused one, or a RELU / RELU6 / RELU_N1_TO_1 op)."""
    from .ops import activation_range_f, activation_range_q
    t, p = graph.tensor(name), graph.producer(name)
    act = "NONE" if p is None else p.kind if p.kind in ("RELU", "RELU6", "RELU_N1_TO_1") else \
        getattr(p.options, "activation", "NONE")
    act = act if act in ("RELU", "RELU6", "RELU_N1_TO_1") else "NONE"
    return activation_range_q(act, t)[0] if t.dtype in (np.int8, np.int16) else activation_range_f(act)[0]


def fold_pad(graph: Graph) -> bool:
    """PAD(x) read only by convolutions (CONV_2D, DEPTHWISE_CONV_2D) and max poolings -> they pad x
    themselves (explicit padding: theirs plus the PAD's): the padded copy never exists. Exact for a
    convolution when the pad value is what its padding contributes nothing with, the input zero
    point (0.0 for floats); for a MAX_POOL_2D, whose padding is no candidate, when no value of x is
    below the pad value (x's type minimum, or the lower bound of the activation x comes out of: the
    ReLU -> PAD(0) -> MAX_POOL_2D of PyTorch's ResNet stems). Applies to height and width padding
    smaller than the window's reach (every window keeps an input). A padded tensor that is a graph
    output is still written by its PAD (a trace of the model, every tensor an output, runs the same
    ops as the model)."""
    from .ops import conv, movement, pool
    modified = False
    for pad in graph.ops():
        if pad.kind not in ("PAD", "PADV2") or not graph.tensor(pad.inputs[1]).is_const:
            continue
        x, y = graph.tensor(pad.inputs[0]), graph.tensor(pad.outputs[0])
        users = graph.consumers(y.name)
        if (not users or len(x.shape) != 4 or x.quant != y.quant
                or any(u.kind not in ("CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D") or u.inputs[0] != y.name
                       or y.name in u.inputs[1:] for u in users)):
            continue
        (n0, n1), (top, bottom), (left, right), (c0, c1) = movement.pad_widths(pad, graph)
        value = movement.pad_value(pad, graph)
        zp = x.zero_point if x.dtype in (np.int8, np.int16) else 0
        if n0 or n1 or c0 or c1:
            continue
        new = []
        for u in users:
            o = u.options
            if u.kind == "MAX_POOL_2D":
                g = pool.geometry(u, graph)
                reach_h, reach_w, exact = o.filter_h - 1, o.filter_w - 1, value <= _lowest(graph, x.name)
            else:
                g = conv.geometry(u, graph)
                reach_h, reach_w, exact = (g["kh"] - 1) * g["dh"], (g["kw"] - 1) * g["dw"], value == zp
            t, b, l, r = optable.window_pads(g)
            pads = (t + top, b + bottom, l + left, r + right)
            if not exact or max(pads[:2]) > reach_h or max(pads[2:]) > reach_w:
                break  # not exact, or a whole window row or column in the padding: left to the PAD
            new.append(dataclasses.replace(o, padding="EXPLICIT", pads=pads))
        else:
            for u, o in zip(users, new):
                u.options = o
                graph.rewire(u, inputs=[x.name] + u.inputs[1:])
            modified = True
    return modified


def fuse_add_into_producer(graph: Graph) -> bool:
    """ADD(conv(x), other) -> the convolution adds ``other`` to each output row as it writes
    it: the convolution's own output never exists in memory, and the sum can be written over
    ``other`` in place. Applies when the conv output feeds only the ADD and ``other`` has the
    output's shape (no broadcast)."""
    modified = False
    for add in graph.ops():
        if add.kind != "ADD" or "fused_into" in add.attrs:
            continue
        y = graph.tensor(add.outputs[0])
        for k in (0, 1):
            p = graph.producer(add.inputs[k])
            other = add.inputs[1 - k]
            if p is None or optable.get(p.kind).fusion != optable.OUT_FUSABLE or p.kind == "FULLY_CONNECTED":
                continue
            mid = graph.tensor(add.inputs[k])
            if ("epilogue" in p.attrs or len(graph.consumers(mid.name)) != 1 or mid.name in graph.outputs
                    or other == mid.name or tuple(graph.tensor(other).shape) != tuple(y.shape)
                    or mid.shape[0] != 1 or mid.dtype != y.dtype or mid.dtype == np.int16):  # no 16x8 epilogue
                continue
            p.attrs["epilogue"] = (add.id, k)
            add.attrs["fused_into"] = p.id
            modified = True
            break
    return modified


def stream_blocks(graph: Graph) -> bool:
    """Chains of sliding-window ops (CONV_2D, DEPTHWISE_CONV_2D, pooling; batch 1) where a tensor
    between two of them is larger than what comes in or goes out (a 1x1 expansion before a
    depthwise convolution, a stem convolution) run row band by row band, the intermediates in line
    buffers of a few rows (``tinycc/streaming.py``): MobileNetV2's inverted residual blocks never
    materialise their expanded tensor. Marks ``op.attrs["chain"]`` = the first member's id. Not in
    PASSES: a memory plan's choice (compile with plan "small"), and the planner weighs these chains
    against others and none (``streaming.choose``)."""
    return streaming.mark(graph, streaming.worth)


def nhwc_inputs(graph: Graph) -> bool:
    """Graph inputs that the model transposes from NCHW to NHWC first (TRANSPOSE with perm
    (0, 2, 3, 1), its only reader: what PyTorch conversions write) are taken in NHWC instead: the
    TRANSPOSE's output becomes the input, so the caller passes the image as it usually has it and
    neither the copy nor its time and memory remain. Not in PASSES: it changes the model's interface
    (compile(..., input_layout="nhwc")); records the inputs it changed in ``graph.nhwc_inputs``."""
    modified = False
    for k, name in enumerate(list(graph.inputs)):
        users = graph.consumers(name)
        if len(graph.tensor(name).shape) != 4 or len(users) != 1 or users[0].kind != "TRANSPOSE" \
                or name in graph.outputs:
            continue
        t = users[0]
        perm = graph.tensor(t.inputs[1])
        if not perm.is_const or [int(v) for v in np.asarray(perm.data).reshape(-1)] != [0, 2, 3, 1]:
            continue
        graph.inputs[k] = t.outputs[0]
        graph.remove_op(t)
        graph.remove_dead_tensors()
        graph.nhwc_inputs = getattr(graph, "nhwc_inputs", []) + [(name, t.outputs[0])]
        modified = True
    return modified


PASSES = [fold_constants, cancel_quantize_pairs, fold_pad, eliminate_dead_ops, alias_reshapes,
          fuse_add_into_producer]


def run_passes(graph: Graph, passes=None, max_rounds: int = 10) -> list[str]:
    """Run passes until none modifies the graph; return the names of passes that did."""
    passes = PASSES if passes is None else passes
    applied = []
    for _ in range(max_rounds):
        round_modified = False
        for p in passes:
            if p(graph):
                verify(graph, after=p.__name__)
                applied.append(p.__name__)
                round_modified = True
        if not round_modified:
            break
    return applied

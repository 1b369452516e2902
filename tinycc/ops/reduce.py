"""Reductions: MEAN, SUM, REDUCE_MAX, REDUCE_MIN (kernels reduce_s8 / reduce_f32) and ARG_MAX,
ARG_MIN (argminmax_s8 / argminmax_f32), with TFLite Micro's semantics.

The reduce kernels see the input as up to three kept and three reduced groups of dimensions
(adjacent dimensions of one kind merged, size-1 dimensions dropped) with element strides, so
any set of axes of a tensor of rank <= 6 is one call. int8 SUM and MEAN sum the raw values in
int32, subtract the input zero point times the count and requantize with the input/output
scale ratio; MEAN folds 1/count into that multiplier exactly as TFLite's QuantizedMeanOrSum
(shift by floor(log2 count), integer division). float32 sums run one element at a time in index
order, as TFLite Micro's.
"""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import OPAQUE, KernelCall, OpDef, T, c_int16_symmetric, c_per_tensor_activations, register
from .. import fixedpoint as fx

_MODES_S8 = {"SUM": 0, "MEAN": 0, "REDUCE_MAX": 1, "REDUCE_MIN": 2}
_MODES_F32 = {"SUM": 0, "MEAN": 1, "REDUCE_MAX": 2, "REDUCE_MIN": 3}


@dataclass
class ReducerOptions:
    keep_dims: bool = False


def _parse(where, o):
    return ReducerOptions(bool(o.KeepDims()) if o is not None else False)


def _axes(op, graph):
    """The resolved reduced axes (sorted, no duplicates)."""
    r = len(T(graph, op, 0).shape)
    return sorted({int(a) + r if int(a) < 0 else int(a) for a in np.asarray(T(graph, op, 1).data).ravel()})


def _shapes(op, graph):
    shape = T(graph, op, 0).shape
    axes = _axes(op, graph)
    if op.options.keep_dims:
        return [tuple(1 if i in axes else d for i, d in enumerate(shape))]
    return [tuple(d for i, d in enumerate(shape) if i not in axes)]


def _to_rows(x, axes):
    """x with the kept axes first (flattened to rows) and the reduced ones last (row-major)."""
    kept = [i for i in range(x.ndim) if i not in axes]
    y = np.transpose(x, kept + list(axes))
    n = int(np.prod([x.shape[i] for i in axes], dtype=np.int64))
    return y.reshape(-1, n)


def mean_multiplier(in_scale, out_scale, count):
    """(multiplier, shift) of int8 SUM (count None) or MEAN: TFLite's QuantizedMeanOrSum."""
    mult, shift = fx.quantize_multiplier(float(np.float32(in_scale)) / float(np.float32(out_scale)))
    if count is not None:
        s = min(count.bit_length() - 1, 32, 31 + shift)
        mult = (mult << s) // count
        shift -= s
    return mult, shift


def _requant_params(op, graph):
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    count = int(np.prod([x.shape[a] for a in _axes(op, graph)], dtype=np.int64))
    mult, shift = mean_multiplier(x.scale, y.scale, count if op.kind == "MEAN" else None)
    return count, mult, shift


def _reference(op, graph, ins):
    x = ins[0]
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    rows = _to_rows(x, _axes(op, graph))
    if op.kind in ("REDUCE_MAX", "REDUCE_MIN"):
        if x.dtype == np.float32:  # TFLite Micro starts from the lowest / largest finite value
            lim = np.float32(np.finfo(np.float32).max)
            acc = np.full(rows.shape[0], -lim if op.kind == "REDUCE_MAX" else lim, np.float32)
            for j in range(rows.shape[1]):
                v = rows[:, j]
                acc = np.where(v > acc if op.kind == "REDUCE_MAX" else v < acc, v, acc)
            y = acc
        else:
            y = rows.max(axis=1) if op.kind == "REDUCE_MAX" else rows.min(axis=1)
    elif x.dtype == np.float32:
        acc = np.zeros(rows.shape[0], np.float32)
        for j in range(rows.shape[1]):  # one element at a time, in index order
            acc = (rows[:, j] + acc).astype(np.float32)
        y = acc / np.float32(rows.shape[1]) if op.kind == "MEAN" else acc
    else:
        count, mult, shift = _requant_params(op, graph)
        acc = fx._wrap32(rows.astype(np.int64).sum(axis=1) - xt.zero_point * count)
        lim = np.iinfo(yt.dtype)
        y = np.clip(fx.multiply_by_quantized_multiplier(acc, mult, shift) + yt.zero_point, lim.min, lim.max)
    return [np.asarray(y, yt.dtype).reshape(yt.shape)]


def geometry(shape, axes):
    """Kernel geometry: (kept groups, reduced groups), each a list of 3 (size, element stride)
    padded with (1, 0) at the front, or None if the dimensions do not fit 3 + 3 groups."""
    st, acc = [0] * len(shape), 1
    for i in range(len(shape) - 1, -1, -1):
        st[i] = acc
        acc *= int(shape[i])
    runs = []  # [size, stride, reduced]
    for i, d in enumerate(shape):
        if d == 1:
            continue
        red = i in axes
        if runs and runs[-1][2] == red and runs[-1][1] == d * st[i]:
            runs[-1][0] *= d
            runs[-1][1] = st[i]
        else:
            runs.append([int(d), st[i], red])
    kept = [(s, a) for s, a, r in runs if not r]
    red = [(s, a) for s, a, r in runs if r]
    if len(kept) > 3 or len(red) > 3:
        return None
    return [(1, 0)] * (3 - len(kept)) + kept, [(1, 0)] * (3 - len(red)) + red


def _lower(op, graph):
    x = T(graph, op, 0)
    kept, red = geometry(x.shape, _axes(op, graph))
    p = {}
    for i, ((o, oa), (r, ra)) in enumerate(zip(kept, red)):
        p.update({f"o{i}": o, f"oa{i}": oa, f"r{i}": r, f"ra{i}": ra})
    if x.dtype in (np.int8, np.int16):
        p["mode"] = _MODES_S8[op.kind]
        _, mult, shift = _requant_params(op, graph) if op.kind in ("SUM", "MEAN") else (0, 0, 0)
        p.update(in_zp=x.zero_point, out_zp=T(graph, op, 0, True).zero_point, mult=mult, shift=shift)
        return [KernelCall("reduce_s8" if x.dtype == np.int8 else "reduce_s16", [op.inputs[0], op.outputs[0]], p)]
    p["mode"] = _MODES_F32[op.kind]
    return [KernelCall("reduce_f32", [op.inputs[0], op.outputs[0]], p)]


# ---- constraints ----------------------------------------------------------------------------------

def c_reduce_types(op, graph):
    """input and output must have one dtype, one of the op's"""
    from . import get
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return x.dtype == y.dtype and x.dtype.name in get(op.kind).dtypes


def c_axis_const(op, graph):
    """the axis operand must be a constant int32 tensor of axes in [-rank, rank)"""
    a, x = T(graph, op, 1), T(graph, op, 0)
    if not a.is_const or a.dtype != np.int32:
        return False
    r = len(x.shape)
    return all(-r <= int(v) < r for v in np.asarray(a.data).ravel())


def c_groups(op, graph):
    """the kept and the reduced dimensions must each form at most 3 groups of adjacent
    dimensions (always true up to rank 6)"""
    return geometry(T(graph, op, 0).shape, _axes(op, graph)) is not None


def c_minmax_same_quant(op, graph):
    """int8 / int16 REDUCE_MAX / REDUCE_MIN need the output's scale and zero point equal to the
    input's (TFLite Micro refuses others)"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if x.dtype == np.float32 or op.kind not in ("REDUCE_MAX", "REDUCE_MIN"):
        return True
    return np.float32(x.scale) == np.float32(y.scale) and x.zero_point == y.zero_point


def c_requant_range(op, graph):
    """int8 / int16 SUM / MEAN need an input/output scale ratio whose multiplier shift is in [-31, 31]"""
    x = T(graph, op, 0)
    if x.dtype == np.float32 or op.kind not in ("SUM", "MEAN"):
        return True
    _, _, shift = _requant_params(op, graph)
    return -31 <= shift <= 31


_DOCS = {"MEAN": "mean over constant axes (keep_dims); int8 requantized as TFLite Micro",
         "SUM": "sum over constant axes (keep_dims); int8 requantized as TFLite Micro",
         "REDUCE_MAX": "maximum over constant axes (keep_dims)",
         "REDUCE_MIN": "minimum over constant axes (keep_dims)"}

_INT16 = ("MEAN", "SUM")  # TFLite Micro has no int16 REDUCE_MAX / REDUCE_MIN

def _count(op, graph):
    x = T(graph, op, 0)
    return int(np.prod([x.shape[a] for a in _axes(op, graph)], dtype=np.int64))


def _arg_error(op, graph, xs, es, ys):
    """ARG_MAX / ARG_MIN of float inputs with an error: exact where no other element along the axis
    can overtake the chosen one (its value within the two errors), else any index."""
    x, e = np.asarray(xs[0], np.float64), es[0]
    axis = _arg_axis(op, graph)
    pick = np.expand_dims(ys[0].astype(np.int64), axis)
    best, best_e = np.take_along_axis(x, pick, axis), np.take_along_axis(e, pick, axis)
    close = np.abs(x - best) <= 2 * (e + best_e)
    return [np.where((close.sum(axis=axis) > 1), np.inf, 0.0)]


for _name in ("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN"):
    register(OpDef(_name, parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
                   inputs=("input", "axis"),
                   error=bounds.linear(_count) if _name in ("MEAN", "SUM") else bounds.select("REDUCE_MAX"),
                   constraints=(c_reduce_types, c_per_tensor_activations, c_int16_symmetric, c_axis_const, c_groups,
                                c_minmax_same_quant, c_requant_range),
                   fusion=OPAQUE, kernels=("reduce_s8", "reduce_f32") + (("reduce_s16",) if _name in _INT16 else ()),
                   doc=_DOCS[_name], dtypes=("int8", "float32") + (("int16",) if _name in _INT16 else ()),
                   macs=lambda op, graph: T(graph, op, 0).size if op.kind in ("SUM", "MEAN") else 0))


# ---- ARG_MAX / ARG_MIN ---------------------------------------------------------------------------------

@dataclass
class ArgOptions:
    output_type: int = 2  # TensorType INT32


def _arg_parse(where, o):
    return ArgOptions(int(o.OutputType()) if o is not None else 2)


def _arg_axis(op, graph):
    r = len(T(graph, op, 0).shape)
    a = int(np.asarray(T(graph, op, 1).data).ravel()[0])
    return a + r if a < 0 else a


def _arg_shapes(op, graph):
    shape = list(T(graph, op, 0).shape)
    del shape[_arg_axis(op, graph)]
    return [tuple(shape)]


def _arg_geometry(op, graph):
    shape = T(graph, op, 0).shape
    a = _arg_axis(op, graph)
    return (int(np.prod(shape[:a], dtype=np.int64)), int(shape[a]), int(np.prod(shape[a + 1:], dtype=np.int64)))


def _arg_reference(op, graph, ins):
    outer, axis, inner = _arg_geometry(op, graph)
    x = ins[0].reshape(outer, axis, inner)
    best, at = x[:, 0, :], np.zeros((outer, inner), np.int64)
    for k in range(1, axis):  # strict comparisons: the first extreme wins, a NaN never replaces
        v = x[:, k, :]
        better = v > best if op.kind == "ARG_MAX" else v < best
        best, at = np.where(better, v, best), np.where(better, k, at)
    yt = T(graph, op, 0, True)
    return [at.astype(yt.dtype).reshape(yt.shape)]


def _arg_lower(op, graph):
    outer, axis, inner = _arg_geometry(op, graph)
    x = T(graph, op, 0)
    name = "argminmax_s8" if x.dtype == np.int8 else "argminmax_f32"
    return [KernelCall(name, [op.inputs[0], op.outputs[0]],
                       dict(mode=int(op.kind == "ARG_MAX"), outer=outer, axis=axis, inner=inner))]


def c_arg_types(op, graph):
    """the input must be int8 or float32 and the output int32 (TFLite Micro has no int64 output)"""
    return T(graph, op, 0).dtype in (np.int8, np.float32) and T(graph, op, 0, True).dtype == np.int32


def c_arg_axis(op, graph):
    """the axis must be one constant int32 in [-rank, rank) of an input of rank >= 1"""
    a, x = T(graph, op, 1), T(graph, op, 0)
    if not a.is_const or a.dtype != np.int32 or a.size != 1 or len(x.shape) < 1:
        return False
    return -len(x.shape) <= int(np.asarray(a.data).ravel()[0]) < len(x.shape)


for _name in ("ARG_MAX", "ARG_MIN"):
    register(OpDef(_name, parse=_arg_parse, shapes=_arg_shapes, reference=_arg_reference, lower=_arg_lower,
                   error=_arg_error,
                   inputs=("input", "axis"), constraints=(c_arg_types, c_arg_axis), fusion=OPAQUE,
                   kernels=("argminmax_s8", "argminmax_f32"),
                   doc=f"index of the first {'maximum' if _name == 'ARG_MAX' else 'minimum'} along a constant axis "
                       "(int32 output)"))

"""L2_NORMALIZATION over the last axis (kernels l2norm_s8 / l2norm_f32), as TFLite Micro.

int8: the sum of squared (x - zero point) in int32, TFLite's fixed-point inverse square root
(GetInvSqrtQuantizedMultiplierExp: Newton-Raphson in Q3.28) and MultiplyByQuantizedMultiplier
into the fixed output scale 1/128 (zero point 0). float32: x / max(sqrt(sum of squares), 1e-6),
the squares summed in order.
"""
import numpy as np

from . import bounds
from . import OPAQUE, KernelCall, OpDef, T, activation_name, c_per_tensor_activations, register
from .. import fixedpoint as fx


def _reference(op, graph, ins):
    x = ins[0]
    xt = T(graph, op, 0)
    depth = x.shape[-1]
    rows = x.reshape(-1, depth)
    if x.dtype == np.float32:
        acc = np.zeros(rows.shape[0], np.float32)
        for c in range(depth):
            acc = (acc + rows[:, c] * rows[:, c]).astype(np.float32)
        norm = np.maximum(np.sqrt(acc), np.float32(1e-6))
        return [(rows / norm[:, None]).astype(np.float32).reshape(x.shape)]
    d = rows.astype(np.int64) - xt.zero_point
    acc = fx._wrap32((d * d).sum(axis=1))
    out = np.empty(rows.shape, np.int64)
    for i, a in enumerate(acc):
        mult, shift = fx.inv_sqrt_multiplier(int(a))
        out[i] = fx.multiply_by_quantized_multiplier(d[i], mult, shift + 7)
    return [np.clip(out, -128, 127).astype(np.int8).reshape(x.shape)]


def _error(op, graph, xs, es, ys):
    """float32: x / |x| has Jacobian (I - y y^T) / |x| with row sums at most (1 + sqrt n) / |x| (|x| at
    least 1e-6, or as far down as the input errors can take it); the output has the roundings of the
    n squares and sums, the square root and the division."""
    if T(graph, op, 0, True).dtype != np.float32:
        return bounds.unbounded(op, graph, xs, es, ys)
    x, n, u = np.asarray(xs[0], np.float64), xs[0].shape[-1], bounds.U
    emax = es[0].max(axis=-1, keepdims=True)
    norm = np.sqrt((x * x).sum(axis=-1, keepdims=True))
    low = np.maximum(norm - 2 * np.sqrt(n) * emax, 1e-6)
    prop = (1 + np.sqrt(n)) * emax / low
    return [prop + (n + 2 * bounds.FUNC_ULPS + 4) * u * (np.abs(np.asarray(ys[0], np.float64)) + 2 * prop)
            + bounds.TINY]


def _lower(op, graph):
    x = T(graph, op, 0)
    p = dict(outer=x.size // x.shape[-1], depth=x.shape[-1])
    if x.dtype == np.int8:
        p["zp"] = x.zero_point
        return [KernelCall("l2norm_s8", [op.inputs[0], op.outputs[0]], p)]
    return [KernelCall("l2norm_f32", [op.inputs[0], op.outputs[0]], p)]


def c_l2_types(op, graph):
    """float32 -> float32, or int8 -> int8 with output scale 1/128 and zero point 0 (TFLite's fixed
    output quantization)"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if x.dtype == y.dtype == np.float32:
        return True
    return x.dtype == y.dtype == np.int8 and y.zero_point == 0 and np.float32(y.scale) == np.float32(1 / 128)


def c_l2_shape(op, graph):
    """the input must have 1 to 4 dimensions, the output its shape, and no fused activation"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return 1 <= len(x.shape) <= 4 and x.shape[-1] >= 1 and tuple(x.shape) == tuple(y.shape) and \
        op.options == "NONE"


register(OpDef("L2_NORMALIZATION", parse=lambda where, o: activation_name(o.FusedActivationFunction(), where)
               if o is not None else "NONE",
               shapes=lambda op, graph: [tuple(T(graph, op, 0).shape)], reference=_reference, lower=_lower,
               constraints=(c_l2_types, c_per_tensor_activations, c_l2_shape), fusion=OPAQUE, error=_error,
               kernels=("l2norm_s8", "l2norm_f32"), doc="x / its L2 norm over the last axis"))

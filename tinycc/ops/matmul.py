"""BATCH_MATMUL (kernels batch_matmul_s8 / _s16 / _f32) and TRANSPOSE_CONV (transpose_conv_s8 /
_s16 / _f32), with TFLite Micro's semantics.

BATCH_MATMUL broadcasts batch dimensions (NumPy rules, ranks 2..5) and reads adj_x / adj_y
operands through strides, so nothing is transposed or copied; int8 subtracts both zero points
and requantizes with lhs_scale * rhs_scale / out_scale (the scale product in float32, as
TFLite); int16 (both operands int16, zero points 0) accumulates in int64 and requantizes with
TFLite's 64-bit MultiplyByQuantizedMultiplier.

TRANSPOSE_CONV is computed per output element (a gather), summing the input pixels whose filter
footprint covers it in the order TFLite Micro's scatter adds them; padding comes from the output
size as TFLite computes it; 16x8 (int16 activations, int8 weights) accumulates in int64 with an
int16 or int64 bias. TFLite Micro never reads the output_shape operand (the output tensor's shape
is the output shape), so a non-constant one (SEANet's is a graph input) is accepted and ignored.
"""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import (OPAQUE, KernelCall, OpDef, T, act_params, activation_name, apply_activation, c_16x8_multipliers,
               padding_name, per_channel_multipliers, register, requantize_16x8, same_or_valid)
from .. import fixedpoint as fx


# ---- BATCH_MATMUL ----------------------------------------------------------------------------------

@dataclass
class BatchMatMulOptions:
    adj_x: bool = False
    adj_y: bool = False


def _bmm_parse(where, o):
    if o is None:
        return BatchMatMulOptions()
    return BatchMatMulOptions(bool(o.AdjX()), bool(o.AdjY()))


def _bmm_dims(op, graph):
    """(batch shape, m, k_lhs, k_rhs, n) with the operands' batch shapes padded to the output rank."""
    a, b = T(graph, op, 0).shape, T(graph, op, 1).shape
    r = max(len(a), len(b))
    ab = (1,) * (r - len(a)) + tuple(a[:-2])
    bb = (1,) * (r - len(b)) + tuple(b[:-2])
    m, ka = (a[-1], a[-2]) if op.options.adj_x else (a[-2], a[-1])
    kb, n = (b[-1], b[-2]) if op.options.adj_y else (b[-2], b[-1])
    return ab, bb, m, ka, kb, n


def _bmm_shapes(op, graph):
    ab, bb, m, _, _, n = _bmm_dims(op, graph)
    return [tuple(max(x, y) for x, y in zip(ab[:len(ab)], bb)) + (m, n)]


def _bmm_multiplier(op, graph):
    a, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    product = float(np.float32(a.scale) * np.float32(b.scale))  # float32 product, as TFLite
    return fx.quantize_multiplier(product / float(np.float32(y.scale)))


def _bmm_reference(op, graph, ins):
    a, b = ins[0], ins[1]
    yt = T(graph, op, 0, True)
    if op.options.adj_x:
        a = np.swapaxes(a, -1, -2)
    if op.options.adj_y:
        b = np.swapaxes(b, -1, -2)
    if a.dtype == np.int8:
        at, bt = T(graph, op, 0), T(graph, op, 1)
        acc = np.matmul(a.astype(np.float64) - at.zero_point, b.astype(np.float64) - bt.zero_point)  # exact
        mult, shift = _bmm_multiplier(op, graph)
        y = fx.multiply_by_quantized_multiplier(fx._wrap32(acc.astype(np.int64)), mult, shift) + yt.zero_point
        return [np.clip(y, -128, 127).astype(np.int8).reshape(yt.shape)]
    if a.dtype == np.int16:
        mult, shift = _bmm_multiplier(op, graph)
        y = requantize_16x8(np.matmul(a.astype(np.int64), b.astype(np.int64)), mult, shift, True)
        return [np.clip(y, -32768, 32767).astype(np.int16).reshape(yt.shape)]
    k = a.shape[-1]
    acc = np.zeros(np.broadcast_shapes(a.shape[:-1] + (1,), b.shape[:-2] + (1, b.shape[-1])), np.float32)
    for t in range(k):  # each dot product summed in order, as TFLite
        acc = (acc + a[..., :, t:t + 1] * b[..., t:t + 1, :]).astype(np.float32)
    return [acc.reshape(yt.shape)]


def _strides(shape):
    st, acc = [0] * len(shape), 1
    for i in range(len(shape) - 1, -1, -1):
        st[i] = acc
        acc *= int(shape[i])
    return st


def _bmm_lower(op, graph):
    a, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    ab, bb, m, k, _, n = _bmm_dims(op, graph)
    out_b = [max(x, z) for x, z in zip(ab, bb)]
    ast = _strides(ab + tuple(a.shape[-2:]))[:-2]
    bst = _strides(bb + tuple(b.shape[-2:]))[:-2]
    # batch dims: those of size > 1, merged where both operands stay contiguous, padded to 3
    dims = []  # [out size, lhs stride, rhs stride]
    for d, x, z, sa, sb in zip(out_b, ab, bb, ast, bst):
        if d == 1:
            continue
        la, ra = (sa if x > 1 else 0), (sb if z > 1 else 0)
        if dims and dims[-1][1] == la * d and dims[-1][2] == ra * d:
            dims[-1] = [dims[-1][0] * d, la, ra]
        else:
            dims.append([d, la, ra])
    dims = [[1, 0, 0]] * (3 - len(dims)) + dims
    ra_, ca = a.shape[-2:]
    rb, cb = b.shape[-2:]
    lsi, lsk = (1, ca) if op.options.adj_x else (ca, 1)
    rsk, rsj = (1, cb) if op.options.adj_y else (cb, 1)
    p = {}
    for i, (d, la, ra) in enumerate(dims):
        p.update({f"b{i}": d, f"la{i}": la, f"ra{i}": ra})
    p.update(m=m, k=k, n=n, lsi=lsi, lsk=lsk, rsk=rsk, rsj=rsj)
    bufs = [op.inputs[0], op.inputs[1], op.outputs[0]]
    if a.dtype in (np.int8, np.int16):
        mult, shift = _bmm_multiplier(op, graph)
        p.update(lhs_zp=a.zero_point, rhs_zp=b.zero_point, out_zp=y.zero_point, mult=mult, shift=shift)
        return [KernelCall("batch_matmul_s8" if a.dtype == np.int8 else "batch_matmul_s16", bufs, p)]
    return [KernelCall("batch_matmul_f32", bufs, p)]


def c_bmm_types(op, graph):
    """both operands and the output must be all int8 (per-tensor quantized), all int16 (per tensor,
    zero points 0) or all float32"""
    ts = [T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)]
    if not all(t.dtype == ts[0].dtype for t in ts) or ts[0].dtype not in (np.int8, np.int16, np.float32):
        return False
    if ts[0].dtype == np.int16 and not all(t.quant is not None and t.zero_point == 0 for t in ts):
        return False
    return all(t.quant is None or not t.quant.per_channel for t in ts)


def c_bmm_shapes(op, graph):
    """operands must have rank 2..5, equal inner dimensions and broadcastable batch dimensions"""
    a, b = T(graph, op, 0).shape, T(graph, op, 1).shape
    if not (2 <= len(a) <= 5 and 2 <= len(b) <= 5):
        return False
    ab, bb, _, ka, kb, _ = _bmm_dims(op, graph)
    return ka == kb and all(x == z or x == 1 or z == 1 for x, z in zip(ab, bb))


def c_bmm_batches(op, graph):
    """the broadcast batch dimensions must form at most 3 groups"""
    ab, bb, *_ = _bmm_dims(op, graph)
    groups, prev = 0, None
    for x, z in zip(ab, bb):
        if max(x, z) == 1:
            continue
        kind = (x > 1, z > 1)
        groups += kind != prev
        prev = kind
    return groups <= 3


def c_bmm_multiplier(op, graph):
    """lhs_scale * rhs_scale / out_scale must give a multiplier shift in [-31, 31] (int8) or [-31, 14]
    (int16: TFLite's 64-bit rescale shifts right by 15 - shift)"""
    dtype = T(graph, op, 0).dtype
    if dtype == np.float32:
        return True
    return -31 <= _bmm_multiplier(op, graph)[1] <= (31 if dtype == np.int8 else 14)


register(OpDef("BATCH_MATMUL", parse=_bmm_parse, shapes=_bmm_shapes, reference=_bmm_reference, lower=_bmm_lower,
               inputs=("lhs", "rhs"), constraints=(c_bmm_types, c_bmm_shapes, c_bmm_batches, c_bmm_multiplier),
               fusion=OPAQUE, kernels=("batch_matmul_s8", "batch_matmul_s16", "batch_matmul_f32"),
               error=bounds.linear(lambda op, graph: _bmm_dims(op, graph)[3], operands=(0, 1)),
               dtypes=("int8", "int16", "float32"),
               macs=lambda op, graph: int(np.prod(_bmm_shapes(op, graph)[0], dtype=np.int64)) * _bmm_dims(op, graph)[3],
               doc="batched matrix product with broadcast batch dimensions (ranks 2..5), adj_x / adj_y; "
                   "int8 with zero points on both operands; int16 (16x16, int64 accumulation)"))


# ---- TRANSPOSE_CONV --------------------------------------------------------------------------------------

@dataclass
class TransposeConvOptions:
    padding: str = "SAME"
    stride_h: int = 1
    stride_w: int = 1
    activation: str = "NONE"


def _tc_parse(where, o):
    if o is None:
        return TransposeConvOptions()
    return TransposeConvOptions(padding_name(o.Padding(), where), o.StrideH(), o.StrideW(),
                                activation_name(o.FusedActivationFunction(), where))


def _tc_geometry(op, graph):
    x, w, y = T(graph, op, 2), T(graph, op, 1), T(graph, op, 0, True)
    o = op.options
    n, h, wd, c = x.shape
    oc, kh, kw, _ = w.shape
    _, oh, ow, _ = y.shape
    _, pt = same_or_valid(o.padding, oh, kh, o.stride_h, 1)  # TFLite: the padding of the forward conv
    _, pl = same_or_valid(o.padding, ow, kw, o.stride_w, 1)
    return dict(n=n, h=h, w=wd, c=c, oh=oh, ow=ow, oc=oc, kh=kh, kw=kw, sh=o.stride_h, sw=o.stride_w, pt=pt, pl=pl)


def _tc_shapes(op, graph):
    """A constant output_shape gives the output's shape; a non-constant one (a graph input) is not
    read: TFLite Micro takes the output's shape from the output tensor and ignores its values."""
    s = T(graph, op, 0)
    if not s.is_const:
        return [tuple(T(graph, op, 0, True).shape)]
    return [tuple(int(v) for v in np.asarray(s.data).ravel())]


def _tc_reference(op, graph, ins):
    x, w = ins[2], ins[1]
    b = ins[3] if len(ins) > 3 else None
    xt, wt, yt = T(graph, op, 2), T(graph, op, 1), T(graph, op, 0, True)
    g = _tc_geometry(op, graph)
    quant = xt.dtype in (np.int8, np.int16)
    xs = x.astype(np.int64) - xt.zero_point if quant else x
    # scatter into a padded canvas, in TFLite's order (input rows, columns, then channels)
    H = (g["h"] - 1) * g["sh"] + g["kh"] + g["oh"] + g["pt"]
    W = (g["w"] - 1) * g["sw"] + g["kw"] + g["ow"] + g["pl"]
    acc = np.zeros((g["n"], H, W, g["oc"]), np.int64 if quant else np.float32)
    for iy in range(g["h"]):
        for ix in range(g["w"]):
            for ci in range(g["c"]):
                contrib = xs[:, iy, ix, ci][:, None, None, None] * \
                    np.transpose(w[:, :, :, ci], (1, 2, 0))[None].astype(np.int64 if quant else np.float32)
                y0, x0 = iy * g["sh"], ix * g["sw"]
                acc[:, y0:y0 + g["kh"], x0:x0 + g["kw"], :] += contrib
    acc = acc[:, g["pt"]:g["pt"] + g["oh"], g["pl"]:g["pl"] + g["ow"], :]
    if quant:
        acc = acc + (b.astype(np.int64) if b is not None else 0)
        mult, shift = per_channel_multipliers(xt, wt, yt, g["oc"])
        if xt.dtype == np.int16:
            return [apply_activation(requantize_16x8(acc, mult, shift, True), op.options.activation, yt)]
        out = fx.multiply_by_quantized_multiplier(fx._wrap32(acc), mult, shift) + yt.zero_point
        return [apply_activation(out, op.options.activation, yt)]
    if b is not None:
        acc = acc + b
    return [apply_activation(acc.astype(np.float32), op.options.activation, yt)]


def _tc_lower(op, graph):
    x, w, b, y = T(graph, op, 2), T(graph, op, 1), T(graph, op, 3), T(graph, op, 0, True)
    g = _tc_geometry(op, graph)
    ip, fp = act_params(op.options.activation, y)
    g.update(ip)
    if x.dtype == np.int16:  # TFLite Micro widens an int16 bias to int64
        bias = b.data.astype(np.int64) if b is not None else np.zeros(g["oc"], np.int64)
        mult, shift = per_channel_multipliers(x, w, y, g["oc"])
        return [KernelCall("transpose_conv_s16", [op.inputs[2], op.outputs[0], w.data, bias, mult, shift], g)]
    quant = x.dtype == np.int8
    bias = b.data if b is not None else np.zeros(g["oc"], np.int32 if quant else np.float32)
    if quant:
        mult, shift = per_channel_multipliers(x, w, y, g["oc"])
        g.update(in_zp=x.zero_point, out_zp=y.zero_point)
        return [KernelCall("transpose_conv_s8", [op.inputs[2], op.outputs[0], w.data, bias, mult, shift], g)]
    return [KernelCall("transpose_conv_f32", [op.inputs[2], op.outputs[0], w.data, bias], g, fp)]


def c_tc_types(op, graph):
    """input and output int8 (per tensor) with int8 weights and an int32 bias, int16 (per tensor, zero
    point 0) with int8 weights and an int16 or int64 bias (TFLite Micro reads any other as int64), or
    all float32 (no hybrid)"""
    x, w, b, y = T(graph, op, 2), T(graph, op, 1), T(graph, op, 3), T(graph, op, 0, True)
    if x.dtype in (np.int8, np.int16):
        biases = (np.int32,) if x.dtype == np.int8 else (np.int16, np.int64)
        if x.dtype == np.int16 and (x.quant is None or y.quant is None or x.zero_point or y.zero_point):
            return False
        return y.dtype == x.dtype and w.dtype == np.int8 and w.quant is not None and \
            (b is None or b.dtype in biases) and not x.quant.per_channel and not y.quant.per_channel
    return x.dtype == y.dtype == w.dtype == np.float32 and (b is None or b.dtype == np.float32)


def c_tc_operands(op, graph):
    """output_shape must be an int32 [4], the filter [oc, kh, kw, c] and the bias [oc] constant, the
    input 4-D with c channels, the output [n, oh, ow, oc]. A constant output_shape must equal the
    output's shape; a non-constant one (a graph input) is accepted and its values are ignored, as
    TFLite Micro ignores them: the output tensor's static shape is the output shape"""
    s, w, x, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2), T(graph, op, 3), T(graph, op, 0, True)
    if not (s.dtype == np.int32 and tuple(s.shape) == (4,) and w.is_const and len(w.shape) == 4
            and len(x.shape) == 4 and len(y.shape) == 4):
        return False
    if b is not None and (not b.is_const or tuple(b.shape) != (w.shape[0],)):
        return False
    return w.shape[3] == x.shape[3] and y.shape[3] == w.shape[0] and y.shape[0] == x.shape[0] and min(y.shape) >= 1


def c_tc_strides(op, graph):
    """strides must be >= 1"""
    return min(op.options.stride_h, op.options.stride_w) >= 1


def c_tc_weights(op, graph):
    """int8 weights must be symmetric (zero point 0), per tensor or per output channel (axis 0)"""
    w = T(graph, op, 1)
    if w.dtype != np.int8:
        return True
    return not np.any(w.quant.zero_point) and (not w.quant.per_channel or w.quant.axis == 0)


register(OpDef("TRANSPOSE_CONV", parse=_tc_parse, shapes=_tc_shapes, reference=_tc_reference, lower=_tc_lower,
               inputs=("output_shape", "filter", "input", "bias?"),
               constraints=(c_tc_types, c_tc_operands, c_tc_strides, c_tc_weights, c_16x8_multipliers),
               fusion=OPAQUE, kernels=("transpose_conv_s8", "transpose_conv_s16", "transpose_conv_f32"),
               error=bounds.linear(lambda op, graph: (lambda g: g["kh"] * g["kw"] * g["c"])(_tc_geometry(op, graph)),
                                   operands=(2, 1), bias=3),
               dtypes=("int8", "int16", "float32"),
               macs=lambda op, graph: (lambda g: g["n"] * g["h"] * g["w"] * g["c"] * g["kh"] * g["kw"] * g["oc"])(
                   _tc_geometry(op, graph)),
               doc="transposed 2-D convolution, NHWC / OHWI; SAME/VALID, strides, optional bias, fused "
                   "activation; per-tensor or per-channel int8 weights; 16x8 with an int16 or int64 bias"))

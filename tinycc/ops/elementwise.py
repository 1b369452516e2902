"""Binary elementwise ops with NumPy broadcasting: ADD."""
import functools
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import (ELEMENTWISE, InPlace, KernelCall, OpDef, T, act_params, activation_name, apply_activation,
               c_int16_symmetric, c_per_tensor_activations, c_quantized, register)
from ..fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier
from ..kernels import ADD_LIN, ADD_Q

MAX_RANK = 6


@dataclass
class BinaryOptions:
    activation: str = "NONE"


def _parse(where, o):
    return BinaryOptions(activation_name(o.FusedActivationFunction(), where) if o is not None else "NONE")


def _shapes(op, graph):
    return [tuple(np.broadcast_shapes(tuple(T(graph, op, 0).shape), tuple(T(graph, op, 1).shape)))]


def add_params(a, b, y):
    """TFLite's quantized ADD rescaling: both inputs to a common 2*max scale, << 20 (int16: << 15),
    then to the output."""
    left_shift = 15 if y.dtype == np.int16 else 20
    twice_max = 2 * max(float(np.float32(a.scale)), float(np.float32(b.scale)))
    m1, s1 = quantize_multiplier(float(np.float32(a.scale)) / twice_max)
    m2, s2 = quantize_multiplier(float(np.float32(b.scale)) / twice_max)
    mo, so = quantize_multiplier(twice_max / ((1 << left_shift) * float(np.float32(y.scale))))
    return dict(in1_off=-a.zero_point, in2_off=-b.zero_point, out_off=y.zero_point, left_shift=left_shift,
                m1=m1, s1=s1, m2=m2, s2=s2, mo=mo, so=so)


def _add_q(p, a, b):
    """TFLite's quantized ADD of integer arrays a and b by the parameters of add_params: the output
    before the activation's clamp."""
    sa = multiply_by_quantized_multiplier((a.astype(np.int64) + p["in1_off"]) << p["left_shift"], p["m1"], p["s1"])
    sb = multiply_by_quantized_multiplier((b.astype(np.int64) + p["in2_off"]) << p["left_shift"], p["m2"], p["s2"])
    return multiply_by_quantized_multiplier(sa + sb, p["mo"], p["so"]) + p["out_off"]


_NO_LIN = dict.fromkeys(ADD_LIN, 0)  # add_s8 without a linear form


def add_linear(p: dict, act_min: int, act_max: int) -> dict:
    """An int8 ADD as one linear form with one rounding, when one is exact: integers A, B, C and P with
    clamp(floor((a A + b B + C) / 2**P), act_min, act_max) equal to TFLite's ADD (two roundings per
    input, two for the output) for every one of the 65,536 pairs of int8 inputs a, b, checked here on
    all of them. The output is a monotone step function of a and b that the real-valued form
    a s_a / s_y + b s_b / s_y + zp rounds the same way but at near-ties, so such a form exists for
    nearly every layer: A and B are the real coefficients at precision 2**P (P from 29 down, the
    neighbours of each tried too), C any value of the interval the 65,536 pairs leave (none: the next
    try). As the kernels compute it (add_s8's lin_*: A = a1 2**15 + a0, B and C likewise, with a0, b0,
    c0 in [0, 2**15), and P = 15 + lin_shift):
        t = (c0 + a a0 + b b0) >> 15,   y = (t + a a1 + b b1 + c1) >> lin_shift
    int16 pair products summed in 32 bits. {"lin": 0, ...} when no form was found."""
    return dict(_add_linear(tuple(p[k] for k in ADD_Q), act_min, act_max))


@functools.lru_cache(maxsize=256)  # (a model's lowering asks again for the same ADD)
def _add_linear(q: tuple, act_min: int, act_max: int) -> tuple:
    p = dict(zip(ADD_Q, q))
    a = np.repeat(np.arange(-128, 128, dtype=np.int64), 256)
    b = np.tile(np.arange(-128, 128, dtype=np.int64), 256)
    ex = np.clip(_add_q(p, a, b), act_min, act_max)
    lo, hi = ex > act_min, ex < act_max  # the pairs whose floor is bounded from below, from above

    def coef(m, s):  # an input's real coefficient m 2**s 2**left / 2**31 * mo 2**so / 2**31 as (M, e): M 2**(e - 62)
        return m * p["mo"], s + p["so"] + p["left_shift"]
    (ma, ea), (mb, eb) = coef(p["m1"], p["s1"]), coef(p["m2"], p["s2"])
    for P in range(29, 14, -1):
        A0 = _round_pow2(ma, ea + P - 62)
        B0 = _round_pow2(mb, eb + P - 62)
        for dA, dB in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
            A, B = A0 + dA, B0 + dB
            if max(abs(A), abs(B)) >= 1 << 30:
                continue
            v = a * A + b * B
            c_lo = int(((ex[lo] << P) - v[lo]).max()) if lo.any() else -(1 << 40)
            c_hi = int((((ex[hi] + 1) << P) - v[hi]).min()) - 1 if hi.any() else 1 << 40
            if c_lo > c_hi:
                continue
            C = (c_lo + c_hi) // 2
            if abs(C >> 15) >= 1 << 30:
                continue
            return tuple(dict(lin=1, lin_a0=A & 0x7FFF, lin_a1=A >> 15, lin_b0=B & 0x7FFF, lin_b1=B >> 15,
                              lin_c0=C & 0x7FFF, lin_c1=C >> 15, lin_shift=P - 15).items())
    return tuple(_NO_LIN.items())


def _round_pow2(m: int, e: int) -> int:
    """m 2**e rounded to the nearest integer (m, e integers)."""
    return m << e if e >= 0 else (m + (1 << (-e - 1))) >> -e


def _reference(op, graph, ins):
    a, b = ins
    at, bt, yt = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    if yt.dtype == np.float32:
        return [apply_activation(a + b, op.options.activation, yt)]
    if yt.dtype == np.int32:
        return s32_reference(op, graph, ins)
    return [apply_activation(_add_q(add_params(at, bt, yt), a, b), op.options.activation, yt)]


def _wrap32(v):
    return ((np.asarray(v, np.int64) + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int32)


def _trunc_div(a, b):
    """C's int32 a / b: toward zero; INT32_MIN / -1 wraps; b == 0 gives 0 (TFLite Micro refuses it at
    run time)."""
    safe = np.where(b == 0, 1, b)
    q = np.abs(a) // np.abs(safe) * np.sign(a) * np.sign(safe)
    return np.where(b == 0, 0, q)


#: int32 arithmetic of each binary op (int64 operands, before the 32-bit wrap)
S32_FUNCS = {"ADD": lambda a, b: a + b, "SUB": lambda a, b: a - b, "MUL": lambda a, b: a * b,
             "MAXIMUM": np.maximum, "MINIMUM": np.minimum,
             "SQUARED_DIFFERENCE": lambda a, b: np.asarray(_wrap32(a - b), np.int64) ** 2,
             "DIV": _trunc_div}
#: op codes of binary_s32 (binary_f32's, and ADD)
S32_CODES = {"SUB": 0, "MUL": 1, "MAXIMUM": 2, "MINIMUM": 3, "SQUARED_DIFFERENCE": 4, "DIV": 6, "ADD": 8}


def s32_activation(op, y):
    """The int32 clamp TFLite Micro applies: its fused activation's range (CalculateActivationRange),
    none for ADD (its int32 kernel ignores the activation) and for the ops without one."""
    act = getattr(op.options, "activation", "NONE") if op.kind != "ADD" else "NONE"
    lo, hi = {"NONE": (-(1 << 31), (1 << 31) - 1), "RELU": (0, (1 << 31) - 1), "RELU6": (0, 6),
              "RELU_N1_TO_1": (-1, 1)}[act]
    return lo, hi


def s32_reference(op, graph, ins):
    """int32 binary ops as TFLite Micro's int32 kernels (wrapping arithmetic, truncating DIV)."""
    a, b = np.broadcast_arrays(*(np.asarray(x, np.int64) for x in ins))
    y = _wrap32(S32_FUNCS[op.kind](a, b))
    lo, hi = s32_activation(op, T(graph, op, 0, True))
    return [np.ascontiguousarray(np.clip(y, lo, hi).astype(np.int32))]


def s32_lower(op, graph):
    a, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    p = broadcast_params(a.shape, b.shape, y.shape)
    lo, hi = s32_activation(op, y)
    p.update(op=S32_CODES[op.kind], act_min=lo, act_max=hi)
    return [KernelCall("binary_s32", [op.inputs[0], op.inputs[1], op.outputs[0]], p)]


def broadcast_params(shape_a, shape_b, shape_out):
    """Output dims and per-input element strides (0 where broadcast), padded to MAX_RANK at the
    front; adjacent dimensions that both inputs walk alike (both contiguous across them, or both
    broadcast) are merged, so the innermost run is as long as it can be."""
    rank = len(shape_out)

    def strides(shape):
        shape = [1] * (rank - len(shape)) + list(shape)
        st, acc = [0] * rank, 1
        for i in range(rank - 1, -1, -1):
            st[i] = acc if shape[i] != 1 else 0
            acc *= shape[i]
        return st
    dims = [[int(d), sa, sb] for d, sa, sb in zip(shape_out, strides(shape_a), strides(shape_b)) if d != 1]
    merged = []
    for d, sa, sb in dims:
        if merged and merged[-1][1] == sa * d and merged[-1][2] == sb * d:
            merged[-1] = [merged[-1][0] * d, sa, sb]
        else:
            merged.append([d, sa, sb])
    merged = [[1, 0, 0]] * (MAX_RANK - len(merged)) + merged
    p = {}
    for i, (d, sa, sb) in enumerate(merged):
        p[f"d{i}"], p[f"a{i}"], p[f"b{i}"] = d, sa, sb
    return p


def _lower(op, graph):
    a, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    if y.dtype == np.int32:
        return s32_lower(op, graph)
    p = broadcast_params(a.shape, b.shape, y.shape)
    ip, fp = act_params(op.options.activation, y)
    p.update(ip)
    if y.dtype in (np.int8, np.int16):
        p.update(add_params(a, b, y))
        if y.dtype == np.int8:
            p.update(add_linear(p, p["act_min"], p["act_max"]))
        return [KernelCall("add_s8" if y.dtype == np.int8 else "add_s16", [op.inputs[0], op.inputs[1], op.outputs[0]],
                           p, fp)]
    return [KernelCall("add_f32", [op.inputs[0], op.inputs[1], op.outputs[0]], p, fp)]


def _inplace(op, graph):
    """Elementwise: the output may take the place of an input of its own shape."""
    y = T(graph, op, 0, True)
    return [InPlace(i, 0) for i in (0, 1) if tuple(T(graph, op, i).shape) == tuple(y.shape)]


def c_same_dtype(op, graph):
    """both inputs and the output must be all int8, all int16, all int32 or all float32"""
    ts = [graph.tensor(n) for n in op.inputs + op.outputs]
    return any(all(t.dtype == d for t in ts) for d in (np.int8, np.int16, np.int32, np.float32))


def c_broadcastable(op, graph):
    """input shapes must broadcast (NumPy rules) to at most 6 dimensions"""
    try:
        s = np.broadcast_shapes(tuple(T(graph, op, 0).shape), tuple(T(graph, op, 1).shape))
    except ValueError:
        return False
    return len(s) <= MAX_RANK


register(OpDef("ADD", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower, inputs=("input1", "input2"),
               constraints=(c_same_dtype, c_quantized, c_int16_symmetric, c_per_tensor_activations, c_broadcastable),
               fusion=ELEMENTWISE, inplace=_inplace, kernels=("add_s8", "add_f32", "add_s16", "binary_s32"),
               error=bounds.add_sub, dtypes=("int8", "int16", "int32", "float32"),
               doc="elementwise add with broadcasting, fused activation (int32: wraps, no activation, as TFLite "
                   "Micro)"))

"""Unary elementwise ops: LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH, RSQRT, ABS, ELU
(int8 and float32) and NEG, EXP, SQRT, LOG, SQUARE, FLOOR, CEIL, ROUND (float32: the
dtypes TFLite Micro runs them in).

int8: each op's reference is TFLite Micro's integer arithmetic, evaluated on all 256 input codes
at compile time; the op lowers to ``lut_s8`` with that table, so the lowering is exact by
construction. float32: one kernel ``unary_f32`` with an op code (and ``alpha`` for LEAKY_RELU).
"""
import math
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import (ELEMENTWISE, InPlace, KernelCall, OpDef, T, c_int16_symmetric, c_per_tensor_activations, c_quantized,
               register)
from .. import fixedpoint
from ..fixedpoint import (INT32_MAX, _wrap32, exp_on_negative_values,
                          multiply_by_quantized_multiplier, one_over_one_plus_x_for_x_in_0_1, quantize_multiplier,
                          rounding_divide_by_pot, saturating_shl, srdhm, tflite_round)

#: unary_f32 op codes (the C kernel's switch)
F32_CODES = {"LOGISTIC": 0, "TANH": 1, "RELU": 2, "RELU6": 3, "LEAKY_RELU": 4, "HARD_SWISH": 5, "RSQRT": 6,
             "ABS": 7, "NEG": 8, "ELU": 9, "EXP": 10, "SQRT": 11, "LOG": 12, "SQUARE": 13, "FLOOR": 14, "CEIL": 15,
             "ROUND": 16}

_CODES = np.arange(-128, 128, dtype=np.int64)


def _f32(v):
    return float(np.float32(v))


# ---- gemmlowp pieces not in fixedpoint.py ----------------------------------------------------------

def _select(mask, a, b):
    return np.where(mask, a, b)


def _rounding_half_sum(a, b):
    s = np.asarray(a, np.int64) + np.asarray(b, np.int64)
    return np.where(s >= 0, (s + 1) // 2, -((-s + 1) // 2))  # (s + sign) / 2 truncating


def _one_minus_x_over_one_plus_x(a):
    """gemmlowp: (1 - a) / (1 + a) for a in (0, 1), Q0.31 in and out."""
    half_denominator = _rounding_half_sum(a, INT32_MAX)
    x = _wrap32(1515870810 + srdhm(half_denominator, -1010580540))
    for _ in range(3):
        one_minus = _wrap32((1 << 29) - srdhm(half_denominator, x))
        x = _wrap32(x + saturating_shl(srdhm(x, one_minus), 2))
    return saturating_shl(_wrap32(x - (1 << 29)), 2)


def gemmlowp_logistic(a, integer_bits):
    """gemmlowp::logistic of a Q(integer_bits) value; Q0.31 result."""
    a = np.asarray(a, np.int64)
    pos = a > 0
    abs_a = np.where(pos, a, _wrap32(-a))
    r_pos = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(_wrap32(-abs_a), integer_bits))
    r_neg = _wrap32(INT32_MAX - r_pos)
    return np.where(a == 0, 1 << 30, np.where(pos, r_pos, r_neg))


def gemmlowp_tanh(a, integer_bits):
    """gemmlowp::tanh of a Q(integer_bits) value; Q0.31 result."""
    a = np.asarray(a, np.int64)
    neg = a < 0
    n = np.where(neg, a, _wrap32(-a))
    t = _one_minus_x_over_one_plus_x(exp_on_negative_values(n, integer_bits + 1))
    return np.where(a == 0, 0, np.where(neg, _wrap32(-t), t))


def _frexp_multiplier(real):
    """The (multiplier, shift) LOGISTIC / TANH compute with frexp (no renormalisation)."""
    q, shift = math.frexp(real)
    return int(tflite_round(q * (1 << 31))), shift


def _input_radius(integer_bits, left_shift, total_bits=31):
    """CalculateInputRadius (floating-point build)."""
    return int(math.floor(((1 << integer_bits) - 1) * (1 << (total_bits - integer_bits)) / 2.0 ** left_shift))


def _sigmoid_tanh_s8(v, xt, is_tanh):
    x = v - xt.zero_point
    mult, shift = _frexp_multiplier(float(np.float32(xt.scale)) * (1 << 27))
    radius = _input_radius(4, shift)
    xq = multiply_by_quantized_multiplier(np.clip(x, -radius, radius), mult, shift)
    if is_tanh:
        y = np.clip(rounding_divide_by_pot(gemmlowp_tanh(xq, 4), 24), -128, 127)
    else:
        y = np.clip(rounding_divide_by_pot(gemmlowp_logistic(xq, 4), 23) - 128, -128, 127)
    return np.where(x <= -radius, -128, np.where(x >= radius, 127, y))


# ---- int8 semantics (functions of the 256 input codes) -------------------------------------------------

def _logistic_s8(v, xt, yt, o):
    return _sigmoid_tanh_s8(v, xt, False)


def _tanh_s8(v, xt, yt, o):
    return _sigmoid_tanh_s8(v, xt, True)


RELU_MODES = {"RELU": 0, "RELU6": 1, "LEAKY_RELU": 2}


def relu_params(kind, xt, yt, o) -> dict:
    """The integer parameters of a quantized RELU, RELU6 or LEAKY_RELU (int8 or int16), as TFLite Micro
    prepares them: RELU rescales (m1, s1) and clamps at the output's zero; RELU6 clamps the raw codes to
    [zero, six] of the input quantization; LEAKY_RELU rescales x >= 0 by (m1, s1) and x < 0 by
    alpha's (m2, s2), negated when alpha < 0 (neg)."""
    lim = np.iinfo(yt.dtype)
    # rescale ratios in double precision, as TFLite Micro: float32 ones are 1 LSB off on int16 layers
    xs, ys = float(np.float32(xt.scale)), float(np.float32(yt.scale))
    p = dict(mode=RELU_MODES[kind], in_zp=xt.zero_point, out_zp=yt.zero_point, m1=0, s1=0, m2=0, s2=0,
             lo=int(lim.min), hi=int(lim.max), neg=0)
    if kind == "RELU":
        p["m1"], p["s1"] = quantize_multiplier(xs / ys)
        p["lo"] = max(int(lim.min), yt.zero_point)  # zero point + round(0 / scale)
    elif kind == "RELU6":
        six = tflite_round(_f32(np.float32(6.0) / np.float32(xs))) + xt.zero_point
        p.update(lo=xt.zero_point, hi=int(min(max(six, lim.min), lim.max)))
    else:
        ma, p["s2"] = quantize_multiplier(xs * float(np.float32(o.alpha)) / ys)
        p["m2"], p["neg"] = abs(ma), int(ma < 0)
        p["m1"], p["s1"] = quantize_multiplier(xs / ys)
    return p


def relu_apply(v, p):
    """RELU / RELU6 / LEAKY_RELU on integer codes with relu_params."""
    v = np.asarray(v, np.int64)
    if p["mode"] == 1:
        return np.clip(v, p["lo"], p["hi"])
    x = v - p["in_zp"]
    pos = p["out_zp"] + multiply_by_quantized_multiplier(x, p["m1"], p["s1"])
    if p["mode"] == 0:
        return np.clip(pos, p["lo"], p["hi"])
    scaled = multiply_by_quantized_multiplier(x, p["m2"], p["s2"])
    neg = p["out_zp"] + (-scaled if p["neg"] else scaled)
    return np.clip(np.where(x >= 0, pos, neg), p["lo"], p["hi"])


def _relu_s8(v, xt, yt, o, kind="RELU"):
    return relu_apply(v, relu_params(kind, xt, yt, o))


def _relu6_s8(v, xt, yt, o):
    return _relu_s8(v, xt, yt, o, "RELU6")


def _leaky_relu_s8(v, xt, yt, o):
    return _relu_s8(v, xt, yt, o, "LEAKY_RELU")


def _wrap16(x):
    return ((np.asarray(x, np.int64) + (1 << 15)) & 0xFFFF) - (1 << 15)


def _srdhm16(a, b):
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    s = ab + nudge
    r = np.where(s >= 0, s >> 15, -((-s) >> 15))
    return np.where((a == -32768) & (b == -32768), 32767, _wrap16(r))


def _rdbpot16(x, exponent):
    """gemmlowp RoundingDivideByPOT on int16 (the mask is truncated to 16 bits, as in C++)."""
    x = np.asarray(x, np.int64)
    mask = _wrap16((1 << exponent) - 1)
    remainder = _wrap16(x & mask)
    threshold = (mask >> 1) + (x < 0)
    return _wrap16((x >> exponent) + (remainder > threshold))


def _sat_shl16(x, amount):
    return np.clip(np.asarray(x, np.int64) * (1 << amount), -32768, 32767)


def _down16(m):
    return 32767 if m >= INT32_MAX - (1 << 15) else (m + (1 << 15)) >> 16


def hard_swish_params(xt, yt):
    hires = np.float32(1.0 / 128.0) * np.float32(xt.scale)
    mo, so = quantize_multiplier(_f32(hires / np.float32(yt.scale)))
    mr, sr = quantize_multiplier(_f32(hires / np.float32(3.0 / 32768.0)))
    return _down16(mo), so, _down16(mr), sr


def _hard_swish_s8(v, xt, yt, o):
    mo, so, mr, sr = hard_swish_params(xt, yt)
    x = _wrap16(v - xt.zero_point)
    hires = _wrap16(x * 128)
    pre = _srdhm16(hires, mo)
    r = hires
    if sr > 0:
        r = _sat_shl16(r, sr - 1)
    r = _srdhm16(r, mr)
    if sr > 0:
        r = _sat_shl16(r, 1)
    if sr < 0:
        r = _rdbpot16(r, -sr)
    r = (r + (1 << 15)) >> 1
    prod = r * pre
    out = _wrap16(np.where(prod >= 0, prod >> 15, -((-prod) >> 15)))
    out = _wrap16(_rdbpot16(out, -so) + yt.zero_point)
    return np.clip(out, -128, 127)


def _rsqrt_real(xt, yt):
    """1 / (sqrt(input scale) * output scale) in double precision, as TFLite Micro computes it (with
    the float32 product about 1 in 2000 random cases has a result off by one)."""
    return 1.0 / (math.sqrt(float(np.float32(xt.scale))) * float(np.float32(yt.scale)))


def rsqrt_params(xt, yt):
    return quantize_multiplier(_rsqrt_real(xt, yt))


def _rsqrt_q(v, xt, yt, o):
    """int8 or int16 (``v`` of any shape; int16 zero points are 0)."""
    info = np.iinfo(yt.dtype)
    m, s = rsqrt_params(xt, yt)
    codes, inverse = np.unique(np.asarray(v, np.int64) - xt.zero_point, return_inverse=True)
    out = []
    for x in codes.tolist():
        if x <= 0:  # 0: the maximum; negative: TFLite Micro stops with an error; tinycc gives the maximum
            out.append(info.max)
            continue
        im, ish = fixedpoint.inv_sqrt_multiplier(x)
        data = int(multiply_by_quantized_multiplier(1, im, ish + 20))
        out.append(int(multiply_by_quantized_multiplier(data, m, s - 20)) + yt.zero_point)
    return np.clip(np.array(out, np.int64), info.min, info.max)[inverse.reshape(np.shape(v))]


def abs_params(xt, yt):
    """(rescale, multiplier, shift) of quantized ABS: no rescale when the scales are equal; the ratio
    in double precision (TFLite Micro's; with the float32 ratio, int16 results near ties differ)."""
    if np.float32(xt.scale) == np.float32(yt.scale):
        return 0, 0, 0
    return (1,) + quantize_multiplier(float(np.float32(xt.scale)) / float(np.float32(yt.scale)))


def _abs_q(v, xt, yt, o):
    """int8 or int16."""
    info = np.iinfo(yt.dtype)
    x = np.abs(np.asarray(v, np.int64) - xt.zero_point)
    rescale, m, s = abs_params(xt, yt)
    if rescale:
        x = multiply_by_quantized_multiplier(x, m, s)
    return np.clip(x + yt.zero_point, info.min, info.max)


def _elu_s8(v, xt, yt, o):
    # TFLite Micro's float table: dequantize, expm1 for negatives, round(y / scale) + zero point
    deq = np.float32(xt.scale) * (v - xt.zero_point).astype(np.float32)
    with np.errstate(over="ignore"):
        e = np.exp(deq.astype(np.float64)).astype(np.float32) - np.float32(1.0)
    y = np.where(deq < 0, e, deq).astype(np.float32)
    q = y * (np.float32(1.0) / np.float32(yt.scale))
    r = np.sign(q) * np.floor(np.abs(q.astype(np.float64)) + 0.5)
    return np.clip(r.astype(np.int64) + yt.zero_point, -128, 127)


# ---- float32 semantics -------------------------------------------------------------------------------------

def _logistic_f(x):
    with np.errstate(over="ignore"):
        y = np.float32(1) / (np.float32(1) + np.exp(-x))
    return np.where(x > np.float32(16.619047164916992188), np.float32(1), np.where(x < -9, np.exp(x), y))


def _hard_swish_f(x):
    return x * np.minimum(np.float32(6), np.maximum(np.float32(0), x + np.float32(3))) / np.float32(6)


def _round_f(x):
    return np.rint(x)  # half to even, as TFLite's RoundToNearest


_FLOAT = {
    "LOGISTIC": _logistic_f, "TANH": np.tanh, "RELU": lambda x: np.where(x < 0, np.float32(0), x),
    "RELU6": lambda x: np.where(x > 6, np.float32(6), np.where(x < 0, np.float32(0), x)),
    "LEAKY_RELU": None, "HARD_SWISH": _hard_swish_f, "RSQRT": lambda x: np.float32(1) / np.sqrt(x),
    "ABS": np.abs, "NEG": np.negative, "ELU": lambda x: np.where(x < 0, np.expm1(x), x), "EXP": np.exp,
    "SQRT": np.sqrt, "LOG": np.log, "SQUARE": lambda x: x * x,
    "FLOOR": np.floor, "CEIL": np.ceil, "ROUND": _round_f,
}


# ---- the OpDefs ---------------------------------------------------------------------------------------------------

@dataclass
class LeakyReluOptions:
    alpha: float = 0.2


def _parse_none(where, o):
    return None


def _parse_leaky(where, o):
    return LeakyReluOptions(_f32(o.Alpha()) if o is not None else 0.0)


def _same_shape(op, graph):
    return [tuple(T(graph, op, 0).shape)]


def table_s8(op, graph):
    """The 256-entry int8 table (indexed by code + 128) of an int8 unary op."""
    fn = _INT8[op.kind]
    return np.asarray(fn(_CODES, T(graph, op, 0), T(graph, op, 0, True), op.options)).astype(np.int8)


def sigmoid_tanh_s16_params(op, graph) -> tuple:
    """TFLite Micro's int16 LOGISTIC / TANH input rescale (multiplier, shift): multiplier 0 (3 << shift)
    for a power-of-two input scale of 2**-12 (TANH: also 2**-11), else the scale times 3 * 4096
    doubled up past 16383.5, truncated."""
    s = np.float32(T(graph, op, 0).scale)
    log2, pot = fixedpoint.checked_log2(s)
    shift = 12 + log2
    if pot and shift in ((0, 1) if op.kind == "TANH" else (0,)):
        return 0, shift
    m, shift = float(s) * 4096.0 * 3.0, 0
    while m <= 32767.0 / 2.0 and shift <= 30:
        shift, m = shift + 1, m * 2.0
    return int(m), shift


def _reference(op, graph, ins):
    x, yt = ins[0], T(graph, op, 0, True)
    if yt.dtype == np.int16 and op.kind in RELU_MODES:
        return [relu_apply(x, relu_params(op.kind, T(graph, op, 0), yt, op.options)).astype(np.int16)]
    if yt.dtype == np.int16 and op.kind in ("RSQRT", "ABS"):
        return [_INT8[op.kind](x, T(graph, op, 0), yt, op.options).astype(np.int16)]
    if yt.dtype == np.int16:
        fn = fixedpoint.tanh_s16 if op.kind == "TANH" else fixedpoint.sigmoid_s16
        return [fn(x, *sigmoid_tanh_s16_params(op, graph))]
    if yt.dtype == np.int8:
        return [table_s8(op, graph)[x.astype(np.int64) + 128]]
    x = x.astype(np.float32)
    with np.errstate(all="ignore"):
        if op.kind == "LEAKY_RELU":
            y = np.where(x > 0, x, x * np.float32(op.options.alpha))
        else:
            y = _FLOAT[op.kind](x)
    return [np.asarray(y, np.float32)]


def _lower(op, graph):
    xt = T(graph, op, 0)
    bufs = [op.inputs[0], op.outputs[0]]
    if xt.dtype == np.int16 and op.kind in RELU_MODES:
        return [KernelCall("relu_s16", bufs, dict(size=xt.size, **relu_params(op.kind, xt, T(graph, op, 0, True),
                                                                          op.options)))]
    if xt.dtype == np.int16 and op.kind in ("RSQRT", "ABS"):
        yt = T(graph, op, 0, True)
        rescale, mult, shift = (1,) + rsqrt_params(xt, yt) if op.kind == "RSQRT" else abs_params(xt, yt)
        return [KernelCall("unary_s16", bufs, dict(size=xt.size, mode=int(op.kind == "ABS"), rescale=rescale,
                                                   mult=mult, shift=shift))]
    if xt.dtype == np.int16:
        mult, shift = sigmoid_tanh_s16_params(op, graph)
        return [KernelCall("sigmoid_tanh_s16", bufs + [fixedpoint.SIGMOID_U16],
                           dict(size=xt.size, mode=int(op.kind == "TANH"), mult=mult, shift=shift))]
    if xt.dtype == np.int8:
        return [KernelCall("lut_s8", bufs + [table_s8(op, graph)], {"size": xt.size})]
    alpha = op.options.alpha if op.kind == "LEAKY_RELU" else 0.0
    return [KernelCall("unary_f32", bufs, {"size": xt.size, "op": F32_CODES[op.kind]}, {"alpha": alpha})]


def c_same_type(op, graph):
    """input and output must have the same dtype, one of the op's dtypes"""
    from . import get
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return x.dtype == y.dtype and x.dtype.name in get(op.kind).dtypes


def c_logistic_zp(op, graph):
    """an int8 output must have zero point -128 (TFLite Micro computes on scale 1/256)"""
    y = T(graph, op, 0, True)
    return y.dtype != np.int8 or y.zero_point == -128


def c_hard_swish_scale(op, graph):
    """an int8 output scale must be at least the input scale / 128"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return y.dtype != np.int8 or hard_swish_params(x, y)[1] <= 0


def c_rsqrt_scale(op, graph):
    """int8 and int16: 1 / (sqrt(input scale) * output scale) must lie in [2**-10, 2**20]"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if y.dtype == np.float32:
        return True
    return 2.0 ** -10 <= _rsqrt_real(x, y) <= 2.0 ** 20


def c_sigmoid_tanh_s16(op, graph):
    """int16: zero points 0, output scale 2**-15 and an input scale of at most 2.66 (TFLite Micro's
    fixed point)"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if x.dtype != np.int16:
        return True
    if x.zero_point or y.zero_point or fixedpoint.checked_log2(y.scale) != (-15, True):
        return False
    return sigmoid_tanh_s16_params(op, graph)[0] <= 32767


def c_finite_alpha(op, graph):
    """alpha must be finite"""
    return math.isfinite(op.options.alpha)


_INT8 = {"LOGISTIC": _logistic_s8, "TANH": _tanh_s8, "RELU": _relu_s8, "RELU6": _relu6_s8,
         "LEAKY_RELU": _leaky_relu_s8, "HARD_SWISH": _hard_swish_s8, "RSQRT": _rsqrt_q, "ABS": _abs_q,
         "ELU": _elu_s8}

_DOCS = {
    "LOGISTIC": "sigmoid; int8 output zero point -128 (TFLite Micro's fixed-point sigmoid, output on 1/256); "
                "int16 by TFLite's table interpolation",
    "TANH": "tanh; int8 TFLite Micro's fixed-point tanh (output on scale 1/128, zero point 0); int16 by TFLite's "
            "table interpolation",
    "RELU": "max(x, 0); int8 rescales to the output quantization",
    "RELU6": "min(max(x, 0), 6); int8 clamps the codes in the input quantization, as TFLite Micro",
    "LEAKY_RELU": "x > 0 ? x : alpha * x",
    "HARD_SWISH": "x * relu6(x + 3) / 6 (int8: TFLite's 16-bit fixed point)",
    "RSQRT": "1 / sqrt(x); quantized inputs at or below the zero point give the maximum code (TFLite Micro "
             "stops on negatives)",
    "ABS": "|x|", "ELU": "x < 0 ? exp(x) - 1 : x (int8: TFLite Micro's float-built table)",
    "NEG": "-x", "EXP": "exp(x)", "SQRT": "sqrt(x)", "LOG": "natural logarithm", "SQUARE": "x * x",
    "FLOOR": "round down", "CEIL": "round up", "ROUND": "round half to even",
}

_INT16 = {"LOGISTIC": "sigmoid_tanh_s16", "TANH": "sigmoid_tanh_s16", "RELU": "relu_s16", "RELU6": "relu_s16",
          "LEAKY_RELU": "relu_s16", "RSQRT": "unary_s16", "ABS": "unary_s16"}  # 16x8: the op's int16 kernel

_EXTRA = {"LOGISTIC": (c_logistic_zp, c_sigmoid_tanh_s16), "TANH": (c_sigmoid_tanh_s16,),
          "HARD_SWISH": (c_hard_swish_scale,), "RSQRT": (c_rsqrt_scale,),
          "LEAKY_RELU": (c_finite_alpha,)}

def _positive(f):
    """The slope ``f(x - r)`` where the interval [x - r, x + r] stays above 0, else unbounded."""
    return lambda op, x, r: np.where(x - r > 0, f(np.maximum(x - r, 1e-300)), np.inf)


_FN = bounds.FUNC_ULPS
#: float32 error rules: (slope bound of the function on [x - r, x + r], ulps of its implementations)
_SMOOTH = {
    "LOGISTIC": (lambda op, x, r: 0.25, _FN + 2, 6.1e-8, 1.0), "TANH": (lambda op, x, r: 1.0, _FN + 2, 0.0, 2.0),
    "ELU": (lambda op, x, r: 1.0, _FN + 1), "EXP": (lambda op, x, r: np.exp(x + r), _FN),
    "HARD_SWISH": (lambda op, x, r: 1.5, 3), "SQUARE": (lambda op, x, r: 2.0 * (np.abs(x) + r), 0),
    "LEAKY_RELU": (lambda op, x, r: max(1.0, abs(op.options.alpha)), 0),
    "RSQRT": (_positive(lambda v: 0.5 * v ** -1.5), _FN + 1), "SQRT": (_positive(lambda v: 0.5 / np.sqrt(v)), _FN),
    "LOG": (_positive(lambda v: 1.0 / v), _FN),
}
_ERROR = {**{k: bounds.smooth(*v) for k, v in _SMOOTH.items()},
          **dict.fromkeys(("RELU", "RELU6", "ABS", "NEG"), bounds.exact),
          "FLOOR": bounds.steps(1), "CEIL": bounds.steps(1), "ROUND": bounds.steps(2)}

for _name in F32_CODES:
    _int8 = _name in _INT8
    register(OpDef(_name, parse=_parse_leaky if _name == "LEAKY_RELU" else _parse_none, shapes=_same_shape,
                   reference=_reference, lower=_lower, error=_ERROR[_name],
                   constraints=(c_same_type, c_quantized, c_per_tensor_activations, c_int16_symmetric)
                   + _EXTRA.get(_name, ()),
                   fusion=ELEMENTWISE, doc=_DOCS[_name],
                   dtypes=("int8", "float32") + (("int16",) if _name in _INT16 else ()) if _int8 else ("float32",),
                   inplace=lambda op, graph: [InPlace(0, 0)],  # element i is written after it is read
                   kernels=(("lut_s8", "unary_f32") + ((_INT16[_name],) if _name in _INT16 else ()))
                   if _int8 else ("unary_f32",)))

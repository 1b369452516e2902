"""Binary elementwise ops with NumPy broadcasting (up to 6-D): SUB, MUL, MAXIMUM, MINIMUM,
SQUARED_DIFFERENCE, PRELU (int8 and float32) and DIV, FLOOR_DIV (float32).

Two kernels with an op code: ``binary_s8`` (TFLite Micro's integer arithmetic of each op) and
``binary_f32``; both take ADD's broadcast geometry (d0..d5, a0..a5, b0..b5) and ADD's parameter
block (act_min, act_max, in1_off, in2_off, out_off, left_shift, m1, s1, m2, s2, mo, so), each op
using the part it needs (the rest 0).
"""
import numpy as np

from . import bounds
from . import (ELEMENTWISE, KernelCall, OpDef, T, act_params, apply_activation, c_per_tensor_activations,
               c_int16_symmetric, c_quantized, register)
from .elementwise import (BinaryOptions, S32_CODES, _inplace, _parse, _shapes, broadcast_params, c_broadcastable,
                          c_same_dtype, s32_lower, s32_reference)
from ..fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier, rounding_divide_by_pot, srdhm

#: op codes of binary_s8 / binary_f32
CODES = {"SUB": 0, "MUL": 1, "MAXIMUM": 2, "MINIMUM": 3, "SQUARED_DIFFERENCE": 4, "PRELU": 5, "DIV": 6,
         "FLOOR_DIV": 7}
_ACT_OPS = ("SUB", "MUL", "DIV")  # the ops with a fused activation
_S8_PARAMS = ("act_min", "act_max", "in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2", "s2", "mo", "so")


def _f32(v):
    return float(np.float32(v))


def _qm_smaller_than_one(real):
    """QuantizeMultiplierSmallerThanOneExp (TFLite checks the shift is <= 0)."""
    return quantize_multiplier(real)


def s8_params(op, graph):
    """The int8 kernel parameters of one op, exactly as TFLite Micro prepares them."""
    a, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    p = dict.fromkeys(_S8_PARAMS, 0)
    lim, wide = np.iinfo(y.dtype), y.dtype == np.int16
    p.update(act_min=int(lim.min), act_max=int(lim.max), in1_off=-a.zero_point, in2_off=-b.zero_point,
             out_off=y.zero_point)
    if op.kind in _ACT_OPS:
        ip, _ = act_params(op.options.activation, y)
        p.update(ip)
    sa, sb, sy = np.float32(a.scale), np.float32(b.scale), np.float32(y.scale)
    if op.kind == "SUB":  # as ADD, in double precision (TFLite Micro's results agree; float32 scale
        #                   arithmetic disagrees with them on int16 near-ties)
        twice = 2.0 * float(max(sa, sb))
        p.update(left_shift=15 if wide else 20)
        p["m1"], p["s1"] = _qm_smaller_than_one(float(sa) / twice)
        p["m2"], p["s2"] = _qm_smaller_than_one(float(sb) / twice)
        p["mo"], p["so"] = _qm_smaller_than_one(twice / ((1 << p["left_shift"]) * float(sy)))
    elif op.kind == "MUL":
        p["mo"], p["so"] = quantize_multiplier(float(sa) * float(sb) / float(sy))
    elif op.kind == "SQUARED_DIFFERENCE":
        twice = 2.0 * float(max(sa, sb))
        p.update(left_shift=0 if wide else 7)
        p["m1"], p["s1"] = _qm_smaller_than_one(float(sa) / twice)
        p["m2"], p["s2"] = _qm_smaller_than_one(float(sb) / twice)
        p["mo"], p["so"] = quantize_multiplier(twice * twice / float(np.float32(1 << 2 * p["left_shift"]) * sy))
    elif op.kind == "PRELU":
        p["m1"], p["s1"] = quantize_multiplier(float(sa) / float(sy))
        p["m2"], p["s2"] = quantize_multiplier(float(sa) * float(sb) / float(sy))
    return p


def _mbqm(x, m, s):
    return multiply_by_quantized_multiplier(x, m, s)


def _reference(op, graph, ins):
    a, b = ins
    yt = T(graph, op, 0, True)
    if yt.dtype == np.float32:
        a, b = a.astype(np.float32), b.astype(np.float32)
        with np.errstate(all="ignore"):
            y = _FLOAT[op.kind](a, b)
        y = np.asarray(y, np.float32)
        if op.kind in _ACT_OPS:
            y = apply_activation(y, op.options.activation, yt)
        return [np.ascontiguousarray(np.broadcast_to(y, _shapes(op, graph)[0]))]
    if yt.dtype == np.int32:
        return s32_reference(op, graph, ins)
    p = s8_params(op, graph)
    a, b = np.broadcast_arrays(a.astype(np.int64), b.astype(np.int64))
    k = op.kind
    if k in ("MAXIMUM", "MINIMUM"):
        y = np.where(a > b, a, b) if k == "MAXIMUM" else np.where(a < b, a, b)
        return [np.ascontiguousarray(y).astype(yt.dtype)]
    x1, x2 = a + p["in1_off"], b + p["in2_off"]
    if k in ("SUB", "SQUARED_DIFFERENCE"):
        # MultiplyByQuantizedMultiplierSmallerThanOneExp: shifts are <= 0
        s1 = rounding_divide_by_pot(srdhm(x1 << p["left_shift"], p["m1"]), -p["s1"])
        s2 = rounding_divide_by_pot(srdhm(x2 << p["left_shift"], p["m2"]), -p["s2"])
        if k == "SUB":
            v = rounding_divide_by_pot(srdhm(s1 - s2, p["mo"]), -p["so"])
        else:
            v = _mbqm((s1 - s2) * (s1 - s2), p["mo"], p["so"])
    elif k == "MUL":
        v = _mbqm(x1 * x2, p["mo"], p["so"])
    else:  # PRELU
        v = np.where(x1 >= 0, _mbqm(x1, p["m1"], p["s1"]), _mbqm(x1 * x2, p["m2"], p["s2"]))
    y = np.clip(v + p["out_off"], p["act_min"], p["act_max"])
    return [np.ascontiguousarray(y).astype(yt.dtype)]


_FLOAT = {
    "SUB": lambda a, b: a - b, "MUL": lambda a, b: a * b,
    "MAXIMUM": lambda a, b: np.where(a > b, a, b), "MINIMUM": lambda a, b: np.where(a < b, a, b),
    "SQUARED_DIFFERENCE": lambda a, b: (a - b) * (a - b), "PRELU": lambda a, b: np.where(a >= 0, a, a * b),
    "DIV": lambda a, b: a / b, "FLOOR_DIV": lambda a, b: np.floor(a.astype(np.float64) / b),
}


def _lower(op, graph):
    a, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    if y.dtype == np.int32:
        return s32_lower(op, graph)
    p = broadcast_params(a.shape, b.shape, y.shape)
    p["op"] = CODES[op.kind]
    bufs = [op.inputs[0], op.inputs[1], op.outputs[0]]
    if y.dtype in (np.int8, np.int16):
        p.update(s8_params(op, graph))
        return [KernelCall("binary_s8" if y.dtype == np.int8 else "binary_s16", bufs, p)]
    _, fp = act_params(op.options.activation if op.kind in _ACT_OPS else "NONE", y)
    return [KernelCall("binary_f32", bufs, p, fp)]


# ---- constraints --------------------------------------------------------------------------------------

def c_dtype(op, graph):
    """inputs and output must all have one of the op's dtypes"""
    from . import get
    return T(graph, op, 0, True).dtype.name in get(op.kind).dtypes


def c_same_quant(op, graph):
    """int8 and int16 inputs must have the output's scale and zero point (the op compares raw values)"""
    y = T(graph, op, 0, True)
    if y.dtype in (np.float32, np.int32):
        return True
    return all(T(graph, op, i).scale == y.scale and T(graph, op, i).zero_point == y.zero_point for i in (0, 1))


def c_sub_scales(op, graph):
    """int8 / int16: the output scale must exceed 2 * max(input scales) / 2**20 (int16: 2**15; TFLite's
    rescale below one)"""
    if T(graph, op, 0, True).dtype in (np.float32, np.int32):
        return True
    p = s8_params(op, graph)
    return p["so"] <= 0 and p["s1"] <= 0 and p["s2"] <= 0


def c_shifts(op, graph):
    """int8 / int16: the rescale factors must lie in [2**-31, 2**31) (shifts within 31 bits)"""
    if T(graph, op, 0, True).dtype in (np.float32, np.int32):
        return True
    p = s8_params(op, graph)
    return all(-31 <= p[k] <= 31 for k in ("s1", "s2", "so"))


def _parse_none(where, o):
    return BinaryOptions()


_DOCS = {
    "SUB": "elementwise subtract with broadcasting, fused activation",
    "MUL": "elementwise multiply with broadcasting, fused activation",
    "MAXIMUM": "elementwise maximum with broadcasting (int8: inputs quantized as the output)",
    "MINIMUM": "elementwise minimum with broadcasting (int8: inputs quantized as the output)",
    "SQUARED_DIFFERENCE": "(x - y)**2 with broadcasting",
    "PRELU": "x >= 0 ? x : alpha * x with alpha broadcast",
    "DIV": "elementwise divide with broadcasting, fused activation",
    "FLOOR_DIV": "floor(x / y) with broadcasting",
}
_EXTRA = {"SUB": (c_sub_scales,), "SQUARED_DIFFERENCE": (c_sub_scales,), "MAXIMUM": (c_same_quant,),
          "MINIMUM": (c_same_quant,)}
_INT8 = ("SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU")
_INT16 = ("SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE")  # 16x8, kernel binary_s16

def _mags(xs, es):
    return [np.abs(np.asarray(x, np.float64)) + 2 * e for x, e in zip(xs, es)]


def _quotient_error(xs, es):
    """a / b: (|a/b|'s bound, the error bound), inf where b's interval reaches 0."""
    (ma, mb), (ea, eb) = _mags(xs, es), es
    low = mb - 4 * eb  # |b| of any correct implementation is at least |b_ref| - 2 eb
    with np.errstate(all="ignore"):
        q = np.where(low > 0, ma / low, np.inf)
        err = np.where(low > 0, (ea + q * eb) / low, np.inf)
    return q, err


def _error(op, graph, xs, es, ys):
    if T(graph, op, 0, True).dtype != np.float32:
        return bounds.unbounded(op, graph, xs, es, ys)
    (ma, mb), (ea, eb), u = _mags(xs, es), es, bounds.U
    if op.kind == "SQUARED_DIFFERENCE":
        ed = ea + eb + u * (ma + mb)
        md = np.abs(np.asarray(xs[0], np.float64) - xs[1]) + 2 * ed
        err = 2 * md * ed + ed * ed + u * md * md
    elif op.kind == "PRELU":  # x >= 0 ? x : alpha x, continuous in x
        err = np.maximum(1.0, mb) * ea + ma * eb + u * ma * mb
    else:  # DIV, FLOOR_DIV: floor moves by one per integer the quotient's interval crosses
        q, err = _quotient_error(xs, es)
        err = err + u * q
        if op.kind == "FLOOR_DIV":
            y = np.asarray(xs[0], np.float64) / np.asarray(xs[1], np.float64)
            with np.errstate(invalid="ignore"):
                err = np.floor(y + err) - np.floor(y - err)
    return [np.broadcast_to(err + bounds.TINY, np.shape(ys[0])).astype(np.float64)]


_ERRORS = {"SUB": bounds.add_sub, "MUL": bounds.linear(lambda op, graph: 1, operands=(0, 1)),
           "MAXIMUM": bounds.exact, "MINIMUM": bounds.exact}

for _name in CODES:
    _int8 = _name in _INT8
    _int32 = ("int32",) if _name in S32_CODES else ()
    register(OpDef(_name, parse=_parse if _name in _ACT_OPS else _parse_none, shapes=_shapes, reference=_reference,
                   error=_ERRORS.get(_name, _error),
                   lower=_lower, inputs=("input", "alpha") if _name == "PRELU" else ("input1", "input2"),
                   constraints=(c_same_dtype, c_dtype, c_quantized, c_int16_symmetric, c_per_tensor_activations,
                                c_broadcastable) + _EXTRA.get(_name, ()) + ((c_shifts,) if _int8 else ()),
                   fusion=ELEMENTWISE, inplace=_inplace, doc=_DOCS[_name],
                   dtypes=((("int8", "float32") + (("int16",) if _name in _INT16 else ())) if _int8 else ("float32",))
                   + _int32,
                   kernels=((("binary_s8", "binary_f32") + (("binary_s16",) if _name in _INT16 else ()))
                            if _int8 else ("binary_f32",)) + (("binary_s32",) if _int32 else ())))

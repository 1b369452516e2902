"""QUANTIZE (float32 -> int8 or int16; between int8, int16 and int32, requantized) and DEQUANTIZE
(int8 or int16 -> float32).

The integer pairs are those TFLite Micro's QUANTIZE evaluates (int8 or int16 -> int8, int16 or
int32; int32 -> int8 or int16), all with its Requantize: MultiplyByQuantizedMultiplier(x - in_zp,
input_scale / output_scale) + out_zp, saturated to the output type, in int32 arithmetic that wraps
(an int32 operand can overflow the subtraction and the addition; TFLite Micro's wraps).
"""
import numpy as np

from . import bounds
from . import (ELEMENTWISE, InPlace, KernelCall, OpDef, T, c_int16_symmetric, c_per_tensor_activations, c_quantized,
               register)
from ..fixedpoint import _wrap32, multiply_by_quantized_multiplier, quantize_multiplier


def _parse(where, o):
    return None


def _same_shape(op, graph):
    return [tuple(T(graph, op, 0).shape)]


def _round_half_away(v):
    v = v.astype(np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def requant_params(x, y):
    m, s = quantize_multiplier(float(np.float32(x.scale)) / float(np.float32(y.scale)))
    return dict(in_zp=x.zero_point, out_zp=y.zero_point, mult=m, shift=s)


def _quantize_ref(op, graph, ins):
    x, xt, yt = ins[0], T(graph, op, 0), T(graph, op, 0, True)
    info = np.iinfo(yt.dtype)
    if xt.dtype == np.float32:
        q = _round_half_away(x.astype(np.float32) / np.float32(yt.scale)) + yt.zero_point
    else:
        p = requant_params(xt, yt)
        q = _wrap32(multiply_by_quantized_multiplier(_wrap32(x.astype(np.int64) - p["in_zp"]), p["mult"], p["shift"])
                    + p["out_zp"])
    return [np.clip(q, info.min, info.max).astype(yt.dtype)]


def _lower_s16(op, graph):
    """A QUANTIZE / DEQUANTIZE with int16 or int32 on one side: convert_s16 (int16 to or from float32)
    or requantize_s16 (between int8, int16 and int32)."""
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    bufs = [op.inputs[0], op.outputs[0]]
    if xt.dtype == np.float32:
        return [KernelCall("convert_s16", bufs, dict(mode=0, size=xt.size, zp=yt.zero_point),
                           {"scale": float(np.float32(yt.scale))})]
    if yt.dtype == np.float32:
        return [KernelCall("convert_s16", bufs, dict(mode=1, size=xt.size, zp=xt.zero_point),
                           {"scale": float(np.float32(xt.scale))})]
    return [KernelCall("requantize_s16", bufs, dict(size=xt.size, in_bytes=xt.dtype.itemsize,
                                                    out_bytes=yt.dtype.itemsize, **requant_params(xt, yt)))]


def _quantize_lower(op, graph):
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    bufs = [op.inputs[0], op.outputs[0]]
    if np.int16 in (xt.dtype, yt.dtype) or np.int32 in (xt.dtype, yt.dtype):
        return _lower_s16(op, graph)
    if xt.dtype == np.float32:
        return [KernelCall("quantize_f32_s8", bufs, {"size": xt.size, "zp": yt.zero_point},
                           {"scale": float(np.float32(yt.scale))})]
    return [KernelCall("requantize_s8", bufs, dict(size=xt.size, **requant_params(xt, yt)))]


def _dequantize_ref(op, graph, ins):
    xt = T(graph, op, 0)
    return [(np.float64(np.float32(xt.scale)) * (ins[0].astype(np.float64) - xt.zero_point)).astype(np.float32)]


def _dequantize_lower(op, graph):
    xt = T(graph, op, 0)
    if xt.dtype == np.int16:
        return _lower_s16(op, graph)
    return [KernelCall("dequantize_s8_f32", [op.inputs[0], op.outputs[0]], {"size": xt.size, "zp": xt.zero_point},
                       {"scale": float(np.float32(xt.scale))})]


def _quantize_error(op, graph, xs, es, ys):
    """An input error of e moves the code by at most e / output scale, plus one for the rounding;
    exact inputs give exact codes (every implementation computes the same rounding)."""
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    step = float(np.float32(yt.scale)) / (1.0 if xt.dtype == np.float32 else float(np.float32(xt.scale)))
    return [np.where(es[0] > 0, np.floor(es[0] / step) + 1, 0.0)]


def _dequantize_error(op, graph, xs, es, ys):
    """code error times the scale (exact codes dequantize exactly: one correctly rounded product)."""
    e = es[0] * float(np.float32(T(graph, op, 0).scale))
    return [np.where(e > 0, e + bounds.U * (np.abs(np.asarray(ys[0], np.float64)) + 2 * e), 0.0)]


_QUANTIZE_PAIRS = {np.dtype(np.float32): (np.int8, np.int16), np.dtype(np.int8): (np.int8, np.int16, np.int32),
                   np.dtype(np.int16): (np.int8, np.int16, np.int32), np.dtype(np.int32): (np.int8, np.int16)}


def c_quantize_types(op, graph):
    """QUANTIZE takes float32 to int8 or int16, int8 or int16 to int8, int16 or int32, or int32 to
    int8 or int16 (the pairs TFLite Micro evaluates)"""
    return T(graph, op, 0, True).dtype in _QUANTIZE_PAIRS.get(T(graph, op, 0).dtype, ())


def c_quantize_int_quant(op, graph):
    """int16 and int32 operands must carry a scale and zero point"""
    return all(t.quant is not None for t in (T(graph, op, 0), T(graph, op, 0, True))
               if t.dtype in (np.int16, np.int32))


def c_quantize_int16_zp(op, graph):
    """an int16 output must have zero point 0 (16x8 quantization is symmetric); an int16 input may
    have any (TFLite Micro subtracts it, e.g. after an int16 SOFTMAX with zero point -32768)"""
    y = T(graph, op, 0, True)
    return y.dtype != np.int16 or y.quant is None or (not y.quant.per_channel and y.zero_point == 0)


def c_requantize_shift(op, graph):
    """between integer types, input_scale / output_scale must be below 2**31 (a multiplier shift of at
    most 31)"""
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    return xt.dtype == np.float32 or requant_params(xt, yt)["shift"] <= 31


def c_dequantize_types(op, graph):
    """DEQUANTIZE takes int8 or int16 and produces float32"""
    return T(graph, op, 0).dtype in (np.int8, np.int16) and T(graph, op, 0, True).dtype == np.float32


def _quantize_inplace(op, graph):
    """Element i is written after it is read: in place unless the output elements are wider."""
    return [InPlace(0, 0)] if T(graph, op, 0, True).dtype.itemsize <= T(graph, op, 0).dtype.itemsize else []


register(OpDef("QUANTIZE", parse=_parse, shapes=_same_shape, reference=_quantize_ref, lower=_quantize_lower,
               constraints=(c_quantize_types, c_quantize_int_quant, c_per_tensor_activations,
                            c_quantize_int16_zp, c_requantize_shift),
               fusion=ELEMENTWISE, inplace=_quantize_inplace, error=_quantize_error,
               kernels=("quantize_f32_s8", "requantize_s8", "convert_s16", "requantize_s16"),
               dtypes=("int8", "int16", "int32", "float32"),
               doc="float32 -> int8 or int16 (round half away from zero); requantize between int8, int16 and "
                   "int32 (int8/int16 -> int8/int16/int32, int32 -> int8/int16)"))
register(OpDef("DEQUANTIZE", parse=_parse, shapes=_same_shape, reference=_dequantize_ref,
               lower=_dequantize_lower, error=_dequantize_error,
               constraints=(c_dequantize_types, c_quantized, c_per_tensor_activations, c_int16_symmetric),
               fusion=ELEMENTWISE, kernels=("dequantize_s8_f32", "convert_s16"), dtypes=("int8", "int16", "float32"),
               doc="int8 or int16 -> float32"))

"""QUANTIZE (float32 -> int8 or int16; int8 or int16 -> int8, int16 or int32, requantized) and
DEQUANTIZE (int8 or int16 -> float32)."""
import numpy as np

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
        q = multiply_by_quantized_multiplier(x.astype(np.int64) - p["in_zp"], p["mult"], p["shift"]) + p["out_zp"]
        if yt.dtype == np.int32:  # TFLite Micro's int32 sum wraps
            return [_wrap32(q).astype(np.int32)]
    return [np.clip(q, info.min, info.max).astype(yt.dtype)]


def _lower_s16(op, graph):
    """A QUANTIZE / DEQUANTIZE with int16 on one side: convert_s16 (to or from float32) or
    requantize_s16."""
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
    if np.int16 in (xt.dtype, yt.dtype) or yt.dtype == np.int32:
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


def c_quantize_types(op, graph):
    """QUANTIZE takes float32, int8 or int16 and produces int8 or int16, or int32 from int8 or int16"""
    x, y = T(graph, op, 0).dtype, T(graph, op, 0, True).dtype
    return x in (np.float32, np.int8, np.int16) and (y in (np.int8, np.int16) or (y == np.int32 and x != np.float32))


def c_quantize_int16_zp(op, graph):
    """int16 and int32 tensors must carry scale and zero point, an int16 output zero point 0 (an int16
    input may have any: TFLite Micro's requantization subtracts it, e.g. from an int16 SOFTMAX output
    with zero point -32768)"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return all(t.quant is not None for t in (x, y) if t.dtype != np.float32) and \
        (y.dtype != np.int16 or y.zero_point == 0)


def c_dequantize_types(op, graph):
    """DEQUANTIZE takes int8 or int16 and produces float32"""
    return T(graph, op, 0).dtype in (np.int8, np.int16) and T(graph, op, 0, True).dtype == np.float32


def _quantize_inplace(op, graph):
    """Element i is written after it is read: in place unless the output elements are wider."""
    return [InPlace(0, 0)] if T(graph, op, 0, True).dtype.itemsize <= T(graph, op, 0).dtype.itemsize else []


register(OpDef("QUANTIZE", parse=_parse, shapes=_same_shape, reference=_quantize_ref, lower=_quantize_lower,
               constraints=(c_quantize_types, c_quantized, c_per_tensor_activations, c_quantize_int16_zp),
               fusion=ELEMENTWISE, inplace=_quantize_inplace,
               kernels=("quantize_f32_s8", "requantize_s8", "convert_s16", "requantize_s16"),
               dtypes=("int8", "int16", "float32"),
               doc="float32 -> int8 or int16 (round half away from zero), or int8/int16 -> int8/int16/int32 requantize"))
register(OpDef("DEQUANTIZE", parse=_parse, shapes=_same_shape, reference=_dequantize_ref,
               lower=_dequantize_lower,
               constraints=(c_dequantize_types, c_quantized, c_per_tensor_activations, c_int16_symmetric),
               fusion=ELEMENTWISE, kernels=("dequantize_s8_f32", "convert_s16"), dtypes=("int8", "int16", "float32"),
               doc="int8 or int16 -> float32"))

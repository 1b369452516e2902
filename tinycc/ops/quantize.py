"""QUANTIZE (float32 -> int8, int8 -> int8 requantize) and DEQUANTIZE (int8 -> float32)."""
import numpy as np

from . import ELEMENTWISE, InPlace, KernelCall, OpDef, T, c_per_tensor_activations, c_quantized, register
from ..fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier


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
    return [np.clip(q, info.min, info.max).astype(yt.dtype)]


def _quantize_lower(op, graph):
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    bufs = [op.inputs[0], op.outputs[0]]
    if xt.dtype == np.float32:
        return [KernelCall("quantize_f32_s8", bufs, {"size": xt.size, "zp": yt.zero_point},
                           {"scale": float(np.float32(yt.scale))})]
    return [KernelCall("requantize_s8", bufs, dict(size=xt.size, **requant_params(xt, yt)))]


def _dequantize_ref(op, graph, ins):
    xt = T(graph, op, 0)
    return [(np.float64(np.float32(xt.scale)) * (ins[0].astype(np.float64) - xt.zero_point)).astype(np.float32)]


def _dequantize_lower(op, graph):
    xt = T(graph, op, 0)
    return [KernelCall("dequantize_s8_f32", [op.inputs[0], op.outputs[0]], {"size": xt.size, "zp": xt.zero_point},
                       {"scale": float(np.float32(xt.scale))})]


def c_quantize_types(op, graph):
    """QUANTIZE takes float32 or int8 and produces int8"""
    return T(graph, op, 0).dtype in (np.float32, np.int8) and T(graph, op, 0, True).dtype == np.int8


def c_dequantize_types(op, graph):
    """DEQUANTIZE takes int8 and produces float32"""
    return T(graph, op, 0).dtype == np.int8 and T(graph, op, 0, True).dtype == np.float32


register(OpDef("QUANTIZE", parse=_parse, shapes=_same_shape, reference=_quantize_ref, lower=_quantize_lower,
               constraints=(c_quantize_types, c_quantized, c_per_tensor_activations), fusion=ELEMENTWISE,
               inplace=lambda op, graph: [InPlace(0, 0)],  # element i is written after it is read
               kernels=("quantize_f32_s8", "requantize_s8"),
               doc="float32 -> int8 (round half away from zero), or int8 -> int8 requantize"))
register(OpDef("DEQUANTIZE", parse=_parse, shapes=_same_shape, reference=_dequantize_ref,
               lower=_dequantize_lower, constraints=(c_dequantize_types, c_quantized, c_per_tensor_activations),
               fusion=ELEMENTWISE, kernels=("dequantize_s8_f32",), doc="int8 -> float32"))

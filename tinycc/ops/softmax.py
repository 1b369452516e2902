"""SOFTMAX over the last axis; int8 uses gemmlowp's fixed-point exp exactly as TFLite Micro."""
from dataclasses import dataclass

import numpy as np

from . import OPAQUE, InPlace, KernelCall, OpDef, T, c_per_tensor_activations, c_quantized, register
from .. import fixedpoint as fx

SCALED_DIFF_INTEGER_BITS = 5
ACCUM_INTEGER_BITS = 12


@dataclass
class SoftmaxOptions:
    beta: float = 1.0


def _parse(where, o):
    return SoftmaxOptions(float(o.Beta()) if o is not None else 1.0)


def _shapes(op, graph):
    return [tuple(T(graph, op, 0).shape)]


def softmax_params(beta: float, input_scale: float):
    """PreprocessSoftmaxScaling + CalculateInputRadius (kScaledDiffIntegerBits = 5)."""
    real = min(float(np.float32(beta)) * float(np.float32(input_scale)) * (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
               (1 << 31) - 1.0)
    mult, shift = fx.quantize_multiplier(real)
    radius = int(np.floor(1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                          * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << shift)))
    return dict(mult=mult, left_shift=shift, diff_min=-radius)


def softmax_s8(x, mult, left_shift, diff_min):
    """Reference int8 softmax over the last axis (output scale 1/256, zero point -128)."""
    x = x.astype(np.int64)
    diff = x - x.max(axis=-1, keepdims=True)
    valid = diff >= diff_min
    scaled = fx.srdhm(diff * (1 << left_shift), mult)
    exps = fx.exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS)
    sum_of_exps = np.where(valid, fx.rounding_divide_by_pot(exps, ACCUM_INTEGER_BITS), 0).sum(axis=-1, keepdims=True)
    sum_of_exps = fx._wrap32(sum_of_exps)
    recip, bits_over_unit = fx.get_reciprocal(sum_of_exps, ACCUM_INTEGER_BITS)
    exponent = bits_over_unit + 31 - 8
    out = fx.rounding_divide_by_pot(fx.srdhm(recip, exps), exponent) - 128
    return np.where(valid, np.clip(out, -128, 127), -128).astype(np.int8)


def _reference(op, graph, ins):
    x = ins[0]
    xt = T(graph, op, 0)
    if xt.dtype == np.int8:
        return [softmax_s8(x, **softmax_params(op.options.beta, xt.scale))]
    z = (x - x.max(axis=-1, keepdims=True)) * np.float32(op.options.beta)
    e = np.exp(z.astype(np.float32))
    return [(e / e.sum(axis=-1, keepdims=True, dtype=np.float32)).astype(np.float32)]


def _lower(op, graph):
    x = T(graph, op, 0)
    depth = x.shape[-1]
    p = dict(outer=x.size // depth, depth=depth)
    if x.dtype == np.int8:
        p.update(softmax_params(op.options.beta, x.scale))
        return [KernelCall("softmax_s8", [op.inputs[0], op.outputs[0]], p)]
    return [KernelCall("softmax_f32", [op.inputs[0], op.outputs[0]], p, {"beta": op.options.beta})]


def c_softmax_types(op, graph):
    """int8 -> int8 (output scale 1/256, zero point -128) or float32 -> float32"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if x.dtype == np.float32:
        return y.dtype == np.float32
    return (x.dtype == np.int8 and y.dtype == np.int8 and y.zero_point == -128
            and np.float32(y.scale) == np.float32(1 / 256))


def c_softmax_shape(op, graph):
    """input must have at least one dimension and the output the same shape"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return len(x.shape) >= 1 and x.shape[-1] >= 1 and tuple(x.shape) == tuple(y.shape)


def c_softmax_scale(op, graph):
    """int8 softmax needs beta * input_scale >= 2**-26 (TFLite's fixed-point input range)"""
    x = T(graph, op, 0)
    return x.dtype != np.int8 or float(np.float32(op.options.beta)) * x.scale * (1 << 26) >= 1.0


register(OpDef("SOFTMAX", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
               constraints=(c_softmax_types, c_quantized, c_per_tensor_activations, c_softmax_shape, c_softmax_scale),
               fusion=OPAQUE, inplace=lambda op, graph: [InPlace(0, 0)],
               kernels=("softmax_s8", "softmax_f32"), doc="softmax over the last axis with beta"))

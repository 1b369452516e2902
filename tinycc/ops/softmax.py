"""SOFTMAX over the last axis, as TFLite Micro: int8 input through gemmlowp's fixed-point exp and
reciprocal (to int8, or to int16 with scale 1/65536), int16 input through TFLite's two
interpolated int16 tables (exp on [-10, 0] and 1 / (1 + x)), float32 with expf."""
from dataclasses import dataclass

import numpy as np

from . import bounds
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


def softmax_s8(x, mult, left_shift, diff_min, out_bits=8):
    """Reference int8 softmax over the last axis, to int8 (``out_bits`` 8: output scale 1/256, zero
    point -128) or int16 (16: scale 1/65536, zero point -32768)."""
    x = x.astype(np.int64)
    diff = x - x.max(axis=-1, keepdims=True)
    valid = diff >= diff_min
    scaled = fx.srdhm(diff * (1 << left_shift), mult)
    exps = fx.exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS)
    sum_of_exps = np.where(valid, fx.rounding_divide_by_pot(exps, ACCUM_INTEGER_BITS), 0).sum(axis=-1, keepdims=True)
    sum_of_exps = fx._wrap32(sum_of_exps)
    recip, bits_over_unit = fx.get_reciprocal(sum_of_exps, ACCUM_INTEGER_BITS)
    exponent = bits_over_unit + 31 - out_bits
    lo, hi = -(1 << (out_bits - 1)), (1 << (out_bits - 1)) - 1
    out = fx.rounding_divide_by_pot(fx.srdhm(recip, exps), exponent) + lo
    return np.where(valid, np.clip(out, lo, hi), lo).astype(np.int8 if out_bits == 8 else np.int16)


def softmax_s16_params(beta: float, input_scale: float):
    """The int16 input rescale: differences times input_scale * beta onto [-65535, 0] = [-10, 0]."""
    mult, shift = fx.quantize_multiplier(float(np.float32(input_scale)) * float(np.float32(beta)) / (10.0 / 65535.0))
    return dict(mult=mult, shift=shift)


def softmax_s16(x, mult, shift):
    """Reference int16 softmax (TFLite's SoftmaxInt16): output scale 1/32768, zero point 0."""
    exp_lut, recip_lut = fx.softmax_luts_s16()
    x = x.astype(np.int64)
    scaled = fx.multiply_by_quantized_multiplier(x - x.max(axis=-1, keepdims=True), mult, shift)
    exps = fx.lut_lookup_s16(np.clip(scaled + 32767, -32768, 32767), exp_lut)
    total = exps.sum(axis=-1, keepdims=True)  # Q16.15, >= 32762 (the maximum's own exp)
    headroom_plus_one = fx.count_leading_zeros32(total)
    shifted = ((total << (headroom_plus_one - 1)) + (1 << 13)) >> 14
    recip = fx.lut_lookup_s16(np.clip(shifted - (1 << 15) - (1 << 16), -32768, 32767), recip_lut)
    right = 31 - headroom_plus_one
    out = (exps * recip + (np.int64(1) << (right - 1))) >> right
    return np.clip(out, 0, 32767).astype(np.int16)


def _reference(op, graph, ins):
    x = ins[0]
    xt = T(graph, op, 0)
    if xt.dtype == np.int8:
        out_bits = 8 if T(graph, op, 0, True).dtype == np.int8 else 16
        return [softmax_s8(x, **softmax_params(op.options.beta, xt.scale), out_bits=out_bits)]
    if xt.dtype == np.int16:
        return [softmax_s16(x, **softmax_s16_params(op.options.beta, xt.scale))]
    z = (x - x.max(axis=-1, keepdims=True)) * np.float32(op.options.beta)
    e = np.exp(z.astype(np.float32))
    return [(e / e.sum(axis=-1, keepdims=True, dtype=np.float32)).astype(np.float32)]


def _error(op, graph, xs, es, ys):
    """float32: the softmax's Jacobian has row sums 2 p (1 - p) <= 1/2 (times beta), so the outputs move
    by at most beta / 2 times the row's largest input error; each output has n + 2 exp ulps and the
    roundings of the sum and the division."""
    if T(graph, op, 0, True).dtype != np.float32:
        return bounds.unbounded(op, graph, xs, es, ys)
    n, beta = xs[0].shape[-1], abs(float(op.options.beta))
    prop = 0.5 * beta * es[0].max(axis=-1, keepdims=True)
    y = np.abs(np.asarray(ys[0], np.float64)) + prop
    return [np.minimum(prop + (n + 2 * bounds.FUNC_ULPS + 4) * bounds.U * y + bounds.TINY, 1.0)]


def _lower(op, graph):
    x = T(graph, op, 0)
    depth = x.shape[-1]
    p = dict(outer=x.size // depth, depth=depth)
    if x.dtype == np.int8:
        p.update(softmax_params(op.options.beta, x.scale))
        kernel = "softmax_s8" if T(graph, op, 0, True).dtype == np.int8 else "softmax_s8_s16"
        return [KernelCall(kernel, [op.inputs[0], op.outputs[0]], p)]
    if x.dtype == np.int16:
        p.update(softmax_s16_params(op.options.beta, x.scale))
        return [KernelCall("softmax_s16", [op.inputs[0], op.outputs[0], *fx.softmax_luts_s16()], p)]
    return [KernelCall("softmax_f32", [op.inputs[0], op.outputs[0]], p, {"beta": op.options.beta})]


def _near(scale, target):
    return abs(float(np.float32(scale)) - target) <= 0.001 * target


def c_softmax_types(op, graph):
    """int8 -> int8 (output scale 1/256, zero point -128), int8 -> int16 (output scale 1/65536, zero
    point -32768), int16 -> int16 (input zero point 0, output scale 1/32768, zero point 0) or float32
    -> float32"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if x.dtype == np.float32:
        return y.dtype == np.float32
    if x.dtype == np.int8 and y.dtype == np.int8:
        return y.zero_point == -128 and np.float32(y.scale) == np.float32(1 / 256)
    if x.dtype == np.int8 and y.dtype == np.int16:
        return y.zero_point == -32768 and _near(y.scale, 1 / 65536)
    return (x.dtype == np.int16 and y.dtype == np.int16 and x.zero_point == 0 and y.zero_point == 0
            and _near(y.scale, 1 / 32768))


def c_softmax_shape(op, graph):
    """input must have at least one dimension and the output the same shape; int16 softmax sums at
    most 65536 values per row"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return (len(x.shape) >= 1 and x.shape[-1] >= 1 and tuple(x.shape) == tuple(y.shape)
            and (x.dtype != np.int16 or x.shape[-1] <= 65536))


def c_softmax_scale(op, graph):
    """int8 softmax needs beta * input_scale >= 2**-26 (TFLite's fixed-point input range)"""
    x = T(graph, op, 0)
    return x.dtype != np.int8 or float(np.float32(op.options.beta)) * x.scale * (1 << 26) >= 1.0


register(OpDef("SOFTMAX", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
               constraints=(c_softmax_types, c_quantized, c_per_tensor_activations, c_softmax_shape, c_softmax_scale),
               fusion=OPAQUE, dtypes=("int8", "int16", "float32"), error=_error,
               inplace=lambda op, graph: [InPlace(0, 0)] if T(graph, op, 0).dtype == T(graph, op, 0, True).dtype else [],
               kernels=("softmax_s8", "softmax_s8_s16", "softmax_s16", "softmax_f32"),
               doc="softmax over the last axis with beta; int8 input to int8 or int16 output"))

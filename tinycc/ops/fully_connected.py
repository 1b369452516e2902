"""FULLY_CONNECTED: y[b, o] = sum_i x[b, i] * w[o, i] + bias[o]."""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import (OUT_FUSABLE, KernelCall, OpDef, T, act_params, activation_name, apply_activation,
               c_16x8_multipliers, c_int16_symmetric, c_int8_int16_or_float, c_no_hybrid, c_per_tensor_activations,
               c_quantized, c_weight_types, c_weights_const, c_zero_weight_zp, per_channel_multipliers, register,
               requantize_16x8)


@dataclass
class FCOptions:
    activation: str = "NONE"
    keep_num_dims: bool = False


def _parse(where, o):
    if o is None:
        return FCOptions()
    from ..errors import UnsupportedError
    if o.WeightsFormat() != 0:
        raise UnsupportedError(f"{where}: shuffled FULLY_CONNECTED weights are not supported")
    return FCOptions(activation_name(o.FusedActivationFunction(), where), bool(o.KeepNumDims()))


def geometry(op, graph):
    x, w = T(graph, op, 0), T(graph, op, 1)
    depth = w.shape[-1]
    return dict(batches=x.size // depth if depth else 0, depth=depth, units=w.shape[0])


def _shapes(op, graph):
    g = geometry(op, graph)
    x = T(graph, op, 0)
    if op.options.keep_num_dims:
        return [tuple(x.shape[:-1]) + (g["units"],)]
    return [(g["batches"], g["units"])]


def _reference(op, graph, ins):
    from ..fixedpoint import multiply_by_quantized_multiplier
    x, w = ins[0], ins[1]
    b = ins[2] if len(ins) > 2 and ins[2] is not None else None
    xt, wt, yt = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    g = geometry(op, graph)
    x2 = x.reshape(g["batches"], g["depth"])
    if xt.dtype in (np.int8, np.int16):
        acc = ((x2.astype(np.float64) - xt.zero_point) @ w.astype(np.float64).T).astype(np.int64)
        if b is not None:
            acc = acc + b.astype(np.int64)
        mult, shift = per_channel_multipliers(xt, wt, yt, g["units"])
        if xt.dtype == np.int16:
            y = requantize_16x8(acc, mult, shift, b is None or b.dtype == np.int64)
        else:
            y = multiply_by_quantized_multiplier(acc, mult, shift) + yt.zero_point
    else:
        y = x2 @ w.T + (b if b is not None else 0)
    return [apply_activation(y, op.options.activation, yt).reshape(yt.shape)]


def _lower(op, graph):
    x, w, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2), T(graph, op, 0, True)
    g = geometry(op, graph)
    if x.dtype == np.int16:  # a 1x1 convolution over [batches, 1, 1, depth]
        from .conv import lower_16x8
        conv = dict(n=g["batches"], h=1, w=1, c=g["depth"], oh=1, ow=1, oc=g["units"], kh=1, kw=1, sh=1, sw=1,
                    dh=1, dw=1, pt=0, pl=0)
        return lower_16x8(op, graph, conv, 0)
    ip, fp = act_params(op.options.activation, y)
    g.update(ip)
    quant = x.dtype == np.int8
    bias = b.data if b is not None else np.zeros(g["units"], np.int32 if quant else np.float32)
    weights = op.attrs.get("packed_weights", w.data)
    if quant:
        mult, shift = per_channel_multipliers(x, w, y, g["units"])
        g.update(in_zp=x.zero_point, out_zp=y.zero_point)
        return [KernelCall("fc_s8", [op.inputs[0], op.outputs[0], weights, bias, mult, shift], g, fp)]
    return [KernelCall("fc_f32", [op.inputs[0], op.outputs[0], weights, bias], g, fp)]


def c_fc_shapes(op, graph):
    """weights must be 2-D [units, depth], the input size a multiple of depth, bias [units]"""
    x, w, b = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2)
    if len(w.shape) != 2 or w.shape[1] < 1 or x.size % w.shape[1]:
        return False
    return b is None or tuple(b.shape) == (w.shape[0],)


def c_fc_channel_axis(op, graph):
    """per-channel weight scales must be along the units axis (0)"""
    w = T(graph, op, 1)
    return w.quant is None or not w.quant.per_channel or w.quant.axis == 0


register(OpDef(
    "FULLY_CONNECTED", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
    inputs=("input", "weights", "bias?"),
    constraints=(c_int8_int16_or_float, c_no_hybrid, c_weight_types, c_quantized, c_int16_symmetric, c_fc_shapes,
                 c_weights_const, c_per_tensor_activations, c_zero_weight_zp, c_fc_channel_axis, c_16x8_multipliers),
    fusion=OUT_FUSABLE, kernels=("fc_s8", "fc_f32", "conv_s16"), dtypes=("int8", "int16", "float32"),
    error=bounds.linear(lambda op, graph: geometry(op, graph)["depth"], operands=(0, 1), bias=2),
    macs=lambda op, graph: int(np.prod(list(geometry(op, graph).values()))),
    doc="dense layer; per-tensor or per-channel int8 weights; keep_num_dims; 16x8"))

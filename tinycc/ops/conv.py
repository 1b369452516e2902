"""CONV_2D and DEPTHWISE_CONV_2D (NHWC activations, OHWI / 1HWO weights)."""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import (OUT_FUSABLE, KernelCall, OpDef, Rows, T, streaming_inplace, window_pads, act_params, activation_name,
               apply_activation,
               c_16x8_multipliers, c_int16_symmetric, c_int8_int16_or_float, c_no_hybrid, c_per_tensor_activations,
               c_quantized, c_rank4, c_weight_types, c_weights_const, c_zero_weight_zp, padding_name,
               per_channel_multipliers, register, requantize_16x8, same_or_valid)


@dataclass
class ConvOptions:
    padding: str = "SAME"  # SAME, VALID, or EXPLICIT: ``pads`` (a PAD folded in, tinycc.passes)
    stride_h: int = 1
    stride_w: int = 1
    dilation_h: int = 1
    dilation_w: int = 1
    activation: str = "NONE"
    depth_multiplier: int = 1  # depthwise only
    pads: tuple = ()  # EXPLICIT: (top, bottom, left, right)


def _parse(op, o, depthwise):
    if o is None:
        return ConvOptions()
    return ConvOptions(padding=padding_name(o.Padding(), op), stride_h=o.StrideH(), stride_w=o.StrideW(),
                       dilation_h=o.DilationHFactor(), dilation_w=o.DilationWFactor(),
                       activation=activation_name(o.FusedActivationFunction(), op),
                       depth_multiplier=o.DepthMultiplier() if depthwise else 1)


def geometry(op, graph):
    """All the integer sizes of a convolution, as the kernels take them."""
    x, w, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    o = op.options
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    if o.padding == "EXPLICIT":
        top, bottom, pl, right = o.pads
        pt = top
        oh = (h + top + bottom - (kh - 1) * o.dilation_h - 1) // o.stride_h + 1
        ow = (wd + pl + right - (kw - 1) * o.dilation_w - 1) // o.stride_w + 1
    else:
        oh, pt = same_or_valid(o.padding, h, kh, o.stride_h, o.dilation_h)
        ow, pl = same_or_valid(o.padding, wd, kw, o.stride_w, o.dilation_w)
    oc = w.shape[3] if op.kind == "DEPTHWISE_CONV_2D" else w.shape[0]
    return dict(n=n, h=h, w=wd, c=c, oh=oh, ow=ow, oc=oc, kh=kh, kw=kw, sh=o.stride_h, sw=o.stride_w,
                dh=o.dilation_h, dw=o.dilation_w, pt=pt, pl=pl)


def pads(op, graph) -> tuple:
    """(top, bottom, left, right): the padding the convolution reads around its input."""
    return window_pads(geometry(op, graph))


def _terms(op, graph):
    """Products one output sums (for the float error bound)."""
    g = geometry(op, graph)
    return g["kh"] * g["kw"] * (1 if op.kind == "DEPTHWISE_CONV_2D" else g["c"])


def _shapes(op, graph):
    g = geometry(op, graph)
    return [(g["n"], g["oh"], g["ow"], g["oc"])]


def _padded_windows(op, graph, x, pad_value):
    """Yield (kh, kw, window) with window[n, oh, ow, c] = input under filter tap (kh, kw)."""
    g = geometry(op, graph)
    pt, pb, pl, pr = pads(op, graph)
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_value)
    for i in range(g["kh"]):
        for j in range(g["kw"]):
            r0, c0 = i * g["dh"], j * g["dw"]
            yield i, j, xp[:, r0:r0 + (g["oh"] - 1) * g["sh"] + 1:g["sh"], c0:c0 + (g["ow"] - 1) * g["sw"] + 1:g["sw"], :]


def _requantize(acc, op, graph, channels):
    """int32 accumulator -> output dtype: TFLite's per-channel MultiplyByQuantizedMultiplier."""
    from ..fixedpoint import multiply_by_quantized_multiplier
    x, w, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 0, True)
    mult, shift = per_channel_multipliers(x, w, y, channels)
    out = multiply_by_quantized_multiplier(acc, mult, shift) + y.zero_point
    return apply_activation(out, op.options.activation, y)


def _reference(op, graph, ins):
    x, w = ins[0], ins[1]
    b = ins[2] if len(ins) > 2 and ins[2] is not None else None
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    depthwise = op.kind == "DEPTHWISE_CONV_2D"
    quant = xt.dtype in (np.int8, np.int16)
    zp = xt.zero_point if quant else 0  # 0 for int16
    work = np.float64  # exact for int8 products summed over any realistic depth (< 2**53)
    if depthwise:
        xf = np.repeat(x.astype(work) - zp, op.options.depth_multiplier, axis=3)
        acc = 0
        for i, j, win in _padded_windows(op, graph, xf, 0):
            acc = acc + win * w[0, i, j, :].astype(work)
    else:
        acc = 0
        for i, j, win in _padded_windows(op, graph, x.astype(work) - zp, 0):
            acc = acc + win @ w[:, i, j, :].astype(work).T
    if quant:
        acc = acc.astype(np.int64) + (b.astype(np.int64) if b is not None else 0)
        if xt.dtype == np.int16:
            mult, shift = per_channel_multipliers(xt, T(graph, op, 1), yt, yt.shape[3])
            y = requantize_16x8(acc, mult, shift, b is None or b.dtype == np.int64)
            return [apply_activation(y, op.options.activation, yt)]
        return [_requantize(acc, op, graph, yt.shape[3])]
    if b is not None:
        acc = acc + b
    return [apply_activation(acc.astype(np.float32), op.options.activation, yt)]


def lower_16x8(op, graph, g, dm):
    """The conv_s16 call of a 16x8 CONV_2D (dm 0), DEPTHWISE_CONV_2D or FULLY_CONNECTED (1x1)."""
    x, w, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2), T(graph, op, 0, True)
    ip, _ = act_params(op.options.activation, y)
    mult, shift = per_channel_multipliers(x, w, y, g["oc"])
    bias = b.data.astype(np.int64) if b is not None else np.zeros(g["oc"], np.int64)
    p = dict(g, dm=dm, wide=int(b is None or b.dtype == np.int64), **ip)
    return [KernelCall("conv_s16", [op.inputs[0], op.outputs[0], w.data, bias, mult, shift], p)]


def _lower(op, graph):
    x, w, b, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2), T(graph, op, 0, True)
    g = geometry(op, graph)
    depthwise = op.kind == "DEPTHWISE_CONV_2D"
    if x.dtype == np.int16:
        return lower_16x8(op, graph, g, op.options.depth_multiplier if depthwise else 0)
    weights = w.data
    if depthwise and g["c"] == 1:  # one input channel: a plain convolution (weights 1HWO -> OHWI)
        depthwise, weights = False, np.ascontiguousarray(w.data.transpose(3, 1, 2, 0))
    name = ("dwconv2d" if depthwise else "conv2d") + ("_s8" if x.dtype == np.int8 else "_f32")
    if depthwise:
        g["dm"] = op.options.depth_multiplier
    ip, fp = act_params(op.options.activation, y)
    g.update(ip)
    bias = b.data if b is not None else np.zeros(g["oc"], np.int32 if x.dtype == np.int8 else np.float32)
    if x.dtype == np.int8:
        mult, shift = per_channel_multipliers(x, w, y, g["oc"])
        g.update(in_zp=x.zero_point, out_zp=y.zero_point)
        bufs = [op.inputs[0], op.outputs[0], weights, bias, mult, shift]
    else:
        bufs = [op.inputs[0], op.outputs[0], weights, bias]
    return [KernelCall(name, bufs, g, fp)]


def _macs(op, graph):
    g = geometry(op, graph)
    per_output = g["kh"] * g["kw"] * (1 if op.kind == "DEPTHWISE_CONV_2D" else g["c"])
    return g["n"] * g["oh"] * g["ow"] * g["oc"] * per_output


def _rows(op, graph):
    g = geometry(op, graph)
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if g["n"] != 1 or x.dtype == np.int16:  # conv_s16 does not stream rows
        return None
    return Rows(g["h"], g["oh"], g["sh"], g["pt"], (g["kh"] - 1) * g["dh"] + 1, g["w"] * g["c"] * x.dtype.itemsize,
                g["ow"] * g["oc"] * y.dtype.itemsize, g["w"], g["ow"], g["sw"], g["pl"], (g["kw"] - 1) * g["dw"] + 1)


def _inplace(op, graph):
    """Row-streamed: the output may overwrite the input rows no later row reads."""
    r = _rows(op, graph)
    return streaming_inplace(r) if r is not None else []


def c_depthwise_channels(op, graph):
    """depthwise output channels must equal input channels x depth_multiplier"""
    return op.kind != "DEPTHWISE_CONV_2D" or (
        T(graph, op, 1).shape[3] == T(graph, op, 0).shape[3] * op.options.depth_multiplier)


def c_conv_channels(op, graph):
    """conv filter input channels must equal the input's channels (no grouped convolution)"""
    return op.kind != "CONV_2D" or T(graph, op, 1).shape[3] == T(graph, op, 0).shape[3]


def c_positive_geometry(op, graph):
    """strides and dilations must be >= 1 and the filter must fit the padded input"""
    o = op.options
    if min(o.stride_h, o.stride_w, o.dilation_h, o.dilation_w, o.depth_multiplier) < 1:
        return False
    g = geometry(op, graph)
    return g["oh"] >= 1 and g["ow"] >= 1


def c_filter_rank(op, graph):
    """the filter must be 4-D and the bias 1-D with one value per output channel"""
    w, b = T(graph, op, 1), T(graph, op, 2)
    if len(w.shape) != 4:
        return False
    oc = w.shape[3] if op.kind == "DEPTHWISE_CONV_2D" else w.shape[0]
    if op.kind == "DEPTHWISE_CONV_2D" and w.shape[0] != 1:
        return False
    return b is None or tuple(b.shape) == (oc,)


def c_per_channel_axis(op, graph):
    """per-channel weight scales must be along the output-channel axis"""
    w = T(graph, op, 1)
    if w.quant is None or not w.quant.per_channel:
        return True
    return w.quant.axis == (3 if op.kind == "DEPTHWISE_CONV_2D" else 0)


CONSTRAINTS = (c_int8_int16_or_float, c_no_hybrid, c_weight_types, c_quantized, c_int16_symmetric, c_rank4,
               c_filter_rank,
               c_weights_const, c_per_tensor_activations, c_zero_weight_zp, c_per_channel_axis,
               c_conv_channels, c_depthwise_channels, c_positive_geometry, c_16x8_multipliers)

for _name, _dw in (("CONV_2D", False), ("DEPTHWISE_CONV_2D", True)):
    register(OpDef(
        _name, parse=lambda op, o, _dw=_dw: _parse(op, o, _dw), shapes=_shapes, reference=_reference,
        lower=_lower, inputs=("input", "filter", "bias?"), constraints=CONSTRAINTS, fusion=OUT_FUSABLE, macs=_macs, inplace=_inplace, rows=_rows,
        error=bounds.linear(_terms, operands=(0, 1), bias=2),
        dtypes=("int8", "int16", "float32"),
        kernels=(("dwconv2d_s8", "dwconv2d_f32") if _dw else ()) + ("conv2d_s8", "conv2d_f32", "conv_s16"),
        doc="2-D convolution, NHWC; SAME/VALID padding (or a PAD folded in), strides, dilation"
            + (", depth multiplier" if _dw else "") + "; per-tensor or per-channel int8 weights; 16x8"))

"""AVERAGE_POOL_2D and MAX_POOL_2D (NHWC)."""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import (OPAQUE, KernelCall, OpDef, Rows, T, streaming_inplace, act_params, activation_name, apply_activation,
               c_int16_symmetric, c_int8_int16_or_float, c_per_tensor_activations, c_quantized, c_rank4,
               padding_name, register, same_or_valid)


@dataclass
class PoolOptions:
    padding: str = "VALID"  # SAME, VALID, or EXPLICIT: ``pads`` (a PAD folded into a MAX_POOL_2D, tinycc.passes)
    stride_h: int = 1
    stride_w: int = 1
    filter_h: int = 1
    filter_w: int = 1
    activation: str = "NONE"
    pads: tuple = ()  # EXPLICIT: (top, bottom, left, right)


def _parse(where, o):
    if o is None:
        return PoolOptions()
    return PoolOptions(padding_name(o.Padding(), where), o.StrideH(), o.StrideW(), o.FilterHeight(),
                       o.FilterWidth(), activation_name(o.FusedActivationFunction(), where))


def geometry(op, graph):
    x = T(graph, op, 0)
    o = op.options
    n, h, w, c = x.shape
    if o.padding == "EXPLICIT":
        pt, bottom, pl, right = o.pads
        oh = (h + pt + bottom - o.filter_h) // o.stride_h + 1
        ow = (w + pl + right - o.filter_w) // o.stride_w + 1
    else:
        oh, pt = same_or_valid(o.padding, h, o.filter_h, o.stride_h, 1)
        ow, pl = same_or_valid(o.padding, w, o.filter_w, o.stride_w, 1)
    return dict(n=n, h=h, w=w, c=c, oh=oh, ow=ow, kh=o.filter_h, kw=o.filter_w, sh=o.stride_h,
                sw=o.stride_w, pt=pt, pl=pl)


def _shapes(op, graph):
    g = geometry(op, graph)
    return [(g["n"], g["oh"], g["ow"], g["c"])]


def _reference(op, graph, ins):
    x = ins[0]
    xt, yt = T(graph, op, 0), T(graph, op, 0, True)
    g = geometry(op, graph)
    is_max = op.kind == "MAX_POOL_2D"
    quant = xt.dtype in (np.int8, np.int16)
    out = np.zeros(yt.shape, np.float64)
    for oy in range(g["oh"]):
        y0 = oy * g["sh"] - g["pt"]
        ys = slice(max(y0, 0), min(y0 + g["kh"], g["h"]))
        for ox in range(g["ow"]):
            x0 = ox * g["sw"] - g["pl"]
            win = x[:, ys, max(x0, 0):min(x0 + g["kw"], g["w"]), :].astype(np.float64)
            count = win.shape[1] * win.shape[2]
            if is_max:
                out[:, oy, ox, :] = win.max(axis=(1, 2))
            elif quant:
                s = win.sum(axis=(1, 2)).astype(np.int64)
                half = count // 2  # round half away from zero, C division
                out[:, oy, ox, :] = np.where(s > 0, (s + half) // count, -((half - s) // count))
            else:
                out[:, oy, ox, :] = win.astype(np.float32).sum(axis=(1, 2), dtype=np.float32) / np.float32(count)
    return [apply_activation(out.astype(np.float32) if not quant else out.astype(np.int64),
                             op.options.activation, yt)]


def _lower(op, graph):
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    g = geometry(op, graph)
    ip, fp = act_params(op.options.activation, y)
    g.update(ip)
    kind = "maxpool" if op.kind == "MAX_POOL_2D" else "avgpool"
    if x.dtype == np.int16:
        return [KernelCall("pool_s16", [op.inputs[0], op.outputs[0]], dict(g, mode=int(kind == "maxpool")))]
    return [KernelCall(f"{kind}_{'s8' if x.dtype == np.int8 else 'f32'}", [op.inputs[0], op.outputs[0]], g, fp)]


def _rows(op, graph):
    g = geometry(op, graph)
    isz = T(graph, op, 0).dtype.itemsize
    if g["n"] != 1 or isz == 2:  # pool_s16 does not stream rows
        return None
    return Rows(g["h"], g["oh"], g["sh"], g["pt"], g["kh"], g["w"] * g["c"] * isz, g["ow"] * g["c"] * isz,
                g["w"], g["ow"], g["sw"], g["pl"], g["kw"])


def _inplace(op, graph):
    r = _rows(op, graph)
    return streaming_inplace(r) if r is not None else []


def c_pool_geometry(op, graph):
    """filter and strides must be >= 1 and every output window must cover at least one input"""
    o = op.options
    if min(o.stride_h, o.stride_w, o.filter_h, o.filter_w) < 1:
        return False
    g = geometry(op, graph)
    return g["oh"] >= 1 and g["ow"] >= 1 and g["pt"] < o.filter_h and g["pl"] < o.filter_w


def c_same_quant(op, graph):
    """int8 and int16 pooling need the same scale and zero point on input and output"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return x.dtype == np.float32 or (x.scale == y.scale and x.zero_point == y.zero_point)


for _name in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
    register(OpDef(_name, parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
                   constraints=(c_int8_int16_or_float, c_quantized, c_int16_symmetric, c_rank4,
                                c_per_tensor_activations, c_pool_geometry, c_same_quant),
                   fusion=OPAQUE, inplace=_inplace, rows=_rows, dtypes=("int8", "int16", "float32"),
                   error=bounds.select("MAX_POOL_2D") if _name == "MAX_POOL_2D" else
                   bounds.linear(lambda op, graph: op.options.filter_h * op.options.filter_w),
                   kernels=tuple(f"{'max' if _name == 'MAX_POOL_2D' else 'avg'}pool_{t}" for t in ("s8", "f32"))
                   + ("pool_s16",),
                   doc="2-D pooling, NHWC; SAME/VALID padding (padding not counted); a MAX_POOL_2D takes in a "
                       "PAD whose value no input is below"))

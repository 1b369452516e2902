"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (NHWC, constant size), as TFLite Micro.

The per-row and per-column source indices and weights depend on the sizes only, so they are
computed here at compile time, with TFLite's own arithmetic (float32 for the nearest neighbour
and float bilinear, 10-bit fixed point for int8 bilinear), and passed to the kernels as constant
tables: the kernels only gather and blend.
"""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import INJECTIVE, OPAQUE, KernelCall, OpDef, T, c_per_tensor_activations, register
from ..fixedpoint import tflite_round

F = np.float32


@dataclass
class ResizeOptions:
    align_corners: bool = False
    half_pixel_centers: bool = False


def _parse(where, o):
    if o is None:
        return ResizeOptions()
    return ResizeOptions(bool(o.AlignCorners()), bool(o.HalfPixelCenters()))


def _size(op, graph):
    oh, ow = (int(v) for v in np.asarray(T(graph, op, 1).data).ravel())
    return oh, ow


def _shapes(op, graph):
    n, _, _, c = T(graph, op, 0).shape
    return [(n, *_size(op, graph), c)]


# ---- tables ------------------------------------------------------------------------------------------

def nearest_table(in_size, out_size, align, half):
    """TFLite's GetNearestNeighbor for every output index (float32 arithmetic)."""
    scale = F(in_size - 1) / F(out_size - 1) if align and out_size > 1 else F(in_size) / F(out_size)
    offset = F(0.5) if half else F(0.0)
    idx = []
    for i in range(out_size):
        v = (F(i) + offset) * scale
        j = int(tflite_round(float(v))) if align else int(np.floor(v))  # std::round / std::floor
        j = min(j, in_size - 1)
        idx.append(max(j, 0) if half else j)
    return np.array(idx, np.int32)


def _c_div(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def bilinear_table_s8(in_size, out_size, align, half):
    """(lower, upper, 1024 - frac, frac) per output index: TFLite's ResizeBilinearInteger."""
    if align and out_size > 1:
        s = ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        s = ((1 << 10) * in_size + out_size // 2) // out_size
    rows = []
    for i in range(out_size):
        v = i * s + s // 2 - (1 << 9) if half else i * s
        lo = max(_c_div(v, 1 << 10), 0)
        hi = min(_c_div(v + (1 << 10) - 1, 1 << 10), in_size - 1)
        frac = v - (1 << 10) * lo
        rows.append((lo, hi, (1 << 10) - frac, frac))
    return np.array(rows, np.int32)


def bilinear_table_f32(in_size, out_size, align, half):
    """((lower, upper) int32, (1 - d, d) float32) per output index: TFLite's float ResizeBilinear."""
    scale = F(in_size) / F(out_size)
    if align and out_size > 1:
        scale = F(in_size - 1) / F(out_size - 1)
    idx, w = [], []
    for i in range(out_size):
        v = (F(i) + F(0.5)) * scale - F(0.5) if half else F(i) * scale
        lo = max(int(np.floor(v)), 0)
        hi = min(int(np.ceil(v)), in_size - 1)
        d = F(v - F(lo))
        idx.append((lo, hi))
        w.append((F(1) - d, d))
    return np.array(idx, np.int32), np.array(w, np.float32)


def _axis_tables(op, graph):
    _, h, w, _ = T(graph, op, 0).shape
    oh, ow = _size(op, graph)
    o = op.options
    if op.kind == "RESIZE_NEAREST_NEIGHBOR":
        return nearest_table(h, oh, o.align_corners, o.half_pixel_centers), \
            nearest_table(w, ow, o.align_corners, o.half_pixel_centers)
    if T(graph, op, 0).dtype == np.int8:
        return bilinear_table_s8(h, oh, o.align_corners, o.half_pixel_centers), \
            bilinear_table_s8(w, ow, o.align_corners, o.half_pixel_centers)
    return bilinear_table_f32(h, oh, o.align_corners, o.half_pixel_centers), \
        bilinear_table_f32(w, ow, o.align_corners, o.half_pixel_centers)


# ---- semantics ------------------------------------------------------------------------------------------

def _reference(op, graph, ins):
    x = ins[0]
    yt = T(graph, op, 0, True)
    ty, tx = _axis_tables(op, graph)
    if op.kind == "RESIZE_NEAREST_NEIGHBOR":
        return [np.ascontiguousarray(x[:, ty][:, :, tx])]
    if x.dtype == np.int8:
        xi = x.astype(np.int64)
        wy0, wy1 = ty[:, 2].astype(np.int64)[None, :, None, None], ty[:, 3].astype(np.int64)[None, :, None, None]
        wx0, wx1 = tx[:, 2].astype(np.int64)[None, None, :, None], tx[:, 3].astype(np.int64)[None, None, :, None]
        r0, r1 = xi[:, ty[:, 0]], xi[:, ty[:, 1]]
        v = r0[:, :, tx[:, 0]] * wy0 * wx0 + r1[:, :, tx[:, 0]] * wy1 * wx0 \
            + r0[:, :, tx[:, 1]] * wy0 * wx1 + r1[:, :, tx[:, 1]] * wy1 * wx1
        v = v + np.where(v > 0, 1 << 19, -(1 << 19))
        q = np.where(v >= 0, v >> 20, -((-v) >> 20))  # C division: toward zero
        return [np.clip(q, -128, 127).astype(np.int8).reshape(yt.shape)]
    (iy, wy), (ix, wx) = ty, tx
    ay, dy = wy[:, 0][None, :, None, None], wy[:, 1][None, :, None, None]
    ax, dx = wx[:, 0][None, None, :, None], wx[:, 1][None, None, :, None]
    r0, r1 = x[:, iy[:, 0]], x[:, iy[:, 1]]
    x00, x10, x01, x11 = r0[:, :, ix[:, 0]], r1[:, :, ix[:, 0]], r0[:, :, ix[:, 1]], r1[:, :, ix[:, 1]]
    y = ((((x00 * ay) * ax) + ((x10 * dy) * ax)) + ((x01 * ay) * dx)) + ((x11 * dy) * dx)
    return [y.astype(np.float32)]


def _lower(op, graph):
    x = T(graph, op, 0)
    n, h, w, c = x.shape
    oh, ow = _size(op, graph)
    p = dict(n=n, h=h, w=w, c=c, oh=oh, ow=ow)
    ty, tx = _axis_tables(op, graph)
    io = [op.inputs[0], op.outputs[0]]
    if op.kind == "RESIZE_NEAREST_NEIGHBOR":
        return [KernelCall("resize_nearest", io + [ty, tx], dict(esize=x.dtype.itemsize, **p))]
    if x.dtype == np.int8:
        return [KernelCall("resize_bilinear_s8", io + [ty.reshape(-1), tx.reshape(-1)], p)]
    return [KernelCall("resize_bilinear_f32", io + [ty[0].reshape(-1), tx[0].reshape(-1), ty[1].reshape(-1),
                                                     tx[1].reshape(-1)], p)]


# ---- constraints ------------------------------------------------------------------------------------------

def _same_dtype_and_quant(op, graph, x, y) -> bool:
    """x and y have one of the op's dtypes and, when quantized, one scale and zero point."""
    from . import get
    if x.dtype != y.dtype or x.dtype.name not in get(op.kind).dtypes:
        return False
    return x.dtype == np.float32 or (np.float32(x.scale) == np.float32(y.scale) and x.zero_point == y.zero_point)


def c_resize_types(op, graph):
    """input and output must have one of the op's dtypes (one scale and zero point: the op does not
    requantize)"""
    return _same_dtype_and_quant(op, graph, T(graph, op, 0), T(graph, op, 0, True))


def c_resize_shapes(op, graph):
    """the input must be 4-D (NHWC) and the size a constant int32 [2] of positive (height, width)"""
    x, s = T(graph, op, 0), T(graph, op, 1)
    if len(x.shape) != 4 or not s.is_const or s.dtype != np.int32 or tuple(s.shape) != (2,):
        return False
    return min(_size(op, graph)) >= 1 and min(x.shape) >= 1


def c_bilinear_modes(op, graph):
    """RESIZE_BILINEAR cannot have both align_corners and half_pixel_centers (TFLite refuses it)"""
    return op.kind != "RESIZE_BILINEAR" or not (op.options.align_corners and op.options.half_pixel_centers)


def c_tables_in_range(op, graph):
    """the resize must read inside the input (TFLite's integer bilinear scale rounding can point
    past the last row for extreme upscales)"""
    _, h, w, _ = T(graph, op, 0).shape
    ty, tx = _axis_tables(op, graph)
    if isinstance(ty, tuple):
        ty, tx = ty[0], tx[0]
    iy, ix = (ty if ty.ndim == 1 else ty[:, :2]), (tx if tx.ndim == 1 else tx[:, :2])
    return bool(iy.min() >= 0 and iy.max() < h and ix.min() >= 0 and ix.max() < w)


_C = (c_resize_types, c_per_tensor_activations, c_resize_shapes, c_bilinear_modes, c_tables_in_range)

register(OpDef("RESIZE_NEAREST_NEIGHBOR", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
               inputs=("input", "size"), constraints=_C, fusion=INJECTIVE, kernels=("resize_nearest",),
               dtypes=("int8", "int16", "float32"),
               doc="nearest-neighbour resize to a constant size (align_corners, half_pixel_centers)"))
register(OpDef("RESIZE_BILINEAR", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
               inputs=("input", "size"), constraints=_C, fusion=OPAQUE,
               error=bounds.linear(lambda op, graph: 8),  # 4 products and 3 sums of weights in [0, 1]
               kernels=("resize_bilinear_s8", "resize_bilinear_f32"),
               macs=lambda op, graph: 4 * T(graph, op, 0, True).size,
               doc="bilinear resize to a constant size (align_corners or half_pixel_centers); int8 with "
                   "TFLite's integer weights"))


# ---- GATHER (constant indices): the nearest-neighbour kernel with one row table ----------------------------

@dataclass
class GatherOptions:
    axis: int = 0
    batch_dims: int = 0


def _gather_parse(where, o):
    return GatherOptions(int(o.Axis()), int(o.BatchDims())) if o is not None else GatherOptions()


def _gather_axis(op, graph):
    a, r = op.options.axis, len(T(graph, op, 0).shape)
    return a + r if a < 0 else a


def _gather_shapes(op, graph):
    shape, a = list(T(graph, op, 0).shape), _gather_axis(op, graph)
    return [tuple(shape[:a]) + tuple(T(graph, op, 1).shape) + tuple(shape[a + 1:])]


def _gather_reference(op, graph, ins):
    idx = np.asarray(ins[1], np.int64).reshape(T(graph, op, 1).shape)
    return [np.array(np.take(ins[0], idx, axis=_gather_axis(op, graph)), ins[0].dtype, order="C")]  # 0-d stays 0-d


def _gather_lower(op, graph):
    x = T(graph, op, 0)
    a = _gather_axis(op, graph)
    idx = np.asarray(T(graph, op, 1).data, np.int32).reshape(-1)
    outer = int(np.prod(x.shape[:a], dtype=np.int64))
    inner = int(np.prod(x.shape[a + 1:], dtype=np.int64))
    p = dict(esize=x.dtype.itemsize, n=outer, h=x.shape[a], w=1, c=inner, oh=idx.size, ow=1)
    return [KernelCall("resize_nearest", [op.inputs[0], op.outputs[0], idx, np.zeros(1, np.int32)], p)]


def c_gather_types(op, graph):
    """params and output must have one of the op's dtypes, with one scale and zero point (the op
    copies values), the indices int32"""
    return T(graph, op, 1).dtype == np.int32 and _same_dtype_and_quant(op, graph, T(graph, op, 0), T(graph, op, 0, True))


def c_gather_indices(op, graph):
    """the indices must be a constant tensor of values in [0, axis size) (TFLite Micro does not check
    them), the axis inside the input, batch_dims 0, and no dimension empty"""
    x, i = T(graph, op, 0), T(graph, op, 1)
    r = len(x.shape)
    if not i.is_const or not -r <= op.options.axis < r or op.options.batch_dims != 0 or i.size == 0 or x.size == 0:
        return False
    v = np.asarray(i.data)
    return bool(v.min() >= 0 and v.max() < x.shape[_gather_axis(op, graph)])


register(OpDef("GATHER", parse=_gather_parse, shapes=_gather_shapes, reference=_gather_reference, lower=_gather_lower,
               inputs=("params", "indices"), constraints=(c_gather_types, c_gather_indices), fusion=INJECTIVE,
               kernels=("resize_nearest",), doc="slices along an axis picked by constant indices (batch_dims 0)"))

"""Data movement: SQUEEZE, EXPAND_DIMS, TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V, PACK,
UNPACK, CONCATENATION, PAD, PADV2, DEPTH_TO_SPACE, SPACE_TO_DEPTH, BROADCAST_TO.

Every one copies elements without changing them (TFLite Micro copies the bytes, whatever the
quantization), so one kernel does them all: ``copy_nd``, an affine copy over up to 6
dimensions with element strides that may be negative or zero, plus ``fill`` for pad borders.
Each op's lowering is the index arithmetic that maps its output elements to input elements.
"""
from dataclasses import dataclass

import numpy as np

from . import INJECTIVE, KernelCall, OpDef, Rows, T, activation_name, register

MAX_RANK = 6
DTYPES = ("int8", "int16", "float32", "int32")
NO_INT32 = ("int8", "int16", "float32")  # ops TFLite Micro has no int32 kernel for
INT8_FLOAT = ("int8", "float32")  # ops TFLite Micro has neither an int16 nor an int32 kernel for


def _strides(shape) -> list:
    st, acc = [0] * len(shape), 1
    for i in range(len(shape) - 1, -1, -1):
        st[i] = acc
        acc *= int(shape[i])
    return st


def copy_call(src, dst, esize, dims, in_strides, out_strides, in_off=0, out_off=0) -> KernelCall:
    """A copy_nd call; dims and strides (elements) are padded to 6 at the front."""
    if len(dims) > MAX_RANK:
        raise ValueError(f"copy over {len(dims)} dimensions")
    dims, in_strides, out_strides = list(dims), list(in_strides), list(out_strides)
    if dims and not (in_strides[-1] == out_strides[-1] == 1):
        # element by element: the innermost loop over the longest dimension that is contiguous on
        # one side (the loop order does not change what is copied)
        k = max(range(len(dims)), key=lambda i: (dims[i] > 1 and 1 in (in_strides[i], out_strides[i]), dims[i], i))
        for v in (dims, in_strides, out_strides):
            v.append(v.pop(k))
    pad = MAX_RANK - len(dims)
    p = {"esize": esize, "in_off": int(in_off), "out_off": int(out_off)}
    for i, (d, a, b) in enumerate(zip([1] * pad + list(dims), [0] * pad + list(in_strides),
                                      [0] * pad + list(out_strides))):
        p[f"d{i}"], p[f"a{i}"], p[f"b{i}"] = int(d), int(a), int(b)
    return KernelCall("copy_nd", [src, dst], p)


def _c(a):
    """A C-ordered copy (0-d stays 0-d, unlike np.ascontiguousarray)."""
    return np.array(a, order="C")


def _const_ints(graph, op, i):
    t = T(graph, op, i)
    return [int(v) for v in np.asarray(t.data).ravel()]


def _axis(a, rank):
    return a + rank if a < 0 else a


def _no_options(where, o):
    return None


# ---- constraints ---------------------------------------------------------------------------------

def c_same_dtypes(op, graph):
    """the data inputs and the outputs must all have one of the op's dtypes"""
    from . import get
    names = [n for n in _data_inputs(op) + op.outputs if n is not None]
    ts = [graph.tensor(n) for n in names]
    return len({t.dtype for t in ts}) == 1 and ts[0].dtype.name in get(op.kind).dtypes


def c_rank(op, graph):
    """tensors must have at most 6 dimensions"""
    return all(len(graph.tensor(n).shape) <= MAX_RANK for n in op.inputs + op.outputs if n is not None)


def c_params_const(op, graph):
    """the shape-like operands (axes, begins, sizes, paddings, permutations) must be constant"""
    data = set(_data_inputs(op))
    return all(graph.tensor(n).is_const for n in op.inputs if n is not None and n not in data)


def c_same_quant(op, graph):
    """int8 and int16 inputs must have the output's scale and zero point (the op copies bytes)"""
    y = T(graph, op, 0, True)
    if y.dtype not in (np.int8, np.int16):
        return True
    return all(graph.tensor(n).quant is not None and graph.tensor(n).scale == y.scale
               and graph.tensor(n).zero_point == y.zero_point for n in _data_inputs(op))


_VARIADIC_IN = ("PACK", "CONCATENATION")


def _data_inputs(op):
    if op.kind in _VARIADIC_IN:
        return list(op.inputs)
    if op.kind == "SPLIT":
        return op.inputs[1:2]
    return op.inputs[:1]


_BASE = (c_same_dtypes, c_rank, c_params_const)


def _esize(graph, op):
    return T(graph, op, 0, True).dtype.itemsize


def _movement(name, shapes, reference, lower, inputs=("input",), outputs=("output",), constraints=(),
              parse=_no_options, doc="", kernels=("copy_nd",), dtypes=DTYPES, **more):
    register(OpDef(name, parse=parse, shapes=shapes, reference=reference, lower=lower, inputs=inputs,
                   outputs=outputs, constraints=_BASE + tuple(constraints), fusion=INJECTIVE, dtypes=dtypes, doc=doc,
                   kernels=kernels, **more))


def _lower_plain_copy(op, graph):
    x = T(graph, op, 0)
    return [KernelCall("copy", [op.inputs[0], op.outputs[0]], {"nbytes": x.nbytes})]


# ---- SQUEEZE / EXPAND_DIMS: the same bytes ------------------------------------------------------------

@dataclass
class SqueezeOptions:
    dims: tuple = ()


def _squeeze_parse(where, o):
    if o is None or o.SqueezeDimsLength() == 0:
        return SqueezeOptions()
    return SqueezeOptions(tuple(int(v) for v in o.SqueezeDimsAsNumpy()))


def _squeeze_shape(op, graph):
    shape = list(T(graph, op, 0).shape)
    dims = {_axis(d, len(shape)) for d in op.options.dims} if op.options.dims else \
        {i for i, d in enumerate(shape) if d == 1}
    return [tuple(d for i, d in enumerate(shape) if i not in dims)]


def c_squeeze_dims(op, graph):
    """squeezed dimensions must exist and have size 1"""
    shape = T(graph, op, 0).shape
    return all(-len(shape) <= d < len(shape) and shape[d] == 1 for d in op.options.dims)


def _expand_shape(op, graph):
    shape = list(T(graph, op, 0).shape)
    (a,) = _const_ints(graph, op, 1)
    shape.insert(_axis(a, len(shape) + 1), 1)
    return [tuple(shape)]


def c_expand_axis(op, graph):
    """the axis must be one int in [-rank - 1, rank]"""
    a = _const_ints(graph, op, 1)
    r = len(T(graph, op, 0).shape)
    return len(a) == 1 and -r - 1 <= a[0] <= r


def _reshaped(op, graph, ins):
    return [ins[0].reshape(T(graph, op, 0, True).shape)]


_movement("SQUEEZE", _squeeze_shape, _reshaped, _lower_plain_copy, constraints=(c_squeeze_dims,),
          parse=_squeeze_parse, doc="drop size-1 dimensions (a zero-copy alias after the passes)", kernels=("copy",))
_movement("EXPAND_DIMS", _expand_shape, _reshaped, _lower_plain_copy, inputs=("input", "axis"),
          constraints=(c_expand_axis,), doc="insert a size-1 dimension (a zero-copy alias after the passes)",
          kernels=("copy",), dtypes=NO_INT32)


# ---- TRANSPOSE ----------------------------------------------------------------------------------------

def _perm(op, graph):
    return [_axis(p, len(T(graph, op, 0).shape)) for p in _const_ints(graph, op, 1)]


def c_perm(op, graph):
    """the permutation must list every dimension once"""
    r = len(T(graph, op, 0).shape)
    p = _const_ints(graph, op, 1)
    return sorted(_axis(v, r) for v in p) == list(range(r))


def _transpose_lower(op, graph):
    x = T(graph, op, 0)
    perm = _perm(op, graph)
    if "chain" in op.attrs:  # the head of a streamed block: NCHW -> NHWC as a 1x1 window (_transpose_rows)
        _, c, h, w = x.shape
        name = "transpose_nchw_s8" if x.dtype == np.int8 else "transpose_nchw_f32"
        return [KernelCall(name, [op.inputs[0], op.outputs[0]], dict(n=1, h=h, w=w, c=c, oh=h, ow=w, kh=1, kw=1,
                                                                     sh=1, sw=1, pt=0, pl=0))]
    st = _strides(x.shape)
    dims = [x.shape[p] for p in perm]
    return [copy_call(op.inputs[0], op.outputs[0], _esize(graph, op), dims, [st[p] for p in perm], _strides(dims))]


def _transpose_rows(op, graph):
    """An NCHW -> NHWC transpose (perm 0, 2, 3, 1; batch 1; int8 or float32; PyTorch conversions put it
    at the input) reads input row y of every channel plane for output row y: it can head a streamed
    block (transpose_nchw_*). Its input rows are not contiguous (in_row counts the bytes of one row of
    every plane): nothing is written over them in place (streaming.inplace_options)."""
    x = T(graph, op, 0)
    if len(x.shape) != 4 or x.shape[0] != 1 or x.dtype not in (np.int8, np.float32) or _perm(op, graph) != [0, 2, 3, 1]:
        return None
    _, c, h, w = x.shape
    row = w * c * x.dtype.itemsize
    return Rows(h, h, 1, 0, 1, row, row, w, w, 1, 0, 1, planar=True)


_movement("TRANSPOSE", lambda op, g: [tuple(T(g, op, 0).shape[p] for p in _perm(op, g))],
          lambda op, g, ins: [_c(np.transpose(ins[0], _perm(op, g)))], _transpose_lower,
          inputs=("input", "perm"), constraints=(c_perm,), doc="permute dimensions", dtypes=NO_INT32,
          kernels=("copy_nd", "transpose_nchw_s8", "transpose_nchw_f32"), rows=_transpose_rows)


# ---- SLICE / STRIDED_SLICE -------------------------------------------------------------------------------

def _slice_geometry(op, graph):
    """(begin, stride, size) per dimension of the input, for SLICE and STRIDED_SLICE."""
    shape = list(T(graph, op, 0).shape)
    if op.kind == "SLICE":
        begin, size = _const_ints(graph, op, 1), _const_ints(graph, op, 2)
        size = [shape[i] - begin[i] if s == -1 else s for i, s in enumerate(size)]
        return begin, [1] * len(shape), size, []
    o = op.options
    begin, end, strides = (_const_ints(graph, op, i) for i in (1, 2, 3))
    starts, sizes, shrink = [], [], []
    for i, d in enumerate(shape):
        s = strides[i]
        if o.shrink & (1 << i):  # TFLite Micro applies the begin mask to a shrunk axis too
            b = 0 if o.begin_mask & (1 << i) else (begin[i] + d if begin[i] < 0 else begin[i])
            starts.append(b)
            sizes.append(1)
            shrink.append(i)
            continue
        if o.begin_mask & (1 << i):
            b = 0 if s > 0 else d - 1
        else:
            b = begin[i] + d if begin[i] < 0 else begin[i]
            b = min(max(b, 0), d) if s > 0 else min(max(b, -1), d - 1)
        if o.end_mask & (1 << i):
            e = d if s > 0 else -1
        else:
            e = end[i] + d if end[i] < 0 else end[i]
            e = min(max(e, 0), d) if s > 0 else min(max(e, -1), d - 1)
        n = max(0, -(-(e - b) // s)) if s > 0 else max(0, -(-(b - e) // -s))
        starts.append(b)
        sizes.append(n)
    return starts, strides, sizes, shrink


def _slice_shapes(op, graph):
    _, _, sizes, shrink = _slice_geometry(op, graph)
    return [tuple(n for i, n in enumerate(sizes) if i not in shrink)]


def _slice_reference(op, graph, ins):
    starts, strides, sizes, shrink = _slice_geometry(op, graph)
    idx = tuple(np.arange(b, b + n * s, s) if n else np.arange(0) for b, s, n in zip(starts, strides, sizes))
    y = ins[0][np.ix_(*idx)] if idx else ins[0]
    return [_c(y.reshape(_slice_shapes(op, graph)[0]))]


def _slice_lower(op, graph):
    x = T(graph, op, 0)
    starts, strides, sizes, _ = _slice_geometry(op, graph)
    st = _strides(x.shape)
    off = sum(b * a for b, a in zip(starts, st)) if all(sizes) else 0
    return [copy_call(op.inputs[0], op.outputs[0], _esize(graph, op), sizes, [a * s for a, s in zip(st, strides)],
                      _strides(sizes), in_off=off)]


def c_slice_in_range(op, graph):
    """begin and size must select a range inside the input (size -1: to the end)"""
    shape = T(graph, op, 0).shape
    begin, size = _const_ints(graph, op, 1), _const_ints(graph, op, 2)
    if len(begin) != len(shape) or len(size) != len(shape):
        return False
    return all(0 <= b <= d and (s == -1 or 0 <= s <= d - b) for b, s, d in zip(begin, size, shape))


@dataclass
class StridedSliceOptions:
    begin_mask: int = 0
    end_mask: int = 0
    ellipsis_mask: int = 0
    new_axis_mask: int = 0
    shrink: int = 0
    offset: bool = False


def _strided_parse(where, o):
    if o is None:
        return StridedSliceOptions()
    return StridedSliceOptions(o.BeginMask(), o.EndMask(), o.EllipsisMask(), o.NewAxisMask(), o.ShrinkAxisMask(),
                               bool(o.Offset()))


def c_strided_supported(op, graph):
    """ellipsis_mask, new_axis_mask and offset are not supported; begin, end and strides must have
    one nonzero entry per input dimension, and a shrunk dimension must index inside it with a
    positive stride (TFLite Micro writes no element for a shrunk axis with a negative stride)"""
    o = op.options
    shape = T(graph, op, 0).shape
    b, e, s = (_const_ints(graph, op, i) for i in (1, 2, 3))
    if o.ellipsis_mask or o.new_axis_mask or o.offset or not len(b) == len(e) == len(s) == len(shape):
        return False
    for i, d in enumerate(shape):
        if o.shrink & (1 << i) and not (-d <= b[i] < d and s[i] > 0):
            return False
    return all(v != 0 for v in s)


_movement("SLICE", _slice_shapes, _slice_reference, _slice_lower, inputs=("input", "begin", "size"),
          constraints=(c_slice_in_range,), doc="a contiguous block of the input")
_movement("STRIDED_SLICE", _slice_shapes, _slice_reference, _slice_lower,
          inputs=("input", "begin", "end", "strides"), constraints=(c_strided_supported,), parse=_strided_parse,
          doc="begin/end/strides with begin, end and shrink-axis masks; negative strides")


# ---- SPLIT / SPLIT_V / UNPACK: one copy per output --------------------------------------------------------

def _pieces(op, graph):
    """(data input index, axis, sizes along it) of a SPLIT, SPLIT_V or UNPACK."""
    if op.kind == "SPLIT":
        x = T(graph, op, 1)
        axis = _axis(_const_ints(graph, op, 0)[0], len(x.shape))
        n = len(op.outputs)
        return 1, axis, [x.shape[axis] // n] * n
    x = T(graph, op, 0)
    if op.kind == "UNPACK":
        axis = _axis(op.options.axis, len(x.shape))
        return 0, axis, [1] * x.shape[axis]
    axis = _axis(_const_ints(graph, op, 2)[0], len(x.shape))
    sizes = _const_ints(graph, op, 1)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    return 0, axis, sizes


def _split_shapes(op, graph):
    i, axis, sizes = _pieces(op, graph)
    shape = list(T(graph, op, i).shape)
    out = []
    for n in sizes:
        s = list(shape)
        if op.kind == "UNPACK":
            del s[axis]
        else:
            s[axis] = n
        out.append(tuple(s))
    return out


def _split_reference(op, graph, ins):
    i, axis, sizes = _pieces(op, graph)
    x = ins[i]
    parts = np.split(x, np.cumsum(sizes)[:-1], axis=axis)
    return [_c(p.reshape(s)) for p, s in zip(parts, _split_shapes(op, graph))]


def _split_lower(op, graph):
    i, axis, sizes = _pieces(op, graph)
    x = T(graph, op, i)
    st = _strides(x.shape)
    calls, start = [], 0
    for out, n in zip(op.outputs, sizes):
        dims = list(x.shape)
        dims[axis] = n
        calls.append(copy_call(op.inputs[i], out, _esize(graph, op), dims, st, _strides(dims), in_off=start * st[axis]))
        start += n
    return calls


def c_split_even(op, graph):
    """the axis must be one int inside the input and divide evenly into the outputs"""
    x = T(graph, op, 1)
    a = _const_ints(graph, op, 0)
    return len(a) == 1 and -len(x.shape) <= a[0] < len(x.shape) and x.shape[_axis(a[0], len(x.shape))] % len(op.outputs) == 0


def c_split_v_sizes(op, graph):
    """size_splits must have one entry per output (at most one -1) summing to the axis length"""
    x = T(graph, op, 0)
    a = _const_ints(graph, op, 2)
    if len(a) != 1 or not -len(x.shape) <= a[0] < len(x.shape):
        return False
    sizes = _const_ints(graph, op, 1)
    d = x.shape[_axis(a[0], len(x.shape))]
    if len(sizes) != len(op.outputs) or sizes.count(-1) > 1 or any(s < -1 for s in sizes):
        return False
    return sum(sizes) == d if -1 not in sizes else sum(sizes) + 1 <= d


@dataclass
class AxisOptions:
    axis: int = 0
    count: int = 0
    activation: str = "NONE"


def _unpack_parse(where, o):
    return AxisOptions(o.Axis(), o.Num()) if o is not None else AxisOptions()


def c_unpack_axis(op, graph):
    """the axis must be inside the input and num must equal its length and the outputs"""
    x = T(graph, op, 0)
    a = op.options.axis
    return -len(x.shape) <= a < len(x.shape) and x.shape[_axis(a, len(x.shape))] == len(op.outputs)


def c_split_dtypes(op, graph):
    """the input and every output must have one dtype (int8, int16, float32 or int32)"""
    return c_same_dtypes(op, graph)


_movement("SPLIT", _split_shapes, _split_reference, _split_lower, inputs=("axis", "input"), outputs=("outputs*",),
          constraints=(c_split_even, c_same_quant), doc="equal pieces along an axis")
_movement("SPLIT_V", _split_shapes, _split_reference, _split_lower, inputs=("input", "size_splits", "axis"),
          outputs=("outputs*",), constraints=(c_split_v_sizes, c_same_quant), doc="pieces of given sizes along an axis")
_movement("UNPACK", _split_shapes, _split_reference, _split_lower, outputs=("outputs*",),
          constraints=(c_unpack_axis, c_same_quant), parse=_unpack_parse, doc="unstack along an axis")


# ---- PACK / CONCATENATION: one copy per input ----------------------------------------------------------------

def _pack_parse(where, o):
    return AxisOptions(o.Axis(), o.ValuesCount()) if o is not None else AxisOptions()


def _concat_parse(where, o):
    if o is None:
        return AxisOptions()
    return AxisOptions(o.Axis(), 0, activation_name(o.FusedActivationFunction(), where))


def _join_axis(op, graph):
    r = len(T(graph, op, 0).shape) + (op.kind == "PACK")
    return _axis(op.options.axis, r)


def _join_shapes(op, graph):
    shape = list(T(graph, op, 0).shape)
    axis = _join_axis(op, graph)
    if op.kind == "PACK":
        shape.insert(axis, len(op.inputs))
    else:
        shape[axis] = sum(graph.tensor(n).shape[axis] for n in op.inputs)
    return [tuple(shape)]


def _join_reference(op, graph, ins):
    axis = _join_axis(op, graph)
    y = np.stack(ins, axis) if op.kind == "PACK" else np.concatenate(ins, axis)
    return [_c(y.astype(T(graph, op, 0, True).dtype))]


def _join_lower(op, graph):
    y = T(graph, op, 0, True)
    axis = _join_axis(op, graph)
    yst = _strides(y.shape)
    calls, start = [], 0
    for name in op.inputs:
        shape = list(graph.tensor(name).shape)
        if op.kind == "PACK":
            shape.insert(axis, 1)
        calls.append(copy_call(name, op.outputs[0], _esize(graph, op), shape, _strides(shape), yst,
                               out_off=start * yst[axis]))
        start += shape[axis]
    return calls


def c_join_shapes(op, graph):
    """the inputs must have one rank and agree on every dimension but the axis (PACK: equal shapes),
    and the axis must be inside the output"""
    shapes = [tuple(graph.tensor(n).shape) for n in op.inputs]
    r = len(shapes[0]) + (op.kind == "PACK")
    if not -r <= op.options.axis < r or any(len(s) != len(shapes[0]) for s in shapes):
        return False
    if op.kind == "PACK":
        return all(s == shapes[0] for s in shapes)
    a = _axis(op.options.axis, r)
    return all(s[:a] + s[a + 1:] == shapes[0][:a] + shapes[0][a + 1:] for s in shapes)


def c_no_activation(op, graph):
    """a fused activation on CONCATENATION is not supported"""
    return op.options.activation == "NONE"


_movement("PACK", _join_shapes, _join_reference, _join_lower, inputs=("values*",),
          constraints=(c_join_shapes, c_same_quant), parse=_pack_parse, doc="stack along a new axis")
_movement("CONCATENATION", _join_shapes, _join_reference, _join_lower, inputs=("values*",),
          constraints=(c_join_shapes, c_same_quant, c_no_activation), parse=_concat_parse,
          doc="join along an axis")


# ---- PAD / PADV2 -------------------------------------------------------------------------------------------------

def pad_widths(op, graph) -> list:
    """[(before, after)] per dimension of a PAD / PADV2."""
    p = _const_ints(graph, op, 1)
    return [(p[2 * i], p[2 * i + 1]) for i in range(len(p) // 2)]


def pad_value(op, graph):
    """The pad element as its raw value: PADV2's constant, else the output zero point (int8, int16) or 0."""
    y = T(graph, op, 0, True)
    if op.kind == "PADV2" and len(op.inputs) > 2 and op.inputs[2] is not None:
        return np.asarray(T(graph, op, 2).data).reshape(-1)[0]
    return y.zero_point if y.dtype in (np.int8, np.int16) else 0


def _pad_shapes(op, graph):
    return [tuple(d + a + b for d, (a, b) in zip(T(graph, op, 0).shape, pad_widths(op, graph)))]


def _pad_reference(op, graph, ins):
    y = T(graph, op, 0, True)
    return [np.pad(ins[0], pad_widths(op, graph), constant_values=np.asarray(pad_value(op, graph), y.dtype))]


def _pad_lower(op, graph):
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    value = np.asarray(pad_value(op, graph), y.dtype)
    bits = int(value.view(np.int32)) if y.dtype.itemsize == 4 else int(value)
    yst = _strides(y.shape)
    off = sum(a * s for (a, _), s in zip(pad_widths(op, graph), yst))
    return [KernelCall("fill", [op.outputs[0]], {"esize": y.dtype.itemsize, "count": y.size, "value": bits}),
            copy_call(op.inputs[0], op.outputs[0], y.dtype.itemsize, x.shape, _strides(x.shape), yst, out_off=off)]


def c_paddings(op, graph):
    """paddings must be a [rank, 2] constant of non-negative ints"""
    p = T(graph, op, 1)
    return tuple(p.shape) == (len(T(graph, op, 0).shape), 2) and min(_const_ints(graph, op, 1), default=0) >= 0


def c_pad_value(op, graph):
    """PADV2's constant_values must be one element of the input's dtype (int8: the input's quantization)"""
    if op.kind != "PADV2" or len(op.inputs) < 3 or op.inputs[2] is None:
        return True
    c, x = T(graph, op, 2), T(graph, op, 0)
    if c.size != 1 or c.dtype != x.dtype:
        return False
    return x.dtype not in (np.int8, np.int16) or (c.quant is not None and c.scale == x.scale
                                                  and c.zero_point == x.zero_point)


_movement("PAD", _pad_shapes, _pad_reference, _pad_lower, inputs=("input", "paddings"),
          constraints=(c_paddings, c_same_quant), doc="constant padding with zero (int8: the zero point)",
          kernels=("fill", "copy_nd"))
_movement("PADV2", _pad_shapes, _pad_reference, _pad_lower, inputs=("input", "paddings", "constant_values?"),
          constraints=(c_paddings, c_pad_value, c_same_quant), doc="constant padding with a given value",
          kernels=("fill", "copy_nd"))


# ---- DEPTH_TO_SPACE / SPACE_TO_DEPTH ---------------------------------------------------------------------------------

@dataclass
class BlockOptions:
    block: int = 1


def _block_parse(where, o):
    return BlockOptions(o.BlockSize() if o is not None else 1)


def _d2s_shapes(op, graph):
    n, h, w, c = T(graph, op, 0).shape
    b = op.options.block
    if op.kind == "DEPTH_TO_SPACE":
        return [(n, h * b, w * b, c // (b * b))]
    return [(n, h // b, w // b, c * b * b)]


def _d2s_reference(op, graph, ins):
    x = ins[0]
    n, h, w, c = x.shape
    b = op.options.block
    if op.kind == "DEPTH_TO_SPACE":
        y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    else:
        y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return [_c(y.reshape(_d2s_shapes(op, graph)[0]))]


def _d2s_lower(op, graph):
    b = op.options.block
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if op.kind == "DEPTH_TO_SPACE":
        n, h, w, c = x.shape
        oc = c // (b * b)
        dims = [n, h, b, w, b, oc]  # output order: n, h, i, w, j, c
        ins = [h * w * c, w * c, b * oc, c, oc, 1]
    else:
        n, h, w, c = y.shape  # output [n, h, w, b*b*c0]
        c0 = c // (b * b)
        H, W = h * b, w * b
        dims = [n, h, b, w, b, c0]  # input order n, h, i, w, j, c0
        ins = [H * W * c0, b * W * c0, W * c0, b * c0, c0, 1]
        outs = [h * w * c, w * c, b * c0, c, c0, 1]
        return [copy_call(op.inputs[0], op.outputs[0], _esize(graph, op), dims, ins, outs)]
    return [copy_call(op.inputs[0], op.outputs[0], _esize(graph, op), dims, ins, _strides(dims))]


def c_block(op, graph):
    """the input must be 4-D (NHWC) and the block size >= 1 must divide the channels by its square
    (DEPTH_TO_SPACE) or the height and width (SPACE_TO_DEPTH)"""
    x = T(graph, op, 0)
    b = op.options.block
    if len(x.shape) != 4 or b < 1:
        return False
    if op.kind == "DEPTH_TO_SPACE":
        return x.shape[3] % (b * b) == 0
    return x.shape[1] % b == 0 and x.shape[2] % b == 0


_movement("DEPTH_TO_SPACE", _d2s_shapes, _d2s_reference, _d2s_lower, constraints=(c_block, c_same_quant),
          parse=_block_parse, doc="channels to spatial blocks", dtypes=INT8_FLOAT)
_movement("SPACE_TO_DEPTH", _d2s_shapes, _d2s_reference, _d2s_lower, constraints=(c_block, c_same_quant),
          parse=_block_parse, doc="spatial blocks to channels", dtypes=INT8_FLOAT)


# ---- BROADCAST_TO ----------------------------------------------------------------------------------------------------

def _bcast_shape(op, graph):
    return [tuple(_const_ints(graph, op, 1))]


def _bcast_lower(op, graph):
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    xs = [1] * (len(y.shape) - len(x.shape)) + list(x.shape)
    st = _strides(xs)
    return [copy_call(op.inputs[0], op.outputs[0], _esize(graph, op), y.shape,
                      [0 if d == 1 else s for d, s in zip(xs, st)], _strides(y.shape))]


def c_broadcast(op, graph):
    """the input must broadcast to the shape operand (NumPy rules)"""
    x = T(graph, op, 0)
    shape = tuple(_const_ints(graph, op, 1))
    try:
        return np.broadcast_shapes(tuple(x.shape), shape) == shape
    except ValueError:
        return False


_movement("BROADCAST_TO", _bcast_shape, lambda op, g, ins: [_c(
    np.broadcast_to(ins[0], _bcast_shape(op, g)[0]))], _bcast_lower, inputs=("input", "shape"),
    constraints=(c_broadcast, c_same_quant), doc="repeat size-1 dimensions")


# ---- REVERSE_V2 --------------------------------------------------------------------------------------------------

def _reverse_axes(op, graph):
    r = len(T(graph, op, 0).shape)
    return sorted({_axis(a, r) for a in _const_ints(graph, op, 1)})


def _reverse_lower(op, graph):
    x = T(graph, op, 0)
    st = _strides(x.shape)
    axes = _reverse_axes(op, graph)
    off = sum((x.shape[a] - 1) * st[a] for a in axes)
    return [copy_call(op.inputs[0], op.outputs[0], _esize(graph, op), x.shape,
                      [-s if i in axes else s for i, s in enumerate(st)], st, in_off=off)]


def c_reverse_axes(op, graph):
    """the axes must be distinct dimensions of the input"""
    r = len(T(graph, op, 0).shape)
    a = _const_ints(graph, op, 1)
    return all(-r <= v < r for v in a) and len({_axis(v, r) for v in a}) == len(a)


_movement("REVERSE_V2", lambda op, g: [tuple(T(g, op, 0).shape)],
          lambda op, g, ins: [_c(np.flip(ins[0], _reverse_axes(op, g)))], _reverse_lower, inputs=("input", "axis"),
          constraints=(c_reverse_axes, c_same_quant), doc="reverse along the given axes")


# ---- MIRROR_PAD ----------------------------------------------------------------------------------------------------

@dataclass
class MirrorPadOptions:
    symmetric: bool = False


def _mirror_parse(where, o):
    return MirrorPadOptions(bool(o.Mode()) if o is not None else False)


def _mirror_reference(op, graph, ins):
    mode = "symmetric" if op.options.symmetric else "reflect"
    return [np.pad(ins[0], pad_widths(op, graph), mode=mode)]


def _mirror_lower(op, graph):
    """The interior, then for each dimension from the last to the first its two border slabs,
    copied (reversed) from the output itself: a slab spans the full padded extent of the later
    dimensions (already complete) and the interior of the earlier ones."""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    pads = pad_widths(op, graph)
    es, yst = _esize(graph, op), _strides(y.shape)
    r = len(x.shape)
    base = sum(p[0] * s for p, s in zip(pads, yst))
    calls = [copy_call(op.inputs[0], op.outputs[0], es, x.shape, _strides(x.shape), yst, out_off=base)]
    sym = 1 if op.options.symmetric else 0
    for k in range(r - 1, -1, -1):
        before, after = pads[k]
        d = x.shape[k]
        for count, dst, src in ((before, 0, 2 * before - sym), (after, before + d, before + d - 2 + sym)):
            if count == 0:
                continue
            dims = [x.shape[j] if j < k else (count if j == k else y.shape[j]) for j in range(r)]
            start = [pads[j][0] if j < k else 0 for j in range(r)]
            out_off = sum(s * v for s, v in zip(yst, start)) + dst * yst[k]
            in_off = sum(s * v for s, v in zip(yst, start)) + src * yst[k]
            calls.append(copy_call(op.outputs[0], op.outputs[0], es, dims,
                                   [-s if j == k else s for j, s in enumerate(yst)], yst, in_off=in_off,
                                   out_off=out_off))
    return calls


def c_mirror_paddings(op, graph):
    """paddings must be a [rank, 2] constant with each pad below the dimension (REFLECT) or at
    most the dimension (SYMMETRIC)"""
    if not c_paddings(op, graph):
        return False
    limit = 0 if op.options.symmetric else 1
    return all(a <= d - limit and b <= d - limit for d, (a, b) in zip(T(graph, op, 0).shape, pad_widths(op, graph)))


_movement("MIRROR_PAD", _pad_shapes, _mirror_reference, _mirror_lower, inputs=("input", "paddings"),
          constraints=(c_mirror_paddings, c_same_quant), parse=_mirror_parse, doc="reflect or symmetric padding",
          dtypes=INT8_FLOAT)


# ---- SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND (4-D, NHWC) ---------------------------------------------------------------

def _block_pads(op, graph):
    block = _const_ints(graph, op, 1)
    p = _const_ints(graph, op, 2)
    return block, [(p[0], p[1]), (p[2], p[3])]


def _s2b_shapes(op, graph):
    (bh, bw), ((pt, pb), (pl, pr)) = _block_pads(op, graph)
    n, h, w, c = T(graph, op, 0).shape
    if op.kind == "SPACE_TO_BATCH_ND":
        return [(n * bh * bw, (h + pt + pb) // bh, (w + pl + pr) // bw, c)]
    return [(n // (bh * bw), h * bh - pt - pb, w * bw - pl - pr, c)]


def _s2b_reference(op, graph, ins):
    (bh, bw), ((pt, pb), (pl, pr)) = _block_pads(op, graph)
    x = ins[0]
    if op.kind == "SPACE_TO_BATCH_ND":
        xp = x  # no padding (c_block_nd)
        n, hp, wp, c = xp.shape
        t = xp.reshape(n, hp // bh, bh, wp // bw, bw, c).transpose(2, 4, 0, 1, 3, 5)
        return [_c(t.reshape(bh * bw * n, hp // bh, wp // bw, c))]
    nb, h, w, c = x.shape
    n = nb // (bh * bw)
    t = x.reshape(bh, bw, n, h, w, c).transpose(2, 3, 0, 4, 1, 5).reshape(n, h * bh, w * bw, c)
    return [_c(t[:, pt:h * bh - pb, pl:w * bw - pr, :])]


def _s2b_lower(op, graph):
    """One copy per block position (i, j): the pixels of that phase, strided by the block."""
    (bh, bw), ((pt, pb), (pl, pr)) = _block_pads(op, graph)
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    es = _esize(graph, op)
    calls = []
    s2b = op.kind == "SPACE_TO_BATCH_ND"
    big, small = (x, y) if s2b else (y, x)  # the spatial image and the batch of phases
    n, H, W, c = big.shape
    _, h, w, _ = small.shape
    for i in range(bh):
        for j in range(bw):
            # spatial row R = r * bh + i - pt for phase row r: the rows inside the image
            r0 = max(0, -(-(pt - i) // bh))
            r1 = min(h, (H - 1 + pt - i) // bh + 1)
            q0 = max(0, -(-(pl - j) // bw))
            q1 = min(w, (W - 1 + pl - j) // bw + 1)
            if r1 <= r0 or q1 <= q0:
                continue
            R0, Q0 = r0 * bh + i - pt, q0 * bw + j - pl
            spatial_off = (R0 * W + Q0) * c
            spatial_st = [H * W * c, bh * W * c, bw * c, 1]
            phase_off = ((i * bw + j) * n * h * w + r0 * w + q0) * c
            phase_st = [h * w * c, w * c, c, 1]
            dims = [n, r1 - r0, q1 - q0, c]
            if s2b:
                calls.append(copy_call(op.inputs[0], op.outputs[0], es, dims, spatial_st, phase_st,
                                       in_off=spatial_off, out_off=phase_off))
            else:
                calls.append(copy_call(op.inputs[0], op.outputs[0], es, dims, phase_st, spatial_st,
                                       in_off=phase_off, out_off=spatial_off))
    return calls


def c_block_nd(op, graph):
    """the input must be 4-D (NHWC) with a [2] block shape >= 1 and [2, 2] non-negative paddings /
    crops; SPACE_TO_BATCH_ND: no padding (TFLite Micro leaves padded elements unwritten) and
    height and width divisible by the block; BATCH_TO_SPACE_ND: batch divisible by the block size
    and crops inside the image"""
    x = T(graph, op, 0)
    if len(x.shape) != 4 or T(graph, op, 1).size != 2 or tuple(T(graph, op, 2).shape) != (2, 2):
        return False
    (bh, bw), ((pt, pb), (pl, pr)) = _block_pads(op, graph)
    if min(bh, bw) < 1 or min(pt, pb, pl, pr) < 0:
        return False
    n, h, w, c = x.shape
    if op.kind == "SPACE_TO_BATCH_ND":  # TFLite Micro leaves padded elements unwritten: refused
        return pt == pb == pl == pr == 0 and h % bh == 0 and w % bw == 0
    return n % (bh * bw) == 0 and pt + pb < h * bh and pl + pr < w * bw


_movement("SPACE_TO_BATCH_ND", _s2b_shapes, _s2b_reference, _s2b_lower, inputs=("input", "block_shape", "paddings"),
          constraints=(c_block_nd, c_same_quant), doc="spatial blocks to batches (4-D, without padding)",
          dtypes=INT8_FLOAT)
_movement("BATCH_TO_SPACE_ND", _s2b_shapes, _s2b_reference, _s2b_lower, inputs=("input", "block_shape", "crops"),
          constraints=(c_block_nd, c_same_quant), doc="batches to spatial blocks, with crops (4-D)", dtypes=INT8_FLOAT)

"""CAST between int8, int16, int32, uint32 and float32 (TFLite Micro's cast.cc types), kernel ``cast``.

Integers to integers wrap to the output's width; integers to float32 round to nearest; float32 to
integers truncate toward zero and saturate to the output's range, NaN giving 0 (TFLite Micro's
static_cast as its builds compute it).
"""
import numpy as np

from . import ELEMENTWISE, KernelCall, OpDef, T, register
from . import bounds

#: cast's type code per dtype (kernels.CAST_BYTES)
TYPE_CODES = {"int8": 0, "int16": 1, "int32": 2, "uint32": 3, "float32": 4}


def _reference(op, graph, ins):
    x, yt = ins[0], T(graph, op, 0, True)
    if x.dtype == np.float32 and yt.dtype != np.float32:
        lim = np.iinfo(yt.dtype)
        with np.errstate(invalid="ignore"):
            v = np.clip(np.trunc(np.nan_to_num(x.astype(np.float64), nan=0.0)), lim.min, lim.max)
        return [v.astype(np.int64).astype(yt.dtype)]
    if yt.dtype == np.float32:
        return [x.astype(np.float32)]
    return [x.astype(np.int64).astype(yt.dtype)]  # wraps to the output's width


def _lower(op, graph):
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return [KernelCall("cast", [op.inputs[0], op.outputs[0]],
                       {"size": y.size, "in_type": TYPE_CODES[x.dtype.name], "out_type": TYPE_CODES[y.dtype.name]})]


def c_cast_types(op, graph):
    """input and output must each be int8, int16, int32, uint32 or float32 (TFLite Micro's CAST types;
    it converts raw values, ignoring any quantization)"""
    return all(t.dtype.name in TYPE_CODES for t in (T(graph, op, 0), T(graph, op, 0, True)))


def c_cast_shape(op, graph):
    """the output must have the input's shape"""
    return tuple(T(graph, op, 0).shape) == tuple(T(graph, op, 0, True).shape)


def _error(op, graph, xs, es, ys):
    """float32 -> float32 keeps the input's error; an exact integer input converts to float32 within half
    an ulp; a truncation, a wrap or a saturation of an inexact element can move anywhere (each element on
    its own)."""
    x, y = np.asarray(xs[0]), np.asarray(ys[0])
    e = np.broadcast_to(np.zeros(()) if es[0] is None else np.asarray(es[0], np.float64), y.shape)
    if x.dtype == np.float32 and y.dtype == np.float32:
        return [e]
    exact = np.abs(y.astype(np.float64)) * bounds.U if y.dtype == np.float32 else np.zeros(y.shape)
    return [np.where(e > 0, np.inf, exact)]


register(OpDef("CAST", parse=lambda where, o: None, shapes=lambda op, graph: [tuple(T(graph, op, 0).shape)],
               reference=_reference, lower=_lower, constraints=(c_cast_types, c_cast_shape), fusion=ELEMENTWISE,
               dtypes=tuple(TYPE_CODES), kernels=("cast",), error=_error, raw=True,
               doc="convert element types: integers wrap, float32 to integers truncates and saturates"))

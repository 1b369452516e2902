"""RESHAPE: same bytes, new shape (a zero-copy alias once the planner supports it); SHAPE: the
input's static shape, a compile-time constant.

TFLite Micro's RESHAPE never reads its shape operand: the output tensor's shape is the output
shape. A non-constant shape operand (Keras's SHAPE -> STRIDED_SLICE -> PACK for a flatten with a
dynamic batch, which fold_constants usually makes constant anyway) is therefore accepted and its
values ignored.
"""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import INJECTIVE, KernelCall, OpDef, T, register


@dataclass
class ReshapeOptions:
    new_shape: tuple = ()


def _parse(where, o):
    if o is None or o.NewShapeLength() == 0:
        return ReshapeOptions()
    return ReshapeOptions(tuple(int(v) for v in o.NewShapeAsNumpy()))


def _target_shape(op, graph):
    """The requested shape: the shape tensor if constant, else (no shape tensor) the option, else
    the output's (TFLite Micro's, which reads neither)."""
    s = T(graph, op, 1)
    if s is not None and s.is_const:
        req = [int(v) for v in s.data.ravel()]
    elif s is None and op.options.new_shape:
        req = list(op.options.new_shape)
    else:
        return tuple(T(graph, op, 0, True).shape)
    size = T(graph, op, 0).size
    if req.count(-1) == 1:
        known = int(np.prod([d for d in req if d != -1], dtype=np.int64))
        req[req.index(-1)] = size // known if known else 0
    return tuple(req)


def _shapes(op, graph):
    return [_target_shape(op, graph)]


def _reference(op, graph, ins):
    return [ins[0].reshape(T(graph, op, 0, True).shape)]


def _lower(op, graph):
    x = T(graph, op, 0)
    return [KernelCall("copy", [op.inputs[0], op.outputs[0]], {"nbytes": x.nbytes})]


def c_reshape_size(op, graph):
    """the output must have as many elements as the input, and the same dtype"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return x.size == y.size and x.dtype == y.dtype


def c_reshape_shape_const(op, graph):
    """the shape operand, when given, must be an int32 or int64 tensor; a non-constant one is not
    read (TFLite Micro takes the output tensor's shape), a constant one must give the output's
    shape"""
    s = T(graph, op, 1)
    return s is None or s.dtype in (np.int32, np.int64)


register(OpDef("RESHAPE", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower, inputs=("input", "shape?"),
               constraints=(c_reshape_size, c_reshape_shape_const), fusion=INJECTIVE,
               dtypes=("int8", "int16", "float32", "int32"), kernels=("copy",),
               doc="reshape; output shape from a constant shape tensor or the option (a non-constant shape "
                   "tensor is not read, as in TFLite Micro)"))


# ---- SHAPE -----------------------------------------------------------------------------------------

def _shape_parse(where, o):
    return None  # ShapeOptions.out_type: TFLite Micro goes by the output tensor's type


def _shape_shapes(op, graph):
    return [(len(T(graph, op, 0).shape),)]


def _shape_reference(op, graph, ins):
    """The input's static shape; its values (None when not constant) are never read."""
    return [np.array(T(graph, op, 0).shape, T(graph, op, 0, True).dtype).reshape(-1)]


def _shape_lower(op, graph):
    """Only when the output is a graph output (fold_constants makes it a constant otherwise): the
    shape copied from a constant."""
    value = _shape_reference(op, graph, [None])[0]
    return [KernelCall("copy", [value, op.outputs[0]], {"nbytes": value.nbytes})]


def c_shape_int32(op, graph):
    """the output must be int32 (TFLite Micro's SHAPE writes int32 only; it fails on an int64
    output)"""
    return T(graph, op, 0, True).dtype == np.int32


register(OpDef("SHAPE", parse=_shape_parse, shapes=_shape_shapes, reference=_shape_reference, lower=_shape_lower,
               constraints=(c_shape_int32,), shape_only=True, dtypes=("int8", "int16", "float32", "int32"),
               error=bounds.exact_output,
               kernels=("copy",),
               doc="the input's shape as int32 (an input of any type); static, so a compile-time constant that "
                   "fold_constants propagates (Keras's SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE flatten)"))

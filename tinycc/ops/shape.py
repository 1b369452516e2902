"""RESHAPE: same bytes, new shape (a zero-copy alias once the planner supports it)."""
from dataclasses import dataclass

import numpy as np

from . import INJECTIVE, KernelCall, OpDef, T, register


@dataclass
class ReshapeOptions:
    new_shape: tuple = ()


def _parse(where, o):
    if o is None or o.NewShapeLength() == 0:
        return ReshapeOptions()
    return ReshapeOptions(tuple(int(v) for v in o.NewShapeAsNumpy()))


def _target_shape(op, graph):
    """The requested shape: the shape tensor if constant, else the option, else the output's."""
    s = T(graph, op, 1)
    if s is not None and s.is_const:
        req = [int(v) for v in s.data.ravel()]
    elif op.options.new_shape:
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
    """the shape operand, when given, must be a constant int32 tensor"""
    s = T(graph, op, 1)
    return s is None or (s.is_const and s.dtype in (np.int32, np.int64))


register(OpDef("RESHAPE", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower, inputs=("input", "shape?"),
               constraints=(c_reshape_size, c_reshape_shape_const), fusion=INJECTIVE,
               dtypes=("int8", "int16", "float32", "int32"), kernels=("copy",), doc="reshape; output shape from the shape tensor or option"))

"""Writing valid ``.tflite`` models from Python, for tests and examples.

``ModelBuilder`` collects tensors and operators and serialises them with the
``tflite`` package's generated flatbuffer functions::

    mb = ModelBuilder()
    x = mb.input("x", (1, 8, 8, 3), "int8", scale=0.05, zero_point=-3)
    w = mb.const("w", w_q, scale=w_scales, axis=0)      # per-channel when several scales
    b = mb.const("b", b_q, scale=b_scales)
    y = mb.tensor("y", (1, 8, 8, 16), "int8", scale=0.1, zero_point=-128)
    mb.op("CONV_2D", [x, w, b], [y], padding="SAME", stride=(1, 1), activation="RELU6")
    mb.output(y)
    data = mb.build()

The model has one subgraph, schema version 3, file identifier ``TFL3`` and an
empty buffer 0, as the TFLite converter writes them. Adding an operator is one
entry in ``OPS``: its builtin code, its builtin options type, and a function
mapping the keyword options of ``ModelBuilder.op`` to the fields of the options
table.

Also here: symmetric per-channel weight quantization, bias quantization, and
``dscnn_model``, a seeded int8 keyword-spotting DS-CNN shaped like the MLPerf
Tiny KWS model.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, Union

import flatbuffers
from flatbuffers import flexbuffers
import numpy as np
import tflite
from tflite.BuiltinOperator import BuiltinOperator
from tflite.BuiltinOptions import BuiltinOptions
from tflite.TensorType import TensorType

__all__ = ["ModelBuilder", "TensorRef", "OpSpec", "OPS", "quantize_weights_per_channel", "bias_for",
           "quantize", "dequantize", "dscnn_model", "dscnn_float_model", "save"]

SCHEMA_VERSION = 3
FILE_IDENTIFIER = b"TFL3"
_DATA_ALIGNMENT = 16  # constant data is aligned so kernels may read it in place

#: dtype name -> (TensorType code, NumPy dtype)
DTYPES: dict[str, tuple[int, np.dtype]] = {
    "float32": (TensorType.FLOAT32, np.dtype(np.float32)),
    "int8": (TensorType.INT8, np.dtype(np.int8)),
    "int16": (TensorType.INT16, np.dtype(np.int16)),
    "int32": (TensorType.INT32, np.dtype(np.int32)),
    "int64": (TensorType.INT64, np.dtype(np.int64)),
    "uint8": (TensorType.UINT8, np.dtype(np.uint8)),
    "uint32": (TensorType.UINT32, np.dtype(np.uint32)),
    "uint64": (TensorType.UINT64, np.dtype(np.uint64)),
    "bool": (TensorType.BOOL, np.dtype(np.bool_)),
}

ACTIVATIONS = {"NONE": 0, "RELU": 1, "RELU_N1_TO_1": 2, "RELU6": 3, "TANH": 4, "SIGN_BIT": 5}
PADDINGS = {"SAME": 0, "VALID": 1}


@dataclass(frozen=True)
class TensorRef:
    """A tensor of a ModelBuilder: what ``input``/``const``/``tensor`` return and ``op`` takes."""
    index: int
    name: str
    shape: tuple
    dtype: np.dtype


@dataclass
class _Tensor:
    name: str
    shape: tuple
    type_code: int
    scale: Optional[np.ndarray] = None  # float32
    zero_point: Optional[np.ndarray] = None  # int64
    axis: int = 0
    data: Optional[bytes] = None  # constants only
    variable: bool = False  # state kept across invocations
    shape_signature: Optional[tuple] = None  # the converter's shape with -1 for dynamic dimensions


@dataclass
class _Op:
    kind: str
    inputs: list  # tensor indices, -1 for an absent optional operand
    outputs: list
    fields: dict  # options table fields (see OpSpec.options)
    intermediates: list = field(default_factory=list)  # tensor indices (e.g. an LSTM's calibration tensors)
    custom: Optional[str] = None  # a custom operator's name (kind is then "CUSTOM")
    custom_options: bytes = b""  # its options (a flexbuffer)


@dataclass(frozen=True)
class OpSpec:
    """How ModelBuilder writes one builtin operator.

    ``options`` maps the keyword arguments of ``ModelBuilder.op`` to the fields of the
    options table (generated names without the class prefix, e.g. ``{"StrideW": 2}``);
    a list or array value becomes an int32 vector. ``options_type`` is the
    ``BuiltinOptions`` member name, or None for an op written without options.
    ``prepare``, when given, may add operands: (builder, inputs, outputs, kwargs) -> inputs.
    """
    code: int
    options_type: Optional[str] = None
    options: Optional[Callable[..., dict]] = None
    prepare: Optional[Callable] = None


# ---- options writers: keyword arguments -> options table fields ---------------------------

def _pair(v, what: str) -> tuple[int, int]:
    if isinstance(v, (int, np.integer)):
        return int(v), int(v)
    v = tuple(int(x) for x in v)
    if len(v) != 2:
        raise ValueError(f"{what} must be an int or an (h, w) pair, got {v}")
    return v


def _act(activation: str) -> int:
    try:
        return ACTIVATIONS[activation.upper()]
    except KeyError:
        raise ValueError(f"unknown activation {activation!r}; one of {', '.join(ACTIVATIONS)}") from None


def _pad(padding: str) -> int:
    try:
        return PADDINGS[padding.upper()]
    except KeyError:
        raise ValueError(f"unknown padding {padding!r}; SAME or VALID") from None


def _conv_options(padding="SAME", stride=1, dilation=1, activation="NONE") -> dict:
    (sh, sw), (dh, dw) = _pair(stride, "stride"), _pair(dilation, "dilation")
    return dict(Padding=_pad(padding), StrideH=sh, StrideW=sw, DilationHFactor=dh, DilationWFactor=dw,
                FusedActivationFunction=_act(activation))


def _depthwise_options(padding="SAME", stride=1, dilation=1, activation="NONE", depth_multiplier=1) -> dict:
    return dict(_conv_options(padding, stride, dilation, activation), DepthMultiplier=int(depth_multiplier))


def _fc_options(activation="NONE", keep_num_dims=False) -> dict:
    return dict(FusedActivationFunction=_act(activation), KeepNumDims=bool(keep_num_dims))


def _pool_options(padding="VALID", stride=1, filter=1, activation="NONE") -> dict:
    (sh, sw), (fh, fw) = _pair(stride, "stride"), _pair(filter, "filter")
    return dict(Padding=_pad(padding), StrideH=sh, StrideW=sw, FilterHeight=fh, FilterWidth=fw,
                FusedActivationFunction=_act(activation))


def _activation_options(activation="NONE") -> dict:
    return dict(FusedActivationFunction=_act(activation))


def _softmax_options(beta=1.0) -> dict:
    return dict(Beta=float(beta))


def _reshape_options(new_shape=None, shape_input=True) -> dict:
    return {} if new_shape is None else dict(NewShape=[int(d) for d in new_shape])


def _reshape_prepare(mb: "ModelBuilder", inputs: list, outputs: list, kwargs: dict) -> list:
    """RESHAPE gets its shape operand (an int32 constant) unless given or shape_input=False."""
    if len(inputs) >= 2 or not kwargs.get("shape_input", True):
        return inputs
    shape = kwargs.get("new_shape")
    if shape is None:
        shape = outputs[0].shape
    s = mb.const(mb._fresh_name(f"{outputs[0].name}/shape"), np.array(shape, np.int32).reshape(-1))
    return list(inputs) + [s]


def _shape_options(out_type="int32") -> dict:
    return dict(OutType=DTYPES[out_type][0])


def _svdf_options(rank=1, activation="NONE", asymmetric_quantize_inputs=False) -> dict:
    return dict(Rank=int(rank), FusedActivationFunction=_act(activation),
                AsymmetricQuantizeInputs=bool(asymmetric_quantize_inputs))


def _no_options() -> dict:
    return {}


def _fields(**fields) -> dict:
    """Options given directly by their generated field names (e.g. Axis=1, NumSplits=2)."""
    return fields


def _op(name: str, options_type: Optional[str] = None) -> OpSpec:
    """An op whose options (if any) are passed by field name."""
    return OpSpec(getattr(BuiltinOperator, name), options_type, _fields)


#: op name -> how to write it; add an op with one entry
OPS: dict[str, OpSpec] = {
    "CONV_2D": OpSpec(BuiltinOperator.CONV_2D, "Conv2DOptions", _conv_options),
    "DEPTHWISE_CONV_2D": OpSpec(BuiltinOperator.DEPTHWISE_CONV_2D, "DepthwiseConv2DOptions", _depthwise_options),
    "FULLY_CONNECTED": OpSpec(BuiltinOperator.FULLY_CONNECTED, "FullyConnectedOptions", _fc_options),
    "AVERAGE_POOL_2D": OpSpec(BuiltinOperator.AVERAGE_POOL_2D, "Pool2DOptions", _pool_options),
    "MAX_POOL_2D": OpSpec(BuiltinOperator.MAX_POOL_2D, "Pool2DOptions", _pool_options),
    "ADD": OpSpec(BuiltinOperator.ADD, "AddOptions", _activation_options),
    "SOFTMAX": OpSpec(BuiltinOperator.SOFTMAX, "SoftmaxOptions", _softmax_options),
    "RESHAPE": OpSpec(BuiltinOperator.RESHAPE, "ReshapeOptions", _reshape_options, _reshape_prepare),
    "QUANTIZE": OpSpec(BuiltinOperator.QUANTIZE, None, _no_options),
    "SHAPE": OpSpec(BuiltinOperator.SHAPE, "ShapeOptions", _shape_options),
    "DEQUANTIZE": OpSpec(BuiltinOperator.DEQUANTIZE, None, _no_options),
    "SQUEEZE": _op("SQUEEZE", "SqueezeOptions"),
    "EXPAND_DIMS": _op("EXPAND_DIMS", "ExpandDimsOptions"),
    "TRANSPOSE": _op("TRANSPOSE", "TransposeOptions"),
    "SLICE": _op("SLICE", "SliceOptions"),
    "STRIDED_SLICE": _op("STRIDED_SLICE", "StridedSliceOptions"),
    "SPLIT": _op("SPLIT", "SplitOptions"),
    "SPLIT_V": _op("SPLIT_V", "SplitVOptions"),
    "PACK": _op("PACK", "PackOptions"),
    "UNPACK": _op("UNPACK", "UnpackOptions"),
    "CONCATENATION": _op("CONCATENATION", "ConcatenationOptions"),
    "PAD": _op("PAD", "PadOptions"),
    "PADV2": _op("PADV2", "PadV2Options"),
    "DEPTH_TO_SPACE": _op("DEPTH_TO_SPACE", "DepthToSpaceOptions"),
    "SPACE_TO_DEPTH": _op("SPACE_TO_DEPTH", "SpaceToDepthOptions"),
    "BROADCAST_TO": _op("BROADCAST_TO", "BroadcastToOptions"),
    "MEAN": _op("MEAN", "ReducerOptions"),
    "SUM": _op("SUM", "ReducerOptions"),
    "REDUCE_MAX": _op("REDUCE_MAX", "ReducerOptions"),
    "REDUCE_MIN": _op("REDUCE_MIN", "ReducerOptions"),
    "ARG_MAX": _op("ARG_MAX", "ArgMaxOptions"),
    "ARG_MIN": _op("ARG_MIN", "ArgMinOptions"),
    "RESIZE_NEAREST_NEIGHBOR": _op("RESIZE_NEAREST_NEIGHBOR", "ResizeNearestNeighborOptions"),
    "RESIZE_BILINEAR": _op("RESIZE_BILINEAR", "ResizeBilinearOptions"),
    "BATCH_MATMUL": _op("BATCH_MATMUL", "BatchMatMulOptions"),
    "TRANSPOSE_CONV": _op("TRANSPOSE_CONV", "TransposeConvOptions"),
    "GATHER": _op("GATHER", "GatherOptions"),
    "LOG_SOFTMAX": _op("LOG_SOFTMAX", "LogSoftmaxOptions"),
    "L2_NORMALIZATION": _op("L2_NORMALIZATION", "L2NormOptions"),
    "REVERSE_V2": _op("REVERSE_V2", "ReverseV2Options"),
    "MIRROR_PAD": _op("MIRROR_PAD", "MirrorPadOptions"),
    "SPACE_TO_BATCH_ND": _op("SPACE_TO_BATCH_ND", "SpaceToBatchNDOptions"),
    "BATCH_TO_SPACE_ND": _op("BATCH_TO_SPACE_ND", "BatchToSpaceNDOptions"),
    "CAST": _op("CAST", "CastOptions"),
    # unary and binary elementwise (tinycc/ops/activations.py, binary.py)
    **{k: _op(k) for k in ("LOGISTIC", "TANH", "RELU", "RELU6", "ELU", "RSQRT", "SQRT", "LOG", "FLOOR",
                           "CEIL", "ROUND", "PRELU")},
    **{k: _op(k, o) for k, o in (("LEAKY_RELU", "LeakyReluOptions"), ("HARD_SWISH", "HardSwishOptions"),
                                 ("ABS", "AbsOptions"), ("NEG", "NegOptions"), ("EXP", "ExpOptions"),
                                 ("SQUARE", "SquareOptions"),
                                 ("MAXIMUM", "MaximumMinimumOptions"), ("MINIMUM", "MaximumMinimumOptions"),
                                 ("SQUARED_DIFFERENCE", "SquaredDifferenceOptions"),
                                 ("FLOOR_DIV", "FloorDivOptions"))},
    "UNIDIRECTIONAL_SEQUENCE_LSTM": _op("UNIDIRECTIONAL_SEQUENCE_LSTM", "UnidirectionalSequenceLSTMOptions"),
    "SVDF": OpSpec(BuiltinOperator.SVDF, "SVDFOptions", _svdf_options),
    **{k: OpSpec(getattr(BuiltinOperator, k), o, _activation_options)
       for k, o in (("SUB", "SubOptions"), ("MUL", "MulOptions"), ("DIV", "DivOptions"))},
}


# ---- the builder -------------------------------------------------------------------------

Scale = Union[None, float, Sequence[float], np.ndarray]
ZeroPoint = Union[int, Sequence[int], np.ndarray]


class ModelBuilder:
    """Collects one subgraph's tensors and operators; ``build()`` serialises it."""

    def __init__(self, description: str = "tinycc.testing"):
        self.description = description
        self._tensors: list[_Tensor] = []
        self._refs: list[TensorRef] = []
        self._names: set[str] = set()
        self._ops: list[_Op] = []
        self._inputs: list[int] = []
        self._outputs: list[int] = []

    # -- tensors ---------------------------------------------------------------------
    def input(self, name: str, shape: Sequence[int], dtype: str, scale: Scale = None,
              zero_point: ZeroPoint = 0, axis: int = 0) -> TensorRef:
        """A graph input (in the order of the calls)."""
        t = self.tensor(name, shape, dtype, scale, zero_point, axis)
        self._inputs.append(t.index)
        return t

    def tensor(self, name: str, shape: Sequence[int], dtype: str, scale: Scale = None,
               zero_point: ZeroPoint = 0, axis: int = 0) -> TensorRef:
        """An activation tensor (an op's output, possibly a graph output)."""
        return self._add(name, shape, dtype, scale, zero_point, axis, None)

    def variable(self, name: str, shape: Sequence[int], dtype: str, scale: Scale = None,
                 zero_point: ZeroPoint = 0) -> TensorRef:
        """A variable tensor: state an op keeps across invocations (an LSTM's hidden or cell state)."""
        t = self._add(name, shape, dtype, scale, zero_point, 0, None)
        self._tensors[t.index].variable = True
        return t

    def const(self, name: str, data, scale: Scale = None, zero_point: ZeroPoint = 0, axis: int = 0,
              dtype: Optional[str] = None) -> TensorRef:
        """A constant tensor holding ``data`` (dtype from the array unless given)."""
        arr = np.asarray(data)
        if dtype is not None:
            arr = arr.astype(DTYPES[dtype][1])
        dname = _dtype_name(arr.dtype)
        raw = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        return self._add(name, arr.shape, dname, scale, zero_point, axis, raw)

    def _add(self, name, shape, dtype, scale, zero_point, axis, data) -> TensorRef:
        if not isinstance(name, str) or not name:
            raise ValueError("a tensor needs a non-empty name")
        if name in self._names:
            raise ValueError(f"duplicate tensor name {name!r}")
        if dtype not in DTYPES:
            raise ValueError(f"unsupported dtype {dtype!r}; one of {', '.join(DTYPES)}")
        shape = tuple(int(d) for d in shape)
        if any(d < 0 for d in shape):
            raise ValueError(f"tensor {name!r}: negative dimension in {shape}")
        code, np_dtype = DTYPES[dtype]
        t = _Tensor(name, shape, code, data=data)
        if scale is not None:
            s = np.atleast_1d(np.asarray(scale, np.float32)).reshape(-1)
            if s.size == 0 or not np.all(np.isfinite(s)) or np.any(s <= 0):
                raise ValueError(f"tensor {name!r}: scales must be finite and positive, got {s[:4]}")
            zp = np.atleast_1d(np.asarray(zero_point, np.int64)).reshape(-1)
            if zp.size == 1 and s.size > 1:
                zp = np.full(s.size, zp[0], np.int64)
            if zp.size != s.size:
                raise ValueError(f"tensor {name!r}: {s.size} scales but {zp.size} zero points")
            if s.size > 1 and not (0 <= axis < len(shape) and shape[axis] == s.size):
                raise ValueError(f"tensor {name!r}: {s.size} per-channel scales for shape {shape} axis {axis}")
            t.scale, t.zero_point, t.axis = s, zp, int(axis)
        ref = TensorRef(len(self._tensors), name, shape, np_dtype)
        self._tensors.append(t)
        self._refs.append(ref)
        self._names.add(name)
        return ref

    def raw_quantization(self, t: TensorRef, scale, zero_point, axis: int = 0) -> None:
        """Set a tensor's quantization exactly as given, unchecked: what some converters write (a
        quantized_dimension beyond a 1-D tensor's rank, scales on a float tensor, ...)."""
        rec = self._tensors[self._index(t)]
        rec.scale = np.atleast_1d(np.asarray(scale, np.float32)).reshape(-1)
        rec.zero_point = np.atleast_1d(np.asarray(zero_point, np.int64)).reshape(-1)
        rec.axis = int(axis)

    def shape_signature(self, t: TensorRef, signature: Sequence[int]) -> None:
        """Write a shape signature (-1 marks a dynamic dimension, e.g. the batch) beside the shape."""
        self._tensors[self._index(t)].shape_signature = tuple(int(d) for d in signature)

    def custom_op(self, name: str, inputs: Sequence[Optional[TensorRef]], outputs: Sequence[TensorRef],
                  options: Optional[dict] = None) -> int:
        """Append a custom operator ``name``; ``options`` (e.g. ``{"shift": 12}``) become its custom
        options as a flexbuffer map, as TFLite Micro's signal ops read them."""
        raw = bytes(flexbuffers.Dumps(options)) if options is not None else b""
        self._ops.append(_Op("CUSTOM", [self._index(t) for t in inputs], [self._index(t) for t in outputs], {},
                             custom=name, custom_options=raw))
        return len(self._ops) - 1

    def _fresh_name(self, base: str) -> str:
        name, i = base, 1
        while name in self._names:
            name, i = f"{base}_{i}", i + 1
        return name

    def _index(self, t) -> int:
        if t is None:
            return -1
        if isinstance(t, TensorRef) and t.index < len(self._refs) and self._refs[t.index] is t:
            return t.index
        raise ValueError(f"{t!r} is not a tensor of this ModelBuilder")

    # -- operators and graph outputs -------------------------------------------------------
    def op(self, kind: str, inputs: Sequence[Optional[TensorRef]], outputs: Sequence[TensorRef],
           intermediates: Sequence[TensorRef] = (), **options) -> int:
        """Append an operator (execution order = call order); returns its index.

        ``inputs`` may hold None for an absent optional operand (written as -1).
        ``intermediates`` are tensors listed in the operator's intermediates (as the converter
        writes an LSTM's calibration tensors; runtimes ignore them).
        Keyword options are those of the op's entry in ``OPS``.
        """
        try:
            spec = OPS[kind]
        except KeyError:
            raise ValueError(f"ModelBuilder cannot write {kind}; it knows {', '.join(sorted(OPS))}") from None
        inputs, outputs = list(inputs), list(outputs)
        if spec.prepare is not None:
            inputs = spec.prepare(self, inputs, outputs, options)
        fields = (spec.options or _no_options)(**options)
        ins = [self._index(t) for t in inputs]
        outs = [self._index(t) for t in outputs]
        if -1 in outs or not outs:
            raise ValueError(f"{kind}: every output must be a tensor")
        self._ops.append(_Op(kind, ins, outs, fields, [self._index(t) for t in intermediates]))
        return len(self._ops) - 1

    def output(self, *tensors: TensorRef) -> None:
        """Mark graph outputs (in the order of the calls)."""
        for t in tensors:
            self._outputs.append(self._index(t))

    # -- serialisation --------------------------------------------------------------------
    def build(self, external_buffers: bool = False) -> bytes:
        """The model as a .tflite flatbuffer. With ``external_buffers`` the constants' bytes follow the
        flatbuffer and its buffers give their offset and size, as the converter writes models over
        2 GB."""
        b = flatbuffers.Builder(1024)
        # buffers: 0 is the empty sentinel, then one per constant
        buffer_of = {}
        buffers = [_empty_table(b, "Buffer")]
        tail = bytearray()
        for i, t in enumerate(self._tensors):
            if t.data is not None and len(t.data):
                if external_buffers:
                    tail += bytes(-len(tail) % _DATA_ALIGNMENT)
                    offset = len(tail)
                    tail += t.data
                else:
                    data = _byte_vector(b, t.data)
                tflite.BufferStart(b)
                if external_buffers:  # offsets from the end of the flatbuffer; fixed up below
                    tflite.BufferAddOffset(b, offset + 1)
                    tflite.BufferAddSize(b, len(t.data))
                else:
                    tflite.BufferAddData(b, data)
                buffer_of[i] = len(buffers)
                buffers.append(tflite.BufferEnd(b))
        tensors = [self._write_tensor(b, t, buffer_of.get(i, 0)) for i, t in enumerate(self._tensors)]

        codes: list[str] = []
        operators = []
        for op in self._ops:
            key = op.custom or op.kind
            if key not in codes:
                codes.append(key)
            operators.append(self._write_op(b, op, codes.index(key)))

        sg_name = b.CreateString("main")
        sg_tensors = _offset_vector(b, tflite.SubGraphStartTensorsVector, tensors)
        sg_inputs = _int32_vector(b, self._inputs)
        sg_outputs = _int32_vector(b, self._outputs)
        sg_ops = _offset_vector(b, tflite.SubGraphStartOperatorsVector, operators)
        tflite.SubGraphStart(b)
        tflite.SubGraphAddTensors(b, sg_tensors)
        tflite.SubGraphAddInputs(b, sg_inputs)
        tflite.SubGraphAddOutputs(b, sg_outputs)
        tflite.SubGraphAddOperators(b, sg_ops)
        tflite.SubGraphAddName(b, sg_name)
        subgraph = tflite.SubGraphEnd(b)

        opcodes = []
        for kind in codes:
            custom = None if kind in OPS else b.CreateString(kind)
            code = int(OPS[kind].code) if kind in OPS else BuiltinOperator.CUSTOM
            tflite.OperatorCodeStart(b)
            if custom is not None:
                tflite.OperatorCodeAddCustomCode(b, custom)
            tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES))
            tflite.OperatorCodeAddBuiltinCode(b, code)
            tflite.OperatorCodeAddVersion(b, 1)
            opcodes.append(tflite.OperatorCodeEnd(b))

        m_codes = _offset_vector(b, tflite.ModelStartOperatorCodesVector, opcodes)
        m_subgraphs = _offset_vector(b, tflite.ModelStartSubgraphsVector, [subgraph])
        m_buffers = _offset_vector(b, tflite.ModelStartBuffersVector, buffers)
        m_desc = b.CreateString(self.description)
        tflite.ModelStart(b)
        tflite.ModelAddVersion(b, SCHEMA_VERSION)
        tflite.ModelAddOperatorCodes(b, m_codes)
        tflite.ModelAddSubgraphs(b, m_subgraphs)
        tflite.ModelAddDescription(b, m_desc)
        tflite.ModelAddBuffers(b, m_buffers)
        model = tflite.ModelEnd(b)
        b.Finish(model, file_identifier=FILE_IDENTIFIER)
        out = bytes(b.Output())
        if not external_buffers or not tail:
            return out
        return _relocate_buffers(out, tail)

    @staticmethod
    def _write_tensor(b, t: _Tensor, buffer: int) -> int:
        name = b.CreateString(t.name)
        shape = _int32_vector(b, t.shape)
        signature = _int32_vector(b, t.shape_signature) if t.shape_signature is not None else None
        quant = None
        if t.scale is not None:
            scale = b.CreateNumpyVector(t.scale.astype("<f4"))
            zp = b.CreateNumpyVector(t.zero_point.astype("<i8"))
            tflite.QuantizationParametersStart(b)
            tflite.QuantizationParametersAddScale(b, scale)
            tflite.QuantizationParametersAddZeroPoint(b, zp)
            tflite.QuantizationParametersAddQuantizedDimension(b, t.axis)
            quant = tflite.QuantizationParametersEnd(b)
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        if signature is not None:
            tflite.TensorAddShapeSignature(b, signature)
        tflite.TensorAddType(b, t.type_code)
        tflite.TensorAddBuffer(b, buffer)
        tflite.TensorAddName(b, name)
        if t.variable:
            tflite.TensorAddIsVariable(b, True)
        if quant is not None:
            tflite.TensorAddQuantization(b, quant)
        return tflite.TensorEnd(b)

    @staticmethod
    def _write_op(b, op: _Op, opcode_index: int) -> int:
        spec = OPS.get(op.kind, OpSpec(BuiltinOperator.CUSTOM))
        options = None
        if spec.options_type is not None:
            options = _options_table(b, spec.options_type, op.fields)
        ins = _int32_vector(b, op.inputs)
        outs = _int32_vector(b, op.outputs)
        mids = _int32_vector(b, op.intermediates) if op.intermediates else None
        custom = _byte_vector(b, op.custom_options) if op.custom_options else None
        tflite.OperatorStart(b)
        if custom is not None:
            tflite.OperatorAddCustomOptions(b, custom)
        if mids is not None:
            tflite.OperatorAddIntermediates(b, mids)
        tflite.OperatorAddOpcodeIndex(b, opcode_index)
        tflite.OperatorAddInputs(b, ins)
        tflite.OperatorAddOutputs(b, outs)
        if options is not None:
            tflite.OperatorAddBuiltinOptionsType(b, getattr(BuiltinOptions, spec.options_type))
            tflite.OperatorAddBuiltinOptions(b, options)
        return tflite.OperatorEnd(b)


# ---- flatbuffer helpers ----------------------------------------------------------------------

def _relocate_buffers(flat: bytes, tail: bytes) -> bytes:
    """Point the buffers' offsets (written as position in ``tail`` + 1) at ``tail`` appended after the
    flatbuffer, aligned."""
    base = len(flat) + (-len(flat) % _DATA_ALIGNMENT)
    out = bytearray(flat) + bytes(base - len(flat)) + tail
    m = tflite.Model.GetRootAsModel(out, 0)
    for i in range(m.BuffersLength()):
        buf = m.Buffers(i)
        if buf.Offset() > 0:  # rewrite the uint64 field in place
            o = buf._tab.Offset(6)  # the vtable slot of Buffer.offset
            pos = buf._tab.Pos + o
            value = base + buf.Offset() - 1
            out[pos:pos + 8] = value.to_bytes(8, "little")
    return bytes(out)


def _dtype_name(dtype) -> str:
    for name, (_, d) in DTYPES.items():
        if d == np.dtype(dtype):
            return name
    raise ValueError(f"unsupported constant dtype {np.dtype(dtype)}; one of {', '.join(DTYPES)}")


def _int32_vector(b, values) -> int:
    return b.CreateNumpyVector(np.asarray(list(values), dtype="<i4").reshape(-1))


def _byte_vector(b, data: bytes) -> int:
    """A ubyte vector whose first byte is aligned to _DATA_ALIGNMENT."""
    b.StartVector(1, len(data), _DATA_ALIGNMENT)
    b.head = b.head - len(data)
    b.Bytes[b.head:b.head + len(data)] = data
    return b.EndVector()


def _offset_vector(b, start_fn, offsets) -> int:
    start_fn(b, len(offsets))
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def _empty_table(b, cls: str) -> int:
    getattr(tflite, f"{cls}Start")(b)
    return getattr(tflite, f"{cls}End")(b)


def _options_table(b, cls: str, fields: dict) -> int:
    """Write an options table from generated-name fields; sequences become int32 vectors."""
    vectors = {k: _int32_vector(b, v) for k, v in fields.items()
               if isinstance(v, (list, tuple, np.ndarray))}
    getattr(tflite, f"{cls}Start")(b)
    for k, v in fields.items():
        add = getattr(tflite, f"{cls}Add{k}", None)
        if add is None:
            raise ValueError(f"{cls} has no field {k}")
        add(b, vectors.get(k, v))
    return getattr(tflite, f"{cls}End")(b)


def save(data: bytes, path) -> None:
    """Write model bytes to a file."""
    with open(os.fspath(path), "wb") as f:
        f.write(data)


# ---- quantization helpers --------------------------------------------------------------------

def quantize_weights_per_channel(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-channel int8 quantization: (int8 weights in [-127, 127], float32 scales).

    A channel of all zeros gets scale 1.
    """
    w = np.asarray(w, np.float64)
    axis = axis % w.ndim
    other = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.abs(w).max(axis=other) if other else np.abs(w)
    scales = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scales.astype(np.float64).reshape(shape)), -127, 127).astype(np.int8)
    return q, scales


def bias_for(b: np.ndarray, in_scale: float, w_scales) -> tuple[np.ndarray, np.ndarray]:
    """int32 bias quantized with scale in_scale * w_scale (per channel): (int32 values, float32 scales)."""
    b = np.asarray(b, np.float64).reshape(-1)
    scales = (np.float32(in_scale) * np.broadcast_to(np.asarray(w_scales, np.float32), b.shape)).astype(np.float32)
    q = np.clip(np.round(b / scales.astype(np.float64)), -(2 ** 31), 2 ** 31 - 1).astype(np.int32)
    return q, scales


def quantize(x: np.ndarray, scale: float, zero_point: int, dtype=np.int8) -> np.ndarray:
    """Affine quantization with round-to-nearest, clamped to the dtype."""
    info = np.iinfo(dtype)
    q = np.round(np.asarray(x, np.float64) / float(np.float32(scale))) + zero_point
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize(q: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    return (float(np.float32(scale)) * (np.asarray(q, np.float64) - zero_point)).astype(np.float32)


def range_quant(lo: float, hi: float) -> tuple[float, int]:
    """(scale, zero point) of an int8 tensor covering [lo, hi] (widened to contain 0)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-6:
        hi = lo + 1e-6
    scale = float(np.float32((hi - lo) / 255.0))
    zp = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    return scale, zp


# ---- DS-CNN (MLPerf Tiny keyword spotting) ---------------------------------------------------

DSCNN_INPUT_SHAPE = (1, 49, 10, 1)
DSCNN_CHANNELS = 64
DSCNN_BLOCKS = 4
DSCNN_CLASSES = 12
DSCNN_INPUT_QUANT = (0.25, -3)  # scale, zero point of the int8 input


def _np_depthwise_or_conv(x, w, b, stride, pads, depthwise):
    """Float NHWC convolution with explicit (top, bottom, left, right) zero padding; w OHWI / 1HWO."""
    t, bt, l, r = pads
    xp = np.pad(x, ((0, 0), (t, bt), (l, r), (0, 0)))
    kh, kw = w.shape[1], w.shape[2]
    oh = (xp.shape[1] - kh) // stride + 1
    ow = (xp.shape[2] - kw) // stride + 1
    acc = 0.0
    for i in range(kh):
        for j in range(kw):
            win = xp[:, i:i + (oh - 1) * stride + 1:stride, j:j + (ow - 1) * stride + 1:stride, :]
            acc = acc + (win * w[0, i, j, :] if depthwise else win @ w[:, i, j, :].T)
    return acc + b


def _same_pads(size, k, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def _np_conv(x, w, b, stride, depthwise=False):
    """Float NHWC convolution (SAME padding) for calibration; w is OHWI or 1HWO (depthwise)."""
    kh, kw = w.shape[1], w.shape[2]
    return _np_depthwise_or_conv(x, w, b, stride, _same_pads(x.shape[1], kh, stride) + _same_pads(x.shape[2], kw, stride),
                                 depthwise)


def _round_to_int8_grid(layer: dict) -> None:
    """Quantize a layer's float weights per channel; keep the dequantized values as "w"."""
    layer["wq"], layer["w_scale"] = quantize_weights_per_channel(layer["w"], layer["axis"])
    shape = [1] * layer["w"].ndim
    shape[layer["axis"]] = -1
    layer["w"] = layer["wq"].astype(np.float64) * layer["w_scale"].astype(np.float64).reshape(shape)


def _dscnn_layers(seed: int, samples: int = 16, channels: int = DSCNN_CHANNELS) -> list[dict]:
    """Seeded DS-CNN layers: float weights on their int8 grid, biases, and calibrated output quant.

    The convolutions get He-initialised random weights. Random weights pool to a
    feature vector that is nearly the same for every input, so the classifier is
    fitted to the calibration features instead: standardised features times random
    weights, giving logits that vary across inputs by a few units. Each layer's
    output (scale, zero point) covers the float range seen on the calibration inputs.
    """
    rng = np.random.default_rng(seed)
    c = channels

    def he(shape, fan_in):
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)

    layers = [dict(kind="CONV_2D", w=he((c, 10, 4, 1), 40), stride=2, axis=0)]
    for _ in range(DSCNN_BLOCKS):
        layers.append(dict(kind="DEPTHWISE_CONV_2D", w=he((1, 3, 3, c), 9), stride=1, axis=3))
        layers.append(dict(kind="CONV_2D", w=he((c, 1, 1, c), c), stride=1, axis=0))
    for layer in layers:
        layer["b"] = rng.normal(0.0, 0.1, layer["w"].shape[layer["axis"]])
        _round_to_int8_grid(layer)

    s_in, zp_in = DSCNN_INPUT_QUANT
    x = dequantize(rng.integers(-128, 128, (samples,) + DSCNN_INPUT_SHAPE[1:]), s_in, zp_in).astype(np.float64)
    for layer in layers:
        x = _np_conv(x, layer["w"], layer["b"], layer["stride"], depthwise=layer["kind"] == "DEPTHWISE_CONV_2D")
        x = np.maximum(x, 0.0)  # every convolution has a fused RELU
        layer["quant"] = range_quant(x.min(), x.max())

    pooled = x.mean(axis=(1, 2))  # AVERAGE_POOL_2D over the whole map, then RESHAPE
    mean, std = pooled.mean(axis=0), pooled.std(axis=0)
    live = std > 1e-3 * max(float(std.max()), 1e-12)
    gain = np.where(live, 3.0 / (np.sqrt(c) * np.where(live, std, 1.0)), 0.0)
    w_fc = rng.normal(0.0, 1.0, (DSCNN_CLASSES, c)) * gain
    fc = dict(kind="FULLY_CONNECTED", w=w_fc, axis=0)
    _round_to_int8_grid(fc)
    fc["b"] = -fc["w"] @ mean + rng.normal(0.0, 0.5, DSCNN_CLASSES)
    logits = pooled @ fc["w"].T + fc["b"]
    fc["quant"] = range_quant(logits.min(), logits.max())
    layers.append(fc)
    return layers


def _dscnn_build(seed: int, quantized: bool, channels: int = DSCNN_CHANNELS) -> bytes:
    layers = _dscnn_layers(seed, channels=channels)
    quants = [layer["quant"] if quantized else None for layer in layers]
    mb = ModelBuilder(description=f"tinycc.testing DS-CNN (seed {seed}, {'int8' if quantized else 'float32'})")
    dt = "int8" if quantized else "float32"

    def act(name, shape, q):
        return mb.tensor(name, shape, dt, *(q if q else ()))

    in_q = DSCNN_INPUT_QUANT if quantized else None
    x = mb.input("input", DSCNN_INPUT_SHAPE, dt, *(in_q or ()))
    x_q = in_q
    h, w = DSCNN_INPUT_SHAPE[1:3]
    conv_i = dw_i = 0
    for layer, q in zip(layers, quants):
        kind = layer["kind"]
        if kind == "FULLY_CONNECTED":
            break
        if kind == "CONV_2D":
            name = f"conv{conv_i}"
            conv_i += 1
        else:
            name = f"dwconv{dw_i}"
            dw_i += 1
        if quantized:
            wt = mb.const(f"{name}/weights", layer["wq"], scale=layer["w_scale"], axis=layer["axis"])
            bq, bs = bias_for(layer["b"], x_q[0], layer["w_scale"])
            bt = mb.const(f"{name}/bias", bq, scale=bs)
        else:
            wt = mb.const(f"{name}/weights", layer["w"].astype(np.float32))
            bt = mb.const(f"{name}/bias", layer["b"].astype(np.float32))
        h, w = -(-h // layer["stride"]), -(-w // layer["stride"])
        y = act(f"{name}/relu", (1, h, w, channels), q)
        opts = dict(padding="SAME", stride=layer["stride"], activation="RELU")
        if kind == "DEPTHWISE_CONV_2D":
            opts["depth_multiplier"] = 1
        mb.op(kind, [x, wt, bt], [y], **opts)
        x, x_q = y, q
    pooled = act("avgpool", (1, 1, 1, channels), x_q)
    mb.op("AVERAGE_POOL_2D", [x], [pooled], padding="VALID", stride=1, filter=(h, w))
    flat = act("flatten", (1, channels), x_q)
    mb.op("RESHAPE", [pooled], [flat], new_shape=(1, channels))
    fc = layers[-1]
    if quantized:
        wt = mb.const("fc/weights", fc["wq"], scale=fc["w_scale"], axis=0)
        bq, bs = bias_for(fc["b"], x_q[0], fc["w_scale"])
        bt = mb.const("fc/bias", bq, scale=bs)
    else:
        wt = mb.const("fc/weights", fc["w"].astype(np.float32))
        bt = mb.const("fc/bias", fc["b"].astype(np.float32))
    logits = act("logits", (1, DSCNN_CLASSES), quants[-1])
    mb.op("FULLY_CONNECTED", [flat, wt, bt], [logits])
    probs = act("probabilities", (1, DSCNN_CLASSES), (1 / 256, -128) if quantized else None)
    mb.op("SOFTMAX", [logits], [probs], beta=1.0)
    mb.output(probs)
    return mb.build()


def dscnn_model(seed: int = 0, channels: int = DSCNN_CHANNELS) -> bytes:
    """An int8 DS-CNN keyword-spotting model (MLPerf Tiny KWS layout), weights from ``seed``.

    Input int8 1x49x10x1 (scale 0.25, zero point -3); CONV_2D 10x4 stride 2 SAME, 64
    channels, RELU; 4 x (DEPTHWISE_CONV_2D 3x3 SAME RELU, CONV_2D 1x1 64 RELU);
    AVERAGE_POOL_2D 25x5; RESHAPE 1x64; FULLY_CONNECTED 12; SOFTMAX (int8, 1/256, -128).
    Weights are per-channel symmetric int8, biases int32; activation scales are
    calibrated on seeded random inputs (min/max), so outputs are not saturated. ``channels``: 64 as
    MLPerf's DS-CNN-S, 276 as DS-CNN-L.
    """
    return _dscnn_build(seed, quantized=True, channels=channels)


def dscnn_float_model(seed: int = 0) -> bytes:
    """The float32 twin of ``dscnn_model(seed)``: same (int8-grid) weights, float activations."""
    return _dscnn_build(seed, quantized=False)


# ---- inverted residual networks (MobileNetV2, MCUNet) -------------------------------------------

#: MobileNetV2's stages as (expansion, output channels, blocks, first stride), its stem 32 channels
MOBILENET_V2_STAGES = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                       (6, 320, 1, 1))


def inverted_residual_model(size: int = 96, stages=MOBILENET_V2_STAGES, width: float = 0.35, stem: int = 32,
                            expansion=None, kernel: int = 3, explicit_pad: bool = False, classes: int = 10,
                            seed: int = 0, dtype: str = "int8") -> bytes:
    """A MobileNetV2-style network (or MCUNet-style with per-stage ``expansion`` and ``kernel``):
    a stride-2 3x3 stem, inverted residual blocks (1x1 expansion with RELU6 where the expansion is not
    1, depthwise ``kernel`` x ``kernel`` with RELU6, linear 1x1 projection, a residual ADD where the
    shape allows), global average pooling and a classifier. Channels are scaled by ``width`` (rounded
    to multiples of 8, as MobileNetV2 does); ``expansion`` (an int, or one per stage) overrides the
    stages' own; ``kernel`` may be one per stage. With ``explicit_pad`` every stride-2 convolution
    reads a PAD and is VALID (PyTorch conversions), else SAME. Weights are seeded, He-initialised and
    per-channel int8; activation ranges are calibrated on seeded inputs, so nothing saturates."""
    rng = np.random.default_rng(seed)
    quant = dtype == "int8"
    mb = ModelBuilder(f"tinycc.testing inverted residual {size}px ({dtype}, seed {seed})")
    samples = 2

    def ch(c):
        return max(8, int(c * width + 4) // 8 * 8)

    def tensor(name, xf):
        q = range_quant(xf.min(), xf.max()) if quant else None
        return mb.tensor(name, (1,) + xf.shape[1:], dtype, *(q or ())), q

    s_in, zp_in = (2.0 / 255, 0) if quant else (None, 0)
    x_t = mb.input("input", (1, size, size, 3), dtype, *((s_in, zp_in) if quant else ()))
    xf = dequantize(rng.integers(-128, 128, (samples, size, size, 3)), 2.0 / 255, 0).astype(np.float64)
    xq = (s_in, zp_in)
    count = [0]

    def conv(x_t, xf, xq, cout, k, stride, kind, act):
        count[0] += 1
        name = f"l{count[0]}"
        cin = xf.shape[3]
        depthwise = kind == "DEPTHWISE_CONV_2D"
        shape = (1, k, k, cin) if depthwise else (cout, k, k, cin)
        layer = dict(w=rng.normal(0, np.sqrt(2.0 / (k * k * (1 if depthwise else cin))), shape),
                     axis=3 if depthwise else 0)
        _round_to_int8_grid(layer)
        b = rng.normal(0, 0.1, shape[layer["axis"]])
        padding = "SAME"
        pads = _same_pads(xf.shape[1], k, stride) + _same_pads(xf.shape[2], k, stride)
        if explicit_pad and stride == 2 and k > 1:
            pt, pb = (k - 1) // 2, k // 2  # PyTorch pads symmetrically by k // 2; keep the output SAME-sized
            pl, pr = pt, pb
            pad_t = mb.tensor(name + "/padded", (1, xf.shape[1] + pt + pb, xf.shape[2] + pl + pr, cin), dtype,
                              *(xq if quant else ()))
            mb.op("PAD", [x_t, mb.const(name + "/pads", np.array([[0, 0], [pt, pb], [pl, pr], [0, 0]], np.int32))],
                  [pad_t])
            x_t, padding, pads = pad_t, "VALID", (pt, pb, pl, pr)
        yf = _np_depthwise_or_conv(xf, layer["w"], b, stride, pads, depthwise)
        if act == "RELU6":
            yf = np.clip(yf, 0.0, 6.0)
        y_t, yq = tensor(name + "/out", yf)
        if quant:
            w_t = mb.const(name + "/w", layer["wq"], scale=layer["w_scale"], axis=layer["axis"])
            bq, bs = bias_for(b, xq[0], layer["w_scale"])
            b_t = mb.const(name + "/b", bq, scale=bs)
        else:
            w_t = mb.const(name + "/w", layer["w"].astype(np.float32))
            b_t = mb.const(name + "/b", b.astype(np.float32))
        opts = dict(padding=padding, stride=stride, activation=act)
        if depthwise:
            opts["depth_multiplier"] = 1
        mb.op(kind, [x_t, w_t, b_t], [y_t], **opts)
        return y_t, yf, yq

    x_t, xf, xq = conv(x_t, xf, xq, ch(stem), 3, 2, "CONV_2D", "RELU6")
    for si, (t, c, n, s) in enumerate(stages):
        t = t if expansion is None else (expansion[si] if isinstance(expansion, (list, tuple)) else expansion)
        k = kernel[si] if isinstance(kernel, (list, tuple)) else kernel
        for i in range(n):
            stride = s if i == 0 else 1
            cin = xf.shape[3]
            h_t, hf, hq = x_t, xf, xq
            if t != 1:
                h_t, hf, hq = conv(h_t, hf, hq, cin * t, 1, 1, "CONV_2D", "RELU6")
            h_t, hf, hq = conv(h_t, hf, hq, None, k, stride, "DEPTHWISE_CONV_2D", "RELU6")
            h_t, hf, hq = conv(h_t, hf, hq, ch(c), 1, 1, "CONV_2D", "NONE")
            if stride == 1 and cin == ch(c):
                sf = xf + hf
                s_t, sq = tensor(f"add{si}_{i}", sf)
                mb.op("ADD", [x_t, h_t], [s_t])
                h_t, hf, hq = s_t, sf, sq
            x_t, xf, xq = h_t, hf, hq
    pf = xf.mean(axis=(1, 2), keepdims=True)
    p_t = mb.tensor("pool", (1,) + pf.shape[1:], dtype, *(xq if quant else ()))
    mb.op("AVERAGE_POOL_2D", [x_t], [p_t], padding="VALID", stride=1, filter=(xf.shape[1], xf.shape[2]))
    flat = mb.tensor("flat", (1, xf.shape[3]), dtype, *(xq if quant else ()))
    mb.op("RESHAPE", [p_t], [flat], new_shape=(1, xf.shape[3]))
    fc = dict(w=rng.normal(0, 1.0 / np.sqrt(xf.shape[3]), (classes, xf.shape[3])), axis=0)
    _round_to_int8_grid(fc)
    logits = pf.reshape(samples, -1) @ fc["w"].T
    l_t, lq = tensor("logits", logits)
    if quant:
        wt = mb.const("fc/w", fc["wq"], scale=fc["w_scale"], axis=0)
        bq, bs = bias_for(np.zeros(classes), xq[0], fc["w_scale"])
        bt = mb.const("fc/b", bq, scale=bs)
    else:
        wt, bt = mb.const("fc/w", fc["w"].astype(np.float32)), mb.const("fc/b", np.zeros(classes, np.float32))
    mb.op("FULLY_CONNECTED", [flat, wt, bt], [l_t])
    mb.output(l_t)
    return mb.build()

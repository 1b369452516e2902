"""Frontend: a .tflite flatbuffer -> tinycc Graph.

Every read from the flatbuffer goes through checks so that a truncated or corrupt
file raises ModelFormatError, never an arbitrary exception, a huge allocation or a
long loop.
"""
from __future__ import annotations

import os

import numpy as np
import tflite
from flatbuffers import flexbuffers
from tflite.BuiltinOperator import BuiltinOperator
from tflite.BuiltinOptions import BuiltinOptions

from . import ops as optable
from .errors import ModelFormatError, TinyccError, UnsupportedError
from .ir import Graph, Quant, Tensor

_OP_NAMES = {v: k for k, v in vars(BuiltinOperator).items() if not k.startswith("_")}
_OPTION_CLASSES = {v: getattr(tflite, k, None) for k, v in vars(BuiltinOptions).items() if not k.startswith("_")}

_DTYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_, 7: np.int16, 9: np.int8, 12: np.uint64,
           15: np.uint32}
_DTYPE_NAMES = {0: "FLOAT32", 1: "FLOAT16", 2: "INT32", 3: "UINT8", 4: "INT64", 5: "STRING", 6: "BOOL",
                7: "INT16", 8: "COMPLEX64", 9: "INT8", 10: "FLOAT64", 11: "COMPLEX128", 12: "UINT64",
                13: "RESOURCE", 14: "VARIANT", 15: "UINT32", 16: "UINT16", 17: "INT4"}

MAX_TENSOR_BYTES = 1 << 30  # a tensor larger than this cannot be meant for a microcontroller


MAX_MODEL_BYTES = 1 << 31  # a flatbuffer's offsets are 32-bit; no microcontroller model comes near


def normalize_quant(q, shape, dtype):
    """Quantization as TFLite Micro reads it, from what converters write: none on float and bool
    tensors (it is ignored there); per-tensor when every channel has the same scale and zero point;
    the channel axis of a 1-D tensor is 0 whatever quantized_dimension says (older converters wrote
    the weights' axis 3 on biases); otherwise the axis the scales fit."""
    if q is None or dtype in (np.float32, np.bool_):
        return None
    n = q.scale.size
    if n == 1:
        return Quant(q.scale, q.zero_point, 0)
    if np.all(q.scale == q.scale[0]) and np.all(q.zero_point == q.zero_point[0]):
        return Quant(q.scale[:1], q.zero_point[:1], 0)
    if 0 <= q.axis < len(shape) and shape[q.axis] == n:
        return q
    fits = [a for a, d in enumerate(shape) if d == n]
    if len(shape) == 1 and fits:
        return Quant(q.scale, q.zero_point, 0)
    return q  # left as written: verify() names the tensor whose scales fit no axis


def load(path_or_bytes) -> Graph:
    """Read a model from a path or from bytes."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data, name = bytes(path_or_bytes), "model"
    else:
        path = os.fspath(path_or_bytes)
        try:
            size = os.path.getsize(path)
            if size >= MAX_MODEL_BYTES:
                raise UnsupportedError(f"model {path!r} has {size} bytes; tinycc reads models below 2 GiB (the "
                                       f"flatbuffer limit; a microcontroller's flash is 16 MB at most)")
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ModelFormatError(f"cannot read model {path!r}: {e.strerror}") from None
        name = os.path.splitext(os.path.basename(path))[0]
    return Reader(data, name).graph()


class Reader:
    def __init__(self, data: bytes, name: str):
        self.data = data
        self.name = name
        if len(data) < 8 or data[4:8] != b"TFL3":
            raise ModelFormatError(
                f"{name}: not a TFLite model (a .tflite flatbuffer starts with the identifier 'TFL3' "
                f"at byte 4; got {data[4:8]!r} in a file of {len(data)} bytes)")

    def _len(self, n: int, what: str, elem: int = 4) -> int:
        if n < 0 or n * elem > len(self.data):
            raise ModelFormatError(f"{self.name}: corrupt model: {what} claims {n} entries in a "
                                   f"{len(self.data)}-byte file")
        return n

    def graph(self) -> Graph:
        try:
            return self._graph()
        except TinyccError:
            raise
        except (RecursionError, MemoryError) as e:
            raise ModelFormatError(f"{self.name}: corrupt model ({type(e).__name__})") from None
        except Exception as e:  # flatbuffers raises struct.error, IndexError, ValueError, ... on bad offsets
            raise ModelFormatError(f"{self.name}: truncated or corrupt flatbuffer "
                                   f"({type(e).__name__}: {e})") from None

    def _graph(self) -> Graph:
        m = tflite.Model.GetRootAsModel(self.data, 0)
        nsub = self._len(m.SubgraphsLength(), "subgraph list")
        if nsub != 1:
            raise UnsupportedError(f"{self.name}: the model has {nsub} subgraphs; tinycc supports models "
                                   f"with exactly one subgraph (no control flow such as WHILE or IF)")
        self._custom_ops(m)
        sg = m.Subgraphs(0)
        g = Graph(self.name)
        ntensors = self._len(sg.TensorsLength(), "tensor list")
        nbuffers = self._len(m.BuffersLength(), "buffer list")
        names = []
        for i in range(ntensors):
            t = self._tensor(m, sg.Tensors(i), i, nbuffers, set(names))
            names.append(t.name)
            g.add_tensor(t)

        def tensor_name(idx, where):
            idx = int(idx)
            if idx == -1:
                return None
            if not 0 <= idx < ntensors:
                raise ModelFormatError(f"{self.name}: corrupt model: {where} refers to tensor {idx}, "
                                       f"but the subgraph has {ntensors} tensors")
            return names[idx]

        g.inputs = [tensor_name(i, "subgraph input") for i in self._ivec(sg, "Inputs")]
        g.outputs = [tensor_name(i, "subgraph output") for i in self._ivec(sg, "Outputs")]
        if None in g.inputs or None in g.outputs:
            raise ModelFormatError(f"{self.name}: corrupt model: subgraph input/output index -1")
        nops = self._len(sg.OperatorsLength(), "operator list")
        ncodes = self._len(m.OperatorCodesLength(), "operator code list")
        written = {}
        for i in range(nops):
            op = sg.Operators(i)
            kind = self._op_kind(m, op, i, ncodes)
            where = f"operator #{i} ({kind})"
            ins = [tensor_name(x, f"{where} input") for x in self._ivec(op, "Inputs")]
            outs = [tensor_name(x, f"{where} output") for x in self._ivec(op, "Outputs")]
            if None in outs or not outs:
                raise ModelFormatError(f"{self.name}: corrupt model: {where} has a missing output")
            for o in outs:
                if o in written:
                    raise ModelFormatError(f"{self.name}: corrupt model: tensor {o!r} is written by "
                                           f"operator #{written[o]} and operator #{i}")
                if g.tensor(o).is_const:
                    raise ModelFormatError(f"{self.name}: corrupt model: {where} writes constant tensor {o!r}")
                written[o] = i
            opdef = optable.get_or_unsupported(kind, i)
            options = opdef.parse(where, self._options(op, where))
            for name, shape, dtype in (opdef.hidden_state(options) if opdef.hidden_state else ()):
                if min(shape, default=1) < 1 or int(np.prod(shape)) * np.dtype(dtype).itemsize > MAX_TENSOR_BYTES:
                    raise UnsupportedError(f"{self.name}: {where}: its options give a state of shape {list(shape)}")
                t = g.add_tensor(Tensor(f"{kind}#{i}/{name}", tuple(shape), np.dtype(dtype), None, None, -1, True))
                ins.append(t.name)
            g.add_op(kind, ins, outs, options, index=i)
        g.remove_dead_tensors()  # e.g. an LSTM's calibration intermediates: no op reads or writes them
        return g

    def _ivec(self, table, field):
        n = self._len(getattr(table, field + "Length")(), field.lower())
        if n == 0:
            return []
        return [int(v) for v in getattr(table, field + "AsNumpy")()]

    def _op_kind(self, m, op, i, ncodes) -> str:
        idx = op.OpcodeIndex()
        if not 0 <= idx < ncodes:
            raise ModelFormatError(f"{self.name}: corrupt model: operator #{i} uses opcode {idx}, "
                                   f"but the model has {ncodes} operator codes")
        oc = m.OperatorCodes(idx)
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        if code == BuiltinOperator.CUSTOM:  # one the op table has (_custom_ops refused the others)
            return oc.CustomCode().decode(errors="replace")
        return _OP_NAMES.get(code, f"BUILTIN_{code}")

    def _options(self, op, where):
        if op.CustomOptionsLength():  # a custom operator's options: a flexbuffer map
            raw = bytes(op.CustomOptionsAsNumpy())
            try:
                return flexbuffers.Loads(raw)
            except Exception as e:  # the decoder raises whatever a bad offset leads it to
                raise ModelFormatError(f"{self.name}: corrupt model: {where} has custom options that are not a "
                                       f"valid flexbuffer ({type(e).__name__}: {e})") from None
        cls = _OPTION_CLASSES.get(op.BuiltinOptionsType())
        table = op.BuiltinOptions()
        if cls is None or table is None:
            return None
        obj = cls()
        obj.Init(table.Bytes, table.Pos)
        return obj

    def _tensor(self, m, t, i, nbuffers, taken) -> Tensor:
        raw_name = t.Name()
        name = raw_name.decode(errors="replace") if raw_name else f"tensor{i}"
        if name in taken:
            name = f"{name}#{i}"
        code = t.Type()
        if code not in _DTYPES:
            raise UnsupportedError(f"{self.name}: tensor {i} ({name!r}) has dtype {_DTYPE_NAMES.get(code, code)}; "
                                   f"supported dtypes: FLOAT32, INT8, INT16, INT32, INT64, UINT8, UINT32, UINT64, BOOL")
        dtype = np.dtype(_DTYPES[code])
        shape = tuple(int(d) for d in self._ivec(t, "Shape"))
        if any(d < 0 for d in shape):
            raise UnsupportedError(f"{self.name}: tensor {i} ({name!r}) has dynamic shape {list(shape)}; "
                                   f"tinycc needs static shapes (set the batch size when converting)")
        size = int(np.prod(shape, dtype=object)) if shape else 1
        if size * dtype.itemsize > MAX_TENSOR_BYTES:
            raise ModelFormatError(f"{self.name}: tensor {i} ({name!r}) of shape {list(shape)} would need "
                                   f"{size * dtype.itemsize} bytes")
        if t.Sparsity() is not None:
            raise UnsupportedError(f"{self.name}: tensor {i} ({name!r}) is sparse; not supported")
        data = self._buffer(m, t.Buffer(), nbuffers, i, name)
        if data is not None:
            if len(data) != size * dtype.itemsize:
                raise ModelFormatError(f"{self.name}: corrupt model: tensor {i} ({name!r}) of shape "
                                       f"{list(shape)} {dtype.name} needs {size * dtype.itemsize} bytes but its "
                                       f"buffer holds {len(data)}")
            data = np.frombuffer(data, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(shape)
            data.setflags(write=False)
        quant = normalize_quant(self._quant(t, i, name), shape, dtype)
        if quant is not None and np.issubdtype(dtype, np.integer):
            lim = np.iinfo(dtype)
            if quant.zero_point.min() < lim.min or quant.zero_point.max() > lim.max:
                raise ModelFormatError(f"{self.name}: tensor {i} ({name!r}) is {dtype.name} but has zero point(s) "
                                       f"outside [{lim.min}, {lim.max}]")
        variable = bool(t.IsVariable())
        if variable and dtype not in (np.int8, np.int16, np.float32):
            raise UnsupportedError(f"{self.name}: tensor {i} ({name!r}) is a {dtype.name} variable tensor; "
                                   f"variables (op state) must be int8, int16 or float32")
        return Tensor(name, shape, dtype, quant, None if variable else data, i, variable)

    def _custom_ops(self, m):
        """Refuse a model with custom operators before anything else (their tensors may have types
        no builtin operator has): name each, with the index of its first use."""
        sg = m.Subgraphs(0)
        ncodes = self._len(m.OperatorCodesLength(), "operator code list")
        found = {}
        for i in range(self._len(sg.OperatorsLength(), "operator list")):
            idx = sg.Operators(i).OpcodeIndex()
            if 0 <= idx < ncodes:
                oc = m.OperatorCodes(idx)
                if max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode()) == BuiltinOperator.CUSTOM:
                    custom = oc.CustomCode()
                    name = custom.decode(errors="replace") if custom else "?"
                    if name not in optable.CUSTOM:
                        found.setdefault(name, i)
        if found:
            names = ", ".join(f"{n!r} (operator #{i})" for n, i in found.items())
            raise UnsupportedError(
                f"{self.name}: the model uses custom operator{'s' if len(found) > 1 else ''} {names}; tinycc "
                f"supports TFLite builtin operators ({len(optable.supported()) - len(optable.CUSTOM)} of them: see "
                f"`tinycc ops`) and these custom ones: {', '.join(sorted(optable.CUSTOM))}")

    def _buffer(self, m, b, nbuffers, i, name):
        if b == 0:
            return None
        if not 0 <= b < nbuffers:
            raise ModelFormatError(f"{self.name}: corrupt model: tensor {i} ({name!r}) uses buffer {b}, "
                                   f"but the model has {nbuffers} buffers")
        buf = m.Buffers(b)
        off, sz = buf.Offset(), buf.Size()
        if off > 1:  # large models keep buffer data after the flatbuffer
            if off + sz > len(self.data):
                raise ModelFormatError(f"{self.name}: corrupt model: buffer {b} spans bytes {off}..{off + sz} "
                                       f"of a {len(self.data)}-byte file")
            return self.data[off:off + sz] if sz else None
        n = self._len(buf.DataLength(), f"buffer {b}", 1)
        if n == 0:
            return None
        return buf.DataAsNumpy().tobytes()

    def _quant(self, t, i, name):
        q = t.Quantization()
        if q is None:
            return None
        ns = self._len(q.ScaleLength(), f"tensor {i} scales")
        if ns == 0:
            return None
        nz = self._len(q.ZeroPointLength(), f"tensor {i} zero points", 8)
        scale = q.ScaleAsNumpy().astype(np.float32)
        zp = q.ZeroPointAsNumpy().astype(np.int64) if nz else np.zeros(ns, np.int64)
        if zp.size == 1 and ns > 1:
            zp = np.full(ns, zp[0], np.int64)
        if zp.size != ns:
            raise ModelFormatError(f"{self.name}: corrupt model: tensor {i} ({name!r}) has {ns} scales and "
                                   f"{zp.size} zero points")
        if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
            raise ModelFormatError(f"{self.name}: tensor {i} ({name!r}) has invalid quantization scale(s) "
                                   f"{scale[:4].tolist()}")
        return Quant(scale, zp, int(q.QuantizedDimension()))

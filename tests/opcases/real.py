"""Cases cut from the real models: every layer of the corpus (``$TINYCC_MODELS/tflm``, SEANet's
layers included, and the MLPerf Tiny models) becomes a one-op model with its real weights,
options, shapes, scales and zero points, so the differential tests reach the parameter regimes
real converters produce, not only uniform random ones (the uniform cases missed RELU and
LEAKY_RELU's int16 rounding, which 7 of SEANet's 23 LEAKY_RELU layers hit).

A case picks one real layer of its op; half the time its activations' scales are moved by up to
about a factor of two and int8 zero points by a few steps (the neighbourhood of the real regime),
and large images are cropped to at most CROP x CROP pixels (channels, weights and options kept)
so that every case stays quick. The inputs are random over the full integer range (floats:
normal). ``size`` is not used: a real layer has the shape it has.
"""
import copy
import functools
import pathlib

import numpy as np

from tinycc import ops as optable
from tinycc import tflite_reader
from tinycc.errors import TinyccError
from tinycc.oracle import random_inputs

from . import case

try:  # the TFLite schema's object API (tflite-micro, a test dependency)
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
except ImportError:  # pragma: no cover - the test extras are required
    raise ImportError("tests/opcases/real.py needs tflite-micro: pip install '.[test]'") from None

CROP = 12
MAX_ELEMENTS = 400_000  # activation elements of a case after cropping
#: ops whose images may be cropped: the output shape follows from the input's by the op's shape rule
CROPPABLE = {"CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "SUB", "MUL", "LEAKY_RELU",
             "RELU", "RELU6", "LOGISTIC", "TANH", "HARD_SWISH", "QUANTIZE", "DEQUANTIZE", "PAD", "PADV2"}
#: ops whose output quantization TFLite fixes, or whose scales are tied to each other: never jittered
FIXED_QUANT = {"LOGISTIC", "TANH", "SOFTMAX", "L2_NORMALIZATION", "LOG_SOFTMAX", "SVDF",
               "UNIDIRECTIONAL_SEQUENCE_LSTM", "MAXIMUM", "MINIMUM", "CONCATENATION", "RESHAPE", "SQUEEZE",
               "EXPAND_DIMS", "TRANSPOSE", "STRIDED_SLICE", "SLICE", "PACK", "UNPACK", "SPLIT", "SPLIT_V",
               "AVERAGE_POOL_2D", "MAX_POOL_2D", "PAD", "PADV2", "RESIZE_NEAREST_NEIGHBOR", "GATHER"}


def _models() -> list:
    from shared_models import INT8_MODELS, FLOAT_MODELS, MODELS
    tflm = MODELS / "tflm"
    paths = sorted(tflm.glob("*.tflite")) + sorted((tflm / "seanet").glob("*.tflite"))
    return paths + [MODELS / f"{n}.tflite" for n in INT8_MODELS + FLOAT_MODELS]


@functools.lru_cache(maxsize=None)
def _load(path: pathlib.Path):
    """(schema ModelT, tinycc Graph) of a corpus model, or None when tinycc refuses it."""
    data = path.read_bytes()
    try:
        graph = tflite_reader.load(data)
    except TinyccError:
        return None
    return schema.ModelT.InitFromPackedBuf(bytearray(data), 0), graph


@functools.lru_cache(maxsize=None)
def layers() -> dict:
    """op kind -> [(model path, operator index), ...] over the corpus."""
    found = {}
    for path in _models():
        loaded = _load(path)
        if loaded is None:
            continue
        for op in loaded[1].ops():
            found.setdefault(op.kind, []).append((path, op.index))
    return found


def _is_const(m, t) -> bool:
    data = m.buffers[t.buffer].data if 0 < t.buffer < len(m.buffers) else None
    return data is not None and len(data) > 0


def _cropped_shapes(graph, op, m, tensors) -> dict:
    """tensor index -> new shape when the op's images are cropped to CROP x CROP, or {}."""
    if op.kind not in CROPPABLE:
        return {}
    new = {}
    for name in op.inputs:
        t = graph.tensor(name) if name is not None else None
        if t is not None and not t.is_const and len(t.shape) == 4 and max(t.shape[1:3]) > CROP:
            new[name] = (t.shape[0], min(t.shape[1], CROP), min(t.shape[2], CROP), t.shape[3])
    if not new:
        return {}
    saved = {n: graph.tensor(n).shape for n in new}
    try:
        for n, s in new.items():
            graph.tensor(n).shape = s
        outs = optable.get(op.kind).shapes(op, graph)
    except Exception:
        return {}
    finally:
        for n, s in saved.items():
            graph.tensor(n).shape = s
    if any(int(d) < 1 for s in outs for d in s):
        return {}
    shapes = {graph.tensor(n).index: s for n, s in new.items()}
    shapes.update({graph.tensor(n).index: tuple(int(d) for d in s) for n, s in zip(op.outputs, outs)})
    return shapes


def extract(path, index, rng=None, crop=True) -> bytes:
    """Operator ``index`` of the model at ``path`` alone: its tensors, constants and options; its
    non-constant, non-state inputs become the model's inputs. With ``rng``, activation scales and
    zero points move a little (see the module doc)."""
    m, graph = _load(path)
    op = next(o for o in graph.ops() if o.index == index)
    sg = m.subgraphs[0]
    top = sg.operators[index]
    mids = [] if top.intermediates is None else list(top.intermediates)
    used = list(dict.fromkeys(i for i in list(top.inputs) + list(top.outputs) + mids if i >= 0))
    remap = {old: new for new, old in enumerate(used)}
    crop = _cropped_shapes(graph, op, m, sg.tensors) if crop else {}
    out = schema.ModelT()
    out.version = 3
    out.operatorCodes = [m.operatorCodes[top.opcodeIndex]]
    out.buffers = [schema.BufferT()]
    tensors, moved = [], {}
    for old in used:
        t = copy.copy(sg.tensors[old])
        if _is_const(m, t):
            out.buffers.append(m.buffers[t.buffer])
            t.buffer = len(out.buffers) - 1
        else:
            t.buffer = 0
            if old in crop:
                t.shape = np.array(crop[old], np.int32)
                t.shapeSignature = None
            if rng is not None and t.quantization is not None and t.quantization.scale is not None \
                    and len(t.quantization.scale) == 1 and op.kind not in FIXED_QUANT and not t.isVariable:
                q = copy.copy(t.quantization)
                moved[old] = float(np.exp(rng.normal(0, 0.35)))
                q.scale = [float(np.float32(q.scale[0] * moved[old]))]
                if t.type == schema.TensorType.INT8:
                    q.zeroPoint = [int(np.clip(q.zeroPoint[0] + rng.integers(-6, 7), -128, 127))]
                t.quantization = q
        tensors.append(t)
    bias = {"CONV_2D": 2, "DEPTHWISE_CONV_2D": 2, "FULLY_CONNECTED": 2, "TRANSPOSE_CONV": 3}.get(op.kind)
    x = 2 if op.kind == "TRANSPOSE_CONV" else 0
    if bias is not None and len(top.inputs) > bias and top.inputs[bias] >= 0 and top.inputs[x] in moved:
        b = tensors[remap[top.inputs[bias]]]  # its scale stays input scale x weight scale (TFLite checks)
        if b.quantization is not None and b.quantization.scale is not None:
            b.quantization = copy.copy(b.quantization)
            b.quantization.scale = [float(np.float32(s * moved[top.inputs[x]])) for s in b.quantization.scale]
    new_op = copy.copy(top)
    new_op.opcodeIndex = 0
    new_op.inputs = [remap[i] if i >= 0 else -1 for i in top.inputs]
    new_op.outputs = [remap[i] for i in top.outputs]
    new_op.intermediates = [remap[i] for i in mids] if mids else None
    sub = schema.SubGraphT()
    sub.tensors = tensors
    sub.operators = [new_op]
    sub.inputs = [remap[i] for i in top.inputs if i >= 0 and not _is_const(m, sg.tensors[i])
                  and not sg.tensors[i].isVariable]
    sub.outputs = [remap[i] for i in top.outputs]
    sub.name = "main"
    out.subgraphs = [sub]
    out.description = f"{path.name} operator {index}"
    import flatbuffers
    b = flatbuffers.Builder(0)
    b.Finish(out.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _elements(data) -> int:
    g = tflite_reader.load(data)
    return sum(t.size for t in g.tensors() if not t.is_const)


def _register(kind):
    @case(kind)
    def real_layer(rng, size):
        """One of the corpus's layers of this op, its scales moved a little half the time."""
        from tinycc import compile as tc_compile
        found = layers()[kind]
        for _ in range(20):
            path, index = found[int(rng.integers(len(found)))]
            # moved scales or a crop may break one of the op's rules: then the layer as it is
            variants = ([(rng, True)] if rng.random() < 0.5 else []) + [(None, True), (None, False)]
            for k, (jitter, crop) in enumerate(variants):
                data = extract(path, index, jitter, crop)
                try:
                    m = tc_compile(data)
                    break
                except TinyccError:
                    if k == len(variants) - 1:
                        raise
            if _elements(data) > MAX_ELEMENTS:
                continue
            return data, random_inputs(m.inputs, rng)
        raise AssertionError(f"every sampled {kind} layer of the corpus is over {MAX_ELEMENTS} elements")
    real_layer.__name__ = f"real_{kind.lower()}"
    return real_layer


# The signal ops' layers run in their own models over real recordings (tests/test_signal.py): cut out
# with random inputs they would reach TFLite Micro's undefined cases (a shift by 32 or more from a
# random scale_bits input, energies outside [start_index, end_index) it leaves unwritten).
for _kind in sorted(set(layers()) - optable.CUSTOM):
    _register(_kind)

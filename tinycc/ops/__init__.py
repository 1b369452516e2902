"""The op table: one OpDef per TFLite operator, everything tinycc knows about it.

Each op module (conv.py, pool.py, ...) registers its OpDefs here. An OpDef holds
the op's options parser, its support constraints (small functions whose
docstrings are the error text and the supported-ops doc), its shape rule, its
NumPy reference semantics (the executable spec), its fusion class, and its
lowering to kernel calls shared by every backend.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from ..errors import IRError, UnsupportedError
from ..fixedpoint import quantize_value

# Fusion classes (as in TVM): what a fusion pass may do with an op.
OPAQUE = "opaque"                    # nothing fuses through it
ELEMENTWISE = "elementwise"          # out[i] depends on in[i] only
INJECTIVE = "injective"              # pure data movement (reshape, copy)
OUT_FUSABLE = "out_elementwise_fusable"  # an elementwise consumer can fuse into its output


@dataclass
class KernelCall:
    """One call of a backend kernel: the ABI shared by the host executor and the C targets.

    ``bufs`` are operands in kernel order: a tensor name (lives in the arena) or a
    NumPy array (a constant, already packed in the layout the kernel wants).
    ``params`` are named integer parameters, ``fparams`` named float parameters.
    """
    kernel: str
    bufs: list
    params: dict = field(default_factory=dict)
    fparams: dict = field(default_factory=dict)


@dataclass(frozen=True)
class InPlace:
    """An op may write its output over input ``input_index`` at output base = input base - delta.

    ``delay`` output rows are held back in a ring of ``delay + 1`` rows (``scratch`` bytes)
    and rows are produced in reverse order when ``reverse``; ``rows`` is False for
    elementwise ops, which need neither. The op table proves the condition; the planner
    decides whether to use it, and the plan checker re-derives it.
    """
    input_index: int
    delta: int
    delay: int = 0
    reverse: bool = False
    scratch: int = 0
    rows: bool = False


@dataclass
class OpDef:
    name: str
    parse: Callable  # (tflite op, BuiltinOptions table or None) -> options dataclass
    shapes: Callable  # (op, graph) -> list of expected output shapes
    reference: Callable  # (op, graph, list of input arrays) -> list of output arrays
    lower: Callable  # (op, graph) -> list[KernelCall]
    inputs: tuple = ("input",)  # operand names; a trailing "?" marks an optional one, "*" a list
    outputs: tuple = ("output",)
    constraints: tuple = ()  # functions (op, graph) -> bool; docstring = the rule
    fusion: str = OPAQUE
    doc: str = ""
    dtypes: tuple = ("int8", "float32")
    macs: Callable = lambda op, graph: 0  # multiply-accumulates per inference
    inplace: Callable = lambda op, graph: []  # (op, graph) -> [InPlace]: ways to write over an input
    rows: Callable = lambda op, graph: None  # (op, graph) -> Rows of a sliding-window op that can run
    #                    row by row (in place, or inside a streamed block), else None
    kernels: tuple = ()  # every kernel the lowering may emit (docs, target tables, tests)
    state: tuple = ()  # operand indices of variable tensors the op reads and updates in place (its
    #                    reference returns their new values after its outputs)
    error: Optional[Callable] = None  # float error rule (ops/bounds.py): (op, graph, inputs, their error
    #                    bounds, outputs) -> a bound per output; data movement (INJECTIVE) by default
    hidden_state: Optional[Callable] = None  # (options) -> [(operand name, shape, dtype)]: state a custom
    #                    op keeps in TFLite Micro's persistent area (not in the model); the frontend adds each
    #                    as a variable tensor operand after the op's inputs (listed in ``state``)
    unwritten: Optional[Callable] = None  # (op, graph) -> [bool mask per output]: elements TFLite Micro
    #                    leaves unwritten (SignalEnergy outside its range): any value there is correct
    raw: bool = False  # reads and writes raw integers (CAST): int8 tensors need no scale and zero point
    shape_only: bool = False  # reads its inputs' (static) shapes, never their values: fold_constants
    #                           evaluates it at compile time whatever its inputs (SHAPE)

    def check_support(self, op, graph):
        required = [i for i, n in enumerate(self.inputs) if not n.endswith("?")]
        given = [op.inputs[i] for i in required if i < len(op.inputs)]
        n_in = (1, 1 << 30) if self.inputs[-1].endswith("*") else (required[-1] + 1, len(self.inputs))
        n_out = (1, 1 << 30) if self.outputs[-1].endswith("*") else (len(self.outputs), len(self.outputs))
        if self.inputs[-1].endswith("*"):
            given = op.inputs
        if not n_in[0] <= len(op.inputs) <= n_in[1] or None in given \
                or not n_out[0] <= len(op.outputs) <= n_out[1]:
            raise UnsupportedError(
                f"{op.where()} has {len(op.inputs)} inputs and {len(op.outputs)} outputs; it takes inputs "
                f"({', '.join(self.inputs)}) and outputs ({', '.join(self.outputs)})")
        for c in ((c_narrow_dtypes,) if self.raw else (c_quantized, c_narrow_dtypes)) + tuple(self.constraints):  # later rules may read scales
            if not c(op, graph):
                raise UnsupportedError(
                    f"{op.where()} is not supported: {' '.join(c.__doc__.split())} "
                    f"({describe_operands(op, graph)})")

    def check_shapes(self, op, graph):
        expect = self.shapes(op, graph)
        got = [tuple(graph.tensor(o).shape) for o in op.outputs]
        if [tuple(int(d) for d in s) for s in expect] != got:
            raise IRError(f"{op.where()}: output shape {got} but the inputs give {expect}")


_TABLE: dict[str, OpDef] = {}


def register(opdef: OpDef) -> OpDef:
    if opdef.error is None and opdef.fusion == INJECTIVE:
        from .bounds import moves
        opdef.error = moves
    _TABLE[opdef.name] = opdef
    if not opdef.name.isupper():  # builtin operators are named in capitals, custom ones as their converters
        CUSTOM.add(opdef.name)
    return opdef


def get(name: str) -> OpDef:
    try:
        return _TABLE[name]
    except KeyError:
        raise UnsupportedError(f"operator {name} is not supported; supported: {', '.join(supported())}") from None


def get_or_unsupported(name: str, index: int) -> OpDef:
    if name not in _TABLE:
        raise UnsupportedError(f"operator #{index} ({name}) is not supported; supported operators: "
                               f"{', '.join(supported())}")
    return _TABLE[name]


#: the custom operators the op table has (TFLite Micro's signal library): every other custom op is refused
CUSTOM = set()


def supported() -> list[str]:
    return sorted(_TABLE)


def table() -> dict[str, OpDef]:
    return dict(_TABLE)


def describe_operands(op, graph) -> str:
    def d(n):
        if n is None:
            return "-"
        t = graph.tensor(n)
        return f"{t.dtype.name}{list(t.shape)}"
    return "inputs " + ", ".join(d(n) for n in op.inputs) + "; outputs " + ", ".join(d(n) for n in op.outputs)


# ---- helpers shared by op modules ------------------------------------------------------

ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6"}
PADDINGS = {0: "SAME", 1: "VALID"}


def activation_name(code: int, where: str) -> str:
    if code not in ACTIVATIONS:
        names = {4: "TANH", 5: "SIGN_BIT"}
        raise UnsupportedError(f"{where}: fused activation {names.get(code, code)} is not supported "
                               f"(supported: {', '.join(ACTIVATIONS.values())})")
    return ACTIVATIONS[code]


def padding_name(code: int, where: str) -> str:
    if code not in PADDINGS:
        raise UnsupportedError(f"{where}: padding code {code} is not supported (SAME or VALID)")
    return PADDINGS[code]


def activation_range_q(activation: str, t) -> tuple[int, int]:
    """CalculateActivationRangeQuantized: the int clamp range of a fused activation."""
    info = np.iinfo(t.dtype)
    lo, hi = int(info.min), int(info.max)
    s, zp = t.scale, t.zero_point
    if activation == "RELU":
        lo = max(lo, quantize_value(0.0, s, zp))
    elif activation == "RELU6":
        lo = max(lo, quantize_value(0.0, s, zp))
        hi = min(hi, quantize_value(6.0, s, zp))
    elif activation == "RELU_N1_TO_1":
        lo = max(lo, quantize_value(-1.0, s, zp))
        hi = min(hi, quantize_value(1.0, s, zp))
    return lo, hi


def activation_range_f(activation: str) -> tuple[float, float]:
    return {"NONE": (-np.inf, np.inf), "RELU": (0.0, np.inf), "RELU6": (0.0, 6.0),
            "RELU_N1_TO_1": (-1.0, 1.0)}[activation]


def act_params(activation: str, out) -> tuple[dict, dict]:
    """Kernel parameters of a fused activation: int clamp for int8, float clamp for float."""
    if out.dtype == np.float32:
        lo, hi = activation_range_f(activation)
        return {}, {"act_min": float(max(lo, -3.4e38)), "act_max": float(min(hi, 3.4e38))}
    lo, hi = activation_range_q(activation, out)
    return {"act_min": lo, "act_max": hi}, {}


def apply_activation(y, activation: str, out):
    if out.dtype == np.float32:
        lo, hi = activation_range_f(activation)
        return np.clip(y, lo, hi).astype(np.float32)
    lo, hi = activation_range_q(activation, out)
    return np.clip(y, lo, hi).astype(out.dtype)


def window_pads(g: dict) -> tuple:
    """(top, bottom, left, right): the padding a sliding-window op with geometry ``g`` (n, h, w, oh, ow,
    kh, kw, sh, sw, pt, pl, and dh, dw when dilated) reads around its input, the bottom and right ones
    as far as its last output row and column reach."""
    bottom = max((g["oh"] - 1) * g["sh"] + (g["kh"] - 1) * g.get("dh", 1) + 1 - g["h"] - g["pt"], 0)
    right = max((g["ow"] - 1) * g["sw"] + (g["kw"] - 1) * g.get("dw", 1) + 1 - g["w"] - g["pl"], 0)
    return g["pt"], bottom, g["pl"], right


def same_or_valid(padding: str, in_size: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    """(output size, padding before) of one spatial dimension, as TFLite computes them."""
    eff = (k - 1) * dilation + 1
    if padding == "SAME":
        out = (in_size + stride - 1) // stride
    else:
        out = (in_size - eff + stride) // stride
    pad = max((out - 1) * stride + eff - in_size, 0)
    return out, pad // 2


def T(graph, op, i, outputs=False):
    """The i-th input (or output) tensor of op, or None when absent."""
    names = op.outputs if outputs else op.inputs
    if i >= len(names) or names[i] is None:
        return None
    return graph.tensor(names[i])


def per_channel_multipliers(in_t, w_t, out_t, channels: int):
    """Per-output-channel (multiplier, shift) as TFLite computes them (double precision)."""
    from ..fixedpoint import quantize_multiplier
    scales = np.broadcast_to(w_t.quant.scale, (channels,)) if w_t.quant.scale.size == 1 else w_t.quant.scale
    mult = np.zeros(channels, np.int32)
    shift = np.zeros(channels, np.int32)
    for c in range(channels):
        real = float(np.float32(in_t.scale)) * float(np.float32(scales[c])) / float(np.float32(out_t.scale))
        mult[c], shift[c] = quantize_multiplier(real)
    return mult, shift


@dataclass(frozen=True)
class Rows:
    """How a sliding-window op (batch 1) reads its input by rows: output row q (of ``oh``) reads the
    input rows q*sh - pt .. q*sh - pt + span - 1 that lie in 0..h-1; an input row is ``in_row``
    bytes, an output row ``out_row``. The row-streamed in-place options (``streaming_inplace``) and
    block streaming (``tinycc/streaming.py``) both derive from it. Columns alike: output column x
    (of ``ow``) reads the input columns x*sw - pl .. x*sw - pl + wspan - 1 that lie in 0..w-1 (the
    patches of a streamed block: ``cols``)."""
    h: int
    oh: int
    sh: int
    pt: int
    span: int
    in_row: int
    out_row: int
    w: int = 1
    ow: int = 1
    sw: int = 1
    pl: int = 0
    wspan: int = 1
    planar: bool = False  # its input rows are rows of channel planes (NCHW): it only heads a chain,
    #                       never reading a line buffer, and nothing is written over its input in place

    def window(self, q: int) -> tuple:
        """[first, end) of the input rows output row q reads."""
        a = q * self.sh - self.pt
        return min(self.h, max(0, a)), min(self.h, max(0, a + self.span))

    @property
    def covered(self) -> bool:
        """Does every output row read at least one input row (none lies wholly in the padding)?"""
        return self.pt < self.span and (self.oh - 1) * self.sh - self.pt < self.h

    def cols(self, a: int, b: int) -> tuple:
        """[first, end) of the input columns output columns [a, b) read."""
        return max(0, a * self.sw - self.pl), min(self.w, (b - 1) * self.sw - self.pl + self.wspan)

    @property
    def cols_covered(self) -> bool:
        """Does every output column read at least one input column?"""
        return self.pl < self.wspan and (self.ow - 1) * self.sw - self.pl < self.w


def streaming_inplace(r: Rows, max_delay=2) -> list:
    """In-place options of a sliding-window op (N = 1) computed one output row at a time.

    Forward with delay d: output row q is written once rows 0..q+d are computed, so every
    byte written up to then must lie below the first input byte rows q+d+1.. still read:
    (q+1)*ORB - delta <= first_row(q+d+1)*IRB. Reverse (rows from the bottom): the bytes
    written from row q up must lie above the last input byte rows ..q-d-1 still read.
    Returns the least-footprint option per (direction, delay).
    """
    options = []
    for d in range(min(max_delay, r.oh) + 1):
        fwd = [(q + 1) * r.out_row - r.window(q + d + 1)[0] * r.in_row for q in range(r.oh - d - 1)]
        options.append(InPlace(0, max([0] + fwd), d, False, (d + 1) * r.out_row, True))
        rev = [q * r.out_row - r.window(q - d - 1)[1] * r.in_row for q in range(d + 1, r.oh)]
        if not rev or min(rev) >= 0:
            options.append(InPlace(0, 0, d, True, (d + 1) * r.out_row, True))
    return options


def footprint(inp: InPlace, in_bytes: int, out_bytes: int) -> int:
    """Bytes spanned by input and output together when the output is placed in place."""
    return max(in_bytes, out_bytes - inp.delta) - min(0, -inp.delta) + inp.scratch


# ---- constraints shared by several ops ---------------------------------------------------

def c_int8_or_float(op, graph):
    """activations must be all int8 (quantized) or all float32"""
    ts = [graph.tensor(n) for n in op.inputs[:1] + op.outputs]
    return all(t.dtype == np.int8 for t in ts) or all(t.dtype == np.float32 for t in ts)


def c_rank4(op, graph):
    """input and output must be 4-D (NHWC)"""
    return len(T(graph, op, 0).shape) == 4 and len(T(graph, op, 0, True).shape) == 4


def c_int8_int16_or_float(op, graph):
    """activations must be all int8, all int16 (16x8: int16 activations with int8 weights) or all
    float32"""
    ts = [graph.tensor(n) for n in op.inputs[:1] + op.outputs]
    return any(all(t.dtype == d for t in ts) for d in (np.int8, np.int16, np.float32))


def c_int16_symmetric(op, graph):
    """int16 activations must be quantized per tensor with zero point 0 (TFLite's 16x8 quantization
    is symmetric)"""
    ts = [graph.tensor(n) for n in op.inputs + op.outputs if n is not None]
    return all(t.quant is not None and not t.quant.per_channel and t.zero_point == 0
               for t in ts if t.dtype == np.int16 and not t.is_const)


def requantize_16x8(acc, mult, shift, wide: bool):
    """A 16x8 kernel's accumulator -> the output before clamping: an int64 accumulator with TFLite's
    int64 MultiplyByQuantizedMultiplier (``wide``), or an int32 one (wrapping, as TFLite's) with the
    usual one."""
    from ..fixedpoint import _wrap32, multiply_by_quantized_multiplier, multiply_by_quantized_multiplier_64
    if wide:
        return multiply_by_quantized_multiplier_64(acc, mult, shift)
    return multiply_by_quantized_multiplier(_wrap32(acc), mult, shift)


def c_16x8_multipliers(op, graph):
    """16x8 with an int64 accumulator: every output multiplier (input_scale * weight_scale /
    output_scale) must have a shift of at most 14 (TFLite's 64-bit rescale shifts right by
    15 - shift)"""
    x, w, b = (T(graph, op, i) for i in ((2, 1, 3) if op.kind == "TRANSPOSE_CONV" else (0, 1, 2)))
    y = T(graph, op, 0, True)
    if x.dtype != np.int16 or (b is not None and b.dtype == np.int32):  # int32 accumulator: any shift
        return True
    return int(per_channel_multipliers(x, w, y, w.quant.scale.size)[1].max()) <= 14


def c_per_tensor_activations(op, graph):
    """activation tensors must be quantized per tensor"""
    return all(graph.tensor(n).quant is None or not graph.tensor(n).quant.per_channel
               for n in op.inputs[:1] + op.outputs)


def c_zero_weight_zp(op, graph):
    """quantized weights must be symmetric (zero point 0)"""
    w = T(graph, op, 1)
    return w.dtype != np.int8 or w.quant is None or not np.any(w.quant.zero_point)


def c_weights_const(op, graph):
    """weights and bias must be constant tensors"""
    return all(graph.tensor(n).is_const for n in op.inputs[1:3] if n is not None)


def c_no_hybrid(op, graph):
    """hybrid models (float32 activations with int8 weights) are not supported: convert the
    model with full-integer quantization, or keep the weights float32"""
    return not (T(graph, op, 0).dtype == np.float32 and T(graph, op, 1).dtype == np.int8)


def c_weight_types(op, graph):
    """int8 activations need int8 weights and an int32 bias; int16 activations int8 weights and an
    int32 or int64 bias (DEPTHWISE_CONV_2D: int64, as TFLite Micro reads it); float32 activations
    float32 ones"""
    x, w, b = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2)
    if x.dtype == np.int8:
        return w.dtype == np.int8 and w.quant is not None and (b is None or b.dtype == np.int32)
    if x.dtype == np.int16:
        biases = (np.int64,) if op.kind == "DEPTHWISE_CONV_2D" else (np.int32, np.int64)
        return w.dtype == np.int8 and w.quant is not None and (b is None or b.dtype in biases)
    return w.dtype == np.float32 and (b is None or b.dtype == np.float32)


def c_quantized(op, graph):
    """int8 tensors must carry scale and zero point"""
    return all(graph.tensor(n).quant is not None for n in op.inputs + op.outputs
               if n is not None and graph.tensor(n).dtype == np.int8)


def c_narrow_dtypes(op, graph):
    """uint32 and uint64 tensors are taken only by the ops whose dtypes list them (`tinycc ops`: CAST takes
    uint32)"""
    from ..ir import NARROW_DTYPES
    allowed = get(op.kind).dtypes
    return all(graph.tensor(n).dtype.name in allowed for n in op.inputs + op.outputs
               if n is not None and graph.tensor(n).dtype in NARROW_DTYPES)


# op modules register themselves on import
from . import conv, fully_connected, pool, elementwise, softmax, shape, quantize, movement  # noqa: E402,F401
from . import reduce  # noqa: E402,F401
from . import resize  # noqa: E402,F401
from . import matmul  # noqa: E402,F401
from . import log_softmax  # noqa: E402,F401
from . import l2norm  # noqa: E402,F401
from . import activations, binary  # noqa: E402,F401
from . import cast  # noqa: E402,F401
from . import lstm  # noqa: E402,F401
from . import svdf  # noqa: E402,F401
from . import signal  # noqa: E402,F401

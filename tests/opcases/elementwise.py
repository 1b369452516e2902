"""Cases of the unary and binary elementwise ops (tinycc/ops/activations.py, binary.py)."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import act, case, rand_array, rand_quant, rand_shape

ACTS = ("NONE", "RELU", "RELU6")


def _float_input(rng, shape, positive=False):
    x = rand_array(rng, shape, "float32") * np.float32(10 ** rng.uniform(-1, 1.5))
    if positive and rng.random() < 0.85:
        x = np.abs(x)
    return x.astype(np.float32)


# ---- unary ----------------------------------------------------------------------------------------

def _out_quant(kind, rng, xq):
    if kind == "LOGISTIC":
        return (1 / 256, -128) if rng.random() < 0.5 else (rand_quant(rng)[0], -128)
    if kind == "TANH" and rng.random() < 0.5:
        return 1 / 128, 0
    if kind == "HARD_SWISH":  # TFLite Micro needs the output scale >= input scale / 128
        return xq[0] * float(10 ** rng.uniform(-2, 1)), int(rng.integers(-128, 128))
    if kind in ("RELU", "RELU6", "ABS") and rng.random() < 0.3:
        return xq
    return rand_quant(rng)


def _out_quant_s16(kind, rng, xq):
    if kind == "RSQRT":  # the largest output, 1 / sqrt(input scale), near the top of the int16 range
        return float(1 / np.sqrt(xq[0]) / 32767 * 10 ** rng.uniform(-0.3, 0.6)), 0
    return xq if rng.random() < 0.3 else rand_quant(rng, "int16")


def _unary(kind, rng, size, int8=True, positive=False, int16=False, **options):
    r = rng.random()
    dtype = "int8" if int8 and r < 0.6 else "float32"
    if int16 and r < 0.25:
        dtype = "int16"
    shape = rand_shape(rng, size, int(rng.integers(1, 6)))
    mb = ModelBuilder(f"tinycc {kind} case")
    xq = rand_quant(rng, dtype)
    x = act(mb, "x", shape, dtype, xq, inp=True)
    y = act(mb, "y", shape, dtype, _out_quant_s16(kind, rng, xq) if dtype == "int16" else _out_quant(kind, rng, xq))
    mb.op(kind, [x], [y], **options)
    mb.output(y)
    if dtype == "float32":
        xv = _float_input(rng, shape, positive)
    elif positive:  # TFLite Micro stops on quantized RSQRT inputs below the zero point
        xv = rng.integers(xq[1], np.iinfo(dtype).max + 1, shape).astype(dtype)
    else:
        xv = rand_array(rng, shape, dtype)
    return mb.build(), [xv]


def _register_unary(kind, **kw):
    @case(kind)
    def gen(rng, size):
        return _unary(kind, rng, size, **kw)
    gen.__name__ = kind.lower()
    return gen


for _k in ("LOGISTIC", "TANH", "RELU", "RELU6", "HARD_SWISH", "ELU"):
    _register_unary(_k)
_register_unary("ABS", int16=True)
_register_unary("RSQRT", positive=True, int16=True)
for _k in ("NEG", "EXP", "SQUARE", "FLOOR", "CEIL", "ROUND"):
    _register_unary(_k, int8=False)
for _k in ("SQRT", "LOG"):
    _register_unary(_k, int8=False, positive=True)


def _sigmoid_tanh_s16(kind, rng, size):
    """int16 LOGISTIC / TANH: zero points 0, output scale 2**-15; the input scale a power of two
    (TFLite's fast paths at 2**-12, and 2**-11 for TANH) or any other."""
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    xs = float(rng.choice([2.0 ** -12, 2.0 ** -11, 2.0 ** -10, 2.0 ** -13])) if rng.random() < 0.5 else \
        float(10 ** rng.uniform(-4.5, -2.5))
    mb = ModelBuilder(f"tinycc int16 {kind} case")
    x = act(mb, "x", shape, "int16", (xs, 0), inp=True)
    y = act(mb, "y", shape, "int16", (2.0 ** -15, 0))
    mb.op(kind, [x], [y])
    mb.output(y)
    return mb.build(), [rand_array(rng, shape, "int16")]


for _k in ("LOGISTIC", "TANH"):
    case(_k)(lambda rng, size, _k=_k: _sigmoid_tanh_s16(_k, rng, size)).__name__ = f"{_k.lower()}_s16"


def _relu_s16(kind, rng, size):
    """int16 RELU, RELU6, LEAKY_RELU: symmetric scales, the output's near the input's or random."""
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    xq = rand_quant(rng, "int16")
    yq = xq if rng.random() < 0.3 else (xq[0] * float(10 ** rng.uniform(-1, 1)), 0)
    mb = ModelBuilder(f"tinycc int16 {kind} case")
    x = act(mb, "x", shape, "int16", xq, inp=True)
    y = act(mb, "y", shape, "int16", yq)
    opts = {"Alpha": float(rng.choice([0.01, 0.2, -0.25, 1.5]))} if kind == "LEAKY_RELU" else {}
    mb.op(kind, [x], [y], **opts)
    mb.output(y)
    return mb.build(), [rand_array(rng, shape, "int16")]


for _k in ("RELU", "RELU6", "LEAKY_RELU"):
    case(_k)(lambda rng, size, _k=_k: _relu_s16(_k, rng, size)).__name__ = f"{_k.lower()}_s16"


@case("LEAKY_RELU")
def leaky_relu(rng, size):
    alpha = float(rng.choice([0.01, 0.1, 0.2, 0.3, 0.5, 1.5, -0.25])) if rng.random() < 0.6 else \
        float(rng.uniform(-1, 2))
    return _unary("LEAKY_RELU", rng, size, Alpha=alpha)


# ---- binary ---------------------------------------------------------------------------------------

#: the rank TFLite Micro broadcasts each op up to
_MAX_RANK = {"MUL": 4, "SQUARED_DIFFERENCE": 4, "PRELU": 4, "FLOOR_DIV": 4}
_FLOAT_ONLY = ("DIV", "FLOOR_DIV")


def _binary_shapes(rng, size, max_rank, second_within_first=False):
    out = rand_shape(rng, size, int(rng.integers(1, max_rank + 1)))
    shapes = []
    for i in range(2):
        if second_within_first and i == 0:
            shapes.append(out)
            continue
        s = tuple(d if rng.random() < 0.7 else 1 for d in out)
        shapes.append(s[int(rng.integers(0, len(s))):] if rng.random() < 0.2 else s)
    if rng.random() < 0.25:  # no broadcasting (TFLite Micro's elementwise path, any rank)
        shapes = [out, out]
    full = tuple(int(d) for d in np.broadcast_shapes(*shapes))
    return shapes, full


def _binary(kind, rng, size):
    dtype = "float32" if kind in _FLOAT_ONLY or rng.random() < 0.4 else "int8"
    shapes, full = _binary_shapes(rng, size, _MAX_RANK.get(kind, 5), kind == "PRELU")
    mb = ModelBuilder(f"tinycc {kind} case")
    qs = [rand_quant(rng) for _ in range(3)]
    if kind in ("MAXIMUM", "MINIMUM") or (kind != "PRELU" and rng.random() < 0.15):
        qs = [qs[0]] * 3
    elif rng.random() < 0.7:  # an output scale matching the result's range (else mostly saturated)
        s1, s2 = qs[0][0], qs[1][0]
        typical = {"MUL": 128 * s1 * s2, "SQUARED_DIFFERENCE": 512 * max(s1, s2) ** 2}.get(kind, max(s1, s2))
        qs[2] = (typical * float(10 ** rng.uniform(-0.7, 0.7)), qs[2][1])
    xs = [act(mb, f"x{i}", s, dtype, qs[i], inp=True) for i, s in enumerate(shapes)]
    y = act(mb, "y", full, dtype, qs[2])
    opts = {"activation": ACTS[int(rng.integers(3))]} if kind in ("SUB", "MUL", "DIV") else {}
    mb.op(kind, xs, [y], **opts)
    mb.output(y)
    if dtype == "int8":
        vals = [rand_array(rng, s, dtype) for s in shapes]
        if rng.random() < 0.2:  # extremes
            vals = [np.where(rng.random(s) < 0.5, -128, 127).astype(np.int8) for s in shapes]
    else:
        vals = [_float_input(rng, s) for s in shapes]
        if kind in _FLOAT_ONLY:  # TFLite Micro stops on a zero divisor
            b = vals[1]
            vals[1] = np.where(np.abs(b) < 0.1, np.float32(0.1) + np.abs(b), b).astype(np.float32)
    return mb.build(), vals


def _binary16(kind, rng, size):
    """16x8: symmetric int16 inputs and output, an output scale matching the result's range."""
    shapes, full = _binary_shapes(rng, size, _MAX_RANK.get(kind, 5))
    mb = ModelBuilder(f"tinycc int16 {kind} case")
    qs = [rand_quant(rng, "int16") for _ in range(3)]
    s1, s2 = qs[0][0], qs[1][0]
    if kind in ("MAXIMUM", "MINIMUM"):
        qs = [qs[0]] * 3
    else:
        typical = {"MUL": 32768 * s1 * s2, "SQUARED_DIFFERENCE": 32768 * max(s1, s2) ** 2}.get(kind, 2 * max(s1, s2))
        qs[2] = (typical * float(10 ** rng.uniform(-0.7, 0.7)), 0)
    xs = [act(mb, f"x{i}", s, "int16", qs[i], inp=True) for i, s in enumerate(shapes)]
    y = act(mb, "y", full, "int16", qs[2])
    opts = {"activation": ACTS[int(rng.integers(3))]} if kind in ("SUB", "MUL") else {}
    mb.op(kind, xs, [y], **opts)
    mb.output(y)
    return mb.build(), [rand_array(rng, s, "int16") for s in shapes]


def _register_binary(kind):
    @case(kind)
    def gen(rng, size):
        return _binary(kind, rng, size)
    gen.__name__ = kind.lower()
    return gen


for _k in ("SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU", "DIV", "FLOOR_DIV"):
    _register_binary(_k)
for _k in ("SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE"):  # TFLite Micro has no int16 PRELU
    case(_k)(lambda rng, size, _k=_k: _binary16(_k, rng, size)).__name__ = f"{_k.lower()}_s16"

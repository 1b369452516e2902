"""Cases of the int32 binary ops (ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE: TFLite
Micro's wrapping int32 arithmetic, truncating DIV) and of CAST, at the regimes of TFLite Micro's audio
preprocessor (a feature vector and an int32 scalar constant) and at the extremes."""
import numpy as np

from tinycc.testing import DTYPES, ModelBuilder

from . import case, rand_shape
from .elementwise import _binary_shapes

I32 = np.iinfo(np.int32)
_ACTS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")
_MAX_RANK = {"MUL": 4, "SQUARED_DIFFERENCE": 4}


def _int32_values(rng, shape, regime):
    if regime == 0:  # small, signed
        return rng.integers(-1000, 1001, shape).astype(np.int32)
    if regime == 1:  # the preprocessor's log-mel features
        return rng.integers(0, 40000, shape).astype(np.int32)
    if regime == 2:  # the whole range (sums and products wrap)
        return rng.integers(I32.min, I32.max, shape, endpoint=True).astype(np.int32)
    extremes = np.array([I32.min, I32.min + 1, -2, -1, 0, 1, 2, I32.max - 1, I32.max], np.int32)
    return extremes[rng.integers(0, len(extremes), shape)]


def _binary32(kind, rng, size):
    mb = ModelBuilder(f"tinycc int32 {kind} case")
    if rng.random() < 0.3:  # the preprocessor's form: a vector and a scalar constant
        shapes = [(int(rng.integers(1, 6 * size)),), ()]
        full = shapes[0]
    else:
        shapes, full = _binary_shapes(rng, size, _MAX_RANK.get(kind, 5))
    vals = [_int32_values(rng, s, int(rng.integers(4))) for s in shapes]
    if kind == "DIV":  # TFLite Micro stops on a zero divisor and traps on INT32_MIN / -1
        b = np.where(vals[1] == 0, np.int32(int(rng.choice([-3, 7]))), vals[1])
        a = np.broadcast_to(vals[0], full)
        bad = np.broadcast_to(b, full)[(a == I32.min) & (np.broadcast_to(b, full) == -1)]
        vals[1] = np.where(b == -1, np.int32(-2), b).astype(np.int32) if bad.size else b.astype(np.int32)
    ins = []
    const = len(shapes[1]) == 0 or rng.random() < 0.2
    for i, s in enumerate(shapes):
        ins.append(mb.const(f"c{i}", vals[i]) if i == 1 and const else mb.input(f"x{i}", s, "int32"))
    y = mb.tensor("y", full, "int32")
    opts = {"activation": _ACTS[int(rng.integers(len(_ACTS)))]} if kind in ("ADD", "SUB", "MUL", "DIV") else {}
    mb.op(kind, ins, [y], **opts)
    mb.output(y)
    return mb.build(), vals[:1] if const else vals


for _k in ("ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE"):
    case(_k)(lambda rng, size, _k=_k: _binary32(_k, rng, size)).__name__ = f"{_k.lower()}_s32"


# ---- CAST ------------------------------------------------------------------------------------------

CAST_TYPES = ("int8", "int16", "int32", "uint32", "float32")
#: the preprocessor's casts, drawn more often
_PREPROCESSOR = (("uint32", "int32"), ("int32", "uint32"), ("int16", "int32"), ("int32", "int8"),
                 ("int16", "float32"))


def _cast_values(rng, shape, dtype):
    if dtype == "float32":
        x = (rng.normal(0, 1, shape) * 10.0 ** rng.integers(0, 11, shape)).astype(np.float32)
        if rng.random() < 0.3:
            special = np.array([np.nan, np.inf, -np.inf, -0.5, 0.5, 2.5, -2.5, 127.9, -128.9, 2147483520.0,
                                -2147483648.0, 4294967040.0, 3e9, -3e9], np.float32)
            x = np.where(rng.random(shape) < 0.5, special[rng.integers(0, len(special), shape)], x)
        return x.astype(np.float32)
    info = np.iinfo(dtype)
    if rng.random() < 0.3:  # the extremes and the narrower types' boundaries
        edges = np.array([info.min, info.max, 0, 1, 127, 128, 255, 256, 32767, 32768, 65535, 65536], np.int64)
        edges = edges[(edges >= info.min) & (edges <= info.max)]
        if info.min < 0:
            edges = np.concatenate([edges, -edges[(edges > 0) & (-edges >= info.min)], [-1]])
        return edges[rng.integers(0, len(edges), shape)].astype(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)


@case("CAST")
def cast(rng, size):
    if rng.random() < 0.5:
        src, dst = _PREPROCESSOR[int(rng.integers(len(_PREPROCESSOR)))]
    else:
        src, dst = (CAST_TYPES[int(i)] for i in rng.choice(len(CAST_TYPES), 2, replace=False))
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    mb = ModelBuilder("tinycc CAST case")
    x = mb.input("x", shape, src)
    y = mb.tensor("y", shape, dst)
    mb.op("CAST", [x], [y], InDataType=DTYPES[src][0], OutDataType=DTYPES[dst][0])
    mb.output(y)
    return mb.build(), [_cast_values(rng, shape, src)]

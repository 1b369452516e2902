"""Random single-op (and small-graph) cases for the differential tests of tests/test_ops.py.

Each module registers generators with ``@case("OP")``: ``gen(rng, size) -> (model bytes, inputs)``,
a model written with tinycc.testing.ModelBuilder and its input arrays. ``size`` (1..8) bounds the
dimensions; the tests shrink a failing case by lowering it. Every module in this package is
imported, so an op family adds its cases in one new module.
"""
import importlib
import pkgutil

import numpy as np

from tinycc.testing import ModelBuilder

#: op name -> list of generators
CASES: dict = {}


def case(op):
    def register(fn):
        CASES.setdefault(op, []).append(fn)
        return fn
    return register


# ---- shared helpers ---------------------------------------------------------------------------------

DTYPES = ("int8", "float32")
DTYPES_16X8 = ("int8", "float32", "int16")  # ops with 16x8 support: int16 activations, int8 weights


def pick_dtype(rng, dtypes=DTYPES):
    return dtypes[int(rng.integers(len(dtypes)))]


def rand_shape(rng, size, rank=None, lo=1):
    rank = int(rng.integers(1, 5)) if rank is None else rank
    return tuple(int(rng.integers(lo, size + 1)) for _ in range(rank))


def rand_quant(rng, dtype="int8"):
    """(scale, zero point) of an int8 activation, or of an int16 one (symmetric: zero point 0)."""
    if dtype == "int16":
        return float(10 ** rng.uniform(-4.5, -2)), 0
    return float(10 ** rng.uniform(-2.5, 0)), int(rng.integers(-128, 128))


def rand_array(rng, shape, dtype):
    if dtype == "int8":
        return rng.integers(-128, 128, shape).astype(np.int8)
    if dtype == "int16":
        return rng.integers(-32768, 32768, shape).astype(np.int16)
    if dtype == "int32":
        return rng.integers(-1000, 1000, shape).astype(np.int32)
    return rng.normal(0.0, 2.0, shape).astype(np.float32)


def act(mb, name, shape, dtype, q=None, inp=False):
    """An activation tensor (graph input when inp) with quantization q for int8."""
    scale, zp = q if dtype in ("int8", "int16") else (None, 0)
    f = mb.input if inp else mb.tensor
    return f(name, shape, dtype, scale, zp)


def single(kind, rng, x_shapes, dtype, out_shapes, consts=(), q=None, out_q=None, **options):
    """A model with one op: graph inputs of x_shapes, then constant operands (arrays), outputs of
    out_shapes (one shared quantization q for int8 unless out_q). Returns (bytes, inputs)."""
    mb = ModelBuilder(f"tinycc {kind} case")
    q = q or rand_quant(rng, dtype)
    ins = [act(mb, f"x{i}", s, dtype, q, inp=True) for i, s in enumerate(x_shapes)]
    cs = [mb.const(f"c{i}", c) if c is not None else None for i, c in enumerate(consts)]
    outs = [act(mb, f"y{i}", s, dtype, out_q or q) for i, s in enumerate(out_shapes)]
    mb.op(kind, ins + cs, outs, **options)
    mb.output(*outs)
    return mb.build(), [rand_array(rng, s, dtype) for s in x_shapes]


for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")

"""Cases of the reductions (tinycc/ops/reduce.py): MEAN, SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX, ARG_MIN."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import act, case, pick_dtype, rand_array, rand_quant, rand_shape, single


def _axes(rng, rank):
    """Random axes (some negative, now and then repeated) of a rank-`rank` tensor (an empty axis
    list would be an empty constant, which the flatbuffer stores without data)."""
    n = int(rng.integers(1, rank + 1))
    axes = [int(a) for a in rng.choice(rank, size=n, replace=False)]
    axes = [a - rank if rng.random() < 0.3 else a for a in axes]
    if axes and rng.random() < 0.1:
        axes.append(axes[0])
    return axes


def _global(rng):
    """(shape, axes) of a CNN's global pooling: the spatial axes of an NHWC map of more channels than
    the kernels' blocks of 64 (MobileNetV2's 7x7x1280)."""
    return (1, int(rng.integers(1, 8)), int(rng.integers(1, 8)), int(rng.integers(65, 400))), [1, 2]


def _reduce(kind, rng, size, same_quant, shape=None, axes=None):
    rank = int(rng.integers(1, 6)) if rng.random() < 0.95 else 6
    if shape is None:
        shape = rand_shape(rng, max(2, size - rank // 2) if rank > 3 else size, rank)
        axes = _axes(rng, rank)
    rank = len(shape)
    keep = bool(rng.random() < 0.5)
    res = {a % rank for a in axes}
    out = tuple(1 if i in res else d for i, d in enumerate(shape)) if keep else \
        tuple(d for i, d in enumerate(shape) if i not in res)
    dtype = pick_dtype(rng)
    q = rand_quant(rng)
    if same_quant:
        out_q = q
    else:  # a sum grows with the count: mostly a coarser output scale
        n = int(np.prod([shape[a] for a in res], dtype=np.int64)) if res else 1
        grow = 1.0 if kind == "MEAN" else float(n if rng.random() < 0.5 else np.sqrt(n))
        scale = q[0] * grow * float(10 ** rng.uniform(-0.3 if kind == "MEAN" else 0.2, 0.7))
        center = (-0.5 - q[1]) * q[0] * (1 if kind == "MEAN" else n)  # the expected real output
        zp = int(np.clip(round(-center / scale) + rng.integers(-40, 41), -128, 127)) if rng.random() < 0.8 \
            else int(rng.integers(-128, 128))
        out_q = (scale, zp)
    return single(kind, rng, [shape], dtype, [out], consts=[np.array(axes, np.int32)], q=q, out_q=out_q,
                  KeepDims=keep)


def _reduce16(kind, rng, size):
    """int16 MEAN / SUM: symmetric scales, the output's matching the result's range."""
    rank = int(rng.integers(1, 5))
    shape = rand_shape(rng, size, rank)
    axes = _axes(rng, rank)
    if rng.random() < 0.2:
        shape, axes = _global(rng)
        rank = 4
    keep = bool(rng.random() < 0.5)
    res = {a % rank for a in axes}
    out = tuple(1 if i in res else d for i, d in enumerate(shape)) if keep else \
        tuple(d for i, d in enumerate(shape) if i not in res)
    q = rand_quant(rng, "int16")
    n = int(np.prod([shape[a] for a in res], dtype=np.int64)) if res else 1
    grow = 1.0 if kind == "MEAN" else float(np.sqrt(n))
    out_q = (q[0] * grow * float(10 ** rng.uniform(-0.3, 0.5)), 0)
    return single(kind, rng, [shape], "int16", [out], consts=[np.array(axes, np.int32)], q=q, out_q=out_q,
                  KeepDims=keep)


for _k in ("MEAN", "SUM"):  # TFLite Micro has no int16 REDUCE_MAX / REDUCE_MIN
    case(_k)(lambda rng, size, _k=_k: _reduce16(_k, rng, size)).__name__ = f"{_k.lower()}_s16"


@case("MEAN")
def mean(rng, size):
    return _reduce("MEAN", rng, size, rng.random() < 0.2, *(_global(rng) if rng.random() < 0.2 else ()))


@case("SUM")
def sum_(rng, size):
    return _reduce("SUM", rng, size, rng.random() < 0.2)


@case("REDUCE_MAX")
def reduce_max(rng, size):
    return _reduce("REDUCE_MAX", rng, size, True, *(_global(rng) if rng.random() < 0.2 else ()))


@case("REDUCE_MIN")
def reduce_min(rng, size):
    return _reduce("REDUCE_MIN", rng, size, True)


def _arg(kind, rng, size):
    rank = int(rng.integers(1, 6))
    shape = rand_shape(rng, size, rank)
    axis = int(rng.integers(-rank, rank))
    out = tuple(d for i, d in enumerate(shape) if i != axis % rank)
    dtype = pick_dtype(rng)
    mb = ModelBuilder(f"tinycc {kind} case")
    x = act(mb, "x0", shape, dtype, rand_quant(rng), inp=True)
    y = mb.tensor("y0", out, "int32")
    mb.op(kind, [x, mb.const("axis", np.array([axis], np.int32))], [y], OutputType=2)
    mb.output(y)
    if rng.random() < 0.4:  # ties: few distinct values
        xs = rng.integers(-2, 2, shape).astype(dtype)
    else:
        xs = rand_array(rng, shape, dtype)
    return mb.build(), [xs]


@case("ARG_MAX")
def arg_max(rng, size):
    return _arg("ARG_MAX", rng, size)


@case("ARG_MIN")
def arg_min(rng, size):
    return _arg("ARG_MIN", rng, size)


@case("LOG_SOFTMAX")
def log_softmax(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    shape = shape[:-1] + (int(rng.integers(1, 4 * size + 1)),)
    q = (float(10 ** rng.uniform(-2.5, 0.5)), int(rng.integers(-128, 128)))
    data, xs = single("LOG_SOFTMAX", rng, [shape], "int8", [shape], q=q, out_q=(16 / 256, 127))
    if rng.random() < 0.3:  # rows close to their maximum
        xs = [rng.integers(100, 128, shape).astype(np.int8)]
    return data, xs


@case("LOG_SOFTMAX")
def log_softmax_f32(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    shape = shape[:-1] + (int(rng.integers(1, 4 * size + 1)),)
    data, xs = single("LOG_SOFTMAX", rng, [shape], "float32", [shape])
    return data, [(xs[0] * np.float32(10 ** rng.uniform(-1, 1.5))).astype(np.float32)]


@case("L2_NORMALIZATION")
def l2_normalization(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    shape = shape[:-1] + (int(rng.integers(1, 4 * size + 1)),)
    dtype = pick_dtype(rng)
    data, xs = single("L2_NORMALIZATION", rng, [shape], dtype, [shape], out_q=(1 / 128, 0))
    if rng.random() < 0.15:  # rows at the zero point (sum of squares <= 1)
        xs = [np.zeros(shape, dtype)]
    return data, xs

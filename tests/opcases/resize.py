"""Cases of RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (tinycc/ops/resize.py)."""
import numpy as np

from . import DTYPES_16X8, case, pick_dtype, single


def _resize(kind, rng, size):
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, size + 1))
    h, w = int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1))
    oh, ow = (int(rng.integers(1, 3 * size + 1)) for _ in range(2))  # up- and downscales
    align, half = bool(rng.random() < 0.4), bool(rng.random() < 0.4)
    if kind == "RESIZE_BILINEAR" and align and half:
        half = False
    dtype = pick_dtype(rng, DTYPES_16X8 if kind == "RESIZE_NEAREST_NEIGHBOR" else ("int8", "float32"))
    return single(kind, rng, [(n, h, w, c)], dtype, [(n, oh, ow, c)],
                  consts=[np.array([oh, ow], np.int32)], AlignCorners=align, HalfPixelCenters=half)


@case("RESIZE_NEAREST_NEIGHBOR")
def resize_nearest(rng, size):
    return _resize("RESIZE_NEAREST_NEIGHBOR", rng, size)


@case("RESIZE_BILINEAR")
def resize_bilinear(rng, size):
    return _resize("RESIZE_BILINEAR", rng, size)


@case("GATHER")
def gather(rng, size):
    rank = int(rng.integers(1, 5))
    shape = tuple(int(rng.integers(1, size + 1)) for _ in range(rank))
    axis = int(rng.integers(-rank, rank))
    a = axis % rank
    ishape = tuple(int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 3))))
    idx = rng.integers(0, shape[a], ishape).astype(np.int32)
    out = shape[:a] + ishape + shape[a + 1:]
    return single("GATHER", rng, [shape], pick_dtype(rng), [out], consts=[idx], Axis=axis, BatchDims=0)

"""Cases of SHAPE (tinycc/ops/shape.py), alone and in Keras's flatten (SHAPE -> STRIDED_SLICE -> PACK
-> RESHAPE, which fold_constants makes constant), and of RESHAPE with a non-constant shape operand."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import DTYPES_16X8, act, case, pick_dtype, rand_array, rand_quant, rand_shape


@case("SHAPE")
def shape_output(rng, size):
    """SHAPE's int32 output is a graph output (not folded: written by a copy from a constant), of an
    input of rank 1..5 (now and then 0) of any type; sometimes the input is also copied through a
    RESHAPE to a second output."""
    rank = 0 if rng.random() < 0.05 else int(rng.integers(1, 6))
    shape = rand_shape(rng, size, rank)
    dtype = pick_dtype(rng, DTYPES_16X8 + ("int32",))
    q = rand_quant(rng, dtype) if dtype != "int32" else None
    mb = ModelBuilder("tinycc SHAPE case")
    x = act(mb, "x", shape, dtype, q, inp=True)
    s = mb.tensor("s", (rank,), "int32")
    mb.op("SHAPE", [x], [s], out_type="int32")
    mb.output(s)
    if rng.random() < 0.4:
        flat = act(mb, "flat", (int(np.prod(shape, dtype=np.int64)),), dtype, q)
        mb.op("RESHAPE", [x], [flat], new_shape=flat.shape)
        mb.output(flat)
    return mb.build(), [rand_array(rng, shape, dtype)]


@case("SHAPE")
def shape_flatten(rng, size):
    """Keras's flatten with a dynamic batch: SHAPE(x) -> STRIDED_SLICE (the batch, shrunk to a
    scalar) -> PACK with -1 or the flat size -> RESHAPE(x) (after an ADD, so x is an activation);
    now and then the shape is a graph output too (then nothing folds and RESHAPE's shape operand
    stays non-constant)."""
    rank = int(rng.integers(2, 6))
    shape = rand_shape(rng, size, rank)
    dtype = pick_dtype(rng, DTYPES_16X8)
    q = rand_quant(rng, dtype)
    mb = ModelBuilder("tinycc SHAPE flatten case")
    x = act(mb, "x", shape, dtype, q, inp=True)
    h = act(mb, "h", shape, dtype, q)
    mb.op("ADD", [x, x], [h])
    s = mb.tensor("s", (rank,), "int32")
    mb.op("SHAPE", [h], [s])
    batch = mb.tensor("batch", (), "int32")
    mb.op("STRIDED_SLICE", [s, mb.const("begin", np.int32([0])), mb.const("end", np.int32([1])),
                            mb.const("strides", np.int32([1]))], [batch], ShrinkAxisMask=1)
    rest = int(np.prod(shape[1:], dtype=np.int64))
    new_shape = mb.tensor("new_shape", (2,), "int32")
    mb.op("PACK", [batch, mb.const("rest", np.int32(-1 if rng.random() < 0.5 else rest))], [new_shape],
          ValuesCount=2, Axis=0)
    y = act(mb, "y", (shape[0], rest), dtype, q)
    mb.op("RESHAPE", [h, new_shape], [y])
    mb.output(y)
    if rng.random() < 0.2:
        mb.output(s)
    return mb.build(), [rand_array(rng, shape, dtype)]


@case("RESHAPE")
def reshape_shape_input(rng, size):
    """RESHAPE's shape operand a graph input fed the shape or anything: TFLite Micro reads neither
    it nor the option, the output tensor's shape is the output shape."""
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    out = (int(np.prod(shape)),) if rng.random() < 0.5 else tuple(reversed(shape))
    dtype = pick_dtype(rng, DTYPES_16X8)
    q = rand_quant(rng, dtype)
    mb = ModelBuilder("tinycc RESHAPE case")
    x = act(mb, "x", shape, dtype, q, inp=True)
    s = mb.input("shape", (len(out),), "int32")
    y = act(mb, "y", out, dtype, q)
    mb.op("RESHAPE", [x, s], [y])
    mb.output(y)
    value = np.array(out, np.int32) if rng.random() < 0.5 else rng.integers(-3, 9, len(out)).astype(np.int32)
    return mb.build(), [rand_array(rng, shape, dtype), value]

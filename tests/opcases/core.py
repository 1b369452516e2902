"""Cases of the first ops (convolutions, fully connected, pooling, ADD, SOFTMAX, RESHAPE,
QUANTIZE, DEQUANTIZE)."""
import numpy as np

from tinycc.testing import ModelBuilder, bias_for, quantize_weights_per_channel

from . import DTYPES_16X8, act, case, pick_dtype, rand_array, rand_quant, rand_shape, single

ACTS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def _out(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    return -(-size // stride) if padding == "SAME" else (size - eff + stride) // stride


def _weights(rng, mb, dtype, shape, axis, x_scale, bias, wide_bias=False, bias_dtype=None):
    """Random weights (int8 per-channel or per-tensor, or float32) and bias constants (for int16
    activations an int64 bias, or now and then an int32 one unless ``wide_bias``; ``bias_dtype``
    forces the quantized bias type, its values clipped to it)."""
    units = shape[axis]
    w = rng.normal(0.0, 0.5, shape)
    if dtype == "float32":
        wt = mb.const("w", w.astype(np.float32))
        return wt, mb.const("b", rng.normal(0, 1.0, units).astype(np.float32)) if bias else None
    if rng.random() < 0.7:
        q, s = quantize_weights_per_channel(w, axis)
    else:
        s = np.array([max(np.abs(w).max(), 1e-3) / 127], np.float32)
        q = np.clip(np.round(w / s[0]), -127, 127).astype(np.int8)
    wt = mb.const("w", q, scale=s, zero_point=0, axis=axis if s.size > 1 else 0)
    if not bias:
        return wt, None
    bq, bs = bias_for(rng.normal(0, 2.0, units), x_scale, s)
    if dtype == "int16" and (wide_bias or rng.random() < 0.6):
        bq = bq.astype(np.int64)
    if bias_dtype is not None:
        info = np.iinfo(bias_dtype)
        bq = np.clip(bq, info.min, info.max).astype(bias_dtype)
    return wt, mb.const("b", bq, scale=bs, zero_point=0)


def _geometry(rng, size):
    k = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if rng.random() < 0.3 else (1, 1)
    pad = ["SAME", "VALID"][int(rng.integers(2))]
    while True:
        h, w = int(rng.integers(1, size + 3)), int(rng.integers(1, size + 3))
        oh, ow = _out(h, k[0], stride[0], dil[0], pad), _out(w, k[1], stride[1], dil[1], pad)
        if oh >= 1 and ow >= 1:
            return h, w, k, stride, dil, pad, oh, ow


def _conv(kind, rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)
    h, w, k, stride, dil, pad, oh, ow = _geometry(rng, size)
    n = 1 + int(rng.random() < 0.2)
    c = int(rng.choice([1, 2, 3, 4, 5, 8, 13, 16, 17, 32, 40, 64]))
    mb = ModelBuilder(f"tinycc {kind} case")
    xq, yq = rand_quant(rng, dtype), rand_quant(rng, dtype)
    x = act(mb, "x", (n, h, w, c), dtype, xq, inp=True)
    opts = dict(padding=pad, stride=stride, dilation=dil, activation=ACTS[int(rng.integers(4))])
    if kind == "CONV_2D":
        oc = int(rng.integers(1, 20))
        wt, b = _weights(rng, mb, dtype, (oc, k[0], k[1], c), 0, xq[0], rng.random() < 0.8)
    else:
        dm = int(rng.choice([1, 1, 2, 3]))
        oc = c * dm
        # TFLite Micro crashes on a depthwise convolution without bias: always give one
        wt, b = _weights(rng, mb, dtype, (1, k[0], k[1], oc), 3, xq[0], True, wide_bias=True)
        opts["depth_multiplier"] = dm
    y = act(mb, "y", (n, oh, ow, oc), dtype, yq)
    mb.op(kind, [x, wt, b], [y], **opts)
    mb.output(y)
    return mb.build(), [rand_array(rng, (n, h, w, c), dtype)]


@case("CONV_2D")
def conv2d(rng, size):
    return _conv("CONV_2D", rng, size)


@case("DEPTHWISE_CONV_2D")
def depthwise_conv2d(rng, size):
    return _conv("DEPTHWISE_CONV_2D", rng, size)


@case("FULLY_CONNECTED")
def fully_connected(rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)
    keep = rng.random() < 0.3
    shape = rand_shape(rng, size, int(rng.integers(2, 4)))
    shape = shape[:-1] + (int(rng.integers(1, 8 * size)),)
    units = int(rng.integers(1, 4 * size))
    out = shape[:-1] + (units,) if keep else (int(np.prod(shape[:-1])), units)
    mb = ModelBuilder("tinycc FULLY_CONNECTED case")
    xq, yq = rand_quant(rng, dtype), rand_quant(rng, dtype)
    x = act(mb, "x", shape, dtype, xq, inp=True)
    wt, b = _weights(rng, mb, dtype, (units, shape[-1]), 0, xq[0], rng.random() < 0.8)
    y = act(mb, "y", out, dtype, yq)
    mb.op("FULLY_CONNECTED", [x, wt, b], [y], activation=ACTS[int(rng.integers(3))], keep_num_dims=keep)
    mb.output(y)
    return mb.build(), [rand_array(rng, shape, dtype)]


def _pool(kind, rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)
    while True:
        h, w, k, stride, _, pad, _, _ = _geometry(rng, size)
        oh, ow = _out(h, k[0], stride[0], 1, pad), _out(w, k[1], stride[1], 1, pad)
        if oh >= 1 and ow >= 1:
            break
    n, c = 1 + int(rng.random() < 0.2), int(rng.choice([1, 3, 4, 5, 8, 17]))
    return single(kind, rng, [(n, h, w, c)], dtype, [(n, oh, ow, c)], padding=pad, stride=stride, filter=k,
                  activation=ACTS[int(rng.integers(4))])


@case("AVERAGE_POOL_2D")
def average_pool(rng, size):
    return _pool("AVERAGE_POOL_2D", rng, size)


@case("MAX_POOL_2D")
def max_pool(rng, size):
    return _pool("MAX_POOL_2D", rng, size)


@case("ADD")
def add(rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)
    out = rand_shape(rng, size, int(rng.integers(1, 6)))
    shapes = []
    for _ in range(2):
        s = tuple(d if rng.random() < 0.7 else 1 for d in out)
        shapes.append(s[int(rng.integers(0, len(s))):] if rng.random() < 0.2 else s)
    full = tuple(np.broadcast_shapes(*shapes))
    mb = ModelBuilder("tinycc ADD case")
    xs = [act(mb, f"x{i}", s, dtype, rand_quant(rng, dtype), inp=True) for i, s in enumerate(shapes)]
    y = act(mb, "y", full, dtype, rand_quant(rng, dtype))
    mb.op("ADD", xs, [y], activation=ACTS[int(rng.integers(3))])
    mb.output(y)
    return mb.build(), [rand_array(rng, s, dtype) for s in shapes]


@case("SOFTMAX")
def softmax(rng, size):
    dtype = pick_dtype(rng)
    shape = rand_shape(rng, size, int(rng.integers(1, 4)))
    shape = shape[:-1] + (int(rng.integers(1, 12 * size)),)
    beta = float(rng.choice([1.0, 0.5, 2.0]))
    if rng.random() < 0.3:  # 16-bit: int16 -> int16 (TFLite's tables), or int8 -> int16
        src = "int16" if rng.random() < 0.6 else "int8"
        q = (float(10 ** rng.uniform(-4, -1.5)), 0) if src == "int16" else \
            (float(10 ** rng.uniform(-2, 0.3)), int(rng.integers(-128, 128)))
        mb = ModelBuilder("tinycc SOFTMAX 16-bit case")
        x = act(mb, "x", shape, src, q, inp=True)
        y = mb.tensor("y", shape, "int16", *((1 / 32768, 0) if src == "int16" else (1 / 65536, -32768)))
        mb.op("SOFTMAX", [x], [y], beta=beta)
        mb.output(y)
        return mb.build(), [rand_array(rng, shape, src)]
    q = (float(10 ** rng.uniform(-2, 0.3)), int(rng.integers(-128, 128)))
    return single("SOFTMAX", rng, [shape], dtype, [shape], q=q, out_q=(1 / 256, -128), beta=beta)


@case("RESHAPE")
def reshape(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    flat = int(np.prod(shape))
    out = [flat]
    for d in (2, 3, 5, 7):
        if out[-1] % d == 0 and rng.random() < 0.5:
            out = out[:-1] + [out[-1] // d, d]
    out = tuple(int(v) for v in rng.permutation(out))
    return single("RESHAPE", rng, [shape], pick_dtype(rng, DTYPES_16X8), [out], new_shape=out)


@case("QUANTIZE")
def quantize(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    src, dst = pick_dtype(rng, DTYPES_16X8), pick_dtype(rng, ("int8", "int16"))
    if src != "float32" and rng.random() < 0.25:  # int8 / int16 -> int32 (e.g. a model's int32 output)
        dst = "int32"
    mb = ModelBuilder("tinycc QUANTIZE case")
    xq = rand_quant(rng, src)
    if src == "int16" and rng.random() < 0.3:  # any input zero point (SOFTMAX's int16 output: -32768)
        xq = (xq[0], int(rng.choice([-32768, int(rng.integers(-32768, 32768))])))
    x = act(mb, "x", shape, src, xq, inp=True)
    if dst == "int32":
        yq = (xq[0] * float(10 ** rng.uniform(-3, 1)), int(rng.choice([0, 0, int(rng.integers(-2 ** 31, 2 ** 31))])))
        y = mb.tensor("y", shape, "int32", *yq)
    else:
        y = act(mb, "y", shape, dst, rand_quant(rng, dst))
    mb.op("QUANTIZE", [x], [y])
    mb.output(y)
    xv = rand_array(rng, shape, src)
    if src == "float32":
        xv = (xv * np.float32(10 ** rng.uniform(-2, 1) / (100 if dst == "int16" else 1))).astype(np.float32)
    return mb.build(), [xv]


#: SEANet's int32 <-> int16 QUANTIZE layers: int32 scale ~1.5e-7, int16 scales ~5e-4 .. 1e-3
_SEANET_S32, _SEANET_S16 = 1.4901161e-07, (4.9e-4, 9.3e-4)


@case("QUANTIZE")
def quantize_wide(rng, size):
    """Requantize with int32 on one side (int16 <-> int32 as SEANet, int8 <-> int32): scales around
    SEANet's or uniform random ones; int32 zero points mostly 0, sometimes anywhere (the int32
    arithmetic wraps, as TFLite Micro's); int32 inputs over their full range or that of the scaled
    int16 values they usually hold."""
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    narrow = "int16" if rng.random() < 0.7 else "int8"
    src, dst = ("int32", narrow) if rng.random() < 0.5 else (narrow, "int32")
    if rng.random() < 0.5:  # SEANet's regime
        s32 = _SEANET_S32 * float(10 ** rng.uniform(-0.5, 0.5))
        qn = (float(rng.choice(_SEANET_S16)) * float(10 ** rng.uniform(-0.3, 0.3)),
              0 if narrow == "int16" else int(rng.integers(-128, 128)))
    else:
        while True:
            s32, qn = float(10 ** rng.uniform(-9, 0)), rand_quant(rng, narrow)
            if max(s32 / qn[0], qn[0] / s32) < 2.0 ** 30:
                break
    z32 = 0 if rng.random() < 0.7 else int(rng.integers(-(1 << 31), 1 << 31) if rng.random() < 0.5
                                           else rng.integers(-1000, 1001))
    mb = ModelBuilder("tinycc QUANTIZE case")
    x = mb.input("x", shape, src, *((s32, z32) if src == "int32" else qn))
    y = mb.tensor("y", shape, dst, *((s32, z32) if dst == "int32" else qn))
    mb.op("QUANTIZE", [x], [y])
    mb.output(y)
    if src == "int32":
        lim = 1 << 31 if rng.random() < 0.4 else int(min(2 ** 31, 32768 * qn[0] / s32 * 2))
        xv = rng.integers(-lim, lim, shape).astype(np.int32)
    else:
        xv = rand_array(rng, shape, src)
    return mb.build(), [xv]


@case("DEQUANTIZE")
def dequantize(rng, size):
    shape = rand_shape(rng, size, int(rng.integers(1, 5)))
    src = pick_dtype(rng, ("int8", "int16"))
    mb = ModelBuilder("tinycc DEQUANTIZE case")
    x = act(mb, "x", shape, src, rand_quant(rng, src), inp=True)
    y = act(mb, "y", shape, "float32")
    mb.op("DEQUANTIZE", [x], [y])
    mb.output(y)
    return mb.build(), [rand_array(rng, shape, src)]

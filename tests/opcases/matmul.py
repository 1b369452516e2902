"""Cases of BATCH_MATMUL and TRANSPOSE_CONV (tinycc/ops/matmul.py)."""
import numpy as np

from tinycc.testing import ModelBuilder, bias_for, quantize_weights_per_channel

from . import DTYPES_16X8, act, case, pick_dtype, rand_array, rand_quant
from .core import ACTS, _weights


def _q(rng):
    """An int8 quantization with a moderate zero point (products of two operands stay in range)."""
    return float(10 ** rng.uniform(-2.5, 0)), int(rng.integers(-30, 31)) if rng.random() < 0.8 else \
        int(rng.integers(-128, 128))


@case("BATCH_MATMUL")
def batch_matmul(rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)  # int16: both operands int16 (TFLite's 16x16)
    r = int(rng.integers(2, 6))
    batch = [int(rng.integers(1, 4)) for _ in range(r - 2)]
    la = [d if rng.random() < 0.7 else 1 for d in batch]
    lb = [d if rng.random() < 0.7 else 1 for d in batch]
    ra, rb = int(rng.integers(2, r + 1)), int(rng.integers(2, r + 1))  # operand ranks (broadcast by rank too)
    if rng.random() < 0.5:
        ra = r
    else:
        rb = r
    m, k, n = (int(rng.integers(1, size + 1)) for _ in range(3))
    adj_x, adj_y = bool(rng.random() < 0.4), bool(rng.random() < 0.4)
    a_shape = tuple(la[r - ra:]) + ((k, m) if adj_x else (m, k))
    b_shape = tuple(lb[r - rb:]) + ((n, k) if adj_y else (k, n))
    la, lb = [1] * (r - ra) + la[r - ra:], [1] * (r - rb) + lb[r - rb:]  # what the lower rank leaves
    out = tuple(max(x, y) for x, y in zip(la, lb)) + (m, n)
    mb = ModelBuilder("tinycc BATCH_MATMUL case")
    if dtype == "int16":
        qa, qb = rand_quant(rng, dtype), rand_quant(rng, dtype)
        qy = (qa[0] * qb[0] * 60 * 65536 * max(1.0, np.sqrt(k)) * float(10 ** rng.uniform(-0.3, 0.5)), 0)
    else:
        qa, qb = _q(rng), _q(rng)
        qy = (qa[0] * qb[0] * 60 * max(1.0, np.sqrt(k)) * float(10 ** rng.uniform(-0.3, 0.5)),
              int(rng.integers(-40, 41)))
    xa = act(mb, "a", a_shape, dtype, qa, inp=True)
    const_b = rng.random() < 0.3
    if const_b:
        bdata = rand_array(rng, b_shape, dtype)
        xb = mb.const("b", bdata, *((qb[0], qb[1]) if dtype != "float32" else ()))
    else:
        xb = act(mb, "b", b_shape, dtype, qb, inp=True)
    y = act(mb, "y", out, dtype, qy)
    mb.op("BATCH_MATMUL", [xa, xb], [y], AdjX=adj_x, AdjY=adj_y)
    mb.output(y)
    ins = [rand_array(rng, a_shape, dtype)] + ([] if const_b else [rand_array(rng, b_shape, dtype)])
    return mb.build(), ins


@case("TRANSPOSE_CONV")
def transpose_conv(rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)
    n, c, oc = int(rng.integers(1, 3)), int(rng.integers(1, size + 1)), int(rng.integers(1, size + 1))
    h, w = int(rng.integers(1, size // 2 + 2)), int(rng.integers(1, size // 2 + 2))
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    pad = int(rng.integers(2))  # 0 SAME, 1 VALID
    oh = h * sh if pad == 0 else (h - 1) * sh + kh
    ow = w * sw if pad == 0 else (w - 1) * sw + kw
    if rng.random() < 0.2:  # sizes TFLite accepts without checking
        oh, ow = max(1, oh + int(rng.integers(-1, 2))), max(1, ow + int(rng.integers(-1, 2)))
    mb = ModelBuilder("tinycc TRANSPOSE_CONV case")
    xq = rand_quant(rng, dtype)
    yq = (xq[0] * float(10 ** rng.uniform(-0.2, 0.8)), 0 if dtype == "int16" else int(rng.integers(-60, 61)))
    x = act(mb, "x", (n, h, w, c), dtype, xq, inp=True)
    bias_dtype = (np.int16 if rng.random() < 0.4 else np.int64) if dtype == "int16" else None  # TFLite Micro's
    wt, b = _weights(rng, mb, dtype, (oc, kh, kw, c), 0, xq[0], rng.random() < 0.7, bias_dtype=bias_dtype)
    y = act(mb, "y", (n, oh, ow, oc), dtype, yq)
    shape, shape_value = _output_shape(rng, mb, (n, oh, ow, oc))
    mb.op("TRANSPOSE_CONV", [shape, wt, x] + ([b] if b is not None else []), [y], Padding=pad, StrideH=sh,
          StrideW=sw, FusedActivationFunction=int(rng.choice([0, 0, 1, 3, 2])))
    mb.output(y)
    return mb.build(), [rand_array(rng, (n, h, w, c), dtype)] + shape_value


def _output_shape(rng, mb, out_shape, p_input=0.25):
    """The output_shape operand: an int32 constant, or (p_input) a graph input (added after the
    other inputs) fed the output's shape or random values, which TFLite Micro ignores. Returns the
    tensor and the inputs it adds."""
    if rng.random() >= p_input:
        return mb.const("output_shape", np.array(out_shape, np.int32)), []
    t = mb.input("output_shape", (4,), "int32")
    value = np.array(out_shape, np.int32) if rng.random() < 0.5 else rng.integers(-9, 99, 4).astype(np.int32)
    return t, [value]


@case("TRANSPOSE_CONV")
def transpose_conv_seanet(rng, size):
    """SEANet's 16x8 decoder layers: int16 activations, int8 per-channel weights [oc, 3 or 4, 4, c],
    an int64 bias, VALID padding, strides (1, 2) or (2, 2), one or two input rows; output_shape a
    graph input (the first, as SEANet's) fed anything, now and then a constant."""
    kh, (sh, sw) = int(rng.choice([3, 4])), ((1, 2), (2, 2))[int(rng.random() < 0.3)]
    kw = 4
    h, w = int(rng.integers(1, 3)), int(rng.integers(1, size + 3))
    c, oc = (int(rng.choice([v for v in (4, 8, 16, 32, 64) if v <= 8 * size] or [size])) for _ in range(2))
    oh, ow = (h - 1) * sh + kh, (w - 1) * sw + kw
    xq = (float(10 ** rng.uniform(-3.1, -1.7)), 0)
    yq = (xq[0] * float(10 ** rng.uniform(-0.3, 0.3)), 0)
    mb = ModelBuilder("tinycc TRANSPOSE_CONV SEANet case")
    first_shape = rng.random() < 0.8
    if first_shape:
        shape, shape_value = _output_shape(rng, mb, (1, oh, ow, oc), p_input=1.0)
    x = act(mb, "x", (1, h, w, c), "int16", xq, inp=True)
    if not first_shape:
        shape, shape_value = _output_shape(rng, mb, (1, oh, ow, oc), p_input=0.5)
    spread = 10 ** rng.uniform(-0.5, 0.5, (oc, 1, 1, 1))  # per-channel ranges differ, as SEANet's
    wq, ws = quantize_weights_per_channel(rng.normal(0.0, 0.5, (oc, kh, kw, c)) * spread, 0)
    wt = mb.const("w", wq, scale=ws, zero_point=0, axis=0)
    bq, bs = bias_for(rng.normal(0, 0.1, oc), xq[0], ws)
    bq = bq.astype(np.int64)
    if rng.random() < 0.2:  # beyond int32: the 64-bit accumulation
        bq = bq * int(rng.integers(1, 1 << 20))
    b = mb.const("b", bq, scale=bs, zero_point=0) if rng.random() < 0.9 else None
    y = act(mb, "y", (1, oh, ow, oc), "int16", yq)
    mb.op("TRANSPOSE_CONV", [shape, wt, x] + ([b] if b is not None else []), [y], Padding=1, StrideH=sh,
          StrideW=sw, FusedActivationFunction=0)
    mb.output(y)
    xs = [rand_array(rng, (1, h, w, c), "int16")]
    return mb.build(), (shape_value + xs if first_shape else xs + shape_value)

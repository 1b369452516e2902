"""Cases of UNIDIRECTIONAL_SEQUENCE_LSTM: int8 (8x8->16, per-tensor weights, a power-of-two int16 cell
scale), 16x8 (int16 activations) and float32, batch-major and time-major, with and without a cell clip (TANH cell gates: TFLite
Micro applies no other activation). The models keep state: tests/test_ops.py runs each one several
times in a row, then resets it."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import DTYPES_16X8, case, pick_dtype, rand_array

NONE = None


def _per_tensor(rng, w):
    s = max(float(np.abs(w).max()), 1e-3) / 127 * float(rng.uniform(1.0, 1.5))
    return np.clip(np.round(w / s), -127, 127).astype(np.int8), s


@case("UNIDIRECTIONAL_SEQUENCE_LSTM")
def lstm(rng, size):
    dtype = pick_dtype(rng, DTYPES_16X8)
    batch, steps = int(rng.integers(1, 4)), int(rng.integers(1, size + 2))
    n_in, units = int(rng.integers(1, 2 * size + 2)), int(rng.integers(1, 2 * size + 2))
    time_major = bool(rng.random() < 0.4)
    seq = (steps, batch) if time_major else (batch, steps)
    clip = float(rng.choice([0.0, 0.0, float(rng.uniform(0.3, 8.0))]))
    quant = dtype != "float32"
    mb = ModelBuilder("tinycc UNIDIRECTIONAL_SEQUENCE_LSTM case")
    if dtype == "int16":  # 16x8: symmetric int16 activations, the hidden state on 2**-15
        x_scale = float(10 ** rng.uniform(-4.5, -3.3))
        x_zp, h_zp = 0, 0
        h_scale = float(rng.choice([2.0 ** -15, 2.0 ** -15, 10 ** rng.uniform(-5, -3)]))
        c_scale = 2.0 ** -int(rng.choice([8, 10, 11, 11, 12, 13, 15, int(rng.integers(-2, 28))]))
        x = mb.input("x", seq + (n_in,), "int16", x_scale, 0)
    elif quant:
        x_scale = float(10 ** rng.uniform(-2.3, -1.3))  # inputs within about +-0.6 .. +-6
        x_zp = int(rng.integers(-128, 128))
        # the hidden state is in (-1, 1): a scale near 1/128, or a random one now and then
        h_scale = float(rng.choice([1 / 128, 1 / 128 * rng.uniform(0.5, 2), 10 ** rng.uniform(-3, 0)]))
        h_zp = int(rng.integers(-20, 21)) if rng.random() < 0.7 else int(rng.integers(-128, 128))
        # cell range +-16 is the converter's usual choice (2**-11); others, extreme ones now and then
        c_scale = 2.0 ** -int(rng.choice([8, 9, 10, 11, 11, 11, 12, 13, 15, int(rng.integers(-2, 28))]))
        x = mb.input("x", seq + (n_in,), "int8", x_scale, x_zp)
    else:
        x = mb.input("x", seq + (n_in,), "float32")
    ws, rs, bs = [], [], []
    for g in ("input", "forget", "cell", "output"):
        w = rng.normal(0, 1.2 / np.sqrt(n_in), (units, n_in))
        r = rng.normal(0, 1.2 / np.sqrt(units), (units, units))
        b = rng.normal(1.0 if g == "forget" else 0.0, 0.5, units)
        if quant:
            wq, ws_ = _per_tensor(rng, w)
            rq, rs_ = _per_tensor(rng, r)
            ws.append(mb.const(f"w_{g}", wq, scale=ws_, zero_point=0))
            rs.append(mb.const(f"r_{g}", rq, scale=rs_, zero_point=0))
            bscale = x_scale * ws_
            bq = np.clip(np.round(b / bscale), -2 ** 31, 2 ** 31 - 1).astype(np.int32 if dtype == "int8" else np.int64)
            bs.append(mb.const(f"b_{g}", bq, scale=bscale, zero_point=0))
        else:
            ws.append(mb.const(f"w_{g}", w.astype(np.float32)))
            rs.append(mb.const(f"r_{g}", r.astype(np.float32)))
            bs.append(mb.const(f"b_{g}", b.astype(np.float32)))
    if quant:
        h = mb.variable("h", (batch, units), dtype, h_scale, h_zp)
        c = mb.variable("c", (batch, units), "int16", c_scale, 0)
        y = mb.tensor("y", seq + (units,), dtype, h_scale, h_zp)
    else:
        h = mb.variable("h", (batch, units), "float32")
        c = mb.variable("c", (batch, units), "float32")
        y = mb.tensor("y", seq + (units,), "float32")
    operands = [x] + ws + rs + [NONE] * 3 + bs + [NONE] * 2 + [h, c] + [NONE] * 4
    # the converter lists calibration tensors as the op's intermediates; runtimes ignore them
    # (four empty float32 tensors and an empty int8 one, as it writes them)
    mids = [mb.tensor(f"mid{k}", (0,), "float32") for k in range(4)] + \
        [mb.tensor("mid4", (0,), "int8", 0.007, 0)] if quant and rng.random() < 0.5 else []
    mb.op("UNIDIRECTIONAL_SEQUENCE_LSTM", operands, [y], intermediates=mids, FusedActivationFunction=4,
          CellClip=clip, TimeMajor=time_major)
    mb.output(y)
    xs = rand_array(rng, seq + (n_in,), dtype)
    if not quant:
        xs = (xs * 0.7).astype(np.float32)
    return mb.build(), [xs]

"""Cases of SVDF (tinycc/ops/svdf.py): int8 input and output with an int16 activation state and
int16 weights_time (TFLite Micro's full-integer SVDF) or an int8 state and int8 weights_time, and
float32; rank 1 to 3, batch 1 or 2, memory from 1, every fused activation tinycc takes. Three
regimes: the keyword_scrambled models' (full-range "scrambled" weights and int32 biases, their
layers' scales drawn around, shapes like theirs as far as ``size`` allows), calibrated (normal
weights, the state and output ranges fitted to the float model's values over the calls the test
makes, as a converter would) and random (random integer weights and biases, random input scales
and zero points, the fitted state and output scales off by up to 10x either way). The models keep state: tests/test_ops.py runs each
one several times in a row, then resets it."""
import numpy as np

from tinycc.testing import ModelBuilder

from . import case, rand_array

ACTS = ("NONE", "RELU", "RELU", "RELU6", "RELU_N1_TO_1")


def _log_uniform(rng, lo, hi):
    return float(10 ** rng.uniform(np.log10(lo), np.log10(hi)))


def _sym(rng, w, bits):
    """Symmetric per-tensor quantization of float w to int8 / int16: (values, scale)."""
    top = (1 << (bits - 1)) - 1
    s = max(float(np.abs(w).max()), 1e-6) / top * float(rng.uniform(1.0, 1.3))
    return np.clip(np.round(w / s), -top, top).astype(np.int8 if bits == 8 else np.int16), s


def _asym(lo, hi, bits=8):
    """(scale, zero point) covering [lo, hi] (and 0) with an int8 or int16-symmetric range."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if bits == 16:
        return max(abs(lo), abs(hi), 1e-6) / 32767, 0
    s = max(hi - lo, 1e-6) / 255
    return s, int(np.clip(np.round(-128 - lo / s), -128, 127))


def _float_svdf(x_seq, wf, wt, bias, rank, act):
    """The float model over a sequence of inputs: (feature values, outputs), for calibration."""
    batch, filters, mem = x_seq[0].shape[0], wf.shape[0], wt.shape[1]
    state = np.zeros((batch, filters, mem))
    feats, outs = [], []
    for x in x_seq:
        state = np.concatenate([state[:, :, 1:], (x @ wf.T)[:, :, None]], axis=2)
        feats.append(state[:, :, -1])
        t = np.einsum("bfm,fm->bf", state, wt).reshape(batch, -1, rank).sum(axis=2)
        y = bias + t
        outs.append(np.maximum(y, 0) if act == "RELU" else y)
    return np.concatenate(feats), np.concatenate(outs)


def _geometry(rng, size, realistic):
    if realistic:  # the keyword models' layers: (n_in, units, memory) = (96|16|32, 64|32, 8|32), rank 1
        n_in = min(int(rng.choice([16, 32, 96])), 12 * size)
        units = min(int(rng.choice([32, 64])), 8 * size)
        memory = min(int(rng.choice([8, 8, 32])), 4 * size)
        rank = 1 if rng.random() < 0.7 else 2
        batch = 1 if rng.random() < 0.7 else 2
    else:
        n_in, units = int(rng.integers(1, 2 * size + 2)), int(rng.integers(1, size + 2))
        memory, rank = int(rng.integers(1, size + 2)), int(rng.choice([1, 1, 2, 3]))
        batch = int(rng.integers(1, 3))
    return batch, n_in, units, rank, memory


@case("SVDF")
def svdf(rng, size):
    kind = ("s16", "s16", "s8", "float32")[int(rng.integers(4))]  # the state's type
    regime = ("keyword", "calibrated", "random")[int(rng.integers(3))]
    batch, n_in, units, rank, memory = _geometry(rng, size, regime == "keyword")
    filters = units * rank
    act_name = ACTS[int(rng.integers(len(ACTS)))]
    mb = ModelBuilder("tinycc SVDF case")
    x_shape = (batch, n_in)
    xs = rand_array(rng, x_shape, "float32" if kind == "float32" else "int8")
    if kind == "float32":
        x = mb.input("x", x_shape, "float32")
        wf = mb.const("wf", rng.normal(0, 1 / np.sqrt(n_in), (filters, n_in)).astype(np.float32))
        wt = mb.const("wt", rng.normal(0, 1 / np.sqrt(memory), (filters, memory)).astype(np.float32))
        b = mb.const("b", rng.normal(0, 0.5, units).astype(np.float32))
        s = mb.variable("state", (batch, memory * filters), "float32")
        y = mb.tensor("y", (batch, units), "float32")
        mb.op("SVDF", [x, wf, wt, b, s], [y], rank=rank, activation=act_name)
        mb.output(y)
        return mb.build(), [(xs * 0.5).astype(np.float32)]
    bits = 16 if kind == "s16" else 8
    x_seq = [xs, np.roll(xs, 1), xs]  # what tests/test_ops.py feeds (then a reset)
    if regime == "keyword":  # scrambled full-range weights and biases, the models' scales
        x_q = (_log_uniform(rng, 0.05, 0.45), int(rng.choice([-128, -128, int(rng.integers(-20, 6))])))
        wf_q, wf_s = rng.integers(-128, 128, (filters, n_in)).astype(np.int8), _log_uniform(rng, 0.004, 0.01)
        if bits == 16:
            wt_q = rng.integers(-32768, 32768, (filters, memory)).astype(np.int16)
            wt_s, s_q = _log_uniform(rng, 0.0014, 0.004), (_log_uniform(rng, 4.5e-4, 4.5e-3), 0)
        else:
            wt_q = rng.integers(-128, 128, (filters, memory)).astype(np.int8)
            wt_s, s_q = _log_uniform(rng, 0.006, 0.016), (_log_uniform(rng, 0.09, 0.85), int(rng.integers(-50, 41)))
        b_q = rng.integers(-2 ** 31, 2 ** 31, units, dtype=np.int64).astype(np.int32) if rng.random() < 0.6 else \
            rng.integers(-2 ** 20, 2 ** 20, units).astype(np.int32)
        y_q = (_log_uniform(rng, 0.04, 0.25), -128 if rng.random() < 0.8 else int(rng.integers(-128, 128)))
    else:  # calibrated: normal weights, state and output ranges fitted to the float model's values
        #    random: random integer weights and biases, the fitted scales off by up to 10x either way
        cal = regime == "calibrated"
        x_q = (_log_uniform(rng, 0.003, 1.0), int(rng.integers(-128, 128)) if rng.random() < 0.6 else -128)
        if cal:
            wf_q, wf_s = _sym(rng, rng.normal(0, 1 / np.sqrt(n_in), (filters, n_in)), 8)
            wt_q, wt_s = _sym(rng, rng.normal(0, 1 / np.sqrt(memory), (filters, memory)), bits)
        else:
            top = 1 << (bits - 1)
            wf_q, wf_s = rng.integers(-128, 128, (filters, n_in)).astype(np.int8), _log_uniform(rng, 1e-3, 0.1)
            wt_q = rng.integers(-top, top, (filters, memory)).astype(np.int8 if bits == 8 else np.int16)
            wt_s = _log_uniform(rng, 1e-3, 0.1) / (256 if bits == 16 else 1)
        spread = (lambda: float(rng.uniform(0.8, 1.3))) if cal else (lambda: float(10 ** rng.uniform(-1, 1)))
        x_real = [x_q[0] * (v.astype(np.float64) - x_q[1]) for v in x_seq]
        feats, _ = _float_svdf(x_real, wf_q * wf_s, wt_q * wt_s, np.zeros(units), rank, "NONE")
        s_q = _asym(float(feats.min()) * spread(), float(feats.max()) * spread(), bits)
        if cal:
            b_f = rng.normal(0, 0.5, units)
            b_q = np.clip(np.round(b_f / (np.float32(s_q[0]) * np.float32(wt_s))), -2 ** 31, 2 ** 31 - 1)
        else:
            b_q = rng.integers(-2 ** 31, 2 ** 31, units, dtype=np.int64) if rng.random() < 0.2 else \
                rng.integers(-2 ** 16, 2 ** 16, units)
        b_q = b_q.astype(np.int32)
        _, outs = _float_svdf(x_real, wf_q * wf_s, wt_q * wt_s, b_q * s_q[0] * wt_s, rank, act_name)
        y_q = _asym(float(outs.min()) * spread(), float(outs.max()) * spread())
    b_scale = float(np.float32(s_q[0]) * np.float32(wt_s))  # TFLite Micro checks it, to 1e-5
    x = mb.input("x", x_shape, "int8", *x_q)
    wf = mb.const("wf", wf_q, scale=wf_s, zero_point=0)
    wt = mb.const("wt", wt_q, scale=wt_s, zero_point=0)
    b = mb.const("b", b_q, scale=b_scale, zero_point=0)
    s = mb.variable("state", (batch, memory * filters), f"int{bits}", *s_q)
    y = mb.tensor("y", (batch, units), "int8", *y_q)
    mb.op("SVDF", [x, wf, wt, b, s], [y], rank=rank, activation=act_name)
    mb.output(y)
    return mb.build(), [xs]

"""UNIDIRECTIONAL_SEQUENCE_LSTM: the standard (Keras) LSTM over a sequence, with state.

For every batch row and time step, in time order, with the hidden state h and cell state c
carried over (and kept from one invocation to the next, as TFLite Micro keeps its variable
tensors until the interpreter is reset):

    gate_k = act_k(x_t W_k^T + bias_k + h R_k^T)     k = input, forget, cell, output
             (act = sigmoid; tanh for the cell gate: the fused activation must be TANH)
    c      = forget * c + input * cell        (clipped to +-cell_clip when cell_clip > 0)
    h      = output * tanh(c);  y_t = h

int8 follows TFLite Micro's 8x8->16 integer LSTM (16x8, with int16 input, output and hidden state,
is the same with int64 accumulators and biases and TFLite's int64 rounding): each gate's two fully connected products are
rescaled to int16 Q3.12 and added with saturation; sigmoid and tanh are TFLite's int16
table-interpolation functions (Q0.15 outputs); the cell state is int16 with a power-of-two scale;
the products are requantized with MultiplyByQuantizedMultiplier. float32 follows its float kernel.
Kernels lstm_s8 / lstm_s16 / lstm_f32 (targets/generic, scratch-free: each unit's four gates are computed
together and the new hidden state goes straight to the output row).
"""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import OPAQUE, KernelCall, OpDef, T, c_int16_symmetric, register, requantize_16x8
from .. import fixedpoint as fx
from ..fixedpoint import SIGMOID_U16, sigmoid_s16, tanh_s16

# operand indices (TFLite's order)
X, W0, R0, B0, H, C = 0, 1, 5, 12, 18, 19
GATES = ("input", "forget", "cell", "output")  # W0 + g, R0 + g, B0 + g
IN, FORGET, CELL, OUT = range(4)
OPTIONAL = (9, 10, 11, 16, 17, 20, 21, 22, 23)  # peephole, projection, layer norm

GATE_IN_SCALE = 2.0 ** -12   # gate pre-activations: int16 Q3.12
GATE_OUT_SCALE = 2.0 ** -15  # sigmoid / tanh outputs: int16 Q0.15

@dataclass
class LSTMOptions:
    cell_clip: float = 0.0
    time_major: bool = False


def _parse(where, o):
    from ..errors import UnsupportedError
    if o is None:
        return LSTMOptions()
    act = o.FusedActivationFunction()
    if act != 4:
        raise UnsupportedError(f"{where}: the fused (cell gate) activation must be TANH, got code {act} (TFLite "
                               f"Micro's LSTM applies no other: it would leave the gate unactivated)")
    return LSTMOptions(float(np.float32(o.CellClip())), bool(o.TimeMajor()))


def geometry(op, graph) -> dict:
    x = T(graph, op, X)
    tm = op.options.time_major
    return dict(batch=x.shape[1] if tm else x.shape[0], time=x.shape[0] if tm else x.shape[1],
                n_in=x.shape[2], units=T(graph, op, W0 + FORGET).shape[0], time_major=int(tm))


def _shapes(op, graph):
    x = T(graph, op, X)
    return [tuple(x.shape[:2]) + (geometry(op, graph)["units"],)]


# ---- the integer parameters (TFLite Micro's lstm_eval) ---------------------------------------------

def cell_scale_power(op, graph) -> int:
    """CheckedLog2 of the cell state scale (rounded, as TFLite Micro uses it)."""
    return fx.checked_log2(T(graph, op, C).scale)[0]


def _mul_params(s1, s2, out):
    return fx.quantize_multiplier(float(np.float32(s1)) * float(np.float32(s2)) / float(np.float32(out)))


def quant_params(op, graph) -> dict:
    """Every integer parameter of the int8 LSTM: per gate the input and recurrent fully connected
    multipliers (to Q3.12), the three elementwise product multipliers, the cell tanh's input
    rescale and the quantized cell clip."""
    x, h, c = T(graph, op, X), T(graph, op, H), T(graph, op, C)
    p = dict(in_zp=x.zero_point, h_zp=h.zero_point)
    gate_q = []
    for src, base in ((x, W0), (h, R0)):
        for g in range(4):
            w = T(graph, op, base + g)
            gate_q.append(fx.quantize_multiplier(float(np.float32(src.scale)) * float(np.float32(w.scale))
                                                 / GATE_IN_SCALE))
    p["gate_mult"] = np.array([m for m, _ in gate_q], np.int32)  # input FC x4, recurrent FC x4
    p["gate_shift"] = np.array([s for _, s in gate_q], np.int32)
    p["m_fc"], p["s_fc"] = _mul_params(GATE_OUT_SCALE, c.scale, c.scale)
    p["m_ig"], p["s_ig"] = _mul_params(GATE_OUT_SCALE, GATE_OUT_SCALE, c.scale)
    p["m_o"], p["s_o"] = _mul_params(GATE_OUT_SCALE, GATE_OUT_SCALE, h.scale)
    left = 15 + cell_scale_power(op, graph) - 3
    p["tanh_mult"], p["tanh_shift"] = (0, left) if left >= 0 else (3, -left)
    clip = op.options.cell_clip
    p["clip"] = int(np.trunc(min(max(float(clip) / float(np.float32(c.scale)), -32768.0), 32767.0))) \
        if clip > 0 else 0
    return p


def _stacked(op, graph, base):
    """The four gates' constant operands from index ``base`` on, stacked in gate order."""
    return np.stack([T(graph, op, base + g).data for g in range(4)])


# ---- reference ----------------------------------------------------------------------------------

def _sat16(v):
    return np.clip(v, -32768, 32767)


def _reference(op, graph, ins):
    g = geometry(op, graph)
    b, t_steps, units = g["batch"], g["time"], g["units"]
    x = ins[X]
    if g["time_major"]:
        x = x.transpose(1, 0, 2)  # -> [batch, time, input]
    W = np.stack([ins[W0 + k] for k in range(4)])
    R = np.stack([ins[R0 + k] for k in range(4)])
    B = np.stack([ins[B0 + k] for k in range(4)])
    h, c = ins[H].reshape(b, units), ins[C].reshape(b, units)
    y = np.zeros((b, t_steps, units), T(graph, op, 0, True).dtype)
    if x.dtype in (np.int8, np.int16):
        p = quant_params(op, graph)
        mbqm = fx.multiply_by_quantized_multiplier
        wide = x.dtype == np.int16  # 16x8: int64 accumulators and bias, TFLite's int64 rounding
        lim = np.iinfo(x.dtype)
        Wd, Rd = W.astype(np.float64), R.astype(np.float64)
        h, c = h.astype(np.int64), c.astype(np.int64)
        for t in range(t_steps):
            xt = x[:, t, :].astype(np.float64) - p["in_zp"]
            ht = h.astype(np.float64) - p["h_zp"]
            pre = []
            for k in range(4):
                ax = _sat16(requantize_16x8((xt @ Wd[k].T).astype(np.int64) + B[k].astype(np.int64),
                                            p["gate_mult"][k], p["gate_shift"][k], wide))
                ah = _sat16(requantize_16x8((ht @ Rd[k].T).astype(np.int64), p["gate_mult"][4 + k],
                                            p["gate_shift"][4 + k], wide))
                pre.append(_sat16(ax + ah))
            i_g, f_g, o_g = sigmoid_s16(pre[IN]), sigmoid_s16(pre[FORGET]), sigmoid_s16(pre[OUT])
            c_g = tanh_s16(pre[CELL], 0, 0)
            fc = _sat16(mbqm(f_g.astype(np.int64) * c, p["m_fc"], p["s_fc"]))
            ig = _sat16(mbqm(i_g.astype(np.int64) * c_g, p["m_ig"], p["s_ig"]))
            c = _sat16(fc + ig)
            if op.options.cell_clip > 0:
                c = np.clip(c, -p["clip"], p["clip"])
            tc = tanh_s16(c, p["tanh_mult"], p["tanh_shift"]).astype(np.int64)
            h = np.clip(p["h_zp"] + mbqm(tc * o_g, p["m_o"], p["s_o"]), lim.min, lim.max)
            y[:, t, :] = h
        h, c = h.astype(x.dtype), c.astype(np.int16)
    else:
        for t, _, h, c in _f32_steps(op, x, h, c, W, R, B):
            y[:, t, :] = h
    if g["time_major"]:
        y = y.transpose(1, 0, 2)
    return [np.ascontiguousarray(y), h.reshape(T(graph, op, H).shape), c.reshape(T(graph, op, C).shape)]


def _f32_steps(op, x, h, c, W, R, B):
    """The float32 recurrence, one time step at a time: yields (t, gates [i, f, o, g], h, c)."""
    big = np.float32(3.4028235e38)
    for t in range(x.shape[1]):
        pre = [np.clip(x[:, t, :] @ W[k].T + B[k], -big, big) + np.clip(h @ R[k].T, -big, big) for k in range(4)]
        gates = [_sigmoid_f32(pre[IN]), _sigmoid_f32(pre[FORGET]), _sigmoid_f32(pre[OUT]), np.tanh(pre[CELL])]
        c = (np.clip(gates[1] * c, -big, big) + np.clip(gates[0] * gates[3], -big, big)).astype(np.float32)
        if op.options.cell_clip > 0:
            c = np.clip(c, -np.float32(op.options.cell_clip), np.float32(op.options.cell_clip))
        h = np.clip(np.tanh(c) * gates[2], -big, big).astype(np.float32)
        yield t, gates, h, c


def _error(op, graph, xs, es, ys):
    """float32: per time step, each gate's pre-activation is two sums of products (their propagated
    errors plus gamma_n of the sums of |products|); sigmoid has slope <= 1/4, tanh <= 1 (plus their
    ulps); c = f c + i g and h = o tanh(c) are products of bounded factors. The state's bounds carry
    over from the previous invocation like the state."""
    from .bounds import FUNC_ULPS, U, gamma, unbounded
    if T(graph, op, X).dtype != np.float32:
        return unbounded(op, graph, xs, es, ys)
    g = geometry(op, graph)
    b, units = g["batch"], g["units"]
    x, ex = xs[X], es[X]
    if g["time_major"]:
        x, ex = x.transpose(1, 0, 2), ex.transpose(1, 0, 2)
    W = [np.asarray(xs[W0 + k], np.float64) for k in range(4)]
    R = [np.asarray(xs[R0 + k], np.float64) for k in range(4)]
    B = [np.asarray(xs[B0 + k], np.float64) for k in range(4)]
    h, c = xs[H].reshape(b, units), xs[C].reshape(b, units)
    eh, ec = es[H].reshape(b, units).astype(np.float64), es[C].reshape(b, units).astype(np.float64)
    ey = np.zeros((b, g["time"], units))
    gam, fu = gamma(g["n_in"] + units + 2), (FUNC_ULPS + 3) * U
    for t, gates, h_new, c_new in _f32_steps(op, x, h, c, *(np.stack(v).astype(np.float32) for v in (W, R, B))):
        mx, mh = np.abs(x[:, t, :]) + 2 * ex[:, t, :], np.abs(h) + 2 * eh
        e_pre = [ex[:, t, :] @ np.abs(W[k]).T + eh @ np.abs(R[k]).T
                 + gam * (mx @ np.abs(W[k]).T + np.abs(B[k]) + mh @ np.abs(R[k]).T) for k in range(4)]
        e_i, e_f, e_o = (np.minimum(0.25 * e_pre[k] + fu, 1.0) for k in (IN, FORGET, OUT))
        e_g = np.minimum(e_pre[CELL] + fu, 2.0)
        m_i, m_f, m_o, m_g = (np.abs(gv) + 2 * ev for gv, ev in zip(gates, (e_i, e_f, e_o, e_g)))
        mc = np.abs(c) + 2 * ec
        ec = e_f * mc + m_f * ec + e_i * m_g + m_i * e_g + 3 * U * (m_f * mc + m_i * m_g)
        if op.options.cell_clip > 0:
            ec = np.minimum(ec, 2 * op.options.cell_clip)
        eh = np.minimum((ec + fu) * m_o + e_o + 2 * U, 2.0)
        ey[:, t, :] = eh
        h, c = h_new, c_new
    if g["time_major"]:
        ey = ey.transpose(1, 0, 2)
    return [ey, eh.reshape(T(graph, op, H).shape), ec.reshape(T(graph, op, C).shape)]


def _sigmoid_f32(v):
    """TFLite's float Logistic: 1 above 16.619..., exp(v) below -9, else 1 / (1 + exp(-v))."""
    v = np.asarray(v, np.float32)
    with np.errstate(over="ignore"):
        mid = np.float32(1) / (np.float32(1) + np.exp(-v))
    return np.where(v > np.float32(16.619047164916992), np.float32(1),
                    np.where(v < np.float32(-9), np.exp(v), mid)).astype(np.float32)


# ---- lowering -----------------------------------------------------------------------------------

def _lower(op, graph):
    g = geometry(op, graph)
    x = T(graph, op, X)
    bufs = [op.inputs[X], op.outputs[0], op.inputs[H], op.inputs[C],
            _stacked(op, graph, W0), _stacked(op, graph, R0), _stacked(op, graph, B0)]
    params = g
    if x.dtype in (np.int8, np.int16):
        p = quant_params(op, graph)
        if x.dtype == np.int16:
            bufs[6] = bufs[6].astype(np.int64)
        bufs += [p.pop("gate_mult"), p.pop("gate_shift"), SIGMOID_U16]
        return [KernelCall("lstm_s8" if x.dtype == np.int8 else "lstm_s16", bufs, dict(params, **p))]
    return [KernelCall("lstm_f32", bufs, params, dict(cell_clip=float(max(op.options.cell_clip, 0.0))))]


def _macs(op, graph):
    g = geometry(op, graph)
    return 4 * g["batch"] * g["time"] * g["units"] * (g["n_in"] + g["units"])


# ---- constraints --------------------------------------------------------------------------------

def c_lstm_standard(op, graph):
    """only the standard LSTM, as TFLite Micro: 24 operands with the input gate (no CIFG), and no
    peephole, projection or layer-normalization tensors"""
    return len(op.inputs) == 24 and all(op.inputs[k] is None for k in OPTIONAL)


def c_lstm_types(op, graph):
    """int8 input, output and hidden state with int8 weights, int32 biases and an int16 cell state;
    16x8: the same with int16 input, output and hidden state and int64 biases; or everything float32
    (hybrid float/int8 is not supported)"""
    x, y, h, c = T(graph, op, X), T(graph, op, 0, True), T(graph, op, H), T(graph, op, C)
    ws = [T(graph, op, k) for k in list(range(W0, W0 + 4)) + list(range(R0, R0 + 4))]
    bs = [T(graph, op, k) for k in range(B0, B0 + 4)]
    if x.dtype in (np.int8, np.int16):
        bias = np.int32 if x.dtype == np.int8 else np.int64
        return y.dtype == h.dtype == x.dtype and c.dtype == np.int16 and \
            all(w.dtype == np.int8 for w in ws) and all(b.dtype == bias for b in bs)
    return all(t.dtype == np.float32 for t in [x, y, h, c] + ws + bs)


def c_lstm_state(op, graph):
    """the hidden and cell state operands must be variable tensors, the weights and biases constants"""
    consts = list(range(W0, W0 + 4)) + list(range(R0, R0 + 4)) + list(range(B0, B0 + 4))
    return T(graph, op, H).variable and T(graph, op, C).variable and all(T(graph, op, k).is_const for k in consts)


def c_lstm_shapes(op, graph):
    """input 3-D [batch, time, input] ([time, batch, input] when time_major), input weights
    [units, input], recurrent weights [units, units], biases [units], batch * units elements in each
    state, output [batch, time, units] (time-major likewise), all dimensions at least 1"""
    x, y = T(graph, op, X), T(graph, op, 0, True)
    if len(x.shape) != 3 or min(x.shape) < 1:
        return False
    units = T(graph, op, W0 + FORGET).shape[0] if len(T(graph, op, W0 + FORGET).shape) == 2 else 0
    g = geometry(op, graph)
    ok = units >= 1 and all(tuple(T(graph, op, W0 + k).shape) == (units, g["n_in"]) for k in range(4))
    ok = ok and all(tuple(T(graph, op, R0 + k).shape) == (units, units) for k in range(4))
    ok = ok and all(tuple(T(graph, op, B0 + k).shape) == (units,) for k in range(4))
    ok = ok and T(graph, op, H).size == T(graph, op, C).size == g["batch"] * units
    return ok and tuple(y.shape) == tuple(x.shape[:2]) + (units,)


def c_lstm_quant(op, graph):
    """quantized weights must be per tensor with zero point 0 (TFLite Micro's LSTM uses one scale per
    weight tensor), activations and states per tensor, the cell state zero point 0"""
    if T(graph, op, X).dtype == np.float32:
        return True
    ws = [T(graph, op, k) for k in list(range(W0, W0 + 4)) + list(range(R0, R0 + 4))]
    acts = [T(graph, op, X), T(graph, op, 0, True), T(graph, op, H), T(graph, op, C)]
    return all(w.quant is not None and not w.quant.per_channel and w.zero_point == 0 for w in ws) and \
        all(t.quant is not None and not t.quant.per_channel for t in acts) and T(graph, op, C).zero_point == 0


def c_lstm_scales(op, graph):
    """the int16 cell state scale must be a power of two from 2**-27 to 2**2, and every internal
    rescale (input and hidden state scale times weight scale over 2**-12, 2**-30 over the hidden
    state scale) must fall in [2**-32, 2**31)"""
    if T(graph, op, X).dtype == np.float32:
        return True
    s = float(np.float32(T(graph, op, C).scale))
    pw = cell_scale_power(op, graph)
    if abs(np.log2(s) - pw) >= 1e-3 or not -27 <= pw <= 2:
        return False
    p = quant_params(op, graph)
    mults = list(p["gate_mult"]) + [p["m_fc"], p["m_ig"], p["m_o"]]
    shifts = list(p["gate_shift"]) + [p["s_fc"], p["s_ig"], p["s_o"]]
    return all(m > 0 for m in mults) and all(-31 <= sh <= 30 for sh in shifts)


register(OpDef("UNIDIRECTIONAL_SEQUENCE_LSTM", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
               error=_error,
               inputs=("input", "input_to_input_weights", "input_to_forget_weights", "input_to_cell_weights",
                       "input_to_output_weights", "recurrent_to_input_weights", "recurrent_to_forget_weights",
                       "recurrent_to_cell_weights", "recurrent_to_output_weights", "cell_to_input_weights?",
                       "cell_to_forget_weights?", "cell_to_output_weights?", "input_gate_bias", "forget_gate_bias",
                       "cell_gate_bias", "output_gate_bias", "projection_weights?", "projection_bias?",
                       "output_state", "cell_state", "input_layer_norm_coefficients?",
                       "forget_layer_norm_coefficients?", "cell_layer_norm_coefficients?",
                       "output_layer_norm_coefficients?"),
               constraints=(c_lstm_standard, c_lstm_types, c_lstm_state, c_lstm_shapes, c_lstm_quant, c_int16_symmetric,
                            c_lstm_scales),
               fusion=OPAQUE, macs=_macs, kernels=("lstm_s8", "lstm_s16", "lstm_f32"), state=(H, C),
               dtypes=("int8", "int16", "float32"),
               doc="standard LSTM over a sequence; the hidden and cell state persist across invocations "
                   "(reset with CompiledModel.reset() / tinycc_reset())"))

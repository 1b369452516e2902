"""SVDF: a rank-decomposed, time-filtered fully connected layer, with state.

Operands: input [batch, n_in], weights_feature [filters, n_in], weights_time [filters, memory],
bias [units] and activation_state [batch, memory * filters], a variable tensor (kept from one
invocation to the next, as TFLite Micro keeps its variable tensors until the interpreter is reset);
filters = units * rank. Each invocation, for every batch row b and filter f, with the state seen
as [batch][filters][memory]:

    state[b, f, :-1] = state[b, f, 1:]                      (the oldest activation drops out)
    state[b, f, -1]  = x[b] . weights_feature[f]            (the newest one)
    out[b, u]        = act(bias[u] + sum_{f in u's rank filters} state[b, f] . weights_time[f])

Integer SVDF (TFLite Micro's "full integer" SVDF, bit-exact): int8 input and output, int8
weights_feature, int16 weights_time and activation_state (or int8 both), int32 bias. The feature
dot product (input zero point subtracted) is rescaled by input_scale * weights_feature_scale /
state_scale, clamped to the state type's range and offset by the state zero point, stored with
the state type's wrap-around (as TFLite Micro stores it); the time dot products (state zero point
subtracted) and the bias are summed in int32 and rescaled by state_scale * weights_time_scale /
output_scale to int8 (both scales in double precision, see effective_scales). TFLite Micro
applies no fused activation to the integer SVDF (the output's quantized range clamps it); neither
does tinycc. float32 follows TFLite Micro's float kernel, summed in the same order.
Kernels svdf_s8 (int8 state and weights_time), svdf_s16 (int16 state and weights_time; both with
int8 input and output) and svdf_f32 (targets/generic, scratch-free).
"""
from dataclasses import dataclass

import numpy as np

from . import bounds
from . import OPAQUE, KernelCall, OpDef, T, activation_range_f, c_int16_symmetric, register
from .. import fixedpoint as fx

# operand indices (TFLite's order)
X, WF, WT, B, S = 0, 1, 2, 3, 4

ACT_CODES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT", 6: "SIGMOID"}
SUPPORTED_ACTS = ("NONE", "RELU", "RELU_N1_TO_1", "RELU6")


@dataclass
class SVDFOptions:
    rank: int = 1
    activation: str = "NONE"


def _parse(where, o):
    if o is None:
        return SVDFOptions()
    code = o.FusedActivationFunction()
    return SVDFOptions(int(o.Rank()), ACT_CODES.get(code, f"code {code}"))


def geometry(op, graph) -> dict:
    x, wf, wt = T(graph, op, X), T(graph, op, WF), T(graph, op, WT)
    rank = max(op.options.rank, 1)
    filters = wf.shape[0] if len(wf.shape) == 2 else 0
    return dict(batch=x.shape[0], n_in=x.shape[-1], units=filters // rank, rank=rank,
                memory=wt.shape[1] if len(wt.shape) == 2 else 0)


def _shapes(op, graph):
    g = geometry(op, graph)
    return [(g["batch"], g["units"])]


# ---- the integer parameters (TFLite Micro's PrepareSvdf) ------------------------------------------

def effective_scales(op, graph) -> tuple[float, float]:
    """(input * weights_feature / state, state * weights_time / output) in double precision from the
    float32 scales. TFLite Micro's source writes them in float32 arithmetic, but the TFLite Micro
    tinycc is checked against evaluates them in double: with float32 arithmetic an output is one LSB
    off now and then, with double none is (probed on scales chosen to tell the two apart)."""
    x, wf, wt, s, y = T(graph, op, X), T(graph, op, WF), T(graph, op, WT), T(graph, op, S), T(graph, op, 0, True)
    f = [float(np.float32(t.scale)) for t in (x, wf, wt, s, y)]
    if f[3] <= 0 or f[4] <= 0:
        return 0.0, 0.0  # refused by c_svdf_scales
    return f[0] * f[1] / f[3], f[3] * f[2] / f[4]


def quant_params(op, graph) -> dict:
    """The integer kernel's parameters: zero points and the two (multiplier, shift) pairs."""
    s1, s2 = effective_scales(op, graph)
    m1, sh1 = fx.quantize_multiplier(s1)
    m2, sh2 = fx.quantize_multiplier(s2)
    return dict(in_zp=T(graph, op, X).zero_point, state_zp=T(graph, op, S).zero_point,
                out_zp=T(graph, op, 0, True).zero_point, m1=m1, s1=sh1, m2=m2, s2=sh2)


# ---- reference ----------------------------------------------------------------------------------

def _wrap(v, dtype):
    """v stored into an integer type: modulo 2**bits, as TFLite Micro's implicit conversion."""
    bits = np.iinfo(dtype).bits
    half = 1 << (bits - 1)
    return (((np.asarray(v, np.int64) + half) & ((1 << bits) - 1)) - half).astype(dtype)


def _reference(op, graph, ins):
    g = geometry(op, graph)
    b_, n_in, units, rank, mem = g["batch"], g["n_in"], g["units"], g["rank"], g["memory"]
    filters = units * rank
    x, wf, wt, bias = ins[X].reshape(b_, n_in), ins[WF], ins[WT], ins[B]
    st = T(graph, op, S)
    state = ins[S].reshape(b_, filters, mem)
    new = np.empty_like(state)
    new[:, :, :-1] = state[:, :, 1:]
    yt = T(graph, op, 0, True)
    if x.dtype == np.int8:
        p = quant_params(op, graph)
        lim = np.iinfo(st.dtype)
        dot = fx._wrap32((x.astype(np.int64) - p["in_zp"]) @ wf.astype(np.int64).T)     # [batch, filters]
        feat = np.clip(fx.multiply_by_quantized_multiplier(dot, p["m1"], p["s1"]), lim.min, lim.max)
        new[:, :, -1] = _wrap(feat + p["state_zp"], st.dtype)
        # the time products in int32: [batch, filters], summed over memory (wrapping as int32 does)
        t = fx._wrap32(np.sum((new.astype(np.int64) - p["state_zp"]) * wt.astype(np.int64), axis=2))
        acc = fx._wrap32(bias.astype(np.int64) + t.reshape(b_, units, rank).sum(axis=2))
        y = fx.multiply_by_quantized_multiplier(acc, p["m2"], p["s2"]) + p["out_zp"]
        out = np.clip(y, -128, 127).astype(np.int8)
    else:
        # float32, summed in TFLite Micro's order (sequential dot products from 0, the bias first)
        feat = np.zeros((b_, filters), np.float32)
        for k in range(n_in):
            feat = feat + x[:, k:k + 1] * wf[:, k]
        new[:, :, -1] = feat
        t = np.zeros((b_, filters), np.float32)
        for m in range(mem):
            t = t + new[:, :, m] * wt[:, m]
        t = t.reshape(b_, units, rank)
        out = np.broadcast_to(bias, (b_, units)).astype(np.float32)
        for r in range(rank):
            out = out + t[:, :, r]
        lo, hi = activation_range_f(op.options.activation)
        out = np.clip(out, lo, hi).astype(np.float32)
    return [out.reshape(yt.shape), new.reshape(st.shape)]


def _error(op, graph, xs, es, ys):
    """float32: the feature dot products (n_in terms) shift into the state, the time filter sums the
    memory (memory terms), the output adds the bias and rank sums: each a sum of products with its
    propagated error plus gamma_n of its sum of |products|; the state's bounds carry over like the
    state."""
    from .bounds import gamma
    if T(graph, op, X).dtype != np.float32:
        return bounds.unbounded(op, graph, xs, es, ys)
    g = geometry(op, graph)
    b_, n_in, units, rank, mem = g["batch"], g["n_in"], g["units"], g["rank"], g["memory"]
    x, ex = np.asarray(xs[X], np.float64).reshape(b_, n_in), es[X].reshape(b_, n_in)
    wf, wt = np.abs(np.asarray(xs[WF], np.float64)), np.abs(np.asarray(xs[WT], np.float64))
    bias = np.abs(np.asarray(xs[B], np.float64)) if xs[B] is not None else np.zeros(units)
    new = np.abs(np.asarray(ys[1], np.float64)).reshape(b_, units * rank, mem)
    enew = np.empty_like(new)
    enew[:, :, :-1] = es[S].reshape(b_, units * rank, mem)[:, :, 1:]
    enew[:, :, -1] = ex @ wf.T + gamma(n_in + 1) * ((np.abs(x) + 2 * ex) @ wf.T)
    mag = new + 2 * enew
    et = (enew * wt).sum(axis=2) + gamma(mem + 1) * (mag * wt).sum(axis=2)
    mt = (mag * wt).sum(axis=2) * (1 + gamma(mem + 1)) + 2 * et
    eout = et.reshape(b_, units, rank).sum(axis=2) + gamma(rank + 2) * (bias + mt.reshape(b_, units, rank).sum(axis=2))
    lo, hi = activation_range_f(op.options.activation)
    eout = np.minimum(eout, hi - lo)  # a clamp is 1-Lipschitz and its range bounds the difference
    return [eout.reshape(np.shape(ys[0])), enew.reshape(np.shape(ys[1]))]


# ---- lowering -----------------------------------------------------------------------------------

def _lower(op, graph):
    g = geometry(op, graph)
    x, wt = T(graph, op, X), T(graph, op, WT)
    bufs = [op.inputs[X], op.outputs[0], op.inputs[S], T(graph, op, WF).data, wt.data, T(graph, op, B).data]
    params = dict(batch=g["batch"], n_in=g["n_in"], units=g["units"], rank=g["rank"], memory=g["memory"])
    if x.dtype == np.int8:
        params.update(quant_params(op, graph))
        return [KernelCall("svdf_s16" if wt.dtype == np.int16 else "svdf_s8", bufs, params)]
    lo, hi = activation_range_f(op.options.activation)
    return [KernelCall("svdf_f32", bufs, params, dict(act_min=float(max(lo, -3.4e38)),
                                                      act_max=float(min(hi, 3.4e38))))]


def _macs(op, graph):
    g = geometry(op, graph)
    return g["batch"] * g["units"] * g["rank"] * (g["n_in"] + g["memory"])


# ---- constraints --------------------------------------------------------------------------------

def c_svdf_activation(op, graph):
    """the fused activation must be NONE, RELU, RELU_N1_TO_1 or RELU6 (the integer SVDF applies none,
    as TFLite Micro: its output's quantized range does the clamping)"""
    return op.options.activation in SUPPORTED_ACTS


def c_svdf_bias(op, graph):
    """the bias operand is required (TFLite Micro reads it unconditionally)"""
    return len(op.inputs) == 5 and op.inputs[B] is not None


def c_svdf_types(op, graph):
    """int8 input and output with int8 weights_feature, int16 weights_time and activation_state (or
    int8 both) and an int32 bias; or everything float32 (TFLite Micro takes no int16 input, and
    hybrid float32/int8 SVDF is not supported)"""
    x, y, wf, wt, b, s = (T(graph, op, X), T(graph, op, 0, True), T(graph, op, WF), T(graph, op, WT),
                          T(graph, op, B), T(graph, op, S))
    if x.dtype == np.int8:
        return y.dtype == wf.dtype == np.int8 and wt.dtype == s.dtype and wt.dtype in (np.int8, np.int16) \
            and b.dtype == np.int32
    return all(t.dtype == np.float32 for t in (x, y, wf, wt, b, s))


def c_svdf_state(op, graph):
    """the activation_state operand must be a variable tensor, the weights and the bias constants"""
    return T(graph, op, S).variable and all(T(graph, op, k).is_const for k in (WF, WT, B))


def c_svdf_shapes(op, graph):
    """input [batch, n_in], weights_feature [filters, n_in], weights_time [filters, memory], bias
    [units], activation_state [batch, memory * filters], output [batch, units], with rank >= 1,
    filters = units * rank and every dimension at least 1"""
    x, wf, wt, b, s, y = (T(graph, op, X), T(graph, op, WF), T(graph, op, WT), T(graph, op, B), T(graph, op, S),
                          T(graph, op, 0, True))
    if op.options.rank < 1 or any(len(t.shape) != 2 for t in (x, wf, wt, s, y)) or len(b.shape) != 1:
        return False
    g = geometry(op, graph)
    filters = wf.shape[0]
    return (min(x.shape) >= 1 and filters >= 1 and filters % g["rank"] == 0 and g["memory"] >= 1
            and wf.shape[1] == g["n_in"] and wt.shape[0] == filters and tuple(b.shape) == (g["units"],)
            and tuple(s.shape) == (g["batch"], g["memory"] * filters)
            and tuple(y.shape) == (g["batch"], g["units"]))


def c_svdf_quant(op, graph):
    """quantized operands must be quantized per tensor, the weights with zero point 0 (TFLite Micro
    reads one scale per tensor and no weight zero point)"""
    if T(graph, op, X).dtype == np.float32:
        return True
    ts = [T(graph, op, k) for k in (X, WF, WT, B, S)] + [T(graph, op, 0, True)]
    return all(t.quant is not None and not t.quant.per_channel for t in ts) and \
        all(T(graph, op, k).zero_point == 0 for k in (WF, WT))


def c_svdf_scales(op, graph):
    """the bias scale must equal activation_state scale * weights_time scale within 1e-5 (as TFLite
    Micro checks), and both rescales (input * weights_feature / state, state * weights_time /
    output) must be positive and below 2**31"""
    if T(graph, op, X).dtype == np.float32:
        return True
    s, wt, b = T(graph, op, S), T(graph, op, WT), T(graph, op, B)
    if not abs(float(b.scale) - float(s.scale) * float(wt.scale)) < 1e-5:
        return False
    scales = effective_scales(op, graph)
    return all(np.isfinite(v) and 0 < v < 2.0 ** 31 for v in scales)


register(OpDef("SVDF", parse=_parse, shapes=_shapes, reference=_reference, lower=_lower,
               inputs=("input", "weights_feature", "weights_time", "bias?", "activation_state"),
               constraints=(c_svdf_activation, c_svdf_bias, c_svdf_types, c_svdf_state, c_svdf_shapes, c_svdf_quant,
                            c_int16_symmetric, c_svdf_scales),
               fusion=OPAQUE, macs=_macs, kernels=("svdf_s8", "svdf_s16", "svdf_f32"), state=(S,), error=_error,
               dtypes=("int8", "float32"),
               doc="SVDF (rank-decomposed time-filtered fully connected); the activation_state persists across "
                   "invocations (reset with CompiledModel.reset() / tinycc_reset())"))

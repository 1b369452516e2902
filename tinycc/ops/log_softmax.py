"""LOG_SOFTMAX over the last axis. int8: TFLite Micro's fixed-point algorithm (gemmlowp exp of the
scaled differences summed in Q12, its fixed-point log, output scale 16/256 and zero point 127),
kernel log_softmax_s8. float32: x - max - log(sum exp(x - max)), kernel log_softmax_f32 (expf, and
its own logarithm: the portable float kernels call no libm function but expf).
"""
import numpy as np

from . import bounds
from . import OPAQUE, KernelCall, OpDef, T, c_per_tensor_activations, register
from .. import fixedpoint as fx

INPUT_BITS = 5      # the scaled differences are Q5.26
ACCUM_BITS = 12     # the sum of exps is Q12.19
OUTPUT_BITS = 4


def log_softmax_params(input_scale: float) -> dict:
    """PreprocessLogSoftmaxScalingExp (beta 1) and CalculateInputRadius, as TFLite."""
    real = min(float(np.float32(input_scale)) * (1 << (31 - INPUT_BITS)), (1 << 31) - 1.0)
    mult, left_shift = fx.quantize_multiplier(real)
    rev_div, rev_shift = fx.quantize_multiplier((1 << (31 - left_shift)) / float(mult))
    radius = int(np.floor(1.0 * ((1 << INPUT_BITS) - 1) * (1 << (31 - INPUT_BITS)) / (1 << left_shift)))
    return dict(mult=mult, left_shift=left_shift, rev_div=rev_div, rev_shift=rev_shift, diff_min=-radius)


def _shl_sat(x, e):
    """SaturatingRoundingMultiplyByPOTParam for 0 <= e <= 31."""
    return np.asarray(x, np.int64) if e == 0 else fx.saturating_shl(x, e)


def _shl_sat_v(x, e):
    """The same with a per-element exponent."""
    x, e = np.broadcast_arrays(np.asarray(x, np.int64), np.asarray(e, np.int64))
    out = x.copy()
    for v in np.unique(e):
        m = e == v
        out[m] = _shl_sat(x[m], int(v))
    return out


def _sat_add(a, b):
    return np.clip(np.asarray(a, np.int64) + b, fx.INT32_MIN, fx.INT32_MAX)


def _rounding_half_sum(a, b):
    s = np.asarray(a, np.int64) + b
    s = s + np.where(s >= 0, 1, -1)
    return np.where(s >= 0, s // 2, -((-s) // 2))  # C division


def log_q5_of_q12(x):
    """TFLite's log_x_for_x_greater_than_or_equal_to_1<5>(Q12 x): ln(x) in Q5.26."""
    log_2, sqrt_sqrt_half, sqrt_half, one_quarter = 1488522236, 1805811301, 1518500250, 536870912
    alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
    accum_bits = INPUT_BITS + 1
    w = fx._wrap32
    shifted_quarter = fx.rounding_divide_by_pot(one_quarter, accum_bits)
    z_a = np.asarray(x, np.int64)
    z_a_hp1 = fx.count_leading_zeros32(z_a)
    r_a_tmp = _shl_sat_v(z_a, z_a_hp1 - 1)
    r_a_raw = _shl_sat(fx.srdhm(r_a_tmp, sqrt_half), 1)
    z_a_pow_2_adj = _sat_add(_shl_sat(ACCUM_BITS - z_a_hp1, 31 - accum_bits), shifted_quarter)
    z_b = fx.srdhm(z_a, sqrt_half)
    z_b_headroom = fx.count_leading_zeros32(z_b) - 1
    r_b_raw = _shl_sat_v(z_a, z_b_headroom)
    z_b_pow_2_adj = np.clip(_shl_sat(ACCUM_BITS - z_b_headroom, 31 - accum_bits) - shifted_quarter,
                            fx.INT32_MIN, fx.INT32_MAX)
    r = np.minimum(r_a_raw, r_b_raw)
    z_pow_2_adj = np.maximum(z_a_pow_2_adj, z_b_pow_2_adj)
    p = _rounding_half_sum(r, sqrt_sqrt_half)
    q = w(r - sqrt_sqrt_half)
    q = w(q + q)
    common_sq = fx.srdhm(q, q)
    num = w(fx.srdhm(q, r) + fx.srdhm(fx.srdhm(q, common_sq), alpha_n))
    denom_minus_one = w(fx.srdhm(p, w(w(alpha_i + q) + fx.srdhm(alpha_d, common_sq))) + fx.srdhm(alpha_f, q))
    recip_denom = fx.one_over_one_plus_x_for_x_in_0_1(denom_minus_one)
    num_scaled = fx.rounding_divide_by_pot(num, accum_bits)
    total = w(fx.srdhm(z_pow_2_adj, log_2) + fx.srdhm(num_scaled, recip_denom))
    return fx.saturating_shl(total, accum_bits - INPUT_BITS)


def log_softmax_s8(x, mult, left_shift, rev_div, rev_shift, diff_min):
    """Reference int8 log softmax over the last axis (output scale 16/256, zero point 127)."""
    x = x.astype(np.int64)
    diff = x - x.max(axis=-1, keepdims=True)
    scaled = fx.multiply_by_quantized_multiplier(np.maximum(diff, diff_min), mult, left_shift)
    exps = fx.rounding_divide_by_pot(fx.exp_on_negative_values(scaled, INPUT_BITS), ACCUM_BITS)
    total = fx._wrap32(np.where(diff >= diff_min, exps, 0).sum(axis=-1, keepdims=True))
    log_sum = log_q5_of_q12(total)
    adjusted = np.maximum(diff_min - 1,
                          fx.multiply_by_quantized_multiplier(fx._wrap32(log_sum + fx.INT32_MIN), rev_div, rev_shift))
    out = fx.rounding_divide_by_pot(fx._wrap32(scaled - log_sum), 31 - INPUT_BITS - OUTPUT_BITS) + 127
    return np.where(diff > adjusted, np.clip(out, -128, 127), -128).astype(np.int8)


def _reference(op, graph, ins):
    x = ins[0]
    if x.dtype == np.float32:
        d = x - x.max(axis=-1, keepdims=True)
        with np.errstate(over="ignore"):
            log_sum = np.log(np.exp(d).sum(axis=-1, keepdims=True, dtype=np.float32))
        return [(d - log_sum).astype(np.float32)]
    return [log_softmax_s8(x, **log_softmax_params(T(graph, op, 0).scale))]


def _error(op, graph, xs, es, ys):
    """float32: y_i = d_i - log sum exp d (d = x - max): the Jacobian's row sums are at most 2; each
    output has the roundings of d, of the sum (n + exp ulps, relative, so absolute in the log), of the
    log and of the subtraction."""
    if T(graph, op, 0, True).dtype != np.float32:
        return bounds.unbounded(op, graph, xs, es, ys)
    x, n, u = np.asarray(xs[0], np.float64), xs[0].shape[-1], bounds.U
    prop = 2.0 * es[0].max(axis=-1, keepdims=True)
    d = np.abs(x - x.max(axis=-1, keepdims=True)) + 2 * prop
    log_sum = np.abs(np.asarray(ys[0], np.float64) + d) + 2 * prop
    return [prop + u * (3 * d + (bounds.FUNC_ULPS + 1) * log_sum + n + 2 * bounds.FUNC_ULPS + 2) + bounds.TINY]


def _lower(op, graph):
    x = T(graph, op, 0)
    if x.dtype == np.float32:
        return [KernelCall("log_softmax_f32", [op.inputs[0], op.outputs[0]],
                           dict(outer=x.size // x.shape[-1], depth=x.shape[-1]))]
    p = dict(outer=x.size // x.shape[-1], depth=x.shape[-1], **log_softmax_params(x.scale))
    return [KernelCall("log_softmax_s8", [op.inputs[0], op.outputs[0]], p)]


def c_log_softmax_types(op, graph):
    """float32 -> float32, or int8 -> int8 with output scale 16/256 and zero point 127"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    if x.dtype == y.dtype == np.float32:
        return True
    return x.dtype == y.dtype == np.int8 and y.zero_point == 127 and np.float32(y.scale) == np.float32(16 / 256)


def c_log_softmax_shape(op, graph):
    """the input must have at least one dimension and the output the same shape"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return len(x.shape) >= 1 and x.shape[-1] >= 1 and tuple(x.shape) == tuple(y.shape)


def c_log_softmax_scale(op, graph):
    """the int8 input scale must be at least 2**-24 (TFLite's fixed-point input range needs a left
    shift of at least 2)"""
    if T(graph, op, 0).dtype == np.float32:
        return True
    return log_softmax_params(T(graph, op, 0).scale)["left_shift"] >= 2


register(OpDef("LOG_SOFTMAX", parse=lambda where, o: None, shapes=lambda op, graph: [tuple(T(graph, op, 0).shape)],
               reference=_reference, lower=_lower,
               constraints=(c_log_softmax_types, c_per_tensor_activations, c_log_softmax_shape,
                            c_log_softmax_scale),
               fusion=OPAQUE, kernels=("log_softmax_s8", "log_softmax_f32"), error=_error,
               doc="log of the softmax over the last axis (int8: TFLite's fixed point)"))

"""TFLite / gemmlowp integer arithmetic, bit-exact, vectorised over NumPy int64.

These are the primitives TFLite Micro's reference kernels use (double-rounding
build, the default). Every function takes and returns int64 arrays (or Python
ints) holding int32 values, so no intermediate ever overflows silently.
"""
import functools
import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def tflite_round(x):
    """std::round: halves away from zero."""
    x = float(x)
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def quantize_multiplier(real):
    """QuantizeMultiplier: a double -> (int32 multiplier in Q0.31, shift)."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(tflite_round(q * (1 << 31)))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q_fixed, shift


def _wrap32(x):
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _trunc_div_pow2(x, n):
    """C integer division x / 2**n (rounds toward zero)."""
    return np.where(x >= 0, x >> n, -((-x) >> n))


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul(a, b) on int32 values."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    res = _trunc_div_pow2(ab + nudge, 31)
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, res)


def rounding_divide_by_pot(x, exponent):
    """RoundingDivideByPOT: x / 2**exponent rounded half away from zero."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier (int32 accumulator, double rounding)."""
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    shifted = _wrap32(np.asarray(x, dtype=np.int64) << left)
    return rounding_divide_by_pot(srdhm(shifted, multiplier), right)


def multiply_by_quantized_multiplier_64(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier of an int64 accumulator (TFLite's 16x8 kernels): the multiplier
    reduced to 15 bits with rounding, one rounding shift by 15 - shift, the result cast to int32."""
    mult = np.asarray(multiplier, dtype=np.int64)
    reduced = np.where(mult < 0x7FFF0000, (mult + (1 << 15)) >> 16, 0x7FFF)
    total = 15 - np.asarray(shift, dtype=np.int64)
    return _wrap32((np.asarray(x, dtype=np.int64) * reduced + (np.int64(1) << (total - 1))) >> total)


def saturating_shl(x, exponent):
    """gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent."""
    x = np.asarray(x, dtype=np.int64)
    threshold = (1 << (31 - exponent)) - 1
    res = _wrap32(x << exponent)
    res = np.where(x > threshold, INT32_MAX, res)
    return np.where(x < -threshold, INT32_MIN, res)


def exp_on_interval_between_negative_one_quarter_and_0_excl(a):
    """gemmlowp: exp(a) for a in [-1/4, 0), Q0.31 in and out."""
    constant_term = 1895147668
    constant_1_over_3 = 715827883
    x = _wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = rounding_divide_by_pot(x4, 2)
    poly = rounding_divide_by_pot(_wrap32(srdhm(_wrap32(x4_over_4 + x3), constant_1_over_3) + x2), 1)
    return _wrap32(constant_term + srdhm(constant_term, _wrap32(x + poly)))


_EXP_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
               (2, 39332535), (3, 720401), (4, 242))


def exp_on_negative_values(a, integer_bits=5):
    """gemmlowp exp_on_negative_values: a in Q(integer_bits), result in Q0.31."""
    a = np.asarray(a, dtype=np.int64)
    frac_bits = 31 - integer_bits
    one_quarter = 1 << (frac_bits - 2)
    a_mod_quarter_minus_one_quarter = _wrap32((a & (one_quarter - 1)) - one_quarter)
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        saturating_shl(a_mod_quarter_minus_one_quarter, integer_bits))
    remainder = _wrap32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in _EXP_BARREL:
        if integer_bits > exponent:
            bit = 1 << (frac_bits + exponent)
            result = np.where(remainder & bit, srdhm(result, multiplier), result)
    return np.where(a == 0, INT32_MAX, result)


def one_over_one_plus_x_for_x_in_0_1(a):
    """gemmlowp: 1 / (1 + a) for a in [0, 1), Q0.31 in, Q0.31 out (Newton-Raphson)."""
    a = np.asarray(a, dtype=np.int64)
    s = a + INT32_MAX
    half_denominator = _trunc_div_pow2(s + np.where(s >= 0, 1, -1), 1)
    x = _wrap32(1515870810 + srdhm(half_denominator, -1010580540))
    for _ in range(3):
        one_minus = _wrap32((1 << 29) - srdhm(half_denominator, x))
        x = _wrap32(x + saturating_shl(srdhm(x, one_minus), 2))
    return saturating_shl(x, 1)


def count_leading_zeros32(x):
    """Leading zero bits of x as a uint32 (float64 holds 32-bit integers exactly)."""
    x = np.asarray(x, dtype=np.int64) & 0xFFFFFFFF
    _, bit_length = np.frexp(x.astype(np.float64))
    return 32 - bit_length.astype(np.int64)


def get_reciprocal(x, x_integer_bits):
    """TFLite GetReciprocal: returns (Q0.31 reciprocal, num_bits_over_unit)."""
    headroom_plus_one = count_leading_zeros32(x)
    num_bits_over_unit = x_integer_bits - headroom_plus_one
    shifted = _wrap32(((np.asarray(x, dtype=np.int64) << headroom_plus_one) & 0xFFFFFFFF) - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted), num_bits_over_unit


def quantize_value(f, scale, zero_point):
    """The float->int step of CalculateActivationRangeQuantized (float32 divide, std::round)."""
    return zero_point + int(tflite_round(float(np.float32(f) / np.float32(scale))))


# ---- TFLite's int16 sigmoid and tanh (LOGISTIC, TANH and the LSTM gates) -------------------------

# TFLite's sigmoid interpolation table (sigmoid at 256 points spaced 1/24 apart, in units of 2**-16);
# the int16 sigmoid and tanh interpolate it. The values are TFLite's, so results match bit for bit.
SIGMOID_U16 = np.array([
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535],
    np.uint16)


def checked_log2(x):
    """TFLite's CheckedLog2 of a float32 scale: (log2 rounded, whether x is a power of two within
    1e-3 in the exponent), computed in float32 as TFLite does."""
    lg = np.float32(np.log(np.float32(x))) * np.float32(1.0 / np.log(np.float32(2.0)))
    r = np.float32(np.round(lg))
    return int(r), bool(abs(np.float32(lg - r)) < np.float32(1e-3))


def _rescale16(x, mult, shift):
    """The int16 Logistic / Tanh input rescale: (x * mult + round) >> shift, mult 0 meaning 3 << shift."""
    if mult == 0:
        mult, shift = 3 << shift, 0
    return (np.asarray(x, np.int64) * mult + ((1 << (shift - 1)) if shift > 0 else 0)) >> shift


def sigmoid_s16(x, mult=0, shift=0):
    """TFLite's int16 Logistic (Q0.15 output) by interpolation in its table; mult 0 and shift 0 take a
    Q3.12 input."""
    v = _rescale16(x, mult, shift)
    a = np.abs(v)
    uh = np.minimum(a >> 9, 254)
    tab = SIGMOID_U16.astype(np.int64)
    r = np.where((a >> 9) >= 255, 0x7FFF << 10, (tab[uh] << 9) + (a & 0x1FF) * (tab[uh + 1] - tab[uh]))
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
    return (r >> 10).astype(np.int16)


def tanh_s16(x, mult, shift):
    """TFLite's int16 Tanh with a (multiplier, right shift) input rescale (mult 0: 3 << shift, no shift)."""
    v = _rescale16(x, mult, shift)
    a = np.abs(v)
    uh = np.minimum(a >> 8, 254)
    tab = SIGMOID_U16.astype(np.int64)
    r = np.where((a >> 8) >= 255, 0xFFFF << 8, (tab[uh] << 8) + (a & 0xFF) * (tab[uh + 1] - tab[uh]))
    r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
    return (r >> 8).astype(np.int16)


def _expf(v):
    """std::exp(float): exp rounded to float32 (what a correctly rounded expf returns)."""
    return np.float32(math.exp(float(v)))


def lut_populate_s16(transform, input_scale, input_zp, output_scale, output_zp):
    """TFLite's LUTPopulate<int16_t>: a 513-entry table of ``transform`` (a float32 -> float32
    function) sampled at 512 steps over the int16 input range, each entry biased by half the
    interpolation error at its midpoint; every operation in float32 as TFLite computes it."""
    f = np.float32
    in_min = f(input_scale) * f(-32768 - input_zp)
    in_max = f(input_scale) * f(32767 - input_zp)
    out_min = f(output_scale) * f(-32768 - output_zp)
    out_max = f(output_scale) * f(32767 - output_zp)
    step = (in_max - in_min) / f(512)
    half = step / f(2)
    inv = f(65536) / (out_max - out_min)
    lut = np.zeros(513, np.int16)
    for i in range(512):
        x0 = in_min + f(i) * step
        val, mid, nxt = transform(x0), transform(x0 + half), transform(in_min + f(i + 1) * step)
        sample = f(tflite_round(val * inv))
        interp = f(tflite_round((nxt * inv + sample) / f(2)))
        bias = f(tflite_round((interp - f(tflite_round(mid * inv))) / f(2)))
        lut[i] = int(min(max(sample - bias, -32768.0), 32767.0))
    lut[512] = int(min(max(tflite_round(transform(in_max) * inv), -32768.0), 32767.0))
    return lut


def lut_lookup_s16(x, lut):
    """TFLite's LUTLookup: 9 bits index the 513-entry table, 7 interpolate (int16 result)."""
    x = np.asarray(x, dtype=np.int64)
    lut = lut.astype(np.int64)
    index = 256 + (x >> 7)
    base = lut[index]
    slope = ((lut[index + 1] - base + (1 << 15)) & 0xFFFF) - (1 << 15)  # stored in an int16
    v = base + ((slope * (x & 0x7F) + 64) >> 7)
    return ((v + (1 << 15)) & 0xFFFF) - (1 << 15)


@functools.cache
def softmax_luts_s16():
    """The two tables of TFLite's int16 softmax: exp on [-10, 0] and 1 / (1 + x) on [0, 1]."""
    f = np.float32
    rng = f(65535)
    exp_lut = lut_populate_s16(_expf, f(10) / rng, 32767, f(2) / rng, 0)
    recip_lut = lut_populate_s16(lambda v: f(1) / (f(1) + v), f(1) / rng, -32768, f(2) / rng, 0)
    return exp_lut, recip_lut


def inv_sqrt_multiplier(acc):
    """GetInvSqrtQuantizedMultiplierExp(acc, reverse_shift=-1) for one int32 acc >= 0."""
    if acc <= 1:
        return INT32_MAX, 0
    shift = 11
    while acc >= 1 << 29:
        acc //= 4
        shift += 1
    pairs = (int(count_leading_zeros32(acc)) - 1) // 2 - 1
    shift -= pairs
    acc <<= 2 * pairs
    half_input = int(rounding_divide_by_pot(acc >> 1, 1))
    half_three = (1 << 28) + (1 << 27)
    x = 1 << 28  # 1.0 in Q3.28
    for _ in range(5):
        x3 = int(saturating_shl(srdhm(srdhm(x, x), x), 6))
        x = int(saturating_shl(_wrap32(srdhm(half_three, x) - srdhm(half_input, x3)), 3))
    x = int(srdhm(x, 1518500250))
    if shift < 0:
        x = int(_wrap32(x << -shift))
        shift = 0
    return x, -shift

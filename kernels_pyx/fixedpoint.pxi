# TFLite / gemmlowp fixed-point primitives on int32 values, ported from tinycc/fixedpoint.py.
#
# The NumPy reference computes on int64 and wraps to 32 bits where TFLite's int32 arithmetic
# would wrap (or would be undefined). These ports reproduce that bit for bit while staying
# free of C undefined behaviour: sums that may overflow are done in int64 and wrapped with
# wrap32(), left shifts of possibly negative values go through uint32/uint64, and every shift
# count is in range (callers guarantee 0..31 for 32-bit shifts, 0..62 for rdbpot).


cdef inline int32_t wrap32(int64_t x) noexcept nogil:
    """x modulo 2**32 as an int32 (gcc and clang convert out-of-range values modularly)."""
    return <int32_t><uint32_t><uint64_t>x


cdef inline int32_t shl32(int32_t x, int n) noexcept nogil:
    """(x << n) wrapped to 32 bits, 0 <= n <= 31."""
    return <int32_t>(<uint32_t>x << n)


cdef inline int32_t srdhm(int32_t a, int32_t b) noexcept nogil:
    """SaturatingRoundingDoublingHighMul."""
    cdef int64_t ab, nudge
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    ab = <int64_t>a * <int64_t>b
    nudge = (<int64_t>1 << 30) if ab >= 0 else (1 - (<int64_t>1 << 30))
    # cdivision: C division, rounding toward zero like the reference's _trunc_div_pow2
    return <int32_t>((ab + nudge) // (<int64_t>1 << 31))


cdef inline int64_t rdbpot(int64_t x, int exponent) noexcept nogil:
    """RoundingDivideByPOT on a 64-bit value, 0 <= exponent <= 62 (round half away from zero).

    For int32 x and exponent <= 31 this is exactly gemmlowp's int32 RoundingDivideByPOT.
    """
    cdef int64_t mask = (<int64_t>1 << exponent) - 1
    cdef int64_t remainder = x & mask
    cdef int64_t threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


cdef inline void split_shift(int32_t shift, int* left, int* right) noexcept nogil:
    """TFLite's shift convention -> (left, right) shift counts, clamped to 0..31.

    The executor rejects shifts outside -31..31 in constant buffers; the clamp only keeps a
    shift array that lives in the arena (and so is not validated) free of undefined behaviour.
    """
    if shift > 0:
        left[0] = shift if shift < 31 else 31
        right[0] = 0
    else:
        left[0] = 0
        right[0] = -shift if shift > -31 else 31


cdef inline int32_t mbqm(int32_t x, int32_t mult, int left, int right) noexcept nogil:
    """MultiplyByQuantizedMultiplier (double rounding) with pre-split shift counts."""
    return <int32_t>rdbpot(srdhm(shl32(x, left), mult), right)


cdef inline int32_t saturating_shl(int32_t x, int exponent) noexcept nogil:
    """gemmlowp SaturatingRoundingMultiplyByPOT for 1 <= exponent <= 31."""
    cdef int32_t threshold = <int32_t>((<int64_t>1 << (31 - exponent)) - 1)
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return shl32(x, exponent)


cdef inline int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) noexcept nogil:
    cdef int32_t constant_term = 1895147668
    cdef int32_t constant_1_over_3 = 715827883
    cdef int32_t x = wrap32(<int64_t>a + (1 << 28))
    cdef int32_t x2 = srdhm(x, x)
    cdef int32_t x3 = srdhm(x2, x)
    cdef int32_t x4 = srdhm(x2, x2)
    cdef int32_t x4_over_4 = <int32_t>rdbpot(x4, 2)
    cdef int32_t poly = <int32_t>rdbpot(
        wrap32(<int64_t>srdhm(wrap32(<int64_t>x4_over_4 + x3), constant_1_over_3) + x2), 1)
    return wrap32(<int64_t>constant_term + srdhm(constant_term, wrap32(<int64_t>x + poly)))


cdef inline int32_t exp_on_negative_values_5(int32_t a) noexcept nogil:
    """gemmlowp exp_on_negative_values for a Q5.26 input; result Q0.31."""
    cdef int frac_bits = 26
    cdef int32_t one_quarter = 1 << (26 - 2)
    cdef int32_t a_mod = wrap32(<int64_t>(a & (one_quarter - 1)) - one_quarter)
    cdef int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(saturating_shl(a_mod, 5))
    cdef int32_t remainder = wrap32(<int64_t>a_mod - a)
    if remainder & (1 << (frac_bits - 2)):
        result = srdhm(result, 1672461947)
    if remainder & (1 << (frac_bits - 1)):
        result = srdhm(result, 1302514674)
    if remainder & (1 << frac_bits):
        result = srdhm(result, 790015084)
    if remainder & (1 << (frac_bits + 1)):
        result = srdhm(result, 290630308)
    if remainder & (1 << (frac_bits + 2)):
        result = srdhm(result, 39332535)
    if remainder & (1 << (frac_bits + 3)):
        result = srdhm(result, 720401)
    if remainder & (1 << (frac_bits + 4)):
        result = srdhm(result, 242)
    if a == 0:
        return INT32_MAX
    return result


cdef inline int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) noexcept nogil:
    """gemmlowp: 1 / (1 + a) for a in [0, 1); Q0.31 in and out (three Newton-Raphson steps)."""
    cdef int64_t s = <int64_t>a + INT32_MAX
    cdef int32_t half_denominator = <int32_t>((s + (1 if s >= 0 else -1)) // 2)  # C division
    cdef int32_t x = wrap32(<int64_t>1515870810 + srdhm(half_denominator, -1010580540))
    cdef int32_t one_minus
    cdef int i
    for i in range(3):
        one_minus = wrap32((<int64_t>1 << 29) - srdhm(half_denominator, x))
        x = wrap32(<int64_t>x + saturating_shl(srdhm(x, one_minus), 2))
    return saturating_shl(x, 1)


cdef inline int count_leading_zeros32(uint32_t x) noexcept nogil:
    """Leading zero bits of x; 32 for 0 (portable, no __builtin_clz(0) UB)."""
    cdef int n = 0
    if x == 0:
        return 32
    if x <= 0x0000FFFF:
        n += 16
        x <<= 16
    if x <= 0x00FFFFFF:
        n += 8
        x <<= 8
    if x <= 0x0FFFFFFF:
        n += 4
        x <<= 4
    if x <= 0x3FFFFFFF:
        n += 2
        x <<= 2
    if x <= 0x7FFFFFFF:
        n += 1
    return n


cdef inline int32_t get_reciprocal(int32_t x, int x_integer_bits, int* num_bits_over_unit) noexcept nogil:
    """TFLite GetReciprocal: the Q0.31 reciprocal; num_bits_over_unit set through the pointer."""
    cdef int headroom_plus_one = count_leading_zeros32(<uint32_t>x)
    num_bits_over_unit[0] = x_integer_bits - headroom_plus_one
    # headroom_plus_one may be 32 (x == 0): shift in 64 bits as the reference does
    cdef uint32_t shifted = <uint32_t>(<uint64_t><uint32_t>x << headroom_plus_one)  # low 32 bits
    return one_over_one_plus_x_for_x_in_0_1(wrap32(<int64_t>shifted - (<int64_t>1 << 31)))

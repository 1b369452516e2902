/* tinycc portable kernels: shared internal helpers (static inline, header only).
 *
 * Ported from kernels_pyx/fixedpoint.pxi and the helpers of kernels_s8.pxi / kernels_f32.pxi
 * (TFLite / gemmlowp fixed-point arithmetic, bit-exact with TFLite Micro's reference kernels,
 * double-rounding MultiplyByQuantizedMultiplier).
 *
 * No undefined behaviour: sums that may overflow int32 are done in uint32 and converted back
 * with tc_s32() (portable, compiles to nothing); left shifts of possibly negative values go
 * through uint32; right shifts of negative values use tc_asr32/64 (portable arithmetic shift,
 * compiles to one instruction); every shift count is in range. The int8 helpers use no
 * floating point; the float helpers are at the end, used only by the *_f32 kernels.
 */
#ifndef TC_INTERNAL_H
#define TC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tinycc_kernels.h"

/* ---- compile-time checks --------------------------------------------------------------------- */

/* A compile-time check (C99 has no _Static_assert): the array size is -1, an error, when cond is
   false. The helpers shared by several kernels read their operands by one kernel's index names
   (tc_abi.h) and check with these that the other kernels' layouts agree, so that a change of the
   kernel table cannot silently break the sharing. */
#define TC_CHECK(name, cond) typedef char tc_check_##name[(cond) ? 1 : -1]
/* Kernel K2's iparam / buffer P has the index it has in kernel K1. */
#define TC_SAME_IP(K1, K2, P) TC_CHECK(ip_##K2##_##P, (int)TCP_##K1##_##P == (int)TCP_##K2##_##P)
#define TC_SAME_BUF(K1, K2, B) TC_CHECK(buf_##K2##_##B, (int)TCB_##K1##_##B == (int)TCB_##K2##_##B)

/* A depthwise convolution's geometry as int32 locals n, h, wd, c, oh, ow, oc, kh, kw, sh, sw, dh, dw,
   pt, pl, read by name from its parameters `ip` (the vector targets' dwconv2d_s8 kernels). */
#define TC_DWCONV2D_S8_GEOMETRY(ip)                                                                          \
  const int32_t n = (ip)[TCP_DWCONV2D_S8_N], h = (ip)[TCP_DWCONV2D_S8_H], wd = (ip)[TCP_DWCONV2D_S8_W],     \
                c = (ip)[TCP_DWCONV2D_S8_C], oh = (ip)[TCP_DWCONV2D_S8_OH], ow = (ip)[TCP_DWCONV2D_S8_OW],  \
                oc = (ip)[TCP_DWCONV2D_S8_OC];                                                              \
  const int32_t kh = (ip)[TCP_DWCONV2D_S8_KH], kw = (ip)[TCP_DWCONV2D_S8_KW], sh = (ip)[TCP_DWCONV2D_S8_SH], \
                sw = (ip)[TCP_DWCONV2D_S8_SW], dh = (ip)[TCP_DWCONV2D_S8_DH], dw = (ip)[TCP_DWCONV2D_S8_DW]; \
  const int32_t pt = (ip)[TCP_DWCONV2D_S8_PT], pl = (ip)[TCP_DWCONV2D_S8_PL]

/* An int8 pooling's geometry and activation bounds as int32 locals n, h, wd, c, oh, ow, kh, kw, sh, sw,
   pt, pl, act_min, act_max, read by name from its parameters `ip` (K: AVGPOOL_S8 or MAXPOOL_S8, which
   share the layout; the vector targets' pooling kernels). */
#define TC_POOL_S8_PARAMS(K, ip)                                                                           \
  const int32_t n = (ip)[TCP_##K##_N], h = (ip)[TCP_##K##_H], wd = (ip)[TCP_##K##_W], c = (ip)[TCP_##K##_C], \
                oh = (ip)[TCP_##K##_OH], ow = (ip)[TCP_##K##_OW];                                         \
  const int32_t kh = (ip)[TCP_##K##_KH], kw = (ip)[TCP_##K##_KW], sh = (ip)[TCP_##K##_SH],                \
                sw = (ip)[TCP_##K##_SW], pt = (ip)[TCP_##K##_PT], pl = (ip)[TCP_##K##_PL];                \
  const int32_t act_min = (ip)[TCP_##K##_ACT_MIN], act_max = (ip)[TCP_##K##_ACT_MAX]

/* ---- integer basics ------------------------------------------------------------------------ */

/* The int32 whose two's complement bit pattern is u (u modulo 2**32). */
static inline int32_t tc_s32(uint32_t u)
{
  return u <= 0x7FFFFFFFu ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

/* (x << n) wrapped to 32 bits, 0 <= n <= 31. */
static inline int32_t tc_shl32(int32_t x, int n)
{
  return tc_s32((uint32_t)x << n);
}

/* x >> n rounding toward minus infinity (arithmetic shift), 0 <= n <= 31. */
static inline int32_t tc_asr32(int32_t x, int n)
{
  return x >= 0 ? x >> n : ~(~x >> n);
}

/* x >> n rounding toward minus infinity (arithmetic shift), 0 <= n <= 63. */
static inline int64_t tc_asr64(int64_t x, int n)
{
  return x >= 0 ? x >> n : ~(~x >> n);
}

static inline int32_t tc_clamp32(int32_t v, int32_t lo, int32_t hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

/* An int8 average pooling's output from the sum of `count` > 0 int8 values: TFLite's rounding (half
   away from zero, by C division), clamped to the activation bounds. */
static inline int8_t tc_avg_s8(int32_t sum, int32_t count, int32_t act_min, int32_t act_max)
{
  const int32_t half = count / 2;
  return (int8_t)tc_clamp32(sum > 0 ? (sum + half) / count : (sum - half) / count, act_min, act_max);
}

/* v saturated to the int16 range. */
static inline int32_t tc_sat16(int32_t v)
{
  return tc_clamp32(v, -32768, 32767);
}

/* ---- gemmlowp / TFLite fixed point ---------------------------------------------------------- */

/* SaturatingRoundingDoublingHighMul. gemmlowp adds a nudge of 2**30 to the product ab (1 - 2**30
   when ab < 0) and divides by 2**31 rounding toward zero. For ab < 0 the dividend n = ab + 1 - 2**30
   is negative, so the quotient is ceil(n / 2**31) = floor((n + 2**31 - 1) / 2**31) = floor((ab +
   2**30) / 2**31), the same expression as for ab >= 0: one arithmetic shift for both signs (a
   multiply, a 64-bit add and a shift on a 32-bit core). */
static inline int32_t tc_srdhm(int32_t a, int32_t b)
{
  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  /* |ab| < 2**62: the sum fits, and so does the quotient (int32) */
  return (int32_t)tc_asr64((int64_t)a * (int64_t)b + ((int64_t)1 << 30), 31);
}

/* RoundingDivideByPOT on int32 (round half away from zero), 0 <= exponent <= 31. */
static inline int32_t tc_rdbpot32(int32_t x, int exponent)
{
  const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return tc_asr32(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* RoundingDivideByPOT on int64, 0 <= exponent <= 62 (for int32 x and exponent <= 31 it equals
   tc_rdbpot32). */
static inline int64_t tc_rdbpot64(int64_t x, int exponent)
{
  const int64_t mask = ((int64_t)1 << exponent) - 1;
  const int64_t remainder = x & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return tc_asr64(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite's shift convention -> (left, right) shift counts, clamped to 0..31. Shifts outside
   -31..31 are invalid (the host executor rejects constant ones); the clamp only keeps such a
   value free of undefined behaviour. */
static inline void tc_split_shift(int32_t shift, int *left, int *right)
{
  if (shift > 0) {
    *left = shift < 31 ? (int)shift : 31;
    *right = 0;
  } else {
    *left = 0;
    *right = shift > -31 ? (int)-shift : 31;
  }
}

/* MultiplyByQuantizedMultiplier (double rounding) with pre-split shift counts. */
static inline int32_t tc_mbqm(int32_t x, int32_t mult, int left, int right)
{
  return tc_rdbpot32(tc_srdhm(tc_shl32(x, left), mult), right);
}

/* int32 accumulator (as uint32 bits) -> int8 with pre-split shift counts (tc_split_shift): MBQM,
   add the output zero point, clamp. The clamp happens before the zero point is added, so nothing
   can overflow. */
static inline int8_t tc_requant_split_s8(uint32_t acc, int32_t mult, int left, int right, int32_t out_zp,
                                         int32_t act_min, int32_t act_max)
{
  const int32_t v = tc_mbqm(tc_s32(acc), mult, left, right);
  return (int8_t)(tc_clamp32(v, act_min - out_zp, act_max - out_zp) + out_zp);
}

/* int32 accumulator (as uint32 bits) -> int8: tc_requant_split_s8 with TFLite's shift. */
static inline int8_t tc_requant_s8(uint32_t acc, int32_t mult, int32_t shift, int32_t out_zp,
                                   int32_t act_min, int32_t act_max)
{
  int left, right;
  tc_split_shift(shift, &left, &right);
  return tc_requant_split_s8(acc, mult, left, right, out_zp, act_min, act_max);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT, 1 <= exponent <= 31. */
static inline int32_t tc_saturating_shl(int32_t x, int exponent)
{
  const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
  if (x > threshold)
    return INT32_MAX;
  if (x < -threshold)
    return INT32_MIN;
  return tc_shl32(x, exponent);
}

static inline int32_t tc_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
  const int32_t constant_term = 1895147668;
  const int32_t constant_1_over_3 = 715827883;
  const int32_t x = tc_s32((uint32_t)a + ((uint32_t)1 << 28));
  const int32_t x2 = tc_srdhm(x, x);
  const int32_t x3 = tc_srdhm(x2, x);
  const int32_t x4 = tc_srdhm(x2, x2);
  const int32_t x4_over_4 = tc_rdbpot32(x4, 2);
  const int32_t poly = tc_rdbpot32(
      tc_s32((uint32_t)tc_srdhm(tc_s32((uint32_t)x4_over_4 + (uint32_t)x3), constant_1_over_3) + (uint32_t)x2), 1);
  return tc_s32((uint32_t)constant_term + (uint32_t)tc_srdhm(constant_term, tc_s32((uint32_t)x + (uint32_t)poly)));
}

/* gemmlowp exp_on_negative_values for a Q5.26 input; result Q0.31. */
static inline int32_t tc_exp_on_negative_values_5(int32_t a)
{
  const int frac_bits = 26;
  const int32_t one_quarter = (int32_t)1 << (26 - 2);
  const int32_t a_mod = tc_s32((uint32_t)(a & (one_quarter - 1)) - (uint32_t)one_quarter);
  int32_t result = tc_exp_on_interval_between_negative_one_quarter_and_0_excl(tc_saturating_shl(a_mod, 5));
  const int32_t remainder = tc_s32((uint32_t)a_mod - (uint32_t)a);
  if (remainder & ((int32_t)1 << (frac_bits - 2)))
    result = tc_srdhm(result, 1672461947);
  if (remainder & ((int32_t)1 << (frac_bits - 1)))
    result = tc_srdhm(result, 1302514674);
  if (remainder & ((int32_t)1 << frac_bits))
    result = tc_srdhm(result, 790015084);
  if (remainder & ((int32_t)1 << (frac_bits + 1)))
    result = tc_srdhm(result, 290630308);
  if (remainder & ((int32_t)1 << (frac_bits + 2)))
    result = tc_srdhm(result, 39332535);
  if (remainder & ((int32_t)1 << (frac_bits + 3)))
    result = tc_srdhm(result, 720401);
  if (remainder & ((int32_t)1 << (frac_bits + 4)))
    result = tc_srdhm(result, 242);
  if (a == 0)
    return INT32_MAX;
  return result;
}

/* gemmlowp: 1 / (1 + a) for a in [0, 1); Q0.31 in and out (three Newton-Raphson steps). */
static inline int32_t tc_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
  const int64_t s = (int64_t)a + INT32_MAX;
  const int32_t half_denominator = (int32_t)((s + (s >= 0 ? 1 : -1)) / 2); /* C division */
  int32_t x = tc_s32((uint32_t)1515870810 + (uint32_t)tc_srdhm(half_denominator, -1010580540));
  int i;
  for (i = 0; i < 3; i++) {
    const int32_t one_minus = tc_s32(((uint32_t)1 << 29) - (uint32_t)tc_srdhm(half_denominator, x));
    x = tc_s32((uint32_t)x + (uint32_t)tc_saturating_shl(tc_srdhm(x, one_minus), 2));
  }
  return tc_saturating_shl(x, 1);
}

/* Leading zero bits of x; 32 for 0. */
static inline int tc_clz32(uint32_t x)
{
  int n = 0;
  if (x == 0)
    return 32;
  if (x <= 0x0000FFFFu) { n += 16; x <<= 16; }
  if (x <= 0x00FFFFFFu) { n += 8; x <<= 8; }
  if (x <= 0x0FFFFFFFu) { n += 4; x <<= 4; }
  if (x <= 0x3FFFFFFFu) { n += 2; x <<= 2; }
  if (x <= 0x7FFFFFFFu) { n += 1; }
  return n;
}

/* TFLite GetReciprocal: the Q0.31 reciprocal of x (with x_integer_bits integer bits). */
static inline int32_t tc_get_reciprocal(int32_t x, int x_integer_bits, int *num_bits_over_unit)
{
  const int headroom_plus_one = tc_clz32((uint32_t)x);
  /* headroom_plus_one may be 32 (x == 0): shift in 64 bits and keep the low 32 */
  const uint32_t shifted = (uint32_t)((uint64_t)(uint32_t)x << headroom_plus_one);
  *num_bits_over_unit = x_integer_bits - headroom_plus_one;
  return tc_one_over_one_plus_x_for_x_in_0_1(tc_s32(shifted - 0x80000000u));
}

/* ---- ADD (int8): the parameters after the geometry and one element --------------------------- */

typedef struct {
  int32_t act_min, act_max, in1_off, in2_off, out_off;
  int left_shift;
  int32_t m1, m2, mo;
  int l1, r1, l2, r2, lo, ro;
} tc_add_s8_params;

/* p: add_s8's iparams from act_min on (act_min, act_max, in1_off, in2_off, out_off, left_shift, m1,
   s1, m2, s2, mo, so), each at its index in add_s8's ip minus that of act_min. */
static inline void tc_add_s8_setup(const int32_t *p, tc_add_s8_params *a)
{
  int32_t left_shift;
  a->act_min = p[TCP_ADD_S8_ACT_MIN - TCP_ADD_S8_ACT_MIN];
  a->act_max = p[TCP_ADD_S8_ACT_MAX - TCP_ADD_S8_ACT_MIN];
  a->in1_off = p[TCP_ADD_S8_IN1_OFF - TCP_ADD_S8_ACT_MIN];
  a->in2_off = p[TCP_ADD_S8_IN2_OFF - TCP_ADD_S8_ACT_MIN];
  a->out_off = p[TCP_ADD_S8_OUT_OFF - TCP_ADD_S8_ACT_MIN];
  left_shift = p[TCP_ADD_S8_LEFT_SHIFT - TCP_ADD_S8_ACT_MIN];
  a->left_shift = left_shift < 0 ? 0 : (left_shift > 31 ? 31 : (int)left_shift);
  a->m1 = p[TCP_ADD_S8_M1 - TCP_ADD_S8_ACT_MIN];
  tc_split_shift(p[TCP_ADD_S8_S1 - TCP_ADD_S8_ACT_MIN], &a->l1, &a->r1);
  a->m2 = p[TCP_ADD_S8_M2 - TCP_ADD_S8_ACT_MIN];
  tc_split_shift(p[TCP_ADD_S8_S2 - TCP_ADD_S8_ACT_MIN], &a->l2, &a->r2);
  a->mo = p[TCP_ADD_S8_MO - TCP_ADD_S8_ACT_MIN];
  tc_split_shift(p[TCP_ADD_S8_SO - TCP_ADD_S8_ACT_MIN], &a->lo, &a->ro);
}

/* add_s16's ADD parameters lie as add_s8's from act_min on (TC_ADD_BODY hands either kernel's
   ip + act_min to tc_add_s8_setup). */
#define TC_ADD_Q_SAME(P) \
  TC_CHECK(add_s16_##P, TCP_ADD_S16_##P - TCP_ADD_S16_ACT_MIN == TCP_ADD_S8_##P - TCP_ADD_S8_ACT_MIN)
TC_ADD_Q_SAME(ACT_MAX);
TC_ADD_Q_SAME(IN1_OFF);
TC_ADD_Q_SAME(IN2_OFF);
TC_ADD_Q_SAME(OUT_OFF);
TC_ADD_Q_SAME(LEFT_SHIFT);
TC_ADD_Q_SAME(M1);
TC_ADD_Q_SAME(S1);
TC_ADD_Q_SAME(M2);
TC_ADD_Q_SAME(S2);
TC_ADD_Q_SAME(MO);
TC_ADD_Q_SAME(SO);

/* One element of TFLite's quantized ADD (int8: left shift 20; int16: 15), or with sub of SUB (the
   same rescaling, the difference), clamped, offset added. */
static inline int32_t tc_addsub_one(int32_t x1, int32_t x2, const tc_add_s8_params *p, int sub)
{
  /* x + offset is within +-65535 and shifted by at most 15 (int16), or +-383 (int8): no overflow */
  const int32_t a = tc_mbqm(tc_shl32(x1 + p->in1_off, p->left_shift), p->m1, p->l1, p->r1);
  const int32_t b = tc_mbqm(tc_shl32(x2 + p->in2_off, p->left_shift), p->m2, p->l2, p->r2);
  const uint32_t sum = sub ? (uint32_t)a - (uint32_t)b : (uint32_t)a + (uint32_t)b;
  const int32_t v = tc_mbqm(tc_s32(sum), p->mo, p->lo, p->ro);
  return tc_clamp32(v, p->act_min - p->out_off, p->act_max - p->out_off) + p->out_off;
}

static inline int32_t tc_add_one(int32_t x1, int32_t x2, const tc_add_s8_params *p)
{
  return tc_addsub_one(x1, x2, p, 0);
}

static inline int8_t tc_add_one_s8(int32_t x1, int32_t x2, const tc_add_s8_params *p)
{
  return (int8_t)tc_add_one(x1, x2, p);
}

/* The body of tc_add_s8 / tc_add_s16 (K: ADD_S8 or ADD_S16, the kernel whose tc_abi.h names it
   reads): buffers in1, in2, out of element type T; ip: the 6-D broadcast geometry d0..d5, a0..a5,
   b0..b5 (element strides of the inputs, 0 where broadcast), then the ADD parameters from act_min
   on (tc_add_s8_setup). The output may be exactly in1 or in2 when not broadcast. */
#define TC_ADD_BODY(T, K) TC_ADD_BODY_ROWS(T, K, TC_ADD_ROW)

/* n elements of two contiguous rows pa, pb into yp, one at a time (the portable row). */
#define TC_ADD_ROW(T, pa, pb, yp, n)  \
  for (i5 = 0; i5 < (n); i5++)        \
  (yp)[i5] = (T)tc_add_one((pa)[i5], (pb)[i5], &p)

/* TC_ADD_BODY with a target's own rows: ROW(T, pa, pb, yp, n), the statement computing the n
   outputs of a row whose inputs are both contiguous (a5 == b5 == 1: every row of an ADD without
   broadcast, which the lowering gives as one row) with the parameters p. */
#define TC_ADD_BODY_ROWS(T, K, ROW)                                                                           \
  {                                                                                                           \
    const T *const in1 = (const T *)buf[TCB_##K##_IN1];                                                       \
    const T *const in2 = (const T *)buf[TCB_##K##_IN2];                                                       \
    T *const y = (T *)buf[TCB_##K##_OUT];                                                                     \
    const ptrdiff_t d5 = ip[TCP_##K##_D5], a5 = ip[TCP_##K##_A5], b5 = ip[TCP_##K##_B5];                      \
    tc_add_s8_params p;                                                                                       \
    ptrdiff_t i0, i1, i2, i3, i4, i5, k = 0;                                                                  \
    (void)fp;                                                                                                 \
    (void)scratch;                                                                                            \
    tc_add_s8_setup(ip + TCP_##K##_ACT_MIN, &p);                                                              \
    for (i0 = 0; i0 < ip[TCP_##K##_D0]; i0++)                                                                 \
      for (i1 = 0; i1 < ip[TCP_##K##_D1]; i1++)                                                               \
        for (i2 = 0; i2 < ip[TCP_##K##_D2]; i2++)                                                             \
          for (i3 = 0; i3 < ip[TCP_##K##_D3]; i3++)                                                           \
            for (i4 = 0; i4 < ip[TCP_##K##_D4]; i4++) {                                                       \
              const T *const pa = in1 + i0 * ip[TCP_##K##_A0] + i1 * ip[TCP_##K##_A1] + i2 * ip[TCP_##K##_A2] \
                                  + i3 * ip[TCP_##K##_A3] + i4 * ip[TCP_##K##_A4];                            \
              const T *const pb = in2 + i0 * ip[TCP_##K##_B0] + i1 * ip[TCP_##K##_B1] + i2 * ip[TCP_##K##_B2] \
                                  + i3 * ip[TCP_##K##_B3] + i4 * ip[TCP_##K##_B4];                            \
              T *const yp = y + k;                                                                            \
              if (a5 == 1 && b5 == 1) {                                                                       \
                ROW(T, pa, pb, yp, d5);                                                                       \
              } else {                                                                                        \
                for (i5 = 0; i5 < d5; i5++)                                                                   \
                  yp[i5] = (T)tc_add_one(pa[i5 * a5], pb[i5 * b5], &p);                                       \
              }                                                                                               \
              k += d5;                                                                                        \
            }                                                                                                 \
  }

/* MultiplyByQuantizedMultiplier of an int64 accumulator as TFLite's 16x8 kernels round it: the
   multiplier reduced to 15 bits, one rounding shift by 15 - shift (wrapping, never undefined,
   outside the accumulator range TFLite assumes). */
static inline int32_t tc_mbqm64(int64_t x, int32_t mult, int32_t shift)
{
  const int64_t reduced = mult < 0x7FFF0000 ? tc_asr32(mult + (1 << 15), 16) : 0x7FFF;
  const int total = 15 - shift < 1 ? 1 : (15 - shift > 62 ? 62 : (int)(15 - shift));
  const uint64_t r = (uint64_t)x * (uint64_t)reduced + ((uint64_t)1 << (total - 1));
  return (int32_t)tc_asr64((int64_t)r, total);
}

/* An int64 accumulator (as uint64 bits, wrapping) -> int16: TFLite's 64-bit
   MultiplyByQuantizedMultiplier, clamped to [lo, hi]. */
static inline int16_t tc_requant_s16(uint64_t acc, int32_t mult, int32_t shift, int32_t lo, int32_t hi)
{
  return (int16_t)tc_clamp32(tc_mbqm64((int64_t)acc, mult, shift), lo, hi);
}

/* TFLite's GetInvSqrtQuantizedMultiplierExp(acc, reverse_shift -1): 1 / sqrt(acc) as a multiplier
   and shift (Newton-Raphson in Q3.28); acc <= 1 gives (INT32_MAX, 0). */
static inline void tc_inv_sqrt_multiplier(int32_t acc, int32_t *mult, int32_t *shift)
{
  int32_t half_input, xr = (int32_t)1 << 28, s = 11;
  int pairs, k;
  if (acc <= 1) {
    *mult = INT32_MAX;
    *shift = 0;
    return;
  }
  while (acc >= ((int32_t)1 << 29)) {
    acc /= 4;
    s++;
  }
  pairs = (tc_clz32((uint32_t)acc) - 1) / 2 - 1;
  s -= pairs;
  acc = tc_shl32(acc, 2 * pairs);
  half_input = tc_rdbpot32(acc >> 1, 1);
  for (k = 0; k < 5; k++) {
    const int32_t x3 = tc_saturating_shl(tc_srdhm(tc_srdhm(xr, xr), xr), 6);
    xr = tc_saturating_shl(tc_s32((uint32_t)tc_srdhm((1 << 28) + (1 << 27), xr) - (uint32_t)tc_srdhm(half_input, x3)), 3);
  }
  xr = tc_srdhm(xr, 1518500250);
  if (s < 0) {
    xr = tc_shl32(xr, -s > 31 ? 31 : (int)-s);
    s = 0;
  }
  *mult = xr;
  *shift = -s;
}

/* ---- TFLite's int16 sigmoid and tanh (LOGISTIC, TANH, the LSTM gates) -------------------------- */

/* The input rescale (x * mult + round) >> shift, in 64 bits (TFLite's multiplier 0, meaning
   3 << shift and no shift, resolved by the caller); 0 <= shift <= 31. */
static inline int32_t tc_rescale16(int32_t x, int64_t mult, int shift)
{
  return (int32_t)tc_asr64((int64_t)x * mult + (shift > 0 ? (int64_t)1 << (shift - 1) : 0), shift);
}

/* Logistic of a rescaled input (+-2**17 is +-10.7), Q0.15 result: interpolation in TFLite's
   256-entry sigmoid table. */
static inline int16_t tc_sigmoid_s16(int32_t v, const uint16_t *tab)
{
  const uint32_t a = v < 0 ? 0u - (uint32_t)v : (uint32_t)v, uh = a >> 9;
  uint32_t r;
  if (uh >= 255)
    r = 0x7FFFu << 10;
  else
    r = ((uint32_t)tab[uh] << 9) + (a & 0x1FFu) * ((uint32_t)tab[uh + 1] - (uint32_t)tab[uh]);
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
  return (int16_t)(r >> 10);
}

/* Tanh of a rescaled input, Q0.15 result (the same table: tanh(x) = 2 sigmoid(2x) - 1). */
static inline int16_t tc_tanh_s16(int32_t v, const uint16_t *tab)
{
  const uint32_t a = v < 0 ? 0u - (uint32_t)v : (uint32_t)v, uh = a >> 8;
  int32_t r;
  if (uh >= 255)
    r = 0xFFFF << 8;
  else
    r = tc_s32(((uint32_t)tab[uh] << 8) + (a & 0xFFu) * ((uint32_t)tab[uh + 1] - (uint32_t)tab[uh]));
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return (int16_t)tc_asr32(r, 8);
}

/* ---- sliding windows -------------------------------------------------------------------------- */

/* The least t in [0, k] with t * d >= n (k when none), by bisection: tc_ceil_div_clip's case of an n
   beyond 32 bits, which no convolution has (kept out of line: the callers' hot loops stay small). */
#if defined(__GNUC__)
static __attribute__((noinline, cold, unused)) int32_t tc_ceil_div_clip_wide(uint64_t n, int32_t d, int32_t k)
#else
static inline int32_t tc_ceil_div_clip_wide(uint64_t n, int32_t d, int32_t k)
#endif
{
  int32_t lo = 0, hi = k;
  while (lo < hi) {
    const int32_t mid = lo + (hi - lo) / 2;
    if ((uint64_t)mid * (uint32_t)d >= n)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* min(ceil(n / d), k) for d >= 1, k >= 0, without a 64-bit division (a library call on 32-bit cores):
   a 32-bit one when n fits (a convolution's always does: its padding and sizes are int32). */
static inline int32_t tc_ceil_div_clip(uint64_t n, int32_t d, int32_t k)
{
  if (n <= 0xFFFFFFFFu) {
    const uint32_t q = n ? ((uint32_t)n - 1u) / (uint32_t)d + 1u : 0u;
    return q < (uint32_t)k ? (int32_t)q : k;
  }
  return tc_ceil_div_clip_wide(n, d, k);
}

/* Filter taps t in [*lo, *hi) with 0 <= start + t * dilation < size (empty when *hi <= *lo).
   start is 64-bit so that (output index * stride - padding) never overflows. */
static inline void tc_tap_range(int64_t start, int32_t dilation, int32_t k, int32_t size, int32_t *lo, int32_t *hi)
{
  if (dilation == 1) {
    const int64_t l = start >= 0 ? 0 : -start;
    const int64_t h = (int64_t)size - start;
    *lo = l < k ? (int32_t)l : k;
    *hi = h <= 0 ? 0 : (h < k ? (int32_t)h : k);
    return;
  }
  *lo = start >= 0 ? 0 : tc_ceil_div_clip((uint64_t)0 - (uint64_t)start, dilation, k);
  *hi = start >= size ? 0 : tc_ceil_div_clip((uint64_t)(int64_t)size - (uint64_t)start, dilation, k);
}

/* The input rows (or columns) [*lo, *hi) a pooling window over [start, start + k) covers inside
   [0, size); start is 64-bit so that (output index * stride - padding) never overflows. */
static inline void tc_window(int64_t start, int32_t k, ptrdiff_t size, ptrdiff_t *lo, ptrdiff_t *hi)
{
  const int64_t end = start + k;
  *lo = start < 0 ? 0 : (start > size ? size : (ptrdiff_t)start);
  *hi = end < 0 ? 0 : (end > size ? size : (ptrdiff_t)end);
}

/* A product (x - zp) * w with int8 x, w and -128 <= zp <= 127 has |p| <= 255 * 128 = 32640, so a
   signed int32 sum of up to TC_DOT_CHUNK of them cannot overflow. */
#define TC_DOT_CHUNK 65536

/* sum (x[i] - zp) * w[i] wrapped to 32 bits (returned as uint32); the inner loop is a plain
   int16 x int16 -> int32 dot product that compilers vectorize. */
static inline uint32_t tc_dot_s8(const int8_t *x, const int8_t *w, ptrdiff_t n, int32_t zp)
{
  uint32_t total = 0;
  const int16_t zp16 = (int16_t)zp;
  while (n > 0) {
    const ptrdiff_t m = n < TC_DOT_CHUNK ? n : TC_DOT_CHUNK;
    int32_t acc = 0;
    ptrdiff_t i;
    for (i = 0; i < m; i++)
      acc += (int32_t)(int16_t)(x[i] - zp16) * (int32_t)w[i];
    total += (uint32_t)acc;
    x += m;
    w += m;
    n -= m;
  }
  return total;
}

/* ---- ARG_MAX / ARG_MIN over x [outer][axis][inner] of element type T -> int32 indices ----------- */

/* The body of tc_argminmax_s8 / tc_argminmax_f32 (K: ARGMINMAX_S8 or ARGMINMAX_F32, the kernel
   whose tc_abi.h names it reads): mode 1 the first maximum, 0 the first minimum (plain comparisons:
   for float32 a NaN never replaces the best value so far, and a first NaN is never replaced, as in
   TFLite Micro). */
#define TC_ARGMINMAX_BODY(T, K)                                                              \
  {                                                                                          \
    const T *const x = (const T *)buf[TCB_##K##_IN];                                         \
    int32_t *const y = (int32_t *)buf[TCB_##K##_OUT];                                        \
    const int32_t mode = ip[TCP_##K##_MODE];                                                 \
    const ptrdiff_t outer = ip[TCP_##K##_OUTER], axis = ip[TCP_##K##_AXIS];                  \
    const ptrdiff_t inner = ip[TCP_##K##_INNER];                                             \
    ptrdiff_t o, i, k;                                                                       \
    (void)fp;                                                                                \
    (void)scratch;                                                                           \
    for (o = 0; o < outer; o++)                                                              \
      for (i = 0; i < inner; i++) {                                                          \
        const T *const xo = x + o * axis * inner + i;                                        \
        T best = xo[0];                                                                      \
        int32_t at = 0;                                                                      \
        for (k = 1; k < axis; k++) {                                                         \
          const T v = xo[k * inner];                                                         \
          if (mode ? v > best : v < best) {                                                  \
            best = v;                                                                        \
            at = (int32_t)k;                                                                 \
          }                                                                                  \
        }                                                                                    \
        y[o * inner + i] = at;                                                               \
      }                                                                                      \
  }

/* ---- float32 helpers (the *_f32 kernels only) ------------------------------------------------- */

#define TC_FLT_MAX 3.40282347e+38f
/* TFLite's float logistic: 1 above TC_LOGISTIC_HI, exp(v) below TC_LOGISTIC_LO, else 1 / (1 + exp(-v)) */
#define TC_LOGISTIC_HI 16.619047164916992188f
#define TC_LOGISTIC_LO -9.0f

/* np.clip semantics; NaN passes through. */
static inline float tc_clampf(float v, float lo, float hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

/* sum x[i] * w[i] with 8 independent partial sums, combined in the same order as the host
   executor's dot_f32 (so the results are identical, not just close). */
static inline float tc_dot_f32(const float *x, const float *w, ptrdiff_t n)
{
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  float t = 0;
  ptrdiff_t i = 0;
  int j;
  for (; i + 8 <= n; i += 8)
    for (j = 0; j < 8; j++)
      acc[j] += x[i + j] * w[i + j];
  for (; i < n; i++)
    t += x[i] * w[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + t;
}

#endif /* TC_INTERNAL_H */

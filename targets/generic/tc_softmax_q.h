/* tinycc portable kernels: TFLite's softmax of int8 input (gemmlowp exp and reciprocal) shared by
   softmax_s8 (int8 output, scale 1/256, zero point -128) and softmax_s8_s16 (int16 output, scale
   1/65536, zero point -32768); included by their files only. */
#ifndef TC_SOFTMAX_Q_H
#define TC_SOFTMAX_Q_H
#include "tc_internal.h"

/* softmax_s8_s16 has softmax_s8's operand layout: tc_softmax_q reads both by softmax_s8's names. */
#define TC_SOFTMAX_Q_SAME(P) TC_SAME_IP(SOFTMAX_S8, SOFTMAX_S8_S16, P)
TC_SAME_BUF(SOFTMAX_S8, SOFTMAX_S8_S16, IN);
TC_SAME_BUF(SOFTMAX_S8, SOFTMAX_S8_S16, OUT);
TC_SOFTMAX_Q_SAME(OUTER);
TC_SOFTMAX_Q_SAME(DEPTH);
TC_SOFTMAX_Q_SAME(MULT);
TC_SOFTMAX_Q_SAME(LEFT_SHIFT);
TC_SOFTMAX_Q_SAME(DIFF_MIN);

/* buffers: in (int8), out (int8 when out_bits is 8, int16 when 16).
   ip: outer depth mult left_shift diff_min; |diff| << left_shift fits int32 for every diff used. */
static void tc_softmax_q(void *const *buf, const int32_t *ip, int out_bits)
{
  const int8_t *const x = (const int8_t *)buf[TCB_SOFTMAX_S8_IN];
  const ptrdiff_t outer = ip[TCP_SOFTMAX_S8_OUTER], depth = ip[TCP_SOFTMAX_S8_DEPTH];
  const int32_t mult = ip[TCP_SOFTMAX_S8_MULT], diff_min = ip[TCP_SOFTMAX_S8_DIFF_MIN];
  const int32_t lo = out_bits == 8 ? -128 : -32768, hi = -lo - 1;
  const int left_shift = ip[TCP_SOFTMAX_S8_LEFT_SHIFT];
  ptrdiff_t r, i;
  for (r = 0; r < outer; r++) {
    const int8_t *const xr = x + r * depth;
    int32_t maxv = -128, recip;
    uint32_t sum_of_exps = 0;
    int bits_over_unit, exponent;
    for (i = 0; i < depth; i++)
      maxv = xr[i] > maxv ? xr[i] : maxv;
    for (i = 0; i < depth; i++) {
      const int32_t diff = (int32_t)xr[i] - maxv;
      if (diff >= diff_min) {
        const int32_t e = tc_exp_on_negative_values_5(tc_srdhm(tc_shl32(diff, left_shift), mult));
        sum_of_exps += (uint32_t)tc_rdbpot32(e, 12); /* ACCUM_INTEGER_BITS */
      }
    }
    recip = tc_get_reciprocal(tc_s32(sum_of_exps), 12, &bits_over_unit);
    exponent = bits_over_unit + 31 - out_bits; /* 0 <= exponent <= 35 */
    for (i = 0; i < depth; i++) {
      const int32_t diff = (int32_t)xr[i] - maxv;
      int64_t v = lo;
      if (diff >= diff_min) {
        const int32_t e = tc_exp_on_negative_values_5(tc_srdhm(tc_shl32(diff, left_shift), mult));
        v = tc_rdbpot64(tc_srdhm(recip, e), exponent) + lo;
        v = v < lo ? lo : (v > hi ? hi : v);
      }
      if (out_bits == 8)
        ((int8_t *)buf[TCB_SOFTMAX_S8_OUT])[r * depth + i] = (int8_t)v;
      else
        ((int16_t *)buf[TCB_SOFTMAX_S8_OUT])[r * depth + i] = (int16_t)v;
    }
  }
}

#endif

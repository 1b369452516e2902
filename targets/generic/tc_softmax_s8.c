/* tinycc portable kernel: softmax_s8 (TFLite's int8 softmax: gemmlowp exp and reciprocal,
   output scale 1/256, zero point -128). In place is allowed. */
#include "tc_internal.h"

void tc_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *const y = (int8_t *)buf[1];
  const ptrdiff_t outer = ip[0], depth = ip[1];
  const int32_t mult = ip[2];
  const int left_shift = ip[3]; /* |diff| << left_shift fits int32 for every diff used */
  const int32_t diff_min = ip[4];
  ptrdiff_t r, i;
  (void)fp;
  (void)scratch;
  for (r = 0; r < outer; r++) {
    const int8_t *const xr = x + r * depth;
    int8_t *const yr = y + r * depth;
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
    exponent = bits_over_unit + 31 - 8; /* 3 <= exponent <= 35 */
    for (i = 0; i < depth; i++) {
      const int32_t diff = (int32_t)xr[i] - maxv;
      if (diff >= diff_min) {
        const int32_t e = tc_exp_on_negative_values_5(tc_srdhm(tc_shl32(diff, left_shift), mult));
        const int64_t v = tc_rdbpot64(tc_srdhm(recip, e), exponent) - 128;
        yr[i] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
      } else {
        yr[i] = -128;
      }
    }
  }
}

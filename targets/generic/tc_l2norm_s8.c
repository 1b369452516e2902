/* tinycc portable kernel: l2norm_s8 (L2_NORMALIZATION over the last axis, int8: TFLite's
 * fixed-point inverse square root; output scale 1/128, zero point 0).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out [outer][depth]. ip: outer depth zp */
void tc_l2norm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *x = (const int8_t *)buf[0];
  int8_t *y = (int8_t *)buf[1];
  const ptrdiff_t outer = ip[0], depth = ip[1];
  const int32_t zp = ip[2];
  ptrdiff_t o, i;
  (void)fp;
  (void)scratch;
  for (o = 0; o < outer; o++, x += depth, y += depth) {
    uint32_t sq = 0;
    int32_t acc, mult = INT32_MAX, shift = 0;
    int left, right;
    for (i = 0; i < depth; i++) {
      const int32_t d = x[i] - zp;
      sq += (uint32_t)(d * d);
    }
    acc = tc_s32(sq);
    if (acc > 1) { /* GetInvSqrtQuantizedMultiplierExp; acc <= 1 (or wrapped negative) -> (max, 0) */
      int32_t half_input, xr = (int32_t)1 << 28;
      int pairs, k;
      shift = 11;
      while (acc >= ((int32_t)1 << 29)) {
        acc /= 4;
        shift++;
      }
      pairs = (tc_clz32((uint32_t)acc) - 1) / 2 - 1;
      shift -= pairs;
      acc = tc_shl32(acc, 2 * pairs);
      half_input = tc_rdbpot32(acc >> 1, 1);
      for (k = 0; k < 5; k++) {
        const int32_t x3 = tc_saturating_shl(tc_srdhm(tc_srdhm(xr, xr), xr), 6);
        xr = tc_saturating_shl(tc_s32((uint32_t)tc_srdhm((1 << 28) + (1 << 27), xr) - (uint32_t)tc_srdhm(half_input, x3)),
                               3);
      }
      mult = tc_srdhm(xr, 1518500250);
      if (shift < 0) {
        mult = tc_shl32(mult, -shift > 31 ? 31 : (int)-shift);
        shift = 0;
      }
      shift = -shift;
    }
    tc_split_shift(shift + 7, &left, &right);
    for (i = 0; i < depth; i++)
      y[i] = (int8_t)tc_clamp32(tc_mbqm(x[i] - zp, mult, left, right), -128, 127);
  }
}

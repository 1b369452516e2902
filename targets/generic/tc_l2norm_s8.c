/* tinycc portable kernel: l2norm_s8 (L2_NORMALIZATION over the last axis, int8: TFLite's
 * fixed-point inverse square root; output scale 1/128, zero point 0).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out [outer][depth]. ip: outer depth zp */
void tc_l2norm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *x = (const int8_t *)buf[TCB_L2NORM_S8_IN];
  int8_t *y = (int8_t *)buf[TCB_L2NORM_S8_OUT];
  const ptrdiff_t outer = ip[TCP_L2NORM_S8_OUTER], depth = ip[TCP_L2NORM_S8_DEPTH];
  const int32_t zp = ip[TCP_L2NORM_S8_ZP];
  ptrdiff_t o, i;
  (void)fp;
  (void)scratch;
  for (o = 0; o < outer; o++, x += depth, y += depth) {
    uint32_t sq = 0;
    int32_t acc, mult, shift;
    int left, right;
    for (i = 0; i < depth; i++) {
      const int32_t d = x[i] - zp;
      sq += (uint32_t)(d * d);
    }
    acc = tc_s32(sq);
    tc_inv_sqrt_multiplier(acc, &mult, &shift);
    tc_split_shift(shift + 7, &left, &right);
    for (i = 0; i < depth; i++)
      y[i] = (int8_t)tc_clamp32(tc_mbqm(x[i] - zp, mult, left, right), -128, 127);
  }
}

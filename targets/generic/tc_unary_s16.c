/* tinycc portable kernel: unary_s16 (int16 RSQRT and ABS, zero points 0, TFLite Micro's integer
 * arithmetic).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out (int16). ip: size mode rescale mult shift.
   mode 0, RSQRT: x <= 0 gives 32767 (TFLite Micro: the maximum for 0, an error for negatives), else
   1 / sqrt(x) from TFLite's fixed-point inverse square root scaled by 2**20, then (mult, shift - 20).
   mode 1, ABS: |x|, rescaled by (mult, shift) when rescale is 1. In place is allowed. */
void tc_unary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *const x = (const int16_t *)buf[TCB_UNARY_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_UNARY_S16_OUT];
  const ptrdiff_t size = ip[TCP_UNARY_S16_SIZE];
  const int32_t mode = ip[TCP_UNARY_S16_MODE], rescale = ip[TCP_UNARY_S16_RESCALE], mult = ip[TCP_UNARY_S16_MULT];
  ptrdiff_t i;
  int left, right;
  (void)fp;
  (void)scratch;
  tc_split_shift(mode == 0 ? ip[TCP_UNARY_S16_SHIFT] - 20 : ip[TCP_UNARY_S16_SHIFT], &left, &right);
  for (i = 0; i < size; i++) {
    const int32_t v = x[i];
    int32_t r;
    if (mode == 0) {
      int32_t im, ish;
      int l1, r1;
      if (v <= 0) {
        y[i] = 32767;
        continue;
      }
      tc_inv_sqrt_multiplier(v, &im, &ish);
      tc_split_shift(ish + 20, &l1, &r1);
      r = tc_mbqm(tc_mbqm(1, im, l1, r1), mult, left, right);
    } else {
      r = v < 0 ? -v : v;
      if (rescale)
        r = tc_mbqm(r, mult, left, right);
    }
    y[i] = (int16_t)tc_sat16(r);
  }
}

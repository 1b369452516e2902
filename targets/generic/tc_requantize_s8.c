/* tinycc portable kernel: requantize_s8 (int8 -> int8 with another scale / zero point). In place
   is allowed. */
#include "tc_internal.h"

void tc_requantize_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *const y = (int8_t *)buf[1];
  const ptrdiff_t size = ip[0];
  const int32_t in_zp = ip[1], out_zp = ip[2], mult = ip[3];
  int left, right;
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[4], &left, &right);
  for (i = 0; i < size; i++) {
    const int32_t v = tc_mbqm((int32_t)x[i] - in_zp, mult, left, right);
    y[i] = (int8_t)(tc_clamp32(v, -128 - out_zp, 127 - out_zp) + out_zp);
  }
}

/* tinycc portable kernel: requantize_s8 (int8 -> int8 with another scale / zero point). In place
   is allowed. */
#include "tc_internal.h"

void tc_requantize_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_REQUANTIZE_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_REQUANTIZE_S8_OUT];
  const ptrdiff_t size = ip[TCP_REQUANTIZE_S8_SIZE];
  const int32_t in_zp = ip[TCP_REQUANTIZE_S8_IN_ZP], out_zp = ip[TCP_REQUANTIZE_S8_OUT_ZP],
                mult = ip[TCP_REQUANTIZE_S8_MULT];
  int left, right;
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[TCP_REQUANTIZE_S8_SHIFT], &left, &right);
  for (i = 0; i < size; i++) {
    const int32_t v = tc_mbqm((int32_t)x[i] - in_zp, mult, left, right);
    y[i] = (int8_t)(tc_clamp32(v, -128 - out_zp, 127 - out_zp) + out_zp);
  }
}

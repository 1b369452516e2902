/* tinycc portable kernel: requantize_s16 (QUANTIZE from int8 or int16 to int8, int16 or int32, as
 * TFLite Micro's Requantize: MultiplyByQuantizedMultiplier(x - in_zp) + out_zp, saturated; for int32
 * the sum wraps, as TFLite Micro's).
 * tinycc: shared with the host executor. */
#include <string.h>
#include "tc_internal.h"

/* buffers: in, out. ip: size in_zp out_zp mult shift in_bytes (1: int8, 2: int16) out_bytes (1, 2 or
   4: int32, stored with memcpy: the output needs no alignment).
   Each element is read before it is written: in place when the output is no wider. */
void tc_requantize_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t size = ip[0];
  const int32_t in_zp = ip[1], out_zp = ip[2], mult = ip[3];
  const int32_t lo = ip[6] == 1 ? -128 : -32768, hi = ip[6] == 1 ? 127 : 32767;
  ptrdiff_t i;
  int left, right;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[4], &left, &right);
  for (i = 0; i < size; i++) {
    const int32_t x = ip[5] == 1 ? (int32_t)((const int8_t *)buf[0])[i] : (int32_t)((const int16_t *)buf[0])[i];
    const int32_t r = tc_mbqm(x - in_zp, mult, left, right);
    if (ip[6] == 4) {
      const int32_t v = tc_s32((uint32_t)r + (uint32_t)out_zp);
      memcpy((char *)buf[1] + i * 4, &v, 4);
    } else {
      const int32_t v = tc_clamp32(r, lo - out_zp, hi - out_zp) + out_zp;
      if (ip[6] == 1)
        ((int8_t *)buf[1])[i] = (int8_t)v;
      else
        ((int16_t *)buf[1])[i] = (int16_t)v;
    }
  }
}

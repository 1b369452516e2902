/* tinycc portable kernel: requantize_s16 (QUANTIZE between integer types: int8, int16 or int32 in,
 * int8, int16 or int32 out, as TFLite Micro's Requantize: MultiplyByQuantizedMultiplier(x - in_zp)
 * + out_zp, saturated to the output type). The subtraction and the addition wrap to 32 bits as
 * TFLite Micro's int32 arithmetic does (only int32 operands can reach that), and the sum is
 * clamped afterwards: an int32 output is never clamped.
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

static int32_t load(const void *p, ptrdiff_t i, int32_t bytes)
{
  if (bytes == 1)
    return ((const int8_t *)p)[i];
  if (bytes == 2)
    return ((const int16_t *)p)[i];
  return ((const int32_t *)p)[i];
}

/* buffers: in, out. ip: size in_zp out_zp mult shift in_bytes out_bytes (1: int8, 2: int16,
   4: int32). Each element is read before it is written: in place when the output is no wider. */
void tc_requantize_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t size = ip[TCP_REQUANTIZE_S16_SIZE];
  const int32_t in_zp = ip[TCP_REQUANTIZE_S16_IN_ZP], out_zp = ip[TCP_REQUANTIZE_S16_OUT_ZP],
                mult = ip[TCP_REQUANTIZE_S16_MULT], in_bytes = ip[TCP_REQUANTIZE_S16_IN_BYTES],
                out_bytes = ip[TCP_REQUANTIZE_S16_OUT_BYTES];
  const int32_t lo = out_bytes == 1 ? -128 : (out_bytes == 2 ? -32768 : INT32_MIN);
  const int32_t hi = out_bytes == 1 ? 127 : (out_bytes == 2 ? 32767 : INT32_MAX);
  ptrdiff_t i;
  int left, right;
  (void)fp;
  (void)scratch;
  tc_split_shift(ip[TCP_REQUANTIZE_S16_SHIFT], &left, &right);
  for (i = 0; i < size; i++) {
    const int32_t x = tc_s32((uint32_t)load(buf[TCB_REQUANTIZE_S16_IN], i, in_bytes) - (uint32_t)in_zp);
    const int32_t v = tc_clamp32(tc_s32((uint32_t)tc_mbqm(x, mult, left, right) + (uint32_t)out_zp), lo, hi);
    if (out_bytes == 1)
      ((int8_t *)buf[TCB_REQUANTIZE_S16_OUT])[i] = (int8_t)v;
    else if (out_bytes == 2)
      ((int16_t *)buf[TCB_REQUANTIZE_S16_OUT])[i] = (int16_t)v;
    else
      ((int32_t *)buf[TCB_REQUANTIZE_S16_OUT])[i] = v;
  }
}

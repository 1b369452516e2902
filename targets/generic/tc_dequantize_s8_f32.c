/* tinycc portable kernel: dequantize_s8_f32 (int8 -> float32: scale * (x - zp)). The product of
   a float32 scale and an integer of at most 9 bits is rounded once to float32, which is what
   the host executor's double multiplication followed by a float32 conversion gives. */
#include "tc_internal.h"

void tc_dequantize_s8_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_DEQUANTIZE_S8_F32_IN];
  float *restrict const y = (float *)buf[TCB_DEQUANTIZE_S8_F32_OUT];
  const ptrdiff_t size = ip[TCP_DEQUANTIZE_S8_F32_SIZE];
  const int32_t zp = ip[TCP_DEQUANTIZE_S8_F32_ZP];
  const float scale = fp[TCF_DEQUANTIZE_S8_F32_SCALE];
  ptrdiff_t i;
  (void)scratch;
  for (i = 0; i < size; i++)
    y[i] = scale * (float)((int32_t)x[i] - zp);
}

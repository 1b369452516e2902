/* tinycc portable kernel: quantize_f32_s8 (float32 -> int8: x / scale in float32, rounded half
   away from zero, plus the zero point, saturated; NaN -> -128). No libm. In place is allowed. */
#include "tc_internal.h"

void tc_quantize_f32_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_QUANTIZE_F32_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_QUANTIZE_F32_S8_OUT];
  const ptrdiff_t size = ip[TCP_QUANTIZE_F32_S8_SIZE];
  const int32_t zp = ip[TCP_QUANTIZE_F32_S8_ZP];
  const float scale = fp[TCF_QUANTIZE_F32_S8_SCALE];
  ptrdiff_t i;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const float q = x[i] / scale; /* float32 division, as the reference */
    int32_t v;
    if (q >= 512.0f) {          /* +inf too: saturates whatever the zero point */
      v = 127;
    } else if (q <= -512.0f) {  /* -inf too */
      v = -128;
    } else if (q == q) {
      /* round half away from zero, exactly: |q| < 512, so the truncation t and the fraction
         a - t (computed exactly in float) decide */
      const float a = q < 0 ? -q : q;
      int32_t t = (int32_t)a;
      if (a - (float)t >= 0.5f)
        t++;
      v = tc_clamp32((q < 0 ? -t : t) + zp, -128, 127);
    } else {
      v = -128; /* NaN */
    }
    y[i] = (int8_t)v;
  }
}

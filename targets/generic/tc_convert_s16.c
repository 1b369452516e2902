/* tinycc portable kernel: convert_s16 (QUANTIZE float32 -> int16 and DEQUANTIZE int16 -> float32, as
 * TFLite Micro's AffineQuantize and Dequantize). No libm.
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out. ip: mode size zp; fp: scale.
   mode 0: float32 -> int16: x / scale in float32, rounded half away from zero, plus zp, saturated
           (NaN -> -32768); in place is allowed;
   mode 1: int16 -> float32: scale * (x - zp). */
void tc_convert_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t size = ip[TCP_CONVERT_S16_SIZE];
  const int32_t mode = ip[TCP_CONVERT_S16_MODE], zp = ip[TCP_CONVERT_S16_ZP];
  const float scale = fp[TCF_CONVERT_S16_SCALE];
  ptrdiff_t i;
  (void)scratch;
  for (i = 0; i < size; i++) {
    int32_t v;
    if (mode == 1) {
      ((float *)buf[TCB_CONVERT_S16_OUT])[i] = scale * (float)(((const int16_t *)buf[TCB_CONVERT_S16_IN])[i] - zp);
    } else {
      const float q = ((const float *)buf[TCB_CONVERT_S16_IN])[i] / scale; /* float32 division, as the reference */
      if (q >= 131072.0f) {
        v = 32767;
      } else if (q <= -131072.0f) {
        v = -32768;
      } else if (q == q) {
        const float a = q < 0 ? -q : q; /* |q| < 2**17: the fraction a - t is exact */
        int32_t t = (int32_t)a;
        if (a - (float)t >= 0.5f)
          t++;
        v = tc_sat16((q < 0 ? -t : t) + zp);
      } else {
        v = -32768; /* NaN */
      }
      ((int16_t *)buf[TCB_CONVERT_S16_OUT])[i] = (int16_t)v;
    }
  }
}

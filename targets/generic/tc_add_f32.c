/* tinycc portable kernel: add_f32 (float32 ADD with 6-D broadcasting and activation clamp). */
#include "tc_internal.h"

void tc_add_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const in1 = (const float *)buf[TCB_ADD_F32_IN1];
  const float *const in2 = (const float *)buf[TCB_ADD_F32_IN2];
  float *const y = (float *)buf[TCB_ADD_F32_OUT]; /* may be exactly in1 or in2 (when not broadcast) */
  const ptrdiff_t d5 = ip[TCP_ADD_F32_D5], a5 = ip[TCP_ADD_F32_A5], b5 = ip[TCP_ADD_F32_B5];
  const float act_min = fp[TCF_ADD_F32_ACT_MIN], act_max = fp[TCF_ADD_F32_ACT_MAX];
  ptrdiff_t i0, i1, i2, i3, i4, i5, k = 0;
  (void)scratch;
  for (i0 = 0; i0 < ip[TCP_ADD_F32_D0]; i0++)
    for (i1 = 0; i1 < ip[TCP_ADD_F32_D1]; i1++)
      for (i2 = 0; i2 < ip[TCP_ADD_F32_D2]; i2++)
        for (i3 = 0; i3 < ip[TCP_ADD_F32_D3]; i3++)
          for (i4 = 0; i4 < ip[TCP_ADD_F32_D4]; i4++) {
            const float *const pa = in1 + i0 * ip[TCP_ADD_F32_A0] + i1 * ip[TCP_ADD_F32_A1] + i2 * ip[TCP_ADD_F32_A2]
                                    + i3 * ip[TCP_ADD_F32_A3] + i4 * ip[TCP_ADD_F32_A4];
            const float *const pb = in2 + i0 * ip[TCP_ADD_F32_B0] + i1 * ip[TCP_ADD_F32_B1] + i2 * ip[TCP_ADD_F32_B2]
                                    + i3 * ip[TCP_ADD_F32_B3] + i4 * ip[TCP_ADD_F32_B4];
            float *const yp = y + k;
            if (a5 == 1 && b5 == 1) {
              for (i5 = 0; i5 < d5; i5++)
                yp[i5] = tc_clampf(pa[i5] + pb[i5], act_min, act_max);
            } else {
              for (i5 = 0; i5 < d5; i5++)
                yp[i5] = tc_clampf(pa[i5 * a5] + pb[i5 * b5], act_min, act_max);
            }
            k += d5;
          }
}

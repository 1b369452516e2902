/* tinycc portable kernel: add_f32 (float32 ADD with 6-D broadcasting and activation clamp). */
#include "tc_internal.h"

void tc_add_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const in1 = (const float *)buf[0];
  const float *const in2 = (const float *)buf[1];
  float *const y = (float *)buf[2]; /* may be exactly in1 or in2 (when not broadcast) */
  const ptrdiff_t d5 = ip[5], a5 = ip[11], b5 = ip[17];
  const float act_min = fp[0], act_max = fp[1];
  ptrdiff_t i0, i1, i2, i3, i4, i5, k = 0;
  (void)scratch;
  for (i0 = 0; i0 < ip[0]; i0++)
    for (i1 = 0; i1 < ip[1]; i1++)
      for (i2 = 0; i2 < ip[2]; i2++)
        for (i3 = 0; i3 < ip[3]; i3++)
          for (i4 = 0; i4 < ip[4]; i4++) {
            const float *const pa = in1 + i0 * ip[6] + i1 * ip[7] + i2 * ip[8] + i3 * ip[9] + i4 * ip[10];
            const float *const pb = in2 + i0 * ip[12] + i1 * ip[13] + i2 * ip[14] + i3 * ip[15] + i4 * ip[16];
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

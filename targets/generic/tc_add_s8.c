/* tinycc portable kernel: add_s8 (int8 ADD with 6-D broadcasting, TFLite's rescaling). */
#include "tc_internal.h"

void tc_add_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const in1 = (const int8_t *)buf[0];
  const int8_t *const in2 = (const int8_t *)buf[1];
  int8_t *const y = (int8_t *)buf[2]; /* may be exactly in1 or in2 (when not broadcast) */
  const ptrdiff_t d5 = ip[5], a5 = ip[11], b5 = ip[17];
  tc_add_s8_params p;
  ptrdiff_t i0, i1, i2, i3, i4, i5, k = 0;
  (void)fp;
  (void)scratch;
  tc_add_s8_setup(ip + 18, &p);
  for (i0 = 0; i0 < ip[0]; i0++)
    for (i1 = 0; i1 < ip[1]; i1++)
      for (i2 = 0; i2 < ip[2]; i2++)
        for (i3 = 0; i3 < ip[3]; i3++)
          for (i4 = 0; i4 < ip[4]; i4++) {
            const int8_t *const pa = in1 + i0 * ip[6] + i1 * ip[7] + i2 * ip[8] + i3 * ip[9] + i4 * ip[10];
            const int8_t *const pb = in2 + i0 * ip[12] + i1 * ip[13] + i2 * ip[14] + i3 * ip[15] + i4 * ip[16];
            int8_t *const yp = y + k;
            if (a5 == 1 && b5 == 1) {
              for (i5 = 0; i5 < d5; i5++)
                yp[i5] = tc_add_one_s8(pa[i5], pb[i5], &p);
            } else {
              for (i5 = 0; i5 < d5; i5++)
                yp[i5] = tc_add_one_s8(pa[i5 * a5], pb[i5 * b5], &p);
            }
            k += d5;
          }
}

/* tinycc portable kernel: reduce_f32 (MEAN, SUM, REDUCE_MAX, REDUCE_MIN over float32: the input
 * seen as up to 3 kept and 3 reduced dimension groups with element strides).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out. ip: mode o0 o1 o2 oa0 oa1 oa2 r0 r1 r2 ra0 ra1 ra2 (as reduce_s8).
   mode 0: sum, 1: mean (the sum divided by the count), both summed one element at a time in
   index order as TFLite Micro; 2: maximum, 3: minimum (starting from -FLT_MAX / FLT_MAX). */
void tc_reduce_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_REDUCE_F32_IN];
  float *const y = (float *)buf[TCB_REDUCE_F32_OUT];
  const int32_t mode = ip[TCP_REDUCE_F32_MODE];
  /* < 2**31 for any real buffer */
  const uint32_t cnt = (uint32_t)ip[TCP_REDUCE_F32_R0] * (uint32_t)ip[TCP_REDUCE_F32_R1]
                       * (uint32_t)ip[TCP_REDUCE_F32_R2];
  const float count = (float)(cnt > 0x7FFFFFFFu ? INT32_MAX : (int32_t)cnt);
  ptrdiff_t i0, i1, i2, j0, j1, j2, n = 0;
  (void)fp;
  (void)scratch;
  for (i0 = 0; i0 < ip[TCP_REDUCE_F32_O0]; i0++)
    for (i1 = 0; i1 < ip[TCP_REDUCE_F32_O1]; i1++)
      for (i2 = 0; i2 < ip[TCP_REDUCE_F32_O2]; i2++) {
        const float *const xo = x + i0 * ip[TCP_REDUCE_F32_OA0] + i1 * ip[TCP_REDUCE_F32_OA1]
                                + i2 * ip[TCP_REDUCE_F32_OA2];
        float acc = mode == 2 ? -3.40282347e38f : (mode == 3 ? 3.40282347e38f : 0.0f);
        for (j0 = 0; j0 < ip[TCP_REDUCE_F32_R0]; j0++)
          for (j1 = 0; j1 < ip[TCP_REDUCE_F32_R1]; j1++)
            for (j2 = 0; j2 < ip[TCP_REDUCE_F32_R2]; j2++) {
              const float v = xo[j0 * ip[TCP_REDUCE_F32_RA0] + j1 * ip[TCP_REDUCE_F32_RA1]
                                 + j2 * ip[TCP_REDUCE_F32_RA2]];
              if (mode <= 1)
                acc = v + acc;
              else if (mode == 2 ? v > acc : v < acc)
                acc = v;
            }
        y[n++] = mode == 1 ? acc / count : acc;
      }
}

/* tinycc portable kernel: softmax_f32 (float32 softmax with beta; the only kernel using libm:
   expf). In place is allowed. */
#include <math.h>

#include "tc_internal.h"

void tc_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_SOFTMAX_F32_IN];
  float *const y = (float *)buf[TCB_SOFTMAX_F32_OUT];
  const ptrdiff_t outer = ip[TCP_SOFTMAX_F32_OUTER], depth = ip[TCP_SOFTMAX_F32_DEPTH];
  const float beta = fp[TCF_SOFTMAX_F32_BETA];
  ptrdiff_t r, i;
  (void)scratch;
  for (r = 0; r < outer; r++) {
    const float *const xr = x + r * depth;
    float *const yr = y + r * depth;
    float maxv = xr[0], total = 0;
    for (i = 1; i < depth; i++)
      maxv = xr[i] > maxv ? xr[i] : maxv;
    for (i = 0; i < depth; i++) {
      const float e = expf((xr[i] - maxv) * beta);
      yr[i] = e; /* in place is fine: xr[i] is not read again */
      total += e;
    }
    for (i = 0; i < depth; i++)
      yr[i] = yr[i] / total;
  }
}

/* tinycc portable kernel: fc_f32 (float32 fully connected). */
#include "tc_internal.h"

void tc_fc_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[0];
  float *restrict const y = (float *)buf[1];
  const float *const w = (const float *)buf[2];
  const float *const bias = (const float *)buf[3];
  const ptrdiff_t batches = ip[0], depth = ip[1], units = ip[2];
  const float act_min = fp[0], act_max = fp[1];
  ptrdiff_t b, u;
  (void)scratch;
  for (b = 0; b < batches; b++)
    for (u = 0; u < units; u++)
      y[b * units + u] = tc_clampf(tc_dot_f32(x + b * depth, w + u * depth, depth) + bias[u], act_min, act_max);
}

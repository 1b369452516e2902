/* tinycc portable kernel: fc_f32 (float32 fully connected). */
#include "tc_internal.h"

void tc_fc_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_FC_F32_IN];
  float *restrict const y = (float *)buf[TCB_FC_F32_OUT];
  const float *const w = (const float *)buf[TCB_FC_F32_W];
  const float *const bias = (const float *)buf[TCB_FC_F32_BIAS];
  const ptrdiff_t batches = ip[TCP_FC_F32_BATCHES], depth = ip[TCP_FC_F32_DEPTH], units = ip[TCP_FC_F32_UNITS];
  const float act_min = fp[TCF_FC_F32_ACT_MIN], act_max = fp[TCF_FC_F32_ACT_MAX];
  ptrdiff_t b, u;
  (void)scratch;
  for (b = 0; b < batches; b++)
    for (u = 0; u < units; u++)
      y[b * units + u] = tc_clampf(tc_dot_f32(x + b * depth, w + u * depth, depth) + bias[u], act_min, act_max);
}

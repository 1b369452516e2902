/* tinycc portable kernel: fc_s8 (int8 fully connected, per-channel requantization). */
#include "tc_internal.h"

void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *restrict const y = (int8_t *)buf[1];
  const int8_t *const w = (const int8_t *)buf[2];
  const int32_t *const bias = (const int32_t *)buf[3];
  const int32_t *const mult = (const int32_t *)buf[4];
  const int32_t *const shift = (const int32_t *)buf[5];
  const ptrdiff_t batches = ip[0], depth = ip[1], units = ip[2];
  const int32_t act_min = ip[3], act_max = ip[4], in_zp = ip[5], out_zp = ip[6];
  ptrdiff_t b, u;
  (void)fp;
  (void)scratch;
  for (b = 0; b < batches; b++)
    for (u = 0; u < units; u++) {
      const uint32_t acc = (uint32_t)bias[u] + tc_dot_s8(x + b * depth, w + u * depth, depth, in_zp);
      y[b * units + u] = tc_requant_s8(acc, mult[u], shift[u], out_zp, act_min, act_max);
    }
}

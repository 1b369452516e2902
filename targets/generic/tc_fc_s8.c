/* tinycc portable kernel: fc_s8 (int8 fully connected, per-channel requantization). */
#include "tc_internal.h"

void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_FC_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_FC_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_FC_S8_W];
  const int32_t *const bias = (const int32_t *)buf[TCB_FC_S8_BIAS];
  const int32_t *const mult = (const int32_t *)buf[TCB_FC_S8_MULT];
  const int32_t *const shift = (const int32_t *)buf[TCB_FC_S8_SHIFT];
  const ptrdiff_t batches = ip[TCP_FC_S8_BATCHES], depth = ip[TCP_FC_S8_DEPTH], units = ip[TCP_FC_S8_UNITS];
  const int32_t act_min = ip[TCP_FC_S8_ACT_MIN], act_max = ip[TCP_FC_S8_ACT_MAX], in_zp = ip[TCP_FC_S8_IN_ZP],
                out_zp = ip[TCP_FC_S8_OUT_ZP];
  ptrdiff_t b, u;
  (void)fp;
  (void)scratch;
  for (b = 0; b < batches; b++)
    for (u = 0; u < units; u++) {
      const uint32_t acc = (uint32_t)bias[u] + tc_dot_s8(x + b * depth, w + u * depth, depth, in_zp);
      y[b * units + u] = tc_requant_s8(acc, mult[u], shift[u], out_zp, act_min, act_max);
    }
}

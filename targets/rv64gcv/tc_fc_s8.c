/* tinycc RVV kernel: fc_s8 (int8 fully connected, per-channel requantization) as a GEMM over
   units: weights [depth][units], zero point folded into the bias (tc_rvv.h). */
#include "tc_rvv.h"

void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t batches = ip[TCP_FC_S8_BATCHES], depth = ip[TCP_FC_S8_DEPTH], units = ip[TCP_FC_S8_UNITS];
  tc_rvv_gemm g;
  (void)fp;
  (void)scratch;
  /* a 1 x batches image of depth channels, 1x1 filter, no padding */
  g.x = (const int8_t *)buf[TCB_FC_S8_IN];
  g.w = (const int8_t *)buf[TCB_FC_S8_W];
  g.bias = (const int32_t *)buf[TCB_FC_S8_BIAS];
  g.mult = (const int32_t *)buf[TCB_FC_S8_MULT];
  g.q = (const int32_t *)buf[TCB_FC_S8_SHIFT];
  g.zpbuf = g.x;
  g.h = 1;
  g.wd = batches;
  g.c = depth;
  g.oc = units;
  g.kh = 1;
  g.kw = 1;
  g.sw = 1;
  g.dh = 1;
  g.dw = 1;
  g.pl = 0;
  g.lo = ip[TCP_FC_S8_ACT_MIN] - ip[TCP_FC_S8_OUT_ZP];
  g.hi = ip[TCP_FC_S8_ACT_MAX] - ip[TCP_FC_S8_OUT_ZP];
  g.out_zp = ip[TCP_FC_S8_OUT_ZP];
  tc_rvv_gemm_row(&g, 0, batches, (int8_t *)buf[TCB_FC_S8_OUT]);
}

/* tinycc RVV kernel: fc_s8 (int8 fully connected, per-channel requantization) as a GEMM over
   units: weights [depth][units], zero point folded into the bias (tc_rvv.h). */
#include "tc_rvv.h"

void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t batches = ip[0], depth = ip[1], units = ip[2];
  tc_rvv_gemm g;
  (void)fp;
  (void)scratch;
  /* a 1 x batches image of depth channels, 1x1 filter, no padding */
  g.x = (const int8_t *)buf[0];
  g.w = (const int8_t *)buf[2];
  g.bias = (const int32_t *)buf[3];
  g.mult = (const int32_t *)buf[4];
  g.q = (const int32_t *)buf[5];
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
  g.lo = ip[3] - ip[6];
  g.hi = ip[4] - ip[6];
  g.out_zp = ip[6];
  tc_rvv_gemm_row(&g, 0, batches, (int8_t *)buf[1]);
}

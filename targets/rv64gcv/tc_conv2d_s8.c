/* tinycc RVV kernel: conv2d_s8 (NHWC int8 convolution, per-channel requantization) as a GEMM
   over output channels: weights [kh][kw][c][oc], zero point folded into the bias (tc_rvv.h).
   scratch: kw * c bytes (in_zp), needed only when a tap can fall outside the image. */
#include "tc_rvv.h"

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t n = ip[0], h = ip[1], wd = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const int32_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], dh = ip[11], dw = ip[12];
  const int32_t pt = ip[13], pl = ip[14];
  const int32_t act_min = ip[15], act_max = ip[16], in_zp = ip[17], out_zp = ip[18];
  int8_t *const y = (int8_t *)buf[1];
  tc_rvv_gemm g;
  ptrdiff_t b, oy;
  (void)fp;
  g.w = (const int8_t *)buf[2];
  g.bias = (const int32_t *)buf[3];
  g.mult = (const int32_t *)buf[4];
  g.q = (const int32_t *)buf[5];
  g.zpbuf = (const int8_t *)scratch;
  g.h = h;
  g.wd = wd;
  g.c = c;
  g.oc = oc;
  g.kh = kh;
  g.kw = kw;
  g.sw = sw;
  g.dh = dh;
  g.dw = dw;
  g.pl = pl;
  g.lo = act_min - out_zp;
  g.hi = act_max - out_zp;
  g.out_zp = out_zp;
  {
    /* a tap outside the image reads zpbuf (the planner reserved it exactly then) */
    const int pad = pt > 0 || pl > 0 || (int64_t)(oh - 1) * sh - pt + (int64_t)(kh - 1) * dh >= h ||
                    (int64_t)(ow - 1) * sw - pl + (int64_t)(kw - 1) * dw >= wd;
    if (pad && oh > 0 && ow > 0)
      tc_rvv_fill8((int8_t *)scratch, (int8_t)in_zp, (ptrdiff_t)kw * c);
  }
  for (b = 0; b < n; b++) {
    g.x = (const int8_t *)buf[0] + b * h * wd * c;
    for (oy = 0; oy < oh; oy++)
      tc_rvv_gemm_row(&g, (int64_t)oy * sh - pt, ow, y + ((b * oh + oy) * ow) * oc);
  }
}

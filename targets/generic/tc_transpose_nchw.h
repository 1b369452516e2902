/* tinycc portable kernels transpose_nchw_s8 and transpose_nchw_f32 (one body, here), TRANSPOSE with perm (0, 2, 3, 1)
 * (an NCHW tensor's pixels in NHWC, PyTorch conversions' input transpose) written as a sliding 1x1
 * window, so that a streamed block can start with it: output pixel (oy, ox) is input pixel
 * (oy * sh - pt, ox * sw - pl) of every channel plane (zeros outside the input; validation keeps a
 * whole call inside it, row and stripe calls of tc_run_chain move pt and pl). */
#ifndef TC_TRANSPOSE_NCHW_H
#define TC_TRANSPOSE_NCHW_H

#include <string.h>

#include "tc_internal.h"

/* one body for both: the float32 kernel's operands where the int8 kernel's are */
TC_SAME_BUF(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, IN);
TC_SAME_BUF(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, OUT);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, N);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, H);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, W);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, C);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, OH);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, OW);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, SH);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, SW);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, PT);
TC_SAME_IP(TRANSPOSE_NCHW_S8, TRANSPOSE_NCHW_F32, PL);

static inline void tc_transpose_nchw(void *const *buf, const int32_t *ip, size_t es)
{
  const uint8_t *const x = (const uint8_t *)buf[TCB_TRANSPOSE_NCHW_S8_IN];
  uint8_t *const y = (uint8_t *)buf[TCB_TRANSPOSE_NCHW_S8_OUT];
  const ptrdiff_t n = ip[TCP_TRANSPOSE_NCHW_S8_N], h = ip[TCP_TRANSPOSE_NCHW_S8_H], w = ip[TCP_TRANSPOSE_NCHW_S8_W],
                  c = ip[TCP_TRANSPOSE_NCHW_S8_C], oh = ip[TCP_TRANSPOSE_NCHW_S8_OH], ow = ip[TCP_TRANSPOSE_NCHW_S8_OW];
  const int64_t sh = ip[TCP_TRANSPOSE_NCHW_S8_SH], sw = ip[TCP_TRANSPOSE_NCHW_S8_SW],
                pt = ip[TCP_TRANSPOSE_NCHW_S8_PT], pl = ip[TCP_TRANSPOSE_NCHW_S8_PL];
  ptrdiff_t b, oy, ox, i;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy = oy * sh - pt;
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix = ox * sw - pl;
        uint8_t *const d = y + (((b * oh + oy) * ow + ox) * c) * (ptrdiff_t)es;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
          memset(d, 0, (size_t)c * es);
          continue;
        }
        if (es == 1)
          for (i = 0; i < c; i++)
            d[i] = x[((b * c + i) * h + iy) * w + ix];
        else
          for (i = 0; i < c; i++)
            memcpy(d + i * 4, x + (((b * c + i) * h + iy) * w + ix) * 4, 4);
      }
    }
}

#endif

/* tinycc portable kernel: resize_nearest (RESIZE_NEAREST_NEIGHBOR: each output pixel copies the
 * input pixel its row and column tables name; any element size).
 * tinycc: shared with the host executor. */
#include <string.h>

#include "tc_internal.h"

/* buffers: in [n][h][w][c], out [n][oh][ow][c], ytab (oh int32 input rows), xtab (ow int32 input
   columns; table entries are clamped into the input). ip: esize n h w c oh ow */
void tc_resize_nearest(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint8_t *const x = (const uint8_t *)buf[TCB_RESIZE_NEAREST_IN];
  uint8_t *y = (uint8_t *)buf[TCB_RESIZE_NEAREST_OUT];
  const int32_t *const ytab = (const int32_t *)buf[TCB_RESIZE_NEAREST_YTAB];
  const int32_t *const xtab = (const int32_t *)buf[TCB_RESIZE_NEAREST_XTAB];
  const ptrdiff_t es = ip[TCP_RESIZE_NEAREST_ESIZE], n = ip[TCP_RESIZE_NEAREST_N], h = ip[TCP_RESIZE_NEAREST_H],
                  w = ip[TCP_RESIZE_NEAREST_W], c = ip[TCP_RESIZE_NEAREST_C], oh = ip[TCP_RESIZE_NEAREST_OH],
                  ow = ip[TCP_RESIZE_NEAREST_OW];
  const size_t pixel = (size_t)(c * es);
  ptrdiff_t b, oy, ox;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const ptrdiff_t iy = tc_clamp32(ytab[oy], 0, (int32_t)(h - 1));
      const uint8_t *const row = x + ((b * h + iy) * w) * c * es;
      for (ox = 0; ox < ow; ox++) {
        const ptrdiff_t ix = tc_clamp32(xtab[ox], 0, (int32_t)(w - 1));
        memcpy(y, row + ix * c * es, pixel);
        y += pixel;
      }
    }
}

/* tinycc portable kernel: resize_bilinear_f32 (RESIZE_BILINEAR over float32 with compile-time row
 * and column tables: TFLite's interpolation weights, summed in its order).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in [n][h][w][c], out [n][oh][ow][c], yidx (oh x {y0, y1} int32), xidx (ow x {x0, x1}),
   yw (oh x {1 - dy, dy} float32), xw (ow x {1 - dx, dx}). Indices are clamped into the input.
   out = x00 * ay * ax + x10 * dy * ax + x01 * ay * dx + x11 * dy * dx. ip: n h w c oh ow */
void tc_resize_bilinear_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_RESIZE_BILINEAR_F32_IN];
  float *y = (float *)buf[TCB_RESIZE_BILINEAR_F32_OUT];
  const int32_t *const yidx = (const int32_t *)buf[TCB_RESIZE_BILINEAR_F32_YIDX];
  const int32_t *const xidx = (const int32_t *)buf[TCB_RESIZE_BILINEAR_F32_XIDX];
  const float *const yw = (const float *)buf[TCB_RESIZE_BILINEAR_F32_YW];
  const float *const xw = (const float *)buf[TCB_RESIZE_BILINEAR_F32_XW];
  const ptrdiff_t n = ip[TCP_RESIZE_BILINEAR_F32_N], h = ip[TCP_RESIZE_BILINEAR_F32_H],
                  w = ip[TCP_RESIZE_BILINEAR_F32_W], c = ip[TCP_RESIZE_BILINEAR_F32_C],
                  oh = ip[TCP_RESIZE_BILINEAR_F32_OH], ow = ip[TCP_RESIZE_BILINEAR_F32_OW];
  ptrdiff_t b, oy, ox, k;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const float *const r0 = x + ((b * h + tc_clamp32(yidx[oy * 2], 0, (int32_t)(h - 1))) * w) * c;
      const float *const r1 = x + ((b * h + tc_clamp32(yidx[oy * 2 + 1], 0, (int32_t)(h - 1))) * w) * c;
      const float ay = yw[oy * 2], dy = yw[oy * 2 + 1];
      for (ox = 0; ox < ow; ox++) {
        const ptrdiff_t c0 = tc_clamp32(xidx[ox * 2], 0, (int32_t)(w - 1)) * c;
        const ptrdiff_t c1 = tc_clamp32(xidx[ox * 2 + 1], 0, (int32_t)(w - 1)) * c;
        const float ax = xw[ox * 2], dx = xw[ox * 2 + 1];
        for (k = 0; k < c; k++)
          *y++ = r0[c0 + k] * ay * ax + r1[c0 + k] * dy * ax + r0[c1 + k] * ay * dx + r1[c1 + k] * dy * dx;
      }
    }
}

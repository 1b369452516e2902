/* tinycc portable kernel: resize_bilinear_s8 (RESIZE_BILINEAR over int8 with TFLite's integer
 * path: 10-bit fixed-point weights from compile-time row and column tables).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in [n][h][w][c], out [n][oh][ow][c], ytab (oh x {y0, y1, wy0, wy1} int32), xtab (ow x
   {x0, x1, wx0, wx1}). out = (sum of the four corners times wy * wx, rounded half away from zero)
   / 2**20. Indices are clamped into the input and weights to [-4096, 4096] (TFLite's lie in
   [-512, 1536]). ip: n h w c oh ow */
void tc_resize_bilinear_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_RESIZE_BILINEAR_S8_IN];
  int8_t *y = (int8_t *)buf[TCB_RESIZE_BILINEAR_S8_OUT];
  const int32_t *const ytab = (const int32_t *)buf[TCB_RESIZE_BILINEAR_S8_YTAB];
  const int32_t *const xtab = (const int32_t *)buf[TCB_RESIZE_BILINEAR_S8_XTAB];
  const ptrdiff_t n = ip[TCP_RESIZE_BILINEAR_S8_N], h = ip[TCP_RESIZE_BILINEAR_S8_H], w = ip[TCP_RESIZE_BILINEAR_S8_W],
                  c = ip[TCP_RESIZE_BILINEAR_S8_C], oh = ip[TCP_RESIZE_BILINEAR_S8_OH],
                  ow = ip[TCP_RESIZE_BILINEAR_S8_OW];
  ptrdiff_t b, oy, ox, k;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const int32_t *const ty = ytab + oy * 4;
      const int8_t *const r0 = x + ((b * h + tc_clamp32(ty[0], 0, (int32_t)(h - 1))) * w) * c;
      const int8_t *const r1 = x + ((b * h + tc_clamp32(ty[1], 0, (int32_t)(h - 1))) * w) * c;
      const int64_t wy0 = tc_clamp32(ty[2], -4096, 4096), wy1 = tc_clamp32(ty[3], -4096, 4096);
      for (ox = 0; ox < ow; ox++) {
        const int32_t *const tx = xtab + ox * 4;
        const ptrdiff_t c0 = tc_clamp32(tx[0], 0, (int32_t)(w - 1)) * c, c1 = tc_clamp32(tx[1], 0, (int32_t)(w - 1)) * c;
        const int64_t wx0 = tc_clamp32(tx[2], -4096, 4096), wx1 = tc_clamp32(tx[3], -4096, 4096);
        for (k = 0; k < c; k++) {
          const int64_t v = r0[c0 + k] * wy0 * wx0 + r1[c0 + k] * wy1 * wx0 + r0[c1 + k] * wy0 * wx1
                            + r1[c1 + k] * wy1 * wx1;
          const int64_t q = (v + (v > 0 ? ((int64_t)1 << 19) : -((int64_t)1 << 19))) / ((int64_t)1 << 20);
          *y++ = (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
        }
      }
    }
}

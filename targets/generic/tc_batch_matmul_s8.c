/* tinycc portable kernel: batch_matmul_s8 (BATCH_MATMUL over int8: broadcast batches, strided
 * (optionally transposed) operands, TFLite's per-tensor requantization).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: lhs, rhs, out. ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj lhs_zp rhs_zp
   out_zp mult shift. For every batch (i0, i1, i2) < (b0, b1, b2), row i < m and column j < n:
   out[((i0 * b1 + i1) * b2 + i2) * m * n + i * n + j] = requant(sum over t < k of
   (lhs[L + i * lsi + t * lsk] - lhs_zp) * (rhs[R + t * rsk + j * rsj] - rhs_zp)) with
   L = i0 * la0 + i1 * la1 + i2 * la2 and R = i0 * ra0 + i1 * ra1 + i2 * ra2 (stride 0: broadcast). */
void tc_batch_matmul_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const lhs = (const int8_t *)buf[0];
  const int8_t *const rhs = (const int8_t *)buf[1];
  int8_t *y = (int8_t *)buf[2];
  const int32_t *const b = ip, *const la = ip + 3, *const ra = ip + 6;
  const ptrdiff_t m = ip[9], k = ip[10], n = ip[11], lsi = ip[12], lsk = ip[13], rsk = ip[14], rsj = ip[15];
  const int32_t lzp = ip[16], rzp = ip[17], out_zp = ip[18], mult = ip[19], shift = ip[20];
  ptrdiff_t i0, i1, i2, i, j, t;
  (void)fp;
  (void)scratch;
  for (i0 = 0; i0 < b[0]; i0++)
    for (i1 = 0; i1 < b[1]; i1++)
      for (i2 = 0; i2 < b[2]; i2++) {
        const int8_t *const l = lhs + i0 * la[0] + i1 * la[1] + i2 * la[2];
        const int8_t *const r = rhs + i0 * ra[0] + i1 * ra[1] + i2 * ra[2];
        for (i = 0; i < m; i++)
          for (j = 0; j < n; j++) {
            uint32_t acc = 0;
            for (t = 0; t < k; t++) {
              const int32_t p = ((int32_t)l[i * lsi + t * lsk] - lzp) * ((int32_t)r[t * rsk + j * rsj] - rzp);
              acc += (uint32_t)p;
            }
            *y++ = tc_requant_s8(acc, mult, shift, out_zp, -128, 127);
          }
      }
}

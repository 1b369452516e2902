/* tinycc portable kernel: batch_matmul_f32 (BATCH_MATMUL over float32: broadcast batches, strided
 * (optionally transposed) operands, each dot product summed in order).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: lhs, rhs, out. ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj (as
   batch_matmul_s8, without requantization). */
void tc_batch_matmul_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const lhs = (const float *)buf[0];
  const float *const rhs = (const float *)buf[1];
  float *y = (float *)buf[2];
  const int32_t *const b = ip, *const la = ip + 3, *const ra = ip + 6;
  const ptrdiff_t m = ip[9], k = ip[10], n = ip[11], lsi = ip[12], lsk = ip[13], rsk = ip[14], rsj = ip[15];
  ptrdiff_t i0, i1, i2, i, j, t;
  (void)fp;
  (void)scratch;
  for (i0 = 0; i0 < b[0]; i0++)
    for (i1 = 0; i1 < b[1]; i1++)
      for (i2 = 0; i2 < b[2]; i2++) {
        const float *const l = lhs + i0 * la[0] + i1 * la[1] + i2 * la[2];
        const float *const r = rhs + i0 * ra[0] + i1 * ra[1] + i2 * ra[2];
        for (i = 0; i < m; i++)
          for (j = 0; j < n; j++) {
            float acc = 0.0f;
            for (t = 0; t < k; t++)
              acc += l[i * lsi + t * lsk] * r[t * rsk + j * rsj];
            *y++ = acc;
          }
      }
}

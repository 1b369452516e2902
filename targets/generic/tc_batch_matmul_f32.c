/* tinycc portable kernel: batch_matmul_f32 (BATCH_MATMUL over float32: broadcast batches, strided
 * (optionally transposed) operands, each dot product summed in order).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: lhs, rhs, out. ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj (as
   batch_matmul_s8, without requantization). */
void tc_batch_matmul_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const lhs = (const float *)buf[TCB_BATCH_MATMUL_F32_LHS];
  const float *const rhs = (const float *)buf[TCB_BATCH_MATMUL_F32_RHS];
  float *y = (float *)buf[TCB_BATCH_MATMUL_F32_OUT];
  const ptrdiff_t m = ip[TCP_BATCH_MATMUL_F32_M], k = ip[TCP_BATCH_MATMUL_F32_K], n = ip[TCP_BATCH_MATMUL_F32_N],
                  lsi = ip[TCP_BATCH_MATMUL_F32_LSI], lsk = ip[TCP_BATCH_MATMUL_F32_LSK],
                  rsk = ip[TCP_BATCH_MATMUL_F32_RSK], rsj = ip[TCP_BATCH_MATMUL_F32_RSJ];
  ptrdiff_t i0, i1, i2, i, j, t;
  (void)fp;
  (void)scratch;
  for (i0 = 0; i0 < ip[TCP_BATCH_MATMUL_F32_B0]; i0++)
    for (i1 = 0; i1 < ip[TCP_BATCH_MATMUL_F32_B1]; i1++)
      for (i2 = 0; i2 < ip[TCP_BATCH_MATMUL_F32_B2]; i2++) {
        const float *const l = lhs + i0 * ip[TCP_BATCH_MATMUL_F32_LA0] + i1 * ip[TCP_BATCH_MATMUL_F32_LA1]
                               + i2 * ip[TCP_BATCH_MATMUL_F32_LA2];
        const float *const r = rhs + i0 * ip[TCP_BATCH_MATMUL_F32_RA0] + i1 * ip[TCP_BATCH_MATMUL_F32_RA1]
                               + i2 * ip[TCP_BATCH_MATMUL_F32_RA2];
        for (i = 0; i < m; i++)
          for (j = 0; j < n; j++) {
            float acc = 0.0f;
            for (t = 0; t < k; t++)
              acc += l[i * lsi + t * lsk] * r[t * rsk + j * rsj];
            *y++ = acc;
          }
      }
}

/* tinycc portable kernel: batch_matmul_s8 (BATCH_MATMUL over int8: broadcast batches, strided
 * (optionally transposed) operands, TFLite's per-tensor requantization; tc_matmul_q.h).
 * tinycc: shared with the host executor. */
#include "tc_matmul_q.h"

#define TC_REQUANT(acc, o) tc_requant_s8(acc, mult, shift, out_zp, -128, 127)

void tc_batch_matmul_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  TC_BATCH_MATMUL_BODY(BATCH_MATMUL_S8, int8_t, int32_t, uint32_t, TC_REQUANT)
}

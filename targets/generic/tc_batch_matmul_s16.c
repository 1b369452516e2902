/* tinycc portable kernel: batch_matmul_s16 (BATCH_MATMUL over int16, zero points 0: int64
 * accumulation, TFLite's 64-bit requantization; tc_matmul_q.h).
 * tinycc: shared with the host executor. */
#include "tc_matmul_q.h"

#define TC_REQUANT(acc, o) tc_requant_s16(acc, mult, shift, -32768, 32767)

void tc_batch_matmul_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  TC_BATCH_MATMUL_BODY(BATCH_MATMUL_S16, int16_t, int64_t, uint64_t, TC_REQUANT)
}

/* tinycc portable kernel: transpose_conv_s16 (16x8 TRANSPOSE_CONV: int16 activations with zero
 * point 0, int8 weights, int64 bias and accumulation, TFLite's 64-bit requantization;
 * tc_matmul_q.h).
 * tinycc: shared with the host executor. */
#include "tc_matmul_q.h"

#define TC_REQUANT(acc, o) tc_requant_s16(acc, mult[o], shift[o], act_min, act_max)

void tc_transpose_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  TC_TRANSPOSE_CONV_BODY(TRANSPOSE_CONV_S16, int16_t, int64_t, uint64_t, int64_t, 0, TC_REQUANT)
}

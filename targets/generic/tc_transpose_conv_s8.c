/* tinycc portable kernel: transpose_conv_s8 (TRANSPOSE_CONV over int8, per-channel weights,
 * gathered per output element; TFLite Micro's accumulation and requantization; tc_matmul_q.h).
 * tinycc: shared with the host executor. */
#include "tc_matmul_q.h"

/* bias [oc] int32; ip ends in_zp out_zp */
#define TC_REQUANT(acc, o) \
  tc_requant_s8(acc, mult[o], shift[o], ip[TCP_TRANSPOSE_CONV_S8_OUT_ZP], act_min, act_max)

void tc_transpose_conv_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  TC_TRANSPOSE_CONV_BODY(TRANSPOSE_CONV_S8, int8_t, int32_t, uint32_t, int32_t, ip[TCP_TRANSPOSE_CONV_S8_IN_ZP],
                         TC_REQUANT)
}

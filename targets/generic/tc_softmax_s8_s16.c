/* tinycc portable kernel: softmax_s8_s16 (TFLite's softmax of int8 input to int16 output, scale
 * 1/65536, zero point -32768; tc_softmax_q.h).
 * tinycc: shared with the host executor. */
#include "tc_softmax_q.h"

void tc_softmax_s8_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_softmax_q(buf, ip, 16);
}

/* tinycc portable kernel: softmax_s8 (TFLite's int8 softmax: gemmlowp exp and reciprocal,
   output scale 1/256, zero point -128; tc_softmax_q.h). In place is allowed. */
#include "tc_softmax_q.h"

void tc_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_softmax_q(buf, ip, 8);
}

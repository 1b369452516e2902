/* tinycc portable kernel: binary_s8 (int8 SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU
 * with 6-D broadcasting, TFLite Micro's integer arithmetic; tc_binary_q.h).
 * tinycc: shared with the host executor. */
#include "tc_binary_q.h"

void tc_binary_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_binary_q(buf, ip, 0);
}

/* tinycc portable kernel: binary_s16 (int16 SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU
 * with 6-D broadcasting, TFLite Micro's 16-bit integer arithmetic; tc_binary_q.h).
 * tinycc: shared with the host executor. */
#include "tc_binary_q.h"

void tc_binary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_binary_q(buf, ip, 1);
}

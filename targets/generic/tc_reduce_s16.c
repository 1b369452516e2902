/* tinycc portable kernel: reduce_s16 (MEAN, SUM, REDUCE_MAX, REDUCE_MIN over int16; tc_reduce_q.h).
 * tinycc: shared with the host executor. */
#include "tc_reduce_q.h"

void tc_reduce_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_reduce_q(buf, ip, 1);
}

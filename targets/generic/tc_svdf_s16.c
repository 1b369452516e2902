/* tinycc portable kernel: svdf_s16 (SVDF with int8 input and output, an int16 activation state and
 * int16 weights_time: TFLite Micro's EvalInt16SvdfReference, its "full integer" SVDF, bit-exact;
 * tc_svdf_q.h).
 * tinycc: shared with the host executor. */
#include "tc_svdf_q.h"

void tc_svdf_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_svdf_q(buf, ip, 1);
}

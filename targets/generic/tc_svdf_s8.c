/* tinycc portable kernel: svdf_s8 (SVDF with int8 input and output, an int8 activation state and
 * int8 weights_time: TFLite Micro's EvalInt8SvdfReference, bit-exact; tc_svdf_q.h).
 * tinycc: shared with the host executor. */
#include "tc_svdf_q.h"

void tc_svdf_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_svdf_q(buf, ip, 0);
}

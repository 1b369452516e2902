/* tinycc portable kernel: transpose_nchw_s8 (tc_transpose_nchw.h). */
#include "tc_transpose_nchw.h"

void tc_transpose_nchw_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_transpose_nchw(buf, ip, 1);
}
